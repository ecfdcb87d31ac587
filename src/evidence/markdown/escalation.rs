//! The escalation an incident runbook writes (a `| level | who | when |` table, or steps:
//! "If not mitigated within 15 minutes, page `@dash-leads`.") held to `owners.escalation`:
//! whoever is paged follows the runbook, so a runbook that engages level 2 after 30 minutes
//! while the manifest says 15m, or pages `@platform-director` at the level the manifest gives
//! `@dash-leads`, is the path taken, and the manifest's a promise.

use serde::Serialize;

use super::sentences::{Reading, blocks, sentences};
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
/// a level, or engages it after another time, than `levels` says, else the first step or
/// sentence that engages a level's contact after another delay (its place's `file` left for
/// the caller to name).
pub fn contradicted(text: &str, levels: &[Level]) -> Option<Escalated> {
    // No table, no row to compare.
    if levels.is_empty() {
        return None;
    }
    for table in super::records::tables(text) {
        let find = |words: &[&str]| table.columns(words).iter().position(|c| *c);
        let level_at = find(&["level", "tier"]);
        let who_at = find(&["who", "contact", "page", "escalate", "owner", "notify"]);
        let when_at = find(&["when", "after", "time", "delay"]);
        // Without a level column, a table of contacts and delays (`| Contact | After |`)
        // under a heading or header of escalation names each level by its contact.
        let by_contact = level_at.is_none()
            && who_at.is_some()
            && when_at.is_some()
            && table.names(&["escalat"]);
        if level_at.is_none() && !by_contact {
            continue;
        }
        for row in &table.rows {
            let cells = &row.cells;
            let meant = match level_at {
                Some(at) => cells
                    .get(at)
                    .and_then(|c| number_in(c))
                    .and_then(|level| levels.iter().find(|l| l.level == level)),
                None => who_at.and_then(|at| cells.get(at)).and_then(|who| {
                    let handles = handles(who);
                    levels
                        .iter()
                        .find(|l| handles.contains(&l.contact.to_ascii_lowercase()))
                }),
            };
            let Some(meant) = meant else {
                continue;
            };
            let level = meant.level;
            let at = || Spot::in_text(text, row.at.0, row.at.1);
            if let Some(who) = who_at.and_then(|c| cells.get(c)) {
                let handles = handles(who);
                let contact = meant.contact.to_ascii_lowercase();
                if !handles.is_empty() && !handles.contains(&contact) {
                    return Some(Escalated {
                        why: format!(
                            "engages `{}` at level {level} in its escalation table, where `owners.escalation` engages `{}`",
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
                    super::timing::expected_duration(when)
                        .or_else(|| super::spoken::duration(&lower))
                };
                if let Some(seconds) = seconds
                    && seconds != meant.after
                {
                    return Some(Escalated {
                        why: format!(
                            "engages level {level} (`{}`) \"{}\" in its escalation table, where `owners.escalation` engages it after {}",
                            meant.contact,
                            crate::evidence::one_line(when, 60),
                            crate::duration::format_seconds(meant.after)
                        ),
                        at: at(),
                    });
                }
            }
        }
    }
    in_steps(text, levels)
}

/// Words that engage a contact ("page `@dash-leads`", "escalate to", "`@x` is paged").
const ENGAGE: &[&str] = &[
    "page",
    "paged",
    "paging",
    "escalate",
    "escalated",
    "escalating",
    "engage",
    "engaged",
    "call",
    "called",
    "wake",
    "notify",
    "notified",
];

/// Words a delay of escalation follows ("within 45 minutes", "after an hour").
const DELAY: &[&str] = &[
    "after", "within", "in", "past", "beyond", "than", "over", "for",
];

/// Steps and prose that name a contact of a level: a table is not the only way to write
/// escalation, nor the most common.
const CONTACTS: Reading = Reading {
    keep: |line| line.contains(['@', '#']),
    messages: false,
};

/// The first sentence of `text` outside tables and code that engages a level's contact after
/// another delay than `levels` says ("If the incident is not mitigated within 45 minutes,
/// page `@dash-leads`." under `after: 15m`).
fn in_steps(text: &str, levels: &[Level]) -> Option<Escalated> {
    let contacts: Vec<String> = levels
        .iter()
        .map(|l| l.contact.to_ascii_lowercase())
        .collect();
    // The delay of the last step read, for one written from it ("after another 10 minutes").
    let mut last: Option<i64> = None;
    for block in blocks(text, CONTACTS) {
        let raw = block.raw(text).replace('`', "");
        // The sentence before ended with `;` and engaged a contact: "Page `#oncall` first;
        // then `@leads` after 15 minutes" engages in its second clause too.
        let mut engaging = false;
        // Where a question that names no contact starts: "No answer in 30 minutes? Page
        // `@leads`." asks the condition the next sentence acts on, so they are read as one.
        let mut asked: Option<usize> = None;
        for sentence in sentences(&raw) {
            let own_start = sentence.as_ptr() as usize - raw.as_ptr() as usize;
            let start = asked.take().unwrap_or(own_start);
            let sentence = &raw[start..own_start + sentence.len()];
            let continues = std::mem::take(&mut engaging);
            let lower = sentence.to_ascii_lowercase();
            let words = words_of(&lower);
            let engages = continues || words.iter().any(|(_, w)| ENGAGE.contains(w));
            engaging = engages && lower.ends_with(';');
            // The levels the sentence names, where.
            let named = named_levels(&lower, levels, &contacts);
            if named.is_empty() {
                if lower.ends_with('?') {
                    asked = Some(start);
                }
                continue;
            }
            if !engages {
                continue;
            }
            // Updates and intervals are timed too ("page `@dash-leads` and post an update in
            // 30 minutes"): no delay of escalation is read beside them.
            if lower.contains("update") || lower.contains("every ") {
                continue;
            }
            // Each delay, where: "immediately", and the time after "within", "after", ...; one
            // written from the step before is that step's and its own (with the step's).
            let mut delays: Vec<(i64, usize, usize, Option<i64>)> = AT_ONCE
                .iter()
                .filter_map(|w| lower.find(w).map(|at| (0, at, at + w.len(), None)))
                .collect();
            delays.extend(words.iter().filter(|(_, w)| DELAY.contains(w)).filter_map(
                |&(at, w)| {
                    // Past the character after the word, whatever its width ("within\u{a0}5").
                    let rest = &lower[at + w.len()..];
                    let start = at + w.len() + rest.chars().next().map_or(0, char::len_utf8);
                    if let Some(own) = from_the_step_before(&lower[start..]) {
                        let len = super::every::time_len(&own);
                        let seconds = super::timing::expected_duration(&own[..len])
                            .or_else(|| super::spoken::duration(&own[..len]))?;
                        // Nothing to count from: not read.
                        let base = last?;
                        return Some((base + seconds, at, start + len, Some(seconds)));
                    }
                    let end = start + super::every::time_len(&lower[start..]);
                    let seconds = super::timing::expected_duration(&sentence[start..end])
                        .or_else(|| super::spoken::duration(&lower[start..end]))?;
                    Some((seconds, at, end, None))
                },
            ));
            // Days are follow-ups ("call `@leads` within 2 days to schedule the review"), not an
            // escalation's delay, unless the manifest escalates in days.
            let longest = levels.iter().map(|l| l.after).max().unwrap_or(0);
            let follow_up = |seconds: i64| seconds >= 86_400 && longest < 86_400;
            let latest = delays.iter().map(|d| d.0).filter(|s| !follow_up(*s)).max();
            // A delay that is some named level's is read as that level's: with several named
            // ("if `#oncall` has not acknowledged within 15 minutes, page `@leads`"), which
            // one a delay belongs to is not always plain. Another delay is the nearest one's.
            for (seconds, start, end, own) in delays {
                if follow_up(seconds) {
                    continue;
                }
                // A delay right after a contact ("`@leads` after 15 minutes") is that
                // contact's, whatever other level it would fit.
                let right_after = named.iter().find(|&&(_, to, _)| {
                    to <= start && lower[to..start].trim().is_empty() && own.is_none()
                });
                match right_after {
                    Some((.., level)) if level.after == seconds => continue,
                    Some(_) => {}
                    None if named.iter().any(|(.., l)| l.after == seconds) => continue,
                    None => {}
                }
                let distance = |&&(from, to, _): &&(usize, usize, &Level)| {
                    if to <= start {
                        start - to
                    } else {
                        from.saturating_sub(end)
                    }
                };
                let Some(&(.., level)) = right_after.or_else(|| named.iter().min_by_key(distance))
                else {
                    continue;
                };
                let counted = own.map_or_else(String::new, |own| {
                    format!(
                        " ({} after the step before it: {} in all)",
                        crate::duration::format_seconds(own),
                        crate::duration::format_seconds(seconds)
                    )
                });
                return Some(Escalated {
                    why: format!(
                        "says \"{}\"{counted}, where `owners.escalation` engages `{}` (level {}) after {}",
                        crate::evidence::one_line(sentence, 120),
                        level.contact,
                        level.level,
                        crate::duration::format_seconds(level.after)
                    ),
                    at: block.spot(text, &block.text)?,
                });
            }
            last = latest.or(last);
        }
    }
    None
}

/// The words of a delay written from the step before ("another 10 minutes", "45 more
/// minutes", "a further hour"), its marker left out and a unit alone counted once ("1 hour").
fn from_the_step_before(rest: &str) -> Option<String> {
    const BEFORE: &[&str] = &[
        "another ",
        "a further ",
        "further ",
        "an additional ",
        "an extra ",
    ];
    const AFTER: &[&str] = &["more ", "further ", "additional ", "extra "];
    let own = match BEFORE.iter().find_map(|m| rest.strip_prefix(m)) {
        Some(own) => own.to_string(),
        None => {
            let (first, tail) = rest.split_once(' ')?;
            let tail = AFTER.iter().find_map(|m| tail.strip_prefix(m))?;
            format!("{first} {tail}")
        }
    };
    let unit_alone = super::timing::UNITS
        .iter()
        .any(|(u, _)| own.split([' ', ',', '.']).next() == Some(u));
    Some(if unit_alone { format!("1 {own}") } else { own })
}

/// Where `lower` (a lower-cased sentence) names a level's contact (`contacts`: theirs, lower
/// case, in the order of `levels`), whole: not inside a longer handle or an address.
fn named_levels<'l>(
    lower: &str,
    levels: &'l [Level],
    contacts: &[String],
) -> Vec<(usize, usize, &'l Level)> {
    let part =
        |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric() || "-_/@.".contains(c));
    let mut out = Vec::new();
    for (contact, level) in contacts.iter().zip(levels).filter(|(c, _)| !c.is_empty()) {
        for (at, _) in lower.match_indices(contact.as_str()) {
            let end = at + contact.len();
            let before = lower[..at].chars().next_back();
            // A sentence's period after a handle ends it; one inside continues an address.
            let after = lower[end..].chars().next();
            let continues = match after {
                Some('.') => part(lower[end + 1..].chars().next()),
                other => part(other),
            };
            if !part(before) && !continues {
                out.push((at, end, level));
            }
        }
    }
    out.sort_by_key(|(at, ..)| *at);
    out
}

/// The words of `lower` (handles and channels whole: `@dash-leads`), with their offsets.
fn words_of(lower: &str) -> Vec<(usize, &str)> {
    let part = |c: char| c.is_ascii_alphanumeric() || "-'@#".contains(c);
    let mut out = Vec::new();
    let mut start = None;
    for (at, c) in lower.char_indices().chain([(lower.len(), ' ')]) {
        match (start, part(c)) {
            (None, true) => start = Some(at),
            (Some(s), false) => {
                out.push((s, &lower[s..at]));
                start = None;
            }
            _ => {}
        }
    }
    out
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
                "engages level 2 (`@dash-leads`) \"after 30 minutes\" in its escalation table, where `owners.escalation` engages it after 15m",
                8,
            ),
            (
                "| 1 | #dash-oncall | at once |\n| 2 | @platform-director | after 15 minutes |\n| 3 | @dash-leads | after 1 hour |\n",
                "engages `@platform-director` at level 2 in its escalation table, where `owners.escalation` engages `@dash-leads`",
                8,
            ),
            (
                "| 1 | #dash-oncall | 0m |\n| 2 | @dash-leads | 30m |\n",
                "engages level 2 (`@dash-leads`) \"30m\" in its escalation table, where `owners.escalation` engages it after 15m",
                8,
            ),
            (
                "| 1 | #dash-oncall | at once |\n| 2 | @dash-leads | after half an hour |\n",
                "engages level 2 (`@dash-leads`) \"after half an hour\" in its escalation table, where `owners.escalation` engages it after 15m",
                8,
            ),
            (
                "| 1 | #dash-oncall | T+0 |\n| 2 | @dash-leads | T+30m |\n",
                "engages level 2 (`@dash-leads`) \"T+30m\" in its escalation table, where `owners.escalation` engages it after 15m",
                8,
            ),
            (
                "| L1 | #dash-oncall (primary) | after 5 minutes |\n",
                "engages level 1 (`#dash-oncall`) \"after 5 minutes\" in its escalation table, where `owners.escalation` engages it after 0s",
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
            "| 1 | #dash-oncall | T+0m |\n| 2 | @dash-leads | T+15m |\n| 3 | @platform-director | T+1h |\n",
            "| 1 or 2 | @x | after 1 hour |\n",
        ] {
            assert_eq!(contradicted(&table(rows), &levels()), None, "{rows}");
        }
        // No level column: each row's level is its contact's.
        let other = "| Who | When |\n|---|---|\n| @x | after 1 hour |\n";
        assert_eq!(contradicted(other, &levels()), None);
        let roles =
            "## Roles\n\n| Who | When |\n|---|---|\n| `#dash-oncall` | within 5 minutes |\n";
        assert_eq!(contradicted(roles, &levels()), None);
        let swapped = "## Escalation\n\n| Contact | After |\n|---|---|\n| `#dash-oncall` | immediately |\n| `@platform-director` | 15 minutes |\n| `@dash-leads` | 1 hour |\n";
        let found = contradicted(swapped, &levels()).expect(swapped);
        assert_eq!(
            (found.why.as_str(), found.at.line),
            (
                "engages level 3 (`@platform-director`) \"15 minutes\" in its escalation table, where `owners.escalation` engages it after 1h",
                6
            )
        );
        let agrees = "## Escalation\n\n| Contact | After |\n|---|---|\n| `#dash-oncall` | immediately |\n| `@dash-leads` | 15 minutes |\n| `@platform-director` | 1 hour |\n";
        assert_eq!(contradicted(agrees, &levels()), None);
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { failure_persistence: None, ..Default::default() })]
        /// Any text gives an answer, a delay word before any character included.
        #[test]
        fn any_text_gives_an_answer(text in "\\PC{0,80}", built in "[0-9 a-z@#`\u{a0}\u{2014}é.,]{0,40}") {
            let _ = contradicted(&text, &levels());
            let _ = contradicted(&format!("- Page @dash-leads within{built}\n"), &levels());
            let _ = contradicted(&format!("| level | who | when |\n|---|---|---|\n| 2 | @dash-leads | {built} |\n"), &levels());
        }
    }

    #[test]
    fn a_team_handle_in_a_step_is_its_level() {
        let mut levels = levels();
        levels[1].contact = "@acme/dash-leads".into();
        let step = "# Incident\n\n- If not mitigated within 45 minutes, page `@acme/dash-leads`.\n";
        let found = contradicted(step, &levels).expect("a team handle names its level");
        assert!(
            found
                .why
                .ends_with("engages `@acme/dash-leads` (level 2) after 15m"),
            "{}",
            found.why
        );
        // Inside another handle or an address, it is not named.
        for other in ["`@acme/dash-leads-eu`", "ops@acme/dash-leads"] {
            let step = format!("# Incident\n\n- Within 45 minutes, page {other}.\n");
            assert_eq!(contradicted(&step, &levels), None, "{other}");
        }
    }

    #[test]
    fn escalation_written_as_steps_is_held_to_the_manifest() {
        let runbook = |steps: &str| format!("# Incident\n\n## Escalation\n\n{steps}");
        for (steps, why, line) in [
            (
                "- Page `#dash-oncall` immediately.\n- If the incident is not mitigated within 45 minutes, page `@dash-leads`.\n",
                "says \"If the incident is not mitigated within 45 minutes, page @dash-leads.\", where `owners.escalation` engages `@dash-leads` (level 2) after 15m",
                6,
            ),
            (
                "1. Page #dash-oncall.\n2. Escalate to @platform-director after 3 hours,\n   or on any data loss.\n",
                "says \"Escalate to @platform-director after 3 hours, or on any data loss.\", where `owners.escalation` engages `@platform-director` (level 3) after 1h",
                6,
            ),
            (
                "If `#dash-oncall` has not acknowledged within 5 minutes, page `@dash-leads`.\n",
                "says \"If #dash-oncall has not acknowledged within 5 minutes, page @dash-leads.\", where `owners.escalation` engages `@dash-leads` (level 2) after 15m",
                5,
            ),
            (
                "- `@dash-leads` are paged after half an hour without mitigation.\n",
                "says \"@dash-leads are paged after half an hour without mitigation.\", where `owners.escalation` engages `@dash-leads` (level 2) after 15m",
                5,
            ),
            (
                "- Page `#dash-oncall` immediately, then `@dash-leads` after 30 minutes.\n",
                "says \"Page #dash-oncall immediately, then @dash-leads after 30 minutes.\", where `owners.escalation` engages `@dash-leads` (level 2) after 15m",
                5,
            ),
            // A clause after `;` engages as its sentence does; a delay right after a contact
            // is that contact's, though it is another level's.
            (
                "- Page `#dash-oncall` first; then `@dash-leads` after 30 minutes, and `@platform-director` after 1 hour.\n",
                "says \"then @dash-leads after 30 minutes, and @platform-director after 1 hour.\", where `owners.escalation` engages `@dash-leads` (level 2) after 15m",
                5,
            ),
            (
                "- Page `#dash-oncall` first; then `@platform-director` after 15 minutes, and `@dash-leads` after 1 hour.\n",
                "says \"then @platform-director after 15 minutes, and @dash-leads after 1 hour.\", where `owners.escalation` engages `@platform-director` (level 3) after 1h",
                5,
            ),
            (
                "No acknowledgement within 30 minutes? Page `@dash-leads`.\n",
                "says \"No acknowledgement within 30 minutes? Page @dash-leads.\", where `owners.escalation` engages `@dash-leads` (level 2) after 15m",
                5,
            ),
            (
                "- Page `#dash-oncall` after 10 minutes.\n",
                "says \"Page #dash-oncall after 10 minutes.\", where `owners.escalation` engages `#dash-oncall` (level 1) after 0s",
                5,
            ),
        ] {
            let found = contradicted(&runbook(steps), &levels()).expect(steps);
            assert_eq!((found.why.as_str(), found.at.line), (why, line), "{steps}");
        }
        // A delay written from the step before counts from that step's.
        for (steps, why, line) in [
            (
                "- Page `#dash-oncall` immediately.\n- If not mitigated after 15 minutes, page `@dash-leads`.\n- After another 15 minutes, page `@platform-director`.\n",
                "says \"After another 15 minutes, page @platform-director.\" (15m after the step before it: 30m in all), where `owners.escalation` engages `@platform-director` (level 3) after 1h",
                7,
            ),
            (
                "If `#dash-oncall` has not acknowledged within 15 minutes, page `@dash-leads`. If there is still no answer after 15 more minutes, escalate to `@platform-director`.\n",
                "says \"If there is still no answer after 15 more minutes, escalate to @platform-director.\" (15m after the step before it: 30m in all), where `owners.escalation` engages `@platform-director` (level 3) after 1h",
                5,
            ),
            (
                "- Page `@dash-leads` after 15 minutes.\n- Escalate to `@platform-director` after another hour.\n",
                "says \"Escalate to @platform-director after another hour.\" (1h after the step before it: 1h15m in all), where `owners.escalation` engages `@platform-director` (level 3) after 1h",
                6,
            ),
        ] {
            let found = contradicted(&runbook(steps), &levels()).expect(steps);
            assert_eq!((found.why.as_str(), found.at.line), (why, line), "{steps}");
        }
        for steps in [
            "- Page `#dash-oncall` immediately.\n- After 15 minutes without mitigation, page `@dash-leads`.\n- After 45 more minutes, page `@platform-director`.\n",
            "- Page `@dash-leads` after 15 minutes.\n- After a further 45 minutes, page `@platform-director`.\n",
            "- Call `@dash-leads` within 2 days to schedule the review.\n- After another hour, page `@platform-director`.\n",
            "- After another hour, page `@platform-director`.\n",
            // Agrees, says no delay of escalation, or times something else.
            "- Page `#dash-oncall` immediately.\n- After 15 minutes without mitigation, page `@DASH-LEADS`.\n- After an hour, page @platform-director.\n",
            "- Page `@dash-leads` and post an update every 30 minutes.\n",
            "No acknowledgement within 15 minutes? Page `@dash-leads`. Still down after an hour? Escalate to `@platform-director`.\n",
            "Is it resolved within 30 minutes? Good.\n\nPage `@dash-leads` after 15 minutes.\n",
            "- Page `#dash-oncall` first; then `@dash-leads` after 15 minutes, and `@platform-director` after 1 hour.\n",
            "- Page `#dash-oncall` immediately, `@dash-leads` after 15 minutes and `@platform-director` after an hour.\n",
            "- Page `@dash-leads`; they have 10 minutes to acknowledge.\n",
            "- After 45 more minutes, page `@platform-director`.\n",
            "- Page `@cto` after 4 hours.\n",
            "- Page `#dash-oncall` first, then the secondary, `@dash-leads`, after 15 minutes.\n",
            "- Page `@dash-leads` if `#dash-oncall` has not acknowledged within 15 minutes.\n",
            "- Ask `@dash-leads` to review the timeline within 2 days.\n",
            "- Call `@dash-leads` within 2 days to schedule the review.\n",
            "```sh\n# page @dash-leads after 30 minutes\n```\n",
            "- Page `@dash-leads` within\u{2014}15 minutes.\n",
        ] {
            assert_eq!(contradicted(&runbook(steps), &levels()), None, "{steps}");
        }
    }
}
