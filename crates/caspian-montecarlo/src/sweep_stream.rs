//! A finished sweep's results, summarised and written one design point at a
//! time, so that memory does not grow with the number of points beyond the
//! per-replication records.
//!
//! [`SweepResult`] holds what a sweep (or a merge of sweep shards) ends
//! with: the study header, every point's records, the KPI units and the
//! sequential-stopping outcome. It makes each point's summary
//! ([`SweepResult::point`]) on demand. [`SweepStream`] writes the sweep
//! document point by point into any writer (a result file's temporary
//! file), byte for byte the text that [`Document::to_json`] gives for the
//! whole document, so readers (`report`, `merge`, `validate`) see the same
//! format.

use std::io::{self, Write};

use rayon::ThreadPool;
use rayon::prelude::*;

use crate::document::{
    Document, KpiUnits, StudyHeader, SweepDoc, SweepPoint, sweep_head, sweep_point,
};
use crate::records::PointRecords;
use crate::sequential::TargetReport;

/// The records of every design point of a finished sweep, with what is
/// needed to summarise them.
#[derive(Debug, Clone, PartialEq)]
pub struct SweepResult {
    /// The study (its `reference` is the point differences are taken
    /// against).
    pub header: StudyHeader,
    /// Records per design point, all over the same replications.
    pub records: Vec<PointRecords>,
    /// The unit of each KPI.
    pub units: KpiUnits,
    /// Sequential-stopping outcome, when a target was given.
    pub target: Option<TargetReport>,
}

impl SweepResult {
    /// Number of design points.
    pub fn len(&self) -> usize {
        self.records.len()
    }

    /// Whether the sweep has no design points (never, for a sweep that ran).
    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }

    /// The document without its points.
    pub fn head(&self) -> SweepDoc {
        sweep_head(&self.header, &self.records, self.target.clone())
    }

    /// Design point `index`, summarised, with its differences from the
    /// reference point.
    ///
    /// # Panics
    /// If `index` is not a design point.
    pub fn point(&self, index: usize) -> SweepPoint {
        sweep_point(&self.header, &self.records, index, &self.units)
    }

    /// Every design point in order, as [`point`](Self::point) makes it, with
    /// its text in the document ([`SweepStream::point_text`]) when `json`:
    /// made in parallel on `pool`, a few points per thread at a time (at
    /// most [`MAX_POINTS_AT_ONCE`]), so that only those are held at once.
    /// The iterator itself runs on the calling thread (a command's output
    /// set, which its writes join, belongs to that thread).
    pub fn points_in_order<'s>(
        &'s self,
        json: bool,
        pool: &'s ThreadPool,
    ) -> impl Iterator<Item = (SweepPoint, Option<io::Result<String>>)> + 's {
        let chunk = (POINTS_PER_THREAD * pool.current_num_threads()).clamp(1, MAX_POINTS_AT_ONCE);
        (0..self.len()).step_by(chunk).flat_map(move |start| {
            let end = (start + chunk).min(self.len());
            pool.install(|| {
                (start..end)
                    .into_par_iter()
                    .map(|i| {
                        let point = self.point(i);
                        let text = json.then(|| SweepStream::<Vec<u8>>::point_text(&point));
                        (point, text)
                    })
                    .collect::<Vec<_>>()
            })
        })
    }

    /// The whole document in memory (for the HTML report, which shows every
    /// point).
    pub fn to_doc(&self) -> SweepDoc {
        let mut doc = self.head();
        doc.points = (0..self.len()).map(|i| self.point(i)).collect();
        doc
    }
}

/// Writes a sweep document point by point: [`begin`](Self::begin) writes
/// everything before the points, [`point`](Self::point) each point in
/// order, [`finish`](Self::finish) the rest.
#[derive(Debug)]
pub struct SweepStream<W: Write> {
    out: W,
    written: usize,
    suffix: String,
}

/// Points summarised at once per worker thread by
/// [`SweepResult::points_in_order`].
const POINTS_PER_THREAD: usize = 4;

/// The most points [`SweepResult::points_in_order`] holds at once, however
/// many threads (a baseline point's summary and text take about 0.6 MB).
pub const MAX_POINTS_AT_ONCE: usize = 64;

/// Where the points go in the pretty JSON of a document with no points.
const EMPTY_POINTS: &str = "\n  \"points\": []";

/// Indentation of a point inside the document (`points` is a field of the
/// top-level object).
const POINT_INDENT: &str = "\n    ";

impl<W: Write> SweepStream<W> {
    /// Starts the document of `head` (whose `points` are ignored) in `out`.
    ///
    /// # Errors
    /// The I/O error, or a serialisation failure (a defect).
    pub fn begin(mut out: W, head: &SweepDoc) -> io::Result<Self> {
        let text = Document::Sweep(SweepDoc { points: Vec::new(), ..head.clone() })
            .to_json()
            .map_err(io::Error::other)?;
        // Strings in JSON never hold a raw newline, so this is the field.
        let at = text
            .find(EMPTY_POINTS)
            .ok_or_else(|| io::Error::other("the sweep document has no points field"))?;
        out.write_all(&text.as_bytes()[..at + EMPTY_POINTS.len() - 1])?;
        Ok(Self { out, written: 0, suffix: text[at + EMPTY_POINTS.len()..].to_string() })
    }

