//! Unit tests of the scorecard aggregation.
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
        sources: Vec::new(),
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
    waived.waiver = Some(Box::new(waiver("2026-12-09")));
    let mut later = f("X-2", Outcome::Waived, Severity::Error);
    later.waiver = Some(Box::new(waiver("2026-12-10")));
    let mut far = f("X-3", Outcome::Waived, Severity::Error);
    far.waiver = Some(Box::new(waiver("2026-12-26")));
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
