//! The event loop with a counting screen and virtual time: bursts become one
//! frame, and an idle hour draws nothing.

use crossterm::event::{Event as TermEvent, KeyCode, KeyEvent, KeyModifiers};
use std::collections::BTreeMap;
use std::io;
use std::path::PathBuf;
use std::time::Duration;
use tokio::sync::mpsc;
use wirepost::app::{App, EngineEvent, JobEvent, Keymap, Level, Tab};
use wirepost::config::{Config, ConfigOrigin, LoadedConfig};
use wirepost::engines::Engines;
use wirepost::tui::{InputReader, LoopExit, Screen, run};

#[derive(Default)]
struct CountingScreen {
    frames: usize,
    tabs_drawn: Vec<Tab>,
}

impl Screen for CountingScreen {
    fn draw(&mut self, app: &App) -> io::Result<()> {
        self.frames += 1;
        self.tabs_drawn.push(app.tab);
        Ok(())
    }
}

fn app() -> App {
    let loaded = LoadedConfig {
        config: Config::default(),
        origin: ConfigOrigin::Missing(PathBuf::from("/nowhere/config.toml")),
    };
    App::new(loaded, Keymap::build(&BTreeMap::new()).unwrap())
}

fn key(c: char) -> io::Result<TermEvent> {
    Ok(TermEvent::Key(KeyEvent::new(
        KeyCode::Char(c),
        KeyModifiers::NONE,
    )))
}

#[tokio::test(start_paused = true)]
async fn a_burst_is_one_frame_and_an_idle_hour_is_none() {
    let mut app = app();
    let mut screen = CountingScreen::default();
    let (input_tx, input_rx) = mpsc::channel(2048);
    let (mut engines, reports) = Engines::new();
    let reporter = engines.reporter();
    // 1,000 keys and 500 engine reports, all waiting before the loop starts.
    for i in 0..1000 {
        input_tx
            .send(key(if i % 2 == 0 { '2' } else { '3' }))
            .await
            .unwrap();
    }
    for i in 0..500 {
        reporter
            .send(EngineEvent::Job(JobEvent::Notice {
                level: Level::Info,
                text: format!("report {i}"),
            }))
            .await
            .unwrap();
    }
    let exit = run(
        &mut app,
        &mut screen,
        &mut InputReader::detached(),
        input_rx,
        reports,
        &mut engines,
        tokio::time::sleep(Duration::from_secs(3600)),
    )
    .await
    .unwrap();
    assert_eq!(exit, LoopExit::Signal);
    // The first frame, then one frame for the whole burst, one more when
    // its last message leaves the status line; nothing in the rest of the
    // idle hour.
    assert_eq!(screen.frames, 3, "tabs drawn: {:?}", screen.tabs_drawn);
    assert_eq!(screen.tabs_drawn.last(), Some(&Tab::Inbox));
    assert_eq!(app.status.message, None);
    assert_eq!(
        app.status.history.back().map(|n| n.text.as_str()),
        Some("report 499"),
        "the messages panel keeps what the status line showed"
    );
    drop(input_tx);
}

#[tokio::test(start_paused = true)]
async fn quit_key_ends_the_loop() {
    let mut app = app();
    let mut screen = CountingScreen::default();
    let (input_tx, input_rx) = mpsc::channel(8);
    let (mut engines, reports) = Engines::new();
    input_tx.send(key('q')).await.unwrap();
    let exit = run(
        &mut app,
        &mut screen,
        &mut InputReader::detached(),
        input_rx,
        reports,
        &mut engines,
        std::future::pending(),
    )
    .await
    .unwrap();
    assert_eq!(exit, LoopExit::Quit);
}

#[tokio::test(start_paused = true)]
async fn closed_input_ends_the_loop() {
    let mut app = app();
    let mut screen = CountingScreen::default();
    let (input_tx, input_rx) = mpsc::channel(8);
    drop(input_tx);
    let (mut engines, reports) = Engines::new();
    let exit = run(
        &mut app,
        &mut screen,
        &mut InputReader::detached(),
        input_rx,
        reports,
        &mut engines,
        std::future::pending(),
    )
    .await
    .unwrap();
    assert_eq!(exit, LoopExit::InputClosed);
    assert_eq!(screen.frames, 1);
}

