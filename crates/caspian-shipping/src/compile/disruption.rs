//! `[[disruption]]`: what a disruption strikes (its target, resolved to an
//! index), when (one dated episode, or a Poisson process), for how long and
//! how hard.

use std::collections::BTreeMap;

use caspian_engine::{SimTime, TICKS_PER_DAY};

use super::check::{Checker, MAX_HORIZON_DAYS, index_ids, lookup};
use super::plan::{DisruptionPlan, DisruptionTarget, DisruptionTiming, FleetPlan};
use super::text::check_text;
use crate::resolve::plain::number;
use crate::scenario::{BerthClass, Disruption, Scenario};

/// More expected episodes than this over one horizon is taken for an
/// input error (each costs two events and, for vessels, a vessel record).
const MAX_EXPECTED_EPISODES: f64 = 1e5;

/// The names a target may start with, for messages.
const TARGET_FORMS: &str = "port.<port>, port.<port>.<berth class>, route.<fleet>, \
     vessels.<fleet>, storage.<storage>, outflow.<outflow>, inflow.<inflow> or corridor";

/// The ids of the tables a target may name.
pub(super) struct TargetIds<'a, 'b> {
    pub(super) ports: &'b BTreeMap<&'a str, usize>,
    pub(super) storages: &'b BTreeMap<&'a str, usize>,
    pub(super) fleets: &'b [FleetPlan],
}

/// Checks every `[[disruption]]` and resolves it.
pub(super) fn disruptions(
    c: &mut Checker,
    s: &Scenario,
    ids: &TargetIds<'_, '_>,
    horizon: SimTime,
) -> Vec<DisruptionPlan> {
    if s.disruptions.len() > 256 {
        c.err(
            "disruption",
            format!("at most 256 entries are supported, got {}", s.disruptions.len()),
        );
    }
    index_ids(c, "disruption", s.disruptions.iter().map(|d| &d.id));
    s.disruptions.iter().enumerate().filter_map(|(i, d)| one(c, s, ids, horizon, i, d)).collect()
}

fn one(
    c: &mut Checker,
    s: &Scenario,
    ids: &TargetIds<'_, '_>,
    horizon: SimTime,
    i: usize,
    d: &Disruption,
) -> Option<DisruptionPlan> {
    let k = format!("disruption.{}", d.id);
    check_text(c, &format!("disruption[{i}].notes"), &d.notes, true);
    let target = target(c, s, ids, &k, d);
    let timing = timing(c, &k, d, horizon);
    // From the text, so a vessels target with a bad count still counts as one.
    let is_vessels = d.target.starts_with("vessels.");
    let duration = match &d.duration_days {
        Some(spec) => c.dist(&format!("{k}.duration_days"), spec),
        None if is_vessels && d.detain => {
            c.err(format!("{k}.duration_days"), "is missing: how long is each vessel detained?");
            None
        }
        None if is_vessels => None,
        None => {
            c.err(format!("{k}.duration_days"), "is missing: how long does an episode last?");
            None
        }
    };
    let scale_ok = c.range(&format!("{k}.scale"), d.scale, 0.0, 1_000.0);
    if scale_ok && let Some(t) = &target {
        let (max, what) = match t {
            DisruptionTarget::Inflow(_) | DisruptionTarget::Outflow(_) => (1_000.0, ""),
            DisruptionTarget::Port(_)
            | DisruptionTarget::Berths { .. }
            | DisruptionTarget::Storage(_) => (1.0, "at most 1 for a port, berths or a storage"),
            DisruptionTarget::Route(_)
            | DisruptionTarget::Vessels { .. }
            | DisruptionTarget::Corridor => {
                (0.0, "0 (closed) for a route, vessels or the corridor, which only close")
            }
        };
        if d.scale > max {
            c.err(format!("{k}.scale"), format!("must be {what}, got {}", number(d.scale)));
        }
    }
    if !is_vessels {
        for (key, given) in
            [("vessels", d.vessels.is_some()), ("vessel_share", d.vessel_share.is_some())]
        {
            if given {
                c.err(format!("{k}.{key}"), "applies only to a vessels.<fleet> target");
            }
        }
        if d.detain {
            c.err(format!("{k}.detain"), "applies only to a vessels.<fleet> target");
        }
    }
    let (target, timing) = (target?, timing?);
    if duration.is_none() && (!is_vessels || d.detain) {
        return None;
    }
    Some(DisruptionPlan {
        id: d.id.clone(),
        target,
        timing,
        duration_days: duration,
        scale: d.scale,
        detain: d.detain,
        // At most 256 entries (checked above), so the place fits.
        stream: d.stream.unwrap_or(i as u8),
    })
}

