//! Recipient completion: the store's ranked contacts at once, merged with
//! the address book command's answers as they arrive. At most one query
//! runs at a time; what is typed meanwhile is asked next, answers are
//! kept for the session (so backspacing is instant) and an answer for a
//! text that is no longer typed is never shown.

use super::{ComposeState, compose};
use crate::app::{App, Command, Level};
use crate::mail::address;
use crate::mail::compose::engine::ComposeCommand;
use crate::store::Contact;
use std::collections::HashMap;

/// Candidates shown under a recipient field.
pub const SUGGESTION_LIMIT: usize = 8;
/// Address book answers kept for the session, at most.
const BOOK_CACHE_ENTRIES: usize = 256;

/// The address book command's state for this session.
#[derive(Debug, Clone, Default)]
pub struct AddressBook {
    /// Answers by the text they were asked for.
    pub answers: HashMap<String, Vec<Contact>>,
    /// The text the running query asks for.
    pub asking: Option<String>,
    /// The text typed while a query ran, to ask next.
    pub next: Option<String>,
    /// The command failed once: said so on the status line, not again.
    pub failed: bool,
}

impl App {
    /// Recomputes the recipient candidates for the text typed, and asks the
    /// address book about it when it has not answered that yet.
    pub(super) fn suggest_recipients(&mut self, typed_field: &str) -> Vec<Command> {
        let typed = address::last_entry(typed_field).trim().to_string();
        let state = &mut self.compose;
        state.suggestions = candidates(state, &typed);
        let Some(command) = self.config.contacts.address_book_command.clone() else {
            return Vec::new();
        };
        let book = &mut self.compose.book;
        if typed.is_empty() || book.answers.contains_key(&typed) {
            return Vec::new();
        }
        if book.asking.is_some() {
            book.next = Some(typed);
            return Vec::new();
        }
        book.asking = Some(typed.clone());
        compose(ComposeCommand::QueryAddressBook {
            command,
            query: typed,
        })
    }

    /// The address book answered `query`: kept, shown only if it is still
    /// what is typed, and the text typed meanwhile is asked next.
    pub(super) fn on_address_book(
        &mut self,
        query: String,
        found: Result<Vec<Contact>, String>,
    ) -> Vec<Command> {
        let book = &mut self.compose.book;
        book.asking = None;
        match found {
            Ok(found) => {
                if book.answers.len() >= BOOK_CACHE_ENTRIES {
                    book.answers.clear();
                }
                book.answers.insert(query.clone(), found);
            }
            Err(e) => {
                // Remembered as empty so it is not asked again and again.
                book.answers.insert(query.clone(), Vec::new());
                if !book.failed {
                    book.failed = true;
                    self.status.set(Level::Warning, &e);
                }
            }
        }
        let state = &self.compose;
        if !(state.editing && state.focus.is_address()) {
            return Vec::new();
        }
        let field = state.text(state.focus);
        let typed = address::last_entry(&field).trim().to_string();
        if typed == query {
            self.compose.suggestions = candidates(&self.compose, &typed);
            return Vec::new();
        }
        self.compose.book.next = None;
        self.suggest_recipients(&field)
    }
}

/// The store's matches first, then the address book's, one per address.
fn candidates(state: &ComposeState, typed: &str) -> Vec<String> {
    let book = state.book.answers.get(typed).map_or(&[][..], Vec::as_slice);
    crate::mail::contacts::merge(&state.known_addresses, book, typed, SUGGESTION_LIMIT)
        .iter()
        .map(Contact::display)
        .collect()
}
