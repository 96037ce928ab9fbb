//! The hold model (Jones 1986) on the engine's event queue and on its rivals.
//!
//! A hold pops the earliest event and schedules one at its time plus an Exp(1)
//! increment, so the queue stays at size N. Every candidate sees the same
//! increments (a precomputed ring of 4096 draws), so the only difference between
//! them is the data structure. One iteration is 1,000 holds; criterion's
//! throughput figure is holds per second, and time / 1,000 is ns per hold.
//!
//! Candidates, side by side in one group per size:
//! - `engine_scheduler`: `caspian_engine::Scheduler`, the real thing (4-ary heap,
//!   FIFO tie-break, lazy cancellation, past-time check), with a `u32` payload;
//! - `std_binary_heap`: the bare baseline, `BinaryHeap<Reverse<(time, seq)>>`;
//! - `event_heap_d2/d4/d8`: the engine's raw heap at arities 2, 4 and 8;
//! - `priority_queue_crate`: `priority_queue::PriorityQueue` (indexed, so it can
//!   cancel and re-prioritise by key, at the price of a hash map);
//! - `calendar_queue`: `caspian_benches::calendar_queue::CalendarQueue` (Brown's
//!   calendar queue, O(1) expected per hold), with a `u32` payload;
//! - `radix_queue`: `caspian_benches::radix_queue::RadixQueue` (a radix heap,
//!   Ahuja et al. 1990, monotone keys), with a `u32` payload.
//!
//! Sizes: 5 (about what the models' working heap holds), 10^2, 10^4, 10^6.
//!
//! Run: `cargo bench -p caspian-benches --bench event_queue`

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::hint::black_box;

use caspian_benches::calendar_queue::CalendarQueue;
use caspian_benches::radix_queue::RadixQueue;
use caspian_engine::{EventHeap, EventKey, Scheduler, SimTime};
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use priority_queue::PriorityQueue;
use rand::SeedableRng;
use rand::rngs::ChaCha8Rng;
use rand_distr::{Distribution, Exp1};

const HOLDS_PER_ITER: u64 = 1_000;
const RING: usize = 4096;
/// Ticks per unit of the Exp(1) increment: fine enough that ties are rare.
const SCALE: f64 = 1_000_000.0;

/// A ring of Exp(1) increments in ticks.
struct Increments {
    ring: Vec<u64>,
    pos: usize,
}

impl Increments {
    fn new(seed: u64) -> Self {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let ring = (0..RING)
            .map(|_| {
                let x: f64 = Exp1.sample(&mut rng);
                (x * SCALE) as u64
            })
            .collect();
        Self { ring, pos: 0 }
    }

    #[inline(always)]
    fn next(&mut self) -> u64 {
        let v = self.ring[self.pos];
        self.pos = (self.pos + 1) & (RING - 1);
        v
    }
}

