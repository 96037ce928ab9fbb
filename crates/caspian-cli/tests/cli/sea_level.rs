//! Sea level and draft through the binary: the shipped 2030 scenarios equal
//! the same change made with `--set` and with a sweep axis, the baseline's
//! tanker load is its calibrated draft-limited share, and bad values are
//! refused with exit code 2 naming the key.

use std::path::Path;

use serde_json::Value;

use crate::common::{fails, ok, read, scenario, scratch};

fn json(dir: &Path, name: &str) -> Value {
    serde_json::from_slice(&read(dir, name)).unwrap()
}

fn mean(doc: &Value, kpi: &str) -> f64 {
    doc["kpis"][kpi]["mean"].as_f64().unwrap_or_else(|| panic!("{kpi} in {doc}"))
}

const LEVEL_2030: [&str; 4] =
    ["--set", "sea_level.offset_m=-1.25", "--set", "sea_level.change_m_per_year=-0.25"];

#[test]
fn the_2030_scenario_is_the_baseline_with_its_sea_level_set() {
    let dir = scratch("sea-level-2030");
    let file = scenario("sea_level_2030.toml");
    ok(&["run", &file, "-n", "4", "-q", "--json", "file.json"], &dir);
    let mut args = vec!["run", "-n", "4", "-q", "--json", "set.json"];
    args.extend(LEVEL_2030);
    ok(&args, &dir);
    ok(&["run", "-n", "4", "-q", "--json", "base.json"], &dir);
    let (file, set, base) =
        (json(&dir, "file.json"), json(&dir, "set.json"), json(&dir, "base.json"));
    assert_eq!(file["kpis"], set["kpis"], "the file and --set give the same KPIs");
    // Today: a tanker loads 8,000 of its 12,000 t on every call (the
    // calibration), so the load factor is exactly 2/3 in every replication.
    assert_eq!(mean(&base, "load_factor.oil_tankers"), 8000.0 / 12000.0);
    assert_eq!(base["kpis"]["load_factor.oil_tankers"]["sd"].as_f64(), Some(0.0));
    // draft_lost counts the 4,000 t of room lost per loaded (outbound)
    // departure: over the 4 replications, a multiple of 4,000 t.
    let lost = mean(&base, "draft_lost.oil_tankers") * 4.0;
    assert!(lost > 0.0 && lost % 4000.0 == 0.0, "{lost}");
    // 1.25 m less water cuts every load further and wagons get through less.
    assert!(mean(&file, "load_factor.oil_tankers") < mean(&base, "load_factor.oil_tankers"));
    assert!(mean(&file, "draft_lost.ferries_kuryk_alat") > 0.0);
    assert_eq!(mean(&base, "draft_lost.ferries_kuryk_alat"), 0.0);
    assert!(mean(&file, "delivered_total.wagons") < mean(&base, "delivered_total.wagons"));
}

#[test]
fn dredging_from_day_zero_equals_setting_the_depth() {
    let dir = scratch("sea-level-dredged");
    let dredged = scenario("sea_level_2030_dredged.toml");
    ok(&["run", &dredged, "-n", "3", "-q", "--json", "dredged.json"], &dir);
    let plain = scenario("sea_level_2030.toml");
    let args = ["run", &plain, "-n", "3", "-q", "--set", "port.aktau.depth_m=7.7"];
    ok(&[&args[..], &["--json", "depth.json"]].concat(), &dir);
    ok(&["run", &plain, "-n", "3", "-q", "--json", "plain.json"], &dir);
    let (dredged, depth, plain) =
        (json(&dir, "dredged.json"), json(&dir, "depth.json"), json(&dir, "plain.json"));
    // The same water gives the same simulation; only the dredging's
    // capital (paid for in the dredged scenario, not when the depth is
    // simply set) differs, and it moves the total by exactly as much.
    let money = ["cost.capital_per_year", "cost.total_per_year"];
    let (mut a, mut b) = (dredged["kpis"].clone(), depth["kpis"].clone());
    for k in money {
        a.as_object_mut().unwrap().remove(k);
        b.as_object_mut().unwrap().remove(k);
    }
    assert_eq!(a, b);
    let capital = mean(&dredged, money[0]) - mean(&depth, money[0]);
    let total = mean(&dredged, money[1]) - mean(&depth, money[1]);
    assert!(capital > 0.0, "{capital}");
    assert!((total - capital).abs() <= 1e-6 * capital, "{total} vs {capital}");
    assert!(mean(&dredged, "load_factor.oil_tankers") > mean(&plain, "load_factor.oil_tankers"));
}

