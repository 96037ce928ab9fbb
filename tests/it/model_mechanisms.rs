//! One test per mechanism of the Caspian model, each on a tiny scenario whose
//! result can be worked out by hand. The hand calculation sits in a comment
//! beside each assertion.
//!
//! Most scenarios are deterministic (constant distributions, regular
//! arrivals, probabilities 0 or 1). Where randomness remains (storm and
//! closure onsets are always Poisson), the test either makes the random part
//! irrelevant with overwhelming probability (bound stated in the comment) or
//! checks a mean against theory with an interval.
//!
//! Every run goes through [`run`], which also checks the invariants that hold
//! on every scenario: the conservation residual is zero, no storage ever held
//! more than its capacity, and the event safeguard did not stop the run.
//!
//! Timing conventions used in the hand calculations (from `model.rs`):
//! - vessels start empty at their origin, vessel k arriving at
//!   k * (nominal cycle / count);
//! - cargo moves in one step when the berth is granted (discharge) or when it
//!   is there (loading); the rates only decide when the vessel may leave, so
//!   `delivered` counts at the moment of berthing;
//! - `voyages` counts crossings started (both legs);
//! - a regular inflow's first arrival comes one gap after time zero;
//! - events due exactly at the horizon still fire, so every scenario keeps
//!   its events away from the horizon.

use caspian_shipping::{CompiledScenario, Replication};
use caspian_tests::theory::Interval;

// ----- helpers ----------------------------------------------------------------

pub(super) fn load(text: &str) -> CompiledScenario {
    caspian_shipping::load(text, "mechanism test").unwrap_or_else(|e| panic!("{e}\n{text}"))
}

/// One replication, with the invariants every scenario must satisfy.
pub(super) fn run(plan: &CompiledScenario, seed: u64, rep: u64) -> Replication {
    let out = caspian_shipping::simulate(plan, seed, rep);
    assert!(!out.truncated, "hit the event limit");
    assert_eq!(
        out.conservation_residual,
        [0; caspian_shipping::scenario::Cargo::COUNT],
        "cargo is not conserved"
    );
    for st in &plan.storages {
        let max = kpi(&out, &format!("storage_max.{}", st.id));
        assert!(
            max <= st.capacity as f64,
            "storage {} held {max} > capacity {}",
            st.id,
            st.capacity
        );
    }
    out
}

pub(super) fn kpi(out: &Replication, name: &str) -> f64 {
    out.kpis.get(name).unwrap_or_else(|| panic!("no KPI {name}"))
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * b.abs().max(1.0)
}

#[track_caller]
pub(super) fn assert_close(actual: f64, expected: f64, what: &str) {
    assert!(close(actual, expected), "{what}: expected {expected}, got {actual}");
}

/// Replaces the single occurrence of `from` in `text` (panics if it is not
/// exactly one, so a template change cannot silently skip an edit).
pub(super) fn edit(text: &str, from: &str, to: &str) -> String {
    assert_eq!(text.matches(from).count(), 1, "`{from}` must occur once in the scenario");
    text.replacen(from, to, 1)
}

/// Sets the value on the line tagged `# <tag>`.
pub(super) fn set(text: &str, tag: &str, value: &str) -> String {
    let marker = format!("# {tag}");
    let line = text
        .lines()
        .find(|l| l.ends_with(&marker))
        .unwrap_or_else(|| panic!("no line tagged {tag}"));
    let key = line.split('=').next().unwrap().trim();
    edit(text, line, &format!("{key} = {value} {marker}"))
}

/// Sets the horizon in hours.
fn horizon_h(text: &str, h: f64) -> String {
    set(text, "horizon", &format!("{:?}", h / 24.0))
}

/// Number of k >= 0 with `first + k * period` in `[from, to)`.
fn count_in(first: f64, period: f64, from: f64, to: f64) -> u64 {
    (0..).map(|k| first + k as f64 * period).take_while(|&t| t < to).filter(|&t| t >= from).count()
        as u64
}

/// Two ports `a` and `b` with one tanker berth each, a tank farm at each, and
/// one tanker shuttling a -> b. Crossing 100 nmi / 10 kn = 10 h; 1,000 t at
/// 1,000 t/h loads or discharges in 1 h; no port-call overhead; no weather,
/// no interdiction. Horizon 1,002 h, no warm-up.
pub(super) const BASE: &str = r#"
[scenario]
name = "mechanism"
horizon_days = 41.75 # horizon
warmup_days = 0.0 # warmup

[[port]]
id = "a"
berths = { tanker = 1 } # a.berths

[[port]]
id = "b"
berths = { tanker = 1 } # b.berths

[[storage]]
id = "a_farm"
port = "a"
cargo = "oil"
capacity = 1000000 # a_farm.capacity
initial = 0 # a_farm.initial

[[storage]]
id = "b_farm"
port = "b"
cargo = "oil"
capacity = 1000000 # b_farm.capacity
initial = 0 # b_farm.initial

[[fleet]]
id = "t"
berth_class = "tanker"
count = 1 # fleet.count
cargo = "oil"
capacity = 1000 # fleet.capacity
speed_kn = 10.0 # fleet.speed
distance_nmi = 100.0 # fleet.distance
origin = "a"
load_from = "a_farm"
destination = "b"
discharge_to = "b_farm"
load_rate_per_h = 1000.0 # fleet.load_rate
discharge_rate_per_h = 1000.0 # fleet.discharge_rate
port_call_overhead_h = { dist = "constant", value = 0.0 } # fleet.overhead
dispatch = { policy = "when_full" } # fleet.dispatch
"#;

/// 100 t every 10 h into the origin farm: 876 arrivals a year is exactly one
/// per 10 h, the first at t = 10 h.
pub(super) const FEED: &str = r#"
[[inflow]]
id = "feed"
into = "a_farm"
arrivals_per_year = 876.0
size = { dist = "constant", value = 100.0 }
pattern = "regular"
"#;

// ----- (a) dispatch policies ------------------------------------------------------

fn dispatch_run(dispatch: &str) -> Replication {
    let text = set(BASE, "fleet.dispatch", dispatch) + FEED;
    run(&load(&text), 1, 0)
}

