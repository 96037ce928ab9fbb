//! Unit tests of the document loader: real documents of the runner, each
//! damaged one way, must be refused with a message naming the field.

use super::*;

#[test]
fn kinds_are_told_apart() {
    let e = |t: &str| Document::from_json(t).unwrap_err().to_string();
    assert!(e("nope").starts_with("not JSON"));
    assert!(e("[]").contains("expected \"kind\""));
    assert!(e(r#"{"kind":"checkpoint"}"#).contains("--resume"));
    assert!(e(r#"{"kind":"run"}"#).starts_with("not a valid run result: missing key"));
    assert!(e(r#"{"kind":"bogus"}"#).contains("\"bogus\""));
}

#[test]
fn out_of_range_scenarios_are_named() {
    let e = scenario_index("differences[2].scenario".into(), 7, 3, 1).unwrap_err();
    assert_eq!(e.to_string(), "differences[2].scenario: 7 is out of range (3 scenarios)");
    let e = scenario_index("differences[0].scenario".into(), 0, 3, 1).unwrap_err();
    assert!(e.to_string().contains("is the base"), "{e}");
}

mod damaged {
    use std::sync::OnceLock;

    use caspian_shipping::BASELINE_TOML;
    use serde_json::{Value, json};

    use crate::document::{Document, StudyHeader, StudyKind, sweep_doc};
    use crate::run::{RunOutcome, run};
    use crate::study::Study;

    mod contradictions;

    /// Real documents of the runner, as JSON values: a run, a sweep
    /// (3 x 2 full factorial), a comparison and a run shard.
    struct Docs {
        run: Value,
        sweep: Value,
        compare: Value,
        partial: Value,
        parts: [crate::document::PartialDoc; 2],
    }

    fn docs() -> &'static Docs {
        static DOCS: OnceLock<Docs> = OnceLock::new();
        DOCS.get_or_init(|| {
            let study = Study::single(BASELINE_TOML, "baseline", Some(3)).unwrap();
            let RunOutcome::Whole { doc, records } =
                run(&study, 3, None, None, &|| {}, None).unwrap()
            else {
                panic!("not whole")
            };
            let run_v = serde_json::to_value(Document::Run(doc)).unwrap();
            let mut header = StudyHeader::of(&study, StudyKind::Sweep, 3);
            header.axes = serde_json::from_value(json!([
                {"key": "weather.storm_rate_multiplier", "values": [1.0, 2.0, 3.0]},
                {"key": "port.alat.berths.rail_ferry", "values": [1.0, 2.0]},
            ]))
            .unwrap();
            header.points = crate::design::full_factorial(&header.axes).unwrap();
            let recs = vec![records.clone(); header.points.len()];
            let units = crate::document::kpi_units(&study.plan, &records.kpi_names);
            let sweep =
                serde_json::to_value(Document::Sweep(sweep_doc(&header, recs, &units, None)))
                    .unwrap();
            let winter = Study::single(BASELINE_TOML, "winter", Some(3)).unwrap();
            let primary = ["delivered_total.*".to_string()];
            let names: Vec<String> = study.plan.kpi_layout().names().to_vec();
            let request = crate::compare::CompareRequest::resolve(
                &names,
                &primary,
                &[],
                None,
                Default::default(),
            )
            .unwrap();
            let cmp = crate::compare::run_compare(
                &[study.clone(), winter.clone(), winter],
                None,
                3,
                None,
                request,
                &|| {},
            )
            .unwrap();
            let compare = serde_json::to_value(Document::Compare(cmp)).unwrap();
            let shard = Some(crate::shard::Shard { index: 0, count: 2 });
            let RunOutcome::Shard(part) = run(&study, 3, shard, None, &|| {}, None).unwrap() else {
                panic!("not a shard")
            };
            let partial = serde_json::to_value(Document::Partial(part.clone())).unwrap();
            let shard = Some(crate::shard::Shard { index: 1, count: 2 });
            let RunOutcome::Shard(part1) = run(&study, 3, shard, None, &|| {}, None).unwrap()
            else {
                panic!("not a shard")
            };
            Docs { run: run_v, sweep, compare, partial, parts: [part, part1] }
        })
    }

    /// The error reading `doc` after `damage`, as a string.
    fn error(doc: &Value, damage: impl FnOnce(&mut Value)) -> String {
        let mut d = doc.clone();
        damage(&mut d);
        let text = serde_json::to_string_pretty(&d).unwrap();
        Document::from_json(&text).expect_err("damaged document accepted").to_string()
    }

    fn contains(e: &str, needle: &str) {
        assert!(e.contains(needle), "{e:?} does not contain {needle:?}");
        assert!(e.len() < 400, "too long: {} bytes", e.len());
    }

    #[test]
    fn undamaged_documents_are_read() {
        let d = docs();
        for v in [&d.run, &d.sweep, &d.compare, &d.partial] {
            Document::from_json(&serde_json::to_string_pretty(v).unwrap()).unwrap();
        }
    }

    #[test]
    fn type_errors_name_their_path() {
        let d = docs();
        let e = error(&d.run, |v| v["kpis"]["delivered_total.oil"]["mean"] = json!({}));
        contains(&e, "kpis.delivered_total.oil");
        contains(&e, "expected a number, got a table");
        let e = error(&d.run, |v| v["replications"] = json!(-1));
        contains(&e, "replications: expected a whole number (0 or more), got -1");
        let e = error(&d.run, |v| {
            v["kpis"]["delivered_total.oil"].as_object_mut().unwrap().remove("p05");
        });
        contains(&e, "kpis.delivered_total.oil");
        contains(&e, "p05");
        let e = error(&d.sweep, |v| v["points"][1]["values"][0] = json!("x"));
        contains(&e, "points[1].values[0]");
    }

    #[test]
    fn long_values_are_not_echoed_in_full() {
        let e = error(&docs().run, |v| v["seed"] = json!("9".repeat(2_000_000)));
        contains(&e, "seed");
        contains(&e, "…");
    }

    #[test]
    fn duplicate_keys_are_refused() {
        let text = serde_json::to_string_pretty(&docs().run).unwrap();
        let twice = text.replacen("\"kind\": \"run\"", "\"kind\": \"run\", \"kind\": \"run\"", 1);
        let e = Document::from_json(&twice).unwrap_err().to_string();
        contains(&e, "duplicate key `kind`");
        let twice = text.replacen("\"mean\":", "\"mean\": 1, \"mean\":", 1);
        let e = Document::from_json(&twice).unwrap_err().to_string();
        contains(&e, "kpis.");
        contains(&e, "duplicate key `mean`");
    }

    #[test]
    fn sweep_designs_must_match_their_axes() {
        let d = &docs().sweep;
        let e = error(d, |v| v["axes"][0]["values"].as_array_mut().unwrap().push(json!(4.0)));
        contains(&e, "points: 6 design points, but the product of the axes' lengths (4 x 2) is 8");
        let e = error(d, |v| v["points"][2]["values"][0] = json!(1.5));
        contains(
            &e,
            "points[2].values[0]: 1.5 is not a value of axis weather.storm_rate_multiplier",
        );
        let e = error(d, |v| {
            v["points"][3]["values"] = v["points"][2]["values"].clone();
        });
        contains(&e, "points[3].values: [2.0, 1.0] repeats design point 2");
        let e = error(d, |v| {
            let p = v["points"].as_array_mut().unwrap();
            p.swap(1, 2);
            p[1]["index"] = json!(1);
            p[2]["index"] = json!(2);
        });
        contains(&e, "points[1].values");
        let e = error(d, |v| {
            v["axes"][1]["key"] = json!("weather.storm_rate_multiplier");
        });
        contains(&e, "axes[1].key: weather.storm_rate_multiplier is also axes[0]");
        let e = error(d, |v| v["design"] = json!({"kind": "latin_hypercube", "samples": 5}));
        contains(&e, "points: 6 design points, but the design's samples is 5");
    }

    #[test]
    fn target_probabilities_must_fit_their_run() {
        let d = docs();
        // n is the KPI's defined count (3 here); 2 of 3 met.
        let (low, high) = crate::intervals::wilson(2, 3);
        let target = json!({"kpi": "delivered_total.oil", "condition": ">=1500000",
            "p_meet": 2.0 / 3.0, "ci95_low": low, "ci95_high": high, "n": 3});
        let mut v = d.run.clone();
        v["targets"] = json!([target]);
        Document::from_json(&v.to_string()).unwrap();
        let e = error(&v, |v| v["targets"][0]["kpi"] = json!("delivered_total.oill"));
        contains(&e, "targets[0].kpi: \"delivered_total.oill\" is not a KPI of this run");
        let e = error(&v, |v| v["targets"][0]["condition"] = json!("=>1"));
        contains(&e, "targets[0].condition");
        let e = error(&v, |v| v["targets"][0]["n"] = json!(4));
        contains(&e, "targets[0].n: 4 but delivered_total.oil is defined in 3 replications");
        let e = error(&v, |v| v["targets"][0]["p_meet"] = json!(0.5));
        contains(&e, "targets[0].p_meet: 0.5");
        let e = error(&v, |v| v["targets"][0]["ci95_high"] = json!(0.6));
        contains(&e, "targets[0].p_meet");
    }

    #[test]
    fn a_sweeps_reference_is_a_point_without_differences() {
        let d = &docs().sweep;
        assert!(d["points"][1]["differences"]["delivered_total.oil"]["mean_diff"].is_number());
        let e = error(d, |v| v["reference"] = json!(6));
        contains(&e, "reference: 6 is out of range (6 design points)");
        let e = error(d, |v| v["reference"] = json!(1));
        contains(&e, "points[1].differences: not empty, but this is the reference point");
        let e = error(d, |v| {
            v["points"][2]["differences"]["delivered_total.oil"]["unit"] = json!("h");
        });
        contains(&e, "points[2].differences.delivered_total.oil.unit");
    }

    #[test]
    fn units_must_be_their_familys() {
        let d = docs();
        let e = error(&d.run, |v| v["kpis"]["delivered_total.oil"]["unit"] = json!("wagons"));
        contains(
            &e,
            "kpis.delivered_total.oil.unit: \"wagons\" is not a unit of delivered_total.oil (expected t)",
        );
        let e =
            error(&d.sweep, |v| v["points"][0]["kpis"]["delivered_total.oil"]["unit"] = json!("h"));
        contains(&e, "points[0].kpis.delivered_total.oil.unit");
        let e =
            error(&d.compare, |v| v["summaries"][1]["delivered_total.wagons"]["unit"] = json!("t"));
        contains(&e, "summaries[1].delivered_total.wagons.unit");
        let e = error(&d.partial, |v| v["units"]["delivered_total.oil"] = json!("vessels"));
        contains(&e, "units.delivered_total.oil");
        // A KPI with no family in the schema is none caspian writes: added
        // or renamed by hand, as merge parts and checkpoints are checked.
        let e = error(&d.run, |v| v["kpis"]["zzz"] = v["kpis"]["delivered_total.oil"].clone());
        contains(&e, "kpis.zzz: no KPI caspian writes has this name");
    }

    /// A KPI of the run that varies and whose interval is not cut by its
    /// range (its ends are exactly `mean ± half-width`), with its summary.
    fn varying(run: &Value) -> (String, Value) {
        let kpis = run["kpis"].as_object().unwrap();
        let (k, s) = kpis
            .iter()
            .filter(|(k, _)| k.starts_with("delivered_total.") || k.starts_with("transit_h."))
            .find(|(_, s)| {
                s["sd"].as_f64().is_some_and(|sd| sd > 0.0) && s["ci95_low"].as_f64() > Some(0.0)
            })
            .expect("a varying KPI");
        (k.clone(), s.clone())
    }

    #[test]
    fn summaries_must_be_what_replications_can_give() {
        let d = docs();
        // The review's hand edits: an interval reaching 7 for a fraction,
        // and a negative amount.
        let e = error(&d.run, |v| v["kpis"]["service_level.wagons"]["ci95_high"] = json!(7.0));
        contains(&e, "kpis.service_level.wagons: 95% interval [");
        contains(&e, "7] does not fit mean");
        contains(&e, "; the file is damaged");
        let e = error(&d.run, |v| v["kpis"]["delivered_total.oil"]["mean"] = json!(-5e9));
        contains(&e, "kpis.delivered_total.oil: mean -5000000000 is outside the KPI's range");
        // A percentile outside the range, in a sweep.
        let e =
            error(&d.sweep, |v| v["points"][2]["kpis"]["service_level.oil"]["p95"] = json!(1.5));
        contains(&e, "points[2].kpis.service_level.oil: p95 1.5 is outside the KPI's range");
        // Percentiles out of order, in a comparison.
        let e = error(&d.compare, |v| {
            let s = &mut v["summaries"][1]["delivered_total.wagons"];
            s["p05"] = json!(s["p95"].as_f64().unwrap() + 1.0);
        });
        contains(&e, "summaries[1].delivered_total.wagons: percentiles out of order: p05 ");
        // A negative standard deviation, and one no values in the range
        // can have (three fractions spread at most 0.5 * sqrt(3/2)).
        let e = error(&d.run, |v| v["kpis"]["delivered_total.oil"]["sd"] = json!(-1.0));
        contains(&e, "kpis.delivered_total.oil: standard deviation -1 is negative");
        let e = error(&d.run, |v| v["kpis"]["service_level.oil"]["sd"] = json!(0.62));
        contains(&e, "standard deviation 0.62 is more than 3 values in the KPI's range can have");
        let (k, s) = varying(&d.run);
        let f = |name: &str| s[name].as_f64().unwrap();
        // An interval that does not hold its mean, one wider than the
        // Student-t interval, and one narrower (false precision).
        for (end, value) in [
            ("ci95_low", f("mean") + 1.0),
            ("ci95_high", f("ci95_high") + 1.0),
            ("ci95_low", f("ci95_low") + 1.0),
            ("ci95_high", f("mean")),
        ] {
            let e = error(&d.run, |v| v["kpis"][k.as_str()][end] = json!(value));
            contains(&e, &format!("kpis.{k}: 95% interval ["));
            contains(&e, "(Student-t: [");
        }
        // A mean moved far from its own interval (and from its percentiles).
        let e = error(&d.sweep, |v| v["points"][0]["kpis"][k.as_str()]["mean"] = json!(1e13));
        contains(&e, &format!("points[0].kpis.{k}: 95% interval ["));
        contains(&e, "does not fit mean 10000000000000, sd ");
    }

    #[test]
    fn huge_and_tiny_numbers_are_shown_short() {
        let d = docs();
        let e = error(&d.run, |v| v["kpis"]["delivered_total.oil"]["p95"] = json!(1e308));
        contains(&e, "p95 1e308 is beyond any value a replication produces (1e100)");
        let e = error(&d.run, |v| v["kpis"]["delivered_total.oil"]["sd"] = json!(1e308));
        contains(&e, "standard deviation 1e308 is more than 3 values");
        let (k, _) = varying(&d.run);
        let e = error(&d.run, |v| v["kpis"][k.as_str()]["ci95_high"] = json!(1.7e308));
        contains(&e, "1.7e308] does not fit mean");
        let e = error(&d.run, |v| v["kpis"][k.as_str()]["ci95_low"] = json!(5e-324));
        contains(&e, "interval [5e-324, ");
        assert_eq!(super::short(1e308), "1e308");
        assert_eq!(super::short(-1.7e308), "-1.7e308");
        assert_eq!(super::short(5e-324), "5e-324");
        assert_eq!(super::short(1e15), "1e15");
        assert_eq!(super::short(1_690_000.5), "1690000.5");
        assert_eq!(super::short(0.25), "0.25");
        assert_eq!(
            (super::short(0.0), super::short(f64::NAN)),
            ("0".to_string(), "NaN".to_string())
        );
    }

    #[test]
    fn extreme_but_consistent_summaries_are_read() {
        let d = docs();
        let (k, s) = varying(&d.run);
        // A mean of 1e13 with its interval and percentiles moved with it:
        // the moved ends may differ from 1e13 ± half-width by rounding at
        // 1e13 (an ulp is 0.002), which only a tolerance relative to the
        // values' size allows for.
        let shift = 1e13 - s["mean"].as_f64().unwrap();
        let mut v = d.sweep.clone();
        let t = &mut v["points"][0]["kpis"][k.as_str()];
        t["mean"] = json!(1e13);
        for end in ["ci95_low", "ci95_high", "p05", "p50", "p95"] {
            t[end] = json!(s[end].as_f64().unwrap() + shift);
        }
        t["sd"] = s["sd"].clone();
        t["n"] = s["n"].clone();
        Document::from_json(&v.to_string()).unwrap();
        // Every statistic scaled up to 1e30.
        let scale = 1e30 / s["mean"].as_f64().unwrap();
        let mut v = d.run.clone();
        let t = &mut v["kpis"][k.as_str()];
        for f in ["mean", "sd", "ci95_low", "ci95_high", "p05", "p50", "p95"] {
            t[f] = json!(s[f].as_f64().unwrap() * scale);
        }
        Document::from_json(&v.to_string()).unwrap();
        // Summaries as the runner makes them, at the edges: values near
        // the largest a replication gives, values spread as far as a
        // fraction can be (sd at its bound), one replication (no sd, no
        // interval), none (NaN throughout), and an interval cut to the
        // range (or, as before intervals were cut, not cut).
        let of = |name: &str, values: &[f64]| {
            let s = crate::rare::kpi_summary(name, values);
            super::summary_problem(&s, super::KpiRange::of(name))
        };
        assert_eq!(of("delivered_total.oil", &[1e35, 5e35, 9.9e35]), None);
        assert_eq!(of("delivered_total.oil", &[1e13, 1e13 + 8000.0, 1e13 + 16_000.0]), None);
        assert_eq!(of("delivered_total.oil", &[1e-300, 3e-300, 2e-300]), None);
        assert_eq!(of("service_level.oil", &[0.0, 1.0]), None);
        assert_eq!(of("service_level.oil", &[0.0, 1.0, 0.0, 1.0, 1.0]), None);
        assert_eq!(of("delivered_total.oil", &[7.0]), None);
        assert_eq!(of("delivered_total.oil", &[f64::NAN, f64::NAN]), None);
        let lost = [0.0, 0.0, 0.0, 5000.0];
        let cut = crate::rare::kpi_summary("cargo_lost.oil", &lost);
        assert_eq!(cut.ci95_low, 0.0, "the interval is cut at 0");
        assert_eq!(super::summary_problem(&cut, super::KpiRange::of("cargo_lost.oil")), None);
        let uncut = crate::stats::Summary::of(&lost);
        assert!(uncut.ci95_low < 0.0);
        assert_eq!(super::summary_problem(&uncut, super::KpiRange::of("cargo_lost.oil")), None);
    }

    /// A summary of no, one or equal values has no spread to show: values
    /// with n = 0, an interval or spread percentiles with n = 1, and spread
    /// percentiles with sd 0 are damage (review of 2026-12-04).
    #[test]
    fn summaries_of_no_one_or_equal_values_have_no_spread() {
        let problem = |values: &[f64], edit: &dyn Fn(&mut crate::stats::Summary)| {
            let mut s = crate::rare::kpi_summary("delivered_total.oil", values);
            edit(&mut s);
            super::summary_problem(&s, super::KpiRange::of("delivered_total.oil"))
        };
        // As the runner writes them: accepted.
        assert_eq!(problem(&[], &|_| {}), None);
        assert_eq!(problem(&[7.0], &|_| {}), None);
        assert_eq!(problem(&[1.72e6; 5], &|_| {}), None);
        let e = problem(&[], &|s| s.mean = 1.7e6).unwrap();
        assert!(e.contains("n = 0 (no replication has a value) but the summary has values"), "{e}");
        let e = problem(&[1.72e6], &|s| {
            s.sd = 5e5;
            s.ci95_low = 0.0;
            s.ci95_high = 5e6;
        })
        .unwrap();
        assert!(e.starts_with("n = 1, yet sd 500000, 95% interval [0, 5000000]"), "{e}");
        let e = problem(&[1.72e6], &|s| {
            s.p05 = 1.0;
            s.p95 = 9e6;
        })
        .unwrap();
        assert!(e.contains("are not all those of one value, the mean 1720000"), "{e}");
        let e = problem(&[1.72e6; 3], &|s| {
            s.p05 = 0.0;
            s.p95 = 9e9;
        })
        .unwrap();
        assert!(e.starts_with("standard deviation 0 (every value the mean, 1720000)"), "{e}");
    }

    #[test]
    fn rare_event_reports_must_fit_their_summaries() {
        let d = docs();
        let e = error(&d.run, |v| v["kpis"]["vessels_lost"]["rare"]["with_event"] = json!(4));
        contains(&e, "kpis.vessels_lost.rare: with_event 4 is above n 3");
        let e = error(&d.sweep, |v| {
            v["points"][1]["kpis"]["vessels_lost"]["rare"]["p_any_ci95_high"] = json!(1.2);
        });
        contains(&e, "points[1].kpis.vessels_lost.rare: p_any interval");
        let e = error(&d.compare, |v| {
            v["summaries"][0]["detentions"]["rare"]["rate"]["ci95_low"] = json!(-0.1);
        });
        contains(&e, "summaries[0].detentions.rare: rate");
        // Ordered, but not what the counts give: 1 of 3 is not p = 0.
        let e = error(&d.run, |v| {
            let r = &mut v["kpis"]["vessels_lost"]["rare"];
            (r["with_event"], r["p_any"], r["p_any_ci95_high"]) =
                (json!(1), json!(0.0), json!(0.99));
            r["p_any_ci95_low"] = json!(0.0);
        });
        contains(&e, "kpis.vessels_lost.rare: p_any interval [0.0, 0.0, 0.99] is not 0.333");
        let e =
            error(&d.run, |v| v["kpis"]["detentions"]["rare"]["rate"]["ci95_high"] = json!(9.0));
        contains(&e, "with its Garwood interval");
        // Documents written before the report existed still load.
        let mut v = d.run.clone();
        for k in v["kpis"].as_object_mut().unwrap().values_mut() {
            k.as_object_mut().unwrap().remove("rare");
        }
        Document::from_json(&v.to_string()).unwrap();
    }

    #[test]
    fn a_target_short_of_data_is_not_met() {
        let d = docs();
        let target = |met: bool, have: u64| {
            json!({
                "rel_half_width": 0.01, "max_replications": 3, "primary": ["vessels_lost"],
                "met": met, "replications": 3,
                "worst": {"point": 0, "kpi": "vessels_lost", "rel_half_width": null,
                          "shortfall": {"rule": "min_replications", "have": have, "need": 30}}
            })
        };
        let mut v = d.run.clone();
        v["target"] = target(false, 3);
        Document::from_json(&v.to_string()).unwrap();
        let e = error(&d.run, |v| v["target"] = target(true, 3));
        contains(&e, "target.met: true, but the worst KPI has 3 replications");
        let e = error(&d.sweep, |v| v["target"] = target(false, 30));
        contains(&e, "target.worst.shortfall: inconsistent");
    }

    #[test]
    fn windows_must_run_forward_within_the_limit() {
        let d = docs();
        assert_eq!(d.run["window"], json!({"warmup_days": 30.0, "horizon_days": 395.0}));
        assert_eq!(d.compare["scenarios"][1]["window"], d.run["window"]);
        let e = error(&d.run, |v| v["window"]["warmup_days"] = json!(400.0));
        contains(&e, "window: warm-up 400 days, horizon 395 days");
        let e = error(&d.run, |v| v["window"]["horizon_days"] = json!(1e300));
        contains(&e, "window: warm-up 30 days, horizon 1e300 days");
        let e = error(&d.compare, |v| v["scenarios"][1]["window"]["warmup_days"] = json!(-1.0));
        contains(&e, "scenarios[1].window: warm-up -1 days");
        // Documents from before the window was recorded are read.
        let mut old = d.run.clone();
        old.as_object_mut().unwrap().remove("window");
        Document::from_json(&old.to_string()).unwrap();
    }

    /// A KPI's `n` counts the replications where it is defined, so it is
    /// at most the document's replications: in a run, each sweep point and
    /// each scenario of a comparison, summaries and paired differences.
    #[test]
    fn no_kpi_counts_more_replications_than_were_run() {
        let d = docs();
        let k = "delivered_total.oil";
        let e = error(&d.run, |v| v["kpis"][k]["n"] = json!(4));
        contains(&e, "kpis.delivered_total.oil.n: 4 replications, but the document ran 3");
        let e = error(&d.run, |v| v["replications"] = json!(2));
        contains(&e, ".n: 3 replications, but the document ran 2; the file is damaged");
        let e = error(&d.sweep, |v| v["points"][1]["kpis"][k]["n"] = json!(4));
        contains(&e, "points[1].kpis.delivered_total.oil.n: 4 replications");
        let e = error(&d.sweep, |v| v["points"][1]["differences"][k]["n"] = json!(4));
        contains(&e, "points[1].differences.delivered_total.oil.n: 4 replications");
        let e = error(&d.compare, |v| v["summaries"][2][k]["n"] = json!(4));
        contains(&e, "summaries[2].delivered_total.oil.n: 4 replications");
        let e = error(&d.compare, |v| v["differences"][0]["kpis"][k]["n"] = json!(4));
        contains(&e, "differences[0].kpis.delivered_total.oil.n: 4 replications");
        // As many as were run is fine (the undamaged documents have 3).
        assert_eq!(d.run["kpis"][k]["n"], json!(3));
        assert_eq!(d.compare["differences"][0]["kpis"][k]["n"], json!(3));
    }

    #[test]
    fn comparisons_are_consistent() {
        let d = &docs().compare;
        let e = error(d, |v| v["differences"][1]["scenario"] = json!(1));
        contains(&e, "differences[1].scenario: 1 is also differences[0]");
        let e = error(d, |v| v["rankings"][0]["kpi"] = json!("no_such_kpi"));
        contains(&e, "rankings[0].kpi: \"no_such_kpi\" is not a KPI of this comparison");
        let e = error(d, |v| v["rankings"][0]["order"] = json!([]));
        contains(&e, "rankings[0].order: empty");
    }

    #[test]
    fn merge_joins_parts_given_in_any_order_into_the_whole_run() {
        let d = docs();
        let [a, b] = d.parts.clone();
        let merged = crate::merge::merge(vec![("b".into(), b), ("a".into(), a)]).unwrap();
        let crate::merge::Merged::Run { doc, records, .. } = merged else { panic!("not a run") };
        let order: Vec<u64> = records.rows.iter().map(|r| r.replication).collect();
        assert_eq!(order, [0, 1, 2]);
        assert_eq!(serde_json::to_value(Document::Run(doc)).unwrap(), d.run);
    }

    #[test]
    fn merge_refuses_parts_with_damaged_records() {
        let merge_error = |damage: &dyn Fn(&mut crate::document::PartialDoc)| {
            let [a, mut b] = docs().parts.clone();
            damage(&mut b);
            // Given last-first: the check follows shard order all the same.
            crate::merge::merge(vec![("b".into(), b), ("a".into(), a)]).unwrap_err().0
        };
        let should = "b: design point 0 should hold replications 1 to 2, in order, but";
        let e = merge_error(&|b| b.records[0].rows[0].replication = 7);
        assert!(e.contains(&format!("{should} it holds replication 7")), "{e}");
        let e = merge_error(&|b| b.records[0].rows[0].replication = 2);
        assert!(e.contains(&format!("{should} it holds replication 2 twice")), "{e}");
        let e = merge_error(&|b| b.records[0].rows.swap(0, 1));
        assert!(e.contains(&format!("{should} they are out of order")), "{e}");
        let e = merge_error(&|b| b.records[0].kpi_names[0].push('x'));
        assert!(e.contains("b: design point 0 has different KPI names from earlier shards"), "{e}");
        let e = merge_error(&|b| {
            b.records[0].rows[0].values.pop();
        });
        assert!(e.contains("b: design point 0 has a row with the wrong number of values"), "{e}");
        let e = merge_error(&|b| b.records.push(b.records[0].clone()));
        assert!(e.contains("b: holds 2 design points, the study has 1"), "{e}");
    }

    #[test]
    fn merge_refuses_parts_of_another_window() {
        let [a, mut b] = docs().parts.clone();
        let w = b.header.window.as_mut().expect("a run's shard records its window");
        w.horizon_days += 1.0;
        let e = crate::merge::merge(vec![("a".into(), a), ("b".into(), b)]).unwrap_err();
        assert!(e.0.contains("reporting window"), "{e}");
    }

    #[test]
    fn merge_refuses_parts_disagreeing_on_a_unit() {
        let [a, mut b] = docs().parts.clone();
        let name = b.units.keys().find(|k| k.starts_with("delivered_total.oil")).unwrap().clone();
        b.units.insert(name, "wagons".into());
        let e = crate::merge::merge(vec![("a".into(), a), ("b".into(), b)]).unwrap_err();
        assert!(
            e.0.contains("b: KPI delivered_total.oil has unit \"wagons\" but a gives \"t\""),
            "{e}"
        );
    }
}
