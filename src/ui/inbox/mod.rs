//! The Inbox tab: folders on the left, the message list on the right and
//! the open message below it. Everything drawn from a message or a server
//! went through `clean_line`/`clean_text` (list rows here, viewer lines
//! when they were laid out).

mod folders;
mod list;
mod picker;
mod text;
mod viewer;

use super::{Theme, empty};
use crate::app::App;
use crate::app::inbox::inbox_areas;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Span;

pub fn render(app: &App, theme: &Theme, frame: &mut Frame, area: Rect) {
    let inbox = &app.inbox;
    let area = super::imap::render(app, theme, frame, area);
    // With an account configured the folder pane shows from the start:
    // it says how each account stands while its first sync runs.
    let panes = inbox.folders.iter().any(|f| f.total > 0) || !inbox.accounts.is_empty();
    let areas = inbox_areas(area, inbox.viewer.is_some(), inbox.typing());
    if panes && areas.folders.width == 0 && inbox.focus == crate::app::inbox::Focus::Folders {
        // Too narrow for two panes: the folder list takes the whole width
        // while it has the keys.
        let height = area.height - areas.input.map_or(0, |i| i.height);
        folders::render(app, theme, frame, Rect { height, ..area });
    } else if panes {
        folders::render(app, theme, frame, areas.folders);
        if areas.list.height > 0 && inbox.current.is_none() {
            empty::inbox(app, theme, frame, areas.list);
        } else if areas.list.height > 0 {
            list::render(app, theme, frame, areas.list);
        }
        if let Some(viewer_area) = areas.viewer {
            viewer::render(app, theme, frame, viewer_area);
        }
    } else {
        let height = area.height - areas.input.map_or(0, |i| i.height);
        empty::inbox(app, theme, frame, Rect { height, ..area });
    }
    if let (Some(input), Some(input_area)) = (&inbox.input, areas.input) {
        crate::ui::draw_text_line(
            frame,
            input_area,
            Span::styled(input.kind.prompt(), theme.key()),
            &input.line,
            ratatui::style::Style::default(),
            true,
        );
    }
    if let Some(picker) = &inbox.picker {
        picker::render(picker, &inbox.folders, theme, frame, area);
    }
}

#[cfg(test)]
mod tests;
