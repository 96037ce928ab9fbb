//! `--decision KEY=LO..HI` (whole numbers, both ends included) or
//! `KEY=V1,V2,...`: one decision variable, checked against the scenario
//! later as a sweep axis ([`crate::study::Study::sweep`]), so every key a
//! sweep takes is a decision.

use std::collections::BTreeMap;

use crate::study::{AxisSpec, Study, parse_axis, whole_range};
use crate::{CompiledScenario, SweepKey};

/// The most portfolios (the product of the decisions' value counts).
pub const MAX_PORTFOLIOS: usize = 10_000;

/// A malformed `--decision`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("--decision \"{spec}\": {what}")]
pub struct DecisionError {
    /// The argument given.
    pub spec: String,
    /// What is wrong.
    pub what: String,
}

/// Parses one `--decision`.
///
/// # Errors
/// [`DecisionError`] for a missing `=`, an empty key, a range whose ends
/// are not whole numbers or are reversed, or a value that is not a number.
pub fn parse(spec: &str) -> Result<AxisSpec, DecisionError> {
    let fail = |what: String| DecisionError {
        spec: caspian_shipping::compile::escape_invisible(&crate::validate::cap(spec), |_| false)
            .into_owned(),
        what,
    };
    // Only spaces may stand around the key and the values: a tab or line
    // break, at the ends too, is refused (as by `--set` and `--axis`).
    if caspian_shipping::compile::first_invisible(spec, |c| c == ' ').is_some() {
        return Err(fail("it holds a control or invisible character".into()));
    }
    let (key, values) =
        spec.split_once('=').ok_or_else(|| fail("expected KEY=LO..HI or KEY=V1,V2,...".into()))?;
    let key = key.trim();
    if key.is_empty() {
        return Err(fail("the key is empty".into()));
    }
    if let Some((lo, hi)) = values.split_once("..") {
        let values = whole_range(lo, hi, MAX_PORTFOLIOS).map_err(|e| fail(e.to_string()))?;
        return Ok(AxisSpec { key: key.to_string(), values });
    }
    let axis = parse_axis(spec).map_err(|e| fail(e.detail()))?;
    if let Some((_, v)) =
        axis.values.iter().enumerate().find(|(i, v)| axis.values[..*i].contains(v))
    {
        return Err(fail(format!("value {v} is given twice; give each value once")));
    }
    Ok(axis)
}

/// Checks that the decisions give at most [`MAX_PORTFOLIOS`] portfolios and
/// name each key once.
///
/// # Errors
/// [`DecisionError`] naming the problem.
pub fn check(specs: &[AxisSpec]) -> Result<(), DecisionError> {
    for (i, s) in specs.iter().enumerate() {
        if specs[..i].iter().any(|o| o.key == s.key) {
            return Err(DecisionError {
                spec: s.key.clone(),
                what: "the key is given twice; give each decision once".into(),
            });
        }
    }
    let count = specs.iter().try_fold(1usize, |acc, s| acc.checked_mul(s.values.len()));
    match count {
        Some(n) if n <= MAX_PORTFOLIOS => Ok(()),
        _ => Err(DecisionError {
            spec: specs.iter().map(|s| s.key.as_str()).collect::<Vec<_>>().join(" x "),
            what: format!(
                "the decisions give more than {MAX_PORTFOLIOS} portfolios; use fewer values"
            ),
        }),
    }
}

/// The first decision (its axis index) that nothing can price by the kind
/// of its key: a fleet's `capacity` (a vessel's price does not depend on
/// it) and a port's `depth_m` (the depth it has; only a `[[dredging]]`
/// entry is priced, by the metres it gains, so a deeper port would be
/// cheaper). Checked before any portfolio is compiled.
pub(crate) fn unpriced_by_kind(study: &Study) -> Option<usize> {
    study.axes.iter().position(|a| {
        a.values.len() > 1
            && matches!(a.key, SweepKey::FleetCapacity { .. } | SweepKey::PortDepth { .. })
    })
}

