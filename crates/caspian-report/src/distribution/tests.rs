use super::*;
use crate::testdata::{count, run};

#[test]
fn a_tail_with_tall_stacks_is_a_shaded_side_not_a_rug() {
    // Whole tanker loads: 40 replications at one value, 10 at another.
    let values: Vec<f64> =
        [1_592_000.0; 40].into_iter().chain([1_600_000.0; 10]).chain([1_608_000.0; 50]).collect();
    let miss = |spec: &str| {
        let c = parse(spec).unwrap();
        distribution("s", "delivered_total.oil", "t", &values, Some(&c)).unwrap()
    };
    // Meeting oil >= 1.6 Mt: the 40 below miss it, stacked 40 high.
    let d = miss("delivered_total.oil>=1600000");
    assert_eq!(d.tail.len(), 40);
    assert_eq!(d.tail.iter().map(|&(_, l)| l).max(), Some(39));
    assert!(!d.rug_fits());
    let svg = distribution_svg(&d).unwrap();
    assert_eq!(count(&svg, "stroke=\"#AA003C\""), 0, "no rug mark");
    assert!(svg.contains("shaded: 40 replications do not meet it"));
    assert!(
        d.subtitle().iter().any(|l| l.starts_with("The red shaded side")),
        "{:?}",
        d.subtitle()
    );
    // A tail of at most RUG_MAX_STACK equal values keeps its rug.
    let few: Vec<f64> = values.iter().copied().skip(40 - RUG_MAX_STACK).collect();
    let c = parse("delivered_total.oil>=1600000").unwrap();
    let d = distribution("s", "delivered_total.oil", "t", &few, Some(&c)).unwrap();
    assert!(d.rug_fits());
    let svg = distribution_svg(&d).unwrap();
    assert_eq!(count(&svg, "stroke=\"#AA003C\""), RUG_MAX_STACK + 1, "rug and legend");
}

#[test]
fn no_bar_holds_replications_on_both_sides_of_the_target() {
    // Whole tanker loads, one load per bin: the bin [1,688,000,
    // 1,696,000) holds only 1,688,000, which misses oil >= 1,690,000.
    let values: Vec<f64> = [(1_672_000.0, 20), (1_680_000.0, 38), (1_688_000.0, 37)]
        .into_iter()
        .chain([(1_696_000.0, 60), (1_704_000.0, 45)])
        .flat_map(|(v, n)| std::iter::repeat_n(v, n))
        .collect();
    let c = parse("delivered_total.oil>=1690000").unwrap();
    let d = distribution("s", "delivered_total.oil", "t", &values, Some(&c)).unwrap();
    assert_eq!(d.bins[2], Bin { low: 1_688_000.0, high: 1_696_000.0, count: 37 });
    let cut: Vec<&Bar> =
        d.bars.iter().filter(|b| b.low >= 1_688_000.0 && b.high <= 1_696_000.0).collect();
    assert_eq!(
        cut,
        [
            &Bar { low: 1_688_000.0, high: 1_690_000.0, count: 37, meets: Some(false) },
            &Bar { low: 1_690_000.0, high: 1_696_000.0, count: 0, meets: Some(true) }
        ]
    );
    assert!(d.split());
    assert!(d.subtitle().iter().any(|l| l.contains("drawn in two bars")), "{:?}", d.subtitle());
    let svg = distribution_svg(&d).unwrap();
    assert_eq!(count(&svg, "fill=\"#0072B2\""), d.bars.len() + 1, "bars and legend");
    // Every direction, thresholds inside a bin, on an edge, at the
    // lowest and highest value and beyond them.
    let thresholds = [1_690_000.0, 1_688_000.0, 1_672_000.0, 1_704_000.0, 1_650_000.0, 1_712_000.0];
    for op in [">=", ">", "<=", "<"] {
        for t in thresholds {
            let c = parse(&format!("delivered_total.oil{op}{t}")).unwrap();
            let d = distribution("s", "delivered_total.oil", "t", &values, Some(&c)).unwrap();
            let m = d.meet.unwrap();
            let left_meets = matches!(c.op, Op::AtMost | Op::Below);
            let case = format!("{op} {t}: {:?}", d.bars);
            for b in &d.bars {
                let meets = b.meets.expect("a side");
                // Wholly on its side of the line.
                if meets == left_meets {
                    assert!(b.high <= t, "{case}");
                } else {
                    assert!(b.low >= t, "{case}");
                }
            }
            let on = |meets: bool| {
                d.bars.iter().filter(|b| b.meets == Some(meets)).map(|b| b.count).sum::<usize>()
            };
            assert_eq!((on(true), on(false)), (m.count, d.tail.len()), "{case}");
            for &v in &values {
                let meets = c.op.holds(v, c.threshold);
                assert!(
                    d.bars.iter().any(|b| b.meets == Some(meets)
                        && b.count > 0
                        && b.low <= v
                        && v <= b.high),
                    "{v} {case}"
                );
            }
            // The bins themselves stay on whole lots.
            assert!(d.bins.iter().all(|b| b.low % 8000.0 == 0.0), "{case}");
            assert_eq!(d.split(), d.bars.len() > d.bins.len());
        }
    }
    // Without a target, the bars are the bins.
    let d = distribution("s", "delivered_total.oil", "t", &values, None).unwrap();
    assert!(
        d.bars
            .iter()
            .zip(&d.bins)
            .all(|(a, b)| (a.low, a.high, a.count, a.meets) == (b.low, b.high, b.count, None))
    );
    assert_eq!(d.bars.len(), d.bins.len());
}

