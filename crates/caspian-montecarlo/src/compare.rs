//! Policy comparison under common random numbers: paired differences
//! against a base scenario, rankings with the set of scenarios that
//! cannot be told apart from the best ([`crate::ranking`]), the economics of each policy
//! ([`crate::economics`]) and a two-measure Pareto view
//! ([`crate::pareto`]).

use std::collections::BTreeMap;

pub use crate::direction::Direction;

use crate::direction::{DirectionError, Overrides};
use crate::document::{
    CompareDoc, PolicyDifferences, Provenance, ScenarioRef, ScenarioSaturation, WithUnit,
    kpi_units, summarize,
};
use crate::error::RunError;
use crate::journal::{Journal, run_saved};
use crate::measure::Measure;
use crate::pareto::{ParetoView, pareto};
use crate::records::PointRecords;
use crate::select;
use crate::sequential::{Target, TargetReport};
use crate::stats::PairedDifference;
use crate::study::Study;

/// KPI names present in every scenario, in name order.
pub fn common_kpis(records: &[PointRecords]) -> Vec<String> {
    let Some(first) = records.first() else { return Vec::new() };
    first
        .kpi_names
        .iter()
        .filter(|n| records.iter().all(|r| r.kpi_index(n).is_some()))
        .cloned()
        .collect()
}

/// Paired differences `records[policy] - records[base]` for each KPI in
/// `kpis`, replication by replication.
pub fn differences(
    records: &[PointRecords],
    base: usize,
    policy: usize,
    kpis: &[String],
) -> BTreeMap<String, PairedDifference> {
    kpis.iter()
        .map(|k| {
            let d = PairedDifference::of(
                &records[base].column_named(k),
                &records[policy].column_named(k),
            );
            (k.clone(), d)
        })
        .collect()
}

/// What a comparison ranks and charts, beyond the records, with the
/// direction of each measure decided ([`CompareRequest::resolve`]).
#[derive(Debug, Clone, Default)]
pub struct CompareRequest {
    /// The rankings, in order: the primary KPIs', then those asked for.
    pub rankings: Vec<(Measure, Direction)>,
    /// The two measures of the Pareto view, if asked for.
    pub pareto: Option<[(Measure, Direction); 2]>,
    /// Sequential-stopping outcome, if a target was given.
    pub target: Option<TargetReport>,
}

impl CompareRequest {
    /// Decides what to rank and chart among the KPIs `kpis`: one ranking
    /// per KPI matching a `primary` pattern, then one per measure of `rank`
    /// (one per distinct measure), and the `pareto` view; each measure in
    /// the direction the schema gives, unless `overrides` say otherwise
    /// ([`crate::direction`]).
    ///
    /// # Errors
    /// [`DirectionError`] for a measure whose direction cannot be decided.
    pub fn resolve(
        kpis: &[String],
        primary: &[String],
        rank: &[Measure],
        pareto: Option<&[Measure; 2]>,
        overrides: Overrides<'_>,
    ) -> Result<Self, DirectionError> {
        let mut rankings: Vec<(Measure, Direction)> = Vec::new();
        let primary = select::select(kpis, primary).into_iter().map(|k| Measure::Kpi(k.into()));
        for (m, option) in
            primary.map(|m| (m, "--primary")).chain(rank.iter().map(|m| (m.clone(), "--rank")))
        {
            if !rankings.iter().any(|(r, _)| *r == m) {
                let d = overrides.direction(&m, option)?;
                rankings.push((m, d));
            }
        }
        let pareto = match pareto {
            Some([x, y]) => Some([
                (x.clone(), overrides.direction(x, "--pareto")?),
                (y.clone(), overrides.direction(y, "--pareto")?),
            ]),
            None => None,
        };
        Ok(Self { rankings, pareto, target: None })
    }
}

