//! `caspian compare`: policies against a base under common random numbers.

use std::path::PathBuf;

use clap::Args;

use caspian_montecarlo::compare::{
    CompareRequest, run_compare_with_records, save_share as save_share_of,
};
use caspian_montecarlo::direction::Overrides;
use caspian_montecarlo::document::{CompareDoc, Document, ECONOMICS_HEADER, RANKING_HEADER};
use caspian_montecarlo::measure::Measure;
use caspian_montecarlo::records::PointRecords;
use caspian_montecarlo::select;
use caspian_montecarlo::shard::Shard;
use caspian_montecarlo::study::Study;
use caspian_montecarlo::tidy;
use caspian_montecarlo::twin::Without;
use caspian_report::units::replications;

use crate::common::{
    CommonArgs, EXTENDED, Named, Progress, check_files, csv_failure, csv_num, csv_writer,
    extended_files, finish_csv, note, pool, write_document,
};
use crate::compare_policies::{only_in_policies, policy_warnings};
use crate::failure::Failure;
use crate::table::{self, num};
use crate::twins::{tidy_names, twins, vulnerability_table};
use crate::warnings::Later;
use caspian_montecarlo::journal::Journal;

#[derive(Debug, Args)]
pub(crate) struct CompareArgs {
    /// The base scenario, then the policies (TOML files; with --variant, none needed).
    #[arg(required = true, num_args = 1.., value_name = "SCENARIO")]
    scenarios: Vec<PathBuf>,
    /// A policy that is the base with values changed, named NAME (repeatable), e.g.
    /// berth3:port.alat.berths.rail_ferry=3 or more:fleet.ferries_kuryk_alat.count=5,fleet.oil_tankers.count=5.
    #[arg(long = "variant", value_name = "NAME:KEY=VALUE[,KEY=VALUE...]")]
    variants: Vec<String>,
    #[command(flatten)]
    common: CommonArgs,
    /// Also rank the scenarios on MEASURE: a KPI, or P(KPI OP NUMBER) for the
    /// probability of a condition (repeatable), e.g. cost.total_per_year or
    /// 'P(service_level.wagons>=0.95)'. Better is the KPI schema's direction.
    #[arg(long, value_name = "MEASURE")]
    rank: Vec<String>,
    /// `run`'s and `report`'s option, not compare's: refused with a pointer to
    /// `--rank 'P(CONDITION)'`, which is its comparison (clap would suggest
    /// `--pareto`).
    #[arg(long = "target", value_name = "CONDITION", hide = true)]
    targets: Vec<String>,
    /// Smaller is better for KPIs matching PATTERN (repeatable; overrides the
    /// KPI schema's direction, and gives one to KPIs that have none).
    #[arg(long, value_name = "PATTERN")]
    minimize: Vec<String>,
    /// Larger is better for KPIs matching PATTERN (repeatable; as --minimize).
    #[arg(long, value_name = "PATTERN")]
    maximize: Vec<String>,
    /// A Pareto view on two measures, e.g.
    /// 'cost.total_per_year,P(service_level.wagons<0.95)': the scenarios no
    /// other beats on both, and who dominates the rest.
    #[arg(long, value_name = "X,Y")]
    pareto: Option<String>,
    /// Value the policies against the base's dated disruptions (start_day)
    /// as a one-off event: every scenario runs again without them, with the
    /// same random numbers, and each policy gets the event's break-even
    /// frequency (how often it must strike for the policy to pay).
    #[arg(long)]
    one_off: bool,
    /// Measure what the base's disruptions (`[[disruption]]` entries) cost
    /// every scenario, and how much of it each policy removes: every
    /// scenario runs again without its disruptions, with the same random
    /// numbers, and each policy gets the vulnerability it removes a year
    /// and per unit of its extra cost.
    #[arg(long, conflicts_with = "one_off")]
    vulnerability: bool,
    /// Save every replication to FILE as it is computed; the same command run again with it
    /// goes on from there (and a comparison that shares scenarios with it reads theirs).
    /// Deleted once the results are written, unless it holds rows this comparison did not use.
    #[arg(long, value_name = "FILE")]
    checkpoint: Option<PathBuf>,
    /// Testing aid: stop (exit 130) after the checkpoint was saved this many times.
    #[arg(long, hide = true, requires = "checkpoint")]
    interrupt_after_saves: Option<u64>,
    /// Run only share K of N of every scenario's replications (K from 0; `auto/N` reads K from
    /// SLURM_ARRAY_TASK_ID or JOB_COMPLETION_INDEX) and save them to --checkpoint FILE, for
    /// the comparison run with the shards' checkpoints joined (`cat`) to read.
    #[arg(long, value_name = "K/N", requires = "checkpoint")]
    shard: Option<String>,
}

