//! Disruptions as sweep axes and `--set` multipliers: a disruption's rate
//! and scale, and `disruptions.rate_multiplier` and `.duration_multiplier`
//! for all of them. Each disruption draws from its own random stream, so
//! a multiplier of 0 gives its parent scenario exactly, and a multiplier
//! of 2 the same run as every rate doubled by hand. Also: a disruption
//! of a port it cannot touch is warned of.

use crate::common::{fails, ok, ok_output, read, scenario, scratch};

fn json(dir: &std::path::Path, name: &str) -> serde_json::Value {
    serde_json::from_slice(&read(dir, name)).unwrap()
}

/// Every KPI mean of `expected` (a `kpis` map) equals `actual`'s.
fn same_means(expected: &serde_json::Value, actual: &serde_json::Value, what: &str) {
    let expected = expected.as_object().unwrap();
    assert!(expected.len() > 100, "{what}: {} KPIs", expected.len());
    for (name, e) in expected {
        assert_eq!(e["mean"], actual[name]["mean"], "{what}: {name}");
    }
}

#[test]
fn a_rate_multiplier_of_zero_is_the_parent_and_one_is_the_file() {
    let dir = scratch("disruption-axes");
    let (base, stress) = (scenario("baseline.toml"), scenario("stress/random_outages.toml"));
    let n = ["-n", "6", "-q", "--json"];
    let axis = ["--axis", "disruptions.rate_multiplier=0,1,2"];
    let text = ok(&[&["sweep", &stress][..], &axis, &n, &["sweep.json"]].concat(), &dir);
    // A full factorial has no sensitivity table (its points are not a sample).
    assert!(!text.contains("sensitivity"), "{text}");
    ok(&[&["run", &base][..], &n, &["base.json"]].concat(), &dir);
    ok(&[&["run", &stress][..], &n, &["stress.json"]].concat(), &dir);
    let sweep = json(&dir, "sweep.json");
    let points = sweep["points"].as_array().unwrap();
    // The file as written is the reference: the point with the multiplier 1.
    assert_eq!(sweep["reference"], 1);
    same_means(&json(&dir, "base.json")["kpis"], &points[0]["kpis"], "x0");
    same_means(&json(&dir, "stress.json")["kpis"], &points[1]["kpis"], "x1");
    // Twice the rate costs more than the file's rate, which costs more
    // than none.
    let cost = |p: &serde_json::Value| p["kpis"]["cost.total_per_year"]["mean"].as_f64().unwrap();
    assert!(cost(&points[0]) < cost(&points[1]) && cost(&points[1]) < cost(&points[2]));

    // The multiplier is every rate doubled by hand.
    let mut by_hand = vec!["run", &stress, "-n", "6", "-q", "--json", "hand.json"];
    let ids = ["alat", "sangachal", "kuryk", "aktau", "btc", "btk"];
    let sets: Vec<String> =
        ids.iter().map(|id| format!("disruption.{id}_outage.rate_per_year=1")).collect();
    for s in &sets {
        by_hand.extend(["--set", s]);
    }
    ok(&by_hand, &dir);
    let m = ["--set", "disruptions.rate_multiplier=2"];
    ok(&[&["run", &stress][..], &m, &n, &["x2.json"]].concat(), &dir);
    same_means(&json(&dir, "hand.json")["kpis"], &json(&dir, "x2.json")["kpis"], "x2");
    same_means(&points[2]["kpis"], &json(&dir, "x2.json")["kpis"], "sweep x2");
}

