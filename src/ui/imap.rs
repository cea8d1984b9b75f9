//! The Inbox's IMAP parts: the sync gauge (messages and bytes) and the
//! protocol trace pane. Server text goes through `clean_line`.

use super::Theme;
use crate::app::App;
use crate::app::imap::AccountSync;
use crate::mail::imap::TraceDir;
use crate::mail::imap::headless::human_bytes;
use crate::sanitize::clean_line;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, LineGauge, Paragraph};

/// Takes the rows the gauge and the trace need off the bottom of `area`;
/// returns what is left for the Inbox.
pub fn render(app: &App, theme: &Theme, frame: &mut Frame, area: Rect) -> Rect {
    let mut rest = area;
    if app.imap.trace_visible && rest.height >= 8 {
        let height = (rest.height * 2 / 5).max(5);
        rest.height -= height;
        trace(
            app,
            theme,
            frame,
            Rect {
                y: rest.y + rest.height,
                height,
                ..rest
            },
        );
    }
    let in_view = app.inbox.current.as_ref().map(|(a, _)| a.as_str());
    if let Some((account, sync)) = app.imap.gauge(in_view)
        && rest.height >= 3
    {
        rest.height -= 1;
        gauge(
            account,
            sync,
            theme,
            frame,
            Rect {
                y: rest.y + rest.height,
                height: 1,
                ..rest
            },
        );
    }
    rest
}

/// The pass of `account`: the folder downloading now and how far.
fn gauge(account: &str, sync: &AccountSync, theme: &Theme, frame: &mut Frame, area: Rect) {
    let (folder, p) = sync.current.clone().unwrap_or_default();
    let ratio = if p.messages_total == 0 {
        0.0
    } else {
        (p.messages_done as f64 / p.messages_total as f64).clamp(0.0, 1.0)
    };
    let folders = sync
        .pass
        .as_ref()
        .map(|pass| {
            format!(
                "folder {}/{}",
                (pass.done + 1).min(pass.folders.len()),
                pass.folders.len()
            )
        })
        .unwrap_or_default();
    let label = format!(
        "Syncing {}/{}  {folders}  {}/{} messages  {}  (X cancels)",
        clean_line(account),
        clean_line(&folder),
        p.messages_done,
        p.messages_total,
        human_bytes(p.bytes_done)
    );
    let widget = LineGauge::default()
        .ratio(ratio)
        .label(label)
        .filled_style(theme.key())
        .unfilled_style(theme.dim());
    frame.render_widget(widget, area);
}

fn trace(app: &App, theme: &Theme, frame: &mut Frame, area: Rect) {
    let block = Block::default()
        .borders(Borders::TOP)
        .border_style(theme.border())
        .title(Span::styled(" IMAP trace (T hides) ", theme.title()));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let rows = inner.height as usize;
    let trace = &app.imap.trace;
    if trace.is_empty() {
        let hint = Line::styled("No IMAP conversation yet: press s to sync.", theme.dim());
        frame.render_widget(Paragraph::new(hint), inner);
        return;
    }
    let lines: Vec<Line> = trace
        .iter()
        .skip(trace.len().saturating_sub(rows))
        .map(|(account, line)| {
            let (marker, style) = match line.dir {
                TraceDir::Sent => ("C: ", theme.key()),
                TraceDir::Received => ("S: ", ratatui::style::Style::default()),
                TraceDir::Note => ("-- ", theme.dim()),
            };
            Line::from(vec![
                Span::styled(format!("{} ", clean_line(account)), theme.dim()),
                Span::styled(marker, style),
                Span::styled(clean_line(&line.text), style),
            ])
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), inner);
}
