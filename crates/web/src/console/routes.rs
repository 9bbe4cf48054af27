//! Every console page, what it needs (the route table the router and `tests/access.rs` read), and the
//! router that serves them.

use super::*;
use crate::api::access::{Need, listed_in};
use axum::Router;
use axum::routing::{get, post};

/// Every console page and what it needs (the same [`Need`]s as the JSON API). `{site}` and `{mn}` are
/// on a site; `{name}` is an account; `{id}` a journal record or a token.
pub const ROUTES: &[(&str, &str, Need)] = &[
    ("GET", "/console/sign-in", Need::Public),
    ("POST", "/console/sign-in", Need::Public),
    (
        "POST",
        "/console/sign-out",
        Need::Listed(Action::OwnAccount),
    ),
    ("GET", "/console", Need::Listed(Action::OwnAccount)),
    ("GET", "/console/sites", Need::Listed(Action::RegistryRead)),
    (
        "GET",
        "/console/sites/new",
        Need::Listed(Action::RegistryWrite),
    ),
    (
        "POST",
        "/console/sites/new",
        Need::Listed(Action::RegistryWrite),
    ),
    (
        "GET",
        "/console/sites/{site}",
        Need::OnSite(Action::RegistryRead),
    ),
    (
        "POST",
        "/console/sites/{site}",
        Need::OnSite(Action::RegistryWrite),
    ),
    (
        "GET",
        "/console/devices",
        Need::Listed(Action::RegistryRead),
    ),
    (
        "GET",
        "/console/devices/new",
        Need::Listed(Action::RegistryWrite),
    ),
    (
        "POST",
        "/console/devices/new",
        Need::Listed(Action::RegistryWrite),
    ),
    (
        "GET",
        "/console/devices/{mn}",
        Need::OnSite(Action::RegistryRead),
    ),
    (
        "POST",
        "/console/devices/{mn}",
        Need::OnSite(Action::RegistryWrite),
    ),
    (
        "GET",
        "/console/enterprises",
        Need::Listed(Action::RegistryRead),
    ),
    (
        "POST",
        "/console/enterprises",
        Need::Listed(Action::RegistryWrite),
    ),
    (
        "GET",
        "/console/counties",
        Need::Listed(Action::RegistryRead),
    ),
    (
        "POST",
        "/console/counties",
        Need::CityWide(Action::RegistryWrite),
    ),
    (
        "GET",
        "/console/waterbodies",
        Need::Listed(Action::RegistryRead),
    ),
    (
        "POST",
        "/console/waterbodies",
        Need::CityWide(Action::RegistryWrite),
    ),
    (
        "GET",
        "/console/supervision",
        Need::Listed(Action::DataRead),
    ),
    ("GET", "/console/alarms", Need::Listed(Action::DataRead)),
    ("GET", "/console/alarms.csv", Need::Listed(Action::DataRead)),
    (
        "GET",
        "/console/alarms.xlsx",
        Need::Listed(Action::DataRead),
    ),
    (
        "GET",
        "/console/alarms/{id}",
        Need::OnSiteOf(Action::DataRead),
    ),
    (
        "POST",
        "/console/alarms/{id}",
        Need::OnSiteOf(Action::AlarmsHandle),
    ),
    ("GET", "/console/cases", Need::Listed(Action::DataRead)),
    ("GET", "/console/rivers", Need::Listed(Action::DataRead)),
    ("GET", "/console/targets", Need::Listed(Action::DataRead)),
    (
        "POST",
        "/console/targets",
        Need::Listed(Action::RegistryWrite),
    ),
    (
        "GET",
        "/console/rivers.xlsx",
        Need::Listed(Action::DataRead),
    ),
    (
        "GET",
        "/console/rivers/patrol",
        Need::Listed(Action::PatrolsRecord),
    ),
    (
        "POST",
        "/console/rivers/patrol",
        Need::OnReach(Action::PatrolsRecord),
    ),
    (
        "GET",
        "/console/rivers/order",
        Need::Listed(Action::OrdersIssue),
    ),
    (
        "POST",
        "/console/rivers/order",
        Need::OnReach(Action::OrdersIssue),
    ),
    (
        "GET",
        "/console/cases/{id}",
        Need::OnSiteOf(Action::DataRead),
    ),
    (
        "POST",
        "/console/cases/{id}",
        Need::OnSiteOf(Action::CasesHandle),
    ),
    (
        "GET",
        "/console/cases/{id}/evidence",
        Need::OnSiteOf(Action::DataRead),
    ),
    (
        "POST",
        "/console/cases/{id}/reveal",
        Need::OnSiteOf(Action::ComplaintsReveal),
    ),
    (
        "POST",
        "/console/cases/{id}/feedback",
        Need::OnSiteOf(Action::CaseFeedback),
    ),
    (
        "POST",
        "/console/alarms/{id}/escalate",
        Need::OnSiteOf(Action::CasesHandle),
    ),
    ("GET", "/console/marks", Need::Listed(Action::DataRead)),
    ("POST", "/console/marks", Need::Listed(Action::DataMark)),
    (
        "GET",
        "/console/marks/{id}",
        Need::OnSiteOf(Action::DataRead),
    ),
    (
        "POST",
        "/console/marks/{id}",
        Need::OnSiteOf(Action::MarksReview),
    ),
    (
        "POST",
        "/console/marks/{id}/withdraw",
        Need::OnSiteOf(Action::DataMark),
    ),
    (
        "GET",
        "/console/marks/{id}/evidence",
        Need::OnSiteOf(Action::DataRead),
    ),
    (
        "GET",
        "/console/corrections",
        Need::Listed(Action::DataRead),
    ),
    (
        "POST",
        "/console/corrections",
        Need::Listed(Action::DataCorrect),
    ),
    (
        "GET",
        "/console/corrections/new",
        Need::Listed(Action::DataCorrect),
    ),
    (
        "GET",
        "/console/corrections/{id}",
        Need::OnSiteOf(Action::DataRead),
    ),
    (
        "POST",
        "/console/corrections/{id}",
        Need::OnSiteOf(Action::DataCorrect),
    ),
    (
        "GET",
        "/console/corrections/{id}/evidence",
        Need::OnSiteOf(Action::DataRead),
    ),
    (
        "GET",
        "/console/alarm-rules",
        Need::Listed(Action::DataRead),
    ),
    (
        "POST",
        "/console/alarm-rules",
        Need::Listed(Action::AlarmsHandle),
    ),
    (
        "POST",
        "/console/alarm-rules/{id}",
        Need::OnSiteOf(Action::AlarmsHandle),
    ),
    ("GET", "/console/reports", Need::Listed(Action::DataRead)),
    (
        "GET",
        "/console/reports.xlsx",
        Need::Listed(Action::DataRead),
    ),
    (
        "GET",
        "/console/permits",
        Need::Listed(Action::RegistryRead),
    ),
    (
        "GET",
        "/console/permits/new",
        Need::Listed(Action::RegistryWrite),
    ),
    (
        "POST",
        "/console/permits/new",
        Need::Listed(Action::RegistryWrite),
    ),
    (
        "GET",
        "/console/permits/{id}",
        Need::OnEnterprise(Action::RegistryRead),
    ),
    (
        "GET",
        "/console/quarantine",
        Need::CityWide(Action::EvidenceRead),
    ),
    (
        "GET",
        "/console/conflicts",
        Need::CityWide(Action::EvidenceRead),
    ),
    (
        "GET",
        "/console/journal/{id}",
        Need::CityWide(Action::EvidenceRead),
    ),
    (
        "GET",
        "/console/accounts",
        Need::CityWide(Action::AccountsManage),
    ),
    (
        "POST",
        "/console/accounts",
        Need::CityWide(Action::AccountsManage),
    ),
    (
        "GET",
        "/console/accounts/{name}",
        Need::CityWide(Action::AccountsManage),
    ),
    (
        "POST",
        "/console/accounts/{name}",
        Need::CityWide(Action::AccountsManage),
    ),
    ("GET", "/console/account", Need::Listed(Action::OwnAccount)),
    (
        "POST",
        "/console/account/password",
        Need::Listed(Action::OwnAccount),
    ),
    (
        "POST",
        "/console/account/tokens",
        Need::Listed(Action::OwnAccount),
    ),
    (
        "POST",
        "/console/account/tokens/{id}",
        Need::Listed(Action::OwnAccount),
    ),
    ("GET", "/console/audit", Need::CityWide(Action::AuditRead)),
    ("GET", "/console/access", Need::CityWide(Action::AuditRead)),
];

