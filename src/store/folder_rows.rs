//! The `folders` table as the rest of the store uses it: a folder's row id
//! and Maildir directory, looked up by account and name, and created (with
//! its Maildir) on first use.

use super::maildir::Maildir;
use super::{FolderRole, StoreError};
use rusqlite::{Connection, OptionalExtension, params};
use std::path::Path;

/// A folder's row id and its directory relative to the store root.
#[derive(Debug, Clone)]
pub(super) struct FolderRow {
    pub id: i64,
    pub dir: String,
}

/// The row id of the account's folder, if it exists.
pub(super) fn folder_id(
    conn: &Connection,
    account: &str,
    folder: &str,
) -> Result<Option<i64>, StoreError> {
    Ok(conn
        .query_row(
            "SELECT id FROM folders WHERE account = ?1 AND name = ?2",
            [account, folder],
            |r| r.get(0),
        )
        .optional()?)
}

/// The folder's row, created (with its Maildir) when missing.
pub(super) fn folder_row(
    conn: &Connection,
    root: &Path,
    account: &str,
    folder: &str,
    role: Option<FolderRole>,
) -> Result<FolderRow, StoreError> {
    let existing = conn
        .query_row(
            "SELECT id, dir FROM folders WHERE account = ?1 AND name = ?2",
            [account, folder],
            |r| {
                Ok(FolderRow {
                    id: r.get(0)?,
                    dir: r.get(1)?,
                })
            },
        )
        .optional()?;
    if let Some(row) = existing {
        if let Some(role) = role {
            conn.execute(
                "UPDATE folders SET role = ?1 WHERE id = ?2",
                params![role.as_str(), row.id],
            )?;
        }
        return Ok(row);
    }
    let dir = super::folder_dir_name(account, folder);
    Maildir::create(root.join(&dir))?;
    // Another writer may create the same folder at the same moment.
    conn.execute(
        "INSERT INTO folders (account, name, dir, role) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT DO NOTHING",
        params![account, folder, dir, role.map(|r| r.as_str())],
    )?;
    Ok(conn.query_row(
        "SELECT id, dir FROM folders WHERE account = ?1 AND name = ?2",
        [account, folder],
        |r| {
            Ok(FolderRow {
                id: r.get(0)?,
                dir: r.get(1)?,
            })
        },
    )?)
}
