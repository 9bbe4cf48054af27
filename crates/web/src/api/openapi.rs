//! The OpenAPI 3.1 document served at `/api/v1/openapi.json`.
//!
//! Written by hand as data: it costs no proc-macro build time, and a test requests every path listed
//! here against the real router, so a documented endpoint that does not exist fails the build.

use serde_json::{Value, json};

fn param(name: &str, location: &str, required: bool, description: &str) -> Value {
    json!({"name": name, "in": location, "required": required, "description": description, "schema": {"type": "string"}})
}

/// An optional RFC 3339 time in the query.
fn time(name: &str, description: &str) -> Value {
    json!({"name": name, "in": "query", "required": false, "description": description, "schema": {"type": "string", "format": "date-time"}})
}

/// `param`: an HJ 212 factor code (`platform::ingest::admission::is_factor_code`).
fn factor(required: bool, description: &str) -> Value {
    json!({"name": "param", "in": "query", "required": required, "description": description, "schema": {"type": "string", "pattern": "^[A-Za-z0-9]{1,12}$"}})
}

/// `before`: paging by journal id.
fn before() -> Value {
    json!({"name": "before", "in": "query", "required": false, "schema": {"type": "integer", "minimum": 1, "maximum": i64::MAX}, "description": "Only ids below this (paging: pass next_before)"})
}

