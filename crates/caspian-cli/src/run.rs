//! `caspian run`: replications of one scenario.

use std::path::PathBuf;

use clap::Args;

use caspian_montecarlo::document::{Document, KpiUnits};
use caspian_montecarlo::records::PointRecords;
use caspian_montecarlo::run::{self as runner, RunOutcome};
use caspian_montecarlo::shard::Shard;
use caspian_montecarlo::study::Study;
use caspian_montecarlo::targets;
use caspian_montecarlo::tidy;

use crate::common::{
    CommonArgs, EXTENDED, Progress, check_files, extended_files, note, pool, read_scenario,
    write_document,
};
use crate::failure::Failure;
use crate::output;
use crate::terminal::out;
use crate::warnings::Later;
use caspian_montecarlo::journal::Journal;

#[derive(Debug, Args)]
pub(crate) struct RunArgs {
    /// Scenario file (TOML) [default: the embedded baseline].
    scenario: Option<PathBuf>,
    #[command(flatten)]
    common: CommonArgs,
    /// Run only share K of N of the replications (K from 0; `auto/N` reads K
    /// from SLURM_ARRAY_TASK_ID or JOB_COMPLETION_INDEX) and write a partial
    /// result to --json for `caspian merge`.
    #[arg(long, value_name = "K/N")]
    shard: Option<String>,
    /// Estimate the probability that a replication meets a condition on a KPI, with its 95%
    /// interval (repeatable), e.g. 'delivered_total.oil>=1500000' (also <=, >, <).
    #[arg(long = "target", value_name = "CONDITION")]
    targets: Vec<String>,
    /// Save every replication to FILE as it is computed; the same command run again with it
    /// goes on from there. Deleted once the results are written, unless it holds rows this
    /// command did not use (not with --shard: rerun a shard whole).
    #[arg(long, value_name = "FILE", conflicts_with = "shard")]
    checkpoint: Option<PathBuf>,
    /// Testing aid: stop (exit 130) after the checkpoint was saved this many times.
    #[arg(long, hide = true, requires = "checkpoint")]
    interrupt_after_saves: Option<u64>,
}

/// Parses `--shard` and checks it fits the other options.
pub(crate) fn parse_shard(
    spec: Option<&str>,
    common: &CommonArgs,
) -> Result<Option<Shard>, Failure> {
    let Some(spec) = spec else { return Ok(None) };
    let shard =
        Shard::parse(spec, |v| std::env::var(v).ok()).map_err(|e| Failure::Input(e.to_string()))?;
    if common.json.is_none() {
        return Err(Failure::Input("--shard needs --json FILE to write the partial result".into()));
    }
    if common.report.is_some() {
        return Err(Failure::Input(
            "--report cannot be combined with --shard: merge the parts, then use `caspian report`"
                .into(),
        ));
    }
    if common.target.target_rel_halfwidth.is_some() {
        return Err(Failure::Input(
            "--shard cannot be combined with --target-rel-halfwidth: every shard must run a fixed \
             share of a fixed number of replications"
                .into(),
        ));
    }
    Ok(Some(shard))
}

/// Warns when a shard's share of the replications is empty (more shards than
/// replications): its file (`what`: "its file merges", or a comparison's
/// "its checkpoint joins the others") is valid, but adds nothing.
pub(crate) fn warn_empty_shard(shard: Shard, replications: u64, what: &str) {
    if shard.range(replications).is_empty() {
        note(
            false,
            &format!(
                "warning: shard {}/{} holds no replications: -n {replications} split over {} \
                 shards leaves it empty; {what} but adds nothing",
                shard.index, shard.count, shard.count
            ),
        );
    }
}

