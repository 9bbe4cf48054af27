//! The water-quality parameters of GB 3838-2002 Tables 1 and 2, with their HJ 212 factor codes and names.

use std::fmt;
use std::str::FromStr;

/// A parameter of GB 3838-2002 Table 1 (basic items, 24) or Table 2 (drinking-water source supplementary
/// items, 5). Table 3's 80 specific items are [`SpecificItem`](super::SpecificItem)s.
///
/// Units are those of GB 3838-2002: mg/L, except pH (dimensionless), water temperature (°C) and faecal
/// coliform (MPN/L). Beware: HJ 212 transmits some metals (Hg, Cd, Pb, As, Cr(VI)) in µg/L
/// (HJ 212-2017 Table B.1); convert before evaluating.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Parameter {
    /// 水温, GB 3838-2002 Table 1 item 1 (°C; a limit on man-made change, not on the value).
    WaterTemperature,
    /// pH, Table 1 item 2 (6–9 for every class).
    Ph,
    /// 溶解氧 dissolved oxygen, Table 1 item 3 (higher is better).
    DissolvedOxygen,
    /// 高锰酸盐指数 permanganate index CODMn, Table 1 item 4.
    PermanganateIndex,
    /// 化学需氧量 chemical oxygen demand COD(Cr), Table 1 item 5.
    Cod,
    /// 五日生化需氧量 BOD5, Table 1 item 6.
    Bod5,
    /// 氨氮 ammonia nitrogen NH3-N, Table 1 item 7.
    AmmoniaNitrogen,
    /// 总磷 total phosphorus (as P), Table 1 item 8 (river and lake/reservoir limits differ).
    TotalPhosphorus,
    /// 总氮 total nitrogen (as N), Table 1 item 9 (defined for lakes and reservoirs).
    TotalNitrogen,
    /// 铜 copper, Table 1 item 10.
    Copper,
    /// 锌 zinc, Table 1 item 11.
    Zinc,
    /// 氟化物 fluoride (as F⁻), Table 1 item 12.
    Fluoride,
    /// 硒 selenium, Table 1 item 13.
    Selenium,
    /// 砷 arsenic, Table 1 item 14.
    Arsenic,
    /// 汞 mercury, Table 1 item 15.
    Mercury,
    /// 镉 cadmium, Table 1 item 16.
    Cadmium,
    /// 铬（六价） hexavalent chromium, Table 1 item 17.
    Chromium6,
    /// 铅 lead, Table 1 item 18.
    Lead,
    /// 氰化物 cyanide, Table 1 item 19.
    Cyanide,
    /// 挥发酚 volatile phenols, Table 1 item 20.
    VolatilePhenol,
    /// 石油类 petroleum, Table 1 item 21.
    Petroleum,
    /// 阴离子表面活性剂 anionic surfactant (LAS), Table 1 item 22.
    AnionicSurfactant,
    /// 硫化物 sulfide, Table 1 item 23.
    Sulfide,
    /// 粪大肠菌群 faecal coliform (MPN/L), Table 1 item 24.
    FaecalColiform,
    /// 硫酸盐 sulfate (as SO4²⁻), Table 2 item 1.
    Sulfate,
    /// 氯化物 chloride (as Cl⁻), Table 2 item 2.
    Chloride,
    /// 硝酸盐 nitrate (as N), Table 2 item 3.
    Nitrate,
    /// 铁 iron, Table 2 item 4.
    Iron,
    /// 锰 manganese, Table 2 item 5.
    Manganese,
}

use Parameter::*;

/// One row of the parameter registry: codes and names.
struct Names {
    hj212: Option<&'static str>,
    short: &'static str,
    english: &'static str,
    chinese: &'static str,
    unit: &'static str,
    /// Other spellings accepted by [`Parameter::lookup`] (lower case, without spaces, `-` or `_`).
    aliases: &'static [&'static str],
}

