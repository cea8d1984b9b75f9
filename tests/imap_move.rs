//! Moves and copies against real Dovecot: between folders (UID MOVE, and
//! COPY + EXPUNGE for servers without MOVE), between accounts (upload,
//! then delete), offline (queued, pushed later). A moved message is
//! re-filed under its new UID — by COPYUID, or by Message-ID without
//! UIDPLUS — and never downloaded again.

mod common;

use common::imap::{id_of, options, second_client, server_flags, store_flags};
use common::mailstack::Mailstack;
use std::collections::HashMap;
use wirepost::mail::imap::push::{AccountBook, PushTarget, push_account};
use wirepost::mail::imap::{ConnectOptions, FolderChoice, connect, list_folders, sync_account};
use wirepost::store::{MessageId, Store, TransferKind};

const ACCOUNT: &str = "test";

async fn sync(opts: &ConnectOptions, store: &Store, account: &str) -> u64 {
    let reports = sync_account(
        opts,
        store,
        account,
        &FolderChoice::FirstThenAll("INBOX".into()),
        None,
        &mut |_| {},
    )
    .await
    .expect("sync");
    reports.iter().map(|r| r.fetched).sum()
}

const MOVE: TransferKind = TransferKind {
    copy: false,
    upload: true,
};
const COPY: TransferKind = TransferKind {
    copy: true,
    upload: true,
};

/// A user's INBOX of `count` seeded messages, synced into a new store.
struct SyncedInbox {
    dir: tempfile::TempDir,
    store: Store,
    opts: ConnectOptions,
    /// The INBOX's UIDs, lowest first, and the stored message of each.
    uids: Vec<u32>,
    ids: Vec<MessageId>,
}

async fn synced_inbox(stack: &Mailstack, count: usize) -> SyncedInbox {
    let user = stack.claim_user();
    stack.seed(&user.address, count, 900);
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let opts = options(stack, &user);
    sync(&opts, &store, ACCOUNT).await;
    let uids: Vec<u32> = store_flags(&store, ACCOUNT, "INBOX").into_keys().collect();
    let ids = uids
        .iter()
        .map(|uid| id_of(&store, ACCOUNT, "INBOX", *uid).unwrap())
        .collect();
    SyncedInbox {
        dir,
        store,
        opts,
        uids,
        ids,
    }
}

#[tokio::test]
async fn moves_and_copies_between_folders_are_refiled_not_downloaded() {
    let Some(stack) = Mailstack::get() else {
        return;
    };
    let SyncedInbox {
        dir: _dir,
        store,
        opts,
        ids,
        ..
    } = synced_inbox(&stack, 4).await;
    let (moved, copied) = (ids[0], ids[1]);
    store.transfer(moved, ACCOUNT, "Archive", MOVE).unwrap();
    let copy = store.transfer(copied, ACCOUNT, "Archive", COPY).unwrap();
    let counts = push_account(&opts, &store, ACCOUNT, None).await.unwrap();
    assert_eq!((counts.moved, counts.transferred), (1, 1), "{counts:?}");

    let mut other = second_client(&opts).await;
    let inbox = server_flags(&mut other, "INBOX").await;
    let archive = server_flags(&mut other, "Archive").await;
    assert_eq!(inbox.len(), 3, "moved away, copy source kept");
    assert_eq!(archive.len(), 2);
    // Both are filed under their new UIDs in Archive: the same message
    // rows, nothing to download.
    let filed = store_flags(&store, ACCOUNT, "Archive");
    assert_eq!(
        filed.keys().collect::<Vec<_>>(),
        archive.keys().collect::<Vec<_>>()
    );
    let archive_ids: Vec<i64> = filed
        .keys()
        .map(|uid| id_of(&store, ACCOUNT, "Archive", *uid).unwrap())
        .collect();
    assert!(archive_ids.contains(&moved) && archive_ids.contains(&copy));
    assert_eq!(
        sync(&opts, &store, ACCOUNT).await,
        0,
        "nothing downloaded again"
    );
    assert_eq!(store_flags(&store, ACCOUNT, "INBOX"), inbox);
    assert_eq!(store_flags(&store, ACCOUNT, "Archive"), archive);
}

