//! `--axis KEY=V1,V2,...` and `KEY=LO..HI` as given on the command line
//! ([`parse_axis`]), and the range of whole numbers `optimize --decision`
//! takes too ([`whole_range`]): text into an [`AxisSpec`], whose key
//! [`super::Study::sweep`] checks against the scenario later.

use std::num::IntErrorKind;

use thiserror::Error;

use super::AxisSpec;
use crate::design;

/// A malformed `--axis` argument.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum AxisSpecError {
    /// No `=` between the key and the values.
    #[error("--axis \"{spec}\": expected KEY=V1,V2,... or KEY=LO..HI")]
    Syntax {
        /// The argument given.
        spec: String,
    },
    /// Nothing before the `=`.
    #[error("--axis \"{spec}\": the key is empty")]
    EmptyKey {
        /// The argument given.
        spec: String,
    },
    /// A control or invisible character (a line break, a tab) anywhere.
    #[error("--axis \"{spec}\": it holds a control or invisible character")]
    Invisible {
        /// The argument given, its invisible characters written `<U+XXXX>`.
        spec: String,
    },
    /// A value that is not a finite number.
    #[error("--axis {key}: \"{value}\" is not a finite number")]
    Value {
        /// The key given.
        key: String,
        /// The value given.
        value: String,
    },
    /// A malformed `LO..HI` range.
    #[error("--axis {key}: {error}")]
    Range {
        /// The key given.
        key: String,
        /// What is wrong with the range.
        error: RangeError,
    },
    /// A value written with a leading `+`, which reads like an increment.
    #[error(
        "--axis {key}: \"{value}\" would be the value {}, not an increment: axis values are \
         the values themselves (e.g. {key}=2,3,4), so write them without '+'",
        value.trim_start_matches('+')
    )]
    Plus {
        /// The key given.
        key: String,
        /// The value given.
        value: String,
    },
}

impl AxisSpecError {
    /// What is wrong, without the option and key the message starts with
    /// (for an option that takes the same form, as `optimize --decision`).
    pub fn detail(&self) -> String {
        let full = self.to_string();
        let prefix = match self {
            Self::Syntax { spec } | Self::EmptyKey { spec } | Self::Invisible { spec } => {
                format!("--axis \"{spec}\": ")
            }
            Self::Value { key, .. } | Self::Plus { key, .. } | Self::Range { key, .. } => {
                format!("--axis {key}: ")
            }
        };
        full.strip_prefix(&prefix).map_or(full.clone(), str::to_string)
    }
}

/// A malformed `LO..HI` range of whole numbers ([`whole_range`]).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum RangeError {
    /// An end written with a leading `+`, which reads like an increment.
    #[error(
        "\"{0}\": values are the values themselves, not increments (e.g. 2..5), so write them \
         without '+'"
    )]
    Plus(String),
    /// An end that is not a whole number.
    #[error(
        "\"{0}\" is not a whole number (LO..HI ranges are of whole numbers; list other values \
         as V1,V2,...)"
    )]
    NotWhole(String),
    /// An end beyond the whole numbers a range can hold.
    #[error("\"{0}\" is too large for a range of whole numbers")]
    TooLarge(String),
    /// `LO` above `HI`.
    #[error("the range {0}..{1} is empty (LO is above HI)")]
    Empty(i64, i64),
    /// More values than the caller takes.
    #[error("the range has more than {0} values")]
    TooMany(usize),
}

/// The whole numbers `lo..=hi` written as `LO..HI` (both ends included), at
/// most `max` of them, as `--axis` and `optimize --decision` take them.
///
/// # Errors
/// [`RangeError`] for an end that is not a whole number or starts with
/// `+`, a reversed range or more than `max` values.
pub fn whole_range(lo: &str, hi: &str, max: usize) -> Result<Vec<f64>, RangeError> {
    let whole = |t: &str| {
        let t = t.trim();
        if t.starts_with('+') {
            return Err(RangeError::Plus(t.into()));
        }
        t.parse::<i64>().map_err(|e| {
            if matches!(e.kind(), IntErrorKind::PosOverflow | IntErrorKind::NegOverflow) {
                RangeError::TooLarge(t.into())
            } else {
                RangeError::NotWhole(t.into())
            }
        })
    };
    let (lo, hi) = (whole(lo)?, whole(hi)?);
    if lo > hi {
        return Err(RangeError::Empty(lo, hi));
    }
    if hi.checked_sub(lo).is_none_or(|span| span >= max as i64) {
        return Err(RangeError::TooMany(max));
    }
    Ok((lo..=hi).map(|v| v as f64).collect())
}

/// Parses `KEY=V1,V2,...` or `KEY=LO..HI` (whole numbers, both ends
/// included) as given to `--axis`. The key is checked later,
/// against the scenario, by [`super::Study::sweep`].
///
/// # Errors
/// [`AxisSpecError`] saying what is malformed.
pub fn parse_axis(spec: &str) -> Result<AxisSpec, AxisSpecError> {
    // Messages show what was given with its invisible characters written
    // out, so a line break cannot split them.
    let shown =
        |text: &str| caspian_shipping::compile::escape_invisible(text, |_| false).into_owned();
    // Anywhere, at the ends too (which trimming would hide): only spaces
    // may stand around the key and the values.
    if caspian_shipping::compile::first_invisible(spec, |c| c == ' ').is_some() {
        return Err(AxisSpecError::Invisible { spec: shown(spec) });
    }
    let (key, values) =
        spec.split_once('=').ok_or_else(|| AxisSpecError::Syntax { spec: shown(spec) })?;
    let key = key.trim();
    if key.is_empty() {
        return Err(AxisSpecError::EmptyKey { spec: shown(spec) });
    }
    if let Some((lo, hi)) = values.split_once("..") {
        let values = whole_range(lo, hi, design::MAX_POINTS)
            .map_err(|error| AxisSpecError::Range { key: key.into(), error })?;
        return Ok(AxisSpec { key: key.to_string(), values });
    }
    let values = values
        .split(',')
        .map(|v| {
            let v = v.trim();
            // A lone `+` is no number at all, not an increment.
            if v.starts_with('+') && v.len() > 1 {
                return Err(AxisSpecError::Plus { key: key.into(), value: shown(v) });
            }
            v.parse::<f64>()
                .ok()
                .filter(|x| x.is_finite())
                .ok_or_else(|| AxisSpecError::Value { key: key.into(), value: shown(v) })
        })
        .collect::<Result<Vec<f64>, AxisSpecError>>()?;
    Ok(AxisSpec { key: key.to_string(), values })
}
