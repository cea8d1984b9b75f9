//! rustls' certificate errors in plain words: what is wrong with the
//! server's certificate, said with its own names and dates ("valid for
//! mail.example.test, not wrong.example", "expired 3 days ago"), where
//! the library says `NotValidForName` or `Other(OtherError(...))`. The
//! library's own words stay available as the raw reason.

use super::cert::{CertSummary, days_text, utc};
use tokio_rustls::rustls::{self, CertificateError};

/// Why the certificate was (or would have been) refused, in plain words.
/// `chain` is what the server sent, its own first; `host` the name we
/// asked for; `now` Unix seconds.
pub fn refusal(error: &rustls::Error, chain: &[CertSummary], host: &str, now: i64) -> String {
    let leaf = chain.first();
    let rustls::Error::InvalidCertificate(problem) = error else {
        return other_error(error);
    };
    match problem {
        CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. } => {
            match leaf.map(|l| l.names.as_slice()) {
                Some([]) | None => format!(
                    "the certificate names no host at all (no subject alternative names), \
                     so it is not valid for {host}"
                ),
                Some(names) => format!("valid for {}, not {host}", list(names)),
            }
        }
        CertificateError::Expired | CertificateError::ExpiredContext { .. } => match leaf {
            Some(l) if l.not_after <= now => expired(l, now),
            // The leaf is fine: one above it ran out.
            _ => match chain.iter().find(|c| c.not_after <= now) {
                Some(c) => format!("{} in the chain ({})", expired(c, now), c.subject),
                None => "the certificate has expired".into(),
            },
        },
        CertificateError::NotValidYet | CertificateError::NotValidYetContext { .. } => match leaf {
            Some(l) => format!(
                "not valid yet: it starts {} (in {}); check this machine's clock too",
                utc(l.not_before),
                days_text((l.not_before - now).div_euclid(86_400).max(0))
            ),
            None => "the certificate is not valid yet".into(),
        },
        CertificateError::UnknownIssuer => unknown_issuer(chain),
        CertificateError::BadSignature => {
            "the certificate's signature does not verify: its issuer did not sign it".into()
        }
        CertificateError::Revoked => "the certificate was revoked by its issuer".into(),
        CertificateError::InvalidPurpose | CertificateError::InvalidPurposeContext { .. } => {
            "the certificate is not meant for a TLS server (its extended key usage says so)".into()
        }
        CertificateError::UnhandledCriticalExtension => {
            "the certificate has a critical extension that cannot be checked".into()
        }
        CertificateError::Other(other) if format!("{other:?}").contains("CaUsedAsEndEntity") => {
            "the server sent a CA certificate as its own".into()
        }
        CertificateError::Other(other)
            if format!("{other:?}").contains("EndEntityUsedAsCa")
                || format!("{other:?}").contains("PathLenConstraint") =>
        {
            "the chain is malformed: a server certificate is used to sign another".into()
        }
        other => format!("the certificate was refused ({other})"),
    }
}

/// What a good certificate is good for: "valid for a, b; 88 days left".
pub fn trusted(chain: &[CertSummary], now: i64) -> String {
    let Some(leaf) = chain.first() else {
        return "trusted".into();
    };
    let names = if leaf.names.is_empty() {
        leaf.subject.clone()
    } else {
        list(&leaf.names)
    };
    let days = leaf.days_left(now);
    let soon = if days < 14 { " — expires soon" } else { "" };
    format!("trusted: valid for {names}, {} left{soon}", days_text(days))
}

fn expired(cert: &CertSummary, now: i64) -> String {
    let days = (now - cert.not_after).div_euclid(86_400);
    match days {
        0 => format!("expired today ({})", utc(cert.not_after)),
        days => format!("expired {} ago ({})", days_text(days), utc(cert.not_after)),
    }
}

fn unknown_issuer(chain: &[CertSummary]) -> String {
    match chain {
        [only] if only.subject == only.issuer => format!(
            "self-signed ({}), and not trusted here: give its certificate with --ca, \
             or pin it on first use",
            only.subject
        ),
        [leaf, ..] => {
            let top = chain.last().unwrap_or(leaf);
            format!(
                "issued by {}, an authority not trusted here (not among the system's roots \
                 nor the --ca file)",
                top.issuer
            )
        }
        [] => "issued by an authority not trusted here".into(),
    }
}

fn other_error(error: &rustls::Error) -> String {
    match error {
        rustls::Error::General(text) if text.contains("pinned") => text.clone(),
        rustls::Error::AlertReceived(alert) => {
            format!("the peer refused the handshake ({alert:?})")
        }
        rustls::Error::PeerIncompatible(why) => {
            format!("the peer shares no TLS version or cipher with us ({why:?})")
        }
        rustls::Error::InvalidMessage(_) | rustls::Error::InappropriateMessage { .. } => {
            "the peer does not speak TLS here (is this a plain-text port?)".into()
        }
        other => other.to_string(),
    }
}

/// "a, b and c".
fn list(names: &[String]) -> String {
    match names {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    fn cert(subject: &str, issuer: &str, names: &[&str], not_after: i64) -> CertSummary {
        CertSummary {
            subject: subject.into(),
            issuer: issuer.into(),
            names: names.iter().map(|n| n.to_string()).collect(),
            not_before: 0,
            not_after,
            key: "EC P-256".into(),
            sha256: String::new(),
            key_sha256: String::new(),
            is_ca: false,
        }
    }

    const NOW: i64 = 1_800_000_000;

    #[test]
    fn the_library_errors_in_plain_words() {
        let leaf = cert(
            "CN=mail",
            "CN=CA",
            &["mail.example.test", "localhost"],
            NOW + 1,
        );
        let invalid = |e| rustls::Error::InvalidCertificate(e);
        assert_eq!(
            refusal(
                &invalid(CertificateError::NotValidForName),
                &[leaf],
                "wrong.example",
                NOW
            ),
            "valid for mail.example.test and localhost, not wrong.example"
        );
        let old = cert("CN=old", "CN=CA", &["old"], NOW - 3 * 86_400 - 100);
        let said = refusal(&invalid(CertificateError::Expired), &[old], "old", NOW);
        assert!(said.starts_with("expired 3 days ago ("), "{said}");
        let ca = rustls::Error::InvalidCertificate(CertificateError::Other(rustls::OtherError(
            Arc::new(std::io::Error::other("CaUsedAsEndEntity")),
        )));
        assert_eq!(
            refusal(&ca, &[], "x", NOW),
            "the server sent a CA certificate as its own"
        );
        let own = cert("CN=me", "CN=me", &["me"], NOW + 1);
        let said = refusal(&invalid(CertificateError::UnknownIssuer), &[own], "me", NOW);
        assert!(said.starts_with("self-signed (CN=me)"), "{said}");
    }

    #[test]
    fn a_good_certificate_says_what_it_is_good_for() {
        let leaf = cert("CN=a", "CN=CA", &["a.test"], NOW + 88 * 86_400 + 5);
        assert_eq!(
            trusted(&[leaf], NOW),
            "trusted: valid for a.test, 88 days left"
        );
    }
}
