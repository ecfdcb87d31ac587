//! How long a runbook says it takes: the waits its steps write ("Wait 10 minutes for the
//! caches to drain") and the time it says a run took ("Rehearsed on 2026-11-02: 4 minutes end
//! to end"). A rollback the manifest says takes 5 minutes, whose runbook waits 15 or was
//! timed at 12, takes longer than the manifest says; so does a restore promised in 4 hours
//! (`backup.rto`) whose drill took 9.

use serde::Serialize;

use super::sentences::{Block, Reading, blocks, sentences};
use super::spoken;
use crate::evidence::alerts::Spot;
use outcome::Outcome;

/// What a runbook says of its own duration.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Timing {
    /// Seconds its steps wait in all: steps run one after another.
    pub waited_seconds: i64,
    /// `waited_seconds` as manifests write durations (`11m30s`).
    pub waited: String,
    /// The sentences of steps that wait.
    pub waits: Vec<String>,
    /// The longest time it says a run took, in seconds (0: it says none).
    pub timed_seconds: i64,
    /// The sentence that says so.
    pub timed: String,
    /// Where the first wait is written (a rule's `location`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub wait_at: Option<Spot>,
    /// Where the timed run is written.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timed_at: Option<Spot>,
    /// The latest day it says a run happened on (`YYYY-MM-DD`, "Rehearsed on 2026-11-02"),
    /// empty when it dates none.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub ran_on: String,
    /// The sentence that says so.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub ran_on_said: String,
    /// Where it is written.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ran_on_at: Option<Spot>,
    /// A sentence (or a record's row) that says the run of `ran_on` failed ("The rehearsal on
    /// 2026-11-02 failed at step 3"), when one does and none of that day says one succeeded.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub failed_said: String,
    /// Where it is written.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failed_at: Option<Spot>,
    /// A line that says the procedure was never run ("Not rehearsed yet."), when the text
    /// records no run.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub never_ran_said: String,
    /// Where it is written.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub never_ran_at: Option<Spot>,
    /// A record of `ran_on` says a run succeeded: a failure of that day was retried.
    #[serde(skip)]
    succeeded: bool,
}

impl Timing {
    /// Names the file its places are in, as findings show it.
    pub fn in_file(&mut self, shown: &str) {
        for spot in [
            &mut self.wait_at,
            &mut self.timed_at,
            &mut self.ran_on_at,
            &mut self.failed_at,
            &mut self.never_ran_at,
        ]
        .into_iter()
        .flatten()
        {
            spot.file = shown.to_string();
        }
    }

    /// Notes a record (`said`, lower-cased `lower`, at `at`) of a run on `day`: the latest day
    /// is the last run, and how it ended is what its records say.
    fn ran(&mut self, day: &str, said: &str, lower: &str, at: impl Fn() -> Option<Spot>) {
        if day > self.ran_on.as_str() {
            self.ran_on = day.to_string();
            self.ran_on_said = said.to_string();
            self.ran_on_at = at();
            self.failed_said.clear();
            self.failed_at = None;
            self.succeeded = false;
        } else if day < self.ran_on.as_str() {
            return;
        }
        match outcome::outcome(lower) {
            Outcome::Succeeded => {
                self.succeeded = true;
                self.failed_said.clear();
                self.failed_at = None;
            }
            Outcome::Failed if !self.succeeded && self.failed_said.is_empty() => {
                self.failed_said = said.to_string();
                self.failed_at = at();
            }
            _ => {}
        }
    }
}

/// Words of units a duration is written in, each before its own prefixes, with their seconds.
pub(super) const UNITS: &[(&str, i64)] = &[
    ("minutes", 60),
    ("seconds", 1),
    ("days", 86_400),
    ("day", 86_400),
    ("minute", 60),
    ("second", 1),
    ("hours", 3_600),
    ("hour", 3_600),
    ("mins", 60),
    ("secs", 1),
    ("min", 60),
    ("sec", 1),
    ("hrs", 3_600),
    ("hr", 3_600),
];

/// Words that make a step a wait.
const WAITS: &[&str] = &["wait", "waiting", "sleep", "pause", "allow"];

/// Words before a wait that say not to (`do not wait 10 minutes`).
const NOT: &[&str] = &["not", "don't", "dont", "never", "without", "no", "needn't"];

