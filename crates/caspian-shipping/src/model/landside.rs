//! Landside storage and flows: cargo arriving from the hinterland (inflows,
//! with their gate and their policy when the storage is full: wait, spill,
//! or divert after a patience), leaving to it (outflows), and settling a
//! storage after it changes (admitting trains, then serving waiting vessels).

use caspian_engine::{Scheduler, SimDuration, SimTime, Wait};

use super::state::{Ev, World};
use super::store::{Cohort, drop_cohorts, push_cohort};
use super::{at, cargo_idx, hours};
use crate::scenario::{ArrivalPattern, WhenFull};
use crate::timeline;

impl World<'_> {
    /// Schedules the next event of inflow `i` after `now`.
    ///
    /// Poisson: the next arrival of a non-homogeneous Poisson process whose
    /// rate is the monthly rate, exact across month boundaries (the same
    /// generator as storm onsets); nothing is scheduled if it falls after the
    /// horizon. Regular: one gap of `1 / rate` at `now`'s monthly rate, or,
    /// when that rate is zero, a wake-up at the start of the next month.
    pub(super) fn schedule_inflow(&mut self, s: &mut Scheduler<Ev>, i: usize, now: SimTime) {
        let f = &self.plan.inflows[i];
        let next = match f.pattern {
            ArrivalPattern::Poisson => {
                // Scheduled up to the horizon itself (one due then is
                // queued, but the run leaves events due at the horizon
                // unfired: `RunLimits::before`).
                let limit = self.plan.horizon.ticks().saturating_add(1);
                let monthly = timeline::monthly_rate_at(&f.rate_per_h);
                let (plan, disruptions) = (self.plan, &self.disruptions);
                // The monthly rate, scaled by the disruptions on this inflow.
                let rate_at = |t: u64| {
                    let (rate, month_end) = monthly(t);
                    let (factor, change) = disruptions.inflow_factor(plan, i, t);
                    (rate * factor, month_end.min(change))
                };
                let rng = &mut self.inflow_rng[i];
                match timeline::next_event(rate_at, now.ticks(), limit, rng) {
                    Some(t) => SimTime::from_ticks(t),
                    None => return,
                }
            }
            ArrivalPattern::Regular => {
                let (factor, change) = self.disruptions.inflow_factor(self.plan, i, now.ticks());
                let rate = f.rate_per_h[timeline::month_of(now)] * factor;
                let gap = if rate <= 0.0 {
                    // Nothing arrives this month (or while a disruption stops
                    // it): look again when either changes.
                    self.inflow_wakeup[i] = true;
                    let wake = timeline::next_month_start(now).min(SimTime::from_ticks(change));
                    wake.saturating_since(now).max(SimDuration::from_ticks(1))
                } else {
                    hours(1.0 / rate)
                };
                now.saturating_add(gap)
            }
        };
        at(s, next, Ev::Inflow(i as u16));
    }

    pub(super) fn on_inflow(&mut self, s: &mut Scheduler<Ev>, i: usize) {
        let now = s.now();
        let wakeup = std::mem::take(&mut self.inflow_wakeup[i]);
        self.schedule_inflow(s, i, now);
        let f = &self.plan.inflows[i];
        let (factor, _) = self.disruptions.inflow_factor(self.plan, i, now.ticks());
        if wakeup || f.rate_per_h[timeline::month_of(now)] * factor <= 0.0 {
            // Regular inflows only (a Poisson arrival never falls in a
            // zero-rate month): a month-boundary wake-up (the next arrival is
            // one gap later), or a gap that ran into a month where nothing
            // arrives.
            return;
        }
        let drawn = f.size.sample(&mut self.inflow_rng[i]).round().max(0.0) as u64;
        self.counters.demand[i] += u128::from(drawn);
        // The part of an arrival larger than the whole storage can never fit,
        // spilling or not: it is shut in.
        let size = drawn.min(self.plan.storages[f.into].capacity);
        self.counters.shut_in[i] += u128::from(drawn - size);
        if size == 0 {
            return;
        }
        let st = f.into;
        let cargo = cargo_idx(self.plan.storages[st].cargo);
        let store = &mut self.stores[st];
        if f.when_full == WhenFull::Spill {
            let accepted = store.level.offer(now, size);
            if accepted > 0 {
                push_cohort(&mut store.cohorts, Cohort { arrived: now, amount: accepted });
                self.ledger[cargo].entered += u128::from(accepted);
            }
            self.counters.shut_in[i] += u128::from(size - accepted);
        } else if f.patience == Some(SimDuration::ZERO)
            && (store.level.waiting_puts() > 0 || size > store.level.space())
        {
            // No patience: an arrival that would have to wait leaves at
            // once, without ever joining the line.
            self.divert(i, size, SimDuration::ZERO);
        } else {
            match store.level.put(now, size, i as u32) {
                Ok(Wait::Done) => {
                    push_cohort(&mut store.cohorts, Cohort { arrived: now, amount: size });
                    self.ledger[cargo].entered += u128::from(size);
                    self.gate_wait_h[i].record(0.0);
                }
                Ok(Wait::Queued(id)) => {
                    self.backlog += 1;
                    if let Some(patience) = f.patience {
                        self.patience_due[i].push_back(id);
                        at(s, now.saturating_add(patience), Ev::GatePatience(i as u16));
                    }
                }
                Err(_) => self.counters.shut_in[i] += u128::from(size),
            }
        }
        self.settle(s, st);
    }

    /// The patience of inflow `i`'s arrival `id` has run out: if it is still
    /// at the gate (not admitted since) it leaves the corridor, diverted.
    /// Its line may then move (a smaller arrival behind it may fit).
    ///
    /// The event is scheduled for exactly arrival + patience when the
    /// arrival joins the line, so with one patience per FIFO line the
    /// oldest arrival times out first: the events of an inflow fire in the
    /// order its arrivals joined, which is the order of `patience_due[i]`
    /// (the event carries no id, so events stay small). An admission at
    /// that very instant wins if its event was scheduled earlier (the
    /// engine's FIFO tie-break).
    pub(super) fn on_gate_patience(&mut self, s: &mut Scheduler<Ev>, i: usize) {
        let Some(id) = self.patience_due[i].pop_front() else { return };
        let st = self.plan.inflows[i].into;
        let Some(gone) = self.stores[st].level.withdraw_waiting(s.now(), id) else {
            return; // admitted before its patience ran out
        };
        self.backlog = self.backlog.saturating_sub(1);
        self.divert(i, gone.amount, gone.waited);
        self.settle(s, st);
    }

    /// Counts `amount` units of inflow `i` as diverted after waiting
    /// `waited` at the gate. The wait counts in `gate_wait_h` like any
    /// other, so diverting does not make waits look shorter.
    fn divert(&mut self, i: usize, amount: u64, waited: SimDuration) {
        self.counters.diverted[i] += u128::from(amount);
        self.gate_wait_h[i].record(waited.as_hours_f64());
    }

    pub(super) fn on_outflow(&mut self, s: &mut Scheduler<Ev>, j: usize) {
        let now = s.now();
        let o = &self.plan.outflows[j];
        self.outflow_last[j] = now;
        let whole = self.advance_outflow_credit(j);
        let store = &mut self.stores[o.from];
        let taken = store.level.take_up_to(now, whole);
        if taken > 0 {
            if self.hand_over[o.from] {
                let wait = &mut self.link_wait[o.from];
                drop_cohorts(&mut store.cohorts, taken, |c| {
                    wait.record(now.saturating_since(c.arrived).as_hours_f64(), c.amount as f64);
                });
            } else {
                drop_cohorts(&mut store.cohorts, taken, |_| {});
            }
            self.counters.forwarded[j] += u128::from(taken);
            self.ledger[cargo_idx(self.plan.storages[o.from].cargo)].forwarded += u128::from(taken);
        }
        // An empty storage gives the next ticks nothing to take: instead of
        // firing them (about half the baseline's events), the outflow sleeps
        // until cargo arrives; `wake_outflows` then replays the skipped
        // ticks' credit and resumes on the same grid of tick times.
        if self.stores[o.from].level.level() == 0 {
            self.outflow_idle[j] = true;
            self.stores[o.from].idle_outflows += 1;
        } else {
            at(s, now.saturating_add(o.interval), Ev::Outflow(j as u16));
        }
        self.settle(s, o.from);
    }

    /// One tick's capacity: the whole units outflow `j` may take now.
    /// Unused capacity is not banked; only the fraction below one unit
    /// carries over to the next tick.
    pub(super) fn advance_outflow_credit(&mut self, j: usize) -> u64 {
        self.advance_outflow_credit_by(j, 1)
    }

    /// `ticks` ticks' worth of
    /// [`advance_outflow_credit`](Self::advance_outflow_credit), one tick
    /// after another (the same roundings as ticks that fire); returns the
    /// last tick's whole units.
    fn advance_outflow_credit_by(&mut self, j: usize, ticks: u64) -> u64 {
        let per_interval = self.plan.outflows[j].per_interval * self.disruptions.outflow_factor[j];
        let mut credit = self.outflow_credit[j];
        let mut whole = 0;
        for _ in 0..ticks {
            (credit, whole) = split_credit(credit + per_interval);
        }
        self.outflow_credit[j] = credit;
        whole
    }

    /// Resumes the sleeping outflows of storage `st` once it holds cargo: the
    /// next tick is the first on the outflow's grid strictly after now (a
    /// tick due now, had it been scheduled earlier, would have fired before
    /// this event and found the storage empty). Every skipped tick advances
    /// the credit exactly as a tick that found nothing would have.
    #[inline]
    pub(super) fn wake_outflows(&mut self, s: &mut Scheduler<Ev>, st: usize) {
        let store = &self.stores[st];
        if store.idle_outflows > 0 && store.level.level() > 0 {
            self.wake_idle_outflows(s, st);
        }
    }

    /// [`wake_outflows`](Self::wake_outflows) when an outflow of storage
    /// `st` sleeps and `st` holds cargo.
    fn wake_idle_outflows(&mut self, s: &mut Scheduler<Ev>, st: usize) {
        let now = s.now();
        for i in 0..self.stores[st].outflows.len() {
            let j = self.stores[st].outflows[i];
            if !self.outflow_idle[j] {
                continue;
            }
            self.outflow_idle[j] = false;
            self.stores[st].idle_outflows -= 1;
            let interval = self.plan.outflows[j].interval.ticks();
            let last = self.outflow_last[j];
            let k = now.ticks().saturating_sub(last.ticks()) / interval + 1;
            self.advance_outflow_credit_by(j, k - 1);
            let next = last.saturating_add(SimDuration::from_ticks(k.saturating_mul(interval)));
            at(s, next, Ev::Outflow(j as u16));
        }
    }

    /// Admits into storage `st` the trains its level let in at the gate:
    /// their cohorts (dated from the gate for transit times, from now in a
    /// hand-over storage, where they start waiting for the link), the
    /// ledger and their gate waits. Returns whether any came in.
    pub(super) fn admit_gate(&mut self, now: SimTime, st: usize) -> bool {
        let cargo = cargo_idx(self.plan.storages[st].cargo);
        let mut admitted = false;
        while let Some(ready) = self.stores[st].level.next_ready() {
            self.backlog = self.backlog.saturating_sub(1);
            // Its transit counts from the gate; its wait for the link in a
            // hand-over storage from now (the gate wait is its own KPI).
            let arrived = if self.hand_over[st] {
                now
            } else {
                SimTime::from_ticks(now.ticks().saturating_sub(ready.waited.ticks()))
            };
            push_cohort(&mut self.stores[st].cohorts, Cohort { arrived, amount: ready.amount });
            self.ledger[cargo].entered += u128::from(ready.amount);
            self.gate_wait_h[ready.tag as usize].record(ready.waited.as_hours_f64());
            admitted = true;
        }
        admitted
    }

    /// After a storage changes: admit trains from the gate, then let waiting
    /// vessels load or discharge, until nothing more can move.
    #[inline(always)]
    pub(super) fn settle(&mut self, s: &mut Scheduler<Ev>, st: usize) {
        let store = &self.stores[st];
        // Nobody admitted at the gate, waiting at berth or in a cargo or
        // space line here: the loop would move nothing (most settles).
        // Inlined, with the loop out of line: the check costs no call that
        // saves the loop's registers.
        if !store.level.has_ready()
            && store.waiting_loaders.is_empty()
            && store.cargo_line.is_empty()
            && store.linked_lines.is_empty()
            && store.waiting_dischargers.is_empty()
            && store.room_waiters == 0
        {
            self.wake_outflows(s, st);
        } else {
            self.settle_waiting(s, st);
        }
    }

    /// [`settle`](Self::settle) with someone waiting at storage `st`.
    #[inline(never)]
    fn settle_waiting(&mut self, s: &mut Scheduler<Ev>, st: usize) {
        let now = s.now();
        loop {
            let mut progress = self.admit_gate(now, st);
            // Progress means cargo moved or a vessel stopped waiting: a vessel
            // that can move nothing (e.g. a discharge held behind a train
            // waiting at the gate, which goes first) must not spin the loop.
            // Vessels waiting at berth load first come, first served; a take
            // may let trains in at the gate, admitted before the next loads.
            // One that takes nothing holds the line, unless it is a mixed
            // deck (its hold for this storage may be held back as spare, or
            // out of room): the vessels behind it go on.
            let mut i = 0;
            while self.stores[st].level.level() > 0
                && let Some(&v) = self.stores[st].waiting_loaders.get(i)
            {
                let v = v as usize;
                let loaded = self.vessels[v].loaded;
                let mixed = self.plan.fleets[self.vessels[v].fleet].holds.len() > 1;
                // Full, it has left the line (of every storage it loads from).
                let full = self.load_step(s, v);
                // A take can let in at the gate as much as it took, leaving
                // the level as it was: what moved is what was loaded.
                let took = self.vessels[v].loaded != loaded;
                let admitted = self.admit_gate(now, st);
                progress |= full || took || admitted;
                if mixed && took {
                    self.settle_loaded(s, v, Some(st));
                }
                if full {
                    continue;
                }
                if took || admitted || !mixed {
                    break;
                }
                i += 1;
            }
            progress |= self.call_loaders(s, st);
            for k in 0..self.stores[st].linked_lines.len() {
                let line = self.stores[st].linked_lines[k];
                progress |= self.call_loaders(s, line);
            }
            while self.stores[st].level.space() > 0
                && let Some(&v) = self.stores[st].waiting_dischargers.front()
            {
                let before = self.stores[st].level.level();
                let emptied = self.discharge_step(s, v as usize);
                let next = self.vessels[v as usize].discharge_into;
                if emptied || next != st {
                    // Empty, or this hold is done and the next one waits
                    // for space in another storage (a mixed deck).
                    self.stores[st].waiting_dischargers.pop_front();
                    if !emptied {
                        self.stores[next].waiting_dischargers.push_back(v);
                    }
                    if self.plan.fleets[self.vessels[v as usize].fleet].holds.len() > 1 {
                        self.settle_discharged(s, v as usize, Some(st));
                    }
                    progress = true;
                } else {
                    progress |= self.stores[st].level.level() != before;
                    break;
                }
            }
            if self.stores[st].room_waiters > 0 {
                progress |= self.call_dischargers(s);
            }
            if !progress {
                break;
            }
        }
        self.wake_outflows(s, st);
    }
}

