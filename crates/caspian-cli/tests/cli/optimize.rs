//! `caspian optimize`: the command end to end (the procedure's statistics
//! are tested in `tests/it/optimize.rs`).

use crate::common::{fails, ok, read, scenario, scratch};

/// The M/M/c check scenario shortened to about 60 days after its warm-up.
const SHORT: &str = "scenario.horizon_days=160";

#[test]
fn optimize_selects_writes_json_and_html_and_report_rebuilds_the_page() {
    let dir = scratch("optimize_cli");
    let mmc = scenario("mmc_check.toml");
    let args = [
        "optimize",
        &mmc,
        "--set",
        SHORT,
        "--decision",
        "port.mmc.berths.tanker=3..6",
        "--constraint",
        "P(anchorage_wait_h.mmc.tanker<=2)>=0.6",
        "--delta",
        "1e6",
        "--max-replications",
        "80",
        "-t",
        "2",
        "-o",
        "o.json",
        "--report",
        "o.html",
    ];
    let out = ok(&args, &dir);
    assert!(out.contains("selected: portfolio"), "{out}");
    assert!(out.contains("replications: screening"), "{out}");
    assert!(
        out.contains("is selected by a procedure that, with probability at least 95%"),
        "{out}"
    );
    // What the probability is of: the model's, and approximately.
    assert!(out.contains("The probability is the model's, and approximate"), "{out}");
    let doc: serde_json::Value = serde_json::from_slice(&read(&dir, "o.json")).unwrap();
    assert_eq!(doc["kind"], "optimize");
    assert_eq!(doc["portfolios"].as_array().unwrap().len(), 4);
    let statuses: Vec<&str> = doc["portfolios"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses.iter().filter(|s| **s == "selected").count(), 1, "{statuses:?}");
    // Each portfolio's outlay beyond the scenario as given (3 berths, at
    // the file's berth price), and the selected one's on its line.
    let outlay = |p: usize| doc["portfolios"][p]["outlay"].as_f64().unwrap();
    let berth = outlay(1) - outlay(0);
    assert!(berth > 0.0 && outlay(0) == 0.0, "{}", doc["portfolios"]);
    assert_eq!(outlay(3), 3.0 * berth);
    let line = out.lines().find(|l| l.starts_with("selected: portfolio")).unwrap();
    assert!(line.ends_with(" beyond the scenario as given"), "{line}");
    // 4 berths meet the constraint in about 59% of these short years, too
    // close to 0.6 to decide in 80: undecided, it narrows the guarantee's
    // scope, and both the document and the terminal say so.
    assert_eq!(statuses[1], "undecided", "{statuses:?}");
    let scope = doc["guarantee"]["guarantee_scope"].as_str().unwrap();
    assert!(scope.contains("1 undecided at the cap are not covered"), "{scope}");
    assert!(out.contains("undecided at --max-replications"), "{out}");
    // Its bounds are at the test's level, alpha/2 over 4 portfolios, 1
    // constraint and 3 looks (20, 40, 80), and the header says which.
    assert!(out.contains("one-sided bounds at level beta = 0.002083]"), "{out}");
    // The next best feasible portfolio, and where its cost differs,
    // paired: the parts add up to the total.
    let r = &doc["runner_up"];
    let next = r["index"].as_u64().unwrap() as usize;
    assert_ne!(statuses[next], "selected");
    assert!(["feasible", "shortlisted", "eliminated"].contains(&statuses[next]), "{statuses:?}");
    let d = |k: &str| r["differences"][k]["mean_diff"].as_f64().unwrap();
    let parts = d("cost.capital_per_year")
        + d("cost.operating_per_year")
        + d("cost.delay_per_year")
        + d("cost.lost_cargo_per_year");
    assert!((parts - d("cost.total_per_year")).abs() < 1e-6 * parts.abs().max(1.0), "{r}");
    assert!(out.contains(&format!("next best feasible portfolio: {next} (")), "{out}");
    let total = doc["replications"]["total"].as_u64().unwrap();
    assert!(total >= 4 * 20, "{total}");
    // The evidence for the selection's feasibility is its test's, over the
    // replications the test used, not the selection's few: both are named.
    let sel = doc["selected"]["index"].as_u64().unwrap() as usize;
    let test = &doc["portfolios"][sel]["constraints"][0];
    let tested = "feasible by the test of P(anchorage_wait_h.mmc.tanker<=2)>=0.6: estimate ";
    let over = format!(
        "over the {} replications of its feasibility test (screening), the evidence feasibility \
         rests on; the KPI table summarises its {} selection (KN) replications instead",
        test["n"], doc["selected"]["n"]
    );
    assert!(out.contains(tested) && out.contains(&over), "{out}");
    let html = String::from_utf8(read(&dir, "o.html")).unwrap();
    assert!(html.contains(&over), "the page says it too");
    // No contender: the page says so instead of drawing an empty table
    // (here 2 portfolios are feasible, so 1 other).
    let none = "None: the other feasible portfolio differs from it significantly";
    assert_eq!(html.contains(none), doc["contenders"].as_array().unwrap().is_empty(), "{html}");
    // `caspian report` reads the document and draws the same page.
    ok(&["report", "o.json", "--out", "r.html"], &dir);
    assert_eq!(read(&dir, "r.html"), read(&dir, "o.html"));
    let page = String::from_utf8(read(&dir, "r.html")).unwrap();
    assert!(page.contains("Next best feasible portfolio"), "the runner-up's section");
    assert!(page.contains(&format!("Next best feasible portfolio: {next} (")), "its intro");
    let e = fails(&["report", "o.json", "--out", "k.html", "--kpi", "cost.*"], &dir, 2);
    assert!(e.contains("--kpi applies to run, sweep and compare results"), "{e}");
    // A damaged or hand-edited document is refused, naming the field, never
    // drawn (an index out of range used to panic) and never read as a run.
    type Edit = fn(&mut serde_json::Value);
    let edits: [(&str, Edit, &str); 9] = [
        ("index", |d| d["pareto"]["points"][0]["index"] = 42.into(), "pareto.points[0].index: 42"),
        ("none", |d| d["portfolios"] = serde_json::json!([]), "portfolios: empty"),
        ("selected", |d| d["selected"]["index"] = 1.into(), "selected.decisions: not those"),
        ("status", |d| d["portfolios"][0]["status"] = "bogus".into(), "portfolios[0].status"),
        (
            "sd",
            |d| d["portfolios"][0]["objective"]["sd"] = (-1).into(),
            "standard deviation -1 is negative",
        ),
        ("total", |d| d["replications"]["total"] = 1.into(), "replications.total: 1 is not"),
        (
            "constraint",
            |d| d["problem"]["constraints"][0] = "blah".into(),
            "problem.constraints[0]: \"blah\" is not",
        ),
        ("objective", |d| d["problem"]["objective"] = "a<b".into(), "problem.objective"),
        (
            "tests",
            |d| d["problem"]["constraints"] = serde_json::json!([]),
            "portfolios[0].constraints: 1 tests, but the problem has 0 constraints",
        ),
    ];
    for (name, edit, expected) in edits {
        let mut bad = doc.clone();
        edit(&mut bad);
        let file = format!("{name}.json");
        std::fs::write(dir.join(&file), bad.to_string()).unwrap();
        let e = fails(&["report", &file, "--out", "b.html"], &dir, 2);
        assert!(e.contains(expected), "{name}: {e}");
        assert!(!dir.join("b.html").exists(), "{name}");
    }
    let e = fails(&["plot", "o.json", "--out", "p.svg"], &dir, 2);
    assert!(e.contains("an optimize result, which only `caspian report FILE"), "{e}");
}

