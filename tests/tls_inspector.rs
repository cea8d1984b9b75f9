//! The certificate inspector as `wirepost tcp --tls` shows it on stderr,
//! against servers whose certificates rcgen makes for each test: a good
//! chain (names, validity, key, SHA-256 fingerprints), and the ways a
//! certificate goes wrong said in plain words — a wrong name, a CA sent as
//! the server's own, an expired one — with the library's raw reason under
//! `-v`. And trust on first use: pinned, matched, refused on change.

mod common;

use common::tls_peer::{ServerIdentity, TestCa, date_from_today, send, serve_one, server_config};
use sha2::{Digest, Sha256};
use std::net::TcpListener;
use std::process::{Command, Output, Stdio};

fn wirepost(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_wirepost"))
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .output()
        .unwrap()
}

/// Serves one client with `identity`: a line, then the end.
fn serve(identity: ServerIdentity) -> u16 {
    let (port, _) = serve_one(server_config(identity), |mut tls| {
        if !tls.conn.is_handshaking() {
            send(&mut tls, b"hello\r\n");
            tls.conn.send_close_notify();
            let _ = tls.conn.complete_io(&mut tls.sock);
        }
    });
    port
}

fn colon_hex(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect::<Vec<_>>()
        .join(":")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn verbose_shows_the_whole_chain_with_names_validity_key_and_fingerprints() {
    let ca = TestCa::new("wirepost test CA");
    let identity = ca.leaf(&["mail.example.test", "localhost"], |_| {});
    let leaf_sha256 = colon_hex(&Sha256::digest(&identity.chain[0]));
    let port = serve(identity);
    let ca_file = ca.pem_path.to_str().unwrap();
    let out = wirepost(&[
        "tcp",
        &format!("localhost:{port}"),
        "--tls",
        "--ca",
        ca_file,
        "-v",
    ]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert_eq!(String::from_utf8_lossy(&out.stdout), "hello\r\n");
    for expected in [
        "trusted: valid for mail.example.test and localhost",
        "certificate 1 (the server's own): CN=mail.example.test",
        "names (SAN): mail.example.test, localhost",
        "issuer:      CN=wirepost test CA, O=wirepost tests",
        "days left)",
        "key:         EC P-256",
        &format!("SHA-256:     {leaf_sha256}"),
        "key SHA-256: ",
        "certificate 2 (self-signed root): CN=wirepost test CA",
        "EC P-256, a CA",
    ] {
        assert!(err.contains(expected), "missing {expected:?} in:\n{err}");
    }
    // Without -v: one line with the verdict.
    let port = serve(ca.leaf(&["localhost"], |_| {}));
    let out = wirepost(&[
        "tcp",
        &format!("localhost:{port}"),
        "--tls",
        "--ca",
        ca_file,
    ]);
    let err = stderr(&out);
    assert!(err.contains("trusted: valid for localhost"), "{err}");
    assert!(!err.contains("SHA-256"), "{err}");
}

/// Runs a client against `identity` that must be refused; returns stderr
/// without and with -v.
fn refused(ca: &TestCa, identity: impl Fn() -> ServerIdentity, host: &str) -> (String, String) {
    let ca_file = ca.pem_path.to_str().unwrap();
    let mut said = Vec::new();
    for verbose in [false, true] {
        let port = serve(identity());
        let target = format!("{host}:{port}");
        let mut args = vec!["tcp", &target, "--tls", "--ca", ca_file];
        if verbose {
            args.push("-v");
        }
        let out = wirepost(&args);
        assert_ne!(out.status.code(), Some(0), "{}", stderr(&out));
        assert!(out.stdout.is_empty());
        said.push(stderr(&out));
    }
    (said.remove(0), said.remove(0))
}

#[test]
fn a_wrong_name_says_which_names_the_certificate_has() {
    let ca = TestCa::new("wirepost test CA");
    let (plain, verbose) = refused(&ca, || ca.leaf(&["mail.example.test"], |_| {}), "localhost");
    assert!(
        plain.contains("TLS handshake failed: valid for mail.example.test, not localhost"),
        "{plain}"
    );
    assert!(!plain.contains("NotValidForName"), "{plain}");
    assert!(plain.contains("-v shows"), "{plain}");
    assert!(verbose.contains("raw reason: "), "{verbose}");
    assert!(verbose.contains("NotValidForName"), "{verbose}");
    assert!(verbose.contains("CN=mail.example.test"), "{verbose}");
}

#[test]
fn a_ca_certificate_sent_as_the_servers_own_is_named_so() {
    let ca = TestCa::new("wirepost test CA");
    let (plain, verbose) = refused(&ca, || ca.itself(), "localhost");
    assert!(
        plain.contains("the server sent a CA certificate as its own"),
        "{plain}"
    );
    assert!(verbose.contains("CaUsedAsEndEntity"), "{verbose}");
}

#[test]
fn an_expired_certificate_says_how_long_ago() {
    let ca = TestCa::new("wirepost test CA");
    let expired = || {
        ca.leaf(&["localhost"], |params| {
            let (y, m, d) = date_from_today(-30);
            params.not_before = rcgen::date_time_ymd(y, m, d);
            let (y, m, d) = date_from_today(-3);
            params.not_after = rcgen::date_time_ymd(y, m, d);
        })
    };
    let (plain, verbose) = refused(&ca, expired, "localhost");
    assert!(plain.contains("expired 3 days ago ("), "{plain}");
    assert!(verbose.contains("(3 days ago)"), "{verbose}");
    assert!(verbose.contains("Expired"), "{verbose}");
}

/// Serves one client per identity, in order, on one port.
fn serve_each(identities: Vec<ServerIdentity>) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for identity in identities {
            let (tcp, _) = listener.accept().unwrap();
            let conn = tokio_rustls::rustls::ServerConnection::new(server_config(identity));
            let mut tls = tokio_rustls::rustls::StreamOwned::new(conn.unwrap(), tcp);
            while tls.conn.is_handshaking() {
                if tls.conn.complete_io(&mut tls.sock).is_err() {
                    break;
                }
            }
            if !tls.conn.is_handshaking() {
                send(&mut tls, b"hello\r\n");
                tls.conn.send_close_notify();
                let _ = tls.conn.complete_io(&mut tls.sock);
            }
        }
    });
    port
}

