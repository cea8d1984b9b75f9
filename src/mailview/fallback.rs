//! The last ways to the text of a broken message, once [`super::repair`]
//! found nothing to rewrite: a multipart with no parts shows its body as
//! sent, and text parts that are not the usual plain or HTML body (a type
//! with no subtype, `text/x-…`, text filed as an attachment by a broken
//! nesting) are shown as plain text. Each comes with a one-line notice.
//! Also here: the notice for a message that stops before its last part is
//! closed (cut short in transit or by a full disk).

use mail_parser::{Message, MessagePart, MimeHeaders, PartType};

/// Text found where the body should have been, and what was wrong.
pub struct Found {
    pub text: String,
    pub notice: String,
}

/// The readable text of `message` when its body came out empty.
pub fn text_of(message: &Message<'_>) -> Option<Found> {
    opaque_multipart(message)
        .or_else(|| stray_text_parts(message))
        .or_else(|| text_attachments(message))
}

/// A multipart that parsed as one part (no usable boundary, no delimiter
/// lines to guess one from): its body is the text.
fn opaque_multipart(message: &Message<'_>) -> Option<Found> {
    let root = message.parts.first()?;
    let ct = root.content_type()?;
    if !ct.ctype().eq_ignore_ascii_case("multipart") || matches!(root.body, PartType::Multipart(_))
    {
        return None;
    }
    let text = String::from_utf8_lossy(root.contents()).trim().to_string();
    if text.is_empty() {
        return None;
    }
    let kind = match ct.subtype() {
        Some(sub) => format!("multipart/{sub}"),
        None => "multipart".into(),
    }
    .to_ascii_lowercase();
    let notice = match ct.attribute("boundary") {
        Some(boundary) => {
            format!("it is {kind} but its boundary \"{boundary}\" never appears: shown as sent")
        }
        None => format!("it is {kind} but has no boundary: shown as sent"),
    };
    Some(Found { text, notice })
}

/// Text parts that are not the message's body: unnamed, of type `text`
/// (any subtype but HTML, or none at all).
fn stray_text_parts(message: &Message<'_>) -> Option<Found> {
    let mut text = String::new();
    let mut kinds: Vec<String> = Vec::new();
    for part in message
        .parts
        .iter()
        .filter(|p| is_text(p) && p.attachment_name().is_none())
    {
        let chunk = String::from_utf8_lossy(part.contents()).trim().to_string();
        if chunk.is_empty() {
            continue;
        }
        if !text.is_empty() {
            text.push_str("\n\n");
        }
        text.push_str(&chunk);
        let kind = type_name(part);
        if !kinds.contains(&kind) {
            kinds.push(kind);
        }
    }
    if text.is_empty() {
        return None;
    }
    let notice = if kinds.iter().any(|k| k == "text") {
        "its Content-Type \"text\" has no subtype: read as plain text".to_string()
    } else if let Some((outer, inner)) = clashing_boundaries(message) {
        if outer == inner {
            format!(
                "two of its nested multiparts share the boundary \"{outer}\": the text is shown as found"
            )
        } else {
            format!(
                "its multipart boundaries \"{outer}\" and \"{inner}\" clash (one starts the other): the text is shown as found"
            )
        }
    } else {
        format!("its text is in parts of type {}", kinds.join(", "))
    };
    Some(Found { text, notice })
}

/// A message with no text of its own but a text file attached: the
/// attachment is what there is to read.
fn text_attachments(message: &Message<'_>) -> Option<Found> {
    let part = message
        .parts
        .iter()
        .find(|p| is_text(p) && !p.contents().trim_ascii().is_empty())?;
    let name = part.attachment_name().unwrap_or("attachment");
    Some(Found {
        text: String::from_utf8_lossy(part.contents()).trim().to_string(),
        notice: format!("it has no text of its own: this is its attached file \"{name}\""),
    })
}

/// A leaf part of type `text` (any subtype but HTML, or none at all).
fn is_text(part: &MessagePart<'_>) -> bool {
    let Some(ct) = part.content_type() else {
        return false;
    };
    let html = ct.subtype().is_some_and(|s| s.eq_ignore_ascii_case("html"));
    ct.ctype().eq_ignore_ascii_case("text")
        && !html
        && !matches!(part.body, PartType::Multipart(_) | PartType::Message(_))
}

fn type_name(part: &MessagePart<'_>) -> String {
    part.content_type()
        .map(|ct| match ct.subtype() {
            Some(sub) => format!("{}/{sub}", ct.ctype()),
            None => ct.ctype().to_string(),
        })
        .unwrap_or_default()
        .to_ascii_lowercase()
}

/// Two multipart boundaries of which one starts the other (or both are
/// the same): their delimiter lines cannot be told apart (RFC 2046 5.1.1).
fn clashing_boundaries<'a>(message: &'a Message<'_>) -> Option<(&'a str, &'a str)> {
    let boundaries: Vec<&str> = message
        .parts
        .iter()
        .filter(|p| matches!(p.body, PartType::Multipart(_)))
        .filter_map(|p| p.content_type()?.attribute("boundary"))
        .collect();
    boundaries.iter().enumerate().find_map(|(i, inner)| {
        boundaries[..i]
            .iter()
            .find(|outer| inner.starts_with(*outer) || outer.starts_with(inner))
            .map(|outer| (*outer, *inner))
    })
}

/// A notice when the top-level multipart never closes: the message was
/// probably cut short.
pub fn unclosed(message: &Message<'_>, raw: &[u8]) -> Option<String> {
    let root = message.parts.first()?;
    if !matches!(root.body, PartType::Multipart(_)) {
        return None;
    }
    let boundary = root.content_type()?.attribute("boundary")?;
    let closing = format!("--{boundary}--");
    let body = raw.get(root.offset_body as usize..)?;
    // From the end: where it is there, it is in the last lines.
    let closed = body
        .windows(closing.len())
        .rev()
        .any(|w| w == closing.as_bytes());
    (!closed)
        .then(|| "it ends before its last part is closed: it may have been cut short".to_string())
}
