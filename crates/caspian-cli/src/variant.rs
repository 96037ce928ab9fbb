//! `compare --variant NAME:KEY=VALUE[,KEY=VALUE...]`: a policy that is the
//! base scenario with a few values changed, without a file; and the
//! studies a comparison runs (files and variants, each with `--set`).

use std::path::PathBuf;

use caspian_montecarlo::resolve::Override;
use caspian_montecarlo::study::Study;

use crate::common::resolve_scenario;
use crate::failure::Failure;
use crate::warnings::Later;

/// A parsed `--variant`: its name and its overrides.
#[derive(Debug)]
struct Variant {
    name: String,
    overrides: Vec<Override>,
}

/// Parses `NAME:KEY=VALUE[,KEY=VALUE...]`. Commas inside a TOML list,
/// inline table or string (`k=[1, 2]`) do not split.
fn parse(spec: &str) -> Result<Variant, Failure> {
    // Echoed with its invisible characters (a newline) made visible, and
    // cut short: it may be anything.
    let shown: String =
        caspian_montecarlo::escape_invisible(spec, |_| false).chars().take(240).collect();
    let bad = |why: &str| {
        Failure::Input(format!(
            "--variant \"{shown}\": {why}; expected NAME:KEY=VALUE[,KEY=VALUE...], e.g. \
             berth3:port.alat.berths.rail_ferry=3"
        ))
    };
    let (name, changes) = spec.split_once(':').ok_or_else(|| bad("no ':' after the name"))?;
    let name = name.trim();
    if name.is_empty() {
        return Err(bad("the name is empty"));
    }
    // The same rule as a scenario's `name`: it reaches tables, file names
    // of charts and the HTML report.
    if let Some((position, c)) = caspian_montecarlo::first_invisible(name, |_| false) {
        return Err(bad(&format!(
            "the name has U+{:04X} at character {position}; a name may not hold control or \
             invisible format characters",
            u32::from(c)
        )));
    }
    let len = name.chars().count();
    if len > caspian_montecarlo::MAX_NAME_LEN {
        return Err(bad(&format!(
            "the name is {len} characters long; the limit is {}, as for a scenario's name",
            caspian_montecarlo::MAX_NAME_LEN
        )));
    }
    if changes.trim().is_empty() {
        return Err(bad("no KEY=VALUE after the name"));
    }
    let option = format!("--variant {name}:");
    let overrides = split_top_level(changes)
        .into_iter()
        // Spaces around a change are dropped; a tab or line break is left
        // for the override to refuse.
        .map(|c| {
            if c.trim_matches(' ').is_empty() {
                return Err(bad(
                    "an empty change between commas (a comma too many?): give KEY=VALUE \
                     changes separated by single commas",
                ));
            }
            Override::parse(c.trim_matches(' '), &option).map_err(|e| Failure::Input(e.to_string()))
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Variant { name: name.to_string(), overrides })
}

/// `text` split at the commas outside brackets, braces and quotes.
fn split_top_level(text: &str) -> Vec<&str> {
    let (mut depth, mut quote, mut start) = (0i32, None, 0);
    let mut parts = Vec::new();
    for (i, c) in text.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '[' | '{') => depth += 1,
            (None, ']' | '}') => depth -= 1,
            (None, ',') if depth == 0 => {
                parts.push(&text[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&text[start..]);
    parts
}

/// `name` for the scenario of `path`, made distinct from the names of
/// `earlier` studies: two files with one scenario name (a copy of the
/// baseline with a change, the base given twice) would read as one row in
/// rankings and economics. The file's name is added, then a number.
fn distinct_name(name: &str, path: &std::path::Path, earlier: &[Study]) -> String {
    let taken = |n: &str| earlier.iter().any(|s| s.name == n);
    if !taken(name) {
        return name.to_string();
    }
    let file = caspian_montecarlo::shown_path(path.file_name().map_or(path, std::path::Path::new));
    let with_file = format!("{name} ({file})");
    if !taken(&with_file) {
        return with_file;
    }
    (2..).map(|k| format!("{with_file} #{k}")).find(|n| !taken(n)).unwrap_or(with_file)
}

/// Whether the overrides `sets`, which do not fit `path`, fit another of
/// the comparison's `files`: then what `path` lacks, another has.
fn fits_another(files: &[PathBuf], path: &std::path::Path, sets: &[Override]) -> bool {
    use caspian_montecarlo::resolve::ResolveError;
    // A file that cannot be read or parsed says nothing of what it has.
    files.iter().filter(|f| f.as_path() != path).any(|f| {
        matches!(
            crate::common::resolve_scenario_raw(Some(f), sets),
            Ok(_) | Err(ResolveError::Invalid(_))
        )
    })
}

/// Whether one of a variant's overrides replaces the `--set` `o`: the
/// other key of its exclusive pair (`capacity_t_per_year` for
/// `capacity_per_year`), or a value at `o`'s key or at a key that holds it
/// that gives every value `o` gives (a number for a number, a distribution
/// for its `mean`, a plain table that holds each of `o`'s keys: a plain
/// table merges key by key, so one that lacked some would bring the file's
/// values back where the `--set` had changed them). In that variant the
/// `--set` is then dropped; a multiplier too (replaced, never compounded).
/// A variant key inside `o`'s value, or a value that does not cover it, is
/// refused as before ([`check_distinct`](caspian_montecarlo::resolve::overlap::check_distinct)):
/// give it in one place.
fn replaced(o: &Override, variant: &[Override]) -> bool {
    use caspian_montecarlo::resolve::overlap::{Overlap, covers};
    variant.iter().any(|v| match v.overlap(&o.key) {
        Some(Overlap::Same) => {
            let rest = if o.key == v.key { Some("") } else { o.key.strip_prefix(v.key.as_str()) };
            rest.filter(|r| r.is_empty() || r.starts_with('.'))
                .and_then(|r| v.value_at(r))
                .is_some_and(|at| covers(at, &o.value))
        }
        Some(Overlap::Exclusive) => true,
        Some(Overlap::Scaled) | None => false,
    })
}

/// The studies of a comparison: each file in `files` (the first is the
/// base), then each variant of the base, all with the `--set` overrides
/// `sets` first; `later` holds the warnings of settings that change
/// nothing.
pub(crate) fn studies(
    files: &[PathBuf],
    variants: &[String],
    sets: &[String],
    later: &mut Later,
) -> Result<Vec<Study>, Failure> {
    if files.len() + variants.len() < 2 {
        return Err(Failure::Input(
            "compare needs a base and at least one policy: give more SCENARIO files, or \
             --variant NAME:KEY=VALUE"
                .into(),
        ));
    }
    let raw_sets = sets;
    let sets = crate::common::parse_sets(sets)?;
    let mut studies = Vec::new();
    let mut base = None;
    for path in files {
        let s = crate::common::resolve_scenario_raw(Some(path), &sets).map_err(|e| match e {
            // One scenario of several lacks what the --set names: say which,
            // and that --set changes every one.
            caspian_montecarlo::resolve::ResolveError::Set { .. }
                if fits_another(files, path, &sets) =>
            {
                Failure::Input(format!(
                    "{}: {e}; --set changes every scenario of the comparison (the base and \
                     each policy): give the change in the files of those it should change, or \
                     as a --variant of the base",
                    caspian_montecarlo::shown_path(path)
                ))
            }
            other => Failure::Input(other.to_string()),
        })?;
        crate::warnings::inert_multipliers(Some(path), &sets, &s, 0, later);
        crate::warnings::idle_overrides(Some(path), &sets, &s, 0, later);
        base.get_or_insert_with(|| s.clone());
        // The source names the --set values too, as in `run`'s header.
        let source = crate::common::source_with_sets(&s.source, raw_sets);
        let mut study = Study::single(&s.text, &source, None)?.with_lineage(s.lineage);
        study.name = distinct_name(&study.name, path, &studies);
        studies.push(study);
    }
    for spec in variants {
        let variant = parse(spec)?;
        if studies.iter().skip(files.len()).any(|s| s.name == variant.name) {
            return Err(Failure::Input(format!(
                "--variant {}: the name is given twice; give each variant its own",
                variant.name
            )));
        }
        if let Some(file) = studies[..files.len()].iter().find(|s| s.name == variant.name) {
            return Err(Failure::Input(format!(
                "--variant {}: the name is that of the scenario in {}; a variant needs a name \
                 of its own, so that results tell them apart",
                variant.name, file.source
            )));
        }
        let Some(base) = &base else {
            return Err(Failure::Input("--variant needs a base SCENARIO file to vary".into()));
        };
        let changes =
            caspian_montecarlo::resolve::set::changes_from(&base.scenario, &variant.overrides)
                .join(", ");
        // The variant's value of a key replaces the --set's (the base keeps
        // the --set's): `--set K=6.5e6 --variant v:K=17e6` compares the two.
        let mut overrides: Vec<Override> =
            sets.iter().filter(|o| !replaced(o, &variant.overrides)).cloned().collect();
        let kept = overrides.len();
        overrides.extend(variant.overrides);
        let s = resolve_scenario(Some(&files[0]), &overrides)?;
        // An idle escort force in a variant is the base's model again,
        // which the comparison warns of (CompiledScenario::same_model).
        crate::warnings::inert_multipliers(Some(&files[0]), &overrides, &s, kept, later);
        let mut study = Study::single(&s.text, &s.source, None)?.with_lineage(s.lineage);
        study.name = variant.name;
        // Where it came from, as tables show it: the base and the changes.
        // The --set options this variant keeps (it replaces the others).
        let kept_sets: Vec<String> = overrides[..kept].iter().map(|o| o.text.clone()).collect();
        study.source = if kept_sets.is_empty() {
            format!("{} with {changes}", s.source)
        } else {
            format!("{}, and {changes}", crate::common::source_with_sets(&s.source, &kept_sets))
        };
        studies.push(study);
    }
    Ok(studies)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variants_split_at_top_level_commas() {
        assert_eq!(
            split_top_level("a=1,b=[1, 2],c={ x = 1, y = \"p,q\" }"),
            ["a=1", "b=[1, 2]", "c={ x = 1, y = \"p,q\" }"]
        );
        let v = parse("two:fleet.f.count=5, port.p.berths.tanker=2").unwrap();
        assert_eq!(v.name, "two");
        assert_eq!(v.overrides.len(), 2);
        assert_eq!(v.overrides[1].text, "port.p.berths.tanker=2");
        for bad in ["nocolon", ":a=1", "name:", "name:novalue"] {
            assert!(parse(bad).is_err(), "{bad}");
        }
        let message = |spec: &str| match parse(spec) {
            Err(Failure::Input(m)) => m,
            other => panic!("{other:?}"),
        };
        let long = format!("{}:a=1", "n".repeat(201));
        assert!(message(&long).contains("the name is 201 characters long; the limit is 200"));
        assert!(parse(&format!("{}:a=1", "n".repeat(200))).is_ok());
        // A newline is shown, not printed.
        let m = message("a\nb:a=1");
        assert!(!m.contains('\n') && m.contains("a<U+000A>b"), "{m}");
    }
}
