//! Attachments in the real binary: `w` asks where (the download folder and
//! the attachment's safe name typed in; a path and Tab typed at once
//! complete in place), `W` saves all into a folder, `O` opens a private
//! copy with `open_command`, `|` pipes one into a shell command.

mod common;

use common::pty::{Tui, temp_config};
use std::os::unix::fs::PermissionsExt;

const PDF: &[u8] = b"%PDF-1.4 hello";

const MESSAGE: &str = "From: Ann <ann@example.com>\nTo: me@example.com\nSubject: the files\n\
Date: Tue, 1 Jul 2025 10:00:00 +0000\nMessage-ID: <files@example.com>\n\
Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/plain\n\nSee attached.\n\
--b\nContent-Type: application/pdf\n\
Content-Disposition: attachment; filename=\"../../\x1b[2Jreport.pdf\"\n\
Content-Transfer-Encoding: base64\n\nJVBERi0xLjQgaGVsbG8=\n\
--b\nContent-Type: text/csv\nContent-Disposition: attachment; filename=\"data.csv\"\n\na,b\n--b--\n";

#[test]
fn attachments_save_where_asked_save_all_open_and_pipe() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let (downloads, source) = (root.join("dl"), root.join("mail"));
    std::fs::create_dir_all(root.join("keep-here")).unwrap();
    std::fs::create_dir_all(&source).unwrap();
    std::fs::write(source.join("files.eml"), MESSAGE).unwrap();
    // The opener records the file it was given and its bytes.
    let opener = root.join("opener.sh");
    std::fs::write(
        &opener,
        format!(
            "#!/bin/sh\necho \"$1\" > {0}/opened-path.tmp\ncp \"$1\" {0}/opened.bin\nmv {0}/opened-path.tmp {0}/opened-path\n",
            root.display()
        ),
    )
    .unwrap();
    std::fs::set_permissions(&opener, std::fs::Permissions::from_mode(0o755)).unwrap();
    let config = temp_config(
        root,
        &format!(
            "[store]\npath = \"{}\"\ndownload_dir = \"{}\"\nopen_command = \"{}\"\n",
            root.join("store").display(),
            downloads.display(),
            opener.display()
        ),
    );
    let mut tui = Tui::start(&["--config", config.to_str().unwrap()], 110, 32);
    tui.send("3");
    tui.wait_text("No mail here yet");
    tui.send(&format!("i{}\r", source.display()));
    tui.wait_text("the files");
    tui.send("\r");
    tui.wait_text("See attached.");

    // w: the download folder and the safe name are typed in already.
    tui.send("w");
    // (The escape byte in the name became "_".)
    tui.wait_text(&format!(
        "Save attachment as: {}/_[2Jreport.pdf",
        downloads.display()
    ));
    // A new path, Tab and more text typed at once: completes in place.
    let typed = format!("\x15{}/keep-h\tmine.pdf\r", root.display());
    tui.send(&typed);
    let saved = root.join("keep-here").join("mine.pdf");
    tui.wait_text("mine.pdf");
    wait_file(&saved);
    assert_eq!(std::fs::read(&saved).unwrap(), PDF);

    // W: every attachment into the download folder, names made safe.
    tui.send("W");
    tui.wait_text(&format!(
        "Save all attachments into: {}/",
        downloads.display()
    ));
    tui.send("\r");
    tui.wait_text("saved 2 attachment(s)");
    let mut names: Vec<String> = std::fs::read_dir(&downloads)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["_[2Jreport.pdf", "data.csv"]);

    // O: a private copy handed to open_command.
    tui.send("O");
    tui.wait_text("opened");
    wait_file(&root.join("opened-path"));
    assert_eq!(std::fs::read(root.join("opened.bin")).unwrap(), PDF);
    let given = std::fs::read_to_string(root.join("opened-path")).unwrap();
    let given = std::path::Path::new(given.trim());
    assert!(!given.starts_with(&downloads), "{given:?}");
    let mode = std::fs::metadata(given.parent().unwrap())
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o077, 0, "the copy's folder is private");

    // |: the attachment on a command's standard input, then back.
    let piped = root.join("piped.bin");
    tui.send(&format!("|cat > {}\r", piped.display()));
    tui.wait_text("press Enter to return to wirepost");
    tui.send("\r");
    tui.wait_text("See attached.");
    assert_eq!(std::fs::read(&piped).unwrap(), PDF);

    tui.send("q");
    tui.send("q");
    assert_eq!(tui.wait_exit(), 0);
}

fn wait_file(path: &std::path::Path) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while !path.exists() {
        assert!(std::time::Instant::now() < deadline, "{path:?} never came");
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}
