//! Flags as the user changes them and as the server reports them. The
//! index is the queue of local changes: a server message whose flags
//! differ from its agreed base (`server_flags`, `server_keywords`) waits
//! for the engine to push it, across crashes, restarts and days offline.
//! What the server reports goes through the three-way merge of
//! `flag_state`, so neither side's change is ever undone.

use super::flag_state::{FlagState, Keywords};
use super::folder_rows::folder_id;
use super::maildir;
use super::paths::relative;
use super::{Flags, MessageId, Store, StoreError};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};
use std::path::{Path, PathBuf};

/// A server message changed here and not yet on the server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlagChange {
    pub id: MessageId,
    /// The server folder its identity belongs to.
    pub folder: String,
    pub uidvalidity: u32,
    pub uid: u32,
    pub local: FlagState,
    /// What the server had when both sides last agreed.
    pub base: FlagState,
    /// The MODSEQ of that agreement, if the server has them.
    pub modseq: Option<u64>,
}

/// A message's flags as the server reports them (FETCH, or the answer to
/// our own STORE).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerFlags {
    pub uid: u32,
    pub state: FlagState,
    pub modseq: Option<u64>,
}

/// One server message's row, as the merge needs it.
struct Row {
    id: MessageId,
    local: FlagState,
    base: Option<FlagState>,
    modseq: Option<u64>,
}

const CHANGED: &str = "id_kind = 1 AND (flags != server_flags OR keywords != server_keywords)";

impl Store {
    /// The message's flags and keywords.
    pub fn flag_state(&self, id: MessageId) -> Result<FlagState, StoreError> {
        self.reader()
            .query_row(
                "SELECT flags, keywords FROM messages WHERE id = ?1",
                [id],
                |r| {
                    Ok(FlagState::new(
                        Flags::from_bits(r.get(0)?),
                        Keywords::parse(&r.get::<_, String>(1)?),
                    ))
                },
            )
            .optional()?
            .ok_or(StoreError::NotFound)
    }

    /// A change made here (by the user): sets the flags (in the index and
    /// the file name), keeping the message's keywords.
    pub fn set_flags(&self, id: MessageId, flags: &Flags) -> Result<(), StoreError> {
        let keywords = self.flag_state(id)?.keywords;
        self.set_flag_state(id, &FlagState::new(*flags, keywords))
    }

    /// A change made here: sets flags and keywords. A server message keeps
    /// the base it had, so the difference is what the engine pushes (the
    /// first change of a message synced before bases were kept takes its
    /// flags until now as the base).
    pub fn set_flag_state(&self, id: MessageId, state: &FlagState) -> Result<(), StoreError> {
        let mut conn = self.conn();
        let (_, path) = self.resolve(&conn, id)?;
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let target = set_state_in(&tx, self.root(), id, &path, state)?;
        rename(&path, &target)?;
        tx.commit()?;
        Ok(())
    }

