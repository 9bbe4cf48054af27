//! Counties, water bodies and enterprises: each a list (searched and paged on the server) with a form
//! below it that creates an item or, opened from a row's "edit" link (`?edit=ID`), changes it. Counties
//! and water bodies are the city's (changed city-wide); an enterprise is changed by those whose
//! jurisdiction covers it, and an enterprise user sees only their own.

use super::sites::audit_refusal;
use super::{Desk, Fields, field, input, matches, number, optional, paged, search_box, select};
use crate::portal::html::Html;
use crate::portal::urlencode;
use crate::{App, html, write_html};
use axum::Extension;
use axum::extract::{Form, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use platform::accounts::{Action, Principal, Target};
use platform::registry;
use std::sync::Arc;
use store::{County, Enterprise, Waterbody, WaterbodyKind};

/// One kind of place: how it is listed, edited and saved.
struct Place {
    path: &'static str,
    title: (&'static str, &'static str),
    /// Column headings (zh, en) after the id.
    columns: &'static [(&'static str, &'static str)],
}

/// A list page with its form: `rows` are (id, cells); `form` is the form's fields.
fn page(
    desk: &Desk,
    q: &Fields,
    place: &Place,
    rows: Vec<(String, Vec<String>)>,
    form: Html,
    problem: Html,
    status: StatusCode,
) -> Response {
    let ctx = &desk.ctx;
    let search = field(q, "q");
    let found: Vec<(String, Vec<String>)> = rows
        .into_iter()
        .filter(|(id, cells)| {
            let mut texts: Vec<&str> = vec![id];
            texts.extend(cells.iter().map(String::as_str));
            matches(search, &texts)
        })
        .collect();
    let (shown, pages) = paged(ctx, q, found);
    let mut head = html!("<th>{}</th>", ctx.t("编号", "Id"));
    for (zh, en) in place.columns {
        write_html!(head, "<th>{}</th>", ctx.t(zh, en));
    }
    let mut body = Html::new();
    for (id, cells) in shown {
        let mut row = html!(
            r#"<tr><td><a href="{}">{}</a></td>"#,
            ctx.href(&format!("{}?edit={}", place.path, urlencode(&id))),
            &id
        );
        for c in cells {
            write_html!(row, "<td>{}</td>", c);
        }
        row.push_trusted("</tr>");
        body.push(&row);
    }
    let whole = html!(
        r#"{0}{1}
<div class="scroll"><table id="place-list"><thead><tr>{2}</tr></thead><tbody>{3}</tbody></table></div>
{4}
{5}{6}"#,
        desk.saved(q),
        search_box(ctx, place.path, search, ctx.t("搜索", "Search")),
        head,
        body,
        pages,
        problem,
        form
    );
    desk.page(status, ctx.t(place.title.0, place.title.1), whole)
}

/// The heading and frame of a place's form.
fn form(desk: &Desk, place: &Place, editing: bool, fields: Html) -> Html {
    let ctx = &desk.ctx;
    html!(
        r#"<h2 id="edit">{}</h2><form method="post" action="{}" class="fields">{}{}{}
<span></span><button type="submit">{}</button></form>"#,
        if editing {
            ctx.t("修改", "Change")
        } else {
            ctx.t("新建", "Add")
        },
        ctx.href(place.path),
        desk.csrf_field(),
        if editing {
            Html::trusted(r#"<input type="hidden" name="editing" value="1">"#)
        } else {
            Html::new()
        },
        fields,
        ctx.t("保存", "Save")
    )
}

fn taken(desk: &Desk, id: &str) -> platform::Error {
    platform::Error::Conflict(match desk.ctx.lang {
        crate::portal::Lang::Zh => format!("编号“{id}”已存在；请从列表中打开它来修改"),
        crate::portal::Lang::En => {
            format!("{id:?} exists already; open it from the list to change it")
        }
    })
}

/// An "add" form naming an id that exists is a conflict, not a silent change of what is there.
async fn check_new(
    p: &App,
    desk: &Desk,
    f: &Fields,
    id: &str,
    exists: impl FnOnce(&store::Store, &str) -> store::Result<bool> + Send + 'static,
) -> Result<(), platform::Error> {
    if field(f, "editing") == "1" {
        return Ok(());
    }
    let lookup = id.to_string();
    if p.read(move |s| exists(s, &lookup)).await? {
        return Err(taken(desk, id));
    }
    Ok(())
}

fn id_input(desk: &Desk, name: &'static str, value: &str, editing: bool) -> Html {
    let label = desk.ctx.t("编号", "Id");
    if editing {
        html!(
            r#"<label for="{0}">{1}</label><input id="{0}" name="{0}" value="{2}" readonly>"#,
            name,
            label,
            value
        )
    } else {
        input(name, label, value, r#" required maxlength="64""#)
    }
}

fn opt_text<T: ToString>(v: &Option<T>) -> String {
    v.as_ref().map(|v| v.to_string()).unwrap_or_default()
}

const COUNTIES: Place = Place {
    path: "/console/counties",
    title: ("县区", "Counties"),
    columns: &[("名称", "Name"), ("英文名", "English name")],
};

fn county_fields(desk: &Desk, f: &Fields, editing: bool) -> Html {
    let ctx = &desk.ctx;
    html!(
        "{}{}{}{}{}",
        id_input(desk, "code", field(f, "code"), editing),
        input(
            "name",
            ctx.t("名称", "Name"),
            field(f, "name"),
            r#" required maxlength="100""#
        ),
        input(
            "name_en",
            ctx.t("英文名", "English name"),
            field(f, "name_en"),
            r#" maxlength="100""#
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
        )
    )
}

pub async fn counties(
    State(p): State<Arc<App>>,
    Extension(who): Extension<Principal>,
    Query(q): Query<Fields>,
    headers: HeaderMap,
) -> Response {
    counties_page(&p, who, q, headers, None, Fields::new()).await
}

async fn counties_page(
    p: &App,
    who: Principal,
    q: Fields,
    headers: HeaderMap,
    problem: Option<platform::Error>,
    posted: Fields,
) -> Response {
    let desk = match Desk::open(p, COUNTIES.path, &q, who, &headers).await {
        Ok(d) => d,
        Err(r) => return r,
    };
    if let Err(r) = desk.require(Action::RegistryRead, Target::Any) {
        return r;
    }
    let all = match p.read(|s| s.counties()).await {
        Ok(c) => c,
        Err(e) => return desk.fail(e),
    };
    let editing = q
        .get("edit")
        .and_then(|id| all.iter().find(|c| &c.code == id));
    let f = match editing {
        Some(c) if problem.is_none() => Fields::from([
            ("code".to_string(), c.code.clone()),
            ("name".to_string(), c.name.clone()),
            ("name_en".to_string(), opt_text(&c.name_en)),
            ("lon".to_string(), opt_text(&c.lon)),
            ("lat".to_string(), opt_text(&c.lat)),
        ]),
        _ => posted,
    };
    let rows = all
        .iter()
        .map(|c| (c.code.clone(), vec![c.name.clone(), opt_text(&c.name_en)]))
        .collect();
    let form = if desk.who.may(Action::RegistryWrite, Target::CityWide) {
        form(
            &desk,
            &COUNTIES,
            editing.is_some(),
            county_fields(&desk, &f, editing.is_some()),
        )
    } else {
        Html::new()
    };
    let (problem, status) = problem_and_status(&desk, problem.as_ref());
    page(&desk, &q, &COUNTIES, rows, form, problem, status)
}

fn problem_and_status(desk: &Desk, e: Option<&platform::Error>) -> (Html, StatusCode) {
    e.map_or((Html::new(), StatusCode::OK), |e| {
        (desk.problem(e), Desk::status_of(e))
    })
}

pub async fn save_county(
    State(p): State<Arc<App>>,
    Extension(who): Extension<Principal>,
    Query(mut q): Query<Fields>,
    headers: HeaderMap,
    Form(f): Form<Fields>,
) -> Response {
    let desk = match Desk::open(&p, COUNTIES.path, &q, who.clone(), &headers).await {
        Ok(d) => d,
        Err(r) => return r,
    };
    if let Err(r) = desk.check_csrf(&f) {
        return r;
    }
    let code = field(&f, "code").to_string();
    if !desk.who.may(Action::RegistryWrite, Target::CityWide) {
        return desk.forbidden();
    }
    let result = async {
        check_new(&p, &desk, &f, &code, |s, id| {
            Ok(s.counties()?.iter().any(|c| c.code == id))
        })
        .await?;
        let county = County {
            code: code.clone(),
            name: field(&f, "name").to_string(),
            name_en: optional(&f, "name_en"),
            lon: number(&f, "lon")?,
            lat: number(&f, "lat")?,
        };
        let actor = desk.who.actor();
        p.write(move |s| registry::register_county(s, &actor, &county))
            .await
    }
    .await;
    match result {
        Ok(()) => desk.after_save(COUNTIES.path),
        Err(e) => {
            audit_refusal(&p, &desk, "upsert_county", &code, &e.to_string()).await;
            q.remove("edit");
            counties_page(&p, who, q, headers, Some(e), f).await
        }
    }
}

const WATERBODIES: Place = Place {
    path: "/console/waterbodies",
    title: ("水体", "Water bodies"),
    columns: &[("名称", "Name"), ("类型", "Kind"), ("流域", "Basin")],
};

fn waterbody_kind(desk: &Desk, k: WaterbodyKind) -> &'static str {
    match k {
        WaterbodyKind::River => desk.ctx.t("河流", "River"),
        WaterbodyKind::Lake => desk.ctx.t("湖泊", "Lake"),
        WaterbodyKind::Reservoir => desk.ctx.t("水库", "Reservoir"),
    }
}

pub async fn waterbodies(
    State(p): State<Arc<App>>,
    Extension(who): Extension<Principal>,
    Query(q): Query<Fields>,
    headers: HeaderMap,
) -> Response {
    waterbodies_page(&p, who, q, headers, None, Fields::new()).await
}

async fn waterbodies_page(
    p: &App,
    who: Principal,
    q: Fields,
    headers: HeaderMap,
    problem: Option<platform::Error>,
    posted: Fields,
) -> Response {
    let desk = match Desk::open(p, WATERBODIES.path, &q, who, &headers).await {
        Ok(d) => d,
        Err(r) => return r,
    };
    if let Err(r) = desk.require(Action::RegistryRead, Target::Any) {
        return r;
    }
    let all = match p.read(|s| s.waterbodies()).await {
        Ok(c) => c,
        Err(e) => return desk.fail(e),
    };
    let ctx = &desk.ctx;
    let editing = q
        .get("edit")
        .and_then(|id| all.iter().find(|w| &w.id == id));
    let f = match editing {
        Some(w) if problem.is_none() => Fields::from([
            ("id".to_string(), w.id.clone()),
            ("name".to_string(), w.name.clone()),
            ("name_en".to_string(), opt_text(&w.name_en)),
            ("kind".to_string(), w.kind.code().to_string()),
            ("basin".to_string(), opt_text(&w.basin)),
            ("lon".to_string(), opt_text(&w.lon)),
            ("lat".to_string(), opt_text(&w.lat)),
        ]),
        _ => posted,
    };
    let rows = all
        .iter()
        .map(|w| {
            (
                w.id.clone(),
                vec![
                    w.name.clone(),
                    waterbody_kind(&desk, w.kind).to_string(),
                    opt_text(&w.basin),
                ],
            )
        })
        .collect();
    let kinds: Vec<(String, String)> = WaterbodyKind::ALL
        .iter()
        .map(|k| (k.code().to_string(), waterbody_kind(&desk, *k).to_string()))
        .collect();
    let form = if desk.who.may(Action::RegistryWrite, Target::CityWide) {
        let fields = html!(
            "{}{}{}{}{}{}{}",
            id_input(&desk, "id", field(&f, "id"), editing.is_some()),
            input(
                "name",
                ctx.t("名称", "Name"),
                field(&f, "name"),
                r#" required maxlength="100""#
            ),
            input(
                "name_en",
                ctx.t("英文名", "English name"),
                field(&f, "name_en"),
                r#" maxlength="100""#
            ),
            select("kind", ctx.t("类型", "Kind"), field(&f, "kind"), &kinds),
            input(
                "basin",
                ctx.t("流域", "Basin"),
                field(&f, "basin"),
                r#" maxlength="100""#
            ),
            input(
                "lon",
                ctx.t("经度", "Longitude"),
                field(&f, "lon"),
                r#" inputmode="decimal""#
            ),
            input(
                "lat",
                ctx.t("纬度", "Latitude"),
                field(&f, "lat"),
                r#" inputmode="decimal""#
            )
        );
        form(&desk, &WATERBODIES, editing.is_some(), fields)
    } else {
        Html::new()
    };
    let (problem, status) = problem_and_status(&desk, problem.as_ref());
    page(&desk, &q, &WATERBODIES, rows, form, problem, status)
}

pub async fn save_waterbody(
    State(p): State<Arc<App>>,
    Extension(who): Extension<Principal>,
    Query(mut q): Query<Fields>,
    headers: HeaderMap,
    Form(f): Form<Fields>,
) -> Response {
    let desk = match Desk::open(&p, WATERBODIES.path, &q, who.clone(), &headers).await {
        Ok(d) => d,
        Err(r) => return r,
    };
    if let Err(r) = desk.check_csrf(&f) {
        return r;
    }
    let id = field(&f, "id").to_string();
    if !desk.who.may(Action::RegistryWrite, Target::CityWide) {
        return desk.forbidden();
    }
    let result = async {
        check_new(&p, &desk, &f, &id, |s, id| {
            Ok(s.waterbodies()?.iter().any(|w| w.id == id))
        })
        .await?;
        let waterbody = Waterbody {
            id: id.clone(),
            name: field(&f, "name").to_string(),
            name_en: optional(&f, "name_en"),
            kind: field(&f, "kind").parse()?,
            basin: optional(&f, "basin"),
            lon: number(&f, "lon")?,
            lat: number(&f, "lat")?,
        };
        let actor = desk.who.actor();
        p.write(move |s| registry::register_waterbody(s, &actor, &waterbody))
            .await
    }
    .await;
    match result {
        Ok(()) => desk.after_save(WATERBODIES.path),
        Err(e) => {
            audit_refusal(&p, &desk, "upsert_waterbody", &id, &e.to_string()).await;
            q.remove("edit");
            waterbodies_page(&p, who, q, headers, Some(e), f).await
        }
    }
}

const ENTERPRISES: Place = Place {
    path: "/console/enterprises",
    title: ("企业", "Enterprises"),
    columns: &[("名称", "Name"), ("县区", "County")],
};

pub async fn enterprises(
    State(p): State<Arc<App>>,
    Extension(who): Extension<Principal>,
    Query(q): Query<Fields>,
    headers: HeaderMap,
) -> Response {
    enterprises_page(&p, who, q, headers, None, Fields::new()).await
}

async fn enterprises_page(
    p: &App,
    who: Principal,
    q: Fields,
    headers: HeaderMap,
    problem: Option<platform::Error>,
    posted: Fields,
) -> Response {
    let desk = match Desk::open(p, ENTERPRISES.path, &q, who, &headers).await {
        Ok(d) => d,
        Err(r) => return r,
    };
    if let Err(r) = desk.require(Action::RegistryRead, Target::Any) {
        return r;
    }
    let (all, counties) = match p.read(|s| Ok((s.enterprises()?, s.counties()?))).await {
        Ok(c) => c,
        Err(e) => return desk.fail(e),
    };
    let ctx = &desk.ctx;
    let mine: Vec<&Enterprise> = all
        .iter()
        .filter(|e| desk.who.may(Action::RegistryRead, Target::enterprise(e)))
        .collect();
    let editing = q
        .get("edit")
        .and_then(|id| mine.iter().find(|e| &e.id == id).copied())
        .filter(|e| desk.who.may(Action::RegistryWrite, Target::enterprise(e)));
    let f = match editing {
        Some(e) if problem.is_none() => Fields::from([
            ("id".to_string(), e.id.clone()),
            ("name".to_string(), e.name.clone()),
            ("county".to_string(), opt_text(&e.county)),
        ]),
        _ => posted,
    };
    let rows = mine
        .iter()
        .map(|e| (e.id.clone(), vec![e.name.clone(), opt_text(&e.county)]))
        .collect();
    let mut county_options = vec![(String::new(), "—".to_string())];
    county_options.extend(
        counties
            .iter()
            .filter(|c| desk.who.may(Action::RegistryWrite, Target::County(&c.code)))
            .map(|c| (c.code.clone(), format!("{} {}", c.code, c.name))),
    );
    let form = if desk.can(Action::RegistryWrite) {
        let fields = html!(
            "{}{}{}",
            id_input(&desk, "id", field(&f, "id"), editing.is_some()),
            input(
                "name",
                ctx.t("名称", "Name"),
                field(&f, "name"),
                r#" required maxlength="100""#
            ),
            select(
                "county",
                ctx.t("县区", "County"),
                field(&f, "county"),
                &county_options
            )
        );
        form(&desk, &ENTERPRISES, editing.is_some(), fields)
    } else {
        Html::new()
    };
    let (problem, status) = problem_and_status(&desk, problem.as_ref());
    page(&desk, &q, &ENTERPRISES, rows, form, problem, status)
}

pub async fn save_enterprise(
    State(p): State<Arc<App>>,
    Extension(who): Extension<Principal>,
    Query(mut q): Query<Fields>,
    headers: HeaderMap,
    Form(f): Form<Fields>,
) -> Response {
    let desk = match Desk::open(&p, ENTERPRISES.path, &q, who.clone(), &headers).await {
        Ok(d) => d,
        Err(r) => return r,
    };
    if let Err(r) = desk.check_csrf(&f) {
        return r;
    }
    let enterprise = Enterprise {
        id: field(&f, "id").to_string(),
        name: field(&f, "name").to_string(),
        county: optional(&f, "county"),
    };
    let lookup = enterprise.id.clone();
    let current = match p
        .read(move |s| Ok(s.enterprises()?.into_iter().find(|e| e.id == lookup)))
        .await
    {
        Ok(c) => c,
        Err(e) => return desk.fail(e),
    };
    let allowed = current
        .iter()
        .chain(std::iter::once(&enterprise))
        .all(|e| desk.who.may(Action::RegistryWrite, Target::enterprise(e)));
    if !allowed {
        return desk.forbidden();
    }
    let actor = desk.who.actor();
    let id = enterprise.id.clone();
    let exists = current.is_some() && field(&f, "editing") != "1";
    let result = if exists {
        Err(taken(&desk, &id))
    } else {
        p.write(move |s| registry::register_enterprise(s, &actor, &enterprise))
            .await
    };
    match result {
        Ok(()) => desk.after_save(ENTERPRISES.path),
        Err(e) => {
            audit_refusal(&p, &desk, "upsert_enterprise", &id, &e.to_string()).await;
            q.remove("edit");
            enterprises_page(&p, who, q, headers, Some(e), f).await
        }
    }
}