impl Parameter {
    /// Every parameter, in GB 3838-2002 table order (Table 1 items 1–24, then Table 2 items 1–5).
    pub const ALL: [Parameter; 29] = [
        WaterTemperature,
        Ph,
        DissolvedOxygen,
        PermanganateIndex,
        Cod,
        Bod5,
        AmmoniaNitrogen,
        TotalPhosphorus,
        TotalNitrogen,
        Copper,
        Zinc,
        Fluoride,
        Selenium,
        Arsenic,
        Mercury,
        Cadmium,
        Chromium6,
        Lead,
        Cyanide,
        VolatilePhenol,
        Petroleum,
        AnionicSurfactant,
        Sulfide,
        FaecalColiform,
        Sulfate,
        Chloride,
        Nitrate,
        Iron,
        Manganese,
    ];

    fn names(self) -> Names {
        let n = |hj212, short, english, chinese, unit, aliases| Names {
            hj212,
            short,
            english,
            chinese,
            unit,
            aliases,
        };
        const MG_L: &str = "mg/L";
        match self {
            WaterTemperature => n(
                Some("w01010"),
                "wt",
                "water temperature",
                "水温",
                "°C",
                &["temp", "temperature", "watertemperature"],
            ),
            Ph => n(Some("w01001"), "ph", "pH", "pH值", "", &["ph值"]),
            DissolvedOxygen => n(
                Some("w01009"),
                "do",
                "dissolved oxygen",
                "溶解氧",
                MG_L,
                &["dissolvedoxygen", "o2"],
            ),
            PermanganateIndex => n(
                Some("w01019"),
                "codmn",
                "permanganate index",
                "高锰酸盐指数",
                MG_L,
                &["permanganateindex", "imn"],
            ),
            Cod => n(
                Some("w01018"),
                "cod",
                "chemical oxygen demand",
                "化学需氧量",
                MG_L,
                &["codcr"],
            ),
            Bod5 => n(
                Some("w01017"),
                "bod5",
                "five-day biochemical oxygen demand",
                "五日生化需氧量",
                MG_L,
                &["bod"],
            ),
            AmmoniaNitrogen => n(
                Some("w21003"),
                "nh3n",
                "ammonia nitrogen",
                "氨氮",
                MG_L,
                &["nh3", "nh4n", "ammonianitrogen", "ammonia"],
            ),
            TotalPhosphorus => n(
                Some("w21011"),
                "tp",
                "total phosphorus",
                "总磷",
                MG_L,
                &["totalphosphorus"],
            ),
            TotalNitrogen => n(
                Some("w21001"),
                "tn",
                "total nitrogen",
                "总氮",
                MG_L,
                &["totalnitrogen"],
            ),
            Copper => n(Some("w20122"), "cu", "copper", "铜", MG_L, &["copper"]),
            Zinc => n(Some("w20123"), "zn", "zinc", "锌", MG_L, &["zinc"]),
            Fluoride => n(
                Some("w21017"),
                "f",
                "fluoride",
                "氟化物",
                MG_L,
                &["fluoride"],
            ),
            Selenium => n(Some("w20128"), "se", "selenium", "硒", MG_L, &["selenium"]),
            Arsenic => n(Some("w20119"), "as", "arsenic", "砷", MG_L, &["arsenic"]),
            Mercury => n(Some("w20111"), "hg", "mercury", "汞", MG_L, &["mercury"]),
            Cadmium => n(Some("w20115"), "cd", "cadmium", "镉", MG_L, &["cadmium"]),
            Chromium6 => n(
                Some("w20117"),
                "cr6",
                "hexavalent chromium",
                "铬(六价)",
                MG_L,
                &["crvi", "cr6+", "六价铬", "铬（六价）", "hexavalentchromium"],
            ),
            Lead => n(Some("w20120"), "pb", "lead", "铅", MG_L, &["lead"]),
            Cyanide => n(
                Some("w21016"),
                "cn",
                "cyanide",
                "氰化物",
                MG_L,
                &["cyanide"],
            ),
            VolatilePhenol => n(
                Some("w23002"),
                "vphen",
                "volatile phenols",
                "挥发酚",
                MG_L,
                &["phenol", "volatilephenol", "volatilephenols"],
            ),
            Petroleum => n(
                Some("w22001"),
                "oil",
                "petroleum",
                "石油类",
                MG_L,
                &["petroleum"],
            ),
            AnionicSurfactant => n(
                Some("w19002"),
                "las",
                "anionic surfactant",
                "阴离子表面活性剂",
                MG_L,
                &["anionicsurfactant", "surfactant"],
            ),
            Sulfide => n(
                Some("w21019"),
                "s2",
                "sulfide",
                "硫化物",
                MG_L,
                &["sulfide", "sulphide"],
            ),
            FaecalColiform => n(
                Some("w02003"),
                "fc",
                "faecal coliform",
                "粪大肠菌群",
                "MPN/L",
                &["fecalcoliform", "faecalcoliform", "coliform"],
            ),
            Sulfate => n(
                None,
                "so4",
                "sulfate",
                "硫酸盐",
                MG_L,
                &["sulfate", "sulphate"],
            ),
            Chloride => n(
                Some("w21022"),
                "cl",
                "chloride",
                "氯化物",
                MG_L,
                &["chloride"],
            ),
            Nitrate => n(
                Some("w21007"),
                "no3n",
                "nitrate (as N)",
                "硝酸盐",
                MG_L,
                &["no3", "nitrate", "硝酸盐氮"],
            ),
            Iron => n(Some("w20125"), "fe", "iron", "铁", MG_L, &["iron"]),
            Manganese => n(
                Some("w20124"),
                "mn",
                "manganese",
                "锰",
                MG_L,
                &["manganese"],
            ),
        }
    }

