//! The lines above a session's transcript: what it is and how it stands
//! (addresses, state, error, TLS), warnings, and the view and input
//! settings in effect.

use crate::app::sockets::{SessionState, SocketSession, ViewMode};
use crate::net::escape::human_bytes;
use crate::net::session::SessionKind;
use crate::sanitize::clean_line;
use crate::ui::Theme;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};

/// A session state's colour, in the list and above the transcript alike.
pub(super) fn state_style(state: &SessionState, theme: &Theme) -> Style {
    match state {
        SessionState::Connected | SessionState::Listening => Style::new().fg(theme.accent),
        SessionState::Failed(_) => Style::new().fg(theme.error),
        SessionState::HalfClosed | SessionState::Connecting => Style::new().fg(theme.warning),
        SessionState::Closed => theme.dim(),
    }
}

pub(super) fn info_lines(s: &SocketSession, theme: &Theme, view: ViewMode) -> Vec<Line<'static>> {
    let mut lines = vec![headline(s, theme)];
    if let SessionState::Failed(error) = &s.state {
        lines.push(Line::from(Span::styled(
            clean_line(error),
            Style::new().fg(theme.error),
        )));
    }
    lines.extend(tls_lines(s, theme));
    let insecure = s.tls_options.accept_invalid_certs
        && (s.tls.is_some() || matches!(s.kind, SessionKind::Tls));
    if insecure {
        lines.push(Line::from(Span::styled(
            "⚠ certificate NOT verified (insecure) · t: details",
            Style::new().fg(theme.warning).add_modifier(Modifier::BOLD),
        )));
    }
    if let Some(warning) = &s.warning {
        lines.push(Line::from(Span::styled(
            format!("⚠ {}", clean_line(warning)),
            Style::new().fg(theme.warning),
        )));
    }
    lines.push(settings_line(s, theme, view));
    lines.extend(run_line(s, theme));
    lines.extend(peer_lines(s, theme));
    lines
}

/// Kind, address, state, and the socket's two ends once known.
fn headline(s: &SocketSession, theme: &Theme) -> Line<'static> {
    let mut spans = vec![
        Span::styled(format!("{} ", s.kind.label()), theme.title()),
        Span::raw(clean_line(&s.address)),
        Span::raw("  "),
        Span::styled(s.state_label().to_string(), state_style(&s.state, theme)),
    ];
    match (s.local, s.peer) {
        (Some(local), Some(peer)) => {
            spans.push(Span::styled(format!("  {local} → {peer}"), theme.dim()))
        }
        (Some(local), None) => spans.push(Span::styled(format!("  on {local}"), theme.dim())),
        _ => {}
    }
    Line::from(spans)
}

/// The TLS verdict and the server's own certificate in two lines; the
/// certificate view (`t`) has the whole chain and the raw reason.
fn tls_lines(s: &SocketSession, theme: &Theme) -> Vec<Line<'static>> {
    let Some(tls) = &s.tls else {
        return Vec::new();
    };
    let line = |text: String, style: Style| Line::from(Span::styled(clean_line(&text), style));
    let verdict_style = if tls.refused {
        Style::new().fg(theme.error)
    } else if tls.verified {
        theme.dim()
    } else {
        Style::new().fg(theme.warning)
    };
    let mut lines = vec![if tls.refused {
        // The verdict is the session's error, shown just above.
        line(
            "certificate refused · t shows the chain and the raw reason".into(),
            verdict_style,
        )
    } else {
        // The verdict first: a narrow screen cuts the tail, and `t`
        // shows it all.
        line(
            format!(
                "{} · {} {} · t: details",
                tls.verdict, tls.protocol, tls.cipher
            ),
            verdict_style,
        )
    }];
    if let Some(leaf) = tls.chain.first() {
        let names = if leaf.names.is_empty() {
            "no names".to_string()
        } else {
            leaf.names.join(", ")
        };
        let whose = if tls.ours { "ours: " } else { "" };
        lines.push(line(
            format!(
                "{whose}{} · {names} · {} · {} · SHA-256 {}…",
                leaf.subject,
                leaf.validity(tls.at),
                leaf.key,
                leaf.sha256.get(..23).unwrap_or(&leaf.sha256),
            ),
            theme.dim(),
        ));
    }
    if let Some(pin) = &tls.pin
        && !tls.refused
    {
        lines.push(line(format!("pin: {pin}"), Style::new().fg(theme.warning)));
    }
    lines
}

