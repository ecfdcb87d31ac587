//! The intervals prepared messages promise ("Next update in 30 minutes") and the incident
//! runbook posts updates at ("repeat every 30 minutes"), held to the one the manifest plans
//! (`comms.update_interval`).

use serde::Serialize;

use super::every::every;
use super::sentences::{Reading, blocks, sentences};
use super::spoken;
use super::timing::expected_duration;
use crate::evidence::alerts::Spot;

/// When prepared messages promise the next update: "Next update in 30 minutes", "we post
/// updates every 30 minutes". A template that promises 15 minutes while the manifest plans
/// 30 breaks a promise at every incident.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Updates {
    /// The shortest interval promised, in seconds.
    pub update_min: i64,
    /// The longest.
    pub update_max: i64,
    /// Each promise (the first [`MAX_UPDATES`]).
    pub updates: Vec<Update>,
}

/// One promise of the next update.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Update {
    /// The interval, in seconds.
    pub seconds: i64,
    /// The sentence.
    pub said: String,
    /// Where it is written.
    pub at: Spot,
    /// It is a later stage's or a lesser severity's (see [`relaxed`]), which may promise a
    /// longer interval than the plan.
    pub relaxed: bool,
}

/// Words of a later stage of an incident or a lesser severity: their messages may promise a
/// longer interval than the plan ("## Monitoring", "| sev3 | every 2 hours |").
const RELAXED: &[&str] = &[
    "monitoring",
    "mitigated",
    "recovered",
    "recovering",
    "resolved",
    "resolution",
    "post-incident",
    "postmortem",
    "follow-up",
    "maintenance",
    "sev2",
    "sev3",
    "sev4",
    "sev-2",
    "sev-3",
    "sev-4",
    "p2",
    "p3",
    "p4",
    "minor",
    "low",
];

