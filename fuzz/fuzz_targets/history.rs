#![no_main]
//! `cargo +nightly fuzz run history`: the history reader and window functions never panic.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| launchgate::fuzzing::history(data));
