//! The sweep chart: a KPI against one sweep axis with its 95% confidence
//! band, one line per value of a second axis.
//!
//! In a full-factorial sweep every other axis is held at one value (its
//! first, unless chosen), and the subtitle says which: averaging over the
//! other axes would mix design points whose intervals are not independent
//! (common random numbers), so the band would be wrong. In a Latin
//! hypercube the points share no values, so the chart shows every point
//! with its interval, and the subtitle says the other axes vary.

use caspian_montecarlo::design::DesignKind;
use caspian_montecarlo::document::SweepDoc;
use plotters::prelude::*;

use crate::chart::{
    self, Keyed, Mark, SeriesStyle, color, draw_mesh, legend_titled, marker, padded, render, tick,
    with_legend,
};
use crate::error::{ReportError, draw};
use crate::input::unknown_kpi;
use crate::units::{axis_label, fmt_num, kpi_label, kpi_title};

/// What to chart from a sweep.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SweepRequest {
    /// The KPI (exact name).
    pub kpi: String,
    /// The x axis [default: the sweep's first axis].
    pub axis: Option<String>,
    /// One line per value of this axis [default: the first other axis;
    /// `none` for a single line].
    pub by: Option<String>,
    /// Values at which to hold other axes [default: each axis' first value].
    pub at: Vec<(String, f64)>,
}

/// One design point on the chart.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BandPoint {
    /// The point's index in the sweep.
    pub point: usize,
    /// Its value on the x axis.
    pub x: f64,
    /// The KPI's mean.
    pub mean: f64,
    /// Lower end of the 95% confidence interval (the mean when undefined).
    pub low: f64,
    /// Upper end.
    pub high: f64,
}

/// One line of the chart.
#[derive(Debug, Clone, PartialEq)]
pub struct SweepSeries {
    /// The value of the `by` axis, if there is one.
    pub by_value: Option<f64>,
    /// Points in increasing x.
    pub points: Vec<BandPoint>,
}

/// The data of a sweep chart, as drawn.
#[derive(Debug, Clone, PartialEq)]
pub struct SweepChart {
    /// Scenario name.
    pub scenario: String,
    /// Replications per point.
    pub replications: u64,
    /// The KPI.
    pub kpi: String,
    /// The KPI's unit (from the result document).
    pub unit: String,
    /// The x axis key.
    pub axis: String,
    /// The axis giving one line per value.
    pub by: Option<String>,
    /// Axes held at one value.
    pub fixed: Vec<(String, f64)>,
    /// Whether the design is a Latin hypercube (points, no lines).
    pub latin: bool,
    /// The lines.
    pub series: Vec<SweepSeries>,
}

fn axis_index(doc: &SweepDoc, key: &str) -> Result<usize, ReportError> {
    doc.axes.iter().position(|a| a.key.to_string() == key).ok_or_else(|| ReportError::UnknownAxis {
        axis: key.to_string(),
        axes: doc.axes.iter().map(|a| a.key.to_string()).collect::<Vec<_>>().join(", "),
    })
}

