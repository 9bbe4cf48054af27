//! The single-factor class against the official record: the national weekly surface-water bulletin
//! (全国主要流域重点断面水质自动监测周报, 2012–2018 sample) and the 2007 gov.cn table.
//!
//! The bulletin evaluates pH, DO, CODMn and NH3-N; the published class must be reproduced on at least
//! 99.5 % of the rows. The rows that differ are listed: they look like transcription errors in the
//! compilation (e.g. CODMn recorded as 0, a class-1 row at 天津果河桥), see `../shared/data/README.md`.

use standards::Decimal;
use standards::water::{Parameter, WaterClass, WaterbodyKind, evaluate};

/// Splits one CSV line, honouring double quotes (the gov.cn excerpt quotes its pollutant lists).
fn split_csv(line: &str) -> Vec<String> {
    let mut fields = vec![String::new()];
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                chars.next();
                fields.last_mut().unwrap().push('"');
            }
            '"' => quoted = !quoted,
            ',' if !quoted => fields.push(String::new()),
            _ => fields.last_mut().unwrap().push(c),
        }
    }
    fields
}

const FOUR: [Parameter; 4] = [
    Parameter::Ph,
    Parameter::DissolvedOxygen,
    Parameter::PermanganateIndex,
    Parameter::AmmoniaNitrogen,
];

fn class_of(values: &[String]) -> WaterClass {
    let sample: Vec<(Parameter, Decimal)> = FOUR
        .iter()
        .zip(values)
        .map(|(&p, v)| {
            (
                p,
                v.parse::<Decimal>()
                    .unwrap_or_else(|e| panic!("{p} {v:?}: {e}")),
            )
        })
        .collect();
    evaluate(WaterbodyKind::River, &sample).unwrap().class
}

#[test]
fn weekly_bulletin_2012_2018_is_reproduced() {
    let Some(path) = testdata::shared("data/water/weekly_2012_2018_sample_every10th.csv") else {
        return;
    };
    let text = std::fs::read_to_string(&path).unwrap();
    let mut lines = text.lines();
    let header = split_csv(lines.next().unwrap());
    // 水系,点位名称,河流名称,pH,DO(mg/l),CODMn(mg/l),NH3-N(mg/l),本周水质
    let columns: Vec<Option<Parameter>> =
        header[3..7].iter().map(|h| Parameter::lookup(h)).collect();
    assert_eq!(columns, FOUR.map(Some), "header {header:?}");

    let (mut rows, mut matched) = (0usize, 0usize);
    let mut differ = Vec::new();
    for (i, line) in lines.enumerate() {
        let f = split_csv(line);
        let published = WaterClass::from_number(f[7].trim().parse().unwrap()).unwrap();
        let computed = class_of(&f[3..7]);
        rows += 1;
        if computed == published {
            matched += 1;
        } else {
            differ.push(format!(
                "  line {:>4} {} pH {} DO {} CODMn {} NH3-N {}: published {}, computed {}",
                i + 2,
                f[1],
                f[3],
                f[4],
                f[5],
                f[6],
                published,
                computed
            ));
        }
    }
    let rate = matched as f64 / rows as f64;
    println!(
        "weekly bulletin: {matched} of {rows} rows reproduce the published class ({:.2} %); {} differ:",
        rate * 100.0,
        differ.len()
    );
    for d in &differ {
        println!("{d}");
    }
    assert!(rows > 3000, "expected the full sample, got {rows} rows");
    // 99.5 % exactly: matched / rows ≥ 995 / 1000, in integers.
    assert!(
        matched * 1000 >= rows * 995,
        "match rate {:.3} % is below 99.5 %",
        rate * 100.0
    );
}

#[test]
fn govcn_2007_week_2_is_reproduced() {
    let Some(path) = testdata::shared("data/water/govcn_2007w02_excerpt.csv") else {
        return;
    };
    let text = std::fs::read_to_string(&path).unwrap();
    let mut lines = text.lines();
    // 序号,水系,点位名称,断面情况,pH,DO,CODMn,NH3-N,本周水质类别,上周水质类别,主要污染指标,发布日期
    let _header = lines.next();
    let mut rows = 0;
    for line in lines {
        let f = split_csv(line);
        let published = f[8]
            .replace('Ⅰ', "I")
            .replace('Ⅱ', "II")
            .replace('Ⅲ', "III")
            .replace('Ⅳ', "IV")
            .replace('Ⅴ', "V");
        let sample: Vec<(Parameter, Decimal)> = FOUR
            .iter()
            .zip(&f[4..8])
            .map(|(&p, v)| (p, v.parse().unwrap()))
            .collect();
        let evaluation = evaluate(WaterbodyKind::River, &sample).unwrap();
        assert_eq!(evaluation.class.label(), published, "{}", f[2]);
        // The published main pollutants (主要污染指标) are the limiting parameters when worse than III.
        let mut published_main: Vec<Parameter> = f[10]
            .split([',', '，'])
            .filter(|s| !s.is_empty())
            .map(|s| Parameter::lookup(s).unwrap_or_else(|| panic!("{s:?}")))
            .collect();
        let mut computed_main: Vec<Parameter> = evaluation
            .main_pollutants()
            .iter()
            .map(|r| r.parameter)
            .collect();
        published_main.sort();
        computed_main.sort();
        assert_eq!(computed_main, published_main, "{}", f[2]);
        rows += 1;
    }
    assert_eq!(rows, 6);
}
