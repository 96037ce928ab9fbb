//! Checks a [`Scenario`] and resolves its references into indices: the form the
//! model runs on. Every problem is reported, each with the key it concerns.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use caspian_engine::{SimDuration, SimTime};

use crate::dist::{Dist, DistSpec};
use crate::kpi::KpiLayout;
use crate::scenario::{ArrivalPattern, BerthClass, Cargo, Dispatch, Scenario};

/// Largest horizon accepted: a thousand years is already absurd, and it keeps
/// every sum of times far from overflow.
const MAX_HORIZON_DAYS: f64 = 365_000.0;
/// Largest count of vessels, berths or per-entry items accepted.
const MAX_COUNT: u64 = 100_000;
/// Largest storage capacity or cargo amount accepted (10^15 units).
const MAX_AMOUNT: u64 = 1_000_000_000_000_000;

/// One problem in a scenario, tied to the key it concerns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScenarioError {
    /// Dotted path of the offending key, e.g. `fleet[2].capacity` or `fleet.kmtf.origin`.
    pub key: String,
    /// What is wrong, in lower case.
    pub message: String,
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.key, self.message)
    }
}

/// A storage with its references resolved.
#[derive(Debug, Clone)]
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
#[derive(Debug, Clone)]
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
    /// Spill (shut in) when full instead of waiting at the gate.
    pub spill_when_full: bool,
}

/// An outflow with its references resolved.
#[derive(Debug, Clone)]
pub struct OutflowPlan {
    /// Identifier.
    pub id: String,
    /// Storage index.
    pub from: usize,
    /// Units the link can take per interval.
    pub per_interval: f64,
    /// Interval between draws.
    pub interval: SimDuration,
}

/// A fleet with its references resolved.
#[derive(Debug, Clone)]
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
#[derive(Debug, Clone)]
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
#[derive(Debug, Clone)]
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
#[derive(Debug, Clone)]
pub struct PortPlan {
    /// Identifier.
    pub id: String,
    /// Sea area index.
    pub sea_area: Option<usize>,
    /// Closed by its area's ice season.
    pub ice_affected: bool,
    /// Berths per class, in [`BerthClass::ALL`] order.
    pub berths: [u32; 4],
}

/// Interdiction with samplers built.
#[derive(Debug, Clone)]
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
    /// Escort settings, if enabled: (incident factor, convoy size, max wait).
    pub escort: Option<(f64, u32, SimDuration)>,
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
    /// The KPIs this scenario emits, laid out once (see [`Self::kpi_layout`]).
    kpi_layout: Arc<KpiLayout>,
}

impl CompiledScenario {
    /// The KPIs every replication of this scenario emits, in name order,
    /// with their families and units; computed once, when the scenario is
    /// compiled. (The plan's fields are public for reading; a plan changed
    /// after compiling keeps the layout of the plan as compiled.)
    pub fn kpi_layout(&self) -> &Arc<KpiLayout> {
        &self.kpi_layout
    }
}

/// Collects errors while compiling.
struct Checker {
    errors: Vec<ScenarioError>,
}

impl Checker {
    fn err(&mut self, key: impl Into<String>, message: impl Into<String>) {
        self.errors.push(ScenarioError { key: key.into(), message: message.into() });
    }

    /// A finite number in `[min, max]`.
    fn range(&mut self, key: &str, value: f64, min: f64, max: f64) -> bool {
        if !value.is_finite() {
            self.err(key, format!("must be a finite number, got {value}"));
            false
        } else if value < min || value > max {
            self.err(key, format!("must be between {min} and {max}, got {value}"));
            false
        } else {
            true
        }
    }

    /// A finite number strictly above zero and at most `max`.
    fn positive(&mut self, key: &str, value: f64, max: f64) -> bool {
        if !value.is_finite() {
            self.err(key, format!("must be a finite number, got {value}"));
            false
        } else if value <= 0.0 {
            self.err(key, format!("must be greater than zero, got {value}"));
            false
        } else if value > max {
            self.err(key, format!("is absurdly large ({value}); the limit is {max}"));
            false
        } else {
            true
        }
    }

