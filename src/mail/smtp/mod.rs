//! Submitting a message over SMTP with lettre's connection, on a socket
//! wirepost owns: TCP_NODELAY set (lettre's own sockets wait ~40 ms per
//! message on delayed ACKs), TLS verified with wirepost's rustls config,
//! STARTTLS required when configured, and a redacted live trace.

mod envelope;
mod stream;
pub mod trace;

pub use envelope::{envelope_of, without_bcc};
pub use stream::SmtpStream;
pub use trace::{Direction, TraceLine, TraceRecorder, TraceSink};

use crate::config::{Account, Protocol, Secret, Security};
use crate::net::tls::{TlsOptions, client_config, server_name};
use lettre::address::Envelope;
use lettre::transport::smtp::authentication::{Credentials, Mechanism};
use lettre::transport::smtp::client::AsyncSmtpConnection;
use lettre::transport::smtp::commands::{Auth, Data, Ehlo, Mail, Quit, Rcpt, Starttls};
use lettre::transport::smtp::extension::{
    ClientId, Extension, MailBodyParameter, MailParameter, ServerInfo,
};
use std::time::Duration;
use tokio::net::TcpStream;

/// How long one network step (connect, a command, the message) may take.
pub const SMTP_STEP_TIMEOUT_SECS: u64 = 60;

/// How to log in.
#[derive(Clone, Debug)]
pub enum Login {
    None,
    Password {
        username: String,
        password: Secret,
    },
    /// XOAUTH2 with an access token from a command.
    OAuth2 {
        username: String,
        token: Secret,
    },
}

/// Everything needed to reach one submission server.
#[derive(Clone, Debug)]
pub struct SmtpSettings {
    pub host: String,
    pub port: u16,
    pub security: Security,
    pub tls: TlsOptions,
    pub login: Login,
}

impl SmtpSettings {
    /// The account's SMTP server; resolves the password or token (which
    /// may run a command, so this is blocking).
    pub fn for_account(account: &Account) -> Result<SmtpSettings, String> {
        let endpoint = account
            .smtp
            .as_ref()
            .ok_or_else(|| format!("account \"{}\" has no [smtp] server", account.name))?;
        let username = account.username_for(endpoint).to_string();
        let login = if let Some(cmd) = &endpoint.oauth2_token_command {
            let token = crate::config::SecretSource::Command(cmd.clone()).resolve()?;
            Login::OAuth2 { username, token }
        } else if let Some(source) = endpoint.password_source() {
            Login::Password {
                username,
                password: source.resolve()?,
            }
        } else {
            Login::None
        };
        Ok(SmtpSettings {
            host: endpoint.host.clone(),
            port: endpoint.port_for(Protocol::Smtp),
            security: endpoint.security,
            tls: TlsOptions {
                extra_ca: endpoint.ca_file.clone(),
                accept_invalid_certs: endpoint.accept_invalid_certs,
            },
            login,
        })
    }
}

/// A recipient the server refused, with its reply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub recipient: String,
    pub reply: String,
}

/// What the server did with a message it accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    pub accepted: Vec<String>,
    pub refused: Vec<Refusal>,
    /// The reply to the end of DATA ("250 2.0.0 Ok: queued as ...").
    pub reply: String,
}

/// Why nothing was sent.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{summary}")]
pub struct SendFailure {
    /// One line for the status line: the server's code and text when it
    /// gave one.
    pub summary: String,
    /// Whether trying again later can help (4xx, network trouble).
    pub transient: bool,
    /// Recipients refused one by one, when that is why.
    pub refused: Vec<Refusal>,
    /// The connection broke (or timed out) after the end of the message
    /// went out and before the server's reply to it came back: the server
    /// may have queued it. Sending it again may deliver it twice.
    pub delivery_unknown: bool,
}

impl SendFailure {
    fn new(summary: impl Into<String>, transient: bool) -> SendFailure {
        SendFailure {
            summary: summary.into(),
            transient,
            refused: Vec::new(),
            delivery_unknown: false,
        }
    }

    fn smtp(stage: &str, error: &lettre::transport::smtp::Error) -> SendFailure {
        SendFailure::new(
            format!("{stage}: {}", describe(error)),
            error.is_transient() || !error.is_permanent(),
        )
    }
}

/// The server's reply in an error ("550 5.1.1 <x>: Recipient address
/// rejected"), or lettre's description of what went wrong.
pub fn describe(error: &lettre::transport::smtp::Error) -> String {
    use std::error::Error as _;
    let text = error.source().map(|s| s.to_string()).unwrap_or_default();
    match error.status() {
        Some(code) => format!("{code} {text}").trim().to_string(),
        None if text.is_empty() => error.to_string(),
        None => format!("{error}"),
    }
}

