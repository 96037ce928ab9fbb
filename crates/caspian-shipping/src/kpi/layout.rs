//! The KPIs of a compiled scenario, laid out once: their names in name
//! order, each with its family, its resolved unit and the model quantity it
//! measures.
//!
//! A [`crate::CompiledScenario`] builds its layout when it is compiled
//! ([`crate::CompiledScenario::kpi_layout`]); every replication then returns
//! its values as a plain `Vec<f64>` in layout order ([`super::Kpis`]), with no
//! names formatted or sorted per replication.

use crate::compile::CompiledScenario;
use crate::kpi::schema::{KpiFamily, Unit, family_of, unit_in, unit_written};
use crate::model::monthly::{month_width, report_months};
use crate::scenario::{BerthClass, Cargo};

/// A model quantity that one KPI reports. Indices are into the compiled
/// scenario's tables (storages, cargoes, outflows, inflows, ports with a
/// berth class index, fleets).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Quantity {
    /// `delivered.<storage>`.
    Delivered(usize),
    /// `storage_mean.<storage>`.
    StorageMean(usize),
    /// `storage_max.<storage>`.
    StorageMax(usize),
    /// `peak_backlog.<storage>`.
    PeakBacklog(usize),
    /// `link_wait_h.<storage>`.
    LinkWait(usize),
    /// `delivered_total.<cargo>`.
    DeliveredTotal(Cargo),
    /// `delivered_t.<cargo>`.
    DeliveredTonnes(Cargo),
    /// `delivered_t.total`.
    DeliveredTonnesTotal,
    /// `transit_h.<cargo>.mean`.
    TransitMean(Cargo),
    /// `transit_h.<cargo>.p95`.
    TransitP95(Cargo),
    /// `cargo_lost.<cargo>`.
    CargoLost(Cargo),
    /// `service_level.<cargo>`.
    ServiceLevel(Cargo),
    /// `backlog_end.<cargo>`.
    BacklogEnd(Cargo),
    /// `diverted_total.<cargo>`.
    DivertedTotal(Cargo),
    /// `escort_utilization`.
    EscortUtilization,
    /// `escort_wait_h`.
    EscortWait,
    /// `convoy_wait_h`.
    ConvoyWait,
    /// `shut_in_total.<cargo>`.
    ShutInTotal(Cargo),
    /// `demand.<inflow>`.
    Demand(usize),
    /// `forwarded.<outflow>`.
    Forwarded(usize),
    /// `shut_in.<inflow>`.
    ShutIn(usize),
    /// `diverted.<inflow>`.
    Diverted(usize),
    /// `gate_wait_h.<inflow>`.
    GateWait(usize),
    /// `anchorage_wait_h.<port>.<class>` (port, class index).
    AnchorageWait(usize, usize),
    /// `anchorage_queue_mean.<port>.<class>`.
    AnchorageQueue(usize, usize),
    /// `berth_calls.<port>.<class>`.
    BerthCalls(usize, usize),
    /// `berth_utilization.<port>.<class>`.
    BerthUtilization(usize, usize),
    /// `port_closure_h.<port>`.
    PortClosure(usize),
    /// `port_calls.<port>`.
    PortCalls(usize),
    /// `vessel_utilization.<fleet>`.
    VesselUtilization(usize),
    /// `voyages.<fleet>`.
    Voyages(usize),
    /// `carried.<fleet>` (hold 0, the fleet's own cargo) and
    /// `carried.<fleet>.<cargo>` (the other holds of a mixed deck).
    Carried(usize, usize),
    /// `crossing_h.<fleet>`.
    Crossing(usize),
    /// `cargo_wait_h.<fleet>`.
    CargoWait(usize),
    /// `space_wait_h.<fleet>`.
    SpaceWait(usize),
    /// `incidents`.
    Incidents,
    /// `detentions`.
    Detentions,
    /// `vessels_lost`.
    VesselsLost,
    /// `vessels_lost.<fleet>`.
    FleetVesselsLost(usize),
    /// `vessels_missing_at_start`.
    VesselsMissingAtStart,
    /// `corridor_closure_h`.
    CorridorClosure,
    /// `vessels_out.<fleet>`.
    VesselsOut(usize),
    /// `disruption_h.<disruption>`.
    DisruptionHours(usize),
    /// `recovery_days.<disruption>`.
    RecoveryDays(usize),
    /// `unrecovered.<disruption>`.
    Unrecovered(usize),
    /// `recovery_paired_days.<disruption>`.
    RecoveryPairedDays(usize),
    /// `unrecovered_paired.<disruption>`.
    UnrecoveredPaired(usize),
    /// `month_delivered.<cargo>.mNN` (cargo, index of the month in the window).
    MonthDelivered(Cargo, usize),
    /// `month_backlog.<cargo>.mNN`.
    MonthBacklog(Cargo, usize),
    /// `month_service_level.<cargo>.mNN`.
    MonthServiceLevel(Cargo, usize),
    /// `trips_per_vessel_month.<fleet>`.
    TripsPerVesselMonth(usize),
    /// `downtime_h.<fleet>`.
    Downtime(usize),
    /// `breakdowns.<fleet>`.
    Breakdowns(usize),
    /// `drydocks.<fleet>`.
    Drydocks(usize),
    /// `load_factor.<fleet>` (fleets with a draft relation).
    LoadFactor(usize),
    /// `draft_lost.<fleet>`.
    DraftLost(usize),
    /// `draft_blocked.<fleet>`.
    DraftBlocked(usize),
    /// `link_utilization.<outflow>`.
    LinkUtilization(usize),
    /// `cost.<part>_per_year`.
    Cost(CostPart),
}

