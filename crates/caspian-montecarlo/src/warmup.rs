//! The warm-up pilot behind `caspian warmup`: replications observed from
//! time zero, Welch's ensemble averages of the main daily series, MSER-5 on
//! each, and the document holding all of it.

use caspian_engine::SimDuration;
use caspian_shipping::LoadError;
use caspian_shipping::probe::{Recorder, Sample};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::document::Provenance;
use crate::error::StudyError;
use crate::mser;

/// What the pilot runs.
#[derive(Debug, Clone, PartialEq)]
pub struct WarmupRequest {
    /// Pilot replications to average (Welch's method).
    pub replications: u64,
    /// Master seed; the scenario's when `None`.
    pub seed: Option<u64>,
    /// Hours between observations.
    pub every_h: f64,
    /// Width of the centred moving average (observations each side).
    pub window: usize,
}

/// One observed series.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WarmupSeries {
    /// The series, e.g. `oil_delivered_per_interval_t`.
    pub name: String,
    /// The MSER-5 warm-up in days; NaN (JSON `null`) when the series is too
    /// short to tell.
    #[serde(deserialize_with = "crate::json::f64_or_nan")]
    pub mser_days: f64,
    /// Whether the MSER minimum fell at the search limit (not settled).
    pub at_limit: bool,
    /// Welch's ensemble mean, one value per observation day.
    #[serde(with = "crate::json::vec_nan_as_null")]
    pub mean: Vec<f64>,
    /// Its centred moving average.
    #[serde(with = "crate::json::vec_nan_as_null")]
    pub moving_average: Vec<f64>,
}

/// The result of `caspian warmup`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WarmupDoc {
    /// Scenario name.
    pub scenario: String,
    /// Where the scenario came from.
    pub source: String,
    /// Master seed.
    pub seed: u64,
    /// Pilot replications averaged.
    pub replications: u64,
    /// Hours between observations.
    pub every_h: f64,
    /// Moving-average half-width (observations each side).
    pub window: usize,
    /// The scenario's own `warmup_days`.
    pub configured_warmup_days: f64,
    /// The largest MSER-5 warm-up over the series, in days; NaN (`null`)
    /// where no series was long enough to analyse.
    #[serde(deserialize_with = "crate::json::f64_or_nan")]
    pub suggested_warmup_days: f64,
    /// The day of each observation (the end of its interval).
    pub day: Vec<f64>,
    /// The series.
    pub series: Vec<WarmupSeries>,
    /// How it was produced.
    pub provenance: Provenance,
}

impl WarmupDoc {
    /// The series whose MSER minimum is at the search limit.
    pub fn unsettled(&self) -> Vec<&str> {
        self.series.iter().filter(|s| s.at_limit).map(|s| s.name.as_str()).collect()
    }
}

/// The most observations per series a pilot takes (the horizon divided by
/// `--every-h`): a replication's samples are held while it is added in, so
/// this bounds the memory of a pilot (about 6 MB per replication in flight).
pub const MAX_OBSERVATIONS: u64 = 100_000;

/// Reads one observation of a series off two consecutive samples.
type Observe = fn(&Sample, &Sample) -> f64;

/// The series observed, with how each is read off a pair of samples.
const SERIES: [(&str, Observe); 5] = [
    ("oil_delivered_per_interval_t", |a, b| b.delivered[0].saturating_sub(a.delivered[0]) as f64),
    ("wagons_delivered_per_interval", |a, b| b.delivered[1].saturating_sub(a.delivered[1]) as f64),
    ("vessels_at_anchorage", |_, b| b.at_anchorage as f64),
    ("oil_in_storage_t", |_, b| b.in_storage[0] as f64),
    ("wagons_in_storage", |_, b| b.in_storage[1] as f64),
];

