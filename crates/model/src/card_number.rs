//! The residence card / SPR certificate number (在留カード番号): two letters, eight digits, two
//! letters (docs/domain.md §2, §14), with validation and deterministic seeded generation.
//!
//! A new number is assigned at every issuance, reissue included (§2 [A* ACT-19-4(2)]), so the
//! generator takes the resident's issuance counter as well as the resident. No public check
//! digit rule is known for this number (§14 [C]), so none is computed. Card numbers are not
//! secret (they are printed on the card and checked on ISA's public lookup site), so they
//! display in full.

use std::borrow::Cow;
use std::fmt;

use schemars::JsonSchema;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The number of possible card numbers: 26^4 letter combinations × 10^8 digit strings
/// (= 2^12·5^8·13^4).
const SPACE: u64 = 26 * 26 * 26 * 26 * 100_000_000;
/// Issuance serials per resident that [`ResidenceCardNumber::generate`] keeps distinct.
pub const SERIALS_PER_RESIDENT: u32 = 1000;

/// A well-formed residence card or SPR certificate number, `^[A-Z]{2}[0-9]{8}[A-Z]{2}$`.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ResidenceCardNumber([u8; 12]);

/// Why a string is not a residence card number. Positions are 1-based.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum CardNumberError {
    #[error("a residence card number has 12 characters, got {len}")]
    WrongLength { len: usize },
    #[error("character {position} of a residence card number must be an upper-case letter A-Z")]
    ExpectedLetter { position: usize },
    #[error("character {position} of a residence card number must be a digit 0-9")]
    ExpectedDigit { position: usize },
}

impl ResidenceCardNumber {
    /// Parses `AB12345678CD` (§14 [B CARDNO, TECH]).
    pub fn parse(s: &str) -> Result<ResidenceCardNumber, CardNumberError> {
        let bytes: [u8; 12] = s
            .as_bytes()
            .try_into()
            .ok()
            .filter(|_| s.is_ascii())
            .ok_or(CardNumberError::WrongLength {
                len: s.chars().count(),
            })?;
        for (i, &b) in bytes.iter().enumerate() {
            let letter_slot = !(2..10).contains(&i);
            if letter_slot && !b.is_ascii_uppercase() {
                return Err(CardNumberError::ExpectedLetter { position: i + 1 });
            }
            if !letter_slot && !b.is_ascii_digit() {
                return Err(CardNumberError::ExpectedDigit { position: i + 1 });
            }
        }
        Ok(ResidenceCardNumber(bytes))
    }

    /// The number as a string slice.
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).expect("validated ASCII")
    }

    /// The number for the `serial`-th issuance (0-based) to simulated resident `resident` in a
    /// run seeded with `seed`.
    ///
    /// §2 [A* ACT-19-4(2)]: every issuance gets a new number. The value
    /// `resident·1000 + serial` is mapped by a seed-keyed affine bijection of the 26^4·10^8
    /// number space (`(a·v + b) mod 26^4·10^8`, `a` coprime to the modulus) and spelled as
    /// letters-digits-letters. Distinct `(resident, serial)` pairs with `serial < 1000`
    /// ([`SERIALS_PER_RESIDENT`]) give distinct numbers; a serial of 1000 or more may collide
    /// with another resident's. Real numbers are assigned by ISA with an unpublished method.
    pub fn generate(seed: u64, resident: u32, serial: u32) -> ResidenceCardNumber {
        let v = u64::from(resident) * u64::from(SERIALS_PER_RESIDENT) + u64::from(serial);
        let (a, b) = affine_key(seed, SPACE);
        let y =
            ((u128::from(a) * u128::from(v % SPACE) + u128::from(b)) % u128::from(SPACE)) as u64;
        ResidenceCardNumber::from_index(y)
    }

    /// Spells `x < SPACE` as two letters, eight digits, two letters.
    fn from_index(x: u64) -> ResidenceCardNumber {
        let mut digits = x % 100_000_000;
        let mut letters = x / 100_000_000;
        let mut out = [0u8; 12];
        for i in (2..10).rev() {
            out[i] = b'0' + (digits % 10) as u8;
            digits /= 10;
        }
        for i in [11, 10, 1, 0] {
            out[i] = b'A' + (letters % 26) as u8;
            letters /= 26;
        }
        ResidenceCardNumber(out)
    }
}

