//! CODEOWNERS: who owns which files, with GitHub's rules (the last matching line wins,
//! gitignore-style patterns).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use ignore::gitignore::{Gitignore, GitignoreBuilder};
use serde::Serialize;

use super::paths::{Base, PathProblem};

/// Where GitHub looks for CODEOWNERS, in its order.
pub const LOCATIONS: &[&str] = &[".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS"];

/// CODEOWNERS by repository root, found and parsed once.
static FOUND: crate::recent::Cells<PathBuf, Option<Found>> = crate::recent::Recent::new();

/// The repository's CODEOWNERS: the first of [`LOCATIONS`] that is there.
#[derive(Debug, Clone)]
pub enum Found {
    /// Read and parsed.
    Parsed(Arc<CodeOwners>),
    /// There, but not usable: not a regular file, a symlink out of the repository, too large,
    /// not UTF-8. Ownership cannot be checked, which must not read as "no CODEOWNERS".
    Broken {
        /// Which location.
        file: &'static str,
        /// Why it cannot be used.
        problem: String,
    },
}

/// A parsed CODEOWNERS file.
#[derive(Debug, Clone, Serialize)]
pub struct CodeOwners {
    /// Repository-relative path of the file.
    pub file: String,
    /// The lines GitHub skips as invalid, as "line N: why", in file order.
    pub skipped: Vec<String>,
    /// The valid lines in file order.
    #[serde(skip)]
    rules: Vec<Rule>,
}

/// One valid line.
#[derive(Debug, Clone)]
struct Rule {
    matcher: Gitignore,
    /// A last segment that is a lone `*` (`docs/*`, `/*`): the directory's own files only,
    /// not what its subdirectories hold, where gitignore would also match the subdirectories.
    children_only: bool,
    owners: Vec<String>,
}

impl CodeOwners {
    /// Finds and parses the repository's CODEOWNERS, if it has one (once per root). It is read
    /// as evidence files are: inside the repository, without blocking, bounded in size.
    pub fn find(base: &Base) -> Option<Found> {
        crate::recent::cell(&FOUND, &base.root)
            .get_or_init(|| {
                let root = base.at_root();
                LOCATIONS.iter().find_map(|loc| {
                    // Most places hold none: one `lstat` rules a place out, where resolving
                    // it inside the repository would canonicalize a path that is not there.
                    if std::fs::symlink_metadata(base.root.join(loc)).is_err_and(|e| {
                        matches!(
                            e.kind(),
                            std::io::ErrorKind::NotFound | std::io::ErrorKind::NotADirectory
                        )
                    }) {
                        return None;
                    }
                    match root.read_text(loc) {
                        Ok((_, text)) => {
                            Some(Found::Parsed(Arc::new(CodeOwners::parse(loc, &text))))
                        }
                        Err(PathProblem::Missing(_)) => None,
                        Err(problem) => Some(Found::Broken {
                            file: loc,
                            problem: problem.to_string(),
                        }),
                    }
                })
            })
            .clone()
    }

    /// Forgets the roots not asked for since the last call (see [`crate::recent::Recent`]).
    pub fn age() {
        FOUND.age();
    }

    /// Parses CODEOWNERS text. A line GitHub would report as an error is skipped, as GitHub
    /// skips it, and kept in [`CodeOwners::skipped`] to say why ownership is not what it reads.
    pub fn parse(file: &str, text: &str) -> CodeOwners {
        let mut rules = Vec::new();
        let mut skipped = Vec::new();
        for (n, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            match rule(line) {
                Ok(r) => rules.push(r),
                Err(why) => skipped.push(format!("line {}: {why}", n + 1)),
            }
        }
        CodeOwners {
            file: file.to_string(),
            skipped,
            rules,
        }
    }

    /// Owners of a repository-relative path: the last matching line's owners (possibly none).
    pub fn owners_of(&self, path: &str) -> Vec<String> {
        let path = Path::new("/").join(path);
        for r in self.rules.iter().rev() {
            let matched = if r.children_only {
                r.matcher.matched(&path, false)
            } else {
                r.matcher.matched_path_or_any_parents(&path, false)
            };
            if matched.is_ignore() {
                return r.owners.clone();
            }
        }
        Vec::new()
    }
}

