//! `caspian optimize`: the best portfolio of discrete decisions, with a
//! guaranteed probability of correct selection (see docs/optimize.md and
//! `caspian_montecarlo::optimize`).

use std::path::PathBuf;

use clap::Args;

use caspian_montecarlo::measure::Measure;
use caspian_montecarlo::optimize::constraint::Constraint;
use caspian_montecarlo::optimize::document::decisions_text as decisions;
use caspian_montecarlo::optimize::document::{
    CONTENDER_HEADER, OptimizeDoc, PARETO_HEADER, RUNNER_UP_HEADER, RunnerUpDoc,
};
use caspian_montecarlo::optimize::store::Store;
use caspian_montecarlo::optimize::{OptimizeError, Settings, decision, optimize_priced, price};
use caspian_montecarlo::study::Study;

use crate::common::{
    EXTENDED, Named, Progress, SetArgs, check_files, extended_files, note, pool, read_scenario,
    write_file,
};
use crate::failure::Failure;
use crate::parse::{number, whole_in};
use crate::table::{self, num};
use crate::warnings::Later;

#[derive(Debug, Args)]
pub(crate) struct OptimizeArgs {
    /// Scenario file (TOML) [default: the embedded baseline].
    scenario: Option<PathBuf>,
    /// A decision (repeatable): KEY=LO..HI (whole numbers, both included) or KEY=V1,V2,...;
    /// KEY is any sweep key, e.g. port.alat.berths.rail_ferry=2..5. Portfolios are every
    /// combination.
    #[arg(long = "decision", required = true, value_name = "KEY=VALUES")]
    decisions: Vec<String>,
    /// Minimise MEASURE (a KPI or P(KPI OP x)) [default: cost.total_per_year].
    #[arg(long, value_name = "MEASURE", conflicts_with = "maximize")]
    minimize: Option<String>,
    /// Maximise MEASURE instead.
    #[arg(long, value_name = "MEASURE")]
    maximize: Option<String>,
    /// A constraint (repeatable): 'P(KPI OP x) OP p' on a probability or 'KPI OP x' on a mean.
    #[arg(long = "constraint", value_name = "CONSTRAINT")]
    constraints: Vec<String>,
    /// Annualised capital allowed, of every asset (those the scenario already has included): portfolios above it are dropped before any simulation.
    #[arg(allow_negative_numbers = true, long, value_name = "X", value_parser = number)]
    budget: Option<f64>,
    /// Capital outlay allowed: the prices of what a portfolio adds to the scenario as given, less those of what it has fewer of, undiscounted; portfolios above it are dropped before any simulation.
    #[arg(allow_negative_numbers = true, long, value_name = "X", value_parser = number)]
    outlay: Option<f64>,
    /// 1 - ALPHA is the guaranteed probability of correct selection.
    #[arg(allow_negative_numbers = true, long, default_value_t = 0.05, value_parser = number)]
    alpha: f64,
    /// Indifference zone: differences in the objective below D do not matter (objective's unit).
    #[arg(allow_negative_numbers = true, long, required = true, value_name = "D", value_parser = number)]
    delta: f64,
    /// First-stage replications of every portfolio (at least 2: KN estimates variances from them).
    #[arg(allow_negative_numbers = true, long, default_value_t = 20, value_parser = whole_in::<u64>(2, 1_000_000))]
    n0: u64,
    /// Replications per portfolio and phase, at most.
    #[arg(allow_negative_numbers = true, long, default_value_t = 2000, value_parser = whole_in::<u64>(1, 1_000_000))]
    max_replications: u64,
    /// Portfolios the selection stage considers at most (OCBA chooses them when more are feasible).
    #[arg(allow_negative_numbers = true, long, default_value_t = 20, value_parser = whole_in::<usize>(1, 10_000))]
    shortlist: usize,
    /// Replications OCBA may spend [default: 20 x --shortlist].
    #[arg(allow_negative_numbers = true, long, value_parser = whole_in::<u64>(0, 100_000_000))]
    ocba_budget: Option<u64>,
    /// The Pareto view's second measure [default: the first constraint's, else cost.capital_per_year, whichever is not the objective, else cost.total_per_year].
    #[arg(long, value_name = "MEASURE")]
    pareto: Option<String>,
    /// Master seed of all random streams [default: the scenario's seed].
    #[arg(allow_negative_numbers = true, long, value_parser = whole_in::<u64>(0, u64::MAX))]
    seed: Option<u64>,
    /// Worker threads [default: one per CPU core]. Results do not depend on it.
    #[arg(allow_negative_numbers = true, short = 't', long, value_parser = whole_in::<u16>(1, u64::from(u16::MAX)))]
    threads: Option<u16>,
    /// Write the result as JSON to FILE (`-`: standard output).
    #[arg(short = 'o', long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Also write an HTML report of the result to FILE.
    #[arg(long, value_name = "FILE")]
    report: Option<PathBuf>,
    /// Save every replication to FILE as it is computed; rerunning with it resumes.
    #[arg(long, value_name = "FILE")]
    checkpoint: Option<PathBuf>,
    /// No progress bar or notes on stderr.
    #[arg(short, long)]
    quiet: bool,
    #[command(flatten)]
    set: SetArgs,
}

