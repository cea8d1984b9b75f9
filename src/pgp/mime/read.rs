//! Finding OpenPGP in received mail: RFC 3156 multipart/signed (with the
//! exact bytes the signature covers) and multipart/encrypted, and, as a
//! fallback, inline PGP blocks in a text/plain body.
//!
//! mail-parser finds the parts and decodes the signature and ciphertext;
//! the signed bytes are cut from the raw message by this module's own
//! boundary scan, because a decoded or re-serialized part would not be
//! the bytes that were signed.

use super::canonicalize;
use mail_parser::{ContentType, Message, MessageParser, MessagePart, MimeHeaders};
use std::ops::Range;

/// OpenPGP content found in a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PgpContent {
    Signed(SignedPart),
    Encrypted(EncryptedPart),
    Inline(InlinePgp),
}

/// A multipart/signed entity's two halves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedPart {
    /// The first part as it went over the wire: from after the opening
    /// delimiter's line end to before the CRLF that starts the next
    /// delimiter, with every line end CRLF (a store may have kept bare
    /// LFs). Verify exactly these bytes, and show what they parse to.
    pub signed: Vec<u8>,
    /// The second part's decoded body, usually an armored signature.
    pub signature: Vec<u8>,
    /// The `micalg` parameter, when given.
    pub micalg: Option<String>,
}

/// A multipart/encrypted entity's OpenPGP message. What it decrypts to is
/// a MIME entity, which may itself be multipart/signed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EncryptedPart {
    pub ciphertext: Vec<u8>,
}

/// An inline block in a text/plain body, from its BEGIN line to its END
/// line, for `decrypt` or `verify_clearsigned`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InlinePgp {
    /// `-----BEGIN PGP MESSAGE-----`: encrypted, or signed only.
    Message(Vec<u8>),
    /// `-----BEGIN PGP SIGNED MESSAGE-----`: clearsigned text.
    Clearsigned(Vec<u8>),
}

/// The outermost PGP/MIME structure of `raw` (a message or a MIME entity,
/// such as a decrypted part); else the first inline block in a text/plain
/// part. Attached messages (message/rfc822) are not looked into: their
/// signatures are not this message's.
pub fn find_pgp(raw: &[u8]) -> Option<PgpContent> {
    let message = MessageParser::default().parse(raw)?;
    for part in &message.parts {
        let Some(kind) = pgp_kind(part) else {
            continue;
        };
        let found = match kind {
            Kind::Signed => signed_part(&message, part).map(PgpContent::Signed),
            Kind::Encrypted => encrypted_part(&message, part).map(PgpContent::Encrypted),
        };
        if found.is_some() {
            return found;
        }
    }
    inline(&message).map(PgpContent::Inline)
}

/// The first multipart/signed with protocol application/pgp-signature.
pub fn find_signed(raw: &[u8]) -> Option<SignedPart> {
    let message = MessageParser::default().parse(raw)?;
    let mut signed = message
        .parts
        .iter()
        .filter(|p| pgp_kind(p) == Some(Kind::Signed));
    signed.find_map(|part| signed_part(&message, part))
}

/// The first multipart/encrypted with protocol application/pgp-encrypted.
pub fn find_encrypted(raw: &[u8]) -> Option<EncryptedPart> {
    let message = MessageParser::default().parse(raw)?;
    let mut encrypted = message
        .parts
        .iter()
        .filter(|p| pgp_kind(p) == Some(Kind::Encrypted));
    encrypted.find_map(|part| encrypted_part(&message, part))
}

/// The first inline PGP block in a text/plain part.
pub fn find_inline(raw: &[u8]) -> Option<InlinePgp> {
    inline(&MessageParser::default().parse(raw)?)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Signed,
    Encrypted,
}

fn pgp_kind(part: &MessagePart<'_>) -> Option<Kind> {
    let content_type = part.content_type()?;
    if !content_type.ctype().eq_ignore_ascii_case("multipart") {
        return None;
    }
    let subtype = content_type.subtype()?.to_ascii_lowercase();
    let protocol = attribute(content_type, "protocol")?.to_ascii_lowercase();
    match (subtype.as_str(), protocol.as_str()) {
        ("signed", "application/pgp-signature") => Some(Kind::Signed),
        ("encrypted", "application/pgp-encrypted") => Some(Kind::Encrypted),
        _ => None,
    }
}

fn attribute<'a>(content_type: &'a ContentType<'_>, name: &str) -> Option<&'a str> {
    let attributes = content_type.attributes()?;
    let found = attributes
        .iter()
        .find(|a| a.name.eq_ignore_ascii_case(name))?;
    Some(found.value.as_ref())
}

