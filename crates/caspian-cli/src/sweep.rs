//! `caspian sweep`: a design over sweep axes, every point with the same
//! replication streams, resumable after an interruption.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use clap::Args;

use caspian_montecarlo::checkpoint::{self, Checkpoint, CheckpointHeader};
use caspian_montecarlo::document::{
    Document, PartialDoc, StudyHeader, StudyKind, kpi_units, sweep_doc,
};
use caspian_montecarlo::error::RunError;
use caspian_montecarlo::execute::Executor;
use caspian_montecarlo::shard::Shard;
use caspian_montecarlo::study::{Study, parse_axis};

use crate::common::{
    CommonArgs, Progress, check_outputs, note, pool, read_scenario, write_document,
};
use crate::failure::Failure;
use crate::output;
use crate::run::parse_shard;

#[derive(Debug, Args)]
pub(crate) struct SweepArgs {
    /// Scenario file (TOML); its `[[sweep]]` axes are swept.
    scenario: PathBuf,
    /// Add or replace an axis (repeatable), e.g. port.alat.berths.rail_ferry=1,2,3.
    #[arg(long = "axis", value_name = "KEY=V1,V2,...")]
    axes: Vec<String>,
    /// Latin hypercube of SAMPLES points over the axes' ranges instead of the full factorial.
    #[arg(long, value_name = "SAMPLES")]
    lhs: Option<u32>,
    #[command(flatten)]
    common: CommonArgs,
    /// Run only share K of N of the replications of every point (see `run --shard`).
    #[arg(long, value_name = "K/N")]
    shard: Option<String>,
    /// Continue from the checkpoint of an interrupted sweep.
    #[arg(long)]
    resume: bool,
    /// Checkpoint file (default: the --json file with .checkpoint appended, or
    /// SCENARIO.sweep-checkpoint in the current directory).
    #[arg(long, value_name = "FILE")]
    checkpoint: Option<PathBuf>,
    /// Testing aid: stop (exit 130) after this many design points are checkpointed.
    #[arg(long, hide = true)]
    interrupt_after_points: Option<usize>,
}

fn default_checkpoint(args: &SweepArgs) -> PathBuf {
    if let Some(json) = &args.common.json {
        let mut name = json.as_os_str().to_owned();
        name.push(".checkpoint");
        PathBuf::from(name)
    } else {
        let stem = args
            .scenario
            .file_stem()
            .map_or_else(|| "scenario".to_string(), |s| s.to_string_lossy().into_owned());
        PathBuf::from(format!("{stem}.sweep-checkpoint"))
    }
}

