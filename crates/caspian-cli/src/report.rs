//! `caspian report`: one self-contained HTML page of a result, and the
//! `--report DIR` option of run, sweep and compare.

use std::path::{Path, PathBuf};

use clap::Args;

use caspian_montecarlo::document::Document;
use caspian_montecarlo::records::PointRecords;
use caspian_montecarlo::shown_path;
use caspian_montecarlo::targets::{Condition, TargetError, check_kpi};
use caspian_report::distribution::target_condition;
use caspian_report::html::{ReportInputs, report};
use caspian_report::story::parse_trace;
use caspian_report::{Replications, ResultDoc};

use crate::common::{note, write_file};
use crate::failure::Failure;
use crate::plot::{failure, read_replications, read_text};

#[derive(Debug, Args)]
pub(crate) struct ReportArgs {
    /// Result file (JSON written by run, sweep or compare with --json, or by optimize with -o).
    result: PathBuf,
    /// The HTML file to write.
    #[arg(long, value_name = "FILE.html")]
    out: PathBuf,
    /// Run: per-replication values (`caspian run --csv FILE`), for distribution charts.
    #[arg(long, value_name = "FILE")]
    replications_csv: Option<PathBuf>,
    /// Add one replication's story from this trace (`caspian trace --csv FILE`).
    #[arg(long, value_name = "FILE")]
    trace: Option<PathBuf>,
    /// KPIs to chart (patterns, repeatable) [default: delivered_total.*; for a
    /// comparison also transit_h.* and anchorage_wait_h.*]. The monthly fan
    /// charts stay unless a pattern names a monthly series (month_*).
    #[arg(long = "kpi", value_name = "PATTERN")]
    kpis: Vec<String>,
    /// Run: a condition (a target or a risk) for a KPI's chart, as `caspian run --target`
    /// takes it: KPI>=X, KPI<=X, KPI>X or KPI<X, e.g. 'delivered_total.oil>=1690000'
    /// (repeatable) [default: the run's own --target]. KPI=X is the KPI's
    /// good side: KPI>=X where more is better, KPI<=X otherwise.
    #[arg(long = "target", value_name = "CONDITION")]
    targets: Vec<String>,
}

pub(crate) fn run(args: ReportArgs) -> Result<(), Failure> {
    crate::common::check_files(
        &[
            ("RESULT", Some(&args.result)),
            ("--replications-csv", args.replications_csv.as_deref()),
            ("--trace", args.trace.as_deref()),
        ],
        &[("--out", Some(&args.out))],
    )?;
    let text = read_text(&args.result)?;
    // An optimize document is recognised only once the result loader has
    // refused it: a large sweep's text is not parsed for its kind first.
    let doc = match ResultDoc::from_json(&text) {
        Ok(doc) => doc,
        Err(_) if is_optimize(&text) => return optimize_page(&args, &text),
        Err(e) => return Err(failure(&args.result, e)),
    };
    crate::output::check_kpi_patterns(&args.kpis, &doc.kpi_names())?;
    let reps = args.replications_csv.as_deref().map(read_replications).transpose()?;
    if reps.is_some() && !matches!(doc, ResultDoc::Run(_)) {
        return Err(Failure::Input(format!(
            "--replications-csv applies to a run result; {} is a {} result",
            shown_path(&args.result),
            doc.kind()
        )));
    }
    if let (Some(reps), ResultDoc::Run(d), Some(csv)) = (&reps, &doc, &args.replications_csv) {
        reps.check_whole(d).map_err(|e| failure(csv, e))?;
    }
    let story = match &args.trace {
        Some(t) => Some(parse_trace(&read_text(t)?).map_err(|e| failure(t, e))?),
        None => None,
    };
    if let (Some(story), Some(t)) = (&story, &args.trace) {
        check_trace_belongs(story, &doc.every_kpi_name(), t, &args.result)?;
    }
    let targets = args.targets.iter().map(|s| target(s)).collect::<Result<Vec<_>, _>>()?;
    for c in &targets {
        check_kpi(c, &doc.kpi_names()).map_err(|e| Failure::Input(e.to_string()))?;
    }
    check_targets_are_charted(&args, &doc, reps.is_some(), &targets)?;
    let inputs = ReportInputs {
        replications: reps.as_ref(),
        trace: story.as_ref(),
        kpis: args.kpis.clone(),
        targets,
    };
    let page = report(&doc, &inputs).map_err(|e| failure(&args.result, e))?;
    write_file(&args.out, page.html.as_bytes())?;
    note(
        false,
        &format!("report with {} written to {}", charts(page.charts), shown_path(&args.out)),
    );
    Ok(())
}

