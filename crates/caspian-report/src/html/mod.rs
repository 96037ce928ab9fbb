//! The HTML report: one self-contained page per result, opening with a
//! panel of the headline numbers (`caspian_montecarlo::headline`, the
//! terminal's choice, and a run's `--target` probabilities), then the
//! scenario summary, the charts that fit the result's kind (those of the
//! KPIs `--kpi` selects, and a run's or comparison's monthly fan charts,
//! which `--kpi` narrows only when a pattern names a monthly series), the
//! KPI table with confidence intervals grouped by
//! family (long groups folded in `<details>`), and the provenance block.
//!
//! The page has inline CSS and inline SVG only: no scripts, no fonts, no
//! images or style sheets to fetch, so it opens offline and can be mailed
//! as one file.
//!
//! `page` is the frame every report shares (style, headings, tables,
//! warnings, provenance); `run_page`, `sweep_page` and `compare_page`
//! write the sections of each kind of result, and `optimize_page` the
//! report of `caspian optimize` ([`optimize_report`]).

mod compare_page;
mod optimize_page;
mod page;
mod run_page;
mod sweep_page;

use crate::error::ReportError;
use crate::input::{Replications, ResultDoc};
use crate::story::Story;

pub use optimize_page::optimize_report;

/// KPIs charted by default in run and sweep reports.
pub const DEFAULT_CHART_KPIS: [&str; 1] = ["delivered_total.*"];

/// KPIs in the comparison chart by default.
pub const DEFAULT_COMPARE_KPIS: [&str; 3] =
    ["delivered_total.*", "transit_h.*", "anchorage_wait_h.*"];

/// What goes into a report besides the result document.
#[derive(Debug, Clone, Default)]
pub struct ReportInputs<'a> {
    /// Per-replication values of a run (for distribution charts).
    pub replications: Option<&'a Replications>,
    /// One replication's trace (for the story chart).
    pub trace: Option<&'a Story>,
    /// KPI patterns to chart; empty for the defaults.
    pub kpis: Vec<String>,
    /// Targets of a run's distribution charts (conditions as `caspian run
    /// --target` takes them; a KPI without one here uses the run's own).
    pub targets: Vec<caspian_montecarlo::targets::Condition>,
}

/// A finished report.
#[derive(Debug, Clone)]
pub struct Report {
    /// The page.
    pub html: String,
    /// How many charts (inline `<svg>` elements) it holds.
    pub charts: usize,
}

