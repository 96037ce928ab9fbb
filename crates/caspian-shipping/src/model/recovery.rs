//! The recovery a disruption ([`super::disruption`]) leaves behind: the
//! backlog each disruption is measured on, sampled every hour, and the
//! first sample after each episode at which it was back.
//!
//! **The backlog measured.** For every disruption, the cargo in the
//! corridor ([`super::corridor`]: origin storages, aboard, at origin
//! gates). For a disruption aimed at a *hand-over* storage (one that no
//! fleet loads from and that an outflow drains: the Alat yard, the
//! Sangachal tank farm) or at an outflow that drains one (the BTK railway,
//! the BTC pipeline), also that storage's level: the cargo waiting for the
//! link. Without it a tank farm that absorbed a BTC outage would count as
//! recovered at the outage's end, while it still held weeks of oil.
//!
//! **Recovery.** When an episode starts, the mean of the disruption's
//! samples of the 7 days before is its "level before", for each cargo the
//! target carries (a mean, because the level swings with every tanker that
//! loads). The episode has recovered at the first hourly sample after its
//! end where every such cargo is within 5% of (at most 1.05 times) its
//! level before. `recovery_days.<id>` is the longest recovery among the
//! episodes that ended in the window, undefined when one has not recovered
//! by the horizon (counted in `unrecovered.<id>`).
//!
//! **Paired recovery** (`paired_recovery = true`). The level swings, so an
//! episode that changed nothing can take days to be seen back within 5%
//! of its level before. The paired measure first runs the same replication
//! without each disruption that strikes in it, in turn (its plan's
//! [`crate::compile::CompiledScenario::twins`], on the same random
//! streams), keeps each such run's hourly samples of the backlog this
//! disruption is measured on ([`Series`]), and takes an episode as
//! recovered at the first sample after its end where every cargo its
//! target carries exceeds its twin's sample of the same hour by at most 5%
//! of its level before: the backlog this disruption left, not the
//! corridor's own swings nor another disruption's.
//! `recovery_paired_days.<id>` and `unrecovered_paired.<id>` follow the
//! rules above.

use std::collections::VecDeque;

use caspian_engine::{Scheduler, SimDuration, SimTime, TICKS_PER_DAY, TICKS_PER_HOUR};

use super::state::{Ev, World};
use super::{CARGOES, at, cargo_idx};
use crate::compile::{CompiledScenario, DisruptionTarget, class_index};

/// Recovery is reached within this share of the level before the episode.
const RECOVERY_TOLERANCE: f64 = 0.05;

/// How often the backlog is sampled (and pending recoveries checked).
const SAMPLE_EVERY: SimDuration = SimDuration::from_ticks(TICKS_PER_HOUR);

/// The days of hourly samples the "level before" an episode averages: its
/// last week. An episode in a run's first week is timed against a corridor
/// still filling from empty (the study's warnings say so).
pub const LEVEL_BEFORE_DAYS: usize = 7;

/// Samples in the "level before" an episode.
const SAMPLES_BEFORE: usize = LEVEL_BEFORE_DAYS * 24;

/// One episode's recovery.
#[derive(Debug, Clone)]
struct Episode {
    /// The backlog before the episode: the mean of the hourly samples of
    /// the 7 days before its start.
    before: [f64; CARGOES],
    /// When the episode began.
    began: SimTime,
    /// Whether it began before the first hourly sample (at 0 h): then it
    /// has no level before, and no plain recovery (the paired one still
    /// measures it against its twin).
    no_level: bool,
    /// When the episode ended (`None`: not yet, or never before the horizon).
    ended: Option<SimTime>,
    /// The first check at which the backlog was back.
    recovered: Option<SimTime>,
    /// The first check at which it was back against the twin's.
    paired: Option<SimTime>,
    /// Whether it is no episode: a vessel disruption that found no vessel
    /// to take or hold. It has no recovery and is not unrecovered.
    void: bool,
}

/// The hourly samples a twin keeps of the backlog another run's disruption
/// is measured on.
#[derive(Debug, Clone)]
pub(super) struct Series {
    /// The hand-over storages that backlog counts besides the corridor.
    watch: Vec<usize>,
    /// One sample an hour, from 0 h.
    pub(super) samples: Vec<[u128; CARGOES]>,
}

/// The recoveries of one replication's disruptions.
#[derive(Debug, Default)]
pub(super) struct Recoveries {
    /// Per disruption: the cargoes its target carries (oil, wagons, ...).
    cargoes: Vec<[bool; CARGOES]>,
    /// Per disruption: the hand-over storages whose level its backlog
    /// counts besides the corridor (none, or the one its target is or
    /// drains).
    watch: Vec<Vec<usize>>,
    /// Per disruption: one record per started episode.
    episodes: Vec<Vec<Episode>>,
    /// Per disruption: the last [`SAMPLES_BEFORE`] hourly samples of its
    /// backlog.
    recent: Vec<VecDeque<[u128; CARGOES]>>,
    /// Hourly samples taken so far.
    sampled: usize,
    /// Kept when this run is another's twin.
    pub(super) series: Option<Series>,
    /// Per disruption, for the paired recovery: the hourly samples of its
    /// twin (the replication without it), or `None` when the twin was not
    /// run (no episode to time) or stopped early (a safeguard: its
    /// recoveries are then undefined, not unrecovered). Empty without
    /// pairing.
    pub(super) references: Vec<Option<Vec<[u128; CARGOES]>>>,
}

