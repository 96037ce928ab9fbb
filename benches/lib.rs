//! Criterion benchmarks of caspian-sim live in `benches/`; this library holds
//! the event queues they put beside the engine's: [`calendar_queue`], a
//! calendar queue (Brown 1988) over the engine's event keys,
//! [`hybrid_queue`], the engine's heap for small sizes and the calendar for
//! large ones, and [`radix_queue`], a radix heap (Ahuja, Mehlhorn, Orlin and
//! Tarjan 1990). All are candidates for the hold model
//! (`benches/benches/event_queue.rs`, `peers/hold.rs`), not used by the engine.

pub mod calendar_queue;
pub mod hybrid_queue;
#[cfg(test)]
mod queue_check;
pub mod radix_queue;

use caspian_engine::{EventKey, SimTime};

/// An event key as one number with the same order: time high, sequence low.
#[inline(always)]
fn packed(key: EventKey) -> u128 {
    (u128::from(key.time().ticks()) << 64) | u128::from(key.seq())
}

/// The key that [`packed`] made `k`.
#[inline(always)]
fn unpacked(k: u128) -> EventKey {
    EventKey::new(SimTime::from_ticks((k >> 64) as u64), k as u64)
}
