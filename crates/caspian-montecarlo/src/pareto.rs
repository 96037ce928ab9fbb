//! The two-measure Pareto view of a comparison (`--pareto X,Y`): each
//! scenario's mean of both measures with 95% intervals, the scenarios no
//! other beats on both (the Pareto set, judged on the means), and for each
//! dominated scenario who dominates it and whether the data make that
//! clear.
//!
//! Scenario `a` dominates `b` when `a`'s means are at least as good as
//! `b`'s on both measures (each in its own direction) and better on one.
//! The domination is *clear* when the paired 95% intervals of both
//! differences `a - b` (common random numbers) exclude zero on the side
//! where `a` is better; otherwise the data cannot rule out that `b` is as
//! good as `a` on one of them.

use serde::{Deserialize, Serialize};

use crate::direction::Direction;
use crate::economics::Estimate;
use crate::measure::Measure;
use crate::records::PointRecords;
use crate::stats::PairedDifference;

/// One axis of the view: a measure and which way is better.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ParetoAxis {
    /// The measure as written (`cost.total_per_year`,
    /// `P(service_level.wagons<0.95)`).
    pub measure: String,
    /// Which way is better.
    pub direction: Direction,
}

/// Another scenario that dominates one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Domination {
    /// Index of the dominating scenario.
    pub by: usize,
    /// Whether both paired 95% intervals exclude zero in its favour.
    pub clear: bool,
}

/// One scenario in the view.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ParetoPoint {
    /// Index of the scenario.
    pub scenario: usize,
    /// The first measure: mean and 95% interval (Wilson for a probability,
    /// Student-t otherwise).
    pub x: Estimate,
    /// The second measure.
    pub y: Estimate,
    /// Whether no scenario dominates it (false without data).
    pub on_front: bool,
    /// The scenarios that dominate it, in scenario order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub dominated_by: Vec<Domination>,
}

impl ParetoPoint {
    /// Its standing in words, naming dominating scenarios by `name`.
    pub fn verdict(&self, name: impl Fn(usize) -> String) -> String {
        if self.x.n == 0 || self.y.n == 0 {
            return "no data (undefined in every replication)".to_string();
        }
        if self.on_front {
            return "Pareto-optimal".to_string();
        }
        let by: Vec<String> = self
            .dominated_by
            .iter()
            .map(|d| {
                let how = if d.clear { "clear" } else { "not clear" };
                format!("{} ({how})", name(d.by))
            })
            .collect();
        format!("dominated by {}", by.join(", "))
    }
}

/// The Pareto view of a comparison.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ParetoView {
    /// The first measure (the chart's x axis).
    pub x: ParetoAxis,
    /// The second measure (the y axis).
    pub y: ParetoAxis,
    /// One point per scenario, in scenario order.
    pub points: Vec<ParetoPoint>,
}

/// The mean and 95% interval of `m` in `records`, NaN values left out, as
/// the tables report them ([`Measure::summary`]): a probability's the
/// Wilson interval, a KPI's cut to the values it can take (a lost-cargo
/// cost's t-interval does not reach below zero here either).
fn estimate(m: &Measure, records: &PointRecords) -> Estimate {
    let s = m.summary(&m.column(records));
    Estimate { mean: s.mean, ci95_low: s.ci95_low, ci95_high: s.ci95_high, n: s.n }
}

/// Whether the paired interval of `a - b` (as `PairedDifference::of(b, a)`)
/// excludes zero on `dir`'s better side.
fn clearly_better(d: &PairedDifference, dir: Direction) -> bool {
    match dir {
        Direction::Maximize => d.ci95_low > 0.0,
        Direction::Minimize => d.ci95_high < 0.0,
    }
}