/// One of the cost KPIs (`cost.*_per_year`), in the order of
/// [`CostPart::ALL`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CostPart {
    /// `cost.capital_per_year`.
    Capital,
    /// `cost.operating_per_year`.
    Operating,
    /// `cost.delay_per_year`.
    Delay,
    /// `cost.demurrage_per_year`: the part of the delay cost that is
    /// demurrage (not added to the total again).
    Demurrage,
    /// `cost.lost_cargo_per_year`.
    LostCargo,
    /// `cost.total_per_year`.
    Total,
}

impl CostPart {
    /// Every part, the total last.
    pub(crate) const ALL: [CostPart; 6] = [
        CostPart::Capital,
        CostPart::Operating,
        CostPart::Delay,
        CostPart::Demurrage,
        CostPart::LostCargo,
        CostPart::Total,
    ];

    /// The KPI's name.
    pub(crate) fn kpi(self) -> &'static str {
        match self {
            CostPart::Capital => "cost.capital_per_year",
            CostPart::Operating => "cost.operating_per_year",
            CostPart::Delay => "cost.delay_per_year",
            CostPart::Demurrage => "cost.demurrage_per_year",
            CostPart::LostCargo => "cost.lost_cargo_per_year",
            CostPart::Total => "cost.total_per_year",
        }
    }
}

/// One KPI of a layout.
#[derive(Debug, Clone)]
struct Slot {
    name: String,
    family: Option<&'static KpiFamily>,
    unit: Option<Unit>,
    /// The unit as written ([`unit_text`]): empty for a name with no family.
    unit_text: String,
    quantity: Quantity,
}

/// The KPIs of one compiled scenario, in name order.
#[derive(Debug, Clone, Default)]
pub struct KpiLayout {
    slots: Vec<Slot>,
    names: Vec<String>,
}

impl PartialEq for KpiLayout {
    fn eq(&self, other: &Self) -> bool {
        self.names == other.names
    }
}

impl KpiLayout {
    /// The KPIs `plan` emits, sorted by name.
    pub(crate) fn new(plan: &CompiledScenario) -> Self {
        // One family lookup a name: a long monthly series has thousands of
        // names (issue 18).
        let mut slots: Vec<Slot> = quantities(plan)
            .into_iter()
            .map(|(name, quantity)| {
                let family = family_of(&name);
                let unit = family.map(|f| unit_in(plan, f, &name));
                let unit_text = unit.map(|u| unit_written(plan, u)).unwrap_or_default();
                Slot { name, family, unit, unit_text, quantity }
            })
            .collect();
        slots.sort_by(|a, b| a.name.cmp(&b.name));
        let names = slots.iter().map(|s| s.name.clone()).collect();
        Self { slots, names }
    }

    /// Number of KPIs.
    pub fn len(&self) -> usize {
        self.slots.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }

    /// The names, in order.
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// The position of KPI `name`, if the scenario emits it.
    pub fn position(&self, name: &str) -> Option<usize> {
        self.names.binary_search_by(|n| n.as_str().cmp(name)).ok()
    }