fn signed_part(message: &Message<'_>, part: &MessagePart<'_>) -> Option<SignedPart> {
    let content_type = part.content_type()?;
    let boundary = attribute(content_type, "boundary")?;
    let raw = message.raw_message.as_ref();
    let start = part.raw_body_offset() as usize;
    let end = (part.raw_end_offset() as usize).min(raw.len());
    let body = raw.get(start..end)?;
    let first = part_ranges(body, boundary).into_iter().next()?;
    let children = part.sub_parts()?;
    let signature = message.parts.get(*children.get(1)? as usize)?;
    Some(SignedPart {
        signed: canonicalize(&body[first]),
        signature: signature.contents().to_vec(),
        micalg: attribute(content_type, "micalg").map(str::to_string),
    })
}

/// The ciphertext: the application/octet-stream part, which RFC 3156 puts
/// second, after the "Version: 1" control part.
fn encrypted_part(message: &Message<'_>, part: &MessagePart<'_>) -> Option<EncryptedPart> {
    let children = part.sub_parts()?;
    let parts: Vec<&MessagePart<'_>> = children
        .iter()
        .filter_map(|id| message.parts.get(*id as usize))
        .collect();
    let is_stream = |p: &MessagePart<'_>| {
        p.content_type().is_some_and(|ct| {
            ct.subtype()
                .is_some_and(|s| s.eq_ignore_ascii_case("octet-stream"))
        })
    };
    let data = parts.iter().find(|p| is_stream(p)).or(parts.get(1))?;
    Some(EncryptedPart {
        ciphertext: data.contents().to_vec(),
    })
}

/// The byte ranges of the parts between `boundary`'s delimiters in a
/// multipart body (RFC 2046 5.1.1): each starts after a delimiter line's
/// line end and stops before the line end that precedes the next
/// delimiter, which belongs to that delimiter. The preamble and the
/// epilogue are not parts.
pub(crate) fn part_ranges(body: &[u8], boundary: &str) -> Vec<Range<usize>> {
    let dash = format!("--{boundary}");
    let mut ranges = Vec::new();
    let mut open: Option<usize> = None;
    let mut line_start = 0;
    while line_start < body.len() {
        let line_end = body[line_start..]
            .iter()
            .position(|b| *b == b'\n')
            .map_or(body.len(), |i| line_start + i + 1);
        let line = &body[line_start..line_end];
        if let Some(closing) = delimiter(line, dash.as_bytes()) {
            if let Some(start) = open {
                let end = line_start - preceding_line_end(&body[..line_start]);
                ranges.push(start..end.max(start));
            }
            if closing {
                break;
            }
            open = Some(line_end);
        }
        line_start = line_end;
    }
    ranges
}

/// Whether `line` is a delimiter of `dash` (`--boundary`), and whether it
/// is the closing one; trailing whitespace is transport padding.
fn delimiter(line: &[u8], dash: &[u8]) -> Option<bool> {
    let rest = line.strip_prefix(dash)?;
    let (closing, rest) = match rest.strip_prefix(b"--") {
        Some(rest) => (true, rest),
        None => (false, rest),
    };
    rest.iter()
        .all(|b| matches!(b, b' ' | b'\t' | b'\r' | b'\n'))
        .then_some(closing)
}

/// The length of the line end just before a delimiter: CRLF, or a bare LF
/// where a store converted line ends.
fn preceding_line_end(before: &[u8]) -> usize {
    match before {
        [.., b'\r', b'\n'] => 2,
        [.., b'\n'] => 1,
        _ => 0,
    }
}

/// The first inline PGP block in a text/plain part of `message`.
fn inline(message: &Message<'_>) -> Option<InlinePgp> {
    message
        .parts
        .iter()
        .filter(|part| is_plain_text(part))
        .find_map(|part| {
            let text = part.text_contents()?;
            inline_block(text)
        })
}

fn is_plain_text(part: &MessagePart<'_>) -> bool {
    match part.content_type() {
        None => part.is_text() && !part.is_text_html(),
        Some(ct) => {
            ct.ctype().eq_ignore_ascii_case("text")
                && ct.subtype().is_none_or(|s| s.eq_ignore_ascii_case("plain"))
        }
    }
}

/// The block from the first BEGIN line (at the start of a line) to its END
/// line. The text here is the decoded body, so a clearsigned text in a
/// charset other than UTF-8 or ASCII may not verify.
fn inline_block(text: &str) -> Option<InlinePgp> {
    const KINDS: [(&str, &str, bool); 2] = [
        (
            "-----BEGIN PGP MESSAGE-----",
            "-----END PGP MESSAGE-----",
            false,
        ),
        (
            "-----BEGIN PGP SIGNED MESSAGE-----",
            "-----END PGP SIGNATURE-----",
            true,
        ),
    ];
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_end();
        if let Some((_, end, clear)) = KINDS.iter().find(|(begin, _, _)| trimmed == *begin) {
            let rest = &text[offset..];
            let stop = rest.find(end)? + end.len();
            let mut block = rest.as_bytes()[..stop].to_vec();
            block.push(b'\n');
            return Some(if *clear {
                InlinePgp::Clearsigned(block)
            } else {
                InlinePgp::Message(block)
            });
        }
        offset += line.len();
    }
    None
}

#[cfg(test)]
#[path = "read_tests.rs"]
mod tests;
