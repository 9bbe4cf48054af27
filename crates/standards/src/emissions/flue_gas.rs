//! Flue gas: GB 13223-2011, GB 13271-2014 and the ultra-low emission limits; oxygen correction, dry
//! standard flow and mass emission rate.
//!
//! Concentrations are mg/m³ of dry flue gas at standard state (273 K, 101.325 kPa), as both standards
//! define them (GB 13223-2011 terms and definitions, GB 13271-2014 §3.5). Flows are m³/h, masses kg/h.

use super::{EmissionError, units_ratio};
use crate::Decimal;

/// A flue-gas pollutant with a limit in GB 13223-2011 or GB 13271-2014.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FlueGasPollutant {
    /// 颗粒物 / 烟尘 particulate matter, mg/m³.
    ParticulateMatter,
    /// 二氧化硫 SO2, mg/m³.
    SulfurDioxide,
    /// 氮氧化物 NOx (as NO2), mg/m³.
    NitrogenOxides,
    /// 汞及其化合物 mercury and its compounds, mg/m³.
    Mercury,
    /// 烟气黑度 flue-gas blackness, Ringelmann grade (no oxygen correction).
    Blackness,
}

impl FlueGasPollutant {
    /// The unit of the limit: `mg/m³`, or `Ringelmann grade` for blackness.
    pub fn unit(self) -> &'static str {
        match self {
            FlueGasPollutant::Blackness => "Ringelmann grade",
            _ => "mg/m³",
        }
    }
}

/// A flue-gas limit and the reference oxygen content its concentration is corrected to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FlueGasLimit {
    /// The limit (mg/m³, or the Ringelmann grade for blackness); a value on it complies.
    pub limit: Decimal,
    /// The reference O2 (基准氧含量), % dry volume; `None` for blackness.
    pub reference_o2: Option<Decimal>,
}

impl FlueGasLimit {
    /// Judges a measured concentration against the limit as the standards do: corrected to the limit's
    /// reference O2 ([`oxygen_corrected`]), then compared ("≤ limit" complies, [`check`](super::check)).
    /// For blackness (no reference O2) the value is compared as given. Returns the corrected
    /// concentration with the verdict.
    pub fn judge(
        &self,
        measured: MeasuredConcentration,
        measured_o2: Decimal,
        policy: OxygenPolicy,
    ) -> Result<(CorrectedConcentration, super::Verdict), EmissionError> {
        let corrected = match self.reference_o2 {
            Some(reference) => oxygen_corrected(measured, measured_o2, reference, policy)?,
            None => CorrectedConcentration(measured.0),
        };
        Ok((
            corrected,
            super::check(corrected.0, super::Limit::AtMost(self.limit)),
        ))
    }
}

/// The kind of generating unit, as the rows of GB 13223-2011 Tables 1–2 distinguish them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PowerUnitKind {
    /// 燃煤锅炉 coal-fired boiler (reference O2 6 %).
    CoalBoiler,
    /// 以油为燃料的锅炉 oil-fired boiler (3 %).
    OilBoiler,
    /// 以油为燃料的燃气轮机组 oil-fired gas turbine (15 %).
    OilFiredGasTurbine,
    /// 天然气锅炉 natural-gas boiler (3 %).
    NaturalGasBoiler,
    /// 天然气燃气轮机组 natural-gas turbine (15 %).
    NaturalGasTurbine,
    /// 其他气体燃料锅炉 boiler on other gaseous fuel (3 %).
    OtherGasBoiler,
    /// 其他气体燃料燃气轮机组 gas turbine on other gaseous fuel (15 %).
    OtherGasTurbine,
}

impl PowerUnitKind {
    fn is_turbine(self) -> bool {
        matches!(
            self,
            PowerUnitKind::OilFiredGasTurbine
                | PowerUnitKind::NaturalGasTurbine
                | PowerUnitKind::OtherGasTurbine
        )
    }

    /// The reference O2 (基准氧含量) of GB 13223-2011 (monitoring requirements, reference-oxygen table):
    /// coal boiler 6 %, oil/gas boiler 3 %, gas turbine 15 %.
    pub fn reference_o2(self) -> Decimal {
        let units = match self {
            PowerUnitKind::CoalBoiler => 6_000_000,
            _ if self.is_turbine() => 15_000_000,
            _ => 3_000_000,
        };
        Decimal::from_units(units)
    }
}

