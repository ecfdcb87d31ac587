//! The mutation matrix (`tests/mutations.yaml`): edits of the passing example that must make
//! an item fail. Read by `tests/mutations.rs` (which applies them) and `tests/docs.rs`
//! (which lists them under each item in `docs/items.md`).

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;
use serde_json::Value;

/// One mutation, as written in the data file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Mutation {
    /// The item it proves.
    pub item: String,
    /// What the edit claims, in words.
    pub what: String,
    /// A claim a naive check would let through (a case change, a future date, ...).
    #[serde(default)]
    pub naive: bool,
    /// Manifest fields to set (dotted paths; numbers index lists) to YAML values.
    #[serde(default)]
    pub set: BTreeMap<String, Value>,
    /// Manifest fields to remove.
    #[serde(default)]
    pub delete: Vec<String>,
    /// Text replacements, each of which must match exactly once.
    #[serde(default)]
    pub replace: Vec<Replace>,
    /// Files to copy over others (source: destination, relative to the example), before
    /// `write`.
    #[serde(default)]
    pub copy: BTreeMap<String, String>,
    /// Files to write (path relative to the example: content).
    #[serde(default)]
    pub write: BTreeMap<String, String>,
    /// Files to delete (relative to the example), before anything else.
    #[serde(default)]
    pub remove: Vec<String>,
    /// A tag to put on HEAD after the edit is committed.
    #[serde(default)]
    pub tag: Option<String>,
    /// A release tagged on the base's HEAD before the edit is committed on top of it: a
    /// release between the known-good one and the commit checked.
    #[serde(default)]
    pub released_before: Option<String>,
    /// Every item that fails with this edit (the item itself included, when it is an error),
    /// written by hand.
    #[serde(default)]
    pub fails: Vec<String>,
    /// Every warning-severity item that fails with it: a warning never blocks.
    #[serde(default)]
    pub warns: Vec<String>,
}

/// A text replacement in one file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Replace {
    /// File relative to the example (default: the manifest).
    #[serde(default = "manifest_name")]
    pub file: String,
    /// Text to find.
    pub from: String,
    /// Replacement.
    pub to: String,
}

fn manifest_name() -> String {
    "readiness.yaml".into()
}

/// The passing example in a git repository of its own (without its gate fixtures): the
/// example as the previous release, tagged [`super::PREVIOUS_RELEASE`], then HEAD naming that
/// tag as `rollback.known_good`.
pub fn base() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let example = super::root().join("examples/dashboard-factory");
    for entry in std::fs::read_dir(&example).unwrap() {
        let entry = entry.unwrap();
        if entry.file_name() == "fixtures" {
            continue;
        }
        let target = d.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
            super::copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
    let text = super::tag_previous_release(d);
    std::fs::write(d.join("readiness.yaml"), text).unwrap();
    super::git(d, &["commit", "-q", "-am", "this release"]);
    dir
}

