//! The comparison chart (a forest plot): for each KPI, each policy's paired
//! difference from the base with its 95% confidence interval; the base is
//! the zero line.
//!
//! KPIs of different units cannot share an axis, so when the chosen KPIs do
//! not all have one unit the differences are drawn as a percentage of the
//! base's mean (KPIs whose base mean is zero are then left out, and the
//! subtitle says how many). With one unit they are drawn in that unit.

use std::collections::BTreeSet;

use caspian_montecarlo::document::CompareDoc;
use plotters::prelude::*;

use crate::chart::{
    self, Keyed, Mark, color, legend, mesh_style, padded, render, tick, with_legend,
};
use crate::error::{ReportError, draw};
use crate::input::select_kpis;

/// How differences are measured on the chart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scale {
    /// In the KPIs' common unit.
    Absolute(String),
    /// As a percentage of the base's mean.
    Relative,
}

/// One whisker: a policy's difference from the base on one KPI.
#[derive(Debug, Clone, PartialEq)]
pub struct ForestRow {
    /// The KPI.
    pub kpi: String,
    /// Index of the policy in the comparison's scenarios.
    pub scenario: usize,
    /// Mean difference, policy minus base, in the chart's scale.
    pub diff: f64,
    /// Lower end of its 95% interval, in the chart's scale.
    pub low: f64,
    /// Upper end.
    pub high: f64,
    /// Whether the interval excludes zero.
    pub significant: bool,
}

/// The data of a comparison chart, as drawn.
#[derive(Debug, Clone, PartialEq)]
pub struct Forest {
    /// Scenario names, base first.
    pub scenarios: Vec<String>,
    /// Replications per scenario.
    pub replications: u64,
    /// The scale of the x axis.
    pub scale: Scale,
    /// The KPIs, top to bottom.
    pub kpis: Vec<String>,
    /// The whiskers, grouped by KPI in the order of `kpis`.
    pub rows: Vec<ForestRow>,
    /// KPIs left out because their base mean is zero or undefined
    /// (relative scale) or no pair was defined.
    pub left_out: Vec<String>,
}

/// Extracts the chart's data for the KPIs matching `patterns`.
///
/// # Errors
/// A pattern that matches no KPI, or nothing left to draw.
pub fn forest(doc: &CompareDoc, patterns: &[String]) -> Result<Forest, ReportError> {
    let names: Vec<String> =
        doc.summaries.first().map_or_else(Vec::new, |s| s.keys().cloned().collect());
    let kpis = select_kpis(&names, patterns)?;
    // Units from the document (the base's summaries).
    let unit = |k: &str| doc.summaries[0].get(k).map_or("", |s| s.unit.as_str());
    let units: BTreeSet<&str> = kpis.iter().map(|k| unit(k)).collect();
    let scale = match units.iter().next() {
        Some(u) if units.len() == 1 && !u.is_empty() => Scale::Absolute((*u).to_string()),
        _ => Scale::Relative,
    };
    let mut rows = Vec::new();
    let mut shown = Vec::new();
    let mut left_out = Vec::new();
    for k in &kpis {
        let base = doc.summaries[0].get(k).map_or(f64::NAN, |s| s.mean);
        let factor = match scale {
            Scale::Absolute(_) => 1.0,
            Scale::Relative => 100.0 / base.abs(),
        };
        let mine: Vec<ForestRow> = doc
            .differences
            .iter()
            .filter_map(|d| {
                let v = d.kpis.get(k)?;
                (v.n > 1 && v.mean_diff.is_finite() && factor.is_finite()).then(|| ForestRow {
                    kpi: k.clone(),
                    scenario: d.scenario,
                    diff: v.mean_diff * factor,
                    low: if v.ci95_low.is_finite() {
                        v.ci95_low * factor
                    } else {
                        v.mean_diff * factor
                    },
                    high: if v.ci95_high.is_finite() {
                        v.ci95_high * factor
                    } else {
                        v.mean_diff * factor
                    },
                    significant: v.is_significant(),
                })
            })
            .collect();
        if mine.is_empty() {
            left_out.push(k.clone());
        } else {
            shown.push(k.clone());
            rows.extend(mine);
        }
    }
    if rows.is_empty() {
        return Err(ReportError::Request(format!(
            "no difference to plot for {}: the base mean is zero or undefined, or no pair is defined",
            patterns.join(", ")
        )));
    }
    Ok(Forest {
        scenarios: doc.scenarios.iter().map(|s| s.name.clone()).collect(),
        replications: doc.replications,
        scale,
        kpis: shown,
        rows,
        left_out,
    })
}

impl Forest {
    /// The chart's title.
    pub fn title(&self) -> String {
        format!(
            "{}: paired differences from \"{}\"",
            self.scenarios.join(" vs "),
            self.scenarios[0]
        )
    }

    /// The lines under the title.
    pub fn subtitle(&self) -> Vec<String> {
        let mut out = vec![format!(
            "Policy minus base under common random numbers, {} replications each; bars: 95% confidence intervals; filled: the interval excludes 0.",
            self.replications
        )];
        if !self.left_out.is_empty() {
            out.push(format!(
                "Left out (base mean zero or undefined): {}.",
                self.left_out.join(", ")
            ));
        }
        out
    }

