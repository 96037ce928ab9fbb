//! Whether a study's per-replication records fit in the memory this
//! process may take, checked before any work: records are held until the
//! summaries are written, and a kill for memory hours into the work would
//! lose it all.
//!
//! The memory available is the machine's (`MemAvailable` in
//! `/proc/meminfo`) or what the process's cgroup leaves (its limit less its
//! usage, at its own level and every level above: Slurm's `--mem`, a
//! container's limit), whichever is less. Where none of that can be read
//! (not Linux), nothing is checked.

use std::path::{Path, PathBuf};

use crate::failure::Failure;

/// The records of one study, as [`check`] weighs them.
pub(crate) struct Records<'a> {
    /// The study in the message: `-n 2000 (467 KPIs a replication)`.
    pub(crate) what: String,
    /// Bytes one replication's records take over every set held (one set
    /// per design point of a sweep, per scenario of a comparison):
    /// [`records_bytes`](caspian_montecarlo::records::records_bytes)`(1, kpis)` summed over the sets.
    pub(crate) per_replication: u64,
    /// Replications every set holds for sure.
    pub(crate) start: u64,
    /// With a precision target, the most it may grow to (`--max-replications`).
    pub(crate) ceiling: Option<u64>,
    /// What to do instead, for the message: the command's own options.
    pub(crate) advice: &'a str,
}

impl Records<'_> {
    /// A record's size is linear in the replications ([`records_bytes`](caspian_montecarlo::records::records_bytes)).
    fn bytes(&self, replications: u64) -> u64 {
        replications.saturating_mul(self.per_replication)
    }
}

/// Refuses records that cannot fit at the start (exit 2, naming the option,
/// both sizes and `advice`); warns, without refusing, when only the
/// ceiling of a precision target would not (the target usually stops far
/// earlier).
pub(crate) fn check(records: &Records<'_>) -> Result<(), Failure> {
    let Some(available) = available() else { return Ok(()) };
    let gb = |b: u64| b as f64 / 1e9;
    let need = records.bytes(records.start);
    if need > available {
        return Err(Failure::Input(format!(
            "{}: the per-replication records would take about {:.1} GB in memory, more than the \
             {:.1} GB this process has available; {}",
            records.what,
            gb(need),
            gb(available),
            records.advice
        )));
    }
    if let Some(ceiling) = records.ceiling {
        let most = records.bytes(ceiling);
        if most > available {
            crate::terminal::err_line(&format!(
                "warning: --max-replications {ceiling}: should the precision target need them \
                 all, their records would take about {:.1} GB in memory, more than the {:.1} GB \
                 this process has available; lower --max-replications to stop before memory \
                 runs out",
                gb(most),
                gb(available)
            ));
        }
    }
    Ok(())
}

/// The memory this process may still take, in bytes, where the system
/// says: the least of the machine's and its cgroups'.
fn available() -> Option<u64> {
    [machine_available(), cgroup_headroom()].into_iter().flatten().min()
}

/// `MemAvailable` of `/proc/meminfo`.
fn machine_available() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/meminfo").ok()?;
    let line = text.lines().find(|l| l.starts_with("MemAvailable:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    kb.checked_mul(1024)
}

/// The least room any memory cgroup of this process leaves (limit less
/// usage), over its own and every one above it; `None` when none has a
/// limit. cgroup v2 (`0::PATH` in `/proc/self/cgroup`: `memory.max`,
/// `memory.current`) and v1 (`N:memory:PATH`: `memory.limit_in_bytes`,
/// `memory.usage_in_bytes`; "no limit" is a huge number there, and `max`
/// in v2, which does not parse).
fn cgroup_headroom() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/self/cgroup").ok()?;
    let mut least: Option<u64> = None;
    for line in text.lines() {
        let mut fields = line.splitn(3, ':');
        let (Some(_), Some(controllers), Some(path)) =
            (fields.next(), fields.next(), fields.next())
        else {
            continue;
        };
        let (root, limit, usage) = if controllers.is_empty() {
            (PathBuf::from("/sys/fs/cgroup"), "memory.max", "memory.current")
        } else if controllers.split(',').any(|c| c == "memory") {
            (
                PathBuf::from("/sys/fs/cgroup/memory"),
                "memory.limit_in_bytes",
                "memory.usage_in_bytes",
            )
        } else {
            continue;
        };
        let mut level = Some(Path::new(path.trim_start_matches('/')));
        while let Some(rel) = level {
            let dir = root.join(rel);
            if let (Some(l), Some(u)) =
                (read_number(&dir.join(limit)), read_number(&dir.join(usage)))
            {
                let room = l.saturating_sub(u);
                least = Some(least.map_or(room, |x| x.min(room)));
            }
            level = rel.parent();
        }
    }
    least
}

/// A file holding one whole number (`None` for anything else, such as
/// cgroup v2's `max`).
fn read_number(path: &Path) -> Option<u64> {
    std::fs::read_to_string(path).ok()?.trim().parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use caspian_montecarlo::records::records_bytes;

    /// Each figure is read afresh (memory moves between two reads, so the
    /// two are not compared with each other).
    #[cfg(target_os = "linux")]
    #[test]
    fn this_machine_says_how_much_memory_is_available() {
        assert!(machine_available().is_some_and(|b| b > 0), "Linux has /proc/meminfo");
        assert!(available().is_some_and(|b| b > 0));
    }

    #[test]
    fn records_weigh_every_set_at_the_replications_asked() {
        let per_replication = records_bytes(1, 10) + records_bytes(1, 20);
        let r =
            Records { what: String::new(), per_replication, start: 3, ceiling: None, advice: "" };
        assert_eq!(r.bytes(3), records_bytes(3, 10) + records_bytes(3, 20));
        assert_eq!(r.bytes(u64::MAX), u64::MAX, "saturates");
    }
}
