//! Centralised drinking-water source compliance: GB 3838-2002 §5 (水质评价) and Tables 1–3 (basic items at
//! most class III, supplementary and specific items within their limits).

use std::fmt;

use super::{Parameter, WaterClass, WaterError, WaterbodyKind, class_iii_limit, evaluate};
use crate::Decimal;

/// A concentration in µg/L, the unit in which Table 3 items are handled here.
///
/// Table 3 goes down to 2.8 × 10⁻⁶ mg/L (benzo(a)pyrene), below the six places of a [`Decimal`] in mg/L;
/// in µg/L every limit is exact (0.0028 µg/L). The distinct type keeps mg/L values out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct MicrogramsPerLitre(pub Decimal);

impl MicrogramsPerLitre {
    /// Converts a value in mg/L (exact: × 1000).
    pub fn from_mg_per_l(mg: Decimal) -> MicrogramsPerLitre {
        MicrogramsPerLitre(Decimal::from_units(mg.units() * 1000))
    }
}

impl fmt::Display for MicrogramsPerLitre {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} µg/L", self.0)
    }
}

/// One of the 80 specific items for centralised drinking-water sources (GB 3838-2002 Table 3), chosen
/// locally by the environmental authority.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SpecificItem {
    /// Item number in Table 3 (1–80).
    pub number: u8,
    /// Name as printed in Table 3.
    pub chinese_name: &'static str,
    /// English name.
    pub english_name: &'static str,
    /// The Table 3 limit (the standard prints it in mg/L; here × 1000).
    pub limit: MicrogramsPerLitre,
}

impl SpecificItem {
    /// The Table 3 item with this number (1–80).
    pub fn by_number(number: u8) -> Option<&'static SpecificItem> {
        SPECIFIC_ITEMS.get((number as usize).checked_sub(1)?)
    }

    /// The Table 3 item with this Chinese or English name (case-insensitive).
    pub fn lookup(name: &str) -> Option<&'static SpecificItem> {
        let name = name.trim();
        SPECIFIC_ITEMS
            .iter()
            .find(|i| i.chinese_name == name || i.english_name.eq_ignore_ascii_case(name))
    }
}

const fn sp(
    number: u8,
    chinese_name: &'static str,
    english_name: &'static str,
    micro_units: i64,
) -> SpecificItem {
    SpecificItem {
        number,
        chinese_name,
        english_name,
        limit: MicrogramsPerLitre(Decimal::from_units(micro_units)),
    }
}

