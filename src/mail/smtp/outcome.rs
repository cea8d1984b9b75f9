//! How a submission ended: what the server did with a message it took, or
//! why nothing was sent (and whether it may have been after all).

/// A recipient the server refused, with its reply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub recipient: String,
    pub reply: String,
}

/// What the server did with a message it accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    pub accepted: Vec<String>,
    pub refused: Vec<Refusal>,
    /// The reply to the end of DATA ("250 2.0.0 Ok: queued as ...").
    pub reply: String,
}

/// Why nothing was sent.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{summary}")]
pub struct SendFailure {
    /// One line for the status line: the server's code and text when it
    /// gave one.
    pub summary: String,
    /// Whether trying again later can help (4xx, network trouble).
    pub transient: bool,
    /// Recipients refused one by one, when that is why.
    pub refused: Vec<Refusal>,
    /// The connection broke (or timed out) after the end of the message
    /// went out and before the server's reply to it came back: the server
    /// may have queued it. Sending it again may deliver it twice.
    pub delivery_unknown: bool,
}

impl SendFailure {
    pub(super) fn new(summary: impl Into<String>, transient: bool) -> SendFailure {
        SendFailure {
            summary: summary.into(),
            transient,
            refused: Vec::new(),
            delivery_unknown: false,
        }
    }

    pub(super) fn smtp(stage: &str, error: &lettre::transport::smtp::Error) -> SendFailure {
        SendFailure::new(
            format!("{stage}: {}", describe(error)),
            error.is_transient() || !error.is_permanent(),
        )
    }
}

/// The server's reply in an error ("550 5.1.1 <x>: Recipient address
/// rejected"), or lettre's description of what went wrong.
pub fn describe(error: &lettre::transport::smtp::Error) -> String {
    use std::error::Error as _;
    let text = error.source().map(|s| s.to_string()).unwrap_or_default();
    match error.status() {
        Some(code) => format!("{code} {text}").trim().to_string(),
        None if text.is_empty() => error.to_string(),
        None => format!("{error}"),
    }
}