/// The Pareto view of `records` (one per scenario, over the same
/// replications) on `x` and `y`.
pub fn pareto(
    records: &[PointRecords],
    x: (&Measure, Direction),
    y: (&Measure, Direction),
) -> ParetoView {
    let cols: Vec<[Vec<f64>; 2]> = records.iter().map(|r| [x.0.column(r), y.0.column(r)]).collect();
    let est: Vec<[Estimate; 2]> =
        records.iter().map(|r| [estimate(x.0, r), estimate(y.0, r)]).collect();
    let dirs = [x.1, y.1];
    let defined = |i: usize| est[i].iter().all(|e| e.mean.is_finite());
    let dominates = |a: usize, b: usize| {
        let (ea, eb) = (&est[a], &est[b]);
        let no_worse = (0..2).all(|k| !dirs[k].better(eb[k].mean, ea[k].mean));
        let better = (0..2).any(|k| dirs[k].better(ea[k].mean, eb[k].mean));
        defined(a) && defined(b) && no_worse && better
    };
    let points = (0..records.len())
        .map(|b| {
            let dominated_by: Vec<Domination> = (0..records.len())
                .filter(|&a| a != b && dominates(a, b))
                .map(|a| Domination {
                    by: a,
                    clear: (0..2).all(|k| {
                        clearly_better(&PairedDifference::of(&cols[b][k], &cols[a][k]), dirs[k])
                    }),
                })
                .collect();
            ParetoPoint {
                scenario: b,
                x: est[b][0],
                y: est[b][1],
                on_front: defined(b) && dominated_by.is_empty(),
                dominated_by,
            }
        })
        .collect();
    ParetoView {
        x: ParetoAxis { measure: x.0.to_string(), direction: x.1 },
        y: ParetoAxis { measure: y.0.to_string(), direction: y.1 },
        points,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::intervals::wilson;
    use crate::stats::mean_var;

    /// Records of KPIs `a` and `b` with the given columns.
    fn recs(a: Vec<f64>, b: Vec<f64>) -> PointRecords {
        PointRecords::from_columns(&["a".to_string(), "b".to_string()], &[a, b])
    }

    #[test]
    fn the_front_and_who_dominates_whom() {
        let noise: Vec<f64> = (0..30).map(|i| ((i * 37) % 11) as f64).collect();
        let shift = |d: f64| noise.iter().map(|v| v + d).collect::<Vec<_>>();
        // Minimise a (cost), maximise b (deliveries).
        // 0: cost 10, output 10. 1: cost 20, output 30 (trade-off: front).
        // 2: cost 10.05 (+-0.5 alternating), output 9: dominated by 0,
        //    clearly on b but not on a. 3: cost 25, output 5: dominated by all,
        //    clearly by 0 and 1.
        let wobble: Vec<f64> = noise
            .iter()
            .enumerate()
            .map(|(i, v)| v + 10.05 + if i % 2 == 0 { 0.5 } else { -0.4 })
            .collect();
        let r = vec![
            recs(shift(10.0), shift(10.0)),
            recs(shift(20.0), shift(30.0)),
            recs(wobble, shift(9.0)),
            recs(shift(25.0), shift(5.0)),
        ];
        let (a, b) = (Measure::parse("a").unwrap(), Measure::parse("b").unwrap());
        let v = pareto(&r, (&a, Direction::Minimize), (&b, Direction::Maximize));
        let front: Vec<usize> =
            v.points.iter().filter(|p| p.on_front).map(|p| p.scenario).collect();
        assert_eq!(front, vec![0, 1]);
        assert_eq!(v.points[2].dominated_by, vec![Domination { by: 0, clear: false }]);
        assert_eq!(
            v.points[3].dominated_by,
            vec![
                Domination { by: 0, clear: true },
                Domination { by: 1, clear: true },
                Domination { by: 2, clear: true }
            ]
        );
        let verdict = v.points[2].verdict(|i| format!("s{i}"));
        assert_eq!(verdict, "dominated by s0 (not clear)");
        assert_eq!(v.points[0].x.mean, mean_var(&shift(10.0)).0);
        // Reversing both directions turns the view around: 3 is now on the front.
        let v = pareto(&r, (&a, Direction::Maximize), (&b, Direction::Minimize));
        assert!(v.points[3].on_front && !v.points[0].on_front);
    }

    #[test]
    fn probabilities_get_wilson_intervals_and_missing_data_is_off_the_front() {
        let r = vec![
            recs(vec![1.0, 2.0, 3.0, 4.0], vec![0.9, 0.99, 0.99, 0.9]),
            recs(vec![f64::NAN; 4], vec![f64::NAN; 4]),
        ];
        let p = Measure::parse("P(b>=0.95)").unwrap();
        let a = Measure::parse("a").unwrap();
        let v = pareto(&r, (&a, Direction::Minimize), (&p, Direction::Maximize));
        assert_eq!(v.points[0].y.mean, 0.5);
        assert_eq!((v.points[0].y.ci95_low, v.points[0].y.ci95_high), wilson(2, 4));
        assert!(v.points[0].on_front);
        assert!(!v.points[1].on_front && v.points[1].dominated_by.is_empty());
        assert!(v.points[1].verdict(|i| i.to_string()).starts_with("no data"));
        assert_eq!(v.y.measure, "P(b>=0.95)");
    }

    /// A cost's interval stops at zero, as the tables' does: a rare loss's
    /// t-interval reaches below it.
    #[test]
    fn intervals_stay_within_what_the_measure_can_be() {
        let names = ["cost.lost_cargo_per_year".to_string(), "cost.total_per_year".to_string()];
        let lost = vec![0.0, 0.0, 0.0, 5000.0];
        assert!(crate::stats::Summary::of(&lost).ci95_low < 0.0, "the raw interval");
        let r = vec![PointRecords::from_columns(&names, &[lost, vec![1.0, 2.0, 3.0, 4.0]])];
        let x = Measure::parse("cost.lost_cargo_per_year").unwrap();
        let y = Measure::parse("cost.total_per_year").unwrap();
        let v = pareto(&r, (&x, Direction::Minimize), (&y, Direction::Minimize));
        assert_eq!((v.points[0].x.ci95_low, v.points[0].x.mean), (0.0, 1250.0));
        assert!(v.points[0].x.ci95_high > 1250.0);
    }
}
