//! The protocol trace: the IMAP conversation as readable lines, with login
//! arguments masked and message literals reduced to their size.
//!
//! Bytes arrive in arbitrary pieces from both directions; [`Tracer`] turns
//! them into whole lines. It sits above TLS (see `trace_stream`), so what it
//! sees is the plaintext protocol.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use tokio::sync::Notify;

/// Lines kept while nobody drains the sink; older ones are dropped.
pub const TRACE_BUFFER_LINES: usize = 4000;
/// Longest line shown; the rest is cut with a marker.
pub const TRACE_LINE_MAX_CHARS: usize = 2000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TraceDir {
    /// Client to server.
    Sent,
    /// Server to client.
    Received,
    /// wirepost's own remark (connected, TLS up, reconnecting).
    Note,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TraceLine {
    pub dir: TraceDir,
    pub text: String,
}

/// Where trace lines go: a bounded buffer that a forwarder drains, woken by
/// `notified()`. Writers never wait, so tracing cannot slow the protocol.
#[derive(Debug, Clone, Default)]
pub struct TraceSink {
    lines: Arc<Mutex<VecDeque<TraceLine>>>,
    notify: Arc<Notify>,
}

impl TraceSink {
    pub fn new() -> TraceSink {
        TraceSink::default()
    }

    pub fn push(&self, dir: TraceDir, text: String) {
        let mut lines = self.lines.lock().unwrap_or_else(|e| e.into_inner());
        if lines.len() >= TRACE_BUFFER_LINES {
            lines.pop_front();
        }
        lines.push_back(TraceLine { dir, text });
        drop(lines);
        self.notify.notify_one();
    }

    pub fn note(&self, text: impl Into<String>) {
        self.push(TraceDir::Note, text.into());
    }

    /// Everything buffered so far.
    pub fn take(&self) -> Vec<TraceLine> {
        let mut lines = self.lines.lock().unwrap_or_else(|e| e.into_inner());
        lines.drain(..).collect()
    }

    /// Resolves when lines were pushed since the last `take`.
    pub async fn notified(&self) {
        self.notify.notified().await;
    }
}

/// One direction's line assembly.
#[derive(Debug, Default)]
struct LineAssembler {
    line: String,
    /// Bytes of a literal still to skip.
    literal_left: u64,
    literal_len: u64,
    pending: Vec<u8>,
}

impl LineAssembler {
    /// Feeds bytes; returns the lines completed by them.
    fn feed(&mut self, mut bytes: &[u8]) -> Vec<String> {
        let mut done = Vec::new();
        while !bytes.is_empty() {
            if self.literal_left > 0 {
                let n = (self.literal_left as usize).min(bytes.len());
                self.literal_left -= n as u64;
                bytes = &bytes[n..];
                if self.literal_left == 0 {
                    self.append(&format!("<{} bytes>", self.literal_len).into_bytes());
                }
                continue;
            }
            match bytes.iter().position(|&b| b == b'\n') {
                Some(i) => {
                    self.pending.extend_from_slice(&bytes[..i]);
                    bytes = &bytes[i + 1..];
                    if self.pending.last() == Some(&b'\r') {
                        self.pending.pop();
                    }
                    let piece = std::mem::take(&mut self.pending);
                    self.append(&piece);
                    match literal_size(&piece) {
                        Some(size) if size > 0 => {
                            self.literal_left = size;
                            self.literal_len = size;
                        }
                        _ => done.push(std::mem::take(&mut self.line)),
                    }
                }
                None => {
                    self.pending.extend_from_slice(bytes);
                    // A line without end (a hostile server) must not grow forever.
                    if self.pending.len() > TRACE_LINE_MAX_CHARS * 4 {
                        self.pending.truncate(TRACE_LINE_MAX_CHARS);
                    }
                    bytes = &[];
                }
            }
        }
        done
    }

    fn append(&mut self, bytes: &[u8]) {
        if self.line.len() >= TRACE_LINE_MAX_CHARS {
            return;
        }
        self.line.push_str(&String::from_utf8_lossy(bytes));
        if self.line.len() > TRACE_LINE_MAX_CHARS {
            let mut cut = TRACE_LINE_MAX_CHARS;
            while !self.line.is_char_boundary(cut) {
                cut -= 1;
            }
            self.line.truncate(cut);
            self.line.push_str(" [...]");
        }
    }
}

/// `{123}` or `{123+}` at the end of a line announces a literal.
fn literal_size(line: &[u8]) -> Option<u64> {
    let inner = line.strip_suffix(b"}")?;
    let open = inner.iter().rposition(|&b| b == b'{')?;
    let digits = &inner[open + 1..];
    let digits = digits.strip_suffix(b"+").unwrap_or(digits);
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    std::str::from_utf8(digits).ok()?.parse().ok()
}

/// Both directions of one connection, plus the masking of credentials.
#[derive(Debug)]
pub struct Tracer {
    sink: TraceSink,
    sent: LineAssembler,
    received: LineAssembler,
    /// The tag of an AUTHENTICATE in progress: client lines until its
    /// tagged reply are SASL responses and get masked.
    auth_tag: Option<String>,
}

impl Tracer {
    pub fn new(sink: TraceSink) -> Tracer {
        Tracer {
            sink,
            sent: LineAssembler::default(),
            received: LineAssembler::default(),
            auth_tag: None,
        }
    }

    pub fn sink(&self) -> &TraceSink {
        &self.sink
    }

    pub fn on_sent(&mut self, bytes: &[u8]) {
        for line in self.sent.feed(bytes) {
            let shown = self.mask(line);
            self.sink.push(TraceDir::Sent, shown);
        }
    }

    pub fn on_received(&mut self, bytes: &[u8]) {
        for line in self.received.feed(bytes) {
            if let Some(tag) = &self.auth_tag
                && line.starts_with(&format!("{tag} "))
            {
                self.auth_tag = None;
            }
            self.sink.push(TraceDir::Received, line);
        }
    }

    fn mask(&mut self, line: String) -> String {
        if self.auth_tag.is_some() {
            return "*** (authentication data)".into();
        }
        let mut words = line.splitn(4, ' ');
        let (Some(tag), Some(command)) = (words.next(), words.next()) else {
            return line;
        };
        if command.eq_ignore_ascii_case("LOGIN") {
            return format!("{tag} {command} ***");
        }
        if command.eq_ignore_ascii_case("AUTHENTICATE") {
            self.auth_tag = Some(tag.to_string());
            let mechanism = words.next().unwrap_or_default();
            let initial = if words.next().is_some() { " ***" } else { "" };
            return format!("{tag} {command} {mechanism}{initial}");
        }
        line
    }
}

#[cfg(test)]
#[path = "trace_tests.rs"]
mod tests;
