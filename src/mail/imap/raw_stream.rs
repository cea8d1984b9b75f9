//! Commands sent as text on the logged-in session, each untagged response
//! handed to the caller as it arrives (where `raw` collects a command's
//! whole answer for the caller to read after). async-imap puts the responses its own commands do
//! not expect into a channel of 100 that drops what does not fit; the
//! folder watch needs every one of them (NOTIFY's STATUS, EXISTS during
//! IDLE, LIST-STATUS answers), so it reads them itself. async-imap has no
//! NOTIFY, LIST-STATUS or raw IDLE helper, so those are sent this way.

use super::error::{ImapError, server_text};
use super::session::ImapSession;
use async_imap::imap_proto::{RequestId, Response, Status};
use std::future::Future;
use std::time::Duration;

/// After the first news during IDLE, how long to keep reading before
/// acting, so a burst (STATUS for two folders, EXISTS then FETCH) is
/// handled in one round.
pub const IDLE_SETTLE: Duration = Duration::from_millis(100);

/// Reads the next response and hands it to `look`; the end of the
/// stream is a lost connection.
async fn next<R>(
    session: &mut ImapSession,
    look: impl FnOnce(&Response<'_>) -> R,
) -> Result<R, ImapError> {
    match session.read_response().await {
        Ok(Some(response)) => Ok(look(response.parsed())),
        Ok(None) => Err(ImapError::Connection(
            "the server closed the connection".into(),
        )),
        Err(e) => Err(ImapError::Connection(e.to_string())),
    }
}

/// The tagged reply to `tag`, if `response` is it: `Ok` or the server's
/// refusal.
fn reply_to(tag: &RequestId, response: &Response<'_>) -> Option<Result<(), ImapError>> {
    match response {
        Response::Done {
            tag: done,
            status,
            outcome,
        } if done.0 == tag.0 => Some(match status {
            Status::Ok => Ok(()),
            _ => Err(ImapError::Server(server_text(
                outcome.information.as_deref().unwrap_or("command refused"),
            ))),
        }),
        _ => None,
    }
}

/// Runs `command` and reads to its tagged reply; every untagged response
/// on the way goes to `untagged`. A NO or BAD becomes `ImapError::Server`.
pub async fn command(
    session: &mut ImapSession,
    command: &str,
    untagged: &mut (dyn FnMut(&Response<'_>) + Send),
) -> Result<(), ImapError> {
    let tag = session
        .run_command(command)
        .await
        .map_err(ImapError::from_imap)?;
    read_to_done(session, &tag, untagged).await
}

async fn read_to_done(
    session: &mut ImapSession,
    tag: &RequestId,
    untagged: &mut (dyn FnMut(&Response<'_>) + Send),
) -> Result<(), ImapError> {
    loop {
        let reply = next(session, |response| {
            let reply = reply_to(tag, response);
            if reply.is_none() {
                untagged(response);
            }
            reply
        })
        .await?;
        if let Some(reply) = reply {
            return reply;
        }
    }
}

/// Why an IDLE ended.
#[derive(Debug, PartialEq, Eq)]
pub enum IdleEnd<T> {
    /// The server reported a change (`news` said so for a response).
    News,
    /// Nothing happened for the whole time limit.
    TimedOut,
    /// The interrupt resolved first, with this value.
    Interrupted(T),
}

/// IDLE (RFC 2177) until the server reports news, `limit` passes or
/// `interrupt` resolves, then DONE. Every untagged response goes to
/// `news`, which says whether it is a change worth acting on (keep-alive
/// `* OK` lines are not). After the first news the IDLE stays open for
/// [`IDLE_SETTLE`] to take in the rest of a burst.
pub async fn idle<T>(
    session: &mut ImapSession,
    limit: Duration,
    interrupt: impl Future<Output = T>,
    news: &mut (dyn FnMut(&Response<'_>) -> bool + Send),
) -> Result<IdleEnd<T>, ImapError> {
    let tag = session
        .run_command("IDLE")
        .await
        .map_err(ImapError::from_imap)?;
    wait_for_continuation(session, &tag, news).await?;
    let end = wait(session, limit, interrupt, news).await?;
    session
        .run_command_untagged("DONE")
        .await
        .map_err(ImapError::from_imap)?;
    let mut after = |response: &Response<'_>| {
        news(response);
    };
    read_to_done(session, &tag, &mut after).await?;
    Ok(end)
}

/// Reads up to the server's `+` that starts the IDLE.
async fn wait_for_continuation(
    session: &mut ImapSession,
    tag: &RequestId,
    news: &mut (dyn FnMut(&Response<'_>) -> bool + Send),
) -> Result<(), ImapError> {
    loop {
        let reply = next(session, |response| match response {
            Response::Continue { .. } => Some(Ok(())),
            done @ Response::Done { .. } => match reply_to(tag, done) {
                Some(Ok(())) => Some(Err(ImapError::Server("IDLE ended at once".into()))),
                other => other,
            },
            other => {
                news(other);
                None
            }
        })
        .await?;
        if let Some(reply) = reply {
            return reply;
        }
    }
}

/// The IDLE's waiting part: the first news, the limit or the interrupt.
async fn wait<T>(
    session: &mut ImapSession,
    limit: Duration,
    interrupt: impl Future<Output = T>,
    news: &mut (dyn FnMut(&Response<'_>) -> bool + Send),
) -> Result<IdleEnd<T>, ImapError> {
    let mut interrupt = std::pin::pin!(interrupt);
    let deadline = tokio::time::Instant::now() + limit;
    loop {
        tokio::select! {
            news_came = next(session, &mut *news) => {
                if news_came? {
                    break;
                }
            }
            () = tokio::time::sleep_until(deadline) => return Ok(IdleEnd::TimedOut),
            value = &mut interrupt => return Ok(IdleEnd::Interrupted(value)),
        }
    }
    // Reading is cancel-safe: a response half-read stays in the stream's
    // buffer for the next read.
    let settled = tokio::time::Instant::now() + IDLE_SETTLE;
    loop {
        tokio::select! {
            read = next(session, &mut *news) => {
                read?;
            }
            () = tokio::time::sleep_until(settled) => return Ok(IdleEnd::News),
        }
    }
}
