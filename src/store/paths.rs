//! Where a message's file is: the index keeps paths relative to the store
//! root, and a file whose flags changed (so its name did) is found again
//! by the unique part of its name.

use super::maildir;
use std::path::{Path, PathBuf};

/// The file in `new/` or `cur/` of the Maildir at `root` whose unique part
/// is `base` (its flags may have changed since it was recorded).
pub(super) fn find_by_base_name(root: &Path, base: &str) -> Option<PathBuf> {
    let plain = root.join("new").join(base);
    if plain.exists() {
        return Some(plain);
    }
    let cur = root.join("cur");
    std::fs::read_dir(&cur)
        .ok()?
        .flatten()
        .map(|e| e.path())
        .find(|p| maildir::base_name(p) == base)
}

/// `path` relative to the store root, with `/` separators.
pub(super) fn relative(root: &Path, path: &Path) -> String {
    path.strip_prefix(root)
        .unwrap_or(path)
        .to_string_lossy()
        .into_owned()
}
