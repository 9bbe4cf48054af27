//! Hostile registry names on every page, in both languages: a site, an enterprise and a water body named
//! `<script>…`, with quotes and ampersands, or very long, are shown escaped — in text, in attributes (map
//! links, tooltips) and in SVG — never as markup, and never escaped twice.

mod support;

use store::{Waterbody, WaterbodyKind};
use support::{Server, seed};

const SCRIPT: &str = "<script>alert(1)</script>";
const QUOTES: &str = r#""quoted" & 'apos' <b>"#;
const IMG: &str = "<img src=x onerror=alert(2)>";

fn escaped(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_names_are_escaped_everywhere() {
    let now = jiff::Timestamp::now().as_second();
    let long = format!("{}<i>", "长".repeat(300));
    let long_for_closure = long.clone();
    let server = Server::start(move |store, tz| {
        seed(store, tz, now, 3, None);
        let rename = |id: &str, name: &str| {
            let mut site = store.site(id).unwrap().unwrap();
            site.name = name.to_string();
            store.upsert_site(&site).unwrap();
        };
        rename("A01", SCRIPT);
        rename("W01", QUOTES);
        rename("W13", &long_for_closure);
        let mut e = store
            .enterprises()
            .unwrap()
            .into_iter()
            .find(|e| e.id == "ES01")
            .unwrap();
        e.name = format!("{SCRIPT}{QUOTES}");
        store.upsert_enterprise(&e).unwrap();
        store
            .upsert_waterbody(&Waterbody {
                id: "WB-X".into(),
                name: IMG.into(),
                name_en: None,
                kind: WaterbodyKind::River,
                basin: None,
                lon: None,
                lat: None,
            })
            .unwrap();
        store.set_site_waterbody("W01", Some("WB-X")).unwrap();
    })
    .await;
    let mut seen = std::collections::HashMap::new();
    for lang in ["", "?lang=en"] {
        for page in [
            "/",
            "/air",
            "/air?station=A01",
            "/water",
            "/bulletin",
            "/emitters",
        ] {
            let sep = if page.contains('?') { "&" } else { "?" };
            let path = format!(
                "{page}{}",
                if lang.is_empty() {
                    String::new()
                } else {
                    format!("{sep}lang=en")
                }
            );
            let (status, body) = server.get(&path).await;
            assert_eq!(status, 200, "{path}");
            for raw in [SCRIPT, QUOTES, IMG, "<i>"] {
                assert!(!body.contains(raw), "{path} holds {raw:?} unescaped");
            }
            assert!(
                !body.contains("&amp;lt;") && !body.contains("&amp;amp;"),
                "{path}: escaped twice"
            );
            for (what, name) in [
                ("site", SCRIPT),
                ("section", QUOTES),
                ("water body", IMG),
                ("source", long.as_str()),
            ] {
                if body.contains(&escaped(name)) {
                    seen.entry(what).or_insert_with(Vec::new).push(path.clone());
                }
            }
            if body.contains(&escaped(&format!("{SCRIPT}{QUOTES}"))) {
                seen.entry("enterprise")
                    .or_insert_with(Vec::new)
                    .push(path.clone());
            }
        }
    }
    // Each hostile name was shown somewhere (escaped), so the checks above saw it.
    for what in ["site", "section", "water body", "source", "enterprise"] {
        assert!(
            seen.contains_key(what),
            "no page showed the {what}'s name: {seen:?}"
        );
    }
    // In an attribute (the map's tooltip and link titles) and in SVG text.
    let (_, home) = server.get("/").await;
    assert!(
        home.contains(&format!("<title>{}", escaped(SCRIPT))),
        "SVG title on the map"
    );
    let (_, air) = server.get("/air?station=A01").await;
    let name = escaped(SCRIPT);
    for context in [
        format!(r#"<option value="A01" selected>{name}"#),
        format!(r#"<h2 id="station-name">{name}"#),
        format!(r#"role="img" aria-label="{name}"#),
    ] {
        assert!(air.contains(&context), "{context}");
    }
    // Markup the code writes is not escaped: the English forms keep their language.
    for page in ["/air?lang=en", "/bulletin?lang=en"] {
        let (_, body) = server.get(page).await;
        assert!(
            body.contains(r#"<input type="hidden" name="lang" value="en">"#),
            "{page}"
        );
    }
    server.stop().await;
}
