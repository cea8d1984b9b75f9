//! The folder picker of move and copy, over the Inbox: the filter line
//! (the shared one-line editor) and the folders that match, each as
//! "account / folder", the cursor's folder highlighted.

use super::text::fit;
use crate::app::inbox::FolderPicker;
use crate::sanitize::clean_line;
use crate::store::FolderSummary;
use crate::ui::{Theme, centered, draw_text_line};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};

/// Most folder rows the popup shows at once.
const MAX_ROWS: u16 = 18;

pub fn render(
    picker: &FolderPicker,
    folders: &[FolderSummary],
    theme: &Theme,
    frame: &mut Frame,
    area: Rect,
) {
    let choices = picker.choices(folders);
    let rows = (choices.len() as u16).clamp(1, MAX_ROWS);
    let popup = centered(area, 56, rows + 4);
    let title = format!(" {} folder ", picker.purpose.title());
    let block = Block::bordered()
        .title(Span::styled(title, theme.title()))
        .title_bottom(Line::from(" Enter choose · Esc cancel ").right_aligned())
        .border_style(theme.border());
    let inner = block.inner(popup);
    frame.render_widget(Clear, popup);
    frame.render_widget(block, popup);
    if inner.height < 2 {
        return;
    }
    let filter = Rect { height: 1, ..inner };
    let prompt = Span::styled("Folder: ", theme.key());
    draw_text_line(
        frame,
        filter,
        prompt,
        &picker.filter,
        Default::default(),
        true,
    );
    let list = Rect {
        y: inner.y + 2,
        height: inner.height.saturating_sub(2),
        ..inner
    };
    if choices.is_empty() {
        let none = Line::from(Span::styled("no folder matches", theme.dim()));
        frame.render_widget(Paragraph::new(none), list);
        return;
    }
    frame.render_widget(Paragraph::new(rows_of(picker, &choices, list, theme)), list);
}

/// The visible folder rows, scrolled so the cursor's row shows.
fn rows_of<'a>(
    picker: &FolderPicker,
    choices: &[&FolderSummary],
    list: Rect,
    theme: &Theme,
) -> Vec<Line<'a>> {
    let (width, height) = (usize::from(list.width), usize::from(list.height));
    let top = picker.cursor.saturating_sub(height.saturating_sub(1));
    choices
        .iter()
        .enumerate()
        .skip(top)
        .take(height)
        .map(|(i, f)| {
            let text = format!("{} / {}", clean_line(&f.account), clean_line(&f.name));
            let line = Line::from(fit(&text, width));
            if i == picker.cursor {
                line.style(theme.key().add_modifier(Modifier::REVERSED))
            } else {
                line
            }
        })
        .collect()
}
