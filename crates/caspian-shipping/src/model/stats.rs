//! Statistics of a replication: the warm-up reset, the KPIs, the cargo
//! conservation check and saturated waiting lines.

use std::sync::Arc;

use caspian_engine::{SimTime, Tally};

use super::availability::per_vessel;
use super::censored::Closing;
use super::histogram::WeightedHistogram;
use super::state::World;
use super::store::UnitHours;
use super::{CARGOES, cargo_idx};
use crate::kpi::Kpis;
use crate::kpi::layout::Quantity;
use crate::saturation::{SATURATION_MIN_WAITING, SATURATION_SHARE, WaitingLine};
use crate::scenario::Cargo;

impl World<'_> {
    pub(super) fn end_warmup(&mut self, now: SimTime) {
        self.warmup_done = true;
        self.counters.in_corridor_at_start = self.in_corridor();
        self.monthly.open(self.counters.in_corridor_at_start);
        for p in &mut self.ports {
            for r in &mut p.berths {
                r.reset_stats(now);
            }
        }
        for st in &mut self.stores {
            st.level.reset_stats(now);
        }
        for g in self.ports.iter_mut().flat_map(|p| &mut p.pools) {
            g.idle.reset(now);
        }
        for v in &mut self.vessels {
            v.working.reset(now);
        }
        let c = &mut self.counters;
        c.delivered.iter_mut().for_each(|x| *x = 0);
        c.forwarded.iter_mut().for_each(|x| *x = 0);
        c.shut_in.iter_mut().for_each(|x| *x = 0);
        c.demand.iter_mut().for_each(|x| *x = 0);
        c.diverted.iter_mut().for_each(|x| *x = 0);
        c.voyages.iter_mut().for_each(|x| *x = 0);
        c.incidents = 0;
        c.detentions = 0;
        c.vessels_lost = 0;
        c.fleet_vessels_lost.iter_mut().for_each(|x| *x = 0);
        // Out of service now and not replaced: lost slots less the
        // replacements that have entered service (each a slot of its own).
        // One due at this very instant is in service when the window
        // opens (its event queued behind this one).
        let planned: usize = self.plan.fleets.iter().map(|f| f.count as usize).sum();
        let lost = |v: &&super::vessel::Vessel| v.phase == crate::trace::VesselPhase::Lost;
        let out = self.vessels.iter().filter(lost).filter(|v| v.back_at != Some(now)).count();
        c.missing_at_start = out.saturating_sub(self.vessels.len() - planned) as u64;
        c.vessels_out.iter_mut().for_each(|x| *x = 0);
        c.port_calls.iter_mut().for_each(|x| *x = 0);
        c.carried.iter_mut().for_each(|x| *x = [0; CARGOES]);
        c.draft.iter_mut().for_each(|x| *x = super::draft::DraftTally::default());
        c.cargo_lost = [0; CARGOES];
        self.transit.iter_mut().for_each(WeightedHistogram::reset);
        self.link_wait.iter_mut().for_each(|w| *w = UnitHours::default());
        self.crossing_h.iter_mut().for_each(Tally::reset);
        self.costing.reset(now);
        self.escorts.reset(now);
        self.cargo_wait_h.iter_mut().for_each(Tally::reset);
        self.space_wait_h.iter_mut().for_each(Tally::reset);
        self.gate_wait_h.iter_mut().for_each(Tally::reset);
    }

    pub(super) fn conservation_residual(&self) -> [i128; CARGOES] {
        let mut residual = [0i128; CARGOES];
        for (c, r) in residual.iter_mut().enumerate() {
            let l = self.ledger[c];
            let in_storage: u128 = self
                .plan
                .storages
                .iter()
                .zip(&self.stores)
                .filter(|(p, _)| cargo_idx(p.cargo) == c)
                .map(|(_, s)| u128::from(s.level.level()))
                .sum();
            let aboard: u128 = self
                .vessels
                .iter()
                .flat_map(|v| self.plan.fleets[v.fleet].holds.iter().zip(&v.holds))
                .filter(|(h, _)| cargo_idx(h.cargo) == c)
                .map(|(_, hold)| u128::from(hold.units))
                .sum();
            // Every sum is below 2^127 (see `Counters`), so none saturates.
            let signed = |x: u128| i128::try_from(x).unwrap_or(i128::MAX);
            *r = signed(l.entered)
                - signed(in_storage)
                - signed(aboard)
                - signed(l.forwarded)
                - signed(l.lost);
        }
        residual
    }

    /// The KPIs at `now`, in the order of the plan's [`crate::kpi::KpiLayout`].
    pub(super) fn kpis(&self, now: SimTime) -> Kpis {
        let layout = self.plan.kpi_layout();
        let start = self.plan.warmup.min(now);
        let closing = self.closing(now);
        let months = self.month_values(now, closing.demand, closing.in_corridor);
        let costs = self.cost_kpis(now, start, &closing);
        let values = layout
            .quantities()
            .map(|q| match q {
                Quantity::MonthDelivered(cargo, m) => months[m][cargo_idx(cargo)].delivered,
                Quantity::MonthBacklog(cargo, m) => months[m][cargo_idx(cargo)].backlog,
                Quantity::MonthServiceLevel(cargo, m) => months[m][cargo_idx(cargo)].service_level,
                Quantity::Cost(part) => costs[super::costing::cost_index(part)],
                _ => self.kpi(q, now, start, &closing),
            })
            .collect();
        Kpis::new(Arc::clone(layout), values)
    }

    /// Units of `cargo` accepted into storages from vessels in the window.
    fn delivered_total(&self, cargo: Cargo) -> u128 {
        self.delivered_by_cargo()[cargo_idx(cargo)]
    }

    /// Tonnes of `cargo` accepted into storages from vessels in the window:
    /// the units times the cargo's `tonnes_per_unit`.
    fn delivered_t(&self, cargo: Cargo) -> f64 {
        self.delivered_total(cargo) as f64 * self.plan.tonnes_per_unit[cargo_idx(cargo)]
    }

    /// The value of one KPI at `now`; statistics run from `start` (the end
    /// of warm-up, or `now` if the run stopped before it). Transits and
    /// waits come from `closing`: those still in progress count with their
    /// age at `now` (see [`super::censored`]).
    fn kpi(&self, q: Quantity, now: SimTime, start: SimTime, closing: &Closing) -> f64 {
        let berths = |p: usize, c: usize| &self.ports[p].berths[c];
        match q {
            Quantity::Delivered(st) => self.counters.delivered[st] as f64,
            Quantity::StorageMean(st) => self.stores[st].level.mean_level(now),
            Quantity::StorageMax(st) => self.stores[st].level.max_level() as f64,
            Quantity::PeakBacklog(st) => self.stores[st].level.peak_backlog() as f64,
            Quantity::DeliveredTotal(cargo) => self.delivered_total(cargo) as f64,
            Quantity::DeliveredTonnes(cargo) => self.delivered_t(cargo),
            Quantity::DeliveredTonnesTotal => {
                Cargo::ALL.into_iter().map(|c| self.delivered_t(c)).sum()
            }
            Quantity::TransitMean(cargo) => closing.transit[cargo_idx(cargo)].mean(),
            Quantity::TransitP95(cargo) => closing.transit[cargo_idx(cargo)].quantile(0.95),
            Quantity::CargoLost(cargo) => self.counters.cargo_lost[cargo_idx(cargo)] as f64,
            Quantity::ServiceLevel(cargo) => {
                let c = cargo_idx(cargo);
                let owed = self.counters.in_corridor_at_start[c] + closing.demand[c];
                let delivered = self.delivered_total(cargo);
                if owed == 0 { f64::NAN } else { delivered as f64 / owed as f64 }
            }
            Quantity::BacklogEnd(cargo) => closing.in_corridor[cargo_idx(cargo)] as f64,
            Quantity::DivertedTotal(cargo) => closing.diverted[cargo_idx(cargo)] as f64,
            Quantity::ShutInTotal(cargo) => {
                self.corridor_sum(&self.counters.shut_in)[cargo_idx(cargo)] as f64
            }
            Quantity::Demand(i) => self.counters.demand[i] as f64,
            Quantity::Forwarded(j) => self.counters.forwarded[j] as f64,
            Quantity::LinkUtilization(j) => self.link_utilization(j, start, now),
            Quantity::ShutIn(i) => self.counters.shut_in[i] as f64,
            Quantity::Diverted(i) => self.counters.diverted[i] as f64,
            Quantity::GateWait(i) => closing.gate_wait_h[i].mean_or(f64::NAN),
            Quantity::AnchorageWait(p, c) => closing.anchorage_wait_h[p][c].mean_or(f64::NAN),
            Quantity::AnchorageQueue(p, c) => berths(p, c).mean_queue_len(now),
            Quantity::BerthCalls(p, c) => berths(p, c).grants() as f64,
            Quantity::BerthUtilization(p, c) if !self.ports[p].pools.is_empty() => {
                self.class_utilization(p, c, now)
            }
            Quantity::BerthUtilization(p, c) => berths(p, c).utilization(now),
            Quantity::PortCalls(p) => self.counters.port_calls[p] as f64,
            Quantity::PortClosure(p) => {
                self.ports[p].closures.closed_time_between(start, now).as_hours_f64()
            }
            Quantity::VesselUtilization(fi) => {
                // Per vessel of the plan: a vessel out of service and its
                // replacement share one vessel's time (each is idle while
                // the other serves).
                let working: f64 = self
                    .vessels
                    .iter()
                    .filter(|v| v.fleet == fi)
                    .map(|v| v.working.mean(now))
                    .sum();
                per_vessel(working, self.plan.fleets[fi].count)
            }
            Quantity::Voyages(fi) => self.counters.voyages[fi] as f64,
            Quantity::Carried(fi, p) => self.counters.carried[fi][p] as f64,
            Quantity::Crossing(fi) => self.crossing_h[fi].mean_or(f64::NAN),
            Quantity::CargoWait(fi) => closing.cargo_wait_h[fi].mean_or(f64::NAN),
            Quantity::LinkWait(st) => closing.link_wait[st].mean(),
            Quantity::SpaceWait(fi) => closing.space_wait_h[fi].mean_or(f64::NAN),
            Quantity::Incidents => self.counters.incidents as f64,
            Quantity::Detentions => self.counters.detentions as f64,
            Quantity::VesselsLost => self.counters.vessels_lost as f64,
            Quantity::FleetVesselsLost(fi) => self.counters.fleet_vessels_lost[fi] as f64,
            Quantity::VesselsMissingAtStart => self.counters.missing_at_start as f64,
            Quantity::EscortUtilization => self.escorts.utilization(start, now),
            Quantity::EscortWait => self.escorts.mean_wait_h(now),
            Quantity::ConvoyWait => self.mean_convoy_wait_h(now),
            Quantity::CorridorClosure => {
                self.corridor.closed_time_between(start, now).as_hours_f64()
            }
            Quantity::LoadFactor(fi) => self.draft_kpis(fi).0,
            Quantity::DraftLost(fi) => self.draft_kpis(fi).1,
            Quantity::DraftBlocked(fi) => self.draft_kpis(fi).2,
            Quantity::VesselsOut(fi) => self.counters.vessels_out[fi] as f64,
            Quantity::DisruptionHours(d) => {
                self.disruptions.active[d].closed_time_between(start, now).as_hours_f64()
            }
            Quantity::RecoveryDays(d) => self.disruptions.recovery.longest(d, start, false).0,
            Quantity::Unrecovered(d) => self.disruptions.recovery.longest(d, start, false).1 as f64,
            Quantity::RecoveryPairedDays(d) => self.disruptions.recovery.longest(d, start, true).0,
            Quantity::UnrecoveredPaired(d) => {
                self.disruptions.recovery.longest(d, start, true).1 as f64
            }
            Quantity::TripsPerVesselMonth(fi) => self.trips_per_vessel_month(fi, start, now),
            Quantity::Downtime(fi) => self.downtime_h(fi, start, now),
            Quantity::Breakdowns(fi) => self.stops_begun(fi, false, start),
            Quantity::Drydocks(fi) => self.stops_begun(fi, true, start),
            // Taken from the closed months and the costs in `kpis`.
            Quantity::MonthDelivered(..)
            | Quantity::MonthBacklog(..)
            | Quantity::MonthServiceLevel(..)
            | Quantity::Cost(..) => f64::NAN,
        }
    }
}

impl World<'_> {
    /// The waiting lines that look unbounded at the end of the run (see
    /// [`Replication::saturated`]).
    pub(super) fn saturated_lines(&self) -> Vec<WaitingLine> {
        let grows = |waiting: usize, served: u64| {
            waiting >= SATURATION_MIN_WAITING
                && waiting as f64 > SATURATION_SHARE * (served as f64 + waiting as f64)
        };
        let mut lines = Vec::new();
        for (p, port) in self.plan.ports.iter().enumerate() {
            for (c, class) in crate::scenario::BerthClass::ALL.iter().enumerate() {
                let r = &self.ports[p].berths[c];
                if grows(r.queue_len(), r.grants()) {
                    lines.push(WaitingLine::Anchorage { port: port.id.clone(), class: *class });
                }
            }
        }
        for (st, storage) in self.plan.storages.iter().enumerate() {
            let admitted: u64 = self
                .plan
                .inflows
                .iter()
                .enumerate()
                .filter(|(_, f)| f.into == st)
                .map(|(i, _)| self.gate_wait_h[i].count())
                .sum();
            if grows(self.stores[st].level.waiting_puts(), admitted) {
                lines.push(WaitingLine::Gate { storage: storage.id.clone() });
            }
        }
        lines
    }
}
