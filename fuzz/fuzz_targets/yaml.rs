#![no_main]
//! `cargo +nightly fuzz run yaml`: the YAML loader and schema locator never panic.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| launchgate::fuzzing::yaml(data));
