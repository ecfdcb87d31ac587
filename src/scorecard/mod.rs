//! The scorecard page model of `launchgate report`: one row per service, one column per
//! checklist item, and the headline numbers, aggregated from finished check [`Report`]s.
//! Renderers (`render::html`, `render::scorecard_md`) only format it.

pub mod input;

use std::collections::{BTreeMap, BTreeSet};

use jiff::civil::Date;
use serde::Serialize;

use crate::report::{ManifestReport, Outcome, Report, Severity, Verdict};

/// Days ahead the page looks for expiring waivers and evidence going stale.
pub const HORIZON_DAYS: i64 = 30;
/// The nearer window for waivers.
pub const SOON_DAYS: i64 = 14;
/// How many of the most often failing items the headline names.
pub const TOP_FAILING: usize = 10;

/// What one matrix cell says about a service and an item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum CellState {
    /// Every finding of the item passed.
    Pass,
    /// The item failed (blocking, or advisory for warnings).
    Fail,
    /// Not enough evidence to decide.
    Hold,
    /// Failed, but an approved waiver covers it.
    Waived,
    /// The item is not checked for this service (its stage or checklists leave it out).
    NotApplicable,
}

impl CellState {
    /// Lowercase name, as printed.
    pub fn as_str(self) -> &'static str {
        match self {
            CellState::Pass => "pass",
            CellState::Fail => "fail",
            CellState::Hold => "hold",
            CellState::Waived => "waived",
            CellState::NotApplicable => "n/a",
        }
    }
}

/// One item column.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Column {
    /// Item id.
    pub id: String,
    /// Item title.
    pub title: String,
    /// Checklist the item comes from (`core` for launchgate's own items).
    pub checklist: String,
    /// Services whose cell for this item is `fail`.
    pub failing: usize,
}

/// One cell: the item's state for a service and what its findings said.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Cell {
    /// The state.
    pub state: CellState,
    /// For `fail`: only warnings failed, so the item advises and does not block.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub advisory: bool,
    /// Messages of the findings behind the state (the non-passing ones when there are any).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub messages: Vec<String>,
}

/// One service row.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Row {
    /// `service.name`, or the manifest path when the manifest could not be read.
    pub service: String,
    /// `owners.team`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub team: Option<String>,
    /// `service.tier`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tier: Option<u8>,
    /// `service.stage`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stage: Option<String>,
    /// The manifest's verdict.
    pub verdict: Verdict,
    /// Manifest path as the check displayed it.
    pub path: String,
    /// The JSON report the row was read from; none when checked by this run.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    /// When the row's check ran (the report's `now`, RFC 3339): a JSON report's verdicts are
    /// as of its own run, not this one.
    pub checked_at: String,
    /// One cell per column, in column order.
    pub cells: Vec<Cell>,
    /// Count of cells per state, for the row's summary.
    pub counts: BTreeMap<CellState, usize>,
}

/// An item failing for many services.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Failing {
    /// Item id.
    pub item: String,
    /// Item title.
    pub title: String,
    /// Services failing it.
    pub services: usize,
}

/// A waiver running out within [`HORIZON_DAYS`].
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct ExpiringWaiver {
    /// Days until it expires (0: today is its last day).
    pub days_left: i64,
    /// Last valid day (ISO).
    pub expires: String,
    /// Service.
    pub service: String,
    /// Waived item.
    pub item: String,
    /// Who approved it.
    pub approved_by: String,
    /// Why it was granted.
    pub reason: String,
    /// Manifest path.
    pub path: String,
    /// Within [`SOON_DAYS`].
    pub soon: bool,
}

/// Dated evidence that fails its item's age limit within [`HORIZON_DAYS`].
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct StaleSoon {
    /// Days until the item fails on age (0: from today).
    pub days_left: i64,
    /// First failing day (ISO).
    pub stale_on: String,
    /// Service.
    pub service: String,
    /// The item limiting the age.
    pub item: String,
    /// Item title.
    pub title: String,
    /// Manifest field holding the date.
    pub field: String,
    /// The recorded date.
    pub date: String,
    /// The item's limit in days.
    pub max_age_days: i64,
    /// Manifest path.
    pub path: String,
}

/// Service counts by verdict.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Headline {
    /// Services on the page.
    pub services: usize,
    /// Verdict pass.
    pub ready: usize,
    /// Verdict fail.
    pub not_ready: usize,
    /// Verdict hold.
    pub held: usize,
    /// Waivers expiring within [`SOON_DAYS`].
    pub waivers_soon: usize,
    /// Waivers expiring within [`HORIZON_DAYS`].
    pub waivers_horizon: usize,
    /// Evidence going stale within [`HORIZON_DAYS`].
    pub stale_soon: usize,
}