    /// Every server message of `account` changed here and not yet pushed.
    pub fn flag_changes(&self, account: &str) -> Result<Vec<FlagChange>, StoreError> {
        let conn = self.reader();
        let mut stmt = conn.prepare(&format!(
            "SELECT m.id, f.name, m.uidvalidity, m.uid, m.flags, m.keywords, m.server_flags,
               m.server_keywords, m.modseq
             FROM messages m JOIN folders f ON f.id = m.id_folder
             WHERE m.account = ?1 AND {CHANGED} ORDER BY f.name, m.uid"
        ))?;
        let rows = stmt.query_map([account], |r| {
            Ok(FlagChange {
                id: r.get(0)?,
                folder: r.get(1)?,
                uidvalidity: r.get(2)?,
                uid: r.get(3)?,
                local: FlagState::new(
                    Flags::from_bits(r.get(4)?),
                    Keywords::parse(&r.get::<_, String>(5)?),
                ),
                base: FlagState::new(
                    Flags::from_bits(r.get(6)?),
                    Keywords::parse(&r.get::<_, String>(7)?),
                ),
                modseq: r.get::<_, Option<i64>>(8)?.map(|m| m as u64),
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Applies what the server reports for messages of its folder `folder`
    /// (generation `uidvalidity`): each is merged with its local copy and
    /// becomes the new base. Reports older than what is known (by MODSEQ)
    /// are skipped. For a message with no base yet (synced before bases
    /// were kept), the server's copy counts as unchanged — the local one
    /// wins — when its MODSEQ is at most `legacy_modseq` (the folder's
    /// HIGHESTMODSEQ at the previous sync). Returns the messages whose
    /// local flags changed, with their new flags.
    pub fn apply_server_flags(
        &self,
        account: &str,
        folder: &str,
        uidvalidity: u32,
        reports: &[ServerFlags],
        legacy_modseq: Option<u64>,
    ) -> Result<Vec<(MessageId, Flags)>, StoreError> {
        let reports: Vec<(&ServerFlags, Option<&FlagState>)> =
            reports.iter().map(|r| (r, None)).collect();
        self.merge_reports(account, folder, uidvalidity, &reports, legacy_modseq)
    }

    /// Applies the server's answers to our own STOREs, each with the state
    /// that STORE asked for: the merge takes that as the agreed base, so a
    /// change made here while the STORE was on its way stays (and is the
    /// next one pushed), and only what another client changed at the same
    /// time counts as a server change.
    pub fn apply_store_answers(
        &self,
        account: &str,
        folder: &str,
        uidvalidity: u32,
        answers: &[(ServerFlags, FlagState)],
    ) -> Result<Vec<(MessageId, Flags)>, StoreError> {
        let reports: Vec<(&ServerFlags, Option<&FlagState>)> =
            answers.iter().map(|(r, sent)| (r, Some(sent))).collect();
        self.merge_reports(account, folder, uidvalidity, &reports, None)
    }

    /// The merge of server reports, each against the base given with it
    /// (else the row's agreed base).
    fn merge_reports(
        &self,
        account: &str,
        folder: &str,
        uidvalidity: u32,
        reports: &[(&ServerFlags, Option<&FlagState>)],
        legacy_modseq: Option<u64>,
    ) -> Result<Vec<(MessageId, Flags)>, StoreError> {
        let mut conn = self.conn();
        let Some(folder) = folder_id(&conn, account, folder)? else {
            return Ok(Vec::new());
        };
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut changed = Vec::new();
        let mut renames: Vec<(PathBuf, PathBuf)> = Vec::new();
        for (report, sent) in reports {
            let Some(row) = find_row(&tx, folder, uidvalidity, report.uid)? else {
                continue;
            };
            if let (Some(known), Some(theirs)) = (row.modseq, report.modseq)
                && theirs <= known
            {
                continue;
            }
            let base = sent
                .cloned()
                .or_else(|| row.base.clone())
                .unwrap_or_else(|| {
                    let unchanged = matches!((report.modseq, legacy_modseq),
                    (Some(theirs), Some(last)) if theirs <= last);
                    if unchanged {
                        report.state.clone()
                    } else {
                        row.local.clone()
                    }
                });
            let merged = FlagState::merge(&row.local, &base, &report.state);
            tx.execute(
                "UPDATE messages SET server_flags = ?2, server_keywords = ?3,
                 modseq = coalesce(?4, modseq) WHERE id = ?1",
                params![
                    row.id,
                    report.state.flags.to_bits(),
                    report.state.keywords.to_db(),
                    report.modseq.map(|m| m as i64)
                ],
            )?;
            if merged != row.local {
                let (_, path) = self.resolve(&tx, row.id)?;
                let target = write_state(&tx, self.root(), row.id, &path, &merged)?;
                renames.push((path, target));
                changed.push((row.id, merged.flags));
            }
        }
        for (from, to) in &renames {
            rename(from, to)?;
        }
        tx.commit()?;
        Ok(changed)
    }
}

/// The row of one server message, found by its identity.
fn find_row(
    conn: &Connection,
    folder: i64,
    uidvalidity: u32,
    uid: u32,
) -> Result<Option<Row>, StoreError> {
    Ok(conn
        .prepare_cached(
            "SELECT id, flags, keywords, server_flags, server_keywords, modseq FROM messages
             WHERE id_kind = 1 AND id_folder = ?1 AND uidvalidity = ?2 AND uid = ?3",
        )?
        .query_row(params![folder, uidvalidity, uid], |r| {
            let base_flags: Option<i64> = r.get(3)?;
            let base_keywords: Option<String> = r.get(4)?;
            Ok(Row {
                id: r.get(0)?,
                local: FlagState::new(
                    Flags::from_bits(r.get(1)?),
                    Keywords::parse(&r.get::<_, String>(2)?),
                ),
                base: base_flags.map(|bits| {
                    FlagState::new(
                        Flags::from_bits(bits),
                        Keywords::parse(base_keywords.as_deref().unwrap_or("")),
                    )
                }),
                modseq: r.get::<_, Option<i64>>(5)?.map(|m| m as u64),
            })
        })
        .optional()?)
}

/// A change made here, inside the caller's transaction: a server message
/// keeps the base it had (see [`Store::set_flag_state`]). Returns where
/// the file at `path` goes; the caller renames it.
pub(super) fn set_state_in(
    conn: &Connection,
    root: &Path,
    id: MessageId,
    path: &Path,
    state: &FlagState,
) -> Result<PathBuf, StoreError> {
    conn.execute(
        "UPDATE messages SET server_flags = coalesce(server_flags, flags),
         server_keywords = coalesce(server_keywords, keywords) WHERE id = ?1 AND id_kind = 1",
        [id],
    )?;
    write_state(conn, root, id, path, state)
}

/// Writes `state` into the message's row (flags, keywords and the path
/// its file will have) and returns that path; the caller renames the file
/// before committing. Letters wirepost does not manage stay in the name.
fn write_state(
    conn: &Connection,
    root: &Path,
    id: MessageId,
    path: &Path,
    state: &FlagState,
) -> Result<PathBuf, StoreError> {
    let target = flagged_path(path, state)?;
    conn.execute(
        "UPDATE messages SET flags = ?1, keywords = ?2, path = ?3 WHERE id = ?4",
        params![
            state.flags.to_bits(),
            state.keywords.to_db(),
            relative(root, &target),
            id
        ],
    )?;
    Ok(target)
}

/// Where a message file goes when its flags become `state`: `cur/` with
/// the letters in its name; a message without flags that no client looked
/// at stays in `new/`. Letters wirepost does not manage stay, and so does
/// a `P` ("passed") another Maildir program set.
fn flagged_path(path: &Path, state: &FlagState) -> Result<PathBuf, StoreError> {
    let kept: String = maildir::flags_of(path)
        .chars()
        .filter(|c| !"DFRST".contains(*c))
        .collect();
    let letters = maildir::sort_flags(&format!("{}{kept}", state.maildir_letters()));
    let folder_root = path
        .parent()
        .and_then(Path::parent)
        .ok_or(StoreError::NotFound)?;
    let in_new = path.parent().and_then(Path::file_name) == Some("new".as_ref());
    Ok(if in_new && letters.is_empty() {
        path.to_path_buf()
    } else {
        folder_root
            .join("cur")
            .join(format!("{}:2,{letters}", maildir::base_name(path)))
    })
}

fn rename(from: &Path, to: &Path) -> Result<(), StoreError> {
    if from != to {
        std::fs::rename(from, to)?;
    }
    Ok(())
}
