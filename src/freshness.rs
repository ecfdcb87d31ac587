//! When dated evidence goes stale: the age limits are read from the checklists' own rules
//! (`days_since(manifest.X) <= N`), so a team that tightens a limit in its checklist file sees
//! the earlier deadline without launchgate knowing the item.

use std::collections::BTreeMap;
use std::sync::Arc;

use jiff::civil::Date;
use serde_json::Value;

use crate::checklist::Checklist;
use crate::report::Freshness;

/// One age limit a rule sets: the manifest field (dotted) and the most days it may be old.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgeLimit {
    /// Dotted path under `manifest.`, e.g. `rollback.last_tested`.
    pub field: String,
    /// Largest age in days the rule accepts.
    pub max_days: i64,
}

/// The age limits written in a rule expression. Only the shapes that bound an age from above
/// count (`days_since(manifest.F) <= N`, `< N`, and the mirrored `N >= days_since(...)`);
/// `>= 0` guards against dates in the future and is no limit.
pub fn age_limits(expr: &str) -> Vec<AgeLimit> {
    const CALL: &str = "days_since(manifest.";
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(pos) = expr[from..].find(CALL) {
        let start = from + pos;
        let field_start = start + CALL.len();
        let field_len = expr[field_start..]
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '.'))
            .unwrap_or(expr.len() - field_start);
        let field = &expr[field_start..field_start + field_len];
        let after = field_start + field_len;
        from = after;
        if field.is_empty() || !expr[after..].starts_with(')') {
            continue;
        }
        let limit = bound_after(&expr[after + 1..]).or_else(|| bound_before(&expr[..start]));
        if let Some(max_days) = limit {
            out.push(AgeLimit {
                field: field.to_string(),
                max_days,
            });
        }
    }
    out
}

/// `<= N` or `< N` right after the call.
fn bound_after(rest: &str) -> Option<i64> {
    let rest = rest.trim_start();
    let (strict, rest) = if let Some(r) = rest.strip_prefix("<=") {
        (false, r)
    } else if let Some(r) = rest.strip_prefix('<') {
        (true, r)
    } else {
        return None;
    };
    let rest = rest.trim_start();
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    let n: i64 = digits.parse().ok()?;
    Some(if strict { n - 1 } else { n })
}

/// `N >= ` or `N > ` right before the call.
fn bound_before(head: &str) -> Option<i64> {
    let head = head.trim_end();
    let (strict, head) = if let Some(h) = head.strip_suffix(">=") {
        (false, h)
    } else if let Some(h) = head.strip_suffix('>') {
        (true, h)
    } else {
        return None;
    };
    let head = head.trim_end();
    let digits: String = head
        .chars()
        .rev()
        .take_while(char::is_ascii_digit)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    let n: i64 = digits.parse().ok()?;
    Some(if strict { n - 1 } else { n })
}

/// The dated evidence of one manifest (its rule view) under the items of `checklists` that
/// apply at `stage`, with the day each goes stale. The tightest limit wins when several items
/// bound the same field; undated or unparsable fields are left out (their items fail anyway).
pub fn deadlines(checklists: &[Arc<Checklist>], manifest: &Value, stage: &str) -> Vec<Freshness> {
    let mut best: BTreeMap<String, Freshness> = BTreeMap::new();
    for list in checklists {
        for item in list.items.iter().filter(|i| i.applies(stage)) {
            for rule in item.rules.iter().filter(|r| r.each.is_none()) {
                for limit in &rule.age_limits {
                    let Some(date) = date_at(manifest, &limit.field) else {
                        continue;
                    };
                    let Ok(stale) = date.checked_add(jiff::Span::new().days(limit.max_days + 1))
                    else {
                        continue;
                    };
                    let entry = Freshness {
                        item: item.id.clone(),
                        field: limit.field.clone(),
                        date: date.to_string(),
                        max_age_days: limit.max_days,
                        stale_on: stale.to_string(),
                    };
                    match best.get(&limit.field) {
                        Some(seen) if seen.max_age_days <= limit.max_days => {}
                        _ => {
                            best.insert(limit.field.clone(), entry);
                        }
                    }
                }
            }
        }
    }
    best.into_values().collect()
}

fn date_at(manifest: &Value, field: &str) -> Option<Date> {
    let mut v = manifest;
    for key in field.split('.') {
        v = v.get(key)?;
    }
    v.as_str()?.trim().parse::<Date>().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_upper_bounds_and_ignores_future_guards() {
        assert_eq!(
            age_limits(
                "days_since(manifest.rehearsal.date) >= 0 && days_since(manifest.rehearsal.date) <= 60"
            ),
            vec![AgeLimit {
                field: "rehearsal.date".into(),
                max_days: 60
            }]
        );
        assert_eq!(
            age_limits("days_since(manifest.a.b) < 30 || 7 >= days_since(manifest.c)"),
            vec![
                AgeLimit {
                    field: "a.b".into(),
                    max_days: 29
                },
                AgeLimit {
                    field: "c".into(),
                    max_days: 7
                }
            ]
        );
        assert!(age_limits("days_since(it.date) <= 5").is_empty());
        assert!(age_limits("days_since(manifest.x) == 5").is_empty());
        assert!(age_limits("days_since(manifest.").is_empty());
    }

    #[test]
    fn builtin_limits_come_from_the_checklists() {
        let lists = crate::checklist::builtins().to_vec();
        let manifest = serde_json::json!({
            "rollback": { "last_tested": "2026-11-02" },
            "backup": { "last_restore_test": "2026-10-20" },
            "rehearsal": { "date": "2026-11-10" },
            "runbooks": { "support": { "path": "s.md", "reviewed_on": "not a date" } }
        });
        let got = deadlines(&lists, &manifest, "prod");
        let by_field: BTreeMap<_, _> = got.iter().map(|f| (f.field.as_str(), f)).collect();
        assert_eq!(by_field["rollback.last_tested"].max_age_days, 90);
        assert_eq!(by_field["rollback.last_tested"].stale_on, "2027-02-01");
        assert_eq!(
            by_field["backup.last_restore_test"].item,
            "PROD-BACKUP-RESTORE"
        );
        assert_eq!(by_field["rehearsal.date"].max_age_days, 60);
        assert!(!by_field.contains_key("runbooks.support.reviewed_on"));
        // At poc no production or launch item applies, so nothing can go stale.
        assert!(deadlines(&lists, &manifest, "poc").is_empty());
    }
}
