//! The notes printed under a table of KPIs that some replications leave
//! undefined: in how many each is defined, and for a recovery time with
//! episodes that never recovered, that its mean leaves the longest
//! recoveries out. The terminal and the HTML report print the same words.

use super::{CompareDoc, PolicyDifferences, RunDoc};
use crate::schema::unrecovered_of;

/// The note on `kpi` (without a `note:` prefix), defined in `n` of
/// `total` replications; `each`: a
/// comparison's per-scenario counts in words (`base 10, v300 7`), for
/// paired differences over the replications both define; `unrecovered`:
/// whether `kpi` is a recovery time with an episode that never recovered.
pub fn partly_defined_note(
    kpi: &str,
    n: u64,
    total: u64,
    each: Option<&str>,
    unrecovered: bool,
) -> String {
    let mut note = match each {
        Some(each) if n == 0 => format!(
            "{kpi} is defined in both scenarios in none of the {total} replications \
             ({each}): no paired difference"
        ),
        Some(each) => format!(
            "{kpi} is defined in both scenarios in {n} of {total} replications ({each}); \
             the difference is over those {n} pairs"
        ),
        None => format!(
            "{kpi} is defined in {n} of {total} replications; its statistics are over \
             those {n}"
        ),
    };
    if let Some(u) = unrecovered_of(kpi).filter(|_| unrecovered) {
        note.push_str(&if each.is_some() {
            format!(
                ", and a replication with an episode not recovered by the horizon in either \
                 scenario is left out, the longest recoveries first: compare {u} too"
            )
        } else {
            format!(
                ": the others had no episode that ended in the window, or one not recovered by \
                 the horizon; those are left out, the longest recoveries first, so it understates \
                 recovery time: read it with {u}"
            )
        });
    }
    note
}

impl RunDoc {
    /// The note under `kpi` in a table of this run's KPIs
    /// ([`partly_defined_note`]), when it is defined in some replications
    /// but not all.
    pub fn partly_defined_note(&self, kpi: &str) -> Option<String> {
        let n = self.kpis.get(kpi).map_or(0, |s| s.n);
        let unrecovered =
            unrecovered_of(kpi).is_some_and(|u| self.kpis.get(&u).is_some_and(|s| s.mean > 0.0));
        (n > 0 && n < self.replications)
            .then(|| partly_defined_note(kpi, n, self.replications, None, unrecovered))
    }

    /// The notes under `kpi` in a table of this run's KPIs: where it is
    /// defined in some replications but not all
    /// ([`RunDoc::partly_defined_note`]), and where a plain recovery time
    /// reads far longer than its paired one ([`RunDoc::recovery_note`]).
    pub fn kpi_notes(&self, kpi: &str) -> Vec<String> {
        self.partly_defined_note(kpi).into_iter().chain(self.recovery_note(kpi)).collect()
    }

    /// For `recovery_days.<id>` with `recovery_paired_days.<id>` beside it,
    /// a note when the plain mean is more than twice the paired one and a
    /// day or more longer, or no shorter but defined in under 90% of the
    /// replications that define the paired one (the plain measure's
    /// longest recoveries are the ones it never sees end, so its mean
    /// understates it): the plain measure waits for the backlog of the
    /// week before, which the ordinary swings of a busy corridor, or of a
    /// tank farm that tankers fill by the cargo, can keep out of reach long
    /// after the disruption's own backlog is gone, while the paired one
    /// compares with the same year without the disruption.
    pub fn recovery_note(&self, kpi: &str) -> Option<String> {
        let id = kpi.strip_prefix("recovery_days.")?;
        let paired_kpi = format!("recovery_paired_days.{id}");
        let (plain, paired) = (self.kpis.get(kpi)?, self.kpis.get(&paired_kpi)?);
        let (a, b) = (plain.value.mean, paired.value.mean);
        let (n, m) = (plain.value.n, paired.value.n);
        let longer = a > 2.0 * b && a - b >= 1.0;
        // Defined less often, and no shorter where it is.
        let unseen = (n as f64) < 0.9 * m as f64 && a >= b;
        let counts = if unseen && !longer {
            format!(
                " over the {n} of {} replications where it is defined (the paired one: {m}; the \
                 longest recoveries are those it never sees end)",
                self.replications
            )
        } else {
            String::new()
        };
        (a.is_finite() && b.is_finite() && (longer || unseen)).then(|| {
            format!(
                "{kpi} averages {} days{counts} against {} for {paired_kpi}: the plain measure waits \
                 for the backlog of the week before the episode, which the ordinary swings of a \
                 busy corridor (or of a tank farm filled by the cargo), or another disruption's \
                 backlog, can keep out of reach long after this disruption's own backlog is \
                 gone; the paired one compares with the same replication without this \
                 disruption: quote it",
                crate::study::short_number((a * 100.0).round() / 100.0),
                crate::study::short_number((b * 100.0).round() / 100.0)
            )
        })
    }
}

impl CompareDoc {
    /// The note under `kpi` in the table of `diff`'s paired differences
    /// ([`partly_defined_note`]), when the two scenarios both define it in
    /// fewer than every replication: each scenario's own count, and the
    /// pairs the difference is over.
    pub fn partly_defined_note(&self, diff: &PolicyDifferences, kpi: &str) -> Option<String> {
        let pairs = diff.kpis.get(kpi).map_or(0, |v| v.n);
        let scenarios = [0, diff.scenario];
        let count = |i: usize| self.summaries[i].get(kpi).map_or(0, |s| s.n);
        let each = scenarios
            .iter()
            .map(|&i| format!("{} {}", self.scenarios[i].name, count(i)))
            .collect::<Vec<_>>()
            .join(", ");
        let unrecovered = unrecovered_of(kpi).is_some_and(|u| {
            scenarios.iter().any(|&i| self.summaries[i].get(&u).is_some_and(|s| s.mean > 0.0))
        });
        (pairs < self.replications)
            .then(|| partly_defined_note(kpi, pairs, self.replications, Some(&each), unrecovered))
    }
}