fn error_responses() -> Value {
    json!({
        "401": {"description": "Needs `Authorization: Bearer <API token>` (`qingshan token create`) or a signed-in session", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
        "403": {"description": "The account's role or jurisdiction (or the token's actions) does not allow this", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
        "400": {"description": "Bad parameters", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
        "404": {"description": "Not found", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
    })
}

fn ok(description: &str, content_type: &str) -> Value {
    let mut r = error_responses();
    r["200"] = json!({"description": description, "content": {content_type: {}}});
    r
}

/// Paging and format parameters of every open data endpoint, after `extra`.
fn public_list(extra: &[Value]) -> Value {
    let mut v = extra.to_vec();
    v.push(json!({"name": "format", "in": "query", "required": false, "schema": {"type": "string", "enum": ["json", "csv"], "default": "json"}}));
    v.push(json!({"name": "page", "in": "query", "required": false, "schema": {"type": "integer", "minimum": 1, "maximum": crate::public::MAX_PAGE, "default": 1}}));
    v.push(json!({"name": "per_page", "in": "query", "required": false, "schema": {"type": "integer", "minimum": 1, "maximum": 5000, "default": 100}}));
    Value::Array(v)
}

/// Responses of an open data endpoint: JSON `{data, page, per_page, total, next}` or CSV, with the
/// rate-limit headers; 429 when the client's quota is spent.
fn public_ok(description: &str) -> Value {
    let rate = json!({
        "RateLimit-Limit": {"description": "Requests allowed per window", "schema": {"type": "integer"}},
        "RateLimit-Remaining": {"description": "Requests left in the window", "schema": {"type": "integer"}},
        "RateLimit-Reset": {"description": "Seconds until the window resets", "schema": {"type": "integer"}}
    });
    let mut r = error_responses();
    r["200"] = json!({"description": format!("{description}: JSON `{{data, page, per_page, total, next}}` or CSV (`format=csv`); `X-Total-Count` and `Link: rel=next` headers"),
        "headers": rate, "content": {"application/json": {}, "text/csv": {}}});
    let mut limited = rate.clone();
    limited["Retry-After"] =
        json!({"description": "Seconds to wait", "schema": {"type": "integer"}});
    r["429"] = json!({"description": "Rate limit exceeded", "headers": limited, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}});
    r
}

/// The document.
pub fn document() -> Value {
    let site = param("site", "path", true, "Site id");
    let from = time("from", "Start, RFC 3339 (default: `to` minus one day)");
    let to = time("to", "End (exclusive), RFC 3339 (default: now)");
    let series_params = json!([
        site,
        factor(true, "HJ 212 factor code, e.g. a21026"),
        {"name": "interval", "in": "query", "required": false, "schema": {"type": "string", "enum": ["realtime", "minute", "hour", "day"], "default": "realtime"}},
        from, to,
        {"name": "limit", "in": "query", "required": false, "schema": {"type": "integer", "minimum": 1, "maximum": 100000}}
    ]);
    let mut doc = json!({
        "openapi": "3.1.0",
        "info": {"title": "Qingshan API", "version": "1",
                 "description": "Registry, HJ 212 quarantine, measurement series, rollups and completeness. Times are RFC 3339 in the city's zone."},
        "paths": {
            "/api/v1/sites": {
                "get": {"summary": "Every site", "responses": ok("Sites", "application/json")},
                "post": {"summary": "Create or update a site", "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/SiteInput"}}}},
                         "responses": ok("The site as stored", "application/json")}
            },
            "/api/v1/sites/{site}": {"get": {"summary": "A site and the series it holds", "parameters": [site], "responses": ok("Site", "application/json")}},
            "/api/v1/sites/{site}/series": {"get": {"summary": "Values of one series", "parameters": series_params, "responses": ok("`{\"values\":[{\"time\",\"value\",\"flag\",\"tier\",\"journal_id\"}]}`; a value a staff correction replaced also has `original` (the value as stored and received), `original_flag` and `correction` (the correction's href)", "application/json")}},
            "/api/v1/sites/{site}/series.csv": {"get": {"summary": "Values of one series as CSV (corrected values with the stored one in `original` and the correction's id)", "parameters": series_params, "responses": ok("CSV", "text/csv")}},
            "/api/v1/sites/{site}/rollups": {"get": {"summary": "Hourly or daily aggregates in local time, with validity", "parameters": [
                site, factor(true, "HJ 212 factor code"),
                {"name": "period", "in": "query", "required": false, "schema": {"type": "string", "enum": ["hour", "day"], "default": "hour"}},
                from, to], "responses": ok("Rollups", "application/json")}},
            "/api/v1/sites/{site}/completeness": {"get": {"summary": "Expected, received and accepted values per hour, and the cause of every missing one", "parameters": [
                site, factor(true, "HJ 212 factor code"), from, to], "responses": ok("Completeness", "application/json")}},
            "/api/v1/devices": {
                "get": {"summary": "Every device (passwords are never shown)", "responses": ok("Devices", "application/json")},
                "post": {"summary": "Register or update a device", "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/DeviceInput"}}}},
                         "responses": ok("The device as stored", "application/json")}
            },
            "/api/v1/quarantine": {"get": {"summary": "Rejected frames, newest first, with counts by cause (staff)", "parameters": [
                {"name": "verdict", "in": "query", "required": false, "schema": {"type": "string", "enum": ["bad_frame", "unknown_device", "wrong_password", "time_out_of_range"]}},
                before(),
                {"name": "limit", "in": "query", "required": false, "schema": {"type": "integer", "minimum": 1, "maximum": 1000}}],
                "responses": ok("Quarantined frames", "application/json")}},
            "/api/v1/quarantine/{id}": {"get": {"summary": "One quarantined frame with its raw bytes (password masked; staff)", "parameters": [{"name": "id", "in": "path", "required": true, "description": "Journal id", "schema": {"type": "integer", "minimum": 1, "maximum": i64::MAX}}], "responses": ok("Frame", "application/json")}},
            "/api/v1/journal/{id}": {"get": {"summary": "Any journal record with its notes and raw bytes (password masked; staff)", "parameters": [{"name": "id", "in": "path", "required": true, "description": "Journal id", "schema": {"type": "integer", "minimum": 1, "maximum": i64::MAX}}], "responses": ok("Frame", "application/json")}},
            "/api/v1/conflicts": {"get": {"summary": "Re-sent values that differed from the stored one, which stands (staff)", "parameters": [
                {"name": "site", "in": "query", "required": false, "schema": {"type": "string"}},
                before(),
                {"name": "limit", "in": "query", "required": false, "schema": {"type": "integer", "minimum": 1, "maximum": 1000}}],
                "responses": ok("Conflicting re-sends", "application/json")}},
            "/api/v1/refusals": {"get": {"summary": "Refused frames counted instead of journaled, per hour, source and verdict (staff)", "parameters": [
                time("from", "Default: a day ago")],
                "responses": ok("Counted refusals", "application/json")}},
            "/api/v1/public/stations": {"get": {"summary": "Open data: every monitored site (air stations, water sections, drinking-water sources, outlets)", "tags": ["public"],
                "parameters": public_list(&[json!({"name": "kind", "in": "query", "required": false, "schema": {"type": "string", "enum": ["air_station", "water_section", "drinking_water_source", "flue_gas_outlet", "wastewater_outlet", "river_outfall", "other"]}})]),
                "responses": public_ok("Sites")}},
            "/api/v1/public/stations/{site}/latest": {"get": {"summary": "Open data: a site's latest values with its AQI, water class or limits (and why there is no current value)", "tags": ["public"],
                "parameters": [site.clone()], "responses": public_ok("Latest state")}},
            "/api/v1/public/stations/{site}/hourly": {"get": {"summary": "Open data: hourly means in local hours, with validity; `source` is `rollup` (computed by the platform) or `device` (the logger's own CN 2061 value, where no rollup exists); `correction` is the id of the newest staff correction of the hour's data (its values read as corrected) and `original` a device value as received where a correction replaced it", "tags": ["public"],
                "parameters": public_list(&[site.clone(), factor(false, "HJ 212 factor code (default: every parameter)"), time("from", "Start, RFC 3339 (default: `to` minus one day)"), time("to", "End (exclusive), RFC 3339 (default: now)")]),
                "responses": public_ok("Hourly means")}},
            "/api/v1/public/stations/{site}/daily": {"get": {"summary": "Open data: daily means in local days, with validity; `source` is `rollup` or `device` (CN 2031)", "tags": ["public"],
                "parameters": public_list(&[site.clone(), factor(false, "HJ 212 factor code (default: every parameter)"), time("from", "Start, RFC 3339 (default: `to` minus 30 days)"), time("to", "End (exclusive), RFC 3339 (default: now)")]),
                "responses": public_ok("Daily means")}},
            "/api/v1/public/stations/{site}/aqi": {"get": {"summary": "Open data: an air station's hourly (real-time) or daily AQI (HJ 633 in force on each date)", "tags": ["public"],
                "parameters": public_list(&[site.clone(), json!({"name": "period", "in": "query", "required": false, "schema": {"type": "string", "enum": ["hour", "day"], "default": "hour"}}), time("from", "Start, RFC 3339"), time("to", "End (exclusive), RFC 3339")]),
                "responses": public_ok("AQI series")}},
            "/api/v1/public/aqi": {"get": {"summary": "Open data: the city's AQI now and every air station's", "tags": ["public"], "parameters": public_list(&[]), "responses": public_ok("City and station AQI")}},
            "/api/v1/public/water/classes": {"get": {"summary": "Open data: latest GB 3838 class and limiting parameters of every water section and drinking-water source", "tags": ["public"], "parameters": public_list(&[]), "responses": public_ok("Water classes")}},
            "/api/v1/public/bulletins/drinking-water": {"get": {"summary": "Open data: quarterly drinking-water bulletin (compliance by count and by volume, exceeding items and multiples)", "tags": ["public"],
                "parameters": public_list(&[json!({"name": "year", "in": "query", "required": false, "schema": {"type": "integer", "minimum": crate::portal::pages::BULLETIN_YEARS.start(), "maximum": crate::portal::pages::BULLETIN_YEARS.end()}}), json!({"name": "quarter", "in": "query", "required": false, "schema": {"type": "integer", "minimum": 1, "maximum": 4}})]),
                "responses": public_ok("Bulletin")}},
            "/api/v1/audit": {"get": {"summary": "Changes made by people, sign-ins and refused attempts, newest first (auditors, city administrators)", "parameters": [
                {"name": "q", "in": "query", "required": false, "schema": {"type": "string"}, "description": "Only entries whose actor, action or subject contains this"},
                before(),
                {"name": "limit", "in": "query", "required": false, "schema": {"type": "integer", "minimum": 1, "maximum": 1000}}],
                "responses": ok("Audit entries and `next_before`", "application/json")}},
            "/api/v1/audit.csv": {"get": {"summary": "The audit log as CSV, with the same filters", "parameters": [
                {"name": "q", "in": "query", "required": false, "schema": {"type": "string"}},
                before(),
                {"name": "limit", "in": "query", "required": false, "schema": {"type": "integer", "minimum": 1, "maximum": 100000}}],
                "responses": ok("CSV", "text/csv")}},
            "/api/v1/session": {
                "post": {"summary": "Sign in: sets the session cookie and answers the CSRF token that changes made with the cookie must carry in X-CSRF-Token", "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/SignIn"}}}},
                         "responses": ok("Who is signed in, and the CSRF token", "application/json")},
                "delete": {"summary": "Sign out (this session)", "responses": ok("Signed out", "application/json")}
            },
            "/api/v1/account/password": {"post": {"summary": "Change one's own password (other sessions end)", "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/NewPassword"}}}},
                "responses": ok("Changed", "application/json")}},
            "/api/v1/openapi.json": {"get": {"summary": "This document", "responses": {"200": {"description": "OpenAPI"}}}},
            "/healthz": {"get": {"summary": "Health", "responses": {"200": {"description": "Healthy"}, "503": {"description": "Database unavailable"}}}},
            "/metrics": {"get": {"summary": "Prometheus metrics", "responses": {"200": {"description": "Prometheus text format"}}}}
        },
        "components": {"schemas": {
            "Error": {"type": "object", "properties": {"error": {"type": "object", "properties": {"status": {"type": "integer"}, "message": {"type": "string"}}}}},
            "SiteInput": {"type": "object", "required": ["id", "name", "kind"], "properties": {
                "id": {"type": "string", "pattern": "^[!-~]{1,64}$", "description": "1 to 64 printable ASCII characters without spaces"},
                "name": {"type": "string", "pattern": "\\S"},
                "kind": {"type": "string", "enum": ["air_station", "water_section", "drinking_water_source", "flue_gas_outlet", "wastewater_outlet", "river_outfall", "other"]},
                "county": {"type": "string"}, "lon": {"type": "number", "minimum": -180, "maximum": 180}, "lat": {"type": "number", "minimum": -90, "maximum": 90},
                "enterprise_id": {"type": "string", "description": "An enterprise already registered"},
                "emission_standard": {"type": "string", "enum": ["ultra_low", "gb18918_1a", "gb8978_1"], "description": "For an outlet: the standard its values are judged against; none: no limit shown"}, "simulated": {"type": "boolean"}},
                "dependentRequired": {"lon": ["lat"], "lat": ["lon"]},
                // Each standard belongs to one kind of outlet (`registry::SiteInput::validate`).
                "allOf": [
                    {"if": {"required": ["emission_standard"], "properties": {"emission_standard": {"const": "ultra_low"}}},
                     "then": {"properties": {"kind": {"const": "flue_gas_outlet"}}}},
                    {"if": {"required": ["emission_standard"], "properties": {"emission_standard": {"enum": ["gb18918_1a", "gb8978_1"]}}},
                     "then": {"properties": {"kind": {"const": "wastewater_outlet"}}}}]},
            "SignIn": {"type": "object", "required": ["name", "password"], "properties": {
                "name": {"type": "string"}, "password": {"type": "string", "writeOnly": true}}},
            "NewPassword": {"type": "object", "required": ["current", "new"], "properties": {
                "current": {"type": "string", "writeOnly": true}, "new": {"type": "string", "minLength": 12, "maxLength": 128, "writeOnly": true}}},
            "DeviceInput": {"type": "object", "required": ["mn", "password", "site_id"], "properties": {
                "mn": {"type": "string", "pattern": "^[A-Za-z0-9]{1,24}$", "description": "HJ 212-2017 Table 3"},
                "password": {"type": "string", "pattern": "^[^;]{1,64}$", "writeOnly": true},
                "site_id": {"type": "string", "pattern": "^[!-~]{1,64}$", "description": "A site already registered"},
                "protocol": {"type": "string", "enum": ["auto", "2005", "2017", "2025"]},
                "crc_policy": {"type": "string", "enum": ["strict", "lenient", "off"]},
                "realtime_interval_s": {"type": "integer", "minimum": 1, "maximum": 86400}, "minute_interval_min": {"type": "integer", "minimum": 1, "maximum": 1440}}}
        }}
    });
    permits_and_supervision(&mut doc);
    alarms(&mut doc);
    marks(&mut doc);
    corrections(&mut doc);
    cases(&mut doc);
    rivers(&mut doc);
    doc
}

