//! IMAP test helpers: an account's settings for the test stack, a raw
//! second client (another mail program on the same mailbox), and the
//! server's and the store's view of a folder's flags.

use super::mailstack::{Mailstack, TestUser};
use futures::TryStreamExt;
use std::collections::BTreeMap;
use wirepost::config::{AuthMethod, DeleteMode, SecretSource, Security};
use wirepost::mail::imap::{ConnectOptions, Credentials, ImapSession, connect};
use wirepost::net::tls::TlsOptions;
use wirepost::store::{FlagState, MessageId, ServerIdentity, Store};

pub fn options(stack: &Mailstack, user: &TestUser) -> ConnectOptions {
    ConnectOptions {
        host: stack.host.clone(),
        port: stack.imaps_port,
        security: Security::Tls,
        tls: TlsOptions {
            extra_ca: Some(stack.ca.clone()),
            accept_invalid_certs: false,
            pin_file: None,
        },
        username: user.address.clone(),
        auth: AuthMethod::Auto,
        credentials: Credentials {
            password: Some(SecretSource::Command(format!("echo {}", user.password))),
            oauth2_token: None,
        },
        delete: DeleteMode::Trash,
    }
}

/// Delivers `raw` into `folder` (created if missing) the way another
/// program would: an IMAP APPEND.
pub async fn append(stack: &Mailstack, user: &TestUser, folder: &str, raw: &str) {
    let mut session = connect(&options(stack, user), None).await.unwrap().session;
    let _ = session.create(folder).await;
    session.append(folder, None, None, raw).await.unwrap();
    let _ = session.logout().await;
}

/// Another client on the same mailbox, as a raw async-imap session.
pub async fn second_client(opts: &ConnectOptions) -> ImapSession {
    connect(opts, None).await.expect("second client").session
}

/// Runs a command on the second client and waits for its end.
pub async fn run(session: &mut ImapSession, command: &str) {
    session
        .run_command_and_check_ok(command)
        .await
        .unwrap_or_else(|e| panic!("{command}: {e}"));
    while session.unsolicited_responses.try_recv().is_ok() {}
}

/// UID → flags of every message of `folder` on the server (`\Recent`
/// left out).
pub async fn server_flags(session: &mut ImapSession, folder: &str) -> BTreeMap<u32, FlagState> {
    session.select(folder).await.unwrap();
    let fetches: Vec<_> = session
        .uid_fetch("1:*", "(UID FLAGS)")
        .await
        .unwrap()
        .try_collect()
        .await
        .unwrap();
    while session.unsolicited_responses.try_recv().is_ok() {}
    fetches
        .iter()
        .map(|f| {
            let names: Vec<String> = f
                .flags()
                .filter_map(|flag| {
                    use async_imap::types::Flag;
                    Some(match flag {
                        Flag::Seen => "\\Seen".to_string(),
                        Flag::Answered => "\\Answered".to_string(),
                        Flag::Flagged => "\\Flagged".to_string(),
                        Flag::Deleted => "\\Deleted".to_string(),
                        Flag::Draft => "\\Draft".to_string(),
                        Flag::Custom(name) => name.to_string(),
                        _ => return None,
                    })
                })
                .collect();
            (f.uid.unwrap(), FlagState::from_imap(&names))
        })
        .collect()
}

/// UID → flags of every stored message whose identity is in `folder`.
pub fn store_flags(store: &Store, account: &str, folder: &str) -> BTreeMap<u32, FlagState> {
    let Some(uidvalidity) = store
        .folder_state(account, folder)
        .unwrap()
        .and_then(|s| s.uidvalidity)
    else {
        return BTreeMap::new();
    };
    store
        .known_uids(account, folder, uidvalidity)
        .unwrap()
        .into_iter()
        .filter_map(|uid| {
            let id = id_of(store, account, folder, uid)?;
            Some((uid, store.flag_state(id).unwrap()))
        })
        .collect()
}

/// The stored message with UID `uid` of `folder`.
pub fn id_of(store: &Store, account: &str, folder: &str, uid: u32) -> Option<MessageId> {
    let uidvalidity = store.folder_state(account, folder).unwrap()?.uidvalidity?;
    store
        .message_by_identity(account, folder, &ServerIdentity::Imap { uidvalidity, uid })
        .unwrap()
}
