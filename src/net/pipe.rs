//! Headless mode: `wirepost tcp|listen|udp` pipe stdin to the socket and the
//! socket to stdout, like nc, driven by the same engines as the interface.
//! For TCP, end of stdin half-closes (FIN) and the peer closing ends the
//! program with status 0.

use super::hub;
use super::pipe_buffer::DataPipe;
use super::registry::Registry;
use super::session::{
    Chunk, Direction, MailProtocol, OpenSpec, Rules, ServerCert, SessionCommand, SessionEvent,
    SessionId, TlsInfo, fresh_session_id,
};
use super::tls::TlsOptions;
use crate::report::{Report, Reporter};
use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::mpsc;

/// Bytes read from stdin at a time.
const STDIN_CHUNK_BYTES: usize = 128 * 1024;

/// What to pipe.
#[derive(Debug, Clone)]
pub enum PipeSpec {
    Tcp {
        target: String,
        tls: Option<TlsOptions>,
        starttls: Option<MailProtocol>,
        timeout: Duration,
    },
    Listen {
        addr: String,
        udp: bool,
        tls: Option<ServerCert>,
        rules: Rules,
    },
    Udp {
        target: String,
        /// How long to wait for replies once stdin has ended.
        wait: Duration,
    },
}

/// Runs the pipe to the end; returns the process exit status.
pub fn run(spec: PipeSpec) -> u8 {
    // One thread runs the engine and stdout; stdin has its own. Fewer
    // threads than a pool means fewer hand-offs per chunk.
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("wirepost: cannot start the async runtime: {e}");
            return 1;
        }
    };
    let status = runtime.block_on(drive(spec));
    // The stdin thread may be parked in a read; do not wait for it.
    runtime.shutdown_background();
    status
}

async fn drive(spec: PipeSpec) -> u8 {
    let (events_tx, mut events) = Reporter::<SessionEvent>::channel(256);
    let (commands_tx, commands_rx) = mpsc::channel::<SessionCommand>(8);
    let id = fresh_session_id();
    let sink = hub::sink_for(id, events_tx, false);
    let pipe = sink.pipe.clone();
    let (open_spec, starttls, udp_lines, wait) = match &spec {
        PipeSpec::Tcp {
            target,
            tls,
            starttls,
            timeout,
        } => (
            OpenSpec::Connect {
                target: target.clone(),
                tls: tls.clone().filter(|_| starttls.is_none()),
                sni: None,
                timeout: *timeout,
            },
            starttls.map(|p| (p, tls.clone().unwrap_or_default())),
            false,
            None,
        ),
        PipeSpec::Listen {
            addr,
            udp: false,
            tls,
            rules,
        } => (
            OpenSpec::Listen {
                addr: addr.clone(),
                tls: tls.clone(),
                rules: rules.clone(),
            },
            None,
            false,
            None,
        ),
        PipeSpec::Listen {
            addr,
            udp: true,
            rules,
            ..
        } => (
            OpenSpec::UdpBind {
                addr: addr.clone(),
                rules: rules.clone(),
            },
            None,
            true,
            None,
        ),
        PipeSpec::Udp { target, wait } => (
            OpenSpec::UdpSend {
                target: target.clone(),
            },
            None,
            true,
            Some(*wait),
        ),
    };
    let listening = matches!(spec, PipeSpec::Listen { udp: false, .. });
    let udp_server = matches!(spec, PipeSpec::Listen { udp: true, .. });
    let registry = Registry::default();
    tokio::spawn(hub::open(open_spec, commands_rx, sink, registry.clone()));

    let (stdin_tx, mut stdin) = mpsc::channel::<Option<Vec<u8>>>(4);
    // A TCP client's stdin goes straight to its engine: one hop less per
    // chunk, which is what bulk throughput is made of.
    let direct = (!listening && !udp_lines).then(|| commands_tx.clone());
    let mut stdin_started = false;
    let mut stdin_open = true;
    let mut clients: HashMap<SessionId, Arc<DataPipe>> = HashMap::new();
    let mut served_any = false;
    let mut last_peer: Option<SocketAddr> = None;
    let mut out = std::io::stdout();
    let mut plaintext_phase = starttls.is_some();
    loop {
        let linger = async {
            match wait {
                Some(wait) if !stdin_open => tokio::time::sleep(wait).await,
                _ => std::future::pending().await,
            }
        };
        tokio::select! {
            event = events.recv() => {
                let Some(event) = event else { return 1 };
                let Report::Event(event) = event else { continue };
                match event {
                    SessionEvent::Connected { id: sid, .. } if sid == id => {
                        match starttls.clone() {
                            Some((protocol, tls)) => {
                                let _ = commands_tx.send(SessionCommand::StartTls { protocol, tls }).await;
                            }
                            None => start_stdin(&mut stdin_started, &stdin_tx, udp_lines, direct.as_ref()),
                        }
                    }
                    SessionEvent::Bound { local, .. } => {
                        if listening || udp_server {
                            eprintln!("wirepost: listening on {local}");
                        }
                        // A TCP server reads stdin once someone can receive it.
                        if !listening {
                            start_stdin(&mut stdin_started, &stdin_tx, udp_lines, direct.as_ref());
                        }
                    }
                    SessionEvent::Tls { id: sid, info } if sid == id => {
                        eprintln!("wirepost: {}", describe_tls(&info));
                        if starttls.is_some() {
                            // The plaintext dialogue is not part of the stream.
                            pipe.drain();
                            plaintext_phase = false;
                            start_stdin(&mut stdin_started, &stdin_tx, udp_lines, direct.as_ref());
                        }
                    }
                    SessionEvent::Accepted { id: child, peer, pipe, .. } => {
                        eprintln!("wirepost: connection from {peer}");
                        clients.insert(child, pipe.0);
                        served_any = true;
                        start_stdin(&mut stdin_started, &stdin_tx, udp_lines, direct.as_ref());
                    }
                    SessionEvent::Data { id: sid } => {
                        let chunks = if sid == id {
                            pipe.drain()
                        } else {
                            clients.get(&sid).map(|p| p.drain()).unwrap_or_default()
                        };
                        if let Some(peer) = chunks.iter().rev().find_map(|c| c.peer) {
                            last_peer = Some(peer);
                        }
                        if plaintext_phase {
                            // Before a STARTTLS upgrade: the dialogue is not output.
                            continue;
                        }
                        if write_out(&mut out, &chunks).is_err() {
                            return 0; // stdout closed: like nc, stop quietly
                        }
                    }
                    SessionEvent::Warning { text, .. } => eprintln!("wirepost: {text}"),
                    SessionEvent::Closed { id: sid, error } => {
                        if let Some(p) = clients.remove(&sid) {
                            let _ = write_out(&mut out, &p.drain());
                            if let Some(e) = error { eprintln!("wirepost: {e}"); }
                            if clients.is_empty() && served_any {
                                return 0;
                            }
                        } else if sid == id {
                            let _ = write_out(&mut out, &pipe.drain());
                            return match error {
                                None => 0,
                                Some(e) => { eprintln!("wirepost: {e}"); 1 }
                            };
                        }
                    }
                    _ => {}
                }
            }
            input = stdin.recv(), if stdin_open => match input.flatten() {
                Some(data) => {
                    if listening {
                        for child in clients.keys() {
                            if let Some(tx) = registry.get(*child) {
                                let _ = tx.send(SessionCommand::Send(data.clone())).await;
                            }
                        }
                    } else if udp_server {
                        match last_peer {
                            Some(peer) => { let _ = commands_tx.send(SessionCommand::SendTo(peer, data)).await; }
                            None => eprintln!("wirepost: no peer yet; input dropped"),
                        }
                    } else {
                        let _ = commands_tx.send(SessionCommand::Send(data)).await;
                    }
                }
                None => {
                    stdin_open = false;
                    if listening {
                        for child in clients.keys() {
                            if let Some(tx) = registry.get(*child) {
                                let _ = tx.send(SessionCommand::HalfClose).await;
                            }
                        }
                    } else if !udp_lines {
                        let _ = commands_tx.send(SessionCommand::HalfClose).await;
                    }
                }
            },
            () = linger => return 0,
        }
    }
}