/// The river-chief endpoints: reaches, patrols, orders, the assessment.
fn rivers(doc: &mut Value) {
    use platform::rivers::patrols::{CHECKLIST, Level};
    let reach_shape = "`{id, waterbody_id, name, start_point, end_point, counties, sections, target_class, length_km, phone, course, chiefs: [{level, name, title, account}]}`";
    let patrol_shape = "`{id, reach, chief, level, start, end, duration_min, distance_m, counts, shortfall, checklist, note, recorded_by, recorded, cases}`";
    let text = |max: u32| json!({"type": ["string", "null"], "maxLength": max});
    let levels = Level::ALL.map(Level::code);
    let checklist: serde_json::Map<String, Value> = CHECKLIST
        .iter()
        .map(|(code, _, en)| {
            (
                code.to_string(),
                json!({"type": "string", "enum": ["ok", "problem", "n/a"], "description": en}),
            )
        })
        .collect();
    let point = json!({"type": "array", "minItems": 2, "maxItems": 2, "items": {"type": "number", "minimum": -180, "maximum": 180}});
    let reach_schema = json!({"type": "object", "additionalProperties": false, "required": ["id", "waterbody_id", "name", "counties"], "properties": {
                    "id": {"type": "string", "pattern": "^[A-Za-z0-9_-]{1,32}$"},
                    "waterbody_id": {"type": "string"}, "name": {"type": "string", "minLength": 1, "maxLength": 100},
                    "start_point": text(100), "end_point": text(100),
                    "counties": {"type": "array", "minItems": 1, "items": {"type": "string"}, "description": "County codes; the first is where its cases go"},
                    "sections": {"type": "array", "items": {"type": "string"}, "description": "Water-section site ids"},
                    "target_class": {"type": ["string", "null"], "enum": ["I", "II", "III", "IV", "V", null]},
                    "length_km": {"type": ["number", "null"], "exclusiveMinimum": 0, "maximum": 10000},
                    "phone": text(30),
                    "course": {"type": "array", "items": point, "description": "[[lon, lat], ...]: places complaints on the reach"},
                    "chiefs": {"type": "array", "items": {"type": "object", "additionalProperties": false, "required": ["level", "name"], "properties": {
                        "level": {"type": "string", "enum": levels}, "name": {"type": "string", "minLength": 1, "maxLength": 50},
                        "title": text(50), "account": text(64)}}}}});
    let patrol_schema = json!({"type": "object", "additionalProperties": false, "required": ["reach", "start", "end", "track"], "properties": {
                    "reach": {"type": "string"},
                    "chief": {"type": ["string", "null"], "description": "Staff recording for a chief: the chief's account (a chief records their own)"},
                    "start": {"type": "string", "format": "date-time"}, "end": {"type": "string", "format": "date-time"},
                    "track": {"type": "object", "description": "A GeoJSON LineString (or a Feature holding one), at least two points"},
                    "checklist": {"type": "object", "additionalProperties": false, "properties": checklist},
                    "note": text(2000),
                    "findings": {"type": "array", "maxItems": 20, "items": {"type": "object", "additionalProperties": false, "required": ["description"], "properties": {
                        "description": {"type": "string", "minLength": 1, "maxLength": 2000},
                        "lon": {"type": ["number", "null"], "minimum": -180, "maximum": 180}, "lat": {"type": ["number", "null"], "minimum": -90, "maximum": 90},
                        "photos": {"type": "array", "maxItems": 10, "items": {"type": "object", "additionalProperties": false, "required": ["name", "content_base64"], "properties": {
                            "name": {"type": "string", "maxLength": 255}, "content_base64": {"type": "string", "contentEncoding": "base64", "description": "JPEG or PNG"}}}}}}}}});
    let paths = json!({
        "/api/v1/reaches": {
            "get": {"summary": "Every reach the caller may read, with its chiefs", "responses": ok(&format!("`{{reaches: [{reach_shape}]}}`"), "application/json")},
            "post": {"summary": "Create or replace a reach of a registered water body with its chiefs (audited); the chiefs' accounts (river-chief role) get the reach in their jurisdiction",
                "requestBody": {"required": true, "content": {"application/json": {"schema": reach_schema}}},
                "responses": ok(&format!("The reach as stored: {reach_shape}"), "application/json")}},
        "/api/v1/reaches/{reach}": {"get": {"summary": "One reach with its chiefs", "parameters": [
            {"name": "reach", "in": "path", "required": true, "schema": {"type": "string"}}],
            "responses": ok(&format!("The reach: {reach_shape}"), "application/json")}},
        "/api/v1/patrols": {
            "get": {"summary": "Patrols started in the range (default the last 90 days, at most 366), on reaches the caller may read", "parameters": [
                {"name": "reach", "in": "query", "required": false, "schema": {"type": "string"}},
                {"name": "chief", "in": "query", "required": false, "schema": {"type": "string"}, "description": "The chief's account"},
                time("from", "Default: `to` minus 90 days"), time("to", "Default: now")],
                "responses": ok(&format!("`{{patrols: [{patrol_shape}]}}`"), "application/json")},
            "post": {"summary": "Record a patrol of a reach by one of its chiefs (audited). The track's length and the duration are judged against the chief's level (setting `rivers.patrol`): a patrol that falls short is kept and does not count. Each finding opens a case on the reach, linked to a founded complaint on the same reach and day.",
                "requestBody": {"required": true, "content": {"application/json": {"schema": patrol_schema}}},
                "responses": ok(&format!("The patrol: {patrol_shape}, `cases` the ids its findings opened"), "application/json")}},
        "/api/v1/orders": {"post": {"summary": "Issue an order (交办单) on a reach to a unit or a lower-level chief with a responsibility list: a case, accepted and assigned at once (audited)",
            "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "additionalProperties": false, "required": ["reach", "title", "unit", "duties"], "properties": {
                "reach": {"type": "string"}, "title": {"type": "string", "minLength": 1, "maxLength": 200},
                "unit": {"type": "string", "minLength": 1, "maxLength": 100}, "assignee": text(100),
                "duties": {"type": "array", "minItems": 1, "maxItems": 30, "items": {"type": "string", "minLength": 1, "maxLength": 500}},
                "due": {"type": ["string", "null"], "format": "date"}}}}}},
            "responses": ok("The case (as `GET /cases/{id}` without its history)", "application/json")}},
        "/api/v1/rivers/assessment": {"get": {"summary": "The assessment of a year (default this year to date) per chief and per reach: patrol completion, cases closed and mean days to close, months at target, complaints", "parameters": [
            {"name": "year", "in": "query", "required": false, "schema": {"type": "integer", "minimum": 2000, "maximum": 2100}}],
            "responses": ok("`{from, to, chiefs: [line], reaches: [line]}`, line `{reach, reach_name, level, chief, account, patrols, patrols_done, patrols_required, patrol_rate, cases, closed, closure_rate, mean_days_to_close, months, months_at_target, attainment, complaints}`", "application/json")}}
    });
    for (path, item) in paths.as_object().expect("an object") {
        doc["paths"][path] = item.clone();
    }
}

