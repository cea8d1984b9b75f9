#![no_main]
//! The whole Sockets screen drawn from a hostile transcript, in every view
//! and at any size: no drawn cell holds anything a terminal acts on.
use libfuzzer_sys::fuzz_target;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::{Duration, SystemTime};
use wirepost::app::sockets::{SessionState, SocketSession, ViewMode};
use wirepost::app::{App, Keymap};
use wirepost::config::{Config, ConfigOrigin, LoadedConfig};
use wirepost::net::pipe_buffer::DataPipe;
use wirepost::net::session::{Chunk, Direction, PipeHandle, SessionKind};
use wirepost::net::transcript::Transcript;
use wirepost::sanitize::is_dangerous;

fuzz_target!(|data: &[u8]| {
    let (size, body) = data.split_at(data.len().min(2));
    let width = 1 + size.first().copied().unwrap_or(80) as u16 % 160;
    let height = 1 + size.get(1).copied().unwrap_or(24) as u16 % 50;
    let mut session = SocketSession::new(
        1,
        SessionKind::Tcp,
        String::from_utf8_lossy(&body[..body.len().min(20)]).into_owned(),
        PipeHandle(DataPipe::new()),
    );
    session.state = SessionState::Connected;
    session.transcript = Transcript::with_cap(512);
    for (n, piece) in body.split(|b| *b == 0).enumerate() {
        session.transcript.push(Chunk {
            dir: if n % 2 == 0 { Direction::Out } else { Direction::In },
            at: SystemTime::UNIX_EPOCH + Duration::from_millis(n as u64),
            peer: None,
            data: piece.to_vec(),
        });
    }
    let log = session.transcript.readable_log();
    assert!(log.chars().all(|c| c == '\n' || !is_dangerous(c)));
    let loaded = LoadedConfig {
        config: Config::default(),
        origin: ConfigOrigin::Missing(PathBuf::from("/fuzz/config.toml")),
    };
    let mut app = App::new(loaded, Keymap::build(&BTreeMap::new()).unwrap());
    app.sockets.sessions = vec![session];
    for view in [ViewMode::Text, ViewMode::Hex, ViewMode::Split] {
        app.sockets.view = view;
        let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
        terminal.draw(|f| wirepost::ui::render(&app, f)).unwrap();
        for cell in terminal.backend().buffer().content() {
            assert!(cell.symbol().chars().all(|c| !is_dangerous(c)));
        }
    }
});
