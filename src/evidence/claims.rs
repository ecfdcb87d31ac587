//! What the manifest claims that its runbooks repeat: the known-good release, the
//! escalation path, where and how often users hear of an incident, the support hours. The
//! runbooks are read against these as they are read, so each is read once.

use std::collections::BTreeMap;

use serde::Serialize;

use super::{alerts, markdown, one_line};
use markdown::about::Unnamed;

/// What the manifest claims that its runbooks are held to.
pub struct Claims<'a> {
    /// `rollback.known_good`.
    pub known_good: Option<&'a str>,
    /// `owners.escalation`, the levels whose `after` is a duration.
    pub escalation: Vec<markdown::escalation::Level>,
    /// `comms.status_page` and `comms.support_channel`.
    pub comms: markdown::addresses::Comms<'a>,
    /// `owners.support_hours`.
    pub support_hours: Option<&'a str>,
    /// `comms.update_interval`, in seconds.
    pub update_interval: Option<i64>,
    /// The names of `alerts.required`.
    pub alerts: Vec<&'a str>,
    /// The names of `telemetry.signals`.
    pub signals: Vec<&'a str>,
    /// The dashboards of `telemetry.signals`, each once.
    pub dashboards: Vec<&'a str>,
    /// The fields and codes the rollout's gates read (`health_state`, `failure_streak`,
    /// `case_processing_failed`): words with an underscore in the gates' expressions.
    pub gated: Vec<&'a str>,
    /// The manifest, for what only one reader asks (the runbooks' files).
    doc: &'a serde_json::Value,
    /// `service.name`, `owners.team`, `owners.primary` and `owners.secondary`, as set.
    pub names: Vec<&'a str>,
    /// The parts of `backup.scope` ("template store, review queue and publication history":
    /// `template store`, `review queue`, `publication history`).
    pub backed_up: Vec<&'a str>,
    /// The evaluation day (`YYYY-MM-DD`, UTC): a record dated later is a plan, not a record.
    pub today: String,
}

impl<'a> Claims<'a> {
    /// What `doc` (the manifest) claims, evaluated at `now_unix`.
    pub fn of(doc: &'a serde_json::Value, now_unix: i64) -> Claims<'a> {
        let text = |pointer: &str| {
            crate::manifest::value_at(doc, pointer).and_then(serde_json::Value::as_str)
        };
        // The `field` of each item of the list at `pointer`.
        let each = |pointer: &str, field: &str| -> Vec<&'a str> {
            crate::manifest::value_at(doc, pointer)
                .and_then(|list| list.as_array())
                .into_iter()
                .flatten()
                .filter_map(|item| item.get(field)?.as_str())
                .collect()
        };
        let (escalation, own) = escalation(doc);
        let mut dashboards = each("/telemetry/signals", "dashboard");
        dashboards.sort_unstable();
        dashboards.dedup();
        Claims {
            known_good: text("/rollback/known_good"),
            escalation,
            comms: markdown::addresses::Comms {
                status_page: text("/comms/status_page"),
                support_channel: text("/comms/support_channel"),
                own,
            },
            support_hours: text("/owners/support_hours"),
            update_interval: text("/comms/update_interval")
                .and_then(crate::duration::parse_seconds),
            alerts: each("/alerts/required", "alert"),
            signals: each("/telemetry/signals", "name"),
            dashboards,
            gated: gated(doc),
            doc,
            names: [
                "/service/name",
                "/owners/team",
                "/owners/primary",
                "/owners/secondary",
            ]
            .into_iter()
            .filter_map(text)
            .collect(),
            backed_up: text("/backup/scope").map_or_else(Vec::new, scope_parts),
            today: jiff::Timestamp::from_second(now_unix)
                .map(|t| {
                    t.to_zoned_datetime(jiff::tz::TimeZone::UTC)
                        .date()
                        .to_string()
                })
                .unwrap_or_default(),
        }
    }
}

