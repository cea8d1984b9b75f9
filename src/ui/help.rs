//! The help overlay: the key reference, generated from the live keymap.
//! Descriptions wrap under themselves instead of being cut; with
//! `help_toggle_names` each line also shows the action's config name.

use super::{Theme, centered};
use crate::app::{Action, App, HelpLine, KeyContext, help_lines};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Padding, Paragraph};
use unicode_width::UnicodeWidthStr;

const KEY_COLUMN_WIDTH: usize = 18;
/// The widest the overlay gets, in columns.
const MAX_WIDTH: u16 = 100;

/// The key reference over the body, generated from the keymap.
pub fn render(app: &App, theme: &Theme, scroll: u16, frame: &mut Frame, area: Rect) {
    let width = area.width.saturating_sub(4).clamp(20, MAX_WIDTH);
    // Borders and padding take two columns each side.
    let text_width = usize::from(width.saturating_sub(4));
    let mut lines: Vec<Line> = Vec::new();
    for line in help_lines(&app.keymap) {
        match line {
            HelpLine::Heading(title) => lines.push(Line::from(Span::styled(title, theme.title()))),
            HelpLine::Binding {
                keys,
                description,
                name,
            } => binding_lines(
                &mut lines,
                theme,
                &keys,
                description,
                app.help_names.then_some(name),
                text_width,
            ),
            HelpLine::Note(text) => note_lines(&mut lines, text, text_width),
            HelpLine::Blank => lines.push(Line::default()),
        }
    }
    let height = lines.len() as u16 + 2;
    let popup = centered(area, width, height);
    let visible = popup.height.saturating_sub(2);
    let scroll = scroll.min((lines.len() as u16).saturating_sub(visible));
    let block = Block::bordered()
        .title(" Keys ")
        .title_bottom(Line::from(footer(app)).right_aligned())
        .border_style(theme.border())
        .padding(Padding::horizontal(1));
    frame.render_widget(Clear, popup);
    frame.render_widget(
        Paragraph::new(lines)
            .block(block)
            .scroll((scroll, 0))
            .style(Style::new()),
        popup,
    );
}

/// " Esc close · a action names ".
fn footer(app: &App) -> String {
    let key = |action| {
        app.keymap
            .keys_for(KeyContext::Overlay, action)
            .first()
            .map(ToString::to_string)
    };
    let mut parts = Vec::new();
    if let Some(k) = key(Action::Cancel) {
        parts.push(format!("{k} close"));
    }
    if let Some(k) = key(Action::HelpToggleNames) {
        let what = if app.help_names {
            "hide names"
        } else {
            "action names"
        };
        parts.push(format!("{k} {what}"));
    }
    if parts.is_empty() {
        String::new()
    } else {
        format!(" {} ", parts.join(" · "))
    }
}

/// One binding: keys, then the description wrapped at word boundaries
/// under itself, then (on request) the action's name.
fn binding_lines(
    lines: &mut Vec<Line<'static>>,
    theme: &Theme,
    keys: &str,
    description: &str,
    name: Option<&str>,
    text_width: usize,
) {
    let indent = 2 + KEY_COLUMN_WIDTH.max(keys.width() + 1);
    let room = text_width.saturating_sub(indent).max(10);
    let mut words: Vec<(String, bool)> = description
        .split_whitespace()
        .map(|w| (w.to_string(), false))
        .collect();
    if let Some(name) = name {
        words.push((format!("[{name}]"), true));
    }
    let mut rows: Vec<Vec<(String, bool)>> = vec![Vec::new()];
    let mut used = 0;
    for (word, is_name) in words {
        let w = word.width();
        let last = rows.last_mut().expect("one row");
        if !last.is_empty() && used + 1 + w > room {
            rows.push(vec![(word, is_name)]);
            used = w;
        } else {
            used += w + usize::from(!last.is_empty());
            last.push((word, is_name));
        }
    }
    for (i, row) in rows.into_iter().enumerate() {
        let lead = if i == 0 {
            Span::styled(format!("  {keys:<width$}", width = indent - 2), theme.key())
        } else {
            Span::raw(" ".repeat(indent))
        };
        let mut spans = vec![lead];
        for (j, (word, is_name)) in row.into_iter().enumerate() {
            let text = if j == 0 { word } else { format!(" {word}") };
            spans.push(if is_name {
                Span::styled(text, theme.dim())
            } else {
                Span::raw(text)
            });
        }
        lines.push(Line::from(spans));
    }
}

/// A sentence, wrapped at word boundaries and indented like the bindings.
fn note_lines(lines: &mut Vec<Line<'static>>, text: &str, text_width: usize) {
    let room = text_width.saturating_sub(2).max(10);
    let mut row = String::new();
    for word in text.split_whitespace() {
        if !row.is_empty() && row.width() + 1 + word.width() > room {
            lines.push(Line::raw(format!("  {row}")));
            row.clear();
        }
        if !row.is_empty() {
            row.push(' ');
        }
        row.push_str(word);
    }
    if !row.is_empty() {
        lines.push(Line::raw(format!("  {row}")));
    }
}
