//! The meta table, sea areas (storms, ice) and ports.

use std::collections::BTreeMap;

use caspian_engine::SimTime;

use super::check::{
    Checker, MAX_EVENTS, MAX_HORIZON_DAYS, MAX_STORM_CLOSURES, MAX_WAITING, index_ids, lookup,
    zero_dist,
};
use super::class_index;
use super::plan::{PortPlan, SeaAreaPlan, SharedPlan};
use super::text::check_text;
use crate::scenario::{BerthClass, Scenario};

/// `[scenario]` and the table sizes: returns the horizon and the end of
/// warm-up (zero where invalid).
pub(super) fn meta(c: &mut Checker, s: &Scenario) -> (SimTime, SimTime) {
    let horizon_ok = c.positive("scenario.horizon_days", s.scenario.horizon_days, MAX_HORIZON_DAYS);
    let warmup_ok = c.range("scenario.warmup_days", s.scenario.warmup_days, 0.0, MAX_HORIZON_DAYS);
    if horizon_ok && warmup_ok && s.scenario.warmup_days >= s.scenario.horizon_days {
        c.err(
            "scenario.warmup_days",
            format!(
                "warm-up ({} days) must be shorter than the horizon ({} days)",
                crate::resolve::plain::number(s.scenario.warmup_days),
                crate::resolve::plain::number(s.scenario.horizon_days)
            ),
        );
    }
    check_text(c, "scenario.name", &s.scenario.name, false);
    if s.scenario.name.trim().is_empty() {
        c.err(
            "scenario.name",
            "is empty: results, tables and comparisons go by the name; give one",
        );
    }
    check_text(c, "scenario.description", &s.scenario.description, true);
    if s.scenario.max_events == 0 {
        c.err("scenario.max_events", "must be at least 1");
    } else if s.scenario.max_events > MAX_EVENTS {
        c.err(
            "scenario.max_events",
            format!("is absurdly large ({}); the limit is {MAX_EVENTS}", s.scenario.max_events),
        );
    }
    if s.scenario.max_waiting == 0 {
        c.err("scenario.max_waiting", "must be at least 1");
    } else if s.scenario.max_waiting > MAX_WAITING {
        c.err(
            "scenario.max_waiting",
            format!("is absurdly large ({}); the limit is {MAX_WAITING}", s.scenario.max_waiting),
        );
    }
    let horizon = SimTime::try_from_days_f64(s.scenario.horizon_days).unwrap_or(SimTime::ZERO);
    let warmup = SimTime::try_from_days_f64(s.scenario.warmup_days).unwrap_or(SimTime::ZERO);
    // Time is kept in whole milliseconds: a horizon or a reporting window
    // that rounds to nothing would give KPIs over an empty window.
    if horizon_ok && warmup_ok && s.scenario.warmup_days < s.scenario.horizon_days {
        if horizon == SimTime::ZERO {
            c.err(
                "scenario.horizon_days",
                format!(
                    "{} days rounds to zero milliseconds",
                    crate::resolve::plain::number(s.scenario.horizon_days)
                ),
            );
        } else if warmup >= horizon {
            c.err(
                "scenario.warmup_days",
                format!(
                    "the reporting window from warm-up ({} days) to the horizon ({} days) rounds \
                     to zero milliseconds",
                    s.scenario.warmup_days, s.scenario.horizon_days
                ),
            );
        }
    }

    // Stream sub-ids are one byte, so each list holds at most 256 entries
    // (a port has a stream of its own for its storm exposure).
    for (table, n) in [
        ("port", s.ports.len()),
        ("sea_area", s.sea_areas.len()),
        ("inflow", s.inflows.len()),
        ("fleet", s.fleets.len()),
        ("open_traffic", s.open_traffic.len()),
    ] {
        if n > 256 {
            c.err(table, format!("at most 256 entries are supported, got {n}"));
        }
    }
    // Events name a storage or an outflow in 16 bits.
    for (table, n) in [("storage", s.storages.len()), ("outflow", s.outflows.len())] {
        if n > usize::from(u16::MAX) {
            c.err(table, format!("at most {} entries are supported, got {n}", u16::MAX));
        }
    }
    (horizon, warmup)
}

/// `[[sea_area]]`: storm rates and durations, ice seasons.
pub(super) fn sea_areas<'a>(
    c: &mut Checker,
    s: &'a Scenario,
    horizon: SimTime,
) -> (BTreeMap<&'a str, usize>, Vec<SeaAreaPlan>) {
    let area_ids = index_ids(c, "sea_area", s.sea_areas.iter().map(|a| &a.id));
    let mut sea_areas = Vec::new();
    for a in &s.sea_areas {
        let k = format!("sea_area.{}", a.id);
        let mut rates_ok = true;
        for (m, &rate) in a.storm_onsets_per_month.iter().enumerate() {
            rates_ok &=
                c.range(&format!("{k}.storm_onsets_per_month[{m}]"), rate, 0.0, MAX_MONTHLY_ONSETS);
        }
        let duration = c.dist(&format!("{k}.storm_duration_h"), &a.storm_duration_h);
        if a.storm_onsets_per_month.iter().any(|&r| r > 0.0)
            && duration.as_ref().is_some_and(|d| d.mean() <= 0.0)
        {
            c.err(format!("{k}.storm_duration_h"), "storms are configured but last zero hours");
        }
        c.range(&format!("{k}.storm_crossing_slowdown"), a.storm_crossing_slowdown, 1.0, 100.0);
        let ice = a.ice.as_ref().and_then(|ice| {
            c.range(&format!("{k}.ice.start_day"), ice.start_day, 0.0, 364.999);
            c.dist(&format!("{k}.ice.duration_days"), &ice.duration_days)
                .map(|d| (ice.start_day, d))
        });
        // Only rates that passed their own check: a bad month is reported
        // once, above, under the file's key.
        if let Some(d) = duration.as_ref().filter(|_| rates_ok) {
            let mut rng = crate::streams::stream(0, 0, crate::streams::Source::Weather, 0);
            if let Err(e) = crate::timeline::poisson_episode_list(
                &a.storm_onsets_per_month,
                d,
                horizon,
                &mut rng,
            ) {
                c.err(format!("{k}.storm_onsets_per_month"), e.to_string());
            }
        }
        sea_areas.push(SeaAreaPlan {
            id: a.id.clone(),
            storm_onsets_per_month: a.storm_onsets_per_month,
            storm_duration: duration.unwrap_or_else(zero_dist),
            storm_crossing_slowdown: a.storm_crossing_slowdown,
            ice,
        });
    }
    (area_ids, sea_areas)
}

