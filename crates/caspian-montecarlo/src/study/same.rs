//! The design points of a study that compile to the same model as an
//! earlier one ([`CompiledScenario::same_model`]): `optimize` runs such a
//! portfolio once, for all of its group, and `sweep` says which of its
//! points repeat another, with the other warnings about its design
//! ([`Study::design_check`]).

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

impl Study {
    /// A sweep's design, checked: the warnings its results cannot show
    /// (each axis that changes nothing at any of its values,
    /// [`inert_axes`](Self::inert_axes); where none does, the design points
    /// that compile to the same model as an earlier one; each one-valued
    /// axis that changes nothing, [`inert_settings`](Self::inert_settings)),
    /// and those points ([`same_points`](Self::same_points)), which the
    /// sweep takes from their first instead of running
    /// ([`crate::execute::Executor::reusing`]). Compiles the points, in
    /// parallel: `caspian sweep` calls it once, prints the warnings and
    /// keeps them in the document, so that its report and a merge of its
    /// shards say them too.
    pub fn design_check(&self) -> DesignCheck {
        let inert = self.inert_axes();
        let mut out: Vec<String> = inert
            .iter()
            .map(|axis| {
                format!(
                    "the axis {} changes nothing at any of its values (a multiplier of \
                     something the scenario does not have, or the escort force with escorts \
                     off, say), so every point along it is the same",
                    axis.key
                )
            })
            .collect();
        // Points that repeat another, where no whole axis is inert (escorts
        // on and off crossed with the force: the force is idle where they
        // are off).
        let same =
            if self.points.len() > 1 { self.same_points(&self.fingerprints()) } else { Vec::new() };
        if inert.is_empty() {
            out.extend(same_points_warning(&same, self.points.len()));
        }
        out.extend(self.inert_settings().iter().map(|axis| {
            format!(
                "the axis {}={} changes nothing: at every design point, with the other axes \
                 and overrides, the model is the one the scenario gives without it (a \
                 multiplier with nothing to scale, the escort force with escorts off, say)",
                axis.key,
                super::short_number(axis.values[0]),
            )
        }));
        DesignCheck { warnings: out, same }
    }
}

/// What [`Study::design_check`] found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DesignCheck {
    /// The warnings about the design, in words (without `warning: `).
    pub warnings: Vec<String>,
    /// The design points that compile to the same model as an earlier
    /// one: `(later, first)`, in point order.
    pub same: Vec<(usize, usize)>,
}

/// The warning that some design points are the same model as an earlier
/// one (`same`: `(later, first)`), naming a few of them.
fn same_points_warning(same: &[(usize, usize)], points: usize) -> Option<String> {
    let shown: Vec<String> = same.iter().take(6).map(|(p, q)| format!("{p} as {q}")).collect();
    let more = if same.len() > 6 { ", ..." } else { "" };
    (!same.is_empty()).then(|| {
        format!(
            "{} of {points} design points compile to the same model as an earlier one ({}{more}): \
             there, what the axes set otherwise changes nothing (the escort force with escorts \
             off, say), so their results repeat the earlier points' and their differences from \
             them are zero",
            same.len(),
            shown.join(", "),
        )
    })
}
