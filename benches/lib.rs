//! Criterion benchmarks of caspian-sim live in `benches/`; this library holds
//! the event queues they put beside the engine's: [`calendar_queue`], a
//! calendar queue (Brown 1988) over the engine's event keys, and
//! [`hybrid_queue`], the engine's heap for small sizes and the calendar for
//! large ones. Both are candidates for the hold model
//! (`benches/benches/event_queue.rs`, `peers/hold.rs`), not used by the engine.

pub mod calendar_queue;
pub mod hybrid_queue;
