//! Reading what charts are made from: result documents (`--json` of run,
//! sweep and compare) and per-replication values (`caspian run --csv`).

use caspian_montecarlo::document::{CompareDoc, Document, RunDoc, SweepDoc};
use caspian_montecarlo::records::PointRecords;
use caspian_montecarlo::select;
use caspian_montecarlo::stats::Summary;

use crate::error::ReportError;

/// A result document of any kind that has charts.
#[derive(Debug, Clone)]
pub enum ResultDoc {
    /// `caspian run --json` (or `caspian merge --json` of a run).
    Run(Box<RunDoc>),
    /// `caspian sweep --json`.
    Sweep(Box<SweepDoc>),
    /// `caspian compare --json`.
    Compare(Box<CompareDoc>),
}

impl ResultDoc {
    /// Reads a result document from its JSON text, whatever its kind,
    /// through the runner's checked reader ([`Document::from_json`]).
    ///
    /// # Errors
    /// [`ReportError::Parse`] when it is not JSON, not a result document,
    /// damaged (the message names the field), or a result with no report
    /// (a shard's partial result, a warm-up analysis).
    pub fn from_json(text: &str) -> Result<Self, ReportError> {
        match Document::from_json(text) {
            Ok(doc) => Self::from_document(doc),
            Err(e) => {
                // A partial result is refused by kind, however damaged it
                // is. Looked at only on failure: a large sweep's text is
                // parsed as few times as the checked loader needs.
                #[derive(serde::Deserialize)]
                struct Kind {
                    kind: Option<serde_json::Value>,
                }
                if let Ok(Kind { kind: Some(k) }) = serde_json::from_str::<Kind>(text)
                    && k == "partial"
                {
                    return Err(ReportError::parse(
                        "result file",
                        "this is a partial result; join the parts with `caspian merge` first",
                    ));
                }
                Err(ReportError::parse("result file", e.to_string()))
            }
        }
    }

    /// The document, if it is a kind that has charts.
    ///
    /// # Errors
    /// [`ReportError::Parse`] for a partial result or a warm-up analysis.
    pub fn from_document(doc: Document) -> Result<Self, ReportError> {
        let what = "result file";
        match doc {
            Document::Run(d) => Ok(Self::Run(Box::new(d))),
            Document::Sweep(d) => Ok(Self::Sweep(Box::new(d))),
            Document::Compare(d) => Ok(Self::Compare(Box::new(d))),
            Document::Partial(_) => Err(ReportError::parse(
                what,
                "this is a partial result; join the parts with `caspian merge` first",
            )),
            Document::Warmup(_) => Err(ReportError::parse(
                what,
                "this is a warm-up analysis, which has no charts here (neither `report` nor `plot`: \
                 its CSV holds the series to chart)",
            )),
        }
    }

    /// `run`, `sweep` or `compare`.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Run(_) => "run",
            Self::Sweep(_) => "sweep",
            Self::Compare(_) => "compare",
        }
    }

    /// The scenario name for titles (base and policies for a comparison).
    pub fn scenario_title(&self) -> String {
        match self {
            Self::Run(d) => d.scenario.clone(),
            Self::Sweep(d) => d.scenario.clone(),
            Self::Compare(d) => {
                d.scenarios.iter().map(|s| s.name.as_str()).collect::<Vec<_>>().join(" vs ")
            }
        }
    }

    /// Every KPI name of the result, sorted.
    pub fn kpi_names(&self) -> Vec<String> {
        match self {
            Self::Run(d) => d.kpis.keys().cloned().collect(),
            Self::Sweep(d) => {
                d.points.first().map_or_else(Vec::new, |p| p.kpis.keys().cloned().collect())
            }
            Self::Compare(d) => {
                d.summaries.first().map_or_else(Vec::new, |s| s.keys().cloned().collect())
            }
        }
    }

    /// The KPI names of every scenario the result holds (a comparison's
    /// policies and a sweep's points too, not only the first), sorted,
    /// each once: what a trace of any of them may show.
    pub fn every_kpi_name(&self) -> Vec<String> {
        let names: std::collections::BTreeSet<&String> = match self {
            Self::Run(d) => d.kpis.keys().collect(),
            Self::Sweep(d) => d.points.iter().flat_map(|p| p.kpis.keys()).collect(),
            Self::Compare(d) => d.summaries.iter().flat_map(|s| s.keys()).collect(),
        };
        names.into_iter().cloned().collect()
    }
}

