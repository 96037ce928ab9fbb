//! Monthly series per cargo: delivered, backlog and service level month by
//! month (`month_delivered.<cargo>.mNN`, `month_backlog.<cargo>.mNN`,
//! `month_service_level.<cargo>.mNN`).
//!
//! Months are the calendar months of the run ([`crate::timeline`]: time 0
//! is 1 January), numbered from 1 at time 0. Only months that overlap the
//! reported window, from the end of warm-up to the horizon, are reported;
//! the first and the last may be partial (a month is cut at the end of
//! warm-up and at the horizon). One event ([`super::Ev::MonthEnd`]) fires at
//! each month boundary strictly inside the window and closes the month that
//! ends there; the last month is closed at the end of the run. Closing a
//! month looks at every storage and vessel once ([`World::in_corridor`]);
//! no other event does any work for the series.
//!
//! For each cargo and month: *delivered* counts like `delivered_total`
//! (units accepted into storages from vessels) during the month; *backlog*
//! is the cargo in the corridor ([`super::corridor`]) at the month's end;
//! *service level* is delivered over (backlog at the month's start +
//! corridor demand during the month), NaN when that is 0. A month the run
//! never reached (it stopped early) is NaN throughout.

use caspian_engine::SimTime;

use super::CARGOES;
use super::state::World;
use crate::timeline::{month_of, month_start, year_of};

/// One calendar month of the reported window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReportMonth {
    /// The month's number, counting from 1 at time 0 (`mNN` in KPI names).
    pub number: u64,
    /// Where its part of the window starts (the month's start, or the end of warm-up).
    pub start: SimTime,
    /// Where its part of the window ends (the next month's start, or the horizon).
    pub end: SimTime,
}

/// The calendar month (counting from 0 at time 0) that contains `t`.
fn month_index(t: SimTime) -> u64 {
    year_of(t) * 12 + month_of(t) as u64
}

/// The instant month `index` (counting from 0 at time 0) starts.
fn month_index_start(index: u64) -> SimTime {
    month_start(index / 12, (index % 12) as usize)
}

/// The months that overlap the window `[warmup, horizon)`, each cut to it.
/// A month that would only touch the window at the horizon instant is left
/// out. This is what names the monthly KPIs, so readers of results (the
/// report's fan charts) take each month's share of the window from here.
pub fn report_months(warmup: SimTime, horizon: SimTime) -> Vec<ReportMonth> {
    let mut months = Vec::new();
    if warmup >= horizon {
        return months;
    }
    let mut index = month_index(warmup);
    let mut start = warmup;
    while start < horizon {
        let end = month_index_start(index + 1).min(horizon);
        months.push(ReportMonth { number: index + 1, start, end });
        start = end;
        index += 1;
    }
    months
}

/// The digits of a month number in KPI names: 2, or more when the horizon
/// falls in month 100 or later, so that names sort in time order.
pub(crate) fn month_width(horizon: SimTime) -> usize {
    // The month containing the instant just before the horizon is the last.
    let last = month_index(SimTime::from_ticks(horizon.ticks().saturating_sub(1))) + 1;
    last.to_string().len().max(2)
}

/// One closed month of one cargo.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct MonthValues {
    /// Units delivered during the month.
    pub(crate) delivered: f64,
    /// Units in the corridor at the month's end.
    pub(crate) backlog: f64,
    /// Delivered over (backlog at the start + demand), NaN when that is 0.
    pub(crate) service_level: f64,
}

impl MonthValues {
    /// A month the run never closed.
    const MISSING: MonthValues =
        MonthValues { delivered: f64::NAN, backlog: f64::NAN, service_level: f64::NAN };
}

/// Cumulative counts at the last month boundary, per cargo (oil, wagons).
#[derive(Debug, Clone, Copy, Default)]
struct Mark {
    delivered: [u128; CARGOES],
    demand: [u128; CARGOES],
    backlog: [u128; CARGOES],
}

/// The series of one replication: the months closed so far.
#[derive(Debug, Default)]
pub(super) struct Monthly {
    /// Closed months, per cargo, in window order.
    closed: Vec<[MonthValues; CARGOES]>,
    /// Counts at the last boundary (set at the window's start).
    mark: Mark,
}

