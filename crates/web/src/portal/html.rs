//! Markup as its own type: [`Html`] is escaped by construction.
//!
//! Text becomes markup only by being escaped ([`Html::text`]) or by being a string literal in the code
//! ([`Html::trusted`], the format string of [`html!`] and [`write_html!`]). Every argument of those macros
//! goes through [`ToHtml`]: an [`Html`] is inserted as it is, text (`&str`, `String`) is escaped, numbers
//! are written as numbers. So a registry name, a cause or a query parameter cannot reach a page
//! unescaped, in element content, in a quoted attribute or in SVG, whatever the caller forgets.
//! `Html` deliberately implements neither `fmt::Write` nor `Display`: `write!` cannot bypass the
//! escaping, and markup cannot silently turn back into a `String` that is then treated as text.

use std::fmt;

/// A fragment of HTML (or SVG) whose text was escaped when it was built.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Html(String);

impl Html {
    /// Empty markup.
    pub fn new() -> Html {
        Html(String::new())
    }

    /// Markup written in the code itself: only string literals qualify.
    pub fn trusted(literal: &'static str) -> Html {
        Html(literal.to_string())
    }

    /// `text` escaped for element content and quoted attributes (`& < > " '`).
    pub fn text(text: &str) -> Html {
        let mut h = Html(String::with_capacity(text.len()));
        h.push_text(text);
        h
    }

    /// Appends escaped text.
    pub fn push_text(&mut self, text: &str) {
        for c in text.chars() {
            match c {
                '&' => self.0.push_str("&amp;"),
                '<' => self.0.push_str("&lt;"),
                '>' => self.0.push_str("&gt;"),
                '"' => self.0.push_str("&quot;"),
                '\'' => self.0.push_str("&#39;"),
                c => self.0.push(c),
            }
        }
    }

    /// Appends markup.
    pub fn push(&mut self, markup: &Html) {
        self.0.push_str(&markup.0);
    }

    /// Appends a literal piece of markup.
    pub fn push_trusted(&mut self, literal: &'static str) {
        self.0.push_str(literal);
    }

