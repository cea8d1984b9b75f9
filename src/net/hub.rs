//! The socket engines' front door: opens sessions (one task each), routes
//! the app's commands to them, and writes saved transcripts off the loop.

use super::listener::{self, COMMAND_QUEUE};
use super::pipe_buffer::DataPipe;
use super::registry::Registry;
use super::repeat;
use super::rules::LineRules;
use super::session::{OpenSpec, SessionCommand, SessionEvent, SessionId, SocketCommand};
use super::sink::Sink;
use super::stream::Stream;
use super::tcp::{self, SessionContext};
use super::udp;
use crate::report::{JobEvent, Level, Reporter};
use std::collections::HashMap;
use tokio::sync::mpsc;

pub struct SocketHub {
    events: Reporter<SessionEvent>,
    registry: Registry,
    tasks: Vec<tokio::task::AbortHandle>,
    /// The running `:run` of each session.
    runs: HashMap<SessionId, tokio::task::AbortHandle>,
}

impl SocketHub {
    pub fn new(events: Reporter<SessionEvent>) -> SocketHub {
        SocketHub {
            events,
            registry: Registry::default(),
            tasks: Vec::new(),
            runs: HashMap::new(),
        }
    }

    pub fn dispatch(&mut self, command: SocketCommand) {
        match command {
            SocketCommand::Open { id, spec, pipe } => {
                let (tx, rx) = mpsc::channel(COMMAND_QUEUE);
                self.registry.insert(id, tx);
                let sink = Sink {
                    id,
                    pipe: pipe.0,
                    events: self.events.clone(),
                    record_out: true,
                };
                let handle = tokio::spawn(open(spec, rx, sink, self.registry.clone()));
                self.tasks.retain(|t| !t.is_finished());
                self.tasks.push(handle.abort_handle());
            }
            SocketCommand::To { id, command } => match self.registry.get(id) {
                Some(tx) => {
                    if tx.try_send(command).is_err() {
                        self.notice(Level::Warning, "the session is busy; try again".into());
                    }
                }
                None => self.notice(Level::Warning, "that session is closed".into()),
            },
            SocketCommand::Run { id, spec } => self.start_run(id, spec),
            SocketCommand::StopRun { id } => {
                if let Some(run) = self.runs.remove(&id) {
                    run.abort();
                }
            }
            SocketCommand::Save { path, raw, log } => {
                let events = self.events.clone();
                tokio::spawn(async move {
                    let log_path = log_path(&path);
                    let written = tokio::task::spawn_blocking({
                        let (path, log_path) = (path.clone(), log_path.clone());
                        move || {
                            std::fs::write(&path, &raw)?;
                            std::fs::write(&log_path, log.as_bytes())
                        }
                    })
                    .await;
                    let (level, text) = match written {
                        Ok(Ok(())) => (
                            Level::Info,
                            format!("saved {} and {}", path.display(), log_path.display()),
                        ),
                        Ok(Err(e)) => {
                            (Level::Error, format!("cannot save {}: {e}", path.display()))
                        }
                        Err(e) => (Level::Error, format!("cannot save: {e}")),
                    };
                    events.notice(level, text).await;
                });
            }
        }
    }

    /// Starts a `:run`; one per session, a new one replaces the old.
    fn start_run(&mut self, id: SessionId, spec: super::session::RunSpec) {
        let task = repeat::run(id, spec, self.registry.clone(), self.events.clone());
        let handle = tokio::spawn(task).abort_handle();
        if let Some(old) = self.runs.insert(id, handle) {
            old.abort();
        }
        self.runs.retain(|_, run| !run.is_finished());
    }

    fn notice(&self, level: Level, text: String) {
        self.events.try_job(JobEvent::Notice { level, text });
    }

    /// Stops every session; called on the way out.
    pub fn shutdown(&mut self) {
        for task in self
            .tasks
            .drain(..)
            .chain(self.runs.drain().map(|(_, run)| run))
        {
            task.abort();
        }
    }
}

