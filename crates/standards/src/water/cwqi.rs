//! The city water-quality index CWQI (城市水质指数) used to rank cities by surface-water quality
//! (城市地表水环境质量排名技术规定（试行）, 环办监测〔2017〕51号). **Single source**: transcribed from the
//! `CWQICalculatorV2017` of an open-source implementation, not from the text of the rule; check it before
//! using the index for an official ranking.

use super::{Parameter, WaterError, WaterbodyKind, class_iii_limit, validate};
use crate::Decimal;

/// The CWQI of one sample: the per-parameter indices and their sum.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cwqi {
    /// Σ CWQIᵢ over the class-deciding parameters of the sample.
    pub total: Decimal,
    /// CWQIᵢ for each class-deciding parameter, in the order given.
    pub parameters: Vec<(Parameter, Decimal)>,
}

/// The CWQI of a sample (城市地表水环境质量排名技术规定（试行）, single source, see the module doc):
///
/// - CWQIᵢ = Cᵢ / S_III,i for the class-deciding items (the GB 3838-2002 Table 1 class III limit; lake
///   TP limits for lakes and reservoirs);
/// - dissolved oxygen: CWQI = S_III / C;
/// - pH: (7 − pH) / (7 − 6) when pH ≤ 7, else (pH − 7) / (9 − 7);
/// - the sample's CWQI is the sum over its class-deciding items (TN, faecal coliform and water temperature
///   are not included).
///
/// Each index is rounded half to even to six places, the total is their exact sum. Errors: a negative
/// value, pH outside 0–14, a parameter twice, DO of zero, or no class-deciding item.
pub fn cwqi(kind: WaterbodyKind, sample: &[(Parameter, Decimal)]) -> Result<Cwqi, WaterError> {
    let mut parameters = Vec::with_capacity(sample.len());
    for &(parameter, value) in sample {
        validate(parameter, value)?;
        if !parameter.decides_class() {
            continue;
        }
        if parameters.iter().any(|(p, _)| *p == parameter) {
            return Err(WaterError::DuplicateParameter(parameter));
        }
        let index = match parameter {
            Parameter::Ph => {
                let seven = Decimal::from_int(7);
                if value <= seven {
                    seven - value
                } else {
                    (value - seven)
                        .div(Decimal::from_int(2))
                        .unwrap_or(Decimal::ZERO)
                }
            }
            Parameter::DissolvedOxygen => {
                let limit = class_iii_limit(parameter, kind).unwrap_or(Decimal::from_int(5));
                limit
                    .div(value)
                    .ok_or(WaterError::NotPositive { parameter, value })?
            }
            _ => match class_iii_limit(parameter, kind) {
                Some(limit) => value.div(limit).unwrap_or(Decimal::ZERO),
                None => continue,
            },
        };
        parameters.push((parameter, index));
    }
    if parameters.is_empty() {
        return Err(WaterError::NoClassItems);
    }
    Ok(Cwqi {
        total: parameters.iter().map(|(_, i)| *i).sum(),
        parameters,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use Parameter::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn index_terms() {
        let r = cwqi(
            WaterbodyKind::River,
            &[
                (Ph, d("8")),
                (DissolvedOxygen, d("10")),
                (AmmoniaNitrogen, d("0.5")),
                (TotalPhosphorus, d("0.1")),
                (TotalNitrogen, d("3")),
            ],
        )
        .unwrap();
        // pH (8 − 7)/2 = 0.5; DO 5/10 = 0.5; NH3-N 0.5/1 = 0.5; TP 0.1/0.2 = 0.5; TN excluded
        assert_eq!(r.total, d("2"));
        assert_eq!(r.parameters.len(), 4);
        let lake = cwqi(
            WaterbodyKind::LakeOrReservoir,
            &[(TotalPhosphorus, d("0.1")), (Ph, d("6.5"))],
        )
        .unwrap();
        // TP 0.1/0.05 = 2; pH (7 − 6.5) = 0.5
        assert_eq!(lake.total, d("2.5"));
    }

    #[test]
    fn rejects_zero_oxygen_and_empty_samples() {
        assert!(matches!(
            cwqi(WaterbodyKind::River, &[(DissolvedOxygen, Decimal::ZERO)]),
            Err(WaterError::NotPositive { .. })
        ));
        assert_eq!(
            cwqi(WaterbodyKind::River, &[(TotalNitrogen, d("1"))]),
            Err(WaterError::NoClassItems)
        );
    }
}
