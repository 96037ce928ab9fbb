//! Reading result documents safely: a damaged or hand-edited file gives a
//! [`DocumentError`] naming the field at fault, never a panic further on.
//!
//! Parsing checks the shape (every field present with the right type);
//! [`check`] then checks what the shape cannot: every index in range, every
//! list as long as the list it runs parallel to, and every list that readers
//! take the first element of non-empty.

use serde::Deserialize;
use serde::de::DeserializeOwned;

use crate::design::DesignKind;
use crate::document::{CompareDoc, Document, PartialDoc, RunDoc, SweepDoc};
use crate::rare::KpiRange;
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
        /// The parser's message, led by the path of the field (e.g.
        /// `kpis.delivered_total.oil.mean: invalid type: ...`) and followed
        /// by the line and column.
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

/// The most characters of user text (a value, a key, a unit) echoed in a
/// message; longer text is cut with an ellipsis.
const ECHO: usize = 80;

/// `text` cut to [`ECHO`] characters, with an ellipsis when cut.
pub(crate) fn cap(text: &str) -> String {
    match text.char_indices().nth(ECHO) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_string(),
    }
}

/// A parser's message cut in the middle when long, so that both what it
/// found (`invalid type: string "xxx…`) and what it expected
/// (`…, expected f64`) stay readable and a 2 MB value is not echoed.
fn cap_message(text: &str) -> String {
    let chars = text.chars().count();
    if chars <= 2 * ECHO + 40 {
        return text.to_string();
    }
    let head: String = text.chars().take(ECHO + 40).collect();
    let tail: String = text.chars().skip(chars - 40).collect();
    format!("{head}…{tail}")
}

/// A serde error with the path of the field it is about, e.g.
/// `kpis.delivered_total.oil.mean: invalid type: map, expected f64 (line 558
/// column 3)`.
fn with_path(e: serde_path_to_error::Error<serde_json::Error>) -> String {
    let path = e.path().to_string();
    let inner = e.inner();
    let (line, column) = (inner.line(), inner.column());
    let mut message = inner.to_string();
    let position = format!(" at line {line} column {column}");
    if let Some(bare) = message.strip_suffix(&position) {
        message = bare.to_string();
    }
    // serde's words (`expected u64`) as a reader would say them.
    let message = cap_message(&caspian_shipping::resolve::plain::plain_message(&message));
    let at = if line == 0 { String::new() } else { format!(" (line {line} column {column})") };
    if path == "." { format!("{message}{at}") } else { format!("{}: {message}{at}", cap(&path)) }
}

/// Any JSON value, refusing an object that holds a key twice (serde_json
/// keeps the last, or refuses some fields and not others, depending on
/// the type it reads into).
struct NoDuplicateKeys;

impl<'de> serde::Deserialize<'de> for NoDuplicateKeys {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(NoDuplicateKeysVisitor)
    }
}

struct NoDuplicateKeysVisitor;

impl<'de> serde::de::Visitor<'de> for NoDuplicateKeysVisitor {
    type Value = NoDuplicateKeys;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
        Ok(NoDuplicateKeys)
    }
    fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
        Ok(NoDuplicateKeys)
    }
    fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
        Ok(NoDuplicateKeys)
    }
    fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
        Ok(NoDuplicateKeys)
    }
    fn visit_str<E>(self, _: &str) -> Result<Self::Value, E> {
        Ok(NoDuplicateKeys)
    }
    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(NoDuplicateKeys)
    }
    fn visit_none<E>(self) -> Result<Self::Value, E> {
        Ok(NoDuplicateKeys)
    }
    fn visit_some<D: serde::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        <NoDuplicateKeys as serde::Deserialize>::deserialize(d)
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while seq.next_element::<NoDuplicateKeys>()?.is_some() {}
        Ok(NoDuplicateKeys)
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut seen = std::collections::BTreeSet::new();
        while let Some(key) = map.next_key::<String>()? {
            if seen.contains(&key) {
                return Err(serde::de::Error::custom(format_args!(
                    "duplicate key `{}`",
                    cap(&key)
                )));
            }
            map.next_value::<NoDuplicateKeys>()?;
            seen.insert(key);
        }
        Ok(NoDuplicateKeys)
    }
}

