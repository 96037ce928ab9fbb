//! The result files: what `--json` writes for a run, a sweep, a comparison
//! and a shard's partial result, and how they are built from records.
//!
//! Documents hold no timestamps, host names or thread counts, so the same
//! study gives byte-identical files wherever and however it ran.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::compare::Ranking;
use crate::design::{Axis, DesignKind};
use crate::records::PointRecords;
use crate::sequential::TargetReport;
use crate::shard::Shard;
use crate::stats::{PairedDifference, Summary};
use crate::study::Study;

/// Name of the tool in provenance blocks.
pub const TOOL: &str = "caspian-sim";

/// Version of this crate, which is the version of the tool.
pub const TOOL_VERSION: &str = env!("CARGO_PKG_VERSION");

/// How a result was produced.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Provenance {
    /// Always `caspian-sim`.
    pub tool: String,
    /// Tool version.
    pub tool_version: String,
    /// SHA-256 of the scenario text (absent for comparisons, whose
    /// `scenarios` list each hash).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scenario_sha256: Option<String>,
    /// The random number generator and stream layout.
    pub rng_algorithm: String,
    /// CPU architecture and OS of the build (floating-point results are
    /// bit-reproducible on one target; see docs/ARCHITECTURE.md).
    pub build_target: String,
}

impl Provenance {
    /// Provenance of this build, for a scenario with the given hash.
    pub fn current(scenario_sha256: Option<String>) -> Self {
        Self {
            tool: TOOL.to_string(),
            tool_version: TOOL_VERSION.to_string(),
            scenario_sha256,
            rng_algorithm: caspian_shipping::streams::RNG_ALGORITHM.to_string(),
            build_target: format!("{}-{}", std::env::consts::ARCH, std::env::consts::OS),
        }
    }
}

/// KPI summaries by name.
pub type KpiTable = BTreeMap<String, Summary>;

/// Summaries of every KPI of one design point.
pub fn summarize(records: &PointRecords) -> KpiTable {
    records
        .kpi_names
        .iter()
        .enumerate()
        .map(|(i, name)| (name.clone(), Summary::of(&records.column(i))))
        .collect()
}

/// The result of `caspian run`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunDoc {
    /// Always `run`.
    pub kind: String,
    /// Scenario name.
    pub scenario: String,
    /// Where the scenario came from.
    pub source: String,
    /// Master seed.
    pub seed: u64,
    /// Replications summarised.
    pub replications: u64,
    /// Replications stopped by the event-count safeguard (their KPIs cover
    /// less than the horizon).
    pub truncated_replications: u64,
    /// Summary per KPI.
    pub kpis: KpiTable,
    /// Waiting lines that grew without bound (demand above capacity).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
    /// Sequential-stopping outcome, when a target was given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<TargetReport>,
    /// How it was produced.
    pub provenance: Provenance,
}

/// One design point of a sweep.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SweepPoint {
    /// Position in the design.
    pub index: usize,
    /// One value per axis, in the order of `axes`.
    pub values: Vec<f64>,
    /// Replications stopped by the event-count safeguard.
    pub truncated_replications: u64,
    /// Summary per KPI.
    pub kpis: KpiTable,
    /// Waiting lines that grew without bound at this point.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
}

/// The result of `caspian sweep`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SweepDoc {
    /// Always `sweep`.
    pub kind: String,
    /// Scenario name.
    pub scenario: String,
    /// Where the scenario came from.
    pub source: String,
    /// Master seed (every point uses the same replication streams).
    pub seed: u64,
    /// Replications per design point.
    pub replications: u64,
    /// How the points were chosen.
    pub design: DesignKind,
    /// The axes.
    pub axes: Vec<Axis>,
    /// One entry per design point.
    pub points: Vec<SweepPoint>,
    /// Sequential-stopping outcome, when a target was given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<TargetReport>,
    /// How it was produced.
    pub provenance: Provenance,
}

/// A scenario in a comparison.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScenarioRef {
    /// Scenario name.
    pub name: String,
    /// Where it came from.
    pub source: String,
    /// SHA-256 of its text.
    pub sha256: String,
}

