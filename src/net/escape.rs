//! Typing bytes: escapes in the input line (`\r \n \t \0 \\ \xHH`) and
//! hex input; and byte counts for people.

/// Decodes `\r \n \t \0 \\ \xHH` in typed text; anything else is literal.
pub fn decode_escapes(text: &str) -> Result<Vec<u8>, String> {
    let mut out = Vec::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            let mut buf = [0u8; 4];
            out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
            continue;
        }
        match chars.next() {
            Some('r') => out.push(b'\r'),
            Some('n') => out.push(b'\n'),
            Some('t') => out.push(b'\t'),
            Some('0') => out.push(0),
            Some('\\') => out.push(b'\\'),
            Some('x') => {
                let hex: String = chars.by_ref().take(2).collect();
                out.push(hex_byte(&hex).ok_or_else(|| format!("\\x{hex} needs two hex digits"))?);
            }
            Some(other) => return Err(format!("unknown escape \\{other}")),
            None => return Err("a lone \\ at the end (type \\\\ for a backslash)".into()),
        }
    }
    Ok(out)
}

/// Parses hex input: pairs of digits, spaces and `0x` prefixes ignored.
pub fn parse_hex(text: &str) -> Result<Vec<u8>, String> {
    let digits: String = text
        .split_whitespace()
        .map(|w| w.trim_start_matches("0x"))
        .collect();
    if let Some(bad) = digits.chars().find(|c| !c.is_ascii_hexdigit()) {
        return Err(format!("\"{bad}\" is not hex"));
    }
    if !digits.len().is_multiple_of(2) {
        return Err("hex input needs an even number of digits".into());
    }
    // All ASCII now, so byte offsets are character boundaries.
    (0..digits.len())
        .step_by(2)
        .map(|i| hex_byte(&digits[i..i + 2]).ok_or_else(|| "not hex".to_string()))
        .collect()
}

/// Exactly two hex digits; `from_str_radix` alone would take "+1".
fn hex_byte(pair: &str) -> Option<u8> {
    if pair.len() == 2 && pair.bytes().all(|b| b.is_ascii_hexdigit()) {
        u8::from_str_radix(pair, 16).ok()
    } else {
        None
    }
}

/// A byte count for people: 999, 1.2K, 3.4M, 1.0G.
pub fn human_bytes(n: u64) -> String {
    const UNITS: [&str; 4] = ["K", "M", "G", "T"];
    if n < 1000 {
        return n.to_string();
    }
    let mut value = n as f64;
    let mut unit = "";
    for u in UNITS {
        value /= 1024.0;
        unit = u;
        if value < 1000.0 {
            break;
        }
    }
    format!("{value:.1}{unit}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes() {
        assert_eq!(decode_escapes(r"GET /\r\n").unwrap(), b"GET /\r\n");
        assert_eq!(
            decode_escapes(r"a\tb\0c\\d\x1B\x7f").unwrap(),
            b"a\tb\0c\\d\x1b\x7f"
        );
        assert_eq!(decode_escapes("ü").unwrap(), "ü".as_bytes());
        assert!(decode_escapes(r"\x1").is_err());
        assert!(decode_escapes(r"\q").is_err());
        assert!(decode_escapes("\\").is_err());
    }

    #[test]
    fn hex() {
        assert_eq!(parse_hex("48 65 6c6c 0x6f").unwrap(), b"Hello");
        assert!(parse_hex("4").is_err());
        assert!(parse_hex("zz").is_err());
    }

    #[test]
    fn hex_with_multibyte_or_signed_input_is_an_error_not_a_panic() {
        // Found by fuzzing: an even byte count whose pairs split a character.
        assert!(parse_hex("4\u{fffd}\u{fffd}\u{fffd}-\"").is_err());
        assert!(parse_hex("aéb").is_err());
        assert!(parse_hex("+1").is_err());
        assert!(decode_escapes(r"\x+1").is_err());
        assert!(decode_escapes("\\xé").is_err());
    }

    #[test]
    fn sizes() {
        assert_eq!(human_bytes(999), "999");
        assert_eq!(human_bytes(1536), "1.5K");
        assert_eq!(human_bytes(3 << 30), "3.0G");
    }
}