/// The correction endpoints.
fn corrections(doc: &mut Value) {
    let id = json!({"name": "id", "in": "path", "required": true, "description": "Correction id", "schema": {"type": "integer", "minimum": 1, "maximum": i64::MAX}});
    let shape = "`{id, href, site, param, start, end, value, reason, created_by, created, withdrawn_by, withdrawn, evidence: [{digest, name, media_type, size, href}]}`";
    let mut withdrawn = ok(
        &format!("The correction, withdrawn: {shape}"),
        "application/json",
    );
    withdrawn["409"] = json!({"description": "The correction was withdrawn already", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}});
    let mut file = error_responses();
    file["200"] = json!({"description": "The file as kept (downloaded, never inline)", "content": {"application/pdf": {}, "image/jpeg": {}, "image/png": {}}});
    let paths = json!({
        "/api/v1/corrections": {
            "get": {"summary": "Corrections, newest first, withdrawn ones too, cut to the caller's jurisdiction: with `site`, its corrections whose period overlaps the range; without, those made in the range (default the last 30 days, at most 366)", "parameters": [
                {"name": "site", "in": "query", "required": false, "schema": {"type": "string"}},
                factor(false, "HJ 212 factor code"),
                time("from", "Default: `to` minus 30 days"),
                time("to", "Default: now")],
                "responses": ok(&format!("`{{corrections: [{shape}]}}`"), "application/json")},
            "post": {"summary": "Staff correct one parameter's stored values over `[start, end)` (audited; the journal and the stored values are never changed). The correction applies to every stored value whose whole interval lies inside: real-time and minute values by their data time, a device's hourly value when its hour is inside, a daily value only when its whole day is; the newest correction wins. A corrected value counts as normal (`N`). The hours are rolled up again, so the rollups, the determinations and the emission quantities follow. Enterprises cannot correct (they mark).",
                "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "additionalProperties": false, "required": ["site", "param", "start", "end", "value", "reason"], "properties": {
                    "site": {"type": "string", "pattern": "^[!-~]{1,64}$"},
                    "param": {"type": "string", "pattern": "^[A-Za-z0-9]{1,12}$", "description": "HJ 212 factor code the site has data of"},
                    "start": {"type": "string", "format": "date-time"},
                    "end": {"type": "string", "format": "date-time", "description": "After start, at most 31 days later, not after the hour in progress"},
                    "value": {"type": "number", "minimum": -1.0e12, "maximum": 1.0e12},
                    "reason": {"type": "string", "minLength": 1, "maxLength": 2000, "pattern": "\\S"},
                    "evidence": {"type": "array", "maxItems": 10, "items": {"type": "object", "additionalProperties": false, "required": ["name", "content_base64"], "properties": {
                        "name": {"type": "string", "maxLength": 255},
                        "content_base64": {"type": "string", "contentEncoding": "base64", "description": "PDF, JPEG or PNG, at most attachments.max_bytes"}}}}}}}}},
                "responses": ok(&format!("The correction as stored, with its evidence files: {shape}"), "application/json")}},
        "/api/v1/corrections/{id}": {"get": {"summary": "One correction with its evidence files", "parameters": [id.clone()],
            "responses": ok(&format!("The correction: {shape}"), "application/json")}},
        "/api/v1/corrections/{id}/evidence": {"get": {"summary": "One evidence file of a correction", "parameters": [id.clone(),
            {"name": "digest", "in": "query", "required": true, "description": "The file's SHA-256 (from the correction's evidence list)", "schema": {"type": "string", "pattern": "^[0-9a-f]{64}$"}}],
            "responses": file}},
        "/api/v1/corrections/{id}/withdraw": {"post": {"summary": "Withdraw a correction (audited): it is kept, no longer applies, and its hours are rolled up again", "parameters": [id],
            "responses": withdrawn}}
    });
    for (path, item) in paths.as_object().expect("an object") {
        doc["paths"][path] = item.clone();
    }
}

