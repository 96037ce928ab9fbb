//! Plain-text tables for the terminal, and the one way they write numbers
//! ([`numbers`]): thousands separators, and the same number of decimals in
//! every column of a row, enough for [`SIGNIFICANT`] significant digits of
//! its largest value.

use caspian_montecarlo::document::TargetProbability;
use caspian_montecarlo::rare::RareEvents;
use caspian_montecarlo::stats::{PairedDifference, Summary};

/// Significant digits shown for the largest value of a row.
pub(crate) const SIGNIFICANT: i32 = 4;

/// The most decimals a row gets. A row whose largest value is below
/// `10^-(MAX_DECIMALS - SIGNIFICANT + 1)` gets these and fewer significant
/// digits (a service-level difference of `0.000273`), down to
/// [`MIN_SIGNIFICANT`] for the largest; below that (and from `10^15`) numbers are written in
/// scientific notation.
const MAX_DECIMALS: i32 = 6;

/// The fewest significant digits a row's largest value may keep at
/// [`MAX_DECIMALS`] before the row is written in scientific notation.
const MIN_SIGNIFICANT: i32 = 3;

/// Numbers that belong together (one row's mean, interval and percentiles)
/// written with the same decimals: enough for [`SIGNIFICANT`] significant
/// digits of the largest magnitude, never rounding the integer part; whole
/// numbers stay whole; thousands separated by commas (`1,701,200`); `-`
/// when undefined.
pub(crate) fn numbers(values: &[f64]) -> Vec<String> {
    let decimals = decimals(values);
    values
        .iter()
        .map(|&x| match decimals {
            _ if x == 0.0 => "0".to_string(),
            Some(_) if x.fract() == 0.0 => fixed(x, Some(0)),
            d => fixed(x, d),
        })
        .collect()
}

/// The decimals [`numbers`] gives `values`: enough for [`SIGNIFICANT`]
/// significant digits of the largest magnitude, at most [`MAX_DECIMALS`]
/// (so small values keep at least [`MIN_SIGNIFICANT`]); `None` for
/// scientific notation (below `10^-(MAX_DECIMALS - MIN_SIGNIFICANT + 1)`,
/// from `10^15`).
pub(crate) fn decimals(values: &[f64]) -> Option<usize> {
    let largest = values.iter().filter(|v| v.is_finite()).fold(0.0_f64, |m, v| m.max(v.abs()));
    let digits = if largest > 0.0 { largest.log10().floor() as i32 + 1 } else { 1 };
    let decimals = (SIGNIFICANT - digits).max(0);
    let fits = MIN_SIGNIFICANT - digits <= MAX_DECIMALS;
    (largest < 1e15 && fits).then_some(decimals.min(MAX_DECIMALS) as usize)
}

/// `x` with `decimals` (scientific notation for `None`), thousands grouped;
/// `-` when undefined.
fn fixed(x: f64, decimals: Option<usize>) -> String {
    match decimals {
        _ if !x.is_finite() => "-".to_string(),
        None => format!("{x:.3e}"),
        Some(d) => grouped(&format!("{x:.d$}")),
    }
}

/// One column of numbers, every one with the same decimals ([`decimals`]),
/// whole numbers included (`97.0` under `94.2`); `0` for zero, `-` when
/// undefined.
pub(crate) fn column(values: &[f64], decimals: Option<usize>) -> Vec<String> {
    values.iter().map(|&x| if x == 0.0 { "0".to_string() } else { fixed(x, decimals) }).collect()
}

