//! The scenario file format: what a TOML scenario may contain.
//!
//! These types mirror the file one to one; `deny_unknown_fields` everywhere means
//! a misspelt key is an error, not a silently ignored setting. Semantic checks
//! (references between entries, ranges) live in `compile/`, and
//! `docs/scenarios.md` documents every key.

use serde::{Deserialize, Serialize};

use crate::dist::DistSpec;

/// A whole scenario file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// Name, horizon, warm-up and default seed.
    pub scenario: Meta,
    /// Sea areas, each with its own storm climate.
    #[serde(default, rename = "sea_area")]
    pub sea_areas: Vec<SeaArea>,
    /// Ports and their berths.
    #[serde(default, rename = "port")]
    pub ports: Vec<Port>,
    /// Tank farms and rail yards.
    #[serde(default, rename = "storage")]
    pub storages: Vec<Storage>,
    /// Cargo arriving from the hinterland into a storage.
    #[serde(default, rename = "inflow")]
    pub inflows: Vec<Inflow>,
    /// Hinterland links that drain a storage.
    #[serde(default, rename = "outflow")]
    pub outflows: Vec<Outflow>,
    /// Fleets of identical vessels, each on one route.
    #[serde(default, rename = "fleet")]
    pub fleets: Vec<Fleet>,
    /// Vessels from outside the modelled fleets that compete for berths.
    #[serde(default, rename = "open_traffic")]
    pub open_traffic: Vec<OpenTraffic>,
    /// Security risk: incidents, detentions, losses, corridor closures, escorts.
    #[serde(default)]
    pub interdiction: Interdiction,
    /// Disruptions aimed at one element (a port, a link, a fleet's vessels).
    #[serde(default, rename = "disruption")]
    pub disruptions: Vec<Disruption>,
    /// Parameters the runner may sweep, declared with the scenario.
    #[serde(default, rename = "sweep")]
    pub sweeps: Vec<SweepAxis>,
    /// The sea level relative to the ports' depths, its trend and the
    /// under-keel clearance (none: level 0, no trend, the default clearance).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sea_level: Option<SeaLevel>,
    /// Dated changes of a port's depth (dredging), in file order.
    #[serde(default, rename = "dredging", skip_serializing_if = "Vec::is_empty")]
    pub dredgings: Vec<Dredging>,
    /// Tonnes per unit of each cargo kind, for the `delivered_t.*` KPIs and
    /// for capacities stated in tonnes (`capacity_t_per_year`).
    #[serde(default, skip_serializing_if = "TonnesPerUnit::is_default")]
    pub tonnes_per_unit: TonnesPerUnit,
}

/// Scenario-wide settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Meta {
    /// Short name, used in reports.
    pub name: String,
    /// What the scenario represents.
    #[serde(default)]
    pub description: String,
    /// Length of one replication in days, warm-up included.
    pub horizon_days: f64,
    /// Days at the start whose statistics are discarded.
    #[serde(default)]
    pub warmup_days: f64,
    /// Default master seed (the runner's `--seed` overrides it).
    #[serde(default = "default_seed")]
    pub seed: u64,
    /// Safeguard: a replication that fires more events than this stops and is
    /// reported as truncated (protects against models that never go quiet).
    #[serde(default = "default_max_events")]
    pub max_events: u64,
    /// Safeguard: a replication stops, reported as truncated and naming a
    /// line as saturated, as soon as more than this many open-traffic vessels
    /// and inflow arrivals wait at anchorages and storage gates together
    /// (each waiting one costs memory).
    #[serde(default = "default_max_waiting")]
    pub max_waiting: u64,
}

fn default_seed() -> u64 {
    20_261_123
}

fn default_max_events() -> u64 {
    50_000_000
}

fn default_max_waiting() -> u64 {
    100_000
}

