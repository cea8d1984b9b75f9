//! One byte budget shared by many pipes: a listener with a thousand busy
//! clients must not queue a thousand pipes' worth of bytes while the
//! interface catches up. An engine takes its bytes from the budget before
//! it queues them and waits while the budget is spent; it then stops
//! reading its socket, so the peer is slowed down by TCP itself. A drain
//! gives the bytes back. Waiting engines are served first come, first
//! served, so no session starves.

use std::fmt;
use std::sync::Arc;
use tokio::sync::Semaphore;

/// Bytes the pipes of the whole interface hold together, at most.
pub const SHARED_PIPES_BUDGET_BYTES: usize = 32 * 1024 * 1024;

pub struct PipeBudget {
    free: Semaphore,
    limit: usize,
}

impl PipeBudget {
    pub fn new(limit: usize) -> Arc<PipeBudget> {
        Arc::new(PipeBudget {
            free: Semaphore::new(limit),
            limit,
        })
    }

    /// Bytes queued in the pipes that share this budget.
    pub fn in_use(&self) -> usize {
        self.limit - self.free.available_permits()
    }

    pub fn limit(&self) -> usize {
        self.limit
    }

    /// Takes `bytes` from the budget, waiting for drains while it is spent;
    /// returns what was taken (a chunk larger than the whole budget takes
    /// all of it, so it waits for an empty budget but never forever).
    pub(super) async fn take(&self, bytes: usize) -> usize {
        let bytes = bytes.min(self.limit).min(u32::MAX as usize);
        match self.free.acquire_many(bytes as u32).await {
            Ok(permits) => {
                permits.forget();
                bytes
            }
            // Never closed; if it were, nothing would be held back.
            Err(_) => 0,
        }
    }

    /// Returns bytes taken earlier.
    pub(super) fn give_back(&self, bytes: usize) {
        if bytes > 0 {
            self.free.add_permits(bytes);
        }
    }
}

impl Default for PipeBudget {
    fn default() -> PipeBudget {
        PipeBudget {
            free: Semaphore::new(SHARED_PIPES_BUDGET_BYTES),
            limit: SHARED_PIPES_BUDGET_BYTES,
        }
    }
}

impl fmt::Debug for PipeBudget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PipeBudget({} of {} bytes)", self.in_use(), self.limit)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn takers_wait_until_bytes_come_back() {
        let budget = PipeBudget::new(100);
        assert_eq!(budget.take(60).await, 60);
        assert_eq!(budget.in_use(), 60);
        let waiting = tokio::spawn({
            let budget = budget.clone();
            async move { budget.take(50).await }
        });
        tokio::task::yield_now().await;
        assert!(!waiting.is_finished(), "only 40 bytes are free");
        budget.give_back(60);
        assert_eq!(waiting.await.unwrap(), 50);
        assert_eq!(budget.in_use(), 50);
    }

    #[tokio::test]
    async fn a_chunk_larger_than_the_budget_takes_all_of_it() {
        let budget = PipeBudget::new(10);
        assert_eq!(budget.take(1000).await, 10);
        assert_eq!(budget.in_use(), 10);
        budget.give_back(10);
        assert_eq!(budget.in_use(), 0);
    }
}
