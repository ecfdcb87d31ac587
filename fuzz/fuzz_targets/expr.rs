#![no_main]
//! `cargo +nightly fuzz run expr`: the expression compiler and evaluator never panic.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| launchgate::fuzzing::expr(data));
