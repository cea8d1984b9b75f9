use super::*;

#[test]
fn bcc_is_removed_with_its_continuation_lines() {
    let raw = b"From: a@x\r\nBcc: b@x,\r\n c@x\r\nTo: d@x\r\n\r\nBcc: in the body stays\r\n";
    let out = without_bcc(raw);
    assert_eq!(
        out,
        b"From: a@x\r\nTo: d@x\r\n\r\nBcc: in the body stays\r\n"
    );
}

#[test]
fn envelope_collects_every_recipient_once() {
    let raw = b"From: A <a@example.test>\r\nTo: b@example.test\r\nCc: b@example.test, c@example.test\r\nBcc: d@example.test\r\n\r\nx";
    let envelope = envelope_of(raw).unwrap();
    assert_eq!(envelope.from().unwrap().to_string(), "a@example.test");
    let to: Vec<String> = envelope.to().iter().map(|a| a.to_string()).collect();
    assert_eq!(
        to,
        vec!["b@example.test", "c@example.test", "d@example.test"]
    );
    assert!(envelope_of(b"Subject: none\r\n\r\n").is_err());
}
