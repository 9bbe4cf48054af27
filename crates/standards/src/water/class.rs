//! GB 3838-2002 Table 1 limits and the single-factor class of a sample (环办〔2011〕22号, 断面水质评价).

use std::fmt;

use super::Parameter;
use crate::Decimal;

/// The kind of water body, which chooses the total-phosphorus limits of GB 3838-2002 Table 1 item 8.
///
/// River-type reservoirs are evaluated as rivers (环办〔2011〕22号, lakes and reservoirs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum WaterbodyKind {
    /// 河流: rivers, canals, river-type reservoirs.
    #[default]
    River,
    /// 湖、库: lakes and reservoirs (the bracketed TP limits of Table 1 item 8).
    LakeOrReservoir,
}

/// A surface-water quality class of GB 3838-2002 §3 (水域功能和标准分类, I–V), or worse than V (劣Ⅴ类).
///
/// Ordered from best to worst, so the worst of several classes is their maximum.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum WaterClass {
    /// Ⅰ类: source water, national nature reserves.
    I,
    /// Ⅱ类: first-grade drinking-water protection zones, rare-fish habitats.
    II,
    /// Ⅲ类: second-grade drinking-water protection zones, fisheries, swimming.
    III,
    /// Ⅳ类: industrial water, recreation without body contact.
    IV,
    /// Ⅴ类: agricultural water, landscape.
    V,
    /// 劣Ⅴ类: worse than class V.
    WorseThanV,
}

impl WaterClass {
    /// The five graded classes I–V, best first (the columns of GB 3838-2002 Table 1).
    pub const GRADED: [WaterClass; 5] = [
        WaterClass::I,
        WaterClass::II,
        WaterClass::III,
        WaterClass::IV,
        WaterClass::V,
    ];

    /// The class as a number 1–6 (6 = worse than V), as the national bulletins code it.
    pub fn number(self) -> u8 {
        self as u8 + 1
    }

    /// The class for a number 1–6.
    pub fn from_number(n: u8) -> Option<WaterClass> {
        match n {
            1..=5 => Some(WaterClass::GRADED[n as usize - 1]),
            6 => Some(WaterClass::WorseThanV),
            _ => None,
        }
    }

    /// The category label in ASCII Roman numerals: `I`, `II`, `III`, `IV`, `V`, `劣V`.
    pub fn label(self) -> &'static str {
        ["I", "II", "III", "IV", "V", "劣V"][self as usize]
    }

    /// Whether the class is I, II or III (the "good water" share of the 2011 method and of targets).
    pub fn is_good(self) -> bool {
        self <= WaterClass::III
    }
}

impl fmt::Display for WaterClass {
    /// The category label (`III`, `劣V`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// How a parameter's value is compared with GB 3838-2002 Table 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Criterion {
    /// Lower is better: the value meets a class when `value ≤ limit` (limits for I..V).
    AtMost([Decimal; 5]),
    /// Higher is better (dissolved oxygen): the value meets a class when `value ≥ limit`.
    AtLeast([Decimal; 5]),
    /// The same range for every class (pH 6–9); outside it the sample is worse than V.
    Range {
        /// Lowest value that meets the standard.
        low: Decimal,
        /// Highest value that meets the standard.
        high: Decimal,
    },
}

const fn mg(units: i64) -> Decimal {
    Decimal::from_units(units)
}

/// Limits in millionths of the unit, I..V (`1_000_000` = 1 mg/L).
const fn at_most(l: [i64; 5]) -> Criterion {
    Criterion::AtMost([mg(l[0]), mg(l[1]), mg(l[2]), mg(l[3]), mg(l[4])])
}