impl CompareArgs {
    /// Which disruptions the twins leave out (`--one-off`,
    /// `--vulnerability`), if they are run.
    fn twins(&self) -> Option<Without> {
        if self.one_off {
            Some(Without::Dated)
        } else if self.vulnerability {
            Some(Without::All)
        } else {
            None
        }
    }
}

/// The compiled scenarios of `studies`, base first.
fn plans(studies: &[Study]) -> Vec<&caspian_montecarlo::CompiledScenario> {
    studies.iter().map(|s| &s.plan).collect()
}

/// What to rank and chart, with every direction decided, before any run.
fn request(
    args: &CompareArgs,
    kpis: &[String],
    studies: &[Study],
) -> Result<CompareRequest, Failure> {
    let rank: Vec<Measure> = args
        .rank
        .iter()
        .map(|s| crate::parse::checked_measure("--rank", s, kpis))
        .collect::<Result<_, _>>()?;
    let pareto =
        args.pareto.as_deref().map(|s| crate::parse::pareto_measures(s, kpis)).transpose()?;
    let overrides = Overrides { minimize: &args.minimize, maximize: &args.maximize };
    let primary = args.common.target.primary(&plans(studies));
    CompareRequest::resolve(kpis, &primary, &rank, pareto.as_ref(), overrides)
        .map_err(|e| Failure::Input(e.to_string()))
}

/// Parses `--shard` and refuses what a shard of a comparison cannot do:
/// it writes only its checkpoint.
fn parse_shard(args: &CompareArgs) -> Result<Option<Shard>, Failure> {
    let Some(spec) = args.shard.as_deref() else { return Ok(None) };
    let shard =
        Shard::parse(spec, |v| std::env::var(v).ok()).map_err(|e| Failure::Input(e.to_string()))?;
    let c = &args.common;
    let outputs = [
        ("--json", c.json.is_some()),
        ("--csv", c.csv.is_some()),
        ("--tidy-csv", c.tidy_csv.is_some()),
        ("--report", c.report.is_some()),
        ("--target-rel-halfwidth", c.target.target_rel_halfwidth.is_some()),
    ];
    if let Some((option, _)) = outputs.iter().find(|(_, given)| *given) {
        return Err(Failure::Input(format!(
            "{option} cannot be combined with --shard: a shard of a comparison only saves its \
             replications to --checkpoint; join the shards' checkpoints (`cat part-*.jsonl > \
             all.jsonl`) and run the comparison without --shard, with --checkpoint all.jsonl \
             and {option}{}",
            if *option == "--target-rel-halfwidth" {
                " (every shard must run a fixed share of a fixed number of replications)"
            } else {
                ""
            }
        )));
    }
    Ok(Some(shard))
}

