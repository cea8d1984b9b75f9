//! Resyncing a folder against real Dovecot three ways — QRESYNC (the
//! SELECT lists what changed), CONDSTORE (CHANGEDSINCE) and the plain
//! listing — each bringing the same new mail, removals and flag changes
//! made by another client.

mod common;

use common::imap::{options, run, second_client, server_flags, store_flags};
use common::mailstack::Mailstack;
use wirepost::mail::imap::sync::{FolderReport, sync_folder};
use wirepost::mail::imap::{ConnectOptions, ServerCaps, TraceSink, connect, list_folders};
use wirepost::store::Store;

const ACCOUNT: &str = "test";

/// Syncs INBOX with the server's capabilities narrowed by `narrow`;
/// returns the report and the commands sent.
async fn sync_inbox(
    opts: &ConnectOptions,
    store: &Store,
    narrow: fn(&mut ServerCaps),
) -> (FolderReport, Vec<String>) {
    let trace = TraceSink::new();
    let mut connected = connect(opts, Some(trace.clone())).await.unwrap();
    let mut caps = connected.caps.clone();
    narrow(&mut caps);
    let inbox = list_folders(&mut connected.session)
        .await
        .unwrap()
        .into_iter()
        .find(|f| f.name == "INBOX")
        .unwrap();
    let report = sync_folder(
        &mut connected.session,
        &caps,
        store,
        ACCOUNT,
        &inbox,
        &mut |_| {},
    )
    .await
    .unwrap();
    let _ = connected.session.logout().await;
    let sent = trace
        .take()
        .into_iter()
        .filter(|l| l.dir == wirepost::mail::imap::TraceDir::Sent)
        .map(|l| l.text)
        .collect();
    (report, sent)
}

fn qresync(_: &mut ServerCaps) {}

fn condstore_only(caps: &mut ServerCaps) {
    caps.qresync = false;
}

fn neither(caps: &mut ServerCaps) {
    caps.qresync = false;
    caps.condstore = false;
}

#[tokio::test]
async fn each_way_of_resyncing_brings_the_same_changes() {
    let Some(stack) = Mailstack::get() else {
        return;
    };
    for (way, narrow) in [
        ("QRESYNC", qresync as fn(&mut ServerCaps)),
        ("CONDSTORE", condstore_only),
        ("listing", neither),
    ] {
        let user = stack.claim_user();
        stack.seed(&user.address, 40, 600);
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let opts = options(&stack, &user);
        let (first, _) = sync_inbox(&opts, &store, narrow).await;
        assert_eq!(first.fetched, 40, "{way}");

        // Nothing new: nothing moves, and QRESYNC needs no listing.
        let (report, sent) = sync_inbox(&opts, &store, narrow).await;
        assert_eq!(
            (report.fetched, report.removed, report.flags_updated),
            (0, 0, 0)
        );
        let listed = sent
            .iter()
            .any(|c| c.contains("SEARCH ALL") || c.ends_with("FETCH 1:* (UID FLAGS)"));
        assert_eq!(listed, way == "listing", "{way}: {sent:?}");
        if way == "QRESYNC" {
            assert!(sent.iter().any(|c| c.contains("(QRESYNC (")), "{sent:?}");
        }

        let mut other = second_client(&opts).await;
        let uids: Vec<u32> = store_flags(&store, ACCOUNT, "INBOX").into_keys().collect();
        other.select("INBOX").await.unwrap();
        run(
            &mut other,
            &format!("UID STORE {},{} +FLAGS (\\Seen $Work)", uids[0], uids[1]),
        )
        .await;
        run(
            &mut other,
            &format!("UID STORE {}:{} +FLAGS (\\Deleted)", uids[5], uids[7]),
        )
        .await;
        run(&mut other, "EXPUNGE").await;
        stack.seed(&user.address, 2, 600);
        let (report, _) = sync_inbox(&opts, &store, narrow).await;
        assert_eq!(
            (report.fetched, report.removed, report.flags_updated),
            (2, 3, 2),
            "{way}"
        );
        let server = server_flags(&mut other, "INBOX").await;
        assert_eq!(server.len(), 39);
        assert_eq!(store_flags(&store, ACCOUNT, "INBOX"), server, "{way}");
    }
}
