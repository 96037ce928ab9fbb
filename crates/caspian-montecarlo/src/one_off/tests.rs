//! Unit tests of the one-off verdicts and intervals, against hand computations.

use super::*;

fn rows(with: &[f64], without: &[f64]) -> Vec<Row> {
    with.iter().zip(without).map(|(s, n)| Row { with: *s, without: *n, scale: 1e8 }).collect()
}

#[test]
fn the_break_even_frequency_matches_a_hand_computation() {
    // Net benefit without the event -3, -5, -4 (mean -4); with it 8, 6,
    // 10 (mean 8): f* = 4 / (1 * 12) = 1/3 a year, once in 3 years.
    let r = rows(&[8.0, 6.0, 10.0], &[-3.0, -5.0, -4.0]);
    let BreakEven::AtLeast { per_year, return_period } = break_even(&r, 1.0) else { panic!() };
    assert!((per_year.mean - 1.0 / 3.0).abs() < 1e-12, "{per_year:?}");
    assert!((return_period.years - 3.0).abs() < 1e-12);
    // Fieller by hand: X = 3, 5, 4 (mean 4, s_X^2 = 1); Y = 11, 11, 14
    // (mean 12, s_Y^2 = 3); s_XY = 0. Each end R of the interval makes
    // (4 - 12 R)^2 = t^2 (1 + 3 R^2) / 3, with t = t(0.975, 2).
    let t2 = 4.302_652_729_749_464_f64.powi(2);
    for end in [per_year.ci95_low, per_year.ci95_high] {
        let (lhs, rhs) = ((4.0 - 12.0 * end).powi(2), t2 * (1.0 + 3.0 * end * end) / 3.0);
        assert!((lhs - rhs).abs() < 1e-9, "{end}: {lhs} {rhs}");
    }
    assert!(per_year.ci95_low < 1.0 / 3.0 && 1.0 / 3.0 < per_year.ci95_high);
    assert!((return_period.ci95_low - 1.0 / per_year.ci95_high).abs() < 1e-12);
    // A two-year window holds one event in two years: half the frequency.
    let BreakEven::AtLeast { per_year, .. } = break_even(&r, 2.0) else { panic!() };
    assert!((per_year.mean - 1.0 / 6.0).abs() < 1e-12);
}

#[test]
fn a_policy_the_event_hurts_pays_only_below_a_frequency() {
    // Pays 4 a year without the event; the event costs it 12: it pays
    // unless the event comes a third of a year's worth or more.
    let r = rows(&[-8.0, -6.0, -10.0], &[3.0, 5.0, 4.0]);
    let BreakEven::AtMost { per_year, return_period } = break_even(&r, 1.0) else { panic!() };
    assert!((per_year.mean - 1.0 / 3.0).abs() < 1e-12, "{per_year:?}");
    assert!((return_period.years - 3.0).abs() < 1e-12);
}

#[test]
fn the_other_verdicts_are_said_so() {
    assert_eq!(break_even(&rows(&[5.0, 6.0], &[1.0, 2.0]), 1.0), BreakEven::Always);
    assert_eq!(break_even(&rows(&[-9.0, -8.0], &[-2.0, -3.0]), 1.0), BreakEven::Never);
    let BreakEven::Undefined { reason } = break_even(&rows(&[1.0], &[-1.0]), 1.0) else { panic!() };
    assert!(reason.contains("at least 2"), "{reason}");
    // Rounding is no effect: an event that leaves the policy's net
    // benefit as it was, but for the last bits, does not make it pay.
    let r = rows(&[-2e6 + 1e-9, -2e6 - 2e-9], &[-2e6, -2e6]);
    assert_eq!(break_even(&r, 1.0), BreakEven::Never);
    assert_eq!(break_even(&rows(&[1e-9, 0.0], &[0.0, -1e-9]), 1.0), BreakEven::NoEffect);
    // An effect not significantly above zero has no bounded interval:
    // no frequency, and the verdict falls back to the sign of the mean.
    let r = rows(&[10.0, -50.0, 60.0], &[-1.0, -1.0, -1.0]);
    assert_eq!(break_even(&r, 1.0), BreakEven::Never);
    // An interval reaching zero frequency (the net without the event
    // not significant) is clipped there: no upper bound on the period.
    let r = rows(&[10.0, 11.0, 12.0, 10.5], &[-1.0, 1.0, -2.0, 0.5]);
    let BreakEven::AtLeast { per_year, return_period } = break_even(&r, 1.0) else {
        panic!("{:?}", break_even(&r, 1.0))
    };
    assert!(per_year.ci95_low == 0.0 && return_period.ci95_high.is_none(), "{per_year:?}");
    // The document says so with a null, and reads back.
    let f = BreakEven::AtLeast { per_year, return_period };
    let text = serde_json::to_string(&f).unwrap();
    assert!(text.contains("\"ci95_high\":null"), "{text}");
    assert_eq!(serde_json::from_str::<BreakEven>(&text).unwrap(), f);
}
