//! The risk chart of a run applies the `--target` condition exactly as
//! `caspian run --target` does: each operator, values exactly at the
//! threshold included, so the chart's count of replications meeting it is
//! the JSON's `p_meet` x `n`; `report` and `plot` take the run's form of a
//! condition, `KPI=X` for the KPI's good side, and refuse anything else
//! with exit code 2.

use std::path::Path;

use serde_json::Value;

use crate::common::{fails, ok, ok_output, scratch};

const OIL: &str = "delivered_total.oil";

fn text(dir: &Path, name: &str) -> String {
    std::fs::read_to_string(dir.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn json(dir: &Path, name: &str) -> Value {
    serde_json::from_str(&text(dir, name)).unwrap()
}

/// One column of a CSV written by `caspian run --csv`.
fn column(csv: &str, name: &str) -> Vec<f64> {
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let i = header.iter().position(|h| *h == name).unwrap();
    lines.map(|l| l.split(',').nth(i).unwrap().parse().unwrap()).collect()
}

/// The chart's `k of n replications meet the condition, m do not`.
fn chart_counts(page: &str) -> (u64, u64, u64) {
    let at = page.find(" replications meet the condition, ").expect("a target sentence");
    let before: Vec<&str> = page[..at].rsplit("; ").next().unwrap().split(" of ").collect();
    let missed = page[at..].split(", ").nth(1).unwrap().split(' ').next().unwrap();
    (before[0].parse().unwrap(), before[1].parse().unwrap(), missed.parse().unwrap())
}

/// The red rug marks of the tail, one per replication that misses the
/// target, and the legend's.
fn rug(page: &str) -> usize {
    page.matches("stroke=\"#AA003C\"").count()
}

/// The most frequent value of a column: a threshold that replications hit
/// exactly.
fn mode(values: &[f64]) -> f64 {
    let count = |x: f64| values.iter().filter(|&&v| v == x).count();
    values.iter().copied().max_by_key(|&x| count(x)).unwrap()
}

#[test]
fn the_report_chart_meets_the_target_as_the_run_does_for_every_operator() {
    let dir = scratch("report-targets-ops");
    ok_output(&["run", "-n", "40", "-q", "--json", "run.json", "--csv", "reps.csv"], &dir);
    let values = column(&text(&dir, "reps.csv"), OIL);
    let t = mode(&values);
    let at_threshold = values.iter().filter(|&&v| v == t).count();
    assert!(at_threshold >= 2, "replications exactly at the threshold {t}: {values:?}");
    let ops = [">=", "<=", ">", "<"];
    let specs: Vec<String> = ops.iter().map(|op| format!("{OIL}{op}{t}")).collect();
    let mut args = vec!["run", "-n", "40", "-q", "--json", "t.json"];
    for s in &specs {
        args.extend(["--target", s.as_str()]);
    }
    ok_output(&args, &dir);
    let doc = json(&dir, "t.json");
    let targets = doc["targets"].as_array().unwrap();
    let mut met_by_op = Vec::new();
    for ((op, spec), jt) in ops.iter().zip(&specs).zip(targets) {
        assert_eq!(jt["condition"].as_str().unwrap(), &spec[OIL.len()..]);
        let n = jt["n"].as_u64().unwrap();
        let met = (jt["p_meet"].as_f64().unwrap() * n as f64).round() as u64;
        let page = format!("{op}.html");
        let args = [
            "report",
            "t.json",
            "--replications-csv",
            "reps.csv",
            "--kpi",
            OIL,
            "--target",
            spec,
            "--out",
            &page,
        ];
        ok_output(&args, &dir);
        let html = text(&dir, &page);
        assert_eq!(chart_counts(&html), (met, n, n - met), "{spec}");
        // One mark per miss and the legend's, or, where more than six misses
        // share a value (whole tanker loads), the shaded side with their count.
        let shaded = format!("shaded: {} replications do not meet it", n - met);
        if html.contains(&shaded) {
            assert_eq!(rug(&html), 0, "{spec}: no marks beside the shaded side");
        } else {
            assert_eq!(rug(&html), (n - met) as usize + 1, "{spec}: one mark per miss and legend");
        }
        let escaped = op.replace('>', "&gt;").replace('<', "&lt;");
        assert!(html.contains(&format!("P({OIL} {escaped} ")), "{spec}: the condition as given");
        assert!(html.contains(&format!("condition {escaped} ")), "{spec}: the threshold line");
        // Without --target, the chart uses the run's first condition.
        if *op == ">=" {
            let args = ["report", "t.json", "--replications-csv", "reps.csv", "--out", "own.html"];
            ok_output(&args, &dir);
            assert_eq!(chart_counts(&text(&dir, "own.html")), (met, n, n - met));
        }
        met_by_op.push(met as usize);
    }
    // At the threshold: `>=` and `<=` count those replications, `>` and `<`
    // do not; `>=` and `<` (and `<=` and `>`) split the replications.
    let n = values.len();
    assert_eq!(met_by_op[0], met_by_op[2] + at_threshold);
    assert_eq!(met_by_op[1], met_by_op[3] + at_threshold);
    assert_eq!(met_by_op[0] + met_by_op[3], n);
    assert_eq!(met_by_op[1] + met_by_op[2], n);
    assert_eq!(met_by_op[3], values.iter().filter(|&&v| v < t).count());
}

#[test]
fn run_report_charts_its_target_as_the_terminal_counts_it() {
    let dir = scratch("report-targets-run");
    ok_output(&["run", "-n", "30", "-q", "--csv", "reps.csv"], &dir);
    let t = mode(&column(&text(&dir, "reps.csv"), OIL));
    for (op, report) in [(">", "above"), ("<=", "at_most")] {
        let spec = format!("{OIL}{op}{t}");
        let out = ok(
            &[
                "run", "-n", "30", "--target", &spec, "--json", "r.json", "--report", report,
                "--kpi", OIL,
            ],
            &dir,
        );
        let row = out.lines().find(|l| l.starts_with(&spec)).expect("the target row");
        let met_in = row.split_whitespace().nth(1).unwrap();
        let (met, n, _) = chart_counts(&text(&dir.join(report), "report.html"));
        assert_eq!(met_in, format!("{met}/{n}"), "{spec}: terminal and chart");
    }
}

#[test]
fn report_and_plot_take_the_run_form_of_a_target() {
    let dir = scratch("report-targets-forms");
    ok_output(&["run", "-n", "20", "-q", "--json", "run.json", "--csv", "reps.csv"], &dir);
    let values = column(&text(&dir, "reps.csv"), OIL);
    let t = mode(&values);
    let at_least = values.iter().filter(|&&v| v >= t).count() as u64;
    let n = values.len() as u64;
    let report = |target: &str| {
        let args = [
            "report",
            "run.json",
            "--replications-csv",
            "reps.csv",
            "--kpi",
            OIL,
            "--target",
            target,
            "--out",
            "r.html",
        ];
        ok_output(&args, &dir);
        chart_counts(&text(&dir, "r.html"))
    };
    // `KPI=X`: more oil is better, so at least X.
    assert_eq!(report(&format!("{OIL}={t}")), report(&format!("{OIL}>={t}")));
    assert_eq!(report(&format!("{OIL} >= {t}")).0, at_least);
    // plot: the whole condition, the operator alone, or the number alone.
    for (target, kpi) in [
        (format!("{OIL}>={t}"), None),
        (format!(">={t}"), Some(OIL)),
        (t.to_string(), Some(OIL)),
        (format!("{OIL}>={t}"), Some(OIL)),
    ] {
        let mut args = vec!["plot", "run.json", "--replications-csv", "reps.csv"];
        if let Some(k) = kpi {
            args.extend(["--kpi", k]);
        }
        args.extend(["--target", &target, "--out", "p.svg"]);
        ok_output(&args, &dir);
        let svg = text(&dir, "p.svg");
        assert_eq!(chart_counts(&svg), (at_least, n, n - at_least), "plot --target {target}");
        assert_eq!(rug(&svg) as u64, n - at_least + 1);
    }
    // The strict operators and `<=`, whole or alone, as `run --target` takes them.
    for target in [format!("{OIL}<{t}"), format!("<{t}"), format!("{OIL} < {t}")] {
        let args = ["plot", "run.json", "--replications-csv", "reps.csv", "--kpi", OIL];
        ok_output(&[&args[..], &["--target", &target, "--out", "p.svg"]].concat(), &dir);
        let svg = text(&dir, "p.svg");
        assert_eq!(chart_counts(&svg), (n - at_least, n, at_least), "plot --target {target}");
    }
    // A report charts many KPIs: an operator alone names none.
    let err =
        fails(&["report", "run.json", "--target", &format!("<{t}"), "--out", "x.html"], &dir, 2);
    assert!(err.contains("names no KPI") && err.contains(&format!("'{OIL}<{t}'")), "{err}");
    // Anything else: exit 2, naming the option and the forms.
    for bad in [
        format!("{OIL}=>{t}"),
        format!("{OIL}=={t}"),
        OIL.to_string(),
        format!("={t}"),
        format!("{OIL}>=lots"),
        format!("delivered_totl.oil>={t}"),
    ] {
        let err = fails(
            &[
                "report",
                "run.json",
                "--replications-csv",
                "reps.csv",
                "--target",
                &bad,
                "--out",
                "x.html",
            ],
            &dir,
            2,
        );
        assert!(err.contains("--target") || err.contains("closest"), "{bad}: {err}");
        assert!(!dir.join("x.html").exists());
    }
    let err = fails(
        &["report", "run.json", "--target", &format!("{OIL}~{t}"), "--out", "x.html"],
        &dir,
        2,
    );
    assert!(err.contains("KPI>=X") && err.contains("KPI=X"), "{err}");
    let err = fails(
        &[
            "plot",
            "run.json",
            "--replications-csv",
            "reps.csv",
            "--kpi",
            OIL,
            "--target",
            "delivered_total.wagons>=1",
            "--out",
            "x.svg",
        ],
        &dir,
        2,
    );
    assert!(err.contains("the chart is of delivered_total.oil"), "{err}");
}

#[test]
fn a_report_target_that_would_not_be_drawn_is_refused() {
    let dir = scratch("report-target-unused");
    ok(&["run", "-n", "8", "-q", "--json", "r.json", "--csv", "reps.csv"], &dir);
    let reps = ["--replications-csv", "reps.csv"];
    let cases: &[(&[&str], &str)] = &[
        // Not among the charted KPIs (default delivered_total.*).
        (
            &[
                "report",
                "r.json",
                reps[0],
                reps[1],
                "--out",
                "a.html",
                "--target",
                "vessels_lost>=1",
            ],
            "add --kpi vessels_lost",
        ),
        // No replications to draw it on.
        (
            &["report", "r.json", "--out", "a.html", "--target", "delivered_total.oil>=1"],
            "--replications-csv",
        ),
    ];
    for (args, expected) in cases {
        let err = fails(args, &dir, 2);
        assert!(err.contains(expected), "{args:?}: {err}");
    }
    assert!(!dir.join("a.html").exists(), "nothing written");
    // The same target on a charted KPI is drawn.
    ok(
        &[
            "report",
            "r.json",
            reps[0],
            reps[1],
            "--out",
            "b.html",
            "--kpi",
            "vessels_lost",
            "--target",
            "vessels_lost>=1",
        ],
        &dir,
    );
    assert!(text(&dir, "b.html").contains("vessels_lost"));
}

/// A trace of another scenario is refused: its story would be told under
/// the result's title. A trace of the result's scenario is taken, for a
/// sweep's result too.
#[test]
fn a_trace_of_another_scenario_is_refused() {
    let dir = scratch("report_trace_other");
    let ferry = crate::common::scenario("ferry_shuttle.toml");
    ok(&["run", &ferry, "-n", "3", "-q", "--json", "ferry.json"], &dir);
    ok_output(&["trace", "--csv", "base.csv"], &dir);
    let err = fails(&["report", "ferry.json", "--trace", "base.csv", "--out", "x.html"], &dir, 2);
    assert!(err.contains("--trace base.csv: its storage \""), "{err}");
    assert!(err.contains("is in none of the scenarios of ferry.json"), "{err}");
    assert!(!dir.join("x.html").exists());
    ok_output(&["trace", &ferry, "--csv", "ferry.csv"], &dir);
    ok_output(&["report", "ferry.json", "--trace", "ferry.csv", "--out", "f.html"], &dir);
    let base = crate::common::scenario("baseline.toml");
    let axis = "--axis=port.alat.berths.rail_ferry=2,3";
    ok(&["sweep", &base, axis, "-n", "2", "-q", "--json", "s.json"], &dir);
    ok_output(&["report", "s.json", "--trace", "base.csv", "--out", "s.html"], &dir);
    // A comparison's policy is one of its scenarios: its trace is taken.
    let window = "scenario.horizon_days=60";
    ok(&["compare", &base, &ferry, "-n", "2", "-q", "--set", window, "--json", "c.json"], &dir);
    ok_output(&["report", "c.json", "--trace", "ferry.csv", "--out", "c.html"], &dir);
}
