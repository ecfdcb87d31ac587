//! Where prepared messages send their readers: the status page and the chat channel they
//! name, held to `comms`. Templates copied from another service keep its status page and
//! channel; a message posted from them sends users to a page nobody updates and tells
//! support nothing.

use serde::Serialize;

use super::sentences::prose_lines;
use crate::evidence::alerts::Spot;

/// Where the templates send their readers elsewhere than `comms` says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Elsewhere {
    /// What they name instead, in words a finding can quote.
    pub why: String,
    /// The status page or channel named.
    pub named: String,
    /// Where it is first named.
    pub at: Spot,
}

/// What `comms` names, as the templates are held to it.
#[derive(Debug, Clone, Default)]
pub struct Comms<'a> {
    /// `comms.status_page`.
    pub status_page: Option<&'a str>,
    /// `comms.support_channel`.
    pub support_channel: Option<&'a str>,
    /// Other channels of the service's own: `owners.escalation`'s contacts (a comms runbook
    /// says whom to page first).
    pub own: Vec<&'a str>,
}

/// The first place `text` (Markdown: prepared messages) names status pages none of which is
/// `comms.status_page`, or chat channels the manifest never names while it never names
/// `comms.support_channel` (its place's `file` left for the caller to name). Naming the
/// planned one and others too (a partner's status page, an incident's own channel), or the
/// escalation's channels alone, is no finding.
pub fn elsewhere(text: &str, comms: &Comms<'_>) -> Option<Elsewhere> {
    let ours = comms.status_page.and_then(host);
    let channel = comms
        .support_channel
        .and_then(|c| c.split_whitespace().next())
        .filter(|c| c.starts_with('#') && c.len() > 1);
    if ours.is_none() && channel.is_none() {
        return None;
    }
    // (name, offset) of each status page and channel named.
    let mut pages: Vec<(&str, usize)> = Vec::new();
    let mut channels: Vec<(&str, usize)> = Vec::new();
    for (at, line) in prose_lines(text) {
        if ours.is_some() {
            pages.extend(urls(line).filter(is_status_page).map(|(u, i)| (u, at + i)));
        }
        if channel.is_some() {
            channels.extend(channels_in(line).map(|(c, i)| (c, at + i)));
        }
    }
    let spot = |named: &str, at: usize| Spot::in_text(text, at, named.len());
    if let Some(ours) = ours
        && let Some(&(first, at)) = pages.first()
        && !pages
            .iter()
            .any(|(u, _)| host(u).as_deref() == Some(ours.as_str()))
    {
        return Some(Elsewhere {
            why: format!(
                "send users to the status page {first}, and never to `comms.status_page` ({})",
                comms.status_page.unwrap_or_default()
            ),
            named: first.to_string(),
            at: spot(first, at),
        });
    }
    let own = |c: &str| {
        c.eq_ignore_ascii_case(channel.unwrap_or_default())
            || comms.own.iter().any(|o| o.eq_ignore_ascii_case(c))
    };
    if let Some(channel) = channel
        && let Some(&(first, at)) = channels.iter().find(|(c, _)| !own(c))
        && !channels
            .iter()
            .any(|(c, _)| c.eq_ignore_ascii_case(channel))
    {
        return Some(Elsewhere {
            why: format!(
                "name the channel `{first}`, and never `comms.support_channel` (`{channel}`)"
            ),
            named: first.to_string(),
            at: spot(first, at),
        });
    }
    None
}

/// The web addresses `line` writes, with their offsets.
fn urls(line: &str) -> impl Iterator<Item = (&str, usize)> {
    memchr::memmem::find_iter(line.as_bytes(), b"://").filter_map(move |sep| {
        let start = sep
            - line.as_bytes()[..sep]
                .iter()
                .rev()
                .take_while(|b| b.is_ascii_alphabetic())
                .count();
        let scheme = &line[start..sep];
        if !(scheme.eq_ignore_ascii_case("https") || scheme.eq_ignore_ascii_case("http")) {
            return None;
        }
        let end = line[sep..]
            .find(|c: char| c.is_whitespace() || "()<>[]\"'`,".contains(c))
            .map_or(line.len(), |e| sep + e);
        let url = line[start..end].trim_end_matches(['.', ';', ':', '!', '?']);
        (url.len() > sep - start + 3).then_some((url, start))
    })
}

/// The host of `url` (with or without a scheme), lower-cased, without `www.` or the root's
/// dot.
fn host(url: &str) -> Option<String> {
    let url = url.trim();
    let parsed = if url.contains("://") {
        url::Url::parse(url)
    } else {
        // A status page written bare (`status.acme.dev`) is still an address.
        url::Url::parse(&format!("https://{url}"))
    };
    let parsed = parsed.ok()?;
    let name = parsed
        .host_str()?
        .trim_end_matches('.')
        .to_ascii_lowercase();
    let name = name.strip_prefix("www.").unwrap_or(&name);
    (!name.is_empty()).then(|| name.to_string())
}

