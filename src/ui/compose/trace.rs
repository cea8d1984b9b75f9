//! The SMTP conversation of the last send, newest at the bottom.

use super::Theme;
use crate::app::compose::ComposeState;
use crate::mail::smtp::Direction;
use crate::sanitize::clean_line;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

pub fn render(state: &ComposeState, theme: &Theme, frame: &mut Frame, area: Rect) {
    let block = Block::bordered()
        .title(Span::styled(
            " SMTP conversation (AUTH masked, message elided; PgUp/PgDn scroll) ",
            theme.title(),
        ))
        .border_style(theme.dim());
    let inner = block.inner(area);
    let visible = inner.height as usize;
    let skip = state
        .trace
        .len()
        .saturating_sub(visible)
        .saturating_sub(state.trace_scroll);
    let lines: Vec<Line> = state
        .trace
        .iter()
        .skip(skip)
        .take(visible)
        .map(|line| {
            let (prefix, style) = match line.direction {
                Direction::Client => ("C: ", theme.key()),
                Direction::Server => ("S: ", Style::new()),
                Direction::Info => ("*  ", theme.dim()),
            };
            Line::from(vec![
                Span::styled(prefix, style),
                Span::styled(clean_line(&line.text), style),
            ])
        })
        .collect();
    let body = if lines.is_empty() {
        vec![Line::from(Span::styled("Nothing sent yet.", theme.dim()))]
    } else {
        lines
    };
    frame.render_widget(Paragraph::new(body).block(block), area);
}
