//! A panel over the whole body with a title, a "close · scroll" hint at
//! the bottom and its lines shown from a given row: the messages panel and
//! the certificate view.

use super::{Theme, centered};
use crate::app::{Action, App, KeyContext};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Padding, Paragraph};

/// Where the panel goes over `body`, and the room inside it.
pub struct Panel {
    pub area: Rect,
    /// Columns for text inside the border and padding.
    pub text_width: usize,
    /// Rows for text inside the border.
    pub rows: usize,
}

impl Panel {
    pub fn over(body: Rect) -> Panel {
        let area = centered(body, body.width.saturating_sub(4).max(20), body.height);
        Panel {
            area,
            text_width: usize::from(area.width.saturating_sub(4)),
            rows: usize::from(area.height.saturating_sub(2)),
        }
    }

    /// Draws `lines` from row `top` under `title`.
    pub fn draw(
        &self,
        app: &App,
        theme: &Theme,
        frame: &mut Frame,
        title: String,
        lines: Vec<Line<'static>>,
        top: usize,
    ) {
        let close = app
            .keymap
            .keys_for(KeyContext::Overlay, Action::Cancel)
            .first()
            .map_or_else(String::new, |k| {
                format!(" {k} close · ↑↓ PgUp PgDn scroll ")
            });
        let block = Block::bordered()
            .title(Span::styled(title, theme.title()))
            .title_bottom(Line::from(close).right_aligned())
            .border_style(theme.border())
            .padding(Padding::horizontal(1));
        frame.render_widget(Clear, self.area);
        frame.render_widget(
            Paragraph::new(lines)
                .block(block)
                .scroll((u16::try_from(top).unwrap_or(u16::MAX), 0)),
            self.area,
        );
    }
}
