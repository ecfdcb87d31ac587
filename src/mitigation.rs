//! Mitigations that say nothing is done: `none`, `accepted`, `we accept this risk for the
//! launch`, `deferred until after launch`, `out of scope`, `we will monitor it closely`. Each
//! is set, has three words and is not the failure mode again, and leaves the risk exactly
//! where it was: watching names no alert, dashboard or signal to watch, nor who watches.

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
    // Watching, with nothing named to watch.
    "monitor",
    "monitored",
    "monitoring",
    "watch",
    "watched",
    "watching",
    "observe",
    "observed",
    "track",
    "tracked",
    "tracking",
    "closely",
    "carefully",
    "keep",
    "eye",
    "eyes",
];

/// Words that carry no action of their own around those.
pub(crate) const FILLER: &[&str] = &[
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
    "during",
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
    "action",
    "actions",
    "-",
];

/// Phrases that say a mitigation is not in place yet ("alert on the queue; not yet
/// implemented", "to be added after launch"): until it is, it limits nothing.
const NOT_YET: &[&str] = &[
    "not yet implemented",
    "not yet in place",
    "not yet built",
    "not yet set up",
    "not yet done",
    "not yet deployed",
    "not yet configured",
    "not yet added",
    "not yet live",
    "not yet merged",
    "not yet shipped",
    "not yet available",
    "not implemented",
    "not in place",
    "to be implemented",
    "to be added",
    "to be built",
    "to be set up",
    "to be configured",
    "to be done",
    "will be implemented",
    "will be added",
    "will be built",
    "will be set up",
    "will be configured",
    "work in progress",
    "coming soon",
    "next sprint",
];

/// Whether `mitigation` says nothing is done: every word is one of [`INACTION`] or
/// [`FILLER`], at least one of them [`INACTION`] (`We accept this risk for the launch.`),
/// letter case and the punctuation around words aside.
pub fn nothing_done(mitigation: &str) -> bool {
    only_words(mitigation, INACTION, &[FILLER])
}

/// Whether every word of `text` is one of `key` or of `filler`, and at least one is of `key`,
/// letter case and the punctuation around words aside.
pub(crate) fn only_words(text: &str, key: &[&str], filler: &[&[&str]]) -> bool {
    // The lists are ASCII: ASCII case folding decides as lower-casing would, without a string
    // per word.
    let listed = |list: &[&str], word: &str| list.iter().any(|w| w.eq_ignore_ascii_case(word));
    let mut found = false;
    for word in text.split_whitespace() {
        let word = word.trim_matches(|c: char| ".,;:!?\"'()[]`*_".contains(c));
        if word.is_empty() {
            continue;
        }
        if listed(key, word) {
            found = true;
        } else if !filler.iter().any(|list| listed(list, word)) {
            return false;
        }
    }
    found
}

/// Whether `mitigation` says it (or part of it) is not in place yet ([`NOT_YET`]), whatever
/// the spacing and letter case.
pub fn not_in_place(mitigation: &str) -> bool {
    // Most mitigations hold none of the phrases' words: asked before a folded copy is made.
    let has = |w: &str| {
        mitigation
            .as_bytes()
            .windows(w.len())
            .any(|x| x.eq_ignore_ascii_case(w.as_bytes()))
    };
    if !(has("not") || has("be") || has("progress") || has("soon") || has("sprint")) {
        return false;
    }
    let folded = mitigation
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_ascii_lowercase();
    NOT_YET.iter().any(|p| folded.contains(p))
}

/// Products people name beside the word "alert" that are no alert of theirs.
const PRODUCTS: &[&str] = &[
    "PagerDuty",
    "OpsGenie",
    "Opsgenie",
    "VictorOps",
    "AlertManager",
    "Alertmanager",
    "GitHub",
    "GitLab",
    "CloudWatch",
    "DataDog",
    "NewRelic",
    "SignalFx",
    "ServiceNow",
    "StatusPage",
    "BetterStack",
    "BetterUptime",
    "UptimeRobot",
    "PromQL",
];

/// Words after an alert's name that say it fires ("QueueDepthHigh pages on-call").
const FIRES: &[&str] = &["pages", "fires", "firing", "triggers", "notifies", "wakes"];

