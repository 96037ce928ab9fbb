//! Result documents whose counts, names or paired differences contradict
//! what the runner writes: each refused by its field.

use super::*;

#[test]
fn counts_and_names_that_contradict_the_document_are_refused() {
    let d = docs();
    let e = error(&d.run, |v| v["truncated_replications"] = json!(99));
    contains(&e, "truncated_replications: 99, but the document ran 3");
    let e = error(&d.sweep, |v| v["points"][4]["truncated_replications"] = json!(4));
    contains(&e, "points[4].truncated_replications: 4, but the document ran 3");
    let e = error(&d.compare, |v| v["scenarios"][1]["truncated_replications"] = json!(5));
    contains(&e, "scenarios[1].truncated_replications: 5, but the document ran");
    let e = error(&d.partial, |v| {
        v["records"][0]["kpi_names"][1] = v["records"][0]["kpi_names"][0].clone();
    });
    contains(&e, "records[0].kpi_names: ");
    contains(&e, " is named twice; the file is damaged");
    // More replications than a run may have ("defined in 3 of 2^64-1").
    for doc in [&d.run, &d.sweep, &d.compare, &d.partial] {
        let e = error(doc, |v| {
            let at = if v.get("header").is_some() { &mut v["header"] } else { v };
            at["replications"] = json!(u64::MAX);
        });
        contains(&e, "replications: 18446744073709551615, above the most a run may have");
    }
}

/// A paired difference no comparison gives: its interval not around its
/// mean, a correlation beyond 1, a negative variance reduction, a value
/// beyond what a chart can draw; in a comparison and a sweep.
#[test]
fn impossible_differences_are_refused_by_their_field() {
    let d = docs();
    let kpi = "delivered_total.wagons";
    let edit =
        |f: &dyn Fn(&mut Value)| error(&d.compare, |v| f(&mut v["differences"][0]["kpis"][kpi]));
    let e = edit(&|x| {
        x["mean_diff"] = json!(5.0);
        x["ci95_low"] = json!(100.0);
        x["ci95_high"] = json!(200.0);
    });
    contains(&e, &format!("differences[0].kpis.{kpi}: 95% interval [100, 200] is not centred"));
    contains(&edit(&|x| x["correlation"] = json!(7.0)), "correlation 7 is outside [-1, 1]");
    contains(&edit(&|x| x["variance_reduction"] = json!(-3.0)), "variance reduction -3");
    contains(&edit(&|x| x["mean_diff"] = json!(1e300)), "mean_diff 1e300 is not a difference");
    let e = error(&d.sweep, |v| v["points"][1]["differences"][kpi]["correlation"] = json!(-1.5));
    contains(&e, &format!("points[1].differences.{kpi}: correlation -1.5"));
}

/// An economics estimate no comparison gives: an NPV edited to lie
/// outside its own interval (the paired interval of a difference, scaled:
/// centred on its mean), a benefit on more replications than were run, a
/// cost beyond any difference.
#[test]
fn economics_that_contradict_their_intervals_are_refused() {
    let d = docs();
    let policy =
        |f: &dyn Fn(&mut Value)| error(&d.compare, |v| f(&mut v["economics"]["policies"][0]));
    let e = policy(&|p| {
        let high = p["npv"]["ci95_high"].as_f64().unwrap();
        p["npv"]["mean"] = json!(high + high.abs() + 1.0);
    });
    contains(&e, "economics.policies[0].npv: 95% interval [");
    contains(&e, "] is not centred on the mean ");
    let e = policy(&|p| p["benefit_per_year"]["n"] = json!(4));
    contains(
        &e,
        "economics.policies[0].benefit_per_year.n: 4 replications, but the document ran 3",
    );
    let e = policy(&|p| p["cost_per_year"]["ci95_high"] = json!(1e300));
    contains(&e, "economics.policies[0].cost_per_year: ci95_high 1e300 is not a difference");
}
