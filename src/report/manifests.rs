//! Every manifest's results of a run, in path order: the first [`KEEP`] in memory, the rest
//! written to an unnamed temporary file as they arrive, so that a run over 100,000 manifests
//! needs no more memory than one over 10,000.

use std::borrow::Cow;
use std::collections::HashMap;
use std::fs::File;
use std::io::{BufRead, BufWriter, Read, Write};
use std::path::Path;
use std::sync::{Arc, Mutex};

use serde::{Deserialize, Serialize};

use super::{Finding, ManifestReport, Outcome, Severity};
use crate::source::SourceFile;

/// Manifests kept in memory before the rest go to disk: at most about 25 MB of results (about
/// 30 findings a manifest, and the texts its failures point into), and more manifests than
/// most repositories have, so that a typical run never touches the disk.
pub const KEEP: usize = 2048;

/// The manifests of a report, in the order they were added.
#[derive(Debug, Clone, Default)]
pub struct Manifests {
    kept: Vec<ManifestReport>,
    spilled: Option<Arc<Spill>>,
}

/// Manifests written out as JSON lines, read back on every pass over them.
#[derive(Debug)]
struct Spill {
    file: File,
    count: usize,
    /// The plain passes the lines refer to.
    passes: Vec<Finding>,
    /// Why reading them back failed, if it did: the output is then incomplete, and the run
    /// must say so rather than pass on what it could read.
    error: Mutex<Option<String>>,
}

/// Collects manifests in order, spilling past `keep` to a temporary file.
#[derive(Debug)]
pub struct Builder {
    keep: usize,
    kept: Vec<ManifestReport>,
    out: Option<(BufWriter<File>, usize)>,
    passes: Passes,
}

/// Plain passes (an item's "satisfied" and nothing else: most findings of a run), each written
/// once; a manifest's line names them by number. A line is then about a tenth as long.
#[derive(Debug, Default)]
struct Passes {
    all: Vec<Finding>,
    index: HashMap<PassKey, u32>,
}

/// What makes two plain passes the same: item, title, severity and message.
type PassKey = (Arc<str>, Arc<str>, Severity, Arc<str>);

/// Distinct plain passes numbered at most: built-in items have one message each, but a
/// checklist could word every pass differently, and the table must not grow with the run.
const MAX_PASSES: usize = 4096;

impl Passes {
    /// The number of `f` in the table, when it is a plain pass and fits.
    fn number(&mut self, f: &Finding) -> Option<u32> {
        let plain = f.outcome == Outcome::Pass
            && f.help.is_none()
            && f.location.is_none()
            && f.related.is_empty()
            && f.evidence.is_empty()
            && f.waiver.is_none()
            && f.phase.is_none();
        if !plain {
            return None;
        }
        let key = (
            f.item.clone(),
            f.title.clone(),
            f.severity,
            f.message.clone(),
        );
        if let Some(n) = self.index.get(&key) {
            return Some(*n);
        }
        if self.all.len() >= MAX_PASSES {
            return None;
        }
        let n = self.all.len() as u32;
        self.all.push(f.clone());
        self.index.insert(key, n);
        Some(n)
    }
}

/// One line of the file: the manifest without its plain passes, where each goes back
/// (position among its findings, number in the table), and the texts its snippets show.
#[derive(Deserialize)]
struct Line(ManifestReport, Vec<(u32, u32)>, Vec<Text>);

/// [`Line`] as written, borrowing.
#[derive(Serialize)]
struct LineOut<'a>(&'a ManifestReport, &'a [(u32, u32)], Vec<TextOut<'a>>);

/// A source text as read back.
#[derive(Deserialize)]
struct Text {
    display: String,
    path: String,
    text: String,
}

/// A source text as written: its path on disk lossily, as renderers show only `display`.
#[derive(Serialize)]
struct TextOut<'a> {
    display: &'a str,
    path: Cow<'a, str>,
    text: &'a str,
}

impl Builder {
    /// A builder keeping [`KEEP`] manifests in memory.
    pub fn new() -> Builder {
        Builder::keeping(KEEP)
    }

    /// A builder keeping `keep` manifests in memory (tests spill small runs with it).
    pub fn keeping(keep: usize) -> Builder {
        Builder {
            keep,
            kept: Vec::new(),
            out: None,
            passes: Passes::default(),
        }
    }