/// A sea area with its own weather.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeaArea {
    /// Identifier referenced by ports and fleets.
    pub id: String,
    /// Expected storm onsets in each calendar month, January first.
    #[serde(default, deserialize_with = "twelve_months")]
    pub storm_onsets_per_month: [f64; 12],
    /// How long a storm lasts, in hours.
    #[serde(default = "default_storm_duration")]
    pub storm_duration_h: DistSpec,
    /// Crossing time is multiplied by this factor for the share of the nominal
    /// crossing that falls inside a storm (1 = storms do not slow crossings).
    #[serde(default = "one")]
    pub storm_crossing_slowdown: f64,
    /// A yearly ice season; ports with `ice_affected = true` close during it.
    #[serde(default)]
    pub ice: Option<IceSeason>,
}

fn default_storm_duration() -> DistSpec {
    zero_dist()
}

fn zero_dist() -> DistSpec {
    DistSpec::Constant { value: 0.0 }
}

fn one() -> f64 {
    1.0
}

/// A yearly ice season.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IceSeason {
    /// Day of the year (0 = 1 January) when ice closes affected ports.
    pub start_day: f64,
    /// Length of the season, in days.
    pub duration_days: DistSpec,
}

/// The kinds of berth, each serving one kind of vessel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BerthClass {
    /// Oil berths / jetties.
    Tanker,
    /// Rail-ferry berths with link spans to the railway.
    RailFerry,
    /// Ro-ro and ro-pax berths.
    Roro,
    /// Container and general-cargo berths.
    Container,
}

impl BerthClass {
    /// Every class, in the order used for KPI names and berth tables.
    pub const ALL: [BerthClass; 4] =
        [BerthClass::Tanker, BerthClass::RailFerry, BerthClass::Roro, BerthClass::Container];

    /// The name used in scenario files and KPI keys.
    pub fn as_str(self) -> &'static str {
        match self {
            BerthClass::Tanker => "tanker",
            BerthClass::RailFerry => "rail_ferry",
            BerthClass::Roro => "roro",
            BerthClass::Container => "container",
        }
    }
}

/// Berths of a port that serve any of several classes, one vessel at a time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SharedBerths {
    /// The classes served (at least two, each once).
    pub classes: Vec<BerthClass>,
    /// How many such berths.
    pub count: u32,
}

/// Berth counts per class at a port.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Berths {
    /// Oil berths.
    #[serde(default)]
    pub tanker: u32,
    /// Rail-ferry berths.
    #[serde(default)]
    pub rail_ferry: u32,
    /// Ro-ro / ro-pax berths.
    #[serde(default)]
    pub roro: u32,
    /// Container / general-cargo berths.
    #[serde(default)]
    pub container: u32,
}

impl Berths {
    /// The count for one class.
    pub fn get(&self, class: BerthClass) -> u32 {
        match class {
            BerthClass::Tanker => self.tanker,
            BerthClass::RailFerry => self.rail_ferry,
            BerthClass::Roro => self.roro,
            BerthClass::Container => self.container,
        }
    }

    /// Sets the count for one class.
    pub fn set(&mut self, class: BerthClass, count: u32) {
        match class {
            BerthClass::Tanker => self.tanker = count,
            BerthClass::RailFerry => self.rail_ferry = count,
            BerthClass::Roro => self.roro = count,
            BerthClass::Container => self.container = count,
        }
    }
}

/// A port: berths per class, an anchorage (unbounded) and its weather area.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Port {
    /// Identifier used in KPI keys and references.
    pub id: String,
    /// Display name.
    #[serde(default)]
    pub name: String,
    /// The sea area whose storms close this port; none means never closed by weather.
    #[serde(default)]
    pub sea_area: Option<String>,
    /// Whether the sea area's ice season closes this port.
    #[serde(default)]
    pub ice_affected: bool,
    /// The share of its sea area's storms that close this port, in `[0, 1]`
    /// (1: every storm). Drawn storm by storm from the port's own stream.
    #[serde(default = "one")]
    pub storm_exposure: f64,
    /// A storm that closes this port closes it for the storm's length times
    /// this factor (e.g. a channel that stays shut after the wind drops).
    #[serde(default = "one")]
    pub storm_hours_factor: f64,
    /// Berths per class.
    #[serde(default)]
    pub berths: Berths,
    /// Berths that serve several classes (e.g. a jetty used by tankers and
    /// ferries), in addition to `berths`.
    #[serde(default)]
    pub shared_berths: Vec<SharedBerths>,
    /// Free text (sources, caveats); ignored by the model.
    #[serde(default)]
    pub notes: String,
    /// The controlling depth of the port's approach and berths at sea level
    /// 0 (the datum of `[sea_level]`), in metres; none: unlimited.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub depth_m: Option<f64>,
}

