//! The built-in items' rules evaluated directly on manifest fragments, including values the
//! schema would reject first (`"@alice "`, `role: Engineering`): the rules themselves must not
//! be fooled by them either.

use std::path::Path;
use std::sync::Arc;

use super::{builtin, eval};
use crate::expr::Scope;
use crate::report::{Finding, Outcome};
use crate::source::SourceFile;

/// Findings of one built-in item over a YAML manifest fragment (stage prod, no evidence).
fn item(checklist: &str, id: &str, yaml: &str) -> Vec<Finding> {
    let src = SourceFile::new(Path::new("m.yaml"), "m.yaml".into(), yaml.into());
    let doc = crate::yaml::parse(&src, &crate::yaml::Limits::default()).unwrap();
    let json = doc.to_json();
    let scope = Arc::new(Scope::bare("2026-11-25".parse().unwrap()));
    // The evidence of a manifest that names no file and sits in no repository.
    let evidence = serde_json::to_value(crate::evidence::Facts::default()).unwrap();
    let env = eval::Env::new(scope, &json, &evidence, "prod");
    let subject = eval::Subject {
        doc: &doc,
        json: &json,
        src: &src,
        stage: "prod",
    };
    let list = builtin(checklist).unwrap();
    eval::evaluate(&list, &subject, &env)
        .into_iter()
        .filter(|f| *f.item == *id)
        .collect()
}

fn failed(findings: &[Finding]) -> Vec<(u32, String)> {
    findings
        .iter()
        .filter(|f| f.outcome == Outcome::Fail)
        .map(|f| {
            (
                f.location.as_ref().map_or(0, |l| l.line),
                f.message.to_string(),
            )
        })
        .collect()
}

#[test]
fn one_person_in_two_spellings_is_one_owner() {
    for (primary, secondary) in [
        ("@Alice", "@alice "),
        ("@alice", "@ALICE"),
        (" @alice", "@Alice"),
        ("@acme/Oncall", "@ACME/oncall"),
    ] {
        let yaml =
            format!("owners:\n  team: t\n  primary: \"{primary}\"\n  secondary: \"{secondary}\"\n");
        let got = failed(&item("launch", "LAUNCH-OWNERS", &yaml));
        assert_eq!(got.len(), 1, "{primary} / {secondary}: {got:?}");
        assert_eq!(got[0].0, 4);
        assert!(got[0].1.contains("is the primary owner"), "{}", got[0].1);
    }
    let ok = item(
        "launch",
        "LAUNCH-OWNERS",
        "owners: { team: t, primary: \"@alice\", secondary: \"@alicia\" }\n",
    );
    assert_eq!(ok[0].outcome, Outcome::Pass);
}

#[test]
fn the_engineering_signer_is_no_stakeholder() {
    let signoffs = |second: &str| {
        format!(
            "signoffs:\n  - {{ role: engineering, by: \"@alice\", date: 2026-11-12 }}\n  - {second}\n"
        )
    };
    for second in [
        "{ role: support, by: \"@Alice\", date: 2026-11-12 }",
        "{ role: support, by: \"@alice \", date: 2026-11-12 }",
        "{ role: product, by: \" @ALICE\", date: 2026-11-12 }",
    ] {
        let got = failed(&item("production", "PROD-SIGNOFF", &signoffs(second)));
        assert_eq!(got.len(), 1, "{second}: {got:?}");
        assert_eq!(got[0].0, 3, "{second}");
        assert!(
            got[0].1.contains("who signed off engineering (@alice)"),
            "{}",
            got[0].1
        );
    }
    // `Engineering` is engineering: it is no stakeholder outside engineering.
    let got = failed(&item(
        "production",
        "PROD-SIGNOFF",
        "signoffs:\n  - { role: engineering, by: \"@alice\", date: 2026-11-12 }\n  - { role: Engineering, by: \"@bob\", date: 2026-11-12 }\n",
    ));
    assert_eq!(
        got,
        [(
            1,
            "no stakeholder outside engineering has signed off (product, support, security, ...): engineering under another name (`sre`, `dev`, `platform`, ...) and the `review` sign-off do not count".into()
        )]
    );
    // Engineering under another name, or the independent review, is no stakeholder either.
    for role in ["sre", "dev", "review", "devops", "tech-lead", "platform"] {
        let got = failed(&item(
            "production",
            "PROD-SIGNOFF",
            &format!(
                "signoffs:\n  - {{ role: engineering, by: \"@alice\", date: 2026-11-12 }}\n  - {{ role: {role}, by: \"@bob\", date: 2026-11-12 }}\n"
            ),
        ));
        assert_eq!(got.len(), 1, "{role}: {got:?}");
        assert_eq!(got[0].0, 1, "{role}");
    }
    for role in ["support", "product", "security", "legal"] {
        let ok = item(
            "production",
            "PROD-SIGNOFF",
            &format!(
                "signoffs:\n  - {{ role: engineering, by: \"@alice\", date: 2026-11-12 }}\n  - {{ role: {role}, by: \"@bob\", date: 2026-11-12 }}\n"
            ),
        );
        assert!(
            ok.iter().all(|f| f.outcome == Outcome::Pass),
            "{role}: {ok:?}"
        );
    }
    let ok = item(
        "production",
        "PROD-SIGNOFF",
        &signoffs("{ role: support, by: \"@carol\", date: 2026-11-12 }"),
    );
    assert_eq!(ok[0].outcome, Outcome::Pass, "{ok:?}");
}

