//! HJ 212 factor codes of the pollutants and parameters the standards judge: which code a data logger
//! sends for what (HJ 212-2017 Appendix B, Table B.1 air and flue gas, Table B.2 water). The one table
//! from a code to a pollutant or item; the platform never spells a code for a judgement itself.
//! (Surface-water parameters carry their codes in [`crate::water::Parameter::hj212_code`].)

use crate::Pollutant;
use crate::emissions::{FlueGasPollutant, WastewaterItem};

/// The six AQI pollutants with their HJ 212-2017 codes (Table B.1): SO₂ `a21026`, NO₂ `a21004`, CO
/// `a21005`, O₃ `a05024`, PM10 `a34002`, PM2.5 `a34004`. Values in µg/m³ (CO mg/m³), the units of HJ 633.
pub const AIR: [(&str, Pollutant); 6] = [
    ("a21026", Pollutant::So2),
    ("a21004", Pollutant::No2),
    ("a21005", Pollutant::Co),
    ("a05024", Pollutant::O3),
    ("a34002", Pollutant::Pm10),
    ("a34004", Pollutant::Pm2_5),
];

/// Flue-gas pollutants with an emission limit, by code (Table B.1): particulate matter `a34013`, SO₂
/// `a21026`, NOx `a21002`, mercury `a20057`.
pub const FLUE_GAS: [(&str, FlueGasPollutant); 4] = [
    ("a34013", FlueGasPollutant::ParticulateMatter),
    ("a21026", FlueGasPollutant::SulfurDioxide),
    ("a21002", FlueGasPollutant::NitrogenOxides),
    ("a20057", FlueGasPollutant::Mercury),
];

/// Wastewater items with a discharge limit, by code (Table B.2): COD `w01018`, NH₃-N `w21003`, TP
/// `w21011`, TN `w21001`, pH `w01001`, BOD₅ `w01017`, SS `w01012`.
pub const WASTEWATER: [(&str, WastewaterItem); 7] = [
    ("w01018", WastewaterItem::Cod),
    ("w21003", WastewaterItem::AmmoniaNitrogen),
    ("w21011", WastewaterItem::TotalPhosphorus),
    ("w21001", WastewaterItem::TotalNitrogen),
    ("w01001", WastewaterItem::Ph),
    ("w01017", WastewaterItem::Bod5),
    ("w01012", WastewaterItem::SuspendedSolids),
];

/// Flue-gas oxygen content, % dry volume (Table B.1 `a19001`): the basis of the oxygen correction.
pub const OXYGEN: &str = "a19001";
/// Flow (Table B.2 `w00000`, m³/h): wastewater discharge, or a drinking-water source's intake.
pub const WATER_FLOW: &str = "w00000";

/// The AQI pollutant a code stands for.
pub fn air_pollutant(code: &str) -> Option<Pollutant> {
    AIR.iter().find(|(c, _)| *c == code).map(|&(_, p)| p)
}

/// The HJ 212 code of an AQI pollutant.
pub fn air_code(p: Pollutant) -> &'static str {
    AIR[p.index()].0
}

/// The flue-gas pollutant a code stands for.
pub fn flue_gas_pollutant(code: &str) -> Option<FlueGasPollutant> {
    FLUE_GAS.iter().find(|(c, _)| *c == code).map(|&(_, p)| p)
}

/// The wastewater item a code stands for.
pub fn wastewater_item(code: &str) -> Option<WastewaterItem> {
    WASTEWATER.iter().find(|(c, _)| *c == code).map(|&(_, i)| i)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_pollutants_map_both_ways() {
        for p in Pollutant::ALL {
            assert_eq!(air_pollutant(air_code(p)), Some(p));
        }
        assert_eq!(air_pollutant("a34004"), Some(Pollutant::Pm2_5));
        assert_eq!(air_pollutant("a34013"), None, "flue-gas dust is not PM2.5");
        assert_eq!(
            flue_gas_pollutant("a21002"),
            Some(FlueGasPollutant::NitrogenOxides)
        );
        assert_eq!(
            wastewater_item("w21003"),
            Some(WastewaterItem::AmmoniaNitrogen)
        );
        assert_eq!(wastewater_item("x"), None);
    }

    #[test]
    fn wastewater_codes_agree_with_the_surface_water_table() {
        // The same substance has the same code in both tables (Table B.2 is one list).
        use crate::water::Parameter;
        for (code, name) in [
            ("w21003", "nh3n"),
            ("w21011", "tp"),
            ("w21001", "tn"),
            ("w01001", "ph"),
        ] {
            let p = Parameter::ALL
                .into_iter()
                .find(|p| p.short_name() == name)
                .unwrap();
            assert_eq!(p.hj212_code(), Some(code), "{name}");
        }
    }
}
