//! What every command shares: reading scenarios, the thread pool, the
//! progress bar, output files and the options behind them.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use caspian_montecarlo::document::Document;
use caspian_montecarlo::input::InputKind;
use caspian_montecarlo::resolve::{self, Override, Resolved, Root};
use caspian_montecarlo::sequential::{DEFAULT_PRIMARY, Target, default_primary};
use caspian_montecarlo::{CompiledScenario, atomic, select, shown_path};
use clap::Args;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::failure::Failure;
use crate::files::{Identity, identity, read_input};
use crate::parse::{number, whole_in};
use crate::sink::Sink;
use crate::warnings::Later;

/// Options shared by run, sweep and compare.
#[derive(Debug, Args)]
pub(crate) struct CommonArgs {
    /// Replications (per design point); with --target-rel-halfwidth, the first batch.
    #[arg(allow_negative_numbers = true, short = 'n', long, default_value_t = 200, value_parser = whole_in::<u64>(1, caspian_montecarlo::MAX_REPLICATIONS))]
    pub(crate) replications: u64,
    /// Master seed of all random streams [default: the scenario's seed].
    #[arg(allow_negative_numbers = true, long, value_parser = whole_in::<u64>(0, u64::MAX))]
    pub(crate) seed: Option<u64>,
    /// Worker threads [default: one per CPU core; at most 8 per core]. Results do not depend on it.
    #[arg(allow_negative_numbers = true, short = 't', long, value_parser = whole_in::<u16>(1, u64::from(u16::MAX)))]
    pub(crate) threads: Option<u16>,
    /// Write the summary as JSON to FILE (`-`: standard output; the table then goes to standard error).
    #[arg(long, value_name = "FILE")]
    pub(crate) json: Option<PathBuf>,
    /// Write results as CSV to FILE (`-`: standard output).
    #[arg(long, value_name = "FILE")]
    pub(crate) csv: Option<PathBuf>,
    /// Show only KPIs matching PATTERN in the table (`*` is a wildcard; repeatable; `caspian kpis` lists them).
    #[arg(long = "kpi", value_name = "PATTERN")]
    pub(crate) kpis: Vec<String>,
    /// Show every KPI, also those zero or undefined in every replication (hidden by default).
    #[arg(long)]
    pub(crate) all: bool,
    /// Write tidy data as CSV to FILE (`-`: standard output): one row per scenario or point, replication and KPI.
    #[arg(long, value_name = "FILE")]
    pub(crate) tidy_csv: Option<PathBuf>,
    /// Also write DIR/report.html, an HTML report with charts (and, for run, DIR/replications.csv).
    #[arg(long, value_name = "DIR")]
    pub(crate) report: Option<PathBuf>,
    /// No progress bar or notes on stderr.
    #[arg(short, long)]
    pub(crate) quiet: bool,
    #[command(flatten)]
    pub(crate) target: TargetArgs,
    #[command(flatten)]
    pub(crate) set: SetArgs,
}

impl CommonArgs {
    /// The files run, sweep and compare write: `--json`, `--csv`, `--tidy-csv` and those
    /// of `--report` (`report`, from [`crate::report::prepare_dir`]).
    pub(crate) fn outputs<'a>(&'a self, report: &'a [PathBuf]) -> Vec<Named<'a>> {
        let mut files = vec![
            ("--json", self.json.as_deref()),
            ("--csv", self.csv.as_deref()),
            ("--tidy-csv", self.tidy_csv.as_deref()),
        ];
        files.extend(report.iter().map(|p| ("--report", Some(p.as_path()))));
        files
    }
}

/// The replication budget of `--target-rel-halfwidth` when
/// `--max-replications` is not given.
const DEFAULT_MAX_REPLICATIONS: u64 = 10_000;

