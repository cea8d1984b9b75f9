//! When each POP3 message was first stored, for `delete_after_days`: one
//! small file per account in the store directory (`uidl<TAB>unix seconds`
//! per line), replaced atomically. Blocking; call from `spawn_blocking`.

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};

pub fn path(store_root: &Path, account: &str) -> PathBuf {
    store_root
        .join("pop3-first-stored")
        .join(format!("{}.tsv", crate::store::dir_name(account)))
}

/// Reads the record; a missing file is an empty record, unreadable lines
/// are ignored (the worst outcome is a later deletion, never an early one).
pub fn load(file: &Path) -> std::io::Result<HashMap<String, i64>> {
    let text = match std::fs::read_to_string(file) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(HashMap::new()),
        Err(e) => return Err(e),
    };
    Ok(text
        .lines()
        .filter_map(|line| {
            let (uidl, at) = line.split_once('\t')?;
            Some((uidl.to_string(), at.parse().ok()?))
        })
        .collect())
}

/// Writes the record (tmp file, fsync, rename).
pub fn save(file: &Path, record: &HashMap<String, i64>) -> std::io::Result<()> {
    if let Some(dir) = file.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let tmp = file.with_extension("tsv.tmp");
    let mut out = std::io::BufWriter::new(std::fs::File::create(&tmp)?);
    let mut entries: Vec<_> = record.iter().collect();
    entries.sort();
    for (uidl, at) in entries {
        writeln!(out, "{uidl}\t{at}")?;
    }
    let file_handle = out.into_inner().map_err(|e| e.into_error())?;
    file_handle.sync_all()?;
    std::fs::rename(&tmp, file)
}

#[cfg(test)]
mod tests {
    #[test]
    fn round_trip_and_missing_file() {
        let dir = tempfile::tempdir().unwrap();
        let file = super::path(dir.path(), "old-isp");
        assert!(super::load(&file).unwrap().is_empty());
        let record = [("a".to_string(), 5), ("b c".to_string(), 7)].into();
        super::save(&file, &record).unwrap();
        assert_eq!(super::load(&file).unwrap(), record);
    }
}
