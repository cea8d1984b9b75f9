//! `App::update`: the only place state changes.

use super::{
    Action, App, Command, EngineEvent, Event, JobEvent, JobId, KeyContext, KeySpec, Level, Overlay,
    Tab, tab_at_column,
};
use crate::mail::compose::reply::{ForwardMode, Respond};
use crate::store::service::StoreEvent;
use crossterm::event::{KeyEvent, KeyEventKind, KeyModifiers, MouseButton, MouseEventKind};

impl App {
    /// Applies one event. Marks the app dirty when the screen must change and
    /// returns what the engines should do.
    pub fn update(&mut self, event: Event) -> Vec<Command> {
        match event {
            Event::Key(key) => self.on_key(key),
            Event::Mouse(mouse) => {
                if self.tab == Tab::Inbox
                    && self.overlay.is_none()
                    && mouse.row > 0
                    && let Some((commands, dirty)) = self.inbox.on_mouse(mouse, self.size)
                {
                    self.dirty |= dirty;
                    return commands;
                }
                if let MouseEventKind::Down(MouseButton::Left) = mouse.kind
                    && mouse.row == 0
                    && self.overlay.is_none()
                    && let Some(tab) = tab_at_column(mouse.column)
                {
                    self.show_tab(tab);
                } else if self.tab == Tab::Sockets && self.overlay.is_none() {
                    self.sockets_mouse(&mouse);
                }
                Vec::new()
            }
            Event::Paste(text) if self.defer_paste(&text) => Vec::new(),
            Event::Paste(text) => self.run_paste(&text),
            Event::Resize { width, height } => {
                self.size = (width, height);
                self.dirty = true;
                self.inbox.on_resize(self.size)
            }
            Event::FocusGained => {
                self.dirty = true;
                Vec::new()
            }
            Event::Deadline(now) => {
                self.dirty |= self.status.expire(now);
                Vec::new()
            }
            Event::Engine(report) => self.on_engine(report),
        }
    }

    /// Pasted text, for the field or line that takes it.
    pub(super) fn run_paste(&mut self, text: &str) -> Vec<Command> {
        match self.tab {
            Tab::Sockets if self.overlay.is_none() => self.sockets_paste(text),
            Tab::Inbox if self.overlay.is_none() => self.dirty |= self.inbox.on_paste(text),
            _ if self.text_input_active() => return self.on_text_paste(text),
            _ => {}
        }
        Vec::new()
    }

    fn on_key(&mut self, key: KeyEvent) -> Vec<Command> {
        // Releases and repeats arrive as separate events on terminals with
        // the kitty protocol; acting on them would double every key.
        if key.kind != KeyEventKind::Press {
            return Vec::new();
        }
        if let Some(commands) = self.defer_key(&key) {
            return commands;
        }
        self.run_key(key)
    }

    /// A key, now that it need not wait for the list; an action that
    /// brings no message of its own takes the last one off the status line
    /// (the messages panel keeps it).
    pub(super) fn run_key(&mut self, key: KeyEvent) -> Vec<Command> {
        let generation = self.status.generation();
        let was_dirty = std::mem::take(&mut self.dirty);
        let commands = self.on_key_press(key);
        let acted = self.dirty || !commands.is_empty();
        if acted && self.status.generation() == generation {
            self.status.clear_message();
        }
        self.dirty |= was_dirty;
        commands
    }