pub(crate) fn run(args: CompareArgs) -> Result<(), Failure> {
    if let Some(condition) = args.targets.first() {
        return Err(Failure::Input(format!(
            "compare has no --target (run and report have it): to compare the scenarios' \
             probability of meeting {condition}, rank them on it with --rank 'P({condition})', \
             which gives each scenario's probability with its 95% interval and the paired \
             verdicts"
        )));
    }
    let c = &args.common;
    let shard = parse_shard(&args)?;
    // Warnings are said once every input and output has been checked.
    let mut later = Later::default();
    let studies = crate::variant::studies(&args.scenarios, &args.variants, &c.set.set, &mut later)?;
    later.studies(&studies);
    // Before any work; `run_compare` checks it again.
    caspian_montecarlo::compare::same_window(&studies)
        .map_err(|e| Failure::Input(format!("{e} (`--set` applies to all of them)")))?;
    // The base file's text, read as a parent file is, to tell a policy
    // file derived from it.
    let base_sha = args.scenarios.first().and_then(|p| {
        crate::files::read_input(p, caspian_montecarlo::input::InputKind::Scenario).ok()
    });
    let base_sha = base_sha.map(|t| caspian_montecarlo::study::sha256_hex(&t));
    // Said with the others, and kept in the document (its report) with the
    // scenarios' own warnings.
    let mut policy_lines = Vec::new();
    for (i, s) in studies.iter().enumerate().skip(1) {
        // A --variant changes only what its user named.
        let sha = if i < args.scenarios.len() { base_sha.as_deref() } else { None };
        for warning in policy_warnings(&studies[0], s, c.seed, sha) {
            later.push(warning.clone());
            policy_lines.push(warning);
        }
    }
    match args.twins() {
        Some(Without::Dated) => caspian_montecarlo::one_off::check(&studies),
        Some(Without::All) => caspian_montecarlo::vulnerability::check(&studies),
        None => Ok(()),
    }
    .map_err(Failure::Input)?;
    // The twins' names: "NAME without the event" (--one-off) or "NAME
    // without the disruptions" (--vulnerability).
    let twins_words = args.twins().map(|w| format!(" and their twins without {}", w.words()));
    let twins_words = twins_words.unwrap_or_default();
    let target = c.target.target(c.replications, &plans(&studies))?;
    let kpis = studies.first().map_or_else(Vec::new, |b| b.plan.kpi_layout().names().to_vec());
    crate::output::check_kpi_patterns(&c.kpis, &kpis)
        .map_err(|e| only_in_policies("--kpi", &c.kpis, &kpis, &studies).unwrap_or(e))?;
    c.target.check_primary(&kpis).map_err(|e| {
        only_in_policies("--primary", &c.target.primary, &kpis, &studies).unwrap_or(e)
    })?;
    for (option, patterns) in [("--minimize", &args.minimize), ("--maximize", &args.maximize)] {
        caspian_montecarlo::select::check_patterns(option, patterns, &kpis).map_err(|e| {
            only_in_policies(option, patterns, &kpis, &studies)
                .unwrap_or_else(|| Failure::Input(e.to_string()))
        })?;
    }
    let request = request(&args, &kpis, &studies)?;
    let report = crate::report::prepare_dir(c.report.as_deref(), false)?;
    let parents: Vec<PathBuf> = studies.iter().flat_map(|s| extended_files(&s.lineage)).collect();
    let mut inputs: Vec<Named<'_>> =
        args.scenarios.iter().map(|p| ("SCENARIO", Some(p.as_path()))).collect();
    inputs.extend(parents.iter().map(|p| (EXTENDED, Some(p.as_path()))));
    let mut outputs = c.outputs(&report.files);
    outputs.push(("--checkpoint", args.checkpoint.as_deref()));
    check_files(&inputs, &outputs)?;
    // With twins every scenario runs twice (its twin has fewer KPIs).
    let runs = if args.twins().is_some() { 2 } else { 1 };
    crate::memory::check(&crate::memory::Records {
        what: format!(
            "-n {} for each of {} scenarios{}",
            c.replications,
            studies.len(),
            match args.twins() {
                Some(Without::Dated) => format!("{twins_words} (--one-off)"),
                Some(Without::All) => format!("{twins_words} (--vulnerability)"),
                None => String::new(),
            }
        ),
        per_replication: studies
            .iter()
            .map(|s| caspian_montecarlo::records::records_bytes(1, s.plan.kpi_layout().len()))
            .fold(0, u64::saturating_add)
            .saturating_mul(runs as u64),
        start: c.replications,
        ceiling: target.as_ref().map(|t| t.max_replications),
        advice: if target.is_some() {
            "start with fewer replications, compare fewer scenarios at once, or use a machine \
             with more memory"
        } else {
            "run fewer replications (--target-rel-halfwidth stops once the intervals are \
             narrow enough), compare fewer scenarios at once, or use a machine with more memory"
        },
    })?;
    let most = target.as_ref().map_or(c.replications, |t| t.max_replications.max(c.replications));
    let kpis_most = studies.iter().map(|s| s.plan.kpi_layout().len()).max().unwrap_or(0);
    let rows = most.saturating_mul((studies.len() * runs) as u64);
    crate::journal::check_size(args.checkpoint.as_deref(), rows, kpis_most)?;
    let pool = pool(c.threads)?;
    let mut journal = crate::journal::open(args.checkpoint.as_deref(), args.interrupt_after_saves)?;
    // Said once every input is checked, the checkpoint included.
    later.say();
    if let (Some(shard), Some(journal)) = (shard, journal.as_mut()) {
        return save_share(&args, &studies, shard, &pool, journal, &twins_words);
    }
    let progress = Progress::new((studies.len() * runs) as u64 * c.replications, c.quiet);
    let (mut doc, records) = pool.install(|| {
        run_compare_with_records(
            &studies,
            c.seed,
            c.replications,
            target.as_ref(),
            request,
            &|| progress.tick(),
            journal.as_mut(),
        )
    })?;
    doc.warnings.extend(policy_lines);
    let primary = c.target.primary(&plans(&studies));
    let twins = match args.twins() {
        Some(without) => {
            let tick = || progress.tick();
            let overrides = Overrides { minimize: &args.minimize, maximize: &args.maximize };
            let kpis = (&primary[..], overrides);
            let saved = journal.as_mut();
            twins(&mut doc, &studies, &records, (&pool, saved), without, kpis, &tick)?
        }
        None => Vec::new(),
    };
    progress.finish();
    let elapsed = progress.elapsed();
    // Runs a safeguard cut short, the twins' too: in the document and below
    // the table.
    let names = tidy_names(&doc, twins.len(), args.twins().map_or("", Without::words));
    let all: Vec<&PointRecords> = records.iter().chain(&twins).collect();
    let cut_short = caspian_montecarlo::compare::truncated(&names, &all);
    doc.warnings.extend(cut_short.clone());
    // Result files first: whatever happens to the terminal, they are complete.
    // The --rank measures as rankings name them (checked by `request`).
    let ranked: Vec<String> =
        args.rank.iter().filter_map(|s| Measure::parse(s).ok()).map(|m| m.to_string()).collect();
    // Primary rankings follow --kpi, unless --primary named them.
    let rank_filter: &[String] = if c.target.primary.is_empty() { &c.kpis } else { &[] };
    let table = compare_table(&doc, &c.kpis, c.all, &ranked, rank_filter);
    let names: Vec<&str> = doc.scenarios.iter().map(|s| s.name.as_str()).collect();
    let mut notes = crate::output::notes(
        doc.target.as_ref(),
        crate::output::Places::Scenarios(&names),
        0,
        &doc.saturation_notes(),
    );
    // Found in the results (the warnings said before the run are not).
    let found = caspian_montecarlo::compare::no_effect(&studies, &records);
    notes.extend(found.into_iter().chain(cut_short).map(|w| format!("warning: {w}")));
    let done = format!(
        "{} scenarios{twins_words} x {} in {elapsed:.2?}",
        doc.scenarios.len(),
        replications(doc.replications)
    );
    let outputs = crate::common::begin_outputs();
    if let Some(path) = &c.csv {
        write_csv(path, &doc)?;
    }
    if let Some(path) = &c.tidy_csv {
        let units: Vec<_> = doc.summaries.iter().map(crate::output::units_of).collect();
        // The twins follow, each named for its scenario.
        let without = args.twins().map_or("", Without::words);
        let names = tidy_names(&doc, twins.len(), without);
        let units = units.iter().chain(&units).take(names.len());
        let records = records.iter().chain(&twins);
        let blocks = names.iter().zip(records).zip(units).map(|((name, records), units)| {
            tidy::Block { scenario: name, point: None, values: &[], records, units }
        });
        crate::output::write_tidy_csv(path, &[], blocks)?;
    }
    drop((records, twins));
    let doc = Document::Compare(doc);
    if let Some(path) = &c.json {
        write_document(path, &doc)?;
    }
    crate::report::write_report(c.report.as_deref(), doc, None, &c.kpis, c.quiet)?;
    crate::common::commit_outputs(outputs)?;
    let reused = journal.as_ref().map_or(0, Journal::reused);
    crate::journal::close(journal, reused, c.quiet);
    crate::terminal::out(&table)?;
    for line in notes {
        note(c.quiet && !line.starts_with("warning"), &line);
    }
    note(c.quiet, &done);
    Ok(())
}

