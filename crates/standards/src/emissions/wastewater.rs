//! Wastewater: GB 18918-2002 (城镇污水处理厂污染物排放标准) and GB 8978-1996 (污水综合排放标准, main items),
//! and pollutant load.
//!
//! Concentrations are mg/L, except pH (dimensionless), colour (dilution factor), faecal coliform (MPN/L)
//! and gross α/β (Bq/L); see [`WastewaterItem::unit`].

use super::{Limit, units_ratio};
use crate::Decimal;

/// A wastewater item with a limit in GB 18918-2002 or GB 8978-1996.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum WastewaterItem {
    /// 化学需氧量 COD.
    Cod,
    /// 生化需氧量 BOD5.
    Bod5,
    /// 悬浮物 suspended solids SS.
    SuspendedSolids,
    /// 动植物油 animal and vegetable oil.
    AnimalVegetableOil,
    /// 石油类 petroleum.
    Petroleum,
    /// 阴离子表面活性剂 anionic surfactant LAS.
    AnionicSurfactant,
    /// 总氮 total nitrogen (as N).
    TotalNitrogen,
    /// 氨氮 ammonia nitrogen (as N).
    AmmoniaNitrogen,
    /// 总磷 total phosphorus (as P), GB 18918.
    TotalPhosphorus,
    /// 磷酸盐 phosphate (as P), GB 8978.
    Phosphate,
    /// 色度 colour (dilution factor).
    Colour,
    /// pH.
    Ph,
    /// 粪大肠菌群数 faecal coliform (MPN/L).
    FaecalColiform,
    /// 总汞 total mercury.
    TotalMercury,
    /// 烷基汞 alkyl mercury.
    AlkylMercury,
    /// 总镉 total cadmium.
    TotalCadmium,
    /// 总铬 total chromium.
    TotalChromium,
    /// 六价铬 hexavalent chromium.
    Chromium6,
    /// 总砷 total arsenic.
    TotalArsenic,
    /// 总铅 total lead.
    TotalLead,
    /// 总镍 total nickel.
    TotalNickel,
    /// 苯并(a)芘 benzo(a)pyrene.
    BenzoAPyrene,
    /// 总铍 total beryllium.
    TotalBeryllium,
    /// 总银 total silver.
    TotalSilver,
    /// 总α放射性 gross alpha (Bq/L).
    GrossAlpha,
    /// 总β放射性 gross beta (Bq/L).
    GrossBeta,
    /// 挥发酚 volatile phenol.
    VolatilePhenol,
    /// 总氰化合物 total cyanide.
    TotalCyanide,
    /// 硫化物 sulfide.
    Sulfide,
    /// 氟化物 fluoride.
    Fluoride,
    /// 甲醛 formaldehyde.
    Formaldehyde,
    /// 苯胺类 anilines.
    Anilines,
    /// 硝基苯类 nitrobenzenes.
    Nitrobenzenes,
    /// 总铜 total copper.
    TotalCopper,
    /// 总锌 total zinc.
    TotalZinc,
    /// 总锰 total manganese.
    TotalManganese,
    /// 总有机碳 total organic carbon TOC.
    Toc,
}

impl WastewaterItem {
    /// The unit of the item's concentration and limit.
    pub fn unit(self) -> &'static str {
        match self {
            WastewaterItem::Ph => "",
            WastewaterItem::Colour => "dilution factor",
            WastewaterItem::FaecalColiform => "MPN/L",
            WastewaterItem::GrossAlpha | WastewaterItem::GrossBeta => "Bq/L",
            _ => "mg/L",
        }
    }

    /// Whether the item has a mass (pH, colour, coliforms and radioactivity have none).
    pub fn has_mass(self) -> bool {
        self.unit() == "mg/L"
    }
}

/// A control grade of GB 18918-2002 §4.1 (标准分级).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Gb18918Grade {
    /// 一级 A 标准: reuse, small receiving waters; key basins and closed lakes after the 2006 amendment.
    OneA,
    /// 一级 B 标准: discharge into GB 3838 class III waters (not drinking-water or swimming zones).
    OneB,
    /// 二级标准: discharge into GB 3838 class IV–V waters.
    Two,
    /// 三级标准: plants in non-key areas without secondary treatment yet.
    Three,
}

/// The facts that select among GB 18918-2002 Table 1 alternatives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Gb18918Conditions {
    /// Water temperature ≤ 12 °C (Table 1 note: the bracketed NH3-N limits apply).
    pub cold_water: bool,
    /// Plant built before 2006-01-01 (Table 1 TP row "2005年12月31日前建设的").
    pub built_before_2006: bool,
}

const M: i64 = 1_000_000;

fn at_most(units: i64) -> Option<Limit> {
    Some(Limit::AtMost(Decimal::from_units(units)))
}

fn ph() -> Option<Limit> {
    Some(Limit::Range {
        low: Decimal::from_int(6),
        high: Decimal::from_int(9),
    })
}

