//! Resource properties: capacity, grant order, withdrawal, waits and statistics, against a model.

use std::collections::BTreeMap;

use caspian_engine::{Granted, Request, Resource, SimDuration, SimTime, TicketId};
use proptest::prelude::*;
use proptest::sample::Index;

/// One operation on the resource, applied after the clock moves on by some ticks.
#[derive(Clone, Debug)]
enum Op {
    Request(i32),
    /// Only applied while a unit is busy.
    Release,
    Withdraw(Index),
    ChangePriority(Index, i32),
    /// Sets the capacity, then calls `grant_next` until it returns `None`.
    SetCapacity(u32),
    /// Sets the capacity and leaves the line alone (a model that grants later).
    SetCapacityOnly(u32),
    GrantNext,
}

fn priority() -> impl Strategy<Value = i32> {
    prop::sample::select(vec![-1, 0, 0, 1, 2])
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        6 => priority().prop_map(Op::Request),
        5 => Just(Op::Release),
        2 => any::<Index>().prop_map(Op::Withdraw),
        2 => (any::<Index>(), priority()).prop_map(|(i, p)| Op::ChangePriority(i, p)),
        1 => (0u32..5).prop_map(Op::SetCapacity),
        1 => (0u32..5).prop_map(Op::SetCapacityOnly),
        1 => Just(Op::GrantNext),
    ]
}

/// The requester payload of the `n`th request: distinct from its ticket number on purpose.
fn requester(n: u64) -> u64 {
    1_000 + 7 * n
}

/// The reference: a plain map of waiting tickets, scanned for the smallest
/// `(priority, ticket)`, plus time integrals for the statistics.
#[derive(Debug)]
struct Reference {
    capacity: u32,
    busy: u32,
    /// Waiting tickets: `(priority, requested at)`.
    waiting: BTreeMap<u64, (i32, SimTime)>,
    issued: u64,
    /// Whether the capacity was lowered below the busy count, and no one has been
    /// granted since (the only way `busy > capacity` may happen).
    lowered: bool,
    /// Whether the capacity was raised without granting the free units since.
    undrained: bool,
    now: SimTime,
    grants: u64,
    wait_hours: Vec<f64>,
    withdrawals: u64,
    /// Integrals over time, in value-ticks. Busy counts units held while
    /// available (`min(busy, capacity)`); held counts every unit held.
    busy_area: f64,
    held_area: f64,
    capacity_area: f64,
    line_area: f64,
    max_line: usize,
}

impl Reference {
    fn advance(&mut self, to: SimTime) {
        let dt = (to - self.now).ticks() as f64;
        self.busy_area += f64::from(self.busy.min(self.capacity)) * dt;
        self.held_area += f64::from(self.busy) * dt;
        self.capacity_area += f64::from(self.capacity) * dt;
        self.line_area += self.waiting.len() as f64 * dt;
        self.now = to;
    }

    /// The next in line: lowest priority number, then lowest ticket.
    fn next_in_line(&self) -> Option<u64> {
        self.waiting.iter().min_by_key(|&(&t, &(p, _))| (p, t)).map(|(&t, _)| t)
    }

    /// Grants the next in line if a unit is free, as `grant_next` should.
    fn grant_next(&mut self) -> Option<(u64, SimDuration)> {
        if self.busy >= self.capacity {
            return None;
        }
        let ticket = self.next_in_line()?;
        let (_, since) = self.waiting.remove(&ticket).unwrap();
        self.busy += 1;
        self.lowered = false;
        self.grants += 1;
        let waited = self.now - since;
        self.wait_hours.push(waited.as_hours_f64());
        Some((ticket, waited))
    }
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0)
}

/// The resource under test beside the reference.
struct Harness {
    r: Resource<u64>,
    m: Reference,
    /// Every ticket that was queued (immediate grants have no visible ticket).
    queued: Vec<TicketId>,
    /// Tickets withdrawn successfully.
    withdrawn: Vec<u64>,
}

impl Harness {
    /// Compares a grant with the reference's, and checks it is not a withdrawn ticket.
    fn compare_grant(
        &self,
        got: Option<Granted<u64>>,
        expected: Option<(u64, SimDuration)>,
    ) -> Result<bool, TestCaseError> {
        let got = got.map(|g| (g.ticket.get(), g.requester, g.waited));
        if let Some((ticket, _, _)) = got {
            prop_assert!(!self.withdrawn.contains(&ticket), "withdrawn ticket {} granted", ticket);
        }
        let expected = expected.map(|(t, w)| (t, requester(t), w));
        prop_assert_eq!(got, expected, "granted (ticket, requester, waited)");
        Ok(got.is_some())
    }