/// Sequential stopping options.
#[derive(Debug, Args)]
pub(crate) struct TargetArgs {
    /// Add replications until every primary KPI's 95% CI half-width is at most H x |mean|
    /// (trusted only after 30 replications, and for a KPI zero in most of them, after 10
    /// non-zero values; for a fraction 1 in most, after 10 below 1; see docs/kpis.md).
    #[arg(allow_negative_numbers = true, long, value_name = "H", value_parser = number)]
    pub(crate) target_rel_halfwidth: Option<f64>,
    /// Replication budget for --target-rel-halfwidth (only with it) [default: 10000].
    #[arg(allow_negative_numbers = true, long, value_name = "M", value_parser = whole_in::<u64>(1, caspian_montecarlo::MAX_REPLICATIONS))]
    pub(crate) max_replications: Option<u64>,
    /// Primary KPI patterns for --target-rel-halfwidth, tables and rankings (repeatable) [default: delivered_total.C for each cargo C a storage holds, in every scenario compared].
    #[arg(long = "primary", value_name = "PATTERN")]
    pub(crate) primary: Vec<String>,
}

impl TargetArgs {
    /// The primary KPI patterns of tables and rankings: those given, else
    /// the delivered total of each cargo every scenario of `plans` carries
    /// ([`default_primary`]), else (no cargo) `delivered_total.*`.
    pub(crate) fn primary(&self, plans: &[&CompiledScenario]) -> Vec<String> {
        if !self.primary.is_empty() {
            return self.primary.clone();
        }
        let carried = default_primary(plans);
        if carried.is_empty() {
            DEFAULT_PRIMARY.iter().map(|s| (*s).to_string()).collect()
        } else {
            carried
        }
    }

    /// Checks that every `--primary` pattern given matches one of the KPIs
    /// `names`: one matching none is bad input (exit 2), as for `--kpi`, not
    /// a ranking or stopping rule silently left out.
    pub(crate) fn check_primary(&self, names: &[String]) -> Result<(), Failure> {
        select::check_patterns("--primary", &self.primary, names)
            .map_err(|e| Failure::Input(e.to_string()))
    }

    /// The sequential-stopping target, if one was asked for, on the
    /// scenarios `plans` (their cargo decides the default primary KPIs).
    pub(crate) fn target(
        &self,
        initial: u64,
        plans: &[&CompiledScenario],
    ) -> Result<Option<Target>, Failure> {
        let Some(h) = self.target_rel_halfwidth else {
            return match self.max_replications {
                Some(m) => Err(Failure::Input(format!(
                    "--max-replications {m} only applies with --target-rel-halfwidth (it caps \
                     the replications added until the intervals are narrow enough); without \
                     it, -n sets how many replications run"
                ))),
                None => Ok(None),
            };
        };
        let max_replications = self.max_replications.unwrap_or(DEFAULT_MAX_REPLICATIONS);
        if !(h.is_finite() && h > 0.0 && h < 1.0) {
            return Err(Failure::Input(format!(
                "--target-rel-halfwidth must be between 0 and 1 (e.g. 0.01 for 1%), got {}",
                caspian_montecarlo::study::short_number(h)
            )));
        }
        if max_replications < initial {
            return Err(Failure::Input(format!(
                "--max-replications ({max_replications}) is below --replications ({initial})"
            )));
        }
        if self.primary.is_empty() && default_primary(plans).is_empty() {
            return Err(Failure::Input(
                "--target-rel-halfwidth needs --primary here: no cargo is carried (held by a \
                 storage) in every scenario, so no delivered total can decide when the \
                 intervals are narrow enough (one zero in every replication never does); name \
                 the KPIs that should, e.g. --primary 'anchorage_wait_h.*'"
                    .into(),
            ));
        }
        Ok(Some(Target { rel_half_width: h, max_replications, primary: self.primary(plans) }))
    }
}

/// Reads a scenario file, or the embedded baseline when `path` is `None`,
/// with the files it extends, and applies the `--set` overrides `sets`
/// (`KEY=VALUE`; see [`caspian_montecarlo::resolve`]). Returns the text to
/// run, the name it goes by in messages and results, and its lineage (for
/// [`caspian_montecarlo::study::Study::with_lineage`]), with the overrides;
/// `later` holds a warning of each multiplier that changes nothing.
pub(crate) fn read_scenario(
    path: Option<&Path>,
    sets: &[String],
    later: &mut Later,
) -> Result<(Resolved, Vec<Override>), Failure> {
    let overrides = parse_sets(sets)?;
    let resolved = resolve_scenario(path, &overrides)?;
    crate::warnings::inert_multipliers(path, &overrides, &resolved, 0, later);
    Ok((resolved, overrides))
}

