//! Automatic answers for listeners and UDP servers: `reply=Hello, {line}!`
//! answers each received line, `bye=exit` hangs up on a line.
//!
//! What is sent is exactly what was written (escapes such as `\r\n`
//! decoded): a greeting or reply that already ends with a line ending is
//! sent as it is; one that does not gets one — a greeting `\n`, a reply
//! the ending of the line it answers (so a CRLF peer gets CRLF).

use super::session::Rules;

/// The longest line the rules look at; a longer line is answered with its
/// first `MAX_LINE` bytes (the transcript still has all of it).
pub const MAX_LINE: usize = 64 * 1024;

/// What to do after some bytes arrived.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Reaction {
    pub replies: Vec<Vec<u8>>,
    pub close: bool,
}

/// Applies `Rules` to a byte stream, one complete line at a time.
#[derive(Debug, Default)]
pub struct LineRules {
    rules: Rules,
    partial: Vec<u8>,
}

impl LineRules {
    pub fn new(rules: Rules) -> LineRules {
        LineRules {
            rules,
            partial: Vec::new(),
        }
    }

    pub fn is_active(&self) -> bool {
        self.rules.reply.is_some() || self.rules.bye.is_some()
    }

    /// The greeting, with a line ending unless it ends with one.
    pub fn greeting(&self) -> Option<Vec<u8>> {
        self.rules
            .greeting
            .as_ref()
            .map(|g| with_ending(g.clone(), b"\n"))
    }

    /// Feeds stream bytes; complete lines are answered.
    pub fn feed(&mut self, data: &[u8]) -> Reaction {
        let mut reaction = Reaction::default();
        if !self.is_active() {
            return reaction;
        }
        for piece in data.split_inclusive(|&b| b == b'\n') {
            let Some(body) = piece.strip_suffix(b"\n") else {
                self.keep(piece);
                break;
            };
            self.keep(body);
            if body.ends_with(b"\r") && !self.partial.ends_with(b"\r") {
                self.partial.push(b'\r');
            }
            self.partial.push(b'\n');
            let line = std::mem::take(&mut self.partial);
            if self.answer(&line, &mut reaction) {
                reaction.close = true;
                break;
            }
        }
        reaction
    }

    /// Adds to the line being collected, up to `MAX_LINE`: a peer that
    /// never sends a line break must not grow memory without end.
    fn keep(&mut self, bytes: &[u8]) {
        let room = MAX_LINE.saturating_sub(self.partial.len());
        self.partial
            .extend_from_slice(&bytes[..bytes.len().min(room)]);
    }

    /// Answers one datagram as a whole line.
    pub fn datagram(&self, data: &[u8]) -> Reaction {
        let mut reaction = Reaction::default();
        reaction.close = self.answer(data, &mut reaction);
        reaction
    }

    /// Adds the reply to `line` (which may end in CRLF or LF) and says
    /// whether it was the hang-up word.
    fn answer(&self, line: &[u8], reaction: &mut Reaction) -> bool {
        let (text, ending) = split_ending(line);
        let text = String::from_utf8_lossy(text);
        if self.rules.bye.as_deref() == Some(text.trim()) {
            return true;
        }
        if let Some(template) = &self.rules.reply {
            let reply = template
                .replace("{line}", &text)
                .replace("{data}", &text)
                .into_bytes();
            reaction.replies.push(with_ending(reply, ending));
        }
        false
    }
}

/// `text` as written when it ends with a line ending, else with `ending`.
fn with_ending(mut text: Vec<u8>, ending: &[u8]) -> Vec<u8> {
    if !text.ends_with(b"\n") {
        text.extend_from_slice(ending);
    }
    text
}

fn split_ending(line: &[u8]) -> (&[u8], &[u8]) {
    if let Some(text) = line.strip_suffix(b"\r\n") {
        (text, b"\r\n")
    } else if let Some(text) = line.strip_suffix(b"\n") {
        (text, b"\n")
    } else {
        (line, b"")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules() -> LineRules {
        LineRules::new(Rules {
            greeting: Some(b"Welcome!".to_vec()),
            reply: Some("Hello, {line}!".into()),
            bye: Some("exit".into()),
        })
    }

    #[test]
    fn answers_each_complete_line_keeping_its_ending() {
        let mut r = rules();
        assert_eq!(r.greeting().unwrap(), b"Welcome!\n");
        assert_eq!(r.feed(b"da").replies.len(), 0);
        let reaction = r.feed(b"ta\nx\r\n");
        assert_eq!(
            reaction.replies,
            vec![b"Hello, data!\n".to_vec(), b"Hello, x!\r\n".to_vec()]
        );
        assert!(!reaction.close);
        assert!(r.feed(b"exit\r\n").close);
    }

    #[test]
    fn a_line_without_end_is_capped_not_collected() {
        // Found by flooding a listener with a reply rule: the partial line
        // grew with every byte (and was rescanned on every read).
        let mut r = rules();
        for _ in 0..160 {
            assert!(r.feed(&[b'x'; 64 * 1024]).replies.is_empty());
        }
        assert!(r.partial.capacity() <= 2 * MAX_LINE);
        let reaction = r.feed(b"yy\r\nnext\n");
        assert_eq!(reaction.replies.len(), 2);
        let first = &reaction.replies[0];
        assert_eq!(first.len(), "Hello, !".len() + MAX_LINE + 2);
        assert!(first.ends_with(b"x!\r\n"));
        assert_eq!(reaction.replies[1], b"Hello, next!\n");
    }

    #[test]
    fn text_that_ends_with_a_line_ending_is_sent_as_written() {
        let mut r = LineRules::new(Rules {
            greeting: Some(b"+OK ready\r\n".to_vec()),
            reply: Some("+OK {line}\r\n".into()),
            bye: None,
        });
        assert_eq!(r.greeting().unwrap(), b"+OK ready\r\n");
        assert_eq!(r.feed(b"NOOP\n").replies, vec![b"+OK NOOP\r\n".to_vec()]);
        let r = LineRules::new(Rules {
            greeting: Some(b"two\nlines".to_vec()),
            ..Rules::default()
        });
        assert_eq!(r.greeting().unwrap(), b"two\nlines\n");
    }

    #[test]
    fn datagrams_are_whole_lines() {
        let r = rules();
        assert_eq!(
            r.datagram(b"Tracy").replies,
            vec![b"Hello, Tracy!".to_vec()]
        );
    }
}
