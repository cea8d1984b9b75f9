//! The open message: its laid-out lines from the scroll position, matches
//! of the in-message search highlighted, and the attachment list.

use super::text::{fit, size};
use crate::app::App;
use crate::app::inbox::{Focus, PgpTone, ViewMode, Viewer};
use crate::sanitize::clean_line;
use crate::ui::Theme;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Padding, Paragraph};

/// Attachment rows shown at most before the list scrolls.
const MAX_ATTACHMENT_ROWS: u16 = 5;

pub fn render(app: &App, theme: &Theme, frame: &mut Frame, area: Rect) {
    let Some(viewer) = &app.inbox.viewer else {
        return;
    };
    let focused = app.inbox.focus == Focus::Viewer;
    let subject = viewer
        .message()
        .map_or(String::new(), |m| clean_line(&m.subject));
    let mode = match viewer.mode {
        ViewMode::Text => "",
        ViewMode::HtmlSource => "[HTML source] ",
        ViewMode::Raw => "[raw source] ",
        ViewMode::Headers => "[all headers] ",
    };
    let position = format!(
        " {}/{} ",
        (viewer.scroll + 1).min(viewer.lines.len()),
        viewer.lines.len()
    );
    let block = Block::bordered()
        .title(Line::from(vec![
            Span::styled(format!(" {mode}"), Style::new().fg(theme.warning)),
            Span::styled(format!("{subject} "), theme.title()),
        ]))
        .title_bottom(Line::from(Span::styled(position, theme.dim())).right_aligned())
        .border_style(if focused { theme.border() } else { theme.dim() })
        .padding(Padding::horizontal(1));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let attachments = viewer.message().map_or(0, |m| m.attachments.len());
    let attachment_rows = if attachments > 0 && viewer.mode == ViewMode::Text {
        (attachments as u16).min(MAX_ATTACHMENT_ROWS) + 1
    } else {
        0
    };
    let [text_area, attachment_area] = Layout::vertical([
        Constraint::Min(1),
        Constraint::Length(attachment_rows.min(inner.height / 2)),
    ])
    .areas(inner);
    let find = viewer.find.as_deref().map(str::to_lowercase);
    let lines: Vec<Line> = viewer
        .lines
        .iter()
        .enumerate()
        .skip(viewer.scroll)
        .take(usize::from(text_area.height))
        .map(
            |(row, line)| match viewer.pgp_rows.iter().find(|(r, _)| *r == row) {
                Some((_, tone)) => pgp_line(line, *tone, theme),
                None => highlight(line, find.as_deref(), theme),
            },
        )
        .collect();
    frame.render_widget(Paragraph::new(lines), text_area);
    if attachment_area.height > 0 {
        render_attachments(viewer, theme, frame, attachment_area);
    }
}

fn render_attachments(viewer: &Viewer, theme: &Theme, frame: &mut Frame, area: Rect) {
    let Some(message) = viewer.message() else {
        return;
    };
    let width = usize::from(area.width);
    let mut lines = vec![Line::from(Span::styled(
        fit(
            &format!(
                "Attachments ({}) — a: next  w: save  W: save all  O: open  |: pipe",
                message.attachments.len()
            ),
            width,
        ),
        theme.dim().add_modifier(Modifier::UNDERLINED),
    ))];
    let rows = usize::from(area.height.saturating_sub(1));
    let skip = viewer.attachment.saturating_sub(rows.saturating_sub(1));
    for (i, attachment) in message.attachments.iter().enumerate().skip(skip).take(rows) {
        let size_text = size(attachment.size as u64);
        let mime_cols = 24.min(width / 3);
        let name_cols = width.saturating_sub(mime_cols + size_text.len() + 4);
        let text = format!(
            "{} {} {} {size_text}",
            if i == viewer.attachment { '>' } else { ' ' },
            fit(&clean_line(&attachment.name), name_cols),
            fit(&clean_line(&attachment.mime), mime_cols),
        );
        let style = if i == viewer.attachment {
            Style::new().bg(theme.selection_bg)
        } else {
            Style::new()
        };
        lines.push(Line::from(Span::styled(text, style)));
    }
    frame.render_widget(Paragraph::new(lines), area);
}

/// An OpenPGP status row: green when good, yellow when it needs a look,
/// red and bold when something is wrong.
fn pgp_line<'a>(line: &'a str, tone: PgpTone, theme: &Theme) -> Line<'a> {
    let style = match tone {
        PgpTone::Good => Style::new().fg(ratatui::style::Color::Green),
        PgpTone::Warning => Style::new().fg(theme.warning),
        PgpTone::Alarm => Style::new().fg(theme.error).add_modifier(Modifier::BOLD),
    };
    Line::from(Span::styled(line, style))
}

/// The line with every case-insensitive match of `find` highlighted.
fn highlight<'a>(line: &'a str, find: Option<&str>, theme: &Theme) -> Line<'a> {
    let Some(needle) = find.filter(|f| !f.is_empty()) else {
        return Line::raw(line);
    };
    let lower = line.to_lowercase();
    // Lower-casing can change byte lengths (rare); then skip highlighting.
    if lower.len() != line.len() {
        return Line::raw(line);
    }
    let mut spans = Vec::new();
    let mut at = 0;
    while let Some(pos) = lower[at..].find(needle) {
        let start = at + pos;
        let end = start + needle.len();
        if !line.is_char_boundary(start) || !line.is_char_boundary(end) {
            break;
        }
        spans.push(Span::raw(&line[at..start]));
        spans.push(Span::styled(
            &line[start..end],
            Style::new().fg(theme.status_bg).bg(theme.warning),
        ));
        at = end;
    }
    spans.push(Span::raw(&line[at..]));
    Line::from(spans)
}
