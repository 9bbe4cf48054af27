//! Who may do what, where: one table (role × action → reach), and the check every route and operation
//! goes through ([`Principal::may`]).

use super::Role;
use store::Scopes;

/// Everything a person or a token can be allowed to do. Each route and operation names one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Action {
    /// Read monitoring data: series, rollups, completeness, a site's detail.
    DataRead,
    /// Read the registry with what the public does not see (device MNs, every field).
    RegistryRead,
    /// Create and change counties, water bodies, enterprises, sites and devices.
    RegistryWrite,
    /// Read the evidence behind the data: the journal, quarantined frames, conflicting re-sends, refusals.
    EvidenceRead,
    /// Read the audit log (and export it).
    AuditRead,
    /// Create, change, disable accounts and reset their passwords.
    AccountsManage,
    /// Change one's own password, create and revoke one's own tokens.
    OwnAccount,
    /// Acknowledge, resolve and close alarms (reading them is [`Action::DataRead`]).
    AlarmsHandle,
    /// Mark periods of an outlet's data (an enterprise's own) and withdraw one's marks before review.
    DataMark,
    /// Accept or reject enterprises' marks (and approve late ones).
    MarksReview,
    /// Correct stored values (a correction kept beside them, never an edit), and withdraw a correction.
    DataCorrect,
    /// Open cases (escalate alarms), and move them through their steps.
    CasesHandle,
    /// Answer a case about one's own enterprise (its feedback).
    CaseFeedback,
    /// Open a reporter's sealed name and contact (each time with a reason, in the audit log).
    ComplaintsReveal,
    /// Record a patrol of a reach (a river chief's own reaches; staff for a chief).
    PatrolsRecord,
    /// Issue an order (交办单) on a reach to a lower-level chief or a unit: a case.
    OrdersIssue,
}

impl Action {
    pub const ALL: [Action; 16] = [
        Action::DataRead,
        Action::RegistryRead,
        Action::RegistryWrite,
        Action::EvidenceRead,
        Action::AuditRead,
        Action::AccountsManage,
        Action::OwnAccount,
        Action::AlarmsHandle,
        Action::DataMark,
        Action::MarksReview,
        Action::DataCorrect,
        Action::CasesHandle,
        Action::CaseFeedback,
        Action::ComplaintsReveal,
        Action::PatrolsRecord,
        Action::OrdersIssue,
    ];

    /// The code tokens carry (`registry.write`).
    pub fn code(self) -> &'static str {
        match self {
            Action::DataRead => "data.read",
            Action::RegistryRead => "registry.read",
            Action::RegistryWrite => "registry.write",
            Action::EvidenceRead => "evidence.read",
            Action::AuditRead => "audit.read",
            Action::AccountsManage => "accounts.manage",
            Action::OwnAccount => "account.own",
            Action::AlarmsHandle => "alarms.handle",
            Action::DataMark => "data.mark",
            Action::MarksReview => "marks.review",
            Action::DataCorrect => "data.correct",
            Action::CasesHandle => "cases.handle",
            Action::CaseFeedback => "cases.feedback",
            Action::ComplaintsReveal => "complaints.reveal",
            Action::PatrolsRecord => "patrols.record",
            Action::OrdersIssue => "orders.issue",
        }
    }

    pub fn parse(code: &str) -> Option<Action> {
        Action::ALL.into_iter().find(|a| a.code() == code)
    }
}

/// Where a role may take an action.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reach {
    Nowhere,
    /// Only on what the account's jurisdiction covers (its counties, enterprises or reaches).
    Jurisdiction,
    Everywhere,
}

use Action::*;
use Reach::*;

