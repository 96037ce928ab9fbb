//! Reading a result document: JSON syntax, keys given twice, the `kind`,
//! then the shape of that kind's document with the path of any field at
//! fault; [`super::check`] does the rest. Text echoed from the file is cut
//! ([`cap`]).

use serde::Deserialize;
use serde::de::DeserializeOwned;

use super::optimize::check_optimize;
use super::{DocumentError, check};
use crate::document::{CompareDoc, Document, PartialDoc, RunDoc, SweepDoc};
use crate::optimize::document::OptimizeDoc;
use crate::warmup::WarmupDoc;

/// The kinds a result file can have.
const KINDS: &str = "\"run\", \"sweep\", \"compare\", \"partial\", \"warmup\" or \"optimize\"";

// The most characters of user text (a value, a key, a unit) echoed in a
// message; longer text is cut with an ellipsis.
use caspian_shipping::resolve::plain::ECHO;

/// `text` cut to [`ECHO`] characters, with an ellipsis when cut.
pub(crate) fn cap(text: &str) -> String {
    caspian_shipping::resolve::plain::echo(text)
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

/// The `kind` of a document (`run`, `optimize`, ...), once its syntax and
/// keys are known good; wherever it stands among the keys.
///
/// # Errors
/// [`DocumentError`] when the text is not JSON, holds a key twice or has no
/// `kind`.
pub fn kind_of(text: &str) -> Result<String, DocumentError> {
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
    match kind.as_ref().and_then(|k| k.as_str()) {
        Some(kind) => Ok(kind.to_string()),
        None => Err(DocumentError::Kind(format!(
            "not a caspian-sim result (expected \"kind\": {KINDS})"
        ))),
    }
}

/// The document of `kind` in `text`, with the path of any field at fault.
/// Parsed from the text again (not from a `serde_json::Value`), so that
/// errors carry the line and column as well as the path.
fn shape<T: DeserializeOwned>(kind: &str, text: &str) -> Result<T, DocumentError> {
    let mut de = serde_json::Deserializer::from_str(text);
    serde_path_to_error::deserialize(&mut de)
        .map_err(|e| DocumentError::Shape { kind: kind.to_string(), message: with_path(e) })
}

/// Reads and checks an optimize document (see
/// [`OptimizeDoc::from_json`](crate::optimize::document::OptimizeDoc::from_json)).
pub(crate) fn read_optimize(text: &str) -> Result<OptimizeDoc, DocumentError> {
    let kind = kind_of(text)?;
    if kind != "optimize" {
        return Err(DocumentError::Kind(format!(
            "not an optimize result: kind \"{}\" (expected \"optimize\")",
            cap(&kind)
        )));
    }
    let doc = shape::<OptimizeDoc>(&kind, text)?;
    check_optimize(&doc)?;
    Ok(doc)
}

/// The kinds of result document caspian writes (`"kind"` of a JSON
/// result; `partial` is a merge part).
pub(crate) const RESULT_KINDS: [&str; 6] =
    ["run", "sweep", "compare", "partial", "warmup", "optimize"];

/// Reads and checks a document (see [`Document::from_json`]).
pub(crate) fn read(text: &str) -> Result<Document, DocumentError> {
    let kind = kind_of(text)?;
    let kind = kind.as_str();
    let doc = match kind {
        "run" => Document::Run(shape::<RunDoc>(kind, text)?),
        "sweep" => Document::Sweep(shape::<SweepDoc>(kind, text)?),
        "compare" => Document::Compare(shape::<CompareDoc>(kind, text)?),
        "partial" => Document::Partial(shape::<PartialDoc>(kind, text)?),
        "warmup" => Document::Warmup(shape::<WarmupDoc>(kind, text)?),
        "optimize" => {
            return Err(DocumentError::Kind(
                "an optimize result, which only `caspian report FILE --out PAGE.html` reads \
                 (it draws the optimisation's page)"
                    .into(),
            ));
        }
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
