//! Gates as written in the manifest, compiled once per run.

use super::rewrite::{self, Prepared};
use crate::duration::parse_seconds;
use crate::expr::Expr;
use crate::manifest::{Gate, Phase};
use crate::yaml::Route;

/// What a gate is evaluated over.
pub enum Kind {
    /// The status snapshot (and, for `after`, its fields rebuilt from history lines).
    Snapshot(Expr),
    /// The history samples in a window of this many milliseconds.
    Windowed(Prepared, i64),
    /// A gate that cannot be evaluated, and why.
    Broken(String),
}

/// One compiled gate.
pub struct Compiled {
    /// Index of its phase.
    pub phase: usize,
    /// Finding id: `PHASE/NAME` or `PHASE/gate-N`.
    pub id: String,
    /// Its name, or its expression.
    pub title: String,
    /// The expression as written.
    pub source: String,
    /// Where it is in the manifest.
    pub route: Route,
    /// How it evaluates.
    pub kind: Kind,
}

impl Compiled {
    /// The gate's window in milliseconds, if it is windowed.
    pub fn window(&self) -> Option<i64> {
        match self.kind {
            Kind::Windowed(_, w) => Some(w),
            _ => None,
        }
    }

    /// Whether it reads the status snapshot.
    pub fn is_snapshot(&self) -> bool {
        matches!(self.kind, Kind::Snapshot(_))
    }

    /// `phase gate \`expr\``, as messages name it.
    pub fn named(&self, phase: &str) -> String {
        if self.title == self.source {
            format!("{phase} gate `{}`", self.source)
        } else {
            format!("{phase} gate `{}` (`{}`)", self.title, self.source)
        }
    }
}

/// Compiles every gate of every phase.
pub fn all(phases: &[Phase]) -> Vec<Vec<Compiled>> {
    phases
        .iter()
        .enumerate()
        .map(|(i, p)| {
            p.gates
                .iter()
                .enumerate()
                .map(|(n, g)| one(p, i, n, g))
                .collect()
        })
        .collect()
}

fn one(phase: &Phase, index: usize, gate_no: usize, gate: &Gate) -> Compiled {
    let (name, expr, window) = match gate {
        Gate::Expr(e) => (None, e.clone(), None),
        Gate::Full {
            name, expr, window, ..
        } => (name.clone(), expr.clone(), window.clone()),
    };
    let mut route = Route::root()
        .key("rollout")
        .key("phases")
        .index(index)
        .key("gates")
        .index(gate_no);
    if matches!(gate, Gate::Full { .. }) {
        route = route.key("expr");
    }
    let id = format!(
        "{}/{}",
        phase.name,
        name.clone()
            .unwrap_or_else(|| format!("gate-{}", gate_no + 1))
    );
    let title = name.unwrap_or_else(|| expr.clone());
    let kind = match window.as_deref().map(parse_seconds) {
        Some(Some(secs)) if secs > 0 => match rewrite::prepare(&expr) {
            Ok(p) => Kind::Windowed(p, secs * 1000),
            Err(e) => Kind::Broken(e.to_string()),
        },
        Some(_) => Kind::Broken(format!(
            "window `{}` is not a positive duration",
            window.unwrap_or_default()
        )),
        None if rewrite::uses_window_functions(&expr) => Kind::Broken(format!(
            "`{expr}` uses history functions but has no `window:`; add one (e.g. `window: 30m`)"
        )),
        None => match Expr::compile(&expr) {
            Ok(e) => Kind::Snapshot(e),
            Err(e) => Kind::Broken(e.to_string()),
        },
    };
    Compiled {
        phase: index,
        id,
        title,
        source: expr,
        route,
        kind,
    }
}