/// The whole page.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Scorecard {
    /// Scorecard format version (the `--format json` output).
    pub version: u32,
    /// The day the windows count from (ISO, UTC).
    pub today: String,
    /// Evaluation time (RFC 3339).
    pub now: String,
    /// Item columns: checklist items by checklist and id, then launchgate's own items.
    pub columns: Vec<Column>,
    /// Service rows, by team, service and path.
    pub rows: Vec<Row>,
    /// Counts.
    pub headline: Headline,
    /// Items failing most often, most first.
    pub failing: Vec<Failing>,
    /// Waivers expiring within [`HORIZON_DAYS`], soonest first.
    pub waivers: Vec<ExpiringWaiver>,
    /// Evidence going stale within [`HORIZON_DAYS`], soonest first.
    pub stale: Vec<StaleSoon>,
}

/// A report and the JSON file it was read from (none: checked by this run).
pub struct Source<'a> {
    /// The report.
    pub report: &'a Report,
    /// Its file, for reports read from JSON.
    pub from: Option<String>,
}

impl Scorecard {
    /// Aggregates reports into the page model, counting windows from `today`.
    pub fn build(sources: &[Source<'_>], now: &str, today: Date) -> Scorecard {
        let mut titles: BTreeMap<String, (String, String)> = BTreeMap::new();
        for s in sources {
            for (id, info) in &s.report.items {
                titles
                    .entry(id.clone())
                    .or_insert_with(|| (info.title.clone(), info.checklist.clone()));
            }
        }
        // Every item a finding names, with the title its first finding gives (for an item no
        // report lists): one pass, borrowing each manifest's findings.
        let mut used: BTreeMap<std::sync::Arc<str>, String> = BTreeMap::new();
        for s in sources {
            for m in s.report.manifests.iter() {
                for f in &m.findings {
                    used.entry(f.item.clone())
                        .or_insert_with(|| f.title.to_string());
                }
            }
        }
        let mut columns: Vec<Column> = used
            .into_iter()
            .map(|(id, found_title)| {
                let (title, checklist) = titles
                    .get(&*id)
                    .cloned()
                    .unwrap_or((found_title, String::new()));
                Column {
                    id: id.to_string(),
                    title,
                    checklist,
                    failing: 0,
                }
            })
            .collect();
        columns.sort_by(|a, b| {
            let key = |c: &Column| {
                (
                    crate::core::is_core(&c.id),
                    c.checklist.clone(),
                    c.id.clone(),
                )
            };
            key(a).cmp(&key(b))
        });

        let mut rows = Vec::new();
        let mut waivers = BTreeSet::new();
        let mut stale = BTreeSet::new();
        for s in sources {
            for m in s.report.manifests.iter() {
                let m = &*m;
                let mut row = row(m, &columns, s.from.clone());
                row.checked_at = s.report.now.clone();
                collect_waivers(m, &row.service, today, &mut waivers);
                collect_stale(m, &row.service, &titles, today, &mut stale);
                rows.push(row);
            }
        }
        rows.sort_by(|a, b| {
            let key = |r: &Row| {
                (
                    r.team.is_none(),
                    r.team.clone(),
                    r.service.clone(),
                    r.path.clone(),
                    r.from.clone(),
                )
            };
            key(a).cmp(&key(b))
        });
        for (i, col) in columns.iter_mut().enumerate() {
            col.failing = rows
                .iter()
                .filter(|r| r.cells[i].state == CellState::Fail)
                .count();
        }
        let mut failing: Vec<Failing> = columns
            .iter()
            .filter(|c| c.failing > 0)
            .map(|c| Failing {
                item: c.id.clone(),
                title: c.title.clone(),
                services: c.failing,
            })
            .collect();
        failing.sort_by(|a, b| b.services.cmp(&a.services).then(a.item.cmp(&b.item)));
        failing.truncate(TOP_FAILING);
        let waivers: Vec<ExpiringWaiver> = waivers.into_iter().collect();
        let stale: Vec<StaleSoon> = stale.into_iter().collect();
        let count = |v: Verdict| rows.iter().filter(|r| r.verdict == v).count();
        let headline = Headline {
            services: rows.len(),
            ready: count(Verdict::Pass),
            not_ready: count(Verdict::Fail),
            held: count(Verdict::Hold),
            waivers_soon: waivers.iter().filter(|w| w.soon).count(),
            waivers_horizon: waivers.len(),
            stale_soon: stale.len(),
        };
        Scorecard {
            version: 1,
            today: today.to_string(),
            now: now.to_string(),
            columns,
            rows,
            headline,
            failing,
            waivers,
            stale,
        }
    }
}

/// The state of one item from its findings: a blocking failure beats hold, hold beats an
/// advisory failure, that beats waived, waived beats pass; no finding is not applicable.
fn cell(findings: &[&crate::report::Finding]) -> Cell {
    if findings.is_empty() {
        return Cell {
            state: CellState::NotApplicable,
            advisory: false,
            messages: Vec::new(),
        };
    }
    let any = |o: Outcome, sev: Option<Severity>| {
        findings
            .iter()
            .any(|f| f.outcome == o && sev.is_none_or(|s| f.severity == s))
    };
    let (state, advisory) = if any(Outcome::Fail, Some(Severity::Error)) {
        (CellState::Fail, false)
    } else if any(Outcome::Hold, None) {
        (CellState::Hold, false)
    } else if any(Outcome::Fail, None) {
        (CellState::Fail, true)
    } else if any(Outcome::Waived, None) {
        (CellState::Waived, false)
    } else {
        (CellState::Pass, false)
    };
    let shown: Vec<&&crate::report::Finding> = if state == CellState::Pass {
        findings.iter().collect()
    } else {
        findings
            .iter()
            .filter(|f| f.outcome != Outcome::Pass)
            .collect()
    };
    let mut messages: Vec<String> = Vec::new();
    for f in shown {
        let text = match &f.waiver {
            Some(w) if f.outcome == Outcome::Waived => format!(
                "{} (waived by {} until {}: {})",
                f.message, w.approved_by, w.expires, w.reason
            ),
            _ => f.message.to_string(),
        };
        if !messages.contains(&text) {
            messages.push(text);
        }
    }
    Cell {
        state,
        advisory,
        messages,
    }
}

fn row(m: &ManifestReport, columns: &[Column], from: Option<String>) -> Row {
    let mut by_item: BTreeMap<&str, Vec<&crate::report::Finding>> = BTreeMap::new();
    for f in &m.findings {
        by_item.entry(&*f.item).or_default().push(f);
    }
    let cells: Vec<Cell> = columns
        .iter()
        .map(|c| cell(by_item.get(c.id.as_str()).map_or(&[][..], Vec::as_slice)))
        .collect();
    let mut counts = BTreeMap::new();
    for c in &cells {
        *counts.entry(c.state).or_insert(0) += 1;
    }
    Row {
        service: m.service.clone().unwrap_or_else(|| m.path.clone()),
        team: m.team.clone(),
        tier: m.tier,
        stage: m.stage.clone(),
        verdict: m.verdict,
        path: m.path.clone(),
        from,
        checked_at: String::new(),
        cells,
        counts,
    }
}

/// Days from `today` to an ISO date; none when it is not one.
fn days_until(today: Date, date: &str) -> Option<i64> {
    let d: Date = date.trim().parse().ok()?;
    let span = today.until(d).ok()?;
    Some(i64::from(span.get_days()))
}

fn collect_waivers(
    m: &ManifestReport,
    service: &str,
    today: Date,
    out: &mut BTreeSet<ExpiringWaiver>,
) {
    for f in m.findings.iter().filter(|f| f.outcome == Outcome::Waived) {
        let Some(w) = &f.waiver else { continue };
        let Some(days_left) = days_until(today, &w.expires) else {
            continue;
        };
        if (0..=HORIZON_DAYS).contains(&days_left) {
            out.insert(ExpiringWaiver {
                days_left,
                expires: w.expires.clone(),
                service: service.to_string(),
                item: f.item.to_string(),
                approved_by: w.approved_by.clone(),
                reason: w.reason.clone(),
                path: m.path.clone(),
                soon: days_left <= SOON_DAYS,
            });
        }
    }
}

fn collect_stale(
    m: &ManifestReport,
    service: &str,
    titles: &BTreeMap<String, (String, String)>,
    today: Date,
    out: &mut BTreeSet<StaleSoon>,
) {
    for fr in &m.freshness {
        let Some(days_left) = days_until(today, &fr.stale_on) else {
            continue;
        };
        // Already stale is a failing cell in the matrix; this list warns ahead of time.
        if (0..=HORIZON_DAYS).contains(&days_left) {
            out.insert(StaleSoon {
                days_left,
                stale_on: fr.stale_on.clone(),
                service: service.to_string(),
                item: fr.item.clone(),
                title: titles
                    .get(&fr.item)
                    .map(|t| t.0.clone())
                    .unwrap_or_default(),
                field: fr.field.clone(),
                date: fr.date.clone(),
                max_age_days: fr.max_age_days,
                path: m.path.clone(),
            });
        }
    }
}

#[cfg(test)]
mod tests;
