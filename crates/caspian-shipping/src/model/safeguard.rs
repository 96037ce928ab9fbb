//! The waiting-line safeguard: a replication whose anchorage queue or gate
//! queue grows past the scenario's `max_waiting` stops there, is reported
//! as truncated, and names the line as saturated. Beside `max_events`, it
//! keeps the memory of a runaway replication (open traffic arriving faster
//! than it is served, trains piling up at a full yard) bounded.

use caspian_engine::Scheduler;

use super::state::{Ev, World};
use crate::compile::class_index;
use crate::saturation::WaitingLine;

impl World<'_> {
    /// After `ev` fired: if it may have lengthened a waiting line and that
    /// line now holds more than `max_waiting`, remember the line and ask the
    /// run loop to stop. Only arrivals lengthen lines, so only they are looked at.
    pub(super) fn guard_waiting(&mut self, s: &mut Scheduler<Ev>, ev: Ev) {
        let limit = self.plan.max_waiting;
        let line = match ev {
            Ev::OpenArrival(i) => {
                let o = &self.plan.open_traffic[i as usize];
                self.anchorage_over(o.port, class_index(o.berth_class), limit)
            }
            Ev::Arrive(v) => {
                let ves = &self.vessels[v as usize];
                let class = class_index(self.plan.fleets[ves.fleet].berth_class);
                self.anchorage_over(ves.port, class, limit)
            }
            Ev::Inflow(i) => {
                let st = self.plan.inflows[i as usize].into;
                (self.stores[st].level.waiting_puts() > limit)
                    .then(|| WaitingLine::Gate { storage: self.plan.storages[st].id.clone() })
            }
            _ => None,
        };
        if let Some(line) = line {
            self.overflowed = Some(line);
            s.stop();
        }
    }

    fn anchorage_over(&self, port: usize, class: usize, limit: usize) -> Option<WaitingLine> {
        (self.ports[port].berths[class].queue_len() > limit).then(|| WaitingLine::Anchorage {
            port: self.plan.ports[port].id.clone(),
            class: crate::scenario::BerthClass::ALL[class],
        })
    }
}
