//! `caspian compare`'s warnings and refusals about its policies: a policy
//! file that is more than a lever on the base, the base unchanged, a
//! policy's own seed, and a `--kpi` or `--primary` pattern that only a
//! policy's KPIs match.

use caspian_montecarlo::scenario_diff::{demand_differences, scenario_differences};
use caspian_montecarlo::study::Study;

use crate::failure::Failure;

/// Warnings about `policy` against `base`: a policy file that is not
/// derived from the base and differs from it beyond a lever
/// ([`not_a_lever_on`]; `base_sha` is the base file's SHA-256, `None` for
/// a --variant), a policy that is the base unchanged (its name,
/// description and seed aside, which change no result here) or that
/// compiles to the base's model (`CompiledScenario::same_model`), and a policy
/// file's own seed, which a comparison does not use (every scenario runs
/// on the one seed, `--seed` or the base's, so that they share random
/// numbers).
pub(crate) fn policy_warnings(
    base: &Study,
    policy: &Study,
    seed: Option<u64>,
    base_sha: Option<&str>,
) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(line) = not_a_lever_on(base, policy, base_sha) {
        out.push(line);
    }
    let mut same = policy.plan.source.clone();
    same.scenario.name.clone_from(&base.plan.source.scenario.name);
    same.scenario.description.clone_from(&base.plan.source.scenario.description);
    same.scenario.seed = base.plan.source.scenario.seed;
    // A name made distinct by its file (`mmc (tiny.toml)`) names it already,
    // by its path as given or by its file name alone.
    let file = std::path::Path::new(&policy.source).file_name().and_then(|f| f.to_str());
    let named = if policy.name.ends_with(&format!("({})", policy.source))
        || file.is_some_and(|f| policy.name.ends_with(&format!("({f})")))
    {
        policy.name.clone()
    } else {
        format!("{} ({})", policy.name, policy.source)
    };
    if same == base.plan.source {
        out.push(format!(
            "{named} is the base scenario unchanged: every difference from the base will be zero"
        ));
    } else if policy.plan.same_model(&base.plan) {
        out.push(format!(
            "{named} compiles to the same model as the base: what it changes does nothing here \
             (the escort force with escorts off, a multiplier of something neither has, say), \
             so every difference from the base will be zero"
        ));
    }
    let used = seed.unwrap_or(base.seed);
    if policy.seed != used {
        out.push(format!(
            "{} ({}) sets seed {}, which a comparison does not use: every scenario runs with seed \
             {used} (common random numbers; --seed sets it)",
            policy.name, policy.source, policy.seed
        ));
    }
    out
}

/// The warning for a policy file that does not extend the base, when it
/// differs from the base beyond a lever (in two parts or more, or in its
/// demand): it names the parts that differ,
/// the demand first (a berth policy written for today's demand, compared
/// with a 2030 base, would show the fall in demand as its effect), and the
/// file it extends. `base_sha` is the SHA-256 of the base file's text
/// (`None` for a --variant policy, which changes only what its user named,
/// or when the base file cannot be read again); a policy whose `extends`
/// chain holds a file with that text, followed by the base's own parents,
/// is derived from the base, and what it changes was written on purpose.
fn not_a_lever_on(base: &Study, policy: &Study, base_sha: Option<&str>) -> Option<String> {
    let base_sha = base_sha?;
    // Derived from the base: some parent has the base file's text, and the
    // files above it are the base's own (two files of one text in two
    // folders can extend different parents).
    let chain = &policy.lineage.extends;
    let above_base = |k: usize| {
        chain[k + 1..].iter().map(|p| &p.sha256).eq(base.lineage.extends.iter().map(|p| &p.sha256))
    };
    if (0..chain.len()).any(|k| chain[k].sha256 == base_sha && above_base(k)) {
        return None;
    }
    let parts = scenario_differences(&base.plan.source, &policy.plan.source);
    let demand = demand_differences(&base.plan.source, &policy.plan.source);
    // One part that is not the demand is as a lever (a copy of the base
    // with one change, or the reverse of a derived pair).
    if parts.len() < 2 && demand.is_empty() {
        return None;
    }
    let demand = if demand.is_empty() {
        String::new()
    } else {
        let more = match demand.len() {
            0..=3 => String::new(),
            n => format!("; and {} more", n - 3),
        };
        format!(" (the demand: {}{more})", demand[..demand.len().min(3)].join("; "))
    };
    let parent =
        policy.lineage.extends.first().map_or_else(String::new, |p| format!(", but {}", p.source));
    Some(format!(
        "{} ({}) does not extend the base ({}){parent}, and differs from it in {}{demand}: its \
         differences from the base, the economics too, are those of all of these, not of one \
         lever. A policy meant as a lever on {} should extend it (`extends`) or be a --variant \
         of it",
        policy.name,
        policy.source,
        base.source,
        parts.join(", "),
        base.name
    ))
}

/// The error for a `--kpi` pattern that matches none of the base's KPIs
/// but some of a policy's (`recovery_days.*` of a stress test compared with
/// the baseline): a comparison pairs the base's KPIs, so it says where
/// those KPIs can be seen instead of suggesting unrelated names.
pub(crate) fn only_in_policies(
    option: &str,
    patterns: &[String],
    base: &[String],
    studies: &[Study],
) -> Option<Failure> {
    use caspian_montecarlo::select::matches;
    let pattern = patterns.iter().find(|p| !base.iter().any(|n| matches(p, n)))?;
    let (study, found) = studies.iter().skip(1).find_map(|s| {
        let names = s.plan.kpi_layout().names();
        let found: Vec<&str> =
            names.iter().filter(|n| matches(pattern, n)).map(String::as_str).collect();
        (!found.is_empty()).then_some((s, found))
    })?;
    let shown = found.iter().take(3).copied().collect::<Vec<_>>().join(", ");
    let more =
        if found.len() > 3 { format!(" and {} more", found.len() - 3) } else { String::new() };
    Some(Failure::Input(format!(
        "{option} {pattern} matches only KPIs that the base lacks ({shown}{more}, of \"{}\"): a \
         comparison pairs only the KPIs the base has; `caspian run {} --kpi '{pattern}'` shows them, \
         and so does a comparison of variants of that scenario (`caspian compare {} --variant \
         NAME:KEY=VALUE`)",
        study.name,
        as_arguments(&study.source),
        as_arguments(&study.source)
    )))
}

/// A scenario's source (`x.toml with --set K=V, --set L=W`) as command-line
/// arguments (`x.toml --set K=V --set L=W`); a variant's changes, which are
/// not arguments, are left out (its file alone).
fn as_arguments(source: &str) -> String {
    match source.split_once(" with ") {
        Some((file, sets)) if sets.starts_with("--set ") && !sets.contains("--variant") => {
            format!("{file} {}", sets.replace(", --set ", " --set "))
        }
        Some((file, _)) => file.to_string(),
        None => source.to_string(),
    }
}
