//! The HTML report: one self-contained page per result, with the scenario
//! summary, the charts that fit the result's kind, the KPI table with
//! confidence intervals and the provenance block.
//!
//! The page has inline CSS and inline SVG only: no scripts, no fonts, no
//! images or style sheets to fetch, so it opens offline and can be mailed
//! as one file.

use std::fmt::Write as _;

use caspian_montecarlo::design::DesignKind;
use caspian_montecarlo::document::{CompareDoc, Provenance, RunDoc, SweepDoc, WithUnit};
use caspian_montecarlo::sequential::TargetReport;
use caspian_montecarlo::stats::Summary;

use crate::distribution::{distribution, distribution_svg};
use crate::error::ReportError;
use crate::forest::{forest, forest_svg};
use crate::input::{Replications, ResultDoc, select_kpis};
use crate::story::{Story, story_svg};
use crate::sweep::{SweepRequest, describe, sweep_series, sweep_svg};
use crate::units::{axis_label, fmt_num};

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
    /// Targets per KPI (distribution charts).
    pub targets: Vec<(String, f64)>,
}

/// A finished report.
#[derive(Debug, Clone)]
pub struct Report {
    /// The page.
    pub html: String,
    /// How many charts (inline `<svg>` elements) it holds.
    pub charts: usize,
}

/// Escapes text for HTML.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
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

