//! Waiting for room off the berth (`model/space_line.rs`): a laden vessel
//! whose cargo has no room ashore waits at the anchorage, not at a berth,
//! and is called when the room is there. Each scenario is deterministic and
//! worked out by hand beside its assertions.

use super::mixed_decks::ROPAX;
use super::model_mechanisms::{BASE, assert_close, edit, kpi, load, run, second_tanker, set};

/// `BASE` with cargo always there at `a`, a full 1,000-t farm at `b` (one
/// tanker cargo) drained by a pipe of 100 t every 10 h (first at 10 h), and
/// a horizon of 195 h.
fn full_farm() -> String {
    let text = set(BASE, "a_farm.initial", "1000000");
    let text = set(&text, "b_farm.capacity", "1000");
    let text = set(&text, "b_farm.initial", "1000");
    set(&text, "horizon", "8.125")
        + r#"
[[outflow]]
id = "pipe"
from = "b_farm"
capacity_per_year = 87600.0 # 10 t/h
interval_h = 10.0
"#
}

#[test]
fn a_laden_vessel_waits_for_room_at_the_anchorage_and_berths_when_it_is_there() {
    let out = run(&load(&full_farm()), 1, 0);
    // The tanker loads at a (0..1), sails, and reaches b at 11 h with
    // 1,000 t. The farm holds 900 t (the pipe took 100 at 10): 100 t of
    // room, so it waits at the anchorage. The pipe empties the farm at
    // 100 h (ten takes): called then, it berths at once and discharges
    // (100..101), sails back (a at 111, loads 111..112) and is at b again
    // at 122 h, where the farm holds 800 t: it waits again, still waiting
    // at the horizon (195 h; the farm empties at 200 h).
    assert_eq!(kpi(&out, "delivered.b_farm"), 1_000.0);
    assert_eq!(kpi(&out, "voyages.t"), 3.0);
    // Waits for room: 11..100 = 89 h, and 122..195 = 73 h so far (counted
    // at the end, a lower bound).
    assert_close(kpi(&out, "space_wait_h.t"), (89.0 + 73.0) / 2.0, "room wait");
    // b's berth is held only for the discharge, 1 h of 195 (a vessel that
    // kept its berth while it waited held it 89 + 73 = 162 h).
    assert_close(kpi(&out, "berth_utilization.b.tanker"), 1.0 / 195.0, "b's berth");
    assert_close(kpi(&out, "anchorage_wait_h.b.tanker"), 0.0, "no berth wait");
    // Working: load 1 + sail 10, discharge 1 + sail 10, load 1 + sail 10.
    assert_close(kpi(&out, "vessel_utilization.t"), 33.0 / 195.0, "utilization");
    // The pipe takes 100 t at 10, 20, ..., 190 h.
    assert_eq!(kpi(&out, "forwarded.pipe"), 1_900.0);
    // The 162 vessel-hours waiting for room are demurrage at the tanker
    // rate (1,000 a vessel-hour by default), per year of the 195-h window.
    assert_close(
        kpi(&out, "cost.demurrage_per_year"),
        1_000.0 * 162.0 / (195.0 / 8_760.0),
        "demurrage",
    );
}

#[test]
fn a_vessel_waiting_for_room_leaves_the_berth_to_one_that_can_work() {
    // A second tanker `u` on the same route discharges into a farm of its
    // own with room to spare, and b has one berth. Both tankers load at a
    // (two berths there) at 0..1 and reach b at 11 h; `t` waits for room
    // at the anchorage, so `u` berths at once, and does so every 22 h
    // (11, 33, ..., 187 h: nine cargoes). At 100 h `t` is called while
    // `u` is at the berth (99..100) and berths when `u` leaves, that
    // instant. (When `t` kept the berth while it waited, `u` waited 89 h
    // for it at 11 h.)
    let text = set(&full_farm(), "a.berths", "{ tanker = 2 }")
        + &second_tanker(1000.0).replace("discharge_to = \"b_farm\"", "discharge_to = \"b_other\"")
        + r#"
[[storage]]
id = "b_other"
port = "b"
cargo = "oil"
capacity = 1000000
initial = 0
"#;
    let out = run(&load(&text), 1, 0);
    assert_eq!(kpi(&out, "delivered.b_other"), 9_000.0);
    assert_close(kpi(&out, "anchorage_wait_h.b.tanker"), 0.0, "no berth wait at b");
    assert_close(kpi(&out, "space_wait_h.u"), 0.0, "u's room is always there");
    assert_close(kpi(&out, "space_wait_h.t"), (89.0 + 73.0) / 2.0, "t's room wait");
    assert_eq!(kpi(&out, "delivered.b_farm"), 1_000.0);
}

