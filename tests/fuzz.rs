//! Fuzzing of everything that reads bytes wirepost did not write: the
//! visible rendering of socket bytes, the text sanitizer, typed escapes and
//! hex, the certificate reader, config files, the Sockets command line,
//! and the whole Sockets screen drawn from a hostile transcript.
//!
//! Quick by default (part of the suite); `scripts/fuzz` runs the same
//! targets for as long as asked. See docs/RELIABILITY.md.

mod common;

use common::fuzz::fuzz;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};
use wirepost::app::sockets::prompt;
use wirepost::app::sockets::{SessionState, SocketSession, ViewMode};
use wirepost::app::{App, Keymap};
use wirepost::config::{Config, ConfigOrigin, LoadedConfig};
use wirepost::net::escape::{decode_escapes, parse_hex};
use wirepost::net::pipe_buffer::DataPipe;
use wirepost::net::session::{Chunk, Direction, PipeHandle, SessionKind};
use wirepost::net::transcript::Transcript;
use wirepost::net::visible::visible;
use wirepost::sanitize::{clean_line, clean_text, is_dangerous};

const QUICK: u64 = 20_000;

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn seeds(items: &[&[u8]]) -> Vec<Vec<u8>> {
    items.iter().map(|s| s.to_vec()).collect()
}

/// Nothing a terminal would act on, apart from the line feeds allowed.
fn assert_inert(out: &str, allow_newline: bool) {
    for c in out.chars() {
        if c == '\n' && allow_newline {
            continue;
        }
        assert!(!is_dangerous(c), "{c:?} reached the output: {out:?}");
    }
}

#[test]
fn fuzz_sanitize() {
    let seeds = seeds(&[
        b"Re: hello \x1b]0;pwned\x07 world",
        "evil\u{202e}gpj.exe".as_bytes(),
        b"a\r\nb\tc\x7f\x00",
        "Grüße, 你好 — ok".as_bytes(),
    ]);
    fuzz("stable sanitize", QUICK, &seeds, &[], |data| {
        let s = text(data);
        assert_inert(&clean_line(&s), false);
        assert_inert(&clean_text(&s), true);
        assert_eq!(
            clean_text(&s).matches('\n').count(),
            s.matches('\n').count()
        );
    });
}

#[test]
fn fuzz_visible_bytes() {
    let seeds = seeds(&[
        b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi",
        b"\x1b[2J\x1b]52;c;aGk=\x07\xff\x00ok\n",
        "grüß \u{202e}x\u{9b}".as_bytes(),
        b"* OK [CAPABILITY IMAP4rev1 STARTTLS] Dovecot ready.\r\n",
    ]);
    fuzz("stable visible_bytes", QUICK, &seeds, &[], |data| {
        let out = visible(data);
        assert_inert(&out, true);
        // One row break per line feed: no more, no less.
        assert_eq!(
            out.matches('\n').count(),
            data.iter().filter(|b| **b == b'\n').count()
        );
    });
}

#[test]
fn fuzz_typed_escapes_and_hex() {
    let seeds = seeds(&[
        br"GET /\r\n",
        br"a\tb\0c\\d\x1B\x7f",
        b"48 65 6c6c 0x6f",
        b"de ad be ef",
    ]);
    let tokens: &[&[u8]] = &[b"\\x", b"\\r", b"0x", b" ", b"ff", b"+1", b"-1"];
    fuzz("stable escapes_hex", QUICK, &seeds, tokens, |data| {
        let s = text(data);
        if let Ok(bytes) = decode_escapes(&s) {
            assert!(bytes.len() <= s.len());
        }
        if let Ok(bytes) = parse_hex(&s) {
            let digits = s.chars().filter(|c| c.is_ascii_hexdigit()).count();
            assert!(bytes.len() * 2 <= digits, "{s:?} gave {bytes:?}");
        }
    });
}

