//! Storing, flags, moves and crash recovery, on a real store in a temp
//! dir (schema migration: `schema_tests`).

use super::maildir;
use super::*;
use std::fs;

pub(super) fn msg<'a>(folder: &'a str, identity: ServerIdentity, raw: &'a [u8]) -> NewMessage<'a> {
    NewMessage {
        account: "acct",
        folder,
        identity,
        raw,
        flags: Flags::default(),
        internal_date: None,
    }
}

pub(super) fn imap(uid: u32) -> ServerIdentity {
    ServerIdentity::Imap {
        uidvalidity: 7,
        uid,
    }
}

pub(super) const RAW: &[u8] = b"From: a@example.com\r\nSubject: hello\r\nMessage-ID: <1@x>\r\n\
Date: Tue, 1 Jul 2025 10:00:00 +0000\r\n\r\nbody text\r\n";

#[test]
fn stores_file_and_row_and_finds_it_again() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let out = store.store_message(&msg("INBOX", imap(1), RAW)).unwrap();
    let StoreOutcome::Stored(id) = out else {
        panic!("{out:?}")
    };
    let path = store.message_path(id).unwrap();
    assert_eq!(fs::read(&path).unwrap(), RAW);
    assert!(path.starts_with(dir.path().join("acct/INBOX/new")));
    assert!(store.has_identity("acct", "INBOX", &imap(1)).unwrap());
    assert!(!store.has_identity("acct", "INBOX", &imap(2)).unwrap());
    assert!(!store.has_identity("acct", "Other", &imap(1)).unwrap());
    assert_eq!(
        store
            .message_by_identity("acct", "INBOX", &imap(1))
            .unwrap(),
        Some(id)
    );
    assert_eq!(
        store.known_uids("acct", "INBOX", 7).unwrap(),
        [1].into_iter().collect()
    );
    assert!(store.known_uids("acct", "INBOX", 8).unwrap().is_empty());
}

#[test]
fn duplicate_identity_is_not_written_again() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let first = store.store_message(&msg("INBOX", imap(5), RAW)).unwrap();
    let again = store.store_message(&msg("INBOX", imap(5), RAW)).unwrap();
    assert_eq!(again, StoreOutcome::Duplicate(first.id()));
    // The same UID in another folder is another message.
    let other = store.store_message(&msg("Sent", imap(5), RAW)).unwrap();
    assert!(matches!(other, StoreOutcome::Stored(_)));
    // POP3 UIDLs are per account, whatever the folder.
    let uidl = || ServerIdentity::Pop3 { uidl: "abc".into() };
    let p1 = store.store_message(&msg("INBOX", uidl(), RAW)).unwrap();
    let p2 = store.store_message(&msg("Archive", uidl(), RAW)).unwrap();
    assert_eq!(p2, StoreOutcome::Duplicate(p1.id()));
    assert_eq!(
        store.known_uidls("acct").unwrap(),
        ["abc".to_string()].into_iter().collect()
    );
    // Local messages are never duplicates.
    let l1 = store
        .store_message(&msg("INBOX", ServerIdentity::Local, RAW))
        .unwrap();
    let l2 = store
        .store_message(&msg("INBOX", ServerIdentity::Local, RAW))
        .unwrap();
    assert_ne!(l1.id(), l2.id());
    let files = fs::read_dir(dir.path().join("acct/INBOX/new"))
        .unwrap()
        .count();
    assert_eq!(files, 4, "INBOX holds uid 5, uidl abc and two local copies");
}

#[test]
fn batch_stores_all_and_skips_duplicates_inside_and_outside_the_batch() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    store.store_message(&msg("INBOX", imap(1), RAW)).unwrap();
    let batch = [
        msg("INBOX", imap(1), RAW),
        msg("INBOX", imap(2), RAW),
        msg("INBOX", imap(2), RAW),
        msg("INBOX", imap(3), RAW),
    ];
    let out = store.store_batch(&batch).unwrap();
    assert!(matches!(out[0], StoreOutcome::Duplicate(_)));
    assert!(matches!(out[1], StoreOutcome::Stored(_)));
    assert_eq!(out[2], StoreOutcome::Duplicate(out[1].id()));
    assert!(matches!(out[3], StoreOutcome::Stored(_)));
    assert_eq!(store.known_uids("acct", "INBOX", 7).unwrap().len(), 3);
    let files = fs::read_dir(dir.path().join("acct/INBOX/new"))
        .unwrap()
        .count();
    assert_eq!(files, 3);
    assert_eq!(
        fs::read_dir(dir.path().join("acct/INBOX/tmp"))
            .unwrap()
            .count(),
        0
    );
}

