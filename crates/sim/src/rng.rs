//! Deterministic randomness: a SplitMix64 generator and stateless hashes, so every value the simulator
//! produces is a pure function of the seed, the device and the time (history and live agree).

/// The SplitMix64 finaliser: a strong 64-bit mixer.
pub(crate) fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A hash of several words (order matters).
pub(crate) fn hash(parts: &[u64]) -> u64 {
    parts
        .iter()
        .fold(0x51_7CC1_B727_220A, |acc, &p| mix(acc ^ mix(p)))
}

/// A uniform number in `[0, 1)` from a hash.
pub(crate) fn unit(h: u64) -> f64 {
    (h >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

/// A standard normal number from a hash (Box–Muller on two derived uniforms).
pub(crate) fn gauss(h: u64) -> f64 {
    let u1 = unit(h).max(1e-300);
    let u2 = unit(mix(h ^ 0xA5A5_A5A5_A5A5_A5A5));
    (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
}

/// Text hashed into a word (for stream names and site ids).
pub(crate) fn text(s: &str) -> u64 {
    s.bytes().fold(0xCBF2_9CE4_8422_2325u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01B3)
    })
}

/// A small seeded generator (SplitMix64) for sequences that are not tied to a time.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator for `seed`.
    pub fn new(seed: u64) -> Rng {
        Rng(mix(seed))
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        mix(self.0)
    }

    /// A uniform number in `[0, 1)`.
    pub fn unit(&mut self) -> f64 {
        unit(self.next_u64())
    }

    /// A uniform integer in `0..n` (`n > 0`).
    pub fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(n.max(1))) >> 64) as u64
    }
}

/// Smooth value noise of unit variance: independent normals on a lattice of spacing `scale` seconds,
/// blended with a smoothstep. Consecutive values are strongly correlated over about `scale` — an AR(1)-like
/// process with random access.
pub(crate) fn smooth_noise(key: u64, t: f64, scale: f64) -> f64 {
    let x = t / scale;
    let k = x.floor();
    let f = x - k;
    let s = f * f * (3.0 - 2.0 * f);
    let a = gauss(hash(&[key, k as i64 as u64]));
    let b = gauss(hash(&[key, (k as i64 + 1) as u64]));
    let w0 = 1.0 - s;
    (a * w0 + b * s) / (w0 * w0 + s * s).sqrt()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gauss_has_unit_moments_and_noise_is_continuous() {
        let n = 200_000;
        let xs: Vec<f64> = (0..n).map(|i| gauss(hash(&[7, i]))).collect();
        let mean = xs.iter().sum::<f64>() / n as f64;
        let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / n as f64;
        assert!(
            mean.abs() < 0.01 && (var - 1.0).abs() < 0.02,
            "{mean} {var}"
        );
        let a = smooth_noise(1, 1000.0, 3600.0);
        let b = smooth_noise(1, 1001.0, 3600.0);
        assert!((a - b).abs() < 0.01);
        let mut r = Rng::new(3);
        assert!((0..1000).all(|_| r.below(6) < 6));
    }
}
