//! The SMTP conversation as a user would want to watch it (what Python's
//! `smtplib.set_debuglevel(1)` prints), made safe to show: AUTH arguments
//! are masked and the message itself is reduced to its size.

use std::sync::Arc;

/// Who said it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Client,
    Server,
    /// wirepost's own note (connected, TLS established, refused).
    Info,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TraceLine {
    pub direction: Direction,
    pub text: String,
}

impl TraceLine {
    pub fn info(text: impl Into<String>) -> TraceLine {
        TraceLine {
            direction: Direction::Info,
            text: text.into(),
        }
    }

    /// "C: ", "S: " or "* " followed by the text, as the headless
    /// `--verbose` output prints it.
    pub fn display(&self) -> String {
        let prefix = match self.direction {
            Direction::Client => "C: ",
            Direction::Server => "S: ",
            Direction::Info => "* ",
        };
        format!("{prefix}{}", self.text)
    }
}

/// Where trace lines go (the engine forwards them to the UI, the headless
/// command prints them).
pub type TraceSink = Arc<dyn Fn(TraceLine) + Send + Sync>;

/// Longest line kept; a server flooding one line cannot grow memory.
const MAX_LINE_BYTES: usize = 4096;

/// Turns the bytes of both directions into redacted lines.
pub struct TraceRecorder {
    sink: TraceSink,
    client: LineBuffer,
    server: LineBuffer,
    /// After "AUTH": client lines are credentials until a non-334 reply.
    in_auth: bool,
    /// The last reply to EHLO offered PIPELINING (lettre's `ServerInfo`
    /// does not keep it).
    pipelining: bool,
    /// Commands sent and not answered yet (pipelined commands are
    /// answered in order).
    awaiting: usize,
    /// "DATA" was sent: which of the replies still to come answers it (1:
    /// the next); a 354 reply to it starts the message.
    data_reply_in: Option<usize>,
    /// Between 354 and the final ".": count, never show.
    data_bytes: Option<u64>,
    data_tail: [u8; 5],
    /// The final "." was written and no complete reply has come back:
    /// from here on the server may have queued the message.
    end_of_data_unanswered: bool,
}

impl TraceRecorder {
    pub fn new(sink: TraceSink) -> TraceRecorder {
        TraceRecorder {
            sink,
            client: LineBuffer::default(),
            server: LineBuffer::default(),
            in_auth: false,
            pipelining: false,
            awaiting: 0,
            data_reply_in: None,
            data_bytes: None,
            data_tail: [0; 5],
            end_of_data_unanswered: false,
        }
    }

    /// Whether the end of the message ("\r\n.\r\n") went out and the
    /// server's whole reply to it has not come back. A connection lost in
    /// that state leaves the delivery unknown: the server may have queued
    /// the message without the client hearing so.
    pub fn end_of_data_unanswered(&self) -> bool {
        self.end_of_data_unanswered
    }

    /// Whether the server's last reply to EHLO offered PIPELINING.
    pub fn offers_pipelining(&self) -> bool {
        self.pipelining
    }

    pub fn note(&self, text: impl Into<String>) {
        (self.sink)(TraceLine::info(text));
    }

    /// Bytes the client wrote.
    pub fn sent(&mut self, bytes: &[u8]) {
        if self.data_bytes.is_some() {
            self.data(bytes);
            return;
        }
        for line in self.client.push(bytes) {
            self.awaiting += 1;
            let shown = self.redact_client(&line);
            self.emit(Direction::Client, shown);
        }
    }

    /// Bytes the server sent.
    pub fn received(&mut self, bytes: &[u8]) {
        for line in self.server.push(bytes) {
            let code = line.get(..3).unwrap_or_default().to_string();
            if code == "250"
                && line
                    .get(4..)
                    .is_some_and(|w| w.eq_ignore_ascii_case("PIPELINING"))
            {
                self.pipelining = true;
            }
            let last = line.as_bytes().get(3) != Some(&b'-');
            if last {
                self.end_of_data_unanswered = false;
                self.awaiting = self.awaiting.saturating_sub(1);
                if self.in_auth && code != "334" {
                    self.in_auth = false;
                }
                self.data_reply_in = match self.data_reply_in {
                    Some(1) => {
                        if code == "354" {
                            self.data_bytes = Some(0);
                        }
                        None
                    }
                    later => later.map(|n| n - 1),
                };
            }
            self.emit(Direction::Server, line);
        }
    }

