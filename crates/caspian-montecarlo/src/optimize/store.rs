//! The replications of an optimisation, keyed by (portfolio, replication
//! index): computed in parallel when first asked for, held in memory and,
//! with a checkpoint, saved to it after every few portfolios: the
//! replication journal of `run` and `compare` ([`crate::journal`]), each
//! portfolio's rows under the key of its compiled scenario and the seed. A
//! rerun with the same checkpoint replays the deterministic procedure and
//! reads these records instead of simulating them, so an interrupted
//! optimisation ends bit-identical to an uninterrupted one.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;
use std::path::Path;

use rayon::prelude::*;

use crate::execute::{RangeError, run_range};
use crate::journal::Journal;
use crate::study::Study;

use super::OptimizeError;
use crate::shown_path;

/// The records, and where they are saved.
pub struct Store<'s> {
    study: &'s Study,
    names: Vec<String>,
    rows: Vec<BTreeMap<u64, Vec<f64>>>,
    /// Per portfolio, the replications held that a safeguard stopped
    /// before the horizon.
    cut: Vec<BTreeSet<u64>>,
    /// The checkpoint, and each portfolio's key in it once looked up.
    journal: Option<(Journal, Vec<Option<String>>)>,
    progress: &'s (dyn Fn() + Sync),
    /// Replications simulated in this run.
    pub simulated: u64,
    /// Replications read from the checkpoint instead.
    pub reused: u64,
    /// Per portfolio, the end of the replications asked for (all from 0).
    asked: Vec<u64>,
}

impl std::fmt::Debug for Store<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("simulated", &self.simulated).finish_non_exhaustive()
    }
}

impl<'s> Store<'s> {
    /// A store for the portfolios (design points) of `study`; with
    /// `checkpoint`, records saved there by an earlier run (of this
    /// optimisation, or of any command that ran a portfolio's compiled
    /// scenario with the same seed) are read instead of simulated, and new
    /// ones are saved there.
    ///
    /// # Errors
    /// [`OptimizeError::Journal`] when the file cannot be read or written,
    /// is not such a checkpoint (it is left as it is), or is damaged.
    pub fn open(
        study: &'s Study,
        checkpoint: Option<&Path>,
        progress: &'s (dyn Fn() + Sync),
    ) -> Result<Self, OptimizeError> {
        let journal = match checkpoint {
            Some(path) => Some((Journal::open(path)?, vec![None; study.points.len()])),
            None => None,
        };
        Ok(Self {
            study,
            rows: vec![BTreeMap::new(); study.points.len()],
            cut: vec![BTreeSet::new(); study.points.len()],
            names: study.plan.kpi_layout().names().to_vec(),
            journal,
            progress,
            simulated: 0,
            reused: 0,
            asked: vec![0; study.points.len()],
        })
    }

    /// Reads the rows the checkpoint holds for the portfolios of `wanted`
    /// not looked up yet (their scenarios compiled, in parallel, for their
    /// keys).
    fn read_saved(&mut self, wanted: &[(usize, Range<u64>)]) -> Result<(), OptimizeError> {
        let Some((journal, keys)) = &mut self.journal else { return Ok(()) };
        let mut new: Vec<usize> =
            wanted.iter().map(|(p, _)| *p).filter(|&p| keys[p].is_none()).collect();
        new.sort_unstable();
        new.dedup();
        let study = self.study;
        let found = new
            .par_iter()
            .map(|&p| {
                let plan = study
                    .point_plan(p)
                    .map_err(|e| OptimizeError::Run(format!("portfolio {p}: {e}")))?;
                Ok((p, crate::journal::key(&plan, study.seed)))
            })
            .collect::<Result<Vec<_>, OptimizeError>>()?;
        for (p, key) in found {
            let (names, rows) = journal.take_all(&key);
            if !rows.is_empty() && names != self.names {
                return Err(OptimizeError::Journal(crate::journal::JournalError::Unfit {
                    path: shown_path(journal.path()),
                    what: format!(
                        "the rows saved for portfolio {p} name other KPIs than it (a hand-edited \
                         file?)"
                    ),
                }));
            }
            self.cut[p].extend(rows.iter().filter(|(_, row)| row.truncated).map(|(j, _)| *j));
            self.rows[p].extend(rows.into_iter().map(|(j, row)| (j, row.values)));
            keys[p] = Some(key);
        }
        Ok(())
    }

    /// The checkpoint, if one was given ([`Journal::passed_over`] says what
    /// of it was passed over when it was read).
    pub fn journal(&self) -> Option<&Journal> {
        self.journal.as_ref().map(|(journal, _)| journal)
    }

    /// The checkpoint, if there is one, for the caller to finish once the
    /// results are written ([`Journal::finish`]; kept if it held rows of a
    /// portfolio beyond those the procedure asked for); the records are
    /// dropped.
    pub fn into_journal(self) -> Option<Journal> {
        let (mut journal, _) = self.journal?;
        let beyond = |(rows, &asked): (&BTreeMap<u64, Vec<f64>>, &u64)| {
            rows.last_key_value().is_some_and(|(&j, _)| j >= asked)
        };
        if self.rows.iter().zip(&self.asked).any(beyond) {
            journal.left_unused();
        }
        Some(journal)
    }

