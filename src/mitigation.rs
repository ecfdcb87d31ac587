//! Mitigations that say nothing is done: `none`, `accepted`, `we accept this risk for the
//! launch`, `deferred until after launch`, `out of scope`. Each is set, has three words and
//! is not the failure mode again, and leaves the risk exactly where it was.

/// Words that say nothing is done about a risk.
const INACTION: &[&str] = &[
    "none",
    "nothing",
    "no",
    "n/a",
    "na",
    "not",
    "accept",
    "accepts",
    "accepted",
    "accepting",
    "acceptable",
    "acknowledge",
    "acknowledged",
    "defer",
    "deferred",
    "deferring",
    "later",
    "postpone",
    "postponed",
    "ignore",
    "ignored",
    "ignoring",
    "tolerate",
    "tolerated",
    "unmitigated",
    "mitigated",
    "wontfix",
    "won't",
    "wont",
    "fix",
    "scope",
    "tbd",
    "todo",
    "live",
    "risk-accepted",
];

/// Words that carry no action of their own around those.
const FILLER: &[&str] = &[
    "we",
    "i",
    "our",
    "the",
    "a",
    "an",
    "this",
    "that",
    "it",
    "its",
    "it's",
    "is",
    "are",
    "be",
    "will",
    "as",
    "for",
    "at",
    "to",
    "of",
    "on",
    "in",
    "by",
    "and",
    "or",
    "with",
    "until",
    "after",
    "before",
    "now",
    "yet",
    "time",
    "being",
    "currently",
    "launch",
    "go-live",
    "release",
    "risk",
    "risks",
    "mitigation",
    "mitigations",
    "planned",
    "plan",
    "needed",
    "required",
    "issue",
    "known",
    "just",
    "only",
    "all",
    "any",
    "day",
    "team",
    "out",
    "there",
    "here",
    "so",
    "far",
    "do",
    "done",
    "anything",
    "about",
    "-",
];

/// Whether `mitigation` says nothing is done: every word is one of [`INACTION`] or
/// [`FILLER`], at least one of them [`INACTION`] (`We accept this risk for the launch.`),
/// letter case and the punctuation around words aside.
pub fn nothing_done(mitigation: &str) -> bool {
    // The lists are ASCII: ASCII case folding decides as lower-casing would, without a string
    // per word.
    let listed = |list: &[&str], word: &str| list.iter().any(|w| w.eq_ignore_ascii_case(word));
    let mut inaction = false;
    for word in mitigation.split_whitespace() {
        let word = word.trim_matches(|c: char| ".,;:!?\"'()[]`*_".contains(c));
        if word.is_empty() {
            continue;
        }
        if listed(INACTION, word) {
            inaction = true;
        } else if !listed(FILLER, word) {
            return false;
        }
    }
    inaction
}

#[cfg(test)]
mod tests {
    use super::nothing_done;

    #[test]
    fn mitigations_that_do_nothing_are_found() {
        for nothing in [
            "none",
            "None.",
            "nothing planned",
            "no mitigation",
            "not mitigated",
            "n/a",
            "accepted",
            "Risk accepted.",
            "we accept this risk for the launch",
            "We accept the risk for now",
            "deferred until after launch",
            "None at launch; fix later",
            "out of scope",
            "won't fix",
            "TBD",
            "we will live with it",
            "acknowledged - nothing to do",
        ] {
            assert!(nothing_done(nothing), "{nothing}");
        }
    }

    #[test]
    fn mitigations_that_do_something_pass() {
        for something in [
            "PublicationJobStalled alert pages on-call; rerun the job from the runbook",
            "We accept the risk and watch the queue dashboard hourly",
            "no deploys on launch day; the review queue is frozen",
            "rollback to the known good release within 5 minutes",
            "support rota doubled on launch day",
            "",
            "launch",
        ] {
            assert!(!nothing_done(something), "{something}");
        }
    }
}