    fn redact_client(&mut self, line: &str) -> String {
        if self.in_auth {
            return "****".into();
        }
        let upper = line.to_ascii_uppercase();
        if upper.starts_with("AUTH ") {
            self.in_auth = true;
            let mut words = line.split_whitespace();
            let (verb, mechanism) = (words.next().unwrap_or(""), words.next().unwrap_or(""));
            return match words.next() {
                Some(_) => format!("{verb} {mechanism} ****"),
                None => format!("{verb} {mechanism}"),
            };
        }
        if upper.starts_with("EHLO ") {
            // What the server offers is read afresh (after STARTTLS too).
            self.pipelining = false;
        }
        if upper == "DATA" {
            self.data_reply_in = Some(self.awaiting);
        }
        line.to_string()
    }

    fn data(&mut self, bytes: &[u8]) {
        let count = self.data_bytes.get_or_insert(0);
        *count += bytes.len() as u64;
        for &b in bytes {
            self.data_tail.rotate_left(1);
            self.data_tail[4] = b;
        }
        if &self.data_tail == b"\r\n.\r\n" {
            // The terminating "\r\n.\r\n" is not part of the message.
            let size = count.saturating_sub(5);
            self.data_bytes = None;
            self.data_tail = [0; 5];
            self.end_of_data_unanswered = true;
            self.awaiting += 1;
            self.emit(Direction::Client, format!("<message, {size} bytes>"));
            self.emit(Direction::Client, ".".into());
        }
    }

    fn emit(&self, direction: Direction, text: String) {
        (self.sink)(TraceLine { direction, text });
    }
}

/// The partial line of one direction. A line longer than
/// `MAX_LINE_BYTES` keeps its first `MAX_LINE_BYTES` and loses the rest up
/// to its line feed, however the bytes were cut into reads (so the trace
/// never depends on how TCP split them).
#[derive(Default)]
struct LineBuffer {
    partial: Vec<u8>,
}