#[test]
fn optimize_refuses_bad_settings_with_exit_2() {
    let dir = scratch("optimize_cli_bad");
    let mmc = scenario("mmc_check.toml");
    let base = ["optimize", &mmc, "--set", SHORT, "--delta", "1e6"];
    let cases: [(&[&str], &str); 6] = [
        (&["--decision", "port.mmc.berths.tanker=5..3"], "port.mmc.berths.tanker"),
        (&["--decision", "port.nowhere.berths.tanker=3..5"], "nowhere"),
        (&["--decision", "port.mmc.berths.tanker=3..5", "--alpha", "1e-17"], "--alpha"),
        (&["--decision", "port.mmc.berths.tanker=3..5", "--n0", "1"], "--n0"),
        (
            &["--decision", "port.mmc.berths.tanker=3..5", "--minimize", "cost.totl_per_year"],
            "cost.total_per_year",
        ),
        (
            &[
                "--decision",
                "port.mmc.berths.tanker=3..5",
                "--pareto",
                "berth_utilization.mmc.tanker",
            ],
            "--pareto",
        ),
    ];
    for (extra, needle) in cases {
        let args: Vec<&str> = base.iter().chain(extra).copied().collect();
        let e = fails(&args, &dir, 2);
        assert!(e.contains(needle), "{extra:?}: {e}");
        assert!(!e.contains("panicked"), "{extra:?}: {e}");
    }
    // An indifference zone of 1 or more on a fraction holds every portfolio:
    // the guarantee would be empty.
    let args = [
        "optimize",
        &mmc,
        "--set",
        SHORT,
        "--decision",
        "port.mmc.berths.tanker=3..5",
        "--maximize",
        "P(anchorage_wait_h.mmc.tanker<=2)",
        "--delta",
        "5",
    ];
    let e = fails(&args, &dir, 2);
    assert!(e.contains("--delta: 5 is not below 1"), "{e}");
    assert!(e.contains("(percentage points? 5 points is 0.05)"), "{e}");
}

