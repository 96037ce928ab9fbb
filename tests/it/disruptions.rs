//! `[[disruption]]`: one test per target kind on the tiny scenarios of
//! [`super::model_mechanisms`], each worked out by hand in the comments, and
//! the common-random-numbers promise (a disruption draws only from its own
//! stream).
//!
//! The scenario (see `BASE` there): ports `a` and `b`, one tanker shuttling
//! 1,000 t a -> b (10 h crossing, 1 h to load or discharge, no overhead),
//! horizon 1,002 h, no warm-up, no weather. Day 10 is hour 240, day 15 hour
//! 360.

use super::model_mechanisms::{BASE, FEED, assert_close, kpi, load, run, second_tanker, set};

/// `BASE` plus `extra` TOML, run once.
fn run_with(base: &str, extra: &str) -> caspian_shipping::Replication {
    let text = format!("{base}{extra}");
    run(&load(&text), 1, 0)
}

/// A dated disruption of `target` from day 10 for 5 days.
fn dated(id: &str, target: &str, scale: f64) -> String {
    format!(
        r#"
[[disruption]]
id = "{id}"
target = "{target}"
start_day = 10.0
duration_days = {{ dist = "constant", value = 5.0 }}
scale = {scale}
"#
    )
}

#[test]
fn a_dated_port_closure_holds_the_tanker_and_recovery_is_timed() {
    let out = run_with(&format!("{BASE}{FEED}"), &dated("b_shut", "port.b", 0.0));
    // Feed 100 t every 10 h; the tanker is called to load when its 1,000 t
    // are in the farm (100, 200, 300, ...), loads for 1 h, leaves a at 101,
    // 201, 301, ... and reaches b at 111, 211, 311, ... b is closed over
    // [240, 360) h, so the call due at 311 waits 49 h at the anchorage. The
    // tanker is back on its 100-h grid from the next cargo (called at 400),
    // so 9 calls at b (111 ... 911) and one wait of 49 h.
    assert_close(kpi(&out, "port_closure_h.b"), 120.0, "b closed 5 days");
    assert_close(kpi(&out, "port_closure_h.a"), 0.0, "a never closed");
    assert_close(kpi(&out, "disruption_h.b_shut"), 120.0, "in effect 5 days");
    assert_close(kpi(&out, "anchorage_wait_h.b.tanker"), 49.0 / 9.0, "one 49-h wait in 9 calls");
    assert_close(kpi(&out, "berth_calls.b.tanker"), 9.0, "calls at b");
    // Recovery: at 240 h the corridor holds the 300 t of 210 ... 240 in the
    // farm (the tanker waits off the berth). At the end (360 h) the farm
    // holds the 600 t of 310 ... 360 h; the tanker is back at a at 371,
    // called at 400, and discharges at b at 411, leaving the 100 t that
    // arrived at 410: <= 300 x 1.05. Recovered at 411: 51 h.
    assert_close(kpi(&out, "recovery_days.b_shut"), 51.0 / 24.0, "recovered at 411 h");
    assert_close(kpi(&out, "unrecovered.b_shut"), 0.0, "nothing left unrecovered");
}

#[test]
fn paired_recovery_measures_the_backlog_against_the_same_run_without_the_closure() {
    let plain = format!("{BASE}{FEED}");
    let paired = plain.replacen("[scenario]\n", "[scenario]\npaired_recovery = true\n", 1);
    let closure = dated("b_shut", "port.b", 0.0);
    let (a, b) = (run_with(&plain, &closure), run_with(&paired, &closure));
    // Without the closure (the twin) the tanker discharges at b at 311 h,
    // is back at a, empty, at 322 and waits for its next 1,000 t (called at
    // 400). With it, the call due at 311 waits at b's anchorage until b
    // reopens at 360 and berths then; a discharge moves the cargo out of
    // the vessel as it starts, so at the sample of 360 h (after the
    // reopening and the episode's end, which were scheduled before it) both
    // runs hold the same 600 t in a's farm (310 ... 360 h) and nothing
    // aboard: back at once. The unpaired measure waits until 411 h, for the
    // level to fall within 5% of its mean over the week before the episode.
    assert_close(kpi(&b, "recovery_paired_days.b_shut"), 0.0, "back at 360 h");
    assert_close(kpi(&b, "unrecovered_paired.b_shut"), 0.0, "nothing left unrecovered");
    // The pairing changes nothing else, and a scenario without it does not
    // have its KPIs.
    assert!(a.kpis.get("recovery_paired_days.b_shut").is_none());
    for (name, value) in a.kpis.iter() {
        let other = b.kpis.get(name).unwrap();
        assert!(value.to_bits() == other.to_bits(), "{name}: {value} vs {other}");
    }
    assert_eq!(b.kpis.iter().count(), a.kpis.iter().count() + 2);
}

