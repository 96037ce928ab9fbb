//! Runs replications in parallel and keeps their records in replication
//! order.
//!
//! Parallelism is over the replications of a batch of consecutive design
//! points (rayon's indexed `collect` keeps index order), so records, and
//! every statistic computed from them, do not depend on the number of
//! threads. A batch holds whole points and enough replications to keep every
//! worker busy ([`REPLICATIONS_PER_THREAD`] each) until it ends: a sweep of
//! many points with few replications each has no barrier after every point,
//! and the points' scenarios are compiled in parallel. After a batch its
//! points are handed on one after another, in order, which lets a sweep save
//! a checkpoint after each.

use std::borrow::Cow;
use std::ops::Range;
use std::sync::Arc;

use rayon::prelude::*;

use caspian_shipping::{CompiledScenario, simulate};

use crate::error::RunError;
use crate::records::{PointRecords, Row};
use crate::sequential::{self, Target, TargetReport};

/// Replications a batch of design points holds per worker thread, at least:
/// with fewer, the threads that finish first idle until the batch's slowest
/// replication ends.
pub const REPLICATIONS_PER_THREAD: usize = 8;

/// Design points a batch holds at most (their compiled scenarios are held
/// together).
pub const MAX_BATCH_POINTS: usize = 64;

/// Called after each design point that needed work, in point order, with all
/// records so far and whether the point is the last of its batch (e.g. to
/// save a checkpoint, and to sync it to disk once a batch).
pub type AfterPoint<'f> = dyn FnMut(usize, &[PointRecords], bool) -> Result<(), RunError> + 'f;

