//! Hostile mail: subjects, sender names, bodies and attachment names that
//! carry terminal control sequences, bidi overrides and broken UTF-8 show
//! as text in the Inbox and change nothing on the terminal; attachment
//! names that try to leave the chosen directory are saved inside it.

mod common;

use common::pty::{Tui, count};
use std::path::Path;
use std::process::Command;

const EVIL_MESSAGE: &str = "From: =?UTF-8?B?G10wO293bmVkBw==?= Mallory \x1b[31m<m@evil.test>\n\
To: me@example.com\n\
Subject: =?UTF-8?Q?Invoice_=1B]52;c;cHdu=07_=E2=80=AEfdp.exe?= \x1bP1$qm\x1b\\ plain\n\
Date: Tue, 1 Jul 2025 10:00:00 +0000\n\
Message-ID: <evil@evil.test>\n\
MIME-Version: 1.0\n\
Content-Type: multipart/mixed; boundary=\"b\"\n\
\n\
--b\n\
Content-Type: text/plain; charset=utf-8\n\
\n\
Body start \x1b]2;body-title\x07 \x1b[2J \u{9b}1;1H \u{202e}txt.exe invalid \u{fffd}\n\
BODYEND\n\
--b\n\
Content-Type: application/octet-stream\n\
Content-Disposition: attachment; filename=\"../../../../tmp/wirepost-escape-\x1b]0;t\x07.sh\"\n\
Content-Transfer-Encoding: base64\n\
\n\
ZWNobyBwd25lZAo=\n\
--b--\n";

#[test]
fn hostile_headers_and_bodies_in_the_inbox_change_nothing() {
    let data = tempfile::tempdir().unwrap();
    let source = data.path().join("evil");
    std::fs::create_dir_all(&source).unwrap();
    let mut raw = EVIL_MESSAGE.as_bytes().to_vec();
    // Invalid UTF-8 in a raw header too.
    let at = raw.windows(6).position(|w| w == b"plain\n").unwrap();
    raw.splice(at..at, b"\xff\xfe ".iter().copied());
    std::fs::write(source.join("evil.eml"), &raw).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_wirepost"))
        .arg("import")
        .arg(&source)
        .env("HOME", data.path())
        .env("XDG_CONFIG_HOME", data.path().join("config"))
        .env("XDG_DATA_HOME", data.path().join("data"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let xdg_data = data.path().join("data");
    let mut tui = Tui::start_with(
        &[],
        120,
        32,
        &[("XDG_DATA_HOME", xdg_data.to_str().unwrap())],
    );
    tui.wait_text("3 Inbox");
    tui.send("3");
    tui.wait_text("Invoice");
    tui.send("\r");
    tui.wait_text("BODYEND");
    let screen = tui.screen();
    for shown in ["␛]2;body-title␇", "<U+202E>txt.exe", "Mallory"] {
        assert!(screen.contains(shown), "{shown} missing:\n{screen}");
    }
    assert!(tui.row(0).contains("3 Inbox"), "{}", tui.row(0));
    assert!(tui.titles().is_empty(), "title changed: {:?}", tui.titles());
    let raw = tui.raw();
    for (name, seq) in [
        ("OSC 52", &b"\x1b]52"[..]),
        ("OSC 0", b"\x1b]0;"),
        ("OSC 2", b"\x1b]2;"),
        ("DCS", b"\x1bP"),
        ("C1 CSI", "\u{9b}".as_bytes()),
        ("bidi override", "\u{202e}".as_bytes()),
    ] {
        assert_eq!(count(&raw, seq), 0, "{name} reached the terminal");
    }
    // A lone Esc, then wait: Esc followed at once by a key reads as Alt+key.
    tui.send("\x1b");
    tui.wait_for("the viewer to close", |s| !s.contains("BODYEND"));
    tui.send("q");
    assert_eq!(tui.wait_exit(), 0);
}

#[test]
fn attachment_names_never_leave_the_chosen_directory() {
    use wirepost::mailview::save_attachment;
    let names = [
        "../../../../tmp/escape.sh",
        "/etc/passwd",
        "..",
        ".",
        "",
        "a/../../b.txt",
        "..\\..\\windows\\system32\\evil.dll",
        "CON",
        "nul.txt",
        ".bashrc",
        "name\u{202e}gpj.exe",
        "\x1b]0;t\x07.sh",
        "x\0y.txt",
    ];
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("saved");
    for (i, name) in names.iter().enumerate() {
        let raw = format!(
            "Subject: a\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n\r\n\
             --b\r\nContent-Type: text/plain\r\n\r\nhi\r\n--b\r\nContent-Type: application/octet-stream\r\n\
             Content-Disposition: attachment; filename=\"{name}\"\r\nContent-Transfer-Encoding: base64\r\n\r\n\
             ZWNobyBwd25lZAo=\r\n--b--\r\n"
        );
        let path = save_attachment(raw.as_bytes(), 0, &target)
            .unwrap_or_else(|e| panic!("attachment {i} ({name:?}): {e}"));
        assert_eq!(
            path.parent(),
            Some(target.as_path()),
            "{name:?} → {}",
            path.display()
        );
        let file = path.file_name().unwrap().to_string_lossy().to_string();
        assert!(
            !file.starts_with('.'),
            "{name:?} saved as a hidden file {file}"
        );
        assert!(
            !file.chars().any(wirepost::sanitize::is_dangerous),
            "{name:?} saved as {file:?}"
        );
        assert_eq!(std::fs::read(&path).unwrap(), b"echo pwned\n");
    }
    // Nothing was written anywhere else.
    let outside: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .flatten()
        .map(|e| e.file_name())
        .collect();
    assert_eq!(outside, vec![std::ffi::OsString::from("saved")]);
    assert!(!Path::new("/tmp/escape.sh").exists());
}
