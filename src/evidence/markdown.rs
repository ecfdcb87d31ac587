//! Facts about a Markdown runbook: its headings, numbered steps and placeholders.

use pulldown_cmark::{Event, Parser, Tag, TagEnd};
use serde::Serialize;

/// What a runbook contains, as far as checklists care.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct MarkdownFacts {
    /// Heading texts, in order, as written.
    pub headings: Vec<String>,
    /// Items of ordered (numbered) lists: the runbook's steps.
    pub steps: usize,
    /// Items of unordered lists.
    pub bullets: usize,
    /// Words of prose (headings included).
    pub words: usize,
    /// 1-based lines that still hold a `TODO` or `TBD` placeholder.
    pub placeholder_lines: Vec<usize>,
}

/// Parses Markdown text into facts.
pub fn facts(text: &str) -> MarkdownFacts {
    let mut out = MarkdownFacts::default();
    let mut heading: Option<String> = None;
    let mut ordered: Vec<bool> = Vec::new();
    for event in Parser::new(text) {
        match event {
            Event::Start(Tag::Heading { .. }) => heading = Some(String::new()),
            Event::End(TagEnd::Heading(_)) => {
                if let Some(h) = heading.take() {
                    out.headings.push(h.trim().to_string());
                }
            }
            Event::Start(Tag::List(first)) => ordered.push(first.is_some()),
            Event::End(TagEnd::List(_)) => {
                ordered.pop();
            }
            Event::Start(Tag::Item) => match ordered.last() {
                Some(true) => out.steps += 1,
                _ => out.bullets += 1,
            },
            Event::Text(t) | Event::Code(t) => {
                out.words += t.split_whitespace().count();
                if let Some(h) = heading.as_mut() {
                    h.push_str(&t);
                }
            }
            _ => {}
        }
    }
    for (i, line) in text.lines().enumerate() {
        if has_placeholder(line) {
            out.placeholder_lines.push(i + 1);
        }
    }
    out
}

/// Whether a line holds a `TODO`/`TBD` placeholder as a word.
pub fn has_placeholder(line: &str) -> bool {
    line.split(|c: char| !c.is_ascii_alphanumeric())
        .any(|w| w == "TODO" || w == "TBD")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_headings_steps_and_placeholders() {
        let f =
            facts("# Rollback\n\n## Steps\n\n1. Revert\n2. Deploy `v1`\n\n- note\n\nTODO: owner\n");
        assert_eq!(f.headings, ["Rollback", "Steps"]);
        assert_eq!(f.steps, 2);
        assert_eq!(f.bullets, 1);
        assert_eq!(f.placeholder_lines, [10]);
    }

    #[test]
    fn nested_lists_count_by_their_own_kind() {
        let f = facts("1. a\n   - x\n   - y\n2. b\n");
        assert_eq!((f.steps, f.bullets), (2, 2));
    }

    #[test]
    fn placeholders_are_words() {
        assert!(has_placeholder("owner: TODO"));
        assert!(!has_placeholder("TODOS are fine, TBDX too"));
    }
}
