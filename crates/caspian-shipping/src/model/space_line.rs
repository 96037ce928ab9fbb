//! Waiting for room at the anchorage: a laden vessel berths only when its
//! cargo can go ashore.
//!
//! The mirror of [`super::cargo_line`]. A vessel that arrives with cargo to
//! discharge asks for a berth only when the storages it discharges into
//! have unclaimed room for what it carries, hold by hold (or, for a hold
//! larger than its storage's usable capacity, room for a full storage) and
//! no trains wait at their gates (they go first). Otherwise it waits at the
//! anchorage in the space line of its first laden hold's storage, first
//! come, first served. The first vessel in a line is *called* when that
//! room is there; the room is then claimed for it, so the vessels behind it
//! cannot be called for the same room while it waits for a berth and pays
//! its port-call overhead. `space_wait_h` is this wait; the berth wait that
//! follows is `anchorage_wait_h`.
//!
//! A vessel still waits for room at its berth (`WaitingSpace`, holding the
//! berth) only where room it was called for went elsewhere first: a hold
//! larger than its storage, trains at the gate, or capacity taken out of
//! service by a disruption after the call.

use caspian_engine::{Scheduler, SimTime};

use super::CARGOES;
use super::state::{Ev, World};
use crate::trace::VesselPhase as Phase;

