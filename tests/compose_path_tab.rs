//! Compose fields take input in order: a path and Tab typed with no pause
//! (one write to the terminal) complete the path and stay in the field,
//! and keys typed after the Tab land after the completion — in the real
//! binary in a pseudo-terminal.

mod common;

use common::pty::{Tui, temp_config};

#[test]
fn a_path_and_tab_typed_at_once_complete_in_place() {
    let dir = tempfile::tempdir().unwrap();
    let files = dir.path().join("files");
    std::fs::create_dir(&files).unwrap();
    std::fs::write(files.join("quarterly-report.pdf"), b"%PDF-1.4\n").unwrap();
    std::fs::write(files.join("notes.txt"), b"notes\n").unwrap();
    let config = temp_config(
        dir.path(),
        &format!(
            "[store]\npath = \"{}\"\n[[accounts]]\nname = \"me\"\nemail = \"me@example.test\"\n\
             [accounts.smtp]\nhost = \"127.0.0.1\"\npassword_env = \"NOPE\"\n",
            dir.path().join("store").display()
        ),
    );
    let mut tui = Tui::start(&["-c", config.to_str().unwrap()], 120, 30);
    tui.wait_text("Sockets");
    tui.send("2");
    tui.wait_text("Attach");
    // `a` (attach), a path and Tab, all in one write: the Tab comes
    // before any candidates.
    let prefix = format!("{}/quar", files.display());
    tui.send(&format!("a{prefix}\t"));
    let full = format!("{}/quarterly-report.pdf", files.display());
    tui.wait_text(&format!("Attach  {full}"));
    tui.send("\r");
    tui.wait_text("attached quarterly-report.pdf");
    // Path, Tab and more keys at once: the keys go after the completion.
    tui.send(&format!("{}/no\tX", files.display()));
    tui.wait_text(&format!("Attach  {}/notes.txtX", files.display()));
    // Quitting keeps the unsent message (with its attachment) in Drafts.
    tui.send("\x03");
    assert_eq!(tui.wait_exit(), 0);
}