/// The view, what Enter adds, the input mode and what the transcript cap
/// dropped.
fn settings_line(s: &SocketSession, theme: &Theme, view: ViewMode) -> Line<'static> {
    let mut spans = vec![Span::styled(
        format!(
            "view {} · Enter adds {} · input {}",
            match view {
                ViewMode::Text => "text",
                ViewMode::Hex => "hex",
                ViewMode::Split => "text+hex",
            },
            s.line_ending.label(),
            if s.hex_input { "hex" } else { "text" },
        ),
        theme.dim(),
    )];
    if s.transcript.dropped_chunks > 0 {
        spans.push(Span::styled(
            format!(
                " · {} older chunks ({}B) dropped",
                s.transcript.dropped_chunks,
                human_bytes(s.transcript.dropped_bytes)
            ),
            Style::new().fg(theme.warning),
        ));
    }
    Line::from(spans)
}

/// The counter of the session's `:run`.
fn run_line(s: &SocketSession, theme: &Theme) -> Option<Line<'static>> {
    let run = s.run.as_ref()?;
    let every = format!("{:.3}", run.every.as_secs_f64());
    let every = every.trim_end_matches('0').trim_end_matches('.');
    let (text, style) = match &run.ended {
        None => (
            format!(
                "▶ run {} · {}/{} sent · every {every}s · :run stop",
                run.name, run.sent, run.total
            ),
            Style::new().fg(theme.accent),
        ),
        Some(how) => (
            format!("run {} · {}/{} sent · {how}", run.name, run.sent, run.total),
            theme.dim(),
        ),
    };
    Some(Line::from(Span::styled(clean_line(&text), style)))
}

/// Peer rows shown at most; the reply target is always among them.
const PEER_ROWS: usize = 3;

/// A UDP session's peers: where replies go, and the peers around that one
/// with how long each has been quiet.
fn peer_lines(s: &SocketSession, theme: &Theme) -> Vec<Line<'static>> {
    let peers = s.peers.list();
    if peers.is_empty() {
        return Vec::new();
    }
    let how = match (s.peers.follows_last_sender(), s.kind) {
        (true, SessionKind::UdpClient) => "its target; p picks a peer",
        (true, _) => "the last sender; p picks one",
        (false, _) => "chosen; p cycles, :peer last undoes",
    };
    let target = s
        .selected_peer()
        .map_or_else(|| clean_line(&s.address), |p| p.to_string());
    let count = match peers.len() {
        1 => "1 peer".to_string(),
        n => format!("{n} peers"),
    };
    let mut lines = vec![Line::from(Span::styled(
        format!("{count} · input goes to {target} ({how})"),
        theme.dim(),
    ))];
    let selected = s.peers.target_index().unwrap_or(0);
    let first = selected.saturating_sub(PEER_ROWS - 1);
    for (i, peer) in peers.iter().enumerate().skip(first).take(PEER_ROWS) {
        let marker = if Some(i) == s.peers.target_index() {
            "▸"
        } else {
            " "
        };
        let style = if marker == "▸" {
            Style::new().fg(theme.accent)
        } else {
            theme.dim()
        };
        lines.push(Line::from(Span::styled(
            format!(
                " {marker} {:<22} idle {:<5} ↓{}",
                peer.addr,
                idle(peer.last_seen.elapsed()),
                peer.datagrams_in
            ),
            style,
        )));
    }
    let hidden = peers.len() - first.min(peers.len()) - PEER_ROWS.min(peers.len() - first);
    if first > 0 || hidden > 0 {
        lines.push(Line::from(Span::styled(
            format!("   … {} more", first + hidden),
            theme.dim(),
        )));
    }
    lines
}

/// "5s", "3m", "2h": how long a peer has been quiet.
fn idle(quiet: std::time::Duration) -> String {
    match quiet.as_secs() {
        s @ 0..60 => format!("{s}s"),
        s @ 60..3600 => format!("{}m", s / 60),
        s => format!("{}h", s / 3600),
    }
}
