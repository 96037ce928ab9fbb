//! Waiting for room at the anchorage: a laden vessel berths only when its
//! cargo can go ashore.
//!
//! The mirror of [`super::cargo_line`]. A vessel that arrives with cargo to
//! discharge asks for a berth only when the storages it discharges into
//! have unclaimed room for what it carries, hold by hold (for a hold larger
//! than its storage's usable capacity, room for a full storage; for a
//! storage an inflow also feeds, any room), no train waits at their gates
//! (trains go first) and no vessel waits at a berth there for space.
//! Otherwise it waits at the anchorage in the *space line*, one line in the
//! order the vessels arrived, whatever they carry.
//!
//! The line is served first come, first served, storage by storage: going
//! down the line, each vessel is called if the room its holds need is
//! there, and whether called or not, the room it needs is held back from
//! the vessels behind it (but not by a vessel waiting for a storage out of
//! service, which cannot be called before it is back). So a vessel behind
//! is called only for room no vessel ahead of it needs: a Ro-Ro behind a
//! Ro-Pax that waits for wagon room may land its trucks, but a wagon ferry
//! behind it may not take the wagon room the Ro-Pax waits for. A called
//! vessel's room is claimed for it, so no other vessel is called for the
//! same room while it waits for a berth and pays its overhead.
//! `space_wait_h` is this wait; the berth wait that follows is
//! `anchorage_wait_h`.
//!
//! A vessel still waits for room at its berth (`WaitingSpace`, holding the
//! berth) only where room it was called for went elsewhere first: a hold
//! larger than its storage, a storage an inflow also feeds (its arrivals
//! and the vessel share room as it frees), or capacity taken out of service
//! by a disruption after the call.

use caspian_engine::{Scheduler, SimTime};

use super::CARGOES;
use super::state::{Ev, World};
use crate::trace::VesselPhase as Phase;

/// The room a vessel needs, hold by hold in deck order: `(storage, units)`,
/// `units` 0 for a hold with nothing to discharge here.
type Needs = [(usize, u64); CARGOES];

