//! `[[fleet]]`: vessels, route, storages at each end, handling rates and
//! dispatch policy.

use std::collections::BTreeMap;

use caspian_engine::SimDuration;

use super::check::{
    Checker, MAX_AMOUNT, MAX_HORIZON_DAYS, MAX_VESSELS, index_ids, lookup, zero_dist,
};
use super::class_index;
use super::plan::{DispatchPlan, FleetPlan, HoldPlan, PortPlan, StoragePlan};
use crate::scenario::{Cargo, Dispatch, Fleet, Scenario};

/// What a fleet's references resolve against.
struct Known<'m, 'a> {
    port_ids: &'m BTreeMap<&'a str, usize>,
    storage_ids: &'m BTreeMap<&'a str, usize>,
    ports: &'m [PortPlan],
    storages: &'m [StoragePlan],
}

/// Every fleet, in file order.
pub(super) fn fleets(
    c: &mut Checker,
    s: &Scenario,
    port_ids: &BTreeMap<&str, usize>,
    storage_ids: &BTreeMap<&str, usize>,
    ports: &[PortPlan],
    storages: &[StoragePlan],
) -> Vec<FleetPlan> {
    index_ids(c, "fleet", s.fleets.iter().map(|x| &x.id));
    let vessels: u64 = s.fleets.iter().map(|f| u64::from(f.count)).sum();
    if vessels > MAX_VESSELS {
        c.err(
            "fleet",
            format!("{vessels} vessels in all fleets together; the limit is {MAX_VESSELS}"),
        );
    }
    let known = Known { port_ids, storage_ids, ports, storages };
    // Escorted only where escorts sail: with escorts off the fleet list is
    // not read (and two plans that differ only in it are one model).
    let escort = &s.interdiction.escort;
    s.fleets.iter().map(|f| fleet(c, f, &known, escort.enabled && escort.escorts(&f.id))).collect()
}

/// One fleet; `escorted`: whether it sails in escorted convoys (escorts
/// are enabled and it is among `interdiction.escort.fleets`).
fn fleet(c: &mut Checker, f: &Fleet, known: &Known<'_, '_>, escorted: bool) -> FleetPlan {
    let k = format!("fleet.{}", f.id);
    // 0 takes the fleet off its route: its cargo waits, spills or gives up.
    c.count(&format!("{k}.count"), u64::from(f.count), 0);
    if f.capacity == 0 {
        c.err(format!("{k}.capacity"), "must be at least 1, got 0");
    } else if f.capacity > MAX_AMOUNT {
        c.err(format!("{k}.capacity"), format!("is absurdly large; the limit is {MAX_AMOUNT}"));
    }
    let crossing = crossing(c, &k, f);
    let origin = lookup(c, known.port_ids, format!("{k}.origin"), "port", &f.origin);
    let destination = lookup(c, known.port_ids, format!("{k}.destination"), "port", &f.destination);
    if origin.is_some() && origin == destination {
        c.err(format!("{k}.destination"), "must differ from the origin");
    }
    let mut storage_at =
        |key: &str, id: &str, port: Option<usize>| storage_at(c, known, &k, f.cargo, key, id, port);
    let load_from = storage_at("load_from", &f.load_from, origin);
    let discharge_to = storage_at("discharge_to", &f.discharge_to, destination);
    let return_load_from =
        f.return_load_from.as_ref().and_then(|id| storage_at("return_load_from", id, destination));
    let return_discharge_to =
        f.return_discharge_to.as_ref().and_then(|id| storage_at("return_discharge_to", id, origin));
    if f.return_load_from.is_some() != f.return_discharge_to.is_some() {
        c.err(
            format!("{k}.return_discharge_to"),
            "return_load_from and return_discharge_to must be given together",
        );
    }
    let own = HoldPlan {
        cargo: f.cargo,
        deck_units: f.deck_units,
        load_from,
        discharge_to,
        return_load_from,
        return_discharge_to,
        spare: false,
    };
    let holds = deck(c, known, &k, f, own, (origin, destination));
    handling_rates(c, &k, f);
    let overhead = c.dist(&format!("{k}.port_call_overhead_h"), &f.port_call_overhead_h);
    let dispatch = dispatch(c, &k, f.dispatch);
    for (key, p) in
        [("incident_probability", f.incident_probability), ("loss_probability", f.loss_probability)]
    {
        if let Some(p) = p {
            c.probability(&format!("{k}.{key}"), p);
        }
    }
    // A vessel class no berth can serve would wait at anchorage forever.
    for (end, port) in [("origin", origin), ("destination", destination)] {
        if let Some(p) = port
            && !known.ports[p].serves(class_index(f.berth_class))
        {
            c.err(
                format!("{k}.berth_class"),
                format!(
                    "port \"{}\" ({end}) has no {} berth to serve this fleet",
                    known.ports[p].id,
                    f.berth_class.as_str()
                ),
            );
        }
    }
    FleetPlan {
        id: f.id.clone(),
        berth_class: f.berth_class,
        count: f.count,
        cargo: f.cargo,
        capacity: f.capacity,
        crossing,
        origin: origin.unwrap_or(0),
        load_from: load_from.unwrap_or(0),
        destination: destination.unwrap_or(0),
        discharge_to: discharge_to.unwrap_or(0),
        return_load_from,
        return_discharge_to,
        load_rate_per_h: f.load_rate_per_h,
        discharge_rate_per_h: f.discharge_rate_per_h,
        overhead: overhead.unwrap_or_else(zero_dist),
        dispatch,
        berth_priority: f.berth_priority,
        incident_probability: f.incident_probability,
        loss_probability: f.loss_probability,
        escorted,
        availability: super::availability::availability(c, &k, f.availability.as_ref()),
        holds,
        pre_advice: f.pre_advice_h.and_then(|h| c.hours(&format!("{k}.pre_advice_h"), h)),
    }
}

