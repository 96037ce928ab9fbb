//! `--tidy-csv FILE` on run, sweep and compare: one row per (scenario or
//! point, replication, KPI), with units from the schema and one column per
//! swept key.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::common::{fails, ok, read, scenario, scratch};

const COLUMNS: &str = "scenario,point,replication,kpi,value,unit";

fn text(dir: &std::path::Path, name: &str) -> String {
    String::from_utf8(read(dir, name)).unwrap()
}

fn json(dir: &std::path::Path, name: &str) -> Value {
    serde_json::from_slice(&read(dir, name)).unwrap()
}

/// The rows of a tidy CSV, each split into cells (no cell holds a comma).
fn rows(csv: &str) -> Vec<Vec<&str>> {
    csv.lines().skip(1).map(|l| l.split(',').collect()).collect()
}

#[test]
fn run_rows_are_replications_times_kpis_with_the_values_of_csv() {
    let dir = scratch("tidy-run");
    ok(
        // A berth class no traffic uses, so that some KPIs are undefined.
        &[
            "run",
            "-n",
            "7",
            "-q",
            "--set",
            "port.sangachal.berths.roro=1",
            "--csv",
            "r.csv",
            "--json",
            "r.json",
            "--tidy-csv",
            "t.csv",
        ],
        &dir,
    );
    let doc = json(&dir, "r.json");
    let kpis = doc["kpis"].as_object().unwrap();
    let tidy = text(&dir, "t.csv");
    assert_eq!(tidy.lines().next(), Some(COLUMNS));
    let tidy_rows = rows(&tidy);
    assert_eq!(tidy_rows.len(), 7 * kpis.len());
    // Every value equals the per-replication CSV's cell, text for text.
    let wide = text(&dir, "r.csv");
    let mut lines = wide.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let mut cells: BTreeMap<(String, String), String> = BTreeMap::new();
    for line in lines {
        let row: Vec<&str> = line.split(',').collect();
        for (h, c) in header.iter().zip(&row).skip(3) {
            cells.insert((row[0].to_string(), (*h).to_string()), (*c).to_string());
        }
    }
    for r in &tidy_rows {
        let [scenario, point, rep, kpi, value, unit] = r[..] else { panic!("{r:?}") };
        assert_eq!(scenario, doc["scenario"].as_str().unwrap());
        assert_eq!(point, "", "a run has no design point");
        assert_eq!(cells[&(rep.to_string(), kpi.to_string())], value, "{rep} {kpi}");
        assert_eq!(unit, kpis[kpi]["unit"].as_str().unwrap(), "{kpi}");
    }
    // An undefined value is an empty field, as in --csv.
    assert!(tidy_rows.iter().any(|r| r[4].is_empty()), "the baseline has undefined KPIs");
}

#[test]
fn sweep_rows_carry_the_point_and_its_swept_values() {
    let dir = scratch("tidy-sweep");
    let base = scenario("baseline.toml");
    let args = [
        "sweep",
        &base,
        "-n",
        "3",
        "-q",
        "--axis",
        "port.alat.berths.rail_ferry=1,2",
        "--axis",
        "weather.storm_rate_multiplier=1,1.5",
        "--json",
        "s.json",
        "--tidy-csv",
        "t.csv",
    ];
    ok(&args, &dir);
    let doc = json(&dir, "s.json");
    let points = doc["points"].as_array().unwrap();
    let kpis = points[0]["kpis"].as_object().unwrap().len();
    let tidy = text(&dir, "t.csv");
    let keys: Vec<&str> =
        doc["axes"].as_array().unwrap().iter().map(|a| a["key"].as_str().unwrap()).collect();
    assert_eq!(tidy.lines().next().unwrap(), format!("{COLUMNS},{}", keys.join(",")));
    let tidy_rows = rows(&tidy);
    assert_eq!(tidy_rows.len(), points.len() * 3 * kpis);
    for r in &tidy_rows {
        let p = &points[r[1].parse::<usize>().unwrap()];
        for (j, v) in p["values"].as_array().unwrap().iter().enumerate() {
            assert_eq!(r[6 + j].parse::<f64>().unwrap(), v.as_f64().unwrap(), "{r:?}");
        }
        assert_eq!(r[5], p["kpis"][r[3]]["unit"].as_str().unwrap(), "{r:?}");
    }
    // The tidy mean of a KPI at a point is the sweep's mean.
    for (i, p) in points.iter().enumerate() {
        let values: Vec<f64> = tidy_rows
            .iter()
            .filter(|r| r[1] == i.to_string() && r[3] == "delivered_total.oil")
            .map(|r| r[4].parse().unwrap())
            .collect();
        let mean = values.iter().sum::<f64>() / values.len() as f64;
        let want = p["kpis"]["delivered_total.oil"]["mean"].as_f64().unwrap();
        assert!((mean - want).abs() <= 1e-9 * want.abs(), "point {i}: {mean} vs {want}");
    }
}

#[test]
fn compare_rows_name_each_scenario() {
    let dir = scratch("tidy-compare");
    let base = scenario("baseline.toml");
    let berth = scenario("alat_extra_berth.toml");
    ok(
        &["compare", &base, &berth, "-n", "4", "-q", "--json", "c.json", "--tidy-csv", "t.csv"],
        &dir,
    );
    let doc = json(&dir, "c.json");
    let tidy = text(&dir, "t.csv");
    assert_eq!(tidy.lines().next(), Some(COLUMNS));
    let tidy_rows = rows(&tidy);
    let mut total = 0;
    for (i, s) in doc["scenarios"].as_array().unwrap().iter().enumerate() {
        let summaries = doc["summaries"][i].as_object().unwrap();
        let mine: Vec<_> =
            tidy_rows.iter().filter(|r| r[0] == s["name"].as_str().unwrap()).collect();
        assert_eq!(mine.len(), 4 * summaries.len());
        total += mine.len();
        let oil: f64 = mine
            .iter()
            .filter(|r| r[3] == "delivered_total.oil")
            .map(|r| r[4].parse::<f64>().unwrap())
            .sum();
        let want = summaries["delivered_total.oil"]["mean"].as_f64().unwrap();
        assert!((oil / 4.0 - want).abs() <= 1e-9 * want, "{oil} {want}");
    }
    assert_eq!(total, tidy_rows.len());
    // A scenario compared with itself: the two blocks keep apart.
    ok(&["compare", &base, &base, "-n", "2", "-q", "--tidy-csv", "same.csv"], &dir);
    let same = text(&dir, "same.csv");
    let names: std::collections::BTreeSet<&str> = rows(&same).iter().map(|r| r[0]).collect();
    assert_eq!(names.len(), 2, "{names:?}");
    // The tidy CSV is an output like any other: it cannot overwrite an input.
    let err = fails(&["compare", &base, &berth, "-n", "2", "-q", "--tidy-csv", &base], &dir, 2);
    assert!(err.contains("--tidy-csv"), "{err}");
}
