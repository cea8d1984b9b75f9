//! A black-box mutation fuzzer that runs on the stable toolchain: inputs
//! are real seeds mutated at random (bit flips, byte edits, inserted
//! escape sequences and protocol tokens, splices, truncations) plus purely
//! random bytes. There is no coverage feedback; what it lacks in guidance
//! it makes up for by running inside the ordinary test suite.
//!
//! Budget: `WIREPOST_FUZZ_SECS` (seconds per target) for long runs, else
//! `WIREPOST_FUZZ_ITERS` executions per target, else the target's default.
//! `WIREPOST_FUZZ_SEED` repeats a run. A crashing input is written to
//! `target/fuzz-crashes/` and the test fails with it in hex.

use std::io::Write;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::time::{Duration, Instant};

/// splitmix64: small, fast, and good enough to pick mutations.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n` > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    pub fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
}

/// Byte strings that terminals, parsers and protocols give meaning to.
pub const HOSTILE: &[&[u8]] = &[
    b"\x1b[2J",
    b"\x1b]0;pwned\x07",
    b"\x1b]52;c;aGVsbG8=\x07",
    b"\x1bP1$qm\x1b\\",
    b"\x1b[6n",
    b"\x9b31m",
    "\u{202e}".as_bytes(),
    "\u{2066}".as_bytes(),
    "\u{fffd}".as_bytes(),
    "漢".as_bytes(),
    "é".as_bytes(),
    "👨‍👩‍👧".as_bytes(),
    "\u{0301}".as_bytes(),
    b"\xff",
    b"\xc3",
    b"\xe2\x80",
    b"\xf0\x9f\x98",
    b"\0",
    b"\r\n",
    b"\n",
    b"\t",
    b"\\",
    b"\"",
    b"'",
    b"=",
    b"[",
    b"]",
    b"{",
    b"}",
    b"..",
    b"/",
    b"0x",
    b"\\x",
    b"+",
    b"-",
    b"\x30\x82\xff\xff",
    b"\x30\x84\xff\xff\xff\xff",
    b"\x30\x80",
    b"\x17\x0d",
    b"\x18\x0f",
    b"\x06\x03\x55\x04\x03",
];

pub struct Mutator<'a> {
    pub rng: Rng,
    seeds: &'a [Vec<u8>],
    tokens: &'a [&'a [u8]],
}