/// The KPI names matching `patterns` (`*` wildcards), or an error naming
/// some that exist.
///
/// # Errors
/// [`ReportError::UnknownKpi`] when a pattern matches nothing.
pub fn select_kpis(names: &[String], patterns: &[String]) -> Result<Vec<String>, ReportError> {
    let mut out: Vec<String> = Vec::new();
    for p in patterns {
        let hit: Vec<&str> = select::select(names, std::slice::from_ref(p));
        if hit.is_empty() {
            return Err(unknown_kpi(p, names));
        }
        for h in hit {
            if !out.iter().any(|o| o == h) {
                out.push(h.to_string());
            }
        }
    }
    Ok(out)
}

/// The KPIs that get a chart each: those [`select_kpis`] picks, less the
/// points of monthly series (`month_*`, drawn together as fan charts:
/// [`crate::fan`]) that no pattern names exactly, so `--kpi '*'` does not
/// draw one chart per month.
///
/// # Errors
/// [`ReportError::UnknownKpi`] when a pattern matches nothing.
pub fn charted_kpis(names: &[String], patterns: &[String]) -> Result<Vec<String>, ReportError> {
    let mut kpis = select_kpis(names, patterns)?;
    kpis.retain(|k| {
        let series = caspian_montecarlo::schema::family_of(k).is_some_and(|f| f.is_series());
        !series || patterns.iter().any(|p| p == k)
    });
    Ok(kpis)
}

/// The error for a KPI that is not there, with a hint of names that are.
pub fn unknown_kpi(kpi: &str, names: &[String]) -> ReportError {
    let family = kpi.split('.').next().unwrap_or(kpi);
    let mut near: Vec<&str> =
        names.iter().filter(|n| n.starts_with(family)).map(String::as_str).take(6).collect();
    if near.is_empty() {
        near = names.iter().map(String::as_str).take(6).collect();
    }
    let hint = if near.is_empty() {
        "the document has no KPIs at all".to_string()
    } else {
        format!("for example: {}", near.join(", "))
    };
    ReportError::UnknownKpi { kpi: kpi.to_string(), hint }
}

/// Per-replication KPI values of one run, in replication order.
#[derive(Debug, Clone, PartialEq)]
pub struct Replications {
    /// KPI names, one per column.
    pub names: Vec<String>,
    /// One row of values per replication (NaN where undefined).
    pub rows: Vec<Vec<f64>>,
}

impl Replications {
    /// Reads the CSV written by `caspian run --csv` (the runner's format,
    /// [`caspian_montecarlo::replication_csv`]).
    ///
    /// # Errors
    /// [`ReportError::Parse`] when the columns or a number are wrong.
    pub fn from_csv(text: &str) -> Result<Self, ReportError> {
        let table = caspian_montecarlo::replication_csv::read(text)
            .map_err(|e| ReportError::parse("replications CSV", e.to_string()))?;
        Ok(Self { names: table.names, rows: table.rows })
    }

    /// The values of the runner's records (what `caspian run --csv` writes).
    pub fn from_records(records: &PointRecords) -> Self {
        Self {
            names: records.kpi_names.clone(),
            rows: records.rows.iter().map(|r| r.values.clone()).collect(),
        }
    }

    /// One KPI's values, in replication order.
    ///
    /// # Errors
    /// [`ReportError::UnknownKpi`] when there is no such column.
    pub fn column(&self, kpi: &str) -> Result<Vec<f64>, ReportError> {
        let i = self
            .names
            .iter()
            .position(|n| n == kpi)
            .ok_or_else(|| unknown_kpi(kpi, &self.names))?;
        Ok(self.rows.iter().map(|r| r[i]).collect())
    }

    /// The values of `kpi` as a condition on it reads them: a recovery
    /// time left undefined by an episode that never recovered is +inf
    /// ([`caspian_montecarlo::measure::censored`]), where the file has the
    /// `unrecovered.<id>` column to tell.
    ///
    /// # Errors
    /// As [`column`](Self::column).
    pub fn censored_column(&self, kpi: &str) -> Result<Vec<f64>, ReportError> {
        let values = self.column(kpi)?;
        let by = caspian_montecarlo::schema::unrecovered_of(kpi).and_then(|u| self.column(&u).ok());
        Ok(match by {
            Some(unrecovered) => caspian_montecarlo::measure::censor(values, &unrecovered),
            None => values,
        })
    }

