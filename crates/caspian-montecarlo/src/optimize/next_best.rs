//! The note on a next best portfolio whose paired mean beats the
//! selection's: the selection and "next best" rest on different
//! replications, so the two can disagree, and what that means depends on
//! whether a guarantee ranks them.

use crate::stats::PairedDifference;
use crate::study::short_number;

use super::outcome::is_contender;
use super::procedure::Settings;

/// The note for a next best portfolio whose paired mean objective `d`
/// (its value minus the selection's) beats the selection's: a contender,
/// or beyond δ a wrong selection. `guaranteed`: the guarantee holds
/// (`GuaranteeDoc::holds`: KN chose the selection among a shortlist without
/// reaching the cap), so it bounds a wrong selection by alpha; otherwise (a
/// shortlist of one chosen on OCBA's means, the cap reached) no guarantee
/// ranks the two, and the note says so.
pub(super) fn better_by_mean(
    s: &Settings,
    d: &PairedDifference,
    guaranteed: bool,
) -> Option<String> {
    let sign = if s.maximize { 1.0 } else { -1.0 };
    if d.n < 2 || sign * d.mean_diff <= 0.0 {
        return None;
    }
    let by = short_number(four_figures(d.mean_diff.abs()));
    let chosen = if guaranteed {
        "while KN chose the selection on replications of its own"
    } else {
        "while the selection was chosen on other replications, with no guarantee (see the \
         statement above)"
    };
    let head = format!(
        "its mean {} over these {} pairs is better than the selection's, by {by}: \"next best\" \
         ranks it by its screening and OCBA mean, {chosen}",
        s.objective, d.n
    );
    let contender = is_contender(d, s.delta);
    Some(match (contender, guaranteed) {
        (true, true) => format!(
            "{head}; the two cannot be told apart or lie within delta, so it is among the \
             contenders, and the guarantee does not rank either above the other"
        ),
        (true, false) => format!(
            "{head}; the two cannot be told apart or lie within delta, so it is among the \
             contenders"
        ),
        (false, true) => format!(
            "{head}; it is better by more than delta, and its 95% interval excludes 0: a wrong \
             selection, which the guarantee allows with probability at most alpha; rerun with a \
             larger --n0, or compare the two with caspian compare"
        ),
        (false, false) => format!(
            "{head}; it is better by more than delta, and its 95% interval excludes 0: the \
             selection is likely wrong; rerun with a larger --shortlist or --max-replications, or \
             compare the two with caspian compare"
        ),
    })
}

/// `x` (finite, > 0) rounded to four significant figures, for a message.
fn four_figures(x: f64) -> f64 {
    let e = 3 - x.log10().floor() as i32;
    if e >= 0 {
        let p = 10f64.powi(e);
        (x * p).round() / p
    } else {
        let p = 10f64.powi(-e);
        (x / p).round() * p
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn diff(mean_diff: f64) -> PairedDifference {
        PairedDifference::of(&[0.0, 0.0], &[mean_diff, mean_diff])
    }

    /// A next best portfolio better by its paired mean is said to be:
    /// among the contenders within delta (or not told apart), else a
    /// possible wrong selection, bounded by the guarantee only where one
    /// holds; one worse by its mean gets no note.
    #[test]
    fn a_next_best_better_by_its_mean_is_said_to_be() {
        let cost = Settings::for_tests("cost.total_per_year", false);
        let spread = |m: f64, h: f64| PairedDifference::of(&[0.0; 3], &[m - h, m, m + h]);
        assert_eq!(better_by_mean(&cost, &diff(2.0), true), None, "dearer: no note");
        let within = better_by_mean(&cost, &spread(-48_685.02, 1e6), true).unwrap();
        assert!(within.contains("better than the selection's, by 48690:"), "{within}");
        assert!(within.contains("among the contenders, and the guarantee"), "{within}");
        let beyond = better_by_mean(&cost, &diff(-5.0), true).unwrap();
        assert!(
            beyond.contains("better by more than delta, and its 95% interval excludes 0"),
            "{beyond}"
        );
        assert!(beyond.contains("KN chose") && beyond.contains("at most alpha"), "{beyond}");
        // No guarantee (a shortlist of one, the cap reached): neither KN nor
        // alpha is named.
        for d in [diff(-5.0), spread(-48_685.02, 1e6)] {
            let none = better_by_mean(&cost, &d, false).unwrap();
            assert!(!none.contains("KN") && !none.contains("alpha"), "{none}");
            assert!(!none.contains("the guarantee does"), "{none}");
            assert!(none.contains("with no guarantee"), "{none}");
        }
        // Maximised, a larger value is the better one.
        let level = Settings::for_tests("service_level.wagons", true);
        assert!(better_by_mean(&level, &diff(-5.0), true).is_none());
        assert!(better_by_mean(&level, &diff(5.0), true).is_some());
        assert_eq!(four_figures(0.012_345_6), 0.01235);
    }
}
