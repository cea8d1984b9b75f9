//! A server whose LIST names a million folders: wirepost keeps a bounded
//! number (INBOX and special-use folders always), reads the rest of the
//! answer without keeping it, and says what it left out.
//!
//! `WIREPOST_LIST_FOLDERS` sets how many folders the fake server lists
//! (default 100,000; `scripts/soak` runs 1,000,000); figures go to stderr
//! and to `WIREPOST_SOAK_REPORT` when set.

mod common;

use common::pty::{Tui, temp_config};
use common::soak::{report, status_kb};
use std::io::{BufRead, Write};
use std::time::{Duration, Instant};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader, BufWriter};
use tokio::net::TcpListener;
use wirepost::config::{AuthMethod, DeleteMode, SecretSource, Security};
use wirepost::mail::imap::Credentials;
use wirepost::mail::imap::{ConnectOptions, MAX_FOLDERS, connect, list_folders_capped};
use wirepost::net::tls::TlsOptions;

fn folder_count() -> usize {
    std::env::var("WIREPOST_LIST_FOLDERS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000)
}

/// A server that logs anyone in and answers LIST with `count` folders,
/// the special-use Trash and INBOX last, written as they are generated.
async fn flooding_server(count: usize) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        let (socket, _) = listener.accept().await.unwrap();
        let (read, write) = socket.into_split();
        let mut write = BufWriter::with_capacity(1 << 16, write);
        let mut lines = BufReader::new(read).lines();
        write.write_all(b"* OK fake ready\r\n").await.unwrap();
        write.flush().await.unwrap();
        while let Ok(Some(line)) = lines.next_line().await {
            let tag = line.split(' ').next().unwrap_or("*").to_string();
            let upper = line.to_ascii_uppercase();
            let reply = if upper.contains("CAPABILITY") {
                format!("* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\n{tag} OK done\r\n")
            } else if upper.contains("LOGIN") {
                format!("{tag} OK logged in\r\n")
            } else if upper.contains("LIST") {
                for i in 0..count.saturating_sub(2) {
                    let folder = format!("* LIST (\\HasNoChildren) \".\" \"Flood.{i:07}\"\r\n");
                    if write.write_all(folder.as_bytes()).await.is_err() {
                        return;
                    }
                }
                format!(
                    "* LIST (\\HasNoChildren \\Trash) \".\" \"Zz Trash\"\r\n\
                     * LIST (\\HasNoChildren) \".\" INBOX\r\n{tag} OK listed\r\n"
                )
            } else if upper.contains("LOGOUT") {
                format!("* BYE\r\n{tag} OK bye\r\n")
            } else {
                format!("{tag} BAD unknown\r\n")
            };
            if write.write_all(reply.as_bytes()).await.is_err() {
                break;
            }
            write.flush().await.unwrap();
        }
    });
    port
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_list_of_a_million_folders_is_capped_and_memory_bounded() {
    let count = folder_count();
    let port = flooding_server(count).await;
    let opts = ConnectOptions {
        host: "127.0.0.1".into(),
        port,
        security: Security::None,
        tls: TlsOptions::default(),
        username: "me@example.test".into(),
        auth: AuthMethod::Login,
        credentials: Credentials {
            password: Some(SecretSource::Command("echo pw".into())),
            oauth2_token: None,
        },
        delete: DeleteMode::Trash,
    };
    let before_kb = status_kb("self", "VmRSS:");
    let start = Instant::now();
    let mut connected = connect(&opts, None).await.expect("logged in");
    let list = list_folders_capped(&mut connected.session)
        .await
        .expect("the LIST answer is read to its end");
    let secs = start.elapsed().as_secs_f64();
    // The session is usable afterwards: the whole answer was consumed.
    connected.session.logout().await.expect("logout after LIST");
    let hwm_kb = status_kb("self", "VmHWM:");
    assert_eq!(list.listed, count);
    assert_eq!(list.folders.len(), MAX_FOLDERS + 2);
    assert_eq!(list.dropped(), count - MAX_FOLDERS - 2);
    assert_eq!(list.folders[0].name, "INBOX", "INBOX is kept past the cap");
    assert!(list.folders.iter().any(|f| f.name == "Zz Trash"));
    report(&format!(
        "1M LIST: {count} folders listed by a fake server read in {secs:.1} s; {} kept \
         (INBOX and special-use past the cap), {} left out; test process RSS {} MiB before, \
         peak {} MiB",
        list.folders.len(),
        list.dropped(),
        before_kb / 1024,
        hwm_kb / 1024
    ));
    // Bounded: the kept folders, not one entry per listed folder.
    assert!(hwm_kb < 256 * 1024, "peak RSS {hwm_kb} KiB");
}

