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

use plotters::prelude::*;

use caspian_montecarlo::document::KpiTable;
use caspian_montecarlo::schema::family_of;

use crate::chart::{
    Area, Keyed, Mark, color, extent, label_font, legend, mesh_style, padded, render, tick,
    with_legend,
};
use crate::error::{ReportError, draw};
use crate::units::fmt_num;

/// The series of a fan chart, in panel order: the KPI name's first part.
pub const SERIES: [&str; 3] = ["month_delivered", "month_backlog", "month_service_level"];

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
    /// Delivered, backlog and service level.
    pub panels: Vec<FanPanel>,
}

/// The fan charts of a result: one per cargo with a monthly series that is
/// not zero or undefined throughout. `tables` are the scenarios' KPI
/// summaries, the base (or the run) first, with their names.
pub fn fans(tables: &[(&str, &KpiTable)], replications: u64) -> Vec<Fan> {
    let Some((_, first)) = tables.first() else { return Vec::new() };
    let mut out = Vec::new();
    for cargo in caspian_montecarlo::Cargo::ALL.map(caspian_montecarlo::Cargo::as_str) {
        // Month names from the delivered series (names sort in month order).
        let prefix = format!("{}.{cargo}.", SERIES[0]);
        let months: Vec<String> =
            first.keys().filter_map(|k| k.strip_prefix(&prefix)).map(str::to_string).collect();
        if months.is_empty() {
            continue;
        }
        let panels: Vec<FanPanel> =
            SERIES.iter().map(|&series| panel(tables, series, cargo, &months)).collect();
        let quiet = panels
            .iter()
            .flat_map(|p| &p.bands)
            .flat_map(|b| &b.points)
            .all(|p| [p.p05, p.p50, p.p95].iter().all(|v| !v.is_finite() || *v == 0.0));
        if !quiet {
            out.push(Fan { cargo: cargo.to_string(), months, replications, panels });
        }
    }
    out
}

/// One series' panel: a band per scenario.
fn panel(
    tables: &[(&str, &KpiTable)],
    series: &'static str,
    cargo: &str,
    months: &[String],
) -> FanPanel {
    let kpi = |m: &str| format!("{series}.{cargo}.{m}");
    let first = kpi(&months[0]);
    let unit = tables[0].1.get(&first).map_or(String::new(), |s| s.unit.clone());
    let bands = tables
        .iter()
        .map(|(name, table)| FanBand {
            scenario: (*name).to_string(),
            points: months
                .iter()
                .map(|m| {
                    let k = kpi(m);
                    let (p05, p50, p95) = table
                        .get(&k)
                        .map_or((f64::NAN, f64::NAN, f64::NAN), |s| (s.p05, s.p50, s.p95));
                    FanPoint { kpi: k, p05, p50, p95 }
                })
                .collect(),
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

impl Fan {
    /// The chart's title.
    pub fn title(&self) -> String {
        format!("Month by month: {}", self.cargo)
    }

    /// The lines under the title.
    pub fn subtitle(&self) -> Vec<String> {
        vec![format!(
            "band: 5th to 95th percentile over {} replications; line: median. First and last \
             months may be partial (warm-up, horizon).",
            self.replications
        )]
    }

    /// One sentence for a caption: where the median delivered month is lowest.
    pub fn describe(&self) -> String {
        let Some(base) = self.panels.first().and_then(|p| p.bands.first()) else {
            return String::new();
        };
        let low = base
            .points
            .iter()
            .zip(&self.months)
            .filter(|(p, _)| p.p50.is_finite())
            .min_by(|a, b| a.0.p50.total_cmp(&b.0.p50));
        match low {
            Some((p, m)) => format!(
                "Monthly {} delivered, backlog and service level across replications; the \
                 lowest median month delivered in {} is {m} ({}).",
                self.cargo,
                base.scenario,
                fmt_num(p.p50)
            ),
            None => format!("Monthly {} series across replications.", self.cargo),
        }
    }
}

/// Height of one panel, pixels.
const PANEL_H: u32 = 300;

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
        legend(&side, &entries)
    })
}