/// A condition the corridor meets (weather, demand, a disruption's rate)
/// is no lever: no price covers it, so it is refused as a decision, and
/// may be held with --set instead.
#[test]
fn optimize_refuses_a_condition_as_a_decision() {
    let dir = scratch("optimize_conditions");
    let file = scenario("stress/random_outages.toml");
    let berths = "port.alat.berths.rail_ferry=2..3";
    let base = ["optimize", &file, "--delta", "1e6", "--decision", berths];
    for key in [
        "disruption.alat_outage.rate_per_year=0,0.5",
        "disruptions.rate_multiplier=0.5,1",
        "weather.storm_rate_multiplier=0,1",
        "inflow.kazakh_crude.arrivals_per_year=100,200",
    ] {
        let args: Vec<&str> = base.iter().copied().chain(["--decision", key]).collect();
        let e = fails(&args, &dir, 2);
        let name = key.split('=').next().unwrap();
        assert!(e.contains(&format!("--decision {name}: this key sets a condition")), "{key}: {e}");
        assert!(e.contains(&format!("--set {name}=VALUE")), "{key}: {e}");
    }
}

/// A lever nothing prices (a vessel's capacity, a port's depth, a link
/// without a price, a berth priced at 0) is refused as a decision before
/// any replication, each with the way to price it; once priced, or priced
/// by its use (a vessel-day, an escort sortie), it runs.
#[test]
fn optimize_refuses_a_lever_nothing_prices() {
    let dir = scratch("optimize_unpriced");
    let base = ["optimize", "--delta", "1e6", "--n0", "2", "--max-replications", "2", "-q"];
    let zero_berth = [
        "--set",
        "costs.capital.berth.rail_ferry=0",
        "--set",
        "costs.operating.berth_year.rail_ferry=0",
    ];
    let dredged = scenario("sea_level_2030_dredged.toml");
    let cases: [(&str, &[&str], &str); 7] = [
        ("fleet.ferries_kuryk_alat.capacity=50,60", &[], "give each size of vessel a fleet"),
        ("port.alat.depth_m=6,7", &[], "[[dredging]] of alat"),
        // A file that dredges prices the metres gained, so a deeper port
        // would cost less: refused by its kind, whatever the costs.
        ("port.aktau.depth_m=6,7,8", &[&dredged], "[[dredging]] of aktau"),
        ("outflow.btk_railway.capacity_per_year=14000,20000", &[], "link_outflow.btk_railway="),
        ("outflow.btc_offtake.capacity_per_year=1.5e7,2e7", &[], "costs.capital.link.oil"),
        ("port.alat.berths.rail_ferry=2..3", &zero_berth, "costs.capital.berth.rail_ferry"),
        // The escort force with escorts off (the baseline's) costs nothing.
        ("interdiction.escort.escort_vessels=4,8", &[], "set interdiction.escort.enabled = true"),
    ];
    for (decision, extra, hint) in cases {
        let args: Vec<&str> = base
            .iter()
            .copied()
            .chain(["--decision", decision, "--checkpoint", "ck.jsonl"])
            .chain(extra.iter().copied())
            .collect();
        let e = fails(&args, &dir, 2);
        let key = decision.split('=').next().unwrap();
        let by_kind =
            key.ends_with(".capacity") && key.starts_with("fleet.") || key.ends_with(".depth_m");
        let opening = if by_kind {
            "nothing in the cost model prices this kind of lever"
        } else {
            "every value of it costs the same"
        };
        assert!(e.contains(&format!("--decision {key}: {opening}")), "{e}");
        assert!(e.contains(hint), "{decision}: {e}");
        assert!(!dir.join("ck.jsonl").exists(), "{decision}: a refusal leaves no checkpoint");
    }
    // Priced, the same decisions run: a link given a price; a fleet whose
    // vessels cost nothing to buy but a day rate to run; escorts with no
    // vessel to buy but a price a sortie.
    let link = "outflow.btk_railway.capacity_per_year=14000,20000";
    let ferries = "fleet.ferries_kuryk_alat.count=3,4";
    let escorts = "interdiction.escort.enabled=0,1";
    let force = "interdiction.escort.escort_vessels=4,8";
    let priced: [&[&str]; 5] = [
        &["--decision", link, "--set", "costs.capital.link.wagons=1000"],
        &["--decision", link, "--set", "costs.capital.link_outflow.btk_railway=1000"],
        &["--decision", ferries, "--set", "costs.capital.vessel.rail_ferry=0"],
        &["--decision", escorts, "--set", "costs.capital.escort_vessel=0"],
        &["--decision", force, "--set", "interdiction.escort.enabled=true"],
    ];
    for extra in priced {
        let args: Vec<&str> = base.iter().copied().chain(extra.iter().copied()).collect();
        ok(&args, &dir);
    }
}

