//! The time since a timestamp (`time() - max(job_last_success_timestamp_seconds) > 1800`),
//! the usual alert on a job that stopped, held to what its text says of it. "No publication
//! job finished for 30 minutes" over `< 1800` pages while the job runs and is silent once it
//! stops; over `> 18000` it pages five hours late; over `> 30` (minutes, as the text counts)
//! it pages thirty seconds after every run. promtool loads each without a word.

use promql_parser::parser::Expr;

use super::unparen;

/// How far an alert's text may put the age it names from the one compared before it is
/// another level (a grace period: "older than a day" over 25 hours).
const GRACE: f64 = 0.1;

/// The value of `e` when numbers alone write it (`60 * 60 * 24`, `-1`).
pub(super) fn constant(e: &Expr) -> Option<f64> {
    match unparen(e) {
        Expr::NumberLiteral(n) => Some(n.val),
        Expr::Unary(u) => constant(&u.expr).map(|v| -v),
        Expr::Binary(b) if b.modifier.is_none() => {
            let (l, r) = (constant(&b.lhs)?, constant(&b.rhs)?);
            match b.op.to_string().as_str() {
                "+" => Some(l + r),
                "-" => Some(l - r),
                "*" => Some(l * r),
                "/" => Some(l / r),
                _ => None,
            }
        }
        _ => None,
    }
}

/// `time()`.
fn is_now(e: &Expr) -> bool {
    matches!(unparen(e), Expr::Call(c) if c.func.name == "time" && c.args.args.is_empty())
}

/// Which way from now an alert measures a timestamp.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Toward {
    /// The time since it (`time() - x_last_success_timestamp_seconds`).
    Since,
    /// The time left before it (`probe_ssl_earliest_cert_expiry - time()`).
    Until,
}

/// Which way from now `e` measures a timestamp the series it reads hold, and the seconds per
/// unit it counts: `time() - x` (`time() - max(x)`) or `x - time()`, an average or extreme
/// of that (`max by (job) (time() - x)`), or that divided by numbers (`(time() - x) / 3600`:
/// 3600 seconds per unit).
pub(super) fn from_now(e: &Expr) -> Option<(Toward, f64)> {
    let reads = |e: &Expr| super::reads(e).series;
    match unparen(e) {
        Expr::Binary(b) if b.modifier.is_none() => match b.op.to_string().as_str() {
            "-" if is_now(&b.lhs) && reads(&b.rhs) => Some((Toward::Since, 1.0)),
            "-" if is_now(&b.rhs) && reads(&b.lhs) => Some((Toward::Until, 1.0)),
            "/" => {
                let per = constant(&b.rhs).filter(|k| k.is_finite() && *k > 0.0)?;
                let (toward, inner) = from_now(&b.lhs)?;
                Some((toward, inner * per))
            }
            _ => None,
        },
        Expr::Aggregate(a)
            if matches!(a.op.to_string().as_str(), "avg" | "min" | "max") && a.param.is_none() =>
        {
            from_now(&a.expr)
        }
        _ => None,
    }
}

/// `x < time() - 1800` (`x` more than 1800 seconds ago) read as `time() - x > 1800`, and `x <
/// time() + 86400` as `x - time() < 86400`: the limit in seconds, the comparison of the time
/// from now with it, and which way. Also before an `and` or `unless` that filters it.
pub(super) fn against_now(expr: &Expr) -> Option<(f64, &'static str, Toward)> {
    let (b, op) = super::said::top_binary(expr)?;
    if matches!(op, "==" | "!=") {
        return None;
    }
    // The seconds `e` puts now off by: `time() - 1800` is -1800.
    let moved = |e: &Expr| match unparen(e) {
        Expr::Binary(b) if b.modifier.is_none() => match b.op.to_string().as_str() {
            "-" if is_now(&b.lhs) => constant(&b.rhs).map(|n| -n),
            "+" if is_now(&b.lhs) => constant(&b.rhs),
            "+" if is_now(&b.rhs) => constant(&b.lhs),
            _ => None,
        },
        _ => None,
    };
    let reads = |e: &Expr| super::reads(e).series;
    // The comparison of `x` with the moment, `x` on the left.
    let (x_op, by) = match (moved(&b.lhs), moved(&b.rhs)) {
        (None, Some(n)) if reads(&b.lhs) => (op, n),
        (Some(n), None) if reads(&b.rhs) => (super::mirrored(op)?, n),
        _ => return None,
    };
    if by < 0.0 {
        // `x` below `time() - n` is an age above `n`.
        Some((-by, super::mirrored(x_op)?, Toward::Since))
    } else if by > 0.0 {
        Some((by, x_op, Toward::Until))
    } else {
        None
    }
}