fn certificate(name: &str, year: i32) -> Vec<u8> {
    let mut params = rcgen::CertificateParams::new(vec!["localhost".into()]).unwrap();
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, name);
    params
        .distinguished_name
        .push(rcgen::DnType::OrganizationName, "wirepost");
    params.not_after = rcgen::date_time_ymd(year, 6, 15);
    let key = rcgen::KeyPair::generate().unwrap();
    params.self_signed(&key).unwrap().der().to_vec()
}

#[test]
fn fuzz_certificate_reader() {
    let seeds = vec![
        certificate("wirepost test", 2031),
        certificate("\u{1b}]0;x\u{7}", 2049),
        certificate("long name ".repeat(40).as_str(), 2051),
    ];
    fuzz("stable cert_der", QUICK, &seeds, &[], |data| {
        let _ = wirepost::net::cert::describe(data);
    });
}

#[test]
fn fuzz_config_parse() {
    let example =
        std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("config.example.toml")).unwrap();
    let seeds = vec![
        example,
        b"[[accounts]]\nname = \"work\"\nemail = \"me@example.com\"\n".to_vec(),
        b"[keys.global]\nquit = \"ctrl-q\"\n".to_vec(),
        b"[theme]\naccent = \"#ff8800\"\n".to_vec(),
    ];
    let tokens: &[&[u8]] = &[
        b"[[accounts]]\n",
        b"name = \"x\"\n",
        b"password_command = \"echo hi\"\n",
        b"password_env = \"X\"\n",
        b"port = 99999\n",
        b"\"\"\"",
        b"'''",
        b"[keys.nowhere]\n",
        b" = ",
        b"true",
        b"1e400",
    ];
    let path = PathBuf::from("/fuzz/config.toml");
    fuzz("stable config_parse", QUICK / 4, &seeds, tokens, |data| {
        if let Err(e) = Config::parse(&text(data), &path) {
            let _ = e.to_string();
        }
    });
}

#[test]
fn fuzz_socket_command_line() {
    let seeds = seeds(&[
        b"connect example.com:80 timeout=5",
        b"tls localhost:993 sni=imap.example.com ca=/tmp/ca.pem insecure",
        b"listen 127.0.0.1:9000 tls greet=Hi\\r\\n reply=Hello, {line}! bye=exit",
        b"listen [::1]:9000 cert=a.pem key=b.pem",
        b"udp-bind 0.0.0.0:5353 reply=\\x00\\xff",
        b"starttls imap ca=ca.pem",
        b"save ~/out.bin",
        b"eol crlf",
        b"peer 10.0.0.1:53",
    ]);
    let tokens: &[&[u8]] = &[b" timeout=", b" reply=", b"{line}", b"~/", b":", b"[::]"];
    fuzz("stable socket_command", QUICK, &seeds, tokens, |data| {
        let s = text(data);
        let _ = prompt::parse(&s);
        let word = s.split(' ').next().unwrap_or("");
        let _ = prompt::matching(word);
    });
}

fn app() -> App {
    let loaded = LoadedConfig {
        config: Config::default(),
        origin: ConfigOrigin::Missing(PathBuf::from("/fuzz/config.toml")),
    };
    App::new(loaded, Keymap::build(&BTreeMap::new()).unwrap())
}