/// What a storage holds, and so the unit of its numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Cargo {
    /// Crude oil, in tonnes.
    Oil,
    /// Rail wagons (container and general cargo), counted one by one.
    Wagons,
    /// Road vehicles (trucks, semi-trailers) on Ro-Ro and Ro-Pax decks,
    /// counted one by one.
    Trucks,
    /// Containers on feeder ships, in twenty-foot equivalent units.
    Teu,
}

impl Cargo {
    /// The number of cargo kinds: the size of every per-cargo array.
    pub const COUNT: usize = 4;

    /// Every cargo kind, in the order of [`Cargo::index`].
    pub const ALL: [Cargo; Cargo::COUNT] = [Cargo::Oil, Cargo::Wagons, Cargo::Trucks, Cargo::Teu];

    /// The kinds every scenario reports KPIs for, whether it uses them or
    /// not (the KPI names scripts have keyed on since the first release);
    /// the others are reported only by scenarios that hold them
    /// ([`crate::CompiledScenario::reported_cargoes`]).
    pub const ALWAYS_REPORTED: [Cargo; 2] = [Cargo::Oil, Cargo::Wagons];

    /// The index of this kind in per-cargo arrays (its place in [`Cargo::ALL`]).
    pub const fn index(self) -> usize {
        match self {
            Cargo::Oil => 0,
            Cargo::Wagons => 1,
            Cargo::Trucks => 2,
            Cargo::Teu => 3,
        }
    }

    /// The name used in scenario files and KPI keys.
    pub fn as_str(self) -> &'static str {
        match self {
            Cargo::Oil => "oil",
            Cargo::Wagons => "wagons",
            Cargo::Trucks => "trucks",
            Cargo::Teu => "teu",
        }
    }

    /// The unit of amounts of this cargo (tonnes, wagons, trucks or TEU),
    /// for reports and documentation; KPI keys do not contain it.
    pub fn unit(self) -> &'static str {
        match self {
            Cargo::Oil => "t",
            Cargo::Wagons => "wagons",
            Cargo::Trucks => "trucks",
            Cargo::Teu => "TEU",
        }
    }
}

/// `[tonnes_per_unit]`: how many tonnes one unit of each cargo kind weighs.
/// The defaults and their sources are in `docs/calibration.md` ("Cargo
/// units"); `docs/scenarios.md` documents the table.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TonnesPerUnit {
    /// Oil is counted in tonnes: always 1.
    #[serde(default = "one")]
    pub oil: f64,
    /// Tonnes per rail wagon, cargo included (default 75: 1.24 Mt on
    /// 16,450 railcars at Kuryk, facts §1.3, DERIVED).
    #[serde(default = "default_wagon_t")]
    pub wagons: f64,
    /// Tonnes per road vehicle (default 24: 0.566 Mt on 23,652 road
    /// vehicles at Kuryk, facts §1.1, DERIVED).
    #[serde(default = "default_truck_t")]
    pub trucks: f64,
    /// Tonnes per loaded TEU (default 12: an ASSUMPTION, no source in the
    /// facts file).
    #[serde(default = "default_teu_t")]
    pub teu: f64,
}

fn default_wagon_t() -> f64 {
    75.0
}

fn default_truck_t() -> f64 {
    24.0
}

fn default_teu_t() -> f64 {
    12.0
}

impl Default for TonnesPerUnit {
    fn default() -> Self {
        Self {
            oil: 1.0,
            wagons: default_wagon_t(),
            trucks: default_truck_t(),
            teu: default_teu_t(),
        }
    }
}

impl TonnesPerUnit {
    /// The tonnes of one unit of `cargo`.
    pub fn get(&self, cargo: Cargo) -> f64 {
        match cargo {
            Cargo::Oil => self.oil,
            Cargo::Wagons => self.wagons,
            Cargo::Trucks => self.trucks,
            Cargo::Teu => self.teu,
        }
    }