/// The limits, in seconds, of every comparison of a time from now anywhere in `expr` (`x == 0
/// and (time() - start) > 600`: 600), also those written against now (`x < time() - 600`).
pub(crate) fn ages(expr: &Expr) -> Vec<f64> {
    let mut found = Vec::new();
    let mut todo = vec![expr];
    while let Some(e) = todo.pop() {
        match unparen(e) {
            Expr::Binary(b) => {
                if b.op.is_comparison_operator() {
                    let (l, r) = (unparen(&b.lhs), unparen(&b.rhs));
                    let limit = match (from_now(l), from_now(r), constant(l), constant(r)) {
                        (Some((_, per)), None, None, Some(n))
                        | (None, Some((_, per)), Some(n), None) => Some(n * per),
                        _ => against_now(e).map(|(n, ..)| n),
                    };
                    found.extend(limit);
                }
                todo.push(&b.lhs);
                todo.push(&b.rhs);
            }
            Expr::Aggregate(a) => todo.push(&a.expr),
            Expr::Call(c) => todo.extend(c.args.args.iter().map(|a| &**a)),
            Expr::Unary(u) => todo.push(&u.expr),
            Expr::Subquery(q) => todo.push(&q.expr),
            _ => {}
        }
    }
    found
}

/// Words that say what the alert is about is stale: it stopped, or has not happened for a
/// while.
const STALE: &[&str] = &[
    "no", "not", "never", "stale", "stalled", "stuck", "hasn't", "haven't", "didn't", "hasnt",
    "missing", "missed", "overdue", "older", "without", "since", "lagging",
];

/// Words that say a time to come is near.
const EXPIRING: &[&str] = &[
    "expire",
    "expires",
    "expiring",
    "expiry",
    "expiration",
    "due",
    "ends",
    "left",
    "remaining",
    "renew",
    "renewal",
];

/// Words that say it happened recently.
const FRESH: &[&str] = &[
    "restarted",
    "rebooted",
    "restart",
    "reboot",
    "restarts",
    "recently",
    "recent",
    "just",
];

