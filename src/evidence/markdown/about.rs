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

/// A text as names are searched in it: lower-cased (ASCII), `-` and `_` made spaces
/// (`dashboard-factory` is "Dashboard Factory" in a title, `failure_streak` "the failure
/// streak" in prose). Folded once, searched for every name.
#[derive(Debug, Clone)]
pub struct Folded(Vec<u8>);

impl Folded {
    /// `text`, folded.
    pub fn new(text: &str) -> Folded {
        Folded(text.bytes().map(fold).collect())
    }

    /// Whether it names any of `names`, folded as it is. Names shorter than three
    /// characters are skipped: they are found in any text.
    pub fn names_any<S: AsRef<str>>(&self, names: &[S]) -> bool {
        let mut name = Vec::new();
        names.iter().any(|n| {
            name.clear();
            name.extend(n.as_ref().trim().bytes().map(fold));
            name.len() >= 3 && self.contains(&name)
        })
    }

    /// Whether it speaks of the alert `name` in words: each part of its name of four
    /// letters or more (`PublicationJobStalled`: publication, stalled) written by its first
    /// four letters, so "Stalled publications" and "Templates fail to compile" speak of
    /// `PublicationJobStalled` and `TemplateCompileFailures`. A name without such parts is
    /// never spoken of so.
    pub fn speaks_of(&self, name: &str) -> bool {
        let parts = stems(name);
        !parts.is_empty() && parts.iter().all(|p| self.contains(p))
    }

    /// Whether `needle` (folded: lower case, spaces for `-` and `_`) is in it. Names are
    /// short and texts a page or two: a comparison at each place of the first byte costs
    /// less than building a searcher per name.
    fn contains(&self, needle: &[u8]) -> bool {
        let (Some(&first), Some(&last)) = (needle.first(), needle.last()) else {
            return true;
        };
        // The last byte first: most places of the first byte end otherwise, and a byte
        // compared inline costs less than a call to compare the rest.
        let n = needle.len();
        memchr::memchr_iter(first, &self.0)
            .any(|i| self.0.get(i + n - 1) == Some(&last) && self.0.get(i..i + n) == Some(needle))
    }
}

/// Whether `text` names any of `names` (see [`Folded::names_any`]).
pub fn names_any<S: AsRef<str>>(text: &str, names: &[S]) -> bool {
    Folded::new(text).names_any(names)
}

/// The first four letters, folded, of each part of `name` of four letters or more: parts
/// end at a character that is no letter or digit, at a capital after a small letter, and at
/// an acronym's end (`CPUThrottling` is "CPU Throttling").
fn stems(name: &str) -> Vec<Vec<u8>> {
    let mut parts = Vec::new();
    let mut start = 0;
    let bytes = name.as_bytes();
    for i in 1..=bytes.len() {
        let ends = i == bytes.len()
            || !bytes[i].is_ascii_alphanumeric()
            || (bytes[i].is_ascii_uppercase()
                && (bytes[i - 1].is_ascii_lowercase()
                    || (bytes[i - 1].is_ascii_uppercase()
                        && bytes.get(i + 1).is_some_and(u8::is_ascii_lowercase))));
        if ends {
            // Bytes, not a `str` slice: a part may end inside a character (`Aé`).
            let part = bytes[start..i].trim_ascii_start();
            let part = match part.split_first() {
                Some((b, rest)) if !b.is_ascii_alphanumeric() => rest,
                _ => part,
            };
            if part.len() >= 4 && part[..4].iter().all(u8::is_ascii_alphanumeric) {
                parts.push(part[..4].iter().copied().map(fold).collect());
            }
            start = i;
        }
    }
    parts
}

/// One byte folded: ASCII lower case, `-` and `_` as a space.
fn fold(b: u8) -> u8 {
    match b {
        b'-' | b'_' => b' ',
        b => b.to_ascii_lowercase(),
    }
}

/// `kinds` (a kind's words and its names) as "the signals `a`, `b` or the alerts `A`": at
/// most three names of each kind, kinds without names left out.
pub fn could_name(kinds: &[(&str, &[&str])]) -> String {
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
        assert!(Folded::new("# Stalled publications\n").speaks_of("PublicationJobStalled"));
        assert!(Folded::new("Templates fail to compile.").speaks_of("TemplateCompileFailures"));
        assert!(Folded::new("HIGH ERROR RATE").speaks_of("high_error_rate"));
        assert!(Folded::new("CPU throttling is high").speaks_of("CPUThrottlingHigh"));
        assert!(!Folded::new("# Publications\n").speaks_of("PublicationJobStalled"));
        assert!(!Folded::new("Be on call, acknowledge pages.").speaks_of("PublicationJobStalled"));
        assert!(Folded::new("the API is down").speaks_of("APIDown"));
        // No part of four letters: never spoken of in words.
        assert!(!Folded::new("the job is due").speaks_of("JobDue"));
        assert!(!Folded::new("").speaks_of(""));
        // Names are the manifest's: any text is read without a panic.
        for name in ["Aé", "éJobStalled", "Job_Ställed", "__", "ÉÉÉÉÉ"] {
            let _ = Folded::new("job stalled").speaks_of(name);
        }
    }

    #[test]
    fn what_could_be_named_is_listed_by_kind() {
        let kinds: [(&str, &[&str]); 3] = [
            ("the signals", &["a", "b"]),
            ("the dashboards", &[]),
            ("the alerts", &["A", "B", "C", "D"]),
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

        /// The search from each place of the first byte finds what a search of every window
        /// finds.
        #[test]
        fn the_search_agrees_with_every_window(text in "[abAB_ -é]{0,40}", name in "[abAB_ -]{0,6}") {
            let folded: Vec<u8> = text.bytes().map(fold).collect();
            let needle: Vec<u8> = name.trim().bytes().map(fold).collect();
            let expected = needle.len() >= 3 && folded.windows(needle.len()).any(|w| w == needle.as_slice());
            proptest::prop_assert_eq!(names_any(&text, &[name.as_str()]), expected);
        }
    }
}
