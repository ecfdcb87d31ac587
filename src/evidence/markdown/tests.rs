#[test]
fn unchecked_boxes_are_open_tasks_and_their_words_are_words() {
    let text = "# Findings\n\n- [ ] page the DBA earlier\n- [x] add the runbook link\n* [ ] fix \
                    the alert\n1. [ ] numbered too\n\nNot a box: [ ] in prose, `- [ ]` in code.\n";
    let f = super::facts(text);
    assert_eq!(f.open_tasks, 3);
    // The box is no word: `[x]` once counted as one.
    assert_eq!(super::facts("- [x] add the link\n").words, 3);
    assert_eq!(super::facts("- add the link\n").open_tasks, 0);
}

#[test]
fn whole_values_that_stand_in_for_something_are_placeholders() {
    for v in [
        "tbd",
        "TBD",
        " Todo. ",
        "tba",
        "FIXME",
        "xxx",
        "???",
        "<fill in>",
        "ChangeMe",
        "-",
        "--",
        "\u{2014}",
        "N/A",
        "TBC",
        "Lorem ipsum dolor sit amet",
        "...",
        "\u{2026}",
        "REPLACE_ME",
        "replace me",
        "{{ .Values.team }}",
        "@{{ cookiecutter.owner }}",
        "${TEAM}",
        "https://status.${DOMAIN}",
        "<%= team %>",
        "{% raw %}x{% endraw %}",
        "$TEAM",
    ] {
        assert!(super::is_placeholder_value(v), "{v:?}");
    }
    for v in [
        "Mon-Fri 08:00-18:00",
        "todo list review",
        "@alice",
        "x",
        "<a> and <b>",
        "why?",
        "Mon-Fri",
        "-1",
        "n/a/b",
        "Fix the build.",
        "$5 per seat",
        "$",
        "cost: $x",
        "rate(x{job=\"a\"}[5m])",
        "{ a: 1 }",
    ] {
        assert!(!super::is_placeholder_value(v), "{v:?}");
    }
}

proptest::proptest! {
    /// Counting words by bytes agrees with `split_whitespace` on ASCII and other text.
    #[test]
    fn words_are_counted_as_split_whitespace_counts_them(text in "([a-z]|[ \t\n\r]|\u{0B}|\u{0C}|\u{1C}|\u{85}|\u{A0}|é|\u{2003}){0,24}") {
        let (mut fused, mut alone) = (Print::default(), Print::default());
        proptest::prop_assert_eq!(count_words(&text, &mut fused), text.split_whitespace().count(), "{:?}", text);
        alone.feed(&text);
        proptest::prop_assert_eq!(fused.finish(), alone.finish());
    }

    /// The scan between `l`s finds "lorem ipsum" wherever a window at every byte does.
    #[test]
    fn filler_is_found_as_a_window_at_every_byte_finds_it(text in "(l|L|orem|OReM| |ipsum|IPSUM|x|é){0,12}") {
        let every = text.as_bytes().windows(11).any(|w| w.eq_ignore_ascii_case(b"lorem ipsum"));
        proptest::prop_assert_eq!(has_filler(&text), every, "{:?}", text);
    }

    /// The byte scan finds exactly the lines whose words (runs of ASCII letters and
    /// digits) include `TODO`, `TBD`, `FIXME` or three or more capital X.
    #[test]
    fn placeholder_lines_are_those_with_the_word(line in "(TODO|TBD|FIXME|T|O|D|F|X|XX|x|é| |_|9|-){0,10}") {
        let words = line
            .split(|c: char| !c.is_ascii_alphanumeric())
            .any(|w| w == "TODO" || w == "TBD" || w == "FIXME" || (w.len() >= 3 && w.bytes().all(|b| b == b'X')));
        proptest::prop_assert_eq!(has_placeholder(&line), words, "{:?}", line);
    }
}

#[test]
fn ascii_folding_decides_the_placeholder_words_as_lower_casing_would() {
    // Every character that lower-cases to a letter of a placeholder word alone is that
    // ASCII letter in either case: comparing without `to_lowercase` misses no spelling.
    let letters: std::collections::BTreeSet<char> =
        "todo tbd fixme xxx tba changeme change-me placeholder"
            .chars()
            .collect();
    for c in (0..=0x10FFFF).filter_map(char::from_u32) {
        let mut lower = c.to_lowercase();
        if let (Some(l), None) = (lower.next(), lower.next())
            && letters.contains(&l)
        {
            assert!(c.is_ascii(), "{c:?} lower-cases to {l:?}");
        }
    }
    assert!(super::is_placeholder_value("CHANGE-ME"));
    assert!(super::is_placeholder_value("PlaceHolder!"));
}

