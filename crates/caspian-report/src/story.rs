//! One replication's story, from the event trace that `caspian trace --csv`
//! writes: which berths fleet vessels held at each port and what they were
//! doing there (a Gantt chart), when storms closed the ports, and how full
//! each storage was.
//!
//! What the trace tells and what it does not:
//! - A fleet vessel's events carry its phase and port (`Discharging at alat
//!   with 50 aboard`), so its berth calls and their phases are exact.
//!   Open-traffic vessels are not drawn (their events name no berth).
//! - `port_close`/`port_open` events give port closures (storms, ice).
//! - `corridor_close`/`corridor_open` entries give corridor closures (no
//!   crossing may start); vessels ready to sail then show as *held* at the
//!   berth (as they do during a port closure).
//! - Storage levels are known at every inflow and outflow event of that
//!   storage (`storage <id> <level>/<capacity>, ...`), and drawn as steps.

use std::collections::BTreeMap;

use plotters::prelude::*;

use crate::chart::{Keyed, Mark, color, label_font, legend, render, tick, with_legend};
use crate::error::{ReportError, draw};

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
    /// Events in the trace.
    pub events: usize,
}

fn state_of(phase: &str) -> Option<Option<CallState>> {
    Some(match phase {
        "Discharging" | "Loading" | "ReadyToSail" => Some(CallState::Handling),
        "WaitingSpace" | "WaitingCargo" | "WaitingSlot" => Some(CallState::Waiting),
        "Held" => Some(CallState::Held),
        "Sailing" | "Anchorage" | "Convoy" | "Detained" | "Lost" | "NotArrived" => None,
        _ => return None,
    })
}

/// An open call: port, vessel, closed segments, current state and since.
type Open = (String, Vec<Segment>, CallState, f64);

fn close(open: Open, t: f64, vessel: &str, calls: &mut Vec<BerthCall>) {
    let (port, mut segments, state, since) = open;
    if t > since {
        segments.push(Segment { start_h: since, end_h: t, state });
    }
    if !segments.is_empty() {
        calls.push(BerthCall { port, vessel: vessel.to_string(), lane: 0, segments });
    }
}

