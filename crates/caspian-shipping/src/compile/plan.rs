//! The plan types: a scenario's tables with references resolved into indices
//! and samplers built, the form the model runs on.

use std::sync::Arc;

use caspian_engine::{SimDuration, SimTime};

use crate::costs::{CostBasis, CostPlan};
use crate::dist::Dist;
use crate::kpi::KpiLayout;
use crate::scenario::{ArrivalPattern, BerthClass, Cargo, Scenario, WhenFull};

/// A storage with its references resolved.
#[derive(Debug, Clone, PartialEq)]
pub struct StoragePlan {
    /// Identifier.
    pub id: String,
    /// Port index.
    pub port: usize,
    /// Cargo kind.
    pub cargo: Cargo,
    /// Capacity in units.
    pub capacity: u64,
    /// Content at time zero.
    pub initial: u64,
}

/// An inflow with its references resolved.
#[derive(Debug, Clone, PartialEq)]
pub struct InflowPlan {
    /// Identifier.
    pub id: String,
    /// Storage index.
    pub into: usize,
    /// Mean arrivals per hour in each calendar month.
    pub rate_per_h: [f64; 12],
    /// Arrival size in units.
    pub size: Dist,
    /// Poisson or regular.
    pub pattern: ArrivalPattern,
    /// What an arrival does when the storage cannot take it.
    pub when_full: WhenFull,
    /// How long an arrival waits at the gate before it is diverted (`None`:
    /// for ever; always `Some` for `divert`, unused for `spill`).
    pub patience: Option<SimDuration>,
}

/// An outflow with its references resolved.
#[derive(Debug, Clone, PartialEq)]
pub struct OutflowPlan {
    /// Identifier.
    pub id: String,
    /// Storage index.
    pub from: usize,
    /// Units the link can take per interval.
    pub per_interval: f64,
    /// Interval between draws.
    pub interval: SimDuration,
    /// The link's whole capacity, in the storage's unit per year.
    pub capacity_per_year: f64,
    /// Other freight (not the corridor's) that takes the capacity first, in
    /// the storage's unit per year; `per_interval` is what it leaves.
    pub other_per_year: f64,
}

/// A fleet with its references resolved.
#[derive(Debug, Clone, PartialEq)]
pub struct FleetPlan {
    /// Identifier.
    pub id: String,
    /// Berth class needed.
    pub berth_class: BerthClass,
    /// Number of vessels.
    pub count: u32,
    /// Cargo kind.
    pub cargo: Cargo,
    /// Units per voyage.
    pub capacity: u64,
    /// Crossing time in calm weather.
    pub crossing: SimDuration,
    /// Origin port index.
    pub origin: usize,
    /// Storage loaded at the origin.
    pub load_from: usize,
    /// Destination port index.
    pub destination: usize,
    /// Storage discharged into at the destination.
    pub discharge_to: usize,
    /// Storage loaded at the destination for the return leg.
    pub return_load_from: Option<usize>,
    /// Storage discharged into at the origin after the return leg.
    pub return_discharge_to: Option<usize>,
    /// Units per hour.
    pub load_rate_per_h: f64,
    /// Units per hour.
    pub discharge_rate_per_h: f64,
    /// Hours per port call.
    pub overhead: Dist,
    /// When to sail from the origin.
    pub dispatch: DispatchPlan,
    /// Berth priority.
    pub berth_priority: i32,
    /// The route's incident probability per crossing, if it has its own.
    pub incident_probability: Option<f64>,
    /// The route's loss probability per incident, if it has its own.
    pub loss_probability: Option<f64>,
    /// Whether its vessels join escorted convoys: escorts are enabled and
    /// the fleet is among `interdiction.escort.fleets`.
    pub escorted: bool,
    /// Dry-docking and breakdowns (`None`: always available).
    pub availability: Option<AvailabilityPlan>,
    /// What the deck carries: the fleet's own cargo first (its cargo and
    /// storages above, repeated), then each `also` share in file order.
    /// `capacity`, the handling rates and what a vessel has aboard are in
    /// deck units; one hold's unit takes `deck_units` of them (1 for a
    /// fleet with one cargo).
    pub holds: Vec<HoldPlan>,
    /// Pre-advice: hours to sail in when called after waiting for cargo at
    /// sea (`None`: it waits at the anchorage).
    pub pre_advice: Option<SimDuration>,
}

