//! Warnings a command holds until its input and output checks have passed
//! ([`Later`]), so that a refusal is never preceded by warnings about a
//! run that does not happen, and the checks of settings that change
//! nothing (multipliers with nothing to scale, an escort force with
//! escorts off) that make them.

use std::path::Path;

use caspian_montecarlo::resolve::{Override, Resolved};
use caspian_montecarlo::study::{Study, compiles_alike};

use crate::common::{note, resolve_scenario};

/// Warnings held until [`Later::say`], which a command calls once its
/// input and output checks have passed.
#[derive(Debug, Default)]
#[must_use = "held warnings are printed by `say`"]
pub(crate) struct Later(Vec<String>);

impl Later {
    /// Holds `warning` (without the `warning: ` that [`Later::say`] adds).
    pub(crate) fn push(&mut self, warning: String) {
        self.0.push(warning);
    }

    /// Holds every warning of the `studies` that their results would
    /// otherwise hide ([`caspian_montecarlo::study::warnings_once`]: escorts
    /// that protect nothing for each scenario, a dated disruption outside
    /// the reporting window, one the variants share with the base once);
    /// the result documents keep them too.
    pub(crate) fn studies(&mut self, studies: &[Study]) {
        for (study, why) in caspian_montecarlo::study::warnings_once(studies) {
            self.0.push(format!("{}: {why}", study.source));
        }
    }

    /// Prints the held warnings, each as `warning: ...`, `-q` or not.
    pub(crate) fn say(self) {
        for w in self.0 {
            note(false, &format!("warning: {w}"));
        }
    }
}

/// Holds a warning for each multiplier (storms', disruptions') other than 1 among
/// `overrides[from..]` that changes nothing in `resolved` (the scenario at
/// `path` with `overrides`): it has no storms, or no random disruptions,
/// to scale, so the run is the scenario's own, which the user did not
/// mean to ask for. The overrides before `from` (a comparison's `--set`,
/// under a variant's own) are context, warned of once elsewhere.
pub(crate) fn inert_multipliers(
    path: Option<&Path>,
    overrides: &[Override],
    resolved: &Resolved,
    from: usize,
    later: &mut Later,
) {
    use caspian_montecarlo::SweepKey;
    let multiplies = |o: &Override| {
        o.key.parse::<SweepKey>().is_ok_and(|k| k.is_multiplier())
            && o.text.split_once('=').and_then(|(_, v)| v.trim().parse::<f64>().ok()) != Some(1.0)
    };
    for (i, o) in overrides.iter().enumerate().skip(from).filter(|(_, o)| multiplies(o)) {
        let lacks = match o.key.parse::<SweepKey>() {
            Ok(SweepKey::DisruptionRateMultiplier) => {
                "no disruption with a rate above 0 (a dated disruption strikes on its day)"
            }
            Ok(SweepKey::DisruptionDurationMultiplier) => {
                "no disruption with a duration that strikes"
            }
            _ => "no storms to scale",
        };
        // A duration multiplier changes the durations even where nothing
        // strikes: inert all the same. Looked at without the multiplier
        // itself (a rate multiplier of 0 takes the rates away); where the
        // file alone has something to scale, another override took it.
        let key = o.key.parse::<SweepKey>().ok();
        let nothing_in =
            |s: &Resolved| key.as_ref().is_some_and(|k| k.scales_nothing_in(&s.scenario));
        let rest = all_but(overrides, i);
        let without = resolve_scenario(path, &rest);
        let nothing_strikes = without.as_ref().is_ok_and(nothing_in);
        let unchanged = || without.as_ref().is_ok_and(|r| r.scenario == resolved.scenario);
        let taken_away = || resolve_scenario(path, &[]).is_ok_and(|r| !nothing_in(&r));
        if nothing_strikes && taken_away() {
            later.push(format!(
                "{} {} changes nothing: with the other overrides, {} has {lacks}",
                o.option, o.text, resolved.source
            ));
        } else if nothing_strikes || unchanged() {
            later.push(format!(
                "{} {} changes nothing in {}: it has {lacks}, so every result is the scenario's \
                 own",
                o.option, o.text, resolved.source
            ));
        }
    }
}

