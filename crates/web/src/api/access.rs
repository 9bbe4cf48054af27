//! Every route of the JSON API and what it needs, written down once. The router refuses to build a route
//! that is not listed here ([`listed`]), and `crates/qingshan/tests/access.rs` calls every listed route
//! as every role (and as a county officer of another county, an enterprise user of another enterprise)
//! and compares the answer with `platform::accounts::permissions`.

use platform::accounts::Action;

/// What a route needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    /// Anyone, signed in or not.
    Public,
    /// `Action` on the site named in the path (`{site}`): the role's reach and the site's jurisdiction.
    OnSite(Action),
    /// `Action` on the enterprise the item in the path belongs to (`/permits/{id}`: the permit's).
    OnEnterprise(Action),
    /// `Action` on the site the item in the path belongs to (`/alarms/{id}`: the alarm's).
    OnSiteOf(Action),
    /// `Action` on the river reach named in the path (`{reach}`) or the body (`"reach"`, `"id"`): the
    /// role's reach and the reach's jurisdiction (its chiefs, its county).
    OnReach(Action),
    /// `Action` anywhere in the role's reach; a list is cut to the principal's jurisdiction.
    Listed(Action),
    /// `Action` city-wide: a jurisdiction is not enough.
    CityWide(Action),
}

/// (method, path under `/api/v1`, need).
pub const ROUTES: &[(&str, &str, Need)] = &[
    ("GET", "/openapi.json", Need::Public),
    ("GET", "/sites", Need::Public),
    ("POST", "/sites", Need::Listed(Action::RegistryWrite)),
    ("GET", "/sites/{site}", Need::OnSite(Action::DataRead)),
    (
        "GET",
        "/sites/{site}/series",
        Need::OnSite(Action::DataRead),
    ),
    (
        "GET",
        "/sites/{site}/series.csv",
        Need::OnSite(Action::DataRead),
    ),
    (
        "GET",
        "/sites/{site}/rollups",
        Need::OnSite(Action::DataRead),
    ),
    (
        "GET",
        "/sites/{site}/completeness",
        Need::OnSite(Action::DataRead),
    ),
    ("GET", "/devices", Need::Listed(Action::RegistryRead)),
    ("POST", "/devices", Need::Listed(Action::RegistryWrite)),
    ("GET", "/audit", Need::CityWide(Action::AuditRead)),
    ("GET", "/audit.csv", Need::CityWide(Action::AuditRead)),
    ("POST", "/session", Need::Public),
    ("DELETE", "/session", Need::Listed(Action::OwnAccount)),
    (
        "POST",
        "/account/password",
        Need::Listed(Action::OwnAccount),
    ),
    ("GET", "/quarantine", Need::CityWide(Action::EvidenceRead)),
    (
        "GET",
        "/quarantine/{id}",
        Need::CityWide(Action::EvidenceRead),
    ),
    ("GET", "/journal/{id}", Need::CityWide(Action::EvidenceRead)),
    ("GET", "/conflicts", Need::CityWide(Action::EvidenceRead)),
    ("GET", "/refusals", Need::CityWide(Action::EvidenceRead)),
    ("GET", "/permits", Need::Listed(Action::RegistryRead)),
    ("POST", "/permits", Need::Listed(Action::RegistryWrite)),
    (
        "GET",
        "/permits/{id}",
        Need::OnEnterprise(Action::RegistryRead),
    ),
    ("GET", "/exceedances", Need::Listed(Action::DataRead)),
    ("GET", "/data-problems", Need::Listed(Action::DataRead)),
    ("GET", "/emissions", Need::Listed(Action::DataRead)),
    ("GET", "/alarms", Need::Listed(Action::DataRead)),
    ("GET", "/alarms/{id}", Need::OnSiteOf(Action::DataRead)),
    (
        "POST",
        "/alarms/{id}/ack",
        Need::OnSiteOf(Action::AlarmsHandle),
    ),
    (
        "POST",
        "/alarms/{id}/resolve",
        Need::OnSiteOf(Action::AlarmsHandle),
    ),
    (
        "POST",
        "/alarms/{id}/close",
        Need::OnSiteOf(Action::AlarmsHandle),
    ),
    ("GET", "/marks", Need::Listed(Action::DataRead)),
    ("POST", "/marks", Need::Listed(Action::DataMark)),
    ("GET", "/marks/{id}", Need::OnSiteOf(Action::DataRead)),
    (
        "GET",
        "/marks/{id}/evidence",
        Need::OnSiteOf(Action::DataRead),
    ),
    (
        "POST",
        "/marks/{id}/accept",
        Need::OnSiteOf(Action::MarksReview),
    ),
    (
        "POST",
        "/marks/{id}/reject",
        Need::OnSiteOf(Action::MarksReview),
    ),
    (
        "POST",
        "/marks/{id}/withdraw",
        Need::OnSiteOf(Action::DataMark),
    ),
    ("GET", "/corrections", Need::Listed(Action::DataRead)),
    ("POST", "/corrections", Need::Listed(Action::DataCorrect)),
    ("GET", "/corrections/{id}", Need::OnSiteOf(Action::DataRead)),
    (
        "GET",
        "/corrections/{id}/evidence",
        Need::OnSiteOf(Action::DataRead),
    ),
    (
        "POST",
        "/corrections/{id}/withdraw",
        Need::OnSiteOf(Action::DataCorrect),
    ),
    ("GET", "/cases", Need::Listed(Action::DataRead)),
    ("GET", "/reaches", Need::Listed(Action::DataRead)),
    ("POST", "/reaches", Need::OnReach(Action::RegistryWrite)),
    ("GET", "/reaches/{reach}", Need::OnReach(Action::DataRead)),
    ("GET", "/patrols", Need::Listed(Action::DataRead)),
    ("POST", "/patrols", Need::OnReach(Action::PatrolsRecord)),
    ("POST", "/orders", Need::OnReach(Action::OrdersIssue)),
    ("GET", "/rivers/assessment", Need::Listed(Action::DataRead)),
    ("GET", "/cases/{id}", Need::OnSiteOf(Action::DataRead)),
    (
        "GET",
        "/cases/{id}/evidence",
        Need::OnSiteOf(Action::DataRead),
    ),
    (
        "POST",
        "/alarms/{id}/escalate",
        Need::OnSiteOf(Action::CasesHandle),
    ),
    (
        "POST",
        "/cases/{id}/accept",
        Need::OnSiteOf(Action::CasesHandle),
    ),
    (
        "POST",
        "/cases/{id}/decline",
        Need::OnSiteOf(Action::CasesHandle),
    ),
    (
        "POST",
        "/cases/{id}/assign",
        Need::OnSiteOf(Action::CasesHandle),
    ),
    (
        "POST",
        "/cases/{id}/feedback",
        Need::OnSiteOf(Action::CaseFeedback),
    ),
    (
        "POST",
        "/cases/{id}/verify",
        Need::OnSiteOf(Action::CasesHandle),
    ),
    (
        "POST",
        "/cases/{id}/propose_penalty",
        Need::OnSiteOf(Action::CasesHandle),
    ),
    (
        "POST",
        "/cases/{id}/decide_penalty",
        Need::OnSiteOf(Action::CasesHandle),
    ),
    (
        "POST",
        "/cases/{id}/close",
        Need::OnSiteOf(Action::CasesHandle),
    ),
    (
        "POST",
        "/cases/{id}/reply",
        Need::OnSiteOf(Action::CasesHandle),
    ),
    (
        "POST",
        "/cases/{id}/request_review",
        Need::OnSiteOf(Action::CasesHandle),
    ),
    (
        "POST",
        "/cases/{id}/answer_review",
        Need::OnSiteOf(Action::CasesHandle),
    ),
    (
        "POST",
        "/cases/{id}/reassign",
        Need::OnSiteOf(Action::CasesHandle),
    ),
    (
        "POST",
        "/cases/{id}/comment",
        Need::OnSiteOf(Action::CasesHandle),
    ),
    (
        "POST",
        "/cases/{id}/merge",
        Need::OnSiteOf(Action::CasesHandle),
    ),
    ("GET", "/alarm-rules", Need::Listed(Action::DataRead)),
    ("POST", "/alarm-rules", Need::Listed(Action::AlarmsHandle)),
    (
        "POST",
        "/alarm-rules/{id}/disable",
        Need::OnSiteOf(Action::AlarmsHandle),
    ),
];

/// `path`, after checking that every one of `methods` on it is in [`ROUTES`]: a route added without
/// saying what it needs stops the router from being built (and so every test).
pub fn listed(path: &'static str, methods: &[&str]) -> &'static str {
    listed_in(ROUTES, "web::api::access::ROUTES", path, methods)
}

/// Like [`listed`], for a table of routes named `table_name` (the console has its own).
pub fn listed_in(
    table: &[(&str, &str, Need)],
    table_name: &str,
    path: &'static str,
    methods: &[&str],
) -> &'static str {
    for m in methods {
        assert!(
            table.iter().any(|(rm, rp, _)| rm == m && *rp == path),
            "{m} {path} is not in {table_name}: say what it needs there"
        );
    }
    path
}