/// Why an alert's comparison of an age contradicts its `texts`: it fires on the side its text
/// does not describe, or at another age than its text names (or at that age counted in
/// minutes, hours or days where it counts seconds). The age is compared with `limit`, which
/// counts `per` seconds (`(time() - x) / 3600 > 24`: 24 of 3600 seconds), by `op`.
pub(super) fn contradiction(
    limit: f64,
    per: f64,
    op: &str,
    toward: Toward,
    texts: &[&str],
) -> Option<String> {
    let words = || {
        texts.iter().flat_map(|t| {
            t.split(|c: char| !(c.is_alphanumeric() || c == '\''))
                .map(str::to_ascii_lowercase)
        })
    };
    let said: Vec<(f64, &str)> = texts.iter().flat_map(|t| durations(t)).collect();
    let seconds = limit * per;
    let (written, shown) = (
        super::said::number(limit),
        crate::duration::format_seconds(seconds.round() as i64),
    );
    let (what, short) = match toward {
        Toward::Since => ("the time since its timestamp", "the age"),
        Toward::Until => ("the time left before its timestamp", "the time left"),
    };
    let fires_above = op.starts_with('>');
    // The side the text describes, when its words say: stale or fresh, or about to expire
    // (and not "in more than 30 days").
    let described_above = match toward {
        Toward::Since => {
            let stale = words().any(|w| STALE.contains(&w.as_str()));
            let fresh = words().any(|w| FRESH.contains(&w.as_str()));
            (stale != fresh).then_some(stale)
        }
        Toward::Until => {
            let lower = texts.join("\n").to_ascii_lowercase();
            let above = [
                "more than",
                "over ",
                "above",
                "at least",
                "longer than",
                "beyond",
            ];
            (words().any(|w| EXPIRING.contains(&w.as_str()))
                && !above.iter().any(|a| lower.contains(a)))
            .then_some(false)
        }
    };
    if let Some(above) = described_above
        && above != fires_above
    {
        let first = said
            .first()
            .map_or(texts.first().copied().unwrap_or_default(), |s| s.1);
        let (side, when, fix) = match (toward, fires_above) {
            (Toward::Since, true) => ("above", "long after it happened and never near it", "<"),
            (Toward::Since, false) => (
                "below",
                "while it is recent, so it pages while all is well and is silent once it is stale",
                ">",
            ),
            (Toward::Until, _) => (
                "above",
                "long before it comes, and is silent once it is near",
                "<",
            ),
        };
        return Some(format!(
            "fires while {what} is {side} {shown} ({short} `{op} {written}`): {when}, the other side from what its text says (\"{}\"); compare with `{fix}`",
            crate::evidence::one_line(first, 100)
        ));
    }
    let close = |d: f64| (d - seconds).abs() <= GRACE * d.max(seconds);
    if said.is_empty() || said.iter().any(|&(d, _)| close(d)) {
        return None;
    }
    // The number as the text counts it: minutes, hours or days where seconds are compared.
    let counted = |d: f64| {
        [60.0, 3_600.0, 86_400.0]
            .iter()
            .any(|unit| (d - seconds * unit).abs() <= 1e-9 * d)
    };
    if let Some(&(d, clause)) = said.iter().find(|&&(d, _)| counted(d)) {
        return Some(format!(
            "compares {what} with `{written}`, which is {shown}, while its text says \"{}\": the age is counted in seconds{}, so compare with `{}`",
            crate::evidence::one_line(clause, 100),
            if per == 1.0 {
                String::new()
            } else {
                format!(" (here divided by {})", super::said::number(per))
            },
            super::said::number(d / per),
        ));
    }
    let (d, clause) = said[0];
    Some(format!(
        "fires once {what} is {} {shown} ({short} `{op} {written}`), while its text says \"{}\" ({}): the alert pages at one age and tells the on-call engineer another; make the comparison and the text say the same",
        if fires_above { "above" } else { "below" },
        crate::evidence::one_line(clause, 100),
        crate::duration::format_seconds(d.round() as i64),
    ))
}

/// Units of time an alert's text counts in, with their seconds (`10m`, `48 hours`).
const UNITS: &[(&str, f64)] = &[
    ("seconds", 1.0),
    ("second", 1.0),
    ("secs", 1.0),
    ("sec", 1.0),
    ("s", 1.0),
    ("minutes", 60.0),
    ("minute", 60.0),
    ("mins", 60.0),
    ("min", 60.0),
    ("m", 60.0),
    ("hours", 3_600.0),
    ("hour", 3_600.0),
    ("hrs", 3_600.0),
    ("hr", 3_600.0),
    ("h", 3_600.0),
    ("days", 86_400.0),
    ("day", 86_400.0),
    ("d", 86_400.0),
    ("weeks", 604_800.0),
    ("week", 604_800.0),
    ("w", 604_800.0),
];

/// Words before a duration that make it an interval, not an age ("every 5 minutes", "per
/// hour").
const INTERVAL: &[&str] = &["every", "per", "each", "once", "twice"];

/// The durations `text` names (`30 minutes`, `1h30m`, `an hour`, `the last day`), in seconds,
/// each with the clause it is in; intervals ("every 5 minutes", "per hour") are no age.
fn durations(text: &str) -> Vec<(f64, &str)> {
    said(text).into_iter().map(|(s, _, c)| (s, c)).collect()
}

