//! Running the user's `$EDITOR` on some text while the interface steps
//! aside: input reader paused (two readers on one tty lose keys), raw mode
//! and the alternate screen left, then everything restored and redrawn.

use super::{InputReader, Screen, TerminalGuard, restore_terminal};
use std::io::Write;
use std::path::PathBuf;

/// The editor command: $VISUAL, then $EDITOR, then vi.
pub fn editor_command() -> String {
    ["VISUAL", "EDITOR"]
        .iter()
        .filter_map(|v| std::env::var(v).ok())
        .find(|v| !v.trim().is_empty())
        .unwrap_or_else(|| "vi".into())
}

/// Writes `text` to a private temporary file, runs the editor on it and
/// returns what the file holds afterwards. Blocking.
pub fn edit_text(text: &str) -> Result<String, String> {
    let path = temp_path();
    let result = (|| {
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode_private()
            .open(&path)
            .map_err(|e| format!("cannot create {}: {e}", path.display()))?;
        file.write_all(text.as_bytes()).map_err(|e| e.to_string())?;
        drop(file);
        let editor = editor_command();
        // Through the shell, so "code --wait" or "vim -c 'set tw=72'" work.
        let status = std::process::Command::new("sh")
            .arg("-c")
            .arg(format!("{editor} \"$1\""))
            .arg("sh")
            .arg(&path)
            .status()
            .map_err(|e| format!("cannot run {editor}: {e}"))?;
        if !status.success() {
            return Err(format!(
                "{editor} exited with {status}; the body is unchanged"
            ));
        }
        std::fs::read_to_string(&path).map_err(|e| format!("cannot read the edited text: {e}"))
    })();
    let _ = std::fs::remove_file(&path);
    result
}

trait PrivateMode {
    fn mode_private(&mut self) -> &mut Self;
}

impl PrivateMode for std::fs::OpenOptions {
    fn mode_private(&mut self) -> &mut Self {
        use std::os::unix::fs::OpenOptionsExt;
        self.mode(0o600)
    }
}

fn temp_path() -> PathBuf {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    std::env::temp_dir().join(format!("wirepost-{}-{nanos:x}.eml.txt", std::process::id()))
}

/// Hands the terminal to the editor and takes it back.
pub async fn suspend_and_edit<S: Screen>(
    reader: &mut InputReader,
    screen: &mut S,
    text: String,
) -> Result<String, String> {
    reader.pause();
    restore_terminal();
    let result = tokio::task::spawn_blocking(move || edit_text(&text))
        .await
        .map_err(|e| e.to_string())
        .and_then(|r| r);
    match TerminalGuard::enter() {
        // The guard made by main restores the terminal on the way out;
        // this one must not do it a second time now.
        Ok(guard) => std::mem::forget(guard),
        Err(e) => tracing::error!("cannot take the terminal back: {e}"),
    }
    let _ = screen.reset();
    reader.resume();
    result
}

/// Hands the terminal to gpg so that its pinentry can ask for the
/// passphrase of the request's key, and takes it back.
pub async fn suspend_and_unlock<S: Screen>(
    reader: &mut InputReader,
    screen: &mut S,
    config: crate::config::PgpConfig,
    request: crate::mail::compose::secure::UnlockRequest,
) -> Result<(), String> {
    reader.pause();
    restore_terminal();
    println!("wirepost: gpg asks for your key's passphrase…");
    let tty = std::fs::read_link("/proc/self/fd/0").ok();
    let result = tokio::task::spawn_blocking(move || {
        crate::mail::compose::secure::unlock_on_terminal(&config, &request, tty)
    })
    .await
    .map_err(|e| e.to_string())
    .and_then(|r| r);
    match TerminalGuard::enter() {
        Ok(guard) => std::mem::forget(guard),
        Err(e) => tracing::error!("cannot take the terminal back: {e}"),
    }
    let _ = screen.reset();
    reader.resume();
    result
}
