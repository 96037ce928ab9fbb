//! Warnings of levers that cost nothing or protect nothing: a policy that
//! changes what no price covers (a link, a depth, a vessel size) has no
//! ratio, and escorts left at an incident factor of 1 protect nothing.

use crate::common::{fails, ok, read, scenario, scratch};

/// A policy that changes a hinterland link's capacity (BTK 6.5 -> 17 Mt)
/// has no cost unless the link is priced: the economics say so, and a
/// price makes the warning go and the cost appear.
#[test]
fn an_unpriced_link_investment_is_warned_of() {
    let dir = scratch("compare_link_price");
    let base = scenario("baseline.toml");
    let btk = scenario("btk_17mt.toml");
    let out =
        ok(&["compare", &base, &btk, "-n", "2", "-q", "--kpi", "delivered_total.wagons"], &dir);
    assert!(
        out.contains(
            "warning: \"btk_17mt\" changes the capacity of btk_railway, which no price covers"
        ),
        "{out}"
    );
    // Its ratio says why it has none: not that it costs no more than the
    // base, which would send the reader to a positive NPV.
    assert!(
        out.contains(
            "btk_17mt: no benefit-cost ratio: it changes the capacity of btk_railway, which no \
             price in the scenario covers"
        ),
        "{out}"
    );
    assert!(!out.contains("costs no more than the base"), "{out}");
    // Its NPV leaves the link's price out, and says so.
    let row = out.lines().find(|l| l.starts_with("btk_17mt ")).unwrap_or_default();
    assert!(row.contains(" (a price left out) "), "{out}");
    let priced = ["--set", "costs.capital.link.wagons=1000", "--json", "p.json"];
    let out = ok(&[&["compare", &base, &btk, "-n", "2", "-q"][..], &priced].concat(), &dir);
    assert!(!out.contains("no price covers"), "{out}");
    assert!(!out.contains("(a price left out)"), "{out}");
    let doc: serde_json::Value = serde_json::from_slice(&read(&dir, "p.json")).unwrap();
    let cost = doc["economics"]["policies"][0]["cost_per_year"]["mean"].as_f64().unwrap();
    assert!(cost > 0.0, "{}", doc["economics"]);
    // BTK alone priced: the same extra cost, since BTK is the only link the
    // policy changes; the base's capital now leaves the other wagon links
    // out, so it is lower than with every wagon link priced.
    let alone = ["--set", "costs.capital.link_outflow.btk_railway=1000", "--json", "a.json"];
    let out = ok(&[&["compare", &base, &btk, "-n", "2", "-q"][..], &alone].concat(), &dir);
    assert!(!out.contains("no price covers"), "{out}");
    let one: serde_json::Value = serde_json::from_slice(&read(&dir, "a.json")).unwrap();
    let cost_alone = one["economics"]["policies"][0]["cost_per_year"]["mean"].as_f64().unwrap();
    assert!((cost_alone - cost).abs() <= 1e-6 * cost, "{cost_alone} against {cost}");
    let capital = |d: &serde_json::Value| {
        d["summaries"][0]["cost.capital_per_year"]["mean"].as_f64().unwrap()
    };
    assert!(capital(&one) < capital(&doc), "{} against {}", capital(&one), capital(&doc));
    // Its own price of 0 wins over its cargo's: warned of as such.
    let zero = [
        "--set",
        "costs.capital.link.wagons=1000",
        "--set",
        "costs.capital.link_outflow.btk_railway=0",
    ];
    let out = ok(&[&["compare", &base, &btk, "-n", "2", "-q"][..], &zero].concat(), &dir);
    assert!(out.contains("(costs.capital.link_outflow gives btk_railway the price 0)"), "{out}");
    let e = fails(&["run", &base, "-n", "1", "--set", "costs.capital.link_outflow.btk=1"], &dir, 2);
    assert!(e.contains("costs.capital.link_outflow.btk: no [[outflow]] \"btk\""), "{e}");
}