    fn probability(&mut self, key: &str, value: f64) -> bool {
        if !value.is_finite() || !(0.0..=1.0).contains(&value) {
            self.err(key, format!("must be a probability between 0 and 1, got {value}"));
            false
        } else {
            true
        }
    }

    fn count(&mut self, key: &str, value: u64, min: u64) -> bool {
        if value < min {
            self.err(key, format!("must be at least {min}, got {value}"));
            false
        } else if value > MAX_COUNT {
            self.err(key, format!("is absurdly large ({value}); the limit is {MAX_COUNT}"));
            false
        } else {
            true
        }
    }

    fn dist(&mut self, key: &str, spec: &DistSpec) -> Option<Dist> {
        match Dist::new(spec) {
            Ok(d) => {
                if d.mean() > 1e9 {
                    self.err(key, format!("mean {} is absurdly large", d.mean()));
                    None
                } else {
                    Some(d)
                }
            }
            Err(e) => {
                self.err(key, e.to_string());
                None
            }
        }
    }

    fn hours(&mut self, key: &str, h: f64) -> Option<SimDuration> {
        if !self.range(key, h, 0.0, MAX_HORIZON_DAYS * 24.0) {
            return None;
        }
        SimDuration::try_from_hours_f64(h).map_err(|e| self.err(key, e.to_string())).ok()
    }
}

/// Index of each id, reporting duplicates and empty ids.
fn index_ids<'a>(
    c: &mut Checker,
    table: &str,
    ids: impl Iterator<Item = &'a String>,
) -> BTreeMap<&'a str, usize> {
    let mut map = BTreeMap::new();
    for (i, id) in ids.enumerate() {
        if id.is_empty() {
            c.err(format!("{table}[{i}].id"), "must not be empty");
        } else if map.insert(id.as_str(), i).is_some() {
            c.err(format!("{table}[{i}].id"), format!("duplicate id \"{id}\""));
        }
    }
    map
}

fn lookup(
    c: &mut Checker,
    map: &BTreeMap<&str, usize>,
    key: String,
    what: &str,
    id: &str,
) -> Option<usize> {
    let found = map.get(id).copied();
    if found.is_none() {
        let known: Vec<&str> = map.keys().copied().collect();
        c.err(key, format!("unknown {what} \"{id}\" (known: {})", known.join(", ")));
    }
    found
}

