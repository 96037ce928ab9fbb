//! JSON has no NaN or infinity: the runner writes them as `null` (serde_json
//! does this for any non-finite `f64`) and these helpers read `null` back as
//! NaN. Finite values round-trip bit for bit: serde_json writes the shortest
//! exact representation and the workspace enables its `float_roundtrip`
//! parser.

use serde::{Deserialize, Deserializer, Serializer, ser::SerializeSeq};

/// Reads a number or `null` (as NaN).
///
/// # Errors
/// When the value is neither a number nor `null`.
pub fn f64_or_nan<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
    Ok(Option::<f64>::deserialize(d)?.unwrap_or(f64::NAN))
}

/// `serde(with)` for `Vec<f64>` holding NaN.
pub mod vec_nan_as_null {
    use super::{Deserialize, Deserializer, SerializeSeq, Serializer};

    /// Writes non-finite values as `null`.
    ///
    /// # Errors
    /// The serializer's.
    pub fn serialize<S: Serializer>(values: &[f64], s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(values.len()))?;
        for v in values {
            seq.serialize_element(&v.is_finite().then_some(*v))?;
        }
        seq.end()
    }

    /// Reads `null` as NaN.
    ///
    /// # Errors
    /// When an element is neither a number nor `null`.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<f64>, D::Error> {
        let raw: Vec<Option<f64>> = Vec::deserialize(d)?;
        let mut values: Vec<f64> = raw.into_iter().map(|v| v.unwrap_or(f64::NAN)).collect();
        // The collect reuses the buffer of the options, twice the size and
        // grown by doubling (8 KiB for the baseline's 466 values against the
        // 3.7 kB they need): a merge holds every row it reads, so give the
        // rest back.
        values.shrink_to_fit();
        Ok(values)
    }
}
