//! The scenario file format: what a TOML scenario may contain.
//!
//! These types mirror the file one to one; `deny_unknown_fields` everywhere means
//! a misspelt key is an error, not a silently ignored setting. Semantic checks
//! (references between entries, ranges) live in `compile/`, and
//! `docs/scenarios.md` documents every key.

use serde::{Deserialize, Serialize};

use crate::dist::DistSpec;

mod costs;
mod fleet;
mod risk;
mod water;

pub use costs::{
    BerthCapital, BerthYear, CapitalCosts, Charter, Costs, Demurrage, FailureCosts, LinkCapital,
    MarginLost, OperatingCosts, StorageCapital, ValueOfTime, VesselCapital, VesselDayAtSea,
    VesselDayInPort,
};
pub use fleet::{Availability, DeckShare, Dispatch, Fleet};
pub use risk::{Disruption, Escort, Interdiction};
pub use water::{DEFAULT_UKC_M, Dredging, SeaLevel};

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
    /// `[costs]`: capital, operating and failure costs (none: the defaults).
    #[serde(default, skip_serializing_if = "Costs::is_default")]
    pub costs: Costs,
}

impl Scenario {
    /// The scenario without the disruptions `drop` picks. Every disruption
    /// left keeps the random stream of its place in this scenario's list
    /// ([`Disruption::stream`]), so the two differ only in the disruptions
    /// dropped (common random numbers).
    pub fn without_disruptions(&self, drop: impl Fn(&Disruption) -> bool) -> Scenario {
        let mut out = self.clone();
        out.disruptions = std::mem::take(&mut out.disruptions)
            .into_iter()
            .enumerate()
            .filter(|(_, d)| !drop(d))
            .map(|(i, mut d)| {
                // At most 256 entries: the compiler refuses more.
                d.stream = Some(d.stream.unwrap_or(i as u8));
                d
            })
            .collect();
        out
    }

    /// Whether its weather follows the calendar: a sea area whose storm
    /// onsets differ between months, or with an ice season. Its series then
    /// have no steady state to settle into, only a yearly cycle.
    pub fn is_seasonal(&self) -> bool {
        self.sea_areas.iter().any(|a| {
            let first = a.storm_onsets_per_month[0];
            a.ice.is_some() || a.storm_onsets_per_month.iter().any(|&r| r != first)
        })
    }
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
    /// Also measure each disruption's recovery against the same replication
    /// without the disruptions, under common random numbers
    /// (`recovery_paired_days.<id>`, `unrecovered_paired.<id>`): every
    /// replication is then run twice. Ignored without disruptions.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub paired_recovery: bool,
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