/// The `--set KEY=VALUE` options `sets` as overrides.
pub(crate) fn parse_sets(sets: &[String]) -> Result<Vec<Override>, Failure> {
    let overrides = sets.iter().map(|s| Override::parse(s, "--set")).collect::<Result<Vec<_>, _>>();
    overrides.map_err(|e| Failure::Input(e.to_string()))
}

/// Where a scenario came from, with the `--set` overrides applied to it
/// (`scenarios/x.toml with --set KEY=VALUE, --set ...`), so that a result's
/// header and document do not name a changed scenario by its file alone,
/// and a design point the overrides make invalid is blamed on them.
pub(crate) fn source_with_sets(source: &str, sets: &[String]) -> String {
    match sets {
        [] => source.to_string(),
        sets => format!("{source} with --set {}", sets.join(", --set ")),
    }
}

/// [`read_scenario`] with overrides already parsed (`--set`, then those of
/// a `compare --variant`).
pub(crate) fn resolve_scenario(
    path: Option<&Path>,
    overrides: &[Override],
) -> Result<Resolved, Failure> {
    resolve_scenario_raw(path, overrides).map_err(|e| Failure::Input(e.to_string()))
}

/// [`resolve_scenario`], with the library's error (to tell an override
/// that does not fit from the file's own errors).
pub(crate) fn resolve_scenario_raw(
    path: Option<&Path>,
    overrides: &[Override],
) -> Result<Resolved, resolve::ResolveError> {
    let root = path.map_or(Root::Baseline, Root::File);
    let mut load = |p: &Path| read_input(p, InputKind::Scenario).map_err(|e| e.to_string());
    resolve::resolve(root, overrides, &mut load)
}

/// `--set KEY=VALUE`, on every command that reads a scenario.
#[derive(Debug, Args)]
pub(crate) struct SetArgs {
    /// Change one scenario value (repeatable): a sweep key or a dotted path with ids, e.g.
    /// fleet.ferries_kuryk_alat.count=5, port.alat.berths.rail_ferry=3,
    /// weather.storm_rate_multiplier=1.5, scenario.horizon_days=730 (see docs/scenarios.md).
    #[arg(long = "set", value_name = "KEY=VALUE")]
    pub(crate) set: Vec<String>,
}

/// The runner's worker pool with `threads` workers (all cores by default).
/// Too many threads, or threads the OS will not start, are the user's or
/// the environment's to fix: exit 2.
pub(crate) fn pool(threads: Option<u16>) -> Result<caspian_montecarlo::pool::ThreadPool, Failure> {
    caspian_montecarlo::pool::pool(threads.map(usize::from))
        .map_err(|e| Failure::Input(e.to_string()))
}

/// The scenario files `lineage` extends (the embedded baseline aside), as
/// inputs of [`check_files`] named [`EXTENDED`]: an output must not
/// overwrite them either.
pub(crate) fn extended_files(lineage: &resolve::Lineage) -> Vec<PathBuf> {
    lineage.extends.iter().filter_map(|p| p.path()).map(Path::to_path_buf).collect()
}

/// How [`check_files`]'s messages name a scenario file that another extends.
pub(crate) const EXTENDED: &str = "extended scenario";

/// A file a command reads or writes, if given, with the option or argument
/// that names it (for messages): `("--json", Some(path))`.
pub(crate) type Named<'a> = (&'a str, Option<&'a Path>);