    /// The HJ 212-2017 factor code (Table B.1, e.g. `w21003` for NH3-N), where the standard assigns one.
    pub fn hj212_code(self) -> Option<&'static str> {
        self.names().hj212
    }

    /// The short lower-case name used in CSV headers: `ph`, `do`, `codmn`, `cod`, `bod5`, `nh3n`, `tp`, `tn`, ….
    pub fn short_name(self) -> &'static str {
        self.names().short
    }

    /// The English name.
    pub fn english_name(self) -> &'static str {
        self.names().english
    }

    /// The Chinese name as in GB 3838-2002.
    pub fn chinese_name(self) -> &'static str {
        self.names().chinese
    }

    /// The unit of GB 3838-2002 for this parameter (`""` for pH).
    pub fn unit(self) -> &'static str {
        self.names().unit
    }

    /// The GB 3838-2002 table (1 or 2) and item number of the parameter.
    pub fn gb3838_item(self) -> (u8, u8) {
        let index = Parameter::ALL.iter().position(|&p| p == self).unwrap_or(0) as u8;
        if index < 24 {
            (1, index + 1)
        } else {
            (2, index - 23)
        }
    }

    /// Whether the parameter decides the class of a section under 地表水环境质量评价办法（试行）
    /// (环办〔2011〕22号, 评价指标): the 21 Table 1 items other than water temperature, total nitrogen and faecal
    /// coliform. The same 21 items apply to rivers and to lakes/reservoirs; TN and faecal coliform are
    /// reported separately.
    pub fn decides_class(self) -> bool {
        matches!(self.gb3838_item(), (1, _))
            && !matches!(self, WaterTemperature | TotalNitrogen | FaecalColiform)
    }

    /// Whether the 2011 evaluation method gives the parameter priority among a section's main pollutants
    /// when it exceeds class III (环办〔2011〕22号: cyanide, lead, chromium and the other heavy metals).
    pub fn is_toxic_priority(self) -> bool {
        matches!(
            self,
            Cyanide | Lead | Chromium6 | Mercury | Cadmium | Arsenic | Selenium | Copper | Zinc
        )
    }

    /// Finds a parameter by HJ 212 factor code (`w21003`), short name (`nh3n`), English or Chinese name
    /// (`氨氮`) or a common spelling (`NH3-N`, `DO(mg/l)`, `COD_Mn`). Case, spaces, `-` and `_` are
    /// ignored, and a trailing unit in brackets is dropped.
    pub fn lookup(name: &str) -> Option<Parameter> {
        let key = normalise(name);
        if key.is_empty() {
            return None;
        }
        Parameter::ALL.into_iter().find(|p| {
            let n = p.names();
            n.hj212 == Some(key.as_str())
                || n.short == key
                || normalise(n.english) == key
                || normalise(n.chinese) == key
                || n.aliases.iter().any(|&a| a == key)
        })
    }
}