/// Extracts the chart's data from a sweep.
///
/// # Errors
/// An unknown KPI or axis, `by` equal to `axis`, or a held value that is
/// not one of the axis' values.
pub fn sweep_series(doc: &SweepDoc, req: &SweepRequest) -> Result<SweepChart, ReportError> {
    if doc.axes.is_empty() {
        return Err(ReportError::Request("the sweep has no axes".into()));
    }
    let names: Vec<String> =
        doc.points.first().map_or_else(Vec::new, |p| p.kpis.keys().cloned().collect());
    if !doc.points.iter().any(|p| p.kpis.contains_key(&req.kpi)) {
        return Err(unknown_kpi(&req.kpi, &names));
    }
    let ax = match &req.axis {
        Some(k) => axis_index(doc, k)?,
        None => 0,
    };
    let latin = matches!(doc.design, DesignKind::LatinHypercube { .. });
    if latin {
        // Every point has a value of its own on every axis: there are no
        // lines to draw and no axis held at one value.
        if let Some(k) = req.by.as_deref().filter(|k| *k != "none") {
            return Err(ReportError::Request(format!(
                "--by {k}: a Latin hypercube sweep has no lines, since each point has its own \
                 value of every key; its chart is the KPI at every point against --axis"
            )));
        }
        if let Some((k, v)) = req.at.first() {
            return Err(ReportError::Request(format!(
                "--at {k}={v}: a Latin hypercube sweep holds no key at one value (each point has \
                 its own); its chart is the KPI at every point against --axis. To hold a key, \
                 run a full-factorial sweep (without --lhs)"
            )));
        }
    }
    let by = match req.by.as_deref() {
        Some("none") => None,
        Some(k) => {
            let b = axis_index(doc, k)?;
            if b == ax {
                return Err(ReportError::Request(format!(
                    "--by {k} is the x axis; choose another axis (or none)"
                )));
            }
            Some(b)
        }
        None => (0..doc.axes.len()).find(|&i| i != ax),
    };
    let by = if latin { None } else { by };
    for (k, _) in &req.at {
        let i = axis_index(doc, k)?;
        // The x axis and the --by axis take all their values: holding one
        // of them would be silently ignored.
        if i == ax || Some(i) == by {
            let role =
                if i == ax { "the x axis (--axis)" } else { "drawn one line per value (--by)" };
            return Err(ReportError::Request(format!(
                "--at {k}: this axis is {role}, so it cannot be held at one value; hold \
                 another axis, or choose --axis/--by so that {k} is neither"
            )));
        }
    }
    let mut fixed = Vec::new();
    if !latin {
        for (i, a) in doc.axes.iter().enumerate() {
            if i == ax || Some(i) == by {
                continue;
            }
            let v = match req.at.iter().find(|(k, _)| *k == a.key.to_string()) {
                Some(&(_, v)) => {
                    if !a.values.contains(&v) {
                        return Err(ReportError::Request(format!(
                            "{} = {v} is not a value of the sweep; its values are {}",
                            a.key,
                            a.values.iter().map(|x| x.to_string()).collect::<Vec<_>>().join(", ")
                        )));
                    }
                    v
                }
                None => a.values[0],
            };
            fixed.push((i, v));
        }
    }
    let by_values: Vec<Option<f64>> =
        by.map_or_else(|| vec![None], |b| doc.axes[b].values.iter().map(|&v| Some(v)).collect());
    let mut series = Vec::new();
    for bv in by_values {
        let mut points: Vec<BandPoint> = doc
            .points
            .iter()
            .filter(|p| fixed.iter().all(|&(i, v)| p.values[i] == v))
            .filter(|p| match (by, bv) {
                (Some(b), Some(v)) => p.values[b] == v,
                _ => true,
            })
            .filter_map(|p| {
                let s = p.kpis.get(&req.kpi)?;
                s.mean.is_finite().then(|| {
                    let ok = s.ci95_low.is_finite() && s.ci95_high.is_finite();
                    BandPoint {
                        point: p.index,
                        x: p.values[ax],
                        mean: s.mean,
                        low: if ok { s.ci95_low } else { s.mean },
                        high: if ok { s.ci95_high } else { s.mean },
                    }
                })
            })
            .collect();
        points.sort_by(|a, b| a.x.total_cmp(&b.x));
        if !points.is_empty() {
            series.push(SweepSeries { by_value: bv, points });
        }
    }
    Ok(SweepChart {
        scenario: doc.scenario.clone(),
        replications: doc.replications,
        kpi: req.kpi.clone(),
        unit: doc
            .points
            .iter()
            .find_map(|p| p.kpis.get(&req.kpi))
            .map_or_else(String::new, |s| s.unit.clone()),
        axis: doc.axes[ax].key.to_string(),
        by: by.map(|b| doc.axes[b].key.to_string()),
        fixed: fixed.iter().map(|&(i, v)| (doc.axes[i].key.to_string(), v)).collect(),
        latin,
        series,
    })
}

impl SweepChart {
    /// The chart's title.
    pub fn title(&self) -> String {
        format!("{}: {} vs {}", self.scenario, self.kpi, self.axis)
    }

