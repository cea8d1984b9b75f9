//! The path socket bytes take from an engine to its reader (the app, or the
//! headless pipe): a per-session queue of chunks plus at most one "data
//! available" report in flight. A fast peer therefore costs one event per
//! drain, not one per read, and "closed" never waits behind megabytes.

use super::session::{Chunk, Direction, SessionEvent, SessionId};
use crate::app::EngineEvent;
use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::SystemTime;
use tokio::sync::{Notify, mpsc};

/// Bytes that may wait in a pipe before the engine stops reading the
/// socket; the peer is then slowed down by TCP itself.
pub const PIPE_LIMIT_BYTES: usize = 4 * 1024 * 1024;

#[derive(Default)]
struct Queue {
    chunks: VecDeque<Chunk>,
    bytes: usize,
    /// A `Data` report was sent and not yet answered by a drain.
    reported: bool,
}

#[derive(Default)]
pub struct DataPipe {
    queue: Mutex<Queue>,
    drained: Notify,
}

impl DataPipe {
    pub fn new() -> Arc<DataPipe> {
        Arc::new(DataPipe::default())
    }

    /// Queues a chunk; true when the reader must be told (nothing was
    /// reported since its last drain).
    fn push(&self, chunk: Chunk) -> bool {
        let mut queue = self.queue.lock().unwrap_or_else(|e| e.into_inner());
        queue.bytes += chunk.data.len();
        queue.chunks.push_back(chunk);
        !std::mem::replace(&mut queue.reported, true)
    }

    fn bytes(&self) -> usize {
        self.queue.lock().unwrap_or_else(|e| e.into_inner()).bytes
    }

    /// Takes everything queued. Cheap: chunks are moved, not copied.
    pub fn drain(&self) -> Vec<Chunk> {
        let chunks = {
            let mut queue = self.queue.lock().unwrap_or_else(|e| e.into_inner());
            queue.bytes = 0;
            queue.reported = false;
            std::mem::take(&mut queue.chunks)
        };
        self.drained.notify_waiters();
        chunks.into()
    }

    /// Waits until the queue is below the limit.
    async fn room(&self) {
        loop {
            let drained = self.drained.notified();
            if self.bytes() < PIPE_LIMIT_BYTES {
                return;
            }
            drained.await;
        }
    }
}

/// An engine's end of a session: its pipe and its report channel.
#[derive(Clone)]
pub struct Sink {
    pub id: SessionId,
    pub pipe: Arc<DataPipe>,
    pub events: mpsc::Sender<EngineEvent>,
    /// Whether written bytes go to the transcript too (the headless pipe
    /// does not want its own input echoed back).
    pub record_out: bool,
}

impl Sink {
    /// Records bytes that crossed the socket, waiting while the reader is
    /// far behind.
    pub async fn bytes(&self, dir: Direction, peer: Option<SocketAddr>, data: Vec<u8>) {
        if data.is_empty() || (dir == Direction::Out && !self.record_out) {
            return;
        }
        self.pipe.room().await;
        let chunk = Chunk {
            dir,
            at: SystemTime::now(),
            peer,
            data,
        };
        if self.pipe.push(chunk) {
            self.report(SessionEvent::Data { id: self.id }).await;
        }
    }

    pub async fn report(&self, event: SessionEvent) {
        let _ = self.events.send(EngineEvent::Socket(event)).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chunk(n: usize) -> Chunk {
        Chunk {
            dir: Direction::In,
            at: SystemTime::now(),
            peer: None,
            data: vec![b'x'; n],
        }
    }

    #[test]
    fn one_report_per_drain() {
        let pipe = DataPipe::new();
        assert!(pipe.push(chunk(3)));
        assert!(!pipe.push(chunk(4)));
        assert_eq!(pipe.bytes(), 7);
        let drained = pipe.drain();
        assert_eq!(drained.len(), 2);
        assert!(pipe.push(chunk(1)));
    }
}