/// Whether the flood folders can be selected (`WIREPOST_LIST_SELECTABLE=1`,
/// as `scripts/soak` runs it): then a full sync SELECTs each kept folder,
/// which takes minutes; by default they are `\Noselect` containers, so the
/// sync selects INBOX only but the store and the folder pane still get
/// every kept folder.
fn selectable() -> bool {
    std::env::var("WIREPOST_LIST_SELECTABLE").as_deref() == Ok("1")
}

/// Enough of an IMAP server for a whole sync, on a thread per connection:
/// every LIST names `count` folders, every folder is empty, IDLE waits for
/// DONE.
fn full_fake_server(count: usize) -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for socket in listener.incoming().flatten() {
            std::thread::spawn(move || {
                let _ = serve(socket, count);
            });
        }
    });
    port
}

fn serve(socket: std::net::TcpStream, count: usize) -> std::io::Result<()> {
    let mut write = std::io::BufWriter::with_capacity(1 << 16, socket.try_clone()?);
    let read = std::io::BufReader::new(socket);
    write.write_all(b"* OK fake ready\r\n")?;
    write.flush()?;
    let mut idle_tag = String::new();
    for line in read.lines() {
        let line = line?;
        let tag = line.split(' ').next().unwrap_or("*").to_string();
        let upper = line.to_ascii_uppercase();
        let command = upper.split(' ').nth(1).unwrap_or("").to_string();
        let reply = if upper == "DONE" {
            format!("{idle_tag} OK idle done\r\n")
        } else {
            match command.as_str() {
                "CAPABILITY" => {
                    format!("* CAPABILITY IMAP4rev1 AUTH=PLAIN IDLE\r\n{tag} OK done\r\n")
                }
                "LIST" => {
                    let attributes = if selectable() {
                        "\\HasNoChildren"
                    } else {
                        "\\Noselect \\HasNoChildren"
                    };
                    for i in 0..count.saturating_sub(1) {
                        write!(write, "* LIST ({attributes}) \".\" \"Flood.{i:07}\"\r\n")?;
                    }
                    format!("* LIST (\\HasNoChildren) \".\" INBOX\r\n{tag} OK listed\r\n")
                }
                "SELECT" | "EXAMINE" => format!(
                    "* 0 EXISTS\r\n* OK [UIDVALIDITY 7] ok\r\n* OK [UIDNEXT 1] ok\r\n\
                     {tag} OK [READ-WRITE] selected\r\n"
                ),
                "UID" if upper.contains("SEARCH") => format!("* SEARCH\r\n{tag} OK\r\n"),
                "IDLE" => {
                    idle_tag = tag.clone();
                    "+ idling\r\n".to_string()
                }
                "LOGOUT" => format!("* BYE\r\n{tag} OK bye\r\n"),
                _ => format!("{tag} OK\r\n"),
            }
        };
        write.write_all(reply.as_bytes())?;
        write.flush()?;
    }
    Ok(())
}

fn fake_config(dir: &std::path::Path, port: u16) -> String {
    temp_config(
        dir,
        &format!(
            "[store]\npath = \"{}\"\n[[accounts]]\nname = \"many\"\nemail = \"me@example.test\"\n\
             [accounts.imap]\nhost = \"127.0.0.1\"\nport = {port}\nsecurity = \"none\"\n\
             auth = \"login\"\npassword_command = \"echo pw\"\n",
            dir.join("store").display()
        ),
    )
    .display()
    .to_string()
}