/// Portfolios that compile to the same model (the escort force beside
/// escorts off) run once: the later ones are `same` as the first, take no
/// replications, and the selection names them when it is their model.
/// With escorts on in every portfolio, each force is a model of its own.
#[test]
fn optimize_runs_portfolios_of_one_model_once() {
    let dir = scratch("optimize_force");
    let args = [
        "optimize",
        "--delta",
        "1e6",
        "--n0",
        "2",
        "--max-replications",
        "4",
        "--set",
        "scenario.horizon_days=60",
        "--minimize",
        "cost.total_per_year",
        "--decision",
        "interdiction.escort.escort_vessels=4,8",
        "-o",
        "o.json",
    ];
    let both = [&args[..], &["--decision", "interdiction.escort.enabled=0,1"]].concat();
    let out = ok(&both, &dir);
    let doc: serde_json::Value = serde_json::from_slice(&read(&dir, "o.json")).unwrap();
    let portfolios = doc["portfolios"].as_array().unwrap();
    assert_eq!(portfolios.len(), 4);
    let value = |p: &serde_json::Value, key: &str| p["decisions"][key].as_f64().unwrap();
    let same: Vec<&serde_json::Value> =
        portfolios.iter().filter(|p| p["status"] == "same").collect();
    assert_eq!(same.len(), 1, "{out}");
    let (later, first) = (same[0], &portfolios[same[0]["same_as"].as_u64().unwrap() as usize]);
    for p in [later, first] {
        assert_eq!(value(p, "interdiction.escort.enabled"), 0.0, "{p}");
    }
    assert!(first["index"].as_u64() < later["index"].as_u64());
    assert_ne!(first["status"], "same");
    assert!(later["objective"].is_null(), "{later}");
    let taken = &later["replications"];
    assert!(["screening", "ocba", "selection"].iter().all(|k| taken[k] == 0), "{taken}");
    assert!(first["replications"]["screening"].as_u64().unwrap() > 0);
    assert!(out.contains("1 the same model as an earlier one"), "{out}");
    // The page lists it, and a damaged `same` is refused, naming the field.
    ok(&["report", "o.json", "--out", "o.html"], &dir);
    let page = String::from_utf8(read(&dir, "o.html")).unwrap();
    assert!(page.contains(&format!("same model as {}", first["index"])), "the page says it");
    let at = later["index"].as_u64().unwrap() as usize;
    type Edit = Box<dyn Fn(&mut serde_json::Value)>;
    let edits: [(Edit, &str); 3] = [
        (Box::new(move |d| d["portfolios"][at]["same_as"] = at.into()), "is not an earlier"),
        (Box::new(move |d| d["portfolios"][at]["same_as"] = serde_json::Value::Null), "missing"),
        (
            Box::new(move |d| d["portfolios"][at]["replications"]["screening"] = 2.into()),
            "takes none",
        ),
    ];
    for (edit, expected) in edits {
        let mut bad = doc.clone();
        edit(&mut bad);
        std::fs::write(dir.join("bad.json"), bad.to_string()).unwrap();
        let e = fails(&["report", "bad.json", "--out", "b.html"], &dir, 2);
        assert!(e.contains(&format!("portfolios[{at}].")) && e.contains(expected), "{e}");
    }
    // The baseline's escorts protect nothing (incident factor 1) and cost:
    // escorts off is selected, and the selection says it stands for both.
    assert_eq!(doc["selected"]["index"], first["index"], "{out}");
    let said = format!(
        "note: portfolio {} (interdiction.escort.escort_vessels=8, \
         interdiction.escort.enabled=0) compiles to the same model as the selected portfolio: \
         what it decides otherwise (interdiction.escort.escort_vessels) changes nothing here",
        later["index"]
    );
    assert!(out.contains(&said), "{out}");
    // With escorts on everywhere, the forces differ: nothing is the same.
    let on = [&args[..], &["--set", "interdiction.escort.enabled=true"]].concat();
    let out = ok(&on, &dir);
    assert!(!out.contains("the same model"), "{out}");
}

