//! `qingshan evaluate composite`: the comprehensive index of each station over a period
//! (`standards::composite`), from CNEMC hourly data: the daily files `date,hour,type,<station>…`
//! (`china_sites_*.csv`) or the long layout `station,date,hour,AQI,PM2.5,PM10,SO2,NO2,O3,CO,…`. Any number
//! of files, in any order; a file may hold hours outside the period.
//!
//! Output, CSV on stdout: `station,from,to,days,so2,no2,pm10,pm2_5,co_p95,o3_8h_p90,index`. A natural day's
//! values follow GB 3095 Table 4 (≥ 20 hours for a daily mean, HJ 663 for the daily maximum 8-hour O₃); a
//! CNEMC hour is labelled by its end, so the natural day D is labels 1–23 of D and label 0 of D + 1. A bad
//! row is reported on stderr with its file and line and skipped; the run then ends with an error status
//! after the good figures are printed.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::{self, BufWriter, Write};
use std::path::PathBuf;

use anyhow::Context;
use clap::{Args, ValueEnum};
use standards::air::{self, Gb3095};
use standards::aqi::HourlyReadings;
use standards::composite::{self, PeriodStatistics};
use standards::{Concentration, Date, Decimal, Pollutant};

/// Arguments of `qingshan evaluate composite`.
#[derive(Args, Debug)]
pub struct CompositeArgs {
    /// `cnemc`: CNEMC hourly data (the daily `china_sites_*.csv` files or the long station,date,hour layout).
    #[arg(long, value_enum)]
    format: Format,
    /// First day of the period (local, inclusive); default: the first day in the files.
    #[arg(long)]
    from: Option<Date>,
    /// Last day of the period (local, inclusive); default: the last day in the files.
    #[arg(long)]
    to: Option<Date>,
    /// The GB 3095 limits divided by: `auto` the version in force on the period's last day (GB 3095-2026
    /// from 2026-03-01), `2012`, or `2026` (transitional until 2030, final after).
    #[arg(long, value_enum, default_value_t = Standard::Auto)]
    standard: Standard,
    /// One or more input files.
    #[arg(long, num_args = 1.., required = true)]
    input: Vec<PathBuf>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum Format {
    Cnemc,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum Standard {
    Auto,
    #[value(name = "2012")]
    V2012,
    #[value(name = "2026")]
    V2026,
}

/// The six pollutants' hourly values, by `Pollutant::index`.
type Hour = [Option<Concentration>; 6];

/// The CNEMC column of each pollutant's 1-hour value.
const COLUMNS: [(&str, Pollutant); 6] = [
    ("SO2", Pollutant::So2),
    ("NO2", Pollutant::No2),
    ("CO", Pollutant::Co),
    ("O3", Pollutant::O3),
    ("PM10", Pollutant::Pm10),
    ("PM2.5", Pollutant::Pm2_5),
];

/// Every station's hours, by (label date, label hour).
#[derive(Default)]
struct Hours(HashMap<String, HashMap<(Date, u8), Hour>>);

impl Hours {
    fn set(&mut self, station: &str, key: (Date, u8), p: Pollutant, c: Concentration) {
        let hour = self
            .0
            .entry(station.to_string())
            .or_default()
            .entry(key)
            .or_default();
        hour[p.index()] = Some(c);
    }
}

fn date_and_hour(date: &str, hour: &str) -> Result<(Date, u8), String> {
    let d = Some(date)
        .filter(|d| d.len() == 8 && d.bytes().all(|b| b.is_ascii_digit()))
        .and_then(|d| Date::strptime("%Y%m%d", d).ok())
        .ok_or_else(|| format!("date {date:?} is not YYYYMMDD"))?;
    match hour.parse::<u8>() {
        Ok(h) if h < 24 => Ok((d, h)),
        _ => Err(format!("hour {hour:?} is not 0–23")),
    }
}

/// Reads one file into `hours`; bad rows go to `bad` as (line, message).
fn read(text: &str, hours: &mut Hours, bad: &mut impl FnMut(usize, String)) -> anyhow::Result<()> {
    let mut lines = text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty());
    let Some((_, header)) = lines.next() else {
        anyhow::bail!("the input is empty: expected a CNEMC header");
    };
    let header: Vec<&str> = header.trim_start_matches('\u{feff}').split(',').collect();
    let long = header.len() >= 3 && header[..3] == ["station", "date", "hour"];
    let wide = header.len() >= 4 && header[..3] == ["date", "hour", "type"];
    if !long && !wide {
        anyhow::bail!(
            "not CNEMC hourly data: the header must start with date,hour,type (china_sites files) or station,date,hour"
        );
    }
    // The long layout's column of each pollutant.
    let columns: Vec<(usize, Pollutant)> = COLUMNS
        .iter()
        .filter_map(|(name, p)| Some((header.iter().position(|h| h == name)?, *p)))
        .collect();
    for (index, line) in lines {
        let n = index + 1;
        let row: Vec<&str> = line.split(',').collect();
        if row.len() != header.len() {
            bad(
                n,
                format!("{} fields, the header has {}", row.len(), header.len()),
            );
            continue;
        }
        if long {
            let key = match date_and_hour(row[1], row[2]) {
                Ok(k) => k,
                Err(e) => {
                    bad(n, e);
                    continue;
                }
            };
            for (col, p) in &columns {
                match row[*col] {
                    "" => {}
                    cell => match Concentration::parse(*p, cell) {
                        Ok(c) => hours.set(row[0], key, *p, c),
                        Err(e) => bad(n, format!("station {}: {e}", row[0])),
                    },
                }
            }
        } else {
            let key = match date_and_hour(row[0], row[1]) {
                Ok(k) => k,
                Err(e) => {
                    bad(n, e);
                    continue;
                }
            };
            // The 24-hour, 8-hour and AQI rows are not inputs: the index is computed from the hours.
            let Some((_, p)) = COLUMNS.iter().find(|(t, _)| *t == row[2]) else {
                continue;
            };
            for (station, cell) in header[3..].iter().zip(&row[3..]) {
                if cell.is_empty() {
                    continue;
                }
                match Concentration::parse(*p, cell) {
                    Ok(c) => hours.set(station, key, *p, c),
                    Err(e) => bad(n, format!("station {station}: {e}")),
                }
            }
        }
    }
    Ok(())
}

/// The natural days of a station's hours: each label's date, except label 0 (the previous day's last hour).
fn days_of(hours: &HashMap<(Date, u8), Hour>) -> BTreeSet<Date> {
    hours
        .keys()
        .filter(|(_, h)| *h > 0)
        .map(|(d, _)| *d)
        .collect()
}

/// A station's daily values on `day` (GB 3095 Table 4 validity).
fn daily(hours: &HashMap<(Date, u8), Hour>, day: Date) -> standards::aqi::DailyReadings {
    let readings: [HourlyReadings; 24] = std::array::from_fn(|i| {
        let label = if i == 23 {
            day.tomorrow().ok().map(|d| (d, 0))
        } else {
            Some((day, i as u8 + 1))
        };
        let hour = label.and_then(|k| hours.get(&k));
        let v = |p: Pollutant| hour.and_then(|h| h[p.index()]);
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
    air::daily_readings(day, &readings)
}

fn cell(c: Option<Concentration>) -> String {
    c.map(|c| c.to_string()).unwrap_or_default()
}

/// Two decimals, always (`3.80`).
fn two_places(d: Decimal) -> String {
    let s = d.to_string();
    match s.split_once('.') {
        None => format!("{s}.00"),
        Some((i, f)) => format!("{i}.{f:0<2}"),
    }
}

/// Runs `qingshan evaluate composite`.
pub fn run(args: CompositeArgs) -> anyhow::Result<()> {
    let Format::Cnemc = args.format;
    let mut hours = Hours::default();
    let mut errors = 0usize;
    for path in &args.input {
        let bytes =
            std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
        let shown = path.display().to_string();
        let mut bad = |line: usize, message: String| {
            errors += 1;
            eprintln!("{shown}:{line}: {message}");
        };
        read(&String::from_utf8_lossy(&bytes), &mut hours, &mut bad)
            .with_context(|| format!("reading {shown}"))?;
    }
    let all: BTreeSet<Date> = hours.0.values().flat_map(days_of).collect();
    let (Some(first), Some(last)) = (all.first(), all.last()) else {
        anyhow::bail!("no hourly values in the input");
    };
    let (from, to) = (args.from.unwrap_or(*first), args.to.unwrap_or(*last));
    if to < from {
        anyhow::bail!("--to {to} is before --from {from}");
    }
    let standard = match args.standard {
        Standard::Auto => Gb3095::in_force_on(to),
        Standard::V2012 => Gb3095::V2012,
        Standard::V2026 => Gb3095::in_force_on(to.max(jiff::civil::date(2026, 3, 1))),
    };
    let stations: BTreeMap<&String, &HashMap<(Date, u8), Hour>> = hours.0.iter().collect();
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let written = (|| -> io::Result<()> {
        writeln!(
            out,
            "station,from,to,days,so2,no2,pm10,pm2_5,co_p95,o3_8h_p90,index"
        )?;
        for (station, hours) in stations {
            let days: Vec<_> = days_of(hours)
                .into_iter()
                .filter(|d| (from..=to).contains(d))
                .map(|d| daily(hours, d))
                .collect();
            let s: PeriodStatistics = composite::period_statistics(&days);
            if s.days == 0 {
                continue;
            }
            writeln!(
                out,
                "{station},{from},{to},{},{},{},{},{},{},{},{}",
                s.days,
                cell(s.so2),
                cell(s.no2),
                cell(s.pm10),
                cell(s.pm2_5),
                cell(s.co_p95),
                cell(s.o3_8h_p90),
                composite::index(standard, &s)
                    .map(two_places)
                    .unwrap_or_default()
            )?;
        }
        out.flush()
    })();
    match written {
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => return Ok(()),
        other => other.context("cannot write to stdout")?,
    }
    if errors > 0 {
        anyhow::bail!("{errors} bad row(s) skipped (see above)");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_decimals_always() {
        assert_eq!(two_places("3.8".parse().unwrap()), "3.80");
        assert_eq!(two_places("4".parse().unwrap()), "4.00");
        assert_eq!(two_places("3.82".parse().unwrap()), "3.82");
    }

    #[test]
    fn both_layouts_read_the_same_hour() {
        let (mut a, mut b) = (Hours::default(), Hours::default());
        let mut bad = |_: usize, m: String| panic!("{m}");
        read(
            "date,hour,type,2596A\n20190101,1,PM2.5,10\n20190101,1,AQI,33\n",
            &mut a,
            &mut bad,
        )
        .unwrap();
        read(
            "station,date,hour,AQI,PM2.5\n2596A,20190101,1,33,10\n",
            &mut b,
            &mut bad,
        )
        .unwrap();
        let key = (jiff::civil::date(2019, 1, 1), 1);
        assert_eq!(a.0["2596A"][&key], b.0["2596A"][&key]);
        assert_eq!(
            a.0["2596A"][&key][Pollutant::Pm2_5.index()],
            Some(Concentration::from_int(10))
        );
        assert!(read("a,b,c\n", &mut a, &mut bad).is_err());
    }
}