#[test]
fn paired_recovery_counts_only_the_disruptions_own_backlog() {
    // The closure of b above, and an episode that changes nothing (a's farm
    // at full capacity) over the same start, ending at 288.24 h, in the
    // middle of the closure. Its twin is the run without it, closure
    // included: the same cargo at every sample, so it is back at the sample
    // of 289 h. The unpaired measure (against the same level before as the
    // closure's) waits for the closure's backlog too: 411 h, as above.
    let paired =
        format!("{BASE}{FEED}").replacen("[scenario]\n", "[scenario]\npaired_recovery = true\n", 1);
    let noop = "\n[[disruption]]\nid = \"noop\"\ntarget = \"storage.a_farm\"\nscale = 1.0\n\
                start_day = 10.0\nduration_days = { dist = \"constant\", value = 2.01 }\n";
    let out = run_with(&paired, &format!("{}{noop}", dated("b_shut", "port.b", 0.0)));
    assert_close(kpi(&out, "recovery_paired_days.noop"), 0.76 / 24.0, "back at 289 h");
    assert_close(kpi(&out, "recovery_days.noop"), (411.0 - 288.24) / 24.0, "back at 411 h");
    assert_close(kpi(&out, "recovery_paired_days.b_shut"), 0.0, "as alone");
    assert_close(kpi(&out, "recovery_days.b_shut"), 51.0 / 24.0, "as alone");
}

#[test]
fn paired_recovery_of_an_episode_that_changes_nothing_is_the_next_sample() {
    // On the baseline with dated episodes that change nothing (BTK
    // "outages" at full capacity, on days 100, 200 and 300 for 2.01 days, so
    // each ends between two samples), the run and its twin hold the same
    // cargo at every sample: each episode is back at the first hourly sample
    // after its end, whatever the corridor's own swings. The unpaired
    // measure compares with the mean of the week before and can take days.
    let noop = |id: &str, day: u32| {
        format!(
            "\n[[disruption]]\nid = \"{id}\"\ntarget = \"outflow.btk_railway\"\nscale = 1.0\n\
             start_day = {day}.0\nduration_days = {{ dist = \"constant\", value = 2.01 }}\n"
        )
    };
    let text = format!(
        "{}{}{}{}",
        caspian_shipping::BASELINE_TOML,
        noop("noop_a", 100),
        noop("noop_b", 200),
        noop("noop_c", 300)
    )
    .replacen("[scenario]\n", "[scenario]\npaired_recovery = true\n", 1);
    let plan = caspian_shipping::load(&text, "noop").unwrap();
    let mut slower = 0;
    for rep in 0..4 {
        let out = run(&plan, 7, rep);
        for id in ["noop_a", "noop_b", "noop_c"] {
            let days = kpi(&out, &format!("recovery_paired_days.{id}"));
            // 2.01 days end 0.24 h past an hour: the next sample is 0.76 h on.
            assert_close(days, 0.76 / 24.0, &format!("{id}, replication {rep}"));
            assert_close(kpi(&out, &format!("unrecovered_paired.{id}")), 0.0, "back");
            let plain = kpi(&out, &format!("recovery_days.{id}"));
            if plain.is_nan() || plain > 0.76 / 24.0 + 1e-9 {
                slower += 1;
            }
        }
    }
    assert!(slower > 0, "the unpaired measure has a floor here, which the pairing removes");
}

/// A 10 t/h pipe draining the destination farm: 100 t every 10 h (at 10,
/// 20, ..., 1000 h: 100 ticks).
const PIPE: &str = r#"
[[outflow]]
id = "pipe"
from = "b_farm"
capacity_per_year = 87600.0
interval_h = 10.0
"#;

/// The destination farm full of oil drained by [`PIPE`]; no cargo moves.
fn pipe_scenario() -> String {
    set(BASE, "b_farm.initial", "1000000") + PIPE
}

#[test]
fn an_outflow_outage_forwards_nothing_and_a_cut_forwards_its_share() {
    let base = run_with(&pipe_scenario(), "");
    assert_close(kpi(&base, "forwarded.pipe"), 10_000.0, "100 ticks of 100 t");
    // Ticks at 240, 250, ..., 350 h fall in [240, 360): 12 of them.
    let outage = run_with(&pipe_scenario(), &dated("pipe_out", "outflow.pipe", 0.0));
    assert_close(kpi(&outage, "forwarded.pipe"), 10_000.0 - 12.0 * 100.0, "12 ticks take nothing");
    let cut = run_with(&pipe_scenario(), &dated("pipe_cut", "outflow.pipe", 0.25));
    assert_close(kpi(&cut, "forwarded.pipe"), 10_000.0 - 12.0 * 75.0, "12 ticks take 25 t");
}

