#![no_main]
//! The Sockets command line (`:connect host:port timeout=5` ...).
use libfuzzer_sys::fuzz_target;
use wirepost::app::sockets::prompt;

fuzz_target!(|line: &str| {
    let _ = prompt::parse(line);
    let _ = prompt::matching(line.split(' ').next().unwrap_or(""));
});
