//! What was typed before, browsed with ↑/↓: lines sent on the input
//! line, and command lines run.

/// Lines sent so far, oldest first, browsed with ↑/↓.
#[derive(Debug, Clone, Default)]
pub struct History {
    entries: Vec<String>,
    /// Index into `entries` while browsing; None when editing a new line.
    position: Option<usize>,
    /// What was typed before browsing started, restored past the newest.
    draft: String,
}

/// Entries kept at most.
const HISTORY_LIMIT: usize = 500;

impl History {
    pub fn push(&mut self, line: &str) {
        self.position = None;
        if self.entries.last().map(String::as_str) != Some(line) {
            self.entries.push(line.to_string());
            if self.entries.len() > HISTORY_LIMIT {
                self.entries.remove(0);
            }
        }
    }

    /// The previous entry, or None when there is none.
    pub fn older(&mut self, current: &str) -> Option<String> {
        let next = match self.position {
            None if self.entries.is_empty() => return None,
            None => {
                self.draft = current.to_string();
                self.entries.len() - 1
            }
            Some(0) => return None,
            Some(p) => p - 1,
        };
        self.position = Some(next);
        Some(self.entries[next].clone())
    }

    pub fn newer(&mut self) -> Option<String> {
        let p = self.position?;
        if p + 1 < self.entries.len() {
            self.position = Some(p + 1);
            Some(self.entries[p + 1].clone())
        } else {
            self.position = None;
            Some(std::mem::take(&mut self.draft))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn history_browses_and_restores_the_draft() {
        let mut h = History::default();
        h.push("one");
        h.push("two");
        h.push("two");
        assert_eq!(h.older("dra").as_deref(), Some("two"));
        assert_eq!(h.older("").as_deref(), Some("one"));
        assert_eq!(h.older(""), None);
        assert_eq!(h.newer().as_deref(), Some("two"));
        assert_eq!(h.newer().as_deref(), Some("dra"));
        assert_eq!(h.newer(), None);
    }
}
