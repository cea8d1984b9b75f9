//! What the index keeps about a message, taken from its raw bytes once,
//! when it is stored, so that lists and search never parse bodies.

use crate::mailview::address::envelope_addresses;
use mail_parser::{HeaderValue, Message, MessageParser};

/// Longest body text kept for full-text search, in bytes.
pub const FTS_BODY_CAP_BYTES: usize = 256 * 1024;
/// Longest subject, address list or Message-ID kept in the index, in
/// bytes: a 10 MB header line would otherwise be copied into every list
/// page and search. Longer values are cut at a character boundary.
pub const FIELD_CAP_BYTES: usize = 4 * 1024;
/// Most `References:` ids kept (the newest, which threading uses).
const MAX_REFERENCES: usize = 100;
/// Length of the list snippet, in characters.
pub const SNIPPET_CHARS: usize = 160;

/// The indexed fields of one message. Strings are decoded (RFC 2047,
/// charsets) but not sanitized: sanitizing is the renderer's job.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Envelope {
    /// Unix seconds from `Date:`, if present and valid.
    pub date: Option<i64>,
    pub from: String,
    pub to: String,
    pub cc: String,
    pub subject: String,
    pub message_id: Option<String>,
    pub in_reply_to: Option<String>,
    /// Message-IDs from `References:`, space separated, oldest first.
    pub references: Option<String>,
    pub has_attachment: bool,
    pub snippet: String,
    /// Text for full-text search (capped at [`FTS_BODY_CAP_BYTES`]).
    pub body: String,
    /// SHA-256 of the raw bytes: an import finds a message it already
    /// stored by it.
    pub content_hash: Option<[u8; 32]>,
}

impl Envelope {
    /// Parses `raw`; malformed mail gives whatever could be read, never an
    /// error, so that every message can be stored and listed.
    pub fn parse(raw: &[u8]) -> Envelope {
        match MessageParser::default().parse(raw) {
            Some(message) => Envelope::from_message(&message),
            None => Envelope {
                content_hash: Some(content_hash(raw)),
                ..Envelope::default()
            },
        }
    }

    pub fn from_message(message: &Message<'_>) -> Envelope {
        let body = message
            .body_text(0)
            .map(|text| cap_bytes(&text, FTS_BODY_CAP_BYTES).to_string())
            .unwrap_or_default();
        Envelope {
            date: message
                .date()
                .filter(|d| d.is_valid())
                .map(|d| d.to_timestamp()),
            from: field(&envelope_addresses(message.from())),
            to: field(&envelope_addresses(message.to())),
            cc: field(&envelope_addresses(message.cc())),
            subject: field(message.subject().unwrap_or_default().trim()),
            message_id: message.message_id().map(field),
            in_reply_to: ids(message.in_reply_to())
                .into_iter()
                .next_back()
                .map(|id| field(&id)),
            references: Some(references(message.references())).filter(|s| !s.is_empty()),
            has_attachment: message.attachment_count() > 0,
            snippet: snippet(&body),
            body,
            content_hash: Some(content_hash(message.raw_message())),
        }
    }

    /// All addresses as one string, for search.
    pub fn addresses(&self) -> String {
        format!("{} {} {}", self.from, self.to, self.cc)
    }
}

/// SHA-256 of a message's bytes.
pub fn content_hash(raw: &[u8]) -> [u8; 32] {
    use sha2::Digest;
    sha2::Sha256::digest(raw).into()
}

/// The Message-IDs in an `In-Reply-To`/`References` value, without angle
/// brackets.
fn ids(value: &HeaderValue<'_>) -> Vec<String> {
    match value {
        HeaderValue::Text(id) => vec![id.trim().to_string()],
        HeaderValue::TextList(list) => list.iter().map(|id| id.trim().to_string()).collect(),
        _ => Vec::new(),
    }
    .into_iter()
    .filter(|id| !id.is_empty())
    .collect()
}

fn field(value: &str) -> String {
    cap_bytes(value, FIELD_CAP_BYTES).to_string()
}

/// The newest [`MAX_REFERENCES`] ids, oldest first, space separated.
fn references(value: &HeaderValue<'_>) -> String {
    let all = ids(value);
    let skip = all.len().saturating_sub(MAX_REFERENCES);
    let kept: Vec<String> = all.into_iter().skip(skip).map(|id| field(&id)).collect();
    kept.join(" ")
}

fn snippet(body: &str) -> String {
    let mut out = String::new();
    let mut chars = 0;
    for word in body
        .lines()
        .filter(|l| !l.trim_start().starts_with('>'))
        .flat_map(str::split_whitespace)
    {
        if chars >= SNIPPET_CHARS {
            break;
        }
        if !out.is_empty() {
            out.push(' ');
            chars += 1;
        }
        out.push_str(word);
        chars += word.chars().count();
    }
    out.chars().take(SNIPPET_CHARS).collect()
}

fn cap_bytes(text: &str, cap: usize) -> &str {
    if text.len() <= cap {
        return text;
    }
    let mut end = cap;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_headers_and_threading_ids() {
        let raw = b"From: =?UTF-8?B?5byg5LiJ?= <zhang@example.cn>\r\n\
To: a@example.com, Bob <b@example.com>\r\n\
Subject: =?ISO-8859-1?Q?caf=E9?=\r\n\
Date: Tue, 1 Jul 2025 10:00:00 +0000\r\n\
Message-ID: <m2@x>\r\n\
In-Reply-To: <m1@x>\r\n\
References: <m0@x> <m1@x>\r\n\r\nHello there\r\n> quoted\r\nbye\r\n";
        let env = Envelope::parse(raw);
        assert_eq!(env.from, "张三 <zhang@example.cn>");
        assert_eq!(env.to, "a@example.com, Bob <b@example.com>");
        assert_eq!(env.subject, "café");
        assert_eq!(env.date, Some(1_751_364_000));
        assert_eq!(env.message_id.as_deref(), Some("m2@x"));
        assert_eq!(env.in_reply_to.as_deref(), Some("m1@x"));
        assert_eq!(env.references.as_deref(), Some("m0@x m1@x"));
        assert_eq!(env.snippet, "Hello there bye");
        assert!(!env.has_attachment);
    }

    #[test]
    fn a_huge_header_line_is_cut_for_the_index() {
        let subject = "word ".repeat(2_000_000);
        let to: Vec<String> = (0..200_000).map(|i| format!("u{i}@example.test")).collect();
        let refs: Vec<String> = (0..5_000).map(|i| format!("<r{i}@x>")).collect();
        let raw = format!(
            "Subject: {subject}\r\nTo: {}\r\nReferences: {}\r\n\r\nbody\r\n",
            to.join(", "),
            refs.join(" ")
        );
        let env = Envelope::parse(raw.as_bytes());
        assert!(env.subject.starts_with("word word"));
        assert!(env.subject.len() <= FIELD_CAP_BYTES);
        assert!(env.to.starts_with("u0@example.test, u1@"));
        assert!(env.to.len() <= FIELD_CAP_BYTES);
        let kept = env.references.unwrap();
        assert_eq!(kept.split(' ').count(), MAX_REFERENCES);
        assert!(kept.ends_with("r4999@x"));
        assert_eq!(env.snippet, "body");
    }

    #[test]
    fn garbage_gives_an_empty_envelope() {
        let env = Envelope::parse(b"\xff\xfe\x00 not a message");
        assert_eq!(env.date, None);
    }
}