/// `mixed_decks`' Ro-Pax of 100 deck units (a truck 10, a wagon 7), which
/// here loads the 3 trucks and 10 wagons at a (0..1), all there is, and
/// reaches b at 11 h. b's truck park has room; its 10-wagon yard is full,
/// drained by one wagon every 10 h (first at 10 h). Its trucks come first
/// on deck, so it waits in the truck park's space line, while the room it
/// waits for frees in the wagon yard. Horizon 150 h.
fn ropax_full_yard() -> String {
    let text = edit(ROPAX, "horizon_days = 4.1666666666666667", "horizon_days = 6.25");
    let text = edit(&text, "initial = 1000   # a_wagons initial", "initial = 10");
    let text = edit(
        &text,
        "cargo = \"wagons\"\ncapacity = 10000\n\n[[fleet]]",
        "cargo = \"wagons\"\ncapacity = 10\ninitial = 10\n\n[[fleet]]",
    );
    text + r#"
[[outflow]]
id = "rail"
from = "b_wagons"
capacity_per_year = 876.0
interval_h = 10.0
"#
}

#[test]
fn a_mixed_deck_is_called_when_room_frees_in_its_other_holds_storage() {
    let out = run(&load(&ropax_full_yard()), 1, 0);
    // At 11 h the yard holds 9 wagons (one left at 10 h): room for 1 of
    // its 10. The rail empties the yard at 100 h (ten takes); only the
    // yard changes, so the call comes through the link from the yard to
    // the truck park's line: at 100 h, both holds discharge at once.
    assert_close(kpi(&out, "space_wait_h.ropax"), 89.0, "room wait");
    assert_eq!(kpi(&out, "delivered.b_trucks"), 3.0);
    assert_eq!(kpi(&out, "delivered.b_wagons"), 10.0);
    // b's berth is held for the discharge alone: 100 deck units at 100 an
    // hour, 1 h of 150.
    assert_close(kpi(&out, "berth_utilization.b.rail_ferry"), 1.0 / 150.0, "b's berth");
}

/// A wagon ferry `rf` (2 wagons, from a port `c` 12 h from b) and a Ro-Ro
/// `ro` (5 trucks, the same) behind the Ro-Pax of `ropax_full_yard` in the
/// space line. One rail-ferry berth at c and at b.
fn ropax_and_two_behind() -> String {
    let text = ropax_full_yard()
        + r#"
[[port]]
id = "c"
berths = { rail_ferry = 2 }

[[storage]]
id = "c_wagons"
port = "c"
cargo = "wagons"
capacity = 10000
initial = 10000

[[storage]]
id = "c_trucks"
port = "c"
cargo = "trucks"
capacity = 10000
initial = 10000
"#;
    let fleet = |id: &str, cargo: &str, capacity: u32| {
        format!(
            r#"
[[fleet]]
id = "{id}"
berth_class = "rail_ferry"
count = 1
cargo = "{cargo}"
capacity = {capacity}
speed_kn = 10.0
distance_nmi = 120.0
origin = "c"
load_from = "c_{cargo}"
destination = "b"
discharge_to = "b_{cargo}"
load_rate_per_h = 100.0
discharge_rate_per_h = 100.0
port_call_overhead_h = {{ dist = "constant", value = 0.0 }}
dispatch = {{ policy = "when_full" }}
"#
        )
    };
    text + &fleet("rf", "wagons", 2) + &fleet("ro", "trucks", 5)
}

