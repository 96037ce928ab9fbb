//! Statistics of a replication: the warm-up reset, the KPIs, the cargo
//! conservation check and saturated waiting lines.

use caspian_engine::{SimTime, Tally};

use super::cargo_idx;
use super::histogram::WeightedHistogram;
use super::state::World;
use crate::kpi::Kpis;
use crate::saturation::{SATURATION_MIN_WAITING, SATURATION_SHARE, WaitingLine};
use crate::scenario::Cargo;

impl World<'_> {
    pub(super) fn end_warmup(&mut self, now: SimTime) {
        self.warmup_done = true;
        for p in &mut self.ports {
            for r in &mut p.berths {
                r.reset_stats(now);
            }
        }
        for st in &mut self.stores {
            st.level.reset_stats(now);
        }
        for v in &mut self.vessels {
            v.working.reset(now);
        }
        let c = &mut self.counters;
        c.delivered.iter_mut().for_each(|x| *x = 0);
        c.forwarded.iter_mut().for_each(|x| *x = 0);
        c.shut_in.iter_mut().for_each(|x| *x = 0);
        c.voyages.iter_mut().for_each(|x| *x = 0);
        c.incidents = 0;
        c.detentions = 0;
        c.vessels_lost = 0;
        c.cargo_lost = [0; 2];
        self.transit.iter_mut().for_each(WeightedHistogram::reset);
        self.crossing_h.iter_mut().for_each(Tally::reset);
        self.gate_wait_h.iter_mut().for_each(Tally::reset);
    }

    pub(super) fn conservation_residual(&self) -> [i128; 2] {
        let mut residual = [0i128; 2];
        for (c, r) in residual.iter_mut().enumerate() {
            let l = self.ledger[c];
            let in_storage: u64 = self
                .plan
                .storages
                .iter()
                .zip(&self.stores)
                .filter(|(p, _)| cargo_idx(p.cargo) == c)
                .map(|(_, s)| s.level.level())
                .sum();
            let aboard: u64 = self
                .vessels
                .iter()
                .filter(|v| cargo_idx(self.plan.fleets[v.fleet].cargo) == c)
                .map(|v| v.aboard_units)
                .sum();
            *r = i128::from(l.entered)
                - i128::from(in_storage)
                - i128::from(aboard)
                - i128::from(l.forwarded)
                - i128::from(l.lost);
        }
        residual
    }

    pub(super) fn kpis(&self, now: SimTime) -> Kpis {
        let plan = self.plan;
        let mut k = Kpis::default();
        let start = plan.warmup.min(now);
        for (st, p) in plan.storages.iter().enumerate() {
            k.push(format!("delivered.{}", p.id), self.counters.delivered[st] as f64);
            k.push(format!("storage_mean.{}", p.id), self.stores[st].level.mean_level(now));
            k.push(format!("storage_max.{}", p.id), self.stores[st].level.max_level() as f64);
        }
        for cargo in Cargo::ALL {
            let c = cargo_idx(cargo);
            let delivered: u64 = plan
                .storages
                .iter()
                .enumerate()
                .filter(|(_, p)| p.cargo == cargo)
                .map(|(i, _)| self.counters.delivered[i])
                .sum();
            k.push(format!("delivered_total.{}", cargo.as_str()), delivered as f64);
            k.push(format!("transit_h.{}.mean", cargo.as_str()), self.transit[c].mean());
            k.push(format!("transit_h.{}.p95", cargo.as_str()), self.transit[c].quantile(0.95));
            k.push(format!("cargo_lost.{}", cargo.as_str()), self.counters.cargo_lost[c] as f64);
        }
        for (j, o) in plan.outflows.iter().enumerate() {
            k.push(format!("forwarded.{}", o.id), self.counters.forwarded[j] as f64);
        }
        for (i, f) in plan.inflows.iter().enumerate() {
            k.push(format!("shut_in.{}", f.id), self.counters.shut_in[i] as f64);
            if !f.spill_when_full {
                k.push(format!("gate_wait_h.{}", f.id), self.gate_wait_h[i].mean_or(f64::NAN));
            }
        }
        for (p, port) in plan.ports.iter().enumerate() {
            for (c, class) in crate::scenario::BerthClass::ALL.iter().enumerate() {
                if port.berths[c] == 0 {
                    continue;
                }
                let r = &self.ports[p].berths[c];
                let key = format!("{}.{}", port.id, class.as_str());
                k.push(format!("anchorage_wait_h.{key}"), r.waits().mean_or(f64::NAN));
                k.push(format!("anchorage_queue_mean.{key}"), r.mean_queue_len(now));
                k.push(format!("berth_calls.{key}"), r.waits().count() as f64);
                k.push(format!("berth_utilization.{key}"), r.utilization(now));
            }
            let closed = self.ports[p].closures.closed_time_between(start, now);
            k.push(format!("port_closure_h.{}", port.id), closed.as_hours_f64());
        }
        for (fi, f) in plan.fleets.iter().enumerate() {
            let util: Vec<f64> = self
                .vessels
                .iter()
                .filter(|v| v.fleet == fi)
                .map(|v| v.working.mean(now))
                .collect();
            let mean_util = util.iter().sum::<f64>() / util.len().max(1) as f64;
            k.push(format!("vessel_utilization.{}", f.id), mean_util);
            k.push(format!("voyages.{}", f.id), self.counters.voyages[fi] as f64);
            k.push(format!("crossing_h.{}", f.id), self.crossing_h[fi].mean_or(f64::NAN));
        }
        k.push("incidents".to_string(), self.counters.incidents as f64);
        k.push("detentions".to_string(), self.counters.detentions as f64);
        k.push("vessels_lost".to_string(), self.counters.vessels_lost as f64);
        k.push(
            "corridor_closure_h".to_string(),
            self.corridor.closed_time_between(start, now).as_hours_f64(),
        );
        k.sort();
        k
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
                if grows(r.queue_len(), r.waits().count()) {
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
