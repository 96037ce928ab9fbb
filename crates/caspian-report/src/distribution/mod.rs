//! The distribution chart: histogram and empirical CDF of one KPI over the
//! replications of a run, with a target line and the estimated probability
//! of meeting it.
//!
//! A target is a condition of `caspian run --target`
//! ([`caspian_montecarlo::targets::Condition`]: `KPI>=X`, `KPI<=X`, `KPI>X`,
//! `KPI<X`), applied exactly as the run applies it, so the chart's count of
//! replications meeting it is the result document's `p_meet` x `n`.
//! [`target_condition`] also reads `KPI=X`: the KPI's good side, at least X
//! where more is better ([`larger_is_better`]), at most X otherwise.
//!
//! Amounts of cargo in whole lots (wagons, tanker loads: [`crate::lots`])
//! get bins whose edges are multiples of the lot. When a target is given,
//! the replications that miss it (the tail) are drawn one by one as a rug
//! of short red marks along the bottom, stacked where they share a value,
//! so a tail of three replications is three marks, not an invisible sliver
//! of a bar.
//!
//! Result documents hold only summaries, so the values come from the
//! per-replication CSV that `caspian run --csv FILE` writes
//! ([`crate::input::Replications`]), checked against the run's summary.

use plotters::prelude::*;

use caspian_montecarlo::intervals::wilson;
use caspian_montecarlo::targets::{Condition, Op, TargetError, parse};

use crate::chart::{
    Mark, color, count_ticks, draw_mesh, label_font, legend, padded, render, tick, with_legend,
};
use crate::error::{ReportError, draw};
use caspian_montecarlo::schema::{Direction, KpiKind, family_of};

use crate::units::{fmt_num, fmt_whole, kpi_label, kpi_title};

/// One histogram bin, `[low, high)` (the last bin includes `high`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bin {
    /// Lower edge.
    pub low: f64,
    /// Upper edge.
    pub high: f64,
    /// Replications in the bin.
    pub count: usize,
}

/// A bar as drawn: a bin, or, where a target cuts a bin, the part of it on
/// one side of the threshold, counting only the replications on that side
/// (a value equal to the threshold is on the side its condition puts it).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bar {
    /// Left end.
    pub low: f64,
    /// Right end.
    pub high: f64,
    /// Replications it counts.
    pub count: usize,
    /// Whether they meet the target (`None` without one).
    pub meets: Option<bool>,
}

/// The estimated probability of meeting a target.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Meet {
    /// Replications that meet it.
    pub count: usize,
    /// Their share of the replications with a defined value.
    pub p: f64,
    /// Lower end of the 95% Wilson score interval.
    pub low: f64,
    /// Upper end.
    pub high: f64,
}

/// The data of a distribution chart, as drawn.
#[derive(Debug, Clone, PartialEq)]
pub struct Distribution {
    /// Scenario name.
    pub scenario: String,
    /// The KPI.
    pub kpi: String,
    /// The KPI's unit (from the result document).
    pub unit: String,
    /// The defined values, sorted.
    pub sorted: Vec<f64>,
    /// Replications where the KPI is undefined (left out).
    pub undefined: usize,
    /// Replications left out because an episode had not recovered by the
    /// horizon (+inf, [`caspian_montecarlo::measure::censored`]): their
    /// recovery is known only to exceed the time left, so they bound a
    /// target's probability rather than count in it.
    pub unrecovered: usize,
    /// Histogram bins of equal width.
    pub bins: Vec<Bin>,
    /// The bars drawn: the bins, those a target cuts split at it
    /// ([`Bar`]), so no bar holds replications from both sides.
    pub bars: Vec<Bar>,
    /// The cargo lot the bin edges are multiples of, for an amount of cargo
    /// in whole lots.
    pub lot: Option<f64>,
    /// The rug of the tail: one mark per replication that misses the
    /// target, `(value, stack level)` (level 0 at the bottom; replications
    /// of the same value stack up).
    pub tail: Vec<(f64, usize)>,
    /// Empirical CDF: `(value, fraction of replications at or below it)`,
    /// one step per replication.
    pub ecdf: Vec<(f64, f64)>,
    /// The target, if one was given.
    pub target: Option<Condition>,
    /// The probability of meeting the target.
    pub meet: Option<Meet>,
}