/// Checks `scenario` and resolves it, or returns every problem found.
///
/// # Errors
/// All [`ScenarioError`]s, in file order.
pub fn compile(scenario: &Scenario) -> Result<CompiledScenario, Vec<ScenarioError>> {
    let mut c = Checker { errors: Vec::new() };
    let s = scenario;

    // Meta.
    let horizon_ok = c.positive("scenario.horizon_days", s.scenario.horizon_days, MAX_HORIZON_DAYS);
    let warmup_ok = c.range("scenario.warmup_days", s.scenario.warmup_days, 0.0, MAX_HORIZON_DAYS);
    if horizon_ok && warmup_ok && s.scenario.warmup_days >= s.scenario.horizon_days {
        c.err(
            "scenario.warmup_days",
            format!(
                "warm-up ({} days) must be shorter than the horizon ({} days)",
                s.scenario.warmup_days, s.scenario.horizon_days
            ),
        );
    }
    if s.scenario.max_events == 0 {
        c.err("scenario.max_events", "must be at least 1");
    }
    let horizon = SimTime::try_from_days_f64(s.scenario.horizon_days).unwrap_or(SimTime::ZERO);
    let warmup = SimTime::try_from_days_f64(s.scenario.warmup_days).unwrap_or(SimTime::ZERO);

    // Stream sub-ids are one byte, so each list holds at most 256 entries.
    for (table, n) in [
        ("sea_area", s.sea_areas.len()),
        ("inflow", s.inflows.len()),
        ("fleet", s.fleets.len()),
        ("open_traffic", s.open_traffic.len()),
    ] {
        if n > 256 {
            c.err(table, format!("at most 256 entries are supported, got {n}"));
        }
    }
    if s.ports.len() > usize::from(u16::MAX) || s.storages.len() > usize::from(u16::MAX) {
        c.err("port", "too many ports or storages");
    }

    // Sea areas.
    let area_ids = index_ids(&mut c, "sea_area", s.sea_areas.iter().map(|a| &a.id));
    let mut sea_areas = Vec::new();
    for a in &s.sea_areas {
        let k = format!("sea_area.{}", a.id);
        for (m, &rate) in a.storm_onsets_per_month.iter().enumerate() {
            c.range(&format!("{k}.storm_onsets_per_month[{m}]"), rate, 0.0, 1_000.0);
        }
        let duration = c.dist(&format!("{k}.storm_duration_h"), &a.storm_duration_h);
        if a.storm_onsets_per_month.iter().any(|&r| r > 0.0)
            && duration.as_ref().is_some_and(|d| d.mean() <= 0.0)
        {
            c.err(format!("{k}.storm_duration_h"), "storms are configured but last zero hours");
        }
        c.range(&format!("{k}.storm_crossing_slowdown"), a.storm_crossing_slowdown, 1.0, 100.0);
        let ice = a.ice.as_ref().and_then(|ice| {
            c.range(&format!("{k}.ice.start_day"), ice.start_day, 0.0, 364.999);
            c.dist(&format!("{k}.ice.duration_days"), &ice.duration_days)
                .map(|d| (ice.start_day, d))
        });
        if let Some(d) = &duration {
            let mut rng = crate::streams::stream(0, 0, crate::streams::Source::Weather, 0);
            if let Err(e) = crate::timeline::poisson_episode_list(
                &a.storm_onsets_per_month,
                d,
                horizon,
                &mut rng,
            ) {
                c.err(format!("{k}.storm_onsets_per_month"), e.to_string());
            }
        }
        sea_areas.push(SeaAreaPlan {
            id: a.id.clone(),
            storm_onsets_per_month: a.storm_onsets_per_month,
            storm_duration: duration.unwrap_or_else(zero_dist),
            storm_crossing_slowdown: a.storm_crossing_slowdown,
            ice,
        });
    }

    // Ports.
    if s.ports.is_empty() {
        c.err("port", "a scenario needs at least one port");
    }
    let port_ids = index_ids(&mut c, "port", s.ports.iter().map(|p| &p.id));
    let mut ports = Vec::new();
    for p in &s.ports {
        let k = format!("port.{}", p.id);
        let sea_area = p
            .sea_area
            .as_ref()
            .and_then(|a| lookup(&mut c, &area_ids, format!("{k}.sea_area"), "sea area", a));
        // Without an ice season in its area the flag would silently do nothing.
        let has_ice = |a: usize| s.sea_areas.get(a).is_some_and(|area| area.ice.is_some());
        if p.ice_affected && p.sea_area.is_none() {
            c.err(format!("{k}.ice_affected"), "needs a sea_area with an ice season");
        } else if p.ice_affected
            && let Some(a) = sea_area
            && !has_ice(a)
        {
            c.err(
                format!("{k}.ice_affected"),
                format!(
                    "needs a sea_area with an ice season; sea area \"{}\" has none",
                    s.sea_areas[a].id
                ),
            );
        }
        let mut berths = [0u32; 4];
        for (j, class) in BerthClass::ALL.iter().enumerate() {
            let n = p.berths.get(*class);
            c.count(&format!("{k}.berths.{}", class.as_str()), u64::from(n), 0);
            berths[j] = n;
        }
        ports.push(PortPlan { id: p.id.clone(), sea_area, ice_affected: p.ice_affected, berths });
    }

    // Storages.
    let storage_ids = index_ids(&mut c, "storage", s.storages.iter().map(|x| &x.id));
    let mut storages = Vec::new();
    for st in &s.storages {
        let k = format!("storage.{}", st.id);
        let port = lookup(&mut c, &port_ids, format!("{k}.port"), "port", &st.port).unwrap_or(0);
        if st.capacity == 0 {
            c.err(format!("{k}.capacity"), "must be at least 1");
        } else if st.capacity > MAX_AMOUNT {
            c.err(format!("{k}.capacity"), format!("is absurdly large; the limit is {MAX_AMOUNT}"));
        }
        if st.initial > st.capacity {
            c.err(
                format!("{k}.initial"),
                format!("initial content {} exceeds capacity {}", st.initial, st.capacity),
            );
        }
        storages.push(StoragePlan {
            id: st.id.clone(),
            port,
            cargo: st.cargo,
            capacity: st.capacity,
            initial: st.initial,
        });
    }

    // Inflows.
    index_ids(&mut c, "inflow", s.inflows.iter().map(|x| &x.id));
    let mut inflows = Vec::new();
    for f in &s.inflows {
        let k = format!("inflow.{}", f.id);
        let into = lookup(&mut c, &storage_ids, format!("{k}.into"), "storage", &f.into);
        c.positive(&format!("{k}.arrivals_per_year"), f.arrivals_per_year, 1e7);
        let size = c.dist(&format!("{k}.size"), &f.size);
        if let (Some(size), Some(into)) = (&size, into)
            && size.mean() > storages[into].capacity as f64
        {
            c.err(
                format!("{k}.size"),
                format!(
                    "mean arrival ({}) exceeds the capacity of storage \"{}\" ({})",
                    size.mean(),
                    storages[into].id,
                    storages[into].capacity
                ),
            );
        }
        let mut season_ok = true;
        for (m, &w) in f.seasonal.iter().enumerate() {
            season_ok &= c.range(&format!("{k}.seasonal[{m}]"), w, 0.0, 1_000.0);
        }
        let season_sum: f64 = f.seasonal.iter().sum();
        if season_ok && season_sum <= 0.0 {
            c.err(format!("{k}.seasonal"), "at least one month must have a positive weight");
        }
        let mean_weight = if season_sum > 0.0 { season_sum / 12.0 } else { 1.0 };
        let per_hour = f.arrivals_per_year / (365.0 * 24.0);
        let rate_per_h = f.seasonal.map(|w| per_hour * w / mean_weight);
        inflows.push(InflowPlan {
            id: f.id.clone(),
            into: into.unwrap_or(0),
            rate_per_h,
            size: size.unwrap_or_else(zero_dist),
            pattern: f.pattern,
            spill_when_full: f.spill_when_full,
        });
    }

    // Outflows.
    index_ids(&mut c, "outflow", s.outflows.iter().map(|x| &x.id));
    let mut outflows = Vec::new();
    for o in &s.outflows {
        let k = format!("outflow.{}", o.id);
        let from = lookup(&mut c, &storage_ids, format!("{k}.from"), "storage", &o.from);
        c.positive(&format!("{k}.capacity_per_year"), o.capacity_per_year, 1e15);
        let interval_ok = c.positive(&format!("{k}.interval_h"), o.interval_h, 24.0 * 365.0);
        let interval = if interval_ok {
            SimDuration::try_from_hours_f64(o.interval_h).unwrap_or(SimDuration::from_hours(6))
        } else {
            SimDuration::from_hours(6)
        };
        if interval.ticks() == 0 {
            c.err(format!("{k}.interval_h"), "rounds to zero milliseconds");
        }
        outflows.push(OutflowPlan {
            id: o.id.clone(),
            from: from.unwrap_or(0),
            per_interval: o.capacity_per_year * o.interval_h / (365.0 * 24.0),
            interval,
        });
    }

    // Fleets.
    index_ids(&mut c, "fleet", s.fleets.iter().map(|x| &x.id));
    let mut fleets = Vec::new();
    for f in &s.fleets {
        let k = format!("fleet.{}", f.id);
        c.count(&format!("{k}.count"), u64::from(f.count), 1);
        if f.capacity == 0 {
            c.err(format!("{k}.capacity"), "must be at least 1");
        } else if f.capacity > MAX_AMOUNT {
            c.err(format!("{k}.capacity"), format!("is absurdly large; the limit is {MAX_AMOUNT}"));
        }
        let speed_ok = c.positive(&format!("{k}.speed_kn"), f.speed_kn, 100.0);
        let dist_ok = c.positive(&format!("{k}.distance_nmi"), f.distance_nmi, 20_000.0);
        let crossing = if speed_ok && dist_ok {
            // A tiny speed would make the crossing overflow simulated time.
            let h = f.distance_nmi / f.speed_kn;
            if h > MAX_HORIZON_DAYS * 24.0 {
                c.err(
                    format!("{k}.speed_kn"),
                    format!(
                        "crossing {:?} nmi at {:?} kn takes {h:e} hours, longer than the largest \
                         horizon ({} hours)",
                        f.distance_nmi,
                        f.speed_kn,
                        MAX_HORIZON_DAYS * 24.0
                    ),
                );
            }
            SimDuration::try_from_hours_f64(h).unwrap_or(SimDuration::ZERO)
        } else {
            SimDuration::ZERO
        };
        let origin = lookup(&mut c, &port_ids, format!("{k}.origin"), "port", &f.origin);
        let destination =
            lookup(&mut c, &port_ids, format!("{k}.destination"), "port", &f.destination);
        if origin.is_some() && origin == destination {
            c.err(format!("{k}.destination"), "must differ from the origin");
        }
        let storage_at = |c: &mut Checker, key: &str, id: &str, port: Option<usize>| {
            let idx = lookup(c, &storage_ids, format!("{k}.{key}"), "storage", id)?;
            let st = &storages[idx];
            if st.cargo != f.cargo {
                c.err(
                    format!("{k}.{key}"),
                    format!(
                        "storage \"{id}\" holds {} but the fleet carries {}",
                        st.cargo.as_str(),
                        f.cargo.as_str()
                    ),
                );
            }
            if let Some(port) = port
                && st.port != port
            {
                c.err(
                    format!("{k}.{key}"),
                    format!(
                        "storage \"{id}\" is at port \"{}\", not at this end of the route",
                        ports[st.port].id
                    ),
                );
            }
            Some(idx)
        };
        let load_from = storage_at(&mut c, "load_from", &f.load_from, origin);
        let discharge_to = storage_at(&mut c, "discharge_to", &f.discharge_to, destination);
        let return_load_from = f
            .return_load_from
            .as_ref()
            .and_then(|id| storage_at(&mut c, "return_load_from", id, destination));
        let return_discharge_to = f
            .return_discharge_to
            .as_ref()
            .and_then(|id| storage_at(&mut c, "return_discharge_to", id, origin));
        if f.return_load_from.is_some() != f.return_discharge_to.is_some() {
            c.err(
                format!("{k}.return_discharge_to"),
                "return_load_from and return_discharge_to must be given together",
            );
        }
        for (key, rate) in [
            ("load_rate_per_h", f.load_rate_per_h),
            ("discharge_rate_per_h", f.discharge_rate_per_h),
        ] {
            // A tiny rate would make handling one cargo overflow simulated time.
            let h = f.capacity as f64 / rate;
            if c.positive(&format!("{k}.{key}"), rate, 1e12) && h > MAX_HORIZON_DAYS * 24.0 {
                c.err(
                    format!("{k}.{key}"),
                    format!(
                        "handling a full cargo ({} units) at {rate:?} units/h takes {h:e} hours, \
                         longer than the largest horizon ({} hours)",
                        f.capacity,
                        MAX_HORIZON_DAYS * 24.0
                    ),
                );
            }
        }
        let overhead = c.dist(&format!("{k}.port_call_overhead_h"), &f.port_call_overhead_h);
        let dispatch = match f.dispatch {
            Dispatch::WhenFull => DispatchPlan::WhenFull,
            Dispatch::FullOrMaxWait { max_wait_h } => DispatchPlan::FullOrMaxWait(
                c.hours(&format!("{k}.dispatch.max_wait_h"), max_wait_h)
                    .unwrap_or(SimDuration::ZERO),
            ),
            Dispatch::Timetable { interval_h, offset_h } => {
                let interval_ok =
                    c.positive(&format!("{k}.dispatch.interval_h"), interval_h, 24.0 * 365.0);
                let interval = if interval_ok {
                    SimDuration::try_from_hours_f64(interval_h)
                        .unwrap_or(SimDuration::from_hours(1))
                } else {
                    SimDuration::from_hours(1)
                };
                if interval.ticks() == 0 {
                    // Every instant would be a slot: the timetable would mean nothing.
                    c.err(format!("{k}.dispatch.interval_h"), "rounds to zero milliseconds");
                }
                let offset =
                    c.hours(&format!("{k}.dispatch.offset_h"), offset_h).unwrap_or_default();
                DispatchPlan::Timetable { interval, offset }
            }
        };
        // A vessel class no berth can serve would wait at anchorage forever.
        for (end, port) in [("origin", origin), ("destination", destination)] {
            if let Some(p) = port
                && ports[p].berths[class_index(f.berth_class)] == 0
            {
                c.err(
                    format!("{k}.berth_class"),
                    format!(
                        "port \"{}\" ({end}) has no {} berth to serve this fleet",
                        ports[p].id,
                        f.berth_class.as_str()
                    ),
                );
            }
        }
        fleets.push(FleetPlan {
            id: f.id.clone(),
            berth_class: f.berth_class,
            count: f.count,
            cargo: f.cargo,
            capacity: f.capacity,
            crossing,
            origin: origin.unwrap_or(0),
            load_from: load_from.unwrap_or(0),
            destination: destination.unwrap_or(0),
            discharge_to: discharge_to.unwrap_or(0),
            return_load_from,
            return_discharge_to,
            load_rate_per_h: f.load_rate_per_h,
            discharge_rate_per_h: f.discharge_rate_per_h,
            overhead: overhead.unwrap_or_else(zero_dist),
            dispatch,
            berth_priority: f.berth_priority,
        });
    }

    // Demand with no route: an inflow into a storage no fleet loads from and no
    // outflow drains would only ever fill up.
    for f in &inflows {
        let loaded =
            fleets.iter().any(|fl| fl.load_from == f.into || fl.return_load_from == Some(f.into));
        let drained = outflows.iter().any(|o| o.from == f.into);
        if !loaded && !drained && f.into < storages.len() {
            c.err(
                format!("inflow.{}.into", f.id),
                format!("no fleet loads from and no outflow drains storage \"{}\": this demand has no route", storages[f.into].id),
            );
        }
    }

    // Open traffic.
    index_ids(&mut c, "open_traffic", s.open_traffic.iter().map(|x| &x.id));
    let mut open_traffic = Vec::new();
    for o in &s.open_traffic {
        let k = format!("open_traffic.{}", o.id);
        let port = lookup(&mut c, &port_ids, format!("{k}.port"), "port", &o.port);
        if let Some(p) = port
            && ports[p].berths[class_index(o.berth_class)] == 0
        {
            c.err(
                format!("{k}.berth_class"),
                format!("port \"{}\" has no {} berth", ports[p].id, o.berth_class.as_str()),
            );
        }
        let interarrival = c.dist(&format!("{k}.interarrival_h"), &o.interarrival_h);
        if interarrival.as_ref().is_some_and(|d| d.mean() <= 0.0) {
            c.err(format!("{k}.interarrival_h"), "mean must be greater than zero");
        } else if let Some(d) = &interarrival
            && SimDuration::try_from_hours_f64(d.mean()).is_ok_and(|t| t.ticks() == 0)
        {
            // Arrivals at one instant without end: only max_events would stop them.
            c.err(
                format!("{k}.interarrival_h"),
                format!("mean {:?} hours rounds to zero milliseconds", d.mean()),
            );
        }
        let service = c.dist(&format!("{k}.service_h"), &o.service_h);
        open_traffic.push(OpenTrafficPlan {
            id: o.id.clone(),
            port: port.unwrap_or(0),
            berth_class: o.berth_class,
            interarrival: interarrival.unwrap_or_else(zero_dist),
            service: service.unwrap_or_else(zero_dist),
            berth_priority: o.berth_priority,
        });
    }

    // Interdiction.
    let i = &s.interdiction;
    c.probability("interdiction.incident_probability", i.incident_probability);
    c.probability("interdiction.loss_probability", i.loss_probability);
    let detention = c.dist("interdiction.detention_h", &i.detention_h);
    c.range("interdiction.closures_per_year", i.closures_per_year, 0.0, 1_000.0);
    let closure_duration = c.dist("interdiction.closure_duration_h", &i.closure_duration_h);
    if let Some(d) = &closure_duration {
        let mut rng = crate::streams::stream(0, 0, crate::streams::Source::CorridorClosure, 0);
        if let Err(e) = crate::timeline::annual_episodes(i.closures_per_year, d, horizon, &mut rng)
        {
            c.err("interdiction.closures_per_year", e.to_string());
        }
    }
    let escort = if i.escort.enabled {
        c.probability("interdiction.escort.incident_factor", i.escort.incident_factor);
        c.count("interdiction.escort.convoy_size", u64::from(i.escort.convoy_size), 1);
        let wait = c.hours("interdiction.escort.max_wait_h", i.escort.max_wait_h);
        Some((i.escort.incident_factor, i.escort.convoy_size, wait.unwrap_or_default()))
    } else {
        None
    };

    // Sweep axes.
    for (n, axis) in s.sweeps.iter().enumerate() {
        let k = format!("sweep[{n}]");
        if axis.values.is_empty() {
            c.err(format!("{k}.values"), format!("axis \"{}\" has no values", axis.key));
        }
        let key_ok = match crate::sweep::check_key(s, &axis.key) {
            Ok(()) => true,
            Err(e) => {
                c.err(format!("{k}.key"), e);
                false
            }
        };
        for (j, &v) in axis.values.iter().enumerate() {
            if !v.is_finite() {
                c.err(format!("{k}.values[{j}]"), format!("must be a finite number, got {v}"));
            } else if key_ok {
                // Each value must be writable into the scenario (e.g. no
                // fractional berth count). Design points are not compiled here.
                let mut probe = s.clone();
                if let Err(e) = crate::sweep::apply(&mut probe, &axis.key, v) {
                    c.err(format!("{k}.values[{j}]"), e);
                }
            }
        }
    }

    if !c.errors.is_empty() {
        return Err(c.errors);
    }
    let mut plan = CompiledScenario {
        source: scenario.clone(),
        horizon,
        warmup,
        max_events: s.scenario.max_events,
        sea_areas,
        ports,
        storages,
        inflows,
        outflows,
        fleets,
        open_traffic,
        interdiction: InterdictionPlan {
            incident_probability: i.incident_probability,
            loss_probability: i.loss_probability,
            detention: detention.unwrap_or_else(zero_dist),
            closures_per_year: i.closures_per_year,
            closure_duration: closure_duration.unwrap_or_else(zero_dist),
            escort,
        },
        kpi_layout: Arc::default(),
    };
    plan.kpi_layout = Arc::new(KpiLayout::new(&plan));
    Ok(plan)
}

