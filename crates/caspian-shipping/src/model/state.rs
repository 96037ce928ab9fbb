//! The world of one replication: ports, storages, vessels and their
//! statistics, the events that drive it ([`Ev`]), its construction from a
//! compiled scenario and the run loop ([`simulate`], [`simulate_probed`]).

use std::collections::VecDeque;

use caspian_engine::{EventKey, Model, Resource, Scheduler, SimDuration, SimTime, Tally, WaitId};
use rand::RngExt;
use rand::rngs::ChaCha8Rng;

use super::availability::Downtimes;
use super::convoys::EscortForce;
use super::disruption::Disruptions;
use super::histogram::WeightedHistogram;
use super::monthly::Monthly;
use super::shared_berths::Pool;
use super::store::{Store, UnitHours};
use super::vessel::{Vessel, fleet_vessels};
use super::{CARGOES, at, at_calendar, cargo_idx, hours};
use crate::compile::{CompiledScenario, DisruptionTarget};
use crate::saturation::WaitingLine;
use crate::streams::{Source, stream};
use crate::timeline::{self, Timeline};
use crate::trace::VesselPhase as Phase;

/// Events of the Caspian model. Payloads are indices into the world's tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Ev {
    /// Statistics restart.
    EndWarmup,
    /// A port closes to berthing and departures.
    PortClose(u16),
    /// A port reopens.
    PortOpen(u16),
    /// Cargo arrives from the hinterland.
    Inflow(u16),
    /// A hinterland link takes what it can.
    Outflow(u16),
    /// A vessel reaches the anchorage of the port it is heading to.
    Arrive(u32),
    /// A vessel has finished discharging.
    DischargeDone(u32),
    /// A vessel's wait for cargo ends (max wait or timetable slot).
    LoadTimer(u32),
    /// A vessel has finished loading and is ready to sail.
    LoadDone(u32),
    /// A vessel retries its departure after a closure; or a detained vessel
    /// is released and starts its crossing.
    TryDepart(u32),
    /// A convoy at this port is due to sail (or retry after a closure).
    ConvoyGo(u16),
    /// An escort reaches this port with its convoy, whose longest
    /// crossing was this fleet's ([`super::convoys`]).
    EscortArrive(u16, u16),
    /// An escort is back from a sortie and free.
    EscortBack,
    /// An open-traffic vessel arrives.
    OpenArrival(u16),
    /// An open-traffic vessel leaves its berth.
    OpenDepart(u16),
    /// An episode of a disruption starts.
    DisruptionStart(u16),
    /// An episode of a disruption ends.
    DisruptionEnd(u16),
    /// A replacement for this vessel (out of service) enters service.
    VesselReturn(u32),
    /// A vessel called from its wait at sea (pre-advice) reaches the
    /// anchorage and asks for a berth.
    SailIn(u32),
    /// The cargo in the corridor is sampled (hourly, only in scenarios with
    /// disruptions) and pending recoveries are checked.
    BacklogSample,
    /// The patience of inflow `i`'s oldest arrival with a pending patience
    /// runs out: diverted if it is still waiting (see `landside`).
    GatePatience(u16),
    /// A calendar month inside the reported window ends ([`super::monthly`]).
    MonthEnd,
}

// Events are copied in and out of the queue millions of times a second:
// payloads stay indices (at most 32 bits), so an event is 8 bytes.
const _: () = assert!(std::mem::size_of::<Ev>() == 8);

impl Ev {
    /// The fleet vessel an event belongs to, if any.
    pub(super) fn vessel(self) -> Option<usize> {
        match self {
            Ev::Arrive(v)
            | Ev::DischargeDone(v)
            | Ev::LoadTimer(v)
            | Ev::LoadDone(v)
            | Ev::TryDepart(v)
            | Ev::SailIn(v) => Some(v as usize),
            _ => None,
        }
    }
}

/// Who holds or waits for a berth.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Occupant {
    /// A fleet vessel.
    Vessel(u32),
    /// An open-traffic vessel of this stream.
    Open(u16),
}