/// Whether a target `KPI=X` is a floor (`KPI>=X`) rather than a ceiling
/// (`KPI<=X`), from the KPI schema: a floor when more is better (cargo
/// moved), a ceiling when less is better (times, queues, losses, closures).
/// Where neither is better, a stock amount's target is a ceiling (storage
/// levels: room to spare) and any other's a floor (utilisation, calls,
/// voyages).
pub fn larger_is_better(kpi: &str) -> bool {
    match family_of(kpi) {
        None => true,
        Some(f) => match f.direction {
            Direction::HigherIsBetter => true,
            Direction::LowerIsBetter => false,
            _ => f.kind != KpiKind::Amount,
        },
    }
}

/// Reads a target as `caspian report --target` and `caspian plot --target`
/// take it: a condition of `caspian run --target` (`KPI>=X`, `KPI<=X`,
/// `KPI>X`, `KPI<X`), or `KPI=X` for the KPI's good side: `KPI>=X` where
/// [`larger_is_better`], `KPI<=X` otherwise.
///
/// # Errors
/// The [`TargetError`] of the condition (or of the number after `=`).
pub fn target_condition(spec: &str) -> Result<Condition, TargetError> {
    let Some((kpi, number)) = spec.split_once('=').filter(|_| !spec.contains(['<', '>'])) else {
        return parse(spec);
    };
    let kpi = kpi.trim();
    if kpi.is_empty() || number.contains('=') {
        return parse(spec);
    }
    let op = if larger_is_better(kpi) { Op::AtLeast } else { Op::AtMost };
    parse(&format!("{kpi}{}{number}", op.as_str())).map_err(|e| match e {
        TargetError::Number { number, .. } => TargetError::Number { spec: spec.into(), number },
        e => e,
    })
}

/// Computes the chart's data from one KPI's values over replications.
///
/// # Errors
/// [`ReportError::Request`] when no value is defined, or the target is not
/// a finite number.
pub fn distribution(
    scenario: &str,
    kpi: &str,
    unit: &str,
    values: &[f64],
    target: Option<&Condition>,
) -> Result<Distribution, ReportError> {
    let mut sorted: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
    sorted.sort_by(f64::total_cmp);
    let n = sorted.len();
    let unrecovered = values.iter().filter(|&&v| v == f64::INFINITY).count();
    if n == 0 {
        let never = match unrecovered {
            0 => String::new(),
            c => format!(" ({c} not recovered by the horizon)"),
        };
        return Err(ReportError::Request(format!(
            "{kpi} has no finite value in any replication{never}; nothing to plot"
        )));
    }
    if let Some(c) = target
        && !c.threshold.is_finite()
    {
        return Err(ReportError::Request(format!("the target must be a finite number, got {c}")));
    }
    let (lo, hi) = (sorted[0], sorted[n - 1]);
    let k = ((n as f64).sqrt().ceil() as usize).clamp(5, 30);
    let amount = family_of(kpi).is_some_and(|f| f.kind == KpiKind::Amount);
    let lot = if amount { crate::lots::lot(&sorted) } else { None };
    let (lo, width, k) = match lot {
        Some(l) => {
            let w = crate::lots::width(l, lo, hi, k);
            let first = (lo / w).floor();
            (first * w, w, ((hi / w).floor() - first) as usize + 1)
        }
        None if hi > lo => (lo, (hi - lo) / k as f64, k),
        None => (lo - 0.5, 1.0 / k as f64, k),
    };
    let mut bins: Vec<Bin> = (0..k)
        .map(|i| Bin { low: lo + width * i as f64, high: lo + width * (i + 1) as f64, count: 0 })
        .collect();
    // Per bin, the replications left and right of the target.
    let mut sides = vec![(0usize, 0usize); k];
    let left_meets = target.map(|c| matches!(c.op, Op::AtMost | Op::Below));
    for &v in &sorted {
        let i = (((v - lo) / width).floor().max(0.0) as usize).min(k - 1);
        bins[i].count += 1;
        match (target, left_meets) {
            (Some(c), Some(l)) if c.op.holds(v, c.threshold) != l => sides[i].1 += 1,
            _ => sides[i].0 += 1,
        }
    }
    let bars = match (target, left_meets) {
        (Some(c), Some(l)) => split_bars(&bins, &mut sides, c.threshold, l),
        _ => bins
            .iter()
            .map(|b| Bar { low: b.low, high: b.high, count: b.count, meets: None })
            .collect(),
    };
    let ecdf = sorted.iter().enumerate().map(|(i, &v)| (v, (i + 1) as f64 / n as f64)).collect();
    let meet = target.map(|c| {
        let count = sorted.iter().filter(|&&v| c.op.holds(v, c.threshold)).count();
        let (low, high) = wilson(count as u64, n as u64);
        Meet { count, p: count as f64 / n as f64, low, high }
    });
    // `sorted` is in order, so equal values are neighbours: each one's level
    // in its stack is the count of equal values before it.
    let mut tail: Vec<(f64, usize)> = Vec::new();
    if let Some(c) = target {
        for &v in &sorted {
            if !c.op.holds(v, c.threshold) {
                let level = match tail.last() {
                    Some(&(w, l)) if w == v => l + 1,
                    _ => 0,
                };
                tail.push((v, level));
            }
        }
    }
    Ok(Distribution {
        scenario: scenario.to_string(),
        kpi: kpi.to_string(),
        unit: unit.to_string(),
        undefined: values.len() - n - unrecovered,
        unrecovered,
        sorted,
        bins,
        bars,
        lot,
        tail,
        ecdf,
        target: target.cloned(),
        meet,
    })
}