    /// Adds the next manifest. Where no temporary file can be written, it stays in memory:
    /// a run that uses more memory is better than one that cannot finish.
    pub fn push(&mut self, m: ManifestReport) -> Result<(), String> {
        if self.kept.len() < self.keep {
            self.kept.push(m);
            return Ok(());
        }
        if self.out.is_none() {
            match tempfile::tempfile() {
                Ok(file) => self.out = Some((BufWriter::new(file), 0)),
                Err(_) => {
                    self.keep = usize::MAX;
                    self.kept.push(m);
                    return Ok(());
                }
            }
        }
        if let Some((out, count)) = &mut self.out {
            let mut m = m;
            let mut passes = Vec::new();
            let mut rest = Vec::with_capacity(m.findings.len());
            for (i, f) in m.findings.into_iter().enumerate() {
                match self.passes.number(&f) {
                    Some(n) => passes.push((i as u32, n)),
                    None => rest.push(f),
                }
            }
            m.findings = rest;
            let texts = m
                .sources
                .iter()
                .map(|s| TextOut {
                    display: &s.display,
                    path: s.path.to_string_lossy(),
                    text: &s.text,
                })
                .collect();
            serde_json::to_writer(&mut *out, &LineOut(&m, &passes, texts))
                .map_err(|e| e.to_string())
                .and_then(|()| out.write_all(b"\n").map_err(|e| e.to_string()))
                .map_err(|e| format!("cannot write a temporary file of results: {e}"))?;
            *count += 1;
        }
        Ok(())
    }

    /// The manifests added, in order.
    pub fn finish(self) -> Result<Manifests, String> {
        let spilled = match self.out {
            None => None,
            Some((out, count)) => {
                let file = out
                    .into_inner()
                    .map_err(|e| format!("cannot write a temporary file of results: {e}"))?;
                Some(Arc::new(Spill {
                    file,
                    count,
                    passes: self.passes.all,
                    error: Mutex::new(None),
                }))
            }
        };
        Ok(Manifests {
            kept: self.kept,
            spilled,
        })
    }
}

impl Default for Builder {
    fn default() -> Builder {
        Builder::new()
    }
}

impl From<Vec<ManifestReport>> for Manifests {
    fn from(kept: Vec<ManifestReport>) -> Manifests {
        Manifests {
            kept,
            spilled: None,
        }
    }
}

impl Manifests {
    /// How many manifests.
    pub fn len(&self) -> usize {
        self.kept.len() + self.spilled.as_ref().map_or(0, |s| s.count)
    }

    /// True when there are none.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Every manifest in order: borrowed while in memory, read back one at a time past that.
    pub fn iter(&self) -> impl Iterator<Item = Cow<'_, ManifestReport>> {
        let spilled = self.spilled.iter().flat_map(|s| s.read());
        self.kept.iter().map(Cow::Borrowed).chain(spilled)
    }

    /// Why reading the spilled manifests back failed, if it did (any output rendered from
    /// them is incomplete).
    pub fn read_error(&self) -> Option<String> {
        let spill = self.spilled.as_ref()?;
        spill.error.lock().ok().and_then(|e| e.clone())
    }
}

impl Spill {
    /// A manifest with its plain passes back in place.
    fn restore(&self, Line(mut m, passes, texts): Line) -> Result<ManifestReport, String> {
        m.sources = texts
            .into_iter()
            .map(|t| SourceFile::new(Path::new(&t.path), t.display, t.text))
            .collect();
        let mut rest = std::mem::take(&mut m.findings).into_iter();
        let mut findings = Vec::with_capacity(rest.len() + passes.len());
        for (at, n) in passes {
            while findings.len() < at as usize {
                findings.push(rest.next().ok_or("a pass is out of place")?);
            }
            let pass = self
                .passes
                .get(n as usize)
                .ok_or("a pass is not in the table")?;
            findings.push(pass.clone());
        }
        findings.extend(rest);
        m.findings = findings;
        Ok(m)
    }

    fn read(&self) -> impl Iterator<Item = Cow<'_, ManifestReport>> {
        let mut reader = std::io::BufReader::with_capacity(1 << 16, At::new(&self.file));
        // A whole line, then the parser over the slice: serde_json reading from `io::Read`
        // goes byte by byte and was most of the time spent reading results back.
        let mut buf = Vec::new();
        let mut left = self.count;
        std::iter::from_fn(move || {
            if left == 0 {
                return None;
            }
            left -= 1;
            buf.clear();
            let read = match reader.read_until(b'\n', &mut buf) {
                Ok(0) => Err("it ended early".to_string()),
                Ok(_) => serde_json::from_slice::<Line>(&buf)
                    .map_err(|e| e.to_string())
                    .and_then(|line| self.restore(line)),
                Err(e) => Err(e.to_string()),
            };
            match read {
                Ok(m) => Some(Cow::Owned(m)),
                Err(why) => {
                    if let Ok(mut error) = self.error.lock() {
                        error.get_or_insert(format!(
                            "cannot read back the temporary file of results: {why}"
                        ));
                    }
                    left = 0;
                    None
                }
            }
        })
    }
}

