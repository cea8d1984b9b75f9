//! The form's PGP row: what will be done to the message and, when it is
//! encrypted, which recipients have a key and which cannot receive it
//! and why, before anything is sent.

use super::Theme;
use crate::app::compose::ComposeState;
use crate::mail::compose::secure::key_reason;
use crate::pgp::KeyState;
use crate::sanitize::clean_line;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};

/// The row's height: shown only when the message is signed or encrypted.
pub fn rows(state: &ComposeState) -> u16 {
    u16::from(state.protection.any())
}

pub fn line(state: &ComposeState, theme: &Theme) -> Line<'static> {
    let mut spans = vec![
        Span::styled(format!("{:>7}  ", "PGP"), theme.dim()),
        Span::styled(
            state.protection.describe().to_string(),
            Style::new().add_modifier(Modifier::BOLD),
        ),
    ];
    if state.protection.encrypt {
        spans.push(Span::styled("  ·  ", theme.dim()));
        spans.extend(recipients(state, theme));
    }
    spans.push(Span::styled("   S/E: toggle", theme.dim()));
    Line::from(spans)
}

fn recipients(state: &ComposeState, theme: &Theme) -> Vec<Span<'static>> {
    let warning = Style::new().fg(theme.warning);
    match &state.keys.states {
        None if state.keys.asked.is_empty() => {
            vec![Span::styled(
                "keys are checked once recipients are filled in",
                theme.dim(),
            )]
        }
        None => vec![Span::styled("checking keys…", theme.dim())],
        Some(Err(e)) => vec![Span::styled(
            format!("cannot check keys: {}", clean_line(e)),
            warning,
        )],
        Some(Ok(states)) => {
            let mut spans = Vec::new();
            for (i, (address, state)) in states.iter().enumerate() {
                if i > 0 {
                    spans.push(Span::raw(", "));
                }
                spans.push(Span::raw(clean_line(address)));
                spans.push(match state {
                    KeyState::Usable { .. } => Span::styled(" ✓", Style::new().fg(Color::Green)),
                    other => Span::styled(
                        format!(" ✗ {}", key_reason(other)),
                        Style::new().fg(theme.error).add_modifier(Modifier::BOLD),
                    ),
                });
            }
            spans
        }
    }
}
