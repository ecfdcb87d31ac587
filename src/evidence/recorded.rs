//! Whether what a manifest records (a review, a test) still vouches for what it covers: a
//! runbook reviewed and changed since, a rollback procedure or its measured time changed
//! after the test.
//!
//! Records are dates, and dates are what rebases and squash merges rewrite (a squashed pull
//! request lands the runbook and its review in one commit dated the day of the merge). So
//! the question is asked of the history instead: what the record covers must be as it was
//! in the commit that recorded it as it is now. A change made and reverted since is no
//! change; a change that came with a merge is named by the merge.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use serde_json::Value;

use super::history::{
    Chain, blob_at, history_cut, last_holding, last_holding_from_head, renamed_from,
};
use crate::source::SourceFile;
use crate::yaml::{Limits, Node, Route, Seg, parse};

/// A manifest text of the history as a tree; `None` when it does not parse.
pub(super) fn tree(text: &str) -> Option<Node> {
    let src = SourceFile::new(Path::new(""), String::new(), text.to_string());
    parse(&src, &Limits::default()).ok()
}

/// The review a runbook's entry records (`reviewed_by`, `reviewed_on`), if any.
fn review_of(entry: &Value) -> Option<Value> {
    let (by, on) = (entry.get("reviewed_by"), entry.get("reviewed_on"));
    (by.is_some() || on.is_some()).then(|| serde_json::json!([by, on]))
}

/// A value as a message shows it: strings without quotes.
fn as_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// How a version of the manifest holds a record, given its value at the record's route.
#[derive(Clone, Copy)]
enum Holds {
    /// A runbook entry's review: its `reviewed_by` and `reviewed_on`.
    Review,
    /// The value itself.
    Value,
    /// A list with the record among its elements, wherever (a sign-off: one added before
    /// it moves it, and does not record it again).
    Element,
}

/// What the manifest records, and how messages name it.
struct Record<'a> {
    /// Where the manifest records it (for [`Holds::Element`], the list).
    route: &'a Route,
    holds: Holds,
    /// The record as the manifest has it now.
    now: Value,
    /// "its review (by @carol, on 2026-11-03)", "`rollback.last_tested: 2026-11-02`".
    shown: String,
    /// "the review", "`rollback.last_tested`".
    noun: String,
}

impl Record<'_> {
    /// Whether a version whose value at the record's route is `v` holds the record as it is
    /// now.
    fn held_by(&self, v: Option<&Value>) -> bool {
        match self.holds {
            Holds::Review => v.and_then(review_of).as_ref() == Some(&self.now),
            Holds::Value => v == Some(&self.now),
            Holds::Element => v
                .and_then(Value::as_array)
                .is_some_and(|list| list.contains(&self.now)),
        }
    }
}

/// A record as a message names it: "`rollback.last_tested: 2026-11-02`", "`signoffs[2]`
/// (role: review, by: @dana, date: 2026-11-14)".
fn record_shown(record: &str, v: &Value) -> String {
    match v {
        Value::Object(fields) => {
            let fields: Vec<String> = fields
                .iter()
                .map(|(k, v)| format!("{k}: {}", as_text(v)))
                .collect();
            format!("`{record}` ({})", fields.join(", "))
        }
        other => format!("`{record}: {}`", as_text(other)),
    }
}

/// What a record covers.
enum Covered<'a> {
    /// A runbook's file: repository-relative, as the manifest writes it now, and its
    /// working-tree blob id. A version is the blob of the file the manifest named then: a
    /// runbook pointed at another file after the record is another procedure, and one moved
    /// with its entry is the same.
    File {
        path: &'a str,
        written: &'a str,
        now: git2::Oid,
    },
    /// A value of the manifest, and the value now.
    Value {
        route: &'a Route,
        now: Option<Arc<Value>>,
    },
}

/// A version of what a record covers, as a commit has it (values shared: a rollout is
/// compared, not copied, at every probe).
#[derive(Clone, PartialEq)]
enum Version {
    Blob(Option<git2::Oid>),
    Value(Option<Arc<Value>>),
}

impl Covered<'_> {
    fn now(&self) -> Version {
        match self {
            Covered::File { now, .. } => Version::Blob(Some(*now)),
            Covered::Value { now, .. } => Version::Value(now.clone()),
        }
    }

    fn name(&self) -> String {
        match self {
            Covered::File { path, .. } => format!("`{path}`"),
            Covered::Value { route, .. } => format!("`{route}`"),
        }
    }
}

