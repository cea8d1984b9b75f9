#![no_main]
//! Text from servers and messages, cleaned for one-line and multi-line use.
use libfuzzer_sys::fuzz_target;
use wirepost::sanitize::{clean_line, clean_text, is_dangerous};

fuzz_target!(|text: &str| {
    assert!(clean_line(text).chars().all(|c| !is_dangerous(c)));
    let multi = clean_text(text);
    assert!(multi.chars().all(|c| c == '\n' || !is_dangerous(c)));
    assert_eq!(multi.matches('\n').count(), text.matches('\n').count());
});
