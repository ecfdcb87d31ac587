//! A run over more manifests than stay in memory writes the rest to a temporary file and reads
//! them back for each output: every format must come out exactly as from memory. What a run
//! remembers about repositories, policies and directories is forgotten between chunks: the
//! answers must not change either.

mod common;

use std::path::{Path, PathBuf};

use launchgate::check::{Options, run};
use launchgate::render::{self, Format, Style};

fn outputs(keep: usize, chunk: usize) -> Vec<String> {
    let paths: Vec<PathBuf> = [
        "examples/org",
        "examples/not-ready",
        "examples/dashboard-factory",
        "examples/checkout-service",
    ]
    .iter()
    .map(PathBuf::from)
    .collect();
    outputs_of(&paths, keep, chunk)
}

fn outputs_of(paths: &[PathBuf], keep: usize, chunk: usize) -> Vec<String> {
    let now = "2026-11-27T12:00:00Z".parse().unwrap();
    let report = run(
        paths,
        &Options {
            keep,
            chunk,
            ..Options::at(now)
        },
    )
    .unwrap();
    assert_eq!(report.manifests.read_error(), None);
    let mut out = vec![serde_json::to_string(&report.summary).unwrap()];
    for format in [
        Format::Human,
        Format::Json,
        Format::Sarif,
        Format::Github,
        Format::Junit,
        Format::Markdown,
    ] {
        for quiet in [false, true] {
            let style = Style {
                color: false,
                quiet,
                width: 100,
            };
            out.push(render::render(&report, format, style).unwrap());
        }
    }
    out
}

#[test]
fn results_past_the_memory_limit_render_as_from_memory() {
    let in_memory = outputs(usize::MAX, launchgate::check::CHUNK);
    // The run has failures, holds, waivers and passes in many manifests, so every kind of
    // finding goes through the file.
    let summary: serde_json::Value = serde_json::from_str(&in_memory[0]).unwrap();
    assert!(summary["manifests"].as_u64().unwrap() >= 10, "{summary}");
    for kind in ["failed", "waived", "passed"] {
        assert!(summary[kind].as_u64().unwrap() > 0, "no {kind}: {summary}");
    }
    // Small chunks hand each chunk's results over while the next is checked.
    for (keep, chunk) in [(0, 512), (1, 1), (7, 3), (usize::MAX, 2), (0, 5)] {
        let spilled = outputs(keep, chunk);
        for (i, (a, b)) in in_memory.iter().zip(&spilled).enumerate() {
            assert!(
                a == b,
                "output {i} differs with {keep} kept in memory, in chunks of {chunk}"
            );
        }
    }
}

/// Copies the example into `dir` (made a directory), its known-good release the repository's
/// tagged previous release, and commits it there.
fn add_example(repo: &Path, dir: &str) {
    let target = repo.join(dir);
    std::fs::create_dir_all(&target).unwrap();
    common::copy_dir(&common::root().join("examples/dashboard-factory"), &target);
    let manifest = target.join("readiness.yaml");
    let text = std::fs::read_to_string(&manifest).unwrap();
    let text: String = text
        .lines()
        .map(|l| match l.split_once("known_good: ") {
            Some((indent, _)) => format!("{indent}known_good: {}\n", common::PREVIOUS_RELEASE),
            None => format!("{l}\n"),
        })
        .collect();
    std::fs::write(&manifest, text).unwrap();
    common::git(repo, &["add", dir]);
    common::git(repo, &["commit", "-q", "-m", "another service"]);
}

#[test]
fn a_repository_forgotten_between_chunks_is_opened_again_alike() {
    // In path order: a manifest of the outer repository (`a-svc/`), one of a repository nested
    // in it (`m-inner/`), and the outer repository's own. In chunks of one manifest, the outer
    // repository, its CODEOWNERS and policy are forgotten while the nested one is checked,
    // and looked up again for the third.
    let outer = common::example_repo();
    let d = outer.path();
    add_example(d, "a-svc");
    let inner = d.join("m-inner");
    std::fs::create_dir(&inner).unwrap();
    common::copy_dir(&common::root().join("examples/dashboard-factory"), &inner);
    let text = common::tag_previous_release(&inner);
    std::fs::write(inner.join("readiness.yaml"), text).unwrap();
    common::git(&inner, &["commit", "-q", "-am", "this release"]);

    let paths = vec![d.to_path_buf()];
    let whole = outputs_of(&paths, usize::MAX, launchgate::check::CHUNK);
    let report: serde_json::Value = serde_json::from_str(&whole[3]).unwrap();
    let manifests = report["manifests"].as_array().unwrap();
    assert_eq!(manifests.len(), 3, "{report:#}");
    // Each manifest's git facts came from a repository: the known-good release resolves.
    for m in manifests {
        let known_good = m["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["item"] == "PROD-KNOWN-GOOD")
            .unwrap_or_else(|| panic!("{m:#}"));
        assert_eq!(known_good["outcome"], "pass", "{known_good:#}");
    }
    for (keep, chunk) in [(usize::MAX, 1), (0, 1), (1, 2)] {
        let again = outputs_of(&paths, keep, chunk);
        for (i, (a, b)) in whole.iter().zip(&again).enumerate() {
            assert!(
                a == b,
                "output {i} differs with {keep} kept in memory, in chunks of {chunk}"
            );
        }
    }
}

/// Diagnostics are drawn in batches of manifests across the cores: they must still come out
/// manifest by manifest in path order, every manifest's, as drawn one after another.
#[test]
fn diagnostics_of_many_manifests_come_out_in_path_order() {
    let t = tempfile::tempdir().unwrap();
    let copies = 70;
    for i in 0..copies {
        let dir = t.path().join(format!("svc-{i:03}"));
        common::copy_dir(&common::root().join("examples/not-ready"), &dir);
        // Each copy its own service, as copies in a real repository are (a repeated name is a
        // warning of its own, on every copy but the first).
        let manifest = dir.join("readiness.yaml");
        let text = std::fs::read_to_string(&manifest).unwrap();
        let renamed = text.replacen(
            "  name: report-builder\n",
            &format!("  name: report-{i:03}\n"),
            1,
        );
        assert_ne!(renamed, text);
        std::fs::write(&manifest, renamed).unwrap();
    }
    let out = common::launchgate()
        .args(["check", "--color", "never", "--now", "2026-11-27T12:00:00Z"])
        .arg(t.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    // Each diagnostic names its file, inside the copy it belongs to.
    let copies_named: Vec<usize> = text
        .lines()
        .filter_map(|l| l.split_once("╭─[").map(|(_, rest)| rest))
        .map(|rest| {
            let at = rest.find("svc-").expect("a copy's path") + 4;
            rest[at..at + 3].parse().unwrap()
        })
        .collect();
    assert!(
        copies_named.windows(2).all(|w| w[0] <= w[1]),
        "out of order: {copies_named:?}"
    );
    let mut distinct = copies_named.clone();
    distinct.dedup();
    assert_eq!(distinct, (0..copies).collect::<Vec<_>>());
    // The same number of diagnostics for every copy.
    assert_eq!(copies_named.len() % copies, 0);
    assert_eq!(
        copies_named.iter().filter(|&&c| c == copies - 1).count(),
        copies_named.len() / copies
    );
}