/// A distribution that always returns zero, standing in for one that failed a
/// check (the scenario is rejected then, so it is never sampled).
fn zero_dist() -> Dist {
    match Dist::new(&DistSpec::Constant { value: 0.0 }) {
        Ok(d) => d,
        Err(e) => unreachable!("a constant zero is always a valid distribution: {e}"),
    }
}

/// Position of a berth class in [`BerthClass::ALL`].
pub fn class_index(class: BerthClass) -> usize {
    match class {
        BerthClass::Tanker => 0,
        BerthClass::RailFerry => 1,
        BerthClass::Roro => 2,
        BerthClass::Container => 3,
    }
}

#[cfg(test)]
mod tests {
    /// A valid scenario: one port in a sea area with no ice season.
    const SMALL: &str = r#"
[scenario]
name = "compile test"
horizon_days = 10.0

[[sea_area]]
id = "calm"

[[port]]
id = "p"
sea_area = "calm"
berths = { tanker = 1 }
"#;

    /// The keys of every problem `text` has (empty when it compiles).
    fn error_keys(text: &str) -> Vec<String> {
        match crate::load(text, "test") {
            Ok(_) => Vec::new(),
            Err(crate::LoadError::Invalid { errors, .. }) => {
                errors.into_iter().map(|e| e.key).collect()
            }
            Err(e) => panic!("{e}"),
        }
    }

