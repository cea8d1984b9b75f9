#![no_main]
//! The POP3 reply parsers (status, STAT, LIST, UIDL, CAPA, the APOP
//! timestamp, multi-line decoding): no panic, and byte-stuffing a body
//! then decoding it gives the body back exactly.
use libfuzzer_sys::fuzz_target;
use wirepost::mail::pop3::reply::{
    Capabilities, apop_timestamp, decode_multiline, parse_list_line, parse_stat, parse_status,
    parse_uidl_line, trim_added_line_end,
};

/// RFC 1939 byte-stuffing, as a server does it.
fn stuff(body: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    for line in body.split_inclusive(|b| *b == b'\n') {
        if line.first() == Some(&b'.') {
            out.push(b'.');
        }
        out.extend_from_slice(line);
    }
    out.extend_from_slice(b".\r\n");
    out
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let _ = parse_status(data);
    let _ = parse_stat(&text);
    let _ = parse_list_line(data);
    let _ = parse_uidl_line(data);
    let _ = apop_timestamp(&text);
    let mut caps = Capabilities::default();
    for line in data.split_inclusive(|b| *b == b'\n') {
        caps.add_line(line);
    }
    if let Some((out, used)) = decode_multiline(data) {
        assert!(used <= data.len() && out.len() <= used);
    }
    let mut body = data.to_vec();
    if !body.is_empty() && !body.ends_with(b"\n") {
        body.extend_from_slice(b"\r\n");
    }
    let wire = stuff(&body);
    assert_eq!(decode_multiline(&wire), Some((body.clone(), wire.len())));
    let size = body.len() as u64;
    let mut padded = body.clone();
    padded.extend_from_slice(b"\r\n");
    trim_added_line_end(&mut padded, Some(size));
    assert_eq!(padded, body);
});
