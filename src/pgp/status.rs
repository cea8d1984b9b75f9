//! gpg's status lines (`--status-fd`): the machine-readable account of a
//! run, described in GnuPG's doc/DETAILS. Every decision in this module's
//! parent is made from these lines, never from gpg's human text.

/// One `[GNUPG:] KEYWORD arg arg…` line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusLine {
    pub keyword: String,
    /// The line after the keyword, as gpg wrote it.
    pub rest: String,
    /// The whole line, for the debug log (status lines never hold
    /// plaintext or secrets).
    pub raw: String,
}

impl StatusLine {
    /// The `n`th space-separated argument.
    pub fn arg(&self, n: usize) -> Option<&str> {
        self.rest.split(' ').filter(|a| !a.is_empty()).nth(n)
    }

    /// Everything after the first `n` arguments, with gpg's `%XX` escapes
    /// decoded: user ids come this way, spaces and all.
    pub fn text_after(&self, n: usize) -> Option<String> {
        let mut rest = self.rest.trim_start_matches(' ');
        for _ in 0..n {
            let end = rest.find(' ')?;
            rest = rest[end..].trim_start_matches(' ');
        }
        (!rest.is_empty()).then(|| percent_decode(rest))
    }
}

/// Splits gpg's status output into lines; anything not prefixed
/// `[GNUPG:] ` is not a status line and is skipped.
pub(crate) fn parse_status(bytes: &[u8]) -> Vec<StatusLine> {
    String::from_utf8_lossy(bytes)
        .lines()
        .filter_map(|line| {
            let body = line.strip_prefix("[GNUPG:] ")?;
            let (keyword, rest) = body.split_once(' ').unwrap_or((body, ""));
            Some(StatusLine {
                keyword: keyword.to_string(),
                rest: rest.to_string(),
                raw: line.to_string(),
            })
        })
        .collect()
}

/// The error code (low 16 bits) of a libgpg-error value in a status line;
/// the high bits name the component that failed.
pub(crate) fn error_code(value: &str) -> Option<u32> {
    value.parse::<u32>().ok().map(|v| v & 0xFFFF)
}

/// A status timestamp: seconds since the epoch, or ISO 8601 basic
/// (`20240102T030405`) which gpg writes when so configured.
pub(crate) fn parse_time(value: &str) -> Option<i64> {
    if let Ok(seconds) = value.parse::<i64>() {
        return (seconds > 0).then_some(seconds);
    }
    let (date, time) = value.split_once('T')?;
    let num = |s: &str| s.parse::<i64>().ok();
    if date.len() != 8 || time.len() < 6 {
        return None;
    }
    let (y, m, d) = (num(&date[..4])?, num(&date[4..6])?, num(&date[6..])?);
    let (h, min, s) = (num(&time[..2])?, num(&time[2..4])?, num(&time[4..6])?);
    Some(days_from_civil(y, m, d) * 86_400 + h * 3600 + min * 60 + s)
}

/// Days since 1970-01-01 of a proleptic Gregorian date.
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Decodes gpg's `%XX` escapes; what is not valid UTF-8 afterwards is
/// replaced, since it only ever goes to the screen.
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes.get(i + 1..i + 3).and_then(|h| {
            let h = std::str::from_utf8(h).ok()?;
            u8::from_str_radix(h, 16).ok()
        });
        match (bytes[i], hex) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_lines_split_into_keyword_arguments_and_decoded_text() {
        let out = b"gpg: not a status line\n\
            [GNUPG:] GOODSIG E66FBCE9B2033B21 Alice %25 Co <alice@example.test>\n\
            [GNUPG:] DECRYPTION_OKAY\n";
        let lines = parse_status(out);
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0].keyword, "GOODSIG");
        assert_eq!(lines[0].arg(0), Some("E66FBCE9B2033B21"));
        assert_eq!(
            lines[0].text_after(1).as_deref(),
            Some("Alice % Co <alice@example.test>")
        );
        assert_eq!(lines[1].keyword, "DECRYPTION_OKAY");
        assert_eq!(lines[1].arg(0), None);
    }

    #[test]
    fn times_come_as_seconds_or_iso_and_error_values_lose_their_source() {
        assert_eq!(parse_time("1796283549"), Some(1_796_283_549));
        assert_eq!(parse_time("20200101T000000"), Some(1_577_836_800));
        assert_eq!(parse_time("0"), None);
        assert_eq!(error_code("67108949"), Some(85));
        assert_eq!(error_code("x"), None);
    }
}