#[tokio::test]
async fn without_move_and_uidplus_copy_expunge_and_search_do_it() {
    let Some(stack) = Mailstack::get() else {
        return;
    };
    let SyncedInbox {
        dir: _dir,
        store,
        opts,
        ids,
        ..
    } = synced_inbox(&stack, 3).await;
    let id = ids[2];
    store.transfer(id, ACCOUNT, "Junk", MOVE).unwrap();
    let mut connected = connect(&opts, None).await.unwrap();
    let folders = list_folders(&mut connected.session).await.unwrap();
    let mut caps = connected.caps.clone();
    caps.moves = false;
    caps.uidplus = false;
    PushTarget {
        session: &mut connected.session,
        caps: &caps,
        store: &store,
        account: ACCOUNT,
        folders: &folders,
        delete: opts.delete,
        book: None,
    }
    .push_all()
    .await
    .unwrap();
    let mut other = second_client(&opts).await;
    assert_eq!(server_flags(&mut other, "INBOX").await.len(), 2);
    let junk = server_flags(&mut other, "Junk").await;
    assert_eq!(junk.len(), 1);
    let uid = *junk.keys().next().unwrap();
    assert_eq!(
        id_of(&store, ACCOUNT, "Junk", uid),
        Some(id),
        "found by Message-ID"
    );
    assert_eq!(sync(&opts, &store, ACCOUNT).await, 0);
}

#[tokio::test]
async fn a_move_to_another_account_uploads_first_and_works_offline() {
    let Some(stack) = Mailstack::get() else {
        return;
    };
    let (alice, bob) = (stack.claim_user(), stack.claim_user());
    stack.seed(&alice.address, 2, 900);
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let (a, b) = (options(&stack, &alice), options(&stack, &bob));
    sync(&a, &store, "alice").await;
    sync(&b, &store, "bob").await;
    let uids: Vec<u32> = store_flags(&store, "alice", "INBOX").into_keys().collect();
    let id = id_of(&store, "alice", "INBOX", uids[0]).unwrap();
    let mut flags = store.flag_state(id).unwrap();
    flags.flags.flagged = true;
    store.set_flag_state(id, &flags).unwrap();
    store.transfer(id, "bob", "Archive", MOVE).unwrap();
    let raw = std::fs::read(store.message_path(id).unwrap()).unwrap();

    // Offline: nothing reaches either server, nothing is lost.
    let mut unreachable = b.clone();
    unreachable.port = 1;
    let book: AccountBook = HashMap::from([("alice".into(), a.clone()), ("bob".into(), b.clone())]);
    assert!(
        push_account(&unreachable, &store, "bob", Some(&book))
            .await
            .is_err()
    );
    // The source waits for the upload; alice's own push leaves it alone.
    push_account(&a, &store, "alice", Some(&book))
        .await
        .unwrap();
    let mut alice_side = second_client(&a).await;
    assert_eq!(server_flags(&mut alice_side, "INBOX").await.len(), 2);
    assert_eq!(
        sync(&a, &store, "alice").await,
        0,
        "the source is not fetched back"
    );

    // Online again: bob gets it (flags kept), then alice's copy goes.
    push_account(&b, &store, "bob", Some(&book)).await.unwrap();
    let mut bob_side = second_client(&b).await;
    let archive = server_flags(&mut bob_side, "Archive").await;
    assert_eq!(archive.len(), 1);
    let (uid, state) = archive.iter().next().unwrap();
    assert!(state.flags.flagged);
    assert_eq!(id_of(&store, "bob", "Archive", *uid), Some(id));
    assert_eq!(std::fs::read(store.message_path(id).unwrap()).unwrap(), raw);
    assert_eq!(server_flags(&mut alice_side, "INBOX").await.len(), 1);
    assert_eq!(
        sync(&a, &store, "alice").await + sync(&b, &store, "bob").await,
        0
    );
    assert_eq!(store_flags(&store, "alice", "INBOX").len(), 1);
}

