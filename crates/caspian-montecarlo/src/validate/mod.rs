//! Reading result documents safely: a damaged or hand-edited file gives a
//! [`DocumentError`] naming the field at fault, never a panic further on.
//!
//! Parsing checks the shape (every field present with the right type);
//! [`check`] then checks what the shape cannot: every index in range, every
//! list as long as the list it runs parallel to, every list that readers
//! take the first element of non-empty, and every KPI summary one that
//! replications could give (`summary_problem`).

use crate::document::{CompareDoc, Document, PartialDoc, RunDoc, SweepDoc};
use crate::rare::KpiRange;

mod design;
mod economics;
mod names;
mod one_off;
mod optimize;
mod read;
mod summary;
mod units;
mod vulnerability;

use crate::warmup::WarmupDoc;
use design::{check_axes, check_design};
use economics::check_economics;
pub(crate) use names::kpi_names_problem;
use names::unknown_kpi;
pub use read::kind_of;
pub(crate) use read::{RESULT_KINDS, cap, read, read_optimize};
use summary::{difference_problem, implausible, interval_problem, short, summary_problem};
use units::{check_unit, check_units};
use vulnerability::check_vulnerability;

/// Why a document cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DocumentError {
    /// The text is not JSON.
    #[error("not JSON: {0}")]
    Syntax(String),
    /// The `kind` is missing or is not a result document's.
    #[error("{0}")]
    Kind(String),
    /// A field is missing or has the wrong type.
    #[error("not a valid {kind} result: {message}")]
    Shape {
        /// The document's kind.
        kind: String,
        /// The parser's message, led by the path of the field (e.g.
        /// `kpis.delivered_total.oil.mean: invalid type: ...`) and followed
        /// by the line and column.
        message: String,
    },
    /// A field's value contradicts the rest of the document.
    #[error("{field}: {message}")]
    Field {
        /// Where, e.g. `differences[2].scenario`.
        field: String,
        /// What is wrong, e.g. `7 is out of range (3 scenarios)`.
        message: String,
    },
}

/// Why `v` cannot be a replication's value of a KPI of `range`
/// ([`implausible`]), as `VALUE PROBLEM; the file is damaged` with the
/// value short whatever its size (`-1e30`, not 31 digits); `None` when it
/// can. For every reader of replications' values: merge parts and
/// checkpoints.
pub(crate) fn value_problem(v: f64, range: KpiRange) -> Option<String> {
    implausible(v, range).map(|problem| format!("{} {problem}; the file is damaged", short(v)))
}

/// A name that stands twice in `names`, if any (a list of KPI names or
/// columns, where each must be one).
pub(crate) fn repeated_name(names: &[String]) -> Option<&String> {
    let mut sorted: Vec<&String> = names.iter().collect();
    sorted.sort_unstable();
    sorted.windows(2).find(|w| w[0] == w[1]).map(|w| w[0])
}

/// Why `p` in `[low, high]` cannot be the share of `n` replications that
/// met a condition, with its interval: over no replications every field is
/// NaN; otherwise all three lie in [0, 1], `p` inside its interval, and `p`
/// times `n` is a whole count. For `--target` probabilities and `P(...)`
/// measures, whose intervals are Wilson's, not Student-t.
fn share_problem(p: f64, low: f64, high: f64, n: u64) -> Option<String> {
    if n == 0 {
        return [p, low, high]
            .iter()
            .any(|v| !v.is_nan())
            .then(|| "a probability over no replications (n is 0)".to_string());
    }
    let unit = |v: f64| (0.0..=1.0).contains(&v);
    let count = p * n as f64;
    let inside = low <= p && p <= high;
    let whole = (count - count.round()).abs() <= 1e-6;
    (!([p, low, high].into_iter().all(unit) && inside && whole)).then(|| {
        format!(
            "{} in [{}, {}] is not a count over n = {n} inside its interval within [0, 1]",
            short(p),
            short(low),
            short(high)
        )
    })
}

