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
        lines.push(Line::from(Span::styled(
            format!(
                "{:<28.28}  {:<40.40}  {:>8}",
                clean_line(&entry.to),
                clean_line(subject),
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