/// GB 3838-2002 Table 1: the criterion for `parameter` in a water body of `kind`, or `None` for items
/// without class limits (water temperature, whose limit is on man-made change, and Table 2 items).
///
/// Total nitrogen has the lake/reservoir limits whatever `kind` (the standard defines them for lakes;
/// the 2011 method does not let TN decide the class of either kind).
pub fn criterion(parameter: Parameter, kind: WaterbodyKind) -> Option<Criterion> {
    use Parameter::*;
    const M: i64 = 1_000_000;
    Some(match parameter {
        WaterTemperature => return None,
        // item 2
        Ph => Criterion::Range {
            low: mg(6 * M),
            high: mg(9 * M),
        },
        // item 3; class I is "saturation ≥ 90 % (or 7.5 mg/L)": the mg/L form is used here
        DissolvedOxygen => {
            Criterion::AtLeast([mg(7_500_000), mg(6 * M), mg(5 * M), mg(3 * M), mg(2 * M)])
        }
        PermanganateIndex => at_most([2 * M, 4 * M, 6 * M, 10 * M, 15 * M]),
        Cod => at_most([15 * M, 15 * M, 20 * M, 30 * M, 40 * M]),
        Bod5 => at_most([3 * M, 3 * M, 4 * M, 6 * M, 10 * M]),
        AmmoniaNitrogen => at_most([150_000, 500_000, M, 1_500_000, 2 * M]),
        TotalPhosphorus => match kind {
            WaterbodyKind::River => at_most([20_000, 100_000, 200_000, 300_000, 400_000]),
            WaterbodyKind::LakeOrReservoir => at_most([10_000, 25_000, 50_000, 100_000, 200_000]),
        },
        TotalNitrogen => at_most([200_000, 500_000, M, 1_500_000, 2 * M]),
        Copper => at_most([10_000, M, M, M, M]),
        Zinc => at_most([50_000, M, M, 2 * M, 2 * M]),
        Fluoride => at_most([M, M, M, 1_500_000, 1_500_000]),
        Selenium => at_most([10_000, 10_000, 10_000, 20_000, 20_000]),
        Arsenic => at_most([50_000, 50_000, 50_000, 100_000, 100_000]),
        Mercury => at_most([50, 50, 100, 1_000, 1_000]),
        Cadmium => at_most([1_000, 5_000, 5_000, 5_000, 10_000]),
        Chromium6 => at_most([10_000, 50_000, 50_000, 50_000, 100_000]),
        Lead => at_most([10_000, 10_000, 50_000, 50_000, 100_000]),
        Cyanide => at_most([5_000, 50_000, 200_000, 200_000, 200_000]),
        VolatilePhenol => at_most([2_000, 2_000, 5_000, 10_000, 100_000]),
        Petroleum => at_most([50_000, 50_000, 50_000, 500_000, M]),
        AnionicSurfactant => at_most([200_000, 200_000, 200_000, 300_000, 300_000]),
        Sulfide => at_most([50_000, 100_000, 200_000, 500_000, M]),
        FaecalColiform => at_most([200 * M, 2_000 * M, 10_000 * M, 20_000 * M, 40_000 * M]),
        Sulfate | Chloride | Nitrate | Iron | Manganese => return None,
    })
}

/// The class III limit of `parameter` (GB 3838-2002 Table 1), the basis of exceedance multiples, or
/// `None` when the parameter has no single class III limit (pH, water temperature, Table 2 items).
pub fn class_iii_limit(parameter: Parameter, kind: WaterbodyKind) -> Option<Decimal> {
    match criterion(parameter, kind)? {
        Criterion::AtMost(l) | Criterion::AtLeast(l) => Some(l[2]),
        Criterion::Range { .. } => None,
    }
}

/// The class of one value of `parameter` by GB 3838-2002 Table 1: the best class whose limit the value
/// meets, a value exactly on a limit belonging to the better class ("≤" for pollutants, "≥" for DO, §4
/// and Table 1). pH outside 6–9 is worse than V; inside it pH does not lower the class (class I).
/// `None` for parameters without class limits (see [`criterion`]).
pub fn parameter_class(
    parameter: Parameter,
    kind: WaterbodyKind,
    value: Decimal,
) -> Option<WaterClass> {
    Some(class_by(criterion(parameter, kind)?, value))
}

fn class_by(criterion: Criterion, value: Decimal) -> WaterClass {
    let position = match criterion {
        Criterion::AtMost(limits) => limits.iter().position(|&l| value <= l),
        Criterion::AtLeast(limits) => limits.iter().position(|&l| value >= l),
        Criterion::Range { low, high } => (low <= value && value <= high).then_some(0),
    };
    position.map_or(WaterClass::WorseThanV, |i| WaterClass::GRADED[i])
}

