//! What every chart shares: the SVG canvas with a title and subtitle, the
//! palette and axis ranges.

use plotters::chart::MeshStyle;
use plotters::coord::Shift;
use plotters::coord::ranged1d::ValueFormatter;
use plotters::prelude::*;

use crate::error::{ReportError, draw};

/// Colours of series, in order (colour-blind safe, after Okabe and Ito).
pub(crate) const PALETTE: [RGBColor; 8] = [
    RGBColor(0, 114, 178),
    RGBColor(213, 94, 0),
    RGBColor(0, 158, 115),
    RGBColor(204, 121, 167),
    RGBColor(230, 159, 0),
    RGBColor(86, 180, 233),
    RGBColor(120, 120, 120),
    RGBColor(240, 228, 66),
];

/// The colour of series `i`.
pub(crate) fn color(i: usize) -> RGBColor {
    PALETTE[i % PALETTE.len()]
}

/// The font of everything in a chart.
pub(crate) const FONT: &str = "sans-serif";

/// The drawing area under the title, on which a chart draws itself.
pub(crate) type Area<'a> = DrawingArea<SVGBackend<'a>, Shift>;

/// Draws a chart of `size` pixels: a title, subtitle lines in grey, then
/// whatever `body` draws below them. Returns the SVG text.
pub(crate) fn render(
    size: (u32, u32),
    title: &str,
    subtitle: &[String],
    body: impl FnOnce(&Area<'_>) -> Result<(), ReportError>,
) -> Result<String, ReportError> {
    let mut buf = String::new();
    {
        let root = SVGBackend::with_string(&mut buf, size).into_drawing_area();
        draw(root.fill(&WHITE))?;
        let head = 44 + 20 * subtitle.len() as u32;
        let (top, rest) = root.split_vertically(head);
        let title_style = (FONT, 24).into_font().style(FontStyle::Bold).color(&BLACK);
        draw(top.draw(&Text::new(title.to_string(), (16, 12), title_style)))?;
        let sub_style = (FONT, 16).into_font().color(&RGBColor(70, 70, 70));
        for (i, line) in subtitle.iter().enumerate() {
            let y = 44 + 20 * i as i32;
            draw(top.draw(&Text::new(line.clone(), (16, y), sub_style.clone())))?;
        }
        body(&rest.margin(4, 12, 8, 20))?;
        draw(root.present())?;
    }
    Ok(buf)
}

/// The largest magnitude an axis may reach. Beyond it the padding, the
/// pixel mapping and the tick arithmetic stop meaning anything (spans
/// overflow to infinity, ticks repeat); no KPI of the model comes near it,
/// so a value beyond it comes from a damaged file or an absurd request.
pub(crate) const AXIS_LIMIT: f64 = 1e100;

/// `[lo, hi]` widened by 5% on both sides (and made non-empty), for an axis
/// that must hold every value drawn on it.
///
/// A span too narrow to tell ticks apart at the values' magnitude (below
/// 1e-9 of it) is widened to that.
///
/// # Errors
/// [`ReportError::Unchartable`] when a bound is beyond [`AXIS_LIMIT`].
pub(crate) fn padded(lo: f64, hi: f64) -> Result<(f64, f64), ReportError> {
    if !(lo.is_finite() && hi.is_finite()) {
        return Ok((0.0, 1.0));
    }
    let magnitude = lo.abs().max(hi.abs());
    if magnitude > AXIS_LIMIT {
        return Err(ReportError::Unchartable(format!(
            "a value of {:e} is too large to draw (charts stop at {AXIS_LIMIT:e})",
            if hi.abs() >= lo.abs() { hi } else { lo }
        )));
    }
    let span = hi - lo;
    if span <= 0.0 {
        let d = if lo == 0.0 { 1.0 } else { lo.abs() * 0.05 };
        return Ok((lo - d, hi + d));
    }
    let floor = magnitude * 1e-9;
    if span < floor {
        let mid = lo + span / 2.0;
        let (lo, hi) = (mid - floor / 2.0, mid + floor / 2.0);
        return Ok((lo - 0.05 * floor, hi + 0.05 * floor));
    }
    Ok((lo - 0.05 * span, hi + 0.05 * span))
}

/// Pixels beside a value axis from `lo` to `hi` for its tick labels and its
/// description: at least `least`, more where the labels are long (a cost of
/// a billion a year is labelled `1,000,000,000`, 13 characters, which would
/// run into the description). About 8 px a character at the label font,
/// as browsers draw it, and 28 px for the description and the gaps.
pub(crate) fn value_label_area(lo: f64, hi: f64, least: u32) -> u32 {
    let chars = [lo, hi].iter().map(|v| tick(v).chars().count()).max().unwrap_or(0);
    least.max(28 + 8 * u32::try_from(chars).unwrap_or(u32::MAX / 16))
}

/// How many ticks to ask of an axis of counts from 0 to `top`: no more than
/// the whole numbers it spans, so that the axis never steps by less than 1
/// (plotters takes the finest step of 1, 2 or 5 times a power of ten that
/// keeps within the number asked: with 10 asked, an axis to 2.2 would step
/// by 0.5 and show half a replication), and at most 10.
pub(crate) fn count_ticks(top: f64) -> usize {
    if top.is_finite() && top >= 1.0 { (top.floor() as usize).saturating_add(1).min(10) } else { 2 }
}

/// The smallest and largest of the finite values (NaN, NaN when none).
pub(crate) fn extent(values: impl IntoIterator<Item = f64>) -> (f64, f64) {
    values.into_iter().filter(|v| v.is_finite()).fold((f64::NAN, f64::NAN), |(lo, hi), v| {
        (if lo.is_nan() { v } else { lo.min(v) }, if hi.is_nan() { v } else { hi.max(v) })
    })
}

/// A tick label: few digits, thousands separated; a small one with two
/// significant digits (-0.00004, 0.000089). A remainder of the axis
/// arithmetic where the grid crosses zero (such as -2.8e-17) is "0".
pub(crate) fn tick(v: &f64) -> String {
    let a = v.abs();
    let s = if a < 1e-12 {
        "0".to_string()
    } else if a < 1e-3 {
        let decimals = (-a.log10()).ceil() as usize + 1;
        let s = format!("{v:.decimals$}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else if a >= 10_000.0 {
        crate::units::fmt_num(*v)
    } else if a >= 100.0 {
        format!("{v:.0}")
    } else if a >= 1.0 {
        let s = format!("{v:.2}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        let s = format!("{v:.4}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    };
    if s == "-0" { "0".to_string() } else { s }
}

/// The style of axis descriptions and tick labels.
pub(crate) fn label_font() -> TextStyle<'static> {
    (FONT, 16).into_font().color(&BLACK)
}

/// The style of legend entries.
pub(crate) fn legend_font() -> TextStyle<'static> {
    (FONT, 15).into_font().color(&BLACK)
}

/// A chart's mesh in the common style: label fonts for axis descriptions
/// and ticks, no light grid lines.
pub(crate) fn mesh_style<'m, 'a, 'b, X, Y, DB>(
    mesh: &'m mut MeshStyle<'a, 'b, X, Y, DB>,
) -> &'m mut MeshStyle<'a, 'b, X, Y, DB>
where
    X: Ranged,
    Y: Ranged,
    DB: DrawingBackend,
{
    mesh.label_style(label_font()).axis_desc_style(label_font()).light_line_style(WHITE)
}

