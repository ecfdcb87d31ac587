//! Shared helpers for integration tests: the binary, fixture paths, and external tools.
#![allow(dead_code)]

pub mod mutations;

use std::path::{Path, PathBuf};

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `launchgate` run from the repository root.
pub fn launchgate() -> assert_cmd::Command {
    let mut cmd = assert_cmd::Command::cargo_bin("launchgate").unwrap();
    cmd.current_dir(root());
    cmd.env_remove("GITHUB_ACTIONS");
    cmd.env_remove("GITHUB_STEP_SUMMARY");
    cmd.env("NO_COLOR", "1");
    cmd
}

/// An external tool installed by `scripts/install-test-tools.sh` (or on PATH).
/// `None` prints why, so a skipped check is visible in the test output.
pub fn tool(name: &str) -> Option<PathBuf> {
    let tools = root().join(".tools");
    let candidates = [
        tools.join("venv/bin").join(name),
        tools.join("node/node_modules/.bin").join(name),
        tools.join("prometheus/usr/bin").join(name),
    ];
    for c in candidates {
        if c.is_file() {
            return Some(c);
        }
    }
    if let Some(path) = std::env::var_os("PATH") {
        for dir in std::env::split_paths(&path) {
            let c = dir.join(name);
            if c.is_file() {
                return Some(c);
            }
        }
    }
    eprintln!("SKIPPED: `{name}` is not installed; run scripts/install-test-tools.sh");
    None
}

