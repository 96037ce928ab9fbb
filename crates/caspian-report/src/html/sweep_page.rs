//! The report of a sweep: the headline numbers over the points, the design,
//! one chart per KPI against the first axis (and for a Latin hypercube one
//! tornado chart per KPI), and per-KPI tables by design point.

use std::fmt::Write as _;

use caspian_montecarlo::design::DesignKind;
use caspian_montecarlo::document::SweepDoc;

use super::page::{
    Page, headline_cards, patterns, sentences, story_section, target_fact, with_unit,
};
use super::{DEFAULT_CHART_KPIS, Report, ReportInputs, esc};
use crate::error::ReportError;
use crate::input::charted_kpis;
use crate::reference;
use crate::sweep::{SweepRequest, describe, sweep_series, sweep_svg};
use crate::tornado::{tornado, tornado_svg};
use crate::units::{axis_label, fmt_num, fmt_range};

pub(super) fn sweep_report(d: &SweepDoc, inputs: &ReportInputs<'_>) -> Result<Report, ReportError> {
    let mut page = Page { body: String::new(), charts: 0 };
    let title = format!("caspian-sim sweep report: {}", d.scenario);
    let _ = writeln!(page.body, "<h1>{}</h1>", esc(&title));
    let first = d.points.first().map(|p| &p.kpis);
    let cards = headline_cards(
        first.into_iter().flat_map(|k| k.iter().map(|(k, s)| (k.as_str(), s.mean))),
        |k| {
            let means: Vec<(usize, f64, &str)> = d
                .points
                .iter()
                .filter_map(|p| p.kpis.get(k).map(|s| (p.index, s.mean, s.unit.as_str())))
                .filter(|x| x.1.is_finite())
                .collect();
            let lo = means.iter().min_by(|a, b| a.1.total_cmp(&b.1));
            let hi = means.iter().max_by(|a, b| a.1.total_cmp(&b.1));
            let at = |point: usize| reference::point_of_sweep(d, point);
            match (lo, hi) {
                (Some(lo), Some(hi)) if lo.1 == hi.1 => {
                    (with_unit(lo.1, lo.2), "the same mean at every point".into())
                }
                (Some(lo), Some(hi)) => {
                    let (low, high) = fmt_range(lo.1, hi.1);
                    if low == high {
                        // "1.503 to 1.503 h" would read as a misprint.
                        return (
                            with_unit(lo.1, lo.2),
                            format!(
                                "means over the points differ by less than the digits shown: \
                                 lowest at {}, highest at {}",
                                at(lo.0),
                                at(hi.0)
                            ),
                        );
                    }
                    let unit = if lo.2.is_empty() { String::new() } else { format!(" {}", lo.2) };
                    (
                        format!("{low} to {high}{unit}"),
                        format!(
                            "means over the points: lowest at {}, highest at {}",
                            at(lo.0),
                            at(hi.0)
                        ),
                    )
                }
                _ => ("-".into(), "undefined at every point".into()),
            }
        },
    );
    page.headline(&cards);
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
            // Whole values (berths, vessels) as such: 2, 3, not 2.000, 3.000.
            let whole = a.values.iter().all(|x| x.fract() == 0.0 && x.abs() < 1e15);
            let v: Vec<String> = a
                .values
                .iter()
                .map(|&x| if whole { format!("{x:.0}") } else { fmt_num(x) })
                .collect();
            format!("{} = {}", axis_label(&a.key.to_string()), v.join(", "))
        })
        .collect();
    for a in &axes {
        facts.push(("axis", a.clone()));
    }
    facts.extend(target_fact(d.target.as_ref()));
    page.facts(&facts);
    let saturated = d
        .points
        .iter()
        .flat_map(|p| p.saturation.iter().map(move |w| format!("point {}: {w}", p.index)));
    let warnings: Vec<String> = d.warnings.iter().cloned().chain(saturated).collect();
    page.warnings(&warnings);
    page.h2("charts", "Charts");
    let names: Vec<String> =
        d.points.first().map_or_else(Vec::new, |p| p.kpis.keys().cloned().collect());
    let kpis = charted_kpis(&names, &patterns(inputs, &DEFAULT_CHART_KPIS))?;
    let mut charts = Vec::new();
    for k in &kpis {
        let c = sweep_series(d, &SweepRequest { kpi: k.clone(), ..SweepRequest::default() })?;
        if c.series.is_empty() {
            page.note(&format!("{k} is undefined at every point shown: no chart."));
            continue;
        }
        let svg = sweep_svg(&c)?;
        page.chart(&svg, &format!("{} {}", sentences(&c.subtitle()), describe(&c)));
        charts.push(k.clone());
    }
    if matches!(d.design, DesignKind::LatinHypercube { .. }) {
        page.h2("sensitivity", "Sensitivity (what drives each KPI)");
        for k in &kpis {
            let t = tornado(d, k)?;
            page.chart(
                &tornado_svg(&t)?,
                &format!("{} {}", sentences(&t.subtitle()), t.describe()),
            );
        }
    }
    reference_section(&mut page, d, &kpis)?;
    story_section(&mut page, inputs.trace, &d.scenario)?;
    page.h2("kpis", "KPIs with 95% confidence intervals, by design point");
    for k in &kpis {
        let unit = d.points.iter().find_map(|p| p.kpis.get(k)).map_or("", |s| s.unit.as_str());
        let _ = writeln!(page.body, "<h3>{} ({})</h3>", esc(k), esc(unit));
        let mut header: Vec<&str> = vec!["point"];
        let keys: Vec<String> = d.axes.iter().map(|a| a.key.to_string()).collect();
        header.extend(keys.iter().map(String::as_str));
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
        let folded = page.fold(&format!("{k} by design point"), rows.len());
        page.table(&header, &rows, &[]);
        page.end_fold(folded);
    }
    page.provenance(&d.provenance, &[("seed", d.seed.to_string()), ("source", d.source.clone())]);
    Ok(page.finish(&title))
}

/// One chart per KPI of each point's paired difference from the reference
/// point, with its 95% interval.
fn reference_section(page: &mut Page, d: &SweepDoc, kpis: &[String]) -> Result<(), ReportError> {
    if d.points.len() < 2 {
        return Ok(());
    }
    let values = reference::point_of_sweep(d, d.reference);
    page.h2("reference", &format!("Differences from the reference point ({values})"));
    if d.points.iter().all(|p| p.differences.is_empty()) {
        page.note("This document holds no differences from a reference point (it was written before sweeps had one).");
        return Ok(());
    }
    for k in kpis {
        match reference::reference_series(d, k) {
            Ok(c) => {
                let svg = reference::reference_svg(&c)?;
                page.chart(
                    &svg,
                    &format!("{} {}", c.subtitle().join(" "), reference::describe(&c)),
                );
            }
            Err(ReportError::Request(why)) => page.note(&why),
            Err(e) => return Err(e),
        }
    }
    Ok(())
}