/// Applies a mutation to a copy of [`base`] and commits it.
pub fn apply(m: &Mutation, dir: &Path) {
    if let Some(tag) = &m.released_before {
        super::git(dir, &["tag", tag]);
    }
    for file in &m.remove {
        std::fs::remove_file(dir.join(file)).unwrap_or_else(|e| panic!("{}: {file}: {e}", m.what));
    }
    // Copies first: a replace may then edit the copy.
    for (from, to) in &m.copy {
        std::fs::copy(dir.join(from), dir.join(to)).unwrap();
    }
    for r in &m.replace {
        let path = dir.join(&r.file);
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(
            text.matches(&r.from).count(),
            1,
            "{}: `{}` must occur exactly once in {}",
            m.what,
            r.from,
            r.file
        );
        std::fs::write(&path, text.replacen(&r.from, &r.to, 1)).unwrap();
    }
    if !m.set.is_empty() || !m.delete.is_empty() {
        let path = dir.join("readiness.yaml");
        let text = std::fs::read_to_string(&path).unwrap();
        let src = launchgate::source::SourceFile::new(&path, "readiness.yaml".into(), text);
        let mut json = launchgate::yaml::parse(&src, &launchgate::yaml::Limits::default())
            .unwrap()
            .to_json();
        for (at, value) in &m.set {
            *slot(&mut json, at, true).unwrap_or_else(|| panic!("{}: no `{at}`", m.what)) =
                value.clone();
        }
        for at in &m.delete {
            let (parent, last) = at
                .rsplit_once('.')
                .map_or(("", at.as_str()), |(p, l)| (p, l));
            let parent = if parent.is_empty() {
                Some(&mut json)
            } else {
                slot(&mut json, parent, false)
            };
            let removed = match parent {
                Some(Value::Object(map)) => map.remove(last).is_some(),
                Some(Value::Array(list)) => match last.parse::<usize>() {
                    Ok(i) if i < list.len() => {
                        list.remove(i);
                        true
                    }
                    _ => false,
                },
                _ => false,
            };
            assert!(removed, "{}: no `{at}` to delete", m.what);
        }
        // JSON is YAML: the manifest keeps its content, not its comments.
        std::fs::write(&path, serde_json::to_string_pretty(&json).unwrap()).unwrap();
    }
    for (file, content) in &m.write {
        let path = dir.join(file);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, content).unwrap();
    }
    super::git(dir, &["add", "-A"]);
    super::git(dir, &["commit", "-q", "--allow-empty", "-m", &m.what]);
    if let Some(tag) = &m.tag {
        super::git(dir, &["tag", tag]);
    }
}

/// The value at a dotted path (numbers index lists); `create` adds a missing last key.
fn slot<'a>(value: &'a mut Value, path: &str, create: bool) -> Option<&'a mut Value> {
    let (key, rest) = path
        .split_once('.')
        .map_or((path, None), |(k, r)| (k, Some(r)));
    let next = match value {
        Value::Object(map) => {
            if create && rest.is_none() {
                map.entry(key).or_insert(Value::Null)
            } else {
                map.get_mut(key)?
            }
        }
        Value::Array(list) => list.get_mut(key.parse::<usize>().ok()?)?,
        _ => return None,
    };
    match rest {
        Some(rest) => slot(next, rest, create),
        None => Some(next),
    }
}

/// Reads `tests/mutations.yaml` with launchgate's own YAML loader.
pub fn load(root: &Path) -> Vec<Mutation> {
    let path = root.join("tests/mutations.yaml");
    let text = std::fs::read_to_string(&path).unwrap();
    let src = launchgate::source::SourceFile::new(&path, "tests/mutations.yaml".into(), text);
    let doc = launchgate::yaml::parse(&src, &launchgate::yaml::Limits::default())
        .unwrap_or_else(|e| panic!("tests/mutations.yaml: {e}"));
    serde_json::from_value(doc.to_json()).unwrap_or_else(|e| panic!("tests/mutations.yaml: {e}"))
}

/// The Markdown listed under an item in `docs/items.md`.
pub fn markdown_for(item: &str, all: &[Mutation]) -> Option<String> {
    let mine: Vec<&Mutation> = all.iter().filter(|m| m.item == item).collect();
    if mine.is_empty() {
        return None;
    }
    let mut out = String::from(
        "*Proven to fail by* (edits of the passing example, `tests/mutations.yaml`):\n\n",
    );
    for m in mine {
        let also: Vec<&str> = m
            .fails
            .iter()
            .chain(&m.warns)
            .filter(|f| **f != m.item)
            .map(String::as_str)
            .collect();
        out.push_str(&format!("- {}", m.what));
        if m.naive {
            out.push_str(" *(a naive check passes this)*");
        }
        if !also.is_empty() {
            out.push_str(&format!("; also fails: {}", also.join(", ")));
        }
        out.push('\n');
    }
    out.push('\n');
    Some(out)
}
