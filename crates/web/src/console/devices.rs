//! Devices: the list (only those on sites of the person's jurisdiction; the MN is half of what forging a
//! device's data takes), and the forms that register and change them. A device's password is written,
//! never shown; left blank when changing a device, the stored one stays.

use super::sites::audit_refusal;
use super::{Desk, Fields, field, input, matches, number, optional, paged, search_box, select};
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
use store::{Device, Site};

pub(super) fn device_table(desk: &Desk, devices: &[Device]) -> Html {
    let ctx = &desk.ctx;
    let mut rows = Html::new();
    for d in devices {
        write_html!(
            rows,
            r#"<tr><td><a href="{}">{}</a></td><td>{}</td><td>{}</td><td>{}</td><td class="num">{}</td><td class="num">{}</td></tr>"#,
            ctx.href(&format!("/console/devices/{}", urlencode(&d.mn))),
            &d.mn,
            &d.site_id,
            &d.protocol,
            d.crc_policy.code(),
            d.realtime_interval_s,
            d.minute_interval_min
        );
    }
    html!(
        r#"<div class="scroll"><table id="device-list"><thead><tr><th>MN</th><th>{}</th><th>{}</th><th>CRC</th><th>{}</th><th>{}</th></tr></thead><tbody>{}</tbody></table></div>"#,
        ctx.t("点位", "Site"),
        ctx.t("协议", "Protocol"),
        ctx.t("实时间隔（秒）", "Real-time interval (s)"),
        ctx.t("分钟间隔（分）", "Minute interval (min)"),
        rows
    )
}

