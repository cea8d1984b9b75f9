//! The headless pipe's stdin: a plain thread with blocking reads, which
//! costs nothing while idle and reads in large chunks. A TCP client's
//! chunks go straight to its engine; everything else goes through the
//! pipe's event loop, which knows where input is to go.

use super::pipe_limits::Activity;
use super::session::SessionCommand;
use std::io::{BufRead, Read};
use std::os::fd::AsRawFd;
use std::sync::Arc;
use tokio::sync::mpsc;

/// Bytes read from stdin at a time, at most: a widened pipe holds 1 MiB.
const STDIN_CHUNK_BYTES: usize = 1024 * 1024;

/// What the event loop receives from stdin: `None` once it has ended.
pub(super) type StdinInput = Option<Vec<u8>>;

/// Starts the stdin thread once, when the first receiver can take input.
pub(super) struct StdinReader {
    started: bool,
    to_loop: mpsc::Sender<StdinInput>,
    /// Datagrams: one per line, as typed.
    lines: bool,
    /// A TCP client's engine: stdin goes straight to it, one hop less per
    /// chunk, which is what bulk throughput is made of.
    direct: Option<mpsc::Sender<SessionCommand>>,
    /// Touched for every chunk read, for `--idle-timeout`.
    activity: Arc<Activity>,
}

impl StdinReader {
    pub(super) fn new(
        to_loop: mpsc::Sender<StdinInput>,
        lines: bool,
        direct: Option<mpsc::Sender<SessionCommand>>,
        activity: Arc<Activity>,
    ) -> StdinReader {
        StdinReader {
            started: false,
            to_loop,
            lines,
            direct,
            activity,
        }
    }

    /// Starts reading, unless it already has.
    pub(super) fn start(&mut self) {
        if std::mem::replace(&mut self.started, true) {
            return;
        }
        let tx = self.to_loop.clone();
        let activity = self.activity.clone();
        if let Some(engine) = self.direct.clone() {
            super::fd_copy::widen_pipe(std::io::stdin().as_raw_fd());
            std::thread::spawn(move || {
                let mut stdin = std::io::stdin().lock();
                let delivered = read_chunks(&mut stdin, |buf| {
                    activity.touch();
                    engine.blocking_send(SessionCommand::Send(buf))
                });
                if delivered {
                    let _ = engine.blocking_send(SessionCommand::HalfClose);
                    // The loop keeps the time limits that start here.
                    let _ = tx.blocking_send(None);
                }
            });
            return;
        }
        let lines = self.lines;
        std::thread::spawn(move || {
            let mut stdin = std::io::stdin().lock();
            let deliver = |data| {
                activity.touch();
                tx.blocking_send(Some(data))
            };
            let delivered = if lines {
                read_lines(&mut stdin, deliver)
            } else {
                read_chunks(&mut stdin, deliver)
            };
            if delivered {
                let _ = tx.blocking_send(None);
            }
        });
    }
}

/// Hands stdin to `deliver` in chunks of up to `STDIN_CHUNK_BYTES` until it
/// ends (true) or the receiver is gone (false).
fn read_chunks<E>(
    stdin: &mut impl Read,
    mut deliver: impl FnMut(Vec<u8>) -> Result<(), E>,
) -> bool {
    // One buffer for every read; each chunk is a copy of what arrived, so
    // a short read costs its own size, not a zeroed megabyte.
    let mut buf = vec![0u8; STDIN_CHUNK_BYTES];
    loop {
        match stdin.read(&mut buf) {
            Ok(0) | Err(_) => return true,
            Ok(n) => {
                if deliver(buf[..n].to_vec()).is_err() {
                    return false;
                }
            }
        }
    }
}

/// Hands stdin to `deliver` a line at a time (newline included) until it
/// ends (true) or the receiver is gone (false).
fn read_lines<E>(
    stdin: &mut impl BufRead,
    mut deliver: impl FnMut(Vec<u8>) -> Result<(), E>,
) -> bool {
    let mut line = Vec::new();
    loop {
        line.clear();
        match stdin.read_until(b'\n', &mut line) {
            Ok(0) | Err(_) => return true,
            Ok(_) => {
                if deliver(line.clone()).is_err() {
                    return false;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_keep_their_newline_and_the_last_may_lack_one() {
        let mut input: &[u8] = b"one\ntwo\nthree";
        let mut got = Vec::new();
        let ended = read_lines(&mut input, |line| {
            got.push(line);
            Ok::<(), ()>(())
        });
        assert!(ended);
        assert_eq!(got, [&b"one\n"[..], b"two\n", b"three"]);
    }

    #[test]
    fn reading_stops_when_the_receiver_is_gone() {
        let mut input: &[u8] = b"data";
        assert!(!read_chunks(&mut input, |_| Err(())));
        let mut input: &[u8] = b"a\nb\n";
        let mut seen = 0;
        assert!(!read_lines(&mut input, |_| {
            seen += 1;
            Err(())
        }));
        assert_eq!(seen, 1);
    }
}