#[test]
fn trust_on_first_use_pins_then_refuses_a_changed_key_loudly() {
    let ca = TestCa::new("wirepost test CA");
    let first = ca.leaf(&["localhost"], |_| {});
    let same = ServerIdentity {
        chain: first.chain.clone(),
        key: first.key.clone_key(),
    };
    let other = ca.leaf(&["localhost"], |_| {});
    let port = serve_each(vec![first, same, other]);
    let dir = tempfile::tempdir().unwrap();
    let pins = dir.path().join("tls_pins");
    let target = format!("localhost:{port}");
    let args = [
        "tcp",
        &target,
        "--tls",
        "--ca",
        ca.pem_path.to_str().unwrap(),
        "--pin-file",
        pins.to_str().unwrap(),
    ];
    let out = wirepost(&args);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("its key is pinned now"),
        "{}",
        stderr(&out)
    );
    let pinned = std::fs::read_to_string(&pins).unwrap();
    assert!(pinned.starts_with(&format!("{target} ")), "{pinned}");

    let out = wirepost(&args);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(!stderr(&out).contains("pinned"), "{}", stderr(&out));
    assert_eq!(String::from_utf8_lossy(&out.stdout), "hello\r\n");

    let out = wirepost(&args);
    let err = stderr(&out);
    assert_ne!(out.status.code(), Some(0), "{err}");
    assert!(
        out.stdout.is_empty(),
        "no byte from a server whose key changed"
    );
    assert!(
        err.contains(&format!("THE KEY OF {target} HAS CHANGED")),
        "{err}"
    );
    assert!(err.contains("remove line 1 of"), "{err}");
}
