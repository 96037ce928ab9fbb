//! `caspian merge`: joins shard results into exactly the summary a single
//! run gives.
//!
//! Parts are checked before anything is combined: they must come from the
//! same study (scenario hash, seed, replications, design, tool version), and
//! together hold every shard exactly once. Records are then joined in shard
//! order, which is replication order, and summarised by the same code as a
//! single run, so the result is bit-identical.

use crate::document::{PartialDoc, RunDoc, StudyHeader, StudyKind, run_doc};
use crate::records::PointRecords;
use crate::sweep_stream::SweepResult;
use caspian_shipping::resolve::ParentFile;

/// The merged result.
#[derive(Debug, Clone, PartialEq)]
pub enum Merged {
    /// Parts of `caspian run`: the summary, and the joined records it was
    /// computed from (for a per-replication CSV).
    Run {
        /// The summary a single run gives.
        doc: RunDoc,
        /// Every replication's record, in replication order.
        records: PointRecords,
        /// The study's header (its warnings, each point's escort force).
        header: Box<StudyHeader>,
    },
    /// Parts of `caspian sweep`: the joined records, summarised point by
    /// point as the document is written ([`crate::sweep_stream`]).
    Sweep(SweepResult),
}

/// Why parts cannot be merged. Every message names the parts at fault.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct MergeError(pub String);