/// The case endpoints.
fn cases(doc: &mut Value) {
    use platform::cases::{CaseAction, CaseState};
    let id = json!({"name": "id", "in": "path", "required": true, "description": "Case id", "schema": {"type": "integer", "minimum": 1, "maximum": i64::MAX}});
    let mut stepped = ok(
        "The case after the step, with its clock",
        "application/json",
    );
    stepped["409"] = json!({"description": "The case's state or the caller's part does not allow this step (e.g. a county officer deciding a penalty, closing a case not yet verified)", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}});
    let mut file = error_responses();
    file["200"] = json!({"description": "The file as kept (downloaded, never inline)", "content": {"application/pdf": {}, "image/jpeg": {}, "image/png": {}}});
    let body = json!({"required": false, "content": {"application/json": {"schema": {"type": "object", "additionalProperties": false, "properties": {
        "comment": {"type": ["string", "null"], "maxLength": 2000},
        "reason_code": {"type": ["string", "null"], "enum": [platform::cases::DECLINE_REASONS[0], platform::cases::DECLINE_REASONS[1], platform::cases::DECLINE_REASONS[2], platform::cases::DECLINE_REASONS[3], null], "description": "decline"},
        "unit": {"type": ["string", "null"], "maxLength": 100, "description": "assign, reassign"},
        "assignee": {"type": ["string", "null"], "maxLength": 100, "description": "assign, reassign"},
        "due": {"type": ["string", "null"], "format": "date", "description": "assign: the due date (default: 60 days from acceptance)"},
        "founded": {"type": ["boolean", "null"], "description": "verify"},
        "number": {"type": ["string", "null"], "maxLength": 100, "description": "decide_penalty: the decision's number"},
        "amount": {"type": ["number", "null"], "minimum": 0, "maximum": 1.0e12, "description": "decide_penalty: yuan"},
        "measures": {"type": ["string", "null"], "maxLength": 500, "description": "decide_penalty"},
        "into": {"type": ["integer", "null"], "minimum": 1, "maximum": i64::MAX, "description": "merge: the case this one duplicates"},
        "attachments": {"type": "array", "maxItems": 10, "description": "Files that go with the step (kept with the case, named in its history)", "items": {"type": "object", "additionalProperties": false, "required": ["name", "content_base64"], "properties": {
            "name": {"type": "string", "maxLength": 255},
            "content_base64": {"type": "string", "contentEncoding": "base64", "description": "PDF, JPEG or PNG, at most attachments.max_bytes"}}}}}}}}});
    let mut paths = json!({
        "/api/v1/cases": {"get": {"summary": "Cases created in the range (default the last 90 days, at most 366), newest first, cut to the caller's jurisdiction, each with its clock", "parameters": [
            {"name": "state", "in": "query", "required": false, "schema": {"type": "string"}, "description": "`open`, or a state"},
            {"name": "county", "in": "query", "required": false, "schema": {"type": "string"}},
            {"name": "clock", "in": "query", "required": false, "schema": {"type": "string", "enum": ["overdue", "due_soon", "on_time", "none"]}},
            time("from", "Created at or after; default `to` minus 90 days"),
            time("to", "Created before; default now")],
            "responses": ok("`{cases: [{id, source, source_ref, subject_kind, subject_id, site, enterprise, county, title, description, state, unit, assignee, due, clock (overdue, due_soon, on_time, none), accepted_on, founded, penalty_number, penalty_amount, penalty_measures, reason_code, merged_into, created_by, created, changed}]}`", "application/json")}},
        "/api/v1/cases/{id}": {"get": {"summary": "One case with its history and files", "parameters": [id.clone()],
            "responses": ok("The case, with `events: [{at, actor, action, from, to, comment, detail}]` and `attachments: [{digest, name, media_type, size, href}]`", "application/json")}},
        "/api/v1/cases/{id}/evidence": {"get": {"summary": "One file a case holds", "parameters": [id.clone(),
            {"name": "digest", "in": "query", "required": true, "description": "The file's SHA-256 (from the case's attachments)", "schema": {"type": "string", "pattern": "^[0-9a-f]{64}$"}}],
            "responses": file}},
        "/api/v1/alarms/{id}/escalate": {"post": {"summary": "Open a case from an alarm (audited): the case names the alarm and the alarm links to the case", "parameters": [
            {"name": "id", "in": "path", "required": true, "description": "Alarm id", "schema": {"type": "integer", "minimum": 1, "maximum": i64::MAX}}],
            "requestBody": {"required": false, "content": {"application/json": {"schema": {"type": "object", "additionalProperties": false, "properties": {
                "comment": {"type": ["string", "null"], "maxLength": 2000}}}}}},
            "responses": stepped.clone()}}
    });
    let states = CaseState::ALL.map(CaseState::code).join(", ");
    for action in CaseAction::ALL {
        let path = format!("/api/v1{}", super::cases::action_path(action));
        paths[path] = json!({"post": {"summary": format!("Step `{}` of the case's lifecycle (audited, in its history); states: {states}", action.code()),
            "parameters": [id.clone()], "requestBody": body.clone(), "responses": stepped.clone()}});
    }
    for (path, item) in paths.as_object().expect("an object") {
        doc["paths"][path] = item.clone();
    }
}

