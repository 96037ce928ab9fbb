//! Properties of the Caspian model over random *valid* scenarios (proptest):
//! 1-2 sea areas with random storm climates and sometimes ice, 2-4 ports,
//! storages, 1-3 inflows, outflows, 1-3 fleets with random dispatch policies
//! and sometimes return legs, optional open traffic, and interdiction with
//! random probabilities, closures and escorts, over 60-120 days.
//!
//! - no panic, cargo conserved, no event after the horizon, no truncation;
//! - a replication is a pure function of (scenario, seed, replication);
//! - KPIs stay in their ranges (storage maxima within capacity, utilizations
//!   in [0, 1] or NaN);
//! - under common random numbers: no incident probability gives no
//!   incidents, detentions or losses; no storms and no ice give no port
//!   closure hours; no corridor closures give no corridor closure hours.
//!
//! A generated scenario is rendered as TOML and loaded like a user's file, so
//! a generator bug shows up as a load error with the text. Case counts are
//! small so the file runs in seconds in the dev profile; failures are saved
//! in `tests/it/proptest-regressions/random_scenarios.txt` and re-run first.

use caspian_shipping::probe::Recorder;
use caspian_shipping::{CompiledScenario, Replication, Scenario};
use proptest::prelude::*;
use proptest::sample::Index;
use proptest::test_runner::{Config, FileFailurePersistence, RngAlgorithm};

/// `cases` cases (XorShift: cheaper than ChaCha in a dev build), or the
/// number in `CASPIAN_PROPTEST_CASES` for a longer search by hand; failures
/// are saved next to this file.
fn config(cases: u32) -> Config {
    Config {
        rng_algorithm: RngAlgorithm::XorShift,
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct(
            "it/proptest-regressions/random_scenarios.txt",
        ))),
        ..Config::with_cases(
            std::env::var("CASPIAN_PROPTEST_CASES")
                .ok()
                .and_then(|v| v.parse().ok())
                .unwrap_or(cases),
        )
    }
}

// ----- the generator ------------------------------------------------------------

/// A distribution's shape relative to its mean; [`Shape::render`] scales it.
#[derive(Debug, Clone)]
enum Shape {
    Constant,
    Exponential,
    /// Half-width as a fraction of the mean.
    Uniform(f64),
    /// How far min lies below and max above the mean (fractions), and where
    /// the mode lies between them.
    Triangular(f64, f64, f64),
    /// Coefficient of variation.
    Lognormal(f64),
    Gamma(f64),
    Normal(f64),
    /// (value / mean, weight) pairs.
    Empirical(Vec<(f64, f64)>),
}

impl Shape {
    /// An inline TOML distribution with (about) this mean; never above twice it.
    fn render(&self, mean: f64) -> String {
        match self {
            Shape::Constant => format!("{{ dist = \"constant\", value = {mean:?} }}"),
            Shape::Exponential => format!("{{ dist = \"exponential\", mean = {mean:?} }}"),
            Shape::Uniform(w) => {
                format!(
                    "{{ dist = \"uniform\", min = {:?}, max = {:?} }}",
                    mean * (1.0 - w),
                    mean * (1.0 + w)
                )
            }
            Shape::Triangular(a, b, m) => {
                let (lo, hi) = (mean * (1.0 - a), mean * (1.0 + b));
                let mode = lo + m * (hi - lo);
                format!("{{ dist = \"triangular\", min = {lo:?}, mode = {mode:?}, max = {hi:?} }}")
            }
            Shape::Lognormal(cv) => {
                format!("{{ dist = \"lognormal\", mean = {mean:?}, sd = {:?} }}", mean * cv)
            }
            Shape::Gamma(cv) => {
                format!("{{ dist = \"gamma\", mean = {mean:?}, sd = {:?} }}", mean * cv)
            }
            Shape::Normal(cv) => {
                format!("{{ dist = \"normal\", mean = {mean:?}, sd = {:?} }}", mean * cv)
            }
            Shape::Empirical(pairs) => {
                let values: Vec<String> =
                    pairs.iter().map(|(v, _)| format!("{:?}", mean * v)).collect();
                let weights: Vec<String> = pairs.iter().map(|(_, w)| format!("{w:?}")).collect();
                format!(
                    "{{ dist = \"empirical\", values = [{}], weights = [{}] }}",
                    values.join(", "),
                    weights.join(", ")
                )
            }
        }
    }
}

