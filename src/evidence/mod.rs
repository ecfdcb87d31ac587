//! Evidence: facts about the repository that checklist rules read as `evidence`.
//!
//! Each source adds its own key to the facts document (`files` here; later sources add theirs),
//! so checklists gain evidence without changes to the rule engine.

pub mod alerts;
mod claims;
pub mod codeowners;
pub mod dashboards;
pub mod dated;
mod facts;
pub mod git;
mod history;
pub mod hosted;
pub mod markdown;
mod naming;
pub mod paths;
pub mod recorded;
pub mod refname;
pub mod releases;
pub mod rulefmt;
pub mod slips;
pub mod stages;

use std::collections::{BTreeMap, HashSet};

use crate::manifest::PathRef;
use crate::source::{SourceFile, display_path};
use crate::yaml::Seg;
pub use claims::{Claims, RunbookRelease};
pub use facts::{Facts, FileFacts, GitFacts, OwnersFacts};
pub use paths::{Base, PathProblem, Reader};

/// What evidence collection needs besides the referenced files.
pub struct Context<'a> {
    /// The manifest file.
    pub manifest: &'a std::path::Path,
    /// The manifest as JSON.
    pub doc: &'a serde_json::Value,
    /// Evaluation time, unix seconds.
    pub now_unix: i64,
}

/// Forgets the repositories and CODEOWNERS files no manifest asked for since the last call: a
/// run over many manifests calls it between chunks (see [`crate::recent::Recent`]).
pub fn age() {
    git::age();
    codeowners::CodeOwners::age();
}

/// Gathers every evidence source for a manifest.
pub fn collect_all(base: &Base, refs: &[PathRef], cx: &Context) -> Facts {
    let dir = cx.manifest.parent().unwrap_or(std::path::Path::new(""));
    let strings = |pointer: &str, field: Option<&str>| -> Vec<String> {
        crate::manifest::value_at(cx.doc, pointer)
            .and_then(serde_json::Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|v| match field {
                Some(f) => v.get(f),
                None => Some(v),
            })
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect()
    };
    let rule_files = strings("/alerts/rules", None);
    let dashboard_files = strings("/telemetry/signals", Some("dashboard"));
    let signals = strings("/telemetry/signals", Some("name"));
    let mut reader = Reader::new(base);
    let parsed_later: HashSet<&str> = rule_files
        .iter()
        .chain(&dashboard_files)
        .map(String::as_str)
        .collect();
    let repo = git::open(&base.root);
    let known_good = crate::manifest::value_at(cx.doc, "/rollback/known_good")
        .and_then(serde_json::Value::as_str);
    // `known_good`'s ancestry walk reads the history commit by commit: the longest step of a
    // one-manifest check once its repository is open (`check_file` starts it early), so it
    // runs beside reading the files and CODEOWNERS.
    let ((mut facts, owners), known_good) = rayon::join(
        || {
            let claims = Claims::of(cx.doc, cx.now_unix);
            let mut facts = collect(&mut reader, dir, refs, &parsed_later, &claims);
            facts.alerts = alerts::collect(&mut reader, dir, &rule_files, &facts.files, &signals);
            facts.risk_alerts = claims::risk_alerts(cx.doc, &facts.alerts);
            facts.naming.metrics(&facts.alerts, &claims);
            facts.dashboards = dashboards::collect(&mut reader, &dashboard_files);
            facts.naming.titles(&facts.dashboards, &claims);
            (facts, codeowners::CodeOwners::find(base))
        },
        || known_good.map(|r| repo.known_good(r)),
    );
    let repo_paths: Vec<String> = facts.files.values().map(|f| f.repo_path.clone()).collect();
    let file_git = repo.tracked(&repo_paths);
    facts.git = GitFacts {
        repo: Some(repo.facts.clone()),
        known_good,
        now_unix: cx.now_unix,
    };
    let manifest_name = cx
        .manifest
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let parsed = match &owners {
        Some(codeowners::Found::Parsed(o)) => Some(o),
        _ => None,
    };
    for f in facts.files.values_mut() {
        if repo.facts.repository {
            f.git = file_git.get(&f.repo_path).cloned();
        }
        if let Some(o) = parsed {
            f.owners = Some(o.owners_of(&f.repo_path));
        }
    }
    facts.codeowners = match owners {
        None => OwnersFacts::default(),
        Some(codeowners::Found::Parsed(o)) => OwnersFacts {
            present: true,
            file: Some(o.file.clone()),
            manifest: o.owners_of(&base.repo_relative(&manifest_name)),
            skipped: o.skipped.clone(),
            problem: None,
        },
        Some(codeowners::Found::Broken { file, problem }) => OwnersFacts {
            present: true,
            file: Some(file.to_string()),
            manifest: Vec::new(),
            skipped: Vec::new(),
            problem: Some(problem),
        },
    };
    facts
}

