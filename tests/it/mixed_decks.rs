//! Mixed decks (issue 16): one vessel carries several cargoes on one deck,
//! counted in deck units; it loads its own cargo first and fills the rest
//! of the deck with the others, discharges each into its own storage, and a
//! `spare` cargo yields to vessels waiting for it in its storage's line.

use super::model_mechanisms::{assert_close, kpi, load, run};

/// Two ports with one rail-ferry berth each, no weather. One Ro-Pax of 100
/// deck units: a truck takes 10, a wagon 7. Crossing 100 nmi at 10 kn =
/// 10 h; handling 100 deck units/h; no overhead. Origin: 3 trucks and 1,000
/// wagons at time zero, nothing more arrives. Horizon 100 h.
pub(super) const ROPAX: &str = r#"
[scenario]
name = "mixed deck"
horizon_days = 4.1666666666666667
warmup_days = 0.0

[[port]]
id = "a"
berths = { rail_ferry = 1 }

[[port]]
id = "b"
berths = { rail_ferry = 1 }

[[storage]]
id = "a_trucks"
port = "a"
cargo = "trucks"
capacity = 100
initial = 3

[[storage]]
id = "a_wagons"
port = "a"
cargo = "wagons"
capacity = 10000
initial = 1000   # a_wagons initial

[[storage]]
id = "b_trucks"
port = "b"
cargo = "trucks"
capacity = 100

[[storage]]
id = "b_wagons"
port = "b"
cargo = "wagons"
capacity = 10000

[[fleet]]
id = "ropax"
berth_class = "rail_ferry"
count = 1
cargo = "trucks"
capacity = 100
deck_units = 10
speed_kn = 10.0
distance_nmi = 100.0
origin = "a"
load_from = "a_trucks"
destination = "b"
discharge_to = "b_trucks"
load_rate_per_h = 100.0
discharge_rate_per_h = 100.0
dispatch = { policy = "when_full" }   # ropax dispatch

[[fleet.also]]
cargo = "wagons"
deck_units = 7
load_from = "a_wagons"
discharge_to = "b_wagons"
spare = false   # ropax spare
"#;

#[test]
fn a_mixed_deck_loads_its_own_cargo_first_and_fills_the_deck_with_the_other() {
    let plan = load(ROPAX);
    let out = run(&plan, 1, 0);
    // First load: the 3 trucks (30 units), then floor(70 / 7) = 10 wagons:
    // the deck is full (0 left). Loading 100 units takes 1 h: depart 1 h,
    // berth at b at 11 h (delivered on berthing), discharge to 12 h, back
    // at 22 h. Later loads: no trucks, floor(100 / 7) = 14 wagons (98 units,
    // 2 left < 7: full), 0.98 h to load and to discharge: a cycle of
    // 21.96 h, deliveries at 11, 32.98, 54.94, 76.90 and 98.86 h.
    assert_close(kpi(&out, "delivered.b_trucks"), 3.0, "trucks delivered");
    assert_close(kpi(&out, "delivered.b_wagons"), 10.0 + 14.0 * 4.0, "wagons delivered");
    // carried.<fleet> counts its own cargo, carried.<fleet>.<cargo> the other.
    assert_close(kpi(&out, "carried.ropax"), 3.0, "own cargo carried");
    assert_close(kpi(&out, "carried.ropax.wagons"), 66.0, "wagons carried");
    // The last discharge ends at 99.84 h: it sails back before the horizon.
    assert_close(kpi(&out, "voyages.ropax"), 10.0, "5 loaded legs and 5 back");
    let t = plan.source.tonnes_per_unit;
    assert_close(
        kpi(&out, "delivered_t.total"),
        3.0 * t.get(caspian_shipping::scenario::Cargo::Trucks)
            + 66.0 * t.get(caspian_shipping::scenario::Cargo::Wagons),
        "tonnes of both cargoes",
    );
}

/// The same Ro-Pax with a 5 h maximum wait, 30 wagons only, and a rail
/// ferry of 50 wagons that waits for them in the wagon yard's cargo line
/// (never called: 30 < 50). A `spare` wagon hold takes none of them.
fn with_rail_ferry(spare: bool) -> String {
    let text = ROPAX
        .replace("initial = 1000   # a_wagons initial", "initial = 30")
        .replace(
            r#"dispatch = { policy = "when_full" }   # ropax dispatch"#,
            r#"dispatch = { policy = "full_or_max_wait", max_wait_h = 5.0 }"#,
        )
        .replace("spare = false   # ropax spare", &format!("spare = {spare}"));
    format!(
        r#"{text}
[[fleet]]
id = "rail_ferry"
berth_class = "rail_ferry"
count = 1
cargo = "wagons"
capacity = 50
speed_kn = 10.0
distance_nmi = 100.0
origin = "a"
load_from = "a_wagons"
destination = "b"
discharge_to = "b_wagons"
load_rate_per_h = 100.0
discharge_rate_per_h = 100.0
dispatch = {{ policy = "when_full" }}
"#
    )
}

#[test]
fn a_spare_cargo_yields_to_a_vessel_waiting_for_it() {
    let spare = run(&load(&with_rail_ferry(true)), 1, 0);
    // The rail ferry waits in the wagon line all along (30 < 50): the
    // Ro-Pax carries its 3 trucks and not one wagon.
    assert_close(kpi(&spare, "delivered.b_wagons"), 0.0, "wagons left to the rail ferry");
    assert_close(kpi(&spare, "delivered.b_trucks"), 3.0, "trucks");
    assert_close(kpi(&spare, "carried.rail_ferry"), 0.0, "the rail ferry is never full");
    // Without `spare` the Ro-Pax takes them: 10 on its first call (the
    // deck is full), the other 20 on later calls at its 5 h maximum wait.
    let greedy = run(&load(&with_rail_ferry(false)), 1, 0);
    assert_close(kpi(&greedy, "delivered.b_wagons"), 30.0, "the Ro-Pax takes the wagons");
    assert_close(kpi(&greedy, "carried.ropax.wagons"), 30.0, "all of them");
}

#[test]
fn a_lost_mixed_deck_loses_each_cargo_aboard() {
    // Every crossing ends in a loss: the first load (3 trucks, 10 wagons)
    // is counted lost per cargo and the books balance (checked by `run`).
    let text =
        format!("{ROPAX}\n[interdiction]\nincident_probability = 1.0\nloss_probability = 1.0\n");
    let out = run(&load(&text), 1, 0);
    assert_close(kpi(&out, "cargo_lost.trucks"), 3.0, "trucks lost");
    assert_close(kpi(&out, "cargo_lost.wagons"), 10.0, "wagons lost");
    assert_close(kpi(&out, "delivered_t.total"), 0.0, "nothing delivered");
}
