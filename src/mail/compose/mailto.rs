//! `mailto:` links (RFC 6068), as browsers and other programs pass them.

use super::draft::Draft;

/// The fields a mailto: link fills in; unknown headers are ignored.
pub fn parse(link: &str) -> Result<Draft, String> {
    let rest = link
        .strip_prefix("mailto:")
        .or_else(|| link.strip_prefix("MAILTO:"))
        .ok_or_else(|| format!("\"{link}\" is not a mailto: link"))?;
    let (to, query) = rest.split_once('?').unwrap_or((rest, ""));
    let mut draft = Draft {
        to: decode(to)?,
        ..Draft::default()
    };
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        let value = decode(value)?;
        let append = |field: &mut String| {
            if !field.is_empty() {
                field.push_str(", ");
            }
            field.push_str(&value);
        };
        match key.to_ascii_lowercase().as_str() {
            "to" => append(&mut draft.to),
            "cc" => append(&mut draft.cc),
            "bcc" => append(&mut draft.bcc),
            "subject" => draft.subject = value.clone(),
            "body" => draft.body = value.replace("\r\n", "\n"),
            "in-reply-to" => draft.in_reply_to = Some(value.clone()),
            _ => {}
        }
    }
    Ok(draft)
}

/// Percent-decoding to UTF-8 ("+" stays a plus, as RFC 6068 says).
fn decode(text: &str) -> Result<String, String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = text
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
                .ok_or_else(|| format!("bad %-escape in \"{text}\""))?;
            out.push(hex);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|_| format!("\"{text}\" is not UTF-8 once decoded"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_recipients_subject_and_body() {
        let d = parse("mailto:a@example.test,b@example.test?cc=c@example.test&subject=Hi%20%E4%BD%A0%E5%A5%BD&body=line1%0D%0Aline2&x-unknown=1").unwrap();
        assert_eq!(d.to, "a@example.test,b@example.test");
        assert_eq!(d.cc, "c@example.test");
        assert_eq!(d.subject, "Hi 你好");
        assert_eq!(d.body, "line1\nline2");
    }

    #[test]
    fn rejects_other_links_and_bad_escapes() {
        assert!(parse("http://x").is_err());
        assert!(parse("mailto:a@b?subject=%zz").is_err());
    }
}
