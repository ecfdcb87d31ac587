//! Whether a rehearsal's notes say it did not take place: "The tabletop was postponed to next
//! month.", "Cancelled: half the team was out.", "The tabletop was abandoned after 20
//! minutes", "Agenda for the tabletop planned on 2026-11-10". Notes written before a
//! rehearsal, or of one that was called off or stopped, are no record of it, whatever
//! `rehearsal.date` says.

/// Phrases that say a rehearsal did not happen (or is still to come).
const NOT_HELD: &[&str] = &[
    "postponed",
    "cancelled",
    "canceled",
    "rescheduled",
    "called off",
    // Stopped before its end: what it would have found is not known.
    "abandoned",
    "aborted",
    "cut short",
    "did not take place",
    "didn't take place",
    "has not taken place",
    "hasn't taken place",
    "did not happen",
    "didn't happen",
    "has not happened",
    "hasn't happened",
    "not held",
    "never held",
    "not yet held",
    "will be held",
    "will take place",
    "to be held",
    "planned for",
    "planned on",
    "scheduled for",
    "scheduled on",
];

/// Words a clause may hold before the phrase for it to be said of the rehearsal ("The
/// tabletop was postponed", "Agenda for the tabletop planned on 2026-11-10"): any other ("the
/// deploy was postponed", "a follow-up planned for next week") says it of something else.
const OF_THE_REHEARSAL: &[&str] = &[
    "the",
    "this",
    "a",
    "our",
    "it",
    "tabletop",
    "rehearsal",
    "exercise",
    "drill",
    "game",
    "day",
    "game-day",
    "dry",
    "run",
    "dry-run",
    "session",
    "meeting",
    "launch",
    "was",
    "is",
    "has",
    "been",
    "had",
    "were",
    "agenda",
    "for",
    "of",
    "on",
    "today",
    "and",
    "so",
];

/// Words that name a rehearsal.
const REHEARSALS: &[&str] = &[
    "tabletop",
    "rehearsal",
    "exercise",
    "drill",
    "game",
    "game-day",
    "dry-run",
    "session",
    "meeting",
];

/// The first sentence of `text` (Markdown notes) that says the rehearsal did not take place,
/// as written, with the offset and length of its line.
pub fn not_held(text: &str) -> Option<(String, usize, usize)> {
    // Most notes say nothing of the kind: one pass over the bytes first.
    if !super::sentences::holds_any(
        text,
        &[
            "postpone",
            "cancel",
            "reschedul",
            "called off",
            "abandon",
            "abort",
            "cut short",
            "place",
            "happen",
            "held",
            "planned",
            "scheduled",
        ],
    ) {
        return None;
    }
    for (at, line) in super::sentences::unfenced_lines(text) {
        let trimmed = line.trim();
        // An option not ticked ("- [ ] Drill aborted (reason): ___", a form's "☐") says
        // nothing happened.
        let item = trimmed.trim_start_matches(['-', '*', '+', ' ']);
        if item.starts_with("[ ]") || item.starts_with('\u{2610}') {
            continue;
        }
        // ASCII lower-casing keeps every byte where it was: offsets in `lower` are `trimmed`'s.
        let lower = trimmed.to_ascii_lowercase();
        let found = NOT_HELD.iter().find_map(|phrase| {
            lower.match_indices(phrase).map(|(i, _)| i).find(|&i| {
                let alone = !lower[..i].ends_with(char::is_alphanumeric)
                    && !lower[i + phrase.len()..]
                        .starts_with(|c: char| c.is_alphanumeric() || c == '-');
                // A plan names what is planned ("the tabletop planned on ..."); "Planned
                // for production" alone is no rehearsal's.
                let plan = ["planned", "scheduled", "will", "to be"]
                    .iter()
                    .any(|p| phrase.starts_with(p));
                // A stop opens its sentence ("Aborted halfway: ...") or names what stopped
                // ("The tabletop was abandoned"), not another thing ("the job was aborted").
                let named = if plan {
                    Named::Yes
                } else if ["abandoned", "aborted", "cut short"].contains(phrase) {
                    Named::UnlessFirst
                } else {
                    Named::No
                };
                alone && of_the_rehearsal(&lower[..i], named)
            })
        });
        if let Some(i) = found {
            // The sentence that says it, of a line that may hold more.
            let from = trimmed[..i].rfind(". ").map_or(0, |n| n + 2);
            let to = trimmed[i..].find(". ").map_or(trimmed.len(), |n| i + n + 1);
            let start = at + (line.len() - line.trim_start().len());
            return Some((trimmed[from..to].to_string(), start, trimmed.len()));
        }
    }
    None
}

