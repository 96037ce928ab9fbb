//! Choosing KPIs by name pattern (`delivered_total.*`).

use crate::schema;

/// Whether `name` matches `pattern`, where `*` matches any run of characters
/// (including dots) and everything else matches itself.
pub fn matches(pattern: &str, name: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return pattern == name;
    }
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if !name.starts_with(first) || name.len() < first.len() + last.len() || !name.ends_with(last) {
        return false;
    }
    let mut rest = &name[first.len()..name.len() - last.len()];
    for middle in &parts[1..parts.len() - 1] {
        match rest.find(middle) {
            Some(i) => rest = &rest[i + middle.len()..],
            None => return false,
        }
    }
    true
}

/// The names matching any of `patterns`, in the order of `names`.
pub fn select<'n>(names: &'n [String], patterns: &[String]) -> Vec<&'n str> {
    names.iter().filter(|n| patterns.iter().any(|p| matches(p, n))).map(String::as_str).collect()
}

/// A `--kpi` pattern (or a KPI named in a condition) that matches none of
/// a study's KPIs, with the names closest to it, or the KPI families it
/// names when the study has no KPI of them at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoMatch {
    /// The option that gave it, e.g. `--kpi`.
    pub option: String,
    /// The pattern as given.
    pub pattern: String,
    /// The KPI names closest to it, closest first; for a pattern with a
    /// `*`, first the pattern with its misspelt part corrected, when that
    /// matches ([`suggestions`]). Empty when `absent_families` is not.
    pub closest: Vec<String>,
    /// The families the pattern names (`recovery_days.<disruption>` for
    /// `recovery_days.*`) when none of the study's KPIs is of them: the
    /// scenario lacks what they measure (a disruption, a fleet with a draft
    /// relation, ...), and names near the pattern would be no help.
    pub absent_families: Vec<String>,
    /// How many KPIs there are.
    pub total: usize,
    /// The KPIs the pattern matches, where it matches some but one KPI was
    /// asked for (a measure: `--rank`, `--pareto`, an objective): the
    /// first few, and how many in all.
    pub matched: Option<Box<(Vec<String>, usize)>>,
}

impl std::fmt::Display for NoMatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (option, pattern) = (&self.option, &self.pattern);
        if pattern.trim().is_empty() {
            // Printed bare, an empty pattern would vanish from the message.
            return write!(
                f,
                "{option} '{pattern}' is empty: give a KPI name or a pattern, e.g. \
                 'delivered_total.*' (`caspian kpis` lists them all)"
            );
        }
        if let Some((first, n)) = self.matched.as_deref() {
            let more = if *n > first.len() { ", ..." } else { "" };
            return write!(
                f,
                "{option} takes one KPI, not a pattern: {pattern} matches {n} KPI{} ({}{more}); \
                 give {}",
                if *n == 1 { "" } else { "s" },
                first.join(", "),
                if *n == 1 { "its name" } else { "one of them" }
            );
        }
        if let Some(condition) = pattern.strip_prefix("P(").and_then(|p| p.strip_suffix(')')) {
            // A measure, where a KPI name or pattern was asked for.
            return write!(
                f,
                "{option} {pattern} is the probability of a condition, not a KPI name or \
                 pattern: `caspian run --target '{condition}'` estimates it with its interval, \
                 and `caspian compare --rank '{pattern}'` (or --pareto) ranks scenarios on it"
            );
        }
        write!(
            f,
            "{option} {pattern} matches none of the {} KPIs{}; `caspian kpis` lists them all",
            self.total,
            near(&self.closest, &self.absent_families)
        )
    }
}

impl std::error::Error for NoMatch {}

impl NoMatch {
    /// The error for `pattern` (given with `option`), which matches none of
    /// `names`: the [`absent_families`](Self::absent_families) it names, or
    /// else the closest names ([`suggestions`]).
    pub fn new(option: &str, pattern: &str, names: &[String]) -> Self {
        let absent_families = absent_families(pattern, names);
        let closest = if absent_families.is_empty() {
            suggestions(pattern, names, CLOSEST)
        } else {
            Vec::new()
        };
        Self {
            option: option.to_string(),
            pattern: pattern.to_string(),
            closest,
            absent_families,
            total: names.len(),
            matched: None,
        }
    }

    /// The error for `pattern`, given where one KPI was asked for, that
    /// matches several of `names` (or none: then [`NoMatch::new`]'s).
    pub fn one_kpi(option: &str, pattern: &str, names: &[String]) -> Self {
        let hits: Vec<&String> = names.iter().filter(|n| matches(pattern, n)).collect();
        if hits.is_empty() {
            return Self::new(option, pattern, names);
        }
        let first = hits.iter().take(CLOSEST).map(|n| (*n).clone()).collect();
        Self { matched: Some(Box::new((first, hits.len()))), ..Self::new(option, pattern, names) }
    }
}

