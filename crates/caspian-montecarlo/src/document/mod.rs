//! The result files: what `--json` writes for a run, a sweep, a comparison,
//! a shard's partial result and a warm-up analysis, and how they are built
//! from records.
//!
//! Every file is one [`Document`], tagged by its `kind`; reading one goes
//! through [`Document::from_json`], which also checks every index, length
//! and non-empty list that readers rely on ([`crate::validate`]).
//!
//! Documents hold no timestamps, host names or thread counts, so the same
//! study gives byte-identical files wherever and however it ran.

use std::collections::BTreeMap;
use std::fmt;
use std::ops::Deref;

use caspian_shipping::resolve::ParentFile;
use caspian_shipping::{CompiledScenario, WaitingLine};
use serde::{Deserialize, Serialize};

use crate::design::{Axis, DesignKind};
use crate::records::PointRecords;
use crate::sequential::TargetReport;
use crate::shard::Shard;
use crate::stats::{PairedDifference, Summary};
use crate::study::Study;
use crate::validate::DocumentError;
use crate::warmup::WarmupDoc;

mod window;
pub use window::{MAX_WINDOW_DAYS, Window, WindowMonth};

mod notes;
pub use notes::partly_defined_note;

mod build;
pub use build::{run_doc, sweep_doc, sweep_head, sweep_point};

pub use crate::targets::TargetProbability;

mod compare;
pub use compare::{
    CompareDoc, ECONOMICS_HEADER, PolicyDifferences, RANKING_HEADER, ScenarioRef,
    ScenarioSaturation,
};

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
    /// The files the scenario extends, the direct parent first, each with
    /// its SHA-256 (absent when it extends none, and for comparisons,
    /// whose `scenarios` list each chain).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extends: Vec<ParentFile>,
    /// The `--set` overrides applied, in order, as `KEY=VALUE` (absent when
    /// none, and for comparisons, whose `scenarios` list each).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub overrides: Vec<String>,
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
            extends: Vec::new(),
            overrides: Vec::new(),
        }
    }

    /// Provenance of this build for `study`: its hash, the files it
    /// extends and its overrides.
    pub fn of_study(study: &Study) -> Self {
        Self {
            extends: study.lineage.extends.clone(),
            overrides: study.lineage.overrides.clone(),
            ..Self::current(Some(study.sha256.clone()))
        }
    }
}

/// A KPI's statistic together with the KPI's unit, as written in
/// documents: `{"unit": "t", "mean": ..., ...}`. Dereferences to the
/// statistic.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WithUnit<T> {
    /// The unit, resolved for the scenario (`t` or `wagons` for cargo
    /// amounts; see [`crate::schema`]); empty for a KPI with no family.
    pub unit: String,
    /// The statistic.
    #[serde(flatten)]
    pub value: T,
}

impl<T> Deref for WithUnit<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.value
    }
}

/// KPI summaries by name, each with its unit.
pub type KpiTable = BTreeMap<String, WithUnit<Summary>>;

/// The unit of each KPI by name (see [`kpi_units`]).
pub type KpiUnits = BTreeMap<String, String>;

/// The resolved unit of each of `names` in `plan` (empty for a name with no
/// family in the schema).
///
/// Taken from `plan`'s KPI layout, which resolved every unit once when the
/// scenario was compiled; `names` are usually the layout's own, in its
/// order, so each is found at the position after the last one without a
/// search. A name the layout does not hold is resolved from the schema.
pub fn kpi_units<'n>(
    plan: &CompiledScenario,
    names: impl IntoIterator<Item = &'n String>,
) -> KpiUnits {
    let layout = plan.kpi_layout();
    let mut next = 0;
    names
        .into_iter()
        .map(|n| {
            let at =
                if layout.names().get(next) == Some(n) { Some(next) } else { layout.position(n) };
            let unit = match at {
                Some(i) => {
                    next = i + 1;
                    layout.unit_text(i).to_string()
                }
                None => crate::schema::unit_text(plan, n).unwrap_or_default(),
            };
            (n.clone(), unit)
        })
        .collect()
}

