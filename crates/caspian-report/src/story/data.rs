//! From typed trace entries to a [`Story`]: berth calls and their phases,
//! port and corridor closures, storage levels.

use std::collections::BTreeMap;

use caspian_montecarlo::trace::{self, Subject, TraceEntry, TraceEvent, TraceState, VesselPhase};

use super::{BerthCall, CallState, Closure, PortLanes, Segment, StorageSeries, Story};
use crate::error::ReportError;

/// What a vessel in `phase` does at its berth; `None` when it holds none.
fn call_state(phase: VesselPhase) -> Option<CallState> {
    match phase {
        VesselPhase::Discharging | VesselPhase::Loading | VesselPhase::ReadyToSail => {
            Some(CallState::Handling)
        }
        VesselPhase::WaitingSpace | VesselPhase::WaitingCargo | VesselPhase::WaitingSlot => {
            Some(CallState::Waiting)
        }
        VesselPhase::Held => Some(CallState::Held),
        VesselPhase::Sailing
        | VesselPhase::Anchorage
        | VesselPhase::Convoy
        | VesselPhase::Detained
        | VesselPhase::Lost
        | VesselPhase::NotArrived
        | VesselPhase::Maintenance => None,
    }
}

/// Reads a trace file (`caspian trace --csv FILE`, columns as defined by
/// `caspian_montecarlo::trace`) into a story.
///
/// # Errors
/// [`ReportError::Parse`] naming the line when the file does not fit the
/// format (an unknown event included), or when the trace has no entries.
pub fn parse_trace(text: &str) -> Result<Story, ReportError> {
    let entries = trace::read_csv(text.as_bytes())
        .map_err(|e| ReportError::parse("trace CSV", e.to_string()))?;
    Story::from_entries(&entries)
}

impl Story {
    /// The story told by `entries` (in firing order).
    ///
    /// # Errors
    /// [`ReportError::Parse`] when there are no entries.
    pub fn from_entries(entries: &[TraceEntry]) -> Result<Story, ReportError> {
        if entries.is_empty() {
            return Err(ReportError::parse("trace CSV", "no events"));
        }
        let mut b = Builder::default();
        for e in entries {
            b.entry(e);
        }
        Ok(b.finish(entries.len()))
    }
}

/// An open call: port, closed segments, current state and since.
type Open = (String, Vec<Segment>, CallState, f64);

/// The story so far, entry by entry.
#[derive(Debug, Default)]
struct Builder {
    ports: Vec<String>,
    open_calls: BTreeMap<String, Open>,
    calls: Vec<BerthCall>,
    closed_since: BTreeMap<String, f64>,
    closures: Vec<Closure>,
    corridor: Vec<(f64, f64)>,
    corridor_since: Option<f64>,
    storages: Vec<StorageSeries>,
    warmup_h: Option<f64>,
    end_h: f64,
}

fn close(open: Open, t: f64, vessel: &str, calls: &mut Vec<BerthCall>) {
    let (port, mut segments, state, since) = open;
    if t > since {
        segments.push(Segment { start_h: since, end_h: t, state });
    }
    if !segments.is_empty() {
        calls.push(BerthCall { port, vessel: vessel.to_string(), lane: 0, segments });
    }
}

impl Builder {
    fn note_port(&mut self, p: &str) {
        if !self.ports.iter().any(|q| q == p) {
            self.ports.push(p.to_string());
        }
    }

    fn entry(&mut self, e: &TraceEntry) {
        let t = e.time.as_hours_f64();
        self.end_h = self.end_h.max(t);
        match (e.event, &e.subject, &e.state) {
            (TraceEvent::EndWarmup, ..) => self.warmup_h = Some(t),
            (TraceEvent::CorridorClose, ..) => {
                self.corridor_since = self.corridor_since.or(Some(t));
            }
            (TraceEvent::CorridorOpen, ..) => {
                if let Some(start) = self.corridor_since.take() {
                    self.corridor.push((start, t));
                }
            }
            (TraceEvent::PortClose | TraceEvent::PortOpen, Subject::Port { id }, _) => {
                self.note_port(id);
                if e.event == TraceEvent::PortClose {
                    self.closed_since.entry(id.clone()).or_insert(t);
                } else if let Some(start) = self.closed_since.remove(id) {
                    self.closures.push(Closure { port: id.clone(), start_h: start, end_h: t });
                }
            }
            (
                TraceEvent::Inflow | TraceEvent::Outflow,
                _,
                TraceState::Storage { storage, level, capacity, .. },
            ) => match self.storages.iter_mut().find(|s| &s.id == storage) {
                Some(s) => s.levels.push((t, *level)),
                None => self.storages.push(StorageSeries {
                    id: storage.clone(),
                    capacity: *capacity,
                    levels: vec![(t, *level)],
                }),
            },
            (_, Subject::Vessel { fleet, index }, TraceState::Vessel { phase, port, .. }) => {
                self.vessel(&format!("{fleet}#{index}"), t, call_state(*phase), port);
            }
            _ => {}
        }
    }

