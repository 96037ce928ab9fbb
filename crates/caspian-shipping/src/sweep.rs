//! Sweepable parameters: the keys a sweep axis may name, and how a value is
//! written into a scenario.
//!
//! | key | meaning |
//! |---|---|
//! | `port.<id>.berths.<class>` | berths of a class at a port |
//! | `fleet.<id>.count` | vessels in a fleet |
//! | `fleet.<id>.capacity` | cargo per voyage |
//! | `storage.<id>.capacity` | storage capacity |
//! | `inflow.<id>.arrivals_per_year` | demand |
//! | `outflow.<id>.capacity_per_year` | hinterland link capacity |
//! | `weather.storm_rate_multiplier` | multiplies every storm onset rate |
//! | `weather.storm_duration_multiplier` | scales every storm duration |
//! | `interdiction.incident_probability` | per-crossing incident probability |
//! | `interdiction.loss_probability` | P(loss given incident) |
//! | `interdiction.closures_per_year` | corridor-closure rate |
//! | `interdiction.escort.enabled` | 0 or 1 |

use crate::scenario::{BerthClass, Scenario};

/// Checks that `key` names a sweepable parameter of `scenario`.
///
/// # Errors
/// A message saying what is wrong with the key.
pub fn check_key(scenario: &Scenario, key: &str) -> Result<(), String> {
    let mut probe = scenario.clone();
    apply(&mut probe, key, 1.0)
}

/// Whether the parameter named by `key` takes only whole numbers (counts,
/// capacities, on/off switches), so that a sampled design rounds it.
pub fn needs_whole_number(key: &str) -> bool {
    let parts: Vec<&str> = key.split('.').collect();
    matches!(
        parts.as_slice(),
        ["port", _, "berths", _]
            | ["fleet", _, "count" | "capacity"]
            | ["storage", _, "capacity"]
            | ["interdiction", "escort", "enabled"]
    )
}

/// Writes `value` into the parameter named by `key`.
///
/// # Errors
/// A message when the key is unknown or the value does not fit the parameter
/// (e.g. a fractional berth count).
pub fn apply(scenario: &mut Scenario, key: &str, value: f64) -> Result<(), String> {
    let parts: Vec<&str> = key.split('.').collect();
    let count = |v: f64| -> Result<u32, String> {
        if v.is_finite() && v >= 0.0 && v.fract() == 0.0 && v <= f64::from(u32::MAX) {
            Ok(v as u32)
        } else {
            Err(format!("{key} needs a whole non-negative number, got {v}"))
        }
    };
    let amount = |v: f64| -> Result<u64, String> {
        if v.is_finite() && v >= 0.0 && v.fract() == 0.0 && v <= 1e15 {
            Ok(v as u64)
        } else {
            Err(format!("{key} needs a whole non-negative number, got {v}"))
        }
    };
    let unknown = |what: &str, id: &str| format!("{key}: unknown {what} \"{id}\"");
    match parts.as_slice() {
        ["port", id, "berths", class] => {
            let class = BerthClass::ALL
                .into_iter()
                .find(|c| c.as_str() == *class)
                .ok_or_else(|| format!("{key}: unknown berth class \"{class}\""))?;
            let port = scenario
                .ports
                .iter_mut()
                .find(|p| p.id == *id)
                .ok_or_else(|| unknown("port", id))?;
            port.berths.set(class, count(value)?);
        }
        ["fleet", id, field @ ("count" | "capacity")] => {
            let fleet = scenario
                .fleets
                .iter_mut()
                .find(|f| f.id == *id)
                .ok_or_else(|| unknown("fleet", id))?;
            if *field == "count" {
                fleet.count = count(value)?;
            } else {
                fleet.capacity = amount(value)?;
            }
        }
        ["storage", id, "capacity"] => {
            let st = scenario
                .storages
                .iter_mut()
                .find(|s| s.id == *id)
                .ok_or_else(|| unknown("storage", id))?;
            st.capacity = amount(value)?;
        }
        ["inflow", id, "arrivals_per_year"] => {
            scenario
                .inflows
                .iter_mut()
                .find(|f| f.id == *id)
                .ok_or_else(|| unknown("inflow", id))?
                .arrivals_per_year = value;
        }
        ["outflow", id, "capacity_per_year"] => {
            scenario
                .outflows
                .iter_mut()
                .find(|o| o.id == *id)
                .ok_or_else(|| unknown("outflow", id))?
                .capacity_per_year = value;
        }
        ["weather", "storm_rate_multiplier"] => {
            for a in &mut scenario.sea_areas {
                a.storm_onsets_per_month.iter_mut().for_each(|r| *r *= value);
            }
        }
        ["weather", "storm_duration_multiplier"] => {
            for a in &mut scenario.sea_areas {
                a.storm_duration_h = a.storm_duration_h.scaled(value);
            }
        }
        ["interdiction", "incident_probability"] => {
            scenario.interdiction.incident_probability = value;
        }
        ["interdiction", "loss_probability"] => scenario.interdiction.loss_probability = value,
        ["interdiction", "closures_per_year"] => scenario.interdiction.closures_per_year = value,
        ["interdiction", "escort", "enabled"] => {
            scenario.interdiction.escort.enabled = match value {
                0.0 => false,
                1.0 => true,
                _ => return Err(format!("{key} takes 0 or 1, got {value}")),
            };
        }
        _ => {
            return Err(format!(
                "\"{key}\" is not a sweepable parameter (see docs/scenarios.md, section Sweeps)"
            ));
        }
    }
    Ok(())
}