/// A policy that deepens a port by its `depth_m` (not a `[[dredging]]`)
/// or gives a fleet bigger vessels changes what no price covers: warned of;
/// a dredging entry is priced and is not.
#[test]
fn an_unpriced_depth_or_vessel_size_is_warned_of() {
    let dir = scratch("compare_unpriced_levers");
    let low = scenario("sea_level_2030.toml");
    let args = [
        "compare",
        &low,
        "--variant",
        "deep:port.aktau.depth_m=7.7",
        "--variant",
        "big:fleet.ferries_kuryk_alat.capacity=60",
        "--variant",
        "fast:fleet.oil_tankers.speed_kn=14,fleet.oil_tankers.load_rate_per_h=3000",
        "-n",
        "2",
        "-q",
        "--kpi",
        "cost.total_per_year",
    ];
    let out = ok(&args, &dir);
    assert!(out.contains("\"deep\" changes the depth of aktau (depth_m;"), "{out}");
    assert!(out.contains("\"big\" changes the capacity per voyage of ferries_kuryk_alat"), "{out}");
    assert!(
        out.contains("deep: no benefit-cost ratio: it changes the depth of aktau, which"),
        "{out}"
    );
    assert!(
        out.contains("big: no benefit-cost ratio: it changes the capacity per voyage of"),
        "{out}"
    );
    assert!(
        out.contains(
            "fast: no benefit-cost ratio: it changes the speed (speed_kn) of oil_tankers, the \
             loading rate (load_rate_per_h) of oil_tankers, which"
        ),
        "{out}"
    );
    let dredged = scenario("sea_level_2030_dredged.toml");
    let out =
        ok(&["compare", &low, &dredged, "-n", "2", "-q", "--kpi", "cost.total_per_year"], &dir);
    assert!(!out.contains("no price covers"), "{out}");
}

/// Escorts switched on with their incident factor left at 1 cost and
/// protect nothing: a comparison, a run, a sweep axis and an optimisation
/// decision that switch them on so say; escorts with a factor do not.
#[test]
fn escorts_that_protect_nothing_are_warned_of() {
    let dir = scratch("compare_escorts");
    let base = scenario("baseline.toml");
    let short = "scenario.horizon_days=40";
    let said = "escorts are on with interdiction.escort.incident_factor = 1";
    let on = "esc:interdiction.escort.enabled=true";
    let cases: [(&[&str], bool); 6] = [
        (&["compare", &base, "--variant", on, "-n", "2"], true),
        (&["run", &base, "--set", "interdiction.escort.enabled=true", "-n", "2"], true),
        (&["sweep", &base, "--axis", "interdiction.escort.enabled=0,1", "-n", "2"], true),
        (
            &[
                "optimize",
                &base,
                "--decision",
                "interdiction.escort.enabled=0,1",
                "--delta",
                "1e6",
                "--n0",
                "2",
                "-o",
                "o.json",
            ],
            true,
        ),
        (&["run", &scenario("escort_convoys.toml"), "-n", "2"], false),
        (&["compare", &base, "--variant", "b3:port.alat.berths.rail_ferry=3", "-n", "2"], false),
    ];
    for (args, warned) in cases {
        let mut args = args.to_vec();
        args.extend(["-q", "--set", short]);
        let err =
            String::from_utf8_lossy(&crate::common::ok_output(&args, &dir).stderr).into_owned();
        assert_eq!(err.contains(said), warned, "{args:?}: {err}");
        // The result document keeps the warning (run, sweep, compare), so
        // a report built from it shows it.
        if args[0] != "optimize" {
            args.extend(["--json", "w.json"]);
            crate::common::ok_output(&args, &dir);
            let doc: serde_json::Value = serde_json::from_slice(&read(&dir, "w.json")).unwrap();
            let kept = doc["warnings"]
                .as_array()
                .is_some_and(|w| w.iter().any(|w| w.as_str().is_some_and(|w| w.contains(said))));
            assert_eq!(kept, warned, "{args:?}: {}", doc["warnings"]);
        }
    }
    // Escorts with a factor, where no escorted fleet meets incidents.
    let safe = "interdiction.incident_probability=0";
    let args = ["run", &scenario("escort_convoys.toml"), "-n", "2", "-q", "--set", short];
    let err = |extra: &[&str]| {
        let args = [&args[..], extra].concat();
        String::from_utf8_lossy(&crate::common::ok_output(&args, &dir).stderr).into_owned()
    };
    let said = "escorts are on but no escorted fleet meets incidents";
    assert!(err(&["--set", safe]).contains(said));
    assert!(!err(&[]).contains(said));
}