fn listed(path: &'static str, methods: &[&str]) -> &'static str {
    listed_in(ROUTES, "web::console::ROUTES", path, methods)
}

pub fn routes() -> Router<Arc<App>> {
    Router::new()
        .route(listed("/console", &["GET"]), get(home::home))
        .route(
            listed("/console/sign-in", &["GET", "POST"]),
            get(sign_in::page).post(sign_in::sign_in),
        )
        .route(
            listed("/console/sign-out", &["POST"]),
            post(sign_in::sign_out),
        )
        .route(listed("/console/sites", &["GET"]), get(sites::sites))
        .route(
            listed("/console/sites/new", &["GET", "POST"]),
            get(sites::new_site).post(sites::create_site),
        )
        .route(
            listed("/console/sites/{site}", &["GET", "POST"]),
            get(sites::site).post(sites::save_site),
        )
        .route(listed("/console/devices", &["GET"]), get(devices::devices))
        .route(
            listed("/console/devices/new", &["GET", "POST"]),
            get(devices::new_device).post(devices::create_device),
        )
        .route(
            listed("/console/devices/{mn}", &["GET", "POST"]),
            get(devices::device).post(devices::save_device),
        )
        .route(
            listed("/console/enterprises", &["GET", "POST"]),
            get(places::enterprises).post(places::save_enterprise),
        )
        .route(
            listed("/console/counties", &["GET", "POST"]),
            get(places::counties).post(places::save_county),
        )
        .route(
            listed("/console/waterbodies", &["GET", "POST"]),
            get(places::waterbodies).post(places::save_waterbody),
        )
        .route(
            listed("/console/supervision", &["GET"]),
            get(supervision::page),
        )
        .route(listed("/console/alarms", &["GET"]), get(alarms::list))
        .route(listed("/console/alarms.csv", &["GET"]), get(alarms::csv))
        .route(listed("/console/alarms.xlsx", &["GET"]), get(alarms::xlsx))
        .route(
            listed("/console/alarms/{id}", &["GET", "POST"]),
            get(alarms::one).post(alarms::act),
        )
        .route(listed("/console/cases", &["GET"]), get(cases::list))
        .route(listed("/console/rivers", &["GET"]), get(rivers::list))
        .route(
            listed("/console/targets", &["GET", "POST"]),
            get(targets::list)
                .post(targets::enter)
                .layer(axum::extract::DefaultBodyLimit::max(
                    crate::api::uploads::UPLOAD_BODY_BYTES,
                )),
        )
        .route(listed("/console/rivers.xlsx", &["GET"]), get(rivers::xlsx))
        .route(
            listed("/console/rivers/patrol", &["GET", "POST"]),
            get(rivers::patrol_new).post(rivers::patrol_create).layer(
                axum::extract::DefaultBodyLimit::max(crate::api::uploads::UPLOAD_BODY_BYTES),
            ),
        )
        .route(
            listed("/console/rivers/order", &["GET", "POST"]),
            get(rivers::order_new).post(rivers::order_create),
        )
        .route(
            listed("/console/cases/{id}", &["GET", "POST"]),
            get(cases::one)
                .post(cases::act)
                .layer(axum::extract::DefaultBodyLimit::max(
                    crate::api::uploads::UPLOAD_BODY_BYTES,
                )),
        )
        .route(
            listed("/console/cases/{id}/evidence", &["GET"]),
            get(cases::evidence),
        )
        .route(
            listed("/console/cases/{id}/reveal", &["POST"]),
            post(complaints::reveal),
        )
        .route(
            listed("/console/cases/{id}/feedback", &["POST"]),
            post(cases::feedback).layer(axum::extract::DefaultBodyLimit::max(
                crate::api::uploads::UPLOAD_BODY_BYTES,
            )),
        )
        .route(
            listed("/console/alarms/{id}/escalate", &["POST"]),
            post(cases::escalate),
        )
        .route(
            listed("/console/marks", &["GET", "POST"]),
            get(marks::list)
                .post(marks::create)
                .layer(axum::extract::DefaultBodyLimit::max(
                    crate::api::uploads::UPLOAD_BODY_BYTES,
                )),
        )
        .route(
            listed("/console/marks/{id}", &["GET", "POST"]),
            get(marks::one).post(marks::review),
        )
        .route(
            listed("/console/marks/{id}/withdraw", &["POST"]),
            post(marks::withdraw),
        )
        .route(
            listed("/console/marks/{id}/evidence", &["GET"]),
            get(marks::evidence),
        )
        .route(
            listed("/console/corrections", &["GET", "POST"]),
            get(corrections::list).post(corrections::create).layer(
                axum::extract::DefaultBodyLimit::max(crate::api::uploads::UPLOAD_BODY_BYTES),
            ),
        )
        .route(
            listed("/console/corrections/new", &["GET"]),
            get(corrections::new),
        )
        .route(
            listed("/console/corrections/{id}", &["GET", "POST"]),
            get(corrections::one).post(corrections::withdraw),
        )
        .route(
            listed("/console/corrections/{id}/evidence", &["GET"]),
            get(corrections::evidence),
        )
        .route(
            listed("/console/alarm-rules", &["GET", "POST"]),
            get(alarm_rules::list).post(alarm_rules::create),
        )
        .route(
            listed("/console/alarm-rules/{id}", &["POST"]),
            post(alarm_rules::disable),
        )
        .route(listed("/console/reports", &["GET"]), get(reports::page))
        .route(
            listed("/console/reports.xlsx", &["GET"]),
            get(reports::xlsx),
        )
        .route(listed("/console/permits", &["GET"]), get(permits::list))
        .route(
            listed("/console/permits/new", &["GET", "POST"]),
            get(permits::new).post(permits::save),
        )
        .route(listed("/console/permits/{id}", &["GET"]), get(permits::one))
        .route(
            listed("/console/quarantine", &["GET"]),
            get(evidence::quarantine),
        )
        .route(
            listed("/console/conflicts", &["GET"]),
            get(evidence::conflicts),
        )
        .route(
            listed("/console/journal/{id}", &["GET"]),
            get(evidence::journal),
        )
        .route(
            listed("/console/accounts", &["GET", "POST"]),
            get(accounts::list).post(accounts::create),
        )
        .route(
            listed("/console/accounts/{name}", &["GET", "POST"]),
            get(accounts::one).post(accounts::change),
        )
        .route(listed("/console/account", &["GET"]), get(account::page))
        .route(
            listed("/console/account/password", &["POST"]),
            post(account::password),
        )
        .route(
            listed("/console/account/tokens", &["POST"]),
            post(account::create_token),
        )
        .route(
            listed("/console/account/tokens/{id}", &["POST"]),
            post(account::revoke_token),
        )
        .route(listed("/console/audit", &["GET"]), get(audit::audit))
        .route(listed("/console/access", &["GET"]), get(audit::access))
}
