//! The POP3 reply parsers: status lines, listings, capabilities, APOP
//! timestamps and multi-line bodies.

use super::*;

#[test]
fn status_lines() {
    assert_eq!(
        parse_status(b"+OK Dovecot ready.\r\n").unwrap(),
        Status::Ok("Dovecot ready.".into())
    );
    assert_eq!(parse_status(b"+OK\r\n").unwrap(), Status::Ok(String::new()));
    assert_eq!(
        parse_status(b"-ERR [AUTH] Authentication failed.\r\n").unwrap(),
        Status::Err {
            code: Some("AUTH".into()),
            text: "Authentication failed.".into()
        }
    );
    assert_eq!(
        parse_status(b"-ERR [SYS/TEMP] try later\n").unwrap(),
        Status::Err {
            code: Some("SYS/TEMP".into()),
            text: "try later".into()
        }
    );
    assert_eq!(
        parse_status(b"-ERR no such message\r\n").unwrap(),
        Status::Err {
            code: None,
            text: "no such message".into()
        }
    );
    assert_eq!(
        parse_status(b"+ \r\n").unwrap(),
        Status::Continue(String::new())
    );
    assert!(parse_status(b"+OKAY\r\n").is_err());
    assert!(parse_status(b"* OK imap\r\n").is_err());
    assert!(parse_status(b"").is_err());
}

#[test]
fn stat_list_uidl() {
    assert_eq!(parse_stat("2 320").unwrap(), (2, 320));
    assert_eq!(parse_stat("0 0 extra").unwrap(), (0, 0));
    assert!(parse_stat("two 320").is_err());
    assert_eq!(parse_list_line(b"1 120\r\n").unwrap(), (1, 120));
    assert_eq!(parse_list_line(b"17 5000 extra\r\n").unwrap(), (17, 5000));
    assert!(parse_list_line(b"1\r\n").is_err());
    assert_eq!(
        parse_uidl_line(b"1 whqtswO00WBw418f9t5JxYwZ\r\n").unwrap(),
        (1, "whqtswO00WBw418f9t5JxYwZ".into())
    );
    assert_eq!(
        parse_uidl_line(b"3 00000001a1b2c3d4\n").unwrap(),
        (3, "00000001a1b2c3d4".into())
    );
    assert!(parse_uidl_line(b"1 \r\n").is_err());
    assert!(parse_uidl_line(b"x abc\r\n").is_err());
    assert!(parse_uidl_line(b"1 a\x01b\r\n").is_err());
}

#[test]
fn capabilities() {
    let mut caps = Capabilities::default();
    for line in [
        &b"CAPA\r\n"[..],
        b"TOP\r\n",
        b"UIDL\r\n",
        b"RESP-CODES\r\n",
        b"PIPELINING\r\n",
        b"user\r\n",
        b"SASL PLAIN login\r\n",
        b"STLS\r\n",
        b"IMPLEMENTATION Dovecot 2.3\r\n",
    ] {
        caps.add_line(line);
    }
    assert!(caps.has("pipelining") && caps.has("STLS") && caps.has("USER"));
    assert!(caps.sasl.contains("PLAIN") && caps.sasl.contains("LOGIN"));
    assert_eq!(caps.implementation.as_deref(), Some("Dovecot 2.3"));
    assert!(!caps.has("EXPIRE"));
}

#[test]
fn apop_timestamp_from_greeting() {
    assert_eq!(
        apop_timestamp("POP3 server ready <1896.697170952@dbc.mtview.ca.us>"),
        Some("<1896.697170952@dbc.mtview.ca.us>")
    );
    assert_eq!(apop_timestamp("Dovecot ready."), None);
    assert_eq!(apop_timestamp("ready <no-at-sign>"), None);
}

#[test]
fn multiline_unstuffs_dots_and_keeps_line_endings() {
    let wire = b"Subject: x\r\n\r\n..leading dot\r\n...two dots\r\n.not end\r\nbare lf\n.\r\nNEXT";
    let (body, used) = decode_multiline(wire).unwrap();
    assert_eq!(
        body,
        b"Subject: x\r\n\r\n.leading dot\r\n..two dots\r\nnot end\r\nbare lf\n"
    );
    assert_eq!(&wire[used..], b"NEXT");
}

#[test]
fn multiline_single_dot_line_inside_body_is_stuffed() {
    // A body line that is just "." arrives as "..".
    let (body, _) = decode_multiline(b"a\r\n..\r\nb\r\n.\r\n").unwrap();
    assert_eq!(body, b"a\r\n.\r\nb\r\n");
}

#[test]
fn multiline_incomplete_is_none() {
    assert_eq!(decode_multiline(b"line\r\nmore\r\n"), None);
    assert_eq!(decode_multiline(b"line\r\n."), None);
    assert_eq!(decode_multiline(b""), None);
}

#[test]
fn multiline_eight_bit_and_cjk_pass_through() {
    let text = "Grüße — 日本語のテキスト\r\n".as_bytes();
    let mut wire = text.to_vec();
    wire.extend_from_slice(b"\xff\xfe raw\r\n.\r\n");
    let (body, _) = decode_multiline(&wire).unwrap();
    assert_eq!(&body[..text.len()], text);
    assert!(body.ends_with(b"\xff\xfe raw\r\n"));
}

#[test]
fn empty_multiline_body() {
    assert_eq!(decode_multiline(b".\r\n"), Some((Vec::new(), 3)));
}

#[test]
fn server_added_final_line_end_is_removed_by_size() {
    let mut body = b"Subject: x\r\n\r\nno newline\r\n".to_vec();
    let size = body.len() as u64 - 2;
    trim_added_line_end(&mut body, Some(size));
    assert_eq!(body, b"Subject: x\r\n\r\nno newline");

    let mut body = b"Subject: x\r\n\r\nhas newline\r\n".to_vec();
    let size = body.len() as u64;
    trim_added_line_end(&mut body, Some(size));
    assert!(body.ends_with(b"newline\r\n"));
    trim_added_line_end(&mut body, None);
    assert!(body.ends_with(b"newline\r\n"));
}