/// Reads and checks a document (see [`Document::from_json`]).
pub(crate) fn read(text: &str) -> Result<Document, DocumentError> {
    // Syntax and duplicate keys first, so that `kind` below is the only one.
    let mut de = serde_json::Deserializer::from_str(text);
    if let Err(e) = serde_path_to_error::deserialize::<_, NoDuplicateKeys>(&mut de) {
        if e.inner().classify() != serde_json::error::Category::Data {
            return Err(DocumentError::Syntax(e.inner().to_string()));
        }
        let path = e.path().to_string();
        let field = if path == "." { "(top level)".to_string() } else { cap(&path) };
        let inner = e.into_inner();
        let message = match (inner.line(), inner.to_string()) {
            (0, m) => m,
            (line, m) => {
                let position = format!(" at line {line} column {}", inner.column());
                let m = m.strip_suffix(&position).unwrap_or(&m).to_string();
                format!("{m} (line {line} column {})", inner.column())
            }
        };
        return Err(DocumentError::Field { field, message });
    }
    // Only the kind is read here; every other field is skipped without
    // being built (a whole `serde_json::Value` of a large sweep took several
    // times the file's size in memory).
    #[derive(Deserialize)]
    struct KindOnly {
        #[serde(default)]
        kind: Option<serde_json::Value>,
    }
    let kind = serde_json::from_str::<KindOnly>(text).ok().and_then(|k| k.kind);
    let Some(kind) = kind.as_ref().and_then(|k| k.as_str()) else {
        return Err(DocumentError::Kind(format!(
            "not a caspian-sim result (expected \"kind\": {KINDS})"
        )));
    };
    // Parsed from the text again (not from `value`), so that errors carry
    // the line and column as well as the path.
    fn shape<T: DeserializeOwned>(kind: &str, text: &str) -> Result<T, DocumentError> {
        let mut de = serde_json::Deserializer::from_str(text);
        serde_path_to_error::deserialize(&mut de)
            .map_err(|e| DocumentError::Shape { kind: kind.to_string(), message: with_path(e) })
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
                "not a caspian-sim result: kind \"{}\" (expected {KINDS})",
                cap(other)
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
        Document::Run(d) => {
            check_target(d.target.as_ref())?;
            check_summaries("kpis", &d.kpis)?;
            check_targets(d)
        }
        Document::Sweep(d) => check_target(d.target.as_ref()).and_then(|()| check_sweep(d)),
        Document::Compare(d) => check_target(d.target.as_ref()).and_then(|()| check_compare(d)),
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
        if let Some(j) = axes[..i].iter().position(|b| b.key == a.key) {
            return Err(field(
                format!("axes[{i}].key"),
                format!(
                    "{} is also axes[{j}] (each parameter is swept once)",
                    cap(&a.key.to_string())
                ),
            ));
        }
    }
    Ok(())
}

fn show(values: &[f64]) -> String {
    cap(&format!("{values:?}"))
}

/// Checks that `points` are exactly the design of `axes`: for a full
/// factorial every combination of the axes' values, once, last axis
/// fastest; for a Latin hypercube its `samples` points, each in its axes'
/// ranges, as drawn from `seed`.
fn check_design(
    design: DesignKind,
    axes: &[crate::design::Axis],
    seed: u64,
    points: &[&[f64]],
    at: impl Fn(usize) -> String,
) -> Result<(), DocumentError> {
    let expected = match design {
        DesignKind::FullFactorial => crate::design::full_factorial(axes),
        DesignKind::LatinHypercube { samples } => {
            crate::design::latin_hypercube(axes, samples, seed)
        }
    }
    .map_err(|e| field("design", e.to_string()))?;
    if points.len() != expected.len() {
        let why = match design {
            DesignKind::FullFactorial => {
                let lens: Vec<String> = axes.iter().map(|a| a.values.len().to_string()).collect();
                format!("the product of the axes' lengths ({})", lens.join(" x "))
            }
            DesignKind::LatinHypercube { .. } => "the design's samples".to_string(),
        };
        return Err(field(
            "points",
            format!("{} design points, but {why} is {}", points.len(), expected.len()),
        ));
    }
    for (i, (got, want)) in points.iter().zip(&expected).enumerate() {
        for (j, (&v, axis)) in got.iter().zip(axes).enumerate() {
            let off = match design {
                DesignKind::FullFactorial => !axis.values.contains(&v),
                DesignKind::LatinHypercube { .. } => {
                    let lo = axis.values.iter().copied().fold(f64::INFINITY, f64::min);
                    let hi = axis.values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                    !(lo..=hi).contains(&v)
                }
            };
            if off {
                return Err(field(
                    format!("{}[{j}]", at(i)),
                    format!("{v} is not a value of axis {}", cap(&axis.key.to_string())),
                ));
            }
        }
        if *got != want.as_slice() {
            let dup = points[..i].iter().position(|p| p == got);
            let what = match dup {
                Some(k) => format!("{} repeats design point {k}", show(got)),
                None => format!("{} but design point {i} is {}", show(got), show(want)),
            };
            return Err(field(at(i), what));
        }
    }
    Ok(())
}

