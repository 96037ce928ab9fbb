//! `caspian compare`: paired differences and rankings.

use crate::common::{fails, ok, read, scenario, scratch};

#[test]
fn compare_reports_paired_differences_and_a_ranking() {
    let dir = scratch("compare");
    let base = scenario("baseline.toml");
    let out = ok(&["compare", &base, &base, &base, "-n", "20", "-q", "--json", "c.json"], &dir);
    assert!(out.contains("ranking on delivered_total.oil"), "{out}");
    let doc: serde_json::Value = serde_json::from_slice(&read(&dir, "c.json")).unwrap();
    // A scenario compared with itself under common random numbers differs by
    // exactly zero in every replication.
    let d = &doc["differences"][0]["kpis"]["delivered_total.wagons"];
    assert_eq!(d["mean_diff"], 0.0);
    assert_eq!(d["ci95_low"], 0.0);
    assert_eq!(d["unit"], "wagons");
    assert_eq!(doc["summaries"][1]["delivered_total.wagons"]["unit"], "wagons");
    assert_eq!(doc["rankings"][0]["order"][2]["indistinguishable_from_best"], true);
}

#[test]
fn a_policy_whose_every_outcome_equals_the_bases_is_warned_of_after_the_run() {
    // Kuryk 8 m deep: no vessel there is limited by its draft (a full
    // ferry needs 5.0 m), so every replication is the base's, bit for bit,
    // though the model differs; a third Alat berth changes waits.
    let dir = scratch("compare-no-effect");
    let base = scenario("baseline.toml");
    let args = [
        "compare",
        &base,
        "--variant",
        "deep:port.kuryk.depth_m=8",
        "--variant",
        "berth:port.alat.berths.rail_ferry=3",
        "-n",
        "4",
        "-q",
        "--json",
        "c.json",
    ];
    let out = crate::common::ok_output(&args, &dir);
    let err = String::from_utf8_lossy(&out.stderr);
    let said = "every KPI but the costs equals the base's in every one of the 4 replications";
    assert!(err.contains(&format!("warning: deep: {said}")), "{err}");
    assert!(!err.contains("warning: berth: every KPI"), "{err}");
    let doc: serde_json::Value = serde_json::from_slice(&read(&dir, "c.json")).unwrap();
    let warnings = doc["warnings"].as_array().unwrap();
    assert!(warnings.iter().any(|w| w.as_str().unwrap().starts_with("deep: every KPI")), "{doc}");
}

