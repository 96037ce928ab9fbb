//! The per-replication CSV (`caspian run --csv FILE`, `run --report DIR`'s
//! `replications.csv`, `merge --csv` of run shards), defined once: written
//! here from records and read back here by the report.
//!
//! Columns: [`LEAD_COLUMNS`] (`replication`, `events`, `truncated`), then one
//! per KPI in name order. An empty cell is an undefined value (NaN).

use crate::records::PointRecords;

/// The columns before the KPIs.
pub const LEAD_COLUMNS: [&str; 3] = ["replication", "events", "truncated"];

/// A per-replication CSV that cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ReplicationCsvError(pub String);

/// KPI values of every replication, as read from the CSV.
#[derive(Debug, Clone, PartialEq)]
pub struct ReplicationTable {
    /// KPI names, one per column after the lead columns.
    pub names: Vec<String>,
    /// One row of values per replication, in file order (NaN where empty).
    pub rows: Vec<Vec<f64>>,
}

/// A CSV field for a number: empty when undefined.
pub fn field(x: f64) -> String {
    if x.is_finite() { x.to_string() } else { String::new() }
}

/// Writes the CSV of `records` into `w`, one row per replication as it
/// goes (a large result reaches its file without being held as text).
///
/// # Errors
/// When `w`'s writer fails (e.g. a full disk), or the CSV writer does (a
/// defect).
pub fn write_into<W: std::io::Write>(
    records: &PointRecords,
    w: &mut csv::Writer<W>,
) -> Result<(), csv::Error> {
    let mut header: Vec<String> = LEAD_COLUMNS.iter().map(|c| (*c).to_string()).collect();
    header.extend(records.kpi_names.iter().cloned());
    w.write_record(&header)?;
    for row in &records.rows {
        let mut r =
            vec![row.replication.to_string(), row.events.to_string(), row.truncated.to_string()];
        r.extend(row.values.iter().map(|v| field(*v)));
        w.write_record(&r)?;
    }
    Ok(())
}

/// Lines of a text counted up to a byte offset, for offsets that only grow
/// (each byte is looked at once).
struct LineCount<'t> {
    text: &'t [u8],
    scanned: usize,
    line: u64,
}

impl LineCount<'_> {
    /// The line (from 1) of the record that starts at byte `offset`: the
    /// csv reader's record starts where the one before ended, so the blank
    /// lines it skipped come first.
    fn to(&mut self, offset: u64) -> u64 {
        let mut end = usize::try_from(offset).unwrap_or(usize::MAX).min(self.text.len());
        while self.text.get(end) == Some(&b'\n') {
            end += 1;
        }
        if end > self.scanned {
            self.line +=
                self.text[self.scanned..end].iter().filter(|&&b| b == b'\n').count() as u64;
            self.scanned = end;
        }
        self.line
    }
}

