//! The My Number (個人番号): a 12-digit number whose last digit is a check digit (docs/domain.md
//! §2, §13), with validation, deterministic seeded generation for simulated residents, and
//! privacy-preserving formatting.
//!
//! A My Number is personal data: `Display` and `Debug` only ever show the last four digits
//! (`****-****-1234`), and parse errors never echo the input, so numbers cannot leak into logs,
//! reports or panic messages by accident. The full number is available through
//! [`MyNumber::reveal`] and through serde, because the event log is the system of record.

use std::borrow::Cow;
use std::fmt;

use schemars::JsonSchema;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// 10^11: the number of 11-digit bases (leading zeros allowed).
const BASE_MODULUS: u64 = 100_000_000_000;
/// Generated bases have a non-zero leading digit: they lie in [10^10, 10^11).
const GENERATED_BASE_START: u64 = 10_000_000_000;
/// The size of that range, 9·10^10 = 2^10·3^2·5^10.
const GENERATED_BASE_COUNT: u64 = 90_000_000_000;

/// The check digit for the 11-digit base `base11` (only its 11 low-order decimal digits are
/// used).
///
/// §13 [A* MN-CD, 平成26年総務省令第85号 5条]: with P_n the n-th digit from the right
/// and weights Q_n = n+1 (n ≤ 6), n−5 (n ≥ 7), i.e. 2,3,4,5,6,7,2,3,4,5,6 from the right,
/// r = Σ P_n·Q_n mod 11; the check digit is 0 if r ≤ 1, else 11 − r.
pub fn check_digit(base11: u64) -> u8 {
    let mut rest = base11;
    let mut sum = 0u64;
    for n in 1..=11u64 {
        let weight = if n <= 6 { n + 1 } else { n - 5 };
        sum += (rest % 10) * weight;
        rest /= 10;
    }
    let r = sum % 11;
    if r <= 1 { 0 } else { (11 - r) as u8 }
}

/// A valid My Number. Construct with [`MyNumber::parse`], [`MyNumber::from_base`] or
/// [`MyNumber::generate`]; every value carries a correct check digit.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct MyNumber(u64);

/// Why a string is not a My Number. Deliberately carries no part of the input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum MyNumberError {
    #[error("a My Number has 12 digits, got {len} characters")]
    WrongLength { len: usize },
    #[error("a My Number has only ASCII digits; character {position} is not one")]
    NotADigit { position: usize },
    #[error("the check digit does not match (docs/domain.md §13)")]
    BadCheckDigit,
}

impl MyNumber {
    /// Parses 12 ASCII digits and checks the check digit (§13).
    pub fn parse(s: &str) -> Result<MyNumber, MyNumberError> {
        if s.len() != 12 || !s.is_ascii() {
            return Err(MyNumberError::WrongLength {
                len: s.chars().count(),
            });
        }
        let mut value = 0u64;
        for (i, b) in s.bytes().enumerate() {
            if !b.is_ascii_digit() {
                return Err(MyNumberError::NotADigit { position: i + 1 });
            }
            value = value * 10 + u64::from(b - b'0');
        }
        let n = MyNumber(value);
        if n.is_valid() {
            Ok(n)
        } else {
            Err(MyNumberError::BadCheckDigit)
        }
    }

    /// The My Number with base `base11` and its check digit appended; `None` if `base11` has
    /// more than 11 digits.
    pub fn from_base(base11: u64) -> Option<MyNumber> {
        (base11 < BASE_MODULUS).then(|| MyNumber(base11 * 10 + u64::from(check_digit(base11))))
    }

    /// Whether the last digit is the check digit of the first eleven (§13).
    pub fn is_valid(&self) -> bool {
        self.0 < BASE_MODULUS * 10 && check_digit(self.0 / 10) == (self.0 % 10) as u8
    }

