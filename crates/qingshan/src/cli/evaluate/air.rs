//! `qingshan evaluate air`: the AQI of each row of a CSV file, by HJ 633-2012 or HJ 633-2026.
//!
//! Input is either plain CSV (`station,time,so2,no2,co,o3,pm10,pm2_5[,o3_8h]`, one row per station and
//! hour or day) or a CNEMC daily file (`date,hour,type,<station>...`). Output is CSV on stdout:
//! `station,time,aqi,level,category,primary,iaqi_so2,iaqi_no2,iaqi_co,iaqi_o3,iaqi_o3_8h,iaqi_pm10,iaqi_pm2_5`.
//! A bad row is reported on stderr with its line and value and skipped; the run then ends with an error
//! status after the good rows are printed.

use std::collections::HashMap;
use std::fs::File;
use std::io::{self, BufRead, BufReader, BufWriter, Write};
use std::path::PathBuf;

use anyhow::Context;
use clap::{Args, ValueEnum};
use standards::air;
use standards::aqi::{
    AqiReport, AqiVersion, DailyReadings, HourlyReadings, HourlyRules, Indicator, daily_aqi,
    hourly_aqi,
};
use standards::{Concentration, Date, Pollutant};

/// Arguments of `qingshan evaluate air`.
#[derive(Args, Debug)]
pub struct AirArgs {
    /// The input file.
    #[arg(long)]
    input: PathBuf,
    /// `csv`: header `station,time,so2,no2,co,o3,pm10,pm2_5` (optional `o3_8h`, and for the strict 2012
    /// hourly method `so2_24h,pm10_24h,pm2_5_24h`); µg/m³, CO mg/m³; empty cell = missing; time
    /// `YYYY-MM-DD HH:MM` local (`YYYY-MM-DD` accepted in daily mode). `cnemc`: a CNEMC daily file.
    #[arg(long, value_enum, default_value_t = Format::Csv)]
    format: Format,
    /// `hourly`: 1-hour concentrations, real-time AQI. `daily`: daily means (`o3` = the day's maximum
    /// 1-hour value, `o3_8h` = the day's maximum 8-hour mean); with `--format cnemc` the daily values are
    /// computed from the file's hours (a CNEMC hour is labelled by its end; GB 3095 Table 4 validity).
    #[arg(long, value_enum, default_value_t = Mode::Hourly)]
    mode: Mode,
    /// `auto` picks HJ 633-2012 or HJ 633-2026 by each row's date (2026-03-01); `2012` or `2026` forces one.
    #[arg(long, value_enum, default_value_t = Standard::Auto)]
    standard: Standard,
    /// Hourly method: `published` reproduces the national platform's figures; `strict` reads the text
    /// literally (for 2012: PM from 24-hour moving means, O3 8-hour moving mean, SO2 > 800 from its 24-hour mean).
    #[arg(long, value_enum, default_value_t = Method::Published)]
    method: Method,
    /// Language of the `category` column.
    #[arg(long, value_enum, default_value_t = Lang::Zh)]
    lang: Lang,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum Format {
    Csv,
    Cnemc,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum Mode {
    Hourly,
    Daily,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum Standard {
    Auto,
    #[value(name = "2012")]
    V2012,
    #[value(name = "2026")]
    V2026,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum Method {
    Published,
    Strict,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum Lang {
    Zh,
    En,
}

/// A column that carries a concentration: the pollutant, and which value of it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Field {
    /// The main value: 1-hour (hourly mode) or daily mean / daily max 1-hour O3 (daily mode).
    Main(Pollutant),
    /// `o3_8h`: the 8-hour moving mean (hourly) or daily maximum 8-hour mean (daily).
    O3EightHour,
    /// `so2_24h`, `pm10_24h`, `pm2_5_24h`: 24-hour moving means (strict 2012 hourly only).
    Moving24h(Pollutant),
}

impl Field {
    fn from_header(name: &str) -> Option<Field> {
        let name = name.trim().to_ascii_lowercase();
        if name == "o3_8h" {
            return Some(Field::O3EightHour);
        }
        if let Some(base) = name.strip_suffix("_24h") {
            return Pollutant::from_code(base).map(Field::Moving24h);
        }
        Pollutant::from_code(&name).map(Field::Main)
    }

    fn pollutant(self) -> Pollutant {
        match self {
            Field::Main(p) | Field::Moving24h(p) => p,
            Field::O3EightHour => Pollutant::O3,
        }
    }

    /// Number of distinct fields (six main, `o3_8h`, six `_24h`).
    const COUNT: usize = 13;

    fn index(self) -> usize {
        match self {
            Field::Main(p) => p.index(),
            Field::O3EightHour => 6,
            Field::Moving24h(p) => 7 + p.index(),
        }
    }
}

/// The values of one row, by [`Field`]; `None` = missing.
#[derive(Clone, Copy, Default)]
struct Values([Option<Concentration>; Field::COUNT]);

impl Values {
    fn get(&self, field: Field) -> Option<Concentration> {
        self.0[field.index()]
    }

    fn set(&mut self, field: Field, value: Concentration) {
        self.0[field.index()] = Some(value);
    }

    fn is_empty(&self) -> bool {
        self.0.iter().all(Option::is_none)
    }

    fn has_main(&self) -> bool {
        self.0[..6].iter().any(Option::is_some)
    }
}

/// One input row after parsing: where, when, and the values present.
struct Row {
    station: String,
    time: String,
    date: Date,
    values: Values,
}

const OUTPUT_COLUMNS: [(&str, &[Indicator]); 7] = [
    ("iaqi_so2", &[Indicator::So2Hour, Indicator::So2Day]),
    ("iaqi_no2", &[Indicator::No2Hour, Indicator::No2Day]),
    ("iaqi_co", &[Indicator::CoHour, Indicator::CoDay]),
    ("iaqi_o3", &[Indicator::O3Hour]),
    ("iaqi_o3_8h", &[Indicator::O3EightHour]),
    ("iaqi_pm10", &[Indicator::Pm10Day]),
    ("iaqi_pm2_5", &[Indicator::Pm2_5Day]),
];

/// Runs `qingshan evaluate air`.
pub fn run(args: AirArgs) -> anyhow::Result<()> {
    let source = args.input.display().to_string();
    let mut errors = 0usize;
    let mut report_error = |line: usize, message: String| {
        errors += 1;
        eprintln!("{source}:{line}: {message}");
    };
    let stdout = io::stdout();
    let mut out = Output {
        out: BufWriter::new(stdout.lock()),
        args: &args,
    };
    let written = match args.format {
        // Plain CSV is streamed: a year of hourly data for a whole network needs no more memory than a row.
        Format::Csv => {
            let file = File::open(&args.input)
                .with_context(|| format!("cannot read {}", args.input.display()))?;
            stream_plain(BufReader::new(file), &args, &mut out, &mut report_error)?
        }
        // A CNEMC file is one day, pivoted (one line per hour and pollutant): read it whole.
        Format::Cnemc => {
            let bytes = std::fs::read(&args.input)
                .with_context(|| format!("cannot read {}", args.input.display()))?;
            let rows = read_cnemc(
                &String::from_utf8_lossy(&bytes),
                args.mode,
                &mut report_error,
            )?;
            out.header()
                .and_then(|()| rows.iter().try_for_each(|row| out.row(row)))
        }
    };
    match written.and_then(|()| out.out.flush()) {
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => return Ok(()),
        other => other.context("cannot write to stdout")?,
    }
    if errors > 0 {
        anyhow::bail!(
            "{errors} bad row(s) in {} skipped (see above)",
            args.input.display()
        );
    }
    Ok(())
}

/// Writes the output CSV.
struct Output<'a, W: Write> {
    out: W,
    args: &'a AirArgs,
}

impl<W: Write> Output<'_, W> {
    fn header(&mut self) -> io::Result<()> {
        let iaqi_header: Vec<&str> = OUTPUT_COLUMNS.iter().map(|(name, _)| *name).collect();
        writeln!(
            self.out,
            "station,time,aqi,level,category,primary,{}",
            iaqi_header.join(",")
        )
    }

    fn row(&mut self, row: &Row) -> io::Result<()> {
        let report = evaluate(row, self.args);
        let aqi = report.publishable_aqi();
        let level = aqi.map(standards::aqi::Level::of);
        let category = level.map_or("", |l| match self.args.lang {
            Lang::Zh => l.category_zh(),
            Lang::En => l.category_en(),
        });
        let primary = if aqi.is_some() {
            report.primary.labels()
        } else {
            String::new()
        };
        write!(
            self.out,
            "{},{},{},{},{},{}",
            platform::csv_out::field(&row.station),
            row.time,
            aqi.map_or(String::new(), |a| a.to_string()),
            level.map_or(String::new(), |l| l.to_string()),
            category,
            primary,
        )?;
        for (_, indicators) in OUTPUT_COLUMNS {
            let iaqi = indicators
                .iter()
                .filter_map(|i| report.sub_index(*i).map(|s| s.value))
                .max();
            match iaqi {
                Some(v) => write!(self.out, ",{v}")?,
                None => write!(self.out, ",")?,
            }
        }
        writeln!(self.out)
    }
}

fn evaluate(row: &Row, args: &AirArgs) -> AqiReport {
    let version = match args.standard {
        Standard::Auto => AqiVersion::in_force_on(row.date),
        Standard::V2012 => AqiVersion::Hj633_2012,
        Standard::V2026 => AqiVersion::Hj633_2026,
    };
    let v = |field| row.values.get(field);
    match args.mode {
        Mode::Hourly => {
            let rules = match args.method {
                Method::Published => HourlyRules::published(version, row.date),
                Method::Strict => HourlyRules::strict(version),
            };
            let readings = HourlyReadings {
                so2: v(Field::Main(Pollutant::So2)),
                no2: v(Field::Main(Pollutant::No2)),
                co: v(Field::Main(Pollutant::Co)),
                o3: v(Field::Main(Pollutant::O3)),
                pm10: v(Field::Main(Pollutant::Pm10)),
                pm2_5: v(Field::Main(Pollutant::Pm2_5)),
                so2_24h: v(Field::Moving24h(Pollutant::So2)),
                o3_8h: v(Field::O3EightHour),
                pm10_24h: v(Field::Moving24h(Pollutant::Pm10)),
                pm2_5_24h: v(Field::Moving24h(Pollutant::Pm2_5)),
            };
            hourly_aqi(&rules, &readings)
        }
        Mode::Daily => {
            let readings = DailyReadings {
                so2: v(Field::Main(Pollutant::So2)),
                no2: v(Field::Main(Pollutant::No2)),
                co: v(Field::Main(Pollutant::Co)),
                o3_1h_max: v(Field::Main(Pollutant::O3)),
                o3_8h_max: v(Field::O3EightHour),
                pm10: v(Field::Main(Pollutant::Pm10)),
                pm2_5: v(Field::Main(Pollutant::Pm2_5)),
            };
            daily_aqi(version, &readings)
        }
    }
}

/// Splits one CSV line, honouring double quotes (`""` inside quotes is a quote).
fn split_csv(line: &str) -> Vec<String> {
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
    fields.push(field);
    fields
}

/// Reads `YYYY-MM-DD HH:MM` (or `YYYY-MM-DD` when `date_only_ok`) into the day and a normalised text.
fn parse_time(text: &str, date_only_ok: bool) -> Result<(Date, String), String> {
    let text = text.trim();
    let (day, clock) = match text.split_once([' ', 'T']) {
        Some((d, c)) => (d, Some(c.trim())),
        None => (text, None),
    };
    let bad = || format!("time {text:?} is not YYYY-MM-DD HH:MM");
    let date: Date = day.parse().map_err(|_| bad())?;
    match clock {
        None if date_only_ok => Ok((date, date.to_string())),
        None => Err(bad()),
        Some(clock) => {
            let (h, m) = clock.split_once(':').ok_or_else(bad)?;
            let m = m.split(':').next().unwrap_or(m); // tolerate seconds
            let (h, m): (u8, u8) = (h.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
            // 24:00 is the end of the day, as hourly data is often labelled.
            if h > 24 || m > 59 || (h == 24 && m != 0) {
                return Err(bad());
            }
            Ok((date, format!("{date} {h:02}:{m:02}")))
        }
    }
}

/// The columns of a plain CSV header.
struct PlainLayout {
    names: Vec<String>,
    station: usize,
    time: usize,
    fields: Vec<(usize, Field)>,
}

impl PlainLayout {
    fn from_header(line: &str) -> anyhow::Result<PlainLayout> {
        let names: Vec<String> = split_csv(line.trim_start_matches('\u{feff}'))
            .into_iter()
            .map(|n| n.trim().to_string())
            .collect();
        let position = |name: &str| names.iter().position(|h| h.eq_ignore_ascii_case(name));
        let (Some(station), Some(time)) = (position("station"), position("time")) else {
            anyhow::bail!(
                "the header must name `station` and `time` columns, found: {}",
                names.join(",")
            );
        };
        let mut fields = Vec::new();
        for (i, name) in names.iter().enumerate() {
            if i == station || i == time {
                continue;
            }
            match Field::from_header(name) {
                Some(field) => fields.push((i, field)),
                None => anyhow::bail!(
                    "unknown column {name:?} in the header (expected so2,no2,co,o3,pm10,pm2_5,o3_8h or <pollutant>_24h)"
                ),
            }
        }
        if fields.is_empty() {
            anyhow::bail!("the header names no pollutant column");
        }
        Ok(PlainLayout {
            names,
            station,
            time,
            fields,
        })
    }

    /// One data line as a row, or the message naming what is wrong with it.
    fn row(&self, line: &str, mode: Mode) -> Result<Row, String> {
        let cells = split_csv(line);
        if cells.len() != self.names.len() {
            return Err(format!(
                "{} fields, the header has {}",
                cells.len(),
                self.names.len()
            ));
        }
        let (date, time) = parse_time(&cells[self.time], mode == Mode::Daily)?;
        let mut values = Values::default();
        for (i, field) in &self.fields {
            let cell = cells[*i].trim();
            if !cell.is_empty() {
                let c = Concentration::parse(field.pollutant(), cell)
                    .map_err(|e| format!("column {}: {e}", self.names[*i]))?;
                values.set(*field, c);
            }
        }
        Ok(Row {
            station: cells[self.station].trim().to_string(),
            time,
            date,
            values,
        })
    }
}

/// Reads plain CSV line by line and writes each evaluated row as it goes.
fn stream_plain(
    mut reader: impl BufRead,
    args: &AirArgs,
    out: &mut Output<'_, impl Write>,
    report_error: &mut impl FnMut(usize, String),
) -> anyhow::Result<io::Result<()>> {
    let mut buffer = Vec::new();
    let mut line_number = 0usize;
    let mut next_line =
        |buffer: &mut Vec<u8>, line_number: &mut usize| -> anyhow::Result<Option<String>> {
            buffer.clear();
            let read = reader
                .read_until(b'\n', buffer)
                .with_context(|| format!("cannot read {}", args.input.display()))?;
            *line_number += 1;
            Ok((read > 0).then(|| {
                String::from_utf8_lossy(buffer)
                    .trim_end_matches(['\n', '\r'])
                    .to_string()
            }))
        };
    let layout = loop {
        match next_line(&mut buffer, &mut line_number)? {
            None => anyhow::bail!(
                "the input is empty: expected a header station,time,so2,no2,co,o3,pm10,pm2_5"
            ),
            Some(line) if line.trim().is_empty() => continue,
            Some(line) => break PlainLayout::from_header(&line)?,
        }
    };
    let moving = layout
        .fields
        .iter()
        .any(|(_, f)| !matches!(f, Field::Main(_)));
    if args.mode == Mode::Hourly && args.method == Method::Published && moving {
        eprintln!(
            "note: the published hourly method uses the 1-hour columns only; \
             o3_8h and <pollutant>_24h are read by --method strict"
        );
    }
    if let Err(e) = out.header() {
        return Ok(Err(e));
    }
    while let Some(line) = next_line(&mut buffer, &mut line_number)? {
        if line.trim().is_empty() {
            continue;
        }
        match layout.row(&line, args.mode) {
            Ok(row) => {
                if let Err(e) = out.row(&row) {
                    return Ok(Err(e));
                }
            }
            Err(message) => report_error(line_number, message),
        }
    }
    Ok(Ok(()))
}

/// The `type`s of a CNEMC daily file that carry 1-hour values, and the field each fills.
const CNEMC_TYPES: [(&str, Field); 10] = [
    ("SO2", Field::Main(Pollutant::So2)),
    ("NO2", Field::Main(Pollutant::No2)),
    ("CO", Field::Main(Pollutant::Co)),
    ("O3", Field::Main(Pollutant::O3)),
    ("PM10", Field::Main(Pollutant::Pm10)),
    ("PM2.5", Field::Main(Pollutant::Pm2_5)),
    ("O3_8h", Field::O3EightHour),
    ("SO2_24h", Field::Moving24h(Pollutant::So2)),
    ("PM10_24h", Field::Moving24h(Pollutant::Pm10)),
    ("PM2.5_24h", Field::Moving24h(Pollutant::Pm2_5)),
];

/// Reads a CNEMC daily file (`date,hour,type,<station>...`). Hourly mode: one row per station-hour with
/// any value. Daily mode: one row per station and natural day (see [`daily_rows`]).
fn read_cnemc(
    text: &str,
    mode: Mode,
    report_error: &mut impl FnMut(usize, String),
) -> anyhow::Result<Vec<Row>> {
    let mut lines = text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty());
    let Some((_, header)) = lines.next() else {
        anyhow::bail!("the input is empty: expected a CNEMC header date,hour,type,<station>...");
    };
    let header: Vec<&str> = header.trim_start_matches('\u{feff}').split(',').collect();
    if header.len() < 4 || header[..3] != ["date", "hour", "type"] {
        anyhow::bail!("not a CNEMC daily file: the header must start with date,hour,type");
    }
    let stations = &header[3..];
    // (date, hour) in file order, and per station its values.
    let mut order: Vec<(Date, u8)> = Vec::new();
    let mut cells: HashMap<(Date, u8), Vec<Values>> = HashMap::new();
    for (index, line) in lines {
        let line_number = index + 1;
        let row: Vec<&str> = line.split(',').collect();
        if row.len() != header.len() {
            report_error(
                line_number,
                format!("{} fields, the header has {}", row.len(), header.len()),
            );
            continue;
        }
        let date = match Date::strptime("%Y%m%d", row[0]) {
            Ok(d) => d,
            Err(_) => {
                report_error(line_number, format!("date {:?} is not YYYYMMDD", row[0]));
                continue;
            }
        };
        let hour = match row[1].parse::<u8>() {
            Ok(h) if h < 24 => h,
            _ => {
                report_error(line_number, format!("hour {:?} is not 0–23", row[1]));
                continue;
            }
        };
        let Some(field) = CNEMC_TYPES
            .iter()
            .find(|(t, _)| *t == row[2])
            .map(|(_, f)| *f)
        else {
            continue; // AQI and the other 24-hour types are not inputs
        };
        let key = (date, hour);
        let per_station = cells.entry(key).or_insert_with(|| {
            order.push(key);
            vec![Values::default(); stations.len()]
        });
        for (s, cell) in row[3..].iter().enumerate() {
            if cell.is_empty() {
                continue;
            }
            match Concentration::parse(field.pollutant(), cell) {
                Ok(c) => per_station[s].set(field, c),
                Err(e) => report_error(line_number, format!("station {}: {e}", stations[s])),
            }
        }
    }
    Ok(match mode {
        Mode::Hourly => {
            let mut rows = Vec::new();
            for key in &order {
                for (s, values) in cells[key].iter().enumerate() {
                    if values.has_main() {
                        rows.push(Row {
                            station: stations[s].to_string(),
                            time: format!("{} {:02}:00", key.0, key.1),
                            date: key.0,
                            values: *values,
                        });
                    }
                }
            }
            rows
        }
        Mode::Daily => daily_rows(stations, &order, &cells),
    })
}

/// Daily values per station and natural day from a CNEMC file, by [`air::daily_readings`] (GB 3095 Table 4
/// validity, HJ 663-2013 daily maximum 8-hour O3).
///
/// CNEMC labels an hour by its end: label `h` of date D is `(h−1):00–h:00`, so the natural day D is labels
/// 1–23 of D plus label 0 of D+1 (24:00), and label 0 of D belongs to D−1. (The published `O3_8h` series
/// shows it: at labels 1–7 it averages labels 1…h, never label 0.) A single daily file therefore gives 23
/// of D's 24 hours, enough for a valid daily mean (≥ 20).
fn daily_rows(
    stations: &[&str],
    order: &[(Date, u8)],
    cells: &HashMap<(Date, u8), Vec<Values>>,
) -> Vec<Row> {
    // Natural days present: the label's date, or the day before for label 0.
    let mut dates: Vec<Date> = order
        .iter()
        .filter_map(|(d, h)| {
            if *h == 0 {
                d.yesterday().ok()
            } else {
                Some(*d)
            }
        })
        .collect();
    dates.sort();
    dates.dedup();
    let mut rows = Vec::new();
    for date in dates {
        // hours[i] = i:00–(i+1):00 of `date` = label i+1, with label 24 being the next date's label 0.
        let label = |i: usize| -> Option<(Date, u8)> {
            if i == 23 {
                date.tomorrow().ok().map(|d| (d, 0))
            } else {
                Some((date, i as u8 + 1))
            }
        };
        for (s, station) in stations.iter().enumerate() {
            let hours: [HourlyReadings; 24] = std::array::from_fn(|i| {
                let values = label(i).and_then(|key| cells.get(&key)).map(|c| &c[s]);
                let v = |p| values.and_then(|m| m.get(Field::Main(p)));
                HourlyReadings {
                    so2: v(Pollutant::So2),
                    no2: v(Pollutant::No2),
                    co: v(Pollutant::Co),
                    o3: v(Pollutant::O3),
                    pm10: v(Pollutant::Pm10),
                    pm2_5: v(Pollutant::Pm2_5),
                    ..Default::default()
                }
            });
            let day = air::daily_readings(date, &hours);
            let mut values = Values::default();
            for (field, value) in [
                (Field::Main(Pollutant::So2), day.so2),
                (Field::Main(Pollutant::No2), day.no2),
                (Field::Main(Pollutant::Co), day.co),
                (Field::Main(Pollutant::O3), day.o3_1h_max),
                (Field::O3EightHour, day.o3_8h_max),
                (Field::Main(Pollutant::Pm10), day.pm10),
                (Field::Main(Pollutant::Pm2_5), day.pm2_5),
            ] {
                if let Some(value) = value {
                    values.set(field, value);
                }
            }
            if !values.is_empty() {
                rows.push(Row {
                    station: station.to_string(),
                    time: date.to_string(),
                    date,
                    values,
                });
            }
        }
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times() {
        assert_eq!(
            parse_time("2019-03-22 07:00", false).unwrap().1,
            "2019-03-22 07:00"
        );
        assert_eq!(
            parse_time("2019-03-22T7:00:00", false).unwrap().1,
            "2019-03-22 07:00"
        );
        assert!(parse_time("2019-03-22", false).is_err());
        assert_eq!(parse_time("2019-03-22", true).unwrap().1, "2019-03-22");
        assert!(parse_time("2019-02-30 01:00", false).is_err());
        assert!(parse_time("2019-03-22 25:00", false).is_err());
    }

    #[test]
    fn csv_quoting() {
        assert_eq!(
            split_csv(r#"a,"b,c","d""e",,"#),
            ["a", "b,c", "d\"e", "", ""]
        );
        assert_eq!(platform::csv_out::field("x,y"), "\"x,y\"");
    }

    #[test]
    fn header_fields() {
        assert_eq!(
            Field::from_header("PM2.5"),
            Some(Field::Main(Pollutant::Pm2_5))
        );
        assert_eq!(Field::from_header("o3_8h"), Some(Field::O3EightHour));
        assert_eq!(
            Field::from_header("pm10_24h"),
            Some(Field::Moving24h(Pollutant::Pm10))
        );
        assert_eq!(Field::from_header("tsp"), None);
    }
}