/// Each message names the option given, and only it; `--n0` says its
/// range as the check applies it.
#[test]
fn optimize_messages_name_the_option_given() {
    let dir = scratch("optimize_messages");
    let base = ["optimize", "--decision", "port.alat.berths.rail_ferry=2..3", "--delta", "1e6"];
    let cases: [(&[&str], &str); 5] = [
        (&["--constraint", "foo"], "--constraint \"foo\": not a comparison of a KPI with a number"),
        (&["--constraint", "foo>=abc"], "--constraint \"foo>=abc\": \"abc\" is not a number"),
        (
            &["--constraint", "P(foo)>=0.5"],
            "--constraint \"P(foo)>=0.5\": the condition inside P(...)",
        ),
        (&["--minimize", "x<"], "--minimize \"x<\": expected a KPI name or P(KPI OP NUMBER)"),
        (&["--maximize", "P(x>=abc)"], "--maximize \"P(x>=abc)\": \"abc\" is not a number"),
    ];
    for (extra, expected) in cases {
        let args: Vec<&str> = base.iter().chain(extra).copied().collect();
        let e = fails(&args, &dir, 2);
        assert!(e.contains(expected), "{extra:?}: {e}");
        assert!(!e.contains("--target"), "{extra:?}: {e}");
    }
    for n0 in ["0", "1"] {
        let args: Vec<&str> = base.iter().copied().chain(["--n0", n0]).collect();
        let e = fails(&args, &dir, 2);
        assert!(
            e.contains(&format!("expected a whole number from 2 to 1,000,000, got {n0}")),
            "{e}"
        );
    }
    let help = ok(&["optimize", "--help"], &dir);
    assert!(help.contains("at least 2"), "{help}");
}

/// The selection's intervals are cut to what each measure can be, as a
/// run's are: with five selection replications of the baseline, the cost
/// of lost cargo (zero in most replications) has a Student-t interval that
/// reaches below zero, and the document reports 0 there.
#[test]
fn the_selections_intervals_stay_within_their_measures_range() {
    let dir = scratch("optimize_range");
    let args = [
        "optimize",
        "--decision",
        "port.alat.berths.rail_ferry=2..3",
        "--delta",
        "1e6",
        "-q",
        "--n0",
        "5",
        "--max-replications",
        "30",
        "-o",
        "o.json",
    ];
    ok(&args, &dir);
    let doc: serde_json::Value = serde_json::from_slice(&read(&dir, "o.json")).unwrap();
    let sel = &doc["selected"];
    let n = sel["n"].as_f64().unwrap();
    let lost = &sel["kpis"]["cost.lost_cargo_per_year"];
    let (mean, sd) = (lost["mean"].as_f64().unwrap(), lost["sd"].as_f64().unwrap());
    // Student-t 97.5% quantiles for the few degrees of freedom this can have.
    let t = match n as u32 {
        5 => 2.776,
        10 => 2.262,
        other => panic!("{other} selection replications: extend the table"),
    };
    assert!(mean - t * sd / n.sqrt() < 0.0, "the unclipped interval would reach below zero");
    assert_eq!(lost["ci95_low"].as_f64().unwrap(), 0.0, "{lost}");
    for (name, s) in sel["kpis"].as_object().unwrap() {
        if let Some(low) = s["ci95_low"].as_f64() {
            assert!(low >= 0.0, "{name}: {s}");
        }
    }
}

