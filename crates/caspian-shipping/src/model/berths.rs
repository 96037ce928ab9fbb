//! Berths and anchorages: granting and releasing berths, ports closing and
//! reopening, and open (non-fleet) traffic competing for the same berths.

use caspian_engine::{Request, Scheduler};

use super::state::{Ev, Occupant, World};
use super::{at, hours};
use crate::compile::class_index;

impl World<'_> {
    /// Starts whatever a berth grant means for its new occupant.
    pub(super) fn on_granted(&mut self, s: &mut Scheduler<Ev>, who: Occupant) {
        match who {
            Occupant::Vessel(v) => self.berth_start(s, v as usize),
            Occupant::Open(i) => {
                self.backlog = self.backlog.saturating_sub(1);
                let i = i as usize;
                let h = self.plan.open_traffic[i].service.sample(&mut self.open_service_rng[i]);
                at(s, s.now().saturating_add(hours(h)), Ev::OpenDepart(i as u16));
            }
        }
    }

    pub(super) fn release_berth(&mut self, s: &mut Scheduler<Ev>, port: usize, class: usize) {
        let now = s.now();
        if let Some(granted) = self.ports[port].berths[class].release(now) {
            self.on_granted(s, granted.requester);
        }
        self.rebalance_shared(s, port);
    }

    pub(super) fn on_port_close(&mut self, s: &mut Scheduler<Ev>, p: usize) {
        let now = s.now();
        for r in &mut self.ports[p].berths {
            r.set_capacity(now, 0);
        }
        self.note_idle_shared(p, now);
    }

    pub(super) fn on_port_open(&mut self, s: &mut Scheduler<Ev>, p: usize) {
        let now = s.now();
        if self.ports[p].closures.is_closed(now) {
            return; // a later storm began exactly as this one ended
        }
        for c in 0..self.ports[p].berths.len() {
            let n = self.class_capacity(p, c, now);
            self.ports[p].berths[c].set_capacity(now, n);
            while let Some(g) = self.ports[p].berths[c].grant_next(now) {
                self.on_granted(s, g.requester);
            }
        }
        self.rebalance_shared(s, p);
    }

    pub(super) fn on_open_arrival(&mut self, s: &mut Scheduler<Ev>, i: usize) {
        let now = s.now();
        let o = &self.plan.open_traffic[i];
        let gap = o.interarrival.sample(&mut self.open_arrival_rng[i]);
        at(s, now.saturating_add(hours(gap)), Ev::OpenArrival(i as u16));
        let (port, class, prio) = (o.port, class_index(o.berth_class), o.berth_priority);
        self.counters.port_calls[port] += 1;
        // Counted until granted (at once, or later from the anchorage).
        self.backlog += 1;
        if self.ports[port].berths[class].request(now, Occupant::Open(i as u16), prio)
            == Request::Granted
        {
            self.on_granted(s, Occupant::Open(i as u16));
        } else {
            self.rebalance_shared(s, port);
        }
    }

    pub(super) fn on_open_depart(&mut self, s: &mut Scheduler<Ev>, i: usize) {
        let o = &self.plan.open_traffic[i];
        self.release_berth(s, o.port, class_index(o.berth_class));
    }
}