/// Gathers file facts for every referenced path; files in `parsed_later` are read now and their
/// texts kept in `reader` for their parsers.
pub fn collect(
    reader: &mut Reader,
    manifest_dir: &std::path::Path,
    refs: &[PathRef],
    parsed_later: &HashSet<&str>,
    claims: &Claims<'_>,
) -> Facts {
    let base = reader.base;
    let mut facts = Facts::default();
    // Markdown texts read so far, in the manifest's order: (path as written, repository path,
    // text), to tell a copy of an earlier one.
    let mut texts: Vec<(String, String, markdown::Body)> = Vec::new();
    // (copy, original, whether edited).
    let mut copies: Vec<(String, String, bool)> = Vec::new();
    // What a runbook says of its own duration is read of the rollback and restore runbooks
    // only: no rule asks it of another, and reading every runbook's sentences cost 7% of a
    // check.
    // So are the update intervals promised, of the message templates only.
    let at_route = |first: &str, second: &str| {
        refs.iter()
            .find(|r| matches!(r.route.segs(), [Seg::Key(a), Seg::Key(b), ..] if a == first && b == second))
            .map(|r| r.path.as_str())
    };
    // The runbooks of required alerts: their opening paragraphs describe the alert.
    let alert_runbooks: Vec<&str> = refs
        .iter()
        .filter(|r| {
            matches!(r.route.segs(), [Seg::Key(a), Seg::Key(b), Seg::Index(_), Seg::Key(c)]
                if a == "alerts" && b == "required" && c == "runbook")
        })
        .map(|r| r.path.as_str())
        .collect();
    // Runbooks of a place (`runbooks.incident`, ...), judged as that place's.
    let placed: Vec<&str> = refs
        .iter()
        .filter(|r| matches!(r.route.segs(), [Seg::Key(a), ..] if a == "runbooks"))
        .map(|r| r.path.as_str())
        .collect();
    let notes = at_route("rehearsal", "notes");
    let (rollback, restore, templates, incident, support, monitoring) = (
        at_route("runbooks", "rollback"),
        at_route("runbooks", "restore"),
        at_route("comms", "templates"),
        at_route("runbooks", "incident"),
        at_route("runbooks", "support"),
        at_route("runbooks", "monitoring"),
    );
    for r in refs {
        if facts.files.contains_key(&r.path) {
            continue;
        }
        let repo_path = base.repo_relative(&r.path);
        let result = if markdown::is_markdown(&r.path) {
            base.read_text(&r.path).map(|(path, source)| {
                // Every reading sees what GitHub shows (no HTML comment); snippets quote the
                // file as written.
                let visible = markdown::visible(&source);
                let text: &str = &visible;
                let mut md = markdown::facts(text);
                if matches!(visible, std::borrow::Cow::Owned(_)) {
                    md.placeholder_lines = markdown::placeholder_lines(&source);
                }
                let shown = || display_path(&manifest_dir.join(&r.path));
                // Findings may point at the line that waits, says what a run took, or promises
                // the next update: the text is kept for their snippets.
                let mut pointed = None;
                let here = Some(r.path.as_str());
                let both;
                let subjects: &[&str] = match (rollback == here, restore == here) {
                    (true, true) => {
                        both = [markdown::ROLLBACK, markdown::RESTORE].concat();
                        &both
                    }
                    (true, false) => markdown::ROLLBACK,
                    (false, true) => markdown::RESTORE,
                    (false, false) => &[],
                };
                if !subjects.is_empty() {
                    let mut timing = markdown::timing(text, subjects, &claims.today);
                    if timing.wait_at.is_some()
                        || timing.timed_at.is_some()
                        || timing.ran_on_at.is_some()
                    {
                        timing.in_file(pointed.get_or_insert_with(shown));
                    }
                    md.timing = Some(timing);
                }
                if restore == here {
                    md.backup_every = markdown::backup_every(text).map(|mut u| {
                        u.at.file = pointed.get_or_insert_with(shown).clone();
                        u
                    });
                }
                if rollback == here {
                    let other = claims
                        .known_good
                        .and_then(|k| Some((k, releases::other_target(text, k)?)));
                    if let Some((known_good, (named, at))) = other {
                        facts.runbook_release = Some(RunbookRelease::at(
                            text,
                            pointed.get_or_insert_with(shown),
                            named,
                            at,
                            known_good,
                        ));
                    }
                }
                if let Some(planned) = claims.update_interval
                    && incident == here
                {
                    facts.runbook_cadence = markdown::other_cadence(text, planned).map(|mut u| {
                        u.at.file = pointed.get_or_insert_with(shown).clone();
                        u
                    });
                }
                if incident == here {
                    facts.runbook_escalation =
                        markdown::escalation::contradicted(text, &claims.escalation).map(
                            |mut e| {
                                e.at.file = pointed.get_or_insert_with(shown).clone();
                                e
                            },
                        );
                }
                let roles = naming::Roles {
                    monitoring: monitoring == here,
                    support: support == here,
                    rollback: rollback == here,
                    restore: restore == here,
                    rehearsal: notes == here,
                    alert_only: alert_runbooks.contains(&r.path.as_str())
                        && !placed.contains(&r.path.as_str()),
                };
                facts.naming.read(&r.path, text, roles, claims);
                if notes == here
                    && let Some((said, offset, len)) = markdown::not_held(text)
                {
                    md.not_held = said;
                    md.not_held_at = Some(alerts::Spot {
                        file: pointed.get_or_insert_with(shown).clone(),
                        ..alerts::Spot::in_text(text, offset, len)
                    });
                }
                if placed.contains(&r.path.as_str())
                    && let Some(stamp) = markdown::last_reviewed(text)
                {
                    md.last_reviewed = stamp.day;
                    md.last_reviewed_by = stamp.by;
                    md.last_reviewed_said = crate::evidence::one_line(&stamp.said, 120);
                    md.last_reviewed_at = Some(alerts::Spot {
                        file: pointed.get_or_insert_with(shown).clone(),
                        ..alerts::Spot::in_text(text, stamp.offset, stamp.len)
                    });
                }
                if alert_runbooks.contains(&r.path.as_str())
                    && let Some((said, offset, len)) = markdown::intro(text)
                {
                    md.opening = Some(markdown::Opening {
                        said,
                        at: alerts::Spot {
                            file: pointed.get_or_insert_with(shown).clone(),
                            ..alerts::Spot::in_text(text, offset, len)
                        },
                    });
                }
                if monitoring == here {
                    for (alert, offset, len) in markdown::alert_lines(text, &claims.alerts) {
                        let line = text[offset..offset + len].to_string();
                        md.alert_lines.push((
                            claims.alerts[alert].to_string(),
                            markdown::Opening {
                                said: line,
                                at: alerts::Spot {
                                    file: pointed.get_or_insert_with(shown).clone(),
                                    ..alerts::Spot::in_text(text, offset, len)
                                },
                            },
                        ));
                    }
                }
                if let Some(hours) = claims.support_hours
                    && support == here
                {
                    facts.runbook_hours =
                        markdown::hours::contradicted(text, hours).map(|mut h| {
                            h.at.file = pointed.get_or_insert_with(shown).clone();
                            h
                        });
                }
                if templates == here {
                    md.says_when_next = Some(markdown::says_when_next(text));
                    md.updates = markdown::updates(text).map(|mut u| {
                        let named = pointed.get_or_insert_with(shown);
                        for update in &mut u.updates {
                            update.at.file = named.clone();
                        }
                        u
                    });
                    facts.templates_elsewhere = markdown::addresses::elsewhere(text, &claims.comms)
                        .map(|mut e| {
                            e.at.file = pointed.get_or_insert_with(shown).clone();
                            e
                        });
                }
                if let Some(shown) = pointed {
                    facts
                        .sources
                        .push(SourceFile::new(&path, shown, source.clone()));
                }
                let blanked = match visible {
                    std::borrow::Cow::Owned(blanked) => Some(blanked),
                    std::borrow::Cow::Borrowed(_) => None,
                };
                let body = markdown::Body::new(blanked.unwrap_or(source));
                // Word counts within one in 10 first: they rule out most pairs without a compare.
                let original = texts
                    .iter()
                    .filter(|(_, other, earlier)| {
                        earlier.words.abs_diff(body.words) <= earlier.words.max(body.words) / 10
                            && *other != repo_path
                    })
                    .find_map(|(written, _, earlier)| {
                        if earlier.words == body.words
                            && markdown::same_words(&earlier.text, &body.text)
                        {
                            Some((written, false))
                        } else {
                            markdown::edited_copy(earlier, &body).then_some((written, true))
                        }
                    });
                if let Some((written, edited)) = original {
                    copies.push((r.path.clone(), written.clone(), edited));
                }
                texts.push((r.path.clone(), repo_path.clone(), body));
                Some(md)
            })
        } else {
            let keep = parsed_later.contains(r.path.as_str());
            reader.look(&r.path, keep).map(|_| None)
        };
        let file = match result {
            Ok(markdown) => FileFacts {
                exists: true,
                problem: None,
                dated: markdown
                    .as_ref()
                    .map(|md| dated::of(&r.path, md))
                    .unwrap_or_default(),
                repo_path,
                markdown,
                copy_of: None,
                copy_edited: false,
                places: Vec::new(),
                git: None,
                owners: None,
                error: None,
            },
            Err(e) => FileFacts {
                exists: false,
                problem: Some(e.to_string()),
                repo_path,
                markdown: None,
                copy_of: None,
                copy_edited: false,
                dated: Vec::new(),
                places: Vec::new(),
                git: None,
                owners: None,
                error: Some(e),
            },
        };
        facts.files.insert(r.path.clone(), file);
    }
    for (copy, original, edited) in copies {
        if let Some(f) = facts.files.get_mut(&copy) {
            f.copy_of = Some(original);
            f.copy_edited = edited;
        }
    }
    share_places(&mut facts, refs);
    facts
}