#[test]
fn the_rates_of_single_disruptions_feed_a_tornado_chart() {
    let dir = scratch("disruption-tornado");
    let stress = scenario("stress/random_outages.toml");
    let text = ok(
        &[
            "sweep",
            &stress,
            "--axis",
            "disruption.alat_outage.rate_per_year=0.25,2",
            "--axis",
            "disruption.btk_outage.rate_per_year=0.25,2",
            "--axis",
            "disruptions.duration_multiplier=0.5,2",
            "--lhs",
            "10",
            "-n",
            "3",
            "-q",
            "--json",
            "lhs.json",
            "--kpi",
            "cost.total_per_year",
        ],
        &dir,
    );
    // The terminal's sensitivity table: the KPI, then each key once.
    let table = &text[text.find("sensitivity: partial rank correlation").expect(&text)..];
    assert!(table.contains("(10 points)") && table.contains("\ncost.total_per_year\n"), "{table}");
    for key in [
        "disruption.alat_outage.rate_per_year",
        "disruption.btk_outage.rate_per_year",
        "disruptions.duration_multiplier",
    ] {
        assert_eq!(table.matches(&format!("\n{key} ")).count(), 1, "{key}: {table}");
    }
    ok(&["report", "lhs.json", "--out", "r.html", "--kpi", "cost.total_per_year"], &dir);
    let html = String::from_utf8(read(&dir, "r.html")).unwrap();
    for label in [
        "episodes of alat_outage (per year)",
        "episodes of btk_outage (per year)",
        "disruption duration multiplier (x baseline)",
    ] {
        assert!(html.contains(label), "{label}");
    }
}

#[test]
fn disruption_keys_refuse_what_they_cannot_set() {
    let dir = scratch("disruption-refusals");
    let dated = scenario("stress/alat_closed_30d.toml");
    let e = fails(
        &["sweep", &dated, "--axis", "disruption.alat_closed.rate_per_year=1,2", "-n", "2"],
        &dir,
        2,
    );
    assert!(e.contains("disruption \"alat_closed\" strikes on a fixed day (start_day)"), "{e}");
    let e = fails(&["run", &dated, "--set", "disruptions.rate_multiplier=-1", "-n", "2"], &dir, 2);
    assert!(e.contains("--set disruptions.rate_multiplier=-1: a multiplier"), "{e}");
    let e = fails(&["run", &dated, "--set", "disruption.rate_multiplier=2", "-n", "2"], &dir, 2);
    assert!(e.contains("the multiplier is disruptions.rate_multiplier"), "{e}");
    let e = fails(
        &["sweep", &dated, "--axis", "disruptions.duration_multiplier=1,-2", "-n", "2"],
        &dir,
        2,
    );
    assert!(e.contains("is a multiplier: it takes a finite number, 0 or more, got -2"), "{e}");
}

#[test]
fn a_multiplier_and_a_rate_it_scales_are_not_given_from_two_places() {
    let dir = scratch("disruption-compound");
    let stress = scenario("stress/random_outages.toml");
    let (m, rate) = ("disruptions.rate_multiplier=2", "disruption.alat_outage.rate_per_year=1");
    // --set and an axis: the axis would replace or scale the --set value.
    let e = fails(
        &["sweep", &stress, "--set", m, "--axis", &format!("{rate},1.5"), "-n", "2"],
        &dir,
        2,
    );
    assert!(e.contains("the axis would replace or scale the --set value"), "{e}");
    let e =
        fails(&["sweep", &stress, "--set", rate, "--axis", &format!("{m},3"), "-n", "2"], &dir, 2);
    assert!(e.contains("the axis would replace or scale the --set value"), "{e}");
    // --set and a variant, or two --set.
    let variant = format!("a:{rate}");
    let e = fails(&["compare", &stress, "--set", m, "--variant", &variant, "-n", "2"], &dir, 2);
    assert!(e.contains("set one value, the one scaling the other"), "{e}");
    let e = fails(&["run", &stress, "--set", rate, "--set", m, "-n", "2"], &dir, 2);
    assert!(e.contains("set one value, the one scaling the other"), "{e}");
    // --set and an optimizer's decision (a condition such as a multiplier
    // is no decision at all; an outflow's capacity given two ways is).
    let decision = "outflow.btk_railway.capacity_per_year=14000,100000";
    let tonnes = "outflow.btk_railway.capacity_t_per_year=6500000";
    let e = fails(
        &["optimize", &stress, "--decision", decision, "--set", tonnes, "--delta", "1e6"],
        &dir,
        2,
    );
    assert!(e.contains("the decision would replace or scale the --set value"), "{e}");
    // Two axes that give one quantity two ways: the later would remove the
    // earlier at every point.
    let e = fails(
        &[
            "sweep",
            &stress,
            "--axis",
            "outflow.btk_railway.capacity_per_year=14000,100000",
            "--axis",
            "outflow.btk_railway.capacity_t_per_year=1100000,2000000",
            "-n",
            "2",
        ],
        &dir,
        2,
    );
    assert!(e.contains("gives the quantity the axis outflow.btk_railway.capacity_per_year"), "{e}");
}

