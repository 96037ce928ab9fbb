//! `caspian warmup`: suggests a warm-up length with MSER-5 on Welch's
//! ensemble averages of the main daily series.

use std::path::PathBuf;

use clap::Args;

use caspian_montecarlo::document::Document;
use caspian_montecarlo::study::Study;
use caspian_montecarlo::warmup::{self, WarmupDoc, WarmupRequest};

use crate::common::{
    EXTENDED, Progress, check_files, csv_failure, csv_num, csv_writer, extended_files, finish_csv,
    note, pool, read_scenario, write_document,
};
use crate::failure::Failure;
use crate::table::{self, num};
use crate::warnings::Later;

#[derive(Debug, Args)]
pub(crate) struct WarmupArgs {
    /// Scenario file (TOML) [default: the embedded baseline].
    scenario: Option<PathBuf>,
    /// Pilot replications to average (Welch's method).
    #[arg(allow_negative_numbers = true, short = 'n', long, default_value_t = 20, value_parser = crate::parse::whole_in::<u64>(1, 100_000))]
    replications: u64,
    /// Master seed [default: the scenario's seed].
    #[arg(allow_negative_numbers = true, long, value_parser = crate::parse::whole_in::<u64>(0, u64::MAX))]
    seed: Option<u64>,
    /// Worker threads [default: one per core].
    #[arg(allow_negative_numbers = true, short = 't', long, value_parser = crate::parse::whole_in::<u16>(1, u64::from(u16::MAX)))]
    threads: Option<u16>,
    /// Hours between observations of the series.
    #[arg(allow_negative_numbers = true, long, default_value_t = 24.0, value_parser = crate::parse::number)]
    every_h: f64,
    /// Width of the centred moving average in the CSV (observations each side).
    #[arg(allow_negative_numbers = true, long, default_value_t = 7, value_parser = crate::parse::whole_in::<usize>(0, u64::from(u32::MAX)))]
    window: usize,
    /// Write the Welch series (ensemble mean and moving average per series) to FILE (`-`: standard output).
    #[arg(long, value_name = "FILE")]
    csv: Option<PathBuf>,
    /// Write the analysis (suggestion and series) as JSON to FILE (`-`: standard output).
    #[arg(long, value_name = "FILE")]
    json: Option<PathBuf>,
    /// No progress bar or notes on stderr.
    #[arg(short, long)]
    quiet: bool,
}

