//! Source files and positions: the text a finding points into.

use std::path::{Path, PathBuf};
use std::sync::Arc;

/// A position in a source file: 1-based line and column (in characters) and a byte offset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default, serde::Serialize)]
pub struct Pos {
    /// 1-based line number.
    pub line: u32,
    /// 1-based column, counted in Unicode scalar values.
    pub column: u32,
    /// 0-based byte offset into the file's text.
    pub offset: usize,
}

/// A half-open range `[start, end)` in a source file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Span {
    /// First position of the range.
    pub start: Pos,
    /// Position just past the range.
    pub end: Pos,
}

impl Span {
    /// Length of the span in bytes (at least 1, so a caret is always visible).
    pub fn len(&self) -> usize {
        self.end.offset.saturating_sub(self.start.offset).max(1)
    }

    /// Whether the span covers no bytes.
    pub fn is_empty(&self) -> bool {
        self.end.offset <= self.start.offset
    }
}

/// A file's text with a line index, shared between the loader, the checks and the renderers.
#[derive(Debug)]
pub struct SourceFile {
    /// The path as the user should see it (relative to the working directory when possible).
    pub display: String,
    /// The path on disk.
    pub path: PathBuf,
    /// The UTF-8 text (a byte order mark, if any, removed).
    pub text: String,
    line_starts: Vec<usize>,
    ascii: bool,
    /// Whether the text holds a carriage return: miette counts a lone one as a line break,
    /// the line index does not.
    cr: bool,
}

impl SourceFile {
    /// Wrap a file's text, indexing its line starts.
    pub fn new(path: &Path, display: String, text: String) -> Arc<SourceFile> {
        let mut line_starts = vec![0];
        line_starts.extend(memchr_newlines(text.as_bytes()));
        let ascii = text.is_ascii();
        let cr = memchr::memchr(b'\r', text.as_bytes()).is_some();
        Arc::new(SourceFile {
            display,
            path: path.to_path_buf(),
            text,
            line_starts,
            ascii,
            cr,
        })
    }

    /// Whether the text is ASCII (known since it was read).
    pub fn is_ascii(&self) -> bool {
        self.ascii
    }

    /// Number of lines in the file.
    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    /// Position of a 1-based line and 0-based character column (the YAML parser's markers).
    pub fn pos(&self, line: usize, col0: usize) -> Pos {
        let line = line.clamp(1, self.line_starts.len());
        let start = self.line_starts[line - 1];
        let end = self
            .line_starts
            .get(line)
            .copied()
            .unwrap_or(self.text.len());
        let offset = if self.ascii {
            (start + col0).min(end)
        } else {
            let slice = &self.text[start..end];
            start
                + slice
                    .char_indices()
                    .nth(col0)
                    .map(|(i, _)| i)
                    .unwrap_or(slice.len())
        };
        Pos {
            line: line as u32,
            column: col0 as u32 + 1,
            offset,
        }
    }

    /// Position of a byte offset.
    pub fn pos_at(&self, offset: usize) -> Pos {
        let offset = offset.min(self.text.len());
        let line_idx = self.line_index(offset);
        let start = self.line_starts[line_idx];
        let column = if self.ascii {
            offset - start
        } else {
            self.text
                .get(start..offset)
                .map(|s| s.chars().count())
                .unwrap_or(0)
        };
        Pos {
            line: line_idx as u32 + 1,
            column: column as u32 + 1,
            offset,
        }
    }

    /// The 0-based index and byte offset of the line `lines_before` lines above the one
    /// holding `offset` (the first line at most); `None` for text with a carriage return,
    /// whose lines only a full scan counts as miette does.
    pub fn line_before(&self, offset: usize, lines_before: usize) -> Option<(usize, usize)> {
        if self.cr {
            return None;
        }
        let line = self.line_index(offset).saturating_sub(lines_before);
        Some((line, self.line_starts[line]))
    }

    /// The 0-based index of the line holding byte `offset` (the last line past the end).
    fn line_index(&self, offset: usize) -> usize {
        // `line_starts[0]` is 0, so at least one start is at or before any offset.
        self.line_starts.partition_point(|&s| s <= offset) - 1
    }

    /// Span of a byte range.
    pub fn span_of(&self, start: usize, end: usize) -> Span {
        Span {
            start: self.pos_at(start),
            end: self.pos_at(end.max(start)),
        }
    }

