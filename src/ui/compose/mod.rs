//! The Compose tab: the form, the Outbox/Drafts lists, the result of the
//! last send and the SMTP conversation.

mod folder;
mod last_send;
mod pgp;
mod trace;

use super::Theme;
use crate::app::App;
use crate::app::compose::{ComposeState, Field, View, senders};
use crate::mail::compose::reply::Identity;
use crate::sanitize::clean_line;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};
use ratatui_textarea::TextArea;

/// Width of the label column ("Subject ").
const LABEL_COLS: u16 = 9;

pub fn render(app: &App, theme: &Theme, frame: &mut Frame, area: Rect) {
    if senders(&app.config).is_empty() {
        super::empty::compose(app, theme, frame, area);
        return;
    }
    let state = &app.compose;
    let (main, trace_area) = if state.show_trace {
        let [main, trace] =
            Layout::vertical([Constraint::Percentage(60), Constraint::Percentage(40)]).areas(area);
        (main, Some(trace))
    } else {
        (area, None)
    };
    match state.view {
        View::Form => form(app, theme, frame, main),
        View::Folder(kind) => folder::render(state, kind, theme, frame, main),
    }
    if let Some(trace_area) = trace_area {
        trace::render(state, theme, frame, trace_area);
    }
}

fn form(app: &App, theme: &Theme, frame: &mut Frame, area: Rect) {
    let state = &app.compose;
    let result_lines = last_send::last_send_lines(state, theme);
    // Server replies can be long: give each line the rows it wraps to.
    let width = usize::from(area.width.max(1));
    let result_rows: usize = result_lines
        .iter()
        .map(|l| l.width().div_ceil(width).max(1))
        .sum();
    let [header, attachments, pgp_row, body, result, hints] = Layout::vertical([
        Constraint::Length(5),
        Constraint::Length(1),
        Constraint::Length(pgp::rows(state)),
        Constraint::Min(3),
        Constraint::Length(result_rows.min(8) as u16),
        Constraint::Length(1),
    ])
    .areas(area);
    let rows = Layout::vertical([Constraint::Length(1); 5]).split(header);
    label(state, theme, frame, rows[0], Field::From);
    frame.render_widget(from_line(app, theme), value_area(rows[0]));
    for (row, field) in rows[1..]
        .iter()
        .zip([Field::To, Field::Cc, Field::Bcc, Field::Subject])
    {
        label(state, theme, frame, *row, field);
        text_field(state, theme, frame, value_area(*row), field);
    }
    label(state, theme, frame, attachments, Field::Attachments);
    if state.focus == Field::Attachments && state.editing {
        text_field(
            state,
            theme,
            frame,
            value_area(attachments),
            Field::Attachments,
        );
    } else {
        frame.render_widget(attachment_line(state, theme), value_area(attachments));
    }
    if pgp_row.height > 0 {
        frame.render_widget(pgp::line(state, theme), pgp_row);
    }
    body_pane(state, theme, frame, body);
    frame.render_widget(
        Paragraph::new(result_lines).wrap(Wrap { trim: false }),
        result,
    );
    frame.render_widget(hint_line(state, theme), hints);
    suggestions(state, theme, frame, area, &rows, attachments);
}

/// The sender, a hint when there are others, and a warning when its
/// server connection is not safe.
fn from_line(app: &App, theme: &Theme) -> Line<'static> {
    let state = &app.compose;
    let from = state
        .account(&app.config)
        .map(|a| format!("{}  ({})", Identity::from_account(a).from, a.name))
        .unwrap_or_default();
    let others = senders(&app.config).len() > 1;
    let mut from_spans = vec![
        Span::raw(clean_line(&from)),
        Span::styled(if others { "   f: other account" } else { "" }, theme.dim()),
    ];
    if let Some(smtp) = state.account(&app.config).and_then(|a| a.smtp.as_ref()) {
        let warning = match (smtp.security, smtp.accept_invalid_certs) {
            (crate::config::Security::None, _) => Some("   UNENCRYPTED (security = \"none\")"),
            (_, true) => Some("   certificate NOT verified"),
            _ => None,
        };
        if let Some(warning) = warning {
            from_spans.push(Span::styled(warning, Style::new().fg(theme.warning)));
        }
    }
    Line::from(from_spans)
}

fn body_pane(state: &ComposeState, theme: &Theme, frame: &mut Frame, area: Rect) {
    let focused = state.focus == Field::Body;
    let title = if focused && state.editing {
        " Body (editing: esc to stop, ctrl-o for $EDITOR) "
    } else {
        " Body "
    };
    let block = Block::bordered()
        .title(Span::styled(title, theme.title()))
        .border_style(if focused { theme.key() } else { theme.dim() });
    let inner = block.inner(area);
    frame.render_widget(block, area);
    text_field(state, theme, frame, inner, Field::Body);
}

fn value_area(row: Rect) -> Rect {
    Rect {
        x: row.x + LABEL_COLS,
        width: row.width.saturating_sub(LABEL_COLS),
        ..row
    }
}

