//! The bottom row: account, running work, the last message, a help hint.

use super::Theme;
use crate::app::{Action, App, KeyContext, Level};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use unicode_width::UnicodeWidthStr;

/// The bottom row: account, what is running, the last message, a help hint.
pub fn render(app: &App, theme: &Theme, frame: &mut Frame, area: Rect) {
    let base = Style::new().fg(theme.status_fg).bg(theme.status_bg);
    let account = app.current_account().unwrap_or("no account");
    let activity = match app.status.jobs.as_slice() {
        [] => "idle".to_string(),
        [job] if job.total > 0 => format!("{} {}/{}", job.label, job.done, job.total),
        [job] => job.label.clone(),
        jobs => format!("{} jobs running", jobs.len()),
    };
    let mut left = vec![
        Span::styled(format!(" {account} "), base.add_modifier(Modifier::BOLD)),
        Span::styled("│ ", base),
        Span::styled(activity, base),
    ];
    if let Some(message) = &app.status.message {
        let color = match message.level {
            Level::Info => theme.status_fg,
            Level::Warning => theme.warning,
            Level::Error => theme.error,
        };
        left.push(Span::styled(" │ ", base));
        left.push(Span::styled(message.text.clone(), base.fg(color)));
    }
    // Once there is something to read back, say where.
    let messages_key = app
        .keymap
        .keys_for(KeyContext::Global, Action::ShowMessages)
        .first()
        .map(ToString::to_string)
        .filter(|_| !app.status.history.is_empty());
    let hint = match messages_key {
        Some(key) => format!(" {key} messages · ? help "),
        None => " ? help ".to_string(),
    };
    let [left_area, hint_area] =
        Layout::horizontal([Constraint::Min(0), Constraint::Length(hint.width() as u16)])
            .areas(area);
    frame.render_widget(Line::from(left).style(base), left_area);
    frame.render_widget(Line::from(Span::styled(hint, base)), hint_area);
}