/// Reads the CSV written by [`write_into`].
///
/// # Errors
/// [`ReplicationCsvError`] when the columns are not these, a value is not a
/// number, or there are no rows.
pub fn read(text: &str) -> Result<ReplicationTable, ReplicationCsvError> {
    let bad = |m: String| ReplicationCsvError(m);
    let text = crate::input::lf_line_ends(text);
    let mut r = csv::Reader::from_reader(text.as_bytes());
    let header = r.headers().map_err(|e| bad(e.to_string()))?.clone();
    if header.len() <= LEAD_COLUMNS.len() || header.iter().take(3).ne(LEAD_COLUMNS) {
        return Err(bad(format!(
            "expected the columns {},<KPIs...> written by `caspian run --csv FILE` (a sweep's or \
             comparison's CSV holds summaries, not replications)",
            LEAD_COLUMNS.join(",")
        )));
    }
    let names: Vec<String> = header.iter().skip(3).map(str::to_string).collect();
    if let Some(twice) = crate::validate::repeated_name(&names) {
        return Err(bad(format!("the column {} is there twice", crate::validate::cap(twice))));
    }
    // The columns are the KPIs caspian writes, in its order, and each value
    // one a replication can give: a file edited by hand or damaged is
    // named here, not by a chart that skips what it cannot read.
    if let Some(problem) = crate::validate::kpi_names_problem(&names) {
        return Err(bad(format!("the header's KPI columns: {problem}")));
    }
    let ranges: Vec<crate::rare::KpiRange> =
        names.iter().map(|k| crate::rare::KpiRange::of(k)).collect();
    let mut rows = Vec::new();
    let mut last: Option<u64> = None;
    let mut lines = LineCount { text: text.as_bytes(), scanned: 0, line: 1 };
    for (i, rec) in r.records().enumerate() {
        let rec = rec.map_err(|e| bad(e.to_string()))?;
        // The line of the file the record starts on, blank lines and quoted
        // line breaks counted (the csv reader's own count skips blank lines).
        let line = rec.position().map_or(i as u64 + 2, |p| lines.to(p.byte()));
        // Replications are written once each, in order.
        let cell = rec.get(0).unwrap_or("");
        let Ok(replication) = cell.parse::<u64>() else {
            return Err(bad(format!("line {line}: replication \"{cell}\" is not a whole number")));
        };
        if last.is_some_and(|l| replication <= l) {
            return Err(bad(format!(
                "line {line}: replication {replication} after replication {}: each is written \
                 once, in order",
                last.unwrap_or(0)
            )));
        }
        last = Some(replication);
        let row = rec
            .iter()
            .skip(3)
            .zip(names.iter().zip(&ranges))
            .map(|(cell, (kpi, &range))| {
                if cell.is_empty() {
                    return Ok(f64::NAN);
                }
                let at = || format!("line {line}, column {}", crate::validate::cap(kpi));
                let v = cell.parse::<f64>().map_err(|_| {
                    bad(format!("{}: \"{}\" is not a number", at(), crate::validate::cap(cell)))
                })?;
                if v.is_nan() {
                    return Err(bad(format!(
                        "{}: \"{}\": an undefined value is an empty cell",
                        at(),
                        crate::validate::cap(cell)
                    )));
                }
                match crate::validate::value_problem(v, range) {
                    Some(problem) => Err(bad(format!("{}: {problem}", at()))),
                    None => Ok(v),
                }
            })
            .collect::<Result<Vec<f64>, _>>()?;
        rows.push(row);
    }
    if rows.is_empty() {
        return Err(bad("no replications".into()));
    }
    Ok(ReplicationTable { names, rows })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::records::Row;

    #[test]
    fn what_is_written_is_read_back() {
        let (a, b) = ("delivered_total.oil", "service_level.oil");
        let rec = PointRecords {
            kpi_names: vec![a.into(), b.into()],
            rows: vec![
                Row {
                    replication: 0,
                    events: 10,
                    truncated: false,
                    values: vec![1.5, f64::NAN],
                    saturated: Vec::new(),
                },
                Row {
                    replication: 1,
                    events: 12,
                    truncated: true,
                    values: vec![3.0, 0.1 + 0.2],
                    saturated: Vec::new(),
                },
            ],
        };
        let mut w = csv::Writer::from_writer(Vec::new());
        write_into(&rec, &mut w).unwrap();
        let text = String::from_utf8(w.into_inner().unwrap()).unwrap();
        let head = format!("replication,events,truncated,{a},{b}\n0,10,false,1.5,\n");
        assert!(text.starts_with(&head), "{text}");
        let t = read(&text).unwrap();
        assert_eq!(t.names, [a, b]);
        assert_eq!(t.rows[1], [3.0, 0.1 + 0.2]);
        assert!(t.rows[0][1].is_nan());
        assert!(read("point,x,kpi,mean\n0,1,a,2\n").is_err());
        let one = |rows: &str| read(&format!("replication,events,truncated,{a}\n{rows}"));
        let e = one("0,1,false,x\n").unwrap_err();
        assert!(e.to_string().contains("line 2, column delivered_total.oil: \"x\""), "{e}");
        let e =
            read(&format!("replication,events,truncated,{a},{a}\n0,1,false,1,2\n")).unwrap_err();
        assert!(e.to_string().contains("the column delivered_total.oil is there twice"), "{e}");
        let e = one("0,1,false,1\n0,1,false,2\n").unwrap_err();
        assert!(e.to_string().contains("line 3: replication 0 after replication 0"), "{e}");
        let e = one("x,1,false,1\n").unwrap_err();
        assert!(e.to_string().contains("line 2: replication \"x\""), "{e}");
        // A blank line is a line of the file, as the csv reader counts them.
        let e = one("0,1,false,1\n\nx,1,false,1\n").unwrap_err();
        assert!(e.to_string().contains("line 4: replication \"x\""), "{e}");
        // Values no replication gives, and names caspian does not write.
        for (cell, said) in [
            ("nan", "an undefined value is an empty cell"),
            ("-7", "outside the KPI's range"),
            ("1e400", "beyond any value a replication produces"),
        ] {
            let e = one(&format!("0,1,false,{cell}\n")).unwrap_err().to_string();
            assert!(e.contains("line 2, column delivered_total.oil") && e.contains(said), "{e}");
        }
        let e = read("replication,events,truncated,zzz\n0,1,false,1\n").unwrap_err();
        assert!(e.to_string().contains("\"zzz\" is no KPI caspian writes"), "{e}");
        // The csv crate's own errors name the right line in a CR LF file too.
        for end in ["\n", "\r\n"] {
            let text =
                [&format!("replication,events,truncated,{a}") as &str, "0,1,false,1", "1,1,false"]
                    .join(end);
            let e = read(&text).unwrap_err();
            assert!(e.to_string().contains("line: 3"), "{end:?}: {e}");
            // And ours, after a blank line.
            let rows = ["0,1,false,1", "", "x,1,false,1", ""].join(end);
            let e = read(&format!("replication,events,truncated,{a}{end}{rows}")).unwrap_err();
            assert!(e.to_string().contains("line 4: replication \"x\""), "{end:?}: {e}");
        }
    }
}