/// The GB 18918-2002 limit (daily mean of a 24-hour composite sample) of `item` at `grade`:
/// Table 1 basic items by grade, Table 2 class-1 pollutants for all grades; `None` where the table has no
/// limit ("—", e.g. grade 3 NH3-N).
///
/// Table 1 (1A/1B/2/3): COD 50/60/100/120, BOD5 10/20/30/60, SS 10/20/30/50, oil 1/3/5/20, petroleum
/// 1/3/5/15, LAS 0.5/1/2/5, TN 15/20/–/–, NH3-N 5(8)/8(15)/25(30)/– (brackets: water ≤ 12 °C), TP
/// 0.5/1/3/5 (built before 2006: 1/1.5/3/5), colour 30/30/40/50, pH 6–9, faecal coliform 10³/10⁴/10⁴/–.
/// Table 2: total Hg 0.001, alkyl Hg not detectable, Cd 0.01, total Cr 0.1, Cr(VI) 0.05, As 0.1, Pb 0.1.
/// Grade 3 COD and BOD5: where influent COD > 350 mg/L (BOD > 160) the removal rate (> 60 %, > 50 %)
/// applies instead; that rule needs influent data and is not applied here.
pub fn gb18918_limit(
    item: WastewaterItem,
    grade: Gb18918Grade,
    conditions: Gb18918Conditions,
) -> Option<Limit> {
    use WastewaterItem::*;
    let column = grade as usize;
    let pick =
        |row: [i64; 4]| (row[column] > 0).then(|| Limit::AtMost(Decimal::from_units(row[column])));
    match item {
        Cod => pick([50 * M, 60 * M, 100 * M, 120 * M]),
        Bod5 => pick([10 * M, 20 * M, 30 * M, 60 * M]),
        SuspendedSolids => pick([10 * M, 20 * M, 30 * M, 50 * M]),
        AnimalVegetableOil => pick([M, 3 * M, 5 * M, 20 * M]),
        Petroleum => pick([M, 3 * M, 5 * M, 15 * M]),
        AnionicSurfactant => pick([500_000, M, 2 * M, 5 * M]),
        TotalNitrogen => pick([15 * M, 20 * M, 0, 0]),
        AmmoniaNitrogen if conditions.cold_water => pick([8 * M, 15 * M, 30 * M, 0]),
        AmmoniaNitrogen => pick([5 * M, 8 * M, 25 * M, 0]),
        TotalPhosphorus if conditions.built_before_2006 => pick([M, 1_500_000, 3 * M, 5 * M]),
        TotalPhosphorus => pick([500_000, M, 3 * M, 5 * M]),
        Colour => pick([30 * M, 30 * M, 40 * M, 50 * M]),
        Ph => ph(),
        FaecalColiform => pick([1_000 * M, 10_000 * M, 10_000 * M, 0]),
        TotalMercury => at_most(1_000),
        AlkylMercury => Some(Limit::NotDetectable),
        TotalCadmium => at_most(10_000),
        TotalChromium => at_most(100_000),
        Chromium6 => at_most(50_000),
        TotalArsenic => at_most(100_000),
        TotalLead => at_most(100_000),
        _ => None,
    }
}

/// A grade of GB 8978-1996 §4.1 (标准分级; Table 4), chosen by the receiving water.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Gb8978Grade {
    /// 一级标准: discharge into GB 3838 class III waters (not protected zones) and sea class II.
    One,
    /// 二级标准: discharge into GB 3838 class IV–V waters and sea class III.
    Two,
    /// 三级标准: discharge into a sewer leading to a municipal treatment plant with secondary treatment.
    Three,
}