#[derive(Debug)]
pub(super) struct PortState {
    pub(super) closures: Timeline,
    /// Berths per class, in `BerthClass::ALL` order.
    pub(super) berths: Vec<Resource<Occupant>>,
    /// Groups of berths shared by several classes ([`super::shared_berths`]).
    pub(super) pools: Vec<Pool>,
    pub(super) convoy: Vec<u32>,
    pub(super) convoy_due: Option<EventKey>,
    /// The convoy is due but held by a closure (its `convoy_due` is the
    /// reopening).
    pub(super) convoy_held: bool,
}

/// The KPI counters, reset at the end of warm-up.
///
/// Amounts are summed in `u128`, which cannot wrap for any scenario that
/// compiles. The bound: every amount added is one *piece*, and
/// - a piece is at most 10^15 (`MAX_AMOUNT`: a vessel's load is at most its
///   capacity, a storage's content at most its capacity), except the part
///   of an inflow draw larger than its whole storage, which is shut in: a
///   `u64`, below 2^64, at most one per event;
/// - an event adds at most one piece per vessel and one per storage or
///   outflow it touches, plus gate admissions, each the arrival of an
///   earlier inflow event: at most `V + S + 2` pieces per event, with
///   `V` ≤ 10^6 vessels in all (`MAX_VESSELS`) and `S` ≤ 65,535 storages;
/// - a replication fires at most 10^12 events (`MAX_EVENTS`), and the
///   storages start with at most `S` × 10^15.
///
/// So every sum is below 10^12 × (2^64 + (10^6 + 65,537) × 10^15) +
/// 65,535 × 10^15 < 1.1 × 10^33, far below 2^127 (1.7 × 10^38; the
/// residual in [`World::conservation_residual`] is an `i128`). Counts
/// (voyages, incidents, ...) grow by at most one per vessel per event and
/// a vessel sails once between two of its own events, so they stay below
/// the event count and fit a `u64`.
#[derive(Debug, Default)]
pub(super) struct Counters {
    pub(super) delivered: Vec<u128>,
    pub(super) forwarded: Vec<u128>,
    pub(super) shut_in: Vec<u128>,
    pub(super) voyages: Vec<u64>,
    pub(super) incidents: u64,
    pub(super) detentions: u64,
    pub(super) vessels_lost: u64,
    /// Vessels of each fleet lost to incidents.
    pub(super) fleet_vessels_lost: Vec<u64>,
    /// Vessels of the plan out of service when the window opens (lost or
    /// withdrawn in the warm-up, not yet replaced).
    pub(super) missing_at_start: u64,
    /// Vessels of each fleet taken out of service by disruptions.
    pub(super) vessels_out: Vec<u64>,
    /// Vessel arrivals at each port (fleet and open traffic).
    pub(super) port_calls: Vec<u64>,
    /// Units each fleet discharged into storages (both legs), per hold of
    /// its deck (0: its own cargo).
    pub(super) carried: Vec<[u128; CARGOES]>,
    pub(super) cargo_lost: [u128; CARGOES],
    /// Units that arrived per inflow (admitted, waiting at the gate, shut
    /// in or diverted).
    pub(super) demand: Vec<u128>,
    /// Units per inflow that left the gate when their patience ran out.
    pub(super) diverted: Vec<u128>,
    /// Units of each cargo in the corridor when the window opened (time 0,
    /// or the end of warm-up): see [`super::corridor`].
    pub(super) in_corridor_at_start: [u128; CARGOES],
    /// Per fleet: loaded departures and what draft did to them
    /// ([`super::draft`]).
    pub(super) draft: Vec<super::draft::DraftTally>,
}

/// Whole-run totals for the conservation check (never reset at warm-up);
/// `u128` for the reason given at [`Counters`].
#[derive(Debug, Default, Clone, Copy)]
pub(super) struct Ledger {
    pub(super) entered: u128,
    pub(super) forwarded: u128,
    pub(super) lost: u128,
}

