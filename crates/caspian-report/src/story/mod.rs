//! One replication's story, from the event trace that `caspian trace --csv`
//! writes: which berths fleet vessels held at each port and what they were
//! doing there (a Gantt chart), when storms closed the ports, and how full
//! each storage was.
//!
//! The trace is read by the runner's reader (`caspian_montecarlo::trace`)
//! into typed entries; [`data`] turns those into a [`Story`] and [`draw`]
//! draws it. What the trace tells and what it does not:
//! - A fleet vessel's entries carry its phase and port, so its berth calls
//!   and their phases are known at its own events. A vessel granted a berth
//!   at another's event (one that frees the berth) shows from its next own
//!   entry. `WaitingCargo` is mostly off the berth (in a cargo line at the
//!   anchorage); the vessel's next entry tells where it waited (see
//!   `Builder::vessel_entry` in [`data`]). Open-traffic vessels are not
//!   drawn (their entries name no berth).
//! - `port_close`/`port_open` entries give port closures (storms, ice, disruptions of a port).
//! - `corridor_close`/`corridor_open` entries give corridor closures (no
//!   crossing may start); vessels ready to sail then show as *held* at the
//!   berth (as they do during a port closure).
//! - Storage levels are known at every inflow and outflow entry of that
//!   storage, and drawn as steps.

use crate::units::plural;

pub mod data;
pub mod draw;

pub use data::parse_trace;
pub use draw::story_svg;

/// What a vessel does at its berth.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallState {
    /// Port-call overhead, discharging, loading.
    Handling,
    /// Waiting at the berth for cargo, storage space or a timetable slot.
    Waiting,
    /// Ready to sail but held by a closed port or corridor.
    Held,
}

/// A stretch of one berth call in one state.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Segment {
    /// Start, hours.
    pub start_h: f64,
    /// End, hours.
    pub end_h: f64,
    /// What the vessel was doing.
    pub state: CallState,
}

/// One berth call of a fleet vessel.
#[derive(Debug, Clone, PartialEq)]
pub struct BerthCall {
    /// The port.
    pub port: String,
    /// The vessel, e.g. `oil_tankers#2`.
    pub vessel: String,
    /// Row within the port's rows (calls that overlap get different rows).
    pub lane: usize,
    /// The call's stretches, in time order.
    pub segments: Vec<Segment>,
}

impl BerthCall {
    /// When the berth was granted, hours.
    pub fn start_h(&self) -> f64 {
        self.segments.first().map_or(0.0, |s| s.start_h)
    }

    /// When it was released, hours.
    pub fn end_h(&self) -> f64 {
        self.segments.last().map_or(0.0, |s| s.end_h)
    }
}

/// A port closed from `start_h` to `end_h`.
#[derive(Debug, Clone, PartialEq)]
pub struct Closure {
    /// The port.
    pub port: String,
    /// Start, hours.
    pub start_h: f64,
    /// End, hours (the end of the trace if it never reopened).
    pub end_h: f64,
}

/// A storage's level over time.
#[derive(Debug, Clone, PartialEq)]
pub struct StorageSeries {
    /// The storage's id.
    pub id: String,
    /// Its capacity (t or wagons).
    pub capacity: u64,
    /// `(hours, level)` after each of its inflow and outflow events.
    pub levels: Vec<(f64, u64)>,
}

/// A port's rows on the Gantt chart.
#[derive(Debug, Clone, PartialEq)]
pub struct PortLanes {
    /// The port.
    pub id: String,
    /// How many rows its calls need (the most calls at once).
    pub lanes: usize,
    /// The most berths it had open (all classes), where the trace says:
    /// port entries (closures, open traffic) carry it.
    pub berths: Option<u64>,
}

/// Everything the story chart draws.
#[derive(Debug, Clone, PartialEq)]
pub struct Story {
    /// Ports, in order of first appearance.
    pub ports: Vec<PortLanes>,
    /// Berth calls of fleet vessels.
    pub calls: Vec<BerthCall>,
    /// Port closures.
    pub closures: Vec<Closure>,
    /// Corridor closures as (start, end), hours.
    pub corridor: Vec<(f64, f64)>,
    /// Storage levels.
    pub storages: Vec<StorageSeries>,
    /// When warm-up ended, hours.
    pub warmup_h: Option<f64>,
    /// The time of the last event, hours.
    pub end_h: f64,
    /// Events fired in the trace (not counting corridor boundaries and
    /// state changes, which describe but do not fire).
    pub events: usize,
}

impl Story {
    /// The chart's title, for a trace of `subject` (e.g. the scenario).
    pub fn title(subject: &str) -> String {
        format!("{subject}: one replication's berths, closures and storage")
    }

    /// The lines under the title.
    pub fn subtitle(&self) -> Vec<String> {
        vec![
            format!(
                "{} over {:.0} days; {} of fleet vessels, {} (storms, ice, disruptions), {}.",
                plural(self.events as u64, "event", "events"),
                self.end_h / 24.0,
                plural(self.calls.len() as u64, "berth call", "berth calls"),
                plural(self.closures.len() as u64, "port closure", "port closures"),
                plural(self.corridor.len() as u64, "corridor closure", "corridor closures")
            ),
            "During a closure of the port or of the corridor, vessels ready to sail wait at the berth (red).".into(),
            "Vessels off the berth are not drawn: at the anchorage (waiting for a berth, in a cargo line for their cargo, or in the space line for room ashore), at sea, in a convoy.".into(),
        ]
    }

    /// Total Gantt rows.
    pub fn total_lanes(&self) -> usize {
        self.ports.iter().map(|p| p.lanes).sum()
    }
}
