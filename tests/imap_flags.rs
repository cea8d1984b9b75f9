//! Flags against real Dovecot: a change made here is pushed at once and
//! never undone by a later sync or a restart; a second client changing
//! flags at the same time keeps its changes too (per message and flag,
//! the later change wins); keywords travel both ways.

mod common;

use common::imap::{id_of, options, run, second_client, server_flags, store_flags};
use common::mailstack::Mailstack;
use wirepost::mail::imap::push::push_account;
use wirepost::mail::imap::{ConnectOptions, FolderChoice, sync_account};
use wirepost::store::{FlagState, Store};

const ACCOUNT: &str = "test";

async fn sync(opts: &ConnectOptions, store: &Store) {
    sync_account(
        opts,
        store,
        ACCOUNT,
        &FolderChoice::FirstThenAll("INBOX".into()),
        None,
        &mut |_| {},
    )
    .await
    .expect("sync");
}

/// What pressing a flag key does: the store changes, then the push the
/// interface starts right away.
async fn change(opts: &ConnectOptions, store: &Store, uid: u32, to: &[&str]) {
    let id = id_of(store, ACCOUNT, "INBOX", uid).unwrap();
    store.set_flag_state(id, &FlagState::from_imap(to)).unwrap();
    push_account(opts, store, ACCOUNT, None)
        .await
        .expect("push");
}

fn flags(names: &[&str]) -> FlagState {
    FlagState::from_imap(names)
}

#[tokio::test]
async fn flag_unflag_sync_restart_sync_never_reverts() {
    let Some(stack) = Mailstack::get() else {
        return;
    };
    let user = stack.claim_user();
    stack.seed(&user.address, 3, 800);
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path()).unwrap();
    let opts = options(&stack, &user);
    let mut other = second_client(&opts).await;
    sync(&opts, &store).await;
    let uid = *store_flags(&store, ACCOUNT, "INBOX").keys().next().unwrap();

    let agree = |store: &Store, server: &std::collections::BTreeMap<u32, FlagState>| {
        assert_eq!(&store_flags(store, ACCOUNT, "INBOX"), server);
    };
    change(&opts, &store, uid, &["\\Flagged"]).await;
    let server = server_flags(&mut other, "INBOX").await;
    assert_eq!(server[&uid], flags(&["\\Flagged"]));
    agree(&store, &server);

    change(&opts, &store, uid, &[]).await;
    let server = server_flags(&mut other, "INBOX").await;
    assert_eq!(
        server[&uid],
        flags(&[]),
        "the unflag did not reach the server"
    );
    agree(&store, &server);

    sync(&opts, &store).await;
    let server = server_flags(&mut other, "INBOX").await;
    assert_eq!(server[&uid], flags(&[]), "a sync brought the flag back");
    agree(&store, &server);

    // A restart: a new store handle on the same directory.
    drop(store);
    store = Store::open(dir.path()).unwrap();
    sync(&opts, &store).await;
    let server = server_flags(&mut other, "INBOX").await;
    assert_eq!(server[&uid], flags(&[]));
    agree(&store, &server);

    // Flag again after the restart: the second unflag sticks as well.
    change(&opts, &store, uid, &["\\Flagged", "\\Seen"]).await;
    change(&opts, &store, uid, &["\\Seen"]).await;
    sync(&opts, &store).await;
    let server = server_flags(&mut other, "INBOX").await;
    assert_eq!(server[&uid], flags(&["\\Seen"]));
    agree(&store, &server);
}

#[tokio::test]
async fn a_second_client_changing_flags_at_the_same_time_keeps_its_changes() {
    let Some(stack) = Mailstack::get() else {
        return;
    };
    let user = stack.claim_user();
    stack.seed(&user.address, 3, 800);
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let opts = options(&stack, &user);
    let mut other = second_client(&opts).await;
    sync(&opts, &store).await;
    let uids: Vec<u32> = store_flags(&store, ACCOUNT, "INBOX").into_keys().collect();
    let (a, b) = (uids[0], uids[1]);
    other.select("INBOX").await.unwrap();

    // Here: A flagged (not pushed yet: offline). There: A seen, B labelled.
    let id_a = id_of(&store, ACCOUNT, "INBOX", a).unwrap();
    store.set_flag_state(id_a, &flags(&["\\Flagged"])).unwrap();
    run(&mut other, &format!("UID STORE {a} +FLAGS (\\Seen)")).await;
    run(&mut other, &format!("UID STORE {b} +FLAGS ($Label1)")).await;
    sync(&opts, &store).await;
    let server = server_flags(&mut other, "INBOX").await;
    assert_eq!(
        server[&a],
        flags(&["\\Seen", "\\Flagged"]),
        "per flag, both changes stay"
    );
    assert_eq!(server[&b], flags(&["$Label1"]));
    assert_eq!(store_flags(&store, ACCOUNT, "INBOX"), server);

    // The other client's later change of the same flag wins ...
    run(&mut other, &format!("UID STORE {a} -FLAGS (\\Flagged)")).await;
    sync(&opts, &store).await;
    let server = server_flags(&mut other, "INBOX").await;
    assert_eq!(server[&a], flags(&["\\Seen"]));
    assert_eq!(store_flags(&store, ACCOUNT, "INBOX"), server);

    // ... and so does ours, made after theirs, on the same message, while
    // they change another flag of it.
    change(&opts, &store, a, &["\\Seen", "\\Flagged"]).await;
    run(
        &mut other,
        &format!("UID STORE {a} +FLAGS (\\Answered $Forwarded)"),
    )
    .await;
    change(&opts, &store, b, &[]).await;
    sync(&opts, &store).await;
    let server = server_flags(&mut other, "INBOX").await;
    assert_eq!(
        server[&a],
        flags(&["\\Seen", "\\Flagged", "\\Answered", "$Forwarded"])
    );
    assert_eq!(
        server[&b],
        flags(&[]),
        "our keyword removal reached the server"
    );
    assert_eq!(store_flags(&store, ACCOUNT, "INBOX"), server);
    // $Forwarded shows in the Maildir name as "passed".
    let path = store
        .message_path(id_of(&store, ACCOUNT, "INBOX", a).unwrap())
        .unwrap();
    assert!(path.to_string_lossy().ends_with(":2,FPRS"), "{path:?}");
}