impl Monthly {
    /// The month boundaries strictly inside the window, where a
    /// [`super::Ev::MonthEnd`] fires.
    pub(super) fn boundaries(warmup: SimTime, horizon: SimTime) -> Vec<SimTime> {
        let months = report_months(warmup, horizon);
        months.iter().map(|m| m.end).filter(|&t| t < horizon).collect()
    }

    /// Starts the window: nothing closed, and the backlog at its start.
    pub(super) fn open(&mut self, backlog: [u128; CARGOES]) {
        self.closed.clear();
        self.mark = Mark { backlog, ..Mark::default() };
    }

    /// The values of the month that ends with these cumulative counts.
    fn values(
        &self,
        delivered: [u128; CARGOES],
        demand: [u128; CARGOES],
        backlog: [u128; CARGOES],
    ) -> [MonthValues; CARGOES] {
        std::array::from_fn(|c| {
            let month_delivered = delivered[c].saturating_sub(self.mark.delivered[c]);
            let owed = self.mark.backlog[c] + demand[c].saturating_sub(self.mark.demand[c]);
            MonthValues {
                delivered: month_delivered as f64,
                backlog: backlog[c] as f64,
                service_level: if owed == 0 {
                    f64::NAN
                } else {
                    month_delivered as f64 / owed as f64
                },
            }
        })
    }

    /// Closes a month at a boundary, with the counts there.
    fn close(
        &mut self,
        delivered: [u128; CARGOES],
        demand: [u128; CARGOES],
        backlog: [u128; CARGOES],
    ) {
        let values = self.values(delivered, demand, backlog);
        self.closed.push(values);
        self.mark = Mark { delivered, demand, backlog };
    }
}

impl World<'_> {
    /// A month boundary inside the window: closes the month that ends now.
    pub(super) fn on_month_end(&mut self) {
        let (delivered, demand, backlog) = (
            self.delivered_by_cargo(),
            self.corridor_sum(&self.counters.demand),
            self.in_corridor(),
        );
        self.monthly.close(delivered, demand, backlog);
    }

    /// Every reported month's values at the end of the run (`now`), the
    /// month in progress closed with `demand` and `backlog` then; months
    /// the run never reached are NaN. Indexed by window month, then cargo.
    pub(super) fn month_values(
        &self,
        now: SimTime,
        demand: [u128; CARGOES],
        backlog: [u128; CARGOES],
    ) -> Vec<[MonthValues; CARGOES]> {
        let months = report_months(self.plan.warmup, self.plan.horizon);
        let mut all = self.monthly.closed.clone();
        let in_progress = months.get(all.len());
        if self.warmup_done && in_progress.is_some_and(|m| m.start <= now) {
            all.push(self.monthly.values(self.delivered_by_cargo(), demand, backlog));
        }
        all.resize(months.len(), [MonthValues::MISSING; CARGOES]);
        all
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(d: u64) -> SimTime {
        SimTime::from_ticks(d * caspian_engine::TICKS_PER_DAY)
    }

    #[test]
    fn months_cover_the_window_and_are_cut_at_its_ends() {
        // The baseline: a 30-day warm-up, a 395-day horizon.
        let months = report_months(day(30), day(395));
        assert_eq!(months.len(), 13);
        assert_eq!(months[0], ReportMonth { number: 1, start: day(30), end: day(31) });
        assert_eq!(months[1], ReportMonth { number: 2, start: day(31), end: day(59) });
        assert_eq!(months[12], ReportMonth { number: 13, start: day(365), end: day(395) });
        assert!(months.windows(2).all(|w| w[0].end == w[1].start));
        // A horizon on a boundary does not open the next month.
        let year = report_months(SimTime::ZERO, day(365));
        assert_eq!(year.len(), 12);
        assert_eq!(year[11].end, day(365));
        assert_eq!(Monthly::boundaries(SimTime::ZERO, day(365)).len(), 11);
        // A warm-up ending on a boundary starts with a whole month.
        assert_eq!(report_months(day(31), day(60))[0].number, 2);
    }

    #[test]
    fn month_numbers_widen_past_99_months() {
        assert_eq!(month_width(day(395)), 2);
        // 8 years and 3 months is month 99; a day later is month 100.
        let m99_end = month_start(8, 3);
        assert_eq!(month_width(m99_end), 2);
        assert_eq!(
            month_width(m99_end.saturating_add(caspian_engine::SimDuration::from_ticks(1))),
            3
        );
    }
}