    /// The family of the KPI at `i` (`None` past the end, or for a name no
    /// family matches, which a test rules out).
    pub fn family(&self, i: usize) -> Option<&'static KpiFamily> {
        self.slots.get(i).and_then(|s| s.family)
    }

    /// The unit of the KPI at `i`, resolved for this scenario (see
    /// [`resolved_unit`](crate::kpi::schema::resolved_unit)).
    pub fn unit(&self, i: usize) -> Option<Unit> {
        self.slots.get(i).and_then(|s| s.unit)
    }

    /// The unit of the KPI at `i` as written in tables and documents, with
    /// the scenario's currency for costs (`USD/yr`); empty past the end or
    /// for a name with no family.
    pub fn unit_text(&self, i: usize) -> &str {
        self.slots.get(i).map_or("", |s| s.unit_text.as_str())
    }

    /// The quantity each position reports, in order.
    pub(crate) fn quantities(&self) -> impl ExactSizeIterator<Item = Quantity> + '_ {
        self.slots.iter().map(|s| s.quantity)
    }
}

/// Every KPI of `plan` with its quantity, in the model's order (unsorted).
fn quantities(plan: &CompiledScenario) -> Vec<(String, Quantity)> {
    use Quantity as Q;
    let mut k = Vec::new();
    let hand_over = plan.hand_over_storages();
    for (st, p) in plan.storages.iter().enumerate() {
        k.push((format!("delivered.{}", p.id), Q::Delivered(st)));
        k.push((format!("storage_mean.{}", p.id), Q::StorageMean(st)));
        k.push((format!("storage_max.{}", p.id), Q::StorageMax(st)));
        k.push((format!("peak_backlog.{}", p.id), Q::PeakBacklog(st)));
        if hand_over[st] {
            k.push((format!("link_wait_h.{}", p.id), Q::LinkWait(st)));
        }
    }
    let cargoes = plan.reported_cargoes();
    for &cargo in &cargoes {
        let c = cargo.as_str();
        k.push((format!("delivered_total.{c}"), Q::DeliveredTotal(cargo)));
        k.push((format!("delivered_t.{c}"), Q::DeliveredTonnes(cargo)));
        k.push((format!("transit_h.{c}.mean"), Q::TransitMean(cargo)));
        k.push((format!("transit_h.{c}.p95"), Q::TransitP95(cargo)));
        k.push((format!("cargo_lost.{c}"), Q::CargoLost(cargo)));
        k.push((format!("service_level.{c}"), Q::ServiceLevel(cargo)));
        k.push((format!("backlog_end.{c}"), Q::BacklogEnd(cargo)));
        k.push((format!("diverted_total.{c}"), Q::DivertedTotal(cargo)));
        k.push((format!("shut_in_total.{c}"), Q::ShutInTotal(cargo)));
    }
    k.push(("delivered_t.total".to_string(), Q::DeliveredTonnesTotal));
    for (j, o) in plan.outflows.iter().enumerate() {
        k.push((format!("forwarded.{}", o.id), Q::Forwarded(j)));
        k.push((format!("link_utilization.{}", o.id), Q::LinkUtilization(j)));
    }
    for (i, f) in plan.inflows.iter().enumerate() {
        k.push((format!("shut_in.{}", f.id), Q::ShutIn(i)));
        k.push((format!("demand.{}", f.id), Q::Demand(i)));
        k.push((format!("diverted.{}", f.id), Q::Diverted(i)));
        if f.when_full != crate::scenario::WhenFull::Spill {
            k.push((format!("gate_wait_h.{}", f.id), Q::GateWait(i)));
        }
    }
    for (p, port) in plan.ports.iter().enumerate() {
        for (c, class) in BerthClass::ALL.iter().enumerate() {
            if !port.serves(c) {
                continue;
            }
            let key = format!("{}.{}", port.id, class.as_str());
            k.push((format!("anchorage_wait_h.{key}"), Q::AnchorageWait(p, c)));
            k.push((format!("anchorage_queue_mean.{key}"), Q::AnchorageQueue(p, c)));
            k.push((format!("berth_calls.{key}"), Q::BerthCalls(p, c)));
            k.push((format!("berth_utilization.{key}"), Q::BerthUtilization(p, c)));
        }
        k.push((format!("port_closure_h.{}", port.id), Q::PortClosure(p)));
        k.push((format!("port_calls.{}", port.id), Q::PortCalls(p)));
    }
    for (fi, f) in plan.fleets.iter().enumerate() {
        k.push((format!("vessel_utilization.{}", f.id), Q::VesselUtilization(fi)));
        k.push((format!("voyages.{}", f.id), Q::Voyages(fi)));
        k.push((format!("carried.{}", f.id), Q::Carried(fi, 0)));
        for (p, h) in f.holds.iter().enumerate().skip(1) {
            k.push((format!("carried.{}.{}", f.id, h.cargo.as_str()), Q::Carried(fi, p)));
        }
        k.push((format!("crossing_h.{}", f.id), Q::Crossing(fi)));
        k.push((format!("cargo_wait_h.{}", f.id), Q::CargoWait(fi)));
        k.push((format!("space_wait_h.{}", f.id), Q::SpaceWait(fi)));
    }
    k.push(("incidents".to_string(), Q::Incidents));
    k.push(("detentions".to_string(), Q::Detentions));
    k.push(("vessels_lost".to_string(), Q::VesselsLost));
    for (fi, f) in plan.fleets.iter().enumerate() {
        k.push((format!("vessels_lost.{}", f.id), Q::FleetVesselsLost(fi)));
    }
    k.push(("vessels_missing_at_start".to_string(), Q::VesselsMissingAtStart));
    k.push(("corridor_closure_h".to_string(), Q::CorridorClosure));
    // Always, 0 with escorts off: a portfolio or design point that turns
    // them on has the same KPIs as one that does not.
    k.push(("escort_utilization".to_string(), Q::EscortUtilization));
    k.push(("escort_wait_h".to_string(), Q::EscortWait));
    k.push(("convoy_wait_h".to_string(), Q::ConvoyWait));
    if !plan.disruptions.is_empty() {
        for (fi, f) in plan.fleets.iter().enumerate() {
            k.push((format!("vessels_out.{}", f.id), Q::VesselsOut(fi)));
        }
    }
    for (fi, f) in plan.fleets.iter().enumerate() {
        if plan.draft.fleets[fi].limit.is_some() {
            k.push((format!("load_factor.{}", f.id), Q::LoadFactor(fi)));
            k.push((format!("draft_lost.{}", f.id), Q::DraftLost(fi)));
            k.push((format!("draft_blocked.{}", f.id), Q::DraftBlocked(fi)));
        }
    }
    for (d, x) in plan.disruptions.iter().enumerate() {
        k.push((format!("disruption_h.{}", x.id), Q::DisruptionHours(d)));
        k.push((format!("recovery_days.{}", x.id), Q::RecoveryDays(d)));
        k.push((format!("unrecovered.{}", x.id), Q::Unrecovered(d)));
        if !plan.twins.is_empty() {
            k.push((format!("recovery_paired_days.{}", x.id), Q::RecoveryPairedDays(d)));
            k.push((format!("unrecovered_paired.{}", x.id), Q::UnrecoveredPaired(d)));
        }
    }
    for (fi, f) in plan.fleets.iter().enumerate() {
        k.push((format!("trips_per_vessel_month.{}", f.id), Q::TripsPerVesselMonth(fi)));
        if f.availability.is_some() {
            k.push((format!("downtime_h.{}", f.id), Q::Downtime(fi)));
            k.push((format!("breakdowns.{}", f.id), Q::Breakdowns(fi)));
            k.push((format!("drydocks.{}", f.id), Q::Drydocks(fi)));
        }
    }
    for part in CostPart::ALL {
        k.push((part.kpi().to_string(), Q::Cost(part)));
    }
    let months = report_months(plan.warmup, plan.horizon);
    let width = month_width(plan.horizon);
    for &cargo in &cargoes {
        let c = cargo.as_str();
        for (m, month) in months.iter().enumerate() {
            let n = month.number;
            k.push((format!("month_delivered.{c}.m{n:0width$}"), Q::MonthDelivered(cargo, m)));
            k.push((format!("month_backlog.{c}.m{n:0width$}"), Q::MonthBacklog(cargo, m)));
            k.push((
                format!("month_service_level.{c}.m{n:0width$}"),
                Q::MonthServiceLevel(cargo, m),
            ));
        }
    }
    k
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kpi::schema::{resolved_unit, unit_text};

    #[test]
    fn the_layout_is_sorted_and_every_kpi_has_a_family_and_unit() {
        let plan = crate::load(crate::BASELINE_TOML, "baseline").unwrap();
        let layout = plan.kpi_layout();
        assert!(layout.names().windows(2).all(|w| w[0] < w[1]), "sorted, unique");
        for (i, name) in layout.names().iter().enumerate() {
            assert_eq!(layout.position(name), Some(i));
            assert!(layout.family(i).is_some_and(|f| f.matches(name)), "{name}");
            assert_eq!(layout.unit(i), resolved_unit(&plan, name), "{name}");
            assert_eq!(layout.unit_text(i), unit_text(&plan, name).unwrap_or_default(), "{name}");
        }
        assert_eq!(layout.position("no_such_kpi"), None);
        assert_eq!(
            layout.unit(layout.position("delivered_total.oil").unwrap()),
            Some(Unit::Tonnes)
        );
    }
}
