//! From a configured account to a running sync: the server spec (with the
//! password resolved), and the entry point `wirepost sync` calls for each
//! account that has a `[pop3]` server.

use super::connect::{AuthMethod, ServerSpec};
use super::report::{SyncError, SyncProgress, SyncReport};
use super::sync::{SyncRequest, sync};
use super::trace::TraceLine;
use crate::config::{Account, AuthMethod as ConfigAuth, Protocol};
use crate::net::tls::TlsOptions;
use crate::store::Store;

/// The account's POP3 server, ready to connect. Blocking: a
/// `password_command` may prompt (GPG); call from `spawn_blocking`.
pub fn server_spec(account: &Account) -> Result<ServerSpec, String> {
    let endpoint = account
        .pop3
        .as_ref()
        .ok_or_else(|| format!("account \"{}\" has no [pop3] server", account.name))?;
    let source = endpoint.password_source().ok_or_else(|| {
        format!(
            "account \"{}\" [pop3]: no password configured (set password_command or password_env)",
            account.name
        )
    })?;
    let password = source
        .resolve()
        .map_err(|e| format!("account \"{}\" [pop3]: {e}", account.name))?;
    Ok(ServerSpec {
        host: endpoint.host.clone(),
        port: endpoint.port_for(Protocol::Pop3),
        security: endpoint.security,
        tls: TlsOptions {
            extra_ca: endpoint.ca_file.as_deref().map(crate::config::expand_tilde),
            accept_invalid_certs: endpoint.accept_invalid_certs,
            pin_file: None,
        },
        user: account.username_for(endpoint).to_string(),
        password,
        auth: match (endpoint.apop, endpoint.auth) {
            (true, _) => AuthMethod::Apop,
            (false, ConfigAuth::Auto) => AuthMethod::Auto,
            (false, ConfigAuth::Login) => AuthMethod::UserPass,
            (false, ConfigAuth::Plain) => AuthMethod::Plain,
            (false, other) => {
                return Err(format!(
                    "account \"{}\" [pop3]: auth = \"{}\" is not available for POP3 \
                     (use \"auto\", \"login\" for USER/PASS, \"plain\", or apop = true)",
                    account.name,
                    format!("{other:?}").to_lowercase()
                ));
            }
        },
    })
}

/// Syncs one POP3 account into `store`: what `wirepost sync` runs per
/// account. `on_trace` receives the (masked) conversation when given.
pub async fn sync_account(
    account: &Account,
    store: Store,
    on_progress: impl FnMut(&SyncProgress) + Send,
    mut on_trace: Option<&mut (dyn FnMut(&TraceLine) + Send)>,
) -> Result<SyncReport, SyncError> {
    let owned = account.clone();
    let spec = tokio::task::spawn_blocking(move || server_spec(&owned))
        .await
        .map_err(|e| super::Pop3Error::Config(e.to_string()))?
        .map_err(super::Pop3Error::Config)?;
    let options = account
        .pop3
        .as_ref()
        .map(|e| e.pop3_options())
        .unwrap_or_default();
    let request = SyncRequest {
        account: account.name.clone(),
        spec,
        options,
        store,
        trace: on_trace.is_some(),
    };
    let mut on_progress = on_progress;
    sync(request, move |progress| {
        if let Some(each) = on_trace.as_mut() {
            for line in &progress.trace {
                each(line);
            }
        }
        on_progress(&progress);
    })
    .await
}
