//! `[fleet.availability]` by hand on the tiny scenario of
//! [`super::model_mechanisms`] (`BASE`): one tanker shuttling a -> b,
//! 10-h crossings, 1 h to load or discharge, no overhead, no weather.
//!
//! With the origin farm full the vessel never waits: it arrives at a at 0,
//! finishes discharging (empty) there at 22k h and at b at 12 + 22k h (its
//! safe points), and departs a at 1 + 22k and b at 12 + 22k. A downtime of
//! `D` hours taken at a safe point shifts everything after it by exactly
//! `D`: the vessel arrives at the same port again and carries on (at a,
//! it berths at once and "discharges" nothing in no time before loading;
//! at b, with no return cargo, it sails back without berthing).

use caspian_shipping::streams::{Source, stream};
use caspian_shipping::trace::{TraceState, VesselPhase};
use rand::RngExt;

use super::model_mechanisms::{BASE, assert_close, kpi, load, run, set};

/// `BASE` with farms large enough for 10^9 cargoes, the origin one full,
/// a horizon of `days` and the fleet's `availability` table.
fn scenario(days: f64, availability: &str) -> String {
    let text = set(&full_farms(BASE), "horizon", &format!("{days:?}"));
    format!("{text}availability = {availability}\n")
}

/// `text` with both farms holding 10^12 t and the origin one full.
fn full_farms(text: &str) -> String {
    let text = set(text, "a_farm.capacity", "1000000000000");
    let text = set(&text, "b_farm.capacity", "1000000000000");
    set(&text, "a_farm.initial", "1000000000000")
}

/// Departure times (h) of the undisturbed shuttle before `horizon`.
fn departures(horizon: f64) -> Vec<f64> {
    let mut t: Vec<f64> = (0..)
        .flat_map(|k| [1.0 + 22.0 * k as f64, 12.0 + 22.0 * k as f64])
        .take_while(|&t| t < horizon)
        .collect();
    t.sort_by(f64::total_cmp);
    t
}

/// The first safe point (end of discharge) at or after `t` hours.
fn safe_point_after(t: f64) -> f64 {
    (0..)
        .flat_map(|k| [22.0 * k as f64, 12.0 + 22.0 * k as f64])
        .find(|&s| s >= t)
        .expect("safe points go on for ever")
}

#[test]
fn one_drydocking_costs_exactly_its_length_and_the_trips_it_displaces() {
    // Horizon 100 days (2,400 h), a dry-docking of 5 days (120 h) every 100
    // days: exactly one falls due, at u x 2,400 h with u the first draw of
    // the fleet's availability stream, and is taken at the next safe point.
    let (horizon, length) = (2400.0, 120.0);
    let plan = load(&scenario(100.0, "{ drydock_every_days = 100.0, drydock_days = 5.0 }"));
    for rep in 0..6 {
        let u: f64 = stream(1, rep, Source::Availability, 0).random();
        let start = safe_point_after(u * horizon);
        let end = start + length;
        // Departures before the dock keep their times; the others move by 120 h.
        let trips =
            departures(horizon).into_iter().filter(|&t| t < start || t + length < horizon).count()
                as f64;
        let out = run(&plan, 1, rep);
        let what = format!("rep {rep}, docked at {start} h");
        assert_close(kpi(&out, "drydocks.t"), 1.0, &what);
        assert_close(kpi(&out, "breakdowns.t"), 0.0, &what);
        assert_close(kpi(&out, "downtime_h.t"), end.min(horizon) - start, &what);
        assert_close(kpi(&out, "voyages.t"), trips, &what);
        assert_close(
            kpi(&out, "trips_per_vessel_month.t"),
            trips / (horizon / 24.0 / 30.44),
            &what,
        );
        // Port calls are arrivals: the first at a at 0, then one 10 h after
        // each departure; back from the dock it is still on its call.
        let arrivals = 1 + departures(horizon)
            .into_iter()
            .map(|t| if t < start { t } else { t + length })
            .filter(|&t| t + 10.0 < horizon)
            .count();
        let calls = kpi(&out, "port_calls.a") + kpi(&out, "port_calls.b");
        assert_close(calls, arrivals as f64, &what);
    }
}