/// One cargo on a fleet's deck, with its storages resolved.
#[derive(Debug, Clone, PartialEq)]
pub struct HoldPlan {
    /// The cargo.
    pub cargo: Cargo,
    /// Deck units one unit of it takes (at least 1).
    pub deck_units: u64,
    /// Loaded at the origin.
    pub load_from: Option<usize>,
    /// Discharged into at the destination.
    pub discharge_to: Option<usize>,
    /// Loaded at the destination for the return leg.
    pub return_load_from: Option<usize>,
    /// Discharged into at the origin after the return leg.
    pub return_discharge_to: Option<usize>,
    /// Loaded only while no vessel waits for it in its storage's cargo line.
    pub spare: bool,
}

impl HoldPlan {
    /// The storage this hold loads from at a vessel's port: the origin's
    /// when `at_origin`, else the destination's (the return leg).
    #[inline]
    pub fn loads_from(&self, at_origin: bool) -> Option<usize> {
        if at_origin { self.load_from } else { self.return_load_from }
    }

    /// The storage this hold discharges into on arriving at the origin
    /// (`at_origin`: the end of a return leg) or at the destination.
    #[inline]
    pub fn discharges_into(&self, at_origin: bool) -> Option<usize> {
        if at_origin { self.return_discharge_to } else { self.discharge_to }
    }
}

/// A fleet's dry-dock cycle and breakdowns with their times converted.
#[derive(Debug, Clone, PartialEq)]
pub struct AvailabilityPlan {
    /// Dry-docking: the interval between two and how long one lasts.
    pub drydock: Option<(SimDuration, SimDuration)>,
    /// Breakdowns: mean hours in service between two, and hours to repair.
    pub breakdown: Option<(f64, Dist)>,
}

/// A dispatch policy with times converted to ticks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DispatchPlan {
    /// Sail when full.
    WhenFull,
    /// Sail when full or after this long.
    FullOrMaxWait(SimDuration),
    /// Sail at `offset + k * interval`.
    Timetable {
        /// Gap between slots.
        interval: SimDuration,
        /// First slot.
        offset: SimDuration,
    },
}

/// An open-traffic stream with its references resolved.
#[derive(Debug, Clone, PartialEq)]
pub struct OpenTrafficPlan {
    /// Identifier.
    pub id: String,
    /// Port index.
    pub port: usize,
    /// Berth class.
    pub berth_class: BerthClass,
    /// Hours between arrivals.
    pub interarrival: Dist,
    /// Hours at berth.
    pub service: Dist,
    /// Berth priority.
    pub berth_priority: i32,
}

/// A sea area with its samplers built.
#[derive(Debug, Clone, PartialEq)]
pub struct SeaAreaPlan {
    /// Identifier.
    pub id: String,
    /// Storm onsets per calendar month.
    pub storm_onsets_per_month: [f64; 12],
    /// Storm duration in hours.
    pub storm_duration: Dist,
    /// Crossing slowdown factor while stormy.
    pub storm_crossing_slowdown: f64,
    /// Ice season start day and length in days.
    pub ice: Option<(f64, Dist)>,
}

/// A port with its references resolved.
#[derive(Debug, Clone, PartialEq)]
pub struct PortPlan {
    /// Identifier.
    pub id: String,
    /// Sea area index.
    pub sea_area: Option<usize>,
    /// Closed by its area's ice season.
    pub ice_affected: bool,
    /// Berths per class, in [`BerthClass::ALL`] order.
    pub berths: [u32; 4],
    /// Berths shared by several classes.
    pub shared: Vec<SharedPlan>,
    /// Share of its area's storms that close it.
    pub storm_exposure: f64,
    /// A closing storm closes it for the storm's length times this.
    pub storm_hours_factor: f64,
}

/// Berths of one port shared by several classes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SharedPlan {
    /// Whether each class (in [`BerthClass::ALL`] order) may use them.
    pub classes: [bool; 4],
    /// How many.
    pub count: u32,
}

