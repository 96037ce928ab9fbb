//! The calibration table of `docs/calibration.md` (section 4.1, "Observed
//! against simulated") is checked here, so the document and the model
//! cannot drift apart. Each row names the quantity as KPIs of the baseline
//! (a sum of KPIs times a factor), the observed figure, a plausible range
//! (or none, where the row explains why the model differs), and the
//! simulated mean with its 95% interval over replications 0..199 of the
//! embedded baseline at its own seed. The test recomputes every row and
//! fails when
//!
//! - a mean leaves its plausible range (the model became implausible), or
//! - a documented simulated figure no longer matches the model: the
//!   recomputed mean must lie within the documented mean's ± (widened by
//!   the rounding of the printed figure). Same seed, same replications: an
//!   unchanged model reproduces the mean exactly, so a change that moves a
//!   figure beyond its printed interval must update the document.
//!
//! Run with `--nocapture` to print every row's recomputed figure in the
//! table's format. The regression work is done by the pinned values
//! (`pinned.rs`), which compare the baseline's KPI means bit for bit.

use std::path::PathBuf;

use caspian_tests::theory::Interval;

/// Replications the table's simulated column is measured over.
const REPLICATIONS: u64 = 200;

/// One row of the table.
#[derive(Debug)]
struct Row {
    quantity: String,
    /// KPIs summed per replication.
    kpis: Vec<String>,
    factor: f64,
    range: Option<(f64, f64)>,
    /// Documented mean, half-width and the rounding step of the printed mean.
    simulated: (f64, f64, f64),
}

/// A number as printed in the table: thousands separators (`,`) allowed.
fn number(cell: &str, what: &str) -> f64 {
    cell.trim()
        .replace(',', "")
        .parse()
        .unwrap_or_else(|_| panic!("calibration table: {what} is not a number: {cell:?}"))
}

/// The rounding step of a printed number: 0.01 for "12.34", 1 for "1,234".
fn step(cell: &str) -> f64 {
    match cell.trim().split_once('.') {
        Some((_, decimals)) => 10f64.powi(-(decimals.len() as i32)),
        None => 1.0,
    }
}

/// "`a` + `b` × 1/12" -> ([a, b], 1/12).
fn quantity(cell: &str, row: &str) -> (Vec<String>, f64) {
    let (sum, factor) = match cell.split_once('×') {
        Some((sum, factor)) => {
            let factor = factor.trim();
            let value = match factor.split_once('/') {
                Some((a, b)) => number(a, row) / number(b, row),
                None => number(factor, row),
            };
            (sum, value)
        }
        None => (cell, 1.0),
    };
    let kpis: Vec<String> =
        sum.split('+').map(|k| k.trim().trim_matches('`').to_string()).collect();
    assert!(
        kpis.iter().all(|k| !k.is_empty()),
        "calibration table: row {row}: empty KPI in {cell:?}"
    );
    (kpis, factor)
}

/// The rows of section 4.1.
fn documented_rows() -> Vec<Row> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../docs/calibration.md");
    let text = std::fs::read_to_string(&path).expect("docs/calibration.md exists");
    let section = text
        .split("### 4.1 Observed against simulated")
        .nth(1)
        .expect("docs/calibration.md has section 4.1 Observed against simulated");
    section
        .lines()
        .skip_while(|l| !l.starts_with("| Quantity"))
        .skip(2)
        .take_while(|l| l.starts_with('|'))
        .map(|l| {
            let cells: Vec<&str> = l.split('|').map(str::trim).collect();
            assert!(cells.len() >= 7, "calibration table: short row {l:?}");
            let name = cells[1].to_string();
            let (kpis, factor) = quantity(cells[2], &name);
            let range = match cells[4] {
                "—" | "-" | "" => None,
                r => {
                    let (low, high) = r
                        .split_once('–')
                        .unwrap_or_else(|| panic!("row {name}: range {r:?} is not low–high"));
                    Some((number(low, &name), number(high, &name)))
                }
            };
            let (mean, hw) = cells[5]
                .split_once('±')
                .unwrap_or_else(|| panic!("row {name}: simulated {:?} is not mean ± hw", cells[5]));
            let simulated = (number(mean, &name), number(hw, &name), step(mean));
            Row { quantity: name, kpis, factor, range, simulated }
        })
        .collect()
}

#[test]
fn the_calibration_table_matches_the_model_and_its_ranges() {
    let rows = documented_rows();
    assert!(rows.len() >= 7, "the table lost rows: {rows:?}");
    let plan = caspian_shipping::load(caspian_shipping::BASELINE_TOML, "baseline").unwrap();
    let seed = plan.source.scenario.seed;
    let runs: Vec<_> =
        (0..REPLICATIONS).map(|rep| caspian_shipping::simulate(&plan, seed, rep)).collect();
    let mut failures = Vec::new();
    for row in &rows {
        let xs: Vec<f64> = runs
            .iter()
            .map(|r| {
                let sum: f64 = row
                    .kpis
                    .iter()
                    .map(|k| r.kpis.get(k).unwrap_or_else(|| panic!("the baseline has no KPI {k}")))
                    .sum();
                sum * row.factor
            })
            .collect();
        let ci = Interval::student_t(&xs, 0.95);
        println!("| {} | {:.4} ± {:.4} |", row.quantity, ci.mean, ci.half_width);
        if let Some((low, high)) = row.range
            && !(low..=high).contains(&ci.mean)
        {
            failures.push(format!("{}: mean {} outside [{low}, {high}]", row.quantity, ci.mean));
        }
        let (mean, hw, step) = row.simulated;
        if (ci.mean - mean).abs() > hw + step / 2.0 {
            failures.push(format!(
                "{}: the table says {mean} ± {hw}, the model gives {:.4} ± {:.4}",
                row.quantity, ci.mean, ci.half_width
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "docs/calibration.md section 4.1 is out of date:\n{}",
        failures.join("\n")
    );
}

#[test]
fn the_table_parser_reads_sums_factors_and_printed_numbers() {
    assert_eq!(quantity("`a.b` + `c` × 1/12", "r"), (vec!["a.b".into(), "c".into()], 1.0 / 12.0));
    assert_eq!(quantity("`a`", "r"), (vec!["a".into()], 1.0));
    assert_eq!(quantity("`a` × 0.000001", "r").1, 1e-6);
    assert_eq!(number("17,908", "r"), 17908.0);
    assert_eq!(step("1.25"), 0.01);
    assert_eq!(step("17,908"), 1.0);
}
