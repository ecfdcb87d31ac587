//! The scorecard as Markdown, for a pull-request comment or a step summary: the headline
//! numbers, then per service what fails, holds or is waived (a full item matrix does not fit
//! a comment; the HTML page has it).

use std::fmt::Write;

use crate::render::markdown::cell;
use crate::report::Verdict;
use crate::scorecard::{CellState, HORIZON_DAYS, SOON_DAYS, Scorecard};

fn verdict_words(v: Verdict) -> &'static str {
    match v {
        Verdict::Pass => "✅ ready",
        Verdict::Fail => "❌ not ready",
        Verdict::Hold => "⏸️ held",
    }
}

/// Renders the Markdown scorecard.
pub fn render(card: &Scorecard) -> String {
    let h = &card.headline;
    let mut out = String::new();
    let _ = writeln!(out, "## Readiness across services\n");
    let _ = writeln!(
        out,
        "{} services evaluated at {}: **{} ready**, **{} not ready**, **{} held**. Waivers expiring within {SOON_DAYS} days: **{}**, within {HORIZON_DAYS} days: **{}**. Evidence going stale within {HORIZON_DAYS} days: **{}**.",
        h.services,
        cell(&card.now),
        h.ready,
        h.not_ready,
        h.held,
        h.waivers_soon,
        h.waivers_horizon,
        h.stale_soon
    );
    if !card.failing.is_empty() {
        out.push_str("\n### Items failing most often\n\n| item | title | services failing |\n| --- | --- | ---: |\n");
        for f in &card.failing {
            let _ = writeln!(
                out,
                "| {} | {} | {} |",
                cell(&f.item),
                cell(&f.title),
                f.services
            );
        }
    }
    if !card.waivers.is_empty() {
        let _ = writeln!(
            out,
            "\n### Waivers expiring within {HORIZON_DAYS} days\n\n| expires in | service | item | approved by | last valid day | reason |\n| ---: | --- | --- | --- | --- | --- |"
        );
        for w in &card.waivers {
            let _ = writeln!(
                out,
                "| {}{} days | {} | {} | {} | {} | {} |",
                if w.soon { "⚠️ " } else { "" },
                w.days_left,
                cell(&w.service),
                cell(&w.item),
                cell(&w.approved_by),
                cell(&w.expires),
                cell(&w.reason)
            );
        }
    }
    if !card.stale.is_empty() {
        let _ = writeln!(
            out,
            "\n### Evidence going stale within {HORIZON_DAYS} days\n\n| stale in | service | item | evidence | dated | limit | fails from |\n| ---: | --- | --- | --- | --- | ---: | --- |"
        );
        for s in &card.stale {
            let _ = writeln!(
                out,
                "| {} days | {} | {} | {} | {} | {} days | {} |",
                s.days_left,
                cell(&s.service),
                cell(&s.item),
                cell(&s.field),
                cell(&s.date),
                s.max_age_days,
                cell(&s.stale_on)
            );
        }
    }
    out.push_str("\n### Services\n\n| service | team | tier | stage | verdict | failing | held | waived | manifest |\n| --- | --- | ---: | --- | --- | --- | --- | --- | --- |\n");
    for r in &card.rows {
        let items = |state: CellState| -> String {
            let ids: Vec<String> = r
                .cells
                .iter()
                .zip(&card.columns)
                .filter(|(c, _)| c.state == state)
                .map(|(_, col)| cell(&col.id))
                .collect();
            ids.join(", ")
        };
        let mut path = cell(&r.path);
        if let Some(from) = &r.from {
            let _ = write!(
                path,
                " (from {}, checked at {})",
                cell(from),
                cell(&r.checked_at)
            );
        }
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            cell(&r.service),
            cell(r.team.as_deref().unwrap_or("")),
            r.tier.map(|t| t.to_string()).unwrap_or_default(),
            cell(r.stage.as_deref().unwrap_or("")),
            verdict_words(r.verdict),
            items(CellState::Fail),
            items(CellState::Hold),
            items(CellState::Waived),
            path
        );
    }
    out.push_str("\nThe HTML page (`launchgate report --format html=FILE`) has every item for every service; `launchgate explain ITEM` says why an item matters and how to fix it.\n");
    out
}
