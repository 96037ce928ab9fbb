//! Scenarios ranked by one measure: multiple comparison with the best
//! (Bonferroni-adjusted paired-t intervals under common random numbers),
//! with each place's verdict in words and a note where the verdicts are
//! not in the order of the means.

use serde::{Deserialize, Serialize};

use crate::direction::Direction;
use crate::measure::Measure;
use crate::records::PointRecords;
use crate::stats::{CONFIDENCE, mean_var, t_quantile};

/// Scenarios ordered by one measure.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Ranking {
    /// The measure ranked on: a KPI, or `P(KPI OP NUMBER)`.
    pub kpi: String,
    /// Which way is better.
    pub direction: Direction,
    /// Scenarios from best to worst.
    pub order: Vec<RankEntry>,
}

/// One scenario's place in a ranking.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RankEntry {
    /// Scenario index in the order given.
    pub scenario: usize,
    /// Mean of the KPI (NaN when it is undefined in every replication).
    #[serde(deserialize_with = "crate::json::f64_or_nan")]
    pub mean: f64,
    /// Replications in which the KPI is defined; 0 means no data, and such
    /// a scenario is ranked last and never called indistinguishable.
    #[serde(default)]
    pub n: u64,
    /// Whether the paired interval of (best - this) contains zero at a
    /// family-wise 95% level (Bonferroni over the k - 1 comparisons with the
    /// best): the data cannot tell this scenario from the best.
    pub indistinguishable_from_best: bool,
}

impl Ranking {
    /// The verdict on the entry at `place` (0 the best) in words, for
    /// tables and reports. The best itself is "best: every other is worse"
    /// where every other scenario with data is told apart from it, and
    /// "best by its mean" where some cannot be (they are "indistinguishable
    /// from the best", and the data do not say which of them is best).
    /// Scenarios that share the best mean exactly are each "tied for best",
    /// whichever was given first. A best whose measure is defined in fewer
    /// replications than another's is "best by its mean, over fewer
    /// replications" (a recovery time leaves out the episodes that never
    /// recovered).
    pub fn verdict(&self, place: usize) -> &'static str {
        let e = &self.order[place];
        let best = self.order[0].mean;
        // Equal means, and no paired difference told apart (a measure
        // undefined in some replications can give equal means over each
        // one's own replications yet differences that never vary).
        let at_best = |o: &RankEntry| o.n > 0 && o.mean == best && o.indistinguishable_from_best;
        if e.n == 0 {
            "no data (undefined in every replication)"
        } else if at_best(e) && self.order.iter().filter(|o| at_best(o)).count() > 1 {
            "tied for best"
        } else if place == 0 && self.order[1..].iter().any(|o| o.n > e.n) {
            // Its mean leaves out replications another's counts.
            "best by its mean, over fewer replications"
        } else if place == 0 {
            let mut others = self.order[1..].iter().filter(|o| o.n > 0).peekable();
            let any = others.peek().is_some();
            if any && others.all(|o| !o.indistinguishable_from_best) {
                "best: every other is worse"
            } else {
                "best by its mean"
            }
        } else if e.indistinguishable_from_best {
            "indistinguishable from the best"
        } else {
            "worse than the best"
        }
    }

    /// Where the verdicts are not in the order of the places (a scenario
    /// "worse than the best" above one "indistinguishable from the best"),
    /// why, naming the first such pair by `name` (of a scenario index):
    /// each verdict comes from that scenario's own paired differences with
    /// the best, so one further down whose differences vary more from
    /// replication to replication, or are fewer (a measure undefined in
    /// some replications), is told apart from the best less surely than
    /// one closer to it.
    pub fn order_note<'a>(&self, name: impl Fn(usize) -> &'a str) -> Option<String> {
        let order = &self.order;
        let (below, above) = order.iter().enumerate().find_map(|(i, e)| {
            if !e.indistinguishable_from_best {
                return None;
            }
            let above = order[..i].iter().rfind(|a| a.n > 0 && !a.indistinguishable_from_best)?;
            Some((name(e.scenario), name(above.scenario)))
        })?;
        Some(format!(
            "the verdicts are not in the order of the places: \"{below}\" is indistinguishable \
             from the best though \"{above}\", above it, is worse than the best. Each verdict \
             comes from that scenario's own paired differences with the best, and those of \
             \"{below}\" vary more from replication to replication, or are fewer (a measure \
             undefined in some replications): its mean is no closer to the best's, yet less \
             surely apart from it"
        ))
    }
}

