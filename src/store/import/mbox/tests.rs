use super::*;

fn read_all(bytes: &[u8]) -> Vec<MboxMessage> {
    let mut reader = MboxReader::new(bytes);
    let mut out = Vec::new();
    while let Some(m) = reader.next_message().unwrap() {
        out.push(m);
    }
    out
}

#[test]
fn mboxrd_quoting_is_undone_one_level() {
    let file = b"From a@b Thu Nov  5 12:00:00 2026\nSubject: one\n\n>From here\n>>From there\nbody\n\nFrom c@d Thu Nov  5 13:00:00 2026\nSubject: two\n\nsecond\n";
    let messages = read_all(file);
    assert_eq!(messages.len(), 2);
    assert_eq!(
        messages[0].raw,
        b"Subject: one\n\nFrom here\n>From there\nbody\n"
    );
    assert_eq!(messages[1].raw, b"Subject: two\n\nsecond\n");
    assert!(messages[0].from_line_date.is_some());
}

#[test]
fn content_length_lets_a_body_hold_from_lines() {
    let body = b"line\nFrom inside the body\nend\n";
    let file = format!(
        "From x Thu Nov  5 12:00:00 2026\nContent-Length: {}\nSubject: cl\n\n{}\nFrom y Thu Nov  5 12:00:00 2026\nSubject: next\n\nz\n",
        body.len(),
        String::from_utf8_lossy(body)
    );
    let messages = read_all(file.as_bytes());
    assert_eq!(messages.len(), 2, "{messages:?}");
    assert!(messages[0].raw.ends_with(body));
}

#[test]
fn a_wrong_content_length_is_ignored() {
    let file = b"From x Thu Nov  5 12:00:00 2026\nContent-Length: 3\nSubject: cl\n\nlonger body\n\nFrom y Thu Nov  5 12:00:00 2026\nSubject: next\n\nz\n";
    let messages = read_all(file);
    assert_eq!(messages.len(), 2);
    assert!(messages[0].raw.ends_with(b"\n\nlonger body\n"));
}

#[test]
fn status_headers_are_taken_out_and_kept_apart() {
    let file = b"From x Thu Nov  5 12:00:00 2026\nSubject: s\nStatus: RO\nX-Status: AF\n\nb\n";
    let messages = read_all(file);
    assert_eq!(messages[0].raw, b"Subject: s\n\nb\n");
    assert_eq!(messages[0].status, b"Status: RO\nX-Status: AF\n");
}

#[test]
fn crlf_mbox_and_header_only_messages() {
    let file = b"From x Thu Nov  5 12:00:00 2026\r\nSubject: a\r\n\r\nbody\r\n\r\nFrom y Thu Nov  5 12:00:00 2026\r\nSubject: b\r\nFrom z Thu Nov  5 12:00:00 2026\r\nSubject: c\r\n\r\nc\r\n";
    let messages = read_all(file);
    assert_eq!(messages.len(), 3);
    assert_eq!(messages[0].raw, b"Subject: a\r\n\r\nbody\r\n");
    assert_eq!(messages[1].raw, b"Subject: b\r\n");
}