#[test]
fn when_full_waits_for_a_full_load() {
    let out = dispatch_run(r#"{ policy = "when_full" }"#);
    // Supply is 100 t per 10 h, the tanker takes 1,000 t. It waits at the
    // anchorage, off the berth, and is called when the 10th, 20th, ...
    // parcel is in the farm, at t = 100, 200, ..., 1000; it loads for 1 h
    // and sails at 101, 201, ..., 1001 (10 outbound crossings <= 1002),
    // reaches b 10 h later, discharges in 1 h and sails back at 112, 212,
    // ..., 912 (9 return crossings).
    assert_eq!(kpi(&out, "voyages.t"), 19.0);
    // Deliveries on berthing at b at 111, 211, ..., 911: 9 x 1,000 t.
    assert_eq!(kpi(&out, "delivered.b_farm"), 9_000.0);
    assert_eq!(kpi(&out, "delivered_total.oil"), 9_000.0);
    // Working per cycle: load 1 + sail 10 + discharge 1 + sail back 10 =
    // 22 h, 9 cycles from 100 to 922, plus [1000, 1002) = 200 h of 1,002.
    assert_close(kpi(&out, "vessel_utilization.t"), 200.0 / 1002.0, "utilization");
    assert_close(kpi(&out, "crossing_h.t"), 10.0, "crossing");
    // Waits for cargo, from each arrival at a (0, then 122 + 100k) to the
    // call (100 + 100k): 100 h, then 78 h nine times.
    assert_close(kpi(&out, "cargo_wait_h.t"), (100.0 + 9.0 * 78.0) / 10.0, "cargo wait");
    // Called only when its cargo is there: it never waits for the berth.
    assert_close(kpi(&out, "anchorage_wait_h.a.tanker"), 0.0, "no berth wait");
    // Port calls: a at 0 and 122 ... 922 (10), b at 111 ... 911 (9).
    assert_eq!(kpi(&out, "port_calls.a"), 10.0);
    assert_eq!(kpi(&out, "port_calls.b"), 9.0);
}

#[test]
fn full_or_max_wait_behaves_as_when_full_when_the_wait_never_binds() {
    // Filling takes at most 100 h after loading starts, less than 150 h: the
    // same run as when_full.
    let out = dispatch_run(r#"{ policy = "full_or_max_wait", max_wait_h = 150.0 }"#);
    assert_eq!(kpi(&out, "voyages.t"), 19.0);
    assert_eq!(kpi(&out, "delivered_total.oil"), 9_000.0);
}

#[test]
fn an_empty_sailing_calls_at_its_destination_without_berthing() {
    // No cargo ever comes, and a 2-h port-call overhead: the tanker waits
    // 10 h at a, is called for what is there (nothing), berths for the
    // overhead and sails empty at 12; it reaches b at 22 with nothing to
    // discharge and no return cargo, so it sails back at once, without a
    // berth call or its overhead, and is at a again at 32: a cycle of 32 h.
    let text = set(BASE, "fleet.dispatch", r#"{ policy = "full_or_max_wait", max_wait_h = 10.0 }"#);
    let text = set(&text, "fleet.overhead", r#"{ dist = "constant", value = 2.0 }"#);
    let out = run(&load(&text), 1, 0);
    // Arrivals at a at 32k (k = 0..31, up to 992 h), at b at 22 + 32k
    // (k = 0..30, up to 982 h); departures at 12 + 32k and 22 + 32k.
    assert_eq!(kpi(&out, "port_calls.a"), 32.0);
    assert_eq!(kpi(&out, "port_calls.b"), 31.0);
    assert_eq!(kpi(&out, "voyages.t"), 62.0);
    // Berthed at a at 10 + 32k, but the last call (992) would berth at
    // the horizon (1,002 h): 31.
    assert_eq!(kpi(&out, "berth_calls.a.tanker"), 31.0);
    assert_eq!(kpi(&out, "berth_calls.b.tanker"), 0.0);
    assert_eq!(kpi(&out, "delivered_total.oil"), 0.0);
}

#[test]
fn full_or_max_wait_sails_part_loaded_after_the_wait() {
    let out = dispatch_run(r#"{ policy = "full_or_max_wait", max_wait_h = 29.5 }"#);
    // The tanker waits at the anchorage from its arrival at a; after 29.5 h
    // it is called for what is there, loads it (L t in L / 1,000 h), sails
    // 10 h, discharges L / 1,000 h at b, sails back 10 h. So its calls c_n
    // follow c_{n+1} = c_n + 29.5 + 20 + 2 L_n / 1,000, L_n = 100 t times
    // the parcels (at 10, 20, ...) in (c_{n-1}, c_n]:
    // c = 29.5 (200 t), 79.4 (500 t), 129.9 (500 t), 180.4 (600 t: 130..180),
    // then 500 t every 50.5 h: 231.1, 281.6, ..., 988.6 (16 calls); the next
    // call, 1039.1, is past the horizon. 20 outbound crossings, each with
    // its return before 1002 (the last: 988.6 + 0.5 + 10 + 0.5 = 999.6): 40.
    assert_eq!(kpi(&out, "voyages.t"), 40.0);
    // Every parcel up to the last call (10 .. 980: 98 parcels) is delivered:
    // 200 + 500 + 500 + 600 + 16 x 500 = 9,800 t.
    assert_eq!(kpi(&out, "delivered_total.oil"), 9_800.0);
    // Each call ends a 29.5-h wait for cargo.
    assert_close(kpi(&out, "cargo_wait_h.t"), 29.5, "cargo wait");
}

#[test]
fn timetable_sails_at_slots_full_or_not() {
    let out = dispatch_run(r#"{ policy = "timetable", interval_h = 50.0, offset_h = 45.0 }"#);
    // Slots at 45 + 50k. First slot 45 with parcels 10..40: 400 t. Arrive b 55,
    // discharge 0.4 h, back at a 65.4; next slot 95 with parcels 50..90: 500 t;
    // then 500 t every 50 h. Outbound at 45 + 50k <= 1002: k = 0..19 -> 20.
    // Returns at 55.4 and 55.5 + 50k (k = 1..18, last 955.5) -> 19. Total 39.
    assert_eq!(kpi(&out, "voyages.t"), 39.0);
    // Berthing at b at 55 + 50k < 1002: k = 0..18 -> 400 + 18 x 500 = 9,400 t
    // (every parcel up to t = 940).
    assert_eq!(kpi(&out, "delivered_total.oil"), 9_400.0);
}

#[test]
fn timetable_vessel_is_idle_while_waiting_for_its_slot() {
    let text = set(
        &set(BASE, "a_farm.initial", "1000000"),
        "fleet.dispatch",
        r#"{ policy = "timetable", interval_h = 50.0, offset_h = 45.0 }"#,
    );
    let out = run(&load(&text), 1, 0);
    // The farm is never empty, so the tanker fills at once on every call:
    // loads [0, 1) (working), waits for the slot [1, 45) (idle), sails
    // [45, 55), discharges [55, 56), sails back [56, 66), loads [66, 67),
    // waits [67, 95), ...: 22 h working per 50-h cycle. Departures at 45 + 50k
    // <= 1002, k = 0..19; cycles k = 0..18 are complete (last load ends at
    // 967), cycle 19 sails [995, 1002): 1 + 19 x 22 + 7 = 426 h of 1,002.
    assert_eq!(kpi(&out, "voyages.t"), 39.0);
    assert_close(kpi(&out, "vessel_utilization.t"), 426.0 / 1002.0, "vessel utilization");
    // Nobody else uses the berths: no anchorage waits.
    assert_eq!(kpi(&out, "anchorage_wait_h.a.tanker"), 0.0);
}

// ----- (b) round-trip cycle time ------------------------------------------------------

#[test]
fn round_trip_cycle_time_sets_voyages_and_utilization() {
    let mut text = BASE.to_string();
    for (tag, value) in [
        ("horizon", "375.5"), // 9,012 h
        ("warmup", "10.0"),   // 240 h
        ("fleet.count", "2"),
        ("fleet.capacity", "5000"),
        ("fleet.speed", "12.0"),
        ("fleet.distance", "240.0"),
        ("fleet.load_rate", "500.0"),
        ("fleet.discharge_rate", "1000.0"),
        ("fleet.overhead", r#"{ dist = "constant", value = 2.0 }"#),
        ("a_farm.capacity", "2000000"),
        ("a_farm.initial", "2000000"),
        ("b_farm.capacity", "2000000"),
    ] {
        text = set(&text, tag, value);
    }
    let out = run(&load(&text), 1, 0);
    // Cycle = overhead 2 + load 5000/500 = 10 + crossing 240/12 = 20
    //       + overhead 2 + discharge 5000/1000 = 5 + crossing 20 = 59 h.
    // Vessel 0 starts at 0: sails out at 12 + 59k, berths at b at 32 + 59k,
    // sails back at 39 + 59k. Vessel 1 starts half a cycle later (29.5 h):
    // 41.5 + 59k, 61.5 + 59k, 68.5 + 59k. Their berth times never overlap, so
    // nobody waits. Statistics cover [240, 9012).
    let (w, h) = (240.0, 9012.0);
    let voyages = count_in(12.0, 59.0, w, h)
        + count_in(39.0, 59.0, w, h)
        + count_in(41.5, 59.0, w, h)
        + count_in(68.5, 59.0, w, h);
    // = 149 + 149 + 149 + 149 = 596 (about 2 vessels x 2 legs x 8772 / 59).
    assert_eq!(voyages, 596);
    assert_eq!(kpi(&out, "voyages.t"), voyages as f64);
    // Deliveries at 32 + 59k (149 in the window) and 61.5 + 59k (148): 297 x 5,000 t.
    let deliveries = count_in(32.0, 59.0, w, h) + count_in(61.5, 59.0, w, h);
    assert_eq!(deliveries, 297);
    assert_eq!(kpi(&out, "delivered_total.oil"), deliveries as f64 * 5_000.0);
    assert_close(kpi(&out, "crossing_h.t"), 20.0, "crossing");
    // Never idle: loading, sailing or discharging all the time.
    assert_close(kpi(&out, "vessel_utilization.t"), 1.0, "vessel utilization");
    // Each vessel holds a berth 12 h per 59 h at a and 7 h at b; two vessels,
    // so 24/59 and 14/59, up to one partial call per vessel at each end of the
    // 8,772 h window (at most 2 x 12 h).
    let edge = 24.0 / 8772.0;
    let ua = kpi(&out, "berth_utilization.a.tanker");
    let ub = kpi(&out, "berth_utilization.b.tanker");
    assert!((ua - 24.0 / 59.0).abs() <= edge, "berth utilization at a {ua}");
    assert!((ub - 14.0 / 59.0).abs() <= edge, "berth utilization at b {ub}");
    assert_eq!(kpi(&out, "anchorage_wait_h.a.tanker"), 0.0);
    assert_eq!(kpi(&out, "anchorage_wait_h.b.tanker"), 0.0);
}

// ----- (c) blocking -------------------------------------------------------------

#[test]
fn full_destination_storage_limits_throughput_to_the_outflow() {
    let text = set(&set(BASE, "b_farm.capacity", "2000"), "a_farm.initial", "1000000")
        + r#"
[[outflow]]
id = "pipe"
from = "b_farm"
capacity_per_year = 87600.0 # 10 t/h
interval_h = 10.0
"#;
    let out = run(&load(&text), 1, 0);
    // Unblocked, the tanker would land 1,000 t every 22 h (46 cargoes by 1002 h).
    // The pipe takes 100 t every 10 h (at 10, 20, ..., 1000). At t = 10 the farm
    // is still empty (first cargo lands at 11); from then on it is never empty:
    // it gains 1,000 t per 22 h against 220 t drained, fills up (storage_max =
    // 2,000) and then holds the tanker at the anchorage until its cargo
    // fits. So the pipe forwards 99 x 100 t = 9,900 t.
    assert_eq!(kpi(&out, "forwarded.pipe"), 9_900.0);
    assert_eq!(kpi(&out, "storage_max.b_farm"), 2_000.0);
    // What landed is what left plus what is in the farm (at most its capacity).
    let delivered = kpi(&out, "delivered.b_farm");
    assert!((9_900.0..=11_900.0).contains(&delivered), "delivered {delivered}");
}

#[test]
fn full_origin_tank_farm_shuts_oil_in() {
    // The destination farm is full from the start and nothing drains it, so the
    // tanker's first cargo never lands and the origin farm (1,000 t) fills up.
    let mut text = BASE.to_string();
    for (tag, value) in [
        ("a_farm.capacity", "1000"),
        ("b_farm.capacity", "1000"),
        ("b_farm.initial", "1000"),
        ("fleet.capacity", "500"),
    ] {
        text = set(&text, tag, value);
    }
    let text = text
        + &FEED.replace("pattern = \"regular\"", "pattern = \"regular\"\nspill_when_full = true");
    let out = run(&load(&text), 1, 0);
    // Parcels of 100 t at 10, 20, ..., 1000 (100 parcels). The tanker takes the
    // first five (full at 50), sails, and waits at b for space forever. The farm
    // then takes parcels 60..150 (10 x 100 = 1,000 t, full) and spills the 85
    // parcels at 160..1000: 8,500 t shut in.
    assert_eq!(kpi(&out, "shut_in.feed"), 8_500.0);
    assert_eq!(kpi(&out, "storage_max.a_farm"), 1_000.0);
    assert_eq!(kpi(&out, "delivered_total.oil"), 0.0);
    assert_eq!(kpi(&out, "voyages.t"), 1.0);
}

#[test]
fn a_dated_detention_holds_the_vessel_with_its_cargo_at_its_next_departure() {
    // The tanker always finds a full load: it berths at 0, loads by 1,
    // crosses in 10 h and lands 1,000 t at 11 + 22 j (46 landings by
    // 1,002 h). Detained for 2 days from day 0, it sails at 49 instead of
    // 1: landings at 59 + 22 j, 43 of them, and nothing is lost.
    let full = set(BASE, "a_farm.initial", "1000000");
    let detained = full.clone()
        + r#"
[[disruption]]
id = "held"
target = "vessels.t"
vessels = 1
detain = true
start_day = 0.0
duration_days = { dist = "constant", value = 2.0 }
"#;
    let free = run(&load(&full), 1, 0);
    let held = run(&load(&detained), 1, 0);
    assert_eq!(kpi(&free, "delivered_total.oil"), 46_000.0);
    assert_eq!(kpi(&held, "delivered_total.oil"), 43_000.0);
    assert_eq!(kpi(&held, "detentions"), 1.0);
    assert_eq!(kpi(&held, "incidents"), 0.0);
    assert_eq!(kpi(&held, "cargo_lost.oil"), 0.0);
    assert_eq!(kpi(&held, "vessels_out.t"), 0.0);
    // Withdrawn instead, the vessel and its cargo leave the fleet.
    let withdrawn = run(&load(&detained.replace("detain = true\n", "")), 1, 0);
    assert_eq!(kpi(&withdrawn, "vessels_out.t"), 1.0);
    assert_eq!(kpi(&withdrawn, "detentions"), 0.0);
}

#[test]
fn a_fleet_of_no_vessels_carries_nothing_and_has_no_per_vessel_figures() {
    // count = 0 takes the fleet off its route: the 100 parcels of 100 t that
    // arrive at 10, 20, ..., 1000 h stay in the origin farm.
    let text = set(BASE, "fleet.count", "0") + FEED;
    let out = run(&load(&text), 1, 0);
    assert_eq!(kpi(&out, "voyages.t"), 0.0);
    assert_eq!(kpi(&out, "delivered_total.oil"), 0.0);
    assert_eq!(kpi(&out, "storage_max.a_farm"), 10_000.0);
    assert_eq!(kpi(&out, "backlog_end.oil"), 10_000.0);
    // No vessel, so no per-vessel figure: undefined, not zero.
    for name in ["vessel_utilization.t", "trips_per_vessel_month.t"] {
        assert!(kpi(&out, name).is_nan(), "{name} = {}", kpi(&out, name));
    }
}

/// Origin farm full at the start (1,000 of 1,000 t); 100 t every 10 h; the
/// tanker (1,000 t) berths at 0 but has a 25 h port-call overhead, so it
/// empties the farm at t = 25. Horizon 95 h.
fn gate_scenario(spill: bool) -> Replication {
    let mut text = BASE.to_string();
    for (tag, value) in [
        ("a_farm.capacity", "1000"),
        ("a_farm.initial", "1000"),
        ("fleet.overhead", r#"{ dist = "constant", value = 25.0 }"#),
    ] {
        text = set(&text, tag, value);
    }
    let text = horizon_h(&text, 95.0)
        + &FEED.replace(
            "pattern = \"regular\"",
            &format!("pattern = \"regular\"\nspill_when_full = {spill}"),
        );
    run(&load(&text), 1, 0)
}

#[test]
fn full_origin_farm_makes_trains_wait_at_the_gate_when_not_spilling() {
    let out = gate_scenario(false);
    // Parcels at 10 and 20 find the farm full and wait at the gate; at 25 the
    // tanker takes all 1,000 t and both enter (waits 15 h and 5 h). Parcels
    // 30..90 enter at once (the farm reaches 900 t). Mean gate wait over the 9
    // admissions: (15 + 5) / 9 h. Nothing is shut in.
    assert_close(kpi(&out, "gate_wait_h.feed"), 20.0 / 9.0, "gate wait");
    assert_eq!(kpi(&out, "shut_in.feed"), 0.0);
    assert_eq!(kpi(&out, "delivered_total.oil"), 1_000.0); // lands at b at 26 + 10 = 36
}

#[test]
fn full_origin_farm_spills_when_spilling() {
    let out = gate_scenario(true);
    // Same run, but the parcels of 10 and 20 spill: 200 t shut in.
    assert_eq!(kpi(&out, "shut_in.feed"), 200.0);
    assert!(out.kpis.get("gate_wait_h.feed").is_none(), "no gate for a spilling inflow");
    assert_eq!(kpi(&out, "delivered_total.oil"), 1_000.0);
}

#[test]
fn arrivals_larger_than_the_storage_shut_in_the_excess() {
    // A 1,000-unit farm emptied every hour (up to 1,000 units an hour) takes
    // an arrival every 10 h (t = 10, 20, ..., 1000: 100 arrivals), each of
    // 1,500 or 500 units with equal chance (mean 1,000, so the scenario is
    // valid). The farm is empty at every arrival: a 500 enters whole; a 1,500
    // can never fit, so 1,000 enter and 500 are shut in, whether the inflow
    // spills or waits at the gate. With n arrivals of 1,500: shut in = 500 n,
    // forwarded = 1,000 n + 500 (100 - n) = 50,000 + shut in.
    for spill in [true, false] {
        let text = format!(
            r#"
[scenario]
name = "oversized"
horizon_days = 41.75 # 1,002 h

[[port]]
id = "p"

[[storage]]
id = "farm"
port = "p"
cargo = "oil"
capacity = 1000

[[inflow]]
id = "feed"
into = "farm"
arrivals_per_year = 876.0
size = {{ dist = "empirical", values = [1500.0, 500.0] }}
pattern = "regular"
spill_when_full = {spill}

[[outflow]]
id = "pipe"
from = "farm"
capacity_per_year = 8760000.0
interval_h = 1.0
"#
        );
        let plan = load(&text);
        for rep in 0..3 {
            let out = run(&plan, 1, rep);
            let shut_in = kpi(&out, "shut_in.feed");
            assert!(shut_in > 0.0 && shut_in % 500.0 == 0.0, "spill {spill}: shut in {shut_in}");
            assert_eq!(kpi(&out, "forwarded.pipe"), 50_000.0 + shut_in, "spill {spill}");
            if !spill {
                assert_eq!(kpi(&out, "gate_wait_h.feed"), 0.0, "nothing waits at the gate");
            }
        }
    }
}

#[test]
fn discharging_vessel_waits_behind_a_train_at_the_gate() {
    // The destination farm (950 of 1,000 t) also receives 100-t trains that
    // wait at the gate when they do not fit. A slow outflow (first draw at
    // 100 h, after the horizon) drains it, so the scenario is valid.
    let mut text = BASE.to_string();
    for (tag, value) in
        [("a_farm.initial", "1000"), ("b_farm.capacity", "1000"), ("b_farm.initial", "950")]
    {
        text = set(&text, tag, value);
    }
    let text = horizon_h(&text, 95.0)
        + &FEED.replace("into = \"a_farm\"", "into = \"b_farm\"")
        + r#"
[[outflow]]
id = "pipe"
from = "b_farm"
capacity_per_year = 8760.0
interval_h = 100.0
"#;
    let out = run(&load(&text), 1, 0);
    // The train of t = 10 does not fit (50 t of space) and waits at the gate.
    // The tanker lands at 11 but the gate goes first (puts are FIFO), so it
    // waits at the berth with its 1,000 t until the horizon: nothing is
    // delivered and nothing is admitted. The trains of 10, 20, ..., 90 are
    // still at the gate at 95 h, and count with their waits so far:
    // 85, 75, ..., 5 h, mean 45 h.
    assert_eq!(kpi(&out, "delivered.b_farm"), 0.0);
    assert_close(kpi(&out, "gate_wait_h.feed"), 45.0, "gate waits in progress");
    assert_eq!(kpi(&out, "storage_max.b_farm"), 950.0);
    assert_eq!(kpi(&out, "voyages.t"), 1.0);
}

// ----- (d) storms, (e) ice, (f) corridor closures ------------------------------------

/// Poisson episodes (storms at a port, corridor closures) with constant
/// duration: the closed share of time in steady state is that of an M/D/inf
/// queue being busy, 1 - exp(-lambda d).
#[test]
fn storm_and_corridor_closure_hours_match_poisson_theory() {
    // Storm onsets 0.1 a day in every month (3.1 in a 31-day month, ...), 48 h
    // each; corridor closures 36.5 a year (0.1 a day), 48 h each. After a warm-up
    // longer than one episode, P(closed) = 1 - exp(-0.1 * 2) = 0.18127, so over
    // the 8,760 h window the expected closed hours are 8,760 * 0.18127 = 1,587.9.
    let text = r#"
[scenario]
name = "closures"
horizon_days = 375.0
warmup_days = 10.0

[[sea_area]]
id = "sea"
storm_onsets_per_month = [3.1, 2.8, 3.1, 3.0, 3.1, 3.0, 3.1, 3.1, 3.0, 3.1, 3.0, 3.1]
storm_duration_h = { dist = "constant", value = 48.0 }

[[port]]
id = "p"
sea_area = "sea"
berths = { tanker = 1 }

[interdiction]
closures_per_year = 36.5
closure_duration_h = { dist = "constant", value = 48.0 }
"#;
    let plan = load(text);
    let (storm, corridor): (Vec<f64>, Vec<f64>) = (0..200)
        .map(|rep| {
            let out = run(&plan, 5, rep);
            (kpi(&out, "port_closure_h.p"), kpi(&out, "corridor_closure_h"))
        })
        .unzip();
    let theory = 8760.0 * (1.0 - (-0.2f64).exp());
    for (what, xs) in [("storm", &storm), ("corridor", &corridor)] {
        let ci = Interval::student_t(xs, 0.99);
        println!(
            "{what} closure hours: theory {theory:.1}, model {:.1}, 99% CI [{:.1}, {:.1}] (n={})",
            ci.mean,
            ci.low(),
            ci.high(),
            ci.n
        );
        assert!(ci.contains(theory), "{what}: {theory} outside {ci:?}");
        assert!(ci.half_width < 0.05 * theory, "{what}: interval too wide: {ci:?}");
    }
}

/// A sea area whose storms start within the first hour with overwhelming
/// probability and then last past the horizon: onsets 1000 a month (1.34 an
/// hour), each 100,000 h long. P(first onset later than 20 h) = exp(-26.9).
/// Port a has no sea area; port b is in the stormy one.
fn endless_storm(slowdown: f64) -> Replication {
    let mut text = BASE.to_string();
    for (tag, value) in [("a_farm.initial", "1000"), ("fleet.load_rate", "50.0")] {
        text = set(&text, tag, value);
    }
    let text = edit(&horizon_h(&text, 100.0), "id = \"b\"\n", "id = \"b\"\nsea_area = \"sea\"\n")
        + &format!(
            r#"
[[sea_area]]
id = "sea"
storm_onsets_per_month = [1000.0, 1000.0, 1000.0, 1000.0, 1000.0, 1000.0, 1000.0, 1000.0, 1000.0, 1000.0, 1000.0, 1000.0]
storm_duration_h = {{ dist = "constant", value = 100000.0 }}
storm_crossing_slowdown = {slowdown:?}
"#
        );
    run(&load(&text), 1, 0)
}

#[test]
fn storms_slow_crossings_and_close_ports() {
    for (slowdown, crossing) in [(1.5, 15.0), (1.0, 10.0)] {
        let out = endless_storm(slowdown);
        // Loading 1,000 t at 50 t/h ends at 20; port a never closes, so the
        // tanker sails at 20 into a sea already stormy: the whole 10 h crossing
        // is stormy and takes 10 * slowdown h.
        assert_close(kpi(&out, "crossing_h.t"), crossing, "crossing");
        // It reaches b at 20 + crossing, finds it closed until the horizon and
        // waits at anchorage: the line at b holds one vessel for the rest of
        // the 100 h, nothing lands, no berth-hour is used.
        let queue = (100.0 - 20.0 - crossing) / 100.0;
        assert_close(kpi(&out, "anchorage_queue_mean.b.tanker"), queue, "queue at b");
        assert_eq!(kpi(&out, "delivered_total.oil"), 0.0);
        assert_eq!(kpi(&out, "berth_utilization.b.tanker"), 0.0);
        // Nobody berthed at b; the tanker at anchor there counts with its
        // wait so far, from 20 + crossing to the horizon.
        let waited = 100.0 - 20.0 - crossing;
        assert_close(kpi(&out, "anchorage_wait_h.b.tanker"), waited, "wait in progress at b");
        assert_eq!(kpi(&out, "berth_calls.b.tanker"), 0.0);
        // b is closed from the first onset (before t = 20) to the end; a never.
        let closed = kpi(&out, "port_closure_h.b");
        assert!((80.0..100.0).contains(&closed), "b closed {closed} h");
        assert_eq!(kpi(&out, "port_closure_h.a"), 0.0);
    }
}

#[test]
fn ice_season_closes_affected_ports_for_its_length() {
    // Ice from day 59.5 (1,428 h) for 31 days (744 h): [1428, 2172) closes port
    // a (ice_affected) but not port b (same area). Ships arrive at a every 24 h
    // (first at 24) and stay 0.1 h. Horizon 100.5 days = 2,412 h: arrivals at
    // 24k, k = 1..100.
    let text = r#"
[scenario]
name = "ice"
horizon_days = 100.5

[[sea_area]]
id = "north"
ice = { start_day = 59.5, duration_days = { dist = "constant", value = 31.0 } }

[[port]]
id = "a"
sea_area = "north"
ice_affected = true
berths = { tanker = 1 }

[[port]]
id = "b"
sea_area = "north"
berths = { tanker = 1 }

[[open_traffic]]
id = "ships"
port = "a"
berth_class = "tanker"
interarrival_h = { dist = "constant", value = 24.0 }
service_h = { dist = "constant", value = 0.1 }
"#;
    let out = run(&load(text), 1, 0);
    assert_close(kpi(&out, "port_closure_h.a"), 744.0, "ice closure at a");
    assert_eq!(kpi(&out, "port_closure_h.b"), 0.0);
    // Arrivals k = 60..90 (1440..2160 h, 31 ships) fall in the ice. At 2172 they
    // berth one after another, the j-th (j = 0..30) at 2172 + 0.1j, having waited
    // 2172 + 0.1j - 24(60 + j) = 732 - 23.9j h. Sum = 31 * 732 - 23.9 * 465 =
    // 11,578.5 h; the other 69 ships do not wait. Mean over 100 berthings:
    assert_close(kpi(&out, "anchorage_wait_h.a.tanker"), 115.785, "wait at a");
    // 100 ships x 0.1 h = 10 berth-hours over 2412 - 744 = 1,668 open berth-hours.
    assert_close(kpi(&out, "berth_utilization.a.tanker"), 10.0 / 1668.0, "utilization at a"); // Every one of the 100 open-traffic arrivals is a port call, however long it waited.
    assert_eq!(kpi(&out, "port_calls.a"), 100.0);
    assert_eq!(kpi(&out, "port_calls.b"), 0.0);
}

/// One tanker berth at port `a`, closed by ice for `ice_days` from day
/// `start_day`; open-traffic ships arrive every 100 h (first at 100) and stay
/// `service_h`. Horizon 10 days (240 h).
fn ice_hold_run(start_day: f64, ice_days: f64, service_h: f64) -> Replication {
    let text = format!(
        r#"
[scenario]
name = "ice hold"
horizon_days = 10.0

[[sea_area]]
id = "north"
ice = {{ start_day = {start_day:?}, duration_days = {{ dist = "constant", value = {ice_days:?} }} }}

[[port]]
id = "a"
sea_area = "north"
ice_affected = true
berths = {{ tanker = 1 }}

[[open_traffic]]
id = "ships"
port = "a"
berth_class = "tanker"
interarrival_h = {{ dist = "constant", value = 100.0 }}
service_h = {{ dist = "constant", value = {service_h:?} }}
"#
    );
    run(&load(&text), 1, 0)
}

#[test]
fn berth_held_through_a_closure_is_not_busy() {
    // Ice from day 4.5 for 5 days: closed [108, 228). The ship of t = 100
    // berths at once and keeps the berth through the closure until 230; the
    // ship of 200 waits and berths at 230 (until after the horizon).
    let out = ice_hold_run(4.5, 5.0, 130.0);
    assert_close(kpi(&out, "port_closure_h.a"), 120.0, "closure");
    // Available berth-hours: 240 - 120 = 120. Held: [100, 230) + [230, 240) =
    // 140 h, which over 120 would give 1.17. Busy counts a held berth only
    // while it is available: [100, 108) + [228, 230) + [230, 240) = 20 h.
    assert_close(kpi(&out, "berth_utilization.a.tanker"), 20.0 / 120.0, "utilization");
    // The second ship waited 30 h; the first none.
    assert_close(kpi(&out, "anchorage_wait_h.a.tanker"), 15.0, "wait");
}

#[test]
fn berth_utilization_is_undefined_when_no_berth_is_ever_available() {
    // Ice from day 0 for 400 days (the season of the year before time zero
    // runs to day 35, this one past the horizon): closed all 240 h. No
    // berth-hour is available, so utilization is NaN (undefined), not 0.
    let out = ice_hold_run(0.0, 400.0, 1.0);
    assert_close(kpi(&out, "port_closure_h.a"), 240.0, "closure");
    assert!(kpi(&out, "berth_utilization.a.tanker").is_nan());
    // Nobody berthed; the ships of 100 h and 200 h are still at anchor at
    // the horizon, having waited 140 h and 40 h so far.
    assert_close(kpi(&out, "anchorage_wait_h.a.tanker"), 90.0, "waits in progress");
    assert_eq!(kpi(&out, "berth_calls.a.tanker"), 0.0);
}

#[test]
fn no_crossing_starts_during_a_corridor_closure() {
    // Closures 1000 a year (one per 8.76 h on average), each 1,000,000 h long:
    // the corridor closes for good at the first onset, which comes before
    // t = 200 h except with probability exp(-200 / 8.76) = 1e-10.
    let mut text = BASE.to_string();
    for (tag, value) in [("a_farm.initial", "1000"), ("fleet.load_rate", "5.0")] {
        text = set(&text, tag, value);
    }
    let text = horizon_h(&text, 300.0)
        + r#"
[interdiction]
closures_per_year = 1000.0
closure_duration_h = { dist = "constant", value = 1000000.0 }
"#;
    let out = run(&load(&text), 1, 0);
    // Loading 1,000 t at 5 t/h ends at 200, inside the closure: the tanker never
    // sails and keeps its berth for the whole 300 h.
    assert_eq!(kpi(&out, "voyages.t"), 0.0);
    assert_eq!(kpi(&out, "delivered_total.oil"), 0.0);
    assert_close(kpi(&out, "berth_utilization.a.tanker"), 1.0, "berth held");
    // Working while loading [0, 200); held at the berth by the closure
    // [200, 300): idle.
    assert_close(kpi(&out, "vessel_utilization.t"), 200.0 / 300.0, "vessel utilization");
    let closed = kpi(&out, "corridor_closure_h");
    assert!((100.0..300.0).contains(&closed), "corridor closed {closed} h");
}

// ----- (g) interdiction, (h) escorts ------------------------------------------------

fn with_interdiction(text: &str, table: &str) -> String {
    format!("{}\n[interdiction]\n{table}\n", set(text, "a_farm.initial", "1000000"))
}

#[test]
fn every_crossing_is_detained_when_incidents_are_certain() {
    let text = with_interdiction(
        BASE,
        r#"incident_probability = 1.0
loss_probability = 0.0
detention_h = { dist = "constant", value = 5.0 }"#,
    );
    let out = run(&load(&text), 1, 0);
    // Each leg: detained 5 h, then 10 h at sea. Cycle = load 1 + 5 + 10 +
    // discharge 1 + 5 + 10 = 32 h. Outbound at 1 + 32k <= 1002: k = 0..31 -> 32;
    // returns at 17 + 32k < 1002: k = 0..30 -> 31. 63 crossings, all detained.
    assert_eq!(kpi(&out, "voyages.t"), 63.0);
    assert_eq!(kpi(&out, "incidents"), 63.0);
    assert_eq!(kpi(&out, "detentions"), 63.0);
    assert_eq!(kpi(&out, "vessels_lost"), 0.0);
    // Berthing at b at 16 + 32k < 1002: k = 0..30 -> 31 x 1,000 t.
    assert_eq!(kpi(&out, "delivered_total.oil"), 31_000.0);
    // The detention is not part of the crossing time.
    assert_close(kpi(&out, "crossing_h.t"), 10.0, "crossing");
    // Working: loading [0, 1), sailing [6, 16), discharging [16, 17), sailing
    // [22, 32), i.e. 22 h per 32-h cycle; idle: the two 5-h detentions (not
    // the crossings after them). 31 cycles end by 992: 31 x 22 = 682 h; then
    // loading [992, 993), detained [993, 998), sailing [998, 1002): 1 + 4 h.
    assert_close(kpi(&out, "vessel_utilization.t"), 687.0 / 1002.0, "vessel utilization");
}

#[test]
fn certain_loss_sinks_every_vessel_with_its_cargo() {
    let text = with_interdiction(
        &set(BASE, "fleet.count", "2"),
        "incident_probability = 1.0\nloss_probability = 1.0",
    );
    let out = run(&load(&text), 1, 0);
    // Vessel 0 loads 0..1 and is lost on sailing at 1 with 1,000 t; vessel 1
    // starts half a cycle (11 h) later, loads 11..12 and is lost at 12.
    assert_eq!(kpi(&out, "vessels_lost"), 2.0);
    assert_eq!(kpi(&out, "vessels_lost.t"), 2.0, "both of fleet t");
    assert_eq!(kpi(&out, "cargo_lost.oil"), 2_000.0);
    assert_eq!(kpi(&out, "voyages.t"), 2.0);
    assert_eq!(kpi(&out, "incidents"), 2.0);
    assert_eq!(kpi(&out, "detentions"), 0.0);
    assert_eq!(kpi(&out, "delivered_total.oil"), 0.0);
}

#[test]
fn a_lost_vessel_is_replaced_after_its_lead_time() {
    let text = with_interdiction(
        BASE,
        "incident_probability = 1.0\nloss_probability = 1.0\n\
         replacement_days = { dist = \"constant\", value = 10.0 }",
    );
    let out = run(&load(&text), 1, 0);
    // The tanker loads 0..1 and is lost on sailing at 1; its replacement
    // enters service at the origin 240 h later, loads 241..242 and is lost
    // at 242; and so on: losses at 1 + 241k for k = 0..4 (965 < 1002); the
    // fifth replacement, due at 1,205, comes after the horizon.
    assert_eq!(kpi(&out, "vessels_lost.t"), 5.0);
    assert_eq!(kpi(&out, "cargo_lost.oil"), 5_000.0);
    assert_eq!(kpi(&out, "voyages.t"), 5.0);
    assert_eq!(kpi(&out, "delivered_total.oil"), 0.0);
    // Left out, the first loss is the only one.
    let never = with_interdiction(BASE, "incident_probability = 1.0\nloss_probability = 1.0");
    assert_eq!(kpi(&run(&load(&never), 1, 0), "vessels_lost.t"), 1.0);
}

/// A vessel lost in the warm-up and not replaced by its end is missing
/// when the window opens, though neither `vessels_lost` nor `incidents`
/// counts it; one whose replacement is in service by then is not.
#[test]
fn a_vessel_lost_in_the_warm_up_is_missing_at_the_start() {
    let certain = "incident_probability = 1.0\nloss_probability = 1.0";
    let two = set(&set(BASE, "fleet.count", "2"), "warmup", "0.25"); // warm-up 6 h
    // Vessel 0 loads 0..1 and is lost at 1 (in the warm-up); vessel 1
    // (11 h behind) loads 11..12 and is lost at 12 (in the window).
    let out = run(&load(&with_interdiction(&two, certain)), 1, 0);
    assert_eq!(kpi(&out, "vessels_missing_at_start"), 1.0);
    assert_eq!(kpi(&out, "vessels_lost"), 1.0, "only the loss in the window");
    assert_eq!(kpi(&out, "incidents"), 1.0);
    // Replaced after 4.5 h (0.1875 days): vessel 0's replacement enters
    // service at 5.5 h and is loading at 6 h, so none is missing.
    let lead = format!("{certain}\nreplacement_days = {{ dist = \"constant\", value = 0.1875 }}");
    let out = run(&load(&with_interdiction(&two, &lead)), 1, 0);
    assert_eq!(kpi(&out, "vessels_missing_at_start"), 0.0);
    // A vessel withdrawn by a disruption at 2.4 h: missing at 6 h if it
    // comes back after (a day on), not if before (2.4 h on, at 4.8 h).
    let withdrawn = |days: f64| {
        format!(
            "{two}\n[[disruption]]\nid = \"out\"\ntarget = \"vessels.t\"\nvessels = 1\n\
             start_day = 0.1\nduration_days = {{ dist = \"constant\", value = {days:?} }}\n"
        )
    };
    let out = run(&load(&withdrawn(1.0)), 1, 0);
    assert_eq!(kpi(&out, "vessels_missing_at_start"), 1.0);
    assert_eq!(kpi(&out, "vessels_out.t"), 0.0, "withdrawn before the window");
    assert_eq!(kpi(&run(&load(&withdrawn(0.1)), 1, 0), "vessels_missing_at_start"), 0.0);
    // Back exactly when the window opens (2.4 h + 3.6 h = 6 h): in service.
    let back_at_start = run(&load(&withdrawn(0.15)), 1, 0);
    assert_eq!(kpi(&back_at_start, "vessels_missing_at_start"), 0.0, "back at the start");
    assert_eq!(kpi(&back_at_start, "disruption_h.out"), 0.0);
}

/// Two tankers, every crossing an incident and every incident a loss,
/// unless escorted (factor 0), in convoys of two and a force of `force`
/// escorts.
fn paired_tankers_escorted(force: u32) -> String {
    with_interdiction(
        &set(BASE, "fleet.count", "2"),
        &format!(
            "incident_probability = 1.0\nloss_probability = 1.0\nescort = {{ enabled = true, \
             incident_factor = 0.0, convoy_size = 2, max_wait_h = 100.0, escort_vessels = {force} }}"
        ),
    )
}

#[test]
fn convoys_sail_together_and_escorts_prevent_incidents() {
    let text = paired_tankers_escorted(2);
    let out = run(&load(&text), 1, 0);
    // Escorted crossings have incident probability 1 x 0 = 0.
    assert_eq!(kpi(&out, "incidents"), 0.0);
    // Vessel 0 is loaded at 1 and leaves the berth to wait for a convoy;
    // vessel 1 (starts at 11) is loaded at 12: both sail at 12, reach b at 22,
    // discharge one after the other (22..23, 23..24), sail back together at 24,
    // load at a 34..35 and 35..36, and sail at 36: a convoy of two every 24 h.
    // Outbound convoys at 12 + 24k <= 1002: k = 0..41 -> 42; return convoys at
    // 24 + 24k < 1002: k = 0..40 -> 41. Crossings: 2 x 83 = 166.
    assert_eq!(kpi(&out, "voyages.t"), 166.0);
    // Berthing at b at 22 + 24k and 23 + 24k, k = 0..40: 82 x 1,000 t.
    assert_eq!(kpi(&out, "delivered_total.oil"), 82_000.0);
    // Two escorts (the default force): each sails 10 h with its convoy,
    // finds no convoy waiting at the far port and sails 10 h back, so one
    // is always free when a convoy is ready (every 12 h, alternately at a
    // and b) and none waits. At sea: 20 h for each of the 81 convoys done
    // by the horizon, 18 h for the return convoy of 984 (back at 1,004)
    // and 6 h for the outbound convoy of 996: 1,644 escort hours over
    // 2 x 1,002.
    assert_close(kpi(&out, "escort_utilization"), 1644.0 / 2004.0, "escorts at sea");
    // Each vessel's wait for its convoy: vessel 0 waits 11 h for the first
    // (1 to 12), then 1 h for each later one (it finishes its call an hour
    // before vessel 1), vessel 1 none: 11 + 82 x 1 h over 166 departures.
    assert_close(kpi(&out, "convoy_wait_h"), 93.0 / 166.0, "waits for the convoy");
    assert_eq!(kpi(&out, "escort_wait_h"), 0.0, "no convoy waits for an escort");
}

/// A convoy that never fills (three in it, two tankers) and waits longer
/// than the run never sails: each vessel's wait counts for as long as it
/// has waited, not as none.
#[test]
fn a_convoy_that_never_sails_shows_its_whole_wait() {
    let text = paired_tankers_escorted(2);
    let text =
        edit(&text, "convoy_size = 2, max_wait_h = 100.0", "convoy_size = 3, max_wait_h = 5000.0");
    let out = run(&load(&text), 1, 0);
    assert_eq!(kpi(&out, "voyages.t"), 0.0);
    // Vessel 0 joins at 1, vessel 1 at 12; both wait to the horizon, 1,002.
    assert_close(kpi(&out, "convoy_wait_h"), (1001.0 + 990.0) / 2.0, "censored at the horizon");
}

#[test]
fn a_ready_convoy_waits_for_a_free_escort() {
    let text = paired_tankers_escorted(1);
    let out = run(&load(&text), 1, 0);
    assert_eq!(kpi(&out, "incidents"), 0.0);
    // One escort. The convoy of a sails at 12 and reaches b at 22, where no
    // convoy waits (b's is ready at 24), so the escort sails back alone
    // and is free at 32; b's convoy waits 24..32 and sails at 32 with it.
    // It reaches a at 42, where the vessels load 42..44: the escort turns
    // back again, free at 52, and a's convoy waits 44..52. So convoys sail
    // every 20 h, at 12 + 20k <= 1002 (k = 0..49: 50 convoys, 100
    // crossings), alternately from a and b; the first waits 0 h, the
    // other 49 wait 8 h each; the escort is at sea from 12 to the end.
    assert_eq!(kpi(&out, "voyages.t"), 100.0);
    // Laden convoys (k even, 25 of them, the last at 972) each deliver
    // 2 x 1,000 t at b by 984.
    assert_eq!(kpi(&out, "delivered_total.oil"), 50_000.0);
    assert_close(kpi(&out, "escort_wait_h"), 49.0 * 8.0 / 50.0, "wait for the escort");
    assert_close(kpi(&out, "escort_utilization"), 990.0 / 1002.0, "the escort at sea");
    // Two escorts: none waits (the test above), and more is delivered.
    let two = paired_tankers_escorted(2);
    assert_eq!(kpi(&run(&load(&two), 1, 0), "delivered_total.oil"), 82_000.0);
}

#[test]
fn a_closure_holding_a_convoy_is_not_a_wait_for_an_escort() {
    // As `a_ready_convoy_waits_for_a_free_escort`, with b closed from 30 h
    // to 130 h. b's convoy is ready at 24 and waits for the escort (away
    // until 32): 8 h. At 32 the escort is free but b is closed, so the
    // convoy is held, not waiting for an escort, until 130, when it sails
    // with the escort free at b. Then, as before, a convoy every 20 h,
    // each after 8 h waiting for the escort: at 130 + 20k <= 1002 (k =
    // 0..43), after the first at 12 (no wait): 45 convoys, 44 x 8 h.
    let text = paired_tankers_escorted(1)
        + r#"
[[disruption]]
id = "b_shut"
target = "port.b"
start_day = 1.25
duration_days = { dist = "constant", value = 4.1666666666666667 }
"#;
    let out = run(&load(&text), 1, 0);
    assert_eq!(kpi(&out, "voyages.t"), 90.0);
    assert_close(kpi(&out, "escort_wait_h"), 44.0 * 8.0 / 45.0, "the closure left out");
}

#[test]
fn an_escort_at_the_far_port_takes_the_convoy_waiting_there() {
    // Two vessels a round apart: vessel 1 starts 11 h after vessel 0. With
    // convoys of one, each vessel is a convoy. One escort.
    let text = with_interdiction(
        &set(BASE, "fleet.count", "2"),
        "escort = { enabled = true, convoy_size = 1, max_wait_h = 0.0, escort_vessels = 1 }",
    );
    let out = run(&load(&text), 1, 0);
    // Vessel 0 sails from a at 1 with the escort (no wait) and reaches b
    // at 11, where nobody waits (it discharges 11..12): the escort sails
    // back, free at 21. Both vessels have waited since 12 (vessel 0 at b,
    // vessel 1 at a); b's convoy queued first and sails at 21 (9 h), and
    // the escort, reaching a at 31, takes vessel 1 there at once (19 h).
    // From then on, every 30 h: the escort reaches a port where its
    // vessel is still loading or discharging, sails back alone for 10 h,
    // and takes the other vessel (ready for 19 h), and then this one
    // (ready for 19 h) at once on arrival. Convoys sail at 1 and at 21 + 30j
    // and 31 + 30j <= 1002 (j = 0..32): 67, waits 0, 9 and 65 x 19 h; at
    // the horizon one has waited 10 h (ready at 992). The escort is at sea
    // from 1 to the end.
    assert_close(kpi(&out, "escort_wait_h"), (9.0 + 65.0 * 19.0 + 10.0) / 68.0, "waits");
    assert_eq!(kpi(&out, "voyages.t"), 67.0);
    assert_close(kpi(&out, "escort_utilization"), 1001.0 / 1002.0, "never idle after 1");
}

#[test]
fn a_lone_vessel_waits_the_convoy_maximum_before_sailing() {
    let text =
        with_interdiction(BASE, "escort = { enabled = true, convoy_size = 2, max_wait_h = 20.0 }");
    let out = run(&load(&text), 1, 0);
    // No second vessel ever joins, so every departure waits exactly 20 h:
    // cycle = load 1 + 20 + 10 + discharge 1 + 20 + 10 = 62 h. Outbound at
    // 21 + 62k <= 1002: k = 0..15 -> 16; returns at 52 + 62k < 1002: k = 0..15
    // -> 16. Total 32.
    assert_eq!(kpi(&out, "voyages.t"), 32.0);
    // Berthing at b at 31 + 62k < 1002: k = 0..15 -> 16 x 1,000 t.
    assert_eq!(kpi(&out, "delivered_total.oil"), 16_000.0);
}

/// A fleet left out of `interdiction.escort.fleets` sails alone when
/// escorts are on: its crossings are exactly those of the same scenario
/// with escorts off (every KPI bit for bit, but the escorts' capital), and
/// its incidents are not reduced; named in the list, it meets none.
#[test]
fn a_fleet_not_escorted_sails_alone_as_with_escorts_off() {
    let two = set(BASE, "fleet.count", "2");
    let risk = "incident_probability = 1.0\ndetention_h = { dist = \"constant\", value = 5.0 }";
    let escorts = |fleets: &str| {
        format!(
            "{risk}\nescort = {{ enabled = true, incident_factor = 0.0, convoy_size = 2, \
             max_wait_h = 100.0, fleets = [{fleets}] }}"
        )
    };
    let off = run(&load(&with_interdiction(&two, risk)), 1, 0);
    let alone = run(&load(&with_interdiction(&two, &escorts(""))), 1, 0);
    let escorted = run(&load(&with_interdiction(&two, &escorts("\"t\""))), 1, 0);
    // Every crossing alone is detained; every escorted one is spared.
    assert!(kpi(&alone, "voyages.t") > 20.0);
    assert_eq!(kpi(&alone, "incidents"), kpi(&alone, "voyages.t"));
    assert_eq!(kpi(&escorted, "incidents"), 0.0);
    let capital = ["cost.capital_per_year", "cost.total_per_year"];
    for (name, value) in off.kpis.iter() {
        let other = kpi(&alone, name);
        if capital.contains(&name) {
            // Two escort vessels' capital is paid whether they sail or not.
            assert!(other > value, "{name}: {other} against {value}");
        } else {
            assert!(
                other.to_bits() == value.to_bits() || (other.is_nan() && value.is_nan()),
                "{name}: {other} alone against {value} with escorts off"
            );
        }
    }
}

#[test]
fn escort_incident_factor_scales_the_incident_probability() {
    // Incident probability 1, escort factor 0.5: each escorted crossing has an
    // incident with probability 0.5 (a detention of 1 h; no losses). Convoys of
    // one, so nobody waits. Over n crossings the incident share is binomial:
    // 0.5 +- 3.29 * sqrt(0.25 / n) covers it with probability 0.999.
    let text = with_interdiction(
        &set(BASE, "fleet.count", "2"),
        r#"incident_probability = 1.0
detention_h = { dist = "constant", value = 1.0 }
escort = { enabled = true, incident_factor = 0.5, convoy_size = 1, max_wait_h = 0.0 }"#,
    );
    let plan = load(&text);
    let (mut incidents, mut crossings) = (0.0, 0.0);
    for rep in 0..5 {
        let out = run(&plan, 3, rep);
        assert_eq!(kpi(&out, "detentions"), kpi(&out, "incidents"));
        incidents += kpi(&out, "incidents");
        crossings += kpi(&out, "voyages.t");
    }
    let share = incidents / crossings;
    let bound = 3.29 * (0.25 / crossings).sqrt();
    println!("escorted incident share {share:.4} (theory 0.5 +- {bound:.4}, n = {crossings})");
    assert!(crossings > 300.0, "too few crossings to test anything: {crossings}");
    assert!((share - 0.5).abs() <= bound, "incident share {share}");
}

// ----- (i) return cargo -------------------------------------------------------------

#[test]
fn return_leg_carries_cargo_back() {
    let text = horizon_h(&set(BASE, "a_farm.initial", "1000000"), 200.0)
        + r#"
[[storage]]
id = "b_back"
port = "b"
cargo = "oil"
capacity = 10000
initial = 2500

[[storage]]
id = "a_back"
port = "a"
cargo = "oil"
capacity = 10000
"#;
    let text = edit(
        &text,
        "discharge_to = \"b_farm\"\n",
        "discharge_to = \"b_farm\"\nreturn_load_from = \"b_back\"\nreturn_discharge_to = \"a_back\"\n",
    );
    let out = run(&load(&text), 1, 0);
    // Cycle with full loads both ways: load 1, sail 10, discharge 1, load 1,
    // sail 10, discharge 1 = 24 h. The return farm (2,500 t) gives 1,000 t at
    // t = 12 and 36 and the last 500 t at 60 (the return leg takes what is there
    // and goes); these land at a at 23, 47 and 70.5.
    assert_eq!(kpi(&out, "delivered.a_back"), 2_500.0);
    // Outbound landings at b: 11, 35, 59 (24-h cycles), 82 (after the 500-t
    // cycle of 23 h), then 22-h ballast cycles: 104, 126, 148, 170, 192 -> 9.
    assert_eq!(kpi(&out, "delivered.b_farm"), 9_000.0);
    // Crossings: out 1, 25, 49, 72, 94, 116, 138, 160, 182 (9); back 13, 37,
    // 60.5, 83, 105, 127, 149, 171, 193 (9).
    assert_eq!(kpi(&out, "voyages.t"), 18.0);
    assert_close(kpi(&out, "vessel_utilization.t"), 1.0, "never idle");
}

// ----- (j) berth priority -----------------------------------------------------------

/// Three open-traffic streams share one berth, all arriving together every
/// 10 h (in file order z, x, y): z stays 5 h, x 1 h, y 3 h.
fn priority_run(prio_x: i32, prio_y: i32) -> Replication {
    let text = format!(
        r#"
[scenario]
name = "priority"
horizon_days = 42.0625 # 1,009.5 h

[[port]]
id = "p"
berths = {{ tanker = 1 }}

[[open_traffic]]
id = "z"
port = "p"
berth_class = "tanker"
interarrival_h = {{ dist = "constant", value = 10.0 }}
service_h = {{ dist = "constant", value = 5.0 }}

[[open_traffic]]
id = "x"
port = "p"
berth_class = "tanker"
interarrival_h = {{ dist = "constant", value = 10.0 }}
service_h = {{ dist = "constant", value = 1.0 }}
berth_priority = {prio_x}

[[open_traffic]]
id = "y"
port = "p"
berth_class = "tanker"
interarrival_h = {{ dist = "constant", value = 10.0 }}
service_h = {{ dist = "constant", value = 3.0 }}
berth_priority = {prio_y}
"#
    );
    run(&load(&text), 1, 0)
}

#[test]
fn berth_priority_serves_lower_numbers_first() {
    // Each 10-h round (arrivals at 10k, k = 1..100, all served by 10k + 9 <
    // 1009.5): z berths at once; x and y wait for it (5 h).
    // y first (priority 0 beats x's 1): y waits 5, x waits 5 + 3 = 8.
    let out = priority_run(1, 0);
    assert_close(kpi(&out, "anchorage_wait_h.p.tanker"), (0.0 + 5.0 + 8.0) / 3.0, "y first");
    // x first (by priority, and also by arrival order when priorities tie):
    // x waits 5, y waits 5 + 1 = 6.
    let out = priority_run(0, 1);
    assert_close(kpi(&out, "anchorage_wait_h.p.tanker"), (0.0 + 5.0 + 6.0) / 3.0, "x first");
    let out = priority_run(0, 0);
    assert_close(kpi(&out, "anchorage_wait_h.p.tanker"), (0.0 + 5.0 + 6.0) / 3.0, "FIFO");
    // Busy 9 h of every 10 from t = 10 to 1009: 900 h of 1,009.5.
    assert_close(kpi(&out, "berth_utilization.p.tanker"), 900.0 / 1009.5, "utilization");
}

// ----- seasonal inflows ---------------------------------------------------------

#[test]
fn seasonal_inflow_with_empty_months_brings_its_yearly_arrivals() {
    // 12 parcels a year, all in January (weights [1, 0, ..., 0] average 1/12,
    // so January runs at 12 times the mean rate): one parcel every 8760 / 144 =
    // 60.83 h, at 60.83k for k = 1..12 (the 12th at 730 h < 744 h, 1 February).
    // The 13th gap ends in February and brings nothing; the inflow sleeps until
    // the next January, whose first parcel again comes one gap after 1 January.
    // Over two years (horizon 729 days, to 30 December of year 1): 24 parcels
    // of 10 t. The pipe forwards each within a day.
    let text = r#"
[scenario]
name = "seasonal"
horizon_days = 729.0

[[port]]
id = "p"

[[storage]]
id = "farm"
port = "p"
cargo = "oil"
capacity = 100

[[inflow]]
id = "winter"
into = "farm"
arrivals_per_year = 12.0
size = { dist = "constant", value = 10.0 }
pattern = "regular"
seasonal = [1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]

[[outflow]]
id = "pipe"
from = "farm"
capacity_per_year = 8760.0
interval_h = 24.0
"#;
    let out = run(&load(text), 1, 0);
    assert_eq!(kpi(&out, "forwarded.pipe"), 240.0);
}

/// Arrivals of a Poisson inflow counted in `[from_day, to_day]`: the farm is
/// full from the start and (almost) never drained, so every 1-unit arrival
/// after warm-up is shut in, and `shut_in` counts them.
fn poisson_arrivals_between(from_day: f64, to_day: f64, seasonal: &str, reps: u64) -> Vec<f64> {
    let text = format!(
        r#"
[scenario]
name = "seasonal poisson"
horizon_days = {to_day:?}
warmup_days = {from_day:?}

[[port]]
id = "p"

[[storage]]
id = "farm"
port = "p"
cargo = "oil"
capacity = 1
initial = 1

[[inflow]]
id = "feed"
into = "farm"
arrivals_per_year = 876.0
size = {{ dist = "constant", value = 1.0 }}
pattern = "poisson"
spill_when_full = true
seasonal = {seasonal}

[[outflow]]
id = "trickle"
from = "farm"
capacity_per_year = 0.5 # half a unit a year: never a whole unit in the run
interval_h = 8760.0
"#
    );
    let plan = load(&text);
    (0..reps).map(|rep| kpi(&run(&plan, 9, rep), "shut_in.feed")).collect()
}

#[test]
fn poisson_inflow_follows_its_monthly_rates_exactly() {
    // 876 arrivals a year is 0.1 an hour on average; the weights average 1,
    // so month m runs at 0.1 w_m an hour: January 0.005 (3.72 expected in its
    // 744 h), February 0.295 (198.24 in 672 h), March 0, April 0.2 (144 in
    // 720 h), May 0. A gap drawn at January's low rate and not redrawn at
    // 1 February would leave February about 60 arrivals short; the exact
    // process (redrawn at each month boundary) does not.
    let seasonal = "[0.05, 2.95, 0.0, 2.0, 0.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0]";
    let reps = 200;
    // (first day, last day, expected arrivals = rate x hours)
    let months = [
        ("January", 0.0, 31.0, 0.005 * 744.0),
        ("February", 31.0, 59.0, 0.295 * 672.0),
        ("March", 59.0, 90.0, 0.0),
        ("April", 90.0, 120.0, 0.2 * 720.0),
        ("May", 120.0, 151.0, 0.0),
    ];
    for (name, from, to, expected) in months {
        let counts = poisson_arrivals_between(from, to, seasonal, reps);
        let mean = counts.iter().sum::<f64>() / reps as f64;
        if expected == 0.0 {
            // Not a single arrival in a zero-rate month, in any replication.
            assert!(counts.iter().all(|&c| c == 0.0), "{name}: arrivals {counts:?}");
            continue;
        }
        // Counts are Poisson(expected) and independent across replications:
        // the mean is within 3.29 standard errors (99.9%) of `expected`.
        let bound = 3.29 * (expected / reps as f64).sqrt();
        println!(
            "{name}: expected {expected:.2} arrivals, mean {mean:.2} over {reps} replications (+- {bound:.2})"
        );
        assert!((mean - expected).abs() <= bound, "{name}: mean {mean}, expected {expected}");
    }
}

// ----- (x) transits and waits still in progress at the end ------------------------

/// The only tanker is lost on its first crossing (incident and loss
/// certain); 100 t arrive every 10 h at the origin farm, which starts empty.
fn stranded(loss_probability: f64) -> Replication {
    let text = format!(
        "{}{FEED}\n[interdiction]\nincident_probability = 1.0\nloss_probability = {loss_probability:?}\ndetention_h = {{ dist = \"constant\", value = 0.0 }}\n",
        BASE
    );
    run(&load(&text), 1, 0)
}

#[test]
fn stranded_cargo_counts_with_its_age_at_the_end() {
    let out = stranded(1.0);
    // The tanker waits at berth for a full load: parcels 10..100 give
    // 1,000 t at 100; it loads 100..101 and is lost on sailing at 101. The
    // 90 parcels of 110..1000 stay in the farm, aged 1002 - t at the
    // horizon: 892, 882, ..., 2 h, all 100 t: mean (892 + 2) / 2 = 447 h.
    // Nothing is ever delivered, so without them the mean would be undefined.
    assert_eq!(kpi(&out, "vessels_lost"), 1.0);
    assert_eq!(kpi(&out, "delivered_total.oil"), 0.0);
    assert_close(kpi(&out, "transit_h.oil.mean"), 447.0, "stranded transit");
    // 100 parcels of 100 t arrived (10..1000 h): 1,000 t went down with the
    // tanker and 9,000 t are still in the farm; nothing was delivered.
    assert_eq!(kpi(&out, "demand.feed"), 10_000.0);
    assert_eq!(kpi(&out, "cargo_lost.oil"), 1_000.0);
    assert_eq!(kpi(&out, "backlog_end.oil"), 9_000.0);
    assert_eq!(kpi(&out, "service_level.oil"), 0.0);
}

#[test]
fn a_lost_vessel_makes_transit_worse_not_better() {
    // Same streams with and without the loss: the stranded run's transit
    // mean must be the longer one (it was shorter when only completed
    // transits counted, because the stranded cargo dropped out).
    let lost = stranded(1.0);
    let kept = stranded(0.0);
    assert_eq!(kpi(&kept, "vessels_lost"), 0.0);
    assert!(kpi(&kept, "delivered_total.oil") > 0.0);
    let (l, k) = (kpi(&lost, "transit_h.oil.mean"), kpi(&kept, "transit_h.oil.mean"));
    assert!(l > k, "stranded transit {l} h should exceed {k} h");
    assert!(kpi(&lost, "transit_h.oil.p95") >= kpi(&kept, "transit_h.oil.p95"));
}

#[test]
fn a_vessel_still_at_anchor_counts_with_its_wait_so_far() {
    // Two tankers, one berth at a, 2,000 t in the farm, loading at 20 t/h
    // (50 h a cargo): the nominal cycle is 10 + 10 + 50 + 1 = 71 h, so the
    // second tanker arrives at 35.5 h. Tanker 0 is called at 0 and loads
    // until 50; tanker 1, called at once (its 1,000 t are there), waits for
    // the berth. At the horizon (49 h) it has waited 13.5 h: mean over the
    // two calls (0 + 13.5) / 2.
    let mut text = set(BASE, "fleet.count", "2");
    text = set(&text, "a_farm.initial", "2000");
    text = set(&text, "fleet.load_rate", "20.0");
    text = horizon_h(&text, 49.0);
    let out = run(&load(&text), 1, 0);
    assert_close(kpi(&out, "anchorage_wait_h.a.tanker"), 6.75, "anchorage wait");
    assert_eq!(kpi(&out, "berth_calls.a.tanker"), 1.0, "only the granted call is counted");
    assert_close(kpi(&out, "cargo_wait_h.t"), 0.0, "both were called on arrival");
}

#[test]
fn a_vessel_still_waiting_for_cargo_counts_with_its_wait_so_far() {
    // The tanker arrives at 0 and waits at the anchorage for a full load
    // (1,000 t at t = 100); at the horizon (50 h) it has waited 50 h, off
    // the berth: no berth call at all.
    let text = horizon_h(BASE, 50.0) + FEED;
    let out = run(&load(&text), 1, 0);
    assert_close(kpi(&out, "cargo_wait_h.t"), 50.0, "cargo wait so far");
    assert_eq!(kpi(&out, "berth_calls.a.tanker"), 0.0, "never berthed");
    assert_close(kpi(&out, "berth_utilization.a.tanker"), 0.0, "the berth stayed free");
}

#[test]
fn trains_still_at_a_full_gate_count_with_their_wait_so_far() {
    // gate_scenario's farm stays full until 25 h; with the horizon at 22 h
    // the parcels of 10 h and 20 h are still at the gate, waiting 12 h and
    // 2 h: mean 7 h (there are no completed admissions).
    let mut text = BASE.to_string();
    for (tag, value) in [
        ("a_farm.capacity", "1000"),
        ("a_farm.initial", "1000"),
        ("fleet.overhead", r#"{ dist = "constant", value = 25.0 }"#),
    ] {
        text = set(&text, tag, value);
    }
    let text = horizon_h(&text, 22.0)
        + &FEED.replace("pattern = \"regular\"", "pattern = \"regular\"\nspill_when_full = false");
    let out = run(&load(&text), 1, 0);
    assert_close(kpi(&out, "gate_wait_h.feed"), 7.0, "gate wait in progress");
}

// ----- inflow policy when full: wait, spill, divert; peak backlog ----------------

/// `gate_scenario`'s run (origin farm full, 1,000 of 1,000 t, until the
/// tanker empties it at 25 h; 100-t parcels at 10, 20, ..., 90 h; horizon
/// 95 h) with the inflow's policy lines `policy` and warm-up `warmup_days`.
fn policy_run(policy: &str, warmup_days: &str) -> Replication {
    let mut text = BASE.to_string();
    for (tag, value) in [
        ("a_farm.capacity", "1000"),
        ("a_farm.initial", "1000"),
        ("fleet.overhead", r#"{ dist = "constant", value = 25.0 }"#),
        ("warmup", warmup_days),
    ] {
        text = set(&text, tag, value);
    }
    let text = horizon_h(&text, 95.0)
        + &FEED.replace("pattern = \"regular\"", &format!("pattern = \"regular\"\n{policy}"));
    let out = run(&load(&text), 1, 0);
    // Every parcel of the window is admitted, diverted or still at the gate
    // (here none is shut in and the gate is empty at 95 h).
    assert_eq!(kpi(&out, "demand.feed"), 900.0 - 100.0 * (warmup_count(warmup_days)) as f64);
    assert_eq!(kpi(&out, "diverted_total.oil"), kpi(&out, "diverted.feed"));
    out
}

/// Both runs give bit-identical KPIs (NaN included).
#[track_caller]
fn assert_same_kpis(a: &Replication, b: &Replication, what: &str) {
    let bits = |r: &Replication| -> Vec<(String, u64)> {
        r.kpis.iter().map(|(n, v)| (n.to_string(), v.to_bits())).collect()
    };
    assert_eq!(bits(a), bits(b), "{what}");
}

/// Parcels (10, 20, ... h) that arrive before a warm-up of `days`.
fn warmup_count(days: &str) -> u64 {
    count_in(10.0, 10.0, 0.0, days.parse::<f64>().unwrap() * 24.0)
}

#[test]
fn divert_without_patience_turns_away_arrivals_that_would_wait() {
    let out = policy_run(r#"when_full = "divert""#, "0.0");
    // The parcels of 10 and 20 h find the farm full and leave at once
    // (waits 0 and 0); 30..90 enter at once. Mean gate wait 0 over the 9
    // arrivals; they never joined the line, so the peak backlog is the full
    // farm, 1,000 t.
    assert_eq!(kpi(&out, "diverted.feed"), 200.0);
    assert_eq!(kpi(&out, "gate_wait_h.feed"), 0.0);
    assert_eq!(kpi(&out, "shut_in.feed"), 0.0);
    assert_eq!(kpi(&out, "peak_backlog.a_farm"), 1_000.0);
    assert_eq!(kpi(&out, "delivered_total.oil"), 1_000.0);
}

#[test]
fn divert_after_patience_times_out_the_oldest_arrival_first() {
    let out = policy_run("when_full = \"divert\"\npatience_h = 12.0", "0.0");
    // 10 h waits; 20 h waits behind it. At 10 + 12 = 22 h the first leaves
    // (wait 12 h, exactly its patience); at 25 h the tanker empties the farm
    // and the second enters (wait 5 h), before its patience (32 h) runs
    // out. Mean over 9 arrivals: (12 + 5) / 9 h. Peak backlog at 20 h: the
    // full farm and two parcels at its gate, 1,200 t.
    assert_eq!(kpi(&out, "diverted.feed"), 100.0);
    assert_close(kpi(&out, "gate_wait_h.feed"), 17.0 / 9.0, "gate wait");
    assert_eq!(kpi(&out, "peak_backlog.a_farm"), 1_200.0);
    assert_eq!(kpi(&out, "storage_max.a_farm"), 1_000.0);

    let short = policy_run("when_full = \"divert\"\npatience_h = 4.0", "0.0");
    // Both leave before 25 h (at 14 and 24 h), each after 4 h: (4 + 4) / 9.
    assert_eq!(kpi(&short, "diverted.feed"), 200.0);
    assert_close(kpi(&short, "gate_wait_h.feed"), 8.0 / 9.0, "gate wait");
    assert_eq!(kpi(&short, "peak_backlog.a_farm"), 1_100.0);
}

#[test]
fn wait_with_patience_diverts_like_divert_and_without_it_never_does() {
    let patient = policy_run("when_full = \"wait\"\npatience_h = 12.0", "0.0");
    let divert = policy_run("when_full = \"divert\"\npatience_h = 12.0", "0.0");
    assert_same_kpis(&patient, &divert, "the same policy once a patience is given");
    // Without a patience: today's gate (`full_origin_farm_makes_trains_wait_...`),
    // written either way, nothing diverted; both parcels wait, peak 1,200 t.
    let wait = policy_run(r#"when_full = "wait""#, "0.0");
    let old = policy_run("spill_when_full = false", "0.0");
    let default = policy_run("", "0.0");
    assert_same_kpis(&wait, &old, "spill_when_full = false is wait");
    assert_same_kpis(&wait, &default, "wait is the default");
    assert_eq!(kpi(&wait, "diverted.feed"), 0.0);
    assert_close(kpi(&wait, "gate_wait_h.feed"), 20.0 / 9.0, "gate wait");
    assert_eq!(kpi(&wait, "peak_backlog.a_farm"), 1_200.0);
}

#[test]
fn spill_is_the_old_spill_when_full() {
    let spill = policy_run(r#"when_full = "spill""#, "0.0");
    let old = policy_run("spill_when_full = true", "0.0");
    assert_same_kpis(&spill, &old, "spill_when_full = true is spill");
    // `full_origin_farm_spills_when_spilling`: 200 t shut in, nothing diverted,
    // nothing ever waits, so the peak backlog is the full farm.
    assert_eq!(kpi(&spill, "shut_in.feed"), 200.0);
    assert_eq!(kpi(&spill, "diverted.feed"), 0.0);
    assert_eq!(kpi(&spill, "peak_backlog.a_farm"), 1_000.0);
}

#[test]
fn peak_backlog_restarts_at_the_end_of_warm_up() {
    let out = policy_run(r#"when_full = "wait""#, "2.0");
    // At 48 h the farm holds 400 t (200 t from the gate at 25 h, then the
    // parcels of 30 and 40 h; the tanker left with the first 1,000 t and is
    // not back at the berth before 97 h) and nobody waits: the peak restarts
    // at 400 and ends at 900 t (parcels 50..90), below the 1,200 t of 20 h.
    assert_eq!(kpi(&out, "peak_backlog.a_farm"), 900.0);
    assert_eq!(kpi(&out, "peak_backlog.b_farm"), 1_000.0, "b got the cargo at 36 h");
}

#[test]
fn a_diverted_arrival_lets_the_line_behind_it_move() {
    // The origin farm holds 850 of 1,000 t and the tanker takes nothing
    // before 25 h (horizon 16 h). A 500-t parcel (patience 5 h) arrives at
    // 10 h and waits (150 t free); a 100-t parcel (no patience) arrives at
    // 12 h and would fit, but waits behind it (FIFO). At 15 h the big one
    // is diverted and the small one enters at once, after 3 h. Peak backlog
    // at 12 h: 850 + 500 + 100.
    let mut text = BASE.to_string();
    for (tag, value) in [
        ("a_farm.capacity", "1000"),
        ("a_farm.initial", "850"),
        ("fleet.overhead", r#"{ dist = "constant", value = 25.0 }"#),
    ] {
        text = set(&text, tag, value);
    }
    let text = horizon_h(&text, 16.0)
        + r#"
[[inflow]]
id = "big"
into = "a_farm"
arrivals_per_year = 876.0
size = { dist = "constant", value = 500.0 }
pattern = "regular"
when_full = "divert"
patience_h = 5.0

[[inflow]]
id = "small"
into = "a_farm"
arrivals_per_year = 730.0
size = { dist = "constant", value = 100.0 }
pattern = "regular"
"#;
    let out = run(&load(&text), 1, 0);
    assert_eq!(kpi(&out, "diverted.big"), 500.0);
    assert_eq!(kpi(&out, "diverted.small"), 0.0);
    assert_eq!(kpi(&out, "diverted_total.oil"), 500.0);
    assert_eq!(kpi(&out, "gate_wait_h.big"), 5.0);
    assert_eq!(kpi(&out, "gate_wait_h.small"), 3.0);
    assert_eq!(kpi(&out, "peak_backlog.a_farm"), 1_450.0);
    assert_eq!(kpi(&out, "storage_max.a_farm"), 950.0);
    assert_eq!(kpi(&out, "backlog_end.oil"), 950.0);
}

// ----- (y) monthly series ---------------------------------------------------------

/// The `month_*` KPIs of one cargo, by month name (`m01`, ...), in order.
fn months_of(out: &Replication, series: &str) -> Vec<(String, f64)> {
    let prefix = format!("{series}.oil.");
    out.kpis
        .iter()
        .filter_map(|(name, v)| name.strip_prefix(&prefix).map(|m| (m.to_string(), v)))
        .collect()
}

#[test]
fn monthly_series_split_the_window_at_calendar_months() {
    let out = dispatch_run(r#"{ policy = "when_full" }"#);
    // The horizon (1,002 h) falls in February: January is 0..744 h, February
    // 744..1002 h (cut at the horizon).
    let delivered = months_of(&out, "month_delivered");
    let names: Vec<&str> = delivered.iter().map(|(m, _)| m.as_str()).collect();
    assert_eq!(names, ["m01", "m02"]);
    // Deliveries of 1,000 t at 110, 210, ..., 910 h: seven in January
    // (110..710), two in February (810, 910); they sum to delivered_total.
    assert_eq!(delivered[0].1, 7_000.0);
    assert_eq!(delivered[1].1, 2_000.0);
    let sum: f64 = delivered.iter().map(|(_, v)| v).sum();
    assert_eq!(sum, kpi(&out, "delivered_total.oil"));
    // In the corridor at 744 h: 74 parcels of 100 t arrived (10..740 h), 7,000 t
    // delivered, nothing lost or shut in: 400 t. At the horizon the last
    // month's backlog is backlog_end: 400 + 2,600 (parcels 750..1000) - 2,000.
    let backlog = months_of(&out, "month_backlog");
    assert_eq!(backlog[0].1, 400.0);
    assert_eq!(backlog[1].1, 1_000.0);
    assert_eq!(backlog[1].1, kpi(&out, "backlog_end.oil"));
    // Service level: January 7,000 / (0 + 7,400); February 2,000 / (400 + 2,600).
    let service = months_of(&out, "month_service_level");
    assert_close(service[0].1, 7_000.0 / 7_400.0, "January service level");
    assert_close(service[1].1, 2_000.0 / 3_000.0, "February service level");
    // Wagons have no demand and no backlog: delivered 0, service undefined.
    assert_eq!(kpi(&out, "month_delivered.wagons.m01"), 0.0);
    assert!(kpi(&out, "month_service_level.wagons.m02").is_nan());
}

#[test]
fn monthly_series_start_at_the_end_of_warm_up() {
    // Warm-up 32 days (768 h) ends in February: January is not reported.
    let text = set(BASE, "warmup", "32.0") + FEED;
    let out = run(&load(&text), 1, 0);
    let delivered = months_of(&out, "month_delivered");
    assert_eq!(delivered.len(), 1, "only February: {delivered:?}");
    assert_eq!(delivered[0].0, "m02");
    assert!(out.kpis.get("month_backlog.oil.m01").is_none());
    // February from 768 h: in the corridor then, the parcels of 710..760 h
    // (600 t, the 610..700 load was delivered at 710); demand 770..1000 h
    // (2,400 t); delivered 810 and 910 (2,000 t).
    assert_eq!(delivered[0].1, kpi(&out, "delivered_total.oil"));
    assert_eq!(delivered[0].1, 2_000.0);
    assert_close(kpi(&out, "month_service_level.oil.m02"), 2_000.0 / 3_000.0, "service level");
    assert_eq!(kpi(&out, "month_backlog.oil.m02"), kpi(&out, "backlog_end.oil"));
    assert_eq!(kpi(&out, "month_backlog.oil.m02"), 1_000.0);
}

// ----- (z) interdiction risk per route ----------------------------------------------

/// A second one-tanker fleet `u` on `t`'s route, loading at `load_rate` t/h.
pub(super) fn second_tanker(load_rate: f64) -> String {
    format!(
        r#"
[[fleet]]
id = "u"
berth_class = "tanker"
count = 1
cargo = "oil"
capacity = 1000
speed_kn = 10.0
distance_nmi = 100.0
origin = "a"
load_from = "a_farm"
destination = "b"
discharge_to = "b_farm"
load_rate_per_h = {load_rate:?}
discharge_rate_per_h = 1000.0
"#
    )
}

#[test]
fn a_route_with_its_own_risk_overrides_the_scenarios() {
    // Every crossing of the scenario has an incident (probability 1, never
    // a loss, 5-h detentions), except on route `u`, which sets its own
    // probability 0; cargo is always there at a.
    let text = set(&set(BASE, "a_farm.initial", "1000000"), "a.berths", "{ tanker = 2 }")
        + &second_tanker(1000.0).replace(
            "discharge_rate_per_h = 1000.0\n",
            "discharge_rate_per_h = 1000.0\nincident_probability = 0.0\n",
        )
        + r#"
[interdiction]
incident_probability = 1.0
loss_probability = 0.0
detention_h = { dist = "constant", value = 5.0 }
"#;
    let out = run(&load(&text), 1, 0);
    // Only t's crossings (both legs) have incidents, each a detention.
    assert!(kpi(&out, "voyages.u") > 0.0, "u sails");
    assert_eq!(kpi(&out, "incidents"), kpi(&out, "voyages.t"));
    assert_eq!(kpi(&out, "detentions"), kpi(&out, "voyages.t"));
    // t's cycle is 1 + 10 + 5 (detained) per leg, so it sails less often than u.
    assert!(kpi(&out, "voyages.t") < kpi(&out, "voyages.u"));
    // And a route's own loss probability: t loses its vessel on its first crossing.
    let lossy = text.replacen(
        "dispatch = { policy = \"when_full\" } # fleet.dispatch",
        "dispatch = { policy = \"when_full\" } # fleet.dispatch\nloss_probability = 1.0",
        1,
    );
    let out = run(&load(&lossy), 1, 0);
    assert_eq!(kpi(&out, "vessels_lost"), 1.0, "t is lost; u has no incident");
    assert_eq!(kpi(&out, "voyages.t"), 1.0);
}

// ----- (berths for work) vessels wait for cargo off the berth -----------------------

#[test]
fn more_vessels_never_make_ready_vessels_wait_for_a_berth_idle_occupied() {
    // 100 t every 10 h, 1,000-t tankers, one berth at each end. However many
    // tankers there are, one is called each time 1,000 t are in the farm
    // (100, 200, ..., 1000 h), loads for 1 h and discharges at b 10 h later
    // for 1 h: the berths are never asked for twice at once, so no ready
    // tanker ever waits for one. (When a vessel held its berth while it
    // waited for cargo, the second tanker waited ~100 h at a's anchorage.)
    let mut deliveries = Vec::new();
    for count in 1..=6 {
        let text = set(BASE, "fleet.count", &count.to_string()) + FEED;
        let out = run(&load(&text), 1, 0);
        assert_close(kpi(&out, "anchorage_wait_h.a.tanker"), 0.0, &format!("{count} tankers at a"));
        assert_close(kpi(&out, "anchorage_wait_h.b.tanker"), 0.0, &format!("{count} tankers at b"));
        // a's berth: 1 h of loading per 100 h, however many tankers wait.
        assert_close(kpi(&out, "berth_utilization.a.tanker"), 10.0 / 1002.0, "a's berth busy 10 h");
        deliveries.push(kpi(&out, "delivered_total.oil"));
    }
    // Supply-bound: the same 9 cargoes (called at 100 ... 900; the one
    // called at 1000 reaches b after the horizon) whatever the fleet.
    assert!(deliveries.iter().all(|&d| d == 9_000.0), "{deliveries:?}");
}

#[test]
fn a_vessel_that_discharged_at_its_origin_shifts_off_the_berth_to_wait() {
    // A return cargo: the tanker carries b's farm (2,000 t) back to a's
    // second farm and loads a's oil outbound. It reaches a at 22 h after its
    // first call, discharges there, finds no full load, and shifts to the
    // anchorage: the berth is free while it waits.
    let text = set(BASE, "a_farm.initial", "1000")
        + FEED
        + r#"
[[storage]]
id = "a_back"
port = "a"
cargo = "oil"
capacity = 1000000
initial = 0

[[storage]]
id = "b_back"
port = "b"
cargo = "oil"
capacity = 1000000
initial = 2000
"#;
    let text = text.replace(
        "dispatch = { policy = \"when_full\" } # fleet.dispatch",
        "dispatch = { policy = \"when_full\" } # fleet.dispatch\nreturn_load_from = \"b_back\"\nreturn_discharge_to = \"a_back\"",
    );
    let text = horizon_h(&text, 100.0);
    let out = run(&load(&text), 1, 0);
    // Called at 0 (1,000 t there): loads 0..1, b at 11, discharges and
    // loads the return 1,000 t (11..13), back at a at 23: discharges 23..24
    // into a_back; the farm then holds the parcels of 10 and 20 (200 t), so
    // it shifts off. Parcels 10 ... 100 make 1,000 t at 100: called then,
    // it would berth again at 100, but that is the horizon: events due then
    // belong to the next window and do not fire.
    assert_eq!(kpi(&out, "delivered.a_back"), 1_000.0);
    assert_eq!(kpi(&out, "berth_calls.a.tanker"), 2.0, "0 and 23 h; 100 h is the horizon");
    // a's berth: busy 0..1 and 23..24: 2 h of 100.
    assert_close(kpi(&out, "berth_utilization.a.tanker"), 2.0 / 100.0, "berth busy only for work");
    // Cargo waits: 0 at the first call, then 24 -> 100 = 76 h: mean 38 h.
    assert_close(kpi(&out, "cargo_wait_h.t"), 38.0, "cargo wait");
}

// ----- (shared berths) one berth serving two classes --------------------------------

/// Port `a` with `berths` and `shared`; open-traffic tankers and ro-ro
/// vessels both arrive every 10 h from t = 10 (tankers first at each
/// instant) and stay 4 h. Horizon 100 h: arrivals at 10 ... 90 (those due
/// at 100 h, the horizon, do not fire).
fn shared_run(berths: &str, shared: &str) -> Replication {
    let text = format!(
        r#"
[scenario]
name = "shared"
horizon_days = {horizon:?}

[[port]]
id = "a"
berths = {berths}
{shared}

[[open_traffic]]
id = "tankers"
port = "a"
berth_class = "tanker"
interarrival_h = {{ dist = "constant", value = 10.0 }}
service_h = {{ dist = "constant", value = 4.0 }}

[[open_traffic]]
id = "roros"
port = "a"
berth_class = "roro"
interarrival_h = {{ dist = "constant", value = 10.0 }}
service_h = {{ dist = "constant", value = 4.0 }}
"#,
        horizon = 100.0 / 24.0
    );
    run(&load(&text), 1, 0)
}

#[test]
fn one_shared_berth_serves_two_classes_one_at_a_time() {
    let shared = r#"shared_berths = [{ classes = ["tanker", "roro"], count = 1 }]"#;
    let out = shared_run("{}", shared);
    // At 10, 20, ..., 90 the tanker takes the shared berth for 4 h and the
    // ro-ro waits for it: every ro-ro waits 4 h. 9 calls each; the tanker
    // never waits.
    assert_close(kpi(&out, "anchorage_wait_h.a.tanker"), 0.0, "tankers");
    assert_close(kpi(&out, "anchorage_wait_h.a.roro"), 4.0, "ro-ros wait 4 h");
    assert_eq!(kpi(&out, "berth_calls.a.tanker"), 9.0);
    assert_eq!(kpi(&out, "berth_calls.a.roro"), 9.0, "every ro-ro is served");
    // Utilization over the berth-hours a class could use: each class worked
    // 9 x 4 = 36 h on the shared berth, which stood free 10 h before the
    // first arrival, 2 h (18 .. 20) in each of the 8 rounds after it, and
    // 98 .. 100: 28 h. Each class: 36 / (36 + 28).
    assert_close(kpi(&out, "berth_utilization.a.tanker"), 36.0 / 64.0, "tanker use");
    assert_close(kpi(&out, "berth_utilization.a.roro"), 36.0 / 64.0, "ro-ro use");
    // Two shared berths: nobody waits; the same with a berth of each class.
    for (berths, shared) in [
        ("{}", r#"shared_berths = [{ classes = ["tanker", "roro"], count = 2 }]"#),
        ("{ tanker = 1, roro = 1 }", ""),
    ] {
        let out = shared_run(berths, shared);
        assert_close(kpi(&out, "anchorage_wait_h.a.roro"), 0.0, &format!("{berths} {shared}"));
        assert_eq!(kpi(&out, "berth_calls.a.roro"), 9.0);
    }
    // A dedicated tanker berth plus the shared one: the tanker takes its own
    // berth first, so the shared one is free for the ro-ro.
    let out = shared_run("{ tanker = 1 }", shared);
    assert_close(kpi(&out, "anchorage_wait_h.a.roro"), 0.0, "tanker uses its own berth");
    assert_close(kpi(&out, "anchorage_wait_h.a.tanker"), 0.0, "tankers");
}

#[test]
fn a_vessel_larger_than_its_storage_is_called_when_the_storage_is_full() {
    // The farm holds 500 t, the tanker 1,000 t: its full load is never in
    // the farm at once. It is called when the farm is full (parcels 10 ...
    // 50 h), loads the 500 t and fills at the berth as parcels come (60 ...
    // 100 h), sailing at 100 h; then every 100 h, as in
    // `when_full_waits_for_a_full_load` but leaving at 100k instead of 100k + 1
    // (the loading ran while it waited): b at 110 ... 910 (9 cargoes), 9
    // returns.
    let text = set(BASE, "a_farm.capacity", "500") + FEED;
    let out = run(&load(&text), 1, 0);
    assert_eq!(kpi(&out, "delivered_total.oil"), 9_000.0);
    assert_eq!(kpi(&out, "voyages.t"), 19.0);
}

#[test]
fn withdrawing_the_first_vessel_of_a_cargo_line_calls_the_next_at_once() {
    // 600 t in the farm and no more coming. Tanker t (1,000 t) is first in
    // the cargo line and can never be called; tanker u (500 t) waits behind
    // it. A disruption takes t out of service at 24 h: u is called then
    // (600 >= 500), not never (nothing else happens at the farm).
    let text = set(BASE, "a_farm.initial", "600")
        + &second_tanker(1000.0).replace("capacity = 1000\n", "capacity = 500\n")
        + r#"
[[disruption]]
id = "t_out"
target = "vessels.t"
vessels = 1
start_day = 1.0
"#;
    let out = run(&load(&text), 1, 0);
    assert_eq!(kpi(&out, "vessels_out.t"), 1.0);
    assert_eq!(kpi(&out, "carried.u"), 500.0, "u carried its 500 t");
    // u waited 24 h; back at a at 45 h (load 24..24.5, b at 34.5, discharge
    // to 35, back 10 h later), it waits for the 500 t that never come: 957 h
    // at the horizon. Mean (24 + 957) / 2.
    assert_close(kpi(&out, "cargo_wait_h.u"), (24.0 + 957.0) / 2.0, "called at the withdrawal");
}