/// Lost vessels never replaced are warned of where a loss is likely enough
/// to matter (1 in 10,000 crossings or more), once in a comparison, and
/// kept in the result document; not at the baseline's prior, nor once a
/// replacement lead time is set.
#[test]
fn lost_vessels_never_replaced_are_warned_of_where_losses_matter() {
    let dir = scratch("losses_not_replaced");
    let (base, high) = (scenario("baseline.toml"), scenario("high_interdiction.toml"));
    // The runs' window: day 30 to day 40.
    let said = "a vessel lost at sea is ";
    let lead = "interdiction.replacement_days={ dist = \"constant\", value = 5 }";
    let risky = "risky:interdiction.incident_probability=0.005";
    let never = "interdiction.replacement_days={ dist = \"uniform\", min = 10, max = 50 }";
    let cases: [(&[&str], usize); 6] = [
        (&["run", &high, "--json", "w.json"], 1),
        (&["run", &high, "--set", lead, "--json", "w.json"], 0),
        // A lead time never shorter than the window replaces no vessel
        // lost in it.
        (&["run", &high, "--set", never, "--json", "w.json"], 1),
        (&["run", &base, "--json", "w.json"], 0),
        (&["compare", &base, "--variant", risky, "--json", "w.json"], 1),
        (
            &[
                "compare",
                &high,
                "--variant",
                "b3:port.alat.berths.rail_ferry=3",
                "--json",
                "w.json",
            ],
            1,
        ),
    ];
    for (args, times) in cases {
        let mut args = args.to_vec();
        args.extend(["-q", "-n", "2", "--set", "scenario.horizon_days=40"]);
        let err =
            String::from_utf8_lossy(&crate::common::ok_output(&args, &dir).stderr).into_owned();
        assert_eq!(err.matches(said).count(), times, "{args:?}: {err}");
        let why = if args.contains(&never) {
            "is not replaced within the reporting window if lost in it \
             (interdiction.replacement_days is never under 10 days, at least the window's 10 days)"
        } else {
            "is never replaced within the run (interdiction.replacement_days is left out)"
        };
        assert!(times == 0 || err.contains(why), "{args:?}: {err}");
        let doc: serde_json::Value = serde_json::from_slice(&read(&dir, "w.json")).unwrap();
        let kept = doc["warnings"].as_array().map_or(0, |w| {
            w.iter().filter(|w| w.as_str().is_some_and(|w| w.contains(said))).count()
        });
        assert_eq!(kept, times, "{args:?}: {}", doc["warnings"]);
    }
    // The fleets at the highest risk are named: any fleet where all share
    // the scenario's, the tankers alone where only theirs is raised.
    let named = |extra: &[&str]| {
        let mut args = vec!["run", &base, "-q", "-n", "1", "--set", "scenario.horizon_days=40"];
        args.extend(extra);
        String::from_utf8_lossy(&crate::common::ok_output(&args, &dir).stderr).into_owned()
    };
    let every = named(&["--set", "interdiction.incident_probability=0.005"]);
    assert!(every.contains("a crossing of any fleet ends in a loss"), "{every}");
    let tankers = named(&["--set", "fleet.oil_tankers.incident_probability=0.005"]);
    assert!(tankers.contains("a crossing of oil_tankers ends in a loss"), "{tankers}");
}

/// A price given inside one `--variant` costs that variant at its prices
/// and the base at the base's; a variant with less than the base of what
/// carries capital is credited with capital that may be spent. Both are
/// warned of, and neither warning appears for the same variant priced
/// alike or with more.
#[test]
fn a_variant_priced_alone_or_with_less_than_the_base_is_warned_of() {
    let dir = scratch("compare_appraisal");
    let base = scenario("baseline.toml");
    let run = |extra: &[&str]| {
        let args =
            [&["compare", &base, "-n", "2", "-q", "--kpi", "cost.total_per_year"][..], extra];
        ok(&args.concat(), &dir)
    };
    let btk = "outflow.btk_railway.capacity_per_year=226667";
    let price = "costs.capital.link_outflow.btk_railway=100";
    let out = run(&["--variant", &format!("btk17:{btk},{price}")]);
    assert!(
        out.contains(
            "warning: \"btk17\" has other prices than the base \
             (costs.capital.link_outflow.btk_railway): each scenario is costed at its own prices"
        ),
        "{out}"
    );
    let out = run(&["--set", price, "--variant", &format!("btk17:{btk}")]);
    assert!(!out.contains("other prices"), "{out}");
    let out = run(&[
        "--variant",
        "small:storage.aktau_tank_farm.capacity=60000",
        "--variant",
        "large:storage.aktau_tank_farm.capacity=240000",
    ]);
    assert!(
        out.contains(
            "warning: \"small\" has less than the base of aktau_tank_farm's capacity (60000 \
             against 120000): the capital of what it lacks counts as saved"
        ),
        "{out}"
    );
    assert!(!out.contains("\"large\" has less"), "{out}");
}

