//! Identities compared the way GitHub compares them.
//!
//! GitHub handles (`@alice`) and team slugs (`@org/team`) are case-insensitive, so `@Alice`
//! and `@alice ` are one person. Wherever two people must differ (primary and secondary
//! owner, engineering signer and stakeholder, waiver approver and owner), launchgate compares
//! these normalized forms, never the text as written.

/// The normalized form of a handle, team slug or role: surrounding whitespace removed and
/// case folded.
pub fn normalize(s: &str) -> std::borrow::Cow<'_, str> {
    let s = s.trim();
    // Most handles and roles are written in lower case already: no copy for them.
    if s.bytes().all(|b| b.is_ascii() && !b.is_ascii_uppercase()) {
        std::borrow::Cow::Borrowed(s)
    } else {
        std::borrow::Cow::Owned(s.to_lowercase())
    }
}

/// Whether two handles (or roles) name the same person, team or role.
pub fn same(a: &str, b: &str) -> bool {
    normalize(a) == normalize(b)
}

/// The names engineering signs off under: engineering itself, its parts and its reviews.
const ENGINEERING_ROLES: &[&str] = &[
    "engineering",
    "eng",
    "engineer",
    "engineers",
    "dev",
    "devs",
    "developer",
    "developers",
    "development",
    "sre",
    "devops",
    "backend",
    "frontend",
    "platform",
    "infra",
    "infrastructure",
    "tech-lead",
    "tech_lead",
    "techlead",
    "review",
    "reviewer",
    "code-review",
];

/// Whether a sign-off role is engineering under another name (`SRE`, `dev`, `platform`,
/// a code review): a stakeholder outside engineering signs under none of them.
pub fn is_engineering_role(role: &str) -> bool {
    ENGINEERING_ROLES.contains(&&*normalize(role))
}

/// Whether `handle` names the owning team `team`: the same handle, or an `@org/team` handle
/// whose slug is a bare team name (`dashboards-platform` and `@acme/Dashboards-Platform`).
pub fn is_team(handle: &str, team: &str) -> bool {
    let (handle, team) = (normalize(handle), normalize(team));
    if team.is_empty() {
        return false;
    }
    handle == team
        || (!team.starts_with('@')
            && handle
                .strip_suffix(&*team)
                .is_some_and(|rest| rest.ends_with('/')))
}

/// Handles GitHub's CODEOWNERS documentation uses as examples: a file copied from it keeps them.
const DOCUMENTATION_HANDLES: &[&str] = &[
    "octocat",
    "doctocat",
    "octo-org",
    "octocats",
    "global-owner1",
    "global-owner2",
    "js-owner",
];

/// Names a template or form puts where a person, team or channel goes.
const TEMPLATE_NAMES: &[&str] = &[
    "user",
    "username",
    "user-name",
    "someone",
    "somebody",
    "nobody",
    "anyone",
    "handle",
    "name",
    "owner",
    "org",
    "org-name",
    "team-name",
    "teamname",
    "channel",
    "channel-name",
    "example",
];

/// Why a handle (`@name`, `@org/team`), channel (`#name`) or e-mail address is a stand-in for
/// one rather than someone who can be paged: a placeholder word (`@todo`, `#tbd`), a template's
/// name (`@your-handle`, `@org/team-name`, `@username`), GitHub's documentation examples
/// (`@octocat`, `@global-owner1`), or an address on a domain reserved for examples. `None` for
/// anything else, prose included: only a value that is one such token is asked.
pub fn stand_in(value: &str) -> Option<&'static str> {
    let v = value.trim();
    if v.is_empty() || v.bytes().any(|b| b.is_ascii_whitespace()) {
        return None;
    }
    if let Some(name) = v.strip_prefix('@').or_else(|| v.strip_prefix('#')) {
        let parts = || name.split('/').map(str::to_ascii_lowercase);
        if parts().any(|p| DOCUMENTATION_HANDLES.contains(&p.as_str())) {
            return Some("a handle from GitHub's CODEOWNERS documentation, not someone here");
        }
        let template = |p: &str| {
            crate::evidence::markdown::is_placeholder_value(p)
                || TEMPLATE_NAMES.contains(&p)
                || ["your-", "your_", "example-", "example_"]
                    .iter()
                    .any(|prefix| p.starts_with(prefix))
                || p.strip_prefix("your").is_some_and(|rest| {
                    TEMPLATE_NAMES.contains(&rest) || ["team", "company"].contains(&rest)
                })
        };
        return parts()
            .any(|p| template(&p))
            .then_some("a template's stand-in, not a person, team or channel");
    }
    let (local, domain) = v.split_once('@')?;
    (!local.is_empty()
        && domain.contains('.')
        && crate::manifest::is_example_url(&format!("https://{domain}/")))
    .then_some("an address on a domain reserved for examples: nobody reads it")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn engineering_under_other_names() {
        for role in [
            "engineering",
            " SRE ",
            "Tech-Lead",
            "code-review",
            "Platform",
        ] {
            assert!(is_engineering_role(role), "{role}");
        }
        for role in [
            "product",
            "support",
            "security",
            "legal",
            "engineering manager",
            "",
        ] {
            assert!(!is_engineering_role(role), "{role}");
        }
    }

    #[test]
    fn case_and_surrounding_whitespace_do_not_make_another_person() {
        assert_eq!(normalize(" @Alice\t"), "@alice");
        assert_eq!(normalize(" @alice "), "@alice");
        assert_eq!(normalize("@ÄRGER"), "@ärger");
        assert_eq!(normalize("Σupport"), "σupport");
        assert!(same("@Alice", "@alice "));
        assert!(same("@Acme/Dash-Leads", "@acme/dash-leads"));
        assert!(!same("@alice", "@alicia"));
        assert!(!same("@alice", "@al ice"));
    }

    #[test]
    fn teams_match_by_handle_or_slug() {
        assert!(is_team("@acme/Dashboards-Platform", "dashboards-platform"));
        assert!(is_team("@acme/team", "@ACME/team "));
        assert!(!is_team("@other/team", "@acme/team"));
        assert!(!is_team("@acme/platform", "form"));
        assert!(!is_team("@alice", ""));
    }
    #[test]
    fn stand_ins_for_people_are_found_and_people_are_not() {
        for v in [
            "@todo",
            "@TBD",
            "#fixme",
            "@xxx",
            "@your-handle",
            "@yourname",
            "@YourTeam",
            "@username",
            "@org/team-name",
            "@acme/todo",
            "@octocat",
            "@octo-org/octocats",
            "@global-owner1",
            "#channel",
            "@example-user",
            "oncall@example.com",
            " docs@EXAMPLE.org ",
        ] {
            assert!(stand_in(v).is_some(), "{v}");
        }
        for v in [
            "@alice",
            "@dash-leads",
            "#dash-oncall",
            "@launchgate/dashboards-platform",
            "dashboards-platform",
            "@yourself-not-a-template",
            "@users-team",
            "oncall@acme.dev",
            "page @todo when it breaks",
            "@",
            "todo",
        ] {
            assert!(stand_in(v).is_none(), "{v}");
        }
    }
}
