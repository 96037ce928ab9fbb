//! The monthly series (`month_delivered`, `month_backlog`,
//! `month_service_level` per cargo and month) through the binary: complete
//! in the per-replication CSV and consistent with the yearly KPIs there,
//! hidden from the terminal table unless asked for, and drawn by `report`
//! as a fan chart per cargo whose band is the quantiles of the
//! replications' values (run) or of each scenario's (compare).

use serde_json::Value;

use crate::common::{columns, ok, ok_output, scenario, scratch};

/// Type-7 quantile of the defined values (the definition of docs/kpis.md).
fn quantile(values: &[f64], p: f64) -> f64 {
    let mut v: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
    v.sort_by(f64::total_cmp);
    match v.len() {
        0 => f64::NAN,
        1 => v[0],
        n => {
            let h = (n - 1) as f64 * p;
            let lo = h.floor() as usize;
            let hi = (lo + 1).min(n - 1);
            v[lo] + (h - lo as f64) * (v[hi] - v[lo])
        }
    }
}

fn same(a: f64, b: f64) -> bool {
    (a.is_nan() && b.is_nan()) || (a - b).abs() <= 1e-9 * b.abs().max(1.0)
}

/// The rows of the fan charts' value tables: (KPI, scenario, [P5, P50, P95]).
fn fan_rows(html: &str) -> Vec<(String, String, [f64; 3])> {
    let mut rows = Vec::new();
    for line in html.lines().filter(|l| l.starts_with("<tr><td class=\"k fan\">")) {
        let cells: Vec<&str> = line.split("<td").skip(1).collect();
        let text = |c: &str| c.split_once('>').unwrap().1.split('<').next().unwrap().to_string();
        let value = |c: &str| {
            let v = c.split("data-v=\"").nth(1).unwrap().split('"').next().unwrap();
            v.parse::<f64>().unwrap_or(f64::NAN)
        };
        rows.push((
            text(cells[0]),
            text(cells[1]),
            [value(cells[2]), value(cells[3]), value(cells[4])],
        ));
    }
    rows
}

#[test]
fn the_series_add_up_to_the_yearly_kpis_and_the_fan_band_is_their_quantiles() {
    let dir = scratch("monthly-run");
    let out = ok(&["run", "-n", "12", "--json", "run.json", "--csv", "reps.csv"], &dir);
    let cols = columns(&dir, "reps.csv");
    for cargo in ["oil", "wagons"] {
        let months: Vec<&String> =
            cols.keys().filter(|k| k.starts_with(&format!("month_delivered.{cargo}."))).collect();
        // The baseline's window (days 30 to 395) overlaps 13 calendar months.
        assert_eq!(months.len(), 13, "{months:?}");
        let last = months.last().unwrap().rsplit('.').next().unwrap().to_string();
        assert_eq!(last, "m13");
        let totals = &cols[&format!("delivered_total.{cargo}")];
        let backlog_end = &cols[&format!("backlog_end.{cargo}")];
        let last_backlog = &cols[&format!("month_backlog.{cargo}.m13")];
        assert_eq!(totals.len(), 12);
        for (r, total) in totals.iter().enumerate() {
            let sum: f64 = months.iter().map(|m| cols[*m][r]).sum();
            assert_eq!(sum, *total, "{cargo} rep {r}");
        }
        assert_eq!(last_backlog, backlog_end, "the last month ends at the horizon");
    }
    // The terminal table hides the 156 series KPIs (3 series x 13 months x
    // 4 cargoes) and says so.
    assert!(!out.contains("month_delivered"), "{out}");
    assert!(out.contains("156 KPIs hidden: monthly series"), "{out}");
    let all = ok(&["run", "-n", "2", "--all"], &dir);
    assert!(all.contains("month_service_level.wagons.m13"));
    assert!(!all.contains("hidden: monthly series"));
    let asked = ok(&["run", "-n", "2", "--kpi", "month_backlog.oil.*"], &dir);
    assert_eq!(asked.lines().filter(|l| l.starts_with("month_backlog.oil.m")).count(), 13);

    // The report: one fan chart per cargo, drawn from the document alone.
    let err = ok_output(&["report", "run.json", "--out", "run.html"], &dir);
    assert!(String::from_utf8_lossy(&err.stderr).contains("4 charts"));
    let html = std::fs::read_to_string(dir.join("run.html")).unwrap();
    assert_eq!(html.matches("Month by month: ").count(), 4, "oil, wagons, trucks, TEU");
    let rows = fan_rows(&html);
    assert_eq!(rows.len(), 4 * 3 * 13, "four cargoes, three series, 13 months");
    for (kpi, scenario, [p05, p50, p95]) in &rows {
        assert_eq!(scenario, "baseline");
        let v = &cols[kpi];
        assert!(same(*p05, quantile(v, 0.05)), "{kpi} P5 {p05} vs {}", quantile(v, 0.05));
        assert!(same(*p50, quantile(v, 0.50)), "{kpi} P50");
        assert!(same(*p95, quantile(v, 0.95)), "{kpi} P95");
        assert!(p05 <= p50 && p50 <= p95 || p50.is_nan(), "{kpi}: ordered band");
    }
}

#[test]
fn a_comparison_draws_every_scenario_on_the_same_fan() {
    let dir = scratch("monthly-compare");
    let (base, winter) = (scenario("baseline.toml"), scenario("severe_winter.toml"));
    let args = ["compare", &base, &winter, "-n", "6", "-q", "--json", "cmp.json", "--report", "r"];
    ok_output(&args, &dir);
    let doc: Value = serde_json::from_slice(&std::fs::read(dir.join("cmp.json")).unwrap()).unwrap();
    let html = std::fs::read_to_string(dir.join("r/report.html")).unwrap();
    assert_eq!(html.matches("Month by month: ").count(), 4, "one per cargo");
    let rows = fan_rows(&html);
    let names: Vec<&str> =
        doc["scenarios"].as_array().unwrap().iter().map(|s| s["name"].as_str().unwrap()).collect();
    assert_eq!(rows.len(), names.len() * 4 * 3 * 13, "a band per scenario");
    for (kpi, scenario, band) in &rows {
        let i = names.iter().position(|n| n == scenario).unwrap();
        let s = &doc["summaries"][i][kpi.as_str()];
        for (v, p) in band.iter().zip(["p05", "p50", "p95"]) {
            let want = s[p].as_f64().unwrap_or(f64::NAN);
            assert!(same(*v, want), "{scenario} {kpi} {p}: {v} vs {want}");
        }
    }
    assert!(html.contains(&format!("median ({})", names[1])), "the policy's median in the legend");
    // `--kpi` picks the fan charts: the oil series alone, without the forest.
    let only = ["report", "cmp.json", "--kpi", "month_backlog.oil.*", "--out", "oil.html"];
    let err = ok_output(&only, &dir);
    assert!(String::from_utf8_lossy(&err.stderr).contains("1 chart"));
    let html = std::fs::read_to_string(dir.join("oil.html")).unwrap();
    assert_eq!(html.matches("Month by month: oil").count(), 1);
    assert!(!html.contains("Month by month: wagons") && !html.contains("paired differences from"));
    // `plot` draws one chart: it says where the series are drawn.
    let err =
        crate::common::fails(&["plot", "cmp.json", "--kpi", "month_*", "--out", "x.svg"], &dir, 2);
    assert!(err.contains("fan"), "{err}");
}
