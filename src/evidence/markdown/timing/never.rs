//! Whether a runbook says its procedure was never run: "Not rehearsed yet.", "This runbook has
//! not been tested.", "The restore has never been drilled." A manifest that records a test of
//! it contradicts the one text that was there to record the test.

/// The words of a run, each as written after its first letter (`Rehearsed`, `rehearsed`).
const RUN: &[&str] = &["ehearsed", "ested", "rilled", "xercised"];

/// Words before the run's word that deny it happened, last first ("not yet", "never been").
const DENIALS: &[&[&str]] = &[
    &["not"],
    &["yet", "not"],
    &["been", "not"],
    &["been", "yet", "not"],
    &["been", "never"],
    &["never"],
    &["been", "n't"],
    &["been", "yet", "n't"],
    &["be", "to", "yet"],
];

/// Words a sentence may hold before the denial for it to be said of the whole procedure
/// ("This runbook has not been tested"): any other ("Step 3 has not been tested", "Rollback
/// to versions before v1.0 has never been tested") says it of a part.
const OF_THE_PROCEDURE: &[&str] = &[
    "this",
    "the",
    "these",
    "it",
    "runbook",
    "procedure",
    "process",
    "rollback",
    "restore",
    "recovery",
    "steps",
    "plan",
    "has",
    "have",
    "is",
    "are",
    "was",
    "were",
    "so",
    "far",
    "as",
    "of",
    "today",
    "still",
];

/// The line (offset and length in `text`) of the first sentence that says the procedure was
/// never run, when one does.
pub(super) fn never_run(text: &str) -> Option<(usize, usize)> {
    for word in RUN {
        for (at, _) in text.match_indices(word) {
            // The whole word: its first letter, and no letter before it but an `un`.
            let Some(first) = at.checked_sub(1) else {
                continue;
            };
            let letter = text.as_bytes()[first].to_ascii_lowercase();
            if !matches!(
                (*word, letter),
                ("ehearsed", b'r') | ("ested", b't') | ("rilled", b'd') | ("xercised", b'e')
            ) || text[at + word.len()..].starts_with(char::is_alphanumeric)
            {
                continue;
            }
            let line_start = text[..first].rfind('\n').map_or(0, |n| n + 1);
            let line_end = text[at..].find('\n').map_or(text.len(), |n| at + n);
            let before = text[line_start..first].to_ascii_lowercase();
            let (before, prefixed) = match before.strip_suffix("un") {
                Some(rest) if !rest.ends_with(char::is_alphanumeric) => (rest.to_string(), true),
                _ => (before, false),
            };
            if before.ends_with(char::is_alphanumeric) {
                continue;
            }
            // Inside a fence (`# not tested` in a script) it is no sentence; asked last, of
            // the rare line that denies a run.
            if denied(&before, prefixed)
                && unqualified(&text[at + word.len()..line_end])
                && super::super::sentences::unfenced_lines(text).any(|(l, _)| l == line_start)
            {
                return Some((line_start, line_end - line_start));
            }
        }
    }
    None
}

/// Whether what follows the run's word up to the end of its sentence leaves the denial whole
/// ("Not rehearsed yet.", "Untested."): a place, a part or a noun after it ("not tested in
/// production", "Untested steps are marked") makes it a claim about something smaller.
fn unqualified(after: &str) -> bool {
    let sentence = after
        .split(['.', ';', ':', '(', '!', '?'])
        .next()
        .unwrap_or_default();
    sentence
        .split(|c: char| !(c.is_alphanumeric() || c == '\''))
        .filter(|w| !w.is_empty())
        .all(|w| ["yet", "so", "far"].contains(&w.to_ascii_lowercase().as_str()))
}

/// Whether `before` (lower-cased, the line up to the run's word) denies the run and says it
/// of the whole procedure; `prefixed`: the word was written with `un` ("Untested.").
fn denied(before: &str, prefixed: bool) -> bool {
    // The sentence it is in: from the last full stop, colon or list mark before it.
    let words: Vec<&str> = super::super::sentences::last_clause(before, &['.', ':', ';', '!', '?'])
        .into_iter()
        .flat_map(|w| match w.strip_suffix("n't") {
            // "hasn't" is "has" and "n't".
            Some(verb) => vec![verb, "n't"],
            None => vec![w],
        })
        .filter(|w| !w.is_empty())
        .collect();
    let rest = if prefixed {
        Some(&words[..])
    } else {
        DENIALS.iter().find_map(|denial| {
            let n = denial.len();
            (words.len() >= n && words[words.len() - n..].iter().rev().eq(denial.iter()))
                .then(|| &words[..words.len() - n])
        })
    };
    rest.is_some_and(|rest| rest.iter().all(|w| OF_THE_PROCEDURE.contains(w)))
}

#[cfg(test)]
mod tests {
    use super::never_run;

    #[test]
    fn a_procedure_said_never_run_is_found() {
        for text in [
            "# Rollback\n\nNot rehearsed yet.\n",
            "This runbook has not been tested.\n",
            "The rollback has never been rehearsed.\n",
            "Untested.\n",
            "- Status: not yet rehearsed\n",
            "- Not rehearsed yet.\n",
            "The restore hasn't been drilled yet.\n",
            "These steps are yet to be tested.\n",
            "```sh\nfactoryctl rollback\n```\n\nNot rehearsed yet.\n",
            "Fence scripts with ``` and ```.\n\nNot rehearsed yet.\n",
        ] {
            assert!(never_run(text).is_some(), "{text}: not read");
        }
        let (at, len) =
            never_run("# Rollback\n\nA rollback returns.\nNot rehearsed yet.\n").unwrap();
        assert_eq!((at, len), (32, 18));
    }

    #[test]
    fn a_part_untested_or_a_run_passes() {
        for text in [
            "Rehearsed on 2026-11-02: 4 minutes end to end.\n",
            "Step 3 has not been tested on Windows.\n",
            "Rollback to versions before v1.0 has never been tested.\n",
            "Do not deploy code that was not tested.\n",
            "Changes not tested in staging are rolled back first.\n",
            "The pretested image is kept in the registry.\n",
            "Make sure nothing untested ships.\n",
            "We tested it on 2026-11-02.\n",
            "If the runbook is not tested every quarter, page the owner.\n",
            "```sh\n# not tested\nfactoryctl rollback\n```\n",
            "~~~sh\n# not tested\nfactoryctl rollback\n~~~\n",
            "Fence scripts with ``` (see below).\n\n```sh\n# not tested\n```\n",
            "```text\nNot rehearsed yet.\n```\n",
            "Untested steps are marked with a warning.\n",
            "Not yet tested in production: the rehearsal ran in staging.\n",
        ] {
            assert!(never_run(text).is_none(), "{text}: read as never run");
        }
    }
}