/// Splits fuzz bytes into chunks of both directions, draws the Sockets
/// tab in each view at a size taken from the input, and checks that no
/// drawn cell holds anything a terminal would act on.
#[test]
fn fuzz_socket_screen() {
    let seeds = seeds(&[
        b"\x50\x18GET / HTTP/1.1\r\nHost: x\r\n\r\n\x00HTTP/1.1 200 OK\r\n\r\n\x1b[2Jhi\xff\tthere\n",
        "\x28\x0c\u{202e}evil\x00\x1b]52;c;aGk=\x07\n\n\n漢字漢字漢字漢字漢字".as_bytes(),
        b"\x10\x05\xf0\x9f\x98\x00\xe2\x80\x00\xc3",
    ]);
    fuzz("stable socket_screen", QUICK / 40, &seeds, &[], |data| {
        let (size, body) = data.split_at(data.len().min(2));
        let width = 1 + size.first().copied().unwrap_or(80) as u16 % 160;
        let height = 1 + size.get(1).copied().unwrap_or(24) as u16 % 50;
        let mut session = SocketSession::new(
            1,
            SessionKind::Tcp,
            text(body.get(..20.min(body.len())).unwrap_or(b"")),
            PipeHandle(DataPipe::new()),
        );
        session.state = SessionState::Connected;
        session.transcript = Transcript::with_cap(512);
        for (n, piece) in body.split(|b| *b == 0).enumerate() {
            session.transcript.push(Chunk {
                dir: if n % 2 == 0 {
                    Direction::Out
                } else {
                    Direction::In
                },
                at: SystemTime::UNIX_EPOCH + Duration::from_millis(n as u64),
                peer: None,
                data: piece.to_vec(),
            });
        }
        assert_inert(
            &session
                .transcript
                .readable_log(wirepost::net::timefmt::TimeZone::Utc),
            true,
        );
        let mut app = app();
        app.sockets.sessions = vec![session];
        for view in [ViewMode::Text, ViewMode::Hex, ViewMode::Split] {
            app.sockets.view = view;
            let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
            terminal.draw(|f| wirepost::ui::render(&app, f)).unwrap();
            for cell in terminal.backend().buffer().content() {
                assert_inert(cell.symbol(), false);
            }
        }
    });
}

/// RFC 1939 byte-stuffing, as a server does it.
fn stuff(body: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    for line in body.split_inclusive(|b| *b == b'\n') {
        if line.first() == Some(&b'.') {
            out.push(b'.');
        }
        out.extend_from_slice(line);
    }
    out.extend_from_slice(b".\r\n");
    out
}

#[test]
fn fuzz_pop3_replies() {
    use wirepost::mail::pop3::reply::{
        Capabilities, apop_timestamp, decode_multiline, parse_list_line, parse_stat, parse_status,
        parse_uidl_line, trim_added_line_end,
    };
    let seeds = seeds(&[
        b"+OK Dovecot ready. <1896.697170952@dbc.mtview.ca.us>\r\n",
        b"-ERR [SYS/TEMP] try later\r\n",
        b"+ VXNlcm5hbWU6\r\n",
        b"1 whqtswO00WBw418f9t5JxYwZ\r\n",
        b"2 320\r\n",
        b"SASL PLAIN LOGIN\r\nIMPLEMENTATION Dovecot\r\n",
        b"Subject: x\r\n\r\n.leading dot\r\n..two\r\n.\r\n",
    ]);
    let tokens: &[&[u8]] = &[
        b"+OK ", b"-ERR ", b"[", b"]", b".\r\n", b"\r\n.", b"<", b">", b"@",
    ];
    fuzz("stable pop3_reply", QUICK, &seeds, tokens, |data| {
        let _ = parse_status(data);
        let _ = parse_stat(&text(data));
        let _ = parse_list_line(data);
        let _ = parse_uidl_line(data);
        let _ = apop_timestamp(&text(data));
        let mut caps = Capabilities::default();
        for line in data.split_inclusive(|b| *b == b'\n') {
            caps.add_line(line);
        }
        if let Some((out, used)) = decode_multiline(data) {
            assert!(used <= data.len() && out.len() <= used);
        }
        // Stuffing then decoding gives back the body, line endings and all.
        let mut body = data.to_vec();
        if !body.is_empty() && !body.ends_with(b"\n") {
            body.extend_from_slice(b"\r\n");
        }
        let wire = stuff(&body);
        assert_eq!(decode_multiline(&wire), Some((body.clone(), wire.len())));
        let size = body.len() as u64;
        let mut padded = body.clone();
        padded.extend_from_slice(b"\r\n");
        trim_added_line_end(&mut padded, Some(size));
        assert_eq!(padded, body);
    });
}

