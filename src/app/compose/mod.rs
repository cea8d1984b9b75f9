//! The Compose tab's state: the form (From, To, Cc, Bcc, Subject,
//! attachments, body), the Outbox and Drafts lists, the last send's result
//! and the live SMTP trace.

mod actions;
mod completion;
pub use completion::SUGGESTION_LIMIT;
mod events;
mod folder_actions;
mod form_actions;
mod pgp;
mod sending;
mod typing;

use crate::app::Command;
use crate::config::{Account, Config};
use crate::mail::compose::draft::{Attachment, Draft};
use crate::mail::compose::engine::ComposeCommand;
use crate::mail::compose::reply::Identity;
use crate::mail::outbox::marks::DeliveryUnknown;
use crate::mail::smtp::TraceLine;
use crate::store::{FolderEntry, MessageId};
use ratatui_textarea::TextArea;
use std::collections::{HashMap, VecDeque};

/// Trace lines kept for the pane, at most.
pub const TRACE_CAP_LINES: usize = 500;

/// The parts of the form, top to bottom.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    From,
    To,
    Cc,
    Bcc,
    Subject,
    Attachments,
    Body,
}

impl Field {
    pub const ALL: [Field; 7] = [
        Field::From,
        Field::To,
        Field::Cc,
        Field::Bcc,
        Field::Subject,
        Field::Attachments,
        Field::Body,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Field::From => "From",
            Field::To => "To",
            Field::Cc => "Cc",
            Field::Bcc => "Bcc",
            Field::Subject => "Subject",
            Field::Attachments => "Attach",
            Field::Body => "Body",
        }
    }

    fn step(self, forward: bool) -> Field {
        let i = Field::ALL.iter().position(|f| *f == self).unwrap_or(0);
        let n = Field::ALL.len();
        Field::ALL[if forward {
            (i + 1) % n
        } else {
            (i + n - 1) % n
        }]
    }

    pub fn is_address(self) -> bool {
        matches!(self, Field::To | Field::Cc | Field::Bcc)
    }
}

/// What the tab shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    Form,
    /// A local folder of the sending account: Outbox or Drafts.
    Folder(FolderKind),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FolderKind {
    Outbox,
    Drafts,
}

impl FolderKind {
    pub fn name(self) -> &'static str {
        match self {
            FolderKind::Outbox => crate::mail::folders::OUTBOX,
            FolderKind::Drafts => crate::mail::folders::DRAFTS,
        }
    }
}

/// The outcome of the last send, shown under the form.
#[derive(Debug, Clone, PartialEq)]
pub enum LastSend {
    Running {
        stage: String,
    },
    Sent {
        summary: crate::mail::compose::engine::SendSummary,
    },
    Failed {
        error: String,
        refused: Vec<crate::mail::smtp::Refusal>,
    },
    /// Nothing was queued (it could not be formatted, signed or
    /// encrypted): the form still holds the message.
    NotQueued {
        error: String,
    },
    /// The connection broke after the whole message went out: the server
    /// may or may not have it.
    Unknown {
        reason: String,
    },
}

#[derive(Debug, Clone)]
pub struct ComposeState {
    pub view: View,
    pub focus: Field,
    /// Keys go into the focused field (insert mode) rather than to actions.
    pub editing: bool,
    /// Index into the accounts that can send.
    pub identity: usize,
    pub to: TextArea<'static>,
    pub cc: TextArea<'static>,
    pub bcc: TextArea<'static>,
    pub subject: TextArea<'static>,
    pub body: TextArea<'static>,
    /// The path being typed to attach.
    pub attach_path: TextArea<'static>,
    pub attachments: Vec<Attachment>,
    pub attachment_selected: usize,
    pub in_reply_to: Option<String>,
    pub references: Vec<String>,
    /// The message this replies to or forwards (marked once sent).
    pub answers: Option<crate::mail::compose::draft::Answering>,
    /// Where this message is stored (Drafts or Outbox), if it is.
    pub stored_as: Option<MessageId>,
    /// Changed since it was last saved or sent.
    pub modified: bool,
    pub sending: Option<crate::app::JobId>,
    pub last_send: Option<LastSend>,
    pub show_trace: bool,
    pub trace: VecDeque<TraceLine>,
    /// Lines scrolled up from the newest trace line.
    pub trace_scroll: usize,
    /// Contacts from the store, best ranked first, for completion
    /// (loaded once).
    pub known_addresses: Vec<crate::store::Contact>,
    /// The address book command's answers and the query running.
    pub book: completion::AddressBook,
    /// Sign and/or encrypt this message (the account's defaults first).
    pub protection: crate::mail::compose::secure::Protection,
    /// The recipients' keys, checked while encryption is on.
    pub keys: pgp::KeyCheck,
    pub addresses_requested: bool,
    /// Candidates for what is being typed (addresses or paths).
    pub suggestions: Vec<String>,
    /// The attachment path the path candidates are for: a Tab waits until
    /// the candidates for what is typed have come.
    pub suggested_for: Option<String>,
    pub folder_entries: Vec<FolderEntry>,
    pub folder_selected: usize,
    /// The last error per Outbox message, from sends in this session.
    pub outbox_errors: HashMap<MessageId, String>,
    /// Outbox messages whose delivery is unknown (kept in the store, so
    /// they survive a restart); never sent again without asking.
    pub outbox_unknown: HashMap<MessageId, DeliveryUnknown>,
    /// The Outbox message of unknown delivery the user asked to send
    /// again; a second `r` (or enter) confirms.
    pub confirm_resend: Option<MessageId>,
}