/// A shard of a comparison: its share of every scenario's replications
/// (and their twins'), saved to the checkpoint, which is kept.
fn save_share(
    args: &CompareArgs,
    studies: &[Study],
    shard: Shard,
    pool: &caspian_montecarlo::pool::ThreadPool,
    journal: &mut Journal,
    twins_words: &str,
) -> Result<(), Failure> {
    let c = &args.common;
    let reps = shard.range(c.replications);
    let runs = if args.twins().is_some() { 2 } else { 1 };
    let progress = Progress::new((studies.len() * runs) as u64 * (reps.end - reps.start), c.quiet);
    let tick = || progress.tick();
    pool.install(|| save_share_of(studies, c.seed, reps.clone(), args.twins(), &tick, journal))?;
    progress.finish();
    // The checkpoint is the shard's result: kept, and nothing more to say
    // on an interruption from now on.
    crate::signals::say_when_stopped(None);
    let reused = journal.reused();
    let read = if reused > 0 {
        format!(" ({} read from the checkpoint)", replications(reused))
    } else {
        String::new()
    };
    note(
        c.quiet,
        &format!(
            "shard {}/{}: replications {}..{} of {} scenarios{twins_words}{read} in {:.2?}, saved \
             to {}; join the shards' checkpoints (`cat part-*.jsonl > all.jsonl`) and run the \
             comparison without --shard, with --checkpoint all.jsonl: it reads them",
            shard.index,
            shard.count,
            reps.start,
            reps.end,
            studies.len(),
            progress.elapsed(),
            caspian_montecarlo::shown_path(journal.path())
        ),
    );
    crate::run::warn_empty_shard(shard, c.replications, "its checkpoint joins the others");
    Ok(())
}

