use super::*;

#[test]
fn days_are_read_as_a_set() {
    let all = Some(0x7f);
    for (hours, days_) in [
        ("Mon-Fri 08:00-18:00 Europe/Berlin", Some(0x1f)),
        ("Mo-Fr 9-17", Some(0x1f)),
        ("Monday to Friday, 08:00-18:00", Some(0x1f)),
        ("weekdays 09:00-17:00", Some(0x1f)),
        ("Mon-Thu 08:00-18:00", Some(0x0f)),
        ("Mon/Wed/Fri 10:00-14:00", Some(0x15)),
        ("Sat & Sun 10:00-14:00", Some(0x60)),
        ("Fri-Mon 10:00-14:00", Some(0x71)),
        ("Mon-Fri 08:00-18:00, Sat 10:00-14:00", Some(0x3f)),
        ("24/7", all),
        ("24*7", all),
        ("around the clock", all),
        ("every day 08:00-20:00", all),
        ("7 days a week, 08:00-20:00", all),
        ("08:00-18:00 Europe/Berlin", None),
        ("we answer 08:00-18:00", None),
    ] {
        assert_eq!(days(hours), days_, "{hours}");
    }
}

#[test]
fn hours_name_their_zone() {
    for ok in [
        "Mon-Fri 08:00-18:00 Europe/Berlin",
        "Mon-Fri 08:00-18:00 europe/berlin",
        "Mon-Fri 09:00-17:00 America/Argentina/Buenos_Aires",
        "Mon-Fri 08:00-18:00 UTC",
        "Mon-Fri 08:00-18:00 (CET)",
        "Mon-Fri 9-17 PT",
        "weekdays 09:00-17:00 UTC+1",
        "weekdays 09:00-17:00 GMT-05:00",
        "weekdays 09:00-17:00 +01:00",
        "Mon-Fri 08:00-18:00 Etc/GMT+1",
        "Mon-Sun 00:00-24:00 Asia/Kolkata",
        "Mon/Wed/Fri 08:00-18:00 UTC",
        "Mon-Fri 08:00-18:00 Japan",
        "24/7",
        "24 x 7",
        "24/7 via the on-call rotation",
        // No hours: another rule asks for them.
        "business hours",
    ] {
        assert_eq!(zone_problem(ok), "", "{ok}");
    }
}

#[test]
fn hours_without_a_zone_or_with_a_misspelt_one_are_found() {
    for missing in [
        "Mon-Fri 08:00-18:00",
        "Mon-Fri 9-5",
        "Mon-Fri 08:00-18:00 local time",
        "weekdays 09:00-17:00 +1",
        "Mon-Fri 1/2 day 08:00-12:00",
        "Mon-Fri 08:00-18:00 in japan",
    ] {
        assert!(
            zone_problem(missing).starts_with("no time zone"),
            "{missing}"
        );
    }
    assert_eq!(
        zone_problem("Mon-Fri 08:00-18:00 Europe/Berln"),
        "`Europe/Berln` is no time zone in the IANA database (did you mean `Europe/Berlin`?)"
    );
    // Not offsets, and no panic on a character split in two.
    for odd in [
        "08:00-18:00 +é1",
        "08:00 -ü",
        "08:00 +1:2:3",
        "08:00 UTC+",
        "08:00 +",
    ] {
        assert!(zone_problem(odd).starts_with("no time zone"), "{odd}");
    }
    // Not an area of the database: no zone at all.
    assert!(zone_problem("Mon-Fri 08:00-18:00 Mars/Olympus").starts_with("no time zone"));
}

#[test]
fn ranges_and_zones_as_written() {
    assert_eq!(
        ranges("Mon-Fri 08:00-18:00 Europe/Berlin", false),
        [(480, 1_080)]
    );
    assert_eq!(
        ranges("9-17 and 8am to 6pm", false),
        [(540, 1_020), (480, 1_080)]
    );
    assert_eq!(ranges("9-17, steps 1-3, 2026-11-02", true), []);
    assert_eq!(ranges("`09:00 – 17:00` (CET)", true), [(540, 1_020)]);
    assert_eq!(
        zones("Mon-Fri 08:00-18:00 Europe/Berlin"),
        ["Europe/Berlin"]
    );
    assert_eq!(
        zones("(9am-5pm UTC+01:00, i.e. CET)."),
        ["UTC+01:00", "CET"]
    );
    assert_eq!(zones("Mon/Wed 1/2 of the team"), Vec::<&str>::new());
}

