//! `caspian warmup`: suggests a warm-up length with MSER-5 on Welch's
//! ensemble averages of the main daily series.

use std::path::PathBuf;

use clap::Args;
use rayon::prelude::*;

use caspian_montecarlo::mser::{self, Mser};
use caspian_shipping::probe::{Recorder, Sample};

use crate::common::{
    Progress, check_outputs, csv_num, csv_writer, finish_csv, note, pool, read_scenario,
};
use crate::failure::Failure;
use crate::table::{self, num};

#[derive(Debug, Args)]
pub(crate) struct WarmupArgs {
    /// Scenario file (TOML) [default: the embedded baseline].
    scenario: Option<PathBuf>,
    /// Pilot replications to average (Welch's method).
    #[arg(short = 'n', long, default_value_t = 20, value_parser = clap::value_parser!(u64).range(1..=100_000))]
    replications: u64,
    /// Master seed [default: the scenario's seed].
    #[arg(long)]
    seed: Option<u64>,
    /// Worker threads [default: one per core].
    #[arg(short = 't', long, value_parser = clap::value_parser!(u16).range(1..))]
    threads: Option<u16>,
    /// Hours between observations of the series.
    #[arg(long, default_value_t = 24.0)]
    every_h: f64,
    /// Width of the centred moving average in the CSV (observations each side).
    #[arg(long, default_value_t = 7)]
    window: usize,
    /// Write the Welch series (ensemble mean and moving average per series) to FILE.
    #[arg(long, value_name = "FILE")]
    csv: Option<PathBuf>,
    /// No progress bar or notes on stderr.
    #[arg(short, long)]
    quiet: bool,
}

/// Reads one observation of a series off two consecutive samples.
type Observe = fn(&Sample, &Sample) -> f64;

/// The series observed, with how each is read off a pair of samples.
const SERIES: [(&str, Observe); 5] = [
    ("oil_delivered_per_interval_t", |a, b| b.delivered[0].saturating_sub(a.delivered[0]) as f64),
    ("wagons_delivered_per_interval", |a, b| b.delivered[1].saturating_sub(a.delivered[1]) as f64),
    ("vessels_at_anchorage", |_, b| b.at_anchorage as f64),
    ("oil_in_storage_t", |_, b| b.in_storage[0] as f64),
    ("wagons_in_storage", |_, b| b.in_storage[1] as f64),
];

