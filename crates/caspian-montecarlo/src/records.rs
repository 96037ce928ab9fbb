//! Per-replication records: the primary artefact of every study.
//!
//! Summaries, paired differences, quantiles and shard merges are all computed
//! from these rows, in replication order, so they are exact and reproducible.

use serde::{Deserialize, Serialize};

/// One replication's KPI values, aligned with [`PointRecords::kpi_names`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Row {
    /// Replication index (selects the random streams).
    pub replication: u64,
    /// Events the replication fired.
    pub events: u64,
    /// Whether the event-count safeguard stopped it early.
    pub truncated: bool,
    /// KPI values; NaN (written as JSON `null`) where undefined.
    #[serde(with = "crate::json::vec_nan_as_null")]
    pub values: Vec<f64>,
    /// Waiting lines that were still growing at the horizon (see
    /// `caspian_shipping::Replication::saturated`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub saturated: Vec<caspian_shipping::WaitingLine>,
}

/// What one replication's record takes in memory besides its values: the
/// row itself and the allocator's header of its values (16 bytes on
/// glibc).
const ROW_BYTES: u64 = std::mem::size_of::<Row>() as u64 + 16;

/// The memory the records of `replications` replications with `kpis` KPIs
/// take (rows and values, 8 bytes a value; a still-growing waiting line is
/// rare and left out): what a run or a comparison holds until its
/// summaries are written. The baseline's 467 KPIs: about 3.8 kB a
/// replication.
pub fn records_bytes(replications: u64, kpis: usize) -> u64 {
    replications.saturating_mul(ROW_BYTES.saturating_add(8u64.saturating_mul(kpis as u64)))
}

/// The rows of one design point, in replication order.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PointRecords {
    /// KPI names, sorted.
    pub kpi_names: Vec<String>,
    /// Rows in increasing replication order.
    pub rows: Vec<Row>,
}

impl PointRecords {
    /// Records of one KPI `x` with the given values, one row per value (for
    /// tests).
    #[cfg(test)]
    pub(crate) fn single_kpi(values: &[f64]) -> Self {
        Self::from_columns(&["x".to_string()], &[values.to_vec()])
    }

    /// Records of the KPIs `names` (sorted), `columns[k]` holding the
    /// values of `names[k]`, one row per replication (for tests, and for
    /// derived values ranked as a KPI is).
    pub(crate) fn from_columns(names: &[String], columns: &[Vec<f64>]) -> Self {
        let n = columns.first().map_or(0, Vec::len);
        Self {
            kpi_names: names.to_vec(),
            rows: (0..n)
                .map(|i| Row {
                    replication: i as u64,
                    events: 0,
                    truncated: false,
                    values: columns.iter().map(|c| c[i]).collect(),
                    saturated: Vec::new(),
                })
                .collect(),
        }
    }

    /// Position of a KPI in every row.
    pub fn kpi_index(&self, name: &str) -> Option<usize> {
        self.kpi_names.binary_search_by(|n| n.as_str().cmp(name)).ok()
    }

    /// The values of one KPI over the rows, in replication order.
    pub fn column(&self, index: usize) -> Vec<f64> {
        self.rows.iter().map(|r| r.values[index]).collect()
    }

    /// The values of a named KPI (empty when the point has no such KPI).
    pub fn column_named(&self, name: &str) -> Vec<f64> {
        self.kpi_index(name).map(|i| self.column(i)).unwrap_or_default()
    }

    /// Keeps only the first `n` rows.
    pub fn truncate(&mut self, n: usize) {
        self.rows.truncate(n);
    }

    /// Replications stopped early by the event-count safeguard.
    pub fn truncated_count(&self) -> u64 {
        self.rows.iter().filter(|r| r.truncated).count() as u64
    }

    /// Each waiting line that was still growing at the horizon in any
    /// replication, with how often, in the order of the lines' text form.
    pub fn saturation(&self) -> Vec<crate::document::Saturation> {
        // Keyed by the text form, so lines are listed in name order.
        let mut counts: std::collections::BTreeMap<String, (&caspian_shipping::WaitingLine, u64)> =
            std::collections::BTreeMap::new();
        for row in &self.rows {
            for line in &row.saturated {
                counts.entry(line.to_string()).or_insert((line, 0)).1 += 1;
            }
        }
        counts
            .into_values()
            .map(|(line, k)| crate::document::Saturation {
                line: line.clone(),
                replications: k,
                of: self.rows.len() as u64,
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn record_memory_grows_by_a_value_per_kpi_and_saturates() {
        let one = records_bytes(1, 0);
        assert!(one >= std::mem::size_of::<Row>() as u64, "at least the row");
        assert_eq!(records_bytes(1, 466) - one, 466 * 8);
        assert_eq!(records_bytes(1000, 466), 1000 * records_bytes(1, 466));
        assert_eq!(records_bytes(u64::MAX, 466), u64::MAX, "saturates, never wraps");
    }

    /// A row read back from a document (`merge` holds every one) takes the
    /// room of its values, not of the buffer they were read into.
    #[test]
    fn a_row_read_from_json_keeps_no_spare_room() {
        let values: Vec<String> = (0..466).map(|i| format!("{i}.5")).collect();
        let text = format!(
            "{{\"replication\":3,\"events\":9,\"truncated\":false,\"values\":[{},null]}}",
            values.join(",")
        );
        let row: Row = serde_json::from_str(&text).unwrap();
        assert_eq!(row.values.len(), 467);
        assert!(row.values[466].is_nan());
        assert_eq!(row.values.capacity(), row.values.len());
    }

    #[test]
    fn rows_round_trip_through_json_bit_for_bit() {
        let values = vec![0.1 + 0.2, 1.0 / 3.0, f64::NAN, 1.7e308, 5e-324, -0.0, 123_456.789];
        let row = Row {
            replication: 9,
            events: 10,
            truncated: false,
            values: values.clone(),
            saturated: Vec::new(),
        };
        let text = serde_json::to_string(&row).unwrap();
        let back: Row = serde_json::from_str(&text).unwrap();
        for (a, b) in values.iter().zip(&back.values) {
            assert!(a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan()), "{a} vs {b}");
        }
    }
}
