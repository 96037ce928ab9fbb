//! Charts of extreme values: a hand-edited difference far outside its own
//! interval is drawn, and bounds or targets too large for any axis are
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

    // A mean far outside its own interval: on the axis, drawn.
    let far = edited(&dir, &cmp, &format!("{diff}/mean_diff"), 1e13.into(), "far.json");
    let (code, err) = plot(&far);
    assert_eq!(code, 0, "{err}");
    let far = edited(&dir, &sweep, &format!("{point}/mean"), 1e13.into(), "far_sweep.json");
    let (code, err) = plot(&far);
    assert_eq!(code, 0, "{err}");

    // Bounds beyond any axis: refused, naming the value.
    for (doc, at, name) in [
        (&cmp, format!("{diff}/ci95_high"), "huge_cmp.json"),
        (&cmp, format!("{diff}/ci95_low"), "huge_low_cmp.json"),
        (&sweep, format!("{point}/ci95_high"), "huge_sweep.json"),
    ] {
        let sign = if at.ends_with("low") { -1.0 } else { 1.0 };
        let file = edited(&dir, doc, &at, (sign * 1.7e308).into(), name);
        let (code, err) = plot(&file);
        assert_eq!(code, 2, "{name}: {err}");
        assert!(err.contains("too large to draw"), "{name}: {err}");
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
