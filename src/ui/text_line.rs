//! Draws a [`TextLine`] in one row: a prompt, then the window of the text
//! around the cursor, and the terminal cursor where typing goes. A `…` at
//! the left edge says that the line goes on out of sight.

use crate::app::TextLine;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use unicode_width::UnicodeWidthStr;

/// Draws `prompt` and `line` into the first row of `area`; places the
/// cursor when `focused`.
pub fn draw(
    frame: &mut Frame,
    area: Rect,
    prompt: Span<'_>,
    line: &TextLine,
    style: Style,
    focused: bool,
) {
    if area.width == 0 || area.height == 0 {
        return;
    }
    let prompt_width = prompt.content.width().min(usize::from(area.width));
    let room = usize::from(area.width) - prompt_width;
    let window = line.window(room);
    let mut shown = window.shown;
    if window.cut_left && room > 1 {
        let mut chars = shown.chars();
        chars.next();
        shown = format!("…{}", chars.as_str());
    }
    let row = Rect { height: 1, ..area };
    let text = Line::from(vec![prompt, Span::styled(shown, style)]);
    frame.render_widget(Paragraph::new(text), row);
    if focused && room > 0 {
        let x = area.x + (prompt_width + window.cursor_column) as u16;
        frame.set_cursor_position((x.min(area.right() - 1), area.y));
    }
}