impl OptimizeArgs {
    fn settings(&self) -> Result<Settings, Failure> {
        let input = |e: String| Failure::Input(e);
        let measure = |option: &str, spec: &str| crate::parse::measure(option, spec).map_err(input);
        let (maximize, objective) = match (&self.maximize, &self.minimize) {
            (Some(m), _) => (true, measure("--maximize", m)?),
            (None, Some(m)) => (false, measure("--minimize", m)?),
            (None, None) => (false, Measure::Kpi("cost.total_per_year".into())),
        };
        let constraints = self
            .constraints
            .iter()
            .map(|c| Constraint::parse(c).map_err(|e| input(e.to_string())))
            .collect::<Result<Vec<_>, _>>()?;
        // The Pareto view sets the objective against a second measure: the
        // one given, else the first constraint's, else the capital (or, with
        // the capital the objective, the total cost).
        let pareto = match &self.pareto {
            Some(p) => {
                let p = measure("--pareto", p)?;
                if p == objective {
                    return Err(input(format!(
                        "--pareto {p} is the objective: a Pareto view sets the objective against \
                         a second measure; give another, or leave --pareto out for the default \
                         (the first constraint's measure, else cost.capital_per_year, whichever \
                         is not the objective)"
                    )));
                }
                p
            }
            None => {
                let capital = Measure::Kpi("cost.capital_per_year".into());
                let first = constraints.first().map(|c| c.measure.clone());
                [first, Some(capital)]
                    .into_iter()
                    .flatten()
                    .find(|m| *m != objective)
                    .unwrap_or_else(|| Measure::Kpi("cost.total_per_year".into()))
            }
        };
        Ok(Settings {
            objective,
            maximize,
            constraints,
            budget: self.budget,
            outlay: self.outlay,
            alpha: self.alpha,
            delta: self.delta,
            n0: self.n0,
            max_replications: self.max_replications,
            shortlist: self.shortlist,
            ocba_budget: self.ocba_budget.unwrap_or(20 * self.shortlist as u64),
            pareto,
        })
    }
}

impl From<OptimizeError> for Failure {
    fn from(e: OptimizeError) -> Self {
        if e.is_input() { Failure::Input(e.to_string()) } else { Failure::Internal(e.to_string()) }
    }
}

