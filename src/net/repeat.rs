//! Timed sequences (`:run NAME`): a payload sent a number of times at an
//! interval, paced here in the engine by a tokio timer — the interface
//! only shows the counter it is told, and sleeps while nothing happens.
//! Each round hands the same commands to the sessions' own queues, so the
//! bytes go out (and into the transcript) exactly like typed input.

use super::registry::Registry;
use super::session::{RunProgress, RunSpec, SessionEvent, SessionId};
use crate::report::Reporter;
use std::time::Duration;

/// Sends `spec`'s rounds, reporting each as `SessionEvent::Run` for
/// session `id`.
pub async fn run(id: SessionId, spec: RunSpec, registry: Registry, events: Reporter<SessionEvent>) {
    let mut ticks = tokio::time::interval(spec.every.max(Duration::from_millis(1)));
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let report = |sent: u32, ended: Option<String>| SessionEvent::Run {
        id,
        progress: RunProgress {
            serial: spec.serial,
            sent,
            ended,
        },
    };
    for round in 1..=spec.count {
        ticks.tick().await;
        for (session, command) in &spec.deliveries {
            let sent = match registry.get(*session) {
                Some(tx) => tx.send(command.clone()).await.is_ok(),
                None => false,
            };
            if !sent {
                let why = format!(
                    "stopped after {} of {}: the session closed",
                    round - 1,
                    spec.count
                );
                events.send(report(round - 1, Some(why))).await;
                return;
            }
        }
        let ended = (round == spec.count).then(|| "done".to_string());
        events.send(report(round, ended)).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::net::session::SessionCommand;
    use crate::report::Report;
    use tokio::sync::mpsc;

    #[tokio::test(start_paused = true)]
    async fn sends_each_round_at_the_interval_and_reports_the_count() {
        let registry = Registry::default();
        let (tx, mut session) = mpsc::channel(16);
        registry.insert(7, tx);
        let (events, mut reports) = Reporter::channel(16);
        let spec = RunSpec {
            name: "ping".into(),
            serial: 42,
            deliveries: vec![(7, SessionCommand::Send(b"PING\r\n".to_vec()))],
            count: 3,
            every: Duration::from_secs(10),
        };
        let started = tokio::time::Instant::now();
        let task = tokio::spawn(run(7, spec, registry, events));
        let mut at = Vec::new();
        for _ in 0..3 {
            let command = session.recv().await.unwrap();
            assert_eq!(command, SessionCommand::Send(b"PING\r\n".to_vec()));
            at.push(started.elapsed().as_secs());
        }
        // The first goes at once, the others one interval apart.
        assert_eq!(at, [0, 10, 20]);
        task.await.unwrap();
        let mut progress = Vec::new();
        while let Ok(Report::Event(SessionEvent::Run { id: 7, progress: p })) = reports.try_recv() {
            progress.push((p.sent, p.ended));
        }
        assert_eq!(
            progress,
            [(1, None), (2, None), (3, Some("done".to_string()))]
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_closed_session_stops_the_run_and_says_so() {
        let registry = Registry::default();
        let (events, mut reports) = Reporter::channel(16);
        let spec = RunSpec {
            name: "ping".into(),
            serial: 1,
            deliveries: vec![(9, SessionCommand::Send(b"x".to_vec()))],
            count: 5,
            every: Duration::from_secs(1),
        };
        run(9, spec, registry, events).await;
        match reports.recv().await {
            Some(Report::Event(SessionEvent::Run { progress, .. })) => {
                assert_eq!(progress.sent, 0);
                assert!(progress.ended.unwrap().contains("the session closed"));
            }
            _ => panic!("no report"),
        }
    }
}