/// The first decision (its axis index) of two values or more whose values
/// all cost the same, and which has no price per use ([`priced_by_use`]):
/// with every other decision held at any of its values, each of its
/// values gives the same deterministic cost (`cost[p]`, a portfolio's
/// annualised capital plus fixed operating cost per year). Nothing prices
/// such a decision, so the search would take its kindest value for free.
pub(crate) fn unpriced(study: &Study, cost: &[f64]) -> Option<usize> {
    let candidate = |a: usize| {
        study.axes[a].values.len() > 1 && !priced_by_use(&study.axes[a].key, &study.plan)
    };
    (0..study.axes.len()).filter(|&a| candidate(a)).find(|&a| {
        let mut first: BTreeMap<Vec<u64>, f64> = BTreeMap::new();
        study.points.iter().zip(cost).all(|(point, &c)| {
            let held: Vec<u64> = point
                .values
                .iter()
                .enumerate()
                .filter(|&(i, _)| i != a)
                .map(|(_, v)| v.to_bits())
                .collect();
            *first.entry(held).or_insert(c) == c
        })
    })
}

/// Whether what `key` sets has a price per use in `plan`, which the
/// deterministic cost does not show: every vessel of a fleet costs its day
/// rate, sailing or not, and an escorted convoy its sortie.
fn priced_by_use(key: &SweepKey, plan: &CompiledScenario) -> bool {
    let costs = &plan.costs;
    match key {
        SweepKey::FleetCount { fleet } => plan
            .fleets
            .iter()
            .position(|f| f.id == *fleet)
            .is_some_and(|i| costs.at_sea_per_day[i] > 0.0 || costs.in_port_per_day[i] > 0.0),
        SweepKey::EscortEnabled => costs.escort_sortie > 0.0,
        _ => false,
    }
}

/// Why nothing prices a decision ([`unpriced_by_kind`], [`unpriced`]),
/// and what to do about it: the keys of `[costs]` that would price it in
/// `plan`.
pub(crate) fn unpriced_hint(key: &SweepKey, plan: &CompiledScenario) -> String {
    let cargo_of_storage = |i: usize| plan.storages.get(i).map_or("CARGO", |s| s.cargo.as_str());
    let class_of_fleet = |id: &str| {
        plan.fleets.iter().find(|f| f.id == id).map_or("CLASS", |f| f.berth_class.as_str())
    };
    match key {
        SweepKey::FleetCapacity { .. } => "the cost model prices a vessel, not its capacity; give \
             each size of vessel a fleet of its own and decide each fleet's count"
            .into(),
        SweepKey::PortDepth { port } => format!(
            "a port's depth_m is the depth it has, and nothing prices it; dredging is priced \
             only as a [[dredging]] entry, by the metres it gains \
             (costs.capital.dredging_per_m): compare files with and without a [[dredging]] of \
             {port} with caspian compare"
        ),
        SweepKey::OutflowCapacity { outflow } | SweepKey::OutflowCapacityTonnes { outflow } => {
            let cargo = plan
                .outflows
                .iter()
                .find(|o| o.id == *outflow)
                .map_or("CARGO", |o| cargo_of_storage(o.from));
            if plan.source.costs.capital.link_outflow.contains_key(outflow) {
                return format!(
                    "its own price, costs.capital.link_outflow.{outflow}, is 0 (it replaces the \
                     {cargo} links' price for it): set it above 0"
                );
            }
            format!(
                "a hinterland link has no price unless the scenario gives one (no source prices \
                 one): give it a price per unit of yearly capacity (its cargo: {cargo}), --set \
                 costs.capital.link_outflow.{outflow}=PRICE (or costs.capital.link.{cargo}, \
                 which prices every {cargo} link)"
            )
        }
        SweepKey::Berths { class, .. } => format!(
            "its berths are priced at 0: set costs.capital.berth.{c} or \
             costs.operating.berth_year.{c}",
            c = class.as_str()
        ),
        SweepKey::FleetCount { fleet } => format!(
            "its vessels are priced at 0: set costs.capital.vessel.{c} (or a day rate in the \
             file's [[costs.charter]] for {fleet}), costs.operating.vessel_day_at_sea.{c} or \
             costs.operating.vessel_day_in_port.{c}",
            c = class_of_fleet(fleet)
        ),
        SweepKey::StorageCapacity { storage } => {
            let cargo = plan
                .storages
                .iter()
                .position(|s| s.id == *storage)
                .map_or("CARGO", cargo_of_storage);
            format!("its capacity is priced at 0: set costs.capital.storage.{cargo}")
        }
        SweepKey::EscortEnabled => {
            "escorts are priced at 0: set costs.capital.escort_vessel (for the force, \
             interdiction.escort.escort_vessels) or costs.operating.escort_sortie"
                .into()
        }
        SweepKey::EscortVessels if plan.interdiction.escort.is_some() => {
            "escort vessels are priced at 0: set costs.capital.escort_vessel above 0".into()
        }
        SweepKey::EscortVessels => {
            "escort vessels are priced only with escorts on: set interdiction.escort.enabled = \
             true (with escorts off the force does nothing: portfolios that differ only in it \
             are one model, run once)"
                .into()
        }
        _ => "what it sets has no price in the scenario's [costs] (docs/scenarios.md, \"Costs\")"
            .into(),
    }
}

