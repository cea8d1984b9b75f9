//! Attachments: listing them, and saving one so that its (remote, possibly
//! hostile) name can never place the file outside the chosen directory or
//! replace an existing file.

use mail_parser::{Message, MessageParser, MimeHeaders, PartType};
use std::fs::OpenOptions;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// Longest file name written, in bytes (most file systems allow 255).
const MAX_NAME_BYTES: usize = 200;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttachmentInfo {
    /// Position among the parts mail-parser calls attachments.
    pub index: usize,
    /// The name as the sender gave it (decoded, not yet made safe).
    pub name: String,
    /// `type/subtype`.
    pub mime: String,
    /// Decoded size in bytes.
    pub size: usize,
    /// A nested message (`message/rfc822`).
    pub is_message: bool,
}

/// The attachments to list: every part mail-parser files as one, except
/// a multipart that failed to split (its text is the body; see
/// `fallback.rs`).
pub fn list(message: &Message<'_>) -> Vec<AttachmentInfo> {
    message
        .attachments()
        .enumerate()
        .filter(|(_, part)| {
            !part
                .content_type()
                .is_some_and(|ct| ct.ctype().eq_ignore_ascii_case("multipart"))
        })
        .map(|(index, part)| {
            let mime = part
                .content_type()
                .map(|ct| match ct.subtype() {
                    Some(sub) => format!("{}/{sub}", ct.ctype()),
                    None => ct.ctype().to_string(),
                })
                .unwrap_or_else(|| "application/octet-stream".into())
                .to_ascii_lowercase();
            let is_message = matches!(part.body, PartType::Message(_));
            let name = part
                .attachment_name()
                .map(str::to_string)
                .or_else(|| match &part.body {
                    PartType::Message(m) => m.subject().map(|s| format!("{s}.eml")),
                    _ => None,
                })
                .unwrap_or_else(|| format!("attachment-{}{}", index + 1, extension_for(&mime)));
            let size = match &part.body {
                PartType::Message(m) => m.raw_message().len(),
                _ => part.contents().len(),
            };
            AttachmentInfo {
                index,
                name,
                mime,
                size,
                is_message,
            }
        })
        .collect()
}

/// The attachment's bytes (decoded; a nested message as its raw source).
pub fn attachment_bytes(raw: &[u8], index: usize) -> Option<(AttachmentInfo, Vec<u8>)> {
    // The same bytes the view listed the attachments from.
    let repaired = super::repair::readable(raw);
    let raw = repaired.as_ref().map_or(raw, |r| &r.raw[..]);
    let message = MessageParser::default().parse(raw)?;
    let info = list(&message).into_iter().nth(index)?;
    let part = message.attachment(u32::try_from(info.index).ok()?)?;
    let bytes = match &part.body {
        PartType::Message(m) => m.raw_message().to_vec(),
        _ => part.contents().to_vec(),
    };
    Some((info, bytes))
}

/// Writes attachment `index` of `raw` into `dir` under its sanitized name,
/// adding " (1)", " (2)", … rather than replacing an existing file.
pub fn save_attachment(raw: &[u8], index: usize, dir: &Path) -> io::Result<PathBuf> {
    let (info, bytes) = attachment_bytes(raw, index)
        .ok_or_else(|| io::Error::new(io::ErrorKind::NotFound, "no such attachment"))?;
    write_new_file(dir, &safe_file_name(&info.name), &bytes)
}

/// Creates `dir/name` (or a numbered variant) without ever replacing a
/// file: `create_new` makes the existence check and the creation one step.
pub fn write_new_file(dir: &Path, name: &str, bytes: &[u8]) -> io::Result<PathBuf> {
    std::fs::create_dir_all(dir)?;
    let (stem, ext) = match name.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() => (stem, format!(".{ext}")),
        _ => (name, String::new()),
    };
    for n in 0..10_000 {
        let candidate = if n == 0 {
            name.to_string()
        } else {
            format!("{stem} ({n}){ext}")
        };
        let path = dir.join(&candidate);
        match OpenOptions::new().write(true).create_new(true).open(&path) {
            Ok(mut file) => {
                file.write_all(bytes)?;
                file.sync_all()?;
                return Ok(path);
            }
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
    Err(io::Error::new(
        io::ErrorKind::AlreadyExists,
        "too many files with this name",
    ))
}

/// A file name that is one plain component: no directories (the last
/// `/`- or `\`-separated part is kept), no control or reserved characters,
/// no leading dots, not empty, at most [`MAX_NAME_BYTES`].
pub fn safe_file_name(name: &str) -> String {
    let last = name.rsplit(['/', '\\']).next().unwrap_or("");
    let mut out: String = last
        .chars()
        .map(|c| {
            if crate::sanitize::is_dangerous(c) || "<>:\"|?*".contains(c) {
                '_'
            } else {
                c
            }
        })
        .collect();
    out = out.trim().trim_start_matches('.').trim().to_string();
    if out.len() > MAX_NAME_BYTES {
        // Keep the extension, cut the stem on a character boundary.
        let ext = out
            .rsplit_once('.')
            .map(|(_, e)| format!(".{e}"))
            .filter(|e| e.len() <= 16)
            .unwrap_or_default();
        let mut cut = MAX_NAME_BYTES - ext.len();
        while !out.is_char_boundary(cut) {
            cut -= 1;
        }
        out = format!("{}{ext}", &out[..cut]);
    }
    if out.is_empty() {
        "attachment".into()
    } else {
        out
    }
}

fn extension_for(mime: &str) -> &'static str {
    match mime {
        "text/plain" => ".txt",
        "text/html" => ".html",
        "application/pdf" => ".pdf",
        "image/png" => ".png",
        "image/jpeg" => ".jpg",
        "image/gif" => ".gif",
        "message/rfc822" => ".eml",
        "application/zip" => ".zip",
        _ => ".bin",
    }
}
