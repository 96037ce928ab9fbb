//! The Caspian model against queueing theory: a port served only by open
//! traffic with exponential gaps and exponential berth times is an M/M/c queue,
//! so the model's `anchorage_wait_h` and `berth_utilization` KPIs must agree
//! with Erlang C and with rho = lambda / (c mu).
//!
//! Each check runs independent replications of the scenario, builds the 99%
//! Student-t interval of each KPI over replications, and fails when the
//! analytic value lies outside it (or when the interval is too wide to test
//! anything).

use std::path::PathBuf;

use caspian_shipping::dist::DistSpec;
use caspian_shipping::scenario::BerthClass;
use caspian_tests::theory::{Interval, mmc_mean_wait};

/// An open-traffic-only scenario: one port `q` with `c` tanker berths, Poisson
/// arrivals with mean gap `interarrival_h` and exponential service with mean
/// `service_h`; no fleets, storages, storms or interdiction.
fn mmc_scenario(c: u32, interarrival_h: f64, service_h: f64, horizon_days: f64) -> String {
    caspian_tests::scenarios::mmc_port(c, interarrival_h, service_h, horizon_days, 100.0, "")
}

/// An M/M/c queue: `c` servers, arrival rate `lambda` and service rate `mu`
/// per server, both per hour.
#[derive(Clone, Copy)]
struct Mmc {
    c: u32,
    lambda: f64,
    mu: f64,
}

/// Runs `reps` replications of `plan` and checks the waits and utilization at
/// `port`'s tanker berths against M/M/c theory for `q`.
fn check(
    label: &str,
    plan: &caspian_shipping::CompiledScenario,
    port: &str,
    q: Mmc,
    seed: u64,
    reps: u64,
) {
    let Mmc { c, lambda, mu } = q;
    let mut waits = Vec::new();
    let mut utils = Vec::new();
    for rep in 0..reps {
        let out = caspian_shipping::simulate(plan, seed, rep);
        assert!(!out.truncated, "{label}: replication {rep} hit the event limit");
        assert_eq!(out.conservation_residual, [0; caspian_shipping::scenario::Cargo::COUNT]);
        waits.push(out.kpis.get(&format!("anchorage_wait_h.{port}.tanker")).unwrap());
        utils.push(out.kpis.get(&format!("berth_utilization.{port}.tanker")).unwrap());
    }
    let wait_ci = Interval::student_t(&waits, 0.99);
    let util_ci = Interval::student_t(&utils, 0.99);
    let wq = mmc_mean_wait(c, lambda, mu);
    let rho = lambda / (f64::from(c) * mu);
    println!(
        "{label}: M/M/{c} rho={rho:.2}: Wq Erlang C {wq:.3} h, model {:.3} h, 99% CI [{:.3}, {:.3}] (n={reps})",
        wait_ci.mean,
        wait_ci.low(),
        wait_ci.high()
    );
    println!(
        "{label}: M/M/{c} rho={rho:.2}: utilization theory {rho:.4}, model {:.4}, 99% CI [{:.4}, {:.4}]",
        util_ci.mean,
        util_ci.low(),
        util_ci.high()
    );
    assert!(wait_ci.contains(wq), "{label}: Erlang-C wait {wq} outside {wait_ci:?}");
    assert!(util_ci.contains(rho), "{label}: utilization {rho} outside {util_ci:?}");
    // Power: the interval must be narrow enough that a real error would show.
    assert!(
        wait_ci.half_width < 0.1 * wq,
        "{label}: wait interval too wide to test anything: {wait_ci:?}"
    );
    assert!(
        util_ci.half_width < 0.01,
        "{label}: utilization interval too wide to test anything: {util_ci:?}"
    );
}

/// Checks an inline M/M/c scenario. Each check has its own `seed`, so the
/// checks do not share random numbers (the same seed would give every scenario
/// the same uniform draws, merely scaled).
fn check_inline(c: u32, interarrival_h: f64, service_h: f64, horizon_days: f64, seed: u64) {
    let text = mmc_scenario(c, interarrival_h, service_h, horizon_days);
    let plan = caspian_shipping::load(&text, "mmc inline").unwrap_or_else(|e| panic!("{e}"));
    let label = format!("inline c={c}");
    let q = Mmc { c, lambda: 1.0 / interarrival_h, mu: 1.0 / service_h };
    check(&label, &plan, "q", q, seed, 40);
}

