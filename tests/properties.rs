//! Property tests over generated manifests: no panic, no pass when a required item fails,
//! and the JSON report round-trips.

use launchgate::render::{Format, Style};
use launchgate::report::{Outcome, Report, Severity, Verdict};
use proptest::prelude::*;
use serde_json::{Value, json};

fn pick<T: Clone + std::fmt::Debug + 'static>(items: &'static [T]) -> impl Strategy<Value = T> {
    proptest::sample::select(items)
}

const DATES: &[&str] = &[
    "2026-11-01",
    "2026-10-01",
    "2025-01-01",
    "2026-02-30",
    "2027-03-01",
    "not a date",
];
const HANDLES: &[&str] = &["@alice", "@bob", "@org/team", "alice", "@"];
const DURATIONS: &[&str] = &["0m", "15m", "1h", "1d", "soon", ""];
const PATHS: &[&str] = &[
    "runbooks/r.md",
    "missing.md",
    "../../etc/passwd",
    "/etc/passwd",
    "runbooks",
];
const ITEMS: &[&str] = &[
    "PROD-ROLLBACK-5MIN",
    "PROD-SIGNOFF",
    "LAUNCH-OWNERS",
    "LG-PATH",
    "BOGUS-ITEM",
];

const CHECKLISTS: &[&[&str]] = &[&[], &["production"], &["launch"], &["production", "launch"]];

fn opt<S: Strategy<Value = Value>>(s: S) -> impl Strategy<Value = Option<Value>> {
    proptest::option::weighted(0.7, s)
}

fn manifest() -> impl Strategy<Value = Value> {
    let service = (
        pick(&["svc", "Bad Name", "a"]),
        pick(&["poc", "mvp", "mmp", "prod", "ga"]),
        0i64..6,
    )
        .prop_map(|(n, s, t)| json!({"name": n, "stage": s, "tier": t}));
    let escalation = proptest::collection::vec(
        (0i64..4, pick(&["#oncall", "@lead"]), pick(DURATIONS))
            .prop_map(|(l, c, a)| json!({"level": l, "contact": c, "after": a})),
        0..4,
    );
    let owners = (pick(HANDLES), pick(HANDLES), pick(&["team", ""]), escalation, proptest::bool::ANY).prop_map(
        |(p, s, t, e, hours)| {
            let mut o = json!({"primary": p, "secondary": s, "team": t, "escalation": e, "response_sla": {"sev1": "15m"}});
            if hours {
                o["support_hours"] = json!("24x7");
            }
            o
        },
    );
    let rollback = (0.0f64..20.0, pick(DATES), pick(&["git-revert", "pray"]))
        .prop_map(|(m, d, s)| json!({"max_minutes": (m * 2.0).round() / 2.0 + 0.5, "last_tested": d, "strategy": s, "known_good": "v1"}));
    let signoffs = proptest::collection::vec(
        (
            pick(&["engineering", "support", "review", "Product"]),
            pick(HANDLES),
            pick(DATES),
        )
            .prop_map(|(r, b, d)| json!({"role": r, "by": b, "date": d})),
        0..4,
    );
    let runbooks = proptest::collection::btree_map(
        pick(&["rollback", "incident", "support", "comms", "Bad"]),
        pick(PATHS),
        0..5,
    )
    .prop_map(|m| json!(m));
    let waivers = proptest::collection::vec(
        (
            pick(ITEMS),
            pick(&["r", "restore drill moved to December"]),
            pick(DATES),
            pick(DATES),
        )
            .prop_map(|(i, r, g, e)| {
                json!({"item": i, "reason": r, "approved_by": "@lead", "granted": g, "expires": e})
            }),
        0..3,
    );
    let backup = (pick(DURATIONS), pick(DURATIONS), pick(DATES))
        .prop_map(|(a, b, d)| json!({"rpo": a, "rto": b, "last_restore_test": d}));
    let rehearsal = (pick(DATES), 0i64..3)
        .prop_map(|(d, f)| json!({"kind": "tabletop", "date": d, "findings_open": f}));
    (
        service,
        opt(owners),
        opt(rollback),
        opt(signoffs.prop_map(Value::from)),
        opt(runbooks),
        opt(waivers.prop_map(Value::from)),
        opt(backup),
        opt(rehearsal),
        proptest::option::weighted(0.1, pick(&["extra", "owner"])),
        opt(pick(CHECKLISTS).prop_map(|c| json!(c))),
    )
        .prop_map(
            |(
                service,
                owners,
                rollback,
                signoffs,
                runbooks,
                waivers,
                backup,
                rehearsal,
                extra,
                checklists,
            )| {
                let mut m = json!({"version": 1, "service": service});
                if let Some(c) = checklists {
                    m["checklists"] = c;
                }
                for (k, v) in [
                    ("owners", owners),
                    ("rollback", rollback),
                    ("signoffs", signoffs),
                    ("runbooks", runbooks),
                    ("waivers", waivers),
                    ("backup", backup),
                    ("rehearsal", rehearsal),
                ] {
                    if let Some(v) = v {
                        m[k] = v;
                    }
                }
                if let Some(k) = extra {
                    m[k] = json!(1);
                }
                m
            },
        )
}

