//! The emission limits encoded in `standards::emissions` agree with
//! `../shared/reference/standards/emission_limits.csv`, row by row, both ways for wastewater.

use std::collections::HashSet;

use standards::Decimal;
use standards::emissions::{
    BoilerFuel, FlueGasLimit, FlueGasPollutant, Gb8978Grade, Gb13223Table, Gb13271Table,
    Gb18918Conditions, Gb18918Grade, Limit, PowerUnit, PowerUnitKind, WastewaterItem, gb8978_limit,
    gb13223_limit, gb13271_limit, gb18918_limit, ultra_low_limit,
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

struct Row {
    standard: String,
    table: String,
    source: String,
    pollutant: String,
    condition: String,
    limit: String,
    upper: String,
    reference_o2: String,
}

fn rows() -> Option<Vec<Row>> {
    let path = testdata::shared("reference/standards/emission_limits.csv")?;
    let text = std::fs::read_to_string(path).unwrap();
    let mut lines = text.lines();
    let header = split_csv(lines.next().unwrap());
    assert_eq!(
        header[..9],
        [
            "standard",
            "table",
            "source_category",
            "pollutant",
            "condition",
            "limit",
            "limit_upper",
            "unit",
            "reference_o2_pct"
        ]
    );
    Some(
        lines
            .map(|l| {
                let f = split_csv(l);
                Row {
                    standard: f[0].clone(),
                    table: f[1].clone(),
                    source: f[2].clone(),
                    pollutant: f[3].clone(),
                    condition: f[4].clone(),
                    limit: f[5].clone(),
                    upper: f[6].clone(),
                    reference_o2: f[8].clone(),
                }
            })
            .collect(),
    )
}

fn d(s: &str) -> Decimal {
    s.parse().unwrap_or_else(|e| panic!("{s:?}: {e}"))
}

fn flue_pollutant(name: &str) -> FlueGasPollutant {
    match name {
        "PM (烟尘)" | "PM" => FlueGasPollutant::ParticulateMatter,
        "SO2" => FlueGasPollutant::SulfurDioxide,
        "NOx (as NO2)" => FlueGasPollutant::NitrogenOxides,
        "Hg and compounds" => FlueGasPollutant::Mercury,
        "flue gas blackness (Ringelmann)" => FlueGasPollutant::Blackness,
        other => panic!("flue-gas pollutant {other:?}"),
    }
}

/// The reference O2 the CSV gives for a unit kind: "6", "3", "15", "3/15", "3 (boiler) / 15 (gas turbine)".
fn expected_o2(text: &str, turbine: bool) -> Option<Decimal> {
    if text.is_empty() {
        return None;
    }
    let parts: Vec<&str> = text
        .split('/')
        .map(|p| p.split(' ').find(|s| !s.is_empty()).unwrap())
        .collect();
    Some(d(if turbine && parts.len() > 1 {
        parts[1]
    } else {
        parts[0]
    }))
}

fn assert_flue(row: &Row, got: Option<FlueGasLimit>, turbine: bool, what: &str) {
    let got =
        got.unwrap_or_else(|| panic!("no limit for {what} ({} {})", row.pollutant, row.condition));
    assert_eq!(
        got.limit,
        d(&row.limit),
        "{what}: {} {}",
        row.pollutant,
        row.condition
    );
    assert_eq!(
        got.reference_o2,
        expected_o2(&row.reference_o2, turbine),
        "{what}: {} O2",
        row.pollutant
    );
}

#[test]
fn flue_gas_limits_match_the_reference_csv() {
    let Some(rows) = rows() else { return };
    use PowerUnitKind::*;
    let mut checked = 0;
    for row in rows.iter().filter(|r| r.standard == "GB 13223-2011") {
        let table = if row.table.starts_with('1') {
            Gb13223Table::General
        } else {
            Gb13223Table::Special
        };
        let pollutant = flue_pollutant(&row.pollutant);
        let kinds: &[PowerUnitKind] = match (row.source.as_str(), row.condition.as_str()) {
            (s, _) if s.contains("coal-fired") => &[CoalBoiler],
            (s, _) if s.ends_with("all") => &[
                CoalBoiler,
                OilBoiler,
                OilFiredGasTurbine,
                NaturalGasBoiler,
                NaturalGasTurbine,
                OtherGasBoiler,
                OtherGasTurbine,
            ],
            (s, c) if s.contains("oil-fired") => match c {
                "all" | "new boiler and gas turbine" | "existing boiler and gas turbine" => {
                    &[OilBoiler, OilFiredGasTurbine]
                }
                "new oil-fired boiler" | "existing oil-fired boiler" | "oil-fired boiler" => {
                    &[OilBoiler]
                }
                "gas turbine" => &[OilFiredGasTurbine],
                other => panic!("{other}"),
            },
            (_, c) => match c {
                "all" => &[
                    NaturalGasBoiler,
                    NaturalGasTurbine,
                    OtherGasBoiler,
                    OtherGasTurbine,
                ],
                "natural gas boiler and gas turbine" => &[NaturalGasBoiler, NaturalGasTurbine],
                "other gaseous fuel boiler and gas turbine" => &[OtherGasBoiler, OtherGasTurbine],
                "natural gas boiler" => &[NaturalGasBoiler],
                "other gaseous fuel boiler" => &[OtherGasBoiler],
                "natural gas turbine" => &[NaturalGasTurbine],
                "other gaseous fuel turbine" => &[OtherGasTurbine],
                "gas boiler" => &[NaturalGasBoiler, OtherGasBoiler],
                "gas turbine" => &[NaturalGasTurbine, OtherGasTurbine],
                other => panic!("{other}"),
            },
        };
        let ages: &[bool] = match row.condition.as_str() {
            c if c.starts_with("new") => &[true],
            c if c.starts_with("existing") => &[false],
            _ => &[true, false],
        };
        for &kind in kinds {
            for &new in ages {
                let unit = PowerUnit {
                    kind,
                    new,
                    southwest: false,
                    nox_exemption: false,
                };
                let turbine = matches!(
                    kind,
                    OilFiredGasTurbine | NaturalGasTurbine | OtherGasTurbine
                );
                assert_flue(
                    row,
                    gb13223_limit(&unit, table, pollutant),
                    turbine,
                    &format!("{kind:?} new={new}"),
                );
                checked += 1;
            }
        }
    }
    for row in rows.iter().filter(|r| r.standard.starts_with("Ultra-low")) {
        assert_flue(
            row,
            ultra_low_limit(flue_pollutant(&row.pollutant)),
            false,
            "ultra-low",
        );
        checked += 1;
    }
    for row in rows.iter().filter(|r| r.standard == "GB 13271-2014") {
        let table = match &row.table[..1] {
            "1" => Gb13271Table::InUse,
            "2" => Gb13271Table::New,
            _ => Gb13271Table::Special,
        };
        let fuels: &[BoilerFuel] = match row.source.as_str() {
            s if s.contains("coal-fired") => &[BoilerFuel::Coal],
            s if s.contains("oil-fired") => &[BoilerFuel::Oil],
            s if s.contains("gas-fired") => &[BoilerFuel::Gas],
            _ => &[BoilerFuel::Coal, BoilerFuel::Oil, BoilerFuel::Gas],
        };
        for &fuel in fuels {
            let got = gb13271_limit(fuel, table, false, flue_pollutant(&row.pollutant));
            assert_flue(row, got, false, &format!("GB 13271 {fuel:?} {table:?}"));
            checked += 1;
        }
    }
    println!("{checked} flue-gas limits checked");
    assert!(checked > 80);
}

fn wastewater_item(name: &str) -> (WastewaterItem, Option<Gb18918Conditions>) {
    use WastewaterItem::*;
    let warm = Gb18918Conditions::default();
    let (item, conditions) = match name {
        "COD" => (Cod, None),
        "BOD5" => (Bod5, None),
        "SS" => (SuspendedSolids, None),
        "animal & vegetable oil" => (AnimalVegetableOil, None),
        "petroleum" => (Petroleum, None),
        "LAS" => (AnionicSurfactant, None),
        "TN (as N)" => (TotalNitrogen, None),
        "NH3-N (as N) water temp >12C" => (AmmoniaNitrogen, Some(warm)),
        "NH3-N (as N) water temp <=12C" => (
            AmmoniaNitrogen,
            Some(Gb18918Conditions {
                cold_water: true,
                ..warm
            }),
        ),
        "NH3-N" => (AmmoniaNitrogen, None),
        "TP (as P) plants built before 2005-12-31" => (
            TotalPhosphorus,
            Some(Gb18918Conditions {
                built_before_2006: true,
                ..warm
            }),
        ),
        "TP (as P) plants built from 2006-01-01" => (TotalPhosphorus, Some(warm)),
        "colour (dilution factor)" | "colour (dilution)" => (Colour, None),
        "fecal coliform" => (FaecalColiform, None),
        "pH" => (Ph, None),
        "total Hg" => (TotalMercury, None),
        "alkyl Hg" => (AlkylMercury, None),
        "total Cd" => (TotalCadmium, None),
        "total Cr" => (TotalChromium, None),
        "Cr(VI)" => (Chromium6, None),
        "total As" => (TotalArsenic, None),
        "total Pb" => (TotalLead, None),
        "total Ni" => (TotalNickel, None),
        "benzo(a)pyrene" => (BenzoAPyrene, None),
        "total Be" => (TotalBeryllium, None),
        "total Ag" => (TotalSilver, None),
        "gross alpha" => (GrossAlpha, None),
        "gross beta" => (GrossBeta, None),
        "volatile phenol" => (VolatilePhenol, None),
        "total cyanide" => (TotalCyanide, None),
        "sulfide" => (Sulfide, None),
        "fluoride" => (Fluoride, None),
        "phosphate (as P)" => (Phosphate, None),
        "formaldehyde" => (Formaldehyde, None),
        "anilines" => (Anilines, None),
        "nitrobenzenes" => (Nitrobenzenes, None),
        "total Cu" => (TotalCopper, None),
        "total Zn" => (TotalZinc, None),
        "total Mn" => (TotalManganese, None),
        "TOC" => (Toc, None),
        other => panic!("wastewater item {other:?}"),
    };
    (item, conditions)
}

fn expected_limit(row: &Row) -> Limit {
    if row.limit == "not detectable" {
        Limit::NotDetectable
    } else if !row.upper.is_empty() {
        Limit::Range {
            low: d(&row.limit),
            high: d(&row.upper),
        }
    } else {
        Limit::AtMost(Decimal::parse_rounded(&row.limit).unwrap())
    }
}

#[test]
fn wastewater_limits_match_the_reference_csv() {
    let Some(rows) = rows() else { return };
    use WastewaterItem::*;
    let grades_18918 = [
        ("grade 1A", Gb18918Grade::OneA),
        ("grade 1B", Gb18918Grade::OneB),
        ("grade 2", Gb18918Grade::Two),
        ("grade 3", Gb18918Grade::Three),
    ];
    let grades_8978 = [
        ("grade 1", Gb8978Grade::One),
        ("grade 2", Gb8978Grade::Two),
        ("grade 3", Gb8978Grade::Three),
    ];
    let mut seen_18918 = HashSet::new();
    let mut seen_8978 = HashSet::new();
    for row in rows.iter().filter(|r| r.standard == "GB 18918-2002") {
        let (item, conditions) = wastewater_item(&row.pollutant);
        let conditions = conditions.unwrap_or_default();
        let grades: Vec<Gb18918Grade> = match row.condition.as_str() {
            "all grades" => grades_18918.iter().map(|g| g.1).collect(),
            c => vec![grades_18918.iter().find(|g| g.0 == c).unwrap().1],
        };
        for grade in grades {
            assert_eq!(
                gb18918_limit(item, grade, conditions),
                Some(expected_limit(row)),
                "{} {grade:?}",
                row.pollutant
            );
            seen_18918.insert((
                format!("{item:?}"),
                grade as u8,
                conditions.cold_water,
                conditions.built_before_2006,
            ));
        }
    }
    for row in rows.iter().filter(|r| r.standard == "GB 8978-1996") {
        let (item, _) = wastewater_item(&row.pollutant);
        let grades: Vec<Gb8978Grade> = match row.condition.as_str() {
            "all" => grades_8978.iter().map(|g| g.1).collect(),
            c => vec![grades_8978.iter().find(|g| g.0 == c).unwrap().1],
        };
        for grade in grades {
            assert_eq!(
                gb8978_limit(item, grade),
                Some(expected_limit(row)),
                "{} {grade:?}",
                row.pollutant
            );
            seen_8978.insert((format!("{item:?}"), grade as u8));
        }
    }
    // The other way: every limit the code knows is in the CSV.
    let all = [
        Cod,
        Bod5,
        SuspendedSolids,
        AnimalVegetableOil,
        Petroleum,
        AnionicSurfactant,
        TotalNitrogen,
        AmmoniaNitrogen,
        TotalPhosphorus,
        Phosphate,
        Colour,
        Ph,
        FaecalColiform,
        TotalMercury,
        AlkylMercury,
        TotalCadmium,
        TotalChromium,
        Chromium6,
        TotalArsenic,
        TotalLead,
        TotalNickel,
        BenzoAPyrene,
        TotalBeryllium,
        TotalSilver,
        GrossAlpha,
        GrossBeta,
        VolatilePhenol,
        TotalCyanide,
        Sulfide,
        Fluoride,
        Formaldehyde,
        Anilines,
        Nitrobenzenes,
        TotalCopper,
        TotalZinc,
        TotalManganese,
        Toc,
    ];
    for item in all {
        for (_, grade) in grades_18918 {
            for (cold_water, built_before_2006) in [(false, false), (true, false), (false, true)] {
                let c = Gb18918Conditions {
                    cold_water,
                    built_before_2006,
                };
                if gb18918_limit(item, grade, c).is_some() {
                    let key_c = (
                        item == AmmoniaNitrogen && cold_water,
                        item == TotalPhosphorus && built_before_2006,
                    );
                    assert!(
                        seen_18918.contains(&(format!("{item:?}"), grade as u8, key_c.0, key_c.1)),
                        "GB 18918 {item:?} {grade:?} {c:?} is not in the CSV"
                    );
                }
            }
        }
        for (_, grade) in grades_8978 {
            if gb8978_limit(item, grade).is_some() {
                assert!(
                    seen_8978.contains(&(format!("{item:?}"), grade as u8)),
                    "GB 8978 {item:?} {grade:?} is not in the CSV"
                );
            }
        }
    }
    println!(
        "{} GB 18918 and {} GB 8978 limits checked",
        seen_18918.len(),
        seen_8978.len()
    );
}