/// Escorts whose ready convoys wait an hour or more for a free escort are
/// warned of under the economics table; a force large enough is not.
#[test]
fn an_escort_force_that_binds_is_warned_of() {
    let dir = scratch("escort_force");
    let (base, escorts) = (scenario("baseline.toml"), scenario("escort_convoys.toml"));
    let said = "\"escort_convoys\": its ready convoys waited ";
    let args = ["compare", &base, &escorts, "-n", "2", "-q", "--set", "scenario.horizon_days=60"];
    let small = [&args[..], &["--set", "interdiction.escort.escort_vessels=2"]].concat();
    // Under the economics table, on standard output.
    let out = ok(&small, &dir);
    assert!(out.contains(said) && out.contains("with the force of 2 at sea"), "{out}");
    assert!(out.contains("try a larger one (interdiction.escort.escort_vessels=4)"), "{out}");
    // `run` warns too, on standard error, and keeps it in its document.
    let run = ["run", &escorts, "-n", "2", "-q", "--set", "scenario.horizon_days=60"];
    let small_run =
        [&run[..], &["--set", "interdiction.escort.escort_vessels=2", "--json", "r.json"]];
    let err = String::from_utf8_lossy(&crate::common::ok_output(&small_run.concat(), &dir).stderr)
        .into_owned();
    assert!(err.contains(&format!("warning: {said}")), "{err}");
    let doc: serde_json::Value = serde_json::from_slice(&read(&dir, "r.json")).unwrap();
    let kept = doc["warnings"]
        .as_array()
        .is_some_and(|w| w.iter().any(|w| w.as_str().is_some_and(|w| w.contains(said))));
    assert!(kept, "{}", doc["warnings"]);
    let err = String::from_utf8_lossy(&crate::common::ok_output(&run, &dir).stderr).into_owned();
    assert!(!err.contains(said), "the file's 12 escorts do not bind: {err}");
    let enough = [&args[..], &["--set", "interdiction.escort.escort_vessels=20"]].concat();
    let out = ok(&enough, &dir);
    assert!(!out.contains(said), "{out}");
}

/// A sweep warns where the escort force binds at some design point, names
/// those points and keeps the warning in its document; `merge` finds it
/// over every shard's replications (which no shard saw alone), of a run
/// or a sweep, and writes the document one process would have.
#[test]
fn a_binding_force_is_found_by_sweeps_and_merges() {
    let dir = scratch("escort_force_sweep");
    let escorts = scenario("escort_convoys.toml");
    let warned = |doc: &str, said: &str| {
        let doc: serde_json::Value = serde_json::from_slice(&read(&dir, doc)).unwrap();
        doc["warnings"]
            .as_array()
            .is_some_and(|w| w.iter().any(|w| w.as_str().is_some_and(|w| w.contains(said))))
    };
    let stderr = |args: &[&str]| {
        String::from_utf8_lossy(&crate::common::ok_output(args, &dir).stderr).into_owned()
    };
    let short = ["-n", "4", "-q", "--set", "scenario.horizon_days=60"];
    let axis = ["--axis", "interdiction.escort.escort_vessels=2,12"];
    let sweep = [&["sweep", &escorts][..], &axis, &short].concat();
    let said = "\"escort_convoys\" at 1 of 2 design points (0), at design point 0 first: its \
                ready convoys waited ";
    let err = stderr(&[&sweep[..], &["--json", "s.json"]].concat());
    assert!(err.contains(&format!("warning: {said}")), "{err}");
    assert!(err.contains("with the force of 2 at sea"), "{err}");
    assert!(warned("s.json", said), "kept in the sweep's document");
    // Large enough everywhere: nothing to say.
    let enough = [&["sweep", &escorts][..], &short, &["--axis"]].concat();
    let err = stderr(&[&enough[..], &["interdiction.escort.escort_vessels=12,13"]].concat());
    assert!(!err.contains("for a free escort"), "{err}");
    // Merged shards of the sweep, and of a run with the force of 2.
    let run = [&["run", &escorts][..], &short, &["--set", "interdiction.escort.escort_vessels=2"]]
        .concat();
    ok(&[&run[..], &["--json", "r.json"]].concat(), &dir);
    for k in ["0", "1"] {
        let shard = format!("{k}/2");
        let (p, r) = (format!("p{k}.json"), format!("r{k}.json"));
        ok(&[&sweep[..], &["--shard", &shard, "--json", &p]].concat(), &dir);
        ok(&[&run[..], &["--shard", &shard, "--json", &r]].concat(), &dir);
    }
    let err = stderr(&["merge", "p0.json", "p1.json", "--json", "m.json", "-q"]);
    assert!(err.contains(&format!("warning: {said}")), "{err}");
    assert!(read(&dir, "m.json") == read(&dir, "s.json"), "the merged sweep is the sweep's");
    let err = stderr(&["merge", "r0.json", "r1.json", "--json", "n.json", "-q"]);
    let said = "\"escort_convoys\": its ready convoys waited ";
    assert!(err.contains(&format!("warning: {said}")) && warned("n.json", said), "{err}");
    assert!(read(&dir, "n.json") == read(&dir, "r.json"), "the merged run is the run's");
}

