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

/// Whether `handle` names the owning team `team` where a person must: [`is_team`], or the
/// team's bare name written as a handle (`@dashboards-platform` for `dashboards-platform`),
/// which is a user handle to GitHub, and so not asked of CODEOWNERS, and the team to whoever
/// wrote it.
pub fn names_team(handle: &str, team: &str) -> bool {
    let team_name = normalize(team);
    is_team(handle, team)
        || (!team_name.is_empty()
            && !team_name.starts_with('@')
            && normalize(handle).strip_prefix('@') == Some(&*team_name))
}

/// What a part of a handle (`@part`, `@org/part`) or channel stands in for, if anything. Every
/// handle of every manifest is asked: one `match` on the lower-cased bytes, no allocation.
fn stand_in_part(part: &str) -> Option<&'static str> {
    const DOCUMENTATION: &str = "a handle from GitHub's CODEOWNERS documentation, not someone here";
    const TEMPLATE: &str = "a template's stand-in, not a person, team or channel";
    const ACCOUNT: &str = "GitHub's account for a deleted user, or a bot: nobody answers a page";
    const SELF: &str = "whoever reads the manifest, not a person: name who it is";
    // Placeholder words (`todo`, `tbd`, `xxx`, ...) are the ones every manifest value is
    // checked for; the names below are what only a handle's place invites.
    let template = |part: &str| {
        (crate::evidence::markdown::is_placeholder_value(part) || has_template_prefix(part))
            .then_some(TEMPLATE)
    };
    let mut buf = [0u8; 24];
    let Some(lower) = buf.get_mut(..part.len()) else {
        // Longer than any name below.
        return template(part);
    };
    lower.copy_from_slice(part.as_bytes());
    lower.make_ascii_lowercase();
    match &*lower {
        // GitHub's CODEOWNERS documentation: a file copied from it keeps them.
        b"octocat" | b"doctocat" | b"octo-org" | b"octocats" | b"global-owner1"
        | b"global-owner2" | b"js-owner" => Some(DOCUMENTATION),
        // `@ghost` is what GitHub shows for a deleted account; the others are bots.
        b"ghost" | b"dependabot" | b"github-actions" | b"renovate" | b"renovate-bot"
        | b"copilot" | b"web-flow" => Some(ACCOUNT),
        // The names a template or form puts where someone goes.
        b"user" | b"username" | b"user-name" | b"someone" | b"somebody" | b"nobody" | b"anyone"
        | b"handle" | b"name" | b"owner" | b"org" | b"org-name" | b"team-name" | b"teamname"
        | b"channel" | b"channel-name" | b"example" | b"yourname" | b"yourteam"
        | b"yourcompany" | b"yourhandle" | b"yourorg" | b"yourchannel" | b"yourusername"
        | b"github-handle" | b"githubhandle" | b"github-username" | b"githubusername"
        | b"gh-handle" | b"reviewer" | b"approver" => Some(TEMPLATE),
        // `@me` is GitHub's own word for whoever is signed in (`author:@me`): in a record it
        // names whoever reads it, not who reviewed or signed.
        b"me" | b"myself" => Some(SELF),
        _ => template(part),
    }
}

/// `your-team`, `example_user`: a template's name whatever follows.
fn has_template_prefix(part: &str) -> bool {
    ["your-", "your_", "example-", "example_"].iter().any(|p| {
        part.get(..p.len())
            .is_some_and(|head| head.eq_ignore_ascii_case(p))
    })
}

/// Why a handle (`@name`, `@org/team`), channel (`#name`) or e-mail address is a stand-in for
/// one rather than someone who can be paged: a placeholder word (`@todo`, `#tbd`), a template's
/// name (`@your-handle`, `@org/team-name`, `@username`), GitHub's documentation examples
/// (`@octocat`, `@global-owner1`), an account nobody answers for (`@ghost`, what GitHub shows
/// for a deleted user; `@dependabot`), or an address on a domain reserved for examples. `None` for
/// anything else, prose included: only a value that is one such token is asked.
pub fn stand_in(value: &str) -> Option<&'static str> {
    let v = value.trim();
    let handle = v.strip_prefix(['@', '#']);
    // Every string of every manifest comes here: most are neither a handle nor an address.
    if handle.is_none() && memchr::memchr(b'@', v.as_bytes()).is_none() {
        return None;
    }
    if v.bytes().any(|b| b.is_ascii_whitespace()) {
        return None;
    }
    if let Some(name) = handle {
        // `#`, `@` or `@org/` with no name after it: the sigil of a form left unfilled.
        if name
            .split('/')
            .any(|part| !part.chars().any(char::is_alphanumeric))
        {
            return Some("a sigil with no name after it: nobody is reached there");
        }
        return name.split('/').find_map(stand_in_part);
    }
    let (local, domain) = v.split_once('@')?;
    (!local.is_empty()
        && domain.contains('.')
        && crate::manifest::is_example_url(&format!("https://{domain}/")))
    .then_some(
        "an address on a domain reserved for examples or a template's stand-in: nobody reads it",
    )
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
        assert!(!is_team("@Dashboards-Platform", "dashboards-platform"));
        assert!(names_team("@Dashboards-Platform", " dashboards-platform"));
        assert!(names_team(
            "@acme/dashboards-platform",
            "dashboards-platform"
        ));
        assert!(!names_team("@dashboards", "dashboards-platform"));
        assert!(!names_team("@", ""));
        assert!(!names_team("@@acme/team", "@acme/team"));
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
            "@ghost",
            "@Dependabot",
            "#channel",
            "@example-user",
            "@me",
            "@Myself",
            "@github-handle",
            "@reviewer",
            "oncall@example.com",
            " docs@EXAMPLE.org ",
            "oncall@yourcompany.com",
            "#",
            "@",
            "@acme/",
            "#-",
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
            "@meg",
            "@code-reviewers",
            "oncall@acme.dev",
            "page @todo when it breaks",
            "todo",
        ] {
            assert!(stand_in(v).is_none(), "{v}");
        }
    }
}