/// Runs a comparison: `replications` of every study (more with a
/// sequential-stopping `target`) under common random numbers from `seed`
/// (one for all: the base's, the first study's, when `None`), on the
/// current rayon pool, calling `tick` after each replication; then
/// builds its document ([`compare_doc`]; the request's `target` is replaced
/// by the outcome).
///
/// # Errors
/// [`RunError`] when a policy reports over another window than the base
/// ([`same_window`]), the model breaks an invariant or no KPI matches the
/// target's primary patterns.
pub fn run_compare(
    studies: &[Study],
    seed: Option<u64>,
    replications: u64,
    target: Option<&Target>,
    request: CompareRequest,
    tick: &(dyn Fn() + Sync),
) -> Result<CompareDoc, RunError> {
    run_compare_with_records(studies, seed, replications, target, request, tick, None)
        .map(|(d, _)| d)
}

/// [`run_compare`], also handing back the records it summarised (one
/// design point per study, over the same replications), for output per
/// replication; with a `journal`, replications saved there are read
/// instead of simulated, and the rest are saved as they are computed
/// ([`crate::journal`]).
///
/// # Errors
/// As [`run_compare`], and [`RunError::Checkpoint`] when the journal
/// cannot be written.
pub fn run_compare_with_records(
    studies: &[Study],
    seed: Option<u64>,
    replications: u64,
    target: Option<&Target>,
    request: CompareRequest,
    tick: &(dyn Fn() + Sync),
    journal: Option<&mut Journal>,
) -> Result<(CompareDoc, Vec<PointRecords>), RunError> {
    same_window(studies)?;
    let seed = seed.unwrap_or_else(|| studies.first().map_or(0, |s| s.seed));
    let plans: Vec<_> = studies.iter().map(|s| &s.plan).collect();
    let (_, report, records) = run_saved(plans, seed, 0..replications, target, tick, journal)?;
    let doc = compare_doc(studies, seed, &records, CompareRequest { target: report, ..request });
    Ok((doc, records))
}

/// Runs replications `reps` (a shard's share) of every study and, with
/// `without`, of each one's twin ([`crate::twin`]), under the comparison's
/// seed (`seed`, else the base's), and saves them to `journal`, for the
/// comparison run later with the shards' journals joined to read instead
/// of simulating. Nothing is summarised.
///
/// # Errors
/// As [`run_compare`], and what the twins or the journal meet.
pub fn save_share(
    studies: &[Study],
    seed: Option<u64>,
    reps: std::ops::Range<u64>,
    without: Option<crate::twin::Without>,
    tick: &(dyn Fn() + Sync),
    journal: &mut Journal,
) -> Result<(), RunError> {
    same_window(studies)?;
    let seed = seed.unwrap_or_else(|| studies.first().map_or(0, |s| s.seed));
    let twins = match without {
        Some(w) => crate::twin::twins(studies, w)?,
        None => Vec::new(),
    };
    let plans: Vec<_> = studies.iter().chain(&twins).map(|s| &s.plan).collect();
    run_saved(plans, seed, reps, None, tick, Some(journal))?;
    Ok(())
}

/// A policy that reports over another window (horizon or warm-up) than the
/// base: its totals would differ from the base's by the length of the
/// window alone, and the comparison would show that as a significant effect
/// of the policy.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error(
    "{policy} ({policy_source}) reports over another window than the base {base} ({base_source}): \
     horizon {} and warm-up {} days against {} and {}. A comparison pairs replications over the \
     same window; totals over windows of different lengths differ by the length alone. Give every \
     scenario the base's scenario.horizon_days and scenario.warmup_days",
    window.0, window.1, base_window.0, base_window.1
)]
pub struct WindowMismatch {
    /// The policy's scenario name.
    pub policy: String,
    /// Where the policy came from.
    pub policy_source: String,
    /// The policy's `(horizon_days, warmup_days)`.
    pub window: (f64, f64),
    /// The base's scenario name.
    pub base: String,
    /// Where the base came from.
    pub base_source: String,
    /// The base's `(horizon_days, warmup_days)`.
    pub base_window: (f64, f64),
}

