//! A manifest that lowers its own stage or tier.
//!
//! The stage and tier decide which checklists the policy requires, and the manifest declares
//! both: a pull request that moves a prod service to `poc` is asked for less. Whether a stage
//! is true launchgate cannot tell, but that it went down the history says: the manifest is
//! then checked at the stage it left ([`raise_to_history`]). Against `check --base REV`, a
//! stage or tier lowered since REV is told to the reviewers, as new waivers are.

use serde_json::Value;

use crate::manifest::Service;
use crate::report::{Finding, Location, Outcome, Severity};
use crate::source::SourceFile;
use crate::yaml::{Limits, Node, Route};

use crate::evidence::stages::rank;

/// A manifest text as JSON; `None` when it does not parse (the base revision's problem, not
/// this change's).
pub fn json_of(text: &str) -> Option<Value> {
    let src = SourceFile::new(
        std::path::Path::new("base"),
        "base".into(),
        text.to_string(),
    );
    crate::yaml::parse(&src, &Limits::default())
        .ok()
        .map(|doc| doc.to_json())
}

/// Raises `service.stage` to the later stage the manifest's history declared before a change
/// lowered it (see [`crate::evidence::stages`]), and says so: the manifest is then checked
/// at that stage, so lowering its own stage cannot switch its checks off. `manifest` is the
/// manifest's path relative to the repository.
pub fn raise_to_history(
    repo: &crate::evidence::git::Repo,
    manifest: &str,
    service: &mut Service,
    doc: &Node,
    src: &SourceFile,
) -> Option<Finding> {
    let lowered = repo.stage_lowered(manifest, &service.stage)?;
    let core = crate::core::lookup("LG-POLICY").expect("core item");
    let route = Route::root().key("service").key("stage");
    let message = format!(
        "`service.stage` is `{now}`, lowered from `{was}` by {by}: checked as `{was}`, since a service's stage only moves forward (the checklists and items of `{was}` still apply)",
        now = service.stage,
        was = lowered.was,
        by = lowered.by,
    );
    service.stage = lowered.was;
    Some(
        Finding::new(core.id, core.title, Severity::Warning, Outcome::Fail, message)
            .at(Location::new(src, doc.locate(&route).span))
            .help("put the stage back; a service that really starts over (a rebuild) gets a manifest of its own, and items it cannot meet yet are waived through review"),
    )
}

/// Warnings (they never block) for a stage earlier, or a tier less critical, than at `rev`.
pub fn findings(
    base: &Value,
    now: &Service,
    rev: &str,
    doc: &Node,
    src: &SourceFile,
) -> Vec<Finding> {
    let core = crate::core::lookup("LG-POLICY").expect("core item");
    let warn = |field: &str, message: String| {
        let route = Route::root().key("service").key(field);
        Finding::new(core.id, core.title, Severity::Warning, Outcome::Fail, message)
            .at(Location::new(src, doc.locate(&route).span))
            .help("reviewers: confirm the service really is at this stage and tier; review the change as a change to the policy")
    };
    let mut out = Vec::new();
    let was_stage = base.pointer("/service/stage").and_then(Value::as_str);
    if let (Some(was), Some(from), Some(to)) =
        (was_stage, was_stage.and_then(rank), rank(&now.stage))
        && to < from
    {
        out.push(warn(
            "stage",
            format!(
                "the stage is lowered since {rev}, from `{was}` to `{}`: the checklists the policy requires at `{was}` no longer apply",
                now.stage
            ),
        ));
    }
    let was_tier = base.pointer("/service/tier").and_then(Value::as_u64);
    if let (Some(was), Some(tier)) = (was_tier, now.tier)
        && u64::from(tier) > was
    {
        out.push(warn(
            "tier",
            format!(
                "the tier is lowered since {rev}, from {was} to {tier} (less critical): rules the policy keeps for tier {was} no longer apply"
            ),
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lowered(base: &str, now: &str) -> Vec<String> {
        let src = SourceFile::new(std::path::Path::new("m"), "m".into(), now.to_string());
        let doc = crate::yaml::parse(&src, &Limits::default()).unwrap();
        let service: Service = serde_json::from_value(doc.to_json()["service"].clone()).unwrap();
        findings(&json_of(base).unwrap(), &service, "main", &doc, &src)
            .into_iter()
            .map(|f| {
                format!(
                    "{}:{:?} {}",
                    f.location.unwrap().line,
                    f.severity,
                    f.message
                )
            })
            .collect()
    }

    #[test]
    fn a_stage_or_tier_lowered_since_the_base_is_a_warning() {
        let m = |stage: &str, tier: &str| format!("service:\n  name: a\n  stage: {stage}\n{tier}");
        assert_eq!(
            lowered(&m("prod", "  tier: 1\n"), &m("poc", "  tier: 3\n")),
            [
                "3:Warning the stage is lowered since main, from `prod` to `poc`: the checklists the policy requires at `prod` no longer apply",
                "4:Warning the tier is lowered since main, from 1 to 3 (less critical): rules the policy keeps for tier 1 no longer apply",
            ]
        );
        // Raised, unchanged, or the tier left out (a rule's tier list then matches anyway):
        // nothing to review.
        assert!(lowered(&m("mvp", "  tier: 3\n"), &m("prod", "  tier: 1\n")).is_empty());
        assert!(lowered(&m("prod", "  tier: 2\n"), &m("prod", "  tier: 2\n")).is_empty());
        assert!(lowered(&m("prod", "  tier: 1\n"), &m("prod", "")).is_empty());
        assert!(lowered(&m("prod", ""), &m("prod", "  tier: 4\n")).is_empty());
        // A base stage launchgate does not know (a schema error there) says nothing here.
        assert!(lowered(&m("production", ""), &m("poc", "")).is_empty());
    }
}