#[test]
fn a_one_valued_axis_leaves_the_other_keys_their_sensitivity() {
    let dir = scratch("disruption-one-valued");
    let stress = scenario("stress/random_outages.toml");
    let text = ok(
        &[
            "sweep",
            &stress,
            "--axis",
            "disruptions.rate_multiplier=0,2",
            "--axis",
            "disruption.alat_outage.scale=0.5",
            "--lhs",
            "10",
            "-n",
            "3",
            "-q",
            "--kpi",
            "cost.total_per_year",
        ],
        &dir,
    );
    let table = &text[text.find("sensitivity: partial rank correlation").expect(&text)..];
    let row = |key: &str| {
        let line = table.lines().find(|l| l.starts_with(key)).expect(table);
        line.split_whitespace().skip(1).collect::<Vec<_>>()
    };
    // The cost rises with the multiplier (from no outage to one a year at
    // each place): a defined, significant PRCC.
    let m = row("disruptions.rate_multiplier");
    assert!(m[0].starts_with('+') && m[3] == "yes", "{table}");
    assert_eq!(row("disruption.alat_outage.scale"), ["-", "-", "-", "-"], "{table}");
}

#[test]
fn an_axis_that_changes_nothing_is_warned_of() {
    let dir = scratch("disruption-inert");
    // The baseline has no disruption to scale.
    let base = scenario("baseline.toml");
    let out = ok_output(
        &["sweep", &base, "--axis", "disruptions.rate_multiplier=0,2", "-n", "2", "-q"],
        &dir,
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(": the axis disruptions.rate_multiplier changes nothing at any of its values"),
        "{err}"
    );
    let stress = scenario("stress/random_outages.toml");
    let out = ok_output(
        &["sweep", &stress, "--axis", "disruptions.rate_multiplier=0,2", "-n", "2", "-q"],
        &dir,
    );
    assert!(!String::from_utf8_lossy(&out.stderr).contains("changes nothing"));
}