#[test]
fn a_link_outage_recovers_when_the_cargo_waiting_for_the_link_is_back() {
    // The tanker feeds b's farm, which a 200-t pipe drains every 10 h: a
    // hand-over storage, so a disruption of the pipe is measured on the
    // cargo in the corridor *and* in the farm (T below). The tanker's moves
    // leave T alone; the feed adds 100 t every 10 h; the pipe takes 200 t a
    // tick while the farm holds oil. Over each 100 h from 100 h, T in its
    // ten 10-h blocks is 1,000 (aboard), 1,100 (1,000 landed at +11 h),
    // 1,000, 900, 800, 700, 600 (farm empty), 700, 800, 900 (samples on
    // the hour see the events of that hour, which were scheduled first).
    // Level before: the samples of 72..239 h, 147,600 / 168 = 878.6 t;
    // band 922.5 t. The pipe takes nothing over [240, 360): at 360 h the
    // farm holds 1,600 t less the tick's 200 and a's farm 600 t, T = 2,000;
    // from then on every tick takes 200 t and T falls 100 t every 10 h,
    // 900 at 470 h: recovered 110 h after the end. Measured on the corridor
    // alone, as before the farm counted, it took 51 h: the tanker sails as
    // without the outage, so that was its own cycle's swing, not the outage.
    let pipe = PIPE.replace("87600.0", "175200.0");
    let text = format!("{BASE}{FEED}{pipe}");
    let outage = dated("pipe_out", "outflow.pipe", 0.0);
    let out = run_with(&text, &outage);
    assert_close(kpi(&out, "recovery_days.pipe_out"), 110.0 / 24.0, "recovered at 470 h");
    assert_close(kpi(&out, "unrecovered.pipe_out"), 0.0, "nothing left unrecovered");
    // Paired: the twin's T runs 600, 700, 800, 900, 1,000, 1,100, 1,000,
    // 900, 800, 700, 600, 700, 800 from 360 h; the outage run's exceeds it
    // by 1,400, 1,200, 1,000, 800, 600, then 400 t from 410 to 470 h, 200 t
    // at 470 h (band 43.9 t), and nothing from 480 h, when both farms are
    // empty: 120 h.
    let paired = text.replacen("[scenario]\n", "[scenario]\npaired_recovery = true\n", 1);
    let out = run_with(&paired, &outage);
    assert_close(kpi(&out, "recovery_paired_days.pipe_out"), 5.0, "back at 480 h");
    assert_close(kpi(&out, "recovery_days.pipe_out"), 110.0 / 24.0, "as unpaired");
}

#[test]
fn an_inflow_surge_halves_the_gaps_of_a_regular_inflow() {
    let out = run_with(&format!("{BASE}{FEED}"), &dated("surge", "inflow.feed", 2.0));
    // Normally 100 parcels (10, 20, ..., 1000 h). Each gap is set by the rate
    // when it is scheduled: the parcel at 240 h (scheduled at 230 at the
    // normal rate) schedules 245, and so on every 5 h until the parcel at
    // 355 h schedules 360; the one at 360 is back to 10-h gaps. So
    // 245, 250, ..., 360 (24 parcels) replace 250, ..., 360 (12): 12 more.
    assert_close(kpi(&out, "demand.feed"), 11_200.0, "112 parcels of 100 t");
}

#[test]
fn a_lost_vessel_stops_and_its_replacement_resumes_from_the_origin() {
    let text = set(BASE, "a_farm.initial", "1000000");
    let extra = r#"
[[disruption]]
id = "loss"
target = "vessels.t"
vessels = 1
start_day = 10.0
duration_days = { dist = "constant", value = 5.0 }
"#;
    let out = run_with(&text, extra);
    // Cargo is always there: load 1 h, cross 10 h, discharge 1 h, back 10 h,
    // a 22-h cycle: it leaves a at 1 + 22k and b at 12 + 22k. At 240 h it is
    // on its way back empty (left b at 232), so nothing aboard is lost, and
    // its arrival at a at 242 h is ignored. Before: 11 departures from each
    // end (a: 1 ... 221, b: 12 ... 232), 11 cargoes landed (11 ... 231 h).
    // The replacement reaches a at 360 h and leaves at 361 + 22k (k <= 29:
    // 30 departures, the last at 999) and b at 372 + 22k (k <= 28: 29); it
    // lands 29 cargoes (371 ... 987 h).
    assert_close(kpi(&out, "vessels_out.t"), 1.0, "one vessel out");
    assert_close(kpi(&out, "cargo_lost.oil"), 0.0, "empty when lost");
    assert_close(kpi(&out, "voyages.t"), 22.0 + 30.0 + 29.0, "departures");
    assert_close(kpi(&out, "delivered.b_farm"), 40.0 * 1000.0, "cargoes landed");
    assert_close(kpi(&out, "disruption_h.loss"), 120.0, "out for 5 days");
    // Never replaced: only the 11 cargoes before the loss.
    let never = run_with(
        &text,
        &extra.replace("duration_days = { dist = \"constant\", value = 5.0 }\n", ""),
    );
    assert_close(kpi(&never, "delivered.b_farm"), 11.0 * 1000.0, "no replacement");
    assert_close(kpi(&never, "voyages.t"), 22.0, "no departures after the loss");
}

#[test]
fn a_vessel_lost_at_sea_loses_its_cargo() {
    let text = set(BASE, "a_farm.initial", "1000000");
    // Leaves a at 221 h loaded, reaches b at 231: at day 9.5 (228 h) it is
    // at sea with 1,000 t aboard.
    let extra = r#"
[[disruption]]
id = "sunk"
target = "vessels.t"
vessel_share = 0.5
start_day = 9.5
"#;
    let out = run_with(&text, extra);
    assert_close(kpi(&out, "cargo_lost.oil"), 1000.0, "the cargo aboard is lost");
    assert_close(kpi(&out, "delivered.b_farm"), 10.0 * 1000.0, "10 cargoes landed (11 ... 209 h)");
    // Half of one vessel, rounded up, is the vessel.
    assert_close(kpi(&out, "vessels_out.t"), 1.0, "one vessel out");
}