/// Merges `parts`, each given with the path it was read from.
///
/// The parts are consumed: their records move into the merged result
/// instead of being copied, so a merge holds each record once.
///
/// # Errors
/// [`MergeError`] when parts are missing, duplicated, from different
/// studies, or do not hold the replications their shard should.
pub fn merge(parts: Vec<(String, PartialDoc)>) -> Result<Merged, MergeError> {
    let Some((first_path, first)) = parts.first() else {
        return Err(MergeError("no parts given".into()));
    };
    let count = first.shard.count;
    for (path, part) in &parts {
        if part.shard.count == 0 || part.shard.index >= part.shard.count {
            return Err(MergeError(format!(
                "{path}: shard {}/{} is impossible (the index counts from 0 and must be below \
                 the count); the file is damaged",
                part.shard.index, part.shard.count
            )));
        }
        if let Some(what) = difference(&first.header, &part.header) {
            return Err(MergeError(format!(
                "{path} and {first_path} come from different studies: {what} differs"
            )));
        }
        if part.header.reference != first.header.reference {
            return Err(MergeError(format!(
                "{path} has reference point {} but {first_path} has {}: run every shard with \
                 the same --reference",
                part.header.reference, first.header.reference
            )));
        }
        if part.shard.count != count {
            return Err(MergeError(format!(
                "{path} is shard {}/{} but {first_path} is shard {}/{count}",
                part.shard.index, part.shard.count, first.shard.index
            )));
        }
    }
    // Keyed by index, not a vector of `count` slots: a damaged count (say
    // 4 billion) must give a message, not an allocation failure.
    let mut by_index: std::collections::BTreeMap<u32, Vec<&str>> = Default::default();
    for (path, part) in &parts {
        by_index.entry(part.shard.index).or_default().push(path);
    }
    // A shard twice first: a part whose index was changed leaves another
    // missing, and the repeat is what to fix.
    if let Some((i, paths)) = by_index.iter().find(|(_, p)| p.len() > 1) {
        return Err(MergeError(format!(
            "shard {i}/{count} given more than once: {}",
            paths.join(", ")
        )));
    }
    let absent = count as usize - by_index.len();
    if absent > 0 {
        const SHOWN: usize = 10;
        let mut missing: Vec<String> = (0..count)
            .filter(|i| !by_index.contains_key(i))
            .take(SHOWN)
            .map(|i| i.to_string())
            .collect();
        if absent > SHOWN {
            missing.push(format!("... ({absent} in all)"));
        }
        return Err(MergeError(format!(
            "missing shard(s) {} of {count}; re-run them with --shard K/{count}",
            missing.join(", ")
        )));
    }
    let (first_path, mut header) = (first_path.clone(), first.header.clone());
    // Parts written before the forces were kept lack them: any part that
    // has them gives the study's, the same in every part that has them.
    let mut forces = parts.iter().filter(|(_, p)| !p.header.escort_forces.is_empty());
    if let Some((with, part)) = forces.next() {
        let study = &part.header.escort_forces;
        if study.len() != header.points.len() {
            return Err(MergeError(format!(
                "{with}: it keeps the escort force of {} design points, but the study has {}; \
                 the file is damaged",
                study.len(),
                header.points.len()
            )));
        }
        if let Some((path, _)) = forces.find(|(_, p)| p.header.escort_forces != *study) {
            return Err(MergeError(format!(
                "{path} and {with} keep different escort forces for the same design points; \
                 one of them is damaged or from another build"
            )));
        }
        header.escort_forces.clone_from(study);
    }
    // So with the warnings: a part written before a sweep kept its
    // warnings about the design has only the study's, a prefix of the
    // others'; any other difference is a damaged part, as is a warning
    // kept twice (a study says each once).
    for (path, part) in &parts {
        let w = &part.header.warnings;
        if let Some(twice) = w.iter().enumerate().find(|&(i, x)| w[..i].contains(x)) {
            return Err(MergeError(format!(
                "{path} keeps the warning \"{}\" twice; the file is damaged",
                twice.1
            )));
        }
    }
    if let Some((most_path, most)) =
        parts.iter().map(|(path, p)| (path, &p.header.warnings)).max_by_key(|(_, w)| w.len())
    {
        if let Some((path, _)) = parts.iter().find(|(_, p)| !most.starts_with(&p.header.warnings)) {
            return Err(MergeError(format!(
                "{path} and {most_path} keep different warnings for the same study; one of them \
                 is damaged or from another build"
            )));
        }
        header.warnings.clone_from(most);
    }
    if header.points.is_empty() {
        return Err(MergeError(format!("{first_path}: the study has no design points")));
    }
    if header.study == StudyKind::Sweep && header.reference >= header.points.len() {
        return Err(MergeError(format!(
            "{first_path}: reference point {} is out of range ({} design points); the file is \
             damaged",
            header.reference,
            header.points.len()
        )));
    }
    // Shard order is replication order.
    let mut parts = parts;
    parts.sort_by_key(|(_, p)| p.shard.index);
    let mut names: Vec<&[String]> = vec![&[]; header.points.len()];
    for (path, part) in &parts {
        check_records(path, part, &header, &mut names)?;
    }
    let units = merged_units(&parts)?;
    // Every part checked: move the records, so that each is held once.
    let mut merged = vec![PointRecords::default(); header.points.len()];
    for (_, part) in parts {
        for (into, rec) in merged.iter_mut().zip(part.records) {
            if into.kpi_names.is_empty() {
                into.kpi_names = rec.kpi_names;
            }
            into.rows.extend(rec.rows);
        }
    }
    Ok(match header.study {
        StudyKind::Run => {
            let records = merged.swap_remove(0);
            let doc = run_doc(&header, &records, &units, None);
            Merged::Run { doc, records, header: Box::new(header) }
        }
        StudyKind::Sweep => {
            Merged::Sweep(SweepResult { header, records: merged, units, target: None })
        }
    })
}

