//! The reference chart of a sweep: for one KPI, each design point's paired
//! difference from the reference point (`caspian sweep --reference`) with
//! its 95% confidence interval, one whisker per point; the reference point
//! is the zero line. The differences are the sweep document's
//! (`points[i].differences`), computed by the runner from the
//! per-replication records under common random numbers.
//!
//! The design points are labelled by their axis values, not their indices:
//! under the x axis a strip of one row per sweep axis (its key at the
//! right) gives each point's value, consecutive points with the same value
//! sharing one label under a bracket, so a full-factorial sweep reads as
//! nested groups (the first axis varies slowest). A row whose labels do not
//! fit across their columns turns them upright.

use caspian_montecarlo::document::SweepDoc;
use plotters::prelude::*;

use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::chart::{
    self, Area, FONT, Keyed, Mark, color, legend, mesh_style, padded, render, tick, with_legend,
};
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

/// An axis value as a label: whole numbers without decimals, others to
/// four significant digits (a Latin hypercube's drawn values), trailing
/// zeros dropped.
pub fn value_text(v: f64) -> String {
    if !v.is_finite() {
        return "-".into();
    }
    if v.fract() == 0.0 && v.abs() < 1e15 {
        return format!("{v:.0}");
    }
    let magnitude = v.abs().log10().floor() as i64;
    let decimals = (3 - magnitude).clamp(0, 15) as usize;
    let s = format!("{v:.decimals$}");
    if s.contains('.') { s.trim_end_matches('0').trim_end_matches('.').to_string() } else { s }
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
    /// The reference point's axis values, `key=value, ...` (short keys).
    pub reference_values: String,
    /// The sweep's axes (their keys), in the design's order.
    pub axes: Vec<String>,
    /// The name of each axis in labels: the key's last segment where no
    /// other axis ends the same way, else the key.
    pub short: Vec<String>,
    /// The axis values of each drawn design point, in point order.
    pub values: Vec<Vec<f64>>,
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
    let axes: Vec<String> = doc.axes.iter().map(|a| a.key.to_string()).collect();
    let short = short_names(&axes);
    let values: Vec<Vec<f64>> = doc.points[..drawn].iter().map(|p| p.values.clone()).collect();
    let reference_values = point_of_sweep(doc, doc.reference);
    Ok(ReferenceChart {
        kpi: kpi.to_string(),
        unit,
        reference: doc.reference,
        reference_values,
        axes,
        short,
        values,
        replications: doc.replications,
        rows,
        points: doc.points.len(),
        drawn,
    })
}

/// The names of axes in labels: each key's last segment
/// (`storm_rate_multiplier`) where no other axis has the same one, else
/// the whole key.
fn short_names(axes: &[String]) -> Vec<String> {
    let last = |k: &str| k.rsplit('.').next().unwrap_or(k).to_string();
    axes.iter()
        .map(|k| {
            let mine = last(k);
            if axes.iter().filter(|o| last(o) == mine).count() == 1 { mine } else { k.clone() }
        })
        .collect()
}

/// Design point `point` of a sweep by its values, as the chart labels it
/// (`rail_ferry=2, storm_rate_multiplier=1`); empty for a point the
/// document does not hold.
pub fn point_of_sweep(doc: &SweepDoc, point: usize) -> String {
    let axes: Vec<String> = doc.axes.iter().map(|a| a.key.to_string()).collect();
    let found = doc.points.iter().find(|p| p.index == point);
    found.map_or_else(String::new, |p| point_text(&short_names(&axes), &p.values))
}

/// A point's values as `name=value, ...`.
fn point_text(names: &[String], values: &[f64]) -> String {
    names
        .iter()
        .zip(values)
        .map(|(k, v)| format!("{k}={}", value_text(*v)))
        .collect::<Vec<_>>()
        .join(", ")
}

impl ReferenceChart {
    /// The chart's title.
    pub fn title(&self) -> String {
        format!("{}: difference from the reference point", kpi_label(&self.kpi, &self.unit))
    }