/// Runs the pilot replications in parallel (on the current rayon pool,
/// calling `tick` after each) and analyses them.
///
/// # Errors
/// [`StudyError`] when the scenario is invalid, the interval is not a
/// positive number of hours, or the horizon holds fewer than two
/// observations.
pub fn pilot(
    text: &str,
    source: &str,
    req: &WarmupRequest,
    tick: &(dyn Fn() + Sync),
) -> Result<WarmupDoc, StudyError> {
    let mut scenario = caspian_shipping::parse(text, source)?;
    let configured = scenario.scenario.warmup_days;
    // Observe from time zero: no statistics reset in the pilot runs.
    scenario.scenario.warmup_days = 0.0;
    let plan = caspian_shipping::compile(&scenario)
        .map_err(|errors| LoadError::Invalid { origin: source.to_string(), errors })?;
    let every = SimDuration::try_from_hours_f64(req.every_h)
        .ok()
        .filter(|d| d.ticks() > 0 && d.ticks() <= plan.horizon.ticks())
        .ok_or_else(|| StudyError::Warmup {
            message: format!(
                "--every-h must be a number of hours from the clock's resolution (1 ms) to the \
                 horizon ({} h), got {}",
                plan.horizon.as_hours_f64(),
                crate::study::short_number(req.every_h)
            ),
        })?;
    let observations = plan.horizon.ticks() / every.ticks();
    if observations > MAX_OBSERVATIONS {
        return Err(StudyError::Warmup {
            message: format!(
                "--every-h {} gives {observations} observations per series over the horizon; \
                 at most {MAX_OBSERVATIONS} are taken: use a larger --every-h",
                req.every_h
            ),
        });
    }
    let seed = req.seed.unwrap_or(scenario.scenario.seed);
    let sums = welch_sums(req.replications, |r| {
        let mut rec = Recorder { every: Some(every), ..Recorder::default() };
        caspian_shipping::simulate_probed(&plan, seed, r, &mut rec);
        tick();
        rec.samples
    });
    let len = sums.len() + 1;
    if sums.is_empty() {
        return Err(StudyError::Warmup {
            message: format!(
                "{source}: the horizon holds fewer than two observations every {} h",
                req.every_h
            ),
        });
    }
    let days = |obs: usize| obs as f64 * req.every_h / 24.0;
    // None where no series is long enough to analyse: no suggestion, not 0.
    let mut suggestion: Option<f64> = None;
    let series = SERIES
        .iter()
        .enumerate()
        .map(|(k, (name, _))| {
            // Welch: average over replications, observation by observation.
            let mean: Vec<f64> = sums.iter().map(|obs| obs[k] / req.replications as f64).collect();
            let m = mser::mser5(&mean);
            let mser_days = m.as_ref().map_or(f64::NAN, |m| days(m.truncate));
            if mser_days.is_finite() {
                suggestion = Some(suggestion.map_or(mser_days, |s| s.max(mser_days)));
            }
            WarmupSeries {
                name: (*name).to_string(),
                mser_days,
                at_limit: m.is_some_and(|m| m.at_limit),
                moving_average: moving_average(&mean, req.window),
                mean,
            }
        })
        .collect();
    Ok(WarmupDoc {
        scenario: scenario.scenario.name.clone(),
        source: source.to_string(),
        seed,
        replications: req.replications,
        every_h: req.every_h,
        window: req.window,
        configured_warmup_days: configured,
        suggested_warmup_days: suggestion.unwrap_or(f64::NAN),
        day: (1..len).map(days).collect(),
        series,
        provenance: Provenance::current(Some(crate::study::sha256_hex(text))),
    })
}

/// Sums over replications `0..replications`, observation by observation,
/// of each of the [`SERIES`]: element `i` holds, per series, the sum of the
/// observation read off samples `i` and `i + 1` of every replication, over
/// the observations all replications reached (one fewer than the shortest
/// run's samples). `run` gives a replication's samples.
///
/// Replications run in parallel in blocks of a few per thread, and each
/// block is added in replication order once it is done: memory is flat in
/// the number of replications, and every sum adds the same numbers in the
/// same order whatever the number of threads, so the result is
/// bit-identical for any thread count.
fn welch_sums(
    replications: u64,
    run: impl Fn(u64) -> Vec<Sample> + Sync,
) -> Vec<[f64; SERIES.len()]> {
    let block = (rayon::current_num_threads() as u64).max(1) * 2;
    let mut sums: Option<Vec<[f64; SERIES.len()]>> = None;
    let mut start = 0;
    while start < replications {
        let end = replications.min(start.saturating_add(block));
        let runs: Vec<Vec<Sample>> = (start..end).into_par_iter().map(&run).collect();
        for samples in &runs {
            let observed = samples.len().saturating_sub(1);
            let sums = sums.get_or_insert_with(|| vec![[0.0; SERIES.len()]; observed]);
            sums.truncate(observed);
            for (sum, pair) in sums.iter_mut().zip(samples.windows(2)) {
                for (s, (_, f)) in sum.iter_mut().zip(&SERIES) {
                    *s += f(&pair[0], &pair[1]);
                }
            }
        }
        start = end;
    }
    sums.unwrap_or_default()
}

/// Welch's centred moving average with `w` observations each side, shrinking
/// the window near the start (Law and Kelton).
fn moving_average(x: &[f64], w: usize) -> Vec<f64> {
    (0..x.len())
        .map(|i| {
            let half = w.min(i).min(x.len() - 1 - i);
            let slice = &x[i - half..=i + half];
            slice.iter().sum::<f64>() / slice.len() as f64
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn moving_average_shrinks_at_the_edges() {
        let m = super::moving_average(&[1.0, 2.0, 3.0, 4.0, 5.0], 1);
        assert_eq!(m, vec![1.0, 2.0, 3.0, 4.0, 5.0]);
        let m = super::moving_average(&[0.0, 0.0, 3.0, 0.0, 0.0], 1);
        assert_eq!(m, vec![0.0, 1.0, 1.0, 1.0, 0.0]);
    }
}
