//! The Outbox or Drafts of the sending account.

use super::{Theme, human_size};
use crate::app::compose::{ComposeState, FolderKind};
use crate::mail::outbox::marks::DeliveryUnknown;
use crate::sanitize::clean_line;
use crate::store::FolderEntry;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Padding, Paragraph};

pub fn render(
    state: &ComposeState,
    kind: FolderKind,
    theme: &Theme,
    frame: &mut Frame,
    area: Rect,
) {
    let block = Block::bordered()
        .title(Span::styled(format!(" {} ", kind.name()), theme.title()))
        .border_style(theme.dim())
        .padding(Padding::horizontal(1));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let [list, hints] = Layout::vertical([Constraint::Min(0), Constraint::Length(1)]).areas(inner);
    let mut lines = Vec::new();
    if state.folder_entries.is_empty() {
        lines.push(Line::from(Span::styled(
            match kind {
                FolderKind::Outbox => "The Outbox is empty: everything was sent.",
                FolderKind::Drafts => "No drafts. p in the form saves one.",
            },
            theme.dim(),
        )));
    }
    // The first line of the selected entry (entries may take more than
    // one line), to keep it in view.
    let mut selected_line = 0;
    for (i, entry) in state.folder_entries.iter().enumerate() {
        if i == state.folder_selected {
            selected_line = lines.len();
        }
        let selected = i == state.folder_selected;
        lines.extend(entry_lines(
            state,
            entry,
            selected,
            list.width as usize,
            theme,
        ));
    }
    let skip = selected_line.saturating_sub(list.height.saturating_sub(1) as usize);
    frame.render_widget(Paragraph::new(lines).scroll((skip as u16, 0)), list);
    frame.render_widget(hint_line(state, kind, theme), hints);
}

/// An entry's row, then what is known about its delivery: the unknown
/// mark (and the pending question), or the last error.
fn entry_lines(
    state: &ComposeState,
    entry: &FolderEntry,
    selected: bool,
    width: usize,
    theme: &Theme,
) -> Vec<Line<'static>> {
    let style = if selected {
        Style::new().add_modifier(Modifier::REVERSED)
    } else {
        Style::new()
    };
    let subject = if entry.subject.is_empty() {
        "(no subject)"
    } else {
        &entry.subject
    };
    let unknown = state.outbox_unknown.get(&entry.id);
    // A message of unknown delivery is flagged in its own column, so
    // it stands out even where its detail line is scrolled away.
    let badge = if unknown.is_some() { "? " } else { "  " };
    let to_cols = (width / 3).min(30);
    let subject_cols = width.saturating_sub(to_cols + 9 + 4 + badge.len());
    let row = format!(
        "{badge}{}  {}  {:>9}",
        fit(&clean_line(&entry.to), to_cols),
        fit(&clean_line(subject), subject_cols),
        human_size(entry.size)
    );
    let mut lines = vec![Line::from(Span::styled(
        row,
        match unknown {
            Some(_) => style.fg(theme.error).add_modifier(Modifier::BOLD),
            None => style,
        },
    ))];
    if let Some(mark) = unknown {
        let pending = state.confirm_resend == Some(entry.id);
        lines.extend(unknown_lines(mark, pending, theme));
    } else if let Some(error) = state.outbox_errors.get(&entry.id) {
        lines.push(Line::from(Span::styled(
            format!("    last try: {}", clean_line(error)),
            Style::new().fg(theme.error),
        )));
    }
    lines
}

/// Why delivery is unknown, and what r does about it (or the question,
/// while it is `pending`).
fn unknown_lines(mark: &DeliveryUnknown, pending: bool, theme: &Theme) -> [Line<'static>; 2] {
    [
        Line::from(Span::styled(
            format!(
                "    delivery unknown since {}: {}",
                crate::mailview::format_date(mark.since),
                clean_line(&mark.reason)
            ),
            Style::new().fg(theme.error),
        )),
        Line::from(Span::styled(
            if pending {
                "    send it again anyway? r or enter: yes, esc: no".to_string()
            } else {
                "    the server may have it: not sent again unless you press r".to_string()
            },
            if pending {
                theme.key().add_modifier(Modifier::BOLD)
            } else {
                theme.dim()
            },
        )),
    ]
}

fn hint_line(state: &ComposeState, kind: FolderKind, theme: &Theme) -> Line<'static> {
    let keys: &[(&str, &str)] = match kind {
        FolderKind::Outbox if !state.outbox_unknown.is_empty() => &[
            ("enter", "edit"),
            ("r", "send again"),
            ("R", "send all"),
            ("m", "file as sent"),
            ("x", "delete"),
            ("esc", "back"),
        ],
        FolderKind::Outbox => &[
            ("enter", "edit"),
            ("r", "send again"),
            ("R", "send all"),
            ("x", "delete"),
            ("esc", "back"),
        ],
        FolderKind::Drafts => &[("enter", "open"), ("x", "delete"), ("esc", "back")],
    };
    let mut spans = Vec::new();
    for (key, what) in keys {
        spans.push(Span::styled(key.to_string(), theme.key()));
        spans.push(Span::styled(format!(" {what}  "), theme.dim()));
    }
    Line::from(spans)
}

/// `text` cut or padded to `cols` terminal columns (wide characters count
/// two), so the columns line up with CJK subjects too.
fn fit(text: &str, cols: usize) -> String {
    use unicode_width::UnicodeWidthChar;
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = c.width().unwrap_or(0);
        if used + w > cols {
            break;
        }
        out.push(c);
        used += w;
    }
    out.push_str(&" ".repeat(cols - used));
    out
}