fn shape() -> impl Strategy<Value = Shape> {
    prop_oneof![
        Just(Shape::Constant),
        Just(Shape::Exponential),
        (0.0..1.0f64).prop_map(Shape::Uniform),
        (0.0..1.0f64, 0.0..1.0f64, 0.0..=1.0f64).prop_map(|(a, b, m)| Shape::Triangular(a, b, m)),
        (0.0..1.5f64).prop_map(Shape::Lognormal),
        (0.0..1.5f64).prop_map(Shape::Gamma),
        (0.0..0.4f64).prop_map(Shape::Normal),
        // Weights in [0.1, 1] so they are never all zero; values above 0,
        // so that the mean is (a duration or interarrival time of mean 0 is
        // refused, as it should be).
        prop::collection::vec((0.01..2.0f64, 0.1..1.0f64), 1..4).prop_map(Shape::Empirical),
    ]
}

#[derive(Debug, Clone)]
struct AreaSpec {
    rates: [f64; 12],
    duration: (f64, Shape),
    slowdown: f64,
    ice: Option<(f64, (f64, Shape))>,
}

prop_compose! {
    fn area()(
        calm in prop::bool::weighted(0.2),
        rates in prop::array::uniform12(0.0..3.0f64),
        duration in (2.0..72.0f64, shape()),
        slowdown in 1.0..2.0f64,
        ice in prop::option::weighted(0.3, (0.0..364.0f64, (5.0..90.0f64, shape()))),
    ) -> AreaSpec {
        AreaSpec { rates: if calm { [0.0; 12] } else { rates }, duration, slowdown, ice }
    }
}

#[derive(Debug, Clone)]
struct PortSpec {
    berths: [u32; 4],
    area: Option<Index>,
    ice_affected: bool,
    /// `storm_exposure` and `storm_hours_factor`.
    exposure: (f64, f64),
}

prop_compose! {
    fn port()(
        berths in prop::array::uniform4(0u32..3),
        area in prop::option::weighted(0.8, any::<Index>()),
        ice_affected in any::<bool>(),
        exposure in (prop_oneof![Just(1.0), 0.0..=1.0f64], prop_oneof![Just(1.0), 0.0..3.0f64]),
    ) -> PortSpec {
        PortSpec { berths, area, ice_affected, exposure }
    }
}

#[derive(Debug, Clone)]
enum DispatchSpec {
    WhenFull,
    FullOrMaxWait(f64),
    Timetable(f64, f64),
}

fn dispatch() -> impl Strategy<Value = DispatchSpec> {
    prop_oneof![
        Just(DispatchSpec::WhenFull),
        (0.0..96.0f64).prop_map(DispatchSpec::FullOrMaxWait),
        (6.0..72.0f64, 0.0..24.0f64).prop_map(|(i, o)| DispatchSpec::Timetable(i, o)),
    ]
}

#[derive(Debug, Clone)]
struct FleetSpec {
    class: usize,
    oil: bool,
    origin: Index,
    /// Destination = origin + 1 + this (mod ports), so never the origin.
    dest_offset: Index,
    count: u32,
    capacity: u64,
    speed: f64,
    distance: f64,
    rates: (f64, f64),
    overhead: (f64, Shape),
    dispatch: DispatchSpec,
    /// Load from / discharge into an existing storage at that port if one
    /// holds this cargo (chains and shared storages).
    share: (bool, bool),
    /// Storage capacities (load, discharge) and initial fractions.
    storage: ((u64, f64), (u64, f64)),
    return_leg: Option<(u64, u64)>,
    priority: i32,
    /// A mixed deck: the other cargo as a `[[fleet.also]]` share, with its
    /// deck units (capped at the capacity) and whether it is `spare`.
    mixed: Option<(u64, bool)>,
}