#[test]
fn compare_values_policies_ranks_costs_smallest_first_and_draws_a_pareto_view() {
    let dir = scratch("compare_economics");
    let base = scenario("baseline.toml");
    let out = ok(
        &[
            "compare",
            &base,
            "--variant",
            "berth3:port.alat.berths.rail_ferry=3",
            "-n",
            "20",
            "-q",
            "--rank",
            "cost.total_per_year",
            "--rank",
            "P(service_level.wagons>=0.95)",
            "--pareto",
            "cost.total_per_year,P(service_level.wagons<0.95)",
            "--json",
            "e.json",
            "--report",
            "rep",
        ],
        &dir,
    );
    assert!(out.contains("economics against the base (USD;"), "{out}");
    assert!(out.contains("ranking on cost.total_per_year (smallest first)"), "{out}");
    // With two scenarios the primary rankings would repeat the differences:
    // only the --rank ones are shown (the JSON holds them all).
    assert!(!out.contains("ranking on delivered_total.wagons"), "{out}");
    assert!(out.contains("Pareto view: x = cost.total_per_year (smaller is better)"), "{out}");
    let doc: serde_json::Value = serde_json::from_slice(&read(&dir, "e.json")).unwrap();
    let e = &doc["economics"];
    assert_eq!(e["currency"], "USD");
    let p = &e["policies"][0];
    assert_eq!(p["scenario"], 1);
    let (npv, lo, hi) = (
        p["npv"]["mean"].as_f64().unwrap(),
        p["npv"]["ci95_low"].as_f64().unwrap(),
        p["npv"]["ci95_high"].as_f64().unwrap(),
    );
    assert!(lo <= npv && npv <= hi && lo < hi, "{p}");
    // The NPV is the annuity factor times the mean saving in total cost,
    // which is benefit minus cost per year.
    let a = e["annuity_factor"].as_f64().unwrap();
    let total = |i: usize| doc["summaries"][i]["cost.total_per_year"]["mean"].as_f64().unwrap();
    assert!((npv - a * (total(0) - total(1))).abs() <= 1e-6 * npv.abs().max(1.0), "{p}");
    let yearly = p["benefit_per_year"]["mean"].as_f64().unwrap()
        - p["cost_per_year"]["mean"].as_f64().unwrap();
    assert!((npv - a * yearly).abs() <= 1e-6 * npv.abs().max(1.0), "{p}");
    // A third berth costs more to build and run, so the ratio is defined.
    assert!(p["cost_per_year"]["mean"].as_f64().unwrap() > 0.0, "{p}");
    assert_eq!(p["bcr"]["status"], "defined", "{p}");
    let r = p["bcr"]["mean"].as_f64().unwrap();
    assert!(
        p["bcr"]["ci95_low"].as_f64().unwrap() <= r && r <= p["bcr"]["ci95_high"].as_f64().unwrap()
    );
    let cost_ranking = doc["rankings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["kpi"] == "cost.total_per_year")
        .unwrap();
    assert_eq!(cost_ranking["direction"], "minimize");
    let first = cost_ranking["order"][0]["scenario"].as_u64().unwrap() as usize;
    assert!(total(first) <= total(1 - first));
    let prob = doc["rankings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["kpi"] == "P(service_level.wagons>=0.95)");
    assert_eq!(prob.unwrap()["direction"], "maximize");
    let pareto = &doc["pareto"];
    assert_eq!(pareto["x"]["direction"], "minimize");
    assert_eq!(pareto["y"]["measure"], "P(service_level.wagons<0.95)");
    assert_eq!(pareto["y"]["direction"], "minimize");
    assert_eq!(pareto["points"].as_array().unwrap().len(), 2);
    assert!(pareto["points"].as_array().unwrap().iter().any(|p| p["on_front"] == true));
    let html = String::from_utf8(read(&dir, "rep/report.html")).unwrap();
    assert!(html.contains("Pareto view: the scenarios no other beats"), "Pareto chart");
    assert!(html.contains("Net present value and benefit-cost ratio against the base"));
    // The document reads back through the checked loader, and its report
    // from the file is the one written by the run.
    ok(&["report", "e.json", "--out", "again.html"], &dir);
    assert_eq!(read(&dir, "again.html"), read(&dir, "rep/report.html"));
}

#[test]
fn a_measure_without_a_direction_or_malformed_is_refused() {
    let dir = scratch("compare_direction");
    let base = scenario("baseline.toml");
    let args = |extra: &[&str]| {
        let mut a = vec!["compare", base.as_str(), base.as_str(), "-n", "2", "-q"];
        a.extend_from_slice(extra);
        a.iter().map(|s| s.to_string()).collect::<Vec<String>>()
    };
    let run = |extra: &[&str], code: i32| {
        let a = args(extra);
        let a: Vec<&str> = a.iter().map(String::as_str).collect();
        fails(&a, &dir, code)
    };
    let err = run(&["--rank", "berth_utilization.alat.rail_ferry"], 2);
    assert!(err.contains("--maximize berth_utilization.alat.rail_ferry"), "{err}");
    let err = run(&["--pareto", "cost.total_per_year"], 2);
    assert!(err.contains("--pareto") && err.contains("two measures"), "{err}");
    let err = run(&["--rank", "P(cost.total_per_year>=abc)"], 2);
    assert!(err.contains("--rank") && err.contains("not a number"), "{err}");
    let err = run(&["--rank", "cost.totl_per_year"], 2);
    assert!(err.contains("cost.total_per_year"), "closest names: {err}");
    // A pattern where one KPI is asked for, and one measure twice.
    let err = run(&["--rank", "cost.*"], 2);
    assert!(err.contains("--rank takes one KPI, not a pattern: cost.* matches 6 KPIs"), "{err}");
    let err = run(&["--pareto", "cost.total_per_year,cost.total_per_year"], 2);
    assert!(err.contains("both measures are cost.total_per_year"), "{err}");
    // With a direction given, the same KPI ranks.
    let a =
        args(&["--rank", "berth_utilization.alat.rail_ferry", "--maximize", "berth_utilization.*"]);
    let a: Vec<&str> = a.iter().map(String::as_str).collect();
    assert!(ok(&a, &dir).contains("ranking on berth_utilization.alat.rail_ferry (largest first)"));
}

#[test]
fn a_policy_that_costs_less_has_no_benefit_cost_ratio_and_says_why() {
    let dir = scratch("compare_cheaper");
    let base = scenario("baseline.toml");
    let variant = "one_berth:port.alat.berths.rail_ferry=1";
    let args = ["compare", &base, "--variant", variant, "-n", "5", "-q", "--json", "u.json"];
    let out = ok(&args, &dir);
    assert!(out.contains("one_berth: no benefit-cost ratio: the policy costs no more"), "{out}");
    let doc: serde_json::Value = serde_json::from_slice(&read(&dir, "u.json")).unwrap();
    let p = &doc["economics"]["policies"][0];
    assert!(p["cost_per_year"]["mean"].as_f64().unwrap() <= 0.0, "{p}");
    assert_eq!(p["bcr"]["status"], "undefined", "{p}");
    assert!(p["bcr"]["reason"].as_str().unwrap().contains("judge it by its NPV"));
}

/// A variant's name may not hold a control or invisible character, as a
/// scenario's `name` may not: it reaches tables, charts and the HTML report.
#[test]
fn variant_names_with_control_or_invisible_characters_are_refused() {
    let dir = scratch("compare_names");
    let base = scenario("baseline.toml");
    for name in ["a\u{1b}[31mred", "zero\u{200b}width", "tab\there"] {
        let variant = format!("{name}:port.alat.berths.rail_ferry=3");
        let err = fails(&["compare", &base, "--variant", &variant, "-n", "2", "-q"], &dir, 2);
        assert!(err.contains("may not hold control or invisible format characters"), "{err}");
        assert!(!err.contains('\u{1b}'), "the escape reached the terminal raw: {err}");
    }
}

/// A policy that changes nothing (a variant setting the base's own value,
/// the base file given again, or a change the model does not run) runs,
/// with a warning that every difference will be zero; one that changes
/// something gets none.
#[test]
fn a_policy_identical_to_the_base_is_warned_of() {
    let dir = scratch("compare_unchanged");
    let base = scenario("baseline.toml");
    let same = "same:port.alat.berths.rail_ferry=2"; // the baseline has 2
    let more = "more:port.alat.berths.rail_ferry=3";
    let args = ["compare", &base, &base, "--variant", same, "--variant", more, "-n", "2", "-q"];
    let out = crate::common::ok_output(&args, &dir);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("warning: same ("), "{err}");
    assert!(err.contains("warning: baseline ("), "{err}");
    assert!(err.contains("is the base scenario unchanged"), "{err}");
    assert!(!err.contains("warning: more"), "{err}");
    // Two files with one scenario name get names of their own in every
    // table, and the name is not followed by the file again.
    assert!(
        err.contains("warning: baseline (baseline.toml) is the base scenario unchanged"),
        "{err}"
    );
    // A name made distinct by its file is not followed by the file again.
    std::fs::copy(&base, dir.join("b.toml")).unwrap();
    let copy = crate::common::ok_output(&["compare", "b.toml", "b.toml", "-n", "2", "-q"], &dir);
    let said = String::from_utf8_lossy(&copy.stderr);
    assert!(said.contains("warning: baseline (b.toml) is the base scenario unchanged"), "{said}");
    let out = String::from_utf8_lossy(&out.stdout);
    assert!(out.contains("\"baseline (baseline.toml)\" ("), "{out}");
    // A change the model does not run (the force with escorts off, the
    // baseline's) is as good as none.
    let idle = "idle:interdiction.escort.escort_vessels=9";
    let args = ["compare", &base, "--variant", idle, "--variant", more, "-n", "2", "-q"];
    let out = ["--json", "c.json", "--report", "rep"];
    let err = crate::common::ok_output(&[&args[..], &out[..]].concat(), &dir).stderr;
    let err = String::from_utf8_lossy(&err).into_owned();
    assert!(err.contains("warning: idle (") && err.contains("same model as the base"), "{err}");
    assert!(!err.contains("warning: more"), "{err}");
    // The document keeps it, and the report shows it.
    let doc: serde_json::Value = serde_json::from_slice(&read(&dir, "c.json")).unwrap();
    let kept = doc["warnings"].as_array().expect("warnings kept").clone();
    assert!(
        kept.iter().any(|w| {
            let w = w.as_str().unwrap();
            w.starts_with("idle (") && w.contains("compiles to the same model as the base")
        }),
        "{kept:?}"
    );
    let html = String::from_utf8(read(&dir, "rep/report.html")).unwrap();
    assert!(html.contains("compiles to the same model as the base"), "the report shows it");
}

/// Scenarios that report over different windows are not compared: a
/// two-year total minus a one-year total would show as a significant
/// effect. A policy file's own seed is not used, and the comparison says
/// so; with its seed and name aside it is the base unchanged, and the
/// comparison says that too.
#[test]
fn policies_over_another_window_are_refused_and_their_own_seeds_noted() {
    let dir = scratch("compare_window");
    let base = scenario("baseline.toml");
    std::fs::write(
        dir.join("long.toml"),
        "[scenario]\nextends = \"baseline\"\nname = \"long\"\nhorizon_days = 760\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("warm.toml"),
        "[scenario]\nextends = \"baseline\"\nname = \"warm\"\nwarmup_days = 60\n",
    )
    .unwrap();
    for file in ["long.toml", "warm.toml"] {
        let err = fails(&["compare", &base, file, "-n", "2", "-q"], &dir, 2);
        assert!(err.contains("reports over another window than the base"), "{err}");
        assert!(err.contains("scenario.horizon_days and scenario.warmup_days"), "{err}");
    }
    let err =
        fails(&["compare", &base, "--variant", "w:scenario.warmup_days=10", "-n", "2"], &dir, 2);
    assert!(err.contains("warm-up 10 days against 395 and 30"), "{err}");
    // The same window set for all of them with --set is fine.
    let args =
        ["compare", &base, "long.toml", "--set", "scenario.horizon_days=500", "-n", "2", "-q"];
    crate::common::ok_output(&args, &dir);

    std::fs::write(
        dir.join("seeded.toml"),
        "[scenario]\nextends = \"baseline\"\nname = \"seeded\"\nseed = 5\n",
    )
    .unwrap();
    let out = crate::common::ok_output(&["compare", &base, "seeded.toml", "-n", "2", "-q"], &dir);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("sets seed 5, which a comparison does not use"), "{err}");
    assert!(err.contains("is the base scenario unchanged"), "{err}");
    // Run on its own seed, it warns of nothing about seeds.
    let args = ["compare", &base, "seeded.toml", "--seed", "5", "-n", "2", "-q"];
    let out = crate::common::ok_output(&args, &dir);
    assert!(!String::from_utf8_lossy(&out.stderr).contains("sets seed"));
}