/// A probability objective carries the Wilson interval, not the Student-t
/// one: its document must still load for `caspian report` (the checked
/// loader refused every such portfolio when first written).
#[test]
fn an_optimisation_of_a_probability_reports() {
    let dir = scratch("optimize_probability");
    let mmc = scenario("mmc_check.toml");
    let args = [
        "optimize",
        &mmc,
        "--set",
        SHORT,
        "--decision",
        "port.mmc.berths.tanker=3..4",
        "--maximize",
        "P(anchorage_wait_h.mmc.tanker<=2)",
        "--delta",
        "0.2",
        "--max-replications",
        "20",
        "-q",
        "-o",
        "p.json",
        "--report",
        "p.html",
    ];
    ok(&args, &dir);
    ok(&["report", "p.json", "--out", "r.html"], &dir);
    assert_eq!(read(&dir, "r.html"), read(&dir, "p.html"));
}

/// A constraint on a measure some replications leave undefined (recovery
/// days in a year no episode ended or one never recovered) is refused
/// with the replication named, not tested on the others alone.
#[test]
fn optimize_refuses_a_measure_undefined_in_a_replication() {
    let dir = scratch("optimize_undefined");
    let file = scenario("stress/random_outages_2030.toml");
    let args = [
        "optimize",
        &file,
        "--decision",
        "port.alat.berths.rail_ferry=2..3",
        "--n0",
        "4",
        "--max-replications",
        "8",
        "--constraint",
        "recovery_days.alat_outage<=10",
        "--delta",
        "1e6",
        "-q",
    ];
    let e = fails(&args, &dir, 2);
    assert!(
        e.contains("the constraint recovery_days.alat_outage is undefined in replication"),
        "{e}"
    );
    assert!(e.contains("unrecovered.alat_outage is defined in every replication"), "{e}");
}

/// A selection with less than the scenario as written of what carries
/// capital (half the Aktau tank farm, which the baseline's 1.7 Mt of oil
/// rarely fills) gets a note: the capital it "saves" may be spent.
#[test]
fn a_selection_below_the_scenarios_capacity_carries_a_note() {
    let dir = scratch("optimize_sunk");
    let args = [
        "optimize",
        "--decision",
        "storage.aktau_tank_farm.capacity=60000,120000",
        "--delta",
        "1e6",
        "--n0",
        "5",
        "--max-replications",
        "30",
        "-o",
        "o.json",
    ];
    let out = ok(&args, &dir);
    let doc: serde_json::Value = serde_json::from_slice(&read(&dir, "o.json")).unwrap();
    let sel = &doc["selected"];
    assert_eq!(sel["decisions"]["storage.aktau_tank_farm.capacity"], 60000.0, "{sel}");
    let note = sel["notes"][0].as_str().unwrap();
    assert!(
        note.starts_with(
            "the selected portfolio has less than the scenario as written of aktau_tank_farm's \
             capacity (60000 against 120000)"
        ),
        "{note}"
    );
    assert!(out.contains(&format!("note: {note}")), "{out}");
}

/// With no portfolio feasible, nothing is selected and the Pareto set is
/// said to be empty, not printed as a table with no rows.
#[test]
fn an_optimisation_with_nothing_feasible_says_so() {
    let dir = scratch("optimize_none_feasible");
    let mmc = scenario("mmc_check.toml");
    let args = [
        "optimize",
        &mmc,
        "--set",
        SHORT,
        "--decision",
        "port.mmc.berths.tanker=3..4",
        "--constraint",
        "P(anchorage_wait_h.mmc.tanker<=0)>=0.999",
        "--delta",
        "1e6",
        "--max-replications",
        "40",
        "-t",
        "2",
        "-q",
    ];
    let out = ok(&args, &dir);
    assert!(out.contains("No portfolio was shown to be feasible"), "{out}");
    assert!(out.contains("feasible Pareto set: empty"), "{out}");
    assert!(!out.contains("feasible Pareto set ("), "{out}");
}