    /// The markup, for the response body.
    pub fn into_string(self) -> String {
        self.0
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// For [`html!`] only: the already-formatted output of a literal format string whose arguments
    /// were all escaped.
    #[doc(hidden)]
    pub fn from_formatted(formatted: String) -> Html {
        Html(formatted)
    }
}

impl FromIterator<Html> for Html {
    fn from_iter<I: IntoIterator<Item = Html>>(iter: I) -> Html {
        let mut out = Html::new();
        for h in iter {
            out.push(&h);
        }
        out
    }
}

/// What may be an argument of [`html!`]: markup as it is, text escaped, numbers as numbers (with their
/// format spec: `{:.1}`).
pub trait ToHtml {
    fn fmt_html(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result;
}

impl ToHtml for Html {
    fn fmt_html(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl ToHtml for str {
    fn fmt_html(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(Html::text(self).as_str())
    }
}

impl ToHtml for String {
    fn fmt_html(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.as_str().fmt_html(f)
    }
}

impl<T: ToHtml + ?Sized> ToHtml for &T {
    fn fmt_html(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        (**self).fmt_html(f)
    }
}

macro_rules! numbers_to_html {
    ($($t:ty),*) => {$(
        impl ToHtml for $t {
            fn fmt_html(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Display::fmt(self, f)
            }
        }
    )*};
}
numbers_to_html!(
    u8,
    u16,
    u32,
    u64,
    usize,
    i8,
    i16,
    i32,
    i64,
    f64,
    standards::Decimal
);

/// An argument of [`html!`], formatted through [`ToHtml`].
#[doc(hidden)]
pub struct Arg<'a, T: ToHtml + ?Sized>(pub &'a T);

impl<T: ToHtml + ?Sized> fmt::Display for Arg<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt_html(f)
    }
}

/// Like `format!`, into [`Html`]: the format string is trusted markup, every argument goes through
/// [`ToHtml`] (text escaped, markup kept, numbers with their format spec). Use positional placeholders
/// only: an inline capture (`{name}`) would bypass the escaping, so the sources are checked for them (a
/// test below).
#[macro_export]
macro_rules! html {
    ($fmt:literal $(, $arg:expr)* $(,)?) => {
        $crate::portal::html::Html::from_formatted(format!(
            $fmt $(, $crate::portal::html::Arg(&$arg))*
        ))
    };
}

/// Like `write!`, appending to an [`Html`].
#[macro_export]
macro_rules! write_html {
    ($out:expr, $fmt:literal $(, $arg:expr)* $(,)?) => {
        $out.push(&$crate::html!($fmt $(, $arg)*))
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped_and_markup_is_kept() {
        let name = r#"<script>alert("x")</script> & 'co'"#;
        let cell = crate::html!(
            r#"<td title="{}">{}</td>"#,
            name,
            Html::trusted("<b>ok</b>")
        );
        assert_eq!(
            cell.as_str(),
            "<td title=\"&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;co&#39;\">\
             <b>ok</b></td>"
        );
        let n: u32 = 42;
        let mut out = Html::trusted("<p>");
        crate::write_html!(out, "{} {:.1} {}", n, 1.25, String::from("a<b"));
        out.push_trusted("</p>");
        assert_eq!(out.as_str(), "<p>42 1.2 a&lt;b</p>");
    }

    /// `html!("{name}")` would insert `name` unescaped (format! captures it directly): no source of the
    /// web crate may use an inline capture in an `html!` or `write_html!` format string.
    #[test]
    fn no_markup_format_string_captures_a_variable() {
        fn sources(dir: &std::path::Path, out: &mut Vec<(std::path::PathBuf, String)>) {
            for e in std::fs::read_dir(dir).unwrap().flatten() {
                let p = e.path();
                if p.is_dir() {
                    sources(&p, out);
                } else if p.extension().is_some_and(|x| x == "rs") {
                    out.push((p.clone(), std::fs::read_to_string(&p).unwrap()));
                }
            }
        }
        let mut files = Vec::new();
        sources(
            &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
            &mut files,
        );
        let mut found = Vec::new();
        for (path, text) in files {
            for mac in ["html!(", "write_html!("] {
                for (at, _) in text.match_indices(mac) {
                    let line_start = text[..at].rfind('\n').map_or(0, |n| n + 1);
                    if text[line_start..at].trim_start().starts_with("//") {
                        continue; // documentation
                    }
                    // The format string: from the first quote after the macro to its closing quote.
                    let rest = &text[at + mac.len()..];
                    let Some(open) = rest.find('"') else { continue };
                    let hashes = rest[..open].chars().rev().take_while(|&c| c == '#').count();
                    let close = format!("\"{}", "#".repeat(hashes));
                    let body = &rest[open + 1..];
                    let body = &body[..body.find(&close).unwrap_or(body.len())];
                    let chars: Vec<char> = body.chars().collect();
                    let mut i = 0;
                    while i + 1 < chars.len() {
                        if chars[i] == '{' && chars[i + 1] == '{' {
                            i += 2; // an escaped brace
                            continue;
                        }
                        if chars[i] == '{' && (chars[i + 1].is_alphabetic() || chars[i + 1] == '_')
                        {
                            found.push(format!(
                                "{}: {}",
                                path.display(),
                                body.chars().take(60).collect::<String>()
                            ));
                            break;
                        }
                        i += 1;
                    }
                }
            }
        }
        assert!(
            found.is_empty(),
            "inline captures in markup format strings: {found:#?}"
        );
    }

    #[test]
    fn named_and_positional_arguments_are_escaped_too() {
        let who = "<i>";
        let h = crate::html!("{0}{0}", who);
        assert_eq!(h.as_str(), "&lt;i&gt;&lt;i&gt;");
        let joined: Html = ["<a>", "b"].iter().map(|t| Html::text(t)).collect();
        assert_eq!(crate::html!("{:.0}px", 12.6).as_str(), "13px");
        assert_eq!(joined.as_str(), "&lt;a&gt;b");
    }
}