#[test]
fn the_launch_review_comes_from_outside_its_authors() {
    let manifest = |reviewer: &str| {
        format!(
            "owners: {{ team: t, primary: \"@alice\", secondary: \"@bob\" }}\nsignoffs:\n  - {{ role: engineering, by: \"@erin\", date: 2026-11-12 }}\n  - {{ role: review, by: \"{reviewer}\", date: 2026-11-14 }}\n"
        )
    };
    for (reviewer, who) in [
        ("@Alice", "the primary owner"),
        ("@BOB ", "the secondary owner"),
        ("@Erin", "who signed off engineering"),
    ] {
        let got = failed(&item("launch", "LAUNCH-REVIEW", &manifest(reviewer)));
        assert_eq!(got.len(), 1, "{reviewer}: {got:?}");
        assert_eq!(got[0].0, 4, "{reviewer}");
        assert!(
            got[0]
                .1
                .starts_with(&format!("the review is signed off by {reviewer}, {who}:")),
            "{}",
            got[0].1
        );
    }
    let ok = item("launch", "LAUNCH-REVIEW", &manifest("@dana"));
    assert_eq!(ok[0].outcome, Outcome::Pass, "{ok:?}");
}

#[test]
fn response_slas_do_not_get_slower_with_severity() {
    let sla = |slas: &str| {
        format!(
            "owners:\n  escalation:\n    - {{ level: 1, contact: x, after: 0m }}\n  response_sla:\n{slas}"
        )
    };
    let cases = [
        (
            "    sev1: 2h\n    sev2: 1h\n",
            6,
            "the sev2 response SLA (1h) is faster than the sev1 SLA (2h)",
        ),
        (
            "    sev1: 15m\n    sev2: 1h\n    sev3: 30m\n",
            7,
            "the sev3 response SLA (30m) is faster than the sev2 SLA (1h)",
        ),
        (
            "    sev1: 1h\n    sev3: 30m\n",
            6,
            "the sev3 response SLA (30m) is faster than the sev1 SLA (1h)",
        ),
        (
            "    sev1: 1d\n    sev2: 1h\n    sev3: 30m\n",
            6,
            "the sev2 response SLA (1h) is faster than the sev1 SLA (1d)",
        ),
    ];
    for (slas, line, message) in cases {
        let got = failed(&item("production", "PROD-SLA", &sla(slas)));
        assert!(!got.is_empty(), "{slas}");
        assert_eq!(got[0].0, line, "{slas}: {got:?}");
        assert!(got[0].1.starts_with(message), "{slas}: {}", got[0].1);
    }
    for slas in [
        "    sev1: 15m\n    sev2: 1h\n    sev3: 1d\n",
        "    sev1: 60m\n    sev2: 1h\n",
        "    sev1: 15m\n",
    ] {
        let got = item("production", "PROD-SLA", &sla(slas));
        assert_eq!(got[0].outcome, Outcome::Pass, "{slas}: {got:?}");
    }
}

