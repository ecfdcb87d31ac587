//! Applying waivers: approved, expiring exceptions that turn an item's failures into `waived`.

use std::collections::BTreeMap;

use jiff::civil::Date;

use crate::manifest::Waiver;
use crate::report::{Finding, Location, Outcome, Severity, WaiverInfo};
use crate::source::SourceFile;
use crate::yaml::{Node, Route};

/// Items the manifest's checklists define, with whether each applies to its stage.
pub type KnownItems = BTreeMap<String, bool>;

/// Applies waivers to findings and reports problems with the waivers themselves.
pub fn apply(
    findings: &mut Vec<Finding>,
    waivers: &[Waiver],
    known: &KnownItems,
    doc: &Node,
    src: &SourceFile,
    today: Date,
) {
    let core = crate::core::lookup("LG-WAIVER").expect("core item");
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
            .filter(|f| f.item == w.item && f.outcome == Outcome::Fail)
        {
            f.outcome = Outcome::Waived;
            f.waiver = Some(info.clone());
            used = true;
        }
        if !used
            && findings
                .iter()
                .any(|f| f.item == w.item && f.outcome == Outcome::Pass)
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
