//! `wirepost tcp` for a plain connection: no byte needs the engine (no
//! transcript, no TLS, no dialogue), so the data takes the shortest path.
//! Two threads each copy one direction with `fd_copy` (splice when stdin
//! or stdout is a pipe); the main thread only waits for them and keeps the
//! time limits: end of stdin sends FIN, the peer closing ends the program.

use super::fd_copy;
use super::pipe_limits::{Activity, Limits, status};
use std::net::{Shutdown, TcpStream};
use std::os::fd::AsRawFd;
use std::sync::Arc;
use std::sync::mpsc;
use std::time::Instant;

/// What the copying threads tell the main thread.
enum Report {
    /// Stdin ended and FIN was sent.
    InputEnded,
    /// Writing to the socket failed.
    SendFailed(std::io::Error),
    /// The peer closed (Ok) or the connection broke; the program ends.
    Received(std::io::Result<()>),
}

/// Pipes stdin and stdout through `tcp` until the peer closes or a limit
/// runs out; returns the exit status.
pub fn run(tcp: TcpStream, limits: Limits) -> u8 {
    let activity = Arc::new(Activity::new());
    let (tx, reports) = mpsc::channel();
    let Ok(upload_socket) = tcp.try_clone() else {
        eprintln!("wirepost: cannot use the socket from two threads");
        return status::NETWORK;
    };
    spawn_upload(upload_socket, tx.clone(), activity.clone());
    spawn_download(tcp, tx, activity.clone());
    let mut input_ended_at = None;
    loop {
        let deadline = limits.deadline(&activity, input_ended_at);
        let report = match deadline {
            Some(at) => match reports.recv_timeout(at.saturating_duration_since(Instant::now())) {
                Ok(report) => report,
                Err(mpsc::RecvTimeoutError::Timeout) => {
                    match limits.reached(&activity, input_ended_at, Instant::now()) {
                        Some(code) => return code,
                        None => continue,
                    }
                }
                Err(mpsc::RecvTimeoutError::Disconnected) => return status::OK,
            },
            None => match reports.recv() {
                Ok(report) => report,
                Err(_) => return status::OK,
            },
        };
        match report {
            Report::InputEnded => input_ended_at = Some(Instant::now()),
            Report::SendFailed(e) => {
                eprintln!("wirepost: {}", send_reason(&e));
                return status::NETWORK;
            }
            Report::Received(Ok(())) => return status::OK,
            Report::Received(Err(e)) => {
                eprintln!("wirepost: {}", receive_reason(&e, input_ended_at.is_some()));
                return status::NETWORK;
            }
        }
    }
}

fn spawn_upload(socket: TcpStream, tx: mpsc::Sender<Report>, activity: Arc<Activity>) {
    std::thread::spawn(move || {
        let stdin = std::io::stdin();
        let copied = fd_copy::copy(stdin.as_raw_fd(), socket.as_raw_fd(), |_| activity.touch());
        let report = match copied {
            Ok(_) => match socket.shutdown(Shutdown::Write) {
                Ok(()) => Report::InputEnded,
                // Everything was written, and the peer has already reset
                // or closed the connection: the receiving side reads why.
                Err(e) if e.kind() == std::io::ErrorKind::NotConnected => Report::InputEnded,
                Err(e) => Report::SendFailed(e),
            },
            Err(e) => Report::SendFailed(e),
        };
        let _ = tx.send(report);
    });
}

fn spawn_download(socket: TcpStream, tx: mpsc::Sender<Report>, activity: Arc<Activity>) {
    std::thread::spawn(move || {
        let stdout = std::io::stdout();
        let copied = fd_copy::copy(socket.as_raw_fd(), stdout.as_raw_fd(), |_| activity.touch());
        let report = match copied {
            // stdout closed under us: like nc, stop quietly.
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
            other => other.map(|_| ()),
        };
        let _ = tx.send(Report::Received(report));
    });
}

fn send_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::BrokenPipe | std::io::ErrorKind::ConnectionReset => {
            "the peer closed the connection while we were sending".into()
        }
        _ => format!("send failed: {e}"),
    }
}

fn receive_reason(e: &std::io::Error, input_ended: bool) -> String {
    match e.kind() {
        std::io::ErrorKind::ConnectionReset if input_ended => {
            "connection reset by peer after our end of input; replies it had not sent are lost"
                .into()
        }
        std::io::ErrorKind::ConnectionReset => "connection reset by peer".into(),
        _ => format!("receive failed: {e}"),
    }
}
