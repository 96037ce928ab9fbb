//! The terminal tables people read: headline KPIs first, then the others by
//! family, units from the KPI schema, thousands separators and shared
//! decimals, void KPIs hidden unless `--all`; `--kpi` that matches nothing
//! names the closest KPIs; `caspian kpis` lists them all.

use serde_json::Value;

use crate::common::{fails, ok, read, scenario, scratch};

fn json(dir: &std::path::Path, name: &str) -> Value {
    serde_json::from_slice(&read(dir, name)).unwrap()
}

/// The KPI rows of the main table: (name, cells after the name), for
/// lines whose first word is a KPI of `kpis`, in table order (the rare-event
/// and target tables after it are left out).
fn kpi_rows<'t>(table: &'t str, kpis: &Value) -> Vec<(&'t str, Vec<&'t str>)> {
    let end = ["\nrare events", "\ntargets:"].iter().filter_map(|m| table.find(m)).min();
    table[..end.unwrap_or(table.len())]
        .lines()
        .filter_map(|l| {
            let mut words = l.split_whitespace();
            let name = words.next()?;
            kpis.get(name).map(|_| (name, words.collect()))
        })
        .collect()
}

/// A table cell as a number (commas removed; `-` is undefined).
fn number(cell: &str) -> f64 {
    if cell == "-" { f64::NAN } else { cell.replace(',', "").parse().unwrap() }
}

/// Zero or undefined in every replication, judged from the summary.
fn void(s: &Value) -> bool {
    s["n"] == 0 || (s["mean"].as_f64() == Some(0.0) && s["sd"].as_f64() == Some(0.0))
}

#[test]
fn run_table_opens_with_the_headline_and_writes_readable_numbers() {
    let dir = scratch("tables-run");
    let out = ok(&["run", "-n", "20", "-q", "--json", "r.json"], &dir);
    // Under the title, what one replication's value is: its window.
    let second = out.lines().nth(1).unwrap_or_default();
    assert!(
        second.starts_with("each replication: its reporting window, day 30 to day 395 (365 days")
    );
    let doc = json(&dir, "r.json");
    let kpis = &doc["kpis"];
    let rows = kpi_rows(&out, kpis);
    // Headline first: cargo delivered, transit, the worst wait, risk.
    let names: Vec<&str> = rows.iter().map(|r| r.0).collect();
    let delivered = [
        "delivered_total.oil",
        "delivered_total.teu",
        "delivered_total.trucks",
        "delivered_total.wagons",
    ];
    assert_eq!(&names[..4], delivered, "{out}");
    let heading = out.lines().position(|l| l == "headline").expect("a headline heading");
    let first = out.lines().position(|l| l.starts_with("delivered_total.oil ")).unwrap();
    assert_eq!(first, heading + 1, "{out}");
    let waits: Vec<(&String, f64)> = kpis
        .as_object()
        .unwrap()
        .iter()
        .filter(|(k, _)| k.starts_with("anchorage_wait_h."))
        .filter_map(|(k, s)| Some((k, s["mean"].as_f64()?)))
        .collect();
    let worst = waits.iter().max_by(|a, b| a.1.total_cmp(&b.1)).unwrap().0;
    let wait_rows: Vec<usize> = names
        .iter()
        .enumerate()
        .filter(|(_, n)| n.starts_with("anchorage_wait_h."))
        .map(|(i, _)| i)
        .collect();
    assert_eq!(names[wait_rows[0]], worst.as_str(), "the worst wait is the first one shown");
    assert!(wait_rows[0] < names.iter().position(|n| *n == "vessels_lost").unwrap());
    // Risk KPIs are headline KPIs even when zero: "no loss" is a finding.
    for risk in ["incidents", "vessels_lost", "cargo_lost.oil"] {
        assert!(names.contains(&risk), "{risk} shown: {out}");
    }
    // Families follow under their own headings, with the schema's meaning.
    assert!(out.contains("\nberth_utilization.<port>.<class>: busy berth-hours"), "{out}");
    // Each row: the unit of the JSON, numbers that round the JSON's, with
    // thousands separators and the same decimals in every column.
    for (name, cells) in &rows {
        let s = &kpis[*name];
        let unit = s["unit"].as_str().unwrap();
        let unit_words = unit.split_whitespace().count();
        assert_eq!(cells[..unit_words].join(" "), unit, "{name}");
        let nums = &cells[unit_words..];
        assert_eq!(nums.len(), 7, "{name}: {cells:?}");
        for (cell, field) in
            nums.iter().zip(["mean", "sd", "ci95_low", "ci95_high", "p05", "p50", "p95"])
        {
            let Some(want) = s[field].as_f64() else {
                assert_eq!(*cell, "-", "{name}.{field}");
                continue;
            };
            let got = number(cell);
            let decimals = cell.split_once('.').map_or(0, |(_, f)| f.len());
            let tolerance = 0.5 * 10f64.powi(-(decimals as i32)) + 1e-9;
            assert!((got - want).abs() <= tolerance, "{name}.{field}: {cell} for {want}");
            if want.abs() >= 1000.0 {
                assert!(cell.contains(','), "{name}.{field}: {cell} has no thousands separator");
            }
        }
        let decimals: Vec<usize> =
            nums.iter().filter_map(|c| c.split_once('.').map(|(_, f)| f.len())).collect();
        assert!(decimals.windows(2).all(|w| w[0] == w[1]), "{name}: {nums:?}");
    }
}

