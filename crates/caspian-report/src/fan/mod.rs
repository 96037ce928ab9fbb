//! The fan chart: the monthly series of a cargo (`month_delivered`,
//! `month_backlog`, `month_service_level`; see `docs/kpis.md`) month by
//! month, as the band from P5 to P95 across replications with the median
//! (P50) as a line, one panel per series.
//!
//! The percentiles are those of the result document's summaries (each
//! `month_*` KPI is an ordinary KPI, summarised over the replications like
//! any other: the type-7 quantiles of its defined values), so a run's
//! report draws it without the per-replication CSV. A comparison draws the
//! base and every policy on the same axes, so a stress test's chart shows
//! the dip and the recovery against the base.
//!
//! The first and last months may be partial: a month is cut at the end of
//! warm-up and at the horizon (the baseline's `m01` is one day). From the
//! window the document records, each month's days inside it come from the
//! model's own month bounds ([`Window::months`]). A series measured over
//! the month (delivered in it, its service level) covers only those days in
//! a partial month, so there the month is drawn apart: a grey column,
//! hollow markers, a dashed line to its neighbour and no band, with `*`
//! after its name on the axis. Backlog, a level at the month's end, is as
//! meaningful in a partial month as in a whole one and is drawn as usual.

use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use caspian_montecarlo::document::{KpiTable, Window};
use caspian_montecarlo::schema::family_of;

use crate::chart::{
    Area, Keyed, Mark, color, extent, label_font, legend, mesh_style, padded, render, tick,
    with_legend,
};
use crate::error::{ReportError, draw};
use crate::units::fmt_num;

/// The series of a fan chart, in panel order: the KPI name's first part.
pub const SERIES: [&str; 3] = ["month_delivered", "month_backlog", "month_service_level"];

/// The series measured over the month (an amount delivered in it, a share
/// of what was owed in it): a partial month holds only some of its days, so
/// its value is not comparable with a whole month's. The others are levels
/// at the month's end, which a partial month does not change.
pub const OVER_THE_MONTH: [&str; 2] = ["month_delivered", "month_service_level"];

/// A month that lies only partly inside the reporting window (cut at the
/// end of warm-up or at the horizon).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PartialMonth {
    /// Days of the month inside the window.
    pub days: f64,
    /// Days of the calendar month.
    pub month_days: u64,
}

impl PartialMonth {
    /// The days inside the window, as few digits as they need (`1`, `0.5`).
    pub fn days_text(&self) -> String {
        if self.days.fract() == 0.0 {
            format!("{:.0}", self.days)
        } else {
            let d = format!("{:.2}", self.days);
            d.trim_end_matches('0').trim_end_matches('.').to_string()
        }
    }

    /// `1 of 31 days`.
    pub fn text(&self) -> String {
        format!("{} of {} days", self.days_text(), self.month_days)
    }
}

/// One scenario's monthly KPIs for [`fans`]: its name, its KPI summaries
/// and the window they cover (`None` for documents that do not record it).
#[derive(Debug, Clone, Copy)]
pub struct FanInput<'a> {
    /// The scenario.
    pub name: &'a str,
    /// Its KPI summaries.
    pub table: &'a KpiTable,
    /// Its reporting window.
    pub window: Option<&'a Window>,
}

/// One month of one band: the percentiles across replications.
#[derive(Debug, Clone, PartialEq)]
pub struct FanPoint {
    /// The KPI (`month_delivered.oil.m03`).
    pub kpi: String,
    /// 5th percentile (NaN when undefined in every replication).
    pub p05: f64,
    /// Median.
    pub p50: f64,
    /// 95th percentile.
    pub p95: f64,
    /// The month's share of the window when it is a partial month (`None`
    /// for a whole month, and when the document does not record the window).
    pub partial: Option<PartialMonth>,
}

/// One scenario's band in a panel.
#[derive(Debug, Clone, PartialEq)]
pub struct FanBand {
    /// The scenario.
    pub scenario: String,
    /// One point per month of the chart, in month order.
    pub points: Vec<FanPoint>,
}

/// One panel: one series of the cargo.
#[derive(Debug, Clone, PartialEq)]
pub struct FanPanel {
    /// The series ([`SERIES`]).
    pub series: &'static str,
    /// The axis label: what it measures and its unit, from the KPI schema
    /// and the document.
    pub axis: String,
    /// One band per scenario (the base first).
    pub bands: Vec<FanBand>,
}