/// The bars of `bins` with a target at `t`: a bin wholly on one side of it
/// is one bar; a bin it cuts, two, each counting the replications on its
/// side (`sides[i]`: left, right of `t`; `left_meets`: whether those left
/// meet it). Replications equal to `t` at a bin's edge on the wrong side
/// of it (`x>t` or `x<=t` with `t` on a lower edge, `x>=t` or `x<t` with
/// `t` the top of the last bin) join the neighbouring bin across `t`, or a
/// bar of a bin's width there.
fn split_bars(bins: &[Bin], sides: &mut [(usize, usize)], t: f64, left_meets: bool) -> Vec<Bar> {
    let width = bins.first().map_or(1.0, |b| b.high - b.low);
    let mut extra = Vec::new();
    for i in 0..bins.len() {
        let b = bins[i];
        if sides[i].0 > 0 && t <= b.low {
            let n = std::mem::take(&mut sides[i].0);
            match i.checked_sub(1) {
                Some(j) => sides[j].0 += n,
                None => {
                    extra.push(Bar { low: t - width, high: t, count: n, meets: Some(left_meets) })
                }
            }
        }
        if sides[i].1 > 0 && t >= b.high {
            let n = std::mem::take(&mut sides[i].1);
            match bins.get(i + 1) {
                Some(_) => sides[i + 1].1 += n,
                None => {
                    extra.push(Bar { low: t, high: t + width, count: n, meets: Some(!left_meets) })
                }
            }
        }
    }
    let mut bars = extra;
    for (b, &(left, right)) in bins.iter().zip(sides.iter()) {
        let (l, r) = (Some(left_meets), Some(!left_meets));
        if b.high <= t {
            bars.push(Bar { low: b.low, high: b.high, count: left, meets: l });
        } else if b.low >= t {
            bars.push(Bar { low: b.low, high: b.high, count: right, meets: r });
        } else {
            bars.push(Bar { low: b.low, high: t, count: left, meets: l });
            bars.push(Bar { low: t, high: b.high, count: right, meets: r });
        }
    }
    bars.sort_by(|a, b| a.low.total_cmp(&b.low));
    bars
}