#[test]
fn a_storage_cut_limits_receipts_but_not_what_is_held() {
    // The destination farm (capacity 2,000 t), drained by the pipe, is cut
    // to 30% (600 t) from day 10 to the end of the run.
    let text = set(&set(BASE, "b_farm.capacity", "2000"), "a_farm.initial", "1000000") + PIPE;
    let cut = r#"
[[disruption]]
id = "farm_cut"
target = "storage.b_farm"
start_day = 10.0
duration_days = { dist = "constant", value = 100.0 }
scale = 0.3
"#;
    let base = run_with(&text, "");
    let out = run_with(&text, cut);
    // Without the cut the tanker lands at 11 and 33 h (1,800 t after the
    // pipe's takes at 20 and 30), then waits at the anchorage for room for
    // its 1,000 t: the farm is down to 1,000 t at 110 h, and again every
    // 100 h (ten takes of 100 t), when it lands the next cargo: at 110,
    // 210, ..., 910 h. The pipe takes 100 t at every tick after the first
    // (99 x 100), so 9,900 t leave and the farm ends with 2,000 - 900 t:
    // 11 cargoes, 11,000 t landed.
    assert_close(kpi(&base, "forwarded.pipe"), 9_900.0, "pipe never idle");
    assert_close(kpi(&base, "delivered.b_farm"), 11_000.0, "forwarded + what is left");
    // With the cut (from 240 h) the tanker's cargo is larger than the
    // farm's 600 t: back at b at 232 h, it is called when the farm is
    // empty (the 1,700 t above the cut drained by 410 h), lands 600 t and
    // tops the farm up to 600 t after each of the next four ticks, at its
    // berth (the case where a vessel still waits there for space); empty
    // at 450 h, it is back at 471 h and called when the farm is empty
    // again, at 510 h: a call every 100 h, the last at 910 h, its last
    // 100 t landed at 950 h. The pipe still takes what is held, so it
    // forwards the same 9,900 t, and the farm ends with 600 - 500 t (ticks
    // 960 ... 1000 h).
    assert_close(kpi(&out, "forwarded.pipe"), 9_900.0, "what is held is still forwarded");
    assert_close(kpi(&out, "delivered.b_farm"), 9_900.0 + 100.0, "the farm ends with 100 t");
}

#[test]
fn a_disruption_draws_only_from_its_own_stream() {
    // A BTK "outage" that leaves the full capacity (scale 1), at random
    // times, on the baseline: every baseline KPI is bit-identical, so
    // scenarios with and without a disruption are paired draw for draw.
    // So are a Poisson inflow's episodes at scale 1 (its arrivals are not
    // redrawn at their bounds) and a dated berth scale that keeps both of
    // Alat's rail-ferry berths (round(2 x 0.9) = 2): each is a disruption
    // the study warns changes nothing, and it changes nothing.
    let base = caspian_shipping::load(caspian_shipping::BASELINE_TOML, "baseline").unwrap();
    for noop in [
        "target = \"outflow.btk_railway\"\nscale = 1.0\nrate_per_year = 6.0\n\
         duration_days = { dist = \"exponential\", mean = 10.0 }",
        "target = \"inflow.westbound_trains_kuryk\"\nscale = 1.0\nrate_per_year = 6.0\n\
         duration_days = { dist = \"exponential\", mean = 10.0 }",
        "target = \"port.alat.rail_ferry\"\nscale = 0.9\nstart_day = 100.0\n\
         duration_days = { dist = \"constant\", value = 20.0 }",
    ] {
        let text =
            format!("{}\n[[disruption]]\nid = \"noop\"\n{noop}\n", caspian_shipping::BASELINE_TOML);
        let with = caspian_shipping::load(&text, "noop").unwrap();
        let study = caspian_montecarlo::study::Study::single(&text, "noop", None).unwrap();
        let d = &with.source.disruptions[0];
        assert!(caspian_montecarlo::study::changes_nothing(d, &study.plan.source), "{noop}");
        same_as_without(&base, &with);
    }
}

/// Every KPI of `base` is bit-identical in `with` (a disruption added that
/// changes nothing), over three replications, and the episodes happened.
fn same_as_without(
    base: &caspian_shipping::CompiledScenario,
    with: &caspian_shipping::CompiledScenario,
) {
    for rep in 0..3 {
        let a = run(base, 7, rep);
        let b = run(with, 7, rep);
        for (name, value) in a.kpis.iter() {
            let other = b.kpis.get(name).unwrap();
            assert!(
                value.to_bits() == other.to_bits() || (value.is_nan() && other.is_nan()),
                "{name}: {value} vs {other} (replication {rep})"
            );
        }
        assert!(kpi(&b, "disruption_h.noop") > 0.0, "the episodes did happen");
    }
}