pub(crate) fn run(args: OptimizeArgs) -> Result<(), Failure> {
    let settings = args.settings()?;
    let specs = args
        .decisions
        .iter()
        .map(|d| decision::parse(d))
        .collect::<Result<Vec<_>, _>>()
        .and_then(|s| decision::check(&s).map(|()| s))
        .map_err(|e| Failure::Input(e.to_string()))?;
    // A key no decision can take is said first: the advice of the checks
    // below (drop the --set, give the values to the decision) would not help.
    for d in &specs {
        if let Err(e) = d.key.parse::<caspian_montecarlo::SweepKey>() {
            return Err(Failure::Input(format!("--decision {}: {e}", d.key)));
        }
    }
    refuse_conditions(&specs)?;
    let mut later = Later::default();
    // A --set that is wrong on its own is said as such, before it is
    // weighed against the decisions.
    let (s, overrides) = read_scenario(args.scenario.as_deref(), &args.set.set, &mut later)?;
    let swept: Vec<(&str, String)> =
        specs.iter().map(|d| (d.key.as_str(), "--decision".to_string())).collect();
    crate::sweep::check_set_against(&args.set.set, &swept, "decision")?;
    let source = crate::common::source_with_sets(&s.source, &args.set.set);
    // The portfolios are compiled to check them, on --threads as the
    // replications are.
    let pool = pool(args.threads)?;
    let study = pool
        .install(|| Study::sweep_given(&s.text, &source, args.seed, specs, None, "--decision"))?;
    let study = study.with_lineage(s.lineage.clone());
    later.studies(std::slice::from_ref(&study));
    let path = args.scenario.as_deref();
    crate::warnings::idle_escort_sets(path, &overrides, &s, &study, &mut later);
    settings.check(study.plan.kpi_layout().names())?;
    let parents = extended_files(&study.lineage);
    let mut inputs: Vec<Named<'_>> = vec![("SCENARIO", args.scenario.as_deref())];
    inputs.extend(parents.iter().map(|p| (EXTENDED, Some(p.as_path()))));
    check_files(
        &inputs,
        &[
            ("--output", args.output.as_deref()),
            ("--report", args.report.as_deref()),
            ("--checkpoint", args.checkpoint.as_deref()),
        ],
    )?;
    let progress = Progress::new(study.points.len() as u64 * settings.n0, args.quiet);
    let tick = || progress.tick();
    // Everything that needs no replication is checked before the
    // checkpoint is opened, so a refusal leaves no file behind.
    let priced = pool.install(|| price(&study, &settings))?;
    crate::journal::check_held(args.checkpoint.as_deref())?;
    let mut store = Store::open(&study, args.checkpoint.as_deref(), &tick)?;
    // Said once every input is checked, the checkpoint included.
    later.say();
    let dated = caspian_montecarlo::optimize::outcome::dated_every_year(&study);
    for w in dated.iter().chain(priced.idle_warnings()) {
        note(false, &format!("warning: {}: {w}", study.source));
    }
    if let Some(journal) = store.journal() {
        crate::journal::say_passed_over(journal);
        crate::journal::say_kept(journal.path());
    }
    let doc = pool.install(|| optimize_priced(&study, &settings, &mut store, priced))?;
    progress.finish();
    if let Some(w) = caspian_montecarlo::optimize::outcome::cut_short(&store) {
        note(false, &format!("warning: {}: {w}", study.source));
    }
    let reused = store.reused;
    let journal = store.into_journal();
    let outputs = crate::common::begin_outputs();
    if let Some(path) = &args.output {
        let json =
            doc.to_json().map_err(|e| Failure::Internal(format!("cannot encode JSON: {e}")))?;
        crate::common::write_result(path, json.as_bytes())?;
    }
    if let Some(path) = &args.report {
        write_file(path, caspian_report::html::optimize_report(&doc).html.as_bytes())?;
    }
    crate::common::commit_outputs(outputs)?;
    crate::journal::close(journal, reused, args.quiet);
    crate::terminal::out(&summary(&doc))?;
    note(args.quiet, &format!("done in {:.2?}", progress.elapsed()));
    Ok(())
}

/// Refuses a decision on a condition (weather, demand, a disruption's
/// rate...): no price covers one, so the search would take its kindest
/// value for free.
fn refuse_conditions(specs: &[caspian_montecarlo::study::AxisSpec]) -> Result<(), Failure> {
    for d in specs {
        if d.key.parse::<caspian_montecarlo::SweepKey>().is_ok_and(|k| k.is_condition()) {
            return Err(Failure::Input(format!(
                "--decision {}: this key sets a condition the corridor meets (weather, demand, \
                 incidents, sea level, breakdowns or disruptions), not a lever a planner buys; no \
                 price covers it, so optimize would choose its kindest value for free. Hold it \
                 with --set {}=VALUE (run optimize at each value to see how the choice moves), \
                 or sweep it with caspian sweep",
                d.key, d.key
            )));
        }
    }
    Ok(())
}

