//! The page frame every report shares: the style sheet, headings, notes,
//! charts, tables, warnings, the provenance block and the finished page.

use std::fmt::Write as _;

use caspian_montecarlo::document::{Provenance, TargetProbability, WithUnit};
use caspian_montecarlo::schema::{FAMILIES, family_of};
use caspian_montecarlo::sequential::TargetReport;
use caspian_montecarlo::stats::Summary;

use super::{Report, ReportInputs, esc};
use crate::error::ReportError;
use crate::story::{Story, story_svg};
use crate::units::{fmt_num, kpi_description, plural, replications};

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
td.k .partial { font-family: system-ui, sans-serif; color: #666; }
tr.sig td { background: #f2f9f4; }
table.facts th { text-align: left; width: 14em; }
table.facts td { text-align: left; }
figure.chart { margin: 16px 0 28px; padding: 0; }
figure.chart svg { max-width: 100%; height: auto; border: 1px solid #e0e0e0; }
figcaption { color: #444; font-size: 0.92rem; margin-top: 4px; }
div.headline { display: grid; grid-template-columns: repeat(auto-fill, minmax(250px, 1fr)); gap: 10px; margin: 8px 0 12px; }
div.card { border: 1px solid #d0d0d0; border-top: 4px solid #0072b2; padding: 8px 12px; background: #fafcfe; min-width: 0; overflow-wrap: anywhere; }
div.card.risk { border-top-color: #d55e00; }
div.card .k { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 0.85rem; }
div.card .what { color: #555; font-size: 0.8rem; }
div.card .v { font-size: 1.45rem; font-weight: 600; margin: 2px 0; }
div.card .d { color: #444; font-size: 0.85rem; }
details { margin: 6px 0; }
details > summary { cursor: pointer; font-weight: 600; padding: 3px 0; }
details > summary .what, p.fhead .what { font-weight: 400; color: #555; }
p.fhead { font-weight: 600; margin: 6px 0; padding: 3px 0; }
dl.prov { display: grid; grid-template-columns: max-content auto; gap: 2px 16px; font-size: 0.9rem; }
dl.prov dt { font-weight: 600; }
dl.prov dd { margin: 0; font-family: ui-monospace, Menlo, Consolas, monospace; word-break: break-all; }
";

/// Groups of at most this many rows start unfolded.
pub(super) const OPEN_ROWS: usize = 6;

/// A KPI table's row: the KPI, its cells (the KPI first) and whether it is
/// highlighted.
pub(super) type KpiRow = (String, Vec<String>, bool);

/// One card of the summary panel.
pub(super) struct Card {
    /// The KPI (or the condition).
    pub(super) key: String,
    /// What it measures (from the KPI schema).
    pub(super) what: String,
    /// The headline value with its unit.
    pub(super) value: String,
    /// Its interval or spread.
    pub(super) detail: String,
    /// Whether it is a risk (a target's probability, a loss).
    pub(super) risk: bool,
}

/// `text` with its first letter in upper case, for a sentence on the page.
pub(super) fn upper_first(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |c| c.to_uppercase().chain(chars).collect())
}

/// The cards of the headline KPIs (by [`caspian_montecarlo::headline`],
/// the same choice as the terminal tables) among `kpis`, each given its
/// value and detail by `card`.
pub(super) fn headline_cards<'a>(
    kpis: impl IntoIterator<Item = (&'a str, f64)>,
    card: impl Fn(&str) -> (String, String),
) -> Vec<Card> {
    caspian_montecarlo::headline(kpis)
        .into_iter()
        .map(|k| {
            let (value, detail) = card(k);
            let risk = family_of(k).is_some_and(|f| {
                matches!(
                    f.stem(),
                    "incidents" | "vessels_lost" | "cargo_lost" | "corridor_closure_h"
                )
            });
            Card { key: k.to_string(), what: kpi_description(k).to_string(), value, detail, risk }
        })
        .collect()
}

/// The cards of a run's `--target` probabilities.
pub(super) fn target_cards(targets: &[TargetProbability]) -> Vec<Card> {
    targets
        .iter()
        .map(|t| Card {
            key: format!("P({} {})", t.kpi, t.condition),
            what: "probability that a replication meets the condition".into(),
            value: format!("{:.3}", t.p_meet),
            detail: format!(
                "95% CI {:.3} to {:.3}; {}{}",
                t.ci95_low,
                t.ci95_high,
                replications(t.n),
                t.bounds().map_or_else(String::new, |(low, high)| format!(
                    "; {} more had not recovered by the horizon (unknown): over all {}, between \
                     {low:.3} and {high:.3}",
                    t.unrecovered,
                    t.n + t.unrecovered
                ))
            ),
            risk: true,
        })
        .collect()
}

/// A chart's subtitle lines as a caption: one sentence per line.
pub(super) fn sentences(lines: &[String]) -> String {
    let ended: Vec<String> =
        lines.iter().map(|l| if l.ends_with('.') { l.clone() } else { format!("{l}.") }).collect();
    ended.join(" ")
}

/// A value with its unit, for a card.
pub(super) fn with_unit(x: f64, unit: &str) -> String {
    // A value that is not finite is written `-`, which takes no unit.
    text_with_unit(fmt_num(x), unit)
}

/// A number already written (by [`fmt_num`] or with others at one
/// precision) followed by its unit; `-`, no value, takes none.
pub(super) fn text_with_unit(text: String, unit: &str) -> String {
    if unit.is_empty() || text == "-" { text } else { format!("{text} {unit}") }
}

/// A page being written.
pub(super) struct Page {
    pub(super) body: String,
    pub(super) charts: usize,
}

impl Page {
    pub(super) fn h2(&mut self, id: &str, text: &str) {
        let _ = writeln!(self.body, "<h2 id=\"{id}\">{}</h2>", esc(text));
    }

    pub(super) fn note(&mut self, text: &str) {
        let _ = writeln!(self.body, "<p class=\"note\">{}</p>", esc(text));
    }

    pub(super) fn chart(&mut self, svg: &str, caption: &str) {
        self.charts += 1;
        let _ = writeln!(
            self.body,
            "<figure class=\"chart\" id=\"chart-{}\">\n{}<figcaption>{}</figcaption>\n</figure>",
            self.charts,
            svg.trim_end(),
            esc(caption)
        );
    }

    pub(super) fn facts(&mut self, rows: &[(&str, String)]) {
        self.body.push_str("<table class=\"facts\">\n");
        for (k, v) in rows {
            let _ = writeln!(self.body, "<tr><th>{}</th><td>{}</td></tr>", esc(k), esc(v));
        }
        self.body.push_str("</table>\n");
    }

    pub(super) fn table(&mut self, header: &[&str], rows: &[Vec<String>], sig: &[bool]) {
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

    /// The summary panel that opens a report: one card per headline
    /// number.
    pub(super) fn headline(&mut self, cards: &[Card]) {
        if cards.is_empty() {
            return;
        }
        self.h2("headline", "Headline numbers");
        self.body.push_str("<div class=\"headline\">\n");
        for c in cards {
            let class = if c.risk { "card risk" } else { "card" };
            let _ = writeln!(
                self.body,
                "<div class=\"{class}\"><div class=\"k\">{}</div><div class=\"what\">{}</div>\
                 <div class=\"v\">{}</div><div class=\"d\">{}</div></div>",
                esc(&c.key),
                esc(&c.what),
                esc(&c.value),
                esc(&c.detail)
            );
        }
        self.body.push_str("</div>\n");
    }

    /// A table of one row per KPI, grouped by KPI family (schema order),
    /// each group under a heading that names the family and what it
    /// measures; groups of more than [`OPEN_ROWS`] rows are folded away
    /// (a `<details>` whose summary is the heading). `rows` are `(kpi, cells, highlighted)`; the first cell is the
    /// KPI.
    pub(super) fn grouped_table(&mut self, header: &[&str], rows: &[KpiRow]) {
        let group_of = |k: &str| family_of(k).map(|f| f.pattern);
        let mut groups: Vec<(Option<&'static str>, Vec<&KpiRow>)> = Vec::new();
        for r in rows {
            let g = group_of(&r.0);
            match groups.iter_mut().find(|(h, _)| *h == g) {
                Some((_, v)) => v.push(r),
                None => groups.push((g, vec![r])),
            }
        }
        let rank = |g: &Option<&str>| {
            g.and_then(|p| FAMILIES.iter().position(|f| f.pattern == p)).unwrap_or(usize::MAX)
        };
        groups.sort_by_key(|(g, _)| rank(g));
        for (g, members) in groups {
            let (name, what) = match g.and_then(|p| FAMILIES.iter().find(|f| f.pattern == p)) {
                Some(f) => (f.pattern.to_string(), f.description.to_string()),
                None => ("other".to_string(), "KPIs outside the schema".to_string()),
            };
            let head = format!(
                "<span class=\"k\">{}</span> <span class=\"what\">{} ({})</span>",
                esc(&name),
                esc(&what),
                plural(members.len() as u64, "KPI", "KPIs")
            );
            // Only long families fold away; short ones stay plain.
            let long = members.len() > OPEN_ROWS;
            let _ = if long {
                writeln!(self.body, "<details class=\"family\"><summary>{head}</summary>")
            } else {
                writeln!(self.body, "<div class=\"family\"><p class=\"fhead\">{head}</p>")
            };
            let cells: Vec<Vec<String>> = members.iter().map(|r| r.1.clone()).collect();
            let sig: Vec<bool> = members.iter().map(|r| r.2).collect();
            self.table(header, &cells, &sig);
            self.body.push_str(if long { "</details>\n" } else { "</div>\n" });
        }
    }

    /// Starts a folded section (`<details>`) when `rows` is more than
    /// [`OPEN_ROWS`]; returns whether it did ([`Page::end_fold`] closes it).
    pub(super) fn fold(&mut self, summary: &str, rows: usize) -> bool {
        if rows <= OPEN_ROWS * 2 {
            return false;
        }
        let _ = writeln!(self.body, "<details><summary>{} ({rows} rows)</summary>", esc(summary));
        true
    }

    /// Closes what [`Page::fold`] opened.
    pub(super) fn end_fold(&mut self, folded: bool) {
        if folded {
            self.body.push_str("</details>\n");
        }
    }

    pub(super) fn warnings(&mut self, warnings: &[String]) {
        if warnings.is_empty() {
            return;
        }
        self.body.push_str("<h3>Warnings</h3>\n<ul class=\"warnings\">\n");
        for w in warnings {
            let _ = writeln!(self.body, "<li>{}</li>", esc(w));
        }
        self.body.push_str("</ul>\n");
    }

    pub(super) fn provenance(&mut self, p: &Provenance, extra: &[(&str, String)]) {
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

    pub(super) fn finish(self, title: &str) -> Report {
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

pub(super) fn summary_row(k: &str, s: &WithUnit<Summary>) -> Vec<String> {
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

pub(super) const SUMMARY_HEADER: [&str; 9] =
    ["KPI", "unit", "mean", "95% CI of the mean", "sd", "P5", "P50", "P95", "n"];

pub(super) fn target_fact(t: Option<&TargetReport>) -> Option<(&'static str, String)> {
    t.map(|t| {
        (
            "sequential stopping",
            format!(
                "relative half-width {} {} after {}",
                caspian_montecarlo::study::short_number(t.rel_half_width),
                if t.met { "met" } else { "NOT met within the budget" },
                replications(t.replications)
            ),
        )
    })
}

pub(super) fn patterns(inputs: &ReportInputs<'_>, default: &[&str]) -> Vec<String> {
    if inputs.kpis.is_empty() {
        default.iter().map(|s| (*s).to_string()).collect()
    } else {
        inputs.kpis.clone()
    }
}

pub(super) fn story_section(
    page: &mut Page,
    story: Option<&Story>,
    subject: &str,
) -> Result<(), ReportError> {
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

/// The fan charts of a result ([`crate::fan`]), each followed by its values
/// in a folded table: one row per month and scenario, the percentiles of
/// each series, each cell carrying its exact value in `data-v`.
///
/// `--kpi` picks fan charts only when one of its patterns matches a monthly
/// series among `kpi_names` (the document's KPIs, `month_*`): then only a
/// cargo with a series KPI that a pattern matches gets its fan chart (none,
/// with a note, when those series are zero throughout and so have no
/// chart). Patterns that name only other KPIs (`service_level.*`) choose
/// the other charts and the fans stay as without `--kpi`: the month-by-month
/// view of a disruption is not lost to a filter that never spoke of it.
pub(super) fn fan_section(
    page: &mut Page,
    fans: &[crate::fan::Fan],
    kpi_names: &[String],
    inputs: &ReportInputs<'_>,
) -> Result<(), ReportError> {
    let series: Vec<&String> =
        kpi_names.iter().filter(|k| family_of(k).is_some_and(|f| f.is_series())).collect();
    // Decided on the document's names, not on the fans drawn: a pattern for
    // a cargo whose series are quiet (no fan) still asks for fans alone.
    let picks = inputs
        .kpis
        .iter()
        .any(|pat| series.iter().any(|k| caspian_montecarlo::select::matches(pat, k)));
    let wanted = |fan: &&crate::fan::Fan| {
        !picks
            || fan.panels.iter().flat_map(|p| &p.bands).flat_map(|b| &b.points).any(|q| {
                inputs.kpis.iter().any(|pat| caspian_montecarlo::select::matches(pat, &q.kpi))
            })
    };
    if picks && !fans.iter().any(|f| wanted(&f)) {
        page.note(
            "The monthly series that --kpi names are zero or undefined in every month: no fan chart.",
        );
    }
    for fan in fans.iter().filter(wanted) {
        let svg = crate::fan::fan_svg(fan)?;
        page.chart(&svg, &fan.describe());
        let _ = writeln!(
            page.body,
            "<details class=\"fan\" id=\"fan-{}\"><summary>Values of the {} fan chart</summary>",
            esc(&fan.cargo),
            esc(&fan.cargo)
        );
        page.body.push_str("<table>\n<tr><th class=\"k\">KPI</th><th>scenario</th>");
        page.body.push_str("<th>P5</th><th>P50</th><th>P95</th></tr>\n");
        for panel in &fan.panels {
            for band in &panel.bands {
                for q in &band.points {
                    // A partial month says so after its name (the name stays
                    // the cell's first text).
                    let partial = match q.partial {
                        Some(p) => format!(
                            "<span class=\"partial\"> (partial month: {})</span>",
                            esc(&p.text())
                        ),
                        None => String::new(),
                    };
                    let _ = write!(
                        page.body,
                        "<tr><td class=\"k fan\">{}{partial}</td><td>{}</td>",
                        esc(&q.kpi),
                        esc(&band.scenario)
                    );
                    for v in [q.p05, q.p50, q.p95] {
                        let _ = write!(page.body, "<td data-v=\"{v}\">{}</td>", esc(&fmt_num(v)));
                    }
                    page.body.push_str("</tr>\n");
                }
            }
        }
        page.body.push_str("</table>\n</details>\n");
    }
    Ok(())
}
