//! Output for people: miette diagnostics with the YAML snippet, then a summary and the verdict.

use std::fmt;
use std::sync::Arc;

use miette::{
    Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError,
    MietteSpanContents, NamedSource, SourceCode, SourceSpan, SpanContents,
};
use rayon::prelude::*;

use super::{Style, sanitize};
use crate::report::{
    ChecklistSource, Finding, GateFailure, ManifestReport, Outcome, Report, Severity, Verdict,
};
use crate::source::SourceFile;

/// A source file as miette source code.
#[derive(Debug, Clone)]
pub struct Text(pub Arc<SourceFile>);

impl Text {
    /// The source as a snippet shows it: a character that reorders text shown right to left
    /// (U+202E, "Trojan Source") is replaced by U+FFFD of the same length, so the line reads
    /// as written and every span still points where it did.
    pub fn shown(src: &Arc<SourceFile>) -> Text {
        let reorders = super::reorders;
        if src.is_ascii() || !src.text.chars().any(reorders) {
            return Text(src.clone());
        }
        let text: String = src
            .text
            .chars()
            .map(|c| match (reorders(c), c.len_utf8()) {
                (true, 3) => "\u{fffd}".to_string(),
                (true, n) => "?".repeat(n),
                (false, _) => c.to_string(),
            })
            .collect();
        Text(SourceFile::new(&src.path, src.display.clone(), text))
    }
}

impl SourceCode for Text {
    /// miette's own reading, started at the first line it shows rather than at the top of the
    /// file: it counts lines byte by byte, which was most of drawing a snippet near the end of
    /// a manifest. Positions are shifted back, so the result is what miette reads from the top.
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let text = self.0.text.as_bytes();
        // miette slices past the end of the text for an empty span beyond it, and panics: a
        // location launchgate computed wrongly must cost the snippet, not the run.
        if span.offset() > text.len() {
            return Err(MietteError::OutOfBounds);
        }
        // miette ends an empty span one byte before it (`offset + len - 1`), except at the very
        // start of the text, where that saturates at 0: an empty span must keep a byte before
        // it in the slice to be read the same.
        let (skipped, start) = match self.0.line_before(span.offset(), context_lines_before) {
            Some((line, start))
                if start > 0
                    && start <= span.offset()
                    && (start < span.offset() || !span.is_empty()) =>
            {
                (line, start)
            }
            _ => return text.read_span(span, context_lines_before, context_lines_after),
        };
        let shifted = SourceSpan::new((span.offset() - start).into(), span.len());
        let read = text[start..].read_span(&shifted, context_lines_before, context_lines_after)?;
        let at = SourceSpan::new((read.span().offset() + start).into(), read.span().len());
        Ok(Box::new(MietteSpanContents::new(
            read.data(),
            at,
            read.line() + skipped,
            read.column(),
            read.line_count() + skipped,
        )))
    }
}

/// A diagnostic built from a finding or an error.
#[derive(Debug)]
pub struct Diag {
    /// Headline.
    pub message: String,
    /// Item id.
    pub code: Option<String>,
    /// miette severity.
    pub severity: miette::Severity,
    /// Help line.
    pub help: Option<String>,
    /// Source to show.
    pub source: Option<NamedSource<Text>>,
    /// Labels in the source.
    pub labels: Vec<LabeledSpan>,
    /// Secondary diagnostics (e.g. the other source of a related location).
    pub notes: Vec<String>,
}

impl fmt::Display for Diag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Diag {}

impl Diagnostic for Diag {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.code
            .as_ref()
            .map(|c| Box::new(c) as Box<dyn fmt::Display>)
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(self.severity)
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.source.as_ref().map(|s| s as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        if self.labels.is_empty() {
            None
        } else {
            Some(Box::new(self.labels.iter().cloned()))
        }
    }
}

/// A miette handler with launchgate's look.
pub fn handler(style: Style) -> GraphicalReportHandler {
    let theme = if style.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    GraphicalReportHandler::new_themed(theme)
        .with_width(style.width)
        // Words end at spaces: a path or ref (`refs/tags/v1.4.2`) stays whole on its line,
        // where Unicode's line-break classes split it after a `/`, at several times the cost
        // per character of every help text. A word longer than the width is still broken.
        .with_word_separator(textwrap::WordSeparator::AsciiSpace)
        .with_links(false)
        .with_context_lines(1)
}

