//! Optimize and compare documents edited to contradict themselves, each
//! refused by `caspian report` with exit code 2 naming the field (found by
//! a hostile tester: they used to load): a measure named in an optimize
//! document that is no KPI caspian writes, a guarantee whose alpha or
//! delta is not the problem's, a next best portfolio's or a contender's
//! interval that does not hold its mean, and an economics NPV outside its
//! own interval.

use serde_json::{Value, json};

use crate::common::{fails, ok, scenario, scratch};

/// Writes `doc` edited by `edit` and returns what `caspian report` says
/// refusing it (exit code 2, no page written).
fn refused(
    dir: &std::path::Path,
    doc: &Value,
    name: &str,
    edit: impl FnOnce(&mut Value),
) -> String {
    let mut bad = doc.clone();
    edit(&mut bad);
    let file = format!("{name}.json");
    std::fs::write(dir.join(&file), serde_json::to_string_pretty(&bad).unwrap()).unwrap();
    let e = fails(&["report", &file, "--out", "b.html"], dir, 2);
    assert!(!dir.join("b.html").exists(), "{name}: a page was written");
    assert!(e.contains(&file), "{name}: the file is named: {e}");
    e
}

fn has(e: &str, needle: &str) {
    assert!(e.contains(needle), "{e:?} does not contain {needle:?}");
}

#[test]
fn an_optimize_document_that_contradicts_itself_is_refused() {
    let dir = scratch("edited_optimize");
    let mmc = scenario("mmc_check.toml");
    // Three portfolios, all feasible (no constraint), a delta wide enough
    // that the others are contenders; a few seconds.
    let args = [
        "optimize",
        &mmc,
        "--set",
        "scenario.horizon_days=160",
        "--decision",
        "port.mmc.berths.tanker=3..5",
        "--delta",
        "1e9",
        "--n0",
        "5",
        "--max-replications",
        "10",
        "-q",
        "-o",
        "o.json",
    ];
    ok(&args, &dir);
    ok(&["report", "o.json", "--out", "o.html"], &dir);
    let doc: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("o.json")).unwrap()).unwrap();
    let total = "cost.total_per_year";
    assert_eq!(doc["problem"]["objective"], total);
    assert!(doc["runner_up"]["differences"][total].is_object(), "{}", doc["runner_up"]);
    assert!(!doc["contenders"].as_array().unwrap().is_empty(), "{}", doc["contenders"]);
    // Names: the objective, the Pareto measure, a constraint, a row of the
    // selection's KPIs or of the next best's differences.
    let e = refused(&dir, &doc, "objective", |d| d["problem"]["objective"] = json!("cost.zzz"));
    has(&e, "problem.objective: \"cost.zzz\" is no KPI caspian writes; the file is damaged");
    let e = refused(&dir, &doc, "pareto_measure", |d| {
        d["problem"]["pareto_measure"] = json!("P(zzz<=1)");
    });
    has(&e, "problem.pareto_measure: \"zzz\" is no KPI caspian writes");
    let e =
        refused(&dir, &doc, "pareto", |d| d["pareto"]["measure"] = json!("cost.total_per_year"));
    has(&e, "pareto.measure: \"cost.total_per_year\", but problem.pareto_measure is");
    let rename = |table: &mut Value| {
        let t = table.as_object_mut().unwrap();
        let v = t.remove(total).unwrap();
        t.insert("cost.bogus_per_year".into(), v);
    };
    let e = refused(&dir, &doc, "selected_kpi", |d| rename(&mut d["selected"]["kpis"]));
    has(&e, "selected.kpis.cost.bogus_per_year: \"cost.bogus_per_year\" is no KPI caspian writes");
    let e = refused(&dir, &doc, "runner_up_kpi", |d| rename(&mut d["runner_up"]["differences"]));
    has(&e, "runner_up.differences.cost.bogus_per_year: \"cost.bogus_per_year\" is no KPI");
    // The guarantee repeats the problem's alpha and delta.
    let e = refused(&dir, &doc, "alpha", |d| d["guarantee"]["alpha"] = json!(0.2));
    has(&e, "guarantee.alpha: 0.2, but problem.alpha is 0.05; the file is damaged");
    let e = refused(&dir, &doc, "delta", |d| d["guarantee"]["delta"] = json!(5.0));
    has(&e, "guarantee.delta: 5, but problem.delta is 1000000000; the file is damaged");
    // Intervals, checked as a comparison's paired differences are.
    let e = refused(&dir, &doc, "runner_up_interval", |d| {
        let x = &mut d["runner_up"]["differences"][total];
        let high = x["ci95_high"].as_f64().unwrap();
        x["mean_diff"] = json!(high + high.abs() + 1.0);
    });
    has(&e, &format!("runner_up.differences.{total}: 95% interval ["));
    has(&e, "is not centred on the mean difference");
    let e = refused(&dir, &doc, "runner_up_n", |d| {
        d["runner_up"]["differences"][total]["n"] = json!(1_000_000);
    });
    has(
        &e,
        &format!("runner_up.differences.{total}.n: 1000000 replications, but the document ran"),
    );
    let e = refused(&dir, &doc, "contender", |d| {
        d["contenders"][0]["difference"]["correlation"] = json!(3.0);
    });
    has(&e, "contenders[0].difference: correlation 3 is outside [-1, 1]; the file is damaged");
}

#[test]
fn an_economics_npv_outside_its_interval_is_refused() {
    let dir = scratch("edited_economics");
    let args = [
        "compare",
        &scenario("baseline.toml"),
        &scenario("alat_extra_berth.toml"),
        "-n",
        "3",
        "--set",
        "scenario.horizon_days=100",
        "-q",
        "--json",
        "c.json",
    ];
    ok(&args, &dir);
    ok(&["report", "c.json", "--out", "c.html"], &dir);
    let doc: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("c.json")).unwrap()).unwrap();
    let e = refused(&dir, &doc, "npv", |d| {
        let npv = &mut d["economics"]["policies"][0]["npv"];
        let high = npv["ci95_high"].as_f64().unwrap();
        npv["mean"] = json!(high + high.abs() + 1.0);
    });
    has(&e, "economics.policies[0].npv: 95% interval [");
    has(&e, "is not centred on the mean ");
}
