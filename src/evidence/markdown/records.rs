//! Markdown tables, and those that record runs of a procedure: "| Date | Duration |" under
//! "## Rehearsals", or a header that says which run ("| Rehearsal | Took |"). A record kept
//! as a table is as much the runbook's word as one written in a sentence.

use super::sentences::{is_heading, prose_lines};

/// One row of a record table.
#[derive(Debug, PartialEq)]
pub(super) struct Row {
    /// The row as written, trimmed.
    pub(super) said: String,
    /// Where it is written: byte offset and length in the text.
    pub(super) at: (usize, usize),
    /// The longest time a cell under a header of time taken (`Duration`, `Took`, `Time to
    /// recover`) writes, in seconds.
    pub(super) seconds: Option<i64>,
    /// The days its cells write (`YYYY-MM-DD`).
    pub(super) days: Vec<String>,
}

/// Headers of a column of time taken.
const TAKEN: &[&str] = &[
    "duration", "elapsed", "took", "taken", "time to", "total", "length", "minutes", "time",
];

/// A Markdown table: its header's cells, its rows, and the heading of its section.
pub(super) struct Table {
    /// The heading above it, as written (`## Rehearsals`; empty before any).
    pub(super) heading: String,
    /// The header's cells, trimmed, code marks dropped.
    pub(super) header: Vec<String>,
    /// Its rows after the separator.
    pub(super) rows: Vec<TableRow>,
}

/// A row of a [`Table`].
pub(super) struct TableRow {
    /// The row as written, trimmed.
    pub(super) said: String,
    /// Where it is written: byte offset and length in the text.
    pub(super) at: (usize, usize),
    /// Its cells, trimmed, code marks dropped.
    pub(super) cells: Vec<String>,
}

impl TableRow {
    /// Its cells in the columns `columns` marks (see [`Table::columns`]).
    pub(super) fn under<'r>(&'r self, columns: &'r [bool]) -> impl Iterator<Item = &'r str> {
        self.cells
            .iter()
            .zip(columns)
            .filter(|(_, c)| **c)
            .map(|(cell, _)| cell.as_str())
    }
}

impl Table {
    /// Whether the heading above it or its header names any of `words` (lower case): what
    /// the table holds ("## Rehearsals", "| Update cadence |").
    pub(super) fn names(&self, words: &[&str]) -> bool {
        let named = |s: &str| {
            let s = s.to_ascii_lowercase();
            words.iter().any(|w| s.contains(w))
        };
        named(&self.heading) || self.header.iter().any(|h| named(h))
    }

    /// A row as one line read with the heading and header that say what it holds
    /// (`## Support hours | Days | Hours (Europe/Berlin) | Mon-Fri | 10:00-16:00`).
    pub(super) fn read(&self, row: &TableRow) -> String {
        format!(
            "{} | {} | {}",
            self.heading,
            self.header.join(" | "),
            row.cells.join(" | ")
        )
    }

    /// Which columns' headers name any of `words` (lower case).
    pub(super) fn columns(&self, words: &[&str]) -> Vec<bool> {
        self.header
            .iter()
            .map(|h| {
                let h = h.to_ascii_lowercase();
                words.iter().any(|w| h.contains(w))
            })
            .collect()
    }
}

/// The tables of `text` (Markdown) outside code: a header row, a separator (`| --- |`), rows.
pub(super) fn tables(text: &str) -> Vec<Table> {
    let mut out: Vec<Table> = Vec::new();
    // Most runbooks hold no table: one search rules them out.
    if !text.contains('|') {
        return out;
    }
    let mut heading = "";
    // The row before, a header when a separator follows it; whether a table is being read.
    let mut before: Option<Vec<String>> = None;
    let mut reading = false;
    for (at, line) in prose_lines(text) {
        let trimmed = line.trim();
        if !trimmed.starts_with('|') {
            (before, reading) = (None, false);
            if is_heading(trimmed) {
                heading = trimmed;
            }
            continue;
        }
        let cells = cells(trimmed);
        if reading {
            if let Some(table) = out.last_mut() {
                let start = at + (line.len() - line.trim_start().len());
                table.rows.push(TableRow {
                    said: trimmed.to_string(),
                    at: (start, trimmed.len()),
                    cells,
                });
            }
            continue;
        }
        let separator = cells
            .iter()
            .all(|c| !c.is_empty() && c.chars().all(|ch| matches!(ch, '-' | ':' | ' ')));
        match before.take() {
            Some(header) if separator => {
                out.push(Table {
                    heading: heading.to_string(),
                    header,
                    rows: Vec::new(),
                });
                reading = true;
            }
            _ => before = Some(cells),
        }
    }
    out
}

