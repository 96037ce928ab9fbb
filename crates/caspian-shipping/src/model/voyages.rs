//! A fleet vessel's round: arriving at an anchorage, berthing, discharging,
//! loading (by dispatch policy), leaving the berth, convoys, and the crossing
//! with its incident, detention and loss draws. Waiting for cargo happens
//! off the berth, in [`super::cargo_line`]; waiting for room to discharge
//! into, in [`super::space_line`].

use caspian_engine::{Request, Scheduler, SimDuration, SimTime};
use rand::RngExt;

use super::state::{Ev, Occupant, World};
use super::store::{Cohort, drop_cohorts, move_cohorts, push_cohort};
use super::vessel::Detention;
use super::{CARGOES, at, cargo_idx, first_open, hours};
use crate::compile::{DispatchPlan, HoldPlan, class_index};
use crate::trace::VesselPhase as Phase;

impl World<'_> {
    /// Moves vessel `v` into `phase`, and its working statistic with it.
    pub(super) fn set_phase(&mut self, v: usize, now: SimTime, phase: Phase) {
        let ves = &mut self.vessels[v];
        let was_sailing = ves.phase == Phase::Sailing;
        let was_working = ves.phase.working();
        ves.phase = phase;
        // Setting the same value again would change nothing: the areas are
        // whole tick counts times 0 or 1, summed exactly either way.
        if phase.working() != was_working {
            ves.working.set(now, if phase.working() { 1.0 } else { 0.0 });
        }
        let sailing = phase == Phase::Sailing;
        if sailing != was_sailing {
            let fleet = ves.fleet;
            self.costing.at_sea[fleet].add(now, if sailing { 1.0 } else { -1.0 });
        }
    }

    pub(super) fn on_arrive(&mut self, s: &mut Scheduler<Ev>, v: usize) {
        let ves = &self.vessels[v];
        let f = &self.plan.fleets[ves.fleet];
        // Work to do at a berth: cargo to discharge, or a return leg to load
        // (which takes what is there). Else, empty, it first takes any
        // maintenance that has fallen due (and arrives again after it); then,
        // at its origin, it waits for its cargo at the anchorage and asks for
        // a berth when called, and at its destination, with no return cargo,
        // it sails back in ballast without berthing (a vessel back from a
        // repair taken there after discharging, or one that sailed empty).
        let has_work = ves.deck_used > 0 || (!ves.at_origin && f.return_load_from.is_some());
        // Back from maintenance it never left the port: the same call.
        if ves.phase != Phase::Maintenance {
            self.counters.port_calls[ves.port] += 1;
        }
        if !has_work && self.begin_downtime_if_due(s, v) {
            return;
        }
        let ves = &mut self.vessels[v];
        ves.overhead_paid = false;
        ves.called = false;
        ves.deadline_passed = false;
        if ves.deck_used > 0 {
            self.arrive_laden(s, v);
        } else if has_work {
            self.request_berth(s, v);
        } else if !ves.at_origin {
            self.leave_berth(s, v);
        } else {
            ves.load_from = f.load_from;
            self.wait_for_cargo(s, v);
        }
    }

    /// Vessel `v`, with work to do, asks for a berth (at the anchorage).
    pub(super) fn request_berth(&mut self, s: &mut Scheduler<Ev>, v: usize) {
        let now = s.now();
        self.set_phase(v, now, Phase::Anchorage);
        let ves = &self.vessels[v];
        let f = &self.plan.fleets[ves.fleet];
        let class = class_index(f.berth_class);
        match self.ports[ves.port].berths[class].request(
            now,
            Occupant::Vessel(v as u32),
            f.berth_priority,
        ) {
            Request::Granted => self.berth_start(s, v),
            Request::Queued(ticket) => {
                self.vessels[v].berth_ticket = Some(ticket);
                let port = self.vessels[v].port;
                self.rebalance_shared(s, port);
            }
        }
    }

    pub(super) fn berth_start(&mut self, s: &mut Scheduler<Ev>, v: usize) {
        let now = s.now();
        self.set_phase(v, now, Phase::Discharging);
        let fleet = self.vessels[v].fleet;
        let f = &self.plan.fleets[fleet];
        // Paid once per port call, not again after a shift to the anchorage.
        let overhead = if self.vessels[v].overhead_paid {
            SimDuration::ZERO
        } else {
            hours(f.overhead.sample(&mut self.vessel_rng[fleet]))
        };
        let ves = &mut self.vessels[v];
        ves.overhead_paid = true;
        ves.holds_berth = true;
        ves.berth_ticket = None;
        ves.handling_clock = now.saturating_add(overhead);
        if ves.deck_used == 0 {
            let t = ves.handling_clock;
            at(s, t, Ev::DischargeDone(v as u32));
            return;
        }
        ves.to_discharge = ves.deck_used;
        if !self.discharge_step(s, v) {
            self.set_phase(v, now, Phase::WaitingSpace);
            let st = self.vessels[v].discharge_into;
            self.stores[st].waiting_dischargers.push_back(v as u32);
        }
        self.settle_discharged(s, v, None);
    }

    /// Settles every storage vessel `v` loads from on this call, but `skip`
    /// (the one being settled already): a take may have let trains in at
    /// their gates.
    pub(super) fn settle_loaded(&mut self, s: &mut Scheduler<Ev>, v: usize, skip: Option<usize>) {
        self.settle_holds(s, v, skip, HoldPlan::loads_from);
    }

    /// Settles every storage vessel `v` discharges into on this call, but
    /// `skip` (the one being settled already).
    pub(super) fn settle_discharged(
        &mut self,
        s: &mut Scheduler<Ev>,
        v: usize,
        skip: Option<usize>,
    ) {
        self.settle_holds(s, v, skip, HoldPlan::discharges_into);
    }

    /// Settles the storage `storage_of` each of vessel `v`'s holds names at
    /// its port, but `skip`. Inlined into its two callers, so `storage_of`
    /// is a direct call.
    #[inline(always)]
    fn settle_holds(
        &mut self,
        s: &mut Scheduler<Ev>,
        v: usize,
        skip: Option<usize>,
        storage_of: fn(&HoldPlan, bool) -> Option<usize>,
    ) {
        let (plan, fleet, at_origin) =
            (self.plan, self.vessels[v].fleet, self.vessels[v].at_origin);
        for h in &plan.fleets[fleet].holds {
            if let Some(st) = storage_of(h, at_origin)
                && Some(st) != skip
            {
                self.settle(s, st);
            }
        }
    }

    /// Discharges as much as fits, hold by hold in deck order; a hold whose
    /// storage is full stops it there (`discharge_into` names that storage).
    /// Returns true when the vessel is empty (and schedules `DischargeDone`).
    pub(super) fn discharge_step(&mut self, s: &mut Scheduler<Ev>, v: usize) -> bool {
        let now = s.now();
        let ves = &mut self.vessels[v];
        let f = &self.plan.fleets[ves.fleet];
        for (p, h) in f.holds.iter().enumerate() {
            let hold = &mut ves.holds[p];
            if hold.units == 0 {
                continue;
            }
            // Compiled: cargo loaded on a leg has a storage at its end.
            let Some(st) = h.discharges_into(ves.at_origin) else { continue };
            ves.discharge_into = st;
            let accepted = self.stores[st].level.offer(now, hold.units);
            if accepted > 0 {
                // The room it was called for (see `space_line`).
                let used = hold.room_claim.min(accepted);
                hold.room_claim -= used;
                self.stores[st].room_claimed -= used;
                let transit = &mut self.transit[cargo_idx(h.cargo)];
                self.costing.calm_unit_h[cargo_idx(h.cargo)] +=
                    accepted as f64 * f.crossing.as_hours_f64();
                let mut record = |c: Cohort| {
                    transit.record(now.saturating_since(c.arrived).as_hours_f64(), c.amount as f64);
                };
                let cohorts = &mut self.stores[st].cohorts;
                if self.origin[st] {
                    // Relayed into a storage another fleet loads from: still
                    // in the corridor, it keeps the time it entered, and is
                    // delivered (its transit recorded) where it leaves it.
                    move_cohorts(&mut hold.cohorts, cohorts, accepted, |_| {});
                } else {
                    // Delivered: from now on it waits for its hinterland link.
                    drop_cohorts(&mut hold.cohorts, accepted, &mut record);
                    push_cohort(cohorts, Cohort { arrived: now, amount: accepted });
                }
                hold.units -= accepted;
                ves.deck_used -= accepted * h.deck_units;
                self.counters.delivered[st] += u128::from(accepted);
                self.counters.carried[ves.fleet][p] += u128::from(accepted);
            }
            if hold.units > 0 {
                return false;
            }
        }
        let done = ves
            .handling_clock
            .saturating_add(hours(ves.to_discharge as f64 / f.discharge_rate_per_h));
        ves.handling_clock = done.max(now);
        let t = ves.handling_clock;
        if ves.phase == Phase::WaitingSpace {
            self.set_phase(v, now, Phase::Discharging);
        }
        at(s, t, Ev::DischargeDone(v as u32));
        true
    }

    pub(super) fn on_discharge_done(&mut self, s: &mut Scheduler<Ev>, v: usize) {
        // Due maintenance is taken here, empty at berth, unless the vessel
        // was called for cargo claimed for it (it loads it first; an empty
        // vessel arriving at its origin takes it in `on_arrive`).
        if !self.vessels[v].called && self.begin_downtime_if_due(s, v) {
            return;
        }
        let now = s.now();
        let ves = &mut self.vessels[v];
        let f = &self.plan.fleets[ves.fleet];
        let source = if ves.at_origin { Some(f.load_from) } else { f.return_load_from };
        let Some(st) = source else {
            at(s, now, Ev::LoadDone(v as u32));
            return;
        };
        ves.load_from = st;
        let outbound = ves.at_origin;
        if outbound && !ves.called {
            // Discharged at its origin: it loads at this berth only if its
            // cargo is there and no vessel waits for it first; else it
            // shifts to the anchorage to wait (a timetable vessel always
            // does, to be called by its clock).
            let timetable = matches!(f.dispatch, DispatchPlan::Timetable { .. });
            let (fleet, port, class) = (ves.fleet, ves.port, class_index(f.berth_class));
            if !timetable && !self.cargo_line_waits(st) && self.cargo_ready(v, now) {
                self.cargo_wait_h[fleet].record(0.0);
            } else {
                self.vessels[v].holds_berth = false;
                self.release_berth(s, port, class);
                self.wait_for_cargo(s, v);
                return;
            }
        }
        let ves = &mut self.vessels[v];
        ves.called = false;
        ves.load_start = now;
        ves.loaded = 0;
        self.set_phase(v, now, Phase::Loading);
        if self.load_step(s, v) {
            self.settle_loaded(s, v, None);
            return;
        }
        if !outbound || self.vessels[v].deadline_passed {
            // The return leg, or a vessel past its deadline: takes what is
            // there and goes.
            self.finish_loading(s, v);
            self.settle_loaded(s, v, None);
            return;
        }
        // Short of its cargo (a hinterland link took part of it) or loading
        // up to its timetable slot: it waits at the berth.
        if self.vessels[v].phase == Phase::Loading {
            self.set_phase(v, now, Phase::WaitingCargo);
            self.join_loading_lines(v);
        }
        self.settle_loaded(s, v, None);
    }

    /// Loads what is available and not claimed for another vessel (its own
    /// claims included), hold by hold in deck order. Returns true when the
    /// vessel stops waiting for cargo (full; it then leaves the lines of
    /// vessels waiting at berth), false when it should keep waiting.
    pub(super) fn load_step(&mut self, s: &mut Scheduler<Ev>, v: usize) -> bool {
        let now = s.now();
        let mut left = self.room(v, now);
        let f = &self.plan.fleets[self.vessels[v].fleet];
        let at_origin = self.vessels[v].at_origin;
        // A take lets trains in at its storage's gate at once, and their
        // cohorts are written when that storage is next settled. A mixed
        // deck loads from several storages, one of which (not the one being
        // settled) may have let trains in at an earlier take of this
        // instant: their cohorts are written first, so that every unit
        // taken below has one (found by a random scenario in CI).
        if f.holds.len() > 1 {
            for h in &f.holds {
                if let Some(st) = h.loads_from(at_origin) {
                    self.admit_gate(now, st);
                }
            }
        }
        let mut held = [false; CARGOES];
        for (p, h) in f.holds.iter().enumerate() {
            held[p] = h.loads_from(at_origin).is_some_and(|st| self.spare_held(h, st));
        }
        let ves = &mut self.vessels[v];
        // Deck units claimed, taken, and the smallest unit that could load.
        let (mut own, mut taken, mut smallest) = (0, 0, u64::MAX);
        for (p, h) in f.holds.iter().enumerate() {
            let Some(st) = h.loads_from(ves.at_origin) else { continue };
            let hold = &mut ves.holds[p];
            let store = &mut self.stores[st];
            let claim = std::mem::take(&mut hold.claim);
            store.claimed -= claim;
            // A spare hold held back gives its claim up and waits for nothing.
            if held[p] {
                continue;
            }
            own += claim * h.deck_units;
            smallest = smallest.min(h.deck_units);
            let n = store.level.take_up_to(now, (left / h.deck_units).min(store.unclaimed()));
            if n > 0 {
                move_cohorts(&mut store.cohorts, &mut hold.cohorts, n, |_| {});
                hold.units += n;
                let deck = n * h.deck_units;
                ves.deck_used += deck;
                ves.loaded += deck;
                left -= deck;
                taken += deck;
            }
        }
        let timetable = matches!(f.dispatch, DispatchPlan::Timetable { .. });
        // Full, or it has what it was called for (its room may have grown
        // since, with the water level: it does not wait at the berth for that).
        let full = left < smallest || (!timetable && own > 0 && taken >= own);
        if full {
            self.leave_loading_lines(v);
        }
        if self.vessels[v].at_origin && timetable {
            if full {
                // Full: the loading time runs (working), then, at `LoadDone`,
                // the vessel waits for the slot (idle) unless it has come.
                self.schedule_load_done(s, v);
                return true;
            }
            return false;
        }
        if full {
            self.finish_loading(s, v);
            return true;
        }
        false
    }

    /// Loading is over (whatever the vessel's wait): no more waiting for
    /// cargo or a slot; sail once the loading time has passed.
    pub(super) fn finish_loading(&mut self, s: &mut Scheduler<Ev>, v: usize) {
        if let Some(key) = self.vessels[v].timer.take() {
            s.cancel(key);
        }
        self.schedule_load_done(s, v);
    }

    /// `LoadDone` when the loading time is over: at `load_start` + loaded /
    /// rate, or now if that has passed (the wait for cargo overlapped it).
    pub(super) fn schedule_load_done(&mut self, s: &mut Scheduler<Ev>, v: usize) {
        let now = s.now();
        let ves = &self.vessels[v];
        let f = &self.plan.fleets[ves.fleet];
        let done = ves.load_start.saturating_add(hours(ves.loaded as f64 / f.load_rate_per_h));
        self.set_phase(v, now, Phase::ReadyToSail);
        at(s, done.max(now), Ev::LoadDone(v as u32));
    }

    pub(super) fn on_load_timer(&mut self, s: &mut Scheduler<Ev>, v: usize) {
        let ves = &mut self.vessels[v];
        ves.timer = None;
        match ves.phase {
            // Loaded before the slot and waiting for it: the slot has come.
            Phase::WaitingSlot => self.leave_berth(s, v),
            // At the anchorage waiting for cargo: called for what is there.
            Phase::WaitingCargo if !ves.holds_berth => self.cargo_deadline(s, v),
            // At berth still waiting for cargo: sail with what is aboard.
            Phase::WaitingCargo | Phase::Loading => {
                self.leave_loading_lines(v);
                self.finish_loading(s, v);
            }
            // Full with loading time left (`LoadDone` will sail it), or gone.
            Phase::ReadyToSail | Phase::Lost => {}
            // Called and on its way to loading (waiting for a berth, or its
            // overhead at berth): it takes what is there when it loads.
            _ => ves.deadline_passed = true,
        }
    }

    pub(super) fn on_load_done(&mut self, s: &mut Scheduler<Ev>, v: usize) {
        if self.vessels[v].timer.is_some() {
            // A timetable vessel loaded before its slot waits for it at the berth.
            self.set_phase(v, s.now(), Phase::WaitingSlot);
            return;
        }
        self.leave_berth(s, v);
    }

    /// Counts everything aboard vessel `v` lost, hold by hold, and empties it.
    pub(super) fn lose_cargo_aboard(&mut self, v: usize) {
        let ves = &mut self.vessels[v];
        for (h, hold) in self.plan.fleets[ves.fleet].holds.iter().zip(&mut ves.holds) {
            let cargo = cargo_idx(h.cargo);
            self.counters.cargo_lost[cargo] += u128::from(hold.units);
            self.ledger[cargo].lost += u128::from(hold.units);
            hold.cohorts.clear();
            hold.units = 0;
        }
        ves.deck_used = 0;
    }

    /// Loaded and ready (or empty with nothing to load, at the anchorage):
    /// serve a dated detention owed, join a convoy (escorts, for a fleet
    /// escorted) or depart.
    pub(super) fn leave_berth(&mut self, s: &mut Scheduler<Ev>, v: usize) {
        if let Some(detention) = self.vessels[v].detain_next.take() {
            self.serve_detention(s, v, detention);
            return;
        }
        if self.plan.interdiction.escort.is_some()
            && self.plan.fleets[self.vessels[v].fleet].escorted
        {
            self.join_convoy(s, v);
        } else {
            self.try_depart(s, v);
        }
    }

    /// Holds vessel `v`, its port call over, for the dated detention it owes:
    /// off its berth, with its cargo, idle. When it ends the vessel leaves
    /// as it would have ([`Self::leave_berth`]): closures, convoys and the
    /// crossing's incident draw come at the real sailing.
    fn serve_detention(&mut self, s: &mut Scheduler<Ev>, v: usize, detention: Detention) {
        let now = s.now();
        self.counters.detentions += 1;
        let ves = &mut self.vessels[v];
        ves.serving_detention = Some(detention);
        let length = detention.length;
        let (port, fleet) = (ves.port, ves.fleet);
        if std::mem::take(&mut ves.holds_berth) {
            self.release_berth(s, port, class_index(self.plan.fleets[fleet].berth_class));
        }
        self.set_phase(v, now, Phase::Detained);
        let end = now.saturating_add(length);
        if end < self.plan.horizon {
            at(s, end, Ev::TryDepart(v as u32));
        }
    }

    pub(super) fn on_try_depart(&mut self, s: &mut Scheduler<Ev>, v: usize) {
        if let Some(detention) = self.vessels[v].serving_detention.take() {
            // A dated detention in port is over: the call ends.
            self.detention_over(s, detention);
            self.leave_berth(s, v);
        } else if self.vessels[v].phase == Phase::Detained {
            // The detention is over: the crossing starts (its arrival is
            // already scheduled).
            self.set_phase(v, s.now(), Phase::Sailing);
        } else {
            self.try_depart(s, v);
        }
    }

    pub(super) fn try_depart(&mut self, s: &mut Scheduler<Ev>, v: usize) {
        let now = s.now();
        let (port, fleet) = (self.vessels[v].port, self.vessels[v].fleet);
        let route = &self.disruptions.route_closures[fleet];
        let t = first_open(now, &[&self.ports[port].closures, &self.corridor, route]);
        if t > now {
            // Ready but held (at the berth, or at the anchorage if it holds
            // none) by a closed port or corridor: idle.
            self.set_phase(v, now, Phase::Held);
            // A closure clipped at the horizon "ends" there: no sailing at that instant.
            if t < self.plan.horizon {
                at(s, t, Ev::TryDepart(v as u32));
            }
        } else {
            self.depart(s, v, false);
        }
    }

    /// Schedules the replacement of vessel `v`, lost at sea now, after its
    /// fleet's next lead time (`interdiction.replacement_days`), if lost
    /// vessels are replaced and it enters service by the horizon.
    fn replace_lost(&mut self, s: &mut Scheduler<Ev>, v: usize) {
        let Some(lead) = &self.plan.interdiction.replacement else { return };
        let days = lead.sample(&mut self.replacement_rng[self.vessels[v].fleet]);
        let back = s.now().saturating_add(SimDuration::from_ticks(
            crate::timeline::ticks_saturating(days, caspian_engine::TICKS_PER_DAY),
        ));
        if back <= self.plan.horizon {
            self.replace_at(s, v, back);
        }
    }

    pub(super) fn depart(&mut self, s: &mut Scheduler<Ev>, v: usize, escorted: bool) {
        let now = s.now();
        let fleet = self.vessels[v].fleet;
        let f = &self.plan.fleets[fleet];
        if self.vessels[v].holds_berth {
            self.vessels[v].holds_berth = false;
            self.release_berth(s, self.vessels[v].port, class_index(f.berth_class));
        }
        let risk = &self.plan.interdiction;
        // The route's own risk where it has one, else the scenario's.
        let p_incident = f.incident_probability.unwrap_or(risk.incident_probability);
        let p_loss = f.loss_probability.unwrap_or(risk.loss_probability);
        // Three draws per crossing of a route with any risk, whatever happens,
        // keep the fleet's stream aligned across policies (common random
        // numbers); a route without risk (fixed for the run) uses none of them,
        // and the stream is this fleet's alone, so it skips them.
        let (u_incident, u_loss, detention) = if p_incident > 0.0 {
            let rng = &mut self.interdiction_rng[fleet];
            let u_incident: f64 = rng.random();
            let u_loss: f64 = rng.random();
            (u_incident, u_loss, hours(risk.detention.sample(rng)))
        } else {
            (1.0, 1.0, SimDuration::ZERO)
        };
        let factor = if escorted { risk.escort.map_or(1.0, |e| e.incident_factor) } else { 1.0 };
        let incident = u_incident < p_incident * factor;
        self.record_draft_departure(v, now);
        let ves = &mut self.vessels[v];
        let (from, to) =
            if ves.at_origin { (f.origin, f.destination) } else { (f.destination, f.origin) };
        self.counters.voyages[fleet] += 1;
        if incident {
            self.counters.incidents += 1;
            if u_loss < p_loss {
                self.counters.vessels_lost += 1;
                self.counters.fleet_vessels_lost[fleet] += 1;
                self.lose_cargo_aboard(v);
                self.forget_detentions(s, v);
                self.set_phase(v, now, Phase::Lost);
                self.replace_lost(s, v);
                return;
            }
            self.counters.detentions += 1;
        }
        let delay = if incident { detention } else { SimDuration::ZERO };
        // Storms in the destination's sea area slow the crossing in proportion
        // to the stormy share of its nominal duration.
        let area = self.plan.ports[to].sea_area.or(self.plan.ports[from].sea_area);
        let start = now.saturating_add(delay);
        let mut crossing = f.crossing;
        if let Some(a) = area {
            let slow = self.plan.sea_areas[a].storm_crossing_slowdown;
            if slow > 1.0 {
                let stormy = self.area_storms[a].closed_time_between_hinted(
                    &mut self.storm_hint[a],
                    start,
                    start.saturating_add(f.crossing),
                );
                let extra = hours(stormy.as_hours_f64() * (slow - 1.0));
                crossing = crossing.checked_add(extra).unwrap_or(crossing);
            }
        }
        self.crossing_h[fleet].record(crossing.as_hours_f64());
        let ves = &mut self.vessels[v];
        ves.port = to;
        ves.at_origin = !ves.at_origin;
        if incident {
            // Detained before the crossing: idle until the detention ends.
            self.set_phase(v, now, Phase::Detained);
            at(s, start, Ev::TryDepart(v as u32));
        } else {
            self.set_phase(v, now, Phase::Sailing);
        }
        at(s, start.saturating_add(crossing), Ev::Arrive(v as u32));
    }
}