/// The exceedance multiple over the class III limit, (C − S_III) / S_III, rounded to two decimal places
/// half to even (GB/T 8170-2008), as the 2011 evaluation method defines it (环办〔2011〕22号 §3, 主要污染指标);
/// `None` when the value does not exceed class III or the parameter has no multiple (pH, DO and water
/// temperature get none under the method).
pub fn exceedance_multiple(
    parameter: Parameter,
    kind: WaterbodyKind,
    value: Decimal,
) -> Option<Decimal> {
    if matches!(
        parameter,
        Parameter::Ph | Parameter::DissolvedOxygen | Parameter::WaterTemperature
    ) {
        return None;
    }
    let limit = class_iii_limit(parameter, kind)?;
    (value > limit).then(|| ratio_rounded(value - limit, limit, 2))
}

/// `num / den` rounded once, half to even, to `places` decimal places (exact: integer arithmetic).
/// Zero when `den` is zero (no caller divides by a zero limit).
pub(crate) fn ratio_rounded(num: Decimal, den: Decimal, places: u32) -> Decimal {
    let places = places.min(6);
    let step = 10i128.pow(6 - places);
    // num / den in units of 10^-places: (num.units × 10^places) / den.units
    let n = num.units() as i128 * 10i128.pow(places);
    let d = den.units() as i128;
    if d == 0 {
        return Decimal::ZERO;
    }
    let (n, d) = if d < 0 { (-n, -d) } else { (n, d) };
    // 64-bit division when it suffices (several times faster than 128-bit).
    const SMALL: i128 = 1 << 62;
    let q = if n.abs() < SMALL && d < SMALL {
        half_even(n as i64, d as i64) as i128
    } else {
        let (q, r) = (n.div_euclid(d), n.rem_euclid(d));
        match (2 * r).cmp(&d) {
            std::cmp::Ordering::Less => q,
            std::cmp::Ordering::Greater => q + 1,
            std::cmp::Ordering::Equal => q + (q & 1),
        }
    };
    Decimal::from_units((q * step) as i64)
}

/// `n / d` rounded half to even, for `d > 0` and |n|, d < 2⁶².
fn half_even(n: i64, d: i64) -> i64 {
    let (q, r) = (n.div_euclid(d), n.rem_euclid(d));
    match (2 * r).cmp(&d) {
        std::cmp::Ordering::Less => q,
        std::cmp::Ordering::Greater => q + 1,
        std::cmp::Ordering::Equal => q + (q & 1),
    }
}

/// Why a sample cannot be evaluated.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WaterError {
    /// The same parameter appears twice in one sample.
    #[error("parameter {0} appears more than once in the sample")]
    DuplicateParameter(Parameter),
    /// A concentration below zero.
    #[error("{parameter} = {value} is negative")]
    Negative {
        /// The parameter.
        parameter: Parameter,
        /// The value given.
        value: Decimal,
    },
    /// A value of zero where the formula divides by it (dissolved oxygen in the CWQI).
    #[error("{parameter} = {value} must be greater than zero for this index")]
    NotPositive {
        /// The parameter.
        parameter: Parameter,
        /// The value given.
        value: Decimal,
    },
    /// A pH outside 0–14.
    #[error("pH = {0} is outside 0–14")]
    PhOutOfRange(Decimal),
    /// No parameter of the sample decides the class (see [`Parameter::decides_class`]).
    #[error("the sample has none of the 21 class-deciding parameters")]
    NoClassItems,
}

/// The result for one parameter of a sample.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParameterResult {
    /// The parameter.
    pub parameter: Parameter,
    /// The value evaluated.
    pub value: Decimal,
    /// Its class by GB 3838-2002 Table 1, `None` when the parameter has no class limits.
    pub class: Option<WaterClass>,
    /// Its exceedance multiple over class III ([`exceedance_multiple`]).
    pub exceedance: Option<Decimal>,
    /// Whether it takes part in the class of the sample ([`Parameter::decides_class`]).
    pub decides_class: bool,
}

/// The single-factor evaluation of a sample (环办〔2011〕22号, 断面水质评价: the class is the worst class of the
/// class-deciding items present).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evaluation {
    /// The class of the sample.
    pub class: WaterClass,
    /// Every parameter given, in the order given.
    pub parameters: Vec<ParameterResult>,
}

