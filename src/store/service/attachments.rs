//! Attachments leaving the store: saved where the user asked, saved
//! privately and handed to an opener, or written privately for a command
//! to read. Names from mail are hostile: they only ever reach the disk
//! through `mailview::safe_file_name`; a path the user typed is taken as
//! typed. Nothing is ever replaced: a taken name gets " (1)", " (2)", ….

use crate::mailview::{self, MessageView, safe_file_name, write_new_file};
use crate::store::StoreError;
use std::path::{Path, PathBuf};

/// Saves attachment `index` of `raw` as `target` (into it when it is a
/// folder), or all of them (`None`) into the folder `target`, and says
/// what was saved.
pub(super) fn save(raw: &[u8], index: Option<usize>, target: &Path) -> Result<String, StoreError> {
    match index {
        Some(i) if is_folder(target) => {
            let path = mailview::save_attachment(raw, i, target)?;
            Ok(format!("saved {}", path.display()))
        }
        Some(i) => {
            let (_, bytes) = mailview::attachment_bytes(raw, i).ok_or_else(no_attachment)?;
            let (dir, name) = split(target)?;
            let path = write_new_file(dir, &name, &bytes)?;
            let note = if path == target {
                String::new()
            } else {
                format!(" ({name} was taken)")
            };
            Ok(format!("saved {}{note}", path.display()))
        }
        None => {
            let count = MessageView::build(raw, 80).attachments.len();
            for i in 0..count {
                mailview::save_attachment(raw, i, target)?;
            }
            Ok(format!(
                "saved {count} attachment(s) into {}",
                target.display()
            ))
        }
    }
}

/// A folder that exists, or a path typed with a final slash.
fn is_folder(path: &Path) -> bool {
    path.is_dir() || path.as_os_str().to_string_lossy().ends_with('/')
}

/// The folder and file name of a path the user typed.
fn split(target: &Path) -> Result<(&Path, String), StoreError> {
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .ok_or_else(|| invalid(format!("{} names no file", target.display())))?;
    let dir = target.parent().filter(|p| !p.as_os_str().is_empty());
    Ok((dir.unwrap_or(Path::new(".")), name))
}

fn no_attachment() -> StoreError {
    StoreError::Io(std::io::Error::new(
        std::io::ErrorKind::NotFound,
        "no such attachment",
    ))
}

fn invalid(text: String) -> StoreError {
    StoreError::Io(std::io::Error::new(std::io::ErrorKind::InvalidInput, text))
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

/// Writes what a pipe command is to read — attachment `index`, or the
/// raw message when `None` — to a new private file.
pub(super) fn pipe_input(raw: &[u8], index: Option<usize>) -> Result<PathBuf, StoreError> {
    let dir = private_temp_dir()?;
    let path = match index {
        Some(i) => {
            let (info, bytes) = mailview::attachment_bytes(raw, i).ok_or_else(no_attachment)?;
            write_new_file(
                &dir,
                &format!("pipe-{}", safe_file_name(&info.name)),
                &bytes,
            )?
        }
        None => write_new_file(&dir, "pipe-message.eml", raw)?,
    };
    Ok(path)
}

/// The opener's words: `command` split on spaces with `{}` standing for
/// the file (added at the end when absent), else the desktop's opener.
pub(super) fn opener_words(command: Option<&str>, path: &Path) -> Vec<String> {
    let path = path.display().to_string();
    let default = if cfg!(target_os = "macos") {
        "open"
    } else {
        "xdg-open"
    };
    let mut words: Vec<String> = command
        .filter(|c| !c.trim().is_empty())
        .unwrap_or(default)
        .split_whitespace()
        .map(str::to_string)
        .collect();
    if words.iter().any(|w| w.contains("{}")) {
        for word in &mut words {
            *word = word.replace("{}", &path);
        }
    } else {
        words.push(path);
    }
    words
}

/// Runs the opener on `path` with no access to the terminal (the file is
/// an argument, never part of a shell line), reaps it in the background,
/// and names the program.
pub(super) fn open_with(command: Option<&str>, path: &Path) -> std::io::Result<String> {
    let words = opener_words(command, path);
    let program = words[0].clone();
    let mut child = std::process::Command::new(&program)
        .args(&words[1..])
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .map_err(|e| std::io::Error::new(e.kind(), format!("{program}: {e}")))?;
    std::thread::spawn(move || child.wait());
    Ok(program)
}

#[cfg(test)]
mod tests {
    use super::*;

    const RAW: &[u8] = b"Subject: files\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n\
--b\r\nContent-Type: text/plain\r\n\r\nSee attached.\r\n\
--b\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename=\"../../etc/report.pdf\"\r\n\
Content-Transfer-Encoding: base64\r\n\r\naGVsbG8=\r\n\
--b\r\nContent-Type: text/csv\r\nContent-Disposition: attachment; filename=\"\x1b[2Jdata.csv\"\r\n\r\na,b\r\n--b--\r\n";

    #[test]
    fn saves_as_typed_into_a_folder_or_all_without_replacing() {
        let dir = tempfile::tempdir().unwrap();
        // Into a folder: the attachment's own name, made safe.
        let text = save(RAW, Some(0), dir.path()).unwrap();
        assert!(dir.path().join("report.pdf").exists(), "{text}");
        // As a typed file name, in a folder that already has it.
        std::fs::write(dir.path().join("mine.pdf"), b"keep").unwrap();
        let text = save(RAW, Some(0), &dir.path().join("mine.pdf")).unwrap();
        assert!(
            text.contains("mine (1).pdf") && text.contains("was taken"),
            "{text}"
        );
        assert_eq!(std::fs::read(dir.path().join("mine.pdf")).unwrap(), b"keep");
        assert_eq!(
            std::fs::read(dir.path().join("mine (1).pdf")).unwrap(),
            b"hello"
        );
        // All into a new folder (a final slash says it is one).
        let all = dir.path().join("all");
        let text = save(RAW, None, Path::new(&format!("{}/", all.display()))).unwrap();
        assert!(text.contains("saved 2 attachment(s)"), "{text}");
        let names: Vec<String> = std::fs::read_dir(&all)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert!(names.iter().all(|n| !n.contains('\u{1b}')), "{names:?}");
        assert_eq!(names.len(), 2);
    }

    #[test]
    fn pipe_input_is_private_and_holds_the_bytes() {
        let path = pipe_input(RAW, Some(0)).unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"hello");
        use std::os::unix::fs::PermissionsExt;
        let dir_mode = std::fs::metadata(path.parent().unwrap())
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(dir_mode & 0o077, 0, "only the user can read it");
        std::fs::remove_file(&path).unwrap();
        let whole = pipe_input(RAW, None).unwrap();
        assert_eq!(std::fs::read(&whole).unwrap(), RAW);
        std::fs::remove_file(&whole).unwrap();
    }

    #[test]
    fn the_opener_takes_the_file_as_one_argument() {
        let path = Path::new("/tmp/x y.pdf");
        assert_eq!(
            opener_words(Some("zathura --fork"), path),
            ["zathura", "--fork", "/tmp/x y.pdf"]
        );
        assert_eq!(
            opener_words(Some("open -a Preview {}"), path),
            ["open", "-a", "Preview", "/tmp/x y.pdf"]
        );
        assert_eq!(opener_words(None, path).len(), 2);
    }
}
