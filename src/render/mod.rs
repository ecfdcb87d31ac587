//! Renderers: each formats a finished [`Report`] and never re-checks anything.

pub mod github;
pub mod html;
pub mod human;
pub mod json;
pub mod junit;
pub mod markdown;
pub mod sarif;
pub mod scorecard_md;

use std::path::PathBuf;

use crate::report::Report;

/// An output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Diagnostics with source snippets, then a summary.
    Human,
    /// The report as JSON (`schemas/report.schema.json`).
    Json,
    /// SARIF 2.1.0 for code scanning.
    Sarif,
    /// GitHub Actions workflow commands (annotations).
    Github,
    /// JUnit XML.
    Junit,
    /// A Markdown summary (PR comments, step summaries).
    Markdown,
}

impl Format {
    /// All format names, for help and errors.
    pub const NAMES: &'static [&'static str] =
        &["human", "json", "sarif", "github", "junit", "markdown"];

    /// Parses a format name.
    pub fn parse(name: &str) -> Option<Format> {
        match name {
            "human" => Some(Format::Human),
            "json" => Some(Format::Json),
            "sarif" => Some(Format::Sarif),
            "github" => Some(Format::Github),
            "junit" => Some(Format::Junit),
            "markdown" => Some(Format::Markdown),
            _ => None,
        }
    }
}

/// One requested output: a format and where it goes (stdout when `None`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Output {
    /// Format.
    pub format: Format,
    /// File to write, or stdout.
    pub path: Option<PathBuf>,
}

impl std::str::FromStr for Output {
    type Err = String;

    /// Parses `FMT` or `FMT=PATH`.
    fn from_str(s: &str) -> Result<Output, String> {
        let (name, path) = split_output(s)?;
        let format = Format::parse(name).ok_or_else(|| {
            format!(
                "unknown format `{name}`; use one of: {}",
                Format::NAMES.join(", ")
            )
        })?;
        Ok(Output { format, path })
    }
}

/// Splits `FMT` or `FMT=PATH` (an output of `check`, `gate` or `report`).
fn split_output(s: &str) -> Result<(&str, Option<PathBuf>), String> {
    match s.split_once('=') {
        Some((n, p)) if !p.is_empty() => Ok((n, Some(PathBuf::from(p)))),
        Some((n, _)) => Err(format!("`{n}=` needs a file path after `=`")),
        None => Ok((s, None)),
    }
}

/// An output format of `launchgate report` (the scorecard page).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageFormat {
    /// One self-contained HTML page.
    Html,
    /// Markdown for a PR comment or a step summary.
    Markdown,
    /// The page model as JSON.
    Json,
}

impl PageFormat {
    /// All format names, for help and errors.
    pub const NAMES: &'static [&'static str] = &["html", "markdown", "json"];
}

/// One requested scorecard output: a format and where it goes (stdout when `None`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageOutput {
    /// Format.
    pub format: PageFormat,
    /// File to write, or stdout.
    pub path: Option<PathBuf>,
}

impl std::str::FromStr for PageOutput {
    type Err = String;

    /// Parses `FMT` or `FMT=PATH`.
    fn from_str(s: &str) -> Result<PageOutput, String> {
        let (name, path) = split_output(s)?;
        let format = match name {
            "html" => PageFormat::Html,
            "markdown" => PageFormat::Markdown,
            "json" => PageFormat::Json,
            _ => {
                return Err(format!(
                    "unknown format `{name}`; use one of: {}",
                    PageFormat::NAMES.join(", ")
                ));
            }
        };
        Ok(PageOutput { format, path })
    }
}

/// Renders the scorecard in one format.
pub fn render_page(card: &crate::scorecard::Scorecard, format: PageFormat) -> String {
    match format {
        PageFormat::Html => html::render(card),
        PageFormat::Markdown => scorecard_md::render(card),
        PageFormat::Json => {
            let mut s = serde_json::to_string_pretty(card)
                .unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
            s.push('\n');
            s
        }
    }
}

/// Options that change how output looks, not what it says.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    /// ANSI colors.
    pub color: bool,
    /// Only problems and the verdict, no per-item listing.
    pub quiet: bool,
    /// Terminal width for wrapping.
    pub width: usize,
}

/// Renders a report in one format into memory (library callers and tests; the CLI writes
/// with [`write`]). Only a serializer can fail here, and then the caller is told, rather than
/// handed an empty or partial text.
pub fn render(report: &Report, format: Format, style: Style) -> std::io::Result<String> {
    let mut out = Vec::new();
    write(report, format, style, &mut out)?;
    String::from_utf8(out).map_err(std::io::Error::other)
}

/// Writes a report in one format, straight into `out` (all but Markdown, which lists only
/// problems): a run over 100,000 manifests writes hundreds of megabytes, which need not be
/// held whole first.
pub fn write(
    report: &Report,
    format: Format,
    style: Style,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    match format {
        Format::Json => json::write(report, out),
        Format::Human => human::write(report, style, out),
        Format::Github => github::write(report, out),
        Format::Junit => junit::write(report, out),
        Format::Sarif => sarif::write(report, out),
        Format::Markdown => out.write_all(markdown::render(report).as_bytes()),
    }
}

/// Whether `c` reorders the text shown around it (direction marks, embeddings, overrides and
/// isolates).
pub fn reorders(c: char) -> bool {
    matches!(c, '\u{200e}' | '\u{200f}' | '\u{061c}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// Replaces control characters (ANSI escapes, CR, ...) so report text cannot drive a terminal,
/// and the characters that reorder text shown right to left (U+202E and its kin, the "Trojan
/// Source" characters) so a quoted gate or value reads as written.
pub fn sanitize(text: &str) -> String {
    // Nearly all report text has no control character: one byte scan and a copy. C1 controls
    // (U+0080 to U+009F) start with 0xC2, the direction marks with 0xE2 or 0xD8 (U+061C),
    // which other characters share: those take the slow path, which decides per character.
    let suspect = |b: &u8| {
        (*b < 0x20 && *b != b'\n' && *b != b'\t') || matches!(*b, 0x7f | 0xc2 | 0xe2 | 0xd8)
    };
    if !text.as_bytes().iter().any(suspect) {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if (c.is_control() && c != '\n' && c != '\t') || reorders(c) {
            out.push_str(&c.escape_unicode().to_string());
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn control_characters_are_escaped_and_the_rest_kept() {
        for (text, want) in [
            ("plain · text\tand\nlines", "plain · text\tand\nlines"),
            ("\u{1b}[31mred", "\\u{1b}[31mred"),
            ("over\rwrite", "over\\u{d}write"),
            ("del\u{7f}", "del\\u{7f}"),
            // C1: NEL and CSI share the 0xC2 lead byte with `·` and `©`.
            ("a\u{85}b \u{9b}2J © ·", "a\\u{85}b \\u{9b}2J © ·"),
            // Direction overrides and isolates; dashes and ellipses share their lead byte.
            (
                "sta\u{202e}te — \u{2066}x\u{2069} …",
                "sta\\u{202e}te — \\u{2066}x\\u{2069} …",
            ),
        ] {
            assert_eq!(super::sanitize(text), want, "{text:?}");
        }
    }
}