    /// Values that pass their own range but would overflow or collapse
    /// simulated time (found by the tests/bad_scenarios corpus).
    #[test]
    fn durations_that_overflow_or_round_to_zero_are_rejected() {
        let two_ports =
            SMALL.replace("[[port]]", "[[port]]\nid = \"q\"\nberths = { tanker = 1 }\n\n[[port]]");
        let text = format!(
            "{two_ports}
[[storage]]
id = \"a\"
port = \"p\"
cargo = \"oil\"
capacity = 100

[[storage]]
id = \"b\"
port = \"q\"
cargo = \"oil\"
capacity = 100

[[fleet]]
id = \"f\"
berth_class = \"tanker\"
count = 1
cargo = \"oil\"
capacity = 10
speed_kn = 10.0
distance_nmi = 100.0
origin = \"p\"
load_from = \"a\"
destination = \"q\"
discharge_to = \"b\"
load_rate_per_h = 5.0
discharge_rate_per_h = 5.0
dispatch = {{ policy = \"timetable\", interval_h = 24.0 }}

[[open_traffic]]
id = \"o\"
port = \"p\"
berth_class = \"tanker\"
interarrival_h = {{ dist = \"exponential\", mean = 48.0 }}
service_h = {{ dist = \"constant\", value = 6.0 }}
"
        );
        assert!(error_keys(&text).is_empty(), "{:?}", error_keys(&text));
        let cases = [
            ("speed_kn = 10.0", "speed_kn = 1e-300", "fleet.f.speed_kn"),
            ("load_rate_per_h = 5.0", "load_rate_per_h = 1e-300", "fleet.f.load_rate_per_h"),
            (
                "discharge_rate_per_h = 5.0",
                "discharge_rate_per_h = 1e-9",
                "fleet.f.discharge_rate_per_h",
            ),
            ("interval_h = 24.0", "interval_h = 1e-9", "fleet.f.dispatch.interval_h"),
            ("mean = 48.0", "mean = 1e-12", "open_traffic.o.interarrival_h"),
        ];
        for (from, to, key) in cases {
            let bad = text.replace(from, to);
            assert_eq!(error_keys(&bad), [key], "{to}");
        }
        // Slow but within the largest horizon is still accepted.
        let slow = text.replace("speed_kn = 10.0", "speed_kn = 0.001");
        assert!(error_keys(&slow).is_empty(), "{:?}", error_keys(&slow));
    }

    #[test]
    fn ice_affected_needs_an_ice_season_in_its_sea_area() {
        assert!(error_keys(SMALL).is_empty());
        let flagged = SMALL.replace("berths =", "ice_affected = true\nberths =");
        // The area exists but has no ice season: the flag would do nothing.
        assert_eq!(error_keys(&flagged), ["port.p.ice_affected"]);
        let err = crate::load(&flagged, "test").unwrap_err().to_string();
        assert!(err.contains("ice season") && err.contains("\"calm\""), "{err}");
        // With a season it is accepted.
        let icy = flagged.replace(
            "id = \"calm\"\n",
            "id = \"calm\"\nice = { start_day = 0.0, duration_days = { dist = \"constant\", value = 30.0 } }\n",
        );
        assert!(error_keys(&icy).is_empty(), "{:?}", error_keys(&icy));
        // Without a sea area at all, as before.
        let no_area = flagged.replace("sea_area = \"calm\"\n", "");
        assert_eq!(error_keys(&no_area), ["port.p.ice_affected"]);
    }

    #[test]
    fn sweep_values_must_apply_to_their_key() {
        let text = format!(
            "{SMALL}
[[sweep]]
key = \"port.p.berths.tanker\"
values = [1.0, 1.5, 2.0, -1.0]

[[sweep]]
key = \"interdiction.escort.enabled\"
values = [0.0, 1.0, 0.5]

[[sweep]]
key = \"interdiction.incident_probability\"
values = [0.0, 0.25]

[[sweep]]
key = \"port.nowhere.berths.tanker\"
values = [1.5]
"
        );
        // A fractional or negative berth count and an on/off switch at 0.5 are
        // reported at the value; an unknown key is reported once, at the key.
        assert_eq!(
            error_keys(&text),
            ["sweep[0].values[1]", "sweep[0].values[3]", "sweep[1].values[2]", "sweep[3].key"]
        );
        let err = crate::load(&text, "test").unwrap_err().to_string();
        assert!(err.contains("sweep[0].values[1]: port.p.berths.tanker needs a whole"), "{err}");
    }
}
