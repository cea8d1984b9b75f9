//! UDP sessions: a bound socket that shows every datagram with its sender
//! (and can answer by rule), or an unconnected socket that sends to a
//! default target and shows replies from anyone.

use super::rules::LineRules;
use super::session::{Direction, Rules, SessionCommand, SessionEvent};
use super::sink::Sink;
use std::net::SocketAddr;
use tokio::net::UdpSocket;
use tokio::sync::mpsc;

/// The largest datagram UDP can carry.
const MAX_DATAGRAM: usize = 65_536;

/// Binds `addr` for a UDP server.
pub async fn bind(addr: &str) -> Result<UdpSocket, String> {
    let mut last = String::new();
    for a in super::tcp::resolve(addr).await? {
        match UdpSocket::bind(a).await {
            Ok(socket) => return Ok(socket),
            Err(e) => last = format!("cannot bind {a}: {e}"),
        }
    }
    Err(last)
}

/// An unconnected socket of the right family for `target`, and the target.
pub async fn for_target(target: &str) -> Result<(UdpSocket, SocketAddr), String> {
    let to = *super::tcp::resolve(target)
        .await?
        .first()
        .ok_or_else(|| format!("cannot resolve {target}"))?;
    let local: SocketAddr = if to.is_ipv4() {
        "0.0.0.0:0".parse().expect("literal address")
    } else {
        "[::]:0".parse().expect("literal address")
    };
    let socket = UdpSocket::bind(local)
        .await
        .map_err(|e| format!("cannot open a UDP socket: {e}"))?;
    Ok((socket, to))
}

/// Runs until closed. `target` is where `Send` goes without an address.
pub async fn run(
    socket: UdpSocket,
    target: Option<SocketAddr>,
    rules: Rules,
    mut commands: mpsc::Receiver<SessionCommand>,
    sink: Sink,
) {
    let rules = LineRules::new(rules);
    let mut buf = vec![0u8; MAX_DATAGRAM];
    let id = sink.id;
    let error = loop {
        tokio::select! {
            received = socket.recv_from(&mut buf) => match received {
                Ok((n, from)) => {
                    let data = buf[..n].to_vec();
                    let reaction = rules.datagram(&data);
                    sink.bytes(Direction::In, Some(from), data).await;
                    for reply in reaction.replies {
                        if let Err(e) = send(&socket, &sink, from, reply).await {
                            sink.report(SessionEvent::Warning { id, text: e }).await;
                        }
                    }
                }
                // ICMP port unreachable from an earlier send shows up here
                // on Linux; it is worth a warning, not the end.
                Err(e) => sink.report(SessionEvent::Warning { id, text: format!("receive: {e}") }).await,
            },
            command = commands.recv() => {
                let result = match command {
                    None | Some(SessionCommand::Close) => break None,
                    Some(SessionCommand::Send(data)) => match target {
                        Some(to) => send(&socket, &sink, to, data).await,
                        None => Err("no peer selected: pick one from the peer list first".into()),
                    },
                    Some(SessionCommand::SendTo(to, data)) => send(&socket, &sink, to, data).await,
                    Some(SessionCommand::SendFile { path, to }) => match to.or(target) {
                        Some(to) => send_file(&socket, &sink, to, &path).await,
                        None => Err("no peer selected".into()),
                    },
                    Some(SessionCommand::HalfClose | SessionCommand::StartTls { .. }) => {
                        Err("UDP has no connection to half-close or upgrade".into())
                    }
                };
                if let Err(text) = result {
                    sink.report(SessionEvent::Warning { id, text }).await;
                }
            }
        }
    };
    sink.report(SessionEvent::Closed { id, error }).await;
}

async fn send(
    socket: &UdpSocket,
    sink: &Sink,
    to: SocketAddr,
    data: Vec<u8>,
) -> Result<(), String> {
    socket
        .send_to(&data, to)
        .await
        .map_err(|e| format!("send to {to} failed: {e}"))?;
    sink.bytes(Direction::Out, Some(to), data).await;
    Ok(())
}

/// A file as datagrams of at most 1400 bytes (what fits a typical path).
async fn send_file(
    socket: &UdpSocket,
    sink: &Sink,
    to: SocketAddr,
    path: &std::path::Path,
) -> Result<(), String> {
    let data = tokio::fs::read(path)
        .await
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    for piece in data.chunks(1400) {
        send(socket, sink, to, piece.to_vec()).await?;
    }
    Ok(())
}
