//! Drawing. Every function here reads state and draws; none changes state.

mod certificate;
mod compose;
mod empty;
mod help;
mod imap;
mod inbox;
mod layout;
mod messages;
mod pop3;
mod prompt;
mod scroll_panel;
mod sockets;
mod status_line;
mod tab_bar;
mod text_line;
mod theme;

pub use layout::centered;
pub use text_line::draw as draw_text_line;
pub use theme::Theme;

use crate::app::{App, Overlay, Tab};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout};

/// Draws the whole screen for `app`.
pub fn render(app: &App, frame: &mut Frame) {
    let theme = Theme::from_config(&app.config.theme);
    let [tabs, body, status] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(0),
        Constraint::Length(1),
    ])
    .areas(frame.area());

    tab_bar::render(app, &theme, frame, tabs);
    match app.tab {
        Tab::Sockets => sockets::render(app, &theme, frame, body),
        Tab::Compose => compose::render(app, &theme, frame, body),
        Tab::Inbox if app.pop3.show_trace => {
            let [top, trace] =
                Layout::vertical([Constraint::Percentage(45), Constraint::Min(5)]).areas(body);
            inbox::render(app, &theme, frame, top);
            pop3::trace_pane(app, &theme, frame, trace);
        }
        Tab::Inbox => inbox::render(app, &theme, frame, body),
    }
    status_line::render(app, &theme, frame, status);

    match &app.overlay {
        Some(Overlay::Help { scroll }) => help::render(app, &theme, *scroll, frame, body),
        Some(Overlay::ConfirmQuit) => prompt::confirm_quit(app, &theme, frame, body),
        Some(Overlay::Messages { scroll }) => messages::render(app, &theme, *scroll, frame, body),
        Some(Overlay::Certificate { scroll }) => {
            certificate::render(app, &theme, *scroll, frame, body)
        }
        None => {}
    }
}

#[cfg(test)]
mod tests;
