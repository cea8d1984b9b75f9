//! The time limits of a headless pipe and its exit statuses: how long to
//! wait for the peer once stdin has ended (`--quit-after-eof`, like
//! `nc -q`), and how long nothing may move either way before the pipe
//! gives up (`--idle-timeout`, like `ncat -i`).

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// Exit statuses of `wirepost tcp|listen|udp`, as `--help` lists them.
pub mod status {
    /// The peer closed the connection, or `--quit-after-eof` ran out.
    pub const OK: u8 = 0;
    /// A network or TLS error: refused, reset, certificate rejected.
    pub const NETWORK: u8 = 1;
    /// Bad arguments.
    pub const USAGE: u8 = 2;
    /// `--idle-timeout` ran out.
    pub const IDLE: u8 = 3;
}

/// What `--help` says about the exit statuses.
pub const EXIT_STATUS_HELP: &str = "Exit status: 0 when the peer closed the connection (or --quit-after-eof ran out), 1 on a network or TLS error (refused, reset, certificate rejected), 2 on bad arguments, 3 when --idle-timeout ran out.";

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Limits {
    /// Close when nothing moved either way for this long.
    pub idle: Option<Duration>,
    /// Once stdin has ended, wait at most this long for the peer.
    pub quit_after_eof: Option<Duration>,
}

/// When bytes last moved, shared by the threads that move them.
#[derive(Debug)]
pub struct Activity {
    started: Instant,
    /// Milliseconds after `started`.
    last_ms: AtomicU64,
}

impl Activity {
    pub fn new() -> Activity {
        Activity {
            started: Instant::now(),
            last_ms: AtomicU64::new(0),
        }
    }

    /// Bytes moved just now.
    pub fn touch(&self) {
        let ms = self.started.elapsed().as_millis() as u64;
        self.last_ms.store(ms, Ordering::Relaxed);
    }

    fn quiet_since(&self) -> Instant {
        self.started + Duration::from_millis(self.last_ms.load(Ordering::Relaxed))
    }
}

impl Default for Activity {
    fn default() -> Activity {
        Activity::new()
    }
}

impl Limits {
    /// The next moment a limit could run out; None with no limit to keep.
    pub fn deadline(&self, activity: &Activity, input_ended: Option<Instant>) -> Option<Instant> {
        let idle = self.idle.map(|idle| activity.quiet_since() + idle);
        let after_eof = self
            .quit_after_eof
            .zip(input_ended)
            .map(|(wait, ended)| ended + wait);
        match (idle, after_eof) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// The exit status when a limit has run out at `now` (saying why on
    /// stderr); None when bytes moved meanwhile and the wait goes on.
    pub fn reached(
        &self,
        activity: &Activity,
        input_ended: Option<Instant>,
        now: Instant,
    ) -> Option<u8> {
        if let (Some(wait), Some(ended)) = (self.quit_after_eof, input_ended)
            && now >= ended + wait
        {
            return Some(status::OK);
        }
        if let Some(idle) = self.idle
            && now >= activity.quiet_since() + idle
        {
            eprintln!(
                "wirepost: nothing moved for {}s (--idle-timeout); closing",
                idle.as_secs_f32()
            );
            return Some(status::IDLE);
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_earlier_limit_counts_and_activity_pushes_the_idle_one_back() {
        let limits = Limits {
            idle: Some(Duration::from_secs(10)),
            quit_after_eof: Some(Duration::from_secs(2)),
        };
        let activity = Activity::new();
        let start = activity.started;
        assert_eq!(
            limits.deadline(&activity, None),
            Some(start + Duration::from_secs(10))
        );
        let ended = start + Duration::from_secs(1);
        assert_eq!(
            limits.deadline(&activity, Some(ended)),
            Some(start + Duration::from_secs(3))
        );
        assert_eq!(
            limits.reached(&activity, Some(ended), start + Duration::from_secs(3)),
            Some(status::OK)
        );
        assert_eq!(
            limits.reached(&activity, None, start + Duration::from_secs(9)),
            None
        );
        assert_eq!(
            limits.reached(&activity, None, start + Duration::from_secs(10)),
            Some(status::IDLE)
        );
        assert_eq!(Limits::default().deadline(&activity, Some(ended)), None);
    }
}