impl PortPlan {
    /// Whether vessels of class `c` (a [`BerthClass::ALL`] index) can berth
    /// here: dedicated berths or shared ones.
    pub fn serves(&self, c: usize) -> bool {
        self.berths[c] > 0 || self.shared.iter().any(|g| g.classes[c])
    }
}

/// Interdiction with samplers built.
#[derive(Debug, Clone, PartialEq)]
pub struct InterdictionPlan {
    /// Per-crossing incident probability.
    pub incident_probability: f64,
    /// P(loss | incident).
    pub loss_probability: f64,
    /// Detention length in hours.
    pub detention: Dist,
    /// Closure episodes per year.
    pub closures_per_year: f64,
    /// Closure length in hours.
    pub closure_duration: Dist,
    /// Escort settings, if enabled.
    pub escort: Option<EscortPlan>,
    /// Days until a vessel lost at sea is replaced (`None`: never).
    pub replacement: Option<Dist>,
}

/// Escorted convoys, checked (`interdiction.escort` when enabled).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EscortPlan {
    /// An escorted crossing's incident probability is multiplied by this.
    pub incident_factor: f64,
    /// A convoy is ready to sail with this many vessels...
    pub convoy_size: u32,
    /// ...or once its first vessel has waited this long.
    pub max_wait: SimDuration,
    /// Escort vessels in the force (at least 1): a ready convoy waits for
    /// a free one.
    pub force: u32,
}

/// What a disruption strikes, resolved to indices.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DisruptionTarget {
    /// A whole port (index): closed like a storm closes it, or its berths
    /// of every class scaled.
    Port(usize),
    /// One berth class (index in [`BerthClass::ALL`]) at a port.
    Berths {
        /// Port index.
        port: usize,
        /// Berth class index.
        class: usize,
    },
    /// A fleet's route (fleet index): no crossing of that fleet starts.
    Route(usize),
    /// Vessels of a fleet taken out of service.
    Vessels {
        /// Fleet index.
        fleet: usize,
        /// Vessels taken out per episode.
        count: u32,
    },
    /// A storage (index): its usable capacity scaled.
    Storage(usize),
    /// A hinterland link (outflow index): its capacity scaled.
    Outflow(usize),
    /// Demand (inflow index): its arrival rate scaled (above 1: a surge).
    Inflow(usize),
    /// The whole crossing: no crossing starts anywhere.
    Corridor,
}

/// When a disruption's episodes start.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum DisruptionTiming {
    /// One episode starting at this time.
    Fixed {
        /// Its start.
        start: SimTime,
    },
    /// A Poisson process of episodes.
    Random {
        /// Expected episodes per year.
        per_year: f64,
    },
}

/// A `[[disruption]]` with its target resolved and samplers built.
#[derive(Debug, Clone, PartialEq)]
pub struct DisruptionPlan {
    /// Identifier.
    pub id: String,
    /// What it strikes.
    pub target: DisruptionTarget,
    /// When episodes start.
    pub timing: DisruptionTiming,
    /// Episode length in days (for vessels: time out of service; `None`:
    /// never back).
    pub duration_days: Option<Dist>,
    /// Capacity factor during an episode (0 = closed).
    pub scale: f64,
    /// For vessels: detained in port with their cargo when their next call
    /// is over, for the episode's lengths, rather than taken out of service.
    pub detain: bool,
    /// The random stream its episodes are drawn from: its place in the
    /// scenario's list, unless set otherwise ([`crate::scenario::Disruption::stream`]).
    pub stream: u8,
}

/// The fields of a [`CompiledScenario`] the model runs on, borrowed, for
/// [`CompiledScenario::same_model`] and its fingerprint.
#[derive(Debug, PartialEq)]
struct ModelParts<'a> {
    horizon: &'a SimTime,
    warmup: &'a SimTime,
    max_events: &'a u64,
    max_waiting: &'a usize,
    sea_areas: &'a [SeaAreaPlan],
    ports: &'a [PortPlan],
    storages: &'a [StoragePlan],
    inflows: &'a [InflowPlan],
    outflows: &'a [OutflowPlan],
    fleets: &'a [FleetPlan],
    open_traffic: &'a [OpenTrafficPlan],
    interdiction: &'a InterdictionPlan,
    disruptions: &'a [DisruptionPlan],
    draft: &'a super::DraftPlan,
    tonnes_per_unit: &'a [f64; Cargo::COUNT],
    costs: &'a CostPlan,
}

