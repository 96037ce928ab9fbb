//! `caspian plot`: one chart of a result file, as SVG. The kind of chart
//! follows the kind of result: a run gives the distribution of a KPI over
//! replications (from `--replications-csv`), a sweep a KPI against an axis,
//! a comparison the paired differences; `--trace` gives one replication's
//! story instead.

use std::path::{Path, PathBuf};

use clap::Args;

use caspian_montecarlo::shown_path;
use caspian_montecarlo::targets::Condition;
use caspian_report::distribution::{distribution, distribution_svg};
use caspian_report::forest::{forest, forest_svg};
use caspian_report::html::DEFAULT_COMPARE_KPIS;
use caspian_report::story::{parse_trace, story_svg};
use caspian_report::sweep::{SweepRequest, sweep_series, sweep_svg};
use caspian_report::{Replications, ReportError, ResultDoc};

use crate::common::{check_files, write_file};
use crate::failure::Failure;

#[derive(Debug, Args)]
pub(crate) struct PlotArgs {
    /// Result file (JSON written by run, sweep or compare with --json); optional with --trace.
    result: Option<PathBuf>,
    /// KPI to chart, e.g. delivered_total.oil (for a comparison: patterns, repeatable).
    #[arg(long = "kpi", value_name = "KEY")]
    kpis: Vec<String>,
    /// Sweep: the x axis [default: the sweep's first axis].
    #[arg(long, value_name = "KEY")]
    axis: Option<String>,
    /// Sweep: one line per value of this axis [default: the first other axis; `none` for one line].
    #[arg(long, value_name = "KEY")]
    by: Option<String>,
    /// Sweep: hold another axis at VALUE (repeatable) [default: its first value].
    #[arg(long = "at", value_name = "KEY=VALUE")]
    at: Vec<String>,
    /// Run: a condition on the KPI (a target or a risk), as `caspian run --target` takes it
    /// (KPI>=X, KPI<=X, KPI>X, KPI<X; the KPI may be left out: >=X) or X alone (at least X
    /// where more of the KPI is better, at most X otherwise); the chart shows the probability
    /// of meeting it.
    #[arg(long, value_name = "CONDITION")]
    target: Option<String>,
    /// Run: per-replication values, the CSV written by `caspian run --csv FILE`.
    #[arg(long, value_name = "FILE")]
    replications_csv: Option<PathBuf>,
    /// Draw one replication's story from this trace (written by `caspian trace --csv FILE`).
    #[arg(long, value_name = "FILE")]
    trace: Option<PathBuf>,
    /// The SVG file to write.
    #[arg(long, value_name = "FILE.svg")]
    out: PathBuf,
}

/// A report error as a command failure: bad input exits 2, a drawing
/// failure 1.
pub(crate) fn failure(context: &Path, e: ReportError) -> Failure {
    if e.is_input() {
        match e {
            ReportError::Parse { .. } => Failure::Input(format!("{}: {e}", shown_path(context))),
            e => Failure::Input(e.to_string()),
        }
    } else {
        Failure::Internal(e.to_string())
    }
}

/// Reads a result, CSV or trace file, failing with exit code 2 (not a
/// regular file, beyond the cap, not text).
pub(crate) fn read_text(path: &Path) -> Result<String, Failure> {
    crate::files::read_input(path, caspian_montecarlo::input::InputKind::Result)
}

/// Reads a result document.
pub(crate) fn read_result(path: &Path) -> Result<ResultDoc, Failure> {
    ResultDoc::from_json(&read_text(path)?).map_err(|e| failure(path, e))
}

/// Reads a per-replication CSV.
pub(crate) fn read_replications(path: &Path) -> Result<Replications, Failure> {
    Replications::from_csv(&read_text(path)?).map_err(|e| failure(path, e))
}

/// Parses `KEY=VALUE`.
pub(crate) fn key_value(spec: &str, option: &str) -> Result<(String, f64), Failure> {
    let Some((k, v)) = spec.split_once('=') else {
        return Err(Failure::Input(format!(
            "{option} takes KEY=VALUE (a KPI or key, `=`, a number), got \"{spec}\""
        )));
    };
    let v = crate::parse::number(v)
        .map_err(|e| Failure::Input(format!("{option} {spec}: {e} after `=`")))?;
    if k.trim().is_empty() {
        return Err(Failure::Input(format!("{option} {spec}: the KEY before `=` is missing")));
    }
    Ok((k.trim().to_string(), v))
}

fn only_for(kind: &str, used: &[(&str, bool)]) -> Result<(), Failure> {
    for (option, given) in used {
        if *given {
            return Err(Failure::Input(format!("{option} does not apply to a {kind} result")));
        }
    }
    Ok(())
}

/// The `--target` of a run's chart of `kpi`: a condition of `caspian run
/// --target` (its KPI, when named, must be the chart's), an operator and a
/// number (`>=X`), or a number alone (`KPI=X`: the KPI's good side).
fn plot_target(spec: &str, kpi: &str) -> Result<Condition, Failure> {
    let t = spec.trim();
    let full = if t.starts_with(['<', '>']) {
        format!("{kpi}{t}")
    } else if crate::parse::number(t).is_ok() {
        format!("{kpi}={t}")
    } else if !t.contains(['=', '<', '>']) {
        // An example the chart's KPI would take: a fraction's is below 1.
        let fraction = caspian_montecarlo::schema::family_of(kpi)
            .is_some_and(|f| f.unit == caspian_montecarlo::schema::Unit::Fraction);
        let x = if fraction { "0.95" } else { "1690000" };
        return Err(Failure::Input(format!(
            "--target \"{spec}\": expected a number such as {x}, or a condition such as \
             '>={x}' or '{kpi}>={x}'"
        )));
    } else {
        t.to_string()
    };
    let c = crate::report::target(&full)?;
    if c.kpi != kpi {
        return Err(Failure::Input(format!(
            "--target \"{spec}\" is a condition on {}, but the chart is of {kpi} (--kpi)",
            c.kpi
        )));
    }
    Ok(c)
}

