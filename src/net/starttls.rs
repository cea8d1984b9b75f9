//! The plaintext dialogue before a STARTTLS upgrade, for SMTP, IMAP and
//! POP3. Reads go through a local buffer line by line; anything the server
//! sends after its go-ahead is returned (and shown), never handed to TLS,
//! so no byte is lost and none is smuggled into the encrypted stream.

use super::session::{Direction, MailProtocol};
use super::sink::Sink;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// How long the server may take to answer each step.
const STEP_TIMEOUT: Duration = Duration::from_secs(30);

/// Our IMAP tag for the STARTTLS command.
const IMAP_TAG: &str = "wp1";

/// Runs the dialogue up to the server's go-ahead. `greeted` says whether
/// the server greeting was already read. Returns the bytes that followed
/// the go-ahead (normally none).
pub async fn negotiate(
    tcp: &mut TcpStream,
    protocol: MailProtocol,
    sink: &Sink,
    greeted: bool,
) -> Result<Vec<u8>, String> {
    let mut lines = LineReader {
        tcp,
        sink,
        buf: Vec::new(),
    };
    if !greeted {
        lines.greeting(protocol).await?;
    }
    match protocol {
        MailProtocol::Smtp => lines.smtp_starttls().await?,
        MailProtocol::Imap => lines.imap_starttls().await?,
        MailProtocol::Pop3 => lines.pop3_stls().await?,
    }
    Ok(lines.buf)
}

struct LineReader<'a> {
    tcp: &'a mut TcpStream,
    sink: &'a Sink,
    /// Read but not yet consumed.
    buf: Vec<u8>,
}

impl LineReader<'_> {
    /// Reads the server greeting and checks it is a welcome.
    async fn greeting(&mut self, protocol: MailProtocol) -> Result<(), String> {
        let greeting = self.line().await?;
        let ok = match protocol {
            MailProtocol::Smtp => smtp_code(&greeting).is_some_and(|(c, _)| c == "220"),
            MailProtocol::Imap => greeting.starts_with("* OK") || greeting.starts_with("* PREAUTH"),
            MailProtocol::Pop3 => greeting.starts_with("+OK"),
        };
        if !ok {
            return Err(format!("unexpected greeting: {}", greeting.trim_end()));
        }
        if protocol == MailProtocol::Smtp {
            self.finish_smtp_reply(&greeting).await?;
        }
        Ok(())
    }

    async fn smtp_starttls(&mut self) -> Result<(), String> {
        self.send("EHLO wirepost\r\n").await?;
        let reply = self.smtp_reply().await?;
        if !reply.starts_with("250") {
            return Err(format!("EHLO refused: {}", reply.trim_end()));
        }
        if !reply.to_ascii_uppercase().contains("STARTTLS") {
            return Err("the server does not offer STARTTLS".into());
        }
        self.send("STARTTLS\r\n").await?;
        let reply = self.smtp_reply().await?;
        if !reply.starts_with("220") {
            return Err(format!("STARTTLS refused: {}", reply.trim_end()));
        }
        Ok(())
    }

    /// Untagged lines before our tagged answer are skipped.
    async fn imap_starttls(&mut self) -> Result<(), String> {
        self.send(&format!("{IMAP_TAG} STARTTLS\r\n")).await?;
        loop {
            let line = self.line().await?;
            if let Some(status) = line.strip_prefix(&format!("{IMAP_TAG} ")) {
                if status.to_ascii_uppercase().starts_with("OK") {
                    return Ok(());
                }
                return Err(format!("STARTTLS refused: {}", line.trim_end()));
            }
        }
    }

    async fn pop3_stls(&mut self) -> Result<(), String> {
        self.send("STLS\r\n").await?;
        let line = self.line().await?;
        if !line.starts_with("+OK") {
            return Err(format!("STLS refused: {}", line.trim_end()));
        }
        Ok(())
    }

    async fn send(&mut self, text: &str) -> Result<(), String> {
        self.tcp
            .write_all(text.as_bytes())
            .await
            .map_err(|e| format!("write failed: {e}"))?;
        self.sink
            .bytes(Direction::Out, None, text.as_bytes().to_vec())
            .await;
        Ok(())
    }

    /// The next line, CRLF included. Reads small pieces so that nothing
    /// past the line is consumed from the socket more than necessary; what
    /// is consumed stays in `buf`.
    async fn line(&mut self) -> Result<String, String> {
        loop {
            if let Some(end) = self.buf.iter().position(|&b| b == b'\n') {
                let line: Vec<u8> = self.buf.drain(..=end).collect();
                return Ok(String::from_utf8_lossy(&line).into_owned());
            }
            let mut chunk = [0u8; 4096];
            let n = tokio::time::timeout(STEP_TIMEOUT, self.tcp.read(&mut chunk))
                .await
                .map_err(|_| "the server did not answer within 30s".to_string())?
                .map_err(|e| format!("read failed: {e}"))?;
            if n == 0 {
                return Err("the server closed the connection during STARTTLS".into());
            }
            self.sink
                .bytes(Direction::In, None, chunk[..n].to_vec())
                .await;
            self.buf.extend_from_slice(&chunk[..n]);
        }
    }

    /// A complete (possibly multi-line) SMTP reply, as its lines joined.
    async fn smtp_reply(&mut self) -> Result<String, String> {
        let first = self.line().await?;
        self.finish_smtp_reply(&first).await
    }

    async fn finish_smtp_reply(&mut self, first: &str) -> Result<String, String> {
        let mut reply = first.to_string();
        let mut last = first.to_string();
        while smtp_code(&last).is_some_and(|(_, more)| more) {
            last = self.line().await?;
            reply.push_str(&last);
        }
        Ok(reply)
    }
}

/// "250-..." → ("250", true): the code and whether more lines follow.
fn smtp_code(line: &str) -> Option<(&str, bool)> {
    let code = line.get(..3)?;
    if !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some((code, line.as_bytes().get(3) == Some(&b'-')))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn smtp_continuation_lines() {
        assert_eq!(smtp_code("250-PIPELINING\r\n"), Some(("250", true)));
        assert_eq!(smtp_code("250 STARTTLS\r\n"), Some(("250", false)));
        assert_eq!(smtp_code("* OK"), None);
    }
}