/// A scenario that passed every check, in the form the model runs on.
#[derive(Debug, Clone)]
pub struct CompiledScenario {
    /// The scenario as written (for reports and sweeps).
    pub source: Scenario,
    /// Replication length.
    pub horizon: SimTime,
    /// End of warm-up.
    pub warmup: SimTime,
    /// Event-count safeguard.
    pub max_events: u64,
    /// Waiting-line safeguard: most vessels or arrivals one line may hold.
    pub max_waiting: usize,
    /// Sea areas.
    pub sea_areas: Vec<SeaAreaPlan>,
    /// Ports.
    pub ports: Vec<PortPlan>,
    /// Storages.
    pub storages: Vec<StoragePlan>,
    /// Inflows.
    pub inflows: Vec<InflowPlan>,
    /// Outflows.
    pub outflows: Vec<OutflowPlan>,
    /// Fleets.
    pub fleets: Vec<FleetPlan>,
    /// Open traffic.
    pub open_traffic: Vec<OpenTrafficPlan>,
    /// Interdiction.
    pub interdiction: InterdictionPlan,
    /// Disruptions aimed at one element, in file order.
    pub disruptions: Vec<DisruptionPlan>,
    /// The KPIs this scenario emits, laid out once (see [`Self::kpi_layout`]).
    pub(super) kpi_layout: Arc<KpiLayout>,
    /// Sea level, port depths and draft relations (`compile/draft.rs`).
    pub draft: super::DraftPlan,
    /// Tonnes per unit of each cargo, by [`Cargo::index`] (`[tonnes_per_unit]`).
    pub tonnes_per_unit: [f64; Cargo::COUNT],
    /// The cost model, resolved (`[costs]` or its defaults).
    pub costs: CostPlan,
    /// With `paired_recovery`, one per disruption: the same scenario
    /// without that disruption, each of whose replications the model runs
    /// first, to measure the disruption's recovery against it
    /// (`recovery_paired_days.<id>`). Empty otherwise.
    pub twins: Vec<Arc<CompiledScenario>>,
}

impl CompiledScenario {
    /// A hash of the fields [`same_model`](Self::same_model) compares, in
    /// their `Debug` form: plans that are the same model have the same
    /// fingerprint (but for a `-0.0` against a `0.0`, which it tells apart:
    /// a duplicate missed, never a false match), so a search for
    /// duplicates keeps a number per plan instead of the plan, and checks a
    /// match with `same_model`. Stable within one build of the tool.
    pub fn model_fingerprint(&self) -> u64 {
        use std::hash::Hasher;
        struct Feed(std::hash::DefaultHasher);
        impl std::fmt::Write for Feed {
            fn write_str(&mut self, s: &str) -> std::fmt::Result {
                self.0.write(s.as_bytes());
                Ok(())
            }
        }
        let (parts, twins) = self.model_parts();
        let mut feed = Feed(std::hash::DefaultHasher::new());
        // Writing into a hasher cannot fail.
        let _ = std::fmt::Write::write_fmt(&mut feed, format_args!("{parts:?}"));
        for twin in twins {
            feed.0.write_u64(twin.model_fingerprint());
        }
        feed.0.finish()
    }

    /// Whether `other` runs as the same model: every field that the model,
    /// its KPIs and its costs read is equal, whatever the scenarios as
    /// written say (`source`: a multiplier of something neither has, an
    /// escort force with escorts off, a field spelt out at its default).
    /// Two such plans give bit-identical replications and KPIs under one
    /// seed, so a sweep's design points or an optimiser's portfolios that
    /// compile to the same model are one. A NaN anywhere makes two plans
    /// differ: a duplicate missed, never a false match.
    pub fn same_model(&self, other: &Self) -> bool {
        let ((mine, my_twins), (theirs, their_twins)) = (self.model_parts(), other.model_parts());
        mine == theirs
            && my_twins.len() == their_twins.len()
            && my_twins.iter().zip(their_twins).all(|(a, b)| a.same_model(b))
    }

