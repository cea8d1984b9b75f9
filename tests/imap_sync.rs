//! IMAP sync against real Dovecot: byte-exact copies, incremental fetches,
//! flags and removals from the server, UIDVALIDITY changes, and a
//! connection cut in the middle of a sync.

mod common;

use common::imap::options;
use common::mailstack::Mailstack;
use futures::TryStreamExt;
use std::collections::HashMap;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use wirepost::mail::imap::{ConnectOptions, FolderChoice, ImapSession, connect, sync_account};
use wirepost::store::{NewMessage, ServerIdentity, Store};

const ACCOUNT: &str = "test";

async fn sync(
    opts: &ConnectOptions,
    store: &Store,
    choice: FolderChoice,
) -> Vec<wirepost::mail::imap::sync::FolderReport> {
    sync_account(opts, store, ACCOUNT, &choice, None, &mut |_| {})
        .await
        .expect("sync")
}

fn inbox() -> FolderChoice {
    FolderChoice::One("INBOX".into())
}

/// Every message of `folder` on the server: UID to raw bytes.
async fn server_messages(session: &mut ImapSession, folder: &str) -> HashMap<u32, Vec<u8>> {
    session.select(folder).await.unwrap();
    let fetches: Vec<_> = session
        .uid_fetch("1:*", "(UID BODY.PEEK[])")
        .await
        .unwrap()
        .try_collect()
        .await
        .unwrap();
    fetches
        .iter()
        .filter_map(|f| Some((f.uid?, f.body()?.to_vec())))
        .collect()
}

/// Every local message of `folder`: UID to the stored file's bytes.
fn local_messages(store: &Store, folder: &str) -> HashMap<u32, Vec<u8>> {
    let state = store
        .folder_state(ACCOUNT, folder)
        .unwrap()
        .unwrap_or_default();
    let Some(uidvalidity) = state.uidvalidity else {
        return HashMap::new();
    };
    store
        .known_uids(ACCOUNT, folder, uidvalidity)
        .unwrap()
        .into_iter()
        .map(|uid| {
            let id = store
                .message_by_identity(ACCOUNT, folder, &ServerIdentity::Imap { uidvalidity, uid })
                .unwrap()
                .unwrap();
            (uid, std::fs::read(store.message_path(id).unwrap()).unwrap())
        })
        .collect()
}

fn files_in(store: &Store, folder: &str) -> usize {
    let dir = store
        .root()
        .join(wirepost::store::folder_dir_name(ACCOUNT, folder));
    ["new", "cur"]
        .iter()
        .map(|d| std::fs::read_dir(dir.join(d)).map_or(0, |r| r.count()))
        .sum()
}

#[tokio::test]
async fn sync_is_byte_exact_incremental_and_follows_the_server() {
    let Some(stack) = Mailstack::get() else {
        return;
    };
    let user = stack.claim_user();
    stack.seed(&user.address, 30, 3000);
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let opts = options(&stack, &user);

    let reports = sync(&opts, &store, inbox()).await;
    assert_eq!(reports[0].fetched, 30);
    let mut admin = connect(&opts, None).await.unwrap().session;
    let server = server_messages(&mut admin, "INBOX").await;
    assert_eq!(
        local_messages(&store, "INBOX"),
        server,
        "stored files differ from the server"
    );

    // Nothing new: nothing fetched.
    let reports = sync(&opts, &store, inbox()).await;
    assert_eq!(
        (
            reports[0].fetched,
            reports[0].removed,
            reports[0].flags_updated
        ),
        (0, 0, 0)
    );

    // Five more: only those are fetched.
    stack.seed(&user.address, 5, 2000);
    let reports = sync(&opts, &store, inbox()).await;
    assert_eq!(reports[0].fetched, 5);
    let server = server_messages(&mut admin, "INBOX").await;
    assert_eq!(local_messages(&store, "INBOX"), server);

    // Flags and removals made by another client reach the local copy.
    let mut uids: Vec<u32> = server.keys().copied().collect();
    uids.sort();
    admin.select("INBOX").await.unwrap();
    let _: Vec<_> = admin
        .uid_store(uids[0].to_string(), "+FLAGS (\\Flagged \\Seen)")
        .await
        .unwrap()
        .try_collect()
        .await
        .unwrap();
    let _: Vec<_> = admin
        .uid_store(uids[1].to_string(), "+FLAGS (\\Deleted)")
        .await
        .unwrap()
        .try_collect()
        .await
        .unwrap();
    let _: Vec<_> = admin.expunge().await.unwrap().try_collect().await.unwrap();
    let reports = sync(&opts, &store, inbox()).await;
    assert_eq!(reports[0].removed, 1);
    assert!(reports[0].flags_updated >= 1);
    let state = store.folder_state(ACCOUNT, "INBOX").unwrap().unwrap();
    let identity = ServerIdentity::Imap {
        uidvalidity: state.uidvalidity.unwrap(),
        uid: uids[0],
    };
    let id = store
        .message_by_identity(ACCOUNT, "INBOX", &identity)
        .unwrap()
        .unwrap();
    let (_, _, flags) = store.message_place(id).unwrap();
    assert!(flags.flagged && flags.seen, "{flags:?}");
    assert_eq!(local_messages(&store, "INBOX").len(), 34);
    assert_eq!(files_in(&store, "INBOX"), 34);
    // Removed on the server is not a local deletion to carry back.
    assert!(store.removed_identities(ACCOUNT).unwrap().is_empty());
}

