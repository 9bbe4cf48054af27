//! A case's lifecycle as one pure transition function (workflows.md C3: the MEE 督办 chain with the 信访
//! steps): who may move a case from which state by which action, and where it goes.
//!
//! ```text
//! created ─accept─▶ accepted ─assign─▶ assigned ─feedback─▶ feedback ─verify─▶ verified ─propose─▶ proposed
//!    │                                    └──────────verify──────────────────────▲      │              │
//!    └─decline─▶ not_accepted ─reply─▶ replied                                       close          decide
//!                                                                                    ▼              ▼
//!                          replied ◀─reply─ closed ◀──────────────close────────── decided
//!                             └──────review──▶ under_review ─answer─▶ closed
//! ```
//!
//! Comments and reassignment keep the state; a case merged into another ends as `merged`. Only the city's
//! bureau decides a penalty (the county's officers investigate and propose); an enterprise user only
//! answers an assignment with its feedback, and never learns who reported it.

/// Where a case stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CaseState {
    /// Received (from an alarm, a complaint, a patrol, an inspection or a referral), not yet accepted.
    Created,
    /// Not accepted, with a reason code (not environmental, another route, a repeat...).
    NotAccepted,
    Accepted,
    /// Given to a unit and a person with a due date.
    Assigned,
    /// The enterprise answered.
    Feedback,
    /// Checked on site: founded or not.
    Verified,
    /// A penalty is proposed (立案).
    Proposed,
    /// The penalty decision (number, amount, measures).
    Decided,
    Closed,
    /// The reporter was answered.
    Replied,
    /// A 复查 or 复核 requested by the reporter.
    UnderReview,
    /// Merged into another case (a duplicate).
    Merged,
}

impl CaseState {
    pub const ALL: [CaseState; 12] = [
        CaseState::Created,
        CaseState::NotAccepted,
        CaseState::Accepted,
        CaseState::Assigned,
        CaseState::Feedback,
        CaseState::Verified,
        CaseState::Proposed,
        CaseState::Decided,
        CaseState::Closed,
        CaseState::Replied,
        CaseState::UnderReview,
        CaseState::Merged,
    ];

    pub fn code(self) -> &'static str {
        match self {
            CaseState::Created => "created",
            CaseState::NotAccepted => "not_accepted",
            CaseState::Accepted => "accepted",
            CaseState::Assigned => "assigned",
            CaseState::Feedback => "feedback",
            CaseState::Verified => "verified",
            CaseState::Proposed => "proposed",
            CaseState::Decided => "decided",
            CaseState::Closed => "closed",
            CaseState::Replied => "replied",
            CaseState::UnderReview => "under_review",
            CaseState::Merged => "merged",
        }
    }

    pub fn parse(code: &str) -> Option<CaseState> {
        CaseState::ALL.into_iter().find(|s| s.code() == code)
    }

    /// Whether the case is still being worked on (its clock runs, it can be merged or reassigned).
    pub fn open(self) -> bool {
        !matches!(
            self,
            CaseState::NotAccepted | CaseState::Closed | CaseState::Replied | CaseState::Merged
        )
    }
}

/// What people do to a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CaseAction {
    Accept,
    /// Not accepted, with a reason code.
    Decline,
    /// To a unit and a person, with a due date.
    Assign,
    /// The enterprise's answer.
    Feedback,
    /// The result of the check: founded or not.
    Verify,
    ProposePenalty,
    DecidePenalty,
    Close,
    /// The answer to the reporter.
    Reply,
    /// The reporter asks for a 复查 or 复核 (recorded by staff).
    RequestReview,
    /// The review's answer.
    AnswerReview,
    /// Another unit or person, keeping the state.
    Reassign,
    /// A note, keeping the state.
    Comment,
    /// A duplicate of another case.
    Merge,
}

impl CaseAction {
    pub const ALL: [CaseAction; 14] = [
        CaseAction::Accept,
        CaseAction::Decline,
        CaseAction::Assign,
        CaseAction::Feedback,
        CaseAction::Verify,
        CaseAction::ProposePenalty,
        CaseAction::DecidePenalty,
        CaseAction::Close,
        CaseAction::Reply,
        CaseAction::RequestReview,
        CaseAction::AnswerReview,
        CaseAction::Reassign,
        CaseAction::Comment,
        CaseAction::Merge,
    ];

    pub fn code(self) -> &'static str {
        match self {
            CaseAction::Accept => "accept",
            CaseAction::Decline => "decline",
            CaseAction::Assign => "assign",
            CaseAction::Feedback => "feedback",
            CaseAction::Verify => "verify",
            CaseAction::ProposePenalty => "propose_penalty",
            CaseAction::DecidePenalty => "decide_penalty",
            CaseAction::Close => "close",
            CaseAction::Reply => "reply",
            CaseAction::RequestReview => "request_review",
            CaseAction::AnswerReview => "answer_review",
            CaseAction::Reassign => "reassign",
            CaseAction::Comment => "comment",
            CaseAction::Merge => "merge",
        }
    }

    pub fn parse(code: &str) -> Option<CaseAction> {
        CaseAction::ALL.into_iter().find(|a| a.code() == code)
    }
}

/// Who acts on a case, as far as the lifecycle cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CaseRole {
    /// The county's officers (in their jurisdiction): they accept, investigate, propose, close.
    County,
    /// The city bureau's staff: everything the county does, and the penalty decision.
    City,
    /// The enterprise the case is about: its feedback and comments only.
    Enterprise,
}

