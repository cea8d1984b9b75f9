//! Store work that nobody waits for runs at a lower priority, so that the
//! interface answers keys at once while a sync or the search indexer
//! keeps both cores busy.

/// Lowers the calling thread's priority (nice 10; Linux only, elsewhere
/// nothing). Threads it starts afterwards inherit it.
pub fn lower_thread_priority() {
    #[cfg(target_os = "linux")]
    // SAFETY: setpriority on this thread's own id has no memory effects.
    unsafe {
        let tid = libc::syscall(libc::SYS_gettid) as libc::id_t;
        libc::setpriority(libc::PRIO_PROCESS, tid, 10);
    }
}