/// The data of one cargo's fan chart, as drawn.
#[derive(Debug, Clone, PartialEq)]
pub struct Fan {
    /// `oil`, `wagons`, `trucks` or `teu`.
    pub cargo: String,
    /// The months on the x axis (`m01`, ...), in order.
    pub months: Vec<String>,
    /// Replications behind each percentile.
    pub replications: u64,
    /// Whether every scenario's document records its window, so that
    /// partial months are known (and marked).
    pub windows_known: bool,
    /// Delivered, backlog and service level.
    pub panels: Vec<FanPanel>,
}

/// The fan charts of a result: one per cargo with a monthly series that is
/// not zero or undefined throughout. `scenarios` are the scenarios' KPI
/// summaries and windows, the base (or the run) first.
pub fn fans(scenarios: &[FanInput<'_>], replications: u64) -> Vec<Fan> {
    let Some(first) = scenarios.first() else { return Vec::new() };
    let windows_known = scenarios.iter().all(|s| s.window.is_some());
    let mut out = Vec::new();
    for cargo in caspian_montecarlo::Cargo::ALL.map(caspian_montecarlo::Cargo::as_str) {
        // Month names from the delivered series (names sort in month order).
        let prefix = format!("{}.{cargo}.", SERIES[0]);
        let months: Vec<String> = first
            .table
            .keys()
            .filter_map(|k| k.strip_prefix(&prefix))
            .map(str::to_string)
            .collect();
        if months.is_empty() {
            continue;
        }
        let panels: Vec<FanPanel> =
            SERIES.iter().map(|&series| panel(scenarios, series, cargo, &months)).collect();
        let quiet = panels
            .iter()
            .flat_map(|p| &p.bands)
            .flat_map(|b| &b.points)
            .all(|p| [p.p05, p.p50, p.p95].iter().all(|v| !v.is_finite() || *v == 0.0));
        if !quiet {
            out.push(Fan { cargo: cargo.to_string(), months, replications, windows_known, panels });
        }
    }
    out
}

/// The partial months of a window, by the number in their names (`m01` is
/// 1).
fn partial_months(window: Option<&Window>) -> Vec<(u64, PartialMonth)> {
    window.map_or_else(Vec::new, |w| {
        w.months()
            .into_iter()
            .filter(|m| m.is_partial())
            .map(|m| (m.number, PartialMonth { days: m.days, month_days: m.month_days }))
            .collect()
    })
}

/// The number of a month name (`m01` is 1).
fn month_number(month: &str) -> Option<u64> {
    month.strip_prefix('m')?.parse().ok()
}

/// One series' panel: a band per scenario.
fn panel(
    scenarios: &[FanInput<'_>],
    series: &'static str,
    cargo: &str,
    months: &[String],
) -> FanPanel {
    let kpi = |m: &str| format!("{series}.{cargo}.{m}");
    let first = kpi(&months[0]);
    let unit = scenarios[0].table.get(&first).map_or(String::new(), |s| s.unit.clone());
    let bands = scenarios
        .iter()
        .map(|sc| {
            let partial = partial_months(sc.window);
            FanBand {
                scenario: sc.name.to_string(),
                points: months
                    .iter()
                    .map(|m| {
                        let k = kpi(m);
                        let (p05, p50, p95) = sc
                            .table
                            .get(&k)
                            .map_or((f64::NAN, f64::NAN, f64::NAN), |s| (s.p05, s.p50, s.p95));
                        let number = month_number(m);
                        let partial =
                            partial.iter().find(|(n, _)| Some(*n) == number).map(|&(_, p)| p);
                        FanPoint { kpi: k, p05, p50, p95, partial }
                    })
                    .collect(),
            }
        })
        .collect();
    FanPanel { series, axis: axis_label(&first, &unit), bands }
}

/// The axis label of a series: the schema's label of its first month's KPI
/// without the month (`oil delivered in month (t)`).
fn axis_label(kpi: &str, unit: &str) -> String {
    let month = kpi.rsplit('.').next().unwrap_or("");
    let label = caspian_montecarlo::schema::label(kpi).unwrap_or_else(|| kpi.to_string());
    let label = label.strip_suffix(month).map_or(label.as_str(), str::trim_end).to_string();
    debug_assert!(family_of(kpi).is_some_and(|f| f.is_series()), "{kpi}");
    if unit.is_empty() { label } else { format!("{label} ({unit})") }
}

impl FanPanel {
    /// Whether this series is measured over the month ([`OVER_THE_MONTH`]),
    /// so that its partial months are drawn apart.
    pub fn over_the_month(&self) -> bool {
        OVER_THE_MONTH.contains(&self.series)
    }
}

impl Fan {
    /// The chart's title.
    pub fn title(&self) -> String {
        format!("Month by month: {}", self.cargo)
    }

    /// The partial months, in month order, each with its share of the
    /// window: the base's, else the first scenario's in which it is partial.
    pub fn partial_months(&self) -> Vec<(&str, PartialMonth)> {
        self.partial_months_at().into_iter().map(|(i, p)| (self.months[i].as_str(), p)).collect()
    }

    /// The partial months by position on the x axis.
    fn partial_months_at(&self) -> Vec<(usize, PartialMonth)> {
        let Some(panel) = self.panels.first() else { return Vec::new() };
        (0..self.months.len())
            .filter_map(|i| {
                panel.bands.iter().find_map(|b| b.points.get(i)?.partial).map(|p| (i, p))
            })
            .collect()
    }

    /// Whether month `i` is partial in some scenario.
    fn is_partial(&self, i: usize) -> bool {
        self.panels.first().is_some_and(|p| {
            p.bands.iter().any(|b| b.points.get(i).is_some_and(|q| q.partial.is_some()))
        })
    }

    /// `m01 (1 of 31 days) and m13 (30 of 31 days)`.
    fn partial_list(&self) -> String {
        let items: Vec<String> = self
            .partial_months()
            .iter()
            .map(|(m, p)| format!("{m} ({} in the window)", p.text()))
            .collect();
        match items.as_slice() {
            [] => String::new(),
            [one] => one.clone(),
            [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
        }
    }

    /// The lines under the title.
    pub fn subtitle(&self) -> Vec<String> {
        let mut out = vec![format!(
            "band: 5th to 95th percentile over {}; line: median.",
            crate::units::replications(self.replications)
        )];
        out.extend(MONTH_SERVICE_LEVEL.iter().map(|l| (*l).to_string()));
        if !self.windows_known {
            out.push(
                "First and last months may be partial (warm-up, horizon); this document does \
                 not record its window."
                    .into(),
            );
        } else if !self.partial_months().is_empty() {
            out.push(format!("* Partial months: {}.", self.partial_list()));
            out.push(
                "Delivered and service level there count those days only: grey column, hollow \
                 marker, dashed line."
                    .into(),
            );
            out.push("Backlog, a level at the month's end, is drawn as in any month.".into());
        }
        out
    }

    /// One sentence for a caption: which months are partial and how they
    /// are drawn, and where the median delivered month is lowest among the
    /// whole months.
    pub fn describe(&self) -> String {
        let Some(bands) = self.panels.first().map(|p| &p.bands).filter(|b| !b.is_empty()) else {
            return String::new();
        };
        // Each scenario's lowest median whole month: a stress test's
        // collapse is the point of comparing it with the base.
        let lowest = |band: &FanBand| {
            band.points
                .iter()
                .zip(&self.months)
                .enumerate()
                .filter(|(i, (p, _))| p.p50.is_finite() && !self.is_partial(*i))
                .map(|(_, (p, m))| (p.p50, m))
                .min_by(|a, b| a.0.total_cmp(&b.0))
        };
        let partial = self.partial_months();
        let mut out = match lowest(&bands[0]) {
            Some((p50, m)) => {
                let others: String = bands[1..]
                    .iter()
                    .filter_map(|b| lowest(b).map(|(v, m)| (b, v, m)))
                    .map(|(b, v, m)| format!("; in {} it is {m} ({})", b.scenario, fmt_num(v)))
                    .collect();
                format!(
                    "Monthly {} delivered, backlog and service level across replications; the \
                     lowest median month delivered in {} is {m} ({}){others}{}.",
                    self.cargo,
                    bands[0].scenario,
                    fmt_num(p50),
                    if partial.is_empty() { "" } else { " (among whole months)" }
                )
            }
            None => format!("Monthly {} series across replications.", self.cargo),
        };
        out.push(' ');
        out.push_str(&MONTH_SERVICE_LEVEL.join(" "));
        if !partial.is_empty() {
            let (verb, them) = if partial.len() == 1 { ("is a", "it") } else { ("are", "them") };
            let months = if partial.len() == 1 { "month" } else { "months" };
            out.push_str(&format!(
                " {} {verb} partial {months} (the window is cut at the end of warm-up and at the \
                 horizon): delivered and service level in {them} count only those days, so they \
                 are drawn apart (grey column, hollow markers, dashed lines, no band) and are not \
                 comparable with whole months; backlog, a level at the month's end, is drawn as \
                 usual.",
                self.partial_list()
            ));
        } else if !self.windows_known {
            out.push_str(
                " The first and last months may be partial (this document does not record its \
                 window).",
            );
        }
        out
    }
}

/// How a month's service level differs from the year's, under every fan
/// chart: read alone, a steady month below 1 looks like a shortfall.
/// Two lines, each short enough for the chart's width.
const MONTH_SERVICE_LEVEL: [&str; 2] = [
    "Service level of a month: delivered in it over the backlog carried in plus its demand;",
    "cargo always waiting in yards counts every month, so it sits below the year's service_level.",
];

/// Height of one panel, pixels.
const PANEL_H: u32 = 300;

/// The fill of a partial month's column.
const PARTIAL_FILL: RGBColor = RGBColor(232, 232, 232);

/// Draws a fan chart as SVG.
///
/// # Errors
/// A drawing error, or a value too large to draw.
pub fn fan_svg(fan: &Fan) -> Result<String, ReportError> {
    let n = fan.panels.len() as u32;
    let head = 44 + 20 * fan.subtitle().len() as u32;
    render((1200, head + 12 + n * PANEL_H), &fan.title(), &fan.subtitle(), |area| {
        let (plot, side) = with_legend(area);
        let panels = plot.split_evenly((fan.panels.len(), 1));
        for (p, a) in fan.panels.iter().zip(&panels) {
            draw_panel(fan, p, a)?;
        }
        let mut entries = Vec::new();
        let bands = fan.panels.first().map_or(0, |p| p.bands.len());
        for (i, b) in fan.panels.first().into_iter().flat_map(|p| &p.bands).enumerate() {
            let who = if bands > 1 { format!(" ({})", b.scenario) } else { String::new() };
            entries.push((format!("P5 to P95{who}"), Mark::Box(color(i), 0.25)));
            entries.push((format!("median{who}"), Mark::Line(color(i))));
        }
        if !fan.partial_months().is_empty() {
            entries.push(("partial month (*): its days".into(), Mark::Box(PARTIAL_FILL, 1.0)));
            entries.push(("median, partial month".into(), Mark::Dot(color(0), false)));
        }
        legend(&side, &entries)
    })
}

/// One panel: every band, then every median line on top. In a series
/// measured over the month, partial months are drawn apart: a grey column,
/// a P5 to P95 whisker instead of the band, a hollow marker and a dashed
/// line to the neighbouring months.
fn draw_panel(fan: &Fan, p: &FanPanel, area: &Area<'_>) -> Result<(), ReportError> {
    let count = fan.months.len();
    let values = p.bands.iter().flat_map(|b| &b.points).flat_map(|q| [q.p05, q.p50, q.p95]);
    let (lo, hi) = extent(values);
    let (y0, y1) = padded(lo, hi)?;
    let x1 = count.saturating_sub(1) as f64;
    let step = count.div_ceil(13).max(1);
    let keys: Vec<f64> = (0..count).step_by(step).map(|i| i as f64).collect();
    let apart = p.over_the_month();
    let any_partial = (0..count).any(|i| fan.is_partial(i));
    let mut ch = draw(
        ChartBuilder::on(area)
            .x_label_area_size(52)
            .y_label_area_size(crate::chart::value_label_area(y0, y1, 110))
            .build_cartesian_2d(Keyed::new(-0.5, x1 + 0.5, keys), y0..y1),
    )?;
    let month = |x: &f64| {
        let i = x.round();
        if i >= 0.0 {
            let i = i as usize;
            let name = fan.months.get(i).cloned().unwrap_or_default();
            if fan.is_partial(i) { format!("{name}*") } else { name }
        } else {
            String::new()
        }
    };
    let x_desc = if any_partial {
        "month of the run (m01 = January of the first year; * partial month)"
    } else {
        "month of the run (m01 = January of the first year)"
    };
    let mut mesh = ch.configure_mesh();
    draw(
        mesh_style(&mut mesh)
            .x_desc(x_desc)
            .y_desc(&p.axis)
            .x_label_formatter(&month)
            .y_label_formatter(&tick)
            .axis_desc_style(label_font())
            .draw(),
    )?;
    if apart {
        // Over the grid lines, under the data.
        let columns = (0..count).filter(|&i| fan.is_partial(i)).map(|i| {
            let x = i as f64;
            Rectangle::new([(x - 0.5, y0), (x + 0.5, y1)], PARTIAL_FILL.filled())
        });
        draw(ch.draw_series(columns))?;
        let note = ("sans-serif", 13).into_font().color(&RGBColor(90, 90, 90));
        let note = note.pos(Pos::new(HPos::Center, VPos::Top));
        let labels = fan.partial_months_at().into_iter().map(|(i, pm)| {
            let text = if count <= 16 {
                format!("{} of {} d", pm.days_text(), pm.month_days)
            } else {
                format!("{} d", pm.days_text())
            };
            Text::new(text, (i as f64, y1), note.clone())
        });
        draw(ch.draw_series(labels))?;
    }
    let whole = |q: &FanPoint| !(apart && q.partial.is_some());
    for (i, b) in p.bands.iter().enumerate() {
        for run in finite_runs(&b.points) {
            for part in split_by(&run, |q| whole(q)) {
                let (x, q) = part[0];
                if !whole(q) {
                    // A partial month: a thin whisker, no band.
                    let bar = vec![(x, q.p05), (x, q.p95)];
                    draw(ch.draw_series(std::iter::once(PathElement::new(
                        bar,
                        color(i).mix(0.5).stroke_width(2),
                    ))))?;
                } else if part.len() == 1 {
                    let bar = vec![(x, q.p05), (x, q.p95)];
                    draw(ch.draw_series(std::iter::once(PathElement::new(
                        bar,
                        color(i).mix(0.4).stroke_width(6),
                    ))))?;
                } else {
                    let mut poly: Vec<(f64, f64)> = part.iter().map(|&(x, q)| (x, q.p95)).collect();
                    poly.extend(part.iter().rev().map(|&(x, q)| (x, q.p05)));
                    draw(ch.draw_series(std::iter::once(Polygon::new(poly, color(i).mix(0.2)))))?;
                }
            }
        }
    }
    for (i, b) in p.bands.iter().enumerate() {
        for run in finite_runs(&b.points) {
            for pair in run.windows(2) {
                let [(xa, a), (xb, b)] = [pair[0], pair[1]];
                let line = vec![(xa, a.p50), (xb, b.p50)];
                if whole(a) && whole(b) {
                    draw(ch.draw_series(std::iter::once(PathElement::new(
                        line,
                        color(i).stroke_width(3),
                    ))))?;
                } else {
                    draw(ch.draw_series(std::iter::once(DashedPathElement::new(
                        line,
                        6,
                        5,
                        color(i).stroke_width(2),
                    ))))?;
                }
            }
            for &(x, q) in &run {
                if whole(q) {
                    draw(ch.draw_series(std::iter::once(Circle::new(
                        (x, q.p50),
                        3,
                        color(i).filled(),
                    ))))?;
                } else {
                    draw(ch.draw_series(std::iter::once(Circle::new(
                        (x, q.p50),
                        5,
                        WHITE.filled(),
                    ))))?;
                    draw(ch.draw_series(std::iter::once(Circle::new(
                        (x, q.p50),
                        5,
                        color(i).stroke_width(2),
                    ))))?;
                }
            }
        }
    }
    Ok(())
}

/// `run` cut into stretches over which `keep` has one value.
fn split_by<'r, 'q>(
    run: &'r [(f64, &'q FanPoint)],
    keep: impl Fn(&FanPoint) -> bool,
) -> Vec<&'r [(f64, &'q FanPoint)]> {
    let mut out = Vec::new();
    let mut start = 0;
    for i in 1..=run.len() {
        if i == run.len() || keep(run[i].1) != keep(run[start].1) {
            out.push(&run[start..i]);
            start = i;
        }
    }
    out
}

/// The stretches of consecutive months whose percentiles are all defined,
/// each as (x, point) pairs: an undefined month breaks the band.
fn finite_runs(points: &[FanPoint]) -> Vec<Vec<(f64, &FanPoint)>> {
    let mut runs: Vec<Vec<(f64, &FanPoint)>> = Vec::new();
    let mut current = Vec::new();
    for (i, q) in points.iter().enumerate() {
        if [q.p05, q.p50, q.p95].iter().all(|v| v.is_finite()) {
            current.push((i as f64, q));
        } else if !current.is_empty() {
            runs.push(std::mem::take(&mut current));
        }
    }
    if !current.is_empty() {
        runs.push(current);
    }
    runs
}

#[cfg(test)]
mod tests;
