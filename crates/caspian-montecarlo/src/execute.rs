//! Runs replications in parallel and keeps their records in replication
//! order.
//!
//! Parallelism is over replications of one design point at a time (rayon's
//! indexed `collect` keeps index order), so records, and every statistic
//! computed from them, do not depend on the number of threads. Design points
//! are completed one after another, which lets a sweep save a checkpoint
//! after each.

use std::ops::Range;

use rayon::prelude::*;

use caspian_shipping::{CompiledScenario, simulate};

use crate::error::RunError;
use crate::records::PointRecords;
use crate::sequential::{self, Target, TargetReport};

/// Called after each design point that needed work, with all records so far
/// (e.g. to save a checkpoint).
pub type AfterPoint<'f> = dyn FnMut(usize, &[PointRecords]) -> Result<(), RunError> + 'f;

/// Replications of several design points, with the records computed so far.
#[derive(Debug)]
pub struct Executor<'a> {
    plans: Vec<&'a CompiledScenario>,
    seed: u64,
    first: u64,
    records: Vec<PointRecords>,
}

impl<'a> Executor<'a> {
    /// An executor whose replications start at index `first` (0, or the
    /// start of a shard's share).
    pub fn new(plans: Vec<&'a CompiledScenario>, seed: u64, first: u64) -> Self {
        let records = vec![PointRecords::default(); plans.len()];
        Self { plans, seed, first, records }
    }

    /// Starts from records saved earlier (a checkpoint). Each must hold
    /// consecutive replications from `first`; rows beyond what is asked for
    /// are kept and used.
    pub fn resume(
        plans: Vec<&'a CompiledScenario>,
        seed: u64,
        first: u64,
        records: Vec<PointRecords>,
    ) -> Self {
        assert_eq!(plans.len(), records.len(), "one record set per design point");
        Self { plans, seed, first, records }
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
        for point in 0..self.plans.len() {
            let have = self.first + self.records[point].rows.len() as u64;
            if have >= end {
                continue;
            }
            let new = run_range(self.plans[point], self.seed, have..end, progress);
            for (index, rep) in &new {
                if rep.conservation_residual != [0, 0] {
                    return Err(RunError::Conservation {
                        point,
                        replication: *index,
                        residual: rep.conservation_residual,
                    });
                }
            }
            self.records[point]
                .extend(new)
                .map_err(|message| RunError::KpiNames { point, message })?;
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
            let view: Vec<PointRecords> = self
                .records
                .iter()
                .map(|r| PointRecords {
                    kpi_names: r.kpi_names.clone(),
                    rows: r.rows[..keep].to_vec(),
                })
                .collect();
            let worst = sequential::worst(&view, &target.primary);
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

/// Simulates replications `reps` of `plan` in parallel on the current rayon
/// pool, returning them in index order.
pub fn run_range(
    plan: &CompiledScenario,
    seed: u64,
    reps: Range<u64>,
    progress: &(dyn Fn() + Sync),
) -> Vec<(u64, caspian_shipping::Replication)> {
    reps.into_par_iter()
        .map(|r| {
            let out = simulate(plan, seed, r);
            progress();
            (r, out)
        })
        .collect()
}
