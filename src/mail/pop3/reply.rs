//! Pure parsers for what a POP3 server sends (RFC 1939, 2449, 3206): status
//! lines, the lines of multi-line listings, and the dot-unstuffing of
//! multi-line bodies. No IO here, so every rule is tested on byte fixtures.

use std::collections::BTreeSet;

/// The first line of every reply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    /// `+OK text`
    Ok(String),
    /// `-ERR [CODE] text`: `code` is the RFC 2449 extended response code
    /// (`AUTH`, `IN-USE`, `SYS/TEMP`, `LOGIN-DELAY`, ...) when present.
    Err { code: Option<String>, text: String },
    /// `+ base64` during a SASL exchange.
    Continue(String),
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    #[error("server sent an unexpected line: {0}")]
    Unexpected(String),
}

/// Strips a trailing CRLF (or a bare LF from sloppy servers).
pub fn trim_eol(line: &[u8]) -> &[u8] {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    line.strip_suffix(b"\r").unwrap_or(line)
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn shown(line: &[u8]) -> String {
    let mut s = text(trim_eol(line));
    if s.len() > 200 {
        let mut cut = 200;
        while !s.is_char_boundary(cut) {
            cut -= 1;
        }
        s.truncate(cut);
        s.push('…');
    }
    s
}

/// Parses a status line (with or without its line ending).
pub fn parse_status(line: &[u8]) -> Result<Status, ParseError> {
    let line = trim_eol(line);
    let after = |prefix: &[u8]| -> Option<String> {
        let rest = line.strip_prefix(prefix)?;
        match rest.first() {
            None => Some(String::new()),
            Some(b' ') => Some(text(&rest[1..])),
            Some(_) => None,
        }
    };
    if let Some(rest) = after(b"+OK") {
        return Ok(Status::Ok(rest));
    }
    if let Some(rest) = after(b"-ERR") {
        let (code, text) = split_code(&rest);
        return Ok(Status::Err { code, text });
    }
    if let Some(rest) = after(b"+") {
        return Ok(Status::Continue(rest));
    }
    Err(ParseError::Unexpected(shown(line)))
}

/// `[SYS/TEMP] text` → (Some("SYS/TEMP"), "text").
fn split_code(rest: &str) -> (Option<String>, String) {
    if let Some(inner) = rest.strip_prefix('[')
        && let Some((code, text)) = inner.split_once(']')
        && !code.is_empty()
        && !code.contains(' ')
    {
        return (Some(code.to_string()), text.trim_start().to_string());
    }
    (None, rest.to_string())
}

/// `+OK 2 320` (STAT) → (count, octets).
pub fn parse_stat(text: &str) -> Result<(u32, u64), ParseError> {
    let mut parts = text.split_ascii_whitespace();
    let bad = || ParseError::Unexpected(format!("+OK {text}"));
    let count = parts.next().and_then(|p| p.parse().ok()).ok_or_else(bad)?;
    let size = parts.next().and_then(|p| p.parse().ok()).ok_or_else(bad)?;
    Ok((count, size))
}

/// One line of a LIST listing (`1 120`) or a single-message LIST reply.
pub fn parse_list_line(line: &[u8]) -> Result<(u32, u64), ParseError> {
    let s = text(trim_eol(line));
    let mut parts = s.split_ascii_whitespace();
    let bad = || ParseError::Unexpected(shown(line));
    let msg = parts.next().and_then(|p| p.parse().ok()).ok_or_else(bad)?;
    let size = parts.next().and_then(|p| p.parse().ok()).ok_or_else(bad)?;
    Ok((msg, size))
}

/// One line of a UIDL listing (`1 whqtswO00WBw418f9t5JxYwZ`). RFC 1939
/// allows 0x21..0x7E in a unique-id, up to 70 characters.
pub fn parse_uidl_line(line: &[u8]) -> Result<(u32, String), ParseError> {
    let s = text(trim_eol(line));
    let bad = || ParseError::Unexpected(shown(line));
    let (msg, uid) = s.trim_start().split_once(' ').ok_or_else(bad)?;
    let msg = msg.parse().map_err(|_| bad())?;
    let uid = uid.trim();
    if uid.is_empty() || !uid.bytes().all(|b| (0x21..=0x7e).contains(&b)) {
        return Err(bad());
    }
    Ok((msg, uid.to_string()))
}

/// What CAPA announced. Capability names are case-insensitive.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Capabilities {
    pub names: BTreeSet<String>,
    /// Mechanisms from the `SASL` line, upper-cased.
    pub sasl: BTreeSet<String>,
    pub implementation: Option<String>,
}