/// Checks a command's files before any work, so that no output destroys
/// an input or another output: every output can be written (a regular
/// file or a new one, in a writable directory), no output is one of the
/// inputs, and no two outputs are the same file. Files are compared by
/// identity ([`identity`]): symbolic and hard links, and different
/// spellings of one path, are the same file.
///
/// `-` is standard output ([`crate::sink`]) for the results a pipe reads
/// ([`crate::sink::TO_STDOUT_OK`]), one per command; the table then goes to
/// standard error.
pub(crate) fn check_files(inputs: &[Named<'_>], outputs: &[Named<'_>]) -> Result<(), Failure> {
    let mut to_stdout: Option<&str> = None;
    for &(what, p) in outputs {
        let Some(p) = p else { continue };
        if crate::sink::is_stdout(p) {
            if !crate::sink::TO_STDOUT_OK.contains(&what) {
                return Err(Failure::Input(format!(
                    "cannot write - ({what}): this output cannot go to standard output (only a \
                     result for a pipe can: --json -, --csv -, --tidy-csv - or optimize's -o -); \
                     give a file name"
                )));
            }
            if let Some(first) = to_stdout {
                return Err(Failure::Input(format!(
                    "{first} and {what} are both - (standard output): only one result can go \
                     there; give the other a file name"
                )));
            }
            to_stdout = Some(what);
            continue;
        }
        atomic::check_writable(p)
            .map_err(|e| Failure::Input(format!("cannot write {} ({what}): {e}", shown_path(p))))?;
    }
    if to_stdout.is_some() {
        crate::terminal::keep_stdout_for_result();
    }
    let inputs = known(inputs);
    let mut seen: Vec<(&str, &Path, Identity)> = Vec::new();
    let files: Vec<Named<'_>> =
        outputs.iter().filter(|(_, p)| !p.is_some_and(crate::sink::is_stdout)).copied().collect();
    for (what, p, id) in known(&files) {
        if let Some((w, q, _)) = inputs.iter().find(|i| i.2 == id) {
            return Err(Failure::Input(format!(
                "{what} {} is the input {w} {}: writing it would destroy it; choose another file",
                shown_path(p),
                shown_path(q)
            )));
        }
        if let Some((w, q, _)) = seen.iter().find(|o| o.2 == id) {
            return Err(Failure::Input(format!(
                "{w} {} and {what} {} are the same file; each output needs its own",
                shown_path(q),
                shown_path(p)
            )));
        }
        seen.push((what, p, id));
    }
    // After the checks against the inputs, whose message says more.
    for &(what, p) in &files {
        let Some(p) = p else { continue };
        if p.extension().is_some_and(|e| e.eq_ignore_ascii_case("toml")) {
            // Scenarios are TOML and caspian writes none: a .toml output is
            // a slip (`--json scenarios/baseline.toml`) that would replace a
            // scenario, perhaps one that others extend, with a result.
            let kept = if p.is_file() { "; the file there is kept as it is" } else { "" };
            return Err(Failure::Input(format!(
                "cannot write {} ({what}): a .toml file is a scenario, and caspian writes none; \
                 choose another name{kept}",
                shown_path(p)
            )));
        }
    }
    Ok(())
}

/// The files given, with their identities (where they can be found).
fn known<'a>(files: &[Named<'a>]) -> Vec<(&'a str, &'a Path, Identity)> {
    files.iter().filter_map(|&(what, p)| Some((what, p?, identity(p?)?))).collect()
}

/// Writes a result document atomically: pretty JSON, or compact for a
/// shard's partial result (large, read by `caspian merge`, not by people).
/// The JSON goes straight into the file, never whole into memory; sent to
/// standard output (`-`), it is held in memory until printed ([`Sink`]).
pub(crate) fn write_document(path: &Path, doc: &Document) -> Result<(), Failure> {
    let mut file = Sink::create(path)?;
    doc.write_json(&mut file).map_err(|e| {
        if e.is_io() {
            cannot_write(path, e)
        } else {
            Failure::Internal(format!("cannot encode JSON: {e}"))
        }
    })?;
    file.commit(path)
}

/// The failure for an output file that cannot be written (exit code 2).
pub(crate) fn cannot_write(path: &Path, e: impl std::fmt::Display) -> Failure {
    Failure::Input(format!("cannot write {}: {e}", shown_path(path)))
}

/// Reads a result document of any kind, checked ([`Document::from_json`]):
/// a damaged file fails with exit code 2 and a message naming the field.
pub(crate) fn read_document(path: &Path) -> Result<Document, Failure> {
    let text = read_input(path, InputKind::Result)?;
    Document::from_json(&text).map_err(|e| Failure::Input(format!("{}: {e}", shown_path(path))))
}