impl CaseRole {
    pub const ALL: [CaseRole; 3] = [CaseRole::County, CaseRole::City, CaseRole::Enterprise];
}

/// Why a transition is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("a case that is {} cannot take {} by {}", from.code(), action.code(), match by {
    CaseRole::County => "a county officer",
    CaseRole::City => "the city's staff",
    CaseRole::Enterprise => "the enterprise",
})]
pub struct Refused {
    pub from: CaseState,
    pub action: CaseAction,
    pub by: CaseRole,
}

/// The lifecycle: the one place that says which action moves a case where, and who may take it.
pub fn transition(from: CaseState, action: CaseAction, by: CaseRole) -> Result<CaseState, Refused> {
    use CaseAction as A;
    use CaseRole::*;
    use CaseState as S;
    let staff = matches!(by, County | City);
    let to = match (from, action) {
        // What keeps the state: a comment or a reassignment by staff (the enterprise speaks through its
        // feedback).
        (s, A::Comment) if s.open() && staff => Some(s),
        (s, A::Reassign) if s.open() && s != S::Created && staff => Some(s),
        (s, A::Merge) if s.open() && staff => Some(S::Merged),
        (S::Created, A::Accept) if staff => Some(S::Accepted),
        (S::Created, A::Decline) if staff => Some(S::NotAccepted),
        (S::Accepted, A::Assign) if staff => Some(S::Assigned),
        (S::Assigned, A::Feedback) if by == Enterprise => Some(S::Feedback),
        (S::Assigned | S::Feedback, A::Verify) if staff => Some(S::Verified),
        (S::Verified, A::ProposePenalty) if staff => Some(S::Proposed),
        (S::Proposed, A::DecidePenalty) if by == City => Some(S::Decided),
        (S::Verified | S::Decided, A::Close) if staff => Some(S::Closed),
        (S::Closed | S::NotAccepted, A::Reply) if staff => Some(S::Replied),
        (S::Closed | S::Replied, A::RequestReview) if staff => Some(S::UnderReview),
        (S::UnderReview, A::AnswerReview) if staff => Some(S::Closed),
        _ => None,
    };
    to.ok_or(Refused { from, action, by })
}

#[cfg(test)]
mod tests {
    use super::*;
    use CaseAction as A;
    use CaseState as S;

    /// Every (state, action, role) allowed, written out by hand from the chain: the function must allow
    /// exactly these and refuse the other 492 of the 504 triples.
    fn allowed() -> Vec<(CaseState, CaseAction, CaseRole, CaseState)> {
        let staff = [CaseRole::County, CaseRole::City];
        let mut v = Vec::new();
        let open = [
            S::Created,
            S::Accepted,
            S::Assigned,
            S::Feedback,
            S::Verified,
            S::Proposed,
            S::Decided,
            S::UnderReview,
        ];
        for s in open {
            for by in staff {
                v.push((s, A::Comment, by, s));
                v.push((s, A::Merge, by, S::Merged));
                if s != S::Created {
                    v.push((s, A::Reassign, by, s));
                }
            }
        }
        for by in staff {
            v.extend([
                (S::Created, A::Accept, by, S::Accepted),
                (S::Created, A::Decline, by, S::NotAccepted),
                (S::Accepted, A::Assign, by, S::Assigned),
                (S::Assigned, A::Verify, by, S::Verified),
                (S::Feedback, A::Verify, by, S::Verified),
                (S::Verified, A::ProposePenalty, by, S::Proposed),
                (S::Verified, A::Close, by, S::Closed),
                (S::Decided, A::Close, by, S::Closed),
                (S::Closed, A::Reply, by, S::Replied),
                (S::NotAccepted, A::Reply, by, S::Replied),
                (S::Closed, A::RequestReview, by, S::UnderReview),
                (S::Replied, A::RequestReview, by, S::UnderReview),
                (S::UnderReview, A::AnswerReview, by, S::Closed),
            ]);
        }
        v.push((S::Assigned, A::Feedback, CaseRole::Enterprise, S::Feedback));
        v.push((S::Proposed, A::DecidePenalty, CaseRole::City, S::Decided));
        v
    }

    #[test]
    fn every_state_action_and_role_is_as_the_chain_says() {
        let expected = allowed();
        let mut seen = 0;
        for from in CaseState::ALL {
            for action in CaseAction::ALL {
                for by in CaseRole::ALL {
                    seen += 1;
                    let want = expected
                        .iter()
                        .find(|(s, a, r, _)| (*s, *a, *r) == (from, action, by))
                        .map(|t| t.3);
                    let got = transition(from, action, by);
                    assert_eq!(got.ok(), want, "{from:?} {action:?} {by:?}");
                    if let Err(e) = got {
                        assert!(e.to_string().contains(from.code()), "{e}");
                    }
                }
            }
        }
        assert_eq!(seen, 12 * 14 * 3);
        assert_eq!(
            expected.len(),
            74,
            "the hand-written table has no duplicates"
        );
    }

    #[test]
    fn finished_cases_take_nothing_but_a_reply_or_a_review() {
        for s in [S::NotAccepted, S::Closed, S::Replied, S::Merged] {
            assert!(!s.open());
            for by in CaseRole::ALL {
                assert!(transition(s, A::Comment, by).is_err());
                assert!(transition(s, A::Merge, by).is_err());
            }
        }
        for s in CaseState::ALL {
            assert_eq!(CaseState::parse(s.code()), Some(s));
        }
        for a in CaseAction::ALL {
            assert_eq!(CaseAction::parse(a.code()), Some(a));
        }
    }
}
