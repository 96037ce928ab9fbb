//! The Pareto chart of a comparison (`compare --pareto X,Y`): each scenario
//! at its two means with 95% error bars on both axes, the Pareto-optimal
//! ones filled and joined in order of the first measure, the dominated ones
//! open; every point labelled with its scenario's name, labels moved apart
//! where they would overlap each other or a marker, and points that
//! coincide (the same means) labelled once, `a, b`.

use caspian_montecarlo::document::CompareDoc;
use caspian_montecarlo::measure::Measure;
use caspian_montecarlo::pareto::{ParetoAxis, ParetoView};
use plotters::prelude::*;

use crate::chart::{self, Mark, color, draw_mesh, legend, padded, render, with_legend};
use crate::error::{ReportError, draw};

/// One scenario as drawn.
#[derive(Debug, Clone, PartialEq)]
pub struct ParetoDot {
    /// Its name.
    pub name: String,
    /// Index of the scenario (for its colour).
    pub scenario: usize,
    /// Mean and 95% interval of the first measure: (low, mean, high).
    pub x: (f64, f64, f64),
    /// The same for the second measure.
    pub y: (f64, f64, f64),
    /// Whether it is Pareto-optimal.
    pub on_front: bool,
}

/// The data of a Pareto chart, as drawn.
#[derive(Debug, Clone, PartialEq)]
pub struct ParetoChart {
    /// Axis descriptions: the measure, its unit and which way is better.
    pub x_label: String,
    /// The y axis description.
    pub y_label: String,
    /// The scenarios with data on both measures, in scenario order.
    pub dots: Vec<ParetoDot>,
    /// The front, joined in increasing order of the first measure.
    pub front: Vec<(f64, f64)>,
    /// Axis ranges, holding every interval.
    pub x_range: (f64, f64),
    /// The y range.
    pub y_range: (f64, f64),
    /// Replications per scenario.
    pub replications: u64,
}

/// The axis description of `axis`: measure, unit (from the document) and
/// which way is better.
fn axis_label(doc: &CompareDoc, axis: &ParetoAxis) -> String {
    let unit = match Measure::parse_stored(&axis.measure) {
        Ok(Measure::Kpi(k)) => doc.summaries[0].get(&k).map_or("", |s| s.unit.as_str()),
        Ok(Measure::Probability(_)) => "probability",
        Err(_) => "",
    };
    let better = axis.direction.better_words();
    if unit.is_empty() {
        format!("{} ({better})", axis.measure)
    } else {
        format!("{} ({unit}; {better})", axis.measure)
    }
}

/// Extracts the chart of `view`, the Pareto view of `doc`.
///
/// # Errors
/// A value too large to draw, or no scenario with data on both measures.
pub fn pareto_chart(doc: &CompareDoc, view: &ParetoView) -> Result<ParetoChart, ReportError> {
    let whole = |e: &caspian_montecarlo::economics::Estimate| {
        let or_mean = |v: f64| if v.is_finite() { v } else { e.mean };
        (or_mean(e.ci95_low), e.mean, or_mean(e.ci95_high))
    };
    let dots: Vec<ParetoDot> = view
        .points
        .iter()
        .filter(|p| p.x.mean.is_finite() && p.y.mean.is_finite())
        .map(|p| ParetoDot {
            name: doc.scenarios[p.scenario].name.clone(),
            scenario: p.scenario,
            x: whole(&p.x),
            y: whole(&p.y),
            on_front: p.on_front,
        })
        .collect();
    if dots.is_empty() {
        return Err(ReportError::Request(format!(
            "no scenario has data on both {} and {}: no Pareto chart to draw",
            view.x.measure, view.y.measure
        )));
    }
    let mut front: Vec<(f64, f64)> =
        dots.iter().filter(|d| d.on_front).map(|d| (d.x.1, d.y.1)).collect();
    front.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1)));
    let (x0, x1) = chart::extent(dots.iter().flat_map(|d| [d.x.0, d.x.2]));
    let (y0, y1) = chart::extent(dots.iter().flat_map(|d| [d.y.0, d.y.2]));
    Ok(ParetoChart {
        x_label: axis_label(doc, &view.x),
        y_label: axis_label(doc, &view.y),
        dots,
        front,
        x_range: padded(x0, x1)?,
        y_range: padded(y0, y1)?,
        replications: doc.replications,
    })
}

/// Height of a label, pixels; its width is estimated per character.
const LABEL_H: i32 = 18;
const CHAR_W: i32 = 8;

/// Radius of a point's marker, pixels.
const MARKER_R: i32 = 7;

