//! Sites: the list searched and paged on the server, and the forms that create and change them through
//! the registry's operations (the same validation as the API and the command line, its messages
//! in the person's language). Each list holds only what the person's jurisdiction covers; a change is
//! checked against the item as it is and as it would become, and a refused one is audited.

use super::{
    Desk, Fields, field, input, kind_name, matches, number, optional, paged, search_box, select,
};
use crate::portal::html::Html;
use crate::portal::urlencode;
use crate::{App, html, write_html};
use axum::Extension;
use axum::extract::{Form, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use platform::accounts::{Action, Principal, Target};
use platform::registry;
use std::sync::Arc;
use store::{Device, EmissionStandard, Site, SiteKind};

pub async fn sites(
    State(p): State<Arc<App>>,
    Extension(who): Extension<Principal>,
    Query(q): Query<Fields>,
    headers: HeaderMap,
) -> Response {
    let desk = match Desk::open_for(
        &p,
        "/console/sites",
        &q,
        who,
        &headers,
        Action::RegistryRead,
        Target::Any,
    )
    .await
    {
        Ok(d) => d,
        Err(r) => return r,
    };
    let (sites, devices) = match p.read(|s| Ok((s.sites()?, s.devices()?))).await {
        Ok(r) => r,
        Err(e) => return desk.fail(e),
    };
    let ctx = &desk.ctx;
    let search = field(&q, "q");
    let kind = field(&q, "kind");
    let found: Vec<&Site> = sites
        .iter()
        .filter(|s| desk.who.may(Action::RegistryRead, Target::site(s)))
        .filter(|s| kind.is_empty() || s.kind.code() == kind)
        .filter(|s| {
            matches(
                search,
                &[
                    &s.id,
                    &s.name,
                    s.county.as_deref().unwrap_or(""),
                    s.enterprise_id.as_deref().unwrap_or(""),
                ],
            )
        })
        .collect();
    let (shown, pages) = paged(ctx, &q, found);
    let mut rows = Html::new();
    for s in shown {
        write_html!(
            rows,
            r#"<tr><td><a href="{}">{}</a></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td class="num">{}</td></tr>"#,
            ctx.href(&format!("/console/sites/{}", urlencode(&s.id))),
            &s.id,
            &s.name,
            kind_name(ctx, s.kind),
            s.county.as_deref().unwrap_or(""),
            s.enterprise_id.as_deref().unwrap_or(""),
            devices.iter().filter(|d| d.site_id == s.id).count()
        );
    }
    let new = if desk.can(Action::RegistryWrite) {
        html!(
            r#"<p><a href="{}">{}</a></p>"#,
            ctx.href("/console/sites/new"),
            ctx.t("新建点位", "New site")
        )
    } else {
        Html::new()
    };
    let body = html!(
        r#"{0}{1}{2}
<div class="scroll"><table id="site-list"><thead><tr><th>{3}</th><th>{4}</th><th>{5}</th><th>{6}</th><th>{7}</th><th>{8}</th></tr></thead><tbody>{9}</tbody></table></div>
{10}"#,
        desk.saved(&q),
        search_box(
            ctx,
            "/console/sites",
            search,
            ctx.t("编号、名称、县区或企业", "Id, name, county or enterprise")
        ),
        new,
        ctx.t("编号", "Id"),
        ctx.t("名称", "Name"),
        ctx.t("类型", "Kind"),
        ctx.t("县区", "County"),
        ctx.t("企业", "Enterprise"),
        ctx.t("设备数", "Devices"),
        rows,
        pages
    );
    desk.page(StatusCode::OK, ctx.t("点位", "Sites"), body)
}

/// What the site form offers: counties and enterprises the person may choose.
struct Choices {
    counties: Vec<(String, String)>,
    enterprises: Vec<(String, String)>,
}

async fn choices(p: &App, desk: &Desk) -> Result<Choices, platform::Error> {
    let (counties, enterprises) = p.read(|s| Ok((s.counties()?, s.enterprises()?))).await?;
    let none = (String::new(), "—".to_string());
    let mut c = vec![none.clone()];
    c.extend(
        counties
            .into_iter()
            .filter(|k| desk.who.may(Action::RegistryWrite, Target::County(&k.code)))
            .map(|k| (k.code.clone(), format!("{} {}", k.code, k.name))),
    );
    let mut e = vec![none];
    e.extend(
        enterprises
            .into_iter()
            .filter(|k| {
                desk.who.may(
                    Action::RegistryWrite,
                    Target::Enterprise {
                        id: &k.id,
                        county: k.county.as_deref(),
                    },
                )
            })
            .map(|k| (k.id.clone(), format!("{} {}", k.id, k.name))),
    );
    Ok(Choices {
        counties: c,
        enterprises: e,
    })
}

/// The site form, filled with `f` (the posted fields, or the stored site's).
fn site_form(desk: &Desk, action: &str, f: &Fields, existing: bool, choices: &Choices) -> Html {
    let ctx = &desk.ctx;
    let kinds: Vec<(String, String)> = SiteKind::ALL
        .iter()
        .map(|k| (k.code().to_string(), kind_name(ctx, *k).to_string()))
        .collect();
    let mut standards = vec![(String::new(), "—".to_string())];
    standards.extend(EmissionStandard::ALL.iter().map(|s| {
        let label = match s {
            EmissionStandard::UltraLow => ctx.t("超低排放", "Ultra-low emission"),
            EmissionStandard::Gb18918OneA => "GB 18918 一级 A",
            EmissionStandard::Gb8978One => "GB 8978 一级",
        };
        (s.code().to_string(), label.to_string())
    }));
    let id = if existing {
        html!(
            r#"<label for="id">{}</label><input id="id" name="id" value="{}" readonly>"#,
            ctx.t("编号", "Id"),
            field(f, "id")
        )
    } else {
        input(
            "id",
            ctx.t("编号", "Id"),
            field(f, "id"),
            r#" required maxlength="64""#,
        )
    };
    let simulated = if field(f, "simulated") == "on" {
        Html::trusted(" checked")
    } else {
        Html::new()
    };
    html!(
        r#"<form method="post" action="{0}" class="fields">{1}
{2}{3}{4}{5}{6}{7}{8}{9}
<label for="simulated">{10}</label><input type="checkbox" id="simulated" name="simulated"{11}>
<span></span><button type="submit">{12}</button>
</form>"#,
        ctx.href(action),
        desk.csrf_field(),
        id,
        input(
            "name",
            ctx.t("名称", "Name"),
            field(f, "name"),
            r#" required maxlength="100""#
        ),
        select("kind", ctx.t("类型", "Kind"), field(f, "kind"), &kinds),
        select(
            "county",
            ctx.t("县区", "County"),
            field(f, "county"),
            &choices.counties
        ),
        select(
            "enterprise_id",
            ctx.t("企业", "Enterprise"),
            field(f, "enterprise_id"),
            &choices.enterprises
        ),
        input(
            "lon",
            ctx.t("经度", "Longitude"),
            field(f, "lon"),
            r#" inputmode="decimal""#
        ),
        input(
            "lat",
            ctx.t("纬度", "Latitude"),
            field(f, "lat"),
            r#" inputmode="decimal""#
        ),
        select(
            "emission_standard",
            ctx.t("排放标准（排口）", "Emission standard (outlets)"),
            field(f, "emission_standard"),
            &standards
        ),
        ctx.t("演示数据", "Simulated"),
        simulated,
        ctx.t("保存", "Save")
    )
}

fn site_fields(s: &Site) -> Fields {
    let mut f = Fields::new();
    f.insert("id".into(), s.id.clone());
    f.insert("name".into(), s.name.clone());
    f.insert("kind".into(), s.kind.code().into());
    f.insert("county".into(), s.county.clone().unwrap_or_default());
    f.insert(
        "enterprise_id".into(),
        s.enterprise_id.clone().unwrap_or_default(),
    );
    f.insert(
        "lon".into(),
        s.lon.map(|v| v.to_string()).unwrap_or_default(),
    );
    f.insert(
        "lat".into(),
        s.lat.map(|v| v.to_string()).unwrap_or_default(),
    );
    f.insert(
        "emission_standard".into(),
        s.emission_standard
            .map(|e| e.code().to_string())
            .unwrap_or_default(),
    );
    if s.simulated {
        f.insert("simulated".into(), "on".into());
    }
    f
}

fn site_input(f: &Fields) -> Result<Site, platform::Error> {
    registry::SiteInput {
        id: field(f, "id").to_string(),
        name: field(f, "name").to_string(),
        kind: field(f, "kind").to_string(),
        county: optional(f, "county"),
        lon: number(f, "lon")?,
        lat: number(f, "lat")?,
        enterprise_id: optional(f, "enterprise_id"),
        emission_standard: optional(f, "emission_standard"),
        simulated: field(f, "simulated") == "on",
    }
    .validate()
}

pub async fn new_site(
    State(p): State<Arc<App>>,
    Extension(who): Extension<Principal>,
    Query(q): Query<Fields>,
    headers: HeaderMap,
) -> Response {
    let desk = match Desk::open_for(
        &p,
        "/console/sites/new",
        &q,
        who,
        &headers,
        Action::RegistryWrite,
        Target::Any,
    )
    .await
    {
        Ok(d) => d,
        Err(r) => return r,
    };
    let choices = match choices(&p, &desk).await {
        Ok(c) => c,
        Err(e) => return desk.fail(e),
    };
    let form = site_form(&desk, "/console/sites/new", &Fields::new(), false, &choices);
    desk.page(StatusCode::OK, desk.ctx.t("新建点位", "New site"), form)
}

pub async fn create_site(
    State(p): State<Arc<App>>,
    Extension(who): Extension<Principal>,
    Query(q): Query<Fields>,
    headers: HeaderMap,
    Form(f): Form<Fields>,
) -> Response {
    let desk = match Desk::open(&p, "/console/sites/new", &q, who, &headers).await {
        Ok(d) => d,
        Err(r) => return r,
    };
    save_site_form(&p, desk, f, None).await
}

pub async fn site(
    State(p): State<Arc<App>>,
    Extension(who): Extension<Principal>,
    Path(id): Path<String>,
    Query(q): Query<Fields>,
    headers: HeaderMap,
) -> Response {
    let path = format!("/console/sites/{}", urlencode(&id));
    let desk = match Desk::open(&p, &path, &q, who, &headers).await {
        Ok(d) => d,
        Err(r) => return r,
    };
    let lookup = id.clone();
    let found = p
        .read(move |s| {
            let devices: Vec<Device> = s
                .devices()?
                .into_iter()
                .filter(|d| d.site_id == lookup)
                .collect();
            Ok((s.site(&lookup)?, devices))
        })
        .await;
    let (site, devices) = match found {
        Ok((Some(site), devices)) => (site, devices),
        Ok((None, _)) => return desk.fail(platform::Error::NotFound(format!("no site {id:?}"))),
        Err(e) => return desk.fail(e),
    };
    if let Err(r) = desk.require(Action::RegistryRead, Target::site(&site)) {
        return r;
    }
    let ctx = &desk.ctx;
    let form = if desk.who.may(Action::RegistryWrite, Target::site(&site)) {
        match choices(&p, &desk).await {
            Ok(c) => site_form(&desk, &path, &site_fields(&site), true, &c),
            Err(e) => return desk.fail(e),
        }
    } else {
        site_facts(&desk, &site)
    };
    let body = html!(
        "{}{}<h2>{}</h2>{}",
        desk.saved(&q),
        form,
        ctx.t("设备", "Devices"),
        super::devices::device_table(&desk, &devices)
    );
    desk.page(StatusCode::OK, &format!("{} {}", site.id, site.name), body)
}

/// A site for those who may read but not change it.
fn site_facts(desk: &Desk, s: &Site) -> Html {
    let ctx = &desk.ctx;
    html!(
        r#"<dl><dt>{}</dt><dd>{}</dd><dt>{}</dt><dd>{}</dd><dt>{}</dt><dd>{}</dd><dt>{}</dt><dd>{}</dd></dl>"#,
        ctx.t("类型", "Kind"),
        kind_name(ctx, s.kind),
        ctx.t("县区", "County"),
        s.county.as_deref().unwrap_or("—"),
        ctx.t("企业", "Enterprise"),
        s.enterprise_id.as_deref().unwrap_or("—"),
        ctx.t("排放标准", "Emission standard"),
        s.emission_standard.map_or("—", |e| e.code())
    )
}

pub async fn save_site(
    State(p): State<Arc<App>>,
    Extension(who): Extension<Principal>,
    Path(id): Path<String>,
    Query(q): Query<Fields>,
    headers: HeaderMap,
    Form(mut f): Form<Fields>,
) -> Response {
    let path = format!("/console/sites/{}", urlencode(&id));
    let desk = match Desk::open(&p, &path, &q, who, &headers).await {
        Ok(d) => d,
        Err(r) => return r,
    };
    // The path names the site; a changed id in the form does not move it.
    f.insert("id".into(), id.clone());
    save_site_form(&p, desk, f, Some(id)).await
}

/// Checks and saves a posted site form; on a problem, the form again with the message.
async fn save_site_form(p: &App, desk: Desk, f: Fields, existing: Option<String>) -> Response {
    if let Err(r) = desk.check_csrf(&f) {
        return r;
    }
    let current = match &existing {
        Some(id) => {
            let lookup = id.clone();
            match p.read(move |s| s.site(&lookup)).await {
                Ok(Some(s)) => Some(s),
                Ok(None) => {
                    return desk.fail(platform::Error::NotFound(format!("no site {id:?}")));
                }
                Err(e) => return desk.fail(e),
            }
        }
        None => None,
    };
    if let Some(now) = &current
        && !desk.who.may(Action::RegistryWrite, Target::site(now))
    {
        return desk.forbidden();
    }
    let result = match site_input(&f) {
        Ok(site) if !desk.who.may(Action::RegistryWrite, Target::site(&site)) => {
            return desk.forbidden();
        }
        Ok(site) if current.is_none() && site_exists(p, &site.id).await => {
            Err(platform::Error::Conflict(match desk.ctx.lang {
                crate::portal::Lang::Zh => format!("点位编号“{}”已存在", site.id),
                crate::portal::Lang::En => format!("a site with id {:?} exists already", site.id),
            }))
        }
        Ok(site) => {
            let actor = desk.who.actor();
            let saved = site.id.clone();
            p.modify(move |s| registry::register_site(s, &actor, &site))
                .await
                .map(|()| saved)
        }
        Err(e) => Err(e),
    };
    match result {
        Ok(id) => desk.after_save(&format!("/console/sites/{}", urlencode(&id))),
        Err(e) => {
            let subject = field(&f, "id").to_string();
            audit_refusal(p, &desk, "upsert_site", &subject, &e.to_string()).await;
            let choices = match choices(p, &desk).await {
                Ok(c) => c,
                Err(e) => return desk.fail(e),
            };
            let action = match &existing {
                Some(id) => format!("/console/sites/{}", urlencode(id)),
                None => "/console/sites/new".to_string(),
            };
            let body = html!(
                "{}{}",
                desk.problem(&e),
                site_form(&desk, &action, &f, existing.is_some(), &choices)
            );
            let title = desk.ctx.t("点位", "Site");
            desk.page(Desk::status_of(&e), title, body)
        }
    }
}

async fn site_exists(p: &App, id: &str) -> bool {
    let id = id.to_string();
    matches!(p.read(move |s| s.site(&id)).await, Ok(Some(_)))
}

/// Records a refused change (best effort: a failure to record it is logged).
pub(super) async fn audit_refusal(
    p: &App,
    desk: &Desk,
    action: &'static str,
    subject: &str,
    why: &str,
) {
    let (actor, subject, why) = (desk.who.actor(), subject.to_string(), why.to_string());
    if let Err(e) = p
        .write(move |s| registry::audit_refused(s, &actor, action, &subject, &why))
        .await
    {
        tracing::warn!(error = %e, "could not audit a refused change");
    }
}