/// Whether the clause before a phrase must name the rehearsal.
#[derive(Clone, Copy, PartialEq)]
enum Named {
    /// No: "Cancelled: half the team was out."
    No,
    /// Yes: "the tabletop planned on 2026-11-10", not "Planned for production".
    Yes,
    /// Yes, unless the phrase opens it: "Aborted halfway", "The tabletop was abandoned", not
    /// "the job was aborted".
    UnlessFirst,
}

/// Whether the clause before a phrase (lower-cased) says nothing but the rehearsal, and names
/// it where `named` asks.
fn of_the_rehearsal(before: &str, named: Named) -> bool {
    let words = super::sentences::last_clause(before, &['.', ',', ';', ':', '(', ')', '!', '?']);
    let only = words.iter().all(|w| {
        OF_THE_REHEARSAL.contains(w)
            || w.starts_with(|c: char| c.is_ascii_digit())
            || w.chars().all(|c| c == '#')
    });
    let names = || words.iter().any(|w| REHEARSALS.contains(w));
    only && match named {
        Named::No => true,
        Named::Yes => names(),
        Named::UnlessFirst => words.is_empty() || names(),
    }
}

#[cfg(test)]
mod tests {
    use super::not_held;

    #[test]
    fn notes_that_say_the_rehearsal_did_not_happen_are_found() {
        for (text, line) in [
            (
                "# Tabletop, 2026-11-10\n\nThe tabletop was postponed to next month.\n",
                "The tabletop was postponed to next month.",
            ),
            (
                "# Tabletop, 2026-11-10\n\nCancelled: half the team was out.\n",
                "Cancelled: half the team was out.",
            ),
            (
                "# Tabletop, 2026-11-10\n\nAgenda for the tabletop planned on 2026-11-10.\n",
                "Agenda for the tabletop planned on 2026-11-10.",
            ),
            (
                "# Tabletop, 2026-11-10 (cancelled)\n\nScenario: a job stalls.\n",
                "# Tabletop, 2026-11-10 (cancelled)",
            ),
            (
                "# Game day\n\nThe exercise did not take place: the staging cluster was down.\n",
                "The exercise did not take place: the staging cluster was down.",
            ),
            ("Rescheduled to 2026-12-01.\n", "Rescheduled to 2026-12-01."),
            (
                "- Cancelled: half the team was out.\n",
                "- Cancelled: half the team was out.",
            ),
            (
                "Scenario: a job stalls.\n\nThe tabletop was abandoned after 20 minutes: the team was paged.\n",
                "The tabletop was abandoned after 20 minutes: the team was paged.",
            ),
            (
                "Aborted halfway: the staging cluster went down.\n",
                "Aborted halfway: the staging cluster went down.",
            ),
        ] {
            let found = not_held(text).unwrap_or_else(|| panic!("{text}: not read"));
            assert_eq!(found.0, line);
            assert_eq!(&text[found.1..found.1 + found.2], line);
        }
        let (said, ..) =
            not_held("Scenario: a job stalls. The drill was postponed. We met.\n").unwrap();
        assert_eq!(said, "The drill was postponed.");
    }

    #[test]
    fn notes_of_a_rehearsal_held_pass() {
        for text in [
            "# Tabletop, 2026-11-10\n\nScenario: launch day, a publication job stalls.\n\n1. Paging was slow. Resolved.\n",
            "1. The deploy was postponed during the scenario. Resolved: a freeze window is written down.\n",
            "2. A follow-up review is planned for next week with @carol.\n",
            "The canary release was cancelled by the gate, as the runbook says.\n",
            "Next tabletop planned for 2027-01-15.\n",
            "- **Status**: Planned for production deployment\n",
            "```sh\n# rescheduled jobs\ncronctl list\n```\n",
            "3. The publication job was aborted by the scenario's fault. Resolved: it restarts itself.\n",
            "The abandoned-cart email was not part of the scenario.\n",
            "- [ ] Drill aborted (reason): ____\n- \u{2610} Cancelled\n",
        ] {
            assert!(not_held(text).is_none(), "{text}: read as not held");
        }
    }
}