/// A record and what it covers, in one manifest.
struct Subject<'a> {
    /// The manifest, repository-relative, and its working-tree blob id.
    manifest: &'a str,
    manifest_id: Option<git2::Oid>,
    record: Record<'a>,
    /// Where the manifest holds what the record covers.
    covered_route: &'a Route,
    covered: Covered<'a>,
}

/// What every question about one manifest's records shares: its blob id at each commit of
/// the chain probed, and each version parsed (a manifest asks up to six questions, and they
/// probe the same commits).
#[derive(Default)]
struct Memo {
    /// The working tree's manifest blob id (every question compares with it).
    working: Option<Option<git2::Oid>>,
    manifest_at: HashMap<usize, Option<git2::Oid>>,
    docs: HashMap<git2::Oid, Option<Arc<Node>>>,
    /// Where the manifest was along the chain, newest first: from each index on (until the
    /// next), its path (`None` before it was added). Starts empty: its path now from 0.
    paths: Vec<(usize, Option<String>)>,
}

/// The manifest's versions along the history, each parsed once however often it is probed.
struct Versions<'a> {
    repo: &'a git2::Repository,
    chain: &'a mut Chain,
    subject: &'a Subject<'a>,
    memo: &'a mut Memo,
    /// By the manifest's blob id: whether it records the record as it is now, and the
    /// covered value it holds (for a covered value).
    seen: HashMap<Option<git2::Oid>, (bool, Option<Arc<Value>>)>,
}

impl<'a> Versions<'a> {
    fn commit(&mut self, i: usize) -> Option<git2::Commit<'a>> {
        let id = self.chain.get(self.repo, i)?;
        self.repo.find_commit(id).ok()
    }

    /// The manifest's path at commit `i`: its path now, or, past a commit that moved it (a
    /// rename git finds between the commit and its parent), the path it had before. `None`
    /// before it was added.
    fn path_at(&mut self, i: usize) -> Option<String> {
        if self.memo.paths.is_empty() {
            let now = self.subject.manifest.to_string();
            self.memo.paths.push((0, Some(now)));
        }
        loop {
            let last = self.memo.paths.len() - 1;
            let seg = self.memo.paths.iter().rposition(|(at, _)| *at <= i)?;
            if seg < last {
                return self.memo.paths[seg].1.clone();
            }
            let (start, path) = self.memo.paths[last].clone();
            let path = path?;
            // Found at `i` (the usual case: nothing moved; kept as the manifest's version
            // there, so it is looked up once), or nothing to follow: a manifest not committed
            // at the segment's start, or a commit past the history read.
            if matches!(self.memo.manifest_at.get(&i), Some(Some(_))) {
                return Some(path);
            }
            if let Some(id) = self.blob(i, &path) {
                self.memo.manifest_at.insert(i, Some(id));
                return Some(path);
            }
            if !self.in_history(i) || self.blob(start, &path).is_none() {
                return Some(path);
            }
            // The oldest commit from `start` on that still has it: its parent does not.
            let (mut has, mut lacks) = (start, i);
            while lacks - has > 1 {
                let mid = has + (lacks - has) / 2;
                match self.blob(mid, &path) {
                    Some(_) => has = mid,
                    None => lacks = mid,
                }
            }
            let before = self.renamed_from(has, &path);
            self.memo.paths.push((has + 1, before));
        }
    }

    /// The blob at `path` in commit `i`.
    fn blob(&mut self, i: usize, path: &str) -> Option<git2::Oid> {
        self.commit(i).and_then(|c| blob_at(&c, Path::new(path)))
    }

    /// The path `path` had in commit `k + 1`, when commit `k` (its child on the chain)
    /// renamed it.
    fn renamed_from(&mut self, k: usize, path: &str) -> Option<String> {
        let (child, parent) = (self.commit(k)?, self.commit(k + 1)?);
        renamed_from(self.repo, &child, &parent, path)
    }

    fn manifest(&mut self, i: usize) -> &(bool, Option<Arc<Value>>) {
        let s = self.subject;
        let id = match self.memo.manifest_at.get(&i) {
            Some(id) => *id,
            None => {
                let path = self.path_at(i);
                let id = match self.memo.manifest_at.get(&i) {
                    Some(id) => *id,
                    None => path.and_then(|p| self.blob(i, &p)),
                };
                self.memo.manifest_at.insert(i, id);
                id
            }
        };
        if !self.seen.contains_key(&id) {
            let doc = id.and_then(|id| {
                let repo = self.repo;
                self.memo
                    .docs
                    .entry(id)
                    .or_insert_with(|| {
                        let blob = repo.find_blob(id).ok()?;
                        tree(std::str::from_utf8(blob.content()).ok()?).map(Arc::new)
                    })
                    .clone()
            });
            let value = |route: &Route| Some(doc.as_ref()?.at(route)?.to_json());
            let records = s.record.held_by(value(s.record.route).as_ref());
            let covered = match &s.covered {
                Covered::Value { route, .. } => value(route).map(Arc::new),
                Covered::File { .. } => value(s.covered_route).map(Arc::new),
            };
            self.seen.insert(id, (records, covered));
        }
        &self.seen[&id]
    }

    /// Whether the first-parent line has an `i`th commit.
    fn in_history(&mut self, i: usize) -> bool {
        self.chain.get(self.repo, i).is_some()
    }

    /// Whether commit `i` records the record as it is now.
    fn records(&mut self, i: usize) -> bool {
        self.manifest(i).0
    }

    /// The path commit `i`'s manifest writes for the covered runbook (its entry is a path,
    /// or a mapping with `path`).
    fn named(&mut self, i: usize) -> Option<String> {
        let entry = self.manifest(i).1.clone()?;
        match &*entry {
            Value::String(p) => Some(p.clone()),
            other => Some(other.get("path")?.as_str()?.to_string()),
        }
    }

    /// What commit `i` holds of what the record covers.
    fn covered(&mut self, i: usize) -> Version {
        match &self.subject.covered {
            Covered::File { path, written, .. } => {
                let manifest = self.path_at(i);
                let then = match self.named(i) {
                    None => return Version::Blob(None),
                    Some(n)
                        if n == *written && manifest.as_deref() == Some(self.subject.manifest) =>
                    {
                        path.to_string()
                    }
                    Some(n) => {
                        let manifest = manifest.unwrap_or_default();
                        let dir = Path::new(&manifest).parent();
                        super::paths::joined(dir.unwrap_or(Path::new("")), &n)
                    }
                };
                Version::Blob(self.commit(i).and_then(|c| blob_at(&c, Path::new(&then))))
            }
            Covered::Value { .. } => Version::Value(self.manifest(i).1.clone()),
        }
    }
}

