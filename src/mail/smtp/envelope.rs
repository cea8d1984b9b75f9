//! What the SMTP envelope is made of, taken from the formatted message, and
//! the copy recipients get (without Bcc).

use lettre::address::{Address, Envelope};

/// The envelope of a formatted message: From, and every To/Cc/Bcc.
pub fn envelope_of(raw: &[u8]) -> Result<Envelope, String> {
    let message = mail_parser::MessageParser::default()
        .parse_headers(raw)
        .ok_or("the message has no readable header")?;
    let parse = |a: &str| {
        a.parse::<Address>()
            .map_err(|_| format!("\"{a}\" is not a valid address"))
    };
    let from = message
        .from()
        .and_then(|f| f.first())
        .and_then(|a| a.address())
        .ok_or("the message has no From address")?;
    let mut to = Vec::new();
    for list in [message.to(), message.cc(), message.bcc()]
        .into_iter()
        .flatten()
    {
        for addr in list.iter() {
            if let Some(a) = addr.address() {
                let a = parse(a)?;
                if !to.contains(&a) {
                    to.push(a);
                }
            }
        }
    }
    Envelope::new(Some(parse(from)?), to).map_err(|_| "the message has no recipient".to_string())
}

/// The message as recipients get it: the header without Bcc lines (the
/// Outbox and Sent copies keep them, as mutt's do).
pub fn without_bcc(raw: &[u8]) -> Vec<u8> {
    let header_end = find(raw, b"\r\n\r\n")
        .map(|i| i + 2)
        .or_else(|| find(raw, b"\n\n").map(|i| i + 1))
        .unwrap_or(raw.len());
    let (header, body) = raw.split_at(header_end);
    let mut out = Vec::with_capacity(raw.len());
    let mut skipping = false;
    for line in header.split_inclusive(|&b| b == b'\n') {
        let continuation = line.first().is_some_and(|b| *b == b' ' || *b == b'\t');
        if !continuation {
            skipping = line.len() >= 4 && line[..4].eq_ignore_ascii_case(b"bcc:");
        }
        if !skipping {
            out.extend_from_slice(line);
        }
    }
    out.extend_from_slice(body);
    out
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}