/// Draws the mesh of a chart with numbers on both axes: the common style
/// ([`mesh_style`]), axis descriptions `x` and `y`, ticks labelled by
/// [`tick`].
pub(crate) fn draw_mesh<X, Y, DB>(
    mut mesh: MeshStyle<'_, '_, X, Y, DB>,
    x: &str,
    y: &str,
) -> Result<(), ReportError>
where
    X: Ranged<ValueType = f64> + ValueFormatter<f64>,
    Y: Ranged<ValueType = f64> + ValueFormatter<f64>,
    DB: DrawingBackend,
{
    draw(
        mesh_style(&mut mesh)
            .x_desc(x)
            .y_desc(y)
            .x_label_formatter(&tick)
            .y_label_formatter(&tick)
            .draw(),
    )
}

/// A linear `f64` axis whose ticks are exactly `keys` (design values, row
/// centres), labelled by the chart's formatter.
#[derive(Debug, Clone)]
pub(crate) struct Keyed {
    lo: f64,
    hi: f64,
    keys: Vec<f64>,
}

impl Keyed {
    /// The axis from `lo` to `hi` with ticks at `keys`.
    pub(crate) fn new(lo: f64, hi: f64, keys: Vec<f64>) -> Self {
        Self { lo, hi, keys }
    }
}

impl Ranged for Keyed {
    type ValueType = f64;
    type FormatOption = plotters::coord::ranged1d::DefaultFormatting;

    fn map(&self, v: &f64, limit: (i32, i32)) -> i32 {
        let len = limit.1 - limit.0;
        if self.hi == self.lo || len == 0 {
            return limit.0 + len / 2;
        }
        let f = (v - self.lo) / (self.hi - self.lo);
        // Far outside the range (never for values on the axis) the pixel is
        // clamped rather than overflowing.
        limit.0.saturating_add((f64::from(len) * f).round().clamp(-1e6, 1e6) as i32)
    }

    fn key_points<H: plotters::coord::ranged1d::KeyPointHint>(&self, hint: H) -> Vec<f64> {
        if hint.weight().allow_light_points() { Vec::new() } else { self.keys.clone() }
    }

