//! Drawing a [`Story`]: the Gantt chart of berths above, storage levels
//! below (SVG).

use std::collections::BTreeMap;

use plotters::prelude::*;

use super::{CallState, Story};
use crate::chart::{
    Area, Keyed, Mark, color, draw_mesh, legend, legend_titled, mesh_style, render, tick,
    with_legend,
};
use crate::error::{ReportError, draw};

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
    let title = Story::title(subject);
    render((1400, gantt_h + 480), &title, &s.subtitle(), |area| {
        let (top, bottom) = area.split_vertically(gantt_h);
        let (top, top_side) = with_legend(&top);
        let (bottom, bottom_side) = with_legend(&bottom);
        gantt(s, days, &top, &top_side)?;
        levels(s, days, &bottom, &bottom_side)
    })
}

/// The Gantt chart of berths held, by port, with closures and warm-up.
fn gantt(s: &Story, days: f64, top: &Area<'_>, top_side: &Area<'_>) -> Result<(), ReportError> {
    let total = s.total_lanes().max(1);
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
    let mut entries =
        vec![("port closed (storm, ice or disruption)".to_string(), Mark::Box(CLOSED, 0.45))];
    let mut ch = draw(
        ChartBuilder::on(top)
            .x_label_area_size(50)
            .y_label_area_size(110)
            .build_cartesian_2d(0.0..days, Keyed::new(0.0, total as f64, centres.clone())),
    )?;
    draw(
        mesh_style(&mut ch.configure_mesh())
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
            Rectangle::new([(a / 24.0, total as f64), (b / 24.0, 0.0)], CORRIDOR.mix(0.25).filled())
        })))?;
        entries
            .push(("corridor closed (no crossing starts)".to_string(), Mark::Box(CORRIDOR, 0.25)));
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
    legend(top_side, &entries)
}

/// The storages the level chart draws: the [`PALETTE`](crate::chart::PALETTE)
/// fullest (highest level over capacity at any time), fullest first, each
/// with its peak fraction; and how many others there are with the highest
/// peak among them. More lines would share colours and overflow the legend.
fn fullest(s: &Story) -> (Vec<(&super::StorageSeries, f64)>, usize, f64) {
    let peak = |x: &super::StorageSeries| {
        let top = x.levels.iter().map(|&(_, l)| l).max().unwrap_or(0);
        top as f64 / x.capacity.max(1) as f64
    };
    let mut all: Vec<(&super::StorageSeries, f64)> =
        s.storages.iter().map(|x| (x, peak(x))).collect();
    // Stable: storages equally full keep the trace's order.
    all.sort_by(|a, b| b.1.total_cmp(&a.1));
    let shown = all.len().min(crate::chart::PALETTE.len());
    let rest = all.split_off(shown);
    let rest_peak = rest.first().map_or(0.0, |r| r.1);
    (all, rest.len(), rest_peak)
}

/// Storage levels as a fraction of capacity, as steps.
fn levels(
    s: &Story,
    days: f64,
    bottom: &Area<'_>,
    bottom_side: &Area<'_>,
) -> Result<(), ReportError> {
    let mut entries = Vec::new();

    let mut st = draw(
        ChartBuilder::on(&bottom.margin(20, 0, 0, 0))
            .x_label_area_size(50)
            .y_label_area_size(110)
            .build_cartesian_2d(0.0..days, 0.0..1.05),
    )?;
    draw_mesh(st.configure_mesh(), "time (days)", "storage level (fraction of capacity)")?;
    let (shown, hidden, hidden_peak) = fullest(s);
    for (i, &(series, peak)) in shown.iter().enumerate() {
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
            format!("{} ({:.0}% of {})", series.id, peak * 100.0, whole(series.capacity)),
            Mark::Line(col),
        ));
    }
    if hidden > 0 {
        // A line of text under the entries: an invisible mark.
        entries.push((
            format!("{hidden} more, none above {:.0}% full", hidden_peak * 100.0),
            Mark::Box(WHITE, 0.0),
        ));
    }
    legend_titled(&bottom_side.margin(20, 0, 0, 0), Some("storage (peak, of capacity)"), &entries)
}

#[cfg(test)]
mod tests {
    use super::super::data::tests::trace;
    use super::*;
    use caspian_montecarlo::trace::{SimTime, Subject, TraceEntry, TraceEvent, TraceState};

    #[test]
    fn the_chart_names_ports_and_storages() {
        let s = Story::from_entries(&trace()).unwrap();
        let svg = story_svg(&s, "test").unwrap();
        assert!(svg.contains("test: one replication"));
        assert!(svg.contains("time (days)"));
        assert!(svg.contains("storage level (fraction of capacity)"));
        // Each port labels its rows: a text element holding exactly its id
        // (plotters writes the text on a line of its own).
        let text = |s: &str| format!(">\n{s}\n</text>");
        for port in ["aktau", "alat"] {
            assert!(svg.contains(&text(port)), "label {port}");
        }
        assert!(!svg.contains(&text("ferries#0")), "vessels are not labels");
        assert!(svg.contains("storage (peak, of capacity)"), "storage legend title");
        assert!(svg.contains("% of 100)"), "storage legend");
        assert!(!svg.contains("corridor closed"));
    }

    #[test]
    fn only_the_fullest_storages_are_drawn() {
        let mut s = Story::from_entries(&trace()).unwrap();
        s.storages.clear();
        for i in 0..11u64 {
            s.storages.push(super::super::StorageSeries {
                id: format!("s{i}"),
                capacity: 100,
                levels: vec![(0.0, 0), (5.0, 5 * i + 3), (9.0, 0)],
            });
        }
        let (shown, hidden, peak) = fullest(&s);
        let ids: Vec<&str> = shown.iter().map(|(x, _)| x.id.as_str()).collect();
        assert_eq!(ids, ["s10", "s9", "s8", "s7", "s6", "s5", "s4", "s3"]);
        assert_eq!((hidden, peak), (3, 0.13));
        let svg = story_svg(&s, "test").unwrap();
        assert!(svg.contains("s10 (53% of 100)"), "fullest first");
        assert!(svg.contains("3 more, none above 13% full"), "the rest summed up");
        assert!(!svg.contains("s2 ("), "the emptier ones are left out");
    }

    #[test]
    fn corridor_closures_are_shaded() {
        let mut entries = trace();
        let corridor = |h: f64, event| TraceEntry {
            time: SimTime::try_from_hours_f64(h).unwrap(),
            event,
            subject: Subject::Corridor,
            state: TraceState::None,
            pending: None,
        };
        entries.push(corridor(31.0, TraceEvent::CorridorClose));
        entries.push(corridor(35.5, TraceEvent::CorridorOpen));
        let s = Story::from_entries(&entries).unwrap();
        let svg = story_svg(&s, "test").unwrap();
        assert!(svg.contains("corridor closed"), "legend entry");
    }
}