/// The unit of `name` in `units` (empty when unknown).
fn unit_of(units: &KpiUnits, name: &str) -> String {
    units.get(name).cloned().unwrap_or_default()
}

/// Summaries of every KPI of one design point, with their units: each
/// interval within its KPI's range, with the rare-event report where the
/// KPI has one ([`crate::rare::kpi_summary`]).
pub fn summarize(records: &PointRecords, units: &KpiUnits) -> KpiTable {
    records
        .kpi_names
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let value = crate::rare::kpi_summary(name, &records.column(i));
            (name.clone(), WithUnit { unit: unit_of(units, name), value })
        })
        .collect()
}

/// A waiting line that was still growing at the horizon in some
/// replications (demand above capacity there): the typed form of a
/// saturation warning. Its [`Display`](fmt::Display) is the sentence shown
/// to people.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Saturation {
    /// The line, e.g. `anchorage alat.rail_ferry` or `gate aktau_yard_west`.
    pub line: WaitingLine,
    /// Replications in which it was still growing.
    pub replications: u64,
    /// Replications in all.
    pub of: u64,
}

impl fmt::Display for Saturation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} was still growing when the replication ended (at the horizon, or earlier where a \
             safeguard stopped it) in {} of {} replications \
             (at least {} waiting and more than {}% of its traffic): in those \
             replications demand exceeded capacity there (e.g. after a vessel was \
             lost, or while a closure or cut was still in effect at the horizon), so their \
             waits and backlogs depend on the horizon",
            self.line,
            self.replications,
            self.of,
            caspian_shipping::SATURATION_MIN_WAITING,
            caspian_shipping::SATURATION_SHARE * 100.0
        )
    }
}

/// The result of `caspian run`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunDoc {
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
    /// The window the KPIs cover (absent in documents written before it was
    /// recorded).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub window: Option<Window>,
    /// Summary per KPI.
    pub kpis: KpiTable,
    /// Waiting lines that grew without bound (demand above capacity).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub saturation: Vec<Saturation>,
    /// Sequential-stopping outcome, when a target was given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<TargetReport>,
    /// The probability of meeting each `--target` condition.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub targets: Vec<TargetProbability>,
    /// The study's warnings (escorts that protect nothing, a dated
    /// disruption outside the window), as the terminal printed them;
    /// absent when none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
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
    pub saturation: Vec<Saturation>,
    /// Per KPI: this point minus the reference point (`SweepDoc::reference`),
    /// paired replication by replication (common random numbers), in the
    /// KPI's unit. Empty at the reference point itself.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub differences: DifferenceTable,
}

/// Paired differences by KPI name, each with its unit.
pub type DifferenceTable = BTreeMap<String, WithUnit<PairedDifference>>;

/// The result of `caspian sweep`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SweepDoc {
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
    /// Index of the reference design point (`--reference`, default 0): every
    /// other point's `differences` are against it.
    #[serde(default)]
    pub reference: usize,
    /// One entry per design point.
    pub points: Vec<SweepPoint>,
    /// Sequential-stopping outcome, when a target was given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<TargetReport>,
    /// The study's warnings, as in [`RunDoc::warnings`].
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
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
    /// The reference design point of a sweep (`--reference`); not part of
    /// what identifies the study (see [`crate::merge::difference`]).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub reference: usize,
    /// The scenario's reporting window (absent in parts written before it
    /// was recorded; not part of what identifies the study, which the
    /// scenario's SHA-256 does).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub window: Option<Window>,
    /// The study's warnings ([`Study::warnings`]), then a sweep's warnings
    /// about its design ([`Study::design_check`]); absent when none, and in
    /// parts written before they were kept.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
    /// Each design point's escort force (`null` where escorts are off;
    /// [`Study::escort_forces`]), so that `caspian merge` warns of a force
    /// that binds over every shard's replications as one run would. Absent
    /// when no point has escorts, and in parts written before it was kept.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub escort_forces: Vec<Option<u32>>,
    /// How it was produced.
    pub provenance: Provenance,
}

