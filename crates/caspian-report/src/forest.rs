//! The comparison chart (a forest plot, faceted by KPI): for each KPI a
//! panel of its own, with each policy's paired difference from the base and
//! its 95% confidence interval; the base is the zero line.
//!
//! Every panel has its own x axis in the KPI's own unit, spanning its own
//! differences (and zero), so a small effect on one KPI is not flattened by
//! a large one on another (as one shared "% of the base" axis would). Each
//! panel is titled with the KPI, its unit and the schema's description; the
//! legend (policies, and what a filled dot means) is drawn once.

use caspian_montecarlo::document::CompareDoc;
use plotters::prelude::*;

use crate::chart::{
    self, Keyed, Mark, color, legend_titled, mesh_style, padded, render, tick, with_legend,
};
use crate::error::{ReportError, draw};
use crate::input::charted_kpis;
use crate::units::kpi_title;

/// One whisker: a policy's difference from the base on one KPI.
#[derive(Debug, Clone, PartialEq)]
pub struct ForestRow {
    /// The KPI.
    pub kpi: String,
    /// Index of the policy in the comparison's scenarios.
    pub scenario: usize,
    /// Mean difference, policy minus base, in the KPI's unit.
    pub diff: f64,
    /// Lower end of its 95% interval.
    pub low: f64,
    /// Upper end.
    pub high: f64,
    /// Whether the interval excludes zero.
    pub significant: bool,
}

/// One KPI's panel.
#[derive(Debug, Clone, PartialEq)]
pub struct Facet {
    /// The KPI.
    pub kpi: String,
    /// Its unit (from the document).
    pub unit: String,
    /// The panel's title: KPI, unit and description from the schema.
    pub title: String,
    /// One whisker per policy with a defined difference.
    pub rows: Vec<ForestRow>,
    /// The panel's x axis: its own differences and zero, padded.
    pub x_range: (f64, f64),
}

/// The data of a comparison chart, as drawn.
#[derive(Debug, Clone, PartialEq)]
pub struct Forest {
    /// Scenario names, base first.
    pub scenarios: Vec<String>,
    /// Replications per scenario.
    pub replications: u64,
    /// One panel per KPI, top to bottom.
    pub facets: Vec<Facet>,
    /// KPIs left out because no pair was defined.
    pub left_out: Vec<String>,
}

/// Extracts the chart's data for the KPIs matching `patterns`.
///
/// # Errors
/// A pattern that matches no KPI, a value too large to draw, or nothing
/// left to draw: no selected KPI has a defined pair (with one replication
/// none has, since a difference then has no interval).
pub fn forest(doc: &CompareDoc, patterns: &[String]) -> Result<Forest, ReportError> {
    let f = forest_panels(doc, patterns)?;
    if f.facets.is_empty() {
        return Err(ReportError::Request(format!(
            "no difference to plot for {}: {}",
            patterns.join(", "),
            f.why_no_panel()
        )));
    }
    Ok(f)
}

/// [`forest`], but a chart with no panel (no selected KPI has a defined
/// pair) is returned rather than refused, so that a page can say why in
/// its place ([`Forest::why_no_panel`]).
///
/// # Errors
/// A pattern that matches no KPI, or a value too large to draw.
pub fn forest_panels(doc: &CompareDoc, patterns: &[String]) -> Result<Forest, ReportError> {
    let names: Vec<String> =
        doc.summaries.first().map_or_else(Vec::new, |s| s.keys().cloned().collect());
    let kpis = charted_kpis(&names, patterns)?;
    if kpis.is_empty() {
        return Err(ReportError::Request(format!(
            "{} selects only monthly series (month_*), which `caspian report` draws as fan \
             charts, not one chart each; name one exactly to chart it alone",
            patterns.join(", ")
        )));
    }
    let mut facets = Vec::new();
    let mut left_out = Vec::new();
    for k in &kpis {
        let unit = doc.summaries[0].get(k).map_or("", |s| s.unit.as_str());
        let rows: Vec<ForestRow> = doc
            .differences
            .iter()
            .filter(|d| (1..doc.scenarios.len()).contains(&d.scenario))
            .filter_map(|d| {
                let v = d.kpis.get(k)?;
                let or_mean = |x: f64| if x.is_finite() { x } else { v.mean_diff };
                (v.n > 1 && v.mean_diff.is_finite()).then(|| ForestRow {
                    kpi: k.clone(),
                    scenario: d.scenario,
                    diff: v.mean_diff,
                    low: or_mean(v.ci95_low),
                    high: or_mean(v.ci95_high),
                    significant: v.is_significant(),
                })
            })
            .collect();
        if rows.is_empty() {
            left_out.push(k.clone());
            continue;
        }
        // Every value drawn is on the axis: a hand-edited difference may
        // lie outside its own interval.
        let (lo, hi) =
            chart::extent(rows.iter().flat_map(|r| [r.low, r.diff, r.high]).chain([0.0]));
        facets.push(Facet {
            kpi: k.clone(),
            unit: unit.to_string(),
            title: kpi_title(k, unit),
            rows,
            x_range: padded(lo, hi)?,
        });
    }
    Ok(Forest {
        scenarios: doc.scenarios.iter().map(|s| s.name.clone()).collect(),
        replications: doc.replications,
        facets,
        left_out,
    })
}

