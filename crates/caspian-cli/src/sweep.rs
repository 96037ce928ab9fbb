//! `caspian sweep`: a design over sweep axes, every point with the same
//! replication streams, resumable after an interruption. The runner
//! ([`caspian_montecarlo::sweep_run`]) runs, checkpoints and resumes; this
//! command parses arguments, catches Ctrl-C/SIGTERM, shows progress and
//! prints.

use std::path::{Path, PathBuf};

use clap::Args;

use caspian_montecarlo::document::Document;
use caspian_montecarlo::resolve::Override;
use caspian_montecarlo::resolve::overlap::Overlap;
use caspian_montecarlo::shard::share;
use caspian_montecarlo::shown_path;
use caspian_montecarlo::study::{AxisSpec, Study, parse_axis};
use caspian_montecarlo::sweep_run::{
    Resumed, SweepHooks, SweepOutcome, SweepRequest, check_checkpoint, run_sweep,
};

use crate::common::{
    CommonArgs, EXTENDED, Progress, check_files, extended_files, note, pool, read_scenario,
    write_document,
};
use crate::failure::Failure;
use crate::output;
use crate::run::parse_shard;
use crate::terminal::out;
use crate::warnings::Later;

#[derive(Debug, Args)]
pub(crate) struct SweepArgs {
    /// Scenario file (TOML); its `[[sweep]]` axes are swept unless --axis is given.
    scenario: PathBuf,
    /// An axis to sweep (repeatable), e.g. port.alat.berths.rail_ferry=1,2,3, or a range
    /// of whole numbers, both ends included: port.alat.berths.rail_ferry=1..3. Given at
    /// least once, these axes replace the file's `[[sweep]]` axes.
    #[arg(long = "axis", value_name = "KEY=V1,V2,...|KEY=LO..HI")]
    axes: Vec<String>,
    /// The reference design point: its index or its axis values, KEY=VALUE[,KEY=VALUE...]
    /// [default: the point that is the scenario as written, else point 0]. Every other point
    /// gets paired differences from it with 95% intervals (common random numbers).
    #[arg(long, value_name = "POINT")]
    reference: Option<String>,
    /// Latin hypercube of SAMPLES points over the axes' ranges instead of the full factorial.
    #[arg(allow_negative_numbers = true, long, value_name = "SAMPLES", value_parser = crate::parse::whole_in::<u32>(1, caspian_montecarlo::design::MAX_POINTS as u64))]
    lhs: Option<u32>,
    #[command(flatten)]
    common: CommonArgs,
    /// Run only share K of N of the replications of every point (see `run --shard`).
    #[arg(long, value_name = "K/N")]
    shard: Option<String>,
    /// Continue from the checkpoint of an interrupted sweep.
    #[arg(long)]
    resume: bool,
    /// Checkpoint file (default: the --json file with .checkpoint appended, or,
    /// without --json or with --json -, the scenario file's name without its extension and with .sweep-checkpoint,
    /// e.g. baseline.sweep-checkpoint, in the current directory).
    #[arg(long, value_name = "FILE")]
    checkpoint: Option<PathBuf>,
    /// Testing aid: stop (exit 130) after this many design points are checkpointed.
    #[arg(long, hide = true)]
    interrupt_after_points: Option<usize>,
}

/// The checkpoint file, with how messages name where it came from: given
/// (`--checkpoint`), or derived from `--json` or from the scenario's name.
fn checkpoint_path(args: &SweepArgs) -> (PathBuf, &'static str) {
    if let Some(given) = &args.checkpoint {
        (given.clone(), "--checkpoint")
    } else if let Some(json) = args.common.json.as_ref().filter(|j| !crate::sink::is_stdout(j)) {
        let mut name = json.as_os_str().to_owned();
        name.push(".checkpoint");
        (PathBuf::from(name), "the checkpoint file derived from --json")
    } else {
        let stem = args
            .scenario
            .file_stem()
            .map_or_else(|| "scenario".to_string(), |s| s.to_string_lossy().into_owned());
        (
            PathBuf::from(format!("{stem}.sweep-checkpoint")),
            "the checkpoint file derived from SCENARIO",
        )
    }
}