#[allow(clippy::trivially_copy_pass_by_ref)] // serde's skip_serializing_if
fn is_zero(x: &usize) -> bool {
    *x == 0
}

impl StudyHeader {
    /// Where design point `point`'s rows belong, as their [`crate::seal`]
    /// names it: the study (the scenario's name, its SHA-256, its overrides
    /// and the seed: what [`crate::merge::difference`] requires of every
    /// part, the name as the text the hash covers), the window its KPIs
    /// cover (it follows from the scenario, which a part does not hold, so
    /// an edit could not be told otherwise), and the point with its values.
    /// Rows of another study, or of another point, do not match a seal made
    /// here, nor do rows whose header was edited to another window.
    pub fn seal_place(&self, point: usize) -> String {
        let window = self.window.map(|w| (w.warmup_days.to_bits(), w.horizon_days.to_bits()));
        format!("{}, window {window:?}", self.legacy_seal_place(point))
    }

    /// The place seals named before the window was in it (2026-12-07):
    /// parts and checkpoints written by such a build are still read
    /// ([`crate::seal::check`] takes either), their window unchecked.
    pub fn legacy_seal_place(&self, point: usize) -> String {
        format!(
            "scenario {:?} ({:?}) with {:?}, seed {}, design point {point} at {:?}",
            self.scenario,
            self.provenance.scenario_sha256,
            self.provenance.overrides,
            self.seed,
            self.points.get(point)
        )
    }

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
            reference: 0,
            window: Some(Window::of(&study.plan)),
            warnings: study.warnings(),
            escort_forces: study.escort_forces(),
            provenance: Provenance::of_study(study),
        }
    }

    /// The warning that the escort force binds at some design point of
    /// `records` (one per point, over every replication:
    /// [`crate::appraisal::escort_force_points`]), which only the results
    /// show.
    pub fn escort_warning(&self, records: &[PointRecords]) -> Option<String> {
        crate::appraisal::escort_force_points(&self.scenario, records, |p| {
            self.escort_forces.get(p).copied().flatten()
        })
    }

    /// The warnings of the result of `records`: the study's, then
    /// [`escort_warning`](Self::escort_warning). A run, a sweep and a
    /// merge of their shards keep the same.
    pub fn result_warnings(&self, records: &[PointRecords]) -> Vec<String> {
        self.warnings.iter().cloned().chain(self.escort_warning(records)).collect()
    }
}

/// A shard's share of a study (`--shard K/N`): per-replication records
/// that `caspian merge` completes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PartialDoc {
    /// Which share of the replications this holds.
    pub shard: Shard,
    /// The study this belongs to.
    #[serde(flatten)]
    pub header: StudyHeader,
    /// Records per design point.
    pub records: Vec<PointRecords>,
    /// The unit of each KPI (the merged summaries carry them).
    #[serde(default)]
    pub units: KpiUnits,
    /// Each design point's [`crate::seal`] over its records, which `merge`
    /// checks: an edited or damaged value is refused, not merged.
    #[serde(default)]
    pub seals: Vec<String>,
}

impl PartialDoc {
    /// The share `shard` of `header`'s study, holding `records`, sealed.
    pub fn new(
        shard: Shard,
        header: StudyHeader,
        records: Vec<PointRecords>,
        units: KpiUnits,
    ) -> Self {
        let seals = records
            .iter()
            .enumerate()
            .map(|(p, r)| crate::seal::seal(&header.seal_place(p), &r.kpi_names, &r.rows))
            .collect();
        Self { shard, header, records, units, seals }
    }
}

