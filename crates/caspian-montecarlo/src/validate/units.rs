//! The units of a document's KPIs: each one its family can have
//! (`allowed_units`), or empty in documents merged from parts written
//! before units were recorded.

use super::{DocumentError, cap, field};

/// The units a KPI may have: its family's, or for a family counted in its
/// cargo's unit, `t`, `wagons`, `trucks` or `TEU` (the cargo's own for
/// `<cargo>` names).
/// `None` for a name with no family (any unit is accepted).
pub(crate) fn allowed_units(name: &str) -> Option<Vec<&'static str>> {
    use crate::schema::Unit;
    let family = crate::schema::family_of(name)?;
    if family.unit == Unit::MoneyPerYear {
        // In the scenario's currency: any `<currency>/yr` (see `check_unit`).
        return None;
    }
    if family.unit != Unit::CargoUnit {
        return Some(vec![family.unit.as_str()]);
    }
    let at = family.pattern.split('.').position(|p| p == "<cargo>");
    let cargo = at.and_then(|at| name.split('.').nth(at)).and_then(|id| {
        caspian_shipping::scenario::Cargo::ALL.into_iter().find(|c| c.as_str() == id)
    });
    Some(match cargo {
        Some(c) => vec![Unit::CargoUnit.resolve(c).as_str()],
        None => vec![
            Unit::Tonnes.as_str(),
            Unit::Wagons.as_str(),
            Unit::Trucks.as_str(),
            Unit::Teu.as_str(),
            Unit::CargoUnit.as_str(),
        ],
    })
}

/// Checks one KPI's unit: empty (unknown: documents merged from parts
/// written before units were recorded), or one its family can have.
pub(super) fn check_unit(
    at: impl FnOnce() -> String,
    name: &str,
    unit: &str,
) -> Result<(), DocumentError> {
    if unit.is_empty() {
        return Ok(());
    }
    let money =
        crate::schema::family_of(name).is_some_and(|f| f.unit == crate::schema::Unit::MoneyPerYear);
    if money && unit.strip_suffix("/yr").is_none_or(str::is_empty) {
        return Err(field(
            at(),
            format!("\"{}\" is not a unit of {} (expected <currency>/yr)", cap(unit), cap(name)),
        ));
    }
    match allowed_units(name) {
        Some(allowed) if !allowed.contains(&unit) => Err(field(
            at(),
            format!(
                "\"{}\" is not a unit of {} (expected {})",
                cap(unit),
                cap(name),
                allowed.join(" or ")
            ),
        )),
        _ => Ok(()),
    }
}

pub(super) fn check_units<T>(
    at: &str,
    table: &std::collections::BTreeMap<String, crate::document::WithUnit<T>>,
) -> Result<(), DocumentError> {
    for (name, v) in table {
        check_unit(|| format!("{at}.{}.unit", cap(name)), name, &v.unit)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cost_units_are_a_currency_per_year() {
        let at = || "kpis.cost.total_per_year.unit".to_string();
        for ok in ["USD/yr", "EUR/yr", ""] {
            assert!(check_unit(at, "cost.total_per_year", ok).is_ok(), "{ok}");
        }
        for bad in ["t", "/yr", "USD"] {
            let e = check_unit(at, "cost.total_per_year", bad).unwrap_err().to_string();
            assert!(e.contains("expected <currency>/yr"), "{bad}: {e}");
        }
        // Other families keep their own units.
        assert!(check_unit(at, "delivered_total.oil", "USD/yr").is_err());
    }
}