/// GB 3838-2002 Table 3 (集中式生活饮用水地表水源地特定项目标准限值), limits in millionths of a µg/L.
pub static SPECIFIC_ITEMS: [SpecificItem; 80] = [
    sp(1, "三氯甲烷", "chloroform", 60_000_000),
    sp(2, "四氯化碳", "carbon tetrachloride", 2_000_000),
    sp(3, "三溴甲烷", "bromoform", 100_000_000),
    sp(4, "二氯甲烷", "dichloromethane", 20_000_000),
    sp(5, "1,2-二氯乙烷", "1,2-dichloroethane", 30_000_000),
    sp(6, "环氧氯丙烷", "epichlorohydrin", 20_000_000),
    sp(7, "氯乙烯", "vinyl chloride", 5_000_000),
    sp(8, "1,1-二氯乙烯", "1,1-dichloroethylene", 30_000_000),
    sp(9, "1,2-二氯乙烯", "1,2-dichloroethylene", 50_000_000),
    sp(10, "三氯乙烯", "trichloroethylene", 70_000_000),
    sp(11, "四氯乙烯", "tetrachloroethylene", 40_000_000),
    sp(12, "氯丁二烯", "chloroprene", 2_000_000),
    sp(13, "六氯丁二烯", "hexachlorobutadiene", 600_000),
    sp(14, "苯乙烯", "styrene", 20_000_000),
    sp(15, "甲醛", "formaldehyde", 900_000_000),
    sp(16, "乙醛", "acetaldehyde", 50_000_000),
    sp(17, "丙烯醛", "acrolein", 100_000_000),
    sp(18, "三氯乙醛", "chloral", 10_000_000),
    sp(19, "苯", "benzene", 10_000_000),
    sp(20, "甲苯", "toluene", 700_000_000),
    sp(21, "乙苯", "ethylbenzene", 300_000_000),
    sp(22, "二甲苯 (o-,m-,p- sum)", "xylenes", 500_000_000),
    sp(23, "异丙苯", "isopropylbenzene", 250_000_000),
    sp(24, "氯苯", "chlorobenzene", 300_000_000),
    sp(25, "1,2-二氯苯", "1,2-dichlorobenzene", 1_000_000_000),
    sp(26, "1,4-二氯苯", "1,4-dichlorobenzene", 300_000_000),
    sp(
        27,
        "三氯苯 (1,2,3-/1,2,4-/1,3,5-)",
        "trichlorobenzenes",
        20_000_000,
    ),
    sp(
        28,
        "四氯苯 (1,2,3,4-/1,2,3,5-/1,2,4,5-)",
        "tetrachlorobenzenes",
        20_000_000,
    ),
    sp(29, "六氯苯", "hexachlorobenzene", 50_000_000),
    sp(30, "硝基苯", "nitrobenzene", 17_000_000),
    sp(31, "二硝基苯 (o-,m-,p-)", "dinitrobenzenes", 500_000_000),
    sp(32, "2,4-二硝基甲苯", "2,4-dinitrotoluene", 300_000),
    sp(33, "2,4,6-三硝基甲苯", "2,4,6-trinitrotoluene", 500_000_000),
    sp(34, "硝基氯苯 (o-,m-,p-)", "nitrochlorobenzenes", 50_000_000),
    sp(
        35,
        "2,4-二硝基氯苯",
        "2,4-dinitrochlorobenzene",
        500_000_000,
    ),
    sp(36, "2,4-二氯苯酚", "2,4-dichlorophenol", 93_000_000),
    sp(37, "2,4,6-三氯苯酚", "2,4,6-trichlorophenol", 200_000_000),
    sp(38, "五氯酚", "pentachlorophenol", 9_000_000),
    sp(39, "苯胺", "aniline", 100_000_000),
    sp(40, "联苯胺", "benzidine", 200_000),
    sp(41, "丙烯酰胺", "acrylamide", 500_000),
    sp(42, "丙烯腈", "acrylonitrile", 100_000_000),
    sp(43, "邻苯二甲酸二丁酯", "dibutyl phthalate", 3_000_000),
    sp(
        44,
        "邻苯二甲酸二(2-乙基己基)酯",
        "di(2-ethylhexyl) phthalate",
        8_000_000,
    ),
    sp(45, "水合肼", "hydrazine hydrate", 10_000_000),
    sp(46, "四乙基铅", "tetraethyl lead", 100_000),
    sp(47, "吡啶", "pyridine", 200_000_000),
    sp(48, "松节油", "turpentine", 200_000_000),
    sp(49, "苦味酸", "picric acid", 500_000_000),
    sp(50, "丁基黄原酸", "butyl xanthate", 5_000_000),
    sp(51, "活性氯", "active chlorine", 10_000_000),
    sp(52, "滴滴涕", "DDT", 1_000_000),
    sp(53, "林丹", "lindane", 2_000_000),
    sp(54, "环氧七氯", "heptachlor epoxide", 200_000),
    sp(55, "对硫磷", "parathion", 3_000_000),
    sp(56, "甲基对硫磷", "methyl parathion", 2_000_000),
    sp(57, "马拉硫磷", "malathion", 50_000_000),
    sp(58, "乐果", "dimethoate", 80_000_000),
    sp(59, "敌敌畏", "dichlorvos", 50_000_000),
    sp(60, "敌百虫", "trichlorfon", 50_000_000),
    sp(61, "内吸磷", "demeton", 30_000_000),
    sp(62, "百菌清", "chlorothalonil", 10_000_000),
    sp(63, "甲萘威", "carbaryl", 50_000_000),
    sp(64, "溴氰菊酯", "deltamethrin", 20_000_000),
    sp(65, "阿特拉津", "atrazine", 3_000_000),
    sp(66, "苯并(a)芘", "benzo(a)pyrene", 2_800),
    sp(67, "甲基汞", "methylmercury", 1_000),
    sp(
        68,
        "多氯联苯 (PCB-1016/1221/1232/1242/1248/1254/1260)",
        "polychlorinated biphenyls",
        20_000,
    ),
    sp(69, "微囊藻毒素-LR", "microcystin-LR", 1_000_000),
    sp(70, "黄磷", "yellow phosphorus", 3_000_000),
    sp(71, "钼", "molybdenum", 70_000_000),
    sp(72, "钴", "cobalt", 1_000_000_000),
    sp(73, "铍", "beryllium", 2_000_000),
    sp(74, "硼", "boron", 500_000_000),
    sp(75, "锑", "antimony", 5_000_000),
    sp(76, "镍", "nickel", 20_000_000),
    sp(77, "钡", "barium", 700_000_000),
    sp(78, "钒", "vanadium", 50_000_000),
    sp(79, "钛", "titanium", 100_000_000),
    sp(80, "铊", "thallium", 100_000),
];

