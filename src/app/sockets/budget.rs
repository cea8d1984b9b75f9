//! All transcripts together stay within one memory budget: a listener with
//! a thousand busy clients must not keep a thousand full transcripts. Each
//! transcript has its own cap as well (`TRANSCRIPT_CAP_BYTES`).

use super::Sockets;

/// Transcript bytes all sessions together keep.
pub const TRANSCRIPTS_BUDGET_BYTES: usize = 128 * 1024 * 1024;
/// How much may arrive between two checks, so a check (a sum over all
/// sessions) is not paid for every small read.
const CHECK_EVERY_BYTES: usize = 1024 * 1024;

impl Sockets {
    /// Notes bytes taken into a transcript; checks the budget now and then.
    pub(super) fn took(&mut self, bytes: usize) {
        self.unchecked_bytes += bytes;
        if self.unchecked_bytes >= CHECK_EVERY_BYTES {
            self.unchecked_bytes = 0;
            self.enforce_budget(TRANSCRIPTS_BUDGET_BYTES);
        }
    }

    /// Over budget, every session but the selected one that holds more
    /// than an equal share of what is left is trimmed to that share,
    /// oldest chunks first (the transcript counts what it dropped).
    pub(super) fn enforce_budget(&mut self, budget: usize) {
        let total: usize = self.sessions.iter().map(|s| s.transcript.bytes()).sum();
        if total <= budget || self.sessions.len() < 2 {
            return;
        }
        let selected = self.selected;
        let kept = self
            .sessions
            .get(selected)
            .map_or(0, |s| s.transcript.bytes());
        let share = budget.saturating_sub(kept) / (self.sessions.len() - 1);
        for (i, session) in self.sessions.iter_mut().enumerate() {
            if i != selected && session.transcript.bytes() > share {
                session.transcript.trim_to(share);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::SocketSession;
    use super::*;
    use crate::net::pipe_buffer::DataPipe;
    use crate::net::session::{Chunk, Direction, PipeHandle, SessionKind};
    use std::time::SystemTime;

    fn session(id: u64, chunks: usize) -> SocketSession {
        let mut s = SocketSession::new(
            id,
            SessionKind::Accepted,
            "127.0.0.1:1".into(),
            PipeHandle(DataPipe::new()),
        );
        for _ in 0..chunks {
            s.transcript.push(Chunk {
                dir: Direction::In,
                at: SystemTime::UNIX_EPOCH,
                peer: None,
                data: vec![b'x'; 1000],
            });
        }
        s
    }

    #[test]
    fn many_sessions_are_trimmed_to_a_share_and_the_selected_one_kept() {
        let mut sockets = Sockets {
            sessions: (0..10).map(|id| session(id, 100)).collect(),
            selected: 3,
            ..Sockets::default()
        };
        sockets.enforce_budget(300_000);
        let sizes: Vec<usize> = sockets
            .sessions
            .iter()
            .map(|s| s.transcript.bytes())
            .collect();
        assert_eq!(sizes[3], 100_000, "the session being read keeps all");
        for (i, size) in sizes.iter().enumerate().filter(|(i, _)| *i != 3) {
            assert!(*size <= 22_222, "session {i} kept {size}");
            assert_eq!(
                sockets.sessions[i].transcript.dropped_bytes as usize,
                100_000 - size
            );
        }
        assert!(sizes.iter().sum::<usize>() <= 300_000);
    }

    #[test]
    fn within_budget_nothing_is_dropped() {
        let mut sockets = Sockets {
            sessions: (0..10).map(|id| session(id, 10)).collect(),
            ..Sockets::default()
        };
        sockets.enforce_budget(100_000);
        assert!(
            sockets
                .sessions
                .iter()
                .all(|s| s.transcript.dropped_chunks == 0)
        );
    }
}