/// Checks that every policy reports over the base's window (the first
/// study's horizon and warm-up), as a paired comparison needs;
/// [`run_compare`] checks it before any replication.
///
/// # Errors
/// [`WindowMismatch`] for the first policy with another window.
pub fn same_window(studies: &[Study]) -> Result<(), Box<WindowMismatch>> {
    let Some((base, policies)) = studies.split_first() else { return Ok(()) };
    let window =
        |s: &Study| (s.plan.source.scenario.horizon_days, s.plan.source.scenario.warmup_days);
    match policies.iter().find(|s| window(s) != window(base)) {
        None => Ok(()),
        Some(s) => Err(Box::new(WindowMismatch {
            policy: s.name.clone(),
            policy_source: s.source.clone(),
            window: window(s),
            base: base.name.clone(),
            base_source: base.source.clone(),
            base_window: window(base),
        })),
    }
}

/// Builds the comparison document: the summaries of every scenario, the
/// paired differences of each policy from the base (the first), the
/// rankings on the primary KPIs and the saturated waiting lines. `records`
/// holds one point per study, all over the same replications.
pub fn compare_doc(
    studies: &[Study],
    seed: u64,
    records: &[PointRecords],
    request: CompareRequest,
) -> CompareDoc {
    let kpis = common_kpis(records);
    let base_units = studies.first().map(|s| kpi_units(&s.plan, &kpis));
    let base_units = base_units.unwrap_or_default();
    let rankings = request.rankings.iter().map(|(m, d)| rank_measure(records, m, *d)).collect();
    let pareto_view: Option<ParetoView> =
        request.pareto.as_ref().map(|[x, y]| pareto(records, (&x.0, x.1), (&y.0, y.1)));
    let economics = crate::economics::of_studies(studies, records);
    CompareDoc {
        seed,
        replications: records.first().map_or(0, |r| r.rows.len() as u64),
        scenarios: studies
            .iter()
            .zip(records)
            .map(|(s, r)| ScenarioRef {
                name: s.name.clone(),
                source: s.source.clone(),
                sha256: s.sha256.clone(),
                extends: s.lineage.extends.clone(),
                overrides: s.lineage.overrides.clone(),
                window: Some(crate::document::Window::of(&s.plan)),
                truncated_replications: r.truncated_count(),
            })
            .collect(),
        summaries: studies
            .iter()
            .zip(records)
            .map(|(s, r)| summarize(r, &kpi_units(&s.plan, &r.kpi_names)))
            .collect(),
        differences: (1..records.len())
            .map(|p| PolicyDifferences {
                scenario: p,
                kpis: differences(records, 0, p, &kpis)
                    .into_iter()
                    .map(|(k, value)| {
                        let unit = base_units.get(&k).cloned().unwrap_or_default();
                        (k, WithUnit { unit, value })
                    })
                    .collect(),
            })
            .collect(),
        rankings,
        economics,
        pareto: pareto_view,
        vulnerability: None,
        saturation: records
            .iter()
            .enumerate()
            .flat_map(|(scenario, r)| {
                r.saturation()
                    .into_iter()
                    .map(move |saturation| ScenarioSaturation { scenario, saturation })
            })
            .collect(),
        target: request.target,
        warnings: study_warnings(studies).into_iter().chain(no_effect(studies, records)).collect(),
        provenance: Provenance::current(None),
    }
}

