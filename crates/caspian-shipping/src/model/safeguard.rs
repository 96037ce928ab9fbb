//! The waiting-line safeguard: a replication in which more than the
//! scenario's `max_waiting` open-traffic vessels and inflow arrivals wait,
//! at anchorages and storage gates together, stops there, is reported as
//! truncated, and names the line the last arrival joined as saturated.
//! Beside `max_events`, it bounds the memory of a runaway replication (open
//! traffic arriving faster than it is served, trains piling up at a full
//! yard): these are the only lines that can grow without end, since fleet
//! vessels number at most 10^6 in all.

use caspian_engine::Scheduler;

use super::state::{Ev, World};
use crate::saturation::WaitingLine;

impl World<'_> {
    /// After `ev` fired: if it was an arrival that may have joined a line
    /// and the backlog now exceeds `max_waiting`, remember the line and ask
    /// the run loop to stop. Only arrivals lengthen lines, so only they are
    /// looked at; the check is one comparison.
    pub(super) fn guard_waiting(&mut self, s: &mut Scheduler<Ev>, ev: Ev) {
        if self.backlog <= self.plan.max_waiting {
            return;
        }
        let line = match ev {
            Ev::OpenArrival(i) => {
                let o = &self.plan.open_traffic[i as usize];
                WaitingLine::Anchorage {
                    port: self.plan.ports[o.port].id.clone(),
                    class: o.berth_class,
                }
            }
            Ev::Inflow(i) => {
                let st = self.plan.inflows[i as usize].into;
                WaitingLine::Gate { storage: self.plan.storages[st].id.clone() }
            }
            _ => return,
        };
        self.overflowed = Some(line);
        s.stop();
    }
}
