//! Import, reindex, listing and search, on a real store in a temp dir.

use super::*;
use std::fs;

fn mail(n: u32, subject: &str, body: &str) -> String {
    format!(
        "From: Sender {n} <s{n}@example.com>\nTo: me@example.com\nSubject: {subject}\n\
Message-ID: <{n}@example.com>\nDate: Tue, {day} Jul 2025 10:00:00 +0000\n\n{body}\n",
        day = n % 28 + 1
    )
}

#[test]
fn imports_an_mbox_once_with_its_flags() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("store")).unwrap();
    let mbox = dir.path().join("archive.mbox");
    let text = format!(
        "From a@x Tue Jul  1 10:00:00 2025\n{}\nFrom b@x Wed Jul  2 10:00:00 2025\nStatus: RO\n{}>From the start\n",
        mail(1, "first", "one"),
        mail(2, "second", "two"),
    );
    fs::write(&mbox, text).unwrap();
    let mut calls = 0;
    let report = store
        .import(&mbox, LOCAL_ACCOUNT, None, &mut |_| calls += 1)
        .unwrap();
    assert_eq!((report.imported, report.already_there), (2, 0));
    assert_eq!(report.folders, vec!["archive".to_string()]);
    assert!(calls > 0);
    let folders = store.folders().unwrap();
    assert_eq!(folders.len(), 1);
    assert_eq!((folders[0].total, folders[0].unread), (2, 1));
    let query = ListQuery {
        account: LOCAL_ACCOUNT.into(),
        folder: "archive".into(),
        ..ListQuery::default()
    };
    let rows = store.page(&query, 0, 10).unwrap();
    assert_eq!(rows[0].subject, "second");
    assert!(rows[0].flags.seen);
    let raw = fs::read_to_string(store.message_path(rows[0].id).unwrap()).unwrap();
    assert!(raw.contains("\nFrom the start"), "{raw}");
    let again = store
        .import(&mbox, LOCAL_ACCOUNT, None, &mut |_| {})
        .unwrap();
    assert_eq!((again.imported, again.already_there), (0, 2));
}

#[test]
fn imports_eml_folders_and_maildirs_with_subfolders() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("store")).unwrap();
    let emls = dir.path().join("saved");
    fs::create_dir(&emls).unwrap();
    fs::write(emls.join("a.eml"), mail(1, "a", "x")).unwrap();
    fs::write(emls.join("b.EML"), mail(2, "b", "y")).unwrap();
    fs::write(emls.join("notes.txt"), "not mail").unwrap();
    let report = store
        .import(&emls, LOCAL_ACCOUNT, None, &mut |_| {})
        .unwrap();
    assert_eq!(report.imported, 2);

    let md = dir.path().join("Mail");
    let top = maildir::Maildir::create(&md).unwrap();
    top.deliver(
        mail(3, "c", "z").as_bytes(),
        maildir::Subdir::Cur,
        "FS",
        maildir::Durability::Durable,
    )
    .unwrap();
    let sub = maildir::Maildir::create(md.join(".Lists")).unwrap();
    sub.deliver(
        mail(4, "d", "w").as_bytes(),
        maildir::Subdir::New,
        "",
        maildir::Durability::Durable,
    )
    .unwrap();
    let report = store
        .import(&md, LOCAL_ACCOUNT, Some("Old"), &mut |_| {})
        .unwrap();
    assert_eq!(report.imported, 2);
    assert_eq!(
        report.folders,
        vec!["Old".to_string(), "Old.Lists".to_string()]
    );
    let rows = store
        .page(
            &ListQuery {
                account: LOCAL_ACCOUNT.into(),
                folder: "Old".into(),
                ..ListQuery::default()
            },
            0,
            10,
        )
        .unwrap();
    assert!(rows[0].flags.seen && rows[0].flags.flagged);
}

