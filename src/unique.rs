//! `LG-UNIQUE`: what is named by an id is named once.
//!
//! Two risks called `R1`, two phases called `canary-1` or two waivers for one item make
//! every reference to them ambiguous (which risk does the review mean, which phase does
//! `gate --phase` run, which waiver applies). Checklist rules cannot say which field repeats
//! which, so this runs in Rust and names both places.
//!
//! It is its own core item rather than part of `LG-SCHEMA`: a schema error stops the check
//! before checklists run, while a repeated id leaves the manifest readable, so the other
//! items still report; and `launchgate explain LG-UNIQUE` can say how each field compares.

use crate::report::{Finding, Location, Outcome, Related, Severity};
use crate::source::SourceFile;
use crate::yaml::{Kind, Node, Route};

/// How values of a field are compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Compare {
    /// As written: Prometheus metric and alert names, and waiver item ids, are case-sensitive.
    Exact,
    /// Trimmed and case-folded: a person reads `R1` and `r1` as one risk.
    IgnoringCase,
}

/// One field whose values must be unique across a list.
struct Key {
    /// Keys leading to the list.
    list: &'static [&'static str],
    /// The field of each element.
    field: &'static str,
    /// What the value is, for messages.
    what: &'static str,
    compare: Compare,
    /// How to fix a duplicate.
    help: &'static str,
}

const KEYS: &[Key] = &[
    Key {
        list: &["risks"],
        field: "id",
        what: "risk id",
        compare: Compare::IgnoringCase,
        help: "give each risk its own id, or merge the two risks",
    },
    Key {
        list: &["telemetry", "signals"],
        field: "name",
        what: "signal name",
        compare: Compare::Exact,
        help: "list each signal once; merge the two entries",
    },
    Key {
        list: &["alerts", "required"],
        field: "alert",
        what: "required alert",
        compare: Compare::Exact,
        help: "require each alert once; merge the two entries",
    },
    Key {
        list: &["rollout", "phases"],
        field: "name",
        what: "phase name",
        compare: Compare::IgnoringCase,
        help: "give each phase its own name: `launchgate gate --phase NAME` picks phases by name",
    },
    Key {
        list: &["owners", "escalation"],
        field: "level",
        what: "escalation level",
        compare: Compare::Exact,
        help: "number the escalation levels 1, 2, ... once each",
    },
    Key {
        list: &["signoffs"],
        field: "role",
        what: "sign-off role",
        compare: Compare::IgnoringCase,
        help: "record one sign-off per role",
    },
    Key {
        list: &["waivers"],
        field: "item",
        what: "waiver item",
        compare: Compare::Exact,
        help: "keep one waiver per item: merge the reasons and approvals into it",
    },
];

/// The fields checked, for the passing finding and the docs.
pub const CHECKED: &str = "risk ids, signal names, required alerts, phase names, escalation levels, sign-off roles and waiver items";

/// Duplicate-id findings for a schema-valid manifest (one per repeat, located at the repeat
/// with the first occurrence related), or one passing finding.
pub fn findings(doc: &Node, src: &SourceFile) -> Vec<Finding> {
    let item = crate::core::lookup("LG-UNIQUE").expect("LG-UNIQUE is a core item");
    let mut out = Vec::new();
    for key in KEYS {
        let route = key.list.iter().fold(Route::root(), |r, k| r.key(k));
        let Some(Kind::Seq(elements)) = doc.at(&route).map(|n| &n.kind) else {
            continue;
        };
        // (normalized value, index of the first occurrence, value as written there); routes
        // are made only for a repeat, which few manifests have.
        let mut seen: Vec<(String, usize, String)> = Vec::new();
        for (i, element) in elements.iter().enumerate() {
            let Some(written) = element.get(key.field).and_then(scalar) else {
                continue;
            };
            let normalized = match key.compare {
                Compare::Exact => written.clone(),
                Compare::IgnoringCase => crate::identity::normalize(&written).into_owned(),
            };
            let Some((_, first, first_written)) = seen.iter().find(|s| s.0 == normalized) else {
                seen.push((normalized, i, written));
                continue;
            };
            let here = route.index(i).key(key.field);
            let first = route.index(*first).key(key.field);
            let mut message = format!(
                "duplicate {} `{written}`: `{here}` repeats `{first}`",
                key.what
            );
            if *first_written != written {
                message.push_str(&format!(" (`{first_written}`)"));
            }
            if key.compare == Compare::IgnoringCase {
                message.push_str(&format!("; {}s are compared ignoring case", key.what));
            }
            let mut f = Finding::new(item.id, item.title, Severity::Error, Outcome::Fail, message)
                .at(Location::new(src, doc.locate(&here).span))
                .help(key.help);
            f.related.push(Related {
                location: Location::new(src, doc.locate(&first).span),
                message: format!("first used here (`{first_written}`)"),
            });
            out.push(f);
        }
    }
    if out.is_empty() {
        out.push(Finding::new(
            item.id,
            item.title,
            Severity::Error,
            Outcome::Pass,
            format!("no duplicates among {CHECKED}"),
        ));
    }
    out
}