/// The GB 8978-1996 limit of `item` for a unit built from 1998-01-01: Table 1 class-1 pollutants (measured
/// at the workshop or treatment-facility outlet, the same for every grade) or Table 4 class-2 pollutants
/// ("other dischargers" rows, measured at the unit's outlet) at `grade`; `None` where the table has none.
/// Industry-specific rows and sector standards, which take precedence, are not encoded.
///
/// Table 1: total Hg 0.05, alkyl Hg not detectable, Cd 0.1, total Cr 1.5, Cr(VI) 0.5, As 0.5, Pb 1.0,
/// Ni 1.0, BaP 0.00003, Be 0.005, Ag 0.5, gross α 1 Bq/L, gross β 10 Bq/L.
/// Table 4 (grades 1/2/3): pH 6–9, colour 50/80/–, SS 70/150/400, BOD5 20/30/300, COD 100/150/500,
/// petroleum 5/10/20, animal/vegetable oil 10/15/100, volatile phenol 0.5/0.5/2.0, total cyanide
/// 0.5/0.5/1.0, sulfide 1.0, NH3-N 15/25/–, fluoride 10/10/20, phosphate (as P) 0.5/1.0/–, formaldehyde
/// 1/2/5, anilines 1/2/5, nitrobenzenes 2/3/5, LAS 5/10/20, Cu 0.5/1/2, Zn 2/5/5, Mn 2/2/5, TOC 20/30/–.
pub fn gb8978_limit(item: WastewaterItem, grade: Gb8978Grade) -> Option<Limit> {
    use WastewaterItem::*;
    let column = grade as usize;
    let pick =
        |row: [i64; 3]| (row[column] > 0).then(|| Limit::AtMost(Decimal::from_units(row[column])));
    match item {
        // Table 1: class-1 pollutants
        TotalMercury => at_most(50_000),
        AlkylMercury => Some(Limit::NotDetectable),
        TotalCadmium => at_most(100_000),
        TotalChromium => at_most(1_500_000),
        Chromium6 => at_most(500_000),
        TotalArsenic => at_most(500_000),
        TotalLead => at_most(M),
        TotalNickel => at_most(M),
        BenzoAPyrene => at_most(30),
        TotalBeryllium => at_most(5_000),
        TotalSilver => at_most(500_000),
        GrossAlpha => at_most(M),
        GrossBeta => at_most(10 * M),
        // Table 4: class-2 pollutants, units built from 1998-01-01
        Ph => ph(),
        Colour => pick([50 * M, 80 * M, 0]),
        SuspendedSolids => pick([70 * M, 150 * M, 400 * M]),
        Bod5 => pick([20 * M, 30 * M, 300 * M]),
        Cod => pick([100 * M, 150 * M, 500 * M]),
        Petroleum => pick([5 * M, 10 * M, 20 * M]),
        AnimalVegetableOil => pick([10 * M, 15 * M, 100 * M]),
        VolatilePhenol => pick([500_000, 500_000, 2 * M]),
        TotalCyanide => pick([500_000, 500_000, M]),
        Sulfide => pick([M, M, M]),
        AmmoniaNitrogen => pick([15 * M, 25 * M, 0]),
        Fluoride => pick([10 * M, 10 * M, 20 * M]),
        Phosphate => pick([500_000, M, 0]),
        Formaldehyde => pick([M, 2 * M, 5 * M]),
        Anilines => pick([M, 2 * M, 5 * M]),
        Nitrobenzenes => pick([2 * M, 3 * M, 5 * M]),
        AnionicSurfactant => pick([5 * M, 10 * M, 20 * M]),
        TotalCopper => pick([500_000, M, 2 * M]),
        TotalZinc => pick([2 * M, 5 * M, 5 * M]),
        TotalManganese => pick([2 * M, 2 * M, 5 * M]),
        Toc => pick([20 * M, 30 * M, 0]),
        TotalNitrogen | TotalPhosphorus | FaecalColiform => None,
    }
}

/// The pollutant load of a wastewater discharge, kg: C (mg/L) × V (m³) × 10⁻³ (1 mg/L = 1 g/m³), rounded
/// once half to even to six places. For a day, use the flow-weighted composite concentration and the
/// day's volume, or sum this over the hourly (Cᵢ, Vᵢ).
pub fn wastewater_load_kg(concentration_mg_per_l: Decimal, volume_m3: Decimal) -> Decimal {
    units_ratio(
        concentration_mg_per_l.units() as i128 * volume_m3.units() as i128,
        1_000_000_000,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use WastewaterItem::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn gb18918_alternatives() {
        let warm = Gb18918Conditions::default();
        let cold = Gb18918Conditions {
            cold_water: true,
            ..warm
        };
        assert_eq!(
            gb18918_limit(AmmoniaNitrogen, Gb18918Grade::OneA, warm),
            Some(Limit::AtMost(d("5")))
        );
        assert_eq!(
            gb18918_limit(AmmoniaNitrogen, Gb18918Grade::OneA, cold),
            Some(Limit::AtMost(d("8")))
        );
        assert_eq!(
            gb18918_limit(AmmoniaNitrogen, Gb18918Grade::Three, warm),
            None
        );
        let old = Gb18918Conditions {
            built_before_2006: true,
            ..warm
        };
        assert_eq!(
            gb18918_limit(TotalPhosphorus, Gb18918Grade::OneB, old),
            Some(Limit::AtMost(d("1.5")))
        );
        assert_eq!(
            gb18918_limit(AlkylMercury, Gb18918Grade::Two, warm),
            Some(Limit::NotDetectable)
        );
    }

    #[test]
    fn gb8978_grades() {
        assert_eq!(
            gb8978_limit(Cod, Gb8978Grade::Three),
            Some(Limit::AtMost(d("500")))
        );
        assert_eq!(gb8978_limit(AmmoniaNitrogen, Gb8978Grade::Three), None);
        assert_eq!(
            gb8978_limit(BenzoAPyrene, Gb8978Grade::Two),
            Some(Limit::AtMost(d("0.00003")))
        );
    }

    #[test]
    fn load() {
        // 30 mg/L × 10 000 m³ = 300 kg
        assert_eq!(wastewater_load_kg(d("30"), d("10000")), d("300"));
        assert_eq!(wastewater_load_kg(d("0.123"), d("1.5")), d("0.000184")); // 0.0001845, half to even
    }
}