/// Exact values that share a column (a sweep's axis): the fewest decimals,
/// at most [`MAX_DECIMALS`], that write every value exactly, so whole
/// numbers print whole (`2`, not `2.000`) and `0.0005` stands over
/// `0.0050`; [`numbers`]' decimals when none is enough.
pub(crate) fn exact_column(values: &[f64]) -> Vec<String> {
    let exact = |d: usize| {
        values.iter().filter(|x| x.is_finite()).all(|&x| {
            let scaled = x * 10f64.powi(d as i32);
            (scaled - scaled.round()).abs() <= 1e-9 * scaled.abs().max(1.0)
        })
    };
    // A swept value is a setting, read as written: small ones (a Latin
    // hypercube's probability of 1.692e-4) keep all their significant
    // digits, past `MAX_DECIMALS`, down to 1e-9.
    let largest = values.iter().filter(|v| v.is_finite()).fold(0.0_f64, |m, v| m.max(v.abs()));
    let small = (1e-9..1.0).contains(&largest).then(|| {
        let digits = largest.log10().floor() as i32 + 1;
        usize::try_from(SIGNIFICANT - digits).unwrap_or(0)
    });
    let d = (0..=MAX_DECIMALS as usize).find(|&d| exact(d)).or(small).or_else(|| decimals(values));
    column(values, d)
}

/// A difference at `decimals` (those of the values it is a difference of),
/// with its sign: `+12.5`, `-3.0`, and `0` when it rounds to zero or is
/// floating-point noise, at most `1e-9` of `scale` (the magnitude of the
/// values).
pub(crate) fn signed(x: f64, decimals: Option<usize>, scale: f64) -> String {
    if !x.is_finite() {
        return "-".to_string();
    }
    let text = fixed(x, decimals);
    let zero = text.trim_start_matches('-').chars().all(|c| matches!(c, '0' | '.' | ','));
    if x.abs() <= 1e-9 * scale.abs() || (decimals.is_some() && zero) {
        "0".to_string()
    } else if x > 0.0 {
        format!("+{text}")
    } else {
        text
    }
}

/// One number on its own, as [`numbers`] writes it but without trailing
/// zeros after the decimal point (nothing to align with): `0.5`, `0.0005`,
/// `5e-7`.
pub(crate) fn num(x: f64) -> String {
    let text = numbers(&[x]).swap_remove(0);
    let (mantissa, exponent) =
        text.split_once('e').map_or((text.as_str(), None), |(m, e)| (m, Some(e)));
    let mantissa = if mantissa.contains('.') {
        mantissa.trim_end_matches('0').trim_end_matches('.')
    } else {
        mantissa
    };
    match exponent {
        Some(e) => format!("{mantissa}e{e}"),
        None => mantissa.to_string(),
    }
}

/// `text` (a plain decimal, maybe negative) with commas between thousands
/// of its integer part.
pub(crate) fn grouped(text: &str) -> String {
    let (sign, rest) = text.strip_prefix('-').map_or(("", text), |r| ("-", r));
    let (int, frac) = rest.split_once('.').map_or((rest, None), |(i, f)| (i, Some(f)));
    let mut out = String::from(sign);
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if let Some(f) = frac {
        out.push('.');
        out.push_str(f);
    }
    out
}

/// The columns `text` takes in a terminal: a wide character (CJK, most
/// emoji) takes two, a combining mark none.
pub(crate) fn shown_width(text: &str) -> usize {
    unicode_width::UnicodeWidthStr::width(text)
}