#[test]
fn flags_rename_the_file_and_keep_foreign_letters() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let id = store
        .store_message(&msg("INBOX", imap(1), RAW))
        .unwrap()
        .id();
    let seen = Flags {
        seen: true,
        flagged: true,
        ..Flags::default()
    };
    store.set_flags(id, &seen).unwrap();
    let path = store.message_path(id).unwrap();
    assert!(path.starts_with(dir.path().join("acct/INBOX/cur")));
    assert_eq!(maildir::flags_of(&path), "FS");
    // Another client adds "passed"; wirepost keeps it when changing flags.
    let passed = path.with_file_name(format!("{}:2,FPS", maildir::base_name(&path)));
    fs::rename(&path, &passed).unwrap();
    store
        .set_flags(
            id,
            &Flags {
                seen: true,
                ..Flags::default()
            },
        )
        .unwrap();
    let path = store.message_path(id).unwrap();
    assert_eq!(maildir::flags_of(&path), "PS");
    assert_eq!(fs::read(&path).unwrap(), RAW);
}

#[test]
fn a_file_renamed_by_another_program_is_found_again() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let id = store
        .store_message(&msg("INBOX", imap(1), RAW))
        .unwrap()
        .id();
    let path = store.message_path(id).unwrap();
    let moved = dir
        .path()
        .join("acct/INBOX/cur")
        .join(format!("{}:2,S", maildir::base_name(&path)));
    fs::rename(&path, &moved).unwrap();
    assert_eq!(store.message_path(id).unwrap(), moved);
}

#[test]
fn move_keeps_identity_and_remove_deletes_file_and_row() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let id = store
        .store_message(&msg("INBOX", imap(9), RAW))
        .unwrap()
        .id();
    assert_eq!(store.move_message(id, "Trash").unwrap(), id);
    let path = store.message_path(id).unwrap();
    assert!(path.starts_with(dir.path().join("acct/Trash")));
    assert_eq!(
        fs::read_dir(dir.path().join("acct/INBOX/new"))
            .unwrap()
            .count(),
        0
    );
    assert!(store.has_identity("acct", "INBOX", &imap(9)).unwrap());
    store.remove_message(id).unwrap();
    assert!(!path.exists());
    assert!(matches!(store.message_path(id), Err(StoreError::NotFound)));
    assert!(!store.has_identity("acct", "INBOX", &imap(9)).unwrap());
}

/// Filing a sent message: moved and marked seen in one step, its file
/// named for the flag in the new folder and nothing left behind.
#[test]
fn moving_with_flags_moves_and_flags_in_one_step() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let id = store
        .store_message(&msg("Outbox", imap(3), RAW))
        .unwrap()
        .id();
    let seen = Flags {
        seen: true,
        ..Flags::default()
    };
    let moved = store.move_messages_with_flags(&[id], "Sent", seen).unwrap();
    assert_eq!(moved[0].as_ref().unwrap(), &id);
    let path = store.message_path(id).unwrap();
    assert!(
        path.starts_with(dir.path().join("acct/Sent/cur")),
        "{path:?}"
    );
    assert!(path.to_string_lossy().ends_with(":2,S"), "{path:?}");
    assert!(path.exists());
    assert_eq!(store.flag_state(id).unwrap().flags, seen);
    for sub in ["new", "cur"] {
        let left = fs::read_dir(dir.path().join("acct/Outbox").join(sub)).unwrap();
        assert_eq!(left.count(), 0);
    }
}

/// A run filed in one commit: a message that cannot move keeps its own
/// error, and the others move.
#[test]
fn a_run_moves_together_and_a_missing_message_fails_alone() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let a = store
        .store_message(&msg("Outbox", imap(1), RAW))
        .unwrap()
        .id();
    let b = store
        .store_message(&msg("Outbox", imap(2), RAW))
        .unwrap()
        .id();
    let missing = b + 1000;
    let moved = store
        .move_messages_with_flags(&[a, missing, b], "Sent", Flags::default())
        .unwrap();
    assert_eq!(moved[0].as_ref().unwrap(), &a);
    assert!(matches!(moved[1], Err(StoreError::NotFound)));
    assert_eq!(moved[2].as_ref().unwrap(), &b);
    for id in [a, b] {
        let path = store.message_path(id).unwrap();
        assert!(path.starts_with(dir.path().join("acct/Sent")), "{path:?}");
    }
}

#[test]
fn folder_state_round_trips() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    assert_eq!(store.folder_state("acct", "INBOX").unwrap(), None);
    store
        .ensure_folder("acct", "INBOX", Some(FolderRole::Inbox))
        .unwrap();
    assert_eq!(
        store.folder_state("acct", "INBOX").unwrap(),
        Some(FolderState::default())
    );
    let state = FolderState {
        uidvalidity: Some(42),
        uidnext: Some(100),
        highestmodseq: Some(1 << 40),
        last_sync: Some(1_700_000_000),
        message_count: Some(99),
    };
    store.set_folder_state("acct", "INBOX", &state).unwrap();
    assert_eq!(store.folder_state("acct", "INBOX").unwrap(), Some(state));
    assert!(dir.path().join("acct/INBOX/cur").is_dir());
}

