//! Threading by `References`/`In-Reply-To`, after Jamie Zawinski's
//! algorithm (without subject grouping, which joins unrelated mail): every
//! Message-ID seen gets a container, references link containers parent to
//! child unless that would make a loop, containers for messages that are not
//! here are dropped and their children promoted.

use super::MessageId;
use super::query::{SortOrder, ThreadFields};
use std::collections::HashMap;

/// One line of the threaded list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ThreadLine {
    pub id: MessageId,
    /// 0 for the start of a thread.
    pub depth: u16,
}

#[derive(Default)]
struct Container {
    message: Option<usize>,
    parent: Option<usize>,
    children: Vec<usize>,
}

/// The messages in thread order: threads sorted by their newest message
/// (per `sort`), replies under their parent oldest first.
pub fn thread_order(items: &[ThreadFields], sort: SortOrder) -> Vec<ThreadLine> {
    let mut forest = Forest::with_messages(items);
    forest.link_references(items);
    forest.attach_children();
    // Newest date in each subtree, for ordering threads.
    let date_of = |c: &Container| c.message.map(|m| items[m].date);
    let newest = subtree_newest(&forest.containers, &date_of);
    let threads = forest.threads(items, &newest, sort);
    forest.lines(items, &newest, threads)
}

/// Every container: one per message, one per Message-ID only referenced.
struct Forest<'a> {
    containers: Vec<Container>,
    by_id: HashMap<&'a str, usize>,
    /// The container of each message, by its index in the items.
    own: Vec<usize>,
}