/// With no constraint and every other portfolio pruned, there is nothing to
/// test and nothing to choose: the statement says so, and names no test.
#[test]
fn one_portfolio_left_without_constraints_claims_no_test() {
    let dir = scratch("optimize_one_left");
    let mmc = scenario("mmc_check.toml");
    let args = [
        "optimize",
        &mmc,
        "--set",
        SHORT,
        "--decision",
        "port.mmc.berths.tanker=3..4",
        "--outlay",
        "1",
        "--delta",
        "1e6",
        "--n0",
        "4",
        "-t",
        "2",
        "-o",
        "o.json",
    ];
    let out = ok(&args, &dir);
    assert!(out.contains("is the only portfolio left (--budget or --outlay pruned"), "{out}");
    assert!(out.contains("no statistical guarantee to state"), "{out}");
    assert!(!out.contains("feasibility tests"), "{out}");
    // The document does not say a guarantee holds where there is none.
    let doc: serde_json::Value = serde_json::from_slice(&read(&dir, "o.json")).unwrap();
    assert_eq!(doc["guarantee"]["holds"], false, "{}", doc["guarantee"]);
}

/// A dated disruption strikes in every replication: the optimiser chooses
/// for years with it, and says so on standard error and in the document.
#[test]
fn a_dated_disruption_is_warned_of_as_in_every_year() {
    let dir = scratch("optimize_dated");
    let text = format!(
        "[scenario]\nextends = \"{}\"\nname = \"mmc_closed\"\n\n[[disruption]]\nid = \"shut\"\n\
         target = \"port.mmc\"\nstart_day = 120\nduration_days = {{ dist = \"constant\", value = 2 }}\n",
        scenario("mmc_check.toml").replace('\\', "/")
    );
    std::fs::write(dir.join("closed.toml"), text).unwrap();
    let args = [
        "optimize",
        "closed.toml",
        "--set",
        SHORT,
        "--decision",
        "port.mmc.berths.tanker=3..4",
        "--delta",
        "1e6",
        "--n0",
        "4",
        "-t",
        "2",
        "-o",
        "o.json",
    ];
    let out = crate::common::ok_output(&args, &dir);
    let err = String::from_utf8_lossy(&out.stderr);
    let said = "has a dated disruption (shut): it strikes in every replication";
    assert!(err.contains(said), "{err}");
    let doc: serde_json::Value = serde_json::from_slice(&read(&dir, "o.json")).unwrap();
    assert!(doc["warnings"].to_string().contains(said), "{}", doc["warnings"]);
}

/// A Pareto view sets the objective against a second measure: the
/// objective given as `--pareto` is refused, and the default moves off the
/// capital when the capital is the objective.
#[test]
fn the_pareto_view_needs_a_second_measure() {
    let dir = scratch("optimize_pareto_second");
    let mmc = scenario("mmc_check.toml");
    let base = [
        "optimize",
        &mmc,
        "--set",
        SHORT,
        "--decision",
        "port.mmc.berths.tanker=3..4",
        "--delta",
        "1e6",
        "--n0",
        "4",
        "-t",
        "2",
    ];
    let e = fails(&[&base[..], &["--pareto", "cost.total_per_year"]].concat(), &dir, 2);
    assert!(e.contains("--pareto cost.total_per_year is the objective"), "{e}");
    let capital = ["--minimize", "cost.capital_per_year", "-o", "p.json"];
    ok(&[&base[..], &capital].concat(), &dir);
    let doc: serde_json::Value = serde_json::from_slice(&read(&dir, "p.json")).unwrap();
    assert_eq!(doc["pareto"]["objective"], "cost.capital_per_year", "{}", doc["pareto"]);
    assert_eq!(doc["pareto"]["measure"], "cost.total_per_year", "{}", doc["pareto"]);
}