/// A thermal power generating unit and the facts that select its GB 13223-2011 limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PowerUnit {
    /// Boiler or turbine, and fuel.
    pub kind: PowerUnitKind,
    /// 新建: environmental-impact approval from 2012-01-01 (`false` = 现有, in service or approved before).
    pub new: bool,
    /// Located in Guangxi, Chongqing, Sichuan or Guizhou (Table 1 note 1: coal boiler SO2 200/400).
    pub southwest: bool,
    /// W-flame boiler, existing circulating fluidised bed boiler, or boiler commissioned or approved before
    /// 2003-12-31 (Table 1 note 2: coal boiler NOx 200).
    pub nox_exemption: bool,
}

/// The table of GB 13223-2011 that applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Gb13223Table {
    /// Table 1: general limits.
    General,
    /// Table 2: special limits (大气污染物特别排放限值) in key regions designated by the authorities.
    Special,
}

fn mg(units: i64) -> Decimal {
    Decimal::from_units(units)
}

const M: i64 = 1_000_000;

/// The GB 13223-2011 limit for `pollutant` from `unit` (Table 1 general or Table 2 special), with the
/// unit's reference O2; `None` where the table has no limit (mercury for oil and gas units).
///
/// Table 1: coal boiler PM 30, SO2 new 100 / existing 200 (southwest 200 / 400), NOx 100 (exempted 200),
/// Hg 0.03; oil boiler PM 30, SO2 100/200, NOx 100/200; oil-fired turbine PM 30, SO2 100/200, NOx 120;
/// natural gas PM 5, SO2 35, NOx boiler 100 / turbine 50; other gas PM 10, SO2 100, NOx boiler 200 /
/// turbine 120; blackness 1 for all. Table 2: coal PM 20, SO2 50, NOx 100, Hg 0.03; oil PM 20, SO2 50,
/// NOx boiler 100 / turbine 120; gas PM 5, SO2 35, NOx boiler 100 / turbine 50; blackness 1.
pub fn gb13223_limit(
    unit: &PowerUnit,
    table: Gb13223Table,
    pollutant: FlueGasPollutant,
) -> Option<FlueGasLimit> {
    use FlueGasPollutant::*;
    use PowerUnitKind::*;
    if pollutant == Blackness {
        return Some(FlueGasLimit {
            limit: Decimal::from_int(1),
            reference_o2: None,
        });
    }
    let kind = unit.kind;
    let limit = match table {
        Gb13223Table::General => match (kind, pollutant) {
            (CoalBoiler, ParticulateMatter) => 30 * M,
            (CoalBoiler, SulfurDioxide) => match (unit.new, unit.southwest) {
                (true, false) => 100 * M,
                (true, true) | (false, false) => 200 * M,
                (false, true) => 400 * M,
            },
            (CoalBoiler, NitrogenOxides) if unit.nox_exemption => 200 * M,
            (CoalBoiler, NitrogenOxides) => 100 * M,
            (CoalBoiler, Mercury) => 30_000,
            (OilBoiler | OilFiredGasTurbine, ParticulateMatter) => 30 * M,
            (OilBoiler | OilFiredGasTurbine, SulfurDioxide) if unit.new => 100 * M,
            (OilBoiler | OilFiredGasTurbine, SulfurDioxide) => 200 * M,
            (OilBoiler, NitrogenOxides) if unit.new => 100 * M,
            (OilBoiler, NitrogenOxides) => 200 * M,
            (OilFiredGasTurbine, NitrogenOxides) => 120 * M,
            (NaturalGasBoiler | NaturalGasTurbine, ParticulateMatter) => 5 * M,
            (NaturalGasBoiler | NaturalGasTurbine, SulfurDioxide) => 35 * M,
            (NaturalGasBoiler, NitrogenOxides) => 100 * M,
            (NaturalGasTurbine, NitrogenOxides) => 50 * M,
            (OtherGasBoiler | OtherGasTurbine, ParticulateMatter) => 10 * M,
            (OtherGasBoiler | OtherGasTurbine, SulfurDioxide) => 100 * M,
            (OtherGasBoiler, NitrogenOxides) => 200 * M,
            (OtherGasTurbine, NitrogenOxides) => 120 * M,
            (_, Mercury) => return None,
            (_, Blackness) => unreachable!("handled above"),
        },
        Gb13223Table::Special => match (kind, pollutant) {
            (CoalBoiler, ParticulateMatter) => 20 * M,
            (CoalBoiler, SulfurDioxide) => 50 * M,
            (CoalBoiler, NitrogenOxides) => 100 * M,
            (CoalBoiler, Mercury) => 30_000,
            (OilBoiler | OilFiredGasTurbine, ParticulateMatter) => 20 * M,
            (OilBoiler | OilFiredGasTurbine, SulfurDioxide) => 50 * M,
            (OilBoiler, NitrogenOxides) => 100 * M,
            (OilFiredGasTurbine, NitrogenOxides) => 120 * M,
            (
                NaturalGasBoiler | NaturalGasTurbine | OtherGasBoiler | OtherGasTurbine,
                ParticulateMatter,
            ) => 5 * M,
            (
                NaturalGasBoiler | NaturalGasTurbine | OtherGasBoiler | OtherGasTurbine,
                SulfurDioxide,
            ) => 35 * M,
            (NaturalGasBoiler | OtherGasBoiler, NitrogenOxides) => 100 * M,
            (NaturalGasTurbine | OtherGasTurbine, NitrogenOxides) => 50 * M,
            (_, Mercury) => return None,
            (_, Blackness) => unreachable!("handled above"),
        },
    };
    Some(FlueGasLimit {
        limit: mg(limit),
        reference_o2: Some(kind.reference_o2()),
    })
}