#[test]
fn hostile_folder_names_stay_inside_the_store() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path().join("store").as_path()).unwrap();
    let id = store
        .store_message(&msg("../../escape", ServerIdentity::Local, RAW))
        .unwrap()
        .id();
    assert!(
        store
            .message_path(id)
            .unwrap()
            .starts_with(dir.path().join("store/acct"))
    );
    assert!(!dir.path().join("escape").exists());
}

#[test]
fn flag_conversions() {
    let all = Flags {
        seen: true,
        answered: true,
        flagged: true,
        deleted: true,
        draft: true,
    };
    assert_eq!(all.to_maildir(), "DFRST");
    assert_eq!(Flags::from_maildir("DFRST"), all);
    assert_eq!(Flags::from_imap(&all.to_imap()), all);
    assert_eq!(Flags::from_bits(all.to_bits()), all);
    assert_eq!(
        Flags::from_imap(&["\\SEEN", "$Junk", "\\Recent"]).to_maildir(),
        "S"
    );
}

/// Crash after the file reached cur/ but before the row was committed: the
/// pending record brings the message (with its identity) into the index on
/// the next open.
#[test]
fn crash_between_file_and_commit_loses_nothing() {
    let dir = tempfile::tempdir().unwrap();
    {
        let store = Store::open(dir.path()).unwrap();
        store.ensure_folder("acct", "INBOX", None).unwrap();
        let name = maildir::unique_name();
        let conn = store.conn();
        conn.execute(
            "INSERT INTO pending (dir, name, identity, date) VALUES ('acct/INBOX', ?1, 'imap:7:3', 5)",
            [&name],
        )
        .unwrap();
        let md = maildir::Maildir::create(dir.path().join("acct/INBOX")).unwrap();
        md.deliver_named(
            &name,
            RAW,
            maildir::Subdir::Cur,
            "S",
            maildir::Durability::Durable,
        )
        .unwrap();
        // A second delivery died while writing tmp/.
        let partial = maildir::unique_name();
        conn.execute(
            "INSERT INTO pending (dir, name, identity) VALUES ('acct/INBOX', ?1, 'local')",
            [&partial],
        )
        .unwrap();
        fs::write(
            dir.path().join("acct/INBOX/tmp").join(&partial),
            b"From: half",
        )
        .unwrap();
    }
    let store = Store::open(dir.path()).unwrap();
    let id = store
        .message_by_identity("acct", "INBOX", &imap(3))
        .unwrap()
        .expect("recovered");
    assert_eq!(fs::read(store.message_path(id).unwrap()).unwrap(), RAW);
    assert_eq!(
        fs::read_dir(dir.path().join("acct/INBOX/tmp"))
            .unwrap()
            .count(),
        0
    );
    let pending: i64 = store
        .conn()
        .query_row("SELECT count(*) FROM pending", [], |r| r.get(0))
        .unwrap();
    assert_eq!(pending, 0);
}

#[test]
fn two_writers_storing_the_same_identities_keep_one_copy() {
    let dir = tempfile::tempdir().unwrap();
    Store::open(dir.path()).unwrap();
    let handles: Vec<_> = (0..3)
        .map(|_| {
            let path = dir.path().to_path_buf();
            std::thread::spawn(move || {
                let store = Store::open(&path).unwrap();
                for uid in 1..=10 {
                    store.store_message(&msg("INBOX", imap(uid), RAW)).unwrap();
                }
            })
        })
        .collect();
    for handle in handles {
        handle.join().unwrap();
    }
    let store = Store::open(dir.path()).unwrap();
    assert_eq!(store.known_uids("acct", "INBOX", 7).unwrap().len(), 10);
    let files = fs::read_dir(dir.path().join("acct/INBOX/new"))
        .unwrap()
        .count();
    assert_eq!(files, 10);
}

#[test]
fn store_handles_can_be_shared_between_threads() {
    fn shareable<T: Clone + Send + Sync + 'static>() {}
    shareable::<Store>();
}

#[test]
fn ensure_folders_creates_many_at_once_and_keeps_existing_ones() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    store
        .ensure_folder("acct", "INBOX", Some(FolderRole::Inbox))
        .unwrap();
    let mut wanted: Vec<(String, Option<FolderRole>)> =
        (0..500).map(|i| (format!("F.{i:03}"), None)).collect();
    wanted.push(("INBOX".into(), None));
    wanted.push(("Bin".into(), Some(FolderRole::Trash)));
    store.ensure_folders("acct", &wanted).unwrap();
    let folders = store.folders().unwrap();
    assert_eq!(folders.len(), 502);
    assert_eq!(folders[0].name, "INBOX");
    assert_eq!(folders[0].role, Some(FolderRole::Inbox));
    assert!(
        folders
            .iter()
            .any(|f| f.name == "Bin" && f.role == Some(FolderRole::Trash))
    );
    assert!(
        dir.path()
            .join(folder_dir_name("acct", "F.499"))
            .join("cur")
            .is_dir()
    );
}
