//! Exact decimal numbers for the standards' arithmetic.
//!
//! The standards are written in decimal and demand exact rounding: HJ 633 takes the *ceiling* of the IAQI
//! interpolation (HJ 633-2012 §6.2, HJ 633-2026 §4.2.6), GB/T 8170 rounds half to even, GB 3838 puts a value
//! exactly on a limit in the better class. Evaluated in `f64`, `2.2` mg/m³ of CO gives an IAQI of
//! 55.000000000000007 and a ceiling of 56 instead of 55. [`Decimal`] holds a value as an integer count of
//! millionths, so comparisons and sums are exact and every rounding is explicit.

use std::cmp::Ordering;
use std::fmt;
use std::ops::{Add, Neg, Sub};
use std::str::FromStr;

/// Number of decimal places a [`Decimal`] holds.
pub const SCALE: u32 = 6;
const ONE: i64 = 10i64.pow(SCALE);

/// An exact decimal number with six decimal places (value = `units` × 10⁻⁶).
///
/// Six places cover every concentration the standards tabulate (the finest, GB 3838 Table 3, goes to
/// 0.000003 mg/L). Range: about ±9.2 × 10¹².
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Decimal(i64);

/// Why a text could not be read as a [`Decimal`].
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DecimalError {
    /// The text is not a decimal number (e.g. empty, `"1.2.3"`, `"abc"`).
    #[error("not a decimal number: {0:?}")]
    Invalid(String),
    /// The number is outside the range a [`Decimal`] can hold.
    #[error("number out of range: {0:?}")]
    OutOfRange(String),
    /// The number has more than six decimal places that are not zero.
    #[error("more than {SCALE} decimal places: {0:?}")]
    TooPrecise(String),
    /// An `f64` that is NaN or infinite.
    #[error("not a finite number: {0}")]
    NotFinite(f64),
}

impl Decimal {
    /// Zero.
    pub const ZERO: Decimal = Decimal(0);

    /// The decimal `units` × 10⁻⁶.
    pub const fn from_units(units: i64) -> Decimal {
        Decimal(units)
    }

    /// The integer `n`.
    pub const fn from_int(n: i64) -> Decimal {
        Decimal(n * ONE)
    }

    /// The value as an integer count of millionths (for exact integer arithmetic on rationals).
    pub const fn units(self) -> i64 {
        self.0
    }

    /// The decimal closest to `x` that prints like `x` does: `0.1_f64` becomes exactly `0.1`.
    ///
    /// Uses Rust's shortest round-trip representation, so a value that was typed as a decimal and stored
    /// as `f64` comes back as the decimal that was typed. Extra places beyond six are rounded half to even.
    pub fn from_f64(x: f64) -> Result<Decimal, DecimalError> {
        if !x.is_finite() {
            return Err(DecimalError::NotFinite(x));
        }
        parse(&format!("{x}"), Rounding::HalfEven)
    }

    /// Parses `text`, rounding places beyond the sixth half to even instead of refusing them.
    pub fn parse_rounded(text: &str) -> Result<Decimal, DecimalError> {
        parse(text, Rounding::HalfEven)
    }

    /// The nearest `f64` (for display and statistics, never for a threshold decision).
    pub fn to_f64(self) -> f64 {
        self.0 as f64 / ONE as f64
    }

    /// Rounded to `places` decimal places, half to even (GB/T 8170-2008 §3.3, "四舍六入五成双").
    pub fn round_half_even(self, places: u32) -> Decimal {
        self.round(places, Rounding::HalfEven)
    }

    /// Rounded to `places` decimal places, half away from zero (the everyday "四舍五入").
    pub fn round_half_up(self, places: u32) -> Decimal {
        self.round(places, Rounding::HalfUp)
    }

    /// The smallest integer not below the value (HJ 633: "全部进位取整数").
    pub fn ceil(self) -> Decimal {
        Decimal(self.0.div_euclid(ONE) * ONE + if self.0.rem_euclid(ONE) > 0 { ONE } else { 0 })
    }

    /// The largest integer not above the value.
    pub fn floor(self) -> Decimal {
        Decimal(self.0.div_euclid(ONE) * ONE)
    }

    /// The integer part when the value is a whole number.
    pub fn to_integer(self) -> Option<i64> {
        (self.0 % ONE == 0).then_some(self.0 / ONE)
    }

    /// The absolute value.
    pub fn abs(self) -> Decimal {
        Decimal(self.0.abs())
    }

    /// `self × other`, rounded half to even to six places.
    // Not `std::ops::Mul`: the rounding should be visible at the call site.
    #[allow(clippy::should_implement_trait)]
    pub fn mul(self, other: Decimal) -> Decimal {
        Decimal(div_round_half_even(
            self.0 as i128 * other.0 as i128,
            ONE as i128,
        ))
    }

