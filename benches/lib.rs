//! Criterion benchmarks of caspian-sim live in `benches/`; this library holds
//! the event queues they put beside the engine's: [`calendar_queue`], a
//! calendar queue (Brown 1988) over the engine's event keys,
//! [`hybrid_queue`], the engine's heap for small sizes and the calendar for
//! large ones, and [`radix_queue`], a radix heap (Ahuja, Mehlhorn, Orlin and
//! Tarjan 1990). All are candidates for the hold model
//! (`benches/benches/event_queue.rs`, `peers/hold.rs`), not used by the engine.

pub mod calendar_queue;
pub mod hybrid_queue;
pub mod radix_queue;