#[test]
fn storm_exposure_decides_which_storms_close_a_port() {
    // Two ports of one stormy area: `a` fully exposed, `b` exposed to none,
    // then to all but for twice as long.
    let stormy = edit_ports(BASE)
        + r#"
[[sea_area]]
id = "sea"
storm_onsets_per_month = [2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0]
storm_duration_h = { dist = "constant", value = 6.0 }
"#;
    let none = run_with(&stormy.replace("STORM_B", "storm_exposure = 0.0"), "");
    let a_hours = kpi(&none, "port_closure_h.a");
    assert!(a_hours > 0.0, "storms happened");
    assert_close(kpi(&none, "port_closure_h.b"), 0.0, "b shelters from every storm");
    let long = run_with(&stormy.replace("STORM_B", "storm_hours_factor = 2.0"), "");
    // The same storms (same stream), each closing b for 12 h instead of 6;
    // stretched storms may overlap and merge, so at most twice a's hours.
    assert_close(kpi(&long, "port_closure_h.a"), a_hours, "a unchanged");
    let b_hours = kpi(&long, "port_closure_h.b");
    assert!(b_hours > a_hours && b_hours <= 2.0 * a_hours, "b closed {b_hours} h, a {a_hours} h");
}

/// Puts both ports of `BASE` in the sea area `sea`, `b` with the keys
/// `STORM_B` stands for.
fn edit_ports(base: &str) -> String {
    base.replacen("id = \"a\"\n", "id = \"a\"\nsea_area = \"sea\"\n", 1).replacen(
        "id = \"b\"\n",
        "id = \"b\"\nsea_area = \"sea\"\nSTORM_B\n",
        1,
    )
}

#[test]
fn a_closed_route_or_corridor_holds_departures_only() {
    for (target, id) in [("route.t", "route_shut"), ("corridor", "sea_shut")] {
        let out = run_with(&format!("{BASE}{FEED}"), &dated(id, target, 0.0));
        // The tanker, loaded at 300 ... 301, is held at a's berth until 360,
        // reaches b at 370 and berths at once; back at a at 381 (800 t
        // waiting), called at 400, at b at 411: no anchorage wait anywhere,
        // the same 9 calls at b, and the same recovery (at 360 h 600 t wait
        // at a and 1,000 t aboard; at 411 h only 100 t).
        assert_close(kpi(&out, "anchorage_wait_h.b.tanker"), 0.0, "no wait at b");
        assert_close(kpi(&out, "berth_calls.b.tanker"), 9.0, "calls at b");
        assert_close(kpi(&out, "port_closure_h.b"), 0.0, "ports stay open");
        assert_close(kpi(&out, &format!("recovery_days.{id}")), 51.0 / 24.0, "recovered at 411 h");
    }
    let sea = run_with(&format!("{BASE}{FEED}"), &dated("sea_shut", "corridor", 0.0));
    assert_close(kpi(&sea, "corridor_closure_h"), 120.0, "the corridor closure is counted");
}

#[test]
fn a_closed_berth_class_stops_berthing_but_not_sailing() {
    let text = set(BASE, "a_farm.initial", "1000000");
    let out = run_with(&text, &dated("b_tanker", "port.b.tanker", 0.0));
    // The 22-h cycle reaches b at 11 + 22k: 11 calls up to 231 h; the one
    // due at 253 h waits for the berth until 360 h (107 h). Then b at
    // 360 + 1 + 10 + 1 + 10 = 382 + 22k (k <= 28: 29 calls). 41 calls, one
    // wait of 107 h; the port itself never closes.
    assert_close(kpi(&out, "berth_calls.b.tanker"), 41.0, "calls at b");
    assert_close(kpi(&out, "anchorage_wait_h.b.tanker"), 107.0 / 41.0, "one 107-h wait");
    assert_close(kpi(&out, "port_closure_h.b"), 0.0, "the port is open");
}

#[test]
fn a_vessel_lost_at_the_anchorage_leaves_the_line() {
    // Loading takes 100 h; a second one-vessel fleet `u` on the same route
    // arrives at a with `t` at 0 h and queues behind it for a's one berth.
    // Lost at 24 h while queued, it must leave the line: `t` then runs
    // exactly as if `u` had never existed (had `u` stayed in the line, the
    // berth would go to a vessel that never leaves when `t` sails).
    let text = set(&set(BASE, "a_farm.initial", "1000000"), "fleet.load_rate", "10.0");
    let second = second_tanker(10.0);
    let lost = r#"
[[disruption]]
id = "u_lost"
target = "vessels.u"
vessels = 1
start_day = 1.0
"#;
    let alone = run_with(&text, "");
    let out = run_with(&text, &format!("{second}{lost}"));
    for name in ["voyages.t", "delivered.b_farm", "berth_calls.a.tanker"] {
        assert_close(kpi(&out, name), kpi(&alone, name), name);
    }
    assert_close(kpi(&out, "voyages.u"), 0.0, "u never sailed");
    assert_close(kpi(&out, "vessels_out.u"), 1.0, "u is out");
    // t's cycle: 100 h loading + 10 + 1 + 10 = 121 h, from 0 h: 8 full calls
    // at a by 1,002 h (0, 121, ..., 847) and a ninth started at 968 h.
    assert_close(kpi(&alone, "berth_calls.a.tanker"), 9.0, "t's calls at a");
}