/// The GB 3838-2002 Table 2 limit (集中式生活饮用水地表水源地补充项目标准限值, mg/L) of a supplementary item:
/// sulfate 250, chloride 250, nitrate (as N) 10, iron 0.3, manganese 0.1; `None` for other parameters.
pub fn supplementary_limit(parameter: Parameter) -> Option<Decimal> {
    let units = match parameter {
        Parameter::Sulfate | Parameter::Chloride => 250_000_000,
        Parameter::Nitrate => 10_000_000,
        Parameter::Iron => 300_000,
        Parameter::Manganese => 100_000,
        _ => return None,
    };
    Some(Decimal::from_units(units))
}

/// The item that failed a drinking-water source check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DrinkingItem {
    /// A Table 1 basic item worse than class III.
    Basic(Parameter),
    /// A Table 2 supplementary item over its limit.
    Supplementary(Parameter),
    /// A Table 3 specific item over its limit.
    Specific(&'static SpecificItem),
}

impl fmt::Display for DrinkingItem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DrinkingItem::Basic(p) | DrinkingItem::Supplementary(p) => write!(f, "{p}"),
            DrinkingItem::Specific(i) => {
                write!(f, "{} (Table 3 item {})", i.english_name, i.number)
            }
        }
    }
}

/// One item of a drinking-water source that does not meet its limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DrinkingFailure {
    /// The item.
    pub item: DrinkingItem,
    /// The value (mg/L; µg/L for Table 3 items).
    pub value: Decimal,
    /// The limit it fails: class III for basic items (a minimum for dissolved oxygen, a maximum otherwise);
    /// `None` for pH, whose limit is the range 6–9.
    pub limit: Option<Decimal>,
    /// The exceedance multiple (C − S)/S, two places half to even; `None` for pH and DO.
    pub exceedance: Option<Decimal>,
}

/// Whether a centralised drinking-water source meets GB 3838-2002 (§5 水质评价, Tables 1–3).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DrinkingCompliance {
    /// The single-factor class of the basic items (`None` when no basic item was given).
    pub basic_class: Option<WaterClass>,
    /// Every item over its limit, in the order given.
    pub failures: Vec<DrinkingFailure>,
}

impl DrinkingCompliance {
    /// Whether every item given meets its limit (达标).
    pub fn compliant(&self) -> bool {
        self.failures.is_empty()
    }
}