/// The permission table. A pair that is not listed is [`Reach::Nowhere`].
pub const PERMISSIONS: &[(Role, Action, Reach)] = &[
    (Role::CityAdmin, DataRead, Everywhere),
    (Role::CityAdmin, RegistryRead, Everywhere),
    (Role::CityAdmin, RegistryWrite, Everywhere),
    (Role::CityAdmin, EvidenceRead, Everywhere),
    (Role::CityAdmin, AuditRead, Everywhere),
    (Role::CityAdmin, AccountsManage, Everywhere),
    (Role::CityAdmin, OwnAccount, Everywhere),
    (Role::CityAdmin, AlarmsHandle, Everywhere),
    (Role::CityAdmin, MarksReview, Everywhere),
    (Role::CityAdmin, DataCorrect, Everywhere),
    (Role::CityAdmin, CasesHandle, Everywhere),
    (Role::CityAdmin, ComplaintsReveal, Everywhere),
    (Role::CityAdmin, PatrolsRecord, Everywhere),
    (Role::CityAdmin, OrdersIssue, Everywhere),
    (Role::CityStaff, DataRead, Everywhere),
    (Role::CityStaff, RegistryRead, Everywhere),
    (Role::CityStaff, RegistryWrite, Everywhere),
    (Role::CityStaff, EvidenceRead, Everywhere),
    (Role::CityStaff, OwnAccount, Everywhere),
    (Role::CityStaff, AlarmsHandle, Everywhere),
    (Role::CityStaff, MarksReview, Everywhere),
    (Role::CityStaff, DataCorrect, Everywhere),
    (Role::CityStaff, CasesHandle, Everywhere),
    (Role::CityStaff, ComplaintsReveal, Everywhere),
    (Role::CityStaff, PatrolsRecord, Everywhere),
    (Role::CityStaff, OrdersIssue, Everywhere),
    (Role::CountyOfficer, DataRead, Jurisdiction),
    (Role::CountyOfficer, RegistryRead, Jurisdiction),
    (Role::CountyOfficer, RegistryWrite, Jurisdiction),
    (Role::CountyOfficer, EvidenceRead, Jurisdiction),
    (Role::CountyOfficer, OwnAccount, Everywhere),
    (Role::CountyOfficer, AlarmsHandle, Jurisdiction),
    (Role::CountyOfficer, MarksReview, Jurisdiction),
    (Role::CountyOfficer, DataCorrect, Jurisdiction),
    (Role::CountyOfficer, CasesHandle, Jurisdiction),
    (Role::CountyOfficer, ComplaintsReveal, Jurisdiction),
    (Role::CountyOfficer, PatrolsRecord, Jurisdiction),
    (Role::CountyOfficer, OrdersIssue, Jurisdiction),
    (Role::EnterpriseUser, DataRead, Jurisdiction),
    (Role::EnterpriseUser, RegistryRead, Jurisdiction),
    // Marking is the enterprise's say on its own data; the bureau reviews, it does not mark. Correcting
    // is the bureau's: an enterprise marks its data, it never corrects it.
    (Role::EnterpriseUser, DataMark, Jurisdiction),
    (Role::EnterpriseUser, CaseFeedback, Jurisdiction),
    (Role::EnterpriseUser, OwnAccount, Everywhere),
    // A river chief reads the city's data (rivers cross counties), and on their own reaches patrols,
    // issues orders and follows the reaches' cases through their steps.
    (Role::RiverChief, DataRead, Everywhere),
    (Role::RiverChief, PatrolsRecord, Jurisdiction),
    (Role::RiverChief, OrdersIssue, Jurisdiction),
    (Role::RiverChief, CasesHandle, Jurisdiction),
    (Role::RiverChief, OwnAccount, Everywhere),
    (Role::Auditor, DataRead, Everywhere),
    (Role::Auditor, RegistryRead, Everywhere),
    (Role::Auditor, EvidenceRead, Everywhere),
    (Role::Auditor, AuditRead, Everywhere),
    (Role::Auditor, OwnAccount, Everywhere),
];

/// Where `role` may take `action`.
pub fn reach(role: Role, action: Action) -> Reach {
    PERMISSIONS
        .iter()
        .find(|(r, a, _)| *r == role && *a == action)
        .map_or(Nowhere, |p| p.2)
}

/// What an action is taken on, for the jurisdiction check.
#[derive(Debug, Clone, Copy)]
pub enum Target<'a> {
    /// Nothing in particular: a list (filtered to the jurisdiction afterwards) or a form.
    Any,
    /// Something that exists only city-wide (an account, the audit log): jurisdiction is not enough.
    CityWide,
    /// A site, by where it is and whose it is.
    Site {
        county: Option<&'a str>,
        enterprise: Option<&'a str>,
    },
    County(&'a str),
    Enterprise {
        id: &'a str,
        county: Option<&'a str>,
    },
    /// A reach of a river or lake, by its id and the county its cases go to.
    Reach {
        id: &'a str,
        county: Option<&'a str>,
    },
}

