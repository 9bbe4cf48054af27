//! `qingshan evaluate water`: the GB 3838-2002 class of each row of a CSV file.
//!
//! Input: CSV whose first column identifies the row (section, sample, date …) and whose other columns
//! name parameters by HJ 212 factor code (`w21003`) or name (`ph,do,codmn,cod,bod5,nh3n,tp,tn,…`, also
//! `NH3-N`, `DO(mg/l)`, `氨氮`); values in the units of GB 3838-2002 (mg/L; pH; faecal coliform MPN/L);
//! an empty cell is a missing value. Columns that name no parameter are reported on stderr and ignored.
//!
//! Output on stdout: CSV `<identifier>,class,category,limiting`: class 1–6 (6 = worse than V), category
//! `I`…`V` or `劣V`, and the parameters that set the class separated by `;`, each with its exceedance
//! multiple over class III when it has one, e.g. `codmn(1.22);nh3n(0.77)` (环办〔2011〕22号).
//!
//! A result below the detection limit (`0.01L` or `<0.01`) is evaluated at the detection limit (an upper
//! bound for the class), with a note on stderr.
//!
//! A bad cell (not a number, negative, pH outside 0–14, more than six decimals) is reported on stderr with
//! its line, column and value, and the row is evaluated on its other cells; a row left with no
//! class-deciding value gets empty class cells. The exit status is non-zero when any cell was bad.

use std::io::{self, BufWriter, Read, Write};
use std::path::PathBuf;

use anyhow::Context;
use clap::{Args, ValueEnum};
use standards::Decimal;
use standards::water::{Evaluation, Parameter, WaterbodyKind, evaluate, validate};

/// Arguments of `qingshan evaluate water`.
#[derive(Args, Debug)]
pub struct WaterArgs {
    /// The input CSV file (`-` for standard input). First column: an identifier; other columns: parameters
    /// by HJ 212 code or name (ph, do, codmn, cod, bod5, nh3n, tp, tn, cu, zn, f, se, as, hg, cd, cr6, pb,
    /// cn, vphen, oil, las, s2, fc, …), in mg/L (pH dimensionless).
    #[arg(long)]
    input: PathBuf,
    /// `river` (rivers and river-type reservoirs) or `lake` (lakes and reservoirs): selects the total
    /// phosphorus limits of GB 3838-2002 Table 1 item 8.
    #[arg(long, value_enum, default_value_t = Waterbody::River)]
    waterbody: Waterbody,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum Waterbody {
    /// Rivers, canals, river-type reservoirs.
    River,
    /// Lakes and reservoirs.
    #[value(alias = "reservoir")]
    Lake,
}

impl From<Waterbody> for WaterbodyKind {
    fn from(w: Waterbody) -> WaterbodyKind {
        match w {
            Waterbody::River => WaterbodyKind::River,
            Waterbody::Lake => WaterbodyKind::LakeOrReservoir,
        }
    }
}

/// Runs `qingshan evaluate water`.
pub fn run(args: WaterArgs) -> anyhow::Result<()> {
    let source = args.input.display().to_string();
    let bytes = if source == "-" {
        let mut buf = Vec::new();
        io::stdin()
            .read_to_end(&mut buf)
            .context("cannot read standard input")?;
        buf
    } else {
        std::fs::read(&args.input).with_context(|| format!("cannot read {source}"))?
    };
    let text = String::from_utf8(bytes).map_err(|e| {
        anyhow::anyhow!(
            "{source}: not UTF-8 text (byte {} is invalid; a GBK file can be converted with `iconv -f GBK -t UTF-8`)",
            e.utf8_error().valid_up_to()
        )
    })?;
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let mut diagnostics = io::stderr().lock();
    let outcome = evaluate_csv(
        &text,
        args.waterbody.into(),
        &source,
        &mut out,
        &mut diagnostics,
    );
    let bad_cells = match outcome {
        Err(Failure::Write(e)) if e.kind() == io::ErrorKind::BrokenPipe => return Ok(()),
        Err(Failure::Write(e)) => return Err(e).context("cannot write to stdout"),
        Err(Failure::Input(message)) => anyhow::bail!("{source}: {message}"),
        Ok(bad) => bad,
    };
    match out.flush() {
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => return Ok(()),
        other => other.context("cannot write to stdout")?,
    }
    if bad_cells > 0 {
        anyhow::bail!(
            "{bad_cells} bad cell(s) in {source} (see above); those rows were evaluated without them"
        );
    }
    Ok(())
}

enum Failure {
    /// The input as a whole cannot be used (no header, no parameter column, …).
    Input(String),
    /// Writing the output failed.
    Write(io::Error),
}

impl From<io::Error> for Failure {
    fn from(e: io::Error) -> Failure {
        Failure::Write(e)
    }
}

/// Evaluates every row of `text`, writing CSV to `out` and diagnostics to `err`; returns the number of bad cells.
fn evaluate_csv(
    text: &str,
    kind: WaterbodyKind,
    source: &str,
    out: &mut impl Write,
    err: &mut impl Write,
) -> Result<usize, Failure> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut lines = text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty());
    let Some((_, header)) = lines.next() else {
        return Err(Failure::Input(
            "the input is empty: expected a header such as `section,ph,do,codmn,nh3n`".into(),
        ));
    };
    let header = split_csv(header).map_err(|e| Failure::Input(format!("line 1: {e}")))?;
    let columns = parameter_columns(&header, source, err)?;

    writeln!(
        out,
        "{},class,category,limiting",
        platform::csv_out::field(header[0].trim())
    )?;
    let mut bad_cells = 0;
    let mut below_detection_cells = 0usize;
    let mut sample: Vec<(Parameter, Decimal)> = Vec::with_capacity(columns.len());
    for (index, line) in lines {
        let line_no = index + 1;
        let fields = match split_csv(line) {
            Ok(fields) => fields,
            Err(e) => {
                writeln!(err, "{source}:{line_no}: {e}; row skipped")?;
                bad_cells += 1;
                continue;
            }
        };
        if fields.len() > header.len() {
            writeln!(
                err,
                "{source}:{line_no}: {} fields but the header has {}; the extra fields are ignored",
                fields.len(),
                header.len()
            )?;
            bad_cells += 1;
        }
        sample.clear();
        for &(col, parameter) in &columns {
            let cell = fields.get(col).map_or("", |c| c.trim());
            if cell.is_empty() {
                continue;
            }
            match parse_value(parameter, cell) {
                Ok((value, below_detection)) => {
                    below_detection_cells += usize::from(below_detection);
                    sample.push((parameter, value));
                }
                Err(why) => {
                    writeln!(
                        err,
                        "{source}:{line_no}: column {} ({}): {why}",
                        col + 1,
                        header[col].trim()
                    )?;
                    bad_cells += 1;
                }
            }
        }
        let id = fields.first().map_or("", |f| f.trim());
        match evaluate(kind, &sample) {
            Ok(evaluation) => writeln!(
                out,
                "{},{},{},{}",
                platform::csv_out::field(id),
                evaluation.class.number(),
                evaluation.class.label(),
                limiting(&evaluation)
            )?,
            Err(e) => {
                writeln!(err, "{source}:{line_no}: {id}: {e}; class left empty")?;
                writeln!(out, "{},,,", platform::csv_out::field(id))?;
            }
        }
    }
    if below_detection_cells > 0 {
        writeln!(
            err,
            "note: {source}: {below_detection_cells} value(s) below the detection limit (`0.01L` or `<0.01`) were evaluated at the detection limit, an upper bound"
        )?;
    }
    Ok(bad_cells)
}

