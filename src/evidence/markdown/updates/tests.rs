use super::*;

#[test]
fn templates_say_when_users_hear_next_with_or_without_a_duration() {
    for text in [
        "> Next update in 30 minutes.",
        "> Next update by [time].",
        "> We will share another update by 14:30 UTC.",
        "> We will post an update here within thirty minutes.",
        "1. Update the status page hourly.",
        "> WE WILL KEEP YOU POSTED.",
    ] {
        assert!(says_when_next(text), "{text}");
    }
    for text in [
        "> We are investigating. Existing dashboards are not affected.",
        "The Customer Liaison keeps customers updated at various points of the call.",
        "",
    ] {
        assert!(!says_when_next(text), "{text}");
    }
}

#[test]
fn promised_updates_are_read_with_their_lines() {
    let u = updates(
        "# Templates\n\nPost on the status page; update every 30 minutes.\n\n\
             ## Start\n\n> We are investigating.\n> Next update in 1 hour.\n\n\
             - We will update you within 15 min.\n\nNext update in 1h.\n",
    )
    .unwrap();
    assert_eq!((u.update_min, u.update_max), (900, 3_600));
    let said: Vec<(i64, &str, u32, u32)> = u
        .updates
        .iter()
        .map(|u| (u.seconds, u.said.as_str(), u.at.line, u.at.column))
        .collect();
    assert_eq!(
        said,
        [
            (1_800, "update every 30 minutes.", 3, 1),
            (3_600, "Next update in 1 hour.", 8, 1),
            (900, "We will update you within 15 min.", 10, 3),
            (3_600, "Next update in 1h.", 12, 1),
        ]
    );
    // In words, and in a fenced message (a template fenced to be copied whole).
    let u = updates(
        "# Templates\n\n```\nWe are investigating.\nNext update in half an hour.\n```\n\n\
             ```text\nWe will update you hourly.\n```\n",
    )
    .unwrap();
    let said: Vec<(i64, u32)> = u.updates.iter().map(|u| (u.seconds, u.at.line)).collect();
    assert_eq!(said, [(1_800, 5), (3_600, 9)]);
    // A plan kept as a table of updates: each row's interval, the shortest kept.
    let u = updates(
        "# Comms\n\n## Status updates\n\n| Severity | Cadence | Owner |\n| --- | --- | --- |\n\
             | sev1 | every 15 minutes | @a |\n| sev2 | hourly | @b |\n| sev3 | 1d | @c |\n",
    )
    .unwrap();
    let said: Vec<(i64, &str, u32)> = u
        .updates
        .iter()
        .map(|u| (u.seconds, u.said.as_str(), u.at.line))
        .collect();
    assert_eq!(
        said,
        [
            (900, "| sev1 | every 15 minutes | @a |", 7),
            (3_600, "| sev2 | hourly | @b |", 8),
            (86_400, "| sev3 | 1d | @c |", 9),
        ]
    );
    // No promise: past updates, other durations, no number, code, tables of other things.
    for text in [
        "## Escalation\n\n| level | who | when |\n|---|---|---|\n| 2 | @x | after 15 minutes |\n",
        "| Updated | Interval |\n| 2026-11-02 | |\n",
        "Updated 5 minutes ago.\n",
        "We will share a review within two working days.\n",
        "The last update was 10 minutes ago.\n",
        "Next update in {interval}.\n",
        "Next update: soon. Publishing stopped 20 minutes ago.\n",
        "Next update for svc-00000 and v1.5m users soon.\n",
        "```sh\necho 'Next update in 30 minutes.'\n```\n",
        "Next update in a few minutes.\n",
    ] {
        assert_eq!(updates(text), None, "{text:?}");
    }
}