/// Why the subject's record no longer covers what it covers, or `None` when it does (or
/// when HEAD does not hold the record: it is being recorded now). `Err` says why the
/// history cannot tell: the record was made before the oldest commit read (a shallow clone,
/// or more than [`super::git::MAX_COMMITS`] commits ago) and nothing changed since then.
///
/// `chain` is HEAD's first-parent line, newest first: the record was made at the oldest
/// commit of the run, from HEAD back, that holds it as it is now (a merge commit, for a
/// review that came in with a pull request), and it covers what that commit has. Both are
/// found by halving, not commit by commit: the chain is shared by every manifest, and a
/// run over thousands of them must not walk the history once each.
fn changed_since(
    repo: &git2::Repository,
    chain: &mut Chain,
    s: &Subject,
    memo: &mut Memo,
) -> Result<Option<String>, String> {
    let mut v = Versions {
        repo,
        chain,
        subject: s,
        memo,
        seen: HashMap::new(),
    };
    if s.manifest_id.is_some() {
        // The working manifest holds the record by definition, and is usually every version
        // probed: not parsed again.
        let covered = match &s.covered {
            Covered::Value { now, .. } => now.clone(),
            Covered::File { written, .. } => Some(Arc::new(Value::from(*written))),
        };
        v.seen.insert(s.manifest_id, (true, covered));
    }
    if !v.records(0) {
        // HEAD holds another record, or none (or there is no HEAD): this one is being
        // recorded now, beside whatever the working tree holds.
        return Ok(None);
    }
    let at = match v.chain.complete {
        // Another question read the whole line already: its end is asked first (a record
        // as old as the history read, the common case in a large run, is one probe).
        true => last_holding(v.chain.oids.len(), |i| v.records(i)),
        false => last_holding_from_head(|i, record| v.in_history(i) && (!record || v.records(i))),
    };
    let then = v.covered(at);
    let what = match (&s.covered, v.named(at)) {
        (Covered::File { written, .. }, Some(named)) if named != *written => {
            format!("`{}` (`{named}` then, `{written}` now)", s.covered_route)
        }
        (Covered::File { written, .. }, None) => {
            format!("`{}` (none then, `{written}` now)", s.covered_route)
        }
        _ => s.covered.name(),
    };
    let record = &s.record;
    let (shown, noun) = (&record.shown, &record.noun);
    if then == s.covered.now() {
        if !v.in_history(at + 1) && history_cut(repo, v.chain) {
            // The record may be older than the oldest commit read, and what it covers may
            // have changed between the two: a pass here would be a guess.
            return Err(format!(
                "{what}: {shown} was recorded in or before the oldest commit this clone holds, so whether {what} changed after it cannot be told; fetch the history (`git fetch --unshallow`; actions/checkout: `fetch-depth: 0`)"
            ));
        }
        return Ok(None);
    }
    let values = match (&then, s.covered.now(), &s.covered) {
        (Version::Value(then), Version::Value(now), Covered::Value { route, .. }) => {
            format!(
                " ({})",
                difference(route, route, then.as_deref(), now.as_deref())
            )
        }
        _ => String::new(),
    };
    // The oldest commit after the record's with other contents.
    let kept = last_holding(at + 1, |t| v.covered(at - t) == then);
    if kept == at {
        return Ok(Some(format!(
            "{what} has changes not committed yet{values}, and {shown} was recorded in an earlier commit: {noun} does not cover them"
        )));
    }
    let Some(changed) = v.commit(at - kept - 1) else {
        return Ok(None);
    };
    Ok(Some(format!(
        "{what} changed after {shown} was recorded{values}: {} changed it and left {noun} as it was",
        super::stages::describe(&changed),
    )))
}