    /// Whether every value is its default (the table is then not written
    /// out when a scenario is serialized).
    pub fn is_default(&self) -> bool {
        *self == Self::default()
    }
}

/// A tank farm (oil, tonnes) or rail yard (wagons) at a port.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Storage {
    /// Identifier.
    pub id: String,
    /// The port it serves.
    pub port: String,
    /// What it holds.
    pub cargo: Cargo,
    /// Capacity in tonnes or wagons.
    pub capacity: u64,
    /// Content at time zero.
    #[serde(default)]
    pub initial: u64,
}

/// How an inflow's arrivals are spaced.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ArrivalPattern {
    /// Exponential gaps (a Poisson process) at the seasonal rate.
    Poisson,
    /// Evenly spaced at the seasonal rate.
    Regular,
}

/// Cargo arriving from the hinterland into a storage: oil by pipeline or rail,
/// container block trains.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Inflow {
    /// Identifier.
    pub id: String,
    /// The storage it arrives into.
    pub into: String,
    /// Mean arrivals per year (oil parcels, or trains).
    pub arrivals_per_year: f64,
    /// Size of one arrival, in the storage's unit (tonnes per parcel, wagons
    /// per train). Sampled per arrival and rounded to a whole unit.
    pub size: DistSpec,
    /// Poisson or regular spacing.
    #[serde(default = "default_pattern")]
    pub pattern: ArrivalPattern,
    /// Relative rate in each calendar month (normalised to average 1).
    #[serde(default = "flat_season", deserialize_with = "twelve_months")]
    pub seasonal: [f64; 12],
    /// The old spelling of [`when_full`](Self::when_full): `true` is
    /// `spill`, `false` is `wait`. Giving both is an error.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spill_when_full: Option<bool>,
    /// What an arrival does when the storage cannot take it (default `wait`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub when_full: Option<WhenFull>,
    /// Hours an arrival waits at the gate before it is diverted (`wait`:
    /// none by default; `divert`: 0 by default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub patience_h: Option<f64>,
}

/// An inflow's policy when its storage cannot take an arrival.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WhenFull {
    /// The whole arrival waits at the gate, in FIFO order, until it fits
    /// (or until its patience runs out: then it is diverted).
    Wait,
    /// What fits now is admitted; the rest is shut in at once.
    Spill,
    /// The arrival waits at the gate up to its patience (default 0), then
    /// leaves the corridor: counted as diverted, never delivered.
    Divert,
}

fn default_pattern() -> ArrivalPattern {
    ArrivalPattern::Poisson
}

fn flat_season() -> [f64; 12] {
    [1.0; 12]
}

/// Exactly twelve monthly values, January first. A fixed-size array alone
/// would let the TOML reader drop extra values silently.
fn twelve_months<'de, D: serde::Deserializer<'de>>(d: D) -> Result<[f64; 12], D::Error> {
    let values = Vec::<f64>::deserialize(d)?;
    <[f64; 12]>::try_from(values.as_slice()).map_err(|_| {
        serde::de::Error::invalid_length(values.len(), &"12 monthly values, January first")
    })
}

/// A hinterland link draining a storage at a limited rate (the BTC pipeline
/// offtake, the Baku–Tbilisi–Kars railway).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Outflow {
    /// Identifier.
    pub id: String,
    /// The storage it drains.
    pub from: String,
    /// Capacity in the storage's unit per year (or give
    /// [`capacity_t_per_year`](Self::capacity_t_per_year), not both).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub capacity_per_year: Option<f64>,
    /// The link takes what is there every this many hours (up to its capacity
    /// over the interval).
    #[serde(default = "default_outflow_interval")]
    pub interval_h: f64,
    /// Capacity in tonnes per year, converted to the storage's unit with
    /// `[tonnes_per_unit]` (or give [`capacity_per_year`](Self::capacity_per_year),
    /// not both).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub capacity_t_per_year: Option<f64>,
    /// Freight that is not the corridor's (e.g. the BTK railway's own
    /// traffic), in tonnes per year: it takes the link's capacity first, so
    /// the link forwards at most capacity minus this per interval. Converted
    /// like `capacity_t_per_year`; must be below the capacity.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub other_t_per_year: Option<f64>,
}