/// Starts the stdin reader once. A plain thread with blocking reads: it
/// costs nothing while idle and reads in large chunks.
fn start_stdin(
    started: &mut bool,
    tx: &mpsc::Sender<Option<Vec<u8>>>,
    lines: bool,
    direct: Option<&mpsc::Sender<SessionCommand>>,
) {
    if std::mem::replace(started, true) {
        return;
    }
    let tx = tx.clone();
    if let Some(engine) = direct {
        let engine = engine.clone();
        std::thread::spawn(move || {
            let mut stdin = std::io::stdin().lock();
            loop {
                let mut buf = vec![0u8; STDIN_CHUNK_BYTES];
                match stdin.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => {
                        buf.truncate(n);
                        if engine.blocking_send(SessionCommand::Send(buf)).is_err() {
                            return;
                        }
                    }
                }
            }
            let _ = engine.blocking_send(SessionCommand::HalfClose);
        });
        return;
    }
    std::thread::spawn(move || {
        let stdin = std::io::stdin();
        let mut stdin = stdin.lock();
        if lines {
            // Datagrams: one per line, as typed.
            let mut line = Vec::new();
            loop {
                line.clear();
                match std::io::BufRead::read_until(&mut stdin, b'\n', &mut line) {
                    Ok(0) | Err(_) => break,
                    Ok(_) => {
                        if tx.blocking_send(Some(line.clone())).is_err() {
                            return;
                        }
                    }
                }
            }
        } else {
            loop {
                let mut buf = vec![0u8; STDIN_CHUNK_BYTES];
                match stdin.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => {
                        buf.truncate(n);
                        if tx.blocking_send(Some(buf)).is_err() {
                            return;
                        }
                    }
                }
            }
        }
        let _ = tx.blocking_send(None);
    });
}

/// Writes received bytes to stdout as they came.
fn write_out(out: &mut std::io::Stdout, chunks: &[Chunk]) -> std::io::Result<()> {
    if chunks.is_empty() {
        return Ok(());
    }
    // A blocking write: while stdout is full the engine waits too, which
    // is the back-pressure a pipe should have.
    let mut out = out.lock();
    for chunk in chunks.iter().filter(|c| c.dir == Direction::In) {
        out.write_all(&chunk.data)?;
    }
    out.flush()
}

pub fn describe_tls(info: &TlsInfo) -> String {
    let mut text = format!(
        "{} {} subject: {} issuer: {} expires: {}",
        info.protocol, info.cipher, info.subject, info.issuer, info.not_after
    );
    if !info.verified {
        text.push_str(" (certificate NOT verified)");
    }
    crate::sanitize::clean_line(&text)
}
