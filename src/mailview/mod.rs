//! What the message viewer shows, built from a raw message with
//! mail-parser: decoded headers, the body as text (HTML rendered with its
//! links numbered), nested messages inline, and the attachment list.
//!
//! Strings here are decoded but not sanitized; the renderer cleans every
//! one of them before it reaches the terminal.

pub mod address;
mod attachments;
mod body;
mod date;
mod fallback;
mod headers;
mod repair;
pub mod security;

pub use attachments::{
    AttachmentInfo, attachment_bytes, safe_file_name, save_attachment, write_new_file,
};
pub use date::{Zone, format_date};
pub use headers::HeaderLine;

use address::envelope_addresses;
use mail_parser::{Message, MessageParser};

/// HTML is rendered to this many columns at most; wider text is harder to
/// read and the viewer wraps narrower screens itself.
pub const MAX_RENDER_WIDTH: usize = 100;
/// Nested `message/rfc822` parts are shown inline to this depth.
const MAX_NESTING: usize = 4;
/// The viewer lays out at most this much of a body (and of the HTML
/// source): a 100 MB text part would otherwise cost seconds of wrapping
/// on every resize and hundreds of MB of lines. The rest is named, not
/// shown; `wirepost show` prints all of it.
pub const VIEW_BODY_CAP_BYTES: usize = 4 * 1024 * 1024;
/// One header value is shown up to this size (a 10 MB `To:` would be
/// 100,000 lines of addresses).
pub const VIEW_HEADER_CAP_BYTES: usize = 16 * 1024;

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
    /// What was wrong with a malformed message whose text was found
    /// another way (one line), if anything.
    pub notice: Option<String>,
    /// What OpenPGP says about it, when it is signed or encrypted.
    pub security: Option<security::Security>,
}

impl MessageView {
    /// Parses `raw`. Never fails: unparseable input shows as its text.
    pub fn build(raw: &[u8], width: usize) -> MessageView {
        let width = width.clamp(20, MAX_RENDER_WIDTH);
        let parser = MessageParser::default();
        let Some(parsed) = parser.parse(raw) else {
            return MessageView::unparsed(raw);
        };
        // Broken structure that hides the text is repaired first (the
        // attachment list is read from the same repaired bytes).
        let repaired = repair::readable_from(&parsed, raw);
        let reparsed = repaired.as_ref().and_then(|r| parser.parse(&r.raw));
        let (message, bytes) = match (&reparsed, &repaired) {
            (Some(message), Some(r)) => (message, &r.raw[..]),
            _ => (&parsed, raw),
        };
        let mut view = from_message(message, width, 0);
        let mut notices: Vec<String> = repaired
            .as_ref()
            .filter(|_| reparsed.is_some())
            .map(|r| r.notice.clone())
            .into_iter()
            .collect();
        if view.body.trim().is_empty()
            && let Some(found) = fallback::text_of(message)
        {
            view.body = found.text;
            notices.push(found.notice);
        }
        notices.extend(fallback::unclosed(message, bytes));
        view.notice = (!notices.is_empty()).then(|| notices.join("; "));
        view.size = raw.len();
        view.cap();
        view
    }

    /// What cannot be parsed at all shows as its text.
    fn unparsed(raw: &[u8]) -> MessageView {
        let cut = raw.len().min(VIEW_BODY_CAP_BYTES);
        let mut body = String::from_utf8_lossy(&raw[..cut]).into_owned();
        cap_text(&mut body, VIEW_BODY_CAP_BYTES, raw.len() - cut);
        MessageView {
            body,
            size: raw.len(),
            ..MessageView::default()
        }
    }

    /// Parses `raw`, verifying and decrypting OpenPGP with `gpg` (the
    /// plain view without it).
    pub fn build_with_pgp(raw: &[u8], width: usize, gpg: Option<&crate::pgp::Gpg>) -> MessageView {
        match gpg {
            Some(gpg) => security::build_secure(raw, width, gpg),
            None => MessageView::build(raw, width),
        }
    }

    /// Shows the body, HTML, links and attachments of `inner` (a signed
    /// or decrypted part) in place of this message's own.
    fn take_body_of(&mut self, inner: &MessageView) {
        self.body = inner.body.clone();
        self.body_from_html = inner.body_from_html;
        self.html = inner.html.clone();
        self.links = inner.links.clone();
        self.attachments = inner.attachments.clone();
    }

    /// Shows `text` as the whole body.
    fn replace_body(&mut self, text: String) {
        self.body = text;
        self.body_from_html = false;
        self.html = None;
        self.links.clear();
        self.attachments.clear();
        cap_lines(&mut self.body, VIEW_BODY_CAP_BYTES);
    }

    /// Holds every string to what the viewer shows of it.
    fn cap(&mut self) {
        for value in [
            &mut self.subject,
            &mut self.from,
            &mut self.to,
            &mut self.cc,
            &mut self.date,
        ] {
            cap_text(value, VIEW_HEADER_CAP_BYTES, 0);
        }
        for header in &mut self.headers {
            cap_text(&mut header.value, VIEW_HEADER_CAP_BYTES, 0);
        }
        cap_lines(&mut self.body, VIEW_BODY_CAP_BYTES);
        if let Some(html) = &mut self.html {
            cap_lines(html, VIEW_BODY_CAP_BYTES);
        }
    }
}

/// Like [`cap_text`] for text read as lines: cut after the last whole line
/// that fits, the note on a line of its own.
fn cap_lines(text: &mut String, cap: usize) {
    if text.len() <= cap {
        return;
    }
    let mut end = cap;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let end = text[..end].rfind('\n').unwrap_or(end);
    let cut = text.len() - end;
    text.truncate(end);
    text.push_str(&format!("\n[…{} more not shown]", human_bytes(cut)));
}

/// Cuts `text` to `cap` bytes (on a character boundary) and says how much
/// was left out; `more` counts bytes already cut before.
pub fn cap_text(text: &mut String, cap: usize, more: usize) {
    let mut end = text.len().min(cap);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let cut = text.len() - end + more;
    if cut == 0 {
        return;
    }
    text.truncate(end);
    text.push_str(&format!(" […{} more not shown]", human_bytes(cut)));
}

fn human_bytes(n: usize) -> String {
    match n {
        n if n >= 1 << 20 => format!("{:.1} MB", n as f64 / (1 << 20) as f64),
        n if n >= 1 << 10 => format!("{:.1} KB", n as f64 / 1024.0),
        n => format!("{n} bytes"),
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
        notice: None,
        security: None,
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