pub(crate) fn run(args: SweepArgs) -> Result<(), Failure> {
    let c = &args.common;
    let (text, source) = read_scenario(Some(&args.scenario))?;
    let extra = args.axes.iter().map(|a| parse_axis(a)).collect::<Result<Vec<_>, _>>();
    let study = Study::sweep(
        &text,
        &source,
        c.seed,
        extra.map_err(|e| Failure::Input(e.to_string()))?,
        args.lhs,
    )?;
    let target = c.target.target(c.replications)?;
    let shard = parse_shard(args.shard.as_deref(), c)?;
    let cp_path = args.checkpoint.clone().unwrap_or_else(|| default_checkpoint(&args));
    if shard.is_some() && c.csv.is_some() {
        return Err(Failure::Input(
            "--csv is not written by a sharded sweep: give it to `caspian merge`, which writes \
             the sweep's CSV from all the parts"
                .into(),
        ));
    }
    if [c.json.as_ref(), c.csv.as_ref()].into_iter().flatten().any(|p| same_file(p, &cp_path)) {
        return Err(Failure::Input(format!(
            "--checkpoint {} is also an output file; the checkpoint is deleted when the sweep \
             finishes, so it must be a different file",
            cp_path.display()
        )));
    }
    if !args.resume && cp_path.exists() {
        return Err(Failure::Input(format!(
            "a checkpoint of an unfinished sweep exists at {}: add --resume to continue it, or \
             delete it to start again",
            cp_path.display()
        )));
    }
    check_outputs(&[c.json.as_ref(), c.csv.as_ref(), Some(&cp_path)])?;
    crate::report::prepare_dir(c.report.as_deref())?;
    let pool = pool(c.threads)?;
    let whole = Shard { index: 0, count: 1 };
    let range = shard.unwrap_or(whole).range(c.replications);
    let header = StudyHeader::of(&study, StudyKind::Sweep, c.replications);
    let cp_head =
        CheckpointHeader { kind: "checkpoint".into(), shard: shard.unwrap_or(whole), header };
    let saved = resume_records(&args, &cp_path, &cp_head)?;
    let plans = study.points.iter().map(|p| &p.plan).collect();
    let mut exec = match saved {
        Some(records) => Executor::resume(plans, study.seed, range.start, records),
        None => Executor::new(plans, study.seed, range.start),
    };
    let mut cp = Checkpoint::create(&cp_path, &cp_head, exec.records()).map_err(|e| {
        Failure::Input(format!("cannot write checkpoint {}: {e}", cp_path.display()))
    })?;
    let points = study.points.len() as u64;
    let progress = Progress::new(points * (range.end - range.start), c.quiet);
    let mut done = 0;
    let stop = stop_on_signal(c.quiet);
    let mut after = |point: usize, recs: &[caspian_montecarlo::records::PointRecords]| {
        cp.save(point, &recs[point]).map_err(|e| RunError::Checkpoint {
            path: cp_path.display().to_string(),
            message: e.to_string(),
        })?;
        done += 1;
        let requested = args.interrupt_after_points.is_some_and(|k| done >= k);
        if requested || stop.load(Ordering::Relaxed) {
            Err(RunError::Stopped { point })
        } else {
            Ok(())
        }
    };
    let outcome =
        pool.install(|| exec.run(range.end, target.as_ref(), &|| progress.tick(), &mut after));
    progress.finish();
    let (end, report) = match outcome {
        Err(RunError::Stopped { point }) => {
            return Err(Failure::Interrupted(format!(
                "stopped after design point {point}; progress saved in {}, continue with --resume",
                cp_path.display()
            )));
        }
        other => other?,
    };
    let elapsed = progress.elapsed();
    let records = exec.into_records(end);
    let header = cp_head.header;
    // The points' scenarios differ in swept values only, never in cargo, so
    // the first point's plan gives every KPI's unit.
    let names: std::collections::BTreeSet<&String> =
        records.iter().flat_map(|r| &r.kpi_names).collect();
    let units = kpi_units(&study.points[0].plan, names);
    if let Some(shard) = shard {
        let path = c.json.as_ref().expect("checked by parse_shard");
        let part = PartialDoc { shard, header, records, units };
        write_document(path, &Document::Partial(part))?;
        cp.remove().ok();
        note(
            c.quiet,
            &format!(
                "shard {}/{}: {points} design points x replications {}..{} in {elapsed:.2?}, \
                 written to {}",
                shard.index,
                shard.count,
                range.start,
                range.end,
                path.display()
            ),
        );
        return Ok(());
    }
    let doc = sweep_doc(&header, &records, &units, report);
    let patterns = if c.kpis.is_empty() { c.target.primary() } else { c.kpis.clone() };
    print!("{}", output::sweep_table(&doc, &patterns));
    let truncated = doc.points.iter().map(|p| p.truncated_replications).sum();
    // One line per saturated waiting line, naming the points (the full text
    // per point is in the JSON).
    let mut by_line: std::collections::BTreeMap<String, Vec<usize>> = Default::default();
    for p in &doc.points {
        for s in &p.saturation {
            by_line.entry(s.line.to_string()).or_default().push(p.index);
        }
    }
    let saturation: Vec<String> = by_line
        .into_iter()
        .map(|(line, points)| {
            let list: Vec<String> = points.iter().map(ToString::to_string).collect();
            format!(
                "{line} was still growing at the horizon in some replications at {} of {} design \
                 points ({}): demand exceeded capacity there in those replications (details per \
                 point under `saturation` in the JSON)",
                points.len(),
                doc.points.len(),
                list.join(", ")
            )
        })
        .collect();
    for line in output::notes(doc.target.as_ref(), truncated, &saturation) {
        note(c.quiet && !line.starts_with("warning"), &line);
    }
    note(c.quiet, &format!("{points} design points in {elapsed:.2?}"));
    if let Some(path) = &c.csv {
        output::write_sweep_csv(path, &doc)?;
    }
    let doc = Document::Sweep(doc);
    if let Some(path) = &c.json {
        write_document(path, &doc)?;
    }
    crate::report::write_report(c.report.as_deref(), doc, None, c.quiet)?;
    // Results are safe on disk: the checkpoint is no longer needed.
    cp.remove().ok();
    Ok(())
}

/// Installs a handler for Ctrl-C (SIGINT) and SIGTERM (what Slurm and
/// Kubernetes send at a time limit or cancellation): the first one asks the
/// sweep to stop after the design point in progress, whose checkpoint is then
/// complete; a second one stops at once (the checkpoint still holds every
/// finished point). Returns the flag the sweep polls.
fn stop_on_signal(quiet: bool) -> Arc<AtomicBool> {
    let flag = Arc::new(AtomicBool::new(false));
    let seen = Arc::clone(&flag);
    let installed = ctrlc::set_handler(move || {
        if seen.swap(true, Ordering::Relaxed) {
            std::process::exit(130);
        }
        if !quiet {
            eprintln!(
                "\ncaspian: stopping after the design point in progress (interrupt again to \
                 stop at once; finished points are kept for --resume)"
            );
        }
    });
    if let Err(e) = installed {
        // Without the handler a signal ends the process as usual, and the
        // checkpoint still holds every finished point.
        note(quiet, &format!("note: cannot catch interrupts ({e}); a kill keeps finished points"));
    }
    flag
}

/// Whether two paths name the same file (compared after resolving the
/// directory, since the file itself may not exist yet).
fn same_file(a: &Path, b: &Path) -> bool {
    let resolve = |p: &Path| {
        let dir = p.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
        dir.canonicalize().ok().map(|d| d.join(p.file_name().unwrap_or_default()))
    };
    a == b || matches!((resolve(a), resolve(b)), (Some(x), Some(y)) if x == y)
}

/// The records of the checkpoint to resume from, if `--resume` was given and
/// one exists.
fn resume_records(
    args: &SweepArgs,
    path: &Path,
    head: &CheckpointHeader,
) -> Result<Option<Vec<caspian_montecarlo::records::PointRecords>>, Failure> {
    if !args.resume {
        return Ok(None);
    }
    if !path.exists() {
        note(
            args.common.quiet,
            &format!("--resume: no checkpoint at {}, starting from the beginning", path.display()),
        );
        return Ok(None);
    }
    let (records, torn) =
        checkpoint::load(path, head).map_err(|e| Failure::Input(e.to_string()))?;
    let held: usize = records.iter().map(|r| r.rows.len()).sum();
    note(
        args.common.quiet,
        &format!(
            "resuming from {}: {held} replications already done{}",
            path.display(),
            if torn { " (a torn last line from the interruption was dropped)" } else { "" }
        ),
    );
    Ok(Some(records))
}
