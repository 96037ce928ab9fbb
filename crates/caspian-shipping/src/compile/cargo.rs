//! Storages, inflows (demand), outflows (hinterland links), and the check
//! that every demand has a route.

use std::collections::BTreeMap;

use caspian_engine::SimDuration;

use super::check::{Checker, MAX_AMOUNT, index_ids, lookup, zero_dist};
use super::plan::{FleetPlan, InflowPlan, OutflowPlan, StoragePlan};
use crate::resolve::plain::number;
use crate::scenario::{Cargo, Inflow, Scenario, WhenFull};

/// `[[storage]]`: port, capacity and initial content.
pub(super) fn storages<'a>(
    c: &mut Checker,
    s: &'a Scenario,
    port_ids: &BTreeMap<&str, usize>,
) -> (BTreeMap<&'a str, usize>, Vec<StoragePlan>) {
    let storage_ids = index_ids(c, "storage", s.storages.iter().map(|x| &x.id));
    let mut storages = Vec::new();
    for st in &s.storages {
        let k = format!("storage.{}", st.id);
        let port = lookup(c, port_ids, format!("{k}.port"), "port", &st.port).unwrap_or(0);
        if st.capacity == 0 {
            c.err(format!("{k}.capacity"), "must be at least 1");
        } else if st.capacity > MAX_AMOUNT {
            c.err(format!("{k}.capacity"), format!("is absurdly large; the limit is {MAX_AMOUNT}"));
        }
        if st.initial > st.capacity {
            c.err(
                format!("{k}.initial"),
                format!("initial content {} exceeds capacity {}", st.initial, st.capacity),
            );
        }
        storages.push(StoragePlan {
            id: st.id.clone(),
            port,
            cargo: st.cargo,
            capacity: st.capacity,
            initial: st.initial,
        });
    }
    (storage_ids, storages)
}

/// `[[inflow]]`: target storage, rate, arrival size and season.
pub(super) fn inflows(
    c: &mut Checker,
    s: &Scenario,
    storage_ids: &BTreeMap<&str, usize>,
    storages: &[StoragePlan],
) -> Vec<InflowPlan> {
    index_ids(c, "inflow", s.inflows.iter().map(|x| &x.id));
    let mut inflows = Vec::new();
    for f in &s.inflows {
        let k = format!("inflow.{}", f.id);
        let into = lookup(c, storage_ids, format!("{k}.into"), "storage", &f.into);
        c.positive(&format!("{k}.arrivals_per_year"), f.arrivals_per_year, 1e7);
        let size = c.dist(&format!("{k}.size"), &f.size);
        if let (Some(size), Some(into)) = (&size, into)
            && size.mean() > storages[into].capacity as f64
        {
            c.err(
                format!("{k}.size"),
                format!(
                    "mean arrival ({}) exceeds the capacity of storage \"{}\" ({})",
                    size.mean(),
                    storages[into].id,
                    storages[into].capacity
                ),
            );
        }
        let mut season_ok = true;
        for (m, &w) in f.seasonal.iter().enumerate() {
            season_ok &= c.range(&format!("{k}.seasonal[{m}]"), w, 0.0, 1_000.0);
        }
        let season_sum: f64 = f.seasonal.iter().sum();
        if season_ok && season_sum <= 0.0 {
            c.err(format!("{k}.seasonal"), "at least one month must have a positive weight");
        }
        let (when_full, patience) = when_full(c, &k, f);
        let mean_weight = if season_sum > 0.0 { season_sum / 12.0 } else { 1.0 };
        let per_hour = f.arrivals_per_year / (365.0 * 24.0);
        let rate_per_h = f.seasonal.map(|w| per_hour * w / mean_weight);
        inflows.push(InflowPlan {
            id: f.id.clone(),
            into: into.unwrap_or(0),
            rate_per_h,
            size: size.unwrap_or_else(zero_dist),
            pattern: f.pattern,
            when_full,
            patience,
        });
    }
    inflows
}

/// Longest `patience_h` accepted: ten years.
const MAX_PATIENCE_H: f64 = 24.0 * 3650.0;

