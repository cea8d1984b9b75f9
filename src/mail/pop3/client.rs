//! The POP3 client: typed commands over any `AsyncRead + AsyncWrite`
//! stream (a TCP socket, TLS, or an in-memory pipe in tests). One reply is
//! read per command, in order, which is also what makes pipelining simple:
//! write several commands, flush once, read their replies in turn.

use super::command::Command;
use super::error::Pop3Error;
use super::reply::{self, BodyLine, Capabilities, Status};
use super::trace::Trace;
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncWrite, AsyncWriteExt, BufReader};

/// How long a status line or a whole listing may take to arrive.
pub const REPLY_TIMEOUT: Duration = Duration::from_secs(60);
/// How long one message body may take; generous, since a 20 MB message
/// on a slow line is legitimately slow.
pub const BODY_TIMEOUT: Duration = Duration::from_secs(600);

pub struct Client<S> {
    io: BufReader<S>,
    /// Commands written but not yet flushed (a pipelined batch).
    out: Vec<u8>,
    line: Vec<u8>,
    pub trace: Trace,
}

impl<S: AsyncRead + AsyncWrite + Unpin> Client<S> {
    pub fn new(stream: S, trace: Trace) -> Client<S> {
        Client {
            io: BufReader::with_capacity(64 * 1024, stream),
            out: Vec::with_capacity(1024),
            line: Vec::with_capacity(1024),
            trace,
        }
    }

    /// The stream back, for STLS. Bytes already buffered after the STLS
    /// reply would be plaintext injected before the handshake: refused.
    pub fn into_inner(self) -> Result<(S, Trace), Pop3Error> {
        if !self.io.buffer().is_empty() {
            return Err(Pop3Error::Protocol(
                "server sent data after the STLS reply, before TLS began".into(),
            ));
        }
        Ok((self.io.into_inner(), self.trace))
    }

    /// Reads the server greeting; returns its text.
    pub async fn greeting(&mut self) -> Result<String, Pop3Error> {
        self.expect_ok_within(REPLY_TIMEOUT).await
    }

    /// Writes a command without flushing (for pipelining).
    pub async fn write(&mut self, cmd: &Command) -> Result<(), Pop3Error> {
        if self.trace.is_enabled() {
            self.trace.client(&cmd.shown());
        }
        self.out.extend_from_slice(&cmd.to_wire());
        Ok(())
    }

    pub async fn flush(&mut self) -> Result<(), Pop3Error> {
        let stream = self.io.get_mut();
        stream.write_all(&self.out).await?;
        stream.flush().await?;
        self.out.clear();
        Ok(())
    }

    async fn send(&mut self, cmd: &Command) -> Result<(), Pop3Error> {
        self.write(cmd).await?;
        self.flush().await
    }

    /// Reads one line (ending in LF) into `self.line`. End of stream before
    /// a full line is a broken connection.
    async fn read_line(&mut self) -> Result<(), Pop3Error> {
        self.line.clear();
        let n = self.io.read_until(b'\n', &mut self.line).await?;
        if n == 0 || self.line.last() != Some(&b'\n') {
            return Err(Pop3Error::Closed);
        }
        Ok(())
    }

    async fn read_status(&mut self) -> Result<Status, Pop3Error> {
        self.read_line().await?;
        self.trace.server(&self.line);
        Ok(reply::parse_status(&self.line)?)
    }

    /// Reads a status line and turns `-ERR` into an error.
    pub async fn expect_ok(&mut self) -> Result<String, Pop3Error> {
        match self.read_status().await? {
            Status::Ok(text) => Ok(text),
            Status::Err { code, text } => Err(Pop3Error::Server { code, text }),
            Status::Continue(_) => Err(Pop3Error::Protocol("unexpected SASL challenge".into())),
        }
    }

    async fn expect_ok_within(&mut self, limit: Duration) -> Result<String, Pop3Error> {
        tokio::time::timeout(limit, self.expect_ok())
            .await
            .map_err(|_| Pop3Error::Timeout)?
    }

    /// Sends a single-line command and returns the `+OK` text.
    pub async fn simple(&mut self, cmd: &Command) -> Result<String, Pop3Error> {
        self.send(cmd).await?;
        self.expect_ok_within(REPLY_TIMEOUT).await
    }

    /// Reads the lines of a multi-line reply (after its `+OK`), calling
    /// `each` with every unstuffed line. Returns (bytes, lines).
    async fn read_lines(
        &mut self,
        mut each: impl FnMut(&[u8]) -> Result<(), Pop3Error>,
    ) -> Result<(u64, u64), Pop3Error> {
        let (mut bytes, mut lines) = (0u64, 0u64);
        loop {
            self.read_line().await?;
            match reply::body_line(&self.line) {
                BodyLine::End => return Ok((bytes, lines)),
                BodyLine::Data(data) => {
                    bytes += data.len() as u64;
                    lines += 1;
                    each(data)?;
                }
            }
        }
    }