/// Begins the result files of a command as one set
/// ([`atomic::OutputSet`]): each is written in full beside its target, and
/// [`commit_outputs`] moves them all into place. A command that fails on
/// the way (a full disk) leaves every old output as it was.
pub(crate) fn begin_outputs() -> atomic::OutputSet {
    atomic::OutputSet::begin()
}

/// Moves a command's result files into place, before it prints: whatever
/// happens to the terminal then, they are complete.
pub(crate) fn commit_outputs(set: atomic::OutputSet) -> Result<(), Failure> {
    set.commit().map_err(|e| Failure::Input(format!("cannot write {e}")))?;
    // From now on a signal only ends the printing.
    crate::signals::results_written();
    Ok(())
}

/// Writes a result's bytes to `path`, atomically, or (`-`) to standard
/// output once the command's files are in place ([`Sink`]).
pub(crate) fn write_result(path: &Path, bytes: &[u8]) -> Result<(), Failure> {
    let mut sink = Sink::create(path)?;
    std::io::Write::write_all(&mut sink, bytes).map_err(|e| cannot_write(path, e))?;
    sink.commit(path)
}

/// Writes bytes atomically, with a message naming the file on failure.
pub(crate) fn write_file(path: &Path, bytes: &[u8]) -> Result<(), Failure> {
    atomic::write_atomic(path, bytes).map_err(|e| cannot_write(path, e))
}

/// A CSV writer streaming into `path`'s temporary file (the file appears
/// when [`finish_csv`] commits it; dropped unfinished, nothing is left).
pub(crate) fn csv_writer(path: &Path) -> Result<csv::Writer<Sink>, Failure> {
    Ok(csv::Writer::from_writer(Sink::create(path)?))
}

/// Finishes a CSV writer and renames its file into place.
pub(crate) fn finish_csv(path: &Path, w: csv::Writer<Sink>) -> Result<(), Failure> {
    let file = w.into_inner().map_err(|e| cannot_write(path, e.error()))?;
    file.commit(path)
}

/// The failure for a CSV row that cannot be written: the disk (exit 2), or
/// a defect.
pub(crate) fn csv_failure(path: &Path, e: csv::Error) -> Failure {
    if e.is_io_error() { cannot_write(path, e) } else { Failure::Internal(format!("CSV: {e}")) }
}

/// A CSV field for a number: empty when undefined.
pub(crate) fn csv_num(x: f64) -> String {
    caspian_montecarlo::replication_csv::field(x)
}

/// Progress over replications: a bar with ETA on a terminal, shown only once
/// the work has taken a second; nothing when piped or `--quiet`.
#[derive(Debug)]
pub(crate) struct Progress {
    bar: ProgressBar,
    enabled: bool,
    shown: AtomicBool,
    start: Instant,
}

impl Progress {
    pub(crate) fn new(total: u64, quiet: bool) -> Self {
        let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::hidden());
        if let Ok(style) = ProgressStyle::with_template(
            "{elapsed_precise} [{bar:40}] {pos}/{len} replications, ETA {eta}",
        ) {
            bar.set_style(style.progress_chars("=> "));
        }
        Self {
            bar,
            enabled: !quiet && std::io::stderr().is_terminal(),
            shown: AtomicBool::new(false),
            start: Instant::now(),
        }
    }

    /// One replication done.
    pub(crate) fn tick(&self) {
        self.bar.inc(1);
        // Sequential stopping may run more than first planned.
        if self.bar.length().is_some_and(|l| self.bar.position() > l) {
            self.bar.set_length(self.bar.position());
        }
        if self.enabled
            && !self.shown.load(Ordering::Relaxed)
            && self.start.elapsed() > Duration::from_secs(1)
            && !self.shown.swap(true, Ordering::Relaxed)
        {
            self.bar.set_draw_target(ProgressDrawTarget::stderr());
        }
    }

    pub(crate) fn finish(&self) {
        self.bar.finish_and_clear();
    }

    pub(crate) fn elapsed(&self) -> Duration {
        self.start.elapsed()
    }
}

/// A note on stderr unless quiet.
pub(crate) fn note(quiet: bool, message: &str) {
    if !quiet {
        crate::terminal::err_line(message);
    }
}
