//! The store as the queue of local changes: flags merged with the server
//! per flag, copies and moves between folders and accounts waiting for a
//! server, full text indexed after the messages are stored.

use super::*;

const RAW: &[u8] = b"From: a@example.com\r\nSubject: hello\r\nMessage-ID: <1@x>\r\n\
Date: Tue, 1 Jul 2025 10:00:00 +0000\r\n\r\nbody text zebra\r\n";

fn state(names: &[&str]) -> FlagState {
    FlagState::from_imap(names)
}

/// A store with one message fetched from IMAP folder INBOX (UIDVALIDITY
/// 7, UID 1) with `flags`, at MODSEQ 10.
fn fetched(flags: &[&str]) -> (tempfile::TempDir, Store, MessageId) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let s = state(flags);
    let msg = NewMessage {
        account: "acct",
        folder: "INBOX",
        identity: ServerIdentity::Imap {
            uidvalidity: 7,
            uid: 1,
        },
        raw: RAW,
        flags: s.flags,
        internal_date: None,
    };
    let view = ServerView {
        keywords: s.keywords,
        modseq: Some(10),
    };
    let id = store.store_imap_batch(&[msg], &[view]).unwrap()[0].id();
    (dir, store, id)
}

fn report(flags: &[&str], modseq: u64) -> ServerFlags {
    ServerFlags {
        uid: 1,
        state: state(flags),
        modseq: Some(modseq),
    }
}

#[test]
fn a_local_change_waits_until_the_servers_answer_is_recorded() {
    let (_dir, store, id) = fetched(&["\\Seen", "$Label1"]);
    assert!(store.flag_changes("acct").unwrap().is_empty());
    store
        .set_flag_state(id, &state(&["\\Seen", "\\Flagged", "$Label1"]))
        .unwrap();
    let changes = store.flag_changes("acct").unwrap();
    assert_eq!(changes.len(), 1);
    assert_eq!(changes[0].base, state(&["\\Seen", "$Label1"]));
    assert_eq!(changes[0].modseq, Some(10));
    // The server's answer to our STORE is the new agreed state.
    let answer = report(&["\\Seen", "\\Flagged", "$Label1"], 11);
    let changed = store
        .apply_server_flags("acct", "INBOX", 7, std::slice::from_ref(&answer), None)
        .unwrap();
    assert!(changed.is_empty());
    assert!(store.flag_changes("acct").unwrap().is_empty());
    // Unflagging now is a local change again, not undone by the old answer.
    store
        .set_flag_state(id, &state(&["\\Seen", "$Label1"]))
        .unwrap();
    store
        .apply_server_flags("acct", "INBOX", 7, &[answer], None)
        .unwrap();
    assert_eq!(store.flag_state(id).unwrap(), state(&["\\Seen", "$Label1"]));
    assert_eq!(store.flag_changes("acct").unwrap().len(), 1);
}

#[test]
fn server_changes_merge_per_flag_with_local_ones() {
    let (_dir, store, id) = fetched(&["\\Seen"]);
    store
        .set_flag_state(id, &state(&["\\Seen", "\\Flagged"]))
        .unwrap();
    // Meanwhile another client marked it unread and labelled it.
    let changed = store
        .apply_server_flags("acct", "INBOX", 7, &[report(&["$Label1"], 12)], None)
        .unwrap();
    assert_eq!(changed.len(), 1);
    assert_eq!(
        store.flag_state(id).unwrap(),
        state(&["\\Flagged", "$Label1"])
    );
    let path = store.message_path(id).unwrap();
    assert_eq!(maildir::flags_of(&path), "F");
    // Still to push: only our own flag.
    let change = &store.flag_changes("acct").unwrap()[0];
    assert_eq!(
        change.local.changes_from(&change.base),
        (vec!["\\Flagged".to_string()], vec![])
    );
}

#[test]
fn a_message_synced_before_bases_were_kept_follows_the_old_rule() {
    let (_dir, store, id) = fetched(&[]);
    store
        .conn()
        .execute("UPDATE messages SET server_flags = NULL, modseq = NULL", [])
        .unwrap();
    store
        .conn()
        .execute("UPDATE messages SET flags = 4", [])
        .unwrap();
    // The server copy did not change since the last sync: ours wins.
    store
        .apply_server_flags("acct", "INBOX", 7, &[report(&[], 9)], Some(9))
        .unwrap();
    assert!(store.flag_state(id).unwrap().flags.flagged);
    assert_eq!(store.flag_changes("acct").unwrap().len(), 1);
}

