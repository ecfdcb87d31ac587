//! The past of a snapshot gate: snapshot fields rebuilt from history lines.
//!
//! `after: 60m` asks that the earlier phases' gates held for the last 60 minutes. A gate
//! over the status snapshot (`health.failure_streak == 0`) has no past in the snapshot,
//! which is only "now"; tau's cycle reports carry the same facts under other names
//! (`failure_streak`, `backlog_cases`, ...). `rollout.status_from_history` maps each snapshot
//! field to an expression over one history line; tau's mapping is built in. A gate reading
//! a field with no mapping cannot be shown to have held, and holds.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use cel::objects::{Key, Map};
use cel::{Context, Value};

use super::sample::{self, Sample};
use super::window::Data;
use crate::expr::{CompileError, Expr};

/// tau's snapshot fields as its cycle reports show them (tau's `TransportHealthSnapshot` is
/// built from the same cycle summary: `queue_depth` is the cycle's backlog; `rollout_gate`
/// is `pass` exactly when health is `healthy`, per the dashboard runbook).
pub const TAU: &[(&str, &str)] = &[
    ("health_state", "health_state"),
    ("health_reason", "health_reason"),
    (
        "rollout_gate",
        "health_state == \"healthy\" ? \"pass\" : \"hold\"",
    ),
    ("last_reason_codes", "reason_codes"),
    ("health.updated_unix_ms", "timestamp_unix_ms"),
    ("health.queue_depth", "backlog_cases"),
    ("health.failure_streak", "failure_streak"),
    ("health.last_cycle_discovered", "discovered_cases"),
    ("health.last_cycle_failed", "failed_cases"),
    ("health.last_cycle_duplicates", "duplicate_skips"),
    (
        "health.last_cycle_completed",
        "applied_cases + malformed_cases",
    ),
    (
        "health.last_cycle_processed",
        "applied_cases + malformed_cases + failed_cases + duplicate_skips",
    ),
];

/// One mapping entry compiled, or why it is refused: it does not compile, or it reads no
/// field of a cycle report.
fn compiled(path: &str, source: &str) -> Result<Expr, (String, String)> {
    let expr = Expr::compile(source)
        .map_err(|e: CompileError| (path.to_string(), format!("does not compile: {e}")))?;
    if !crate::expr::reads::reads_free_variable(&expr.expression) {
        return Err((
            path.to_string(),
            format!(
                "is `{source}`, which reads no field of a cycle report: under `after`, every past cycle would show the same value whatever happened, so the gates reading it held by construction; map it to the report's field (tau's `upserted_widgets`, ...)"
            ),
        ));
    }
    Ok(expr)
}

struct Entry {
    /// Snapshot path split at its first dot: (`health`, Some(`queue_depth`)).
    head: String,
    rest: Option<String>,
    /// A plain history field, read without evaluating CEL.
    field: Option<String>,
    expr: Expr,
}

/// Which mapping entries one gate needs.
#[derive(Debug, Default, Clone)]
pub struct Plan {
    entries: Vec<usize>,
    /// History fields the entries read.
    pub fields: Vec<String>,
    /// Snapshot variables with no mapping.
    pub unmapped: Vec<String>,
}

/// The compiled mapping.
pub struct View {
    entries: Vec<Entry>,
}

impl View {
    /// tau's mapping, overridden and extended by the manifest's; an entry that does not
    /// compile, or that reads no field of a cycle report (`widget_count: "6"`, written to
    /// quiet a hold: every past cycle would show 6 whatever happened), is refused with the
    /// snapshot field it maps and why.
    pub fn new(custom: Option<&BTreeMap<String, String>>) -> Result<View, (String, String)> {
        let mut merged: BTreeMap<String, String> = TAU
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        if let Some(c) = custom {
            merged.extend(c.iter().map(|(k, v)| (k.clone(), v.clone())));
        }
        let mut entries = Vec::new();
        for (path, source) in merged {
            let expr = compiled(&path, &source)?;
            let (head, rest) = match path.split_once('.') {
                Some((h, r)) => (h.to_string(), Some(r.to_string())),
                None => (path.clone(), None),
            };
            let trimmed = source.trim();
            let field = (!trimmed.is_empty()
                && trimmed
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_')
                && !trimmed.starts_with(|c: char| c.is_ascii_digit()))
            .then(|| trimmed.to_string());
            entries.push(Entry {
                head,
                rest,
                field,
                expr,
            });
        }
        Ok(View { entries })
    }

    /// The first entry of the manifest's own mapping that [`View::new`] would refuse, with
    /// why; tau's entries are known good, and not compiled again for every manifest checked.
    pub fn refused(custom: &BTreeMap<String, String>) -> Option<(String, String)> {
        custom
            .iter()
            .find_map(|(path, source)| compiled(path, source).err())
    }

    /// What rebuilding the snapshot fields that `source` reads takes: the mapping entries
    /// of the dotted paths it reads (all of a variable's entries when it reads the whole
    /// variable), the history fields those read, and variables with no mapping at all.
    pub fn plan(&self, source: &str, vars: &[&str]) -> Plan {
        let paths = super::phase::identifier_paths(source);
        let mut plan = Plan::default();
        for v in vars {
            let whole = paths.iter().any(|p| p == v);
            let mut found = false;
            for (i, e) in self.entries.iter().enumerate() {
                if e.head != *v {
                    continue;
                }
                found = true;
                let full = match &e.rest {
                    Some(r) => format!("{}.{r}", e.head),
                    None => e.head.clone(),
                };
                let used = whole
                    || e.rest.is_none()
                    || paths
                        .iter()
                        .any(|p| *p == full || p.starts_with(&format!("{full}.")));
                if used {
                    plan.entries.push(i);
                    plan.fields.extend(
                        e.expr
                            .references()
                            .variables()
                            .into_iter()
                            .map(str::to_string),
                    );
                }
            }
            if !found {
                plan.unmapped.push(v.to_string());
            }
        }
        plan.fields.sort();
        plan.fields.dedup();
        plan
    }

