//! The Caspian model on the shipped scenarios: every file loads and runs, the
//! books balance, and a replication is a pure function of (scenario, seed,
//! replication).

use std::path::PathBuf;

/// Every `.toml` under `scenarios/`, subfolders (e.g. `scenarios/stress/`) included.
fn scenario_files() -> Vec<PathBuf> {
    fn walk(dir: &std::path::Path, files: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).expect("scenarios/ is readable") {
            let path = entry.expect("readable entry").path();
            if path.is_dir() {
                walk(&path, files);
            } else if path.extension().is_some_and(|x| x == "toml") {
                files.push(path);
            }
        }
    }
    let mut files = Vec::new();
    walk(&PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../scenarios"), &mut files);
    files.sort();
    assert!(files.iter().any(|p| p.ends_with("stress/alat_closed_30d.toml")), "stress tests found");
    files
}

/// A shipped scenario file with the files it extends, resolved.
pub(crate) fn resolved(path: &std::path::Path) -> caspian_shipping::resolve::Resolved {
    use caspian_shipping::resolve::{Root, resolve};
    let mut load = |p: &std::path::Path| std::fs::read_to_string(p).map_err(|e| e.to_string());
    resolve(Root::File(path), &[], &mut load).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn every_shipped_scenario_loads_runs_and_conserves_cargo() {
    let files = scenario_files();
    assert!(!files.is_empty());
    for path in files {
        let text = resolved(&path).text;
        let origin = path.display().to_string();
        let plan = caspian_shipping::load(&text, &origin).unwrap_or_else(|e| panic!("{e}"));
        for rep in 0..3 {
            let out = caspian_shipping::simulate(&plan, 7, rep);
            assert_eq!(
                out.conservation_residual,
                [0; caspian_shipping::scenario::Cargo::COUNT],
                "{origin} replication {rep}"
            );
            assert!(!out.truncated, "{origin} hit the event limit");
            assert!(out.events > 0);
        }
        println!("{origin}: ok");
    }
}

#[test]
fn embedded_baseline_is_the_shipped_file() {
    let shipped = std::fs::read_to_string(
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../scenarios/baseline.toml"),
    )
    .unwrap();
    assert_eq!(shipped, caspian_shipping::BASELINE_TOML);
}

#[test]
fn replications_are_pure_functions_of_seed_and_index() {
    let plan = caspian_shipping::load(caspian_shipping::BASELINE_TOML, "baseline").unwrap();
    let a = caspian_shipping::simulate(&plan, 11, 4);
    let b = caspian_shipping::simulate(&plan, 11, 4);
    let c = caspian_shipping::simulate(&plan, 11, 5);
    let bits = |r: &caspian_shipping::Replication| {
        r.kpis.iter().map(|(k, v)| (k.to_string(), v.to_bits())).collect::<Vec<_>>()
    };
    assert_eq!(bits(&a), bits(&b));
    assert_ne!(bits(&a), bits(&c));
}

#[test]
fn baseline_moves_the_configured_oil() {
    // 1.7 Mt/yr enters Aktau; with spare tanker capacity, a year's deliveries
    // should be within a few percent of it (each replication is one year after warm-up).
    let plan = caspian_shipping::load(caspian_shipping::BASELINE_TOML, "baseline").unwrap();
    let n = 20;
    let mean = (0..n)
        .map(|r| caspian_shipping::simulate(&plan, 3, r).kpis.get("delivered_total.oil").unwrap())
        .sum::<f64>()
        / n as f64;
    println!("baseline oil delivered: {mean:.0} t/yr (inflow 1,700,900 t/yr)");
    assert!((mean - 1_700_900.0).abs() < 0.03 * 1_700_900.0, "{mean}");
}

#[test]
fn unknown_keys_and_bad_values_are_reported_with_their_key() {
    let text = caspian_shipping::BASELINE_TOML.replace("speed_kn = 10.0", "speed_knots = 10.0");
    let err = caspian_shipping::load(&text, "bad.toml").unwrap_err().to_string();
    assert!(err.contains("bad.toml") && err.contains("speed_knots"), "{err}");

    let text = caspian_shipping::BASELINE_TOML.replace("warmup_days = 30", "warmup_days = 400");
    let err = caspian_shipping::load(&text, "bad.toml").unwrap_err().to_string();
    assert!(err.contains("scenario.warmup_days"), "{err}");

    let text = caspian_shipping::BASELINE_TOML
        .replace("incident_probability = 0.0001", "incident_probability = 1.5");
    let err = caspian_shipping::load(&text, "bad.toml").unwrap_err().to_string();
    assert!(err.contains("interdiction.incident_probability"), "{err}");

    let text =
        caspian_shipping::BASELINE_TOML.replace("origin = \"aktau\"", "origin = \"atlantis\"");
    let err = caspian_shipping::load(&text, "bad.toml").unwrap_err().to_string();
    assert!(err.contains("unknown port \"atlantis\""), "{err}");
}

#[test]
fn a_probe_sees_every_event_and_sample_without_changing_the_result() {
    use caspian_engine::SimDuration;
    use caspian_shipping::probe::Recorder;
    let plan = caspian_shipping::load(caspian_shipping::BASELINE_TOML, "baseline").unwrap();
    let plain = caspian_shipping::simulate(&plan, 3, 1);
    let mut rec = Recorder {
        every: Some(SimDuration::from_hours(24)),
        trace_events: true,
        ..Recorder::default()
    };
    let probed = caspian_shipping::simulate_probed(&plan, 3, 1, &mut rec);
    // Bit for bit (NaN included: an undefined KPI must stay undefined).
    let bits = |r: &caspian_shipping::Replication| -> Vec<(String, u64)> {
        r.kpis.iter().map(|(n, v)| (n.to_string(), v.to_bits())).collect()
    };
    assert_eq!(bits(&plain), bits(&probed), "a probe must not change the KPIs");
    assert_eq!(plain.events, probed.events);
    let fired = rec.trace.iter().filter(|e| e.event.fired()).count();
    // Events a vessel out of service ignores have none.
    assert_eq!(fired as u64 + probed.ignored_events, probed.events, "one trace entry per event");
    assert!(rec.trace.windows(2).all(|w| w[0].time <= w[1].time), "trace in time order");
    // One sample a day from day 0 through the horizon, inclusive.
    let days = (plan.horizon.ticks() / SimDuration::from_hours(24).ticks()) as usize;
    assert_eq!(rec.samples.len(), days + 1);
    assert_eq!(rec.samples[1].time.ticks(), SimDuration::from_hours(24).ticks());
    // Deliveries only grow between warm-up resets; the last sample matches the KPIs.
    let last = rec.samples.last().unwrap();
    assert_eq!(last.delivered[0] as f64, probed.kpis.get("delivered_total.oil").unwrap());
    assert_eq!(last.delivered[1] as f64, probed.kpis.get("delivered_total.wagons").unwrap());
    let kinds: std::collections::BTreeSet<&str> =
        rec.trace.iter().map(|e| e.event.as_str()).collect();
    for k in ["arrive", "load_done", "discharge_done", "inflow", "outflow", "port_close"] {
        assert!(kinds.contains(k), "trace has {k} events: {kinds:?}");
    }
}

#[test]
fn the_trace_shows_corridor_closures_as_the_kpi_counts_them() {
    use caspian_shipping::probe::Recorder;
    let text = caspian_shipping::BASELINE_TOML
        .replace("closures_per_year = 0.2 ", "closures_per_year = 20.0 ");
    assert_ne!(text, caspian_shipping::BASELINE_TOML, "the baseline sets closures_per_year");
    let plan = caspian_shipping::load(&text, "frequent closures").unwrap();
    let (warmup, horizon) = (plan.warmup.as_hours_f64(), plan.horizon.as_hours_f64());
    for rep in 0..3 {
        let mut rec = Recorder { trace_events: true, ..Recorder::default() };
        let out = caspian_shipping::simulate_probed(&plan, 9, rep, &mut rec);
        let bounds: Vec<(&str, f64)> = rec
            .trace
            .iter()
            .filter(|e| e.subject == caspian_shipping::trace::Subject::Corridor)
            .map(|e| (e.event.as_str(), e.time.as_hours_f64()))
            .collect();
        assert!(bounds.len() >= 20, "replication {rep}: {} boundaries", bounds.len());
        // Alternating close/open, in time order; the last may stay open.
        let mut closed_h = 0.0;
        for (i, pair) in bounds.chunks(2).enumerate() {
            assert_eq!(pair[0].0, "corridor_close", "boundary {}", 2 * i);
            let end = pair.get(1).map_or(horizon, |b| {
                assert_eq!(b.0, "corridor_open");
                b.1
            });
            closed_h += (end.min(horizon) - pair[0].1.max(warmup)).max(0.0);
        }
        let kpi = out.kpis.get("corridor_closure_h").unwrap();
        assert!(
            (closed_h - kpi).abs() < 1e-6,
            "replication {rep}: trace {closed_h} h, KPI {kpi} h"
        );
    }
}

/// Cargo is conserved between demand and its four fates, for every cargo,
/// every shipped scenario and every replication: what was in the corridor at
/// the start (with no warm-up: the initial stock of origin storages, those a
/// fleet loads from) plus the demand of inflows into origin storages equals
/// delivered + shut in + diverted + lost + still in the corridor at the
/// end. And the service level is delivered over the first two. Each
/// scenario runs as shipped and again with every inflow that waits at its
/// gate made to divert after a day (so the diverted term is exercised).
#[test]
fn demand_is_delivered_shut_in_diverted_lost_or_still_in_the_corridor() {
    use caspian_shipping::scenario::WhenFull;
    let mut diverted_anywhere = 0.0;
    for path in scenario_files() {
        let text = resolved(&path).text;
        let shipped = path.display().to_string();
        let mut scenario = caspian_shipping::parse(&text, &shipped).unwrap();
        // With its warm-up, the service level still lies in [0, 1].
        let as_shipped = caspian_shipping::compile(&scenario).unwrap();
        let out = caspian_shipping::simulate(&as_shipped, 7, 0);
        for (name, value) in out.kpis.iter().filter(|(n, _)| n.starts_with("service_level.")) {
            assert!(value.is_nan() || (0.0..=1.0).contains(&value), "{shipped}: {name} = {value}");
        }
        scenario.scenario.warmup_days = 0.0;
        let mut diverting = scenario.clone();
        for f in &mut diverting.inflows {
            if f.spill_when_full != Some(true) && f.when_full != Some(WhenFull::Spill) {
                (f.spill_when_full, f.when_full) = (None, Some(WhenFull::Divert));
                f.patience_h = Some(24.0);
            }
        }
        for (scenario, variant) in [(scenario, "as shipped"), (diverting, "diverting")] {
            let origin = format!("{shipped} ({variant})");
            let plan = caspian_shipping::compile(&scenario).unwrap();
            diverted_anywhere += corridor_balances(&plan, &origin);
        }
    }
    assert!(diverted_anywhere > 0.0, "some shipped scenario diverts when made to");
}

/// The corridor identity and the service level checked on three
/// replications of `plan` with no warm-up; returns the units diverted.
fn corridor_balances(plan: &caspian_shipping::CompiledScenario, origin: &str) -> f64 {
    let mut diverted = 0.0;
    let is_origin =
        |st: usize| plan.fleets.iter().any(|f| f.load_from == st || f.return_load_from == Some(st));
    for rep in 0..3 {
        let out = caspian_shipping::simulate(plan, 7, rep);
        let kpi = |name: &str| out.kpis.get(name).unwrap_or_else(|| panic!("no KPI {name}"));
        for cargo in plan.reported_cargoes() {
            let c = cargo.as_str();
            let initial: u64 = (plan.storages.iter().enumerate())
                .filter(|&(st, s)| s.cargo == cargo && is_origin(st))
                .map(|(_, s)| s.initial)
                .sum();
            let inflows: Vec<&str> = (plan.inflows.iter())
                .filter(|f| plan.storages[f.into].cargo == cargo && is_origin(f.into))
                .map(|f| f.id.as_str())
                .collect();
            let sum = |family: &str| -> f64 {
                inflows.iter().map(|id| kpi(&format!("{family}.{id}"))).sum()
            };
            let owed = initial as f64 + sum("demand");
            assert_eq!(kpi(&format!("diverted_total.{c}")), sum("diverted"), "{origin}");
            diverted += sum("diverted");
            let fates = kpi(&format!("delivered_total.{c}"))
                + sum("shut_in")
                + kpi(&format!("diverted_total.{c}"))
                + kpi(&format!("cargo_lost.{c}"))
                + kpi(&format!("backlog_end.{c}"));
            assert_eq!(owed, fates, "{origin} replication {rep}, {c}");
            let service = kpi(&format!("service_level.{c}"));
            if owed > 0.0 {
                let expected = kpi(&format!("delivered_total.{c}")) / owed;
                assert_eq!(service, expected, "{origin} replication {rep}, {c}");
                assert!((0.0..=1.0).contains(&service));
            } else {
                assert!(service.is_nan());
            }
        }
    }
    diverted
}

/// A relay: the ferry shuttle's ferries discharge into a yard that a
/// second fleet loads from and carries on to a third port. The cargo is
/// delivered once, at the end (the corridor balances), its transit time
/// runs from the first gate to the last discharge, and cargo still at a
/// local yard's gate is no corridor cargo.
#[test]
fn relayed_cargo_is_delivered_once_where_it_leaves_the_corridor() {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../scenarios/ferry_shuttle.toml");
    let shuttle = std::fs::read_to_string(path).unwrap();
    let relay = shuttle.replace("from = \"west_yard\"", "from = \"far_yard\"")
        + r#"
[[port]]
id = "far"
sea_area = "middle_caspian"
berths = { rail_ferry = 1 }

[[storage]]
id = "far_yard"
port = "far"
cargo = "wagons"
capacity = 200
initial = 0

[[fleet]]
id = "feeders"
berth_class = "rail_ferry"
count = 2
cargo = "wagons"
capacity = 50
speed_kn = 12.0
distance_nmi = 120.0
origin = "west"
load_from = "west_yard"
destination = "far"
discharge_to = "far_yard"
load_rate_per_h = 25.0
discharge_rate_per_h = 25.0
dispatch = { policy = "when_full" }
"#;
    let mut scenario = caspian_shipping::parse(&relay, "relay").unwrap();
    scenario.scenario.warmup_days = 0.0;
    let plan = caspian_shipping::compile(&scenario).unwrap();
    corridor_balances(&plan, "relay");
    let out = caspian_shipping::simulate(&plan, 7, 0);
    let kpi = |name: &str| out.kpis.get(name).unwrap();
    // Delivered once: what the feeders landed in the far yard, not also
    // what the ferries landed in the relay yard.
    assert_eq!(kpi("delivered_total.wagons"), kpi("delivered.far_yard"));
    assert!(kpi("delivered.west_yard") > kpi("delivered.far_yard"), "the relay yard still counts");
    // The mean transit covers both legs: the shuttle's own (its first
    // leg, under the same random numbers), plus at least the feeders' 2 h
    // of loading and 10-h crossing (cargo moves ashore at the berth's
    // grant). Recorded at the relay yard too, each unit would count twice,
    // and the mean would be the shuttle's plus half the second leg (here
    // 84.1 h against 67.7 h: half of 16.4 h is under 12).
    let mut alone = caspian_shipping::parse(&shuttle, "shuttle").unwrap();
    alone.scenario.warmup_days = 0.0;
    let alone = caspian_shipping::simulate(&caspian_shipping::compile(&alone).unwrap(), 7, 0);
    let first_leg = alone.kpis.get("transit_h.wagons.mean").unwrap();
    let both = kpi("transit_h.wagons.mean");
    assert!(both >= first_leg + 12.0, "relay {both} h, shuttle {first_leg} h");
}

#[test]
fn two_more_kuryk_ferries_do_not_double_the_berth_wait_of_ready_ferries() {
    // Issue 16's test of berths held only for work: with 5 Kuryk ferries
    // instead of 3, a ferry ready to work waits at most twice as long for a
    // Kuryk berth (it waited 14 times as long when ferries waiting for
    // trains held the berths: 1.6 h -> 22.6 h). Same seeds, 20 years each.
    let mean_wait = |path: &str| {
        let text = resolved(&PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(path)).text;
        let plan = caspian_shipping::load(&text, path).unwrap_or_else(|e| panic!("{e}"));
        let n = 20;
        (0..n)
            .map(|r| {
                let kpis = caspian_shipping::simulate(&plan, 5, r).kpis;
                kpis.get("anchorage_wait_h.kuryk.rail_ferry").unwrap()
            })
            .sum::<f64>()
            / n as f64
    };
    let three = mean_wait("../scenarios/baseline.toml");
    let five = mean_wait("../scenarios/larger_ferry_fleet.toml");
    println!("Kuryk berth wait of ready ferries: 3 ferries {three:.2} h, 5 ferries {five:.2} h");
    assert!(three > 0.0, "ready ferries do meet busy berths sometimes");
    assert!(five <= 2.0 * three, "5 ferries {five} h vs 3 ferries {three} h");
}

#[test]
fn seed_scenarios_carry_at_least_95_percent_of_their_stated_tonnes() {
    // Issue 16: each seed scenario is provisioned with the fleet and berths
    // it needs; the test holds it to 95% of the tonnes it states, in the
    // mean of 20 replications at the scenario's seed. A seed's tonnes are
    // those delivered into the storages it names (units times the cargo's
    // tonnes per unit): westbound into Baku, not the eastbound return loads.
    const WEST: [&str; 3] = ["alat_yard_west", "alat_container_yard", "alat_truck_park_west"];
    const KZ_16: [&str; 4] =
        ["sangachal_tank_farm", "alat_yard_west", "alat_container_yard", "alat_truck_park_west"];
    let seeds: [(&str, &[&str], f64); 5] = [
        ("../scenarios/seed_oil_4mt.toml", &["sangachal_tank_farm"], 4_000_000.0),
        ("../scenarios/seed_transit_10mt.toml", &WEST, 10_000_000.0),
        ("../scenarios/seed_kz_16mt_btk17.toml", &KZ_16, 16_000_000.0),
        ("../scenarios/wb_2030.toml", &WEST, 11_000_000.0),
        // and the World Bank's 500k TEU: 6 Mt at 12 t a TEU.
        ("../scenarios/wb_2030.toml", &["alat_container_yard"], 6_000_000.0),
    ];
    for (path, storages, stated) in seeds {
        let plan = seed_plan(path);
        let seed = plan.source.scenario.seed;
        let n = 20;
        let mean = (0..n)
            .map(|r| westbound_tonnes(&plan, &caspian_shipping::simulate(&plan, seed, r), storages))
            .sum::<f64>()
            / n as f64;
        println!("{path}: {storages:?} {mean:.0} t of {stated:.0} t stated");
        assert!(mean >= 0.95 * stated, "{path}: {mean} t below 95% of {stated}");
    }
}

/// A shipped seed scenario, resolved and compiled.
fn seed_plan(path: &str) -> caspian_shipping::CompiledScenario {
    let text = resolved(&PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(path)).text;
    caspian_shipping::load(&text, path).unwrap_or_else(|e| panic!("{e}"))
}

/// Tonnes delivered into `storages`: `delivered.<storage>` times the
/// tonnes per unit of its cargo.
fn westbound_tonnes(
    plan: &caspian_shipping::CompiledScenario,
    out: &caspian_shipping::Replication,
    storages: &[&str],
) -> f64 {
    storages
        .iter()
        .map(|id| {
            let st = plan.storages.iter().find(|s| s.id == *id).expect("a storage of the seed");
            let units = out.kpis.get(&format!("delivered.{id}")).unwrap();
            units * plan.source.tonnes_per_unit.get(st.cargo)
        })
        .sum()
}

#[test]
fn btk_binds_in_the_16_mt_seed_at_its_initial_capacity() {
    // Issue 16 item 8: on seed_kz_16mt_btk17's fleet and demand (~93,000
    // wagons a year landing at Alat), BTK at its initial 6.5 Mt, less its
    // own 1 Mt, is full all year and carries less than at 17 Mt: the paired
    // difference of westbound tonnes exceeds its 95% half-width.
    let path = "../scenarios/seed_kz_16mt_btk17.toml";
    let plan_at = |capacity: f64| {
        let text = resolved(&PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(path)).text;
        let mut scenario = caspian_shipping::parse(&text, path).unwrap();
        caspian_shipping::sweep::apply(
            &mut scenario,
            "outflow.btk_railway.capacity_t_per_year",
            capacity,
        )
        .unwrap();
        caspian_shipping::compile(&scenario).unwrap()
    };
    let (low, high) = (plan_at(6_500_000.0), plan_at(17_000_000.0));
    let storages =
        ["sangachal_tank_farm", "alat_yard_west", "alat_container_yard", "alat_truck_park_west"];
    let seed = low.source.scenario.seed;
    let n = 10;
    let (mut diffs, mut use_low) = (Vec::new(), Vec::new());
    for r in 0..n {
        let (a, b) =
            (caspian_shipping::simulate(&low, seed, r), caspian_shipping::simulate(&high, seed, r));
        diffs.push(westbound_tonnes(&high, &b, &storages) - westbound_tonnes(&low, &a, &storages));
        use_low.push(a.kpis.get("link_utilization.btk_railway").unwrap());
    }
    let mean = diffs.iter().sum::<f64>() / n as f64;
    let var = diffs.iter().map(|d| (d - mean).powi(2)).sum::<f64>() / (n - 1) as f64;
    let half_width = 2.262 * (var / n as f64).sqrt(); // t(0.975, 9)
    assert!(mean > half_width, "17 Mt carries {mean} t more, half-width {half_width}");
    for u in use_low {
        assert!(u > 0.98, "BTK at 6.5 Mt is used {u}, not full");
    }
}

/// The worked example of docs/scenarios.md is a scenario that loads, runs
/// with its books balanced, delivers wagons, and whose every sweep value
/// applies and compiles, as the page says: the page cannot drift from the
/// format unnoticed.
#[test]
fn the_worked_example_of_the_scenario_docs_loads_and_runs() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../docs/scenarios.md");
    let doc = std::fs::read_to_string(&path).expect("docs/scenarios.md exists");
    let section = doc.split("\n## Worked example").nth(1).expect("the section exists");
    let text = section
        .split("```toml\n")
        .nth(1)
        .and_then(|block| block.split("\n```").next())
        .expect("the section opens with a TOML block");
    let plan = crate::model_mechanisms::load(text);
    let out = crate::model_mechanisms::run(&plan, plan.source.scenario.seed, 0);
    assert!(crate::model_mechanisms::kpi(&out, "delivered_total.wagons") > 0.0);
    assert!(!plan.source.sweeps.is_empty(), "the example declares sweep axes");
    for axis in &plan.source.sweeps {
        for &value in &axis.values {
            let mut scenario = plan.source.clone();
            caspian_shipping::sweep::apply(&mut scenario, &axis.key, value)
                .unwrap_or_else(|e| panic!("{} = {value}: {e}", axis.key));
            caspian_shipping::compile(&scenario)
                .unwrap_or_else(|e| panic!("{} = {value}: {e:?}", axis.key));
        }
    }
}

