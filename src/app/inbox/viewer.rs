//! The open message: what is shown (text, HTML source, raw, all headers),
//! laid out as display lines for the viewer's width, and where it is
//! scrolled to. Lines are sanitized here, once, when they are built.

use super::wrap::wrap;
use crate::mailview::MessageView;
use crate::sanitize::{clean_line, clean_text};
use crate::store::MessageId;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ViewMode {
    #[default]
    Text,
    HtmlSource,
    Raw,
    Headers,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Viewer {
    pub id: MessageId,
    /// `None` while the store parses it.
    pub view: Option<Result<Box<MessageView>, String>>,
    /// The raw source, fetched when first asked for.
    pub raw: Option<Result<String, String>>,
    pub mode: ViewMode,
    /// Display lines of the current mode at the current width.
    pub lines: Vec<String>,
    pub scroll: usize,
    /// Text searched for inside the message.
    pub find: Option<String>,
    /// The selected attachment.
    pub attachment: usize,
    pub width: u16,
    /// The message's flags as last set here, so that flag keys work on it
    /// even when its row has scrolled out of the loaded part of the list.
    pub flags: crate::store::Flags,
    /// Display rows that carry the OpenPGP status (drawn apart from the
    /// body, so that text in a message cannot pass for them), each with
    /// whether it is a warning.
    pub pgp_rows: Vec<(usize, PgpTone)>,
}

/// How an OpenPGP status row is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PgpTone {
    Good,
    Warning,
    Alarm,
}

impl Viewer {
    pub fn new(id: MessageId, width: u16) -> Viewer {
        Viewer {
            id,
            view: None,
            raw: None,
            mode: ViewMode::Text,
            lines: Vec::new(),
            scroll: 0,
            find: None,
            attachment: 0,
            width,
            flags: crate::store::Flags::default(),
            pgp_rows: Vec::new(),
        }
    }

    pub fn message(&self) -> Option<&MessageView> {
        match &self.view {
            Some(Ok(view)) => Some(view),
            _ => None,
        }
    }

    /// Rebuilds `lines` for the mode and width.
    pub fn layout(&mut self) {
        let width = usize::from(self.width.max(10));
        self.pgp_rows.clear();
        if let (Some(Ok(view)), ViewMode::Text) = (&self.view, self.mode) {
            let (lines, pgp_rows) = text_lines(view, width);
            self.lines = lines;
            self.pgp_rows = pgp_rows;
            self.scroll = self.scroll.min(self.lines.len().saturating_sub(1));
            return;
        }
        let text = match (&self.view, self.mode) {
            (None, _) => "Loading…".to_string(),
            (Some(Err(e)), _) => format!("This message cannot be shown: {e}"),
            (Some(Ok(view)), ViewMode::Text) => text_document(view),
            (Some(Ok(view)), ViewMode::HtmlSource) => match &view.html {
                Some(html) => html.clone(),
                None => "This message has no HTML part.".into(),
            },
            (Some(Ok(view)), ViewMode::Headers) => view
                .headers
                .iter()
                .map(|h| format!("{}: {}", clean_line(&h.name), clean_line(&h.value)))
                .collect::<Vec<_>>()
                .join("\n"),
            (Some(Ok(_)), ViewMode::Raw) => match &self.raw {
                None => "Loading the source…".into(),
                Some(Ok(raw)) => raw.clone(),
                Some(Err(e)) => format!("The source cannot be read: {e}"),
            },
        };
        self.lines = wrap(&clean_text(&text), width);
        self.scroll = self.scroll.min(self.lines.len().saturating_sub(1));
    }

    /// Scrolls to the next line (after the current top) containing the
    /// find text, wrapping around; false when there is none.
    pub fn find_next(&mut self) -> bool {
        let Some(needle) = self.find.as_ref().map(|f| f.to_lowercase()) else {
            return false;
        };
        let n = self.lines.len();
        for step in 1..=n {
            let i = (self.scroll + step) % n.max(1);
            if self.lines[i].to_lowercase().contains(&needle) {
                self.scroll = i;
                return true;
            }
        }
        false
    }
}

/// The readable view laid out: headers, the OpenPGP status rows (their
/// indices returned with their tone), then the body.
fn text_lines(view: &MessageView, width: usize) -> (Vec<String>, Vec<(usize, PgpTone)>) {
    let head = head_text(view);
    let mut lines = if head.is_empty() {
        Vec::new()
    } else {
        wrap(&clean_text(head.trim_end()), width)
    };
    let mut rows = Vec::new();
    for status in view.security.iter().flat_map(|s| s.lines()) {
        let tone = tone_of(&status);
        for line in wrap(&clean_line(&status), width) {
            rows.push((lines.len(), tone));
            lines.push(line);
        }
    }
    lines.push(String::new());
    lines.extend(wrap(&clean_text(&body_text(view)), width));
    (lines, rows)
}

fn tone_of(status: &str) -> PgpTone {
    let alarm = ["BAD", "REVOKED", "cannot", "not the sender"];
    if alarm.iter().any(|word| status.contains(word)) {
        PgpTone::Alarm
    } else if status.contains(", but") || status.contains("only part") {
        PgpTone::Warning
    } else if status.contains("good signature") || status.contains("decrypted") {
        PgpTone::Good
    } else {
        PgpTone::Warning
    }
}

/// The readable view: main headers, body, links, attachments.
fn text_document(view: &MessageView) -> String {
    format!("{}\n{}", head_text(view), body_text(view))
}

/// The main headers, a line each.
fn head_text(view: &MessageView) -> String {
    let mut out = String::new();
    for (name, value) in [
        ("From", &view.from),
        ("To", &view.to),
        ("Cc", &view.cc),
        ("Date", &view.date),
        ("Subject", &view.subject),
    ] {
        if !value.is_empty() {
            out.push_str(&format!("{name}: {}\n", clean_line(value)));
        }
    }
    if let Some(notice) = &view.notice {
        out.push_str(&format!("⚠ Malformed message: {}\n", clean_line(notice)));
    }
    out
}

/// The body and its links; a line saying why when there is no text.
fn body_text(view: &MessageView) -> String {
    let mut out = String::new();
    if view.body.trim().is_empty() {
        out.push_str(&no_text(view));
    }
    out.push_str(&view.body);
    if !view.links.is_empty() {
        out.push_str("\n\nLinks:\n");
        for (i, link) in view.links.iter().enumerate() {
            out.push_str(&format!("[{}] {}\n", i + 1, clean_line(link)));
        }
    }
    out
}

/// What the viewer says instead of an empty body.
fn no_text(view: &MessageView) -> String {
    match view.attachments.len() {
        0 => "(This message has no text.)".into(),
        1 => "(This message has no text; its attachment is listed below.)".into(),
        n => format!("(This message has no text; its {n} attachments are listed below.)"),
    }
}
