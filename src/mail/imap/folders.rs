//! LIST: the account's folders with their special-use roles (RFC 6154).

use super::connect::ImapSession;
use super::error::ImapError;
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

/// All folders, INBOX first, then special-use ones, then by name.
pub async fn list_folders(session: &mut ImapSession) -> Result<Vec<RemoteFolder>, ImapError> {
    let names: Vec<_> = session
        .list(Some(""), Some("*"))
        .await
        .map_err(ImapError::from_imap)?
        .try_collect()
        .await
        .map_err(ImapError::from_imap)?;
    let mut folders: Vec<RemoteFolder> = names
        .iter()
        .map(|n| {
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
        })
        .collect();
    folders.sort_by(|a, b| {
        let rank = |f: &RemoteFolder| f.role.map_or(u8::MAX, |r| r as u8);
        rank(a).cmp(&rank(b)).then_with(|| a.name.cmp(&b.name))
    });
    Ok(folders)
}

/// The folder with `role`, if the server marks one.
pub fn find_role(folders: &[RemoteFolder], role: Role) -> Option<&RemoteFolder> {
    folders.iter().find(|f| f.role == Some(role))
}