/// Reads a file from the start with positional reads, so that any number of passes can read
/// one file handle at once without sharing its offset.
struct At<'a> {
    file: &'a File,
    pos: u64,
}

impl<'a> At<'a> {
    fn new(file: &'a File) -> At<'a> {
        At { file, pos: 0 }
    }
}

impl Read for At<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        #[cfg(unix)]
        let n = std::os::unix::fs::FileExt::read_at(self.file, buf, self.pos)?;
        #[cfg(windows)]
        let n = std::os::windows::fs::FileExt::seek_read(self.file, buf, self.pos)?;
        self.pos += n as u64;
        Ok(n)
    }
}

impl Serialize for Manifests {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.iter())
    }
}

impl<'de> Deserialize<'de> for Manifests {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Manifests, D::Error> {
        Vec::<ManifestReport>::deserialize(deserializer).map(Manifests::from)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::Verdict;

    fn manifest(i: usize) -> ManifestReport {
        ManifestReport {
            path: format!("svc-{i:03}/readiness.yaml"),
            service: Some(format!("svc-{i}")),
            stage: Some("production".into()),
            tier: Some(1),
            team: None,
            freshness: Vec::new(),
            verdict: Verdict::Pass,
            checklists: Vec::new(),
            not_applied: Vec::new(),
            // Plain passes (written as numbers) around a failure and a pass with evidence
            // (written whole), so that putting them back in place is tested.
            findings: vec![
                pass("A"),
                Finding::new(
                    "X",
                    "x",
                    Severity::Error,
                    Outcome::Fail,
                    format!("finding of {i}\nwith \"quotes\""),
                ),
                pass("B"),
                pass("C"),
                Finding {
                    evidence: vec![format!("count = {i}")],
                    ..pass("D")
                },
                pass(if i.is_multiple_of(2) { "E" } else { "A" }),
            ],
            sources: vec![SourceFile::new(
                Path::new("x/readiness.yaml"),
                format!("svc-{i:03}/readiness.yaml"),
                format!("service:\n  name: svc-{i}\n"),
            )],
        }
    }

    fn pass(item: &str) -> Finding {
        Finding::new(item, "t", Severity::Error, Outcome::Pass, "satisfied")
    }

    fn json(m: &Manifests) -> String {
        serde_json::to_string(m).unwrap()
    }

    #[test]
    fn spilled_manifests_read_back_the_same_in_order_on_every_pass() {
        let all: Vec<ManifestReport> = (0..10).map(manifest).collect();
        let mut b = Builder::keeping(3);
        for m in all.clone() {
            b.push(m).unwrap();
        }
        let spilled = b.finish().unwrap();
        assert_eq!(spilled.kept.len(), 3);
        let spill = spilled.spilled.as_ref().unwrap();
        assert_eq!(spill.count, 7);
        assert_eq!(spill.passes.len(), 4, "A, B, C and E, once each");
        assert_eq!(spilled.len(), 10);
        let in_memory = Manifests::from(all);
        assert_eq!(json(&spilled), json(&in_memory));
        // Two passes at once (a renderer inside another's loop) each read the whole file.
        let pairs: Vec<(String, String)> = spilled
            .iter()
            .zip(spilled.iter())
            .map(|(a, b)| (a.path.clone(), b.path.clone()))
            .collect();
        assert_eq!(pairs.len(), 10);
        assert!(pairs.iter().all(|(a, b)| a == b));
        assert_eq!(spilled.clone().iter().count(), 10);
        // Snippet texts are not in the JSON report, so compare them apart.
        let last = spilled.iter().last().unwrap();
        assert_eq!(last.sources.len(), 1);
        assert_eq!(last.sources[0].display, "svc-009/readiness.yaml");
        assert_eq!(last.sources[0].text, "service:\n  name: svc-9\n");
        assert_eq!(last.sources[0].line_span(2).start.line, 2);
        assert_eq!(spilled.read_error(), None);
    }

    #[test]
    fn a_damaged_spill_file_is_an_error_not_fewer_manifests() {
        let mut b = Builder::keeping(1);
        for m in (0..4).map(manifest) {
            b.push(m).unwrap();
        }
        let m = b.finish().unwrap();
        let spill = m.spilled.as_ref().unwrap();
        spill.file.set_len(40).unwrap();
        assert_eq!(m.iter().count(), 1);
        let error = m.read_error().unwrap();
        assert!(error.contains("cannot read back"), "{error}");
    }
}