#[test]
fn sea_level_and_depth_are_sweep_axes() {
    let dir = scratch("sea-level-sweep");
    let base = scenario("baseline.toml");
    let axis = "sea_level.offset_m=0,-1.25";
    ok(&["sweep", &base, "-n", "3", "-q", "--axis", axis, "--json", "sweep.json"], &dir);
    ok(&["run", &base, "-n", "3", "-q", "--json", "base.json"], &dir);
    let set = "sea_level.offset_m=-1.25";
    ok(&["run", &base, "-n", "3", "-q", "--set", set, "--json", "low.json"], &dir);
    let sweep = json(&dir, "sweep.json");
    let points = sweep["points"].as_array().unwrap();
    assert_eq!(points.len(), 2);
    assert_eq!(points[0]["kpis"], json(&dir, "base.json")["kpis"], "offset 0 is the baseline");
    assert_eq!(points[1]["kpis"], json(&dir, "low.json")["kpis"]);
    // A deeper Aktau never carries less oil per tanker call.
    let axis = "port.aktau.depth_m=5.6,7.7";
    ok(&["sweep", &base, "-n", "2", "-q", "--axis", axis, "--json", "depth.json"], &dir);
    let depth = json(&dir, "depth.json");
    let lf = |i: usize| depth["points"][i]["kpis"]["load_factor.oil_tankers"]["mean"].as_f64();
    assert!(lf(1).unwrap() > lf(0).unwrap());
}

#[test]
fn bad_sea_level_values_name_the_key() {
    let dir = scratch("sea-level-bad");
    for (set, expect) in [
        ("sea_level.ukc_m=-1", "sea_level.ukc_m: must be between 0 and 10"),
        ("port.aktau.depth_m=-2", "port.aktau.depth_m: must be greater than zero"),
        ("sea_level.bogus=1", "unknown key \"bogus\""),
        // 4 m less water (1.6 m at Aktau): an empty tanker needs 2.6 m.
        ("sea_level.offset_m=-4", "fleet.oil_tankers.draft_light_m"),
    ] {
        let err = fails(&["run", "-n", "2", "-q", "--set", set], &dir, 2);
        assert!(err.contains(expect), "{set}: {err}");
        assert!(!err.contains("panicked"), "{err}");
    }
}

/// A dredging on day 0 sets the depth the time-0 check sees; two for one
/// port on one day are refused; one after the horizon is warned of (it is
/// charged, never in effect).
#[test]
fn dredgings_are_checked_as_they_take_effect() {
    let dir = scratch("sea-level-dredgings");
    let base = scenario("baseline.toml").replace('\\', "/");
    let file = |name: &str, entries: &[(f64, f64)]| {
        let mut text = format!("[scenario]\nextends = \"{base}\"\nname = \"{name}\"\n");
        for (day, depth) in entries {
            text +=
                &format!("\n[[dredging]]\nport = \"aktau\"\nday = {day:?}\ndepth_m = {depth:?}\n");
        }
        std::fs::write(dir.join(format!("{name}.toml")), text).unwrap();
        format!("{name}.toml")
    };
    let shallow = file("shallow", &[(0.0, 2.0)]);
    let err = fails(&["validate", &shallow], &dir, 2);
    assert!(err.contains("port \"aktau\" has 2 m at time 0"), "{err}");
    assert!(err.contains("cannot call there from the start"), "{err}");
    let twice = file("twice", &[(100.0, 100.0), (100.0, 5.6)]);
    let err = fails(&["run", &twice, "-n", "1", "-q"], &dir, 2);
    assert!(
        err.contains("dredging[1].day: dredging[0] already sets port \"aktau\"'s depth on day 100"),
        "{err}"
    );
    let late = file("late", &[(100000.0, 9.0)]);
    let out = crate::common::ok_output(&["run", &late, "-n", "1", "-q"], &dir);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("dredging[0] of port aktau on day 100000 is at or after the horizon"),
        "{err}"
    );
}