/// Records when each frame was drawn (the runtime's clock, virtual in
/// paused tests) and which tab it showed; ends the loop after `stop_after`.
struct FrameLog {
    drawn: Vec<(tokio::time::Instant, Tab)>,
    stop_after: usize,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
}

impl FrameLog {
    fn new(stop_after: usize) -> (FrameLog, tokio::sync::oneshot::Receiver<()>) {
        let (stop, stopped) = tokio::sync::oneshot::channel();
        let log = FrameLog {
            drawn: Vec::new(),
            stop_after,
            stop: Some(stop),
        };
        (log, stopped)
    }

    fn tabs(&self) -> Vec<Tab> {
        self.drawn.iter().map(|(_, tab)| *tab).collect()
    }
}

impl Screen for FrameLog {
    fn draw(&mut self, app: &App) -> io::Result<()> {
        self.drawn.push((tokio::time::Instant::now(), app.tab));
        if self.drawn.len() == self.stop_after
            && let Some(stop) = self.stop.take()
        {
            let _ = stop.send(());
        }
        Ok(())
    }
}

/// Runs the loop until `screen` has drawn its frames.
async fn run_until_drawn(
    app: &mut App,
    screen: &mut FrameLog,
    stopped: tokio::sync::oneshot::Receiver<()>,
    input: mpsc::Receiver<io::Result<TermEvent>>,
    reports: mpsc::Receiver<EngineEvent>,
    engines: &mut Engines,
) -> LoopExit {
    run(
        app,
        screen,
        &mut InputReader::detached(),
        input,
        reports,
        engines,
        async {
            let _ = stopped.await;
        },
    )
    .await
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn typed_keys_show_in_the_next_frame_while_reports_flood_in() {
    let mut app = app();
    let (input_tx, input_rx) = mpsc::channel(8);
    let (mut screen, stopped) = FrameLog::new(3);
    let (mut engines, reports) = Engines::new();
    let reporter = engines.reporter();
    // Reports without a pause: the queue is full whenever the loop looks.
    let flood = tokio::spawn(async move {
        for i in 0.. {
            let report = EngineEvent::Job(JobEvent::Notice {
                level: Level::Info,
                text: format!("report {i}"),
            });
            if reporter.send(report).await.is_err() {
                break;
            }
        }
    });
    while engines.reporter().capacity() > 0 {
        tokio::task::yield_now().await;
    }
    // Two keys typed (the interface starts on the Inbox): the loop wakes
    // for the first; the second must not wait behind the reports that
    // queued up meanwhile.
    input_tx.send(key('1')).await.unwrap();
    input_tx.send(key('2')).await.unwrap();
    let exit = run_until_drawn(
        &mut app,
        &mut screen,
        stopped,
        input_rx,
        reports,
        &mut engines,
    )
    .await;
    flood.abort();
    assert_eq!(exit, LoopExit::Signal);
    // The start tab (the Inbox), then the frame after both keys.
    assert_eq!(
        screen.tabs()[..2],
        [Tab::Inbox, Tab::Compose],
        "the first frame after the keys shows both"
    );
}

#[tokio::test(start_paused = true)]
async fn a_key_right_after_a_frame_is_drawn_at_once() {
    let mut app = app();
    let (input_tx, input_rx) = mpsc::channel(8);
    let (mut screen, stopped) = FrameLog::new(2);
    let (mut engines, reports) = Engines::new();
    // The first frame is drawn at once; the key comes a millisecond later,
    // well inside the frame interval that paces frames for engine reports.
    let typist = tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(1)).await;
        input_tx.send(key('2')).await.unwrap();
        input_tx
    });
    run_until_drawn(
        &mut app,
        &mut screen,
        stopped,
        input_rx,
        reports,
        &mut engines,
    )
    .await;
    drop(typist.await.unwrap());
    let [(first, _), (shown, tab)] = screen.drawn[..] else {
        panic!("frames: {:?}", screen.drawn);
    };
    assert_eq!(tab, Tab::Compose);
    assert_eq!(
        shown - first,
        Duration::from_millis(1),
        "the key's frame waited for a frame slot"
    );
}
