//! The result documents of a run and a sweep, built from a study's header
//! and its records: by the runner, and by `caspian merge` from the same
//! records, so that both write the same.

use super::{
    DifferenceTable, KpiUnits, RunDoc, StudyHeader, SweepDoc, SweepPoint, WithUnit, summarize,
    unit_of,
};
use crate::records::PointRecords;
use crate::sequential::TargetReport;

/// Builds the run document from the records of its single design point.
pub fn run_doc(
    header: &StudyHeader,
    records: &PointRecords,
    units: &KpiUnits,
    target: Option<TargetReport>,
) -> RunDoc {
    RunDoc {
        scenario: header.scenario.clone(),
        source: header.source.clone(),
        seed: header.seed,
        replications: records.rows.len() as u64,
        truncated_replications: records.truncated_count(),
        window: header.window,
        kpis: summarize(records, units),
        saturation: records.saturation(),
        target,
        targets: Vec::new(),
        warnings: header.result_warnings(std::slice::from_ref(records)),
        provenance: header.provenance.clone(),
    }
}

/// Builds the sweep document from the records of every design point
/// (all in memory: for a large sweep, write it point by point with
/// [`crate::sweep_stream`] instead).
pub fn sweep_doc(
    header: &StudyHeader,
    records: Vec<PointRecords>,
    units: &KpiUnits,
    target: Option<TargetReport>,
) -> SweepDoc {
    let mut doc = sweep_head(header, &records, target);
    doc.points = (0..records.len()).map(|i| sweep_point(header, &records, i, units)).collect();
    doc
}

/// The sweep document without its points (`points` empty): what
/// [`crate::sweep_stream`] writes before and after them.
pub fn sweep_head(
    header: &StudyHeader,
    records: &[PointRecords],
    target: Option<TargetReport>,
) -> SweepDoc {
    SweepDoc {
        scenario: header.scenario.clone(),
        source: header.source.clone(),
        seed: header.seed,
        replications: records.first().map_or(0, |r| r.rows.len() as u64),
        design: header.design,
        axes: header.axes.clone(),
        reference: header.reference,
        points: Vec::new(),
        target,
        warnings: header.result_warnings(records),
        provenance: header.provenance.clone(),
    }
}

/// Design point `index` of the sweep of `records`: its summaries, and its
/// paired differences from the reference point (`header.reference`) on
/// every KPI both have, computed by the comparison's code
/// ([`crate::compare::differences`]).
///
/// # Panics
/// If `index` or the reference is not a design point of `records`.
pub fn sweep_point(
    header: &StudyHeader,
    records: &[PointRecords],
    index: usize,
    units: &KpiUnits,
) -> SweepPoint {
    let rec = &records[index];
    let reference = header.reference;
    let differences = if index == reference {
        DifferenceTable::new()
    } else {
        let shared: Vec<String> = rec
            .kpi_names
            .iter()
            .filter(|n| records[reference].kpi_index(n).is_some())
            .cloned()
            .collect();
        crate::compare::differences(records, reference, index, &shared)
            .into_iter()
            .map(|(k, value)| {
                let unit = unit_of(units, &k);
                (k, WithUnit { unit, value })
            })
            .collect()
    };
    SweepPoint {
        index,
        values: header.points[index].clone(),
        truncated_replications: rec.truncated_count(),
        kpis: summarize(rec, units),
        saturation: rec.saturation(),
        differences,
    }
}
