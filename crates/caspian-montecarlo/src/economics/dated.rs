//! The warning of dated disruptions (`start_day`) in an appraisal: the
//! model's year is taken as every year, so a one-off event is counted as
//! striking every year of the NPV.

/// What the warning of [`one_off_warnings`] advises.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum OneOff {
    /// The event is not valued: advise `--one-off`.
    Unvalued,
    /// The comparison values it with `--one-off`: point to that table.
    Valued,
    /// A policy that adds the event to a base without it (a stress test
    /// run as a policy): one event costs one year's difference.
    StressTest,
}

/// What the dated-disruption warning advises each of `studies` (a
/// comparison's scenarios, base first): a policy whose dated disruptions
/// the base lacks is a stress test, warned of as a change of conditions
/// too (one event costs a year's difference); any other, to value the
/// event with `--one-off`.
pub(crate) fn dated_advice(studies: &[crate::study::Study]) -> Vec<OneOff> {
    let Some(base) = studies.first() else { return Vec::new() };
    let base_source = &base.plan.source;
    let stress_added = |s: &crate::study::Study| {
        let mut dated = s.plan.source.disruptions.iter().filter(|d| d.start_day.is_some());
        dated.all(|d| !base_source.disruptions.iter().any(|b| b.id == d.id))
    };
    (studies.iter().enumerate())
        .map(|(i, s)| if i > 0 && stress_added(s) { OneOff::StressTest } else { OneOff::Unvalued })
        .collect()
}

/// The warnings for the scenarios with dated disruptions (`start_day`),
/// each with its `advice` (one per study): the model's year is the typical
/// year, so an NPV over the appraisal period counts a one-off event as
/// striking every year. Scenarios with the same dated disruptions and the
/// same advice (a comparison's variants share the base's) share one
/// warning that names them all, in the order of `studies`.
pub(crate) fn one_off_warnings(
    studies: &[crate::study::Study],
    years: f64,
    advice: &[OneOff],
) -> Vec<String> {
    // (every dated disruption that strikes, as written; advice) -> the
    // names that have them. Alike only where every one is written the
    // same (a variant that moves one is another event).
    type Key = (Vec<caspian_shipping::scenario::Disruption>, (String, String));
    let mut groups: Vec<(Key, Vec<&str>)> = Vec::new();
    for (study, &advice) in studies.iter().zip(advice) {
        let Some(words) = one_off_parts(study, advice) else { continue };
        let dated: Vec<_> = study.dated_that_strike().into_iter().cloned().collect();
        let key = (dated, words);
        match groups.iter_mut().find(|(k, _)| *k == key) {
            Some((_, names)) => names.push(&study.name),
            None => groups.push((key, vec![&study.name])),
        }
    }
    groups
        .into_iter()
        .map(|((_, (dated, advice)), names)| {
            let quoted: Vec<String> = names.iter().map(|n| format!("\"{n}\"")).collect();
            let who = match quoted.split_last() {
                Some((last, [])) => format!("{last} has"),
                Some((last, rest)) => format!("{} and {last} each have", rest.join(", ")),
                None => String::new(),
            };
            format!(
                "{who} a dated disruption ({dated}): the simulated year is taken as every year, \
                 so the NPV over {years} years counts it as striking every year; {advice}"
            )
        })
        .collect()
}

/// What the warning of [`one_off_warnings`] says of `study` with `advice`:
/// its dated disruptions and the advice in words; `None` without any.
fn one_off_parts(study: &crate::study::Study, advice: OneOff) -> Option<(String, String)> {
    let dated = dated_disruptions(study)?;
    let advice = match advice {
        OneOff::Valued => "the one-off table values it as one event instead".to_string(),
        OneOff::Unvalued => "value a one-off event with --one-off (how often it must strike for \
                             each policy to pay), not by the NPV"
            .to_string(),
        OneOff::StressTest => {
            // The per-year KPIs average the window: one event costs the
            // window's years (of the model's calendar, as `--one-off`
            // counts them) times a year's difference.
            let plan = &study.plan;
            let days = plan.horizon.saturating_since(plan.warmup).as_hours_f64() / 24.0;
            let window = days / caspian_shipping::timeline::DAYS_PER_YEAR as f64;
            let times = if (window - 1.0).abs() < 0.005 {
                "one year's difference".to_string()
            } else {
                format!(
                    "{} times a year's difference (the reporting window is that many years)",
                    crate::study::short_number(window)
                )
            };
            format!(
                "one such event costs about {times} (the benefit/yr column, negative for a \
                 loss), not the NPV"
            )
        }
    };
    Some((dated, advice))
}

/// The dated disruptions of `study` that strike
/// ([`Study::dated_that_strike`](crate::study::Study::dated_that_strike)),
/// as a warning names them: the first, and how many more; `None` without
/// any.
pub(crate) fn dated_disruptions(study: &crate::study::Study) -> Option<String> {
    let dated: Vec<&str> = study.dated_that_strike().iter().map(|d| d.id.as_str()).collect();
    let (first, rest) = dated.split_first()?;
    let more = if rest.is_empty() { String::new() } else { format!(" and {} more", rest.len()) };
    Some(format!("{first}{more}"))
}
