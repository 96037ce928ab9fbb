//! A scenario's *twin*: the same scenario with some of its disruptions
//! taken out, run on the same seed and replications, so that the pair
//! differs only in those disruptions (common random numbers).
//!
//! Every disruption draws its episodes from the random stream of its
//! place in the scenario's list, and every other source (storms, trains,
//! incidents) from a stream of its own. A twin keeps each remaining
//! disruption on the stream of its original place
//! ([`caspian_shipping::scenario::Disruption::stream`]), so the twin and
//! its scenario share every storm, train, incident and every disruption
//! left in. `compare --one-off` takes out the dated disruptions (a year
//! without the event, [`crate::one_off`]); `compare --vulnerability` takes
//! out all of them (a world without the disruptions,
//! [`crate::vulnerability`]).

use caspian_shipping::scenario::Disruption;

use crate::error::RunError;
use crate::records::PointRecords;
use crate::study::Study;

/// Differences between a scenario and its twin below this share of the
/// costs compared are rounding, not an effect: a policy the disruptions do
/// not touch differs by about 1e-9 USD on totals of 1e8.
pub const ROUNDING: f64 = 1e-9;

/// Said beside a count of episodes not recovered by the horizon when it is
/// the plain `unrecovered.<id>`: in a busy corridor its band (the backlog
/// of the week before) can stay out of reach for good, long after the
/// disruption's own backlog is gone, while the paired measure counts
/// against the same replication without it.
pub(crate) const PLAIN_BAND_CAVEAT: &str = " (if the disruption's backlog is long gone by then, \
     the plain measure's band may be out of reach of a busy corridor, whatever the horizon: \
     --set scenario.paired_recovery=true counts against the same replication without the \
     disruption)";

/// Which disruptions a twin leaves out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Without {
    /// The dated ones (`start_day` given): the year without the event.
    Dated,
    /// Every one.
    All,
}

impl Without {
    /// Whether the twin leaves `d` out.
    pub fn drops(self, d: &Disruption) -> bool {
        match self {
            Self::Dated => d.start_day.is_some(),
            Self::All => true,
        }
    }

    /// What the twin lacks, in words: "the event", "the disruptions".
    pub fn words(self) -> &'static str {
        match self {
            Self::Dated => "the event",
            Self::All => "the disruptions",
        }
    }

    /// The disruptions it leaves out, in words.
    fn entries(self) -> &'static str {
        match self {
            Self::Dated => "the event's disruptions",
            Self::All => "the disruptions",
        }
    }
}

/// The disruptions of `study` that `without` leaves out, each with its
/// place in the list (from 0): the place decides its random stream.
pub fn dropped(study: &Study, without: Without) -> Vec<(usize, &Disruption)> {
    let all = &study.plan.source.disruptions;
    all.iter().enumerate().filter(|(_, d)| without.drops(d)).collect()
}

/// The ids of `ds`, comma-separated, or "none".
pub fn ids_of(ds: &[(usize, &Disruption)]) -> String {
    let ids: Vec<&str> = ds.iter().map(|(_, d)| d.id.as_str()).collect();
    if ids.is_empty() { "none".to_string() } else { ids.join(", ") }
}

