//! The headless subcommands on the store: `import`, `reindex`, `list` and
//! `show`. They print to the writer given (stdout in the binary); text
//! from messages is sanitized there as on screen.

use super::{FolderSummary, LOCAL_ACCOUNT, ListQuery, MessageRow, Store, StoreError};
use crate::mailview::MessageView;
use crate::sanitize::{clean_line, clean_text};
use std::io::Write;
use std::path::Path;

/// `wirepost import PATH [--folder F]`.
pub fn import(
    store: &Store,
    path: &Path,
    folder: Option<&str>,
    out: &mut dyn Write,
) -> Result<(), StoreError> {
    use std::io::IsTerminal;
    // A progress count on a terminal; nothing in logs or pipes.
    let show = std::io::stderr().is_terminal();
    let mut last = 0;
    let report = store.import(path, LOCAL_ACCOUNT, folder, &mut |done| {
        if show && done >= last + 1000 {
            last = done;
            eprint!("\r{done} messages…");
        }
    })?;
    if last > 0 {
        eprintln!();
    }
    writeln!(
        out,
        "imported {} message(s) into {} / {}{}",
        report.imported,
        LOCAL_ACCOUNT,
        if report.folders.is_empty() {
            "-".into()
        } else {
            report.folders.join(", ")
        },
        if report.skipped > 0 {
            format!(" ({} already there or unreadable)", report.skipped)
        } else {
            String::new()
        }
    )?;
    Ok(())
}

/// `wirepost reindex`.
pub fn reindex(store: &Store, out: &mut dyn Write) -> Result<(), StoreError> {
    use std::io::IsTerminal;
    let show = std::io::stderr().is_terminal();
    let report = store.reindex(&mut |done| {
        if show {
            eprint!("\r{done} messages…");
        }
    })?;
    if show {
        eprintln!();
    }
    writeln!(
        out,
        "indexed {} message(s) in {} folder(s); removed {} partial file(s) from tmp/",
        report.messages, report.folders, report.cleaned_tmp
    )?;
    Ok(())
}

/// What `list` prints.
pub struct ListOptions<'a> {
    pub account: Option<&'a str>,
    pub folder: Option<&'a str>,
    pub search: Option<&'a str>,
    pub json: bool,
    pub limit: u64,
}

/// `wirepost list`: messages of every matching folder, newest first.
pub fn list(
    store: &Store,
    options: &ListOptions<'_>,
    out: &mut dyn Write,
) -> Result<(), StoreError> {
    fill_sent_dates(store)?;
    if options.search.is_some() {
        // A sync leaves the full text to a background indexer; a search
        // from the command line finishes that job first.
        let pending = store.text_pending()?;
        if pending > 0 {
            eprintln!("indexing {pending} message(s) for search…");
            store.finish_text_index()?;
        }
    }
    let folders: Vec<FolderSummary> = store
        .folders()?
        .into_iter()
        .filter(|f| options.account.is_none_or(|a| f.account == a))
        .filter(|f| options.folder.is_none_or(|n| f.name == n))
        .collect();
    if options.json {
        write!(out, "[")?;
    }
    let mut first = true;
    for folder in &folders {
        let query = ListQuery {
            account: folder.account.clone(),
            folder: folder.name.clone(),
            search: options.search.map(str::to_string),
            ..ListQuery::default()
        };
        for row in store.page(&query, 0, options.limit)? {
            if options.json {
                write_json_row(out, folder, &row, first)?;
            } else {
                write_text_row(out, folder, &row)?;
            }
            first = false;
        }
    }
    if options.json {
        writeln!(out, "\n]")?;
    } else if first {
        writeln!(out, "no messages")?;
    }
    Ok(())
}

/// One message of `list --json`, after a comma unless it is the first.
fn write_json_row(
    out: &mut dyn Write,
    folder: &FolderSummary,
    row: &MessageRow,
    first: bool,
) -> std::io::Result<()> {
    write!(
        out,
        "{}\n{{\"id\":{},\"account\":{},\"folder\":{},\"date\":{},\"sent_date\":{},\"from\":{},\"to\":{},\"subject\":{},\"size\":{},\"seen\":{},\"flagged\":{},\"answered\":{},\"attachment\":{}}}",
        if first { "" } else { "," },
        row.id,
        json(&folder.account),
        json(&folder.name),
        row.date,
        row.sent_date.map_or("null".to_string(), |d| d.to_string()),
        json(&row.from),
        json(&row.to),
        json(&row.subject),
        row.size,
        row.flags.seen,
        row.flags.flagged,
        row.flags.answered,
        row.has_attachment
    )
}

/// Reads the Date headers of mail an older wirepost indexed (once, after
/// an upgrade), saying so on a terminal.
fn fill_sent_dates(store: &Store) -> Result<(), StoreError> {
    use std::io::IsTerminal;
    let show = std::io::stderr().is_terminal();
    loop {
        let left = store.fill_sent_dates(super::SENT_DATE_BATCH)?;
        if left == 0 {
            break;
        }
        if show {
            eprint!("\rreading the Date headers of older mail: {left} to go…");
        }
    }
    if show {
        eprint!("\r\x1b[K");
    }
    Ok(())
}