/// A scalar's text (integers as digits).
fn scalar(node: &Node) -> Option<String> {
    match &node.kind {
        Kind::Str(s) => Some(s.clone()),
        Kind::Int(i) => Some(i.to_string()),
        Kind::Float(f) => Some(f.to_string()),
        Kind::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(yaml: &str) -> Vec<Finding> {
        let src = SourceFile::new(std::path::Path::new("m.yaml"), "m.yaml".into(), yaml.into());
        let doc = crate::yaml::parse(&src, &crate::yaml::Limits::default()).unwrap();
        findings(&doc, &src)
    }

    #[test]
    fn repeats_name_both_places_and_fold_case_where_people_do() {
        let got = run(
            "risks:\n  - { id: R1 }\n  - { id: R2 }\n  - { id: r1 }\nalerts:\n  required:\n    - { alert: Down }\n    - { alert: down }\n",
        );
        assert_eq!(got.len(), 1, "{got:#?}");
        let f = &got[0];
        assert_eq!(
            &*f.message,
            "duplicate risk id `r1`: `risks[2].id` repeats `risks[0].id` (`R1`); risk ids are compared ignoring case"
        );
        assert_eq!(f.location.as_ref().unwrap().line, 4);
        assert_eq!(f.related[0].location.line, 2);
    }

    #[test]
    fn every_field_is_checked() {
        let yaml = "owners:\n  escalation:\n    - { level: 1 }\n    - { level: 1 }\ntelemetry:\n  signals:\n    - { name: a_total }\n    - { name: a_total }\nalerts:\n  required:\n    - { alert: Down }\n    - { alert: Down }\nrollout:\n  phases:\n    - { name: canary }\n    - { name: 'Canary ' }\nsignoffs:\n  - { role: review }\n  - { role: Review }\nwaivers:\n  - { item: PROD-SLA }\n  - { item: PROD-SLA }\nrisks:\n  - { id: R1 }\n  - { id: ' r1' }\n";
        let got: Vec<String> = run(yaml)
            .into_iter()
            .map(|f| f.message.to_string())
            .collect();
        for what in [
            "risk id",
            "signal name",
            "required alert",
            "phase name",
            "escalation level",
            "sign-off role",
            "waiver item",
        ] {
            assert!(
                got.iter()
                    .any(|m| m.starts_with(&format!("duplicate {what} "))),
                "{what}: {got:#?}"
            );
        }
        assert_eq!(got.len(), 7);
    }

    #[test]
    fn unique_ids_pass_and_a_third_repeat_points_at_the_first() {
        let got = run("risks:\n  - { id: R1 }\n  - { id: R2 }\n");
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].outcome, Outcome::Pass);
        let got = run("risks:\n  - { id: R1 }\n  - { id: R1 }\n  - { id: R1 }\n");
        assert_eq!(got.len(), 2);
        assert!(got.iter().all(|f| f.related[0].location.line == 2));
    }
}