/// The 2030 and 16 Mt stress tests repeat the disruptions of today's
/// (`random_outages`, `btk_outage_21d`, `alat_closed_30d`; a scenario
/// extends one file), so that an investment valued against one differs
/// from its value at today's demand only by the demand. Each must be
/// `demand_2030.toml` (or the 16 Mt seed) plus exactly those disruptions:
/// this test keeps the lists the same.
#[test]
fn the_2030_stress_tests_are_demand_2030_plus_todays_disruptions() {
    let path = |p: &str| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../scenarios").join(p);
    for (today, later, count, base) in [
        ("stress/random_outages.toml", "stress/random_outages_2030.toml", 6, "demand_2030.toml"),
        ("stress/btk_outage_21d.toml", "stress/btk_outage_21d_2030.toml", 1, "demand_2030.toml"),
        ("stress/alat_closed_30d.toml", "stress/alat_closed_30d_2030.toml", 2, "demand_2030.toml"),
        (
            "stress/alat_closed_30d.toml",
            "stress/alat_closed_30d_16mt.toml",
            2,
            "seed_kz_16mt_btk17.toml",
        ),
    ] {
        let demand = resolved(&path(base)).scenario;
        let (file, today) = (later, resolved(&path(today)).scenario);
        let later = resolved(&path(later)).scenario;
        assert_eq!(today.disruptions.len(), count);
        assert_eq!(later.disruptions, today.disruptions, "{file}: the disruptions differ");
        let mut without = later.clone();
        without.disruptions.clear();
        without.scenario.name.clone_from(&demand.scenario.name);
        without.scenario.description.clone_from(&demand.scenario.description);
        assert_eq!(without, demand, "{file}: more than the disruptions differs from {base}");
    }
}