#[test]
fn wirepost_sync_against_a_million_folders_finishes_and_says_so() {
    let count = folder_count();
    let port = full_fake_server(count);
    let dir = tempfile::tempdir().unwrap();
    let config = fake_config(dir.path(), port);
    let start = Instant::now();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_wirepost"))
        .args(["-c", &config, "sync", "--all"])
        .env("HOME", dir.path())
        .env("XDG_STATE_HOME", dir.path().join("state"))
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let pid = child.id().to_string();
    let mut peak = 0;
    while child.try_wait().unwrap().is_none() {
        peak = peak.max(status_kb(&pid, "VmHWM:"));
        assert!(start.elapsed() < Duration::from_secs(600), "sync hung");
        std::thread::sleep(Duration::from_millis(20));
    }
    let out = child.wait_with_output().unwrap();
    let secs = start.elapsed().as_secs_f64();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "many: the server lists {count} folders; only the first {} are synced",
            MAX_FOLDERS + 1
        )),
        "{stderr}"
    );
    let store = wirepost::store::Store::open(&dir.path().join("store")).unwrap();
    let folders = store.folders().unwrap();
    let kept = folders.iter().filter(|f| f.account == "many").count();
    assert!(kept <= MAX_FOLDERS + 1, "{kept} folders in the store");
    report(&format!(
        "1M LIST, `wirepost sync --all`: {count} folders listed ({}); finished in {secs:.1} s \
         with {kept} in the store (the cap), peak RSS {} MiB; stderr: {}",
        if selectable() {
            "selectable"
        } else {
            "\\Noselect"
        },
        peak / 1024,
        stderr
            .lines()
            .find(|l| l.contains("folders;"))
            .unwrap_or("")
    ));
}

#[test]
fn the_interface_stays_responsive_while_a_million_folders_are_listed() {
    let count = folder_count();
    let port = full_fake_server(count);
    let dir = tempfile::tempdir().unwrap();
    let config = fake_config(dir.path(), port);
    let mut tui = Tui::start(&["-c", &config], 120, 40);
    let pid = tui.pid().to_string();
    tui.wait_text("Sockets");
    tui.send("3");
    tui.wait_text("Accounts");
    let start = Instant::now();
    tui.send("s");
    // Keys are answered while the LIST arrives and the kept folders are
    // synced, until the job is over (the account then watches INBOX). The
    // cap's notice is on the status line until the next key, and in the
    // messages panel (F3) for good.
    let notice = format!("the server lists {count} folders; only the first");
    tui.wait_for("the sync to start", |s| {
        s.contains("sync many") || s.contains(&notice)
    });
    let mut answers = Vec::new();
    let mut noticed = None;
    loop {
        let asked = Instant::now();
        tui.send("?");
        tui.wait_text("┌ Keys ");
        tui.send("?");
        tui.wait_for("the help to close", |s| !s.contains("┌ Keys "));
        answers.push(asked.elapsed());
        let screen = tui.screen();
        if noticed.is_none() && screen.contains(&notice) {
            noticed = Some(start.elapsed());
        }
        if !screen.contains("sync many") {
            break;
        }
        assert!(start.elapsed() < Duration::from_secs(900), "{screen}");
        std::thread::sleep(Duration::from_millis(100));
    }
    tui.send("\x1bOR"); // F3: the messages panel
    tui.wait_text(&notice);
    let done = start.elapsed();
    let hwm = status_kb(&pid, "VmHWM:");
    let store = wirepost::store::Store::open(&dir.path().join("store")).unwrap();
    let kept = store
        .folders()
        .unwrap()
        .iter()
        .filter(|f| f.account == "many")
        .count();
    assert!(kept <= MAX_FOLDERS + 1, "{kept} folders in the store");
    report(&format!(
        "1M LIST, interface: {count} folders listed ({}); the cap was named (status line or, at the latest, the messages panel) after \
         {:.1} s, the sync ended after {:.1} s with {kept} folders in the store; {} key round \
         trips meanwhile, slowest {} ms; peak RSS {} MiB",
        if selectable() {
            "selectable"
        } else {
            "\\Noselect"
        },
        noticed.unwrap_or(done).as_secs_f64(),
        done.as_secs_f64(),
        answers.len(),
        answers
            .iter()
            .max()
            .copied()
            .unwrap_or_default()
            .as_millis(),
        hwm / 1024
    ));
    assert!(hwm < 512 * 1024, "peak RSS {hwm} KiB");
}
