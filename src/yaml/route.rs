//! Symbolic locations: a route of keys and indices (`risks[1].owner`), concretized later.

use std::fmt;

/// One step of a route.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Seg {
    /// A mapping key.
    Key(String),
    /// A sequence index.
    Index(usize),
}

/// A path from the document root to a node, e.g. `owners.escalation[0].after`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Route(Vec<Seg>);

impl Route {
    /// The document root.
    pub fn root() -> Route {
        Route(Vec::new())
    }

    /// Parse dotted notation: `a.b[2].c`. Keys are identifiers made of `[A-Za-z0-9_-]`.
    pub fn parse(text: &str) -> Option<Route> {
        let mut segs = Vec::new();
        if text.is_empty() {
            return Some(Route(segs));
        }
        for part in text.split('.') {
            let (key, mut rest) = match part.find('[') {
                Some(i) => (&part[..i], &part[i..]),
                None => (part, ""),
            };
            if key.is_empty() && segs.is_empty() && !rest.is_empty() {
                return None;
            }
            if !key.is_empty() {
                if !key
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
                {
                    return None;
                }
                segs.push(Seg::Key(key.to_string()));
            } else if rest.is_empty() {
                return None;
            }
            while !rest.is_empty() {
                let close = rest.find(']')?;
                let index = rest.get(1..close)?.parse().ok()?;
                segs.push(Seg::Index(index));
                rest = &rest[close + 1..];
                if !rest.is_empty() && !rest.starts_with('[') {
                    return None;
                }
            }
        }
        Some(Route(segs))
    }

    /// Convert a JSON pointer (`/risks/1/owner`) into a route of keys.
    pub fn from_pointer(pointer: &str) -> Route {
        Route(
            pointer
                .split('/')
                .skip(1)
                .map(|t| Seg::Key(t.replace("~1", "/").replace("~0", "~")))
                .collect(),
        )
    }

    /// The segments, from the root.
    pub fn segs(&self) -> &[Seg] {
        &self.0
    }

    /// Whether this is the document root.
    pub fn is_root(&self) -> bool {
        self.0.is_empty()
    }

    /// This route followed by a key.
    pub fn key(&self, key: &str) -> Route {
        let mut r = self.clone();
        r.0.push(Seg::Key(key.to_string()));
        r
    }

    /// This route followed by an index.
    pub fn index(&self, index: usize) -> Route {
        let mut r = self.clone();
        r.0.push(Seg::Index(index));
        r
    }

    /// This route followed by another one.
    pub fn join(&self, other: &Route) -> Route {
        let mut r = self.clone();
        r.0.extend(other.0.iter().cloned());
        r
    }

    /// The last segment and the route to its parent.
    pub fn split_last(&self) -> Option<(&Seg, Route)> {
        let (last, rest) = self.0.split_last()?;
        Some((last, Route(rest.to_vec())))
    }
}

impl fmt::Display for Route {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            return f.write_str("(document)");
        }
        for (i, seg) in self.0.iter().enumerate() {
            match seg {
                Seg::Key(k) if i == 0 => write!(f, "{k}")?,
                Seg::Key(k) if k.parse::<usize>().is_ok() => write!(f, "[{k}]")?,
                Seg::Key(k) => write!(f, ".{k}")?,
                Seg::Index(n) => write!(f, "[{n}]")?,
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_displays_dotted_routes() {
        for text in [
            "a",
            "a.b",
            "risks[3].owner",
            "a[1][2].b-c",
            "rollout.phases[0].gates[2]",
        ] {
            assert_eq!(Route::parse(text).unwrap().to_string(), text);
        }
        assert_eq!(Route::parse("").unwrap(), Route::root());
    }

    #[test]
    fn rejects_malformed_routes() {
        for text in ["a..b", "a[", "a[x]", "[0]", "a[1]b", "a b"] {
            assert!(Route::parse(text).is_none(), "{text}");
        }
    }

    #[test]
    fn pointers_become_key_routes() {
        assert_eq!(
            Route::from_pointer("/risks/0/id").to_string(),
            "risks[0].id"
        );
        assert_eq!(
            Route::from_pointer("/a~1b").segs(),
            &[Seg::Key("a/b".into())]
        );
        assert!(Route::from_pointer("").is_root());
    }
}