/// Words that say a run was timed.
const TIMED: &[&str] = &[
    "rehearsed",
    "rehearsal",
    "end to end",
    "end-to-end",
    "drill",
];

/// Words that say something was timed, the runbook's own procedure when the sentence names
/// it ("the last rollback took 12 minutes"), not an incident ("the outage took 3 hours").
const TOOK: &[&str] = &["took", "takes", "measured", "timed", "lasted"];

/// Labels of a run's record ("Duration: 12 minutes", "Time to recover: 9m"): time a run took,
/// under a heading that says which run ("## Last rehearsal") or beside the procedure's name
/// ("Rollback duration: 12 minutes").
const RECORD: &[&str] = &[
    "duration",
    "elapsed",
    "time taken",
    "total time",
    "time to ",
    "rollback time",
    "recovery time",
    "restore time",
];

/// Words of a run still to come ("the next rehearsal", "the upcoming drill").
const PLANS: &[&str] = &["next", "upcoming"];

/// Words of a condition or a limit (`if it has not recovered in 10 minutes, page the lead`,
/// `alerts fire every 5 minutes`): no time spent.
const CONDITIONS: &[&str] = &[
    "if", "unless", "when", "whenever", "until", "every", "within", "exceeds", "beyond",
];

/// Phrases of a limit (`never wait more than 2 minutes`).
const LIMITS: &[&str] = &["more than", "longer than", "at most", "up to", "no more"];

/// Words that name a rollback's procedure in a sentence that says what it took.
pub const ROLLBACK: &[&str] = &["roll"];

/// Words that name a restore's procedure ("the restore took 3 hours", "full recovery took").
pub const RESTORE: &[&str] = &["restor", "recover"];

/// A runbook's reading: steps and prose with a duration in digits or in words, and a
/// record's label of how its run ended (`- Result: failed`), fenced code left out.
const TIMED_BLOCKS: Reading = Reading {
    keep: |line| {
        line.bytes().any(|b| b.is_ascii_digit())
            || spoken::may_write(line)
            || outcome::labelled(line)
    },
    messages: false,
};