fn check(manifest: &Value) -> Report {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("runbooks")).unwrap();
    std::fs::write(
        dir.path().join("runbooks/r.md"),
        "# R\n\n## Escalation\n\n1. a\n2. b\n",
    )
    .unwrap();
    let path = dir.path().join("readiness.yaml");
    // JSON is YAML: the generated manifest is written as a flow document.
    std::fs::write(&path, serde_json::to_string_pretty(manifest).unwrap()).unwrap();
    let opts = launchgate::check::Options::at("2026-11-25T12:00:00Z".parse().unwrap());
    launchgate::check::run(&[path], &opts).expect("check runs")
}

fn rendered(report: &Report, format: Format) -> String {
    let style = Style {
        color: false,
        quiet: false,
        width: 100,
    };
    launchgate::render::render(report, format, style).expect("renders")
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn never_passes_a_failing_manifest(m in manifest()) {
        let report = check(&m);
        let blocking = report.findings().any(|(_, f)| f.outcome == Outcome::Fail && f.severity == Severity::Error);
        prop_assert_eq!(report.verdict == Verdict::Fail, blocking);
        prop_assert!(report.verdict != Verdict::Pass || !blocking);
        // Independent oracle: a schema-valid prod manifest with a slow rollback and no waiver
        // for it must fail, whatever else it holds.
        let schema_ok = !report.findings().any(|(_, f)| &*f.item == "LG-SCHEMA" || &*f.item == "LG-YAML");
        let slow = m["service"]["stage"] == "prod" && m["rollback"]["max_minutes"].as_f64().is_some_and(|x| x > 5.0);
        let waived = m["waivers"].as_array().is_some_and(|w| w.iter().any(|w| w["item"] == "PROD-ROLLBACK-5MIN"));
        if schema_ok && slow && !waived {
            prop_assert_eq!(report.verdict, Verdict::Fail);
            prop_assert!(report.findings().any(|(_, f)| &*f.item == "PROD-ROLLBACK-5MIN" && f.outcome == Outcome::Fail));
        }
        // Independent oracle: a schema-valid mmp or prod manifest whose written `checklists`
        // leaves out `production` fails LG-POLICY (the default policy requires it there).
        let stage = m["service"]["stage"].as_str().unwrap_or("");
        let dropped = m["checklists"].as_array().is_some_and(|c| !c.iter().any(|n| n == "production"));
        if schema_ok && ["mmp", "prod"].contains(&stage) && dropped {
            prop_assert_eq!(report.verdict, Verdict::Fail);
            prop_assert!(report.findings().any(|(_, f)| &*f.item == "LG-POLICY" && f.outcome == Outcome::Fail && f.message.contains("`production`")));
        }
        // An unknown key is always a schema failure.
        if m.get("extra").is_some() || m.get("owner").is_some() {
            prop_assert!(report.findings().any(|(_, f)| &*f.item == "LG-SCHEMA" && f.message.contains("unknown key")));
        }
    }

    #[test]
    fn json_report_round_trips(m in manifest()) {
        let report = check(&m);
        let text = rendered(&report, Format::Json);
        let back: Report = serde_json::from_str(&text).unwrap();
        prop_assert_eq!(rendered(&back, Format::Json), text);
    }

    #[test]
    fn sarif_and_junit_carry_every_finding(m in manifest()) {
        let report = check(&m);
        let open: Vec<_> = report.findings().filter(|(_, f)| f.outcome != Outcome::Pass).collect();
        let sarif: serde_json::Value = serde_json::from_str(&rendered(&report, Format::Sarif)).unwrap();
        let results = sarif["runs"][0]["results"].as_array().unwrap();
        prop_assert_eq!(results.len(), open.len());
        for (r, (_, f)) in results.iter().zip(&open) {
            prop_assert_eq!(r["ruleId"].as_str(), Some(&*f.item));
            // Related locations are linked after the message: `... (see [first set here](0))`.
            let text = r["message"]["text"].as_str().unwrap_or_default();
            let shown = if f.related.is_empty() {
                text.ends_with(&*f.message)
            } else {
                text.contains(&format!("{} (see [", f.message))
            };
            prop_assert!(shown, "{text}");
        }
        let xml = rendered(&report, Format::Junit);
        let items: std::collections::BTreeSet<std::sync::Arc<str>> = report.findings().map(|(_, f)| f.item).collect();
        prop_assert_eq!(xml.matches("<testcase ").count(), items.len());
        let blocking: std::collections::BTreeSet<std::sync::Arc<str>> = report.findings().filter(|(_, f)| f.blocks()).map(|(_, f)| f.item).collect();
        prop_assert_eq!(xml.matches("<failure ").count(), blocking.len());
    }
}
