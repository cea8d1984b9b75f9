//! The interface's event loop: terminal input and engine reports in,
//! `App::update` in between, frames out only when something changed.

use super::{InputReader, Screen, translate};
use crate::app::{App, EngineEvent, Event};
use crate::engines::Engines;
use crate::mail::compose::engine::ComposeEvent;
use crate::report::JobEvent;
use std::io;
use std::time::Duration;
use tokio::sync::mpsc;
use tokio::time::Instant;

/// The shortest time between two frames drawn for engine reports; bursts
/// of reports within it are coalesced into one frame. A frame owed to a
/// key is drawn at once (see [`run`]).
pub const FRAME_INTERVAL_MS: u64 = 16;

/// Events handled before a frame is drawn, at most: a flood of input must
/// not starve the screen.
const MAX_EVENTS_PER_FRAME: usize = 4096;

/// How long the loop may spend on queued engine reports before it looks
/// at the screen again: reports left over wait for the next turn, after
/// the frame that is due. Half a frame, so a frame fits beside it.
const DRAIN_BUDGET_MS: u64 = FRAME_INTERVAL_MS / 2;

/// Why the loop ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoopExit {
    /// The user quit.
    Quit,
    /// The terminal input closed (the terminal went away).
    InputClosed,
    /// SIGTERM, SIGHUP or SIGINT.
    Signal,
}

/// Runs until the user quits, the input ends or `shutdown` resolves.
///
/// Draws only when `update` marked the app dirty, and only after every
/// event that is already waiting has been handled. Frames for engine
/// reports come at most once per `FRAME_INTERVAL_MS`; a frame that shows
/// what a key did is drawn as soon as the queued events are handled, so a
/// key never waits for the next frame slot while a sync keeps the screen
/// busy. With nothing happening it sleeps in `select!`: no timer, no
/// frames — except, while a status message is shown, one wake-up when it
/// is due to go (`App::deadline`), then one frame.
pub async fn run<S: Screen>(
    app: &mut App,
    screen: &mut S,
    reader: &mut InputReader,
    mut input: mpsc::Receiver<io::Result<crossterm::event::Event>>,
    mut engine_events: mpsc::Receiver<EngineEvent>,
    engines: &mut Engines,
    shutdown: impl Future<Output = ()>,
) -> io::Result<LoopExit> {
    let frame_interval = Duration::from_millis(FRAME_INTERVAL_MS);
    let mut last_frame: Option<Instant> = None;
    // A key was handled since the last frame.
    let mut key_handled = false;
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        if app.should_quit {
            return Ok(LoopExit::Quit);
        }
        let next_frame = next_frame_at(last_frame, frame_interval);
        if app.dirty && (key_handled || Instant::now() >= next_frame) {
            screen.draw(app)?;
            app.dirty = false;
            last_frame = Some(Instant::now());
        }
        key_handled = false;
        let wait_for_frame = app.dirty;
        // Only while the app has something due (a status message to take
        // down): idle otherwise means no timer at all.
        let deadline = app.deadline().map(Instant::from_std);
        tokio::select! {
            biased;
            () = &mut shutdown => return Ok(LoopExit::Signal),
            event = input.recv() => match event {
                Some(event) => {
                    handle_terminal(app, engines, event?);
                    key_handled = true;
                }
                None => return Ok(LoopExit::InputClosed),
            },
            Some(report) = engine_events.recv() => handle(app, engines, Event::Engine(report)),
            () = tokio::time::sleep_until(next_frame), if wait_for_frame => {}
            () = tokio::time::sleep_until(deadline.unwrap_or(next_frame)), if deadline.is_some() => {
                handle(app, engines, Event::Deadline(Instant::now().into_std()));
            }
        }
        // Drain what is already queued so a burst becomes one frame: keys
        // first (they never wait behind socket data), then engine reports
        // until the budget is spent; the rest waits for the next turn.
        let mut budget_end = Instant::now() + Duration::from_millis(DRAIN_BUDGET_MS);
        if app.dirty {
            // A frame that falls due ends the turn early: what was typed
            // shows in the next frame, not one drain later.
            budget_end = budget_end.min(next_frame_at(last_frame, frame_interval));
        }
        key_handled |= drain_queued(app, engines, &mut input, &mut engine_events, budget_end)?;
        run_editor_requests(app, engines, reader, screen).await;
    }
}

/// Handles events that are already queued, without waiting: keys first,
/// then engine reports until `budget_end`, at most `MAX_EVENTS_PER_FRAME`.
/// Says whether it handled a key.
fn drain_queued(
    app: &mut App,
    engines: &mut Engines,
    input: &mut mpsc::Receiver<io::Result<crossterm::event::Event>>,
    engine_events: &mut mpsc::Receiver<EngineEvent>,
    budget_end: Instant,
) -> io::Result<bool> {
    let mut key_handled = false;
    for _ in 0..MAX_EVENTS_PER_FRAME {
        if let Ok(event) = input.try_recv() {
            handle_terminal(app, engines, event?);
            key_handled = true;
        } else if Instant::now() >= budget_end {
            break;
        } else if let Ok(report) = engine_events.try_recv() {
            handle(app, engines, Event::Engine(report));
        } else {
            break;
        }
    }
    Ok(key_handled)
}

/// The commands that need the terminal itself: gpg's pinentry, $EDITOR,
/// and a command an attachment is piped into. The loop hands the terminal
/// over and reports back: compose events, and the pipe's end as a notice.
async fn run_editor_requests<S: Screen>(
    app: &mut App,
    engines: &mut Engines,
    reader: &mut InputReader,
    screen: &mut S,
) {
    while let Some(request) = app.pgp_unlock.take() {
        let config = app.config.pgp.clone();
        let result =
            super::editor::suspend_and_unlock(reader, screen, config, request.clone()).await;
        app.dirty = true;
        let then = request.then;
        let event = ComposeEvent::Unlocked { then, result };
        handle(
            app,
            engines,
            Event::Engine(EngineEvent::Compose(Box::new(event))),
        );
    }
    while let Some(text) = app.editor_request.take() {
        let result = super::editor::suspend_and_edit(reader, screen, text).await;
        app.dirty = true;
        handle(
            app,
            engines,
            Event::Engine(EngineEvent::Compose(Box::new(
                ComposeEvent::EditorFinished(result),
            ))),
        );
    }
    while let Some((command, input)) = app.pipe_request.take() {
        let (level, text) = super::pipe::suspend_and_pipe(reader, screen, command, input).await;
        app.dirty = true;
        let notice = JobEvent::Notice { level, text };
        handle(app, engines, Event::Engine(EngineEvent::Job(notice)));
    }
}

/// When the next frame may be drawn: a frame interval after the last one.
fn next_frame_at(last_frame: Option<Instant>, frame_interval: Duration) -> Instant {
    last_frame.map_or_else(Instant::now, |t| t + frame_interval)
}

fn handle_terminal(app: &mut App, engines: &mut Engines, event: crossterm::event::Event) {
    if let Some(event) = translate(event) {
        handle(app, engines, event);
    }
}

fn handle(app: &mut App, engines: &mut Engines, event: Event) {
    for command in app.update(event) {
        engines.dispatch(command);
    }
}
