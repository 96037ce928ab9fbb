//! Checks a [`Scenario`] and resolves its references into indices: the form the
//! model runs on. Every problem is reported, each with the key it concerns.
//!
//! [`compile`] checks the tables in file order, one function per table, and
//! collects every problem in a `Checker` before deciding:
//!
//! - `check`: the shared checks (ranges, counts, distributions, ids).
//! - `plan`: the resolved form ([`CompiledScenario`] and the `*Plan` types).
//! - `network`: the meta table, sea areas (weather, ice) and ports.
//! - `cargo`: storages, inflows, outflows and whether demand has a route.
//! - `fleet`: fleets (routes, handling rates, dispatch); `availability`:
//!   their dry-dock cycles and breakdowns.
//! - `traffic`: open traffic, interdiction and sweep axes.
//! - `disruption`: disruptions aimed at one element.
//! - `draft`: sea level, port depths, dredging and draft relations.
//! - `costs`: the cost model (`[costs]`) and the plan's annualised capital.
//! - `text`: what ids and free text may hold; escaping in messages.

use std::sync::Arc;

use crate::kpi::KpiLayout;
use crate::scenario::{BerthClass, Scenario};

mod availability;
mod budget;
mod cargo;
mod check;
mod costs;
mod disruption;
mod draft;
mod error;
mod fleet;
mod network;
mod plan;
#[cfg(test)]
mod tests;
mod text;
mod traffic;

use check::Checker;
pub(crate) use check::{MAX_AMOUNT, MAX_HORIZON_DAYS};
pub use draft::{DraftLimit, DraftPlan, FleetDraft};
pub use error::ScenarioError;
pub use plan::{
    AvailabilityPlan, CompiledScenario, DispatchPlan, DisruptionPlan, DisruptionTarget,
    DisruptionTiming, EscortPlan, FleetPlan, HoldPlan, InflowPlan, InterdictionPlan,
    OpenTrafficPlan, OutflowPlan, PortPlan, SeaAreaPlan, SharedPlan, StoragePlan,
};
pub(crate) use text::id_problem;
pub use text::{MAX_NAME_LEN, escape_invisible, first_invisible, invisible, shown_path};

/// Checks `scenario` and resolves it, or returns every problem found.
///
/// # Errors
/// All [`ScenarioError`]s, in file order.
pub fn compile(scenario: &Scenario) -> Result<CompiledScenario, Vec<ScenarioError>> {
    let mut c = Checker { errors: Vec::new() };
    let s = scenario;
    let (horizon, warmup) = network::meta(&mut c, s);
    let (area_ids, sea_areas) = network::sea_areas(&mut c, s, horizon);
    let (port_ids, ports) = network::ports(&mut c, s, &area_ids);
    network::storm_budget(&mut c, s, &ports, horizon);
    let (storage_ids, storages) = cargo::storages(&mut c, s, &port_ids);
    let inflows = cargo::inflows(&mut c, s, &storage_ids, &storages);
    let tonnes_per_unit = cargo::tonnes_per_unit(&mut c, s);
    let outflows = cargo::outflows(&mut c, s, &storage_ids, &storages, &tonnes_per_unit);
    let fleets = fleet::fleets(&mut c, s, &port_ids, &storage_ids, &ports, &storages);
    cargo::demand_routes(&mut c, &inflows, &outflows, &fleets, &storages);
    let open_traffic = traffic::open_traffic(&mut c, s, &port_ids, &ports);
    let interdiction = traffic::interdiction(&mut c, s, horizon);
    let ids = disruption::TargetIds { ports: &port_ids, storages: &storage_ids, fleets: &fleets };
    let disruptions = disruption::disruptions(&mut c, s, &ids, horizon);
    traffic::sweeps(&mut c, s);
    let draft = draft::draft(&mut c, s, &port_ids, &fleets);
    let priced = costs::Priced {
        ports: &ports,
        storages: &storages,
        fleets: &fleets,
        outflows: &outflows,
        depths: &draft.depths,
    };
    let costs = costs::costs(&mut c, s, &priced);
    if c.errors.is_empty() {
        budget::check(&mut c, horizon, s.scenario.max_events, &inflows, &open_traffic);
    }
    if !c.errors.is_empty() {
        return Err(c.errors);
    }
    let mut plan = CompiledScenario {
        source: scenario.clone(),
        horizon,
        warmup,
        max_events: s.scenario.max_events,
        max_waiting: usize::try_from(s.scenario.max_waiting).unwrap_or(usize::MAX),
        sea_areas,
        ports,
        storages,
        inflows,
        outflows,
        fleets,
        open_traffic,
        interdiction,
        disruptions,
        kpi_layout: Arc::default(),
        draft,
        tonnes_per_unit,
        costs,
        twins: Vec::new(),
    };
    if s.scenario.paired_recovery {
        for d in &s.disruptions {
            plan.twins.push(Arc::new(compile(&paired_twin(s, &d.id))?));
        }
    }
    plan.kpi_layout = Arc::new(KpiLayout::new(&plan));
    Ok(plan)
}

/// What `paired_recovery` measures disruption `id`'s recovery against: `s`
/// without it (nothing else refers to a disruption, so it compiles when
/// `s` does), without its sweep axes (which may name it) and the pairing.
fn paired_twin(s: &Scenario, id: &str) -> Scenario {
    let mut twin = s.without_disruptions(|d| d.id == id);
    twin.sweeps.clear();
    twin.scenario.paired_recovery = false;
    twin
}

/// Position of a berth class in [`BerthClass::ALL`].
pub fn class_index(class: BerthClass) -> usize {
    match class {
        BerthClass::Tanker => 0,
        BerthClass::RailFerry => 1,
        BerthClass::Roro => 2,
        BerthClass::Container => 3,
    }
}