/// Where the selected portfolio's force binds and larger forces were among
/// the decisions (here pruned by the budget), `optimize` says they were
/// tried instead of advising a larger one.
#[test]
fn optimize_does_not_advise_a_force_it_tried() {
    let dir = scratch("escort_force_optimize");
    let escorts = scenario("escort_convoys.toml");
    let args = [
        "optimize",
        &escorts,
        "--minimize",
        "cost.total_per_year",
        "--delta",
        "1e6",
        "--n0",
        "2",
        "--max-replications",
        "4",
        "--set",
        "scenario.horizon_days=60",
        "--decision",
    ];
    let said = "note: the selected portfolio: its ready convoys waited ";
    let tried = [&args[..], &["interdiction.escort.escort_vessels=2,20", "--budget", "2.5e8"]];
    let out = ok(&tried.concat(), &dir);
    assert!(out.contains(said) && out.contains("with the force of 2 at sea"), "{out}");
    assert!(out.contains("larger forces were among the decisions (20) and were not selected"));
    assert!(!out.contains("try a larger one"), "{out}");
    // Only 1 and 2 decided: a larger one is advised. The next best
    // portfolio's force (1) binds too, and its table says so and that a
    // larger one (2) was tried.
    let out = ok(&[&args[..], &["interdiction.escort.escort_vessels=1,2"]].concat(), &dir);
    let (selection, runner_up) = out.split_once("next best feasible").expect("a runner-up");
    assert!(selection.contains(said) && selection.contains("try a larger one"), "{out}");
    let note = "note: the next best portfolio: its ready convoys waited ";
    let tried = "larger forces were among the decisions (2): their status";
    assert!(runner_up.contains(note) && runner_up.contains(tried), "{out}");
}

/// A sweep whose points repeat others where no whole axis is inert (the
/// force is idle only where escorts are off) names them; one where each
/// point is a model of its own says nothing.
#[test]
fn a_sweep_names_its_points_that_repeat_another() {
    let dir = scratch("sweep_same_points");
    let base = scenario("baseline.toml");
    let args = ["sweep", &base, "-n", "2", "-q", "--set", "scenario.horizon_days=60", "--axis"];
    let stderr = |extra: &[&str]| {
        let all = [&args[..], extra].concat();
        String::from_utf8_lossy(&crate::common::ok_output(&all, &dir).stderr).into_owned()
    };
    let force = ["interdiction.escort.escort_vessels=2,4", "--axis"];
    let err = stderr(&[&force[..], &["interdiction.escort.enabled=0,1"]].concat());
    assert!(
        err.contains(": 1 of 4 design points compile to the same model as an earlier one (2 as 0)"),
        "{err}"
    );
    // Without -q, the closing line says the repeated point was not run.
    let all = [&args[..], &force[..], &["interdiction.escort.enabled=0,1"]].concat();
    let loud: Vec<&str> = all.into_iter().filter(|a| *a != "-q").collect();
    let err = String::from_utf8_lossy(&crate::common::ok_output(&loud, &dir).stderr).into_owned();
    assert!(
        err.contains("4 design points (1 taken from an earlier point of the same model, not run)"),
        "{err}"
    );
    let err = stderr(&[&force[..], &["port.alat.berths.rail_ferry=2,3"]].concat());
    assert!(!err.contains("same model as an earlier one"), "an inert axis says it: {err}");
    let err = stderr(&["port.alat.berths.rail_ferry=2,3"]);
    assert!(!err.contains("same model"), "{err}");
}

/// The warnings about a sweep's design (an inert axis, points that repeat
/// another) are kept in its document, shown in its report and said again
/// by a merge of its shards, as the study's own warnings are.
#[test]
fn a_sweeps_design_warnings_are_kept_in_its_document_report_and_merge() {
    let dir = scratch("sweep_design_warnings");
    let base = scenario("baseline.toml");
    let common = ["-n", "2", "-q", "--set", "scenario.horizon_days=60"];
    let cases = [
        // An axis of a multiplier of what the baseline does not have.
        ("disruptions.rate_multiplier=0,2", "the axis disruptions.rate_multiplier changes nothing"),
        // The force idle where escorts are off: points 2 and 3 repeat 0.
        ("interdiction.escort.enabled=0,1", "of 4 design points compile to the same model"),
    ];
    for (k, (axis, said)) in cases.into_iter().enumerate() {
        let mut sweep = vec!["sweep", &base, "--axis", axis];
        if k == 1 {
            sweep.extend(["--axis", "interdiction.escort.escort_vessels=2,4"]);
        }
        sweep.extend(common);
        let report = format!("rep{k}");
        let whole = [&sweep[..], &["--json", "whole.json", "--report", &report]].concat();
        let err =
            String::from_utf8_lossy(&crate::common::ok_output(&whole, &dir).stderr).into_owned();
        assert!(err.contains(said), "{err}");
        let doc: serde_json::Value =
            serde_json::from_slice(&crate::common::read(&dir, "whole.json")).unwrap();
        let warnings = doc["warnings"].as_array().expect("warnings kept").clone();
        assert!(warnings.iter().any(|w| w.as_str().unwrap().contains(said)), "{warnings:?}");
        let html = String::from_utf8(crate::common::read(&dir, &format!("{report}/report.html")));
        assert!(html.unwrap().contains(said), "the report shows it");
        for s in 0..2 {
            let part =
                [&sweep[..], &["--shard", &format!("{s}/2"), "--json", &format!("p{s}.json")]];
            crate::common::ok_output(&part.concat(), &dir);
        }
        let merged = ["merge", "p0.json", "p1.json", "-q", "--json", "m.json"];
        let err =
            String::from_utf8_lossy(&crate::common::ok_output(&merged, &dir).stderr).into_owned();
        assert!(err.contains(said), "merge says it again: {err}");
        assert_eq!(crate::common::read(&dir, "m.json"), crate::common::read(&dir, "whole.json"));
        // A first part written before the design's warnings were kept (none
        // in it): the merge takes them from the part that has them.
        let mut old: serde_json::Value =
            serde_json::from_slice(&crate::common::read(&dir, "p0.json")).unwrap();
        old.as_object_mut().unwrap().remove("warnings");
        std::fs::write(dir.join("old0.json"), old.to_string()).unwrap();
        let merged = ["merge", "old0.json", "p1.json", "-q", "--json", "m2.json"];
        let err =
            String::from_utf8_lossy(&crate::common::ok_output(&merged, &dir).stderr).into_owned();
        assert!(err.contains(said), "merge of an older first part: {err}");
        assert_eq!(crate::common::read(&dir, "m2.json"), crate::common::read(&dir, "whole.json"));
    }
}