    /// Span covering a whole 1-based line, without its line break.
    pub fn line_span(&self, line: usize) -> Span {
        let line = line.clamp(1, self.line_starts.len());
        let start = self.line_starts[line - 1];
        let mut end = self
            .line_starts
            .get(line)
            .copied()
            .unwrap_or(self.text.len());
        while end > start && matches!(self.text.as_bytes()[end - 1], b'\n' | b'\r') {
            end -= 1;
        }
        self.span_of(start, end)
    }
}

fn memchr_newlines(bytes: &[u8]) -> impl Iterator<Item = usize> + '_ {
    memchr::memchr_iter(b'\n', bytes).map(|i| i + 1)
}

/// Render a path for people: relative to the working directory when below it, `/`-separated.
pub fn display_path(path: &Path) -> String {
    static CWD: std::sync::OnceLock<Option<std::path::PathBuf>> = std::sync::OnceLock::new();
    let shown = CWD
        .get_or_init(|| std::env::current_dir().ok())
        .as_ref()
        .and_then(|cwd| path.strip_prefix(cwd).ok())
        .unwrap_or(path)
        .to_string_lossy();
    // Most paths are already as shown (`/`-separated, no `.` or `..` or empty part):
    // one scan instead of a split, a list and a join for each manifest and evidence file.
    if is_shown(&shown) {
        return shown.into_owned();
    }
    normalized(&shown)
}

/// Whether `text` is a path as [`normalized`] shows it, unchanged.
fn is_shown(text: &str) -> bool {
    let relative = text.strip_prefix('/').unwrap_or(text);
    !text.contains('\\') && relative.split('/').all(|p| !matches!(p, "" | "." | ".."))
}

/// `/`-separated, without `.` and empty parts, `..` folded where it can be.
fn normalized(text: &str) -> String {
    let s = text.replace('\\', "/");
    let absolute = s.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for part in s.split('/') {
        match part {
            "" | "." => {}
            ".." if parts.last().is_some_and(|p| *p != "..") => {
                parts.pop();
            }
            other => parts.push(other),
        }
    }
    let joined = parts.join("/");
    match (absolute, joined.is_empty()) {
        (true, _) => format!("/{joined}"),
        // The working directory itself: shown as nothing, a message would read "found in ;".
        (false, true) => ".".into(),
        (false, false) => joined,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What the fast path returns as it is, the normalization leaves as it is.
    #[test]
    fn paths_shown_as_they_are_are_normalized_already() {
        let parts = [
            "a", "b.md", ".", "..", "", "ß", "a b", ".hidden", "x\\y", "...",
        ];
        let mut n = 0;
        for a in parts {
            for b in parts {
                for c in parts {
                    for text in [
                        format!("{a}/{b}/{c}"),
                        format!("/{a}/{b}/{c}"),
                        format!("{a}/{b}"),
                        a.to_string(),
                    ] {
                        if is_shown(&text) {
                            assert_eq!(normalized(&text), text);
                            n += 1;
                        }
                    }
                }
            }
        }
        assert!(n > 100, "{n}");
        assert!(is_shown("/abs") && is_shown("a/b.md"));
        assert!(!is_shown("") && !is_shown("/") && !is_shown("a//b") && !is_shown("./a"));
    }

    #[test]
    fn positions_in_ascii_and_unicode_text() {
        let f = SourceFile::new(Path::new("x"), "x".into(), "a: 1\nbé: ü2\n".into());
        assert_eq!(
            f.pos(2, 4),
            Pos {
                line: 2,
                column: 5,
                offset: 10
            }
        );
        assert_eq!(f.pos_at(10), f.pos(2, 4));
        assert_eq!(f.pos_at(0).line, 1);
        assert_eq!(f.line_span(2).start.offset, 5);
    }

    #[test]
    fn the_working_directory_is_shown_as_a_dot() {
        let cwd = std::env::current_dir().unwrap();
        assert_eq!(display_path(&cwd), ".");
        assert_eq!(display_path(Path::new("./")), ".");
        assert_eq!(display_path(Path::new("a/..")), ".");
        assert_eq!(display_path(&cwd.join("src/../x.yaml")), "x.yaml");
        assert_eq!(display_path(Path::new("/")), "/");
    }

    #[test]
    fn pos_clamps_out_of_range_markers() {
        let f = SourceFile::new(Path::new("x"), "x".into(), "ab".into());
        assert_eq!(f.pos(9, 9).offset, 2);
        assert_eq!(f.pos_at(99).offset, 2);
    }
}
