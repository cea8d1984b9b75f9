//! Saved targets and named payloads from the config: `:open NAME` opens
//! a target with its options, `:run NAME [count=N] [every=S]` sends a
//! payload N times, paced by the engine, with a counter on the session;
//! `:run stop` ends it.

use super::prompt::{self, PromptCommand};
use crate::app::{App, Command, Level};
use crate::net::escape::decode_escapes;
use crate::net::session::SocketCommand;
use crate::net::session::{RunProgress, RunSpec};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// A session's `:run` as the screen shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct RunState {
    pub name: String,
    pub serial: u64,
    pub sent: u32,
    pub total: u32,
    pub every: Duration,
    /// "done", "stopped", or why it stopped; None while it runs.
    pub ended: Option<String>,
}

impl RunState {
    /// Takes a report from the engine, unless it is about an older run
    /// or this one is over (stopped by the user, say). True when taken.
    pub(super) fn advance(&mut self, progress: RunProgress) -> bool {
        if progress.serial != self.serial || self.ended.is_some() {
            return false;
        }
        self.sent = progress.sent;
        self.ended = progress.ended;
        true
    }
}

/// Runs are told apart by this number.
fn fresh_serial() -> u64 {
    static NEXT: AtomicU64 = AtomicU64::new(1);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

/// What `:run` may repeat at most, and how fast.
const MAX_COUNT: u32 = 1_000_000;
const MIN_EVERY: f64 = 0.001;

impl App {
    /// The commands that use the config's saved targets and payloads.
    pub(super) fn config_command(&mut self, command: PromptCommand) -> Vec<Command> {
        match command {
            PromptCommand::OpenSaved(name) => self.open_saved(name),
            PromptCommand::Run { name, count, every } => match name {
                Some(name) => self.start_run(name, count, every),
                None => self.list_payloads(),
            },
            PromptCommand::StopRun => self.stop_run(),
            _ => Vec::new(),
        }
    }

    /// `:open NAME`: the saved target's command line, run.
    fn open_saved(&mut self, name: Option<String>) -> Vec<Command> {
        let saved = &self.config.sockets.saved;
        let Some(name) = name else {
            let text = if saved.is_empty() {
                "no saved targets: add [[sockets.saved]] entries to the config".to_string()
            } else {
                let names: Vec<&str> = saved.iter().map(|s| s.name.as_str()).collect();
                format!("saved targets: {} (:open NAME)", names.join(", "))
            };
            self.status.set(Level::Info, &text);
            self.dirty = true;
            return Vec::new();
        };
        let Some(target) = self.config.sockets.saved(&name).cloned() else {
            return self.fail(&format!("no saved target \"{name}\" ([[sockets.saved]])"));
        };
        match prompt::parse(&target.open) {
            Ok(command @ PromptCommand::Open { .. }) => self.run_command(command),
            Ok(_) => self.fail(&format!(
                "saved target \"{name}\": open = \"{}\" does not open a session",
                target.open
            )),
            Err(e) => self.fail(&format!("saved target \"{name}\": {e}")),
        }
    }

    /// `:run NAME [count=N] [every=S]` on the selected session.
    fn start_run(&mut self, name: String, count: Option<u32>, every: Option<f64>) -> Vec<Command> {
        let Some(payload) = self.config.sockets.payload(&name).cloned() else {
            return self.fail(&format!("no payload \"{name}\" ([[sockets.payloads]])"));
        };
        let bytes = match decode_escapes(&payload.data) {
            Ok(bytes) => bytes,
            Err(e) => return self.fail(&format!("payload \"{name}\": {e}")),
        };
        let count = count.or(payload.count).unwrap_or(1);
        let every = every.or(payload.every).unwrap_or(1.0);
        if count == 0 || count > MAX_COUNT || !(MIN_EVERY..=86_400.0).contains(&every) {
            return self.fail("run: count=1…1000000, every=0.001…86400 seconds");
        }
        let sockets = &self.sockets;
        let Some(session) = sockets.current() else {
            return self.fail("no session: open one with : (e.g. :connect example.com:80)");
        };
        let deliveries = match sockets.deliveries(session, bytes) {
            Ok(deliveries) => deliveries,
            Err(e) => return self.fail(e),
        };
        let id = session.id;
        let spec = RunSpec {
            name: name.clone(),
            serial: fresh_serial(),
            deliveries,
            count,
            every: Duration::from_secs_f64(every),
        };
        let state = RunState {
            name,
            serial: spec.serial,
            sent: 0,
            total: count,
            every: spec.every,
            ended: None,
        };
        if let Some(session) = self.sockets.current_mut() {
            session.run = Some(state);
        }
        self.dirty = true;
        vec![Command::Socket(SocketCommand::Run { id, spec })]
    }

    /// `:run` alone: the payloads there are.
    fn list_payloads(&mut self) -> Vec<Command> {
        let payloads = &self.config.sockets.payloads;
        let text = if payloads.is_empty() {
            "no payloads: add [[sockets.payloads]] entries to the config".to_string()
        } else {
            let names: Vec<&str> = payloads.iter().map(|p| p.name.as_str()).collect();
            format!(
                "payloads: {} (:run NAME [count=N] [every=S])",
                names.join(", ")
            )
        };
        self.status.set(Level::Info, &text);
        self.dirty = true;
        Vec::new()
    }

    /// `:run stop`.
    fn stop_run(&mut self) -> Vec<Command> {
        let Some(session) = self.sockets.current_mut() else {
            return Vec::new();
        };
        let id = session.id;
        match &mut session.run {
            Some(run) if run.ended.is_none() => {
                run.ended = Some("stopped".into());
                self.dirty = true;
                vec![Command::Socket(SocketCommand::StopRun { id })]
            }
            _ => self.fail("nothing is running on this session"),
        }
    }
}
