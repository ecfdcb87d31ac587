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
}