    /// Checks that these values are those the run document summarises: the
    /// same number of replications, and for every KPI of both the same
    /// count, mean, standard deviation and percentiles
    /// ([`Self::check_against`]), so that a CSV of another run (another
    /// seed), or one edited, is refused whatever the report charts.
    ///
    /// # Errors
    /// [`ReportError::Mismatch`] naming what differs.
    pub fn check_whole(&self, doc: &RunDoc) -> Result<(), ReportError> {
        self.names.iter().try_for_each(|kpi| self.check_against(doc, kpi))
    }

    /// Whether the CSV is of the run `doc` summarises, by `kpi`: the same
    /// replications and the same summary (mean, sd, P5, P50, P95: values
    /// moved so that the mean stays, which would change the histogram, are
    /// caught by the spread).
    ///
    /// # Errors
    /// [`ReportError::Mismatch`] where they differ.
    pub fn check_against(&self, doc: &RunDoc, kpi: &str) -> Result<(), ReportError> {
        if self.rows.len() as u64 != doc.replications {
            return Err(ReportError::Mismatch(format!(
                "the replications CSV has {} replications but the run result summarises {}: they \
                 are not from the same run",
                self.rows.len(),
                doc.replications
            )));
        }
        let Some(s) = doc.kpis.get(kpi) else { return Ok(()) };
        let mine = Summary::of(&self.column(kpi)?);
        let tol = 1e-9 * s.mean.abs().max(1.0);
        let same_mean = (mine.mean - s.mean).abs() <= tol || (mine.n == 0 && s.n == 0);
        if mine.n != s.n || !same_mean {
            return Err(ReportError::Mismatch(format!(
                "the replications CSV does not belong to this run: {kpi} has mean {} over {} \
                 replications in the CSV but {} over {} in the result",
                mine.mean, mine.n, s.mean, s.n
            )));
        }
        let scale = [s.mean, s.p05, s.p95]
            .iter()
            .filter(|v| v.is_finite())
            .fold(1.0, |m: f64, v| m.max(v.abs()));
        let same =
            |a: f64, b: f64| a == b || (a.is_nan() && b.is_nan()) || (a - b).abs() <= 1e-9 * scale;
        let spread = [
            ("sd", mine.sd, s.sd),
            ("P5", mine.p05, s.p05),
            ("P50", mine.p50, s.p50),
            ("P95", mine.p95, s.p95),
        ];
        if let Some((what, csv, doc)) = spread.into_iter().find(|&(_, a, b)| !same(a, b)) {
            return Err(ReportError::Mismatch(format!(
                "the replications CSV does not belong to this run: {kpi} has {what} {csv} in the \
                 CSV but {doc} in the result, with the same mean"
            )));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_replications_csv_and_rejects_others() {
        let (a, b) = ("delivered_total.oil", "delivered_total.teu");
        let csv =
            format!("replication,events,truncated,{a},{b}\n0,10,false,1.5,\n1,12,false,2.5,3\n");
        let r = Replications::from_csv(&csv).unwrap();
        assert_eq!(r.names, [a, b]);
        assert_eq!(r.column(a).unwrap(), [1.5, 2.5]);
        assert!(r.column(b).unwrap()[0].is_nan());
        assert!(matches!(r.column("c"), Err(ReportError::UnknownKpi { .. })));
        let sweep = "point,x,kpi,mean\n0,1,a,2\n";
        assert!(matches!(Replications::from_csv(sweep), Err(ReportError::Parse { .. })));
        let bad = format!("replication,events,truncated,{a}\n0,1,false,x\n");
        let bad = bad.as_str();
        let e = Replications::from_csv(bad).unwrap_err().to_string();
        assert!(e.contains("line 2"), "{e}");
    }

    #[test]
    fn tells_the_kinds_apart() {
        assert!(matches!(ResultDoc::from_json("[]"), Err(ReportError::Parse { .. })));
        assert!(matches!(ResultDoc::from_json("nope"), Err(ReportError::Parse { .. })));
        let e = ResultDoc::from_json(r#"{"kind":"partial"}"#).unwrap_err().to_string();
        assert!(e.contains("caspian merge"), "{e}");
        let e = ResultDoc::from_json(r#"{"kind":"run"}"#).unwrap_err().to_string();
        assert!(e.contains("not a valid run result"), "{e}");
    }
}