/// Parses and resolves `target`.
fn target(
    c: &mut Checker,
    s: &Scenario,
    ids: &TargetIds<'_, '_>,
    k: &str,
    d: &Disruption,
) -> Option<DisruptionTarget> {
    let key = format!("{k}.target");
    let parts: Vec<&str> = d.target.split('.').collect();
    let named = |table: &'static str| -> BTreeMap<&str, usize> {
        let list: Vec<&str> = match table {
            "inflow" => s.inflows.iter().map(|x| x.id.as_str()).collect(),
            "outflow" => s.outflows.iter().map(|x| x.id.as_str()).collect(),
            _ => s.fleets.iter().map(|x| x.id.as_str()).collect(),
        };
        list.into_iter().enumerate().map(|(i, id)| (id, i)).collect()
    };
    match parts.as_slice() {
        ["corridor"] => Some(DisruptionTarget::Corridor),
        ["port", port] => lookup(c, ids.ports, key, "port", port).map(DisruptionTarget::Port),
        ["port", port, name] => {
            let port = lookup(c, ids.ports, key.clone(), "port", port);
            let class = BerthClass::ALL.iter().position(|b| b.as_str() == *name);
            if class.is_none() {
                c.err(
                    key.clone(),
                    format!(
                        "unknown berth class \"{name}\" (known: tanker, rail_ferry, roro, \
                         container)"
                    ),
                );
            }
            let (port, class) = (port?, class?);
            if s.ports[port].berths.get(BerthClass::ALL[class]) == 0 {
                c.err(key, format!("port \"{}\" has no {} berths", s.ports[port].id, parts[2]));
                return None;
            }
            Some(DisruptionTarget::Berths { port, class })
        }
        ["storage", st] => {
            lookup(c, ids.storages, key, "storage", st).map(DisruptionTarget::Storage)
        }
        ["outflow", o] => {
            lookup(c, &named("outflow"), key, "outflow", o).map(DisruptionTarget::Outflow)
        }
        ["inflow", f] => {
            lookup(c, &named("inflow"), key, "inflow", f).map(DisruptionTarget::Inflow)
        }
        ["route", f] => lookup(c, &named("fleet"), key, "fleet", f).map(DisruptionTarget::Route),
        ["vessels", f] => {
            let fleet = lookup(c, &named("fleet"), key.clone(), "fleet", f)?;
            let size = ids.fleets.get(fleet).map_or(0, |p| p.count);
            if size == 0 {
                c.err(key, format!("fleet \"{f}\" has no vessels (its count is 0)"));
                return None;
            }
            let count = match (d.vessels, d.vessel_share) {
                (Some(n), None) => {
                    if n == 0 || n > size {
                        c.err(
                            format!("{k}.vessels"),
                            format!("must be from 1 to the fleet's {size} vessels, got {n}"),
                        );
                        return None;
                    }
                    n
                }
                (None, Some(share)) => {
                    if !(share.is_finite() && share > 0.0 && share <= 1.0) {
                        c.err(
                            format!("{k}.vessel_share"),
                            format!("must be above 0 and at most 1, got {}", number(share)),
                        );
                        return None;
                    }
                    // Rounded up: a share of a fleet is at least one vessel.
                    ((share * f64::from(size)).ceil() as u32).clamp(1, size)
                }
                (Some(_), Some(_)) => {
                    c.err(format!("{k}.vessels"), "give vessels or vessel_share, not both");
                    return None;
                }
                (None, None) => {
                    c.err(
                        format!("{k}.vessels"),
                        "is missing: how many vessels (vessels = N, or vessel_share = 0.5)?",
                    );
                    return None;
                }
            };
            Some(DisruptionTarget::Vessels { fleet, count })
        }
        _ => {
            c.err(key, format!("\"{}\" is not a target; write {TARGET_FORMS}", d.target));
            None
        }
    }
}

/// One dated episode (`start_day`) or a Poisson process (`rate_per_year` or
/// `mtbf_days`).
fn timing(c: &mut Checker, k: &str, d: &Disruption, horizon: SimTime) -> Option<DisruptionTiming> {
    // A horizon of zero is one refused already (`scenario.horizon_days`):
    // a start day is then checked on its own, not against it ("between 0
    // and 0" would blame the disruption for the horizon's fault).
    let horizon_days = if horizon == SimTime::ZERO {
        MAX_HORIZON_DAYS
    } else {
        horizon.ticks() as f64 / TICKS_PER_DAY as f64
    };
    let given = [d.start_day.is_some(), d.rate_per_year.is_some(), d.mtbf_days.is_some()];
    if given.iter().filter(|&&g| g).count() != 1 {
        c.err(
            format!("{k}.start_day"),
            "give exactly one of start_day (a dated episode), rate_per_year or mtbf_days \
             (random episodes)",
        );
        return None;
    }
    if let Some(day) = d.start_day {
        if !c.range(&format!("{k}.start_day"), day, 0.0, horizon_days) {
            return None;
        }
        let start = SimTime::from_ticks((day * TICKS_PER_DAY as f64).round() as u64);
        return Some(DisruptionTiming::Fixed { start });
    }
    let key = if d.rate_per_year.is_some() { "rate_per_year" } else { "mtbf_days" };
    let per_year = if let Some(rate) = d.rate_per_year {
        if !c.range(&format!("{k}.rate_per_year"), rate, 0.0, 1_000.0) {
            return None;
        }
        rate
    } else {
        let mtbf = d.mtbf_days.unwrap_or(0.0);
        if !c.positive(&format!("{k}.mtbf_days"), mtbf, 1e9) {
            return None;
        }
        365.0 / mtbf
    };
    let expected = per_year * horizon_days / 365.0;
    if expected > MAX_EXPECTED_EPISODES {
        c.err(
            format!("{k}.{key}"),
            format!(
                "gives about {expected:.3e} episodes over the horizon; more than \
                 {MAX_EXPECTED_EPISODES:e} is taken for an input error"
            ),
        );
        return None;
    }
    Some(DisruptionTiming::Random { per_year })
}
