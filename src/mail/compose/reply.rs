//! Drafts made from a message that already exists: replies, forwards and
//! reopened drafts. All of them start from the message's raw bytes.

use super::draft::{Attachment, Draft};
use mail_parser::{Address, HeaderValue, MessageParser, MimeHeaders};

/// Who writes the new message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    pub account: String,
    /// "Name <address>" or just the address.
    pub from: String,
    pub email: String,
    pub signature: Option<String>,
}

impl Identity {
    pub fn from_account(account: &crate::config::Account) -> Identity {
        let from = match &account.display_name {
            Some(name) if needs_quotes(name) => {
                format!("\"{}\" <{}>", name.replace('"', "'"), account.email)
            }
            Some(name) => format!("{name} <{}>", account.email),
            None => account.email.clone(),
        };
        Identity {
            account: account.name.clone(),
            from,
            email: account.email.clone(),
            signature: account.signature.clone(),
        }
    }

    /// A fresh draft from this identity, with the signature in place.
    pub fn new_draft(&self) -> Draft {
        Draft {
            account: self.account.clone(),
            from: self.from.clone(),
            body: self.signature_block(),
            ..Draft::default()
        }
    }

    /// "\n\n-- \nsignature" or nothing.
    pub fn signature_block(&self) -> String {
        match self.signature.as_deref().map(str::trim_end) {
            Some(sig) if !sig.is_empty() => format!("\n\n-- \n{sig}\n"),
            _ => String::new(),
        }
    }
}

fn needs_quotes(name: &str) -> bool {
    name.chars().any(|c| ",;:<>@\"()[]\\.".contains(c))
}

/// How to answer a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Respond {
    Reply,
    ReplyAll,
    Forward(ForwardMode),
}

/// The draft that answers `raw` the way `how` says.
pub fn respond(raw: &[u8], me: &Identity, how: Respond) -> Result<Draft, String> {
    match how {
        Respond::Reply => reply(raw, me),
        Respond::ReplyAll => reply_all(raw, me),
        Respond::Forward(mode) => forward(raw, me, mode),
    }
}

/// How a forward carries the original.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ForwardMode {
    /// The text quoted in the body, the attachments attached again.
    Inline,
    /// The whole original attached as message/rfc822.
    Attached,
}

fn parse(raw: &[u8]) -> Result<mail_parser::Message<'_>, String> {
    MessageParser::default()
        .parse(raw)
        .ok_or_else(|| "the message could not be parsed".to_string())
}

/// Reply to the sender (Reply-To when set).
pub fn reply(raw: &[u8], me: &Identity) -> Result<Draft, String> {
    build_reply(raw, me, false)
}

/// Reply to the sender and every other recipient except ourselves.
pub fn reply_all(raw: &[u8], me: &Identity) -> Result<Draft, String> {
    build_reply(raw, me, true)
}

fn build_reply(raw: &[u8], me: &Identity, all: bool) -> Result<Draft, String> {
    let message = parse(raw)?;
    let author = message.reply_to().or(message.from());
    let to = mailboxes(author);
    let mut cc = Vec::new();
    if all {
        for address in [message.to(), message.cc()] {
            for entry in mailboxes(address) {
                let email = entry_email(&entry);
                let mine = email.eq_ignore_ascii_case(&me.email);
                let known = to
                    .iter()
                    .chain(cc.iter())
                    .any(|e| entry_email(e).eq_ignore_ascii_case(&email));
                if !mine && !known {
                    cc.push(entry);
                }
            }
        }
    }
    let id = message.message_id().map(|id| format!("<{id}>"));
    let mut references = ids(message.references());
    if references.is_empty() {
        references = ids(message.in_reply_to());
    }
    references.extend(id.clone());
    let who = mailboxes(message.from()).join(", ");
    let intro = match message.date() {
        Some(date) => format!("On {}, {who} wrote:", date.to_rfc822()),
        None => format!("{who} wrote:"),
    };
    let text = message.body_text(0).unwrap_or_default();
    let mut body = format!("\n\n{intro}\n{}", quote(&text));
    body.push_str(&me.signature_block());
    Ok(Draft {
        account: me.account.clone(),
        from: me.from.clone(),
        to: to.join(", "),
        cc: cc.join(", "),
        subject: prefixed("Re:", message.subject().unwrap_or_default()),
        body,
        in_reply_to: id,
        references,
        ..Draft::default()
    })
}

/// Forward to new recipients (left empty for the user to fill in).
pub fn forward(raw: &[u8], me: &Identity, mode: ForwardMode) -> Result<Draft, String> {
    let message = parse(raw)?;
    let subject = message.subject().unwrap_or_default().to_string();
    let mut draft = Draft {
        account: me.account.clone(),
        from: me.from.clone(),
        subject: prefixed("Fwd:", &subject),
        ..Draft::default()
    };
    match mode {
        ForwardMode::Attached => {
            draft.body = me.signature_block();
            let name = format!(
                "{}.eml",
                file_safe(if subject.is_empty() {
                    "message"
                } else {
                    &subject
                })
            );
            draft
                .attachments
                .push(Attachment::from_data(&name, "message/rfc822", raw.to_vec()));
        }
        ForwardMode::Inline => {
            let mut body = String::from("\n\n---------- Forwarded message ----------\n");
            for (label, value) in [
                ("From", mailboxes(message.from()).join(", ")),
                (
                    "Date",
                    message.date().map(|d| d.to_rfc822()).unwrap_or_default(),
                ),
                ("Subject", subject.clone()),
                ("To", mailboxes(message.to()).join(", ")),
                ("Cc", mailboxes(message.cc()).join(", ")),
            ] {
                if !value.is_empty() {
                    body.push_str(&format!("{label}: {value}\n"));
                }
            }
            body.push('\n');
            body.push_str(&message.body_text(0).unwrap_or_default());
            body.push_str(&me.signature_block());
            draft.body = body;
            draft.attachments = attachments_of(&message);
        }
    }
    Ok(draft)
}