prop_compose! {
    fn fleet()(
        class in 0usize..4,
        oil in any::<bool>(),
        origin in any::<Index>(),
        dest_offset in any::<Index>(),
        count in 1u32..4,
        capacity in 5u64..3000,
        speed in 5.0..20.0f64,
        distance in 30.0..400.0f64,
        rates in (10.0..1000.0f64, 10.0..1000.0f64),
        overhead in (0.1..8.0f64, shape()),
        dispatch in dispatch(),
        share in (prop::bool::weighted(0.3), prop::bool::weighted(0.3)),
        storage in ((100u64..50_000, 0.0..0.5f64), (100u64..50_000, 0.0..0.5f64)),
        return_leg in prop::option::weighted(0.3, (100u64..20_000, 100u64..20_000)),
        priority in -2i32..3,
        mixed in prop::option::weighted(0.3, (1u64..60, any::<bool>())),
    ) -> FleetSpec {
        FleetSpec {
            class, oil, origin, dest_offset, count, capacity, speed, distance, rates, overhead,
            dispatch, share, storage, return_leg, priority, mixed,
        }
    }
}

#[derive(Debug, Clone)]
struct InflowSpec {
    /// Which loaded storage it feeds.
    target: Index,
    per_year: f64,
    /// Mean size as a fraction of the storage capacity.
    size: (f64, Shape),
    regular: bool,
    /// 0: wait, 1: spill, 2: divert; with a patience for wait and divert.
    policy: (usize, Option<f64>),
    seasonal: Option<[f64; 12]>,
}

prop_compose! {
    fn inflow()(
        target in any::<Index>(),
        per_year in 5.0..1500.0f64,
        size in (0.001..0.3f64, shape()),
        regular in any::<bool>(),
        policy in (0usize..3, prop::option::weighted(0.5, 0.0..200.0f64)),
        seasonal in prop::option::weighted(0.3, prop::array::uniform12(0.1..3.0f64)),
    ) -> InflowSpec {
        InflowSpec { target, per_year, size, regular, policy, seasonal }
    }
}

#[derive(Debug, Clone)]
struct TrafficSpec {
    port: Index,
    class: usize,
    interarrival: (f64, Shape),
    service: (f64, Shape),
}

prop_compose! {
    fn traffic()(
        port in any::<Index>(),
        class in 0usize..4,
        interarrival in (5.0..200.0f64, shape()),
        service in (0.5..24.0f64, shape()),
    ) -> TrafficSpec {
        TrafficSpec { port, class, interarrival, service }
    }
}

#[derive(Debug, Clone)]
struct RiskSpec {
    incident: f64,
    loss: f64,
    detention: (f64, Shape),
    closures: f64,
    closure: (f64, Shape),
    escort: Option<(f64, u32, f64, u32)>,
}

prop_compose! {
    fn risk()(
        incident in prop_oneof![Just(0.0), 0.0..0.2f64, Just(1.0)],
        loss in prop_oneof![Just(0.0), 0.0..1.0f64, Just(1.0)],
        detention in (1.0..200.0f64, shape()),
        closures in prop_oneof![Just(0.0), 0.0..10.0f64],
        closure in (1.0..200.0f64, shape()),
        escort in prop::option::weighted(0.3, (0.0..=1.0f64, 1u32..4, 0.0..48.0f64, 1u32..4)),
    ) -> RiskSpec {
        RiskSpec { incident, loss, detention, closures, closure, escort }
    }
}

/// A `[[disruption]]`: target kind (0 port, 1 berth class, 2 route,
/// 3 vessels, 4 storage, 5 outflow, 6 inflow, 7 corridor) and which one,
/// timing (a start as a share of the horizon, or a rate per year), length in
/// days, scale (a share of its kind's range), and for vessels a share of the
/// fleet (or one vessel) and whether they come back.
#[derive(Debug, Clone)]
struct DisruptionSpec {
    kind: usize,
    pick: Index,
    start: Option<f64>,
    rate: f64,
    length: (f64, Shape),
    scale: f64,
    share: Option<f64>,
    back: bool,
}

