//! The messages panel: every message and error since the start, newest at
//! the bottom, each with its time and wrapped to the panel's width, so a
//! long error cut off on the status line can be read whole.

use super::Theme;
use super::scroll_panel::Panel;
use crate::app::inbox::wrap;
use crate::app::{App, Level, MESSAGES_KEPT};
use crate::net::timefmt::clock;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use unicode_width::UnicodeWidthStr;

/// The panel over the body; `scroll` counts rows up from the newest.
pub fn render(app: &App, theme: &Theme, scroll: u16, frame: &mut Frame, area: Rect) {
    let panel = Panel::over(area);
    let lines = message_lines(app, theme, panel.text_width.max(1));
    let from_top = lines.len().saturating_sub(panel.rows);
    let top = from_top.saturating_sub(usize::from(scroll));
    let title = format!(
        " Messages ({}; the last {MESSAGES_KEPT} are kept, all are in the log) ",
        app.status.history.len()
    );
    panel.draw(app, theme, frame, title, lines, top);
}

/// Each message as rows of `width` columns: time and level, then the text
/// wrapped with its continuation rows indented under it.
fn message_lines(app: &App, theme: &Theme, width: usize) -> Vec<Line<'static>> {
    if app.status.history.is_empty() {
        return vec![Line::from(Span::styled("No messages yet.", theme.dim()))];
    }
    let mut rows = Vec::new();
    for notice in &app.status.history {
        let (tag, color) = match notice.level {
            Level::Info => ("info ", theme.status_fg),
            Level::Warning => ("warn ", theme.warning),
            Level::Error => ("error", theme.error),
        };
        let time = format!("{} ", clock(notice.at, app.sockets.time_zone));
        let indent = time.width() + tag.width() + 1;
        let body = wrap(&notice.text, width.saturating_sub(indent).max(10));
        for (i, piece) in body.into_iter().enumerate() {
            let lead = if i == 0 {
                vec![
                    Span::styled(time.clone(), theme.dim()),
                    Span::styled(format!("{tag} "), Style::new().fg(color)),
                ]
            } else {
                vec![Span::raw(" ".repeat(indent))]
            };
            let mut spans = lead;
            spans.push(Span::raw(piece));
            rows.push(Line::from(spans));
        }
    }
    rows
}

#[cfg(test)]
mod tests {
    use crate::app::{App, Event, Keymap, Level, Overlay};
    use crate::config::{Config, ConfigOrigin, LoadedConfig};
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;
    use std::collections::BTreeMap;
    use std::path::PathBuf;
    use std::time::{Duration, SystemTime};

    fn app() -> App {
        let loaded = LoadedConfig {
            config: Config::default(),
            origin: ConfigOrigin::Missing(PathBuf::from("/nonexistent/config.toml")),
        };
        let mut app = App::new(loaded, Keymap::build(&BTreeMap::new()).unwrap());
        app.sockets.time_zone = crate::net::timefmt::TimeZone::Utc;
        app
    }

    fn key(code: KeyCode) -> Event {
        Event::Key(KeyEvent::new(code, KeyModifiers::NONE))
    }

    #[test]
    fn a_long_error_is_read_whole_in_the_panel() {
        let mut app = app();
        app.status.set(Level::Info, "listening on 127.0.0.1:9999");
        app.status.set(
            Level::Error,
            "wrong.example:443: TLS handshake failed: the certificate is valid for \
             mail.example.test and localhost, not wrong.example (the server's certificate \
             names other hosts; check the name you connected to)",
        );
        for (i, notice) in app.status.history.iter_mut().enumerate() {
            notice.at = SystemTime::UNIX_EPOCH + Duration::from_secs(45_296 + i as u64);
        }
        app.update(key(KeyCode::F(3)));
        assert_eq!(app.overlay, Some(Overlay::Messages { scroll: 0 }));
        let mut terminal = Terminal::new(TestBackend::new(80, 14)).unwrap();
        terminal.draw(|f| crate::ui::render(&app, f)).unwrap();
        insta::assert_snapshot!(terminal.backend());
        app.update(key(KeyCode::Esc));
        assert_eq!(app.overlay, None);
    }

    #[test]
    fn the_next_action_takes_a_message_off_the_status_line() {
        let mut app = app();
        app.status.set(Level::Warning, "\"s\" is not hex");
        // An unbound key does nothing, and leaves the message.
        app.update(key(KeyCode::Char('%')));
        assert!(app.status.message.is_some());
        app.update(key(KeyCode::Char('2')));
        assert_eq!(app.status.message, None);
        assert_eq!(app.status.history.len(), 1);
    }
}
