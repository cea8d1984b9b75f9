//! Recipients to complete: the ranked contacts of the store merged with
//! the answers of the user's address book command (`address_book_command`,
//! mutt's query format, as khard, abook and notmuch-addrlookup print it),
//! one entry per address. Also `wirepost contacts TEXT`.

use crate::store::{Contact, split_mailbox};
use std::collections::HashSet;
use std::io::Read;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// An address book command that has not answered by then is stopped: a
/// hung script must not keep a process per keystroke alive.
pub const QUERY_TIMEOUT: Duration = Duration::from_secs(10);
/// At most this much of a command's output is read.
const QUERY_OUTPUT_CAP_BYTES: usize = 4 * 1024 * 1024;

/// Whether `contact` matches what is typed: the typed text starts the
/// address, the whole name, or any word of either (so `lee` finds
/// `Ann Lee` and `ann.lee@example.org`). Case does not matter.
pub fn matches(contact: &Contact, typed: &str) -> bool {
    let typed = typed.trim().to_lowercase();
    if typed.is_empty() {
        return false;
    }
    let name = contact.name.to_lowercase();
    let address = contact.address.to_lowercase();
    if address.starts_with(&typed) || name.starts_with(&typed) {
        return true;
    }
    let word_start = |text: &str| {
        text.split(|c: char| c.is_whitespace() || ".@-_+,\"'()".contains(c))
            .any(|word| word.starts_with(&typed))
    };
    word_start(&name) || word_start(&address)
}

/// The contacts matching `typed`, best first: the store's ranking, then
/// address book entries the store has never seen. An address is listed
/// once; a name from the address book fills in one mail never gave.
pub fn merge(local: &[Contact], book: &[Contact], typed: &str, limit: usize) -> Vec<Contact> {
    let mut out: Vec<Contact> = local
        .iter()
        .filter(|c| matches(c, typed))
        .take(limit)
        .cloned()
        .collect();
    let mut seen: HashSet<String> = out.iter().map(|c| c.address.to_lowercase()).collect();
    for entry in book {
        let key = entry.address.to_lowercase();
        if let Some(known) = out.iter_mut().find(|c| c.address.to_lowercase() == key) {
            if known.name.is_empty() {
                known.name = entry.name.clone();
            }
            continue;
        }
        if out.len() < limit && seen.insert(key) {
            out.push(entry.clone());
        }
    }
    out
}

/// Reads mutt's query format: the first line is a status line (ignored),
/// then `address<TAB>name[<TAB>other]` per match. Lines without an address
/// are skipped; an address appears once.
pub fn parse_query_output(text: &str) -> Vec<Contact> {
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for line in text.lines().skip(1) {
        let mut fields = line.split('\t');
        let address = fields.next().unwrap_or_default().trim();
        let name = fields.next().unwrap_or_default().trim();
        let Some((inner_name, address)) = split_mailbox(address) else {
            continue;
        };
        if !seen.insert(address.to_lowercase()) {
            continue;
        }
        let name = if name.is_empty() {
            inner_name
        } else {
            name.to_string()
        };
        out.push(Contact {
            name: crate::sanitize::clean_line(&name),
            address,
            score: 0.0,
        });
    }
    out
}

/// The shell command line for `query`: `%s` replaced by the query quoted
/// for `sh`, or the quoted query appended when there is no `%s`.
pub fn command_line(template: &str, query: &str) -> String {
    let quoted = format!("'{}'", query.replace('\'', "'\\''"));
    if template.contains("%s") {
        template.replace("%s", &quoted)
    } else {
        format!("{template} {quoted}")
    }
}