/// Checks that `part` holds, at every design point of the study `header`,
/// exactly the replications of its shard, each with one value per KPI name.
/// `names` holds each point's KPI names from the earlier parts (in shard
/// order; empty until a part gives them): a part with rows must agree.
fn check_records<'a>(
    path: &str,
    part: &'a PartialDoc,
    header: &StudyHeader,
    names: &mut [&'a [String]],
) -> Result<(), MergeError> {
    if part.records.len() != header.points.len() {
        return Err(MergeError(format!(
            "{path}: holds {} design points, the study has {}",
            part.records.len(),
            header.points.len()
        )));
    }
    let range = part.shard.range(header.replications);
    for (point, (rec, known)) in part.records.iter().zip(names).enumerate() {
        if !rec.rows.iter().map(|r| r.replication).eq(range.clone()) {
            let indices: Vec<u64> = rec.rows.iter().map(|r| r.replication).collect();
            return Err(MergeError(format!(
                "{path}: design point {point} should hold {}, in order, but {}",
                span(&range),
                indices_problem(&indices, &range)
            )));
        }
        if known.is_empty() {
            if let Some(problem) = crate::validate::kpi_names_problem(&rec.kpi_names) {
                return Err(MergeError(format!(
                    "{path}: design point {point}: {problem}; the file is damaged"
                )));
            }
            *known = &rec.kpi_names;
        } else if !rec.rows.is_empty() && *known != rec.kpi_names.as_slice() {
            return Err(MergeError(format!(
                "{path}: design point {point} has different KPI names from earlier shards"
            )));
        }
        if rec.rows.iter().any(|r| r.values.len() != rec.kpi_names.len()) {
            return Err(MergeError(format!(
                "{path}: design point {point} has a row with the wrong number of values"
            )));
        }
        // Last, so that what the checks above name is named first.
        let seal = part.seals.get(point).map_or("", String::as_str);
        let places = [part.header.seal_place(point), part.header.legacy_seal_place(point)];
        let places = [places[0].as_str(), places[1].as_str()];
        if let Err(problem) = crate::seal::check(seal, &places, &rec.kpi_names, &rec.rows) {
            // A run has one point, which it does not call one.
            let what = if header.axes.is_empty() {
                String::new()
            } else {
                format!("design point {point}: ")
            };
            return Err(MergeError(format!("{path}: {what}{problem}; the file is damaged")));
        }
    }
    Ok(())
}

/// The units of the KPIs, from the parts that have them: all parts come
/// from one scenario, so they must agree; a part that disagrees is damaged.
fn merged_units(parts: &[(String, PartialDoc)]) -> Result<crate::document::KpiUnits, MergeError> {
    let mut units = crate::document::KpiUnits::new();
    let mut unit_from: std::collections::BTreeMap<&str, &str> = Default::default();
    for (path, part) in parts {
        for (name, unit) in &part.units {
            if unit.is_empty() {
                continue;
            }
            match units.get(name) {
                Some(u) if !u.is_empty() && u != unit => {
                    return Err(MergeError(format!(
                        "{path}: KPI {} has unit \"{}\" but {} gives \"{}\"; the file is damaged",
                        crate::validate::cap(name),
                        crate::validate::cap(unit),
                        unit_from[name.as_str()],
                        crate::validate::cap(u),
                    )));
                }
                Some(_) => {}
                None => {
                    units.insert(name.clone(), unit.clone());
                    unit_from.insert(name, path);
                }
            }
        }
    }
    Ok(units)
}

/// The first field in which two study headers differ. The path the scenario
/// was read from is not compared: the study is identified by the scenario's
/// content (SHA-256), the seed, the replications, the design and the build.
pub fn difference(a: &StudyHeader, b: &StudyHeader) -> Option<&'static str> {
    if a.provenance.tool_version != b.provenance.tool_version {
        Some("tool version")
    } else if a.provenance.overrides != b.provenance.overrides {
        // Overrides change the scenario's hash too: name the cause.
        Some("overrides (--set)")
    } else if a.provenance.scenario_sha256 != b.provenance.scenario_sha256 {
        Some("scenario (SHA-256 of the file)")
    } else if a.seed != b.seed {
        Some("seed")
    } else if a.study != b.study {
        Some("command (run or sweep)")
    } else if a.replications != b.replications {
        Some("total replications")
    } else if a.design != b.design || a.axes != b.axes || a.points != b.points {
        Some("sweep design")
    } else if a.window != b.window {
        Some("reporting window")
    } else if a.provenance.overrides != b.provenance.overrides
        || !same_files(&a.provenance.extends, &b.provenance.extends)
    {
        Some("overrides (--set) or the files the scenario extends")
    } else if a.provenance.tool != b.provenance.tool
        || a.provenance.rng_algorithm != b.provenance.rng_algorithm
        || a.provenance.build_target != b.provenance.build_target
    {
        Some("build (RNG or target)")
    } else {
        // The scenario's name is part of its text (covered by the hash);
        // the path it was read from is informational: shards may spell it
        // differently (`./scenarios/x.toml`) or run in other directories.
        None
    }
}