/// Refuses a trace of a scenario the result does not hold: every storage
/// the trace shows must have a `storage_mean.<id>` of one of the result's
/// scenarios (a comparison's policies too), and every port a
/// `port_closure_h.<id>` (where the result holds such KPIs at all). A
/// trace of the baseline beside a result of a two-port scenario would tell
/// another scenario's story under its title. A trace of a scenario with
/// the same ports and storages, or fewer, cannot be told apart.
fn check_trace_belongs(
    story: &caspian_report::story::Story,
    names: &[String],
    trace: &std::path::Path,
    result: &std::path::Path,
) -> Result<(), Failure> {
    let has = |family: &str, id: &str| names.iter().any(|n| *n == format!("{family}.{id}"));
    let holds = |family: &str| names.iter().any(|n| n.starts_with(&format!("{family}.")));
    let storages = story.storages.iter().map(|s| ("storage", "storage_mean", &s.id));
    let ports = story.ports.iter().map(|p| ("port", "port_closure_h", &p.id));
    for (what, family, id) in storages.chain(ports) {
        if holds(family) && !has(family, id) {
            return Err(Failure::Input(format!(
                "--trace {}: its {what} \"{id}\" is in none of the scenarios of {} (no \
                 {family}.{id}): the trace is of another scenario; trace one of them with \
                 `caspian trace SCENARIO --csv FILE`",
                shown_path(trace),
                shown_path(result)
            )));
        }
    }
    Ok(())
}

/// Whether `text` is an optimisation document (`"kind": "optimize"`,
/// wherever it stands: a file rewritten by another tool may have its keys
/// in another order). Any other document is left to the checked loader of
/// run, sweep and compare results.
fn is_optimize(text: &str) -> bool {
    caspian_montecarlo::validate::kind_of(text).is_ok_and(|kind| kind == "optimize")
}

/// The report of `caspian optimize -o FILE.json`: the same page as its
/// `--report`. The chart options do not apply to it.
fn optimize_page(args: &ReportArgs, text: &str) -> Result<(), Failure> {
    let charting = [
        ("--replications-csv", args.replications_csv.is_some()),
        ("--trace", args.trace.is_some()),
        ("--kpi", !args.kpis.is_empty()),
        ("--target", !args.targets.is_empty()),
    ];
    if let Some((option, _)) = charting.iter().find(|(_, given)| *given) {
        return Err(Failure::Input(format!(
            "{option} applies to run, sweep and compare results; {} is an optimize result",
            shown_path(&args.result)
        )));
    }
    let doc = caspian_montecarlo::optimize::document::OptimizeDoc::from_json(text)
        .map_err(|e| Failure::Input(format!("{}: {e}", shown_path(&args.result))))?;
    let page = caspian_report::html::optimize_report(&doc);
    write_file(&args.out, page.html.as_bytes())?;
    note(false, &format!("optimize report written to {}", shown_path(&args.out)));
    Ok(())
}

/// A `--target` is drawn on a run's distribution chart of its KPI: refuse
/// one that would be silently left out (not a run result, no replications,
/// or a KPI the report does not chart).
fn check_targets_are_charted(
    args: &ReportArgs,
    doc: &ResultDoc,
    replications: bool,
    targets: &[Condition],
) -> Result<(), Failure> {
    let Some(first) = targets.first() else { return Ok(()) };
    if !matches!(doc, ResultDoc::Run(_)) {
        return Err(Failure::Input(format!(
            "--target \"{}\" applies to a run result (its distribution chart); {} is a {} result",
            first,
            shown_path(&args.result),
            doc.kind()
        )));
    }
    if !replications {
        return Err(Failure::Input(format!(
            "--target \"{}\" is drawn on the distribution of the replications: give them with \
             --replications-csv (written by `caspian run --csv`)",
            first
        )));
    }
    let patterns: Vec<String> = if args.kpis.is_empty() {
        caspian_report::html::DEFAULT_CHART_KPIS.iter().map(|s| (*s).to_string()).collect()
    } else {
        args.kpis.clone()
    };
    for c in targets {
        if !patterns.iter().any(|p| caspian_montecarlo::select::matches(p, &c.kpi)) {
            return Err(Failure::Input(format!(
                "--target \"{}\": the report charts only KPIs matching {}; add --kpi {}",
                c,
                patterns.join(", "),
                c.kpi
            )));
        }
    }
    Ok(())
}

/// A `--target` of report or plot ([`caspian_report::distribution::target_condition`]).
pub(crate) fn target(spec: &str) -> Result<Condition, Failure> {
    let t = spec.trim();
    if t.starts_with(['<', '>', '=']) || crate::parse::number(t).is_ok() {
        let example = if t.starts_with(['<', '>']) {
            format!("delivered_total.oil{t}")
        } else {
            format!("delivered_total.oil>={}", t.trim_start_matches(['=', '>', '<']))
        };
        return Err(Failure::Input(format!(
            "--target \"{spec}\" names no KPI: a report charts many, so give the whole \
             condition, e.g. '{example}' (plot, which draws one KPI, takes the operator or \
             the number alone)"
        )));
    }
    target_condition(spec).map_err(|e| match e {
        TargetError::Syntax(_) => Failure::Input(format!(
            "--target \"{spec}\": expected KPI>=X, KPI<=X, KPI>X or KPI<X (as `caspian run \
             --target` takes them), or KPI=X (at least X where more of the KPI is better, at \
             most X otherwise), e.g. 'delivered_total.oil>=1500000'"
        )),
        e => Failure::Input(e.to_string()),
    })
}

