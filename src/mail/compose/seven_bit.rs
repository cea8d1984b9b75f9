//! Bodies that survive any relay byte for byte, for a message that will be
//! signed: a signature covers the exact bytes, so nothing in it may be
//! 8-bit (a relay may re-encode it), end a line with white space (some
//! strip it) or start a line with `From ` (mbox writers turn it into
//! `>From `). Text becomes quoted-printable with those escaped, as neomutt
//! does; attachments become base64.

use lettre::message::Body;
use lettre::message::header::ContentTransferEncoding;

/// Encoded lines stay within RFC 2045's 76 characters.
const MAX_QP_LINE: usize = 76;

/// A text body as quoted-printable, or as it is when it is already safe.
pub fn text_body(text: &str) -> Body {
    if is_safe(text) {
        return Body::new_with_encoding(text.to_string(), ContentTransferEncoding::SevenBit)
            .unwrap_or_else(Body::new);
    }
    Body::dangerous_pre_encoded(
        quoted_printable(text).into_bytes(),
        ContentTransferEncoding::QuotedPrintable,
    )
}

/// An attachment as base64. A forwarded message (message/rfc822, which
/// RFC 2046 wants as 7bit) stays as it is when it is already safe; one
/// with 8-bit bytes has no 7-bit form without rewriting it, so it becomes
/// base64 too, which mail readers decode.
pub fn attachment_body(data: Vec<u8>, content_type: &str) -> Body {
    let rfc822 = content_type.eq_ignore_ascii_case("message/rfc822");
    if rfc822
        && std::str::from_utf8(&data).is_ok_and(is_safe_message)
        && let Ok(body) = Body::new_with_encoding(data.clone(), ContentTransferEncoding::SevenBit)
    {
        return body;
    }
    Body::new_with_encoding(data, ContentTransferEncoding::Base64).unwrap_or_else(Body::new)
}

/// A message that can travel as 7bit: like [`is_safe`], with the longer
/// lines SMTP allows.
fn is_safe_message(text: &str) -> bool {
    text.is_ascii()
        && text.lines().all(|line| {
            line.len() <= 998 && !line.ends_with([' ', '\t']) && !line.starts_with("From ")
        })
}

/// 7-bit, short lines, no trailing white space, no `From ` line starts.
fn is_safe(text: &str) -> bool {
    text.is_ascii()
        && text.lines().all(|line| {
            line.len() <= MAX_QP_LINE
                && !line.ends_with([' ', '\t'])
                && !line.starts_with("From ")
                && !line.contains(|c: char| c.is_ascii_control() && c != '\t')
        })
}

/// Quoted-printable (RFC 2045 6.7) with CRLF line ends, escaping a `From `
/// or a `.` at the start of a line and white space at its end.
pub fn quoted_printable(text: &str) -> String {
    let text = text.replace("\r\n", "\n");
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    for (n, line) in text.split('\n').enumerate() {
        if n > 0 {
            out.push_str("\r\n");
        }
        encode_line(line.as_bytes(), &mut out);
    }
    out
}

fn encode_line(line: &[u8], out: &mut String) {
    let mut width = 0;
    for (i, &byte) in line.iter().enumerate() {
        let last = i + 1 == line.len();
        let at_start = width == 0;
        let literal = match byte {
            b'=' => false,
            b' ' | b'\t' => !last,
            b'F' if at_start => !line[i..].starts_with(b"From "),
            b'.' if at_start => false,
            33..=126 => true,
            _ => false,
        };
        let piece = if literal {
            (byte as char).to_string()
        } else {
            format!("={byte:02X}")
        };
        // Keep room for the soft break's "=".
        if width + piece.len() > MAX_QP_LINE - 1 {
            out.push_str("=\r\n");
            width = 0;
            if piece.len() == 1 && matches!(byte, b'F' | b'.') {
                // A new line starts here: the start-of-line rules apply.
                let again = if byte == b'F' && line[i..].starts_with(b"From ") || byte == b'.' {
                    format!("={byte:02X}")
                } else {
                    piece
                };
                width += again.len();
                out.push_str(&again);
                continue;
            }
        }
        width += piece.len();
        out.push_str(&piece);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(qp: &str) -> String {
        let joined = qp.replace("=\r\n", "");
        let bytes = joined.as_bytes();
        let mut out = Vec::new();
        let mut i = 0;
        while i < bytes.len() {
            if bytes[i] == b'=' {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap();
                out.push(u8::from_str_radix(hex, 16).unwrap());
                i += 3;
            } else {
                out.push(bytes[i]);
                i += 1;
            }
        }
        String::from_utf8(out).unwrap().replace("\r\n", "\n")
    }

    #[test]
    fn risky_lines_are_escaped_and_decode_back() {
        let text = "From here on\nend with space \n.dot\nnaïve = café\n";
        let qp = quoted_printable(text);
        assert!(qp.is_ascii());
        assert!(qp.contains("=46rom here on"), "{qp}");
        assert!(qp.contains("end with space=20\r\n"), "{qp}");
        assert!(qp.contains("=2Edot"), "{qp}");
        assert!(!qp.lines().any(|l| l.starts_with("From ")));
        assert_eq!(decode(&qp), text);
    }

    #[test]
    fn long_lines_get_soft_breaks_within_76() {
        let text = format!("{}From x\n", "a".repeat(200));
        let qp = quoted_printable(&text);
        assert!(qp.split("\r\n").all(|l| l.len() <= MAX_QP_LINE), "{qp}");
        assert!(!qp.split("\r\n").any(|l| l.starts_with("From ")), "{qp}");
        assert_eq!(decode(&qp), text);
    }

    #[test]
    fn plain_short_ascii_is_left_alone() {
        assert!(is_safe("Hello\nworld\n"));
        assert!(!is_safe("From me\n"));
        assert!(!is_safe("tail \n"));
        assert!(!is_safe("é"));
    }
}
