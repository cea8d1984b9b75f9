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
    let mut containers: Vec<Container> = Vec::with_capacity(items.len());
    let mut by_id: HashMap<&str, usize> = HashMap::with_capacity(items.len());
    let mut own: Vec<usize> = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let c = match item.message_id.as_deref().filter(|m| !m.is_empty()) {
            Some(mid) => {
                let c = container_of(&mut by_id, mid, &mut containers);
                if containers[c].message.is_some() {
                    // A second message with the same Message-ID stands alone.
                    containers.push(Container::default());
                    containers.len() - 1
                } else {
                    c
                }
            }
            None => {
                containers.push(Container::default());
                containers.len() - 1
            }
        };
        containers[c].message = Some(i);
        own.push(c);
    }
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
        let chain: Vec<usize> = refs
            .iter()
            .map(|r| container_of(&mut by_id, r, &mut containers))
            .collect();
        for pair in chain.windows(2) {
            let (parent, child) = (pair[0], pair[1]);
            if containers[child].parent.is_none() && !is_ancestor(&containers, child, parent) {
                containers[child].parent = Some(parent);
            }
        }
        let me = own[i];
        let parent = chain
            .last()
            .copied()
            .filter(|&p| p != me && !is_ancestor(&containers, me, p));
        containers[me].parent = parent;
    }
    for c in 0..containers.len() {
        if let Some(p) = containers[c].parent {
            containers[p].children.push(c);
        }
    }
    // Newest date in each subtree, for ordering threads.
    let date_of = |c: &Container| c.message.map(|m| items[m].date);
    let mut roots: Vec<usize> = (0..containers.len())
        .filter(|&c| containers[c].parent.is_none())
        .collect();
    let newest = subtree_newest(&containers, &date_of);
    // Stand-ins for missing messages give way to their children.
    let mut lines = Vec::with_capacity(items.len());
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
    for (root, _) in top {
        let mut stack = vec![(root, 0u16)];
        while let Some((c, depth)) = stack.pop() {
            let mut next_depth = depth;
            if let Some(m) = containers[c].message {
                lines.push(ThreadLine {
                    id: items[m].id,
                    depth,
                });
                next_depth = depth.saturating_add(1);
            }
            let mut kids: Vec<usize> = containers[c].children.clone();
            kids.sort_by_key(|&k| std::cmp::Reverse((newest[k], k)));
            stack.extend(kids.into_iter().map(|k| (k, next_depth)));
        }
    }
    lines
}

fn container_of<'a>(
    by_id: &mut HashMap<&'a str, usize>,
    key: &'a str,
    containers: &mut Vec<Container>,
) -> usize {
    *by_id.entry(key).or_insert_with(|| {
        containers.push(Container::default());
        containers.len() - 1
    })
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