#[test]
fn back_from_a_dock_at_its_destination_an_empty_tanker_sails_without_berthing() {
    // With a port-call overhead of 2 h the undisturbed cycle is 26 h: at a
    // at 26k (a safe point), overhead, load, depart at 3 + 26k; at b at
    // 13 + 26k, overhead, discharge, done at 16 + 26k (the other safe point)
    // and away at once, with no return cargo. Docked at b, it comes back
    // empty with nothing to load there: it sails at once, so every
    // departure after the dock moves by exactly its length, wherever it was
    // taken. (A berth call for nothing would move those from b by 2 h more.)
    let (horizon, length) = (2400.0, 120.0);
    let text = scenario(100.0, "{ drydock_every_days = 100.0, drydock_days = 5.0 }");
    let plan = load(&set(&text, "fleet.overhead", r#"{ dist = "constant", value = 2.0 }"#));
    let undisturbed: Vec<f64> = (0..)
        .flat_map(|k| [3.0 + 26.0 * k as f64, 16.0 + 26.0 * k as f64])
        .take_while(|&t| t < horizon)
        .collect();
    let mut docked_at_b = 0;
    for rep in 0..12 {
        let mut rec = caspian_shipping::probe::Recorder {
            trace_events: true,
            ..caspian_shipping::probe::Recorder::default()
        };
        caspian_shipping::simulate_probed(&plan, 1, rep, &mut rec);
        let phases: Vec<(f64, VesselPhase, String)> = rec
            .trace
            .iter()
            .filter_map(|e| match &e.state {
                TraceState::Vessel { phase, port, .. } => {
                    Some((e.time.as_hours_f64(), *phase, port.clone()))
                }
                _ => None,
            })
            .collect();
        let (start, port) = phases
            .iter()
            .find(|(_, phase, _)| *phase == VesselPhase::Maintenance)
            .map(|(t, _, port)| (*t, port.clone()))
            .unwrap_or_else(|| panic!("rep {rep}: no dry-docking"));
        docked_at_b += usize::from(port == "b");
        let departed: Vec<f64> = phases
            .windows(2)
            .filter(|w| w[1].1 == VesselPhase::Sailing && w[0].1 != VesselPhase::Sailing)
            .map(|w| w[1].0)
            .collect();
        let expected: Vec<f64> = undisturbed
            .iter()
            .map(|&t| if t < start { t } else { t + length })
            .filter(|&t| t < horizon)
            .collect();
        assert_eq!(departed, expected, "rep {rep}, docked at {port} at {start} h");
    }
    // Both safe points were exercised, so the test can tell the two apart.
    assert!((1..12).contains(&docked_at_b), "{docked_at_b} of 12 docked at b");
}

#[test]
fn without_availability_trips_per_vessel_month_are_the_undisturbed_departures() {
    let text = set(&full_farms(BASE), "horizon", "100.0");
    let out = run(&load(&text), 1, 0);
    let trips = departures(2400.0).len() as f64;
    assert_close(kpi(&out, "voyages.t"), trips, "departures");
    assert_close(kpi(&out, "trips_per_vessel_month.t"), trips / (100.0 / 30.44), "per month");
    assert!(out.kpis.get("downtime_h.t").is_none(), "no availability KPIs without the table");
}

#[test]
fn the_breakdown_downtime_share_is_mttr_over_mtbf_plus_mttr() {
    // MTBF 20 days (480 h), repairs lognormal with mean 24 h, sd 12 h, over
    // 20 years in each of 8 replications. A renewal cycle is the time to
    // failure X (exponential, mean M), the wait w for the next safe point
    // and the repair R. Failures fall at a uniform phase of the 22-h cycle
    // (M is 22 cycles), whose safe points are 12 h and 10 h apart, so
    // E[w] = (12^2 + 10^2) / (2 x 22) = 5.55 h. The downtime share is then
    // p = E[R] / (M + E[w] + E[R]) (renewal-reward).
    let (m, r, sd_r, w) = (480.0, 24.0, 12.0, 244.0 / 44.0);
    let (years, reps) = (20.0, 8u32);
    let cycle = m + w + r;
    let p = r / cycle;
    let text = scenario(
        365.0 * years,
        "{ mtbf_days = 20.0, repair_h = { dist = \"lognormal\", mean = 24.0, sd = 12.0 } }",
    );
    let plan = load(&text);
    let horizon_h = 365.0 * years * 24.0;
    let (mut share, mut stops) = (0.0, 0.0);
    for rep in 0..u64::from(reps) {
        let out = run(&plan, 7, rep);
        share += kpi(&out, "downtime_h.t") / horizon_h / f64::from(reps);
        stops += kpi(&out, "breakdowns.t");
        assert_close(kpi(&out, "drydocks.t"), 0.0, "no dry-docking configured");
    }
    // Delta method: the share's variance is Var(R - p C) / (n E[C]^2) over
    // n cycles, with Var(R - p C) = (1 - p)^2 Var R + p^2 (Var X + Var w)
    // (Var w <= 12^2 / 3, the variance of a uniform wait of up to 12 h).
    let n = horizon_h * f64::from(reps) / cycle;
    let var = (1.0 - p).powi(2) * sd_r * sd_r + p * p * (m * m + 144.0 / 3.0);
    let sd_share = (var / n).sqrt() / cycle;
    assert!(
        (share - p).abs() < 4.0 * sd_share,
        "downtime share {share}, expected {p} +- {}",
        4.0 * sd_share
    );
    // The count of a renewal process: variance about n Var(C) / E[C]^2.
    let sd_stops = (n * (m * m + sd_r * sd_r + 144.0 / 3.0)).sqrt() / cycle;
    assert!((stops - n).abs() < 4.0 * sd_stops, "{stops} breakdowns, expected {n} +- {sd_stops}");
}

#[test]
fn availability_that_never_falls_due_leaves_every_other_kpi_bit_identical() {
    // The baseline's fleets with and without an availability table whose
    // first dry-dock and failure lie beyond the horizon: the availability
    // stream is separate, so every KPI both runs emit has the same bits.
    let plain = strip_availability(caspian_shipping::BASELINE_TOML);
    let never = plain.replace(
        "dispatch = { policy = \"full_or_max_wait\", max_wait_h = 48.0 }",
        "dispatch = { policy = \"full_or_max_wait\", max_wait_h = 48.0 }\navailability = { \
         drydock_every_days = 300000.0, drydock_days = 21.0, mtbf_days = 300000.0, repair_h = \
         { dist = \"constant\", value = 24.0 } }",
    );
    assert_ne!(plain, never, "the Kuryk ferries got a table");
    let (a, b) = (load(&plain), load(&never));
    for rep in 0..3 {
        let (x, y) = (run(&a, 20_261_123, rep), run(&b, 20_261_123, rep));
        assert_close(kpi(&y, "downtime_h.ferries_kuryk_alat"), 0.0, "nothing fell due");
        assert_eq!(x.events, y.events, "rep {rep}: the same events");
        for (name, value) in x.kpis.iter() {
            let other = y.kpis.get(name).expect("every KPI is still there");
            assert_eq!(value.to_bits(), other.to_bits(), "rep {rep}: {name}");
        }
    }
}

/// The baseline with every `availability = ...` line removed.
fn strip_availability(text: &str) -> String {
    text.lines()
        .filter(|l| !l.trim_start().starts_with("availability ="))
        .map(|l| format!("{l}\n"))
        .collect()
}

#[test]
fn a_vessel_withdrawn_during_its_drydocking_never_comes_back() {
    // As in the first test, but a vessels disruption takes the tanker 10 h
    // into its dry-docking and never returns it: the downtime ends there,
    // and its pending return from the dock is ignored.
    let (horizon, rep) = (2400.0, 0);
    let u: f64 = stream(1, rep, Source::Availability, 0).random();
    let start = safe_point_after(u * horizon);
    let strike = start + 10.0;
    assert!(strike < horizon - 1.0, "the draw leaves room for the strike");
    let text = format!(
        "{}\n[[disruption]]\nid = \"loss\"\ntarget = \"vessels.t\"\nvessels = 1\nstart_day = {:?}\n",
        scenario(100.0, "{ drydock_every_days = 100.0, drydock_days = 5.0 }"),
        strike / 24.0
    );
    let out = run(&load(&text), 1, rep);
    let trips = departures(horizon).into_iter().filter(|&t| t < start).count() as f64;
    assert_close(kpi(&out, "vessels_out.t"), 1.0, "withdrawn");
    // The strike's day converts to whole milliseconds: 10 h give or take one.
    let cut = kpi(&out, "downtime_h.t");
    assert!((cut - 10.0).abs() < 1e-6, "cut at the withdrawal: {cut} h");
    assert_close(kpi(&out, "voyages.t"), trips, "no departure after the dock");
    assert_close(kpi(&out, "drydocks.t"), 1.0, "one dry-docking begun");
}
