//! LIST: the account's folders with their special-use roles (RFC 6154).

use super::error::ImapError;
use super::session::ImapSession;
use async_imap::types::NameAttribute;
use futures::TryStreamExt;

/// What a folder is for, from its special-use attribute (or its name, for
/// INBOX).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Role {
    Inbox,
    Drafts,
    Sent,
    Archive,
    Junk,
    Trash,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoteFolder {
    /// The name exactly as the server spells it (for SELECT).
    pub name: String,
    pub delimiter: Option<String>,
    pub role: Option<Role>,
    /// \Noselect / \NonExistent folders only hold others.
    pub selectable: bool,
}

impl RemoteFolder {
    /// The folder's name in the local store: the hierarchy separator becomes
    /// ".", as Maildir++ tools expect.
    pub fn local_name(&self) -> String {
        match self.delimiter.as_deref() {
            Some(d) if d != "." && !d.is_empty() => self.name.replace(d, "."),
            _ => self.name.clone(),
        }
    }
}

/// Most folders kept from one LIST. A server (or a hostile peer) can list
/// millions; each would become a row in the folder pane and the store and
/// a SELECT in a full sync. INBOX and special-use folders are kept even
/// past the cap; the rest of the answer is read and dropped.
pub const MAX_FOLDERS: usize = 10_000;

/// What LIST answered: the folders kept and how many the server named.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FolderList {
    pub folders: Vec<RemoteFolder>,
    pub listed: usize,
}

impl FolderList {
    /// How many folders were left out because of [`MAX_FOLDERS`].
    pub fn dropped(&self) -> usize {
        self.listed - self.folders.len()
    }
}

/// All folders, INBOX first, then special-use ones, then by name.
pub async fn list_folders(session: &mut ImapSession) -> Result<Vec<RemoteFolder>, ImapError> {
    Ok(list_folders_capped(session).await?.folders)
}

/// Like [`list_folders`], also saying how many the server listed; at most
/// [`MAX_FOLDERS`] (plus INBOX and special-use ones) are kept.
pub async fn list_folders_capped(session: &mut ImapSession) -> Result<FolderList, ImapError> {
    let mut stream = session
        .list(Some(""), Some("*"))
        .await
        .map_err(ImapError::from_imap)?;
    let mut folders = Vec::new();
    let mut listed = 0;
    // Read to the end (the session is busy until then), keeping only what
    // fits, so memory does not grow with the answer.
    while let Some(name) = stream.try_next().await.map_err(ImapError::from_imap)? {
        listed += 1;
        let folder = remote_folder(&name);
        if folders.len() < MAX_FOLDERS || folder.role.is_some() {
            folders.push(folder);
        }
    }
    drop(stream);
    if listed > folders.len() {
        tracing::warn!(
            listed,
            kept = folders.len(),
            "the server listed more folders than wirepost keeps; the rest are left out"
        );
    }
    folders.sort_by(|a, b| {
        let rank = |f: &RemoteFolder| f.role.map_or(u8::MAX, |r| r as u8);
        rank(a).cmp(&rank(b)).then_with(|| a.name.cmp(&b.name))
    });
    Ok(FolderList { folders, listed })
}

fn remote_folder(n: &async_imap::types::Name) -> RemoteFolder {
    let mut role = None;
    let mut selectable = true;
    for attribute in n.attributes() {
        match attribute {
            NameAttribute::NoSelect => selectable = false,
            NameAttribute::Sent => role = Some(Role::Sent),
            NameAttribute::Drafts => role = Some(Role::Drafts),
            NameAttribute::Trash => role = Some(Role::Trash),
            NameAttribute::Junk => role = Some(Role::Junk),
            NameAttribute::Archive => role = Some(Role::Archive),
            NameAttribute::Extension(ext) if ext.eq_ignore_ascii_case("\\NonExistent") => {
                selectable = false
            }
            _ => {}
        }
    }
    if n.name().eq_ignore_ascii_case("INBOX") {
        role = Some(Role::Inbox);
    }
    RemoteFolder {
        name: n.name().to_string(),
        delimiter: n.delimiter().map(str::to_string),
        role,
        selectable,
    }
}

/// The folder with `role`, if the server marks one.
pub fn find_role(folders: &[RemoteFolder], role: Role) -> Option<&RemoteFolder> {
    folders.iter().find(|f| f.role == Some(role))
}