fn charts(n: usize) -> String {
    if n == 1 { "1 chart".into() } else { format!("{n} charts") }
}

/// The directory of `--report DIR`, made before any work so that its files
/// can be checked, with the files that will be written there
/// (`report.html`, and for a run `replications.csv`).
#[derive(Debug, Default)]
pub(crate) struct ReportDir {
    pub(crate) files: Vec<PathBuf>,
    /// The directory, when this command created it.
    created: Option<PathBuf>,
}

impl Drop for ReportDir {
    /// A directory this command created and left empty (the command failed
    /// before writing its report) is removed again.
    fn drop(&mut self) {
        if let Some(dir) = &self.created {
            let _ = std::fs::remove_dir(dir);
        }
    }
}

/// Prepares the directory of `--report DIR` before any work: creates it,
/// and names the files that will be written there for the command's check
/// of its files. Like an output file's, the folder's parent must exist:
/// only `DIR` itself is created (and removed again if the command fails).
pub(crate) fn prepare_dir(dir: Option<&Path>, run: bool) -> Result<ReportDir, Failure> {
    let Some(dir) = dir else { return Ok(ReportDir::default()) };
    let what = if run { "report.html and replications.csv" } else { "report.html" };
    if crate::sink::is_stdout(dir) {
        // Not a folder named `-` made by surprise: `-` means standard output.
        return Err(Failure::Input(format!(
            "--report -: --report names a folder for {what}, not standard output; give a \
             folder name (./- for a folder named -)"
        )));
    }
    let not_a_folder = || {
        Failure::Input(format!(
            "--report {}: not a folder (a file, or a link to nothing); --report names a folder \
             for {what}",
            shown_path(dir)
        ))
    };
    let created = match std::fs::metadata(dir) {
        Ok(m) if m.is_dir() => None,
        Ok(_) => return Err(not_a_folder()),
        Err(_) => match std::fs::create_dir(dir) {
            Ok(()) => Some(dir.to_path_buf()),
            // A file named with a trailing slash, or a dangling link.
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => return Err(not_a_folder()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(Failure::Input(format!(
                    "--report {}: the folder it would go in does not exist (only the report's \
                     own folder is created)",
                    shown_path(dir)
                )));
            }
            Err(e) => {
                return Err(Failure::Input(format!(
                    "--report {}: cannot create the folder: {e}",
                    shown_path(dir)
                )));
            }
        },
    };
    let names: &[&str] = if run { &[PAGE, REPLICATIONS] } else { &[PAGE] };
    Ok(ReportDir { files: names.iter().map(|n| dir.join(n)).collect(), created })
}

/// The report's page in `--report DIR`.
const PAGE: &str = "report.html";
/// A run's replications in `--report DIR`.
const REPLICATIONS: &str = "replications.csv";

fn write_page(
    dir: &Path,
    doc: &ResultDoc,
    reps: Option<&Replications>,
    kpis: &[String],
    quiet: bool,
) -> Result<(), Failure> {
    let inputs =
        ReportInputs { replications: reps, kpis: kpis.to_vec(), ..ReportInputs::default() };
    let path = dir.join(PAGE);
    let page = report(doc, &inputs).map_err(|e| failure(&path, e))?;
    write_file(&path, page.html.as_bytes())?;
    note(quiet, &format!("report with {} written to {}", charts(page.charts), shown_path(&path)));
    Ok(())
}

/// `run/sweep/compare --report DIR`: the report (and for a run, the
/// replications' CSV it charts), charting the KPIs that `--kpi` selects
/// (the defaults when it is not given).
pub(crate) fn write_report(
    dir: Option<&Path>,
    doc: Document,
    rec: Option<&PointRecords>,
    kpis: &[String],
    quiet: bool,
) -> Result<(), Failure> {
    let Some(dir) = dir else { return Ok(()) };
    let reps = match rec {
        Some(rec) => {
            crate::output::write_replications_csv(&dir.join(REPLICATIONS), rec)?;
            Some(Replications::from_records(rec))
        }
        None => None,
    };
    let path = dir.join(PAGE);
    let doc = ResultDoc::from_document(doc).map_err(|e| failure(&path, e))?;
    write_page(dir, &doc, reps.as_ref(), kpis, quiet)
}