/// A variant's source says what each change changes from (so a count meant
/// as "two more" shows as what it sets): the base's value, a key the base
/// leaves out as not set, a table value written whole.
#[test]
fn a_variant_names_the_values_it_changes_from() {
    let dir = scratch("compare_was");
    let base = scenario("baseline.toml");
    let v = "fewer:fleet.ferries_kuryk_alat.count=2,fleet.oil_tankers.pre_advice_h=3,\
             fleet.oil_tankers.port_call_overhead_h={ dist = \"constant\", value = 4 }";
    let args = [
        "compare",
        &base,
        "--set",
        "scenario.horizon_days=200",
        "--variant",
        v,
        "--variant",
        "storms:weather.storm_rate_multiplier=2",
        "-n",
        "2",
        "-q",
        "--json",
        "w.json",
    ];
    let out = ok(&args, &dir);
    // The --set applied to every scenario is named too, as in run's header.
    assert!(out.contains("with --set scenario.horizon_days=200)\n"), "{out}");
    let want = "with --set scenario.horizon_days=200, and fleet.ferries_kuryk_alat.count=2 (was 3), fleet.oil_tankers.pre_advice_h=3 \
                (was not set), fleet.oil_tankers.port_call_overhead_h={ dist = \"constant\", \
                value = 4 } (was { dist = \"triangular\"";
    assert!(out.contains(want), "{out}");
    let doc: serde_json::Value = serde_json::from_slice(&read(&dir, "w.json")).unwrap();
    let source = doc["scenarios"][1]["source"].as_str().unwrap_or_default();
    assert!(source.contains("count=2 (was 3)"), "{source}");
    // The weather keys scale storms; there is no value in the file to show.
    assert!(out.contains(", and weather.storm_rate_multiplier=2)"), "{out}");
}

