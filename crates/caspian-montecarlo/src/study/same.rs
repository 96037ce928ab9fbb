//! The design points of a study that compile to the same model as an
//! earlier one ([`CompiledScenario::same_model`]): `optimize` runs such a
//! portfolio once, for all of its group, and `sweep` says which of its
//! points repeat another.

use std::collections::BTreeMap;

use caspian_shipping::CompiledScenario;
use rayon::prelude::*;

use super::Study;

impl Study {
    /// Each design point's [`CompiledScenario::model_fingerprint`], `None`
    /// where it does not compile; compiled in parallel on the current
    /// thread pool, one plan per thread at a time.
    pub fn fingerprints(&self) -> Vec<Option<u64>> {
        (0..self.points.len())
            .into_par_iter()
            .map(|p| self.point_plan(p).ok().map(|plan| plan.model_fingerprint()))
            .collect()
    }

    /// Each design point that is the same model as an earlier one, with the
    /// first such: `(later, first)`, in point order. `prints` are the
    /// points' [`fingerprints`](Self::fingerprints); a match of
    /// fingerprints is confirmed by compiling both points again and
    /// comparing them in full, so only a number per point is held.
    pub fn same_points(&self, prints: &[Option<u64>]) -> Vec<(usize, usize)> {
        let mut firsts: BTreeMap<u64, Vec<usize>> = BTreeMap::new();
        let mut out = Vec::new();
        for (p, print) in prints.iter().enumerate() {
            let Some(print) = print else { continue };
            let group = firsts.entry(*print).or_default();
            let mut plan: Option<Option<CompiledScenario>> = None;
            let same = group.iter().copied().find(|&q| {
                let mine = plan.get_or_insert_with(|| self.point_plan(p).ok());
                let theirs = self.point_plan(q).ok();
                matches!((mine, theirs), (Some(a), Some(b)) if a.same_model(&b))
            });
            match same {
                Some(q) => out.push((p, q)),
                None => group.push(p),
            }
        }
        out
    }
}
