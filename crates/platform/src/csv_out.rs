//! Writing CSV: the one quoting rule every CSV export and command uses.

/// A field as RFC 4180 writes it: quoted (with `"` doubled) when it holds a comma, quote or line break.
pub fn field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn quotes_only_when_needed() {
        assert_eq!(super::field("a21026"), "a21026");
        assert_eq!(super::field("1,5"), "\"1,5\"");
        assert_eq!(super::field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(super::field("two\nlines"), "\"two\nlines\"");
    }
}
