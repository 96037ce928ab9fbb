//! `caspian run --target 'KPI>=X'`: the probability that a replication
//! meets a condition, with its 95% Wilson interval, in the table and the
//! JSON.

use serde_json::Value;

use crate::common::{fails, ok, read, scenario, scratch};

/// The values of `kpi` per replication from `run --csv` (NaN when empty).
fn column(csv: &str, kpi: &str) -> Vec<f64> {
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let at = header.iter().position(|h| *h == kpi).unwrap();
    lines
        .map(|l| l.split(',').nth(at).unwrap())
        .map(|c| if c.is_empty() { f64::NAN } else { c.parse().unwrap() })
        .collect()
}

#[test]
fn p_meet_is_the_count_of_meeting_replications_over_n() {
    let dir = scratch("targets");
    let oil_mean = {
        ok(&["run", "-n", "40", "-q", "--json", "plain.json"], &dir);
        let d: Value = serde_json::from_slice(&read(&dir, "plain.json")).unwrap();
        d["kpis"]["delivered_total.oil"]["mean"].as_f64().unwrap()
    };
    let at_mean = format!("delivered_total.oil>={oil_mean}");
    let conditions = [
        at_mean.as_str(),
        "delivered_total.oil<1500000",
        "transit_h.oil.mean <= 48",
        "incidents>0",
        "vessels_lost>1000",
    ];
    let mut args = vec!["run", "-n", "40", "-q", "--json", "r.json", "--csv", "r.csv"];
    for c in &conditions {
        args.extend(["--target", c]);
    }
    let out = ok(&args, &dir);
    let doc: Value = serde_json::from_slice(&read(&dir, "r.json")).unwrap();
    let csv = String::from_utf8(read(&dir, "r.csv")).unwrap();
    let targets = doc["targets"].as_array().unwrap();
    assert_eq!(targets.len(), conditions.len());
    for (t, spec) in targets.iter().zip(conditions) {
        let kpi = t["kpi"].as_str().unwrap();
        assert!(spec.starts_with(kpi), "{spec}");
        let cond = t["condition"].as_str().unwrap();
        let (op, x) = cond.split_at(cond.find(|c: char| c != '<' && c != '>' && c != '=').unwrap());
        let x: f64 = x.trim().parse().unwrap();
        let values: Vec<f64> = column(&csv, kpi).into_iter().filter(|v| !v.is_nan()).collect();
        let met = values
            .iter()
            .filter(|&&v| match op {
                ">=" => v >= x,
                "<=" => v <= x,
                ">" => v > x,
                "<" => v < x,
                _ => panic!("{op}"),
            })
            .count();
        assert_eq!(t["n"].as_u64().unwrap() as usize, values.len(), "{spec}");
        let p = t["p_meet"].as_f64().unwrap();
        assert_eq!(p, met as f64 / values.len() as f64, "{spec}");
        let (low, high) = (t["ci95_low"].as_f64().unwrap(), t["ci95_high"].as_f64().unwrap());
        assert!(0.0 <= low && low <= p && p <= high && high <= 1.0, "{spec}: {t}");
        assert!(out.contains(&format!("{kpi}{cond}")), "{spec} in the table: {out}");
        assert!(out.contains(&format!("{met}/{}", values.len())), "{spec}: {out}");
    }
    // Never met: p = 0, and the interval still says how large it could be.
    let never = &targets[4];
    assert_eq!(never["p_meet"], 0.0);
    assert_eq!(never["ci95_low"], 0.0);
    assert!(never["ci95_high"].as_f64().unwrap() > 0.0);
    // The document with targets is read back by the checked loader.
    ok(&["report", "r.json", "--out", "r.html"], &dir);
}

#[test]
fn the_risk_question_is_one_command() {
    let dir = scratch("targets-risk");
    let hi = scenario("high_interdiction.toml");
    let out = ok(&["run", &hi, "-n", "30", "-q", "--target", "delivered_total.oil<1500000"], &dir);
    assert!(out.contains("delivered_total.oil<1500000"), "{out}");
    assert!(out.contains("P(meet)"), "{out}");
}

#[test]
fn bad_targets_are_refused_with_exit_2() {
    let dir = scratch("targets-bad");
    for (spec, needle) in [
        ("delivered_total.oil=1", "expected KPI>=NUMBER"),
        ("delivered_total.oil>=lots", "\"lots\" is not a number"),
        ("delivered_totl.oil>=1", "closest: delivered_total.oil"),
        (">=1", "expected KPI>=NUMBER"),
        ("service_level.wagons>=95", "(a percent? 95% is 0.95)"),
    ] {
        let err = fails(&["run", "-n", "2", "-q", "--target", spec], &dir, 2);
        assert!(err.contains(needle), "{spec}: {err}");
    }
    let err = fails(
        &["run", "-n", "2", "-q", "--shard", "0/2", "--json", "p.json", "--target", "incidents>0"],
        &dir,
        2,
    );
    assert!(err.contains("--target cannot be combined with --shard"), "{err}");
    // --target and --target-rel-halfwidth are different options.
    ok(
        &["run", "-n", "30", "-q", "--target-rel-halfwidth", "0.5", "--target", "incidents>0"],
        &dir,
    );
}

/// A result document holding a fraction's threshold outside [0, 1] (written
/// before such a target was refused) is still read: the check is for new
/// input, not for what a document already says.
#[test]
fn a_stored_target_outside_a_fractions_range_still_loads() {
    let dir = scratch("targets-stored");
    let target = "service_level.wagons>=0.95";
    ok(&["run", "-n", "3", "-q", "--target", target, "--json", "t.json"], &dir);
    let text = String::from_utf8(read(&dir, "t.json")).unwrap();
    assert!(text.contains("\">=0.95\""), "{text}");
    std::fs::write(dir.join("t95.json"), text.replace("\">=0.95\"", "\">=95\"")).unwrap();
    ok(&["report", "t95.json", "--out", "t95.html"], &dir);
}