/// Checks a drinking-water source sample: Table 1 class-deciding items must be class III or better
/// (GB 3838-2002 §3: first- and second-grade protection zones are classes II and III), Table 2 items
/// (given among `items` as [`Parameter::Sulfate`] … [`Parameter::Manganese`]) and the locally chosen
/// Table 3 items in `specific` must not exceed their limits ("≤ limit" complies). TN, faecal coliform and
/// water temperature are reported by the method but do not decide compliance.
pub fn drinking_source_compliance(
    kind: WaterbodyKind,
    items: &[(Parameter, Decimal)],
    specific: &[(&'static SpecificItem, MicrogramsPerLitre)],
) -> Result<DrinkingCompliance, WaterError> {
    let mut failures = Vec::new();
    let mut basic_class = None;
    if items.iter().any(|(p, _)| p.decides_class()) {
        let evaluation = evaluate(kind, items)?;
        basic_class = Some(evaluation.class);
        for r in &evaluation.parameters {
            if r.decides_class && r.class.is_some_and(|c| c > WaterClass::III) {
                failures.push(DrinkingFailure {
                    item: DrinkingItem::Basic(r.parameter),
                    value: r.value,
                    limit: class_iii_limit(r.parameter, kind),
                    exceedance: r.exceedance,
                });
            }
        }
    } else {
        for &(p, v) in items {
            super::validate(p, v)?;
        }
    }
    for &(parameter, value) in items {
        if let Some(limit) = supplementary_limit(parameter).filter(|&l| value > l) {
            failures.push(DrinkingFailure {
                item: DrinkingItem::Supplementary(parameter),
                value,
                limit: Some(limit),
                exceedance: Some(super::class::ratio_rounded(value - limit, limit, 2)),
            });
        }
    }
    for &(item, MicrogramsPerLitre(value)) in specific {
        let limit = item.limit.0;
        if value > limit {
            failures.push(DrinkingFailure {
                item: DrinkingItem::Specific(item),
                value,
                limit: Some(limit),
                exceedance: Some(super::class::ratio_rounded(value - limit, limit, 2)),
            });
        }
    }
    Ok(DrinkingCompliance {
        basic_class,
        failures,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn ph_and_oxygen_failures() {
        use Parameter::*;
        let r = drinking_source_compliance(
            WaterbodyKind::River,
            &[(Ph, d("5.5")), (DissolvedOxygen, d("4"))],
            &[],
        )
        .unwrap();
        assert_eq!(r.basic_class, Some(WaterClass::WorseThanV));
        let failures: Vec<_> = r
            .failures
            .iter()
            .map(|f| (f.item, f.limit, f.exceedance))
            .collect();
        assert_eq!(
            failures,
            [
                (DrinkingItem::Basic(Ph), None, None),
                (DrinkingItem::Basic(DissolvedOxygen), Some(d("5")), None)
            ]
        );
        // Only Table 2 items: no basic class, still checked.
        let r =
            drinking_source_compliance(WaterbodyKind::River, &[(Nitrate, d("10.5"))], &[]).unwrap();
        assert_eq!(r.basic_class, None);
        assert!(!r.compliant());
        assert!(
            drinking_source_compliance(WaterbodyKind::River, &[(Nitrate, d("-1"))], &[]).is_err()
        );
    }

    #[test]
    fn table_3_is_complete_and_exact() {
        for (i, item) in SPECIFIC_ITEMS.iter().enumerate() {
            assert_eq!(item.number as usize, i + 1);
        }
        let bap = SpecificItem::by_number(66).unwrap();
        assert_eq!(bap.english_name, "benzo(a)pyrene");
        assert_eq!(bap.limit, MicrogramsPerLitre(d("0.0028")));
        assert_eq!(
            SpecificItem::lookup("三氯甲烷").unwrap().limit,
            MicrogramsPerLitre(d("60"))
        );
        assert_eq!(SpecificItem::lookup("Thallium").unwrap().number, 80);
        assert!(SpecificItem::by_number(0).is_none() && SpecificItem::by_number(81).is_none());
    }

    #[test]
    fn source_compliance() {
        use Parameter::*;
        let ok = drinking_source_compliance(
            WaterbodyKind::River,
            &[
                (AmmoniaNitrogen, d("1")),
                (Iron, d("0.3")),
                (TotalNitrogen, d("3")),
            ],
            &[(
                SpecificItem::lookup("benzene").unwrap(),
                MicrogramsPerLitre(d("10")),
            )],
        )
        .unwrap();
        assert!(ok.compliant());
        assert_eq!(ok.basic_class, Some(WaterClass::III));

        let bad = drinking_source_compliance(
            WaterbodyKind::LakeOrReservoir,
            &[(TotalPhosphorus, d("0.06")), (Manganese, d("0.15"))],
            &[(
                SpecificItem::by_number(66).unwrap(),
                MicrogramsPerLitre::from_mg_per_l(d("0.000003")),
            )],
        )
        .unwrap();
        let failed: Vec<String> = bad
            .failures
            .iter()
            .map(|f| format!("{}:{:?}", f.item, f.exceedance))
            .collect();
        assert_eq!(
            failed,
            [
                "tp:Some(0.2)",
                "mn:Some(0.5)",
                "benzo(a)pyrene (Table 3 item 66):Some(0.07)"
            ]
        );
    }
}