    /// A listing (CAPA, LIST, UIDL) as raw lines; long ones are traced by
    /// size only.
    async fn listing(&mut self, what: &str) -> Result<Vec<Vec<u8>>, Pop3Error> {
        let mut out = Vec::new();
        let (bytes, lines) = tokio::time::timeout(
            REPLY_TIMEOUT,
            self.read_lines(|line| {
                out.push(line.to_vec());
                Ok(())
            }),
        )
        .await
        .map_err(|_| Pop3Error::Timeout)??;
        if out.len() <= 20 {
            for line in &out {
                self.trace.server(line);
            }
        } else {
            self.trace.body(what, bytes, lines);
        }
        Ok(out)
    }

    /// CAPA; a server without it (RFC 1939 only) gives empty capabilities.
    pub async fn capa(&mut self) -> Result<Capabilities, Pop3Error> {
        self.send(&Command::Capa).await?;
        let mut caps = Capabilities::default();
        match self.expect_ok_within(REPLY_TIMEOUT).await {
            Ok(_) => {}
            Err(Pop3Error::Server { .. }) => return Ok(caps),
            Err(e) => return Err(e),
        }
        for line in self.listing("capabilities").await? {
            caps.add_line(&line);
        }
        Ok(caps)
    }

    /// STAT: (message count, total octets).
    pub async fn stat(&mut self) -> Result<(u32, u64), Pop3Error> {
        let text = self.simple(&Command::Stat).await?;
        Ok(reply::parse_stat(&text)?)
    }

    /// LIST: (message number, size in octets) for every message.
    pub async fn list(&mut self) -> Result<Vec<(u32, u64)>, Pop3Error> {
        self.simple(&Command::List(None)).await?;
        let lines = self.listing("LIST listing").await?;
        lines
            .iter()
            .map(|l| reply::parse_list_line(l).map_err(Pop3Error::from))
            .collect()
    }

    /// UIDL: (message number, unique id), or `None` when the server does
    /// not support UIDL.
    pub async fn uidl(&mut self) -> Result<Option<Vec<(u32, String)>>, Pop3Error> {
        self.send(&Command::Uidl(None)).await?;
        match self.expect_ok_within(REPLY_TIMEOUT).await {
            Ok(_) => {}
            Err(Pop3Error::Server { .. }) => return Ok(None),
            Err(e) => return Err(e),
        }
        let lines = self.listing("UIDL listing").await?;
        lines
            .iter()
            .map(|l| reply::parse_uidl_line(l).map_err(Pop3Error::from))
            .collect::<Result<Vec<_>, _>>()
            .map(Some)
    }

    /// Reads the reply to a RETR or TOP already written, appending the
    /// unstuffed message to `out`. `-ERR` comes back as `Pop3Error::Server`
    /// and the connection stays usable.
    pub async fn read_message(&mut self, out: &mut Vec<u8>) -> Result<(), Pop3Error> {
        let read = async {
            self.expect_ok().await?;
            self.read_lines(|line| {
                out.extend_from_slice(line);
                Ok(())
            })
            .await
        };
        let (bytes, lines) = tokio::time::timeout(BODY_TIMEOUT, read)
            .await
            .map_err(|_| Pop3Error::Timeout)??;
        self.trace.body("message", bytes, lines);
        Ok(())
    }

    /// RETR one message into `out`.
    pub async fn retr(&mut self, msg: u32, out: &mut Vec<u8>) -> Result<(), Pop3Error> {
        self.send(&Command::Retr(msg)).await?;
        self.read_message(out).await
    }

    /// TOP: the headers and the first `lines` body lines of a message.
    pub async fn top(&mut self, msg: u32, lines: u32, out: &mut Vec<u8>) -> Result<(), Pop3Error> {
        self.send(&Command::Top { msg, lines }).await?;
        self.read_message(out).await
    }

    pub async fn dele(&mut self, msg: u32) -> Result<(), Pop3Error> {
        self.simple(&Command::Dele(msg)).await.map(drop)
    }

    pub async fn rset(&mut self) -> Result<(), Pop3Error> {
        self.simple(&Command::Rset).await.map(drop)
    }

    pub async fn noop(&mut self) -> Result<(), Pop3Error> {
        self.simple(&Command::Noop).await.map(drop)
    }

    /// QUIT: the end of the session, and the moment the server carries out
    /// the DELEs it was given.
    pub async fn quit(&mut self) -> Result<(), Pop3Error> {
        self.simple(&Command::Quit).await.map(drop)
    }
}

#[cfg(test)]
#[path = "client_tests.rs"]
mod tests;
