//! What a headless pipe writes to stdout: received bytes as they came, or
//! with `--peer-prefix` each line labelled with the peer that sent it
//! (`[127.0.0.1:5000] ...`), a line split across reads labelled once.

use super::session::{Chunk, Direction};
use std::collections::HashMap;
use std::io::{self, Write};
use std::net::SocketAddr;

pub(super) struct Output {
    out: io::Stdout,
    peer_prefix: bool,
    /// Per peer: whether the next byte starts a line.
    line_start: HashMap<SocketAddr, bool>,
}

impl Output {
    pub(super) fn new(peer_prefix: bool) -> Output {
        Output {
            out: io::stdout(),
            peer_prefix,
            line_start: HashMap::new(),
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
                    let start = self.line_start.entry(peer).or_insert(true);
                    labelled_stream(&mut out, peer, &chunk.data, start)?;
                }
                _ => out.write_all(&chunk.data)?,
            }
        }
        out.flush()
    }

    /// A stream peer left: a line it did not finish ends here, so the
    /// next line on stdout is not glued to it.
    pub(super) fn peer_left(&mut self, peer: SocketAddr) -> io::Result<()> {
        if self.line_start.remove(&peer) == Some(false) {
            let mut out = self.out.lock();
            out.write_all(b"\n")?;
            out.flush()?;
        }
        Ok(())
    }
}

fn label(peer: SocketAddr) -> String {
    format!("[{peer}] ")
}

/// Stream bytes with a label at the start of every line.
fn labelled_stream(
    out: &mut impl Write,
    peer: SocketAddr,
    data: &[u8],
    line_start: &mut bool,
) -> io::Result<()> {
    for piece in data.split_inclusive(|&b| b == b'\n') {
        if *line_start {
            out.write_all(label(peer).as_bytes())?;
        }
        out.write_all(piece)?;
        *line_start = piece.ends_with(b"\n");
    }
    Ok(())
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
    fn a_line_split_across_reads_is_labelled_once() {
        let peer: SocketAddr = "127.0.0.1:5000".parse().unwrap();
        let mut out = Vec::new();
        let mut start = true;
        labelled_stream(&mut out, peer, b"hel", &mut start).unwrap();
        labelled_stream(&mut out, peer, b"lo\nsecond\nthi", &mut start).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "[127.0.0.1:5000] hello\n[127.0.0.1:5000] second\n[127.0.0.1:5000] thi"
        );
        assert!(!start);
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