/// What `text` (Markdown) says of its own duration, a run of the procedure that `subjects`
/// name ([`ROLLBACK`], [`RESTORE`]), and the last day it ran up to `today` (`YYYY-MM-DD`).
pub fn timing(text: &str, subjects: &[&str], today: &str) -> Timing {
    let mut out = Timing::default();
    // The day of the last run a sentence recorded, so far.
    let mut run_day: Option<String> = None;
    // Sections that record runs ("## Last rehearsal", "## Drill log" and the "### 2026-11-20"
    // under it), some of them dating one in their heading.
    let records = headed::records(text, today);
    let mut kept = blocks(text, TIMED_BLOCKS).into_iter().peekable();
    // The paragraph right after one whose last sentence said a run, when the reading drops
    // it (it writes no number): "Rehearsed on 2026-11-02.\n\nIt failed: the revert did not
    // deploy." says how that run ended.
    let mut dropped: Option<Block> = None;
    // Where the last block ends when its last sentence said a run, for the next to follow.
    let mut run_said_to: Option<usize> = None;
    while let Some(block) = dropped.take().or_else(|| kept.next()) {
        let (start, end) = block.span();
        let section = records.iter().find(|r| r.at.0 == block.heading_at());
        // A section that records a run: its dates and its labelled times ("- Duration: 12
        // minutes") are the run's, and under a heading that dates it, so is what it says of
        // how the run ended ("Failed: the revert did not deploy").
        let record = section.is_some();
        if let Some(day) = section.and_then(|r| r.day.as_ref()) {
            run_day = Some(day.clone());
        }
        // The sentence before says a run ("Rehearsed on 2026-11-02."): a label after it
        // ("Duration: 12 minutes.") is that run's, in the next paragraph too.
        // Only blank lines between them (and the marker of an item on the block's line).
        let mut after_run = run_said_to.take().is_some_and(|to| {
            text.get(to..start)
                .is_some_and(|gap| gap.rsplit_once('\n').is_none_or(|g| g.0.trim().is_empty()))
        });
        for sentence in sentences(&block.text) {
            let follows_run = std::mem::take(&mut after_run);
            // Most sentences write no duration: that is asked before anything is lower-cased.
            // A step may write one as manifests do (`Wait 10m for the caches to drain.`), and
            // people write "about ten minutes".
            // Where the duration starts, when it is known: a condition before it governs it.
            let mut starts = None;
            // One lower-cased copy serves every reading of the sentence below.
            let mut lowered: Option<String> = None;
            let duration = if block.item {
                expected_duration(sentence)
            } else {
                whole::whole_run(
                    sentence,
                    lowered.get_or_insert_with(|| sentence.to_ascii_lowercase()),
                )
                .map(|(seconds, at)| {
                    starts = Some(at);
                    seconds
                })
                .or_else(|| compact_duration(sentence))
                .or_else(|| labelled_duration(sentence))
            };
            let duration = duration.or_else(|| {
                spoken::may_write(sentence)
                    .then(|| {
                        spoken::amount(lowered.get_or_insert_with(|| sentence.to_ascii_lowercase()))
                    })
                    .flatten()
            });
            // The day a run happened ("Rehearsed on 2026-11-02", "Drill on Nov 21, 2026"),
            // written with its time or alone.
            let dates = crate::evidence::dated::in_text(sentence);
            // "Result: failed" in a run's record, "It failed at step 3." right after it,
            // "Failed after 4 minutes." under the heading that dates it, or "The rehearsal was
            // aborted." after it: how the last run recorded so far ended.
            if dates.is_empty()
                && let Some(day) = &run_day
                && outcome::may_say(sentence)
            {
                let lower = lowered.get_or_insert_with(|| sentence.to_ascii_lowercase());
                if follows_run || record || TIMED.iter().any(|t| lower.contains(t)) {
                    out.ran(day, sentence, lower, || block.spot(text, sentence));
                    after_run = true;
                }
            }
            if duration.is_none() && dates.is_empty() {
                continue;
            }
            // `Don’t` as typed by an editor is `don't`.
            let lower = lowered.unwrap_or_else(|| sentence.to_ascii_lowercase());
            let lower = if lower.contains('\u{2019}') {
                lower.replace('\u{2019}', "'")
            } else {
                lower
            };
            let words: Vec<&str> = lower
                .split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '-'))
                .filter(|w| !w.is_empty())
                .collect();
            let took = TOOK.iter().any(|t| words.contains(t));
            let labelled = took || RECORD.iter().any(|l| lower.contains(l));
            let mut says_run = TIMED.iter().any(|t| lower.contains(t))
                || (labelled && (follows_run || subjects.iter().any(|s| lower.contains(s))));
            if !says_run {
                says_run = record && (labelled || duration.is_none());
            }
            // "Next rehearsal in 90 days": a plan, not a run.
            if words.iter().any(|w| PLANS.contains(w)) {
                says_run = false;
            }
            after_run = says_run;
            // A day after today is a plan ("Next rehearsal on 2026-12-20"), not a run: taken as
            // the last run it would let `last_tested` move forward with none recorded.
            let ran = dates.into_iter().filter(|d| d.as_str() <= today).max();
            if says_run && let Some(day) = ran {
                out.ran(&day, sentence, &lower, || block.spot(text, sentence));
                run_day = Some(day);
            }
            let Some(seconds) = duration else {
                continue;
            };
            let conditional = words.iter().any(|w| CONDITIONS.contains(w))
                || LIMITS.iter().any(|l| lower.contains(l));
            // A run's record says what it took whatever its sentence goes on to say ("12
            // minutes end to end, until traffic recovered"); a condition or a limit before its
            // time governs it ("escalate if it takes more than 10 minutes").
            let governed = match starts {
                Some(at) if says_run && !block.item => {
                    let before = &lower[..at];
                    before
                        .split(|c: char| !(c.is_alphanumeric() || c == '\''))
                        .any(|w| w != "within" && CONDITIONS.contains(&w))
                        || LIMITS.iter().any(|l| before.contains(l))
                }
                _ => conditional,
            };
            if governed {
                continue;
            }
            let waits = words.iter().enumerate().any(|(i, w)| {
                WAITS.contains(w)
                    && !words[i.saturating_sub(3)..i]
                        .iter()
                        .any(|n| NOT.contains(n))
            });
            if block.item && waits {
                out.waited_seconds += seconds;
                out.waits.push(sentence.to_string());
                out.wait_at = out.wait_at.take().or_else(|| block.spot(text, sentence));
            } else if seconds > out.timed_seconds && says_run {
                out.timed_seconds = seconds;
                out.timed = sentence.to_string();
                out.timed_at = block.spot(text, sentence);
            }
        }
        if after_run {
            run_said_to = Some(end);
            let next = kept.peek().map_or(text.len(), |b| b.span().0);
            dropped = block.next_in(text, end, next);
        }
    }
    // A record kept as a table ("| Date | Duration |" under "## Rehearsals").
    for row in super::records::record_rows(text, TIMED) {
        let lower = row.said.to_ascii_lowercase();
        if lower
            .split(|c: char| !c.is_alphanumeric())
            .any(|w| PLANS.contains(&w))
        {
            continue;
        }
        let at = || Some(Spot::in_text(text, row.at.0, row.at.1));
        let ran = row.days.iter().filter(|d| d.as_str() <= today).max();
        if let Some(day) = ran {
            out.ran(day, &row.said, &lower, at);
        }
        if let Some(seconds) = row.seconds.filter(|s| *s > out.timed_seconds) {
            out.timed_seconds = seconds;
            out.timed = row.said.clone();
            out.timed_at = at();
        }
    }
    // A heading that dates a run ("### 2026-11-20 (failed)"), and says how it ended.
    for r in &records {
        if let Some(day) = &r.day {
            let at = || Some(Spot::in_text(text, r.at.0, r.at.1));
            out.ran(day, r.heading, &r.heading.to_ascii_lowercase(), at);
        }
    }
    if out.ran_on.is_empty()
        && let Some((at, len)) = never::never_run(text)
    {
        out.never_ran_said = text[at..at + len].trim().to_string();
        out.never_ran_at = Some(Spot::in_text(text, at, len));
    }
    out.waited = crate::duration::format_seconds(out.waited_seconds);
    out
}

