//! Tables answered as JSON or CSV, paged: the one shape every endpoint answers, so JSON and CSV agree.

use super::*;

/// Rows with named columns: the one shape every endpoint answers, so JSON and CSV always agree.
pub(super) struct Table {
    pub(super) columns: Vec<&'static str>,
    pub(super) rows: Vec<Vec<Value>>,
}

impl Table {
    pub(super) fn new(columns: &[&'static str]) -> Table {
        Table {
            columns: columns.to_vec(),
            rows: Vec::new(),
        }
    }
}

pub(super) fn csv_cell(v: &Value) -> String {
    let s = match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    platform::csv_out::field(&s)
}

/// The highest page number a client may ask for (far beyond any table's last page).
pub const MAX_PAGE: usize = 1_000_000;

pub(super) fn paged(
    q: &HashMap<String, String>,
    path: &str,
    table: Table,
    extra: Option<Value>,
) -> Result<Response, ApiError> {
    let page: usize = match q.get("page") {
        Some(p) => p
            .parse()
            .ok()
            .filter(|p| (1..=MAX_PAGE).contains(p))
            .ok_or_else(|| {
                ApiError::bad_request(format!("page={p:?} must be a page number 1..={MAX_PAGE}"))
            })?,
        None => 1,
    };
    let per_page: usize = match q.get("per_page") {
        Some(p) => p
            .parse()
            .ok()
            .filter(|&p| (1..=MAX_PER_PAGE).contains(&p))
            .ok_or_else(|| {
                ApiError::bad_request(format!("per_page={p:?} must be 1..={MAX_PER_PAGE}"))
            })?,
        None => DEFAULT_PER_PAGE,
    };
    let total = table.rows.len();
    let start = (page - 1).saturating_mul(per_page).min(total);
    let end = (start + per_page).min(total);
    let next = (end < total).then(|| {
        let mut keep: Vec<String> = q
            .iter()
            .filter(|(k, _)| k.as_str() != "page")
            .map(|(k, v)| {
                format!(
                    "{}={}",
                    crate::portal::urlencode(k),
                    crate::portal::urlencode(v)
                )
            })
            .collect();
        keep.sort();
        keep.push(format!("page={}", page + 1));
        format!("/api/v1/public{path}?{}", keep.join("&"))
    });
    let format = q.get("format").map(String::as_str).unwrap_or("json");
    let mut resp = match format {
        "csv" => {
            let mut out = table.columns.join(",");
            out.push_str("\r\n");
            for r in &table.rows[start..end] {
                out.push_str(&r.iter().map(csv_cell).collect::<Vec<_>>().join(","));
                out.push_str("\r\n");
            }
            ([(header::CONTENT_TYPE, "text/csv; charset=utf-8")], out).into_response()
        }
        "json" => {
            let data: Vec<Value> = table.rows[start..end]
                .iter()
                .map(|r| {
                    Value::Object(
                        table
                            .columns
                            .iter()
                            .map(|c| c.to_string())
                            .zip(r.iter().cloned())
                            .collect::<Map<_, _>>(),
                    )
                })
                .collect();
            let mut body = json!({"data": data, "page": page, "per_page": per_page, "total": total, "next": next});
            if let Some(Value::Object(m)) = extra {
                for (k, v) in m {
                    body[k] = v;
                }
            }
            axum::Json(body).into_response()
        }
        other => {
            return Err(ApiError::bad_request(format!(
                "format={other:?}: use json or csv"
            )));
        }
    };
    if let Ok(v) = HeaderValue::from_str(&total.to_string()) {
        resp.headers_mut().insert("x-total-count", v);
    }
    resp.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=60"),
    );
    if let Some(n) = next
        && let Ok(v) = HeaderValue::from_str(&format!("<{n}>; rel=\"next\""))
    {
        resp.headers_mut().insert(header::LINK, v);
    }
    Ok(resp)
}
