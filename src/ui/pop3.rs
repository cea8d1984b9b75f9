//! POP3 in the Inbox: one state line per account (idle, progress with
//! messages and bytes, the last result) and the protocol trace pane.

use super::Theme;
use crate::app::App;
use crate::mail::pop3::TraceDir;
use crate::mail::pop3::sync::human_bytes;
use crate::sanitize::clean_line;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

/// The sync state line for `account`, shown under its POP3 server.
pub fn state_line(app: &App, theme: &Theme, account: &str) -> Line<'static> {
    let (text, style) = state_text(app, theme, account);
    Line::from(Span::styled(format!("            {text}"), style))
}

/// The sync state of `account` in a few words (already sanitized), and its
/// style: idle, progress with messages and bytes, or the last result.
pub fn state_text(app: &App, theme: &Theme, account: &str) -> (String, Style) {
    let state = app.pop3.accounts.get(account);
    let (text, style) = match state {
        Some(s) if s.job.is_some() => {
            let text = match &s.gauge {
                Some(g) if g.total_messages > 0 => format!(
                    "syncing: {}/{} messages, {} of {} ({}%)",
                    g.done_messages,
                    g.total_messages,
                    human_bytes(g.done_bytes),
                    human_bytes(g.total_bytes),
                    g.done_bytes * 100 / g.total_bytes.max(1)
                ),
                _ => "syncing: connecting…".to_string(),
            };
            (text, theme.key())
        }
        Some(s) => match &s.last {
            Some(Ok(summary)) => {
                // The status line's version names the account; here it is
                // already named next to it.
                let summary = summary
                    .strip_prefix(account)
                    .and_then(|s| s.strip_prefix(": "))
                    .unwrap_or(summary);
                (format!("last sync: {summary}"), theme.dim())
            }
            Some(Err(error)) => (
                format!("last sync failed: {error}"),
                Style::new().fg(theme.error),
            ),
            None => (NOT_SYNCED.into(), theme.dim()),
        },
        None => (NOT_SYNCED.into(), theme.dim()),
    };
    (clean_line(&text), style)
}

const NOT_SYNCED: &str = "not synced yet (s to get mail)";

/// The trace pane: the newest lines that fit, oldest at the top.
pub fn trace_pane(app: &App, theme: &Theme, frame: &mut Frame, area: Rect) {
    let rows = area.height.saturating_sub(2) as usize;
    let back = app.pop3.trace_back.min(app.pop3.trace.len());
    let end = app.pop3.trace.len() - back;
    let skip = end.saturating_sub(rows);
    let lines: Vec<Line> = app
        .pop3
        .trace
        .iter()
        .skip(skip)
        .take(end - skip)
        .map(|(account, line)| {
            let (prefix, style) = match line.dir {
                TraceDir::Client => ("C: ", theme.key()),
                TraceDir::Server => ("S: ", Style::new()),
                TraceDir::Note => ("-- ", theme.dim()),
            };
            Line::from(vec![
                Span::styled(format!("{} ", clean_line(account)), theme.dim()),
                Span::styled(format!("{prefix}{}", clean_line(&line.text)), style),
            ])
        })
        .collect();
    let body = if lines.is_empty() {
        vec![Line::from(Span::styled(
            "No POP3 conversation yet: press s to get mail.",
            theme.dim(),
        ))]
    } else {
        lines
    };
    let title = if back > 0 {
        format!(" POP3 trace: {back} lines back ([ ] scroll, T hides) ")
    } else {
        " POP3 trace (passwords masked, bodies shown by size; T hides) ".to_string()
    };
    let block = Block::bordered()
        .title(Span::styled(title, theme.title()))
        .border_style(theme.dim());
    frame.render_widget(Paragraph::new(body).block(block), area);
}