/// What the terminal shows: the selection and its intervals, the
/// contenders, the feasible Pareto set, the replications and the guarantee.
fn summary(doc: &OptimizeDoc) -> String {
    let p = &doc.problem;
    let mut out = format!(
        "optimize {} ({}): {} {} over {} portfolios, seed {}, alpha {}, delta {}\n",
        p.scenario,
        p.source,
        p.direction,
        p.objective,
        doc.portfolios.len(),
        p.seed,
        p.alpha,
        num(p.delta)
    );
    let count = |s: &str| doc.portfolios.iter().filter(|q| q.status == s).count();
    let feasible = doc.portfolios.len()
        - count("pruned")
        - count("same")
        - count("infeasible")
        - count("undecided");
    let same = match count("same") {
        0 => String::new(),
        n => format!(
            "{n} the same model as an earlier one (each group run once, for all: {}), ",
            doc.portfolios
                .iter()
                .filter_map(|q| q.same_as.map(|first| format!("{} as {first}", q.index)))
                .take(4)
                .chain((n > 4).then(|| "...".to_string()))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    out.push_str(&format!(
        "portfolios: {} pruned by the budget or outlay, {same}{} infeasible, {} undecided, \
         {feasible} feasible\n",
        count("pruned"),
        count("infeasible"),
        count("undecided")
    ));
    let undecided: Vec<Vec<String>> = doc
        .portfolios
        .iter()
        .filter(|q| q.status == "undecided")
        .map(|q| {
            let tests = q
                .constraints
                .iter()
                .map(|t| {
                    format!("{} [{}, {}] over {}", num(t.estimate), num(t.lower), num(t.upper), t.n)
                })
                .collect::<Vec<_>>()
                .join("; ");
            vec![q.index.to_string(), decisions(&q.decisions), tests]
        })
        .collect();
    if !undecided.is_empty() {
        out.push_str(
            "undecided at --max-replications (left out of the selection and of the guarantee):\n",
        );
        let bounds = match doc.test_level() {
            Some(beta) => format!(
                "estimate [one-sided bounds at level beta = {}] over replications",
                num(beta)
            ),
            None => "estimate [one-sided bounds] over replications".to_string(),
        };
        let header = ["portfolio", "decisions", bounds.as_str()];
        out.push_str(&table::render(&header, &undecided));
    }
    match &doc.selected {
        Some(sel) => {
            out.push_str(&format!(
                "\nselected: portfolio {} ({}), capital {}/yr, outlay {} beyond the scenario as \
                 given\nits KPIs over {} {}:\n",
                sel.index,
                decisions(&sel.decisions),
                num(sel.capital_per_year),
                num(sel.outlay),
                sel.n,
                sel.data
            ));
            let rows: Vec<Vec<String>> =
                sel.kpis.iter().map(|(k, v)| table::summary_row(k, &v.unit, v)).collect();
            out.push_str(&table::render(&table::SUMMARY_HEADER, &rows));
            for line in doc.selected_feasibility(num) {
                out.push_str(&format!("{line}\n"));
            }
            for n in &sel.notes {
                out.push_str(&format!("note: {n}\n"));
            }
        }
        None => out.push_str("\nno portfolio was shown to be feasible: nothing selected\n"),
    }
    if !doc.contenders.is_empty() {
        out.push_str(
            "\nas good as it within the guarantee (its objective minus the selection's, paired \
             over every replication both ran; each is either not told apart from it, its \
             interval containing 0, or within delta of it, a difference too small to matter):\n",
        );
        let rows = doc.contender_rows(table::numbers);
        out.push_str(&table::render(&CONTENDER_HEADER, &rows));
    }
    if let Some(r) = &doc.runner_up {
        out.push_str(&runner_up(r));
    }
    let rows = doc.pareto_rows(|xs| xs.iter().map(|&x| num(x)).collect());
    if rows.is_empty() {
        out.push_str("\nfeasible Pareto set: empty, no portfolio was shown to be feasible\n");
    } else {
        out.push_str(&format!(
            "\nfeasible Pareto set ({}; means over each portfolio's screening and OCBA \
             replications, not the selection's):\n",
            doc.pareto_measures()
        ));
        out.push_str(&table::render(&PARETO_HEADER, &rows));
    }
    let r = &doc.replications;
    out.push_str(&format!(
        "\nreplications: screening {}, OCBA {}, selection {} (+{} computed, not used), total {}\n",
        r.screening, r.ocba, r.selection, r.selection_discarded, r.total
    ));
    out.push_str(&format!("\n{}\n", doc.guarantee.statement));
    out
}

/// The next best feasible portfolio, its differences from the selection,
/// and what the choice rests on.
fn runner_up(r: &RunnerUpDoc) -> String {
    let mut out = format!("\n{}:\n", r.intro());
    out.push_str(&table::render(&RUNNER_UP_HEADER, &r.rows(table::numbers)));
    if let Some(note) = r.rests_on_note() {
        out.push_str(&format!("note: {note}\n"));
    }
    for note in &r.notes {
        out.push_str(&format!("note: {note}\n"));
    }
    out
}
