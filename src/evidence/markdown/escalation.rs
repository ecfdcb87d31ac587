//! The escalation table of an incident runbook (`| level | who | when |`) held to
//! `owners.escalation`: whoever is paged follows the runbook, so a table that engages level 2
//! after 30 minutes while the manifest says 15m, or pages `@platform-director` at the level
//! the manifest gives `@dash-leads`, is the path taken, and the manifest's a promise.

use serde::Serialize;

use crate::evidence::alerts::Spot;

/// A level of `owners.escalation`, as the manifest writes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Level {
    /// `level`.
    pub level: i64,
    /// `contact`.
    pub contact: String,
    /// `after`, in seconds.
    pub after: i64,
}

/// Where the runbook's table says otherwise than the manifest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Escalated {
    /// What it says otherwise, in words a finding can quote.
    pub why: String,
    /// The table row.
    pub at: Spot,
}

/// Words of a cell that engage a level at once.
const AT_ONCE: &[&str] = &["immediately", "at once", "right away", "instantly"];

/// The first row of an escalation table in `text` (Markdown) that engages another contact at
/// a level, or engages it after another time, than `levels` says (its place's `file` left for
/// the caller to name).
pub fn contradicted(text: &str, levels: &[Level]) -> Option<Escalated> {
    // No table, no row to compare.
    if levels.is_empty() || !text.contains('|') {
        return None;
    }
    let lines: Vec<(usize, &str)> = text
        .split_inclusive('\n')
        .scan(0, |offset, line| {
            let at = *offset;
            *offset += line.len();
            Some((at, line.trim_end_matches(['\n', '\r'])))
        })
        .collect();
    let mut columns: Option<(usize, Option<usize>, Option<usize>)> = None;
    for (i, &(offset, line)) in lines.iter().enumerate() {
        let trimmed = line.trim();
        if !trimmed.starts_with('|') {
            columns = None;
            continue;
        }
        let cells = cells(trimmed);
        let separator = |l: &str| {
            let c = cells_of(l);
            !c.is_empty()
                && c.iter()
                    .all(|c| !c.is_empty() && c.chars().all(|ch| matches!(ch, '-' | ':' | ' ')))
        };
        // A header: the next line separates it from the rows.
        if lines.get(i + 1).is_some_and(|(_, next)| separator(next)) {
            let find = |words: &[&str]| {
                cells.iter().position(|c| {
                    let c = c.to_ascii_lowercase();
                    words.iter().any(|w| c.contains(w))
                })
            };
            columns = find(&["level", "tier"]).map(|level| {
                (
                    level,
                    find(&["who", "contact", "page", "escalate", "owner", "notify"]),
                    find(&["when", "after", "time", "delay"]),
                )
            });
            continue;
        }
        let Some((level_at, who_at, when_at)) = columns else {
            continue;
        };
        if separator(line) {
            continue;
        }
        let Some(level) = cells.get(level_at).and_then(|c| number_in(c)) else {
            continue;
        };
        let Some(meant) = levels.iter().find(|l| l.level == level) else {
            continue;
        };
        let at = || {
            Spot::in_text(
                text,
                offset + (line.len() - line.trim_start().len()),
                trimmed.len(),
            )
        };
        if let Some(who) = who_at.and_then(|c| cells.get(c)) {
            let handles = handles(who);
            let contact = meant.contact.to_ascii_lowercase();
            if !handles.is_empty() && !handles.contains(&contact) {
                return Some(Escalated {
                    why: format!(
                        "engages `{}` at level {level}, where `owners.escalation` engages `{}`",
                        handles[0], meant.contact
                    ),
                    at: at(),
                });
            }
        }
        if let Some(when) = when_at.and_then(|c| cells.get(c)) {
            let lower = when.to_ascii_lowercase();
            let seconds = if AT_ONCE.iter().any(|w| lower.contains(w)) {
                Some(0)
            } else {
                super::timing::expected_duration(when).or_else(|| super::spoken::duration(&lower))
            };
            if let Some(seconds) = seconds
                && seconds != meant.after
            {
                return Some(Escalated {
                    why: format!(
                        "engages level {level} (`{}`) \"{}\", where `owners.escalation` engages it after {}",
                        meant.contact,
                        crate::evidence::one_line(when, 60),
                        crate::duration::format_seconds(meant.after)
                    ),
                    at: at(),
                });
            }
        }
    }
    None
}

