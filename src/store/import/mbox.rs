//! Reading mbox files of every dialect, one message at a time: mboxo and
//! mboxrd (`From ` lines start messages; one `>` is taken off `>From `,
//! `>>From `, … so an mboxrd file gives back the exact bytes), and mboxcl /
//! mboxcl2 (a `Content-Length:` header says where the body ends, so a body
//! may hold unquoted `From ` lines). A Content-Length that does not land on
//! a message boundary is ignored, as mutt does.
//!
//! The reader streams: memory holds one message, never the file.

use std::collections::VecDeque;
use std::io::BufRead;

/// One message of an mbox: its bytes (no `From ` line, no separator blank
/// line, `Status:`/`X-Status:` removed) and the flags those headers held.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct MboxMessage {
    pub raw: Vec<u8>,
    /// The `Status:`/`X-Status:` header lines that were taken out.
    pub status: Vec<u8>,
    /// The date of the `From ` line, seconds since the epoch, if it parsed.
    pub from_line_date: Option<i64>,
}

/// Reads the messages of an mbox.
pub(super) struct MboxReader<R> {
    input: R,
    /// Lines read ahead and given back (a Content-Length that was wrong).
    pushback: VecDeque<Vec<u8>>,
    /// The `From ` line of the next message, once met.
    next_from: Option<Vec<u8>>,
    started: bool,
}

impl<R: BufRead> MboxReader<R> {
    pub fn new(input: R) -> Self {
        MboxReader {
            input,
            pushback: VecDeque::new(),
            next_from: None,
            started: false,
        }
    }

    fn line(&mut self) -> std::io::Result<Option<Vec<u8>>> {
        if let Some(line) = self.pushback.pop_front() {
            return Ok(Some(line));
        }
        let mut line = Vec::new();
        Ok((self.input.read_until(b'\n', &mut line)? > 0).then_some(line))
    }

    /// The next message, or `None` at the end of the file.
    pub fn next_message(&mut self) -> std::io::Result<Option<MboxMessage>> {
        if !self.started {
            self.started = true;
            // Blank lines before the first `From ` line are tolerated.
            while let Some(line) = self.line()? {
                if is_from_line(&line) {
                    self.next_from = Some(line);
                    break;
                }
            }
        }
        let Some(from) = self.next_from.take() else {
            return Ok(None);
        };
        let mut header = self.read_header()?;
        let by_length = match content_length(&header) {
            _ if self.next_from.is_some() => Some(Vec::new()),
            Some(length) => self.body_by_length(length)?,
            None => None,
        };
        let body = match by_length {
            Some(body) => body,
            None => {
                let mut body = self.body_by_separator()?;
                if body.is_empty() {
                    // The blank line that seemed to end the header was the
                    // separator: the message is all header.
                    strip_separator_blank(&mut header);
                } else {
                    strip_separator_blank(&mut body);
                }
                body
            }
        };
        let (raw, status) = strip_status(header, body);
        Ok(Some(MboxMessage {
            raw,
            status,
            from_line_date: from_line_date(&from),
        }))
    }

    /// The header lines up to and including the blank line that ends them
    /// (or up to the next `From ` line, for a message with no body).
    fn read_header(&mut self) -> std::io::Result<Vec<u8>> {
        let mut header = Vec::new();
        while let Some(line) = self.line()? {
            if is_from_line(&line) {
                self.next_from = Some(line);
                break;
            }
            let end = is_blank(&line);
            header.extend_from_slice(&line);
            if end {
                break;
            }
        }
        Ok(header)
    }

    /// Exactly `length` bytes of body when they end on a message boundary
    /// (end of file, or a `From ` line after at most one blank line);
    /// otherwise the lines are given back and `None` returned.
    fn body_by_length(&mut self, length: usize) -> std::io::Result<Option<Vec<u8>>> {
        let mut lines: Vec<Vec<u8>> = Vec::new();
        let mut taken = 0;
        while taken < length {
            let Some(line) = self.line()? else { break };
            taken += line.len();
            lines.push(line);
        }
        let mut after: Vec<Vec<u8>> = Vec::new();
        let boundary = if taken != length {
            false
        } else {
            match self.line()? {
                None => true,
                Some(line) if is_from_line(&line) => {
                    after.push(line);
                    true
                }
                Some(line) if is_blank(&line) => {
                    after.push(line);
                    match self.line()? {
                        None => true,
                        Some(next) => {
                            let ok = is_from_line(&next);
                            after.push(next);
                            ok
                        }
                    }
                }
                Some(line) => {
                    after.push(line);
                    false
                }
            }
        };
        if !boundary {
            for line in lines.into_iter().chain(after).rev() {
                self.pushback.push_front(line);
            }
            return Ok(None);
        }
        for line in after {
            if is_from_line(&line) {
                self.next_from = Some(line);
            }
        }
        Ok(Some(lines.concat()))
    }