fn field(field: impl Into<String>, message: impl Into<String>) -> DocumentError {
    DocumentError::Field { field: field.into(), message: message.into() }
}

/// Checks the indices, lengths and non-empty lists of a document.
///
/// # Errors
/// [`DocumentError::Field`] naming the first field at fault.
pub fn check(doc: &Document) -> Result<(), DocumentError> {
    match doc {
        Document::Run(d) => {
            check_replications("replications", d.replications)?;
            check_window("window", d.window.as_ref())?;
            check_truncated("truncated_replications", d.truncated_replications, d.replications)?;
            check_target(d.target.as_ref())?;
            check_summaries("kpis", &d.kpis, d.replications)?;
            check_targets(d)
        }
        Document::Sweep(d) => check_target(d.target.as_ref()).and_then(|()| check_sweep(d)),
        Document::Compare(d) => check_target(d.target.as_ref()).and_then(|()| check_compare(d)),
        Document::Partial(d) => check_partial(d),
        Document::Warmup(d) => check_warmup(d),
    }
}

/// No more replications than a run may have ([`crate::MAX_REPLICATIONS`]).
fn check_replications(at: &str, replications: u64) -> Result<(), DocumentError> {
    if replications > crate::MAX_REPLICATIONS {
        return Err(field(
            at,
            format!(
                "{replications}, above the most a run may have ({}); the file is damaged",
                crate::MAX_REPLICATIONS
            ),
        ));
    }
    Ok(())
}

/// No more replications cut short by the safeguard than were run.
fn check_truncated(at: &str, truncated: u64, replications: u64) -> Result<(), DocumentError> {
    if truncated > replications {
        return Err(field(
            at,
            format!("{truncated}, but the document ran {replications}; the file is damaged"),
        ));
    }
    Ok(())
}

/// A reporting window: `0 <= warmup_days < horizon_days <=`
/// [`crate::document::MAX_WINDOW_DAYS`], as the scenario checks demand.
fn check_window(at: &str, window: Option<&crate::document::Window>) -> Result<(), DocumentError> {
    let Some(w) = window else { return Ok(()) };
    let max = crate::document::MAX_WINDOW_DAYS;
    let ok = |v: f64| v.is_finite() && (0.0..=max).contains(&v);
    // A huge value in few digits (1e300 days, not 301 digits).
    let show = |v: f64| if v.abs() < 1e7 { v.to_string() } else { format!("{v:e}") };
    if !ok(w.warmup_days) || !ok(w.horizon_days) || w.warmup_days >= w.horizon_days {
        return Err(field(
            at,
            format!(
                "warm-up {} days, horizon {} days: a window runs from a warm-up of 0 days or \
                 more to a later horizon of at most {max} days",
                show(w.warmup_days),
                show(w.horizon_days)
            ),
        ));
    }
    Ok(())
}

fn show(values: &[f64]) -> String {
    cap(&format!("{values:?}"))
}

/// Checks a sequential-stopping report: a KPI short of data
/// ([`crate::sequential::Shortfall`]) cannot have met the target.
fn check_target(target: Option<&crate::sequential::TargetReport>) -> Result<(), DocumentError> {
    let Some(t) = target else { return Ok(()) };
    let Some(short) = t.worst.as_ref().and_then(|w| w.shortfall) else { return Ok(()) };
    if !short.is_consistent() {
        return Err(field("target.worst.shortfall", format!("inconsistent: {short}")));
    }
    if t.met {
        return Err(field("target.met", format!("true, but the worst KPI has {short}")));
    }
    Ok(())
}