    /// `self ÷ other`, rounded half to even to six places; `None` when `other` is zero.
    // Not `std::ops::Div`: division by zero is an answer (`None`), not a panic.
    #[allow(clippy::should_implement_trait)]
    pub fn div(self, other: Decimal) -> Option<Decimal> {
        (other.0 != 0).then(|| {
            Decimal(div_round_half_even(
                self.0 as i128 * ONE as i128,
                other.0 as i128,
            ))
        })
    }

    fn round(self, places: u32, rounding: Rounding) -> Decimal {
        if places >= SCALE {
            return self;
        }
        let step = 10i64.pow(SCALE - places);
        let quotient = match rounding {
            Rounding::HalfEven => div_round_half_even(self.0 as i128, step as i128),
            Rounding::HalfUp => div_round_half_up(self.0 as i128, step as i128),
        };
        Decimal(quotient * step)
    }
}

#[derive(Clone, Copy)]
enum Rounding {
    HalfEven,
    HalfUp,
}

/// `n / d` rounded half to even (`d` ≠ 0).
fn div_round_half_even(n: i128, d: i128) -> i64 {
    let (n, d) = if d < 0 { (-n, -d) } else { (n, d) };
    let q = n.div_euclid(d);
    let r = n.rem_euclid(d);
    let q = match (2 * r).cmp(&d) {
        Ordering::Less => q,
        Ordering::Greater => q + 1,
        Ordering::Equal => q + (q & 1),
    };
    q as i64
}

/// `n / d` rounded half away from zero (`d` > 0).
fn div_round_half_up(n: i128, d: i128) -> i64 {
    let q = (n.abs() + d / 2) / d;
    (if n < 0 { -q } else { q }) as i64
}

fn parse(text: &str, rounding: Rounding) -> Result<Decimal, DecimalError> {
    let invalid = || DecimalError::Invalid(text.to_string());
    let s = text.trim();
    let (negative, s) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let (mantissa, exponent) = match s.find(['e', 'E']) {
        Some(i) => (&s[..i], s[i + 1..].parse::<i32>().map_err(|_| invalid())?),
        None => (s, 0),
    };
    let (int_part, frac_part) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    if int_part.is_empty() && frac_part.is_empty()
        || !int_part
            .bytes()
            .chain(frac_part.bytes())
            .all(|b| b.is_ascii_digit())
    {
        return Err(invalid());
    }
    // All digits as one integer, with the decimal point `point` places from the right.
    let digits = int_part.bytes().chain(frac_part.bytes());
    let point = frac_part.len() as i32 - exponent;
    let shift = SCALE as i32 - point;
    let out_of_range = || DecimalError::OutOfRange(text.to_string());
    let mut value: i128 = 0;
    for d in digits {
        value = value
            .checked_mul(10)
            .and_then(|v| v.checked_add((d - b'0') as i128))
            .ok_or_else(out_of_range)?;
    }
    let units = if shift >= 0 {
        10i128
            .checked_pow(shift as u32)
            .and_then(|p| value.checked_mul(p))
            .ok_or_else(out_of_range)?
    } else {
        let divisor = 10i128.checked_pow((-shift) as u32);
        match divisor {
            None => 0, // far more places than an i128 holds: rounds to zero
            Some(d) => match rounding {
                Rounding::HalfEven => div_round_half_even(value, d) as i128,
                Rounding::HalfUp => div_round_half_up(value, d) as i128,
            },
        }
    };
    let units = if negative { -units } else { units };
    i64::try_from(units)
        .map(Decimal)
        .map_err(|_| out_of_range())
}

impl FromStr for Decimal {
    type Err = DecimalError;

    /// Parses `12`, `-0.5`, `.25`, `1.5e-3`; refuses non-zero places beyond the sixth.
    fn from_str(text: &str) -> Result<Decimal, DecimalError> {
        let value = parse(text, Rounding::HalfEven)?;
        if has_extra_places(text) {
            return Err(DecimalError::TooPrecise(text.to_string()));
        }
        Ok(value)
    }
}

/// Whether the text has non-zero digits beyond the sixth decimal place.
fn has_extra_places(text: &str) -> bool {
    let s = text.trim();
    let (mantissa, exponent) = match s.find(['e', 'E']) {
        Some(i) => (&s[..i], s[i + 1..].parse::<i32>().unwrap_or(0)),
        None => (s, 0),
    };
    let frac = mantissa.split_once('.').map_or("", |(_, f)| f);
    let keep = (SCALE as i32 + exponent).max(0) as usize;
    frac.bytes().skip(keep).any(|b| b != b'0')
}

impl fmt::Display for Decimal {
    /// Shortest exact form: `12`, `0.5`, `-3.25`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        let int = abs / ONE as u64;
        let frac = abs % ONE as u64;
        if frac == 0 {
            return write!(f, "{sign}{int}");
        }
        let frac = format!("{frac:06}");
        write!(f, "{sign}{int}.{}", frac.trim_end_matches('0'))
    }
}

