//! Moving bytes between two file descriptors by the shortest path the
//! kernel offers: `splice(2)` when one side is a pipe (no copy through
//! user space at all), `sendfile(2)` from a regular file to a socket, and
//! a plain read/write loop with a large buffer otherwise. Blocking; each
//! direction of a headless pipe runs one on a thread of its own.

use std::io;
use std::os::fd::RawFd;

/// Bytes moved per system call at most.
const CHUNK_BYTES: usize = 1 << 20;
/// The buffer of the read/write fallback.
const BUFFER_BYTES: usize = 256 * 1024;

/// What kind of file a descriptor is, as far as copying cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FdKind {
    Pipe,
    RegularFile,
    Other,
}

pub fn kind(fd: RawFd) -> FdKind {
    // SAFETY: fstat only writes into `stat`, a plain C struct for which
    // all zeroes is a valid value.
    let mut stat: libc::stat = unsafe { std::mem::zeroed() };
    if unsafe { libc::fstat(fd, &mut stat) } != 0 {
        return FdKind::Other;
    }
    match stat.st_mode & libc::S_IFMT {
        libc::S_IFIFO => FdKind::Pipe,
        libc::S_IFREG => FdKind::RegularFile,
        _ => FdKind::Other,
    }
}

/// Copies from `from` to `to` until `from` ends; `moved` is told the size
/// of every piece. Returns the bytes copied.
pub fn copy(from: RawFd, to: RawFd, mut moved: impl FnMut(usize)) -> io::Result<u64> {
    let mut total = 0u64;
    let mut how = if kind(from) == FdKind::Pipe || kind(to) == FdKind::Pipe {
        How::Splice
    } else if kind(from) == FdKind::RegularFile {
        How::SendFile
    } else {
        How::ReadWrite
    };
    if how == How::Splice {
        widen_pipes(from, to);
    }
    let mut buffer = Vec::new();
    loop {
        let step = match how {
            How::Splice => splice(from, to),
            How::SendFile => send_file(from, to),
            How::ReadWrite => read_write(from, to, &mut buffer),
        };
        match step {
            Ok(0) => return Ok(total),
            Ok(n) => {
                total += n as u64;
                moved(n);
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            // The kernel cannot do it for this pair (a terminal, an
            // unusual file system): copy through a buffer instead. Only
            // before the first byte, so nothing is duplicated or lost.
            Err(e) if how != How::ReadWrite && total == 0 && unsupported(&e) => {
                how = How::ReadWrite;
            }
            Err(e) => return Err(e),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum How {
    Splice,
    SendFile,
    ReadWrite,
}

fn unsupported(e: &io::Error) -> bool {
    matches!(
        e.raw_os_error(),
        Some(libc::EINVAL | libc::ENOSYS | libc::EOPNOTSUPP | libc::EBADF)
    )
}

fn result(n: libc::ssize_t) -> io::Result<usize> {
    if n < 0 {
        Err(io::Error::last_os_error())
    } else {
        Ok(n as usize)
    }
}

/// The bytes a pipe on our side may hold: the default 64 KiB makes every
/// splice a small one (a context switch per 64 KiB with the writer).
const PIPE_BYTES: libc::c_int = 1 << 20;

/// Lets the pipes on either side hold more, so each splice moves more. A
/// refusal (over the user's limit in /proc/sys/fs/pipe-max-size) only
/// leaves the default.
fn widen_pipes(from: RawFd, to: RawFd) {
    widen_pipe(from);
    widen_pipe(to);
}

/// Lets `fd`, when it is a pipe, hold `PIPE_BYTES`: each read or splice
/// from it can then move that much, a context switch with the writer each.
pub fn widen_pipe(fd: RawFd) {
    if kind(fd) == FdKind::Pipe {
        // SAFETY: F_SETPIPE_SZ takes an int and touches no memory of ours.
        unsafe { libc::fcntl(fd, libc::F_SETPIPE_SZ, PIPE_BYTES) };
    }
}

fn splice(from: RawFd, to: RawFd) -> io::Result<usize> {
    // SAFETY: null offsets mean "the file position"; the descriptors are
    // owned by the caller for the duration of the call.
    let n = unsafe {
        libc::splice(
            from,
            std::ptr::null_mut(),
            to,
            std::ptr::null_mut(),
            CHUNK_BYTES,
            libc::SPLICE_F_MOVE,
        )
    };
    result(n)
}

fn send_file(from: RawFd, to: RawFd) -> io::Result<usize> {
    // SAFETY: a null offset reads from and advances the file position.
    let n = unsafe { libc::sendfile(to, from, std::ptr::null_mut(), CHUNK_BYTES) };
    result(n)
}

fn read_write(from: RawFd, to: RawFd, buffer: &mut Vec<u8>) -> io::Result<usize> {
    if buffer.is_empty() {
        buffer.resize(BUFFER_BYTES, 0);
    }
    // SAFETY: `buffer` is valid for `buffer.len()` bytes.
    let n = result(unsafe { libc::read(from, buffer.as_mut_ptr().cast(), buffer.len()) })?;
    let mut written = 0;
    while written < n {
        // SAFETY: the range is within the bytes just read.
        let step = unsafe { libc::write(to, buffer[written..n].as_ptr().cast(), n - written) };
        match result(step) {
            Ok(w) => written += w,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Read, Write};
    use std::os::fd::AsRawFd;

    fn socket_pair() -> (
        std::os::unix::net::UnixStream,
        std::os::unix::net::UnixStream,
    ) {
        std::os::unix::net::UnixStream::pair().unwrap()
    }

    #[test]
    fn a_file_goes_whole_into_a_socket_and_back_into_a_file() {
        let dir = tempfile::tempdir().unwrap();
        let data: Vec<u8> = (0..3_000_000u32).map(|i| (i * 7 % 251) as u8).collect();
        let source = dir.path().join("in");
        std::fs::write(&source, &data).unwrap();
        let (a, mut b) = socket_pair();
        let reader = std::thread::spawn(move || {
            let mut got = Vec::new();
            b.read_to_end(&mut got).unwrap();
            got
        });
        let file = std::fs::File::open(&source).unwrap();
        assert_eq!(kind(file.as_raw_fd()), FdKind::RegularFile);
        let mut pieces = 0;
        let copied = copy(file.as_raw_fd(), a.as_raw_fd(), |_| pieces += 1).unwrap();
        drop(a);
        assert_eq!(copied, data.len() as u64);
        assert!(pieces >= 1);
        assert_eq!(reader.join().unwrap(), data);
    }

    #[test]
    fn a_pipe_is_spliced_into_a_socket() {
        let (mut read_end, mut write_end) = {
            let mut fds = [0; 2];
            // SAFETY: pipe writes two descriptors into `fds`.
            assert_eq!(unsafe { libc::pipe(fds.as_mut_ptr()) }, 0);
            use std::os::fd::FromRawFd;
            // SAFETY: both descriptors were just created and are owned here.
            unsafe {
                (
                    std::fs::File::from_raw_fd(fds[0]),
                    std::fs::File::from_raw_fd(fds[1]),
                )
            }
        };
        assert_eq!(kind(read_end.as_raw_fd()), FdKind::Pipe);
        let writer = std::thread::spawn(move || {
            for _ in 0..64 {
                write_end.write_all(&[b'z'; 65_536]).unwrap();
            }
        });
        let (a, mut b) = socket_pair();
        let reader = std::thread::spawn(move || {
            let mut got = Vec::new();
            b.read_to_end(&mut got).unwrap();
            got.len()
        });
        let copied = copy(read_end.as_raw_fd(), a.as_raw_fd(), |_| {}).unwrap();
        writer.join().unwrap();
        drop(a);
        assert_eq!(copied, 64 * 65_536);
        assert_eq!(reader.join().unwrap(), 64 * 65_536);
        let mut rest = Vec::new();
        assert_eq!(read_end.read_to_end(&mut rest).unwrap(), 0);
    }
}
