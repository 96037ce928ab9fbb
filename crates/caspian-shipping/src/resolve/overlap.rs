//! Which overrides set one thing: the same key (or a key and a table that
//! holds it), the two keys of an exclusive pair of one entry, or a
//! multiplier and a value it scales. [`check_distinct`] refuses two such
//! overrides of one scenario; `caspian sweep` and `caspian optimize` refuse
//! a `--set` of what an axis or a decision sets ([`Override::overlap`]).

use toml::Table;

use super::ResolveError;
use super::set::Override;
use crate::sweep::SweepKey;

/// Keys of one entry that exclude each other, as (table, key, key): writing
/// one (by `--set` or in a file that extends another) removes the other, so
/// that `outflow.btk_railway.capacity_per_year=...` replaces a capacity the
/// parent gave in tonnes.
const EXCLUSIVE_KEYS: [(&str, &str, &str); 2] = [
    ("outflow", "capacity_per_year", "capacity_t_per_year"),
    ("disruption", "rate_per_year", "mtbf_days"),
];

/// How two overrides set one thing ([`Override::overlap`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Overlap {
    /// One key, or a key and a table that holds it.
    Same,
    /// The two keys of an exclusive pair of one entry (`rate_per_year` and
    /// `mtbf_days`), which give one quantity two ways.
    Exclusive,
    /// A multiplier and a value it scales.
    Scaled,
}

/// The other key of the exclusive pair ([`EXCLUSIVE_KEYS`]) that the
/// dotted `key` belongs to, in the same entry: `disruption.d.mtbf_days` for
/// `disruption.d.rate_per_year`.
pub(crate) fn partner(key: &str) -> Option<String> {
    let [table, id, field] = key.split('.').collect::<Vec<_>>()[..] else { return None };
    EXCLUSIVE_KEYS.iter().find_map(|(t, p, q)| match (*t == table, field) {
        (true, f) if f == *p => Some(format!("{table}.{id}.{q}")),
        (true, f) if f == *q => Some(format!("{table}.{id}.{p}")),
        _ => None,
    })
}

/// Removes from `entry` (of `[[what]]`) the key that `key` excludes, if any
/// ([`EXCLUSIVE_KEYS`]).
pub(super) fn clear_excluded(what: &str, entry: &mut Table, key: &str) {
    for (table, a, b) in EXCLUSIVE_KEYS {
        if table == what && key == a {
            entry.remove(b);
        } else if table == what && key == b {
            entry.remove(a);
        }
    }
}

impl Override {
    /// Whether this override sets what `key` sets: `key` itself, a key
    /// inside its value or a table that holds it (`fleet.f.speed` touches
    /// `fleet.f.speed.mean`), the other key of an exclusive pair of one
    /// entry (`disruption.d.rate_per_year` touches `disruption.d.mtbf_days`),
    /// or a value a multiplier scales (`disruptions.rate_multiplier` touches
    /// `disruption.d.rate_per_year`).
    pub fn touches(&self, key: &str) -> bool {
        self.overlap(key).is_some()
    }

    /// How this override and `key` set the same thing ([`Self::touches`]);
    /// `None` where they do not.
    pub fn overlap(&self, key: &str) -> Option<Overlap> {
        let (a, b) = (self.key.as_str(), key.trim());
        let scales = |m: &str, p: &str| m.parse::<SweepKey>().is_ok_and(|k| k.scales(p));
        // A key inside a value: `.field`, or `[i]` in a compile error's key
        // (`costs.charter[0].day_rate` inside `costs.charter`).
        let inside = |rest: &str| rest.starts_with('.') || rest.starts_with('[');
        if a == b || b.strip_prefix(a).is_some_and(inside) || a.strip_prefix(b).is_some_and(inside)
        {
            Some(Overlap::Same)
        } else if partner(a).is_some_and(|p| p == b) {
            Some(Overlap::Exclusive)
        } else if scales(a, b) || scales(b, a) {
            Some(Overlap::Scaled)
        } else {
            None
        }
    }
}

/// Refuses two overrides of one key (or of a key and a key inside its
/// value, `fleet.f.speed` and `fleet.f.speed.mean`), in one list or across
/// `--set` and a `--variant`: each would hide the other or, for a weather
/// multiplier, compound with it.
///
/// # Errors
/// [`ResolveError::Set`] naming the later override and the earlier one.
pub fn check_distinct(overrides: &[Override]) -> Result<(), ResolveError> {
    for (i, later) in overrides.iter().enumerate() {
        if let Some((earlier, why)) =
            overrides[..i].iter().find_map(|o| later.overlap(&o.key).map(|why| (o, why)))
        {
            let place = if earlier.option == later.option {
                format!("also set by {} {}", earlier.option, earlier.text)
            } else {
                format!("already set by {} {}", earlier.option, earlier.text)
            };
            let message = match why {
                Overlap::Same if later.key != earlier.key => format!(
                    "{} and {} {} overlap: one gives a value that holds the other's key; give \
                     each key in one place (inside that value, or alone)",
                    later.key, earlier.option, earlier.text
                ),
                Overlap::Same => format!(
                    "{} is {place}; give each key once (two values for one key would hide or \
                     compound each other)",
                    later.key
                ),
                Overlap::Exclusive => format!(
                    "{} and {} {} give one quantity two ways; give one of them (the later \
                     would silently replace the other)",
                    later.key, earlier.option, earlier.text
                ),
                Overlap::Scaled => format!(
                    "{} and {} {} set one value, the one scaling the other; give one of them \
                     (the value you want, or the multiplier alone), so that nothing compounds",
                    later.key, earlier.option, earlier.text
                ),
            };
            return Err(later.error(message));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_key_is_set_once() {
        let o = |s: &str, option: &str| Override::parse(s, option).unwrap();
        let distinct = [o("fleet.f.count=2", "--set"), o("fleet.g.count=2", "--set")];
        assert!(check_distinct(&distinct).is_ok());
        let twice = [
            o("weather.storm_rate_multiplier=2", "--set"),
            o("weather.storm_rate_multiplier=2", "--set"),
        ];
        let e = check_distinct(&twice).unwrap_err().to_string();
        assert!(e.contains("weather.storm_rate_multiplier is also set by --set"), "{e}");
        let inside = [o("fleet.f.speed=2", "--set"), o("fleet.f.speed.mean=3", "--variant v:")];
        let e = check_distinct(&inside).unwrap_err().to_string();
        assert!(
            e.starts_with("--variant v: fleet.f.speed.mean=3")
                && e.contains("fleet.f.speed.mean and --set fleet.f.speed=2 overlap"),
            "{e}"
        );
    }
}
