//! Terminal input: read on its own thread, queued for the loop, and
//! translated into app events.

use crate::app::Event;
use crossterm::event::{Event as TermEvent, EventStream, MouseEventKind};
use futures::StreamExt;
use std::io;
use tokio::sync::{mpsc, oneshot};

/// Terminal events waiting to be handled, at most. Typing and pasting stay
/// far below this; the bound only matters if the loop stalls.
const INPUT_QUEUE_CAPACITY: usize = 1024;

/// Reads the terminal on a thread of its own and queues what it reads, so
/// the loop can drain everything already typed without waiting. The thread
/// is not one of the runtime's workers: a key must not wait in a run queue
/// behind a thousand busy socket tasks. It can be stopped while an external
/// program (an `$EDITOR`) owns the terminal, so that two readers never
/// compete for the same keys.
pub struct InputReader {
    /// `None` for a detached reader that never touches the terminal.
    sender: Option<mpsc::Sender<io::Result<TermEvent>>>,
    running: Option<Running>,
}

/// The reading thread and the way to stop it.
struct Running {
    stop: oneshot::Sender<()>,
    thread: std::thread::JoinHandle<()>,
}

impl InputReader {
    /// Starts reading; events arrive on the returned receiver.
    pub fn start() -> (InputReader, mpsc::Receiver<io::Result<TermEvent>>) {
        let (sender, receiver) = mpsc::channel(INPUT_QUEUE_CAPACITY);
        let mut reader = InputReader {
            sender: Some(sender),
            running: None,
        };
        reader.resume();
        (reader, receiver)
    }

    /// A reader that never reads the terminal, for driving the loop from a
    /// channel of its own (tests, benchmarks); pause and resume do nothing.
    pub fn detached() -> InputReader {
        InputReader {
            sender: None,
            running: None,
        }
    }

    /// Stops reading the terminal; returns once the event stream is gone.
    pub fn pause(&mut self) {
        if let Some(running) = self.running.take() {
            let _ = running.stop.send(());
            let _ = running.thread.join();
        }
    }

    /// Starts reading again after `pause`.
    pub fn resume(&mut self) {
        if self.running.is_some() {
            return;
        }
        let Some(sender) = self.sender.clone() else {
            return;
        };
        let (stop, stopped) = oneshot::channel();
        let thread = std::thread::Builder::new()
            .name("wirepost-input".into())
            .spawn(move || read_terminal(sender, stopped));
        match thread {
            Ok(thread) => self.running = Some(Running { stop, thread }),
            Err(e) => tracing::error!("cannot start the terminal reader: {e}"),
        }
    }
}

/// The reading thread: a small runtime of its own that forwards every
/// terminal event until told to stop or the loop is gone.
fn read_terminal(sender: mpsc::Sender<io::Result<TermEvent>>, mut stop: oneshot::Receiver<()>) {
    let runtime = match tokio::runtime::Builder::new_current_thread().build() {
        Ok(runtime) => runtime,
        Err(e) => {
            let _ = sender.blocking_send(Err(e));
            return;
        }
    };
    runtime.block_on(async move {
        let mut stream = EventStream::new();
        loop {
            let event = tokio::select! {
                biased;
                _ = &mut stop => return,
                event = stream.next() => match event {
                    Some(event) => event,
                    None => return,
                },
            };
            tokio::select! {
                biased;
                _ = &mut stop => return,
                sent = sender.send(event) => if sent.is_err() { return },
            }
        }
    });
}

impl Drop for InputReader {
    fn drop(&mut self) {
        self.pause();
    }
}

/// Turns a terminal event into an app event; `None` for events the app has
/// no use for (mouse movement, focus loss), which then cost no frame.
pub fn translate(event: TermEvent) -> Option<Event> {
    match event {
        TermEvent::Key(key) => Some(Event::Key(key)),
        TermEvent::Mouse(mouse) => match mouse.kind {
            MouseEventKind::Moved => None,
            _ => Some(Event::Mouse(mouse)),
        },
        TermEvent::Paste(text) => Some(Event::Paste(text)),
        TermEvent::Resize(width, height) => Some(Event::Resize { width, height }),
        TermEvent::FocusGained => Some(Event::FocusGained),
        TermEvent::FocusLost => None,
    }
}
