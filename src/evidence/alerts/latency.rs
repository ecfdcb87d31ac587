//! How late an alerting rule pages after its condition starts, from its `for`, its group's
//! `interval` and `query_offset`, and the `offset` its `expr` reads at.

use serde::Serialize;

use super::{Spot, string};
use crate::yaml::Node;

/// How late an alerting rule can fire after its condition starts: Prometheus evaluates a
/// group every `interval` on data `query_offset` old, and a rule with `for` fires at the
/// first evaluation at least `for` after the one that first saw its condition. So a condition
/// that starts just after an evaluation pages up to `query_offset + interval +
/// ceil(for / interval) * interval` later. Without a group `interval` the global one applies,
/// which the rule file does not know: then `query_offset + for`, a lower bound.
#[derive(Debug, Clone, Serialize)]
pub struct AlertLatency {
    /// Where: the group's `interval` when written, else the rule's `for`, else the group's
    /// `query_offset`.
    #[serde(flatten)]
    pub at: Spot,
    /// In seconds, rounded up.
    pub seconds: i64,
    /// How the alert pages, in words a finding can quote (`only once its condition has held
    /// `for: 30m``).
    pub why: String,
}

/// A duration a rule file writes (`for`, a group's `interval`): where, as written, and in
/// milliseconds.
pub(super) struct Written<'a> {
    pub(super) node: &'a Node,
    pub(super) text: String,
    pub(super) ms: u64,
}

/// The duration `parent` writes at `key`, when it is one.
pub(super) fn duration_at<'a>(parent: &'a Node, key: &str) -> Option<Written<'a>> {
    let node = parent.get(key)?;
    let text = string(Some(node))?;
    let ms = crate::evidence::rulefmt::milliseconds(&text)?;
    Some(Written { node, text, ms })
}

/// The durations of a rule group a rule's latency depends on (zero is none: Prometheus takes
/// the global interval for it).
pub(super) struct GroupTiming<'a> {
    interval: Option<Written<'a>>,
    offset: Option<Written<'a>>,
}

impl<'a> GroupTiming<'a> {
    pub(super) fn of(group: &'a Node) -> GroupTiming<'a> {
        let read = |key: &str| duration_at(group, key).filter(|w| w.ms > 0);
        GroupTiming {
            interval: read("interval"),
            offset: read("query_offset"),
        }
    }
}

/// The `offset` an `expr` reads its data at, written as the rule's latency shows it.
pub(super) fn lagging(expr: &Node, ms: u64) -> Written<'_> {
    let secs = i64::try_from(ms.div_ceil(1000)).unwrap_or(i64::MAX);
    Written {
        node: expr,
        text: format!("`offset {}`", crate::duration::format_seconds(secs)),
        ms,
    }
}

/// The latency of a rule whose `for` is `pending` in a group timed by `timing`, its `expr`
/// reading data `lag` old (its selectors' largest `offset`: see
/// [`crate::prometheus::syntax::Reads::lag_ms`]), which delays it as `query_offset` does.
pub(super) fn latency(
    shown: &str,
    pending: Option<&Written<'_>>,
    timing: &GroupTiming<'_>,
    lag: Option<&Written<'_>>,
) -> Option<AlertLatency> {
    let held = pending.map_or(0, |w| w.ms);
    let offset = timing
        .offset
        .as_ref()
        .map_or(0, |w| w.ms)
        .checked_add(lag.map_or(0, |w| w.ms))?;
    let (ms, at, why) = match (&timing.interval, pending) {
        (Some(every), _) => {
            let evaluated = held.div_ceil(every.ms).checked_mul(every.ms)?;
            let ms = offset.checked_add(every.ms)?.checked_add(evaluated)?;
            let held = pending.map_or(String::new(), |w| format!(", with `for: {}`", w.text));
            let why = format!(
                "as late as {} after its condition starts (its group's `interval: {}` between evaluations{held})",
                crate::duration::format_seconds(i64::try_from(ms.div_ceil(1000)).ok()?),
                every.text,
            );
            (ms, every.node, why)
        }
        (None, Some(w)) => (
            offset.checked_add(held)?,
            w.node,
            format!("only once its condition has held `for: {}`", w.text),
        ),
        (None, None) => match (&timing.offset, lag) {
            (Some(w), _) => (
                offset,
                w.node,
                format!("on data `query_offset: {}` old", w.text),
            ),
            (None, Some(l)) => (offset, l.node, format!("on data {} old", l.text)),
            (None, None) => return None,
        },
    };
    let why = match &timing.offset {
        Some(w) if timing.interval.is_some() || pending.is_some() => {
            format!("{why}, on data `query_offset: {}` old", w.text)
        }
        _ => why,
    };
    let why = match lag {
        Some(l) if timing.interval.is_some() || pending.is_some() || timing.offset.is_some() => {
            format!("{why}, its `expr` reading data {} old", l.text)
        }
        _ => why,
    };
    Some(AlertLatency {
        at: Spot::of(shown, at.span, at.span.len()),
        seconds: i64::try_from(ms.div_ceil(1000)).ok()?,
        why,
    })
}

