//! Which overrides set one thing: the same key (or a key and a table that
//! holds it), the two keys of an exclusive pair of one entry, or a
//! multiplier and a value it scales. [`check_distinct`] refuses two such
//! overrides of one scenario; `caspian sweep` and `caspian optimize` refuse
//! a `--set` of what an axis or a decision sets ([`Override::overlap`]).

use toml::{Table, Value};

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
    /// `None` where they do not. A key inside this override's value counts
    /// only where the value writes it: a plain table merges key by key, so
    /// `port.p.berths={tanker=2}` does not set `port.p.berths.roro`. Seen
    /// from the deeper key, whose override cannot see the other's value,
    /// a key that holds it counts (ask both: [`check_distinct`]).
    pub fn overlap(&self, key: &str) -> Option<Overlap> {
        let (a, b) = (self.key.as_str(), key.trim());
        let scales = |m: &str, p: &str| m.parse::<SweepKey>().is_ok_and(|k| k.scales(p));
        // A key inside a value: `.field`, or `[i]` in a compile error's key
        // (`costs.charter[0].day_rate` inside `costs.charter`).
        let inside = |rest: &str| rest.starts_with('.') || rest.starts_with('[');
        if let Some(rest) = b.strip_prefix(a).filter(|r| inside(r)) {
            return self.value_at(rest).is_some().then_some(Overlap::Same);
        }
        if a == b || a.strip_prefix(b).is_some_and(inside) {
            Some(Overlap::Same)
        } else if partner(a).is_some_and(|p| p == b) {
            Some(Overlap::Exclusive)
        } else if scales(a, b) || scales(b, a) {
            Some(Overlap::Scaled)
        } else {
            None
        }
    }

    /// What this override writes at `rest` below its key (`.a.b`, or `[i]`
    /// ...): the value there, or the whole value where one that is not a
    /// plain table stands on the way (it replaces all below it); `None`
    /// where a plain table on the way lacks the key (it leaves that key as
    /// it was).
    pub fn value_at(&self, rest: &str) -> Option<&Value> {
        let mut here = &self.value;
        let Some(path) = rest.strip_prefix('.') else { return Some(here) };
        for step in path.split('.') {
            match here {
                Value::Table(t) if !super::extends::tagged(t) && !step.contains('[') => {
                    here = t.get(step)?;
                }
                _ => return Some(here),
            }
        }
        Some(here)
    }
}

/// Whether `over`, written where `under` was, gives every value `under`
/// gives: it is not a plain table (it replaces what is there whole), or
/// `under` is not one, or it holds each of `under`'s keys and covers its
/// value there. A `--set` covered by a variant's value can be dropped in
/// that variant without bringing any of the file's values back.
pub fn covers(over: &Value, under: &Value) -> bool {
    match (over, under) {
        (Value::Table(o), Value::Table(u))
            if !super::extends::tagged(o) && !super::extends::tagged(u) =>
        {
            u.iter().all(|(k, x)| o.get(k).is_some_and(|y| covers(y, x)))
        }
        _ => true,
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
        // Both ways: only the override with the shorter key sees whether
        // its value writes the other's key.
        let clash =
            |o: &Override| later.overlap(&o.key).filter(|_| o.overlap(&later.key).is_some());
        if let Some((earlier, why)) =
            overrides[..i].iter().find_map(|o| clash(o).map(|why| (o, why)))
        {
            let place = if earlier.option == later.option {
                format!("also set by {} {}", earlier.option, earlier.text)
            } else {
                format!("already set by {} {}", earlier.option, earlier.text)
            };
            let message = match why {
                Overlap::Same if later.key != earlier.key => format!(
                    "{} and {} {} overlap: one key lies under the other, whose value writes it; \
                     give it in one place (inside that value, or alone)",
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
        // A plain table writes only its own keys: another key beside them
        // is no clash, one of them is.
        let table = o("port.p.berths={ tanker = 2, roro = { x = 1 } }", "--set");
        for (key, clash) in [
            ("port.p.berths.container=3", false),
            ("port.p.berths.tanker=3", true),
            ("port.p.berths.roro.y=1", false),
            ("port.p.berths.roro.x=2", true),
        ] {
            let pair = [table.clone(), o(key, "--set")];
            assert_eq!(check_distinct(&pair).is_err(), clash, "{key}");
            let reversed = [o(key, "--set"), table.clone()];
            assert_eq!(check_distinct(&reversed).is_err(), clash, "{key}, given first");
        }
        // A distribution replaces what is there whole: every key under it.
        let dist = o("fleet.f.speed={ dist = \"constant\", value = 2.0 }", "--set");
        assert!(check_distinct(&[dist, o("fleet.f.speed.sd=3", "--set")]).is_err());
    }
}