/// The key of the generator's affine map. The salts ("ZAIRYUCA" / "CARDNO!!") differ from the My
/// Number generator's, so the two are unrelated for one seed.
fn affine_key(seed: u64, modulus: u64) -> (u64, u64) {
    crate::hashing::affine_key(
        seed,
        modulus,
        [0x5A41_4952_5955_4341, 0x4341_5244_4E4F_2121],
    )
}

impl fmt::Display for ResidenceCardNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for ResidenceCardNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ResidenceCardNumber({})", self.as_str())
    }
}

impl std::str::FromStr for ResidenceCardNumber {
    type Err = CardNumberError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ResidenceCardNumber::parse(s)
    }
}

impl Serialize for ResidenceCardNumber {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for ResidenceCardNumber {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = Cow::<'de, str>::deserialize(d)?;
        ResidenceCardNumber::parse(&s).map_err(serde::de::Error::custom)
    }
}

impl JsonSchema for ResidenceCardNumber {
    fn schema_name() -> Cow<'static, str> {
        "ResidenceCardNumber".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "pattern": "^[A-Z]{2}[0-9]{8}[A-Z]{2}$",
            "description": "A residence card / SPR certificate number (docs/domain.md §14).",
            "examples": ["AA12345678BB"]
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn given_the_spec_test_vector_aa12345678bb_when_parsing_then_ok_and_displayed_in_full() {
        let n = ResidenceCardNumber::parse("AA12345678BB").unwrap();
        assert_eq!(n.to_string(), "AA12345678BB");
        assert_eq!(format!("{n:?}"), "ResidenceCardNumber(AA12345678BB)");
        assert!(ResidenceCardNumber::parse("AB12345678CD").is_ok());
    }

    #[test]
    fn given_malformed_strings_when_parsing_then_typed_errors() {
        use CardNumberError::*;
        let p = ResidenceCardNumber::parse;
        assert_eq!(p("AA1234567BB"), Err(WrongLength { len: 11 }));
        assert_eq!(p("aA12345678BB"), Err(ExpectedLetter { position: 1 }));
        assert_eq!(p("AA1234567XBB"), Err(ExpectedDigit { position: 10 }));
        assert_eq!(p("AA123456789B"), Err(ExpectedLetter { position: 11 }));
        assert_eq!(p("ＡA12345678B"), Err(WrongLength { len: 11 }));
    }

    #[test]
    fn given_a_number_when_serialized_then_plain_string_validated_on_the_way_back() {
        let n = ResidenceCardNumber::parse("AA12345678BB").unwrap();
        let json = serde_json::to_string(&n).unwrap();
        assert_eq!(json, "\"AA12345678BB\"");
        assert_eq!(
            serde_json::from_str::<ResidenceCardNumber>(&json).unwrap(),
            n
        );
        assert!(serde_json::from_str::<ResidenceCardNumber>("\"AA12345678B1\"").is_err());
    }

    #[test]
    fn given_50000_resident_serial_pairs_when_generating_then_distinct_well_formed_numbers() {
        let mut seen = BTreeSet::new();
        for resident in 0..5_000u32 {
            for serial in 0..10u32 {
                let n = ResidenceCardNumber::generate(42, resident, serial);
                assert_eq!(ResidenceCardNumber::parse(n.as_str()), Ok(n));
                assert!(seen.insert(n), "duplicate for ({resident}, {serial})");
            }
        }
        assert_eq!(seen.len(), 50_000);
    }

    #[test]
    fn given_extreme_inputs_when_generating_then_well_formed() {
        for (r, s) in [(0, 0), (u32::MAX, 999), (u32::MAX, u32::MAX)] {
            let n = ResidenceCardNumber::generate(u64::MAX, r, s);
            assert!(ResidenceCardNumber::parse(n.as_str()).is_ok());
        }
        assert_eq!(ResidenceCardNumber::from_index(0).as_str(), "AA00000000AA");
        assert_eq!(
            ResidenceCardNumber::from_index(SPACE - 1).as_str(),
            "ZZ99999999ZZ"
        );
    }

    #[test]
    fn given_same_inputs_when_generating_twice_then_same_and_other_seeds_differ() {
        assert_eq!(
            ResidenceCardNumber::generate(7, 12, 3),
            ResidenceCardNumber::generate(7, 12, 3)
        );
        assert_ne!(
            ResidenceCardNumber::generate(7, 12, 3),
            ResidenceCardNumber::generate(7, 12, 4)
        );
        let differing = (0..100)
            .filter(|&r| {
                ResidenceCardNumber::generate(1, r, 0) != ResidenceCardNumber::generate(2, r, 0)
            })
            .count();
        assert!(differing >= 99);
    }
}
