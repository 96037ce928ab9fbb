//! Charts of extreme values: a hand-edited difference far outside its own
//! interval, or a huge but consistent summary, is drawn, and bounds or
//! targets too large for any axis (or a summary no replications give) are
//! refused with exit 2, never a panic (a pixel overflow) or a hang (tick
//! arithmetic at 1e308). Found by an independent review.

use std::path::Path;
use std::time::Duration;

use serde_json::Value;

use crate::common::{finish_within, ok, scenario, scratch, spawn};

/// Runs `caspian ARGS` in `dir`, failing the test if it runs longer than a
/// minute (a hang), and returns (exit code, standard error).
fn run_bounded(args: &[&str], dir: &Path) -> (i32, String) {
    finish_within(spawn(args, dir), Duration::from_secs(60), &format!("caspian {args:?}"))
}

/// Writes `doc` changed at JSON pointer `at` to `value` as `name`.
fn edited(dir: &Path, doc: &Value, at: &str, value: Value, name: &str) -> String {
    let mut d = doc.clone();
    *d.pointer_mut(at).unwrap_or_else(|| panic!("{at} in the document")) = value;
    std::fs::write(dir.join(name), serde_json::to_vec(&d).unwrap()).unwrap();
    name.to_string()
}

/// Writes `doc` with the KPI summary at JSON pointer `at` moved to mean
/// `mean`, its interval and percentiles moved with it (its sd and n kept):
/// a summary replications could give, which the checked loader reads.
fn shifted(dir: &Path, doc: &Value, at: &str, mean: f64, name: &str) -> String {
    let mut d = doc.clone();
    let s = d.pointer_mut(at).unwrap_or_else(|| panic!("{at} in the document"));
    let by = mean - s["mean"].as_f64().unwrap();
    s["mean"] = mean.into();
    for f in ["ci95_low", "ci95_high", "p05", "p50", "p95"] {
        s[f] = (s[f].as_f64().unwrap() + by).into();
    }
    std::fs::write(dir.join(name), serde_json::to_vec(&d).unwrap()).unwrap();
    name.to_string()
}

fn load(dir: &Path, name: &str) -> Value {
    serde_json::from_slice(&std::fs::read(dir.join(name)).unwrap()).unwrap()
}

#[test]
fn extreme_values_are_drawn_or_refused_never_a_crash_or_a_hang() {
    let dir = scratch("extreme-values");
    let (base, policy) = (scenario("baseline.toml"), scenario("alat_extra_berth.toml"));
    ok(&["compare", &base, &policy, "-n", "4", "--json", "cmp.json", "-q"], &dir);
    ok(
        &[
            "sweep",
            &base,
            "--axis",
            "port.alat.berths.rail_ferry=2,3",
            "-n",
            "3",
            "--json",
            "sweep.json",
            "-q",
        ],
        &dir,
    );
    ok(&["run", "-n", "6", "--json", "run.json", "--csv", "reps.csv", "-q"], &dir);
    let (cmp, sweep) = (load(&dir, "cmp.json"), load(&dir, "sweep.json"));
    let diff = "/differences/0/kpis/delivered_total.oil";
    let point = "/points/0/kpis/delivered_total.oil";
    let plot = |file: &str| {
        run_bounded(&["plot", file, "--kpi", "delivered_total.oil", "--out", "o.svg"], &dir)
    };

    // A difference's mean far outside its own interval: no comparison
    // gives one (its interval is the mean plus and minus a half-width), so
    // the checked loader refuses it, naming the KPI.
    let far = edited(&dir, &cmp, &format!("{diff}/mean_diff"), 1e13.into(), "far.json");
    let (code, err) = plot(&far);
    assert_eq!(code, 2, "{err}");
    let named = "differences[0].kpis.delivered_total.oil: 95% interval [";
    assert!(
        err.contains(named) && err.contains("not centred on the mean difference 10000000000000"),
        "{err}"
    );
    // A sweep's KPI summary at 1e13 (its interval and percentiles moved
    // with its mean, as replications could give it): on the axis, drawn.
    let far = shifted(&dir, &sweep, point, 1e13, "far_sweep.json");
    let (code, err) = plot(&far);
    assert_eq!(code, 0, "{err}");
    // A sweep's mean alone moved to 1e13, far outside its own interval: a
    // summary no replications give, which the checked loader refuses
    // (exit 2) naming the KPI.
    let alone = edited(&dir, &sweep, &format!("{point}/mean"), 1e13.into(), "alone_sweep.json");
    let (code, err) = plot(&alone);
    assert_eq!(code, 2, "{err}");
    let named = "points[0].kpis.delivered_total.oil: 95% interval [";
    assert!(err.contains(named) && err.contains("does not fit mean 10000000000000"), "{err}");

    // Bounds beyond any axis: refused by the loader, naming the field and
    // the value (shown short): no comparison gives a difference at 1.7e308,
    // and no mean, sd and n of replications give a summary's end there.
    for (doc, at, name, why) in [
        (&cmp, format!("{diff}/ci95_high"), "huge_cmp.json", "ci95_high 1.7e308 is not a"),
        (&cmp, format!("{diff}/ci95_low"), "huge_low_cmp.json", "ci95_low -1.7e308 is not a"),
        (&sweep, format!("{point}/ci95_high"), "huge_sweep.json", "1.7e308] does not fit mean"),
    ] {
        let sign = if at.ends_with("low") { -1.0 } else { 1.0 };
        let file = edited(&dir, doc, &at, (sign * 1.7e308).into(), name);
        let (code, err) = plot(&file);
        assert_eq!(code, 2, "{name}: {err}");
        assert!(err.contains(why), "{name}: {err}");
        let (code, err) = run_bounded(&["report", &file, "--out", "o.html"], &dir);
        assert!(code == 0 || code == 2, "report {name}: exit {code}: {err}");
    }

    // A target beyond any axis, from the command line.
    let (code, err) = run_bounded(
        &[
            "plot",
            "run.json",
            "--kpi",
            "delivered_total.oil",
            "--replications-csv",
            "reps.csv",
            "--target=1.7e308",
            "--out",
            "o.svg",
        ],
        &dir,
    );
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("too large to draw"), "{err}");
}