    /// The lines under the title: replications, band, held axes.
    pub fn subtitle(&self) -> Vec<String> {
        let band = if self.latin { "" } else { "; shaded: 95% confidence band of the mean" };
        let mut out = vec![
            kpi_title(&self.kpi, &self.unit),
            format!(
                "Sweep of scenario \"{}\", {} per design point{band}.",
                self.scenario,
                crate::units::replications(self.replications)
            ),
        ];
        if self.latin {
            out.push("Latin hypercube: the other axes vary between points; bars are 95% confidence intervals.".into());
        } else if !self.fixed.is_empty() {
            let held: Vec<String> =
                self.fixed.iter().map(|(k, v)| format!("{k} = {}", tick(v))).collect();
            out.push(format!("Other axes held at: {}.", held.join(", ")));
        }
        out
    }

    /// Number of markers (one per design point drawn).
    pub fn marker_count(&self) -> usize {
        self.series.iter().map(|s| s.points.len()).sum()
    }
}

/// Draws the sweep chart as SVG.
///
/// # Errors
/// [`ReportError::Request`] when there is nothing to draw; a drawing error.
pub fn sweep_svg(c: &SweepChart) -> Result<String, ReportError> {
    if c.series.is_empty() {
        return Err(ReportError::Request(format!(
            "{} is undefined at every design point shown; nothing to plot",
            c.kpi
        )));
    }
    let all = c.series.iter().flat_map(|s| &s.points);
    let (x0, x1) = chart::extent(all.clone().map(|p| p.x));
    // Every value drawn is on the axis: a hand-edited mean may lie outside
    // its own interval.
    let (y0, y1) = chart::extent(all.flat_map(|p| [p.low, p.mean, p.high]));
    // Many points (a Latin hypercube) get nine ticks from the smallest
    // value to the largest, never in the padding (a rate is never below 0).
    let (first, last) = (x0, x1);
    let (x0, x1) = padded(x0, x1)?;
    let (y0, y1) = padded(y0, y1)?;
    let xs: Vec<f64> = {
        let mut v: Vec<f64> = c.series.iter().flat_map(|s| s.points.iter().map(|p| p.x)).collect();
        v.sort_by(f64::total_cmp);
        v.dedup();
        if v.len() > 12 {
            (0..=8).map(|i| first + (last - first) * f64::from(i) / 8.0).collect()
        } else {
            v
        }
    };
    render((1200, 640), &c.title(), &c.subtitle(), |area| {
        let (plot, side) = with_legend(area);
        let mut entries = Vec::new();
        let mut ch = draw(
            ChartBuilder::on(&plot)
                .x_label_area_size(56)
                .y_label_area_size(chart::value_label_area(y0, y1, 110))
                .build_cartesian_2d(Keyed::new(x0, x1, xs.clone()), y0..y1),
        )?;
        draw_mesh(ch.configure_mesh(), &axis_label(&c.axis), &kpi_label(&c.kpi, &c.unit))?;
        let n = c.series.len();
        let styles: Vec<SeriesStyle> = (0..n).map(|i| SeriesStyle::of(i, n)).collect();
        // Bands first, all of them, so that no band covers another's line.
        if !c.latin {
            for (s, st) in c.series.iter().zip(&styles) {
                let mut poly: Vec<(f64, f64)> = s.points.iter().map(|p| (p.x, p.high)).collect();
                poly.extend(s.points.iter().rev().map(|p| (p.x, p.low)));
                draw(ch.draw_series(std::iter::once(Polygon::new(poly, st.color.mix(0.1)))))?;
                for edge in [
                    s.points.iter().map(|p| (p.x, p.low)).collect::<Vec<_>>(),
                    s.points.iter().map(|p| (p.x, p.high)).collect(),
                ] {
                    draw(ch.draw_series(std::iter::once(PathElement::new(
                        edge,
                        st.color.mix(0.6).stroke_width(1),
                    ))))?;
                }
            }
        }
        // Then the lines, widest first: a later line of the same values
        // lies inside an earlier one, with its own dashes and markers.
        for (s, st) in c.series.iter().zip(&styles) {
            let name = match (&c.by, s.by_value) {
                (Some(_), Some(v)) => tick(&v),
                _ => "mean".to_string(),
            };
            if c.latin {
                draw(ch.draw_series(s.points.iter().map(|p| {
                    PathElement::new(vec![(p.x, p.low), (p.x, p.high)], st.color.stroke_width(2))
                })))?;
            } else {
                let line: Vec<(f64, f64)> = s.points.iter().map(|p| (p.x, p.mean)).collect();
                match st.dash {
                    None => {
                        draw(ch.draw_series(std::iter::once(PathElement::new(line, st.line()))))?
                    }
                    Some((on, off)) => draw(ch.draw_series(std::iter::once(
                        plotters::element::DashedPathElement::new(line, on, off, st.line()),
                    )))?,
                };
            }
            entries.push((name, Mark::Series(*st)));
            for p in &s.points {
                marker(ch.plotting_area(), (p.x, p.mean), st)?;
            }
        }
        if !c.latin {
            entries.push(("95% confidence band".into(), Mark::Box(color(6), 0.25)));
        } else {
            entries.push(("95% confidence interval".into(), Mark::Line(color(0))));
        }
        let title = c.by.as_deref().map(axis_label);
        legend_titled(&side, title.as_deref(), &entries)
    })
}