#[test]
fn an_episode_at_the_horizon_does_nothing() {
    // The horizon is 41.75 days: vessels due to leave service then, like a
    // port closed then, change nothing.
    let text = set(BASE, "a_farm.initial", "1000000");
    let quiet = run_with(&text, "");
    for extra in [
        "\n[[disruption]]\nid = \"late\"\ntarget = \"vessels.t\"\nvessels = 1\nstart_day = 41.75\n",
        "\n[[disruption]]\nid = \"late\"\ntarget = \"port.b\"\nstart_day = 41.75\n\
         duration_days = { dist = \"constant\", value = 5.0 }\n",
    ] {
        let out = run_with(&text, extra);
        for (name, value) in quiet.kpis.iter() {
            assert_eq!(out.kpis.get(name).map(f64::to_bits), Some(value.to_bits()), "{name}");
        }
        assert_close(kpi(&out, "vessels_out.t"), 0.0, "no vessel out");
    }
}

#[test]
fn a_convoy_held_by_a_lost_members_route_sails_without_it() {
    // Escorts: convoys of 2. Fleets `t` and `u` (one tanker each) load at a
    // (2 berths, oil waiting) from 0 h and are ready at 1 h, but `u`'s route
    // is closed for 10 days, so the convoy is held. `u` is lost at 48 h: `t`
    // sails at once, reaches b at 58 h and lands its 1,000 t before the
    // 100-h horizon. (Held until `u`'s route reopened at 240 h, it would
    // land nothing.)
    let text = set(
        &set(&set(BASE, "a_farm.initial", "1000000"), "a.berths", "{ tanker = 2 }"),
        "horizon",
        &format!("{:?}", 100.0 / 24.0),
    ) + &second_tanker(1000.0)
        + r#"
[interdiction]
escort = { enabled = true, convoy_size = 2, max_wait_h = 24.0 }

[[disruption]]
id = "u_route"
target = "route.u"
start_day = 0.0
duration_days = { dist = "constant", value = 10.0 }

[[disruption]]
id = "u_lost"
target = "vessels.u"
vessels = 1
start_day = 2.0
"#;
    let out = run(&load(&text), 1, 0);
    assert_close(kpi(&out, "delivered.b_farm"), 1000.0, "t sailed at 48 h");
    assert_close(kpi(&out, "voyages.u"), 0.0, "u never sailed");
}

#[test]
fn a_twin_stopped_by_a_safeguard_leaves_the_paired_recovery_undefined() {
    // A 60-day closure of the crossing from day 250: the year without it
    // fires more events. With `max_events` just above the closed run's
    // own count, the run completes and its twin is stopped: the paired
    // recovery has nothing to compare with, so it is undefined, not an
    // episode that never recovered.
    let closure = "\n[[disruption]]\nid = \"closed\"\ntarget = \"corridor\"\nscale = 0.0\n\
                   start_day = 250.0\nduration_days = { dist = \"constant\", value = 60.0 }\n";
    let paired = format!("{}{closure}", caspian_shipping::BASELINE_TOML).replacen(
        "[scenario]\n",
        "[scenario]\npaired_recovery = true\n",
        1,
    );
    let plan = caspian_shipping::load(&paired, "closed").unwrap();
    let full = run(&plan, 7, 0);
    assert!(kpi(&full, "recovery_paired_days.closed") > 0.0, "it recovers with room to run");
    let limit = format!("[scenario]\nmax_events = {}\n", full.events + 1);
    let tight =
        caspian_shipping::load(&paired.replacen("[scenario]\n", &limit, 1), "tight").unwrap();
    let out = run(&tight, 7, 0);
    assert_eq!(out.events, full.events, "the run itself is not stopped");
    assert!(kpi(&out, "recovery_paired_days.closed").is_nan());
    assert_close(kpi(&out, "unrecovered_paired.closed"), 0.0, "not counted as unrecovered");
    assert_close(
        kpi(&out, "recovery_days.closed"),
        kpi(&full, "recovery_days.closed"),
        "as before",
    );
}

/// A dated detention of the tanker from hour 5, when it is at sea, for
/// `days`.
fn detained_at_sea(days: f64) -> String {
    format!(
        r#"
[[disruption]]
id = "held"
target = "vessels.t"
vessels = 1
detain = true
start_day = {start}
duration_days = {{ dist = "constant", value = {days} }}
"#,
        start = 5.0 / 24.0
    )
}

#[test]
fn a_detention_episode_ends_when_its_detention_is_over() {
    // The tanker always finds a full load: loads [0, 1), sails [1, 11),
    // discharges at b [11, 12). Detained from hour 5 (at sea) for 2 days, it
    // serves the detention when its call at b is over: held [12, 60). The
    // episode ends at 60 h, not at the onset plus the draw (53 h): at a
    // horizon of 56 h it is still in effect (recovery undefined, one
    // episode unrecovered); at 62 h it has ended and the backlog (the farm
    // at a, falling) is back at once.
    let full = set(BASE, "a_farm.initial", "1000000");
    for (horizon_h, recovery, unrecovered) in [(56.0, f64::NAN, 1.0), (62.0, 0.0, 0.0)] {
        let text = set(&full, "horizon", &format!("{:?}", horizon_h / 24.0));
        let out = run_with(&text, &detained_at_sea(2.0));
        // The trace shows the episode's end where it ended, if it did.
        let plan = load(&format!("{text}{}", detained_at_sea(2.0)));
        let mut rec = caspian_shipping::probe::Recorder {
            trace_events: true,
            ..caspian_shipping::probe::Recorder::default()
        };
        caspian_shipping::simulate_probed(&plan, 1, 0, &mut rec);
        let ends: Vec<f64> = rec
            .trace
            .iter()
            .filter(|e| e.event.as_str() == "disruption_end")
            .map(|e| e.time.as_hours_f64())
            .collect();
        let expected: &[f64] = if horizon_h > 60.0 { &[60.0] } else { &[] };
        assert_eq!(ends, expected, "horizon {horizon_h} h");
        assert_eq!(kpi(&out, "detentions"), 1.0, "horizon {horizon_h} h");
        assert_eq!(kpi(&out, "unrecovered.held"), unrecovered, "horizon {horizon_h} h");
        let days = kpi(&out, "recovery_days.held");
        assert!(
            days == recovery || (days.is_nan() && recovery.is_nan()),
            "horizon {horizon_h} h: recovery {days}, expected {recovery}"
        );
    }
}

