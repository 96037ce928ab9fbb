//! Disruptions aimed at one element (`[[disruption]]`) and the recovery
//! they leave behind.
//!
//! Every episode is drawn up front, when the replication starts, from the
//! disruption's own stream ([`Source::Disruption`], one sub-stream per entry
//! in file order), so a scenario with a disruption and one without see the
//! same storms, trains and incidents (common random numbers).
//!
//! How each target acts:
//! - a closed port (`scale = 0`), a route and the corridor join the closure
//!   timelines the model already obeys (a closed port neither berths nor
//!   sails; a closed route starts no crossing of its fleet; a closed
//!   corridor starts none at all);
//! - a scaled port or berth class keeps `round(berths x factor)` berths: a
//!   vessel at berth finishes its call, no new one berths above that;
//! - a storage keeps `floor(capacity x factor)` of its capacity usable for
//!   receipts ([`caspian_engine::Level::set_limit`]); what it holds can
//!   still be loaded and forwarded;
//! - an outflow's capacity and an inflow's arrival rate are multiplied by
//!   the factor (an inflow above 1 is a surge; a Poisson inflow's rate is
//!   exact across episode boundaries);
//! - vessels of a fleet leave service at once, lowest-numbered first, with
//!   the cargo aboard counted lost; each comes back after its own draw of
//!   `duration_days` as a fresh vessel at the fleet's origin. The episode
//!   lasts from its onset to the return of the last vessel it took (a
//!   detention: to the end of the last it held), and one that finds no
//!   vessel to take or hold is no episode: no hours, no recovery.
//!
//! Overlapping episodes on one element multiply their factors.
//!
//! The recovery an episode leaves behind is measured in [`super::recovery`].

use caspian_engine::{Scheduler, SimDuration, SimTime, TICKS_PER_DAY, TimeWeighted};
use rand::rngs::ChaCha8Rng;

use super::recovery::Recoveries;
use super::state::{Ev, World};
use super::vessel::{Detention, Vessel};
use super::{at, at_calendar};
use crate::compile::{
    CompiledScenario, DisruptionPlan, DisruptionTarget, DisruptionTiming, class_index,
};
use crate::streams::{Source, stream};
use crate::timeline::{self, Timeline};
use crate::trace::VesselPhase as Phase;

/// The disruptions of one replication: their episodes and state.
#[derive(Debug, Default)]
pub(super) struct Disruptions {
    /// Per disruption: the time it is active (episodes merged), clipped to
    /// the horizon. A vessel disruption's episodes join it when they start,
    /// for as long as the vessels they take are out (a detention: its
    /// nominal window), none if they take no vessel.
    pub(super) active: Vec<Timeline>,
    /// Per disruption: when each episode starts, in order.
    starts: Vec<Vec<SimTime>>,
    /// Per vessel disruption: for each episode in onset order, when each of
    /// its vessels comes back (`None`: never).
    returns: Vec<Vec<Vec<Option<SimTime>>>>,
    /// Per disruption: episode ends in time order, with the episode's index
    /// (none for a vessel disruption, whose episodes end when the model
    /// says: with the last vessel back, [`World::on_vessel_return`], or
    /// the last detention over, [`World::detention_over`]).
    ends: Vec<Vec<(SimTime, usize)>>,
    /// Per disruption: episode ends reached so far.
    ended: Vec<usize>,
    /// Per vessel disruption: for each episode started, in onset order, its
    /// vessels still out or its detentions not yet over (the episode ends
    /// with the last).
    vessels_left: Vec<Vec<usize>>,
    /// Vessels taken out of service by a vessel disruption that will come
    /// back before the horizon: `(vessel, disruption, episode)`.
    coming_back: Vec<(usize, usize, usize)>,
    /// The recovery of every episode ([`super::recovery`]).
    pub(super) recovery: Recoveries,
    /// Per fleet: when its route is closed.
    pub(super) route_closures: Vec<Timeline>,
    /// Per outflow: its capacity factor now.
    pub(super) outflow_factor: Vec<f64>,
}

impl Disruptions {
    /// Whether disruption `d` has an episode in this replication.
    pub(super) fn strikes(&self, d: usize) -> bool {
        !self.starts[d].is_empty()
    }