/// `compare --one-off` runs each scenario's twin without its dated
/// disruptions, and the twin keeps every other disruption on the random
/// stream of its place in the scenario's list. With the dated disruption
/// listed first, the random outages after it must strike in the twin when
/// they strike with the event (common random numbers: otherwise the
/// valuation would set different outages side by side); listed last, the
/// twin is the scenario without it, to the bit.
#[test]
fn a_twin_keeps_the_streams_of_the_disruptions_after_a_dated_one() {
    use caspian_montecarlo::study::Study;
    use caspian_montecarlo::twin::{Without, twin};
    let path = |p: &str| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../scenarios").join(p);
    let random = resolved(&path("stress/random_outages.toml"));
    let plain = Study::single(&random.text, "random_outages", None).unwrap();
    let mut event = resolved(&path("stress/btk_outage_21d.toml")).scenario.disruptions[0].clone();
    event.id = "btk_dated".into();
    let bits = |k: &caspian_shipping::Kpis, prefix: &str| -> Vec<(String, u64)> {
        k.iter()
            .filter(|(n, _)| n.starts_with(prefix))
            .map(|(n, v)| (n.into(), v.to_bits()))
            .collect()
    };
    for first in [true, false] {
        let mut with_event = random.scenario.clone();
        let at = if first { 0 } else { with_event.disruptions.len() };
        with_event.disruptions.insert(at, event.clone());
        let mut dated = plain.clone();
        dated.plan = caspian_shipping::compile(&with_event).unwrap();
        let twin = twin(&dated, 0, Without::Dated).unwrap();
        for rep in 0..4 {
            let with = caspian_shipping::simulate(&dated.plan, 11, rep).kpis;
            let without = caspian_shipping::simulate(&twin.plan, 11, rep).kpis;
            let outages = bits(&without, "disruption_h.");
            assert_eq!(outages.len(), 6);
            let struck: Vec<_> = bits(&with, "disruption_h.")
                .into_iter()
                .filter(|(n, _)| n != "disruption_h.btk_dated")
                .collect();
            assert_eq!(struck, outages, "first {first}, replication {rep}");
            // The outages did strike: the test is not vacuous.
            assert!(outages.iter().any(|(_, v)| f64::from_bits(*v) > 0.0), "rep {rep}");
            if !first {
                let plain = caspian_shipping::simulate(&plain.plan, 11, rep).kpis;
                assert_eq!(bits(&without, ""), bits(&plain, ""), "replication {rep}");
            }
        }
    }
}

