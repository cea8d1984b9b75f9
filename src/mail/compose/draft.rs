//! A message being written: the form's fields, its attachments and its
//! place in a thread, and how it becomes an RFC 5322 message.

use crate::mail::address::parse_list;
use lettre::Message;
use lettre::message::header::{ContentTransferEncoding, ContentType};
use lettre::message::{Attachment as MimeAttachment, Body, Mailbox, MultiPart, SinglePart};
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::Arc;

/// One file sent along with the message.
#[derive(Debug, Clone, PartialEq)]
pub struct Attachment {
    /// The file name the recipient sees.
    pub name: String,
    /// A MIME type such as "application/pdf".
    pub content_type: String,
    pub size: u64,
    pub source: AttachmentSource,
}

/// Where an attachment's bytes are: a file read when the message is built,
/// or bytes already in memory (a reopened draft, a forwarded message).
#[derive(Debug, Clone, PartialEq)]
pub enum AttachmentSource {
    File(PathBuf),
    Data(Arc<Vec<u8>>),
}

impl Attachment {
    /// Looks at a file: its size and a MIME type guessed from its name.
    /// Blocking (a stat), so the UI calls it off the event loop.
    pub fn from_path(path: &Path) -> Result<Attachment, String> {
        let meta = std::fs::metadata(path).map_err(|e| format!("{}: {e}", path.display()))?;
        if !meta.is_file() {
            return Err(format!("{} is not a file", path.display()));
        }
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "attachment".into());
        Ok(Attachment {
            content_type: guess_type(&name),
            name,
            size: meta.len(),
            source: AttachmentSource::File(path.to_path_buf()),
        })
    }

    pub fn from_data(name: &str, content_type: &str, data: Vec<u8>) -> Attachment {
        Attachment {
            name: name.to_string(),
            content_type: content_type.to_string(),
            size: data.len() as u64,
            source: AttachmentSource::Data(Arc::new(data)),
        }
    }

    /// The bytes (reads the file when the attachment is a path).
    pub fn bytes(&self) -> Result<Arc<Vec<u8>>, String> {
        match &self.source {
            AttachmentSource::Data(data) => Ok(data.clone()),
            AttachmentSource::File(path) => std::fs::read(path)
                .map(Arc::new)
                .map_err(|e| format!("cannot read attachment {}: {e}", path.display())),
        }
    }
}

/// The MIME type for a file name, "application/octet-stream" when unknown.
pub fn guess_type(name: &str) -> String {
    mime_guess::from_path(name)
        .first_or_octet_stream()
        .essence_str()
        .to_string()
}

/// The fields of a message being composed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Draft {
    /// The configured account that sends it.
    pub account: String,
    /// "Name <address>" of the sender.
    pub from: String,
    pub to: String,
    pub cc: String,
    pub bcc: String,
    pub subject: String,
    pub body: String,
    pub attachments: Vec<Attachment>,
    /// Message-ID (with angle brackets) of the message this answers.
    pub in_reply_to: Option<String>,
    /// The thread's Message-IDs, oldest first.
    pub references: Vec<String>,
    /// The stored message this replies to or forwards, marked
    /// `\Answered` / `$Forwarded` once this is sent.
    pub answers: Option<Answering>,
}

/// What a reply or forward answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Answering {
    pub original: crate::store::MessageId,
    pub forwarded: bool,
}

/// How `Draft::to_message` should format.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BuildOptions {
    /// Keep the Bcc header in the output (drafts and the sender's own copy).
    pub keep_bcc: bool,
    /// A draft may be incomplete: no recipient is fine.
    pub allow_no_recipient: bool,
}

impl Draft {
    /// Every recipient address, for validation messages and the envelope.
    pub fn recipients(&self) -> Result<Vec<Mailbox>, String> {
        let mut all = Vec::new();
        for (label, field) in [("To", &self.to), ("Cc", &self.cc), ("Bcc", &self.bcc)] {
            all.extend(parse_list(field).map_err(|e| format!("{label}: {e}"))?);
        }
        Ok(all)
    }

    /// Checks what sending needs; the error says which field is wrong.
    pub fn validate(&self) -> Result<(), String> {
        Mailbox::from_str(self.from.trim())
            .map_err(|_| format!("From: \"{}\" is not a valid address", self.from))?;
        if self.recipients()?.is_empty() {
            return Err("no recipient: fill in To, Cc or Bcc".into());
        }
        Ok(())
    }

