#![no_main]
//! The config file: any text gives a config or an error, never a panic.
use libfuzzer_sys::fuzz_target;
use std::path::Path;

fuzz_target!(|text: &str| {
    if let Err(e) = wirepost::config::Config::parse(text, Path::new("/fuzz/config.toml")) {
        let _ = e.to_string();
    }
});