/// The ultra-low emission limits (超低排放) for coal-fired generating units, at 6 % O2: PM 10, SO2 35,
/// NOx 50 mg/m³ (发改能源〔2014〕2093号; 环发〔2015〕164号 nationwide by 2020). A policy, not a GB; some
/// provinces are stricter (e.g. PM 5 in Shanxi DB14/T 1703-2018). `None` for other pollutants.
pub fn ultra_low_limit(pollutant: FlueGasPollutant) -> Option<FlueGasLimit> {
    let limit = match pollutant {
        FlueGasPollutant::ParticulateMatter => 10 * M,
        FlueGasPollutant::SulfurDioxide => 35 * M,
        FlueGasPollutant::NitrogenOxides => 50 * M,
        _ => return None,
    };
    Some(FlueGasLimit {
        limit: mg(limit),
        reference_o2: Some(mg(6 * M)),
    })
}

/// The fuel of a boiler under GB 13271-2014.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BoilerFuel {
    /// 燃煤锅炉 (reference O2 9 %).
    Coal,
    /// 燃油锅炉 (3.5 %).
    Oil,
    /// 燃气锅炉 (3.5 %).
    Gas,
}

impl BoilerFuel {
    /// The reference O2 of GB 13271-2014 Table 6 (基准含氧量): coal 9 %, oil and gas 3.5 %.
    pub fn reference_o2(self) -> Decimal {
        match self {
            BoilerFuel::Coal => mg(9 * M),
            BoilerFuel::Oil | BoilerFuel::Gas => mg(3_500_000),
        }
    }
}

/// The table of GB 13271-2014 that applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Gb13271Table {
    /// Table 1: boilers in use (from 2015-10-01 for > 10 t/h, 2016-07-01 for ≤ 10 t/h).
    InUse,
    /// Table 2: new boilers (from 2014-07-01).
    New,
    /// Table 3: special limits in key regions.
    Special,
}

