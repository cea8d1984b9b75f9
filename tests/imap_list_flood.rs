//! A server whose LIST names a million folders: wirepost keeps a bounded
//! number (INBOX and special-use folders always), reads the rest of the
//! answer without keeping it, and says what it left out.
//!
//! `WIREPOST_LIST_FOLDERS` sets how many folders the fake server lists
//! (default 100,000; `scripts/soak` runs 1,000,000); figures go to stderr
//! and to `WIREPOST_SOAK_REPORT` when set.

use std::io::Write;
use std::time::Instant;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader, BufWriter};
use tokio::net::TcpListener;
use wirepost::config::{AuthMethod, DeleteMode, SecretSource, Security};
use wirepost::mail::imap::auth::Credentials;
use wirepost::mail::imap::{ConnectOptions, MAX_FOLDERS, connect, list_folders_capped};
use wirepost::net::tls::TlsOptions;

fn report(line: &str) {
    eprintln!("{line}");
    if let Ok(path) = std::env::var("WIREPOST_SOAK_REPORT")
        && let Ok(mut file) = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
    {
        let _ = writeln!(file, "{line}");
    }
}

/// Kilobytes from a line of /proc/self/status ("VmRSS:", "VmHWM:").
fn status_kb(field: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with(field))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
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
    let count: usize = std::env::var("WIREPOST_LIST_FOLDERS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
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
    let before_kb = status_kb("VmRSS:");
    let start = Instant::now();
    let mut connected = connect(&opts, None).await.expect("logged in");
    let list = list_folders_capped(&mut connected.session)
        .await
        .expect("the LIST answer is read to its end");
    let secs = start.elapsed().as_secs_f64();
    // The session is usable afterwards: the whole answer was consumed.
    connected.session.logout().await.expect("logout after LIST");
    let hwm_kb = status_kb("VmHWM:");
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