/// `+1` reads like "one more", but a value sets: refused in `--set`,
/// `--variant` and `--axis` alike, as are numbers not written in decimal.
#[test]
fn values_that_look_like_increments_are_refused() {
    let dir = scratch("compare_plus");
    let base = scenario("baseline.toml");
    let err = fails(
        &["compare", &base, "--variant", "p1:fleet.ferries_kuryk_alat.count=+1", "-n", "2", "-q"],
        &dir,
        2,
    );
    assert!(err.contains("+1 would set the value 1, not add 1 to it"), "{err}");
    let err = fails(&["run", "-n", "2", "-q", "--set", "port.alat.berths.rail_ferry=+1"], &dir, 2);
    assert!(
        err.contains("--set port.alat.berths.rail_ferry=+1: +1 would set the value 1"),
        "{err}"
    );
    let err = fails(&["run", "-n", "2", "-q", "--set", "port.alat.berths.rail_ferry=0x3"], &dir, 2);
    assert!(err.contains("0x3 is a hexadecimal number"), "{err}");
    let axis = "port.alat.berths.rail_ferry=2,+1";
    let err = fails(&["sweep", &base, "--axis", axis, "-n", "2", "-q"], &dir, 2);
    assert!(err.contains("\"+1\" would be the value 1, not an increment"), "{err}");
}

