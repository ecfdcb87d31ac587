use super::*;

fn levels() -> Vec<Level> {
    [
        ("#dash-oncall", 0),
        ("@dash-leads", 900),
        ("@platform-director", 3_600),
    ]
    .iter()
    .zip(1..)
    .map(|(&(contact, after), level)| Level {
        level,
        contact: contact.into(),
        after,
        written: crate::duration::format_seconds(after),
    })
    .collect()
}

#[test]
fn the_examples_table_agrees_with_its_manifest() {
    let runbook =
        include_str!("../../../../examples/dashboard-factory/runbooks/incident-response.md");
    assert_eq!(contradicted(runbook, &levels()), None);
}

#[test]
fn a_table_that_escalates_otherwise_is_found() {
    let table = |rows: &str| {
        format!("# Incident\n\n## Escalation\n\n| Level | Who | When |\n|---|:--|--|\n{rows}")
    };
    for (rows, why, line) in [
        (
            "| 1 | `#dash-oncall` | immediately |\n| 2 | `@dash-leads` | after 30 minutes |\n",
            "engages level 2 (`@dash-leads`) \"after 30 minutes\" in its escalation table, where `owners.escalation` engages it after 15m",
            8,
        ),
        (
            "| 1 | #dash-oncall | at once |\n| 2 | @platform-director | after 15 minutes |\n| 3 | @dash-leads | after 1 hour |\n",
            "engages `@platform-director` at level 2 in its escalation table, where `owners.escalation` engages `@dash-leads`",
            8,
        ),
        (
            "| 1 | #dash-oncall | 0m |\n| 2 | @dash-leads | 30m |\n",
            "engages level 2 (`@dash-leads`) \"30m\" in its escalation table, where `owners.escalation` engages it after 15m",
            8,
        ),
        (
            "| 1 | #dash-oncall | at once |\n| 2 | @dash-leads | after half an hour |\n",
            "engages level 2 (`@dash-leads`) \"after half an hour\" in its escalation table, where `owners.escalation` engages it after 15m",
            8,
        ),
        (
            "| 1 | #dash-oncall | 0:00 |\n| 2 | @dash-leads | 0:30 |\n",
            "engages level 2 (`@dash-leads`) \"0:30\" in its escalation table, where `owners.escalation` engages it after 15m",
            8,
        ),
        (
            "| 1 | #dash-oncall | T+0 |\n| 2 | @dash-leads | T+30m |\n",
            "engages level 2 (`@dash-leads`) \"T+30m\" in its escalation table, where `owners.escalation` engages it after 15m",
            8,
        ),
        (
            "| L1 | #dash-oncall (primary) | after 5 minutes |\n",
            "engages level 1 (`#dash-oncall`) \"after 5 minutes\" in its escalation table, where `owners.escalation` engages it after 0s",
            7,
        ),
    ] {
        let found = contradicted(&table(rows), &levels()).expect(rows);
        assert_eq!((found.why.as_str(), found.at.line), (why, line), "{rows}");
    }
    for rows in [
        // Agrees, says nothing comparable, or a level the manifest does not have.
        "| 1 | `#DASH-ONCALL` | Immediately |\n| 2 | @dash-leads, then @bob | 15 min |\n",
        "| 2 | @dash-leads | after a quarter of an hour |\n| 3 | @platform-director | after an hour |\n",
        "| 2 | the team lead | when the primary does not answer |\n",
        "| 4 | @cto | after 4 hours |\n",
        "| 1 | #dash-oncall | 0m |\n| 2 | @dash-leads | 15m |\n| 3 | @platform-director | 1h |\n",
        "| 1 | #dash-oncall | T+0m |\n| 2 | @dash-leads | T+15m |\n| 3 | @platform-director | T+1h |\n",
        "| 1 | #dash-oncall | 0:00 |\n| 2 | @dash-leads | 0:15 |\n| 3 | @platform-director | T+1:00 |\n",
        "| 2 | @dash-leads | 0:15 (or 10:30 on weekends) |\n",
        "| 1 or 2 | @x | after 1 hour |\n",
    ] {
        assert_eq!(contradicted(&table(rows), &levels()), None, "{rows}");
    }
    // No level column: each row's level is its contact's.
    let other = "| Who | When |\n|---|---|\n| @x | after 1 hour |\n";
    assert_eq!(contradicted(other, &levels()), None);
    let roles = "## Roles\n\n| Who | When |\n|---|---|\n| `#dash-oncall` | within 5 minutes |\n";
    assert_eq!(contradicted(roles, &levels()), None);
    let swapped = "## Escalation\n\n| Contact | After |\n|---|---|\n| `#dash-oncall` | immediately |\n| `@platform-director` | 15 minutes |\n| `@dash-leads` | 1 hour |\n";
    let found = contradicted(swapped, &levels()).expect(swapped);
    assert_eq!(
        (found.why.as_str(), found.at.line),
        (
            "engages level 3 (`@platform-director`) \"15 minutes\" in its escalation table, where `owners.escalation` engages it after 1h",
            6
        )
    );
    let agrees = "## Escalation\n\n| Contact | After |\n|---|---|\n| `#dash-oncall` | immediately |\n| `@dash-leads` | 15 minutes |\n| `@platform-director` | 1 hour |\n";
    assert_eq!(contradicted(agrees, &levels()), None);
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig { failure_persistence: None, ..Default::default() })]
    /// Any text gives an answer, a delay word before any character included.
    #[test]
    fn any_text_gives_an_answer(text in "\\PC{0,80}", built in "[0-9 a-z@#`\u{a0}\u{2014}é.,]{0,40}") {
        let _ = contradicted(&text, &levels());
        let _ = contradicted(&format!("- Page @dash-leads within{built}\n"), &levels());
        let _ = contradicted(&format!("| level | who | when |\n|---|---|---|\n| 2 | @dash-leads | {built} |\n"), &levels());
    }
}