/// Checks the probabilities of `--target` conditions: each names a KPI of
/// the run with a condition that parses, counts the replications where the
/// KPI is defined (and, for a recovery time, at most the others as
/// unrecovered), and has a probability that is a count over them inside
/// its interval, all within `[0, 1]` (NaN throughout only when `n` is 0).
fn check_targets(d: &RunDoc) -> Result<(), DocumentError> {
    for (i, t) in d.targets.iter().enumerate() {
        let at = |f: &str| format!("targets[{i}].{f}");
        let Some(summary) = d.kpis.get(&t.kpi) else {
            return Err(field(at("kpi"), format!("\"{}\" is not a KPI of this run", cap(&t.kpi))));
        };
        let spec = format!("{}{}", t.kpi, t.condition);
        match crate::targets::parse_stored(&spec) {
            Ok(c) if c.kpi == t.kpi => {}
            _ => {
                return Err(field(
                    at("condition"),
                    format!("\"{}\" is not >=, <=, > or < a number", cap(&t.condition)),
                ));
            }
        }
        if t.n != summary.n {
            return Err(field(
                at("n"),
                format!("{} but {} is defined in {} replications", t.n, cap(&t.kpi), summary.n),
            ));
        }
        // Left out of n, each one a replication where the KPI is undefined
        // (and only a recovery time's).
        let room = if crate::schema::unrecovered_of(&t.kpi).is_some() {
            d.replications - t.n.min(d.replications)
        } else {
            0
        };
        if t.unrecovered > room {
            return Err(field(
                at("unrecovered"),
                format!(
                    "{} but {} is undefined in {room} replications{}",
                    t.unrecovered,
                    cap(&t.kpi),
                    if room == 0 { " (or is no recovery time)" } else { "" }
                ),
            ));
        }
        if let Some(problem) = share_problem(t.p_meet, t.ci95_low, t.ci95_high, t.n) {
            return Err(field(at("p_meet"), problem));
        }
    }
    Ok(())
}

/// Checks a table of KPI summaries: the units, each summary against what
/// replications can give ([`summary_problem`]), and each rare-event report
/// against its summary's count.
fn check_summaries(
    at: &str,
    table: &crate::document::KpiTable,
    replications: u64,
) -> Result<(), DocumentError> {
    // A name added or renamed by hand would pass as a KPI of its own.
    if let Some(name) = table.keys().find(|n| unknown_kpi(n).is_some()) {
        return Err(field(
            format!("{at}.{}", cap(name)),
            "no KPI caspian writes has this name; the file is damaged",
        ));
    }
    check_units(at, table)?;
    check_counts(at, table.iter().map(|(name, s)| (name, s.n)), replications)?;
    for (name, s) in table {
        if let Some(problem) = summary_problem(s, KpiRange::of(name)) {
            return Err(field(
                format!("{at}.{}", cap(name)),
                format!("{problem}; the file is damaged"),
            ));
        }
        if let Some(rare) = &s.rare {
            rare.check(s.n).map_err(|e| field(format!("{at}.{}.rare", cap(name)), e))?;
        }
    }
    Ok(())
}

/// Checks each paired difference of a table ([`difference_problem`]):
/// a comparison's, a sweep point's, an optimisation's next best portfolio's.
pub(super) fn check_differences<'a>(
    at: &str,
    table: impl IntoIterator<Item = (&'a String, &'a crate::stats::PairedDifference)>,
) -> Result<(), DocumentError> {
    for (name, d) in table {
        if let Some(problem) = difference_problem(d) {
            return Err(field(
                format!("{at}.{}", cap(name)),
                format!("{problem}; the file is damaged"),
            ));
        }
    }
    Ok(())
}

/// Checks that no KPI of a table counts more replications (its `n`, the
/// replications where it is defined) than the document ran.
pub(super) fn check_counts<'a>(
    at: &str,
    counts: impl Iterator<Item = (&'a String, u64)>,
    replications: u64,
) -> Result<(), DocumentError> {
    for (name, n) in counts {
        if n > replications {
            return Err(field(
                format!("{at}.{}.n", cap(name)),
                format!(
                    "{n} replications, but the document ran {replications}; the file is damaged"
                ),
            ));
        }
    }
    Ok(())
}

