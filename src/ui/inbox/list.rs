//! The message list: only the visible rows, read from the loaded window.

use super::text::{fit, size};
use crate::app::App;
use crate::app::inbox::{Focus, InboxState};
use crate::mailview::Zone;
use crate::sanitize::clean_line;
use crate::store::service::ListLine;
use crate::store::{MessageRow, SortBy, SortOrder};
use crate::ui::Theme;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

/// `2025-07-01 10:00`, or just the day on narrow lists.
const DATE_COLS: usize = 16;
const DAY_COLS: usize = 10;
const WIDE_LIST_COLS: usize = 90;
const SIZE_COLS: usize = 5;
const FLAG_COLS: usize = 3;

/// How wide each column is for a list `width` columns wide.
struct Columns {
    date: usize,
    from: usize,
    subject: usize,
}

impl Columns {
    fn for_width(width: usize) -> Columns {
        let date = if width >= WIDE_LIST_COLS {
            DATE_COLS
        } else {
            DAY_COLS
        };
        let from = (width / 4).clamp(8, 28);
        let subject = width.saturating_sub(FLAG_COLS + date + from + SIZE_COLS + 4);
        Columns {
            date,
            from,
            subject,
        }
    }
}

pub fn render(app: &App, theme: &Theme, frame: &mut Frame, area: Rect) {
    let inbox = &app.inbox;
    let list = &inbox.list;
    let focused = inbox.focus == Focus::List;
    let block = frame_block(inbox, theme, focused);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let columns = Columns::for_width(usize::from(inner.width));
    let mut lines = vec![header_line(&columns, inbox.sort_by, theme)];
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
        let selected = (index == list.cursor).then_some(focused);
        let when = inbox.zone.format(inbox.sort_by.date_of(&line.row));
        lines.push(message_line(line, &when, &columns, selected, theme));
    }
    frame.render_widget(Paragraph::new(lines), inner);
}

/// The border with the folder, position and search on top; sort order
/// and the last sync at the bottom.
fn frame_block(inbox: &InboxState, theme: &Theme, focused: bool) -> Block<'static> {
    let list = &inbox.list;
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
    let by = match inbox.sort_by {
        SortBy::Sent => "by date sent",
        SortBy::Received => "by date received",
    };
    let mode = if inbox.threaded { "threads, " } else { "" };
    let block = Block::bordered()
        .title(Line::from(title))
        .title_bottom(Line::from(Span::styled(
            format!(" {mode}{order}, {by} "),
            theme.dim(),
        )))
        .border_style(if focused { theme.border() } else { theme.dim() });
    match last_sync(inbox) {
        Some(last) => block.title_bottom(
            Line::from(Span::styled(
                format!(
                    " synced {}{} ",
                    inbox.zone.format(last),
                    if inbox.zone == Zone::Utc { " UTC" } else { "" }
                ),
                theme.dim(),
            ))
            .right_aligned(),
        ),
        None => block,
    }
}

/// When the folder in the list was last synced, if it ever was.
fn last_sync(inbox: &InboxState) -> Option<i64> {
    inbox
        .selected_folder()
        .filter(|f| {
            inbox
                .current
                .as_ref()
                .is_some_and(|(a, n)| &f.account == a && &f.name == n)
        })
        .and_then(|f| f.last_sync)
}

fn header_line(columns: &Columns, by: SortBy, theme: &Theme) -> Line<'static> {
    let date = match by {
        SortBy::Sent => "Date",
        SortBy::Received => "Received",
    };
    Line::from(Span::styled(
        format!(
            "{}{} {} {} {:>SIZE_COLS$}",
            " ".repeat(FLAG_COLS),
            fit(date, columns.date),
            fit("From", columns.from),
            fit("Subject", columns.subject),
            "Size"
        ),
        theme.dim().add_modifier(Modifier::UNDERLINED),
    ))
}

/// One message row, dated `when`. `selected` is `Some(focused)` on the
/// cursor's row.
fn message_line(
    line: &ListLine,
    when: &str,
    columns: &Columns,
    selected: Option<bool>,
    theme: &Theme,
) -> Line<'static> {
    let row = &line.row;
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
        sender_name(&row.from)
    };
    let text = format!(
        "{}{} {} {} {:>SIZE_COLS$}",
        flag_column(row),
        fit(&when[..columns.date.min(when.len())], columns.date),
        fit(&clean_line(from), columns.from),
        fit(&format!("{indent}{}", clean_line(subject)), columns.subject),
        size(row.size),
    );
    let mut style = Style::new();
    if !row.flags.seen {
        style = style.add_modifier(Modifier::BOLD);
    }
    if row.flags.flagged {
        style = style.fg(theme.warning);
    }
    if let Some(focused) = selected {
        style = style.bg(theme.selection_bg);
        if !focused {
            style = style.add_modifier(Modifier::DIM);
        }
    }
    Line::from(Span::styled(text, style))
}

/// `N` new, `!` flagged (else `r` answered), `@` attachment.
fn flag_column(row: &MessageRow) -> String {
    format!(
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
    )
}

/// The name of the first sender when there is one (`Alice <a@x>` →
/// `Alice`), else the address: names are what people scan a list for.
fn sender_name(from: &str) -> &str {
    let first = from.split(", ").next().unwrap_or(from);
    match first.rsplit_once(" <") {
        Some((name, _)) if first.ends_with('>') && !name.trim().is_empty() => name.trim(),
        _ => first,
    }
}