    /// The deterministic My Number of simulated resident `index` in a run seeded with `seed`.
    ///
    /// The base is an affine bijection of `index` onto the 9·10^10 bases with a non-zero
    /// leading digit, `10^10 + (a·index + b) mod 9·10^10`, with the multiplier `a` (coprime to
    /// 9·10^10, so the map is a bijection) and the offset `b` derived from the seed; then the
    /// check digit is appended. Distinct indices below 9·10^10 give distinct numbers; larger
    /// indices wrap around. Real numbers are assigned by J-LIS with an unpublished method; the
    /// non-zero leading digit is our choice, so every number prints as 12 digits without
    /// relying on zero padding.
    pub fn generate(seed: u64, index: u64) -> MyNumber {
        let (a, b) = affine_key(seed, GENERATED_BASE_COUNT);
        let x = u128::from(index % GENERATED_BASE_COUNT);
        let y = (u128::from(a) * x + u128::from(b)) % u128::from(GENERATED_BASE_COUNT);
        MyNumber::from_base(GENERATED_BASE_START + y as u64).expect("base below 10^11")
    }

    /// The full 12 digits. For storage only: never log or display this.
    pub fn reveal(&self) -> String {
        format!("{:012}", self.0)
    }

    /// The full 12 digits as [`MyNumber::reveal`] writes them, as ASCII bytes, without
    /// allocating (an event's payload, `crate::msgpack`). For storage only: never log or
    /// display this.
    pub fn reveal_digits(&self) -> [u8; 12] {
        // Every My Number is below 10^12 (eleven digits of base and a check digit).
        let mut digits = [b'0'; 12];
        let mut n = self.0;
        for d in digits.iter_mut().rev() {
            *d = b'0' + (n % 10) as u8;
            n /= 10;
        }
        digits
    }

    /// The last four digits, as shown in masked form.
    pub fn last_four(&self) -> u16 {
        (self.0 % 10_000) as u16
    }
}

/// The key of the generator's affine map: salted "MYNUMBER" / "OFFSET!!", so that the multiplier
/// and the offset are independent of each other and of other generators keyed by the same seed.
fn affine_key(seed: u64, modulus: u64) -> (u64, u64) {
    crate::hashing::affine_key(
        seed,
        modulus,
        [0x4D59_4E55_4D42_4552, 0x4F46_4653_4554_2121],
    )
}

impl fmt::Display for MyNumber {
    /// Masked: `****-****-NNNN`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "****-****-{:04}", self.last_four())
    }
}

impl fmt::Debug for MyNumber {
    /// Masked like `Display`, so `{:?}` in logs and test failures cannot leak the number.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "MyNumber(****-****-{:04})", self.last_four())
    }
}

impl Serialize for MyNumber {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.reveal())
    }
}

impl<'de> Deserialize<'de> for MyNumber {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = Cow::<'de, str>::deserialize(d)?;
        MyNumber::parse(&s).map_err(serde::de::Error::custom)
    }
}

impl JsonSchema for MyNumber {
    fn schema_name() -> Cow<'static, str> {
        "MyNumber".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "pattern": "^[0-9]{12}$",
            "description": "A My Number (個人番号): 12 digits, the last a check digit (docs/domain.md §13)."
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn given_base_12345678901_when_weighting_from_the_right_then_sum_212_r_3_check_digit_8() {
        // From the right: 1×2 + 0×3 + 9×4 + 8×5 + 7×6 + 6×7 + 5×2 + 4×3 + 3×4 + 2×5 + 1×6
        // = 2+0+36+40+42+42+10+12+12+10+6 = 212; 212 mod 11 = 3; 11 − 3 = 8.
        let digits_from_right = [1, 0, 9, 8, 7, 6, 5, 4, 3, 2, 1];
        let weights = [2, 3, 4, 5, 6, 7, 2, 3, 4, 5, 6];
        let products: Vec<u32> = digits_from_right
            .iter()
            .zip(weights)
            .map(|(p, q)| p * q)
            .collect();
        assert_eq!(products, [2, 0, 36, 40, 42, 42, 10, 12, 12, 10, 6]);
        let sum: u32 = products.iter().sum();
        assert_eq!(sum, 212);
        assert_eq!(sum % 11, 3);
        assert_eq!(check_digit(12345678901), 8);
    }