/// A warning for each policy whose every KPI but its costs equals the
/// base's in every replication, bit for bit, though its model differs
/// (one that compiles to the base's model is warned of before the run):
/// what it changes does not bind in this corridor (a berth dredged deeper
/// than any vessel's draft needs, a yard that never fills), so the
/// comparison can show only its cost, and a ranking places it by that.
/// In the document's warnings; the terminal says them after its table.
pub fn no_effect(studies: &[Study], records: &[PointRecords]) -> Vec<String> {
    let (Some(base_study), Some(base)) = (studies.first(), records.first()) else {
        return Vec::new();
    };
    let costs: Vec<bool> = base.kpi_names.iter().map(|k| k.starts_with("cost.")).collect();
    let same_outcome = |r: &PointRecords| {
        r.kpi_names == base.kpi_names
            && r.rows.len() == base.rows.len()
            && r.rows.iter().zip(&base.rows).all(|(a, b)| {
                a.values.len() == b.values.len()
                    && a.values
                        .iter()
                        .zip(&b.values)
                        .zip(&costs)
                        .all(|((x, y), &cost)| cost || x.to_bits() == y.to_bits())
            })
    };
    studies
        .iter()
        .zip(records)
        .skip(1)
        .filter(|(s, r)| {
            !r.rows.is_empty() && !s.plan.same_model(&base_study.plan) && same_outcome(r)
        })
        .map(|(s, r)| {
            format!(
                "{}: every KPI but the costs equals the base's in every one of the {} \
                 replications, though its scenario differs: what it changes does not bind here \
                 (a port dredged deeper than any vessel's draft needs, a yard that never fills, \
                 say), so it changes nothing in the corridor and any difference shown is its \
                 cost alone",
                s.name,
                r.rows.len()
            )
        })
        .collect()
}

/// A warning when replications of any of the scenarios named `names` (with
/// their `records`, in order) hit a safeguard (`max_events`, `max_waiting`)
/// and stopped before the horizon: their KPIs cover less of the window than
/// the others', so a difference with them compares unlike spans. `None`
/// when none did.
pub fn truncated(names: &[String], records: &[&PointRecords]) -> Option<String> {
    let cut: Vec<String> = names
        .iter()
        .zip(records)
        .filter(|(_, r)| r.truncated_count() > 0)
        .map(|(name, r)| format!("{} of {} in \"{name}\"", r.truncated_count(), r.rows.len()))
        .collect();
    (!cut.is_empty()).then(|| {
        format!(
            "replications stopped before the horizon by the scenario's max_events or max_waiting \
             safeguard ({}): their KPIs cover less than the window, so a difference with them \
             compares unlike spans (a run cut short delivers less, for one) and no figure of \
             those scenarios is defensible as it stands; the system is probably saturated \
             (demand above capacity): raise the safeguard (--set scenario.max_events=N, \
             scenario.max_waiting=N) or compare scenarios whose runs reach the horizon",
            cut.join(", ")
        )
    })
}

/// Each scenario's own warnings ([`crate::study::warnings_once`]), led
/// by its name.
fn study_warnings(studies: &[Study]) -> Vec<String> {
    crate::study::warnings_once(studies)
        .into_iter()
        .map(|(s, why)| format!("{}: {why}", s.name))
        .collect()
}

pub use crate::ranking::{RankEntry, Ranking, rank, rank_measure};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_policy_over_another_window_is_refused_before_any_replication() {
        let base = Study::single(crate::BASELINE_TOML, "baseline", Some(1)).unwrap();
        let same = base.clone();
        assert_eq!(same_window(&[base.clone(), same]), Ok(()));
        for (h, w) in [(760.0, 30.0), (395.0, 60.0)] {
            let mut policy = base.clone();
            policy.name = "long".into();
            policy.plan.source.scenario.horizon_days = h;
            policy.plan.source.scenario.warmup_days = w;
            let err = same_window(&[base.clone(), policy.clone()]).unwrap_err();
            assert_eq!((err.window, err.base_window), ((h, w), (395.0, 30.0)));
            let text = err.to_string();
            assert!(text.starts_with("long (baseline) reports over another window"), "{text}");
            assert!(text.contains(&format!("horizon {h} and warm-up {w} days against 395 and 30")));
            let ticks = std::sync::atomic::AtomicU64::new(0);
            let tick = || {
                ticks.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            };
            let run =
                run_compare(&[base.clone(), policy], None, 2, None, Default::default(), &tick);
            assert!(matches!(run, Err(RunError::Window(e)) if e == err));
            assert_eq!(ticks.into_inner(), 0, "no replication ran");
        }
    }
}