#[test]
fn histogram_cdf_and_risk_of_a_known_sample() {
    let values: Vec<f64> = (1..=100).map(f64::from).chain([f64::NAN]).collect();
    let below = parse("delivered_total.oil>=25.5").unwrap();
    let d = distribution("s", "delivered_total.oil", "t", &values, Some(&below)).unwrap();
    assert_eq!(d.undefined, 1);
    assert_eq!(d.bins.iter().map(|b| b.count).sum::<usize>(), 100);
    assert!(d.bins.iter().all(|b| b.low % 1.0 == 0.0 && b.high % 1.0 == 0.0), "{:?}", d.bins);
    // Not an amount: equal bins over the range.
    let e = distribution("s", "transit_h.oil.mean", "h", &values, None).unwrap();
    assert_eq!(e.lot, None);
    assert_eq!(e.bins.len(), 10);
    assert!(e.bins.iter().all(|b| b.count == 10), "{:?}", e.bins);
    assert_eq!(d.ecdf.len(), 100);
    assert_eq!(d.ecdf[24], (25.0, 0.25));
    assert_eq!(d.ecdf[99], (100.0, 1.0));
    let m = d.meet.unwrap();
    assert_eq!((m.count, m.p), (75, 0.75));
    assert_eq!((m.low, m.high), caspian_montecarlo::intervals::wilson(75, 100));
    let text = d.meet_text().unwrap();
    assert!(text.starts_with("P(delivered_total.oil >= 25.500 t) = 0.750"), "{text}");
    assert!(text.contains("75 of 100 replications meet the condition, 25 do not"), "{text}");
    // Whole numbers of cargo: bins on whole lots (here lot 1, width 20).
    assert_eq!(d.lot, Some(1.0));
    assert_eq!(amount(1.0, "wagons"), "1 wagon");
    assert_eq!(amount(20.0, "wagons"), "20 wagons");
    // The rug: one mark per replication in the tail.
    assert_eq!(d.tail.len(), 100 - m.count);
    assert!(d.tail.iter().all(|&(v, l)| v < 25.5 && l == 0));
    // Each operator as written, values at the threshold included.
    for (op, met) in [(">=", 76), ("<=", 25), (">", 75), ("<", 24)] {
        let c = parse(&format!("x{op}25")).unwrap();
        let d = distribution("s", "x", "", &values, Some(&c)).unwrap();
        let m = d.meet.unwrap();
        assert_eq!(
            (m.p, m.low, m.high),
            (met as f64 / 100.0, wilson(met as u64, 100).0, wilson(met as u64, 100).1),
            "{op}"
        );
        assert_eq!(m.count, met, "{op}");
        assert_eq!(d.tail.len(), 100 - m.count, "{op}");
        let text = d.meet_text().unwrap();
        assert!(text.starts_with(&format!("P(x {op} 25.000) = ")), "{text}");
    }
    // `KPI=X`: at most X where less is better (waits), at least X otherwise.
    let w = target_condition("transit_h.oil.mean=90.5").unwrap();
    assert_eq!((w.op, w.threshold, w.condition.as_str()), (Op::AtMost, 90.5, "<=90.5"));
    let w = distribution("s", "transit_h.oil.mean", "h", &values, Some(&w)).unwrap();
    assert_eq!(w.meet.unwrap().count, 90);
    assert!(w.meet_text().unwrap().contains("<= 90.500 h"));
    assert_eq!(target_condition("delivered_total.oil = 7").unwrap().op, Op::AtLeast);
    assert_eq!(target_condition("x<7").unwrap(), parse("x<7").unwrap());
    for bad in ["x", "=7", "x==7", "x=>7", "x=<7"] {
        assert!(matches!(target_condition(bad), Err(TargetError::Syntax(_))), "{bad}");
    }
    let e = target_condition("x=abc").unwrap_err();
    assert_eq!(e.to_string(), parse("x>=abc").unwrap_err().to_string().replace(">=", "="));
    assert!(distribution("s", "x", "", &[f64::NAN], None).is_err());
    // Directions from the schema.
    assert!(larger_is_better("delivered.aktau_tank_farm"));
    assert!(larger_is_better("berth_utilization.alat.rail_ferry"));
    assert!(!larger_is_better("storage_max.aktau_tank_farm"));
    assert!(!larger_is_better("anchorage_wait_h.alat.rail_ferry"));
}

