//! Trophic state of lakes and reservoirs: the comprehensive trophic level index TLI(Σ)
//! (湖泊(水库)富营养化评价方法及分级技术规定, CNEMC 2001, adopted by 环办〔2011〕22号 for lakes and reservoirs).

use crate::Decimal;

/// The measurements that enter TLI(Σ); any subset with chlorophyll a or at least one other parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TrophicInputs {
    /// Chlorophyll a, mg/m³ (= µg/L).
    pub chlorophyll_a: Option<Decimal>,
    /// Total phosphorus, mg/L.
    pub total_phosphorus: Option<Decimal>,
    /// Total nitrogen, mg/L.
    pub total_nitrogen: Option<Decimal>,
    /// Secchi depth (transparency, 透明度), m.
    pub secchi_depth: Option<Decimal>,
    /// Permanganate index CODMn, mg/L.
    pub permanganate_index: Option<Decimal>,
}

/// A trophic state class (分级技术规定, 营养状态分级: TLI < 30 贫营养, 30 ≤ TLI ≤ 50 中营养, TLI > 50 富营养 with
/// 50 < TLI ≤ 60 轻度, 60 < TLI ≤ 70 中度, TLI > 70 重度).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TrophicState {
    /// 贫营养: TLI < 30.
    Oligotrophic,
    /// 中营养: 30 ≤ TLI ≤ 50.
    Mesotrophic,
    /// 轻度富营养: 50 < TLI ≤ 60.
    LightlyEutrophic,
    /// 中度富营养: 60 < TLI ≤ 70.
    ModeratelyEutrophic,
    /// 重度富营养: TLI > 70.
    HeavilyEutrophic,
}

impl TrophicState {
    /// The class of a TLI value; boundaries as in the CNEMC text (50 belongs to 中营养, 60 to 轻度, 70 to 中度).
    pub fn of(tli: Decimal) -> TrophicState {
        let i = Decimal::from_int;
        if tli < i(30) {
            TrophicState::Oligotrophic
        } else if tli <= i(50) {
            TrophicState::Mesotrophic
        } else if tli <= i(60) {
            TrophicState::LightlyEutrophic
        } else if tli <= i(70) {
            TrophicState::ModeratelyEutrophic
        } else {
            TrophicState::HeavilyEutrophic
        }
    }

    /// The Chinese name (`贫营养`, `中营养`, `轻度富营养`, `中度富营养`, `重度富营养`).
    pub fn chinese_name(self) -> &'static str {
        ["贫营养", "中营养", "轻度富营养", "中度富营养", "重度富营养"][self as usize]
    }

    /// Whether the state is eutrophic (TLI > 50, 富营养).
    pub fn is_eutrophic(self) -> bool {
        self >= TrophicState::LightlyEutrophic
    }
}

/// Why TLI(Σ) cannot be computed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TrophicError {
    /// A value that is zero or negative has no logarithm.
    #[error("{name} = {value} must be greater than zero for the trophic index")]
    NotPositive {
        /// The input's name.
        name: &'static str,
        /// The value given.
        value: Decimal,
    },
    /// No input given.
    #[error("no trophic-index input given (chlorophyll a, TP, TN, Secchi depth, CODMn)")]
    Empty,
}

/// TLI(Σ) and its class.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TrophicIndex {
    /// TLI(Σ), rounded half to even to two decimal places.
    pub tli: Decimal,
    /// Its class, from the rounded value.
    pub state: TrophicState,
}

/// One parameter of the index: (a, b) of TLI(j) = 10 (a + b ln x), and rᵢⱼ² (correlation with chlorophyll a, squared).
struct Term {
    name: &'static str,
    a: f64,
    b: f64,
    r_squared: f64,
}

const CHLA: Term = Term {
    name: "chlorophyll a",
    a: 2.5,
    b: 1.086,
    r_squared: 1.0,
};
const TP: Term = Term {
    name: "total phosphorus",
    a: 9.436,
    b: 1.624,
    r_squared: 0.7056,
};
const TN: Term = Term {
    name: "total nitrogen",
    a: 5.453,
    b: 1.694,
    r_squared: 0.6724,
};
const SD: Term = Term {
    name: "Secchi depth",
    a: 5.118,
    b: -1.94,
    r_squared: 0.6889,
};
const CODMN: Term = Term {
    name: "permanganate index",
    a: 0.109,
    b: 2.661,
    r_squared: 0.6889,
};