/// A one-valued axis or decision that changes the scenario but not its
/// model (the escort force with escorts off everywhere) is warned of; one
/// that matters at some point (escorts on there), or that is the
/// scenario's own value, is not.
#[test]
fn a_one_valued_axis_or_decision_that_changes_nothing_is_warned_of() {
    let dir = scratch("idle_setting");
    let base = scenario("baseline.toml");
    let stderr = |args: &[&str]| {
        String::from_utf8_lossy(&crate::common::ok_output(args, &dir).stderr).into_owned()
    };
    let common = ["-n", "2", "-q", "--set", "scenario.horizon_days=60"];
    let force = "interdiction.escort.escort_vessels=3";
    let berths = "port.alat.berths.rail_ferry=2,3";
    let said = "the axis interdiction.escort.escort_vessels=3 changes nothing";
    let err = stderr(&[&["sweep", &base, "--axis", force, "--axis", berths], &common[..]].concat());
    assert!(err.contains(said) && err.contains("gives without it"), "{err}");
    let on = "interdiction.escort.enabled=0,1";
    let err = stderr(&[&["sweep", &base, "--axis", force, "--axis", on], &common[..]].concat());
    assert!(!err.contains(said), "the force is sailed where escorts are on: {err}");
    let own = "port.alat.berths.rail_ferry=2"; // the baseline's
    let err = stderr(&[&["sweep", &base, "--axis", own, "--axis", on], &common[..]].concat());
    assert!(!err.contains("changes nothing"), "{err}");
    // optimize says it of a decision.
    let opt = [
        "optimize",
        "--decision",
        force,
        "--decision",
        berths,
        "--delta",
        "2000000",
        "--n0",
        "3",
        "--max-replications",
        "6",
        "-q",
        "--set",
        "scenario.horizon_days=60",
        "-o",
        "o.json",
        "--report",
        "o.html",
    ];
    let err = stderr(&opt);
    let said = "the decision interdiction.escort.escort_vessels=3 changes nothing";
    assert!(err.contains(said), "{err}");
    // Kept in the document and shown in its report.
    let doc: serde_json::Value = serde_json::from_slice(&read(&dir, "o.json")).unwrap();
    let kept = doc["warnings"].as_array().expect("warnings kept").clone();
    assert!(kept.iter().any(|w| w.as_str().unwrap().starts_with(said)), "{kept:?}");
    let html = String::from_utf8(read(&dir, "o.html")).unwrap();
    assert!(html.contains(said), "the report shows it");
    // run says it of a --set, unless the same run turns escorts on.
    let set = ["--set", force];
    let err = stderr(&[&["run", &base][..], &set, &common[..]].concat());
    let said = "--set interdiction.escort.escort_vessels=3 changes nothing in ";
    assert!(err.contains(said) && err.contains("escorts are off"), "{err}");
    let on = ["--set", "interdiction.escort.enabled=1"];
    let err = stderr(&[&["run", &base][..], &set, &on, &common[..]].concat());
    assert!(!err.contains("changes nothing"), "{err}");
    // Every other escort setting too, and any --set the model does not
    // read; not the seed or the name, nor a value the scenario has.
    for idle in [
        "interdiction.escort.convoy_size=5",
        "interdiction.escort.max_wait_h=3",
        "interdiction.escort.incident_factor=0.5",
        "interdiction.escort.fleets=[\"ferries_kuryk_alat\"]",
        "costs.operating.escort_sortie=7",
    ] {
        let err = stderr(&[&["run", &base][..], &["--set", idle], &common[..]].concat());
        let said = format!("--set {idle} changes nothing in ");
        assert!(err.contains(&said) && err.contains("no convoy forms"), "{idle}: {err}");
        let err = stderr(&[&["run", &base][..], &["--set", idle], &on, &common[..]].concat());
        assert!(!err.contains("changes nothing"), "{idle}: {err}");
    }
    for kept in ["scenario.seed=5", "scenario.name=other", "port.alat.berths.rail_ferry=4"] {
        let err = stderr(&[&["run", &base][..], &["--set", kept], &common[..]].concat());
        assert!(!err.contains("changes nothing"), "{kept}: {err}");
    }
}