/// Sets `places` on each file that two or more `runbooks` places, or one of them or a required
/// alert's runbook (`alert`) and the rehearsal's notes (`rehearsal`), name (as one repository
/// path: `runbooks/a.md` and `./runbooks/a.md` are one file).
fn share_places(facts: &mut Facts, refs: &[PathRef]) {
    let place = |r: &PathRef| match r.route.segs() {
        [Seg::Key(section), Seg::Key(name), ..] if section == "runbooks" => Some(name.clone()),
        // Notes that are a runbook record the procedure, not a rehearsal of it.
        [Seg::Key(section), Seg::Key(notes)] if section == "rehearsal" && notes == "notes" => {
            Some("rehearsal".to_string())
        }
        // A required alert's runbook, counted only beside the notes: `runbooks` places may
        // share one with an alert, as a small service's monitoring runbook does.
        [
            Seg::Key(section),
            Seg::Key(required),
            Seg::Index(_),
            Seg::Key(runbook),
        ] if section == "alerts" && required == "required" && runbook == "runbook" => {
            Some("alert".to_string())
        }
        _ => None,
    };
    let mut by_file: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for r in refs {
        let (Some(name), Some(f)) = (place(r), facts.files.get(&r.path)) else {
            continue;
        };
        let places = by_file.entry(f.repo_path.clone()).or_default();
        if !places.contains(&name) {
            places.push(name);
        }
    }
    for places in by_file.values_mut() {
        if !places.iter().any(|p| p == "rehearsal") {
            places.retain(|p| p != "alert");
        }
    }
    by_file.retain(|_, places| places.len() > 1);
    by_file.values_mut().for_each(|places| places.sort());
    if by_file.is_empty() {
        return;
    }
    for f in facts.files.values_mut() {
        if let Some(places) = by_file.get(&f.repo_path) {
            f.places = places.clone();
        }
    }
}

/// Someone's free text (an alert's expression, a commit subject) as one line fit for a
/// report: runs of white space as one space, control characters dropped, cut to `max`
/// characters.
pub(crate) fn one_line(text: &str, max: usize) -> String {
    let mut out = String::new();
    for word in text.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.extend(word.chars().filter(|c| !c.is_control()));
    }
    match out.char_indices().nth(max) {
        Some((cut, _)) => format!("{}…", &out[..cut]),
        None => out,
    }
}

#[cfg(test)]
mod one_line_tests {
    #[test]
    fn free_text_is_one_short_line() {
        assert_eq!(
            super::one_line("  rate(x[5m])\n  > 0.1 ", 60),
            "rate(x[5m]) > 0.1"
        );
        assert_eq!(super::one_line("fix\u{1b}[2J it", 60), "fix[2J it");
        assert_eq!(super::one_line("éééé", 2), "éé…");
        assert_eq!(super::one_line("abc", 3), "abc");
    }
}
