//! The modal prompts drawn over the tabs (quit while work runs).

use super::{Theme, centered};
use crate::app::App;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Padding, Paragraph, Wrap};

/// "Quit while work is running?"
pub fn confirm_quit(app: &App, theme: &Theme, frame: &mut Frame, area: Rect) {
    let work = app.work_in_progress();
    let mut lines = vec![Line::from("These are still running:"), Line::default()];
    lines.extend(work.iter().map(|w| Line::from(format!("  • {w}"))));
    lines.push(Line::default());
    lines.push(Line::from(vec![
        Span::styled("y", theme.key()),
        Span::raw(" quit and stop them   "),
        Span::styled("n", theme.key()),
        Span::raw(" keep working"),
    ]));
    let popup = centered(area, 52, lines.len() as u16 + 2);
    frame.render_widget(Clear, popup);
    frame.render_widget(
        Paragraph::new(lines).wrap(Wrap { trim: false }).block(
            Block::bordered()
                .title(" Quit wirepost? ")
                .border_style(theme.border().fg(theme.warning))
                .padding(Padding::horizontal(1)),
        ),
        popup,
    );
}