pub(crate) fn run(args: WarmupArgs) -> Result<(), Failure> {
    // No overrides, so nothing to warn of.
    let (s, _) = read_scenario(args.scenario.as_deref(), &[], &mut Later::default())?;
    let parents = extended_files(&s.lineage);
    let mut inputs = vec![("SCENARIO", args.scenario.as_deref())];
    inputs.extend(parents.iter().map(|p| (EXTENDED, Some(p.as_path()))));
    let seasonal = s.scenario.is_seasonal();
    let events = dated_events(&Study::single(&s.text, &s.source, None)?);
    let (text, source) = (s.text, s.source);
    check_files(&inputs, &[("--csv", args.csv.as_deref()), ("--json", args.json.as_deref())])?;
    let pool = pool(args.threads)?;
    let progress = Progress::new(args.replications, args.quiet);
    let req = WarmupRequest {
        replications: args.replications,
        seed: args.seed,
        every_h: args.every_h,
        window: args.window,
    };
    let mut doc = pool.install(|| warmup::pilot(&text, &source, &req, &|| progress.tick()))?;
    doc.provenance.extends = s.lineage.extends;
    progress.finish();
    let rows: Vec<Vec<String>> = doc
        .series
        .iter()
        .map(|s| {
            let note = if !s.mser_days.is_finite() {
                "series too short"
            } else if s.at_limit {
                "minimum at the search limit: not settled"
            } else {
                ""
            };
            vec![s.name.clone(), num(s.mser_days), note.to_string()]
        })
        .collect();
    let mut text = format!(
        "warm-up analysis of \"{}\" ({source}): MSER-5 on Welch averages of {} replications, \
         one observation every {} h\n\n",
        doc.scenario, doc.replications, doc.every_h
    );
    text.push_str(&table::render(&["series", "MSER-5 warm-up (days)", "note"], &rows));
    text.push_str(&if doc.suggested_warmup_days.is_finite() {
        format!(
            "\nsuggested warm-up: {} days (the scenario sets warmup_days = {})\n",
            doc.suggested_warmup_days.ceil(),
            doc.configured_warmup_days
        )
    } else {
        format!(
            "\nsuggested warm-up: none: no series is long enough to analyse at one observation \
             every {} h; observe more often (--every-h) or lengthen horizon_days (the scenario \
             sets warmup_days = {})\n",
            doc.every_h, doc.configured_warmup_days
        )
    });
    let unsettled = doc.unsettled();
    if !unsettled.is_empty() {
        text.push_str(&format!(
            "warning: {} did not settle within the first half of the horizon; \
             lengthen horizon_days before trusting a warm-up\n",
            unsettled.join(", ")
        ));
    }
    if seasonal {
        text.push_str(
            "note: this scenario's weather follows the calendar (storms by month, or ice), so \
             its series have a yearly cycle, not a steady state, and MSER-5's cut moves with the \
             replications and the seed. Read it as a hint; check a warm-up by comparing the \
             yearly KPIs with a run warmed up for a whole year (docs/calibration.md, \
             \"Warm-up\")\n",
        );
    }
    if let Some(events) = events {
        text.push_str(&format!(
            "warning: the series hold the scenario's dated {events}: MSER-5 reads what an event \
             does as start-up bias, so the suggestion can run past it, and a warm-up past its \
             start_day takes it out of the reporting window. Suggest a warm-up on the scenario \
             without its events (a file that extends it and sets remove = true in each \
             [[disruption]]), then start each event after that warm-up\n"
        ));
    }
    // Result files first: whatever happens to the terminal, they are complete.
    let outputs = crate::common::begin_outputs();
    if let Some(path) = &args.csv {
        write_csv(path, &doc)?;
    }
    if let Some(path) = &args.json {
        write_document(path, &Document::Warmup(doc))?;
    }
    crate::common::commit_outputs(outputs)?;
    crate::terminal::out(&text)?;
    if let Some(path) = &args.csv {
        note(args.quiet, &format!("Welch series written to {}", crate::sink::shown(path)));
    }
    Ok(())
}

/// The Welch series: one row per observation day, the ensemble mean and
/// its moving average per series.
fn write_csv(path: &std::path::Path, doc: &WarmupDoc) -> Result<(), Failure> {
    let mut w = csv_writer(path)?;
    let mut header = vec!["day".to_string()];
    for s in &doc.series {
        header.push(format!("{}.mean", s.name));
        header.push(format!("{}.moving_average", s.name));
    }
    let fail = |e: csv::Error| csv_failure(path, e);
    w.write_record(&header).map_err(fail)?;
    for (i, day) in doc.day.iter().enumerate() {
        let mut r = vec![format!("{day}")];
        for s in &doc.series {
            r.push(csv_num(s.mean[i]));
            r.push(csv_num(s.moving_average[i]));
        }
        w.write_record(&r).map_err(fail)?;
    }
    finish_csv(path, w)
}

/// The dated disruptions of `study` that strike in the run
/// ([`Study::dated_that_strike`]), in words ("disruption alat_closed (day
/// 31)", "disruptions a (day 31), b (day 60)"), if any.
fn dated_events(study: &Study) -> Option<String> {
    let dated: Vec<String> = study
        .dated_that_strike()
        .iter()
        .map(|d| {
            let day = caspian_montecarlo::study::short_number(d.start_day.unwrap_or_default());
            format!("{} (day {day})", d.id)
        })
        .collect();
    let noun = if dated.len() == 1 { "disruption" } else { "disruptions" };
    (!dated.is_empty()).then(|| format!("{noun} {}", dated.join(", ")))
}
