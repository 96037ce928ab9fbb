//! Unit tests of the calendar, timelines and episode generators.

use super::calendar::MONTH_START_DAY;
use super::*;
use crate::dist::Dist;
use crate::dist::DistSpec;
use crate::streams::{Source, stream};
use caspian_engine::{SimDuration, SimTime, TICKS_PER_DAY};
use proptest::prelude::*;

fn t(ticks: u64) -> SimTime {
    SimTime::from_ticks(ticks)
}

fn dist(spec: DistSpec) -> Dist {
    Dist::new(&spec).expect("valid spec")
}

#[test]
fn calendar() {
    let day = |d: u64| SimTime::from_days(d);
    assert_eq!(month_of(day(0)), 0);
    assert_eq!(month_of(day(30)), 0);
    assert_eq!(month_of(day(31)), 1);
    assert_eq!(month_of(day(58)), 1);
    assert_eq!(month_of(day(59)), 2);
    assert_eq!(month_of(day(364)), 11);
    assert_eq!(month_of(day(365)), 0);
    assert_eq!(month_of(day(365 + 59)), 2);
    assert_eq!(month_of(t(TICKS_PER_YEAR - 1)), 11);
    assert_eq!(year_of(day(365 * 3 + 2)), 3);
    assert_eq!(day_of_year(day(365 * 3 + 2)), 2);
    assert_eq!(month_start(0, 2), day(59));
    assert_eq!(month_start(2, 11), day(2 * 365 + 334));
    assert_eq!(next_month_start(day(0)), day(31));
    assert_eq!(next_month_start(t(31 * TICKS_PER_DAY - 1)), day(31));
    assert_eq!(next_month_start(day(364)), day(365));
    for m in 0..12 {
        assert_eq!(month_of(month_start(5, m)), m);
        assert_eq!(next_month_start(month_start(5, m)), {
            if m == 11 { month_start(6, 0) } else { month_start(5, m + 1) }
        });
    }
    assert_eq!(MONTH_START_DAY[12], DAYS_PER_YEAR);
}

/// The month table against the month starts it is built from, a tick either
/// side of every month boundary over three years.
#[test]
fn month_table_matches_the_month_starts() {
    for year in 0..3u64 {
        for m in 0..12 {
            let start = month_start(year, m);
            let next = if m == 11 { month_start(year + 1, 0) } else { month_start(year, m + 1) };
            for probe in [start, t(start.ticks() + 1), t(next.ticks() - 1)] {
                assert_eq!(month_of(probe), m, "{probe:?}");
                assert_eq!(month_and_next_start(probe), (m, next), "{probe:?}");
                let reference =
                    MONTH_START_DAY[1..12].partition_point(|&s| s <= day_of_year(probe));
                assert_eq!(month_of(probe), reference);
            }
        }
    }
}

#[test]
fn timeline_basics() {
    let tl = Timeline::from_intervals(vec![
        (t(50), t(60)),
        (t(10), t(20)),
        (t(15), t(30)),
        (t(30), t(35)),
        (t(40), t(40)),
        (t(45), t(41)),
    ]);
    assert_eq!(tl.intervals(), &[(t(10), t(35)), (t(50), t(60))]);
    assert_eq!(tl.len(), 2);
    assert!(!tl.is_empty() && Timeline::new().is_empty());
    assert!(!tl.is_closed(t(9)) && tl.is_closed(t(10)) && tl.is_closed(t(34)));
    assert!(!tl.is_closed(t(35)));
    assert_eq!(tl.next_open(t(12)), t(35));
    assert_eq!(tl.next_open(t(36)), t(36));
    assert_eq!(tl.next_change_after(t(0)), Some(t(10)));
    assert_eq!(tl.next_change_after(t(10)), Some(t(35)));
    assert_eq!(tl.next_change_after(t(35)), Some(t(50)));
    assert_eq!(tl.next_change_after(t(60)), None);
    assert_eq!(tl.closed_time_between(t(0), t(100)), SimDuration::from_ticks(35));
    assert_eq!(tl.closed_time_between(t(30), t(55)), SimDuration::from_ticks(10));
    assert_eq!(tl.closed_time_between(t(55), t(30)), SimDuration::ZERO);
    assert_eq!(tl.total_closed(), SimDuration::from_ticks(35));
    let other = Timeline::from_intervals(vec![(t(35), t(37)), (t(70), t(80))]);
    assert_eq!(tl.union(&other).intervals(), &[(t(10), t(37)), (t(50), t(60)), (t(70), t(80))]);
}

