//! Splitting replications across machines: shard `K/N` runs a contiguous
//! block of the replication indices.

use std::ops::Range;

use serde::{Deserialize, Serialize};
use thiserror::Error;

/// Environment variables that carry an array-job index, in the order they
/// are tried by `--shard auto/N`.
pub const INDEX_VARIABLES: [&str; 2] = ["SLURM_ARRAY_TASK_ID", "JOB_COMPLETION_INDEX"];

/// One share of a study's replications.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shard {
    /// This shard's index, from 0.
    pub index: u32,
    /// Number of shards.
    pub count: u32,
}

/// A malformed `--shard` argument.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum ShardError {
    /// No `/` between the index and the count.
    #[error("--shard \"{spec}\": expected K/N or auto/N")]
    Syntax {
        /// The argument given.
        spec: String,
    },
    /// The count is not a whole number from 1 to `u32::MAX`.
    #[error("--shard \"{spec}\": N must be a whole number from 1 to 4294967295")]
    Count {
        /// The argument given.
        spec: String,
    },
    /// The index is neither a whole number nor `auto`.
    #[error("--shard \"{spec}\": K must be a whole number or auto")]
    Index {
        /// The argument given.
        spec: String,
    },
    /// `auto` with none of [`INDEX_VARIABLES`] set.
    #[error(
        "--shard auto/{count}: neither SLURM_ARRAY_TASK_ID (Slurm job array) nor \
         JOB_COMPLETION_INDEX (Kubernetes Indexed Job) is set; give the index \
         explicitly as K/{count}"
    )]
    NoIndexVariable {
        /// The count given.
        count: u32,
    },
    /// `auto` with an index variable that is not a whole number.
    #[error(
        "--shard auto/{count}: {variable}=\"{value}\" is not a whole number from 0 to 4294967295"
    )]
    IndexVariable {
        /// The count given.
        count: u32,
        /// The variable read.
        variable: &'static str,
        /// Its value.
        value: String,
    },
    /// `auto` with both index variables set, to different values.
    #[error(
        "--shard auto/{count}: {first} and {second} disagree, so which share this task runs is \
         unclear; unset the one that does not belong to this job, or give the index as K/{count}"
    )]
    IndexVariables {
        /// The count given.
        count: u32,
        /// The first variable and its value.
        first: String,
        /// The other.
        second: String,
    },
    /// `auto` with an index variable at or above the count.
    #[error(
        "--shard auto/{count}: {variable}={index}, but the index counts from 0 and must be below \
         {count}: number the tasks 0 to {last}{slurm}",
        last = count - 1,
        slurm = if variable.starts_with("SLURM") {
            format!(" (--array=0-{})", count - 1)
        } else {
            String::new()
        }
    )]
    IndexVariableTooLarge {
        /// The count given.
        count: u32,
        /// The variable read.
        variable: &'static str,
        /// Its value.
        index: u32,
    },
    /// An index at or above the count.
    #[error("--shard {index}/{count}: the index counts from 0 and must be below {count}")]
    IndexTooLarge {
        /// The index given.
        index: u32,
        /// The count given.
        count: u32,
    },
}

impl Shard {
    /// Parses `K/N` or `auto/N`; `auto` reads the index from `env` (Slurm's
    /// `SLURM_ARRAY_TASK_ID`, then Kubernetes' `JOB_COMPLETION_INDEX`).
    ///
    /// # Errors
    /// [`ShardError`] saying what is wrong.
    pub fn parse(spec: &str, env: impl Fn(&str) -> Option<String>) -> Result<Self, ShardError> {
        let (k, n) =
            spec.split_once('/').ok_or_else(|| ShardError::Syntax { spec: spec.into() })?;
        let count: u32 = n
            .trim()
            .parse()
            .ok()
            .filter(|&c| c > 0)
            .ok_or_else(|| ShardError::Count { spec: spec.into() })?;
        let index: u32 = if k.trim() == "auto" {
            let set: Vec<(&'static str, String)> =
                INDEX_VARIABLES.iter().filter_map(|v| env(v).map(|x| (*v, x))).collect();
            let (variable, value) = set.first().ok_or(ShardError::NoIndexVariable { count })?;
            let read = |variable: &'static str, value: &str| {
                value.trim().parse::<u32>().map_err(|_| ShardError::IndexVariable {
                    count,
                    variable,
                    value: value.to_string(),
                })
            };
            let index = read(variable, value)?;
            // Both set and at odds: which one names this task is a guess.
            for (other, text) in &set[1..] {
                if read(other, text)? != index {
                    return Err(ShardError::IndexVariables {
                        count,
                        first: format!("{variable}={}", value.trim()),
                        second: format!("{other}={}", text.trim()),
                    });
                }
            }
            if index >= count {
                return Err(ShardError::IndexVariableTooLarge { count, variable, index });
            }
            index
        } else {
            k.trim().parse().map_err(|_| ShardError::Index { spec: spec.into() })?
        };
        if index >= count {
            return Err(ShardError::IndexTooLarge { index, count });
        }
        Ok(Self { index, count })
    }

