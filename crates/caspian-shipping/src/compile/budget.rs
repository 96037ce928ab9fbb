//! The event budget: a scenario whose arrivals alone (inflows and open
//! traffic, at their mean rates) would fire more events over the horizon
//! than `scenario.max_events` can never reach its horizon. It is refused up
//! front, naming the process that needs the most events, instead of running
//! until the safeguard stops it (at tens of millions of events, many seconds
//! per replication, every replication). Each arrival is at least one event,
//! so the count is a lower bound of what the replication needs.

use super::check::Checker;
use super::plan::{InflowPlan, OpenTrafficPlan};
use caspian_engine::SimTime;

/// An arrival process with the arrivals it is expected to bring before the
/// horizon.
struct Demand {
    key: String,
    events: f64,
}

/// Checks the expected number of arrivals against `max_events`.
pub(super) fn check(
    c: &mut Checker,
    horizon: SimTime,
    max_events: u64,
    inflows: &[InflowPlan],
    open_traffic: &[OpenTrafficPlan],
) {
    let hours = horizon.as_hours_f64();
    let mut demands = Vec::new();
    for i in inflows {
        let mean_rate = i.rate_per_h.iter().sum::<f64>() / 12.0;
        demands.push(Demand {
            key: format!("inflow.{}.arrivals_per_year", i.id),
            events: mean_rate * hours,
        });
    }
    for t in open_traffic {
        demands.push(Demand {
            key: format!("open_traffic.{}.interarrival_h", t.id),
            events: hours / t.interarrival.mean(),
        });
    }
    let total: f64 = demands.iter().map(|d| d.events).filter(|e| e.is_finite()).sum();
    // u64 to f64 is exact up to 2^53, far above any sensible budget.
    #[allow(clippy::cast_precision_loss)]
    let budget = max_events as f64;
    if total <= budget {
        return;
    }
    let Some(worst) = demands.iter().max_by(|a, b| a.events.total_cmp(&b.events)) else {
        return;
    };
    c.err(
        worst.key.clone(),
        format!(
            "brings about {:.3e} arrivals over the {:.0}-hour horizon; with the other arrivals \
             the scenario needs at least {total:.3e} events, more than scenario.max_events \
             ({max_events}), so no replication could reach its horizon: lower the rate, shorten \
             the horizon or raise scenario.max_events",
            worst.events, hours
        ),
    );
}