/// Renders one diagnostic.
pub fn render_diag(diag: &Diag, style: Style) -> String {
    let mut out = String::new();
    let _ = handler(style).render_report(&mut out, diag);
    for n in &diag.notes {
        out.push_str(&format!("  note: {n}\n"));
    }
    out
}

fn diag_of(report: &Report, m: &ManifestReport, f: &Finding) -> Diag {
    let severity = match (f.outcome, f.severity) {
        (Outcome::Fail, Severity::Error) => miette::Severity::Error,
        (Outcome::Waived, _) => miette::Severity::Advice,
        _ => miette::Severity::Warning,
    };
    let prefix = match f.outcome {
        Outcome::Hold => "hold: ",
        Outcome::Waived => "waived: ",
        _ => "",
    };
    let mut notes: Vec<String> = f.evidence.iter().map(|e| sanitize(e)).collect();
    if let Some(w) = &f.waiver {
        notes.push(sanitize(&format!(
            "waived until {} by {}: {}",
            w.expires, w.approved_by, w.reason
        )));
    }
    let mut labels = Vec::new();
    let mut source = None;
    if let Some(loc) = &f.location {
        match report.source(m, &loc.file) {
            Some(src) if loc.len > 0 => {
                labels.push(LabeledSpan::new_primary_with_span(
                    Some("here".into()),
                    SourceSpan::new(loc.offset.into(), loc.len),
                ));
                for r in f.related.iter().filter(|r| r.location.file == loc.file) {
                    labels.push(LabeledSpan::new_with_span(
                        Some(sanitize(&r.message)),
                        SourceSpan::new(r.location.offset.into(), r.location.len),
                    ));
                }
                source = Some(NamedSource::new(&loc.file, Text::shown(src)).with_language("yaml"));
            }
            _ => notes.insert(0, format!("at {}:{}:{}", loc.file, loc.line, loc.column)),
        }
        for r in f
            .related
            .iter()
            .filter(|r| r.location.file != loc.file || source.is_none())
        {
            // Location first, as compilers write it: terminals and editors open `file:line:col`
            // when it starts the line.
            notes.push(sanitize(&format!(
                "{}:{}:{}: {}",
                r.location.file, r.location.line, r.location.column, r.message
            )));
        }
    }
    let mut help = f.help.clone().map(|h| sanitize(&h));
    let explained = report
        .items
        .get(&*f.item)
        .is_none_or(|i| i.checklist != "rollout");
    if explained {
        let more = format!("launchgate explain {}", f.item);
        help = Some(match help {
            Some(h) => format!("{h}\n(more: {more})"),
            None => format!("more: {more}"),
        });
    }
    Diag {
        message: format!("{prefix}{}", sanitize(&f.message)),
        code: Some(f.item.to_string()),
        severity,
        help,
        source,
        labels,
        notes,
    }
}

/// Manifests whose diagnostics are drawn in parallel at a time.
const RENDER_BATCH: usize = 64;

/// Writes the diagnostics of a batch of manifests, drawn in parallel, in the batch's order.
fn write_diags<M: std::ops::Deref<Target = ManifestReport> + Sync>(
    report: &Report,
    batch: &[M],
    style: Style,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    let draw = |m: &M| {
        let mut text = String::new();
        for f in m.findings.iter().filter(|f| f.outcome != Outcome::Pass) {
            if style.quiet && !f.blocks() && f.outcome != Outcome::Hold {
                continue;
            }
            text.push_str(&render_diag(&diag_of(report, m, f), style));
            text.push('\n');
        }
        text
    };
    // One manifest (a pre-commit run) is drawn here: handing it to the pool would only add
    // waking a worker.
    let drawn: Vec<String> = if batch.len() < 2 {
        batch.iter().map(draw).collect()
    } else {
        batch.par_iter().map(draw).collect()
    };
    drawn
        .iter()
        .try_for_each(|text| out.write_all(text.as_bytes()))
}

