//! One replication from start to end: [`simulate`] and
//! [`simulate_probed`] build the [`World`], run it on the engine to the
//! horizon (after the paired-recovery twins, [`super::paired`]) and name
//! its KPIs.

use caspian_engine::{RunLimits, RunOutcome, Scheduler, SimTime, Simulation, StopReason};

use super::observe::{Watch, Watcher};
use super::state::World;
use crate::compile::CompiledScenario;
use crate::kpi::Kpis;
use crate::probe::Probe;
use crate::saturation::WaitingLine;

/// Outcome of one replication, before KPIs are named.
#[derive(Debug, Clone)]
pub struct Replication {
    /// KPI values by name, in name order.
    pub kpis: Kpis,
    /// Events fired.
    pub events: u64,
    /// Of those, the events that did nothing: ones a vessel out of service
    /// had scheduled before it left. A trace has no entry for them.
    pub ignored_events: u64,
    /// Whether a safeguard stopped the run early: `max_events`, or
    /// `max_waiting` (the line is then among `saturated`).
    pub truncated: bool,
    /// Conservation residuals per cargo (entered - in storage - aboard -
    /// forwarded - lost); zero when the books balance.
    pub conservation_residual: [i128; crate::scenario::Cargo::COUNT],
    /// Waiting lines that look unbounded at the horizon (e.g.
    /// `anchorage kuryk.rail_ferry`, `gate alat_yard_east`): at least
    /// [`crate::SATURATION_MIN_WAITING`] still waiting, and more than
    /// [`crate::SATURATION_SHARE`] of everything that joined the line since warm-up.
    /// In a stable system the line at any instant is a small fraction of a
    /// year's traffic; a line that holds a sizeable share of it is growing,
    /// i.e. demand exceeds capacity.
    pub saturated: Vec<WaitingLine>,
}

/// Simulates replication `replication` of `plan` with master seed `seed`.
pub fn simulate(plan: &CompiledScenario, seed: u64, replication: u64) -> Replication {
    replicate(plan, seed, replication, &mut ())
}

/// [`simulate`], showing `probe` the state at regular times and, if it asks,
/// every event. The KPIs are exactly those of [`simulate`].
pub fn simulate_probed(
    plan: &CompiledScenario,
    seed: u64,
    replication: u64,
    probe: &mut dyn Probe,
) -> Replication {
    let mut watcher = Watcher::new(probe, plan.horizon);
    replicate(plan, seed, replication, &mut watcher)
}

fn replicate<'a, O: Watch<'a>>(
    plan: &'a CompiledScenario,
    seed: u64,
    replication: u64,
    observer: &mut O,
) -> Replication {
    let mut world = World::new(plan, seed, replication);
    world.disruptions.recovery.references = super::paired::references(&world, seed, replication);
    let (world, outcome, now, events) = run_world(world, observer);
    let truncated = stopped_early(&outcome);
    let conservation_residual = world.conservation_residual();
    let mut saturated = world.saturated_lines();
    if let Some(line) = world.overflowed.clone()
        && !saturated.contains(&line)
    {
        saturated.push(line);
    }
    let ignored_events = world.ignored_events;
    Replication {
        kpis: world.kpis(now),
        events,
        ignored_events,
        truncated,
        conservation_residual,
        saturated,
    }
}

/// Whether a safeguard stopped the run: `max_events`, or the model itself,
/// which stops only through the waiting-line safeguard.
pub(super) fn stopped_early(outcome: &RunOutcome) -> bool {
    matches!(outcome.reason, StopReason::EventLimit | StopReason::StoppedByModel)
}

/// Runs `world` from time 0 to its plan's horizon, showing `observer` the
/// run: the world at the end, why it stopped, when, and the events fired.
pub(super) fn run_world<'a, O: Watch<'a>>(
    mut world: World<'a>,
    observer: &mut O,
) -> (World<'a>, RunOutcome, SimTime, u64) {
    let plan = world.plan;
    world.counters.in_corridor_at_start = world.in_corridor();
    world.monthly.open(world.counters.in_corridor_at_start);
    let mut sched = Scheduler::with_capacity(256);
    world.schedule_initial(&mut sched);
    let mut sim = Simulation::with_scheduler(world, sched);
    // The window is half-open, `[0, horizon)`: an event due exactly at the
    // horizon (a daily parcel, an outflow tick) belongs to the next window, as
    // one at the end of warm-up or of a month belongs to the period it opens.
    let limits = RunLimits::before(plan.horizon).with_max_events(plan.max_events);
    let outcome = sim.run_observed(limits, observer);
    let now = sim.now();
    observer.finish(sim.model(), now);
    let events = sim.events_processed();
    (sim.into_model(), outcome, now, events)
}
