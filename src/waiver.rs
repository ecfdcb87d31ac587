//! Applying waivers: approved, expiring exceptions that turn an item's failures into `waived`.

use std::collections::BTreeMap;

use jiff::civil::Date;

use crate::manifest::Waiver;
use crate::report::{Finding, Location, Outcome, Related, Severity, WaiverInfo};
use crate::source::SourceFile;
use crate::yaml::{Node, Route};

/// Items the manifest's checklists define, with whether each applies to its stage.
pub type KnownItems = BTreeMap<String, bool>;

/// Limits on waivers, and the waivers of the base revision (`--base`).
pub struct Policy {
    /// Longest a waiver may run, in days.
    pub max_days: i64,
    /// The base revision and its manifest's waivers.
    pub base: Option<(String, Vec<Waiver>)>,
}

/// The waivers of a manifest (the base revision's, as JSON); none when it has none.
pub fn waivers_in(manifest: Option<&serde_json::Value>) -> Vec<Waiver> {
    manifest
        .and_then(|m| m.get("waivers"))
        .and_then(serde_json::Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|w| serde::Deserialize::deserialize(w).ok())
        .collect()
}

/// The people a waiver concerns: the service's owners (`owners.primary`, `owners.secondary`,
/// `owners.team`), who may not approve exceptions to their own readiness.
/// Each is (where, handle, whether it is the team).
fn owners(doc: &Node) -> Vec<(Route, String, bool)> {
    ["primary", "secondary", "team"]
        .iter()
        .filter_map(|field| {
            let route = Route::root().key("owners").key(field);
            let owner = doc.at(&route)?.as_str()?.to_string();
            Some((route, owner, *field == "team"))
        })
        .collect()
}

/// Fewest words a waiver's reason has: `ok`, `.` and `see ticket` explain nothing.
const REASON_MIN_WORDS: usize = 3;