fn default_outflow_interval() -> f64 {
    6.0
}

/// When a loaded vessel leaves.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "policy", rename_all = "snake_case", deny_unknown_fields)]
pub enum Dispatch {
    /// Sail only when full.
    WhenFull,
    /// Sail when full, or once this many hours have passed since loading began.
    FullOrMaxWait {
        /// Longest wait for cargo, in hours.
        max_wait_h: f64,
    },
    /// Sail at fixed departure slots, full or not.
    Timetable {
        /// Hours between slots.
        interval_h: f64,
        /// Hours after time zero of the first slot.
        #[serde(default)]
        offset_h: f64,
    },
}

/// A fleet of identical vessels shuttling on one route.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fleet {
    /// Identifier.
    pub id: String,
    /// The berth class the vessels need.
    pub berth_class: BerthClass,
    /// Number of vessels.
    pub count: u32,
    /// What they carry.
    pub cargo: Cargo,
    /// Cargo per voyage, in units of `cargo` (tonnes, wagons, trucks,
    /// TEU); in deck units when `deck_units` or `also` is given.
    pub capacity: u64,
    /// Service speed in knots.
    pub speed_kn: f64,
    /// Sea distance of the route in nautical miles.
    pub distance_nmi: f64,
    /// Where they load the outbound cargo.
    pub origin: String,
    /// The storage they load from at the origin.
    pub load_from: String,
    /// Where they discharge.
    pub destination: String,
    /// The storage they discharge into at the destination.
    pub discharge_to: String,
    /// Storage at the destination to load return cargo from (none: ballast).
    #[serde(default)]
    pub return_load_from: Option<String>,
    /// Storage at the origin to discharge return cargo into.
    #[serde(default)]
    pub return_discharge_to: Option<String>,
    /// Loading rate, units per hour.
    pub load_rate_per_h: f64,
    /// Discharge rate, units per hour.
    pub discharge_rate_per_h: f64,
    /// Fixed time per port call (mooring, paperwork, inspections), in hours.
    #[serde(default = "zero_dist")]
    pub port_call_overhead_h: DistSpec,
    /// When to sail from the origin (the return leg always sails when loaded or
    /// when no return cargo is waiting).
    #[serde(default = "default_dispatch")]
    pub dispatch: Dispatch,
    /// Berth priority: lower numbers berth first among vessels waiting for the
    /// same berth class at the same port.
    #[serde(default)]
    pub berth_priority: i32,
    /// This route's probability that a crossing suffers an incident (none:
    /// `[interdiction] incident_probability`, the scenario's).
    #[serde(default)]
    pub incident_probability: Option<f64>,
    /// This route's probability that an incident ends in a loss (none: the
    /// scenario's `[interdiction] loss_probability`).
    #[serde(default)]
    pub loss_probability: Option<f64>,
    /// Draft of an empty vessel, in metres (with `draft_full_m`: the draft
    /// grows linearly with the cargo aboard; none: draft never limits).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub draft_light_m: Option<f64>,
    /// Draft with a full cargo (`capacity`), in metres.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub draft_full_m: Option<f64>,
    /// Dry-dock cycles and random breakdowns (none: always available).
    #[serde(default)]
    pub availability: Option<Availability>,
    /// Deck units one unit of `cargo` takes (e.g. lane metres per truck),
    /// for a deck shared with the cargoes of `also`. Default 1: `capacity`
    /// and the handling rates are then in units of `cargo`.
    #[serde(default = "one_deck_unit", skip_serializing_if = "is_one_deck_unit")]
    pub deck_units: u64,
    /// Other cargoes carried on the same deck (mixed decks: wagons and
    /// trucks on one Ro-Pax), loaded after `cargo` in the order given.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub also: Vec<DeckShare>,
}

fn one_deck_unit() -> u64 {
    1
}

