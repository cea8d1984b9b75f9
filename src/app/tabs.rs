//! The three tabs and the geometry of the tab bar. The geometry lives here,
//! not in the renderer, because mouse clicks are resolved against it too.

use unicode_width::UnicodeWidthStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Tab {
    #[default]
    Sockets,
    Compose,
    Inbox,
}

impl From<crate::config::StartTab> for Tab {
    fn from(start: crate::config::StartTab) -> Tab {
        match start {
            crate::config::StartTab::Inbox => Tab::Inbox,
            crate::config::StartTab::Compose => Tab::Compose,
            crate::config::StartTab::Sockets => Tab::Sockets,
        }
    }
}

impl Tab {
    pub const ALL: [Tab; 3] = [Tab::Sockets, Tab::Compose, Tab::Inbox];

    pub fn title(self) -> &'static str {
        match self {
            Tab::Sockets => "Sockets",
            Tab::Compose => "Compose",
            Tab::Inbox => "Inbox",
        }
    }

    fn index(self) -> usize {
        Tab::ALL.iter().position(|t| *t == self).unwrap_or(0)
    }

    pub fn next(self) -> Tab {
        Tab::ALL[(self.index() + 1) % Tab::ALL.len()]
    }

    pub fn prev(self) -> Tab {
        Tab::ALL[(self.index() + Tab::ALL.len() - 1) % Tab::ALL.len()]
    }

    /// The label in the tab bar, e.g. " 1 Sockets ".
    pub fn label(self) -> String {
        format!(" {} {} ", self.index() + 1, self.title())
    }
}

/// Text at the left of the tab bar, before the tabs.
pub const TAB_BAR_BRAND: &str = " wirepost ";
/// Columns between two tab labels.
pub const TAB_GAP: u16 = 1;

/// Each tab with the columns `[start, end)` it occupies in the tab bar.
pub fn tab_columns() -> Vec<(Tab, u16, u16)> {
    let mut x = TAB_BAR_BRAND.width() as u16 + TAB_GAP;
    Tab::ALL
        .iter()
        .map(|tab| {
            let width = tab.label().width() as u16;
            let entry = (*tab, x, x + width);
            x += width + TAB_GAP;
            entry
        })
        .collect()
}

/// The tab under column `x` of the tab bar, if any.
pub fn tab_at_column(x: u16) -> Option<Tab> {
    tab_columns()
        .into_iter()
        .find(|(_, start, end)| (*start..*end).contains(&x))
        .map(|(tab, _, _)| tab)
}
