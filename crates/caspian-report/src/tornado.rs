//! The tornado chart of a Latin hypercube sweep: how strongly each swept
//! key drives a KPI, as its partial rank correlation coefficient (PRCC,
//! [`caspian_montecarlo::sensitivity`]) with a 95% interval, one bar per
//! key, the strongest on top.
//!
//! It is computed from the sweep document: one observation per design
//! point, the point's mean of the KPI over its replications (a Latin
//! hypercube with few replications per point gives one such value per
//! point; the replications themselves are not in the document).

use caspian_montecarlo::document::SweepDoc;
use caspian_montecarlo::sensitivity::{Prcc, prcc, strongest_first};
use plotters::prelude::*;

use crate::chart::{Keyed, Mark, color, legend, mesh_style, render, tick, with_legend};
use crate::error::{ReportError, draw};
use crate::input::unknown_kpi;
use crate::units::{axis_label, kpi_title};

/// One swept key's bar.
#[derive(Debug, Clone, PartialEq)]
pub struct TornadoBar {
    /// The swept key.
    pub key: String,
    /// Its PRCC with the KPI and the interval.
    pub prcc: Prcc,
}

/// The data of a tornado chart, as drawn.
#[derive(Debug, Clone, PartialEq)]
pub struct Tornado {
    /// Scenario name.
    pub scenario: String,
    /// The KPI.
    pub kpi: String,
    /// Its unit (from the document).
    pub unit: String,
    /// Design points used (those where the KPI's mean is defined).
    pub points: usize,
    /// Replications per point.
    pub replications: u64,
    /// One bar per swept key, by decreasing |PRCC| (undefined last).
    pub bars: Vec<TornadoBar>,
    /// Whether the KPI's point means differ at all (a PRCC is undefined
    /// either because they do not or because the points are too few).
    pub varies: bool,
}

/// Computes the PRCC of every swept key with the per-point means of `kpi`.
///
/// # Errors
/// An unknown KPI, or a sweep without axes.
pub fn tornado(doc: &SweepDoc, kpi: &str) -> Result<Tornado, ReportError> {
    if doc.axes.is_empty() {
        return Err(ReportError::Request("the sweep has no axes".into()));
    }
    if !doc.points.iter().any(|p| p.kpis.contains_key(kpi)) {
        let names: Vec<String> =
            doc.points.first().map_or_else(Vec::new, |p| p.kpis.keys().cloned().collect());
        return Err(unknown_kpi(kpi, &names));
    }
    let output: Vec<f64> =
        doc.points.iter().map(|p| p.kpis.get(kpi).map_or(f64::NAN, |s| s.mean)).collect();
    let inputs: Vec<Vec<f64>> = (0..doc.axes.len())
        .map(|j| doc.points.iter().map(|p| p.values.get(j).copied().unwrap_or(f64::NAN)).collect())
        .collect();
    let coefficients = prcc(&inputs, &output);
    let bars: Vec<TornadoBar> = strongest_first(&coefficients)
        .into_iter()
        .map(|j| TornadoBar { key: doc.axes[j].key.to_string(), prcc: coefficients[j] })
        .collect();
    Ok(Tornado {
        scenario: doc.scenario.clone(),
        kpi: kpi.to_string(),
        unit: doc
            .points
            .iter()
            .find_map(|p| p.kpis.get(kpi))
            .map_or_else(String::new, |s| s.unit.clone()),
        points: output.iter().filter(|v| v.is_finite()).count(),
        replications: doc.replications,
        bars,
        varies: {
            let mut defined = output.iter().filter(|v| v.is_finite());
            defined.next().is_some_and(|first| defined.any(|v| v != first))
        },
    })
}

impl Tornado {
    /// The chart's title.
    pub fn title(&self) -> String {
        format!("{}: what drives {}", self.scenario, self.kpi)
    }

    /// The lines under the title.
    pub fn subtitle(&self) -> Vec<String> {
        vec![
            kpi_title(&self.kpi, &self.unit),
            format!(
                "Partial rank correlation (PRCC) of each swept key with the point means ({}, {} each); bars: 95% intervals (Fisher z).",
                crate::units::plural(self.points as u64, "design point", "design points"),
                crate::units::replications(self.replications)
            ),
        ]
    }

    /// A one-line description for a caption: the strongest key.
    pub fn describe(&self) -> String {
        match self.bars.first() {
            Some(b) if b.prcc.coefficient.is_finite() && b.prcc.ci95_low.is_finite() => format!(
                "The strongest driver of {} is {} (PRCC {:.2}, 95% interval {:.2} to {:.2}).",
                self.kpi, b.key, b.prcc.coefficient, b.prcc.ci95_low, b.prcc.ci95_high
            ),
            Some(b) if b.prcc.coefficient.is_finite() => format!(
                "The strongest driver of {} is {} (PRCC {:.2}; too few design points for its \
                 interval).",
                self.kpi, b.key, b.prcc.coefficient
            ),
            _ if self.varies => format!(
                "{} varies, but its PRCC is undefined: too few design points ({}) for the keys \
                 that vary.",
                self.kpi, self.points
            ),
            _ => format!("{} does not vary with the swept keys (PRCC undefined).", self.kpi),
        }
    }
}

/// Colour of a bar: positive and negative influence in two colours;
/// lighter when the interval includes zero.
fn bar_colour(p: &Prcc) -> RGBAColor {
    let c = if p.coefficient >= 0.0 { color(0) } else { color(1) };
    c.mix(if p.is_significant() { 0.85 } else { 0.35 })
}

