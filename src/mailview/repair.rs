//! Mail whose structure is broken still shows its text. When a message
//! parses to no readable text, this looks for the usual faults and, where
//! it finds one, rewrites the raw bytes the way the sender meant them:
//!
//! - a multipart whose boundary is missing, or is not the one its parts
//!   use: the delimiter lines actually in the body give the boundary;
//! - a header block (of the message or of a part) with no blank line
//!   before the body: the first line that is not a header starts it.
//!
//! The repaired bytes are parsed like any message, so the attachment list
//! and saving agree with what is shown. Each repair comes with a one-line
//! notice of what was wrong. What cannot be repaired this way (a multipart
//! with no parts at all, text parts of odd types) is left to
//! [`super::fallback`].

use mail_parser::{HeaderName, Message, MessageParser, MessagePart, MimeHeaders, PartType};

/// A rewritten message and what was wrong with the original.
pub struct Repair {
    pub raw: Vec<u8>,
    pub notice: String,
}

/// A repaired copy of `raw` when, as it is, it shows no text and the
/// repair does; `None` leaves the message as it is.
pub fn readable(raw: &[u8]) -> Option<Repair> {
    readable_from(&MessageParser::default().parse(raw)?, raw)
}

/// [`readable`] for a message the caller has parsed from `raw` already
/// (a 25 MB message is not parsed twice to find it needs nothing).
pub fn readable_from(message: &Message<'_>, raw: &[u8]) -> Option<Repair> {
    if has_text(message) {
        return None;
    }
    let fixed = repair(message, raw)?;
    has_text(&MessageParser::default().parse(&fixed.raw)?).then_some(fixed)
}

/// Whether the message's plain or HTML body has any text.
fn has_text(message: &Message<'_>) -> bool {
    message
        .text_bodies()
        .chain(message.html_bodies())
        .any(|part| !part.contents().trim_ascii().is_empty())
}

/// The first repair that applies to `message` (parsed from `raw`).
fn repair(message: &Message<'_>, raw: &[u8]) -> Option<Repair> {
    failed_multipart(message, raw).or_else(|| missing_separators(message, raw))
}

/// A top-level multipart that parsed as one opaque part: its boundary is
/// missing or never used. The delimiter lines in the body say which
/// boundary the parts really use.
fn failed_multipart(message: &Message<'_>, raw: &[u8]) -> Option<Repair> {
    let root = message.parts.first()?;
    let ct = root.content_type()?;
    if !ct.ctype().eq_ignore_ascii_case("multipart") || matches!(root.body, PartType::Multipart(_))
    {
        return None;
    }
    let body = raw.get(root.offset_body as usize..root.offset_end as usize)?;
    let found = delimiter_in(body)?;
    let subtype = ct.subtype().unwrap_or("mixed").to_ascii_lowercase();
    let header = root
        .headers
        .iter()
        .find(|h| h.name == HeaderName::ContentType)?;
    let mut fixed = Vec::with_capacity(raw.len() + 64);
    fixed.extend_from_slice(&raw[..header.offset_field as usize]);
    fixed.extend_from_slice(
        format!("Content-Type: multipart/{subtype}; boundary=\"{found}\"\r\n").as_bytes(),
    );
    fixed.extend_from_slice(&raw[header.offset_end as usize..]);
    let notice = match ct.attribute("boundary") {
        Some(declared) => format!(
            "its multipart boundary \"{declared}\" is never used; the parts use \"{found}\""
        ),
        None => format!(
            "its {} has no boundary; the parts were found by their delimiter lines",
            ct_name(ct.ctype(), ct.subtype())
        ),
    };
    Some(Repair { raw: fixed, notice })
}

/// The boundary most delimiter lines (`--token`, `--token--`) in `body`
/// name, if one names at least two or closes the body.
pub fn delimiter_in(body: &[u8]) -> Option<String> {
    let mut counts: Vec<(String, usize, bool)> = Vec::new();
    for line in body.split(|b| *b == b'\n') {
        let Some(rest) = line.strip_prefix(b"--") else {
            continue;
        };
        let text = String::from_utf8_lossy(rest).trim_end().to_string();
        let (token, closing) = match text.strip_suffix("--") {
            Some(token) => (token.to_string(), true),
            None => (text, false),
        };
        // RFC 2046: 1 to 70 characters; spaces and quotes are allowed
        // there but would make a guess unsafe here.
        if token.is_empty()
            || token.len() > 70
            || token
                .chars()
                .any(|c| c.is_whitespace() || c == '"' || c.is_control())
        {
            continue;
        }
        match counts.iter_mut().find(|(t, _, _)| *t == token) {
            Some(entry) => {
                entry.1 += 1;
                entry.2 |= closing;
            }
            None => counts.push((token, 1, closing)),
        }
    }
    counts
        .into_iter()
        .filter(|(_, n, closing)| *n >= 2 || *closing)
        .max_by_key(|(_, n, _)| *n)
        .map(|(token, _, _)| token)
}

/// Header blocks that run straight into their body: the message's own,
/// or those of text parts that came out empty. A blank line is put before
/// the first line that is not a header field.
fn missing_separators(message: &Message<'_>, raw: &[u8]) -> Option<Repair> {
    let mut cuts: Vec<usize> = message
        .parts
        .iter()
        .enumerate()
        .filter(|(i, part)| *i == 0 || is_empty_text(part))
        .filter_map(|(_, part)| {
            let start = part.offset_header as usize;
            let end = part.offset_body as usize;
            first_non_header_line(raw.get(start..end)?).map(|at| start + at)
        })
        .collect();
    if cuts.is_empty() {
        return None;
    }
    cuts.sort_unstable();
    cuts.dedup();
    let mut fixed = Vec::with_capacity(raw.len() + cuts.len() * 2);
    let mut from = 0;
    for cut in cuts {
        fixed.extend_from_slice(&raw[from..cut]);
        fixed.extend_from_slice(b"\r\n");
        from = cut;
    }
    fixed.extend_from_slice(&raw[from..]);
    Some(Repair {
        raw: fixed,
        notice: "a header runs straight into its text, with no blank line between them".into(),
    })
}

fn is_empty_text(part: &MessagePart<'_>) -> bool {
    match &part.body {
        PartType::Text(text) | PartType::Html(text) => text.trim().is_empty(),
        _ => false,
    }
}

/// Where, in a header block, the first line that is neither a header
/// field (`Name: value`) nor a folded continuation starts.
fn first_non_header_line(block: &[u8]) -> Option<usize> {
    let mut at = 0;
    for line in block.split_inclusive(|b| *b == b'\n') {
        let text = line.strip_suffix(b"\n").unwrap_or(line);
        let text = text.strip_suffix(b"\r").unwrap_or(text);
        let continuation = text.first().is_some_and(|b| *b == b' ' || *b == b'\t');
        if !text.is_empty()
            && !continuation
            && !is_header_field(text)
            && !text.starts_with(b"From ")
        {
            return Some(at);
        }
        at += line.len();
    }
    None
}

/// `Name: value`, the name printable ASCII without spaces (RFC 5322).
fn is_header_field(line: &[u8]) -> bool {
    match line.iter().position(|b| *b == b':') {
        Some(colon) if colon > 0 => line[..colon].iter().all(|b| (33..=126).contains(b)),
        _ => false,
    }
}

fn ct_name(ctype: &str, subtype: Option<&str>) -> String {
    match subtype {
        Some(sub) => format!("{ctype}/{sub}"),
        None => ctype.to_string(),
    }
    .to_ascii_lowercase()
}