/// A `--set` multiplier with nothing to multiply is warned of on every
/// command that takes `--set` (a multiplier of 1, or one that scales
/// something, is not).
#[test]
fn a_set_multiplier_that_changes_nothing_is_warned_of() {
    let dir = scratch("disruption-inert-set");
    let (base, dated) = (scenario("baseline.toml"), scenario("stress/alat_closed_30d.toml"));
    let stress = scenario("stress/random_outages.toml");
    let warned = |args: &[&str]| {
        let err = String::from_utf8_lossy(&ok_output(args, &dir).stderr).into_owned();
        err.contains("changes nothing in") && err.contains("so every result is the scenario's own")
    };
    let set = "disruptions.rate_multiplier=2";
    assert!(warned(&["run", &base, "-n", "2", "-q", "--set", set]));
    // Dated disruptions keep their day: nothing has a rate.
    assert!(warned(&["run", &dated, "-n", "2", "-q", "--set", set]));
    assert!(warned(&["compare", &base, &dated, "-n", "2", "-q", "--set", set]));
    assert!(warned(&["trace", &base, "--csv", "t.csv", "--set", set]));
    assert!(!warned(&["run", &stress, "-n", "2", "-q", "--set", set]));
    assert!(!warned(&["run", &base, "-n", "2", "-q", "--set", "disruptions.rate_multiplier=1"]));
    assert!(!warned(&["run", &base, "-n", "2", "-q", "--set", "weather.storm_rate_multiplier=2"]));
    // A duration multiplier with the rates another override took to 0:
    // nothing strikes to last longer.
    let cancelled = |args: &[&str]| {
        let err = String::from_utf8_lossy(&ok_output(args, &dir).stderr).into_owned();
        err.contains("changes nothing: with the other overrides")
    };
    let (rate0, longer) = ("disruptions.rate_multiplier=0", "disruptions.duration_multiplier=2");
    assert!(cancelled(&["run", &stress, "-n", "2", "-q", "--set", rate0, "--set", longer]));
    let (storms0, storms_longer) =
        ("weather.storm_rate_multiplier=0", "weather.storm_duration_multiplier=2");
    assert!(cancelled(&["run", &base, "-n", "2", "-q", "--set", storms0, "--set", storms_longer]));
    // A dated disruption still strikes: its duration scales.
    assert!(!cancelled(&["run", &dated, "-n", "2", "-q", "--set", rate0, "--set", longer]));
    assert!(!cancelled(&["run", &stress, "-n", "2", "-q", "--set", longer]));
    // In a comparison's variant too, once, and not for the --set beneath it.
    let variant = format!("z:{rate0},{longer}");
    let args = [
        "compare",
        &stress,
        "--variant",
        &variant,
        "-n",
        "2",
        "-q",
        "--kpi",
        "cost.total_per_year",
    ];
    let err = String::from_utf8_lossy(&ok_output(&args, &dir).stderr).into_owned();
    assert!(err.contains(&format!("warning: --variant z: {longer} changes nothing")), "{err}");
    assert_eq!(err.matches("changes nothing").count(), 1, "{err}");
    // A file whose only disruption has the rate 0: the file's own, not the
    // doing of other overrides (there are none).
    let rate0_file = format!(
        "[scenario]\nextends = {base:?}\nname = \"rate0\"\n\n[[disruption]]\nid = \"d\"\n\
         target = \"port.alat\"\nrate_per_year = 0\nduration_days = {{ dist = \"constant\", value = 7 }}\n"
    );
    std::fs::write(dir.join("rate0.toml"), rate0_file).unwrap();
    assert!(warned(&["run", "rate0.toml", "-n", "2", "-q", "--set", longer]));
    assert!(!cancelled(&["run", "rate0.toml", "-n", "2", "-q", "--set", longer]));
    // A sweep axis that is such a multiplier is warned of as inert; a rate
    // multiplier axis through 0 is not.
    let inert = |args: &[&str]| {
        let err = String::from_utf8_lossy(&ok_output(args, &dir).stderr).into_owned();
        err.contains("changes nothing at any of its values")
    };
    let axis = "disruptions.duration_multiplier=1,2";
    assert!(inert(&["sweep", &stress, "-n", "2", "-q", "--axis", axis, "--set", rate0]));
    let axis = "weather.storm_duration_multiplier=1,2";
    assert!(inert(&["sweep", &base, "-n", "2", "-q", "--axis", axis, "--set", storms0]));
    let axis = "disruptions.rate_multiplier=0,2";
    assert!(!inert(&["sweep", &stress, "-n", "2", "-q", "--axis", axis]));
    // An axis of one value is a setting, as --set is: warned of where
    // another axis takes the rates to 0.
    let berths = "port.alat.berths.rail_ferry=2,3";
    let args = [
        "sweep",
        &stress,
        "-n",
        "2",
        "-q",
        "--axis",
        "disruptions.rate_multiplier=0",
        "--axis",
        "disruptions.duration_multiplier=2",
        "--axis",
        berths,
    ];
    let err = String::from_utf8_lossy(&ok_output(&args, &dir).stderr).into_owned();
    let warning = ": the axis disruptions.duration_multiplier=2 changes nothing: at every \
                   design point, with the other axes and overrides,";
    assert!(err.contains(warning), "{err}");
}

