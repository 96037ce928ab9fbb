//! Choosing KPIs by name pattern (`delivered_total.*`).

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

#[cfg(test)]
mod tests {
    use super::matches;

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
}
