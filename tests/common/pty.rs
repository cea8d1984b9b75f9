//! Runs the real wirepost binary in a pseudo-terminal and reads its screen
//! through a vt100 emulator, so tests see what a user sees.

use portable_pty::{Child, CommandBuilder, MasterPty, PtySize, native_pty_system};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long a test waits for the screen to show something before failing.
/// A generous bound for slow CI machines, not a performance assertion.
const SCREEN_WAIT: Duration = Duration::from_secs(20);

/// Start of a synchronized update: wirepost wraps every frame in one.
pub const FRAME_START: &[u8] = b"\x1b[?2026h";
/// End of a synchronized update.
pub const FRAME_END: &[u8] = b"\x1b[?2026l";

fn rfind(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).rposition(|w| w == needle)
}

pub struct Tui {
    master: Box<dyn MasterPty + Send>,
    writer: Box<dyn Write + Send>,
    child: Box<dyn Child + Send + Sync>,
    parser: Arc<Mutex<vt100::Parser<TitleWatch>>>,
    raw: Arc<Mutex<Vec<u8>>>,
    /// Set once the reader has seen the end of the output.
    eof: Arc<std::sync::atomic::AtomicBool>,
    pub home: tempfile::TempDir,
}

impl Tui {
    /// Starts wirepost with a private HOME and XDG dirs; `args` are extra
    /// command-line arguments.
    pub fn start(args: &[&str], cols: u16, rows: u16) -> Tui {
        Tui::start_with(args, cols, rows, &[])
    }