/// The labels to draw for points at `at` (pixel positions) named `names`:
/// points that coincide (within a marker's radius: two scenarios with the
/// same means, such as a policy that changes nothing the measures see)
/// share one label, `a, b`, at the first of them; the others get none
/// (`None`), so that no label is drawn over another point's marker.
pub(crate) fn grouped_labels(at: &[(i32, i32)], names: &[String]) -> Vec<Option<String>> {
    let mut labels: Vec<Option<String>> = names.iter().cloned().map(Some).collect();
    for i in 0..at.len() {
        let near = |j: usize| {
            (at[i].0 - at[j].0).abs() <= MARKER_R && (at[i].1 - at[j].1).abs() <= MARKER_R
        };
        if let Some(first) = (0..i).find(|&j| labels[j].is_some() && near(j)) {
            let joined = format!("{}, {}", labels[first].take().unwrap_or_default(), names[i]);
            labels[first] = Some(joined);
            labels[i] = None;
        }
    }
    labels
}

/// Vertical offsets (pixels, from the default place up and to the right of
/// each point) that keep the labels at `at` (pixel positions of the points)
/// from overlapping each other and the markers: labels are placed top to
/// bottom, each moved down past any placed label or marker whose box it
/// would overlap. An empty name is a point without a label (see
/// [`grouped_labels`]).
pub(crate) fn label_offsets(at: &[(i32, i32)], names: &[String]) -> Vec<i32> {
    let mut order: Vec<usize> = (0..at.len()).collect();
    order.sort_by_key(|&i| (at[i].1, at[i].0, i));
    // Boxes as left, right, top, height: the markers first.
    let mut placed: Vec<(i32, i32, i32, i32)> =
        at.iter().map(|&(x, y)| (x - MARKER_R, x + MARKER_R, y - MARKER_R, 2 * MARKER_R)).collect();
    let mut offsets = vec![0; at.len()];
    for i in order {
        if names[i].is_empty() {
            continue;
        }
        let left = at[i].0 + 9;
        let right = left + CHAR_W * names[i].chars().count() as i32;
        let mut top = at[i].1 - LABEL_H - 4;
        while let Some(&(_, _, t, h)) = placed
            .iter()
            .find(|&&(l, r, t, h)| left < r && l < right && top < t + h && t < top + LABEL_H)
        {
            top = t + h;
        }
        offsets[i] = top - (at[i].1 - LABEL_H - 4);
        placed.push((left, right, top, LABEL_H));
    }
    offsets
}