impl<'a> Target<'a> {
    /// A registered site, by where it is and whose it is.
    pub fn site(s: &'a store::Site) -> Target<'a> {
        Target::Site {
            county: s.county.as_deref(),
            enterprise: s.enterprise_id.as_deref(),
        }
    }

    /// A registered enterprise, by its id and county.
    pub fn enterprise(e: &'a store::Enterprise) -> Target<'a> {
        Target::Enterprise {
            id: &e.id,
            county: e.county.as_deref(),
        }
    }
}

/// Whether `scopes` (a jurisdiction) covers `target`.
pub fn covers(scopes: &Scopes, target: Target<'_>) -> bool {
    let county = |c: Option<&str>| c.is_some_and(|c| scopes.counties.iter().any(|s| s == c));
    let enterprise = |e: Option<&str>| e.is_some_and(|e| scopes.enterprises.iter().any(|s| s == e));
    match target {
        Target::Any => true,
        Target::CityWide => false,
        Target::Site {
            county: c,
            enterprise: e,
        } => county(c) || enterprise(e),
        Target::County(c) => county(Some(c)),
        Target::Enterprise { id, county: c } => enterprise(Some(id)) || county(c),
        Target::Reach { id, county: c } => scopes.reaches.iter().any(|r| r == id) || county(c),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_role_and_action_has_one_entry_at_most() {
        for role in Role::ALL {
            for action in Action::ALL {
                let n = PERMISSIONS
                    .iter()
                    .filter(|(r, a, _)| *r == role && *a == action)
                    .count();
                assert!(n <= 1, "{role:?} × {action:?} is listed {n} times");
            }
        }
    }

    #[test]
    fn the_auditor_changes_nothing_and_only_administrators_manage_accounts() {
        for role in Role::ALL {
            assert_eq!(
                reach(role, AccountsManage) != Nowhere,
                role == Role::CityAdmin,
                "{role:?}"
            );
        }
        assert_eq!(reach(Role::Auditor, RegistryWrite), Nowhere);
        assert_eq!(reach(Role::Auditor, AuditRead), Everywhere);
        assert_eq!(reach(Role::EnterpriseUser, EvidenceRead), Nowhere);
    }

    #[test]
    fn only_the_bureau_corrects_data_and_a_county_only_its_own() {
        for role in Role::ALL {
            let expected = match role {
                Role::CityAdmin | Role::CityStaff => Everywhere,
                Role::CountyOfficer => Jurisdiction,
                Role::EnterpriseUser | Role::RiverChief | Role::Auditor => Nowhere,
            };
            assert_eq!(reach(role, DataCorrect), expected, "{role:?}");
        }
        assert_eq!(Action::parse("data.correct"), Some(DataCorrect));
        // Enterprises mark, they never correct; the bureau corrects, it never marks.
        assert_eq!(reach(Role::EnterpriseUser, DataMark), Jurisdiction);
        assert_eq!(reach(Role::CityStaff, DataMark), Nowhere);
    }

    #[test]
    fn a_jurisdiction_covers_its_own_counties_and_enterprises_only() {
        let county = Scopes {
            counties: vec!["530602".into()],
            ..Scopes::default()
        };
        let ours = Target::Site {
            county: Some("530602"),
            enterprise: None,
        };
        let theirs = Target::Site {
            county: Some("530621"),
            enterprise: Some("E01"),
        };
        assert!(covers(&county, ours) && !covers(&county, theirs));
        assert!(!covers(&county, Target::CityWide));
        let firm = Scopes {
            enterprises: vec!["E01".into()],
            ..Scopes::default()
        };
        assert!(covers(&firm, theirs) && !covers(&firm, ours));
        assert!(!covers(&firm, Target::County("530621")));
        let chief = Scopes {
            reaches: vec!["R1".into()],
            ..Scopes::default()
        };
        let reach = |id| Target::Reach {
            id,
            county: Some("530602"),
        };
        assert!(covers(&chief, reach("R1")) && !covers(&chief, reach("R2")));
        assert!(
            !covers(&chief, ours),
            "a chief's reaches are not their county"
        );
        assert!(
            covers(&county, reach("R2")),
            "a county covers the reaches in it"
        );
    }
}