/// Renders rows of cells with the first column and a `unit` column
/// left-aligned and the rest right-aligned. A row of one cell is a heading line between groups of
/// rows (a blank line, then the text), outside the columns.
pub(crate) fn render(header: &[&str], rows: &[Vec<String>]) -> String {
    let cols = header.len();
    let mut width: Vec<usize> = header.iter().map(|h| shown_width(h)).collect();
    for r in rows.iter().filter(|r| r.len() > 1) {
        for (w, c) in width.iter_mut().zip(r) {
            *w = (*w).max(shown_width(c));
        }
    }
    let line = |cells: &[String]| {
        let mut out = String::new();
        for (i, c) in cells.iter().enumerate().take(cols) {
            let pad = width[i] - shown_width(c);
            if i == 0 {
                out.push_str(c);
                out.push_str(&" ".repeat(pad));
            } else if header[i] == "unit" {
                out.push_str("  ");
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
    for (i, r) in rows.iter().enumerate() {
        if r.len() == 1 {
            if i > 0 {
                out.push('\n');
            }
            out.push_str(&r[0]);
            out.push('\n');
        } else {
            out.push_str(&line(r));
        }
    }
    out
}

/// Header of a KPI summary table.
pub(crate) const SUMMARY_HEADER: [&str; 9] =
    ["kpi", "unit", "mean", "sd", "95% CI low", "95% CI high", "P5", "P50", "P95"];

/// One summary row; its numbers share their decimals ([`numbers`]).
pub(crate) fn summary_row(name: &str, unit: &str, s: &Summary) -> Vec<String> {
    let mut row = vec![name.to_string(), unit.to_string()];
    row.extend(numbers(&[s.mean, s.sd, s.ci95_low, s.ci95_high, s.p05, s.p50, s.p95]));
    row
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
    let mut row = vec![name.to_string(), format!("{}/{n}", r.with_event)];
    row.extend(numbers(&[r.p_any, r.p_any_ci95_low, r.p_any_ci95_high]));
    row.extend(numbers(&rate));
    row
}

/// Header of a paired-difference table.
pub(crate) const DIFF_HEADER: [&str; 8] =
    ["kpi", "unit", "mean diff", "95% CI low", "95% CI high", "corr", "var. red.", "signif."];

/// One paired-difference row.
pub(crate) fn diff_row(name: &str, unit: &str, d: &PairedDifference) -> Vec<String> {
    let mut row = vec![name.to_string(), unit.to_string()];
    row.extend(numbers(&[d.mean_diff, d.ci95_low, d.ci95_high]));
    row.push(num(d.correlation));
    row.push(d.variance_reduction_text(num));
    row.push(if d.is_significant() { "yes".into() } else { "no".into() });
    row
}

/// Header of the table of `--target` conditions.
pub(crate) const TARGET_HEADER: [&str; 6] =
    ["target", "met in", "P(meet)", "95% CI low", "95% CI high", "n"];

/// One `--target` row: the condition, replications meeting it of those
/// where the KPI is defined, the probability and its Wilson interval.
pub(crate) fn target_row(t: &TargetProbability) -> Vec<String> {
    // p_meet is a count over n (NaN when n is 0: no replication to count).
    let met = if t.n == 0 { 0.0 } else { (t.p_meet * t.n as f64).round() };
    let mut row = vec![format!("{}{}", t.kpi, t.condition), format!("{}/{}", met, t.n)];
    row.extend(numbers(&[t.p_meet, t.ci95_low, t.ci95_high]));
    row.push(grouped(&t.n.to_string()));
    row
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_share_decimals_and_group_thousands() {
        assert_eq!(num(f64::NAN), "-");
        assert_eq!(num(1_720_000.0), "1,720,000");
        assert_eq!(num(1_701_234.56), "1,701,235");
        assert_eq!(num(-12_345.6), "-12,346");
        assert_eq!(num(218.6), "218.6");
        assert_eq!(num(3.0), "3");
        assert_eq!(num(2.12649), "2.126");
        assert_eq!(num(0.01234), "0.01234");
        assert_eq!(num(0.0), "0");
        assert_eq!(num(2e-9), "2e-9");
        assert_eq!(num(0.5), "0.5");
        // Small values keep six decimals while three significant digits of
        // the row's largest fit (a service-level difference), then turn
        // scientific.
        assert_eq!(num(2.5e-4), "0.00025");
        assert_eq!(numbers(&[2.731e-4, 1.272e-4, 4.191e-4]), ["0.000273", "0.000127", "0.000419"]);
        assert_eq!(numbers(&[1.375e-5, -9.7e-5, 1.246e-4]), ["0.000014", "-0.000097", "0.000125"]);
        assert_eq!(num(1.2e-4), "0.00012");
        assert_eq!(num(1.2e-5), "1.2e-5");
        assert_eq!(numbers(&[8e-6, -6e-6, 2.2e-5]), ["8.000e-6", "-6.000e-6", "2.200e-5"]);
        assert_eq!(num(9.9e-6), "9.9e-6");
        assert_eq!(num(120.0), "120");
        // One row: decimals from its largest value; whole numbers stay whole.
        assert_eq!(numbers(&[0.5, 12.25, 3.0, f64::NAN]), ["0.50", "12.25", "3", "-"]);
        assert_eq!(numbers(&[1234.6, 999.7]), ["1,235", "1,000"]);
        assert_eq!(numbers(&[2e-9, 1e-9]), ["2.000e-9", "1.000e-9"]);
        assert_eq!(numbers(&[2e15, 5.0]), ["2.000e15", "5.000e0"]);
    }

    #[test]
    fn small_swept_values_keep_their_decimals() {
        // A Latin hypercube's probabilities: decimals, never 1.692e-4.
        assert_eq!(exact_column(&[1.692e-4, 4.117e-4]), ["0.0001692", "0.0004117"]);
        assert_eq!(exact_column(&[0.0005, 0.005]), ["0.0005", "0.0050"]);
        assert_eq!(exact_column(&[2.0, 3.0]), ["2", "3"]);
    }

    #[test]
    fn columns_share_their_decimals() {
        // A column of means: whole numbers get the column's decimals too.
        let means = [94.2, 97.0, 107.0, f64::NAN, 0.0];
        assert_eq!(decimals(&means), Some(1));
        assert_eq!(column(&means, decimals(&means)), ["94.2", "97.0", "107.0", "-", "0"]);
        // Axis values: whole numbers whole, fractions with the fewest shared decimals.
        assert_eq!(exact_column(&[1.0, 2.0, 3.0]), ["1", "2", "3"]);
        assert_eq!(exact_column(&[5e-4, 0.005, 0.05]), ["0.0005", "0.0050", "0.0500"]);
        assert_eq!(exact_column(&[0.1, 0.2, 0.3]), ["0.1", "0.2", "0.3"]);
        assert_eq!(exact_column(&[1500.0, 25_000.0]), ["1,500", "25,000"]);
        assert_eq!(exact_column(&[1.0 / 3.0, 1.0]), ["0.333", "1.000"]);
        // Differences: the values' decimals, signed, noise shown as 0.
        let d = decimals(&[1_701_200.0, 1_690_000.0]);
        assert_eq!(signed(1.062e-13, d, 1.7e6), "0");
        assert_eq!(signed(-748.3, d, 1.7e6), "-748");
        assert_eq!(signed(748.3, Some(1), 107.0), "+748.3");
        assert_eq!(signed(-0.04, Some(1), 107.0), "0");
        assert_eq!(signed(1e-7, None, 1e-5), "+1.000e-7");
        assert_eq!(signed(1e-16, None, 1e-5), "0");
        assert_eq!(signed(f64::NAN, Some(1), 1.0), "-");
    }

    #[test]
    fn columns_align_and_headings_stand_apart() {
        let t =
            render(&["k", "v"], &[vec!["a".into(), "1".into()], vec!["bbb".into(), "22".into()]]);
        assert_eq!(t, "k     v\n-------\na     1\nbbb  22\n");
        let t = render(&["k", "unit", "v"], &[vec!["a".into(), "h".into(), "1".into()]]);
        assert_eq!(t, "k  unit  v\n----------\na  h     1\n");
        let rows = vec![
            vec!["group one, a long heading".into()],
            vec!["a".into(), "1".into()],
            vec!["group two".into()],
            vec!["b".into(), "2".into()],
        ];
        let t = render(&["k", "v"], &rows);
        assert_eq!(t, "k  v\n----\ngroup one, a long heading\na  1\n\ngroup two\nb  2\n");
        // A wide character takes two columns: "é🚢" is three wide.
        let t =
            render(&["k", "v"], &[vec!["é🚢".into(), "1".into()], vec!["abcd".into(), "2".into()]]);
        assert_eq!(t, "k     v\n-------\né🚢   1\nabcd  2\n");
    }
}