    /// Binds the snapshot variables of `plan` as sample `s` shows them. A mapping that
    /// cannot be evaluated on this line leaves its field out, so a gate reading it holds.
    pub fn bind(&self, ctx: &mut Context, data: &Data, s: &Sample, plan: &Plan) {
        let mut nested: HashMap<&str, HashMap<Key, Value>> = HashMap::new();
        for e in plan.entries.iter().filter_map(|i| self.entries.get(*i)) {
            let Some(value) = self.value(e, data, s) else {
                continue;
            };
            match &e.rest {
                None => ctx.add_variable_from_value(e.head.clone(), value),
                Some(rest) => {
                    nested
                        .entry(e.head.as_str())
                        .or_default()
                        .insert(Key::String(Arc::new(rest.clone())), value);
                }
            }
        }
        for (head, map) in nested {
            ctx.add_variable_from_value(head.to_string(), Value::Map(Map { map: Arc::new(map) }));
        }
    }

    /// What the plan reads of sample `s`: equal keys rebuild equal snapshot fields.
    pub fn key(data: &Data, s: &Sample, plan: &Plan) -> String {
        let mut k = String::new();
        for f in &plan.fields {
            match data.columns.get(f) {
                Some(c) => k.push_str(&format!("{:?};", s.cells[c])),
                None if f == "reason_codes" => k.push_str(&format!("{:?};", s.codes)),
                None => k.push_str("-;"),
            }
        }
        k
    }

    fn value(&self, e: &Entry, data: &Data, s: &Sample) -> Option<Value> {
        if let Some(f) = &e.field {
            if f == "reason_codes" {
                // Kept interned beside the columns.
                return codes(data, s);
            }
            let col = data.columns.get(f)?;
            return sample::to_cel(&s.cells[col], &data.strings);
        }
        let refs = e.expr.references();
        let vars = refs.variables();
        let mut inner = Context::with_env(crate::expr::env());
        data.bind_sample(&mut inner, s, &vars);
        e.expr.eval(&inner).ok()
    }
}

fn codes(data: &Data, s: &Sample) -> Option<Value> {
    let codes = s.codes.as_ref()?;
    Some(Value::List(Arc::new(
        codes
            .iter()
            .map(|c| Value::String(data.strings.resolve(*c)))
            .collect(),
    )))
}

#[cfg(test)]
mod tests {
    use super::super::sample::{Columns, Strings};
    use super::*;

    #[test]
    fn rebuilds_tau_snapshot_fields_from_a_cycle_report() {
        let view = View::new(None).unwrap();
        let vars = ["rollout_gate", "health_state", "health"];
        let src = "rollout_gate == 'hold' && health_state == 'degraded' && health.queue_depth == 3 && health.failure_streak == 1 && health.last_cycle_completed == 2";
        let plan = view.plan(src, &vars);
        assert!(plan.fields.contains(&"backlog_cases".to_string()));
        // Only what the gate reads: not the timestamp behind `health.updated_unix_ms`.
        assert!(!plan.fields.contains(&"timestamp_unix_ms".to_string()));
        let columns = Columns::new(plan.fields.iter().map(String::as_str));
        let mut strings = Strings::default();
        let line: serde_json::Map<String, serde_json::Value> = serde_json::from_str(
            r#"{"timestamp_unix_ms":1,"health_state":"degraded","failure_streak":1,"backlog_cases":3,"failed_cases":1,"applied_cases":2,"malformed_cases":0,"duplicate_skips":0,"discovered_cases":3}"#,
        )
        .unwrap();
        let s = Sample::from_json(1, 7, &line, &columns, &mut strings);
        let data = Data {
            samples: vec![],
            columns,
            strings,
        };
        let mut ctx = Context::with_env(crate::expr::env());
        view.bind(&mut ctx, &data, &s, &plan);
        let e = Expr::compile(src).unwrap();
        assert_eq!(e.eval_bool(&ctx), Ok(true));
        let p = view.plan(
            "rollout_gate == 'pass' && widget_count > 0",
            &["rollout_gate", "widget_count"],
        );
        assert_eq!(p.unmapped, ["widget_count"]);
    }

    #[test]
    fn manifest_mapping_overrides_tau() {
        let mut m = BTreeMap::new();
        m.insert("rollout_gate".to_string(), "gate".to_string());
        let view = View::new(Some(&m)).unwrap();
        assert_eq!(
            view.plan("rollout_gate == 'pass'", &["rollout_gate"])
                .fields,
            ["gate"]
        );
        m.insert("x".to_string(), "(".to_string());
        assert!(View::new(Some(&m)).is_err());
        // A constant, written to quiet a hold, shows every past cycle alike.
        let mut m = BTreeMap::new();
        m.insert("health.failure_streak".to_string(), "0".to_string());
        let (field, why) = View::new(Some(&m)).err().unwrap();
        assert_eq!(field, "health.failure_streak");
        assert!(why.contains("reads no field of a cycle report"), "{why}");
    }
}