#[test]
fn a_team_handle_in_a_step_is_its_level() {
    let mut levels = levels();
    levels[1].contact = "@acme/dash-leads".into();
    let step = "# Incident\n\n- If not mitigated within 45 minutes, page `@acme/dash-leads`.\n";
    let found = contradicted(step, &levels).expect("a team handle names its level");
    assert!(
        found
            .why
            .ends_with("engages `@acme/dash-leads` (level 2) after 15m"),
        "{}",
        found.why
    );
    // Inside another handle or an address, it is not named.
    for other in ["`@acme/dash-leads-eu`", "ops@acme/dash-leads"] {
        let step = format!("# Incident\n\n- Within 45 minutes, page {other}.\n");
        assert_eq!(contradicted(&step, &levels), None, "{other}");
    }
}

#[test]
fn escalation_written_as_steps_is_held_to_the_manifest() {
    let runbook = |steps: &str| format!("# Incident\n\n## Escalation\n\n{steps}");
    for (steps, why, line) in [
        (
            "- Page `#dash-oncall` immediately.\n- If the incident is not mitigated within 45 minutes, page `@dash-leads`.\n",
            "says \"If the incident is not mitigated within 45 minutes, page @dash-leads.\", where `owners.escalation` engages `@dash-leads` (level 2) after 15m",
            6,
        ),
        (
            "1. Page #dash-oncall.\n2. Escalate to @platform-director after 3 hours,\n   or on any data loss.\n",
            "says \"Escalate to @platform-director after 3 hours, or on any data loss.\", where `owners.escalation` engages `@platform-director` (level 3) after 1h",
            6,
        ),
        (
            "If `#dash-oncall` has not acknowledged within 5 minutes, page `@dash-leads`.\n",
            "says \"If #dash-oncall has not acknowledged within 5 minutes, page @dash-leads.\", where `owners.escalation` engages `@dash-leads` (level 2) after 15m",
            5,
        ),
        (
            "- `@dash-leads` are paged after half an hour without mitigation.\n",
            "says \"@dash-leads are paged after half an hour without mitigation.\", where `owners.escalation` engages `@dash-leads` (level 2) after 15m",
            5,
        ),
        (
            "- Page `#dash-oncall` immediately, then `@dash-leads` after 30 minutes.\n",
            "says \"Page #dash-oncall immediately, then @dash-leads after 30 minutes.\", where `owners.escalation` engages `@dash-leads` (level 2) after 15m",
            5,
        ),
        // A clause after `;` engages as its sentence does; a delay right after a contact
        // is that contact's, though it is another level's.
        (
            "- Page `#dash-oncall` first; then `@dash-leads` after 30 minutes, and `@platform-director` after 1 hour.\n",
            "says \"then @dash-leads after 30 minutes, and @platform-director after 1 hour.\", where `owners.escalation` engages `@dash-leads` (level 2) after 15m",
            5,
        ),
        (
            "- Page `#dash-oncall` first; then `@platform-director` after 15 minutes, and `@dash-leads` after 1 hour.\n",
            "says \"then @platform-director after 15 minutes, and @dash-leads after 1 hour.\", where `owners.escalation` engages `@platform-director` (level 3) after 1h",
            5,
        ),
        (
            "No acknowledgement within 30 minutes? Page `@dash-leads`.\n",
            "says \"No acknowledgement within 30 minutes? Page @dash-leads.\", where `owners.escalation` engages `@dash-leads` (level 2) after 15m",
            5,
        ),
        // A delay written around its time.
        (
            "- Page `#dash-oncall` first.\n- At the 30-minute mark, page `@dash-leads`.\n",
            "says \"At the 30-minute mark, page @dash-leads.\", where `owners.escalation` engages `@dash-leads` (level 2) after 15m",
            6,
        ),
        (
            "- Page `#dash-oncall` first.\n- 30 minutes in, page `@dash-leads`.\n",
            "says \"30 minutes in, page @dash-leads.\", where `owners.escalation` engages `@dash-leads` (level 2) after 15m",
            6,
        ),
        (
            "- Page `@dash-leads` if the incident is not mitigated by 30 minutes.\n",
            "says \"Page @dash-leads if the incident is not mitigated by 30 minutes.\", where `owners.escalation` engages `@dash-leads` (level 2) after 15m",
            5,
        ),
        (
            "- Page `#dash-oncall` after 10 minutes.\n",
            "says \"Page #dash-oncall after 10 minutes.\", where `owners.escalation` engages `#dash-oncall` (level 1) after 0s",
            5,
        ),
    ] {
        let found = contradicted(&runbook(steps), &levels()).expect(steps);
        assert_eq!((found.why.as_str(), found.at.line), (why, line), "{steps}");
    }
    // A delay written from the step before counts from that step's.
    for (steps, why, line) in [
        (
            "- Page `#dash-oncall` immediately.\n- If not mitigated after 15 minutes, page `@dash-leads`.\n- After another 15 minutes, page `@platform-director`.\n",
            "says \"After another 15 minutes, page @platform-director.\" (15m after the step before it: 30m in all), where `owners.escalation` engages `@platform-director` (level 3) after 1h",
            7,
        ),
        (
            "If `#dash-oncall` has not acknowledged within 15 minutes, page `@dash-leads`. If there is still no answer after 15 more minutes, escalate to `@platform-director`.\n",
            "says \"If there is still no answer after 15 more minutes, escalate to @platform-director.\" (15m after the step before it: 30m in all), where `owners.escalation` engages `@platform-director` (level 3) after 1h",
            5,
        ),
        (
            "- Page `@dash-leads` after 15 minutes.\n- Escalate to `@platform-director` after another hour.\n",
            "says \"Escalate to @platform-director after another hour.\" (1h after the step before it: 1h15m in all), where `owners.escalation` engages `@platform-director` (level 3) after 1h",
            6,
        ),
    ] {
        let found = contradicted(&runbook(steps), &levels()).expect(steps);
        assert_eq!((found.why.as_str(), found.at.line), (why, line), "{steps}");
    }
    for steps in [
        "- Page `#dash-oncall` immediately.\n- After 15 minutes without mitigation, page `@dash-leads`.\n- After 45 more minutes, page `@platform-director`.\n",
        "- Page `@dash-leads` after 15 minutes.\n- After a further 45 minutes, page `@platform-director`.\n",
        "- Call `@dash-leads` within 2 days to schedule the review.\n- After another hour, page `@platform-director`.\n",
        "- After another hour, page `@platform-director`.\n",
        // Agrees, says no delay of escalation, or times something else.
        "- Page `#dash-oncall` immediately.\n- After 15 minutes without mitigation, page `@DASH-LEADS`.\n- After an hour, page @platform-director.\n",
        "- Page `@dash-leads` and post an update every 30 minutes.\n",
        "No acknowledgement within 15 minutes? Page `@dash-leads`. Still down after an hour? Escalate to `@platform-director`.\n",
        "Is it resolved within 30 minutes? Good.\n\nPage `@dash-leads` after 15 minutes.\n",
        "- Page `#dash-oncall` first; then `@dash-leads` after 15 minutes, and `@platform-director` after 1 hour.\n",
        "- Page `#dash-oncall` immediately, `@dash-leads` after 15 minutes and `@platform-director` after an hour.\n",
        "- Page `@dash-leads`; they have 10 minutes to acknowledge.\n",
        "- After 45 more minutes, page `@platform-director`.\n",
        "- Page `@cto` after 4 hours.\n",
        "- Page `#dash-oncall` first, then the secondary, `@dash-leads`, after 15 minutes.\n",
        "- Page `@dash-leads` if `#dash-oncall` has not acknowledged within 15 minutes.\n",
        "- Ask `@dash-leads` to review the timeline within 2 days.\n",
        "- Call `@dash-leads` within 2 days to schedule the review.\n",
        "```sh\n# page @dash-leads after 30 minutes\n```\n",
        "- Page `@dash-leads` within\u{2014}15 minutes.\n",
    ] {
        assert_eq!(contradicted(&runbook(steps), &levels()), None, "{steps}");
    }
}

#[test]
fn the_manifests_delay_is_quoted_as_written() {
    let mut levels = levels();
    levels[1].after = 48 * 3_600;
    levels[1].written = "48h".into();
    let table = "## Escalation\n\n| Level | Who | When |\n|---|---|---|\n| 2 | @dash-leads | after 15 minutes |\n";
    let found = contradicted(table, &levels).expect("the table disagrees");
    assert!(
        found
            .why
            .ends_with("where `owners.escalation` engages it after 48h"),
        "{}",
        found.why
    );
}
