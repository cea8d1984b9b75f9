//! The protocol trace: the POP3 conversation as a user may see it. Commands
//! are recorded in their masked form (see `Command::shown`), message bodies
//! and long listings are replaced by their size, and the buffer is drained
//! in batches by whoever shows it, so a 10,000-message sync never turns into
//! one event per line.

/// Who said a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TraceDir {
    Client,
    Server,
    /// wirepost's own remark (TLS started, connection closed).
    Note,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TraceLine {
    pub dir: TraceDir,
    pub text: String,
}

impl TraceLine {
    /// `C: RETR 1`, `S: +OK`, `-- TLS established` — as the CLI prints it.
    pub fn render(&self) -> String {
        let prefix = match self.dir {
            TraceDir::Client => "C: ",
            TraceDir::Server => "S: ",
            TraceDir::Note => "-- ",
        };
        format!("{prefix}{}", self.text)
    }
}

/// Lines kept while nobody drains them; older ones are dropped and counted.
pub const TRACE_PENDING_CAP_LINES: usize = 5_000;

#[derive(Debug, Default)]
pub struct Trace {
    enabled: bool,
    pending: Vec<TraceLine>,
    dropped: u64,
}

impl Trace {
    pub fn enabled() -> Trace {
        Trace {
            enabled: true,
            ..Trace::default()
        }
    }

    pub fn disabled() -> Trace {
        Trace::default()
    }

    pub fn is_enabled(&self) -> bool {
        self.enabled
    }

    fn push(&mut self, dir: TraceDir, text: String) {
        if !self.enabled {
            return;
        }
        if self.pending.len() >= TRACE_PENDING_CAP_LINES {
            self.pending.remove(0);
            self.dropped += 1;
        }
        self.pending.push(TraceLine { dir, text });
    }

    /// A command, already masked by the caller.
    pub fn client(&mut self, shown: &str) {
        self.push(TraceDir::Client, shown.to_string());
    }

    /// A status or listing line from the server, without its line ending.
    pub fn server(&mut self, line: &[u8]) {
        if self.enabled {
            let text = String::from_utf8_lossy(super::reply::trim_eol(line)).into_owned();
            self.push(TraceDir::Server, text);
        }
    }

    /// A multi-line body, shown only by its size.
    pub fn body(&mut self, what: &str, bytes: u64, lines: u64) {
        if !self.enabled {
            return;
        }
        self.push(
            TraceDir::Server,
            format!("[{what}: {bytes} bytes, {lines} lines]"),
        );
    }

    pub fn note(&mut self, text: &str) {
        self.push(TraceDir::Note, text.to_string());
    }

    /// Takes what accumulated since the last call; a leading note says how
    /// many lines were dropped because nobody took them in time.
    pub fn drain(&mut self) -> Vec<TraceLine> {
        let mut lines = Vec::with_capacity(self.pending.len() + 1);
        if self.dropped > 0 {
            lines.push(TraceLine {
                dir: TraceDir::Note,
                text: format!("{} trace lines dropped", self.dropped),
            });
            self.dropped = 0;
        }
        lines.append(&mut self.pending);
        lines
    }
}
