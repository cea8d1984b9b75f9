//! Writing a message as a file that has no name until it is complete
//! (Linux `O_TMPFILE`), then giving it its final name in `new/` or `cur/`
//! with one `linkat`.
//!
//! A reader of the Maildir still never sees a partial message, and a crash
//! mid-write leaves nothing behind (the kernel frees an unnamed file).
//! Compared with the classic write to `tmp/` and rename, each message costs
//! one directory change instead of three, which is most of the time a
//! 10,000-message download spends outside the network.

use std::fs::File;
use std::io::{self, Write};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};

/// Cleared the first time the filesystem or the kernel cannot do it, so
/// that the classic path is taken without trying again.
static SUPPORTED: AtomicBool = AtomicBool::new(cfg!(target_os = "linux"));

/// Writes `bytes` to a new file named `target`, created unnamed in
/// `tmp_dir` (which must be on the same filesystem). `sync` fsyncs the data
/// before the name appears. `Ok(false)` when this system cannot, and
/// nothing was written: the caller takes the classic path.
pub fn write_then_link(
    tmp_dir: &Path,
    target: &Path,
    bytes: &[u8],
    sync: bool,
) -> io::Result<bool> {
    if !SUPPORTED.load(Ordering::Relaxed) {
        return Ok(false);
    }
    let mut file = match open_unnamed(tmp_dir) {
        Ok(file) => file,
        Err(e) if unsupported(&e) => {
            SUPPORTED.store(false, Ordering::Relaxed);
            return Ok(false);
        }
        Err(e) => return Err(e),
    };
    file.write_all(bytes)?;
    if sync {
        file.sync_all()?;
    }
    match link(&file, target) {
        Ok(()) => Ok(true),
        // No /proc, or another filesystem: give up on this path for good.
        Err(e) if unsupported(&e) => {
            SUPPORTED.store(false, Ordering::Relaxed);
            Ok(false)
        }
        Err(e) => Err(e),
    }
}

fn unsupported(e: &io::Error) -> bool {
    #[cfg(target_os = "linux")]
    {
        matches!(
            e.raw_os_error(),
            Some(
                libc::EOPNOTSUPP
                    | libc::EISDIR
                    | libc::EINVAL
                    | libc::ENOENT
                    | libc::EXDEV
                    | libc::EPERM
                    | libc::ENOSYS
            )
        )
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = e;
        true
    }
}

#[cfg(target_os = "linux")]
fn open_unnamed(dir: &Path) -> io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .write(true)
        .mode(0o600)
        .custom_flags(libc::O_TMPFILE)
        .open(dir)
}

#[cfg(not(target_os = "linux"))]
fn open_unnamed(_dir: &Path) -> io::Result<File> {
    Err(io::Error::from(io::ErrorKind::Unsupported))
}

/// Names the open unnamed file: `linkat` through `/proc/self/fd`, which
/// needs no privilege (the `AT_EMPTY_PATH` form needs CAP_DAC_READ_SEARCH).
#[cfg(target_os = "linux")]
fn link(file: &File, target: &Path) -> io::Result<()> {
    use std::ffi::CString;
    use std::os::fd::AsRawFd;
    use std::os::unix::ffi::OsStrExt;
    let source =
        CString::new(format!("/proc/self/fd/{}", file.as_raw_fd())).map_err(io::Error::other)?;
    let target = CString::new(target.as_os_str().as_bytes()).map_err(io::Error::other)?;
    // SAFETY: both are valid NUL-terminated paths that live across the call.
    let rc = unsafe {
        libc::linkat(
            libc::AT_FDCWD,
            source.as_ptr(),
            libc::AT_FDCWD,
            target.as_ptr(),
            libc::AT_SYMLINK_FOLLOW,
        )
    };
    if rc == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

#[cfg(not(target_os = "linux"))]
fn link(_file: &File, _target: &Path) -> io::Result<()> {
    Err(io::Error::from(io::ErrorKind::Unsupported))
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;

    #[test]
    fn the_file_appears_whole_under_its_name_and_nowhere_else() {
        let dir = tempfile::tempdir().unwrap();
        let (tmp, new) = (dir.path().join("tmp"), dir.path().join("new"));
        std::fs::create_dir_all(&tmp).unwrap();
        std::fs::create_dir_all(&new).unwrap();
        let target = new.join("1.abc");
        if !write_then_link(&tmp, &target, b"Subject: x\r\n\r\nbody", true).unwrap() {
            return; // a filesystem without O_TMPFILE: the classic path is tested elsewhere
        }
        assert_eq!(std::fs::read(&target).unwrap(), b"Subject: x\r\n\r\nbody");
        assert_eq!(std::fs::read_dir(&tmp).unwrap().count(), 0);
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&target).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "mail is private to its owner");
    }

    #[test]
    fn an_existing_name_is_an_error_not_an_overwrite() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("taken");
        std::fs::write(&target, b"first").unwrap();
        match write_then_link(dir.path(), &target, b"second", false) {
            Ok(true) => panic!("overwrote an existing message"),
            Ok(false) => {}
            Err(e) => assert_eq!(e.kind(), io::ErrorKind::AlreadyExists),
        }
        assert_eq!(std::fs::read(&target).unwrap(), b"first");
    }
}