/// Reads the trace CSV (`seq,time_h,event,subject,detail`).
///
/// # Errors
/// [`ReportError::Parse`] when the columns or a time are wrong, or the trace
/// has no events.
pub fn parse_trace(text: &str) -> Result<Story, ReportError> {
    let what = "trace CSV";
    let mut r = csv::Reader::from_reader(text.as_bytes());
    let header = r.headers().map_err(|e| ReportError::parse(what, e.to_string()))?.clone();
    if header.iter().ne(["seq", "time_h", "event", "subject", "detail"]) {
        return Err(ReportError::parse(
            what,
            "expected the columns seq,time_h,event,subject,detail written by `caspian trace --csv FILE`",
        ));
    }
    let mut ports: Vec<String> = Vec::new();
    let note_port = |p: &str, ports: &mut Vec<String>| {
        if !ports.iter().any(|q| q == p) {
            ports.push(p.to_string());
        }
    };
    let mut open_calls: BTreeMap<String, Open> = BTreeMap::new();
    let mut calls = Vec::new();
    let mut closed_since: BTreeMap<String, f64> = BTreeMap::new();
    let mut closures = Vec::new();
    let mut corridor = Vec::new();
    let mut corridor_since: Option<f64> = None;
    let mut storages: Vec<StorageSeries> = Vec::new();
    let mut warmup_h = None;
    let mut end_h: f64 = 0.0;
    let mut events = 0;
    for (i, rec) in r.records().enumerate() {
        let rec = rec.map_err(|e| ReportError::parse(what, e.to_string()))?;
        let t: f64 = rec[1].parse().map_err(|_| {
            ReportError::parse(
                what,
                format!("line {}: time \"{}\" is not a number", i + 2, &rec[1]),
            )
        })?;
        events += 1;
        end_h = end_h.max(t);
        let (event, subject, detail) = (&rec[2], &rec[3], &rec[4]);
        match event {
            "end_warmup" => warmup_h = Some(t),
            "corridor_close" => corridor_since = corridor_since.or(Some(t)),
            "corridor_open" => {
                if let Some(start) = corridor_since.take() {
                    corridor.push((start, t));
                }
            }
            "port_close" | "port_open" => {
                let Some(port) = subject.strip_prefix("port ") else { continue };
                note_port(port, &mut ports);
                if event == "port_close" {
                    closed_since.entry(port.to_string()).or_insert(t);
                } else if let Some(start) = closed_since.remove(port) {
                    closures.push(Closure { port: port.to_string(), start_h: start, end_h: t });
                }
            }
            "inflow" | "outflow" => {
                // "storage <id> <level>/<cap>, <n> waiting at the gate"
                let mut words = detail.split([' ', ',']).filter(|w| !w.is_empty());
                let (Some("storage"), Some(id), Some(lc)) =
                    (words.next(), words.next(), words.next())
                else {
                    continue;
                };
                let Some((l, c)) = lc.split_once('/') else { continue };
                let (Ok(level), Ok(capacity)) = (l.parse::<u64>(), c.parse::<u64>()) else {
                    continue;
                };
                match storages.iter_mut().find(|s| s.id == id) {
                    Some(s) => s.levels.push((t, level)),
                    None => storages.push(StorageSeries {
                        id: id.to_string(),
                        capacity,
                        levels: vec![(t, level)],
                    }),
                }
            }
            _ => {
                let Some(vessel) = subject.strip_prefix("vessel ") else { continue };
                // "<Phase> at <port> with <n> aboard"
                let mut words = detail.split(' ');
                let (Some(phase), Some("at"), Some(port)) =
                    (words.next(), words.next(), words.next())
                else {
                    continue;
                };
                let Some(state) = state_of(phase) else { continue };
                let current = open_calls.remove(vessel);
                match (current, state) {
                    (Some(open), None) => close(open, t, vessel, &mut calls),
                    (None, None) => {}
                    (None, Some(s)) => {
                        note_port(port, &mut ports);
                        open_calls.insert(vessel.to_string(), (port.to_string(), Vec::new(), s, t));
                    }
                    (Some(open), Some(s)) if open.0 != port => {
                        close(open, t, vessel, &mut calls);
                        note_port(port, &mut ports);
                        open_calls.insert(vessel.to_string(), (port.to_string(), Vec::new(), s, t));
                    }
                    (Some((p, mut segs, old, since)), Some(s)) => {
                        if s != old {
                            if t > since {
                                segs.push(Segment { start_h: since, end_h: t, state: old });
                            }
                            open_calls.insert(vessel.to_string(), (p, segs, s, t));
                        } else {
                            open_calls.insert(vessel.to_string(), (p, segs, old, since));
                        }
                    }
                }
            }
        }
    }
    if events == 0 {
        return Err(ReportError::parse(what, "no events"));
    }
    for (vessel, open) in std::mem::take(&mut open_calls) {
        close(open, end_h, &vessel, &mut calls);
    }
    for (port, start) in closed_since {
        closures.push(Closure { port, start_h: start, end_h });
    }
    closures.sort_by(|a, b| a.start_h.total_cmp(&b.start_h));
    if let Some(start) = corridor_since {
        corridor.push((start, end_h));
    }
    let lanes = assign_lanes(&mut calls);
    let ports = ports
        .into_iter()
        .map(|id| PortLanes { lanes: lanes.get(&id).copied().unwrap_or(0).max(1), id })
        .collect();
    Ok(Story { ports, calls, closures, corridor, storages, warmup_h, end_h, events })
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

impl Story {
    /// The chart's title, for a trace of `subject` (e.g. the scenario).
    pub fn title(subject: &str) -> String {
        format!("{subject}: one replication's berths, closures and storage")
    }

    /// The lines under the title.
    pub fn subtitle(&self) -> Vec<String> {
        vec![
            format!(
                "{} events over {:.0} days; {} berth calls of fleet vessels, {} port closures (storms, ice), {} corridor closures.",
                self.events,
                self.end_h / 24.0,
                self.calls.len(),
                self.closures.len(),
                self.corridor.len()
            ),
            "During a closure of the port or of the corridor, vessels ready to sail wait at the berth (red).".into(),
        ]
    }

    /// Total Gantt rows.
    pub fn total_lanes(&self) -> usize {
        self.ports.iter().map(|p| p.lanes).sum()
    }
}

/// A whole number with thousands separated.
fn whole(n: u64) -> String {
    if n >= 10_000 { crate::units::fmt_num(n as f64) } else { n.to_string() }
}

const HANDLING: RGBColor = RGBColor(0, 114, 178);
const WAITING: RGBColor = RGBColor(230, 159, 0);
const HELD: RGBColor = RGBColor(200, 0, 0);
const CLOSED: RGBColor = RGBColor(150, 150, 170);
const CORRIDOR: RGBColor = RGBColor(120, 60, 160);

/// Draws the story chart as SVG: the Gantt chart of berths above, storage
/// levels (as a fraction of capacity) below.
///
/// # Errors
/// A drawing error.
pub fn story_svg(s: &Story, subject: &str) -> Result<String, ReportError> {
    let total = s.total_lanes().max(1);
    let gantt_h = 140 + 16 * total as u32;
    let days = (s.end_h / 24.0).max(1.0);
    // The first row of each port, counted from the top.
    let mut first = BTreeMap::new();
    let mut acc = 0;
    for p in &s.ports {
        first.insert(p.id.clone(), acc);
        acc += p.lanes;
    }
    let centres: Vec<f64> =
        s.ports.iter().map(|p| total as f64 - first[&p.id] as f64 - p.lanes as f64 / 2.0).collect();
    let names: Vec<(f64, String)> =
        centres.iter().zip(&s.ports).map(|(&c, p)| (c, p.id.clone())).collect();
    let row_y = |port: &str, lane: usize| {
        total as f64 - (first.get(port).copied().unwrap_or(0) + lane) as f64
    };
    let title = Story::title(subject);
    render((1400, gantt_h + 460), &title, &s.subtitle(), |area| {
        let (top, bottom) = area.split_vertically(gantt_h);
        let (top, top_side) = with_legend(&top);
        let (bottom, bottom_side) = with_legend(&bottom);
        let mut entries = vec![("port closed (storm or ice)".to_string(), Mark::Box(CLOSED, 0.45))];
        let mut ch = draw(
            ChartBuilder::on(&top)
                .x_label_area_size(50)
                .y_label_area_size(110)
                .build_cartesian_2d(0.0..days, Keyed::new(0.0, total as f64, centres.clone())),
        )?;
        draw(
            ch.configure_mesh()
                .x_desc("time (days)")
                .y_desc("berths held, by port")
                .x_label_formatter(&tick)
                .y_label_formatter(&|y: &f64| {
                    names
                        .iter()
                        .find(|(c, _)| (c - y).abs() < 1e-9)
                        .map_or_else(String::new, |(_, n)| n.clone())
                })
                .disable_y_mesh()
                .label_style(label_font())
                .axis_desc_style(label_font())
                .light_line_style(WHITE)
                .draw(),
        )?;
        draw(ch.draw_series(s.closures.iter().filter_map(|c| {
            let p = s.ports.iter().find(|p| p.id == c.port)?;
            let y_top = row_y(&c.port, 0);
            Some(Rectangle::new(
                [(c.start_h / 24.0, y_top), (c.end_h / 24.0, y_top - p.lanes as f64)],
                CLOSED.mix(0.45).filled(),
            ))
        })))?;
        if !s.corridor.is_empty() {
            draw(ch.draw_series(s.corridor.iter().map(|&(a, b)| {
                Rectangle::new(
                    [(a / 24.0, total as f64), (b / 24.0, 0.0)],
                    CORRIDOR.mix(0.25).filled(),
                )
            })))?;
            entries.push((
                "corridor closed (no crossing starts)".to_string(),
                Mark::Box(CORRIDOR, 0.25),
            ));
        }
        for (state, col, name) in [
            (CallState::Handling, HANDLING, "at berth: handling cargo"),
            (CallState::Waiting, WAITING, "at berth: waiting for cargo, space or slot"),
            (CallState::Held, HELD, "at berth: held by closed port or corridor"),
        ] {
            draw(ch.draw_series(s.calls.iter().flat_map(|c| {
                let y = row_y(&c.port, c.lane);
                c.segments.iter().filter(move |g| g.state == state).map(move |g| {
                    Rectangle::new(
                        [(g.start_h / 24.0, y - 0.15), (g.end_h / 24.0, y - 0.85)],
                        col.filled(),
                    )
                })
            })))?;
            entries.push((name.to_string(), Mark::Box(col, 1.0)));
        }
        draw(ch.draw_series(s.ports.iter().skip(1).map(|p| {
            let y = row_y(&p.id, 0);
            PathElement::new(vec![(0.0, y), (days, y)], BLACK.mix(0.5))
        })))?;
        if let Some(w) = s.warmup_h {
            draw(ch.draw_series(std::iter::once(PathElement::new(
                vec![(w / 24.0, 0.0), (w / 24.0, total as f64)],
                BLACK.stroke_width(2),
            ))))?;
            entries.push(("end of warm-up".into(), Mark::Line(RGBColor(0, 0, 0))));
        }
        legend(&top_side, &entries)?;
        let mut entries = Vec::new();

        let mut st = draw(
            ChartBuilder::on(&bottom.margin(20, 0, 0, 0))
                .x_label_area_size(50)
                .y_label_area_size(110)
                .build_cartesian_2d(0.0..days, 0.0..1.05),
        )?;
        draw(
            st.configure_mesh()
                .x_desc("time (days)")
                .y_desc("storage level (fraction of capacity)")
                .x_label_formatter(&tick)
                .y_label_formatter(&tick)
                .label_style(label_font())
                .axis_desc_style(label_font())
                .light_line_style(WHITE)
                .draw(),
        )?;
        for (i, series) in s.storages.iter().enumerate() {
            let col = color(i);
            let cap = series.capacity.max(1) as f64;
            let mut pts = Vec::with_capacity(series.levels.len() * 2);
            let mut prev: Option<f64> = None;
            for &(t, l) in &series.levels {
                let f = l as f64 / cap;
                if let Some(p) = prev {
                    pts.push((t / 24.0, p));
                }
                pts.push((t / 24.0, f));
                prev = Some(f);
            }
            if let Some(p) = prev {
                pts.push((days, p));
            }
            draw(st.draw_series(LineSeries::new(pts, col.stroke_width(2))))?;
            entries.push((
                format!("{} (capacity {})", series.id, whole(series.capacity)),
                Mark::Line(col),
            ));
        }
        legend(&bottom_side.margin(20, 0, 0, 0), &entries)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const TRACE: &str = "seq,time_h,event,subject,detail
0,0.0000,arrive,vessel ferries#0,Discharging at aktau with 0 aboard
1,0.0000,arrive,vessel ferries#1,Discharging at aktau with 0 aboard
2,1.0000,inflow,inflow trains,\"storage yard 10/100, 0 waiting at the gate\"
3,2.0000,discharge_done,vessel ferries#0,WaitingCargo at aktau with 0 aboard
4,3.0000,port_close,port aktau,\"berths 2/0 busy, 0 at anchorage\"
5,4.0000,load_done,vessel ferries#0,Held at aktau with 50 aboard
6,6.0000,port_open,port aktau,\"berths 2/2 busy, 0 at anchorage\"
7,6.0000,try_depart,vessel ferries#0,Sailing at alat with 50 aboard
8,7.0000,outflow,outflow rail,\"storage yard 0/100, 0 waiting at the gate\"
9,8.0000,load_done,vessel ferries#1,Sailing at alat with 50 aboard
10,9.0000,arrive,vessel ferries#0,Anchorage at alat with 50 aboard
11,10.0000,arrive,vessel ferries#0,Discharging at alat with 50 aboard
12,12.0000,end_warmup,,statistics reset
13,30.0000,port_close,port alat,\"berths 1/0 busy, 0 at anchorage\"
";

    #[test]
    fn calls_closures_and_levels_come_from_the_trace() {
        let s = parse_trace(TRACE).unwrap();
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
        let svg = story_svg(&s, "test").unwrap();
        assert!(svg.contains("test: one replication"));
        assert!(svg.contains("time (days)"));
        assert!(svg.contains("storage level (fraction of capacity)"));
        assert!(svg.contains(">aktau<") || svg.contains("aktau"));
        assert!(parse_trace("a,b\n1,2\n").is_err());
        assert!(parse_trace("seq,time_h,event,subject,detail\n").is_err());
        assert!(s.corridor.is_empty());
        assert!(!svg.contains("corridor closed"));
    }

    #[test]
    fn corridor_closures_come_from_the_trace_and_are_shaded() {
        let with_corridor = format!(
            "{TRACE}14,31.0000,corridor_close,corridor,no crossing may start (closure episode)\n\
             15,35.5000,corridor_open,corridor,crossings may start again\n\
             16,40.0000,corridor_close,corridor,no crossing may start (closure episode)\n\
             17,41.0000,arrive,vessel ferries#1,Anchorage at alat with 0 aboard\n"
        );
        let s = parse_trace(&with_corridor).unwrap();
        // The last closure is still on when the trace ends.
        assert_eq!(s.corridor, [(31.0, 35.5), (40.0, 41.0)]);
        let svg = story_svg(&s, "test").unwrap();
        assert!(svg.contains("corridor closed"), "legend entry");
        assert!(s.subtitle()[0].contains("2 corridor closures"));
    }
}
