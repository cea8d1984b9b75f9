//! The Outbox or Drafts of the sending account.

use super::{Theme, human_size};
use crate::app::compose::{ComposeState, FolderKind};
use crate::sanitize::clean_line;
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
    for (i, entry) in state.folder_entries.iter().enumerate() {
        let style = if i == state.folder_selected {
            Style::new().add_modifier(Modifier::REVERSED)
        } else {
            Style::new()
        };
        let subject = if entry.subject.is_empty() {
            "(no subject)"
        } else {
            &entry.subject
        };
        let width = list.width as usize;
        let to_cols = (width / 3).min(30);
        let subject_cols = width.saturating_sub(to_cols + 9 + 4);
        lines.push(Line::from(Span::styled(
            format!(
                "{}  {}  {:>9}",
                fit(&clean_line(&entry.to), to_cols),
                fit(&clean_line(subject), subject_cols),
                human_size(entry.size)
            ),
            style,
        )));
        if let Some(error) = state.outbox_errors.get(&entry.id) {
            lines.push(Line::from(Span::styled(
                format!("    last try: {}", clean_line(error)),
                Style::new().fg(theme.error),
            )));
        }
    }
    let skip = state
        .folder_selected
        .saturating_sub(list.height.saturating_sub(1) as usize);
    frame.render_widget(Paragraph::new(lines).scroll((skip as u16, 0)), list);
    let keys: &[(&str, &str)] = match kind {
        FolderKind::Outbox => &[
            ("enter", "edit"),
            ("r", "send again"),
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
    frame.render_widget(Line::from(spans), hints);
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
