//! A compact Markdown summary for pull-request comments and step summaries.

use crate::report::{Outcome, Report, Severity, Verdict};

/// Escapes text for a Markdown table cell: no raw HTML, no table breaks, no code spans,
/// one line.
pub fn cell(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '|' => out.push_str("\\|"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '`' => out.push_str("\\`"),
            '*' | '_' | '[' | ']' | '\\' | '#' | '!' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' => out.push(' '),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// The summary: verdict, counts, and one row per failing, held or waived finding.
pub fn render(report: &Report) -> String {
    let s = &report.summary;
    let (icon, word) = match report.verdict {
        Verdict::Pass => ("✅", "pass"),
        Verdict::Hold => ("⏸️", "hold"),
        Verdict::Fail => ("❌", "fail"),
    };
    let mut out = format!(
        "### {icon} launchgate {}: {word}\n\n{} manifest(s): **{}** passed, **{}** failed, **{}** held, **{}** waived, {} warning(s)\n",
        report.command, s.manifests, s.passed, s.failed, s.held, s.waived, s.warnings
    );
    if report.schema_only {
        out.push_str("\n*Schema only: policy, checklists and evidence were not checked.*\n");
    }
    if let Some(g) = &report.gate {
        out.push_str("\n| phase | traffic | verdict |\n| --- | --- | --- |\n");
        for p in &g.phases {
            out.push_str(&format!(
                "| {} | {}% | {} |\n",
                cell(&p.name),
                p.traffic,
                p.verdict.as_str()
            ));
        }
        if let Some(f) = &g.furthest {
            out.push_str(&format!(
                "\nFurthest phase that may be entered now: **{}**\n",
                cell(f)
            ));
        }
    }
    let rows: Vec<String> = report
        .manifests
        .iter()
        .flat_map(|m| {
            let m = m.into_owned();
            m.findings
                .into_iter()
                .filter(|f| f.outcome != Outcome::Pass)
        })
        .map(|f| {
            let outcome = match (f.outcome, f.severity) {
                (Outcome::Fail, Severity::Warning) => "warning",
                (o, _) => o.as_str(),
            };
            let at = f
                .location
                .as_ref()
                .map(|l| cell(&format!("{}:{}", l.file, l.line)))
                .unwrap_or_default();
            format!(
                "| {outcome} | {} | {} | {at} |",
                cell(&f.item),
                cell(&f.message)
            )
        })
        .collect();
    if !rows.is_empty() {
        out.push_str("\n| outcome | item | finding | where |\n| --- | --- | --- | --- |\n");
        for r in rows {
            out.push_str(&r);
            out.push('\n');
        }
        out.push_str(
            "\nRun `launchgate explain ITEM` for why an item matters and how to fix it.\n",
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_cannot_inject_markup() {
        assert_eq!(
            cell("a|b<script>`x`\n# h"),
            "a\\|b&lt;script&gt;\\`x\\` \\# h"
        );
    }
}
