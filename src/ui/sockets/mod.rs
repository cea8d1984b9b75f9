//! The Sockets tab: the session list on the left; the selected session's
//! details, transcript and input line on the right; the command line with
//! hints at the bottom while it is open.

mod info;
mod input;
mod lines;

use super::Theme;
use crate::app::App;
use crate::app::sockets::{
    Focus, LIST_ROWS_PER_SESSION, LIST_WIDTH, SocketSession, Sockets, ViewMode, list_first,
};
use crate::net::escape::human_bytes;
use crate::sanitize::clean_line;
use info::{info_lines, state_style};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Padding, Paragraph, Wrap};

pub fn render(app: &App, theme: &Theme, frame: &mut Frame, area: Rect) {
    let sockets = &app.sockets;
    let (main, prompt_area) = match sockets.prompt {
        Some(_) => {
            let [main, prompt] =
                Layout::vertical([Constraint::Min(0), Constraint::Length(1)]).areas(area);
            (main, Some(prompt))
        }
        None => (area, None),
    };
    if sockets.sessions.is_empty() {
        empty(theme, frame, main);
    } else {
        let [list, detail] = Layout::horizontal([
            Constraint::Length(LIST_WIDTH.min(area.width / 3)),
            Constraint::Min(0),
        ])
        .areas(main);
        session_list(sockets, theme, frame, list);
        if let Some(session) = sockets.current() {
            session_view(sockets, session, theme, frame, detail);
        }
    }
    if let Some(area) = prompt_area {
        input::command_line(sockets, theme, frame, area);
    }
}

fn empty(theme: &Theme, frame: &mut Frame, area: Rect) {
    let key = |k: &str| Span::styled(k.to_string(), theme.key());
    let example = |cmd: &str, what: &str| {
        Line::from(vec![
            Span::styled(format!("  {what:<12} "), theme.dim()),
            Span::styled(format!(":{cmd}"), theme.key()),
        ])
    };
    let lines = vec![
        Line::from(Span::styled("No socket sessions yet", theme.title())),
        Line::default(),
        Line::from("Talk to any TCP or UDP endpoint by hand: connect as a client, listen"),
        Line::from("for many clients, bind UDP and answer each sender — plain or TLS, with"),
        Line::from("STARTTLS for mail servers, in text and hex views."),
        Line::default(),
        Line::from(vec![
            Span::raw("Press "),
            key(":"),
            Span::raw(" (or "),
            key("Enter"),
            Span::raw(") and type a command, for example:"),
        ]),
        example("connect example.com:80", "TCP client"),
        example("tls example.com:443", "TLS client"),
        example(
            "listen 127.0.0.1:9999 greet=Welcome! reply=Hello, {line}!",
            "TCP server",
        ),
        example("udp-bind 127.0.0.1:9999 reply=Hello, {line}!", "UDP server"),
        example("udp 127.0.0.1:9999", "UDP client"),
    ];
    let block = Block::bordered()
        .title(Span::styled(" Sockets ", theme.title()))
        .border_style(theme.dim())
        .padding(Padding::horizontal(1));
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(block),
        area,
    );
}

fn age(session: &SocketSession) -> String {
    let secs = session.opened.elapsed().as_secs();
    match secs {
        0..60 => format!("{secs}s"),
        60..3600 => format!("{}m", secs / 60),
        _ => format!("{}h", secs / 3600),
    }
}

fn session_list(sockets: &Sockets, theme: &Theme, frame: &mut Frame, area: Rect) {
    let focused = sockets.focus == Focus::List && sockets.prompt.is_none();
    let block = Block::bordered()
        .title(Span::styled(
            format!(" Sessions ({}) ", sockets.sessions.len()),
            theme.title(),
        ))
        .border_style(if focused { theme.border() } else { theme.dim() });
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let visible = (inner.height as usize / LIST_ROWS_PER_SESSION).max(1);
    let first = list_first(sockets.selected, visible);
    let mut lines = Vec::new();
    for (i, s) in sockets
        .sessions
        .iter()
        .enumerate()
        .skip(first)
        .take(visible)
    {
        let indent = if s.parent.is_some() { "  " } else { "" };
        let selected = i == sockets.selected;
        let base = if selected {
            Style::new()
                .bg(theme.selection_bg)
                .add_modifier(Modifier::BOLD)
        } else {
            Style::new()
        };
        lines.push(Line::from(vec![
            Span::styled(
                format!("{indent}{} ", s.kind.label()),
                base.fg(theme.accent),
            ),
            Span::styled(clean_line(&s.address), base),
        ]));
        lines.push(Line::from(vec![
            Span::raw(format!("{indent}  ")),
            Span::styled(s.state_label().to_string(), state_style(&s.state, theme)),
            Span::styled(
                format!(
                    " ↓{} ↑{} {}",
                    human_bytes(s.bytes_in),
                    human_bytes(s.bytes_out),
                    age(s)
                ),
                theme.dim(),
            ),
        ]));
    }
    frame.render_widget(Paragraph::new(lines), inner);
}

fn session_view(
    sockets: &Sockets,
    s: &SocketSession,
    theme: &Theme,
    frame: &mut Frame,
    area: Rect,
) {
    let info = info_lines(s, theme, sockets.view);
    let [info_area, transcript_area, input_area] = Layout::vertical([
        Constraint::Length(info.len() as u16),
        Constraint::Min(1),
        Constraint::Length(3),
    ])
    .areas(area);
    frame.render_widget(Paragraph::new(info), info_area);

    let block = Block::bordered()
        .border_style(theme.dim())
        .title(Span::styled(
            if s.scroll > 0 {
                " Transcript (scrolled; PgDn to the end follows) ".to_string()
            } else {
                " Transcript ".to_string()
            },
            theme.dim(),
        ));
    let inner = block.inner(transcript_area);
    frame.render_widget(block, transcript_area);
    let window = lines::Window {
        rows: inner.height as usize,
        skip: s.scroll,
        zone: sockets.time_zone,
    };
    match sockets.view {
        ViewMode::Text => {
            let text = lines::text_rows(&s.transcript, inner.width, window);
            frame.render_widget(Paragraph::new(text), inner);
        }
        ViewMode::Hex => {
            let hex = lines::hex_rows(&s.transcript, inner.width, window);
            frame.render_widget(Paragraph::new(hex), inner);
        }
        ViewMode::Split => {
            let [left, right] =
                Layout::horizontal([Constraint::Percentage(45), Constraint::Percentage(55)])
                    .spacing(1)
                    .areas(inner);
            let (text, hex) = lines::split_rows(&s.transcript, (left.width, right.width), window);
            frame.render_widget(Paragraph::new(text), left);
            frame.render_widget(Paragraph::new(hex), right);
        }
    }
    input::input_line(sockets, s, theme, frame, input_area);
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod redraw_tests;