/// `validate` checks a file's `[[sweep]]` at every design point, as
/// `caspian sweep` runs it: a scale above 1 for a port is refused there.
#[test]
fn validate_checks_every_design_point_of_a_files_sweep() {
    let dir = scratch("disruption-validate-sweep");
    let parent = scenario("stress/random_outages.toml");
    let text = format!(
        "[scenario]\nextends = {parent:?}\nname = \"bad_sweep\"\n\n[[sweep]]\n\
         key = \"disruption.alat_outage.scale\"\nvalues = [0.5, 1.5]\n"
    );
    std::fs::write(dir.join("bad.toml"), text).unwrap();
    let e = fails(&["validate", "bad.toml"], &dir, 2);
    assert!(e.contains("design point 1 (disruption.alat_outage.scale=1.5)"), "{e}");
    assert!(e.contains("must be at most 1 for a port"), "{e}");
    assert!(!e.contains("invalid too"), "one bad point, no others: {e}");
    // Several bad points: the first in full, the others by index; the same
    // from `sweep`, before any replication.
    let text = format!(
        "[scenario]\nextends = {parent:?}\nname = \"bad_sweep\"\n\n[[sweep]]\n\
         key = \"disruption.alat_outage.scale\"\nvalues = [1.5, 0.5, 2, 1, 3]\n"
    );
    std::fs::write(dir.join("bad3.toml"), text).unwrap();
    for args in [&["validate", "bad3.toml"][..], &["sweep", "bad3.toml", "-n", "2"]] {
        let e = fails(args, &dir, 2);
        assert!(e.contains("design point 0 (disruption.alat_outage.scale=1.5)"), "{e}");
        assert!(e.contains("(invalid too: design points 2 and 4 of 5)"), "{e}");
    }
    // A value that cannot be written names its design point too.
    let berths = "port.alat.berths.rail_ferry=2.5,2";
    let scale = "disruption.alat_outage.scale=0.5,1.5";
    let e = fails(&["sweep", &parent, "-n", "2", "--axis", berths, "--axis", scale], &dir, 2);
    let point =
        "(design point 0: port.alat.berths.rail_ferry=2.5, disruption.alat_outage.scale=0.5)";
    assert!(e.contains(point), "{e}");
    let e = fails(
        &["sweep", &parent, "-n", "2", "--axis", "disruption.alat_outage.scale=2,3"],
        &dir,
        2,
    );
    assert!(e.contains("(all 2 design points are invalid)"), "{e}");
    let good = ok(&["validate", &parent], &dir);
    assert!(good.contains("ok"), "{good}");
    // A design too large to run in full is no error: sweep --lhs samples it.
    let mut big = format!("[scenario]\nextends = {parent:?}\nname = \"big\"\n");
    for d in ["alat", "aktau", "kuryk", "sangachal", "btc", "btk"] {
        let values: Vec<String> = (1..=10).map(|i| format!("{}", f64::from(i) / 10.0)).collect();
        big.push_str(&format!(
            "\n[[sweep]]\nkey = \"disruption.{d}_outage.rate_per_year\"\nvalues = [{}]\n",
            values.join(", ")
        ));
    }
    std::fs::write(dir.join("big.toml"), big).unwrap();
    let out = ok_output(&["validate", "big.toml"], &dir);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("were not checked one by one"), "{err}");
    // A fault two files up is still reported under the file given.
    std::fs::write(dir.join("t.toml"), "[scenario]\nname = \"t\nhorizon").unwrap();
    std::fs::write(dir.join("u.toml"), "[scenario]\nextends = \"t.toml\"\nname = \"u\"\n").unwrap();
    std::fs::write(dir.join("v.toml"), "[scenario]\nextends = \"u.toml\"\nname = \"v\"\n").unwrap();
    let e = fails(&["validate", "v.toml"], &dir, 2);
    assert!(e.starts_with("v.toml: t.toml (extended by u.toml): TOML parse error"), "{e}");
}