    /// The KPI names, in the order of every row's values.
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// Makes sure every (portfolio, range) asked for is held, simulating
    /// what is not (in parallel) and saving the new rows as it goes.
    ///
    /// # Errors
    /// [`OptimizeError`] when a replication breaks an invariant, a
    /// portfolio does not compile, or the checkpoint cannot be written.
    pub fn ensure(&mut self, wanted: &[(usize, Range<u64>)]) -> Result<(), OptimizeError> {
        self.read_saved(wanted)?;
        for (p, range) in wanted {
            self.asked[*p] = self.asked[*p].max(range.end);
        }
        let mut missing: Vec<(usize, Range<u64>)> = Vec::new();
        for (p, range) in wanted {
            let mut start = None;
            for j in range.clone() {
                let have = self.rows[*p].contains_key(&j);
                match (have, start) {
                    (false, None) => start = Some(j),
                    (true, Some(s)) => {
                        missing.push((*p, s..j));
                        start = None;
                    }
                    _ => {}
                }
            }
            if let Some(s) = start {
                missing.push((*p, s..range.end));
            }
        }
        let asked: u64 = wanted.iter().map(|(_, r)| r.end - r.start).sum();
        let new: u64 = missing.iter().map(|(_, r)| r.end - r.start).sum();
        self.reused += asked - new;
        if missing.is_empty() {
            return Ok(());
        }
        // Simulated and saved a few portfolios per thread at a time, so
        // that an interruption keeps what is done (a look of a phase can be
        // thousands of replications).
        let chunk = rayon::current_num_threads().saturating_mul(4).max(1);
        for part in missing.chunks(chunk) {
            self.simulate(part)?;
        }
        self.simulated += new;
        Ok(())
    }

    /// Simulates the (portfolio, range) pairs of `part` in parallel, holds
    /// their rows and appends them to the checkpoint.
    fn simulate(&mut self, part: &[(usize, Range<u64>)]) -> Result<(), OptimizeError> {
        let (study, progress) = (self.study, self.progress);
        let results = part
            .par_iter()
            .map(|(p, range)| {
                let plan = study
                    .point_plan(*p)
                    .map_err(|e| OptimizeError::Run(format!("portfolio {p}: {e}")))?;
                run_range(&plan, study.seed, range.clone(), progress).map_err(|e| match e {
                    RangeError::Conservation(r, _) => OptimizeError::Run(format!(
                        "portfolio {p}, replication {r}: cargo was not conserved (a bug)"
                    )),
                    RangeError::KpiNames(r) => OptimizeError::Run(format!(
                        "portfolio {p}, replication {r}: KPI layout changed (a bug)"
                    )),
                })
            })
            .collect::<Result<Vec<_>, OptimizeError>>()?;
        for ((p, _), (names, rows)) in part.iter().zip(results) {
            if names != self.names {
                return Err(OptimizeError::Run(format!(
                    "portfolio {p} has other KPIs than the scenario (a bug)"
                )));
            }
            if let Some((journal, keys)) = &mut self.journal {
                let key = keys[*p].as_deref().expect("looked up before it runs");
                journal.append(key, &names, &rows).map_err(|e| OptimizeError::Checkpoint {
                    path: shown_path(journal.path()),
                    message: e.to_string(),
                })?;
            }
            for r in rows {
                if r.truncated {
                    self.cut[*p].insert(r.replication);
                }
                self.rows[*p].insert(r.replication, r.values);
            }
        }
        if let Some((journal, _)) = &mut self.journal {
            journal.sync().map_err(|e| OptimizeError::Checkpoint {
                path: shown_path(journal.path()),
                message: e.to_string(),
            })?;
        }
        Ok(())
    }

    /// For each portfolio some of whose replications held (up to the last
    /// asked for) a safeguard (`max_events`, `max_waiting`) stopped before
    /// the horizon: the portfolio, how many, and how many it holds there
    /// (the selection's start after a gap, so not the last index).
    pub fn cut_short(&self) -> Vec<(usize, u64, u64)> {
        (0..self.cut.len())
            .filter_map(|p| {
                let cut = self.cut[p].range(0..self.asked[p]).count() as u64;
                let held = self.rows[p].range(0..self.asked[p]).count() as u64;
                (cut > 0).then_some((p, cut, held))
            })
            .collect()
    }

    /// The values of KPI `kpi` (a position in [`names`](Self::names)) for
    /// replications `range` of `portfolio`, which must be held.
    ///
    /// # Panics
    /// If a replication is not held (a defect: [`ensure`](Self::ensure)
    /// first).
    pub fn column(&self, portfolio: usize, kpi: Option<usize>, range: Range<u64>) -> Vec<f64> {
        range
            .map(|j| {
                let v = &self.rows[portfolio][&j];
                kpi.map_or(f64::NAN, |k| v[k])
            })
            .collect()
    }
}
