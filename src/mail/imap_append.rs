//! Copies a message into a folder on the account's IMAP server (APPEND):
//! sent mail into Sent, drafts into Drafts.

use crate::config::{Account, Protocol, Security};
use crate::net::tls::{TlsOptions, client_config, server_name};
use async_imap::Client;
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;

/// How long the whole APPEND (connect, login, upload) may take.
pub const APPEND_TIMEOUT_SECS: u64 = 120;

/// Appends `raw` to `folder` with IMAP `flags` (e.g. `["\\Seen"]`),
/// creating the folder when the server says it does not exist.
/// Blocking parts (the password command) run on the blocking pool.
pub async fn append(
    account: &Account,
    folder: &str,
    raw: &[u8],
    flags: &[&str],
) -> Result<(), String> {
    run(account, folder, Some(raw), flags, None).await
}

/// Like [`append`], but first deletes the copies of an earlier version
/// (found by its Message-ID), so re-saving a draft does not pile up copies.
pub async fn replace(
    account: &Account,
    folder: &str,
    raw: &[u8],
    flags: &[&str],
    old_message_id: Option<&str>,
) -> Result<(), String> {
    run(account, folder, Some(raw), flags, old_message_id).await
}

/// Deletes the messages with `message_id` from `folder` (a draft that was
/// sent).
pub async fn delete(account: &Account, folder: &str, message_id: &str) -> Result<(), String> {
    run(account, folder, None, &[], Some(message_id)).await
}

async fn run(
    account: &Account,
    folder: &str,
    raw: Option<&[u8]>,
    flags: &[&str],
    old_message_id: Option<&str>,
) -> Result<(), String> {
    let endpoint = account
        .imap
        .as_ref()
        .ok_or_else(|| format!("account \"{}\" has no [imap] server", account.name))?;
    let source = endpoint
        .password_source()
        .ok_or("no IMAP password configured")?;
    let password = tokio::task::spawn_blocking(move || source.resolve())
        .await
        .map_err(|e| e.to_string())??;
    let username = account.username_for(endpoint).to_string();
    let port = endpoint.port_for(Protocol::Imap);
    let tls = TlsOptions {
        extra_ca: endpoint.ca_file.clone(),
        accept_invalid_certs: endpoint.accept_invalid_certs,
    };
    let host = endpoint.host.clone();
    let security = endpoint.security;
    let flags = format!("({})", flags.join(" "));
    let work = async move {
        let tcp = TcpStream::connect((host.as_str(), port))
            .await
            .map_err(|e| format!("cannot connect to {host}:{port}: {e}"))?;
        let _ = tcp.set_nodelay(true);
        let connector =
            tokio_rustls::TlsConnector::from(client_config(&tls).map_err(|e| e.to_string())?);
        let name = server_name(&host)?;
        match security {
            Security::Tls => {
                let stream = connector
                    .connect(name, tcp)
                    .await
                    .map_err(|e| format!("TLS: {e}"))?;
                let mut client = Client::new(stream);
                greeting(&mut client).await?;
                session_work(
                    client,
                    &username,
                    password.expose(),
                    folder,
                    raw,
                    &flags,
                    old_message_id,
                )
                .await
            }
            Security::Starttls => {
                let mut client = Client::new(tcp);
                greeting(&mut client).await?;
                client
                    .run_command_and_check_ok("STARTTLS", None)
                    .await
                    .map_err(|e| format!("STARTTLS refused: {e}"))?;
                let stream = connector
                    .connect(name, client.into_inner())
                    .await
                    .map_err(|e| format!("TLS: {e}"))?;
                session_work(
                    Client::new(stream),
                    &username,
                    password.expose(),
                    folder,
                    raw,
                    &flags,
                    old_message_id,
                )
                .await
            }
            Security::None => {
                let mut client = Client::new(tcp);
                greeting(&mut client).await?;
                session_work(
                    client,
                    &username,
                    password.expose(),
                    folder,
                    raw,
                    &flags,
                    old_message_id,
                )
                .await
            }
        }
    };
    tokio::time::timeout(Duration::from_secs(APPEND_TIMEOUT_SECS), work)
        .await
        .map_err(|_| "IMAP APPEND timed out".to_string())?
}

async fn greeting<S>(client: &mut Client<S>) -> Result<(), String>
where
    S: AsyncRead + AsyncWrite + Unpin + std::fmt::Debug + Send,
{
    client
        .read_response()
        .await
        .map_err(|e| format!("IMAP greeting: {e}"))?
        .ok_or_else(|| "the IMAP server closed the connection".to_string())?;
    Ok(())
}

async fn session_work<S>(
    client: Client<S>,
    username: &str,
    password: &str,
    folder: &str,
    raw: Option<&[u8]>,
    flags: &str,
    old_message_id: Option<&str>,
) -> Result<(), String>
where
    S: AsyncRead + AsyncWrite + Unpin + std::fmt::Debug + Send,
{
    let mut session = client
        .login(username, password)
        .await
        .map_err(|(e, _)| format!("IMAP login failed: {e}"))?;
    if let Some(id) = old_message_id.filter(|id| is_searchable(id))
        && session.select(folder).await.is_ok()
    {
        let uids = session
            .uid_search(format!("HEADER Message-ID \"{id}\""))
            .await
            .map_err(|e| format!("IMAP SEARCH in {folder} failed: {e}"))?;
        if !uids.is_empty() {
            let set: Vec<String> = uids.iter().map(u32::to_string).collect();
            let set = set.join(",");
            use futures::TryStreamExt;
            let _: Vec<_> = session
                .uid_store(&set, "+FLAGS.SILENT (\\Deleted)")
                .await
                .map_err(|e| format!("IMAP STORE failed: {e}"))?
                .try_collect()
                .await
                .map_err(|e| format!("IMAP STORE failed: {e}"))?;
            let expunged = session
                .expunge()
                .await
                .map_err(|e| format!("IMAP EXPUNGE failed: {e}"))?;
            let _: Vec<_> = expunged.try_collect().await.unwrap_or_default();
        }
    }
    if let Some(raw) = raw {
        let first = session.append(folder, Some(flags), None, raw).await;
        if first.is_err() {
            // Most servers answer [TRYCREATE] for a missing folder; creating
            // it and trying once more covers them all.
            let _ = session.create(folder).await;
            session
                .append(folder, Some(flags), None, raw)
                .await
                .map_err(|e| format!("IMAP APPEND to {folder} failed: {e}"))?;
        }
    }
    let _ = session.logout().await;
    Ok(())
}

/// A Message-ID that can go inside a quoted IMAP search string.
fn is_searchable(id: &str) -> bool {
    !id.is_empty() && !id.contains(['"', '\\', '\r', '\n'])
}