#[test]
fn room_a_vessel_ahead_waits_for_is_held_back_from_those_behind_it() {
    let out = run(&load(&ropax_and_two_behind()), 1, 0);
    // The Ro-Pax reaches b at 11 h and waits for 10 wagons of room. The
    // wagon ferry loads at c (0..0.02) and reaches b at 12.02 h, behind it:
    // the yard has room for its 2 wagons from 20 h, but that is room the
    // Ro-Pax waits for, so it waits too. The Ro-Pax is called at 100 h as
    // before (the yard empty) and fills the yard; the ferry is called when
    // two wagons have left, at 120 h, and next at 144.06 h on arrival.
    // (Were the room not held back, the ferry would take it two wagons at
    // a time and the Ro-Pax would wait to the end of the run.)
    assert_close(kpi(&out, "space_wait_h.ropax"), 89.0, "the Ro-Pax's room wait");
    assert_close(kpi(&out, "space_wait_h.rf"), (120.0 - 12.02 + 0.0) / 2.0, "the ferry's");
    assert_eq!(kpi(&out, "delivered.b_wagons"), 10.0 + 2.0 + 2.0);
    // The Ro-Ro behind it needs truck room only, which the Ro-Pax's three
    // trucks leave plenty of: it is called on every arrival.
    assert_close(kpi(&out, "space_wait_h.ro"), 0.0, "the Ro-Ro's room wait");
    assert_eq!(kpi(&out, "delivered.b_trucks"), 3.0 + kpi(&out, "carried.ro"));
    assert!(kpi(&out, "carried.ro") >= 25.0, "five Ro-Ro calls at least");
}

#[test]
fn a_storage_trains_also_feed_calls_a_vessel_for_any_room() {
    // `full_farm` with parcels of 50 t every 10 h into b's farm through a
    // gate, half what the pipe takes: the room grows by 50 t every 10 h,
    // to a whole cargo (1,000 t) only after the horizon, so a vessel called
    // only for room for all of it would wait to the end. Where trains also
    // feed the storage, the tanker is called as soon as there is room and
    // no parcel waits: at its arrival at 11 h (the farm at 950 t), and it
    // waits for the rest of its room at the berth, sharing it with the
    // parcels as it frees.
    let text = full_farm()
        + r#"
[[inflow]]
id = "parcels"
into = "b_farm"
arrivals_per_year = 876.0
size = { dist = "constant", value = 50.0 }
pattern = "regular"
"#;
    let out = run(&load(&text), 1, 0);
    assert!(kpi(&out, "delivered.b_farm") > 0.0, "the tanker discharges");
    assert_close(kpi(&out, "space_wait_h.t"), 0.0, "called on arrival");
}

#[test]
fn a_vessel_waiting_for_a_storage_out_of_service_holds_no_room_back() {
    // `ropax_and_two_behind` with b's truck park shut (no usable capacity)
    // from 0.01 days to the end: the Ro-Pax, at b from 11 h, cannot land
    // its trucks, so it cannot be called, and it holds back none of the
    // wagon room. The wagon ferry, at b from 12.02 h, is called when two
    // wagons have left the yard, at 20 h (8 h sooner than the Ro-Pax's
    // ten), and keeps landing wagons; the Ro-Pax and the Ro-Ro wait to
    // the end.
    let text = ropax_and_two_behind()
        + r#"
[[disruption]]
id = "park_shut"
target = "storage.b_trucks"
start_day = 0.01
duration_days = { dist = "constant", value = 100.0 }
scale = 0.0
"#;
    let out = run(&load(&text), 1, 0);
    assert_close(kpi(&out, "space_wait_h.ropax"), 150.0 - 11.0, "the Ro-Pax waits to the end");
    assert_eq!(kpi(&out, "delivered.b_trucks"), 0.0);
    assert!(kpi(&out, "carried.rf") >= 4.0, "the ferry lands wagons: {}", kpi(&out, "carried.rf"));
    assert!(kpi(&out, "space_wait_h.rf") < 20.0, "{}", kpi(&out, "space_wait_h.rf"));
}

// ----- waiting for the link in a hand-over storage ---------------------------