/// The whole report for a terminal, written into `out` manifest by manifest: a run over
/// 100,000 manifests prints tens of megabytes, which need not be held whole first.
pub fn write(report: &Report, style: Style, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    // Drawing a snippet costs more than reading the manifest's results back: a batch of
    // manifests is drawn across the cores and written in order, so that the output is the
    // same as drawn one by one but the end of a large run does not wait on one core.
    let mut batch = Vec::with_capacity(RENDER_BATCH);
    for m in report.manifests.iter() {
        batch.push(m);
        if batch.len() == RENDER_BATCH {
            write_diags(report, &batch, style, out)?;
            batch.clear();
        }
    }
    write_diags(report, &batch, style, out)?;
    for m in report.manifests.iter() {
        let who = match (&m.service, &m.stage) {
            (Some(s), Some(st)) => format!(" ({}, stage {st})", sanitize(s)),
            _ => String::new(),
        };
        writeln!(
            out,
            "{}{who}: {}",
            m.path,
            m.verdict.as_str().to_uppercase()
        )?;
        // Shown even when quiet: an override of the policy is what a reviewer must not miss.
        if let Some(note) = override_note(&m) {
            out.write_all(note.as_bytes())?;
        }
        if style.quiet {
            continue;
        }
        let mut items: Vec<(&str, &str, Outcome, Severity)> = Vec::new();
        for f in &m.findings {
            match items.iter_mut().find(|(id, ..)| *id == &*f.item) {
                Some(entry) => {
                    if rank(f.outcome, f.severity) > rank(entry.2, entry.3) {
                        entry.2 = f.outcome;
                        entry.3 = f.severity;
                    }
                }
                None => items.push((&f.item, &f.title, f.outcome, f.severity)),
            }
        }
        items.sort_by(|a, b| a.0.cmp(b.0));
        for (id, title, outcome, severity) in items {
            let mark = match (outcome, severity) {
                (Outcome::Pass, _) => "  ok    ",
                (Outcome::Fail, Severity::Error) => "  FAIL  ",
                (Outcome::Fail, Severity::Warning) => "  warn  ",
                (Outcome::Hold, _) => "  HOLD  ",
                (Outcome::Waived, _) => "  waived",
            };
            writeln!(out, "{mark} {id:<24} {}", sanitize(title))?;
        }
    }
    if let Some(g) = &report.gate {
        out.write_all(b"\nphases:\n")?;
        for p in &g.phases {
            // Phases are cumulative: say when a phase is stopped by an earlier one.
            let note = if p.own == p.verdict {
                String::new()
            } else {
                format!(
                    " (its own gates: {}; an earlier phase decides)",
                    p.own.as_str()
                )
            };
            writeln!(
                out,
                "  {:<6} {} ({}% traffic){note}",
                p.verdict.as_str().to_uppercase(),
                sanitize(&p.name),
                p.traffic
            )?;
        }
        if g.phases.len() > 1 {
            match &g.furthest {
                Some(name) => writeln!(out, "furthest phase that may be entered now: {}", sanitize(name))?,
                None => out.write_all(b"furthest phase that may be entered now: none (the first phase does not pass)\n")?,
            }
        }
    }
    let s = &report.summary;
    writeln!(
        out,
        "\n{} manifest(s): {} passed, {} failed, {} held, {} waived, {} warning(s)",
        s.manifests, s.passed, s.failed, s.held, s.waived, s.warnings
    )?;
    let gate = report.command == "gate";
    let failure = report.gate.as_ref().and_then(|g| g.failure);
    let verdict = match report.verdict {
        Verdict::Pass if gate => "verdict: PASS (promote)",
        Verdict::Fail if gate => match failure {
            Some(GateFailure::Violated) => {
                "verdict: FAIL (a gate is violated: stop the rollout and roll back)"
            }
            Some(GateFailure::Unsteady) => {
                "verdict: FAIL (the earlier phases' gates did not hold for the whole `after` span: do not widen the rollout)"
            }
            // No gate was seen false, or the manifest itself fails.
            Some(GateFailure::Undecided) | None => {
                "verdict: FAIL (the gates cannot decide: do not promote; fix the failures above)"
            }
        },
        Verdict::Pass => "verdict: PASS",
        Verdict::Fail => {
            "verdict: FAIL (blocked: fix the failures above, or waive them with approval)"
        }
        Verdict::Hold if gate => "verdict: HOLD (not enough evidence yet; try again later)",
        // Waiting changes nothing here: the evidence must be made readable.
        Verdict::Hold => {
            "verdict: HOLD (evidence could not be read: see the holds above; this is not a pass)"
        }
    };
    out.write_all(verdict.as_bytes())?;
    if report.schema_only {
        out.write_all(b" (schema only: policy, checklists and evidence were not checked)")?;
    }
    out.write_all(b"\n")
}