/// Refuses a `--set` of a key that is also swept (by `--axis`, or by the
/// file's `[[sweep]]` axes when no `--axis` replaces them): the axis would
/// be written over the value, or, for a weather multiplier, scale it again.
fn check_set_against_axes(
    args: &SweepArgs,
    file_axes: &[&str],
    extra: &[AxisSpec],
) -> Result<(), Failure> {
    // A key that cannot be swept is said first: the advice below (give the
    // values to the axis) would not help.
    for a in extra {
        if let Err(e) = a.key.parse::<caspian_montecarlo::SweepKey>() {
            return Err(Failure::Input(format!("--axis {}: {e}", a.key)));
        }
    }
    let swept: Vec<(&str, String)> = if extra.is_empty() {
        let from = format!("the [[sweep]] axis of {}", shown_path(&args.scenario));
        file_axes.iter().map(|key| (*key, from.clone())).collect()
    } else {
        extra.iter().map(|a| (a.key.as_str(), "--axis".to_string())).collect()
    };
    check_set_against(&args.common.set.set, &swept, "axis")
}

/// Refuses a `--set` that sets what a swept key (`swept`: each key and
/// the option or file that sweeps it; `what`: `axis`, `decision`) sets,
/// scales or replaces ([`Override::overlap`]): the swept value would
/// replace or scale the `--set` value at every point.
pub(crate) fn check_set_against(
    set: &[String],
    swept: &[(&str, String)],
    what: &str,
) -> Result<(), Failure> {
    for spec in set {
        let o = Override::parse(spec, "--set").map_err(|e| Failure::Input(e.to_string()))?;
        if let Some((key, from, overlap)) =
            swept.iter().find_map(|(key, from)| Some((key, from, o.overlap(key)?)))
        {
            let how = match overlap {
                Overlap::Same if o.key != **key => {
                    "overlap: one key lies under the other, whose value writes it".to_string()
                }
                Overlap::Same => format!("both set {key}"),
                Overlap::Exclusive => "give one quantity two ways".to_string(),
                Overlap::Scaled => "set one value, the one scaling the other".to_string(),
            };
            return Err(Failure::Input(format!(
                "--set {} and {from} {key} {how}; the {what} would replace or scale the --set \
                 value at every point; drop the --set, or give the values you want to the {what}",
                o.text
            )));
        }
    }
    Ok(())
}