/// A line as GitHub reads it: a gitignore pattern without the parts GitHub documents as not
/// working (`!`, `[ ]`, `\#`), then owners that are each `@user`, `@org/team` or an email.
fn rule(line: &str) -> Result<Rule, String> {
    let mut parts = line.split_whitespace();
    let pattern = parts.next().unwrap_or_default();
    if pattern.starts_with('!') {
        return Err(format!("`{pattern}`: `!` does not negate in CODEOWNERS"));
    }
    if pattern.contains(['[', ']']) {
        return Err(format!(
            "`{pattern}`: `[ ]` ranges do not work in CODEOWNERS"
        ));
    }
    if pattern.starts_with("\\#") {
        return Err(format!(
            "`{pattern}`: a leading `#` cannot be escaped in CODEOWNERS"
        ));
    }
    let owners: Vec<String> = parts
        .take_while(|p| !p.starts_with('#'))
        .map(str::to_string)
        .collect();
    if let Some(bad) = owners.iter().find(|o| !is_owner(o)) {
        return Err(format!(
            "owner `{bad}` is not an `@user`, an `@org/team` or an email"
        ));
    }
    let mut b = GitignoreBuilder::new("/");
    let matcher = b
        .add_line(None, pattern)
        .and_then(|b| b.build())
        .map_err(|e| format!("`{pattern}`: {e}"))?;
    Ok(Rule {
        matcher,
        children_only: pattern.ends_with("/*"),
        owners,
    })
}