use super::placeholders::has_filler;
use super::*;

/// Past a few fingerprints the rest go to a set, so that a file of a million paragraphs
/// is not searched a million times over; either way a repeat is found.
#[test]
fn seen_fingerprints_move_to_a_set_and_still_find_repeats() {
    let mut seen = Seen::default();
    for p in 0..FEW as u64 {
        assert!(seen.insert(p));
    }
    assert!(!seen.insert(3));
    assert!(seen.many.is_empty());
    assert!(seen.insert(1_000));
    assert!(seen.few.is_empty());
    assert_eq!(seen.many.len(), FEW + 1);
    for p in [0, 3, FEW as u64 - 1, 1_000] {
        assert!(!seen.insert(p), "{p}");
    }
    let text: String = (0..5_000).map(|i| format!("{i}\n\n")).collect();
    assert_eq!(facts(&text).words, 5_000);
    assert_eq!(facts(&format!("{text}{text}")).words, 5_000);
}

/// Copying one step or paragraph until a runbook reaches its length adds nothing: two
/// identical steps passed `steps(...) >= 2`, and a sentence written four times passed 40
/// words. Letter case and line breaks aside, a copy is the same text.
#[test]
fn repeated_steps_and_paragraphs_count_once() {
    let f = facts(
        "# Rollback\n\n1. Revert the release with `git revert`.\n2. Revert the release with `git revert`.\n3. REVERT the release with\n   `git revert`.\n",
    );
    assert_eq!((f.steps, f.raw_steps), (1, 3));
    // Written otherwise, it is another step (a copy repeats exactly).
    let f =
        facts("1. Revert the release with git revert.\n2. Revert the release, with git revert\n");
    assert_eq!(f.steps, 2);
    let f = facts("1. Revert the release now.\n2. Watch the error rate recover.\n");
    assert_eq!(f.steps, 2);

    let line = "Customers who report broken dashboards get a reply within a day.";
    let f = facts(&format!(
        "# Support\n\n{line}\n\n{line}\n\n- {line}\n\n> {line}\n"
    ));
    assert_eq!(f.words, 1 + 11, "{f:?}");
    assert_eq!(f.section_words, [11]);
    // Emphasis and links stay inside their paragraph; a paragraph that differs counts.
    let f = facts(
        "Open *the* [dashboard](x.md) now.\n\nOpen the dashboard now.\n\nOpen the dashboard later.\n",
    );
    assert_eq!(f.words, 8);
    // The same command twice is what runbooks hold.
    let f = facts("```\nfactoryctl pause\n```\n\n```\nfactoryctl pause\n```\n");
    assert_eq!(f.words, 2 + 2);
    // A step's text is also its item's paragraph: counting the words does not cost the step.
    let f = facts("1. Revert the release now.\n2. Watch the error rate recover.\n");
    assert_eq!((f.steps, f.words), (2, 9));
}

#[test]
fn finds_headings_steps_and_placeholders() {
    let f = facts(
        "# Rollback\n\n## Steps\n\n1. Revert the release\n2. Deploy `v1` to production\n\n- note\n\nTODO: owner\n",
    );
    assert_eq!(f.headings, ["Rollback", "Steps"]);
    assert_eq!((f.steps, f.raw_steps), (2, 2));
    assert_eq!(f.bullets, 1);
    assert_eq!(f.placeholder_lines, [10]);
}

#[test]
fn nested_lists_count_by_their_own_kind() {
    let f = facts("1. Stop the rollout now\n   - x\n   - y\n2. Page the incident lead\n");
    assert_eq!((f.steps, f.raw_steps, f.bullets), (2, 2, 2));
}

#[test]
fn an_items_own_text_excludes_its_nested_lists() {
    // The outer item says one word; its nested bullets do not lend it theirs.
    let f = facts("1. Restart:\n   - the publication worker\n   - the review queue\n");
    assert_eq!((f.steps, f.raw_steps), (0, 1));
    // Nested numbered items are steps of their own.
    let f = facts("1. Restart:\n   1. Drain the publication worker\n   2. Start it again now\n");
    assert_eq!((f.steps, f.raw_steps), (2, 3));
}

#[test]
fn empty_placeholder_and_one_word_items_are_not_steps() {
    let cases = [
        "1.\n2.\n",
        "1. TODO\n2. TBD\n",
        "1. todo: write this step\n",
        "1. FIXME restart the worker\n",
        "1. x\n2. y\n",
        "1. Revert\n2. Deploy\n",
        "1. ...\n2. …\n",
        "1. <fill in the command>\n",
        "1. <...>\n",
        "1. xxx xxx xxx\n",
        "1. Set timeout to XXX seconds\n",
        "1. Do it.\n",
        "1. - - -\n",
    ];
    for md in cases {
        let f = facts(md);
        assert_eq!(f.steps, 0, "{md:?} counted as a step");
        assert!(f.raw_steps >= 1, "{md:?}");
    }
}