#[test]
fn void_kpis_are_hidden_and_counted_and_all_shows_them() {
    let dir = scratch("tables-hidden");
    let out = ok(&["run", "-n", "10", "-q", "--json", "r.json"], &dir);
    let doc = json(&dir, "r.json");
    let kpis = doc["kpis"].as_object().unwrap();
    let shown: Vec<&str> = kpi_rows(&out, &doc["kpis"]).into_iter().map(|r| r.0).collect();
    // Monthly series are hidden on a line of their own (tested in monthly_series.rs).
    let series = |k: &str| k.starts_with("month_");
    let hidden: Vec<&String> =
        kpis.keys().filter(|k| !shown.contains(&k.as_str()) && !series(k)).collect();
    assert!(shown.iter().all(|k| !series(k)), "series are hidden by default");
    assert!(!hidden.is_empty(), "the baseline has void KPIs (e.g. delivered into an origin)");
    for k in &hidden {
        assert!(void(&kpis[k.as_str()]), "{k} hidden but not void");
    }
    for k in &shown {
        let headline = ["vessels_lost", "incidents", "corridor_closure_h"].contains(k)
            || k.starts_with("cargo_lost.")
            || k.starts_with("delivered_total.");
        assert!(headline || !void(&kpis[*k]), "{k} is void but shown");
    }
    let line = format!("{} KPIs hidden: zero or undefined in every replication", hidden.len());
    assert!(out.contains(&line) && out.contains("--all"), "{out}");
    let all = ok(&["run", "-n", "10", "-q", "--all"], &dir);
    assert_eq!(kpi_rows(&all, &doc["kpis"]).len(), kpis.len(), "{all}");
    assert!(!all.contains("hidden"), "{all}");
    // A void KPI named exactly is shown.
    let named = ok(&["run", "-n", "10", "-q", "--kpi", hidden[0]], &dir);
    assert_eq!(kpi_rows(&named, &doc["kpis"]).len(), 1, "{named}");
    // A comparison hides KPIs void in every scenario, and says so.
    let base = scenario("baseline.toml");
    let cmp = ok(&["compare", &base, &base, "-n", "10", "-q"], &dir);
    assert!(cmp.contains(&format!("{} KPIs hidden", hidden.len())), "{cmp}");
    let cmp_all = ok(&["compare", &base, &base, "-n", "10", "-q", "--all"], &dir);
    assert_eq!(kpi_rows(&cmp_all, &doc["kpis"]).len(), kpis.len());
}

