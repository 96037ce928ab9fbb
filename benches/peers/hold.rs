//! The hold model on the engine's `Scheduler`, as a whole process, for the
//! side-by-side comparison with SimPy (`benches/peers/simpy_hold.py`).
//!
//! N events are pending; a hold pops the earliest and schedules one at its time
//! plus an Exp(1) increment, drawn on the spot (as SimPy's side draws it), so
//! the queue stays at size N. Unlike `benches/benches/event_queue.rs`, which
//! feeds every candidate the same precomputed increments to isolate the data
//! structure, this measures the same work the SimPy peer does: draw, pop, push.
//!
//! Usage: `peers_hold N HOLDS` (prints one JSON line: n, holds, ns per hold).
//! Run: `cargo run --release -p caspian-benches --example peers_hold -- 10000 1000000`

use std::hint::black_box;
use std::time::Instant;

use caspian_engine::{Scheduler, SimTime};
use rand::SeedableRng;
use rand::rngs::ChaCha8Rng;
use rand_distr::{Distribution, Exp1};

/// Ticks per unit of the Exp(1) increment: fine enough that ties are rare.
const SCALE: f64 = 1_000_000.0;

fn arg(args: &[String], i: usize, default: u64) -> u64 {
    args.get(i).map_or(default, |s| {
        s.replace('_', "").parse().unwrap_or_else(|_| {
            eprintln!("usage: peers_hold N HOLDS");
            std::process::exit(2)
        })
    })
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let n = arg(&args, 1, 10_000);
    let holds = arg(&args, 2, 1_000_000);
    let mut rng = ChaCha8Rng::seed_from_u64(1);
    let mut increment = move || {
        let x: f64 = Exp1.sample(&mut rng);
        (x * SCALE) as u64
    };
    let mut q: Scheduler<u32> = Scheduler::with_capacity(n as usize);
    for i in 0..n {
        q.schedule_at(SimTime::from_ticks(increment()), i as u32).expect("in the future");
    }
    // Warm up (N holds), then time HOLDS holds.
    let mut hold = |q: &mut Scheduler<u32>| {
        let (t, ev) = q.pop().expect("N > 0 events pending");
        let at = SimTime::from_ticks(t.ticks() + increment());
        q.schedule_at(at, black_box(ev)).expect("in the future");
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
        "{{\"tool\": \"caspian-engine\", \"n\": {n}, \"holds\": {holds}, \"ns_per_hold\": {:.2}, \"now_ticks\": {}}}",
        secs * 1e9 / holds as f64,
        q.now().ticks()
    );
}
