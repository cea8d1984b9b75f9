//! Logging in: LOGIN, AUTHENTICATE PLAIN, XOAUTH2 and OAUTHBEARER. Secrets
//! are fetched just before use (off the async threads: a password command
//! may prompt for a GPG passphrase) and live only in [`Secret`]s.

use super::caps::CapSet;
use super::error::{ImapError, server_text};
use super::options::{ConnectOptions, Credentials};
use super::session::{ImapClient, ImapSession};
use crate::config::{AuthMethod, Secret, SecretSource};

/// The mechanism `method` means on a server with `caps`.
pub fn choose(method: AuthMethod, creds: &Credentials, caps: &CapSet) -> AuthMethod {
    match method {
        AuthMethod::Auto if creds.oauth2_token.is_some() => {
            if !caps.has("AUTH=XOAUTH2") && caps.has("AUTH=OAUTHBEARER") {
                AuthMethod::Oauthbearer
            } else {
                AuthMethod::Xoauth2
            }
        }
        AuthMethod::Auto if caps.has("AUTH=PLAIN") => AuthMethod::Plain,
        AuthMethod::Auto => AuthMethod::Login,
        explicit => explicit,
    }
}

pub async fn login(
    client: ImapClient,
    opts: &ConnectOptions,
    caps: &CapSet,
) -> Result<ImapSession, ImapError> {
    let method = choose(opts.auth, &opts.credentials, caps);
    let user = opts.username.clone();
    let result = match method {
        AuthMethod::Xoauth2 | AuthMethod::Oauthbearer => {
            let token = resolve(
                opts.credentials.oauth2_token.clone(),
                "oauth2_token_command",
            )
            .await?;
            let sasl = if method == AuthMethod::Xoauth2 {
                Sasl::xoauth2(&user, &token)
            } else {
                Sasl::oauthbearer(&user, &opts.host, opts.port, &token)
            };
            let name = if method == AuthMethod::Xoauth2 {
                "XOAUTH2"
            } else {
                "OAUTHBEARER"
            };
            client.authenticate(name, sasl).await
        }
        AuthMethod::Plain => {
            let password = resolve(
                opts.credentials.password.clone(),
                "password_command or password_env",
            )
            .await?;
            client
                .authenticate("PLAIN", Sasl::plain(&user, &password))
                .await
        }
        AuthMethod::Login | AuthMethod::Auto => {
            if caps.has("LOGINDISABLED") {
                return Err(ImapError::Auth(
                    "the server disabled LOGIN on this connection".into(),
                ));
            }
            let password = resolve(
                opts.credentials.password.clone(),
                "password_command or password_env",
            )
            .await?;
            client.login(&user, password.expose()).await
        }
    };
    result.map_err(|(e, _client)| match e {
        async_imap::error::Error::No(text) | async_imap::error::Error::Bad(text) => {
            ImapError::Auth(server_text(&text))
        }
        other => ImapError::from_imap(other),
    })
}

async fn resolve(source: Option<SecretSource>, what: &str) -> Result<Secret, ImapError> {
    let Some(source) = source else {
        return Err(ImapError::Credentials(format!(
            "no {what} configured for this account"
        )));
    };
    tokio::task::spawn_blocking(move || source.resolve())
        .await
        .map_err(|e| ImapError::Credentials(e.to_string()))?
        .map_err(ImapError::Credentials)
}

/// A SASL client answer: sent once, then empty answers (which is how a
/// client acknowledges an XOAUTH2 error challenge).
struct Sasl {
    first: Option<Secret>,
}

impl Sasl {
    fn plain(user: &str, password: &Secret) -> Sasl {
        Sasl::once(format!("\0{user}\0{}", password.expose()))
    }

    fn xoauth2(user: &str, token: &Secret) -> Sasl {
        Sasl::once(format!(
            "user={user}\x01auth=Bearer {}\x01\x01",
            token.expose()
        ))
    }

    fn oauthbearer(user: &str, host: &str, port: u16, token: &Secret) -> Sasl {
        Sasl::once(format!(
            "n,a={user},\x01host={host}\x01port={port}\x01auth=Bearer {}\x01\x01",
            token.expose()
        ))
    }

    fn once(answer: String) -> Sasl {
        Sasl {
            first: Some(Secret::new(answer)),
        }
    }
}

impl async_imap::Authenticator for Sasl {
    type Response = String;

    fn process(&mut self, _challenge: &[u8]) -> String {
        self.first
            .take()
            .map(|s| s.expose().to_string())
            .unwrap_or_default()
    }
}