#[tokio::test]
async fn a_uidvalidity_change_rebuilds_the_folder_and_keeps_local_messages() {
    let Some(stack) = Mailstack::get() else {
        return;
    };
    let user = stack.claim_user();
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let opts = options(&stack, &user);
    let mut admin = connect(&opts, None).await.unwrap().session;
    admin.create("Work").await.unwrap();
    for i in 0..3 {
        let raw = format!("Subject: old {i}\r\nMessage-ID: <old{i}@test>\r\n\r\nold\r\n");
        admin
            .append("Work", None, None, raw.as_bytes())
            .await
            .unwrap();
    }
    let reports = sync(&opts, &store, FolderChoice::One("Work".into())).await;
    assert_eq!(reports[0].fetched, 3);
    let local_only = b"Subject: draft kept locally\r\n\r\nmine\r\n";
    store
        .store_message(&NewMessage {
            account: ACCOUNT,
            folder: "Work",
            identity: ServerIdentity::Local,
            raw: local_only,
            flags: Default::default(),
            internal_date: None,
        })
        .unwrap();
    // Recreating the folder gives it a new UIDVALIDITY.
    admin.delete("Work").await.unwrap();
    admin.create("Work").await.unwrap();
    admin
        .append(
            "Work",
            None,
            None,
            b"Subject: new\r\nMessage-ID: <new@test>\r\n\r\nnew\r\n",
        )
        .await
        .unwrap();
    let reports = sync(&opts, &store, FolderChoice::One("Work".into())).await;
    assert!(reports[0].rebuilt);
    assert_eq!(reports[0].fetched, 1);
    let server = server_messages(&mut admin, "Work").await;
    assert_eq!(local_messages(&store, "Work"), server);
    // The new message plus the local-only one.
    assert_eq!(files_in(&store, "Work"), 2);
}

/// Forwards one connection to `target`, cutting it after `limit` bytes
/// from the server.
async fn cutting_proxy(target: u16, limit: usize) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        let (client, _) = listener.accept().await.unwrap();
        let server = TcpStream::connect(("127.0.0.1", target)).await.unwrap();
        let (mut cr, mut cw) = client.into_split();
        let (mut sr, mut sw) = server.into_split();
        let up = tokio::spawn(async move { tokio::io::copy(&mut cr, &mut sw).await });
        let mut sent = 0;
        let mut buf = vec![0u8; 8192];
        while sent < limit {
            let n = match sr.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => n.min(limit - sent),
            };
            if cw.write_all(&buf[..n]).await.is_err() {
                break;
            }
            sent += n;
        }
        up.abort();
    });
    port
}

