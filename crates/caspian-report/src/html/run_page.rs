//! The report of a run: the distribution of each charted KPI over the
//! replications, the fan chart of each cargo's monthly series, and the KPI
//! table.

use std::fmt::Write as _;

use caspian_montecarlo::document::RunDoc;

use super::page::{
    Page, SUMMARY_HEADER, fan_section, headline_cards, patterns, story_section, summary_row,
    target_cards, target_fact, with_unit,
};
use super::{DEFAULT_CHART_KPIS, Report, ReportInputs, esc};
use crate::distribution::{distribution, distribution_svg};
use crate::error::ReportError;
use crate::fan::{FanInput, fans};
use crate::input::charted_kpis;
use crate::units::{fmt_num, replications};

pub(super) fn run_report(d: &RunDoc, inputs: &ReportInputs<'_>) -> Result<Report, ReportError> {
    let mut page = Page { body: String::new(), charts: 0 };
    let title = format!("caspian-sim run report: {}", d.scenario);
    let _ = writeln!(page.body, "<h1>{}</h1>", esc(&title));
    let mut cards = headline_cards(d.kpis.iter().map(|(k, s)| (k.as_str(), s.mean)), |k| {
        let s = &d.kpis[k];
        (
            with_unit(s.mean, &s.unit),
            format!(
                "95% CI {} to {}; mean of {}",
                fmt_num(s.ci95_low),
                fmt_num(s.ci95_high),
                replications(s.n)
            ),
        )
    });
    cards.extend(target_cards(&d.targets));
    page.headline(&cards);
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
    let warnings: Vec<String> =
        d.warnings.iter().cloned().chain(d.saturation.iter().map(ToString::to_string)).collect();
    page.warnings(&warnings);
    page.h2("charts", "Charts");
    let names: Vec<String> = d.kpis.keys().cloned().collect();
    let kpis = charted_kpis(&names, &patterns(inputs, &DEFAULT_CHART_KPIS))?;
    match inputs.replications {
        Some(reps) => {
            for k in &kpis {
                reps.check_against(d, k)?;
                // The report's own target, else the run's `--target` condition.
                let target = inputs.targets.iter().find(|c| c.kpi == *k).cloned().or_else(|| {
                    d.targets.iter().find(|t| t.kpi == *k).and_then(|t| {
                        caspian_montecarlo::targets::parse_stored(&format!(
                            "{}{}",
                            t.kpi, t.condition
                        ))
                        .ok()
                    })
                });
                let values = reps.censored_column(k)?;
                if values.iter().all(|v| !v.is_finite()) {
                    page.note(&format!("{k} has no finite value in any replication: no chart."));
                    continue;
                }
                let dist = distribution(&d.scenario, k, &d.kpis[k].unit, &values, target.as_ref())?;
                let svg = distribution_svg(&dist)?;
                let mut caption = format!(
                    "Distribution of {k} over {}; mean {} {}.",
                    replications(dist.sorted.len() as u64),
                    fmt_num(d.kpis[k].mean),
                    d.kpis[k].unit
                );
                if let Some(m) = dist.meet_text() {
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
    let input = FanInput { name: &d.scenario, table: &d.kpis, window: d.window.as_ref() };
    fan_section(&mut page, &fans(&[input], d.replications), &names, inputs)?;
    story_section(&mut page, inputs.trace, &d.scenario)?;
    page.h2("kpis", "KPIs with 95% confidence intervals");
    let rows: Vec<(String, Vec<String>, bool)> =
        d.kpis.iter().map(|(k, s)| (k.clone(), summary_row(k, s), false)).collect();
    page.grouped_table(&SUMMARY_HEADER, &rows);
    for note in d.kpis.keys().flat_map(|k| d.kpi_notes(k)) {
        page.note(&note);
    }
    page.provenance(&d.provenance, &[("seed", d.seed.to_string()), ("source", d.source.clone())]);
    Ok(page.finish(&title))
}