/// The first place where two versions of the value at `route` differ, as a message shows
/// it: "5 then, 3 now" for the value itself, "`risks[3]` added", "`rollout.phases[0].traffic`:
/// 5 then, 10 now". Lists and mappings are not written out: a reader looks them up.
fn difference(top: &Route, route: &Route, then: Option<&Value>, now: Option<&Value>) -> String {
    let place = |text: String| match route == top {
        true => text,
        false => format!("`{route}`: {text}"),
    };
    let text = |v: &Value| match v {
        Value::Array(_) => "a list".to_string(),
        Value::Object(_) => "a mapping".to_string(),
        other => as_text(other),
    };
    match (then, now) {
        (Some(Value::Object(a)), Some(Value::Object(b))) => {
            let keys: std::collections::BTreeSet<&String> = a.keys().chain(b.keys()).collect();
            match keys.into_iter().find(|k| a.get(*k) != b.get(*k)) {
                Some(k) => difference(top, &route.key(k), a.get(k), b.get(k)),
                None => place("the same".into()),
            }
        }
        (Some(Value::Array(a)), Some(Value::Array(b))) => {
            match (0..a.len().max(b.len())).find(|&i| a.get(i) != b.get(i)) {
                Some(i) => difference(top, &route.index(i), a.get(i), b.get(i)),
                None => place("the same".into()),
            }
        }
        (None, Some(_)) if route != top => format!("`{route}` added"),
        (Some(_), None) if route != top => format!("`{route}` removed"),
        (then, now) => {
            let shown = |v: Option<&Value>| v.map_or("not set".into(), text);
            place(format!("{} then, {} now", shown(then), shown(now)))
        }
    }
}

/// The manifest as checked, for the rules' `changed_since_review(route)` and
/// `changed_since_recorded(record, covered)`: its repository-relative path and values (as
/// the rules see them, runbooks as `{path, ...}`), and the answers so far (a rule and its
/// message both ask).
pub struct Records {
    manifest: String,
    doc: Arc<Value>,
    memo: std::sync::Mutex<Memo>,
    answers: std::sync::Mutex<HashMap<(String, String), Result<String, String>>>,
}

impl Records {
    /// For the manifest at `manifest` (repository-relative) whose rule view is `doc`.
    pub fn new(manifest: String, doc: Arc<Value>) -> Records {
        Records {
            manifest,
            doc,
            memo: Default::default(),
            answers: Default::default(),
        }
    }

