//! A smoke run of the benchmark tooling on a tiny corpus: the scripts work and print the
//! table. The figures themselves are not judged (see bench/RESULTS.md).

mod common;

#[test]
fn compare_script_prints_the_table() {
    let Some(python) = common::tool("python3") else {
        return;
    };
    let work = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(python)
        .arg(common::root().join("bench/compare.py"))
        .args(["--sizes", "20", "--runs", "2", "--one", "1", "--work"])
        .arg(work.path())
        .arg("--binary")
        .arg(env!("CARGO_BIN_EXE_launchgate"))
        .output()
        .unwrap();
    let stdout = succeeded(&out);
    assert!(stdout.contains("files/s"), "{stdout}");
    let full = stdout
        .lines()
        .find(|l| l.starts_with("launchgate check"))
        .expect("full check row");
    assert!(full.split_whitespace().any(|w| w == "20"), "{full}");
    for row in [
        "launchgate parse-only floor",
        "launchgate check --schema-only",
        "launchgate --schema-only FILES",
        "launchgate check (one directory)",
        "launchgate check (one file)",
    ] {
        assert!(stdout.contains(row), "{row}: {stdout}");
    }
}

#[test]
fn ab_script_times_both_binaries_in_a_monorepo_too() {
    let Some(python) = common::tool("python3") else {
        return;
    };
    let bin = env!("CARGO_BIN_EXE_launchgate");
    let work = tempfile::tempdir().unwrap();
    let mono = work.path().join("mono");
    let out = std::process::Command::new(&python)
        .arg(common::root().join("bench/monorepo.py"))
        .arg(&mono)
        .arg("300")
        .output()
        .unwrap();
    let stdout = succeeded(&out);
    assert!(stdout.contains("348 tracked paths"), "{stdout}");
    // The example moved into the monorepo passes there as it does here: the benchmark times
    // the same work, not an early failure.
    let out = common::launchgate()
        .current_dir(&mono)
        .args(["check", "svc/readiness.yaml", "--now", common::NOW])
        .output()
        .unwrap();
    succeeded(&out);
    let out = std::process::Command::new(python)
        .current_dir(common::root())
        .arg("bench/ab.py")
        .args([
            bin,
            bin,
            "--rounds",
            "1",
            "--corpus",
            "examples",
            "--corpus-rounds",
            "1",
            "--monorepo",
        ])
        .arg(&mono)
        .output()
        .unwrap();
    let stdout = succeeded(&out);
    for row in [
        "check readiness.yaml",
        "check DIR",
        "check --schema-only readiness.yaml",
        "--version",
        "check MONOREPO/svc/readiness.yaml",
        "check CORPUS",
        "check --schema-only CORPUS",
        "check --schema-only FILES",
    ] {
        for side in ["A", "B"] {
            let line = stdout.lines().find(|l| {
                l.starts_with(row) && l[row.len()..].split_whitespace().next() == Some(side)
            });
            assert!(
                line.is_some_and(|l| l.contains("median") && l.contains("cpu")),
                "{row} {side}: {stdout}"
            );
        }
    }
}

#[test]
fn js_yaml_script_times_ajv_clis_parser() {
    let Some(node) = common::tool("node") else {
        return;
    };
    if !common::root()
        .join(".tools/node/node_modules/ajv-cli")
        .is_dir()
    {
        eprintln!("SKIPPED: ajv-cli is not installed; run scripts/install-test-tools.sh");
        return;
    }
    let files = [
        "examples/dashboard-factory/readiness.yaml",
        "examples/checkout-service/readiness.yaml",
    ];
    let out = assert_cmd::Command::new(node)
        .current_dir(common::root())
        .arg("bench/js-yaml-parse.js")
        .write_stdin(files.join("\n"))
        .output()
        .unwrap();
    let stdout = succeeded(&out);
    let rounds: Vec<&str> = stdout.lines().collect();
    assert_eq!(rounds.len(), 3, "{stdout}");
    assert!(
        rounds
            .iter()
            .all(|l| l.starts_with("js-yaml ") && l.contains("2 files") && l.contains("µs/file")),
        "{stdout}"
    );
}

/// The corpus's valid manifests pass every rule (but the known-good release, which needs a git
/// repository the corpus does not have): a benchmark then times checking, not the drawing of
/// failures nobody meant (a new rule the generator's manifests break, such as its status
/// pages on `example.com` once those were refused, made 946 of 1,000 fail).
#[test]
fn the_generated_corpus_passes_but_for_git() {
    let Some(python) = common::tool("python3") else {
        return;
    };
    let work = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(python)
        .arg(common::root().join("bench/gen.py"))
        .arg(work.path())
        .args(["40", "--invalid-share", "0"])
        .output()
        .unwrap();
    succeeded(&out);
    let out = assert_cmd::Command::new(env!("CARGO_BIN_EXE_launchgate"))
        .arg("check")
        .arg(work.path())
        .args(["--now", "2026-11-25T12:00:00Z", "--format", "json"])
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let manifests = report["manifests"].as_array().unwrap();
    assert_eq!(manifests.len(), 40);
    let unexpected: Vec<String> = manifests
        .iter()
        .flat_map(|m| m["findings"].as_array().unwrap())
        .filter(|f| f["outcome"] != "pass")
        .filter(|f| !(f["item"] == "PROD-KNOWN-GOOD" && f["outcome"] == "hold"))
        .map(|f| format!("{} {}: {}", f["item"], f["outcome"], f["message"]))
        .collect();
    assert!(unexpected.is_empty(), "{unexpected:#?}");
    assert!(report["summary"]["passed"].as_u64().unwrap() > 40 * 15);
}

/// The script's standard output, after checking that it exited 0.
fn succeeded(out: &std::process::Output) -> String {
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}
