//! Pinned values: the baseline's KPI means at a fixed seed and replication
//! count must equal, bit for bit, the committed file
//! `tests/pinned/baseline-kpi-means.tsv`.
//!
//! This is the regression test for the model's numbers. A change that moves
//! any KPI, even in the last digit, fails here and names every KPI that moved.
//! When the model changes on purpose, regenerate the file and commit it with
//! the change, so the diff shows in review:
//!
//! ```sh
//! CASPIAN_UPDATE_PINNED=1 cargo test -p caspian-tests --test it pinned
//! ```

use std::fmt::Write as _;
use std::path::PathBuf;

/// Replications averaged: enough to exercise every mechanism of the baseline,
/// few enough to run in a second in a debug build.
const REPLICATIONS: u64 = 100;

fn pinned_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("pinned/baseline-kpi-means.tsv")
}

/// The baseline's KPI means (NaN replications left out, as the runner does),
/// as the text of the pinned file. `{:?}` prints the shortest string that
/// reads back to the same `f64`, so equal text means equal bits.
fn current_means() -> String {
    let plan = caspian_shipping::load(caspian_shipping::BASELINE_TOML, "baseline").unwrap();
    let seed = plan.source.scenario.seed;
    let runs: Vec<_> =
        (0..REPLICATIONS).map(|rep| caspian_shipping::simulate(&plan, seed, rep)).collect();
    let mut out = String::new();
    writeln!(
        out,
        "# caspian-sim pinned values: baseline, seed {seed}, replications 0..{REPLICATIONS}"
    )
    .unwrap();
    writeln!(
        out,
        "# Regenerate: CASPIAN_UPDATE_PINNED=1 cargo test -p caspian-tests --test it pinned"
    )
    .unwrap();
    writeln!(out, "kpi\tmean\tdefined_in").unwrap();
    let names: Vec<String> = runs[0].kpis.iter().map(|(n, _)| n.to_string()).collect();
    for name in names {
        let (mut sum, mut n) = (0.0_f64, 0_u64);
        for r in &runs {
            let v = r.kpis.get(&name).expect("every replication has the same KPIs");
            if !v.is_nan() {
                sum += v;
                n += 1;
            }
        }
        let mean = if n == 0 { f64::NAN } else { sum / n as f64 };
        writeln!(out, "{name}\t{mean:?}\t{n}").unwrap();
    }
    out
}

/// (kpi, line) pairs of a pinned file, for naming what moved.
fn rows(text: &str) -> Vec<(&str, &str)> {
    text.lines()
        .filter(|l| !l.starts_with('#'))
        .skip(1)
        .map(|l| (l.split('\t').next().unwrap_or(""), l))
        .collect()
}

#[test]
fn pinned_baseline_kpi_means_are_unchanged() {
    let current = current_means();
    let path = pinned_path();
    if std::env::var_os("CASPIAN_UPDATE_PINNED").is_some() {
        std::fs::write(&path, &current).unwrap();
        println!("wrote {}", path.display());
        return;
    }
    let pinned = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!("{}: {e}; create it with CASPIAN_UPDATE_PINNED=1", path.display())
    });
    if pinned == current {
        return;
    }
    let (old, new) = (rows(&pinned), rows(&current));
    let mut report = String::new();
    for (k, line) in &old {
        match new.iter().find(|(n, _)| n == k) {
            None => writeln!(report, "  gone:    {line}").unwrap(),
            Some((_, l)) if l != line => writeln!(report, "  changed: {line}  ->  {l}").unwrap(),
            Some(_) => {}
        }
    }
    for (k, line) in &new {
        if !old.iter().any(|(o, _)| o == k) {
            writeln!(report, "  new:     {line}").unwrap();
        }
    }
    if report.is_empty() {
        report.push_str("  (header lines differ)\n");
    }
    panic!(
        "the baseline's KPI means moved from {}:\n{report}If the change is deliberate, run \
         CASPIAN_UPDATE_PINNED=1 cargo test -p caspian-tests --test it pinned and commit the file.",
        path.display()
    );
}

/// The check above must be able to fail: one changed digit is caught.
#[test]
fn a_moved_value_is_named() {
    let text = "# h\nkpi\tmean\tdefined_in\na\t1.0\t3\nb\t2.0\t3\n";
    let moved = text.replace("2.0", "2.0000000000000004");
    let (old, new) = (rows(text), rows(&moved));
    let changed: Vec<_> =
        old.iter().filter(|(k, l)| new.iter().any(|(n, m)| n == k && m != l)).collect();
    assert_eq!(changed.len(), 1);
    assert_eq!(changed[0].0, "b");
}

/// The KPI count that docs/kpis.md ("Count and verification") gives for the
/// baseline is the model's.
#[test]
fn the_kpi_count_in_kpis_md_is_the_baseline_s() {
    let doc =
        std::fs::read_to_string(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../docs/kpis.md"))
            .unwrap();
    let section = doc.split("## Count and verification").nth(1).expect("the section is there");
    let figure = |after: &str| -> usize {
        let tail = section.split(after).nth(1).unwrap_or_else(|| panic!("no {after:?}"));
        let digits: String = tail.chars().take_while(char::is_ascii_digit).collect();
        digits.parse().unwrap_or_else(|_| panic!("no number after {after:?}"))
    };
    let plan = caspian_shipping::load(caspian_shipping::BASELINE_TOML, "baseline").unwrap();
    let names = plan.kpi_layout().names();
    let monthly = names.iter().filter(|n| n.starts_with("month_")).count();
    assert_eq!(figure("The baseline emits **"), names.len(), "all KPIs");
    assert_eq!(figure("KPIs, "), monthly, "monthly KPIs");
}