    fn release(&mut self) -> Result<(), TestCaseError> {
        self.m.busy -= 1;
        let expected = self.m.grant_next();
        let got = self.r.release(self.m.now);
        self.compare_grant(got, expected)?;
        Ok(())
    }

    fn grant_all(&mut self) -> Result<(), TestCaseError> {
        loop {
            let expected = self.m.grant_next();
            let got = self.r.grant_next(self.m.now);
            if !self.compare_grant(got, expected)? {
                return Ok(());
            }
        }
    }

    /// Picks one of the tickets that were queued (waiting or not any more), if any.
    fn pick(&self, idx: Index) -> Option<TicketId> {
        (!self.queued.is_empty()).then(|| *idx.get(&self.queued))
    }

    fn apply(&mut self, dt: u64, op: &Op) -> Result<(), TestCaseError> {
        let now = self.m.now + SimDuration::from_ticks(dt);
        self.m.advance(now);
        match *op {
            Op::Request(priority) => {
                let n = self.m.issued;
                self.m.issued += 1;
                let got = self.r.request(now, requester(n), priority);
                if self.m.busy < self.m.capacity && self.m.waiting.is_empty() {
                    prop_assert_eq!(got, Request::Granted);
                    self.m.busy += 1;
                    self.m.grants += 1;
                    self.m.wait_hours.push(0.0);
                } else {
                    let Request::Queued(ticket) = got else {
                        return Err(TestCaseError::fail(format!(
                            "request {n} granted, want queued"
                        )));
                    };
                    prop_assert_eq!(ticket.get(), n, "tickets count arrivals");
                    self.m.waiting.insert(n, (priority, now));
                    self.m.max_line = self.m.max_line.max(self.m.waiting.len());
                    self.queued.push(ticket);
                }
            }
            Op::Release => {
                if self.m.busy > 0 {
                    self.release()?;
                }
            }
            Op::Withdraw(idx) => {
                let Some(ticket) = self.pick(idx) else { return Ok(()) };
                let since = self.m.waiting.remove(&ticket.get()).map(|(_, since)| since);
                let was_waiting = since.is_some();
                let expected = was_waiting.then(|| requester(ticket.get()));
                prop_assert_eq!(self.r.withdraw(now, ticket), expected, "withdraw {:?}", ticket);
                if let Some(since) = since {
                    // Its time in line is a wait, as a grant's is.
                    self.m.wait_hours.push((now - since).as_hours_f64());
                    self.m.withdrawals += 1;
                    self.withdrawn.push(ticket.get());
                }
            }
            Op::ChangePriority(idx, priority) => {
                let Some(ticket) = self.pick(idx) else { return Ok(()) };
                let entry = self.m.waiting.get_mut(&ticket.get());
                let was_waiting = entry.is_some();
                if let Some(entry) = entry {
                    entry.0 = priority;
                }
                prop_assert_eq!(self.r.change_priority(ticket, priority), was_waiting);
            }
            Op::SetCapacity(capacity) => {
                self.r.set_capacity(now, capacity);
                self.m.capacity = capacity;
                if capacity < self.m.busy {
                    self.m.lowered = true;
                }
                self.grant_all()?;
            }
            Op::SetCapacityOnly(capacity) => {
                self.r.set_capacity(now, capacity);
                self.m.capacity = capacity;
                if capacity < self.m.busy {
                    self.m.lowered = true;
                }
                self.m.undrained = true;
            }
            Op::GrantNext => {
                let expected = self.m.grant_next();
                let got = self.r.grant_next(now);
                self.compare_grant(got, expected)?;
            }
        }
        if self.m.busy <= self.m.capacity {
            self.m.lowered = false;
        }
        if self.m.waiting.is_empty() || self.m.busy >= self.m.capacity {
            self.m.undrained = false;
        }
        self.check()
    }