/// Draws the tornado chart as SVG.
///
/// # Errors
/// A drawing error.
pub fn tornado_svg(t: &Tornado) -> Result<String, ReportError> {
    let n = t.bars.len();
    let height = 170 + 20 * t.subtitle().len() as u32 + 46 * n as u32;
    let labels: Vec<String> = t.bars.iter().map(|b| axis_label(&b.key)).collect();
    let longest = labels.iter().map(|l| l.chars().count()).max().unwrap_or(10);
    let label_w = (longest as u32 * 8 + 24).clamp(120, 440);
    // Bar i (from the top) is centred on y = n - 1 - i.
    let centres: Vec<f64> = (0..n).map(|i| i as f64).collect();
    render((1200, height), &t.title(), &t.subtitle(), |area| {
        let (plot, side) = with_legend(area);
        let mut ch = draw(
            ChartBuilder::on(&plot)
                .x_label_area_size(56)
                .y_label_area_size(label_w)
                .build_cartesian_2d(-1.05..1.05, Keyed::new(-0.6, n as f64 - 0.4, centres.clone())),
        )?;
        draw(
            mesh_style(&mut ch.configure_mesh())
                .x_desc(format!("PRCC with {}", t.kpi))
                .x_labels(11)
                .x_label_formatter(&tick)
                .y_label_formatter(&|y: &f64| {
                    let i = n as f64 - 1.0 - y.round();
                    labels.get(i as usize).cloned().unwrap_or_default()
                })
                .draw(),
        )?;
        for (i, b) in t.bars.iter().enumerate() {
            let y = (n - 1 - i) as f64;
            let p = &b.prcc;
            if !p.coefficient.is_finite() {
                continue;
            }
            draw(ch.draw_series(std::iter::once(Rectangle::new(
                [(0.0, y - 0.3), (p.coefficient, y + 0.3)],
                bar_colour(p).filled(),
            ))))?;
            if p.ci95_low.is_finite() && p.ci95_high.is_finite() {
                draw(ch.draw_series(std::iter::once(PathElement::new(
                    vec![(p.ci95_low, y), (p.ci95_high, y)],
                    BLACK.stroke_width(2),
                ))))?;
                for end in [p.ci95_low, p.ci95_high] {
                    draw(ch.draw_series(std::iter::once(PathElement::new(
                        vec![(end, y - 0.12), (end, y + 0.12)],
                        BLACK.stroke_width(2),
                    ))))?;
                }
            }
        }
        draw(ch.draw_series(std::iter::once(PathElement::new(
            vec![(0.0, -0.6), (0.0, n as f64 - 0.4)],
            BLACK.stroke_width(1),
        ))))?;
        let entries = vec![
            ("raises the KPI".to_string(), Mark::Box(color(0), 0.85)),
            ("lowers the KPI".into(), Mark::Box(color(1), 0.85)),
            ("lighter: 95% interval includes 0".into(), Mark::Box(color(6), 0.35)),
            ("95% interval".into(), Mark::Line(BLACK)),
        ];
        legend(&side, &entries)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testdata::{count, latin};

    #[test]
    fn one_bar_per_key_sorted_by_strength_from_the_point_means() {
        let doc = latin(12, 2);
        let kpi = "anchorage_wait_h.alat.rail_ferry";
        let t = tornado(&doc, kpi).unwrap();
        assert_eq!(t.bars.len(), doc.axes.len());
        assert_eq!(t.points, doc.points.len());
        // The bars are the PRCC of the axes' values with the point means.
        let inputs: Vec<Vec<f64>> =
            (0..doc.axes.len()).map(|j| doc.points.iter().map(|p| p.values[j]).collect()).collect();
        let out: Vec<f64> = doc.points.iter().map(|p| p.kpis[kpi].mean).collect();
        let want = prcc(&inputs, &out);
        for (a, w) in doc.axes.iter().zip(&want) {
            let bar = t.bars.iter().find(|b| b.key == a.key.to_string()).unwrap();
            assert_eq!(bar.prcc, *w);
        }
        assert!(t.bars.windows(2).all(|w| {
            w[0].prcc.coefficient.abs() >= w[1].prcc.coefficient.abs()
                || w[1].prcc.coefficient.is_nan()
        }));
        let svg = tornado_svg(&t).unwrap();
        let drawn = t.bars.iter().filter(|b| b.prcc.coefficient.is_finite()).count();
        // One bar per defined key plus four legend boxes... of which three
        // are boxes: rectangles are bars, legend boxes and the backdrop.
        assert!(count(&svg, "<rect") >= drawn + 3);
        for b in &t.bars {
            assert_eq!(count(&svg, &format!(">\n{}\n</text>", axis_label(&b.key))), 1);
        }
        assert!(tornado(&doc, "nope").is_err());
    }

    #[test]
    fn the_caption_says_why_a_prcc_is_missing() {
        let kpi = "anchorage_wait_h.alat.rail_ferry";
        let bar = |c: f64, low: f64| TornadoBar {
            key: "k".into(),
            prcc: Prcc { coefficient: c, ci95_low: low, ci95_high: low },
        };
        let mut t = tornado(&latin(12, 2), kpi).unwrap();
        t.bars = vec![bar(f64::NAN, f64::NAN)];
        assert!(t.varies);
        assert!(t.describe().contains("varies, but its PRCC is undefined: too few design points"));
        t.varies = false;
        assert!(t.describe().ends_with("does not vary with the swept keys (PRCC undefined)."));
        t.bars = vec![bar(1.0, f64::NAN)];
        assert!(t.describe().contains("(PRCC 1.00; too few design points for its interval)"));
        t.points = 1;
        assert!(t.subtitle()[1].contains("(1 design point, "), "{:?}", t.subtitle());
    }
}
