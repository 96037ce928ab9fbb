//! # caspian-engine
//!
//! The discrete-event kernel of caspian-sim. It knows nothing about ships, ports
//! or the Caspian: it provides integer simulation time, a future event list with
//! FIFO tie-breaking and cheap cancellation, a run loop, and the building blocks
//! that queueing models are made of.
//!
//! - [`SimTime`] / [`SimDuration`]: integer milliseconds, exact total order.
//! - [`Scheduler`]: schedule at a time or after a delay, cancel, reschedule, pop.
//!   Events due at the same time fire in the order they were scheduled.
//! - [`Simulation`] and [`Model`]: a handler-style run loop with a horizon, an
//!   event limit and model-requested stop.
//! - [`Resource`]: `c` identical servers (berths) with a FIFO or priority waiting
//!   line, withdrawable requests and built-in utilization/queue statistics.
//! - [`Level`]: a bounded store (tank farm, rail yard) whose puts wait when full
//!   and whose gets wait when empty.
//! - [`TimeWeighted`] and [`Tally`]: mergeable statistics with warm-up reset
//!   ([`Tally`] is the workspace's one running mean and variance, Welford).
//! - [`special`]: the error function and the standard normal distribution.
//!
//! The engine never does I/O, never reads the wall clock and never draws random
//! numbers: models bring their own streams, so a run is a pure function of its
//! inputs.
//!
//! ## Example: a single-server queue
//!
//! ```
//! use caspian_engine::{Model, Resource, Request, Scheduler, SimDuration, SimTime, Simulation};
//!
//! #[derive(Clone, Copy, Debug)]
//! enum Ev { Arrive(u32), Depart }
//!
//! struct Berth { berth: Resource<u32>, served: u32 }
//!
//! impl Model for Berth {
//!     type Event = Ev;
//!     fn handle(&mut self, s: &mut Scheduler<Ev>, ev: Ev) {
//!         let now = s.now();
//!         match ev {
//!             Ev::Arrive(ship) => {
//!                 // Two ships arrive per 10 hours; each holds the berth for 4 hours.
//!                 if ship < 5 {
//!                     s.schedule_after(SimDuration::from_hours(5), Ev::Arrive(ship + 1)).unwrap();
//!                 }
//!                 if let Request::Granted = self.berth.request(now, ship, 0) {
//!                     s.schedule_after(SimDuration::from_hours(4), Ev::Depart).unwrap();
//!                 }
//!             }
//!             Ev::Depart => {
//!                 self.served += 1;
//!                 if self.berth.release(now).is_some() {
//!                     s.schedule_after(SimDuration::from_hours(4), Ev::Depart).unwrap();
//!                 }
//!             }
//!         }
//!     }
//! }
//!
//! let model = Berth { berth: Resource::new(1, SimTime::ZERO), served: 0 };
//! let mut sim = Simulation::new(model);
//! sim.scheduler_mut().schedule_at(SimTime::ZERO, Ev::Arrive(0))?;
//! let outcome = sim.run_until(SimTime::from_hours(30));
//! let now = sim.now();
//! let model = sim.model();
//! assert_eq!(model.served, 6);
//! assert_eq!(outcome.now, SimTime::from_hours(30));
//! // 6 ships x 4 hours busy over 30 hours.
//! assert!((model.berth.utilization(now) - 24.0 / 30.0).abs() < 1e-12);
//! # Ok::<(), caspian_engine::ScheduleError>(())
//! ```

mod heap;
mod level;
mod line;
mod resource;
mod scheduler;
mod simulation;
pub mod special;
mod stats;
mod time;

pub use heap::{EventHeap, EventKey};
pub use level::{Level, LevelError, LevelOp, Ready, Wait, WaitId, Withdrawn};
pub use resource::{Granted, Request, Resource, TicketId};
pub use scheduler::{ScheduleError, Scheduler};
pub use simulation::{Model, Observer, RunLimits, RunOutcome, Simulation, StopReason};
pub use stats::{Tally, TimeWeighted};
pub use time::{
    SimDuration, SimTime, TICKS_PER_DAY, TICKS_PER_HOUR, TICKS_PER_MINUTE, TICKS_PER_SECOND,
    TimeError,
};
