//! Sea level, port depth and draft (issue 16 item 5), on the tiny scenario
//! of [`super::model_mechanisms`]: one tanker of 1,000 t shuttling a -> b
//! (10 h crossing, 1,000 t/h handling, no overhead), fed 100 t every 10 h
//! from t = 10 h, sailing when full; horizon 1,002 h.
//!
//! The draft relation used throughout: 2.0 m empty, 4.0 m full, so 500 t
//! per metre; the default under-keel clearance is 0.5 m, so an empty tanker
//! needs 2.5 m of water and each metre above that carries 500 t.

use super::model_mechanisms::{BASE, FEED, assert_close, kpi, load, run, set};
use caspian_engine::SimTime;

/// `BASE` + `FEED` with the draft relation, port `a` at depth `depth_a`
/// (b unlimited) and `extra` TOML appended.
fn scenario(depth_a: f64, extra: &str) -> String {
    let text = set(BASE, "fleet.dispatch", r#"{ policy = "when_full" }"#);
    let text = text.replace(
        "berths = { tanker = 1 } # a.berths",
        &format!("berths = {{ tanker = 1 }} # a.berths\ndepth_m = {depth_a:?}"),
    );
    let text = text.replace(
        r#"dispatch = { policy = "when_full" } # fleet.dispatch"#,
        "dispatch = { policy = \"when_full\" } # fleet.dispatch\n\
         draft_light_m = 2.0\ndraft_full_m = 4.0",
    );
    format!("{text}{FEED}{extra}")
}

fn days(d: f64) -> SimTime {
    SimTime::try_from_days_f64(d).unwrap()
}

#[test]
fn a_shallow_port_cuts_each_load_to_the_draft_that_fits() {
    // Water 4.0 m at a; 4.0 - 2.5 = 1.5 m above the empty need: 750 t.
    let plan = load(&scenario(4.0, ""));
    assert_eq!(plan.draft.call_capacity(0, SimTime::ZERO), 750);
    let out = run(&plan, 1, 0);
    // Every outbound departure carries exactly 750 t (it sails "full" at
    // 750 t): load factor 0.75, 250 t of room lost on each.
    assert_close(kpi(&out, "load_factor.t"), 0.75, "load factor");
    let outbound = (kpi(&out, "voyages.t") / 2.0).ceil();
    assert_close(kpi(&out, "draft_lost.t"), 250.0 * outbound, "250 t lost per departure");
    // Each call at b delivers 750 t.
    let calls = kpi(&out, "berth_calls.b.tanker");
    assert!(calls > 5.0, "{calls}");
    assert_close(kpi(&out, "delivered_total.oil"), 750.0 * calls, "750 t per call");
    assert_close(kpi(&out, "draft_blocked.t"), 0.0, "never blocked");
}

#[test]
fn the_under_keel_clearance_is_taken_from_the_scenario() {
    // 0.2 m clearance instead of 0.5: 1.8 m above the empty need, 900 t.
    let plan = load(&scenario(4.0, "\n[sea_level]\nukc_m = 0.2\n"));
    assert_eq!(plan.draft.call_capacity(0, SimTime::ZERO), 900);
    // A sea level 0.3 m up gives the same water as 0.3 m more depth.
    let plan = load(&scenario(4.0, "\n[sea_level]\noffset_m = 0.3\n"));
    assert_eq!(plan.draft.call_capacity(0, SimTime::ZERO), 900);
    // Deep enough for a full load: capped at the capacity.
    let plan = load(&scenario(9.0, ""));
    assert_eq!(plan.draft.call_capacity(0, SimTime::ZERO), 1000);
}

#[test]
fn a_falling_sea_level_cuts_later_loads() {
    // Water 4.5 m at time 0 (full loads: 2.0 m above the need), falling
    // 3.65 m a year = 0.01 m a day: day d allows (2.0 - 0.01 d) x 500 t.
    let fall = "\n[sea_level]\nchange_m_per_year = -3.65\n";
    let plan = load(&scenario(4.5, fall));
    assert_eq!(plan.draft.call_capacity(0, SimTime::ZERO), 1000);
    assert_eq!(plan.draft.call_capacity(0, days(10.0)), 950);
    assert_eq!(plan.draft.call_capacity(0, days(40.0)), 800);
    let out = run(&plan, 1, 0);
    let flat = run(&load(&scenario(4.5, "")), 1, 0);
    assert_close(kpi(&flat, "load_factor.t"), 1.0, "no fall: full loads");
    assert_close(kpi(&flat, "draft_lost.t"), 0.0, "no fall: nothing lost");
    // With the fall every departure after day 0 is cut, the last (before
    // day 41.75) to at most 1000 - 0.01 x 41 x 500 = 795 t.
    let lf = kpi(&out, "load_factor.t");
    assert!(lf < 1.0 && lf > 0.79, "load factor {lf}");
    assert!(kpi(&out, "draft_lost.t") > 0.0);
    // Supply (100 t per 10 h) sets the oil delivered; smaller loads fill
    // sooner, so the tanker sails more often.
    assert!(kpi(&out, "voyages.t") > kpi(&flat, "voyages.t"));
}

#[test]
fn dredging_on_day_d_restores_full_loads() {
    // Depth 3.5 m: 1.0 m above the need, 500 t; dredged to 4.5 m on day 20
    // (480 h): 2.0 m, full 1,000 t loads.
    let dredge = "\n[[dredging]]\nport = \"a\"\nday = 20.0\ndepth_m = 4.5\n";
    let plan = load(&scenario(3.5, dredge));
    assert_eq!(plan.draft.call_capacity(0, days(19.99)), 500);
    assert_eq!(plan.draft.call_capacity(0, days(20.0)), 1000);
    let out = run(&plan, 1, 0);
    // 500-t loads fill at 50, 100, ..., 450 h (five parcels each; the
    // round trip takes 20.5 h): 9 departures lose 500 t each. The tanker is
    // back at a at 470.5 with 200 t waiting; after 480 h it fills to 1,000 t
    // (at 550 h) and loses nothing any more.
    assert_close(kpi(&out, "draft_lost.t"), 9.0 * 500.0, "9 departures cut to 500 t");
    let undredged = run(&load(&scenario(3.5, "")), 1, 0);
    assert!(kpi(&out, "load_factor.t") > kpi(&undredged, "load_factor.t"));
    assert_close(kpi(&undredged, "load_factor.t"), 0.5, "500 t of 1,000 t throughout");
}

#[test]
fn a_vessel_that_no_longer_fits_sails_empty_and_is_counted() {
    // 2.6 m: the empty tanker needs 2.5 m; falling 3.65 m a year (0.01 m a
    // day) it no longer fits after day 10 (cargo allowed 0 from day 10 on).
    let plan = load(&scenario(2.6, "\n[sea_level]\nchange_m_per_year = -3.65\n"));
    assert_eq!(plan.draft.call_capacity(0, days(5.0)), 25);
    assert_eq!(plan.draft.call_capacity(0, days(10.5)), 0);
    let out = run(&plan, 1, 0);
    assert!(kpi(&out, "draft_blocked.t") > 0.0, "blocked calls are counted");
    assert!(kpi(&out, "load_factor.t") < 0.05);
}

#[test]
fn without_a_draft_relation_the_kpis_are_bit_identical() {
    let plain = format!("{BASE}{FEED}");
    // Depths, a sea-level trend and dredging, but no fleet has drafts.
    let with_depths = plain.replace(
        "berths = { tanker = 1 } # a.berths",
        "berths = { tanker = 1 } # a.berths\ndepth_m = 2.0",
    ) + "\n[sea_level]\noffset_m = -0.5\nchange_m_per_year = -0.3\n\n[[dredging]]\nport = \"a\"\nday = 3.0\ndepth_m = 1.0\n";
    let a = run(&load(&plain), 7, 0);
    let b = run(&load(&with_depths), 7, 0);
    let bits = |r: &caspian_shipping::Replication| -> Vec<(String, u64)> {
        r.kpis.iter().map(|(n, v)| (n.to_string(), v.to_bits())).collect()
    };
    assert_eq!(bits(&a), bits(&b));
    assert!(a.kpis.get("load_factor.t").is_none());
    // A draft relation that never binds changes nothing but adds its KPIs.
    let deep = run(&load(&scenario(50.0, "")), 7, 0);
    for (name, value) in a.kpis.iter() {
        assert_eq!(deep.kpis.get(name).map(f64::to_bits), Some(value.to_bits()), "{name}");
    }
    assert_close(kpi(&deep, "load_factor.t"), 1.0, "full loads");
}