#[test]
fn a_kpi_pattern_that_matches_nothing_names_the_closest() {
    let dir = scratch("tables-kpi");
    ok(&["run", "-n", "3", "-q", "--json", "r.json"], &dir);
    let total = json(&dir, "r.json")["kpis"].as_object().unwrap().len();
    let sweep = scenario("baseline.toml");
    let commands: Vec<Vec<&str>> = vec![
        vec!["run", "-n", "3", "-q"],
        vec!["sweep", &sweep, "-n", "2", "-q", "--axis", "port.alat.berths.rail_ferry=1,2"],
        vec!["compare", &sweep, &sweep, "-n", "3", "-q"],
        vec!["report", "r.json", "--out", "r.html"],
        vec!["plot", "r.json", "--out", "p.svg"],
    ];
    for cmd in commands {
        let args = [&cmd[..], &["--kpi", "delivered_totl.oil"]].concat();
        let err = fails(&args, &dir, 2);
        assert!(err.contains("--kpi delivered_totl.oil matches none"), "{cmd:?}: {err}");
        assert!(err.contains("closest: delivered_total.oil"), "{cmd:?}: {err}");
        assert!(err.contains(&format!("{total} KPIs")), "{cmd:?}: {err}");
        assert!(err.contains("caspian kpis"), "{cmd:?}: {err}");
    }
    assert!(!dir.join("r.html").exists() && !dir.join("p.svg").exists());
    // A wildcard that matches is fine; one that does not is refused.
    ok(&["run", "-n", "3", "-q", "--kpi", "berth_util*"], &dir);
    let err = fails(&["run", "-n", "3", "-q", "--kpi", "berth_utilisation*"], &dir, 2);
    // The pattern corrected first, then the names nearest to it.
    assert!(err.contains("closest: berth_utilization*, berth_utilization."), "{err}");
}

#[test]
fn a_sweep_hides_kpis_void_at_every_point() {
    let dir = scratch("tables-sweep");
    let base = scenario("baseline.toml");
    // Every berth class of the baseline has traffic: two more that none uses.
    let unused = "port.sangachal.berths={ tanker = 2, roro = 1, container = 1 }";
    let args = [
        "sweep",
        &base,
        "-n",
        "3",
        "-q",
        "--axis",
        "port.alat.berths.rail_ferry=1,2",
        "--set",
        unused,
    ];
    let wide = [&args[..], &["--kpi", "anchorage_wait_h.*", "--json", "s.json"]].concat();
    let out = ok(&wide, &dir);
    let doc = json(&dir, "s.json");
    let points = doc["points"].as_array().unwrap();
    let waits: Vec<&String> = points[0]["kpis"]
        .as_object()
        .unwrap()
        .keys()
        .filter(|k| k.starts_with("anchorage_wait_h."))
        .collect();
    let void_at_all: Vec<&&String> =
        waits.iter().filter(|k| points.iter().all(|p| void(&p["kpis"][k.as_str()]))).collect();
    assert!(!void_at_all.is_empty(), "the baseline has berth classes no traffic uses");
    // The headers of every block of the table, which holds many KPIs.
    let headers = |out: &str| -> String {
        out.lines().filter(|l| l.starts_with("point ")).collect::<Vec<_>>().join("\n")
    };
    let header = headers(&out);
    for k in &waits {
        let shown = header.contains(&format!("  {k} ("));
        assert_eq!(shown, !void_at_all.contains(&k), "{k}: {header}");
    }
    assert!(out.contains(&format!("{} KPIs hidden", void_at_all.len())), "{out}");
    let all = ok(&[&args[..], &["--kpi", "anchorage_wait_h.*", "--all"]].concat(), &dir);
    let header = headers(&all);
    assert!(waits.iter().all(|k| header.contains(&format!("  {k} ("))), "{header}");
    // However many KPIs, no line is wider than a run's table: the KPIs go
    // on in blocks, each led by the point and its axis.
    assert!(header.lines().count() > 1, "{all}");
    for line in all.lines().skip_while(|l| !l.starts_with("point ")) {
        assert!(line.chars().count() <= 160, "{} characters: {line}", line.chars().count());
    }
    for h in header.lines() {
        assert!(h.starts_with("point  port.alat.berths.rail_ferry  "), "{h}");
    }
}