impl Claims<'_> {
    /// What a monitoring runbook of this service names, any of it: its signals, its
    /// dashboards (path or file name), its required alerts and the fields its rollout's gates
    /// read. The dashboards' titles are known only once they are parsed.
    pub fn monitored(&self) -> Vec<&str> {
        let files = self
            .dashboards
            .iter()
            .filter_map(|d| d.rsplit('/').next())
            .flat_map(|name| [name, name.split('.').next().unwrap_or(name)]);
        (self
            .signals
            .iter()
            .chain(&self.dashboards)
            .chain(&self.alerts)
            .chain(&self.gated))
        .copied()
        .chain(files)
        .collect()
    }

    /// What a support runbook of this service names, any of it: the service, its team,
    /// owners and escalation contacts, the support channel, status page and everything
    /// [`Claims::monitored`] lists.
    pub fn supported(&self) -> Vec<&str> {
        let comms = [self.comms.support_channel, self.comms.status_page];
        (self.names.iter().chain(&self.comms.own).copied())
            .chain(comms.into_iter().flatten())
            .chain(self.monitored())
            .collect()
    }

    /// Whether `text`, the runbook of a required alert, names any of what it could: the
    /// required alerts (by name, or their names' words), and everything
    /// [`Claims::supported`] lists. The metrics the alerts' expressions read are known only
    /// once the rule files are parsed.
    pub fn speaks_of_alerts(&self, text: &markdown::about::Folded) -> bool {
        let names: Vec<&str> = self
            .alerts
            .iter()
            .copied()
            .chain(self.supported())
            .collect();
        text.names_any(&names) || self.alerts.iter().any(|a| text.speaks_of(a))
    }

    /// [`Claims::speaks_of_alerts`] as a finding lists it.
    pub fn could_alert(&self) -> Unnamed {
        could(&[
            ("the required alerts", &self.alerts),
            ("the signals", &self.signals),
        ])
    }

    /// [`Claims::monitored`] as a finding lists it.
    pub fn could_monitor(&self) -> Unnamed {
        could(&[
            ("the signals", &self.signals),
            ("the dashboards", &self.dashboards),
            ("the required alerts", &self.alerts),
        ])
    }

    /// What a rollback runbook of this service names, any of it: `rollback.known_good` (its
    /// value), and everything [`Claims::supported`] lists. Not the key's words ("the
    /// known-good release"): every service's rollback runbook says them, another's too.
    pub fn rolled_back(&self) -> Vec<&str> {
        // A tag is written without `refs/tags/`, a commit id by its first seven digits.
        let short = self.known_good.map(|k| {
            let k = k.strip_prefix("refs/tags/").unwrap_or(k);
            match k.get(..7) {
                Some(id) if k.bytes().all(|b| b.is_ascii_hexdigit()) => id,
                _ => k,
            }
        });
        short.into_iter().chain(self.supported()).collect()
    }

    /// [`Claims::rolled_back`] as a finding lists it.
    pub fn could_roll_back(&self) -> Unnamed {
        let known_good = self.known_good.as_slice();
        let mut kinds = vec![("the known-good release", known_good)];
        kinds.extend(self.people(&[("the signals", &self.signals)]));
        could(&kinds)
    }

    /// What a restore runbook of this service names, any of it: a part of `backup.scope`
    /// (what it restores), and everything [`Claims::supported`] lists.
    pub fn restored(&self) -> Vec<&str> {
        self.backed_up
            .iter()
            .copied()
            .chain(self.supported())
            .collect()
    }

    /// [`Claims::restored`] as a finding lists it.
    pub fn could_restore(&self) -> Unnamed {
        let mut kinds = vec![("what `backup.scope` says is backed up", &self.backed_up[..])];
        kinds.extend(self.people(&[("the signals", &self.signals)]));
        could(&kinds)
    }

    /// Whether `text`, a rehearsal's notes, names anything of the service: a runbook's file
    /// name (`comms-templates.md`), the required alerts (by name or in words), and everything
    /// [`Claims::supported`] lists.
    pub fn rehearsed(&self, text: &markdown::about::Folded) -> bool {
        // File names with their extension: stems such as `monitoring` or `incident-response`
        // are words any guide to rehearsals writes.
        self.speaks_of_alerts(text) || text.names_any(&runbook_files(self.doc))
    }

    /// [`Claims::rehearsed`] as a finding lists it.
    pub fn could_rehearse(&self) -> Unnamed {
        let files = runbook_files(self.doc);
        let mut kinds: Vec<(&str, &[&str])> = vec![
            ("the runbooks", &files),
            ("the required alerts", &self.alerts),
        ];
        kinds.extend(self.people(&[]));
        could(&kinds)
    }

    /// [`Claims::supported`] as a finding lists it.
    pub fn could_support(&self) -> Unnamed {
        could(&self.people(&[]))
    }

    /// The service's people and channels as a finding lists them: the service, its team
    /// and owners, the escalation's contacts and the support channel, then `more`.
    fn people<'k>(&'k self, more: &[(&'k str, &'k [&'k str])]) -> Vec<(&'k str, &'k [&'k str])> {
        let channel: &[&str] = self.comms.support_channel.as_slice();
        let mut kinds: Vec<(&str, &[&str])> = vec![
            ("the service, its team and owners", &self.names),
            ("the escalation's contacts", &self.comms.own),
            ("the support channel", channel),
        ];
        kinds.extend_from_slice(more);
        kinds
    }
}