impl Forest {
    /// Why the chart has no panel: too few replications for an interval,
    /// or no defined difference on any KPI it was asked for.
    pub fn why_no_panel(&self) -> String {
        if self.replications < 2 {
            format!(
                "with {} replication{} a difference has no confidence interval; compare with \
                 -n 2 or more",
                self.replications,
                if self.replications == 1 { "" } else { "s" }
            )
        } else {
            "no policy has a defined difference from the base on any of them".to_string()
        }
    }

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
        let mut out = vec![
            format!(
                "Policy minus base under common random numbers, {} each; bars: 95% confidence intervals.",
                crate::units::replications(self.replications)
            ),
            "One panel per KPI, each on its own scale in the KPI's unit; filled dot: the interval excludes 0.".into(),
        ];
        if !self.left_out.is_empty() {
            out.push(format!("Left out (no pair defined): {}.", self.left_out.join(", ")));
        }
        out
    }

    /// The x axis description of a panel.
    pub fn x_label(facet: &Facet) -> String {
        match facet.unit.as_str() {
            "" => "policy minus base".into(),
            u => format!("policy minus base ({u})"),
        }
    }
}

/// Height of one panel with `policies` rows, pixels.
fn facet_height(policies: usize) -> u32 {
    110 + 34 * policies as u32
}