/// A command for the compose engine, as `App::update` returns it.
fn compose(command: ComposeCommand) -> Vec<Command> {
    vec![Command::Compose(Box::new(command))]
}

fn line_input(placeholder: &str) -> TextArea<'static> {
    let mut area = TextArea::default();
    area.set_placeholder_text(placeholder);
    area.set_cursor_line_style(ratatui::style::Style::default());
    area
}

fn text_of(area: &TextArea<'_>) -> String {
    area.lines().join("\n")
}

fn set_text(area: &mut TextArea<'static>, text: &str) {
    let placeholder = area.placeholder_text().to_string();
    let lines: Vec<String> = text.split('\n').map(str::to_string).collect();
    *area = TextArea::new(lines);
    area.set_placeholder_text(placeholder);
    area.set_cursor_line_style(ratatui::style::Style::default());
}

impl Default for ComposeState {
    fn default() -> ComposeState {
        let mut body = TextArea::default();
        body.set_placeholder_text("Write here; ctrl-o opens $EDITOR");
        body.set_cursor_line_style(ratatui::style::Style::default());
        ComposeState {
            view: View::Form,
            focus: Field::To,
            editing: false,
            identity: 0,
            to: line_input("name@example.com, ..."),
            cc: line_input(""),
            bcc: line_input(""),
            subject: line_input(""),
            body,
            attach_path: line_input("path of a file to attach"),
            attachments: Vec::new(),
            attachment_selected: 0,
            in_reply_to: None,
            references: Vec::new(),
            answers: None,
            stored_as: None,
            modified: false,
            sending: None,
            last_send: None,
            show_trace: false,
            trace: VecDeque::new(),
            trace_scroll: 0,
            known_addresses: Vec::new(),
            book: completion::AddressBook::default(),
            protection: Default::default(),
            keys: pgp::KeyCheck::default(),
            addresses_requested: false,
            suggestions: Vec::new(),
            suggested_for: None,
            folder_entries: Vec::new(),
            folder_selected: 0,
            outbox_errors: HashMap::new(),
            outbox_unknown: HashMap::new(),
            confirm_resend: None,
        }
    }
}

/// The accounts that can send, in config order.
pub fn senders(config: &Config) -> Vec<&Account> {
    config
        .accounts
        .iter()
        .filter(|a| a.smtp.is_some())
        .collect()
}

impl ComposeState {
    /// Drops the candidates (and what they were for).
    pub fn clear_suggestions(&mut self) {
        self.suggestions.clear();
        self.suggested_for = None;
    }

    /// A fresh form for the account at `identity`, with its signature.
    pub fn fresh(config: &Config, identity: usize) -> ComposeState {
        let mut state = ComposeState {
            identity,
            ..ComposeState::default()
        };
        if let Some(account) = senders(config).get(identity) {
            state.protection = crate::mail::compose::secure::Protection::of_account(account);
            let draft = Identity::from_account(account).new_draft();
            set_text(&mut state.body, &draft.body);
        }
        state
    }