    /// Draws every disruption's episodes for replication `rep`.
    pub(super) fn draw(plan: &CompiledScenario, seed: u64, rep: u64) -> Self {
        let n = plan.disruptions.len();
        let mut d = Disruptions {
            active: Vec::with_capacity(n),
            starts: Vec::with_capacity(n),
            returns: Vec::with_capacity(n),
            ends: Vec::with_capacity(n),
            ended: vec![0; n],
            vessels_left: vec![Vec::new(); n],
            coming_back: Vec::new(),
            recovery: Recoveries::new(plan),
            route_closures: vec![Timeline::default(); plan.fleets.len()],
            outflow_factor: vec![1.0; plan.outflows.len()],
        };
        for x in &plan.disruptions {
            let mut rng = stream(seed, rep, Source::Disruption, x.stream);
            let drawn = episodes(plan, x, &mut rng);
            if let DisruptionTarget::Route(f) = x.target {
                d.route_closures[f] = d.route_closures[f].union(&drawn.active);
            }
            d.active.push(drawn.active);
            d.starts.push(drawn.starts);
            d.returns.push(drawn.returns);
            d.ends.push(drawn.ends);
        }
        d
    }

    /// The rate factor of inflow `i` at tick `t` and the tick at which it
    /// next may change (`u64::MAX`: never).
    #[inline(always)]
    pub(super) fn inflow_factor(&self, plan: &CompiledScenario, i: usize, t: u64) -> (f64, u64) {
        let mut factor = 1.0;
        let mut next = u64::MAX;
        let t = SimTime::from_ticks(t);
        for (d, x) in plan.disruptions.iter().enumerate() {
            // A factor of 1 scales nothing: its episodes are no change of
            // rate, so the arrivals draw as they would without it.
            if x.target != DisruptionTarget::Inflow(i) || x.scale == 1.0 {
                continue;
            }
            if self.active[d].is_closed(t) {
                factor *= x.scale;
            }
            if let Some(change) = self.active[d].next_change_after(t) {
                next = next.min(change.ticks());
            }
        }
        (factor, next)
    }

    /// The product of the factors of the disruptions on `target` active at `now`.
    fn factor(&self, plan: &CompiledScenario, target: DisruptionTarget, now: SimTime) -> f64 {
        plan.disruptions
            .iter()
            .enumerate()
            .filter(|(d, x)| x.target == target && self.active[*d].is_closed(now))
            .map(|(_, x)| x.scale)
            .product()
    }
}

/// The episodes of one disruption, drawn.
struct Drawn {
    /// When it is active (episodes merged), clipped to the horizon.
    active: Timeline,
    /// When each episode starts, in order.
    starts: Vec<SimTime>,
    /// For vessels: when each vessel of each episode comes back.
    returns: Vec<Vec<Option<SimTime>>>,
    /// Episode ends before the horizon, in time order, with the episode's index.
    ends: Vec<(SimTime, usize)>,
}

/// Draws the episodes of one disruption from its stream.
fn episodes(plan: &CompiledScenario, x: &DisruptionPlan, rng: &mut ChaCha8Rng) -> Drawn {
    let horizon = plan.horizon.ticks();
    let mut onsets = Vec::new();
    match x.timing {
        DisruptionTiming::Fixed { start } => onsets.push(start.ticks()),
        DisruptionTiming::Random { per_year } => {
            let rate = per_year / (365.0 * TICKS_PER_DAY as f64);
            let mut t = 0;
            while let Some(onset) = timeline::next_event(|_| (rate, u64::MAX), t, horizon, rng) {
                onsets.push(onset);
                t = onset.saturating_add(1);
            }
        }
    }
    // Onsets first, then lengths, so the onsets of a disruption do not
    // depend on its length distribution.
    let vessels = match x.target {
        DisruptionTarget::Vessels { count, .. } => Some(count as usize),
        _ => None,
    };
    let mut intervals = Vec::new();
    let mut returns = Vec::new();
    let mut ends = Vec::new();
    // An episode must start before the horizon to strike (a dated one may be
    // set at the horizon itself, where it does nothing, as for every target).
    onsets.retain(|&t| t < horizon);
    for &onset in &onsets {
        let draws = vessels.unwrap_or(1);
        let lengths: Vec<Option<u64>> = (0..draws)
            .map(|_| {
                x.duration_days
                    .as_ref()
                    .map(|d| timeline::ticks_saturating(d.sample(rng), TICKS_PER_DAY))
            })
            .collect();
        let back = |len: Option<u64>| len.map(|l| SimTime::from_ticks(onset.saturating_add(l)));
        if vessels.is_some() {
            // Its hours and its end depend on the vessels it finds in
            // service when it strikes: the model tells
            // ([`World::on_disruption_start`]).
            returns.push(lengths.iter().map(|&l| back(l)).collect());
            continue;
        }
        let last = lengths.iter().map(|&l| back(l)).max().flatten();
        let end = last.map_or(horizon, |e| e.ticks().min(horizon));
        if end > onset {
            intervals.push((SimTime::from_ticks(onset), SimTime::from_ticks(end)));
        }
    }
    let active = Timeline::from_intervals(intervals);
    let starts = if vessels.is_some() {
        onsets.iter().map(|&t| SimTime::from_ticks(t)).collect()
    } else {
        // Overlapping episodes merge: one episode per interval.
        ends = active
            .intervals()
            .iter()
            .enumerate()
            .filter(|(_, iv)| iv.1.ticks() < horizon)
            .map(|(k, iv)| (iv.1, k))
            .collect();
        active.intervals().iter().map(|iv| iv.0).collect()
    };
    Drawn { active, starts, returns, ends }
}