/// A stress test's dated disruption is one event, but the model's year is
/// every year: the economics warn that the NPV counts it as yearly. A
/// "policy" that adds it changes the conditions, and is warned of as such
/// too (its NPV is not a policy's at all); one such event costs a year's
/// difference.
#[test]
fn economics_warn_that_a_dated_disruption_recurs_in_the_npv() {
    let dir = scratch("compare_one_off");
    let base = scenario("baseline.toml");
    let stress = scenario("stress/alat_closed_30d.toml");
    let warnings = |doc: &serde_json::Value| -> Vec<String> {
        let all = doc["economics"]["warnings"].as_array().cloned().unwrap_or_default();
        all.iter().map(|w| w.as_str().unwrap().to_string()).collect()
    };
    let berth = "berth3:port.alat.berths.rail_ferry=3";
    let args = ["compare", &stress, "--variant", berth, "-n", "2", "-q", "--json", "c.json"];
    let out = ok(&args, &dir);
    let doc: serde_json::Value = serde_json::from_slice(&read(&dir, "c.json")).unwrap();
    let all = warnings(&doc);
    // The variant shares the base's event: one warning names both.
    let holders = "\"alat_closed_30d\" and \"berth3\" each have a dated";
    assert_eq!(all.len(), 1, "{all:?}");
    assert!(all[0].starts_with(&format!("{holders} disruption (alat_closed")), "{all:?}");
    assert!(all[0].contains("counts it as striking every year"), "{all:?}");
    assert_eq!(out.matches("a dated disruption (alat_closed").count(), 1, "{out}");
    // The stress test as a policy against the baseline.
    let args = ["compare", &base, &stress, "-n", "2", "-q", "--json", "p.json"];
    ok(&args, &dir);
    let doc: serde_json::Value = serde_json::from_slice(&read(&dir, "p.json")).unwrap();
    let all = warnings(&doc);
    assert_eq!(all.len(), 2, "{all:?}");
    assert!(all[0].starts_with("\"alat_closed_30d\" has a dated disruption"), "{all:?}");
    assert!(
        all[0].ends_with(
            "one such event costs about one year's difference (the benefit/yr \
                              column, negative for a loss), not the NPV"
        ),
        "{all:?}"
    );
    assert!(all[1].starts_with("\"alat_closed_30d\" changes the conditions"), "{all:?}");
    // Random episodes (a rate) are part of the typical year: no dated
    // warning; as a policy against the baseline they are other conditions.
    let random = scenario("stress/random_outages.toml");
    ok(&["compare", &base, &random, "-n", "2", "-q", "--json", "r.json"], &dir);
    let doc: serde_json::Value = serde_json::from_slice(&read(&dir, "r.json")).unwrap();
    assert!(doc["economics"]["annuity_factor"].is_number(), "{}", doc["economics"]);
    let all = warnings(&doc);
    assert_eq!(all.len(), 1, "{all:?}");
    assert!(all[0].contains("changes the conditions, not only decisions"), "{all:?}");
}

/// A "policy" that changes the conditions (the weather, the demand, the
/// risk, a disruption the base lacks) measures them, not a decision: a
/// warning, and no benefit-cost ratio, whatever its costs; a lever on the
/// same base keeps its ratio.
#[test]
fn a_policy_of_other_conditions_gets_no_benefit_cost_ratio() {
    let dir = scratch("compare_conditions");
    let base = scenario("baseline.toml");
    let files = ["severe_winter.toml", "demand_2030.toml", "high_interdiction.toml"];
    let mut args: Vec<String> = vec!["compare".into(), base];
    args.extend(files.iter().map(|f| scenario(f)));
    args.extend(
        ["--variant", "berth3:port.alat.berths.rail_ferry=3", "-n", "3", "-q"].map(String::from),
    );
    args.extend(["--json", "c.json"].map(String::from));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = ok(&args, &dir);
    let doc: serde_json::Value = serde_json::from_slice(&read(&dir, "c.json")).unwrap();
    let policies = doc["economics"]["policies"].as_array().unwrap();
    let what = ["the weather of middle_caspian", "the demand (inflow ", "the interdiction risk"];
    for (p, changed) in policies.iter().zip(what) {
        let bcr = &p["bcr"];
        assert_eq!(bcr["status"], "undefined", "{p}");
        let reason = bcr["reason"].as_str().unwrap();
        assert!(reason.starts_with("it changes the conditions, not only decisions: "), "{reason}");
        assert!(reason.contains(changed), "{reason}");
    }
    assert_eq!(policies[3]["bcr"]["status"], "defined", "{}", policies[3]);
    for name in ["severe_winter", "demand_2030", "high_interdiction"] {
        let line = format!("warning: \"{name}\" changes the conditions, not only decisions");
        assert!(out.contains(&line), "{out}");
    }
    assert!(!out.contains("\"berth3\" changes the conditions"), "{out}");
}

/// Every outage twice as often is a harsher world, not a decision whose
/// price is missing; half as often is hardening, which no price covers.
#[test]
fn harsher_disruptions_are_conditions_and_eased_ones_unpriced_decisions() {
    let dir = scratch("compare_harsher");
    let base = scenario("stress/random_outages.toml");
    let args = ["compare", &base, "-n", "3", "-q", "--json", "c.json"];
    let worse = ["--variant", "worse:disruptions.rate_multiplier=2"];
    let hard = ["--variant", "hard:disruptions.rate_multiplier=0.5"];
    let out = ok(&[&args[..], &worse, &hard].concat(), &dir);
    let doc: serde_json::Value = serde_json::from_slice(&read(&dir, "c.json")).unwrap();
    let policies = doc["economics"]["policies"].as_array().unwrap();
    let reason = |i: usize| policies[i]["bcr"]["reason"].as_str().unwrap().to_string();
    assert!(
        reason(0).starts_with(
            "it changes the conditions, not only decisions: disruptions of the base: alat_outage \
             made harsher (rate_per_year), "
        ),
        "{}",
        reason(0)
    );
    assert!(reason(1).starts_with("it changes alat_outage's rate_per_year, "), "{}", reason(1));
    assert!(reason(1).contains("which no price in the scenario covers"), "{}", reason(1));
    assert!(out.contains("warning: \"worse\" changes the conditions"), "{out}");
    assert!(!out.contains("\"worse\" changes alat_outage"), "not also unpriced: {out}");
    assert!(out.contains("warning: \"hard\" changes alat_outage's rate_per_year"), "{out}");
}

