//! Writing CSV: the one quoting rule every CSV export and command uses.
//!
//! A field a device, an operator or the public can influence (a flag, a code, a name) may be crafted to
//! run as a formula when the file is opened in a spreadsheet (`=cmd|' /C calc'!A0`, `@SUM(1)`). Such a field
//! is neutralised: prefixed with `'`, which spreadsheets show as text and do not evaluate (OWASP "CSV
//! injection"). Numbers, negative ones included, are left as they are.

/// A field as RFC 4180 writes it (quoted, with `"` doubled, when it holds a comma, quote or line break),
/// neutralised when it starts like a formula (`=`, `+`, `-`, `@`, tab or CR) and is not a number.
pub fn field(s: &str) -> String {
    let formula = s.starts_with(['=', '+', '-', '@', '\t', '\r']) && s.parse::<f64>().is_err();
    let s = if formula {
        format!("'{s}")
    } else {
        s.to_string()
    };
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

/// A whole CSV file: the header, then each row, every field through [`field`], lines ended by CRLF.
pub fn table(header: &[&str], rows: &[Vec<String>]) -> String {
    let mut out = header
        .iter()
        .map(|h| field(h))
        .collect::<Vec<_>>()
        .join(",");
    out.push_str("\r\n");
    for r in rows {
        out.push_str(&r.iter().map(|f| field(f)).collect::<Vec<_>>().join(","));
        out.push_str("\r\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{field, table};

    #[test]
    fn a_table_is_a_header_and_rows() {
        let rows = vec![vec!["1".to_string(), "=x".to_string()]];
        assert_eq!(table(&["id", "name"], &rows), "id,name\r\n1,'=x\r\n");
    }

    #[test]
    fn quotes_only_when_needed() {
        assert_eq!(field("a21026"), "a21026");
        assert_eq!(field("1,5"), "\"1,5\"");
        assert_eq!(field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(field("two\nlines"), "\"two\nlines\"");
    }

    #[test]
    fn formulas_are_neutralised_and_numbers_are_not() {
        assert_eq!(field("=1+2"), "'=1+2");
        assert_eq!(field("@SUM(1)"), "'@SUM(1)");
        assert_eq!(field("+cmd"), "'+cmd");
        assert_eq!(field("-1+2"), "'-1+2");
        assert_eq!(field("\tx"), "'\tx");
        assert_eq!(field("\r=x"), "\"'\r=x\"");
        assert_eq!(
            field("=HYPERLINK(\"x\",\"y\")"),
            "\"'=HYPERLINK(\"\"x\"\",\"\"y\"\")\""
        );
        assert_eq!(field("-3.5"), "-3.5");
        assert_eq!(field("+7"), "+7");
        assert_eq!(field("N"), "N");
    }
}