pub(crate) fn run(args: RunArgs) -> Result<(), Failure> {
    let c = &args.common;
    // A bad --shard is refused before any warning about the scenario.
    let shard = parse_shard(args.shard.as_deref(), c)?;
    let mut later = Later::default();
    let (s, overrides) = read_scenario(args.scenario.as_deref(), &c.set.set, &mut later)?;
    let source = crate::common::source_with_sets(&s.source, &c.set.set);
    let study = Study::single(&s.text, &source, c.seed)?.with_lineage(s.lineage.clone());
    later.studies(std::slice::from_ref(&study));
    crate::warnings::idle_overrides(args.scenario.as_deref(), &overrides, &s, 0, &mut later);
    let target = c.target.target(c.replications, &[&study.plan])?;
    let names = study.plan.kpi_layout().names();
    output::check_kpi_patterns(&c.kpis, names)?;
    c.target.check_primary(names)?;
    let conditions =
        targets::parse_all(&args.targets, names).map_err(|e| Failure::Input(e.to_string()))?;
    if shard.is_some() && !conditions.is_empty() {
        return Err(Failure::Input(
            "--target cannot be combined with --shard: merge the parts, then run the whole \
             study with --target"
                .into(),
        ));
    }
    let report = crate::report::prepare_dir(c.report.as_deref(), true)?;
    let parents = extended_files(&study.lineage);
    let mut inputs = vec![("SCENARIO", args.scenario.as_deref())];
    inputs.extend(parents.iter().map(|p| (EXTENDED, Some(p.as_path()))));
    let mut outputs = c.outputs(&report.files);
    outputs.push(("--checkpoint", args.checkpoint.as_deref()));
    check_files(&inputs, &outputs)?;
    let range = caspian_montecarlo::shard::share(shard, c.replications);
    let held = range.end - range.start;
    let (what, advice) = if shard.is_some() {
        (
            format!("this shard's {}", caspian_report::units::replications(held)),
            "use more shards, or a machine with more memory",
        )
    } else if target.is_some() {
        (format!("-n {held}"), "start with fewer replications, or use a machine with more memory")
    } else {
        (
            format!("-n {held}"),
            "run fewer replications (--target-rel-halfwidth stops once the intervals are narrow \
             enough), split the work with --shard i/k (each part holds only its own; `caspian \
             merge` then holds them all), or use a machine with more memory",
        )
    };
    crate::memory::check(&crate::memory::Records {
        what: format!("{what} ({} KPIs a replication)", names.len()),
        per_replication: caspian_montecarlo::records::records_bytes(1, names.len()),
        start: held,
        ceiling: target.as_ref().map(|t| t.max_replications),
        advice,
    })?;
    let most = target.as_ref().map_or(held, |t| t.max_replications.max(held));
    crate::journal::check_size(args.checkpoint.as_deref(), most, names.len())?;
    let pool = pool(c.threads)?;
    let mut journal = crate::journal::open(args.checkpoint.as_deref(), args.interrupt_after_saves)?;
    // Said once every input is checked, the checkpoint included.
    later.say();
    let progress = Progress::new(range.end - range.start, c.quiet);
    let outcome = pool.install(|| {
        let tick = || progress.tick();
        runner::run(&study, c.replications, shard, target.as_ref(), &tick, journal.as_mut())
    })?;
    progress.finish();
    let elapsed = progress.elapsed();
    let (mut doc, rec) = match outcome {
        RunOutcome::Whole { doc, records } => (doc, records),
        RunOutcome::Shard(part) => {
            let outputs = crate::common::begin_outputs();
            if let Some(csv) = &c.csv {
                output::write_replications_csv(csv, &part.records[0])?;
            }
            if let Some(path) = &c.tidy_csv {
                output::write_tidy_csv(
                    path,
                    &[],
                    [tidy_block(&part.header.scenario, &part.records[0], &part.units)],
                )?;
            }
            let path = c.json.as_ref().expect("checked by parse_shard");
            let shard = part.shard;
            write_document(path, &Document::Partial(part))?;
            crate::common::commit_outputs(outputs)?;
            warn_empty_shard(shard, c.replications, "its file merges");
            note(
                c.quiet,
                &format!(
                    "shard {}/{}: replications {}..{} in {:.2?}, written to {}; join the shards \
                     with `caspian merge`",
                    shard.index,
                    shard.count,
                    range.start,
                    range.end,
                    elapsed,
                    crate::sink::shown(path)
                ),
            );
            return Ok(());
        }
    };
    // Result files first: whatever happens to the terminal, they are complete.
    doc.targets = conditions.iter().map(|t| targets::probability(t, &rec)).collect();
    // An escort force that binds shows only in the results (the document
    // keeps it too).
    let escorts =
        caspian_montecarlo::appraisal::escort_force_warning(&study.plan, &doc.scenario, &rec);
    let outputs = crate::common::begin_outputs();
    if let Some(path) = &c.csv {
        output::write_replications_csv(path, &rec)?;
    }
    if let Some(path) = &c.tidy_csv {
        let units = output::units_of(&doc.kpis);
        output::write_tidy_csv(path, &[], [tidy_block(&doc.scenario, &rec, &units)])?;
    }
    let table = output::run_table(&doc, &c.kpis, c.all);
    let notes = output::notes(
        doc.target.as_ref(),
        output::Places::None,
        doc.truncated_replications,
        &output::sentences(&doc.saturation),
    );
    let replications = doc.replications;
    let doc = Document::Run(doc);
    if let Some(path) = &c.json {
        write_document(path, &doc)?;
    }
    crate::report::write_report(c.report.as_deref(), doc, Some(&rec), &c.kpis, c.quiet)?;
    crate::common::commit_outputs(outputs)?;
    let reused = journal.as_ref().map_or(0, Journal::reused);
    crate::journal::close(journal, reused, c.quiet);
    out(&table)?;
    for line in notes {
        note(c.quiet && !line.starts_with("warning"), &line);
    }
    if let Some(w) = escorts {
        note(false, &format!("warning: {w}"));
    }
    note(
        c.quiet,
        &format!(
            "{} in {elapsed:.2?} on {}",
            caspian_report::units::replications(replications),
            caspian_report::units::plural(pool.current_num_threads() as u64, "thread", "threads")
        ),
    );
    Ok(())
}

/// The tidy CSV's block of a run: its replications, no design point.
fn tidy_block<'a>(
    scenario: &'a str,
    records: &'a PointRecords,
    units: &'a KpiUnits,
) -> tidy::Block<'a> {
    tidy::Block { scenario, point: None, values: &[], records, units }
}