/// The parts of a scope as written (`template store, review queue and publication
/// history`): split at commas, semicolons, `and`, `or` and `&`, each without a leading `the`.
fn scope_parts(scope: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    for clause in scope.split([',', ';', '&', '(', ')', '\n']) {
        let mut rest = clause;
        loop {
            let lower = rest.to_ascii_lowercase();
            let cut = [" and ", " or ", " plus "]
                .iter()
                .filter_map(|w| lower.find(w).map(|at| (at, w.len())))
                .min();
            let (part, next) = match cut {
                Some((at, len)) => (&rest[..at], Some(&rest[at + len..])),
                None => (rest, None),
            };
            let part = part.trim();
            let part = ["the ", "The ", "and ", "or "]
                .iter()
                .find_map(|w| part.strip_prefix(w))
                .unwrap_or(part)
                .trim();
            if !part.is_empty() {
                parts.push(part);
            }
            match next {
                Some(n) => rest = n,
                None => break,
            }
        }
    }
    parts
}

/// The words with an underscore in the expressions of `rollout.phases[].gates` of `doc`
/// (written as a string or as `expr`), each once.
fn gated(doc: &serde_json::Value) -> Vec<&str> {
    let phases = crate::manifest::value_at(doc, "/rollout/phases").and_then(|p| p.as_array());
    let mut words: Vec<&str> = phases
        .into_iter()
        .flatten()
        .filter_map(|phase| phase.get("gates")?.as_array())
        .flatten()
        .filter_map(|gate| gate.as_str().or_else(|| gate.get("expr")?.as_str()))
        .flat_map(|expr| expr.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_')))
        .filter(|w| w.contains('_') && w.len() >= 6)
        .collect();
    words.sort_unstable();
    words.dedup();
    words
}

/// Words of runbook file names every service's runbooks are named with (`rollback.md`,
/// `comms-templates.md`, `incident-response.md`): a record naming one names no service.
const GENERIC_FILE_WORDS: &[&str] = &[
    "rollback",
    "rollbacks",
    "incident",
    "incidents",
    "response",
    "comms",
    "communication",
    "communications",
    "template",
    "templates",
    "support",
    "monitoring",
    "restore",
    "backup",
    "backups",
    "recovery",
    "runbook",
    "runbooks",
    "playbook",
    "oncall",
    "on",
    "call",
    "escalation",
    "readme",
    "index",
    "dr",
    "ops",
    "operations",
    "status",
    "page",
    "update",
    "updates",
    "messages",
];

/// Whether `file` (a file name) is named only with [`GENERIC_FILE_WORDS`].
fn generic_file(file: &str) -> bool {
    let stem = file.rsplit_once('.').map_or(file, |(stem, _)| stem);
    stem.split(['-', '_', ' ', '.'])
        .filter(|w| !w.is_empty())
        .all(|w| GENERIC_FILE_WORDS.iter().any(|g| g.eq_ignore_ascii_case(w)))
}

/// The file names of the Markdown files of `runbooks` and `alerts.required[].runbook` in
/// `doc`, each once, but those named as every service's are ([`generic_file`]).
fn runbook_files(doc: &serde_json::Value) -> Vec<&str> {
    let places = crate::manifest::value_at(doc, "/runbooks").and_then(|r| r.as_object());
    let places = places.into_iter().flat_map(|p| p.values());
    let alerts = crate::manifest::value_at(doc, "/alerts/required").and_then(|r| r.as_array());
    let alerts = alerts
        .into_iter()
        .flatten()
        .filter_map(|a| a.get("runbook"));
    let mut files: Vec<&str> = places
        .chain(alerts)
        .filter_map(|v| v.as_str().or_else(|| v.get("path")?.as_str()))
        .filter(|p| markdown::is_markdown(p) && !p.contains("://"))
        .filter_map(|p| p.rsplit('/').next())
        .filter(|f| !generic_file(f))
        .collect();
    files.sort_unstable();
    files.dedup();
    files
}

/// What a finding lists as `kinds` could be named.
fn could(kinds: &[(&str, &[&str])]) -> Unnamed {
    Unnamed {
        could: markdown::about::could_name(kinds),
    }
}

/// From one walk of `owners.escalation` in `doc` (the manifest): the levels with a level
/// number, a contact and an `after` that is a duration, and every level's contact.
fn escalation(doc: &serde_json::Value) -> (Vec<markdown::escalation::Level>, Vec<&str>) {
    let levels = crate::manifest::value_at(doc, "/owners/escalation").and_then(|e| e.as_array());
    let mut timed = Vec::new();
    let mut contacts = Vec::new();
    for l in levels.into_iter().flatten() {
        let Some(contact) = l.get("contact").and_then(|c| c.as_str()) else {
            continue;
        };
        contacts.push(contact);
        let level = l.get("level").and_then(|n| n.as_i64());
        let after = l.get("after").and_then(|a| a.as_str());
        if let (Some(level), Some(written)) = (level, after)
            && let Some(after) = crate::duration::parse_seconds(written)
        {
            timed.push(markdown::escalation::Level {
                level,
                contact: contact.to_string(),
                after,
                written: written.to_string(),
            });
        }
    }
    (timed, contacts)
}

/// A release the rollback runbook sends its reader to, other than `rollback.known_good`.
#[derive(Debug, Clone, Serialize)]
pub struct RunbookRelease {
    /// The release named (`v1.4.1`).
    pub named: String,
    /// `rollback.known_good` as written.
    pub known_good: String,
    /// The line that names it, trimmed.
    pub said: String,
    /// Where.
    pub at: alerts::Spot,
}

impl RunbookRelease {
    /// `named`, written at byte `at` of `text` (the file shown as `shown`).
    pub(super) fn at(
        text: &str,
        shown: &str,
        named: &str,
        at: usize,
        known_good: &str,
    ) -> RunbookRelease {
        let starts = text[..at].rfind('\n').map_or(0, |nl| nl + 1);
        let ends = text[at..].find('\n').map_or(text.len(), |nl| at + nl);
        RunbookRelease {
            named: named.to_string(),
            known_good: known_good.to_string(),
            said: one_line(text[starts..ends].trim(), 120),
            at: alerts::Spot {
                file: shown.to_string(),
                ..alerts::Spot::in_text(text, at, named.len())
            },
        }
    }
}

/// An alert a risk's mitigation rests on that no rule file defines.
#[derive(Debug, Clone, Serialize)]
pub struct RiskAlert {
    /// The alert named.
    pub named: String,
    /// ` (did you mean `X`?)` when a defined alert is a few edits away, else empty.
    pub hint: String,
}

/// The first alert each risk's `mitigation` names that `alerts` (the rule files read) does
/// not define, by the risk's index: `None` when no rule file was read whole (nothing to
/// compare with).
pub(super) fn risk_alerts(
    doc: &serde_json::Value,
    alerts: &alerts::AlertFacts,
) -> BTreeMap<String, RiskAlert> {
    let mut out = BTreeMap::new();
    if alerts.rules.is_empty() || !alerts.refused.is_empty() {
        return out;
    }
    let risks = crate::manifest::value_at(doc, "/risks").and_then(|r| r.as_array());
    let known: Vec<&str> = alerts.rules.keys().map(String::as_str).collect();
    for (i, risk) in risks.into_iter().flatten().enumerate() {
        let Some(mitigation) = risk.get("mitigation").and_then(|m| m.as_str()) else {
            continue;
        };
        let missing = crate::mitigation::alerts_named(mitigation)
            .into_iter()
            .find(|name| !alerts.rules.contains_key(*name))
            .map(|named| (named, crate::spelling::did_you_mean(named, &known)))
            // A defined alert's name misspelt, whatever the words around it.
            .or_else(|| {
                crate::mitigation::alert_shaped_words(mitigation)
                    .into_iter()
                    .filter(|name| !alerts.rules.contains_key(*name))
                    .map(|named| (named, crate::spelling::did_you_mean(named, &known)))
                    .find(|(_, hint)| !hint.is_empty())
            });
        if let Some((named, hint)) = missing {
            out.insert(
                i.to_string(),
                RiskAlert {
                    named: named.to_string(),
                    hint,
                },
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runbooks_named_as_every_services_are_no_name() {
        for file in [
            "rollback.md",
            "comms-templates.md",
            "incident-response.md",
            "On_Call.md",
            "README.md",
        ] {
            assert!(generic_file(file), "{file}");
        }
        for file in [
            "publication-stalled.md",
            "template-compile-failures.md",
            "checkout-rollback.md",
        ] {
            assert!(!generic_file(file), "{file}");
        }
    }

    #[test]
    fn a_scope_is_read_as_the_parts_it_lists() {
        assert_eq!(
            scope_parts("template store, review queue and publication history"),
            ["template store", "review queue", "publication history"]
        );
        assert_eq!(
            scope_parts("The orders DB; S3 uploads, and the ledger (nightly)"),
            ["orders DB", "S3 uploads", "ledger", "nightly"]
        );
        assert_eq!(scope_parts("Sand OR Grand"), ["Sand", "Grand"]);
        assert!(scope_parts(" , and ").is_empty());
    }
}