    /// A vessel's entry: opens, extends, splits or closes its berth call.
    fn vessel(&mut self, vessel: &str, t: f64, state: Option<CallState>, port: &str) {
        let current = self.open_calls.remove(vessel);
        match (current, state) {
            (Some(open), None) => close(open, t, vessel, &mut self.calls),
            (None, None) => {}
            (None, Some(s)) => {
                self.note_port(port);
                self.open_calls.insert(vessel.to_string(), (port.to_string(), Vec::new(), s, t));
            }
            (Some(open), Some(s)) if open.0 != port => {
                close(open, t, vessel, &mut self.calls);
                self.note_port(port);
                self.open_calls.insert(vessel.to_string(), (port.to_string(), Vec::new(), s, t));
            }
            (Some((p, mut segs, old, since)), Some(s)) => {
                if s != old {
                    if t > since {
                        segs.push(Segment { start_h: since, end_h: t, state: old });
                    }
                    self.open_calls.insert(vessel.to_string(), (p, segs, s, t));
                } else {
                    self.open_calls.insert(vessel.to_string(), (p, segs, old, since));
                }
            }
        }
    }

    fn finish(mut self, events: usize) -> Story {
        let end_h = self.end_h;
        for (vessel, open) in std::mem::take(&mut self.open_calls) {
            close(open, end_h, &vessel, &mut self.calls);
        }
        for (port, start) in self.closed_since {
            self.closures.push(Closure { port, start_h: start, end_h });
        }
        self.closures.sort_by(|a, b| a.start_h.total_cmp(&b.start_h));
        if let Some(start) = self.corridor_since {
            self.corridor.push((start, end_h));
        }
        let lanes = assign_lanes(&mut self.calls);
        let ports = self
            .ports
            .into_iter()
            .map(|id| PortLanes { lanes: lanes.get(&id).copied().unwrap_or(0).max(1), id })
            .collect();
        Story {
            ports,
            calls: self.calls,
            closures: self.closures,
            corridor: self.corridor,
            storages: self.storages,
            warmup_h: self.warmup_h,
            end_h,
            events,
        }
    }
}

/// Gives overlapping calls at a port different rows (first free row, in
/// order of start); returns the rows each port needs.
fn assign_lanes(calls: &mut [BerthCall]) -> BTreeMap<String, usize> {
    calls.sort_by(|a, b| a.start_h().total_cmp(&b.start_h()).then_with(|| a.vessel.cmp(&b.vessel)));
    let mut free_at: BTreeMap<String, Vec<f64>> = BTreeMap::new();
    for c in calls.iter_mut() {
        let lanes = free_at.entry(c.port.clone()).or_default();
        let start = c.start_h();
        match lanes.iter().position(|&f| f <= start) {
            Some(l) => {
                c.lane = l;
                lanes[l] = c.end_h();
            }
            None => {
                c.lane = lanes.len();
                lanes.push(c.end_h());
            }
        }
    }
    free_at.into_iter().map(|(p, l)| (p, l.len())).collect()
}

#[cfg(test)]
pub(super) mod tests {
    use caspian_montecarlo::trace::{SimTime, write_csv};

    use super::*;

    fn at(h: f64, event: TraceEvent, subject: Subject, state: TraceState) -> TraceEntry {
        TraceEntry {
            time: SimTime::try_from_hours_f64(h).unwrap(),
            event,
            subject,
            state,
            pending: None,
        }
    }

    fn vessel(h: f64, event: TraceEvent, n: u32, phase: VesselPhase, port: &str) -> TraceEntry {
        let subject = Subject::Vessel { fleet: "ferries".into(), index: n };
        at(h, event, subject, TraceState::Vessel { phase, port: port.into(), aboard: 0 })
    }

    fn port(h: f64, event: TraceEvent, id: &str, capacity: u64) -> TraceEntry {
        let state = TraceState::Berths { port: id.into(), busy: 1, capacity, anchorage: 0 };
        at(h, event, Subject::Port { id: id.into() }, state)
    }

    fn storage(h: f64, event: TraceEvent, subject: Subject, level: u64) -> TraceEntry {
        let state = TraceState::Storage { storage: "yard".into(), level, capacity: 100, gate: 0 };
        at(h, event, subject, state)
    }

