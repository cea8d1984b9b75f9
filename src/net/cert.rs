//! What a TLS peer's certificates say, read for display only (rustls does
//! the verifying): subject and issuer, the names it is valid for, its
//! validity, the key, and SHA-256 fingerprints of the certificate and of
//! its public key (what `openssl x509 -fingerprint -sha256` prints, and
//! what a trust-on-first-use pin remembers).

use sha2::{Digest, Sha256};
use x509_parser::prelude::{FromDer, GeneralName, X509Certificate};
use x509_parser::public_key::PublicKey;

/// One certificate of a chain, as people read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertSummary {
    pub subject: String,
    pub issuer: String,
    /// Subject alternative names: DNS names, IP addresses, others tagged.
    pub names: Vec<String>,
    /// Validity as Unix seconds.
    pub not_before: i64,
    pub not_after: i64,
    /// "RSA 2048", "EC P-256", "Ed25519".
    pub key: String,
    /// SHA-256 of the whole certificate, colon-separated hex.
    pub sha256: String,
    /// SHA-256 of the SubjectPublicKeyInfo, colon-separated hex.
    pub key_sha256: String,
    /// A certificate authority (basicConstraints CA:TRUE).
    pub is_ca: bool,
}

impl CertSummary {
    /// Whole days from `now` (Unix seconds) until it expires; negative
    /// once it has.
    pub fn days_left(&self, now: i64) -> i64 {
        (self.not_after - now).div_euclid(86_400)
    }

    /// "valid until 2027-03-01 12:00 UTC (88 days left)", or how long ago
    /// it expired, or when it starts.
    pub fn validity(&self, now: i64) -> String {
        if now < self.not_before {
            let days = (self.not_before - now).div_euclid(86_400);
            return format!(
                "not valid before {} (in {})",
                utc(self.not_before),
                days_text(days)
            );
        }
        let days = self.days_left(now);
        if now >= self.not_after {
            return format!(
                "expired {} ({} ago)",
                utc(self.not_after),
                days_text(-days - 1)
            );
        }
        format!(
            "valid until {} ({} left)",
            utc(self.not_after),
            days_text(days)
        )
    }
}

/// "1 day", "3 days".
pub fn days_text(days: i64) -> String {
    if days == 1 {
        "1 day".into()
    } else {
        format!("{days} days")
    }
}

/// Reads a DER certificate; None when it is not one.
pub fn describe(der: &[u8]) -> Option<CertSummary> {
    let (_, cert) = X509Certificate::from_der(der).ok()?;
    let spki = cert.public_key();
    Some(CertSummary {
        subject: cert.subject().to_string(),
        issuer: cert.issuer().to_string(),
        names: names(&cert),
        not_before: cert.validity().not_before.timestamp(),
        not_after: cert.validity().not_after.timestamp(),
        key: key_kind(spki),
        sha256: fingerprint(der),
        key_sha256: fingerprint(spki.raw),
        is_ca: cert.is_ca(),
    })
}

/// The SHA-256 of the public key of a DER certificate, as `describe`
/// gives it; what a pin compares.
pub fn key_fingerprint(der: &[u8]) -> Option<String> {
    let (_, cert) = X509Certificate::from_der(der).ok()?;
    Some(fingerprint(cert.public_key().raw))
}

fn names(cert: &X509Certificate<'_>) -> Vec<String> {
    let Ok(Some(san)) = cert.subject_alternative_name() else {
        return Vec::new();
    };
    san.value
        .general_names
        .iter()
        .map(|name| match name {
            GeneralName::DNSName(dns) => dns.to_string(),
            GeneralName::IPAddress(bytes) => ip_text(bytes),
            GeneralName::RFC822Name(mail) => format!("email:{mail}"),
            GeneralName::URI(uri) => format!("uri:{uri}"),
            other => format!("{other:?}"),
        })
        .collect()
}

fn ip_text(bytes: &[u8]) -> String {
    if let Ok(v4) = <[u8; 4]>::try_from(bytes) {
        return std::net::Ipv4Addr::from(v4).to_string();
    }
    if let Ok(v6) = <[u8; 16]>::try_from(bytes) {
        return std::net::Ipv6Addr::from(v6).to_string();
    }
    format!("ip:{}", hex(bytes, ""))
}

