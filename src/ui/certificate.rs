//! The certificate view of a TLS socket session: the verdict in plain
//! words, every certificate of the chain (subject, issuer, names,
//! validity with days left, key, SHA-256 fingerprints) and the library's
//! raw reason, wrapped and scrollable. The same lines `wirepost tcp --tls
//! -v` prints on stderr.

use super::Theme;
use super::scroll_panel::Panel;
use crate::app::App;
use crate::app::inbox::wrap;
use crate::net::tls_report::summary_lines;
use crate::sanitize::clean_line;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use unicode_width::UnicodeWidthStr;

/// The view over the body, `scroll` rows down from the top.
pub fn render(app: &App, theme: &Theme, scroll: u16, frame: &mut Frame, area: Rect) {
    let panel = Panel::over(area);
    let width = panel.text_width.max(10);
    let session = app.sockets.current();
    let lines = match session.and_then(|s| s.tls.as_ref()) {
        Some(tls) => styled(summary_lines(tls), theme, width),
        None => vec![Line::from(Span::styled(
            "This session has no TLS.",
            theme.dim(),
        ))],
    };
    let top = usize::from(scroll).min(lines.len().saturating_sub(panel.rows));
    let title = format!(
        " TLS certificate · {} ",
        session.map_or_else(String::new, |s| clean_line(&s.address))
    );
    panel.draw(app, theme, frame, title, lines, top);
}

/// The report's lines, sanitized and wrapped; continuation rows indented
/// under their field. Headings stand out, the raw reason is dimmed.
fn styled(report: Vec<String>, theme: &Theme, width: usize) -> Vec<Line<'static>> {
    let mut rows = Vec::new();
    for (i, text) in report.iter().enumerate() {
        let text = clean_line(text);
        let style = if i == 0 {
            theme.title()
        } else if text.starts_with("certificate ") {
            Style::new().fg(theme.accent)
        } else if text.starts_with("raw reason") || text.starts_with("pin:") {
            Style::new().fg(theme.warning)
        } else {
            Style::new()
        };
        if text.width() <= width {
            rows.push(Line::from(Span::styled(text, style)));
            continue;
        }
        let indent = if text.starts_with("  ") { 15 } else { 2 };
        for (n, piece) in wrap(&text, width.saturating_sub(indent).max(10))
            .into_iter()
            .enumerate()
        {
            let piece = if n == 0 {
                piece
            } else {
                format!("{}{}", " ".repeat(indent), piece.trim_start())
            };
            rows.push(Line::from(Span::styled(piece, style)));
        }
    }
    rows
}
