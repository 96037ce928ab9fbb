//! The event trace of one replication, as typed values.
//!
//! [`crate::simulate_probed`] hands a [`crate::probe::Probe`] one
//! [`TraceEntry`] per fired event (and per corridor-closure boundary, and
//! per vessel another subject's event changed or created), but none for an
//! event the model ignores (one a vessel out of service had scheduled,
//! such as the arrival of a crossing it never finished): what
//! fired ([`TraceEvent`]), what it concerns ([`Subject`]) and that subject's
//! state just after it ([`TraceState`]). Readers (the story chart of a
//! report) use the typed fields; [`TraceEntry::detail`] puts the same facts
//! in words for people. The trace *file* format (CSV) is defined by the
//! runner, `caspian_montecarlo::trace`.

use std::fmt;
use std::str::FromStr;

pub use caspian_engine::SimTime;
use serde::{Deserialize, Serialize};

/// The latest time of any trace entry, in hours: the longest horizon a
/// scenario may have (365,000 days). A trace file does not say its
/// scenario's own horizon.
pub const MAX_TIME_H: f64 = crate::compile::MAX_HORIZON_DAYS * 24.0;

/// The most cargo any vessel can have aboard: the largest capacity a fleet
/// may have (10^15). A trace file does not say its fleets' own capacities.
pub const MAX_ABOARD: u64 = crate::compile::MAX_AMOUNT;

/// A name that is not one of a type's known names.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {what} \"{name}\"")]
pub struct UnknownName {
    /// What was being read (e.g. `trace event`).
    pub what: &'static str,
    /// The name as found.
    pub name: String,
}

impl UnknownName {
    fn new(what: &'static str, name: &str) -> Self {
        Self { what, name: name.to_string() }
    }
}

