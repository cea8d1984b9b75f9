//! The folder pane: every account with a line saying how it stands
//! (syncing, live, offline), its folders with unread counts, and during a
//! sync each folder's progress (the one downloading, those waiting).

use super::text::fit;
use crate::app::App;
use crate::app::inbox::{Focus, FolderLine, InboxState};
use crate::mail::imap::engine::WatchMode;
use crate::sanitize::clean_line;
use crate::ui::Theme;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

pub fn render(app: &App, theme: &Theme, frame: &mut Frame, area: Rect) {
    if area.width == 0 {
        return;
    }
    let inbox = &app.inbox;
    let focused = inbox.focus == Focus::Folders;
    let block = Block::bordered()
        .title(Span::styled(" Folders ", theme.title()))
        .border_style(if focused { theme.border() } else { theme.dim() });
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let width = usize::from(inner.width);
    let height = usize::from(inner.height);
    let lines = inbox.folder_lines();
    let skip = InboxState::folder_scroll(&lines, inbox.folder_cursor, height);
    let visible: Vec<Line> = lines
        .iter()
        .skip(skip)
        .take(height)
        .map(|line| match line {
            FolderLine::Account(name) => {
                Line::from(Span::styled(fit(&clean_line(name), width), theme.title()))
            }
            FolderLine::AccountState(name) => {
                let (text, style) = account_state(app, theme, name);
                Line::from(Span::styled(fit(&format!(" {text}"), width), style))
            }
            FolderLine::Folder(i) => folder_line(app, *i, focused, width, theme),
        })
        .collect();
    frame.render_widget(Paragraph::new(visible), inner);
}

fn folder_line(app: &App, i: usize, focused: bool, width: usize, theme: &Theme) -> Line<'static> {
    let folder = &app.inbox.folders[i];
    let (count, count_style) = match folder_progress(app, &folder.account, &folder.name) {
        Some(progress) => (progress, theme.key()),
        None if folder.unread > 0 => (folder.unread.to_string(), Style::new()),
        None => (String::new(), Style::new()),
    };
    let count_cols = unicode_width::UnicodeWidthStr::width(count.as_str());
    let name_cols = width.saturating_sub(count_cols + 3);
    let name = format!(" {} ", fit(&clean_line(&folder.name), name_cols));
    let mut style = Style::new();
    if folder.unread > 0 {
        style = style.add_modifier(Modifier::BOLD);
    }
    if i == app.inbox.folder_cursor {
        style = style.bg(theme.selection_bg);
        if !focused {
            style = style.add_modifier(Modifier::DIM);
        }
    }
    Line::from(vec![
        Span::styled(name, style),
        Span::styled(count, count_style.patch(style)),
        Span::styled(" ", style),
    ])
}

/// A folder's place in a running sync: "↓34%" while it downloads, "…"
/// while it is looked at, "·" while it waits its turn.
fn folder_progress(app: &App, account: &str, folder: &str) -> Option<String> {
    if let Some(state) = app.imap.accounts.get(account) {
        if let Some((current, p)) = &state.current
            && current == folder
        {
            return Some(match p.messages_total {
                0 => "…".to_string(),
                total => format!("↓{}%", p.messages_done.min(total) * 100 / total),
            });
        }
        if state.queued(folder) {
            return Some("·".to_string());
        }
    }
    let pop3 = app.pop3.accounts.get(account)?;
    let gauge = pop3.gauge.as_ref().filter(|_| pop3.job.is_some())?;
    folder
        .eq_ignore_ascii_case("INBOX")
        .then(|| match gauge.total_messages {
            0 => "…".to_string(),
            total => format!("↓{}%", gauge.done_messages.min(total) * 100 / total),
        })
}

/// How an account stands, in a few words, and its style.
fn account_state(app: &App, theme: &Theme, account: &str) -> (String, Style) {
    if account == crate::store::LOCAL_ACCOUNT {
        let key = import_key(app);
        return (format!("{key} imports mail"), theme.dim());
    }
    match app.imap.accounts.get(account) {
        Some(state) => imap_state(state, theme),
        None if has_imap(app, account) => (NOT_SYNCED.into(), theme.dim()),
        None => pop3_state(app, theme, account),
    }
}

const NOT_SYNCED: &str = "press s to sync";

/// A POP3 account in a few words: syncing, checked at intervals, failed.
fn pop3_state(app: &App, theme: &Theme, account: &str) -> (String, Style) {
    let Some(state) = app.pop3.accounts.get(account) else {
        return (NOT_SYNCED.into(), theme.dim());
    };
    if state.job.is_some() {
        let text = match &state.gauge {
            Some(g) if g.total_messages > 0 => {
                format!("syncing {}/{}", g.done_messages, g.total_messages)
            }
            _ => "connecting…".to_string(),
        };
        return (text, theme.key());
    }
    match &state.last {
        Some(Err(error)) => (
            format!("failed: {}", clean_line(error)),
            Style::new().fg(theme.warning),
        ),
        Some(Ok(_)) => {
            let interval = app
                .config
                .accounts
                .iter()
                .find(|a| a.name == account)
                .and_then(|a| a.pop3.as_ref())
                .and_then(|e| e.poll_interval(crate::config::Protocol::Pop3));
            match interval {
                Some(interval) => (
                    format!("● checks {}", every(interval)),
                    Style::new().fg(theme.accent),
                ),
                None => ("in step".into(), theme.dim()),
            }
        }
        None => (NOT_SYNCED.into(), theme.dim()),
    }
}

fn imap_state(state: &crate::app::imap::AccountSync, theme: &Theme) -> (String, Style) {
    if let Some(pass) = &state.pass {
        let text = format!("syncing {}/{}", pass.done, pass.folders.len());
        return (text, theme.key());
    }
    if let Some((reason, retry)) = &state.offline {
        let text = match retry {
            Some(_) => format!("offline, retrying: {}", clean_line(reason)),
            None => format!("stopped: {}", clean_line(reason)),
        };
        return (text, Style::new().fg(theme.warning));
    }
    let text = match state.watching {
        Some(WatchMode::Notify) => "● live (NOTIFY)".to_string(),
        Some(WatchMode::Idle { poll: Some(p) }) => format!("● IDLE+poll {}", short(p)),
        Some(WatchMode::Idle { poll: None }) => "● IDLE on INBOX".to_string(),
        Some(WatchMode::Poll { poll: Some(p) }) => format!("● checks {}", every(p)),
        Some(WatchMode::Poll { poll: None }) => "in step (no checks)".to_string(),
        None if state.task.is_some() => return ("connecting…".into(), theme.dim()),
        None => return (NOT_SYNCED.into(), theme.dim()),
    };
    (text, Style::new().fg(theme.accent))
}

/// "every 60s", "every 5m".
fn every(interval: std::time::Duration) -> String {
    format!("every {}", short(interval))
}

/// "60s", "5m".
fn short(interval: std::time::Duration) -> String {
    match interval.as_secs() {
        s if s >= 60 && s % 60 == 0 => format!("{}m", s / 60),
        s => format!("{s}s"),
    }
}

fn has_imap(app: &App, account: &str) -> bool {
    app.config
        .accounts
        .iter()
        .any(|a| a.name == account && a.imap.is_some())
}

fn import_key(app: &App) -> String {
    use crate::app::{Action, KeyContext};
    app.keymap
        .keys_for(KeyContext::Inbox, Action::InboxImport)
        .first()
        .map_or_else(|| "import".to_string(), ToString::to_string)
}
