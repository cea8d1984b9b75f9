//! The message list: only the visible rows, read from the loaded window.

use super::text::{date, fit, size};
use crate::app::App;
use crate::app::inbox::Focus;
use crate::sanitize::clean_line;
use crate::store::SortOrder;
use crate::ui::Theme;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

const DATE_COLS: usize = 16;
const SIZE_COLS: usize = 5;
const FLAG_COLS: usize = 3;

pub fn render(app: &App, theme: &Theme, frame: &mut Frame, area: Rect) {
    let inbox = &app.inbox;
    let list = &inbox.list;
    let focused = inbox.focus == Focus::List;
    let folder = inbox
        .current
        .as_ref()
        .map_or(String::new(), |(_, name)| clean_line(name));
    let count = match list.total {
        Some(total) if total > 0 => format!("{}/{total}", list.cursor + 1),
        Some(_) => "0".into(),
        None => "…".into(),
    };
    let mut title = vec![Span::styled(format!(" {folder} "), theme.title())];
    title.push(Span::styled(format!("{count} "), theme.dim()));
    if let Some(search) = &inbox.search {
        title.push(Span::styled(
            format!("search: {} ", clean_line(search)),
            Style::new().fg(theme.warning),
        ));
    }
    let order = match inbox.sort {
        SortOrder::NewestFirst => "newest first",
        SortOrder::OldestFirst => "oldest first",
    };
    let mode = if inbox.threaded { "threads, " } else { "" };
    let mut block = Block::bordered()
        .title(Line::from(title))
        .title_bottom(Line::from(Span::styled(
            format!(" {mode}{order} "),
            theme.dim(),
        )))
        .border_style(if focused { theme.border() } else { theme.dim() });
    if let Some(last) = inbox
        .selected_folder()
        .filter(|f| {
            inbox
                .current
                .as_ref()
                .is_some_and(|(a, n)| &f.account == a && &f.name == n)
        })
        .and_then(|f| f.last_sync)
    {
        block = block.title_bottom(
            Line::from(Span::styled(
                format!(" synced {} UTC ", date(last)),
                theme.dim(),
            ))
            .right_aligned(),
        );
    }
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let width = usize::from(inner.width);
    let from_cols = (width / 4).clamp(8, 28);
    let subject_cols = width.saturating_sub(FLAG_COLS + DATE_COLS + from_cols + SIZE_COLS + 4);
    let mut lines = vec![Line::from(Span::styled(
        format!(
            "{}{} {} {} {:>SIZE_COLS$}",
            " ".repeat(FLAG_COLS),
            fit("Date", DATE_COLS),
            fit("From", from_cols),
            fit("Subject", subject_cols),
            "Size"
        ),
        theme.dim().add_modifier(Modifier::UNDERLINED),
    ))];
    if list.total == Some(0) {
        let text = if inbox.search.is_some() {
            "No message matches the search (Esc clears it)."
        } else {
            "No messages in this folder."
        };
        lines.push(Line::from(Span::styled(text, theme.dim())));
    }
    let rows = inner.height.saturating_sub(1);
    for index in list.top..list.top + u64::from(rows) {
        if list.total.is_none_or(|t| index >= t) {
            break;
        }
        let Some(line) = list.line(index) else {
            lines.push(Line::from(Span::styled("  …", theme.dim())));
            continue;
        };
        let row = &line.row;
        let flags = format!(
            "{}{}{}",
            if row.flags.seen { ' ' } else { 'N' },
            if row.flags.flagged {
                '!'
            } else if row.flags.answered {
                'r'
            } else {
                ' '
            },
            if row.has_attachment { '@' } else { ' ' },
        );
        let indent = if line.depth > 0 {
            format!("{}└ ", "  ".repeat(usize::from(line.depth.min(8) - 1)))
        } else {
            String::new()
        };
        let subject = if row.subject.is_empty() {
            "(no subject)"
        } else {
            &row.subject
        };
        let from = if row.from.is_empty() {
            "(unknown)"
        } else {
            &row.from
        };
        let text = format!(
            "{flags}{} {} {} {:>SIZE_COLS$}",
            fit(&date(row.date), DATE_COLS),
            fit(&clean_line(from), from_cols),
            fit(&format!("{indent}{}", clean_line(subject)), subject_cols),
            size(row.size),
        );
        let mut style = Style::new();
        if !row.flags.seen {
            style = style.add_modifier(Modifier::BOLD);
        }
        if row.flags.flagged {
            style = style.fg(theme.warning);
        }
        if index == list.cursor {
            style = style.bg(theme.selection_bg);
            if !focused {
                style = style.add_modifier(Modifier::DIM);
            }
        }
        lines.push(Line::from(Span::styled(text, style)));
    }
    frame.render_widget(Paragraph::new(lines), inner);
}