    fn check(&self) -> Result<(), TestCaseError> {
        let (r, m) = (&self.r, &self.m);
        prop_assert_eq!(r.capacity(), m.capacity);
        prop_assert_eq!(r.busy(), m.busy);
        prop_assert_eq!(r.queue_len(), m.waiting.len());
        prop_assert!(
            r.busy() <= r.capacity() || m.lowered,
            "busy {} over capacity {} without a capacity cut",
            r.busy(),
            r.capacity()
        );
        prop_assert!(
            m.waiting.is_empty() || r.busy() >= r.capacity() || m.undrained,
            "someone waits while a unit is free"
        );
        for &t in &self.queued {
            prop_assert_eq!(r.is_waiting(t), m.waiting.contains_key(&t.get()), "{:?}", t);
        }
        prop_assert_eq!(r.waits().count(), m.grants + m.withdrawals);
        prop_assert_eq!(r.grants(), m.grants);
        prop_assert_eq!(r.withdrawals(), m.withdrawals);
        if !m.wait_hours.is_empty() {
            let mean = m.wait_hours.iter().sum::<f64>() / m.wait_hours.len() as f64;
            prop_assert!(close(r.waits().mean().unwrap(), mean), "mean wait");
            let max = m.wait_hours.iter().copied().fold(f64::MIN, f64::max);
            prop_assert_eq!(r.waits().max(), Some(max));
        }
        // Over a period of zero length the averages are the current values.
        // Without any available unit-time the utilization is undefined (NaN).
        let utilization = match (m.capacity_area > 0.0, m.now == SimTime::ZERO) {
            (true, _) => m.busy_area / m.capacity_area,
            (false, true) if m.capacity > 0 => {
                f64::from(m.busy.min(m.capacity)) / f64::from(m.capacity)
            }
            (false, _) => f64::NAN,
        };
        let got = r.utilization(m.now);
        prop_assert!(
            close(got, utilization) || (got.is_nan() && utilization.is_nan()),
            "utilization {} want {}",
            got,
            utilization
        );
        prop_assert!(got.is_nan() || (0.0..=1.0 + 1e-12).contains(&got), "utilization {}", got);
        let elapsed = m.now.ticks() as f64;
        if elapsed > 0.0 {
            prop_assert!(close(r.mean_busy(m.now), m.busy_area / elapsed), "mean busy");
            prop_assert!(close(r.mean_held(m.now), m.held_area / elapsed), "mean held");
            prop_assert!(close(r.mean_capacity(m.now), m.capacity_area / elapsed), "mean capacity");
            prop_assert!(close(r.mean_queue_len(m.now), m.line_area / elapsed), "mean line");
        }
        prop_assert_eq!(r.max_queue_len(), m.max_line as f64);
        Ok(())
    }

    /// Serves everyone still waiting, one release an hour; withdrawn tickets never are.
    fn drain(&mut self) -> Result<(), TestCaseError> {
        self.apply(0, &Op::SetCapacity(self.m.capacity.max(1)))?;
        while self.m.busy > 0 {
            self.apply(3_600_000, &Op::Release)?;
        }
        prop_assert!(self.m.waiting.is_empty());
        prop_assert_eq!(self.r.queue_len(), 0);
        Ok(())
    }
}

fn run(initial_capacity: u32, ops: &[(u64, Op)]) -> Result<(), TestCaseError> {
    let mut h = Harness {
        r: Resource::new(initial_capacity, SimTime::ZERO),
        m: Reference {
            capacity: initial_capacity,
            busy: 0,
            waiting: BTreeMap::new(),
            issued: 0,
            lowered: false,
            undrained: false,
            now: SimTime::ZERO,
            grants: 0,
            wait_hours: Vec::new(),
            withdrawals: 0,
            busy_area: 0.0,
            held_area: 0.0,
            capacity_area: 0.0,
            line_area: 0.0,
            max_line: 0,
        },
        queued: Vec::new(),
        withdrawn: Vec::new(),
    };
    for (dt, op) in ops {
        h.apply(*dt, op)?;
    }
    h.drain()
}

proptest! {
    #![proptest_config(crate::config(256))]

    #[test]
    fn grants_follow_priority_then_arrival(
        capacity in 0u32..4,
        ops in prop::collection::vec((0u64..5_000, op()), 0..150),
    ) {
        run(capacity, &ops)?;
    }

    #[test]
    fn simultaneous_requests_single_unit(
        ops in prop::collection::vec((prop::sample::select(vec![0u64, 0, 1]), op()), 0..150),
    ) {
        run(1, &ops)?;
    }
}