    pub fn start_with(args: &[&str], cols: u16, rows: u16, env: &[(&str, &str)]) -> Tui {
        let home = tempfile::tempdir().unwrap();
        let pty = native_pty_system()
            .openpty(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .unwrap();
        // WIREPOST_TEST_BIN runs another build (the release binary, for
        // measurements) through the same harness.
        let program = std::env::var_os("WIREPOST_TEST_BIN")
            .unwrap_or_else(|| env!("CARGO_BIN_EXE_wirepost").into());
        let mut cmd = CommandBuilder::new(program);
        cmd.args(args);
        cmd.env_clear();
        cmd.env("PATH", std::env::var("PATH").unwrap_or_default());
        cmd.env("TERM", "xterm-256color");
        cmd.env("HOME", home.path());
        cmd.env("XDG_CONFIG_HOME", home.path().join("config"));
        cmd.env("XDG_DATA_HOME", home.path().join("data"));
        cmd.env("XDG_STATE_HOME", home.path().join("state"));
        for (k, v) in env {
            cmd.env(k, v);
        }
        cmd.cwd(home.path());
        let child = pty.slave.spawn_command(cmd).unwrap();
        drop(pty.slave);
        let mut reader = pty.master.try_clone_reader().unwrap();
        let writer = pty.master.take_writer().unwrap();
        let parser = Arc::new(Mutex::new(vt100::Parser::new_with_callbacks(
            nz(rows),
            nz(cols),
            0,
            TitleWatch::default(),
        )));
        let raw = Arc::new(Mutex::new(Vec::new()));
        let eof = Arc::new(std::sync::atomic::AtomicBool::new(false));
        {
            let parser = parser.clone();
            let raw = raw.clone();
            let eof = eof.clone();
            std::thread::spawn(move || {
                let mut buf = [0u8; 8192];
                // The screen shows whole frames only, as a terminal that
                // honours synchronized output does: a frame split across
                // reads is held back until its end marker arrives.
                let mut pending = Vec::new();
                while let Ok(n) = reader.read(&mut buf) {
                    if n == 0 {
                        break;
                    }
                    raw.lock().unwrap().extend_from_slice(&buf[..n]);
                    pending.extend_from_slice(&buf[..n]);
                    let start = rfind(&pending, FRAME_START);
                    let end = rfind(&pending, FRAME_END);
                    let ready = match (start, end) {
                        (Some(s), Some(e)) if e > s => pending.len(),
                        (Some(s), _) => s,
                        (None, _) => pending.len(),
                    };
                    parser.lock().unwrap().process(&pending[..ready]);
                    pending.drain(..ready);
                }
                parser.lock().unwrap().process(&pending);
                eof.store(true, std::sync::atomic::Ordering::SeqCst);
            });
        }
        Tui {
            master: pty.master,
            writer,
            child,
            parser,
            raw,
            eof,
            home,
        }
    }

    pub fn config_dir(&self) -> PathBuf {
        self.home.path().join("config").join("wirepost")
    }

    /// Types `text` as keystrokes.
    pub fn send(&mut self, text: &str) {
        self.send_bytes(text.as_bytes());
    }

    pub fn send_bytes(&mut self, bytes: &[u8]) {
        self.writer.write_all(bytes).unwrap();
        self.writer.flush().unwrap();
    }

    /// A left click at 0-based (column, row), as an SGR mouse report.
    pub fn click(&mut self, column: u16, row: u16) {
        let press = format!("\x1b[<0;{};{}M", column + 1, row + 1);
        let release = format!("\x1b[<0;{};{}m", column + 1, row + 1);
        self.send(&press);
        self.send(&release);
    }

    pub fn resize(&mut self, cols: u16, rows: u16) {
        self.parser.lock().unwrap().set_size(nz(rows), nz(cols));
        self.master
            .resize(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .unwrap();
    }

    /// The screen as text, one line per row.
    pub fn screen(&self) -> String {
        self.parser.lock().unwrap().screen().contents()
    }

    /// One row of the screen.
    pub fn row(&self, row: u16) -> String {
        let parser = self.parser.lock().unwrap();
        let (_, cols) = parser.screen().size();
        parser.screen().contents_between(row, 0, row, cols.get())
    }

    /// Everything the program wrote to the terminal so far.
    pub fn raw(&self) -> Vec<u8> {
        self.raw.lock().unwrap().clone()
    }

    /// How many frames the program has drawn so far.
    pub fn frames(&self) -> usize {
        count(&self.raw(), FRAME_START)
    }

    /// Every terminal title the program tried to set (OSC 0/2).
    pub fn titles(&self) -> Vec<Vec<u8>> {
        self.parser.lock().unwrap().callbacks().titles.clone()
    }

    /// Waits until `predicate` holds for the screen; panics with the screen
    /// if it never does.
    pub fn wait_for(&self, what: &str, predicate: impl Fn(&str) -> bool) {
        let start = Instant::now();
        loop {
            let screen = self.screen();
            if predicate(&screen) {
                return;
            }
            if start.elapsed() > SCREEN_WAIT {
                panic!("timed out waiting for {what}; screen:\n{screen}");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Waits until the screen contains `text`.
    pub fn wait_text(&self, text: &str) {
        self.wait_for(&format!("{text:?}"), |s| s.contains(text));
    }

    /// Waits until the frame count reaches `n`.
    pub fn wait_frames(&self, n: usize) {
        let start = Instant::now();
        while self.frames() < n {
            if start.elapsed() > SCREEN_WAIT {
                panic!("timed out waiting for frame {n}; have {}", self.frames());
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// Waits until the program stops drawing: no new frame for `quiet`.
    /// Returns the frame count then. For tests that count frames after
    /// start-up work (the store's first answers) has settled.
    pub fn wait_settled(&self, quiet: Duration) -> usize {
        let start = Instant::now();
        let mut frames = self.frames();
        let mut since = Instant::now();
        loop {
            std::thread::sleep(Duration::from_millis(20));
            let now = self.frames();
            if now != frames {
                frames = now;
                since = Instant::now();
            } else if since.elapsed() >= quiet {
                return frames;
            }
            if start.elapsed() > SCREEN_WAIT {
                panic!(
                    "still drawing after {SCREEN_WAIT:?}; screen:\n{}",
                    self.screen()
                );
            }
        }
    }

    /// Waits for the program to exit and returns its exit code.
    pub fn wait_exit(&mut self) -> u32 {
        let start = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                // Let the reader thread take the last bytes (it sees the
                // end of output once the child's side of the pty closes).
                let drained = Instant::now();
                while !self.eof.load(std::sync::atomic::Ordering::SeqCst)
                    && drained.elapsed() < Duration::from_secs(2)
                {
                    std::thread::sleep(Duration::from_millis(10));
                }
                return status.exit_code();
            }
            if start.elapsed() > SCREEN_WAIT {
                let _ = self.child.kill();
                panic!("wirepost did not exit; screen:\n{}", self.screen());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    pub fn pid(&self) -> u32 {
        self.child.process_id().unwrap()
    }
}

impl Drop for Tui {
    fn drop(&mut self) {
        let _ = self.child.kill();
    }
}

pub fn count(haystack: &[u8], needle: &[u8]) -> usize {
    haystack
        .windows(needle.len())
        .filter(|w| *w == needle)
        .count()
}

/// Writes `text` to a config file in a fresh temp dir.
pub fn temp_config(dir: &Path, text: &str) -> PathBuf {
    let path = dir.join("config.toml");
    std::fs::write(&path, text).unwrap();
    path
}

fn nz(n: u16) -> std::num::NonZeroU16 {
    std::num::NonZeroU16::new(n.max(1)).unwrap()
}

/// Records terminal title changes, which a hostile byte stream might try.
#[derive(Default)]
pub struct TitleWatch {
    pub titles: Vec<Vec<u8>>,
}

impl vt100::Callbacks for TitleWatch {
    fn set_window_title(&mut self, _: &mut vt100::Screen, title: &[u8]) {
        self.titles.push(title.to_vec());
    }
}