pub(crate) fn run(args: SweepArgs) -> Result<(), Failure> {
    let c = &args.common;
    // The options first: a bad --shard is refused before any warning about
    // the scenario is printed.
    let shard = parse_shard(args.shard.as_deref(), c)?;
    if shard.is_some() && c.tidy_csv.is_some() {
        return Err(Failure::Input(
            "--tidy-csv is not written by a sharded sweep: run the whole sweep to get it".into(),
        ));
    }
    if shard.is_some() && c.csv.is_some() {
        return Err(Failure::Input(
            "--csv is not written by a sharded sweep: give it to `caspian merge`, which writes \
             the sweep's CSV from all the parts"
                .into(),
        ));
    }
    let mut later = Later::default();
    let (s, overrides) = read_scenario(Some(&args.scenario), &c.set.set, &mut later)?;
    let source = crate::common::source_with_sets(&s.source, &c.set.set);
    let text = s.text.clone();
    let extra = args.axes.iter().map(|a| parse_axis(a)).collect::<Result<Vec<_>, _>>();
    let extra = extra.map_err(|e| Failure::Input(e.to_string()))?;
    let file_axes: Vec<&str> = s.scenario.sweeps.iter().map(|a| a.key.as_str()).collect();
    check_set_against_axes(&args, &file_axes, &extra)?;
    // Every point is compiled to check the design, on --threads as the
    // replications are.
    let pool = pool(c.threads)?;
    let study = pool.install(|| Study::sweep(&text, &source, c.seed, extra, args.lhs))?;
    let study = study.with_lineage(s.lineage.clone());
    later.studies(std::slice::from_ref(&study));
    crate::warnings::idle_escort_sets(Some(&args.scenario), &overrides, &s, &study, &mut later);
    let reference = match &args.reference {
        Some(spec) => study.reference_point(spec).map_err(|e| Failure::Input(e.to_string()))?,
        None => study.as_written_point().unwrap_or(0),
    };
    let target = c.target.target(c.replications, &[&study.plan])?;
    output::check_kpi_patterns(&c.kpis, study.plan.kpi_layout().names())?;
    c.target.check_primary(study.plan.kpi_layout().names())?;
    let (cp_path, cp_named) = checkpoint_path(&args);
    if c.report.is_some() {
        study.check_report_size().map_err(|e| Failure::Input(e.to_string()))?;
    }
    let report = crate::report::prepare_dir(c.report.as_deref(), false)?;
    let mut outputs = c.outputs(&report.files);
    outputs.push((cp_named, Some(&cp_path)));
    let parents = extended_files(&study.lineage);
    let mut inputs = vec![("SCENARIO", Some(args.scenario.as_path()))];
    inputs.extend(parents.iter().map(|p| (EXTENDED, Some(p.as_path()))));
    // Every output first (a name the file system refuses, a folder that
    // takes no file), then what is already at the checkpoint's path.
    check_files(&inputs, &outputs)?;
    let named = if cp_named == "--checkpoint" {
        format!("--checkpoint {}", shown_path(&cp_path))
    } else {
        format!("{cp_named} ({})", shown_path(&cp_path))
    };
    check_checkpoint(&cp_path, &named, args.resume)?;
    let range = share(shard, c.replications);
    let points = study.points.len() as u64;
    let held = range.end - range.start;
    crate::memory::check(&crate::memory::Records {
        what: format!("-n {held} at each of {points} design points"),
        per_replication: caspian_montecarlo::records::records_bytes(
            1,
            study.plan.kpi_layout().len(),
        )
        .saturating_mul(points),
        start: held,
        ceiling: target.as_ref().map(|t| t.max_replications),
        advice: if target.is_some() {
            "start with fewer replications, use fewer design points, or use a machine with \
             more memory"
        } else if shard.is_some() {
            "use more shards, fewer design points, or a machine with more memory"
        } else {
            "run fewer replications, use fewer design points, split the replications with \
             --shard i/k (each part holds only its own; `caspian merge` then holds them all), \
             or use a machine with more memory"
        },
    })?;
    // After every check of the options and files, since it compiles the
    // points again: kept in the document (its report, a merge of shards),
    // as `caspian merge` says them again.
    let design = pool.install(|| study.design_check());
    let progress = Progress::new(points * (range.end - range.start), c.quiet);
    let request = SweepRequest {
        study: &study,
        replications: c.replications,
        target: target.as_ref(),
        shard,
        checkpoint: &cp_path,
        resume: args.resume,
        stop_after_points: args.interrupt_after_points,
        reference,
        design: &design,
    };
    // Nothing to resume from is a warning, said under -q too: a mistyped
    // path would otherwise run the whole sweep again without a word.
    let resumed = |r: Resumed| {
        let line = resumed_note(&cp_path, r);
        note(c.quiet && !line.starts_with("warning"), &line);
    };
    // The warnings are said once the checkpoint is read (or found to be
    // of another study, which is an error said alone) and created.
    let later = std::sync::Mutex::new(Some(later));
    let started = || {
        if let Some(later) = later.lock().unwrap_or_else(std::sync::PoisonError::into_inner).take()
        {
            later.say();
        }
        for w in &design.warnings {
            crate::common::note(false, &format!("warning: {}: {w}", study.source));
        }
        graceful_stop(&cp_path, c.quiet);
    };
    let hooks = SweepHooks {
        stop: crate::signals::stop_flag(),
        tick: &|| progress.tick(),
        resumed: &resumed,
        started: &started,
    };
    let outcome = pool.install(|| run_sweep(&request, hooks));
    // Every point is in the checkpoint now: a signal while the results are
    // written stops at once, and one that came as the last batch ended is
    // obeyed (the checkpoint keeps everything for --resume).
    crate::signals::stop_at_once();
    if crate::signals::stop_flag().load(std::sync::atomic::Ordering::SeqCst)
        && matches!(outcome, Ok(SweepOutcome::Whole { .. } | SweepOutcome::Shard { .. }))
    {
        progress.finish();
        return Err(Failure::Interrupted(format!(
            "stopped after the last design point; progress saved in {}, continue with --resume",
            shown_path(&cp_path)
        )));
    }
    progress.finish();
    let elapsed = progress.elapsed();
    let (result, cp) = match outcome? {
        SweepOutcome::Interrupted { point, replications } => {
            // A sequential sweep goes over the points once a stage: the
            // point's replications say which stage ended.
            let stage = if target.is_some() {
                format!(" at {replications} replications")
            } else {
                String::new()
            };
            return Err(Failure::Interrupted(format!(
                "stopped after design point {point}{stage}; progress saved in {}, continue with \
                 --resume",
                shown_path(&cp_path)
            )));
        }
        SweepOutcome::Shard { part, checkpoint } => {
            let path = c.json.as_ref().expect("checked by parse_shard");
            let shard = part.shard;
            write_document(path, &Document::Partial(part))?;
            checkpoint.remove().ok();
            crate::run::warn_empty_shard(shard, c.replications, "its file merges");
            note(
                c.quiet,
                &format!(
                    "shard {}/{}: {points} design points x replications {}..{} in {elapsed:.2?}, \
                     written to {}",
                    shard.index,
                    shard.count,
                    range.start,
                    range.end,
                    crate::sink::shown(path)
                ),
            );
            return Ok(());
        }
        SweepOutcome::Whole { result, checkpoint } => (result, checkpoint),
    };
    // An escort force that binds at some point shows only in the results
    // (the document keeps it too).
    let escorts = result.header.escort_warning(&result.records);
    let patterns =
        if c.kpis.is_empty() { c.target.primary(&[&study.plan]) } else { c.kpis.clone() };
    // Summaries are made (in parallel, a few points per thread at a time),
    // written in point order and dropped.
    let outputs = crate::common::begin_outputs();
    // The points are summarised in parallel on the pool of --threads; the
    // files are written from this thread, whose output set they join.
    let written =
        output::write_sweep(&result, c.json.as_deref(), c.csv.as_deref(), &patterns, c.all, &pool)?;
    let notes = output::sweep_notes(&result, &written);
    if c.report.is_some() {
        // The report shows every point: only it holds the whole document.
        crate::report::write_report(
            c.report.as_deref(),
            Document::Sweep(result.to_doc()),
            None,
            &c.kpis,
            c.quiet,
        )?;
    }
    if let Some(path) = &c.tidy_csv {
        let keys: Vec<String> = result.header.axes.iter().map(|a| a.key.to_string()).collect();
        output::write_sweep_records_tidy_csv(
            path,
            &result.header.scenario,
            &keys,
            &result.header.points,
            &result.records,
            &result.units,
        )?;
    }
    // Results are safe on disk: the checkpoint is no longer needed, and the
    // terminal may fail without losing anything.
    crate::common::commit_outputs(outputs)?;
    cp.remove().ok();
    out(&written.table)?;
    for line in notes {
        note(c.quiet && !line.starts_with("warning"), &line);
    }
    if let Some(w) = escorts {
        note(false, &format!("warning: {w}"));
    }
    let points = caspian_report::units::plural(points, "design point", "design points");
    let copied = match design.same.len() {
        0 => String::new(),
        k => format!(" ({k} taken from an earlier point of the same model, not run)"),
    };
    note(c.quiet, &format!("{points}{copied} in {elapsed:.2?}"));
    Ok(())
}

