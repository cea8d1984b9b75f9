//! The top row: the brand and the tab labels.

use super::Theme;
use crate::app::{App, TAB_BAR_BRAND, tab_columns};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};

/// The top row: brand, then the tabs at the columns `tab_columns` gives (the
/// same ones mouse clicks are resolved against).
pub fn render(app: &App, theme: &Theme, frame: &mut Frame, area: Rect) {
    let mut spans = vec![Span::styled(
        TAB_BAR_BRAND,
        Style::new()
            .fg(theme.status_fg)
            .bg(theme.accent)
            .add_modifier(Modifier::BOLD),
    )];
    let mut x = TAB_BAR_BRAND.len() as u16;
    for (tab, start, _) in tab_columns() {
        spans.push(Span::raw(" ".repeat(start.saturating_sub(x) as usize)));
        let style = if tab == app.tab {
            Style::new()
                .fg(theme.tab_active)
                .add_modifier(Modifier::BOLD | Modifier::REVERSED)
        } else {
            theme.dim()
        };
        let label = tab.label();
        x = start + label.len() as u16;
        spans.push(Span::styled(label, style));
    }
    frame.render_widget(Line::from(spans), area);
}
