//! `caspian kpis [SCENARIO]`: every KPI with its unit and a one-line
//! meaning, grouped by family.

use serde_json::Value;

use crate::common::{fails, ok, read, scenario, scratch};

/// The listing's KPI lines as (name, rest of the line).
fn listed(out: &str) -> Vec<(String, String)> {
    out.lines()
        .filter_map(|l| l.strip_prefix("  "))
        .map(|l| {
            let (name, rest) = l.split_once(' ').unwrap();
            (name.to_string(), rest.trim().to_string())
        })
        .collect()
}

#[test]
fn every_kpi_of_a_run_is_listed_with_its_unit_and_meaning() {
    let dir = scratch("kpis");
    for (file, arg) in
        [(None, None), (Some("high_interdiction.toml"), Some(scenario("high_interdiction.toml")))]
    {
        let mut run = vec!["run", "-n", "2", "-q", "--json", "r.json"];
        let mut kpis = vec!["kpis"];
        if let Some(path) = arg.as_deref() {
            run.insert(1, path);
            kpis.push(path);
        }
        ok(&run, &dir);
        let doc: Value = serde_json::from_slice(&read(&dir, "r.json")).unwrap();
        let out = ok(&kpis, &dir);
        let lines = listed(&out);
        let names: Vec<&str> = lines.iter().map(|(n, _)| n.as_str()).collect();
        let expected: Vec<&String> = doc["kpis"].as_object().unwrap().keys().collect();
        assert_eq!(names.len(), expected.len(), "{file:?}: {out}");
        for k in expected {
            let (_, rest) = lines.iter().find(|(n, _)| n == k).unwrap_or_else(|| panic!("{k}"));
            let unit = doc["kpis"][k]["unit"].as_str().unwrap();
            assert!(rest.starts_with(unit), "{k}: unit {unit} in {rest:?}");
            assert!(rest.len() > unit.len() + 10, "{k}: a meaning follows: {rest:?}");
        }
        assert!(out.starts_with(&format!("{} KPIs of ", names.len())), "{out}");
        assert!(out.contains("\nanchorage_wait_h.<port>.<class>\n"), "grouped by family: {out}");
    }
    let err = fails(&["kpis", "missing.toml"], &dir, 2);
    assert!(err.contains("missing.toml"), "{err}");
}
