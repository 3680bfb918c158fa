//! The one seeded mixer and the one digest writer of the workspace: SplitMix64, the affine keys
//! the identifier generators derive from a seed, and a SHA-256 sink that serde can stream into.
//!
//! Everything here is a pure function of its input: the ids, draws and hashes built on it are
//! reproducible from the seed, which is what makes a run's log the same byte for byte.

use sha2::{Digest, Sha256};
use std::io;

/// SplitMix64 (Steele, Lea and Flood, 2014): a bijective, well-mixed pure function of a 64-bit
/// word. Event ids, resident behaviour draws, identifier keys and municipality name hashes all
/// derive from it; being a bijection, distinct inputs never collide.
pub fn mix64(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

fn gcd(mut a: u64, mut b: u64) -> u64 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

/// A multiplier coprime to `modulus` and an offset below it, derived from `seed` and two salts:
/// the key of the affine bijection `x ↦ a·x + b (mod modulus)` the identifier generators use.
/// Distinct salts keep the multiplier and the offset independent of each other and of other
/// generators keyed by the same seed.
///
/// The search for a coprime multiplier costs about as much as the rest of an identifier, and
/// a run asks for the same few keys millions of times, so each thread remembers the last keys
/// it computed (a pure function's results: nothing about the run depends on the cache).
pub fn affine_key(seed: u64, modulus: u64, salts: [u64; 2]) -> (u64, u64) {
    type Entry = ((u64, u64, [u64; 2]), (u64, u64));
    thread_local! {
        static KEYS: std::cell::Cell<[Option<Entry>; 4]> = const { std::cell::Cell::new([None; 4]) };
    }
    let args = (seed, modulus, salts);
    KEYS.with(|keys| {
        let mut entries = keys.get();
        if let Some((_, key)) = entries.iter().flatten().find(|(a, _)| *a == args) {
            return *key;
        }
        let key = compute_affine_key(seed, modulus, salts);
        entries.rotate_right(1);
        entries[0] = Some((args, key));
        keys.set(entries);
        key
    })
}

fn compute_affine_key(seed: u64, modulus: u64, salts: [u64; 2]) -> (u64, u64) {
    let mut a = mix64(seed ^ salts[0]) % modulus;
    while a <= 1 || gcd(a, modulus) != 1 {
        a = (a + 1) % modulus;
    }
    let b = mix64(mix64(seed ^ salts[1])) % modulus;
    (a, b)
}

/// An `io::Write` that feeds a SHA-256 digest, so serde can stream into it without allocating.
#[derive(Default, Clone)]
pub struct HashWriter(Sha256);

impl HashWriter {
    pub fn new() -> HashWriter {
        HashWriter(Sha256::new())
    }

    pub fn update(&mut self, bytes: &[u8]) {
        self.0.update(bytes);
    }

    /// The hex digest.
    pub fn finish(self) -> String {
        hex(&self.0.finalize())
    }
}

impl io::Write for HashWriter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.update(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Lower-case hex of some bytes.
pub fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes
        .iter()
        .fold(String::with_capacity(2 * bytes.len()), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

/// The SHA-256 of some bytes, in hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mix64_matches_the_published_splitmix64_sequence() {
        // The first outputs of SplitMix64 seeded with 0 (the state advances by the golden
        // gamma before each mix, which `mix64` folds in).
        assert_eq!(mix64(0), 0xE220_A839_7B1D_CDAF);
        assert_eq!(mix64(0x9E37_79B9_7F4A_7C15), 0x6E78_9E6A_A1B9_65F4);
    }

    #[test]
    fn an_affine_key_is_a_bijection_key() {
        let (a, b) = affine_key(7, 90, [1, 2]);
        assert!(a > 1 && gcd(a, 90) == 1 && b < 90);
        let mut seen: Vec<u64> = (0..90).map(|x| (a * x + b) % 90).collect();
        seen.sort_unstable();
        assert_eq!(seen, (0..90).collect::<Vec<_>>());
    }

    #[test]
    fn the_digest_writer_is_sha256() {
        let mut h = HashWriter::new();
        h.update(b"abc");
        assert_eq!(
            h.finish(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(sha256_hex(b"abc").len(), 64);
    }
}
