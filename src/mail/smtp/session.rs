//! One SMTP connection that carries many messages: opened once (connect,
//! TLS, login), then each message is MAIL FROM, RCPT TO… and DATA written
//! as one batch when the server offers PIPELINING (RFC 2920), so a message
//! costs two round trips instead of four or more, and no handshake. The
//! Outbox's "send all" and `wirepost send --queued` go through it.

use super::outcome::{Delivery, Refusal, SendFailure, describe};
use super::settings::SmtpSettings;
use super::stream::SmtpStream;
use super::submit::{BeforeData, SMTP_STEP_TIMEOUT_SECS, log_in, mail_parameters, open_secured};
use super::submit::{step, tcp_connect};
use super::trace::{TraceRecorder, TraceSink};
use lettre::address::{Address, Envelope};
use lettre::transport::smtp::client::AsyncSmtpConnection;
use lettre::transport::smtp::commands::{Data, Mail, Quit, Rcpt};
use lettre::transport::smtp::extension::ServerInfo;
use lettre::transport::smtp::response::Response;
use std::time::Duration;

/// A logged-in connection, ready for messages.
pub struct SmtpSession {
    conn: AsyncSmtpConnection,
    info: ServerInfo,
    stream: SmtpStream,
}

impl SmtpSession {
    /// Connects (TCP_NODELAY), secures and logs in as `settings` say.
    pub async fn open(settings: &SmtpSettings, sink: TraceSink) -> Result<Self, SendFailure> {
        let trace = TraceRecorder::new(sink);
        let address = format!("{}:{}", settings.host, settings.port);
        trace.note(format!(
            "connecting to {address} ({})",
            settings.security.as_str()
        ));
        let tcp = tcp_connect(settings, &address).await?;
        // lettre writes the message and the final "." separately; with
        // Nagle on, the second write waits for the server's delayed ACK.
        let _ = tcp.set_nodelay(true);
        trace.note(format!("connected to {address}"));
        let stream = SmtpStream::new(tcp, trace);
        let (mut conn, info) = open_secured(settings, &stream, &address).await?;
        if let Err(failure) = log_in(&mut conn, &info, &settings.login).await {
            conn.abort().await;
            return Err(failure);
        }
        Ok(SmtpSession { conn, info, stream })
    }

    /// Submits one message. On failure the session is spent: close it
    /// with [`abort`](Self::abort) and open a new one for the next
    /// message. A break after the end of the message went out is
    /// reported as "delivery unknown", read from the bytes on the wire.
    pub async fn send(
        &mut self,
        envelope: &Envelope,
        message: &[u8],
        before_data: Option<BeforeData>,
    ) -> Result<Delivery, SendFailure> {
        let mut result = self.transaction(envelope, message, before_data).await;
        if let Err(failure) = &mut result
            && self.stream.end_of_data_unanswered()
        {
            // lettre does not say at which point a connection broke; the
            // bytes on the wire do.
            failure.delivery_unknown = true;
            failure.transient = false;
            self.stream
                .note("no reply to the end of the message: delivery unknown");
        }
        result
    }

    /// Says goodbye.
    pub async fn quit(mut self) {
        let _ = step("QUIT", self.conn.command(Quit)).await;
    }

    /// Drops the connection without a goodbye (after a failure).
    pub async fn abort(mut self) {
        self.conn.abort().await;
    }

    async fn transaction(
        &mut self,
        envelope: &Envelope,
        message: &[u8],
        before_data: Option<BeforeData>,
    ) -> Result<Delivery, SendFailure> {
        let parameters = mail_parameters(&self.info, envelope, message);
        let mail = Mail::new(envelope.from().cloned(), parameters).to_string();
        let pipelining = self.stream.offers_pipelining();
        let envelope_sent = async {
            if pipelining {
                self.pipelined(&mail, envelope.to()).await
            } else {
                step("MAIL FROM", self.conn.command(&mail)).await?;
                let replies = self.rcpts_one_by_one(envelope.to()).await;
                let sorted = sort_recipients(envelope.to(), replies)?;
                step("DATA", self.conn.command(Data)).await?;
                Ok(sorted)
            }
        };
        // The hook's disk work overlaps the envelope's round trip; the
        // message still goes out only after it finished.
        let hook = async {
            match before_data {
                Some(before_data) => before_data().await.map_err(|e| SendFailure::new(e, false)),
                None => Ok(()),
            }
        };
        let (recipients, hooked) = tokio::join!(envelope_sent, hook);
        let (accepted, refused) = recipients?;
        hooked?;
        let reply = step("sending the message", self.conn.message(message)).await?;
        Ok(Delivery {
            accepted,
            refused,
            reply: format!(
                "{} {}",
                reply.code(),
                reply.message().collect::<Vec<_>>().join(" ")
            ),
        })
    }