/// Paired differences of one policy against the base.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PolicyDifferences {
    /// Index of the policy in `scenarios`.
    pub scenario: usize,
    /// Per KPI: policy minus base.
    pub kpis: BTreeMap<String, PairedDifference>,
}

/// The result of `caspian compare`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CompareDoc {
    /// Always `compare`.
    pub kind: String,
    /// Master seed shared by all scenarios (common random numbers).
    pub seed: u64,
    /// Replications per scenario (the same indices for all).
    pub replications: u64,
    /// The scenarios; the first is the base.
    pub scenarios: Vec<ScenarioRef>,
    /// Summary per KPI, one table per scenario.
    pub summaries: Vec<KpiTable>,
    /// Differences of every other scenario against the first.
    pub differences: Vec<PolicyDifferences>,
    /// Rankings on the primary KPIs.
    pub rankings: Vec<Ranking>,
    /// Waiting lines that grew without bound, prefixed by the scenario name.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
    /// Sequential-stopping outcome, when a target was given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<TargetReport>,
    /// How it was produced.
    pub provenance: Provenance,
}

/// Which command a partial result belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StudyKind {
    /// `caspian run`.
    Run,
    /// `caspian sweep`.
    Sweep,
}

/// Everything that identifies a study, so that parts and checkpoints of
/// different studies are never mixed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StudyHeader {
    /// Run or sweep.
    pub study: StudyKind,
    /// Scenario name.
    pub scenario: String,
    /// Where it came from.
    pub source: String,
    /// Master seed.
    pub seed: u64,
    /// Replications in the whole study (all shards).
    pub replications: u64,
    /// How the points were chosen.
    pub design: DesignKind,
    /// The axes (empty for a run).
    pub axes: Vec<Axis>,
    /// The design points' values.
    pub points: Vec<Vec<f64>>,
    /// How it was produced.
    pub provenance: Provenance,
}

impl StudyHeader {
    /// The header of `study` with `replications` in total.
    pub fn of(study: &Study, kind: StudyKind, replications: u64) -> Self {
        Self {
            study: kind,
            scenario: study.name.clone(),
            source: study.source.clone(),
            seed: study.seed,
            replications,
            design: study.design,
            axes: study.axes.clone(),
            points: study.points.iter().map(|p| p.values.clone()).collect(),
            provenance: Provenance::current(Some(study.sha256.clone())),
        }
    }
}

/// A shard's share of a study (`--shard K/N`), or a sweep's checkpoint:
/// per-replication records that `caspian merge` or `--resume` complete.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PartialDoc {
    /// `partial` for a shard, `checkpoint` for a sweep in progress.
    pub kind: String,
    /// Which share of the replications this holds.
    pub shard: Shard,
    /// The study this belongs to.
    #[serde(flatten)]
    pub header: StudyHeader,
    /// Records per design point.
    pub records: Vec<PointRecords>,
}

/// Builds the run document from the records of its single design point.
pub fn run_doc(
    header: &StudyHeader,
    records: &PointRecords,
    target: Option<TargetReport>,
) -> RunDoc {
    RunDoc {
        kind: "run".into(),
        scenario: header.scenario.clone(),
        source: header.source.clone(),
        seed: header.seed,
        replications: records.rows.len() as u64,
        truncated_replications: records.truncated_count(),
        kpis: summarize(records),
        warnings: records.saturation_warnings(),
        target,
        provenance: header.provenance.clone(),
    }
}

/// Builds the sweep document from the records of every design point.
pub fn sweep_doc(
    header: &StudyHeader,
    records: &[PointRecords],
    target: Option<TargetReport>,
) -> SweepDoc {
    SweepDoc {
        kind: "sweep".into(),
        scenario: header.scenario.clone(),
        source: header.source.clone(),
        seed: header.seed,
        replications: records.first().map_or(0, |r| r.rows.len() as u64),
        design: header.design,
        axes: header.axes.clone(),
        points: records
            .iter()
            .zip(&header.points)
            .enumerate()
            .map(|(index, (rec, values))| SweepPoint {
                index,
                values: values.clone(),
                truncated_replications: rec.truncated_count(),
                kpis: summarize(rec),
                warnings: rec.saturation_warnings(),
            })
            .collect(),
        target,
        provenance: header.provenance.clone(),
    }
}
