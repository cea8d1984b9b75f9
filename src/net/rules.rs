//! Automatic answers for listeners and UDP servers: `reply=Hello, {line}!`
//! answers each received line, `bye=exit` hangs up on a line.

use super::session::Rules;

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

    /// The greeting with a line ending, if there is one.
    pub fn greeting(&self) -> Option<Vec<u8>> {
        self.rules.greeting.as_ref().map(|g| {
            let mut g = g.clone();
            g.push(b'\n');
            g
        })
    }

    /// Feeds stream bytes; complete lines are answered.
    pub fn feed(&mut self, data: &[u8]) -> Reaction {
        let mut reaction = Reaction::default();
        if !self.is_active() {
            return reaction;
        }
        self.partial.extend_from_slice(data);
        while let Some(end) = self.partial.iter().position(|&b| b == b'\n') {
            let line: Vec<u8> = self.partial.drain(..=end).collect();
            if self.answer(&line, &mut reaction) {
                reaction.close = true;
                self.partial.clear();
                break;
            }
        }
        reaction
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
            let mut reply = template
                .replace("{line}", &text)
                .replace("{data}", &text)
                .into_bytes();
            reply.extend_from_slice(ending);
            reaction.replies.push(reply);
        }
        false
    }
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
    fn datagrams_are_whole_lines() {
        let r = rules();
        assert_eq!(
            r.datagram(b"Tracy").replies,
            vec![b"Hello, Tracy!".to_vec()]
        );
    }
}
