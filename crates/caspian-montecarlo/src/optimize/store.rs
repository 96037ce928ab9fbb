//! The replications of an optimisation, keyed by (portfolio, replication
//! index): computed in parallel when first asked for, held in memory and,
//! with a checkpoint, appended to a JSON Lines file after every batch (the
//! layout of [`crate::checkpoint`]: a header line, then one line per
//! portfolio and batch of rows; a torn last line from a kill, or a tail of
//! zero bytes from a crash, is dropped on reading). A rerun with the same checkpoint replays the deterministic
//! procedure and reads these records instead of simulating them, so an
//! interrupted optimisation ends bit-identical to an uninterrupted one.

use std::collections::BTreeMap;
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::ops::Range;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::execute::{RangeError, run_range};
use crate::input::{InputKind, read_text};
use crate::records::Row;
use crate::study::Study;

use super::OptimizeError;
use crate::rare::KpiRange;
use crate::shown_path;
use crate::validate::{cap, value_problem};

/// The first line of an optimisation checkpoint.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Header {
    /// Always `optimize_checkpoint`.
    kind: String,
    /// SHA-256 of the scenario, the decisions and the seed.
    fingerprint: String,
}

/// Rows computed for one portfolio.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Batch {
    portfolio: usize,
    rows: Vec<Row>,
}

/// The records, and where they are saved.
pub struct Store<'s> {
    study: &'s Study,
    names: Vec<String>,
    rows: Vec<BTreeMap<u64, Vec<f64>>>,
    journal: Option<(PathBuf, File)>,
    progress: &'s (dyn Fn() + Sync),
    /// Replications simulated in this run.
    pub simulated: u64,
    /// Replications read from the checkpoint instead.
    pub reused: u64,
}

impl std::fmt::Debug for Store<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("simulated", &self.simulated).finish_non_exhaustive()
    }
}

/// The fingerprint of what determines every record: the scenario text (and
/// the files it extends, and the `--set` overrides), the portfolios'
/// decision values, the master seed and the program's version.
pub fn fingerprint(study: &Study) -> String {
    // The scenario's text, the files it extends, the --set overrides, the
    // seed, the portfolios and the program's version: a record computed
    // under any other of these is not reused.
    let mut text =
        format!("{}\nseed {}\nversion {}\n", study.sha256, study.seed, env!("CARGO_PKG_VERSION"));
    for parent in &study.lineage.extends {
        text.push_str(&format!("extends {}\n", parent.sha256));
    }
    for o in &study.lineage.overrides {
        text.push_str(&format!("set {o}\n"));
    }
    for p in 0..study.points.len() {
        text.push_str(&study.describe_point(p));
        text.push('\n');
    }
    crate::study::sha256_hex(&text)
}

impl<'s> Store<'s> {
    /// A store for the portfolios (design points) of `study`; with
    /// `checkpoint`, records saved there by an earlier run of the same
    /// problem are read first and the file is rewritten (atomically) and
    /// appended to from then on.
    ///
    /// # Errors
    /// [`OptimizeError::Checkpoint`] when the file cannot be read or
    /// written, is not an optimisation checkpoint, or belongs to another
    /// scenario, decisions or seed.
    pub fn open(
        study: &'s Study,
        checkpoint: Option<&Path>,
        progress: &'s (dyn Fn() + Sync),
    ) -> Result<Self, OptimizeError> {
        let names = study.plan.kpi_layout().names().to_vec();
        let mut store = Self {
            study,
            rows: vec![BTreeMap::new(); study.points.len()],
            names,
            journal: None,
            progress,
            simulated: 0,
            reused: 0,
        };
        let Some(path) = checkpoint else { return Ok(store) };
        let fail = |message: String| OptimizeError::Checkpoint { path: shown_path(path), message };
        let head = Header { kind: "optimize_checkpoint".into(), fingerprint: fingerprint(study) };
        if path.exists() {
            store.load(path, &head).map_err(fail)?;
        }
        let mut text = serde_json::to_string(&head).map_err(|e| fail(e.to_string()))?;
        text.push('\n');
        for (portfolio, rows) in store.rows.iter().enumerate() {
            if !rows.is_empty() {
                let rows = rows.iter().map(|(&i, v)| row(i, v.clone())).collect();
                let line = serde_json::to_string(&Batch { portfolio, rows })
                    .map_err(|e| fail(e.to_string()))?;
                text.push_str(&line);
                text.push('\n');
            }
        }
        crate::atomic::write_atomic(path, text.as_bytes()).map_err(|e| fail(e.to_string()))?;
        let file = OpenOptions::new().append(true).open(path).map_err(|e| fail(e.to_string()))?;
        store.journal = Some((path.to_path_buf(), file));
        Ok(store)
    }

    fn load(&mut self, path: &Path, head: &Header) -> Result<(), String> {
        let text = read_text(path, InputKind::Result).map_err(|e| e.to_string())?;
        let (lines, _) = crate::checkpoint::journal_lines(&text);
        let first: Header = lines
            .first()
            .and_then(|l| serde_json::from_str(l).ok())
            .ok_or("not an optimisation checkpoint (no header line)")?;
        if first.kind != head.kind {
            return Err(format!("not an optimisation checkpoint (kind \"{}\")", first.kind));
        }
        if first.fingerprint != head.fingerprint {
            return Err("it belongs to a different scenario, set of decisions or seed; delete it \
                        or give another --checkpoint"
                .into());
        }
        let ranges: Vec<KpiRange> = self.names.iter().map(|k| KpiRange::of(k)).collect();
        for (i, line) in lines.iter().enumerate().skip(1) {
            let batch: Batch = match serde_json::from_str(line) {
                Ok(b) => b,
                Err(_) if i == lines.len() - 1 => break,
                Err(e) => return Err(format!("line {}: {e}", i + 1)),
            };
            let rows = self
                .rows
                .get_mut(batch.portfolio)
                .ok_or_else(|| format!("line {}: portfolio out of range", i + 1))?;
            for r in batch.rows {
                if r.values.len() != self.names.len() {
                    return Err(format!("line {}: a row has the wrong number of KPIs", i + 1));
                }
                for ((&v, &range), kpi) in r.values.iter().zip(&ranges).zip(&self.names) {
                    if let Some(problem) = value_problem(v, range) {
                        return Err(format!("line {}: {}: {problem}", i + 1, cap(kpi)));
                    }
                }
                rows.insert(r.replication, r.values);
            }
        }
        Ok(())
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
        let mut lines = String::new();
        for ((p, _), (names, rows)) in part.iter().zip(results) {
            if names != self.names {
                return Err(OptimizeError::Run(format!(
                    "portfolio {p} has other KPIs than the scenario (a bug)"
                )));
            }
            if self.journal.is_some() {
                let line = serde_json::to_string(&Batch { portfolio: *p, rows: rows.clone() })
                    .map_err(|e| OptimizeError::Run(e.to_string()))?;
                lines.push_str(&line);
                lines.push('\n');
            }
            for r in rows {
                self.rows[*p].insert(r.replication, r.values);
            }
        }
        if let Some((path, file)) = &mut self.journal {
            let fail = |e: std::io::Error| OptimizeError::Checkpoint {
                path: shown_path(path),
                message: e.to_string(),
            };
            file.write_all(lines.as_bytes()).map_err(fail)?;
            file.sync_data().map_err(fail)?;
        }
        Ok(())
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

fn row(replication: u64, values: Vec<f64>) -> Row {
    Row { replication, events: 0, truncated: false, values, saturated: Vec::new() }
}
