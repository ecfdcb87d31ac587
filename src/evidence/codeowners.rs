//! CODEOWNERS: who owns which files, with GitHub's rules (the last matching line wins,
//! gitignore-style patterns).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use ignore::gitignore::{Gitignore, GitignoreBuilder};
use serde::Serialize;

/// Where GitHub looks for CODEOWNERS, in its order.
pub const LOCATIONS: &[&str] = &[".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS"];

/// CODEOWNERS by repository root, found and parsed once.
static FOUND: crate::recent::Cells<PathBuf, Option<Arc<CodeOwners>>> = crate::recent::Recent::new();

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
    /// Finds and parses the repository's CODEOWNERS, if it has one (once per run).
    pub fn find(root: &Path) -> Option<Arc<CodeOwners>> {
        crate::recent::cell(&FOUND, root)
            .get_or_init(|| {
                LOCATIONS.iter().find_map(|loc| {
                    let text = std::fs::read_to_string(root.join(loc)).ok()?;
                    Some(Arc::new(CodeOwners::parse(loc, &text)))
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
