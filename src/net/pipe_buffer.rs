//! The path socket bytes take from an engine to its reader (the app, or the
//! headless pipe): a per-session queue of chunks plus at most one "data
//! available" report in flight. A fast peer therefore costs one event per
//! drain, not one per read, and "closed" never waits behind megabytes.

use super::chunk::{Chunk, READ_CHUNK_BYTES};
use super::pipe_budget::PipeBudget;
use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use tokio::sync::Notify;

/// Bytes that may wait in one pipe before its engine stops reading the
/// socket, so that one flooding peer cannot take a shared budget alone.
pub const PIPE_LIMIT_BYTES: usize = 4 * 1024 * 1024;

/// Stream chunks that queue up behind each other while the reader is busy
/// are merged up to this size: what a drain costs then depends on the
/// bytes waiting, not on how small the peer's writes were.
const MERGE_UP_TO_BYTES: usize = READ_CHUNK_BYTES;

#[derive(Default)]
struct Queue {
    chunks: VecDeque<Chunk>,
    bytes: usize,
    /// Bytes taken from the budget for the queued chunks.
    held: usize,
    /// A `Data` report was sent and not yet answered by a drain.
    reported: bool,
    /// The reader let go: bytes are counted as drained at once.
    closed: bool,
}

pub struct DataPipe {
    queue: Mutex<Queue>,
    drained: Notify,
    pub(super) budget: Arc<PipeBudget>,
}

impl DataPipe {
    /// A pipe with a budget of its own (which pipes made by `sharing` it
    /// draw on too).
    pub fn new() -> Arc<DataPipe> {
        DataPipe::with_budget(Arc::default())
    }

    /// A pipe that draws on `budget` together with every other pipe that
    /// does.
    pub fn with_budget(budget: Arc<PipeBudget>) -> Arc<DataPipe> {
        Arc::new(DataPipe {
            queue: Mutex::default(),
            drained: Notify::new(),
            budget,
        })
    }

    /// A new pipe drawing on the same budget as this one (a listener's
    /// clients share their listener's).
    pub fn sharing(&self) -> Arc<DataPipe> {
        DataPipe::with_budget(self.budget.clone())
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Queue> {
        self.queue.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Queues a chunk whose bytes were taken from the budget; true when
    /// the reader must be told (nothing was reported since its last drain).
    pub(super) fn push(&self, chunk: Chunk, held: usize) -> bool {
        let mut queue = self.lock();
        if queue.closed {
            drop(queue);
            self.budget.give_back(held);
            return false;
        }
        queue.bytes += chunk.data.len();
        queue.held += held;
        match queue.chunks.back_mut() {
            Some(last)
                if last.dir == chunk.dir
                    && last.peer.is_none()
                    && chunk.peer.is_none()
                    && last.data.len() + chunk.data.len() <= MERGE_UP_TO_BYTES =>
            {
                last.data.extend_from_slice(&chunk.data);
            }
            _ => queue.chunks.push_back(chunk),
        }
        !std::mem::replace(&mut queue.reported, true)
    }

    fn bytes(&self) -> usize {
        self.lock().bytes
    }

    /// Takes everything queued. Cheap: chunks are moved, not copied.
    pub fn drain(&self) -> Vec<Chunk> {
        let (chunks, held) = {
            let mut queue = self.lock();
            queue.bytes = 0;
            queue.reported = false;
            (
                std::mem::take(&mut queue.chunks),
                std::mem::take(&mut queue.held),
            )
        };
        self.budget.give_back(held);
        self.drained.notify_waiters();
        chunks.into()
    }

    /// The reader lets go of this pipe (a session reopened under a new
    /// id): what waits is dropped and later bytes are not kept, so the
    /// engine never waits for a drain that will not come.
    pub fn close(&self) {
        self.lock().closed = true;
        self.drain();
    }

    /// Waits until this pipe is below its own limit.
    pub(super) async fn room(&self) {
        loop {
            let drained = self.drained.notified();
            if self.bytes() < PIPE_LIMIT_BYTES {
                return;
            }
            drained.await;
        }
    }
}

impl Drop for DataPipe {
    fn drop(&mut self) {
        let held = self.lock().held;
        self.budget.give_back(held);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::net::chunk::Direction;
    use std::time::SystemTime;

    fn chunk(dir: Direction, n: usize) -> Chunk {
        Chunk {
            dir,
            at: SystemTime::now(),
            peer: None,
            data: vec![b'x'; n],
        }
    }

    #[test]
    fn one_report_per_drain() {
        let pipe = DataPipe::new();
        assert!(pipe.push(chunk(Direction::In, 3), 0));
        assert!(!pipe.push(chunk(Direction::In, 4), 0));
        assert_eq!(pipe.bytes(), 7);
        let drained = pipe.drain();
        assert_eq!(drained.len(), 1, "stream bytes in a row are merged");
        assert_eq!(drained[0].data.len(), 7);
        assert!(pipe.push(chunk(Direction::In, 1), 0));
    }

    #[test]
    fn directions_datagrams_and_full_chunks_stay_apart() {
        let pipe = DataPipe::new();
        pipe.push(chunk(Direction::In, 10), 0);
        pipe.push(chunk(Direction::Out, 10), 0);
        pipe.push(chunk(Direction::Out, MERGE_UP_TO_BYTES), 0);
        let mut datagram = chunk(Direction::In, 5);
        datagram.peer = Some("127.0.0.1:9".parse().unwrap());
        pipe.push(datagram.clone(), 0);
        pipe.push(datagram, 0);
        let sizes: Vec<usize> = pipe.drain().iter().map(|c| c.data.len()).collect();
        assert_eq!(sizes, [10, 10, MERGE_UP_TO_BYTES, 5, 5]);
    }
}