    #[test]
    fn given_123456789018_when_parsing_then_valid() {
        let n = MyNumber::parse("123456789018").unwrap();
        assert!(n.is_valid());
        assert_eq!(n.reveal(), "123456789018");
        assert_eq!(MyNumber::from_base(12345678901), Some(n));
    }

    #[test]
    fn given_123456789017_when_parsing_then_bad_check_digit() {
        assert_eq!(
            MyNumber::parse("123456789017"),
            Err(MyNumberError::BadCheckDigit)
        );
    }

    #[test]
    fn given_base_27182818284_with_sum_221_r_1_then_check_digit_0_and_271828182840_valid() {
        assert_eq!(check_digit(27182818284), 0);
        assert!(MyNumber::parse("271828182840").is_ok());
    }

    #[test]
    fn given_base_98765432109_then_check_digit_3() {
        assert_eq!(check_digit(98765432109), 3);
    }

    #[test]
    fn given_base_20000000000_with_r_1_then_check_digit_0() {
        assert_eq!(check_digit(20000000000), 0);
    }

    #[test]
    fn given_malformed_strings_when_parsing_then_typed_errors_without_the_input() {
        assert_eq!(
            MyNumber::parse("12345678901"),
            Err(MyNumberError::WrongLength { len: 11 })
        );
        assert_eq!(
            MyNumber::parse("12345678901a"),
            Err(MyNumberError::NotADigit { position: 12 })
        );
        assert_eq!(
            MyNumber::parse("１２３４５６７８９０１８"),
            Err(MyNumberError::WrongLength { len: 12 })
        );
        let msg = MyNumber::parse("123456789017").unwrap_err().to_string();
        assert!(!msg.contains("123456789017"));
    }

    #[test]
    fn given_a_number_when_formatted_then_only_last_four_digits_show() {
        let n = MyNumber::parse("123456789018").unwrap();
        let shown = format!("{n}");
        let debugged = format!("{n:?}");
        assert_eq!(shown, "****-****-9018");
        assert_eq!(debugged, "MyNumber(****-****-9018)");
        for s in [&shown, &debugged, &format!("{:?}", Some(n))] {
            assert!(!s.contains("123456789018"));
            assert!(!s.contains("12345678"));
        }
    }

    #[test]
    fn given_a_number_when_serialized_then_full_string_and_validated_on_the_way_back() {
        let n = MyNumber::parse("271828182840").unwrap();
        let json = serde_json::to_string(&n).unwrap();
        assert_eq!(json, "\"271828182840\"");
        assert_eq!(serde_json::from_str::<MyNumber>(&json).unwrap(), n);
        assert!(serde_json::from_str::<MyNumber>("\"123456789017\"").is_err());
        assert!(serde_json::from_str::<MyNumber>("123456789018").is_err());
    }

    #[test]
    fn given_100000_consecutive_indices_when_generating_then_distinct_valid_12_digit_numbers() {
        let mut seen = BTreeSet::new();
        for i in 0..100_000 {
            let n = MyNumber::generate(42, i);
            assert!(n.is_valid());
            let s = n.reveal();
            assert_eq!(s.len(), 12);
            assert_ne!(&s[..1], "0");
            assert_eq!(MyNumber::parse(&s), Ok(n));
            assert!(seen.insert(n));
        }
    }

    #[test]
    fn given_seed_and_index_when_generating_twice_then_same_and_other_seeds_differ() {
        assert_eq!(MyNumber::generate(7, 123), MyNumber::generate(7, 123));
        for seed in [0u64, 1, 2, 42, u64::MAX] {
            let other = seed.wrapping_add(1);
            let differing = (0..100)
                .filter(|&i| MyNumber::generate(seed, i) != MyNumber::generate(other, i))
                .count();
            assert!(differing >= 99, "seeds {seed} and {other}");
        }
    }
}