impl World<'_> {
    /// Vessel `v`, laden, has arrived: it asks for a berth with its room
    /// claimed, or joins the space line at the anchorage.
    pub(super) fn arrive_laden(&mut self, s: &mut Scheduler<Ev>, v: usize) {
        let now = s.now();
        self.vessels[v].space_wait_since = now;
        let needs = self.room_needs(v);
        if self.space_line.is_empty() && self.room_ready(&needs) {
            self.call_to_discharge(s, v, needs);
            return;
        }
        self.set_phase(v, now, Phase::WaitingSpace);
        self.space_line.push(v as u32);
        for &(st, need) in &needs {
            if need > 0 {
                self.stores[st].room_waiters += 1;
            }
        }
        let fleet = self.vessels[v].fleet;
        self.costing.waiting_room[fleet].add(now, 1.0);
        // The vessels ahead may leave it room they do not need.
        self.call_dischargers(s);
    }

    /// The room vessel `v` needs in each laden hold's storage: what the
    /// hold carries, at most the storage's usable capacity, or 1 unit where
    /// trains also feed the storage (it then takes room as it frees).
    fn room_needs(&self, v: usize) -> Needs {
        let ves = &self.vessels[v];
        let mut needs = [(0, 0); CARGOES];
        for (p, h) in self.plan.fleets[ves.fleet].holds.iter().enumerate() {
            let units = ves.holds[p].units;
            // Compiled: cargo loaded on a leg has a storage at its end.
            let Some(st) = h.discharges_into(ves.at_origin) else { continue };
            let store = &self.stores[st];
            let whole = if store.gate_fed { 1 } else { units };
            needs[p] = (st, units.min(whole).min(store.level.limit()));
            // A storage out of service needs room all the same: it waits.
            if units > 0 && needs[p].1 == 0 {
                needs[p].1 = u64::MAX;
            }
        }
        needs
    }

    /// The room a storage can give a vessel now: its unclaimed room, or none
    /// while a train waits at its gate or a vessel at a berth waits for
    /// space there (they go first).
    fn room_now(&self, st: usize) -> u64 {
        let store = &self.stores[st];
        if store.level.waiting_puts() > 0 || !store.waiting_dischargers.is_empty() {
            0
        } else {
            store.unclaimed_room()
        }
    }

    /// Whether every storage has the room `needs` asks of it now.
    fn room_ready(&self, needs: &Needs) -> bool {
        needs.iter().all(|&(st, need)| need == 0 || self.room_now(st) >= need)
    }

    /// Claims `needs` for vessel `v` in the storages it discharges into,
    /// records its wait, and sends it to ask for a berth.
    fn call_to_discharge(&mut self, s: &mut Scheduler<Ev>, v: usize, needs: Needs) {
        let now = s.now();
        let ves = &mut self.vessels[v];
        for (p, &(st, need)) in needs.iter().enumerate() {
            if need > 0 {
                ves.holds[p].room_claim = need;
                self.stores[st].room_claimed += need;
            }
        }
        let waited = now.saturating_since(ves.space_wait_since);
        self.space_wait_h[ves.fleet].record(waited.as_hours_f64());
        self.request_berth(s, v);
    }

    /// Goes down the space line and calls each vessel whose room is there,
    /// holding back from the vessels behind it the room each vessel ahead
    /// needs, called or not; returns whether it called any. After a call
    /// it starts again from the head: the call may have moved cargo (a
    /// vessel berthing at once discharges), and with it the room.
    pub(super) fn call_dischargers(&mut self, s: &mut Scheduler<Ev>) -> bool {
        let mut called = false;
        while let Some(i) = self.first_callable() {
            let v = self.space_line.remove(i) as usize;
            let needs = self.room_needs(v);
            self.leave_space_line(v, &needs, s.now());
            self.call_to_discharge(s, v, needs);
            called = true;
        }
        called
    }

    /// The place in the space line of the first vessel whose room is there
    /// once the vessels ahead of it have had the room they need.
    fn first_callable(&mut self) -> Option<usize> {
        if self.space_line.is_empty() {
            return None;
        }
        let mut room = std::mem::take(&mut self.room_scratch);
        room.clear();
        room.extend((0..self.stores.len()).map(|st| self.room_now(st)));
        let mut found = None;
        for (i, &w) in self.space_line.iter().enumerate() {
            let needs = self.room_needs(w as usize);
            if needs.iter().all(|&(st, need)| need == 0 || room[st] >= need) {
                found = Some(i);
                break;
            }
            // A vessel waiting for a storage out of service holds nothing
            // back until it is back: it cannot be called before then.
            if needs.iter().any(|&(_, need)| need == u64::MAX) {
                continue;
            }
            for &(st, need) in &needs {
                room[st] = room[st].saturating_sub(need);
            }
        }
        self.room_scratch = room;
        found
    }

    /// Vessel `v` has left the space line (taken out of it already): one
    /// waiter fewer at the storages of `needs`, and its demurrage stops.
    fn leave_space_line(&mut self, v: usize, needs: &Needs, now: SimTime) {
        for &(st, need) in needs {
            if need > 0 {
                self.stores[st].room_waiters -= 1;
            }
        }
        let fleet = self.vessels[v].fleet;
        self.costing.waiting_room[fleet].add(now, -1.0);
    }

    /// Takes vessel `v` out of the space line and gives back the room
    /// claimed for it (it is leaving service; the caller then goes down the
    /// line again).
    pub(super) fn forget_space_wait(&mut self, v: usize, now: SimTime) {
        if let Some(i) = self.space_line.iter().position(|&w| w as usize == v) {
            self.space_line.remove(i);
            // Its wait so far, as a wait still in progress at the end is
            // counted ([`super::censored`]).
            let ves = &self.vessels[v];
            let waited = now.saturating_since(ves.space_wait_since);
            self.space_wait_h[ves.fleet].record(waited.as_hours_f64());
            let needs = self.room_needs(v);
            self.leave_space_line(v, &needs, now);
        }
        let (fleet, at_origin) = (self.vessels[v].fleet, self.vessels[v].at_origin);
        for (p, h) in self.plan.fleets[fleet].holds.iter().enumerate() {
            let claim = std::mem::take(&mut self.vessels[v].holds[p].room_claim);
            if let Some(st) = h.discharges_into(at_origin) {
                self.stores[st].room_claimed -= claim;
            }
        }
    }
}
