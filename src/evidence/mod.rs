//! Evidence: facts about the repository that checklist rules read as `evidence`.
//!
//! Each source adds its own key to the facts document (`files` here; later sources add theirs),
//! so checklists gain evidence without changes to the rule engine.

pub mod alerts;
mod claims;
pub mod codeowners;
pub mod dashboards;
pub mod dated;
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
use std::sync::Arc;

use serde::Serialize;

use crate::manifest::PathRef;
use crate::source::{SourceFile, display_path};
use crate::yaml::Seg;
pub use claims::{Claims, RunbookRelease};
pub use paths::{Base, PathProblem, Reader};

/// What is known about one file the manifest names.
#[derive(Debug, Clone, Serialize)]
pub struct FileFacts {
    /// Whether it resolves to a readable regular file inside the repository.
    pub exists: bool,
    /// Why not, when it does not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub problem: Option<String>,
    /// Repository-relative path.
    pub repo_path: String,
    /// Markdown facts, for `.md` files.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub markdown: Option<markdown::MarkdownFacts>,
    /// The path (as written) of an earlier Markdown file of the manifest with the same words,
    /// whitespace aside, or edited only a little (`copy_edited`): this one is a copy of it
    /// (another name for the same file is not).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub copy_of: Option<String>,
    /// The copy's headings or a few words of the rest differ from the original's (see
    /// [`markdown::edited_copy`]).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub copy_edited: bool,
    /// The dates (`YYYY-MM-DD`) the file's name and first Markdown heading carry, each once:
    /// the day a record of an event (a rehearsal's notes) says it is about.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub dated: Vec<String>,
    /// The `runbooks` places (keys, sorted) that name this file, however
    /// each writes its path, when more than one does: one file serving two procedures.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub places: Vec<String>,
    /// Git facts (tracked, last change), when the repository is known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub git: Option<git::FileGit>,
    /// CODEOWNERS owners, when the repository has a CODEOWNERS file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owners: Option<Vec<String>>,
    /// Typed problem, for core findings; not part of the facts document.
    #[serde(skip)]
    pub error: Option<PathProblem>,
}

/// All evidence about one manifest.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Facts {
    /// Facts per referenced path, keyed by the path as written in the manifest.
    pub files: BTreeMap<String, FileFacts>,
    /// Repository facts, and what `rollback.known_good` names.
    pub git: GitFacts,
    /// Prometheus alerting rules from `alerts.rules`.
    pub alerts: alerts::AlertFacts,
    /// Grafana dashboards named by telemetry signals, by path as written.
    pub dashboards: BTreeMap<String, dashboards::Dashboard>,
    /// CODEOWNERS facts.
    pub codeowners: OwnersFacts,
    /// Another release of `rollback.known_good`'s family the rollback runbook sends its
    /// reader to, when it never names the known-good one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub runbook_release: Option<RunbookRelease>,
    /// A row of the incident runbook's escalation table that engages another contact, or
    /// after another time, than `owners.escalation`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub runbook_escalation: Option<markdown::escalation::Escalated>,
    /// A status page or channel the message templates name instead of `comms`'s.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub templates_elsewhere: Option<markdown::addresses::Elsewhere>,
    /// A line of the support runbook that states other support hours than
    /// `owners.support_hours`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub runbook_hours: Option<markdown::hours::OtherHours>,
    /// A step of the incident runbook that posts updates at another interval than
    /// `comms.update_interval`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub runbook_cadence: Option<markdown::Update>,
    /// The runbooks that name nothing of their service.
    #[serde(skip)]
    pub naming: naming::Naming,
    /// Alerts the risks' mitigations rest on that no rule file defines, by the risk's index.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub risk_alerts: BTreeMap<String, claims::RiskAlert>,
    /// Texts findings may point into besides the rule files: the rollback runbook and the
    /// message templates, when findings may point at their lines.
    #[serde(skip)]
    pub sources: Vec<Arc<SourceFile>>,
}

/// Git facts of the manifest's repository.
#[derive(Debug, Clone, Default, Serialize)]
pub struct GitFacts {
    /// The repository.
    #[serde(flatten)]
    pub repo: Option<git::RepoFacts>,
    /// `rollback.known_good`, when set.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub known_good: Option<git::RefFacts>,
    /// Evaluation time, unix seconds (for ages).
    pub now_unix: i64,
}