pub async fn devices(
    State(p): State<Arc<App>>,
    Extension(who): Extension<Principal>,
    Query(q): Query<Fields>,
    headers: HeaderMap,
) -> Response {
    let desk = match Desk::open_for(
        &p,
        "/console/devices",
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
    let found: Vec<Device> = devices
        .into_iter()
        .filter(|d| {
            sites
                .iter()
                .find(|s| s.id == d.site_id)
                .is_some_and(|s| desk.who.may(Action::RegistryRead, Target::site(s)))
        })
        .filter(|d| matches(search, &[&d.mn, &d.site_id]))
        .collect();
    let (shown, pages) = paged(ctx, &q, found);
    let new = if desk.can(Action::RegistryWrite) {
        html!(
            r#"<p><a href="{}">{}</a></p>"#,
            ctx.href("/console/devices/new"),
            ctx.t("新建设备", "New device")
        )
    } else {
        Html::new()
    };
    let body = html!(
        "{}{}{}{}{}",
        desk.saved(&q),
        search_box(
            ctx,
            "/console/devices",
            search,
            ctx.t("MN 或点位", "MN or site")
        ),
        new,
        device_table(&desk, &shown),
        pages
    );
    desk.page(StatusCode::OK, ctx.t("设备", "Devices"), body)
}

fn device_form(desk: &Desk, action: &str, f: &Fields, existing: bool, sites: &[Site]) -> Html {
    let ctx = &desk.ctx;
    let site_options: Vec<(String, String)> = sites
        .iter()
        .filter(|s| desk.who.may(Action::RegistryWrite, Target::site(s)))
        .map(|s| (s.id.clone(), format!("{} {}", s.id, s.name)))
        .collect();
    let protocols: Vec<(String, String)> = ["auto", "2005", "2017", "2025"]
        .iter()
        .map(|p| (p.to_string(), p.to_string()))
        .collect();
    let crcs: Vec<(String, String)> = ["strict", "lenient", "off"]
        .iter()
        .map(|p| (p.to_string(), p.to_string()))
        .collect();
    let mn = if existing {
        html!(
            r#"<label for="mn">MN</label><input id="mn" name="mn" value="{}" readonly>"#,
            field(f, "mn")
        )
    } else {
        input("mn", "MN", field(f, "mn"), r#" required maxlength="24""#)
    };
    let hint = if existing {
        ctx.t("留空则不修改密码", "Leave blank to keep the password")
    } else {
        ctx.t("设备上传时使用的 PW", "The PW the device sends")
    };
    html!(
        r#"<form method="post" action="{0}" class="fields">{1}
{2}{3}
<label for="password">{4}</label><input id="password" name="password" type="password" autocomplete="new-password" maxlength="64"><span class="hint">{5}</span>
{6}{7}{8}{9}
<span></span><button type="submit">{10}</button>
</form>"#,
        ctx.href(action),
        desk.csrf_field(),
        mn,
        select(
            "site_id",
            ctx.t("点位", "Site"),
            field(f, "site_id"),
            &site_options
        ),
        ctx.t("密码", "Password"),
        hint,
        select(
            "protocol",
            ctx.t("协议", "Protocol"),
            field(f, "protocol"),
            &protocols
        ),
        select("crc_policy", "CRC", field(f, "crc_policy"), &crcs),
        input(
            "realtime_interval_s",
            ctx.t("实时间隔（秒）", "Real-time interval (s)"),
            field(f, "realtime_interval_s"),
            r#" inputmode="numeric""#
        ),
        input(
            "minute_interval_min",
            ctx.t("分钟间隔（分）", "Minute interval (min)"),
            field(f, "minute_interval_min"),
            r#" inputmode="numeric""#
        ),
        ctx.t("保存", "Save")
    )
}

fn device_fields(d: &Device) -> Fields {
    let mut f = Fields::new();
    f.insert("mn".into(), d.mn.clone());
    f.insert("site_id".into(), d.site_id.clone());
    f.insert("protocol".into(), d.protocol.clone());
    f.insert("crc_policy".into(), d.crc_policy.code().into());
    f.insert(
        "realtime_interval_s".into(),
        d.realtime_interval_s.to_string(),
    );
    f.insert(
        "minute_interval_min".into(),
        d.minute_interval_min.to_string(),
    );
    f
}

pub async fn new_device(
    State(p): State<Arc<App>>,
    Extension(who): Extension<Principal>,
    Query(q): Query<Fields>,
    headers: HeaderMap,
) -> Response {
    let desk = match Desk::open_for(
        &p,
        "/console/devices/new",
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
    let sites = match p.read(|s| s.sites()).await {
        Ok(s) => s,
        Err(e) => return desk.fail(e),
    };
    let mut f = Fields::new();
    if let Some(site) = q.get("site") {
        f.insert("site_id".into(), site.clone());
    }
    let form = device_form(&desk, "/console/devices/new", &f, false, &sites);
    desk.page(StatusCode::OK, desk.ctx.t("新建设备", "New device"), form)
}

pub async fn create_device(
    State(p): State<Arc<App>>,
    Extension(who): Extension<Principal>,
    Query(q): Query<Fields>,
    headers: HeaderMap,
    Form(f): Form<Fields>,
) -> Response {
    let desk = match Desk::open(&p, "/console/devices/new", &q, who, &headers).await {
        Ok(d) => d,
        Err(r) => return r,
    };
    save_device_form(&p, desk, f, None).await
}

pub async fn device(
    State(p): State<Arc<App>>,
    Extension(who): Extension<Principal>,
    Path(mn): Path<String>,
    Query(q): Query<Fields>,
    headers: HeaderMap,
) -> Response {
    let path = format!("/console/devices/{}", urlencode(&mn));
    let desk = match Desk::open(&p, &path, &q, who, &headers).await {
        Ok(d) => d,
        Err(r) => return r,
    };
    let (device, site, sites) = match device_and_site(&p, &mn).await {
        Ok(found) => found,
        Err(e) => return desk.fail(e),
    };
    if let Err(r) = desk.require(Action::RegistryRead, Target::site(&site)) {
        return r;
    }
    let ctx = &desk.ctx;
    let form = if desk.who.may(Action::RegistryWrite, Target::site(&site)) {
        device_form(&desk, &path, &device_fields(&device), true, &sites)
    } else {
        device_table(&desk, std::slice::from_ref(&device))
    };
    let body = html!(
        r#"{}{}<p><a href="{}">{} {}</a></p>"#,
        desk.saved(&q),
        form,
        ctx.href(&format!("/console/sites/{}", urlencode(&site.id))),
        ctx.t("所属点位", "Site"),
        &site.name
    );
    desk.page(
        StatusCode::OK,
        &format!("{} {}", ctx.t("设备", "Device"), device.mn),
        body,
    )
}

/// A device, its site, and every site (for the form).
async fn device_and_site(p: &App, mn: &str) -> Result<(Device, Site, Vec<Site>), platform::Error> {
    let lookup = mn.to_string();
    let (device, sites) = p
        .read(move |s| {
            Ok((
                s.devices()?.into_iter().find(|d| d.mn == lookup),
                s.sites()?,
            ))
        })
        .await?;
    let device = device.ok_or_else(|| platform::Error::NotFound(format!("no device {mn:?}")))?;
    let site = sites
        .iter()
        .find(|s| s.id == device.site_id)
        .cloned()
        .ok_or_else(|| platform::Error::NotFound(format!("no site {:?}", device.site_id)))?;
    Ok((device, site, sites))
}

pub async fn save_device(
    State(p): State<Arc<App>>,
    Extension(who): Extension<Principal>,
    Path(mn): Path<String>,
    Query(q): Query<Fields>,
    headers: HeaderMap,
    Form(mut f): Form<Fields>,
) -> Response {
    let path = format!("/console/devices/{}", urlencode(&mn));
    let desk = match Desk::open(&p, &path, &q, who, &headers).await {
        Ok(d) => d,
        Err(r) => return r,
    };
    f.insert("mn".into(), mn.clone());
    save_device_form(&p, desk, f, Some(mn)).await
}

async fn save_device_form(p: &App, desk: Desk, f: Fields, existing: Option<String>) -> Response {
    if let Err(r) = desk.check_csrf(&f) {
        return r;
    }
    let sites = match p.read(|s| s.sites()).await {
        Ok(s) => s,
        Err(e) => return desk.fail(e),
    };
    let site_of = |id: &str| sites.iter().find(|s| s.id == id);
    let mn = field(&f, "mn").to_string();
    if let Some(mn) = &existing {
        match device_and_site(p, mn).await {
            Ok((_, now, _)) if !desk.who.may(Action::RegistryWrite, Target::site(&now)) => {
                return desk.forbidden();
            }
            Ok(_) => {}
            Err(e) => return desk.fail(e),
        }
    }
    if let Some(site) = site_of(field(&f, "site_id"))
        && !desk.who.may(Action::RegistryWrite, Target::site(site))
    {
        return desk.forbidden();
    }
    let input = registry::DeviceInput {
        mn: mn.clone(),
        password: f.get("password").cloned().unwrap_or_default(),
        site_id: field(&f, "site_id").to_string(),
        protocol: optional(&f, "protocol"),
        crc_policy: optional(&f, "crc_policy"),
        realtime_interval_s: None,
        minute_interval_min: None,
    };
    let keep_password = existing.is_some() && input.password.is_empty();
    let result = async {
        let input = registry::DeviceInput {
            realtime_interval_s: number(&f, "realtime_interval_s")?,
            minute_interval_min: number(&f, "minute_interval_min")?,
            ..input
        };
        let actor = desk.who.actor();
        if keep_password {
            let device = input.validate_settings()?;
            p.modify(move |s| registry::update_device_settings(s, &actor, &device))
                .await
        } else {
            let device = input.validate()?;
            if existing.is_none() && device_exists(p, &device.mn).await {
                return Err(platform::Error::Conflict(match desk.ctx.lang {
                    crate::portal::Lang::Zh => format!("设备“{}”已存在", device.mn),
                    crate::portal::Lang::En => format!("device {:?} exists already", device.mn),
                }));
            }
            let key = p.device_key.clone();
            p.modify(move |s| registry::register_device(s, &actor, &device, &key))
                .await
        }
    }
    .await;
    match result {
        Ok(()) => desk.after_save(&format!("/console/devices/{}", urlencode(&mn))),
        Err(e) => {
            audit_refusal(p, &desk, "upsert_device", &mn, &e.to_string()).await;
            let action = match &existing {
                Some(mn) => format!("/console/devices/{}", urlencode(mn)),
                None => "/console/devices/new".to_string(),
            };
            let body = html!(
                "{}{}",
                desk.problem(&e),
                device_form(&desk, &action, &f, existing.is_some(), &sites)
            );
            desk.page(Desk::status_of(&e), desk.ctx.t("设备", "Device"), body)
        }
    }
}

async fn device_exists(p: &App, mn: &str) -> bool {
    let mn = mn.to_string();
    matches!(
        p.read(move |s| Ok(s.devices()?.iter().any(|d| d.mn == mn)))
            .await,
        Ok(true)
    )
}