/// The fleet's holds: its own cargo, then each `also` share, checked: each
/// cargo once, deck units from 1 to the capacity, storages of the share's
/// cargo at the right end, return storages in pairs and only on a fleet
/// with a return leg.
fn deck(
    c: &mut Checker,
    known: &Known<'_, '_>,
    k: &str,
    f: &Fleet,
    own: HoldPlan,
    (origin, destination): (Option<usize>, Option<usize>),
) -> Vec<HoldPlan> {
    let mut holds = vec![own];
    let units_ok = |c: &mut Checker, key: String, n: u64| {
        if n == 0 {
            c.err(key, "must be at least 1");
        } else if n > f.capacity && f.capacity > 0 {
            c.err(
                key,
                format!("is {n}, more than the fleet's capacity ({}): none would fit", f.capacity),
            );
        }
    };
    units_ok(c, format!("{k}.deck_units"), f.deck_units);
    for (i, share) in f.also.iter().enumerate() {
        let key = format!("{k}.also[{i}]");
        units_ok(c, format!("{key}.deck_units"), share.deck_units);
        if holds.iter().any(|h| h.cargo == share.cargo) {
            c.err(
                format!("{key}.cargo"),
                format!(
                    "{} is already on this deck; each cargo is listed once",
                    share.cargo.as_str()
                ),
            );
        }
        let mut at = |name: &str, id: &Option<String>, port: Option<usize>| {
            id.as_ref().and_then(|id| storage_at(c, known, &key, share.cargo, name, id, port))
        };
        let hold = HoldPlan {
            cargo: share.cargo,
            deck_units: share.deck_units,
            load_from: at("load_from", &share.load_from, origin),
            discharge_to: at("discharge_to", &share.discharge_to, destination),
            return_load_from: at("return_load_from", &share.return_load_from, destination),
            return_discharge_to: at("return_discharge_to", &share.return_discharge_to, origin),
            spare: share.spare,
        };
        for (leg, load, discharge) in [
            ("", &share.load_from, &share.discharge_to),
            ("return_", &share.return_load_from, &share.return_discharge_to),
        ] {
            if load.is_some() != discharge.is_some() {
                c.err(
                    format!("{key}.{leg}discharge_to"),
                    format!("{leg}load_from and {leg}discharge_to must be given together"),
                );
            }
        }
        if share.return_load_from.is_some() && f.return_load_from.is_none() {
            c.err(
                format!("{key}.return_load_from"),
                "the fleet has no return leg (no return_load_from of its own cargo)",
            );
        }
        if share.load_from.is_none() && share.return_load_from.is_none() {
            c.err(format!("{key}.load_from"), "the share is carried on neither leg");
        }
        holds.push(hold);
    }
    holds
}