#[tokio::test]
async fn a_connection_cut_mid_sync_loses_and_duplicates_nothing() {
    let Some(stack) = Mailstack::get() else {
        return;
    };
    let user = stack.claim_user();
    stack.seed(&user.address, 1200, 2000);
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let opts = options(&stack, &user);
    for limit in [20_000, 700_000, 1_500_000] {
        let mut cut = opts.clone();
        cut.port = cutting_proxy(stack.imaps_port, limit).await;
        let result = sync_account(&cut, &store, ACCOUNT, &inbox(), None, &mut |_| {}).await;
        assert!(
            result.is_err(),
            "the cut at {limit} bytes must show as an error"
        );
    }
    let partial = local_messages(&store, "INBOX").len();
    assert!(partial < 1200, "{partial}");
    sync(&opts, &store, inbox()).await;
    let mut admin = connect(&opts, None).await.unwrap().session;
    let server = server_messages(&mut admin, "INBOX").await;
    assert_eq!(server.len(), 1200);
    assert_eq!(local_messages(&store, "INBOX"), server);
    assert_eq!(files_in(&store, "INBOX"), 1200);
}

#[tokio::test]
async fn local_flags_deletions_and_moves_reach_the_server() {
    let Some(stack) = Mailstack::get() else {
        return;
    };
    let user = stack.claim_user();
    stack.seed(&user.address, 5, 1000);
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let opts = options(&stack, &user);
    sync(&opts, &store, inbox()).await;
    let uidvalidity = store
        .folder_state(ACCOUNT, "INBOX")
        .unwrap()
        .unwrap()
        .uidvalidity
        .unwrap();
    let mut uids: Vec<u32> = store
        .known_uids(ACCOUNT, "INBOX", uidvalidity)
        .unwrap()
        .into_iter()
        .collect();
    uids.sort();
    let id_of = |uid: u32| {
        store
            .message_by_identity(ACCOUNT, "INBOX", &ServerIdentity::Imap { uidvalidity, uid })
            .unwrap()
            .unwrap()
    };
    // Changes made while offline: they wait in the store.
    let mut flags = store.message_place(id_of(uids[0])).unwrap().2;
    flags.flagged = true;
    flags.seen = true;
    store.set_flags(id_of(uids[0]), &flags).unwrap();
    store.remove_message(id_of(uids[1])).unwrap();
    let mut admin = connect(&opts, None).await.unwrap().session;
    let folders = wirepost::mail::imap::list_folders(&mut admin)
        .await
        .unwrap();
    let trash = wirepost::mail::imap::folders::find_role(
        &folders,
        wirepost::mail::imap::folders::Role::Trash,
    )
    .map(|f| f.local_name());
    if let Some(trash) = &trash {
        store.move_message(id_of(uids[2]), trash).unwrap();
    }
    // Reopening the store stands for a restart.
    drop(store);
    let store = Store::open(dir.path()).unwrap();
    // The sync carries them before it looks at the folders.
    sync(&opts, &store, FolderChoice::FirstThenAll("INBOX".into())).await;

    admin.select("INBOX").await.unwrap();
    let fetches: Vec<_> = admin
        .uid_fetch("1:*", "(UID FLAGS)")
        .await
        .unwrap()
        .try_collect()
        .await
        .unwrap();
    let on_server: HashMap<u32, String> = fetches
        .iter()
        .map(|f| {
            (
                f.uid.unwrap(),
                format!("{:?}", f.flags().collect::<Vec<_>>()),
            )
        })
        .collect();
    assert!(on_server[&uids[0]].contains("Flagged") && on_server[&uids[0]].contains("Seen"));
    assert!(
        !on_server.contains_key(&uids[1]),
        "deleted locally, still on the server"
    );
    assert!(store.removed_identities(ACCOUNT).unwrap().is_empty());
    if let Some(trash) = trash {
        assert!(
            !on_server.contains_key(&uids[2]),
            "moved locally, still in INBOX"
        );
        let in_trash = server_messages(&mut admin, &trash).await;
        assert_eq!(in_trash.len(), 1);
        assert_eq!(local_messages(&store, &trash), in_trash);
    }
    assert_eq!(local_messages(&store, "INBOX").len(), on_server.len());
    // Nothing left to carry: a second sync changes nothing.
    let reports = sync(&opts, &store, inbox()).await;
    assert_eq!(
        (
            reports[0].flags_pushed,
            reports[0].flags_updated,
            reports[0].removed
        ),
        (0, 0, 0)
    );
}
