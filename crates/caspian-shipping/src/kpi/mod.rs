//! The KPIs of one replication: named values in a stable order.
//!
//! Names are part of the tool's contract (scripts and reports key on them);
//! `docs/kpis.md` documents each. A KPI that is undefined in a replication (a
//! mean over no observations) is NaN, and the runner leaves it out of that
//! KPI's statistics rather than counting it as zero.
//!
//! [`schema`] defines every KPI family once: its name pattern, unit, kind,
//! direction and description. [`layout`] lists a compiled scenario's KPIs
//! once, in name order; a replication's [`Kpis`] are values in that order.

mod families;
pub mod headline;
pub mod layout;
pub mod schema;

use std::sync::Arc;

/// The calendar months of the monthly series (`month_*.<cargo>.mNN`), each
/// cut to the reporting window.
pub use crate::model::monthly::{ReportMonth, report_months};
pub use headline::headline;
pub use layout::KpiLayout;
pub use schema::{Direction, KpiFamily, KpiKind, Unit, family_of, unrecovered_of};

/// KPI values of one replication, in the order of its scenario's
/// [`KpiLayout`] (name order), which they share.
#[derive(Debug, Clone)]
pub struct Kpis {
    layout: Arc<KpiLayout>,
    values: Vec<f64>,
}

impl PartialEq for Kpis {
    /// Same names and equal values (so, as for `f64`, a NaN differs from
    /// itself).
    fn eq(&self, other: &Self) -> bool {
        self.layout.names() == other.layout.names() && self.values == other.values
    }
}

impl Kpis {
    /// Values in `layout`'s order.
    ///
    /// # Panics
    /// When there is not one value per KPI of the layout.
    pub fn new(layout: Arc<KpiLayout>, values: Vec<f64>) -> Self {
        assert_eq!(layout.len(), values.len(), "one value per KPI of the layout");
        Self { layout, values }
    }

    /// The value of a KPI, if present.
    pub fn get(&self, name: &str) -> Option<f64> {
        self.layout.position(name).map(|i| self.values[i])
    }

    /// All KPIs as (name, value), in name order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, f64)> {
        self.layout.names().iter().map(String::as_str).zip(self.values.iter().copied())
    }

    /// Number of KPIs.
    pub fn len(&self) -> usize {
        self.values.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// The layout the values follow (shared by every replication of a
    /// compiled scenario).
    pub fn layout(&self) -> &Arc<KpiLayout> {
        &self.layout
    }

    /// The values, in layout order.
    pub fn values(&self) -> &[f64] {
        &self.values
    }

    /// The values, in layout order, without the layout.
    pub fn into_values(self) -> Vec<f64> {
        self.values
    }
}
