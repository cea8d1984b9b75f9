//! How engines report to whoever drives them, without knowing who that is.
//!
//! Every engine (sockets, IMAP, POP3, compose, the store) speaks its own
//! event type and is handed a [`Reporter`] for it. The interface builds
//! reporters that wrap each engine's events into its own event type on one
//! channel; the headless commands and the tests take the reports directly
//! with [`Reporter::channel`]. Job ids, severity levels and the job
//! lifecycle are shared by every engine, so they live here, below all of
//! them.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use tokio::sync::mpsc;

/// Identifies one background job (a sync, a send, a listener) so that its
/// reports can be matched to it.
pub type JobId = u64;

/// How much a notice matters; the status line colours it by this.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Info,
    Warning,
    Error,
}

/// The lifecycle of a job, and notices that belong to no job.
#[derive(Debug, Clone, PartialEq)]
pub enum JobEvent {
    /// A job began; while any job runs, quitting asks first.
    Started { job: JobId, label: String },
    /// Progress of a job, e.g. messages fetched of messages to fetch.
    Progress { job: JobId, done: u64, total: u64 },
    /// A job ended; `Err` carries a one-line summary for the status line.
    Finished {
        job: JobId,
        outcome: Result<String, String>,
    },
    /// A message for the status line that belongs to no job.
    Notice { level: Level, text: String },
}

/// One report of an engine whose own events are `E`.
#[derive(Debug, Clone, PartialEq)]
pub enum Report<E> {
    Job(JobEvent),
    Event(E),
}

/// A sending end for an engine's reports. Cloning is cheap; every clone
/// feeds the same channel.
pub struct Reporter<E> {
    channel: Arc<dyn Channel<E>>,
}

impl<E> Clone for Reporter<E> {
    fn clone(&self) -> Self {
        Reporter {
            channel: self.channel.clone(),
        }
    }
}

impl<E> std::fmt::Debug for Reporter<E> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Reporter")
    }
}

impl<E: Send + 'static> Reporter<E> {
    /// Reports into `tx`, each one turned into the driver's own type `T`.
    pub fn wrapping<T>(tx: mpsc::Sender<T>) -> Reporter<E>
    where
        T: From<Report<E>> + Send + 'static,
    {
        Reporter {
            channel: Arc::new(Wrapping { tx }),
        }
    }

    /// A reporter and the receiver its reports arrive on, for a driver that
    /// takes one engine's reports as they are (headless commands, tests).
    pub fn channel(capacity: usize) -> (Reporter<E>, mpsc::Receiver<Report<E>>) {
        let (tx, rx) = mpsc::channel(capacity);
        (Reporter::wrapping(tx), rx)
    }

    /// Sends `event`, waiting for room. False when nobody listens any more.
    pub async fn send(&self, event: E) -> bool {
        self.channel.send(Report::Event(event)).await
    }

    /// Sends `event` unless the channel is full or closed; for advisory
    /// reports (progress) that must never hold up the work.
    pub fn try_send(&self, event: E) -> bool {
        self.channel.try_send(Report::Event(event))
    }

    /// Sends `event` from a thread outside the async runtime.
    pub fn blocking_send(&self, event: E) -> bool {
        self.channel.blocking_send(Report::Event(event))
    }

    /// Reports a job's lifecycle or a notice, waiting for room.
    pub async fn job(&self, event: JobEvent) -> bool {
        self.channel.send(Report::Job(event)).await
    }

    /// Reports a job event unless the channel is full or closed.
    pub fn try_job(&self, event: JobEvent) -> bool {
        self.channel.try_send(Report::Job(event))
    }

    /// Reports a job event from a thread outside the async runtime.
    pub fn blocking_job(&self, event: JobEvent) -> bool {
        self.channel.blocking_send(Report::Job(event))
    }

    /// A notice for the status line, waiting for room.
    pub async fn notice(&self, level: Level, text: impl Into<String>) -> bool {
        let text = text.into();
        self.job(JobEvent::Notice { level, text }).await
    }
}

impl<E> From<E> for Report<E> {
    fn from(event: E) -> Report<E> {
        Report::Event(event)
    }
}

type Sending<'a> = Pin<Box<dyn Future<Output = bool> + Send + 'a>>;

/// The three ways an engine sends, over whatever channel the driver chose.
trait Channel<E>: Send + Sync {
    fn send(&self, report: Report<E>) -> Sending<'_>;
    fn try_send(&self, report: Report<E>) -> bool;
    fn blocking_send(&self, report: Report<E>) -> bool;
}

struct Wrapping<T> {
    tx: mpsc::Sender<T>,
}

impl<E, T> Channel<E> for Wrapping<T>
where
    T: From<Report<E>> + Send + 'static,
{
    fn send(&self, report: Report<E>) -> Sending<'_> {
        let item = T::from(report);
        Box::pin(async move { self.tx.send(item).await.is_ok() })
    }

    fn try_send(&self, report: Report<E>) -> bool {
        self.tx.try_send(T::from(report)).is_ok()
    }

    fn blocking_send(&self, report: Report<E>) -> bool {
        self.tx.blocking_send(T::from(report)).is_ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq)]
    enum Outer {
        Job(JobEvent),
        Number(u32),
    }

    impl From<Report<u32>> for Outer {
        fn from(report: Report<u32>) -> Outer {
            match report {
                Report::Job(job) => Outer::Job(job),
                Report::Event(n) => Outer::Number(n),
            }
        }
    }

    #[tokio::test]
    async fn reports_arrive_wrapped_in_the_drivers_type() {
        let (tx, mut rx) = mpsc::channel::<Outer>(4);
        let reporter = Reporter::<u32>::wrapping(tx);
        assert!(reporter.send(7).await);
        assert!(reporter.notice(Level::Info, "hello").await);
        assert_eq!(rx.recv().await, Some(Outer::Number(7)));
        assert_eq!(
            rx.recv().await,
            Some(Outer::Job(JobEvent::Notice {
                level: Level::Info,
                text: "hello".into()
            }))
        );
    }

    #[tokio::test]
    async fn a_full_channel_refuses_advisory_reports_and_a_closed_one_says_so() {
        let (reporter, rx) = Reporter::<u32>::channel(1);
        assert!(reporter.try_send(1));
        assert!(!reporter.try_send(2), "full");
        drop(rx);
        assert!(!reporter.send(3).await, "closed");
    }
}