fn hold_model(c: &mut Criterion) {
    for &n in &[5usize, 100, 10_000, 1_000_000] {
        let mut group = c.benchmark_group(format!("hold/n={n}"));
        group.throughput(Throughput::Elements(HOLDS_PER_ITER));
        if n >= 1_000_000 {
            group.sample_size(30);
        }

        group.bench_function(BenchmarkId::from_parameter("engine_scheduler"), |b| {
            let mut inc = Increments::new(1);
            let mut q: Scheduler<u32> = Scheduler::with_capacity(n);
            for i in 0..n {
                q.schedule_at(SimTime::from_ticks(inc.next()), i as u32).unwrap();
            }
            b.iter(|| {
                for _ in 0..HOLDS_PER_ITER {
                    let (t, ev) = q.pop().unwrap();
                    let at = SimTime::from_ticks(t.ticks() + inc.next());
                    q.schedule_at(at, black_box(ev)).unwrap();
                }
            });
        });

        group.bench_function(BenchmarkId::from_parameter("std_binary_heap"), |b| {
            let mut inc = Increments::new(1);
            let mut q: BinaryHeap<Reverse<(u64, u64)>> = BinaryHeap::with_capacity(n);
            let mut seq = 0u64;
            for _ in 0..n {
                q.push(Reverse((inc.next(), seq)));
                seq += 1;
            }
            b.iter(|| {
                for _ in 0..HOLDS_PER_ITER {
                    let Reverse((t, _)) = q.pop().unwrap();
                    q.push(Reverse((t + inc.next(), black_box(seq))));
                    seq += 1;
                }
            });
        });

        bench_keyed(&mut group, n, "event_heap_d2", || EventHeap::<u32, 2>::with_capacity(n));
        bench_keyed(&mut group, n, "event_heap_d4", || EventHeap::<u32, 4>::with_capacity(n));
        bench_keyed(&mut group, n, "event_heap_d8", || EventHeap::<u32, 8>::with_capacity(n));

        if n <= 10_000 {
            group.bench_function(BenchmarkId::from_parameter("priority_queue_crate"), |b| {
                let mut inc = Increments::new(1);
                let mut q: PriorityQueue<u64, Reverse<(u64, u64)>> =
                    PriorityQueue::with_capacity(n);
                let mut seq = 0u64;
                for _ in 0..n {
                    q.push(seq, Reverse((inc.next(), seq)));
                    seq += 1;
                }
                b.iter(|| {
                    for _ in 0..HOLDS_PER_ITER {
                        let (_, Reverse((t, _))) = q.pop().unwrap();
                        q.push(seq, Reverse((t + inc.next(), black_box(seq))));
                        seq += 1;
                    }
                });
            });
        }
        bench_keyed(&mut group, n, "calendar_queue", CalendarQueue::<u32>::new);
        bench_keyed(&mut group, n, "radix_queue", RadixQueue::<u32>::new);
        group.finish();
    }
}

/// A bare queue of `(EventKey, u32)`: the engine's heap at any arity, the
/// calendar queue or the radix heap, benchmarked by [`bench_keyed`].
trait KeyedQueue {
    fn push_key(&mut self, key: EventKey, event: u32);
    fn pop_key(&mut self) -> Option<(EventKey, u32)>;
}

/// Forwards [`KeyedQueue`] to a queue's own `push` and `pop`, which have the
/// same shape in every queue.
macro_rules! keyed_queue {
    ([$($generics:tt)*] $queue:ty) => {
        impl<$($generics)*> KeyedQueue for $queue {
            #[inline(always)]
            fn push_key(&mut self, key: EventKey, event: u32) {
                self.push(key, event);
            }
            #[inline(always)]
            fn pop_key(&mut self) -> Option<(EventKey, u32)> {
                self.pop()
            }
        }
    };
}

keyed_queue!([const D: usize] EventHeap<u32, D>);
keyed_queue!([] CalendarQueue<u32>);
keyed_queue!([] RadixQueue<u32>);

/// The hold model on a bare keyed queue made by `make`, keys numbered as the
/// `Scheduler` numbers them.
fn bench_keyed<Q: KeyedQueue>(
    group: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>,
    n: usize,
    name: &str,
    make: impl Fn() -> Q,
) {
    group.bench_function(BenchmarkId::from_parameter(name), |b| {
        let mut inc = Increments::new(1);
        let mut q = make();
        let mut seq = 0u64;
        for i in 0..n {
            q.push_key(EventKey::new(SimTime::from_ticks(inc.next()), seq), i as u32);
            seq += 1;
        }
        b.iter(|| {
            for _ in 0..HOLDS_PER_ITER {
                let (k, ev) = q.pop_key().unwrap();
                let at = SimTime::from_ticks(k.time().ticks() + inc.next());
                q.push_key(EventKey::new(at, seq), black_box(ev));
                seq += 1;
            }
        });
    });
}

criterion_group!(benches, hold_model);
criterion_main!(benches);
