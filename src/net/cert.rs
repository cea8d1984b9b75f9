//! Just enough DER reading to show who a certificate names and until when
//! it is valid: subject, issuer and notAfter of an X.509 certificate.

/// One DER element: its tag and contents, plus what follows it.
fn element(input: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let (&tag, rest) = input.split_first()?;
    let (&first, mut rest) = rest.split_first()?;
    let len = if first < 0x80 {
        first as usize
    } else {
        let count = (first & 0x7f) as usize;
        if count == 0 || count > 4 || rest.len() < count {
            return None;
        }
        let len = rest[..count]
            .iter()
            .fold(0usize, |acc, &b| (acc << 8) | b as usize);
        rest = &rest[count..];
        len
    };
    if rest.len() < len {
        return None;
    }
    Some((tag, &rest[..len], &rest[len..]))
}

/// Subject, issuer and expiry (as printed) of a DER certificate.
pub fn describe(der: &[u8]) -> Option<(String, String, String)> {
    let (_, cert, _) = element(der)?;
    let (_, tbs, _) = element(cert)?;
    let mut rest = tbs;
    // Optional explicit version [0].
    let (tag, _, after) = element(rest)?;
    if tag == 0xa0 {
        rest = after;
    }
    let (_, _, rest) = element(rest)?; // serial
    let (_, _, rest) = element(rest)?; // signature algorithm
    let (_, issuer, rest) = element(rest)?;
    let (_, validity, rest) = element(rest)?;
    let (_, subject, _) = element(rest)?;
    let (_, _, validity_rest) = element(validity)?; // notBefore
    let (time_tag, not_after, _) = element(validity_rest)?;
    Some((name(subject), name(issuer), time(time_tag, not_after)))
}

/// "CN=example.com, O=Example" from an X.501 Name.
fn name(mut input: &[u8]) -> String {
    let mut parts = Vec::new();
    while let Some((_, set, rest)) = element(input) {
        input = rest;
        let mut attrs = set;
        while let Some((_, attr, rest)) = element(attrs) {
            attrs = rest;
            let Some((_, oid, value)) = element(attr) else {
                continue;
            };
            let Some((_, value, _)) = element(value) else {
                continue;
            };
            let label = match oid {
                [0x55, 0x04, 0x03] => "CN",
                [0x55, 0x04, 0x06] => "C",
                [0x55, 0x04, 0x07] => "L",
                [0x55, 0x04, 0x08] => "ST",
                [0x55, 0x04, 0x0a] => "O",
                [0x55, 0x04, 0x0b] => "OU",
                _ => continue,
            };
            parts.push(format!("{label}={}", String::from_utf8_lossy(value)));
        }
    }
    if parts.is_empty() {
        "(no name)".into()
    } else {
        parts.join(", ")
    }
}

/// UTCTime (YYMMDDhhmmssZ) or GeneralizedTime (YYYYMMDDhhmmssZ) as
/// "YYYY-MM-DD hh:mm UTC".
fn time(tag: u8, value: &[u8]) -> String {
    let text = String::from_utf8_lossy(value);
    // Anything but ASCII is not a time; shown as it is (sanitized when
    // drawn) rather than sliced, which could split a character.
    if !text.is_ascii() {
        return text.into_owned();
    }
    let digits = match tag {
        0x17 if text.len() >= 12 => {
            let year: u32 = text[..2].parse().unwrap_or(0);
            let century = if year >= 50 { "19" } else { "20" };
            format!("{century}{text}")
        }
        0x18 => text.to_string(),
        _ => return text.to_string(),
    };
    if digits.len() < 12 || !digits.is_ascii() {
        return digits;
    }
    format!(
        "{}-{}-{} {}:{} UTC",
        &digits[..4],
        &digits[4..6],
        &digits[6..8],
        &digits[8..10],
        &digits[10..12]
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_generated_certificate() {
        let mut params = rcgen::CertificateParams::new(vec!["localhost".into()]).unwrap();
        params
            .distinguished_name
            .push(rcgen::DnType::CommonName, "wirepost test");
        params.not_after = rcgen::date_time_ymd(2031, 6, 15);
        let key = rcgen::KeyPair::generate().unwrap();
        let cert = params.self_signed(&key).unwrap();
        let (subject, issuer, expiry) = describe(cert.der()).unwrap();
        assert_eq!(subject, "CN=wirepost test");
        assert_eq!(issuer, "CN=wirepost test");
        assert_eq!(expiry, "2031-06-15 00:00 UTC");
    }

    #[test]
    fn a_time_that_is_not_ascii_is_shown_not_sliced() {
        // Found by fuzzing: lossy decoding made the first two bytes part
        // of one replacement character.
        let value = b"\xd9\xfc3\xd9z#\x19\x9d\xac/-\xf1i";
        assert_eq!(time(0x17, value), String::from_utf8_lossy(value));
        assert_eq!(time(0x18, "2031061500000é".as_bytes()), "2031061500000é");
    }

    #[test]
    fn garbage_is_rejected_not_panicked_on() {
        assert!(describe(&[0x30, 0x82, 0xff]).is_none());
        assert!(describe(&[]).is_none());
    }
}