/// The mark endpoints.
fn marks(doc: &mut Value) {
    let id = json!({"name": "id", "in": "path", "required": true, "description": "Mark id", "schema": {"type": "integer", "minimum": 1, "maximum": i64::MAX}});
    let states = [
        "submitted",
        "awaiting_approval",
        "accepted",
        "rejected",
        "withdrawn",
    ];
    let categories = platform::supervision::marking::MarkCategory::ALL.map(|c| c.code());
    let mut reviewed = ok("The mark after the change", "application/json");
    reviewed["409"] = json!({"description": "The mark's state does not allow this (already reviewed or withdrawn)", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}});
    let review = |summary: &str| {
        json!({"post": {"summary": summary, "parameters": [id.clone()],
            "requestBody": {"required": false, "content": {"application/json": {"schema": {"type": "object", "additionalProperties": false, "properties": {
                "comment": {"type": ["string", "null"], "maxLength": 2000}}}}}},
            "responses": reviewed.clone()}})
    };
    let mut made = ok(
        "The mark as stored, with its evidence files",
        "application/json",
    );
    made["409"] = json!({"description": "The mark contradicts one standing (a stopped source has no fault, maintenance, calibration or start-up; one category is not marked twice over the same hours)", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}});
    let mut file = error_responses();
    file["200"] = json!({"description": "The file as kept (downloaded, never inline)", "content": {"application/pdf": {}, "image/jpeg": {}, "image/png": {}}});
    let paths = json!({
        "/api/v1/marks": {
            "get": {"summary": "Marks made in the range (default the last 30 days, at most 366), newest first, cut to the caller's jurisdiction", "parameters": [
                {"name": "state", "in": "query", "required": false, "schema": {"type": "string", "enum": states}},
                {"name": "site", "in": "query", "required": false, "schema": {"type": "string"}},
                time("from", "Made at or after; default `to` minus 30 days"),
                time("to", "Made before; default now")],
                "responses": ok("`{marks: [{id, site, param, category, start, end, reason, value, state, late, created_by, created, reviewed_by, reviewed, review_comment, evidence: []}]}`", "application/json")},
            "post": {"summary": "An enterprise user marks whole hours of its outlet's data (audited). Made by `marks.deadline` after the data's day it is in force at once (the hours leave exceedance determination; a manual value is judged instead); later it awaits the bureau's approval. Yearly quotas per category (`marks.quota_hours`). A mark over an exceedance episode, or a fault or maintenance mark without evidence, raises a suspicious-mark alarm.",
                "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "additionalProperties": false, "required": ["site", "category", "start", "end", "reason"], "properties": {
                    "site": {"type": "string", "pattern": "^[!-~]{1,64}$"},
                    "param": {"type": ["string", "null"], "pattern": "^[A-Za-z0-9]{1,12}$", "description": "HJ 212 factor code; absent: every parameter of the outlet"},
                    "category": {"type": "string", "enum": categories},
                    "start": {"type": "string", "format": "date-time", "description": "A whole hour"},
                    "end": {"type": "string", "format": "date-time", "description": "A whole hour after start, at most 31 days later"},
                    "reason": {"type": "string", "minLength": 1, "maxLength": 2000},
                    "value": {"type": ["number", "null"], "minimum": 0, "maximum": 1.0e12, "description": "manual_value only: the value measured by hand"},
                    "evidence": {"type": "array", "maxItems": 10, "items": {"type": "object", "additionalProperties": false, "required": ["name", "content_base64"], "properties": {
                        "name": {"type": "string", "maxLength": 255},
                        "content_base64": {"type": "string", "contentEncoding": "base64", "description": "PDF, JPEG or PNG, at most attachments.max_bytes"}}}}}}}}},
                "responses": made}},
        "/api/v1/marks/{id}": {"get": {"summary": "One mark with its evidence files", "parameters": [id.clone()],
            "responses": ok("The mark, with `evidence: [{digest, name, media_type, size, href}]`", "application/json")}},
        "/api/v1/marks/{id}/evidence": {"get": {"summary": "One evidence file of a mark", "parameters": [id.clone(),
            {"name": "digest", "in": "query", "required": true, "description": "The file's SHA-256 (from the mark's evidence list)", "schema": {"type": "string", "pattern": "^[0-9a-f]{64}$"}}],
            "responses": file}},
        "/api/v1/marks/{id}/accept": review("Accept a mark, or approve a late one (audited; closes its suspicious-mark alarm)"),
        "/api/v1/marks/{id}/reject": review("Reject a mark with a comment (required): its effect is taken away and the determination comes back (audited)"),
        "/api/v1/marks/{id}/withdraw": review("The enterprise takes back a mark not yet reviewed (audited)")
    });
    for (path, item) in paths.as_object().expect("an object") {
        doc["paths"][path] = item.clone();
    }
}

