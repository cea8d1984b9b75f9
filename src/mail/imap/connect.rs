//! Opening an authenticated IMAP session: TCP, TLS or STARTTLS, greeting,
//! capabilities, login. Every failure is classified for the status line and
//! no credential is ever sent before encryption is up (unless the account
//! says `security = "none"`).

use super::auth;
use super::caps::{CapSet, raw_command};
use super::error::{ImapError, clean};
use super::options::ConnectOptions;
use super::session::{ImapClient, ImapSession};
use super::trace::{TraceSink, Tracer};
use super::trace_stream::TraceStream;
use super::transport::Transport;
use crate::config::Security;
use crate::net::tls;
use std::time::Duration;
use tokio::net::TcpStream;

/// How long a connect, a TLS handshake or the greeting may take.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(20);

/// A logged-in session and what the server can do.
pub struct Connected {
    pub session: ImapSession,
    pub caps: ServerCaps,
}

/// The capabilities the sync engine cares about.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ServerCaps {
    pub idle: bool,
    pub condstore: bool,
    pub qresync: bool,
    pub uidplus: bool,
    pub moves: bool,
    pub special_use: bool,
    /// NOTIFY (RFC 5465): changes in every folder reported on one connection.
    pub notify: bool,
    /// LIST-STATUS (RFC 5819): every folder's counts in one LIST.
    pub list_status: bool,
}

impl ServerCaps {
    fn from(caps: &CapSet) -> ServerCaps {
        ServerCaps {
            idle: caps.has("IDLE"),
            condstore: caps.has("CONDSTORE") || caps.has("QRESYNC"),
            qresync: caps.has("QRESYNC"),
            uidplus: caps.has("UIDPLUS"),
            moves: caps.has("MOVE"),
            special_use: caps.has("SPECIAL-USE"),
            notify: caps.has("NOTIFY"),
            list_status: caps.has("LIST-STATUS"),
        }
    }
}

/// How long the whole connect-and-login may take; a server that stops
/// answering mid-way must not leave the account hanging.
pub const LOGIN_TIMEOUT: Duration = Duration::from_secs(90);

/// Connects and logs in.
pub async fn connect(
    opts: &ConnectOptions,
    trace: Option<TraceSink>,
) -> Result<Connected, ImapError> {
    tokio::time::timeout(LOGIN_TIMEOUT, connect_and_login(opts, trace))
        .await
        .unwrap_or_else(|_| {
            Err(ImapError::Connection(format!(
                "{}: login timed out",
                opts.address()
            )))
        })
}

async fn connect_and_login(
    opts: &ConnectOptions,
    trace: Option<TraceSink>,
) -> Result<Connected, ImapError> {
    let tcp = tcp_connect(opts).await?;
    let _ = tcp.set_nodelay(true);
    let note = |text: String| {
        if let Some(sink) = &trace {
            sink.note(text);
        }
    };
    note(format!(
        "connected to {} ({})",
        opts.address(),
        opts.security.as_str()
    ));
    let transport = match opts.security {
        Security::Tls => Transport::Tls(Box::new(tls_handshake(opts, tcp).await?)),
        Security::Starttls | Security::None => Transport::Plain(tcp),
    };
    let mut client =
        async_imap::Client::new(TraceStream::new(transport, trace.clone().map(Tracer::new)));
    read_greeting(&mut client).await?;
    if opts.security == Security::Starttls {
        client = starttls(opts, client).await?;
        note("STARTTLS: encryption is up".into());
    }
    let caps = raw_command(&mut client, "W2", "CAPABILITY").await?;
    let mut session = auth::login(client, opts, &caps).await?;
    let caps = session.capabilities().await.map_err(ImapError::from_imap)?;
    let caps = ServerCaps::from(&CapSet::from_session(&caps));
    if caps.qresync {
        // QRESYNC must be enabled before use (RFC 7162 §3.2.3).
        session
            .run_command_and_check_ok("ENABLE QRESYNC")
            .await
            .map_err(ImapError::from_imap)?;
    }
    Ok(Connected { session, caps })
}

async fn tcp_connect(opts: &ConnectOptions) -> Result<TcpStream, ImapError> {
    let address = opts.address();
    match tokio::time::timeout(
        CONNECT_TIMEOUT,
        TcpStream::connect((opts.host.as_str(), opts.port)),
    )
    .await
    {
        Ok(Ok(tcp)) => Ok(tcp),
        Ok(Err(e)) => Err(ImapError::Unreachable(format!("{address}: {e}"))),
        Err(_) => Err(ImapError::Unreachable(format!("{address}: timed out"))),
    }
}

async fn tls_handshake(
    opts: &ConnectOptions,
    tcp: TcpStream,
) -> Result<tokio_rustls::client::TlsStream<TcpStream>, ImapError> {
    let config = tls::client_config(&opts.tls).map_err(|e| ImapError::Config(e.to_string()))?;
    let name = tls::server_name(&opts.host).map_err(ImapError::Config)?;
    let connector = tokio_rustls::TlsConnector::from(config);
    match tokio::time::timeout(CONNECT_TIMEOUT, connector.connect(name, tcp)).await {
        Ok(Ok(stream)) => Ok(stream),
        Ok(Err(e)) => Err(ImapError::Tls(format!("{}: {e}", opts.address()))),
        Err(_) => Err(ImapError::Tls(format!(
            "{}: handshake timed out",
            opts.address()
        ))),
    }
}

async fn read_greeting(client: &mut ImapClient) -> Result<(), ImapError> {
    let greeting = tokio::time::timeout(CONNECT_TIMEOUT, client.read_response()).await;
    let response = match greeting {
        Err(_) => return Err(ImapError::Connection("no greeting from the server".into())),
        Ok(Err(e)) => return Err(ImapError::Connection(e.to_string())),
        Ok(Ok(None)) => {
            return Err(ImapError::Connection(
                "the server closed the connection".into(),
            ));
        }
        Ok(Ok(Some(response))) => response,
    };
    use async_imap::imap_proto::{Response, Status};
    match response.parsed() {
        Response::Data {
            status: Status::Ok | Status::PreAuth,
            ..
        } => Ok(()),
        Response::Data { outcome, .. } => Err(ImapError::Server(clean(
            outcome
                .information
                .as_deref()
                .unwrap_or("the server refused the connection"),
        ))),
        other => Err(ImapError::Connection(format!(
            "unexpected greeting: {}",
            clean(&format!("{other:?}"))
        ))),
    }
}

/// Upgrades the plain connection, or fails without sending anything else.
async fn starttls(opts: &ConnectOptions, mut client: ImapClient) -> Result<ImapClient, ImapError> {
    let caps = raw_command(&mut client, "W0", "CAPABILITY").await?;
    if !caps.has("STARTTLS") {
        return Err(ImapError::Starttls(format!(
            "{} does not offer STARTTLS",
            opts.address()
        )));
    }
    raw_command(&mut client, "W1", "STARTTLS")
        .await
        .map_err(|e| ImapError::Starttls(format!("STARTTLS failed: {e}")))?;
    // Anything the server sent after its OK and before the handshake would be
    // injected plaintext: dropping the old reader's buffer discards it.
    let (transport, tracer) = client.into_inner().into_parts();
    let Transport::Plain(tcp) = transport else {
        return Err(ImapError::Starttls("already encrypted".into()));
    };
    let tls = tls_handshake(opts, tcp).await?;
    Ok(async_imap::Client::new(TraceStream::new(
        Transport::Tls(Box::new(tls)),
        tracer,
    )))
}
