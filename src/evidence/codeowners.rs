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
    /// (matcher, owners) in file order.
    #[serde(skip)]
    rules: Vec<(Gitignore, Vec<String>)>,
}

impl CodeOwners {
    /// Finds and parses the repository's CODEOWNERS, if it has one (once per root). It is read
    /// as evidence files are: inside the repository, without blocking, bounded in size.
    pub fn find(base: &Base) -> Option<Found> {
        crate::recent::cell(&FOUND, &base.root)
            .get_or_init(|| {
                let root = base.at_root();
                LOCATIONS.iter().find_map(|loc| match root.read_text(loc) {
                    Ok((_, text)) => Some(Found::Parsed(Arc::new(CodeOwners::parse(loc, &text)))),
                    Err(PathProblem::Missing(_)) => None,
                    Err(problem) => Some(Found::Broken {
                        file: loc,
                        problem: problem.to_string(),
                    }),
                })
            })
            .clone()
    }

    /// Forgets the roots not asked for since the last call (see [`crate::recent::Recent`]).
    pub fn age() {
        FOUND.age();
    }

    /// Parses CODEOWNERS text.
    pub fn parse(file: &str, text: &str) -> CodeOwners {
        let rules = text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .filter_map(|l| {
                let mut parts = l.split_whitespace();
                let pattern = parts.next()?.to_string();
                let owners = parts
                    .take_while(|p| !p.starts_with('#'))
                    .map(str::to_string)
                    .collect();
                let mut b = GitignoreBuilder::new("/");
                b.add_line(None, &pattern).ok()?;
                Some((b.build().ok()?, owners))
            })
            .collect();
        CodeOwners {
            file: file.to_string(),
            rules,
        }
    }

    /// Owners of a repository-relative path: the last matching line's owners (possibly none).
    pub fn owners_of(&self, path: &str) -> Vec<String> {
        let path = Path::new("/").join(path);
        for (m, owners) in self.rules.iter().rev() {
            if m.matched_path_or_any_parents(&path, false).is_ignore() {
                return owners.clone();
            }
        }
        Vec::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
