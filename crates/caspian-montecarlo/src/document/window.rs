//! The reporting window a result document records, and the months of a
//! monthly series with their share of it.

use caspian_shipping::CompiledScenario;
use serde::{Deserialize, Serialize};

/// The reporting window of a scenario: its KPIs cover the time from the end
/// of warm-up to the horizon, in days from time 0 (1 January; see
/// `docs/scenarios.md`). Result documents carry it so that readers can tell
/// how much of each month of a monthly series lies inside the window
/// ([`Window::months`]); documents written before it was recorded lack it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Window {
    /// The end of warm-up (`scenario.warmup_days`).
    pub warmup_days: f64,
    /// The horizon (`scenario.horizon_days`).
    pub horizon_days: f64,
}

/// One calendar month of a monthly series with its share of the window.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WindowMonth {
    /// The month's number in KPI names (`m01` is 1), counting from time 0.
    pub number: u64,
    /// Days of the month inside the window.
    pub days: f64,
    /// Days of the calendar month (28 to 31).
    pub month_days: u64,
}

impl WindowMonth {
    /// Whether the window holds only part of the month (cut at the end of
    /// warm-up or at the horizon).
    pub fn is_partial(&self) -> bool {
        self.days < self.month_days as f64
    }
}

impl Window {
    /// The window of a compiled scenario.
    pub fn of(plan: &CompiledScenario) -> Self {
        Self { warmup_days: plan.warmup.as_days_f64(), horizon_days: plan.horizon.as_days_f64() }
    }

    /// The months of the monthly series (`month_*.<cargo>.mNN`), each with
    /// the days it has inside the window, from the model's own month bounds
    /// ([`caspian_shipping::kpi::report_months`]). Empty when the window is
    /// not a valid one (the reader checks it: [`crate::validate`]).
    pub fn months(&self) -> Vec<WindowMonth> {
        use caspian_engine::SimTime;
        let (Ok(warmup), Ok(horizon)) = (
            SimTime::try_from_days_f64(self.warmup_days),
            SimTime::try_from_days_f64(self.horizon_days),
        ) else {
            return Vec::new();
        };
        if self.horizon_days > MAX_WINDOW_DAYS {
            return Vec::new();
        }
        caspian_shipping::kpi::report_months(warmup, horizon)
            .into_iter()
            .map(|m| WindowMonth {
                number: m.number,
                days: m.end.saturating_since(m.start).as_days_f64(),
                month_days: caspian_shipping::timeline::DAYS_IN_MONTH
                    [((m.number - 1) % 12) as usize],
            })
            .collect()
    }
}

/// The longest horizon a document's [`Window`] may have, in days: that of
/// the longest scenario (1,000 years).
pub const MAX_WINDOW_DAYS: f64 = 365_000.0;
