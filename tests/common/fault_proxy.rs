//! A TCP proxy that breaks connections on purpose, to put between wirepost
//! and a real server: each connection gets one fault at a random point —
//! cut (both directions closed), stall (a pause, then on), or corrupt (one
//! byte flipped) — in either direction, or none. Faults can be switched off
//! for a final clean run.

use super::fuzz::Rng;
use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    None,
    /// Close both directions after this many bytes.
    Cut(u64),
    /// Pause this many milliseconds after this many bytes.
    Stall(u64, u64),
    /// Flip a byte at this offset.
    Corrupt(u64),
}

#[derive(Default)]
pub struct Counts {
    pub connections: AtomicU64,
    pub cuts: AtomicU64,
    pub stalls: AtomicU64,
    pub corruptions: AtomicU64,
}

pub struct FaultProxy {
    pub port: u16,
    pub armed: Arc<AtomicBool>,
    pub counts: Arc<Counts>,
}

impl FaultProxy {
    /// Proxies 127.0.0.1:`port` (a fresh one) to 127.0.0.1:`upstream`;
    /// fault offsets are drawn below `span` bytes.
    pub fn start(upstream: u16, seed: u64, span: u64) -> FaultProxy {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let armed = Arc::new(AtomicBool::new(true));
        let counts = Arc::new(Counts::default());
        let rng = Arc::new(Mutex::new(Rng::new(seed)));
        {
            let (armed, counts) = (armed.clone(), counts.clone());
            std::thread::spawn(move || {
                for client in listener.incoming().flatten() {
                    let Ok(server) = TcpStream::connect(("127.0.0.1", upstream)) else {
                        continue;
                    };
                    counts.connections.fetch_add(1, Ordering::Relaxed);
                    let (fault, to_server) = if armed.load(Ordering::Relaxed) {
                        let mut rng = rng.lock().unwrap();
                        let at = rng.next() % span;
                        let fault = match rng.below(4) {
                            0 => Fault::None,
                            1 => Fault::Cut(at),
                            2 => Fault::Stall(at, 50 + rng.next() % 1500),
                            _ => Fault::Corrupt(at),
                        };
                        // Replies carry most bytes: fault them more often.
                        (fault, rng.chance(25))
                    } else {
                        (Fault::None, false)
                    };
                    let (up_fault, down_fault) = if to_server {
                        (fault, Fault::None)
                    } else {
                        (Fault::None, fault)
                    };
                    pump(&client, &server, up_fault, counts.clone());
                    pump(&server, &client, down_fault, counts.clone());
                }
            });
        }
        FaultProxy {
            port,
            armed,
            counts,
        }
    }

    pub fn arm(&self, on: bool) {
        self.armed.store(on, Ordering::Relaxed);
    }

    pub fn summary(&self) -> String {
        let c = &self.counts;
        format!(
            "{} connections: {} cut, {} stalled, {} corrupted",
            c.connections.load(Ordering::Relaxed),
            c.cuts.load(Ordering::Relaxed),
            c.stalls.load(Ordering::Relaxed),
            c.corruptions.load(Ordering::Relaxed)
        )
    }
}

/// Copies `from` → `to` on a thread, applying `fault`.
fn pump(from: &TcpStream, to: &TcpStream, fault: Fault, counts: Arc<Counts>) {
    let (mut from, mut to) = (from.try_clone().unwrap(), to.try_clone().unwrap());
    std::thread::spawn(move || {
        let mut buf = [0u8; 16 * 1024];
        let mut offset = 0u64;
        let mut done = false;
        loop {
            let n = match from.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => n,
            };
            let chunk = &mut buf[..n];
            let end = offset + n as u64;
            if !done {
                match fault {
                    Fault::Cut(at) if at < end => {
                        let keep = (at - offset) as usize;
                        let _ = to.write_all(&chunk[..keep]);
                        counts.cuts.fetch_add(1, Ordering::Relaxed);
                        let _ = from.shutdown(Shutdown::Both);
                        let _ = to.shutdown(Shutdown::Both);
                        return;
                    }
                    Fault::Stall(at, ms) if at < end => {
                        let keep = (at - offset) as usize;
                        if to.write_all(&chunk[..keep]).is_err() {
                            break;
                        }
                        counts.stalls.fetch_add(1, Ordering::Relaxed);
                        std::thread::sleep(Duration::from_millis(ms));
                        done = true;
                        if to.write_all(&chunk[keep..]).is_err() {
                            break;
                        }
                        offset = end;
                        continue;
                    }
                    Fault::Corrupt(at) if at < end => {
                        chunk[(at - offset) as usize] ^= 0x20;
                        counts.corruptions.fetch_add(1, Ordering::Relaxed);
                        done = true;
                    }
                    _ => {}
                }
            }
            if to.write_all(chunk).is_err() {
                break;
            }
            offset = end;
        }
        let _ = to.shutdown(Shutdown::Write);
    });
}