/// Maps header columns 2.. to parameters; warns about unknown columns; fails on duplicates or none.
fn parameter_columns(
    header: &[String],
    source: &str,
    err: &mut impl Write,
) -> Result<Vec<(usize, Parameter)>, Failure> {
    let mut columns: Vec<(usize, Parameter)> = Vec::new();
    for (col, name) in header.iter().enumerate().skip(1) {
        match Parameter::lookup(name) {
            Some(p) => {
                if let Some(&(first, _)) = columns.iter().find(|(_, q)| *q == p) {
                    return Err(Failure::Input(format!(
                        "columns {} ({}) and {} ({}) both name {} ({})",
                        first + 1,
                        header[first].trim(),
                        col + 1,
                        name.trim(),
                        p.short_name(),
                        p.english_name()
                    )));
                }
                columns.push((col, p));
            }
            None => writeln!(
                err,
                "warning: {source}: column {} {:?} is not a water-quality parameter (HJ 212 code or name such as nh3n); ignored",
                col + 1,
                name.trim()
            )?,
        }
    }
    if columns.is_empty() {
        return Err(Failure::Input(format!(
            "the header names no water-quality parameter after the identifier column: {}",
            header.join(",")
        )));
    }
    Ok(columns)
}

/// Reads one cell as a value of `parameter`, or says why not (naming the value).
///
/// A result below the detection limit, written as the limit followed by `L` (`0.01L`, as Chinese
/// monitoring reports write it) or preceded by `<` (`<0.01`), is evaluated at the detection limit: the
/// true value is at most that, so the class found is an upper bound (never better than the truth allows).
/// Returns whether that happened.
fn parse_value(parameter: Parameter, cell: &str) -> Result<(Decimal, bool), String> {
    let (number, below_detection) = match (cell.strip_prefix('<'), cell.strip_suffix(['L', 'l'])) {
        (Some(rest), _) => (rest.trim(), true),
        (None, Some(rest)) if !rest.is_empty() => (rest.trim(), true),
        _ => (cell, false),
    };
    let value: Decimal = number
        .parse()
        .map_err(|e| format!("{cell:?} is not a usable number ({e})"))?;
    validate(parameter, value).map_err(|e| format!("{cell:?}: {e}"))?;
    Ok((value, below_detection))
}