/// Long-run fraction of time closed: with onsets at rate `lambda` and
/// durations `D`, the number of episodes in progress is Poisson with mean
/// `lambda * E[D]` (M/G/infinity), so P(closed) = 1 - exp(-lambda E[D]).
fn check_fraction_closed(duration: DistSpec, sub: u8) {
    const YEARS: u64 = 1000;
    let per_year = 60.0;
    let d = dist(duration);
    let warm_up = SimDuration::from_days(60);
    let start = SimTime::ZERO + warm_up;
    let horizon = start + SimDuration::from_days(365);
    let fractions: Vec<f64> = (0..YEARS)
        .map(|rep| {
            let mut rng = stream(99, rep, Source::CorridorClosure, sub);
            let tl = annual_episodes(per_year, &d, horizon, &mut rng).expect("valid");
            tl.closed_time_between(start, horizon).as_days_f64() / 365.0
        })
        .collect();
    let n = YEARS as f64;
    let mean = fractions.iter().sum::<f64>() / n;
    let var = fractions.iter().map(|f| (f - mean).powi(2)).sum::<f64>() / (n - 1.0);
    let se = (var / n).sqrt();
    let expected = 1.0 - (-per_year / 365.0 * d.mean() / 24.0).exp();
    println!(
        "{d}: P(closed) analytic {expected:.5}, estimate {mean:.5}, \
         4-se interval [{:.5}, {:.5}]",
        mean - 4.0 * se,
        mean + 4.0 * se
    );
    assert!((mean - expected).abs() <= 4.0 * se, "{mean} vs {expected} (se {se})");
}

#[test]
fn fraction_closed_matches_m_g_infinity_exponential() {
    check_fraction_closed(DistSpec::Exponential { mean: 36.0 }, 0);
}

#[test]
fn fraction_closed_matches_m_g_infinity_lognormal() {
    check_fraction_closed(DistSpec::Lognormal { mean: 36.0, sd: 60.0 }, 1);
}

#[test]
fn onsets_per_month_match_seasonal_rates() {
    const YEARS: u64 = 2000;
    let rates = [6.0, 5.0, 4.0, 2.0, 1.0, 0.5, 0.0, 0.3, 1.0, 3.0, 5.0, 7.0];
    let d = dist(DistSpec::Constant { value: 0.01 });
    let mut rng = stream(5, 0, Source::Weather, 0);
    let horizon = SimTime::from_days(365 * YEARS);
    let list = poisson_episode_list(&rates, &d, horizon, &mut rng).expect("valid");
    let mut counts = [0u64; 12];
    for &(onset, end) in &list {
        counts[month_of(onset)] += 1;
        assert_eq!(end - onset, SimDuration::from_secs(36));
    }
    for (m, (&count, &rate)) in counts.iter().zip(&rates).enumerate() {
        let expected = rate * YEARS as f64;
        let tol = 4.0 * expected.sqrt();
        println!("month {m}: {count} onsets, expected {expected} +- {tol:.1}");
        assert!((count as f64 - expected).abs() <= tol, "month {m}: {count} vs {expected}");
    }
    assert_eq!(counts[6], 0);
}

#[test]
fn episodes_are_merged_and_clipped() {
    let d = dist(DistSpec::Exponential { mean: 200.0 });
    let horizon = SimTime::from_days(3 * 365 + 17);
    let mut rng = stream(8, 0, Source::Weather, 0);
    let list = poisson_episode_list(&[5.0; 12], &d, horizon, &mut rng).expect("valid");
    let mut rng = stream(8, 0, Source::Weather, 0);
    let tl = poisson_episodes(&[5.0; 12], &d, horizon, &mut rng).expect("valid");
    assert!(tl.len() < list.len(), "long storms overlap and merge");
    assert_eq!(tl, Timeline::from_intervals(list.clone()));
    assert!(list.windows(2).all(|w| w[0].0 <= w[1].0), "onsets in order");
    assert!(tl.intervals().iter().all(|&(s, e)| s < e && e <= horizon));
    assert!(tl.intervals().windows(2).all(|w| w[0].1 < w[1].0));
}

