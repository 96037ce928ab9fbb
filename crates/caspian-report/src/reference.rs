//! The reference chart of a sweep: for one KPI, each design point's paired
//! difference from the reference point (`caspian sweep --reference`) with
//! its 95% confidence interval, one whisker per point; the reference point
//! is the zero line. The differences are the sweep document's
//! (`points[i].differences`), computed by the runner from the
//! per-replication records under common random numbers.

use caspian_montecarlo::document::SweepDoc;
use plotters::prelude::*;

use crate::chart::{self, Mark, color, legend, mesh_style, padded, render, tick, with_legend};
use crate::error::{ReportError, draw};
use crate::units::{fmt_num, kpi_label};

/// Design points drawn at most (the first ones); the subtitle says how
/// many more the document holds.
pub const MAX_DRAWN: usize = 400;

/// One whisker: a design point's difference from the reference.
#[derive(Debug, Clone, PartialEq)]
pub struct ReferenceRow {
    /// The design point.
    pub point: usize,
    /// Mean paired difference, point minus reference.
    pub diff: f64,
    /// Lower end of its 95% interval.
    pub low: f64,
    /// Upper end.
    pub high: f64,
    /// Whether the interval excludes zero.
    pub significant: bool,
}

/// The data of a reference chart, as drawn.
#[derive(Debug, Clone, PartialEq)]
pub struct ReferenceChart {
    /// The KPI.
    pub kpi: String,
    /// Its unit.
    pub unit: String,
    /// The reference design point.
    pub reference: usize,
    /// The reference point's axis values, `key=value, ...`.
    pub reference_values: String,
    /// Replications per point.
    pub replications: u64,
    /// One whisker per drawn point with a defined difference, in point order.
    pub rows: Vec<ReferenceRow>,
    /// Design points in the sweep.
    pub points: usize,
    /// Design points drawn (the first ones).
    pub drawn: usize,
}

/// Extracts the reference chart of `kpi` from a sweep document.
///
/// # Errors
/// [`ReportError::Request`] when no point has a defined difference on `kpi`.
pub fn reference_series(doc: &SweepDoc, kpi: &str) -> Result<ReferenceChart, ReportError> {
    let drawn = doc.points.len().min(MAX_DRAWN);
    let rows: Vec<ReferenceRow> = doc.points[..drawn]
        .iter()
        .filter_map(|p| {
            let d = p.differences.get(kpi)?;
            (d.n > 1 && d.mean_diff.is_finite()).then(|| ReferenceRow {
                point: p.index,
                diff: d.mean_diff,
                low: if d.ci95_low.is_finite() { d.ci95_low } else { d.mean_diff },
                high: if d.ci95_high.is_finite() { d.ci95_high } else { d.mean_diff },
                significant: d.is_significant(),
            })
        })
        .collect();
    if rows.is_empty() {
        return Err(ReportError::Request(format!(
            "no difference from the reference point to plot for {kpi}: it is undefined, or \
             there are fewer than 2 replications"
        )));
    }
    let unit =
        doc.points.iter().find_map(|p| p.kpis.get(kpi).map(|s| s.unit.clone())).unwrap_or_default();
    let reference_values = doc.points.get(doc.reference).map_or_else(String::new, |p| {
        doc.axes
            .iter()
            .zip(&p.values)
            .map(|(a, v)| format!("{}={}", a.key, fmt_num(*v)))
            .collect::<Vec<_>>()
            .join(", ")
    });
    Ok(ReferenceChart {
        kpi: kpi.to_string(),
        unit,
        reference: doc.reference,
        reference_values,
        replications: doc.replications,
        rows,
        points: doc.points.len(),
        drawn,
    })
}

impl ReferenceChart {
    /// The chart's title.
    pub fn title(&self) -> String {
        format!(
            "{}: difference from design point {}",
            kpi_label(&self.kpi, &self.unit),
            self.reference
        )
    }

    /// The lines under the title.
    pub fn subtitle(&self) -> Vec<String> {
        let mut out = vec![
            format!("Reference: point {} ({}).", self.reference, self.reference_values),
            format!(
                "Point minus reference, paired over the same {} replications (common random numbers).",
                self.replications
            ),
            "Bars: 95% confidence intervals; filled: the interval excludes 0.".to_string(),
        ];
        if self.drawn < self.points {
            out.push(format!(
                "The first {} of {} design points are drawn; the JSON holds them all.",
                self.drawn, self.points
            ));
        }
        out
    }