/// The GB 13271-2014 limit for a boiler burning `fuel` (≤ 65 t/h steam boilers, all hot-water and
/// organic-fluid boilers, grate/spreader boilers of any size), with the reference O2 of Table 6.
/// `southwest`: Guangxi, Chongqing, Sichuan, Guizhou (Table 1 note: in-use coal SO2 550). `None` where the
/// table has no limit (mercury for oil and gas).
///
/// Table 1: coal 80/400/400/0.05, oil 60/300/400, gas 30/100/400 (PM/SO2/NOx/Hg). Table 2: coal
/// 50/300/300/0.05, oil 30/200/250, gas 20/50/200. Table 3: coal 30/200/200/0.05, oil 30/100/200, gas
/// 20/50/150. Blackness ≤ 1 for all.
pub fn gb13271_limit(
    fuel: BoilerFuel,
    table: Gb13271Table,
    southwest: bool,
    pollutant: FlueGasPollutant,
) -> Option<FlueGasLimit> {
    use BoilerFuel::*;
    use FlueGasPollutant::*;
    use Gb13271Table::*;
    if pollutant == Blackness {
        return Some(FlueGasLimit {
            limit: Decimal::from_int(1),
            reference_o2: None,
        });
    }
    // [PM, SO2, NOx, Hg] in mg/m³ × 10⁶; 0 = no limit
    let row: [i64; 4] = match (table, fuel) {
        (InUse, Coal) => [
            80 * M,
            if southwest { 550 * M } else { 400 * M },
            400 * M,
            50_000,
        ],
        (InUse, Oil) => [60 * M, 300 * M, 400 * M, 0],
        (InUse, Gas) => [30 * M, 100 * M, 400 * M, 0],
        (New, Coal) => [50 * M, 300 * M, 300 * M, 50_000],
        (New, Oil) => [30 * M, 200 * M, 250 * M, 0],
        (New, Gas) => [20 * M, 50 * M, 200 * M, 0],
        (Special, Coal) => [30 * M, 200 * M, 200 * M, 50_000],
        (Special, Oil) => [30 * M, 100 * M, 200 * M, 0],
        (Special, Gas) => [20 * M, 50 * M, 150 * M, 0],
    };
    let limit = match pollutant {
        ParticulateMatter => row[0],
        SulfurDioxide => row[1],
        NitrogenOxides => row[2],
        Mercury => row[3],
        Blackness => unreachable!("handled above"),
    };
    (limit > 0).then(|| FlueGasLimit {
        limit: mg(limit),
        reference_o2: Some(fuel.reference_o2()),
    })
}

/// A concentration as measured: mg/m³, dry flue gas at standard state, at the actual O2 (实测浓度).
/// The basis of mass emissions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct MeasuredConcentration(pub Decimal);

/// A concentration corrected to the reference O2 (折算浓度), mg/m³: the value compared with a limit.
/// Never the basis of mass emissions (that would count the dilution twice).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct CorrectedConcentration(pub Decimal);

/// What to do when the measured O2 approaches 21 %, where the correction factor
/// (21 − O2ref)/(21 − O2) has no bound (flue gas that is essentially air: start-up, shut-down, leaks).
///
/// The standards give only the formula (GB 13223-2011 and GB 13271-2014 Eq. 1); a guard is an
/// operator's choice, so it is explicit here.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OxygenPolicy {
    /// Refuse (an error) when the measured O2 is at or above `ceiling` %.
    Refuse {
        /// The ceiling, % (below 21).
        ceiling: Decimal,
    },
    /// Use `ceiling` % in place of a measured O2 above it (some local CEMS rules do this).
    Clamp {
        /// The ceiling, % (below 21).
        ceiling: Decimal,
    },
}

impl Default for OxygenPolicy {
    /// Refuse at 20.5 % O2 and above, where the correction factor is at least 2 × (21 − O2ref).
    fn default() -> OxygenPolicy {
        OxygenPolicy::Refuse {
            ceiling: mg(20_500_000),
        }
    }
}

