//! The KPIs of one replication: named values in a stable order.
//!
//! Names are part of the tool's contract (scripts and reports key on them);
//! `docs/kpis.md` documents each. A KPI that is undefined in a replication (a
//! mean over no observations) is NaN, and the runner leaves it out of that
//! KPI's statistics rather than counting it as zero.
//!
//! [`schema`] defines every KPI family once: its name pattern, unit, kind,
//! direction and description.

pub mod schema;

pub use schema::{Direction, KpiFamily, KpiKind, Unit, family_of};

/// KPI values by name.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Kpis {
    entries: Vec<(String, f64)>,
}

impl Kpis {
    /// Adds a KPI. Names must be unique; [`sort`](Self::sort) puts them in order.
    pub fn push(&mut self, name: String, value: f64) {
        self.entries.push((name, value));
    }

    /// Sorts by name, so every replication lists the same KPIs in the same order.
    pub fn sort(&mut self) {
        self.entries.sort_by(|a, b| a.0.cmp(&b.0));
    }

    /// The value of a KPI, if present.
    pub fn get(&self, name: &str) -> Option<f64> {
        self.entries.binary_search_by(|(n, _)| n.as_str().cmp(name)).ok().map(|i| self.entries[i].1)
    }

    /// All KPIs as (name, value), in name order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, f64)> {
        self.entries.iter().map(|(n, v)| (n.as_str(), *v))
    }

    /// Number of KPIs.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}
