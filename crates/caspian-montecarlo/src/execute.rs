//! Runs replications in parallel and keeps their records in replication
//! order.
//!
//! Parallelism is over replications of one design point at a time (rayon's
//! indexed `collect` keeps index order), so records, and every statistic
//! computed from them, do not depend on the number of threads. Design points
//! are completed one after another, which lets a sweep save a checkpoint
//! after each.

use std::borrow::Cow;
use std::ops::Range;
use std::sync::Arc;

use rayon::prelude::*;

use caspian_shipping::{CompiledScenario, Replication, simulate};

use crate::error::RunError;
use crate::records::{PointRecords, Row};
use crate::sequential::{self, Target, TargetReport};

/// Called after each design point that needed work, with all records so far
/// (e.g. to save a checkpoint).
pub type AfterPoint<'f> = dyn FnMut(usize, &[PointRecords]) -> Result<(), RunError> + 'f;

/// The scenarios of a study's design points, by index: held in memory, or
/// compiled when their point runs (a sweep of many points, [`crate::study::Study`]),
/// so that only the point in progress is held.
pub trait Plans: Send + Sync {
    /// How many design points.
    fn count(&self) -> usize;

    /// The scenario of design point `point`.
    ///
    /// # Errors
    /// [`RunError::Point`] if it does not compile (a defect: points are
    /// checked when the study is made).
    fn plan(&self, point: usize) -> Result<Cow<'_, CompiledScenario>, RunError>;
}

impl<P: Plans + ?Sized> Plans for &P {
    fn count(&self) -> usize {
        (**self).count()
    }
    fn plan(&self, point: usize) -> Result<Cow<'_, CompiledScenario>, RunError> {
        (**self).plan(point)
    }
}

impl Plans for Vec<&CompiledScenario> {
    fn count(&self) -> usize {
        self.len()
    }
    fn plan(&self, point: usize) -> Result<Cow<'_, CompiledScenario>, RunError> {
        Ok(Cow::Borrowed(self[point]))
    }
}

/// Replications of several design points, with the records computed so far.
pub struct Executor<'a> {
    plans: Box<dyn Plans + 'a>,
    seed: u64,
    first: u64,
    records: Vec<PointRecords>,
}

impl std::fmt::Debug for Executor<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Executor")
            .field("points", &self.plans.count())
            .field("seed", &self.seed)
            .field("first", &self.first)
            .finish_non_exhaustive()
    }
}

impl<'a> Executor<'a> {
    /// An executor whose replications start at index `first` (0, or the
    /// start of a shard's share).
    pub fn new(plans: impl Plans + 'a, seed: u64, first: u64) -> Self {
        let records = vec![PointRecords::default(); plans.count()];
        Self { plans: Box::new(plans), seed, first, records }
    }

    /// Starts from records saved earlier (a checkpoint). Each must hold
    /// consecutive replications from `first`; rows beyond what is asked for
    /// are kept and used.
    pub fn resume(
        plans: impl Plans + 'a,
        seed: u64,
        first: u64,
        records: Vec<PointRecords>,
    ) -> Self {
        assert_eq!(plans.count(), records.len(), "one record set per design point");
        Self { plans: Box::new(plans), seed, first, records }
    }

    /// Replications held for every point (the smallest count).
    pub fn completed(&self) -> u64 {
        self.records.iter().map(|r| r.rows.len() as u64).min().unwrap_or(0)
    }

    /// Makes every design point hold replications `first..end`, computing
    /// only those not held yet. `progress` is called once per replication
    /// computed (from worker threads); `after_point` after each point that
    /// needed work, e.g. to save a checkpoint.
    ///
    /// # Errors
    /// [`RunError`] when a replication breaks an invariant, or whatever
    /// `after_point` returns.
    pub fn ensure(
        &mut self,
        end: u64,
        progress: &(dyn Fn() + Sync),
        after_point: &mut AfterPoint<'_>,
    ) -> Result<(), RunError> {
        for point in 0..self.plans.count() {
            let have = self.first + self.records[point].rows.len() as u64;
            if have >= end {
                continue;
            }
            let rec = &mut self.records[point];
            let plan = self.plans.plan(point)?;
            let (names, rows) =
                run_range(&plan, self.seed, have..end, progress).map_err(|e| match e {
                    RangeError::Conservation(replication, residual) => {
                        RunError::Conservation { point, replication, residual }
                    }
                    RangeError::KpiNames(replication) => RunError::KpiNames {
                        point,
                        message: format!(
                            "replication {replication} produced a different set of KPI names"
                        ),
                    },
                })?;
            if rec.kpi_names.is_empty() {
                rec.kpi_names = names;
            } else if rec.kpi_names != names {
                return Err(RunError::KpiNames {
                    point,
                    message: format!("replications from {have} on changed the KPI names"),
                });
            }
            rec.rows.extend(rows);
            after_point(point, &self.records)?;
        }
        Ok(())
    }