/// The rows of the tables of `text` (Markdown) that record runs: a table whose header, or the
/// heading of whose section, names a run (`words`: "rehearsal", "drill", ...).
pub(super) fn record_rows(text: &str, words: &[&str]) -> Vec<Row> {
    let mut out = Vec::new();
    for table in tables(text) {
        if !table.names(words) {
            continue;
        }
        let taken = table.columns(TAKEN);
        for row in table.rows {
            let seconds = row
                .under(&taken)
                .filter_map(|c| {
                    super::timing::expected_duration(c)
                        .or_else(|| super::spoken::duration(&c.to_ascii_lowercase()))
                })
                .max();
            let days: Vec<String> = row
                .cells
                .iter()
                .flat_map(|c| crate::evidence::dated::in_text(c))
                .collect();
            if seconds.is_some() || !days.is_empty() {
                out.push(Row {
                    said: row.said,
                    at: row.at,
                    seconds,
                    days,
                });
            }
        }
    }
    out
}

/// The cells of a table row (`| a | b |`), trimmed, code marks and struck spans dropped.
fn cells(row: &str) -> Vec<String> {
    let row = super::sentences::without_struck(row);
    let row = row.as_ref();
    let inner = row.strip_prefix('|').unwrap_or(row);
    let inner = inner.strip_suffix('|').unwrap_or(inner);
    inner
        .split('|')
        .map(|c| c.replace('`', "").trim().to_string())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const RUNS: &[&str] = &["rehearsal", "rehearsed", "drill"];

    #[test]
    fn rows_of_a_record_table() {
        let text = "# Rollback\n\n## Rehearsals\n\n| Date | Duration | Notes |\n| --- | ---: | --- |\n| 2026-11-02 | 12 minutes | slow caches |\n| 2026-08-01 | 4m | |\n\n## Other\n\n| Date | Duration |\n|---|---|\n| 2026-11-03 | 30 minutes |\n";
        let rows = record_rows(text, RUNS);
        assert_eq!(
            rows.iter()
                .map(|r| (r.said.as_str(), r.seconds, r.days.clone()))
                .collect::<Vec<_>>(),
            [
                (
                    "| 2026-11-02 | 12 minutes | slow caches |",
                    Some(720),
                    vec!["2026-11-02".to_string()]
                ),
                (
                    "| 2026-08-01 | 4m | |",
                    Some(240),
                    vec!["2026-08-01".to_string()]
                ),
            ]
        );
        assert_eq!(
            &text[rows[0].at.0..rows[0].at.0 + rows[0].at.1],
            rows[0].said
        );
        // A header that names the run is enough; a time of day is no duration.
        let text = "| Drill | Took | Started |\n|--|--|--|\n| 2026-11-21 | 9 hours | 14:00 |\n";
        let rows = record_rows(text, RUNS);
        assert_eq!((rows[0].seconds, rows.len()), (Some(32_400), 1));
    }

    #[test]
    fn a_line_starting_with_a_channel_is_no_heading() {
        let text = "## Rehearsals\n\n#dash-oncall was paged.\n\n| Date | Duration |\n|--|--|\n| 2026-11-02 | 4m |\n";
        assert_eq!(tables(text)[0].heading, "## Rehearsals");
        assert_eq!(record_rows(text, RUNS).len(), 1);
    }

    #[test]
    fn other_tables_record_no_run() {
        for text in [
            "| Step | Duration |\n|---|---|\n| drain | 10 minutes |\n",
            "## Escalation\n\n| level | who | when |\n| --- | --- | --- |\n| 2 | @x | after 15 minutes |\n",
            "| Rehearsal | Duration |\n| 2026-11-02 | 12 minutes |\n",
        ] {
            assert_eq!(record_rows(text, RUNS), [], "{text}");
        }
    }
}
