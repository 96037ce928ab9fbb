//! Cargo kinds and tonnes (issue 16): a TEU feeder delivering a number of
//! containers worked out by hand, `delivered_t` as units times
//! `tonnes_per_unit`, outflow capacities in tonnes, and KPIs of unused
//! cargo kinds left out.

use super::model_mechanisms::{assert_close, kpi, load, run};

/// Two ports with one container berth each; one feeder of 100 TEU shuttles
/// a -> b, crossing 100 nmi at 10 kn = 10 h, loading and discharging at
/// 100 TEU/h = 1 h, no overhead, no weather. The origin yard starts with
/// 10,000 TEU, more than can be carried. Horizon 1,002 h, no warm-up.
const FEEDER: &str = r#"
[scenario]
name = "feeder"
horizon_days = 41.75
warmup_days = 0.0

[[port]]
id = "a"
berths = { container = 1 }

[[port]]
id = "b"
berths = { container = 1 }

[[storage]]
id = "a_yard"
port = "a"
cargo = "teu"
capacity = 10000
initial = 10000

[[storage]]
id = "b_yard"
port = "b"
cargo = "teu"
capacity = 10000
initial = 0

[[fleet]]
id = "feeder"
berth_class = "container"
count = 1
cargo = "teu"
capacity = 100
speed_kn = 10.0
distance_nmi = 100.0
origin = "a"
load_from = "a_yard"
destination = "b"
discharge_to = "b_yard"
load_rate_per_h = 100.0
discharge_rate_per_h = 100.0
"#;

#[test]
fn a_teu_feeder_delivers_a_known_number_and_its_tonnes() {
    let plan = load(FEEDER);
    let out = run(&plan, 1, 0);
    // Load 0-1 h, cross 1-11 h, delivered on berthing at 11 h; discharge
    // 11-12, back 12-22, and so on: a delivery of 100 TEU at 11 + 22k h,
    // k = 0..=45 before 1,002 h: 46 loads, 4,600 TEU.
    assert_close(kpi(&out, "delivered_total.teu"), 4_600.0, "TEU delivered");
    // The default 12 t a TEU, exactly.
    assert_eq!(kpi(&out, "delivered_t.teu"), 4_600.0 * 12.0);
    assert_eq!(kpi(&out, "delivered_t.total"), kpi(&out, "delivered_t.teu"));
    assert_eq!(plan.kpi_layout().position("delivered_total.trucks"), None, "no trucks here");
    assert!(plan.kpi_layout().position("delivered_total.wagons").is_some(), "always reported");

    // Another weight changes the tonnes only, by the ratio of the weights.
    let heavier =
        load(&FEEDER.replace("[scenario]", "[tonnes_per_unit]\nteu = 13.5\n\n[scenario]"));
    let out2 = run(&heavier, 1, 0);
    assert_eq!(kpi(&out2, "delivered_total.teu"), kpi(&out, "delivered_total.teu"));
    assert_eq!(kpi(&out2, "delivered_t.teu"), kpi(&out2, "delivered_total.teu") * 13.5);
}

#[test]
fn delivered_tonnes_are_units_times_tonnes_per_unit_in_the_baseline() {
    let plan = load(caspian_shipping::BASELINE_TOML);
    let out = run(&plan, plan.source.scenario.seed, 0);
    let mut total = 0.0;
    for cargo in caspian_shipping::scenario::Cargo::ALL {
        let c = cargo.as_str();
        let tonnes = kpi(&out, &format!("delivered_t.{c}"));
        let units = kpi(&out, &format!("delivered_total.{c}"));
        assert_eq!(tonnes, units * plan.source.tonnes_per_unit.get(cargo), "{c}");
        assert!(units > 0.0, "the baseline carries {c}");
        total += tonnes;
    }
    assert_eq!(kpi(&out, "delivered_t.total"), total);
}

#[test]
fn a_capacity_in_tonnes_is_the_capacity_in_units_times_tonnes_per_unit() {
    let btk = |capacity: &str| {
        let text = caspian_shipping::BASELINE_TOML
            .replace("capacity_t_per_year = 6500000 ", &format!("{capacity} "));
        assert_ne!(text, caspian_shipping::BASELINE_TOML, "the baseline states BTK in tonnes");
        load(&text)
    };
    let per_interval = |p: &caspian_shipping::CompiledScenario| {
        p.outflows.iter().find(|o| o.id == "btk_railway").unwrap().per_interval
    };
    // 6.5 Mt at the baseline's 75 t a wagon is 86,666.67 wagons a year.
    let tonnes = load(caspian_shipping::BASELINE_TOML);
    let units = btk(&format!("capacity_per_year = {:?}", 6_500_000.0 / 75.0));
    assert_eq!(per_interval(&tonnes), per_interval(&units));
    // 7.5 Mt is exactly 100,000 wagons, and the runs agree bit for bit.
    let (a, b) = (btk("capacity_t_per_year = 7500000"), btk("capacity_per_year = 100000"));
    assert_eq!(per_interval(&a), per_interval(&b));
    assert_eq!(run(&a, 7, 0).kpis, run(&b, 7, 0).kpis);
}

/// A link of capacity C = 876,000 t/yr (100 t/h) carrying other freight
/// O = 350,400 t/yr (40 t/h), drawing every hour from a tank farm that never
/// runs dry: it forwards C - O = 60 t an hour, i.e. 525,600 t over the
/// 365-day window, and is fully used.
const SHARED_LINK: &str = r#"
[scenario]
name = "shared link"
horizon_days = 395.0
warmup_days = 30.0

[[port]]
id = "p"

[[storage]]
id = "farm"
port = "p"
cargo = "oil"
capacity = 10000000
initial = 10000000

[[outflow]]
id = "link"
from = "farm"
capacity_t_per_year = 876000.0
other_t_per_year = 350400.0 # other
interval_h = 1.0
"#;

#[test]
fn other_freight_takes_the_link_capacity_first() {
    let out = run(&load(SHARED_LINK), 1, 0);
    // 8,760 hourly draws of 60 t in the window; the grid may count the draw
    // at the window's first instant too, one draw (60 t) more.
    let forwarded = kpi(&out, "forwarded.link");
    let expected = 876_000.0 - 350_400.0;
    assert!((expected..=expected + 60.0).contains(&forwarded), "forwarded {forwarded}");
    assert_close(kpi(&out, "link_utilization.link"), 1.0, "a link never starved is full");

    // Without the other freight the same draws take 100 t each: the other
    // freight took exactly 40 t of every draw.
    let draws = forwarded / 60.0;
    assert_eq!(draws.fract(), 0.0, "whole draws of 60 t");
    let alone = run(&load(&SHARED_LINK.replace("other_t_per_year = 350400.0 # other", "")), 1, 0);
    assert_close(kpi(&alone, "forwarded.link"), draws * 100.0, "C a draw without O");
    assert_close(kpi(&alone, "link_utilization.link"), 1.0, "full without other freight too");
}

#[test]
fn a_link_short_of_cargo_reports_its_use_as_forwarded_plus_other_over_capacity() {
    // The farm holds 30,000 t and nothing arrives: the link forwards it all
    // in the first 500 h (60 t/h), inside the 720-h warm-up, so over the
    // window it carries only its other freight: use = O / C = 0.4.
    let text = SHARED_LINK.replace("initial = 10000000", "initial = 30000");
    let out = run(&load(&text), 1, 0);
    assert_eq!(kpi(&out, "forwarded.link"), 0.0);
    assert_close(kpi(&out, "link_utilization.link"), 350_400.0 / 876_000.0, "O / C");
}