pub(super) struct World<'a> {
    pub(super) plan: &'a CompiledScenario,
    pub(super) ports: Vec<PortState>,
    pub(super) stores: Vec<Store>,
    /// Whether each storage is an origin (some fleet loads from it): see
    /// [`super::corridor`].
    pub(super) origin: Vec<bool>,
    /// Whether each storage is a hand-over storage (no fleet loads from
    /// it, an outflow drains it): `CompiledScenario::hand_over_storages`.
    pub(super) hand_over: Vec<bool>,
    pub(super) vessels: Vec<Vessel>,
    pub(super) area_storms: Vec<Timeline>,
    /// Per sea area: where the last crossing's start fell among its storms
    /// (a lookup hint; crossings start in time order, mostly).
    pub(super) storm_hint: Vec<usize>,
    pub(super) corridor: Timeline,
    /// Disruptions aimed at one element: episodes, factors, recoveries.
    pub(super) disruptions: Disruptions,
    /// Per inflow: the gate waits whose patience event is pending, oldest
    /// first (see `on_gate_patience`).
    pub(super) patience_due: Vec<VecDeque<WaitId>>,
    pub(super) inflow_rng: Vec<ChaCha8Rng>,
    /// Whether inflow `i`'s next event is a month-boundary wake-up, not an arrival.
    pub(super) inflow_wakeup: Vec<bool>,
    pub(super) vessel_rng: Vec<ChaCha8Rng>,
    pub(super) interdiction_rng: Vec<ChaCha8Rng>,
    /// Per fleet, the lead times of replacements of vessels lost at sea
    /// (empty when lost vessels are not replaced).
    pub(super) replacement_rng: Vec<ChaCha8Rng>,
    pub(super) open_arrival_rng: Vec<ChaCha8Rng>,
    pub(super) open_service_rng: Vec<ChaCha8Rng>,
    pub(super) outflow_credit: Vec<f64>,
    /// Outflow `j` has stopped ticking because its storage is empty; it
    /// resumes at its next tick after cargo arrives (see `wake_outflows`).
    pub(super) outflow_idle: Vec<bool>,
    /// Time of outflow `j`'s last tick (zero before the first).
    pub(super) outflow_last: Vec<SimTime>,
    pub(super) counters: Counters,
    pub(super) ledger: [Ledger; CARGOES],
    pub(super) transit: [WeightedHistogram; CARGOES],
    /// Per storage: unit-hours cargo waited in a hand-over storage for its
    /// hinterland link, counted when the link takes it.
    pub(super) link_wait: Vec<UnitHours>,
    pub(super) crossing_h: Vec<Tally>,
    /// Counts for the cost KPIs only ([`super::costing`]).
    pub(super) costing: super::costing::CostCounters,
    /// Per fleet: hours from being ready to load until called to a berth.
    pub(super) cargo_wait_h: Vec<Tally>,
    /// Per fleet: hours from arriving laden until called to a berth.
    pub(super) space_wait_h: Vec<Tally>,
    pub(super) gate_wait_h: Vec<Tally>,
    pub(super) warmup_done: bool,
    /// Open-traffic vessels and inflow arrivals waiting, all lines together
    /// (fleet vessels are bounded by the fleets' size).
    pub(super) backlog: usize,
    /// Laden vessels waiting at the anchorage for room ashore, in the order
    /// they arrived (`super::space_line`).
    pub(super) space_line: Vec<u32>,
    /// Scratch for [`World::call_dischargers`]: room per storage.
    pub(super) room_scratch: Vec<u64>,
    /// The waiting line that outgrew `max_waiting` and stopped the run.
    pub(super) overflowed: Option<WaitingLine>,
    /// Events fired that did nothing ([`World::ignores`]).
    pub(super) ignored_events: u64,
    /// The monthly series closed so far ([`super::monthly`]).
    pub(super) monthly: Monthly,
    /// Dry-dockings and breakdowns ([`super::availability`]).
    pub(super) downtimes: Downtimes,
    /// The escort force and the convoys waiting for it ([`super::convoys`]).
    pub(super) escorts: EscortForce,
}