/// The note on what `--resume` found.
fn resumed_note(path: &Path, resumed: Resumed) -> String {
    match resumed {
        Resumed::NoCheckpoint => {
            format!(
                "warning: --resume: no checkpoint at {}, starting from the beginning",
                shown_path(path)
            )
        }
        Resumed::From { held, torn } => format!(
            "resuming from {}: {} already done{}",
            shown_path(path),
            caspian_report::units::replications(held as u64),
            if torn {
                " (the incomplete end the interruption left, a torn line or zero bytes, was \
                 dropped)"
            } else {
                ""
            }
        ),
    }
}

/// Once the checkpoint exists: the first Ctrl-C or SIGTERM stops the sweep
/// after the batch of design points in progress, whose checkpoint is then complete; a
/// second one stops at once (the checkpoint still holds every finished
/// point). See [`crate::signals`].
fn graceful_stop(checkpoint: &Path, quiet: bool) {
    let installed = crate::signals::stop_gracefully(
        quiet,
        "\ncaspian: stopping after the design points in progress (interrupt again to stop at once; \
         finished points are kept for --resume)",
        &format!(
            "caspian: finished design points are kept in {}; continue with --resume",
            shown_path(checkpoint)
        ),
        checkpoint,
    );
    if let Err(e) = installed {
        // Without the handler a signal ends the process as usual, and the
        // checkpoint still holds every finished point.
        note(quiet, &format!("note: cannot catch interrupts ({e}); a kill keeps finished points"));
    }
}
