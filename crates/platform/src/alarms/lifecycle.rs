//! An alarm's lifecycle as one pure transition function: open → acknowledged → resolved → closed, with
//! what the platform does by itself (a data problem that cleared resolves, a recurrence before the alarm
//! was closed reopens it, a determination withdrawn closes it) beside what people do.

/// Where an alarm stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum AlarmState {
    Open,
    Acknowledged,
    Resolved,
    Closed,
}

impl AlarmState {
    pub const ALL: [AlarmState; 4] = [
        AlarmState::Open,
        AlarmState::Acknowledged,
        AlarmState::Resolved,
        AlarmState::Closed,
    ];

    pub fn code(self) -> &'static str {
        match self {
            AlarmState::Open => "open",
            AlarmState::Acknowledged => "acknowledged",
            AlarmState::Resolved => "resolved",
            AlarmState::Closed => "closed",
        }
    }

    pub fn parse(code: &str) -> Option<AlarmState> {
        AlarmState::ALL.into_iter().find(|s| s.code() == code)
    }
}

/// What happens to an alarm.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AlarmEvent {
    /// A person has seen it and is on it.
    Acknowledge,
    /// A person says the matter is dealt with (the only way an exceedance is resolved).
    Resolve,
    /// A person closes a resolved alarm.
    Close,
    /// The platform: the data problem behind it has stopped (not for exceedances, which a person
    /// resolves).
    Cleared,
    /// The platform: the same determination is going on again before the alarm was closed.
    Recurred,
    /// The platform: the determination behind it was withdrawn (late data, an accepted mark, a correction,
    /// a permit change): nothing is left to act on.
    Withdrawn,
}

impl AlarmEvent {
    pub const ALL: [AlarmEvent; 6] = [
        AlarmEvent::Acknowledge,
        AlarmEvent::Resolve,
        AlarmEvent::Close,
        AlarmEvent::Cleared,
        AlarmEvent::Recurred,
        AlarmEvent::Withdrawn,
    ];

    pub fn code(self) -> &'static str {
        match self {
            AlarmEvent::Acknowledge => "ack",
            AlarmEvent::Resolve => "resolve",
            AlarmEvent::Close => "close",
            AlarmEvent::Cleared => "cleared",
            AlarmEvent::Recurred => "recurred",
            AlarmEvent::Withdrawn => "withdrawn",
        }
    }

    /// The events a person asks for (the API's `POST /alarms/{id}/ack|resolve|close`).
    pub fn by_person(code: &str) -> Option<AlarmEvent> {
        [
            AlarmEvent::Acknowledge,
            AlarmEvent::Resolve,
            AlarmEvent::Close,
        ]
        .into_iter()
        .find(|e| e.code() == code)
    }
}

/// Why a transition is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("an alarm that is {} cannot take {}{}", from.code(), event.code(), if *exceedance { " (an exceedance)" } else { "" })]
pub struct Refused {
    pub from: AlarmState,
    pub event: AlarmEvent,
    pub exceedance: bool,
}

/// The state after `event`, for an alarm in `from`; `exceedance`: whether only a person resolves it (an
/// exceedance, or a conflicting re-send: `super::person_resolves`).
pub fn transition(
    from: AlarmState,
    event: AlarmEvent,
    exceedance: bool,
) -> Result<AlarmState, Refused> {
    use AlarmEvent::*;
    use AlarmState::*;
    let to = match (from, event) {
        (Open, Acknowledge) => Acknowledged,
        (Open | Acknowledged, Resolve) => Resolved,
        (Open | Acknowledged, Cleared) if !exceedance => Resolved,
        (Resolved, Close) => Closed,
        (Resolved, Recurred) => Open,
        (Open | Acknowledged | Resolved, Withdrawn) => Closed,
        _ => {
            return Err(Refused {
                from,
                event,
                exceedance,
            });
        }
    };
    Ok(to)
}

#[cfg(test)]
mod tests {
    use super::*;
    use AlarmEvent::*;
    use AlarmState::*;

    /// Every state × every event × both kinds of alarm, against the table written out by hand.
    #[test]
    fn every_transition_is_the_tables() {
        let allowed =
            |from: AlarmState, event: AlarmEvent, exceedance: bool| -> Option<AlarmState> {
                Some(match (from, event, exceedance) {
                    (Open, Acknowledge, _) => Acknowledged,
                    (Open, Resolve, _) | (Acknowledged, Resolve, _) => Resolved,
                    (Open, Cleared, false) | (Acknowledged, Cleared, false) => Resolved,
                    (Resolved, Close, _) => Closed,
                    (Resolved, Recurred, _) => Open,
                    (Open, Withdrawn, _)
                    | (Acknowledged, Withdrawn, _)
                    | (Resolved, Withdrawn, _) => Closed,
                    _ => return None,
                })
            };
        let mut allowed_count = 0;
        for from in AlarmState::ALL {
            for event in AlarmEvent::ALL {
                for exceedance in [false, true] {
                    let got = transition(from, event, exceedance).ok();
                    assert_eq!(
                        got,
                        allowed(from, event, exceedance),
                        "{from:?} {event:?} {exceedance}"
                    );
                    allowed_count += usize::from(got.is_some());
                }
            }
        }
        assert_eq!(allowed_count, 18, "of 48 pairs");
    }

    #[test]
    fn a_closed_alarm_takes_nothing_and_an_exceedance_does_not_clear_itself() {
        for event in AlarmEvent::ALL {
            assert!(transition(Closed, event, false).is_err());
        }
        let e = transition(Open, Cleared, true).unwrap_err();
        assert_eq!(
            e.to_string(),
            "an alarm that is open cannot take cleared (an exceedance)"
        );
        assert_eq!(AlarmEvent::by_person("ack"), Some(Acknowledge));
        assert_eq!(
            AlarmEvent::by_person("cleared"),
            None,
            "not a person's to say"
        );
        assert_eq!(AlarmState::parse("acknowledged"), Some(Acknowledged));
    }
}