fn one_kpi(kpis: &[String], example: &str) -> Result<String, Failure> {
    match kpis {
        [k] => Ok(k.clone()),
        [] => Err(Failure::Input(format!("--kpi KEY is needed, e.g. --kpi {example}"))),
        _ => Err(Failure::Input("this chart shows one KPI: give --kpi once".into())),
    }
}

pub(crate) fn run(args: PlotArgs) -> Result<(), Failure> {
    check_files(
        &[
            ("RESULT", args.result.as_deref()),
            ("--replications-csv", args.replications_csv.as_deref()),
            ("--trace", args.trace.as_deref()),
        ],
        &[("--out", Some(&args.out))],
    )?;
    let doc = args.result.as_deref().map(read_result).transpose()?;
    let ctx = args.result.clone().unwrap_or_else(|| PathBuf::from("result"));
    let fail = |e| failure(&ctx, e);
    if let Some(trace) = &args.trace {
        let story = parse_trace(&read_text(trace)?).map_err(|e| failure(trace, e))?;
        let subject = match &doc {
            Some(d) => d.scenario_title(),
            None => trace.file_name().map_or("trace".into(), |n| n.to_string_lossy().into_owned()),
        };
        let svg = story_svg(&story, &subject).map_err(|e| failure(trace, e))?;
        return write_file(&args.out, svg.as_bytes());
    }
    let Some(doc) = doc else {
        return Err(Failure::Input(
            "give a result file (JSON from run, sweep or compare), or --trace FILE".into(),
        ));
    };
    crate::output::check_kpi_patterns(&args.kpis, &doc.kpi_names())?;
    let sweep_opts = [
        ("--axis", args.axis.is_some()),
        ("--by", args.by.is_some()),
        ("--at", !args.at.is_empty()),
    ];
    let run_opts = [
        ("--target", args.target.is_some()),
        ("--replications-csv", args.replications_csv.is_some()),
    ];
    let svg = match &doc {
        ResultDoc::Run(d) => {
            only_for("run", &sweep_opts)?;
            // Without --kpi, the KPI of a condition `KPI>=X`.
            let named = match (&args.kpis[..], &args.target) {
                ([], Some(t)) => crate::report::target(t).map(|c| vec![c.kpi]).unwrap_or_default(),
                _ => args.kpis.clone(),
            };
            let kpi = one_kpi(&named, "delivered_total.oil")?;
            let target = args.target.as_deref().map(|t| plot_target(t, &kpi)).transpose()?;
            let Some(path) = &args.replications_csv else {
                return Err(Failure::Input(
                    "a run's chart is the distribution over replications, which the JSON does not \
                     hold: write them with `caspian run --csv reps.csv` and pass \
                     --replications-csv reps.csv"
                        .into(),
                ));
            };
            let reps = read_replications(path)?;
            if !d.kpis.contains_key(&kpi) {
                return Err(fail(caspian_report::input::unknown_kpi(&kpi, &doc.kpi_names())));
            }
            reps.check_against(d, &kpi).map_err(fail)?;
            let values = reps.censored_column(&kpi).map_err(fail)?;
            let dist =
                distribution(&d.scenario, &kpi, &d.kpis[&kpi].unit, &values, target.as_ref())
                    .map_err(fail)?;
            distribution_svg(&dist).map_err(fail)?
        }
        ResultDoc::Sweep(d) => {
            only_for("sweep", &run_opts)?;
            let kpi = one_kpi(&args.kpis, "delivered_total.wagons")?;
            let at = args.at.iter().map(|s| key_value(s, "--at")).collect::<Result<Vec<_>, _>>()?;
            // One value a key: a second would silently lose to the first.
            if let Some((i, (k, _))) =
                at.iter().enumerate().find(|(i, (k, _))| at[..*i].iter().any(|(j, _)| j == k))
            {
                return Err(Failure::Input(format!(
                    "--at {}: the key {k} is given twice; give each key once",
                    args.at[i]
                )));
            }
            let req = SweepRequest { kpi, axis: args.axis.clone(), by: args.by.clone(), at };
            sweep_svg(&sweep_series(d, &req).map_err(fail)?).map_err(fail)?
        }
        ResultDoc::Compare(d) => {
            only_for("compare", &sweep_opts)?;
            only_for("compare", &run_opts)?;
            let patterns = if args.kpis.is_empty() {
                DEFAULT_COMPARE_KPIS.iter().map(|s| (*s).to_string()).collect()
            } else {
                args.kpis.clone()
            };
            forest_svg(&forest(d, &patterns).map_err(fail)?).map_err(fail)?
        }
    };
    write_file(&args.out, svg.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_plot_target_takes_every_direction_with_or_without_its_kpi() {
        let kpi = "delivered_total.oil";
        for op in [">=", ">", "<=", "<"] {
            for spec in
                [format!("{op}1690000"), format!("{kpi}{op}1690000"), format!(" {op} 1690000")]
            {
                let c = plot_target(&spec, kpi).unwrap_or_else(|_| panic!("{spec}"));
                assert_eq!((c.kpi.as_str(), c.op.as_str(), c.threshold), (kpi, op, 1_690_000.0));
            }
        }
        assert_eq!(plot_target("1690000", kpi).map(|c| c.op.as_str()).ok(), Some(">="));
        for bad in ["abc", "transit_h.oil.mean<90", "delivered_total.oil<<5"] {
            assert!(plot_target(bad, kpi).is_err(), "{bad}");
        }
    }
}
