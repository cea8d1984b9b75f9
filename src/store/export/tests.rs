//! Export then import into an empty store gives the same messages, by hash.

use super::*;
use crate::store::{LOCAL_ACCOUNT, ListQuery};
use std::collections::BTreeMap;

const MESSAGES: &[&[u8]] = &[
    b"From: a@example.com\nSubject: plain\nMessage-ID: <1@x>\n\nFrom the start\n>From quoted\n>>From twice\nend\n",
    b"From: b@example.com\r\nSubject: crlf\r\n\r\nbody\r\nFrom here\r\n",
    b"Subject: no message-id, trailing blank\n\nline\n\n",
    b"Subject: header only\n",
];

/// (hash, flags) of every message of a folder.
fn contents(store: &Store, folder: &str) -> BTreeMap<[u8; 32], i64> {
    let query = ListQuery {
        account: LOCAL_ACCOUNT.into(),
        folder: folder.into(),
        ..ListQuery::default()
    };
    store
        .page(&query, 0, 100)
        .unwrap()
        .into_iter()
        .map(|row| {
            let raw = std::fs::read(store.message_path(row.id).unwrap()).unwrap();
            (
                crate::store::envelope::content_hash(&raw),
                row.flags.to_bits(),
            )
        })
        .collect()
}

fn filled_store(dir: &Path) -> Store {
    let store = Store::open(&dir.join("a")).unwrap();
    for (i, raw) in MESSAGES.iter().enumerate() {
        let flags = Flags {
            seen: i % 2 == 0,
            flagged: i == 1,
            answered: i == 2,
            ..Flags::default()
        };
        store
            .store_message(&crate::store::NewMessage {
                account: LOCAL_ACCOUNT,
                folder: "Box",
                identity: crate::store::ServerIdentity::Local,
                raw,
                flags,
                internal_date: Some(1_700_000_000 + i as i64),
            })
            .unwrap();
    }
    store
}

#[test]
fn mbox_export_then_import_gives_the_same_bytes_and_flags() {
    let dir = tempfile::tempdir().unwrap();
    let store = filled_store(dir.path());
    let mbox = dir.path().join("box.mbox");
    let options = ExportOptions {
        account: LOCAL_ACCOUNT.into(),
        folder: "Box".into(),
        target: ExportTarget::Mbox(mbox.clone()),
    };
    assert_eq!(store.export(&options).unwrap(), 4);
    let text = String::from_utf8(std::fs::read(&mbox).unwrap()).unwrap();
    assert!(
        text.contains("\n>From the start\n>>From quoted\n>>>From twice\n"),
        "{text}"
    );
    assert!(text.contains("X-Status: F"), "{text}");
    let fresh = Store::open(&dir.path().join("b")).unwrap();
    let report = fresh
        .import(&mbox, LOCAL_ACCOUNT, Some("Box"), &mut |_| {})
        .unwrap();
    assert_eq!(report.imported, 4);
    assert_eq!(contents(&fresh, "Box"), contents(&store, "Box"));
    // A second export refuses to overwrite the first.
    assert!(store.export(&options).is_err());
}

#[test]
fn maildir_export_then_import_gives_the_same_bytes_and_flags() {
    let dir = tempfile::tempdir().unwrap();
    let store = filled_store(dir.path());
    let out = dir.path().join("Exported");
    let options = ExportOptions {
        account: LOCAL_ACCOUNT.into(),
        folder: "Box".into(),
        target: ExportTarget::Maildir(out.clone()),
    };
    assert_eq!(store.export(&options).unwrap(), 4);
    let fresh = Store::open(&dir.path().join("b")).unwrap();
    fresh
        .import(&out, LOCAL_ACCOUNT, Some("Box"), &mut |_| {})
        .unwrap();
    assert_eq!(contents(&fresh, "Box"), contents(&store, "Box"));
}

#[test]
fn a_missing_folder_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let store = filled_store(dir.path());
    let err = store
        .export(&ExportOptions {
            account: LOCAL_ACCOUNT.into(),
            folder: "Nope".into(),
            target: ExportTarget::Maildir(dir.path().join("x")),
        })
        .unwrap_err()
        .to_string();
    assert!(err.contains("no folder \"Nope\""), "{err}");
}