fn key_kind(spki: &x509_parser::x509::SubjectPublicKeyInfo<'_>) -> String {
    let algorithm = spki.algorithm.algorithm.to_id_string();
    match algorithm.as_str() {
        "1.3.101.112" => return "Ed25519".into(),
        "1.3.101.113" => return "Ed448".into(),
        _ => {}
    }
    match spki.parsed() {
        Ok(PublicKey::RSA(rsa)) => format!("RSA {}", rsa.key_size()),
        Ok(PublicKey::EC(point)) => {
            let curve = spki
                .algorithm
                .parameters
                .as_ref()
                .and_then(|p| p.as_oid().ok())
                .map(|oid| oid.to_id_string());
            match curve.as_deref() {
                Some("1.2.840.10045.3.1.7") => "EC P-256".into(),
                Some("1.3.132.0.34") => "EC P-384".into(),
                Some("1.3.132.0.35") => "EC P-521".into(),
                Some(other) => format!("EC {other} ({} bits)", point.key_size()),
                None => format!("EC ({} bits)", point.key_size()),
            }
        }
        Ok(PublicKey::DSA(_)) => "DSA".into(),
        _ => format!("key {algorithm}"),
    }
}

fn fingerprint(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes), ":")
}

fn hex(bytes: &[u8], separator: &str) -> String {
    bytes
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect::<Vec<_>>()
        .join(separator)
}

/// "2031-06-15 00:00 UTC" from Unix seconds.
pub fn utc(secs: i64) -> String {
    let days = secs.div_euclid(86_400);
    let rest = secs.rem_euclid(86_400);
    let (year, month, day) = civil_from_days(days);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02} UTC",
        rest / 3600,
        rest / 60 % 60
    )
}

/// Days since 1970-01-01 → (year, month, day), proleptic Gregorian.
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(month <= 2), month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn generated() -> (rcgen::Certificate, rcgen::KeyPair) {
        let mut params =
            rcgen::CertificateParams::new(vec!["mail.example.test".into(), "127.0.0.1".into()])
                .unwrap();
        params
            .distinguished_name
            .push(rcgen::DnType::CommonName, "wirepost test");
        params.not_before = rcgen::date_time_ymd(2024, 1, 1);
        params.not_after = rcgen::date_time_ymd(2031, 6, 15);
        let key = rcgen::KeyPair::generate().unwrap();
        (params.self_signed(&key).unwrap(), key)
    }

    #[test]
    fn reads_names_validity_key_and_fingerprints() {
        let (cert, key) = generated();
        let summary = describe(cert.der()).unwrap();
        assert_eq!(summary.subject, "CN=wirepost test");
        assert_eq!(summary.issuer, "CN=wirepost test");
        assert_eq!(summary.names, ["mail.example.test", "127.0.0.1"]);
        assert_eq!(utc(summary.not_after), "2031-06-15 00:00 UTC");
        assert_eq!(summary.key, "EC P-256");
        assert!(!summary.is_ca);
        let expected = hex(&Sha256::digest(cert.der()), ":");
        assert_eq!(summary.sha256, expected);
        assert_eq!(summary.sha256.len(), 32 * 3 - 1);
        let spki = rcgen::PublicKeyData::subject_public_key_info(&key);
        assert_eq!(summary.key_sha256, hex(&Sha256::digest(&spki), ":"));
        assert_eq!(key_fingerprint(cert.der()), Some(summary.key_sha256));
    }

    #[test]
    fn validity_in_days_before_during_and_after() {
        let (cert, _) = generated();
        let summary = describe(cert.der()).unwrap();
        let end = summary.not_after;
        assert_eq!(
            summary.validity(end - 3 * 86_400 - 60),
            "valid until 2031-06-15 00:00 UTC (3 days left)"
        );
        assert_eq!(
            summary.validity(end + 3 * 86_400 + 60),
            "expired 2031-06-15 00:00 UTC (3 days ago)"
        );
        assert_eq!(
            summary.validity(summary.not_before - 86_400),
            "not valid before 2024-01-01 00:00 UTC (in 1 day)"
        );
    }

    #[test]
    fn garbage_is_rejected_not_panicked_on() {
        assert!(describe(&[0x30, 0x82, 0xff]).is_none());
        assert!(describe(&[]).is_none());
    }
}
