//! Unit tests of the monthly fan charts: series, partial months, drawing.

use super::*;
use crate::testdata::count;
use caspian_montecarlo::document::WithUnit;
use caspian_montecarlo::stats::Summary;

/// A table with the three series of oil over `months`, each month's
/// values `base + month index` in every replication (and `reps`).
fn table(months: usize, base: f64) -> KpiTable {
    let mut t = KpiTable::new();
    for m in 0..months {
        for (s, unit) in SERIES.iter().zip(["t", "t", "fraction"]) {
            let v: Vec<f64> = (0..10).map(|r| base + m as f64 + f64::from(r)).collect();
            let k = format!("{s}.oil.m{:02}", m + 1);
            t.insert(k, WithUnit { unit: unit.to_string(), value: Summary::of(&v) });
        }
    }
    t
}

fn input<'a>(name: &'a str, table: &'a KpiTable, window: Option<&'a Window>) -> FanInput<'a> {
    FanInput { name, table, window }
}

/// The baseline's window: m01 is one day (31 January), m13 30 of 31.
const BASELINE: Window = Window { warmup_days: 30.0, horizon_days: 395.0 };

#[test]
fn a_fan_takes_each_months_percentiles_from_the_summaries() {
    let t = table(13, 100.0);
    let fans = fans(&[input("base", &t, None)], 10);
    assert_eq!(fans.len(), 1, "oil only: wagons have no series");
    let f = &fans[0];
    assert_eq!(f.months.len(), 13);
    assert_eq!(f.months[0], "m01");
    assert_eq!(f.panels.iter().map(|p| p.series).collect::<Vec<_>>(), SERIES);
    let q = &f.panels[1].bands[0].points[4];
    let s = &t["month_backlog.oil.m05"];
    assert_eq!((q.p05, q.p50, q.p95), (s.p05, s.p50, s.p95));
    assert_eq!(f.panels[0].axis, "oil delivered in month (t)");
    assert_eq!(f.panels[2].axis, "oil service level in month (fraction)");
    let svg = fan_svg(f).unwrap();
    assert_eq!(svg, fan_svg(f).unwrap(), "deterministic");
    assert!(svg.contains("m13") && svg.contains("oil delivered in month (t)"));
    assert!(f.describe().contains("m01"), "{}", f.describe());
}

#[test]
fn a_comparison_draws_a_band_per_scenario_and_undefined_months_break_it() {
    let (a, mut b) = (table(4, 10.0), table(4, 0.0));
    let nan = Summary::of(&[f64::NAN]);
    b.get_mut("month_service_level.oil.m02").unwrap().value = nan;
    let fans = fans(&[input("base", &a, None), input("stress", &b, None)], 10);
    let p = &fans[0].panels[2];
    assert_eq!(p.bands.len(), 2);
    assert_eq!(p.bands[1].scenario, "stress");
    assert_eq!(finite_runs(&p.bands[1].points).len(), 2);
    let svg = fan_svg(&fans[0]).unwrap();
    assert!(svg.contains("median (stress)"));
    // Each scenario's lowest month is named: the stress test's, not only
    // the base's.
    let d = fans[0].describe();
    assert!(
        d.contains("delivered in base is m01 (") && d.contains("; in stress it is m01 ("),
        "{d}"
    );
    // Nothing but zeros: no chart.
    let zero = table(0, 0.0);
    assert!(super::fans(&[input("z", &zero, None)], 1).is_empty());
}

#[test]
fn partial_months_are_known_from_the_window_and_drawn_apart() {
    let t = table(13, 100.0);
    let whole =
        &fans(&[input("base", &t, Some(&Window { warmup_days: 0.0, horizon_days: 365.0 }))], 10)[0];
    assert!(whole.partial_months().is_empty(), "a calendar year has no partial month");
    let fan = &fans(&[input("base", &t, Some(&BASELINE))], 10)[0];
    let partial = fan.partial_months();
    assert_eq!(
        partial,
        [
            ("m01", PartialMonth { days: 1.0, month_days: 31 }),
            ("m13", PartialMonth { days: 30.0, month_days: 31 })
        ]
    );
    assert!(fan.panels.iter().all(|p| p.bands[0].points[0].partial.is_some()));
    assert!(fan.panels.iter().all(|p| p.bands[0].points[1].partial.is_none()));
    // The description names the partial months, says which series they
    // distort, and does not call the one-day month the lowest.
    let d = fan.describe();
    for needle in [
        "m01 (1 of 31 days in the window) and m13 (30 of 31 days in the window) are partial months",
        "delivered and service level in them count only those days",
        "backlog, a level at the month's end, is drawn as usual",
        "the lowest median month delivered in base is m02",
    ] {
        assert!(d.contains(needle), "{needle:?} not in {d:?}");
    }
    assert!(fan.subtitle().iter().any(|l| l.contains("* Partial months: m01 (1 of 31 days")));
    // On the chart: the months' names carry `*`, each partial month of
    // the two series over the month gets a grey column, a note of its
    // days and hollow median markers; whole months' markers are filled.
    let svg = fan_svg(fan).unwrap();
    let plain = fan_svg(whole).unwrap();
    assert!(svg.contains(">\nm01*\n<") && svg.contains(">\nm13*\n<"), "starred ticks");
    assert!(!plain.contains("m01*"));
    assert_eq!(count(&svg, ">\n1 of 31 d\n<"), 2, "delivered and service level, not backlog");
    assert_eq!(count(&svg, ">\n30 of 31 d\n<"), 2);
    assert_eq!(count(&svg, "fill=\"#E8E8E8\""), 4 + 1, "2 columns x 2 panels, 1 legend box");
    assert_eq!(count(&svg, "<circle"), count(&plain, "<circle") + 2 * 2 + 2);
    assert!(svg.contains("median, partial month"));
    // A document without its window: nothing marked, the subtitle and
    // the caption say the first and last months may be partial.
    let unknown = &fans(&[input("base", &t, None)], 10)[0];
    assert!(unknown.partial_months().is_empty());
    assert!(unknown.describe().contains("may be partial"));
    assert!(unknown.subtitle().iter().any(|l| l.contains("does not record its window")));
}

#[test]
fn each_scenario_has_its_own_partial_months() {
    let (a, b) = (table(13, 10.0), table(13, 0.0));
    let short = Window { warmup_days: 30.0, horizon_days: 380.0 };
    let fan = &fans(&[input("base", &a, Some(&BASELINE)), input("x", &b, Some(&short))], 10)[0];
    let last = &fan.panels[0].bands[1].points[12];
    assert_eq!(last.partial, Some(PartialMonth { days: 15.0, month_days: 31 }));
    // The base's share is the one named.
    assert_eq!(fan.partial_months()[1].1.days, 30.0);
    // Missing from one document: not known.
    assert!(
        !fans(&[input("base", &a, Some(&BASELINE)), input("x", &b, None)], 10)[0].windows_known
    );
}
