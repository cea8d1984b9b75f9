//! The folder pane: accounts with their folders, unread counts, and a sync
//! gauge while a job for the account runs.

use super::text::fit;
use crate::app::App;
use crate::app::inbox::{Focus, FolderLine, InboxState};
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
    let mut inner = block.inner(area);
    frame.render_widget(block, area);
    let width = usize::from(inner.width);
    // POP3 accounts' sync state sits at the bottom of the pane, under the
    // folders, while there is room for both.
    let pop3: Vec<&str> = app
        .config
        .accounts
        .iter()
        .filter(|a| a.pop3.is_some())
        .map(|a| a.name.as_str())
        .collect();
    let pop3_rows = (pop3.len() as u16 * 2).min(inner.height / 2);
    if pop3_rows > 0 {
        let state_area = Rect {
            y: inner.y + inner.height - pop3_rows,
            height: pop3_rows,
            ..inner
        };
        inner.height -= pop3_rows;
        let lines: Vec<Line> = pop3
            .iter()
            .flat_map(|account| {
                let (text, style) = crate::ui::pop3::state_text(app, theme, account);
                [
                    Line::from(Span::styled(fit(&clean_line(account), width), theme.dim())),
                    Line::from(Span::styled(fit(&format!(" {text}"), width), style)),
                ]
            })
            .collect();
        frame.render_widget(Paragraph::new(lines), state_area);
    }
    let height = usize::from(inner.height);
    let lines = inbox.folder_lines(&app.status.jobs);
    let skip = InboxState::folder_scroll(&lines, inbox.folder_cursor, height);
    let visible: Vec<Line> = lines
        .iter()
        .skip(skip)
        .take(height)
        .map(|line| match line {
            FolderLine::Account(name) => {
                Line::from(Span::styled(fit(&clean_line(name), width), theme.title()))
            }
            FolderLine::Gauge(done, total) => gauge(*done, *total, width, theme),
            FolderLine::Folder(i) => folder_line(app, *i, focused, width, theme),
        })
        .collect();
    frame.render_widget(Paragraph::new(visible), inner);
}

fn folder_line(app: &App, i: usize, focused: bool, width: usize, theme: &Theme) -> Line<'static> {
    let folder = &app.inbox.folders[i];
    let count = if folder.unread > 0 {
        folder.unread.to_string()
    } else {
        String::new()
    };
    let name_cols = width.saturating_sub(count.len() + 3);
    let text = format!(" {} {count} ", fit(&clean_line(&folder.name), name_cols));
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
    Line::from(Span::styled(text, style))
}

/// ` ▰▰▰▱▱▱ 34/120` (or a plain "syncing…" when the total is unknown).
fn gauge(done: u64, total: u64, width: usize, theme: &Theme) -> Line<'static> {
    if total == 0 {
        return Line::from(Span::styled(" syncing…", theme.dim()));
    }
    let numbers = format!(" {done}/{total}");
    let bar_cols = width.saturating_sub(numbers.len() + 1).min(12);
    let filled = (bar_cols as u64 * done.min(total) / total) as usize;
    Line::from(vec![
        Span::raw(" "),
        Span::styled("▰".repeat(filled), Style::new().fg(theme.accent)),
        Span::styled("▱".repeat(bar_cols - filled), theme.dim()),
        Span::styled(numbers, theme.dim()),
    ])
}