    /// Builds the message. Reads attachment files, so it is blocking.
    pub fn to_message(&self, options: BuildOptions) -> Result<Message, String> {
        self.build(options, false)
    }

    /// Builds the message with every part 7-bit and safe from relays
    /// (quoted-printable text, base64 attachments), for signing.
    pub fn to_seven_bit_message(&self, options: BuildOptions) -> Result<Message, String> {
        self.build(options, true)
    }

    fn build(&self, options: BuildOptions, seven_bit: bool) -> Result<Message, String> {
        let from = Mailbox::from_str(self.from.trim())
            .map_err(|_| format!("From: \"{}\" is not a valid address", self.from))?;
        let mut builder = Message::builder()
            .from(from.clone())
            .subject(self.subject.clone())
            .message_id(Some(new_message_id(from.email.domain())))
            .user_agent(format!("wirepost {}", env!("CARGO_PKG_VERSION")));
        for (field, add) in [
            (
                &self.to,
                lettre::message::MessageBuilder::to as fn(_, _) -> _,
            ),
            (&self.cc, lettre::message::MessageBuilder::cc),
            (&self.bcc, lettre::message::MessageBuilder::bcc),
        ] {
            for mailbox in parse_list(field)? {
                builder = add(builder, mailbox);
            }
        }
        if self.recipients()?.is_empty() {
            if !options.allow_no_recipient {
                return Err("no recipient: fill in To, Cc or Bcc".into());
            }
            // lettre needs an envelope; a draft without recipients gets
            // the sender as its only envelope recipient (never sent).
            let envelope =
                lettre::address::Envelope::new(Some(from.email.clone()), vec![from.email.clone()])
                    .map_err(|e| e.to_string())?;
            builder = builder.envelope(envelope);
        }
        if options.keep_bcc {
            builder = builder.keep_bcc();
        }
        if let Some(id) = &self.in_reply_to {
            builder = builder.in_reply_to(id.clone());
        }
        if !self.references.is_empty() {
            builder = builder.references(self.references.join(" "));
        }
        self.finish(builder, seven_bit)
    }

    /// The body: the text, and the attachments after it.
    fn finish(
        &self,
        builder: lettre::message::MessageBuilder,
        seven_bit: bool,
    ) -> Result<Message, String> {
        let text = normalize_newlines(&self.body);
        let body = if seven_bit {
            super::seven_bit::text_body(&text)
        } else {
            Body::new(text)
        };
        let text = SinglePart::builder()
            .header(ContentType::TEXT_PLAIN)
            .body(body);
        let result = if self.attachments.is_empty() {
            builder.singlepart(text)
        } else {
            let mut mixed = MultiPart::mixed().singlepart(text);
            for attachment in &self.attachments {
                mixed = mixed.singlepart(mime_part(attachment, seven_bit)?);
            }
            builder.multipart(mixed)
        };
        result.map_err(|e| format!("cannot build the message: {e}"))
    }
}

fn mime_part(attachment: &Attachment, seven_bit: bool) -> Result<SinglePart, String> {
    let data = attachment.bytes()?;
    let content_type = ContentType::parse(&attachment.content_type)
        .unwrap_or_else(|_| ContentType::parse("application/octet-stream").expect("valid"));
    if seven_bit {
        let body = super::seven_bit::attachment_body(data.to_vec(), &attachment.content_type);
        return Ok(MimeAttachment::new(attachment.name.clone()).body(body, content_type));
    }
    // A forwarded message (message/rfc822) must not be base64-encoded
    // (RFC 2046 5.2.1); everything else lets lettre choose.
    let body = if attachment
        .content_type
        .eq_ignore_ascii_case("message/rfc822")
    {
        Body::new_with_encoding(data.to_vec(), ContentTransferEncoding::EightBit)
            .or_else(|data| Body::new_with_encoding(data, ContentTransferEncoding::Binary))
            .unwrap_or_else(Body::new)
    } else {
        Body::new(data.to_vec())
    };
    Ok(MimeAttachment::new(attachment.name.clone()).body(body, content_type))
}

/// The editor and the terminal may hand over "\r\n"; the message body uses
/// "\n" and lettre writes CRLF on the wire.
fn normalize_newlines(text: &str) -> String {
    text.replace("\r\n", "\n")
}

/// A globally unique Message-ID in the sender's domain.
pub fn new_message_id(domain: &str) -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    format!("<{nanos:x}.{:x}.{n}@{domain}>", std::process::id())
}

#[cfg(test)]
mod tests;