#[test]
fn the_chart_is_drawn_from_the_run_replications() {
    let (doc, reps) = run(40);
    let kpi = "delivered_total.oil";
    reps.check_against(&doc, kpi).unwrap();
    let values = reps.column(kpi).unwrap();
    let target = doc.kpis[kpi].p50;
    let c = parse(&format!("{kpi}>={target}")).unwrap();
    let d = distribution(&doc.scenario, kpi, &doc.kpis[kpi].unit, &values, Some(&c)).unwrap();
    assert_eq!(d.sorted.len() as u64, doc.kpis[kpi].n);
    assert_eq!(d.sorted.first(), values.iter().min_by(|a, b| a.total_cmp(b)));
    let below = values.iter().filter(|&&v| v < target).count();
    assert_eq!(d.meet.unwrap().count, values.len() - below);
    // Oil in whole tanker loads: every bin edge is a multiple of the lot,
    // and the lot divides every value.
    let lot = d.lot.expect("oil comes in lots");
    assert!(values.iter().all(|v| v % lot == 0.0));
    assert!(d.bins.iter().all(|b| b.low % lot == 0.0 && b.high % lot == 0.0), "{:?}", d.bins);
    assert_eq!(d.bins.iter().map(|b| b.count).sum::<usize>(), values.len());
    for b in &d.bins {
        let inside = values.iter().filter(|&&v| b.low <= v && v < b.high).count();
        assert_eq!(b.count, inside, "{b:?}");
    }
    // The rug: one mark per replication below the target, stacked.
    assert_eq!(d.tail.len(), below);
    for &(v, _) in &d.tail {
        assert!(v < target);
        let mut levels: Vec<usize> =
            d.tail.iter().filter(|&&(w, _)| w == v).map(|&(_, l)| l).collect();
        levels.sort_unstable();
        assert_eq!(levels, (0..levels.len()).collect::<Vec<_>>(), "stacked at {v}");
    }
    let svg = distribution_svg(&d).unwrap();
    // Oil in whole tanker loads stacks many replications on one value:
    // a rug where the stacks fit, else the shaded side (both in the test
    // above).
    let rug = if d.rug_fits() { d.tail.len() + 1 } else { 0 };
    assert_eq!(count(&svg, "stroke=\"#AA003C\""), rug, "rug marks and legend");
    assert_eq!(svg.contains("replications do not meet it"), !d.rug_fits());
    assert!(svg.contains("baseline: distribution of delivered_total.oil"));
    assert!(svg.contains("delivered_total.oil (t)"));
    assert!(svg.contains("P(meet)"));
    // One bar per bin (two for a bin the target cuts) plus the
    // legend's box, in the bar colour.
    assert_eq!(count(&svg, "fill=\"#0072B2\""), d.bars.len() + 1);
    // Replications of another run are refused.
    let (_, other) = run(39);
    assert!(matches!(other.check_against(&doc, kpi), Err(ReportError::Mismatch(_))));
    // So are values moved apart around the same mean: another histogram.
    let mut edited = reps.clone();
    let col = edited.names.iter().position(|n| n == kpi).unwrap();
    let (lo, hi) = (0..edited.rows.len()).fold((0, 0), |(lo, hi), i| {
        let v = |j: usize| edited.rows[j][col];
        (if v(i) < v(lo) { i } else { lo }, if v(i) > v(hi) { i } else { hi })
    });
    edited.rows[lo][col] -= 8000.0;
    edited.rows[hi][col] += 8000.0;
    let err = edited.check_against(&doc, kpi).unwrap_err().to_string();
    assert!(err.contains("with the same mean"), "{err}");
    reps.check_whole(&doc).unwrap();
}

/// A recovery not reached by the horizon (+inf) is left out of the
/// histogram, the CDF and the target's count, and bounds the probability
/// over every replication; an undefined one is left out.
#[test]
fn an_unrecovered_replication_bounds_the_target() {
    let mut values: Vec<f64> = (1..=6).map(f64::from).collect();
    values.extend([f64::INFINITY, f64::INFINITY, f64::NAN]);
    let within = parse("recovery_days.x<=4").unwrap();
    let d = distribution("s", "recovery_days.x", "days", &values, Some(&within)).unwrap();
    assert_eq!((d.sorted.len(), d.unrecovered, d.undefined), (6, 2, 1));
    assert_eq!(d.bins.iter().map(|b| b.count).sum::<usize>(), 6);
    assert_eq!(d.ecdf.last(), Some(&(6.0, 1.0)));
    let m = d.meet.unwrap();
    assert_eq!(m.count, 4);
    let text = d.meet_text().unwrap();
    assert!(text.contains("4 of 6 replications meet the condition, 2 do not"), "{text}");
    assert!(
        text.contains(
            "2 not recovered by the horizon are unknown: over all 8, between 0.500 and 0.750"
        ),
        "{text}"
    );
    assert!(d.subtitle()[1].contains("2 more had an episode not recovered by the horizon"));
    let e = distribution("s", "recovery_days.x", "days", &[f64::INFINITY], None).unwrap_err();
    assert!(e.to_string().contains("(1 not recovered by the horizon)"), "{e}");
}
