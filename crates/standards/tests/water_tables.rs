//! The GB 3838-2002 tables encoded in `standards::water` agree with `../shared/reference/standards/gb3838_limits.csv`.

use standards::Decimal;
use standards::water::{
    Criterion, MicrogramsPerLitre, Parameter, SpecificItem, WaterbodyKind, criterion,
    supplementary_limit,
};

fn split_csv(line: &str) -> Vec<String> {
    let mut fields = vec![String::new()];
    let mut quoted = false;
    for c in line.chars() {
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => fields.push(String::new()),
            _ => fields.last_mut().unwrap().push(c),
        }
    }
    fields
}

fn table1_parameter(code: &str) -> Option<(Parameter, WaterbodyKind)> {
    use Parameter::*;
    let river = WaterbodyKind::River;
    Some(match code {
        "WT" => return None,
        "pH" => (Ph, river),
        "DO" => (DissolvedOxygen, river),
        "CODMn" => (PermanganateIndex, river),
        "COD" => (Cod, river),
        "BOD5" => (Bod5, river),
        "NH3N" => (AmmoniaNitrogen, river),
        "TP" => (TotalPhosphorus, river),
        "TP_LAKE" => (TotalPhosphorus, WaterbodyKind::LakeOrReservoir),
        "TN" => (TotalNitrogen, WaterbodyKind::LakeOrReservoir),
        "Cu" => (Copper, river),
        "Zn" => (Zinc, river),
        "F" => (Fluoride, river),
        "Se" => (Selenium, river),
        "As" => (Arsenic, river),
        "Hg" => (Mercury, river),
        "Cd" => (Cadmium, river),
        "Cr6" => (Chromium6, river),
        "Pb" => (Lead, river),
        "CN" => (Cyanide, river),
        "VPhen" => (VolatilePhenol, river),
        "Oil" => (Petroleum, river),
        "LAS" => (AnionicSurfactant, river),
        "S2" => (Sulfide, river),
        "FC" => (FaecalColiform, river),
        "SO4" => (Sulfate, river),
        "Cl" => (Chloride, river),
        "NO3N" => (Nitrate, river),
        "Fe" => (Iron, river),
        "Mn" => (Manganese, river),
        other => panic!("unexpected code {other}"),
    })
}

#[test]
fn tables_match_the_reference_csv() {
    let Some(path) = testdata::shared("reference/standards/gb3838_limits.csv") else {
        return;
    };
    let text = std::fs::read_to_string(path).unwrap();
    let (mut t1, mut t2, mut t3) = (0, 0, 0);
    for line in text.lines().skip(1) {
        // table,no,code,item,unit,I,II,III,IV,V,direction,...
        let f = split_csv(line);
        let (table, no, code) = (f[0].as_str(), f[1].parse::<u8>().unwrap(), f[2].as_str());
        match table {
            "1" => {
                let Some((p, kind)) = table1_parameter(code) else {
                    continue;
                };
                assert_eq!(p.gb3838_item(), (1, no), "{code}");
                let got = criterion(p, kind).unwrap();
                let column = |i: usize| Decimal::parse_rounded(&f[5 + i]).unwrap();
                let expected = match f[10].as_str() {
                    "range" => Criterion::Range {
                        low: Decimal::from_int(6),
                        high: Decimal::from_int(9),
                    },
                    "higher_better" => Criterion::AtLeast(std::array::from_fn(column)),
                    "lower_better" => Criterion::AtMost(std::array::from_fn(column)),
                    other => panic!("{other}"),
                };
                assert_eq!(got, expected, "{code}");
                assert_eq!(p.decides_class(), f[11] == "yes", "{code}");
                t1 += 1;
            }
            "2" => {
                let (p, _) = table1_parameter(code).unwrap();
                assert_eq!(p.gb3838_item(), (2, no), "{code}");
                assert_eq!(
                    supplementary_limit(p),
                    Some(f[5].parse().unwrap()),
                    "{code}"
                );
                t2 += 1;
            }
            "3" => {
                let item = SpecificItem::by_number(no).unwrap();
                // The CSV gives mg/L (BaP has seven places): scale the text exactly to µg/L.
                let ug = Decimal::parse_rounded(&format!("{}e3", f[5])).unwrap();
                assert_eq!(
                    item.limit,
                    MicrogramsPerLitre(ug),
                    "Table 3 item {no} {}",
                    f[3]
                );
                assert_eq!(item.chinese_name, f[3]);
                t3 += 1;
            }
            other => panic!("table {other}"),
        }
    }
    assert_eq!((t1, t2, t3), (24, 5, 80));
}