pub(crate) fn run(args: WarmupArgs) -> Result<(), Failure> {
    let (text, source) = read_scenario(args.scenario.as_deref())?;
    let mut scenario =
        caspian_shipping::parse(&text, &source).map_err(|e| Failure::Input(e.to_string()))?;
    let configured = scenario.scenario.warmup_days;
    // Observe from time zero: no statistics reset in the pilot runs.
    scenario.scenario.warmup_days = 0.0;
    let plan = caspian_shipping::compile(&scenario).map_err(|errors| {
        Failure::Input(
            caspian_shipping::LoadError::Invalid { origin: source.clone(), errors }.to_string(),
        )
    })?;
    let every = caspian_engine_duration(args.every_h)?;
    check_outputs(&[args.csv.as_ref()])?;
    let seed = args.seed.unwrap_or(scenario.scenario.seed);
    let pool = pool(args.threads)?;
    let progress = Progress::new(args.replications, args.quiet);
    let runs: Vec<Vec<Sample>> = pool.install(|| {
        (0..args.replications)
            .into_par_iter()
            .map(|r| {
                let mut rec = Recorder { every: Some(every), ..Recorder::default() };
                caspian_shipping::simulate_probed(&plan, seed, r, &mut rec);
                progress.tick();
                rec.samples
            })
            .collect()
    });
    progress.finish();
    let len = runs.iter().map(Vec::len).min().unwrap_or(0);
    if len < 2 {
        return Err(Failure::Input(format!(
            "{source}: the horizon holds fewer than two observations every {} h",
            args.every_h
        )));
    }
    // Welch: average each series over replications, observation by observation.
    let welch: Vec<Vec<f64>> = SERIES
        .iter()
        .map(|(_, f)| {
            (1..len)
                .map(|i| runs.iter().map(|s| f(&s[i - 1], &s[i])).sum::<f64>() / runs.len() as f64)
                .collect()
        })
        .collect();
    let days = |obs: usize| obs as f64 * args.every_h / 24.0;
    let mut rows = Vec::new();
    let mut suggestion = 0.0f64;
    let mut unsettled = Vec::new();
    for ((name, _), series) in SERIES.iter().zip(&welch) {
        let m: Option<Mser> = mser::mser5(series);
        let (cut, note_text) = match m {
            None => (f64::NAN, "series too short".to_string()),
            Some(m) if m.at_limit => {
                unsettled.push(*name);
                (days(m.truncate), "minimum at the search limit: not settled".to_string())
            }
            Some(m) => (days(m.truncate), String::new()),
        };
        if cut.is_finite() {
            suggestion = suggestion.max(cut);
        }
        rows.push(vec![name.to_string(), num(cut), note_text]);
    }
    println!(
        "warm-up analysis of \"{}\" ({source}): MSER-5 on Welch averages of {} replications, \
         one observation every {} h\n",
        scenario.scenario.name, args.replications, args.every_h
    );
    print!("{}", table::render(&["series", "MSER-5 warm-up (days)", "note"], &rows));
    println!(
        "\nsuggested warm-up: {} days (the scenario sets warmup_days = {configured})",
        suggestion.ceil()
    );
    if !unsettled.is_empty() {
        println!(
            "warning: {} did not settle within the first half of the horizon; \
             lengthen horizon_days before trusting a warm-up",
            unsettled.join(", ")
        );
    }
    if let Some(path) = &args.csv {
        let mut w = csv_writer();
        let mut header = vec!["day".to_string()];
        for (name, _) in SERIES {
            header.push(format!("{name}.mean"));
            header.push(format!("{name}.moving_average"));
        }
        let fail = |e: csv::Error| Failure::Internal(format!("CSV: {e}"));
        w.write_record(&header).map_err(fail)?;
        let smoothed: Vec<Vec<f64>> =
            welch.iter().map(|s| moving_average(s, args.window)).collect();
        for i in 0..len - 1 {
            let mut r = vec![format!("{}", days(i + 1))];
            for (s, m) in welch.iter().zip(&smoothed) {
                r.push(csv_num(s[i]));
                r.push(csv_num(m[i]));
            }
            w.write_record(&r).map_err(fail)?;
        }
        finish_csv(path, w)?;
        note(args.quiet, &format!("Welch series written to {}", path.display()));
    }
    Ok(())
}

fn caspian_engine_duration(hours: f64) -> Result<caspian_engine::SimDuration, Failure> {
    caspian_engine::SimDuration::try_from_hours_f64(hours)
        .ok()
        .filter(|d| d.ticks() > 0)
        .ok_or_else(|| {
            Failure::Input(format!("--every-h must be a positive number of hours, got {hours}"))
        })
}

/// Welch's centred moving average with `w` observations each side, shrinking
/// the window near the start (Law and Kelton).
fn moving_average(x: &[f64], w: usize) -> Vec<f64> {
    (0..x.len())
        .map(|i| {
            let half = w.min(i).min(x.len() - 1 - i);
            let slice = &x[i - half..=i + half];
            slice.iter().sum::<f64>() / slice.len() as f64
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn moving_average_shrinks_at_the_edges() {
        let m = super::moving_average(&[1.0, 2.0, 3.0, 4.0, 5.0], 1);
        assert_eq!(m, vec![1.0, 2.0, 3.0, 4.0, 5.0]);
        let m = super::moving_average(&[0.0, 0.0, 3.0, 0.0, 0.0], 1);
        assert_eq!(m, vec![0.0, 1.0, 1.0, 1.0, 0.0]);
    }
}