#[test]
fn sweep_table_columns_share_their_decimals_and_float_noise_is_zero() {
    let dir = scratch("tables-sweep-numbers");
    let base = scenario("baseline.toml");
    let (oil, wait) = ("delivered_total.oil", "anchorage_wait_h.alat.rail_ferry");
    let args = [
        "sweep",
        &base,
        "-n",
        "3",
        "-q",
        "--axis",
        "port.alat.berths.rail_ferry=2,3",
        "--axis",
        "weather.storm_rate_multiplier=0.0005,0.005",
        "--kpi",
        oil,
        "--kpi",
        wait,
        "--json",
        "s.json",
    ];
    let out = ok(&args, &dir);
    let doc = json(&dir, "s.json");
    let points = doc["points"].as_array().unwrap();
    let reference = doc["reference"].as_u64().unwrap() as usize;
    // Cells are two spaces apart; an interval `[a, b]` is one cell.
    let cells = |l: &str| -> Vec<String> {
        l.split("  ").map(str::trim).filter(|c| !c.is_empty()).map(String::from).collect()
    };
    let lines: Vec<&str> = out.lines().collect();
    // Each block of the table: its header and its rows, every point but the
    // reference (whose interval cells are empty).
    let blocks: Vec<(Vec<String>, Vec<Vec<String>>)> = (0..lines.len())
        .filter(|&h| lines[h].starts_with("point "))
        .map(|h| {
            let header = cells(lines[h]);
            let rows: Vec<Vec<String>> = lines[h + 2..]
                .iter()
                .take_while(|l| !l.is_empty())
                .map(|l| cells(l))
                .filter(|r| r.len() == header.len())
                .collect();
            (header, rows)
        })
        .collect();
    assert!(!blocks.is_empty(), "a header: {out}");
    let decimals = |c: &str| c.split_once('.').map_or(0, |(_, f)| f.len());
    let parse = |c: &str| c.replace(',', "").parse::<f64>().unwrap();
    for k in [oil, wait] {
        let key = format!("{k} (");
        let (header, rows) = blocks
            .iter()
            .find(|(h, _)| h.iter().any(|c| c.starts_with(&key)))
            .unwrap_or_else(|| panic!("{k} in a block: {out}"));
        assert_eq!(rows.len(), points.len() - 1, "{out}");
        let j = header.iter().position(|c| c.starts_with(&key)).unwrap();
        for r in rows {
            let p = &points[r[0].parse::<usize>().unwrap()];
            // Whole-number axes print whole; the others exactly, sharing decimals.
            assert!(!r[1].contains('.'), "berths: {}", r[1]);
            assert_eq!(parse(&r[1]), p["values"][0].as_f64().unwrap());
            assert_eq!(parse(&r[2]), p["values"][1].as_f64().unwrap());
            assert_eq!(decimals(&r[2]), decimals(&rows[0][2]), "storm column: {out}");
            let mean_decimals = rows.iter().map(|r| &r[j]).find(|c| *c != "0").map(|c| decimals(c));
            for c in [&r[j], &r[j + 1]] {
                assert!(c == "0" || Some(decimals(c)) == mean_decimals, "{k}: {c}\n{out}");
            }
            let (diff, json_diff) = (&r[j + 2], p["differences"][k]["mean_diff"].as_f64().unwrap());
            assert!(!diff.contains('e'), "{k}: no scientific noise: {diff}");
            let same = p["kpis"][k]["mean"] == points[reference]["kpis"][k]["mean"];
            if same || diff == "0" {
                assert_eq!(diff, "0", "{k}: equal means");
                let step = 10f64.powi(-(mean_decimals.unwrap_or(0) as i32));
                assert!(json_diff.abs() <= step / 2.0 + 1e-9 * json_diff.abs(), "{k}: {json_diff}");
            } else {
                assert_eq!(Some(decimals(diff)), mean_decimals, "{k}: {diff}");
                let step = 10f64.powi(-(decimals(diff) as i32));
                assert!((parse(diff) - json_diff).abs() <= step / 2.0 * 1.000_001, "{k}: {diff}");
                assert_eq!(diff.starts_with('+'), json_diff > 0.0, "{k}: sign of {diff}");
            }
        }
    }
}