/// Whether `url` is a status page's: `status` in its host (`status.acme.dev`,
/// `acme.statuspage.io`, `githubstatus.com`) or its path's first segment
/// (`acme.dev/status`).
fn is_status_page((url, _): &(&str, usize)) -> bool {
    let lower = url.to_ascii_lowercase();
    let rest = lower.split_once("://").map_or(lower.as_str(), |(_, r)| r);
    let (authority, path) = rest.split_once('/').unwrap_or((rest, ""));
    authority.contains("status")
        || path
            .split(['/', '?', '#'])
            .next()
            .unwrap_or("")
            .contains("status")
}

/// The chat channels `line` names (`#dash-support`), with their offsets: a `#` after a
/// space, a quote or a bracket, then a letter, then letters, digits, `-`, `_` or `.`; a
/// colour (`#ffcc00`) is none.
fn channels_in(line: &str) -> impl Iterator<Item = (&str, usize)> {
    let bytes = line.as_bytes();
    memchr::memchr_iter(b'#', bytes).filter_map(move |at| {
        let before = at.checked_sub(1).map(|b| bytes[b]);
        if before.is_some_and(|b| !(b.is_ascii_whitespace() || b"`(\"'*_[>".contains(&b))) {
            return None;
        }
        let len = bytes[at + 1..]
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric() || b"-_.".contains(b))
            .count();
        let name = line[at..at + 1 + len].trim_end_matches(['.', '-', '_']);
        let body = &name[1..];
        let colour = matches!(body.len(), 3 | 6 | 8) && body.bytes().all(|b| b.is_ascii_hexdigit());
        (body.starts_with(|c: char| c.is_ascii_alphabetic()) && body.len() > 1 && !colour)
            .then_some((name, at))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const COMMS: Comms<'static> = Comms {
        status_page: Some("https://status.acme-cloud.dev"),
        support_channel: Some("#dash-support"),
        own: Vec::new(),
    };

    #[test]
    fn the_examples_templates_name_what_comms_names() {
        let text = "# Templates\n\nPost on the status page (https://status.acme-cloud.dev) and in \
                    `#dash-support`; update every 30 minutes.\n\n## Start\n\n> Next update in 30 minutes.\n";
        assert_eq!(elsewhere(text, &COMMS), None);
        // The planned ones and others besides; a path on our host; `www.` and case.
        for text in [
            "See https://status.acme-cloud.dev and https://status.partner.io. Post in #dash-support and #inc-42.\n",
            "See <HTTPS://Status.Acme-Cloud.dev/incidents/{id}>.\n",
            "See [status](https://www.status.acme-cloud.dev.).\n",
            "Colour #ffcc00, issue #42, C# and https://acme.dev/docs#setup; `#DASH-SUPPORT`.\n",
            "```sh\ncurl https://status.other.dev # post in #orders\n```\n",
            "No addresses at all.\n",
        ] {
            assert_eq!(elsewhere(text, &COMMS), None, "{text}");
        }
        assert_eq!(
            elsewhere("https://status.other.dev\n", &Comms::default()),
            None
        );
        // The escalation's channel alone: a comms runbook says whom to page first.
        let own = Comms {
            own: vec!["#dash-oncall"],
            ..COMMS
        };
        assert_eq!(elsewhere("Page `#dash-oncall` first.\n", &own), None);
        assert!(elsewhere("Page `#dash-oncall` and `#orders`.\n", &own).is_some());
    }

    #[test]
    fn another_services_addresses_are_found_where_they_are_written() {
        for (text, why, line, column) in [
            (
                "# Templates\n\nPost on https://status.orders.acme.dev and in #dash-support.\n",
                "send users to the status page https://status.orders.acme.dev, and never to `comms.status_page` (https://status.acme-cloud.dev)",
                3,
                9,
            ),
            (
                "# T\n\n```\nFollow acme.statuspage.io: https://acme.statuspage.io/\n```\n",
                "send users to the status page https://acme.statuspage.io/, and never to `comms.status_page` (https://status.acme-cloud.dev)",
                4,
                28,
            ),
            (
                "# T\n\nPost on https://status.acme-cloud.dev and in `#orders-support`.\n",
                "name the channel `#orders-support`, and never `comms.support_channel` (`#dash-support`)",
                3,
                47,
            ),
        ] {
            let found = elsewhere(text, &COMMS).expect(text);
            assert_eq!(
                (found.why.as_str(), found.at.line, found.at.column),
                (why, line, column),
                "{text}"
            );
        }
    }

    #[test]
    fn hosts_are_read_by_the_url_parser() {
        for (url, want) in [
            ("https://Status.Acme.dev:8443/x", Some("status.acme.dev")),
            ("status.acme.dev", Some("status.acme.dev")),
            (
                "https://user@www.status.acme.dev./",
                Some("status.acme.dev"),
            ),
            ("https://", None),
            ("https://exa mple.com", None),
        ] {
            assert_eq!(host(url).as_deref(), want, "{url}");
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { failure_persistence: None, ..Default::default() })]
        /// Any text gives an answer.
        #[test]
        fn any_text_gives_an_answer(text in "[a-z#:/. `\n()é]{0,80}") {
            let _ = elsewhere(&text, &COMMS);
        }
    }
}