#[test]
fn cargo_discharged_into_a_hand_over_storage_waits_there_for_its_link_and_is_priced() {
    let out = run(&load(&full_farm()), 1, 0);
    // b's farm is a hand-over storage: no fleet loads from it, the pipe
    // drains it. The pipe takes 100 t at 10, 20, ..., 100 h of the 1,000 t
    // there at the start (waits 10, 20, ..., 100 h), and the tanker's
    // 1,000 t, discharged at 100 h, at 110, ..., 190 h (waits 10, ..., 90
    // h); 100 t are still there at the end, 95 h old (a lower bound).
    let unit_h = 100.0 * (550.0 + 450.0 + 95.0);
    assert_close(kpi(&out, "link_wait_h.b_farm"), unit_h / 2_000.0, "wait for the link");
    // The delay cost is the cargo's delay plus the demurrage. Oil's value
    // of time is 0.03 a tonne-hour by default. In transit: the 1,000 t
    // delivered at 100 h entered at 0 (100 h each), the 1,000 t aboard at
    // the end and the 998,000 t still at a, 195 h each; less the calm
    // crossing of the delivered 1,000 t (10 h each). Then the wait for the
    // pipe above, and the 162 vessel-hours waiting for room at 1,000 each.
    let transit = 1_000.0 * 100.0 + 999_000.0 * 195.0 - 1_000.0 * 10.0;
    let years = 195.0 / 8_760.0;
    assert_close(
        kpi(&out, "cost.delay_per_year"),
        (0.03 * (transit + unit_h) + 1_000.0 * 162.0) / years,
        "delay cost",
    );
}

#[test]
fn a_larger_hand_over_storage_moves_the_wait_ashore_where_it_still_counts() {
    // As above with room for everything: the tanker never waits for room
    // and discharges 1,000 t at 11, 33, ..., 187 h (nine cargoes), and the
    // wait moves into the farm, first in, first out. The pipe takes the
    // 1,000 t there at the start at 10..100 h (waits summing to 5,500 h
    // a 100 t), then the cargo of 11 h at 110..190 h (waits 99, ..., 179
    // h, summing to 1,251 h a 100 t). At the end the last 100 t of it are
    // 184 h old, and the eight cargoes after it 162, 140, ..., 8 h old
    // (680 h a 1,000 t).
    let text = set(&full_farm(), "b_farm.capacity", "1000000");
    let out = run(&load(&text), 1, 0);
    assert_close(kpi(&out, "space_wait_h.t"), 0.0, "room is always there");
    assert_eq!(kpi(&out, "delivered.b_farm"), 9_000.0);
    let unit_h = 100.0 * (550.0 + 1_251.0 + 184.0) + 1_000.0 * 680.0;
    assert_close(kpi(&out, "link_wait_h.b_farm"), unit_h / 10_000.0, "wait for the link");
}

#[test]
fn cargo_admitted_at_a_hand_over_storages_gate_waits_for_the_link_from_admission() {
    // No cargo at a, so the tanker never sails. b's farm is full (1,000 t),
    // a pipe takes 10 t every 10 h, and a 150-t train arrives at b's gate
    // at 100 h (900 t there: no room), admitted at 150 h (850 t).
    let text = set(BASE, "b_farm.capacity", "1000");
    let text = set(&text, "b_farm.initial", "1000");
    let text = set(&text, "horizon", "8.125")
        + r#"
[[outflow]]
id = "pipe"
from = "b_farm"
capacity_per_year = 8760.0
interval_h = 10.0

[[inflow]]
id = "train"
into = "b_farm"
arrivals_per_year = 87.6
size = { dist = "constant", value = 150.0 }
pattern = "regular"
"#;
    let out = run(&load(&text), 1, 0);
    assert_close(kpi(&out, "gate_wait_h.train"), 50.0, "gate wait");
    // The pipe takes 10 t of the stock at 10, 20, ..., 190 h; at the end
    // (195 h) 810 t of it are 195 h old and the train's 150 t 45 h, from
    // admission: its 50 h at the gate are the gate wait's, not counted
    // again.
    let unit_h = 10.0 * 1_900.0 + 810.0 * 195.0 + 150.0 * 45.0;
    assert_close(kpi(&out, "link_wait_h.b_farm"), unit_h / 1_150.0, "wait for the link");
}

#[test]
fn only_hand_over_storages_report_a_wait_for_the_link() {
    let plan = load(&full_farm());
    assert!(plan.kpi_layout().position("link_wait_h.b_farm").is_some());
    assert!(plan.kpi_layout().position("link_wait_h.a_farm").is_none());
    // a's farm is an origin (the tanker loads there): its cargo is still in
    // transit, and an outflow draining it would take it out of the
    // corridor undelivered, so one is refused by name.
    let text = full_farm()
        + r#"
[[outflow]]
id = "a_pipe"
from = "a_farm"
capacity_per_year = 8760.0
"#;
    let err = caspian_shipping::load(&text, "t").expect_err("an outflow from an origin");
    assert!(err.to_string().contains("outflow.a_pipe.from"), "{err}");
}