    /// Runs replications `first..end`; with a `target`, keeps adding
    /// batches (see [`crate::sequential`]) until every primary KPI of every
    /// point meets it or the budget is spent. Returns the end reached and,
    /// with a target, whether it was met.
    ///
    /// # Errors
    /// As [`ensure`](Self::ensure).
    pub fn run(
        &mut self,
        end: u64,
        target: Option<&Target>,
        progress: &(dyn Fn() + Sync),
        after_point: &mut AfterPoint<'_>,
    ) -> Result<(u64, Option<TargetReport>), RunError> {
        let mut end = end;
        self.ensure(end, progress, after_point)?;
        let Some(target) = target else { return Ok((end, None)) };
        loop {
            let keep = (end - self.first) as usize;
            // Rows beyond `end` (from a resumed checkpoint) are not judged.
            let worst = sequential::worst(&self.records, &target.primary, keep);
            if worst.is_none() {
                return Err(RunError::NoPrimaryKpi { patterns: target.primary.clone() });
            }
            let met = sequential::is_met(worst.as_ref(), target);
            if met || end >= target.max_replications {
                let report = TargetReport {
                    rel_half_width: target.rel_half_width,
                    max_replications: target.max_replications,
                    primary: target.primary.clone(),
                    met,
                    replications: end - self.first,
                    worst,
                };
                return Ok((end, Some(report)));
            }
            let observed = worst.map_or(f64::INFINITY, |w| w.rel_half_width);
            end = sequential::next_total(end, observed, target);
            self.ensure(end, progress, after_point)?;
        }
    }

    /// The records, cut to replications `first..end`.
    pub fn into_records(mut self, end: u64) -> Vec<PointRecords> {
        let keep = end.saturating_sub(self.first) as usize;
        for r in &mut self.records {
            r.truncate(keep);
        }
        self.records
    }

    /// The records held so far.
    pub fn records(&self) -> &[PointRecords] {
        &self.records
    }
}

/// A replication that broke an invariant.
#[derive(Debug)]
pub enum RangeError {
    /// Cargo not conserved: (replication, residual per cargo).
    Conservation(u64, [i128; caspian_shipping::scenario::Cargo::COUNT]),
    /// The replication's KPIs do not follow its plan's layout: (replication).
    KpiNames(u64),
}

/// Simulates replications `reps` of `plan` on the current rayon pool and
/// returns the KPI names (the plan's [`KpiLayout`](caspian_shipping::kpi::KpiLayout),
/// computed once when it was compiled) and one row per replication, in index
/// order.
///
/// Replications run in parallel and are turned into rows as they finish, so
/// only the compact rows are held: a row's values are the replication's KPI
/// values in layout order, taken as they are.
///
/// # Errors
/// [`RangeError`] when a replication breaks an invariant.
pub fn run_range(
    plan: &CompiledScenario,
    seed: u64,
    reps: Range<u64>,
    progress: &(dyn Fn() + Sync),
) -> Result<(Vec<String>, Vec<Row>), RangeError> {
    if reps.is_empty() {
        return Ok((Vec::new(), Vec::new()));
    }
    let layout = plan.kpi_layout();
    let to_row = |index: u64, out: Replication| -> Result<Row, RangeError> {
        progress();
        if out.conservation_residual.iter().any(|&r| r != 0) {
            return Err(RangeError::Conservation(index, out.conservation_residual));
        }
        if !Arc::ptr_eq(out.kpis.layout(), layout) {
            return Err(RangeError::KpiNames(index));
        }
        Ok(Row {
            replication: index,
            events: out.events,
            truncated: out.truncated,
            values: out.kpis.into_values(),
            saturated: out.saturated,
        })
    };
    let rows = reps
        .into_par_iter()
        .map(|r| to_row(r, simulate(plan, seed, r)))
        .collect::<Result<Vec<Row>, RangeError>>()?;
    Ok((layout.names().to_vec(), rows))
}
