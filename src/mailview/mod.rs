//! What the message viewer shows, built from a raw message with
//! mail-parser: decoded headers, the body as text (HTML rendered with its
//! links numbered), nested messages inline, and the attachment list.
//!
//! Strings here are decoded but not sanitized; the renderer cleans every
//! one of them before it reaches the terminal.

mod attachments;
mod body;
mod date;
mod headers;

pub use attachments::{AttachmentInfo, attachment_bytes, safe_file_name, save_attachment};
pub use date::format_date;
pub use headers::HeaderLine;

use crate::store::envelope_addresses;
use mail_parser::{Message, MessageParser};

/// HTML is rendered to this many columns at most; wider text is harder to
/// read and the viewer wraps narrower screens itself.
pub const MAX_RENDER_WIDTH: usize = 100;
/// Nested `message/rfc822` parts are shown inline to this depth.
const MAX_NESTING: usize = 4;

/// A parsed message, ready to draw.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MessageView {
    pub subject: String,
    pub from: String,
    pub to: String,
    pub cc: String,
    pub date: String,
    /// Every header, in order, decoded.
    pub headers: Vec<HeaderLine>,
    /// The text to read: text/plain when there is one, else the HTML
    /// rendered to text; nested messages follow.
    pub body: String,
    /// Whether `body` was rendered from HTML.
    pub body_from_html: bool,
    /// The HTML source, for the "show HTML source" toggle.
    pub html: Option<String>,
    /// Links of the rendered HTML, numbered as in `body` (`[1]` is index 0).
    pub links: Vec<String>,
    pub attachments: Vec<AttachmentInfo>,
    /// Size of the raw message in bytes.
    pub size: usize,
}

impl MessageView {
    /// Parses `raw`. Never fails: unparseable input shows as its text.
    pub fn build(raw: &[u8], width: usize) -> MessageView {
        let width = width.clamp(20, MAX_RENDER_WIDTH);
        match MessageParser::default().parse(raw) {
            Some(message) => {
                let mut view = from_message(&message, width, 0);
                view.size = raw.len();
                view
            }
            None => MessageView {
                body: String::from_utf8_lossy(raw).into_owned(),
                size: raw.len(),
                ..MessageView::default()
            },
        }
    }
}

fn from_message(message: &Message<'_>, width: usize, depth: usize) -> MessageView {
    let rendered = body::render(message, width);
    let mut view = MessageView {
        subject: message.subject().unwrap_or_default().to_string(),
        from: envelope_addresses(message.from()),
        to: envelope_addresses(message.to()),
        cc: envelope_addresses(message.cc()),
        date: message.date().map(|d| d.to_rfc822()).unwrap_or_default(),
        headers: headers::all(message),
        body: rendered.text,
        body_from_html: rendered.from_html,
        html: rendered.html,
        links: rendered.links,
        attachments: attachments::list(message),
        size: 0,
    };
    if depth < MAX_NESTING {
        for part in message.attachments() {
            if let mail_parser::PartType::Message(nested) = &part.body {
                let inner = from_message(nested, width, depth + 1);
                // Its links stay listed inside its own block, numbered
                // from 1 again, so they are not merged into `links`.
                view.body.push_str(&nested_block(&inner));
            }
        }
    }
    view
}

/// A nested message as it appears after the body.
fn nested_block(inner: &MessageView) -> String {
    let mut out = String::from("\n\n──────── attached message ────────\n");
    for (name, value) in [
        ("From", &inner.from),
        ("To", &inner.to),
        ("Date", &inner.date),
        ("Subject", &inner.subject),
    ] {
        if !value.is_empty() {
            out.push_str(&format!("{name}: {value}\n"));
        }
    }
    out.push('\n');
    out.push_str(&inner.body);
    if !inner.links.is_empty() {
        out.push_str("\n\nLinks:\n");
        for (i, link) in inner.links.iter().enumerate() {
            out.push_str(&format!("[{}] {link}\n", i + 1));
        }
    }
    out
}

#[cfg(test)]
mod tests;
