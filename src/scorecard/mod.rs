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
        let used: BTreeSet<&str> = sources
            .iter()
            .flat_map(|s| s.report.findings().map(|(_, f)| f.item.as_str()))
            .collect();
        let mut columns: Vec<Column> = used
            .into_iter()
            .map(|id| {
                let (title, checklist) = titles.get(id).cloned().unwrap_or_else(|| {
                    let title = sources
                        .iter()
                        .flat_map(|s| s.report.findings())
                        .find(|(_, f)| f.item == id)
                        .map(|(_, f)| f.title.clone())
                        .unwrap_or_default();
                    (title, String::new())
                });
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
            for m in &s.report.manifests {
                let row = row(m, &columns, s.from.clone());
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
            _ => f.message.clone(),
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
        by_item.entry(f.item.as_str()).or_default().push(f);
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
                item: f.item.clone(),
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
mod tests {
    use super::*;
    use crate::report::{Finding, Freshness, WaiverInfo};

    fn f(item: &str, outcome: Outcome, severity: Severity) -> Finding {
        Finding::new(
            item,
            item,
            severity,
            outcome,
            format!("{item} {}", outcome.as_str()),
        )
    }

    fn manifest(name: &str, team: &str, findings: Vec<Finding>) -> ManifestReport {
        ManifestReport {
            path: format!("{name}/readiness.yaml"),
            service: Some(name.into()),
            stage: Some("prod".into()),
            tier: Some(1),
            team: Some(team.into()),
            freshness: Vec::new(),
            verdict: Verdict::Pass,
            checklists: Vec::new(),
            not_applied: Vec::new(),
            findings,
        }
    }

    fn report(manifests: Vec<ManifestReport>) -> Report {
        Report::new(
            "check",
            "2026-11-25T12:00:00Z".into(),
            manifests,
            BTreeMap::new(),
            BTreeMap::new(),
        )
    }

    fn today() -> Date {
        "2026-11-25".parse().unwrap()
    }

    #[test]
    fn cells_take_the_worst_outcome_and_missing_items_are_not_applicable() {
        let r = report(vec![
            manifest(
                "a",
                "t1",
                vec![
                    f("X-1", Outcome::Pass, Severity::Error),
                    f("X-1", Outcome::Fail, Severity::Error),
                    f("X-2", Outcome::Hold, Severity::Error),
                    f("X-2", Outcome::Fail, Severity::Warning),
                    f("LG-PATH", Outcome::Pass, Severity::Error),
                ],
            ),
            manifest(
                "b",
                "t0",
                vec![
                    f("X-1", Outcome::Fail, Severity::Warning),
                    f("X-3", Outcome::Waived, Severity::Error),
                ],
            ),
        ]);
        let card = Scorecard::build(
            &[Source {
                report: &r,
                from: None,
            }],
            &r.now,
            today(),
        );
        let ids: Vec<&str> = card.columns.iter().map(|c| c.id.as_str()).collect();
        assert_eq!(ids, ["X-1", "X-2", "X-3", "LG-PATH"], "core items last");
        let names: Vec<&str> = card.rows.iter().map(|r| r.service.as_str()).collect();
        assert_eq!(names, ["b", "a"], "rows by team");
        let states = |i: usize| -> Vec<(CellState, bool)> {
            card.rows[i]
                .cells
                .iter()
                .map(|c| (c.state, c.advisory))
                .collect()
        };
        assert_eq!(
            states(1),
            [
                (CellState::Fail, false),
                (CellState::Hold, false),
                (CellState::NotApplicable, false),
                (CellState::Pass, false)
            ]
        );
        assert_eq!(
            states(0),
            [
                (CellState::Fail, true),
                (CellState::NotApplicable, false),
                (CellState::Waived, false),
                (CellState::NotApplicable, false)
            ]
        );
        assert_eq!(
            card.rows[1].cells[0].messages,
            ["X-1 fail"],
            "passes hidden"
        );
        assert_eq!(card.headline.not_ready, 1);
        assert_eq!(card.headline.ready, 1, "an advisory failure does not block");
        assert_eq!(card.columns[0].failing, 2);
        assert_eq!(card.failing[0].item, "X-1");
        assert_eq!(card.failing[0].services, 2);
    }

    #[test]
    fn waivers_and_staleness_within_the_horizon_only() {
        let mut waived = f("X-1", Outcome::Waived, Severity::Error);
        let waiver = |expires: &str| WaiverInfo {
            reason: "r".into(),
            approved_by: "@lead".into(),
            expires: expires.into(),
            location: None,
        };
        waived.waiver = Some(waiver("2026-12-09"));
        let mut later = f("X-2", Outcome::Waived, Severity::Error);
        later.waiver = Some(waiver("2026-12-10"));
        let mut far = f("X-3", Outcome::Waived, Severity::Error);
        far.waiver = Some(waiver("2026-12-26"));
        let mut m = manifest("a", "t", vec![waived, later, far]);
        let fresh = |field: &str, stale_on: &str| Freshness {
            item: "X-1".into(),
            field: field.into(),
            date: "2026-09-01".into(),
            max_age_days: 90,
            stale_on: stale_on.into(),
        };
        m.freshness = vec![
            fresh("a.past", "2026-11-24"),
            fresh("a.today", "2026-11-25"),
            fresh("a.edge", "2026-12-25"),
            fresh("a.far", "2026-12-26"),
        ];
        let r = report(vec![m]);
        let card = Scorecard::build(
            &[Source {
                report: &r,
                from: Some("r.json".into()),
            }],
            &r.now,
            today(),
        );
        let w: Vec<(i64, bool)> = card.waivers.iter().map(|w| (w.days_left, w.soon)).collect();
        assert_eq!(w, [(14, true), (15, false)]);
        assert_eq!(card.headline.waivers_soon, 1);
        assert_eq!(card.headline.waivers_horizon, 2);
        let s: Vec<(&str, i64)> = card
            .stale
            .iter()
            .map(|s| (s.field.as_str(), s.days_left))
            .collect();
        assert_eq!(s, [("a.today", 0), ("a.edge", 30)]);
        assert_eq!(card.rows[0].from.as_deref(), Some("r.json"));
    }
}
