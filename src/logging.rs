//! Logging goes to a file, never to the terminal the TUI draws on.

use std::path::Path;
use tracing_appender::non_blocking::WorkerGuard;
use tracing_subscriber::EnvFilter;

/// Environment variable that overrides `--log-level` with a full filter
/// (e.g. `wirepost=debug,rustls=warn`).
pub const LOG_ENV: &str = "WIREPOST_LOG";

/// Crates that log protocol traffic verbatim at debug/trace — async-imap
/// writes `LOGIN "user" "password"` — are held at info whatever the filter
/// asks: a log file must never hold a password. wirepost's own protocol
/// traces are redacted and unaffected.
const WIRE_LOGGERS: &[&str] = &["async_imap=info", "imap_proto=info", "lettre=info"];

/// The user's filter with the wire loggers capped.
fn filter(spec: &str) -> Result<EnvFilter, String> {
    let mut filter = EnvFilter::try_new(spec).map_err(|e| format!("bad log level: {e}"))?;
    for directive in WIRE_LOGGERS {
        filter = filter.add_directive(directive.parse().expect("a valid directive"));
    }
    Ok(filter)
}

/// Starts logging to `file`. The returned guard flushes on drop; keep it
/// alive for the life of the program.
pub fn init(file: &Path, level: &str) -> Result<WorkerGuard, String> {
    let dir = file.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)
        .map_err(|e| format!("cannot create log directory {}: {e}", dir.display()))?;
    let name = file.file_name().unwrap_or("wirepost.log".as_ref());
    let appender = tracing_appender::rolling::never(dir, name);
    let (writer, guard) = tracing_appender::non_blocking(appender);
    let spec = match std::env::var(LOG_ENV) {
        Ok(spec) if !spec.is_empty() => spec,
        _ => level.to_string(),
    };
    let filter = filter(&spec)?;
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(writer)
        .with_ansi(false)
        .try_init()
        .map_err(|e| format!("cannot start logging: {e}"))?;
    Ok(guard)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_loggers_stay_capped_even_when_asked_for_by_name() {
        for spec in [
            "trace",
            "debug",
            "async_imap=trace,lettre=trace",
            "wirepost=trace",
        ] {
            let shown = filter(spec).unwrap().to_string();
            for capped in WIRE_LOGGERS {
                assert!(shown.contains(capped), "{spec}: {shown}");
            }
            assert!(!shown.contains("async_imap=trace"), "{spec}: {shown}");
        }
        assert!(filter("no such=level=x").is_err());
    }
}