impl Recoveries {
    /// No episode yet, for every disruption of `plan`.
    pub(super) fn new(plan: &CompiledScenario) -> Self {
        let hand_over = plan.hand_over_storages();
        let n = plan.disruptions.len();
        Recoveries {
            cargoes: plan.disruptions.iter().map(|x| cargoes(plan, x.target)).collect(),
            watch: plan.disruptions.iter().map(|x| watch(plan, &hand_over, x.target)).collect(),
            episodes: vec![Vec::new(); n],
            recent: vec![VecDeque::with_capacity(SAMPLES_BEFORE); n],
            sampled: 0,
            series: None,
            references: Vec::new(),
        }
    }

    /// A twin of disruption `d` of this run: the samples it must keep.
    pub(super) fn series_for(&self, d: usize) -> Series {
        Series { watch: self.watch[d].clone(), samples: Vec::new() }
    }

    /// Episodes of disruption `d` started so far.
    pub(super) fn started(&self, d: usize) -> usize {
        self.episodes[d].len()
    }

    /// Episode `k` of disruption `d` is no episode (it found nothing to
    /// strike): neither recovered nor unrecovered.
    pub(super) fn void(&mut self, d: usize, k: usize) {
        if let Some(r) = self.episodes[d].get_mut(k) {
            r.void = true;
        }
    }

    /// Episode `k` of disruption `d` ended at `now`.
    pub(super) fn end(&mut self, d: usize, k: usize, now: SimTime) {
        if let Some(r) = self.episodes[d].get_mut(k) {
            r.ended = Some(now);
        }
    }

    /// Records the sample `level` of disruption `d`'s backlog at `now`, the
    /// `hour`-th, and checks its ended episodes against it.
    fn observe(&mut self, d: usize, hour: usize, now: SimTime, level: [u128; CARGOES]) {
        let recent = &mut self.recent[d];
        if recent.len() == SAMPLES_BEFORE {
            recent.pop_front();
        }
        recent.push_back(level);
        let cargoes = self.cargoes[d];
        // Its twin's sample of this hour (every run samples on one grid).
        let twin = self.references.get(d).and_then(|r| r.as_ref()?.get(hour));
        let within = |c: usize, bound: f64| !cargoes[c] || level[c] as f64 <= bound;
        for r in self.episodes[d].iter_mut().filter(|r| r.ended.is_some() && !r.void) {
            if r.recovered.is_none()
                && (0..CARGOES).all(|c| within(c, r.before[c] * (1.0 + RECOVERY_TOLERANCE)))
            {
                r.recovered = Some(now);
            }
            // The band's width is the same; its centre is the twin's level.
            if let Some(twin) = twin
                && r.paired.is_none()
                && (0..CARGOES)
                    .all(|c| within(c, twin[c] as f64 + r.before[c] * RECOVERY_TOLERANCE))
            {
                r.paired = Some(now);
            }
        }
    }

    /// `recovery_days.<id>` and `unrecovered.<id>` of disruption `d` over
    /// the window from `start` (their `_paired` forms with `paired`): the
    /// longest recovery of the episodes that ended in it (NaN when none
    /// did, or one has not recovered), and how many episodes have not
    /// recovered by now: ended in the window but still above their band,
    /// or still in effect.
    pub(super) fn longest(&self, d: usize, start: SimTime, paired: bool) -> (f64, u64) {
        if paired && self.references.get(d).is_some_and(Option::is_none) {
            // No twin ran (no episode), or a safeguard stopped it: nothing to
            // compare with, so undefined, not unrecovered.
            return (f64::NAN, 0);
        }
        let mut longest: Option<f64> = None;
        let mut unrecovered = 0u64;
        for r in self.episodes[d].iter().filter(|r| !r.void) {
            // No level to be back at: neither recovered nor not.
            if r.no_level && !paired {
                continue;
            }
            // Still in effect at the end: it has not recovered either.
            let Some(ended) = r.ended else {
                unrecovered += 1;
                continue;
            };
            // Ended in the warm-up, or at its end having begun before it:
            // none of it in the window.
            if ended < start || (ended == start && r.began < start) {
                continue;
            }
            match if paired { r.paired } else { r.recovered } {
                Some(t) => {
                    let days = t.saturating_since(ended).ticks() as f64 / TICKS_PER_DAY as f64;
                    longest = Some(longest.map_or(days, |l: f64| l.max(days)));
                }
                None => unrecovered += 1,
            }
        }
        let days = if unrecovered > 0 { f64::NAN } else { longest.unwrap_or(f64::NAN) };
        (days, unrecovered)
    }
}