fn label(state: &ComposeState, theme: &Theme, frame: &mut Frame, row: Rect, field: Field) {
    // A recipient field that does not parse is flagged as soon as the
    // user leaves it, not only when sending.
    let invalid = field.is_address()
        && crate::mail::address::parse_list(&state.text(field)).is_err()
        && !(state.focus == field && state.editing);
    let style = if invalid {
        Style::new().fg(theme.error).add_modifier(Modifier::BOLD)
    } else if state.focus == field {
        theme
            .key()
            .add_modifier(Modifier::BOLD | Modifier::REVERSED)
    } else {
        theme.dim()
    };
    let area = Rect {
        width: LABEL_COLS.min(row.width),
        ..row
    };
    frame.render_widget(Span::styled(format!("{:>7} ", field.label()), style), area);
}

fn text_field(state: &ComposeState, theme: &Theme, frame: &mut Frame, area: Rect, field: Field) {
    let Some(area_state) = state.area(field) else {
        return;
    };
    // The widget draws its own cursor; show it only where keys go.
    let mut widget: TextArea<'_> = area_state.clone();
    let active = state.focus == field && state.editing;
    widget.set_cursor_style(if active {
        Style::new().add_modifier(Modifier::REVERSED)
    } else {
        Style::new()
    });
    widget.set_placeholder_style(theme.dim());
    widget.set_selection_style(Style::new().bg(theme.selection_bg));
    frame.render_widget(&widget, area);
}

fn attachment_line(state: &ComposeState, theme: &Theme) -> Line<'static> {
    // A path typed and not attached yet stays in view, so the next `a`
    // never adds to text the user cannot see.
    let typed = state.text(Field::Attachments);
    let pending = (!typed.trim().is_empty()).then(|| {
        Span::styled(
            format!("typed, not attached: {} (a: go on)", clean_line(&typed)),
            theme.dim(),
        )
    });
    if state.attachments.is_empty() {
        return Line::from(
            pending.unwrap_or_else(|| Span::styled("none (a: attach a file)", theme.dim())),
        );
    }
    let mut spans = Vec::new();
    for (i, a) in state.attachments.iter().enumerate() {
        let text = format!(
            "[{} {} {}]",
            clean_line(&a.name),
            human_size(a.size),
            a.content_type
        );
        let style = if i == state.attachment_selected && state.focus == Field::Attachments {
            Style::new().add_modifier(Modifier::REVERSED)
        } else {
            Style::new()
        };
        spans.push(Span::styled(text, style));
        spans.push(Span::raw(" "));
    }
    spans.extend(pending);
    Line::from(spans)
}

/// "1.2 MB" style sizes.
pub fn human_size(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["B", "KB", "MB", "GB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes} B")
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

fn hint_line(state: &ComposeState, theme: &Theme) -> Line<'static> {
    let keys: &[(&str, &str)] = if state.editing {
        &[
            ("esc", "stop editing"),
            ("tab", "next field"),
            ("ctrl-s", "send"),
            ("ctrl-p", "draft"),
            ("ctrl-o", "editor"),
        ]
    } else {
        &[
            ("enter", "edit"),
            ("s", "send"),
            ("p", "draft"),
            ("e", "editor"),
            ("a", "attach"),
            ("o", "outbox"),
            ("d", "drafts"),
            ("t", "trace"),
        ]
    };
    let mut spans = Vec::new();
    for (key, what) in keys {
        spans.push(Span::styled(format!(" {key}"), theme.key()));
        spans.push(Span::styled(format!(" {what} "), theme.dim()));
    }
    Line::from(spans)
}

/// Completion candidates under the field being typed.
fn suggestions(
    state: &ComposeState,
    theme: &Theme,
    frame: &mut Frame,
    area: Rect,
    rows: &[Rect],
    attach_row: Rect,
) {
    if state.suggestions.is_empty() || !state.editing {
        return;
    }
    let row = match state.focus {
        Field::To => rows[1],
        Field::Cc => rows[2],
        Field::Bcc => rows[3],
        Field::Attachments => attach_row,
        _ => return,
    };
    let shown: Vec<Line> = state
        .suggestions
        .iter()
        .take(crate::app::compose::SUGGESTION_LIMIT)
        .enumerate()
        .map(|(i, s)| {
            let style = if i == 0 { theme.key() } else { Style::new() };
            Line::from(Span::styled(clean_line(s), style))
        })
        .collect();
    let height = (shown.len() as u16 + 2).min(area.bottom().saturating_sub(row.bottom()));
    let popup = Rect {
        x: row.x + LABEL_COLS,
        y: row.bottom(),
        width: row.width.saturating_sub(LABEL_COLS).min(60),
        height,
    };
    frame.render_widget(Clear, popup);
    frame.render_widget(
        Paragraph::new(shown).block(
            Block::bordered()
                .title(Span::styled(" tab completes ", theme.dim()))
                .border_style(theme.dim()),
        ),
        popup,
    );
}

#[cfg(test)]
mod tests;