impl<'a> Forest<'a> {
    /// A container for every message; a second message with a Message-ID
    /// already taken, or one without any, stands alone.
    fn with_messages(items: &'a [ThreadFields]) -> Forest<'a> {
        let mut forest = Forest {
            containers: Vec::with_capacity(items.len()),
            by_id: HashMap::with_capacity(items.len()),
            own: Vec::with_capacity(items.len()),
        };
        for (i, item) in items.iter().enumerate() {
            let c = match item.message_id.as_deref().filter(|m| !m.is_empty()) {
                Some(mid) => {
                    let c = forest.container_of(mid);
                    if forest.containers[c].message.is_some() {
                        forest.new_container()
                    } else {
                        c
                    }
                }
                None => forest.new_container(),
            };
            forest.containers[c].message = Some(i);
            forest.own.push(c);
        }
        forest
    }

    /// Links each message's reference chain parent to child (a link that
    /// would close a loop is left out), and the message under the last
    /// reference.
    fn link_references(&mut self, items: &'a [ThreadFields]) {
        for (i, item) in items.iter().enumerate() {
            let mut refs: Vec<&str> = item
                .references
                .as_deref()
                .unwrap_or("")
                .split_whitespace()
                .collect();
            if let Some(irt) = item.in_reply_to.as_deref()
                && refs.last() != Some(&irt)
            {
                refs.push(irt);
            }
            let chain: Vec<usize> = refs.iter().map(|r| self.container_of(r)).collect();
            let containers = &mut self.containers;
            for pair in chain.windows(2) {
                let (parent, child) = (pair[0], pair[1]);
                if containers[child].parent.is_none() && !is_ancestor(containers, child, parent) {
                    containers[child].parent = Some(parent);
                }
            }
            let me = self.own[i];
            let parent = chain
                .last()
                .copied()
                .filter(|&p| p != me && !is_ancestor(containers, me, p));
            containers[me].parent = parent;
        }
    }

    fn attach_children(&mut self) {
        for c in 0..self.containers.len() {
            if let Some(p) = self.containers[c].parent {
                self.containers[p].children.push(c);
            }
        }
    }

    /// The thread starts with their newest date, in `sort` order. Stand-ins
    /// for missing messages give way to their children.
    fn threads(
        &self,
        items: &[ThreadFields],
        newest: &[Option<i64>],
        sort: SortOrder,
    ) -> Vec<(usize, i64)> {
        let containers = &self.containers;
        let mut roots: Vec<usize> = (0..containers.len())
            .filter(|&c| containers[c].parent.is_none())
            .collect();
        let mut top: Vec<(usize, i64)> = Vec::new();
        while let Some(r) = roots.pop() {
            if containers[r].message.is_some() {
                top.push((r, newest[r].unwrap_or(i64::MIN)));
            } else {
                roots.extend(containers[r].children.iter().copied());
            }
        }
        top.sort_by_key(|&(c, date)| (date, containers[c].message.map(|m| items[m].id)));
        if sort == SortOrder::NewestFirst {
            top.reverse();
        }
        top
    }

    /// Each thread depth first, replies under their parent.
    fn lines(
        &self,
        items: &[ThreadFields],
        newest: &[Option<i64>],
        threads: Vec<(usize, i64)>,
    ) -> Vec<ThreadLine> {
        let mut lines = Vec::with_capacity(items.len());
        for (root, _) in threads {
            let mut stack = vec![(root, 0u16)];
            while let Some((c, depth)) = stack.pop() {
                let mut next_depth = depth;
                if let Some(m) = self.containers[c].message {
                    lines.push(ThreadLine {
                        id: items[m].id,
                        depth,
                    });
                    next_depth = depth.saturating_add(1);
                }
                let mut kids: Vec<usize> = self.containers[c].children.clone();
                kids.sort_by_key(|&k| std::cmp::Reverse((newest[k], k)));
                stack.extend(kids.into_iter().map(|k| (k, next_depth)));
            }
        }
        lines
    }

    /// The container of Message-ID `key`, made on first sight.
    fn container_of(&mut self, key: &'a str) -> usize {
        let containers = &mut self.containers;
        *self.by_id.entry(key).or_insert_with(|| {
            containers.push(Container::default());
            containers.len() - 1
        })
    }

    fn new_container(&mut self) -> usize {
        self.containers.push(Container::default());
        self.containers.len() - 1
    }
}

/// Whether `ancestor` is `node` or above it.
fn is_ancestor(containers: &[Container], ancestor: usize, mut node: usize) -> bool {
    let mut steps = 0;
    loop {
        if node == ancestor {
            return true;
        }
        match containers[node].parent {
            Some(p) if steps < containers.len() => {
                node = p;
                steps += 1;
            }
            _ => return false,
        }
    }
}

fn subtree_newest(
    containers: &[Container],
    date_of: &dyn Fn(&Container) -> Option<i64>,
) -> Vec<Option<i64>> {
    let mut newest: Vec<Option<i64>> = containers.iter().map(date_of).collect();
    // Push each date up its chain of parents (depth is bounded by the loop
    // checks above, so this terminates).
    for c in 0..containers.len() {
        let Some(date) = newest[c] else { continue };
        let mut node = containers[c].parent;
        let mut steps = 0;
        while let Some(p) = node {
            if newest[p].is_some_and(|d| d >= date) || steps > containers.len() {
                break;
            }
            newest[p] = Some(date);
            node = containers[p].parent;
            steps += 1;
        }
    }
    newest
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(id: i64, date: i64, mid: &str, irt: Option<&str>, refs: Option<&str>) -> ThreadFields {
        ThreadFields {
            id,
            date,
            message_id: Some(mid.into()),
            in_reply_to: irt.map(Into::into),
            references: refs.map(Into::into),
        }
    }

    #[test]
    fn replies_nest_under_parents_and_threads_sort_by_newest() {
        let items = vec![
            item(1, 100, "a", None, None),
            item(2, 300, "b", Some("a"), Some("a")),
            item(3, 200, "c", None, None),
            // Its parent "x" is missing: it becomes a thread of its own.
            item(4, 150, "d", Some("x"), Some("x")),
            item(5, 400, "e", Some("b"), Some("a b")),
            item(6, 250, "f", Some("a"), None),
        ];
        let order: Vec<(i64, u16)> = thread_order(&items, SortOrder::NewestFirst)
            .into_iter()
            .map(|l| (l.id, l.depth))
            .collect();
        assert_eq!(order, vec![(1, 0), (6, 1), (2, 1), (5, 2), (3, 0), (4, 0)]);
    }

    #[test]
    fn reference_loops_and_duplicate_ids_do_not_hang_or_lose_messages() {
        let items = vec![
            item(1, 1, "a", Some("b"), Some("b")),
            item(2, 2, "b", Some("a"), Some("a")),
            item(3, 3, "a", None, None),
            item(4, 4, "c", Some("c"), Some("c c")),
        ];
        let mut ids: Vec<i64> = thread_order(&items, SortOrder::OldestFirst)
            .into_iter()
            .map(|l| l.id)
            .collect();
        ids.sort_unstable();
        assert_eq!(ids, vec![1, 2, 3, 4]);
    }
}
