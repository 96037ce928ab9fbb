//! Reading result documents safely: a damaged or hand-edited file gives a
//! [`DocumentError`] naming the field at fault, never a panic further on.
//!
//! Parsing checks the shape (every field present with the right type);
//! [`check`] then checks what the shape cannot: every index in range, every
//! list as long as the list it runs parallel to, and every list that readers
//! take the first element of non-empty.

use serde::de::DeserializeOwned;

use crate::document::{CompareDoc, Document, PartialDoc, RunDoc, SweepDoc};
use crate::warmup::WarmupDoc;

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
        /// The parser's message (it names the field and the position).
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

fn field(field: impl Into<String>, message: impl Into<String>) -> DocumentError {
    DocumentError::Field { field: field.into(), message: message.into() }
}

/// The kinds a result file can have.
const KINDS: &str = "\"run\", \"sweep\", \"compare\", \"partial\" or \"warmup\"";

/// Reads and checks a document (see [`Document::from_json`]).
pub(crate) fn read(text: &str) -> Result<Document, DocumentError> {
    let value: serde_json::Value =
        serde_json::from_str(text).map_err(|e| DocumentError::Syntax(e.to_string()))?;
    let Some(kind) = value.get("kind").and_then(|k| k.as_str()) else {
        return Err(DocumentError::Kind(format!(
            "not a caspian-sim result (expected \"kind\": {KINDS})"
        )));
    };
    // Parsed from the text again (not from `value`), so that errors carry
    // the line and column.
    fn shape<T: DeserializeOwned>(kind: &str, text: &str) -> Result<T, DocumentError> {
        serde_json::from_str(text)
            .map_err(|e| DocumentError::Shape { kind: kind.to_string(), message: e.to_string() })
    }
    let doc = match kind {
        "run" => Document::Run(shape::<RunDoc>(kind, text)?),
        "sweep" => Document::Sweep(shape::<SweepDoc>(kind, text)?),
        "compare" => Document::Compare(shape::<CompareDoc>(kind, text)?),
        "partial" => Document::Partial(shape::<PartialDoc>(kind, text)?),
        "warmup" => Document::Warmup(shape::<WarmupDoc>(kind, text)?),
        "checkpoint" => {
            return Err(DocumentError::Kind(
                "this is the checkpoint of an unfinished sweep; continue it with `caspian sweep \
                 --resume`"
                    .into(),
            ));
        }
        other => {
            return Err(DocumentError::Kind(format!(
                "not a caspian-sim result: kind \"{other}\" (expected {KINDS})"
            )));
        }
    };
    check(&doc)?;
    Ok(doc)
}

/// Checks the indices, lengths and non-empty lists of a document.
///
/// # Errors
/// [`DocumentError::Field`] naming the first field at fault.
pub fn check(doc: &Document) -> Result<(), DocumentError> {
    match doc {
        Document::Run(_) => Ok(()),
        Document::Sweep(d) => check_sweep(d),
        Document::Compare(d) => check_compare(d),
        Document::Partial(d) => check_partial(d),
        Document::Warmup(d) => check_warmup(d),
    }
}

fn check_axes(axes: &[crate::design::Axis]) -> Result<(), DocumentError> {
    if axes.is_empty() {
        return Err(field("axes", "empty (a sweep has at least one axis)"));
    }
    for (i, a) in axes.iter().enumerate() {
        if a.values.is_empty() {
            return Err(field(format!("axes[{i}].values"), "empty (an axis has values)"));
        }
    }
    Ok(())
}

fn check_sweep(d: &SweepDoc) -> Result<(), DocumentError> {
    check_axes(&d.axes)?;
    if d.points.is_empty() {
        return Err(field("points", "empty (a sweep has design points)"));
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
    }
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
    for (i, diff) in d.differences.iter().enumerate() {
        scenario_index(format!("differences[{i}].scenario"), diff.scenario, n, 1)?;
    }
    for (i, r) in d.rankings.iter().enumerate() {
        for (j, e) in r.order.iter().enumerate() {
            scenario_index(format!("rankings[{i}].order[{j}].scenario"), e.scenario, n, 0)?;
        }
    }
    for (i, s) in d.saturation.iter().enumerate() {
        scenario_index(format!("saturation[{i}].scenario"), s.scenario, n, 0)?;
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
    if d.records.len() != h.points.len() {
        return Err(field(
            "records",
            format!("{} design points, the study has {}", d.records.len(), h.points.len()),
        ));
    }
    for (p, rec) in d.records.iter().enumerate() {
        for (r, row) in rec.rows.iter().enumerate() {
            if row.values.len() != rec.kpi_names.len() {
                return Err(field(
                    format!("records[{p}].rows[{r}].values"),
                    format!("{} values for {} KPIs", row.values.len(), rec.kpi_names.len()),
                ));
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
mod tests {
    use super::*;

    #[test]
    fn kinds_are_told_apart() {
        let e = |t: &str| Document::from_json(t).unwrap_err().to_string();
        assert!(e("nope").starts_with("not JSON"));
        assert!(e("[]").contains("expected \"kind\""));
        assert!(e(r#"{"kind":"checkpoint"}"#).contains("--resume"));
        assert!(e(r#"{"kind":"run"}"#).starts_with("not a valid run result: missing field"));
        assert!(e(r#"{"kind":"bogus"}"#).contains("\"bogus\""));
    }

    #[test]
    fn out_of_range_scenarios_are_named() {
        let e = scenario_index("differences[2].scenario".into(), 7, 3, 1).unwrap_err();
        assert_eq!(e.to_string(), "differences[2].scenario: 7 is out of range (3 scenarios)");
        let e = scenario_index("differences[0].scenario".into(), 0, 3, 1).unwrap_err();
        assert!(e.to_string().contains("is the base"), "{e}");
    }
}
