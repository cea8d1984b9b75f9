//! Opening a POP3 session against scripted servers: no credentials before
//! TLS unless asked, and each login method as configured.

use super::*;
use tokio::io::{AsyncReadExt, AsyncWriteExt, duplex};

fn spec(security: Security) -> ServerSpec {
    ServerSpec {
        host: "localhost".into(),
        port: 110,
        security,
        tls: TlsOptions::default(),
        user: "me@example.test".into(),
        password: Secret::new("hunter2".into()),
        auth: AuthMethod::Auto,
    }
}

/// Runs `open_over` against a server that has already said `server`;
/// returns the outcome and everything the client wrote.
async fn against(security: Security, server: &[u8]) -> (Result<(), Pop3Error>, Vec<u8>) {
    let (client_end, mut server_end) = duplex(1 << 16);
    server_end.write_all(server).await.unwrap();
    let result = open_over(&spec(security), client_end, Trace::disabled())
        .await
        .map(drop);
    let mut seen = Vec::new();
    let _ = tokio::time::timeout(
        std::time::Duration::from_millis(200),
        server_end.read_to_end(&mut seen),
    )
    .await;
    (result, seen)
}

#[tokio::test]
async fn starttls_without_stls_offered_sends_no_credentials() {
    let (result, seen) = against(
        Security::Starttls,
        b"+OK hi\r\n+OK\r\nUSER\r\nSASL PLAIN\r\n.\r\n",
    )
    .await;
    assert!(matches!(result, Err(Pop3Error::Insecure(_))), "{result:?}");
    assert_eq!(seen, b"CAPA\r\n");
}

#[tokio::test]
async fn starttls_refused_by_server_sends_no_credentials() {
    let (result, seen) = against(
        Security::Starttls,
        b"+OK hi\r\n+OK\r\nSTLS\r\nUSER\r\n.\r\n-ERR TLS not available\r\n",
    )
    .await;
    let err = result.unwrap_err();
    assert!(matches!(err, Pop3Error::Insecure(_)), "{err:?}");
    assert!(err.to_string().contains("refused STLS"));
    assert_eq!(seen, b"CAPA\r\nSTLS\r\n");
}

#[tokio::test]
async fn explicit_none_logs_in_with_user_pass() {
    let (result, seen) = against(
        Security::None,
        b"+OK hi\r\n+OK\r\nUSER\r\n.\r\n+OK\r\n+OK logged in\r\n-ERR\r\n",
    )
    .await;
    result.unwrap();
    assert_eq!(
        seen,
        b"CAPA\r\nUSER me@example.test\r\nPASS hunter2\r\nCAPA\r\n"
    );
}

#[tokio::test]
async fn sasl_plain_preferred_and_rejection_is_an_auth_error() {
    let (result, seen) = against(
        Security::None,
        b"+OK hi\r\n+OK\r\nSASL PLAIN\r\n.\r\n-ERR [AUTH] Authentication failed.\r\n",
    )
    .await;
    let err = result.unwrap_err();
    assert!(matches!(err, Pop3Error::Auth(_)), "{err:?}");
    assert_eq!(err.to_string(), "login failed: Authentication failed.");
    assert!(seen.starts_with(b"CAPA\r\nAUTH PLAIN "));
}

#[tokio::test]
async fn apop_uses_the_greeting_timestamp() {
    let mut s = spec(Security::None);
    s.auth = AuthMethod::Apop;
    s.user = "mrose".into();
    s.password = Secret::new("tanstaaf".into());
    let (client_end, mut server_end) = duplex(1 << 16);
    server_end
        .write_all(
            b"+OK POP3 server ready <1896.697170952@dbc.mtview.ca.us>\r\n-ERR\r\n+OK\r\n-ERR\r\n",
        )
        .await
        .unwrap();
    open_over(&s, client_end, Trace::disabled()).await.unwrap();
    let mut seen = vec![0; 256];
    let n = server_end.read(&mut seen).await.unwrap();
    let seen = String::from_utf8_lossy(&seen[..n]).into_owned();
    assert!(
        seen.contains("APOP mrose c4c9334bac560ecc979e58001b3e22fb\r\n"),
        "{seen}"
    );
}

#[tokio::test]
async fn auth_login_uses_user_pass_even_when_sasl_is_offered() {
    let mut s = spec(Security::None);
    s.auth = AuthMethod::UserPass;
    let (client_end, mut server_end) = duplex(1 << 16);
    server_end
        .write_all(b"+OK hi\r\n+OK\r\nSASL PLAIN\r\nUSER\r\n.\r\n+OK\r\n+OK in\r\n-ERR\r\n")
        .await
        .unwrap();
    open_over(&s, client_end, Trace::disabled()).await.unwrap();
    let mut seen = Vec::new();
    let _ = tokio::time::timeout(
        std::time::Duration::from_millis(200),
        server_end.read_to_end(&mut seen),
    )
    .await;
    assert_eq!(
        seen,
        b"CAPA\r\nUSER me@example.test\r\nPASS hunter2\r\nCAPA\r\n"
    );
}