/// The SMTP trace of one dialogue, fed in chunks cut where the input says.
fn smtp_trace(client: &[u8], server: &[&[u8]], cuts: &[u8]) -> Vec<String> {
    use std::sync::{Arc, Mutex};
    use wirepost::mail::smtp::{TraceLine, TraceRecorder, TraceSink};
    let lines = Arc::new(Mutex::new(Vec::new()));
    let out = lines.clone();
    let sink: TraceSink = Arc::new(move |l: TraceLine| out.lock().unwrap().push(l.display()));
    let mut recorder = TraceRecorder::new(sink);
    let mut cuts = cuts.iter().cycle();
    // Client line k goes out after server reply k, as a real client waits.
    let client_lines: Vec<&[u8]> = client.split_inclusive(|b| *b == b'\n').collect();
    for (k, reply) in server.iter().enumerate() {
        for piece in reply.chunks(1 + *cuts.next().unwrap_or(&200) as usize) {
            recorder.received(piece);
        }
        if let Some(line) = client_lines.get(k) {
            for piece in line.chunks(1 + *cuts.next().unwrap_or(&200) as usize) {
                recorder.sent(piece);
            }
        }
    }
    lines.lock().unwrap().clone()
}

#[test]
fn fuzz_smtp_trace_redaction() {
    const SECRET_PLAIN: &str = "AHVzZXJAZXhhbXBsZS50ZXN0AHMzY3IzdC1wYXNz";
    const SECRET_LOGIN: &str = "czNjcjN0LXBhc3M=";
    let seeds = seeds(&[b"\x05\x01\x40\x02\x07\x03", b"\x00\x00\x00\x00", b"\xff"]);
    fuzz("stable smtp_trace", QUICK / 4, &seeds, &[], |cuts| {
        let client = format!(
            "EHLO wirepost\r\nAUTH PLAIN {SECRET_PLAIN}\r\nAUTH LOGIN\r\ndXNlcg==\r\n{SECRET_LOGIN}\r\nMAIL FROM:<a@b>\r\nDATA\r\nSubject: x\r\n\r\nbody\r\n.\r\nQUIT\r\n"
        );
        // The server's replies, mutated by the input where it cannot change
        // what the client may do next (the codes stay).
        let noise = text(cuts).replace(['\r', '\n'], " ");
        let server: Vec<Vec<u8>> = [
            format!("220 mx {noise}\r\n"),
            format!("250-mx\r\n250-AUTH PLAIN LOGIN {noise}\r\n250 8BITMIME\r\n"),
            "235 2.7.0 ok\r\n".to_string(),
            "334 VXNlcm5hbWU6\r\n".to_string(),
            "334 UGFzc3dvcmQ6\r\n".to_string(),
            format!("235 {noise}\r\n"),
            "250 ok\r\n".to_string(),
            "354 go ahead\r\n".to_string(),
            String::new(),
            String::new(),
            String::new(),
            format!("250 queued {noise}\r\n"),
            "221 bye\r\n".to_string(),
        ]
        .into_iter()
        .map(String::into_bytes)
        .collect();
        let server: Vec<&[u8]> = server.iter().map(Vec::as_slice).collect();
        let chunked = smtp_trace(client.as_bytes(), &server, cuts);
        let whole = smtp_trace(client.as_bytes(), &server, &[255]);
        assert_eq!(chunked, whole, "chunking changed the trace");
        let all = chunked.join("\n");
        assert!(
            !all.contains(SECRET_PLAIN) && !all.contains(SECRET_LOGIN),
            "{all}"
        );
        assert!(all.contains("C: AUTH PLAIN ****"), "{all}");
        assert!(all.contains("<message, 18 bytes>"), "{all}");
    });
}

/// Real-world messages from tests/corpus, the smaller ones.
fn mail_corpus() -> Vec<Vec<u8>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus");
    let mut seeds = Vec::new();
    for dir in ["python", "mail-parser"] {
        for entry in std::fs::read_dir(root.join(dir))
            .into_iter()
            .flatten()
            .flatten()
        {
            let name = entry.file_name().to_string_lossy().to_string();
            if name.starts_with("LICENSE") || name.ends_with(".md") {
                continue;
            }
            if let Ok(raw) = std::fs::read(entry.path())
                && raw.len() <= 16 * 1024
            {
                seeds.push(raw);
            }
        }
    }
    seeds.sort();
    seeds
}

