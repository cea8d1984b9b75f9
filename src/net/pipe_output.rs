//! What a headless pipe writes to stdout: received bytes as they came, or
//! with `--peer-prefix` each line labelled with the peer that sent it
//! (`[127.0.0.1:5000] ...`). A peer's unfinished line waits until its end
//! arrives (or the peer leaves), so lines of two clients never interleave
//! on one stdout line; a line longer than `LONGEST_LINE` goes out in
//! labelled pieces.

use super::session::{Chunk, Direction};
use std::collections::HashMap;
use std::io::{self, Write};
use std::net::SocketAddr;

/// Bytes of one unfinished line kept per peer at most.
const LONGEST_LINE: usize = 64 * 1024;

pub(super) struct Output {
    out: io::Stdout,
    peer_prefix: bool,
    /// Per stream peer: its line so far, not yet written.
    pending: HashMap<SocketAddr, Vec<u8>>,
}

impl Output {
    pub(super) fn new(peer_prefix: bool) -> Output {
        Output {
            out: io::stdout(),
            peer_prefix,
            pending: HashMap::new(),
        }
    }

    /// Writes the received bytes of `chunks`; `from` is the sender of a
    /// stream (a datagram names its own).
    pub(super) fn write(&mut self, from: Option<SocketAddr>, chunks: &[Chunk]) -> io::Result<()> {
        if chunks.is_empty() {
            return Ok(());
        }
        // A blocking write: while stdout is full the engine waits too,
        // which is the back-pressure a pipe should have.
        let mut out = self.out.lock();
        for chunk in chunks.iter().filter(|c| c.dir == Direction::In) {
            match (self.peer_prefix, chunk.peer.or(from)) {
                (true, Some(peer)) if chunk.peer.is_some() => {
                    labelled_datagram(&mut out, peer, &chunk.data)?;
                }
                (true, Some(peer)) => {
                    let pending = self.pending.entry(peer).or_default();
                    labelled_stream(&mut out, peer, &chunk.data, pending)?;
                }
                _ => out.write_all(&chunk.data)?,
            }
        }
        out.flush()
    }

    /// A stream peer left: a line it did not finish ends here, so the
    /// next line on stdout is not glued to it.
    pub(super) fn peer_left(&mut self, peer: SocketAddr) -> io::Result<()> {
        match self.pending.remove(&peer) {
            Some(rest) if !rest.is_empty() => {
                let mut out = self.out.lock();
                labelled_line(&mut out, peer, &rest)?;
                out.write_all(b"\n")?;
                out.flush()
            }
            _ => Ok(()),
        }
    }
}

fn label(peer: SocketAddr) -> String {
    format!("[{peer}] ")
}

/// Stream bytes: each finished line written whole with its label; the
/// unfinished rest kept in `pending` (written in pieces when too long).
fn labelled_stream(
    out: &mut impl Write,
    peer: SocketAddr,
    data: &[u8],
    pending: &mut Vec<u8>,
) -> io::Result<()> {
    for piece in data.split_inclusive(|&b| b == b'\n') {
        pending.extend_from_slice(piece);
        if piece.ends_with(b"\n") {
            labelled_line(out, peer, pending)?;
            pending.clear();
        } else if pending.len() >= LONGEST_LINE {
            labelled_line(out, peer, pending)?;
            out.write_all(b"\n")?;
            pending.clear();
        }
    }
    Ok(())
}

fn labelled_line(out: &mut impl Write, peer: SocketAddr, line: &[u8]) -> io::Result<()> {
    out.write_all(label(peer).as_bytes())?;
    out.write_all(line)
}

/// A datagram is one labelled line.
fn labelled_datagram(out: &mut impl Write, peer: SocketAddr, data: &[u8]) -> io::Result<()> {
    out.write_all(label(peer).as_bytes())?;
    out.write_all(data)?;
    if !data.ends_with(b"\n") {
        out.write_all(b"\n")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_split_across_reads_is_labelled_once_and_written_whole() {
        let (a, b): (SocketAddr, SocketAddr) = (
            "127.0.0.1:5000".parse().unwrap(),
            "127.0.0.1:6000".parse().unwrap(),
        );
        let mut out = Vec::new();
        let (mut pending_a, mut pending_b) = (Vec::new(), Vec::new());
        labelled_stream(&mut out, a, b"hel", &mut pending_a).unwrap();
        // Another peer's line in between is not glued to a's.
        labelled_stream(&mut out, b, b"from b\n", &mut pending_b).unwrap();
        labelled_stream(&mut out, a, b"lo\nsecond\nthi", &mut pending_a).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "[127.0.0.1:6000] from b\n[127.0.0.1:5000] hello\n[127.0.0.1:5000] second\n"
        );
        assert_eq!(pending_a, b"thi");
    }

    #[test]
    fn a_line_longer_than_the_limit_goes_in_labelled_pieces() {
        let peer: SocketAddr = "127.0.0.1:5000".parse().unwrap();
        let mut out = Vec::new();
        let mut pending = Vec::new();
        let long = vec![b'x'; LONGEST_LINE + 10];
        labelled_stream(&mut out, peer, &long, &mut pending).unwrap();
        assert_eq!(out.len(), "[127.0.0.1:5000] ".len() + long.len() + 1);
        assert!(pending.is_empty());
    }

    #[test]
    fn a_datagram_is_a_line() {
        let peer: SocketAddr = "[::1]:53".parse().unwrap();
        let mut out = Vec::new();
        labelled_datagram(&mut out, peer, b"ping").unwrap();
        labelled_datagram(&mut out, peer, b"pong\n").unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "[[::1]:53] ping\n[[::1]:53] pong\n"
        );
    }
}