/// Ranks the scenarios by the mean of `kpi` and flags those statistically
/// indistinguishable from the best (multiple comparison with the best,
/// Bonferroni-adjusted paired-t intervals under common random numbers).
pub fn rank(records: &[PointRecords], kpi: &str, direction: Direction) -> Ranking {
    rank_measure(records, &Measure::Kpi(kpi.to_string()), direction)
}

/// [`rank`] on any measure: a KPI, or the probability of a condition on
/// one (whose mean is the share of replications meeting it).
pub fn rank_measure(records: &[PointRecords], measure: &Measure, direction: Direction) -> Ranking {
    let columns: Vec<Vec<f64>> = records.iter().map(|r| measure.column(r)).collect();
    let finite: Vec<Vec<f64>> =
        columns.iter().map(|c| c.iter().copied().filter(|v| v.is_finite()).collect()).collect();
    let means: Vec<f64> = finite.iter().map(|c| mean_var(c).0).collect();
    let mut order: Vec<usize> = (0..records.len()).collect();
    // Scenarios without data (NaN mean) go last, whatever the direction.
    order.sort_by(|&a, &b| {
        let (x, y) = (means[a], means[b]);
        let ord = match (x.is_nan(), y.is_nan()) {
            (true, true) => std::cmp::Ordering::Equal,
            (true, false) => std::cmp::Ordering::Greater,
            (false, true) => std::cmp::Ordering::Less,
            (false, false) => match direction {
                Direction::Maximize => y.total_cmp(&x),
                Direction::Minimize => x.total_cmp(&y),
            },
        };
        ord.then(a.cmp(&b))
    });
    let best = order[0];
    let k = records.len().max(2);
    let alpha = (1.0 - CONFIDENCE) / (k - 1) as f64;
    let entries = order
        .iter()
        .map(|&i| {
            let tied = !means[i].is_nan()
                && (i == best || {
                    let diffs: Vec<f64> = columns[best]
                        .iter()
                        .zip(&columns[i])
                        .filter(|(a, b)| a.is_finite() && b.is_finite())
                        .map(|(a, b)| a - b)
                        .collect();
                    let n = diffs.len();
                    let (mean, var) = mean_var(&diffs);
                    n < 2 || {
                        let t = t_quantile(1.0 - alpha / 2.0, (n - 1) as f64);
                        mean.abs() <= t * (var / n as f64).sqrt()
                    }
                });
            RankEntry {
                scenario: i,
                mean: means[i],
                n: finite[i].len() as u64,
                indistinguishable_from_best: tied,
            }
        })
        .collect();
    Ranking { kpi: measure.to_string(), direction, order: entries }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn recs(values: &[f64]) -> PointRecords {
        PointRecords::single_kpi(values)
    }

    #[test]
    fn ranking_separates_clear_winner_from_noise() {
        let noise: Vec<f64> = (0..50).map(|i| ((i * 37) % 11) as f64).collect();
        let a = recs(&noise);
        let b = recs(&noise.iter().map(|v| v + 100.0).collect::<Vec<_>>());
        // c is b minus 0.05 on average, in alternating +0.5/-0.6 steps: the
        // paired half-width (about 0.18) covers the gap, so c cannot be told
        // from the best.
        let c = recs(
            &noise
                .iter()
                .enumerate()
                .map(|(i, v)| v + 100.0 + if i % 2 == 0 { 0.5 } else { -0.6 })
                .collect::<Vec<_>>(),
        );
        let r = rank(&[a, b, c], "x", Direction::Maximize);
        assert_eq!(r.order[0].scenario, 1);
        assert!(r.order.iter().find(|e| e.scenario == 2).unwrap().indistinguishable_from_best);
        assert!(!r.order.iter().find(|e| e.scenario == 0).unwrap().indistinguishable_from_best);
        assert_eq!(r.order_note(|i| ["a", "b", "c"][i]), None);
        // c cannot be told from b: the best is best only by its mean.
        let verdicts: Vec<&str> = (0..3).map(|i| r.verdict(i)).collect();
        assert_eq!(
            verdicts,
            ["best by its mean", "indistinguishable from the best", "worse than the best"]
        );
        // Without c, a is surely worse: b is the best outright.
        let r = rank(
            &[recs(&noise), recs(&noise.iter().map(|v| v + 100.0).collect::<Vec<_>>())],
            "x",
            Direction::Maximize,
        );
        assert_eq!(
            [r.verdict(0), r.verdict(1)],
            ["best: every other is worse", "worse than the best"]
        );
        // Equal means share the verdict, whatever the order given.
        let same = || recs(&noise.iter().map(|v| v + 100.0).collect::<Vec<_>>());
        let r = rank(&[same(), recs(&noise), same()], "x", Direction::Maximize);
        let verdicts: Vec<&str> = (0..3).map(|i| r.verdict(i)).collect();
        assert_eq!(verdicts, ["tied for best", "tied for best", "worse than the best"]);
        // The same mean over each one's own replications, but told apart
        // where both are defined (each 1 above): no tie.
        let r = rank(
            &[recs(&[5.0, 5.0, 5.0, f64::NAN]), recs(&[4.0, 4.0, 4.0, 8.0])],
            "x",
            Direction::Maximize,
        );
        assert_eq!(r.order[0].mean, r.order[1].mean);
        assert_eq!(
            [r.verdict(0), r.verdict(1)],
            ["best by its mean, over fewer replications", "worse than the best"]
        );
        // A recovery time that leaves out a policy's worst replication (it
        // never recovered): first by its mean, and said to be over fewer.
        let r = rank(
            &[recs(&[17.0, 16.0, 18.0, 17.0]), recs(&[12.0, 13.0, f64::NAN, f64::NAN])],
            "x",
            Direction::Minimize,
        );
        assert_eq!(r.order[0].scenario, 1);
        assert_eq!(r.verdict(0), "best by its mean, over fewer replications");
        let r = rank(&[recs(&[5.0, 6.0, 7.0]), recs(&[1.0, 2.0, 3.0])], "x", Direction::Minimize);
        assert_eq!(r.verdict(0), "best: every other is worse", "the same n: no qualifier");
        // A rival with no data tells nothing: best by its mean.
        let r = rank(&[recs(&noise), recs(&[f64::NAN; 50])], "x", Direction::Maximize);
        assert_eq!(r.verdict(0), "best by its mean");
        assert_eq!(r.verdict(1), "no data (undefined in every replication)");
        // d is b minus 1 in every replication: worse, surely. e is b minus
        // 2 on average, in +-30 swings: further down, and indistinguishable.
        let d = recs(&noise.iter().map(|v| v + 99.0).collect::<Vec<_>>());
        let e = recs(
            &noise
                .iter()
                .enumerate()
                .map(|(i, v)| v + 98.0 + if i % 2 == 0 { 30.0 } else { -30.0 })
                .collect::<Vec<_>>(),
        );
        let b = recs(&noise.iter().map(|v| v + 100.0).collect::<Vec<_>>());
        let r = rank(&[b, d, e], "x", Direction::Maximize);
        let places: Vec<(usize, bool)> =
            r.order.iter().map(|e| (e.scenario, e.indistinguishable_from_best)).collect();
        assert_eq!(places, [(0, true), (1, false), (2, true)]);
        let note = r.order_note(|i| ["b", "d", "e"][i]).unwrap();
        assert!(
            note.starts_with(
                "the verdicts are not in the order of the places: \"e\" is indistinguishable \
                 from the best though \"d\", above it, is worse than the best."
            ),
            "{note}"
        );
        let r = rank(&[recs(&noise), recs(&noise)], "x", Direction::Minimize);
        assert!(r.order.iter().all(|e| e.indistinguishable_from_best));
        // A scenario with no data is last in either direction, never tied.
        let empty = recs(&[f64::NAN; 50]);
        for dir in [Direction::Maximize, Direction::Minimize] {
            let r = rank(&[empty.clone(), recs(&noise)], "x", dir);
            assert_eq!(r.order[0].scenario, 1);
            assert_eq!((r.order[1].scenario, r.order[1].n), (0, 0));
            assert!(!r.order[1].indistinguishable_from_best);
        }
    }
}