#[test]
fn escalation_levels_and_delays_increase() {
    let path = |levels: &str| format!("owners:\n  escalation:\n{levels}");
    for (levels, line) in [
        (
            "    - { level: 1, contact: a, after: 0m }\n    - { level: 1, contact: b, after: 15m }\n",
            4,
        ),
        (
            "    - { level: 2, contact: a, after: 0m }\n    - { level: 1, contact: b, after: 15m }\n",
            3,
        ),
        (
            "    - { level: 1, contact: a, after: 15m }\n    - { level: 2, contact: b, after: 15m }\n",
            4,
        ),
        (
            "    - { level: 1, contact: a, after: 1h }\n    - { level: 2, contact: b, after: 60m }\n",
            4,
        ),
    ] {
        let got = failed(&item("launch", "LAUNCH-ESCALATION", &path(levels)));
        assert!(!got.is_empty(), "{levels}");
        assert_eq!(got[0].0, line, "{levels}: {got:?}");
    }
}

/// A risk of one-word fields names a topic, not a plan; three words of each pass (punctuation
/// alone is no word). An item reports its first failing rule, so the failure mode first.
#[test]
fn a_risk_needs_words_not_a_topic() {
    let risk = |mode: &str, mitigation: &str| {
        format!(
            "risks:\n  - id: R1\n    failure_mode: \"{mode}\"\n    mitigation: \"{mitigation}\"\n    owner: \"@bob\"\n    dependency: the CI runners\n"
        )
    };
    for (mode, mitigation, lines) in [
        ("outage", "rollback", vec![3]),
        ("the job stalls", "rollback", vec![4]),
        ("outage", "page on-call first", vec![3]),
        ("the job stalls", "monitoring - -", vec![4]),
        ("the job stalls", "alert pages on-call", vec![]),
    ] {
        let got = failed(&item("launch", "LAUNCH-RISKS", &risk(mode, mitigation)));
        let at: Vec<u32> = got.iter().map(|(line, _)| *line).collect();
        assert_eq!(at, lines, "{mode} / {mitigation}: {got:?}");
    }
    let got = failed(&item(
        "launch",
        "LAUNCH-RISKS",
        &risk("the job stalls", "rollback"),
    ));
    assert_eq!(
        got[0].1,
        "risk R1's mitigation is \"rollback\": 1 word(s) name a tool, not what is done; say what limits the risk or who watches for it, and how (at least 3 words)"
    );
}

/// What `launchgate explain ITEM` shows as an example passes the item's own rules, but those
/// that read the files it names (which an example cannot carry): a user who copies it gets no
/// failure the example itself causes. PROD-SLA's example once set the SLA without the
/// escalation level the item asks to be engaged within it.
#[test]
fn each_example_passes_its_item_but_for_the_files_it_names() {
    // Items whose examples name files this test does not write, and what their failures
    // are about then.
    let reads_files = [
        ("PROD-SUPPORT-RUNBOOK", "runbook"),
        ("PROD-ROLLBACK-TESTED", "runbook"),
        ("PROD-ROLLBACK-5MIN", "runbook"),
        ("PROD-INCIDENT-RESPONSE", "runbook"),
        ("PROD-BACKUP-RESTORE", "runbook"),
        ("LAUNCH-RUNBOOKS", "runbook"),
        (
            "LAUNCH-DASHBOARDS",
            "as its dashboard, and no panel there queries it",
        ),
    ];
    let mut shown = 0;
    for list in ["production", "launch"] {
        for it in &builtin(list).unwrap().items {
            let Some(example) = &it.example else { continue };
            shown += 1;
            let got = failed(&item(list, &it.id, example));
            if let Some((_, about)) = reads_files.iter().find(|(id, _)| *id == it.id) {
                assert!(
                    got.iter().all(|(_, m)| m.contains(about)),
                    "{}: {got:?}",
                    it.id
                );
            } else {
                assert!(got.is_empty(), "{}'s example fails it: {got:?}", it.id);
            }
        }
    }
    assert!(shown >= 18, "{shown} examples");
}