/// A dated detention of no time holds no vessel but counts: warned of.
#[test]
fn a_detention_of_no_time_is_warned_of() {
    let dir = scratch("detention_of_no_time");
    let text = format!(
        "[scenario]\nextends = \"{}\"\nname = \"held\"\nhorizon_days = 45\n\n\
         [[disruption]]\nid = \"held\"\ntarget = \"vessels.ferries_kuryk_alat\"\nvessels = 1\n\
         detain = true\nstart_day = 35.0\nduration_days = {{ dist = \"constant\", value = 14.0 }}\n",
        scenario("baseline.toml").replace('\\', "/")
    );
    std::fs::write(dir.join("held.toml"), text).unwrap();
    let said = "disruption held detains for 0 days";
    let run = ["run", "held.toml", "-n", "1", "-q"];
    let out = crate::common::ok_output(&run, &dir);
    assert!(!String::from_utf8_lossy(&out.stderr).contains(said));
    let zero = [&run[..], &["--set", "disruptions.duration_multiplier=0"]].concat();
    let out = crate::common::ok_output(&zero, &dir);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains(said) && err.contains("counts in detentions"), "{err}");
    // A length the model's clock of milliseconds rounds to nothing is as
    // good as none; a millisecond is not.
    for (days, warned) in [("4e-9", true), ("1.2e-8", false)] {
        let set = format!("disruption.held.duration_days.value={days}");
        let out = crate::common::ok_output(&[&run[..], &["--set", &set]].concat(), &dir);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(err.contains(said), warned, "{days}: {err}");
    }
    // A closure of no time changes nothing, and is said to.
    let text = format!(
        "[scenario]\nextends = \"{}\"\nname = \"shut\"\nhorizon_days = 45\n\n\
         [[disruption]]\nid = \"shut\"\ntarget = \"port.alat\"\nstart_day = 35.0\n\
         duration_days = {{ dist = \"normal\", mean = 0.0, sd = 0.0 }}\n",
        scenario("baseline.toml").replace('\\', "/")
    );
    std::fs::write(dir.join("shut.toml"), text).unwrap();
    let out = crate::common::ok_output(&["run", "shut.toml", "-n", "1", "-q"], &dir);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("disruption shut lasts for 0 days"), "{err}");
    assert!(err.contains("it changes nothing"), "{err}");
}