    /// Design point `point`'s values, `name=value, ...` (short names).
    pub fn point_text(&self, point: usize) -> String {
        self.values.get(point).map_or_else(String::new, |v| point_text(&self.short, v))
    }

    /// The lines under the title.
    pub fn subtitle(&self) -> Vec<String> {
        let mut out = vec![
            format!("Reference: {} (design point {}).", self.reference_values, self.reference),
            format!(
                "Point minus reference, paired over the same {} (common random numbers).",
                crate::units::replications(self.replications)
            ),
            "Bars: 95% confidence intervals; filled: the interval excludes 0. Under the axis: \
             each point's values."
                .to_string(),
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

/// Font size of the value strip under the x axis, pixels.
const STRIP_FONT: u32 = 14;

/// A text's width in pixels at `size`, estimated (the viewer renders the
/// text; sans-serif digits and lower case average about 0.6 em).
fn text_width(text: &str, size: u32) -> f64 {
    text.chars().count() as f64 * 0.6 * f64::from(size)
}

/// One label of the value strip: a value shared by consecutive points.
#[derive(Debug, Clone, PartialEq)]
struct Span {
    /// The first and last point, in x.
    first: usize,
    last: usize,
    /// The label.
    text: String,
}

/// One row of the value strip: an axis' values along the points.
#[derive(Debug, Clone, PartialEq)]
struct StripRow {
    spans: Vec<Span>,
    /// Whether the labels stand upright (they do not fit across).
    upright: bool,
    /// Height in pixels.
    height: u32,
}

/// The value strip's rows for points `0..values.len()` at `column` pixels
/// apart.
fn strip_rows(values: &[Vec<f64>], axes: usize, column: f64) -> Vec<StripRow> {
    (0..axes)
        .map(|a| {
            let mut spans: Vec<Span> = Vec::new();
            for (i, v) in values.iter().enumerate() {
                let text = value_text(v.get(a).copied().unwrap_or(f64::NAN));
                match spans.last_mut() {
                    Some(s) if s.text == text && s.last + 1 == i => s.last = i,
                    _ => spans.push(Span { first: i, last: i, text }),
                }
            }
            // Across, each label needs its span's width with a gap.
            let fits = spans.iter().all(|s| {
                text_width(&s.text, STRIP_FONT) + 6.0 <= column * (s.last - s.first + 1) as f64
            });
            let widest = spans.iter().map(|s| text_width(&s.text, STRIP_FONT)).fold(0.0, f64::max);
            let height = if fits { STRIP_FONT + 14 } else { widest.ceil() as u32 + 16 };
            StripRow { spans, upright: !fits, height }
        })
        .collect()
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
    let width = (700 + 20 * c.drawn as u32).clamp(1200, 1800);
    // The plot's width: the chart less the legend column, the y labels and
    // the margins.
    let label_w = chart::value_label_area(y0, y1, 110);
    let plot_w = f64::from(width) - f64::from(chart::LEGEND_W) - f64::from(label_w) - 32.0;
    let column = plot_w / c.drawn.max(1) as f64;
    let rows = strip_rows(&c.values, c.axes.len(), column);
    let strip_h: u32 = rows.iter().map(|r| r.height).sum();
    let height = 520 + strip_h;
    render((width, height), &c.title(), &c.subtitle(), |area| {
        let (plot, side) = with_legend(area);
        let mut ch = draw(
            ChartBuilder::on(&plot)
                .x_label_area_size(strip_h + 34)
                .y_label_area_size(label_w)
                .build_cartesian_2d(
                    Keyed::new(-0.5, x1, (0..c.drawn).map(|i| i as f64).collect()),
                    y0..y1,
                ),
        )?;
        draw(
            mesh_style(&mut ch.configure_mesh())
                .x_desc("design points, by their values (a row per axis, its key at the right)")
                .y_desc(c.y_label())
                .x_label_formatter(&|_: &f64| String::new())
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
        // The value strip, under the axis: pixel positions from the chart.
        let base = plot.get_base_pixel();
        let at = |point: f64| {
            let (px, py) = ch.backend_coord(&(point, y0));
            (px - base.0, py - base.1)
        };
        let left = at(-0.5).0;
        let right = at(x1).0;
        let mut top = at(0.0).1 + 8;
        let side_base = side.get_base_pixel();
        for (row, key) in rows.iter().zip(&c.axes) {
            draw_strip_row(&plot, row, top, column, &|p| at(p as f64).0, c.reference)?;
            // The row's key, at the right in the legend column, and a rule
            // under the row across the plot.
            let y = top + base.1 - side_base.1 + (row.height as i32) / 2;
            let name = (FONT, STRIP_FONT).into_font().color(&RGBColor(60, 60, 60));
            let name = name.pos(Pos::new(HPos::Left, VPos::Center));
            draw(side.draw(&Text::new(key.clone(), (8, y), name)))?;
            top += row.height as i32;
            draw(plot.draw(&PathElement::new(
                vec![(left, top - 2), (right, top - 2)],
                RGBColor(225, 225, 225).stroke_width(1),
            )))?;
        }
        let entries = vec![
            ("difference, 95% interval".to_string(), Mark::Line(col)),
            ("reference (zero)".to_string(), Mark::Line(RGBColor(0, 0, 0))),
        ];
        legend(&side, &entries)
    })
}

/// One row of the value strip, from pixel row `top`: each span's label
/// centred under its points, a bracket over a span of several points; the
/// reference point's value in bold.
fn draw_strip_row(
    area: &Area<'_>,
    row: &StripRow,
    top: i32,
    column: f64,
    px: &dyn Fn(usize) -> i32,
    reference: usize,
) -> Result<(), ReportError> {
    let grey = RGBColor(150, 150, 150);
    let half = (column * 0.42) as i32;
    for s in &row.spans {
        let (a, b) = (px(s.first), px(s.last));
        let mid = (a + b) / 2;
        if s.last > s.first {
            let (l, r) = (a - half, b + half);
            draw(area.draw(&PathElement::new(
                vec![(l, top + 6), (l, top + 2), (r, top + 2), (r, top + 6)],
                grey.stroke_width(1),
            )))?;
        }
        let bold = (s.first..=s.last).contains(&reference) && s.first == s.last;
        let mut font = (FONT, STRIP_FONT).into_font();
        if bold {
            font = font.style(FontStyle::Bold);
        }
        let style = if row.upright {
            font.transform(FontTransform::Rotate270)
                .color(&BLACK)
                .pos(Pos::new(HPos::Right, VPos::Center))
        } else {
            font.color(&BLACK).pos(Pos::new(HPos::Center, VPos::Top))
        };
        draw(area.draw(&Text::new(s.text.clone(), (mid, top + 8), style)))?;
    }
    Ok(())
}

/// Sentences describing the chart, for the page's caption: how the points
/// are labelled, how many differ from the reference with 95% confidence,
/// and where the largest increase and decrease are, by the points' values.
pub fn describe(c: &ReferenceChart) -> String {
    let significant: Vec<&ReferenceRow> = c.rows.iter().filter(|r| r.significant).collect();
    let mut out =
        format!("Each design point is labelled with its values of {}.", c.axes.join(", "));
    let with_unit = |v: f64| {
        let n = if v > 0.0 { format!("+{}", fmt_num(v)) } else { fmt_num(v) };
        if c.unit.is_empty() { n } else { format!("{n} {}", c.unit) }
    };
    out.push_str(&format!(
        " {} of {} points drawn differ from the reference ({}) with 95% confidence",
        significant.len(),
        c.rows.len(),
        c.reference_values
    ));
    let up = significant.iter().filter(|r| r.diff > 0.0).max_by(|a, b| a.diff.total_cmp(&b.diff));
    let down = significant.iter().filter(|r| r.diff < 0.0).min_by(|a, b| a.diff.total_cmp(&b.diff));
    let mut parts = Vec::new();
    if let Some(r) = up {
        parts.push(format!(
            "the largest increase at {} ({})",
            c.point_text(r.point),
            with_unit(r.diff)
        ));
    }
    if let Some(r) = down {
        parts.push(format!(
            "the largest decrease at {} ({})",
            c.point_text(r.point),
            with_unit(r.diff)
        ));
    }
    if parts.is_empty() {
        out.push('.');
    } else {
        out.push_str(&format!(": {}.", parts.join("; ")));
    }
    out
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
        assert!(svg.contains("difference from the reference point"));
        assert!(reference_series(&doc, "no_such_kpi").is_err());
    }

    #[test]
    fn values_are_labelled_as_few_digits_as_they_need() {
        assert_eq!(value_text(2.0), "2");
        assert_eq!(value_text(0.5), "0.5");
        assert_eq!(value_text(0.0001), "0.0001");
        assert_eq!(value_text(1.23456789), "1.235");
        assert_eq!(value_text(1234.5678), "1235");
        assert_eq!(value_text(0.000012346), "0.00001235");
        assert_eq!(value_text(-0.25), "-0.25");
    }

    /// The texts of an SVG's `<text>` elements.
    fn texts(svg: &str) -> Vec<String> {
        svg.split("<text")
            .skip(1)
            .map(|t| t.split('>').nth(1).unwrap().split('<').next().unwrap().trim().to_string())
            .collect()
    }

    #[test]
    fn points_are_labelled_by_their_values_not_their_indices() {
        // The baseline's sweep: 27 points over three axes, the first
        // slowest; the reference is the scenario as written.
        let doc = sweep(3);
        let kpi = "delivered_total.wagons";
        let c = reference_series(&doc, kpi).unwrap();
        assert_eq!(c.short, ["rail_ferry", "storm_rate_multiplier", "incident_probability"]);
        assert_eq!(c.values.len(), 27);
        let svg = reference_svg(&c).unwrap();
        let t = texts(&svg);
        // No point index under the axis (the values are 0 to 4 and
        // fractions): the x ticks are unlabelled.
        for i in 5..27 {
            assert!(!t.contains(&i.to_string()), "index {i} drawn: {t:?}");
        }
        // Each axis' key once, at its row; its values under the points:
        // the first axis' values once each (9 points apiece), the last's
        // once per point.
        for a in &c.axes {
            assert_eq!(t.iter().filter(|x| *x == a).count(), 1, "{a}");
        }
        let first = &doc.axes[0].values;
        for v in first {
            assert!(t.contains(&value_text(*v)), "{v}");
        }
        let last = &doc.axes[2];
        let per_value = 27 / last.values.len();
        for v in &last.values {
            let n = t.iter().filter(|x| **x == value_text(*v)).count();
            assert!(n >= per_value, "{v}: {n} labels");
        }
        // The reference's values in the subtitle and the caption; the
        // caption names the points by their values.
        let r = c.point_text(doc.reference);
        assert!(r.starts_with("rail_ferry=") && r.contains(", storm_rate_multiplier="), "{r}");
        assert!(c.subtitle()[0].contains(&r), "{:?}", c.subtitle());
        let d = describe(&c);
        assert!(d.contains(&format!("differ from the reference ({r})")), "{d}");
        assert!(d.contains("values of port.alat.berths.rail_ferry, weather."), "{d}");
        if c.rows.iter().any(|r| r.significant && r.diff > 0.0) {
            assert!(d.contains("the largest increase at rail_ferry="), "{d}");
        }
    }

    #[test]
    fn labels_that_do_not_fit_across_stand_upright() {
        let values: Vec<Vec<f64>> =
            (0..30).map(|i| vec![f64::from(i / 10), 0.0001 * f64::from(i % 10 + 1)]).collect();
        let rows = strip_rows(&values, 2, 24.0);
        // Ten points share each value of the first axis: one label across.
        assert_eq!(rows[0].spans.len(), 3);
        assert!(!rows[0].upright);
        // Every point has its own 0.000N: upright, and taller.
        assert_eq!(rows[1].spans.len(), 30);
        assert!(rows[1].upright && rows[1].height > rows[0].height);
        // Two points with room to spare: across.
        let two = strip_rows(&values[..2], 2, 300.0);
        assert!(two.iter().all(|r| !r.upright));
    }
}