/// `recovery_days.*` exists only in a scenario with disruptions: asked of a
/// comparison with the baseline as base, the error says where to see them,
/// not which unrelated KPIs are closest.
#[test]
fn a_kpi_only_a_policy_has_is_explained() {
    let dir = scratch("compare_policy_kpi");
    let base = scenario("baseline.toml");
    let stress = scenario("stress/alat_closed_30d.toml");
    let err =
        fails(&["compare", &base, &stress, "-n", "2", "-q", "--kpi", "recovery_days.*"], &dir, 2);
    assert!(err.contains("--kpi recovery_days.* matches only KPIs that the base lacks"), "{err}");
    assert!(err.contains("recovery_days.alat_closed"), "{err}");
    assert!(err.contains("caspian run ") && err.contains("alat_closed_30d.toml --kpi"), "{err}");
    assert!(!err.contains("closest"), "{err}");
    // With --set, the command it names runs as written (no " with ").
    let args = [
        "compare",
        &base,
        &stress,
        "-n",
        "2",
        "-q",
        "--set",
        "scenario.paired_recovery=true",
        "--kpi",
        "recovery_paired_days.*",
    ];
    let err = fails(&args, &dir, 2);
    let command = format!("`caspian run {stress} --set scenario.paired_recovery=true --kpi");
    assert!(err.contains(&command), "{err}");
}

/// Bigger yards under a port closure keep wagons the base diverts, and
/// those wagons wait: lost cargo falls, delay rises more, and the benefit
/// (failure cost avoided) is negative. The economics table's ratio below 0
/// gets a note with the two parts and what they mean, in the table and the
/// document's figures alike; a policy with no such benefit gets none.
#[test]
fn a_negative_benefit_is_explained_by_its_parts() {
    let dir = scratch("compare_negative_benefit");
    let stress = scenario("stress/alat_closed_30d.toml");
    let yards =
        "yards_x2:storage.kuryk_yard_west.capacity=1600,storage.aktau_yard_west.capacity=1400";
    let args = ["compare", &stress, "--variant", yards, "-n", "30", "-q", "--json", "y.json"];
    let out = ok(&args, &dir);
    let doc: serde_json::Value = serde_json::from_slice(&read(&dir, "y.json")).unwrap();
    let benefit = &doc["economics"]["policies"][0]["benefit_per_year"];
    assert!(benefit["ci95_high"].as_f64().unwrap() < 0.0, "not significantly negative: {benefit}");
    let diff = |kpi: &str| doc["differences"][0]["kpis"][kpi]["mean_diff"].as_f64().unwrap();
    let (delay, lost) = (diff("cost.delay_per_year"), diff("cost.lost_cargo_per_year"));
    assert!(delay > 0.0 && lost < 0.0, "delay {delay}, lost cargo {lost}");
    let note = out
        .lines()
        .find(|l| l.starts_with("yards_x2: a negative benefit: the failure cost is "))
        .unwrap_or_else(|| panic!("no note:\n{out}"));
    let higher = -benefit["mean"].as_f64().unwrap();
    assert!((delay + lost - higher).abs() <= 1e-6 * higher, "parts {delay} + {lost} != {higher}");
    assert!(note.contains("USD/yr higher than the base's (delay +"), "{note}");
    assert!(note.contains("lost cargo -"), "{note}");
    assert!(note.contains("so the benefit-cost ratio is below 0;"), "{note}");
    assert!(note.contains("the policy diverts or shuts in less cargo than the base"), "{note}");
    assert!(note.contains("docs/compare.md, \"A negative benefit\""), "{note}");
    // A third berth at Alat avoids failure cost: no such note.
    let berth = "berth3:port.alat.berths.rail_ferry=3";
    let out = ok(&["compare", &stress, "--variant", berth, "-n", "5", "-q"], &dir);
    assert!(!out.contains("a negative benefit"), "{out}");
    // Higher interdiction risk costs failures and saves running costs (lost
    // vessels sail no more): no ratio, and the note does not claim one, nor
    // cargo kept.
    let (base, risk) = (scenario("baseline.toml"), scenario("high_interdiction.toml"));
    let out = ok(&["compare", &base, &risk, "-n", "10", "-q"], &dir);
    assert!(out.contains("high_interdiction: no benefit-cost ratio"), "{out}");
    let note = out
        .lines()
        .find(|l| l.starts_with("high_interdiction: a negative benefit"))
        .unwrap_or_else(|| panic!("no note:\n{out}"));
    assert!(note.ends_with("while the ratio is undefined (see above)"), "{note}");
}