/// The calm-weather crossing time from speed and distance (zero where invalid).
fn crossing(c: &mut Checker, k: &str, f: &Fleet) -> SimDuration {
    let speed_ok = c.positive(&format!("{k}.speed_kn"), f.speed_kn, 100.0);
    let dist_ok = c.positive(&format!("{k}.distance_nmi"), f.distance_nmi, 20_000.0);
    if !(speed_ok && dist_ok) {
        return SimDuration::ZERO;
    }
    // A tiny speed would make the crossing overflow simulated time.
    let h = f.distance_nmi / f.speed_kn;
    if h > MAX_HORIZON_DAYS * 24.0 {
        c.err(
            format!("{k}.speed_kn"),
            format!(
                "crossing {:?} nmi at {:?} kn takes {h:e} hours, longer than the largest \
                 horizon ({} hours)",
                f.distance_nmi,
                f.speed_kn,
                MAX_HORIZON_DAYS * 24.0
            ),
        );
    }
    SimDuration::try_from_hours_f64(h).unwrap_or(SimDuration::ZERO)
}

/// A storage the fleet loads from or discharges into at one end of its
/// route: it must exist, hold the fleet's cargo and lie at that end's port.
fn storage_at(
    c: &mut Checker,
    known: &Known<'_, '_>,
    k: &str,
    cargo: Cargo,
    key: &str,
    id: &str,
    port: Option<usize>,
) -> Option<usize> {
    let idx = lookup(c, known.storage_ids, format!("{k}.{key}"), "storage", id)?;
    let st = &known.storages[idx];
    if st.cargo != cargo {
        c.err(
            format!("{k}.{key}"),
            format!(
                "storage \"{id}\" holds {} but the fleet carries {}",
                st.cargo.as_str(),
                cargo.as_str()
            ),
        );
    }
    if let Some(port) = port
        && st.port != port
    {
        c.err(
            format!("{k}.{key}"),
            format!(
                "storage \"{id}\" is at port \"{}\", not at this end of the route",
                known.ports[st.port].id
            ),
        );
    }
    Some(idx)
}

/// Load and discharge rates: positive, and a full cargo handled within the
/// largest horizon.
fn handling_rates(c: &mut Checker, k: &str, f: &Fleet) {
    for (key, rate) in
        [("load_rate_per_h", f.load_rate_per_h), ("discharge_rate_per_h", f.discharge_rate_per_h)]
    {
        // A tiny rate would make handling one cargo overflow simulated time.
        let h = f.capacity as f64 / rate;
        if c.positive(&format!("{k}.{key}"), rate, 1e12) && h > MAX_HORIZON_DAYS * 24.0 {
            c.err(
                format!("{k}.{key}"),
                format!(
                    "handling a full cargo ({} units) at {rate:?} units/h takes {h:e} hours, \
                     longer than the largest horizon ({} hours)",
                    f.capacity,
                    MAX_HORIZON_DAYS * 24.0
                ),
            );
        }
    }
}

/// The dispatch policy with its times in ticks.
fn dispatch(c: &mut Checker, k: &str, dispatch: Dispatch) -> DispatchPlan {
    match dispatch {
        Dispatch::WhenFull {} => DispatchPlan::WhenFull,
        Dispatch::FullOrMaxWait { max_wait_h } => DispatchPlan::FullOrMaxWait(
            c.hours(&format!("{k}.dispatch.max_wait_h"), max_wait_h).unwrap_or(SimDuration::ZERO),
        ),
        Dispatch::Timetable { interval_h, offset_h } => {
            let interval_ok =
                c.positive(&format!("{k}.dispatch.interval_h"), interval_h, 24.0 * 365.0);
            let interval = if interval_ok {
                SimDuration::try_from_hours_f64(interval_h).unwrap_or(SimDuration::from_hours(1))
            } else {
                SimDuration::from_hours(1)
            };
            if interval.ticks() == 0 {
                // Every instant would be a slot: the timetable would mean nothing.
                c.err(format!("{k}.dispatch.interval_h"), "rounds to zero milliseconds");
            }
            let offset = c.hours(&format!("{k}.dispatch.offset_h"), offset_h).unwrap_or_default();
            DispatchPlan::Timetable { interval, offset }
        }
    }
}
