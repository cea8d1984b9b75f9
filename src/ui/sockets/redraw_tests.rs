//! No stale cells: the screen a terminal shows after many frames drawn as
//! differences (what ratatui sends after the first frame) must be the
//! screen a full redraw of the same state gives. Random bytes — most of
//! them not UTF-8, the rest wide characters, combining marks, zero-width,
//! format and bidi code points — are fed into a session frame by frame;
//! the bytes ratatui writes go into a vt100 terminal, as the real terminal
//! gets them, and that screen is compared with a fresh full redraw.

use crate::app::sockets::{SessionState, SocketSession, ViewMode};
use crate::app::{App, Keymap};
use crate::config::{Config, ConfigOrigin, LoadedConfig};
use crate::net::pipe_buffer::DataPipe;
use crate::net::session::{Chunk, Direction, PipeHandle, SessionKind};
use ratatui::backend::CrosstermBackend;
use ratatui::layout::Rect;
use ratatui::{Terminal, TerminalOptions, Viewport};
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::io::Write;
use std::path::PathBuf;
use std::rc::Rc;
use std::time::{Duration, SystemTime};

const WIDTH: u16 = 80;
const HEIGHT: u16 = 25;

/// What the backend writes, shared with the test.
#[derive(Clone, Default)]
struct Wire(Rc<RefCell<Vec<u8>>>);

impl Write for Wire {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.borrow_mut().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Wire {
    fn take(&self) -> Vec<u8> {
        std::mem::take(&mut self.0.borrow_mut())
    }
}

type WireTerminal = Terminal<CrosstermBackend<Wire>>;

fn terminal(wire: &Wire) -> WireTerminal {
    let viewport = Viewport::Fixed(Rect::new(0, 0, WIDTH, HEIGHT));
    Terminal::with_options(
        CrosstermBackend::new(wire.clone()),
        TerminalOptions { viewport },
    )
    .unwrap()
}

/// A small deterministic generator (xorshift64*), so a failure repeats.
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    /// Bytes like a peer might send: raw noise, or text full of the
    /// characters that are hard to draw.
    fn payload(&mut self) -> Vec<u8> {
        let len = 1 + self.below(300) as usize;
        if self.below(3) == 0 {
            return (0..len).map(|_| self.next() as u8).collect();
        }
        const HARD: &[(u32, u32)] = &[
            (0x20, 0x7e),       // ASCII
            (0x80, 0x9f),       // C1 controls
            (0x300, 0x36f),     // combining marks
            (0x590, 0x6ff),     // Hebrew, Arabic
            (0x1100, 0x115f),   // Hangul jamo (wide)
            (0x200b, 0x200f),   // zero-width, marks
            (0x2028, 0x202e),   // separators, bidi
            (0x2060, 0x206f),   // invisible operators, isolates
            (0x3000, 0x30ff),   // CJK punctuation, kana (wide)
            (0x4e00, 0x4fff),   // CJK ideographs (wide)
            (0xfe00, 0xfe0f),   // variation selectors
            (0xfeff, 0xfeff),   // BOM
            (0xff00, 0xffef),   // full- and half-width forms
            (0x1f300, 0x1f64f), // emoji
            (0x1f3fb, 0x1f3ff), // skin tones
            (0xe0000, 0xe007f), // tags
            (0xe000, 0xe0ff),   // private use
        ];
        let mut text = String::new();
        while text.len() < len {
            let (lo, hi) = HARD[self.below(HARD.len() as u64) as usize];
            let c = char::from_u32(lo + self.below(u64::from(hi - lo + 1)) as u32);
            text.extend(c);
            if self.below(20) == 0 {
                text.push(['\n', '\r', '\t', '\x1b'][self.below(4) as usize]);
            }
        }
        text.into_bytes()
    }
}

fn app_with_a_session() -> App {
    let loaded = LoadedConfig {
        config: Config::default(),
        origin: ConfigOrigin::Missing(PathBuf::from("/nonexistent/config.toml")),
    };
    let mut app = App::new(loaded, Keymap::build(&BTreeMap::new()).unwrap());
    app.sockets.time_zone = crate::net::timefmt::TimeZone::Utc;
    let mut session = SocketSession::new(
        1,
        SessionKind::Accepted,
        "127.0.0.1:40000".into(),
        PipeHandle(DataPipe::new()),
    );
    session.state = SessionState::Connected;
    // Ages are drawn in whole hours from here on, the same in every frame
    // of the test.
    session.opened = std::time::Instant::now() - Duration::from_secs(10 * 3600 + 1800);
    app.sockets.sessions.push(session);
    app.size = (WIDTH, HEIGHT);
    app
}

/// The screen as a vt100 terminal shows it after `bytes`.
fn screen_after(parser: &mut vt100::Parser, bytes: &[u8]) -> Vec<String> {
    parser.process(bytes);
    let screen = parser.screen();
    (0..HEIGHT)
        .map(|row| {
            (0..WIDTH)
                .map(|col| match screen.cell(row, col) {
                    None => "?".to_string(),
                    Some(c) if c.is_wide_continuation() => "»".to_string(),
                    // Never written and written blank look the same.
                    Some(c) if c.contents().is_empty() => " ".to_string(),
                    Some(c) => c.contents().to_string(),
                })
                .collect::<Vec<_>>()
                .join("|")
        })
        .collect()
}

fn parser() -> vt100::Parser {
    let nz = |n: u16| std::num::NonZeroU16::new(n).unwrap();
    vt100::Parser::new(nz(HEIGHT), nz(WIDTH), 0)
}

fn full_redraw(app: &App) -> Vec<String> {
    let wire = Wire::default();
    let mut fresh = terminal(&wire);
    fresh.draw(|f| crate::ui::render(app, f)).unwrap();
    let mut parser = parser();
    screen_after(&mut parser, &wire.take())
}

fn feed_and_compare(view: ViewMode, seed: u64) {
    let mut app = app_with_a_session();
    app.sockets.view = view;
    let mut random = Random(seed);
    let wire = Wire::default();
    let mut incremental = terminal(&wire);
    let mut parser = parser();
    for frame in 0..200u64 {
        let chunk = Chunk {
            dir: if random.below(4) == 0 {
                Direction::Out
            } else {
                Direction::In
            },
            at: SystemTime::UNIX_EPOCH + Duration::from_millis(frame * 37),
            peer: None,
            data: random.payload(),
        };
        app.sockets.sessions[0].transcript.push(chunk);
        incremental.draw(|f| crate::ui::render(&app, f)).unwrap();
        let shown = screen_after(&mut parser, &wire.take());
        let whole = full_redraw(&app);
        for (row, (a, b)) in shown.iter().zip(&whole).enumerate() {
            assert_eq!(
                a, b,
                "{view:?}, seed {seed}, frame {frame}: row {row} differs from a full redraw"
            );
        }
    }
}

#[test]
fn random_bytes_leave_no_stale_cells_in_the_text_view() {
    for seed in [1, 0xdead_beef] {
        feed_and_compare(ViewMode::Text, seed);
    }
}

#[test]
fn random_bytes_leave_no_stale_cells_in_hex_and_split_views() {
    feed_and_compare(ViewMode::Hex, 7);
    feed_and_compare(ViewMode::Split, 11);
}