/// Defines a fieldless enum with a canonical name per variant, `as_str`,
/// `ALL`, `Display` and `FromStr`.
macro_rules! named_enum {
    ($(#[$m:meta])* $name:ident, $what:literal, { $($(#[$vm:meta])* $v:ident => $s:literal,)* }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        pub enum $name {
            $($(#[$vm])* #[serde(rename = $s)] $v,)*
        }

        impl $name {
            /// Every variant, in declaration order.
            pub const ALL: &[$name] = &[$($name::$v,)*];

            /// The name written in trace files.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$v => $s,)*
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl FromStr for $name {
            type Err = UnknownName;
            fn from_str(s: &str) -> Result<Self, UnknownName> {
                match s {
                    $($s => Ok($name::$v),)*
                    _ => Err(UnknownName::new($what, s)),
                }
            }
        }
    };
}

named_enum!(
    /// What a trace entry records: one kind per model event, plus the two
    /// boundaries of a corridor closure (drawn up front, not fired) and the
    /// vessels another subject's event changed (`StateChange`).
    TraceEvent, "trace event", {
        /// Statistics restart at the end of warm-up.
        EndWarmup => "end_warmup",
        /// A port closes to berthing and departures.
        PortClose => "port_close",
        /// A port reopens.
        PortOpen => "port_open",
        /// Cargo arrives from the hinterland.
        Inflow => "inflow",
        /// A hinterland link takes what it can.
        Outflow => "outflow",
        /// A vessel reaches an anchorage (and berths at once if it can).
        Arrive => "arrive",
        /// A vessel has finished discharging.
        DischargeDone => "discharge_done",
        /// A vessel's wait for cargo ends (max wait or timetable slot).
        LoadTimer => "load_timer",
        /// A vessel has finished loading.
        LoadDone => "load_done",
        /// A vessel called from its wait at sea (pre-advice) reaches the anchorage.
        SailIn => "sail_in",
        /// A vessel retries its departure, or is released from detention.
        TryDepart => "try_depart",
        /// A convoy is due to sail.
        ConvoyGo => "convoy_go",
        /// An escort reaches the port its convoy sailed to (the convoy
        /// state is that port's, after the escort took its convoy or
        /// turned back).
        EscortArrive => "escort_arrive",
        /// An escort is back from a sortie and free (no subject).
        EscortBack => "escort_back",
        /// An open-traffic vessel arrives.
        OpenArrival => "open_arrival",
        /// An open-traffic vessel leaves its berth.
        OpenDepart => "open_depart",
        /// The patience of an arrival at a storage gate runs out: it is
        /// diverted if it is still waiting.
        GatePatience => "gate_patience",
        /// The corridor closes: no crossing may start.
        CorridorClose => "corridor_close",
        /// The corridor reopens.
        CorridorOpen => "corridor_open",
        /// An episode of a `[[disruption]]` starts.
        DisruptionStart => "disruption_start",
        /// An episode of a `[[disruption]]` ends.
        DisruptionEnd => "disruption_end",
        /// A vessel out of service (lost at sea, or taken out by a
        /// disruption) is replaced. The entry is the replaced vessel's,
        /// which stays `Lost`; the replacement, a new vessel numbered after
        /// its fleet's others, enters service in a `StateChange` entry right
        /// after it (`NotArrived` at the fleet's origin, nothing aboard),
        /// and its `Arrive` there follows at the same time.
        VesselReturn => "vessel_return",
        /// Each disruption's backlog is sampled for the recovery measure
        /// (hourly, only in scenarios with disruptions).
        BacklogSample => "backlog_sample",
        /// A calendar month of the reported window ends: the monthly series
        /// close it (no state changes).
        MonthEnd => "month_end",
        /// Not an event: a vessel whose phase, port or berth changed while
        /// another subject's event fired (granted a berth when another left
        /// it or its port reopened, called from a cargo line by arriving
        /// cargo, loading as cargo came in, taken out of service by a
        /// disruption), or a replacement entering service (after
        /// `VesselReturn`). Written right after that event's entry, at the
        /// same time, one per vessel changed.
        StateChange => "state_change",
    }
);

named_enum!(
    /// What a fleet vessel is doing. Whether it counts as working (for
    /// `vessel_utilization`) depends on the phase alone, see
    /// [`VesselPhase::working`].
    VesselPhase, "vessel phase", {
        /// Before its first arrival at its origin.
        NotArrived => "NotArrived",
        /// Crossing, loaded or in ballast.
        Sailing => "Sailing",
        /// At the anchorage, waiting for a berth.
        Anchorage => "Anchorage",
        /// At berth: port-call overhead and discharging.
        Discharging => "Discharging",
        /// Waiting for room in the storage to discharge into: at the
        /// anchorage in its space line, or (holding its berth) where the
        /// room it was called for went first.
        WaitingSpace => "WaitingSpace",
        /// At berth, starting to load (within one event).
        Loading => "Loading",
        /// Waiting for cargo: at the anchorage (or at sea, on pre-advice) in a
        /// storage's cargo line, or (holding its berth) short of claimed
        /// cargo or in a timetable loading window.
        WaitingCargo => "WaitingCargo",
        /// At berth, loaded, waiting for its timetable slot.
        WaitingSlot => "WaitingSlot",
        /// At berth, loading time still running; sails at `LoadDone`.
        ReadyToSail => "ReadyToSail",
        /// Held at berth by a closed port or corridor, ready to sail.
        Held => "Held",
        /// Off the berth, waiting for its escorted convoy.
        Convoy => "Convoy",
        /// Detained before its crossing: by interdiction, or in port by a
        /// dated detention (`detain`).
        Detained => "Detained",
        /// Lost (interdiction), or out of service (a disruption).
        Lost => "Lost",
        /// Off the berth, out of service for a dry-docking or a repair
        /// (`[fleet.availability]`); arrives at the same port again after.
        Maintenance => "Maintenance",
    }
);

impl TraceEvent {
    /// Whether an entry of this kind is an event that fired; corridor
    /// boundaries (laid out up front) and state changes (written after
    /// another subject's event) only describe.
    pub fn fired(self) -> bool {
        !matches!(
            self,
            TraceEvent::CorridorClose | TraceEvent::CorridorOpen | TraceEvent::StateChange
        )
    }
}

impl VesselPhase {
    /// Working: handling at berth (overhead, discharging, loading time) and
    /// sailing. Every other phase is a wait of some kind, or the vessel is
    /// gone: idle.
    pub fn working(self) -> bool {
        matches!(
            self,
            VesselPhase::Sailing
                | VesselPhase::Discharging
                | VesselPhase::Loading
                | VesselPhase::ReadyToSail
        )
    }
}

/// What a trace entry concerns. Written as words: `vessel oil_tankers#2`,
/// `port alat`, `inflow oil_pipeline`, `outflow btc`, `open_traffic
/// coasters`, `corridor`, or nothing (end of warm-up).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Subject {
    /// The whole system (end of warm-up).
    None,
    /// Fleet vessel number `index` (from 0) of fleet `fleet`.
    Vessel {
        /// The fleet's id.
        fleet: String,
        /// The vessel's number within its fleet.
        index: u32,
    },
    /// A port.
    Port {
        /// The port's id.
        id: String,
    },
    /// A hinterland inflow.
    Inflow {
        /// The inflow's id.
        id: String,
    },
    /// A hinterland outflow.
    Outflow {
        /// The outflow's id.
        id: String,
    },
    /// An open-traffic stream.
    OpenTraffic {
        /// The stream's id.
        id: String,
    },
    /// The corridor (closures for interdiction risk).
    Corridor,
    /// A `[[disruption]]`.
    Disruption {
        /// The disruption's id.
        id: String,
    },
}

impl fmt::Display for Subject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Subject::None => Ok(()),
            Subject::Vessel { fleet, index } => write!(f, "vessel {fleet}#{index}"),
            Subject::Port { id } => write!(f, "port {id}"),
            Subject::Inflow { id } => write!(f, "inflow {id}"),
            Subject::Outflow { id } => write!(f, "outflow {id}"),
            Subject::OpenTraffic { id } => write!(f, "open_traffic {id}"),
            Subject::Corridor => f.write_str("corridor"),
            Subject::Disruption { id } => write!(f, "disruption {id}"),
        }
    }
}

