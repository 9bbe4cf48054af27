//! A reach's monitoring section below the reach's target class (管护目标) raises an alarm (`water_target`)
//! to the reach's chiefs, besides the county's officers and the webhook as for every alarm; a later day
//! back at the target clears it. Judged once a day on the day before, from the day's mean sample (GB 3838
//! single-factor evaluation, as the water figures).

use super::parse_class;
use crate::alarms::{self, AlarmSettings};
use crate::figures::{day_class, day_start, local_date};
use jiff::tz::TimeZone;
use store::{Alarm, Store};

/// Judges yesterday (local) of every section of every reach with a target, in the caller's transaction;
/// returns how many alarms it opened.
pub fn watch(
    store: &Store,
    tz: &TimeZone,
    settings: &AlarmSettings,
    now: i64,
) -> store::Result<usize> {
    let Ok(yesterday) = local_date(tz, now).yesterday() else {
        return Ok(0);
    };
    let (from, to) = (day_start(tz, yesterday), day_start(tz, local_date(tz, now)));
    let unclosed: Vec<Alarm> = store
        .unclosed_alarms()?
        .into_iter()
        .filter(|a| a.kind == "water_target")
        .collect();
    let chiefs = store.reach_chiefs(None)?;
    let accounts = store.accounts()?;
    let mut opened = 0;
    for reach in store.reaches()? {
        let Some(target) = reach.target_class.as_deref().and_then(parse_class) else {
            continue;
        };
        for section in &reach.sections {
            let current = unclosed
                .iter()
                .find(|a| &a.site_id == section && a.state != "resolved");
            if current.is_some_and(|a| a.episode_end >= to) {
                continue; // this day was judged already
            }
            let Some(site) = store.site(section)? else {
                continue;
            };
            let Some(evaluation) = day_class(store, tz, &site, yesterday)? else {
                continue;
            };
            let why = format!(
                "{yesterday}: class {} at {} ({}), reach {} ({}) is to meet {}",
                evaluation.class,
                site.id,
                site.name,
                reach.id,
                reach.name,
                target.label()
            );
            match current {
                Some(a) if evaluation.class <= target => {
                    alarms::clear(store, settings, a.clone(), now, &why)?;
                }
                Some(a) => {
                    store.put_alarm(&Alarm {
                        episode_end: to,
                        changed_at: now,
                        ..a.clone()
                    })?;
                }
                None if evaluation.class > target => {
                    let emails: Vec<String> = chiefs
                        .iter()
                        .filter(|c| c.reach_id == reach.id)
                        .filter_map(|c| c.account.as_ref())
                        .filter_map(|name| accounts.iter().find(|a| &a.name == name && !a.disabled))
                        .filter_map(|a| a.email.clone())
                        .collect();
                    let alarm = Alarm {
                        id: 0,
                        kind: "water_target".into(),
                        severity: "medium".into(),
                        site_id: site.id.clone(),
                        param: evaluation
                            .limiting()
                            .first()
                            .and_then(|p| p.parameter.hj212_code())
                            .map(str::to_string),
                        determination_id: None,
                        state: "open".into(),
                        level: "county".into(),
                        opened_at: now,
                        episode_start: from,
                        episode_end: to,
                        changed_at: now,
                        case_id: None,
                        mark_id: None,
                    };
                    alarms::raise(store, settings, alarm, &why, &emails)?;
                    opened += 1;
                }
                None => {}
            }
        }
    }
    Ok(opened)
}
