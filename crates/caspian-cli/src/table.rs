//! Plain-text tables for the terminal.

use caspian_montecarlo::rare::RareEvents;
use caspian_montecarlo::stats::{PairedDifference, Summary};

/// A number in a width-friendly form with sensible precision; `-` when
/// undefined.
pub(crate) fn num(x: f64) -> String {
    if !x.is_finite() {
        return "-".into();
    }
    let a = x.abs();
    if a == 0.0 {
        "0".into()
    } else if a >= 1e5 || (x.fract() == 0.0 && a < 1e15) {
        format!("{x:.0}")
    } else if a >= 100.0 {
        format!("{x:.1}")
    } else if a >= 1.0 {
        format!("{x:.3}")
    } else {
        format!("{x:.4}")
    }
}

/// Renders rows of cells with the first column left-aligned and the rest
/// right-aligned.
pub(crate) fn render(header: &[&str], rows: &[Vec<String>]) -> String {
    let cols = header.len();
    let mut width: Vec<usize> = header.iter().map(|h| h.len()).collect();
    for r in rows {
        for (w, c) in width.iter_mut().zip(r) {
            *w = (*w).max(c.chars().count());
        }
    }
    let line = |cells: &[String]| {
        let mut out = String::new();
        for (i, c) in cells.iter().enumerate().take(cols) {
            let pad = width[i] - c.chars().count();
            if i == 0 {
                out.push_str(c);
                out.push_str(&" ".repeat(pad));
            } else {
                out.push_str("  ");
                out.push_str(&" ".repeat(pad));
                out.push_str(c);
            }
        }
        out.push('\n');
        out
    };
    let mut out = line(&header.iter().map(|h| (*h).to_string()).collect::<Vec<_>>());
    out.push_str(&"-".repeat(width.iter().sum::<usize>() + 2 * (cols - 1)));
    out.push('\n');
    for r in rows {
        out.push_str(&line(r));
    }
    out
}

/// Header of a KPI summary table.
pub(crate) const SUMMARY_HEADER: [&str; 9] =
    ["kpi", "unit", "mean", "sd", "95% CI low", "95% CI high", "P5", "P50", "P95"];

/// One summary row.
pub(crate) fn summary_row(name: &str, unit: &str, s: &Summary) -> Vec<String> {
    vec![
        name.to_string(),
        unit.to_string(),
        num(s.mean),
        num(s.sd),
        num(s.ci95_low),
        num(s.ci95_high),
        num(s.p05),
        num(s.p50),
        num(s.p95),
    ]
}

/// Header of the rare-event table (95% intervals: Wilson for the
/// probability, Garwood for the Poisson rate).
pub(crate) const RARE_HEADER: [&str; 8] = [
    "rare event",
    "reps with one",
    "P(>=1)",
    "95% CI low",
    "95% CI high",
    "per rep",
    "Poisson low",
    "Poisson high",
];

/// One rare-event row: replications with an event of all, the probability
/// of at least one, and for counts the mean per replication.
pub(crate) fn rare_row(name: &str, n: u64, r: &RareEvents) -> Vec<String> {
    let rate = r.rate.map_or([f64::NAN; 3], |p| [p.per_replication, p.ci95_low, p.ci95_high]);
    vec![
        name.to_string(),
        format!("{}/{n}", r.with_event),
        num(r.p_any),
        num(r.p_any_ci95_low),
        num(r.p_any_ci95_high),
        num(rate[0]),
        num(rate[1]),
        num(rate[2]),
    ]
}

/// Header of a paired-difference table.
pub(crate) const DIFF_HEADER: [&str; 8] =
    ["kpi", "unit", "mean diff", "95% CI low", "95% CI high", "corr", "var. red.", "signif."];

/// One paired-difference row.
pub(crate) fn diff_row(name: &str, unit: &str, d: &PairedDifference) -> Vec<String> {
    vec![
        name.to_string(),
        unit.to_string(),
        num(d.mean_diff),
        num(d.ci95_low),
        num(d.ci95_high),
        num(d.correlation),
        num(d.variance_reduction),
        if d.is_significant() { "yes".into() } else { "no".into() },
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_alignment() {
        assert_eq!(num(f64::NAN), "-");
        assert_eq!(num(1_720_000.0), "1720000");
        assert_eq!(num(218.6), "218.6");
        assert_eq!(num(3.0), "3");
        assert_eq!(num(2.12649), "2.126");
        assert_eq!(num(0.01234), "0.0123");
        let t =
            render(&["k", "v"], &[vec!["a".into(), "1".into()], vec!["bbb".into(), "22".into()]]);
        assert_eq!(t, "k     v\n-------\na     1\nbbb  22\n");
    }
}
