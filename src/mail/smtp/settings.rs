//! Where one submission server is and how to log in to it, taken from an
//! account's configuration (with its password or token resolved).

use crate::config::{Account, Protocol, Secret, Security};
use crate::net::tls::TlsOptions;

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
                pin_file: None,
            },
            login,
        })
    }
}
