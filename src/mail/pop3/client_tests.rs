//! The POP3 client against scripted server bytes: commands, pipelining,
//! cut connections and the masked trace.

use super::*;
use crate::config::Secret;
use crate::mail::pop3::trace::TraceDir;
use tokio::io::{AsyncReadExt, AsyncWriteExt, duplex};

/// A client on one end of a pipe whose other end already holds `server`'s
/// bytes; returns the client and the pipe end that sees what it writes.
async fn scripted(server: &[u8]) -> (Client<tokio::io::DuplexStream>, tokio::io::DuplexStream) {
    let (client_end, mut server_end) = duplex(1 << 20);
    server_end.write_all(server).await.unwrap();
    (Client::new(client_end, Trace::enabled()), server_end)
}

async fn written(
    client: Client<tokio::io::DuplexStream>,
    mut server: tokio::io::DuplexStream,
) -> Vec<u8> {
    drop(client);
    let mut out = Vec::new();
    server.read_to_end(&mut out).await.unwrap();
    out
}

#[tokio::test]
async fn greeting_capa_stat_list_uidl() {
    let (mut c, s) = scripted(
        b"+OK ready <1.2@host>\r\n\
          +OK\r\nUIDL\r\nPIPELINING\r\nSASL PLAIN\r\n.\r\n\
          +OK 2 30\r\n\
          +OK 2 messages\r\n1 10\r\n2 20\r\n.\r\n\
          +OK\r\n1 aaa\r\n2 bbb\r\n.\r\n",
    )
    .await;
    assert_eq!(c.greeting().await.unwrap(), "ready <1.2@host>");
    let caps = c.capa().await.unwrap();
    assert!(caps.has("PIPELINING") && caps.sasl.contains("PLAIN"));
    assert_eq!(c.stat().await.unwrap(), (2, 30));
    assert_eq!(c.list().await.unwrap(), vec![(1, 10), (2, 20)]);
    assert_eq!(
        c.uidl().await.unwrap(),
        Some(vec![(1, "aaa".into()), (2, "bbb".into())])
    );
    assert_eq!(written(c, s).await, b"CAPA\r\nSTAT\r\nLIST\r\nUIDL\r\n");
}

#[tokio::test]
async fn server_without_capa_or_uidl() {
    let (mut c, _s) = scripted(b"-ERR unknown command\r\n-ERR unknown command\r\n").await;
    assert_eq!(c.capa().await.unwrap(), Capabilities::default());
    assert_eq!(c.uidl().await.unwrap(), None);
}

#[tokio::test]
async fn retr_unstuffs_and_pipelined_replies_stay_in_order() {
    let (mut c, s) = scripted(
        b"+OK 13 octets\r\nA: b\r\n\r\n..dot\r\n.\r\n\
          -ERR no such message\r\n\
          +OK\r\nsecond\r\n.\r\n",
    )
    .await;
    for n in [1, 9, 2] {
        c.write(&Command::Retr(n)).await.unwrap();
    }
    c.flush().await.unwrap();
    let mut first = Vec::new();
    c.read_message(&mut first).await.unwrap();
    assert_eq!(first, b"A: b\r\n\r\n.dot\r\n");
    let mut missing = Vec::new();
    assert!(matches!(
        c.read_message(&mut missing).await,
        Err(Pop3Error::Server { .. })
    ));
    let mut second = Vec::new();
    c.read_message(&mut second).await.unwrap();
    assert_eq!(second, b"second\r\n");
    assert_eq!(written(c, s).await, b"RETR 1\r\nRETR 9\r\nRETR 2\r\n");
}

#[tokio::test]
async fn connection_cut_mid_message_is_an_error() {
    let (mut c, s) = scripted(b"+OK\r\nSubject: partial\r\nbody li").await;
    c.write(&Command::Retr(1)).await.unwrap();
    c.flush().await.unwrap();
    drop(s);
    let mut out = Vec::new();
    let err = c.read_message(&mut out).await.unwrap_err();
    assert!(matches!(err, Pop3Error::Closed), "{err:?}");
    assert!(err.is_transient());
}

#[tokio::test]
async fn trace_masks_password_and_elides_bodies() {
    let (mut c, _s) = scripted(b"+OK\r\n+OK\r\n+OK\r\nsecret body\r\n.\r\n").await;
    c.simple(&Command::User("me".into())).await.unwrap();
    c.simple(&Command::Pass(Secret::new("hunter2".into())))
        .await
        .unwrap();
    c.retr(1, &mut Vec::new()).await.unwrap();
    let lines = c.trace.drain();
    let all: Vec<String> = lines.iter().map(|l| l.render()).collect();
    assert!(all.contains(&"C: PASS ********".to_string()), "{all:?}");
    assert!(
        all.iter()
            .all(|l| !l.contains("hunter2") && !l.contains("secret body"))
    );
    assert!(
        lines
            .iter()
            .any(|l| l.dir == TraceDir::Server && l.text == "[message: 13 bytes, 1 lines]")
    );
}

#[tokio::test]
async fn stls_refuses_buffered_plaintext() {
    let (mut c, _s) = scripted(b"+OK begin TLS\r\ninjected\r\n").await;
    c.simple(&Command::Stls).await.unwrap();
    // Give the pipe a moment: the injected line is already in the buffer
    // once a read pulled it in with the status line.
    assert!(c.into_inner().is_err());
}