/// The alarm endpoints.
fn alarms(doc: &mut Value) {
    let id = json!({"name": "id", "in": "path", "required": true, "description": "Alarm id", "schema": {"type": "integer", "minimum": 1, "maximum": i64::MAX}});
    let mut acted = ok("The alarm after the change", "application/json");
    acted["409"] = json!({"description": "The alarm's state does not allow this (e.g. closing an open alarm, clearing an exceedance)", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}});
    let act = |summary: &str| {
        json!({"post": {"summary": summary, "parameters": [id.clone()],
            "requestBody": {"required": false, "content": {"application/json": {"schema": {"type": "object", "additionalProperties": false, "properties": {
                "comment": {"type": ["string", "null"], "maxLength": 2000}}}}}},
            "responses": acted.clone()}})
    };
    let paths = json!({
        "/api/v1/alarms": {"get": {"summary": "Alarms opened in the range (default the last 30 days, at most 366), newest first, cut to the caller's jurisdiction: one per exceedance episode or data problem (silence, stuck value, over range, faults), raised by the determination job", "parameters": [
            {"name": "state", "in": "query", "required": false, "schema": {"type": "string", "enum": ["open", "acknowledged", "resolved", "closed"]}},
            {"name": "kind", "in": "query", "required": false, "schema": {"type": "string"}},
            {"name": "site", "in": "query", "required": false, "schema": {"type": "string"}},
            {"name": "county", "in": "query", "required": false, "schema": {"type": "string"}},
            time("from", "Opened at or after; default `to` minus 30 days"),
            time("to", "Opened before; default now")],
            "responses": ok("`{alarms: [{id, kind, severity, site, param, opened, state, level (county or city, once escalated), episode_start, episode_end, changed, determination_id, case_id, mark_id (a suspicious mark's)}]}`", "application/json")}},
        "/api/v1/alarms/{id}": {"get": {"summary": "One alarm with its notes (who did what, when and why)", "parameters": [id.clone()],
            "responses": ok("The alarm, with `notes: [{at, actor, event, comment}]` and its webhook delivery log `deliveries: [{id, channel, event, attempts, delivered_at, next_attempt_at, last_error}]`", "application/json")}},
        "/api/v1/alarms/{id}/ack": act("Acknowledge an open alarm (audited)"),
        "/api/v1/alarms/{id}/resolve": act("Resolve an open or acknowledged alarm: the matter is dealt with (audited)"),
        "/api/v1/alarms/{id}/close": act("Close a resolved alarm (audited)"),
        "/api/v1/alarm-rules": {
            "get": {"summary": "Alarm rules people defined, for the sites the caller may read", "responses": ok("`{rules: [{id, site, param, condition, value, hours, severity, note, created_by, disabled, describe}]}`", "application/json")},
            "post": {"summary": "A rule for one site's parameter: an alarm (kind `rule:<id>`) when its valid hourly means are above or below `value`, or rise by more than `value` from one hour to the next, for at least `hours` hours in a row (audited; the site's last week is determined again)",
                "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "additionalProperties": false, "required": ["site", "param", "condition", "value"], "properties": {
                    "site": {"type": "string", "pattern": "^[!-~]{1,64}$"},
                    "param": {"type": "string", "pattern": "^[A-Za-z0-9]{1,12}$", "description": "HJ 212 factor code"},
                    "condition": {"type": "string", "enum": ["above", "below", "rise"]},
                    "value": {"type": "number", "minimum": -1.0e12, "maximum": 1.0e12},
                    "hours": {"type": ["integer", "null"], "minimum": 1, "maximum": 720},
                    "severity": {"type": ["string", "null"], "enum": ["high", "medium", "low", null]},
                    "note": {"type": ["string", "null"], "maxLength": 500}}}}}},
                "responses": ok("The rule as stored", "application/json")}},
        "/api/v1/alarm-rules/{id}/disable": {"post": {"summary": "Disable a rule (kept; the alarms it raised close once the site is determined again)", "parameters": [
            {"name": "id", "in": "path", "required": true, "description": "Rule id", "schema": {"type": "integer", "minimum": 1, "maximum": i64::MAX}}],
            "responses": ok("The rule, disabled", "application/json")}}
    });
    for (path, item) in paths.as_object().expect("an object") {
        doc["paths"][path] = item.clone();
    }
}

