//! Findings a record says are still open in words: `Open: owner @bob`, `not resolved`, a
//! table's Status cell `Open` (a record kept without task boxes).

/// Whether a list item's own text marks it open: a sentence of it that starts with its status
/// (`Open: owner @bob`, `Open, owner @bob.`, `Pending: @carol`, `In progress (@bob)`, `Still
/// open.`), a status anywhere (`status: open`, `(open)`, `(pending)`, `still open`), or `not
/// resolved`, `unresolved:`, `not fixed`, unless it also says it was resolved (`Resolved:`,
/// `(fixed)`). Not `Open the dashboard` (a step), `Pending alerts were cleared` or `left the
/// channel open, so ...` (words, not a status).
pub fn says_open(text: &str) -> bool {
    // Every marker holds one of these words, and most items hold none: one pass over the
    // bytes spares them the lower-casing.
    let bytes = text.as_bytes();
    let at = |i: usize, word: &[u8]| {
        bytes
            .get(i..i + word.len())
            .is_some_and(|w| w.eq_ignore_ascii_case(word))
    };
    let holds = (0..bytes.len()).any(|i| match bytes[i] | 0x20 {
        b'o' => at(i, b"open"),
        b'r' => at(i, b"resolved"),
        b'f' => at(i, b"fixed"),
        b'p' => at(i, b"pending") || at(i, b"progress"),
        _ => false,
    });
    if !holds {
        return false;
    }
    let text = text.trim().to_lowercase();
    let text = text.as_str();
    let starts_open = text.split(". ").any(status_first);
    const OPEN: [&str; 23] = [
        " open:",
        "(open)",
        "[open]",
        "**open**",
        "status: open",
        "status open",
        "(pending)",
        "[pending]",
        "**pending**",
        "status: pending",
        "status pending",
        "(in progress)",
        "[in progress]",
        "status: in progress",
        "still open",
        "remains open",
        "not resolved",
        "not yet resolved",
        "unresolved:",
        "(unresolved)",
        "still unresolved",
        "not fixed",
        "not yet fixed",
    ];
    const RESOLVED: [&str; 8] = [
        "resolved:",
        "(resolved)",
        "fixed:",
        "(fixed)",
        "closed:",
        "(closed)",
        "done:",
        "(done)",
    ];
    let open = starts_open || OPEN.iter().any(|m| text.contains(m));
    let resolved = RESOLVED.iter().any(|m| {
        text.match_indices(m).any(|(at, _)| {
            let before = &text[..at];
            !(before.ends_with("not ") || before.ends_with("not yet ") || before.ends_with("un"))
        })
    });
    open && !resolved
}

/// Whether `sentence` (lower case) starts with an open status, alone or followed by a mark
/// (`open:`, `open, owner @bob`, `pending (@carol)`, `still open.`), not by a word (`open
/// the dashboard`, `pending alerts`).
fn status_first(sentence: &str) -> bool {
    const STATUS: [&str; 4] = ["still open", "open", "pending", "in progress"];
    let sentence = sentence.trim_start_matches(|c: char| c.is_whitespace() || c == '*');
    STATUS.iter().any(|s| {
        sentence.strip_prefix(s).is_some_and(|rest| {
            let rest = rest.trim_start_matches([' ', '*']);
            rest.is_empty()
                || rest.starts_with([':', ',', ';', '.', '(', '-', '\u{2013}', '\u{2014}'])
        })
    })
}

/// The table rows of `text` with a cell that is an open status, each by its first words.
/// Tables are read as text: enabling them in the Markdown parser would change what the other
/// facts count.
pub fn open_rows(text: &str) -> Vec<String> {
    if memchr::memchr(b'|', text.as_bytes()).is_none() {
        return Vec::new();
    }
    text.lines()
        .filter(|l| l.trim_start().starts_with('|'))
        .filter(|row| row.split('|').any(|cell| is_open_status(cell.trim())))
        .map(|row| first_words(row.trim().trim_matches('|')))
        .collect()
}

/// Whether a table cell is a status that leaves its row open.
fn is_open_status(cell: &str) -> bool {
    [
        "open",
        "unresolved",
        "not resolved",
        "in progress",
        "pending",
        "todo",
    ]
    .iter()
    .any(|s| cell.eq_ignore_ascii_case(s))
}

/// The first words of an item, enough to find it again.
pub fn first_words(text: &str) -> String {
    let words: Vec<&str> = text.split_whitespace().collect();
    match words.len() {
        0..=10 => words.join(" "),
        _ => format!("{} ...", words[..10].join(" ")),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn findings_that_say_they_are_open_are_open() {
        let open = |text: &str| crate::evidence::markdown::facts(text).marked_open;
        let notes = "# Tabletop\n\n## Findings\n\n\
                     1. The stalled-job alert had no runbook link. Resolved: linked.\n\
                     2. Escalation took 40 minutes. Open: owner @bob, due 2026-12-01.\n\
                     3. Status page owner unknown. Not resolved yet.\n\
                     4. Paging policy (open)\n\
                     - Open - the review queue has no owner\n\
                     - Rota unclear, status: open\n";
        assert_eq!(
            open(notes),
            [
                "Escalation took 40 minutes. Open: owner @bob, due 2026-12-01.",
                "Status page owner unknown. Not resolved yet.",
                "Paging policy (open)",
                "Open - the review queue has no owner",
                "Rota unclear, status: open",
            ]
        );
        // A status first in a sentence, followed by a mark or by nothing.
        for text in [
            "3. Rollback runbook lacks the tag to redeploy. Open, owner @bob.\n",
            "- Status page owner unknown. Pending: @carol to name one.\n",
            "- Paging policy review (in progress)\n",
            "- Paging policy review. In progress, @bob.\n",
            "- Rota unclear, status pending\n",
            "- Escalation slow. **Open** (owner @bob)\n",
            "- Escalation slow. Open\n",
        ] {
            assert_eq!(open(text).len(), 1, "{text}");
        }
        for closed in [
            "- Left the incident channel open, so updates kept coming\n",
            "- Pending alerts were cleared before the drill\n",
            "- In progress reports went to the wrong channel. Fixed: moved.\n",
            "- Escalation slow. Open, owner @bob. Resolved: rota updated.\n",
            "- Open incidents were listed on the status page\n",
            "1. Open the pipeline dashboard and page on-call\n",
            "1. Pager had unresolved alerts from last week. Fixed: cleared.\n",
            "1. The alert was open: now resolved: linked.\n",
            "- Left the incident channel open all day\n",
            "1. Escalation took 40 minutes. Resolved: rota updated.\n",
            "No findings open.\n",
            "| # | Finding | Status |\n|---|---|---|\n| 1 | paging slow | Resolved |\n",
        ] {
            assert!(open(closed).is_empty(), "{closed}");
        }
        assert_eq!(
            open(
                "| # | Finding | Status |\n|---|---|---|\n| 1 | paging slow | Open |\n| 2 | x | done |\n"
            ),
            ["1 | paging slow | Open"]
        );
        assert_eq!(
            open("3. a b c d e f g h i j k l open: m\n"),
            ["a b c d e f g h i j ..."]
        );
    }
}