impl<'a> World<'a> {
    pub(super) fn new(plan: &'a CompiledScenario, seed: u64, rep: u64) -> Self {
        let (area_storms, mut corridor, mut ports) = weather_and_closures(plan, seed, rep);
        let disruptions = Disruptions::draw(plan, seed, rep);
        // Closed ports and a closed corridor act through the closure
        // timelines the model already obeys.
        for (d, x) in plan.disruptions.iter().enumerate() {
            match x.target {
                DisruptionTarget::Port(p) if x.scale == 0.0 => {
                    ports[p].closures = ports[p].closures.union(&disruptions.active[d]);
                }
                DisruptionTarget::Corridor => corridor = corridor.union(&disruptions.active[d]),
                _ => {}
            }
        }
        let mut stores: Vec<Store> = plan
            .storages
            .iter()
            .map(|s| Store::new(s.capacity, s.initial.min(s.capacity)))
            .collect();
        link_cargo_lines(plan, &mut stores);
        for i in &plan.inflows {
            stores[i.into].gate_fed = true;
        }
        for (j, o) in plan.outflows.iter().enumerate() {
            stores[o.from].outflows.push(j);
        }
        let mut ledger = [Ledger::default(); CARGOES];
        for s in &plan.storages {
            ledger[cargo_idx(s.cargo)].entered += u128::from(s.initial);
        }
        let vessels = fleet_vessels(plan);
        let fleet_of: Vec<usize> = vessels.iter().map(|v| v.fleet).collect();
        let downtimes = Downtimes::draw(plan, &fleet_of, seed, rep);
        let n_fleets = plan.fleets.len();
        let sub = |i: usize| i as u8;
        World {
            plan,
            ports,
            stores,
            vessels,
            storm_hint: vec![0; area_storms.len()],
            area_storms,
            corridor,
            disruptions,
            origin: plan.origin_storages(),
            hand_over: plan.hand_over_storages(),
            patience_due: vec![VecDeque::new(); plan.inflows.len()],
            inflow_wakeup: vec![false; plan.inflows.len()],
            inflow_rng: (0..plan.inflows.len())
                .map(|i| stream(seed, rep, Source::Inflow, sub(i)))
                .collect(),
            vessel_rng: (0..n_fleets).map(|i| stream(seed, rep, Source::Vessel, sub(i))).collect(),
            interdiction_rng: (0..n_fleets)
                .map(|i| stream(seed, rep, Source::Interdiction, sub(i)))
                .collect(),
            replacement_rng: match plan.interdiction.replacement {
                Some(_) => {
                    (0..n_fleets).map(|i| stream(seed, rep, Source::Replacement, sub(i))).collect()
                }
                None => Vec::new(),
            },
            open_arrival_rng: (0..plan.open_traffic.len())
                .map(|i| stream(seed, rep, Source::OpenTrafficArrival, sub(i)))
                .collect(),
            open_service_rng: (0..plan.open_traffic.len())
                .map(|i| stream(seed, rep, Source::OpenTrafficService, sub(i)))
                .collect(),
            outflow_credit: vec![0.0; plan.outflows.len()],
            outflow_idle: vec![false; plan.outflows.len()],
            outflow_last: vec![SimTime::ZERO; plan.outflows.len()],
            counters: Counters {
                delivered: vec![0; plan.storages.len()],
                forwarded: vec![0; plan.outflows.len()],
                shut_in: vec![0; plan.inflows.len()],
                demand: vec![0; plan.inflows.len()],
                diverted: vec![0; plan.inflows.len()],
                voyages: vec![0; n_fleets],
                vessels_out: vec![0; n_fleets],
                fleet_vessels_lost: vec![0; n_fleets],
                port_calls: vec![0; plan.ports.len()],
                carried: vec![[0; CARGOES]; n_fleets],
                draft: vec![super::draft::DraftTally::default(); n_fleets],
                ..Counters::default()
            },
            ledger,
            transit: std::array::from_fn(|_| WeightedHistogram::new(1.0, 24 * 120)),
            link_wait: vec![UnitHours::default(); plan.storages.len()],
            crossing_h: vec![Tally::new(); n_fleets],
            costing: super::costing::CostCounters::new(n_fleets),
            cargo_wait_h: vec![Tally::new(); n_fleets],
            space_wait_h: vec![Tally::new(); n_fleets],
            gate_wait_h: vec![Tally::new(); plan.inflows.len()],
            warmup_done: plan.warmup == SimTime::ZERO,
            backlog: 0,
            space_line: Vec::new(),
            room_scratch: Vec::new(),
            overflowed: None,
            ignored_events: 0,
            monthly: Monthly::default(),
            downtimes,
            escorts: EscortForce::new(
                plan.interdiction.escort.map_or(0, |e| e.force),
                plan.ports.len(),
            ),
        }
    }