impl Evaluation {
    /// The parameters that set the class: the class-deciding parameters whose class equals the sample's,
    /// largest exceedance multiple first (then in GB 3838 table order). pH within 6–9 is a pass, not a
    /// grade, so it is listed only when it makes the sample worse than V.
    pub fn limiting(&self) -> Vec<ParameterResult> {
        let mut out: Vec<ParameterResult> = self
            .parameters
            .iter()
            .filter(|r| r.decides_class && r.class == Some(self.class))
            .filter(|r| r.parameter != Parameter::Ph || self.class == WaterClass::WorseThanV)
            .copied()
            .collect();
        out.sort_by(|a, b| {
            b.exceedance
                .cmp(&a.exceedance)
                .then(a.parameter.cmp(&b.parameter))
        });
        out
    }

    /// The main pollutants (主要污染指标) of 环办〔2011〕22号 (断面主要污染指标), only when the class is worse than III:
    /// up to three class-deciding items worse than III, the worst class first; toxic items (cyanide,
    /// lead, chromium and other heavy metals) exceeding class III take priority; ties are broken by the
    /// larger exceedance multiple. pH, DO have no multiple and rank after items of the same class that
    /// have one.
    pub fn main_pollutants(&self) -> Vec<ParameterResult> {
        if self.class <= WaterClass::III {
            return Vec::new();
        }
        let mut out: Vec<ParameterResult> = self
            .parameters
            .iter()
            .filter(|r| r.decides_class && r.class.is_some_and(|c| c > WaterClass::III))
            .copied()
            .collect();
        out.sort_by(|a, b| {
            b.parameter
                .is_toxic_priority()
                .cmp(&a.parameter.is_toxic_priority())
                .then(b.class.cmp(&a.class))
                .then(b.exceedance.cmp(&a.exceedance))
                .then(a.parameter.cmp(&b.parameter))
        });
        out.truncate(3);
        out
    }

    /// The result for `parameter`, when the sample has it.
    pub fn get(&self, parameter: Parameter) -> Option<&ParameterResult> {
        self.parameters.iter().find(|r| r.parameter == parameter)
    }
}

/// Evaluates a sample by the single-factor method: each parameter gets its GB 3838-2002 Table 1 class,
/// and the sample's class is the worst over the class-deciding items (环办〔2011〕22号, 断面水质评价; TN, faecal
/// coliform and water temperature are reported but do not decide). Missing parameters are simply not
/// evaluated.
///
/// Errors: a parameter given twice, a negative value, pH outside 0–14, or no class-deciding parameter.
pub fn evaluate(
    kind: WaterbodyKind,
    sample: &[(Parameter, Decimal)],
) -> Result<Evaluation, WaterError> {
    let mut parameters = Vec::with_capacity(sample.len());
    let mut class: Option<WaterClass> = None;
    let mut seen = 0u64;
    for &(parameter, value) in sample {
        let bit = 1u64 << (parameter as u32);
        if seen & bit != 0 {
            return Err(WaterError::DuplicateParameter(parameter));
        }
        seen |= bit;
        validate(parameter, value)?;
        let result = ParameterResult {
            parameter,
            value,
            class: parameter_class(parameter, kind, value),
            exceedance: exceedance_multiple(parameter, kind, value),
            decides_class: parameter.decides_class(),
        };
        if result.decides_class {
            class = class.max(result.class);
        }
        parameters.push(result);
    }
    Ok(Evaluation {
        class: class.ok_or(WaterError::NoClassItems)?,
        parameters,
    })
}

/// The class alone of a sample, by the same rules and checks as [`evaluate`] (环办〔2011〕22号, 断面水质评价),
/// without the per-parameter details and without allocating: for dashboards and bulk recomputation.
pub fn class_of(
    kind: WaterbodyKind,
    sample: &[(Parameter, Decimal)],
) -> Result<WaterClass, WaterError> {
    let mut class: Option<WaterClass> = None;
    let mut seen = 0u64;
    for &(parameter, value) in sample {
        let bit = 1u64 << (parameter as u32);
        if seen & bit != 0 {
            return Err(WaterError::DuplicateParameter(parameter));
        }
        seen |= bit;
        validate(parameter, value)?;
        if parameter.decides_class() {
            class = class.max(parameter_class(parameter, kind, value));
        }
    }
    class.ok_or(WaterError::NoClassItems)
}