/// Writes files (path, content) under a directory, creating parents.
pub fn write_tree(dir: &Path, files: &[(&str, &str)]) {
    for (path, text) in files {
        let p = dir.join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
}

/// Failing findings of a JSON report as (item, line, message).
pub fn failures(report: &serde_json::Value) -> Vec<(String, u64, String)> {
    report["manifests"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|m| m["findings"].as_array().into_iter().flatten())
        .filter(|f| f["outcome"] == "fail")
        .map(|f| {
            (
                f["item"].as_str().unwrap_or_default().to_string(),
                f["location"]["line"].as_u64().unwrap_or(0),
                f["message"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

/// Runs git with a fixed identity (and commit date, when given) in `dir`.
pub fn git_cmd(dir: &Path, args: &[&str], date: Option<&str>) -> std::process::Output {
    let mut cmd = std::process::Command::new("git");
    cmd.args([
        "-c",
        "user.name=t",
        "-c",
        "user.email=t@example.com",
        "-c",
        "commit.gpgsign=false",
    ])
    .args(["-c", "protocol.file.allow=always"])
    .args(args)
    .current_dir(dir);
    if let Some(d) = date {
        cmd.env("GIT_AUTHOR_DATE", d).env("GIT_COMMITTER_DATE", d);
    }
    cmd.output().unwrap()
}

/// The evaluation time the examples pass at.
pub const NOW: &str = "2026-11-25T12:00:00Z";

/// The tag the example repositories give their previous release.
pub const PREVIOUS_RELEASE: &str = "v1.4.2";

/// Runs `gate` on the example manifest with a fixture scenario's snapshot and history
/// (`examples/dashboard-factory/fixtures/SCENARIO`) at [`NOW`]; returns (exit code, JSON
/// report). `which` is `--all` or `--phase NAME`.
pub fn gate_fixture(scenario: &str, which: &[&str]) -> (i32, serde_json::Value) {
    let dir = root()
        .join("examples/dashboard-factory/fixtures")
        .join(scenario);
    let out = launchgate()
        .args(["gate", "examples/dashboard-factory/readiness.yaml"])
        .args(["--now", NOW, "--format", "json", "--status"])
        .arg(dir.join("status.json"))
        .arg("--history")
        .arg(dir.join("runtime-events.jsonl"))
        .args(which)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{scenario}: {stderr}");
    let report =
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{scenario}: {e}: {stderr}"));
    (out.status.code().unwrap(), report)
}

/// Copies a directory tree (files only).
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// Runs git in `dir` and returns its trimmed stdout; fails the test when git fails.
pub fn git(dir: &Path, args: &[&str]) -> String {
    let out = git_cmd(dir, args, None);
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// The dashboard-factory example in a git repository of its own: the example as the previous
/// release (tagged [`PREVIOUS_RELEASE`]), then a second commit (HEAD) with `readiness.yaml`
/// naming that tag as `rollback.known_good` and edited by `edit`.
pub fn example_with(edit: impl Fn(&str) -> String) -> tempfile::TempDir {
    example_repo_with(edit, true)
}

/// Makes `d`, a copy of the example, a git repository whose first commit is the previous
/// release, tagged [`PREVIOUS_RELEASE`]; returns the manifest's text with `rollback.known_good`
/// naming that tag, for the caller to edit, write and commit.
pub fn tag_previous_release(d: &Path) -> String {
    git(d, &["init", "-q", "-b", "main"]);
    git(d, &["add", "."]);
    git(d, &["commit", "-q", "-m", "previous release"]);
    git(d, &["tag", PREVIOUS_RELEASE]);
    let text = std::fs::read_to_string(d.join("readiness.yaml")).unwrap();
    let known_good = text
        .lines()
        .find_map(|l| l.trim().strip_prefix("known_good: "))
        .and_then(|v| v.split_whitespace().next())
        .expect("the example names rollback.known_good")
        .to_string();
    text.replace(&known_good, PREVIOUS_RELEASE)
}

/// [`example_with`] without an edit: the example passes there.
pub fn example_repo() -> tempfile::TempDir {
    example_repo_with(|t| t.to_string(), false)
}

fn example_repo_with(edit: impl Fn(&str) -> String, must_change: bool) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    copy_dir(&root().join("examples/dashboard-factory"), d);
    let text = tag_previous_release(d);
    let manifest = d.join("readiness.yaml");
    let edited = edit(&text);
    if must_change {
        assert_ne!(text, edited, "the edit changed nothing");
    }
    std::fs::write(&manifest, edited).unwrap();
    git(d, &["commit", "-q", "-am", "this release"]);
    dir
}

/// Runs `check --format json` and returns (exit code, report).
pub fn check_json(path: &Path) -> (i32, serde_json::Value) {
    let out = launchgate()
        .args(["check", "--format", "json", "--now", NOW])
        .arg(path)
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&out.stderr)));
    (out.status.code().unwrap(), report)
}

/// The 1-based line that is exactly `needle` (trimmed), else the first containing it.
pub fn line_of(text: &str, needle: &str) -> u64 {
    text.lines()
        .position(|l| l.trim() == needle)
        .or_else(|| text.lines().position(|l| l.contains(needle)))
        .unwrap_or_else(|| panic!("`{needle}` not in manifest")) as u64
        + 1
}

/// Every finding of an item in a JSON report, as (outcome, line, message).
pub fn findings_of(report: &serde_json::Value, item: &str) -> Vec<(String, u64, String)> {
    report["manifests"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|m| m["findings"].as_array().into_iter().flatten())
        .filter(|f| f["item"] == item)
        .map(|f| {
            (
                f["outcome"].as_str().unwrap_or_default().to_string(),
                f["location"]["line"].as_u64().unwrap_or(0),
                f["message"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

/// The failures of one item in a JSON report, as (line, message).
pub fn failed(report: &serde_json::Value, item: &str) -> Vec<(u64, String)> {
    findings_of(report, item)
        .into_iter()
        .filter(|(outcome, _, _)| outcome == "fail")
        .map(|(_, line, message)| (line, message))
        .collect()
}

/// Errors of a JSON value against the report schema.
pub fn report_schema_errors(report: &serde_json::Value) -> Vec<String> {
    let schema: serde_json::Value = serde_json::from_str(launchgate::schema::REPORT).unwrap();
    let validator = jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .unwrap();
    validator
        .iter_errors(report)
        .map(|e| e.to_string())
        .collect()
}

/// Standard output then standard error of a run, as text (to search all a run printed).
pub fn all_output(out: &std::process::Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// A file outside any repository under test, holding `text`: its directory (keep it alive),
/// its absolute path, and a path that climbs to it from any directory (`../../…/tmp/…`).
pub fn secret_outside(name: &str, text: &str) -> (tempfile::TempDir, String, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, text).unwrap();
    let path = path.display().to_string();
    let climb = format!("{}{}", "../".repeat(16), path.trim_start_matches('/'));
    (dir, path, climb)
}

/// Expects a run to stop at once (within a minute) as a tool error (exit 2) naming `name` as
/// "not a regular file": a FIFO or device where a file was expected is never waited on.
pub fn refused_as_not_a_file(mut cmd: assert_cmd::Command, name: &str) {
    let out = cmd
        .timeout(std::time::Duration::from_secs(60))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{name}: {stderr}");
    assert!(
        stderr.contains(name) && stderr.contains("not a regular file"),
        "{name}: {stderr}"
    );
}

/// Makes a named pipe: opening it for reading waits for a writer unless done without blocking.
#[cfg(unix)]
pub fn mkfifo(path: &Path) {
    let status = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .unwrap();
    assert!(status.success(), "mkfifo {}", path.display());
}

/// Each phase's verdict in a `gate --format json` report, in order.
pub fn verdicts(report: &serde_json::Value) -> Vec<String> {
    report["gate"]["phases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["verdict"].as_str().unwrap().to_string())
        .collect()
}

/// The finding of `item` (a checklist item or a gate's `PHASE/GATE` id) of the first manifest
/// of a JSON report; panics with the report when there is none.
pub fn finding<'a>(report: &'a serde_json::Value, item: &str) -> &'a serde_json::Value {
    report["manifests"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["item"] == item)
        .unwrap_or_else(|| panic!("no finding {item}: {report:#}"))
}