/// Draws the Pareto chart as SVG.
///
/// # Errors
/// A drawing error.
pub fn pareto_svg(c: &ParetoChart) -> Result<String, ReportError> {
    let title = "Pareto view: the scenarios no other beats on both measures";
    let subtitle = vec![
        format!(
            "Means over {} each; bars: 95% confidence intervals on both axes.",
            crate::units::replications(c.replications)
        ),
        "Filled and joined: Pareto-optimal (on the means); open: dominated by another scenario."
            .to_string(),
    ];
    render((1300, 760), title, &subtitle, |area| {
        let (plot, side) = with_legend(area);
        let mut ch = draw(
            ChartBuilder::on(&plot)
                .x_label_area_size(56)
                .y_label_area_size(crate::chart::value_label_area(c.y_range.0, c.y_range.1, 96))
                .margin_right(24)
                .build_cartesian_2d(c.x_range.0..c.x_range.1, c.y_range.0..c.y_range.1),
        )?;
        draw_mesh(ch.configure_mesh(), &c.x_label, &c.y_label)?;
        let grey = RGBColor(60, 60, 60);
        if c.front.len() > 1 {
            draw(ch.draw_series(std::iter::once(PathElement::new(
                c.front.clone(),
                grey.stroke_width(2),
            ))))?;
        }
        for d in &c.dots {
            let col = color(d.scenario);
            for seg in [[(d.x.0, d.y.1), (d.x.2, d.y.1)], [(d.x.1, d.y.0), (d.x.1, d.y.2)]] {
                draw(ch.draw_series(std::iter::once(PathElement::new(
                    seg.to_vec(),
                    col.stroke_width(2),
                ))))?;
            }
            let fill = if d.on_front { col.filled() } else { WHITE.filled() };
            draw(ch.draw_series(std::iter::once(Circle::new((d.x.1, d.y.1), 7, fill))))?;
            draw(ch.draw_series(std::iter::once(Circle::new(
                (d.x.1, d.y.1),
                7,
                col.stroke_width(2),
            ))))?;
        }
        let at: Vec<(i32, i32)> =
            c.dots.iter().map(|d| ch.backend_coord(&(d.x.1, d.y.1))).collect();
        let names: Vec<String> = c.dots.iter().map(|d| d.name.clone()).collect();
        let labels: Vec<String> =
            grouped_labels(&at, &names).into_iter().map(Option::unwrap_or_default).collect();
        let offsets = label_offsets(&at, &labels);
        let font = chart::label_font();
        for ((d, label), dy) in c.dots.iter().zip(labels).zip(offsets) {
            if label.is_empty() {
                continue;
            }
            let label = EmptyElement::at((d.x.1, d.y.1))
                + Text::new(label, (9, -LABEL_H - 4 + dy), font.clone());
            draw(ch.plotting_area().draw(&label))?;
        }
        let entries = vec![
            ("Pareto front (means)".to_string(), Mark::Line(grey)),
            ("Pareto-optimal".to_string(), Mark::Dot(grey, true)),
            ("dominated".to_string(), Mark::Dot(grey, false)),
        ];
        legend(&side, &entries)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testdata::{compare_with, count};
    use caspian_montecarlo::compare::{CompareRequest, Direction};

    #[test]
    fn the_chart_holds_every_interval_and_joins_the_front() {
        let x = Measure::parse("cost.total_per_year").unwrap();
        let y = Measure::parse("P(service_level.wagons>=0.95)").unwrap();
        let request = CompareRequest {
            pareto: Some([(x, Direction::Minimize), (y, Direction::Maximize)]),
            ..CompareRequest::default()
        };
        let doc = compare_with(6, request);
        let view = doc.pareto.as_ref().unwrap();
        let c = pareto_chart(&doc, view).unwrap();
        assert_eq!(c.dots.len(), 2);
        for (d, p) in c.dots.iter().zip(&view.points) {
            assert_eq!((d.x.1, d.y.1, d.on_front), (p.x.mean, p.y.mean, p.on_front));
            assert!(c.x_range.0 <= d.x.0 && d.x.2 <= c.x_range.1, "{d:?} {:?}", c.x_range);
            assert!(c.y_range.0 <= d.y.0 && d.y.2 <= c.y_range.1, "{d:?} {:?}", c.y_range);
        }
        let on_front = view.points.iter().filter(|p| p.on_front).count();
        assert!(on_front >= 1);
        assert_eq!(c.front.len(), on_front);
        assert!(c.front.windows(2).all(|w| w[0].0 <= w[1].0), "front in order of x");
        assert!(c.x_label.starts_with("cost.total_per_year (USD/yr; smaller is better)"));
        assert!(c.y_label.contains("probability; larger is better"), "{}", c.y_label);
        let svg = pareto_svg(&c).unwrap();
        assert_eq!(
            count(&svg, "<circle"),
            2 * c.dots.len() + 4,
            "fill and ring per point, 2 legend dots"
        );
        for d in &c.dots {
            assert_eq!(count(&svg, &format!(">\n{}\n</text>", d.name)), 1, "{} labelled", d.name);
        }
    }

    #[test]
    fn labels_that_would_overlap_are_moved_apart() {
        let names: Vec<String> =
            ["base", "berth3", "far away"].iter().map(|s| s.to_string()).collect();
        // Two points 5 px apart get labels at least one label height apart;
        // a distant one keeps its place.
        let off = label_offsets(&[(100, 200), (104, 205), (600, 100)], &names);
        assert_eq!(off[0], 0);
        assert_eq!(off[2], 0);
        let top = |i: usize, y: i32| y - LABEL_H - 4 + off[i];
        assert!((top(1, 205) - top(0, 200)).abs() >= LABEL_H, "{off:?}");
        // No label covers a marker: the moved label clears the lower point's.
        for (i, &(x, y)) in [(100, 200), (104, 205), (600, 100)].iter().enumerate() {
            let (t, left) = (top(i, y), x + 9);
            for &(mx, my) in &[(100, 200), (104, 205), (600, 100)] {
                let clear = left >= mx + MARKER_R
                    || left + CHAR_W * names[i].len() as i32 <= mx - MARKER_R
                    || t >= my + MARKER_R
                    || t + LABEL_H <= my - MARKER_R;
                assert!(clear, "label {i} over the marker at ({mx}, {my}): {off:?}");
            }
        }
    }

    /// Scenarios whose means coincide share one label, so that no label is
    /// drawn over the other's marker.
    #[test]
    fn coinciding_points_share_one_label() {
        let names: Vec<String> =
            ["baseline", "btk_17mt", "berth3"].iter().map(|s| s.to_string()).collect();
        let at = [(300, 400), (302, 399), (700, 200)];
        let labels = grouped_labels(&at, &names);
        assert_eq!(
            labels,
            [Some("baseline, btk_17mt".to_string()), None, Some("berth3".to_string())]
        );
        let texts: Vec<String> = labels.into_iter().map(Option::unwrap_or_default).collect();
        let off = label_offsets(&at, &texts);
        assert_eq!(off[1], 0, "a point without a label is not placed");
    }
}
