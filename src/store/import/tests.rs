//! Import of the layouts people bring, file by file.

use super::*;
use crate::store::LOCAL_ACCOUNT;
use std::fs;

fn mail(n: u32, with_id: bool) -> String {
    let id = if with_id {
        format!("Message-ID: <{n}@example.com>\n")
    } else {
        String::new()
    };
    format!("From: s{n}@example.com\nSubject: message {n}\n{id}\nbody {n}\n")
}

fn mbox(messages: &[String]) -> String {
    messages
        .iter()
        .map(|m| format!("From sender@example.com Thu Nov  5 12:00:00 2026\n{m}\n"))
        .collect()
}

#[test]
fn a_thunderbird_profile_imports_with_subfolders_and_ignores_summaries() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("store")).unwrap();
    let profile = dir.path().join("Local Folders");
    fs::create_dir_all(profile.join("Inbox.sbd")).unwrap();
    fs::write(profile.join("Inbox"), mbox(&[mail(1, true), mail(2, true)])).unwrap();
    fs::write(
        profile.join("Inbox.msf"),
        "// <!-- <mdb:mork:z v=\"1.4\"/> -->",
    )
    .unwrap();
    fs::write(profile.join("Sent"), mbox(&[mail(3, true)])).unwrap();
    fs::write(profile.join("Inbox.sbd/Lists"), mbox(&[mail(4, false)])).unwrap();
    fs::write(profile.join("Trash"), "").unwrap();
    let report = store
        .import(&profile, LOCAL_ACCOUNT, None, &mut |_| {})
        .unwrap();
    assert_eq!(report.imported, 4);
    assert_eq!(
        report.folders,
        [
            "Local Folders.Inbox",
            "Local Folders.Sent",
            "Local Folders.Inbox.Lists"
        ]
    );
    let skipped = report.skipped_by_reason();
    assert_eq!(
        skipped.get("a Thunderbird summary file (.msf), not mail"),
        Some(&1)
    );
    assert_eq!(skipped.get("an empty file"), Some(&1));
    assert_eq!(report.files.len(), 5, "every file is accounted for");
}

#[test]
fn eml_files_with_a_from_line_and_no_message_id_import_once() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("store")).unwrap();
    let emls = dir.path().join("corpus");
    fs::create_dir_all(&emls).unwrap();
    fs::write(emls.join("1.eml"), mail(1, false)).unwrap();
    fs::write(
        emls.join("2.eml"),
        format!("From someone Thu Nov  5 12:00:00 2026\n{}", mail(2, false)),
    )
    .unwrap();
    fs::write(emls.join("3.eml"), mail(3, true)).unwrap();
    fs::write(emls.join("picture.png"), [0x89, b'P', b'N', b'G']).unwrap();
    let first = store
        .import(&emls, LOCAL_ACCOUNT, None, &mut |_| {})
        .unwrap();
    assert_eq!(first.imported, 3, "{:?}", first.files);
    let again = store
        .import(&emls, LOCAL_ACCOUNT, None, &mut |_| {})
        .unwrap();
    assert_eq!((again.imported, again.already_there), (0, 3));
    let lines: Vec<String> = again.files.iter().map(FileReport::describe).collect();
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("skipped") && l.contains("picture.png")),
        "{lines:?}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("unchanged") && l.contains("2.eml")),
        "{lines:?}"
    );
}

#[test]
fn the_same_bytes_twice_in_one_source_are_stored_once() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("store")).unwrap();
    let file = dir.path().join("dups.mbox");
    fs::write(
        &file,
        mbox(&[mail(1, false), mail(1, false), mail(2, false)]),
    )
    .unwrap();
    let report = store
        .import(&file, LOCAL_ACCOUNT, None, &mut |_| {})
        .unwrap();
    assert_eq!((report.imported, report.already_there), (2, 1));
}

#[test]
fn a_maildir_accounts_for_tmp_and_bookkeeping_files() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("store")).unwrap();
    let md = dir.path().join("Maildir");
    for sub in ["cur", "new", "tmp", ".Work/cur", ".Work/new", ".Work/tmp"] {
        fs::create_dir_all(md.join(sub)).unwrap();
    }
    fs::write(md.join("cur/1:2,S"), mail(1, true)).unwrap();
    fs::write(md.join("new/2"), mail(2, true)).unwrap();
    fs::write(md.join("tmp/3"), mail(3, true)).unwrap();
    fs::write(md.join("dovecot-uidlist"), "3 V1 N3\n").unwrap();
    fs::write(md.join(".Work/cur/4:2,F"), mail(4, true)).unwrap();
    let report = store
        .import(&md, LOCAL_ACCOUNT, Some("Old"), &mut |_| {})
        .unwrap();
    assert_eq!(report.imported, 3);
    assert_eq!(report.folders, ["Old", "Old.Work"]);
    assert_eq!(report.files.len(), 5);
    let summary = report.summary(LOCAL_ACCOUNT).join("\n");
    assert!(summary.contains("skipped 1 file(s): in tmp/"), "{summary}");
    assert!(
        summary.contains("skipped 1 file(s): Maildir bookkeeping"),
        "{summary}"
    );
}

/// A message file without a Date header is dated by the file's time, not
/// by the moment of the import; a Date header wins over the file's time.
#[test]
fn a_message_without_a_date_is_dated_by_its_file() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("store")).unwrap();
    let emls = dir.path().join("dated");
    fs::create_dir_all(&emls).unwrap();
    let when = std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_000_000_000);
    for (name, text) in [
        ("undated.eml", "Subject: undated\n\nbody\n"),
        (
            "dated.eml",
            "Subject: dated\nDate: Tue, 1 Jul 2025 10:00:00 +0000\n\nbody\n",
        ),
    ] {
        fs::write(emls.join(name), text).unwrap();
        let file = fs::File::options()
            .write(true)
            .open(emls.join(name))
            .unwrap();
        file.set_modified(when).unwrap();
    }
    store
        .import(&emls, LOCAL_ACCOUNT, None, &mut |_| {})
        .unwrap();
    let query = crate::store::ListQuery {
        account: LOCAL_ACCOUNT.into(),
        folder: "dated".into(),
        ..crate::store::ListQuery::default()
    };
    let rows = store.page(&query, 0, 10).unwrap();
    let date = |subject: &str| rows.iter().find(|r| r.subject == subject).unwrap().date;
    assert_eq!(date("undated"), 1_000_000_000);
    assert_eq!(date("dated"), 1_751_364_000);
}