fn is_one_deck_unit(n: &u64) -> bool {
    *n == 1
}

/// A further cargo on a fleet's deck: what it is, the deck units one unit
/// of it takes, and the storages it moves between (`docs/scenarios.md`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeckShare {
    /// The cargo; another than the fleet's own and the other shares'.
    pub cargo: Cargo,
    /// Deck units (the fleet's capacity unit) one unit of it takes.
    pub deck_units: u64,
    /// The storage it is loaded from at the fleet's origin (none: the
    /// outbound leg carries none).
    #[serde(default)]
    pub load_from: Option<String>,
    /// The storage it is discharged into at the destination.
    #[serde(default)]
    pub discharge_to: Option<String>,
    /// The storage it is loaded from at the destination for the return leg.
    #[serde(default)]
    pub return_load_from: Option<String>,
    /// The storage it is discharged into at the origin after the return leg.
    #[serde(default)]
    pub return_discharge_to: Option<String>,
    /// Spare room only: loaded only while no vessel waits for this cargo in
    /// its storage's cargo line (wagons on a truck Ro-Pax go to the rail
    /// ferries first).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub spare: bool,
}

/// When a fleet's vessels are out of service for maintenance: dry-dock
/// cycles and random breakdowns, each optional (`docs/scenarios.md`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Availability {
    /// Days between two dry-dockings of one vessel.
    #[serde(default)]
    pub drydock_every_days: Option<f64>,
    /// Days a dry-docking lasts.
    #[serde(default)]
    pub drydock_days: Option<f64>,
    /// Mean days in service between two breakdowns (exponential).
    #[serde(default)]
    pub mtbf_days: Option<f64>,
    /// Hours to repair a breakdown.
    #[serde(default)]
    pub repair_h: Option<DistSpec>,
}

fn default_dispatch() -> Dispatch {
    Dispatch::WhenFull
}

/// Vessels from outside the modelled fleets competing for one berth class at
/// one port (an M/G/c stream).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OpenTraffic {
    /// Identifier.
    pub id: String,
    /// The port.
    pub port: String,
    /// The berth class they use.
    pub berth_class: BerthClass,
    /// Hours between arrivals.
    pub interarrival_h: DistSpec,
    /// Hours at berth.
    pub service_h: DistSpec,
    /// Berth priority (lower first).
    #[serde(default)]
    pub berth_priority: i32,
}

/// Security risk on the crossing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Interdiction {
    /// Probability that a crossing suffers an incident.
    #[serde(default)]
    pub incident_probability: f64,
    /// Probability that an incident ends in the loss of the vessel and its cargo
    /// (otherwise the vessel is detained).
    #[serde(default)]
    pub loss_probability: f64,
    /// How long a detention lasts, in hours.
    #[serde(default = "default_detention")]
    pub detention_h: DistSpec,
    /// Corridor-closure episodes per year (no crossing starts during one).
    #[serde(default)]
    pub closures_per_year: f64,
    /// How long a closure lasts, in hours.
    #[serde(default = "default_closure")]
    pub closure_duration_h: DistSpec,
    /// Escorted convoys.
    #[serde(default)]
    pub escort: Escort,
}

fn default_detention() -> DistSpec {
    DistSpec::Constant { value: 72.0 }
}

fn default_closure() -> DistSpec {
    DistSpec::Constant { value: 168.0 }
}

impl Default for Interdiction {
    fn default() -> Self {
        Self {
            incident_probability: 0.0,
            loss_probability: 0.0,
            detention_h: default_detention(),
            closures_per_year: 0.0,
            closure_duration_h: default_closure(),
            escort: Escort::default(),
        }
    }
}

/// Escort policy: vessels sail in convoys that lower the incident probability.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Escort {
    /// Whether crossings are escorted.
    #[serde(default)]
    pub enabled: bool,
    /// Incident probability is multiplied by this factor for escorted crossings.
    #[serde(default = "one")]
    pub incident_factor: f64,
    /// A convoy sails once this many vessels are ready at a port...
    #[serde(default = "default_convoy_size")]
    pub convoy_size: u32,
    /// ...or once its first vessel has waited this many hours.
    #[serde(default = "default_convoy_wait")]
    pub max_wait_h: f64,
}