    pub(super) fn schedule_initial(&mut self, s: &mut Scheduler<Ev>) {
        let plan = self.plan;
        if plan.warmup > SimTime::ZERO {
            at(s, plan.warmup, Ev::EndWarmup);
        }
        for t in Monthly::boundaries(plan.warmup, plan.horizon) {
            at_calendar(s, t, Ev::MonthEnd);
        }
        for (p, port) in self.ports.iter().enumerate() {
            for &(start, end) in port.closures.intervals() {
                at_calendar(s, start, Ev::PortClose(p as u16));
                // Timelines are clipped to the horizon; a closure that runs past
                // it does not reopen the port (no event at the horizon fires).
                if end < plan.horizon {
                    at_calendar(s, end, Ev::PortOpen(p as u16));
                }
            }
        }
        for i in 0..plan.inflows.len() {
            self.schedule_inflow(s, i, SimTime::ZERO);
        }
        for (j, o) in plan.outflows.iter().enumerate() {
            at(s, SimTime::ZERO.saturating_add(o.interval), Ev::Outflow(j as u16));
        }
        // Vessels start empty at their origin, spread evenly over one nominal cycle.
        let mut v = 0usize;
        for f in &plan.fleets {
            let cycle_h = 2.0 * f.crossing.as_hours_f64()
                + 2.0 * f.overhead.mean()
                + f.capacity as f64 / f.load_rate_per_h
                + f.capacity as f64 / f.discharge_rate_per_h;
            let spacing = hours(cycle_h / f64::from(f.count.max(1)));
            for k in 0..f.count {
                let t = SimTime::ZERO
                    .saturating_add(spacing.checked_mul(u64::from(k)).unwrap_or(SimDuration::ZERO));
                at(s, t, Ev::Arrive(v as u32));
                v += 1;
            }
        }
        for i in 0..plan.open_traffic.len() {
            let gap = plan.open_traffic[i].interarrival.sample(&mut self.open_arrival_rng[i]);
            at(s, SimTime::ZERO.saturating_add(hours(gap)), Ev::OpenArrival(i as u16));
        }
        self.schedule_disruptions(s);
    }
}

impl World<'_> {
    /// Whether `ev` does nothing when it fires: an event a vessel out of
    /// service (`Lost`) had scheduled before it left (an arrival of a
    /// crossing it never finished, the end of a call it was withdrawn
    /// from). The trace writes no entry for it.
    pub(super) fn ignores(&self, ev: Ev) -> bool {
        ev.vessel().is_some_and(|v| self.vessels[v].phase == Phase::Lost)
    }
}

impl Model for World<'_> {
    type Event = Ev;

    fn handle(&mut self, s: &mut Scheduler<Ev>, ev: Ev) {
        if self.ignores(ev) {
            self.ignored_events += 1;
            return;
        }
        match ev {
            Ev::EndWarmup => self.end_warmup(s.now()),
            Ev::PortClose(p) => self.on_port_close(s, p as usize),
            Ev::PortOpen(p) => self.on_port_open(s, p as usize),
            Ev::Inflow(i) => self.on_inflow(s, i as usize),
            Ev::Outflow(j) => self.on_outflow(s, j as usize),
            Ev::Arrive(v) => self.on_arrive(s, v as usize),
            Ev::DischargeDone(v) => self.on_discharge_done(s, v as usize),
            Ev::LoadTimer(v) => self.on_load_timer(s, v as usize),
            Ev::LoadDone(v) => self.on_load_done(s, v as usize),
            Ev::TryDepart(v) => self.on_try_depart(s, v as usize),
            Ev::SailIn(v) => self.request_berth(s, v as usize),
            Ev::ConvoyGo(p) => self.launch_convoy(s, p as usize),
            Ev::EscortArrive(p, f) => self.on_escort_arrive(s, p as usize, f as usize),
            Ev::EscortBack => self.on_escort_back(s),
            Ev::OpenArrival(i) => self.on_open_arrival(s, i as usize),
            Ev::OpenDepart(i) => self.on_open_depart(s, i as usize),
            Ev::DisruptionStart(d) => self.on_disruption_start(s, d as usize),
            Ev::DisruptionEnd(d) => self.on_disruption_end(s, d as usize),
            Ev::VesselReturn(v) => self.on_vessel_return(s, v as usize),
            Ev::BacklogSample => self.on_backlog_sample(s),
            Ev::GatePatience(i) => self.on_gate_patience(s, i as usize),
            Ev::MonthEnd => self.on_month_end(),
        }
        self.guard_waiting(s, ev);
    }
}

