//! `[fleet.availability]`: a fleet's dry-dock cycle and random breakdowns,
//! checked and converted (`docs/scenarios.md`, "Vessel availability").

use caspian_engine::SimDuration;

use super::check::{Checker, MAX_HORIZON_DAYS};
use super::plan::AvailabilityPlan;
use crate::resolve::plain::number;
use crate::scenario::Availability;

/// The availability of fleet key `k` (`fleet.<id>`), or `None` when it has
/// none or it is invalid (the errors are in `c`).
pub(super) fn availability(
    c: &mut Checker,
    k: &str,
    a: Option<&Availability>,
) -> Option<AvailabilityPlan> {
    let a = a?;
    let k = format!("{k}.availability");
    let before = c.errors.len();
    let drydock = drydock(c, &k, a);
    let breakdown = breakdown(c, &k, a);
    if a.drydock_every_days.is_none() && a.mtbf_days.is_none() && a.repair_h.is_none() {
        if a.drydock_days.is_none() {
            c.err(
                &k,
                "sets neither a dry-dock cycle (drydock_every_days, drydock_days) nor \
                 breakdowns (mtbf_days, repair_h); leave the table out for a fleet that is \
                 always available",
            );
        }
        return None;
    }
    (c.errors.len() == before).then_some(AvailabilityPlan { drydock, breakdown })
}

/// A key that needs its partner: the error names the missing one.
fn pair<A, B>(
    c: &mut Checker,
    k: &str,
    a: (&str, Option<A>),
    b: (&str, Option<B>),
) -> Option<(A, B)> {
    match (a.1, b.1) {
        (Some(x), Some(y)) => Some((x, y)),
        (None, None) => None,
        (Some(_), None) => {
            c.err(format!("{k}.{}", b.0), format!("is missing: {} needs it", a.0));
            None
        }
        (None, Some(_)) => {
            c.err(format!("{k}.{}", a.0), format!("is missing: {} needs it", b.0));
            None
        }
    }
}

/// Days to a duration, checked positive and within the largest horizon.
fn days(c: &mut Checker, key: &str, d: f64) -> Option<SimDuration> {
    if !c.positive(key, d, MAX_HORIZON_DAYS) {
        return None;
    }
    SimDuration::try_from_hours_f64(d * 24.0).map_err(|e| c.err(key, e.to_string())).ok()
}

/// The dry-dock cycle: interval and length, the length shorter than the
/// interval (else the vessel would never leave the dock).
fn drydock(c: &mut Checker, k: &str, a: &Availability) -> Option<(SimDuration, SimDuration)> {
    let (every, length) =
        pair(c, k, ("drydock_every_days", a.drydock_every_days), ("drydock_days", a.drydock_days))?;
    let interval = days(c, &format!("{k}.drydock_every_days"), every);
    let duration = days(c, &format!("{k}.drydock_days"), length);
    let (interval, duration) = (interval?, duration?);
    if duration >= interval {
        c.err(
            format!("{k}.drydock_days"),
            format!(
                "must be shorter than drydock_every_days ({}), got {}",
                number(every),
                number(length)
            ),
        );
        return None;
    }
    Some((interval, duration))
}

/// Breakdowns: mean days between failures (in hours) and the repair time.
fn breakdown(c: &mut Checker, k: &str, a: &Availability) -> Option<(f64, crate::dist::Dist)> {
    let (mtbf, repair) = pair(c, k, ("mtbf_days", a.mtbf_days), ("repair_h", a.repair_h.as_ref()))?;
    let mtbf_ok = c.positive(&format!("{k}.mtbf_days"), mtbf, MAX_HORIZON_DAYS);
    let key = format!("{k}.repair_h");
    let repair = c.dist(&key, repair)?;
    if repair.mean() <= 0.0 {
        c.err(key, "must have a mean above zero (a repair takes time)");
        return None;
    }
    mtbf_ok.then_some((mtbf * 24.0, repair))
}