fn default_convoy_size() -> u32 {
    2
}

fn default_convoy_wait() -> f64 {
    24.0
}

impl Default for Escort {
    fn default() -> Self {
        Self {
            enabled: false,
            incident_factor: 1.0,
            convoy_size: default_convoy_size(),
            max_wait_h: default_convoy_wait(),
        }
    }
}

/// A disruption aimed at one element of the corridor: when it strikes, what
/// it strikes and how hard. `docs/scenarios.md` documents every key.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Disruption {
    /// Identifier, used in KPI keys (`recovery_days.<id>`).
    pub id: String,
    /// What it strikes: `port.<port>`, `port.<port>.<berth class>`,
    /// `route.<fleet>`, `vessels.<fleet>`, `storage.<storage>`,
    /// `outflow.<outflow>`, `inflow.<inflow>` or `corridor`.
    pub target: String,
    /// Fixed timing: the day of the run (0 = 1 January, warm-up included)
    /// on which the one episode starts.
    #[serde(default)]
    pub start_day: Option<f64>,
    /// Random timing: expected episodes per year (a Poisson process).
    #[serde(default)]
    pub rate_per_year: Option<f64>,
    /// Random timing, the other way to say it: mean days between episodes.
    #[serde(default)]
    pub mtbf_days: Option<f64>,
    /// How long an episode lasts, in days. For `vessels.<fleet>`, how long
    /// each vessel is out of service (the replacement, charter or repair
    /// lead time); left out, the vessels never come back.
    #[serde(default)]
    pub duration_days: Option<DistSpec>,
    /// The capacity that remains during an episode, as a factor (0 =
    /// closed, the default). Inflows may take factors above 1 (a surge).
    #[serde(default)]
    pub scale: f64,
    /// How many vessels a `vessels.<fleet>` episode takes out of service.
    #[serde(default)]
    pub vessels: Option<u32>,
    /// ...or which share of the fleet (rounded up), in `(0, 1]`.
    #[serde(default)]
    pub vessel_share: Option<f64>,
    /// Free text (sources, caveats); ignored by the model.
    #[serde(default)]
    pub notes: String,
}

/// A parameter the runner may sweep, and the values to try.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SweepAxis {
    /// The parameter's key, e.g. `port.alat.berths.rail_ferry`; see
    /// `docs/scenarios.md` for the keys that can be swept.
    pub key: String,
    /// Values to try.
    pub values: Vec<f64>,
}

/// The sea level: where it stands against the ports' depths, how fast it
/// moves, and the clearance a vessel keeps under its keel.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeaLevel {
    /// The level at time 0 relative to the datum of the ports' `depth_m`,
    /// in metres (negative: lower, so less water).
    #[serde(default)]
    pub offset_m: f64,
    /// The level's change per year of simulated time, in metres (the
    /// Caspian falls 0.20-0.30 m a year: a negative number).
    #[serde(default)]
    pub change_m_per_year: f64,
    /// Under-keel clearance: water a vessel keeps below its keel, in metres.
    #[serde(default = "default_ukc")]
    pub ukc_m: f64,
}

/// The under-keel clearance when the scenario gives none, in metres.
pub const DEFAULT_UKC_M: f64 = 0.5;

fn default_ukc() -> f64 {
    DEFAULT_UKC_M
}

impl Default for SeaLevel {
    fn default() -> Self {
        Self { offset_m: 0.0, change_m_per_year: 0.0, ukc_m: DEFAULT_UKC_M }
    }
}

/// Dredging (or silting) as a dated policy: from `day` on, the port's depth
/// at the datum is `depth_m`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Dredging {
    /// The port.
    pub port: String,
    /// Day of the run (0 = 1 January, warm-up included) from which the new
    /// depth holds.
    pub day: f64,
    /// The depth from then on, in metres at the datum.
    pub depth_m: f64,
    /// Free text (sources, caveats); ignored by the model.
    #[serde(default)]
    pub notes: String,
}