/// Why a policy's disruptions are not the base's, as far as `without`
/// takes them out (`option` names the command-line option), if they are
/// not: other ids, the same ids at other places in the list (which draw
/// from other random streams, so they would be other episodes), or one
/// with another `target` or `start_day` (another hazard). Other values may
/// differ: they are the policy's lever on the disruption.
pub fn same_as_base(
    base: &Study,
    policy: &Study,
    without: Without,
    option: &str,
) -> Result<(), String> {
    let (b, p) = (dropped(base, without), dropped(policy, without));
    let places = |x: &[(usize, &Disruption)]| -> Vec<(usize, String)> {
        x.iter().map(|(i, d)| (*i, d.id.clone())).collect()
    };
    let sorted = |x: &[(usize, &Disruption)]| {
        let mut ids: Vec<String> = x.iter().map(|(_, d)| d.id.clone()).collect();
        ids.sort_unstable();
        ids
    };
    let what = without.words();
    if sorted(&b) != sorted(&p) {
        return Err(format!(
            "{option} needs {what} of the base in every scenario, but \"{}\" ({}) has {} where \
             the base \"{}\" ({}) has {}: give the policy the base's disruptions (extend the base, \
             or make the policy a --variant of it)",
            policy.name,
            policy.source,
            ids_of(&p),
            base.name,
            base.source,
            ids_of(&b)
        ));
    }
    if places(&b) != places(&p) {
        let shown = |x: &[(usize, &Disruption)]| {
            x.iter()
                .map(|(i, d)| format!("{} at place {}", d.id, i + 1))
                .collect::<Vec<_>>()
                .join(", ")
        };
        return Err(format!(
            "{option}: \"{}\" ({}) lists {} at other places than the base \"{}\" \
             ({} against {}): a disruption draws its episodes from the random stream of its place \
             in the list, so the policy's would not be the base's; list the [[disruption]] entries \
             as the base does{}",
            policy.name,
            policy.source,
            without.entries(),
            base.name,
            shown(&p),
            shown(&b),
            match without {
                Without::Dated => {
                    " (a policy that extends the base and adds its own after them keeps the places)"
                }
                Without::All => "",
            }
        ));
    }
    for ((_, bd), (_, pd)) in b.iter().zip(&p) {
        let moved: Vec<&str> = differing_keys(bd, pd)
            .into_iter()
            .filter(|k| *k == "target" || *k == "start_day")
            .collect();
        if !moved.is_empty() {
            let (which, advice) = match without {
                Without::Dated => (
                    "the event's disruption",
                    "that is another event, not a lever on this one; value each event in a \
                     comparison of its own",
                ),
                Without::All => (
                    "the disruption",
                    "that is another hazard, not a lever on this one; a policy may change how \
                     often, how long or how hard it strikes (rate_per_year, duration_days, \
                     scale), not where or when",
                ),
            };
            return Err(format!(
                "{option}: \"{}\" ({}) gives {which} {} another {} than the base: {advice}",
                policy.name,
                policy.source,
                bd.id,
                moved.join(" and ")
            ));
        }
    }
    Ok(())
}

/// The keys in which `policy`'s copy of a disruption differs from the
/// base's (`notes` aside, which the model ignores).
pub fn differing_keys(base: &Disruption, policy: &Disruption) -> Vec<&'static str> {
    let (b, p) = (base, policy);
    [
        ("target", b.target != p.target),
        ("start_day", b.start_day != p.start_day),
        ("rate_per_year", b.rate_per_year != p.rate_per_year || b.mtbf_days != p.mtbf_days),
        ("duration_days", b.duration_days != p.duration_days),
        ("scale", b.scale != p.scale),
        ("vessels", b.vessels != p.vessels || b.vessel_share != p.vessel_share),
        ("detain", b.detain != p.detain),
    ]
    .into_iter()
    .filter_map(|(key, differs)| differs.then_some(key))
    .collect()
}

/// `study` without the disruptions `without` names. Every other
/// disruption keeps the random stream of its place in the study's list.
///
/// # Errors
/// [`RunError::Point`] (with `point`, the study's place in the comparison)
/// should removing the disruptions make the scenario invalid; it cannot,
/// as nothing refers to a disruption.
pub fn twin(study: &Study, point: usize, without: Without) -> Result<Study, RunError> {
    let mut source = study.plan.source.without_disruptions(|d| without.drops(d));
    // Nothing reads a twin's own paired recoveries: do not run their twins.
    source.scenario.paired_recovery = false;
    let plan = caspian_shipping::compile(&source).map_err(|errors| RunError::Point {
        point,
        message: format!(
            "{} without {}: {}",
            study.source,
            without.words(),
            errors.iter().map(ToString::to_string).collect::<Vec<_>>().join("; ")
        ),
    })?;
    Ok(Study { plan, ..study.clone() })
}

/// The twins of `studies`, each `without` some of its disruptions.
///
/// # Errors
/// As [`twin`].
pub fn twins(studies: &[Study], without: Without) -> Result<Vec<Study>, RunError> {
    studies.iter().enumerate().map(|(i, s)| twin(s, i, without)).collect()
}

/// The twins of `studies` run for replications `reps` with `seed`: one
/// set of records per study, as a comparison's; with a `journal`, read
/// from it and saved to it as the comparison's own ([`crate::journal`]).
///
/// # Errors
/// As [`twin`], or a replication that fails, or a journal that cannot be
/// written.
pub fn run_twins(
    studies: &[Study],
    without: Without,
    seed: u64,
    reps: std::ops::Range<u64>,
    tick: &(dyn Fn() + Sync),
    journal: Option<&mut crate::journal::Journal>,
) -> Result<Vec<PointRecords>, RunError> {
    let twins = twins(studies, without)?;
    let plans: Vec<_> = twins.iter().map(|s| &s.plan).collect();
    let (_, _, records) = crate::journal::run_saved(plans, seed, reps, None, tick, journal)?;
    Ok(records)
}
