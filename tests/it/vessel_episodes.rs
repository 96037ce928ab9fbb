//! Vessel disruptions whose episode finds its vessels already out of
//! service: hand-worked cases on the one-tanker scenario of
//! [`super::model_mechanisms`] (ports `a` and `b`, the tanker `t` always
//! finding 1,000 t to load, a 22-h round trip; day 10 is hour 240).
//!
//! An episode lasts from its onset to the return of the last vessel it
//! took (a detention: its nominal window), and one that takes or holds no
//! vessel is no episode: no hours, no recovery, not unrecovered.

use super::model_mechanisms::{BASE, kpi, load, run, set};

/// A disruption `id` of the fleet `t` from `start_day` for `days`: it
/// takes one vessel out of service, or holds it (`detain`).
fn vessels(id: &str, start_day: f64, days: f64, detain: bool) -> String {
    format!(
        r#"
[[disruption]]
id = "{id}"
target = "vessels.t"
vessels = 1
detain = {detain}
start_day = {start_day:?}
duration_days = {{ dist = "constant", value = {days:?} }}
"#
    )
}

fn run_with(extra: &str) -> caspian_shipping::Replication {
    let text = format!("{}{extra}", set(BASE, "a_farm.initial", "1000000"));
    run(&load(&text), 1, 0)
}

#[test]
fn a_withdrawal_that_finds_no_vessel_in_service_is_no_episode() {
    // `first` takes the only tanker at 240 h for 5 days: its replacement
    // enters service at 360 h. `second`, at 288 h, finds none in service.
    let out =
        run_with(&(vessels("first", 10.0, 5.0, false) + &vessels("second", 12.0, 5.0, false)));
    assert_eq!(kpi(&out, "vessels_out.t"), 1.0, "one vessel taken in all");
    assert_eq!(kpi(&out, "disruption_h.first"), 120.0, "out 240 to 360 h");
    assert_eq!(kpi(&out, "disruption_h.second"), 0.0, "it took nothing");
    assert_eq!(kpi(&out, "unrecovered.second"), 0.0, "no episode to recover from");
    assert!(kpi(&out, "recovery_days.second").is_nan(), "no episode ended in the window");
    // Alone, the same disruption is an episode of its draw's length.
    let alone = run_with(&vessels("second", 12.0, 5.0, false));
    assert_eq!(kpi(&alone, "disruption_h.second"), 120.0, "out 288 to 408 h");
    assert!(kpi(&alone, "recovery_days.second").is_finite());
}

#[test]
fn a_detention_that_finds_no_vessel_to_hold_is_no_episode() {
    // The tanker is out of service from 240 to 360 h; the detention at
    // 264 h finds no vessel in service to hold.
    let out = run_with(&(vessels("gone", 10.0, 5.0, false) + &vessels("held", 11.0, 2.0, true)));
    assert_eq!(kpi(&out, "detentions"), 0.0, "nobody held");
    assert_eq!(kpi(&out, "disruption_h.held"), 0.0, "no hours");
    assert_eq!(kpi(&out, "unrecovered.held"), 0.0);
    assert!(kpi(&out, "recovery_days.held").is_nan(), "no episode, no recovery");
    // With the tanker in service, the same detention holds it, and its
    // nominal window counts: 48 h from its onset.
    let alone = run_with(&vessels("held", 11.0, 2.0, true));
    assert_eq!(kpi(&alone, "detentions"), 1.0);
    assert_eq!(kpi(&alone, "disruption_h.held"), 48.0);
}
