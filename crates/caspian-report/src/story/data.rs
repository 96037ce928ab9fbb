//! From typed trace entries to a [`Story`]: berth calls and their phases,
//! port and corridor closures, storage levels.

use std::collections::BTreeMap;

use caspian_montecarlo::trace::{self, Subject, TraceEntry, TraceEvent, TraceState, VesselPhase};

use super::{BerthCall, CallState, Closure, PortLanes, Segment, StorageSeries, Story};
use crate::error::ReportError;

/// What a vessel in `phase` does at its berth; `None` when it holds none.
/// `WaitingCargo` is `Waiting` here; whether such a vessel holds a berth
/// at all is settled by [`Builder::vessel_entry`] (mostly it does not).
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
    let text = caspian_montecarlo::input::lf_line_ends(text);
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
        // Fired events: not the rows that only describe (corridor
        // boundaries, vessels changed by another subject's event).
        let events = entries.iter().filter(|e| e.event.fired()).count();
        Ok(b.finish(events))
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
    /// Vessels that entered `WaitingCargo` at a `DischargeDone`, and when:
    /// at the berth or off it, their next entry tells.
    unsure: BTreeMap<String, f64>,
    /// The most berths each port had open, from its port entries.
    berths: BTreeMap<String, u64>,
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
            (TraceEvent::PortClose | TraceEvent::PortOpen, Subject::Port { id }, state) => {
                self.note_berths(state);
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
            (
                _,
                Subject::Vessel { fleet, index },
                TraceState::Vessel { phase, port, berth, .. },
            ) => {
                let vessel = format!("{fleet}#{index}");
                match berth {
                    // The file says whether it holds a berth: a call is
                    // open exactly while it does.
                    Some(at_berth) => {
                        let state =
                            at_berth.then(|| call_state(*phase).unwrap_or(CallState::Handling));
                        self.vessel(&vessel, t, state, port);
                    }
                    None => self.vessel_entry(&vessel, t, e.event, *phase, port),
                }
            }
            (_, _, state) => self.note_berths(state),
        }
    }

    fn note_berths(&mut self, state: &TraceState) {
        if let TraceState::Berths { port, capacity, .. } = state {
            let most = self.berths.entry(port.clone()).or_default();
            *most = (*most).max(*capacity);
        }
    }

    /// A vessel's entry in a trace file written before its berth was
    /// recorded (`at_berth`, 2026-12-04). `WaitingCargo` is ambiguous there: the
    /// vessel waits in a cargo line at the anchorage (or at sea on
    /// pre-advice), off the berth, or, called for claimed cargo that a
    /// hinterland link took, in a timetable loading window or larger than
    /// its storage, at the berth (docs/model.md, "Waiting for cargo, off the
    /// berth"). Entered at `Arrive` it is off the berth. Entered at
    /// `DischargeDone` either may be; the vessel's next entry tells: a
    /// vessel at the berth ends its wait with `LoadDone`, or with a
    /// `LoadTimer` that leaves it `ReadyToSail`; one off the berth is
    /// called (its berth comes with `DischargeDone`, `SailIn` or a
    /// `LoadTimer` that calls it). Until then the wait is drawn at the
    /// berth; a wait the trace ends in is dropped (off the berth), so the
    /// chart never shows more berths held than there were.
    fn vessel_entry(
        &mut self,
        vessel: &str,
        t: f64,
        event: TraceEvent,
        phase: VesselPhase,
        port: &str,
    ) {
        if let Some(since) = self.unsure.remove(vessel) {
            let stayed = event == TraceEvent::LoadDone
                || (event == TraceEvent::LoadTimer && phase == VesselPhase::ReadyToSail);
            if !stayed && let Some(open) = self.open_calls.remove(vessel) {
                // It left the berth when it started waiting.
                close(open, since, vessel, &mut self.calls);
            }
        }
        let mut state = call_state(phase);
        if phase == VesselPhase::WaitingCargo {
            let at_berth = self.open_calls.get(vessel).is_some_and(|o| o.0 == port);
            if event == TraceEvent::DischargeDone && at_berth {
                self.unsure.insert(vessel.to_string(), t);
            } else if event == TraceEvent::Arrive || !at_berth {
                state = None;
            }
        }
        self.vessel(vessel, t, state, port);
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
            let until = self.unsure.get(&vessel).copied().unwrap_or(end_h);
            close(open, until, &vessel, &mut self.calls);
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
            .map(|id| PortLanes {
                lanes: lanes.get(&id).copied().unwrap_or(0).max(1),
                berths: self.berths.get(&id).copied(),
                id,
            })
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

    /// A vessel entry of a trace file written before `at_berth`.
    fn vessel(h: f64, event: TraceEvent, n: u32, phase: VesselPhase, port: &str) -> TraceEntry {
        let subject = Subject::Vessel { fleet: "ferries".into(), index: n };
        let state = TraceState::Vessel { phase, port: port.into(), aboard: 0, berth: None };
        at(h, event, subject, state)
    }

    /// A vessel entry that says whether it holds a berth.
    fn berthed(
        h: f64,
        event: TraceEvent,
        n: u32,
        (phase, berth): (VesselPhase, bool),
        port: &str,
    ) -> TraceEntry {
        let subject = Subject::Vessel { fleet: "ferries".into(), index: n };
        let state = TraceState::Vessel { phase, port: port.into(), aboard: 0, berth: Some(berth) };
        at(h, event, subject, state)
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
            [
                PortLanes { id: "aktau".into(), lanes: 2, berths: Some(2) },
                PortLanes { id: "alat".into(), lanes: 1, berths: Some(0) }
            ]
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
        // The same line in a file saved with Windows line ends.
        let err = parse_trace(&renamed.replace('\n', "\r\n")).unwrap_err().to_string();
        assert!(err.contains("line 5") && err.contains("\"discharged\""), "{err}");
        assert!(parse_trace("a,b\n1,2\n").is_err());
        let header = text.lines().next().unwrap();
        assert!(parse_trace(&format!("{header}\n")).is_err(), "no events");
    }

    #[test]
    fn a_vessel_waiting_for_cargo_off_the_berth_holds_no_berth() {
        use TraceEvent::*;
        use VesselPhase::*;
        let seg = |a, b, state| Segment { start_h: a, end_h: b, state };
        let entries = [
            // Arrives empty at its origin: straight into the cargo line.
            vessel(0.0, Arrive, 0, WaitingCargo, "aktau"),
            // Arrives with return cargo, discharges, shifts to the
            // anchorage (its next entry is a DischargeDone: it berthed
            // again when called), then loads.
            vessel(1.0, Arrive, 1, Discharging, "aktau"),
            vessel(3.0, DischargeDone, 1, WaitingCargo, "aktau"),
            vessel(9.0, DischargeDone, 0, Loading, "aktau"),
            vessel(10.0, DischargeDone, 1, ReadyToSail, "aktau"),
            vessel(12.0, LoadDone, 0, Sailing, "alat"),
            // Called by its timer at the anchorage, granted a berth at once.
            vessel(12.0, Arrive, 2, Discharging, "aktau"),
            vessel(13.0, DischargeDone, 2, WaitingCargo, "aktau"),
            vessel(15.0, LoadTimer, 2, Discharging, "aktau"),
            vessel(15.0, DischargeDone, 2, Loading, "aktau"),
            vessel(16.0, LoadDone, 1, Sailing, "alat"),
            // Waits at the berth: its timer sails it with what it has.
            vessel(16.0, Arrive, 3, Discharging, "aktau"),
            vessel(17.0, DischargeDone, 3, WaitingCargo, "aktau"),
            vessel(19.0, LoadTimer, 3, ReadyToSail, "aktau"),
            vessel(20.0, LoadDone, 3, Sailing, "alat"),
            vessel(20.0, LoadDone, 2, Sailing, "alat"),
            // Still waiting when the trace ends: not known to hold a berth.
            vessel(21.0, Arrive, 4, Discharging, "aktau"),
            vessel(22.0, DischargeDone, 4, WaitingCargo, "aktau"),
            port(30.0, PortClose, "aktau", 0),
        ];
        let s = Story::from_entries(&entries).unwrap();
        let calls: Vec<(&str, Vec<Segment>)> =
            s.calls.iter().map(|c| (c.vessel.as_str(), c.segments.clone())).collect();
        use CallState::{Handling as H, Waiting as W};
        assert_eq!(
            calls,
            [
                ("ferries#1", vec![seg(1.0, 3.0, H)]),
                ("ferries#0", vec![seg(9.0, 12.0, H)]),
                ("ferries#1", vec![seg(10.0, 16.0, H)]),
                ("ferries#2", vec![seg(12.0, 13.0, H)]),
                ("ferries#2", vec![seg(15.0, 20.0, H)]),
                ("ferries#3", vec![seg(16.0, 17.0, H), seg(17.0, 19.0, W), seg(19.0, 20.0, H)]),
                ("ferries#4", vec![seg(21.0, 22.0, H)]),
            ]
        );
        assert_eq!(s.ports[0].lanes, 2);
    }

    /// With `at_berth` in the file, a call runs exactly while the vessel
    /// holds a berth: one granted the berth another left starts its call
    /// at that moment (its `state_change` entry), not at its own next
    /// event, and a wait for cargo is at the berth or off it as the file
    /// says.
    #[test]
    fn a_call_runs_while_the_vessel_holds_its_berth() {
        use TraceEvent::*;
        use VesselPhase::*;
        let seg = |a, b, state| Segment { start_h: a, end_h: b, state };
        let entries = [
            berthed(0.0, Arrive, 0, (Discharging, true), "aktau"),
            berthed(1.0, Arrive, 1, (Anchorage, false), "aktau"),
            // Vessel 0 leaves for the anchorage to wait for cargo; in its
            // event vessel 1 is granted the berth it left.
            berthed(2.0, DischargeDone, 0, (WaitingCargo, false), "aktau"),
            berthed(2.0, StateChange, 1, (Discharging, true), "aktau"),
            // Vessel 1 waits for cargo at its berth, then loads as a train
            // comes in (a state change in the inflow's event).
            berthed(4.0, DischargeDone, 1, (WaitingCargo, true), "aktau"),
            storage(5.0, Inflow, Subject::Inflow { id: "trains".into() }, 40),
            berthed(5.0, StateChange, 1, (Loading, true), "aktau"),
            berthed(6.0, LoadDone, 1, (Sailing, false), "alat"),
            // Vessel 0, called, is granted the berth at once.
            berthed(6.0, StateChange, 0, (Loading, true), "aktau"),
            berthed(8.0, LoadDone, 0, (Sailing, false), "alat"),
        ];
        let s = Story::from_entries(&entries).unwrap();
        assert_eq!(s.events, 7, "state changes are not events");
        let calls: Vec<(&str, Vec<Segment>)> =
            s.calls.iter().map(|c| (c.vessel.as_str(), c.segments.clone())).collect();
        use CallState::{Handling as H, Waiting as W};
        assert_eq!(
            calls,
            [
                ("ferries#0", vec![seg(0.0, 2.0, H)]),
                ("ferries#1", vec![seg(2.0, 4.0, H), seg(4.0, 5.0, W), seg(5.0, 6.0, H)]),
                ("ferries#0", vec![seg(6.0, 8.0, H)]),
            ]
        );
        assert_eq!(s.ports[0].lanes, 1, "one berth used at a time");
        // The same entries without `at_berth` and `state_change` (an older
        // file) cannot show vessel 1 at the berth before its own next event.
        let old: Vec<TraceEntry> = entries
            .iter()
            .filter(|e| e.event != StateChange)
            .map(|e| {
                let mut e = e.clone();
                if let TraceState::Vessel { berth, .. } = &mut e.state {
                    *berth = None;
                }
                e
            })
            .collect();
        let s = Story::from_entries(&old).unwrap();
        let mut calls_of_1 = s.calls.iter().filter(|c| c.vessel == "ferries#1");
        assert!(calls_of_1.clone().count() <= 1);
        assert!(calls_of_1.all(|c| c.start_h() >= 4.0), "not shown at the berth from 2.0");
    }

    /// The most calls at `port` at once, from the calls themselves.
    fn most_at_once(s: &Story, port: &str) -> usize {
        let mut edges: Vec<(f64, i32)> = Vec::new();
        for c in s.calls.iter().filter(|c| c.port == port) {
            edges.push((c.start_h(), 1));
            edges.push((c.end_h(), -1));
        }
        // A call ending when another starts frees its berth first.
        edges.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        let (mut now, mut most) = (0i32, 0i32);
        for (_, d) in edges {
            now += d;
            most = most.max(now);
        }
        usize::try_from(most).unwrap_or(0)
    }

    #[test]
    fn the_baseline_story_holds_no_more_berths_than_each_port_has() {
        use caspian_montecarlo::study::Study;
        let study = Study::single(caspian_montecarlo::BASELINE_TOML, "baseline", None).unwrap();
        let mut bytes = Vec::new();
        caspian_montecarlo::trace::stream_csv(&study.plan, study.seed, 3, &mut bytes).unwrap();
        let s = parse_trace(std::str::from_utf8(&bytes).unwrap()).unwrap();
        let waits = s
            .calls
            .iter()
            .flat_map(|c| &c.segments)
            .filter(|g| g.state == CallState::Waiting)
            .count();
        assert!(s.calls.len() > 100, "{} calls", s.calls.len());
        for p in &s.ports {
            let berths = usize::try_from(p.berths.unwrap_or(0)).unwrap();
            assert!(berths > 0, "{}: its closures give its berths", p.id);
            assert!(
                p.lanes <= berths && most_at_once(&s, &p.id) <= berths,
                "{}: {} rows, {} calls at once, {berths} berths ({waits} waits at berth)",
                p.id,
                p.lanes,
                most_at_once(&s, &p.id),
            );
        }
    }
}