/// An inflow's policy when its storage is full (`when_full`, or the old
/// `spill_when_full`, never both) and its patience. The format's default is
/// `wait`: cargo is never dropped unless the scenario says so.
fn when_full(c: &mut Checker, k: &str, f: &Inflow) -> (WhenFull, Option<SimDuration>) {
    let policy = match (f.when_full, f.spill_when_full) {
        (Some(_), Some(_)) => {
            c.err(
                format!("{k}.when_full"),
                format!(
                    "give either {k}.when_full or its old spelling {k}.spill_when_full, not both"
                ),
            );
            WhenFull::Wait
        }
        (Some(w), None) => w,
        (None, Some(true)) => WhenFull::Spill,
        (None, Some(false) | None) => WhenFull::Wait,
    };
    let key = format!("{k}.patience_h");
    let patience = match f.patience_h {
        Some(_) if policy == WhenFull::Spill => {
            c.err(key, "a spilling inflow never waits at the gate, so it has no patience: remove patience_h or choose when_full = \"wait\" or \"divert\"");
            None
        }
        Some(h) => c
            .range(&key, h, 0.0, MAX_PATIENCE_H)
            .then(|| SimDuration::try_from_hours_f64(h).ok())
            .flatten(),
        None if policy == WhenFull::Divert => Some(SimDuration::ZERO),
        None => None,
    };
    (policy, patience)
}

/// The shortest outflow draw interval accepted: one minute.
pub(super) const MIN_OUTFLOW_INTERVAL_H: f64 = 1.0 / 60.0;

/// The heaviest unit accepted, in tonnes (a whole train is lighter).
const MAX_TONNES_PER_UNIT: f64 = 1e4;

/// `[tonnes_per_unit]`: positive weights, oil exactly 1 (it is counted in
/// tonnes); by [`Cargo::index`].
pub(super) fn tonnes_per_unit(c: &mut Checker, s: &Scenario) -> [f64; Cargo::COUNT] {
    let table = &s.tonnes_per_unit;
    if table.oil != 1.0 {
        c.err(
            "tonnes_per_unit.oil",
            format!("oil is counted in tonnes, so it must be 1, got {}", number(table.oil)),
        );
    }
    for cargo in Cargo::ALL.into_iter().filter(|c| *c != Cargo::Oil) {
        let key = format!("tonnes_per_unit.{}", cargo.as_str());
        c.positive(&key, table.get(cargo), MAX_TONNES_PER_UNIT);
    }
    Cargo::ALL.map(|cargo| table.get(cargo))
}

/// An outflow's capacity in its storage's unit per year: `capacity_per_year`
/// as given, or `capacity_t_per_year` converted with `tonnes_per_unit`;
/// exactly one of them.
fn units_per_year(
    c: &mut Checker,
    k: &str,
    o: &crate::scenario::Outflow,
    cargo: Option<Cargo>,
    tonnes_per_unit: &[f64; Cargo::COUNT],
) -> f64 {
    match (o.capacity_per_year, o.capacity_t_per_year) {
        (Some(units), None) => {
            c.positive(&format!("{k}.capacity_per_year"), units, 1e15);
            units
        }
        (None, Some(t)) => {
            c.positive(&format!("{k}.capacity_t_per_year"), t, 1e15);
            tonnes_to_units(t, cargo, tonnes_per_unit)
        }
        (Some(_), Some(_)) => {
            c.err(
                format!("{k}.capacity_t_per_year"),
                format!(
                    "give either {k}.capacity_per_year (in the storage's unit) or \
                     {k}.capacity_t_per_year (in tonnes), not both"
                ),
            );
            1.0
        }
        (None, None) => {
            c.err(
                format!("{k}.capacity_per_year"),
                "is missing: give capacity_per_year (in the storage's unit) or \
                 capacity_t_per_year (in tonnes)",
            );
            1.0
        }
    }
}

/// `t` tonnes a year in the unit of `cargo` (unchanged when the storage is
/// unknown or its weight invalid: those are reported elsewhere).
fn tonnes_to_units(t: f64, cargo: Option<Cargo>, tonnes_per_unit: &[f64; Cargo::COUNT]) -> f64 {
    let per_unit = cargo.map_or(1.0, |c| tonnes_per_unit[c.index()]);
    if per_unit > 0.0 { t / per_unit } else { t }
}