/// CODEOWNERS facts.
#[derive(Debug, Clone, Default, Serialize)]
pub struct OwnersFacts {
    /// The repository has a CODEOWNERS file.
    pub present: bool,
    /// Which one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// Owners of the manifest itself.
    pub manifest: Vec<String>,
    /// Lines GitHub skips as invalid ("line N: why").
    pub skipped: Vec<String>,
    /// Why the CODEOWNERS file that is there cannot be used, when it cannot.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub problem: Option<String>,
}

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
            base.read_text(&r.path).map(|(path, text)| {
                let mut md = markdown::facts(&text);
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
                    let mut timing = markdown::timing(&text, subjects, &claims.today);
                    if timing.wait_at.is_some()
                        || timing.timed_at.is_some()
                        || timing.ran_on_at.is_some()
                    {
                        timing.in_file(pointed.get_or_insert_with(shown));
                    }
                    md.timing = Some(timing);
                }
                if restore == here {
                    md.backup_every = markdown::backup_every(&text).map(|mut u| {
                        u.at.file = pointed.get_or_insert_with(shown).clone();
                        u
                    });
                }
                if rollback == here {
                    let other = claims
                        .known_good
                        .and_then(|k| Some((k, releases::other_target(&text, k)?)));
                    if let Some((known_good, (named, at))) = other {
                        facts.runbook_release = Some(RunbookRelease::at(
                            &text,
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
                    facts.runbook_cadence = markdown::other_cadence(&text, planned).map(|mut u| {
                        u.at.file = pointed.get_or_insert_with(shown).clone();
                        u
                    });
                }
                if incident == here {
                    facts.runbook_escalation =
                        markdown::escalation::contradicted(&text, &claims.escalation).map(
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
                facts.naming.read(&r.path, &text, roles, claims);
                if alert_runbooks.contains(&r.path.as_str())
                    && let Some((said, offset, len)) = markdown::intro(&text)
                {
                    md.opening = Some(markdown::Opening {
                        said,
                        at: alerts::Spot {
                            file: pointed.get_or_insert_with(shown).clone(),
                            ..alerts::Spot::in_text(&text, offset, len)
                        },
                    });
                }
                if monitoring == here {
                    for (alert, offset, len) in markdown::alert_lines(&text, &claims.alerts) {
                        let line = text[offset..offset + len].to_string();
                        md.alert_lines.push((
                            claims.alerts[alert].to_string(),
                            markdown::Opening {
                                said: line,
                                at: alerts::Spot {
                                    file: pointed.get_or_insert_with(shown).clone(),
                                    ..alerts::Spot::in_text(&text, offset, len)
                                },
                            },
                        ));
                    }
                }
                if let Some(hours) = claims.support_hours
                    && support == here
                {
                    facts.runbook_hours =
                        markdown::hours::contradicted(&text, hours).map(|mut h| {
                            h.at.file = pointed.get_or_insert_with(shown).clone();
                            h
                        });
                }
                if templates == here {
                    md.says_when_next = Some(markdown::says_when_next(&text));
                    md.updates = markdown::updates(&text).map(|mut u| {
                        let named = pointed.get_or_insert_with(shown);
                        for update in &mut u.updates {
                            update.at.file = named.clone();
                        }
                        u
                    });
                    facts.templates_elsewhere =
                        markdown::addresses::elsewhere(&text, &claims.comms).map(|mut e| {
                            e.at.file = pointed.get_or_insert_with(shown).clone();
                            e
                        });
                }
                if let Some(shown) = pointed {
                    facts
                        .sources
                        .push(SourceFile::new(&path, shown, text.clone()));
                }
                let body = markdown::Body::new(text);
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

/// Sets `places` on each file that two or more `runbooks` places name (as one repository
/// path: `runbooks/a.md` and `./runbooks/a.md` are one file).
fn share_places(facts: &mut Facts, refs: &[PathRef]) {
    let place = |r: &PathRef| match r.route.segs() {
        [Seg::Key(section), Seg::Key(name), ..] if section == "runbooks" => Some(name.clone()),
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

impl Facts {
    /// What rules see: the facts of each referenced file by path as written (for `file()`,
    /// `steps()`, ...), and `evidence` (git, alerts, CODEOWNERS, the rollback runbook's
    /// release, the incident runbook's escalation). Dashboards stay typed: only
    /// `dashboard_mentions()` reads them.
    pub fn for_rules(
        &self,
    ) -> (
        serde_json::Map<String, serde_json::Value>,
        serde_json::Value,
    ) {
        let files = match serde_json::to_value(&self.files) {
            Ok(serde_json::Value::Object(files)) => files,
            _ => serde_json::Map::new(),
        };
        let mut evidence = serde_json::json!({
            "git": &self.git,
            "alerts": &self.alerts,
            "codeowners": &self.codeowners,
        });
        // Absent, not null, when there is none: rules ask `has(evidence.runbook_release)`.
        if let Some(map) = evidence.as_object_mut() {
            let verdicts = [
                (
                    "runbook_release",
                    serde_json::to_value(&self.runbook_release),
                ),
                (
                    "runbook_escalation",
                    serde_json::to_value(&self.runbook_escalation),
                ),
                (
                    "templates_elsewhere",
                    serde_json::to_value(&self.templates_elsewhere),
                ),
                ("runbook_hours", serde_json::to_value(&self.runbook_hours)),
                (
                    "runbook_cadence",
                    serde_json::to_value(&self.runbook_cadence),
                ),
                ("risk_alerts", serde_json::to_value(&self.risk_alerts)),
                (
                    "runbooks_unnamed",
                    serde_json::to_value(&self.naming.places),
                ),
                (
                    "alert_runbooks_unnamed",
                    serde_json::to_value(&self.naming.alerts),
                ),
            ];
            for (key, value) in verdicts {
                let none = |v: &serde_json::Value| {
                    v.is_null() || v.as_object().is_some_and(serde_json::Map::is_empty)
                };
                if let Ok(value) = value
                    && !none(&value)
                {
                    map.insert(key.into(), value);
                }
            }
        }
        (files, evidence)
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