/// The alerts `mitigation` names: a name as Prometheus alerts are named (`PublicationJobStalled`:
/// a capital, lower-case letters, another capital, letters and digits) next to the word
/// "alert" ("the PublicationJobStalled alert", "alert `HighErrorRate`") or before a word that
/// says it fires ("QueueDepthHigh pages on-call"). A mitigation that rests on an alert rests
/// on it firing, so the alert must be defined.
pub fn alerts_named(mitigation: &str) -> Vec<&str> {
    let words = words(mitigation);
    let is = |w: &str, list: &[&str]| list.iter().any(|a| w.eq_ignore_ascii_case(a));
    let alert = |w: &str| is(w, &["alert", "alerts", "alerting"]);
    let mut named = Vec::new();
    for (i, &name) in words.iter().enumerate() {
        let beside = (i > 0 && alert(words[i - 1]))
            || words.get(i + 1).is_some_and(|w| alert(w) || is(w, FIRES));
        if beside && alert_shaped(name) && !named.contains(&name) {
            named.push(name);
        }
    }
    named
}

/// Every word of `mitigation` shaped as an alert's name, each once: with the names of the
/// alerts defined, a near miss among them is an alert misspelt.
pub fn alert_shaped_words(mitigation: &str) -> Vec<&str> {
    let mut out: Vec<&str> = Vec::new();
    for w in words(mitigation) {
        if alert_shaped(w) && !out.contains(&w) {
            out.push(w);
        }
    }
    out
}

/// The words of a mitigation (or a risk's other text), quotes and emphasis trimmed.
pub(crate) fn words(text: &str) -> Vec<&str> {
    text.split(|c: char| c.is_whitespace() || ",;:()[]".contains(c))
        .map(|w| w.trim_matches(|c: char| ".!?\"'`*_".contains(c)))
        .filter(|w| !w.is_empty())
        .collect()
}

/// Shaped as Prometheus alerts are named (`PublicationJobStalled`), and no product's name.
fn alert_shaped(name: &str) -> bool {
    let capitals = name.bytes().filter(u8::is_ascii_uppercase).count();
    name.starts_with(|c: char| c.is_ascii_uppercase())
        && capitals >= 2
        && name.bytes().any(|b| b.is_ascii_lowercase())
        && name.bytes().all(|b| b.is_ascii_alphanumeric())
        && name.len() >= 6
        && !PRODUCTS.contains(&name)
}

#[cfg(test)]
mod tests {
    use super::{alerts_named, not_in_place, nothing_done};

    #[test]
    fn alerts_named_beside_the_word() {
        for (text, named) in [
            (
                "PublicationJobStalled alert pages on-call; rerun the job from the runbook",
                vec!["PublicationJobStalled"],
            ),
            (
                "TemplateCompileFailures alert; publication blocks",
                vec!["TemplateCompileFailures"],
            ),
            (
                "the `HighErrorRate` alert and alert DiskFull.",
                vec!["HighErrorRate", "DiskFull"],
            ),
            // A product, a word that is no alert's name, no "alert" beside it.
            ("PagerDuty alert pages the primary", vec![]),
            ("Alert pages on-call", vec![]),
            ("QueueDepthHigh pages on-call", vec!["QueueDepthHigh"]),
            ("PagerDuty pages the primary", vec![]),
            ("OpsGenie escalation; rerun ReviewQueue by hand", vec![]),
            ("alert on queue depth over 100", vec![]),
        ] {
            assert_eq!(alerts_named(text), named, "{text}");
        }
    }

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
            "accepted risk, no action",
            "we will monitor it closely",
            "Monitoring.",
            "keep an eye on it",
            "watch closely during launch",
        ] {
            assert!(nothing_done(nothing), "{nothing}");
        }
    }

    #[test]
    fn mitigations_not_in_place_are_found() {
        for later in [
            "PublicationJobStalled alert pages on-call; not yet implemented",
            "Queue-depth alert (to be added after launch)",
            "A retry budget will be implemented next sprint.",
            "circuit breaker: work in progress",
            "Rollback  NOT\nYET in place",
        ] {
            assert!(not_in_place(later), "{later}");
        }
        for now in [
            "PublicationJobStalled alert pages on-call; rerun the job from the runbook",
            "if the job has not yet finished after 30 minutes, rerun it from the runbook",
            "the PendingJobs alert pages on-call; jobs not in the queue are rerun",
            "deploys frozen until after launch",
            "",
        ] {
            assert!(!not_in_place(now), "{now}");
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
            "we will monitor the queue depth dashboard closely",
            "@bob watches the error rate during launch",
            "",
            "launch",
        ] {
            assert!(!nothing_done(something), "{something}");
        }
    }
}