/// Words before a duration that say a condition has held that long ("for 10 minutes", "for
/// more than an hour").
const HELD: &[&str] = &[
    "for",
    "for more than",
    "for over",
    "for at least",
    "for longer than",
    "for the last",
    "for the past",
    "for the",
];

/// The durations `text` says a condition has held for ("above 5% for 10 minutes"), in
/// seconds, each with the clause it is in.
pub(crate) fn held_for(text: &str) -> Vec<(f64, &str)> {
    said(text)
        .into_iter()
        .filter(|&(_, start, _)| {
            let before = text[..start].trim_end().to_ascii_lowercase();
            HELD.iter().any(|h| {
                before.ends_with(h)
                    && !before[..before.len() - h.len()].ends_with(char::is_alphanumeric)
            })
        })
        .map(|(s, _, c)| (s, c))
        .collect()
}

/// [`durations`], each with where it starts (its number, or the word before a unit alone).
fn said(text: &str) -> Vec<(f64, usize, &str)> {
    let mut found = Vec::new();
    let last_word = |before: &str| {
        before
            .trim_end()
            .rsplit(|c: char| !c.is_alphanumeric())
            .next()
            .unwrap_or_default()
            .to_ascii_lowercase()
    };
    let interval = |before: &str| INTERVAL.contains(&last_word(before).as_str());
    for written in crate::numbers::written(text) {
        let (start, end) = (written.start, written.end);
        if interval(&text[..start]) {
            continue;
        }
        // `1h30m` as manifests write durations.
        let run = text[start..]
            .find(|c: char| !c.is_ascii_alphanumeric())
            .map_or(&text[start..], |n| &text[start..start + n]);
        if run.contains(|c: char| c.is_ascii_alphabetic())
            && let Some(s) = crate::duration::parse_seconds(run)
        {
            found.push((
                s as f64,
                start,
                super::said::clause(text, start, start + run.len()),
            ));
            continue;
        }
        let Ok(n) = text[written].trim_end_matches('.').parse::<f64>() else {
            continue;
        };
        let rest = text[end..].trim_start_matches([' ', '-']);
        // A letter alone only right after its number: `10m`, not "100 M requests".
        let unit = UNITS.iter().find(|(u, _)| {
            crate::numbers::word_at(rest, u) && (u.len() > 1 || rest.len() == text.len() - end)
        });
        if let Some((u, size)) = unit {
            let stop = text.len() - rest.len() + u.len();
            found.push((n * size, start, super::said::clause(text, start, stop)));
        }
    }
    // A unit alone, one of it: "for an hour", "in the last day", "half an hour".
    let lower = text.to_ascii_lowercase();
    for (at, unit) in lower
        .match_indices(char::is_alphabetic)
        .filter_map(|(at, _)| {
            let starts = at == 0 || !lower[..at].ends_with(char::is_alphanumeric);
            let word = lower[at..].split(|c: char| !c.is_alphanumeric()).next()?;
            // Not "a second": a second time, a second replica.
            let size = match word {
                "minute" => 60.0,
                "hour" => 3_600.0,
                "day" => 86_400.0,
                "week" => 604_800.0,
                _ => return None,
            };
            starts.then_some((at, size))
        })
    {
        let before = last_word(&lower[..at]);
        let one = match before.as_str() {
            "a" | "an" | "one" | "last" | "past" => 1.0,
            _ => continue,
        };
        let earlier = &lower[..lower[..at].trim_end().len() - before.len()];
        // "once an hour", "every hour".
        if interval(earlier) {
            continue;
        }
        let (share, start) = if last_word(earlier) == "half" {
            (0.5, earlier.trim_end().len().saturating_sub(4))
        } else {
            (one, earlier.len())
        };
        found.push((share * unit, start, super::said::clause(text, at, at + 1)));
    }
    found
}

#[cfg(test)]
mod tests;