impl fmt::Debug for Decimal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl Add for Decimal {
    type Output = Decimal;
    fn add(self, other: Decimal) -> Decimal {
        Decimal(self.0 + other.0)
    }
}

impl Sub for Decimal {
    type Output = Decimal;
    fn sub(self, other: Decimal) -> Decimal {
        Decimal(self.0 - other.0)
    }
}

impl Neg for Decimal {
    type Output = Decimal;
    fn neg(self) -> Decimal {
        Decimal(-self.0)
    }
}

impl std::iter::Sum for Decimal {
    fn sum<I: Iterator<Item = Decimal>>(iter: I) -> Decimal {
        iter.fold(Decimal::ZERO, Add::add)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn parses_and_prints() {
        for (text, shown) in [
            ("12", "12"),
            ("-0.5", "-0.5"),
            (".25", "0.25"),
            ("1.5e-3", "0.0015"),
            ("2.20", "2.2"),
            ("+7", "7"),
            ("1E2", "100"),
        ] {
            assert_eq!(d(text).to_string(), shown, "{text}");
        }
        for bad in ["", "-", ".", "1.2.3", "abc", "1e", "1,5", "0x10"] {
            assert!(
                matches!(bad.parse::<Decimal>(), Err(DecimalError::Invalid(_))),
                "{bad:?}"
            );
        }
        assert!(matches!(
            "0.0000001".parse::<Decimal>(),
            Err(DecimalError::TooPrecise(_))
        ));
        assert_eq!(d("0.1000000"), d("0.1"));
        assert!(matches!(
            "99999999999999999999".parse::<Decimal>(),
            Err(DecimalError::OutOfRange(_))
        ));
        assert_eq!(Decimal::parse_rounded("0.0000005").unwrap(), Decimal::ZERO);
        assert_eq!(Decimal::parse_rounded("0.0000015").unwrap(), d("0.000002"));
    }

    #[test]
    fn f64_round_trips_as_typed() {
        assert_eq!(Decimal::from_f64(0.1).unwrap(), d("0.1"));
        assert_eq!(Decimal::from_f64(2.2).unwrap(), d("2.2"));
        assert_eq!(Decimal::from_f64(1e-7).unwrap(), Decimal::ZERO);
        assert!(Decimal::from_f64(f64::NAN).is_err());
    }

    #[test]
    fn gb_t_8170_rounding() {
        // GB/T 8170-2008 examples: half to even.
        assert_eq!(d("35.5").round_half_even(0), d("36"));
        assert_eq!(d("36.5").round_half_even(0), d("36"));
        assert_eq!(d("0.25").round_half_even(1), d("0.2"));
        assert_eq!(d("0.35").round_half_even(1), d("0.4"));
        assert_eq!(d("-2.5").round_half_even(0), d("-2"));
        assert_eq!(d("2.5").round_half_up(0), d("3"));
        assert_eq!(d("-2.5").round_half_up(0), d("-3"));
    }

    #[test]
    fn ceiling_and_floor() {
        assert_eq!(d("55").ceil(), d("55"));
        assert_eq!(d("55.000001").ceil(), d("56"));
        assert_eq!(d("-1.5").ceil(), d("-1"));
        assert_eq!(d("-1.5").floor(), d("-2"));
    }

    #[test]
    fn products_and_quotients() {
        assert_eq!(d("1.5").mul(d("2.2")), d("3.3"));
        assert_eq!(d("1").div(d("3")).unwrap(), d("0.333333"));
        assert_eq!(d("2").div(d("3")).unwrap(), d("0.666667"));
        assert_eq!(d("1").div(Decimal::ZERO), None);
    }

    proptest! {
        #[test]
        fn display_parse_round_trip(units in -9_000_000_000_000_000i64..9_000_000_000_000_000) {
            let x = Decimal::from_units(units);
            prop_assert_eq!(x.to_string().parse::<Decimal>().unwrap(), x);
        }

        #[test]
        fn ordering_matches_integers(a in -1_000_000_000i64..1_000_000_000, b in -1_000_000_000i64..1_000_000_000) {
            prop_assert_eq!(Decimal::from_units(a).cmp(&Decimal::from_units(b)), a.cmp(&b));
        }

        #[test]
        fn half_even_is_within_half_a_step(units in -1_000_000_000_000i64..1_000_000_000_000, places in 0u32..6) {
            let x = Decimal::from_units(units);
            let r = x.round_half_even(places);
            let step = 10i64.pow(SCALE - places);
            prop_assert!((r.units() - units).abs() * 2 <= step);
            prop_assert_eq!(r.units() % step, 0);
        }

        #[test]
        fn arbitrary_text_never_panics(s in "\\PC{0,24}") {
            let _ = s.parse::<Decimal>();
        }
    }
}