impl FromStr for Subject {
    type Err = UnknownName;
    fn from_str(s: &str) -> Result<Self, UnknownName> {
        let bad = || UnknownName::new("trace subject", s);
        if s.is_empty() {
            return Ok(Subject::None);
        }
        if s == "corridor" {
            return Ok(Subject::Corridor);
        }
        let (kind, id) = s.split_once(' ').ok_or_else(bad)?;
        if id.is_empty() {
            return Err(bad());
        }
        let id = id.to_string();
        Ok(match kind {
            "vessel" => {
                let (fleet, index) = id.rsplit_once('#').ok_or_else(bad)?;
                let index = index.parse().map_err(|_| bad())?;
                Subject::Vessel { fleet: fleet.to_string(), index }
            }
            "port" => Subject::Port { id },
            "inflow" => Subject::Inflow { id },
            "outflow" => Subject::Outflow { id },
            "open_traffic" => Subject::OpenTraffic { id },
            "disruption" => Subject::Disruption { id },
            _ => return Err(bad()),
        })
    }
}

/// The state of an entry's subject just after the event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum TraceState {
    /// Nothing to report (end of warm-up, corridor boundaries).
    None,
    /// A fleet vessel.
    Vessel {
        /// What it is doing.
        phase: VesselPhase,
        /// The port it is at or heading to.
        port: String,
        /// Cargo aboard, in the fleet's capacity unit (deck units on a mixed deck).
        aboard: u64,
        /// Whether it holds a berth at `port`; `None` in trace files
        /// written before this was recorded.
        #[serde(default)]
        berth: Option<bool>,
    },
    /// A port's berths, all classes together (port and open-traffic events).
    Berths {
        /// The port.
        port: String,
        /// Berths occupied.
        busy: u64,
        /// Berths open (0 while the port is closed).
        capacity: u64,
        /// Vessels waiting at the anchorage.
        anchorage: u64,
    },
    /// A storage (inflow and outflow events).
    Storage {
        /// The storage's id.
        storage: String,
        /// What it holds (t or wagons).
        level: u64,
        /// Its capacity.
        capacity: u64,
        /// Arrivals waiting at its gate.
        gate: u64,
    },
    /// A port's convoy (convoy events).
    Convoy {
        /// The port.
        port: String,
        /// Vessels still waiting in the convoy.
        waiting: u64,
    },
}

/// One fired event (or corridor-closure boundary, or a vessel another
/// subject's event changed), typed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TraceEntry {
    /// When it fired.
    pub time: SimTime,
    /// What fired.
    pub event: TraceEvent,
    /// What it concerns.
    pub subject: Subject,
    /// The subject's state just after it.
    pub state: TraceState,
    /// Events pending in the engine's queue when it fired, itself included
    /// (the queue size N of the hold model). `None` for entries that are
    /// not events (corridor-closure boundaries, drawn up front, and state
    /// changes, see [`TraceEvent::fired`]) and in trace files written
    /// before the count was recorded.
    #[serde(default)]
    pub pending: Option<u64>,
}