fn check_sweep(d: &SweepDoc) -> Result<(), DocumentError> {
    check_replications("replications", d.replications)?;
    check_axes(&d.axes)?;
    if d.points.is_empty() {
        return Err(field("points", "empty (a sweep has design points)"));
    }
    if d.reference >= d.points.len() {
        return Err(field(
            "reference",
            format!("{} is out of range ({} design points)", d.reference, d.points.len()),
        ));
    }
    for (i, p) in d.points.iter().enumerate() {
        if p.index != i {
            return Err(field(
                format!("points[{i}].index"),
                format!("{} but it is design point {i}", p.index),
            ));
        }
        if p.values.len() != d.axes.len() {
            return Err(field(
                format!("points[{i}].values"),
                format!("{} values for {} axes", p.values.len(), d.axes.len()),
            ));
        }
        check_truncated(
            &format!("points[{i}].truncated_replications"),
            p.truncated_replications,
            d.replications,
        )?;
        check_summaries(&format!("points[{i}].kpis"), &p.kpis, d.replications)?;
        if i == d.reference && !p.differences.is_empty() {
            return Err(field(
                format!("points[{i}].differences"),
                "not empty, but this is the reference point (a point is not compared with itself)",
            ));
        }
        let at = format!("points[{i}].differences");
        check_units(&at, &p.differences)?;
        check_differences(&at, p.differences.iter().map(|(k, v)| (k, &v.value)))?;
        check_counts(&at, p.differences.iter().map(|(k, v)| (k, v.n)), d.replications)?;
    }
    let points: Vec<&[f64]> = d.points.iter().map(|p| p.values.as_slice()).collect();
    check_design(d.design, &d.axes, d.seed, &points, |i| format!("points[{i}].values"))?;
    Ok(())
}

fn scenario_index(
    at: String,
    index: usize,
    count: usize,
    lowest: usize,
) -> Result<(), DocumentError> {
    if index < lowest || index >= count {
        let what = if index < lowest && index < count {
            format!("{index} is the base, which is not a policy")
        } else {
            format!("{index} is out of range ({count} scenarios)")
        };
        return Err(field(at, what));
    }
    Ok(())
}

fn check_compare(d: &CompareDoc) -> Result<(), DocumentError> {
    check_replications("replications", d.replications)?;
    let n = d.scenarios.len();
    if n < 2 {
        return Err(field(
            "scenarios",
            format!("{n} scenario(s); a comparison has a base and at least one policy"),
        ));
    }
    if d.summaries.len() != n {
        return Err(field("summaries", format!("{} tables for {n} scenarios", d.summaries.len())));
    }
    for (i, s) in d.scenarios.iter().enumerate() {
        check_window(&format!("scenarios[{i}].window"), s.window.as_ref())?;
        let at = format!("scenarios[{i}].truncated_replications");
        check_truncated(&at, s.truncated_replications, d.replications)?;
    }
    for (i, t) in d.summaries.iter().enumerate() {
        check_summaries(&format!("summaries[{i}]"), t, d.replications)?;
    }
    for (i, diff) in d.differences.iter().enumerate() {
        scenario_index(format!("differences[{i}].scenario"), diff.scenario, n, 1)?;
        if let Some(j) = d.differences[..i].iter().position(|e| e.scenario == diff.scenario) {
            return Err(field(
                format!("differences[{i}].scenario"),
                format!("{} is also differences[{j}] (one entry per policy)", diff.scenario),
            ));
        }
        let at = format!("differences[{i}].kpis");
        check_units(&at, &diff.kpis)?;
        check_differences(&at, diff.kpis.iter().map(|(k, v)| (k, &v.value)))?;
        check_counts(&at, diff.kpis.iter().map(|(k, v)| (k, v.n)), d.replications)?;
    }
    for (i, r) in d.rankings.iter().enumerate() {
        let measure = crate::measure::Measure::parse_stored(&r.kpi);
        let kpi = measure.as_ref().map_or(r.kpi.as_str(), |m| m.kpi());
        if !d.summaries.iter().any(|t| t.contains_key(kpi)) {
            return Err(field(
                format!("rankings[{i}].kpi"),
                format!("\"{}\" is not a KPI of this comparison", cap(&r.kpi)),
            ));
        }
        if r.order.is_empty() {
            return Err(field(
                format!("rankings[{i}].order"),
                "empty (a ranking orders the scenarios)",
            ));
        }
        for (j, e) in r.order.iter().enumerate() {
            scenario_index(format!("rankings[{i}].order[{j}].scenario"), e.scenario, n, 0)?;
        }
    }
    for (i, s) in d.saturation.iter().enumerate() {
        scenario_index(format!("saturation[{i}].scenario"), s.scenario, n, 0)?;
    }
    if let Some(e) = &d.economics {
        check_economics(e, n, d.replications)?;
    }
    if let Some(v) = &d.vulnerability {
        check_vulnerability(v, d)?;
    }
    if let Some(v) = &d.pareto {
        for (i, p) in v.points.iter().enumerate() {
            scenario_index(format!("pareto.points[{i}].scenario"), p.scenario, n, 0)?;
            for (j, by) in p.dominated_by.iter().enumerate() {
                let at = format!("pareto.points[{i}].dominated_by[{j}].by");
                scenario_index(at, by.by, n, 0)?;
            }
        }
    }
    Ok(())
}

