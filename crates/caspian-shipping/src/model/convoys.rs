//! Escorted convoys and the escort force that sails with them.
//!
//! A vessel of an escorted fleet, loaded and ready, leaves its berth and
//! joins its port's convoy (one per port, shared by every escorted fleet and
//! both directions). The convoy is ready at `convoy_size` members, or once
//! its first member has waited `max_wait_h`. A ready convoy sails when the
//! port, the corridor and every member's route are open **and an escort
//! vessel is free**.
//!
//! The force (`interdiction.escort.escort_vessels`) is a pool. An escort
//! sails with its convoy to the destination of the member with the longest
//! crossing, taking that crossing's calm duration. There it takes the
//! port's convoy if one is waiting for an escort (and may sail); otherwise
//! it sails back alone, taking the same time, and is free again, for any
//! port. A convoy waiting for an escort goes on taking vessels, and ports
//! get free escorts in the order their convoys joined the queue (a convoy
//! that a closure holds when its escort comes leaves the queue, and joins
//! it again at the back if no escort is free when it opens).
//! `docs/model.md` ("Escorts and convoys") states the assumptions.

use std::collections::VecDeque;

use caspian_engine::{Scheduler, SimTime, Tally, TimeWeighted};

use super::state::{Ev, World};
use super::{at, first_open};
use crate::compile::class_index;
use crate::trace::VesselPhase as Phase;

/// The escort vessels and the convoys waiting for one.
#[derive(Debug)]
pub(super) struct EscortForce {
    /// Escorts in port and free.
    free: u32,
    /// The force (escorts in port or at sea).
    force: u32,
    /// Escorts at sea (time-weighted; the integral is escort-hours at
    /// sea, with a convoy or on the way back).
    at_sea: TimeWeighted,
    /// Ports whose convoy is ready and waits for a free escort, in the
    /// order they started waiting.
    queue: VecDeque<u16>,
    /// Per port: since when its convoy has waited for an escort (none
    /// while a closure holds it).
    waiting_since: Vec<Option<SimTime>>,
    /// Per port: hours its convoy waited for an escort before a closure
    /// held it (the wait goes on counting if it queues again).
    banked_h: Vec<f64>,
    /// Hours each convoy that sailed waited for an escort (0 for one that
    /// found an escort free).
    wait_h: Tally,
    /// Hours each escorted vessel that sailed waited off the berth for its
    /// convoy: to form, for a free escort, or for a closure to end.
    member_wait_h: Tally,
}

impl EscortForce {
    /// The force of `plan` (none with escorts off) for `ports` ports.
    pub(super) fn new(force: u32, ports: usize) -> Self {
        Self {
            free: force,
            force,
            at_sea: TimeWeighted::new(SimTime::ZERO, 0.0),
            queue: VecDeque::new(),
            waiting_since: vec![None; ports],
            banked_h: vec![0.0; ports],
            wait_h: Tally::new(),
            member_wait_h: Tally::new(),
        }
    }

    /// Forgets the warm-up (escorts at sea now stay counted from `now`).
    pub(super) fn reset(&mut self, now: SimTime) {
        self.at_sea.reset(now);
        self.wait_h.reset();
        self.member_wait_h.reset();
    }

    /// Records an escorted vessel's wait for its convoy, in hours (it
    /// sailed, or was taken out of service while it waited).
    pub(super) fn record_member_wait(&mut self, hours: f64) {
        self.member_wait_h.record(hours);
    }

    /// Whether port `p`'s convoy is queued for an escort.
    fn queued(&self, p: usize) -> bool {
        self.queue.contains(&(p as u16))
    }

    /// Port `p`'s convoy no longer waits (it sailed, or has no member).
    fn forget(&mut self, p: usize) {
        self.queue.retain(|&q| q as usize != p);
        self.waiting_since[p] = None;
        self.banked_h[p] = 0.0;
    }

