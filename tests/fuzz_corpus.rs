//! The fuzz targets (`fuzz/`, cargo-fuzz on nightly) run on stable here: every seed in
//! `fuzz/corpus/<target>/`, then a bounded number of random mutations of the seeds.

use std::path::PathBuf;

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

fn seeds(target: &str) -> Vec<Vec<u8>> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz/corpus")
        .join(target);
    let mut out: Vec<Vec<u8>> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| std::fs::read(e.unwrap().path()).unwrap())
        .collect();
    out.sort();
    assert!(!out.is_empty(), "no seeds for {target}");
    out
}

/// Seeds with random bytes replaced, inserted or removed.
fn mutations(seeds: Vec<Vec<u8>>) -> impl Strategy<Value = Vec<u8>> {
    (
        proptest::sample::select(seeds),
        proptest::collection::vec((any::<u16>(), any::<u8>(), 0u8..3), 0..8),
    )
        .prop_map(|(mut data, edits)| {
            for (at, byte, op) in edits {
                let i = if data.is_empty() {
                    0
                } else {
                    usize::from(at) % (data.len() + 1)
                };
                match op {
                    0 if i < data.len() => data[i] = byte,
                    1 => data.insert(i, byte),
                    _ if i < data.len() => {
                        data.remove(i);
                    }
                    _ => data.push(byte),
                }
            }
            data
        })
}

fn replay(target: &str, f: fn(&[u8]), cases: u32) {
    let seeds = seeds(target);
    for s in &seeds {
        f(s);
    }
    let mut runner = TestRunner::new(Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    });
    runner
        .run(&mutations(seeds), |data| {
            f(&data);
            Ok(())
        })
        .unwrap();
}

#[test]
fn yaml_target() {
    replay("yaml", launchgate::fuzzing::yaml, 2_000);
}

#[test]
fn expr_target() {
    replay("expr", launchgate::fuzzing::expr, 2_000);
}

#[test]
fn history_target() {
    replay("history", launchgate::fuzzing::history, 1_000);
}
