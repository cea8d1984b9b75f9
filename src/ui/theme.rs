//! Colours from the config resolved once, and the styles built from them.

use crate::config::{ColorSpec, ThemeConfig};
use ratatui::style::{Color, Modifier, Style};
use std::str::FromStr;

/// Resolved colours and the styles built from them.
#[derive(Debug, Clone, Copy)]
pub struct Theme {
    pub accent: Color,
    pub tab_active: Color,
    pub status_bg: Color,
    pub status_fg: Color,
    pub error: Color,
    pub warning: Color,
    pub dim: Color,
    pub selection_bg: Color,
}

impl Default for Theme {
    fn default() -> Theme {
        Theme {
            accent: Color::Cyan,
            tab_active: Color::Cyan,
            status_bg: Color::DarkGray,
            status_fg: Color::White,
            error: Color::LightRed,
            warning: Color::Yellow,
            dim: Color::Gray,
            selection_bg: Color::Blue,
        }
    }
}

impl Theme {
    pub fn from_config(config: &ThemeConfig) -> Theme {
        let d = Theme::default();
        let pick = |spec: &Option<ColorSpec>, fallback: Color| {
            spec.as_ref()
                .and_then(|s| Color::from_str(&s.0).ok())
                .unwrap_or(fallback)
        };
        Theme {
            accent: pick(&config.accent, d.accent),
            tab_active: pick(&config.tab_active, d.tab_active),
            status_bg: pick(&config.status_bg, d.status_bg),
            status_fg: pick(&config.status_fg, d.status_fg),
            error: pick(&config.error, d.error),
            warning: pick(&config.warning, d.warning),
            dim: pick(&config.dim, d.dim),
            selection_bg: pick(&config.selection_bg, d.selection_bg),
        }
    }

    pub fn title(&self) -> Style {
        Style::new().fg(self.accent).add_modifier(Modifier::BOLD)
    }

    pub fn dim(&self) -> Style {
        Style::new().fg(self.dim)
    }

    pub fn key(&self) -> Style {
        Style::new().fg(self.accent).add_modifier(Modifier::BOLD)
    }

    pub fn border(&self) -> Style {
        Style::new().fg(self.accent)
    }
}