prop_compose! {
    fn disruption()(
        kind in 0usize..8,
        pick in any::<Index>(),
        start in prop::option::weighted(0.6, 0.0..=1.0f64),
        rate in 0.0..20.0f64,
        length in (0.01..40.0f64, shape()),
        scale in prop_oneof![Just(0.0), 0.0..=1.0f64],
        share in prop::option::weighted(0.5, 0.01..=1.0f64),
        back in prop::bool::weighted(0.8),
    ) -> DisruptionSpec {
        DisruptionSpec { kind, pick, start, rate, length, scale, share, back }
    }
}

/// A random valid scenario, before rendering.
#[derive(Debug, Clone)]
struct Spec {
    horizon: f64,
    warmup: f64,
    areas: Vec<AreaSpec>,
    ports: Vec<PortSpec>,
    fleets: Vec<FleetSpec>,
    inflows: Vec<InflowSpec>,
    /// Per storage (by creation order, cycled): an outflow, its yearly
    /// capacity and interval.
    outflows: Vec<(bool, f64, f64)>,
    traffic: Vec<TrafficSpec>,
    risk: RiskSpec,
    disruptions: Vec<DisruptionSpec>,
}

prop_compose! {
    fn spec()(
        horizon in 60u32..=120,
        warmup in 0u32..10,
        areas in prop::collection::vec(area(), 1..=2),
        ports in prop::collection::vec(port(), 2..=4),
        fleets in prop::collection::vec(fleet(), 1..=3),
        inflows in prop::collection::vec(inflow(), 1..=3),
        outflows in prop::collection::vec(
            (prop::bool::weighted(0.85), 1_000.0..5_000_000.0f64, 1.0..24.0f64),
            4,
        ),
        traffic in prop::collection::vec(traffic(), 0..=2),
        risk in risk(),
        disruptions in prop::collection::vec(disruption(), 0..=3),
    ) -> Spec {
        Spec {
            horizon: f64::from(horizon), warmup: f64::from(warmup), areas, ports, fleets,
            inflows, outflows, traffic, risk, disruptions,
        }
    }
}

const CLASSES: [&str; 4] = ["tanker", "rail_ferry", "roro", "container"];

/// A storage being laid out: (port, oil?, capacity, initial).
struct StorageOut {
    port: usize,
    oil: bool,
    capacity: u64,
    initial: u64,
    loaded: bool,
}