async fn step<T>(
    what: &str,
    future: impl Future<Output = Result<T, lettre::transport::smtp::Error>>,
) -> Result<T, SendFailure> {
    match tokio::time::timeout(Duration::from_secs(SMTP_STEP_TIMEOUT_SECS), future).await {
        Ok(result) => result.map_err(|e| SendFailure::smtp(what, &e)),
        Err(_) => Err(SendFailure::new(format!("{what}: timed out"), true)),
    }
}

/// Runs once the server is ready for the message (its 354 to DATA came)
/// and before the message goes out. An error stops the send there, with
/// nothing delivered.
pub type BeforeData =
    Box<dyn FnOnce() -> std::pin::Pin<Box<dyn Future<Output = Result<(), String>> + Send>> + Send>;

/// Connects, secures, logs in, submits `message` for `envelope` and quits.
///
/// Returns per-recipient results when at least one recipient was
/// accepted; fails without sending anything when STARTTLS is required but
/// missing, when login fails, or when every recipient is refused.
pub async fn submit(
    settings: &SmtpSettings,
    envelope: &Envelope,
    message: &[u8],
    sink: TraceSink,
) -> Result<Delivery, SendFailure> {
    submit_with(settings, envelope, message, sink, None).await
}

/// [`submit`], with `before_data` run when the server is ready for the
/// message (to record that a send is in flight).
pub async fn submit_with(
    settings: &SmtpSettings,
    envelope: &Envelope,
    message: &[u8],
    sink: TraceSink,
    before_data: Option<BeforeData>,
) -> Result<Delivery, SendFailure> {
    let trace = TraceRecorder::new(sink);
    let address = format!("{}:{}", settings.host, settings.port);
    trace.note(format!(
        "connecting to {address} ({})",
        settings.security.as_str()
    ));
    let tcp = match tokio::time::timeout(
        Duration::from_secs(SMTP_STEP_TIMEOUT_SECS),
        TcpStream::connect((settings.host.as_str(), settings.port)),
    )
    .await
    {
        Ok(Ok(tcp)) => tcp,
        Ok(Err(e)) => {
            return Err(SendFailure::new(
                format!("cannot connect to {address}: {e}"),
                true,
            ));
        }
        Err(_) => {
            return Err(SendFailure::new(
                format!("cannot connect to {address}: timed out"),
                true,
            ));
        }
    };
    // lettre writes the message and the final "." separately; with Nagle
    // on, the second write waits for the server's delayed ACK.
    let _ = tcp.set_nodelay(true);
    trace.note(format!("connected to {address}"));
    let stream = SmtpStream::new(tcp, trace);
    let config =
        client_config(&settings.tls).map_err(|e| SendFailure::new(e.to_string(), false))?;
    let connector = tokio_rustls::TlsConnector::from(config);
    let name = server_name(&settings.host).map_err(|e| SendFailure::new(e, false))?;
    if settings.security == Security::Tls {
        tls_upgrade(&stream, &connector, &name).await?;
    }
    let hello = ClientId::default();
    let mut conn = step(
        "greeting",
        AsyncSmtpConnection::connect_with_transport(Box::new(stream.clone()), &hello),
    )
    .await?;
    let mut info = conn.server_info().clone();
    if settings.security == Security::Starttls {
        if !info.supports_feature(Extension::StartTls) {
            stream.note("server does not offer STARTTLS: stopping before anything is sent");
            let _ = step("QUIT", conn.command(Quit)).await;
            return Err(SendFailure::new(
                format!("{address} does not offer STARTTLS; refusing to send without encryption"),
                false,
            ));
        }
        step("STARTTLS", conn.command(Starttls)).await?;
        tls_upgrade(&stream, &connector, &name).await?;
        let reply = step("EHLO", conn.command(Ehlo::new(hello.clone()))).await?;
        info = ServerInfo::from_response(&reply).map_err(|e| SendFailure::smtp("EHLO", &e))?;
    }
    let mut result =
        login_and_send(&mut conn, &info, settings, envelope, message, before_data).await;
    match &mut result {
        Ok(_) => {
            let _ = step("QUIT", conn.command(Quit)).await;
        }
        Err(failure) => {
            // lettre does not say at which point a connection broke; the
            // bytes on the wire do.
            if stream.end_of_data_unanswered() {
                failure.delivery_unknown = true;
                failure.transient = false;
                stream.note("no reply to the end of the message: delivery unknown");
            }
            conn.abort().await
        }
    }
    result
}

async fn tls_upgrade(
    stream: &SmtpStream,
    connector: &tokio_rustls::TlsConnector,
    name: &rustls_pki_types::ServerName<'static>,
) -> Result<(), SendFailure> {
    match tokio::time::timeout(
        Duration::from_secs(SMTP_STEP_TIMEOUT_SECS),
        stream.upgrade(connector.clone(), name.clone()),
    )
    .await
    {
        Ok(Ok(())) => Ok(()),
        Ok(Err(e)) => {
            stream.note(format!("TLS failed: {e}"));
            Err(SendFailure::new(
                format!("TLS handshake failed: {e}"),
                false,
            ))
        }
        Err(_) => Err(SendFailure::new("TLS handshake timed out", true)),
    }
}

