//! What a policy carries beside the base (`delivered_t.total`), and what
//! that does to the measures read beside it.
//!
//! A policy that carries more or less than the base moves more than the
//! figure it was built for. Its vulnerability in money grows or shrinks
//! with the cargo the disruptions have to delay or lose
//! ([`crate::vulnerability`] warns of it), and its recovery times are
//! measured against its *own* ordinary backlog: a policy that slows the
//! corridor (escorts whose convoys hold the tankers) can read as
//! recovering sooner, and one that holds more cargo (a larger tank farm
//! that keeps what would have been shut in) as recovering later, while
//! the first carries less and the second more
//! ([`crate::document::CompareDoc::recovery_note`] says so beside a
//! comparison).

use crate::records::PointRecords;
use crate::stats::PairedDifference;
use crate::study::{Study, short_number};

/// The KPI the tonnage a scenario carries is read from.
pub(crate) const TONNAGE: &str = "delivered_t.total";

/// Share of the base's tonnage below which a policy's difference is not
/// worth a word.
pub(crate) const NOTE_SHARE: f64 = 0.01;

/// The paired difference in tonnage of `policy` from `base` (records),
/// with its share of the base's mean, where [`notable_share`] finds it
/// worth a word.
pub(crate) fn notable(
    base: &PointRecords,
    policy: &PointRecords,
) -> Option<(PairedDifference, f64)> {
    let base_t = base.column_named(TONNAGE);
    let base_mean = base_t.iter().sum::<f64>() / base_t.len().max(1) as f64;
    let d = PairedDifference::of(&base_t, &policy.column_named(TONNAGE));
    notable_share(&d, base_mean).map(|share| (d, share))
}

/// The share of the base's mean tonnage `base_mean` that the paired
/// difference `d` is, where it is significant (its 95% interval excludes
/// 0) and at least [`NOTE_SHARE`] of it; `None` otherwise, or where the
/// base carries nothing.
pub(crate) fn notable_share(d: &PairedDifference, base_mean: f64) -> Option<f64> {
    if d.n == 0 || base_mean.is_nan() || base_mean <= 0.0 {
        return None;
    }
    let share = d.mean_diff / base_mean;
    (d.is_significant() && share.abs() >= NOTE_SHARE).then_some(share)
}

/// A share of the base's tonnage in words: `5% more`, `0.4% less`.
pub(crate) fn more_or_less(share: f64) -> String {
    let more = if share > 0.0 { "more" } else { "less" };
    format!("{}% {more}", short_number((share.abs() * 1000.0).round() / 10.0))
}

/// What the twins were run without, as the tonnage warnings name it:
/// `the disruptions` (plural) or `the event`.
pub(crate) struct Without<'a> {
    /// Its name.
    pub(crate) what: &'a str,
    /// Whether the name is plural (`have`, `them`) or not (`has`, `it`).
    pub(crate) plural: bool,
}

/// For each policy whose tonnage without `without.what` (the twins'
/// records, `twins`, base first) differs from the base's significantly and
/// by [`NOTE_SHARE`] or more, a warning: it has that much more (or less)
/// to cost the policy, so `measure` (what it costs the policy, which the
/// table's figure rests on) grows or shrinks with what the policy carries
/// as well as with how it rides it out, and the reader should look at
/// `beside`.
pub(crate) fn warnings(
    studies: &[Study],
    twins: &[PointRecords],
    without: Without<'_>,
    measure: &str,
    beside: &str,
) -> Vec<String> {
    let Without { what, plural } = without;
    let Some(base) = twins.first() else { return Vec::new() };
    studies
        .iter()
        .zip(twins)
        .skip(1)
        .filter_map(|(s, r)| {
            let (d, share) = notable(base, r)?;
            let (more, grows) = if share > 0.0 { ("more", "grows") } else { ("less", "shrinks") };
            Some(format!(
                "\"{}\" carries {} t {more} than the base over the reporting window without \
                 {what} ({}; {TONNAGE}): {what} {has} that much {more} to cost it, so {measure} \
                 {grows} with what it carries, not only with how it rides {them} out; {beside}",
                s.name,
                short_number(d.mean_diff.abs().round()),
                more_or_less(share),
                has = if plural { "have" } else { "has" },
                them = if plural { "them" } else { "it" },
            ))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compare::{CompareRequest, compare_doc};
    use crate::study::Study;

    /// Records of `delivered_t.total` and `recovery_days.x` (sorted names).
    fn records(tonnes: &[f64], days: &[f64]) -> PointRecords {
        let names = ["delivered_t.total".to_string(), "recovery_days.x".to_string()];
        PointRecords::from_columns(&names, &[tonnes.to_vec(), days.to_vec()])
    }

    /// The recovery note of each policy of a comparison of `policies`
    /// with `base`.
    fn notes(base: &PointRecords, policies: &[PointRecords]) -> Vec<Option<String>> {
        let study = Study::single(crate::BASELINE_TOML, "base", Some(1)).unwrap();
        let mut studies = vec![study.clone()];
        for i in 0..policies.len() {
            let mut s = study.clone();
            s.name = format!("p{i}");
            studies.push(s);
        }
        let records: Vec<PointRecords> = std::iter::once(base).chain(policies).cloned().collect();
        let doc = compare_doc(&studies, 1, &records, CompareRequest::default());
        doc.differences.iter().map(|d| doc.recovery_note(d).map(|(_, note)| note)).collect()
    }

    #[test]
    fn a_policy_that_recovers_sooner_carrying_less_or_later_carrying_more_is_noted() {
        let base = records(&[100.0, 102.0, 98.0, 100.0], &[30.0, 32.0, 28.0, 31.0]);
        let sooner = [20.0, 22.5, 17.5, 21.0];
        let later = [40.0, 42.5, 37.5, 41.0];
        let less = [95.0, 96.9, 93.1, 95.0];
        let more = [105.0, 107.1, 102.9, 105.0];
        let close = [99.5, 101.5, 97.5, 99.5]; // 0.5% less: not worth a word
        let got = notes(
            &base,
            &[
                records(&less, &sooner),
                records(&more, &later),
                records(&more, &sooner),
                records(&less, &later),
                records(&close, &sooner),
            ],
        );
        let first = got[0].as_deref().unwrap();
        assert!(first.starts_with("\"p0\" carries 5% less than the base (delivered_t.total)"));
        assert!(first.contains("yet recovers sooner (recovery_days.x -10 days)"), "{first}");
        let second = got[1].as_deref().unwrap();
        assert!(second.starts_with("\"p1\" carries 5% more"), "{second}");
        assert!(second.contains("yet recovers later (recovery_days.x +10 days)"), "{second}");
        // Sooner with more, later with less, or too small a difference in
        // tonnage: the recovery difference is not the tonnage's doing.
        assert_eq!(got[2..], [None, None, None]);
    }
}
