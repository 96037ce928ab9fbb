//! Seals over saved rows: the SHA-256 of exactly what the replications
//! gave, written beside the rows wherever they are saved to be read back
//! as results (a shard's records, the lines of a checkpoint), and checked
//! when they are read.
//!
//! Reading checks every value against what its KPI can take, but a `null`
//! (an undefined value), a plausible number typed over another, or a row
//! moved to another design point or scenario is something a replication
//! could have given, and would be read as a result. A seal covers the
//! rows, the KPI names and *where* they belong (the study and design point,
//! [`crate::document::StudyHeader::seal_place`], or a journal's scenario
//! key), so any such change is refused as damage instead. It
//! guards against edits and damage, not against forgery: whoever can run
//! caspian can compute a seal.

use sha2::{Digest, Sha256};

use crate::records::Row;

/// The seal of `rows` with their `kpi_names`, saved for `place` (the
/// study and design point, or the scenario key, they belong to): 64
/// hexadecimal digits.
pub fn seal(place: &str, kpi_names: &[String], rows: &[Row]) -> String {
    let mut h = Sha256::new();
    h.update(place.as_bytes());
    h.update([0xff]);
    for name in kpi_names {
        h.update(name.as_bytes());
        h.update([0]);
    }
    h.update([0xff]);
    // A row's bytes, hashed at once.
    let mut bytes = Vec::new();
    for row in rows {
        bytes.clear();
        bytes.extend(row.replication.to_le_bytes());
        bytes.extend(row.events.to_le_bytes());
        bytes.push(u8::from(row.truncated));
        bytes.extend((row.values.len() as u64).to_le_bytes());
        for v in &row.values {
            // Every value that is not finite is written as `null` and read
            // back as one NaN (`crate::json`), so all are sealed as that
            // one: a NaN the model computed (0/0 is negative on x86) must
            // seal as the NaN read back.
            let bits = if v.is_finite() { v.to_bits() } else { f64::NAN.to_bits() };
            bytes.extend(bits.to_le_bytes());
        }
        h.update(&bytes);
        h.update((row.saturated.len() as u64).to_le_bytes());
        for line in &row.saturated {
            // Its JSON text, as saved: a waiting line is a few strings and
            // numbers, and any change to them changes the text.
            h.update(serde_json::to_vec(line).unwrap_or_default());
            h.update([0]);
        }
    }
    caspian_shipping::resolve::hex(&h.finalize())
}

/// Checks that `saved` is the seal of `rows` for one of `places` (the
/// place as this build names it, then as earlier builds did); the problem
/// in words if not (to follow "design point 3: " or "line 7: ").
pub fn check(
    saved: &str,
    places: &[&str],
    kpi_names: &[String],
    rows: &[Row],
) -> Result<(), String> {
    if saved.is_empty() {
        return Err("its rows have no seal (written by an older caspian, or by hand)".into());
    }
    if !places.iter().any(|place| saved == seal(place, kpi_names, rows)) {
        return Err("its rows do not match their seal (edited, or damaged)".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::{check, seal};
    use crate::records::Row;

    fn rows(v: f64) -> Vec<Row> {
        vec![Row {
            replication: 4,
            events: 10,
            truncated: false,
            values: vec![1.0, v],
            saturated: Vec::new(),
        }]
    }

    #[test]
    fn any_change_breaks_the_seal() {
        let names = vec!["a".to_string(), "b".to_string()];
        let s = seal("point 0", &names, &rows(2.0));
        assert_eq!(s.len(), 64);
        assert_eq!(check(&s, &["point 0"], &names, &rows(2.0)), Ok(()));
        // An undefined value, a plausible one, another place, other names,
        // another replication, no seal: each refused.
        assert!(check(&s, &["point 0"], &names, &rows(f64::NAN)).is_err());
        assert!(check(&s, &["point 0"], &names, &rows(2.000_000_000_000_001)).is_err());
        assert!(check(&s, &["point 1"], &names, &rows(2.0)).is_err());
        assert!(check(&s, &["point 0"], &["a".into(), "c".into()], &rows(2.0)).is_err());
        let mut moved = rows(2.0);
        moved[0].replication = 5;
        assert!(check(&s, &["point 0"], &names, &moved).is_err());
        assert!(check("", &["point 0"], &names, &rows(2.0)).unwrap_err().contains("no seal"));
        // Any NaN is the `null` it is saved as.
        let computed = -(f64::NAN);
        assert_ne!(computed.to_bits(), f64::NAN.to_bits());
        assert_eq!(seal("p", &names, &rows(computed)), seal("p", &names, &rows(f64::NAN)));
        assert_eq!(seal("p", &names, &rows(f64::INFINITY)), seal("p", &names, &rows(f64::NAN)));
        // Names run together differently are other names.
        assert_ne!(
            seal("p", &["ab".into(), "c".into()], &[]),
            seal("p", &["a".into(), "bc".into()], &[])
        );
    }
}