    fn range(&self) -> std::ops::Range<f64> {
        self.lo..self.hi
    }
}

/// How a legend entry is marked.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Mark {
    /// A line of this colour.
    Line(RGBColor),
    /// A filled box of this colour and opacity.
    Box(RGBColor, f64),
    /// A series' line (dashes and all) with its marker.
    Series(SeriesStyle),
    /// A dot of this colour, filled or open.
    Dot(RGBColor, bool),
}

/// Width of the legend column beside a chart, pixels.
pub(crate) const LEGEND_W: u32 = 330;

/// Draws a legend in `area` (a column beside the chart, so it never hides
/// data): one entry per line, from the top.
pub(crate) fn legend(area: &Area<'_>, entries: &[(String, Mark)]) -> Result<(), ReportError> {
    legend_titled(area, None, entries)
}

/// Draws a legend with a title shown once above its entries (e.g. the
/// swept key, with the entries its values).
pub(crate) fn legend_titled(
    area: &Area<'_>,
    title: Option<&str>,
    entries: &[(String, Mark)],
) -> Result<(), ReportError> {
    let font = legend_font();
    let top = match title {
        Some(t) => {
            let bold = (FONT, 15).into_font().style(FontStyle::Bold).color(&BLACK);
            draw(area.draw(&Text::new(t.to_string(), (8, 2), bold)))?;
            26
        }
        None => 0,
    };
    for (i, (text, mark)) in entries.iter().enumerate() {
        let y = top + 14 + 24 * i as i32;
        match *mark {
            Mark::Line(c) => {
                draw(area.draw(&PathElement::new(vec![(8, y), (34, y)], c.stroke_width(3))))?
            }
            Mark::Box(c, a) => {
                draw(area.draw(&Rectangle::new([(8, y - 7), (34, y + 7)], c.mix(a).filled())))?
            }
            Mark::Series(s) => {
                let line = [(4, y), (38, y)];
                match s.dash {
                    None => draw(area.draw(&PathElement::new(line.to_vec(), s.line())))?,
                    Some((on, off)) => {
                        draw(area.draw(&plotters::element::DashedPathElement::new(
                            line.to_vec(),
                            on,
                            off,
                            s.line(),
                        )))?
                    }
                }
                marker(area, (21, y), &s)?;
            }
            Mark::Dot(c, filled) => {
                let fill = if filled { c.filled() } else { WHITE.filled() };
                draw(area.draw(&Circle::new((21, y), 5, fill)))?;
                draw(area.draw(&Circle::new((21, y), 5, c.stroke_width(2))))?;
            }
        }
        draw(area.draw(&Text::new(text.clone(), (46, y - 8), font.clone())))?;
    }
    Ok(())
}

/// The shape of a series' markers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Shape {
    Circle,
    Square,
    Triangle,
    Diamond,
    Cross,
}

/// How one line of a chart with several is drawn, so that lines on top of
/// each other stay distinguishable: its colour, marker shape, dash pattern
/// and width (earlier lines are wider and drawn first, so a later line of
/// the same values lies inside an earlier one and both show).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct SeriesStyle {
    pub(crate) color: RGBColor,
    pub(crate) shape: Shape,
    /// Dash and gap lengths in pixels; `None` for a solid line.
    pub(crate) dash: Option<(u32, u32)>,
    /// Line width in pixels.
    pub(crate) width: u32,
}

impl SeriesStyle {
    /// The style of line `i` of `n`.
    pub(crate) fn of(i: usize, n: usize) -> Self {
        const SHAPES: [Shape; 5] =
            [Shape::Circle, Shape::Square, Shape::Triangle, Shape::Diamond, Shape::Cross];
        const DASHES: [Option<(u32, u32)>; 3] = [None, Some((14, 7)), Some((4, 5))];
        Self {
            color: color(i),
            shape: SHAPES[i % SHAPES.len()],
            dash: DASHES[i % DASHES.len()],
            width: 3 + 2 * (n.saturating_sub(1 + i)).min(3) as u32,
        }
    }

    /// The line's stroke.
    pub(crate) fn line(&self) -> ShapeStyle {
        self.color.stroke_width(self.width)
    }
}

