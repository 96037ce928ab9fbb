//! The report of a comparison: the forest chart of paired differences, the
//! fan chart of each cargo's monthly series (base and policies on the same
//! axes), the difference tables, the economics (NPV and benefit-cost
//! ratio), the rankings and the Pareto view (chart and table).

use std::fmt::Write as _;

use caspian_montecarlo::document::{CompareDoc, ECONOMICS_HEADER, RANKING_HEADER};

use super::page::{
    Page, fan_section, headline_cards, patterns, sentences, story_section, target_fact,
    text_with_unit, upper_first, with_unit,
};
use super::{DEFAULT_COMPARE_KPIS, Report, ReportInputs, esc};
use crate::error::ReportError;
use crate::fan::{FanInput, fans};
use crate::forest::{forest_panels, forest_svg};
use crate::input::charted_kpis;
use crate::pareto::{pareto_chart, pareto_svg};
use crate::units::{fmt_num, fmt_together};

pub(super) fn compare_report(
    d: &CompareDoc,
    inputs: &ReportInputs<'_>,
) -> Result<Report, ReportError> {
    let mut page = Page { body: String::new(), charts: 0 };
    let names: Vec<&str> = d.scenarios.iter().map(|s| s.name.as_str()).collect();
    let title = format!("caspian-sim comparison report: {}", names.join(" vs "));
    let _ = writeln!(page.body, "<h1>{}</h1>", esc(&title));
    let base = &d.summaries[0];
    // The worst waits are those that change most, as in the terminal table.
    let policies: Vec<usize> = d.differences.iter().map(|x| x.scenario).collect();
    let cards = headline_cards(d.headline_values(&policies), |k| {
        let s = &base[k];
        let diffs: Vec<String> = d
            .differences
            .iter()
            .filter_map(|diff| {
                let v = diff.kpis.get(k)?;
                let [mean, low, high] = fmt_together([v.mean_diff, v.ci95_low, v.ci95_high]);
                let unit = |text: String| text_with_unit(text, &s.unit);
                Some(format!(
                    "{}: {}{} (95% CI {low} to {})",
                    d.scenarios[diff.scenario].name,
                    if v.mean_diff > 0.0 { "+" } else { "" },
                    unit(mean),
                    unit(high)
                ))
            })
            .collect();
        (format!("{} (base)", with_unit(s.mean, &s.unit)), diffs.join("; "))
    });
    page.headline(&cards);
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
    let warnings: Vec<String> = d.warnings.iter().cloned().chain(d.saturation_notes()).collect();
    page.warnings(&warnings);
    page.h2("charts", "Charts");
    let chosen = patterns(inputs, &DEFAULT_COMPARE_KPIS);
    let kpi_names = d.summaries.first().map_or_else(Vec::new, |s| s.keys().cloned().collect());
    // `--kpi 'month_*'` asks for the fan charts alone.
    if !charted_kpis(&kpi_names, &chosen)?.is_empty() {
        // A comparison of one replication has no interval to draw: the page
        // says so where the chart would be, and the tables follow.
        let f = forest_panels(d, &chosen)?;
        if f.facets.is_empty() {
            let why = f.why_no_panel();
            page.note(&format!("No chart of paired differences for {}: {why}.", chosen.join(", ")));
        } else {
            page.chart(&forest_svg(&f)?, &sentences(&f.subtitle()));
        }
    }
    let inputs_of: Vec<FanInput<'_>> = d
        .scenarios
        .iter()
        .zip(&d.summaries)
        .map(|(s, table)| FanInput { name: &s.name, table, window: s.window.as_ref() })
        .collect();
    fan_section(&mut page, &fans(&inputs_of, d.replications), &kpi_names, inputs)?;
    if let Some(s) = inputs.trace {
        story_section(&mut page, Some(s), &d.scenarios[0].name)?;
    }
    page.h2("kpis", "Paired differences with 95% confidence intervals");
    for diff in &d.differences {
        let p = &d.scenarios[diff.scenario];
        let _ =
            writeln!(page.body, "<h3>{} minus {}</h3>", esc(&p.name), esc(&d.scenarios[0].name));
        let rows: Vec<(String, Vec<String>, bool)> = diff
            .kpis
            .iter()
            .filter(|(_, v)| v.n > 0)
            .map(|(k, v)| {
                let mean = |i: usize| d.summaries[i].get(k).map_or(f64::NAN, |s| s.mean);
                let [base, policy] = fmt_together([mean(0), mean(diff.scenario)]);
                let [difference, low, high] = fmt_together([v.mean_diff, v.ci95_low, v.ci95_high]);
                let cells = vec![
                    k.clone(),
                    v.unit.clone(),
                    base,
                    policy,
                    difference,
                    format!("{low} to {high}"),
                    if v.is_significant() { "yes".into() } else { "no".into() },
                    v.variance_reduction_text(fmt_num),
                ];
                (k.clone(), cells, v.is_significant())
            })
            .collect();
        page.grouped_table(
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
        );
        let shown = diff.kpis.iter().filter(|(_, v)| v.n > 0);
        for note in shown.filter_map(|(k, _)| d.partly_defined_note(diff, k)) {
            page.note(&note);
        }
        for (_, note) in d.service_level_notes(diff) {
            page.note(&note);
        }
        if let Some((_, note)) = d.recovery_note(diff) {
            page.note(&note);
        }
    }
    economics_section(&mut page, d);
    vulnerability_section(&mut page, d);
    if !d.rankings.is_empty() {
        page.h2("rankings", "Rankings (multiple comparison with the best)");
        for r in &d.rankings {
            let _ = writeln!(
                page.body,
                "<h3>{} ({})</h3>",
                esc(&r.kpi),
                esc(r.direction.order_words())
            );
            page.table(&RANKING_HEADER, &d.ranking_rows(r, fmt_num), &[]);
            for note in d.ranking_notes(r) {
                page.note(&format!("{}.", upper_first(&note)));
            }
        }
    }
    if let Some(v) = &d.pareto {
        page.h2("pareto", "Pareto view");
        let c = pareto_chart(d, v)?;
        let svg = pareto_svg(&c)?;
        page.chart(&svg, &format!("x: {}; y: {}.", c.x_label, c.y_label));
        page.note(
            "A scenario is dominated when another is at least as good on both measures' means \
             and better on one; the domination is clear when both paired 95% intervals of the differences \
             (common random numbers) exclude zero in the dominating scenario's favour (jointly, \
             a confidence of at least 90%).",
        );
        let header = d.pareto_header();
        let header: Vec<&str> = header.iter().map(String::as_str).collect();
        page.table(&header, &d.pareto_rows(fmt_num), &[]);
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

/// The NPV and benefit-cost ratio of each policy against the base, with
/// the basis they are valued on and how they are computed.
fn economics_section(page: &mut Page, d: &CompareDoc) {
    let Some(e) = &d.economics else { return };
    page.h2("economics", "Net present value and benefit-cost ratio against the base");
    page.facts(&[
        ("currency", e.currency.clone()),
        ("discount rate", format!("{} a year (the base's)", fmt_num(e.discount_rate))),
        ("appraisal period", format!("{} years (the base's)", fmt_num(e.appraisal_years))),
        ("annuity factor A", fmt_num(e.annuity_factor)),
    ]);
    page.warnings(&e.warnings);
    page.note(&format!(
        "Per replication j, paired under common random numbers: NPV_j = A × (total cost of the \
         base − total cost of the policy), in {cur}; benefit_j = failure cost avoided (delay + \
         lost cargo, base − policy), cost_j = extra capital + operating (policy − base), both \
         {cur}/yr. Benefit-cost ratio = mean(benefit) / mean(cost), its 95% interval by Fieller's \
         method on the paired values; undefined when the policy costs no more than the base, \
         when its extra cost is not significantly above zero, or when it changes one of the \
         base's disruptions (hardening, a repair crew), which nothing prices.",
        cur = e.currency
    ));
    let rows = d.economics_rows(fmt_num);
    let sig: Vec<bool> = e.policies.iter().map(|p| p.npv.is_significant()).collect();
    page.table(&ECONOMICS_HEADER, &rows, &sig);
    for line in d.economics_notes(fmt_num) {
        page.note(&line);
    }
    if let Some(o) = &e.one_off {
        let names: Vec<&str> = d.scenarios.iter().map(|s| s.name.as_str()).collect();
        page.h2("one-off", "Against a one-off event: how often it must strike to pay");
        page.note(&o.title(&e.currency));
        page.note(
            "Net = benefit minus cost a year, paired per replication; with the event striking f \
             times a year and W the window in years, the expected net is net without + f W (net \
             with − net without), zero at the break-even frequency: above it the investment pays \
             when the event raises its net benefit, below it when the event lowers it \
             (docs/compare.md, \"A one-off event\").",
        );
        page.warnings(&o.warnings);
        let rows = o.rows(&names, fmt_num);
        let sig = vec![false; rows.len()];
        page.table(&caspian_montecarlo::one_off::HEADER, &rows, &sig);
        for line in o.notes(&names, fmt_num) {
            page.note(&line);
        }
    }
}

/// What the disruptions cost every scenario and what each policy removes
/// (`compare --vulnerability`).
fn vulnerability_section(page: &mut Page, d: &CompareDoc) {
    use caspian_montecarlo::vulnerability::EFFECT_HEADER;
    let Some(v) = &d.vulnerability else { return };
    let names: Vec<&str> = d.scenarios.iter().map(|s| s.name.as_str()).collect();
    page.h2(
        "vulnerability",
        "Vulnerability: what the disruptions cost, and what each policy removes",
    );
    page.note(&v.title());
    page.note(
        "Effect = with minus without the disruptions, paired per replication (the same storms, \
         trains and incidents in both). Share removed = mean(base's effect − policy's effect) / \
         mean(base's effect), its 95% interval by Fieller's method, given only where the base's \
         effect is significant (docs/compare.md, \"What the disruptions cost\").",
    );
    page.warnings(&v.warnings);
    let rows = v.effect_rows(&names, fmt_num);
    let sig = vec![false; rows.len()];
    page.table(&EFFECT_HEADER, &rows, &sig);
    if !v.money.is_empty() {
        page.note(&v.money_title());
        let rows = v.money_rows(&names, fmt_num);
        let sig: Vec<bool> = v.money.iter().map(|p| p.removed.is_significant()).collect();
        page.table(v.money_header(), &rows, &sig);
    }
    if let Some(r) = &v.per_cost {
        page.note(&format!(
            "Ranking on {} ({}): each policy against the best, paired, Bonferroni over the \
             others; the difference of two ratios by the delta method.",
            r.kpi,
            r.direction.order_words()
        ));
        let rows = v.per_cost_rows(d, fmt_num);
        let sig = vec![false; rows.len()];
        page.table(&caspian_montecarlo::document::RANKING_HEADER, &rows, &sig);
        for note in d.ranking_notes(r) {
            page.note(&format!("{}.", upper_first(&note)));
        }
    }
    for line in v.notes(&names) {
        page.note(&line);
    }
}
