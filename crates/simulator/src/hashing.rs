//! Hashes that identify a run: the log hash (every stored record, in order) and the state hash
//! (the projections). Both are SHA-256, printed as hex.

use sha2::{Digest, Sha256};
use std::io;

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

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes.iter().fold(String::with_capacity(64), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

/// SplitMix64: a bijective mixer, used to derive event ids from seed and sequence.
pub fn mix64(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}
