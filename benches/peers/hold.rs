//! The hold model on the engine's `Scheduler`, as a whole process, for the
//! side-by-side comparison with SimPy (`benches/peers/simpy_hold.py`).
//!
//! N events are pending; a hold pops the earliest and schedules one at its time
//! plus an Exp(1) increment, drawn on the spot (as SimPy's side draws it), so
//! the queue stays at size N. Unlike `benches/benches/event_queue.rs`, which
//! feeds every candidate the same precomputed increments to isolate the data
//! structure, this measures the same work the SimPy peer does: draw, pop, push.
//!
//! Usage: `peers_hold N HOLDS [QUEUE]` (prints one JSON line: n, holds, ns per
//! hold). QUEUE is one of
//! - `engine` (the default, what `compare.sh` runs): `caspian_engine::Scheduler`;
//! - `heap`: the engine's bare 4-ary `EventHeap`, keys numbered here;
//! - `calendar`: `caspian_benches::calendar_queue::CalendarQueue`, keys numbered here;
//! - `hybrid`: `caspian_benches::hybrid_queue::HybridQueue` (the heap up to 64
//!   pending, the calendar above), keys numbered here;
//! - `radix`: `caspian_benches::radix_queue::RadixQueue` (a radix heap),
//!   keys numbered here;
//! - `draw`: no queue, only the draws (the floor under every queue).
//!
//! Run: `cargo run --release -p caspian-benches --example peers_hold -- 10000 1000000`

use std::hint::black_box;
use std::time::Instant;

use caspian_benches::calendar_queue::CalendarQueue;
use caspian_benches::hybrid_queue::HybridQueue;
use caspian_benches::radix_queue::RadixQueue;
use caspian_engine::{EventHeap, EventKey, Scheduler, SimTime};
use rand::SeedableRng;
use rand::rngs::ChaCha8Rng;
use rand_distr::{Distribution, Exp1};

/// Ticks per unit of the Exp(1) increment: fine enough that ties are rare.
const SCALE: f64 = 1_000_000.0;
const USAGE: &str = "usage: peers_hold N HOLDS [engine|heap|calendar|hybrid|radix|draw]";
/// The most pending events: payloads are `u32`, and 10^8 slots already take
/// a few GB.
const MAX_N: u64 = 100_000_000;

/// What a hold needs from a queue: pop the earliest event, push one.
trait HoldQueue {
    /// The earliest event's time in ticks, and its payload.
    fn pop_event(&mut self) -> (u64, u32);
    /// Schedules `event` at `at` ticks.
    fn push_event(&mut self, at: u64, event: u32);
    /// The time of the last pop, in ticks.
    fn now_ticks(&self) -> u64;
}

impl HoldQueue for Scheduler<u32> {
    #[inline(always)]
    fn pop_event(&mut self) -> (u64, u32) {
        let (t, ev) = self.pop().expect("N > 0 events pending");
        (t.ticks(), ev)
    }
    #[inline(always)]
    fn push_event(&mut self, at: u64, event: u32) {
        self.schedule_at(SimTime::from_ticks(at), event).expect("in the future");
    }
    fn now_ticks(&self) -> u64 {
        self.now().ticks()
    }
}

/// A bare queue of `(EventKey, u32)`, numbering keys as the scheduler does.
struct Keyed<Q> {
    queue: Q,
    seq: u64,
    now: u64,
}

fn keyed<Q>(queue: Q) -> Keyed<Q> {
    Keyed { queue, seq: 0, now: 0 }
}

macro_rules! keyed_hold_queue {
    ($queue:ty) => {
        impl HoldQueue for Keyed<$queue> {
            #[inline(always)]
            fn pop_event(&mut self) -> (u64, u32) {
                let (k, ev) = self.queue.pop().expect("N > 0 events pending");
                self.now = k.time().ticks();
                (self.now, ev)
            }
            #[inline(always)]
            fn push_event(&mut self, at: u64, event: u32) {
                self.queue.push(EventKey::new(SimTime::from_ticks(at), self.seq), event);
                self.seq += 1;
            }
            fn now_ticks(&self) -> u64 {
                self.now
            }
        }
    };
}
keyed_hold_queue!(EventHeap<u32, 4>);
keyed_hold_queue!(CalendarQueue<u32>);
keyed_hold_queue!(HybridQueue<u32>);
keyed_hold_queue!(RadixQueue<u32>);

/// No queue: a pop returns the clock, a push moves it. Only the draws remain.
struct DrawOnly {
    now: u64,
}

impl HoldQueue for DrawOnly {
    #[inline(always)]
    fn pop_event(&mut self) -> (u64, u32) {
        (self.now, 0)
    }
    #[inline(always)]
    fn push_event(&mut self, at: u64, event: u32) {
        self.now = at + u64::from(event);
    }
    fn now_ticks(&self) -> u64 {
        self.now
    }
}

/// Argument `i` as a whole number in `range` (its default when absent);
/// anything else prints the usage and exits with code 2.
fn arg(args: &[String], i: usize, default: u64, range: std::ops::RangeInclusive<u64>) -> u64 {
    let value = args.get(i).map_or(Some(default), |s| s.replace('_', "").parse().ok());
    match value {
        Some(v) if range.contains(&v) => v,
        _ => {
            eprintln!("{USAGE}\n(N from 1 to {MAX_N}, HOLDS at least 1)");
            std::process::exit(2)
        }
    }
}

/// Fills `q` with N events, warms up (N holds), times HOLDS holds and prints.
fn run<Q: HoldQueue>(mut q: Q, n: u64, holds: u64, name: &str) {
    let mut rng = ChaCha8Rng::seed_from_u64(1);
    let mut increment = move || {
        let x: f64 = Exp1.sample(&mut rng);
        (x * SCALE) as u64
    };
    for i in 0..n {
        q.push_event(increment(), i as u32);
    }
    let mut hold = |q: &mut Q| {
        let (t, ev) = q.pop_event();
        q.push_event(t + increment(), black_box(ev));
    };
    for _ in 0..n {
        hold(&mut q);
    }
    let start = Instant::now();
    for _ in 0..holds {
        hold(&mut q);
    }
    let secs = start.elapsed().as_secs_f64();
    println!(
        "{{\"tool\": \"caspian-engine\", \"queue\": \"{name}\", \"n\": {n}, \"holds\": {holds}, \"ns_per_hold\": {:.2}, \"now_ticks\": {}}}",
        secs * 1e9 / holds as f64,
        q.now_ticks()
    );
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let n = arg(&args, 1, 10_000, 1..=MAX_N);
    let holds = arg(&args, 2, 1_000_000, 1..=u64::MAX);
    let queue = args.get(3).map_or("engine", String::as_str);
    match queue {
        "engine" => run(Scheduler::<u32>::with_capacity(n as usize), n, holds, queue),
        "heap" => run(keyed(EventHeap::<u32, 4>::with_capacity(n as usize)), n, holds, queue),
        "calendar" => run(keyed(CalendarQueue::<u32>::new()), n, holds, queue),
        "hybrid" => run(keyed(HybridQueue::<u32>::default()), n, holds, queue),
        "radix" => run(keyed(RadixQueue::<u32>::new()), n, holds, queue),
        "draw" => run(DrawOnly { now: 0 }, n, holds, queue),
        _ => {
            eprintln!("{USAGE}");
            std::process::exit(2)
        }
    }
}