    /// MAIL FROM, every RCPT TO and DATA in one write; the replies come in
    /// order. Ends ready for the message (the 354 to DATA came).
    async fn pipelined(
        &mut self,
        mail: &str,
        to: &[Address],
    ) -> Result<(Vec<String>, Vec<Refusal>), SendFailure> {
        let mut batch = mail.to_string();
        for recipient in to {
            batch.push_str(&Rcpt::new(recipient.clone(), vec![]).to_string());
        }
        batch.push_str(&Data.to_string());
        let mail_reply = step("MAIL FROM", self.conn.command(batch)).await;
        let mut replies = Vec::with_capacity(to.len());
        for _ in to {
            replies.push(timed(self.conn.read_response()).await);
        }
        let data = step("DATA", self.conn.read_response()).await;
        mail_reply?;
        let sorted = sort_recipients(to, replies)?;
        data?;
        Ok(sorted)
    }

    async fn rcpts_one_by_one(&mut self, to: &[Address]) -> Vec<Result<Response, RcptError>> {
        let mut replies = Vec::with_capacity(to.len());
        for recipient in to {
            let reply = timed(self.conn.command(Rcpt::new(recipient.clone(), vec![]))).await;
            let broken = matches!(&reply, Err(RcptError::Broken(_)));
            replies.push(reply);
            if broken {
                break;
            }
        }
        replies
    }
}

/// A reply to RCPT TO that is not a yes.
enum RcptError {
    /// The server said no to this recipient.
    Refused(String),
    /// The connection failed or timed out.
    Broken(SendFailure),
}

async fn timed(
    future: impl Future<Output = Result<Response, lettre::transport::smtp::Error>>,
) -> Result<Response, RcptError> {
    match tokio::time::timeout(Duration::from_secs(SMTP_STEP_TIMEOUT_SECS), future).await {
        Ok(Ok(reply)) => Ok(reply),
        Ok(Err(e)) if e.status().is_some() => Err(RcptError::Refused(describe(&e))),
        Ok(Err(e)) => Err(RcptError::Broken(SendFailure::smtp("RCPT TO", &e))),
        Err(_) => Err(RcptError::Broken(SendFailure::new(
            "RCPT TO: timed out",
            true,
        ))),
    }
}

/// The accepted recipients and the refused ones with their replies; fails
/// when the connection broke or every recipient was refused.
fn sort_recipients(
    to: &[Address],
    replies: Vec<Result<Response, RcptError>>,
) -> Result<(Vec<String>, Vec<Refusal>), SendFailure> {
    let mut accepted = Vec::new();
    let mut refused = Vec::new();
    for (recipient, reply) in to.iter().zip(replies) {
        match reply {
            Ok(_) => accepted.push(recipient.to_string()),
            Err(RcptError::Refused(reply)) => refused.push(Refusal {
                recipient: recipient.to_string(),
                reply,
            }),
            Err(RcptError::Broken(failure)) => return Err(failure),
        }
    }
    if accepted.is_empty() {
        let mut failure = SendFailure::new(
            match refused.as_slice() {
                [one] => format!("recipient refused: {} ({})", one.recipient, one.reply),
                _ => format!("all {} recipients refused", refused.len()),
            },
            false,
        );
        failure.refused = refused;
        return Err(failure);
    }
    Ok((accepted, refused))
}

/// Connects, secures, logs in, submits `message` for `envelope` and quits.
///
/// Returns per-recipient results when at least one recipient was
/// accepted; fails without sending anything when STARTTLS is required but
/// missing, when login fails, or when every recipient is refused.
pub async fn submit(
    settings: &SmtpSettings,
    envelope: &Envelope,
    message: &[u8],
    sink: TraceSink,
) -> Result<Delivery, SendFailure> {
    submit_with(settings, envelope, message, sink, None).await
}

/// [`submit`], with `before_data` run while the envelope goes out and
/// finished before the message does (to record that a send is in flight).
pub async fn submit_with(
    settings: &SmtpSettings,
    envelope: &Envelope,
    message: &[u8],
    sink: TraceSink,
    before_data: Option<BeforeData>,
) -> Result<Delivery, SendFailure> {
    let mut session = SmtpSession::open(settings, sink).await?;
    let result = session.send(envelope, message, before_data).await;
    match &result {
        Ok(_) => session.quit().await,
        Err(_) => session.abort().await,
    }
    result
}
