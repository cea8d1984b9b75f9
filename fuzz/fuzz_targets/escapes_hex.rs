#![no_main]
//! Typed escapes (`\r \xHH`) and hex input.
use libfuzzer_sys::fuzz_target;
use wirepost::net::escape::{decode_escapes, parse_hex};

fuzz_target!(|text: &str| {
    if let Ok(bytes) = decode_escapes(text) {
        assert!(bytes.len() <= text.len());
    }
    if let Ok(bytes) = parse_hex(text) {
        let digits = text.chars().filter(|c| c.is_ascii_hexdigit()).count();
        assert!(bytes.len() * 2 <= digits);
    }
});