#[test]
fn a_detention_owed_by_a_vessel_withdrawn_is_over_with_it() {
    // As above, but the tanker is withdrawn for good at hour 8, before its
    // detention began: the detention is void, so the episode ends at 8 h and
    // has recovered by a horizon of 56 h (the 1,000 t aboard are lost, the
    // backlog falls).
    let full = set(BASE, "a_farm.initial", "1000000");
    let text = set(&full, "horizon", &format!("{:?}", 56.0 / 24.0));
    let gone = format!(
        r#"
[[disruption]]
id = "gone"
target = "vessels.t"
vessels = 1
start_day = {start}
"#,
        start = 8.0 / 24.0
    );
    let out = run_with(&text, &(detained_at_sea(2.0) + &gone));
    assert_eq!(kpi(&out, "detentions"), 0.0);
    assert_eq!(kpi(&out, "vessels_out.t"), 1.0);
    assert_eq!(kpi(&out, "unrecovered.held"), 0.0);
    assert_eq!(kpi(&out, "recovery_days.held"), 0.0);
}

#[test]
fn an_escorted_vessel_back_from_a_detention_frees_no_berth() {
    // Tankers `t` and `u` (the second loads 1 h after the first), each
    // sailing alone with one of ten escorts (convoys of one: nobody waits).
    // `t` loads [0, 1), sails [1, 11), discharges at b [11, 12) and serves a
    // detention there, off the berth, for 44.5 h: [12, 56.5). `u` loads
    // [1, 2), sails [2, 12) and calls at b [12, 13), [34, 35) and
    // [56, 57), loading at a in between. At 56.5 `t` joins a convoy: it
    // holds no berth, so b's stays `u`'s until 57. Over the 60-h horizon b
    // was busy 4 h in 4 calls (had `t` freed `u`'s berth at 56.5, 3.5 h).
    let text = set(&set(BASE, "a_farm.initial", "1000000"), "horizon", &format!("{:?}", 2.5))
        + &second_tanker(1000.0)
        + "\n[interdiction]\nescort = { enabled = true, convoy_size = 1, max_wait_h = 0.0, \
           escort_vessels = 10 }\n";
    let out = run_with(&text, &detained_at_sea(44.5 / 24.0));
    assert_eq!(kpi(&out, "detentions"), 1.0);
    assert_eq!(kpi(&out, "berth_calls.b.tanker"), 4.0);
    assert_eq!(kpi(&out, "delivered.b_farm"), 4000.0);
    assert_close(kpi(&out, "berth_utilization.b.tanker"), 4.0 / 60.0, "b busy 4 h of 60");
}

#[test]
fn an_episode_that_ends_at_the_warm_ups_end_counts_in_neither_recovery_kpi() {
    // Port a closed from 12 h for half a day, with a warm-up of a day: none
    // of the episode lies in the window, so it is neither recovered nor
    // unrecovered (no episode ended in the window: undefined). A minute
    // longer, it ends in the window and counts.
    let text = set(&set(BASE, "a_farm.initial", "1000000"), "warmup", "1.0");
    let closed = |days: f64| {
        format!(
            "\n[[disruption]]\nid = \"shut\"\ntarget = \"port.a\"\nstart_day = 0.5\n\
             duration_days = {{ dist = \"constant\", value = {days:?} }}\n"
        )
    };
    let out = run_with(&text, &closed(0.5));
    assert_eq!(kpi(&out, "disruption_h.shut"), 0.0);
    assert_eq!(kpi(&out, "unrecovered.shut"), 0.0);
    assert!(kpi(&out, "recovery_days.shut").is_nan());
    let out = run_with(&text, &closed(0.5 + 1.0 / 1440.0));
    assert_close(kpi(&out, "disruption_h.shut"), 1.0 / 60.0, "a minute in the window");
    assert!(kpi(&out, "recovery_days.shut") >= 0.0);
    // An episode of no time at the window's start (the tanker withdrawn
    // and back at once) is in the window: it counts.
    let instant = "\n[[disruption]]\nid = \"blink\"\ntarget = \"vessels.t\"\nvessels = 1\n\
                   start_day = 1.0\nduration_days = { dist = \"constant\", value = 0.0 }\n";
    let out = run_with(&text, instant);
    assert_eq!(kpi(&out, "unrecovered.blink"), 0.0);
    assert!(kpi(&out, "recovery_days.blink") >= 0.0, "{}", kpi(&out, "recovery_days.blink"));
}

