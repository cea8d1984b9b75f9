//! What the loop draws on: the real terminal or a test backend.

use crate::app::App;
use crate::ui;
use crossterm::execute;
use crossterm::terminal::{BeginSynchronizedUpdate, EndSynchronizedUpdate};
use ratatui::Terminal;
use ratatui::backend::{Backend, CrosstermBackend};
use std::io::{self, Stdout};

/// Something the loop draws frames on: the real terminal, or a test backend.
pub trait Screen {
    fn draw(&mut self, app: &App) -> io::Result<()>;

    /// Forgets what is on the screen so the next frame is drawn whole
    /// (after another program, such as an editor, used the terminal).
    fn reset(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// The real terminal. Each frame is wrapped in a synchronized update so the
/// terminal shows it whole, never half-drawn.
pub struct CrosstermScreen {
    terminal: Terminal<CrosstermBackend<Stdout>>,
}

impl CrosstermScreen {
    pub fn new() -> io::Result<CrosstermScreen> {
        Ok(CrosstermScreen {
            terminal: Terminal::new(CrosstermBackend::new(io::stdout()))?,
        })
    }

    pub fn size(&self) -> io::Result<(u16, u16)> {
        let size = self.terminal.size()?;
        Ok((size.width, size.height))
    }
}

impl Screen for CrosstermScreen {
    fn draw(&mut self, app: &App) -> io::Result<()> {
        execute!(io::stdout(), BeginSynchronizedUpdate)?;
        let result = self.terminal.draw(|frame| ui::render(app, frame));
        execute!(io::stdout(), EndSynchronizedUpdate)?;
        result.map(|_| ())
    }

    fn reset(&mut self) -> io::Result<()> {
        // A fresh Terminal has blank buffers, so the next frame is drawn
        // whole. (`Terminal::clear` asks the terminal for the cursor
        // position first and stalls when nothing answers.)
        execute!(
            io::stdout(),
            crossterm::terminal::Clear(crossterm::terminal::ClearType::All)
        )?;
        self.terminal = Terminal::new(CrosstermBackend::new(io::stdout()))?;
        Ok(())
    }
}

impl<B: Backend> Screen for Terminal<B>
where
    B::Error: Into<io::Error>,
{
    fn draw(&mut self, app: &App) -> io::Result<()> {
        Terminal::draw(self, |frame| ui::render(app, frame))
            .map(|_| ())
            .map_err(Into::into)
    }
}
