//! Sweeps that say what they compare: `--axis` replaces the file's
//! `[[sweep]]` axes, and `--reference` picks the design point every other
//! point is compared with, paired replication by replication (common random
//! numbers), in the JSON, the CSV and the table; merged shards give the
//! same differences as one sweep.

use std::path::Path;

use serde_json::Value;

use crate::common::{fails, ok, read, scenario, scratch};

fn json(dir: &Path, name: &str) -> Value {
    serde_json::from_slice(&read(dir, name)).unwrap()
}

/// The baseline with only its first two `[[sweep]]` axes.
fn two_axes(dir: &Path) -> String {
    let text = std::fs::read_to_string(scenario("baseline.toml")).unwrap();
    let third = text.match_indices("[[sweep]]").nth(2).expect("the baseline has three axes").0;
    let (head, tail) = text.split_at(third);
    // Drop the third table (up to the next blank line or the end).
    let rest = tail.split_once("\n\n").map_or("", |(_, r)| r);
    let path = dir.join("two_axes.toml");
    std::fs::write(&path, format!("{head}{rest}")).unwrap();
    path.display().to_string()
}

#[test]
fn axes_on_the_command_line_replace_the_files() {
    let dir = scratch("sweep-axis-replaces");
    let file = two_axes(&dir);
    ok(&["sweep", &file, "-n", "1", "-q", "--json", "file.json"], &dir);
    let doc = json(&dir, "file.json");
    let axes = doc["axes"].as_array().unwrap();
    assert_eq!(axes.len(), 2, "the file declares two axes");
    let product: usize = axes.iter().map(|a| a["values"].as_array().unwrap().len()).product();
    assert_eq!(doc["points"].as_array().unwrap().len(), product);

    let axis = "weather.storm_duration_multiplier=1,1.5,2";
    ok(&["sweep", &file, "-n", "1", "-q", "--axis", axis, "--json", "cli.json"], &dir);
    let doc = json(&dir, "cli.json");
    let axes = doc["axes"].as_array().unwrap();
    assert_eq!(axes.len(), 1, "only the --axis: {axes:?}");
    assert_eq!(axes[0]["key"], "weather.storm_duration_multiplier");
    let values: Vec<Vec<f64>> = doc["points"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["values"].as_array().unwrap().iter().map(|v| v.as_f64().unwrap()).collect())
        .collect();
    assert_eq!(values, vec![vec![1.0], vec![1.5], vec![2.0]]);
}

/// One KPI's values per replication at each design point, from a shard
/// part holding every replication (`--shard 0/1`).
fn column(part: &Value, point: usize, kpi: &str) -> Vec<f64> {
    let rec = &part["records"][point];
    let i = rec["kpi_names"].as_array().unwrap().iter().position(|n| n == kpi).unwrap();
    rec["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["values"][i].as_f64().unwrap_or(f64::NAN))
        .collect()
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0)
}

#[test]
fn differences_are_paired_means_over_the_replications() {
    let dir = scratch("sweep-reference");
    let base = scenario("baseline.toml");
    let args = ["-n", "8", "-q", "--axis=weather.storm_rate_multiplier=0.5,1,2,4"];
    let mut whole = vec!["sweep", &base, "--reference", "1", "--json", "s.json", "--csv", "s.csv"];
    whole.extend(args);
    let table = ok(&whole, &dir);
    // The same replications, as records.
    let mut part = vec!["sweep", &base, "--shard", "0/1", "--json", "part.json"];
    part.extend(args);
    ok(&part, &dir);
    let doc = json(&dir, "s.json");
    let part = json(&dir, "part.json");
    assert_eq!(doc["reference"], 1);
    let points = doc["points"].as_array().unwrap();
    assert_eq!(points.len(), 4);
    assert!(points[1].get("differences").is_none(), "the reference has no differences");
    let mut checked = 0;
    for kpi in ["delivered_total.oil", "delivered_total.wagons", "anchorage_wait_h.alat.rail_ferry"]
    {
        let reference = column(&part, 1, kpi);
        for p in [0, 2, 3] {
            let d = &points[p]["differences"][kpi];
            let diffs: Vec<f64> =
                column(&part, p, kpi).iter().zip(&reference).map(|(x, r)| x - r).collect();
            let mean = diffs.iter().sum::<f64>() / diffs.len() as f64;
            let got = d["mean_diff"].as_f64().unwrap();
            assert!(close(got, mean), "{kpi} at point {p}: {got} vs {mean}");
            let (lo, hi) = (d["ci95_low"].as_f64().unwrap(), d["ci95_high"].as_f64().unwrap());
            assert!(lo <= got && got <= hi, "{kpi} at point {p}: [{lo}, {hi}] misses {got}");
            assert_eq!(d["n"], 8);
            assert_eq!(d["unit"], points[p]["kpis"][kpi]["unit"]);
            checked += 1;
        }
    }
    assert_eq!(checked, 9);

    // The CSV carries the same differences, empty at the reference.
    let csv = String::from_utf8(read(&dir, "s.csv")).unwrap();
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let (kpi_col, diff_col) = (col("kpi"), col("diff_vs_reference"));
    for line in lines {
        let f: Vec<&str> = line.split(',').collect();
        if f[kpi_col] != "delivered_total.oil" {
            continue;
        }
        let p: usize = f[0].parse().unwrap();
        if p == 1 {
            assert_eq!(&f[diff_col..], ["", "", ""], "{line}");
        } else {
            let want = points[p]["differences"]["delivered_total.oil"]["mean_diff"].as_f64();
            assert!(close(f[diff_col].parse().unwrap(), want.unwrap()), "{line}");
        }
    }

    // The table names the reference and marks its row.
    assert!(table.contains("minus the reference, point 1"), "{table}");
    let rows: Vec<&str> = table.lines().filter(|l| l.contains("reference")).collect();
    assert!(rows.iter().any(|l| l.starts_with("1 ")), "{table}");
    assert!(!table.lines().any(|l| l.starts_with("0 ") && l.contains("reference")), "{table}");

    // Naming the point by its axis value picks the same point.
    let mut by_value =
        vec!["sweep", &base, "--reference", "weather.storm_rate_multiplier=1", "--json", "v.json"];
    by_value.extend(args);
    ok(&by_value, &dir);
    assert_eq!(read(&dir, "v.json"), read(&dir, "s.json"));
}