/// Runs the address book command for `query` and reads its matches.
/// Blocking; stopped after `timeout`. The error names what went wrong.
pub fn query(template: &str, query: &str, timeout: Duration) -> Result<Vec<Contact>, String> {
    let line = command_line(template, query);
    let mut child = Command::new("sh")
        .arg("-c")
        .arg(&line)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .process_group(0)
        .spawn()
        .map_err(|e| format!("cannot run the address book command: {e}"))?;
    let stdout = child.stdout.take();
    let reader = std::thread::spawn(move || {
        let mut out = Vec::new();
        if let Some(stdout) = stdout {
            let _ = stdout
                .take(QUERY_OUTPUT_CAP_BYTES as u64)
                .read_to_end(&mut out);
        }
        out
    });
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().map_err(|e| e.to_string())? {
            break status;
        }
        if started.elapsed() >= timeout {
            stop_group(&mut child);
            return Err(format!(
                "the address book command did not answer within {} s",
                timeout.as_secs()
            ));
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let output = reader.join().unwrap_or_default();
    // mutt's convention: a status of 1 with no matches is "not found".
    if !status.success() && status.code() != Some(1) {
        return Err(format!("the address book command failed ({status})"));
    }
    Ok(parse_query_output(&String::from_utf8_lossy(&output)))
}

use std::os::unix::process::CommandExt;

/// `wirepost contacts TEXT`: the matches, best first, one `Name <address>`
/// a line on stdout; exit status 1 when nothing matches.
pub fn run_headless(
    config: &crate::config::Config,
    paths: &crate::config::Paths,
    text: &str,
) -> u8 {
    let store_dir = config.store_dir(paths);
    let local = if store_dir.join("index.sqlite").exists() {
        match crate::store::Store::open(&store_dir).and_then(|s| s.contacts(now())) {
            Ok(local) => local,
            Err(e) => {
                eprintln!("wirepost: cannot read the mail store: {e}");
                return 2;
            }
        }
    } else {
        Vec::new()
    };
    let book = match &config.contacts.address_book_command {
        Some(template) => query(template, text, QUERY_TIMEOUT).unwrap_or_else(|e| {
            eprintln!("wirepost: {e}");
            Vec::new()
        }),
        None => Vec::new(),
    };
    let found = merge(&local, &book, text, usize::MAX);
    for contact in &found {
        println!("{}", crate::sanitize::clean_line(&contact.display()));
    }
    u8::from(found.is_empty())
}

/// Seconds since the epoch, for ranking by recency.
pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// Ends a command that ran too long, with whatever it started.
fn stop_group(child: &mut std::process::Child) {
    if let Ok(pid) = i32::try_from(child.id()) {
        // SAFETY: kill(2) on the process group this child leads (it was
        // started with process_group(0)); no memory is touched.
        unsafe {
            libc::kill(-pid, libc::SIGKILL);
        }
    }
    let _ = child.wait();
}

#[cfg(test)]
mod tests {
    use super::*;

    fn contact(name: &str, address: &str) -> Contact {
        Contact {
            name: name.into(),
            address: address.into(),
            score: 1.0,
        }
    }

    #[test]
    fn matches_the_start_of_words_in_name_and_address() {
        let ann = contact("Ann Lee", "ann.lee@example.test");
        for typed in ["ann", "Lee", "ann.l", "example", "ANN LEE"] {
            assert!(matches(&ann, typed), "{typed}");
        }
        for typed in ["nn", "xyz", ""] {
            assert!(!matches(&ann, typed), "{typed}");
        }
    }

    #[test]
    fn reads_the_mutt_query_format() {
        let text = "Searching 2 address books… 3 found\n\
                    ann@example.test\tAnn Lee\twork\n\
                    bob@example.test\t\n\
                    not an address\tNobody\n\
                    ANN@example.test\tAnn again\n";
        let found = parse_query_output(text);
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].display(), "Ann Lee <ann@example.test>");
        assert_eq!(found[1].display(), "bob@example.test");
    }

    #[test]
    fn merges_without_duplicates_local_rank_first() {
        let local = vec![
            contact("", "ann@example.test"),
            contact("Andy", "andy@example.test"),
        ];
        let book = vec![
            contact("Andrea", "andrea@example.test"),
            contact("Ann Lee", "ANN@example.test"),
        ];
        let merged = merge(&local, &book, "an", 10);
        let shown: Vec<String> = merged.iter().map(Contact::display).collect();
        assert_eq!(
            shown,
            [
                "Ann Lee <ann@example.test>",
                "Andy <andy@example.test>",
                "Andrea <andrea@example.test>"
            ]
        );
    }

    #[test]
    fn the_query_is_quoted_for_the_shell() {
        assert_eq!(
            command_line("khard email --parsable %s", "o'k"),
            "khard email --parsable 'o'\\''k'"
        );
        assert_eq!(
            command_line("abook --mutt-query", "ann"),
            "abook --mutt-query 'ann'"
        );
    }

    #[test]
    fn a_script_answers_and_a_hung_one_is_stopped() {
        let script = "printf 'found\\nann@example.test\\tAnn Lee\\n'; true";
        let found = query(script, "ann", QUERY_TIMEOUT).unwrap();
        assert_eq!(found[0].display(), "Ann Lee <ann@example.test>");
        let not_found = query("echo none; exit 1", "zz", QUERY_TIMEOUT).unwrap();
        assert!(not_found.is_empty());
        let err = query("sleep 30 # %s", "x", Duration::from_millis(200)).unwrap_err();
        assert!(err.contains("did not answer"), "{err}");
        assert!(query("exit 3", "x", QUERY_TIMEOUT).is_err());
    }
}
