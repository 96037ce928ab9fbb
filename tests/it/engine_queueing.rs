//! The engine's `Resource` against queueing theory: an M/M/c queue built from
//! engine parts alone reproduces the Erlang-C mean wait and the utilization.

use caspian_engine::{Model, Request, Resource, Scheduler, SimDuration, SimTime, Simulation};
use caspian_tests::theory::{Interval, mmc_mean_wait};
use rand::SeedableRng;
use rand::rngs::ChaCha8Rng;
use rand_distr::{Distribution, Exp};

#[derive(Clone, Copy, Debug)]
enum Ev {
    Arrival,
    Departure,
    EndWarmup,
}

struct Mmc {
    servers: Resource<()>,
    arrivals: ChaCha8Rng,
    services: ChaCha8Rng,
    interarrival: Exp<f64>,
    service: Exp<f64>,
}

impl Mmc {
    fn hours(&mut self, which: fn(&mut Self) -> f64) -> SimDuration {
        SimDuration::try_from_hours_f64(which(self)).expect("finite positive draw")
    }
}

impl Model for Mmc {
    type Event = Ev;
    fn handle(&mut self, s: &mut Scheduler<Ev>, ev: Ev) {
        let now = s.now();
        match ev {
            Ev::Arrival => {
                let gap = self.hours(|m| m.interarrival.sample(&mut m.arrivals));
                s.schedule_after(gap, Ev::Arrival).unwrap();
                if self.servers.request(now, (), 0) == Request::Granted {
                    let d = self.hours(|m| m.service.sample(&mut m.services));
                    s.schedule_after(d, Ev::Departure).unwrap();
                }
            }
            Ev::Departure => {
                if self.servers.release(now).is_some() {
                    let d = self.hours(|m| m.service.sample(&mut m.services));
                    s.schedule_after(d, Ev::Departure).unwrap();
                }
            }
            Ev::EndWarmup => self.servers.reset_stats(now),
        }
    }
}

/// One replication: (mean wait in hours, utilization) after warm-up.
fn replicate(c: u32, lambda: f64, mu: f64, rep: u64, warmup_h: u64, horizon_h: u64) -> (f64, f64) {
    let stream = |source: u64| {
        let mut rng = ChaCha8Rng::seed_from_u64(2026);
        rng.set_stream(rep << 8 | source);
        rng
    };
    let model = Mmc {
        servers: Resource::new(c, SimTime::ZERO),
        arrivals: stream(0),
        services: stream(1),
        interarrival: Exp::new(lambda).unwrap(),
        service: Exp::new(mu).unwrap(),
    };
    let mut sim = Simulation::new(model);
    sim.scheduler_mut().schedule_at(SimTime::ZERO, Ev::Arrival).unwrap();
    sim.scheduler_mut().schedule_at(SimTime::from_hours(warmup_h), Ev::EndWarmup).unwrap();
    let end = SimTime::from_hours(horizon_h);
    sim.run_until(end);
    let m = sim.model();
    (m.servers.waits().mean().unwrap(), m.servers.utilization(end))
}

fn check_mmc(c: u32, lambda: f64, mu: f64) {
    let reps = 30;
    let (waits, utils): (Vec<f64>, Vec<f64>) =
        (0..reps).map(|r| replicate(c, lambda, mu, r, 2_000, 40_000)).unzip();
    let wait_ci = Interval::student_t(&waits, 0.99);
    let util_ci = Interval::student_t(&utils, 0.99);
    let wq = mmc_mean_wait(c, lambda, mu);
    let rho = lambda / (f64::from(c) * mu);
    println!(
        "M/M/{c} rho={rho:.2}: Wq theory {wq:.4} h, simulated {:.4} h, 99% CI [{:.4}, {:.4}] (n={reps})",
        wait_ci.mean,
        wait_ci.low(),
        wait_ci.high()
    );
    println!(
        "M/M/{c} rho={rho:.2}: utilization theory {rho:.4}, simulated {:.4}, 99% CI [{:.4}, {:.4}]",
        util_ci.mean,
        util_ci.low(),
        util_ci.high()
    );
    assert!(wait_ci.contains(wq), "Erlang-C wait {wq} outside {wait_ci:?}");
    assert!(util_ci.contains(rho), "utilization {rho} outside {util_ci:?}");
    // The interval must be tight enough to mean something.
    assert!(wait_ci.half_width < 0.1 * wq, "interval too wide to test anything: {wait_ci:?}");
}

#[test]
fn mm1_matches_theory_at_rho_0_7() {
    check_mmc(1, 0.7, 1.0);
}

#[test]
fn mm3_matches_erlang_c_at_rho_0_8() {
    check_mmc(3, 1.2, 0.5);
}