/// Whether two `extends` chains are the same files by content (their paths
/// may be spelt differently).
fn same_files(a: &[ParentFile], b: &[ParentFile]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.sha256 == y.sha256)
}

/// The replications of `range` in words: `replications 2 to 4`.
fn span(range: &std::ops::Range<u64>) -> String {
    match range.end.saturating_sub(range.start) {
        0 => "no replications".into(),
        1 => format!("replication {}", range.start),
        _ => format!("replications {} to {}", range.start, range.end - 1),
    }
}

/// The first thing wrong with the replication `indices` of a part that
/// should hold `range`, in order: one outside it, one twice, one missing,
/// or the order.
fn indices_problem(indices: &[u64], range: &std::ops::Range<u64>) -> String {
    let mut seen = std::collections::BTreeSet::new();
    for &i in indices {
        if !range.contains(&i) {
            return format!("it holds replication {i}");
        }
        if !seen.insert(i) {
            return format!("it holds replication {i} twice");
        }
    }
    match range.clone().find(|i| !seen.contains(i)) {
        Some(missing) => format!("replication {missing} is missing"),
        None => "they are out of order".into(),
    }
}

#[cfg(test)]
mod tests {
    use crate::document::PartialDoc;
    use crate::run::{RunOutcome, run};
    use crate::shard::Shard;
    use crate::study::Study;

    /// The two shards of a 3-replication baseline run.
    fn parts() -> [PartialDoc; 2] {
        let study = Study::single(crate::BASELINE_TOML, "baseline", Some(3)).unwrap();
        [0, 1].map(|index| {
            let shard = Some(Shard { index, count: 2 });
            let RunOutcome::Shard(part) = run(&study, 3, shard, None, &|| {}, None).unwrap() else {
                panic!("not a shard")
            };
            part
        })
    }

    /// Values a replication could give typed over its own (an undefined
    /// one, `null`, and a plausible one), a part without seals, and rows
    /// sealed for another study (another seed) are refused by their seal.
    #[test]
    fn merge_refuses_rows_that_do_not_match_their_seal() {
        let [a, b] = parts();
        let merge_error = |damage: &dyn Fn(&mut PartialDoc)| {
            let mut b = b.clone();
            damage(&mut b);
            super::merge(vec![("a".into(), a.clone()), ("b".into(), b)]).unwrap_err().0
        };
        // (A run's part has one point, which the message does not name.)
        let sealed =
            "b: its rows do not match their seal (edited, or damaged); the file is damaged";
        let e = merge_error(&|b| b.records[0].rows[0].values[0] = f64::NAN);
        assert!(e.contains(sealed), "{e}");
        let e = merge_error(&|b| b.records[0].rows[1].values[3] *= 1.01);
        assert!(e.contains(sealed), "{e}");
        let e = merge_error(&|b| b.seals.clear());
        assert!(e.contains("b: its rows have no seal"), "{e}");
        let e = merge_error(&|b| {
            let mut other = b.header.clone();
            other.seed += 1;
            let r = &b.records[0];
            b.seals[0] = crate::seal::seal(&other.seal_place(0), &r.kpi_names, &r.rows);
        });
        assert!(e.contains(sealed), "{e}");
        // The window is in the seal: edited in both parts alike, it is damage.
        let shifted = |p: &PartialDoc| {
            let mut p = p.clone();
            p.header.window.as_mut().unwrap().warmup_days += 1.0;
            p
        };
        let e = super::merge(vec![("a".into(), shifted(&a)), ("b".into(), shifted(&b))]);
        assert!(e.unwrap_err().0.contains("a: its rows do not match their seal"));
        // Untouched, they merge.
        assert!(super::merge(vec![("a".into(), a.clone()), ("b".into(), b.clone())]).is_ok());
        // A part sealed as a build before the window was in the seal did is
        // still read (its window unchecked).
        let legacy = |p: &PartialDoc| {
            let mut p = p.clone();
            let r = &p.records[0];
            p.seals[0] = crate::seal::seal(&p.header.legacy_seal_place(0), &r.kpi_names, &r.rows);
            p
        };
        assert!(super::merge(vec![("a".into(), legacy(&a)), ("b".into(), legacy(&b))]).is_ok());
    }
}