/// A policy file that extends another scenario than the base carries that
/// scenario's demand and weather: a berth policy written for today's
/// demand, compared with the 2030 base or a severe winter, would show the
/// fall in demand or the calmer sea as its effect. The comparison says so,
/// naming what differs; a file derived from the base (whatever it changes,
/// on purpose) or a --variant of the base gets no such warning.
#[test]
fn a_policy_file_not_derived_from_the_base_is_warned_of() {
    let dir = scratch("compare_demand");
    let (d2030, berth) = (scenario("demand_2030.toml"), scenario("alat_extra_berth.toml"));
    let (base, winter) = (scenario("baseline.toml"), scenario("severe_winter.toml"));
    let short = "scenario.horizon_days=60";
    let warnings = |args: &[&str]| {
        let mut all = args.to_vec();
        all.extend(["-n", "2", "-q", "--set", short]);
        String::from_utf8(crate::common::ok_output(&all, &dir).stderr).unwrap()
    };
    let err = warnings(&["compare", &d2030, &berth]);
    assert!(err.contains("does not extend the base"), "{err}");
    assert!(err.contains("baseline.toml, and differs from it in ports, inflows (demand)"), "{err}");
    assert!(err.contains("inflow kazakh_crude: its arrival size differs from the base's"), "{err}");
    assert!(err.contains("312 arrivals a year, the base 760"), "{err}");
    let err = warnings(&["compare", &winter, &berth]);
    assert!(err.contains("differs from it in sea areas (weather), ports:"), "{err}");
    // Derived from the base: a lever, or a change of demand on purpose.
    for policy in [&berth, &d2030] {
        let err = warnings(&["compare", &base, policy]);
        assert!(!err.contains("does not extend"), "{err}");
    }
    let err = warnings(&["compare", &d2030, "--variant", "berth3:port.alat.berths.rail_ferry=3"]);
    assert!(!err.contains("does not extend"), "{err}");

    // Two files of one text in two folders, extending different parents:
    // the policy derived from the second is not derived from the first.
    let write = |path: &str, text: String| {
        let path = dir.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    };
    let same = "[scenario]\nextends = \"parent.toml\"\nname = \"base\"\n".to_string();
    write("a/base.toml", same.clone());
    write("b/base.toml", same);
    write("a/parent.toml", format!("[scenario]\nextends = {d2030:?}\nname = \"p\"\n"));
    write("b/parent.toml", format!("[scenario]\nextends = {base:?}\nname = \"p\"\n"));
    let lever = "[[port]]\nid = \"alat\"\nberths.rail_ferry = 3\n";
    let pol = format!("[scenario]\nextends = \"base.toml\"\nname = \"pol\"\n{lever}");
    write("b/pol.toml", pol.clone());
    write("a/pol.toml", pol);
    let err = warnings(&["compare", "a/base.toml", "b/pol.toml"]);
    assert!(err.contains("does not extend the base"), "{err}");
    let err = warnings(&["compare", "a/base.toml", "a/pol.toml"]);
    assert!(!err.contains("does not extend"), "{err}");
    // A copy of the base with one lever changed is as a lever.
    write("copy.toml", format!("[scenario]\nextends = {base:?}\nname = \"copy\"\n{lever}"));
    let err = warnings(&["compare", "b/parent.toml", "copy.toml"]);
    assert!(!err.contains("does not extend"), "one part only: {err}");
}