#[test]
fn mm3_at_rho_0_8_matches_erlang_c() {
    // lambda = 1/5, mu = 1/12: a = 2.4, rho = 0.8, P(wait) = 0.6472, Wq = 12.94 h.
    check_inline(3, 5.0, 12.0, 10_000.0, 31);
}

#[test]
fn mm1_at_rho_0_7_matches_theory() {
    // lambda = 1/10, mu = 1/7: rho = 0.7, Wq = rho / (mu - lambda) = 16.33 h.
    check_inline(1, 10.0, 7.0, 25_000.0, 11);
}

#[test]
fn mm2_at_rho_0_9_matches_erlang_c() {
    // lambda = 1/10, mu = 1/18: a = 1.8, rho = 0.9, P(wait) = 0.8526, Wq = 76.7 h.
    check_inline(2, 10.0, 18.0, 50_000.0, 29);
}

/// A documented check scenario, read from disk: Erlang C is computed from the
/// berth count and the two exponential means written in the file, which
/// must be `documented` (c, mean gap, mean service) with the mean wait `wq`
/// its header derives.
fn check_shipped(file: &str, documented: (u32, f64, f64), wq: f64) {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../scenarios").join(file);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("scenarios/{file}: {e}"));
    let origin = path.display().to_string();
    let scenario = caspian_shipping::parse(&text, &origin).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(scenario.ports.len(), 1, "one port");
    assert_eq!(scenario.open_traffic.len(), 1, "one open-traffic stream");
    assert!(scenario.fleets.is_empty(), "no fleets: nothing else may use the berths");
    let port = &scenario.ports[0];
    let ships = &scenario.open_traffic[0];
    assert_eq!(ships.berth_class, BerthClass::Tanker);
    let c = port.berths.get(BerthClass::Tanker);
    let (DistSpec::Exponential { mean: gap }, DistSpec::Exponential { mean: service }) =
        (&ships.interarrival_h, &ships.service_h)
    else {
        panic!("the check scenario must have exponential gaps and service times");
    };
    // The numbers documented in the file's header comment.
    assert_eq!((c, *gap, *service), documented, "update the file's comments too");
    assert!((mmc_mean_wait(c, 1.0 / gap, 1.0 / service) - wq).abs() < 1e-3);
    let plan = caspian_shipping::load(&text, &origin).unwrap_or_else(|e| panic!("{e}"));
    let q = Mmc { c, lambda: 1.0 / gap, mu: 1.0 / service };
    check(file, &plan, &port.id, q, scenario.scenario.seed, 30);
}

#[test]
fn shipped_mmc_check_scenario_matches_erlang_c() {
    check_shipped("mmc_check.toml", (3, 5.0, 12.0), 12.944);
}

/// The rho = 0.9 file that the SimPy comparison (benches/peers/) also runs.
#[test]
fn shipped_mmc_rho09_scenario_matches_erlang_c() {
    check_shipped("mmc_rho09.toml", (3, 5.0, 13.5), 36.768);
}

/// The queue length a trace reports (`pending`, from the engine) is the
/// M/M/c model's own count when the event fires: the events laid out at
/// time 0 that have not fired yet (warm-up end, month ends), the next
/// arrival, and one departure per berth busy before the event.
#[test]
fn the_traced_queue_length_is_the_mmc_models_own_count() {
    use caspian_shipping::trace::{TraceEvent, TraceState};
    let text = mmc_scenario(3, 5.0, 12.0, 400.0);
    let plan = caspian_shipping::load(&text, "mmc inline").unwrap_or_else(|e| panic!("{e}"));
    let mut rec = caspian_shipping::probe::Recorder { trace_events: true, ..Default::default() };
    caspian_shipping::simulate_probed(&plan, 5, 0, &mut rec);
    let laid_out = |e: TraceEvent| matches!(e, TraceEvent::EndWarmup | TraceEvent::MonthEnd);
    let mut left = rec.trace.iter().filter(|e| laid_out(e.event)).count() as u64;
    assert!(left >= 10, "the warm-up end and the month ends of 300 days: {left}");
    let mut busy = 0;
    let mut most = 0;
    for e in rec.trace.iter().filter(|e| e.event.fired()) {
        assert_eq!(e.pending, Some(left + 1 + busy), "{e:?}");
        most = most.max(busy);
        left -= u64::from(laid_out(e.event));
        if let TraceState::Berths { busy: b, .. } = e.state {
            busy = b;
        }
    }
    assert_eq!((left, most), (0, 3), "every laid-out event fired; all berths were busy at times");
}