/// MIME parse → MessageView → the Inbox viewer drawn into a TestBackend,
/// headers and HTML toggled: no drawn cell holds anything a terminal acts
/// on, and the list's envelope parser copes too.
#[test]
fn fuzz_message_view() {
    use std::cell::RefCell;
    use wirepost::app::{Action, EngineEvent, Event, Tab};
    use wirepost::mailview::MessageView;
    use wirepost::store::service::{ListLine, StoreEvent};
    use wirepost::store::{Flags, LOCAL_ACCOUNT, ListQuery, NewMessage, ServerIdentity, Store};
    let seeds = mail_corpus();
    assert!(seeds.len() > 50, "corpus missing: {}", seeds.len());
    // One stored message whose viewer every fuzz input replaces.
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    store
        .store_batch(&[NewMessage {
            account: LOCAL_ACCOUNT,
            folder: "fuzz",
            identity: ServerIdentity::Local,
            raw: &seeds[0],
            flags: Flags::default(),
            internal_date: None,
        }])
        .unwrap();
    let query = ListQuery {
        account: LOCAL_ACCOUNT.into(),
        folder: "fuzz".into(),
        ..ListQuery::default()
    };
    let rows = store.page(&query, 0, 1).unwrap();
    let id = rows[0].id;
    let mut app = app();
    app.tab = Tab::Inbox;
    app.size = (100, 30);
    app.update(Event::Engine(EngineEvent::Store(StoreEvent::Folders(
        store.folders().unwrap(),
    ))));
    let req = app.inbox.list.req;
    app.update(Event::Engine(EngineEvent::Store(StoreEvent::Listed {
        req,
        total: 1,
        kept_at: None,
    })));
    app.update(Event::Engine(EngineEvent::Store(StoreEvent::Page {
        req,
        offset: 0,
        rows: rows
            .into_iter()
            .map(|row| ListLine { row, depth: 0 })
            .collect(),
    })));
    app.inbox.list.select(0, 10);
    app.apply(Action::InboxOpen);
    let app = RefCell::new(app);
    let tokens: &[&[u8]] = &[
        b"\r\n",
        b"\r\n\r\n",
        b"Subject: =?utf-8?b?G10wO3B3bmVkBw==?=\r\n",
        b"From: =?utf-8?q?=1B[2J_=E2=80=AEevil?= <a@b>\r\n",
        b"Content-Type: multipart/mixed; boundary=\"b\"\r\n",
        b"\r\n--b\r\n",
        b"\r\n--b--\r\n",
        b"Content-Type: text/html\r\n",
        b"Content-Transfer-Encoding: base64\r\n",
        b"Content-Transfer-Encoding: quoted-printable\r\n",
        b"Content-Disposition: attachment; filename=\"../../etc/passwd\"\r\n",
        b"Content-Type: message/rfc822\r\n",
        b"<a href=\"javascript:x\">\x1b]52;c;aGk=\x07</a>",
        b"=1B]0;title=07",
    ];
    fuzz("stable message_view", QUICK / 40, &seeds, tokens, |raw| {
        let _ = wirepost::store::Envelope::parse(raw);
        let width = 20 + raw.len() % 100;
        let view = MessageView::build(raw, width);
        let mut app = app.borrow_mut();
        app.update(Event::Engine(EngineEvent::Store(StoreEvent::Viewed {
            id,
            view: Ok(Box::new(view)),
        })));
        let mut terminal = Terminal::new(TestBackend::new(100, 30)).unwrap();
        for mode in [
            None,
            Some(Action::InboxToggleHeaders),
            Some(Action::InboxToggleHtml),
        ] {
            if let Some(mode) = mode {
                app.apply(mode);
            }
            terminal.draw(|f| wirepost::ui::render(&app, f)).unwrap();
            for cell in terminal.backend().buffer().content() {
                assert_inert(cell.symbol(), false);
            }
            if let Some(mode) = mode {
                app.apply(mode);
            }
        }
    });
}