/// Holds a warning of each override among `overrides[from..]` that sets
/// something in `resolved` (the scenario at `path` with `overrides`) yet
/// changes nothing in the model it compiles to, so that every result is
/// the scenario's own: an escort setting with escorts off (the force at
/// any value, the scenario's own included: no escort sails, and the force
/// is neither used nor priced), or any other the compiled model does not
/// read ([`compiles_alike`]). Multipliers
/// have their own warning ([`inert_multipliers`]). For a scenario that
/// runs as it is (`run`, each scenario of `compare`), not a sweep's or an
/// optimisation's base, whose axes or decisions may make it matter (they
/// have their own check of settings that change nothing).
pub(crate) fn idle_overrides(
    path: Option<&Path>,
    overrides: &[Override],
    resolved: &Resolved,
    from: usize,
    later: &mut Later,
) {
    use caspian_montecarlo::SweepKey;
    let escorts_off = !resolved.scenario.interdiction.escort.enabled;
    for (i, o) in overrides.iter().enumerate().skip(from) {
        let key = o.key.parse::<SweepKey>().ok();
        if escorts_off && key == Some(SweepKey::EscortVessels) {
            later.push(format!(
                "{} {} changes nothing in {}: escorts are off \
                 (interdiction.escort.enabled = false), so no escort sails and the force is \
                 neither used nor priced; set interdiction.escort.enabled=1 too",
                o.option, o.text, resolved.source
            ));
            continue;
        }
        // The run's settings (seed, name, replications) and notes are not
        // the model's; a multiplier has its own warning.
        if key.is_some_and(|k| k.is_multiplier())
            || o.key.starts_with("scenario.")
            || o.key.ends_with(".notes")
        {
            continue;
        }
        let rest = all_but(overrides, i);
        let Ok(without) = resolve_scenario(path, &rest) else { continue };
        // A value the scenario already has sets nothing: not worth a word.
        if without.scenario == resolved.scenario {
            continue;
        }
        // An escort setting with escorts off is read by nothing that runs
        // (a sortie's price is kept, for an optimiser that may switch
        // escorts on, so its plan differs though no convoy sails).
        let idle_escort = escorts_off && escort_setting(&o.key);
        if idle_escort || compiles_alike(&resolved.scenario, &without.scenario) {
            let why = if idle_escort {
                "escorts are off (interdiction.escort.enabled = false), so no convoy forms and \
                 the escort settings are not read (set interdiction.escort.enabled=1 too)"
            } else {
                "the scenario compiles to the same model with it as without it"
            };
            later.push(format!(
                "{} {} changes nothing in {}: {why}; every result is the scenario's own",
                o.option, o.text, resolved.source
            ));
        }
    }
}

/// Holds a warning of each escort setting among `overrides` (the `--set`
/// of a sweep or an optimisation, applied to its base) where escorts are
/// off at every design point of `study`: no convoy forms, so it changes
/// nothing. Settings that are sweep keys are one-valued axes, which the
/// study's own check covers ([`Study::inert_settings`]); switching escorts
/// on is never idle; a value the scenario already has sets nothing.
pub(crate) fn idle_escort_sets(
    path: Option<&Path>,
    overrides: &[Override],
    resolved: &Resolved,
    study: &Study,
    later: &mut Later,
) {
    if !study.escort_forces().is_empty() {
        return;
    }
    for (i, o) in overrides.iter().enumerate() {
        if !escort_setting(&o.key) || o.key.parse::<caspian_montecarlo::SweepKey>().is_ok() {
            continue;
        }
        let rest = all_but(overrides, i);
        if resolve_scenario(path, &rest).is_ok_and(|r| r.scenario == resolved.scenario) {
            continue;
        }
        later.push(format!(
            "{} {} changes nothing in {}: escorts are off (interdiction.escort.enabled = false) at \
             every design point, so no convoy forms and the escort settings are not read; every \
             result is as without it",
            o.option, o.text, resolved.source
        ));
    }
}

/// Whether `key` is an escort setting other than the switch: one of
/// `interdiction.escort` (its force, convoy size, wait, factor, fleets) or
/// an escort price (`costs.capital.escort_vessel`,
/// `costs.capital.escort_life_years`, `costs.operating.escort_sortie`),
/// none of which anything reads while escorts are off.
fn escort_setting(key: &str) -> bool {
    (key.starts_with("interdiction.escort.") && key != "interdiction.escort.enabled")
        || (key.starts_with("costs.")
            && key.rsplit('.').next().is_some_and(|k| k.starts_with("escort_")))
}

/// `overrides` without its `i`-th: the scenario a warning weighs one
/// override against.
fn all_but(overrides: &[Override], i: usize) -> Vec<Override> {
    overrides.iter().enumerate().filter(|&(j, _)| j != i).map(|(_, x)| x.clone()).collect()
}