/// `[[port]]`: sea area, ice flag and berths.
pub(super) fn ports<'a>(
    c: &mut Checker,
    s: &'a Scenario,
    area_ids: &BTreeMap<&str, usize>,
) -> (BTreeMap<&'a str, usize>, Vec<PortPlan>) {
    if s.ports.is_empty() {
        c.err("port", "a scenario needs at least one port");
    }
    let port_ids = index_ids(c, "port", s.ports.iter().map(|p| &p.id));
    let mut ports = Vec::new();
    for (i, p) in s.ports.iter().enumerate() {
        let k = format!("port.{}", p.id);
        check_text(c, &format!("port[{i}].name"), &p.name, false);
        check_text(c, &format!("port[{i}].notes"), &p.notes, true);
        let sea_area = p
            .sea_area
            .as_ref()
            .and_then(|a| lookup(c, area_ids, format!("{k}.sea_area"), "sea area", a));
        // Without an ice season in its area the flag would silently do nothing.
        let has_ice = |a: usize| s.sea_areas.get(a).is_some_and(|area| area.ice.is_some());
        if p.ice_affected && p.sea_area.is_none() {
            c.err(format!("{k}.ice_affected"), "needs a sea_area with an ice season");
        } else if p.ice_affected
            && let Some(a) = sea_area
            && !has_ice(a)
        {
            c.err(
                format!("{k}.ice_affected"),
                format!(
                    "needs a sea_area with an ice season; sea area \"{}\" has none",
                    s.sea_areas[a].id
                ),
            );
        }
        let mut berths = [0u32; 4];
        for (j, class) in BerthClass::ALL.iter().enumerate() {
            let n = p.berths.get(*class);
            c.count(&format!("{k}.berths.{}", class.as_str()), u64::from(n), 0);
            berths[j] = n;
        }
        let mut shared = Vec::new();
        for (g, group) in p.shared_berths.iter().enumerate() {
            let gk = format!("{k}.shared_berths[{g}]");
            c.count(&format!("{gk}.count"), u64::from(group.count), 1);
            let mut classes = [false; 4];
            for class in &group.classes {
                let j = class_index(*class);
                if classes[j] {
                    c.err(format!("{gk}.classes"), format!("lists {} twice", class.as_str()));
                }
                classes[j] = true;
            }
            if group.classes.len() < 2 {
                c.err(format!("{gk}.classes"), "a shared berth serves at least two classes");
            }
            shared.push(SharedPlan { classes, count: group.count });
        }
        c.probability(&format!("{k}.storm_exposure"), p.storm_exposure);
        c.range(&format!("{k}.storm_hours_factor"), p.storm_hours_factor, 0.0, 100.0);
        ports.push(PortPlan {
            id: p.id.clone(),
            sea_area,
            ice_affected: p.ice_affected,
            berths,
            shared,
            storm_exposure: p.storm_exposure,
            storm_hours_factor: p.storm_hours_factor,
        });
    }
    (port_ids, ports)
}

/// The most storm onsets a month a sea area may have.
const MAX_MONTHLY_ONSETS: f64 = 1_000.0;

/// The weather's memory: every expected storm costs an interval in its sea
/// area's timeline and another, with two events, in each port it closes.
/// Not counted when a monthly rate is out of range (reported with its key).
pub(super) fn storm_budget(c: &mut Checker, s: &Scenario, ports: &[PortPlan], horizon: SimTime) {
    let mut rates = s.sea_areas.iter().flat_map(|a| a.storm_onsets_per_month);
    if rates.any(|r| !(0.0..=MAX_MONTHLY_ONSETS).contains(&r)) {
        return;
    }
    let mut timelines = vec![1.0_f64; s.sea_areas.len()];
    for a in ports.iter().filter_map(|p| p.sea_area) {
        timelines[a] += 1.0;
    }
    let total: f64 = s
        .sea_areas
        .iter()
        .zip(&timelines)
        .map(|(a, n)| crate::timeline::expected_onsets(&a.storm_onsets_per_month, horizon) * n)
        .sum();
    if total > MAX_STORM_CLOSURES {
        c.err(
            "sea_area",
            format!(
                "the storm rates give about {total:.3e} closures over the horizon, counting each \
                 sea area once and once more for every port it closes; the limit is \
                 {MAX_STORM_CLOSURES:e}"
            ),
        );
    }
}