#[test]
fn copies_and_moves_between_accounts_wait_for_the_servers() {
    let (_dir, store, id) = fetched(&["\\Seen"]);
    let upload = TransferKind {
        copy: false,
        upload: true,
    };
    let moved = store.transfer(id, "other", "Archive", upload).unwrap();
    assert_eq!(moved, id);
    assert_eq!(store.message_place(id).unwrap().0, "other");
    // The source stays known (not fetched again) until it is deleted.
    assert!(store.known_uids("acct", "INBOX", 7).unwrap().contains(&1));
    assert_eq!(store.known_uid_count("acct", "INBOX", 7).unwrap(), 1);
    let into = store.transfers_into("other").unwrap();
    assert_eq!(into.len(), 1);
    assert!(into[0].delete_source);
    assert_eq!(into[0].place, Some(("other".into(), "Archive".into())));
    assert_eq!(into[0].source.as_ref().unwrap().uid, 1);
    assert!(store.transfers_out_of("acct").unwrap().is_empty());
    store.transfer_uploaded(into[0].id).unwrap();
    assert_eq!(store.transfers_out_of("acct").unwrap().len(), 1);
    let identity = ServerIdentity::Imap {
        uidvalidity: 3,
        uid: 40,
    };
    store
        .refile(id, "Archive", &identity, Some(&state(&["\\Seen"])))
        .unwrap();
    assert_eq!(
        store
            .message_by_identity("other", "Archive", &identity)
            .unwrap(),
        Some(id)
    );
    store.forget_transfer(into[0].id).unwrap();
    assert!(store.known_uids("acct", "INBOX", 7).unwrap().is_empty());
    // A copy is a new local message with a copy to make on the server.
    let copy = TransferKind {
        copy: true,
        upload: true,
    };
    let copied = store.transfer(id, "other", "Work", copy).unwrap();
    assert_ne!(copied, id);
    let into = store.transfers_into("other").unwrap();
    assert_eq!(into.len(), 1);
    assert!(!into[0].delete_source);
    assert_eq!(into[0].source.as_ref().unwrap().folder, "Archive");
    assert_eq!(
        std::fs::read(store.message_path(copied).unwrap()).unwrap(),
        RAW
    );
}

#[test]
fn full_text_is_indexed_after_storing_and_after_a_restart() {
    let (dir, store, _) = fetched(&[]);
    let query = ListQuery {
        account: "acct".into(),
        folder: "INBOX".into(),
        search: Some("zebra".into()),
        ..ListQuery::default()
    };
    // Listed at once; searchable once the indexer ran.
    assert_eq!(
        store
            .count(&ListQuery {
                search: None,
                ..query.clone()
            })
            .unwrap(),
        1
    );
    let pending = store.text_pending().unwrap();
    if pending > 0 {
        drop(store);
        // A restart finishes the job.
        let store = Store::open(dir.path()).unwrap();
        store.finish_text_index().unwrap();
        assert_eq!(store.text_pending().unwrap(), 0);
        assert_eq!(store.count(&query).unwrap(), 1);
    }
}

#[test]
fn a_change_made_while_our_store_was_on_its_way_is_not_undone() {
    let (_dir, store, id) = fetched(&["\\Seen"]);
    // Flagged here; the push reads the change and sends +FLAGS \Flagged.
    store
        .set_flag_state(id, &state(&["\\Seen", "\\Flagged"]))
        .unwrap();
    let change = store.flag_changes("acct").unwrap().remove(0);
    let (add, remove) = change.local.changes_from(&change.base);
    let asked = change.base.with_changes(&add, &remove);
    // Unflagged again before the server's answer is recorded; meanwhile
    // another client labelled it.
    store.set_flag_state(id, &state(&["\\Seen"])).unwrap();
    let answer = report(&["\\Seen", "\\Flagged", "$Label1"], 11);
    store
        .apply_store_answers("acct", "INBOX", 7, &[(answer, asked)])
        .unwrap();
    assert_eq!(store.flag_state(id).unwrap(), state(&["\\Seen", "$Label1"]));
    // The unflag is the next change pushed.
    let change = &store.flag_changes("acct").unwrap()[0];
    assert_eq!(
        change.local.changes_from(&change.base),
        (vec![], vec!["\\Flagged".to_string()])
    );
}

/// A download writes one batch's files while the previous batch's rows
/// are written: each batch is listed once its rows are, and every pending
/// record is gone at the end.
#[test]
fn a_batch_written_before_the_previous_one_is_indexed() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let identity = |uid| ServerIdentity::Imap {
        uidvalidity: 7,
        uid,
    };
    let batch = |uids: std::ops::Range<u32>| -> Vec<NewMessage<'static>> {
        uids.map(|uid| NewMessage {
            account: "acct",
            folder: "INBOX",
            identity: identity(uid),
            raw: RAW,
            flags: Flags::default(),
            internal_date: None,
        })
        .collect()
    };
    let views = |n| vec![ServerView::default(); n];
    let count = |table: &str| -> i64 {
        let sql = format!("SELECT count(*) FROM {table}");
        store.conn().query_row(&sql, [], |r| r.get(0)).unwrap()
    };
    let (first, second) = (batch(1..4), batch(4..6));
    let first_durable = store.write_imap_batch(&first, &views(3)).unwrap();
    let second_durable = store.write_imap_batch(&second, &views(2)).unwrap();
    assert_eq!((count("pending"), count("messages")), (5, 0));
    let stored = store
        .index_imap_batch(&first, &views(3), first_durable)
        .unwrap();
    assert_eq!(stored.len(), 3);
    assert_eq!((count("pending"), count("messages")), (2, 3));
    store
        .index_imap_batch(&second, &views(2), second_durable)
        .unwrap();
    assert_eq!((count("pending"), count("messages")), (0, 5));
    for uid in 1..6 {
        let id = store.message_by_identity("acct", "INBOX", &identity(uid));
        assert!(id.unwrap().is_some(), "uid {uid} listed");
    }
}