/// Seconds of the first duration `text` writes in words (`30 minutes`), else as manifests
/// write them (`30m`, `1h30m`): where a duration is expected (a promise of the next update,
/// a table's "when" cell), `5m` is no "5 million".
pub(super) fn expected_duration(text: &str) -> Option<i64> {
    first_duration(text).or_else(|| {
        text.split(|c: char| c.is_whitespace() || ",;()[]|".contains(c))
            .map(|t| t.trim_matches(|c: char| ".:!?\"'`".contains(c)))
            // An incident's clock: `T+30m` is 30 minutes in.
            .map(|t| {
                t.strip_prefix("T+")
                    .or_else(|| t.strip_prefix("t+"))
                    .or_else(|| t.strip_prefix('+'))
                    .unwrap_or(t)
            })
            .filter(|t| t.starts_with(|c: char| c.is_ascii_digit()))
            .find_map(crate::duration::parse_seconds)
    })
}

/// Seconds of the first duration `text` writes (`4 minutes`, `1.5 Hours`, `3-5 min`: the
/// upper end of a range).
pub(super) fn first_duration(text: &str) -> Option<i64> {
    written_durations(text).next().map(|d| d.seconds)
}

/// A duration written in digits and unit words.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Written {
    /// Its seconds.
    seconds: i64,
    /// Where its number starts.
    start: usize,
    /// Where its last unit ends.
    end: usize,
    /// The seconds of its first unit (`minutes`: 60).
    unit: i64,
}

/// The durations `text` writes in digits and unit words, in order (`4 minutes and 30 seconds`
/// once).
fn written_durations(text: &str) -> impl Iterator<Item = Written> + '_ {
    let mut read_to = 0;
    crate::numbers::written(text).filter_map(move |written| {
        if written.start < read_to {
            return None;
        }
        let number = text[written.clone()].trim_end_matches('.');
        let rest = &text[written.end..];
        // `3-5 minutes`, `3 to 5 minutes`: the number before the unit is the upper end.
        let range = ["-", "\u{2013}", " to "].iter().any(|r| {
            rest.strip_prefix(r)
                .is_some_and(|r| r.starts_with(|c: char| c.is_ascii_digit()))
        });
        if range {
            return None;
        }
        let rest = rest.trim_start_matches([' ', '-']);
        let (u, size) = UNITS
            .iter()
            .find(|(u, _)| crate::numbers::word_at(rest, u))?;
        // "Rehearsed 3 days ago: 4 minutes end to end", "2 days of traffic": days that date
        // or measure data, not a duration.
        let after = &rest[u.len()..];
        if *size == 86_400
            && spoken::NOT_SPENT
                .iter()
                .any(|d| crate::numbers::word_at(after.trim_start(), d))
        {
            return None;
        }
        let n = number
            .parse::<f64>()
            .ok()
            .filter(|n| n.is_finite() && *n >= 0.0)?;
        let (parts, left) = smaller_parts(after, *size);
        read_to = text.len() - left.len();
        Some(Written {
            seconds: (n * *size as f64 + parts).round().min(i64::MAX as f64) as i64,
            start: written.start,
            end: text.len() - left.len(),
            unit: *size,
        })
    })
}