#[test]
fn an_incident_runbook_posts_updates_at_its_interval() {
    let runbook =
        include_str!("../../../../examples/dashboard-factory/runbooks/incident-response.md");
    assert_eq!(other_cadence(runbook, 1_800), None);
    let found = other_cadence(runbook, 3_600).unwrap();
    assert_eq!(
        (found.seconds, found.at.line, found.at.column),
        (1_800, 10, 4)
    );
    assert!(
        found.said.starts_with("Post the first status update using"),
        "{}",
        found.said
    );
    for (text, seconds) in [
        ("1. Post an update; repeat every hour.\n", 3_600),
        ("- Update the status page hourly.\n", 3_600),
        ("2. Post status updates every 15m until resolved.\n", 900),
        ("2. Post status updates every 1.5 hours.\n", 5_400),
        // A table by severity: its shortest, the most severe incident's.
        (
            "| Severity | Status update cadence |\n| --- | --- |\n| sev1 | every hour |\n| sev2 | every 2 hours |\n",
            3_600,
        ),
    ] {
        assert_eq!(
            other_cadence(text, 1_800).map(|u| u.seconds),
            Some(seconds),
            "{text}"
        );
    }
    for text in [
        // Not a step, no update, no interval, the planned one.
        "Post an update every hour.\n",
        "1. Check the dashboard every 5 minutes.\n",
        "1. Post the first update.\n",
        "3. Check the dashboard every 5 minutes and update the ticket.\n",
        "1. Post an update every half hour.\n",
        "| Severity | Update cadence |\n| --- | --- |\n| sev1 | every 30 minutes |\n| sev2 | hourly |\n",
    ] {
        assert_eq!(other_cadence(text, 1_800), None, "{text}");
    }
    // The interval is what follows `every`, not the clause's other durations.
    let text = "1. Post a status update; repeat every hour for the first 2 hours.\n";
    assert_eq!(other_cadence(text, 3_600), None);
}

/// A later stage's or a lesser severity's promise may be longer than the plan; another may not.
#[test]
fn a_later_stage_or_lesser_severity_is_told_from_the_rest() {
    let text = "# Templates\n\n## Investigating\n\n> Next update in 2 hours.\n\n## Monitoring\n\n\
                > Next update in 2 hours.\n\n## Update\n\n> For minor incidents, next update in 4 hours.\n\n\
                | Severity | Update cadence |\n|---|---|\n| sev1 | every 30 minutes |\n| Sev 3 | every 2 hours |\n";
    let found = updates(text).expect("promises");
    let relaxed: Vec<(i64, bool)> = found
        .updates
        .iter()
        .map(|u| (u.seconds, u.relaxed))
        .collect();
    assert_eq!(
        relaxed,
        [
            (1_800, false),
            (7_200, true),
            (7_200, false),
            (7_200, true),
            (14_400, true)
        ]
    );
    for text in ["slow", "below the flow", "http2 p99", "sev 1", "severity"] {
        assert!(!super::relaxed(&[text]), "{text}");
    }
}

#[test]
fn a_promise_of_another_day_is_at_least_half_a_day() {
    for text in [
        "> We are investigating. Next update tomorrow morning.\n",
        "We will post the next update on the next business day.\n",
        "Next update: tomorrow at 09:00 UTC.\n",
        "```\nWe will update you by tomorrow.\n```\n",
        "We will provide another update tomorrow morning.\n",
        "Next update: early tomorrow.\n",
    ] {
        let u = updates(text).unwrap_or_else(|| panic!("{text:?}: no promise read"));
        assert_eq!(u.update_min, 12 * 3_600, "{text:?}");
    }
    // A duration comes first; a day that is a deadline, or not of the update, is no promise.
    assert_eq!(
        updates("Next update in 30 minutes; a full report follows tomorrow.\n")
            .map(|u| u.update_max),
        Some(1_800)
    );
    for text in [
        "Next update soon, before tomorrow's launch.\n",
        "Tomorrow's launch is at risk. Next update soon.\n",
        "We will share a review tomorrow.\n",
        "We will post another update when we know more, and the fix ships tomorrow.\n",
        "Next update soon; the fix ships tomorrow.\n",
        "Next update soon (the fix ships tomorrow).\n",
        "We will update you by the end of the incident review next week.\n",
    ] {
        assert_eq!(updates(text), None, "{text:?}");
    }
}