    /// Writes the next design point.
    ///
    /// # Errors
    /// The I/O error, or a serialisation failure (a defect).
    pub fn point(&mut self, point: &SweepPoint) -> io::Result<()> {
        self.point_from_text(&Self::point_text(point)?)
    }

    /// The text of `point` in the document, indented as it stands there
    /// (what [`point_from_text`](Self::point_from_text) takes).
    ///
    /// # Errors
    /// A serialisation failure (a defect).
    pub fn point_text(point: &SweepPoint) -> io::Result<String> {
        let text = serde_json::to_string_pretty(point).map_err(io::Error::other)?;
        let mut out = String::with_capacity(text.len() + text.len() / 8);
        let mut lines = text.split('\n');
        if let Some(first) = lines.next() {
            out.push_str(first);
        }
        for line in lines {
            out.push_str(POINT_INDENT);
            out.push_str(line);
        }
        Ok(out)
    }

    /// Writes the next design point from its [`point_text`](Self::point_text).
    ///
    /// # Errors
    /// The I/O error.
    pub fn point_from_text(&mut self, text: &str) -> io::Result<()> {
        if self.written > 0 {
            self.out.write_all(b",")?;
        }
        self.out.write_all(POINT_INDENT.as_bytes())?;
        self.out.write_all(text.as_bytes())?;
        self.written += 1;
        Ok(())
    }

    /// Ends the points and writes the fields after them, returning the
    /// writer.
    ///
    /// # Errors
    /// The I/O error.
    pub fn finish(mut self) -> io::Result<W> {
        if self.written > 0 {
            self.out.write_all(b"\n  ")?;
        }
        self.out.write_all(b"]")?;
        self.out.write_all(self.suffix.as_bytes())?;
        Ok(self.out)
    }
}

/// Writes the whole sweep document of `result` into `out`, one point at a
/// time, calling `each` with every point after it is written (to write a
/// CSV, or keep rows of a table, as the points go by); the points are
/// summarised on `pool`.
///
/// # Errors
/// The I/O error, or what `each` returns.
pub fn write_sweep<W: Write>(
    result: &SweepResult,
    out: W,
    pool: &ThreadPool,
    mut each: impl FnMut(&SweepPoint) -> io::Result<()>,
) -> io::Result<W> {
    let mut stream = SweepStream::begin(out, &result.head())?;
    for (point, text) in result.points_in_order(true, pool) {
        stream.point_from_text(&text.expect("asked for")?)?;
        each(&point)?;
    }
    stream.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::{StudyKind, kpi_units};
    use crate::execute::Executor;
    use crate::study::{Study, parse_axis};
    use caspian_shipping::BASELINE_TOML;

    fn result(reference: usize) -> SweepResult {
        let axes = vec![parse_axis("weather.storm_rate_multiplier=0.5,1,2").unwrap()];
        let study = Study::sweep(BASELINE_TOML, "baseline", Some(3), axes, None).unwrap();
        let mut exec = Executor::new(&study, study.seed, 0);
        exec.ensure(3, &|| {}, &mut |_, _, _| Ok(())).unwrap();
        let records = exec.into_records(3);
        let units = kpi_units(&study.plan, &records[0].kpi_names);
        let mut header = StudyHeader::of(&study, StudyKind::Sweep, 3);
        header.reference = reference;
        SweepResult { header, records, units, target: None }
    }

    #[test]
    fn the_streamed_document_is_the_whole_document() {
        for reference in [0, 2] {
            let r = result(reference);
            let whole = Document::Sweep(r.to_doc()).to_json().unwrap();
            let mut seen = Vec::new();
            let pool = crate::pool::pool(Some(2)).unwrap();
            let bytes = write_sweep(&r, Vec::new(), &pool, |p| {
                seen.push(p.index);
                Ok(())
            })
            .unwrap();
            assert_eq!(String::from_utf8(bytes).unwrap(), whole);
            assert_eq!(seen, vec![0, 1, 2]);
            let back = Document::from_json(&whole).unwrap();
            let Document::Sweep(doc) = back else { panic!("not a sweep") };
            assert_eq!(doc.reference, reference);
            assert!(doc.points[reference].differences.is_empty());
        }
    }

    #[test]
    fn differences_are_paired_against_the_reference() {
        let r = result(1);
        let p = r.point(2);
        let name = "delivered_total.oil";
        let d = &p.differences[name];
        let per_rep: Vec<f64> = r.records[2]
            .column_named(name)
            .iter()
            .zip(r.records[1].column_named(name))
            .map(|(a, b)| a - b)
            .collect();
        let mean = per_rep.iter().sum::<f64>() / per_rep.len() as f64;
        assert!((d.mean_diff - mean).abs() <= 1e-9 * mean.abs().max(1.0));
        assert!(d.ci95_low <= d.mean_diff && d.mean_diff <= d.ci95_high);
        assert_eq!(d.unit, p.kpis[name].unit);
        assert!(r.point(1).differences.is_empty());
    }
}
