//! Waiting for cargo at the anchorage: a vessel holds a berth only for work.
//!
//! A vessel ready to load whose cargo is not there waits at the anchorage,
//! in its loading storage's cargo line (first come, first served), not at
//! a berth. The first vessel in the line is *called* when the storage's
//! unclaimed content would fill it; the units are then claimed for it, so
//! the vessels behind it (and vessels at berth) cannot take them while it
//! waits for a berth and pays its port-call overhead. A vessel whose
//! dispatch deadline passes (`full_or_max_wait`) is called at once for what
//! is there; a timetable vessel is called in time to load a full cargo by
//! its slot. Called vessels ask for a berth like any vessel that has work
//! to do, so `anchorage_wait_h` is the berth wait of ready vessels and
//! `cargo_wait_h` is the wait for cargo.

use caspian_engine::{Scheduler, SimDuration, SimTime};

use super::state::{Ev, World};
use super::{CARGOES, at, hours};
use crate::compile::DispatchPlan;
use crate::trace::VesselPhase as Phase;

impl World<'_> {
    /// Deck room left aboard vessel `v` on a call now: its capacity, or less
    /// where the water is too shallow for a full load
    /// ([`crate::compile::DraftPlan::call_capacity`]), minus what is aboard.
    pub(super) fn room(&self, v: usize, now: SimTime) -> u64 {
        let ves = &self.vessels[v];
        self.plan.draft.call_capacity(ves.fleet, now).saturating_sub(ves.deck_used)
    }

    /// What vessel `v` would load now, hold by hold in deck order: the
    /// unclaimed units of each hold's storage at this port that fit in the
    /// deck room left.
    pub(super) fn fill(&self, v: usize, now: SimTime) -> Fill {
        let ves = &self.vessels[v];
        let mut fill = Fill { take: [0; CARGOES], left: self.room(v, now), full_storages: false };
        let mut smallest = u64::MAX;
        for (p, h) in self.plan.fleets[ves.fleet].holds.iter().enumerate() {
            let Some(st) = h.loads_from(ves.at_origin) else { continue };
            if self.spare_held(h, st) {
                continue;
            }
            let store = &self.stores[st];
            let n = store.unclaimed().min(fill.left / h.deck_units);
            fill.take[p] = n;
            fill.left -= n * h.deck_units;
            if p == 0 {
                // The own cargo's storage decides: full, it cannot grow.
                fill.full_storages = store.level.space() == 0;
            }
            smallest = smallest.min(h.deck_units);
        }
        // The deck is full when not one more unit of any hold fits.
        if fill.left >= smallest {
            fill.full_storages &= fill.take.iter().any(|&n| n > 0);
        } else {
            fill.left = 0;
        }
        fill
    }

    /// Whether hold `h`, of spare room only, may not load from storage `st`
    /// now: a vessel waits for that cargo in the storage's cargo line.
    pub(super) fn spare_held(&self, h: &crate::compile::HoldPlan, st: usize) -> bool {
        h.spare && self.cargo_line_waits(st)
    }

    /// Whether vessel `v`'s load is in its storages now: unclaimed units
    /// that fill its deck, or, for a vessel larger than what its own cargo's
    /// storage can hold, that storage full (it then fills at the berth).
    pub(super) fn cargo_ready(&self, v: usize, now: SimTime) -> bool {
        self.fill(v, now).ready()
    }

    /// Vessel `v`, ready to load from `ves.load_from` and off the berth,
    /// joins the storage's cargo line at the anchorage; its dispatch clock
    /// starts now.
    pub(super) fn wait_for_cargo(&mut self, s: &mut Scheduler<Ev>, v: usize) {
        let now = s.now();
        let room = self.room(v, now);
        let ves = &mut self.vessels[v];
        let f = &self.plan.fleets[ves.fleet];
        ves.cargo_wait_since = now;
        ves.deadline_passed = false;
        ves.called = false;
        match f.dispatch {
            DispatchPlan::WhenFull => {}
            DispatchPlan::FullOrMaxWait(wait) => {
                ves.timer = at(s, now.saturating_add(wait), Ev::LoadTimer(v as u32));
            }
            DispatchPlan::Timetable { interval, offset } => {
                // Called in time to load a full cargo by the slot.
                let slot = next_slot(now, interval, offset);
                let loading = hours(room as f64 / f.load_rate_per_h);
                let call = SimTime::from_ticks(slot.ticks().saturating_sub(loading.ticks()));
                ves.slot = slot;
                ves.timer = at(s, call.max(now), Ev::LoadTimer(v as u32));
            }
        }
        let st = ves.load_from;
        self.set_phase(v, now, Phase::WaitingCargo);
        self.stores[st].cargo_line.push_back(v as u32);
        self.call_loaders(s, st);
    }

    /// Calls the vessels at the head of storage `st`'s cargo line whose
    /// cargo is there, in order; returns whether it called any. Timetable
    /// vessels are called by their clock alone and never hold up the line.
    pub(super) fn call_loaders(&mut self, s: &mut Scheduler<Ev>, st: usize) -> bool {
        let mut called = false;
        let mut i = 0;
        while let Some(&w) = self.stores[st].cargo_line.get(i) {
            let v = w as usize;
            let f = &self.plan.fleets[self.vessels[v].fleet];
            if matches!(f.dispatch, DispatchPlan::Timetable { .. }) {
                i += 1;
                continue;
            }
            let fill = self.fill(v, s.now());
            if !fill.ready() {
                break;
            }
            self.stores[st].cargo_line.remove(i);
            // A vessel larger than its storages also claims what is still
            // to come for its first hold, up to a full deck.
            let mut claims = fill.take;
            claims[0] += fill.left / self.plan.fleets[self.vessels[v].fleet].holds[0].deck_units;
            self.call(s, v, claims);
            called = true;
        }
        called
    }

    /// Vessel `v`, in a cargo line at the anchorage, reaches its max wait
    /// (called for what is there; it sails with it) or its timetable call
    /// time (called to load what comes until its slot).
    pub(super) fn cargo_deadline(&mut self, s: &mut Scheduler<Ev>, v: usize) {
        let ves = &mut self.vessels[v];
        let timetable =
            matches!(self.plan.fleets[ves.fleet].dispatch, DispatchPlan::Timetable { .. });
        let st = ves.load_from;
        self.stores[st].cargo_line.retain(|&w| w as usize != v);
        if timetable {
            // Its loading window: it loads what comes until the slot.
            let slot = self.vessels[v].slot;
            self.vessels[v].timer = at(s, slot.max(s.now()), Ev::LoadTimer(v as u32));
        } else {
            self.vessels[v].deadline_passed = true;
        }
        let claims = self.fill(v, s.now()).take;
        self.call(s, v, claims);
        // The vessels behind it may now be first.
        self.call_loaders(s, st);
    }

    /// Calls vessel `v` to a berth for `claims` units of its holds'
    /// storages (in deck order).
    fn call(&mut self, s: &mut Scheduler<Ev>, v: usize, claims: [u64; CARGOES]) {
        let now = s.now();
        let ves = &mut self.vessels[v];
        ves.called = true;
        for (p, h) in self.plan.fleets[ves.fleet].holds.iter().enumerate() {
            if let Some(st) = h.loads_from(ves.at_origin) {
                ves.holds[p].claim = claims[p];
                self.stores[st].claimed += claims[p];
            }
        }
        let waited = now.saturating_since(ves.cargo_wait_since);
        self.cargo_wait_h[ves.fleet].record(waited.as_hours_f64());
        // On pre-advice a vessel that waited did so at sea: it sails in
        // first (a working phase), and asks for a berth when it arrives.
        match self.plan.fleets[ves.fleet].pre_advice {
            Some(sail_in) if waited.ticks() > 0 && sail_in.ticks() > 0 => {
                self.set_phase(v, now, Phase::Sailing);
                at(s, now.saturating_add(sail_in), Ev::SailIn(v as u32));
            }
            _ => self.request_berth(s, v),
        }
    }

    /// Whether a vessel that is not on a timetable waits in storage `st`'s
    /// cargo line (it has the first claim on what comes).
    pub(super) fn cargo_line_waits(&self, st: usize) -> bool {
        self.stores[st].cargo_line.iter().any(|&w| {
            let f = &self.plan.fleets[self.vessels[w as usize].fleet];
            !matches!(f.dispatch, DispatchPlan::Timetable { .. })
        })
    }

    /// Takes vessel `v` out of every cargo line and gives back what was
    /// claimed for it (it is leaving service). A wait in the cargo line is
    /// recorded with its length so far, as one still in progress at the end
    /// is ([`super::censored`]): a vessel taken away after a long wait does
    /// not make the wait look shorter.
    pub(super) fn forget_cargo_wait(&mut self, v: usize, now: SimTime) {
        let ves = &mut self.vessels[v];
        ves.called = false;
        let st = ves.load_from;
        if let Some(store) = self.stores.get_mut(st)
            && let Some(i) = store.cargo_line.iter().position(|&w| w as usize == v)
        {
            store.cargo_line.remove(i);
            let waited = now.saturating_since(ves.cargo_wait_since);
            self.cargo_wait_h[ves.fleet].record(waited.as_hours_f64());
        }
        for (p, h) in self.plan.fleets[ves.fleet].holds.iter().enumerate() {
            let claim = std::mem::take(&mut ves.holds[p].claim);
            if let Some(st) = h.loads_from(ves.at_origin) {
                self.stores[st].claimed -= claim;
            }
        }
        self.leave_loading_lines(v);
    }

    /// Takes vessel `v`, at berth, out of the lines of vessels waiting there
    /// for cargo (`waiting_loaders`) of every storage its holds load from.
    pub(super) fn leave_loading_lines(&mut self, v: usize) {
        let ves = &self.vessels[v];
        for h in &self.plan.fleets[ves.fleet].holds {
            if let Some(st) = h.loads_from(ves.at_origin) {
                self.stores[st].waiting_loaders.retain(|&w| w as usize != v);
            }
        }
    }

    /// Vessel `v`, at berth and short of its cargo, waits for it in the
    /// `waiting_loaders` line of every storage its holds load from.
    pub(super) fn join_loading_lines(&mut self, v: usize) {
        let ves = &self.vessels[v];
        for h in &self.plan.fleets[ves.fleet].holds {
            if let Some(st) = h.loads_from(ves.at_origin) {
                self.stores[st].waiting_loaders.push_back(v as u32);
            }
        }
    }
}

/// What a vessel would load now ([`World::fill`]).
#[derive(Debug, Clone, Copy)]
pub(super) struct Fill {
    /// Units per hold, in deck order.
    pub(super) take: [u64; CARGOES],
    /// Deck units left over; 0 when not one more unit of any hold fits.
    pub(super) left: u64,
    /// The storage of the vessel's own cargo is full, and it would load
    /// something (a vessel larger than that storage is called then).
    pub(super) full_storages: bool,
}

impl Fill {
    /// The vessel should be called: its deck would be full, or its own
    /// cargo's storage is full.
    pub(super) fn ready(&self) -> bool {
        self.left == 0 || self.full_storages
    }
}

/// The first departure slot at or after `t`.
fn next_slot(t: SimTime, interval: SimDuration, offset: SimDuration) -> SimTime {
    let offset = SimTime::ZERO.saturating_add(offset);
    if t <= offset || interval.ticks() == 0 {
        return offset.max(t);
    }
    let since = t.saturating_since(offset).ticks();
    let k = since.div_ceil(interval.ticks());
    offset.saturating_add(SimDuration::from_ticks(k.saturating_mul(interval.ticks())))
}