/// One panel: every band, then every median line on top.
fn draw_panel(fan: &Fan, p: &FanPanel, area: &Area<'_>) -> Result<(), ReportError> {
    let count = fan.months.len();
    let values = p.bands.iter().flat_map(|b| &b.points).flat_map(|q| [q.p05, q.p50, q.p95]);
    let (lo, hi) = extent(values);
    let (y0, y1) = padded(lo, hi)?;
    let x1 = count.saturating_sub(1) as f64;
    let step = count.div_ceil(13).max(1);
    let keys: Vec<f64> = (0..count).step_by(step).map(|i| i as f64).collect();
    let mut ch = draw(
        ChartBuilder::on(area)
            .x_label_area_size(52)
            .y_label_area_size(110)
            .build_cartesian_2d(Keyed::new(-0.5, x1 + 0.5, keys), y0..y1),
    )?;
    let month = |x: &f64| {
        let i = x.round();
        if i >= 0.0 {
            fan.months.get(i as usize).cloned().unwrap_or_default()
        } else {
            String::new()
        }
    };
    let mut mesh = ch.configure_mesh();
    draw(
        mesh_style(&mut mesh)
            .x_desc("month of the run (m01 = January of the first year)")
            .y_desc(&p.axis)
            .x_label_formatter(&month)
            .y_label_formatter(&tick)
            .axis_desc_style(label_font())
            .draw(),
    )?;
    for (i, b) in p.bands.iter().enumerate() {
        for run in finite_runs(&b.points) {
            let mut poly: Vec<(f64, f64)> = run.iter().map(|&(x, q)| (x, q.p95)).collect();
            poly.extend(run.iter().rev().map(|&(x, q)| (x, q.p05)));
            if run.len() == 1 {
                let (x, q) = run[0];
                let bar = vec![(x, q.p05), (x, q.p95)];
                draw(ch.draw_series(std::iter::once(PathElement::new(
                    bar,
                    color(i).mix(0.4).stroke_width(6),
                ))))?;
            } else {
                draw(ch.draw_series(std::iter::once(Polygon::new(poly, color(i).mix(0.2)))))?;
            }
        }
    }
    for (i, b) in p.bands.iter().enumerate() {
        for run in finite_runs(&b.points) {
            let line: Vec<(f64, f64)> = run.iter().map(|&(x, q)| (x, q.p50)).collect();
            draw(ch.draw_series(std::iter::once(PathElement::new(
                line.clone(),
                color(i).stroke_width(3),
            ))))?;
            draw(ch.draw_series(line.into_iter().map(|c| Circle::new(c, 3, color(i).filled()))))?;
        }
    }
    Ok(())
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
mod tests {
    use super::*;
    use caspian_montecarlo::document::WithUnit;
    use caspian_montecarlo::stats::Summary;

    /// A table with the three series of oil over `months`, each month's
    /// values `base + month index` in every replication (and `reps`).
    fn table(months: usize, base: f64) -> KpiTable {
        let mut t = KpiTable::new();
        for m in 0..months {
            for (s, unit) in SERIES.iter().zip(["t", "t", "fraction"]) {
                let v: Vec<f64> = (0..10).map(|r| base + m as f64 + f64::from(r)).collect();
                let k = format!("{s}.oil.m{:02}", m + 1);
                t.insert(k, WithUnit { unit: unit.to_string(), value: Summary::of(&v) });
            }
        }
        t
    }

    #[test]
    fn a_fan_takes_each_months_percentiles_from_the_summaries() {
        let t = table(13, 100.0);
        let fans = fans(&[("base", &t)], 10);
        assert_eq!(fans.len(), 1, "oil only: wagons have no series");
        let f = &fans[0];
        assert_eq!(f.months.len(), 13);
        assert_eq!(f.months[0], "m01");
        assert_eq!(f.panels.iter().map(|p| p.series).collect::<Vec<_>>(), SERIES);
        let q = &f.panels[1].bands[0].points[4];
        let s = &t["month_backlog.oil.m05"];
        assert_eq!((q.p05, q.p50, q.p95), (s.p05, s.p50, s.p95));
        assert_eq!(f.panels[0].axis, "oil delivered in month (t)");
        assert_eq!(f.panels[2].axis, "oil service level in month (fraction)");
        let svg = fan_svg(f).unwrap();
        assert_eq!(svg, fan_svg(f).unwrap(), "deterministic");
        assert!(svg.contains("m13") && svg.contains("oil delivered in month (t)"));
        assert!(f.describe().contains("m01"), "{}", f.describe());
    }

    #[test]
    fn a_comparison_draws_a_band_per_scenario_and_undefined_months_break_it() {
        let (a, mut b) = (table(4, 10.0), table(4, 0.0));
        let nan = Summary::of(&[f64::NAN]);
        b.get_mut("month_service_level.oil.m02").unwrap().value = nan;
        let fans = fans(&[("base", &a), ("stress", &b)], 10);
        let p = &fans[0].panels[2];
        assert_eq!(p.bands.len(), 2);
        assert_eq!(p.bands[1].scenario, "stress");
        assert_eq!(finite_runs(&p.bands[1].points).len(), 2);
        let svg = fan_svg(&fans[0]).unwrap();
        assert!(svg.contains("median (stress)"));
        // Nothing but zeros: no chart.
        let zero = table(0, 0.0);
        assert!(super::fans(&[("z", &zero)], 1).is_empty());
    }
}