/// The warnings about the decisions of `study` (the portfolios): each
/// one-valued decision that changes nothing in any portfolio
/// ([`Study::inert_settings`](crate::study::Study::inert_settings): the
/// escort force with escorts off in every one). Compiles the portfolios
/// where it must, in parallel.
pub fn idle_decisions(study: &crate::study::Study) -> Vec<String> {
    study
        .inert_settings()
        .iter()
        .map(|d| {
            format!(
                "the decision {}={} changes nothing: in every portfolio, with the other \
                 decisions and overrides, the model is the one the scenario gives without it \
                 (the escort force with escorts off, say), so it is neither decided nor priced",
                d.key,
                crate::study::short_number(d.values[0]),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_and_lists() {
        let a = parse("port.alat.berths.rail_ferry=2..5").unwrap();
        assert_eq!(
            (a.key.as_str(), a.values),
            ("port.alat.berths.rail_ferry", vec![2.0, 3.0, 4.0, 5.0])
        );
        let a = parse("storage.aktau_tank_farm.capacity=120000,240000").unwrap();
        assert_eq!(a.values, vec![120_000.0, 240_000.0]);
        for (bad, says) in [
            ("x=5..2", "empty"),
            ("x=1.5..3", "whole number"),
            ("x", "expected"),
            ("=1,2", "empty"),
            ("x=1,two", "not a finite number"),
            ("x=nan,1", "\"nan\" is not a finite number"),
            ("x=1,1", "value 1 is given twice"),
            ("x=2,3,+", "\"+\" is not a finite number"),
            ("x=+1..3", "\"+1\": values are the values themselves, not increments"),
            ("x=1..++3", "\"++3\": values are the values themselves"),
        ] {
            let e = parse(bad).unwrap_err().to_string();
            assert!(e.contains(says) && e.contains("--decision"), "{bad}: {e}");
            assert!(!e.contains("--axis"), "names only the option given: {e}");
        }
        let big = vec![parse("a=1..200").unwrap(), parse("b=1..100").unwrap()];
        assert!(check(&big).unwrap_err().to_string().contains("more than 10000"));
        let huge = parse(&format!("a={}..{}", i64::MIN, i64::MAX)).unwrap_err();
        assert!(huge.to_string().contains("more than 10000 values"), "{huge}");
        let twice = vec![parse("a=1..2").unwrap(), parse("a=3,4").unwrap()];
        assert!(check(&twice).is_err());
    }
}