fn compare_table(
    doc: &CompareDoc,
    patterns: &[String],
    all: bool,
    ranked: &[String],
    rank_filter: &[String],
) -> String {
    let base = &doc.scenarios[0];
    let mut out = format!(
        "paired comparison under common random numbers: seed {}, {} per scenario\n\
         base: \"{}\" ({})\n",
        doc.seed,
        replications(doc.replications),
        base.name,
        base.source
    );
    // Void: zero or undefined in every replication of every scenario.
    let void_everywhere =
        |k: &str| doc.summaries.iter().all(|t| t.get(k).is_none_or(|s| crate::arrange::void(k, s)));
    for d in &doc.differences {
        let p = &doc.scenarios[d.scenario];
        out.push_str(&format!("\n\"{}\" ({}) minus base:\n", p.name, p.source));
        // The headline's worst waits are those that change most
        // (`headline_values`); the rows are this policy's differences.
        let values: std::collections::BTreeMap<&str, f64> =
            doc.headline_values(&[d.scenario]).into_iter().collect();
        let means: Vec<(&str, f64)> = d
            .kpis
            .keys()
            .map(|k| (k.as_str(), values.get(k.as_str()).copied().unwrap_or(f64::NAN)))
            .collect();
        // Hidden only when void in every scenario: a KPI one scenario
        // defines and the other never does is shown, with a note.
        let shown = crate::arrange::arrange(&means, void_everywhere, patterns, all);
        let rows = shown.table_rows(|k| table::diff_row(k, &d.kpis[k].unit, &d.kpis[k]));
        out.push_str(&table::render(&table::DIFF_HEADER, &rows));
        if let Some(line) = shown.hidden_line("in every replication of every scenario") {
            out.push_str(&line);
        }
        let notes = shown.kpi_notes(|k| doc.partly_defined_note(d, k));
        for line in notes {
            out.push_str(&line);
            out.push('\n');
        }
        // A pattern whose KPIs only the base has pairs nothing here.
        for pattern in patterns {
            let matches = |k: &&String| caspian_montecarlo::select::matches(pattern, k);
            let in_base: Vec<&String> = doc.summaries[0].keys().filter(matches).collect();
            if !in_base.is_empty() && !d.kpis.keys().any(|k| matches(&k)) {
                let listed: Vec<&str> = in_base.iter().take(3).map(|k| k.as_str()).collect();
                let more = if in_base.len() > 3 { " ..." } else { "" };
                out.push_str(&format!(
                    "note: --kpi {pattern} matches KPIs of the base that \"{}\" lacks ({}{more}): \
                     nothing to pair\n",
                    p.name,
                    listed.join(", ")
                ));
            }
        }
        // Notes on the KPIs shown only (`--kpi` asked for others).
        for (kpi, note) in doc.service_level_notes(d) {
            if shown.shows(&kpi) {
                out.push_str(&format!("note: {note}\n"));
            }
        }
        if let Some((kpis, note)) = doc.recovery_note(d)
            && kpis.iter().any(|k| shown.shows(k))
        {
            out.push_str(&format!("note: {note}\n"));
        }
    }
    if let Some(e) = &doc.economics {
        out.push_str(&format!(
            "\neconomics against the base ({cur}; NPV over {} years at {} a year, annuity factor \
             {}; benefit = failure cost avoided, cost = extra capital and operating, both \
             {cur}/yr):\n",
            num(e.appraisal_years),
            num(e.discount_rate),
            num(e.annuity_factor),
            cur = e.currency,
        ));
        out.push_str(&table::render(&ECONOMICS_HEADER, &doc.economics_rows(num)));
        for line in doc.economics_notes(num) {
            out.push_str(&format!("{line}\n"));
        }
        for w in &e.warnings {
            out.push_str(&format!("warning: {w}\n"));
        }
        if let Some(o) = &e.one_off {
            let names: Vec<&str> = doc.scenarios.iter().map(|s| s.name.as_str()).collect();
            out.push_str(&format!("\n{}\n", o.title(&e.currency)));
            out.push_str(&table::render(
                &caspian_montecarlo::one_off::HEADER,
                &o.rows(&names, num),
            ));
            for line in o.notes(&names, num) {
                out.push_str(&format!("{line}\n"));
            }
            for w in &o.warnings {
                out.push_str(&format!("warning: {w}\n"));
            }
        }
    }
    if let Some(v) = &doc.vulnerability {
        out.push_str(&vulnerability_table(doc, v));
    }
    // With two scenarios a ranking on a primary KPI repeats the difference
    // table, and one that `rank_filter` (--kpi) leaves out is not asked
    // for; rankings asked for with --rank are always shown.
    let primary_shown = |kpi: &str| {
        doc.scenarios.len() > 2
            && (rank_filter.is_empty() || rank_filter.iter().any(|p| select::matches(p, kpi)))
    };
    let shown = |kpi: &str| primary_shown(kpi) || ranked.iter().any(|m| m == kpi);
    {
        for r in doc.rankings.iter().filter(|r| shown(&r.kpi)) {
            out.push_str(&format!("\nranking on {} ({}):\n", r.kpi, r.direction.order_words()));
            let rows = doc.ranking_rows(r, num);
            out.push_str(&table::render(&RANKING_HEADER, &rows));
            for note in doc.ranking_notes(r) {
                out.push_str(&format!("note: {note}\n"));
            }
        }
    }
    if let Some(v) = &doc.pareto {
        out.push_str(&format!(
            "\nPareto view: x = {} ({}), y = {} ({}); means with 95% CIs, domination judged on \
             the means, clear when both paired 95% CIs exclude zero (jointly >= 90%):\n",
            v.x.measure,
            v.x.direction.better_words(),
            v.y.measure,
            v.y.direction.better_words(),
        ));
        let header = doc.pareto_header();
        let header: Vec<&str> = header.iter().map(String::as_str).collect();
        out.push_str(&table::render(&header, &doc.pareto_rows(num)));
    }
    out
}

