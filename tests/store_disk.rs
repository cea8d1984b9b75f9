//! The store on disk: a crash between writing files and committing the
//! index loses nothing, and the Maildirs it writes are read correctly by
//! another Maildir reader (mail-parser's); several handles on one store
//! write at once without failing.

use std::path::Path;
use std::process::Command;
use wirepost::store::{Flags, LOCAL_ACCOUNT, NewMessage, ServerIdentity, Store};

fn mbox(path: &Path, count: usize) {
    let mut text = String::new();
    for n in 0..count {
        text.push_str(&format!(
            "From sender@example.com Tue Jul  1 10:00:00 2025\nFrom: s{n}@example.com\n\
Subject: crash test {n}\nMessage-ID: <crash{n}@example.com>\n\nbody {n}\n\n"
        ));
    }
    std::fs::write(path, text).unwrap();
}

fn wirepost(home: &Path, args: &[&str], crash: bool) -> std::process::Output {
    // No core file from the deliberate abort.
    let mut cmd = Command::new("sh");
    cmd.arg("-c")
        .arg("ulimit -c 0; exec \"$0\" \"$@\"")
        .arg(env!("CARGO_BIN_EXE_wirepost"))
        .args(args)
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_DATA_HOME", home.join("data"))
        .env("XDG_STATE_HOME", home.join("state"));
    if crash {
        cmd.env("WIREPOST_TEST_CRASH_BEFORE_INDEX_COMMIT", "1");
    } else {
        cmd.env_remove("WIREPOST_TEST_CRASH_BEFORE_INDEX_COMMIT");
    }
    cmd.output().unwrap()
}

fn count_files(dir: &Path) -> usize {
    ["new", "cur"]
        .iter()
        .map(|sub| std::fs::read_dir(dir.join(sub)).map_or(0, |d| d.count()))
        .sum()
}

#[test]
fn killed_between_file_write_and_index_commit_loses_nothing() {
    let home = tempfile::tempdir().unwrap();
    let source = home.path().join("old.mbox");
    mbox(&source, 7);
    let crashed = wirepost(home.path(), &["import", source.to_str().unwrap()], true);
    assert!(
        !crashed.status.success(),
        "the import should have been killed"
    );
    let folder = home.path().join("data/wirepost/mail/Local/old");
    assert_eq!(
        count_files(&folder),
        7,
        "files were written before the kill"
    );

    // Reopening finishes the interrupted delivery: every file has its row,
    // every row its file.
    let listed = wirepost(home.path(), &["list", "Local", "--json"], false);
    assert!(
        listed.status.success(),
        "{}",
        String::from_utf8_lossy(&listed.stderr)
    );
    let json = String::from_utf8(listed.stdout).unwrap();
    for n in 0..7 {
        assert!(json.contains(&format!("crash test {n}")), "{json}");
    }
    let store = Store::open(&home.path().join("data/wirepost/mail")).unwrap();
    let folders = store.folders().unwrap();
    let old = folders.iter().find(|f| f.name == "old").unwrap();
    assert_eq!(old.total, 7);
    let query = wirepost::store::ListQuery {
        account: LOCAL_ACCOUNT.into(),
        folder: "old".into(),
        ..Default::default()
    };
    for row in store.page(&query, 0, 100).unwrap() {
        assert!(store.message_path(row.id).unwrap().is_file());
    }
    assert_eq!(count_files(&folder), 7, "nothing duplicated");
    assert_eq!(std::fs::read_dir(folder.join("tmp")).unwrap().count(), 0);

    // Importing again after the crash adds nothing.
    let again = wirepost(home.path(), &["import", source.to_str().unwrap()], false);
    assert!(String::from_utf8_lossy(&again.stdout).contains("imported 0 message(s)"));
}

#[test]
fn another_maildir_reader_sees_what_the_store_wrote() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let raws: Vec<String> = (0..4)
        .map(|n| format!("From: a@x\r\nSubject: m{n}\r\n\r\nbody {n}\r\n"))
        .collect();
    let flags = [
        Flags::default(),
        Flags {
            seen: true,
            ..Flags::default()
        },
        Flags {
            seen: true,
            flagged: true,
            answered: true,
            ..Flags::default()
        },
        Flags {
            draft: true,
            ..Flags::default()
        },
    ];
    for (raw, flags) in raws.iter().zip(flags) {
        store
            .store_message(&NewMessage {
                account: "acct",
                folder: "INBOX",
                identity: ServerIdentity::Local,
                raw: raw.as_bytes(),
                flags,
                internal_date: None,
            })
            .unwrap();
    }
    use mail_parser::mailbox::maildir::{Flag, MessageIterator};
    let mut seen: Vec<(String, Vec<Flag>)> = MessageIterator::new(dir.path().join("acct/INBOX"))
        .unwrap()
        .map(|m| {
            let m = m.unwrap();
            let mut flags = m.flags().to_vec();
            flags.sort();
            (String::from_utf8(m.contents().to_vec()).unwrap(), flags)
        })
        .collect();
    seen.sort();
    assert_eq!(seen.len(), 4);
    assert_eq!(seen[0], (raws[0].clone(), vec![]));
    assert_eq!(seen[1], (raws[1].clone(), vec![Flag::Seen]));
    assert_eq!(
        seen[2],
        (
            raws[2].clone(),
            vec![Flag::Replied, Flag::Seen, Flag::Flagged]
        )
    );
    assert_eq!(seen[3], (raws[3].clone(), vec![Flag::Draft]));
}

/// Two accounts' sync tasks hold their own handle on one store and
/// register their folders at the same moment (as every account does on
/// start): each waits for the other's write, neither fails with
/// "database is locked".
#[test]
fn two_handles_registering_folders_at_once_wait_for_each_other() {
    let dir = tempfile::tempdir().unwrap();
    Store::open(dir.path()).unwrap();
    let barrier = std::sync::Arc::new(std::sync::Barrier::new(2));
    let workers: Vec<_> = ["alice", "bob"]
        .into_iter()
        .map(|account| {
            let (dir, barrier) = (dir.path().to_path_buf(), barrier.clone());
            std::thread::spawn(move || {
                let store = Store::open(&dir).unwrap();
                barrier.wait();
                for round in 0..200 {
                    let folders: Vec<_> =
                        (0..=round % 7).map(|n| (format!("F{n}"), None)).collect();
                    store.ensure_folders(account, &folders).unwrap();
                    store.folders().unwrap();
                }
            })
        })
        .collect();
    for worker in workers {
        worker.join().unwrap();
    }
}
