//! Shared helpers for integration tests: the binary, fixture paths, and external tools.
#![allow(dead_code)]

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