/// Writes `--csv`: one row per policy and KPI, the paired difference over
/// the `n` replications both scenarios define, beside each scenario's mean
/// over its own `base_n` and `policy_n` (which may differ from `n` for a
/// KPI some replications leave undefined, a recovery time).
fn write_csv(path: &std::path::Path, doc: &CompareDoc) -> Result<(), Failure> {
    let mut w = csv_writer(path)?;
    let fail = |e: csv::Error| csv_failure(path, e);
    w.write_record([
        "policy",
        "kpi",
        "unit",
        "base_mean",
        "policy_mean",
        "mean_diff",
        "ci95_low",
        "ci95_high",
        "correlation",
        "variance_reduction",
        "n",
        "base_n",
        "policy_n",
    ])
    .map_err(fail)?;
    for d in &doc.differences {
        for (k, v) in &d.kpis {
            let mean = |i: usize| doc.summaries[i].get(k).map_or(f64::NAN, |s| s.mean);
            let n = |i: usize| doc.summaries[i].get(k).map_or(0, |s| s.n).to_string();
            w.write_record([
                doc.scenarios[d.scenario].name.clone(),
                k.clone(),
                v.unit.clone(),
                csv_num(mean(0)),
                csv_num(mean(d.scenario)),
                csv_num(v.mean_diff),
                csv_num(v.ci95_low),
                csv_num(v.ci95_high),
                csv_num(v.correlation),
                csv_num(v.variance_reduction),
                v.n.to_string(),
                n(0),
                n(d.scenario),
            ])
            .map_err(fail)?;
        }
    }
    finish_csv(path, w)
}