/// The scenarios of a study's design points, by index: held in memory, or
/// compiled when their point runs (a sweep of many points, [`crate::study::Study`]),
/// so that only the points in progress are held.
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
    /// Replications per point between calls of `after_point` at most
    /// ([`save_every`](Executor::save_every)); `None`: a point's whole range at once.
    step: Option<u64>,
    /// Per point, the earlier point of the same model whose rows it takes
    /// ([`reusing`](Executor::reusing)); empty: every point runs.
    same: Vec<Option<usize>>,
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
        Self { plans: Box::new(plans), seed, first, records, step: None, same: Vec::new() }
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
        Self { plans: Box::new(plans), seed, first, records, step: None, same: Vec::new() }
    }

    /// Takes the rows of each point of `same` (`(later, first)`: pairs of
    /// design points that compile to the same model,
    /// [`crate::study::Study::same_points`]) from its first point instead of
    /// running it. A replication's row depends only on the model, the seed
    /// and its index, so the rows are those the point would compute, bit
    /// for bit; only the time is saved. A point whose first does not hold
    /// the rows it needs (a checkpoint that saved fewer of them) runs.
    #[must_use]
    pub fn reusing(mut self, same: &[(usize, usize)]) -> Self {
        self.same = vec![None; self.plans.count()];
        for &(later, first) in same {
            if first < later && later < self.same.len() {
                self.same[later] = Some(first);
            }
        }
        self
    }

    /// The earlier point whose rows point `point` takes for `reps`, where
    /// it holds them or computes them in `batch` (before `point`).
    fn copied_from(
        &self,
        point: usize,
        reps: &Range<u64>,
        batch: &[(usize, Range<u64>)],
    ) -> Option<usize> {
        let first = (*self.same.get(point)?)?;
        let held = self.first + self.records[first].rows.len() as u64;
        let will_hold = batch.iter().find(|(b, _)| *b == first).map_or(held, |(_, r)| r.end);
        (reps.start >= self.first && reps.end <= held.max(will_hold)).then_some(first)
    }

    /// Computes at most `step` replications of a point (at least 1) before
    /// handing it on, so that a journal saves a long run as it goes
    /// ([`crate::journal`]). The records do not depend on it.
    #[must_use]
    pub fn save_every(mut self, step: u64) -> Self {
        self.step = Some(step.max(1));
        self
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
        let Some(step) = self.step else { return self.ensure_all(end, progress, after_point) };
        let mut reached = self.first + self.completed();
        while reached < end {
            // On the grid of `step` from `first`, so that the saves fall at
            // the same replications however the run was interrupted.
            let next = ((reached - self.first) / step + 1).saturating_mul(step);
            reached = self.first.saturating_add(next).min(end);
            self.ensure_all(reached, progress, after_point)?;
        }
        Ok(())
    }

    /// [`ensure`](Self::ensure) in one go: every point's whole range.
    fn ensure_all(
        &mut self,
        end: u64,
        progress: &(dyn Fn() + Sync),
        after_point: &mut AfterPoint<'_>,
    ) -> Result<(), RunError> {
        let wanted: Vec<(usize, Range<u64>)> = (0..self.plans.count())
            .filter_map(|point| {
                let have = self.first + self.records[point].rows.len() as u64;
                (have < end).then_some((point, have..end))
            })
            .collect();
        let per_batch = REPLICATIONS_PER_THREAD * rayon::current_num_threads();
        for batch in batches(&wanted, per_batch) {
            // Every outcome is kept per point and looked at in point order
            // below, so the error reported (a defect) is the one a point at
            // a time would meet first, whatever the batches are.
            let copied: Vec<Option<usize>> =
                batch.iter().map(|(point, reps)| self.copied_from(*point, reps, batch)).collect();
            let plans: Vec<Option<Result<Cow<'_, CompiledScenario>, RunError>>> = batch
                .par_iter()
                .zip(&copied)
                .map(|(&(point, _), copy)| copy.is_none().then(|| self.plans.plan(point)))
                .collect();
            // Only the points before the first that did not compile run.
            let jobs: Vec<(&CompiledScenario, Range<u64>)> = plans
                .iter()
                .zip(batch)
                .filter_map(|(plan, (_, reps))| Some((plan.as_ref()?, reps)))
                .map_while(|(plan, reps)| Some((&**plan.as_ref().ok()?, reps.clone())))
                .collect();
            let mut results = run_ranges(&jobs, self.seed, progress).into_iter();
            let last = batch.last().map(|&(point, _)| point);
            for ((&(point, ref reps), plan), copy) in batch.iter().zip(plans).zip(copied) {
                let (names, rows) = if let Some(from) = copy {
                    let from = &self.records[from];
                    let at = (reps.start - self.first) as usize..(reps.end - self.first) as usize;
                    reps.clone().for_each(|_| progress());
                    (from.kpi_names.clone(), from.rows[at].to_vec())
                } else {
                    plan.expect("a point runs or is copied")?;
                    results
                        .next()
                        .expect("one result per compiled point")
                        .map_err(|e| point_error(point, e))?
                };
                let rec = &mut self.records[point];
                if rec.kpi_names.is_empty() {
                    rec.kpi_names = names;
                } else if rec.kpi_names != names {
                    return Err(RunError::KpiNames {
                        point,
                        message: format!(
                            "replications from {} on changed the KPI names",
                            reps.start
                        ),
                    });
                }
                rec.rows.extend(rows);
                after_point(point, &self.records, Some(point) == last)?;
            }
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

/// The KPI names of a plan and one row per replication of a range, in index
/// order (no names for an empty range).
pub type RangeRows = (Vec<String>, Vec<Row>);

/// The error of design point `point` for a replication that broke an
/// invariant.
pub(crate) fn point_error(point: usize, e: RangeError) -> RunError {
    match e {
        RangeError::Conservation(replication, residual) => {
            RunError::Conservation { point, replication, residual }
        }
        RangeError::KpiNames(replication) => RunError::KpiNames {
            point,
            message: format!("replication {replication} produced a different set of KPI names"),
        },
    }
}

/// Consecutive runs of `wanted` (design points with the replications they
/// need), each holding at least `per_batch` replications or
/// [`MAX_BATCH_POINTS`] points, whichever comes first (the last may hold
/// fewer).
fn batches(
    wanted: &[(usize, Range<u64>)],
    per_batch: usize,
) -> impl Iterator<Item = &[(usize, Range<u64>)]> {
    let mut rest = wanted;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let mut reps = 0u64;
        let mut take = 0;
        while take < rest.len() && take < MAX_BATCH_POINTS && reps < per_batch as u64 {
            reps += rest[take].1.end - rest[take].1.start;
            take += 1;
        }
        let (batch, after) = rest.split_at(take);
        rest = after;
        Some(batch)
    })
}

