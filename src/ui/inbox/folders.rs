//! The folder pane: accounts with their folders, unread counts, and a sync
//! gauge while a job for the account runs.

use super::text::fit;
use crate::app::App;
use crate::app::inbox::Focus;
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
    let mut lines: Vec<Line> = Vec::new();
    let mut selected_line = 0;
    let mut account: Option<&str> = None;
    for (i, folder) in inbox.folders.iter().enumerate() {
        if account != Some(folder.account.as_str()) {
            account = Some(folder.account.as_str());
            lines.push(Line::from(Span::styled(
                fit(&clean_line(&folder.account), width),
                theme.title(),
            )));
            if let Some(job) = app
                .status
                .jobs
                .iter()
                .find(|j| j.label.contains(folder.account.as_str()))
            {
                lines.push(gauge(job.done, job.total, width, theme));
            }
        }
        let count = if folder.unread > 0 {
            format!("{}", folder.unread)
        } else {
            String::new()
        };
        let name_cols = width.saturating_sub(count.len() + 3);
        let text = format!(" {} {count} ", fit(&clean_line(&folder.name), name_cols));
        let mut style = Style::new();
        if folder.unread > 0 {
            style = style.add_modifier(Modifier::BOLD);
        }
        if i == inbox.folder_cursor {
            selected_line = lines.len();
            style = style.bg(theme.selection_bg);
            if !focused {
                style = style.add_modifier(Modifier::DIM);
            }
        }
        lines.push(Line::from(Span::styled(text, style)));
    }
    let height = usize::from(inner.height);
    let skip = selected_line.saturating_sub(height.saturating_sub(1));
    let visible: Vec<Line> = lines.into_iter().skip(skip).take(height).collect();
    frame.render_widget(Paragraph::new(visible), inner);
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
