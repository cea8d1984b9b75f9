//! The Sockets tab's two text lines: the input line (what Enter sends,
//! and to whom) and the `:` command line with the commands that match
//! what is typed. Both scroll sideways around the cursor.

use crate::app::sockets::{Focus, SocketSession, Sockets, prompt};
use crate::ui::{Theme, draw_text_line};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};
use unicode_width::UnicodeWidthStr;

pub(super) fn input_line(
    sockets: &Sockets,
    s: &SocketSession,
    theme: &Theme,
    frame: &mut Frame,
    area: Rect,
) {
    let focused = sockets.focus == Focus::Input && sockets.prompt.is_none();
    let target = if s.kind.is_listener() {
        format!(" to all {} clients ", sockets.open_children(s.id).len())
    } else if let Some(peer) = s.selected_peer() {
        format!(" to {peer} ")
    } else {
        " ".to_string()
    };
    let title = if focused {
        format!(" Send{target}· Enter sends, Esc leaves, : commands ")
    } else {
        format!(" Send{target}· Enter or i to type, : commands, ? keys ")
    };
    let block = Block::bordered()
        .title(Span::styled(
            title,
            if focused { theme.title() } else { theme.dim() },
        ))
        .border_style(if focused { theme.border() } else { theme.dim() });
    let inner = block.inner(area);
    frame.render_widget(block, area);
    draw_text_line(
        frame,
        inner,
        Span::raw(""),
        &sockets.input,
        Style::new(),
        focused,
    );
}

pub(super) fn command_line(sockets: &Sockets, theme: &Theme, frame: &mut Frame, area: Rect) {
    let Some(line) = &sockets.prompt else { return };
    draw_text_line(
        frame,
        area,
        Span::styled(":", theme.key()),
        line,
        Style::new(),
        true,
    );
    let word = line.text().split(' ').next().unwrap_or("");
    hints(word, theme, frame, area);
}

/// The commands that match the word typed so far, above the command line;
/// when only one does, its note too.
fn hints(word: &str, theme: &Theme, frame: &mut Frame, area: Rect) {
    let matching = prompt::matching(word);
    if matching.is_empty() || area.y < 2 {
        return;
    }
    let mut rows: Vec<Line> = matching
        .iter()
        .map(|c| {
            Line::from(vec![
                Span::styled(format!(" {}", c.syntax), theme.key()),
                Span::styled(format!("  {}", c.what), theme.dim()),
            ])
        })
        .collect();
    let inner_width = usize::from(area.width.saturating_sub(2)).max(1);
    let mut height = rows
        .iter()
        .map(|r| r.width().div_ceil(inner_width).max(1))
        .sum::<usize>();
    if let [only] = matching.as_slice()
        && let Some(note) = only.note
    {
        rows.push(Line::from(Span::styled(format!(" {note}"), theme.dim())));
        height += (note.width() + 1).div_ceil(inner_width);
    }
    let height = (height as u16 + 2).min(area.y);
    let hint_area = Rect {
        x: area.x,
        y: area.y - height,
        width: area.width,
        height,
    };
    frame.render_widget(Clear, hint_area);
    frame.render_widget(
        Paragraph::new(rows).wrap(Wrap { trim: false }).block(
            Block::bordered()
                .border_style(theme.dim())
                .title(Span::styled(
                    " Tab completes · ↑↓ history · Enter runs · Esc cancels ",
                    theme.dim(),
                )),
        ),
        hint_area,
    );
}