/// Twenty IMAP messages in `a`/INBOX, dated by their number; every fifth
/// one speaks of "the quarterly report".
fn store_twenty_messages(store: &Store) {
    let raws: Vec<String> = (0..20)
        .map(|n| {
            mail(
                n,
                &format!("subject {n}"),
                if n % 5 == 0 {
                    "the quarterly report"
                } else {
                    "chatter"
                },
            )
        })
        .collect();
    let batch: Vec<NewMessage<'_>> = raws
        .iter()
        .enumerate()
        .map(|(n, raw)| NewMessage {
            account: "a",
            folder: "INBOX",
            identity: ServerIdentity::Imap {
                uidvalidity: 1,
                uid: n as u32 + 1,
            },
            raw: raw.as_bytes(),
            flags: Flags::default(),
            internal_date: Some(n as i64 * 1000),
        })
        .collect();
    store.store_batch(&batch).unwrap();
}

#[test]
fn pages_sort_and_search_read_only_what_is_asked() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    store_twenty_messages(&store);
    let mut query = ListQuery {
        account: "a".into(),
        folder: "INBOX".into(),
        ..ListQuery::default()
    };
    assert_eq!(store.count(&query).unwrap(), 20);
    let page = store.page(&query, 5, 3).unwrap();
    let subjects: Vec<&str> = page.iter().map(|r| r.subject.as_str()).collect();
    assert_eq!(subjects, vec!["subject 14", "subject 13", "subject 12"]);
    query.sort = SortOrder::OldestFirst;
    assert_eq!(store.page(&query, 0, 1).unwrap()[0].subject, "subject 0");
    query.search = Some("QUARTER".into());
    assert_eq!(store.count(&query).unwrap(), 4);
    query.search = Some("from:s15 report".into());
    let hits = store.page(&query, 0, 10).unwrap();
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].subject, "subject 15");
    query.search = Some("\"(*".into());
    assert_eq!(
        store.count(&query).unwrap(),
        20,
        "nothing searchable lists all"
    );
    cjk_words_are_found_by_any_part(&store, &mut query);
}

/// Chinese and Japanese have no spaces: any part of a word is found.
fn cjk_words_are_found_by_any_part(store: &Store, query: &mut ListQuery) {
    let cjk = mail(99, "会议纪要：第三季度计划", "今日は良い天気ですね");
    store
        .store_message(&NewMessage {
            account: "a",
            folder: "INBOX",
            identity: ServerIdentity::Local,
            raw: cjk.as_bytes(),
            flags: Flags::default(),
            internal_date: None,
        })
        .unwrap();
    for (q, n) in [("纪要", 1), ("第三季度", 1), ("天気", 1), ("季会", 0)] {
        query.search = Some(q.into());
        assert_eq!(store.count(query).unwrap(), n, "{q}");
    }
    query.search = Some("\"(*".into());
    assert_eq!(
        store.count(query).unwrap(),
        21,
        "nothing searchable lists all"
    );
}

/// A message stored under IMAP identity 3/42 and then marked seen.
fn store_seen_imap_message(store: &Store, raw: &str) {
    let id = store
        .store_message(&NewMessage {
            account: "a",
            folder: "INBOX",
            identity: ServerIdentity::Imap {
                uidvalidity: 3,
                uid: 42,
            },
            raw: raw.as_bytes(),
            flags: Flags::default(),
            internal_date: None,
        })
        .unwrap()
        .id();
    store
        .set_flags(
            id,
            &Flags {
                seen: true,
                ..Flags::default()
            },
        )
        .unwrap();
}