/// Whether any of `texts` (a heading, a sentence, a table row) names a later stage or a lesser
/// severity, as whole words.
pub(super) fn relaxed(texts: &[&str]) -> bool {
    texts.iter().any(|t| {
        let lower = t.to_ascii_lowercase();
        let words: Vec<&str> = lower
            .split(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
            .filter(|w| !w.is_empty())
            .collect();
        words.iter().any(|w| RELAXED.contains(w))
            || words
                .windows(2)
                .any(|w| w[0] == "sev" && ["2", "3", "4"].contains(&w[1]))
    })
}

/// Promises of updates kept per file: a template has a few.
const MAX_UPDATES: usize = 20;

/// Words that promise the next update with the duration after them.
const PROMISES: &[&str] = &[
    "next update",
    "update every",
    "updates every",
    "update you in",
    "update you within",
    "update again in",
    "update in",
    "updates in",
    "update within",
    "update you every",
    "update hourly",
    "updates hourly",
    "update daily",
    "updates daily",
    "update you hourly",
    "update you daily",
];

/// Words that tell users when they will hear next without a duration to compare: a time
/// filled in at posting ("Next update by [time]"), or a promise of more ("We will post
/// another update"). Templates that write none of these nor [`PROMISES`] never say it.
const WHEN_NEXT: &[&str] = &[
    "another update",
    "further update",
    "update by",
    "update at",
    "updates at",
    "update again",
    "will update",
    "we'll update",
    "keep you updated",
    "keep you posted",
    "post an update",
    "provide an update",
    "share an update",
    "regular updates",
    "hourly",
    "daily",
];

/// Automata for the phrases searched, letter case aside: one pass over a text instead of a
/// search per phrase (which cost a check 20 times as much).
struct Phrases {
    /// [`PROMISES`] then [`WHEN_NEXT`].
    all: aho_corasick::AhoCorasick,
    /// [`PROMISES`] alone.
    promises: aho_corasick::AhoCorasick,
    /// [`LATER_DAYS`].
    later: aho_corasick::AhoCorasick,
}

static PHRASES: std::sync::LazyLock<Option<Phrases>> = std::sync::LazyLock::new(|| {
    let build = |phrases: &mut dyn Iterator<Item = &&str>| {
        aho_corasick::AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .build(phrases)
            .ok()
    };
    Some(Phrases {
        all: build(&mut PROMISES.iter().chain(WHEN_NEXT))?,
        promises: build(&mut PROMISES.iter())?,
        later: build(&mut LATER_DAYS.iter())?,
    })
});

/// Whether `text` (Markdown: prepared messages) tells users when they will hear next: a
/// promise of the next update with a duration or with a time to fill in.
pub fn says_when_next(text: &str) -> bool {
    match PHRASES.as_ref() {
        Some(phrases) => phrases.all.is_match(text),
        None => {
            let lower = text.to_ascii_lowercase();
            PROMISES.iter().chain(WHEN_NEXT).any(|p| lower.contains(p))
        }
    }
}

/// Whether a line says "update" (or "Update"): asked of many lines, so a byte search that
/// builds no searcher.
fn holds_update(line: &str) -> bool {
    let bytes = line.as_bytes();
    memchr::memchr_iter(b'p', bytes).any(|i| bytes[i..].starts_with(b"pdate"))
}

/// Whether `text` names another day ([`LATER_DAYS`]).
fn names_later_day(text: &str) -> bool {
    match PHRASES.as_ref() {
        Some(phrases) => phrases.later.is_match(text),
        None => super::sentences::holds_any(text, LATER_DAYS),
    }
}

/// Whether `text` may promise an update: a phrase of [`PROMISES`], or one of [`WHEN_NEXT`]
/// and a later day ("We will post another update tomorrow").
fn may_promise(text: &str) -> bool {
    match PHRASES.as_ref() {
        Some(phrases) => {
            phrases.promises.is_match(text) || (names_later_day(text) && phrases.all.is_match(text))
        }
        None => {
            let lower = text.to_ascii_lowercase();
            let any = |phrases: &[&str]| phrases.iter().any(|p| lower.contains(p));
            any(PROMISES) || (any(LATER_DAYS) && any(WHEN_NEXT))
        }
    }
}

/// Where `sentence` first promises the next update with a duration to follow
/// ([`PROMISES`], `true`), or else tells when users hear next ([`WHEN_NEXT`], `false`): the
/// phrase's start and end.
fn first_phrase(sentence: &str) -> Option<(std::ops::Range<usize>, bool)> {
    let (mut promise, mut when) = (None::<std::ops::Range<usize>>, None);
    let mut note = |at: std::ops::Range<usize>, is_promise: bool| {
        let first = if is_promise { &mut promise } else { &mut when };
        if first.as_ref().is_none_or(|f| at.start < f.start) {
            *first = Some(at);
        }
    };
    match PHRASES.as_ref() {
        // Overlapping: "will update every" holds a phrase of each kind.
        Some(phrases) => {
            for m in phrases.all.find_overlapping_iter(sentence) {
                note(m.range(), m.pattern().as_usize() < PROMISES.len());
            }
        }
        None => {
            let lower = sentence.to_ascii_lowercase();
            for (i, p) in PROMISES.iter().chain(WHEN_NEXT).enumerate() {
                for (at, _) in lower.match_indices(p) {
                    note(at..at + p.len(), i < PROMISES.len());
                }
            }
        }
    }
    promise.map(|at| (at, true)).or(when.map(|at| (at, false)))
}

/// Prepared messages: blocks with a duration in digits or in words, or a later day, fenced
/// prose read.
const MESSAGES: Reading = Reading {
    keep: |line| {
        line.bytes().any(|b| b.is_ascii_digit())
            || spoken::may_write(line)
            // A promise of another day names the update ("another update tomorrow").
            || (holds_update(line) && names_later_day(line))
    },
    messages: true,
};

/// Words that put the next update on another day ("Next update tomorrow morning.").
const LATER_DAYS: &[&str] = &[
    "tomorrow",
    "next business day",
    "next working day",
    "next day",
    "next week",
];

/// The least a later day can mean: half a day (a promise made in the evening for the
/// morning). A plan of updates every 30 minutes is broken by it whatever the hour.
const LATER_DAY_SECONDS: i64 = 12 * 3_600;

/// The least time `lower` (a lower-cased sentence) puts before the next update when it
/// promises it on another day: a word of [`LATER_DAYS`] right after the promise (`phrase_end`,
/// where its phrase ends), no clause and at most three words between ("another update
/// tomorrow", "Next update: early tomorrow", "on the next business day"); not a deadline it
/// comes before ("Next update before tomorrow's launch"), nor a day said of something else
/// ("another update when we know more, and the fix ships tomorrow").
fn later_day(lower: &str, phrase_end: usize) -> Option<i64> {
    let after = lower.get(phrase_end..)?;
    let at = LATER_DAYS.iter().filter_map(|d| after.find(d)).min()?;
    let between = &after[..at];
    let words: Vec<&str> = between
        .split(|c: char| !(c.is_alphanumeric() || c == '\''))
        .filter(|w| !w.is_empty())
        .collect();
    let close = !between.contains([',', ';', '.', '(']) && words.len() <= 3;
    let deadline = words
        .last()
        .is_some_and(|w| ["before", "until", "till"].contains(w));
    (close && !deadline).then_some(LATER_DAY_SECONDS)
}

/// The update intervals `text` (Markdown: prepared messages) promises, or `None` for none
/// (their places' `file` left for the caller to name).
pub fn updates(text: &str) -> Option<Updates> {
    // Most texts make no promise: ruled out by a search of the whole text first.
    memchr::memmem::find(text.as_bytes(), b"pdate")?;
    let mut found: Vec<Update> = Vec::new();
    cadences(text, &mut found);
    if !may_promise(text) {
        return updates_of(found);
    }
    for block in blocks(text, MESSAGES) {
        for sentence in sentences(&block.text) {
            if found.len() == MAX_UPDATES {
                break;
            }
            let Some((at, promise)) = first_phrase(sentence) else {
                continue;
            };
            // Lower-casing keeps every byte where it was: `at` is the same in `lower`.
            let lower = sentence.to_ascii_lowercase();
            // A promise with its duration ("Next update in 30 minutes"), or of another day
            // with or without one ("We will provide another update tomorrow").
            let seconds = if promise {
                expected_duration(sentence)
                    .or_else(|| spoken::duration(&lower))
                    .or_else(|| later_day(&lower, at.end))
            } else {
                later_day(&lower, at.end)
            };
            let Some(seconds) = seconds else {
                continue;
            };
            if let Some(at) = block.spot(text, sentence) {
                found.push(Update {
                    seconds,
                    said: sentence.trim_start_matches(['>', ' ']).to_string(),
                    at,
                    relaxed: relaxed(&[block.heading(text), sentence]),
                });
            }
        }
    }
    updates_of(found)
}

/// The promises found, with their shortest and longest intervals; `None` for none.
fn updates_of(found: Vec<Update>) -> Option<Updates> {
    Some(Updates {
        update_min: found.iter().map(|u| u.seconds).min()?,
        update_max: found.iter().map(|u| u.seconds).max()?,
        updates: found,
    })
}

/// Headers of a column of update intervals.
const CADENCE: &[&str] = &["update", "cadence", "interval", "frequency"];

/// The intervals a table of updates promises ("| Severity | Update cadence |", "| sev1 |
/// every 15 minutes |"): a plan kept as a table is as much a promise as a sentence.
fn cadences(text: &str, found: &mut Vec<Update>) {
    for table in super::records::tables(text) {
        if !table.names(&["update"]) {
            continue;
        }
        let columns = table.columns(CADENCE);
        for row in &table.rows {
            let seconds = row
                .under(&columns)
                .filter_map(|cell| {
                    let lower = cell.to_ascii_lowercase();
                    expected_duration(cell)
                        .or_else(|| spoken::duration(&lower))
                        .or_else(|| every(cell, &lower))
                })
                .min();
            if let Some(seconds) = seconds
                && found.len() < MAX_UPDATES
            {
                found.push(Update {
                    seconds,
                    said: row.said.clone(),
                    at: Spot::in_text(text, row.at.0, row.at.1),
                    relaxed: relaxed(&[&table.read(row)]),
                });
            }
        }
    }
}

/// The first step of `text` (Markdown: an incident runbook) that posts updates at another
/// interval than `planned` seconds ("Post the first status update; repeat every hour."), its
/// place's `file` left for the caller to name: whoever runs the incident follows the runbook.
pub fn other_cadence(text: &str, planned: i64) -> Option<Update> {
    memchr::memmem::find(text.as_bytes(), b"pdate")?;
    let reading = Reading {
        keep: MESSAGES.keep,
        messages: false,
    };
    for block in blocks(text, reading) {
        let lower = block.text.to_ascii_lowercase();
        // An update to users, not to a ticket ("check the dashboard every 5 minutes and
        // update the ticket").
        let to_users = [
            "status",
            "post",
            "comms",
            "communicat",
            "stakeholder",
            "users",
        ]
        .iter()
        .any(|w| lower.contains(w));
        if !block.item || !lower.contains("update") || !to_users {
            continue;
        }
        let seconds =
            every(&block.text, &lower).or_else(|| lower.contains("hourly").then_some(3_600));
        if let Some(seconds) = seconds
            && seconds != planned
        {
            let sentence = sentences(&block.text).next().unwrap_or(&block.text);
            return Some(Update {
                seconds,
                said: crate::evidence::one_line(&block.text, 120),
                at: block.spot(text, sentence)?,
                relaxed: false,
            });
        }
    }
    // A table of update cadences by severity: its shortest, the most severe incident's, is
    // the one the plan is for.
    let mut rows = Vec::new();
    cadences(text, &mut rows);
    rows.into_iter()
        .min_by_key(|u| u.seconds)
        .filter(|u| u.seconds != planned)
}

#[cfg(test)]
mod tests;