/// Simulates replications `reps` of `plan` on the current rayon pool and
/// returns the KPI names (the plan's [`KpiLayout`](caspian_shipping::kpi::KpiLayout),
/// computed once when it was compiled) and one row per replication, in index
/// order.
///
/// # Errors
/// [`RangeError`] when a replication breaks an invariant (the first in
/// index order).
pub fn run_range(
    plan: &CompiledScenario,
    seed: u64,
    reps: Range<u64>,
    progress: &(dyn Fn() + Sync),
) -> Result<RangeRows, RangeError> {
    let mut out = run_ranges(&[(plan, reps)], seed, progress);
    out.pop().expect("one result per job")
}

/// [`run_range`] for several plans at once: every replication of every job
/// runs in one parallel pass, so no thread waits for the end of one job
/// before it starts on the next. Returns one outcome per job, in the jobs'
/// order: its (names, rows), or the [`RangeError`] of its first replication
/// in index order that breaks an invariant.
///
/// Replications run in parallel and are turned into rows as they finish, so
/// only the compact rows are held: a row's values are the replication's KPI
/// values in layout order, taken as they are.
pub fn run_ranges(
    jobs: &[(&CompiledScenario, Range<u64>)],
    seed: u64,
    progress: &(dyn Fn() + Sync),
) -> Vec<Result<RangeRows, RangeError>> {
    let to_row = |job: usize, index: u64| -> Result<Row, RangeError> {
        let plan = jobs[job].0;
        let out = simulate(plan, seed, index);
        progress();
        if out.conservation_residual.iter().any(|&r| r != 0) {
            return Err(RangeError::Conservation(index, out.conservation_residual));
        }
        if !Arc::ptr_eq(out.kpis.layout(), plan.kpi_layout()) {
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
    let tasks: Vec<(usize, u64)> = jobs
        .iter()
        .enumerate()
        .flat_map(|(job, (_, reps))| reps.clone().map(move |r| (job, r)))
        .collect();
    let mut rows =
        tasks.into_par_iter().map(|(job, r)| to_row(job, r)).collect::<Vec<_>>().into_iter();
    jobs.iter()
        .map(|(plan, reps)| {
            let rows = rows.by_ref().take(reps.clone().count()).collect::<Result<Vec<Row>, _>>()?;
            let names =
                if rows.is_empty() { Vec::new() } else { plan.kpi_layout().names().to_vec() };
            Ok((names, rows))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::study::{Study, parse_axis};
    use caspian_shipping::BASELINE_TOML;

    fn points(wanted: &[(usize, Range<u64>)], per_batch: usize) -> Vec<Vec<usize>> {
        batches(wanted, per_batch).map(|b| b.iter().map(|(p, _)| *p).collect()).collect()
    }

    #[test]
    fn batches_hold_whole_points_and_enough_replications() {
        let wanted = vec![(0, 0..3), (1, 0..3), (2, 2..5), (4, 0..1)];
        assert_eq!(points(&wanted, 5), [vec![0, 1], vec![2, 4]]);
        assert_eq!(points(&wanted, 3), [vec![0], vec![1], vec![2], vec![4]]);
        assert_eq!(points(&wanted, 100), [vec![0, 1, 2, 4]]);
        assert!(points(&[], 8).is_empty());
        // A point larger than a batch is one batch; the cap on points holds.
        assert_eq!(points(&[(0, 0..1000), (1, 0..1)], 8), [vec![0], vec![1]]);
        let many: Vec<_> = (0..70).map(|p| (p, 0..1)).collect();
        let sizes: Vec<usize> = points(&many, 1000).iter().map(Vec::len).collect();
        assert_eq!(sizes, [MAX_BATCH_POINTS, 70 - MAX_BATCH_POINTS]);
    }

    #[test]
    fn a_batch_gives_each_point_the_rows_it_gets_alone() {
        let axes = vec![parse_axis("weather.storm_rate_multiplier=0.5,2").unwrap()];
        let study = Study::sweep(BASELINE_TOML, "baseline", Some(7), axes, None).unwrap();
        let plans: Vec<CompiledScenario> = (0..2).map(|p| study.point_plan(p).unwrap()).collect();
        let jobs = [(&plans[0], 0..2), (&plans[1], 1..3), (&plans[0], 5..5)];
        let batch: Vec<RangeRows> =
            run_ranges(&jobs, study.seed, &|| {}).into_iter().map(Result::unwrap).collect();
        assert_eq!(batch.len(), 3);
        for ((plan, reps), got) in jobs.iter().zip(&batch) {
            assert_eq!(*got, run_range(plan, study.seed, reps.clone(), &|| {}).unwrap());
        }
        assert_eq!(batch[1].1.iter().map(|r| r.replication).collect::<Vec<_>>(), [1, 2]);
        assert!(batch[2].0.is_empty() && batch[2].1.is_empty());
        // The two points differ: each row came from its own plan.
        assert_ne!(batch[0].1[1].values, batch[1].1[0].values);
    }

    #[test]
    fn saving_every_few_replications_hands_points_on_in_steps_and_changes_no_row() {
        let study = Study::single(BASELINE_TOML, "baseline", Some(3)).unwrap();
        let plans = || vec![&study.plan, &study.plan];
        let mut whole = Executor::new(plans(), study.seed, 0);
        whole.ensure(7, &|| {}, &mut |_, _, _| Ok(())).unwrap();
        let mut held = Vec::new();
        let mut stepped = Executor::new(plans(), study.seed, 0).save_every(3);
        stepped
            .ensure(7, &|| {}, &mut |point, records, _| {
                held.push((point, records[point].rows.len()));
                Ok(())
            })
            .unwrap();
        assert_eq!(held, [(0, 3), (1, 3), (0, 6), (1, 6), (0, 7), (1, 7)]);
        assert_eq!(whole.records(), stepped.records());
    }

    /// Points of the same model take their first's rows, with the records,
    /// progress and hand-over of running them; the point between, of
    /// another model, runs. A first that holds fewer rows (a checkpoint)
    /// computes them in the batch, and its copy takes them there.
    #[test]
    fn a_point_of_the_same_model_takes_its_firsts_rows() {
        // The escort force with escorts off (the baseline's) is idle.
        let axes = vec![
            parse_axis("interdiction.escort.escort_vessels=1,2").unwrap(),
            parse_axis("weather.storm_rate_multiplier=1,2").unwrap(),
        ];
        let study = Study::sweep(BASELINE_TOML, "baseline", Some(5), axes, None).unwrap();
        let same = study.same_points(&study.fingerprints());
        assert_eq!(same, [(2, 0), (3, 1)]);
        // Counts the points compiled, that is, run.
        struct Counted<'s>(&'s Study, &'s std::sync::atomic::AtomicUsize);
        impl Plans for Counted<'_> {
            fn count(&self) -> usize {
                self.0.count()
            }
            fn plan(&self, point: usize) -> Result<Cow<'_, CompiledScenario>, RunError> {
                self.1.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                self.0.plan(point)
            }
        }
        let compiled = std::sync::atomic::AtomicUsize::new(0);
        let run = |reuse: bool, resumed: Option<Vec<PointRecords>>| {
            compiled.store(0, std::sync::atomic::Ordering::Relaxed);
            let plans = Counted(&study, &compiled);
            let exec = match resumed {
                Some(r) => Executor::resume(plans, study.seed, 0, r),
                None => Executor::new(plans, study.seed, 0),
            };
            let mut exec = if reuse { exec.reusing(&same) } else { exec };
            let ticks = std::sync::atomic::AtomicU64::new(0);
            let mut order = Vec::new();
            let tick = || {
                ticks.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            };
            exec.ensure(6, &tick, &mut |p, _, _| {
                order.push(p);
                Ok(())
            })
            .unwrap();
            let ran = compiled.load(std::sync::atomic::Ordering::Relaxed);
            (exec.into_records(6), ticks.into_inner(), order, ran)
        };
        let plain = run(false, None);
        let reused = run(true, None);
        assert_eq!(plain.0, reused.0);
        assert_eq!((plain.3, reused.3), (4, 2), "points 2 and 3 copied, not run");
        assert_eq!((reused.1, &reused.2[..]), (24, &[0, 1, 2, 3][..]));
        assert_eq!(reused.0[0].rows, reused.0[2].rows);
        assert_ne!(reused.0[0].rows, reused.0[1].rows);
        // Resumed with point 0 holding 2 rows and point 2 holding 4.
        let mut partial = plain.0.clone();
        partial[0].truncate(2);
        partial[2].truncate(4);
        let resumed = run(true, Some(partial));
        assert_eq!(resumed.0, plain.0);
        assert_eq!((resumed.1, &resumed.2[..], resumed.3), (4 + 2, &[0, 2][..], 1));
    }
}
