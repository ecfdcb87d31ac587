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
    /// `after` as the manifest writes it (`48h`), for messages.
    pub written: String,
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
                        .or_else(|| elapsed_clock(when))
                };
                if let Some(seconds) = seconds
                    && seconds != meant.after
                {
                    return Some(Escalated {
                        why: format!(
                            "engages level {level} (`{}`) \"{}\" in its escalation table, where `owners.escalation` engages it after {}",
                            meant.contact,
                            crate::evidence::one_line(when, 60),
                            meant.written
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

/// Words a delay of escalation follows ("within 45 minutes", "after an hour", "by 30
/// minutes").
const DELAY: &[&str] = &[
    "after", "within", "in", "past", "beyond", "than", "over", "for", "by",
];

/// A table cell's time on an incident's clock, `0:30` or `T+0:30` (hours and minutes since
/// it began): 30 minutes in.
fn elapsed_clock(cell: &str) -> Option<i64> {
    cell.split_whitespace().find_map(|token| {
        let token = token.trim_matches(|c: char| ".,;()".contains(c));
        let token = ["T+", "t+", "+"]
            .iter()
            .find_map(|p| token.strip_prefix(p))
            .unwrap_or(token);
        let (hours, minutes) = token.split_once(':')?;
        let digits = |t: &str, most: usize| {
            (1..=most).contains(&t.len()) && t.bytes().all(|b| b.is_ascii_digit())
        };
        if !digits(hours, 2) || !digits(minutes, 2) || minutes.len() != 2 {
            return None;
        }
        let (h, m) = (hours.parse::<i64>().ok()?, minutes.parse::<i64>().ok()?);
        (m < 60).then_some(h * 3_600 + m * 60)
    })
}

/// Delays written around their time: "at the 30-minute mark", "30 minutes in," (each with
/// where it is in `lower`, a lower-cased `sentence`).
fn around(lower: &str, sentence: &str) -> Vec<(i64, usize, usize, Option<i64>)> {
    let mut found = Vec::new();
    // Most sentences write neither: asked before any time is read.
    let marked = memchr::memmem::find(lower.as_bytes(), b"mark").is_some();
    let time_in = lower.match_indices(" in").any(|(at, _)| {
        lower[at + 3..].is_empty() || lower[at + 3..].starts_with([',', ';', '.', ':'])
    });
    if !marked && !time_in {
        return found;
    }
    for (at, the) in lower.match_indices("the ").filter(|_| marked) {
        let start = at + the.len();
        let end = start + super::every::time_len(&lower[start..]);
        if end > start
            && lower[end..].trim_start().starts_with("mark")
            && let Some(seconds) = super::timing::expected_duration(&sentence[start..end])
        {
            found.push((seconds, at, end, None));
        }
    }
    for written in crate::numbers::written(lower).filter(|_| time_in) {
        let end = written.start + super::every::time_len(&lower[written.start..]);
        let rest = lower[end..].strip_prefix(" in").unwrap_or_default();
        if end > written.end
            && (lower[end..].starts_with(" in")
                && (rest.is_empty() || rest.starts_with([',', ';', '.', ':'])))
            && let Some(seconds) = super::timing::expected_duration(&sentence[written.start..end])
        {
            found.push((seconds, written.start, end + 3, None));
        }
    }
    found
}

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
            delays.extend(around(&lower, sentence));
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
                        level.written
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
pub(super) fn handles(cell: &str) -> Vec<String> {
    cell.split(|c: char| c.is_whitespace() || ",;()[]".contains(c))
        .map(|w| w.trim_end_matches(['.', ':']))
        .filter(|w| (w.starts_with('@') || w.starts_with('#')) && w.len() > 1)
        .map(str::to_ascii_lowercase)
        .collect()
}

#[cfg(test)]
mod tests;