/// The concentration corrected to the reference O2 (折算, GB 13223-2011 and GB 13271-2014 Eq. 1):
///
/// ρ = ρ′ × (21 − φ(O2)ref) / (21 − φ(O2)measured)
///
/// computed exactly and rounded once, half to even, to six places. `measured_o2` and `reference_o2` are %
/// by dry volume. Errors when the measured O2 reaches the `policy` ceiling (when refused) or is negative.
pub fn oxygen_corrected(
    measured: MeasuredConcentration,
    measured_o2: Decimal,
    reference_o2: Decimal,
    policy: OxygenPolicy,
) -> Result<CorrectedConcentration, EmissionError> {
    let twenty_one = Decimal::from_int(21);
    for (name, value) in [("measured O2", measured_o2), ("reference O2", reference_o2)] {
        if value < Decimal::ZERO || value >= twenty_one {
            return Err(EmissionError::OutOfRange {
                name,
                value,
                range: "0 ≤ O2 < 21 %",
            });
        }
    }
    if measured.0 < Decimal::ZERO {
        return Err(EmissionError::OutOfRange {
            name: "concentration",
            value: measured.0,
            range: "≥ 0",
        });
    }
    let o2 = match policy {
        OxygenPolicy::Refuse { ceiling } if measured_o2 >= ceiling => {
            return Err(EmissionError::OxygenTooHigh {
                measured: measured_o2,
                ceiling,
            });
        }
        OxygenPolicy::Clamp { ceiling } if measured_o2 > ceiling && ceiling < twenty_one => ceiling,
        _ => measured_o2,
    };
    // ρ′ (×10⁶) × (21 − ref) (×10⁶) / (21 − O2) (×10⁶) = ρ (×10⁶)
    let n = measured.0.units() as i128 * (twenty_one - reference_o2).units() as i128;
    let d = (twenty_one - o2).units() as i128;
    Ok(CorrectedConcentration(units_ratio(n, d)))
}

/// The conditions in a stack that convert the actual (wet, working-state) flow to dry standard state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StackConditions {
    /// Flue-gas temperature t_s, °C.
    pub temperature_c: Decimal,
    /// Barometric pressure B_a, Pa.
    pub barometric_pa: Decimal,
    /// Static pressure in the stack P_s, Pa (negative under suction).
    pub static_pa: Decimal,
    /// Moisture content X_sw, volume fraction 0–1 (e.g. 0.08 for 8 %).
    pub moisture: Decimal,
}

/// The dry flue-gas flow at standard state (273.15 K, 101 325 Pa), m³/h (GB/T 16157-1996, as used by
/// HJ 75-2017):
///
/// Q_sn = Q_s × 273.15 / (273.15 + t_s) × (B_a + P_s) / 101 325 × (1 − X_sw)
///
/// Each product and quotient is rounded half to even to six places (a relative error below 10⁻⁹ for
/// real flows).
pub fn dry_standard_flow(
    actual_flow_m3_h: Decimal,
    stack: &StackConditions,
) -> Result<Decimal, EmissionError> {
    let kelvin = mg(273_150_000);
    let absolute = kelvin + stack.temperature_c;
    let pressure = stack.barometric_pa + stack.static_pa;
    if actual_flow_m3_h < Decimal::ZERO {
        return Err(EmissionError::OutOfRange {
            name: "flow",
            value: actual_flow_m3_h,
            range: "≥ 0 m³/h",
        });
    }
    if absolute <= Decimal::ZERO {
        return Err(EmissionError::OutOfRange {
            name: "flue-gas temperature",
            value: stack.temperature_c,
            range: "> −273.15 °C",
        });
    }
    if pressure <= Decimal::ZERO {
        return Err(EmissionError::OutOfRange {
            name: "absolute pressure",
            value: pressure,
            range: "> 0 Pa",
        });
    }
    if stack.moisture < Decimal::ZERO || stack.moisture >= Decimal::from_int(1) {
        return Err(EmissionError::OutOfRange {
            name: "moisture",
            value: stack.moisture,
            range: "0 ≤ X_sw < 1",
        });
    }
    let standard_pa = Decimal::from_int(101_325);
    let q = actual_flow_m3_h
        .mul(kelvin)
        .div(absolute)
        .unwrap_or(Decimal::ZERO);
    let q = q.mul(pressure).div(standard_pa).unwrap_or(Decimal::ZERO);
    Ok(q.mul(Decimal::from_int(1) - stack.moisture))
}

/// The mass emission rate, kg/h, from the measured (not oxygen-corrected) concentration and the dry
/// standard flow (HJ 75-2017 practice): G = ρ′ (mg/m³) × Q_sn (m³/h) × 10⁻⁶, rounded once half to even
/// to six places. Daily, monthly and annual masses are sums of hourly rates × 1 h.
pub fn mass_rate_kg_per_h(
    concentration: MeasuredConcentration,
    dry_standard_flow_m3_h: Decimal,
) -> Decimal {
    let n = concentration.0.units() as i128 * dry_standard_flow_m3_h.units() as i128;
    units_ratio(n, 1_000_000_000_000)
}