impl Capabilities {
    /// Adds one line of a CAPA listing.
    pub fn add_line(&mut self, line: &[u8]) {
        let s = text(trim_eol(line));
        let mut words = s.split_ascii_whitespace();
        let Some(name) = words.next() else { return };
        let name = name.to_ascii_uppercase();
        match name.as_str() {
            "SASL" => self.sasl.extend(words.map(str::to_ascii_uppercase)),
            "IMPLEMENTATION" => {
                self.implementation = Some(words.collect::<Vec<_>>().join(" "));
            }
            _ => {}
        }
        self.names.insert(name);
    }

    pub fn has(&self, name: &str) -> bool {
        self.names.contains(&name.to_ascii_uppercase())
    }
}

/// The APOP timestamp (`<1896.697170952@dbc.mtview.ca.us>`) in a greeting.
pub fn apop_timestamp(greeting: &str) -> Option<&str> {
    let start = greeting.find('<')?;
    let end = start + greeting[start..].find('>')?;
    let stamp = &greeting[start..=end];
    stamp.contains('@').then_some(stamp)
}

/// What one line of a multi-line body turned out to be.
#[derive(Debug, PartialEq, Eq)]
pub enum BodyLine<'a> {
    /// Content, already unstuffed, with its line ending.
    Data(&'a [u8]),
    /// The terminating `.`: the reply is complete.
    End,
}

/// Classifies one line of a multi-line body (as read, ending in LF): removes
/// the byte-stuffed leading dot, recognises the terminating `.` line, and
/// keeps every other byte (line endings included) as the server sent it.
pub fn body_line(line: &[u8]) -> BodyLine<'_> {
    match line {
        b".\r\n" | b".\n" => BodyLine::End,
        [b'.', rest @ ..] => BodyLine::Data(rest),
        _ => BodyLine::Data(line),
    }
}

/// Decodes a complete multi-line body from `input` (the bytes after the
/// status line). Returns the content and how many input bytes it used, or
/// `None` when the terminating line has not arrived yet.
pub fn decode_multiline(input: &[u8]) -> Option<(Vec<u8>, usize)> {
    let mut out = Vec::with_capacity(input.len());
    let mut pos = 0;
    while pos < input.len() {
        let end = input[pos..].iter().position(|&b| b == b'\n')? + pos + 1;
        match body_line(&input[pos..end]) {
            BodyLine::End => return Some((out, end)),
            BodyLine::Data(data) => out.extend_from_slice(data),
        }
        pos = end;
    }
    None
}

/// A server must end a message that lacks a final line break with one
/// before the terminating dot, so the wire cannot tell "ends in CRLF" from
/// "ends without". The LIST size (the message's size in octets) can: when
/// the body is exactly two octets longer and ends in CRLF, those two were
/// added by the server and are removed, so the stored copy equals the
/// server's.
pub fn trim_added_line_end(body: &mut Vec<u8>, listed_size: Option<u64>) {
    if let Some(size) = listed_size
        && body.len() as u64 == size + 2
        && body.ends_with(b"\r\n")
    {
        body.truncate(body.len() - 2);
    }
}

#[cfg(test)]
#[path = "reply_tests.rs"]
mod tests;