/// `validate` gives the warnings a run (or, for a file with axes, a sweep)
/// would give before running, and they do not make the file invalid; a
/// comparison of two files with the same problem says it once, naming
/// the other scenario too.
#[test]
fn validate_gives_the_warnings_a_run_would() {
    let dir = scratch("disruption-validate-warnings");
    let base = scenario("baseline.toml").replace('\\', "/");
    let shut = |name: &str| {
        format!(
            "[scenario]\nextends = \"{base}\"\nname = \"{name}\"\nhorizon_days = 45\n\n\
             [[disruption]]\nid = \"shut\"\ntarget = \"port.alat\"\nstart_day = 35.0\n\
             duration_days = {{ dist = \"constant\", value = 0.0 }}\n"
        )
    };
    std::fs::write(dir.join("shut.toml"), shut("shut")).unwrap();
    std::fs::write(dir.join("shut2.toml"), shut("shut2")).unwrap();
    let said = "disruption shut lasts for 0 days";
    let out = ok_output(&["validate", "shut.toml", &base], &dir);
    let (stdout, err) =
        (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("shut.toml: ok") && stdout.contains("baseline.toml: ok"), "{stdout}");
    assert!(err.contains(&format!("warning: shut.toml: {said}")), "{err}");
    // Its sweep (the baseline's [[sweep]]) has it too: said once.
    assert_eq!(err.matches(said).count(), 1, "{err}");
    // A warning of its sweep's points alone is given as the sweep gives it,
    // for each file (the baseline's third point raises the loss risk).
    let lost = "at design point 2 first, a vessel lost at sea is never replaced";
    assert_eq!(err.matches(lost).count(), 2, "{err}");
    // A warning of the file as it runs is not given again for its sweep.
    let escorts = scenario("escort_convoys.toml").replace('\\', "/");
    let text = format!(
        "[scenario]\nextends = \"{escorts}\"\nname = \"few\"\n\n[interdiction.escort]\n\
         convoy_size = 5\nfleets = [\"oil_tankers\"]\n\n\
         [[sweep]]\nkey = \"fleet.oil_tankers.count\"\nvalues = [5, 4]\n"
    );
    std::fs::write(dir.join("few.toml"), text).unwrap();
    let out = ok_output(&["validate", "few.toml"], &dir);
    let err = String::from_utf8_lossy(&out.stderr);
    // The file's own 4 tankers: the run's warning, not the sweep's again.
    assert_eq!(err.matches("interdiction.escort.convoy_size is 5").count(), 1, "{err}");
    assert!(!err.contains("at design point 1 first, interdiction"), "{err}");
    // Two files with one problem: said once, naming both.
    let compare = ["compare", "shut.toml", "shut2.toml", "-n", "2", "-q", "--kpi", "delivered*"];
    let out = ok_output(&compare, &dir);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.matches(said).count(), 1, "{err}");
    assert!(err.contains("(also in \"shut2\")"), "{err}");
}

/// A disruption aimed at a port where no vessel calls (no berths), or a
/// cut of a port with only shared berths (a scale above 0 cuts none), is
/// warned of as changing nothing; a closure of the second is not.
#[test]
fn a_disruption_of_a_port_it_cannot_touch_is_warned_of() {
    let dir = scratch("untouchable_port");
    let file = |berths: &str, scale: &str| {
        let text = format!(
            "[scenario]\nextends = \"{}\"\nname = \"ghost\"\nhorizon_days = 60\n\n\
             [[port]]\nid = \"ghost\"\nname = \"Ghost\"\n{berths}\n\
             [[disruption]]\nid = \"g\"\ntarget = \"port.ghost\"\nscale = {scale}\n\
             start_day = 40\nduration_days = {{ dist = \"constant\", value = 10 }}\n",
            scenario("baseline.toml").replace('\\', "/")
        );
        std::fs::write(dir.join("ghost.toml"), text).unwrap();
    };
    let warning = |berths: &str, scale: &str| {
        file(berths, scale);
        let out = crate::common::ok_output(&["run", "ghost.toml", "-n", "1", "-q"], &dir);
        let err = String::from_utf8_lossy(&out.stderr).to_string();
        err.lines().find(|l| l.contains("disruption g ")).map(str::to_string)
    };
    let none = warning("", "0").expect("a closure of a port without berths");
    assert!(
        none.contains(
            "leaves the capacity of its target as it is (port ghost has no berths, so no \
             vessel calls there, though its closure counts in port_closure_h.ghost too)"
        ) && none.contains("aim it at a port with berths"),
        "{none}"
    );
    let shared = "shared_berths = [{ classes = [\"tanker\", \"roro\"], count = 2 }]";
    let cut = warning(shared, "0.5").expect("a cut of shared berths");
    assert!(
        cut.contains("port ghost has only shared berths, which a scale above 0 does not cut")
            && cut.contains("close the port (scale = 0) or give it berths of its own"),
        "{cut}"
    );
    assert_eq!(warning(shared, "0"), None, "a closure closes shared berths too");
    let one = warning(shared, "1").expect("a scale of 1");
    assert!(one.contains("(its scale is 1, a factor of 1"), "{one}");
}