/// A gas whose analyser may report ppm (µmol/mol).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Gas {
    /// SO2, M = 64.06 g/mol.
    So2,
    /// NO2, M = 46.01 g/mol.
    No2,
    /// NO, M = 30.01 g/mol.
    No,
    /// CO, M = 28.01 g/mol.
    Co,
}

impl Gas {
    /// Molar mass in hundredths of g/mol.
    fn molar_mass_centi(self) -> i128 {
        match self {
            Gas::So2 => 6406,
            Gas::No2 => 4601,
            Gas::No => 3001,
            Gas::Co => 2801,
        }
    }
}

/// ppm (µmol/mol) to mg/m³ at standard state (273.15 K, 101.325 kPa): × M / 22.414 (molar volume,
/// L/mol); SO2 × 2.858, NO2 × 2.053, NO × 1.339, CO × 1.250 to three places. Rounded once to six places.
pub fn ppm_to_mg_per_m3(gas: Gas, ppm: Decimal) -> Decimal {
    // ppm × (M_centi / 100) / (22414 / 1000) = ppm × M_centi × 10 / 22414
    units_ratio(ppm.units() as i128 * gas.molar_mass_centi() * 10, 22_414)
}

/// NOx expressed as NO2 (以 NO2 计, GB 13223-2011 Table 1): ρ(NOx) = ρ(NO) × 46.01/30.01 + ρ(NO2), mg/m³,
/// rounded once to six places.
pub fn nox_as_no2(no_mg_per_m3: Decimal, no2_mg_per_m3: Decimal) -> Decimal {
    units_ratio(no_mg_per_m3.units() as i128 * 4601, 3001) + no2_mg_per_m3
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    fn coal(new: bool, southwest: bool) -> PowerUnit {
        PowerUnit {
            kind: PowerUnitKind::CoalBoiler,
            new,
            southwest,
            nox_exemption: false,
        }
    }

    #[test]
    fn gb13223_selected_limits() {
        use FlueGasPollutant::*;
        let general = Gb13223Table::General;
        assert_eq!(
            gb13223_limit(&coal(true, false), general, SulfurDioxide)
                .unwrap()
                .limit,
            d("100")
        );
        assert_eq!(
            gb13223_limit(&coal(false, true), general, SulfurDioxide)
                .unwrap()
                .limit,
            d("400")
        );
        let exempt = PowerUnit {
            nox_exemption: true,
            ..coal(false, false)
        };
        assert_eq!(
            gb13223_limit(&exempt, general, NitrogenOxides)
                .unwrap()
                .limit,
            d("200")
        );
        let turbine = PowerUnit {
            kind: PowerUnitKind::NaturalGasTurbine,
            ..coal(true, false)
        };
        let nox = gb13223_limit(&turbine, general, NitrogenOxides).unwrap();
        assert_eq!((nox.limit, nox.reference_o2), (d("50"), Some(d("15"))));
        assert_eq!(gb13223_limit(&turbine, general, Mercury), None);
        assert_eq!(
            gb13223_limit(&turbine, general, Blackness)
                .unwrap()
                .reference_o2,
            None
        );
        let pm =
            gb13223_limit(&coal(true, false), Gb13223Table::Special, ParticulateMatter).unwrap();
        assert_eq!((pm.limit, pm.reference_o2), (d("20"), Some(d("6"))));
    }

    #[test]
    fn gb13271_reference_oxygen_differs_from_gb13223() {
        let l = gb13271_limit(
            BoilerFuel::Gas,
            Gb13271Table::New,
            false,
            FlueGasPollutant::NitrogenOxides,
        )
        .unwrap();
        assert_eq!((l.limit, l.reference_o2), (d("200"), Some(d("3.5"))));
        let l = gb13271_limit(
            BoilerFuel::Coal,
            Gb13271Table::InUse,
            true,
            FlueGasPollutant::SulfurDioxide,
        )
        .unwrap();
        assert_eq!((l.limit, l.reference_o2), (d("550"), Some(d("9"))));
        assert_eq!(
            gb13271_limit(
                BoilerFuel::Oil,
                Gb13271Table::Special,
                false,
                FlueGasPollutant::Mercury
            ),
            None
        );
    }

    #[test]
    fn oxygen_correction() {
        let policy = OxygenPolicy::default();
        // 40 mg/m³ at 9 % O2 → 6 % reference: 40 × 15/12 = 50
        let c = oxygen_corrected(MeasuredConcentration(d("40")), d("9"), d("6"), policy).unwrap();
        assert_eq!(c, CorrectedConcentration(d("50")));
        // 10 × 15/14 = 10.714285714… → 10.714286
        let c = oxygen_corrected(MeasuredConcentration(d("10")), d("7"), d("6"), policy).unwrap();
        assert_eq!(c.0, d("10.714286"));
        assert!(matches!(
            oxygen_corrected(MeasuredConcentration(d("10")), d("20.6"), d("6"), policy),
            Err(EmissionError::OxygenTooHigh { .. })
        ));
        assert!(matches!(
            oxygen_corrected(
                MeasuredConcentration(d("10")),
                d("21"),
                d("6"),
                OxygenPolicy::Clamp { ceiling: d("19") }
            ),
            Err(EmissionError::OutOfRange { .. })
        ));
        // Clamped at 19 %: 10 × 15/2 = 75
        let c = oxygen_corrected(
            MeasuredConcentration(d("10")),
            d("20"),
            d("6"),
            OxygenPolicy::Clamp { ceiling: d("19") },
        )
        .unwrap();
        assert_eq!(c.0, d("75"));
    }

    #[test]
    fn judging_a_measurement() {
        // A new gas boiler under GB 13271 (NOx 200 at 3.5 %): 150 measured at 9 % O2 → 150 × 17.5/12 = 218.75
        let limit = gb13271_limit(
            BoilerFuel::Gas,
            Gb13271Table::New,
            false,
            FlueGasPollutant::NitrogenOxides,
        )
        .unwrap();
        let (corrected, verdict) = limit
            .judge(
                MeasuredConcentration(d("150")),
                d("9"),
                OxygenPolicy::default(),
            )
            .unwrap();
        assert_eq!(corrected.0, d("218.75"));
        assert_eq!(
            verdict,
            super::super::Verdict::Exceeds {
                multiple: Some(d("0.09"))
            }
        );
        // The same gas at 3.5 % O2 meets it.
        let (_, verdict) = limit
            .judge(
                MeasuredConcentration(d("150")),
                d("3.5"),
                OxygenPolicy::default(),
            )
            .unwrap();
        assert!(!verdict.exceeds());
    }

    #[test]
    fn flow_and_mass() {
        let stack = StackConditions {
            temperature_c: d("50"),
            barometric_pa: d("101325"),
            static_pa: Decimal::ZERO,
            moisture: d("0.1"),
        };
        // 1 000 000 × 273.15/323.15 × 0.9 = 760 730.3…
        let q = dry_standard_flow(d("1000000"), &stack).unwrap();
        assert!(
            (q.to_f64() - 1_000_000.0 * 273.15 / 323.15 * 0.9).abs() < 1e-3,
            "{q}"
        );
        // 35 mg/m³ × 1 000 000 m³/h = 35 kg/h
        assert_eq!(
            mass_rate_kg_per_h(MeasuredConcentration(d("35")), d("1000000")),
            d("35")
        );
        assert_eq!(
            mass_rate_kg_per_h(MeasuredConcentration(d("12.5")), d("760730.3")),
            d("9.509129")
        );
    }

    #[test]
    fn ppm_and_nox() {
        assert_eq!(
            ppm_to_mg_per_m3(Gas::So2, d("100")).round_half_even(1),
            d("285.8")
        );
        assert_eq!(
            ppm_to_mg_per_m3(Gas::Co, d("1")).round_half_even(3),
            d("1.25")
        );
        assert_eq!(nox_as_no2(d("30.01"), d("5")), d("51.01"));
    }
}