/// The comprehensive trophic level index TLI(Σ) = Σ Wⱼ · TLI(j) with Wⱼ = rᵢⱼ² / Σ rᵢⱼ² (分级技术规定, 综合营养状态指数):
///
/// TLI(chla) = 10(2.5 + 1.086 ln chla), TLI(TP) = 10(9.436 + 1.624 ln TP), TLI(TN) = 10(5.453 + 1.694 ln TN),
/// TLI(SD) = 10(5.118 − 1.94 ln SD), TLI(CODMn) = 10(0.109 + 2.661 ln CODMn); r = 1, 0.84, 0.82, −0.83, 0.83.
///
/// The weights are normalised over the parameters present, as the formula defines them; with all five
/// they are 0.2663, 0.1879, 0.1790, 0.1834, 0.1834 (the tabulated values). The logarithm is computed in
/// `f64` (it has no exact decimal form); the result is rounded half to even to two places, and the class
/// is decided on that rounded value, so it never depends on a last-bit accident.
pub fn trophic_index(inputs: &TrophicInputs) -> Result<TrophicIndex, TrophicError> {
    let terms = [
        (CHLA, inputs.chlorophyll_a),
        (TP, inputs.total_phosphorus),
        (TN, inputs.total_nitrogen),
        (SD, inputs.secchi_depth),
        (CODMN, inputs.permanganate_index),
    ];
    let mut weighted = 0.0;
    let mut weights = 0.0;
    for (term, value) in terms {
        let Some(value) = value else { continue };
        if value <= Decimal::ZERO {
            return Err(TrophicError::NotPositive {
                name: term.name,
                value,
            });
        }
        let tli = 10.0 * (term.a + term.b * value.to_f64().ln());
        weighted += term.r_squared * tli;
        weights += term.r_squared;
    }
    if weights == 0.0 {
        return Err(TrophicError::Empty);
    }
    let tli = Decimal::from_f64(weighted / weights)
        .map(|d| d.round_half_even(2))
        .map_err(|_| TrophicError::Empty)?;
    Ok(TrophicIndex {
        tli,
        state: TrophicState::of(tli),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn index_of_a_eutrophic_lake() {
        // chla 20 mg/m³, TP 0.1, TN 2, SD 0.5 m, CODMn 6:
        // TLI = 57.53, 56.97, 66.27, 64.63, 48.77; weighted ≈ 58.68
        let inputs = TrophicInputs {
            chlorophyll_a: Some(d("20")),
            total_phosphorus: Some(d("0.1")),
            total_nitrogen: Some(d("2")),
            secchi_depth: Some(d("0.5")),
            permanganate_index: Some(d("6")),
        };
        let r = trophic_index(&inputs).unwrap();
        let expected = (0.2663 * 57.5337
            + 0.1879 * 56.9660
            + 0.1790 * 66.2719
            + 0.1834 * 64.6271
            + 0.1834 * 48.7687)
            / (0.2663 + 0.1879 + 0.1790 + 0.1834 + 0.1834);
        assert!(
            (r.tli.to_f64() - expected).abs() < 0.02,
            "{} vs {expected}",
            r.tli
        );
        assert_eq!(r.tli, d("58.68"));
        assert_eq!(r.state, TrophicState::LightlyEutrophic);
    }

    #[test]
    fn single_parameter_and_boundaries() {
        // chla = 1 mg/m³ → TLI = 25
        let r = trophic_index(&TrophicInputs {
            chlorophyll_a: Some(d("1")),
            ..Default::default()
        })
        .unwrap();
        assert_eq!(r.tli, d("25"));
        assert_eq!(r.state, TrophicState::Oligotrophic);
        assert_eq!(TrophicState::of(d("30")), TrophicState::Mesotrophic);
        assert_eq!(TrophicState::of(d("50")), TrophicState::Mesotrophic);
        assert_eq!(TrophicState::of(d("50.01")), TrophicState::LightlyEutrophic);
        assert_eq!(TrophicState::of(d("70")), TrophicState::ModeratelyEutrophic);
        assert_eq!(TrophicState::of(d("70.01")), TrophicState::HeavilyEutrophic);
    }

    #[test]
    fn rejects_zero_and_empty() {
        assert!(matches!(
            trophic_index(&TrophicInputs {
                secchi_depth: Some(Decimal::ZERO),
                ..Default::default()
            }),
            Err(TrophicError::NotPositive { .. })
        ));
        assert_eq!(
            trophic_index(&TrophicInputs::default()),
            Err(TrophicError::Empty)
        );
    }
}