impl<'a> Mutator<'a> {
    pub fn new(seed: u64, seeds: &'a [Vec<u8>], tokens: &'a [&'a [u8]]) -> Mutator<'a> {
        Mutator {
            rng: Rng::new(seed),
            seeds,
            tokens,
        }
    }

    fn token(&mut self) -> &'a [u8] {
        if !self.tokens.is_empty() && self.rng.chance(50) {
            self.tokens[self.rng.below(self.tokens.len())]
        } else {
            HOSTILE[self.rng.below(HOSTILE.len())]
        }
    }

    /// The next input: usually a mutated seed, sometimes random bytes.
    pub fn input(&mut self) -> Vec<u8> {
        if self.seeds.is_empty() || self.rng.chance(10) {
            let len = self.rng.below(256);
            return (0..len).map(|_| self.rng.next() as u8).collect();
        }
        let mut data = self.seeds[self.rng.below(self.seeds.len())].clone();
        let rounds = 1 + self.rng.below(8);
        for _ in 0..rounds {
            self.mutate(&mut data);
        }
        data
    }

    fn mutate(&mut self, data: &mut Vec<u8>) {
        let len = data.len();
        match self.rng.below(9) {
            0 if len > 0 => {
                let i = self.rng.below(len);
                data[i] ^= 1 << self.rng.below(8);
            }
            1 if len > 0 => {
                let i = self.rng.below(len);
                data[i] =
                    [0, 0x7f, 0x80, 0xff, 0x1b, b'\n', self.rng.next() as u8][self.rng.below(7)];
            }
            2 | 3 => {
                let at = self.rng.below(len + 1);
                let token = self.token();
                data.splice(at..at, token.iter().copied());
            }
            4 if len > 0 => {
                let at = self.rng.below(len);
                let end = at + 1 + self.rng.below((len - at).min(64));
                data.drain(at..end);
            }
            5 if len > 0 => {
                let at = self.rng.below(len);
                let end = at + 1 + self.rng.below((len - at).min(64));
                let piece = data[at..end].to_vec();
                let to = self.rng.below(data.len() + 1);
                data.splice(to..to, piece);
            }
            6 if !self.seeds.is_empty() => {
                let other = &self.seeds[self.rng.below(self.seeds.len())];
                if !other.is_empty() {
                    let from = self.rng.below(other.len());
                    let end = from + self.rng.below(other.len() - from + 1);
                    let at = self.rng.below(len + 1);
                    data.truncate(at);
                    data.extend_from_slice(&other[from..end]);
                }
            }
            7 if len > 0 => data.truncate(self.rng.below(len)),
            _ => {
                let at = self.rng.below(len + 1);
                let n = 1 + self.rng.below(16);
                let bytes: Vec<u8> = (0..n).map(|_| self.rng.next() as u8).collect();
                data.splice(at..at, bytes);
            }
        }
    }
}

fn env_number(name: &str) -> Option<u64> {
    std::env::var(name).ok().and_then(|v| v.parse().ok())
}

/// Runs `check` on mutated inputs within the budget; panics (failing the
/// test) with the first input that makes `check` panic.
pub fn fuzz(
    name: &str,
    default_iters: u64,
    seeds: &[Vec<u8>],
    tokens: &[&[u8]],
    check: impl Fn(&[u8]),
) {
    let seed = env_number("WIREPOST_FUZZ_SEED").unwrap_or(0x5eed_0000_0000_0001);
    let deadline = env_number("WIREPOST_FUZZ_SECS").map(Duration::from_secs);
    let iters = env_number("WIREPOST_FUZZ_ITERS").unwrap_or(default_iters);
    let mut mutator = Mutator::new(seed ^ hash(name), seeds, tokens);
    let start = Instant::now();
    let mut executions = 0u64;
    // Seeds themselves first: they are real inputs and must pass.
    let mut pending: Vec<Vec<u8>> = seeds.to_vec();
    loop {
        let done = match deadline {
            Some(limit) => start.elapsed() >= limit,
            None => executions >= iters.max(seeds.len() as u64),
        };
        if done {
            break;
        }
        let input = pending.pop().unwrap_or_else(|| mutator.input());
        if let Err(panic) = catch_unwind(AssertUnwindSafe(|| check(&input))) {
            let path = save_crash(name, &input);
            let message = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            panic!(
                "fuzz {name}: crash after {executions} executions: {message}\n\
                 input ({} bytes, saved to {}): {}",
                input.len(),
                path.display(),
                hex(&input[..input.len().min(512)])
            );
        }
        executions += 1;
    }
    let secs = start.elapsed().as_secs_f64();
    let line = format!(
        "{name}: {executions} executions in {secs:.1} s ({:.0}/s), seed {seed:#x}",
        executions as f64 / secs.max(1e-9)
    );
    eprintln!("fuzz {line}");
    if let Ok(report) = std::env::var("WIREPOST_FUZZ_REPORT")
        && let Ok(mut file) = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(report)
    {
        let _ = writeln!(file, "{line}");
    }
}

fn hash(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ b as u64).wrapping_mul(0x100_0000_01b3)
    })
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn save_crash(name: &str, input: &[u8]) -> std::path::PathBuf {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/fuzz-crashes");
    let _ = std::fs::create_dir_all(&dir);
    let path = dir.join(format!(
        "{}-{:016x}.bin",
        name.replace(' ', "_"),
        hash(&hex(input))
    ));
    let _ = std::fs::write(&path, input);
    path
}