/// `two_shores.toml` and `seed_kz_16mt_two_shores.toml` draw the west
/// shore's storms apart under "the same law" as the east's (their headers,
/// calibration.md 1.2): a copy by hand, so a recalibration of the
/// baseline's weather must reach it, or the two ends of the unknown
/// correlation would differ in more than the correlation.
#[test]
fn the_two_shores_files_give_the_west_shore_the_east_shores_storm_law() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../scenarios");
    for (file, parent) in [
        ("two_shores.toml", "baseline.toml"),
        ("seed_kz_16mt_two_shores.toml", "seed_kz_16mt_btk17.toml"),
    ] {
        let text = resolved(&dir.join(file)).text;
        let plan = caspian_shipping::load(&text, file).unwrap_or_else(|e| panic!("{e}"));
        let s = &plan.source;
        let area = |id: &str| {
            let mut a = s.sea_areas.iter().find(|a| a.id == id).expect("the area").clone();
            a.id.clear();
            a
        };
        assert_eq!(area("absheron"), area("middle_caspian"), "{file}");
        for p in &s.ports {
            let west = ["alat", "sangachal"].contains(&p.id.as_str());
            let expected = if west { "absheron" } else { "middle_caspian" };
            assert_eq!(p.sea_area.as_deref(), Some(expected), "{file}: port {}", p.id);
        }
        // Nothing else differs from the file it extends.
        let base_text = resolved(&dir.join(parent)).text;
        let base = caspian_shipping::load(&base_text, parent).unwrap_or_else(|e| panic!("{e}"));
        let mut moved = s.clone();
        moved.sea_areas.retain(|a| a.id != "absheron");
        for p in &mut moved.ports {
            p.sea_area = Some("middle_caspian".to_string());
        }
        moved.scenario = base.source.scenario.clone();
        assert_eq!(moved, base.source, "{file}");
    }
}