#[test]
fn same_stream_same_timeline_and_zero_rates_are_empty() {
    let d = dist(DistSpec::Gamma { mean: 20.0, sd: 10.0 });
    let horizon = SimTime::from_days(5 * 365);
    let make = |rep| {
        let mut rng = stream(42, rep, Source::Weather, 3);
        poisson_episodes(&[2.0; 12], &d, horizon, &mut rng).expect("valid")
    };
    assert_eq!(make(0), make(0));
    assert_ne!(make(0), make(1));
    let corridor = |rep| {
        let mut rng = stream(42, rep, Source::CorridorClosure, 0);
        annual_episodes(4.0, &d, horizon, &mut rng).expect("valid")
    };
    assert_eq!(corridor(7), corridor(7));
    assert!(!corridor(7).is_empty());

    let fresh = stream(42, 0, Source::Weather, 0).next_u64();
    let mut rng = stream(42, 0, Source::Weather, 0);
    assert!(poisson_episodes(&[0.0; 12], &d, horizon, &mut rng).expect("valid").is_empty());
    assert!(annual_episodes(0.0, &d, horizon, &mut rng).expect("valid").is_empty());
    assert_eq!(rng.next_u64(), fresh, "zero rates consume nothing");
    // Zero-rate months draw nothing either: a horizon that ends before the
    // only stormy month leaves the stream untouched.
    let mut rates = [0.0; 12];
    rates[11] = 3.0;
    let mut rng = stream(42, 0, Source::Weather, 0);
    let tl = poisson_episodes(&rates, &d, month_start(0, 11), &mut rng).expect("valid");
    assert!(tl.is_empty());
    assert_eq!(rng.next_u64(), fresh, "zero-rate months consume nothing");
    let list = poisson_episode_list(&rates, &d, horizon, &mut rng).expect("valid");
    assert!(!list.is_empty() && list.iter().all(|&(s, _)| month_of(s) == 11));
}

#[test]
fn ice_seasons_wrap_into_the_next_year() {
    let d = dist(DistSpec::Uniform { min: 80.0, max: 100.0 });
    let horizon = SimTime::from_days(3 * 365);
    let mut rng = stream(1, 0, Source::Ice, 0);
    let tl = ice_seasons(334.0, &d, horizon, &mut rng).expect("valid");
    // Year -1's season covers 1 January; then one season per winter,
    // the last clipped at the horizon.
    assert_eq!(tl.len(), 4);
    assert_eq!(tl.intervals()[0].0, SimTime::ZERO);
    assert!(tl.is_closed(SimTime::from_days(20)));
    assert!(!tl.is_closed(SimTime::from_days(200)));
    for y in 0..3 {
        assert_eq!(tl.intervals()[y as usize + 1].0, SimTime::from_days(y * 365 + 334));
    }
    assert_eq!(tl.intervals()[3].1, horizon);
    let mut rng = stream(1, 0, Source::Ice, 0);
    let first = d.sample(&mut rng);
    let expected_end = SimTime::try_from_days_f64(334.0 + first - 365.0).expect("finite");
    assert_eq!(tl.intervals()[0].1, expected_end);
    // Seasons longer than a year merge into one closure.
    let long = dist(DistSpec::Constant { value: 400.0 });
    let tl = ice_seasons(10.0, &long, horizon, &mut rng).expect("valid");
    assert_eq!(tl.intervals(), &[(SimTime::ZERO, horizon)]);
}