impl Spec {
    /// The scenario as TOML.
    fn render(&self) -> String {
        let n_ports = self.ports.len();
        let mut berths: Vec<[u32; 4]> = self.ports.iter().map(|p| p.berths).collect();
        let mut storages: Vec<StorageOut> = Vec::new();
        let new_storage = |storages: &mut Vec<StorageOut>, port, oil, capacity: u64, frac: f64| {
            storages.push(StorageOut {
                port,
                oil,
                capacity,
                initial: (capacity as f64 * frac) as u64,
                loaded: false,
            });
            storages.len() - 1
        };
        // Fleets first: they decide which berths and storages must exist.
        let mut fleets = String::new();
        let mut fleet_berths = Vec::new();
        for (i, f) in self.fleets.iter().enumerate() {
            let origin = f.origin.index(n_ports);
            fleet_berths.push((origin, f.class));
            let dest = (origin + 1 + f.dest_offset.index(n_ports - 1)) % n_ports;
            berths[origin][f.class] = berths[origin][f.class].max(1);
            berths[dest][f.class] = berths[dest][f.class].max(1);
            let find = |storages: &Vec<StorageOut>, port| {
                storages.iter().position(|s| s.port == port && s.oil == f.oil)
            };
            let ((lc, lf), (dc, df)) = f.storage;
            let load = match find(&storages, origin) {
                Some(s) if f.share.0 => s,
                _ => new_storage(&mut storages, origin, f.oil, lc, lf),
            };
            let discharge = match find(&storages, dest) {
                Some(s) if f.share.1 => s,
                _ => new_storage(&mut storages, dest, f.oil, dc, df),
            };
            storages[load].loaded = true;
            let cargo = if f.oil { "oil" } else { "wagons" };
            let dispatch = match f.dispatch {
                DispatchSpec::WhenFull => "{ policy = \"when_full\" }".to_string(),
                DispatchSpec::FullOrMaxWait(w) => {
                    format!("{{ policy = \"full_or_max_wait\", max_wait_h = {w:?} }}")
                }
                DispatchSpec::Timetable(iv, off) => {
                    format!("{{ policy = \"timetable\", interval_h = {iv:?}, offset_h = {off:?} }}")
                }
            };
            let ret = match f.return_leg {
                Some((rl, rd)) => {
                    let rl = new_storage(&mut storages, dest, f.oil, rl, 0.2);
                    let rd = new_storage(&mut storages, origin, f.oil, rd, 0.0);
                    storages[rl].loaded = true;
                    format!("return_load_from = \"s{rl}\"\nreturn_discharge_to = \"s{rd}\"\n")
                }
                None => String::new(),
            };
            fleets += &format!(
                "[[fleet]]\nid = \"f{i}\"\nberth_class = \"{}\"\ncount = {}\ncargo = \"{cargo}\"\n\
                 capacity = {}\nspeed_kn = {:?}\ndistance_nmi = {:?}\norigin = \"p{origin}\"\n\
                 load_from = \"s{load}\"\ndestination = \"p{dest}\"\ndischarge_to = \"s{discharge}\"\n\
                 {ret}load_rate_per_h = {:?}\ndischarge_rate_per_h = {:?}\n\
                 port_call_overhead_h = {}\ndispatch = {dispatch}\nberth_priority = {}\n\n",
                CLASSES[f.class],
                f.count,
                f.capacity,
                f.speed,
                f.distance,
                f.rates.0,
                f.rates.1,
                f.overhead.1.render(f.overhead.0),
                f.priority,
            );
            if let Some((units, spare)) = f.mixed {
                // The other cargo, from and into storages of its own (shared
                // with another fleet's where the share flags say so).
                let other = !f.oil;
                let find = |storages: &Vec<StorageOut>, port| {
                    storages.iter().position(|s| s.port == port && s.oil == other)
                };
                let load = match find(&storages, origin) {
                    Some(s) if f.share.0 => s,
                    _ => new_storage(&mut storages, origin, other, lc, lf),
                };
                let discharge = match find(&storages, dest) {
                    Some(s) if f.share.1 => s,
                    _ => new_storage(&mut storages, dest, other, dc, df),
                };
                storages[load].loaded = true;
                let ret = match f.return_leg {
                    Some((rl, rd)) => {
                        let rl = new_storage(&mut storages, dest, other, rl, 0.2);
                        let rd = new_storage(&mut storages, origin, other, rd, 0.0);
                        storages[rl].loaded = true;
                        format!("return_load_from = \"s{rl}\"\nreturn_discharge_to = \"s{rd}\"\n")
                    }
                    None => String::new(),
                };
                fleets += &format!(
                    "[[fleet.also]]\ncargo = \"{}\"\ndeck_units = {}\nload_from = \"s{load}\"\n\
                     discharge_to = \"s{discharge}\"\n{ret}spare = {spare}\n\n",
                    if other { "oil" } else { "wagons" },
                    units.min(f.capacity),
                );
            }
        }
        let mut traffic = String::new();
        for (i, t) in self.traffic.iter().enumerate() {
            let port = t.port.index(n_ports);
            berths[port][t.class] = berths[port][t.class].max(1);
            traffic += &format!(
                "[[open_traffic]]\nid = \"t{i}\"\nport = \"p{port}\"\nberth_class = \"{}\"\n\
                 interarrival_h = {}\nservice_h = {}\n\n",
                CLASSES[t.class],
                t.interarrival.1.render(t.interarrival.0),
                t.service.1.render(t.service.0),
            );
        }
        // Inflows feed storages some fleet loads from, so every one has a route.
        let loaded: Vec<usize> = (0..storages.len()).filter(|&s| storages[s].loaded).collect();
        let mut inflows = String::new();
        for (i, f) in self.inflows.iter().enumerate() {
            let s = loaded[f.target.index(loaded.len())];
            let mean = (storages[s].capacity as f64 * f.size.0).max(1.0);
            let seasonal = f.seasonal.map(|w| format!("seasonal = {w:?}\n")).unwrap_or_default();
            let policy = match f.policy {
                (1, _) => "when_full = \"spill\"\n".to_string(),
                (p, patience) => format!(
                    "when_full = \"{}\"\n{}",
                    if p == 0 { "wait" } else { "divert" },
                    patience.map(|h| format!("patience_h = {h:?}\n")).unwrap_or_default()
                ),
            };
            inflows += &format!(
                "[[inflow]]\nid = \"i{i}\"\ninto = \"s{s}\"\narrivals_per_year = {:?}\nsize = {}\n\
                 pattern = \"{}\"\n{policy}{seasonal}\n",
                f.per_year,
                f.size.1.render(mean),
                if f.regular { "regular" } else { "poisson" },
            );
        }
        // Outflows drain storages no fleet loads from (the destinations).
        let mut outflows = String::new();
        let mut outflow_ids = Vec::new();
        for s in (0..storages.len()).filter(|&s| !storages[s].loaded) {
            let (on, per_year, interval) = self.outflows[s % self.outflows.len()];
            if on {
                outflow_ids.push(format!("o{s}"));
                outflows += &format!(
                    "[[outflow]]\nid = \"o{s}\"\nfrom = \"s{s}\"\ncapacity_per_year = {per_year:?}\n\
                     interval_h = {interval:?}\n\n"
                );
            }
        }
        let mut text = format!(
            "[scenario]\nname = \"random\"\nhorizon_days = {:?}\nwarmup_days = {:?}\n\n",
            self.horizon, self.warmup
        );
        for (a, area) in self.areas.iter().enumerate() {
            let ice = area
                .ice
                .as_ref()
                .map(|(start, (mean, shape))| {
                    format!(
                        "ice = {{ start_day = {start:?}, duration_days = {} }}\n",
                        shape.render(*mean)
                    )
                })
                .unwrap_or_default();
            text += &format!(
                "[[sea_area]]\nid = \"a{a}\"\nstorm_onsets_per_month = {:?}\nstorm_duration_h = {}\n\
                 storm_crossing_slowdown = {:?}\n{ice}\n",
                area.rates,
                area.duration.1.render(area.duration.0),
                area.slowdown,
            );
        }
        for (p, port) in self.ports.iter().enumerate() {
            let area = port.area.map(|a| a.index(self.areas.len()));
            let icy = area.is_some_and(|a| self.areas[a].ice.is_some());
            let b = berths[p];
            text += &format!(
                "[[port]]\nid = \"p{p}\"\n{}ice_affected = {}\nstorm_exposure = {:?}\n\
                 storm_hours_factor = {:?}\n\
                 berths = {{ tanker = {}, rail_ferry = {}, roro = {}, container = {} }}\n\n",
                area.map(|a| format!("sea_area = \"a{a}\"\n")).unwrap_or_default(),
                port.ice_affected && icy,
                port.exposure.0,
                port.exposure.1,
                b[0],
                b[1],
                b[2],
                b[3],
            );
        }
        for (s, st) in storages.iter().enumerate() {
            text += &format!(
                "[[storage]]\nid = \"s{s}\"\nport = \"p{}\"\ncargo = \"{}\"\ncapacity = {}\ninitial = {}\n\n",
                st.port,
                if st.oil { "oil" } else { "wagons" },
                st.capacity,
                st.initial,
            );
        }
        text += &inflows;
        text += &outflows;
        text += &fleets;
        text += &traffic;
        let r = &self.risk;
        text += &format!(
            "[interdiction]\nincident_probability = {:?}\nloss_probability = {:?}\ndetention_h = {}\n\
             closures_per_year = {:?}\nclosure_duration_h = {}\n",
            r.incident,
            r.loss,
            r.detention.1.render(r.detention.0),
            r.closures,
            r.closure.1.render(r.closure.0),
        );
        if let Some((factor, size, wait, force)) = r.escort {
            text += &format!(
                "escort = {{ enabled = true, incident_factor = {factor:?}, convoy_size = {size}, \
                 max_wait_h = {wait:?}, escort_vessels = {force} }}\n"
            );
        }
        for (k, d) in self.disruptions.iter().enumerate() {
            let fleet = d.pick.index(self.fleets.len());
            let (target, max_scale) = match d.kind {
                0 => (format!("port.p{}", d.pick.index(n_ports)), 1.0),
                1 => {
                    let (port, class) = fleet_berths[fleet];
                    (format!("port.p{port}.{}", CLASSES[class]), 1.0)
                }
                2 => (format!("route.f{fleet}"), 0.0),
                3 => (format!("vessels.f{fleet}"), 0.0),
                4 => (format!("storage.s{}", d.pick.index(storages.len())), 1.0),
                5 if !outflow_ids.is_empty() => {
                    (format!("outflow.{}", outflow_ids[d.pick.index(outflow_ids.len())]), 1.5)
                }
                6 => (format!("inflow.i{}", d.pick.index(self.inflows.len())), 3.0),
                _ => ("corridor".to_string(), 0.0),
            };
            let timing = match d.start {
                Some(share) => format!("start_day = {:?}\n", share * self.horizon),
                None => format!("rate_per_year = {:?}\n", d.rate),
            };
            let length = format!("duration_days = {}\n", d.length.1.render(d.length.0));
            let rest = if d.kind == 3 {
                let count = match d.share {
                    Some(share) => format!("vessel_share = {share:?}\n"),
                    None => "vessels = 1\n".to_string(),
                };
                count + if d.back { &length } else { "" }
            } else {
                length + &format!("scale = {:?}\n", d.scale * max_scale)
            };
            text +=
                &format!("\n[[disruption]]\nid = \"d{k}\"\ntarget = \"{target}\"\n{timing}{rest}");
        }
        text
    }
}