/// A disruption that leaves its target's capacity as it is (a scale of 1,
/// or a dated one whose rounding keeps every berth) is warned of as
/// changing nothing; `--one-off` refuses it as no event; one that takes a
/// berth is neither.
#[test]
fn a_disruption_that_keeps_the_capacity_is_warned_of() {
    let dir = scratch("keeps_capacity");
    let file = |name: &str, target: &str, scale: &str| {
        let text = format!(
            "[scenario]\nextends = \"{}\"\nname = \"{name}\"\nhorizon_days = 130\n\n\
             [[disruption]]\nid = \"x\"\ntarget = \"{target}\"\nscale = {scale}\nstart_day = 100\n\
             duration_days = {{ dist = \"constant\", value = 10 }}\n",
            scenario("baseline.toml").replace('\\', "/")
        );
        std::fs::write(dir.join(format!("{name}.toml")), text).unwrap();
        format!("{name}.toml")
    };
    let said = "disruption x leaves the capacity of its target as it is";
    // Alat has 2 rail-ferry berths: 0.9 keeps both, 0.7 takes one.
    for (target, scale, warned) in [
        ("port.alat", "1", true),
        ("inflow.kazakh_crude", "1.0", true),
        ("port.alat.rail_ferry", "0.9", true),
        ("port.alat.rail_ferry", "0.7", false),
        ("port.alat", "0.8", false),
    ] {
        let f = file("k", target, scale);
        let out = crate::common::ok_output(&["run", &f, "-n", "1", "-q"], &dir);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(err.contains(said), warned, "{target} {scale}: {err}");
    }
    let f = file("one", "port.alat.rail_ferry", "0.9");
    let one_off = ["compare", "--one-off", &f, "--variant", "b3:port.alat.berths.rail_ferry=3"];
    let e = crate::common::fails(&[&one_off[..], &["-n", "2", "-q"]].concat(), &dir, 2);
    assert!(e.contains("changes nothing") && e.contains("no event to value"), "{e}");
    assert!(!e.contains("warning:"), "a refusal comes first: {e}");
    // With 6 berths a policy loses one to it (round(5.4) = 5): an event.
    let six = ["compare", "--one-off", &f, "--variant", "b6:port.alat.berths.rail_ferry=6"];
    let out = ok(&[&six[..], &["-n", "2", "-q"]].concat(), &dir);
    assert!(out.contains("b6"), "{out}");
    // In the warm-up (day 10), with a sweep to 6 berths: as written it
    // changes nothing (no warm-up warning for it), but at the sweep's second
    // point it bites, so the sweep warns it falls in the warm-up.
    let text =
        std::fs::read_to_string(dir.join(&f)).unwrap().replace("start_day = 100", "start_day = 10")
            + "\n[[sweep]]\nkey = \"port.alat.berths.rail_ferry\"\nvalues = [2, 6]\n";
    std::fs::write(dir.join("warm.toml"), text).unwrap();
    let warm = "disruption x starts on day 10, inside the warm-up";
    let out = crate::common::ok_output(&["run", "warm.toml", "-n", "1", "-q"], &dir);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains(said) && !err.contains(warm), "{err}");
    let out = crate::common::ok_output(&["validate", "warm.toml"], &dir);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains(said) && err.contains(warm), "{err}");
    // A random one alone on its port keeps every berth too (its episodes
    // merge: one factor).
    let text = std::fs::read_to_string(dir.join(&f))
        .unwrap()
        .replace("start_day = 100", "rate_per_year = 4");
    std::fs::write(dir.join("random.toml"), text).unwrap();
    let out = crate::common::ok_output(&["run", "random.toml", "-n", "1", "-q"], &dir);
    assert!(String::from_utf8_lossy(&out.stderr).contains(said));
}

/// Paired recoveries asked of a scenario with no disruption are warned of
/// (ignored); of one with disruptions, not.
#[test]
fn paired_recovery_without_disruptions_is_warned_of() {
    let dir = scratch("paired_without");
    let said = "scenario.paired_recovery = true, but the scenario has no [[disruption]]";
    let set = ["--set", "scenario.paired_recovery=true", "-n", "1", "-q"];
    let out = crate::common::ok_output(&[&["run"][..], &set].concat(), &dir);
    assert!(String::from_utf8_lossy(&out.stderr).contains(said));
    let stress = scenario("stress/btc_outage_14d.toml");
    let out = crate::common::ok_output(&[&["run", &stress][..], &set].concat(), &dir);
    assert!(!String::from_utf8_lossy(&out.stderr).contains(said));
}

/// A convoy larger than the escorted fleets can ever fill is warned of:
/// each waits max_wait_h, a wait escort_wait_h does not count.
#[test]
fn convoys_that_never_fill_are_warned_of() {
    let dir = scratch("convoys_never_fill");
    let escorts = scenario("escort_convoys.toml");
    let run = ["run", &escorts, "-n", "1", "-q", "--kpi", "escort_wait_h"];
    let out = crate::common::ok_output(&run, &dir);
    assert!(!String::from_utf8_lossy(&out.stderr).contains("convoy_size is"));
    // Five in a convoy: only the 4 tankers call at Sangachal.
    let five = [&run[..], &["--set", "interdiction.escort.convoy_size=5"]].concat();
    let out = crate::common::ok_output(&five, &dir);
    let err = String::from_utf8_lossy(&out.stderr);
    let said = "convoy_size is 5, more than the escorted vessels that call at sangachal (4)";
    assert!(err.contains(said), "{err}");
    assert!(err.contains("each of its convoys sails only when its first vessel has waited"));
    assert!(err.contains("not counted in escort_wait_h"), "{err}");
    // Along an axis, named at the first design point where it is so.
    let sweep = ["sweep", &escorts, "-n", "1", "-q", "--kpi", "escort_wait_h", "--axis"];
    let axis = [
        "fleet.oil_tankers.count=5,4",
        "--set",
        "interdiction.escort.convoy_size=5",
        "--set",
        "interdiction.escort.fleets=[\"oil_tankers\"]",
    ];
    let out = crate::common::ok_output(&[&sweep[..], &axis[..]].concat(), &dir);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("at design point 1 first, interdiction.escort.convoy_size is 5"), "{err}");
}
