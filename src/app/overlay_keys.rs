//! Keys while an overlay is open (help, the messages panel, the
//! certificate view, the quit question): closing, scrolling, toggles.

use super::{Action, App, Command, Overlay};

impl App {
    pub(super) fn on_overlay_action(&mut self, action: Action) -> Vec<Command> {
        let page = self.size.1.saturating_sub(6).max(1);
        match (&mut self.overlay, action) {
            (Some(Overlay::ConfirmQuit), Action::Confirm | Action::Quit) => {
                self.should_quit = true;
            }
            (Some(Overlay::ConfirmQuit), Action::Cancel) => self.overlay = None,
            (Some(Overlay::Help { .. }), Action::Cancel | Action::ToggleHelp) => {
                self.overlay = None;
            }
            (Some(Overlay::Help { .. }), Action::HelpToggleNames) => {
                self.help_names = !self.help_names;
            }
            (Some(Overlay::Help { .. }), Action::Quit) => {
                self.overlay = None;
                self.request_quit();
            }
            (
                Some(Overlay::Messages { .. }),
                Action::Cancel | Action::Quit | Action::ShowMessages,
            ) => self.overlay = None,
            (Some(Overlay::Certificate { .. }), Action::Cancel | Action::Quit) => {
                self.overlay = None;
            }
            (Some(Overlay::Certificate { scroll }), scrolling) => {
                // 9 rows per certificate is plenty; the renderer clamps.
                let max = self
                    .sockets
                    .current()
                    .and_then(|s| s.tls.as_ref())
                    .map_or(0, |t| {
                        u16::try_from(t.chain.len() * 9 + 8).unwrap_or(u16::MAX)
                    });
                *scroll = scroll_by(*scroll, scrolling, page, max, false);
            }
            (Some(Overlay::Help { .. }), Action::ShowMessages) => {
                self.overlay = Some(Overlay::Messages { scroll: 0 });
            }
            (Some(Overlay::Messages { scroll }), scrolling) => {
                // Scrolled up from the newest; the renderer clamps to the
                // content.
                let max = u16::try_from(self.status.history.len() * 4).unwrap_or(u16::MAX);
                *scroll = scroll_by(*scroll, scrolling, page, max, true);
            }
            (Some(Overlay::Help { scroll }), scrolling) => {
                // The renderer clamps to the content; keep the stored value
                // bounded so "up" after a long "down" responds at once.
                // Long lines wrap on screen: twice the lines bounds them.
                let max = super::help_line_count(&self.keymap).saturating_mul(2);
                *scroll = scroll_by(*scroll, scrolling, page, max, false);
            }
            _ => return Vec::new(),
        }
        self.dirty = true;
        Vec::new()
    }
}

/// A scroll position after a scrolling action, within `0..=max`. With
/// `from_end` the position counts up from the bottom, so "up" grows it.
fn scroll_by(scroll: u16, action: Action, page: u16, max: u16, from_end: bool) -> u16 {
    // Up is towards the top: older lines.
    let up = |n: u16| {
        if from_end {
            scroll.saturating_add(n)
        } else {
            scroll.saturating_sub(n)
        }
    };
    let down = |n: u16| {
        if from_end {
            scroll.saturating_sub(n)
        } else {
            scroll.saturating_add(n)
        }
    };
    let (top, bottom) = if from_end { (max, 0) } else { (0, max) };
    match action {
        Action::ScrollUp => up(1),
        Action::ScrollDown => down(1),
        Action::PageUp => up(page),
        Action::PageDown => down(page),
        Action::ScrollTop => top,
        Action::ScrollBottom => bottom,
        _ => scroll,
    }
    .min(max)
}