/// Applies waivers to findings and reports problems with the waivers themselves.
pub fn apply(
    findings: &mut Vec<Finding>,
    waivers: &[Waiver],
    known: &KnownItems,
    doc: &Node,
    src: &SourceFile,
    today: Date,
    policy: &Policy,
) {
    let core = crate::core::lookup("LG-WAIVER").expect("core item");
    let owners = owners(doc);
    let mut problems = Vec::new();
    for (i, w) in waivers.iter().enumerate() {
        let route = Route::root().key("waivers").index(i);
        let at = |field: &str| Location::new(src, doc.locate(&route.key(field)).span);
        let problem = |severity: Severity, loc: Location, message: String, help: &str| {
            Finding::new(core.id, core.title, severity, Outcome::Fail, message)
                .at(loc)
                .help(help.to_string())
        };
        if crate::core::is_core(&w.item) {
            problems.push(problem(
                Severity::Error,
                at("item"),
                format!(
                    "`{}` is one of launchgate's own checks and cannot be waived",
                    w.item
                ),
                "fix the manifest instead",
            ));
            continue;
        }
        let Some(&applies) = known.get(&w.item) else {
            let ids: Vec<String> = known.keys().cloned().collect();
            problems.push(problem(
                Severity::Error,
                at("item"),
                format!("waiver for unknown item `{}`", w.item),
                &crate::schema::suggest(&w.item, &ids).replace("Known keys here", "Items"),
            ));
            continue;
        };
        if let Some((route, owner, _)) = owners.iter().find(|(_, owner, team)| {
            if *team {
                crate::identity::names_team(&w.approved_by, owner)
            } else {
                crate::identity::same(&w.approved_by, owner)
            }
        }) {
            let mut f = problem(
                Severity::Error,
                at("approved_by"),
                format!(
                    "the waiver for {} is approved by `{}`, who is the service's `{route}` (`{owner}`): an owner cannot approve an exception to their own readiness",
                    w.item, w.approved_by
                ),
                "have someone outside the service's owners approve it (a lead or the release manager)",
            );
            f.related.push(Related {
                location: Location::new(src, doc.locate(route).span),
                message: format!("`{route}` is `{owner}`"),
            });
            problems.push(f);
            continue;
        }
        if w.approved_by.contains('/') {
            problems.push(problem(
                Severity::Error,
                at("approved_by"),
                format!(
                    "the waiver for {} is approved by `{}`, a team handle: a team does not approve an exception, one of its people does, and an approval by nobody in particular is nobody's decision",
                    w.item, w.approved_by
                ),
                "name who approved it (`approved_by: \"@dana\"`)",
            ));
            continue;
        }
        let words = crate::evidence::markdown::words_in(&w.reason);
        if words < REASON_MIN_WORDS {
            problems.push(problem(
                Severity::Error,
                at("reason"),
                format!(
                    "the waiver for {} gives no reason a reviewer can judge ({:?}, {words} word(s)): an exception nobody can weigh is a switch that turns the item off",
                    w.item,
                    w.reason.trim()
                ),
                "say why the item cannot be met now and what will close it (at least 3 words: \"restore drill moved to 2026-12-03, OPS-1234\")",
            ));
            continue;
        }
        let Ok(expires) = w.expires.parse::<Date>() else {
            continue;
        };
        if expires < today {
            problems.push(problem(
                Severity::Error,
                at("expires"),
                format!("the waiver for {} expired on {}", w.item, w.expires),
                "renew it with a new approval and expiry date, or fix the item",
            ));
            continue;
        }
        if let Some(granted) = w.granted.as_deref().and_then(|g| g.parse::<Date>().ok())
            && (granted > today || granted > expires)
        {
            problems.push(problem(
                Severity::Error,
                at("granted"),
                format!(
                    "the waiver for {} is granted on {}, after today or after it expires",
                    w.item, granted
                ),
                "set `granted` to the day it was approved",
            ));
            continue;
        }
        let from = w
            .granted
            .as_deref()
            .and_then(|g| g.parse::<Date>().ok())
            .unwrap_or(today);
        let days = from
            .until(expires)
            .map(|s| i64::from(s.get_days()))
            .unwrap_or(0);
        if days > policy.max_days {
            problems.push(problem(
                Severity::Error,
                at("expires"),
                format!(
                    "the waiver for {} runs {days} days (from {from} to {}); waivers may run at most {} days",
                    w.item, w.expires, policy.max_days
                ),
                "shorten it and renew it when it expires; long exceptions should be fixed, not waived",
            ));
            continue;
        }
        if let Some((rev, base)) = &policy.base {
            match base.iter().find(|b| b.item == w.item) {
                None => problems.push(problem(
                    Severity::Warning,
                    at("item"),
                    format!(
                        "new waiver for {} since {rev} (expires {}, approved by {})",
                        w.item, w.expires, w.approved_by
                    ),
                    "reviewers: check the reason and the approval",
                )),
                Some(b) if b.expires < w.expires => problems.push(problem(
                    Severity::Warning,
                    at("expires"),
                    format!(
                        "the waiver for {} is extended since {rev}: {} → {}",
                        w.item, b.expires, w.expires
                    ),
                    "reviewers: check why the exception needs longer",
                )),
                Some(_) => {}
            }
        }
        if !applies {
            problems.push(problem(
                Severity::Warning,
                at("item"),
                format!(
                    "{} does not apply at this stage; the waiver has no effect",
                    w.item
                ),
                "remove the waiver",
            ));
            continue;
        }
        let info = WaiverInfo {
            reason: w.reason.clone(),
            approved_by: w.approved_by.clone(),
            expires: w.expires.clone(),
            location: Some(Location::new(src, doc.locate(&route).span)),
        };
        let mut used = false;
        for f in findings
            .iter_mut()
            .filter(|f| *f.item == *w.item && f.outcome == Outcome::Fail)
        {
            f.outcome = Outcome::Waived;
            f.waiver = Some(Box::new(info.clone()));
            used = true;
        }
        if !used
            && findings
                .iter()
                .any(|f| *f.item == *w.item && f.outcome == Outcome::Pass)
        {
            problems.push(problem(
                Severity::Warning,
                at("item"),
                format!("the waiver for {} is stale: the item passes", w.item),
                "remove the waiver",
            ));
        }
    }
    findings.extend(problems);
}
