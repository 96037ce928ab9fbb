//! Vessel availability (`[fleet.availability]`) through the binary: the
//! KPIs it adds and how they relate to the others in the per-replication
//! CSV, the inline and sub-table forms reading the same, `--set` on its
//! keys, the `Maintenance` phase in traces, and bad keys rejected with
//! exit code 2 naming the key.

use crate::common::{columns, fails, ok, scenario, scratch};

/// The baseline's text with every `availability = ...` line removed.
fn baseline_without_availability() -> String {
    std::fs::read_to_string(scenario("baseline.toml"))
        .unwrap()
        .lines()
        .filter(|l| !l.trim_start().starts_with("availability ="))
        .map(|l| format!("{l}\n"))
        .collect()
}

/// A small fleet of tankers with `availability` written as `form`.
fn small(form: &str) -> String {
    format!(
        r#"[scenario]
name = "availability"
horizon_days = 400
warmup_days = 35

[[port]]
id = "west"
berths = {{ tanker = 1 }}

[[port]]
id = "east"
berths = {{ tanker = 1 }}

[[storage]]
id = "west_tanks"
port = "west"
cargo = "oil"
capacity = 50000
initial = 10000

[[storage]]
id = "east_tanks"
port = "east"
cargo = "oil"
capacity = 100000

[[inflow]]
id = "crude"
into = "west_tanks"
arrivals_per_year = 365
size = {{ dist = "constant", value = 3000.0 }}

[[outflow]]
id = "pipeline"
from = "east_tanks"
capacity_per_year = 5000000

[[fleet]]
id = "tankers"
berth_class = "tanker"
count = 2
cargo = "oil"
capacity = 8000
speed_kn = 10.0
distance_nmi = 250.0
origin = "west"
load_from = "west_tanks"
destination = "east"
discharge_to = "east_tanks"
load_rate_per_h = 1000.0
discharge_rate_per_h = 1000.0
{form}
"#
    )
}

#[test]
fn trips_per_vessel_month_is_voyages_per_vessel_per_month_and_downtime_fits_the_window() {
    let dir = scratch("availability-kpis");
    ok(&["run", "-n", "6", "-q", "--csv", "reps.csv"], &dir);
    let cols = columns(&dir, "reps.csv");
    // The baseline's fleets and counts, and its 365-day window.
    let months = 365.0 / 30.44;
    for (fleet, count) in
        [("ferries_kuryk_alat", 3.0), ("ferries_aktau_alat", 1.0), ("oil_tankers", 4.0)]
    {
        let trips = &cols[&format!("trips_per_vessel_month.{fleet}")];
        let voyages = &cols[&format!("voyages.{fleet}")];
        for (t, v) in trips.iter().zip(voyages) {
            let want = v / count / months;
            assert!((t - want).abs() <= 1e-9 * want, "{fleet}: {t} trips a month, {v} voyages");
        }
        for d in &cols[&format!("downtime_h.{fleet}")] {
            assert!((0.0..=365.0 * 24.0).contains(d), "{fleet}: {d} h out of service");
        }
        for kind in ["breakdowns", "drydocks"] {
            for n in &cols[&format!("{kind}.{fleet}")] {
                assert!(*n >= 0.0 && n.fract() == 0.0, "{kind}.{fleet} = {n}");
            }
        }
        // Out of service some of the year in at least one replication.
        assert!(cols[&format!("downtime_h.{fleet}")].iter().any(|&d| d > 0.0), "{fleet}");
    }
}

#[test]
fn without_the_table_there_are_no_downtime_kpis_and_a_never_due_table_changes_nothing_else() {
    let dir = scratch("availability-crn");
    let plain = baseline_without_availability();
    std::fs::write(dir.join("plain.toml"), &plain).unwrap();
    ok(&["run", "plain.toml", "-n", "4", "-q", "--csv", "plain.csv"], &dir);
    // The same scenario with a table whose first dry-dock and failure lie
    // far beyond the horizon.
    let tankers = "dispatch = { policy = \"when_full\" }\n";
    assert_eq!(plain.matches(tankers).count(), 1, "the tankers' dispatch line");
    let never = plain.replace(
        tankers,
        &format!(
            "{tankers}availability = {{ drydock_every_days = 300000.0, drydock_days = 20.0, \
             mtbf_days = 300000.0, repair_h = {{ dist = \"constant\", value = 24.0 }} }}\n"
        ),
    );
    std::fs::write(dir.join("never.toml"), never).unwrap();
    ok(&["run", "never.toml", "-n", "4", "-q", "--csv", "never.csv"], &dir);
    let (a, b) = (columns(&dir, "plain.csv"), columns(&dir, "never.csv"));
    assert!(a.keys().all(|k| !k.starts_with("downtime_h.")), "no table, no downtime KPIs");
    assert!(a.contains_key("trips_per_vessel_month.oil_tankers"), "productivity for every fleet");
    assert_eq!(b["downtime_h.oil_tankers"], vec![0.0; 4], "nothing fell due");
    for (name, values) in &a {
        let other = &b[name];
        let same = values.iter().zip(other).all(|(x, y)| x.to_bits() == y.to_bits());
        assert!(same, "{name}: {values:?} became {other:?}");
    }
}