/// Draws one marker of `style` centred on `at` (in `area`'s coordinates).
pub(crate) fn marker<CT>(
    area: &DrawingArea<SVGBackend<'_>, CT>,
    at: CT::From,
    style: &SeriesStyle,
) -> Result<(), ReportError>
where
    CT: plotters::coord::CoordTranslate,
{
    let fill = style.color.filled();
    let ring = WHITE.stroke_width(1);
    // Markers grow with the line's width, so an earlier (wider) line's
    // marker shows around a later one's at the same place.
    let r = 3 + style.width as i32;
    let h = r - 1;
    let p = EmptyElement::at(at);
    match style.shape {
        Shape::Circle => {
            draw(area.draw(&(p + Circle::new((0, 0), r, fill) + Circle::new((0, 0), r, ring))))
        }
        Shape::Square => draw(area.draw(
            &(p + Rectangle::new([(-h, -h), (h, h)], fill)
                + Rectangle::new([(-h, -h), (h, h)], ring)),
        )),
        Shape::Triangle => {
            draw(area.draw(&(p + Polygon::new(vec![(0, -r - 1), (r, h), (-r, h)], fill))))
        }
        Shape::Diamond => draw(
            area.draw(&(p + Polygon::new(vec![(0, -r - 1), (r, 0), (0, r + 1), (-r, 0)], fill))),
        ),
        Shape::Cross => draw(area.draw(
            &(p + PathElement::new(vec![(-h, -h), (h, h)], style.color.stroke_width(3))
                + PathElement::new(vec![(-h, h), (h, -h)], style.color.stroke_width(3))),
        )),
    }
}

/// Splits a chart's area into the plot and the legend column.
pub(crate) fn with_legend<'a>(area: &Area<'a>) -> (Area<'a>, Area<'a>) {
    let w = area.dim_in_pixel().0;
    let (plot, side) = area.split_horizontally(w.saturating_sub(LEGEND_W));
    (plot, side.margin(6, 0, 10, 0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tick_at_zero_has_no_sign() {
        for v in [-2.7755575615628914e-17, -0.0, 0.0, 1e-15] {
            assert_eq!(tick(&v), "0", "{v}");
        }
        assert_eq!(tick(&-0.2), "-0.2");
        assert_eq!(tick(&-1.5), "-1.5");
        // Small ticks keep their digits: an axis from -9e-5 to 4e-5 in
        // steps of 2e-5 has distinct labels.
        let labels: Vec<String> = (-5..=2).map(|i| tick(&(f64::from(i) * 2e-5))).collect();
        assert_eq!(
            labels,
            ["-0.0001", "-0.00008", "-0.00006", "-0.00004", "-0.00002", "0", "0.00002", "0.00004"]
        );
        assert_eq!(tick(&8.9e-5), "0.000089");
        assert_eq!(tick(&-0.0001), "-0.0001");
    }

    #[test]
    fn long_tick_labels_get_room_beside_the_axis() {
        // Service levels and hours keep the usual width.
        assert_eq!(value_label_area(0.95, 1.0, 110), 110);
        assert_eq!(value_label_area(-40.0, 1200.0, 110), 110);
        // A cost of billions a year is wider than that, and more digits
        // take more room.
        let billion = value_label_area(0.0, 1.2e9, 110);
        assert!(billion > 110, "{billion}");
        assert!(value_label_area(-1.2e12, 0.0, 110) > billion);
    }

    #[test]
    fn an_axis_of_counts_steps_by_whole_numbers() {
        use plotters::coord::types::RangedCoordf64;
        let key_points = |top: f64, n: usize| {
            let axis: RangedCoordf64 = (0.0..top).into();
            axis.key_points(n)
        };
        // The default of 10 ticks would show half a replication.
        assert!(key_points(2.2, 10).iter().any(|v| v.fract() != 0.0));
        for top in (1..=300).map(|k| f64::from(k) * 1.1).chain([1.0, 1e6]) {
            let ticks = key_points(top, count_ticks(top));
            assert!(ticks.len() >= 2, "{top}: {ticks:?}");
            assert!(ticks.iter().all(|v| v.fract() == 0.0), "{top}: {ticks:?}");
        }
    }

    #[test]
    fn padded_axes_hold_their_values_with_a_margin() {
        assert_eq!(padded(0.0, 10.0).unwrap(), (-0.5, 10.5));
        assert_eq!(padded(5.0, 5.0).unwrap(), (4.75, 5.25));
        assert_eq!(padded(0.0, 0.0).unwrap(), (-1.0, 1.0));
        assert_eq!(padded(f64::NAN, 1.0).unwrap(), (0.0, 1.0));
    }

    #[test]
    fn a_span_too_narrow_for_ticks_is_widened() {
        let (lo, hi) = padded(1e12, 1e12 + 1e-3).unwrap();
        assert!(hi - lo >= 1e3 * 0.99, "{lo}..{hi}");
        assert!(lo <= 1e12 && hi >= 1e12 + 1e-3);
    }

    #[test]
    fn bounds_beyond_the_limit_are_refused() {
        for (lo, hi) in [(0.0, 1.7e308), (-1.7e308, 0.0), (0.0, 2e100)] {
            let err = padded(lo, hi).unwrap_err();
            assert!(err.is_input() && err.to_string().contains("too large to draw"), "{err}");
        }
        assert!(padded(-1e100, 1e100).is_ok());
    }
}
