//! A session's transcript: both directions in order, bounded by a byte cap.
//! The oldest chunks are dropped first and counted, so memory stays flat
//! however long a session runs. Each chunk keeps where it starts in its
//! direction's stream, so offsets count from the first byte ever sent or
//! received, dropped chunks included.

use super::session::{Chunk, Direction};
use super::timefmt::{TimeZone, stamp};
use super::visible::visible;
use std::collections::VecDeque;

/// Bytes one session keeps by default.
pub const TRANSCRIPT_CAP_BYTES: usize = 8 * 1024 * 1024;

#[derive(Debug, Clone)]
pub struct Transcript {
    chunks: VecDeque<Chunk>,
    /// Where each chunk in `chunks` starts in its direction's stream.
    offsets: VecDeque<u64>,
    /// Bytes ever received and sent.
    total_in: u64,
    total_out: u64,
    bytes: usize,
    cap: usize,
    pub dropped_chunks: u64,
    pub dropped_bytes: u64,
}

impl Default for Transcript {
    fn default() -> Self {
        Transcript::with_cap(TRANSCRIPT_CAP_BYTES)
    }
}

impl Transcript {
    pub fn with_cap(cap: usize) -> Transcript {
        Transcript {
            chunks: VecDeque::new(),
            offsets: VecDeque::new(),
            total_in: 0,
            total_out: 0,
            bytes: 0,
            cap,
            dropped_chunks: 0,
            dropped_bytes: 0,
        }
    }

    pub fn push(&mut self, chunk: Chunk) {
        self.bytes += chunk.data.len();
        let total = match chunk.dir {
            Direction::In => &mut self.total_in,
            Direction::Out => &mut self.total_out,
        };
        self.offsets.push_back(*total);
        *total += chunk.data.len() as u64;
        self.chunks.push_back(chunk);
        self.trim_to(self.cap);
    }

    /// Drops the oldest chunks (counting them) until at most `cap` bytes
    /// remain; the newest chunk always stays.
    pub fn trim_to(&mut self, cap: usize) {
        while self.bytes > cap && self.chunks.len() > 1 {
            if let Some(old) = self.chunks.pop_front() {
                self.offsets.pop_front();
                self.bytes -= old.data.len();
                self.dropped_chunks += 1;
                self.dropped_bytes += old.data.len() as u64;
            }
        }
    }

    pub fn chunks(&self) -> &VecDeque<Chunk> {
        &self.chunks
    }

    /// The chunks, oldest first, each with where it starts in its
    /// direction's stream.
    pub fn with_offsets(&self) -> impl DoubleEndedIterator<Item = (&Chunk, u64)> {
        self.chunks.iter().zip(self.offsets.iter().copied())
    }

    pub fn bytes(&self) -> usize {
        self.bytes
    }

    pub fn is_empty(&self) -> bool {
        self.chunks.is_empty()
    }

    /// The received bytes as they came, for a raw capture file.
    pub fn raw_received(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.bytes);
        for chunk in self.chunks.iter().filter(|c| c.dir == Direction::In) {
            out.extend_from_slice(&chunk.data);
        }
        out
    }

    /// A readable log: one entry per chunk with date and time (in `zone`),
    /// direction and peer, control bytes made visible.
    pub fn readable_log(&self, zone: TimeZone) -> String {
        let mut out = String::new();
        if self.dropped_chunks > 0 {
            out.push_str(&format!(
                "# {} older chunks ({} bytes) were dropped\n",
                self.dropped_chunks, self.dropped_bytes
            ));
        }
        for chunk in &self.chunks {
            let arrow = match chunk.dir {
                Direction::In => "<",
                Direction::Out => ">",
            };
            let peer = chunk.peer.map(|p| format!(" {p}")).unwrap_or_default();
            out.push_str(&format!("{} {arrow}{peer} ", stamp(chunk.at, zone)));
            let text = visible(&chunk.data);
            out.push_str(text.trim_end_matches('\n'));
            out.push('\n');
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::SystemTime;

    fn chunk(dir: Direction, data: &[u8]) -> Chunk {
        Chunk {
            dir,
            at: SystemTime::UNIX_EPOCH,
            peer: None,
            data: data.to_vec(),
        }
    }

    #[test]
    fn oldest_chunks_go_first_and_are_counted() {
        let mut t = Transcript::with_cap(10);
        t.push(chunk(Direction::In, b"1234"));
        t.push(chunk(Direction::Out, b"5678"));
        t.push(chunk(Direction::In, b"9abc"));
        assert_eq!(t.bytes(), 8);
        assert_eq!((t.dropped_chunks, t.dropped_bytes), (1, 4));
        assert_eq!(t.raw_received(), b"9abc");
    }

    #[test]
    fn log_shows_direction_and_visible_bytes() {
        let mut t = Transcript::default();
        t.push(chunk(Direction::Out, b"GET /\r\n"));
        t.push(chunk(Direction::In, b"\x1b[2J"));
        assert_eq!(
            t.readable_log(TimeZone::Utc),
            "1970-01-01 00:00:00.000 +00:00 > GET /␍␊\n1970-01-01 00:00:00.000 +00:00 < ␛[2J\n"
        );
    }

    #[test]
    fn offsets_count_each_direction_from_its_first_byte() {
        let mut t = Transcript::with_cap(10);
        t.push(chunk(Direction::In, b"1234"));
        t.push(chunk(Direction::Out, b"56"));
        t.push(chunk(Direction::In, b"789"));
        t.push(chunk(Direction::In, b"abcd"));
        let offsets: Vec<u64> = t.with_offsets().map(|(_, o)| o).collect();
        assert_eq!(offsets, [0, 4, 7], "the first chunk was dropped");
    }
}
