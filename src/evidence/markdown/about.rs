//! Whether a runbook names anything of its own service. A generic text copied in (an
//! incident guide from the web, another team's monitoring page) has the headings, the
//! length and the steps every structure check asks for, and names nothing whoever follows
//! it must find: no signal, dashboard or alert to watch, no channel or person to route to.

use serde::Serialize;

/// A runbook that names none of what the manifest says it is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Unnamed {
    /// What it could have named, as the manifest writes it (a few of each kind).
    pub could: String,
}

/// Whether `text` names any of `names`, in any case and with `-`, `_` and spaces alike
/// (`dashboard-factory` is "Dashboard Factory" in a title, `failure_streak` "the failure
/// streak" in prose). Names shorter than three characters are skipped: they are found in any
/// text.
pub fn names_any<S: AsRef<str>>(text: &str, names: &[S]) -> bool {
    let folded = fold(text);
    names.iter().any(|name| {
        let name = fold(name.as_ref().trim());
        name.len() >= 3 && memchr::memmem::find(&folded, &name).is_some()
    })
}

/// Whether `text` speaks of the alert `name` in words: each part of its name of four
/// letters or more (`PublicationJobStalled`: publication, stalled) written in `text` by its
/// first four letters, so "Stalled publications" and "Templates fail to compile" speak of
/// `PublicationJobStalled` and `TemplateCompileFailures`. A name without such parts is
/// never spoken of so.
pub fn speaks_of(text: &str, name: &str) -> bool {
    let mut parts: Vec<&str> = Vec::new();
    let mut start = 0;
    let bytes = name.as_bytes();
    for i in 1..=bytes.len() {
        let ends = i == bytes.len()
            || !bytes[i].is_ascii_alphanumeric()
            || (bytes[i].is_ascii_uppercase()
                && (bytes[i - 1].is_ascii_lowercase()
                    // An acronym's end: `CPUThrottling` is "CPU Throttling".
                    || (bytes[i - 1].is_ascii_uppercase()
                        && bytes.get(i + 1).is_some_and(u8::is_ascii_lowercase))));
        if ends {
            let part = name[start..i].trim_matches(|c: char| !c.is_ascii_alphanumeric());
            if part.len() >= 4 {
                parts.push(&part[..4]);
            }
            start = i;
        }
    }
    let folded = fold(text);
    !parts.is_empty()
        && parts
            .iter()
            .all(|p| memchr::memmem::find(&folded, p.to_ascii_lowercase().as_bytes()).is_some())
}

/// The bytes of `text` lower-cased (ASCII), `-` and `_` made spaces.
fn fold(text: &str) -> Vec<u8> {
    text.bytes()
        .map(|b| match b {
            b'-' | b'_' => b' ',
            b => b.to_ascii_lowercase(),
        })
        .collect()
}

/// `kinds` (a kind's words and its names) as "the signals `a`, `b` or the alerts `A`": at
/// most three names of each kind, kinds without names left out.
pub fn could_name(kinds: &[(&str, Vec<String>)]) -> String {
    let parts: Vec<String> = kinds
        .iter()
        .filter(|(_, names)| !names.is_empty())
        .map(|(kind, names)| {
            let shown: Vec<String> = names.iter().take(3).map(|n| format!("`{n}`")).collect();
            let more = if names.len() > 3 { ", ..." } else { "" };
            format!("{kind} {}{more}", shown.join(", "))
        })
        .collect();
    match parts.as_slice() {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} or {last}", rest.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_found_in_any_case_and_with_spaces_for_dashes() {
        let text = "# Support: Dashboard Factory\n\nEscalate to `#DASH-ONCALL`.\n";
        assert!(names_any(text, &["dashboard-factory"]));
        assert!(names_any(text, &["#dash-oncall"]));
        assert!(names_any(text, &["nothing", "dash_oncall"]));
        assert!(!names_any(text, &["#dash-support", "@alice"]));
        // Too short to tell anything: found in every text.
        assert!(!names_any(text, &["da", "", " "]));
        assert!(!names_any(text, &[] as &[&str]));
    }

    #[test]
    fn alerts_are_spoken_of_by_the_parts_of_their_names() {
        assert!(speaks_of(
            "# Stalled publications\n",
            "PublicationJobStalled"
        ));
        assert!(speaks_of(
            "Templates fail to compile.",
            "TemplateCompileFailures"
        ));
        assert!(speaks_of("HIGH ERROR RATE", "high_error_rate"));
        assert!(speaks_of("CPU throttling is high", "CPUThrottlingHigh"));
        assert!(!speaks_of("# Publications\n", "PublicationJobStalled"));
        assert!(!speaks_of(
            "Be on call, acknowledge pages.",
            "PublicationJobStalled"
        ));
        assert!(speaks_of("the API is down", "APIDown"));
        // No part of four letters: never spoken of in words.
        assert!(!speaks_of("the job is due", "JobDue"));
        assert!(!speaks_of("", ""));
    }

    #[test]
    fn what_could_be_named_is_listed_by_kind() {
        let kinds = [
            ("the signals", vec!["a".into(), "b".into()]),
            ("the dashboards", vec![]),
            (
                "the alerts",
                vec!["A".into(), "B".into(), "C".into(), "D".into()],
            ),
        ];
        assert_eq!(
            could_name(&kinds),
            "the signals `a`, `b` or the alerts `A`, `B`, `C`, ..."
        );
        assert_eq!(could_name(&kinds[..1]), "the signals `a`, `b`");
        assert_eq!(could_name(&[]), "");
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { failure_persistence: None, ..Default::default() })]
        /// A name written into any text is found there.
        #[test]
        fn a_name_written_is_found(before in "[a-zé #\n]{0,30}", name in "[a-z_-]{3,12}", after in "[a-zé #\n]{0,30}") {
            let text = format!("{before}{}{after}", name.to_ascii_uppercase());
            proptest::prop_assert!(names_any(&text, &[name.as_str()]));
        }
    }
}
