//! Statistics properties: tallies and time-weighted averages against naive sums, merged and reset.

use caspian_engine::{SimDuration, SimTime, TICKS_PER_HOUR, Tally, TimeWeighted};
use proptest::prelude::*;
use proptest::sample::Index;

/// Whether `got` is within a relative 1e-9 of `want`, measured against `scale`
/// where `want` is near zero because of cancellation (a mean of mixed signs).
fn close(got: f64, want: f64, scale: f64) -> bool {
    (got - want).abs() <= 1e-9 * want.abs().max(scale).max(f64::MIN_POSITIVE)
}

fn observation() -> impl Strategy<Value = f64> {
    // Spread out, with ties, and large with a small spread (cancellation-prone).
    let spread = -1e6..1e6f64;
    let ties = (-20i32..20).prop_map(f64::from);
    let offset = (0.0..1.0f64).prop_map(|x| 5e5 + x);
    prop_oneof![spread, ties, offset]
}

/// Two-pass reference: count, mean, unbiased variance, min, max.
struct Naive {
    n: usize,
    mean: f64,
    variance: f64,
    min: f64,
    max: f64,
    /// Largest magnitude, the scale of rounding errors.
    scale: f64,
}

fn naive(xs: &[f64]) -> Naive {
    let n = xs.len();
    let mean = xs.iter().sum::<f64>() / n as f64;
    let variance = xs.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / (n as f64 - 1.0);
    Naive {
        n,
        mean,
        variance,
        min: xs.iter().copied().fold(f64::INFINITY, f64::min),
        max: xs.iter().copied().fold(f64::NEG_INFINITY, f64::max),
        scale: xs.iter().map(|x| x.abs()).fold(0.0, f64::max),
    }
}

fn tally(xs: &[f64]) -> Tally {
    let mut t = Tally::new();
    xs.iter().for_each(|&x| t.record(x));
    t
}

fn check_tally(t: &Tally, xs: &[f64]) -> Result<(), TestCaseError> {
    prop_assert_eq!(t.count(), xs.len() as u64);
    if xs.is_empty() {
        prop_assert_eq!((t.mean(), t.min(), t.max(), t.variance()), (None, None, None, None));
        prop_assert_eq!(t.mean_or(-7.0), -7.0);
        return Ok(());
    }
    let r = naive(xs);
    let mean = t.mean().unwrap();
    prop_assert!(close(mean, r.mean, r.scale), "mean {} vs {}", mean, r.mean);
    prop_assert!(close(t.sum(), r.mean * r.n as f64, r.scale * r.n as f64), "sum");
    prop_assert_eq!(t.min(), Some(r.min));
    prop_assert_eq!(t.max(), Some(r.max));
    if xs.len() < 2 {
        prop_assert_eq!(t.variance(), None);
        prop_assert_eq!(t.std_dev(), None);
    } else {
        let var = t.variance().unwrap();
        // Rounding in the running mean is relative to the data's magnitude, not the spread.
        let floor = 1e-3 * r.scale * r.scale;
        prop_assert!(close(var, r.variance, floor), "variance {} vs {}", var, r.variance);
        prop_assert!(var >= 0.0);
        prop_assert_eq!(t.std_dev(), Some(var.sqrt()));
    }
    Ok(())
}

/// A piecewise-constant trace: a start time and value, changes after gaps of
/// some ticks (gaps of zero included), and a final gap to the observation end.
#[derive(Clone, Debug)]
struct Trace {
    start: u64,
    initial: f64,
    /// `(gap since the previous change, x, add)`: the value becomes `x`, or with
    /// `add` the previous value plus `x` (applied through [`TimeWeighted::add`]).
    changes: Vec<(u64, f64, bool)>,
    tail: u64,
}

fn value() -> impl Strategy<Value = f64> {
    prop_oneof![(-30i32..30).prop_map(f64::from), 0.0..1_000.0f64]
}

fn trace() -> impl Strategy<Value = Trace> {
    (
        0u64..10_000,
        value(),
        prop::collection::vec(
            (prop::sample::select(vec![0u64, 1, 7, 1_000, 3_600_000]), value(), any::<bool>()),
            0..60,
        ),
        prop::sample::select(vec![0u64, 5, 500_000]),
    )
        .prop_map(|(start, initial, changes, tail)| Trace { start, initial, changes, tail })
}