    /// The replication indices of this shard out of `total`: contiguous
    /// blocks whose sizes differ by at most one, in shard order.
    pub fn range(&self, total: u64) -> Range<u64> {
        let (k, n) = (u64::from(self.index), u64::from(self.count));
        let at = |i: u64| (u128::from(total) * u128::from(i) / u128::from(n)) as u64;
        at(k)..at(k + 1)
    }
}

/// The replications of `total` that `shard` runs: all of them without one.
pub fn share(shard: Option<Shard>, total: u64) -> Range<u64> {
    shard.map_or(0..total, |s| s.range(total))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_tile_the_replications() {
        for total in [0_u64, 1, 7, 100, 1001] {
            for count in [1_u32, 2, 3, 8] {
                let mut next = 0;
                for index in 0..count {
                    let r = Shard { index, count }.range(total);
                    assert_eq!(r.start, next);
                    assert!(r.end - r.start <= total / u64::from(count) + 1);
                    next = r.end;
                }
                assert_eq!(next, total);
            }
        }
    }

    #[test]
    fn parse_explicit_and_auto() {
        let none = |_: &str| None;
        assert_eq!(Shard::parse("2/4", none).unwrap(), Shard { index: 2, count: 4 });
        let err = |spec: &str| Shard::parse(spec, none).unwrap_err().to_string();
        assert_eq!(err("4/4"), "--shard 4/4: the index counts from 0 and must be below 4");
        assert_eq!(err("1/0"), "--shard \"1/0\": N must be a whole number from 1 to 4294967295");
        assert_eq!(err("x"), "--shard \"x\": expected K/N or auto/N");
        assert_eq!(err("y/2"), "--shard \"y/2\": K must be a whole number or auto");
        let err = err("auto/4");
        assert!(err.contains("SLURM_ARRAY_TASK_ID") && err.contains("JOB_COMPLETION_INDEX"));
        let slurm = |v: &str| (v == "SLURM_ARRAY_TASK_ID").then(|| "3".to_string());
        assert_eq!(Shard::parse("auto/4", slurm).unwrap().index, 3);
        assert_eq!(
            Shard::parse("auto/3", slurm).unwrap_err().to_string(),
            "--shard auto/3: SLURM_ARRAY_TASK_ID=3, but the index counts from 0 and must be below \
             3: number the tasks 0 to 2 (--array=0-2)"
        );
        let k8s = |v: &str| (v == "JOB_COMPLETION_INDEX").then(|| "1".to_string());
        assert_eq!(Shard::parse("auto/4", k8s).unwrap().index, 1);
        let bad = |_: &str| Some("one".to_string());
        assert_eq!(
            Shard::parse("auto/4", bad).unwrap_err().to_string(),
            "--shard auto/4: SLURM_ARRAY_TASK_ID=\"one\" is not a whole number from 0 to 4294967295"
        );
        // Both set: the same index is no conflict; different ones are.
        let both = |i: &'static str| {
            move |v: &str| Some(if v == "SLURM_ARRAY_TASK_ID" { "1" } else { i }.to_string())
        };
        assert_eq!(Shard::parse("auto/4", both("1")).unwrap().index, 1);
        let e = Shard::parse("auto/4", both("2")).unwrap_err().to_string();
        assert!(e.contains("SLURM_ARRAY_TASK_ID=1 and JOB_COMPLETION_INDEX=2 disagree"), "{e}");
    }
}
