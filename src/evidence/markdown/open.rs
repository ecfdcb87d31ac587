//! Findings a record says are still open in words: `Open: owner @bob`, `not resolved`, a
//! table's Status cell `Open` (a record kept without task boxes).

/// What the items of one list say of their status.
#[derive(Default)]
struct Statuses {
    /// Some item says it was resolved.
    resolved: bool,
    /// The items that say neither open nor resolved, their text as read.
    unmarked: Vec<String>,
}

/// The statuses of the items of the lists being read, innermost last: beside findings marked
/// resolved, one marked nothing was not resolved.
#[derive(Default)]
pub struct Lists(Vec<Statuses>);

impl Lists {
    /// A list starts.
    pub fn start(&mut self) {
        self.0.push(Statuses::default());
    }

    /// An item of the innermost list ends, with its own text and whether a list of its own
    /// said it was resolved; one marked open goes to `open` at once.
    pub fn item(&mut self, text: String, resolved_below: bool, open: &mut Vec<String>) {
        if says_open(&text) {
            open.push(first_words(&text));
        } else if let Some(list) = self.0.last_mut() {
            if resolved_below || says_resolved(&text) {
                list.resolved = true;
            } else if !text.trim().is_empty() {
                // Kept as read: most lists have no item marked resolved, and theirs are never
                // shown.
                list.unmarked.push(text);
            }
        }
    }

    /// The innermost list ends: its items marked nothing go to `open` when another was marked
    /// resolved. Whether one was.
    pub fn end(&mut self, open: &mut Vec<String>) -> bool {
        let Some(list) = self.0.pop() else {
            return false;
        };
        if list.resolved {
            open.extend(list.unmarked.iter().map(|t| first_words(t)));
        }
        list.resolved
    }
}

/// Whether a list item's own text marks it open: a sentence of it that starts with its status
/// (`Open: owner @bob`, `Open, owner @bob.`, `Pending: @carol`, `In progress (@bob)`, `Still
/// open.`), a status anywhere (`status: open`, `(open)`, `(pending)`, `still open`), or `not
/// resolved`, `unresolved:`, `not fixed`, unless it also says it was resolved (`Resolved:`,
/// `(fixed)`). Not `Open the dashboard` (a step), `Pending alerts were cleared` or `left the
/// channel open, so ...` (words, not a status).
pub fn says_open(text: &str) -> bool {
    // Every marker holds one of these words, and most items hold none.
    if !super::sentences::holds_any(text, &["open", "resolved", "fixed", "pending", "progress"]) {
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
    let open = starts_open || OPEN.iter().any(|m| text.contains(m)) || resolved_later(text);
    open && !resolved(text)
}

/// Whether a lower-cased text marks a resolution still to come (`Resolved: will be added next
/// week`).
fn resolved_later(text: &str) -> bool {
    // Every mark but two holds a `:` or a `(`; a text with neither is asked no further.
    if !text.contains([':', '(']) && !text.contains("accepted for") && !text.contains("won't") {
        return false;
    }
    RESOLVED.iter().any(|m| {
        text.match_indices(m)
            .any(|(at, _)| crate::mitigation::not_in_place(&text[at + m.len()..]))
    })
}

/// Marks that close a finding: resolved, or accepted as it is by a decision.
const RESOLVED: [&str; 13] = [
    "resolved:",
    "(resolved)",
    "fixed:",
    "(fixed)",
    "closed:",
    "(closed)",
    "done:",
    "(done)",
    "accepted:",
    "(accepted)",
    "accepted for launch",
    "won't fix",
    "(wontfix)",
];

/// Whether a list item's own text says it was resolved (`Resolved: linked.`, `(fixed)`), not
/// `not resolved:` nor `Resolved: will be added next week` (a resolution not in place yet).
fn says_resolved(text: &str) -> bool {
    // Every mark holds one of these words, and most items hold none.
    let words = [
        "resolved", "fixed", "closed", "done", "accepted", "won't", "wontfix",
    ];
    super::sentences::holds_any(text, &words) && resolved(&text.trim().to_lowercase())
}

/// [`says_resolved`] of a lower-cased text.
fn resolved(text: &str) -> bool {
    RESOLVED.iter().any(|m| {
        text.match_indices(m).any(|(at, _)| {
            let before = &text[..at];
            let negated =
                before.ends_with("not ") || before.ends_with("not yet ") || before.ends_with("un");
            !(negated || crate::mitigation::not_in_place(&text[at + m.len()..]))
        })
    })
}

/// Whether `sentence` (lower case) starts with an open status, alone or followed by a mark
/// (`open:`, `open, owner @bob`, `pending (@carol)`, `still open.`), not by a word (`open
/// the dashboard`, `pending alerts`).
fn status_first(sentence: &str) -> bool {
    const STATUS: [&str; 6] = [
        "still open",
        "open",
        "pending",
        "in progress",
        "unresolved",
        "not resolved",
    ];
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

    /// A finding marked nothing beside findings marked resolved, one whose resolution is still
    /// to come, and one that says it is unresolved are open.
    #[test]
    fn findings_left_unmarked_or_resolved_later_are_open() {
        let open = |text: &str| crate::evidence::markdown::facts(text).marked_open;
        let notes = "## Findings\n\n\
                     1. No runbook link. Resolved: linked.\n\
                     2. Escalation took 40 minutes.\n\
                     3. Status page owner unknown. Resolved: will be added next week.\n\
                     4. Paging policy unclear. Unresolved.\n\
                     5. Rollback slow. Accepted for launch.\n\
                     6. Pager rota stale (won't fix: replaced next quarter).\n";
        assert_eq!(
            open(notes),
            [
                "Status page owner unknown. Resolved: will be added next week.",
                "Paging policy unclear. Unresolved.",
                "Escalation took 40 minutes.",
            ]
        );
        assert_eq!(
            open("- Owner unknown. Resolved: to be added after launch.\n"),
            ["Owner unknown. Resolved: to be added after launch."]
        );
        for closed in [
            // None marked: nothing says which are open.
            "1. No runbook link.\n2. Escalation took 40 minutes.\n",
            // Resolved in a nested item.
            "1. No runbook link.\n   - Resolved: linked.\n2. Escalation slow. Fixed: rota.\n",
            "1. No runbook link. Resolved: linked.\n2. Escalation slow. Resolved: rota.\n",
        ] {
            assert!(open(closed).is_empty(), "{closed}: {:?}", open(closed));
        }
    }
}
