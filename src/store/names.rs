//! File-system names for accounts and folders. Folder names come from
//! servers, so they are escaped: they must never leave the store directory
//! nor collide with Maildir's own `tmp`/`new`/`cur` entries.

/// One path component for `name`: `/`, `%`, control characters and a
/// leading `.` are percent-escaped; an empty name becomes `%00`.
pub fn dir_name(name: &str) -> String {
    if name.is_empty() {
        return "%00".into();
    }
    let mut out = String::with_capacity(name.len());
    for (i, c) in name.chars().enumerate() {
        match c {
            '/' | '\\' | '%' => push_escaped(&mut out, c),
            '.' if i == 0 => push_escaped(&mut out, c),
            c if c.is_control() => push_escaped(&mut out, c),
            c => out.push(c),
        }
    }
    out
}

/// The directory of a folder relative to the store root:
/// `<account>/<folder>`.
pub fn folder_dir_name(account: &str, folder: &str) -> String {
    format!("{}/{}", dir_name(account), dir_name(folder))
}

/// Reverses [`dir_name`] (for rebuilding the index from disk).
pub fn undo_dir_name(dir: &str) -> String {
    if dir == "%00" {
        return String::new();
    }
    let bytes = dir.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(b) = dir
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(b);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn push_escaped(out: &mut String, c: char) {
    let mut buf = [0u8; 4];
    for b in c.encode_utf8(&mut buf).bytes() {
        out.push_str(&format!("%{b:02X}"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_what_could_leave_the_directory() {
        assert_eq!(dir_name("INBOX"), "INBOX");
        assert_eq!(dir_name("a/b"), "a%2Fb");
        assert_eq!(dir_name(".."), "%2E.");
        assert_eq!(dir_name(".hidden"), "%2Ehidden");
        assert_eq!(dir_name("Sent.2024"), "Sent.2024");
        assert_eq!(dir_name("x\u{1b}y"), "x%1By");
        assert_eq!(dir_name(""), "%00");
        assert_eq!(folder_dir_name("Local", "../etc"), "Local/%2E.%2Fetc");
        for name in ["a/b", "..", "50%", "日本語/x", "", "x\u{1b}"] {
            assert_eq!(undo_dir_name(&dir_name(name)), name);
        }
    }
}