impl Distribution {
    /// Whether a target cuts a bin, so that its bar is drawn in two parts.
    pub fn split(&self) -> bool {
        self.bars.len() > self.bins.len()
    }

    /// The chart's title.
    pub fn title(&self) -> String {
        format!("{}: distribution of {}", self.scenario, self.kpi)
    }

    /// `P(kpi >= X unit) = p (95% CI low-high; k of n replications meet
    /// the condition, n - k do not)`: the condition exactly as given, which
    /// may be a target or a risk (`delivered_total.oil<1500000`).
    pub fn meet_text(&self) -> Option<String> {
        let (c, m) = (self.target.as_ref()?, self.meet?);
        let n = self.sorted.len();
        let threshold = match self.unit.as_str() {
            "" => fmt_num(c.threshold),
            unit => format!("{} {unit}", fmt_num(c.threshold)),
        };
        let u = self.unrecovered;
        let bounds = caspian_montecarlo::targets::bounds(m.count as u64, n as u64, u as u64)
            .map_or_else(String::new, |(low, high)| {
                format!(
                    "; {u} not recovered by the horizon are unknown: over all {}, between \
                     {low:.3} and {high:.3}",
                    n + u
                )
            });
        Some(format!(
            "P({} {} {threshold}) = {:.3} (95% CI {:.3}-{:.3}; {} of {n} replications meet the condition, {} do not{bounds})",
            self.kpi,
            c.op.as_str(),
            m.p,
            m.low,
            m.high,
            m.count,
            n - m.count
        ))
    }

    /// The lines under the title.
    pub fn subtitle(&self) -> Vec<String> {
        let mut first = format!(
            "Scenario \"{}\", {}: histogram (left axis) and empirical CDF (right axis).",
            self.scenario,
            crate::units::replications(self.sorted.len() as u64)
        );
        if self.unrecovered > 0 {
            first.push_str(&format!(
                " {} more had an episode not recovered by the horizon: left out, their recovery \
                 known only to exceed the time left.",
                self.unrecovered
            ));
        }
        if self.undefined > 0 {
            first.push_str(&format!(" {} undefined left out.", self.undefined));
        }
        let mut out = vec![kpi_title(&self.kpi, &self.unit), first];
        if let (Some(l), Some(b)) = (self.lot, self.bins.first()) {
            out.push(format!(
                "Bin edges on whole lots of {} (the largest amount dividing every replication's value); each bin {}.",
                amount(l, &self.unit),
                amount(b.high - b.low, &self.unit),
            ));
        }
        if let Some(m) = self.meet_text() {
            out.push(format!("Condition (--target): {m}."));
            if self.split() {
                out.push(
                    "The bin the threshold's line cuts is drawn in two bars, each counting only \
                     the replications on its side of the threshold."
                        .to_string(),
                );
            }
            out.push(if self.rug_fits() {
                "Red marks at the bottom: one per replication that does not meet it.".to_string()
            } else {
                "The red shaded side holds the replications that do not meet it (too many share a \
                 value to mark one by one: the bars there count them)."
                    .to_string()
            });
        }
        out
    }

    /// Whether the tail can be drawn as a rug, one mark per replication:
    /// no more than [`RUG_MAX_STACK`] replications share a value.
    pub fn rug_fits(&self) -> bool {
        self.tail.iter().all(|&(_, level)| level < RUG_MAX_STACK)
    }
}

/// The highest stack of rug marks drawn (each 3.5% of the chart's height);
/// a taller tail is shown as a shaded side instead.
pub const RUG_MAX_STACK: usize = 6;

/// A whole amount with its unit, singular for one (`1 wagon`, `8,000 t`).
fn amount(x: f64, unit: &str) -> String {
    let unit = if x == 1.0 { unit.strip_suffix('s').unwrap_or(unit) } else { unit };
    format!("{} {unit}", fmt_whole(x))
}

/// The colour of the tail's rug.
const RUG: RGBColor = RGBColor(170, 0, 60);