/// One line of `list`: id, date (the Date header in local time, as the
/// Inbox shows it), new/flagged marks, sender, subject, folder.
fn write_text_row(
    out: &mut dyn Write,
    folder: &FolderSummary,
    row: &MessageRow,
) -> std::io::Result<()> {
    writeln!(
        out,
        "{:>7} {} {}{} {:<28} {}  [{}/{}]",
        row.id,
        crate::mailview::Zone::Local.format(crate::store::SortBy::Sent.date_of(row)),
        if row.flags.seen { ' ' } else { 'N' },
        if row.flags.flagged { '!' } else { ' ' },
        truncate(&clean_line(&row.from), 28),
        clean_line(&row.subject),
        clean_line(&folder.account),
        clean_line(&folder.name),
    )
}

/// How `show` prints a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShowFormat {
    Text,
    Raw,
    Json,
    Html,
}

/// `wirepost show ID`. `terminal` says whether `out` is a terminal, where
/// raw bytes are sanitized too.
pub fn show(
    store: &Store,
    id: i64,
    format: ShowFormat,
    terminal: bool,
    out: &mut dyn Write,
) -> Result<(), StoreError> {
    let raw = std::fs::read(store.message_path(id)?)?;
    if format == ShowFormat::Raw {
        if terminal {
            write!(out, "{}", clean_text(&String::from_utf8_lossy(&raw)))?;
        } else {
            out.write_all(&raw)?;
        }
        return Ok(());
    }
    let view = MessageView::build(&raw, 80);
    match format {
        ShowFormat::Html => show_html(&view, terminal, out)?,
        ShowFormat::Json => show_json(id, &view, out)?,
        ShowFormat::Text | ShowFormat::Raw => show_text(&view, out)?,
    }
    Ok(())
}

fn show_html(view: &MessageView, terminal: bool, out: &mut dyn Write) -> std::io::Result<()> {
    let html = view.html.as_deref().unwrap_or_default();
    if terminal {
        writeln!(out, "{}", clean_text(html))
    } else {
        writeln!(out, "{html}")
    }
}

fn show_json(id: i64, view: &MessageView, out: &mut dyn Write) -> std::io::Result<()> {
    let attachments: Vec<String> = view
        .attachments
        .iter()
        .map(|a| {
            format!(
                "{{\"name\":{},\"type\":{},\"size\":{}}}",
                json(&a.name),
                json(&a.mime),
                a.size
            )
        })
        .collect();
    let links: Vec<String> = view.links.iter().map(|l| json(l)).collect();
    writeln!(
        out,
        "{{\"id\":{id},\"from\":{},\"to\":{},\"cc\":{},\"date\":{},\"subject\":{},\"body\":{},\"notice\":{},\"html\":{},\"links\":[{}],\"attachments\":[{}]}}",
        json(&view.from),
        json(&view.to),
        json(&view.cc),
        json(&view.date),
        json(&view.subject),
        json(&view.body),
        view.notice.as_deref().map_or("null".into(), json),
        view.html.as_deref().map_or("null".into(), json),
        links.join(","),
        attachments.join(",")
    )
}

/// The headers that are set, the body, then numbered links and the
/// attachments, every piece sanitized.
fn show_text(view: &MessageView, out: &mut dyn Write) -> std::io::Result<()> {
    for (name, value) in [
        ("From", &view.from),
        ("To", &view.to),
        ("Cc", &view.cc),
        ("Date", &view.date),
        ("Subject", &view.subject),
    ] {
        if !value.is_empty() {
            writeln!(out, "{name}: {}", clean_line(value))?;
        }
    }
    if let Some(notice) = &view.notice {
        writeln!(out, "Malformed message: {}", clean_line(notice))?;
    }
    writeln!(out)?;
    writeln!(out, "{}", clean_text(&view.body))?;
    if !view.links.is_empty() {
        writeln!(out, "\nLinks:")?;
        for (i, link) in view.links.iter().enumerate() {
            writeln!(out, "[{}] {}", i + 1, clean_line(link))?;
        }
    }
    if !view.attachments.is_empty() {
        writeln!(out, "\nAttachments:")?;
        for a in &view.attachments {
            writeln!(
                out,
                "  {} ({}, {} bytes)",
                clean_line(&a.name),
                clean_line(&a.mime),
                a.size
            )?;
        }
    }
    Ok(())
}

fn truncate(text: &str, chars: usize) -> String {
    text.chars().take(chars).collect()
}

/// A JSON string literal.
pub fn json(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 || c == '\u{7f}' || crate::sanitize::is_dangerous(c) => {
                let mut buf = [0u16; 2];
                for unit in c.encode_utf16(&mut buf) {
                    out.push_str(&format!("\\u{unit:04x}"));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::json;

    #[test]
    fn json_strings_escape_controls() {
        assert_eq!(json("a\"b\\c\n\u{1b}[2J"), "\"a\\\"b\\\\c\\n\\u001b[2J\"");
        assert_eq!(json("日本"), "\"日本\"");
    }
}