fn near(closest: &[String], absent_families: &[String]) -> String {
    if !absent_families.is_empty() {
        return format!(
            ": this scenario has no KPI of {} (such KPIs exist only where the scenario has what \
             they measure: see docs/kpis.md)",
            absent_families.join(", ")
        );
    }
    if closest.is_empty() { String::new() } else { format!(" (closest: {})", closest.join(", ")) }
}

/// The KPI families `pattern` names, when none of `names` is of them: a
/// whole KPI name's own family, or every family whose stem is the
/// pattern's text before its first `.` (`recovery_days.*`). Empty when the
/// pattern names no family or some name is of one of them (then it is
/// more likely misspelt, and the closest names help).
fn absent_families(pattern: &str, names: &[String]) -> Vec<String> {
    let families: Vec<&schema::KpiFamily> = match schema::family_of(pattern) {
        Some(f) => vec![f],
        None => {
            // `recovery_days.*`, or the bare stem `recovery_days`.
            let stem = pattern.split_once('.').map_or(pattern, |(stem, _)| stem);
            if stem.is_empty() || stem.contains('*') {
                Vec::new()
            } else {
                schema::FAMILIES.iter().filter(|f| f.stem() == stem).collect()
            }
        }
    };
    if families.iter().any(|f| names.iter().any(|n| f.matches(n))) {
        return Vec::new();
    }
    families.iter().map(|f| f.pattern.to_string()).collect()
}

/// How many closest names a [`NoMatch`] offers.
const CLOSEST: usize = 5;

/// Checks that every pattern of `patterns` (given with `option`) matches
/// at least one of `names`.
///
/// # Errors
/// [`NoMatch`] for the first pattern that matches nothing.
pub fn check_patterns(option: &str, patterns: &[String], names: &[String]) -> Result<(), NoMatch> {
    for p in patterns {
        if !names.iter().any(|n| matches(p, n)) {
            return Err(NoMatch::new(option, p, names));
        }
    }
    Ok(())
}

/// What to offer for a `pattern` that matches none of `names`: up to `k`
/// of the [`closest`] names, first `pattern.*` for a family's bare stem
/// (`cost`) when that matches, and, for a pattern with a `*`, first the
/// pattern with the text before its first `*` replaced by the closest
/// name's as many leading characters (`recovery_dayz.*` becomes
/// `recovery_days.*`), when that corrected pattern matches a name.
pub fn suggestions(pattern: &str, names: &[String], k: usize) -> Vec<String> {
    let near = closest(pattern, names, k);
    let mut out: Vec<String> = Vec::new();
    // A family's bare stem (`cost`, `transit_h`): the family's KPIs.
    let family = format!("{pattern}.*");
    if !pattern.is_empty()
        && !pattern.contains(['.', '*'])
        && names.iter().any(|name| matches(&family, name))
    {
        out.push(family);
    }
    if let (Some((head, tail)), Some(best)) = (pattern.split_once('*'), near.first())
        && !head.is_empty()
    {
        let n = head.chars().count();
        let corrected: String = best.chars().take(n).collect::<String>() + "*" + tail;
        if corrected != pattern && names.iter().any(|name| matches(&corrected, name)) {
            out.push(corrected);
        }
    }
    out.extend(near.into_iter().map(str::to_string));
    out.truncate(k.max(1));
    out
}

/// The `k` names closest to `pattern` by edit distance (Levenshtein, on
/// characters), then by name, leaving out those further than the closest
/// by more than 3 edits or a quarter of the pattern's length, whichever is
/// more, and those more than half the pattern's length (at least 2) away
/// (unrelated names are no help: `recovry*` offers nothing where no KPI
/// starts with `recovery`); nothing at all for a pattern that starts with
/// `*` or has fewer than three letters. A whole name is
/// compared with a pattern without `*`; with a `*`, the pattern's literal
/// text (stars removed) is compared with as many leading characters of
/// each name, so that `berth_util*` is near `berth_utilization.aktau.tanker`.
pub fn closest<'n>(pattern: &str, names: &'n [String], k: usize) -> Vec<&'n str> {
    let wild = pattern.contains('*');
    let bare: Vec<char> = pattern.chars().filter(|&c| c != '*').collect();
    // A pattern that starts with `*` is not compared with the names'
    // beginnings, and one of fewer than three letters is like everything.
    if pattern.starts_with('*') || bare.iter().filter(|c| c.is_alphanumeric()).count() < 3 {
        return Vec::new();
    }
    let mut scored: Vec<(usize, &str)> = names
        .iter()
        .map(|n| {
            let name: Vec<char> = n.chars().collect();
            let compared = if wild { &name[..bare.len().min(name.len())] } else { &name[..] };
            (levenshtein(&bare, compared), n.as_str())
        })
        .collect();
    scored.sort_unstable();
    let slack = 3.max(bare.len() / 4);
    let best = scored.first().map_or(0, |&(d, _)| d);
    // A name that differs in more than half the pattern's characters is
    // another word, not a spelling of it.
    let cap = 2.max(bare.len() / 2);
    scored
        .into_iter()
        .take_while(|&(d, _)| d <= best + slack && d <= cap)
        .take(k)
        .map(|(_, n)| n)
        .collect()
}

