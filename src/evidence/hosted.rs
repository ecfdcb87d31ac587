//! Links to a file on a code host (GitHub, GitLab, Gitea, Bitbucket): an alert's `runbook_url`
//! is often the repository's own runbook as its host shows it
//! (`https://github.com/acme/shop/blob/main/runbooks/rollback.md`), and is then compared with
//! the runbook the manifest names like a path would be.

/// The repository paths a code-host file link may name, the shortest branch or tag name
/// first (a ref such as `release/1.4` holds slashes, so where the ref ends is not written):
/// `blob/main/runbooks/x.md` may be `runbooks/x.md` on `main` or `x.md` on `main/runbooks`.
/// Empty for any other URL.
pub fn repo_paths(link: &str) -> Vec<String> {
    let Ok(url) = url::Url::parse(link.trim()) else {
        return Vec::new();
    };
    let Some(segments) = url.path_segments() else {
        return Vec::new();
    };
    let segments: Vec<String> = segments
        .map(|s| {
            percent_decode(s)
                .filter(|d| !d.contains(['/', '\\']))
                .unwrap_or_default()
        })
        .collect();
    if segments
        .iter()
        .any(|s| s.is_empty() || s == "." || s == "..")
    {
        return Vec::new();
    }
    // Where the ref starts: after `owner/repo/` on GitHub's raw host, else after the marker
    // that follows `owner/repo` (GitLab writes `-/blob`, Gitea `src/branch`).
    let raw_host = url.host_str() == Some("raw.githubusercontent.com");
    let ref_at = if raw_host {
        Some(2)
    } else {
        segments.iter().enumerate().skip(2).find_map(|(i, s)| {
            let after_gitea = |i: usize| match segments.get(i + 1).map(String::as_str) {
                Some("branch" | "tag" | "commit") => i + 2,
                _ => i + 1,
            };
            match s.as_str() {
                "blob" | "raw" => Some(i + 1),
                "src" => Some(after_gitea(i)),
                _ => None,
            }
        })
    };
    let Some(ref_at) = ref_at else {
        return Vec::new();
    };
    (ref_at + 1..segments.len())
        .map(|k| segments[k..].join("/"))
        .collect()
}

/// A path segment with its `%XX` escapes decoded, if they decode to UTF-8 (an escape that is
/// not one, `%zz`, stays as written, as browsers and code hosts keep it).
fn percent_decode(segment: &str) -> Option<String> {
    percent_encoding::percent_decode_str(segment)
        .decode_utf8()
        .ok()
        .map(std::borrow::Cow::into_owned)
}

#[cfg(test)]
mod tests {
    use super::repo_paths;

    #[test]
    fn code_host_links_name_repository_paths() {
        assert_eq!(
            repo_paths("https://github.com/acme/shop/blob/main/runbooks/rollback.md#L3"),
            ["runbooks/rollback.md", "rollback.md"]
        );
        assert_eq!(
            repo_paths(
                "https://gitlab.example.org/group/sub/shop/-/blob/release/1.4/docs/run%20book.md?plain=1"
            ),
            ["1.4/docs/run book.md", "docs/run book.md", "run book.md"]
        );
        assert_eq!(
            repo_paths("https://raw.githubusercontent.com/acme/shop/main/runbooks/x.md"),
            ["runbooks/x.md", "x.md"]
        );
        assert_eq!(
            repo_paths("https://gitea.acme.dev/acme/shop/src/branch/main/runbooks/x.md"),
            ["runbooks/x.md", "x.md"]
        );
        assert_eq!(
            repo_paths("https://bitbucket.org/acme/shop/src/abc123/runbooks/x.md"),
            ["runbooks/x.md", "x.md"]
        );
        // Escapes as `percent-encoding` reads them: UTF-8 decoded, a `%` that starts none kept.
        assert_eq!(
            repo_paths("https://github.com/acme/shop/blob/main/caf%C3%A9/50%zz.md"),
            ["café/50%zz.md", "50%zz.md"]
        );
    }

    #[test]
    fn other_links_name_nothing() {
        for link in [
            "https://wiki.acme.dev/ops/stalled",
            "https://github.com/acme/shop",
            "https://github.com/blob/x",
            "https://github.com/acme/shop/blob/main",
            "https://github.com/acme/shop/blob/main/../../etc/passwd",
            "https://github.com/acme/shop/blob/main/%2e%2e/x.md",
            "https://github.com/acme/shop/blob/main/a%2Fb.md",
            "https://github.com/acme/shop/blob/main/%ff.md",
            "runbooks/x.md",
            "mailto:oncall@acme.dev",
        ] {
            assert!(repo_paths(link).is_empty(), "{link}");
        }
    }
}