#[test]
fn an_episode_at_0_h_has_no_level_before_and_no_plain_recovery() {
    // Port a closed from 0 h, before the first hourly sample, for 2 days:
    // there is no level to be back at, so its plain recovery is undefined
    // and it is not counted as unrecovered (a longer run would not change
    // that); the paired recovery still measures it against its twin. From
    // 1 h on (one sample) it has a level and a recovery.
    let text = set(BASE, "a_farm.initial", "1000000").replacen(
        "[scenario]\n",
        "[scenario]\npaired_recovery = true\n",
        1,
    );
    let closed = |day: f64| {
        format!(
            "\n[[disruption]]\nid = \"shut\"\ntarget = \"port.a\"\nstart_day = {day:?}\n\
             duration_days = {{ dist = \"constant\", value = 2.0 }}\n"
        )
    };
    let out = run_with(&text, &closed(0.0));
    assert!(kpi(&out, "recovery_days.shut").is_nan());
    assert_eq!(kpi(&out, "unrecovered.shut"), 0.0);
    assert!(kpi(&out, "recovery_paired_days.shut") >= 0.0);
    let out = run_with(&text, &closed(1.0 / 24.0));
    assert!(kpi(&out, "recovery_days.shut") >= 0.0);
}

/// A vessel taken out of service while it waits (for a berth, for cargo or
/// for room ashore) has its wait so far recorded, as a wait still in
/// progress at the end is: a vessel withdrawn after a long wait does not
/// make the wait look shorter, and a line nobody leaves any other way is
/// not undefined.
#[test]
fn a_vessel_withdrawn_while_it_waits_keeps_its_wait() {
    let two = set(BASE, "fleet.count", "2");
    // Both vessels out for good at `hours` (never replaced).
    let both_out = |hours: f64| {
        format!(
            "\n[[disruption]]\nid = \"out\"\ntarget = \"vessels.t\"\nvessels = 2\n\
             start_day = {:?}\n",
            hours / 24.0
        )
    };
    // A 22-h nominal cycle: vessel 0 reaches a at 0 h, vessel 1 at 11 h.
    // (a) For a berth: a is closed from 0 to 30 h, so both are called for
    // their cargo and wait at the anchorage; out at 18 h after 18 and 7 h.
    let closed = "\n[[disruption]]\nid = \"shut\"\ntarget = \"port.a\"\nstart_day = 0.0\n\
                  duration_days = { dist = \"constant\", value = 1.25 }\n";
    let text = set(&two, "a_farm.initial", "1000000");
    let out = run_with(&text, &format!("{closed}{}", both_out(18.0)));
    assert_close(kpi(&out, "anchorage_wait_h.a.tanker"), 12.5, "(18 + 7) / 2");
    assert_close(kpi(&out, "cargo_wait_h.t"), 0.0, "both called on arrival");
    // (b) For cargo: a's farm is empty and nothing comes; out at 24 h after
    // 24 and 13 h in the cargo line.
    let out = run_with(&two, &both_out(24.0));
    assert_close(kpi(&out, "cargo_wait_h.t"), 18.5, "(24 + 13) / 2");
    assert!(kpi(&out, "anchorage_wait_h.a.tanker").is_nan(), "nobody asked for a berth");
    // (c) For room: b's farm holds one cargo and nothing drains it. Vessel
    // 0 lands 1,000 t at 11..12 h (called at once: a wait of 0); vessel 1
    // (loaded 11..12 h) reaches b at 22 h and vessel 0 (loaded 22..23 h)
    // at 33 h, and both wait for room until they are taken out at 48 h,
    // after 26 and 15 h, with their 2,000 t.
    let text = set(&set(&two, "a_farm.initial", "1000000"), "b_farm.capacity", "1000");
    let out = run_with(&text, &both_out(48.0));
    assert_close(kpi(&out, "space_wait_h.t"), (0.0 + 26.0 + 15.0) / 3.0, "space waits");
    assert_close(kpi(&out, "cargo_lost.oil"), 2_000.0, "the cargo aboard");
}

/// An escorted vessel taken out of service while it waits for its convoy
/// keeps its wait in `convoy_wait_h`, as one still waiting at the end does.
#[test]
fn a_vessel_withdrawn_from_its_convoy_keeps_its_convoy_wait() {
    // The tanker loads [0, 1) h and joins a convoy of two that nobody else
    // will join (it would sail alone at 101 h); taken out for good at 24 h,
    // after 23 h in the convoy.
    let text = set(BASE, "a_farm.initial", "1000000")
        + "\n[interdiction]\nescort = { enabled = true, convoy_size = 2, max_wait_h = 100.0, \
           escort_vessels = 10 }\n";
    let out = run_with(
        &text,
        "\n[[disruption]]\nid = \"out\"\ntarget = \"vessels.t\"\nvessels = 1\nstart_day = 1.0\n",
    );
    assert_close(kpi(&out, "convoy_wait_h"), 23.0, "1 to 24 h in the convoy");
    assert_eq!(kpi(&out, "voyages.t"), 0.0, "it never sailed");
}