    /// The y axis description.
    pub fn y_label(&self) -> String {
        if self.unit.is_empty() {
            "difference from the reference".into()
        } else {
            format!("difference from the reference ({})", self.unit)
        }
    }
}

/// Draws the reference chart as SVG.
///
/// # Errors
/// A drawing error, or values too large to draw.
pub fn reference_svg(c: &ReferenceChart) -> Result<String, ReportError> {
    let (lo, hi) = chart::extent(c.rows.iter().flat_map(|r| [r.low, r.diff, r.high]).chain([0.0]));
    let (y0, y1) = padded(lo, hi)?;
    let x1 = c.drawn.max(1) as f64 - 0.5;
    let col = color(0);
    let width = (1000 + 4 * c.drawn as u32).min(1800);
    render((width, 560), &c.title(), &c.subtitle(), |area| {
        let (plot, side) = with_legend(area);
        let mut ch = draw(
            ChartBuilder::on(&plot)
                .x_label_area_size(56)
                .y_label_area_size(110)
                .build_cartesian_2d(-0.5..x1, y0..y1),
        )?;
        draw(
            mesh_style(&mut ch.configure_mesh())
                .x_desc("design point")
                .y_desc(c.y_label())
                .x_label_formatter(&|x: &f64| {
                    if x.fract() == 0.0 { format!("{x:.0}") } else { String::new() }
                })
                .y_label_formatter(&tick)
                .draw(),
        )?;
        draw(ch.draw_series(std::iter::once(PathElement::new(
            vec![(-0.5, 0.0), (x1, 0.0)],
            BLACK.stroke_width(2),
        ))))?;
        let x = |r: &ReferenceRow| r.point as f64;
        draw(ch.draw_series(
            c.rows.iter().map(|r| {
                PathElement::new(vec![(x(r), r.low), (x(r), r.high)], col.stroke_width(3))
            }),
        ))?;
        draw(ch.draw_series(c.rows.iter().map(|r| {
            let style = if r.significant { col.filled() } else { WHITE.filled() };
            Circle::new((x(r), r.diff), 5, style)
        })))?;
        draw(ch.draw_series(
            c.rows.iter().map(|r| Circle::new((x(r), r.diff), 5, col.stroke_width(2))),
        ))?;
        if c.reference < c.drawn {
            let at = (c.reference as f64, 0.0);
            draw(ch.draw_series(std::iter::once(TriangleMarker::new(at, 8, BLACK.filled()))))?;
        }
        let entries = vec![
            ("difference, 95% interval".to_string(), Mark::Line(col)),
            (format!("reference: point {} (zero)", c.reference), Mark::Line(RGBColor(0, 0, 0))),
        ];
        legend(&side, &entries)
    })
}

/// A sentence describing the chart, for the page's caption.
pub fn describe(c: &ReferenceChart) -> String {
    let significant = c.rows.iter().filter(|r| r.significant).count();
    format!(
        "{} of {} points drawn differ from the reference with 95% confidence.",
        significant,
        c.rows.len()
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testdata::sweep;

    #[test]
    fn whiskers_are_the_documents_differences() {
        let doc = sweep(3);
        let kpi = "delivered_total.oil";
        let c = reference_series(&doc, kpi).unwrap();
        assert_eq!(c.reference, doc.reference);
        // Every point but the reference, when the difference is defined.
        assert!(c.rows.iter().all(|r| r.point != doc.reference));
        for r in &c.rows {
            let d = &doc.points[r.point].differences[kpi];
            assert_eq!((r.diff, r.low, r.high), (d.mean_diff, d.ci95_low, d.ci95_high));
            assert!(r.low <= r.diff && r.diff <= r.high);
        }
        let svg = reference_svg(&c).unwrap();
        assert!(svg.starts_with("<svg"), "{}", &svg[..40]);
        assert!(svg.contains("difference from design point 0"));
        assert!(reference_series(&doc, "no_such_kpi").is_err());
    }
}
