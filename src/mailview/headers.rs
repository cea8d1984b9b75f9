//! Every header of a message, decoded for the "all headers" view.

use super::address::envelope_addresses;
use mail_parser::{HeaderValue, Message};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeaderLine {
    pub name: String,
    pub value: String,
}

pub fn all(message: &Message<'_>) -> Vec<HeaderLine> {
    let raw = message.raw_message();
    message
        .headers()
        .iter()
        .map(|h| {
            let value = match h.value() {
                HeaderValue::Address(a) => envelope_addresses(Some(a)),
                HeaderValue::Text(t) => t.to_string(),
                HeaderValue::TextList(list) => list.join(", "),
                HeaderValue::DateTime(d) => d.to_rfc822(),
                _ => {
                    let start = (h.offset_start() as usize).min(raw.len());
                    let end = (h.offset_end() as usize).clamp(start, raw.len());
                    unfold(&String::from_utf8_lossy(&raw[start..end]))
                }
            };
            HeaderLine {
                name: h.name().to_string(),
                value,
            }
        })
        .collect()
}

/// Joins folded header lines into one.
fn unfold(value: &str) -> String {
    value.split_whitespace().collect::<Vec<_>>().join(" ")
}
