//! The index's schema version: newer indexes refused, older ones migrated
//! forward keeping their messages, concurrent opens migrating once.

use super::tests::{RAW, imap, msg};
use super::*;

#[test]
fn schema_is_versioned_and_newer_indexes_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    {
        let store = Store::open(dir.path()).unwrap();
        let version: i64 = store
            .conn()
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .unwrap();
        assert_eq!(version, SCHEMA_VERSION);
        store
            .conn()
            .pragma_update(None, "user_version", SCHEMA_VERSION + 1)
            .unwrap();
    }
    let err = Store::open(dir.path()).unwrap_err();
    assert!(matches!(err, StoreError::TooNew { .. }), "{err}");
}

#[test]
fn an_older_index_is_migrated_forward_keeping_its_messages() {
    let dir = tempfile::tempdir().unwrap();
    {
        let store = Store::open(dir.path()).unwrap();
        store.store_message(&msg("INBOX", imap(1), RAW)).unwrap();
        // Make it look like an index written before version 2.
        let conn = store.conn();
        conn.execute_batch(
            "DROP TABLE tombstones;
             DROP INDEX messages_by_hash;
             DROP INDEX messages_unhashed;
             ALTER TABLE messages DROP COLUMN content_hash;
             DROP TABLE transfers;
             DROP TABLE answers;
             DROP INDEX messages_flags_changed;
             DROP INDEX messages_fts_pending;
             ALTER TABLE messages DROP COLUMN keywords;
             ALTER TABLE messages DROP COLUMN server_flags;
             ALTER TABLE messages DROP COLUMN server_keywords;
             ALTER TABLE messages DROP COLUMN modseq;
             ALTER TABLE messages DROP COLUMN fts_pending;
             ALTER TABLE pending DROP COLUMN owner_pid;
             ALTER TABLE pending DROP COLUMN created;
             DROP INDEX messages_by_sent;
             DROP TABLE sent_date_fill;
             ALTER TABLE messages DROP COLUMN sent_date;
             PRAGMA user_version = 1;",
        )
        .unwrap();
    }
    let store = Store::open(dir.path()).unwrap();
    assert!(store.has_identity("acct", "INBOX", &imap(1)).unwrap());
    let version: i64 = store
        .conn()
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .unwrap();
    assert_eq!(version, SCHEMA_VERSION);
    let id = store
        .message_by_identity("acct", "INBOX", &imap(1))
        .unwrap()
        .unwrap();
    store.remove_message(id).unwrap();
    assert!(store.known_uids("acct", "INBOX", 7).unwrap().contains(&1));
}

#[test]
fn stores_opened_at_once_migrate_once() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().to_path_buf();
    let handles: Vec<_> = (0..4)
        .map(|_| {
            let path = path.clone();
            std::thread::spawn(move || Store::open(&path).map(|_| ()))
        })
        .collect();
    for handle in handles {
        handle.join().unwrap().unwrap();
    }
    let store = Store::open(dir.path()).unwrap();
    store.store_message(&msg("INBOX", imap(1), RAW)).unwrap();
}