/// The note for a manifest whose checklists came from `--checklist`, if they did.
fn override_note(m: &ManifestReport) -> Option<String> {
    let from_cli: Vec<String> = m
        .checklists
        .iter()
        .filter(|c| c.source == ChecklistSource::CommandLine)
        .map(|c| sanitize(&c.name))
        .collect();
    if from_cli.is_empty() {
        return None;
    }
    let mut note = format!(
        "  note: --checklist overrides the repository policy and the manifest: applied {}",
        from_cli.join(", ")
    );
    if !m.not_applied.is_empty() {
        let left: Vec<String> = m
            .not_applied
            .iter()
            .map(|c| {
                let by = c.required_by.as_deref().unwrap_or("policy");
                sanitize(&format!("{} ({by})", c.name))
            })
            .collect();
        note.push_str(&format!("; required but not applied: {}", left.join(", ")));
    }
    note.push('\n');
    Some(note)
}

fn rank(outcome: Outcome, severity: Severity) -> u8 {
    match (outcome, severity) {
        (Outcome::Pass, _) => 0,
        (Outcome::Waived, _) => 1,
        (Outcome::Fail, Severity::Warning) => 2,
        (Outcome::Hold, _) => 3,
        (Outcome::Fail, Severity::Error) => 4,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Everything a snippet is drawn from, as read.
    fn read(
        source: &dyn SourceCode,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<(Vec<u8>, SourceSpan, usize, usize, usize), String> {
        source
            .read_span(span, before, after)
            .map(|c| {
                (
                    c.data().to_vec(),
                    *c.span(),
                    c.line(),
                    c.column(),
                    c.line_count(),
                )
            })
            .map_err(|e| e.to_string())
    }

    /// Found by the proptest below in CI: an empty span at the start of an empty line, with no
    /// line of context before it, read from its own line gave that line's break as data.
    #[test]
    fn an_empty_span_at_a_line_start_reads_as_from_the_top() {
        let text = "aa\n\na é\n:\n".to_string();
        let src = SourceFile::new(
            std::path::Path::new("m.yaml"),
            "m.yaml".into(),
            text.clone(),
        );
        for offset in 0..text.len() {
            let span = SourceSpan::new(offset.into(), 0);
            for before in 0..2 {
                assert_eq!(
                    read(&Text(src.clone()), &span, before, 0),
                    read(&text, &span, before, 0),
                    "offset {offset}, {before} line(s) before"
                );
            }
        }
    }

    /// Found by the proptest below at 30,000 cases: miette panics reading an empty span past
    /// the end of a text ("range start index 12 out of range for slice of length 11").
    #[test]
    fn a_span_past_the_end_is_out_of_bounds_not_a_panic() {
        for text in ["\r\ra\r\r\ra\na\n\r", "aa\nb\n", ""] {
            let src = SourceFile::new(std::path::Path::new("m.yaml"), "m.yaml".into(), text.into());
            for (offset, len) in [
                (text.len() + 1, 0),
                (text.len() + 1, 3),
                (text.len() + 40, 0),
            ] {
                let span = SourceSpan::new(offset.into(), len);
                assert!(
                    read(&Text(src.clone()), &span, 0, 0).is_err(),
                    "{text:?} at {offset}+{len}"
                );
            }
        }
    }

    proptest::proptest! {
        /// Started at the first line shown, the reading is miette's from the top of the file.
        #[test]
        fn a_span_reads_as_miette_reads_it_from_the_top(
            text in "[ab é:\\n]{0,120}|[ab\\r\\n]{0,30}",
            offset in 0usize..130,
            len in 0usize..12,
            before in 0usize..4,
            after in 0usize..4,
        ) {
            // Past the end miette itself panics on some spans; that case has its own test.
            let offset = offset % (text.len() + 1);
            let src = SourceFile::new(std::path::Path::new("m.yaml"), "m.yaml".into(), text.clone());
            let span = SourceSpan::new(offset.into(), len);
            proptest::prop_assert_eq!(
                read(&Text(src), &span, before, after),
                read(&text, &span, before, after)
            );
        }
    }
}