/// The readable log goes next to the raw capture.
pub fn log_path(path: &std::path::Path) -> std::path::PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".log");
    name.into()
}

/// Opens what `spec` describes and runs it to the end. Also used by the
/// headless pipe, with its own channels.
pub async fn open(
    spec: OpenSpec,
    commands: mpsc::Receiver<SessionCommand>,
    sink: Sink,
    registry: Registry,
) {
    let id = sink.id;
    if let Err(error) = open_and_run(spec, commands, &sink, registry.clone()).await {
        sink.report(SessionEvent::Closed {
            id,
            error: Some(error),
        })
        .await;
    }
    registry.remove(id);
}

async fn open_and_run(
    spec: OpenSpec,
    commands: mpsc::Receiver<SessionCommand>,
    sink: &Sink,
    registry: Registry,
) -> Result<(), String> {
    let id = sink.id;
    match spec {
        OpenSpec::Connect {
            target,
            tls,
            sni,
            timeout,
        } => {
            let tcp = tcp::connect(&target, timeout).await?;
            let (local, peer) = (
                tcp.local_addr().map_err(|e| e.to_string())?,
                tcp.peer_addr().map_err(|e| e.to_string())?,
            );
            let (host, _) = tcp::split_host_port(&target)?;
            let stream = match &tls {
                None => Stream::Plain(tcp),
                Some(options) => {
                    let name = sni.as_deref().unwrap_or(&host);
                    tcp::tls_client(tcp, name, options, sink).await?
                }
            };
            sink.report(SessionEvent::Connected { id, local, peer })
                .await;
            let context = SessionContext {
                host: Some(sni.unwrap_or(host)),
                rules: LineRules::default(),
            };
            tcp::run_session(stream, commands, sink.clone(), context).await;
        }
        OpenSpec::Listen { addr, tls, rules } => {
            listen(&addr, tls, rules, commands, sink, registry).await?;
        }
        OpenSpec::UdpBind { addr, rules } => {
            let socket = udp::bind(&addr).await?;
            let local = socket.local_addr().map_err(|e| e.to_string())?;
            sink.report(SessionEvent::Bound { id, local }).await;
            udp::run(socket, None, rules, commands, sink.clone()).await;
        }
        OpenSpec::UdpSend { target } => {
            let (socket, to) = udp::for_target(&target).await?;
            let local = socket.local_addr().map_err(|e| e.to_string())?;
            sink.report(SessionEvent::Bound { id, local }).await;
            udp::run(socket, Some(to), Default::default(), commands, sink.clone()).await;
        }
    }
    Ok(())
}

/// A TCP listener: bound, its own certificate shown (with TLS), then
/// accepting until told to close.
async fn listen(
    addr: &str,
    tls: Option<super::session::ServerCert>,
    rules: super::session::Rules,
    commands: mpsc::Receiver<SessionCommand>,
    sink: &Sink,
    registry: Registry,
) -> Result<(), String> {
    let id = sink.id;
    let acceptor = tls.as_ref().map(listener::acceptor).transpose()?;
    if let Some(server) = &acceptor {
        let info = super::tls_report::server_info((None, None), server.own());
        sink.report(SessionEvent::Tls { id, info }).await;
    }
    let bound = listener::bind(addr).await?;
    let local = bound.local_addr().map_err(|e| e.to_string())?;
    sink.report(SessionEvent::Bound { id, local }).await;
    listener::run(bound, acceptor, rules, commands, sink.clone(), registry).await;
    Ok(())
}

/// A sink for a session driven outside the app (tests, headless pipe).
pub fn sink_for(id: SessionId, events: Reporter<SessionEvent>, record_out: bool) -> Sink {
    Sink {
        id,
        pipe: DataPipe::new(),
        events,
        record_out,
    }
}
