//! Attachments leaving the store: saved where the user asked, or saved
//! privately and handed to the desktop's opener.

use crate::mailview::{self, MessageView};
use crate::store::StoreError;
use std::path::{Path, PathBuf};

/// Saves attachment `index` of `raw` (all when `None`) into `dir`, and says
/// what was saved.
pub(super) fn save(raw: &[u8], index: Option<usize>, dir: &Path) -> Result<String, StoreError> {
    match index {
        Some(i) => {
            let path = mailview::save_attachment(raw, i, dir)?;
            Ok(format!("saved {}", path.display()))
        }
        None => {
            let count = MessageView::build(raw, 80).attachments.len();
            for i in 0..count {
                mailview::save_attachment(raw, i, dir)?;
            }
            Ok(format!("saved {count} attachment(s) to {}", dir.display()))
        }
    }
}

/// A directory only this user can read, for attachments handed to other
/// programs.
pub(super) fn private_temp_dir() -> std::io::Result<PathBuf> {
    let dir = std::env::temp_dir().join(format!("wirepost-{}", std::process::id()));
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(&dir)?;
    Ok(dir)
}

/// Runs the desktop's opener (`xdg-open`, `open` on macOS) with no access
/// to the terminal, and reaps it in the background.
pub(super) fn open_with_system(path: &Path) -> std::io::Result<()> {
    let opener = if cfg!(target_os = "macos") {
        "open"
    } else {
        "xdg-open"
    };
    let mut child = std::process::Command::new(opener)
        .arg(path)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .map_err(|e| std::io::Error::new(e.kind(), format!("{opener}: {e}")))?;
    std::thread::spawn(move || child.wait());
    Ok(())
}