// ----- running ------------------------------------------------------------------

/// Parses a generated scenario; a failure is a generator bug.
fn scenario(spec: &Spec) -> (String, Scenario) {
    let text = spec.render();
    let parsed = caspian_shipping::parse(&text, "random").unwrap_or_else(|e| panic!("{e}\n{text}"));
    (text, parsed)
}

fn compiled(scenario: &Scenario, text: &str) -> CompiledScenario {
    caspian_shipping::compile(scenario)
        .unwrap_or_else(|e| panic!("a generated scenario must be valid: {e:?}\n{text}"))
}

fn kpi(rep: &Replication, name: &str) -> f64 {
    rep.kpis.get(name).unwrap_or_else(|| panic!("no KPI {name}"))
}

fn bits(rep: &Replication) -> Vec<(String, u64)> {
    rep.kpis.iter().map(|(n, v)| (n.to_string(), v.to_bits())).collect()
}

/// Whether any port can close for weather (storms or ice).
fn has_weather(s: &Scenario) -> bool {
    s.sea_areas.iter().any(|a| a.storm_onsets_per_month.iter().any(|&r| r > 0.0))
        || s.ports.iter().any(|p| p.ice_affected)
}

// ----- properties ---------------------------------------------------------------

proptest! {
    #![proptest_config(config(500))]

    /// No panic, cargo conserved, nothing after the horizon, no truncation
    /// (the default limit of 50 million events is generous for 120 days), and
    /// the same (scenario, seed, replication) gives bit-identical KPIs.
    #[test]
    fn random_scenarios_conserve_cargo_end_by_the_horizon_and_are_pure(
        spec in spec(), seed in any::<u64>(), rep in 0u64..4,
    ) {
        let (text, s) = scenario(&spec);
        let plan = compiled(&s, &text);
        let mut rec = Recorder { trace_events: true, ..Recorder::default() };
        let a = caspian_shipping::simulate_probed(&plan, seed, rep, &mut rec);
        prop_assert_eq!(a.conservation_residual, [0; caspian_shipping::scenario::Cargo::COUNT], "{}", text);
        prop_assert!(!a.truncated, "hit the event limit after {} events\n{}", a.events, text);
        // One trace entry per event but those a lost vessel ignores, plus
        // corridor boundaries and vessels other subjects' events changed.
        let fired = rec.trace.iter().filter(|e| e.event.fired()).count();
        prop_assert_eq!(fired as u64 + a.ignored_events, a.events);
        if let Some(last) = rec.trace.last() {
            prop_assert!(last.time <= plan.horizon, "event {} at {:?} after the horizon {:?}\n{}",
                last.event, last.time, plan.horizon, text);
        }
        let b = caspian_shipping::simulate(&plan, seed, rep);
        prop_assert_eq!(bits(&a), bits(&b), "not a pure function\n{}", text);
        prop_assert_eq!(a.events, b.events);
        // Compiling the same file again changes nothing either.
        let c = caspian_shipping::simulate(&compiled(&s, &text), seed, rep);
        prop_assert_eq!(bits(&a), bits(&c));
    }

    /// Storage maxima and means within [0, capacity]; utilizations in [0, 1]
    /// or NaN; every KPI a non-negative number or NaN.
    #[test]
    fn kpis_stay_within_their_ranges(spec in spec(), seed in any::<u64>()) {
        let (text, s) = scenario(&spec);
        let plan = compiled(&s, &text);
        let rep = caspian_shipping::simulate(&plan, seed, 0);
        for (name, v) in rep.kpis.iter() {
            prop_assert!(v.is_nan() || (v.is_finite() && v >= 0.0), "{} = {}\n{}", name, v, text);
        }
        for st in &s.storages {
            let cap = st.capacity as f64;
            for what in ["storage_max", "storage_mean"] {
                let v = kpi(&rep, &format!("{what}.{}", st.id));
                prop_assert!(v <= cap, "{}.{} = {} > capacity {}\n{}", what, st.id, v, cap, text);
            }
        }
        for (name, v) in rep.kpis.iter() {
            if name.starts_with("vessel_utilization.")
                || name.starts_with("berth_utilization.")
                || name == "escort_utilization"
            {
                prop_assert!(v.is_nan() || (0.0..=1.0).contains(&v), "{} = {}\n{}", name, v, text);
            }
        }
    }

    /// Common random numbers: with the incident probability set to zero (and
    /// no vessels taken out of service by a disruption) there are no
    /// incidents, detentions, losses or lost cargo.
    #[test]
    fn no_incident_probability_gives_no_incidents(spec in spec(), seed in any::<u64>()) {
        let (text, mut s) = scenario(&spec);
        s.interdiction.incident_probability = 0.0;
        s.disruptions.retain(|d| !d.target.starts_with("vessels."));
        let rep = caspian_shipping::simulate(&compiled(&s, &text), seed, 0);
        prop_assert_eq!(rep.conservation_residual, [0; caspian_shipping::scenario::Cargo::COUNT]);
        for name in ["incidents", "detentions", "vessels_lost", "cargo_lost.oil", "cargo_lost.wagons"] {
            prop_assert_eq!(kpi(&rep, name), 0.0, "{}\n{}", name, text);
        }
    }

    /// Common random numbers: without storms, ice and port disruptions no port
    /// ever closes, and without closure episodes (or a corridor disruption)
    /// the corridor never closes, whatever else the scenario does.
    #[test]
    fn no_storms_or_closures_give_no_closure_hours(spec in spec(), seed in any::<u64>()) {
        let (text, s) = scenario(&spec);
        let mut calm = s.clone();
        for a in &mut calm.sea_areas {
            a.storm_onsets_per_month = [0.0; 12];
            a.ice = None;
        }
        for p in &mut calm.ports {
            p.ice_affected = false;
        }
        calm.disruptions.retain(|d| !d.target.starts_with("port."));
        prop_assert!(!has_weather(&calm));
        let rep = caspian_shipping::simulate(&compiled(&calm, &text), seed, 0);
        prop_assert_eq!(rep.conservation_residual, [0; caspian_shipping::scenario::Cargo::COUNT]);
        for p in &calm.ports {
            prop_assert_eq!(kpi(&rep, &format!("port_closure_h.{}", p.id)), 0.0, "{}\n{}", p.id, text);
        }
        let mut open = s.clone();
        open.interdiction.closures_per_year = 0.0;
        open.disruptions.retain(|d| d.target != "corridor");
        let rep = caspian_shipping::simulate(&compiled(&open, &text), seed, 0);
        prop_assert_eq!(rep.conservation_residual, [0; caspian_shipping::scenario::Cargo::COUNT]);
        prop_assert_eq!(kpi(&rep, "corridor_closure_h"), 0.0, "{}", text);
    }
}