/// Escapes text for HTML. A control or invisible format character other
/// than a newline or tab (which inputs refuse, but a result file may have
/// been edited) is shown as `<U+XXXX>`, as the terminal shows it, rather
/// than written raw into the page.
pub fn esc(s: &str) -> String {
    let shown = caspian_montecarlo::escape_invisible(s, |c| c == '\n' || c == '\t');
    let mut out = String::with_capacity(shown.len());
    for c in shown.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Builds the report page of a result.
///
/// # Errors
/// A KPI pattern that matches nothing, replications that do not belong to
/// the run, or a drawing error.
pub fn report(doc: &ResultDoc, inputs: &ReportInputs<'_>) -> Result<Report, ReportError> {
    for c in &inputs.targets {
        if !doc.kpi_names().contains(&c.kpi) {
            return Err(crate::input::unknown_kpi(&c.kpi, &doc.kpi_names()));
        }
    }
    match doc {
        ResultDoc::Run(d) => run_page::run_report(d, inputs),
        ResultDoc::Sweep(d) => sweep_page::sweep_report(d, inputs),
        ResultDoc::Compare(d) => compare_page::compare_report(d, inputs),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testdata::{compare, count, run, sweep};

    fn self_contained(html: &str) {
        assert!(html.starts_with("<!DOCTYPE html>"));
        assert!(!html.contains("<script"), "no scripts");
        for bad in ["src=\"http", "href=\"http", "<link", "@import", "url("] {
            assert!(!html.contains(bad), "external asset: {bad}");
        }
        assert!(html.contains("id=\"provenance\""));
        assert!(html.contains("caspian-sim"));
    }

    #[test]
    fn run_report_has_distributions_table_and_provenance() {
        let (doc, reps) = run(20);
        let inputs = ReportInputs {
            replications: Some(&reps),
            targets: vec![caspian_montecarlo::targets::parse("delivered_total.oil>=1e9").unwrap()],
            ..ReportInputs::default()
        };
        let r = report(&ResultDoc::Run(Box::new(doc.clone())), &inputs).unwrap();
        self_contained(&r.html);
        // The baseline carries four cargoes (oil, wagons, trucks, TEU).
        assert_eq!(r.charts, 8, "delivered_total of each cargo, a fan chart per cargo");
        assert_eq!(count(&r.html, "<svg"), r.charts);
        assert_eq!(count(&r.html, "Month by month: "), 4, "a fan chart per cargo");
        // The fan's values are the document's percentiles, exactly.
        let p50 = doc.kpis["month_delivered.oil.m05"].p50;
        assert!(r.html.contains(&format!("data-v=\"{p50}\"")), "P50 of m05 in the values");
        assert!(r.html.contains("P(delivered_total.oil &gt;= 1,000,000,000 t) = 0.000"));
        assert_eq!(count(&r.html, "<td class=\"k\">"), doc.kpis.len(), "one row per KPI");
        // The headline panel opens the page, with the terminal's choice.
        let names =
            caspian_montecarlo::headline(doc.kpis.iter().map(|(k, s)| (k.as_str(), s.mean)));
        assert_eq!(count(&r.html, "<div class=\"card"), names.len());
        assert!(r.html.find("id=\"headline\"").unwrap() < r.html.find("id=\"summary\"").unwrap());
        assert!(r.html.contains(doc.provenance.scenario_sha256.as_deref().unwrap()));
        // A `--target` probability of the document: a card, and the chart's
        // target line when the report is given none.
        let mut with_target = doc.clone();
        with_target.targets.push(caspian_montecarlo::document::TargetProbability {
            kpi: "delivered_total.wagons".into(),
            condition: ">=20000".into(),
            p_meet: 0.9,
            ci95_low: 0.7,
            ci95_high: 0.97,
            n: 20,
            unrecovered: 0,
        });
        let plain = ReportInputs { replications: Some(&reps), ..ReportInputs::default() };
        let r = report(&ResultDoc::Run(Box::new(with_target)), &plain).unwrap();
        assert!(r.html.contains("P(delivered_total.wagons &gt;=20000)"));
        assert!(r.html.contains("condition &gt;= 20,000: P(meet)"));
        // Without replications: a note instead of distribution charts; the
        // fan charts come from the document's percentiles.
        let r = report(&ResultDoc::Run(Box::new(doc)), &ReportInputs::default()).unwrap();
        assert_eq!(r.charts, 4, "a fan chart per cargo");
        assert!(r.html.contains("--replications-csv"));
    }

    #[test]
    fn sweep_and_compare_reports_have_their_charts() {
        let doc = sweep(2);
        let r = report(&ResultDoc::Sweep(Box::new(doc)), &ReportInputs::default()).unwrap();
        self_contained(&r.html);
        // Four KPIs (delivered_total per cargo) against the first axis, and
        // their differences from the reference point.
        assert_eq!((r.charts, count(&r.html, "<svg")), (8, 8));
        // The reference by its values (the baseline's first design point).
        let heading = "Differences from the reference point \
                       (rail_ferry=2, storm_rate_multiplier=0.5, incident_probability=0)";
        assert!(r.html.contains(heading), "the reference named by its values");
        // The headline cards name the lowest and highest points by their values.
        assert!(r.html.contains("lowest at rail_ferry="), "cards name points by values");
        assert!(!r.html.contains("at point "), "no bare point index");
        let doc = compare(6);
        let r = report(&ResultDoc::Compare(Box::new(doc)), &ReportInputs::default()).unwrap();
        self_contained(&r.html);
        assert_eq!((r.charts, count(&r.html, "<svg")), (5, 5), "forest and four fan charts");
        assert!(r.html.contains("severe_winter minus baseline"));
        assert!(r.html.contains("median (severe_winter)"), "the policy's band");
        // The headline cards give each difference and its interval a unit.
        let card = r.html.split("severe_winter: ").nth(1).expect("a difference on a card");
        let card = &card[..card.find(')').unwrap() + 1];
        let unit = ["t", "wagons", "trucks", "TEU", "h"];
        let with =
            |u: &&str| card.contains(&format!(" {u} (95% CI")) && card.ends_with(&format!(" {u})"));
        assert!(unit.iter().any(with), "{card}");
    }

    #[test]
    fn a_sweep_card_whose_means_differ_below_its_digits_says_so() {
        let mut doc = sweep(2);
        let kpi = "anchorage_wait_h.alat.rail_ferry";
        for (i, p) in doc.points.iter_mut().enumerate() {
            p.kpis.get_mut(kpi).expect("a headline KPI").value.mean = 1.5031 + 1e-6 * i as f64;
        }
        let r = report(&ResultDoc::Sweep(Box::new(doc)), &ReportInputs::default()).unwrap();
        let card = r.html.split(kpi).nth(1).expect("its card");
        let card = &card[..card.find("</div>\n</div>").unwrap_or(card.len())];
        assert!(!card.contains("1.503 to 1.503"), "{card}");
        assert!(card.contains("1.503 h"), "{card}");
        assert!(card.contains("differ by less than the digits shown"), "{card}");
    }

    #[test]
    fn a_service_level_that_moves_without_its_deliveries_gets_a_note() {
        use caspian_montecarlo::stats::PairedDifference;
        let mut doc = compare(6);
        let diff = |mean_diff: f64, low: f64, high: f64| PairedDifference {
            mean_diff,
            ci95_low: low,
            ci95_high: high,
            correlation: 0.9,
            variance_reduction: 10.0,
            n: 6,
        };
        let set =
            |doc: &mut caspian_montecarlo::document::CompareDoc, kpi: &str, d: PairedDifference| {
                doc.differences[0].kpis.get_mut(kpi).expect(kpi).value = d;
            };
        // Service level up, deliveries not significant: a note.
        set(&mut doc, "service_level.wagons", diff(3e-4, 1e-4, 5e-4));
        set(&mut doc, "delivered_total.wagons", diff(4.0, -3.0, 11.0));
        // Service level down, deliveries significantly up: a note.
        set(&mut doc, "service_level.teu", diff(-2e-4, -3e-4, -1e-4));
        set(&mut doc, "delivered_total.teu", diff(46.0, 10.0, 80.0));
        // Both down: no note. Service level not significant: no note.
        set(&mut doc, "service_level.oil", diff(-0.01, -0.02, -0.005));
        set(&mut doc, "delivered_total.oil", diff(-9000.0, -16000.0, -2000.0));
        set(&mut doc, "service_level.trucks", diff(1e-4, -1e-4, 3e-4));
        set(&mut doc, "delivered_total.trucks", diff(0.0, -5.0, 5.0));
        // The wagons' demand differs too: that is what was owed.
        let wagon_demand = doc.differences[0]
            .kpis
            .iter()
            .find(|(k, d)| k.starts_with("demand.") && d.unit == "wagons")
            .map(|(k, _)| k.clone())
            .expect("a wagon inflow");
        set(&mut doc, &wagon_demand, diff(900.0, 500.0, 1300.0));
        let notes = doc.service_level_notes(&doc.differences[0]);
        assert_eq!(notes.len(), 2, "{notes:?}");
        assert_eq!(notes[0].0, "service_level.teu");
        assert!(notes[0].1.starts_with(
            "severe_winter: service_level.teu differs and delivered_total.teu moves the other way"
        ));
        assert!(notes[0].1.contains("(the teu in the corridor when the window opened)"));
        assert!(notes[1].1.contains("delivered_total.wagons does not (its interval includes 0)"));
        let cause = format!("(the demand: {wagon_demand} differs too)");
        assert!(notes[1].1.contains(&cause), "{}", notes[1].1);
        let r = report(&ResultDoc::Compare(Box::new(doc)), &ReportInputs::default()).unwrap();
        assert_eq!(count(&r.html, "the difference lies at least partly in what was owed"), 2);
    }

    #[test]
    fn kpi_patterns_pick_fan_charts_only_when_they_name_a_monthly_series() {
        let (doc, _) = run(4);
        let with = |doc: &caspian_montecarlo::document::RunDoc, kpis: &[&str]| {
            let inputs = ReportInputs {
                kpis: kpis.iter().map(|k| (*k).to_string()).collect(),
                ..ReportInputs::default()
            };
            report(&ResultDoc::Run(Box::new(doc.clone())), &inputs).unwrap().html
        };
        let fans = |kpis: &[&str]| count(&with(&doc, kpis), "Month by month: ");
        assert_eq!(fans(&[]), 4);
        // Patterns on other KPIs choose the other charts; the fans stay.
        assert_eq!(fans(&["service_level.*"]), 4, "a filter on other KPIs keeps every fan");
        assert_eq!(fans(&["transit_h.oil.mean"]), 4);
        assert_eq!(fans(&["month_*.wagons.*"]), 1);
        assert_eq!(fans(&["month_backlog.oil.m05", "service_level.*"]), 1);
        // A cargo whose monthly series are zero throughout has no fan: a
        // pattern for it still asks for that cargo's fan alone, so no fan is
        // drawn (with a note), not every other cargo's.
        let mut quiet = doc.clone();
        for (k, s) in &mut quiet.kpis {
            if k.starts_with("month_") && k.contains(".trucks.") {
                (s.value.p05, s.value.p50, s.value.p95) = (0.0, 0.0, 0.0);
            }
        }
        assert_eq!(count(&with(&quiet, &[]), "Month by month: "), 3, "no fan for quiet trucks");
        let html = with(&quiet, &["month_*.trucks.*"]);
        assert_eq!(count(&html, "Month by month: "), 0);
        assert!(html.contains("zero or undefined in every month: no fan chart"));
        // A comparison: the forest of the chosen KPIs and every fan.
        let cmp = ResultDoc::Compare(Box::new(compare(4)));
        let inputs = ReportInputs { kpis: vec!["incidents".into()], ..ReportInputs::default() };
        let r = report(&cmp, &inputs).unwrap();
        assert_eq!((r.charts, count(&r.html, "Month by month: ")), (5, 4), "forest and four fans");
        let inputs =
            ReportInputs { kpis: vec!["month_delivered.oil.*".into()], ..ReportInputs::default() };
        let r = report(&cmp, &inputs).unwrap();
        assert_eq!((r.charts, count(&r.html, "Month by month: oil")), (1, 1), "the oil fan alone");
    }

    #[test]
    fn a_latin_hypercube_report_adds_one_tornado_per_charted_kpi() {
        let doc = crate::testdata::latin(10, 2);
        let r = report(&ResultDoc::Sweep(Box::new(doc)), &ReportInputs::default()).unwrap();
        self_contained(&r.html);
        assert_eq!(r.charts, 12, "four sweep charts, four of differences, four tornados");
        assert_eq!(count(&r.html, ": what drives delivered_total."), 4);
    }

    #[test]
    fn escapes_text() {
        assert_eq!(esc("<a href=\"x\">&'"), "&lt;a href=&quot;x&quot;&gt;&amp;&#39;");
        assert_eq!(esc("a\u{1b}[31m\u{200b}b\nc\td"), "a&lt;U+001B&gt;[31m&lt;U+200B&gt;b\nc\td");
    }
}
