//! POP3 sync against a minimal RFC 1939 server without CAPA, UIDL or
//! PIPELINING (as old ISP servers are): the content-hash fallback keeps
//! runs from storing a message twice, and commands go one at a time.

use std::path::Path;
use std::sync::{Arc, Mutex};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;
use wirepost::config::Config;
use wirepost::mail::pop3::sync_account;
use wirepost::store::Store;

const MESSAGES: &[&[u8]] = &[
    b"Subject: one\r\n\r\nfirst\r\n",
    b"Subject: two\r\n\r\n.dotted line\r\n",
];

/// Serves `MESSAGES` to every connection; returns its port and the log
/// of commands received (PASS included, to check what was sent).
async fn old_server() -> (u16, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let log = Arc::new(Mutex::new(Vec::new()));
    let seen = log.clone();
    tokio::spawn(async move {
        loop {
            let (stream, _) = listener.accept().await.unwrap();
            let (r, mut w) = stream.into_split();
            let mut r = BufReader::new(r);
            w.write_all(b"+OK old pop server\r\n").await.unwrap();
            let mut line = String::new();
            while r.read_line(&mut line).await.unwrap_or(0) > 0 {
                let cmd = line.trim_end().to_string();
                seen.lock().unwrap().push(cmd.clone());
                let mut words = cmd.split(' ');
                let reply = match words.next().unwrap_or("") {
                    "USER" | "PASS" | "DELE" | "NOOP" => b"+OK\r\n".to_vec(),
                    "LIST" => {
                        let mut out = b"+OK\r\n".to_vec();
                        for (i, m) in MESSAGES.iter().enumerate() {
                            out.extend(format!("{} {}\r\n", i + 1, m.len()).bytes());
                        }
                        out.extend(b".\r\n");
                        out
                    }
                    "RETR" => {
                        let n: usize = words.next().unwrap().parse().unwrap();
                        let mut out = b"+OK\r\n".to_vec();
                        for l in MESSAGES[n - 1].split_inclusive(|&b| b == b'\n') {
                            if l.starts_with(b".") {
                                out.push(b'.');
                            }
                            out.extend_from_slice(l);
                        }
                        out.extend(b".\r\n");
                        out
                    }
                    "QUIT" => {
                        let _ = w.write_all(b"+OK bye\r\n").await;
                        break;
                    }
                    _ => b"-ERR unknown command\r\n".to_vec(),
                };
                let _ = w.write_all(&reply).await;
                line.clear();
            }
        }
    });
    (port, log)
}

#[tokio::test]
async fn server_without_uidl_is_deduplicated_by_content() {
    let (port, log) = old_server().await;
    let toml = format!(
        "[[accounts]]\nname = \"old\"\nemail = \"me@old.example\"\n[accounts.pop3]\n\
         host = \"127.0.0.1\"\nport = {port}\nsecurity = \"none\"\n\
         password_command = \"echo sesame\"\n"
    );
    let config = Config::parse(&toml, Path::new("t.toml")).unwrap();
    let account = &config.accounts[0];
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();

    let first = sync_account(account, store.clone(), |_| {}, None)
        .await
        .unwrap();
    assert_eq!((first.stored, first.duplicates), (2, 0));
    let second = sync_account(account, store.clone(), |_| {}, None)
        .await
        .unwrap();
    assert_eq!(
        (second.stored, second.duplicates, second.deleted),
        (0, 2, 0)
    );

    let mut stored: Vec<Vec<u8>> = ["new", "cur"]
        .iter()
        .flat_map(|d| std::fs::read_dir(dir.path().join("old/INBOX").join(d)).unwrap())
        .map(|e| std::fs::read(e.unwrap().path()).unwrap())
        .collect();
    stored.sort();
    let mut expected: Vec<Vec<u8>> = MESSAGES.iter().map(|m| m.to_vec()).collect();
    expected.sort();
    assert_eq!(stored, expected);

    let log = log.lock().unwrap().clone();
    assert!(log.contains(&"PASS sesame".to_string()), "{log:?}");
    assert!(!log.iter().any(|c| c.starts_with("DELE")), "left on server");
}