    pub fn account<'a>(&self, config: &'a Config) -> Option<&'a Account> {
        senders(config).get(self.identity).copied()
    }

    /// The single-line or body editor of a text field.
    pub fn area(&self, field: Field) -> Option<&TextArea<'static>> {
        match field {
            Field::To => Some(&self.to),
            Field::Cc => Some(&self.cc),
            Field::Bcc => Some(&self.bcc),
            Field::Subject => Some(&self.subject),
            Field::Body => Some(&self.body),
            Field::Attachments => Some(&self.attach_path),
            Field::From => None,
        }
    }

    fn area_mut(&mut self, field: Field) -> Option<&mut TextArea<'static>> {
        match field {
            Field::To => Some(&mut self.to),
            Field::Cc => Some(&mut self.cc),
            Field::Bcc => Some(&mut self.bcc),
            Field::Subject => Some(&mut self.subject),
            Field::Body => Some(&mut self.body),
            Field::Attachments => Some(&mut self.attach_path),
            Field::From => None,
        }
    }

    pub fn text(&self, field: Field) -> String {
        self.area(field).map(text_of).unwrap_or_default()
    }

    /// The form as a draft from `account`.
    pub fn draft(&self, account: &Account) -> Draft {
        Draft {
            account: account.name.clone(),
            from: Identity::from_account(account).from,
            to: self.text(Field::To),
            cc: self.text(Field::Cc),
            bcc: self.text(Field::Bcc),
            subject: self.text(Field::Subject),
            body: self.text(Field::Body),
            attachments: self.attachments.clone(),
            in_reply_to: self.in_reply_to.clone(),
            references: self.references.clone(),
            answers: self.answers,
        }
    }

    /// Fills the form from a draft (a reply, a forward, a reopened draft).
    pub fn load(&mut self, config: &Config, draft: &Draft) {
        if let Some(i) = senders(config).iter().position(|a| a.name == draft.account) {
            self.identity = i;
        }
        // Replies and reopened messages carry text from elsewhere: make
        // it safe for the terminal once, here, before the editor shows it.
        use crate::sanitize::{clean_line, clean_text};
        set_text(&mut self.to, &clean_line(&draft.to));
        set_text(&mut self.cc, &clean_line(&draft.cc));
        set_text(&mut self.bcc, &clean_line(&draft.bcc));
        set_text(&mut self.subject, &clean_line(&draft.subject));
        set_text(&mut self.body, &clean_text(&draft.body));
        self.attachments = draft.attachments.clone();
        self.attachment_selected = 0;
        self.in_reply_to = draft.in_reply_to.clone();
        self.references = draft.references.clone();
        self.answers = draft.answers;
        self.view = View::Form;
        self.focus = if draft.to.is_empty() {
            Field::To
        } else {
            Field::Body
        };
        self.editing = false;
        self.clear_suggestions();
    }

    /// Whether the form holds anything worth keeping.
    pub fn has_content(&self) -> bool {
        let signature_only = self
            .body
            .lines()
            .iter()
            .all(|l| l.trim().is_empty() || l == "-- ");
        [Field::To, Field::Cc, Field::Bcc, Field::Subject]
            .iter()
            .any(|f| !self.text(*f).trim().is_empty())
            || !self.attachments.is_empty()
            || (!signature_only && self.modified)
    }

    pub fn push_trace(&mut self, lines: Vec<TraceLine>) {
        for line in lines {
            if self.trace.len() == TRACE_CAP_LINES {
                self.trace.pop_front();
            }
            self.trace.push_back(line);
        }
    }

    /// A send that ends without its own report (cancelled, or the task
    /// died) must not leave the form waiting forever.
    pub fn job_finished(&mut self, job: crate::app::JobId, outcome: &Result<String, String>) {
        if self.sending == Some(job) {
            self.sending = None;
            if let (Some(LastSend::Running { .. }), Err(error)) = (&self.last_send, outcome) {
                self.last_send = Some(LastSend::Failed {
                    error: format!("{error}; the message is still in the Outbox"),
                    refused: Vec::new(),
                });
            }
        }
    }

    /// The unsaved draft to keep when the program quits, if any.
    pub fn unsaved_draft(&self, config: &Config) -> Option<(Account, Draft, Option<MessageId>)> {
        if !self.modified || !self.has_content() || self.sending.is_some() {
            return None;
        }
        let account = self.account(config)?;
        Some((account.clone(), self.draft(account), self.stored_as))
    }
}

#[cfg(test)]
mod completion_tests;
#[cfg(test)]
mod outbox_tests;
#[cfg(test)]
mod pgp_tests;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod typing_tests;
