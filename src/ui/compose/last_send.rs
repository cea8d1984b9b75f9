//! The lines under the form that tell how the last send went: running,
//! sent (with refusals and warnings), failed, or of unknown delivery.

use super::Theme;
use crate::app::compose::{ComposeState, LastSend};
use crate::mail::compose::engine::SendSummary;
use crate::mail::smtp::Refusal;
use crate::sanitize::clean_line;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};

pub(super) fn last_send_lines(state: &ComposeState, theme: &Theme) -> Vec<Line<'static>> {
    let Some(last) = &state.last_send else {
        return Vec::new();
    };
    match last {
        LastSend::Running { stage } => vec![Line::from(Span::styled(
            format!("Sending: {}…", clean_line(stage)),
            theme.key(),
        ))],
        LastSend::Sent { summary } => sent_lines(summary, theme),
        LastSend::Unknown { reason } => unknown_lines(reason, theme),
        LastSend::NotQueued { error } => vec![Line::from(Span::styled(
            format!("Not sent (the form still has it): {}", clean_line(error)),
            Style::new().fg(theme.error),
        ))],
        LastSend::Failed { error, refused } => {
            let mut lines = vec![Line::from(Span::styled(
                format!("Not sent, kept in the Outbox (o): {}", clean_line(error)),
                Style::new().fg(theme.error),
            ))];
            lines.extend(refused.iter().map(|r| refusal_line(r, theme)));
            lines
        }
    }
}

fn sent_lines(summary: &SendSummary, theme: &Theme) -> Vec<Line<'static>> {
    let mut lines = vec![Line::from(Span::styled(
        format!(
            "Sent to {} — {}",
            clean_line(&summary.accepted.join(", ")),
            clean_line(&summary.reply)
        ),
        theme.title(),
    ))];
    lines.extend(summary.refused.iter().map(|r| refusal_line(r, theme)));
    for warning in &summary.warnings {
        lines.push(Line::from(Span::styled(
            format!("  {}", clean_line(warning)),
            Style::new().fg(theme.warning),
        )));
    }
    lines
}

fn unknown_lines(reason: &str, theme: &Theme) -> Vec<Line<'static>> {
    vec![
        Line::from(Span::styled(
            "Delivery unknown: the connection broke after the whole message went out.".to_string(),
            Style::new().fg(theme.error).add_modifier(Modifier::BOLD),
        )),
        Line::from(Span::styled(
            format!(
                "The server may have it. Kept in the Outbox (o), not sent again unless you \
                 ask: {}",
                clean_line(reason)
            ),
            Style::new().fg(theme.error),
        )),
    ]
}

/// A recipient the server refused, with its reply.
fn refusal_line(refusal: &Refusal, theme: &Theme) -> Line<'static> {
    Line::from(Span::styled(
        format!(
            "  refused {}: {}",
            clean_line(&refusal.recipient),
            clean_line(&refusal.reply)
        ),
        Style::new().fg(theme.error),
    ))
}