/// A tick's credit (never negative) split into the whole units it allows
/// and the fraction carried over: `(credit - floor, floor)`.
#[inline(always)]
fn split_credit(credit: f64) -> (f64, u64) {
    // Capacities are positive and factors at least 0 (both validated).
    debug_assert!(credit >= 0.0 || credit.is_nan(), "outflow credit {credit} below zero");
    // `credit.floor()` is a library call on the baseline x86-64 target, and
    // conversions between f64 and u64 take a branch each way; for
    // 0 <= credit < 2^53 a truncation through i64 is the same floor, exact,
    // in two instructions.
    if credit < 9_007_199_254_740_992.0 {
        let whole = credit as i64;
        (credit - whole as f64, whole as u64)
    } else {
        let whole = credit.floor();
        (credit - whole, whole as u64)
    }
}

impl World<'_> {
    /// `link_utilization.<outflow>`: what hinterland link `j` carried from
    /// `start` to `now`, the corridor's forwarded units plus its other
    /// freight at the stated rate, over its capacity in that time. A link
    /// that never ran out of cargo is at 1 (capped there: the grid of draws
    /// may put one draw more inside the window than its length holds); NaN
    /// for an empty window.
    pub(super) fn link_utilization(&self, j: usize, start: SimTime, now: SimTime) -> f64 {
        let o = &self.plan.outflows[j];
        let years = now.saturating_since(start).as_hours_f64() / (365.0 * 24.0);
        let capacity = o.capacity_per_year * years;
        if capacity <= 0.0 {
            return f64::NAN;
        }
        ((self.counters.forwarded[j] as f64 + o.other_per_year * years) / capacity).min(1.0)
    }
}