#[test]
fn the_default_reference_is_the_first_point() {
    let dir = scratch("sweep-reference-default");
    let base = scenario("baseline.toml");
    let axis = "--axis=weather.storm_rate_multiplier=1,2";
    ok(&["sweep", &base, "-n", "3", "-q", axis, "--json", "s.json"], &dir);
    let doc = json(&dir, "s.json");
    assert_eq!(doc["reference"], 0);
    assert!(doc["points"][0].get("differences").is_none());
    assert!(doc["points"][1]["differences"]["delivered_total.oil"]["mean_diff"].is_number());
}

#[test]
fn merged_shards_give_the_differences_of_one_sweep() {
    let dir = scratch("sweep-reference-merge");
    let base = scenario("baseline.toml");
    let common =
        ["-n", "6", "-q", "--axis=weather.storm_rate_multiplier=1,2,3", "--reference", "2"];
    let mut single = vec!["sweep", &base, "--json", "single.json", "--csv", "single.csv"];
    single.extend(common);
    ok(&single, &dir);
    for k in 0..2 {
        let (shard, part) = (format!("{k}/2"), format!("p{k}.json"));
        let mut args = vec!["sweep", &base, "--shard", &shard, "--json", &part];
        args.extend(common);
        ok(&args, &dir);
    }
    ok(&["merge", "p0.json", "p1.json", "-q", "--json", "m.json", "--csv", "m.csv"], &dir);
    assert_eq!(json(&dir, "m.json")["reference"], 2);
    assert_eq!(read(&dir, "single.json"), read(&dir, "m.json"));
    assert_eq!(read(&dir, "single.csv"), read(&dir, "m.csv"));
    // A part run with another reference is not merged with these.
    let axis = "--axis=weather.storm_rate_multiplier=1,2,3";
    ok(&["sweep", &base, "-n", "6", "-q", axis, "--shard", "1/2", "--json", "other.json"], &dir);
    let err = fails(&["merge", "p0.json", "other.json", "--json", "x.json"], &dir, 2);
    assert!(err.contains("reference point") && err.contains("--reference"), "{err}");
    assert!(!dir.join("x.json").exists());
}

#[test]
fn a_reference_that_names_no_point_is_refused_before_any_work() {
    let dir = scratch("sweep-reference-bad");
    let base = scenario("baseline.toml");
    let axis = "--axis=weather.storm_rate_multiplier=1,2";
    let cases = [
        ("2", "there is no design point 2 (the design has 2"),
        ("weather.storm_rate_multiplier=3", "no design point has these axis values"),
        ("fleet.x.count=1", "fleet.x.count is not an axis of this sweep"),
        ("weather.storm_rate_multiplier=big", "\"big\" is not a finite number"),
        ("first", "expected a design point index or KEY=VALUE"),
        (
            "weather.storm_rate_multiplier=1,weather.storm_rate_multiplier=2",
            "weather.storm_rate_multiplier is given twice",
        ),
    ];
    for (spec, message) in cases {
        let err = fails(
            &["sweep", &base, "-n", "2", axis, "--reference", spec, "--json", "s.json"],
            &dir,
            2,
        );
        assert!(err.contains("--reference") && err.contains(message), "{spec}: {err}");
        assert!(!dir.join("s.json").exists());
        assert!(!dir.join("s.json.checkpoint").exists(), "refused before the checkpoint");
    }
}
