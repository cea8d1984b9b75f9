//! An engine's end of a session: where it records the bytes that crossed
//! the socket (the session's pipe) and sends its reports.

use super::chunk::{Chunk, Direction};
use super::pipe_buffer::DataPipe;
use super::session::{SessionEvent, SessionId};
use crate::report::Reporter;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::SystemTime;

/// An engine's end of a session: its pipe and its report channel.
#[derive(Clone)]
pub struct Sink {
    pub id: SessionId,
    pub pipe: Arc<DataPipe>,
    pub events: Reporter<SessionEvent>,
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
        let held = self.pipe.budget.take(data.len()).await;
        let chunk = Chunk {
            dir,
            at: SystemTime::now(),
            peer,
            data,
        };
        if self.pipe.push(chunk, held) {
            self.report(SessionEvent::Data { id: self.id }).await;
        }
    }

    pub async fn report(&self, event: SessionEvent) {
        self.events.send(event).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::net::pipe_budget::PipeBudget;
    use crate::report::Report;
    use tokio::sync::mpsc;

    fn sink(pipe: Arc<DataPipe>) -> (Sink, mpsc::Receiver<Report<SessionEvent>>) {
        let (events, reports) = Reporter::channel(16);
        let sink = Sink {
            id: 1,
            pipe,
            events,
            record_out: true,
        };
        (sink, reports)
    }

    #[tokio::test]
    async fn pipes_sharing_a_budget_wait_for_each_others_drains() {
        let budget = PipeBudget::new(100);
        let first = DataPipe::with_budget(budget.clone());
        let second = first.sharing();
        let (a, _reports_a) = sink(first.clone());
        let (b, _reports_b) = sink(second.clone());
        a.bytes(Direction::In, None, vec![b'a'; 80]).await;
        let waiting =
            tokio::spawn(async move { b.bytes(Direction::In, None, vec![b'b'; 40]).await });
        tokio::task::yield_now().await;
        assert!(!waiting.is_finished(), "the budget is spent");
        assert_eq!(first.drain()[0].data.len(), 80);
        waiting.await.unwrap();
        assert_eq!(budget.in_use(), 40);
        drop(second);
        assert_eq!(budget.in_use(), 0, "a dropped pipe gives its bytes back");
    }

    #[tokio::test]
    async fn a_closed_pipe_keeps_nothing() {
        let budget = PipeBudget::new(100);
        let pipe = DataPipe::with_budget(budget.clone());
        let (sink, _reports) = sink(pipe.clone());
        sink.bytes(Direction::In, None, vec![1; 50]).await;
        pipe.close();
        sink.bytes(Direction::In, None, vec![2; 500]).await;
        assert_eq!(budget.in_use(), 0);
        assert!(pipe.drain().is_empty());
    }
}