/// The plausibility checks [`evaluate`] applies to one value.
pub fn validate(parameter: Parameter, value: Decimal) -> Result<(), WaterError> {
    match parameter {
        Parameter::Ph if value < Decimal::ZERO || value > Decimal::from_int(14) => {
            Err(WaterError::PhOutOfRange(value))
        }
        Parameter::WaterTemperature => Ok(()),
        _ if value < Decimal::ZERO => Err(WaterError::Negative { parameter, value }),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Parameter::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn value_on_a_limit_is_the_better_class() {
        let river = WaterbodyKind::River;
        assert_eq!(
            parameter_class(AmmoniaNitrogen, river, d("0.15")),
            Some(WaterClass::I)
        );
        assert_eq!(
            parameter_class(AmmoniaNitrogen, river, d("0.150001")),
            Some(WaterClass::II)
        );
        assert_eq!(
            parameter_class(AmmoniaNitrogen, river, d("2")),
            Some(WaterClass::V)
        );
        assert_eq!(
            parameter_class(AmmoniaNitrogen, river, d("2.01")),
            Some(WaterClass::WorseThanV)
        );
        // COD: classes I and II share 15, the better class wins.
        assert_eq!(parameter_class(Cod, river, d("15")), Some(WaterClass::I));
        // DO: higher is better, on a limit is the better class.
        assert_eq!(
            parameter_class(DissolvedOxygen, river, d("7.5")),
            Some(WaterClass::I)
        );
        assert_eq!(
            parameter_class(DissolvedOxygen, river, d("7.49")),
            Some(WaterClass::II)
        );
        assert_eq!(
            parameter_class(DissolvedOxygen, river, d("5")),
            Some(WaterClass::III)
        );
        assert_eq!(
            parameter_class(DissolvedOxygen, river, d("1.99")),
            Some(WaterClass::WorseThanV)
        );
    }

    #[test]
    fn ph_range() {
        let river = WaterbodyKind::River;
        assert_eq!(parameter_class(Ph, river, d("6")), Some(WaterClass::I));
        assert_eq!(parameter_class(Ph, river, d("9")), Some(WaterClass::I));
        assert_eq!(
            parameter_class(Ph, river, d("9.01")),
            Some(WaterClass::WorseThanV)
        );
        assert_eq!(
            parameter_class(Ph, river, d("5.99")),
            Some(WaterClass::WorseThanV)
        );
    }

    #[test]
    fn tp_depends_on_the_waterbody() {
        assert_eq!(
            parameter_class(TotalPhosphorus, WaterbodyKind::River, d("0.1")),
            Some(WaterClass::II)
        );
        assert_eq!(
            parameter_class(TotalPhosphorus, WaterbodyKind::LakeOrReservoir, d("0.1")),
            Some(WaterClass::IV)
        );
    }

    #[test]
    fn worst_class_and_limiting_parameters() {
        let e = evaluate(
            WaterbodyKind::River,
            &[
                (Ph, d("7.66")),
                (DissolvedOxygen, d("6.03")),
                (PermanganateIndex, d("13.3")),
                (AmmoniaNitrogen, d("1.77")),
            ],
        )
        .unwrap();
        assert_eq!(e.class, WaterClass::V);
        let limiting: Vec<_> = e
            .limiting()
            .iter()
            .map(|r| (r.parameter, r.exceedance))
            .collect();
        // CODMn (13.3 − 6)/6 = 1.2166… → 1.22; NH3-N (1.77 − 1)/1 = 0.77
        assert_eq!(
            limiting,
            [
                (PermanganateIndex, Some(d("1.22"))),
                (AmmoniaNitrogen, Some(d("0.77")))
            ]
        );
    }

    #[test]
    fn class_of_agrees_with_evaluate() {
        let sample = [
            (Ph, d("7")),
            (DissolvedOxygen, d("4")),
            (TotalNitrogen, d("9")),
        ];
        assert_eq!(class_of(WaterbodyKind::River, &sample), Ok(WaterClass::IV));
        assert_eq!(
            class_of(WaterbodyKind::River, &sample),
            evaluate(WaterbodyKind::River, &sample).map(|e| e.class)
        );
        assert_eq!(
            class_of(WaterbodyKind::River, &[(Cod, d("1")), (Cod, d("1"))]),
            Err(WaterError::DuplicateParameter(Cod))
        );
    }

    #[test]
    fn tn_and_coliform_do_not_decide() {
        let e = evaluate(
            WaterbodyKind::LakeOrReservoir,
            &[
                (AmmoniaNitrogen, d("0.1")),
                (TotalNitrogen, d("5")),
                (FaecalColiform, d("100000")),
            ],
        )
        .unwrap();
        assert_eq!(e.class, WaterClass::I);
        assert_eq!(
            e.get(TotalNitrogen).unwrap().class,
            Some(WaterClass::WorseThanV)
        );
        assert_eq!(
            evaluate(WaterbodyKind::River, &[(TotalNitrogen, d("1"))]),
            Err(WaterError::NoClassItems)
        );
    }

    #[test]
    fn rejects_bad_samples() {
        let river = WaterbodyKind::River;
        assert_eq!(
            evaluate(river, &[(Cod, d("1")), (Cod, d("2"))]),
            Err(WaterError::DuplicateParameter(Cod))
        );
        assert!(matches!(
            evaluate(river, &[(Cod, d("-1"))]),
            Err(WaterError::Negative { .. })
        ));
        assert_eq!(
            evaluate(river, &[(Ph, d("15"))]),
            Err(WaterError::PhOutOfRange(d("15")))
        );
    }

    #[test]
    fn exceedance_rounding_is_half_even_on_the_exact_ratio() {
        // (1.125 − 1)/1 = 0.125 → 0.12 (half to even); (1.135 − 1)/1 = 0.135 → 0.14
        assert_eq!(
            exceedance_multiple(AmmoniaNitrogen, WaterbodyKind::River, d("1.125")),
            Some(d("0.12"))
        );
        assert_eq!(
            exceedance_multiple(AmmoniaNitrogen, WaterbodyKind::River, d("1.135")),
            Some(d("0.14"))
        );
        assert_eq!(
            exceedance_multiple(AmmoniaNitrogen, WaterbodyKind::River, d("1")),
            None
        );
        assert_eq!(
            exceedance_multiple(DissolvedOxygen, WaterbodyKind::River, d("1")),
            None
        );
        // CODMn 6.0001 over 6: 0.0000166… → 0.00, still an exceedance
        assert_eq!(
            exceedance_multiple(PermanganateIndex, WaterbodyKind::River, d("6.0001")),
            Some(d("0"))
        );
        assert_eq!(ratio_rounded(d("1"), d("3"), 2), d("0.33"));
        assert_eq!(ratio_rounded(d("2"), d("3"), 2), d("0.67"));
        assert_eq!(ratio_rounded(d("-0.125"), d("1"), 2), d("-0.12"));
        assert_eq!(ratio_rounded(d("1"), d("-8"), 2), d("-0.12"));
        // beyond 64 bits: the 128-bit path gives the same rounding
        assert_eq!(
            ratio_rounded(d("9000000000000"), d("3000000"), 2),
            d("3000000")
        );
        assert_eq!(
            ratio_rounded(d("9000000000000.015"), d("1000"), 2),
            d("9000000000")
        );
        assert_eq!(ratio_rounded(d("1"), Decimal::ZERO, 2), Decimal::ZERO);
    }

    #[test]
    fn main_pollutants_only_worse_than_iii() {
        let e = evaluate(
            WaterbodyKind::River,
            &[
                (PermanganateIndex, d("8")),
                (AmmoniaNitrogen, d("1.4")),
                (Lead, d("0.06")),
                (Cod, d("35")),
            ],
        )
        .unwrap();
        let main: Vec<_> = e.main_pollutants().iter().map(|r| r.parameter).collect();
        assert_eq!(main, [Lead, Cod, AmmoniaNitrogen]);
        let good = evaluate(WaterbodyKind::River, &[(Cod, d("18"))]).unwrap();
        assert!(good.main_pollutants().is_empty());
    }
}