/// Draws the comparison chart as SVG.
///
/// # Errors
/// A drawing error.
pub fn forest_svg(f: &Forest) -> Result<String, ReportError> {
    let policies: Vec<usize> = (1..f.scenarios.len()).collect();
    let np = policies.len().max(1);
    let longest = policies.iter().map(|&p| f.scenarios[p].chars().count()).max().unwrap_or(10);
    let label_w = (longest as u32 * 9 + 24).clamp(110, 360);
    let fh = facet_height(np);
    let height = 90 + 20 * f.subtitle().len() as u32 + fh * f.facets.len() as u32;
    // Policy i (from 1) is the row centred on y = np - i.
    let centres: Vec<f64> = (0..np).map(|i| i as f64).collect();
    let row_y = |scenario: usize| (np - scenario) as f64;
    render((1300, height), &f.title(), &f.subtitle(), |area| {
        let (plot, side) = with_legend(area);
        let panels = plot.split_evenly((f.facets.len(), 1));
        for (facet, panel) in f.facets.iter().zip(&panels) {
            let head = (chart::FONT, 17).into_font().style(FontStyle::Bold).color(&BLACK);
            draw(panel.draw(&Text::new(facet.title.clone(), (8, 6), head)))?;
            let body = panel.margin(30, 6, 0, 0);
            let (x0, x1) = facet.x_range;
            let mut ch = draw(
                ChartBuilder::on(&body)
                    .x_label_area_size(48)
                    .y_label_area_size(label_w)
                    .build_cartesian_2d(x0..x1, Keyed::new(-0.6, np as f64 - 0.4, centres.clone())),
            )?;
            let names = f.scenarios.clone();
            draw(
                mesh_style(&mut ch.configure_mesh())
                    .x_desc(Forest::x_label(facet))
                    .x_labels(7)
                    .x_label_formatter(&tick)
                    .y_label_formatter(&|y: &f64| {
                        let i = np as f64 - y.round();
                        names.get(i as usize).cloned().unwrap_or_default()
                    })
                    .draw(),
            )?;
            draw(ch.draw_series(std::iter::once(PathElement::new(
                vec![(0.0, -0.6), (0.0, np as f64 - 0.4)],
                BLACK.stroke_width(2),
            ))))?;
            for r in &facet.rows {
                let col = color(r.scenario - 1);
                let y = row_y(r.scenario);
                draw(ch.draw_series(std::iter::once(PathElement::new(
                    vec![(r.low, y), (r.high, y)],
                    col.stroke_width(3),
                ))))?;
                let style = if r.significant { col.filled() } else { WHITE.filled() };
                draw(ch.draw_series(std::iter::once(Circle::new((r.diff, y), 6, style))))?;
                draw(ch.draw_series(std::iter::once(Circle::new(
                    (r.diff, y),
                    6,
                    col.stroke_width(2),
                ))))?;
            }
        }
        let mut entries: Vec<(String, Mark)> =
            policies.iter().map(|&p| (f.scenarios[p].clone(), Mark::Line(color(p - 1)))).collect();
        entries.push(("95% CI excludes 0".into(), Mark::Dot(RGBColor(60, 60, 60), true)));
        entries.push(("95% CI includes 0".into(), Mark::Dot(RGBColor(60, 60, 60), false)));
        entries.push((format!("base \"{}\" (zero)", f.scenarios[0]), Mark::Line(BLACK)));
        legend_titled(&side, Some("policy minus base"), &entries)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testdata::{compare, count};

    fn pats(p: &[&str]) -> Vec<String> {
        p.iter().map(|s| (*s).to_string()).collect()
    }

    #[test]
    fn one_facet_per_kpi_each_on_its_own_scale() {
        let doc = compare(12);
        let f = forest(&doc, &pats(&["delivered_total.*", "transit_h.*", "incidents"])).unwrap();
        let kpis: Vec<&str> = f.facets.iter().map(|x| x.kpi.as_str()).collect();
        let want = crate::input::select_kpis(
            &doc.summaries[0].keys().cloned().collect::<Vec<_>>(),
            &pats(&["delivered_total.*", "transit_h.*", "incidents"]),
        )
        .unwrap();
        assert_eq!(kpis.len() + f.left_out.len(), want.len(), "facet count = KPI count");
        for facet in &f.facets {
            // The whiskers are the document's paired differences, in the
            // KPI's own unit.
            for r in &facet.rows {
                let d = &doc.differences[r.scenario - 1].kpis[&r.kpi];
                assert_eq!((r.diff, r.low, r.high), (d.mean_diff, d.ci95_low, d.ci95_high));
                assert_eq!(r.significant, d.is_significant());
            }
            assert_eq!(facet.unit, doc.summaries[0][&facet.kpi].unit);
            // Its axis spans its own data and zero (padded by 5% each side),
            // and nothing more.
            let (lo, hi) =
                chart::extent(facet.rows.iter().flat_map(|r| [r.low, r.high]).chain([0.0]));
            assert_eq!(facet.x_range, padded(lo, hi).unwrap(), "{}", facet.kpi);
            let (x0, x1) = facet.x_range;
            assert!(x0 <= lo && hi <= x1);
            // Titled from the schema with the unit, not the raw key alone.
            assert!(facet.title.starts_with(&format!("{} ({})", facet.kpi, facet.unit)));
            assert!(facet.title.len() > facet.kpi.len() + facet.unit.len() + 10);
        }
        // Oil (t) and transit (h) do not share an axis.
        let oil = f.facets.iter().find(|x| x.kpi == "delivered_total.oil").unwrap();
        let transit = f.facets.iter().find(|x| x.kpi == "transit_h.oil.mean").unwrap();
        assert_ne!(oil.x_range, transit.x_range);
        let svg = forest_svg(&f).unwrap();
        let rows: usize = f.facets.iter().map(|x| x.rows.len()).sum();
        assert_eq!(
            count(&svg, "<circle"),
            2 * rows + 4,
            "fill and ring per whisker, 2 legend dots"
        );
        for facet in &f.facets {
            assert_eq!(count(&svg, &format!(">\n{}\n</text>", facet.title)), 1, "{}", facet.kpi);
            assert!(count(&svg, &format!(">\n{}\n</text>", Forest::x_label(facet))) > 0);
        }
        assert_eq!(count(&svg, ">\npolicy minus base\n</text>"), 1, "legend title once");
        assert!(!svg.contains("% of the base"));
        assert!(forest(&doc, &pats(&["nothing.*"])).is_err());
    }
}