    /// Port `p`'s convoy is held by a closure: out of the queue, and its
    /// wait for an escort so far banked (a closure is not an escort's
    /// absence).
    fn hold(&mut self, p: usize, now: SimTime) {
        self.queue.retain(|&q| q as usize != p);
        if let Some(since) = self.waiting_since[p].take() {
            self.banked_h[p] += now.saturating_since(since).as_hours_f64();
        }
    }

    /// The hours port `p`'s convoy has waited for an escort by `now`.
    fn waited_h(&self, p: usize, now: SimTime) -> f64 {
        self.banked_h[p]
            + self.waiting_since[p].map_or(0.0, |t| now.saturating_since(t).as_hours_f64())
    }

    /// The share of the force's hours spent at sea over `[start, now)`
    /// (0 with escorts off; NaN for a window of no length).
    pub(super) fn utilization(&self, start: SimTime, now: SimTime) -> f64 {
        if self.force == 0 {
            return 0.0;
        }
        let window_h = now.saturating_since(start).as_hours_f64();
        if window_h > 0.0 {
            self.at_sea.integral_hours(now) / (f64::from(self.force) * window_h)
        } else {
            f64::NAN
        }
    }

    /// The mean hours a convoy waited for an escort: those that sailed in
    /// the window, and those that have waited and not sailed by `now`,
    /// for as long as they have (0 with no convoy).
    pub(super) fn mean_wait_h(&self, now: SimTime) -> f64 {
        let (mut sum, mut n) = (self.wait_h.sum(), self.wait_h.count());
        for p in 0..self.waiting_since.len() {
            if self.waiting_since[p].is_some() || self.banked_h[p] > 0.0 {
                sum += self.waited_h(p, now);
                n += 1;
            }
        }
        if n == 0 { 0.0 } else { sum / n as f64 }
    }
}