#[test]
fn bad_parameters_are_errors() {
    let d = dist(DistSpec::Constant { value: 1.0 });
    let h = SimTime::from_days(365);
    let mut rng = stream(1, 0, Source::Weather, 0);
    let mut rates = [1.0; 12];
    rates[4] = f64::NAN;
    let e = poisson_episodes(&rates, &d, h, &mut rng).expect_err("NaN rate");
    assert!(matches!(e, TimelineError::MonthlyRate { month: 4, .. }), "{e}");
    assert!(e.to_string().contains("onsets_per_month[4]"), "{e}");
    rates[4] = -1.0;
    assert!(poisson_episodes(&rates, &d, h, &mut rng).is_err());
    let e = annual_episodes(-2.0, &d, h, &mut rng).expect_err("negative rate");
    assert!(e.to_string().contains("rate_per_year"), "{e}");
    assert!(annual_episodes(f64::INFINITY, &d, h, &mut rng).is_err());
    let e = annual_episodes(1e12, &d, h, &mut rng).expect_err("too many");
    assert!(matches!(e, TimelineError::TooManyOnsets { .. }), "{e}");
    for bad in [-1.0, 365.0, f64::NAN] {
        let e = ice_seasons(bad, &d, h, &mut rng).expect_err("bad day");
        assert!(e.to_string().contains("start_day_of_year"), "{e}");
    }
}

fn arb_intervals() -> impl Strategy<Value = Vec<(u64, u64)>> {
    prop::collection::vec((0u64..100, 0u64..25), 0..10)
        .prop_map(|v| v.into_iter().map(|(s, len)| (s, s + len)).collect())
}

fn timeline(raw: &[(u64, u64)]) -> Timeline {
    Timeline::from_intervals(raw.iter().map(|&(s, e)| (t(s), t(e))).collect())
}

proptest! {
    #[test]
    fn lookups_match_brute_force(raw in arb_intervals(), other in arb_intervals()) {
        let tl = timeline(&raw);
        let closed = |x: u64| raw.iter().any(|&(s, e)| s <= x && x < e);
        const END: u64 = 130;
        // prefix[x]: closed ticks in [0, x), counted one by one.
        let prefix: Vec<u64> = (0..=END)
            .map(|x| (0..x).filter(|&z| closed(z)).count() as u64)
            .collect();
        // Canonical form: sorted, disjoint, non-adjacent, non-empty.
        for w in tl.intervals().windows(2) {
            prop_assert!(w[0].1 < w[1].0);
        }
        for &(s, e) in tl.intervals() {
            prop_assert!(s < e);
        }
        for x in 0..END {
            prop_assert_eq!(tl.is_closed(t(x)), closed(x), "is_closed({})", x);
            let open = (x..).find(|&y| !closed(y)).unwrap_or(x);
            prop_assert_eq!(tl.next_open(t(x)), t(open), "next_open({})", x);
            let change = (x + 1..END).find(|&y| closed(y) != closed(x)).map(t);
            prop_assert_eq!(tl.next_change_after(t(x)), change, "next_change_after({})", x);
            for y in 0..=END {
                let brute = prefix[y as usize].saturating_sub(prefix[x as usize]);
                prop_assert_eq!(
                    tl.closed_time_between(t(x), t(y)),
                    SimDuration::from_ticks(brute),
                    "closed_time_between({}, {})", x, y
                );
                // Any hint, right, stale, ahead or out of range, gives the
                // same, and leaves the right one for `x`.
                let right = tl.intervals().partition_point(|&(s, _)| s < t(x));
                for guess in [0, right, right.saturating_sub(1), right + 1, tl.len(), tl.len() + 3] {
                    let mut hint = guess;
                    prop_assert_eq!(
                        tl.closed_time_between_hinted(&mut hint, t(x), t(y)),
                        SimDuration::from_ticks(brute),
                        "closed_time_between_hinted({}, {}, {})", guess, x, y
                    );
                    if y > x {
                        prop_assert_eq!(hint, right);
                    }
                }
            }
        }
        let both = tl.union(&timeline(&other));
        let closed_other = |x: u64| other.iter().any(|&(s, e)| s <= x && x < e);
        for x in 0..END {
            prop_assert_eq!(both.is_closed(t(x)), closed(x) || closed_other(x));
        }
        let total = (0..END).filter(|&z| closed(z)).count() as u64;
        prop_assert_eq!(tl.total_closed(), SimDuration::from_ticks(total));
    }
}