/// Any result file, tagged by its `kind`. Written with serde; read only
/// through [`Document::from_json`], which checks what serde cannot.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[allow(clippy::large_enum_variant)] // read and written once per command
pub enum Document {
    /// `caspian run --json` (or `caspian merge` of run shards).
    Run(RunDoc),
    /// `caspian sweep --json` (or `caspian merge` of sweep shards).
    Sweep(SweepDoc),
    /// `caspian compare --json`.
    Compare(CompareDoc),
    /// `caspian run/sweep --shard K/N --json`.
    Partial(PartialDoc),
    /// `caspian warmup --json`.
    Warmup(WarmupDoc),
}

impl Document {
    /// The `kind` tag: `run`, `sweep`, `compare`, `partial` or `warmup`.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Run(_) => "run",
            Self::Sweep(_) => "sweep",
            Self::Compare(_) => "compare",
            Self::Partial(_) => "partial",
            Self::Warmup(_) => "warmup",
        }
    }

    /// Reads a document from its JSON text and checks it
    /// ([`crate::validate`]).
    ///
    /// # Errors
    /// [`DocumentError`] naming the field at fault when the text is not
    /// JSON, not a result document, or inconsistent (an index out of range,
    /// lengths that disagree, a list that must not be empty).
    pub fn from_json(text: &str) -> Result<Self, DocumentError> {
        crate::validate::read(text)
    }

    /// The document as pretty JSON (compact for partial results, which are
    /// large and read by `caspian merge`, not by people), ending in a newline.
    ///
    /// # Errors
    /// Only if serialisation fails (a defect).
    pub fn to_json(&self) -> Result<String, serde_json::Error> {
        let mut bytes = Vec::new();
        self.write_json(&mut bytes)?;
        // serde_json writes only valid UTF-8.
        String::from_utf8(bytes).map_err(serde::ser::Error::custom)
    }

    /// Writes [`to_json`](Self::to_json)'s text straight to `out`, without
    /// building it in memory (a large sweep's document is tens of MB).
    ///
    /// # Errors
    /// When writing to `out` fails ([`serde_json::Error::is_io`]), or
    /// serialisation fails (a defect).
    pub fn write_json<W: std::io::Write>(&self, mut out: W) -> Result<(), serde_json::Error> {
        match self {
            Self::Partial(_) => serde_json::to_writer(&mut out, self)?,
            _ => serde_json::to_writer_pretty(&mut out, self)?,
        }
        out.write_all(b"\n").map_err(serde_json::Error::io)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The layout's units, read at the next position or found by a search,
    /// are the schema's own for any order of names and for names the
    /// scenario does not emit.
    #[test]
    fn kpi_units_agree_with_the_schema_in_any_order() {
        let plan = caspian_shipping::load(caspian_shipping::BASELINE_TOML, "baseline").unwrap();
        let mut names: Vec<String> = plan.kpi_layout().names().to_vec();
        assert!(names.iter().any(|n| n.starts_with("cost.")), "a unit with the currency");
        let expect = |names: &[String]| -> KpiUnits {
            names
                .iter()
                .map(|n| (n.clone(), crate::schema::unit_text(&plan, n).unwrap_or_default()))
                .collect()
        };
        assert_eq!(kpi_units(&plan, &names), expect(&names), "layout order");
        names.reverse();
        assert_eq!(kpi_units(&plan, &names), expect(&names), "reversed: every name searched");
        // Names the layout lacks, between and around its own: a series month
        // past the horizon (a family, so a unit), an unknown name (none).
        names.reverse();
        names.insert(3, "month_delivered.oil.m999".to_string());
        names.insert(0, "aaa_no_family".to_string());
        names.push("zzz_no_family".to_string());
        let units = kpi_units(&plan, &names);
        assert_eq!(units, expect(&names), "names outside the layout");
        assert_eq!(units["month_delivered.oil.m999"], "t");
        assert_eq!(units["zzz_no_family"], "");
    }
}