impl LineBuffer {
    /// Takes more bytes; returns the lines they complete (without CRLF).
    fn push(&mut self, mut bytes: &[u8]) -> Vec<String> {
        let mut lines = Vec::new();
        while !bytes.is_empty() {
            let end = bytes.iter().position(|&b| b == b'\n');
            let piece = &bytes[..end.unwrap_or(bytes.len())];
            let room = MAX_LINE_BYTES.saturating_sub(self.partial.len());
            self.partial
                .extend_from_slice(&piece[..piece.len().min(room)]);
            match end {
                Some(at) => {
                    let line = std::mem::take(&mut self.partial);
                    let text = String::from_utf8_lossy(&line);
                    lines.push(text.trim_end_matches('\r').to_string());
                    bytes = &bytes[at + 1..];
                }
                None => break,
            }
        }
        lines
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    fn recorder() -> (TraceRecorder, Arc<Mutex<Vec<String>>>) {
        let lines = Arc::new(Mutex::new(Vec::new()));
        let out = lines.clone();
        let sink: TraceSink = Arc::new(move |l: TraceLine| out.lock().unwrap().push(l.display()));
        (TraceRecorder::new(sink), lines)
    }

    #[test]
    fn masks_auth_plain_and_login() {
        let (mut r, lines) = recorder();
        r.sent(b"AUTH PLAIN AHVzZXIAc2VjcmV0\r\n");
        r.received(b"235 2.7.0 Authentication successful\r\n");
        r.sent(b"AUTH LOGIN\r\n");
        r.received(b"334 VXNlcm5hbWU6\r\n");
        r.sent(b"dXNlcg==\r\n");
        r.received(b"334 UGFzc3dvcmQ6\r\n");
        r.sent(b"c2VjcmV0\r\n");
        r.received(b"235 ok\r\n");
        r.sent(b"MAIL FROM:<a@b>\r\n");
        let all = lines.lock().unwrap().join("\n");
        assert!(!all.contains("AHVzZXIAc2VjcmV0"), "{all}");
        assert!(
            !all.contains("c2VjcmV0") && !all.contains("dXNlcg=="),
            "{all}"
        );
        assert!(all.contains("C: AUTH PLAIN ****"));
        assert!(all.contains("C: AUTH LOGIN\n"));
        assert!(all.contains("C: MAIL FROM:<a@b>"));
    }

    #[test]
    fn elides_data_to_its_size() {
        let (mut r, lines) = recorder();
        r.sent(b"DATA\r\n");
        r.received(b"354 go ahead\r\n");
        r.sent(b"Subject: secret plans\r\n\r\nbody\r\n");
        r.sent(b"\r\n.\r\n");
        r.received(b"250 2.0.0 Ok: queued as 1234\r\n");
        let all = lines.lock().unwrap().clone();
        assert_eq!(
            all,
            vec![
                "C: DATA",
                "S: 354 go ahead",
                "C: <message, 31 bytes>",
                "C: .",
                "S: 250 2.0.0 Ok: queued as 1234"
            ]
        );
    }

    #[test]
    fn pipelined_commands_find_the_reply_to_data_and_messages_follow() {
        let (mut r, lines) = recorder();
        r.received(b"220 ready\r\n");
        r.sent(b"EHLO me\r\n");
        r.received(b"250-mx\r\n250-PIPELINING\r\n250 8BITMIME\r\n");
        assert!(r.offers_pipelining());
        for n in 0..2 {
            r.sent(b"MAIL FROM:<a@b>\r\nRCPT TO:<c@d>\r\nRCPT TO:<e@f>\r\nDATA\r\n");
            r.received(b"250 ok\r\n250 ok\r\n");
            r.received(b"550 no such user\r\n354 go ahead\r\n");
            r.sent(format!("Subject: secret {n}\r\n\r\nbody\r\n").as_bytes());
            r.sent(b"\r\n.\r\n");
            assert!(r.end_of_data_unanswered());
            r.received(b"250 queued\r\n");
            assert!(!r.end_of_data_unanswered());
        }
        let all = lines.lock().unwrap().join("\n");
        assert!(!all.contains("secret"), "{all}");
        assert_eq!(all.matches("C: <message, 27 bytes>").count(), 2, "{all}");
    }

    #[test]
    fn knows_when_the_end_of_data_is_out_and_unanswered() {
        let (mut r, _) = recorder();
        r.sent(b"MAIL FROM:<a@b>\r\n");
        assert!(!r.end_of_data_unanswered());
        r.received(b"250 ok\r\n");
        r.sent(b"DATA\r\n");
        r.received(b"354 go ahead\r\n");
        // The whole body, a stuffed "." line included, is not the end.
        r.sent(b"Subject: x\r\n\r\n..\r\nbody\r\n");
        assert!(!r.end_of_data_unanswered());
        r.sent(b"\r\n.");
        assert!(
            !r.end_of_data_unanswered(),
            "the dot is not out until its line end"
        );
        r.sent(b"\r\n");
        assert!(r.end_of_data_unanswered());
        // Half a reply, or only continuation lines, answer nothing yet.
        r.received(b"250-2.0.0 Ok\r\n25");
        assert!(r.end_of_data_unanswered());
        r.received(b"0 queued as 1234\r\n");
        assert!(!r.end_of_data_unanswered());
    }

    #[test]
    fn a_refusal_of_the_message_is_an_answer() {
        let (mut r, _) = recorder();
        r.sent(b"DATA\r\n");
        r.received(b"354 go\r\n");
        r.sent(b"x\r\n.\r\n");
        assert!(r.end_of_data_unanswered());
        r.received(b"554 5.7.1 spam\r\n");
        assert!(!r.end_of_data_unanswered());
    }

    /// Found by fuzzing (libFuzzer `smtp_trace`): a server line longer
    /// than the cap came out differently depending on how it was split
    /// into reads (the first 4 KiB plus whatever the last read held).
    #[test]
    fn an_overlong_line_is_cut_the_same_however_it_arrives() {
        let mut line = b"250-".to_vec();
        line.extend((0..10_000u32).map(|i| b'a' + (i % 26) as u8));
        line.extend_from_slice(b"\r\n250 ok\r\n");
        let trace = |chunk: usize| {
            let (mut r, lines) = recorder();
            for piece in line.chunks(chunk) {
                r.received(piece);
            }
            lines.lock().unwrap().clone()
        };
        let whole = trace(line.len());
        assert_eq!(whole.len(), 2);
        assert_eq!(whole[0].len(), "S: ".len() + MAX_LINE_BYTES);
        assert_eq!(whole[1], "S: 250 ok");
        for chunk in [1, 7, 100, 4096, 4097, 5000] {
            assert_eq!(trace(chunk), whole, "cut into {chunk}-byte reads");
        }
    }

    #[test]
    fn refused_data_does_not_swallow_commands() {
        let (mut r, lines) = recorder();
        r.sent(b"DATA\r\n");
        r.received(b"554 5.5.1 no valid recipients\r\n");
        r.sent(b"QUIT\r\n");
        assert!(lines.lock().unwrap().contains(&"C: QUIT".to_string()));
    }
}