impl Trace {
    /// The absolute change times and the value from each on, initial value first.
    fn steps(&self) -> Vec<(SimTime, f64)> {
        let mut t = SimTime::from_ticks(self.start);
        let mut v = self.initial;
        let mut steps = vec![(t, v)];
        for &(gap, x, add) in &self.changes {
            t += SimDuration::from_ticks(gap);
            v = if add { v + x } else { x };
            steps.push((t, v));
        }
        steps
    }

    fn end(&self) -> SimTime {
        self.steps().last().unwrap().0 + SimDuration::from_ticks(self.tail)
    }

    /// A time in `[start, end]` picked by `at`.
    fn time_within(&self, at: Index) -> SimTime {
        let span = self.end().ticks() - self.start;
        SimTime::from_ticks(self.start + at.index(span as usize + 1) as u64)
    }

    /// Applies the changes due in `(after, until]` (all of them from the start when
    /// `after` is `None`), through `set` or `add` as the trace says.
    fn apply(&self, tw: &mut TimeWeighted, after: Option<SimTime>, until: SimTime) {
        let steps = self.steps();
        for (i, &(_, x, add)) in self.changes.iter().enumerate() {
            let t = steps[i + 1].0;
            if after.is_some_and(|a| t <= a) || t > until {
                continue;
            }
            if add {
                tw.add(t, x);
            } else {
                tw.set(t, x);
            }
        }
    }

    /// The value in effect at `t` (after every change at or before it).
    fn value_at(&self, t: SimTime) -> f64 {
        self.steps().iter().take_while(|&&(s, _)| s <= t).last().unwrap().1
    }

    /// By hand: the integral (value-ticks) over `[from, to]`, and the min and max of
    /// the values taken there (those set at `from` or later, and the one in effect at `from`).
    fn by_hand(&self, from: SimTime, to: SimTime) -> (f64, f64, f64) {
        let steps = self.steps();
        let mut area = 0.0;
        let (mut min, mut max) = (self.value_at(from), self.value_at(from));
        for (i, &(t, v)) in steps.iter().enumerate() {
            let next = steps.get(i + 1).map_or(to, |&(n, _)| n.min(to));
            let begin = t.max(from);
            if next > begin {
                area += v * (next - begin).ticks() as f64;
            }
            if t > from && t <= to {
                min = min.min(v);
                max = max.max(v);
            }
        }
        (area, min, max)
    }
}

fn whole(trace: &Trace) -> TimeWeighted {
    let mut tw = TimeWeighted::new(SimTime::from_ticks(trace.start), trace.initial);
    trace.apply(&mut tw, None, SimTime::MAX);
    tw
}

