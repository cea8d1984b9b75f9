//! What the index keeps about a message, taken from its raw bytes once,
//! when it is stored, so that lists and search never parse bodies.

use mail_parser::{Address, HeaderValue, Message, MessageParser};

/// Longest body text kept for full-text search, in bytes.
pub const FTS_BODY_CAP_BYTES: usize = 256 * 1024;
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
}

impl Envelope {
    /// Parses `raw`; malformed mail gives whatever could be read, never an
    /// error, so that every message can be stored and listed.
    pub fn parse(raw: &[u8]) -> Envelope {
        match MessageParser::default().parse(raw) {
            Some(message) => Envelope::from_message(&message),
            None => Envelope::default(),
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
            from: addresses(message.from()),
            to: addresses(message.to()),
            cc: addresses(message.cc()),
            subject: message.subject().unwrap_or_default().trim().to_string(),
            message_id: message.message_id().map(str::to_string),
            in_reply_to: ids(message.in_reply_to()).into_iter().next_back(),
            references: Some(ids(message.references()).join(" ")).filter(|s| !s.is_empty()),
            has_attachment: message.attachment_count() > 0,
            snippet: snippet(&body),
            body,
        }
    }

    /// All addresses as one string, for search.
    pub fn addresses(&self) -> String {
        format!("{} {} {}", self.from, self.to, self.cc)
    }
}

/// `Name <addr>, addr2` for an address header (groups flattened).
pub fn addresses(address: Option<&Address<'_>>) -> String {
    let Some(address) = address else {
        return String::new();
    };
    let mut out = Vec::new();
    for addr in address.iter() {
        let name = addr.name().map(str::trim).filter(|n| !n.is_empty());
        let mail = addr.address().map(str::trim).filter(|a| !a.is_empty());
        out.push(match (name, mail) {
            (Some(n), Some(a)) if n != a => format!("{n} <{a}>"),
            (Some(n), _) => n.to_string(),
            (None, Some(a)) => a.to_string(),
            (None, None) => continue,
        });
    }
    out.join(", ")
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
    fn garbage_gives_an_empty_envelope() {
        let env = Envelope::parse(b"\xff\xfe\x00 not a message");
        assert_eq!(env.date, None);
    }
}
