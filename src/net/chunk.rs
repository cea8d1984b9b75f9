//! Bytes that crossed a socket, as the engines record them: one read or
//! write with its direction and time. Below both the sessions and the
//! pipes that carry the chunks to their reader.

use std::net::SocketAddr;
use std::time::SystemTime;

/// Bytes read from a socket at most per read (and per transcript chunk).
pub const READ_CHUNK_BYTES: usize = 64 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Received from the peer.
    In,
    /// Written to the peer.
    Out,
}

/// Bytes that crossed the socket in one read or write.
#[derive(Debug, Clone, PartialEq)]
pub struct Chunk {
    pub dir: Direction,
    pub at: SystemTime,
    /// The other end, for UDP datagrams.
    pub peer: Option<SocketAddr>,
    pub data: Vec<u8>,
}
