//! The values the store API takes and returns.

use std::path::PathBuf;

/// The index row id of a stored message.
pub type MessageId = i64;

/// One message to store, as a sync engine, an import or the outbox has it.
#[derive(Debug, Clone)]
pub struct NewMessage<'a> {
    pub account: &'a str,
    pub folder: &'a str,
    pub identity: ServerIdentity,
    pub raw: &'a [u8],
    pub flags: Flags,
    /// Unix seconds (IMAP INTERNALDATE); `None` means the `Date:` header,
    /// or the time of storing when that is missing or unreadable.
    pub internal_date: Option<i64>,
}

/// What identifies a message on the server it came from, so that a sync
/// never downloads or stores it twice.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum ServerIdentity {
    Imap {
        uidvalidity: u32,
        uid: u32,
    },
    /// A POP3 UIDL, or `sha256:<hex>` of the content when the server has no
    /// UIDL. POP3 identities are unique per account (not per folder), so a
    /// message moved to another local folder is still known.
    Pop3 {
        uidl: String,
    },
    /// Imported, outbox, drafts: no server identity, never a duplicate.
    Local,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StoreOutcome {
    Stored(MessageId),
    /// The identity was already stored; nothing was written.
    Duplicate(MessageId),
}

impl StoreOutcome {
    pub fn id(self) -> MessageId {
        match self {
            StoreOutcome::Stored(id) | StoreOutcome::Duplicate(id) => id,
        }
    }
}

/// The standard message flags (IMAP system flags, Maildir info letters).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Flags {
    pub seen: bool,
    pub answered: bool,
    pub flagged: bool,
    pub deleted: bool,
    pub draft: bool,
}

impl Flags {
    /// Every flag set in either.
    pub fn union(self, other: Flags) -> Flags {
        Flags {
            seen: self.seen || other.seen,
            answered: self.answered || other.answered,
            flagged: self.flagged || other.flagged,
            deleted: self.deleted || other.deleted,
            draft: self.draft || other.draft,
        }
    }

    /// Maildir info letters in ASCII order (`D`raft, `F`lagged, `R`eplied,
    /// `S`een, `T`rashed).
    pub fn to_maildir(&self) -> String {
        let mut out = String::new();
        for (on, letter) in [
            (self.draft, 'D'),
            (self.flagged, 'F'),
            (self.answered, 'R'),
            (self.seen, 'S'),
            (self.deleted, 'T'),
        ] {
            if on {
                out.push(letter);
            }
        }
        out
    }

    /// Reads Maildir info letters; unknown letters (`P`, lower-case
    /// keywords) are ignored.
    pub fn from_maildir(letters: &str) -> Flags {
        Flags {
            seen: letters.contains('S'),
            answered: letters.contains('R'),
            flagged: letters.contains('F'),
            deleted: letters.contains('T'),
            draft: letters.contains('D'),
        }
    }

    /// IMAP system flags, for `STORE` and `APPEND`.
    pub fn to_imap(&self) -> Vec<&'static str> {
        let mut out = Vec::new();
        for (on, flag) in [
            (self.seen, "\\Seen"),
            (self.answered, "\\Answered"),
            (self.flagged, "\\Flagged"),
            (self.deleted, "\\Deleted"),
            (self.draft, "\\Draft"),
        ] {
            if on {
                out.push(flag);
            }
        }
        out
    }

    /// Reads IMAP flags as strings (`\Seen`, case-insensitive); keywords
    /// and `\Recent` are ignored.
    pub fn from_imap<S: AsRef<str>>(flags: &[S]) -> Flags {
        let mut out = Flags::default();
        for flag in flags {
            match flag.as_ref().to_ascii_lowercase().as_str() {
                "\\seen" => out.seen = true,
                "\\answered" => out.answered = true,
                "\\flagged" => out.flagged = true,
                "\\deleted" => out.deleted = true,
                "\\draft" => out.draft = true,
                _ => {}
            }
        }
        out
    }

    /// The bit set kept in the index.
    pub fn to_bits(self) -> i64 {
        i64::from(self.seen)
            | i64::from(self.answered) << 1
            | i64::from(self.flagged) << 2
            | i64::from(self.deleted) << 3
            | i64::from(self.draft) << 4
    }

    pub fn from_bits(bits: i64) -> Flags {
        Flags {
            seen: bits & 1 != 0,
            answered: bits & 2 != 0,
            flagged: bits & 4 != 0,
            deleted: bits & 8 != 0,
            draft: bits & 16 != 0,
        }
    }
}

/// What a sync engine remembers about a server folder between runs.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FolderState {
    pub uidvalidity: Option<u32>,
    pub uidnext: Option<u32>,
    pub highestmodseq: Option<u64>,
    /// Unix seconds of the last completed sync.
    pub last_sync: Option<i64>,
    pub message_count: Option<u64>,
}

/// Special use of a folder (RFC 6154 plus the local Outbox).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FolderRole {
    Inbox,
    Sent,
    Drafts,
    Trash,
    Junk,
    Archive,
    Outbox,
}

impl FolderRole {
    pub const ALL: [FolderRole; 7] = [
        FolderRole::Inbox,
        FolderRole::Sent,
        FolderRole::Drafts,
        FolderRole::Trash,
        FolderRole::Junk,
        FolderRole::Archive,
        FolderRole::Outbox,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            FolderRole::Inbox => "inbox",
            FolderRole::Sent => "sent",
            FolderRole::Drafts => "drafts",
            FolderRole::Trash => "trash",
            FolderRole::Junk => "junk",
            FolderRole::Archive => "archive",
            FolderRole::Outbox => "outbox",
        }
    }

    pub fn parse(s: &str) -> Option<FolderRole> {
        FolderRole::ALL.into_iter().find(|r| r.as_str() == s)
    }
}

/// Why a store operation failed. `Display` is one line for the status line.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("mail store: {0}")]
    Io(#[from] std::io::Error),
    #[error("mail index: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("no such message in the mail store")]
    NotFound,
    #[error("the mail store is not open")]
    NotOpen,
    #[error("no folder \"{folder}\" in account \"{account}\"")]
    NoFolder { account: String, folder: String },
    #[error("mail index at {path} is newer (version {found}) than this wirepost knows ({known})")]
    TooNew {
        path: PathBuf,
        found: i64,
        known: i64,
    },
    #[error("the message file {0} is missing; run `wirepost reindex`")]
    MissingFile(PathBuf),
}
