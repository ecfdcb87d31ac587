//! The composite Action (`action.yml`) run as the GitHub runner runs it (tests/support/
//! composite.rs), installing a release archive made by `scripts/package.sh` from the binary
//! cargo built for these tests and served from a loopback HTTP server.
//!
//! The default install path must never build: every job's PATH here has a `cargo` (and
//! `rustc`, `rustup`) that only records that it was called, and the tests assert it was not.

#[path = "../common/mod.rs"]
mod common;
#[path = "../support/composite/mod.rs"]
mod composite;
mod harness;
mod release;

use std::collections::BTreeMap;

use common::root;
use composite::{Action, Job, Outcome, Run};
use release::{
    Fixture, Server, archive_name, host_target, job_path, package, release, release_history,
    sha256, write_shims,
};

const NOW: &str = "2026-11-25T12:00:00Z";
const VERSION: &str = env!("CARGO_PKG_VERSION");

fn action() -> Action {
    composite::load(&root().join("action.yml")).unwrap_or_else(|e| panic!("action.yml: {e}"))
}

fn count(run: &Run, name: &str) -> u64 {
    run.outputs[name]
        .parse()
        .unwrap_or_else(|_| panic!("output {name} = {:?}", run.outputs[name]))
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

/// `base`: changes since the pull request's base are annotated for reviewers (a tier lowered
/// since it is an `LG-POLICY` warning); without it the tier is not compared, while a stage
/// lowered is read from the history either way; a base the checkout lacks stops the step
/// with exit 2 and says to fetch it, never a silent pass.
#[test]
fn base_input_reviews_changes_since_the_base() {
    let Some(target) = host_target() else { return };
    let server = Server::start(release());
    let mut fx = Fixture::new(Some(&server), &target);
    fx.example("dashboard-factory");
    let ws = fx.job.workspace.clone();
    let manifest = ws.join("readiness.yaml");
    let text = std::fs::read_to_string(&manifest).unwrap();
    assert!(text.contains("  stage: prod\n") && text.contains("  tier: 1\n"));
    let lowered_text = text
        .replace("  stage: prod\n", "  stage: mmp\n")
        .replace("  tier: 1\n", "  tier: 3\n");
    std::fs::write(&manifest, lowered_text).unwrap();
    for args in [
        &["add", "."][..],
        &["commit", "-q", "-m", "call it mmp, tier 3"],
    ] {
        assert!(
            common::git_cmd(&ws, args, None).status.success(),
            "git {args:?}"
        );
    }
    let action = action();
    let r#ref = format!("v{VERSION}");
    let lowered = |run: &Run, what: &str| {
        run.step("Check readiness")
            .stdout
            .lines()
            .any(|l| l.starts_with("::warning ") && l.contains("LG-POLICY") && l.contains(what))
    };

    let run = fx
        .job
        .run_action(&action, &r#ref, &[("now", NOW), ("base", "HEAD~1")])
        .unwrap();
    assert!(run.success, "{}", run.log());
    let stdout = &run.step("Check readiness").stdout;
    assert!(
        lowered(&run, "the tier is lowered since HEAD~1"),
        "{stdout}"
    );
    assert!(lowered(&run, "lowered from `prod`"), "{stdout}");

    let run = fx.job.run_action(&action, &r#ref, &[("now", NOW)]).unwrap();
    assert!(run.success, "{}", run.log());
    let stdout = &run.step("Check readiness").stdout;
    assert!(!lowered(&run, "the tier is lowered"), "{stdout}");
    assert!(lowered(&run, "lowered from `prod`"), "{stdout}");

    let missing = "0123456789abcdef0123456789abcdef01234567";
    let run = fx
        .job
        .run_action(&action, &r#ref, &[("now", NOW), ("base", missing)])
        .unwrap();
    assert!(!run.success, "{}", run.log());
    assert_eq!(
        run.step("Verdict").outcome,
        Outcome::Failure(2),
        "{}",
        run.log()
    );
    assert!(
        run.step("Check readiness")
            .stderr
            .contains(&format!("git fetch origin {missing}")),
        "{}",
        run.log()
    );
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