const CSS: &str = "
body { font-family: system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif; color: #1a1a1a;
  background: #fff; margin: 0 auto; max-width: 1200px; padding: 24px 32px 64px; line-height: 1.45; }
h1 { font-size: 1.9rem; margin: 0 0 4px; }
h2 { font-size: 1.35rem; margin: 36px 0 10px; border-bottom: 2px solid #0072b2; padding-bottom: 4px; }
h3 { font-size: 1.1rem; margin: 22px 0 8px; }
p.lead { color: #444; margin-top: 0; }
p.note { background: #fff7e0; border-left: 4px solid #e69f00; padding: 8px 12px; }
ul.warnings li { color: #8a2a00; }
table { border-collapse: collapse; margin: 8px 0 16px; font-size: 0.9rem; }
th, td { border: 1px solid #d0d0d0; padding: 3px 8px; text-align: right; vertical-align: top; }
th { background: #eef3f8; }
td.k, th.k { text-align: left; font-family: ui-monospace, Menlo, Consolas, monospace; }
tr.sig td { background: #f2f9f4; }
table.facts th { text-align: left; width: 14em; }
table.facts td { text-align: left; }
figure.chart { margin: 16px 0 28px; padding: 0; }
figure.chart svg { max-width: 100%; height: auto; border: 1px solid #e0e0e0; }
figcaption { color: #444; font-size: 0.92rem; margin-top: 4px; }
dl.prov { display: grid; grid-template-columns: max-content auto; gap: 2px 16px; font-size: 0.9rem; }
dl.prov dt { font-weight: 600; }
dl.prov dd { margin: 0; font-family: ui-monospace, Menlo, Consolas, monospace; word-break: break-all; }
";

/// A page being written.
struct Page {
    body: String,
    charts: usize,
}

impl Page {
    fn h2(&mut self, id: &str, text: &str) {
        let _ = writeln!(self.body, "<h2 id=\"{id}\">{}</h2>", esc(text));
    }

    fn note(&mut self, text: &str) {
        let _ = writeln!(self.body, "<p class=\"note\">{}</p>", esc(text));
    }

    fn chart(&mut self, svg: &str, caption: &str) {
        self.charts += 1;
        let _ = writeln!(
            self.body,
            "<figure class=\"chart\" id=\"chart-{}\">\n{}<figcaption>{}</figcaption>\n</figure>",
            self.charts,
            svg.trim_end(),
            esc(caption)
        );
    }

    fn facts(&mut self, rows: &[(&str, String)]) {
        self.body.push_str("<table class=\"facts\">\n");
        for (k, v) in rows {
            let _ = writeln!(self.body, "<tr><th>{}</th><td>{}</td></tr>", esc(k), esc(v));
        }
        self.body.push_str("</table>\n");
    }

    fn table(&mut self, header: &[&str], rows: &[Vec<String>], sig: &[bool]) {
        self.body.push_str("<table>\n<tr>");
        for (i, h) in header.iter().enumerate() {
            let class = if i == 0 { " class=\"k\"" } else { "" };
            let _ = write!(self.body, "<th{class}>{}</th>", esc(h));
        }
        self.body.push_str("</tr>\n");
        for (r, row) in rows.iter().enumerate() {
            let class = if sig.get(r).copied().unwrap_or(false) { " class=\"sig\"" } else { "" };
            let _ = write!(self.body, "<tr{class}>");
            for (i, cell) in row.iter().enumerate() {
                let class = if i == 0 { " class=\"k\"" } else { "" };
                let _ = write!(self.body, "<td{class}>{}</td>", esc(cell));
            }
            self.body.push_str("</tr>\n");
        }
        self.body.push_str("</table>\n");
    }

    fn warnings(&mut self, warnings: &[String]) {
        if warnings.is_empty() {
            return;
        }
        self.body.push_str("<h3>Warnings</h3>\n<ul class=\"warnings\">\n");
        for w in warnings {
            let _ = writeln!(self.body, "<li>{}</li>", esc(w));
        }
        self.body.push_str("</ul>\n");
    }

    fn provenance(&mut self, p: &Provenance, extra: &[(&str, String)]) {
        self.h2("provenance", "Provenance");
        self.body.push_str("<dl class=\"prov\">\n");
        let mut rows: Vec<(&str, String)> = vec![
            ("tool", format!("{} {}", p.tool, p.tool_version)),
            ("random numbers", p.rng_algorithm.clone()),
            ("build target", p.build_target.clone()),
        ];
        if let Some(h) = &p.scenario_sha256 {
            rows.push(("scenario SHA-256", h.clone()));
        }
        rows.extend(extra.iter().cloned());
        for (k, v) in rows {
            let _ = writeln!(self.body, "<dt>{}</dt><dd>{}</dd>", esc(k), esc(&v));
        }
        self.body.push_str("</dl>\n");
    }

    fn finish(self, title: &str) -> Report {
        let html = format!(
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
             <title>{}</title>\n<style>{CSS}</style>\n</head>\n<body>\n{}\
             <p class=\"lead\">Made by caspian-sim. Self-contained: no scripts, no external files.</p>\n\
             </body>\n</html>\n",
            esc(title),
            self.body
        );
        Report { html, charts: self.charts }
    }
}

fn summary_row(k: &str, s: &WithUnit<Summary>) -> Vec<String> {
    vec![
        k.to_string(),
        s.unit.clone(),
        fmt_num(s.mean),
        format!("{} to {}", fmt_num(s.ci95_low), fmt_num(s.ci95_high)),
        fmt_num(s.sd),
        fmt_num(s.p05),
        fmt_num(s.p50),
        fmt_num(s.p95),
        s.n.to_string(),
    ]
}

const SUMMARY_HEADER: [&str; 9] =
    ["KPI", "unit", "mean", "95% CI of the mean", "sd", "P5", "P50", "P95", "n"];

fn target_fact(t: Option<&TargetReport>) -> Option<(&'static str, String)> {
    t.map(|t| {
        (
            "sequential stopping",
            format!(
                "relative half-width {} {} after {} replications",
                t.rel_half_width,
                if t.met { "met" } else { "NOT met within the budget" },
                t.replications
            ),
        )
    })
}

fn patterns(inputs: &ReportInputs<'_>, default: &[&str]) -> Vec<String> {
    if inputs.kpis.is_empty() {
        default.iter().map(|s| (*s).to_string()).collect()
    } else {
        inputs.kpis.clone()
    }
}

fn story_section(page: &mut Page, story: Option<&Story>, subject: &str) -> Result<(), ReportError> {
    if let Some(s) = story {
        page.h2("story", "One replication's story");
        let svg = story_svg(s, subject)?;
        page.chart(
            &svg,
            "Berth calls of fleet vessels per port (one row per berth held at once), port closures shaded, \
             and storage levels as a fraction of capacity, from the event trace.",
        );
    }
    Ok(())
}

/// Builds the report page of a result.
///
/// # Errors
/// A KPI pattern that matches nothing, replications that do not belong to
/// the run, or a drawing error.
pub fn report(doc: &ResultDoc, inputs: &ReportInputs<'_>) -> Result<Report, ReportError> {
    for (k, _) in &inputs.targets {
        if !doc.kpi_names().iter().any(|n| n == k) {
            return Err(crate::input::unknown_kpi(k, &doc.kpi_names()));
        }
    }
    match doc {
        ResultDoc::Run(d) => run_report(d, inputs),
        ResultDoc::Sweep(d) => sweep_report(d, inputs),
        ResultDoc::Compare(d) => compare_report(d, inputs),
    }
}

fn run_report(d: &RunDoc, inputs: &ReportInputs<'_>) -> Result<Report, ReportError> {
    let mut page = Page { body: String::new(), charts: 0 };
    let title = format!("caspian-sim run report: {}", d.scenario);
    let _ = writeln!(page.body, "<h1>{}</h1>", esc(&title));
    page.h2("summary", "Scenario summary");
    let mut facts = vec![
        ("scenario", d.scenario.clone()),
        ("source", d.source.clone()),
        ("seed", d.seed.to_string()),
        ("replications", d.replications.to_string()),
        ("truncated replications", d.truncated_replications.to_string()),
        ("KPIs", d.kpis.len().to_string()),
    ];
    facts.extend(target_fact(d.target.as_ref()));
    page.facts(&facts);
    let warnings: Vec<String> = d.saturation.iter().map(ToString::to_string).collect();
    page.warnings(&warnings);
    page.h2("charts", "Charts");
    let names: Vec<String> = d.kpis.keys().cloned().collect();
    let kpis = select_kpis(&names, &patterns(inputs, &DEFAULT_CHART_KPIS))?;
    match inputs.replications {
        Some(reps) => {
            for k in &kpis {
                reps.check_against(d, k)?;
                let target = inputs.targets.iter().find(|(t, _)| t == k).map(|&(_, v)| v);
                let dist = distribution(&d.scenario, k, &d.kpis[k].unit, &reps.column(k)?, target)?;
                let svg = distribution_svg(&dist)?;
                let mut caption = format!(
                    "Distribution of {k} over {} replications; mean {} {}.",
                    dist.sorted.len(),
                    fmt_num(d.kpis[k].mean),
                    d.kpis[k].unit
                );
                if let Some(m) = dist.miss_text() {
                    caption.push_str(&format!(" {m}."));
                }
                page.chart(&svg, &caption);
            }
        }
        None => page.note(
            "Distribution charts need the values of every replication, which the run's JSON does \
             not hold: write them with `caspian run --csv reps.csv` and pass `--replications-csv \
             reps.csv` (or use `caspian run --report DIR`, which does both).",
        ),
    }
    story_section(&mut page, inputs.trace, &d.scenario)?;
    page.h2("kpis", "KPIs with 95% confidence intervals");
    let rows: Vec<Vec<String>> = d.kpis.iter().map(|(k, s)| summary_row(k, s)).collect();
    page.table(&SUMMARY_HEADER, &rows, &[]);
    page.provenance(&d.provenance, &[("seed", d.seed.to_string()), ("source", d.source.clone())]);
    Ok(page.finish(&title))
}

fn sweep_report(d: &SweepDoc, inputs: &ReportInputs<'_>) -> Result<Report, ReportError> {
    let mut page = Page { body: String::new(), charts: 0 };
    let title = format!("caspian-sim sweep report: {}", d.scenario);
    let _ = writeln!(page.body, "<h1>{}</h1>", esc(&title));
    page.h2("summary", "Scenario summary");
    let design = match d.design {
        DesignKind::FullFactorial => "full factorial".to_string(),
        DesignKind::LatinHypercube { samples } => format!("Latin hypercube, {samples} samples"),
    };
    let mut facts = vec![
        ("scenario", d.scenario.clone()),
        ("source", d.source.clone()),
        ("seed", format!("{} (every point sees the same random numbers)", d.seed)),
        ("replications per point", d.replications.to_string()),
        ("design", format!("{design}, {} points", d.points.len())),
    ];
    let axes: Vec<String> = d
        .axes
        .iter()
        .map(|a| {
            let v: Vec<String> = a.values.iter().map(|x| fmt_num(*x)).collect();
            format!("{} = {}", axis_label(&a.key), v.join(", "))
        })
        .collect();
    for a in &axes {
        facts.push(("axis", a.clone()));
    }
    facts.extend(target_fact(d.target.as_ref()));
    page.facts(&facts);
    let warnings: Vec<String> = d
        .points
        .iter()
        .flat_map(|p| p.saturation.iter().map(move |w| format!("point {}: {w}", p.index)))
        .collect();
    page.warnings(&warnings);
    page.h2("charts", "Charts");
    let names: Vec<String> =
        d.points.first().map_or_else(Vec::new, |p| p.kpis.keys().cloned().collect());
    let kpis = select_kpis(&names, &patterns(inputs, &DEFAULT_CHART_KPIS))?;
    let mut charts = Vec::new();
    for k in &kpis {
        let c = sweep_series(d, &SweepRequest { kpi: k.clone(), ..SweepRequest::default() })?;
        if c.series.is_empty() {
            page.note(&format!("{k} is undefined at every point shown: no chart."));
            continue;
        }
        let svg = sweep_svg(&c)?;
        page.chart(&svg, &format!("{} {}", c.subtitle().join(" "), describe(&c)));
        charts.push(k.clone());
    }
    story_section(&mut page, inputs.trace, &d.scenario)?;
    page.h2("kpis", "KPIs with 95% confidence intervals, by design point");
    for k in &kpis {
        let unit = d.points.iter().find_map(|p| p.kpis.get(k)).map_or("", |s| s.unit.as_str());
        let _ = writeln!(page.body, "<h3>{} ({})</h3>", esc(k), esc(unit));
        let mut header: Vec<&str> = vec!["point"];
        header.extend(d.axes.iter().map(|a| a.key.as_str()));
        header.extend(["mean", "95% CI of the mean", "sd", "n"]);
        let rows: Vec<Vec<String>> = d
            .points
            .iter()
            .map(|p| {
                let mut r = vec![p.index.to_string()];
                r.extend(p.values.iter().map(|v| fmt_num(*v)));
                match p.kpis.get(k) {
                    Some(s) => r.extend([
                        fmt_num(s.mean),
                        format!("{} to {}", fmt_num(s.ci95_low), fmt_num(s.ci95_high)),
                        fmt_num(s.sd),
                        s.n.to_string(),
                    ]),
                    None => r.extend(["-".to_string(), "-".into(), "-".into(), "0".into()]),
                }
                r
            })
            .collect();
        page.table(&header, &rows, &[]);
    }
    page.provenance(&d.provenance, &[("seed", d.seed.to_string()), ("source", d.source.clone())]);
    Ok(page.finish(&title))
}

fn compare_report(d: &CompareDoc, inputs: &ReportInputs<'_>) -> Result<Report, ReportError> {
    let mut page = Page { body: String::new(), charts: 0 };
    let names: Vec<&str> = d.scenarios.iter().map(|s| s.name.as_str()).collect();
    let title = format!("caspian-sim comparison report: {}", names.join(" vs "));
    let _ = writeln!(page.body, "<h1>{}</h1>", esc(&title));
    page.h2("summary", "Scenario summary");
    let mut facts = vec![
        ("seed", format!("{} (shared: common random numbers)", d.seed)),
        ("replications per scenario", d.replications.to_string()),
    ];
    for (i, s) in d.scenarios.iter().enumerate() {
        let role = if i == 0 { "base" } else { "policy" };
        facts.push((role, format!("{} ({})", s.name, s.source)));
    }
    facts.extend(target_fact(d.target.as_ref()));
    page.facts(&facts);
    let warnings: Vec<String> = d
        .saturation
        .iter()
        .map(|s| format!("{}: {}", d.scenarios[s.scenario].name, s.saturation))
        .collect();
    page.warnings(&warnings);
    page.h2("charts", "Charts");
    let f = forest(d, &patterns(inputs, &DEFAULT_COMPARE_KPIS))?;
    let svg = forest_svg(&f)?;
    page.chart(&svg, &format!("{} X axis: {}.", f.subtitle().join(" "), f.x_label()));
    if let Some(s) = inputs.trace {
        story_section(&mut page, Some(s), &d.scenarios[0].name)?;
    }
    page.h2("kpis", "Paired differences with 95% confidence intervals");
    for diff in &d.differences {
        let p = &d.scenarios[diff.scenario];
        let _ =
            writeln!(page.body, "<h3>{} minus {}</h3>", esc(&p.name), esc(&d.scenarios[0].name));
        let mut sig = Vec::new();
        let rows: Vec<Vec<String>> = diff
            .kpis
            .iter()
            .filter(|(_, v)| v.n > 0)
            .map(|(k, v)| {
                sig.push(v.is_significant());
                let mean = |i: usize| d.summaries[i].get(k).map_or(f64::NAN, |s| s.mean);
                vec![
                    k.clone(),
                    v.unit.clone(),
                    fmt_num(mean(0)),
                    fmt_num(mean(diff.scenario)),
                    fmt_num(v.mean_diff),
                    format!("{} to {}", fmt_num(v.ci95_low), fmt_num(v.ci95_high)),
                    if v.is_significant() { "yes".into() } else { "no".into() },
                    fmt_num(v.variance_reduction),
                ]
            })
            .collect();
        page.table(
            &[
                "KPI",
                "unit",
                "base mean",
                "policy mean",
                "difference",
                "95% CI",
                "CI excludes 0",
                "CRN variance reduction",
            ],
            &rows,
            &sig,
        );
    }
    if d.scenarios.len() > 2 {
        page.h2("rankings", "Rankings (multiple comparison with the best)");
        for r in &d.rankings {
            let _ = writeln!(page.body, "<h3>{}</h3>", esc(&r.kpi));
            let rows: Vec<Vec<String>> = r
                .order
                .iter()
                .enumerate()
                .map(|(i, e)| {
                    vec![
                        (i + 1).to_string(),
                        d.scenarios[e.scenario].name.clone(),
                        fmt_num(e.mean),
                        e.verdict().to_string(),
                    ]
                })
                .collect();
            page.table(&["rank", "scenario", "mean", "verdict (95%, Bonferroni)"], &rows, &[]);
        }
    }
    let hashes: Vec<(&str, String)> = d
        .scenarios
        .iter()
        .map(|s| ("scenario SHA-256", format!("{}: {}", s.name, s.sha256)))
        .collect();
    let mut extra = vec![("seed", d.seed.to_string())];
    extra.extend(hashes);
    page.provenance(&d.provenance, &extra);
    Ok(page.finish(&title))
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
            targets: vec![("delivered_total.oil".into(), 1.0e9)],
            ..ReportInputs::default()
        };
        let r = report(&ResultDoc::Run(Box::new(doc.clone())), &inputs).unwrap();
        self_contained(&r.html);
        assert_eq!(r.charts, 2, "delivered_total.oil and .wagons");
        assert_eq!(count(&r.html, "<svg"), r.charts);
        assert!(r.html.contains("P(delivered_total.oil &lt; 1,000,000,000 t) = 1.000"));
        assert_eq!(count(&r.html, "<tr>") - 1, doc.kpis.len() + 6, "KPI rows + facts");
        assert!(r.html.contains(doc.provenance.scenario_sha256.as_deref().unwrap()));
        // Without replications: a note instead of charts.
        let r = report(&ResultDoc::Run(Box::new(doc)), &ReportInputs::default()).unwrap();
        assert_eq!(r.charts, 0);
        assert!(r.html.contains("--replications-csv"));
    }

    #[test]
    fn sweep_and_compare_reports_have_their_charts() {
        let doc = sweep(2);
        let r = report(&ResultDoc::Sweep(Box::new(doc)), &ReportInputs::default()).unwrap();
        self_contained(&r.html);
        assert_eq!((r.charts, count(&r.html, "<svg")), (2, 2));
        let doc = compare(6);
        let r = report(&ResultDoc::Compare(Box::new(doc)), &ReportInputs::default()).unwrap();
        self_contained(&r.html);
        assert_eq!((r.charts, count(&r.html, "<svg")), (1, 1));
        assert!(r.html.contains("severe_winter minus baseline"));
    }

    #[test]
    fn escapes_text() {
        assert_eq!(esc("<a href=\"x\">&'"), "&lt;a href=&quot;x&quot;&gt;&amp;&#39;");
    }
}