#[test]
fn the_inline_table_and_the_sub_table_read_the_same() {
    let dir = scratch("availability-forms");
    let inline = small(
        "availability = { drydock_every_days = 200.0, drydock_days = 10.0, mtbf_days = 20.0, \
         repair_h = { dist = \"lognormal\", mean = 24.0, sd = 12.0 } }",
    );
    let sub = small(
        "\n[fleet.availability]\ndrydock_every_days = 200.0\ndrydock_days = 10.0\nmtbf_days = \
         20.0\nrepair_h = { dist = \"lognormal\", mean = 24.0, sd = 12.0 }",
    );
    std::fs::write(dir.join("inline.toml"), inline).unwrap();
    std::fs::write(dir.join("sub.toml"), sub).unwrap();
    ok(&["run", "inline.toml", "-n", "5", "-q", "--csv", "inline.csv"], &dir);
    ok(&["run", "sub.toml", "-n", "5", "-q", "--csv", "sub.csv"], &dir);
    let (a, b) = (columns(&dir, "inline.csv"), columns(&dir, "sub.csv"));
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
    for (name, values) in &a {
        assert!(values.iter().zip(&b[name]).all(|(x, y)| x.to_bits() == y.to_bits()), "{name}");
    }
    // A breakdown every 20 days in service over a 365-day window: some.
    assert!(a["breakdowns.tankers"].iter().sum::<f64>() > 0.0);
    // Each vessel docks at most twice in 400 days (every 200 days), so the
    // two vessels begin at most 4 dry-dockings in the window.
    assert!(a["drydocks.tankers"].iter().all(|&n| n <= 4.0));
}

#[test]
fn the_trace_shows_vessels_in_maintenance() {
    let dir = scratch("availability-trace");
    let trace = ok(&["trace", "--set", "fleet.ferries_kuryk_alat.availability.mtbf_days=5"], &dir);
    let header: Vec<&str> = trace.lines().next().unwrap().split(',').collect();
    let phase = header.iter().position(|&h| h == "phase").unwrap();
    let subject = header.iter().position(|&h| h == "subject").unwrap();
    let rows: Vec<Vec<&str>> = trace.lines().skip(1).map(|l| l.split(',').collect()).collect();
    let maintenance: Vec<_> = rows.iter().filter(|r| r[phase] == "Maintenance").collect();
    assert!(!maintenance.is_empty(), "a breakdown every 5 days shows up");
    assert!(maintenance.iter().any(|r| r[subject].starts_with("vessel ferries_kuryk_alat#")));
}

#[test]
fn bad_availability_keys_exit_2_naming_the_key() {
    let dir = scratch("availability-bad");
    let cases = [
        ("availability = { mtbf_days = 30.0 }", "fleet.tankers.availability.repair_h"),
        (
            "availability = { drydock_every_days = 10.0, drydock_days = 12.0 }",
            "fleet.tankers.availability.drydock_days",
        ),
        (
            "availability = { mtbf_days = 0.0, repair_h = { dist = \"constant\", value = 5.0 } }",
            "fleet.tankers.availability.mtbf_days",
        ),
        ("availability = { mtbf = 30.0 }", "mtbf"),
    ];
    for (i, (form, key)) in cases.iter().enumerate() {
        let name = format!("bad{i}.toml");
        std::fs::write(dir.join(&name), small(form)).unwrap();
        let err = fails(&["validate", &name], &dir, 2);
        assert!(err.contains(key), "{form}: the message names {key}: {err}");
    }
}

#[test]
fn availability_figures_are_sweep_axes() {
    let dir = scratch("availability-sweep");
    // Breakdowns every 5 days in service instead of 45 take the Kuryk-Alat
    // ferries out of service more often: more breakdowns, more downtime.
    let axis = "fleet.ferries_kuryk_alat.availability.mtbf_days=5,45";
    let base = scenario("baseline.toml");
    ok(&["sweep", &base, "-n", "3", "-q", "--axis", axis, "--json", "s.json"], &dir);
    let doc: serde_json::Value =
        serde_json::from_slice(&crate::common::read(&dir, "s.json")).unwrap();
    assert_eq!(doc["axes"][0]["key"], "fleet.ferries_kuryk_alat.availability.mtbf_days");
    let points = doc["points"].as_array().unwrap();
    let kpi = |p: usize, k: &str| points[p]["kpis"][k]["mean"].as_f64().unwrap();
    let k = "ferries_kuryk_alat";
    assert!(kpi(0, &format!("breakdowns.{k}")) > kpi(1, &format!("breakdowns.{k}")));
    assert!(kpi(0, &format!("downtime_h.{k}")) > kpi(1, &format!("downtime_h.{k}")));
}