    /// Why the review recorded at `route` (`runbooks.support`) no longer covers its file, or
    /// `""` when it does or nothing is there to compare (no such review, a file outside the
    /// repository); `Err` when the history cannot tell. `files` maps paths as written to
    /// their facts (`repo_path`).
    pub fn review(
        &self,
        repo: &super::git::Repo,
        files: &serde_json::Map<String, Value>,
        route: &str,
    ) -> Result<String, String> {
        self.answer(repo, files, route, None)
    }

    /// Why the value at `record` (`rollback.last_tested`) no longer vouches for `covered`:
    /// a runbook (`runbooks.rollback`: its file) or a value (`rollback.max_minutes`) that
    /// changed after the record was made. `""` and `Err` as for [`Records::review`].
    pub fn recorded(
        &self,
        repo: &super::git::Repo,
        files: &serde_json::Map<String, Value>,
        record: &str,
        covered: &str,
    ) -> Result<String, String> {
        self.answer(repo, files, record, Some(covered))
    }

    fn answer(
        &self,
        repo: &super::git::Repo,
        files: &serde_json::Map<String, Value>,
        record: &str,
        covered: Option<&str>,
    ) -> Result<String, String> {
        let key = (record.to_string(), covered.unwrap_or_default().to_string());
        if let Some(hit) = self.answers.lock().ok().and_then(|a| a.get(&key).cloned()) {
            return hit;
        }
        let answer = self
            .compare(repo, files, record, covered)
            .transpose()
            .map(Option::unwrap_or_default);
        if let Ok(mut a) = self.answers.lock() {
            a.insert(key, answer.clone());
        }
        answer
    }

    fn compare(
        &self,
        repo: &super::git::Repo,
        files: &serde_json::Map<String, Value>,
        record: &str,
        covered: Option<&str>,
    ) -> Option<Result<String, String>> {
        let at = |r: &Route| crate::checklist::eval::at(&self.doc, r);
        let record_route = Route::parse(record)?;
        let covered_route = match covered {
            Some(c) => Route::parse(c)?,
            None => record_route.clone(),
        };
        // An element of a list is looked for in the whole list: where it stands moves.
        let list = match record_route.split_last() {
            Some((Seg::Index(_), list)) if at(&list).is_some_and(Value::is_array) => Some(list),
            _ => None,
        };
        let (holds, now, shown, noun) = match covered {
            None => {
                let entry = at(&record_route)?;
                let by_on = |k: &str| entry.get(k).map_or("?".into(), as_text);
                let review = format!("by {}, on {}", by_on("reviewed_by"), by_on("reviewed_on"));
                (
                    Holds::Review,
                    review_of(entry)?,
                    format!("its review ({review})"),
                    "the review".to_string(),
                )
            }
            Some(_) => {
                let value = at(&record_route)?.clone();
                let holds = if list.is_some() {
                    Holds::Element
                } else {
                    Holds::Value
                };
                let shown = record_shown(record, &value);
                (holds, value, shown, format!("`{record}`"))
            }
        };
        let read_route = list.unwrap_or_else(|| record_route.clone());
        repo.with_git(|g| {
            let mut memo = self.memo.lock().ok()?;
            let manifest_id = *memo
                .working
                .get_or_insert_with(|| repo.working_id(g, &self.manifest));
            let covers = match at(&covered_route) {
                // A runbook entry covers its file: only one inside the repository that was
                // read (its facts say so).
                Some(Value::Object(entry))
                    if matches!(covered_route.segs(), [Seg::Key(k), _] if k == "runbooks") =>
                {
                    let written = entry.get("path")?.as_str()?;
                    let facts = files.get(written).filter(|f| f["exists"] == true)?;
                    let path = facts.get("repo_path")?.as_str()?;
                    Covered::File {
                        path,
                        written,
                        now: repo.working_id(g, path)?,
                    }
                }
                value => Covered::Value {
                    route: &covered_route,
                    now: value.cloned().map(Arc::new),
                },
            };
            let subject = Subject {
                manifest: &self.manifest,
                manifest_id,
                record: Record {
                    route: &read_route,
                    holds,
                    now,
                    shown,
                    noun,
                },
                covered_route: &covered_route,
                covered: covers,
            };
            let mut chain = repo.first_parents.lock().ok()?;
            changed_since(g, &mut chain, &subject, &mut memo).transpose()
        })?
    }
}
