//! Criterion benchmarks of caspian-sim live in `benches/`; this library holds
//! what they share that is more than a helper: [`calendar_queue`], a calendar
//! queue (Brown 1988) over the engine's event keys, a candidate event queue for
//! the hold model (`benches/benches/event_queue.rs`, `peers/hold.rs`).

pub mod calendar_queue;