/// The cells of a table row (`| a | b |`), trimmed, code marks dropped.
fn cells(row: &str) -> Vec<String> {
    cells_of(row)
        .into_iter()
        .map(|c| c.replace('`', "").trim().to_string())
        .collect()
}

fn cells_of(row: &str) -> Vec<&str> {
    let row = row.trim();
    let inner = row.strip_prefix('|').unwrap_or(row);
    let inner = inner.strip_suffix('|').unwrap_or(inner);
    inner.split('|').map(str::trim).collect()
}

/// The one number a level cell writes (`2`, `L2`, `Level 2`), or `None`.
fn number_in(cell: &str) -> Option<i64> {
    let mut numbers = cell
        .split(|c: char| !c.is_ascii_digit())
        .filter(|n| !n.is_empty());
    let first = numbers.next()?.parse().ok()?;
    numbers.next().is_none().then_some(first)
}

/// The handles and channels a cell names (`@dash-leads`, `#dash-oncall`), in lower case.
fn handles(cell: &str) -> Vec<String> {
    cell.split(|c: char| c.is_whitespace() || ",;()[]".contains(c))
        .map(|w| w.trim_end_matches(['.', ':']))
        .filter(|w| (w.starts_with('@') || w.starts_with('#')) && w.len() > 1)
        .map(str::to_ascii_lowercase)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn levels() -> Vec<Level> {
        [
            ("#dash-oncall", 0),
            ("@dash-leads", 900),
            ("@platform-director", 3_600),
        ]
        .iter()
        .zip(1..)
        .map(|(&(contact, after), level)| Level {
            level,
            contact: contact.into(),
            after,
        })
        .collect()
    }

    #[test]
    fn the_examples_table_agrees_with_its_manifest() {
        let runbook =
            include_str!("../../../examples/dashboard-factory/runbooks/incident-response.md");
        assert_eq!(contradicted(runbook, &levels()), None);
    }

    #[test]
    fn a_table_that_escalates_otherwise_is_found() {
        let table = |rows: &str| {
            format!("# Incident\n\n## Escalation\n\n| Level | Who | When |\n|---|:--|--|\n{rows}")
        };
        for (rows, why, line) in [
            (
                "| 1 | `#dash-oncall` | immediately |\n| 2 | `@dash-leads` | after 30 minutes |\n",
                "engages level 2 (`@dash-leads`) \"after 30 minutes\", where `owners.escalation` engages it after 15m",
                8,
            ),
            (
                "| 1 | #dash-oncall | at once |\n| 2 | @platform-director | after 15 minutes |\n| 3 | @dash-leads | after 1 hour |\n",
                "engages `@platform-director` at level 2, where `owners.escalation` engages `@dash-leads`",
                8,
            ),
            (
                "| 1 | #dash-oncall | 0m |\n| 2 | @dash-leads | 30m |\n",
                "engages level 2 (`@dash-leads`) \"30m\", where `owners.escalation` engages it after 15m",
                8,
            ),
            (
                "| 1 | #dash-oncall | at once |\n| 2 | @dash-leads | after half an hour |\n",
                "engages level 2 (`@dash-leads`) \"after half an hour\", where `owners.escalation` engages it after 15m",
                8,
            ),
            (
                "| L1 | #dash-oncall (primary) | after 5 minutes |\n",
                "engages level 1 (`#dash-oncall`) \"after 5 minutes\", where `owners.escalation` engages it after 0s",
                7,
            ),
        ] {
            let found = contradicted(&table(rows), &levels()).expect(rows);
            assert_eq!((found.why.as_str(), found.at.line), (why, line), "{rows}");
        }
        for rows in [
            // Agrees, says nothing comparable, or a level the manifest does not have.
            "| 1 | `#DASH-ONCALL` | Immediately |\n| 2 | @dash-leads, then @bob | 15 min |\n",
            "| 2 | @dash-leads | after a quarter of an hour |\n| 3 | @platform-director | after an hour |\n",
            "| 2 | the team lead | when the primary does not answer |\n",
            "| 4 | @cto | after 4 hours |\n",
            "| 1 | #dash-oncall | 0m |\n| 2 | @dash-leads | 15m |\n| 3 | @platform-director | 1h |\n",
            "| 1 or 2 | @x | after 1 hour |\n",
        ] {
            assert_eq!(contradicted(&table(rows), &levels()), None, "{rows}");
        }
        // No level column: not an escalation table.
        let other = "| Who | When |\n|---|---|\n| @x | after 1 hour |\n";
        assert_eq!(contradicted(other, &levels()), None);
    }
}
