//! Waiting for cargo at sea on pre-advice (issue 16): a vessel that must
//! wait for its cargo waits off the port and sails in when called, so each
//! call after a wait comes `pre_advice_h` later; a vessel whose cargo is
//! there when it arrives goes straight to a berth.

use super::model_mechanisms::{assert_close, kpi, load, run};

/// One rail ferry of 50 wagons, a -> b, 100 nmi at 10 kn = 10 h, handling
/// 50 wagons/h, no overhead, no weather. 10 wagons reach the yard at a every
/// 10 h (the first at 10 h). Horizon 163 h.
const SHUTTLE: &str = r#"
[scenario]
name = "pre-advice"
horizon_days = 6.7916666666666667
warmup_days = 0.0

[[port]]
id = "a"
berths = { rail_ferry = 1 }

[[port]]
id = "b"
berths = { rail_ferry = 1 }

[[storage]]
id = "a_yard"
port = "a"
cargo = "wagons"
capacity = 1000

[[storage]]
id = "b_yard"
port = "b"
cargo = "wagons"
capacity = 1000

[[inflow]]
id = "trains"
into = "a_yard"
arrivals_per_year = 876.0
size = { dist = "constant", value = 10.0 }
pattern = "regular"

[[fleet]]
id = "ferry"
berth_class = "rail_ferry"
count = 1
cargo = "wagons"
capacity = 50
speed_kn = 10.0
distance_nmi = 100.0
origin = "a"
load_from = "a_yard"
destination = "b"
discharge_to = "b_yard"
load_rate_per_h = 50.0
discharge_rate_per_h = 50.0
dispatch = { policy = "when_full" }
"#;

#[test]
fn a_vessel_on_pre_advice_sails_in_when_called() {
    let anchorage = run(&load(SHUTTLE), 1, 0);
    // At the anchorage: called when 50 wagons are there, at 50, 100 and
    // 150 h; each time it loads 1 h, crosses 10 h and delivers on berthing
    // at 61, 111, 161 h, and is back at a 11 h later (72, 122 h). Waits for
    // cargo: 50, 28, 28 h.
    assert_close(kpi(&anchorage, "delivered.b_yard"), 150.0, "three loads by 163 h");
    assert_close(kpi(&anchorage, "cargo_wait_h.ferry"), (50.0 + 28.0 + 28.0) / 3.0, "waits");
    // On pre-advice, 5 h off the port: called at the same times, it berths
    // 5 h later: deliveries at 66, 116 and 166 h (after the horizon), back at
    // 77 and 127 h, so it waits 23 h for the next call.
    let sea = run(&load(&SHUTTLE.replace("[[fleet]]", "[[fleet]]\npre_advice_h = 5.0")), 1, 0);
    assert_close(kpi(&sea, "delivered.b_yard"), 100.0, "two loads by 163 h");
    assert_close(kpi(&sea, "cargo_wait_h.ferry"), (50.0 + 23.0 + 23.0) / 3.0, "waits");
    // Sailing in is working time: 15 h more of it than at the anchorage.
    assert!(kpi(&sea, "vessel_utilization.ferry") > kpi(&anchorage, "vessel_utilization.ferry"));
}

#[test]
fn a_vessel_whose_cargo_is_there_goes_straight_to_a_berth() {
    // 1,000 wagons at time 0: the ferry never waits, so pre-advice changes
    // nothing at all.
    let full = SHUTTLE.replace(
        "capacity = 1000\n\n[[storage]]",
        "capacity = 1000\ninitial = 1000\n\n[[storage]]",
    );
    assert_ne!(full, SHUTTLE);
    let plain = run(&load(&full), 1, 0);
    let sea = run(&load(&full.replace("[[fleet]]", "[[fleet]]\npre_advice_h = 5.0")), 1, 0);
    for (name, value) in plain.kpis.iter() {
        let other = sea.kpis.get(name).unwrap();
        assert!(value == other || (value.is_nan() && other.is_nan()), "{name}: {value} vs {other}");
    }
}