async fn login_and_send(
    conn: &mut AsyncSmtpConnection,
    info: &ServerInfo,
    settings: &SmtpSettings,
    envelope: &Envelope,
    message: &[u8],
    before_data: Option<BeforeData>,
) -> Result<Delivery, SendFailure> {
    let credentials = match &settings.login {
        Login::None => None,
        Login::Password { username, password } => Some((
            Credentials::new(username.clone(), password.expose().to_string()),
            info.get_auth_mechanism(&[Mechanism::Plain, Mechanism::Login]),
        )),
        Login::OAuth2 { username, token } => Some((
            Credentials::new(username.clone(), token.expose().to_string()),
            info.supports_auth_mechanism(Mechanism::Xoauth2)
                .then_some(Mechanism::Xoauth2),
        )),
    };
    if let Some((credentials, mechanism)) = credentials {
        let mechanism = mechanism.ok_or_else(|| {
            SendFailure::new("the server offers no login method wirepost can use", false)
        })?;
        authenticate(conn, mechanism, &credentials).await?;
    }
    let mut parameters = Vec::new();
    if !message.is_ascii() && info.supports_feature(Extension::EightBitMime) {
        parameters.push(MailParameter::Body(MailBodyParameter::EightBitMime));
    }
    let non_ascii = envelope
        .to()
        .iter()
        .chain(envelope.from())
        .any(|a| !AsRef::<str>::as_ref(a).is_ascii());
    if non_ascii && info.supports_feature(Extension::SmtpUtfEight) {
        parameters.push(MailParameter::SmtpUtfEight);
    }
    step(
        "MAIL FROM",
        conn.command(Mail::new(envelope.from().cloned(), parameters)),
    )
    .await?;
    let mut accepted = Vec::new();
    let mut refused = Vec::new();
    for recipient in envelope.to() {
        match tokio::time::timeout(
            Duration::from_secs(SMTP_STEP_TIMEOUT_SECS),
            conn.command(Rcpt::new(recipient.clone(), vec![])),
        )
        .await
        {
            Ok(Ok(_)) => accepted.push(recipient.to_string()),
            Ok(Err(e)) if e.status().is_some() => refused.push(Refusal {
                recipient: recipient.to_string(),
                reply: describe(&e),
            }),
            Ok(Err(e)) => return Err(SendFailure::smtp("RCPT TO", &e)),
            Err(_) => return Err(SendFailure::new("RCPT TO: timed out", true)),
        }
    }
    if accepted.is_empty() {
        let mut failure = SendFailure::new(
            match refused.as_slice() {
                [one] => format!("recipient refused: {} ({})", one.recipient, one.reply),
                _ => format!("all {} recipients refused", refused.len()),
            },
            false,
        );
        failure.refused = refused;
        return Err(failure);
    }
    step("DATA", conn.command(Data)).await?;
    if let Some(before_data) = before_data {
        before_data()
            .await
            .map_err(|e| SendFailure::new(e, false))?;
    }
    let reply = step("sending the message", conn.message(message)).await?;
    Ok(Delivery {
        accepted,
        refused,
        reply: format!(
            "{} {}",
            reply.code(),
            reply.message().collect::<Vec<_>>().join(" ")
        ),
    })
}

async fn authenticate(
    conn: &mut AsyncSmtpConnection,
    mechanism: Mechanism,
    credentials: &Credentials,
) -> Result<(), SendFailure> {
    let auth = Auth::new(mechanism, credentials.clone(), None)
        .map_err(|e| SendFailure::smtp("AUTH", &e))?;
    let mut reply = step("login", conn.command(auth)).await?;
    // LOGIN asks twice (username, password); XOAUTH2 may send an error
    // challenge. Bound the exchange so a confused server cannot loop us.
    for _ in 0..4 {
        if !reply.has_code(334) {
            return Ok(());
        }
        if mechanism == Mechanism::Xoauth2 {
            // The token was refused: the challenge is the server's error
            // (JSON), and an empty answer brings its final reply, a 5xx
            // that says the login failed.
            reply = step("login", conn.command(EmptyAnswer)).await?;
            continue;
        }
        let next = Auth::new_from_response(mechanism, credentials.clone(), &reply)
            .map_err(|e| SendFailure::smtp("AUTH", &e))?;
        reply = step("login", conn.command(next)).await?;
    }
    Err(SendFailure::new(
        "login: too many challenges from the server",
        false,
    ))
}

/// The empty line that answers an XOAUTH2 error challenge.
struct EmptyAnswer;

impl std::fmt::Display for EmptyAnswer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("\r\n")
    }
}

#[cfg(test)]
mod tests;