/// The permit and supervision endpoints and the `PermitInput` schema (apart: one `json!` of everything passes the macro's
/// recursion limit).
fn permits_and_supervision(doc: &mut Value) {
    let supervision_filters = json!([
        {"name": "site", "in": "query", "required": false, "schema": {"type": "string"}},
        {"name": "enterprise", "in": "query", "required": false, "schema": {"type": "string"}},
        {"name": "county", "in": "query", "required": false, "schema": {"type": "string"}},
        factor(false, "HJ 212 factor code"),
        time("from", "Default: `to` minus 7 days"),
        time("to", "Default: now; at most 366 days after `from`")
    ]);
    let mut post_responses = ok("The permit version as stored", "application/json");
    post_responses["409"] = json!({"description": "The permit number belongs to another enterprise", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}});
    let paths = json!({
            "/api/v1/permits": {
                "get": {"summary": "Emission permit versions (every version; `in_force` says whether it is in force today), cut to the caller's jurisdiction", "parameters": [
                    {"name": "enterprise", "in": "query", "required": false, "description": "Only this enterprise's", "schema": {"type": "string"}}],
                    "responses": ok("`{permits: [...]}`, each in the shape it is posted in, with `id` and `in_force`", "application/json")},
                "post": {"summary": "Create a permit version, or replace the version with the same number and valid_from (all of it, audited)", "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/PermitInput"}}}},
                    "responses": post_responses}
            },
            "/api/v1/exceedances": {"get": {"summary": "Exceedance episodes of outlets (one row per run of consecutive exceeding hours, or days for daily limits), judged against the permit in force each day, or the outlet's standard where no permit names the pollutant; cut to the caller's jurisdiction; at most 366 days", "parameters": supervision_filters,
                "responses": ok("`{exceedances: [{id, site, param, start, end, hours, peak, limit, multiple, averaging, permit, permit_id, source, evidence: {first_journal_id, last_journal_id}, found_at, changed_at, preliminary}]}`, as the determination job stored them (an episode keeps its id as it grows; one no longer found after late data or a permit change is withdrawn); preliminary: the episode's last day is still open to the enterprise's marking (marks.deadline)", "application/json")}},
            "/api/v1/data-problems": {"get": {"summary": "Data problems of outlets per parameter: gaps (no data for longer than supervision.gap_minutes while the source was not stopped), stuck values (unchanged longer than supervision.stuck_hours) and the durations of flags T, D, M, C, B; cut to the caller's jurisdiction", "parameters": supervision_filters.clone(),
                "responses": ok("`{problems: [{id, site, param, kind, start, end, evidence, found_at}]}` as determined (a silence still going on ends at the time it was last determined), kind one of gap, stuck, over_range, fault, maintenance, calibration, comm_fault", "application/json")}},
            "/api/v1/emissions": {"get": {"summary": "Emission quantities per outlet and pollutant for a year or a month: measured (valid hourly concentration × flow), substituted for invalid hours by HJ 75-2017 (per calendar quarter), their total, the permitted annual quantity, and the invalid hours HJ 75 has no rule for; cut to the caller's jurisdiction", "parameters": [
                {"name": "enterprise", "in": "query", "required": false, "schema": {"type": "string"}},
                {"name": "county", "in": "query", "required": false, "schema": {"type": "string"}},
                {"name": "year", "in": "query", "required": true, "schema": {"type": "integer", "minimum": 1990, "maximum": 2200}},
                {"name": "month", "in": "query", "required": false, "schema": {"type": "integer", "minimum": 1, "maximum": 12}}],
                "responses": ok("`{rows: [{site, param, measured_t, substituted_t, total_t, permitted_t, unaccounted_hours, rolling_12m_t (the 12 months ending with the range, against permitted_t)}], totals: [{scope: enterprise|county|all, id, param, measured_t, substituted_t, total_t, permitted_t, baseline}], year_complete, preliminary}`; preliminary: the range's last day is still open to marking; `baseline` (whole years, a county's or the city's whole total only, else null): {base_year, baseline_t, target_year, target_t (baseline less the reduction), reduction_pct, change_pct, meets_target, source, simulated}`", "application/json")}},
            "/api/v1/permits/{id}": {"get": {"summary": "One permit version", "parameters": [{"name": "id", "in": "path", "required": true, "description": "Permit version id", "schema": {"type": "integer", "minimum": 1, "maximum": i64::MAX}}], "responses": ok("The permit version", "application/json")}}
    });
    for (path, item) in paths.as_object().expect("an object") {
        doc["paths"][path] = item.clone();
    }
    doc["components"]["schemas"]["PermitInput"] = json!({"type": "object", "additionalProperties": false, "required": ["number", "enterprise", "valid_from", "valid_to"], "properties": {
                "number": {"type": "string", "pattern": "^[!-~]{1,64}$", "description": "The permit number (许可证编号)"},
                "enterprise": {"type": "string", "pattern": "^[!-~]{1,64}$", "description": "A registered enterprise"},
                "authority": {"type": ["string", "null"], "maxLength": 200},
                "valid_from": {"type": "string", "format": "date"},
                "valid_to": {"type": "string", "format": "date", "description": "Not before valid_from"},
                "outlet": {"type": "array", "description": "The enterprise's outlets (registered flue-gas, wastewater or river-outfall sites), each once", "items": {
                    "type": "object", "additionalProperties": false, "required": ["site", "kind"], "properties": {
                        "site": {"type": "string", "pattern": "^[!-~]{1,64}$"},
                        "kind": {"type": "string", "enum": ["main", "general"]},
                        "limit": {"type": "array", "items": {"type": "object", "additionalProperties": false, "required": ["param", "limit", "unit", "averaging"], "properties": {
                            "param": {"type": "string", "pattern": "^[A-Za-z0-9]{1,12}$", "description": "HJ 212 factor code"},
                            "limit": {"type": "number", "exclusiveMinimum": 0, "maximum": 1.0e12},
                            "unit": {"type": "string", "enum": platform::permits::UNITS},
                            "averaging": {"type": "string", "enum": ["hour", "day"]},
                            "reference_o2": {"type": ["number", "null"], "minimum": 0, "exclusiveMaximum": 21, "description": "Percent; absent or null: no conversion"},
                            "season_from": {"type": ["string", "null"], "pattern": "^(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$", "description": "MM-DD; with season_to, a seasonal limit"},
                            "season_to": {"type": ["string", "null"], "pattern": "^(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$"}}}},
                        "annual": {"type": "array", "description": "Main outlets only: permitted tonnes a year, once per pollutant", "items": {"type": "object", "additionalProperties": false, "required": ["param", "tonnes"], "properties": {
                            "param": {"type": "string", "pattern": "^[A-Za-z0-9]{1,12}$"},
                            "tonnes": {"type": "number", "exclusiveMinimum": 0, "maximum": 1.0e12}}}}}}}}
    });
}
