//! Opening an authenticated POP3 session: TCP, then implicit TLS or STLS
//! as the account says, then the login. Credentials are sent only over
//! TLS, unless the account says `security = "none"` in so many words.

use super::client::Client;
use super::command::{Command, apop_digest, plain_response};
use super::error::Pop3Error;
use super::reply::{Capabilities, apop_timestamp};
use super::trace::Trace;
use crate::config::{Secret, Security};
use crate::net::tls::{TlsOptions, client_config, server_name};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;

pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(30);

/// Any stream a session can run over.
pub trait Pop3Io: AsyncRead + AsyncWrite + Unpin + Send {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send> Pop3Io for T {}

pub type Session = Client<Box<dyn Pop3Io>>;

/// How to log in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AuthMethod {
    /// SASL PLAIN when CAPA offers it, else USER/PASS.
    #[default]
    Auto,
    /// APOP (RFC 1939): the password never crosses the wire.
    Apop,
    /// USER/PASS, even when SASL is offered (`auth = "login"`).
    UserPass,
    /// SASL PLAIN, even when CAPA does not list it (`auth = "plain"`).
    Plain,
}

/// Everything needed to open a session.
#[derive(Debug, Clone)]
pub struct ServerSpec {
    pub host: String,
    pub port: u16,
    pub security: Security,
    pub tls: TlsOptions,
    pub user: String,
    pub password: Secret,
    pub auth: AuthMethod,
}

/// A logged-in session and what the server can do.
pub struct Opened {
    pub session: Session,
    pub caps: Capabilities,
}

/// Connects, secures and logs in.
pub async fn open(spec: &ServerSpec, trace: Trace) -> Result<Opened, Pop3Error> {
    let tcp = tokio::time::timeout(
        CONNECT_TIMEOUT,
        TcpStream::connect((spec.host.as_str(), spec.port)),
    )
    .await
    .map_err(|_| Pop3Error::Timeout)??;
    // Pipelined commands and short replies: no Nagle delays.
    tcp.set_nodelay(true)?;
    open_over(spec, tcp, trace).await
}

/// Like [`open`] over a stream that is already connected (tests use an
/// in-memory pipe or a local fake server).
pub async fn open_over<S>(
    spec: &ServerSpec,
    stream: S,
    mut trace: Trace,
) -> Result<Opened, Pop3Error>
where
    S: Pop3Io + 'static,
{
    trace.note(&format!(
        "connected to {}:{} (security: {})",
        spec.host,
        spec.port,
        spec.security.as_str()
    ));
    let (mut session, greeting) = match spec.security {
        Security::Tls => greet_over_tls(spec, stream, trace).await?,
        Security::Starttls => greet_then_stls(spec, stream, trace).await?,
        Security::None => {
            let mut session: Session = Client::new(Box::new(stream), trace);
            let greeting = session.greeting().await?;
            (session, greeting)
        }
    };
    // Capabilities may differ after TLS (RFC 2595), so ask (again) now.
    let caps = session.capa().await?;
    login(&mut session, &caps, &greeting, spec).await?;
    // Some servers announce more after login (e.g. PIPELINING); cheap to ask.
    let caps = match session.capa().await {
        Ok(after) if !after.names.is_empty() => after,
        _ => caps,
    };
    Ok(Opened { session, caps })
}

/// Implicit TLS: the handshake comes first, the greeting over it.
async fn greet_over_tls<S>(
    spec: &ServerSpec,
    stream: S,
    mut trace: Trace,
) -> Result<(Session, String), Pop3Error>
where
    S: Pop3Io + 'static,
{
    let tls = handshake(spec, stream).await?;
    trace.note("TLS established");
    let mut session: Session = Client::new(Box::new(tls), trace);
    let greeting = session.greeting().await?;
    Ok((session, greeting))
}

/// The greeting in plaintext, then STLS; nothing else is sent before the
/// handshake, and a server without STLS gets no password.
async fn greet_then_stls<S>(
    spec: &ServerSpec,
    stream: S,
    trace: Trace,
) -> Result<(Session, String), Pop3Error>
where
    S: Pop3Io + 'static,
{
    let mut plain = Client::new(stream, trace);
    let greeting = plain.greeting().await?;
    let caps = plain.capa().await?;
    if !caps.has("STLS") {
        return Err(Pop3Error::Insecure(format!(
            "{} does not offer STLS; refusing to send the password unencrypted \
             (use security = \"tls\" on port 995, or \"none\" to allow plaintext)",
            spec.host
        )));
    }
    match plain.simple(&Command::Stls).await {
        Ok(_) => {}
        Err(Pop3Error::Server { text, .. }) => {
            return Err(Pop3Error::Insecure(format!(
                "{} refused STLS ({}); nothing was sent unencrypted",
                spec.host,
                crate::sanitize::clean_line(&text)
            )));
        }
        Err(e) => return Err(e),
    }
    let (stream, mut trace) = plain.into_inner()?;
    let tls = handshake(spec, stream).await?;
    trace.note("TLS established");
    Ok((
        Client::new(Box::new(tls) as Box<dyn Pop3Io>, trace),
        greeting,
    ))
}

async fn handshake<S: Pop3Io>(
    spec: &ServerSpec,
    stream: S,
) -> Result<tokio_rustls::client::TlsStream<S>, Pop3Error> {
    let config = client_config(&spec.tls).map_err(|e| Pop3Error::Tls(e.to_string()))?;
    let name = server_name(&spec.host).map_err(Pop3Error::Config)?;
    tokio::time::timeout(
        CONNECT_TIMEOUT,
        TlsConnector::from(config).connect(name, stream),
    )
    .await
    .map_err(|_| Pop3Error::Timeout)?
    .map_err(|e| Pop3Error::Tls(e.to_string()))
}

async fn login(
    session: &mut Session,
    caps: &Capabilities,
    greeting: &str,
    spec: &ServerSpec,
) -> Result<(), Pop3Error> {
    let rejected = |e: Pop3Error| match e {
        Pop3Error::Server { text, .. } => Pop3Error::Auth(text),
        other => other,
    };
    match spec.auth {
        AuthMethod::Apop => {
            let stamp = apop_timestamp(greeting).ok_or_else(|| {
                Pop3Error::Config(format!(
                    "{} does not offer APOP (no timestamp in its greeting)",
                    spec.host
                ))
            })?;
            let digest = apop_digest(stamp, &spec.password);
            let cmd = Command::Apop {
                user: spec.user.clone(),
                digest,
            };
            session.simple(&cmd).await.map_err(rejected)?;
        }
        AuthMethod::Plain | AuthMethod::Auto
            if spec.auth == AuthMethod::Plain || caps.sasl.contains("PLAIN") =>
        {
            let response = plain_response(&spec.user, &spec.password);
            session
                .simple(&Command::AuthPlain(response))
                .await
                .map_err(rejected)?;
        }
        AuthMethod::Auto | AuthMethod::UserPass | AuthMethod::Plain => {
            session
                .simple(&Command::User(spec.user.clone()))
                .await
                .map_err(rejected)?;
            session
                .simple(&Command::Pass(spec.password.clone()))
                .await
                .map_err(rejected)?;
        }
    }
    Ok(())
}

#[cfg(test)]
#[path = "connect_tests.rs"]
mod tests;