impl TraceEntry {
    /// The entry's state in words, e.g. `Discharging at alat with 50
    /// aboard` or `storage alat_tanks 1200/5000, 0 waiting at the gate`.
    pub fn detail(&self) -> String {
        match &self.state {
            TraceState::None => match self.event {
                TraceEvent::EndWarmup => "statistics reset".to_string(),
                TraceEvent::MonthEnd => "month closed for the monthly series".to_string(),
                TraceEvent::CorridorClose => "no crossing may start (closure episode)".to_string(),
                TraceEvent::CorridorOpen => "crossings may start again".to_string(),
                _ => String::new(),
            },
            TraceState::Vessel { phase, port, aboard, berth } => {
                // A vessel at sea is bound for its port, not at it.
                let place = match (phase, berth) {
                    (VesselPhase::Sailing, _) => "to",
                    (_, Some(true)) => "at a berth of",
                    _ => "at",
                };
                let state = format!("{phase} {place} {port} with {aboard} aboard");
                match self.event {
                    TraceEvent::VesselReturn => {
                        format!("{state}; replaced by a new vessel (the next row)")
                    }
                    _ => state,
                }
            }
            // Closed (no berth open), the vessels at berth hold theirs.
            TraceState::Berths { busy, capacity: 0, anchorage, .. } => {
                format!("berths closed, {busy} held by vessels at berth, {anchorage} at anchorage")
            }
            TraceState::Berths { busy, capacity, anchorage, .. } => {
                format!("berths {busy}/{capacity} busy, {anchorage} at anchorage")
            }
            TraceState::Storage { storage, level, capacity, gate } => {
                format!("storage {storage} {level}/{capacity}, {gate} waiting at the gate")
            }
            TraceState::Convoy { waiting: 1, .. } => "1 vessel still in convoy".to_string(),
            TraceState::Convoy { waiting, .. } => format!("{waiting} vessels still in convoy"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for e in TraceEvent::ALL {
            assert_eq!(e.as_str().parse::<TraceEvent>(), Ok(*e));
        }
        for p in VesselPhase::ALL {
            assert_eq!(p.as_str().parse::<VesselPhase>(), Ok(*p));
        }
        let err = "dock".parse::<TraceEvent>().unwrap_err();
        assert_eq!(err.to_string(), "unknown trace event \"dock\"");
        for s in [
            Subject::None,
            Subject::Corridor,
            Subject::Vessel { fleet: "oil_tankers".into(), index: 2 },
            Subject::Port { id: "alat".into() },
            Subject::Inflow { id: "pipe".into() },
            Subject::Outflow { id: "btc".into() },
            Subject::OpenTraffic { id: "coasters".into() },
        ] {
            assert_eq!(s.to_string().parse::<Subject>(), Ok(s));
        }
        for bad in ["ship x", "vessel x", "vessel x#y", "port ", "corridor 2"] {
            assert!(bad.parse::<Subject>().is_err(), "{bad}");
        }
    }

    #[test]
    fn detail_reads_as_before() {
        let e = TraceEntry {
            time: SimTime::ZERO,
            event: TraceEvent::Arrive,
            subject: Subject::Vessel { fleet: "f".into(), index: 0 },
            state: TraceState::Vessel {
                phase: VesselPhase::WaitingCargo,
                port: "aktau".into(),
                aboard: 5,
                berth: None,
            },
            pending: Some(3),
        };
        assert_eq!(e.detail(), "WaitingCargo at aktau with 5 aboard");
        let at_berth = |berth| TraceEntry {
            state: TraceState::Vessel {
                phase: VesselPhase::WaitingCargo,
                port: "aktau".into(),
                aboard: 5,
                berth,
            },
            ..e.clone()
        };
        assert_eq!(at_berth(Some(false)).detail(), "WaitingCargo at aktau with 5 aboard");
        assert_eq!(at_berth(Some(true)).detail(), "WaitingCargo at a berth of aktau with 5 aboard");
        let sailing = TraceEntry {
            state: TraceState::Vessel {
                phase: VesselPhase::Sailing,
                port: "alat".into(),
                aboard: 5,
                berth: Some(false),
            },
            ..e.clone()
        };
        assert_eq!(sailing.detail(), "Sailing to alat with 5 aboard");
        let berths = |busy, capacity| TraceEntry {
            state: TraceState::Berths { port: "alat".into(), busy, capacity, anchorage: 2 },
            ..e.clone()
        };
        assert_eq!(berths(1, 3).detail(), "berths 1/3 busy, 2 at anchorage");
        assert_eq!(
            berths(9, 0).detail(),
            "berths closed, 9 held by vessels at berth, 2 at anchorage"
        );
    }
}
