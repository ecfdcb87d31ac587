//! The runbooks that name nothing of their service (see [`markdown::about`]): found as the
//! runbooks are read, and settled once the dashboards' titles and the metrics the alerts
//! read are known (both parsed after the runbooks).

use std::collections::BTreeMap;

use super::{Claims, alerts, dashboards, markdown};
use markdown::about::{Folded, Unnamed};

/// The runbooks that name nothing of their service.
#[derive(Debug, Clone, Default)]
pub struct Naming {
    /// By place: `monitoring` (none of the signals, dashboards, alerts or gated fields),
    /// `rollback` and `support` (nothing of the service, its people or its channels),
    /// `restore` (nothing of that, nor of what `backup.scope` says is backed up),
    /// `rehearsal` (the notes: none of that, nor a runbook or an alert).
    pub places: BTreeMap<&'static str, Unnamed>,
    /// The runbooks of required alerts, by path as written, that name none of the alerts
    /// (by name or in words), the metrics they read, or anything of the service; a runbook
    /// that is also one of `runbooks` is judged as that place's.
    pub alerts: BTreeMap<String, Unnamed>,
    /// The monitoring runbook's text while it waits for the dashboards' titles.
    monitoring: Option<Folded>,
    /// The alert runbooks' texts (by path as written) while they wait for the metrics.
    alert_texts: Vec<(String, Folded)>,
}

/// What a runbook read is to the manifest.
#[derive(Debug, Clone, Copy, Default)]
pub struct Roles {
    /// `runbooks.monitoring`.
    pub monitoring: bool,
    /// `runbooks.support`.
    pub support: bool,
    /// `runbooks.rollback`.
    pub rollback: bool,
    /// `runbooks.restore`.
    pub restore: bool,
    /// `rehearsal.notes`.
    pub rehearsal: bool,
    /// The runbook of a required alert and of no `runbooks` place.
    pub alert_only: bool,
}

impl Naming {
    /// Reads `text`, the runbook at `path` (as written), in its `roles`.
    pub fn read(&mut self, path: &str, text: &str, roles: Roles, claims: &Claims<'_>) {
        if !(roles.monitoring
            || roles.support
            || roles.rollback
            || roles.restore
            || roles.rehearsal
            || roles.alert_only)
        {
            return;
        }
        let text = Folded::new(text);
        if roles.support && !text.names_any(&claims.supported()) {
            self.places.insert("support", claims.could_support());
        }
        if roles.rollback && !text.names_any(&claims.rolled_back()) {
            self.places.insert("rollback", claims.could_roll_back());
        }
        if roles.restore && !text.names_any(&claims.restored()) {
            self.places.insert("restore", claims.could_restore());
        }
        if roles.rehearsal && !claims.rehearsed(&text) {
            self.places.insert("rehearsal", claims.could_rehearse());
        }
        // The text is kept for one of these at most: a runbook of a place is never
        // `alert_only`.
        if roles.alert_only && !claims.speaks_of_alerts(&text) {
            self.alert_texts.push((path.to_string(), text));
        } else if roles.monitoring {
            let monitored = claims.monitored();
            if !monitored.is_empty() && !text.names_any(&monitored) {
                self.monitoring = Some(text);
            }
        }
    }

    /// Settles the monitoring runbook with the dashboards' titles: it may name its dashboard
    /// by title alone ("the Template pipeline dashboard").
    pub fn titles(
        &mut self,
        dashboards: &BTreeMap<String, dashboards::Dashboard>,
        claims: &Claims<'_>,
    ) {
        if let Some(text) = self.monitoring.take() {
            let titles: Vec<&str> = dashboards.values().map(|d| d.title.as_str()).collect();
            if !text.names_any(&titles) {
                self.places.insert("monitoring", claims.could_monitor());
            }
        }
    }

    /// Settles the alert runbooks with the metrics the alerts read: a runbook may name only
    /// what its alert reads.
    pub fn metrics(&mut self, alerts: &alerts::AlertFacts, claims: &Claims<'_>) {
        let read: Vec<&str> = (alerts.rules.values())
            .flat_map(|rule| &rule.metrics)
            .map(String::as_str)
            .collect();
        for (path, text) in std::mem::take(&mut self.alert_texts) {
            if !text.names_any(&read) {
                self.alerts.insert(path, claims.could_alert());
            }
        }
    }
}