/// A benefit that is mostly demurrage saved is said to be so, with the
/// benefit, net present value and ratio without it; at the 2030 demand a
/// third Alat berth saves queue hours that its ferries then spend waiting
/// for wagons. A seventh Kuryk ferry adds demurrage, the same argument the
/// other way (docs/compare.md, "Demurrage").
#[test]
fn a_benefit_that_is_mostly_demurrage_is_noted() {
    let dir = scratch("compare_demurrage");
    let d2030 = scenario("demand_2030.toml");
    let berth = "berth3:port.alat.berths.rail_ferry=3";
    let ferry = "ferry7:fleet.ferries_kuryk_alat.count=7";
    let args =
        ["compare", &d2030, "--variant", berth, "--variant", ferry, "-n", "20", "-q", "--json"];
    let mut args = args.to_vec();
    args.push("c.json");
    let out = ok(&args, &dir);
    let note = |start: &str| {
        out.lines()
            .find(|l| l.starts_with(start) && l.contains("of demurrage at anchorages"))
            .unwrap_or_else(|| panic!("a demurrage note for {start}: {out}"))
    };
    let line = note("berth3: ");
    assert!(line.contains("berth3: it saves "), "{line}");
    assert!(line.contains("without demurrage the benefit is"), "{line}");
    assert!(line.contains("the benefit-cost ratio"), "{line}");
    assert!(line.contains("wait longer for cargo (cargo_wait_h.ferries_"), "{line}");
    assert!(note("ferry7: ").contains("ferry7: it adds"), "{out}");
    // The note's figures are the document's: the demurrage saved is the
    // paired difference of cost.demurrage_per_year, and the NPV without it
    // the NPV less the annuity of that saving.
    let doc: serde_json::Value = serde_json::from_slice(&read(&dir, "c.json")).unwrap();
    let saved =
        -doc["differences"][0]["kpis"]["cost.demurrage_per_year"]["mean_diff"].as_f64().unwrap();
    let e = &doc["economics"];
    let benefit = e["policies"][0]["benefit_per_year"]["mean"].as_f64().unwrap();
    assert!(saved > 0.5 * benefit && benefit > 0.0, "{saved} of {benefit}");
    let npv = e["policies"][0]["npv"]["mean"].as_f64().unwrap();
    let without = npv - e["annuity_factor"].as_f64().unwrap() * saved;
    let sign = if without < 0.0 { "-" } else { "" };
    let amount = crate::common::thousands(without.abs().round() as u64);
    let shown = format!("the net present value {sign}{amount}");
    assert!(line.contains(&shown), "{shown} in {line}");
}

/// Scenarios with the same mean share a place in a ranking: the order
/// among them is only the order given. A third Alat berth and a doubled
/// Aktau tank farm deliver the baseline's oil to the tonne.
#[test]
fn equal_means_share_a_place_in_a_ranking() {
    let dir = scratch("compare_ties");
    let base = scenario("baseline.toml");
    let args = [
        "compare",
        &base,
        "--variant",
        "a:port.alat.berths.rail_ferry=3",
        "--variant",
        "b:storage.aktau_tank_farm.capacity=240000",
        "-n",
        "3",
        "-q",
    ];
    let out = ok(&args, &dir);
    let table: Vec<&str> = out
        .lines()
        .skip_while(|l| !l.starts_with("ranking on delivered_total.oil"))
        .skip(3)
        .take(3)
        .collect();
    let places: Vec<&str> = table.iter().map(|l| l.split_whitespace().next().unwrap()).collect();
    assert_eq!(places, ["1", "1", "1"], "{table:?}");
    // The primary rankings follow --kpi: asked for costs alone, none is
    // shown, unless --primary names one.
    let costs = [&args[..], &["--kpi", "cost.total_per_year"]].concat();
    assert!(!ok(&costs, &dir).contains("ranking on"));
    let named = [&costs[..], &["--primary", "delivered_total.oil"]].concat();
    assert!(ok(&named, &dir).contains("ranking on delivered_total.oil"));
}

/// `--target` is `run`'s: a comparison refuses it before any work and
/// points to `--rank 'P(...)'`, its comparison, not to `--pareto`.
#[test]
fn a_target_in_a_comparison_points_to_a_ranking_on_its_probability() {
    let dir = scratch("compare_target");
    let base = scenario("baseline.toml");
    let args = ["compare", &base, "--variant", "b3:port.alat.berths.rail_ferry=3"];
    let err = fails(&[&args[..], &["--target", "delivered_total.oil<1600000"]].concat(), &dir, 2);
    assert!(err.contains("--rank 'P(delivered_total.oil<1600000)'"), "{err}");
    assert!(!err.contains("--pareto"), "{err}");
}

/// `--set` changes every scenario of a comparison: where one of them lacks
/// what it names, the message says which, and how to change only some.
#[test]
fn a_set_that_one_scenario_lacks_names_that_scenario() {
    let dir = scratch("compare_set_lacking");
    let (base, policy) = (scenario("baseline.toml"), scenario("stress/alat_closed_30d.toml"));
    let set = ["--set", "disruption.alat_closed.start_day=60", "-n", "2", "-q"];
    let err = fails(&[&["compare", &base, &policy][..], &set].concat(), &dir, 2);
    assert!(
        err.contains("baseline.toml: --set disruption.alat_closed.start_day=60: unknown"),
        "{err}"
    );
    assert!(err.contains("--set changes every scenario of the comparison"), "{err}");
    // A --set that fits none of them (a misspelt id) is the override's
    // own error: no advice to change only some.
    let typo = ["--set", "fleet.oil_tankrs.count=3", "-n", "2", "-q"];
    let err = fails(&[&["compare", &base, &policy][..], &typo].concat(), &dir, 2);
    assert!(
        err.contains("did you mean \"oil_tankers\"") && !err.contains("every scenario"),
        "{err}"
    );
    // A run of the one scenario names only the override, as before.
    let err = fails(&[&["run", &base][..], &set].concat(), &dir, 2);
    assert!(!err.contains("every scenario of the comparison"), "{err}");
}
