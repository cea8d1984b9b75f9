//! The steps a submission session is opened with: connect (TCP_NODELAY),
//! TLS or STARTTLS, log in, and the MAIL FROM parameters. Every network
//! step has a time limit. (`session` drives them; one message start to end
//! is `session::submit`.)

use super::outcome::SendFailure;
use super::settings::{Login, SmtpSettings};
use super::stream::SmtpStream;
use crate::config::Security;
use crate::net::tls::{client_config, server_name};
use lettre::address::Envelope;
use lettre::transport::smtp::authentication::{Credentials, Mechanism};
use lettre::transport::smtp::client::AsyncSmtpConnection;
use lettre::transport::smtp::commands::{Auth, Ehlo, Quit, Starttls};
use lettre::transport::smtp::extension::{
    ClientId, Extension, MailBodyParameter, MailParameter, ServerInfo,
};
use std::time::Duration;
use tokio::net::TcpStream;

/// How long one network step (connect, a command, the message) may take.
pub const SMTP_STEP_TIMEOUT_SECS: u64 = 60;

/// Runs one network step within [`SMTP_STEP_TIMEOUT_SECS`]; a failure
/// names the step.
pub(super) async fn step<T>(
    what: &str,
    future: impl Future<Output = Result<T, lettre::transport::smtp::Error>>,
) -> Result<T, SendFailure> {
    match tokio::time::timeout(Duration::from_secs(SMTP_STEP_TIMEOUT_SECS), future).await {
        Ok(result) => result.map_err(|e| SendFailure::smtp(what, &e)),
        Err(_) => Err(SendFailure::new(format!("{what}: timed out"), true)),
    }
}

/// Runs while the envelope (MAIL, RCPT, DATA) goes out, and always
/// finishes before the message does. An error stops the send there, with
/// nothing delivered.
pub type BeforeData =
    Box<dyn FnOnce() -> std::pin::Pin<Box<dyn Future<Output = Result<(), String>> + Send>> + Send>;

pub(super) async fn tcp_connect(
    settings: &SmtpSettings,
    address: &str,
) -> Result<TcpStream, SendFailure> {
    match tokio::time::timeout(
        Duration::from_secs(SMTP_STEP_TIMEOUT_SECS),
        TcpStream::connect((settings.host.as_str(), settings.port)),
    )
    .await
    {
        Ok(Ok(tcp)) => Ok(tcp),
        Ok(Err(e)) => Err(SendFailure::new(
            format!("cannot connect to {address}: {e}"),
            true,
        )),
        Err(_) => Err(SendFailure::new(
            format!("cannot connect to {address}: timed out"),
            true,
        )),
    }
}

/// The greeting and EHLO over TLS (implicit, or STARTTLS when configured):
/// a connection ready for login, and what the server offers on it. Without
/// STARTTLS on offer when it is required, it quits before sending anything.
pub(super) async fn open_secured(
    settings: &SmtpSettings,
    stream: &SmtpStream,
    address: &str,
) -> Result<(AsyncSmtpConnection, ServerInfo), SendFailure> {
    let config =
        client_config(&settings.tls).map_err(|e| SendFailure::new(e.to_string(), false))?;
    let connector = tokio_rustls::TlsConnector::from(config);
    let name = server_name(&settings.host).map_err(|e| SendFailure::new(e, false))?;
    if settings.security == Security::Tls {
        tls_upgrade(stream, &connector, &name).await?;
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
        tls_upgrade(stream, &connector, &name).await?;
        let reply = step("EHLO", conn.command(Ehlo::new(hello.clone()))).await?;
        info = ServerInfo::from_response(&reply).map_err(|e| SendFailure::smtp("EHLO", &e))?;
    }
    Ok((conn, info))
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

/// Logs in as `login` says, with a mechanism the server offers.
pub(super) async fn log_in(
    conn: &mut AsyncSmtpConnection,
    info: &ServerInfo,
    login: &Login,
) -> Result<(), SendFailure> {
    let credentials = match login {
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
    Ok(())
}

/// MAIL FROM parameters: 8BITMIME for a non-ASCII message and SMTPUTF8
/// for non-ASCII addresses, when the server offers them.
pub(super) fn mail_parameters(
    info: &ServerInfo,
    envelope: &Envelope,
    message: &[u8],
) -> Vec<MailParameter> {
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
    parameters
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
