#![no_main]
//! Socket bytes as shown on screen: nothing a terminal acts on gets through,
//! and every line feed (and only those) starts a row.
use libfuzzer_sys::fuzz_target;
use wirepost::sanitize::is_dangerous;

fuzz_target!(|data: &[u8]| {
    let out = wirepost::net::escape::visible(data);
    assert!(out.chars().all(|c| c == '\n' || !is_dangerous(c)));
    assert_eq!(
        out.matches('\n').count(),
        data.iter().filter(|b| **b == b'\n').count()
    );
});