impl World<'_> {
    /// Vessel `v`, laden, has arrived: it asks for a berth with its room
    /// claimed, or joins the space line at the anchorage.
    pub(super) fn arrive_laden(&mut self, s: &mut Scheduler<Ev>, v: usize) {
        let now = s.now();
        self.vessels[v].space_wait_since = now;
        // First come, first served: a vessel already waiting for room in
        // any storage it discharges into goes first.
        let behind = self.waiting_for_room > 0 && self.space_line_waits_for(v);
        if !behind && let Some(needs) = self.room_ready(v) {
            self.call_to_discharge(s, v, needs);
            return;
        }
        let key = self.first_laden_storage(v);
        self.vessels[v].discharge_into = key;
        self.set_phase(v, now, Phase::WaitingSpace);
        self.stores[key].space_line.push_back(v as u32);
        self.waiting_for_room += 1;
        let fleet = self.vessels[v].fleet;
        self.costing.waiting_room[fleet].add(now, 1.0);
    }

    /// The storage vessel `v`'s first laden hold discharges into at its
    /// port (compiled: cargo loaded on a leg has a storage at its end).
    fn first_laden_storage(&self, v: usize) -> usize {
        let ves = &self.vessels[v];
        let f = &self.plan.fleets[ves.fleet];
        f.holds
            .iter()
            .zip(&ves.holds)
            .filter(|(_, hold)| hold.units > 0)
            .find_map(|(h, _)| h.discharges_into(ves.at_origin))
            .unwrap_or(ves.discharge_into)
    }

    /// Whether another vessel waits for room at the anchorage in a storage
    /// vessel `v` would discharge into (one waiting at a berth there keeps
    /// [`room_ready`](Self::room_ready) false).
    fn space_line_waits_for(&self, v: usize) -> bool {
        let ves = &self.vessels[v];
        let f = &self.plan.fleets[ves.fleet];
        f.holds.iter().zip(&ves.holds).filter(|(_, hold)| hold.units > 0).any(|(h, _)| {
            h.discharges_into(ves.at_origin)
                .is_some_and(|st| self.stores[st].space_line.iter().any(|&w| w as usize != v))
        })
    }

    /// The room vessel `v` needs in each laden hold's storage (what the hold
    /// carries, at most the storage's usable capacity), in deck order, if
    /// its cargo can go ashore now: every such storage is in service, no
    /// train waits at its gate, no vessel waits at a berth there for space,
    /// and its unclaimed room takes the hold's cargo. `None` otherwise.
    fn room_ready(&self, v: usize) -> Option<[u64; CARGOES]> {
        let ves = &self.vessels[v];
        let mut needs = [0; CARGOES];
        for (p, h) in self.plan.fleets[ves.fleet].holds.iter().enumerate() {
            let units = ves.holds[p].units;
            if units == 0 {
                continue;
            }
            let Some(st) = h.discharges_into(ves.at_origin) else { continue };
            let store = &self.stores[st];
            let need = units.min(store.level.limit());
            if need == 0
                || store.unclaimed_room() < need
                || store.level.waiting_puts() > 0
                || !store.waiting_dischargers.is_empty()
            {
                return None;
            }
            needs[p] = need;
        }
        Some(needs)
    }

    /// Claims `needs` (from [`room_ready`](Self::room_ready)) for vessel
    /// `v` in the storages it discharges into, records its wait, and sends
    /// it to ask for a berth.
    fn call_to_discharge(&mut self, s: &mut Scheduler<Ev>, v: usize, needs: [u64; CARGOES]) {
        let now = s.now();
        let ves = &mut self.vessels[v];
        for (p, h) in self.plan.fleets[ves.fleet].holds.iter().enumerate() {
            if needs[p] > 0
                && let Some(st) = h.discharges_into(ves.at_origin)
            {
                ves.holds[p].room_claim = needs[p];
                self.stores[st].room_claimed += needs[p];
            }
        }
        let waited = now.saturating_since(ves.space_wait_since);
        self.space_wait_h[ves.fleet].record(waited.as_hours_f64());
        self.request_berth(s, v);
    }

    /// Calls the vessels at the head of storage `st`'s space line whose
    /// room is there, in order; returns whether it called any.
    pub(super) fn call_dischargers(&mut self, s: &mut Scheduler<Ev>, st: usize) -> bool {
        let mut called = false;
        while let Some(&w) = self.stores[st].space_line.front() {
            let v = w as usize;
            let Some(needs) = self.room_ready(v) else { break };
            self.stores[st].space_line.pop_front();
            self.leave_space_line(v, s.now());
            self.call_to_discharge(s, v, needs);
            called = true;
        }
        called
    }

    /// Calls the space lines room freed in storage `st` may move: its own,
    /// then those of mixed decks that also discharge here.
    pub(super) fn call_space_lines(&mut self, s: &mut Scheduler<Ev>, st: usize) -> bool {
        let mut called = self.call_dischargers(s, st);
        for k in 0..self.stores[st].linked_space_lines.len() {
            let line = self.stores[st].linked_space_lines[k];
            called |= self.call_dischargers(s, line);
        }
        called
    }

    /// Vessel `v` has left a space line (taken out of it already): one
    /// vessel fewer waiting, and its demurrage stops.
    fn leave_space_line(&mut self, v: usize, now: SimTime) {
        self.waiting_for_room -= 1;
        let fleet = self.vessels[v].fleet;
        self.costing.waiting_room[fleet].add(now, -1.0);
    }

    /// Gives up the room still claimed for hold `p` of vessel `v`, in
    /// storage `st`, up to `amount` units (what it has just discharged, or
    /// all of it).
    pub(super) fn use_room_claim(&mut self, v: usize, p: usize, st: usize, amount: u64) {
        let claim = &mut self.vessels[v].holds[p].room_claim;
        let used = (*claim).min(amount);
        *claim -= used;
        self.stores[st].room_claimed -= used;
    }

    /// Takes vessel `v` out of the space line it waits in and gives back
    /// the room claimed for it (it is leaving service); returns the
    /// storages whose lines may now move.
    pub(super) fn forget_space_wait(&mut self, v: usize, now: SimTime) -> Vec<usize> {
        let mut freed = Vec::new();
        if self.vessels[v].phase == Phase::WaitingSpace && !self.vessels[v].holds_berth {
            let st = self.vessels[v].discharge_into;
            self.stores[st].space_line.retain(|&w| w as usize != v);
            self.leave_space_line(v, now);
            freed.push(st);
        }
        let (fleet, at_origin) = (self.vessels[v].fleet, self.vessels[v].at_origin);
        for (p, h) in self.plan.fleets[fleet].holds.iter().enumerate() {
            if let Some(st) = h.discharges_into(at_origin)
                && self.vessels[v].holds[p].room_claim > 0
            {
                self.use_room_claim(v, p, st, u64::MAX);
                freed.push(st);
            }
        }
        freed
    }
}