    fn on_key_press(&mut self, key: KeyEvent) -> Vec<Command> {
        let spec = KeySpec::from_event(&key);
        if self.overlay.is_some() {
            let action = self.keymap.lookup(KeyContext::Overlay, spec).or_else(|| {
                // Quit works from inside overlays too.
                self.keymap.lookup(KeyContext::Global, spec).filter(|a| {
                    matches!(a, Action::Quit | Action::ToggleHelp | Action::ShowMessages)
                })
            });
            return action.map_or_else(Vec::new, |a| self.on_overlay_action(a));
        }
        if self.tab == Tab::Sockets
            && let Some(commands) = self.sockets_key(&key)
        {
            return commands;
        }
        // An Inbox prompt edits like a shell line: its editing keys
        // (Ctrl-A/E/U/W/K, Alt-B/F, ...) come before any binding.
        if self.tab == Tab::Inbox
            && let Some((commands, dirty)) = self.inbox.on_prompt_key(key, self.size)
        {
            self.dirty |= dirty;
            return commands;
        }
        let plain = !key
            .modifiers
            .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT);
        if self.text_input_active() && plain && !is_navigation_key(&key) {
            return self.on_text_key(key);
        }
        let action = self
            .keymap
            .lookup(self.tab_context(), spec)
            .or_else(|| self.keymap.lookup(KeyContext::Global, spec));
        match action {
            Some(a) => self.apply(a),
            // Unbound Ctrl/Alt keys are editing keys (undo, word moves).
            None if self.text_input_active() => self.on_text_key(key),
            None => Vec::new(),
        }
    }

    fn tab_context(&self) -> KeyContext {
        match self.tab {
            Tab::Sockets => KeyContext::Sockets,
            Tab::Compose => KeyContext::Compose,
            Tab::Inbox => KeyContext::Inbox,
        }
    }

    /// Performs an action in the main view (no overlay open).
    pub fn apply(&mut self, action: Action) -> Vec<Command> {
        if let Some(commands) = self.apply_on_tab(action) {
            return commands;
        }
        match action {
            Action::Quit => self.request_quit(),
            Action::ToggleHelp => self.open(Overlay::Help { scroll: 0 }),
            Action::ShowMessages => self.open(Overlay::Messages { scroll: 0 }),
            Action::NextTab => self.show_tab(self.tab.next()),
            Action::PrevTab => self.show_tab(self.tab.prev()),
            Action::ShowSockets => self.show_tab(Tab::Sockets),
            Action::ShowCompose => self.show_tab(Tab::Compose),
            Action::ShowInbox => self.show_tab(Tab::Inbox),
            Action::Pop3Sync => return self.pop3_sync_all(),
            Action::Pop3Cancel => return self.pop3_cancel(),
            Action::Pop3ToggleTrace => self.pop3_toggle_trace(),
            Action::Pop3TraceOlder => self.pop3_scroll_trace(true),
            Action::Pop3TraceNewer => self.pop3_scroll_trace(false),
            Action::Cancel
            | Action::Confirm
            | Action::ScrollUp
            | Action::ScrollDown
            | Action::PageUp
            | Action::PageDown
            | Action::ScrollTop
            | Action::ScrollBottom => {}
            Action::Reply => return self.answer(Respond::Reply),
            Action::ReplyAll => return self.answer(Respond::ReplyAll),
            Action::Forward => return self.answer(Respond::Forward(ForwardMode::Inline)),
            Action::ForwardAttached => {
                return self.answer(Respond::Forward(ForwardMode::Attached));
            }
            socket => return self.sockets_action(socket),
        }
        Vec::new()
    }

    /// The Compose or Inbox tab's share of `apply`; `None` leaves the
    /// action to the global handler.
    fn apply_on_tab(&mut self, action: Action) -> Option<Vec<Command>> {
        match self.tab {
            Tab::Compose => self.compose_action(action),
            Tab::Inbox if self.inbox.picking() || self.inbox.typing() => {
                if action == Action::InboxBack {
                    self.dirty |= self.inbox.cancel_input();
                    return Some(Vec::new());
                }
                self.inbox_action(action)
            }
            Tab::Inbox => self
                .apply_imap(action)
                .or_else(|| self.apply_transfer(action))
                .or_else(|| self.inbox_action(action)),
            Tab::Sockets => None,
        }
    }

    fn inbox_action(&mut self, action: Action) -> Option<Vec<Command>> {
        let (commands, dirty) = self.inbox.apply(action, self.size)?;
        self.dirty |= dirty;
        Some(commands)
    }

    /// Reply or forward: the message in the Inbox, when one is selected.
    fn answer(&mut self, how: Respond) -> Vec<Command> {
        let target = (self.tab == Tab::Inbox)
            .then(|| self.inbox.message_to_answer())
            .flatten()
            .map(|(account, id)| (account.to_string(), id));
        if let Some((account, id)) = target {
            return self.respond_to(&account, id, how);
        }
        self.status
            .set(Level::Info, "select a message in the Inbox to answer it");
        self.dirty = true;
        Vec::new()
    }

    /// A key for the text field that has focus.
    fn on_text_key(&mut self, key: KeyEvent) -> Vec<Command> {
        match self.tab {
            Tab::Compose => self.compose_text_key(key),
            Tab::Inbox => {
                let (commands, dirty) = self.inbox.on_text_key(key, self.size);
                self.dirty |= dirty;
                commands
            }
            Tab::Sockets => Vec::new(),
        }
    }

    fn on_text_paste(&mut self, text: &str) -> Vec<Command> {
        match self.tab {
            Tab::Compose => self.compose_paste(text),
            _ => Vec::new(),
        }
    }

    fn on_overlay_action(&mut self, action: Action) -> Vec<Command> {
        let page = self.size.1.saturating_sub(6).max(1);
        match (&mut self.overlay, action) {
            (Some(Overlay::ConfirmQuit), Action::Confirm | Action::Quit) => {
                self.should_quit = true;
            }
            (Some(Overlay::ConfirmQuit), Action::Cancel) => self.overlay = None,
            (Some(Overlay::Help { .. }), Action::Cancel | Action::ToggleHelp) => {
                self.overlay = None;
            }
            (Some(Overlay::Help { .. }), Action::Quit) => {
                self.overlay = None;
                self.request_quit();
            }
            (
                Some(Overlay::Messages { .. }),
                Action::Cancel | Action::Quit | Action::ShowMessages,
            ) => self.overlay = None,
            (Some(Overlay::Certificate { .. }), Action::Cancel | Action::Quit) => {
                self.overlay = None;
            }
            (Some(Overlay::Certificate { scroll }), scrolling) => {
                // 9 rows per certificate is plenty; the renderer clamps.
                let max = self
                    .sockets
                    .current()
                    .and_then(|s| s.tls.as_ref())
                    .map_or(0, |t| {
                        u16::try_from(t.chain.len() * 9 + 8).unwrap_or(u16::MAX)
                    });
                *scroll = scroll_by(*scroll, scrolling, page, max, false);
            }
            (Some(Overlay::Help { .. }), Action::ShowMessages) => {
                self.overlay = Some(Overlay::Messages { scroll: 0 });
            }
            (Some(Overlay::Messages { scroll }), scrolling) => {
                // Scrolled up from the newest; the renderer clamps to the
                // content.
                let max = u16::try_from(self.status.history.len() * 4).unwrap_or(u16::MAX);
                *scroll = scroll_by(*scroll, scrolling, page, max, true);
            }
            (Some(Overlay::Help { scroll }), scrolling) => {
                // The renderer clamps to the content; keep the stored value
                // bounded so "up" after a long "down" responds at once.
                let max = super::help_line_count(&self.keymap);
                *scroll = scroll_by(*scroll, scrolling, page, max, false);
            }
            _ => return Vec::new(),
        }
        self.dirty = true;
        Vec::new()
    }

    fn request_quit(&mut self) {
        if self.work_in_progress().is_empty() {
            self.should_quit = true;
        } else {
            self.open(Overlay::ConfirmQuit);
        }
    }

    fn open(&mut self, overlay: Overlay) {
        self.overlay = Some(overlay);
        self.dirty = true;
    }

    fn show_tab(&mut self, tab: Tab) {
        if self.tab != tab {
            self.tab = tab;
            self.dirty = true;
        }
    }

    pub(super) fn on_engine(&mut self, report: EngineEvent) -> Vec<Command> {
        let list_failed = match &report {
            EngineEvent::Store(StoreEvent::ListFailed { req, error })
                if *req == self.inbox.list.req =>
            {
                Some(error.clone())
            }
            _ => None,
        };
        let mut commands = match report {
            EngineEvent::Job(event) => self.on_job(event),
            EngineEvent::Socket(event) => self.on_socket_event(event),
            EngineEvent::Compose(event) => self.on_compose_event(*event),
            EngineEvent::Pop3(event) => self.on_pop3(event),
            EngineEvent::Imap(event) => self.on_imap(event),
            EngineEvent::Store(StoreEvent::PipeReady { command, input }) => {
                self.pipe_request = Some((command, input));
                Vec::new()
            }
            EngineEvent::Store(event) => {
                let pushes = self.imap_push_for(&event);
                self.unlock_for_view(&event);
                let (mut commands, dirty) = self.inbox.on_store(event, self.size);
                // Only the Inbox tab draws this state.
                self.dirty |= dirty && self.tab == Tab::Inbox;
                commands.extend(pushes);
                commands
            }
        };
        // The report may bring what waiting keys wait for.
        if let Some(error) = list_failed {
            commands.extend(self.flush_deferred(&error));
        } else if self.waiting() {
            commands.extend(self.replay_deferred());
        }
        commands
    }

    /// A job's lifecycle or a notice, from any engine.
    pub(super) fn on_job(&mut self, event: JobEvent) -> Vec<Command> {
        match event {
            JobEvent::Started { job, label } => {
                self.status.job_started(job, &label);
                self.dirty = true;
            }
            JobEvent::Progress { job, done, total } => {
                self.dirty |= self.status.job_progress(job, done, total);
            }
            JobEvent::Finished { job, outcome } => return self.on_job_finished(job, outcome),
            JobEvent::Notice { level, text } => {
                self.status.set(level, &text);
                self.dirty = true;
            }
        }
        Vec::new()
    }

    fn on_job_finished(&mut self, job: JobId, outcome: Result<String, String>) -> Vec<Command> {
        self.compose.job_finished(job, &outcome);
        self.pop3.job_ended(job, &outcome);
        self.imap_job_finished(job);
        let finished = self.status.job_finished(job);
        match (outcome, finished) {
            (Ok(summary), _) => self.status.set(Level::Info, &summary),
            (Err(error), Some(job)) => self
                .status
                .set(Level::Error, &format!("{}: {error}", job.label)),
            (Err(error), None) => self.status.set(Level::Error, &error),
        }
        if self.overlay == Some(Overlay::ConfirmQuit) && self.work_in_progress().is_empty() {
            self.overlay = None;
        }
        self.dirty = true;
        // A finished sync or import may have stored mail.
        if self.inbox.loaded {
            return vec![Command::Store(crate::store::service::StoreRequest::Folders)];
        }
        Vec::new()
    }
}

/// A scroll position after a scrolling action, within `0..=max`. With
/// `from_end` the position counts up from the bottom, so "up" grows it.
fn scroll_by(scroll: u16, action: Action, page: u16, max: u16, from_end: bool) -> u16 {
    // Up is towards the top: older lines.
    let up = |n: u16| {
        if from_end {
            scroll.saturating_add(n)
        } else {
            scroll.saturating_sub(n)
        }
    };
    let down = |n: u16| {
        if from_end {
            scroll.saturating_sub(n)
        } else {
            scroll.saturating_add(n)
        }
    };
    let (top, bottom) = if from_end { (max, 0) } else { (0, max) };
    match action {
        Action::ScrollUp => up(1),
        Action::ScrollDown => down(1),
        Action::PageUp => up(page),
        Action::PageDown => down(page),
        Action::ScrollTop => top,
        Action::ScrollBottom => bottom,
        _ => scroll,
    }
    .min(max)
}

/// Keys that leave a text field rather than type into it.
fn is_navigation_key(key: &KeyEvent) -> bool {
    use crossterm::event::KeyCode;
    matches!(
        key.code,
        KeyCode::Esc | KeyCode::Tab | KeyCode::BackTab | KeyCode::F(_)
    )
}