#[test]
fn times_of_day_pass() {
    for ok in [
        "Mon-Fri 08:00-18:00 Europe/Berlin",
        "Mon-Fri 08:00 - 18:00 UTC",
        "Mon-Fri 08:00 to 18:00 UTC",
        "Mon-Fri 8:00\u{2013}18:30 UTC",
        "Mon-Fri 9-17 PT",
        "Mon-Fri 9-5 PT",
        "Mon-Fri 9am-5pm PT",
        "Mon-Fri 9 a.m.-5 p.m. PT",
        "Mon-Fri 12pm-11:59pm PT",
        "Mon-Sun 00:00-24:00 UTC",
        "Mon-Fri 18:00-08:00 UTC",
        "weekdays 09:00-17:00 GMT-05:00",
        "weekdays 09:00-17:00 -05:00",
        "Mon-Fri 08:00-18:00 Etc/GMT+1",
        "24/7",
        "24x7, sev1 only 2026-01-01 onwards",
        "business hours",
        "Monday-Friday 08:00-18:00 UTC",
        "Mo-Fr 08:00-18:00 CET",
        "Sa-So 10:00-14:00 CET",
        "Sun - Thu 08:00-16:00 Asia/Jerusalem",
        "Mon-Fri, Fri-evening on-call 18:00-22:00 UTC",
        "Tues-Thurs 10:00-16:00 UTC",
    ] {
        assert_eq!(times_problem(ok), "", "{ok}");
    }
}

#[test]
fn times_no_clock_shows_are_found() {
    for (hours, problem) in [
        (
            "Mon-Fri 25:00-26:00 UTC",
            "`25:00` is no time of day (a day's hours run from 00:00 to 24:00)",
        ),
        (
            "Mon-Fri 08:00-24:30 UTC",
            "`24:30` is no time of day (a day's hours run from 00:00 to 24:00)",
        ),
        (
            "Mon-Fri 08:60-18:00 UTC",
            "`08:60` is no time of day (an hour has 60 minutes, 00 to 59)",
        ),
        (
            "Mon-Fri 9-25 UTC",
            "`25` is no time of day (a day's hours run from 00:00 to 24:00)",
        ),
        (
            "Mon-Fri 9am-13pm UTC",
            "`13pm` is no time of day (with am or pm, hours run from 1 to 12)",
        ),
        (
            "Mon-Fri 0am-5pm UTC",
            "`0am` is no time of day (with am or pm, hours run from 1 to 12)",
        ),
        (
            "Sat 25:00 UTC",
            "`25:00` is no time of day (a day's hours run from 00:00 to 24:00)",
        ),
    ] {
        assert_eq!(times_problem(hours), problem, "{hours}");
    }
    for (hours, slip) in [
        (
            "Mon-Fir 08:00-18:00 UTC",
            "`Fir` in `Mon-Fir` is no day of the week (did you mean `Fri`?)",
        ),
        (
            "Mno-Fri 08:00-18:00 UTC",
            "`Mno` in `Mno-Fri` is no day of the week (did you mean `Mon`?)",
        ),
        (
            "Monday \u{2013} Thrusday 9-17 UTC",
            "`Thrusday` in `Monday-Thrusday` is no day of the week (did you mean `Thursday`?)",
        ),
        (
            "mon-fry 9-17 UTC",
            "`fry` in `mon-fry` is no day of the week (did you mean `Fri`?)",
        ),
    ] {
        assert_eq!(times_problem(hours), slip, "{hours}");
    }
    for empty in [
        "Mon-Fri 08:00-08:00 UTC",
        "Mon-Fri 08:00 - 8:00 UTC",
        "Mon-Fri 12am-00:00 UTC",
        "Mon-Fri 9-9 UTC",
    ] {
        assert!(
            times_problem(empty).contains("ends where it starts"),
            "{empty}"
        );
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig { failure_persistence: None, ..Default::default() })]
    /// Any text, and texts built of what offsets and zones are made of, gives an answer.
    #[test]
    fn any_text_gives_an_answer(
        text in "\\PC{0,30}",
        built in "[+\\-\u{2212}0-9:/é UTCGMTEurope]{0,24}",
    ) {
        let _ = zone_problem(&text);
        let _ = zone_problem(&format!("08:00 {built}"));
        let _ = times_problem(&text);
        let _ = times_problem(&format!("{built}-{text}"));
    }
}