#[test]
fn real_steps_may_mention_stand_ins_and_code() {
    let f = facts(
        "1. Revert: `git revert <commit>` on `main`.\n2. `factoryctl publication pause`\n3. Rerun it (`factoryctl rerun <pack>`) now\n",
    );
    assert_eq!((f.steps, f.raw_steps), (3, 3));
    assert!(is_real_step("Acknowledge the page."));
    assert!(!is_real_step("Acknowledge the <page>."));
    assert!(!is_real_step("Check the TODO list"));
    assert!(!is_real_step("Then fIxMe the TbD step"));
    assert!(!is_real_step("Restart the xXx worker"));
    // Not placeholders: other letters that fold to these, and words that only contain them.
    assert!(is_real_step("Restart the FİXME worker now"));
    assert!(is_real_step("Restart the xx todos workers"));
}

#[test]
fn sections_name_handles_channels_and_addresses() {
    let f = facts(
        "Ask @Intro first.\n\n## Escalation\n\n| level | who |\n| --- | --- |\n| 1 | `#dash-oncall` (primary) |\n\n### Later\n\nPage @Dash-Leads, then @acme/platform-leads or oncall@acme.dev.\nIssue #12, an @ alone, a@b and @dash-leads again.\n\n## Notes\n\nMail dba@acme.dev.\n",
    );
    assert_eq!(f.headings, ["Escalation", "Later", "Notes"]);
    let escalation = [
        "#dash-oncall",
        "@dash-leads",
        "@acme/platform-leads",
        "oncall@acme.dev",
        "#12",
    ];
    assert_eq!(f.section_mentions[0], escalation);
    assert_eq!(f.section_mentions[1], escalation[1..]);
    assert_eq!(f.section_mentions[2], ["dba@acme.dev"]);
}

#[test]
fn text_struck_through_is_deleted() {
    let f = facts(
        "## Escalation\n\n| level | who |\n| --- | --- |\n| 2 | ~~`@bob`~~ `@carol` |\n\nPage ~@dave~ now.\n\n## Steps\n\n1. ~~Restart the publication workers.~~\n2. Revert the release with `factoryctl rollback`.\n",
    );
    // Only `~~` strikes: a single tilde is "about" as often as not.
    assert_eq!(f.section_mentions[0], ["@carol", "@dave"]);
    // An item keeps it: a finding struck through is not resolved until it says so.
    assert_eq!((f.raw_steps, f.steps), (2, 2));
    assert_eq!(f.words, facts("## Escalation\n\n| level | who |\n| --- | --- |\n| 2 | `@carol` |\n\nPage ~@dave~ now.\n\n## Steps\n\n1. \n2. Revert the release with `factoryctl rollback`.\n").words);
    // A tilde that opens no span is text: `~5 minutes`, `~/.config`, `~~ ~~`.
    let f = facts("## Escalation\n\nAbout ~5 minutes, then @erin (~/.config ~~ ~~).\n");
    assert_eq!(f.section_mentions[0], ["@erin"]);
}

#[test]
fn placeholders_are_words() {
    assert!(has_placeholder("owner: TODO"));
    let f = facts(
        "intro words\n# Runbook\n\none two\n\n## Escalation\n\n### Level 1\n\nPage the lead.\n\n## Steps\n\n1. Do it now.\n\n# Notes\n",
    );
    assert_eq!(
        f.headings,
        ["Runbook", "Escalation", "Level 1", "Steps", "Notes"]
    );
    assert_eq!(f.section_words, [8, 3, 3, 3, 0]);
    assert!(has_placeholder("Lorem Ipsum dolor sit amet, consectetur"));
    assert!(has_placeholder("see LOREM IPSUM"));
    assert!(!has_placeholder("lorem, ipsum"));
    assert!(has_placeholder("all lol lorem ipsum"));
    assert!(!has_placeholder("lorem ipsu"));
    assert!(!has_placeholder("TODOS are fine, TBDX too"));
    assert!(has_placeholder("Slack @oncall or phone +1-XXX-XXX-XXXX"));
    assert!(has_placeholder("FIXME: the real command"));
    assert!(!has_placeholder(
        "sizes XL and XXL, a FIXMEs list, 10XXX, xxx"
    ));
}