/// The units a KPI may have: its family's, or for a family counted in its
/// cargo's unit, `t` or `wagons` (the cargo's own for `<cargo>` names).
/// `None` for a name with no family (any unit is accepted).
pub(crate) fn allowed_units(name: &str) -> Option<Vec<&'static str>> {
    use crate::schema::Unit;
    let family = crate::schema::family_of(name)?;
    if family.unit != Unit::CargoUnit {
        return Some(vec![family.unit.as_str()]);
    }
    let at = family.pattern.split('.').position(|p| p == "<cargo>");
    let cargo = at.and_then(|at| name.split('.').nth(at)).and_then(|id| {
        caspian_shipping::scenario::Cargo::ALL.into_iter().find(|c| c.as_str() == id)
    });
    Some(match cargo {
        Some(c) => vec![Unit::CargoUnit.resolve(c).as_str()],
        None => vec![Unit::Tonnes.as_str(), Unit::Wagons.as_str(), Unit::CargoUnit.as_str()],
    })
}

/// Checks one KPI's unit: empty (unknown: documents merged from parts
/// written before units were recorded), or one its family can have.
fn check_unit(at: impl FnOnce() -> String, name: &str, unit: &str) -> Result<(), DocumentError> {
    if unit.is_empty() {
        return Ok(());
    }
    match allowed_units(name) {
        Some(allowed) if !allowed.contains(&unit) => Err(field(
            at(),
            format!(
                "\"{}\" is not a unit of {} (expected {})",
                cap(unit),
                cap(name),
                allowed.join(" or ")
            ),
        )),
        _ => Ok(()),
    }
}

fn check_units<T>(
    at: &str,
    table: &std::collections::BTreeMap<String, crate::document::WithUnit<T>>,
) -> Result<(), DocumentError> {
    for (name, v) in table {
        check_unit(|| format!("{at}.{}.unit", cap(name)), name, &v.unit)?;
    }
    Ok(())
}

/// Checks a sequential-stopping report: a KPI short of data
/// ([`crate::sequential::Shortfall`]) cannot have met the target.
fn check_target(target: Option<&crate::sequential::TargetReport>) -> Result<(), DocumentError> {
    let Some(t) = target else { return Ok(()) };
    let Some(short) = t.worst.as_ref().and_then(|w| w.shortfall) else { return Ok(()) };
    if !short.is_consistent() {
        return Err(field("target.worst.shortfall", format!("inconsistent: {short}")));
    }
    if t.met {
        return Err(field("target.met", format!("true, but the worst KPI has {short}")));
    }
    Ok(())
}

/// Checks the probabilities of `--target` conditions: each names a KPI of
/// the run with a condition that parses, counts the replications where the
/// KPI is defined, and has a probability that is a count over them inside
/// its interval, all within `[0, 1]` (NaN throughout only when `n` is 0).
fn check_targets(d: &RunDoc) -> Result<(), DocumentError> {
    for (i, t) in d.targets.iter().enumerate() {
        let at = |f: &str| format!("targets[{i}].{f}");
        let Some(summary) = d.kpis.get(&t.kpi) else {
            return Err(field(at("kpi"), format!("\"{}\" is not a KPI of this run", cap(&t.kpi))));
        };
        let spec = format!("{}{}", t.kpi, t.condition);
        match crate::targets::parse(&spec) {
            Ok(c) if c.kpi == t.kpi => {}
            _ => {
                return Err(field(
                    at("condition"),
                    format!("\"{}\" is not >=, <=, > or < a number", cap(&t.condition)),
                ));
            }
        }
        if t.n != summary.n {
            return Err(field(
                at("n"),
                format!("{} but {} is defined in {} replications", t.n, cap(&t.kpi), summary.n),
            ));
        }
        let values = [t.p_meet, t.ci95_low, t.ci95_high];
        if t.n == 0 {
            if values.iter().any(|v| !v.is_nan()) {
                return Err(field(at("p_meet"), "a probability over no replications (n is 0)"));
            }
            continue;
        }
        let unit = |v: f64| (0.0..=1.0).contains(&v);
        let count = t.p_meet * t.n as f64;
        let inside = t.ci95_low <= t.p_meet && t.p_meet <= t.ci95_high;
        let whole = (count - count.round()).abs() <= 1e-6;
        if !(values.into_iter().all(unit) && inside && whole) {
            return Err(field(
                at("p_meet"),
                format!(
                    "{} in [{}, {}] is not a count over n = {} inside its interval within [0, 1]",
                    t.p_meet, t.ci95_low, t.ci95_high, t.n
                ),
            ));
        }
    }
    Ok(())
}