/// `codmn(1.22);nh3n(0.77)`: the parameters that set the class, with their multiples over class III.
fn limiting(evaluation: &Evaluation) -> String {
    let parts: Vec<String> = evaluation
        .limiting()
        .iter()
        .map(|r| match r.exceedance {
            Some(m) => format!("{}({})", r.parameter.short_name(), two_places(m)),
            None => r.parameter.short_name().to_string(),
        })
        .collect();
    parts.join(";")
}

/// A multiple as printed in bulletins, with exactly two decimals: `0.20`, `1.22`.
fn two_places(m: Decimal) -> String {
    let hundredths = m.round_half_even(2).units() / 10_000;
    let sign = if hundredths < 0 { "-" } else { "" };
    let h = hundredths.unsigned_abs();
    format!("{sign}{}.{:02}", h / 100, h % 100)
}

/// Splits one CSV line (RFC 4180 quoting: `""` inside quotes is a quote); an unterminated quote is an error.
fn split_csv(line: &str) -> Result<Vec<String>, String> {
    let (mut fields, mut field, mut quoted) = (Vec::new(), String::new(), false);
    let mut chars = line.chars().peekable();
    while let Some(ch) = chars.next() {
        match ch {
            '"' if quoted && chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            '"' => quoted = !quoted,
            ',' if !quoted => fields.push(std::mem::take(&mut field)),
            _ => field.push(ch),
        }
    }
    if quoted {
        return Err("unterminated quote (a field cannot span lines)".into());
    }
    fields.push(field);
    Ok(fields)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run_on(text: &str) -> (String, String, usize) {
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let bad = match evaluate_csv(text, WaterbodyKind::River, "t.csv", &mut out, &mut err) {
            Ok(bad) => bad,
            Err(Failure::Input(m)) => panic!("{m}"),
            Err(Failure::Write(e)) => panic!("{e}"),
        };
        (
            String::from_utf8(out).unwrap(),
            String::from_utf8(err).unwrap(),
            bad,
        )
    }

    #[test]
    fn rows_classes_and_limiting() {
        let (out, err, bad) = run_on("site,ph,do,codmn,nh3n\nA,7.66,6.03,13.3,1.77\nB,7,8,2,0.1\n");
        assert_eq!(
            out,
            "site,class,category,limiting\nA,5,V,codmn(1.22);nh3n(0.77)\nB,1,I,do;codmn;nh3n\n"
        );
        assert_eq!((err.as_str(), bad), ("", 0));
    }

    #[test]
    fn bad_cells_are_named_and_skipped() {
        let (out, err, bad) = run_on("site,ph,nh3n,colour\nA,abc,1.2,5\nB,,,\n");
        assert_eq!(
            out,
            "site,class,category,limiting\nA,4,IV,nh3n(0.20)\nB,,,\n"
        );
        assert!(err.contains("column 4 \"colour\""), "{err}");
        assert!(
            err.contains("t.csv:2: column 2 (ph): \"abc\" is not a usable number"),
            "{err}"
        );
        assert!(err.contains("t.csv:3: B: the sample has none"), "{err}");
        assert_eq!(bad, 1);
    }

    #[test]
    fn below_detection_limit_is_an_upper_bound() {
        let (out, err, bad) = run_on("site,hg,nh3n\nA,0.00001L,<0.02\nB,L,0.1\n");
        assert_eq!(
            out,
            "site,class,category,limiting\nA,1,I,nh3n;hg\nB,1,I,nh3n\n"
        );
        assert!(
            err.contains("t.csv:3: column 2 (hg): \"L\" is not a usable number"),
            "{err}"
        );
        assert!(
            err.contains("2 value(s) below the detection limit"),
            "{err}"
        );
        assert_eq!(bad, 1);
    }

    #[test]
    fn quoting() {
        assert_eq!(
            split_csv(r#"a,"b,c","d""e""#).unwrap(),
            ["a", "b,c", "d\"e"]
        );
        assert!(split_csv(r#"a,"b"#).is_err());
        assert_eq!(platform::csv_out::field("a,b"), "\"a,b\"");
    }
}