    /// The x axis description.
    pub fn x_label(&self) -> String {
        match &self.scale {
            Scale::Absolute(u) => format!("difference from the base ({u})"),
            Scale::Relative => "difference from the base (% of the base mean)".into(),
        }
    }
}

/// Draws the comparison chart as SVG.
///
/// # Errors
/// A drawing error.
pub fn forest_svg(f: &Forest) -> Result<String, ReportError> {
    let n = f.kpis.len();
    let policies: Vec<usize> = (1..f.scenarios.len()).collect();
    let np = policies.len().max(1) as f64;
    // Every value drawn is on the axis: a hand-edited difference may lie
    // outside its own interval.
    let (lo, hi) = chart::extent(f.rows.iter().flat_map(|r| [r.low, r.diff, r.high]).chain([0.0]));
    let (x0, x1) = padded(lo, hi)?;
    let longest = f.kpis.iter().map(String::len).max().unwrap_or(10);
    let label_w = (longest as u32 * 8 + 20).clamp(120, 420);
    let height = 180 + 20 * f.subtitle().len() as u32 + (n as u32) * (14 + 16 * np as u32);
    // Row i (from the top) is centred on y = n - 1 - i.
    let centres: Vec<f64> = (0..n).map(|i| (n - 1 - i) as f64).collect();
    let labels = f.kpis.clone();
    let row_of = |kpi: &str| f.kpis.iter().position(|k| k == kpi).unwrap_or(0);
    let offset = |scenario: usize| {
        if np <= 1.0 { 0.0 } else { 0.25 - 0.5 * (scenario - 1) as f64 / (np - 1.0) }
    };
    render((1300, height), &f.title(), &f.subtitle(), |area| {
        let (plot, side) = with_legend(area);
        let mut entries = Vec::new();
        let mut ch = draw(
            ChartBuilder::on(&plot)
                .x_label_area_size(56)
                .y_label_area_size(label_w)
                .build_cartesian_2d(x0..x1, Keyed::new(-0.6, n as f64 - 0.4, centres.clone())),
        )?;
        draw(
            mesh_style(&mut ch.configure_mesh())
                .x_desc(f.x_label())
                .x_label_formatter(&tick)
                .y_label_formatter(&|y: &f64| {
                    let i = n as f64 - 1.0 - y.round();
                    labels.get(i as usize).cloned().unwrap_or_default()
                })
                .draw(),
        )?;
        draw(ch.draw_series(std::iter::once(PathElement::new(
            vec![(0.0, -0.6), (0.0, n as f64 - 0.4)],
            BLACK.stroke_width(2),
        ))))?;
        for &p in &policies {
            let col = color(p - 1);
            let mine: Vec<&ForestRow> = f.rows.iter().filter(|r| r.scenario == p).collect();
            let y = |r: &ForestRow| (n - 1 - row_of(&r.kpi)) as f64 + offset(p);
            draw(ch.draw_series(mine.iter().map(|r| {
                PathElement::new(vec![(r.low, y(r)), (r.high, y(r))], col.stroke_width(3))
            })))?;
            entries.push((f.scenarios[p].clone(), Mark::Line(col)));
            draw(ch.draw_series(mine.iter().map(|r| {
                let style = if r.significant { col.filled() } else { WHITE.filled() };
                Circle::new((r.diff, y(r)), 5, style)
            })))?;
            draw(ch.draw_series(
                mine.iter().map(|r| Circle::new((r.diff, y(r)), 5, col.stroke_width(2))),
            ))?;
        }
        entries.push(("base (zero difference)".into(), Mark::Line(RGBColor(0, 0, 0))));
        legend(&side, &entries)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testdata::{compare, count};

    #[test]
    fn whiskers_are_the_paired_differences() {
        let doc = compare(12);
        let pats = |p: &[&str]| p.iter().map(|s| (*s).to_string()).collect::<Vec<_>>();
        // One unit: absolute differences.
        let f = forest(&doc, &pats(&["transit_h.*"])).unwrap();
        assert_eq!(f.scale, Scale::Absolute("h".into()));
        assert_eq!(f.kpis.len(), 4);
        for r in &f.rows {
            let d = &doc.differences[0].kpis[&r.kpi];
            assert_eq!((r.diff, r.low, r.high), (d.mean_diff, d.ci95_low, d.ci95_high));
            assert_eq!(r.significant, d.is_significant());
        }
        // Mixed units: percent of the base mean.
        let f = forest(&doc, &pats(&["delivered_total.*", "transit_h.oil.mean"])).unwrap();
        assert_eq!(f.scale, Scale::Relative);
        let r = &f.rows[0];
        assert_eq!(r.kpi, "delivered_total.oil");
        let base = doc.summaries[0]["delivered_total.oil"].mean;
        let d = &doc.differences[0].kpis["delivered_total.oil"];
        assert!((r.diff - 100.0 * d.mean_diff / base).abs() < 1e-9);
        let svg = forest_svg(&f).unwrap();
        assert_eq!(count(&svg, "<circle"), 2 * f.rows.len(), "fill and ring per whisker");
        assert!(svg.contains("% of the base mean"));
        // Every KPI is a y-axis label: a text element of its own (plotters
        // writes the text on a line between the tags).
        for k in &f.kpis {
            assert_eq!(count(&svg, &format!(">\n{k}\n</text>")), 1, "label {k}");
        }
        assert!(forest(&doc, &pats(&["nothing.*"])).is_err());
    }
}
