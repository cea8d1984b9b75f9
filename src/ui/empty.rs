//! What each tab shows before it has anything to show: what the tab is for
//! and the next step to take.

use super::Theme;
use crate::app::{Action, App, KeyContext};
use crate::config::{Account, ConfigOrigin, Protocol, Security};
use crate::sanitize::clean_line;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Padding, Paragraph, Wrap};

/// The Compose tab when no account has an SMTP server (otherwise the tab
/// shows the composer).
pub(super) fn compose(app: &App, theme: &Theme, frame: &mut Frame, area: Rect) {
    let mut lines = vec![
        Line::from(Span::styled("No account can send mail yet", theme.title())),
        Line::default(),
        Line::from("Add an [accounts.smtp] section to your account in"),
    ];
    lines.extend(config_path_lines(app, theme));
    lines.push(Line::default());
    for example in [
        "[accounts.smtp]",
        "host = \"smtp.example.com\"",
        "security = \"starttls\"",
        "password_command = \"pass show mail\"",
    ] {
        lines.push(Line::from(Span::styled(
            format!("  {example}"),
            theme.dim(),
        )));
    }
    lines.push(Line::default());
    lines.push(Line::from(
        "Then write here, or from a shell: echo body | wirepost send --to ... --subject ...",
    ));
    panel(frame, area, theme, " Compose ", lines);
}

/// The Inbox with no mail: how to add an account (or the accounts there
/// are and what each reads from), how to import mail already on disk,
/// and where the sockets are.
pub fn inbox(app: &App, theme: &Theme, frame: &mut Frame, area: Rect) {
    let mut lines = vec![
        Line::from(Span::styled("No mail here yet", theme.title())),
        Line::default(),
    ];
    if app.config.accounts.is_empty() {
        lines.extend(no_account_lines(app, theme));
    } else {
        lines.push(Line::from(Span::styled("Accounts", theme.title())));
        lines.push(Line::default());
        for account in &app.config.accounts {
            lines.extend(account_lines(app, account, theme));
        }
    }
    lines.push(Line::default());
    lines.push(import_line(app, theme));
    if app.config.accounts.is_empty() {
        lines.push(Line::default());
        lines.push(Line::from(vec![
            Span::raw("Raw TCP/UDP sessions (nc, socat, s_client): the Sockets tab, press "),
            Span::styled(tab_key(app, Action::ShowSockets), theme.key()),
            Span::raw("."),
        ]));
    }
    panel(frame, area, theme, " Inbox ", lines);
}

/// How to import mail already on disk.
fn import_line(app: &App, theme: &Theme) -> Line<'static> {
    let import_key = app
        .keymap
        .keys_for(KeyContext::Inbox, Action::InboxImport)
        .first()
        .map_or_else(|| "the import key".to_string(), ToString::to_string);
    Line::from(vec![
        Span::raw("Or read mail you already have: press "),
        Span::styled(import_key, theme.key()),
        Span::raw(" to import an mbox file, a folder of .eml files or a Maildir (or run "),
        Span::styled("wirepost import PATH", theme.key()),
        Span::raw(") into the Local account."),
    ])
}

/// The key that shows a tab, as the keymap has it.
fn tab_key(app: &App, action: Action) -> String {
    app.keymap
        .keys_for(KeyContext::Global, action)
        .first()
        .map_or_else(|| action.name().to_string(), ToString::to_string)
}

/// Where to add an account, with an example.
fn no_account_lines(app: &App, theme: &Theme) -> Vec<Line<'static>> {
    let mut lines = vec![Line::from("To read a mail server, add an account to")];
    lines.extend(config_path_lines(app, theme));
    lines.push(Line::default());
    for example in [
        "[[accounts]]",
        "name = \"personal\"",
        "email = \"you@example.com\"",
        "[accounts.imap]",
        "host = \"imap.example.com\"",
        "password_command = \"pass show mail\"",
    ] {
        lines.push(Line::from(Span::styled(
            format!("  {example}"),
            theme.dim(),
        )));
    }
    lines.push(Line::default());
    lines.push(Line::from(
        "then start wirepost again: every account syncs and every folder stays live.",
    ));
    lines.push(Line::from(Span::styled(
        "(config.example.toml documents every key; `wirepost check-config` validates)",
        theme.dim(),
    )));
    lines
}

/// An account's name and address, then each server it reads from (an
/// unencrypted one stands out), or a note that there is none.
fn account_lines(app: &App, account: &Account, theme: &Theme) -> Vec<Line<'static>> {
    let mut lines = vec![Line::from(vec![
        Span::styled(format!("  {} ", clean_line(&account.name)), theme.key()),
        Span::raw(clean_line(&account.email)),
    ])];
    for (protocol, endpoint) in account.endpoints() {
        let security = endpoint.security;
        let style = if security == Security::None {
            Style::new().fg(theme.warning)
        } else {
            theme.dim()
        };
        lines.push(Line::from(Span::styled(
            format!(
                "      {:<5} {}:{} ({})",
                protocol.name(),
                clean_line(&endpoint.host),
                endpoint.port_for(protocol),
                security.as_str()
            ),
            style,
        )));
        if protocol == Protocol::Pop3 {
            lines.push(super::pop3::state_line(app, theme, &account.name));
        }
    }
    if account.imap.is_none() && account.pop3.is_none() {
        lines.push(Line::from(Span::styled(
            format!(
                "      no {} or {} section: nothing to read from",
                Protocol::Imap.name(),
                Protocol::Pop3.name()
            ),
            theme.dim(),
        )));
    }
    lines
}

/// "path/to/config.toml (not created yet)", styled.
fn config_path_lines(app: &App, theme: &Theme) -> Vec<Line<'static>> {
    let path = clean_line(&app.config_origin.path().display().to_string());
    let note = match app.config_origin {
        ConfigOrigin::File(_) => "",
        ConfigOrigin::Missing(_) => " (not created yet)",
    };
    vec![Line::from(vec![
        Span::styled(format!("  {path}"), theme.key()),
        Span::styled(note, theme.dim()),
    ])]
}

fn panel(frame: &mut Frame, area: Rect, theme: &Theme, title: &str, lines: Vec<Line>) {
    let block = Block::bordered()
        .title(Span::styled(title.to_string(), theme.title()))
        .border_style(theme.dim())
        .padding(Padding::horizontal(1));
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(block),
        area,
    );
}
