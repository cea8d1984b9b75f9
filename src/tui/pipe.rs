//! Piping an attachment (or a message) into a shell command, as neomutt's
//! `|` does: the interface steps aside like it does for `$EDITOR`, the
//! command reads the private copy on its standard input and writes to the
//! terminal, and a key press brings wirepost back so its output can be
//! read first. The private copy is removed afterwards.

use super::{InputReader, Screen, TerminalGuard, restore_terminal};
use crate::report::Level;
use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};

/// Runs `command` through `sh -c` with `input` on its standard input, then
/// waits for Enter. Blocking. Says how it went, for the status line.
pub fn run_pipe(command: &str, input: &Path) -> (Level, String) {
    let outcome = std::fs::File::open(input)
        .map_err(|e| format!("cannot read {}: {e}", input.display()))
        .and_then(|stdin| {
            std::process::Command::new("sh")
                .arg("-c")
                .arg(command)
                .stdin(stdin)
                .status()
                .map_err(|e| format!("cannot run sh: {e}"))
        });
    let _ = std::fs::remove_file(input);
    let summary = match &outcome {
        Ok(status) if status.success() => (Level::Info, format!("piped to {command}")),
        Ok(status) => (Level::Warning, format!("{command}: {status}")),
        Err(e) => (Level::Error, e.clone()),
    };
    let mut out = std::io::stdout();
    let _ = write!(out, "\n[{}] press Enter to return to wirepost ", summary.1);
    let _ = out.flush();
    let _ = std::io::stdin().lock().read_line(&mut String::new());
    summary
}

/// Hands the terminal to the command and takes it back.
pub async fn suspend_and_pipe<S: Screen>(
    reader: &mut InputReader,
    screen: &mut S,
    command: String,
    input: PathBuf,
) -> (Level, String) {
    reader.pause();
    restore_terminal();
    let result = tokio::task::spawn_blocking(move || run_pipe(&command, &input))
        .await
        .unwrap_or_else(|e| (Level::Error, e.to_string()));
    match TerminalGuard::enter() {
        // As for the editor: main's guard restores the terminal at exit.
        Ok(guard) => std::mem::forget(guard),
        Err(e) => tracing::error!("cannot take the terminal back: {e}"),
    }
    let _ = screen.reset();
    reader.resume();
    result
}
