//! What a TLS session reports about itself: the protocol and cipher, the
//! certificate chain read for people, the verdict in plain words and the
//! library's raw reason. Built once per handshake (success or refusal);
//! the same lines go to the interface's certificate view and, with `-v`,
//! to the headless pipe's stderr.

use super::cert::{self, CertSummary};
use super::inspect::Seen;
use super::pins::PinCheck;
use super::session::TlsInfo;
use super::verdict;
use tokio_rustls::rustls;

/// Unix seconds now.
pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// The protocol as people write it: "TLS 1.3".
pub fn protocol_name(protocol: Option<String>) -> String {
    protocol
        .unwrap_or_else(|| "?".into())
        .replace("TLSv1_", "TLS 1.")
}

/// A client's report, after the handshake (`failure` None) or when it
/// failed. `host` is the name asked for; `checks_on` false when the user
/// switched certificate checks off.
pub fn client_info(
    negotiated: (Option<String>, Option<String>),
    seen: &Seen,
    host: &str,
    checks_on: bool,
    failure: Option<&std::io::Error>,
) -> TlsInfo {
    let now = now();
    let chain: Vec<CertSummary> = seen
        .chain
        .iter()
        .filter_map(|c| cert::describe(c))
        .collect();
    let pin = seen.pin.as_ref().and_then(|p| p.words(&seen.pin_host));
    let pin_refused = matches!(
        seen.pin,
        Some(PinCheck::Changed { .. } | PinCheck::Unreadable { .. })
    );
    let (verdict, raw) = match (failure, &seen.error) {
        (Some(e), _) if pin_refused => (pin.clone().unwrap_or_default(), Some(e.to_string())),
        (Some(e), Some(error)) => (
            verdict::refusal(error, &chain, host, now),
            Some(format!("{e} ({error:?})")),
        ),
        (Some(e), None) => (failure_words(e, &chain, host, now), Some(e.to_string())),
        (None, Some(error)) => (
            format!(
                "NOT verified (checks are off); the check says: {}",
                verdict::refusal(error, &chain, host, now)
            ),
            Some(format!("{error} ({error:?})")),
        ),
        (None, None) if !checks_on => (
            format!(
                "NOT verified (checks are off), though it would pass: {}",
                verdict::trusted(&chain, now)
            ),
            None,
        ),
        (None, None) => (verdict::trusted(&chain, now), None),
    };
    TlsInfo {
        protocol: protocol_name(negotiated.0),
        cipher: negotiated.1.unwrap_or_else(|| "?".into()),
        chain,
        verdict,
        raw,
        pin,
        verified: checks_on && failure.is_none(),
        refused: failure.is_some(),
        ours: false,
        at: now,
    }
}

/// A listener's report for one client: our own chain.
pub fn server_info(negotiated: (Option<String>, Option<String>), own: &[CertSummary]) -> TlsInfo {
    let at = now();
    let days = own.first().map(|c| c.days_left(at));
    // A listener's own report, before any client: nothing negotiated.
    let listening = negotiated.0.is_none();
    TlsInfo {
        protocol: if listening {
            "TLS".into()
        } else {
            protocol_name(negotiated.0)
        },
        cipher: negotiated
            .1
            .unwrap_or_else(|| "(negotiated per client)".into()),
        chain: own.to_vec(),
        verdict: match days {
            Some(days) if days < 0 => {
                "our own certificate has EXPIRED; clients will refuse it".into()
            }
            Some(days) => format!("our own certificate, {} left", cert::days_text(days)),
            None => "our own certificate".into(),
        },
        raw: None,
        pin: None,
        verified: true,
        refused: false,
        ours: true,
        at,
    }
}

/// A failed handshake the certificate check did not cause.
fn failure_words(e: &std::io::Error, chain: &[CertSummary], host: &str, now: i64) -> String {
    match e
        .get_ref()
        .and_then(|inner| inner.downcast_ref::<rustls::Error>())
    {
        Some(error) => verdict::refusal(error, chain, host, now),
        None => e.to_string(),
    }
}

/// One line: "TLS 1.3 TLS13_AES_256_GCM_SHA384 · trusted: valid for ...",
/// or "refused: ..." when the handshake failed.
pub fn headline(info: &TlsInfo) -> String {
    if info.refused {
        format!("refused: {}", info.verdict)
    } else {
        format!("{} {} · {}", info.protocol, info.cipher, info.verdict)
    }
}

/// The whole report, one line per item: verdict, pin, every certificate
/// of the chain, and the raw reason. Days count from the handshake.
pub fn summary_lines(info: &TlsInfo) -> Vec<String> {
    let now = info.at;
    let mut lines = vec![headline(info)];
    if let Some(pin) = &info.pin {
        lines.push(format!("pin: {pin}"));
    }
    if info.chain.is_empty() {
        lines.push("no certificate was presented".into());
    }
    for (i, c) in info.chain.iter().enumerate() {
        let role = match (i, info.ours) {
            (0, true) => " (ours)",
            (0, false) => " (the server's own)",
            (_, _) if c.subject == c.issuer => " (self-signed root)",
            _ => "",
        };
        lines.push(format!("certificate {}{role}: {}", i + 1, c.subject));
        lines.push(format!("  issuer:      {}", c.issuer));
        let names = if c.names.is_empty() {
            "(none)".to_string()
        } else {
            c.names.join(", ")
        };
        lines.push(format!("  names (SAN): {names}"));
        lines.push(format!(
            "  validity:    {} (from {})",
            c.validity(now),
            cert::utc(c.not_before)
        ));
        let ca = if c.is_ca { ", a CA" } else { "" };
        lines.push(format!("  key:         {}{ca}", c.key));
        lines.push(format!("  SHA-256:     {}", c.sha256));
        lines.push(format!("  key SHA-256: {}", c.key_sha256));
    }
    if let Some(raw) = &info.raw {
        lines.push(format!("raw reason: {raw}"));
    }
    lines
}

/// What stderr says about a TLS session: one line, or with `verbose` the
/// whole chain and the raw reason. A refusal's verdict comes with the
/// error that ends the program, so only the details are added here.
pub fn stderr_lines(info: &TlsInfo, verbose: bool) -> Vec<String> {
    let lines = if verbose {
        summary_lines(info)
    } else if info.refused {
        vec!["(-v shows the certificate chain and the library's raw reason)".into()]
    } else {
        let mut lines = vec![headline(info)];
        lines.extend(info.pin.iter().cloned());
        lines
    };
    lines
        .iter()
        .map(|line| crate::sanitize::clean_line(line))
        .collect()
}