impl World<'_> {
    /// Schedules every episode's start and end.
    pub(super) fn schedule_disruptions(&mut self, s: &mut Scheduler<Ev>) {
        for d in 0..self.plan.disruptions.len() {
            for &t in &self.disruptions.starts[d] {
                at_calendar(s, t, Ev::DisruptionStart(d as u16));
            }
            for &(t, _) in &self.disruptions.ends[d] {
                at_calendar(s, t, Ev::DisruptionEnd(d as u16));
            }
        }
        if !self.plan.disruptions.is_empty() || self.disruptions.recovery.series.is_some() {
            at(s, SimTime::ZERO, Ev::BacklogSample);
        }
    }

    pub(super) fn on_disruption_start(&mut self, s: &mut Scheduler<Ev>, d: usize) {
        // Episodes start in order, each pushing its record: this is the k-th.
        let k = self.disruptions.recovery.started(d);
        self.start_recovery(d, s.now());
        let target = self.plan.disruptions[d].target;
        if let DisruptionTarget::Vessels { fleet, .. } = target {
            let returns = self.disruptions.returns[d].get(k).cloned().unwrap_or_default();
            if self.plan.disruptions[d].detain {
                self.detain_vessels(s, (d, k), fleet, &returns);
                return;
            }
            let mut taken = Vec::new();
            for back in returns {
                let Some(v) = self.in_service(fleet) else { break };
                self.withdraw_vessel(s, v);
                if let Some(t) = back.filter(|&t| t <= self.plan.horizon) {
                    self.replace_at(s, v, t);
                    self.disruptions.coming_back.push((v, d, k));
                }
                taken.push(back);
            }
            // In effect until the last vessel it took is back (to the
            // horizon if one never is).
            let until =
                taken.iter().try_fold(SimTime::ZERO, |last, back| back.map(|t| last.max(t)));
            self.vessel_episode(s, (d, k), taken.len(), until);
        } else {
            self.apply(s, target);
        }
    }

    pub(super) fn on_disruption_end(&mut self, s: &mut Scheduler<Ev>, d: usize) {
        let now = s.now();
        let n = self.disruptions.ended[d];
        self.disruptions.ended[d] += 1;
        if let Some(&(_, k)) = self.disruptions.ends[d].get(n) {
            self.disruptions.recovery.end(d, k, now);
        }
        let target = self.plan.disruptions[d].target;
        if !matches!(target, DisruptionTarget::Vessels { .. }) {
            self.apply(s, target);
        }
    }

    /// Puts the factors of the disruptions on `target` active now into effect.
    fn apply(&mut self, s: &mut Scheduler<Ev>, target: DisruptionTarget) {
        let now = s.now();
        match target {
            DisruptionTarget::Port(p) => {
                for c in 0..self.ports[p].berths.len() {
                    self.apply_berths(s, p, c);
                }
            }
            DisruptionTarget::Berths { port, class } => self.apply_berths(s, port, class),
            DisruptionTarget::Storage(st) => {
                let factor = self.disruptions.factor(self.plan, target, now);
                let capacity = self.plan.storages[st].capacity;
                let limit = (capacity as f64 * factor).floor().min(capacity as f64) as u64;
                self.stores[st].level.set_limit(now, limit);
                self.settle(s, st);
            }
            DisruptionTarget::Outflow(j) => {
                self.disruptions.outflow_factor[j] =
                    self.disruptions.factor(self.plan, target, now);
            }
            // Inflows read their factor when they schedule an arrival; routes,
            // the corridor and closed ports act through closure timelines.
            DisruptionTarget::Inflow(_)
            | DisruptionTarget::Route(_)
            | DisruptionTarget::Corridor
            | DisruptionTarget::Vessels { .. } => {}
        }
    }

    /// The berths of class `c` at port `p` in service now: none while the
    /// port is closed, else the plan's count scaled by the disruptions on
    /// the port and on the class, rounded.
    pub(super) fn berths_in_service(&self, p: usize, c: usize, now: SimTime) -> u32 {
        if self.ports[p].closures.is_closed(now) {
            return 0;
        }
        let n = self.plan.ports[p].berths[c];
        if self.plan.disruptions.is_empty() {
            return n;
        }
        let factor = self.disruptions.factor(self.plan, DisruptionTarget::Port(p), now)
            * self.disruptions.factor(
                self.plan,
                DisruptionTarget::Berths { port: p, class: c },
                now,
            );
        crate::scenario::Disruption::berths_left(n, factor)
    }

    fn apply_berths(&mut self, s: &mut Scheduler<Ev>, p: usize, c: usize) {
        let now = s.now();
        let n = self.class_capacity(p, c, now);
        self.ports[p].berths[c].set_capacity(now, n);
        while let Some(g) = self.ports[p].berths[c].grant_next(now) {
            self.on_granted(s, g.requester);
        }
        self.rebalance_shared(s, p);
    }

    /// Owes a detention of episode `(d, k)` to each of the lowest-numbered
    /// vessels of `fleet` in service that neither owe nor serve one, one
    /// for each end in `returns` (the episode's start, `now`, plus each
    /// vessel's draw): each serves it when its port call is over, held in
    /// port with its cargo before it sails ([`World::leave_berth`]). The
    /// episode ends when the last is over (at once if no vessel was free).
    fn detain_vessels(
        &mut self,
        s: &mut Scheduler<Ev>,
        (d, k): (usize, usize),
        fleet: usize,
        returns: &[Option<SimTime>],
    ) {
        let now = s.now();
        let mut free = self.vessels.iter().enumerate().filter(|(_, v)| {
            v.fleet == fleet
                && v.phase != Phase::Lost
                && v.detain_next.is_none()
                && v.serving_detention.is_none()
        });
        let chosen: Vec<(usize, SimDuration)> = returns
            .iter()
            .map_while(|back| {
                let (v, _) = free.next()?;
                Some((v, back.map_or(SimDuration::ZERO, |t| t.saturating_since(now))))
            })
            .collect();
        // Its hours: the nominal window of the detentions it holds, from now
        // to now plus the longest draw among them.
        let until = chosen.iter().map(|&(_, length)| now + length).max();
        self.vessel_episode(s, (d, k), chosen.len(), until);
        for (v, length) in chosen {
            let detention = Detention { length, disruption: d, episode: k };
            self.vessels[v].detain_next = Some(detention);
        }
    }

    /// Episode `k` of vessel disruption `d` has just struck and taken (or
    /// holds) `vessels` vessels, and is in effect until `until` (`None`:
    /// beyond the horizon): its hours join `active`, and it waits for its
    /// vessels. One that took none is no episode: no hours, and neither a
    /// recovery nor an unrecovered one (its end shows at once in a trace).
    fn vessel_episode(
        &mut self,
        s: &mut Scheduler<Ev>,
        (d, k): (usize, usize),
        vessels: usize,
        until: Option<SimTime>,
    ) {
        let now = s.now();
        // Episodes start in order: this one's count goes at index `k`.
        self.disruptions.vessels_left[d].push(vessels);
        if vessels == 0 {
            self.disruptions.recovery.void(d, k);
            at(s, now, Ev::DisruptionEnd(d as u16));
            return;
        }
        let end = until.map_or(self.plan.horizon, |t| t.min(self.plan.horizon));
        if end > now {
            let active = &mut self.disruptions.active[d];
            *active = active.union(&Timeline::from_intervals(vec![(now, end)]));
        }
    }

    /// One vessel of episode `k` of vessel disruption `d` is back, or one
    /// detention of it over (served, or void: the vessel left service
    /// first); the episode ends with its last.
    fn vessel_back(&mut self, s: &mut Scheduler<Ev>, d: usize, k: usize) {
        let left = &mut self.disruptions.vessels_left[d][k];
        *left -= 1;
        if *left == 0 {
            self.end_vessel_episode(s, d, k);
        }
    }

    /// One detention of its episode is over (served, or void: the vessel
    /// left service first); the episode ends with its last.
    pub(super) fn detention_over(&mut self, s: &mut Scheduler<Ev>, detention: Detention) {
        self.vessel_back(s, detention.disruption, detention.episode);
    }

    /// Episode `k` of vessel disruption `d` ends now. Its recovery is
    /// timed from now at once (a backlog sample due now, queued earlier,
    /// counts); the `DisruptionEnd` queued now only shows the end in a trace
    /// (a vessel disruption has no precomputed `ends` for it to read).
    fn end_vessel_episode(&mut self, s: &mut Scheduler<Ev>, d: usize, k: usize) {
        let now = s.now();
        self.disruptions.recovery.end(d, k, now);
        at(s, now, Ev::DisruptionEnd(d as u16));
    }

    /// Vessel `v` leaves service now: a detention it owes or serves is over.
    pub(super) fn forget_detentions(&mut self, s: &mut Scheduler<Ev>, v: usize) {
        let ves = &mut self.vessels[v];
        for detention in
            [ves.detain_next.take(), ves.serving_detention.take()].into_iter().flatten()
        {
            self.detention_over(s, detention);
        }
    }

    /// The lowest-numbered vessel of `fleet` in service.
    fn in_service(&self, fleet: usize) -> Option<usize> {
        self.vessels.iter().position(|v| v.fleet == fleet && v.phase != Phase::Lost)
    }

    /// Takes vessel `v` out of service now, wherever it is: out of the line
    /// it waits in, off its berth, its cargo counted lost. Its pending
    /// events find it `Lost` and do nothing.
    fn withdraw_vessel(&mut self, s: &mut Scheduler<Ev>, v: usize) {
        let now = s.now();
        self.cut_downtime(v, now);
        if let Some(key) = self.vessels[v].timer.take() {
            s.cancel(key);
        }
        let ves = &mut self.vessels[v];
        let f = &self.plan.fleets[ves.fleet];
        let class = class_index(f.berth_class);
        let port = ves.port;
        match ves.phase {
            Phase::Anchorage => {
                if let Some(ticket) = ves.berth_ticket.take() {
                    self.ports[port].berths[class].withdraw(now, ticket);
                }
            }
            Phase::WaitingSpace if ves.holds_berth => {
                let st = ves.discharge_into;
                self.stores[st].waiting_dischargers.retain(|&w| w as usize != v);
            }
            Phase::Convoy => {
                self.ports[port].convoy.retain(|&w| w as usize != v);
                // Its wait so far, as one still in a convoy at the end.
                let waited = now.saturating_since(ves.convoy_since).as_hours_f64();
                self.escorts.record_member_wait(waited);
            }
            _ => {}
        }
        let (at_origin, loads_from) = (self.vessels[v].at_origin, self.vessels[v].load_from);
        self.forget_space_wait(v, now);
        self.forget_cargo_wait(v, now);
        let left_convoy = self.vessels[v].phase == Phase::Convoy;
        self.lose_cargo_aboard(v);
        self.forget_detentions(s, v);
        let ves = &mut self.vessels[v];
        self.counters.vessels_out[ves.fleet] += 1;
        let held = std::mem::take(&mut ves.holds_berth);
        self.set_phase(v, now, Phase::Lost);
        if held {
            self.release_berth(s, port, class);
        }
        if left_convoy {
            self.left_convoy(s, port);
        }
        // Its place in a cargo or space line, or its claims, are free: the
        // next vessel may be called now (in the line it waits in, where a
        // mixed deck's other holds had claims, and in the space line).
        if loads_from < self.stores.len() {
            self.call_loaders(s, loads_from);
        }
        self.call_dischargers(s);
        for h in &f.holds[1..] {
            if let Some(st) = h.loads_from(at_origin) {
                self.call_loaders(s, st);
            }
        }
    }

    /// Vessel `v`, out of service, is replaced at `t` (it returns, or a
    /// charter enters service).
    pub(super) fn replace_at(&mut self, s: &mut Scheduler<Ev>, v: usize, t: SimTime) {
        self.vessels[v].back_at = Some(t);
        at(s, t, Ev::VesselReturn(v as u32));
    }

    /// A replacement for vessel `v` enters service at its fleet's origin
    /// (the end of its disruption's episode, with the last of its vessels).
    pub(super) fn on_vessel_return(&mut self, s: &mut Scheduler<Ev>, v: usize) {
        let now = s.now();
        let back = &mut self.disruptions.coming_back;
        if let Some(i) = back.iter().position(|&(w, ..)| w == v) {
            let (_, d, k) = back.swap_remove(i);
            self.vessel_back(s, d, k);
        }
        let fleet = self.vessels[v].fleet;
        // Statistics of a vessel run from the start of the window, idle
        // before it existed, so a fleet's mean counts vessel-time per
        // vessel of the plan.
        let since = if self.warmup_done { self.plan.warmup.min(now) } else { SimTime::ZERO };
        let f = &self.plan.fleets[fleet];
        let mut replacement = Vessel::new(fleet, f.origin, f.holds.len());
        replacement.working = TimeWeighted::new(since, 0.0);
        self.vessels.push(replacement);
        let new = self.vessels.len() - 1;
        at(s, now, Ev::Arrive(new as u32));
    }
}