/// A one-line description of the chart's data, for the HTML report's
/// caption: the extreme means.
pub fn describe(c: &SweepChart) -> String {
    let pts: Vec<&BandPoint> = c.series.iter().flat_map(|s| &s.points).collect();
    let lo = pts.iter().min_by(|a, b| a.mean.total_cmp(&b.mean));
    let hi = pts.iter().max_by(|a, b| a.mean.total_cmp(&b.mean));
    match (lo, hi) {
        (Some(lo), Some(hi)) => format!(
            "{} ranges from {} (point {}) to {} (point {}) over the points shown.",
            c.kpi,
            fmt_num(lo.mean),
            lo.point,
            fmt_num(hi.mean),
            hi.point
        ),
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testdata::{count, latin, sweep};

    fn req(kpi: &str) -> SweepRequest {
        SweepRequest { kpi: kpi.into(), ..SweepRequest::default() }
    }

    #[test]
    fn a_latin_hypercubes_ticks_stay_within_its_values() {
        // 16 points: nine ticks from the smallest value to the largest,
        // none in the padding below (the baseline's axes are all >= 0).
        let doc = latin(16, 1);
        let mut chart = sweep_series(&doc, &req("delivered_total.oil")).unwrap();
        // Rates from 0 to 1.5: padded, the axis starts below 0.
        for (i, p) in chart.series[0].points.iter_mut().enumerate() {
            p.x = i as f64 * 0.1;
        }
        let svg = sweep_svg(&chart).unwrap();
        let labels: Vec<f64> = svg.lines().filter_map(|l| l.trim().parse().ok()).collect();
        assert!(labels.iter().all(|&x| x >= 0.0), "a negative label: {labels:?}");
        assert!(labels.contains(&0.0) && labels.contains(&1.5), "from 0 to 1.5: {labels:?}");
    }

    #[test]
    fn a_latin_hypercube_refuses_lines_and_held_keys() {
        let doc = latin(4, 1);
        let kpi = "delivered_total.oil";
        let first = doc.axes[0].key.to_string();
        let second = doc.axes[1].key.to_string();
        let chart = sweep_series(&doc, &req(kpi)).unwrap();
        assert!(chart.latin && chart.by.is_none() && chart.series.len() == 1);
        let none = SweepRequest { by: Some("none".into()), ..req(kpi) };
        assert_eq!(sweep_series(&doc, &none).unwrap(), chart);
        let by = SweepRequest { by: Some(second.clone()), ..req(kpi) };
        let e = sweep_series(&doc, &by).unwrap_err().to_string();
        assert!(e.contains(&format!("--by {second}: a Latin hypercube sweep has no lines")), "{e}");
        for key in [&first, &second] {
            let at = SweepRequest { at: vec![(key.clone(), 999.0)], ..req(kpi) };
            let e = sweep_series(&doc, &at).unwrap_err().to_string();
            assert!(e.contains(&format!("--at {key}=999: a Latin hypercube")), "{e}");
        }
    }

    #[test]
    fn series_are_the_sweep_points_with_their_intervals() {
        let doc = sweep(3);
        let kpi = "delivered_total.wagons";
        let c = sweep_series(&doc, &req(kpi)).unwrap();
        // Defaults: x = first axis, one line per value of the second, the
        // third held at its first value.
        assert_eq!(c.axis, "port.alat.berths.rail_ferry");
        assert_eq!(c.by.as_deref(), Some("weather.storm_rate_multiplier"));
        assert_eq!(c.fixed, [("interdiction.incident_probability".to_string(), 0.0)]);
        assert_eq!(c.series.len(), 3);
        for (s, by) in c.series.iter().zip([0.5, 1.0, 2.0]) {
            assert_eq!(s.by_value, Some(by));
            assert_eq!(s.points.iter().map(|p| p.x).collect::<Vec<_>>(), [2.0, 3.0, 4.0]);
            for p in &s.points {
                let point = &doc.points[p.point];
                assert_eq!(point.values, [p.x, by, 0.0]);
                let sum = &point.kpis[kpi];
                assert_eq!((p.mean, p.low, p.high), (sum.mean, sum.ci95_low, sum.ci95_high));
                assert!(p.low <= p.mean && p.mean <= p.high);
            }
        }
        let svg = sweep_svg(&c).unwrap();
        // Markers: circles (with a white ring) on the first line, other
        // shapes on the others; the legend repeats each line's marker.
        let styles: Vec<SeriesStyle> = (0..3).map(|i| SeriesStyle::of(i, 3)).collect();
        assert_eq!(count(&svg, "<circle"), 2 * (c.series[0].points.len() + 1));
        // Bands, then triangles (third line) and its legend entry.
        assert_eq!(count(&svg, "<polygon"), 3 + c.series[2].points.len() + 1);
        assert!(styles.windows(2).all(|w| w[0].width >= w[1].width), "widest first");
        for (i, a) in styles.iter().enumerate() {
            for b in &styles[i + 1..] {
                assert!(a.shape != b.shape && a.dash != b.dash && a.color != b.color);
            }
        }
        assert!(svg.contains("baseline: delivered_total.wagons vs port.alat.berths.rail_ferry"));
        assert!(svg.contains("wagons delivered (wagons)"), "y axis in words with its unit");
        assert!(
            svg.contains("rail_ferry berths at alat (berths)"),
            "x axis in words with its unit"
        );
        // The legend's title (the key with its unit) once, then the values.
        assert_eq!(count(&svg, "storm rate multiplier (x baseline)"), 1, "legend title once");
        assert_eq!(count(&svg, ">\n0.5\n</text>"), 1, "legend entry");
        assert!(
            svg.contains("interdiction.incident_probability = 0."),
            "held axis in the subtitle"
        );
    }

    #[test]
    fn axes_can_be_chosen_held_or_dropped() {
        let doc = sweep(2);
        let r = SweepRequest {
            kpi: "delivered_total.oil".into(),
            axis: Some("interdiction.incident_probability".into()),
            by: Some("none".into()),
            at: vec![("weather.storm_rate_multiplier".into(), 2.0)],
        };
        let c = sweep_series(&doc, &r).unwrap();
        assert_eq!(c.series.len(), 1);
        assert_eq!(c.series[0].points.len(), 3);
        assert_eq!(
            c.fixed,
            [
                ("port.alat.berths.rail_ferry".to_string(), 2.0),
                ("weather.storm_rate_multiplier".to_string(), 2.0)
            ]
        );
        for p in &c.series[0].points {
            assert_eq!(doc.points[p.point].values[1], 2.0);
        }
        let bad = |r: SweepRequest| sweep_series(&doc, &r).unwrap_err().to_string();
        assert!(bad(req("no.such.kpi")).contains("no KPI named"));
        let e =
            bad(SweepRequest { axis: Some("fleet.x.count".into()), ..req("delivered_total.oil") });
        assert!(e.contains("no sweep axis") && e.contains("port.alat.berths.rail_ferry"), "{e}");
        let e = bad(SweepRequest {
            axis: Some("weather.storm_rate_multiplier".into()),
            by: Some("weather.storm_rate_multiplier".into()),
            ..req("delivered_total.oil")
        });
        assert!(e.contains("is the x axis"), "{e}");
        let e = bad(SweepRequest {
            at: vec![("interdiction.incident_probability".into(), 0.3)],
            ..req("delivered_total.oil")
        });
        assert!(e.contains("not a value of the sweep"), "{e}");
        // Holding the --by axis (by default the second) or the x axis.
        for held in ["weather.storm_rate_multiplier", "port.alat.berths.rail_ferry"] {
            let e =
                bad(SweepRequest { at: vec![(held.into(), 2.0)], ..req("delivered_total.oil") });
            assert!(e.contains(&format!("--at {held}: this axis is")), "{e}");
        }
    }
}