/// Lower case without spaces, `-`, `_`, `.`, and without trailing bracketed units or bases:
/// `"DO (mg/l)"` → `"do"`, `"总磷(以P计)(mg/L)"` → `"总磷"`. Only a bracket holding a unit (with `/` or `°`,
/// or 无量纲) or a basis (`以…计`, `as …`) is dropped, so `铬(六价)` stays whole.
fn normalise(name: &str) -> String {
    let mut s = name.trim();
    loop {
        let dropped =
            [('(', ')'), ('（', '）'), ('[', ']')]
                .into_iter()
                .find_map(|(open, close)| {
                    let rest = s.strip_suffix(close)?;
                    let i = rest.rfind(open)?;
                    let inner = rest[i + open.len_utf8()..].trim();
                    let droppable = inner.contains(['/', '°'])
                        || inner == "无量纲"
                        || inner.starts_with('以')
                        || inner.to_ascii_lowercase().starts_with("as ");
                    (i > 0 && droppable).then(|| rest[..i].trim_end())
                });
        match dropped {
            Some(shorter) => s = shorter,
            None => break,
        }
    }
    s.chars()
        .filter(|c| !matches!(c, ' ' | '-' | '_' | '.'))
        .flat_map(char::to_lowercase)
        .collect()
}

impl fmt::Display for Parameter {
    /// The short name, as in CSV headers and the `limiting` column (`nh3n`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.short_name())
    }
}

/// A name that [`Parameter::lookup`] does not know.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown water-quality parameter {0:?} (expected an HJ 212 code such as w21003 or a name such as nh3n)"
)]
pub struct UnknownParameter(pub String);

impl FromStr for Parameter {
    type Err = UnknownParameter;

    /// See [`Parameter::lookup`].
    fn from_str(s: &str) -> Result<Parameter, UnknownParameter> {
        Parameter::lookup(s).ok_or_else(|| UnknownParameter(s.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookup_by_code_name_and_spelling() {
        for (name, p) in [
            ("w01001", Ph),
            ("W21003", AmmoniaNitrogen),
            ("nh3n", AmmoniaNitrogen),
            ("NH3-N", AmmoniaNitrogen),
            ("NH3-N(mg/l)", AmmoniaNitrogen),
            ("氨氮", AmmoniaNitrogen),
            ("DO(mg/l)", DissolvedOxygen),
            ("CODMn", PermanganateIndex),
            ("COD_Mn", PermanganateIndex),
            ("w01019", PermanganateIndex),
            ("cod", Cod),
            ("w01018", Cod),
            ("bod5", Bod5),
            ("tp", TotalPhosphorus),
            ("w21011", TotalPhosphorus),
            ("TN", TotalNitrogen),
            ("pH", Ph),
            ("dissolved oxygen", DissolvedOxygen),
            ("六价铬", Chromium6),
            ("铬(六价)", Chromium6),
            ("水温(°C)", WaterTemperature),
            ("pH(无量纲)", Ph),
            ("总磷(以P计)(mg/L)", TotalPhosphorus),
            ("总氮（以N计）", TotalNitrogen),
            ("TP (as P)", TotalPhosphorus),
            ("Hg[mg/L]", Mercury),
        ] {
            assert_eq!(Parameter::lookup(name), Some(p), "{name}");
        }
        for unknown in ["", "chla", "w99999", "turbidity", "(mg/l)", "铬"] {
            assert_eq!(Parameter::lookup(unknown), None, "{unknown}");
        }
    }

    #[test]
    fn names_are_unique_and_round_trip() {
        for p in Parameter::ALL {
            assert_eq!(Parameter::lookup(p.short_name()), Some(p));
            assert_eq!(Parameter::lookup(p.chinese_name()), Some(p));
            if let Some(code) = p.hj212_code() {
                assert_eq!(Parameter::lookup(code), Some(p));
            }
        }
    }

    #[test]
    fn twenty_one_items_decide_the_class() {
        assert_eq!(
            Parameter::ALL.iter().filter(|p| p.decides_class()).count(),
            21
        );
        assert_eq!(Sulfate.gb3838_item(), (2, 1));
        assert_eq!(AnionicSurfactant.gb3838_item(), (1, 22));
    }
}
