use crate::app::Event;
use crossterm::event::{Event as TermEvent, EventStream, MouseEventKind};
use futures::StreamExt;
use std::io;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

/// Terminal events waiting to be handled, at most. Typing and pasting stay
/// far below this; the bound only matters if the loop stalls.
const INPUT_QUEUE_CAPACITY: usize = 1024;

/// Reads the terminal on its own task and queues what it reads, so the loop
/// can drain everything already typed without waiting. It can be stopped
/// while an external program (an `$EDITOR`) owns the terminal, so that two
/// readers never compete for the same keys.
pub struct InputReader {
    /// `None` for a detached reader that never touches the terminal.
    sender: Option<mpsc::Sender<io::Result<TermEvent>>>,
    task: Option<JoinHandle<()>>,
}

impl InputReader {
    /// Starts reading; events arrive on the returned receiver.
    pub fn start() -> (InputReader, mpsc::Receiver<io::Result<TermEvent>>) {
        let (sender, receiver) = mpsc::channel(INPUT_QUEUE_CAPACITY);
        let mut reader = InputReader {
            sender: Some(sender),
            task: None,
        };
        reader.resume();
        (reader, receiver)
    }

    /// A reader that never reads the terminal, for driving the loop from a
    /// channel of its own (tests, benchmarks); pause and resume do nothing.
    pub fn detached() -> InputReader {
        InputReader {
            sender: None,
            task: None,
        }
    }

    /// Stops reading the terminal (drops the event stream).
    pub fn pause(&mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }

    /// Starts reading again after `pause`.
    pub fn resume(&mut self) {
        if self.task.is_some() {
            return;
        }
        let Some(sender) = self.sender.clone() else {
            return;
        };
        self.task = Some(tokio::spawn(async move {
            let mut stream = EventStream::new();
            while let Some(event) = stream.next().await {
                if sender.send(event).await.is_err() {
                    break;
                }
            }
        }));
    }
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