impl World<'_> {
    /// The mean hours an escorted vessel waited off the berth for its
    /// convoy: those that sailed in the window, and those still in a convoy
    /// at `now`, for as long as they have waited (0 with no convoy).
    pub(super) fn mean_convoy_wait_h(&self, now: SimTime) -> f64 {
        let tally = &self.escorts.member_wait_h;
        let (mut sum, mut n) = (tally.sum(), tally.count());
        for &v in self.ports.iter().flat_map(|p| &p.convoy) {
            sum += now.saturating_since(self.vessels[v as usize].convoy_since).as_hours_f64();
            n += 1;
        }
        if n == 0 { 0.0 } else { sum / n as f64 }
    }

    /// Vessel `v`, loaded and ready, of an escorted fleet (with escorts
    /// on): off the berth and into its port's convoy.
    pub(super) fn join_convoy(&mut self, s: &mut Scheduler<Ev>, v: usize) {
        let Some(escort) = self.plan.interdiction.escort else { return };
        let now = s.now();
        let ves = &mut self.vessels[v];
        let port = ves.port;
        let class = class_index(self.plan.fleets[ves.fleet].berth_class);
        // Off the berth it holds: one back from a detention in port holds
        // none, having left it when the detention began.
        let held = std::mem::take(&mut ves.holds_berth);
        self.set_phase(v, now, Phase::Convoy);
        self.vessels[v].convoy_since = now;
        if held {
            self.release_berth(s, port, class);
        }
        self.ports[port].convoy.push(v as u32);
        if self.escorts.queued(port) {
            // Ready already, waiting for an escort: it sails with the rest.
            return;
        }
        if self.ports[port].convoy.len() >= escort.convoy_size as usize {
            self.launch_convoy(s, port);
        } else if self.ports[port].convoy_due.is_none() {
            self.ports[port].convoy_due =
                at(s, now.saturating_add(escort.max_wait), Ev::ConvoyGo(port as u16));
        }
    }

    /// Port `port`'s convoy is ready: it sails with a free escort, or
    /// waits for one, or for the closures that hold it.
    pub(super) fn launch_convoy(&mut self, s: &mut Scheduler<Ev>, port: usize) {
        self.sail_convoy(s, port, false);
    }

    /// Sails port `port`'s convoy if it can; `escort_here`: an escort just
    /// arrived there takes it (else one must be free). Returns whether it
    /// sailed.
    fn sail_convoy(&mut self, s: &mut Scheduler<Ev>, port: usize, escort_here: bool) -> bool {
        let now = s.now();
        if let Some(key) = self.ports[port].convoy_due.take() {
            s.cancel(key);
        }
        if self.ports[port].convoy.is_empty() {
            self.ports[port].convoy_held = false;
            self.escorts.forget(port);
            return false;
        }
        // A convoy sails together: when the port, the corridor and every
        // member's route are open.
        let mut closures = vec![&self.ports[port].closures, &self.corridor];
        for &v in &self.ports[port].convoy {
            closures.push(&self.disruptions.route_closures[self.vessels[v as usize].fleet]);
        }
        let t = first_open(now, &closures);
        self.ports[port].convoy_held = t > now;
        if t > now {
            self.escorts.hold(port, now);
            // A closure clipped at the horizon "ends" there: no sailing at that instant.
            if t < self.plan.horizon {
                self.ports[port].convoy_due = at(s, t, Ev::ConvoyGo(port as u16));
            }
            return false;
        }
        let force = &mut self.escorts;
        if !escort_here {
            if force.free == 0 {
                if !force.queued(port) {
                    force.queue.push_back(port as u16);
                }
                force.waiting_since[port].get_or_insert(now);
                return false;
            }
            force.free -= 1;
            force.at_sea.add(now, 1.0);
        }
        force.wait_h.record(force.waited_h(port, now));
        force.forget(port);
        let members = std::mem::take(&mut self.ports[port].convoy);
        self.costing.convoys += 1;
        // The escort goes where the longest crossing goes (the first such
        // member's destination).
        let crossing = |v: u32| self.plan.fleets[self.vessels[v as usize].fleet].crossing;
        let (mut lead, mut longest) = (members[0], crossing(members[0]));
        for &v in &members[1..] {
            if crossing(v) > longest {
                (lead, longest) = (v, crossing(v));
            }
        }
        let ves = &self.vessels[lead as usize];
        let f = &self.plan.fleets[ves.fleet];
        let to = if ves.at_origin { f.destination } else { f.origin };
        at(s, now.saturating_add(longest), Ev::EscortArrive(to as u16, ves.fleet as u16));
        for v in members {
            let since = self.vessels[v as usize].convoy_since;
            self.escorts.member_wait_h.record(now.saturating_since(since).as_hours_f64());
            self.depart(s, v as usize, true);
        }
        true
    }

    /// An escort reaches `port` with the convoy it sailed with (whose
    /// longest crossing was `fleet`'s): it takes that port's convoy if it
    /// waits for an escort, else it sails back alone.
    pub(super) fn on_escort_arrive(&mut self, s: &mut Scheduler<Ev>, port: usize, fleet: usize) {
        if self.escorts.queued(port) && self.sail_convoy(s, port, true) {
            return;
        }
        let back = s.now().saturating_add(self.plan.fleets[fleet].crossing);
        at(s, back, Ev::EscortBack);
    }

    /// An escort is back and free: the ports waiting for one get it in turn.
    pub(super) fn on_escort_back(&mut self, s: &mut Scheduler<Ev>) {
        let now = s.now();
        self.escorts.free += 1;
        self.escorts.at_sea.add(now, -1.0);
        while self.escorts.free > 0 {
            let Some(p) = self.escorts.queue.pop_front() else { break };
            self.sail_convoy(s, p as usize, false);
        }
    }

    /// Vessel `v` has left port `port`'s convoy (out of service): the rest
    /// may sail now, or the convoy is gone.
    pub(super) fn left_convoy(&mut self, s: &mut Scheduler<Ev>, port: usize) {
        // An empty convoy is dropped by the launch (its due event, hold
        // and wait forgotten); one held by a closure that may have been
        // only this vessel's route sails as soon as the others' are open.
        let p = &self.ports[port];
        if p.convoy.is_empty() || p.convoy_held {
            self.launch_convoy(s, port);
        }
    }
}
