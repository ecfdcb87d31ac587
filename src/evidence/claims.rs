//! What the manifest claims that its runbooks repeat: the known-good release, the
//! escalation path, where and how often users hear of an incident, the support hours. The
//! runbooks are read against these as they are read, so each is read once.

use std::collections::BTreeMap;

use serde::Serialize;

use super::{alerts, markdown, one_line};

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
}

impl<'a> Claims<'a> {
    /// What `doc` (the manifest) claims.
    pub fn of(doc: &'a serde_json::Value) -> Claims<'a> {
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
        Claims {
            known_good: text("/rollback/known_good"),
            escalation: escalation_levels(doc),
            comms: markdown::addresses::Comms {
                status_page: text("/comms/status_page"),
                support_channel: text("/comms/support_channel"),
                own: each("/owners/escalation", "contact"),
            },
            support_hours: text("/owners/support_hours"),
            update_interval: text("/comms/update_interval")
                .and_then(crate::duration::parse_seconds),
            alerts: each("/alerts/required", "alert"),
        }
    }
}

/// The levels of `owners.escalation` in `doc` (the manifest) with a level number, a contact
/// and an `after` that is a duration.
fn escalation_levels(doc: &serde_json::Value) -> Vec<markdown::escalation::Level> {
    let levels = crate::manifest::value_at(doc, "/owners/escalation").and_then(|e| e.as_array());
    levels
        .into_iter()
        .flatten()
        .filter_map(|l| {
            Some(markdown::escalation::Level {
                level: l.get("level")?.as_i64()?,
                contact: l.get("contact")?.as_str()?.to_string(),
                after: crate::duration::parse_seconds(l.get("after")?.as_str()?)?,
            })
        })
        .collect()
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
    for (i, risk) in risks.into_iter().flatten().enumerate() {
        let Some(mitigation) = risk.get("mitigation").and_then(|m| m.as_str()) else {
            continue;
        };
        let missing = crate::mitigation::alerts_named(mitigation)
            .into_iter()
            .find(|name| !alerts.rules.contains_key(*name));
        if let Some(named) = missing {
            let known: Vec<&str> = alerts.rules.keys().map(String::as_str).collect();
            out.insert(
                i.to_string(),
                RiskAlert {
                    named: named.to_string(),
                    hint: crate::spelling::did_you_mean(named, &known),
                },
            );
        }
    }
    out
}