/// Draws the distribution chart as SVG.
///
/// # Errors
/// A drawing error.
pub fn distribution_svg(d: &Distribution) -> Result<String, ReportError> {
    let (mut x0, mut x1) =
        (d.bins.first().map_or(0.0, |b| b.low), d.bins.last().map_or(1.0, |b| b.high));
    if let Some(c) = &d.target {
        x0 = x0.min(c.threshold);
        x1 = x1.max(c.threshold);
    }
    if let (Some(a), Some(b)) = (d.bars.first(), d.bars.last()) {
        x0 = x0.min(a.low);
        x1 = x1.max(b.high);
    }
    let (x0, x1) = padded(x0, x1)?;
    let ymax = d.bars.iter().map(|b| b.count).max().unwrap_or(1) as f64 * 1.1;
    let bar = color(0);
    let cdf = color(1);
    render((1200, 640), &d.title(), &d.subtitle(), |area| {
        let (plot, side) = with_legend(area);
        let mut entries = vec![
            ("replications per bin".to_string(), Mark::Box(bar, 0.55)),
            ("empirical CDF".into(), Mark::Line(cdf)),
        ];
        let mut ch = draw(
            ChartBuilder::on(&plot)
                .x_label_area_size(56)
                .y_label_area_size(90)
                .right_y_label_area_size(90)
                .build_cartesian_2d(x0..x1, 0.0..ymax),
        )?
        .set_secondary_coord(x0..x1, 0.0..1.05);
        let mut mesh = ch.configure_mesh();
        mesh.x_labels(8).y_labels(count_ticks(ymax));
        draw_mesh(mesh, &kpi_label(&d.kpi, &d.unit), "replications per bin")?;
        draw(
            ch.configure_secondary_axes()
                .y_desc("cumulative fraction of replications")
                .label_style(label_font())
                .axis_desc_style(label_font())
                .draw(),
        )?;
        draw(ch.draw_series(d.bars.iter().map(|b| {
            Rectangle::new([(b.low, 0.0), (b.high, b.count as f64)], bar.mix(0.55).filled())
        })))?;
        let mut steps = vec![(x0, 0.0)];
        let mut prev = 0.0;
        for &(v, f) in &d.ecdf {
            steps.push((v, prev));
            steps.push((v, f));
            prev = f;
        }
        steps.push((x1, 1.0));
        draw(ch.draw_secondary_series(LineSeries::new(steps, cdf.stroke_width(3))))?;
        if let (Some(c), Some(m)) = (&d.target, d.meet) {
            let t = c.threshold;
            let text = format!("condition {} {}: P(meet) = {:.3}", c.op.as_str(), tick(&t), m.p);
            let red = RGBColor(200, 0, 0);
            draw(ch.draw_secondary_series(std::iter::once(PathElement::new(
                vec![(t, 0.0), (t, 1.05)],
                red.stroke_width(3),
            ))))?;
            entries.push((text, Mark::Line(red)));
            let misses = match d.tail.len() {
                1 => "does not meet it (1 replication)".to_string(),
                k => format!("does not meet it ({k} replications)"),
            };
            if d.rug_fits() {
                // The rug of the tail, stacked where values coincide.
                let h = ymax * 0.035;
                draw(ch.draw_series(d.tail.iter().map(|&(v, level)| {
                    let y = h * level as f64;
                    PathElement::new(vec![(v, y), (v, y + 0.8 * h)], RUG.stroke_width(3))
                })))?;
                entries.push((misses, Mark::Line(RUG)));
            } else {
                // The side of the threshold where replications do not meet it.
                let (from, to) = match c.op {
                    Op::AtLeast | Op::Above => (x0, t),
                    Op::AtMost | Op::Below => (t, x1),
                };
                draw(ch.draw_series(std::iter::once(Rectangle::new(
                    [(from, 0.0), (to, ymax * 1.05)],
                    RUG.mix(0.12).filled(),
                ))))?;
                let n = d.tail.len();
                entries.push((
                    format!("shaded: {n} replications do not meet it"),
                    Mark::Box(RUG, 0.12),
                ));
            }
        }
        legend(&side, &entries)
    })
}

#[cfg(test)]
mod tests;