    /// The body up to the next `From ` line, `>From ` quoting undone, the
    /// blank line before the separator removed.
    fn body_by_separator(&mut self) -> std::io::Result<Vec<u8>> {
        let mut body = Vec::new();
        if self.next_from.is_some() {
            return Ok(body);
        }
        while let Some(line) = self.line()? {
            if is_from_line(&line) {
                self.next_from = Some(line);
                return Ok(body);
            }
            body.extend_from_slice(unquote(&line));
        }
        Ok(body)
    }
}

/// A separator line: `From ` at the start of a line.
pub(super) fn is_from_line(line: &[u8]) -> bool {
    line.starts_with(b"From ")
}

fn is_blank(line: &[u8]) -> bool {
    line == b"\n" || line == b"\r\n"
}

/// mboxrd: `>From `, `>>From `, … lose one `>`.
fn unquote(line: &[u8]) -> &[u8] {
    let quotes = line.iter().take_while(|&&b| b == b'>').count();
    if quotes > 0 && line[quotes..].starts_with(b"From ") {
        &line[1..]
    } else {
        line
    }
}

/// Writers end each message with a blank line before the next `From `.
fn strip_separator_blank(body: &mut Vec<u8>) {
    if body.ends_with(b"\r\n\r\n") {
        body.truncate(body.len() - 2);
    } else if body.ends_with(b"\n\n") || body == b"\n" {
        body.pop();
    }
}

/// The `Content-Length:` value of a header block.
fn content_length(header: &[u8]) -> Option<usize> {
    header_lines(header).find_map(|line| {
        let (name, value) = line.split_once(':')?;
        name.eq_ignore_ascii_case("content-length")
            .then(|| value.trim().parse().ok())?
    })
}

fn header_lines(header: &[u8]) -> impl Iterator<Item = &str> {
    header
        .split(|&b| b == b'\n')
        .filter_map(|l| std::str::from_utf8(l).ok())
}

/// Takes the mbox writer's `Status:`/`X-Status:` lines out of the header,
/// so a message's bytes do not depend on who kept the mbox or which flags
/// it had; they are returned apart for the flags.
fn strip_status(header: Vec<u8>, body: Vec<u8>) -> (Vec<u8>, Vec<u8>) {
    let mut raw = Vec::with_capacity(header.len() + body.len());
    let mut status = Vec::new();
    for line in header.split_inclusive(|&b| b == b'\n') {
        let lower = line.get(..9).map(<[u8]>::to_ascii_lowercase);
        let is_status = line.len() >= 7 && line[..7].eq_ignore_ascii_case(b"status:")
            || lower.as_deref() == Some(b"x-status:");
        if is_status {
            status.extend_from_slice(line);
        } else {
            raw.extend_from_slice(line);
        }
    }
    raw.extend_from_slice(&body);
    (raw, status)
}

/// `From sender Thu Nov  5 12:00:00 2026` → seconds since the epoch.
fn from_line_date(line: &[u8]) -> Option<i64> {
    let text = std::str::from_utf8(line).ok()?.trim_end();
    // The date is the last five fields: weekday month day time year.
    let fields: Vec<&str> = text.split_whitespace().collect();
    let date = fields.get(fields.len().checked_sub(5)?..)?.join(" ");
    let parsed = mail_parser::DateTime::parse_rfc822(&format!("{date} +0000"))
        .or_else(|| reorder_asctime(&date))?;
    parsed.is_valid().then(|| parsed.to_timestamp())
}

/// asctime order (`Thu Nov 5 12:00:00 2026`) into RFC 822 order.
fn reorder_asctime(date: &str) -> Option<mail_parser::DateTime> {
    let f: Vec<&str> = date.split_whitespace().collect();
    let [weekday, month, day, time, year] = f.as_slice() else {
        return None;
    };
    mail_parser::DateTime::parse_rfc822(&format!("{weekday}, {day} {month} {year} {time} +0000"))
}

#[cfg(test)]
mod tests;
