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