/// The cargoes `target` carries: those of the fleets it touches, or of the
/// storage behind it.
fn cargoes(plan: &CompiledScenario, target: DisruptionTarget) -> [bool; CARGOES] {
    let mut out = [false; CARGOES];
    let mut fleet_cargo = |keep: &dyn Fn(usize) -> bool| {
        for (fi, f) in plan.fleets.iter().enumerate() {
            if keep(fi) {
                for h in &f.holds {
                    out[cargo_idx(h.cargo)] = true;
                }
            }
        }
    };
    match target {
        DisruptionTarget::Port(p) => {
            fleet_cargo(&|fi| plan.fleets[fi].origin == p || plan.fleets[fi].destination == p);
        }
        DisruptionTarget::Berths { port, class } => fleet_cargo(&|fi| {
            let f = &plan.fleets[fi];
            (f.origin == port || f.destination == port) && class_index(f.berth_class) == class
        }),
        DisruptionTarget::Route(f) | DisruptionTarget::Vessels { fleet: f, .. } => {
            fleet_cargo(&|fi| fi == f);
        }
        DisruptionTarget::Corridor => fleet_cargo(&|_| true),
        DisruptionTarget::Storage(st) => out[cargo_idx(plan.storages[st].cargo)] = true,
        DisruptionTarget::Outflow(j) => {
            out[cargo_idx(plan.storages[plan.outflows[j].from].cargo)] = true;
        }
        DisruptionTarget::Inflow(i) => {
            out[cargo_idx(plan.storages[plan.inflows[i].into].cargo)] = true;
        }
    }
    out
}

/// The hand-over storages whose level the backlog of a disruption on
/// `target` counts besides the corridor: the storage it is aimed at, or
/// the one the outflow it is aimed at drains, when that is a hand-over
/// storage.
fn watch(plan: &CompiledScenario, hand_over: &[bool], target: DisruptionTarget) -> Vec<usize> {
    let st = match target {
        DisruptionTarget::Storage(st) => st,
        DisruptionTarget::Outflow(j) => plan.outflows[j].from,
        _ => return Vec::new(),
    };
    if hand_over[st] { vec![st] } else { Vec::new() }
}

impl World<'_> {
    /// Disruption `d`'s episode starts `now`: notes its level before.
    pub(super) fn start_recovery(&mut self, d: usize, now: SimTime) {
        let before = self.level_before(d);
        let no_level = self.disruptions.recovery.recent[d].is_empty();
        let episode = Episode {
            before,
            began: now,
            no_level,
            ended: None,
            recovered: None,
            paired: None,
            void: false,
        };
        self.disruptions.recovery.episodes[d].push(episode);
    }

    /// The backlog of a disruption watching `watch`: `corridor` (the cargo
    /// in the corridor now) plus the level of each watched storage, per
    /// cargo.
    fn backlog(&self, corridor: [u128; CARGOES], watch: &[usize]) -> [u128; CARGOES] {
        let mut units = corridor;
        for &st in watch {
            units[cargo_idx(self.plan.storages[st].cargo)] +=
                u128::from(self.stores[st].level.level());
        }
        units
    }

    /// The mean of disruption `d`'s samples of the last 7 days (its backlog
    /// now, before the first sample).
    fn level_before(&self, d: usize) -> [f64; CARGOES] {
        let recovery = &self.disruptions.recovery;
        let samples = &recovery.recent[d];
        if samples.is_empty() {
            return self.backlog(self.in_corridor(), &recovery.watch[d]).map(|x| x as f64);
        }
        let mut sum = [0.0; CARGOES];
        for x in samples {
            for (total, &v) in sum.iter_mut().zip(x) {
                *total += v as f64;
            }
        }
        sum.map(|x| x / samples.len() as f64)
    }

    /// Samples every disruption's backlog and checks its pending recoveries
    /// against it; again in an hour.
    pub(super) fn on_backlog_sample(&mut self, s: &mut Scheduler<Ev>) {
        let now = s.now();
        let corridor = self.in_corridor();
        let recovery = &self.disruptions.recovery;
        let hour = recovery.sampled;
        let twin_sample = recovery.series.as_ref().map(|x| self.backlog(corridor, &x.watch));
        if let (Some(sample), Some(series)) = (twin_sample, &mut self.disruptions.recovery.series) {
            series.samples.push(sample);
        }
        for d in 0..self.disruptions.recovery.watch.len() {
            let level = self.backlog(corridor, &self.disruptions.recovery.watch[d]);
            self.disruptions.recovery.observe(d, hour, now, level);
        }
        self.disruptions.recovery.sampled += 1;
        let next = now.saturating_add(SAMPLE_EVERY);
        if next <= self.plan.horizon {
            at(s, next, Ev::BacklogSample);
        }
    }
}
