//! The repository policy (`.launchgate.yaml`) end to end: required checklists cannot be
//! dropped by the manifest being checked, custom policies, broken policies, the `--checklist`
//! override in the report, the repository root as the search limit, and `init`.

mod common;

use std::path::Path;

use common::{NOW, example_with, failures, git, launchgate, line_of, write_tree};
use serde_json::Value;

/// A fresh git repository holding `files`.
fn repo(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    git(dir.path(), &["init", "-q"]);
    write_tree(dir.path(), files);
    dir
}

/// `check --format json` from `dir` (so displayed paths are relative to it).
fn check_in(dir: &Path, extra: &[&str]) -> (i32, Value, String) {
    let out = launchgate()
        .current_dir(dir)
        .args(["check", ".", "--format", "json", "--now", NOW])
        .args(extra)
        .output()
        .unwrap();
    let report = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
    (
        out.status.code().unwrap(),
        report,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// (item, outcome, message) of every LG-POLICY finding.
fn policy_findings(report: &Value) -> Vec<(String, String)> {
    report["manifests"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["item"] == "LG-POLICY")
        .map(|f| {
            (
                f["outcome"].as_str().unwrap().to_string(),
                f["message"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// (name, source, required_by) of a manifest's applied (or `not_applied`) checklists.
fn applied(report: &Value, key: &str) -> Vec<(String, String, String)> {
    report["manifests"][0][key]
        .as_array()
        .into_iter()
        .flatten()
        .map(|c| {
            (
                c["name"].as_str().unwrap().to_string(),
                c["source"].as_str().unwrap().to_string(),
                c["required_by"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

fn triple(a: &str, b: &str, c: &str) -> (String, String, String) {
    (a.into(), b.into(), c.into())
}

const PROD_NO_CHECKLISTS: &str =
    "version: 1\nservice: { name: svc, tier: 1, stage: prod }\nchecklists: []\n";

const TEAM_CHECKLIST: &str = "version: 1\nname: team\ntitle: Team rules\nitems:\n  - id: TEAM-DESCRIBED\n    title: Service described\n    severity: error\n    why: w\n    fix: f\n    require:\n      - { rule: 'has(manifest.service.description)', at: service, message: 'no description' }\n";

/// (a) A prod manifest cannot switch its checks off with `checklists: []`.
#[test]
fn a_prod_manifest_with_no_checklists_fails_lg_policy_at_the_checklists_key() {
    let dir = repo(&[("readiness.yaml", PROD_NO_CHECKLISTS)]);
    let (code, report, stderr) = check_in(dir.path(), &[]);
    assert_eq!(code, 1, "{stderr}");
    assert!(common::report_schema_errors(&report).is_empty());
    let located: Vec<(u64, u64, String)> = report["manifests"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["item"] == "LG-POLICY" && f["outcome"] == "fail")
        .map(|f| {
            (
                f["location"]["line"].as_u64().unwrap(),
                f["location"]["column"].as_u64().unwrap(),
                f["message"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    // The default policy requires both built-ins for stage prod; `checklists` is line 3, column 1.
    assert_eq!(
        located,
        [
            (
                3,
                1,
                "`checklists` leaves out `launch`, which the default policy requires for stage prod"
                    .to_string()
            ),
            (
                3,
                1,
                "`checklists` leaves out `production`, which the default policy requires for stage prod"
                    .to_string()
            ),
        ]
    );
    // The required checklists still run: their items fail on this empty manifest.
    let items: Vec<String> = failures(&report).into_iter().map(|f| f.0).collect();
    assert!(items.iter().any(|i| i == "PROD-MONITORING"), "{items:?}");
    assert!(items.iter().any(|i| i == "LAUNCH-OWNERS"), "{items:?}");
    assert_eq!(
        applied(&report, "checklists"),
        [
            triple("production", "policy", "default policy"),
            triple("launch", "policy", "default policy")
        ]
    );
    // A core item: a waiver for it is itself a failure, and LG-POLICY still fails.
    let waived = format!(
        "{PROD_NO_CHECKLISTS}waivers:\n  - {{ item: LG-POLICY, reason: \"drill moved to December\", approved_by: \"@lead\", granted: 2026-11-20, expires: 2026-12-01 }}\n"
    );
    std::fs::write(dir.path().join("readiness.yaml"), waived).unwrap();
    let (code, report, _) = check_in(dir.path(), &[]);
    assert_eq!(code, 1);
    let got = failures(&report);
    assert!(
        got.iter()
            .any(|(i, _, m)| i == "LG-WAIVER" && m.contains("cannot be waived")),
        "{got:#?}"
    );
    assert_eq!(got.iter().filter(|(i, ..)| i == "LG-POLICY").count(), 2);
}

/// (b) Adding a checklist is fine; dropping a required one fails and it is applied anyway.
#[test]
fn a_manifest_may_add_checklists_but_not_drop_required_ones() {
    let extra = "version: 1\nname: extra\ntitle: Extra\nitems:\n  - id: EXTRA-TIER\n    title: Tier set\n    severity: error\n    why: w\n    fix: f\n    require:\n      - { rule: 'has(manifest.service.tier)', at: service, message: 'no tier' }\n";
    let dir = example_with(|t| {
        t.replacen(
            "checklists: [production, launch]",
            "checklists: [production, launch, extra.yaml]",
            1,
        )
    });
    std::fs::write(dir.path().join("extra.yaml"), extra).unwrap();
    let (code, report, stderr) = check_in(dir.path(), &[]);
    assert_eq!(code, 0, "{stderr}{:#?}", failures(&report));
    assert_eq!(
        policy_findings(&report),
        [(
            "pass".to_string(),
            "the required checklists are applied: `production`, `launch` (default policy)"
                .to_string()
        )]
    );
    assert_eq!(
        applied(&report, "checklists"),
        [
            triple("production", "policy", "default policy"),
            triple("launch", "policy", "default policy"),
            triple("extra", "manifest", "")
        ]
    );

    // Dropping `launch` fails at `checklists`, and launch's items still run: the duplicated
    // secondary owner fails LAUNCH-OWNERS although the manifest no longer lists `launch`.
    let dir = example_with(|t| {
        t.replacen(
            "checklists: [production, launch]",
            "checklists: [production]",
            1,
        )
        .replacen("secondary: \"@bob\"", "secondary: \"@alice\"", 1)
    });
    let text = std::fs::read_to_string(dir.path().join("readiness.yaml")).unwrap();
    let (code, report, _) = check_in(dir.path(), &[]);
    assert_eq!(code, 1);
    let mut got = failures(&report);
    got.sort();
    assert_eq!(
        got,
        [
            (
                "LAUNCH-OWNERS".to_string(),
                line_of(&text, "secondary: \"@alice\""),
                "the secondary owner @alice is the primary owner @alice (handles ignore case and surrounding spaces); name someone else".to_string()
            ),
            (
                "LG-POLICY".to_string(),
                line_of(&text, "checklists: [production]"),
                "`checklists` leaves out `launch`, which the default policy requires for stage prod"
                    .to_string()
            ),
        ]
    );
}

/// (c) A repository policy can require its own checklist file, by tier.
#[test]
fn a_custom_policy_requires_a_user_checklist_by_tier() {
    let policy = "version: 1\nrequire:\n  - checklists: [policies/team.yaml]\n    when: { tier: [1] }\n    description: team rules for tier 1\n";
    let dir = repo(&[
        (".launchgate.yaml", policy),
        ("policies/team.yaml", TEAM_CHECKLIST),
        ("svc/readiness.yaml", PROD_NO_CHECKLISTS),
    ]);
    let (code, report, stderr) = check_in(dir.path(), &[]);
    assert_eq!(code, 1, "{stderr}");
    let mut got = failures(&report);
    got.sort();
    assert_eq!(
        got,
        [
            (
                "LG-POLICY".to_string(),
                3,
                "`checklists` leaves out `team`, which the policy rule at .launchgate.yaml:3 requires for stage prod (team rules for tier 1)".to_string()
            ),
            ("TEAM-DESCRIBED".to_string(), 2, "no description".to_string()),
        ]
    );
    // The custom policy replaces the default: the built-ins are not required here.
    assert_eq!(
        applied(&report, "checklists"),
        [triple("team", "policy", ".launchgate.yaml:3")]
    );
    let finding = report["manifests"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["item"] == "LG-POLICY")
        .unwrap();
    assert_eq!(
        finding["related"][0]["location"]["file"],
        ".launchgate.yaml"
    );
    assert_eq!(finding["related"][0]["location"]["line"], 3);

    // Tier 2: the rule does not match, nothing is required.
    let tier2 = PROD_NO_CHECKLISTS.replace("tier: 1", "tier: 2");
    std::fs::write(dir.path().join("svc/readiness.yaml"), &tier2).unwrap();
    let (code, report, _) = check_in(dir.path(), &[]);
    assert_eq!(code, 0, "{:#?}", failures(&report));
    // No tier: it matches every tier, so the rule applies.
    let untiered = PROD_NO_CHECKLISTS.replace("tier: 1, ", "");
    std::fs::write(dir.path().join("svc/readiness.yaml"), &untiered).unwrap();
    let (code, report, _) = check_in(dir.path(), &[]);
    assert_eq!(code, 1);
    assert!(failures(&report).iter().any(|(i, ..)| i == "LG-POLICY"));
    // Listing the same file (relative to the manifest) and satisfying it passes.
    let listed = "version: 1\nservice: { name: svc, tier: 1, stage: prod, description: A service. }\nchecklists: [../policies/team.yaml]\n";
    std::fs::write(dir.path().join("svc/readiness.yaml"), listed).unwrap();
    let (code, report, _) = check_in(dir.path(), &[]);
    assert_eq!(code, 0, "{:#?}", failures(&report));
    assert_eq!(
        policy_findings(&report),
        [(
            "pass".to_string(),
            "the required checklists are applied: `team` (.launchgate.yaml)".to_string()
        )]
    );
}

/// (d) A policy that is not YAML, fails its schema or names an unknown checklist stops the
/// run (exit 2), located in `.launchgate.yaml`.
#[test]
fn a_broken_policy_is_a_located_error_with_exit_2() {
    let cases: &[(&str, &str, &str)] = &[
        (
            "version: 1\nversion: 1\nrequire: []\n",
            ".launchgate.yaml:2:1",
            "duplicate key",
        ),
        (
            "version: 1\nrequire:\n  - checklists: [production]\n    when: { stage: [production] }\n",
            ".launchgate.yaml:4:21",
            "not an allowed value",
        ),
        (
            "version: 1\nrequire:\n  - checklists: [production]\n    when: { stages: [prod] }\n",
            ".launchgate.yaml:4:13",
            "unknown key `stages`",
        ),
        (
            "version: 1\nrequire:\n  - checklists: [production, prodution]\n",
            ".launchgate.yaml:3:30",
            "unknown checklist `prodution`",
        ),
        (
            "version: 1\nrequire:\n  - checklists: [team.yaml]\n",
            ".launchgate.yaml:3:18",
            "checklist file `team.yaml` does not exist",
        ),
        (
            "version: !custom 1\nrequire: []\n",
            ".launchgate.yaml:1:10",
            "tag",
        ),
    ];
    for (policy, at, message) in cases {
        let dir = repo(&[
            (".launchgate.yaml", policy),
            (
                "readiness.yaml",
                "version: 1\nservice: { name: svc, stage: poc }\nchecklists: []\n",
            ),
        ]);
        let (code, _, stderr) = check_in(dir.path(), &[]);
        assert_eq!(code, 2, "{policy}: {stderr}");
        assert!(stderr.contains("invalid policy"), "{policy}: {stderr}");
        assert!(stderr.contains(at), "{policy}: expected {at} in {stderr}");
        assert!(
            stderr.contains(message),
            "{policy}: expected {message} in {stderr}"
        );
    }
}

/// Files outside the repository are not read through what the repository says: a checklist a
/// manifest or a policy names (`..`, an absolute path, a symlink out) and a policy file that
/// is a symlink out. Read, their text would reach the output in a parse error's snippet, so a
/// pull request could print the CI machine's files into its own annotations. The secret's text
/// must appear in no output, and each case names what it refused.
#[cfg(unix)]
#[test]
fn nothing_outside_the_repository_is_read_through_a_manifest_or_policy() {
    let (_outside, secret, climb) =
        common::secret_outside("secret.yaml", "SECRET_TOKEN=ghp_not_for_the_logs: [\n");
    let manifest = |list: &str| {
        format!("version: 1\nservice: {{ name: svc, stage: poc }}\nchecklists: [{list}]\n")
    };
    let policy =
        |reference: &str| format!("version: 1\nrequire:\n  - checklists: [\"{reference}\"]\n");
    /// Where the secret is reached from, and what the run must do.
    struct Case {
        manifest: String,
        policy: Option<String>,
        /// `leak.yaml` is a symlink to the secret.
        leak: bool,
        /// `.launchgate.yaml` is a symlink to the secret.
        policy_leak: bool,
        code: i32,
        says: &'static str,
    }
    let case = |manifest: String, policy: Option<String>, code: i32, says: &'static str| Case {
        manifest,
        policy,
        leak: false,
        policy_leak: false,
        code,
        says,
    };
    let cases = [
        case(manifest(&climb), None, 1, "leaves"),
        case(manifest(&secret), None, 1, "absolute"),
        Case {
            leak: true,
            ..case(manifest("leak.yaml"), None, 1, "outside")
        },
        case(manifest(""), Some(policy(&climb)), 2, "outside"),
        case(manifest(""), Some(policy(&secret)), 2, "absolute"),
        Case {
            leak: true,
            ..case(manifest(""), Some(policy("leak.yaml")), 2, "outside")
        },
        Case {
            policy_leak: true,
            ..case(manifest(""), None, 2, "outside")
        },
    ];
    for (i, c) in cases.iter().enumerate() {
        let dir = repo(&[("readiness.yaml", &c.manifest)]);
        if let Some(policy) = &c.policy {
            std::fs::write(dir.path().join(".launchgate.yaml"), policy).unwrap();
        }
        if c.leak {
            std::os::unix::fs::symlink(&secret, dir.path().join("leak.yaml")).unwrap();
        }
        if c.policy_leak {
            std::os::unix::fs::symlink(&secret, dir.path().join(".launchgate.yaml")).unwrap();
        }
        for format in ["human", "json", "github", "sarif"] {
            let out = launchgate()
                .current_dir(dir.path())
                .args([
                    "check", ".", "--now", NOW, "--color", "never", "--format", format,
                ])
                .output()
                .unwrap();
            let all = common::all_output(&out);
            assert_eq!(
                out.status.code(),
                Some(c.code),
                "case {i} ({format}): {all}"
            );
            assert!(
                !all.contains("ghp_not_for_the_logs"),
                "case {i} ({format}) leaked: {all}"
            );
            assert!(all.contains(c.says), "case {i} ({format}): {all}");
        }
    }
}

/// (e) `--checklist` replaces the effective set for the run, and the report shows it.
#[test]
fn the_checklist_override_is_shown_in_the_report() {
    let dir = repo(&[
        ("readiness.yaml", PROD_NO_CHECKLISTS),
        ("team.yaml", TEAM_CHECKLIST),
    ]);
    let (code, report, stderr) = check_in(dir.path(), &["--checklist", "team.yaml"]);
    // Only `team` runs; the manifest has no description, so it fails, and LG-POLICY is not
    // evaluated: the person running launchgate chose the checklists.
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(
        failures(&report),
        [(
            "TEAM-DESCRIBED".to_string(),
            2,
            "no description".to_string()
        )]
    );
    assert!(policy_findings(&report).is_empty());
    assert_eq!(
        applied(&report, "checklists"),
        [triple("team", "command-line", "")]
    );
    assert_eq!(
        report["manifests"][0]["checklists"][0]["origin"],
        "team.yaml"
    );
    assert_eq!(
        applied(&report, "not_applied"),
        [
            triple("production", "policy", "default policy"),
            triple("launch", "policy", "default policy")
        ]
    );
    let errors = common::report_schema_errors(&report);
    assert!(errors.is_empty(), "{errors:?}");

    let out = launchgate()
        .current_dir(dir.path())
        .args([
            "check",
            ".",
            "--quiet",
            "--now",
            NOW,
            "--checklist",
            "team.yaml",
            "--checklist",
            "launch",
        ])
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        stdout.contains(
            "  note: --checklist overrides the repository policy and the manifest: applied team, launch; required but not applied: production (default policy)\n"
        ),
        "{stdout}"
    );
    // Without the override there is no note.
    let out = launchgate()
        .current_dir(dir.path())
        .args(["check", ".", "--now", NOW])
        .output()
        .unwrap();
    assert!(
        !String::from_utf8(out.stdout)
            .unwrap()
            .contains("note: --checklist")
    );
}

/// (f) A policy above the repository root belongs to something else and is not read.
#[test]
fn a_policy_above_the_repository_root_is_not_used() {
    let outer = tempfile::tempdir().unwrap();
    // Broken on purpose: reading it would stop the run with exit 2.
    write_tree(outer.path(), &[(".launchgate.yaml", "require: [\n")]);
    let inner = outer.path().join("repo");
    std::fs::create_dir_all(&inner).unwrap();
    git(&inner, &["init", "-q"]);
    write_tree(
        &inner,
        &[(
            "readiness.yaml",
            "version: 1\nservice: { name: svc, stage: prod }\nchecklists: [production]\n",
        )],
    );
    let (code, report, stderr) = check_in(&inner, &[]);
    assert_eq!(code, 1, "{stderr}");
    // The default policy applies instead: `launch` is required for prod.
    let got = failures(&report);
    assert!(
        got.iter().any(|(i, l, m)| i == "LG-POLICY"
            && *l == 3
            && m.ends_with("`launch`, which the default policy requires for stage prod")),
        "{got:#?}"
    );
    // Outside a repository the walk goes on up, and the same file is read.
    let plain = outer.path().join("plain");
    write_tree(
        &plain,
        &[(
            "readiness.yaml",
            "version: 1\nservice: { name: svc, stage: poc }\nchecklists: []\n",
        )],
    );
    let (code, _, stderr) = check_in(&plain, &[]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("invalid policy"), "{stderr}");
}

/// (g) Nothing is required at stage poc by default.
#[test]
fn a_poc_manifest_without_checklists_passes_the_default_policy() {
    let dir = repo(&[(
        "readiness.yaml",
        "version: 1\nservice: { name: svc, stage: poc }\nchecklists: []\n",
    )]);
    let (code, report, stderr) = check_in(dir.path(), &[]);
    assert_eq!(code, 0, "{stderr}{report:#}");
    assert_eq!(
        policy_findings(&report),
        [(
            "pass".to_string(),
            "no checklist is required for stage poc (default policy)".to_string()
        )]
    );
    assert!(report["manifests"][0].get("checklists").is_none());
}

#[test]
fn explain_covers_lg_policy() {
    launchgate()
        .args(["explain", "LG-POLICY"])
        .assert()
        .code(0)
        .stdout(predicates::str::contains(
            "Who is checked must not decide what is checked",
        ))
        .stdout(predicates::str::contains("cannot be waived"));
}

/// `init` in a repository writes the default policy at the repository root, once.
#[test]
fn init_writes_the_default_policy_at_the_repository_root_once() {
    let dir = repo(&[]);
    let api = dir.path().join("services/api");
    launchgate().arg("init").arg(&api).assert().code(0);
    let policy = dir.path().join(".launchgate.yaml");
    let text = std::fs::read_to_string(&policy).unwrap();
    assert_eq!(text, launchgate::policy::DEFAULT_TEXT);
    assert!(!api.join(".launchgate.yaml").exists());
    // It validates against its schema.
    let src = launchgate::source::SourceFile::new(&policy, "p".into(), text.clone());
    let doc = launchgate::yaml::parse(&src, &launchgate::yaml::Limits::default()).unwrap();
    let v = launchgate::schema::Schema::get(launchgate::schema::Which::Policy)
        .validate(&doc, &doc.to_json());
    assert!(v.is_empty(), "{v:?}");
    // A second service keeps it, even with --force.
    std::fs::write(&policy, "version: 1\nrequire: []\n").unwrap();
    let web = dir.path().join("services/web");
    launchgate()
        .arg("init")
        .arg(&web)
        .arg("--force")
        .assert()
        .code(0)
        .stdout(predicates::str::contains("kept the repository policy"));
    assert_eq!(
        std::fs::read_to_string(&policy).unwrap(),
        "version: 1\nrequire: []\n"
    );
    assert!(!web.join(".launchgate.yaml").exists());
}

/// `init` never writes through a symlink a repository holds: a dangling `readiness.yaml` or
/// `.launchgate.yaml` link counts as a file that is there (a plain write would create its
/// target, anywhere), and `--force` refuses to replace one.
#[cfg(unix)]
#[test]
fn init_never_writes_through_a_symlink() {
    let outside = tempfile::tempdir().unwrap();
    for (link, force) in [
        ("readiness.yaml", false),
        ("readiness.yaml", true),
        ("runbooks/rollback.md", true),
        (".launchgate.yaml", false),
    ] {
        let dir = repo(&[]);
        let target = outside
            .path()
            .join(format!("planted-{}", link.replace('/', "-")));
        let at = dir.path().join(link);
        std::fs::create_dir_all(at.parent().unwrap()).unwrap();
        std::os::unix::fs::symlink(&target, &at).unwrap();
        let mut cmd = launchgate();
        cmd.arg("init").arg(dir.path());
        if force {
            cmd.arg("--force");
        }
        let out = cmd.output().unwrap();
        let all = common::all_output(&out);
        assert!(
            !target.exists(),
            "{link} (force {force}): wrote outside: {all}"
        );
        assert_ne!(out.status.code(), Some(0), "{link} (force {force}): {all}");
        assert!(
            all.contains(link.rsplit('/').next().unwrap()),
            "{link}: {all}"
        );
    }
}

/// `--changed-since` rechecks the manifests a changed policy governs.
#[test]
fn changed_since_includes_manifests_whose_policy_changed() {
    let dir = repo(&[
        (".launchgate.yaml", "version: 1\nrequire: []\n"),
        (
            "svc/readiness.yaml",
            "version: 1\nservice: { name: svc, stage: prod }\nchecklists: []\n",
        ),
    ]);
    git(dir.path(), &["add", "."]);
    git(dir.path(), &["commit", "-q", "-m", "one"]);
    let (code, report, stderr) = check_in(dir.path(), &["--changed-since", "HEAD"]);
    assert_eq!(
        (code, report["summary"]["manifests"].as_u64()),
        (0, Some(0)),
        "{stderr}"
    );
    std::fs::write(
        dir.path().join(".launchgate.yaml"),
        "version: 1\nrequire:\n  - checklists: [launch]\n",
    )
    .unwrap();
    let (code, report, _) = check_in(dir.path(), &["--changed-since", "HEAD"]);
    assert_eq!(report["summary"]["manifests"], 1);
    assert_eq!(code, 1);
    assert!(failures(&report).iter().any(|(i, ..)| i == "LG-POLICY"));
}

/// A `.launchgate.yaml` beside the manifest is written by the people it checks: it adds
/// requirements to the root's policy (or the default), never takes them away.
#[test]
fn a_policy_nearer_the_manifest_adds_and_never_removes() {
    // No root policy: the default applies, and the service's own `require: []` drops nothing.
    let dir = repo(&[
        ("svc/readiness.yaml", PROD_NO_CHECKLISTS),
        ("svc/.launchgate.yaml", "version: 1\nrequire: []\n"),
    ]);
    let (code, report, stderr) = check_in(dir.path(), &[]);
    assert_eq!(code, 1, "{stderr}");
    let fails: Vec<String> = policy_findings(&report)
        .into_iter()
        .filter(|(o, _)| o == "fail")
        .map(|(_, m)| m)
        .collect();
    assert_eq!(
        fails,
        [
            "`checklists` leaves out `launch`, which the default policy requires for stage prod",
            "`checklists` leaves out `production`, which the default policy requires for stage prod"
        ]
    );

    // A root policy requiring `production`; the service's file adds its team checklist.
    let dir = repo(&[
        (
            ".launchgate.yaml",
            "version: 1\nrequire:\n  - checklists: [production]\n",
        ),
        (
            "svc/readiness.yaml",
            "version: 1\nservice: { name: svc, tier: 1, stage: prod }\nchecklists: [production]\n",
        ),
        (
            "svc/.launchgate.yaml",
            "version: 1\nrequire:\n  - checklists: [team.yaml]\n",
        ),
        ("svc/team.yaml", TEAM_CHECKLIST),
    ]);
    let (code, report, stderr) = check_in(dir.path(), &[]);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(
        applied(&report, "checklists"),
        [
            triple("production", "policy", ".launchgate.yaml:3"),
            triple("team", "policy", "svc/.launchgate.yaml:3"),
        ]
    );
    assert_eq!(
        policy_findings(&report),
        [(
            "fail".to_string(),
            "`checklists` leaves out `team`, which the policy rule at svc/.launchgate.yaml:3 requires for stage prod".to_string()
        )]
    );
}