/// Checks a table of KPI summaries: the units, and each rare-event report
/// against its summary's count.
fn check_summaries(at: &str, table: &crate::document::KpiTable) -> Result<(), DocumentError> {
    check_units(at, table)?;
    for (name, s) in table {
        if let Some(rare) = &s.rare {
            rare.check(s.n).map_err(|e| field(format!("{at}.{}.rare", cap(name)), e))?;
        }
    }
    Ok(())
}

fn check_sweep(d: &SweepDoc) -> Result<(), DocumentError> {
    check_axes(&d.axes)?;
    if d.points.is_empty() {
        return Err(field("points", "empty (a sweep has design points)"));
    }
    if d.reference >= d.points.len() {
        return Err(field(
            "reference",
            format!("{} is out of range ({} design points)", d.reference, d.points.len()),
        ));
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
        check_summaries(&format!("points[{i}].kpis"), &p.kpis)?;
        if i == d.reference && !p.differences.is_empty() {
            return Err(field(
                format!("points[{i}].differences"),
                "not empty, but this is the reference point (a point is not compared with itself)",
            ));
        }
        check_units(&format!("points[{i}].differences"), &p.differences)?;
    }
    let points: Vec<&[f64]> = d.points.iter().map(|p| p.values.as_slice()).collect();
    check_design(d.design, &d.axes, d.seed, &points, |i| format!("points[{i}].values"))?;
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
    for (i, t) in d.summaries.iter().enumerate() {
        check_summaries(&format!("summaries[{i}]"), t)?;
    }
    for (i, diff) in d.differences.iter().enumerate() {
        scenario_index(format!("differences[{i}].scenario"), diff.scenario, n, 1)?;
        if let Some(j) = d.differences[..i].iter().position(|e| e.scenario == diff.scenario) {
            return Err(field(
                format!("differences[{i}].scenario"),
                format!("{} is also differences[{j}] (one entry per policy)", diff.scenario),
            ));
        }
        check_units(&format!("differences[{i}].kpis"), &diff.kpis)?;
    }
    for (i, r) in d.rankings.iter().enumerate() {
        if !d.summaries.iter().any(|t| t.contains_key(&r.kpi)) {
            return Err(field(
                format!("rankings[{i}].kpi"),
                format!("\"{}\" is not a KPI of this comparison", cap(&r.kpi)),
            ));
        }
        if r.order.is_empty() {
            return Err(field(
                format!("rankings[{i}].order"),
                "empty (a ranking orders the scenarios)",
            ));
        }
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
    if !h.axes.is_empty() {
        let points: Vec<&[f64]> = h.points.iter().map(Vec::as_slice).collect();
        check_design(h.design, &h.axes, h.seed, &points, |i| format!("points[{i}]"))?;
    }
    for (name, unit) in &d.units {
        check_unit(|| format!("units.{}", cap(name)), name, unit)?;
    }
    if d.records.len() != h.points.len() {
        return Err(field(
            "records",
            format!("{} design points, the study has {}", d.records.len(), h.points.len()),
        ));
    }
    for (p, rec) in d.records.iter().enumerate() {
        let ranges: Vec<KpiRange> = rec.kpi_names.iter().map(|k| KpiRange::of(k)).collect();
        for (r, row) in rec.rows.iter().enumerate() {
            if row.values.len() != rec.kpi_names.len() {
                return Err(field(
                    format!("records[{p}].rows[{r}].values"),
                    format!("{} values for {} KPIs", row.values.len(), rec.kpi_names.len()),
                ));
            }
            for ((v, range), name) in row.values.iter().zip(&ranges).zip(&rec.kpi_names) {
                if let Some(problem) = implausible(*v, *range) {
                    return Err(field(
                        format!("records[{p}].rows[{r}].values ({})", cap(name)),
                        format!("{v} {problem}; the file is damaged"),
                    ));
                }
            }
        }
    }
    Ok(())
}

/// The largest magnitude a replication's KPI value can have: cargo totals
/// stay below 1.1e33 (see `caspian_shipping`'s counters), and sums of up to
/// 10^9 replications of such values stay far from overflow.
const MAX_KPI_VALUE: f64 = 1e36;

/// Why a replication's KPI value cannot have come from a replication:
/// infinite, beyond [`MAX_KPI_VALUE`], or outside the KPI's range (by more
/// than rounding). NaN is a KPI undefined in that replication, and fine.
fn implausible(v: f64, range: KpiRange) -> Option<&'static str> {
    const ROUNDING: f64 = 1e-9;
    let (lo, hi) = range.bounds();
    if v.is_nan() {
        None
    } else if !v.is_finite() || v.abs() > MAX_KPI_VALUE {
        Some("is beyond any value a replication produces (1e36)")
    } else if v < lo - ROUNDING || v > hi + ROUNDING {
        Some("is outside the KPI's range")
    } else {
        None
    }
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
mod tests;