/// Tells each storage a mixed deck loads from (other than its first
/// hold's) which cargo line that vessel waits in, leg by leg.
fn link_cargo_lines(plan: &CompiledScenario, stores: &mut [Store]) {
    for f in plan.fleets.iter().filter(|f| f.holds.len() > 1) {
        for at_origin in [true, false] {
            let Some(line) = f.holds[0].loads_from(at_origin) else { continue };
            for h in &f.holds[1..] {
                if let Some(st) = h.loads_from(at_origin)
                    && !stores[st].linked_lines.contains(&line)
                {
                    stores[st].linked_lines.push(line);
                }
            }
        }
    }
}

/// Draws the weather (storms per sea area, ice seasons) and corridor closures
/// of one replication, and builds the ports with their closure timelines.
fn weather_and_closures(
    plan: &CompiledScenario,
    seed: u64,
    rep: u64,
) -> (Vec<Timeline>, Timeline, Vec<PortState>) {
    let horizon = plan.horizon;
    let area_storms: Vec<Timeline> = plan
        .sea_areas
        .iter()
        .enumerate()
        .map(|(i, a)| {
            let mut rng = stream(seed, rep, Source::Weather, i as u8);
            // Rates were checked by `compile`, so this cannot fail.
            timeline::poisson_episodes(
                &a.storm_onsets_per_month,
                &a.storm_duration,
                horizon,
                &mut rng,
            )
            .unwrap_or_default()
        })
        .collect();
    let area_ice: Vec<Option<Timeline>> = plan
        .sea_areas
        .iter()
        .enumerate()
        .map(|(i, a)| {
            a.ice.as_ref().map(|(start, len)| {
                let mut rng = stream(seed, rep, Source::Ice, i as u8);
                timeline::ice_seasons(*start, len, horizon, &mut rng).unwrap_or_default()
            })
        })
        .collect();
    let mut closure_rng = stream(seed, rep, Source::CorridorClosure, 0);
    let corridor = timeline::annual_episodes(
        plan.interdiction.closures_per_year,
        &plan.interdiction.closure_duration,
        horizon,
        &mut closure_rng,
    )
    .unwrap_or_default();
    let ports = plan
        .ports
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let mut closures = Timeline::default();
            if let Some(a) = p.sea_area {
                closures = closures.union(&port_storms(p, i, &area_storms[a], seed, rep, horizon));
                if p.ice_affected
                    && let Some(ice) = &area_ice[a]
                {
                    closures = closures.union(ice);
                }
            }
            PortState {
                closures,
                berths: p.berths.iter().map(|&n| Resource::new(n, SimTime::ZERO)).collect(),
                pools: p.shared.iter().map(|g| Pool::new(g.count)).collect(),
                convoy: Vec::new(),
                convoy_due: None,
                convoy_held: false,
            }
        })
        .collect();
    (area_storms, corridor, ports)
}

/// The storms of its sea area that close port `p` (number `i`), for as long
/// as they close it: all of them, as long as they last, unless the port's
/// `storm_exposure` or `storm_hours_factor` say otherwise. Then one draw per
/// storm from the port's own stream decides whether it closes the port, so
/// ports of one area differ and the area's storms stay common to all.
fn port_storms(
    p: &crate::compile::PortPlan,
    i: usize,
    storms: &Timeline,
    seed: u64,
    rep: u64,
    horizon: SimTime,
) -> Timeline {
    if p.storm_exposure >= 1.0 && p.storm_hours_factor == 1.0 {
        return storms.clone();
    }
    let mut rng = stream(seed, rep, Source::StormExposure, i as u8);
    let closing = storms
        .intervals()
        .iter()
        .filter(|_| rng.random::<f64>() < p.storm_exposure)
        .map(|&(start, end)| {
            let hours = end.saturating_since(start).as_hours_f64() * p.storm_hours_factor;
            (start, start.saturating_add(super::hours(hours)).min(horizon))
        })
        .filter(|(start, end)| end > start)
        .collect();
    Timeline::from_intervals(closing)
}