#[test]
fn reindex_rebuilds_rows_and_keeps_identities() {
    let dir = tempfile::tempdir().unwrap();
    let raw = mail(1, "kept", "body");
    {
        let store = Store::open(dir.path()).unwrap();
        store_seen_imap_message(&store, &raw);
        // Another program drops a message into the Maildir.
        maildir::Maildir::create(dir.path().join("a/INBOX"))
            .unwrap()
            .deliver(
                mail(2, "foreign", "x").as_bytes(),
                maildir::Subdir::New,
                "",
                maildir::Durability::Durable,
            )
            .unwrap();
        let report = store.reindex(&mut |_| {}).unwrap();
        assert_eq!(report.messages, 2);
        assert!(
            store
                .has_identity(
                    "a",
                    "INBOX",
                    &ServerIdentity::Imap {
                        uidvalidity: 3,
                        uid: 42
                    }
                )
                .unwrap()
        );
    }
    // Losing the index entirely: the mail is all still there.
    for f in ["index.sqlite", "index.sqlite-wal", "index.sqlite-shm"] {
        let _ = fs::remove_file(dir.path().join(f));
    }
    let store = Store::open(dir.path()).unwrap();
    assert_eq!(store.reindex(&mut |_| {}).unwrap().messages, 2);
    let folders = store.folders().unwrap();
    assert_eq!((folders[0].total, folders[0].unread), (2, 1));
}

#[test]
fn a_tree_of_eml_folders_becomes_subfolders_and_an_empty_one_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("store")).unwrap();
    let export = dir.path().join("export");
    fs::create_dir_all(export.join("work")).unwrap();
    fs::create_dir_all(export.join("family")).unwrap();
    fs::create_dir_all(export.join("empty")).unwrap();
    fs::write(export.join("work/1.eml"), mail(1, "budget", "numbers")).unwrap();
    fs::write(export.join("work/2.eml"), mail(2, "plans", "ideas")).unwrap();
    fs::write(export.join("family/3.eml"), mail(3, "dinner", "sunday")).unwrap();
    // MH-style and .txt names count when the file starts with a header.
    fs::write(export.join("family/17"), mail(4, "picnic", "saturday")).unwrap();
    fs::write(
        export.join("family/note.txt"),
        "Remember to buy milk: Sunday",
    )
    .unwrap();
    fs::write(export.join("README.md"), "not mail").unwrap();
    fs::write(export.join("LICENSE.txt"), "Permission is hereby granted").unwrap();
    let report = store
        .import(&export, LOCAL_ACCOUNT, None, &mut |_| {})
        .unwrap();
    assert_eq!((report.imported, report.already_there), (4, 0));
    assert_eq!(
        report.folders,
        vec!["export.family".to_string(), "export.work".to_string()]
    );
    let nothing = dir.path().join("nothing");
    fs::create_dir_all(nothing.join("inside")).unwrap();
    let report = store
        .import(&nothing, LOCAL_ACCOUNT, None, &mut |_| {})
        .unwrap();
    assert_eq!(report.messages(), 0);
}

/// A message's position agrees with the list's own order, in every
/// order and in a search, and is `None` once the list does not show it.
#[test]
fn a_message_is_found_where_the_list_shows_it() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    store_twenty_messages(&store);
    let mut query = ListQuery {
        account: "a".into(),
        folder: "INBOX".into(),
        ..ListQuery::default()
    };
    for search in [None, Some("quarterly")] {
        for by in [SortBy::Sent, SortBy::Received] {
            for sort in [SortOrder::NewestFirst, SortOrder::OldestFirst] {
                (query.search, query.by, query.sort) = (search.map(String::from), by, sort);
                let rows = store.page(&query, 0, 100).unwrap();
                for (at, row) in rows.iter().enumerate() {
                    let found = store.position(&query, row.id).unwrap();
                    assert_eq!(found, Some(at as u64), "{search:?} {by:?} {sort:?}");
                }
            }
        }
    }
    query.search = Some("quarterly".into());
    let all = ListQuery {
        search: None,
        ..query.clone()
    };
    let chatter = store.page(&all, 0, 100).unwrap()[1].id;
    assert_eq!(store.position(&query, chatter).unwrap(), None, "not a hit");
    store.move_message(chatter, "Archive").unwrap();
    assert_eq!(store.position(&all, chatter).unwrap(), None, "moved away");
}
