//! Watching one replication from outside: an event trace for debugging and
//! regular samples of the system state for warm-up analysis.
//!
//! A probe never changes what the model does: it is called between events
//! with read-only views of the state, so a replication run with a probe gives
//! exactly the KPIs of one run without ([`crate::simulate_probed`] is tested
//! against [`crate::simulate`]).

use caspian_engine::{SimDuration, SimTime};

use crate::scenario::Cargo;

pub use crate::trace::TraceEntry;

/// Receives samples and trace entries from [`crate::simulate_probed`].
pub trait Probe {
    /// How often to sample the state; `None` (the default) for never. The
    /// first sample is at time zero, the last at or before the horizon.
    fn sample_every(&self) -> Option<SimDuration> {
        None
    }

    /// The state at one sampling instant.
    fn sample(&mut self, _sample: &Sample) {}

    /// Whether to describe every event (costs a few allocations per event,
    /// and a look at every vessel after each, for `state_change` entries).
    fn wants_trace(&self) -> bool {
        false
    }

    /// One event, described after it fired. Corridor closures, which are
    /// drawn up front rather than fired as events, are traced too, as
    /// `corridor_close` and `corridor_open` entries at their boundaries;
    /// and each vessel an event changed other than its subject, as a
    /// `state_change` entry right after the event's.
    fn trace(&mut self, _entry: &TraceEntry) {}

    /// Whether the replication should end now, e.g. because the reader of a
    /// streamed trace has gone away (asked after every event). A replication
    /// ended this way is incomplete: its KPIs mean nothing.
    fn wants_stop(&self) -> bool {
        false
    }
}

/// The state of the system at one instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sample {
    /// When.
    pub time: SimTime,
    /// Cargo discharged into destination storages so far, per cargo (oil
    /// tonnes, wagons). Counts from the end of warm-up, as the KPIs do.
    /// `u128`, like the model's counters: sums at the documented limits
    /// exceed `u64`.
    pub delivered: [u128; Cargo::COUNT],
    /// Cargo held in storages, per cargo (up to 65,535 storages of 10^15).
    pub in_storage: [u128; Cargo::COUNT],
    /// Vessels waiting at anchorages for a berth, all ports and berth classes
    /// (not those waiting there for their cargo, in a cargo line).
    pub at_anchorage: u64,
    /// Berths occupied, all ports and classes.
    pub berths_busy: u64,
}

/// A probe that keeps everything it is given in memory.
#[derive(Debug, Clone, Default)]
pub struct Recorder {
    /// Sampling interval; `None` for no samples.
    pub every: Option<SimDuration>,
    /// Whether to record the trace.
    pub trace_events: bool,
    /// Samples received, in time order.
    pub samples: Vec<Sample>,
    /// Trace entries received, in firing order.
    pub trace: Vec<TraceEntry>,
}

impl Probe for Recorder {
    fn sample_every(&self) -> Option<SimDuration> {
        self.every
    }
    fn sample(&mut self, sample: &Sample) {
        self.samples.push(*sample);
    }
    fn wants_trace(&self) -> bool {
        self.trace_events
    }
    fn trace(&mut self, entry: &TraceEntry) {
        self.trace.push(entry.clone());
    }
}
