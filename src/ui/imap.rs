//! The Inbox's IMAP parts: the sync gauge (messages and bytes) and the
//! protocol trace pane. Server text goes through `clean_line`.

use super::Theme;
use crate::app::App;
use crate::app::imap::SyncStatus;
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
    if let Some(sync) = &app.imap.sync
        && rest.height >= 3
    {
        rest.height -= 1;
        gauge(
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

fn gauge(sync: &SyncStatus, theme: &Theme, frame: &mut Frame, area: Rect) {
    let p = sync.progress;
    let ratio = if p.messages_total == 0 {
        0.0
    } else {
        (p.messages_done as f64 / p.messages_total as f64).clamp(0.0, 1.0)
    };
    let label = format!(
        "Syncing {}/{}  {}/{} messages  {}  (X cancels)",
        clean_line(&sync.account),
        clean_line(&sync.folder),
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
