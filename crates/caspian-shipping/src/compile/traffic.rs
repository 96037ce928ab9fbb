//! Open traffic, interdiction (incidents, closures, escorts) and sweep axes.

use std::collections::BTreeMap;

use caspian_engine::{SimDuration, SimTime};

use super::check::{Checker, index_ids, lookup, zero_dist};
use super::class_index;
use super::plan::{EscortPlan, InterdictionPlan, OpenTrafficPlan, PortPlan};
use crate::resolve::plain::number;
use crate::scenario::Scenario;
use crate::sweep::{SweepError, SweepKey};

/// `[[open_traffic]]`: port, berth class, arrivals and service.
pub(super) fn open_traffic(
    c: &mut Checker,
    s: &Scenario,
    port_ids: &BTreeMap<&str, usize>,
    ports: &[PortPlan],
) -> Vec<OpenTrafficPlan> {
    index_ids(c, "open_traffic", s.open_traffic.iter().map(|x| &x.id));
    let mut open_traffic = Vec::new();
    for o in &s.open_traffic {
        let k = format!("open_traffic.{}", o.id);
        let port = lookup(c, port_ids, format!("{k}.port"), "port", &o.port);
        if let Some(p) = port
            && !ports[p].serves(class_index(o.berth_class))
        {
            c.err(
                format!("{k}.berth_class"),
                format!("port \"{}\" has no {} berth", ports[p].id, o.berth_class.as_str()),
            );
        }
        let interarrival = c.dist(&format!("{k}.interarrival_h"), &o.interarrival_h);
        if interarrival.as_ref().is_some_and(|d| d.mean() <= 0.0) {
            c.err(format!("{k}.interarrival_h"), "mean must be greater than zero");
        } else if let Some(d) = &interarrival
            && SimDuration::try_from_hours_f64(d.mean()).is_ok_and(|t| t.ticks() == 0)
        {
            // Arrivals at one instant without end: only max_events would stop them.
            c.err(
                format!("{k}.interarrival_h"),
                format!("mean {} hours rounds to zero milliseconds", number(d.mean())),
            );
        }
        let service = c.dist(&format!("{k}.service_h"), &o.service_h);
        open_traffic.push(OpenTrafficPlan {
            id: o.id.clone(),
            port: port.unwrap_or(0),
            berth_class: o.berth_class,
            interarrival: interarrival.unwrap_or_else(zero_dist),
            service: service.unwrap_or_else(zero_dist),
            berth_priority: o.berth_priority,
        });
    }
    open_traffic
}

/// `[interdiction]`: incidents, detentions, corridor closures and escorts.
pub(super) fn interdiction(c: &mut Checker, s: &Scenario, horizon: SimTime) -> InterdictionPlan {
    let i = &s.interdiction;
    c.probability("interdiction.incident_probability", i.incident_probability);
    c.probability("interdiction.loss_probability", i.loss_probability);
    let detention = c.dist("interdiction.detention_h", &i.detention_h);
    let rate_ok = c.range("interdiction.closures_per_year", i.closures_per_year, 0.0, 1_000.0);
    let closure_duration = c.dist("interdiction.closure_duration_h", &i.closure_duration_h);
    // A rate out of range is one problem, said once (not again in the
    // generator's words).
    if let (true, Some(d)) = (rate_ok, &closure_duration) {
        let mut rng = crate::streams::stream(0, 0, crate::streams::Source::CorridorClosure, 0);
        if let Err(e) = crate::timeline::annual_episodes(i.closures_per_year, d, horizon, &mut rng)
        {
            c.err("interdiction.closures_per_year", e.to_string());
        }
    }
    let replacement =
        i.replacement_days.as_ref().and_then(|d| c.dist("interdiction.replacement_days", d));
    let escort = if i.escort.enabled {
        c.probability("interdiction.escort.incident_factor", i.escort.incident_factor);
        c.count("interdiction.escort.convoy_size", u64::from(i.escort.convoy_size), 1);
        let wait = c.hours("interdiction.escort.max_wait_h", i.escort.max_wait_h);
        // A convoy waits for a free escort: with none, none would sail.
        c.count("interdiction.escort.escort_vessels", u64::from(i.escort.escort_vessels), 1);
        escorted_fleets(c, s);
        Some(EscortPlan {
            incident_factor: i.escort.incident_factor,
            convoy_size: i.escort.convoy_size,
            max_wait: wait.unwrap_or_default(),
            force: i.escort.escort_vessels,
        })
    } else {
        None
    };
    InterdictionPlan {
        incident_probability: i.incident_probability,
        loss_probability: i.loss_probability,
        detention: detention.unwrap_or_else(zero_dist),
        closures_per_year: i.closures_per_year,
        closure_duration: closure_duration.unwrap_or_else(zero_dist),
        escort,
        replacement,
    }
}

/// `interdiction.escort.fleets`: fleets of the scenario, each once.
fn escorted_fleets(c: &mut Checker, s: &Scenario) {
    let Some(list) = &s.interdiction.escort.fleets else { return };
    let ids: BTreeMap<&str, usize> =
        s.fleets.iter().enumerate().map(|(i, f)| (f.id.as_str(), i)).collect();
    for (n, id) in list.iter().enumerate() {
        let key = format!("interdiction.escort.fleets[{n}]");
        if list[..n].contains(id) {
            c.err(key, format!("fleet \"{id}\" is named twice"));
        } else {
            lookup(c, &ids, key, "fleet", id);
        }
    }
}

/// `[[sweep]]`: each axis names a sweepable key and has values that can be
/// written into the scenario. Design points are not compiled here.
pub(super) fn sweeps(c: &mut Checker, s: &Scenario) {
    for (n, axis) in s.sweeps.iter().enumerate() {
        let k = format!("sweep[{n}]");
        if axis.values.is_empty() {
            c.err(format!("{k}.values"), format!("axis \"{}\" has no values", axis.key));
        }
        let key = axis
            .key
            .parse::<SweepKey>()
            .map_err(SweepError::from)
            .and_then(|key| key.check(s).map(|()| key));
        if let Some(first) = s.sweeps[..n].iter().position(|a| a.key == axis.key) {
            c.err(
                format!("{k}.key"),
                format!("\"{}\" is swept twice (also sweep[{first}])", axis.key),
            );
        }
        let replaced = key.as_ref().ok().and_then(|key| {
            s.sweeps[..n]
                .iter()
                .position(|a| a.key.parse::<SweepKey>().is_ok_and(|b| key.replaces(&b)))
        });
        if let Some(first) = replaced {
            c.err(
                format!("{k}.key"),
                format!(
                    "\"{}\" gives the quantity sweep[{first}] (\"{}\") gives, another way: \
                     writing one removes the other, so sweep one of them",
                    axis.key, s.sweeps[first].key
                ),
            );
        }
        let key = match key {
            Ok(key) => Some(key),
            Err(e) => {
                c.err(format!("{k}.key"), e.to_string());
                None
            }
        };
        for (j, &v) in axis.values.iter().enumerate() {
            if !v.is_finite() {
                c.err(
                    format!("{k}.values[{j}]"),
                    format!("must be a finite number, got {}", number(v)),
                );
            } else if let Some(key) = &key {
                // Each value must be writable into the scenario (e.g. no
                // fractional berth count).
                let mut probe = s.clone();
                if let Err(e) = key.apply(&mut probe, v) {
                    c.err(format!("{k}.values[{j}]"), e.to_string());
                }
            }
        }
    }
}