/// `@user`, `@org/team`, or an email address: the owners GitHub accepts.
fn is_owner(owner: &str) -> bool {
    let name = |s: &str, extra: &[char]| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || extra.contains(&c))
    };
    if let Some(handle) = owner.strip_prefix('@') {
        return match handle.split_once('/') {
            Some((org, team)) => name(org, &['-']) && name(team, &['-', '_']),
            None => name(handle, &['-', '_']),
        };
    }
    let Some((local, domain)) = owner.split_once('@') else {
        return false;
    };
    let tld = domain.rsplit('.').next().unwrap_or_default();
    name(local, &['.', '_', '%', '+', '-'])
        && domain.contains('.')
        && name(domain, &['.', '-'])
        && tld.len() >= 2
        && tld.chars().all(|c| c.is_ascii_alphabetic())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// GitHub's documented example: `docs/*` owns `docs/`'s own files but not nested ones,
    /// `apps/` any `apps` directory, a line without owners un-owns, the last match wins.
    #[test]
    fn githubs_documented_example() {
        let c = CodeOwners::parse(
            ".github/CODEOWNERS",
            "*       @global-owner1 @global-owner2\n\
             *.js    @js-owner #This is an inline comment.\n\
             /build/logs/ @doctocat\n\
             docs/*  docs@example.com\n\
             apps/ @octocat\n\
             /scripts/ @doctocat @octocat\n\
             /apps/ @octocat\n\
             /apps/github\n",
        );
        assert!(c.skipped.is_empty(), "{:?}", c.skipped);
        assert_eq!(c.owners_of("docs/getting-started.md"), ["docs@example.com"]);
        assert_eq!(
            c.owners_of("docs/build-app/troubleshooting.md"),
            ["@global-owner1", "@global-owner2"],
            "docs/* does not reach into docs/build-app/"
        );
        assert_eq!(c.owners_of("src/app.js"), ["@js-owner"]);
        assert_eq!(c.owners_of("build/logs/a/b.txt"), ["@doctocat"]);
        assert_eq!(c.owners_of("x/apps/main.go"), ["@octocat"]);
        assert_eq!(c.owners_of("scripts/deploy.sh"), ["@doctocat", "@octocat"]);
        assert!(c.owners_of("apps/github/main.go").is_empty());
    }

    /// A lone `*` as the last segment reaches one level; `*` alone and other last segments
    /// reach into directories they match.
    #[test]
    fn a_trailing_lone_star_owns_one_level() {
        let one = |pattern: &str, path: &str| {
            !CodeOwners::parse("CODEOWNERS", &format!("{pattern} @o\n"))
                .owners_of(path)
                .is_empty()
        };
        assert!(one("/*", "readiness.yaml"));
        assert!(!one("/*", "runbooks/rollback.md"));
        assert!(one("*", "runbooks/rollback.md"));
        assert!(one("runbooks/*", "runbooks/rollback.md"));
        assert!(!one("runbooks/*", "runbooks/old/rollback.md"));
        assert!(one("runbooks/", "runbooks/old/rollback.md"));
        assert!(one("run*", "runbooks/old/rollback.md"));
        assert!(one("runbooks/*/", "runbooks/old/rollback.md"));
        assert!(one("runbooks/**", "runbooks/old/rollback.md"));
        assert!(!one("runbooks/*.md", "runbooks/old/rollback.md"));
    }

    /// Lines GitHub reports as errors are skipped, so an earlier line's owners stay in force,
    /// and each skipped line says why.
    #[test]
    fn invalid_lines_are_skipped_as_github_skips_them() {
        let c = CodeOwners::parse(
            "CODEOWNERS",
            "* @org/all\n\
             /runbooks/ sre\n\
             /alerts/ launchgate/sre\n\
             !/docs/ @docs\n\
             /[ab]/ @ab\n\
             \\#notes @notes\n\
             /ok/ @org/ok-team_1 first.last+tag@mail.example.co\n",
        );
        for path in [
            "runbooks/rollback.md",
            "alerts/rules.yaml",
            "docs/x.md",
            "a/x",
            "#notes",
        ] {
            assert_eq!(c.owners_of(path), ["@org/all"], "{path}");
        }
        assert_eq!(
            c.owners_of("ok/x"),
            ["@org/ok-team_1", "first.last+tag@mail.example.co"]
        );
        assert_eq!(
            c.skipped,
            [
                "line 2: owner `sre` is not an `@user`, an `@org/team` or an email",
                "line 3: owner `launchgate/sre` is not an `@user`, an `@org/team` or an email",
                "line 4: `!/docs/`: `!` does not negate in CODEOWNERS",
                "line 5: `/[ab]/`: `[ ]` ranges do not work in CODEOWNERS",
                "line 6: `\\#notes`: a leading `#` cannot be escaped in CODEOWNERS",
            ]
        );
    }

    #[test]
    fn owners_are_users_teams_or_emails() {
        for ok in [
            "@alice",
            "@a-b_c",
            "@org/team",
            "@org-1/team_2",
            "a.b+c@d-e.example.com",
        ] {
            assert!(is_owner(ok), "{ok}");
        }
        for bad in [
            "alice",
            "@",
            "@org/",
            "@/team",
            "@org/team/sub",
            "@al!ce",
            "org/team",
            "alice@localhost",
            "alice@example.c",
            "@alice@example.com",
            "a@b@example.com",
        ] {
            assert!(!is_owner(bad), "{bad}");
        }
    }

    #[test]
    fn last_match_wins_with_gitignore_patterns() {
        let c = CodeOwners::parse(
            "CODEOWNERS",
            "* @org/all\n*.md @docs\n/runbooks/ @sre\nservices/**/alerts.yaml @alerting # comment\n/examples/private.md\n",
        );
        assert_eq!(c.owners_of("README.md"), ["@docs"]);
        assert_eq!(c.owners_of("runbooks/rollback.md"), ["@sre"]);
        assert_eq!(
            c.owners_of("x/runbooks/rollback.md"),
            ["@docs"],
            "anchored /runbooks/ matches only at the root"
        );
        assert_eq!(c.owners_of("services/a/b/alerts.yaml"), ["@alerting"]);
        assert_eq!(c.owners_of("src/main.rs"), ["@org/all"]);
        assert!(
            c.owners_of("examples/private.md").is_empty(),
            "a pattern without owners un-owns"
        );
    }
}
