//! A risk's `dependency`: the adjacent team or system a launch-day risk comes from. An answer
//! that names none (`none`, `n/a`, `no external dependencies`, `self-contained`), or only a
//! kind (`external`, `upstream services`), is set and names nothing to watch; so does one that
//! names the service or its own team (`internal`, `the dashboards-platform team`).

use crate::mitigation::{FILLER, only_words};

/// Words that say there is no dependency.
const NONE: &[&str] = &[
    "none",
    "nothing",
    "no",
    "not",
    "n/a",
    "na",
    "nil",
    "null",
    "without",
    "standalone",
    "stand-alone",
    "self-contained",
    "self",
    "contained",
    "independent",
];

/// Words around those that name no team or system.
const AROUND: &[&str] = &[
    "dependency",
    "dependencies",
    "dependent",
    "depend",
    "depends",
    "external",
    "adjacent",
    "upstream",
    "downstream",
    "other",
    "others",
    "teams",
    "system",
    "systems",
    "service",
    "services",
    "third-party",
    "third",
    "party",
    "parties",
    "applicable",
    "identified",
    "relevant",
    "has",
    "have",
    "needs",
    "need",
    "relies",
    "rely",
    "outside",
];

/// Whether `dependency` names no team or system: every word is one of [`NONE`], or filler
/// around it (`We depend on no other team.`), at least one of them [`NONE`]; or every word is
/// a kind of dependency with nothing named (`external`, `third-party services`, `upstream`).
pub fn no_dependency(dependency: &str) -> bool {
    only_words(dependency, NONE, &[FILLER, AROUND]) || only_words(dependency, AROUND, &[FILLER])
}

/// Words that point back at the service or its team ("our own team", "the service itself",
/// "internal"), and the articles around them.
const OWN: &[&str] = &[
    "the",
    "a",
    "this",
    "same",
    "our",
    "own",
    "we",
    "us",
    "ourselves",
    "itself",
    "team",
    "service",
    "internal",
    "in-house",
];

/// Whether `dependency` points back at `name`, the service's or its team's (rather than at
/// an adjacent team or system): only words of [`OWN`] (`our own team`, `internal`), or those
/// around `name` (`the Dashboards-Platform team`), or `name` as a team's handle
/// (`@acme/dashboards-platform`, `@dashboards-platform`).
pub fn names_own(dependency: &str, name: &str) -> bool {
    let name = name.trim();
    if !name.is_empty() && crate::identity::names_team(dependency, name) {
        return true;
    }
    let is_own = |w: &str| OWN.iter().any(|o| o.eq_ignore_ascii_case(w));
    let rest: Vec<&str> = crate::mitigation::words(dependency)
        .into_iter()
        .map(|w| {
            w.strip_suffix("'s")
                .or_else(|| w.strip_suffix("\u{2019}s"))
                .unwrap_or(w)
        })
        .filter(|w| !w.is_empty() && !is_own(w))
        .collect();
    match rest.as_slice() {
        [] => !dependency.trim().is_empty(),
        [one] => !name.is_empty() && crate::identity::names_team(one, name),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::{names_own, no_dependency};

    #[test]
    fn the_service_or_its_own_team_is_no_adjacent_one() {
        let own =
            |d: &str| names_own(d, "dashboard-factory") || names_own(d, "dashboards-platform");
        for text in [
            "dashboards-platform",
            "Dashboards-Platform",
            "@acme/dashboards-platform",
            "@dashboards-platform",
            "the dashboards-platform team",
            "Dashboards-Platform team's",
            "dashboard-factory",
            "the dashboard-factory service itself",
            "our own team",
            "internal",
            "us",
        ] {
            assert!(own(text), "{text:?} is the service or its team");
        }
        for text in [
            "docs-platform's site deploy",
            "the docs-platform team",
            "dashboards-platform's shared CI runners",
            "the platform team's cache cluster",
            "Grafana",
            "",
        ] {
            assert!(!own(text), "{text:?} names an adjacent team or system");
        }
        // With no service or team named, only the words that point back are the service's own.
        assert!(names_own("our team", ""));
        assert!(!names_own("the CDN", ""));
        assert!(!names_own("dashboards-platform", ""));
    }

    #[test]
    fn answers_that_name_nothing() {
        for text in [
            "none",
            "None.",
            "n/a",
            "no external dependencies",
            "No dependencies on other teams",
            "we depend on no other team",
            "self-contained",
            "Standalone service",
            "not applicable",
            "none identified",
            "external",
            "Third-party services",
            "upstream systems",
            "other teams",
        ] {
            assert!(no_dependency(text), "{text:?} names no dependency");
        }
    }

    #[test]
    fn answers_that_name_a_team_or_system() {
        for text in [
            "docs-platform team's site build",
            "the CDN",
            "Grafana plugin registry (grafana.com)",
            "@acme/docs-platform",
            "no-reply mail relay",
            "None of the usual: the payments API",
            // A placeholder is LG-PLACEHOLDER's to report, once.
            "TBD",
            "",
            "   ",
        ] {
            assert!(
                !no_dependency(text),
                "{text:?} names a dependency, or is empty"
            );
        }
    }
}