    /// The fields the model runs on, and the twins (each a model of its
    /// own). Destructured, so that a field added to the plan is a compile
    /// error here until it is listed (or named as not part of the model).
    fn model_parts(&self) -> (ModelParts<'_>, &[Arc<CompiledScenario>]) {
        let Self {
            // The scenario as written: what it says is in the fields below.
            source: _,
            horizon,
            warmup,
            max_events,
            max_waiting,
            sea_areas,
            ports,
            storages,
            inflows,
            outflows,
            fleets,
            open_traffic,
            interdiction,
            disruptions,
            // Laid out from the fields listed here.
            kpi_layout: _,
            draft,
            tonnes_per_unit,
            costs,
            twins,
        } = self;
        let parts = ModelParts {
            horizon,
            warmup,
            max_events,
            max_waiting,
            sea_areas,
            ports,
            storages,
            inflows,
            outflows,
            fleets,
            open_traffic,
            interdiction,
            disruptions,
            draft,
            tonnes_per_unit,
            costs,
        };
        (parts, twins)
    }

    /// The KPIs every replication of this scenario emits, in name order,
    /// with their families and units; computed once, when the scenario is
    /// compiled. (The plan's fields are public for reading; a plan changed
    /// after compiling keeps the layout of the plan as compiled.)
    pub fn kpi_layout(&self) -> &Arc<KpiLayout> {
        &self.kpi_layout
    }

    /// The currency, discount rate and appraisal horizon of the cost model.
    pub fn cost_basis(&self) -> &CostBasis {
        &self.costs.basis
    }

    /// The annualised capital of every berth, owned vessel, storage
    /// capacity, priced link capacity, dredged metre and escort vessel (the KPI
    /// `cost.capital_per_year`), deterministic.
    pub fn capital_per_year(&self) -> f64 {
        self.costs.capital_per_year
    }

    /// Whether each storage is an *origin*: some fleet loads from it,
    /// outbound or on the return leg. Cargo there is still in the corridor.
    pub fn origin_storages(&self) -> Vec<bool> {
        let mut origin = vec![false; self.storages.len()];
        for h in self.fleets.iter().flat_map(|f| &f.holds) {
            for st in h.load_from.into_iter().chain(h.return_load_from) {
                origin[st] = true;
            }
        }
        origin
    }

    /// Whether each storage is a *hand-over* storage: no fleet loads from
    /// it and an outflow drains it, so what vessels discharge there waits
    /// in it for its hinterland link (`link_wait_h.<storage>`, priced as
    /// cargo delay).
    pub fn hand_over_storages(&self) -> Vec<bool> {
        let origin = self.origin_storages();
        (0..self.storages.len())
            .map(|st| !origin[st] && self.outflows.iter().any(|o| o.from == st))
            .collect()
    }

    /// The cargo kinds this scenario reports per-cargo KPIs for, in
    /// [`Cargo::ALL`] order: oil and wagons always
    /// ([`Cargo::ALWAYS_REPORTED`]), the others when a storage holds them,
    /// so that a scenario without trucks or TEU has no KPIs for them.
    pub fn reported_cargoes(&self) -> Vec<Cargo> {
        Cargo::ALL
            .into_iter()
            .filter(|c| {
                Cargo::ALWAYS_REPORTED.contains(c) || self.storages.iter().any(|s| s.cargo == *c)
            })
            .collect()
    }

    /// The cargo kinds some storage of this scenario holds, in
    /// [`Cargo::ALL`] order: the ones it can deliver. Oil and wagons are
    /// reported in every scenario ([`reported_cargoes`](Self::reported_cargoes)),
    /// but a scenario without an oil storage never delivers any.
    pub fn carried_cargoes(&self) -> Vec<Cargo> {
        Cargo::ALL.into_iter().filter(|c| self.storages.iter().any(|s| s.cargo == *c)).collect()
    }
}
