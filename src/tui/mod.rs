//! The terminal: taking it over and giving it back on every exit path, and
//! the loop that feeds input and engine reports to `App::update`.

pub mod editor;
mod event_loop;
mod input;
mod pipe;
mod screen;
mod terminal;

pub use event_loop::{FRAME_INTERVAL_MS, LoopExit, run};
pub use input::{InputReader, translate};
pub use screen::{CrosstermScreen, Screen};
pub use terminal::{TerminalGuard, install_panic_hook, restore_terminal};