/// An outflow's other freight (`other_t_per_year`, not the corridor's) in
/// its storage's unit per year: zero when absent; otherwise finite, not
/// negative and below the link's capacity (`capacity`, in the same unit),
/// so that some capacity is left to the corridor.
fn other_units_per_year(
    c: &mut Checker,
    k: &str,
    o: &crate::scenario::Outflow,
    cargo: Option<Cargo>,
    tonnes_per_unit: &[f64; Cargo::COUNT],
    capacity: f64,
) -> f64 {
    let Some(t) = o.other_t_per_year else { return 0.0 };
    let key = format!("{k}.other_t_per_year");
    if !c.range(&key, t, 0.0, 1e15) {
        return 0.0;
    }
    let units = tonnes_to_units(t, cargo, tonnes_per_unit);
    // A capacity that is not a positive number has its own error already.
    if units >= capacity && capacity > 0.0 {
        // Units converted from tonnes: whole ones, or three decimals below
        // 100, are precise enough here.
        let whole = |u: f64| {
            if u >= 100.0 { format!("{u:.0}") } else { number((u * 1000.0).round() / 1000.0) }
        };
        c.err(
            key,
            format!(
                "other freight ({} t/yr, {} units) must be below the link's capacity \
                 ({} units/yr): it would leave nothing for the corridor",
                number(t),
                whole(units),
                whole(capacity)
            ),
        );
        return 0.0;
    }
    units
}

/// `[[outflow]]`: source storage, capacity and draw interval.
pub(super) fn outflows(
    c: &mut Checker,
    s: &Scenario,
    storage_ids: &BTreeMap<&str, usize>,
    storages: &[StoragePlan],
    tonnes_per_unit: &[f64; Cargo::COUNT],
) -> Vec<OutflowPlan> {
    index_ids(c, "outflow", s.outflows.iter().map(|x| &x.id));
    let mut outflows = Vec::new();
    for o in &s.outflows {
        let k = format!("outflow.{}", o.id);
        let from = lookup(c, storage_ids, format!("{k}.from"), "storage", &o.from);
        let cargo = from.and_then(|st| storages.get(st)).map(|st| st.cargo);
        let capacity_per_year = units_per_year(c, &k, o, cargo, tonnes_per_unit);
        // A draw fires an event while the storage holds cargo: a draw every
        // few milliseconds would spend the whole event budget on nothing
        // (a railway or a pipeline offtake is not metered by the second).
        let key = format!("{k}.interval_h");
        let interval_ok = if o.interval_h < MIN_OUTFLOW_INTERVAL_H {
            c.err(
                key,
                format!("must be at least one minute (1/60 h), got {}", number(o.interval_h)),
            );
            false
        } else {
            c.positive(&key, o.interval_h, 24.0 * 365.0)
        };
        // At least a minute, so it never rounds to zero milliseconds.
        let interval = if interval_ok {
            SimDuration::try_from_hours_f64(o.interval_h).unwrap_or(SimDuration::from_hours(6))
        } else {
            SimDuration::from_hours(6)
        };
        let other_per_year =
            other_units_per_year(c, &k, o, cargo, tonnes_per_unit, capacity_per_year);
        outflows.push(OutflowPlan {
            id: o.id.clone(),
            from: from.unwrap_or(0),
            per_interval: (capacity_per_year - other_per_year) * o.interval_h / (365.0 * 24.0),
            interval,
            capacity_per_year,
            other_per_year,
        });
    }
    outflows
}

/// Demand with no route: an inflow into a storage no fleet loads from and no
/// outflow drains would only ever fill up.
pub(super) fn demand_routes(
    c: &mut Checker,
    inflows: &[InflowPlan],
    outflows: &[OutflowPlan],
    fleets: &[FleetPlan],
    storages: &[StoragePlan],
) {
    for f in inflows {
        let loaded = fleets
            .iter()
            .flat_map(|fl| &fl.holds)
            .any(|h| h.load_from == Some(f.into) || h.return_load_from == Some(f.into));
        let drained = outflows.iter().any(|o| o.from == f.into);
        if !loaded && !drained && f.into < storages.len() {
            c.err(
                format!("inflow.{}.into", f.id),
                format!("no fleet loads from and no outflow drains storage \"{}\": this demand has no route", storages[f.into].id),
            );
        }
    }
    // Cargo in a storage a fleet loads from is still in the corridor: an
    // outflow taking it would take it out undelivered, and the corridor's
    // account (delivered, service level, transit) would lose it.
    for o in outflows.iter().filter(|o| o.from < storages.len()) {
        let loader = fleets.iter().find(|fl| {
            fl.holds
                .iter()
                .any(|h| h.load_from == Some(o.from) || h.return_load_from == Some(o.from))
        });
        if let Some(fleet) = loader {
            c.err(
                format!("outflow.{}.from", o.id),
                format!(
                    "storage \"{}\" is one fleet \"{}\" loads from: its cargo is still on its way \
                     across the sea, and what the outflow took would leave the corridor \
                     undelivered (no delivered total, service level or transit time would count \
                     it); drain a storage no fleet loads from, such as the one the vessels \
                     discharge into",
                    storages[o.from].id, fleet.id
                ),
            );
        }
    }
}