    /// Two ferries at aktau, a closure there, a crossing to alat, a storage.
    pub(in crate::story) fn trace() -> Vec<TraceEntry> {
        use TraceEvent::*;
        use VesselPhase::*;
        let rail = Subject::Outflow { id: "rail".into() };
        vec![
            vessel(0.0, Arrive, 0, Discharging, "aktau"),
            vessel(0.0, Arrive, 1, Discharging, "aktau"),
            storage(1.0, Inflow, Subject::Inflow { id: "trains".into() }, 10),
            vessel(2.0, DischargeDone, 0, WaitingCargo, "aktau"),
            port(3.0, PortClose, "aktau", 0),
            vessel(4.0, LoadDone, 0, Held, "aktau"),
            port(6.0, PortOpen, "aktau", 2),
            vessel(6.0, TryDepart, 0, Sailing, "alat"),
            storage(7.0, Outflow, rail, 0),
            vessel(8.0, LoadDone, 1, Sailing, "alat"),
            vessel(9.0, Arrive, 0, Anchorage, "alat"),
            vessel(10.0, Arrive, 0, Discharging, "alat"),
            at(12.0, EndWarmup, Subject::None, TraceState::None),
            port(30.0, PortClose, "alat", 0),
        ]
    }

    #[test]
    fn calls_closures_and_levels_come_from_the_trace() {
        let s = Story::from_entries(&trace()).unwrap();
        assert_eq!(s.events, 14);
        assert_eq!(s.end_h, 30.0);
        assert_eq!(s.warmup_h, Some(12.0));
        assert_eq!(
            s.ports,
            [PortLanes { id: "aktau".into(), lanes: 2 }, PortLanes { id: "alat".into(), lanes: 1 }]
        );
        assert_eq!(s.calls.len(), 3);
        let first = &s.calls[0];
        assert_eq!(
            (first.vessel.as_str(), first.port.as_str(), first.lane),
            ("ferries#0", "aktau", 0)
        );
        let seg = |a, b, state| Segment { start_h: a, end_h: b, state };
        assert_eq!(
            first.segments,
            [
                seg(0.0, 2.0, CallState::Handling),
                seg(2.0, 4.0, CallState::Waiting),
                seg(4.0, 6.0, CallState::Held)
            ]
        );
        assert_eq!((s.calls[1].vessel.as_str(), s.calls[1].lane), ("ferries#1", 1));
        assert_eq!(s.calls[1].segments, [seg(0.0, 8.0, CallState::Handling)]);
        // Still at the berth when the trace ends.
        assert_eq!(s.calls[2].segments, [seg(10.0, 30.0, CallState::Handling)]);
        assert_eq!(
            s.closures,
            [
                Closure { port: "aktau".into(), start_h: 3.0, end_h: 6.0 },
                Closure { port: "alat".into(), start_h: 30.0, end_h: 30.0 }
            ]
        );
        assert_eq!(
            s.storages,
            [StorageSeries { id: "yard".into(), capacity: 100, levels: vec![(1.0, 10), (7.0, 0)] }]
        );
        assert!(s.corridor.is_empty());
        assert!(Story::from_entries(&[]).is_err());
    }

    #[test]
    fn corridor_closures_come_from_the_trace() {
        let mut entries = trace();
        entries.extend([
            at(31.0, TraceEvent::CorridorClose, Subject::Corridor, TraceState::None),
            at(35.5, TraceEvent::CorridorOpen, Subject::Corridor, TraceState::None),
            at(40.0, TraceEvent::CorridorClose, Subject::Corridor, TraceState::None),
            vessel(41.0, TraceEvent::Arrive, 1, VesselPhase::Anchorage, "alat"),
        ]);
        let s = Story::from_entries(&entries).unwrap();
        // The last closure is still on when the trace ends.
        assert_eq!(s.corridor, [(31.0, 35.5), (40.0, 41.0)]);
        assert!(s.subtitle()[0].contains("2 corridor closures"));
    }

    #[test]
    fn a_trace_file_is_read_through_the_runner_and_strictly() {
        let mut bytes = Vec::new();
        write_csv(&mut bytes, &trace()).unwrap();
        let text = String::from_utf8(bytes).unwrap();
        assert_eq!(parse_trace(&text).unwrap(), Story::from_entries(&trace()).unwrap());
        // A renamed event is an error naming its line, not a silently lost call.
        let renamed = text.replacen(",discharge_done,", ",discharged,", 1);
        let err = parse_trace(&renamed).unwrap_err().to_string();
        assert!(err.contains("line 5") && err.contains("\"discharged\""), "{err}");
        assert!(parse_trace("a,b\n1,2\n").is_err());
        let header = text.lines().next().unwrap();
        assert!(parse_trace(&format!("{header}\n")).is_err(), "no events");
    }
}
