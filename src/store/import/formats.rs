//! The few header fields an import reads itself: the flags mbox writers
//! keep (`Status:`/`X-Status:` as mutt and others write them, and
//! Thunderbird's `X-Mozilla-Status:`) and whether a message has a usable
//! `Date:`.

use crate::store::Flags;

/// The flags of `Status:`/`X-Status:` lines.
pub(super) fn mbox_flags(status: &[u8]) -> Flags {
    let mut flags = Flags::default();
    for line in header_lines(status) {
        if let Some(value) = strip_header(line, "status") {
            flags.seen |= value.contains('R');
        } else if let Some(value) = strip_header(line, "x-status") {
            flags.answered |= value.contains('A');
            flags.flagged |= value.contains('F');
            flags.deleted |= value.contains('D');
            flags.draft |= value.contains('T');
        }
    }
    flags
}

/// Thunderbird's `X-Mozilla-Status: 0001` bits: read, replied, marked.
pub(super) fn mozilla_flags(raw: &[u8]) -> Flags {
    let mut flags = Flags::default();
    let value = header_lines(raw)
        .find_map(|line| strip_header(line, "x-mozilla-status"))
        .and_then(|v| u32::from_str_radix(v.trim(), 16).ok());
    if let Some(bits) = value {
        flags.seen = bits & 0x1 != 0;
        flags.answered = bits & 0x2 != 0;
        flags.flagged = bits & 0x4 != 0;
    }
    flags
}

/// Whether the message has a `Date:` that parses (otherwise the mbox
/// `From ` line's date stands in).
pub(super) fn has_valid_date(raw: &[u8]) -> bool {
    mail_parser::MessageParser::default()
        .parse_headers(raw)
        .and_then(|m| m.date().map(|d| d.is_valid()))
        .unwrap_or(false)
}

fn header_lines(raw: &[u8]) -> impl Iterator<Item = &str> {
    raw.split(|&b| b == b'\n')
        .map(|l| l.strip_suffix(b"\r").unwrap_or(l))
        .take_while(|l| !l.is_empty())
        .filter_map(|l| std::str::from_utf8(l).ok())
}

fn strip_header<'a>(line: &'a str, name: &str) -> Option<&'a str> {
    let (key, value) = line.split_once(':')?;
    key.trim().eq_ignore_ascii_case(name).then_some(value)
}