/// Words before a compact duration in prose that say it is time taken ("took 9h", "done in
/// 3h30m"), and after it ("4m30s end to end", "2h total").
const COMPACT_BEFORE: &[&str] = &[
    "took",
    "takes",
    "lasted",
    "measured",
    "timed",
    "in",
    "about",
    "around",
    "roughly",
    "approximately",
    "approx",
    "under",
    "over",
    "nearly",
    "almost",
    "~",
];
const COMPACT_AFTER: &[&str] = &["end", "end-to-end", "total", "overall", "wall"];

/// Seconds of the first duration prose writes as manifests do (`9h`, `4m30s`) where the words
/// around it say it is time taken: "replayed 20m rows" is a count.
fn compact_duration(sentence: &str) -> Option<i64> {
    let words: Vec<&str> = sentence
        .split(|c: char| c.is_whitespace() || ",;:()[]|\"'`".contains(c))
        .map(|w| w.trim_end_matches(['.', '!', '?']))
        .filter(|w| !w.is_empty())
        .collect();
    let said = |w: &&str, list: &[&str]| list.iter().any(|l| w.eq_ignore_ascii_case(l));
    words.iter().enumerate().find_map(|(i, word)| {
        let token = word.trim_start_matches('~');
        if !token.starts_with(|c: char| c.is_ascii_digit()) {
            return None;
        }
        let seconds = crate::duration::parse_seconds(token)?;
        // `(12m)`: a time alone in brackets, as a record writes beside a day.
        let bracketed = || {
            sentence.match_indices(token).any(|(at, _)| {
                sentence[..at].ends_with('(') && sentence[at + token.len()..].starts_with(')')
            })
        };
        let taken = word.starts_with('~')
            || bracketed()
            || i.checked_sub(1)
                .and_then(|b| words.get(b))
                .is_some_and(|b| said(b, COMPACT_BEFORE))
            || words.get(i + 1).is_some_and(|a| said(a, COMPACT_AFTER));
        taken.then_some(seconds)
    })
}

/// Seconds of a duration written as manifests do after a record's label ("Time to recover:
/// 9m", "Duration: 1h30m").
fn labelled_duration(sentence: &str) -> Option<i64> {
    let (label, value) = sentence.split_once(':')?;
    // A label is a few words before the time (`Time to recover: 9m`), not a sentence that
    // happens to hold a `:` (`at 08:00`, a command).
    if label.len() > 40 || !value.trim_start().starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    let label = label.to_ascii_lowercase();
    RECORD
        .iter()
        .any(|l| label.contains(l.trim_end()))
        .then(|| expected_duration(value))
        .flatten()
}

/// Seconds of the smaller units that follow a duration's first (`3 hours 50 minutes`, `1 hour
/// and 30 minutes`, `4 minutes, 30 seconds`): each in a smaller unit than the one before; and
/// the text after them.
fn smaller_parts(mut after: &str, mut size: i64) -> (f64, &str) {
    let mut total = 0.0;
    loop {
        let rest = after.trim_start_matches([' ', ',']);
        let rest = rest.strip_prefix("and ").unwrap_or(rest);
        let digits = rest.find(|c: char| !(c.is_ascii_digit() || c == '.'));
        let Some(end) = digits.filter(|&e| e > 0) else {
            return (total, after);
        };
        let unit_text = rest[end..].trim_start_matches([' ', '-']);
        let unit = UNITS
            .iter()
            .find(|(u, s)| *s < size && crate::numbers::word_at(unit_text, u));
        let (Some((u, s)), Ok(n)) = (unit, rest[..end].parse::<f64>()) else {
            return (total, after);
        };
        if !n.is_finite() {
            return (total, after);
        }
        total += n * *s as f64;
        size = *s;
        after = &unit_text[u.len()..];
    }
}

mod headed;
mod never;
mod outcome;
#[cfg(test)]
mod tests;
mod whole;