proptest! {
    #![proptest_config(crate::config(256))]

    #[test]
    fn tally_matches_two_pass(xs in prop::collection::vec(observation(), 0..200)) {
        check_tally(&tally(&xs), &xs)?;
    }

    #[test]
    fn tally_merge_equals_single_tally(
        xs in prop::collection::vec(observation(), 0..200),
        cuts in prop::collection::vec(any::<Index>(), 1..5),
    ) {
        let mut cuts: Vec<usize> = cuts.iter().map(|c| c.index(xs.len() + 1)).collect();
        cuts.push(0);
        cuts.push(xs.len());
        cuts.sort_unstable();
        let parts: Vec<Tally> = cuts.windows(2).map(|w| tally(&xs[w[0]..w[1]])).collect();
        let mut forward = Tally::new();
        parts.iter().for_each(|p| forward.merge(p));
        check_tally(&forward, &xs)?;
        let mut backward = Tally::new();
        parts.iter().rev().for_each(|p| backward.merge(p));
        check_tally(&backward, &xs)?;
        let single = tally(&xs);
        prop_assert_eq!(forward.count(), single.count());
    }

    #[test]
    fn tally_reset_forgets_everything(
        xs in prop::collection::vec(observation(), 0..50),
        ys in prop::collection::vec(observation(), 0..50),
    ) {
        let mut t = tally(&xs);
        t.reset();
        ys.iter().for_each(|&y| t.record(y));
        prop_assert_eq!(t, tally(&ys));
    }

    #[test]
    fn time_weighted_matches_hand_integral(trace in trace()) {
        let tw = whole(&trace);
        let (start, end) = (SimTime::from_ticks(trace.start), trace.end());
        let (area, _, _) = trace.by_hand(start, end);
        // Every value ever set counts for the extremes, even one that held for no time.
        let steps = trace.steps();
        let min = steps.iter().map(|s| s.1).fold(f64::INFINITY, f64::min);
        let max = steps.iter().map(|s| s.1).fold(f64::NEG_INFINITY, f64::max);
        let duration = (end - start).ticks() as f64;
        let mean = if duration > 0.0 { area / duration } else { tw.value() };
        let scale = 1_000.0;
        prop_assert!(close(tw.mean(end), mean, scale), "mean {} vs {}", tw.mean(end), mean);
        let hours = TICKS_PER_HOUR as f64;
        prop_assert!(close(tw.integral_hours(end), area / hours, scale * duration / hours));
        prop_assert_eq!(tw.duration_hours(end), duration / hours);
        prop_assert_eq!((tw.min(), tw.max()), (min, max));
        prop_assert_eq!(tw.value(), trace.steps().last().unwrap().1);
    }

    #[test]
    fn time_weighted_split_and_merge_equals_whole(trace in trace(), at in any::<Index>()) {
        let (start, end) = (SimTime::from_ticks(trace.start), trace.end());
        let split = trace.time_within(at);
        let whole = whole(&trace);
        let mut first = TimeWeighted::new(start, trace.initial);
        trace.apply(&mut first, None, split);
        let mut second = TimeWeighted::new(split, trace.value_at(split));
        trace.apply(&mut second, Some(split), SimTime::MAX);
        first.merge(&second, end);
        let scale = 1_000.0;
        prop_assert!(
            close(first.mean(split), whole.mean(end), scale),
            "merged mean {} vs whole {}", first.mean(split), whole.mean(end)
        );
        prop_assert_eq!(first.duration_hours(split), whole.duration_hours(end));
        let hours = (end - start).as_hours_f64();
        prop_assert!(close(first.integral_hours(split), whole.integral_hours(end), scale * hours));
        prop_assert_eq!((first.min(), first.max()), (whole.min(), whole.max()));
    }

    #[test]
    fn time_weighted_reset_keeps_only_the_rest(trace in trace(), at in any::<Index>()) {
        let (start, end) = (SimTime::from_ticks(trace.start), trace.end());
        let reset_at = trace.time_within(at);
        let mut tw = TimeWeighted::new(start, trace.initial);
        trace.apply(&mut tw, None, reset_at);
        tw.reset(reset_at);
        trace.apply(&mut tw, Some(reset_at), SimTime::MAX);
        let (area, min, max) = trace.by_hand(reset_at, end);
        let duration = (end - reset_at).ticks() as f64;
        let mean = if duration > 0.0 { area / duration } else { tw.value() };
        prop_assert!(close(tw.mean(end), mean, 1_000.0), "mean {} vs {}", tw.mean(end), mean);
        prop_assert_eq!(tw.duration_hours(end), duration / TICKS_PER_HOUR as f64);
        prop_assert_eq!((tw.min(), tw.max()), (min, max));
    }

    #[test]
    fn time_weighted_merge_of_replications_weights_by_duration(a in trace(), b in trace()) {
        let (a_end, b_end) = (a.end(), b.end());
        let mut merged = whole(&a);
        merged.merge(&whole(&b), b_end);
        let (a_area, _, _) = a.by_hand(SimTime::from_ticks(a.start), a_end);
        let (b_area, _, _) = b.by_hand(SimTime::from_ticks(b.start), b_end);
        let duration = (a_end.ticks() - a.start + b_end.ticks() - b.start) as f64;
        prop_assume!(duration > 0.0);
        let mean = (a_area + b_area) / duration;
        let got = merged.mean(a_end);
        prop_assert!(close(got, mean, 1_000.0), "{} vs {}", got, mean);
        prop_assert_eq!(merged.min(), whole(&a).min().min(whole(&b).min()));
        prop_assert_eq!(merged.max(), whole(&a).max().max(whole(&b).max()));
    }
}