#[cfg(test)]
mod tests {
    use crate::source::SourceFile;

    /// The latency in seconds of the first rule of a rule file's first group, and its why.
    fn of(text: &str) -> Option<(i64, String)> {
        let src = SourceFile::new(
            std::path::Path::new("rules.yaml"),
            "rules.yaml".into(),
            text.into(),
        );
        let doc = crate::yaml::parse(&src, &crate::yaml::Limits::default()).unwrap();
        let group = first(doc.get("groups")?)?;
        let rule = first(group.get("rules")?)?;
        let held = super::duration_at(rule, "for");
        let expr = rule.get("expr")?;
        let parsed = crate::prometheus::syntax::parse(&super::string(Some(expr))?).ok()?;
        let ms = crate::prometheus::syntax::reads(&parsed).lag_ms;
        let lag = (ms > 0).then(|| super::lagging(expr, ms));
        let timing = super::GroupTiming::of(group);
        let l = super::latency("rules.yaml", held.as_ref(), &timing, lag.as_ref())?;
        Some((l.seconds, l.why))
    }

    fn first(n: &crate::yaml::Node) -> Option<&crate::yaml::Node> {
        match &n.kind {
            crate::yaml::Kind::Seq(items) => items.first(),
            _ => None,
        }
    }

    fn rule(group: &str, rule: &str) -> String {
        format!(
            "groups:\n  - name: g\n{group}    rules:\n      - alert: A\n        expr: up == 0\n{rule}"
        )
    }

    #[test]
    fn an_offset_in_the_expression_delays_the_alert_as_query_offset_does() {
        let with = |group: &str, expr: &str, r: &str| {
            of(&format!(
                "groups:\n  - name: g\n{group}    rules:\n      - alert: A\n        expr: {expr}\n{r}"
            ))
        };
        let late = "sum(rate(x[10m] offset 1h)) > 0.05";
        let (s, why) = with("", late, "").unwrap();
        assert_eq!(s, 3600);
        assert!(why.contains("on data `offset 1h` old"), "{why}");
        let (s, why) = with("    interval: 1m\n", late, "        for: 10m\n").unwrap();
        assert_eq!(s / 60, 71);
        assert!(why.contains("its `expr` reading data"), "{why}");
        assert_eq!(with("    query_offset: 5m\n", late, "").unwrap().0 / 60, 65);
        // No offset, nothing written: nothing known.
        assert_eq!(with("", "sum(rate(x[10m])) > 0.05", ""), None);
    }

    #[test]
    fn an_alert_pages_no_sooner_than_its_group_evaluates_it() {
        const I1H: &str = "    interval: 1h\n";
        const FOR10: &str = "        for: 10m\n";
        // (group keys, rule keys, latency in minutes)
        let cases = [
            // `for` alone: the global interval is not in the file, so `for` is what is known.
            ("", "        for: 30m\n", Some(30)),
            ("", "", None),
            // Seen up to an interval late, then fired at the first evaluation `for` after that.
            (I1H, "        for: 5m\n", Some(120)),
            (I1H, "", Some(60)),
            ("    interval: 5m\n", FOR10, Some(15)),
            ("    interval: 4m\n", FOR10, Some(16)),
            // Evaluated on data `query_offset` old.
            ("    interval: 1m\n    query_offset: 5m\n", FOR10, Some(16)),
            ("    query_offset: 5m\n", "", Some(5)),
            ("    query_offset: 5m\n", FOR10, Some(15)),
            // An interval of zero is the global one, as Prometheus reads it.
            ("    interval: 0s\n", FOR10, Some(10)),
        ];
        for (group, r, minutes) in cases {
            let got = of(&rule(group, r)).map(|(s, _)| s / 60);
            assert_eq!(got, minutes, "{group}{r}");
        }
        let (_, why) = of(&rule(I1H, "        for: 5m\n")).unwrap();
        assert!(
            why.contains("as late as 2h") && why.contains("`interval: 1h`"),
            "{why}"
        );
    }
}
