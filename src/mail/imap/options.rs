//! Where one IMAP server is and how to log in to it, taken from an
//! account's configuration. Plain data: `connect` and `auth` both read it.

use crate::config::{Account, AuthMethod, DeleteMode, Protocol, SecretSource, Security};
use crate::net::tls::TlsOptions;

/// Where the secrets for a login come from.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Credentials {
    pub password: Option<SecretSource>,
    pub oauth2_token: Option<SecretSource>,
}

/// Everything needed to reach and log in to one IMAP server.
#[derive(Debug, Clone, PartialEq)]
pub struct ConnectOptions {
    pub host: String,
    pub port: u16,
    pub security: Security,
    pub tls: TlsOptions,
    pub username: String,
    pub auth: AuthMethod,
    pub credentials: Credentials,
    /// What deleting a message does on this server.
    pub delete: DeleteMode,
}

impl ConnectOptions {
    /// The IMAP settings of `account`, or `None` when it has no IMAP server.
    pub fn for_account(account: &Account) -> Option<ConnectOptions> {
        let endpoint = account.imap.as_ref()?;
        Some(ConnectOptions {
            host: endpoint.host.clone(),
            port: endpoint.port_for(Protocol::Imap),
            security: endpoint.security,
            tls: TlsOptions {
                extra_ca: endpoint.ca_file.clone(),
                accept_invalid_certs: endpoint.accept_invalid_certs,
                pin_file: None,
            },
            username: account.username_for(endpoint).to_string(),
            auth: endpoint.auth,
            credentials: Credentials {
                password: endpoint.password_source(),
                oauth2_token: endpoint.oauth2_token_source(),
            },
            delete: endpoint.delete,
        })
    }

    pub fn address(&self) -> String {
        format!("{}:{}", self.host, self.port)
    }

    /// Warnings the user must see while this account is in use.
    pub fn warnings(&self) -> Vec<String> {
        let mut out = Vec::new();
        if self.security == Security::None {
            out.push(format!(
                "{} is UNENCRYPTED (security = \"none\"): password and mail travel in the clear",
                self.address()
            ));
        }
        if self.tls.accept_invalid_certs && self.security != Security::None {
            out.push(format!(
                "certificate verification is OFF for {} (accept_invalid_certs)",
                self.address()
            ));
        }
        out
    }
}