#[tokio::test]
async fn changes_made_offline_wait_across_a_restart_and_go_out_together() {
    let Some(stack) = Mailstack::get() else {
        return;
    };
    let SyncedInbox {
        dir,
        mut store,
        opts,
        uids,
        ids,
    } = synced_inbox(&stack, 4).await;
    let mut flagged = store.flag_state(ids[0]).unwrap();
    flagged.flags.flagged = true;
    store.set_flag_state(ids[0], &flagged).unwrap();
    store.remove_message(ids[1]).unwrap();
    store.transfer(ids[2], ACCOUNT, "Archive", MOVE).unwrap();

    // Offline: the push fails and nothing changes on the server.
    let mut unreachable = opts.clone();
    unreachable.port = 1;
    assert!(
        push_account(&unreachable, &store, ACCOUNT, None)
            .await
            .is_err()
    );
    let mut other = second_client(&opts).await;
    assert_eq!(server_flags(&mut other, "INBOX").await.len(), 4);

    // A restart, then online again: all three changes reach the server.
    drop(store);
    store = Store::open(dir.path()).unwrap();
    let counts = push_account(&opts, &store, ACCOUNT, None).await.unwrap();
    assert_eq!((counts.flags, counts.deleted, counts.moved), (1, 1, 1));
    let inbox = server_flags(&mut other, "INBOX").await;
    assert_eq!(
        inbox.keys().copied().collect::<Vec<_>>(),
        [uids[0], uids[3]]
    );
    assert!(inbox[&uids[0]].flags.flagged);
    let archive = server_flags(&mut other, "Archive").await;
    assert_eq!(archive.len(), 1);
    assert_eq!(
        id_of(&store, ACCOUNT, "Archive", *archive.keys().next().unwrap()),
        Some(ids[2])
    );
    assert_eq!(sync(&opts, &store, ACCOUNT).await, 0);
    assert_eq!(store_flags(&store, ACCOUNT, "INBOX"), inbox);
    assert_eq!(store_flags(&store, ACCOUNT, "Archive"), archive);
}

#[tokio::test]
async fn a_change_the_server_refuses_stays_queued_and_blocks_no_other() {
    let Some(stack) = Mailstack::get() else {
        return;
    };
    let SyncedInbox {
        dir: _dir,
        store,
        opts,
        uids,
        ids,
    } = synced_inbox(&stack, 3).await;
    // Dovecot refuses to create a folder whose name begins with '~'.
    store.transfer(ids[0], ACCOUNT, "~refused", MOVE).unwrap();
    let mut flagged = store.flag_state(ids[1]).unwrap();
    flagged.flags.flagged = true;
    store.set_flag_state(ids[1], &flagged).unwrap();
    store.remove_message(ids[2]).unwrap();

    let counts = push_account(&opts, &store, ACCOUNT, None).await.unwrap();
    assert_eq!(
        (counts.refused, counts.moved, counts.flags, counts.deleted),
        (1, 0, 1, 1),
        "{counts:?}"
    );
    let mut other = second_client(&opts).await;
    let inbox = server_flags(&mut other, "INBOX").await;
    assert_eq!(
        inbox.keys().copied().collect::<Vec<_>>(),
        [uids[0], uids[1]]
    );
    assert!(inbox[&uids[1]].flags.flagged);
    // Still queued: the next push tries it again, and only it.
    let counts = push_account(&opts, &store, ACCOUNT, None).await.unwrap();
    assert_eq!(
        (counts.refused, counts.moved, counts.flags, counts.deleted),
        (1, 0, 0, 0),
        "{counts:?}"
    );
    assert_eq!(server_flags(&mut other, "INBOX").await, inbox);
}
