//! The help overlay: the key reference, generated from the live keymap.

use super::{Theme, centered};
use crate::app::{Action, App, HelpLine, KeyContext, help_lines};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Padding, Paragraph};

const KEY_COLUMN_WIDTH: usize = 18;

/// The key reference over the body, generated from the keymap.
pub fn render(app: &App, theme: &Theme, scroll: u16, frame: &mut Frame, area: Rect) {
    let lines: Vec<Line> = help_lines(&app.keymap)
        .into_iter()
        .map(|line| match line {
            HelpLine::Heading(title) => Line::from(Span::styled(title, theme.title())),
            HelpLine::Binding { keys, description } => Line::from(vec![
                Span::styled(format!("  {keys:<KEY_COLUMN_WIDTH$}"), theme.key()),
                Span::raw(description),
            ]),
            HelpLine::Blank => Line::default(),
        })
        .collect();
    let height = lines.len() as u16 + 2;
    let popup = centered(area, 68, height);
    let visible = popup.height.saturating_sub(2);
    let scroll = scroll.min((lines.len() as u16).saturating_sub(visible));
    let close = app
        .keymap
        .keys_for(KeyContext::Overlay, Action::Cancel)
        .first()
        .map_or_else(String::new, |k| format!(" {k} close "));
    let block = Block::bordered()
        .title(" Keys ")
        .title_bottom(Line::from(close).right_aligned())
        .border_style(theme.border())
        .padding(Padding::horizontal(1));
    frame.render_widget(Clear, popup);
    frame.render_widget(
        Paragraph::new(lines)
            .block(block)
            .scroll((scroll, 0))
            .style(Style::new()),
        popup,
    );
}