fn check_partial(d: &PartialDoc) -> Result<(), DocumentError> {
    if d.shard.count == 0 || d.shard.index >= d.shard.count {
        return Err(field(
            "shard",
            format!(
                "{}/{} is impossible (the index counts from 0 and must be below the count); \
                 the file is damaged",
                d.shard.index, d.shard.count
            ),
        ));
    }
    let h = &d.header;
    check_replications("replications", h.replications)?;
    if h.points.is_empty() {
        return Err(field("points", "empty (the study has no design points)"));
    }
    if !h.axes.is_empty() {
        check_axes(&h.axes)?;
    }
    for (i, p) in h.points.iter().enumerate() {
        if p.len() != h.axes.len() {
            return Err(field(
                format!("points[{i}]"),
                format!("{} values for {} axes", p.len(), h.axes.len()),
            ));
        }
    }
    if !h.axes.is_empty() {
        let points: Vec<&[f64]> = h.points.iter().map(Vec::as_slice).collect();
        check_design(h.design, &h.axes, h.seed, &points, |i| format!("points[{i}]"))?;
    }
    for (name, unit) in &d.units {
        check_unit(|| format!("units.{}", cap(name)), name, unit)?;
    }
    if d.records.len() != h.points.len() {
        return Err(field(
            "records",
            format!("{} design points, the study has {}", d.records.len(), h.points.len()),
        ));
    }
    for (p, rec) in d.records.iter().enumerate() {
        if let Some(twice) = repeated_name(&rec.kpi_names) {
            return Err(field(
                format!("records[{p}].kpi_names"),
                format!("{} is named twice; the file is damaged", cap(twice)),
            ));
        }
        let ranges: Vec<KpiRange> = rec.kpi_names.iter().map(|k| KpiRange::of(k)).collect();
        for (r, row) in rec.rows.iter().enumerate() {
            if row.values.len() != rec.kpi_names.len() {
                return Err(field(
                    format!("records[{p}].rows[{r}].values"),
                    format!("{} values for {} KPIs", row.values.len(), rec.kpi_names.len()),
                ));
            }
            for ((v, range), name) in row.values.iter().zip(&ranges).zip(&rec.kpi_names) {
                if let Some(problem) = value_problem(*v, *range) {
                    return Err(field(
                        format!("records[{p}].rows[{r}].values ({})", cap(name)),
                        problem,
                    ));
                }
            }
        }
    }
    Ok(())
}

fn check_warmup(d: &WarmupDoc) -> Result<(), DocumentError> {
    for (i, s) in d.series.iter().enumerate() {
        for (name, len) in [("mean", s.mean.len()), ("moving_average", s.moving_average.len())] {
            if len != d.day.len() {
                return Err(field(
                    format!("series[{i}].{name}"),
                    format!("{len} values for {} days", d.day.len()),
                ));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests;