/// The edit distance between two strings of characters.
fn levenshtein(a: &[char], b: &[char]) -> usize {
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::{check_patterns, closest, matches, suggestions};

    #[test]
    fn wildcards() {
        assert!(matches("delivered_total.*", "delivered_total.oil"));
        assert!(!matches("delivered_total.*", "delivered.oil"));
        assert!(matches("*", "anything"));
        assert!(matches("anchorage_wait_h.*.rail_ferry", "anchorage_wait_h.alat.rail_ferry"));
        assert!(!matches("anchorage_wait_h.*.rail_ferry", "anchorage_wait_h.alat.tanker"));
        assert!(matches("incidents", "incidents"));
        assert!(!matches("incidents", "incidents2"));
        assert!(!matches("a*a", "a"));
    }

    #[test]
    fn closest_names_are_nearest_in_spelling() {
        let names: Vec<String> = [
            "anchorage_wait_h.alat.rail_ferry",
            "anchorage_wait_h.kuryk.rail_ferry",
            "delivered_total.oil",
            "delivered_total.wagons",
            "incidents",
        ]
        .map(String::from)
        .to_vec();
        assert_eq!(
            closest("delivered_total.oill", &names, 2),
            ["delivered_total.oil", "delivered_total.wagons"]
        );
        assert_eq!(closest("delivered_totl.oil", &names, 1), ["delivered_total.oil"]);
        assert_eq!(closest("delivered.oil", &names, 1), ["delivered_total.oil"]);
        assert_eq!(closest("incident", &names, 1), ["incidents"]);
        assert_eq!(
            closest("anchorage_wait.kuryk*", &names, 1),
            ["anchorage_wait_h.kuryk.rail_ferry"]
        );
        let e = check_patterns("--kpi", &["delivered_totl.oil".into()], &names).unwrap_err();
        assert_eq!(e.total, 5);
        assert!(
            e.to_string().starts_with(
                "--kpi delivered_totl.oil matches none of the 5 KPIs (closest: delivered_total.oil"
            ),
            "{e}"
        );
        // A family with no member here is named, not answered with names.
        for pattern in ["recovery_days.*", "recovery_days.alat_closed", "delivered.oil"] {
            let e = check_patterns("--kpi", &[pattern.into()], &names).unwrap_err();
            assert!(e.closest.is_empty(), "{e}");
            assert_eq!(e.absent_families.len(), 1, "{e}");
            assert!(e.to_string().contains(": this scenario has no KPI of "), "{e}");
        }
        // A misspelt member of a family that is here gets the closest names.
        let e = check_patterns("--kpi", &["delivered_total.oill".into()], &names).unwrap_err();
        assert!(e.absent_families.is_empty(), "{e}");
        assert_eq!(e.closest.first().map(String::as_str), Some("delivered_total.oil"));
        assert!(check_patterns("--kpi", &["delivered_total.*".into()], &names).is_ok());
        // Names much further than the closest are left out, and so is a
        // closest name that shares less than half the pattern's letters.
        assert_eq!(closest("incidentz", &names, 5), ["incidents"]);
        assert!(closest("recovry*", &names, 5).is_empty());
        assert!(closest("throughput", &names, 5).is_empty());
    }

    #[test]
    fn a_misspelt_wildcard_pattern_is_offered_corrected() {
        let names: Vec<String> = [
            "recovery_days.alat_closed",
            "recovery_days.sangachal_closed",
            "unrecovered.alat_closed",
            "delivered.aktau_container_yard",
            "anchorage_wait_h.alat.rail_ferry",
        ]
        .map(String::from)
        .to_vec();
        let e = check_patterns("--kpi", &["recovery_dayz.*".into()], &names).unwrap_err();
        assert_eq!(
            e.closest,
            ["recovery_days.*", "recovery_days.alat_closed", "recovery_days.sangachal_closed"]
        );
        let s = suggestions("anchorage_wiat_h.*.rail_ferry", &names, 5);
        assert_eq!(s[0], "anchorage_wait_h.*.rail_ferry");
        // A correction that would match nothing is not offered.
        let s = suggestions("anchorage_wiat_h.*.tanker", &names, 5);
        assert_eq!(s, ["anchorage_wait_h.alat.rail_ferry"]);
        // Nor anything for a pattern that starts with `*`: its text is
        // compared with the names' beginnings, which it is not.
        assert!(suggestions("*.rail_fery", &names, 5).is_empty());
    }
}
