//! Logging goes to a file, never to the terminal the TUI draws on.

use std::path::Path;
use tracing_appender::non_blocking::WorkerGuard;
use tracing_subscriber::EnvFilter;

/// Environment variable that overrides `--log-level` with a full filter
/// (e.g. `wirepost=debug,rustls=warn`).
pub const LOG_ENV: &str = "WIREPOST_LOG";

/// Starts logging to `file`. The returned guard flushes on drop; keep it
/// alive for the life of the program.
pub fn init(file: &Path, level: &str) -> Result<WorkerGuard, String> {
    let dir = file.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)
        .map_err(|e| format!("cannot create log directory {}: {e}", dir.display()))?;
    let name = file.file_name().unwrap_or("wirepost.log".as_ref());
    let appender = tracing_appender::rolling::never(dir, name);
    let (writer, guard) = tracing_appender::non_blocking(appender);
    let filter = match std::env::var(LOG_ENV) {
        Ok(spec) if !spec.is_empty() => EnvFilter::try_new(&spec),
        _ => EnvFilter::try_new(level),
    }
    .map_err(|e| format!("bad log level: {e}"))?;
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(writer)
        .with_ansi(false)
        .try_init()
        .map_err(|e| format!("cannot start logging: {e}"))?;
    Ok(guard)
}
