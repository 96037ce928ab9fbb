//! The charts of `caspian plot` and `caspian report` as a reader needs them:
//! the comparison faceted by KPI, charts that follow `--kpi`, histogram bins
//! on whole cargo lots, the tail of the risk chart, a tornado chart for a
//! Latin hypercube, the headline panel with `--target` probabilities, the
//! KPI table grouped by family, option errors in words, and a comparison
//! of one replication, which has no interval to chart.

use std::path::Path;

use serde_json::Value;

use crate::common::{fails, ok, ok_output, scenario, scratch, thousands};

fn json(dir: &Path, name: &str) -> Value {
    serde_json::from_slice(&std::fs::read(dir.join(name)).unwrap()).unwrap()
}

fn text(dir: &Path, name: &str) -> String {
    std::fs::read_to_string(dir.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// One column of a CSV written by `caspian run --csv`.
fn column(csv: &str, name: &str) -> Vec<f64> {
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let i = header.iter().position(|h| *h == name).unwrap();
    lines.map(|l| l.split(',').nth(i).unwrap().parse().unwrap()).collect()
}

fn gcd(a: u64, b: u64) -> u64 {
    if b == 0 { a } else { gcd(b, a % b) }
}

#[test]
fn the_comparison_has_one_facet_per_selected_kpi_titled_from_the_schema() {
    let dir = scratch("charts-compare");
    let base = scenario("baseline.toml");
    let args = [
        "compare",
        &base,
        &scenario("severe_winter.toml"),
        "-n",
        "8",
        "-q",
        "--json",
        "cmp.json",
        "--kpi",
        "delivered_total.*",
        "--kpi",
        "transit_h.oil.mean",
        "--report",
        "rep",
    ];
    ok_output(&args, &dir);
    let doc = json(&dir, "cmp.json");
    let base_kpis = doc["summaries"][0].as_object().unwrap();
    let chosen: Vec<&String> = base_kpis
        .keys()
        .filter(|k| k.starts_with("delivered_total.") || *k == "transit_h.oil.mean")
        .collect();
    let html = text(&dir, "rep/report.html");
    // One comparison chart for the chosen KPIs, and the four cargoes' fan
    // charts: no pattern names a monthly series, so `--kpi` leaves the
    // month-by-month view as it is without a filter (it narrows the fans
    // only when a pattern names `month_*`; see monthly_series.rs).
    assert_eq!(html.matches("<figure class=\"chart\"").count(), 1 + 4);
    assert_eq!(html.matches(">\nMonth by month: ").count(), 4, "a fan per cargo");
    // One facet per chosen KPI: its title (key, unit, description) and its
    // own x axis in the KPI's unit.
    for k in &chosen {
        let unit = base_kpis[k.as_str()]["unit"].as_str().unwrap();
        let title = format!(">\n{k} ({unit}): ");
        assert_eq!(html.matches(&title).count(), 1, "facet of {k}");
    }
    assert_eq!(html.matches(">\npolicy minus base (").count(), chosen.len(), "one axis per facet");
    assert_eq!(html.matches(">\npolicy minus base\n</text>").count(), 1, "legend title once");
    assert!(!html.contains("% of the base"), "no shared relative axis");

    // `caspian plot` draws the same facets from the JSON.
    let plot = ["plot", "cmp.json", "--kpi", "transit_h.*", "--out", "f.svg"];
    ok_output(&plot, &dir);
    let svg = text(&dir, "f.svg");
    let transit = base_kpis.keys().filter(|k| k.starts_with("transit_h.")).count();
    assert_eq!(svg.matches(">\npolicy minus base (h)").count(), transit);
}

/// A comparison of one replication is a valid document with no interval
/// to draw: `report` writes the page with a note where the chart of
/// paired differences would be (it once refused the program's own output),
/// and `plot`, asked for that chart alone, says why it cannot draw it.
#[test]
fn a_one_replication_comparison_reports_without_its_difference_chart() {
    let dir = scratch("charts-compare-one");
    let args = [
        "compare",
        &scenario("baseline.toml"),
        &scenario("alat_extra_berth.toml"),
        "-n",
        "1",
        "-q",
        "--json",
        "cmp.json",
    ];
    ok_output(&args, &dir);
    ok_output(&["report", "cmp.json", "--out", "cmp.html"], &dir);
    let html = text(&dir, "cmp.html");
    let note = "No chart of paired differences for delivered_total.*, transit_h.*, \
                anchorage_wait_h.*: with 1 replication a difference has no confidence \
                interval; compare with -n 2 or more.";
    assert!(html.contains(note), "the note in the chart's place");
    assert!(!html.contains(">\npolicy minus base ("), "no forest facet drawn");
    // The rest of the page is there: the difference table and the fans.
    assert!(html.contains("alat_extra_berth minus baseline</h3>"));
    assert!(html.contains(">\nMonth by month: "), "the fan charts still drawn");

    let err = fails(&["plot", "cmp.json", "--out", "f.svg"], &dir, 2);
    assert!(err.contains("with 1 replication a difference has no confidence interval"), "{err}");
    assert!(!dir.join("f.svg").exists(), "no empty chart written");

    // Two replications draw the chart as usual.
    let two = ["compare", &scenario("baseline.toml"), &scenario("alat_extra_berth.toml")];
    ok_output(&[&two[..], &["-n", "2", "-q", "--json", "two.json"]].concat(), &dir);
    ok_output(&["report", "two.json", "--out", "two.html"], &dir);
    let html = text(&dir, "two.html");
    assert!(!html.contains("No chart of paired differences"));
    assert!(html.contains(">\npolicy minus base ("), "facets drawn");
}

#[test]
fn report_charts_follow_kpi_on_run_and_sweep() {
    let dir = scratch("charts-kpi");
    let args = ["run", "-n", "10", "-q", "--kpi", "transit_h.oil.mean", "--report", "r"];
    ok_output(&args, &dir);
    let html = text(&dir, "r/report.html");
    // A distribution for the chosen KPI only; the fan charts of the monthly
    // series stay, as a pattern that names no `month_*` series leaves them.
    let distributions = html.matches("<figcaption>Distribution of ").count();
    assert_eq!(distributions, 1, "only the chosen KPI's distribution");
    assert_eq!(html.matches(">\nMonth by month: ").count(), 4, "a fan per cargo");
    assert_eq!(html.matches("<figure class=\"chart\"").count(), 1 + 4);
    assert!(html.contains("distribution of transit_h.oil.mean"));
    assert!(!html.contains("distribution of delivered_total"));
    let base = scenario("baseline.toml");
    let args = ["sweep", &base, "-n", "2", "-q", "--kpi", "berth_calls.alat.*", "--report", "s"];
    ok_output(&args, &dir);
    let html = text(&dir, "s/report.html");
    // Matching KPIs that are identically zero still get their chart.
    let charted = html.matches("<figure class=\"chart\"").count();
    assert_eq!(
        charted,
        2 * 3,
        "sweep and reference charts of rail_ferry, roro and container calls"
    );
    assert!(html.contains("berth_calls.alat.rail_ferry vs"));
    assert!(!html.contains("delivered_total.wagons vs"));
}

#[test]
fn histograms_of_cargo_bin_on_whole_lots_and_the_risk_chart_shows_its_tail() {
    let dir = scratch("charts-lots");
    ok_output(&["run", "-n", "30", "-q", "--json", "run.json", "--csv", "reps.csv"], &dir);
    let csv = text(&dir, "reps.csv");
    let doc = json(&dir, "run.json");
    for (kpi, unit) in [("delivered_total.oil", "t"), ("delivered_total.wagons", "wagons")] {
        let values = column(&csv, kpi);
        let lot = values.iter().fold(0, |g, v| gcd(g, *v as u64));
        assert!(lot >= 1 && values.iter().all(|v| v.fract() == 0.0), "{kpi}: whole amounts");
        let target = doc["kpis"][kpi]["p50"].as_f64().unwrap();
        let t = target.to_string();
        let args = [
            "plot",
            "run.json",
            "--kpi",
            kpi,
            "--replications-csv",
            "reps.csv",
            "--target",
            &t,
            "--out",
            "d.svg",
        ];
        ok_output(&args, &dir);
        let svg = text(&dir, "d.svg");
        let unit = if lot == 1 { unit.trim_end_matches('s') } else { unit };
        let lot_text = format!("whole lots of {} {unit} (", thousands(lot));
        assert!(svg.contains(&lot_text), "{kpi}: {lot_text} in the subtitle");
        // The tail: one rug mark per replication below the target (more
        // cargo is better), plus its legend entry.
        let below = values.iter().filter(|&&v| v < target).count();
        assert_eq!(svg.matches("stroke=\"#AA003C\"").count(), below + 1, "{kpi}: rug");
    }
}

#[test]
fn a_latin_hypercube_report_has_a_tornado_chart_per_kpi() {
    let dir = scratch("charts-lhs");
    let base = scenario("baseline.toml");
    let args = [
        "sweep",
        &base,
        "--lhs",
        "12",
        "-n",
        "2",
        "-q",
        "--json",
        "lhs.json",
        "--kpi",
        "delivered_total.*",
        "--report",
        "lhs",
    ];
    ok_output(&args, &dir);
    let doc = json(&dir, "lhs.json");
    let html = text(&dir, "lhs/report.html");
    let kpis = doc["points"][0]["kpis"]
        .as_object()
        .unwrap()
        .keys()
        .filter(|k| k.starts_with("delivered_total."))
        .count();
    let charted = html.matches("<figure class=\"chart\"").count();
    assert_eq!(charted, 3 * kpis, "sweep, differences from the reference, tornado");
    assert_eq!(html.matches(": what drives delivered_total.").count(), kpis);
    assert!(html.contains("id=\"sensitivity\""));
    // Every swept key is a bar of every tornado, labelled in words.
    let words = |key: &str| match key {
        "port.alat.berths.rail_ferry" => "rail_ferry berths at alat",
        "weather.storm_rate_multiplier" => "storm rate multiplier",
        "interdiction.incident_probability" => "incident probability per crossing",
        other => panic!("the baseline sweeps no {other}"),
    };
    for axis in doc["axes"].as_array().unwrap() {
        let key = axis["key"].as_str().unwrap();
        assert!(html.matches(&format!(">\n{} (", words(key))).count() >= kpis, "{key}");
    }
    // A full factorial has none.
    ok_output(&["sweep", &base, "-n", "2", "-q", "--report", "ff"], &dir);
    assert!(!text(&dir, "ff/report.html").contains("what drives"));
}

#[test]
fn the_report_opens_with_the_headline_numbers_and_target_probabilities() {
    let dir = scratch("charts-headline");
    ok_output(&["run", "-n", "12", "-q", "--json", "run.json"], &dir);
    // A hand-made `targets` entry, as `caspian run --target` writes it.
    let mut doc = json(&dir, "run.json");
    doc["targets"] = serde_json::json!([{
        "kpi": "delivered_total.oil", "condition": ">=1500000",
        "p_meet": 0.75, "ci95_low": 0.4677, "ci95_high": 0.9111, "n": 12
    }]);
    std::fs::write(dir.join("t.json"), serde_json::to_vec(&doc).unwrap()).unwrap();
    ok_output(&["report", "t.json", "--out", "t.html"], &dir);
    let html = text(&dir, "t.html");
    let panel = html.find("id=\"headline\"").expect("a headline panel");
    assert!(panel < html.find("id=\"summary\"").unwrap(), "the panel comes first");
    let card = |k: &str| format!("<div class=\"k\">{k}</div>");
    let first = html.find("<div class=\"card").unwrap();
    assert!(
        html[first..].starts_with(&format!("<div class=\"card\">{}", card("delivered_total.oil")))
    );
    // The worst anchorage wait is the one with the highest mean.
    let kpis = doc["kpis"].as_object().unwrap();
    let worst = kpis
        .iter()
        .filter(|(k, _)| k.starts_with("anchorage_wait_h."))
        .filter_map(|(k, s)| s["mean"].as_f64().map(|m| (k, m)))
        .max_by(|a, b| a.1.total_cmp(&b.1))
        .unwrap()
        .0;
    assert!(html.contains(&card(worst)), "{worst}");
    assert!(html.contains(&card("P(delivered_total.oil &gt;=1500000)")));
    assert!(html.contains("<div class=\"v\">0.750</div>"));
    assert!(html.contains("95% CI 0.468 to 0.911; 12 replications"));
    // The KPI table: every KPI once, grouped by family under <details>,
    // long families folded.
    assert_eq!(html.matches("<td class=\"k\">").count(), kpis.len());
    // Only families of more than six KPIs fold away.
    let folded = html.matches("<details class=\"family\">").count();
    let plain = html.matches("<div class=\"family\">").count();
    assert!(folded > 0 && plain > 0 && folded + plain > 5, "{folded} folded, {plain} plain");
    // Each family says how many KPIs it has (`1 KPI`, `2 KPIs`) and folds
    // away exactly when it has more than six.
    let blocks: Vec<&str> = html.split("class=\"family\">").collect();
    for (before, block) in blocks.iter().zip(&blocks[1..]) {
        let rows = block.split("</table>").next().unwrap().matches("<td class=\"k\">").count();
        let noun = if rows == 1 { "KPI" } else { "KPIs" };
        assert!(block.contains(&format!("({rows} {noun})</span>")), "{rows}: {block:.200}");
        assert_eq!(before.ends_with("<details "), rows > 6, "{rows} rows: {block:.200}");
    }
    assert!(!html.contains("(1 KPIs)"), "plural");
    assert!(!html.contains("<script"));
}

#[test]
fn option_errors_speak_plainly() {
    let dir = scratch("charts-errors");
    ok_output(&["run", "-n", "4", "-q", "--json", "run.json", "--csv", "reps.csv"], &dir);
    let plot = [
        "plot",
        "run.json",
        "--kpi",
        "delivered_total.oil",
        "--replications-csv",
        "reps.csv",
        "--target",
        "1.5Mt",
        "--out",
        "x.svg",
    ];
    let e = fails(&plot, &dir, 2);
    assert!(e.contains("expected a number") && e.contains("1.5Mt"), "{e}");
    assert!(!e.contains("float") && !e.contains("f64"), "{e}");
    let e = fails(
        &["report", "run.json", "--target", "delivered_total.oil=lots", "--out", "x.html"],
        &dir,
        2,
    );
    assert!(e.contains("\"lots\" is not a number") && e.contains("--target"), "{e}");
    assert!(!dir.join("x.svg").exists() && !dir.join("x.html").exists());
}

/// `plot --at` holds one axis at one value: a key given twice is refused
/// (the first would silently win), as `--set`, `--axis` and `--decision`
/// refuse theirs.
#[test]
fn plot_at_refuses_a_key_given_twice() {
    let dir = scratch("plot_at_twice");
    let base = scenario("baseline.toml");
    let axes =
        ["--axis=weather.storm_rate_multiplier=1,2", "--axis=port.alat.berths.rail_ferry=2,3"];
    let run =
        ["sweep", &base, "-n", "2", "-q", "--set", "scenario.horizon_days=60", "--json", "s.json"];
    ok(&[&run[..], &axes].concat(), &dir);
    let plot = ["plot", "s.json", "--kpi", "delivered_total.oil", "--by", "none", "--out", "p.svg"];
    let plot = [&plot[..], &["--axis", "weather.storm_rate_multiplier"]].concat();
    let at = |v: &str| format!("--at=port.alat.berths.rail_ferry={v}");
    ok(&[&plot[..], &[&at("2")]].concat(), &dir);
    let err = fails(&[&plot[..], &[&at("2"), &at("3")]].concat(), &dir, 2);
    assert!(err.contains("the key port.alat.berths.rail_ferry is given twice"), "{err}");
}

/// A replications CSV of another run (another seed) is refused whatever
/// the report charts, and so is a value no replication gives.
#[test]
fn report_refuses_a_replications_csv_of_another_run() {
    let dir = scratch("report_other_csv");
    let run = ["run", "-n", "2", "-q", "--set", "scenario.horizon_days=60"];
    ok(&[&run[..], &["--json", "r.json", "--csv", "r.csv"]].concat(), &dir);
    ok(&[&run[..], &["--seed", "5", "--csv", "o.csv"]].concat(), &dir);
    let report = ["report", "r.json", "--out", "x.html", "--replications-csv"];
    ok(&[&report[..], &["r.csv"]].concat(), &dir);
    let err = fails(&[&report[..], &["o.csv"]].concat(), &dir, 2);
    assert!(err.contains("the replications CSV does not belong to this run"), "{err}");
    let text = std::fs::read_to_string(dir.join("r.csv")).unwrap();
    let (head, rows) = text.split_once('\n').unwrap();
    let column = head.split(',').position(|c| c == "cargo_lost.oil").unwrap();
    let mut damaged: Vec<String> = vec![head.to_string()];
    for (i, row) in rows.lines().enumerate() {
        let mut cells: Vec<&str> = row.split(',').collect();
        if i == 0 {
            cells[column] = "-7";
        }
        damaged.push(cells.join(","));
    }
    std::fs::write(dir.join("d.csv"), damaged.join("\n") + "\n").unwrap();
    let err = fails(&[&report[..], &["d.csv"]].concat(), &dir, 2);
    assert!(err.contains("line 2, column cargo_lost.oil: -7 is outside the KPI's range"), "{err}");
}