/// Turns a saved draft (or an Outbox message) back into editable fields.
pub fn reopen(raw: &[u8], account: &str) -> Result<Draft, String> {
    let message = parse(raw)?;
    let ids_of = |value: &HeaderValue| ids(value);
    let in_reply_to = ids_of(message.in_reply_to()).into_iter().next();
    Ok(Draft {
        account: account.to_string(),
        from: mailboxes(message.from()).join(", "),
        to: mailboxes(message.to()).join(", "),
        cc: mailboxes(message.cc()).join(", "),
        bcc: mailboxes(message.bcc()).join(", "),
        subject: message.subject().unwrap_or_default().to_string(),
        body: reopened_body(&message),
        attachments: attachments_of(&message),
        in_reply_to,
        references: ids(message.references()),
        answers: None,
    })
}

/// The text as the user wrote it: a single-part message gains one line
/// break when formatted (the part ends with CRLF), so drop it again, or
/// every save would add one.
fn reopened_body(message: &mail_parser::Message<'_>) -> String {
    let mut body = message
        .text_bodies()
        .next()
        .and_then(|p| p.text_contents())
        .unwrap_or_default()
        .replace("\r\n", "\n");
    if message.parts.len() == 1 && body.ends_with('\n') {
        body.pop();
    }
    body
}

fn attachments_of(message: &mail_parser::Message<'_>) -> Vec<Attachment> {
    message
        .attachments()
        .map(|part| {
            let content_type = part.content_type().map_or_else(
                || "application/octet-stream".to_string(),
                |ct| match ct.subtype() {
                    Some(sub) => format!("{}/{sub}", ct.ctype()),
                    None => ct.ctype().to_string(),
                },
            );
            let name = part.attachment_name().unwrap_or("attachment").to_string();
            Attachment::from_data(&name, &content_type, part.contents().to_vec())
        })
        .collect()
}

/// "Name <address>" (or the bare address) for each entry of a header.
fn mailboxes(address: Option<&Address<'_>>) -> Vec<String> {
    let Some(address) = address else {
        return Vec::new();
    };
    address
        .iter()
        .filter_map(|a| {
            let email = a.address()?;
            Some(match a.name() {
                Some(name) if !name.is_empty() && needs_quotes(name) => {
                    format!("\"{}\" <{email}>", name.replace('"', "'"))
                }
                Some(name) if !name.is_empty() => format!("{name} <{email}>"),
                _ => email.to_string(),
            })
        })
        .collect()
}

fn entry_email(entry: &str) -> String {
    match (entry.rfind('<'), entry.rfind('>')) {
        (Some(start), Some(end)) if start < end => entry[start + 1..end].to_string(),
        _ => entry.to_string(),
    }
}

/// Message-IDs of a header, each with angle brackets.
fn ids(value: &HeaderValue<'_>) -> Vec<String> {
    let list: Vec<&str> = match value {
        HeaderValue::Text(text) => vec![text.as_ref()],
        HeaderValue::TextList(list) => list.iter().map(|s| s.as_ref()).collect(),
        _ => Vec::new(),
    };
    list.into_iter().map(|id| format!("<{id}>")).collect()
}

/// "Re: subject" without stacking prefixes ("Re: Re: Re:").
pub fn prefixed(prefix: &str, subject: &str) -> String {
    let same: &[&str] = if prefix.eq_ignore_ascii_case("re:") {
        &["re:", "aw:"]
    } else {
        &["fwd:", "fw:", "wg:"]
    };
    let mut rest = subject.trim();
    loop {
        let lower = rest.to_ascii_lowercase();
        let stripped = same
            .iter()
            .find(|p| lower.starts_with(*p))
            .map(|p| rest[p.len()..].trim_start());
        match stripped {
            Some(s) => rest = s,
            None => break,
        }
    }
    format!("{prefix} {rest}")
}

/// Each line prefixed with "> " (">" alone for empty lines, as mutt does).
pub fn quote(text: &str) -> String {
    let mut out = String::new();
    for line in text.replace("\r\n", "\n").trim_end().lines() {
        if line.is_empty() || line.starts_with('>') {
            out.push('>');
            if !line.is_empty() {
                out.push_str(line);
            }
        } else {
            out.push_str("> ");
            out.push_str(line);
        }
        out.push('\n');
    }
    out
}

fn file_safe(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_alphanumeric() || " -_.".contains(c) {
                c
            } else {
                '_'
            }
        })
        .take(60)
        .collect()
}

#[cfg(test)]
mod tests;
