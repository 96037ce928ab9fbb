//! The KPI names of saved replications (merge parts, checkpoints): the
//! ones caspian writes, in its order.

use super::cap;

/// Why `names` cannot be the KPI names of replications caspian saved: the
/// model's layout lists its KPIs sorted by name, each once, and every one
/// of a family of the schema. So names swapped, repeated or renamed by
/// hand (which would file every value under another KPI) are caught
/// without the scenario; `None` when they can be. For the readers of merge
/// parts, which hold no scenario to compile, and of sweep checkpoints
/// (whose names a resume then checks against each point's scenario).
pub(crate) fn kpi_names_problem(names: &[String]) -> Option<String> {
    if let Some(problem) = names.iter().find_map(|n| unknown_kpi(n)) {
        return Some(problem);
    }
    names.windows(2).find(|w| w[0] >= w[1]).map(|w| {
        format!(
            "KPI \"{}\" follows \"{}\": the names are not in the order caspian writes them \
             (sorted, each once)",
            cap(&w[1]),
            cap(&w[0])
        )
    })
}

/// Why `name` is no KPI caspian writes: a name of no family of the KPI
/// schema, added or renamed by hand (it would pass as a KPI of its own),
/// or from a later version; `None` when it is one. For every name a
/// document reads as a KPI: a table's, a measure's, a saved row's.
pub(super) fn unknown_kpi(name: &str) -> Option<String> {
    crate::schema::family_of(name)
        .is_none()
        .then(|| format!("\"{}\" is no KPI caspian writes", cap(name)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kpi_names_must_be_sorted_once_and_known() {
        let names = |list: &[&str]| list.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(kpi_names_problem(&names(&["cargo_lost.oil", "delivered_total.oil"])), None);
        assert_eq!(kpi_names_problem(&[]), None);
        let swapped =
            kpi_names_problem(&names(&["delivered_total.oil", "cargo_lost.oil"])).unwrap();
        assert!(
            swapped.contains("\"cargo_lost.oil\" follows \"delivered_total.oil\""),
            "{swapped}"
        );
        let twice = kpi_names_problem(&names(&["cargo_lost.oil", "cargo_lost.oil"])).unwrap();
        assert!(twice.contains("not in the order"), "{twice}");
        let unknown =
            kpi_names_problem(&names(&["cargo_lost.oil", "delivered_total.zzz"])).unwrap();
        assert_eq!(unknown, "\"delivered_total.zzz\" is no KPI caspian writes");
    }
}
