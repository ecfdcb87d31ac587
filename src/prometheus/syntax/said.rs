//! What an alert's own text says against what its expression compares. A `summary` of "more
//! than 5% of builds fail" over `failures / builds > 5` (500%: as a ratio, 5% is `0.05`), over
//! the ratio times 100 compared with `0.05` (0.05%), or over `< 0.05` (the healthy side)
//! pages at a level nobody meant, and promtool loads each without a word; so does `> 0.1`
//! under the same text, a threshold changed and its text left behind.

use promql_parser::parser::{BinaryExpr, Expr};

use super::age::{Toward, constant};
use super::share::selector;
use super::{mirrored, unparen};

/// An alert's comparison of a value with a number, as its text can be held to it.
#[derive(Debug, Clone, PartialEq)]
pub struct Compared {
    /// The number, with the value on the left (`5 < x` is `x > 5`).
    pub limit: f64,
    /// The comparison, with the value on the left: `>`, `>=`, `<` or `<=`.
    pub op: &'static str,
    /// What the value is.
    pub scale: Scale,
    /// The series compared, when the value is one series by name (or its sum, average or
    /// extreme): a recording rule may say what it records (see [`scale_of`]).
    pub series: Option<String>,
}

/// What an alert compares with its number.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Scale {
    /// A ratio of two rates (`sum(rate(a[5m])) / sum(rate(b[5m]))`): 5% is `0.05`.
    Ratio,
    /// That ratio times 100: 5% is `5`.
    Percent,
    /// A quantile of a histogram in seconds (`histogram_quantile(0.99, sum by (le)
    /// (rate(x_seconds_bucket[5m])))`), or the mean of one (`rate(x_seconds_sum[5m]) /
    /// rate(x_seconds_count[5m])`): 500ms is `0.5`.
    Seconds,
    /// The time since or until a timestamp the series hold (`time() -
    /// max(x_last_success_timestamp_seconds)`, `cert_expiry_timestamp_seconds - time()`),
    /// counted in units of this many seconds (`(time() - x) / 3600`: 3600).
    FromNow(Toward, f64),
    /// Anything else.
    Other,
}

/// The comparison at the top of an alert `expr` (`... > 0.05`, also before an `and` or
/// `unless` that filters it), when it compares a side with a number, written as one or as
/// numbers alone (`60 * 60 * 48`), and without `bool`:
/// the side, the number, and the operator as written with the side on the left (`5 < x` is
/// `x > 5`).
pub(super) fn top_comparison(expr: &Expr) -> Option<(&Expr, f64, &'static str)> {
    let (b, op) = top_binary(expr)?;
    let (l, r) = (unparen(&b.lhs), unparen(&b.rhs));
    match (constant(l), constant(r)) {
        (Some(_), Some(_)) | (None, None) => None,
        (None, Some(n)) => Some((l, n, op)),
        (Some(n), None) => Some((r, n, mirrored(op)?)),
    }
}

/// The comparison at the top of an alert `expr`, also before an `and` or `unless` that
/// filters it, without `bool`, and its operator as written.
pub(super) fn top_binary(expr: &Expr) -> Option<(&BinaryExpr, &'static str)> {
    let Expr::Binary(b) = unparen(expr) else {
        return None;
    };
    // `... > 0.05 and sum(rate(x[5m])) > 0`: the left side's samples are the alerts, the
    // right side only filters them.
    if matches!(b.op.to_string().as_str(), "and" | "unless") {
        return top_binary(&b.lhs);
    }
    if !b.op.is_comparison_operator() || b.modifier.as_ref().is_some_and(|m| m.return_bool) {
        return None;
    }
    let written = b.op.to_string();
    let op = ["<", ">", "<=", ">=", "==", "!="]
        .into_iter()
        .find(|o| *o == written)?;
    Some((b, op))
}

/// The comparison at the top of the alert `expr` (`... > 0.05`, also before an `and` or
/// `unless` that filters it), when it compares with a number (and without `bool`).
pub(super) fn compared(expr: &Expr) -> Option<Compared> {
    let Some((side, limit, op)) = top_comparison(expr) else {
        // `x < time() - 1800`, the age of `x` above 1800 seconds.
        let (limit, op, toward) = super::age::against_now(expr)?;
        return limit.is_finite().then_some(Compared {
            limit,
            op,
            scale: Scale::FromNow(toward, 1.0),
            series: None,
        });
    };
    // `==` and `!=` put the number on no side.
    let op = [">", ">=", "<", "<="].into_iter().find(|o| *o == op)?;
    if !limit.is_finite() {
        return None;
    }
    Some(Compared {
        limit,
        op,
        scale: scale_of(side),
        series: named(side),
    })
}

/// What `e` is, as its number is written: a ratio of rates, that ratio times 100, a latency in
/// seconds, or anything else. A recording rule's `expr` says the same of the series it records.
pub fn scale_of(e: &Expr) -> Scale {
    let hundred = |e: &Expr| matches!(unparen(e), Expr::NumberLiteral(n) if n.val == 100.0);
    match unparen(e) {
        e if let Some((toward, per)) = super::age::from_now(e) => Scale::FromNow(toward, per),
        e if let Some(seconds) = mean(e) => {
            if seconds {
                Scale::Seconds
            } else {
                Scale::Other
            }
        }
        e if is_ratio(e) => Scale::Ratio,
        e if is_latency(e) => Scale::Seconds,
        Expr::Binary(b) => match (b.op.to_string().as_str(), unparen(&b.lhs), unparen(&b.rhs)) {
            ("*", ratio, k) | ("*", k, ratio) if hundred(k) && is_ratio(ratio) => Scale::Percent,
            _ => Scale::Other,
        },
        _ => Scale::Other,
    }
}

/// The series `e` is by name: `job:failure_ratio:rate10m{job="x"}`, or its average or
/// extreme (which keep its scale; a sum of ratios is no ratio).
fn named(e: &Expr) -> Option<String> {
    match unparen(e) {
        Expr::VectorSelector(v) if v.offset.is_none() && v.at.is_none() => v.name.clone(),
        Expr::Aggregate(a)
            if matches!(a.op.to_string().as_str(), "avg" | "min" | "max") && a.param.is_none() =>
        {
            named(&a.expr)
        }
        _ => None,
    }
}

/// `histogram_quantile(q, ...)` over buckets of a histogram in seconds only.
fn is_latency(e: &Expr) -> bool {
    let Expr::Call(c) = unparen(e) else {
        return false;
    };
    let metrics = match c.args.args.as_slice() {
        [_, buckets] => super::reads(buckets).metrics,
        _ => return false,
    };
    c.func.name == "histogram_quantile"
        && !metrics.is_empty()
        && metrics.iter().all(|m| m.ends_with("_seconds_bucket"))
}

/// `a / b` with rates on both sides, but for a mean (see [`mean`]): a share of `b`.
fn is_ratio(e: &Expr) -> bool {
    matches!(unparen(e), Expr::Binary(b)
        if b.op.to_string() == "/" && of_rates(&b.lhs) && of_rates(&b.rhs))
        && mean(e).is_none()
}

/// Whether `e` is a histogram's or summary's mean, the rate of its `_sum` over the rate of
/// its `_count` (`rate(x_seconds_sum[5m]) / rate(x_seconds_count[5m])`), in seconds or not.
fn mean(e: &Expr) -> Option<bool> {
    let Expr::Binary(b) = unparen(e) else {
        return None;
    };
    if b.op.to_string() != "/" || !of_rates(&b.lhs) || !of_rates(&b.rhs) {
        return None;
    }
    let (sums, counts) = (super::reads(&b.lhs).metrics, super::reads(&b.rhs).metrics);
    let base = |names: &[String], suffix: &str| -> Option<String> {
        let first = names.first()?.strip_suffix(suffix)?;
        names
            .iter()
            .all(|n| n.strip_suffix(suffix) == Some(first))
            .then(|| first.to_string())
    };
    let of = base(&sums, "_sum")?;
    (base(&counts, "_count")? == of).then(|| of.ends_with("_seconds"))
}

/// A rate (`rate`, `irate`, `increase` of a range), or a sum, average or extreme of rates.
fn of_rates(e: &Expr) -> bool {
    match unparen(e) {
        Expr::Aggregate(a) => {
            matches!(a.op.to_string().as_str(), "sum" | "avg" | "min" | "max")
                && a.param.is_none()
                && of_rates(&a.expr)
        }
        Expr::Call(c) => {
            matches!(c.func.name, "rate" | "irate" | "increase") && selector(&c.args.args).is_some()
        }
        _ => false,
    }
}

/// Words that put a number above or below: "more than 5%" (`true`), "below 0.99" (`false`).
const DIRECTIONS: &[(&str, bool)] = &[
    ("more than", true),
    ("greater than", true),
    ("higher than", true),
    ("above", true),
    ("over", true),
    ("exceeds", true),
    ("exceeding", true),
    ("at least", true),
    (">", true),
    (">=", true),
    ("less than", false),
    ("fewer than", false),
    ("lower than", false),
    ("below", false),
    ("under", false),
    ("at most", false),
    ("<", false),
    ("<=", false),
];

/// A number a text writes, with what it says of it.
#[derive(Debug, Clone, PartialEq)]
struct Mention {
    /// The number.
    number: f64,
    /// Written as a percentage (`5%`, `5 percent`).
    percent: bool,
    /// Put above (`true`) or below (`false`) by the words before it.
    above: Option<bool>,
    /// The words and the number as written ("more than 5%").
    quoted: String,
}

/// Why `compared` contradicts the alert's `texts` (its `summary`, `description`, `message`):
/// they say `5%` where it compares a ratio with `5` or a percentage with `0.05`, or they put
/// its number on the side it does not fire on. A text that also says what the comparison
/// means contradicts nothing.
pub fn contradiction(compared: &Compared, texts: &[&str]) -> Option<String> {
    let (limit, op, scale) = (compared.limit, compared.op, compared.scale);
    if let Scale::FromNow(toward, per) = scale {
        return super::age::contradiction(limit, per, op, toward, texts);
    }
    let said: Vec<Mention> = texts.iter().flat_map(|t| mentions(t)).collect();
    let close = |a: f64, b: f64| (a - b).abs() <= 1e-9 * a.abs().max(b.abs());
    let n = number(limit);
    if scale != Scale::Other && limit != 0.0 {
        // The percentage the comparison means, and the one a slip of a factor 100 says.
        let (meant, slipped) = match scale {
            Scale::Percent => (limit, limit * 100.0),
            _ => (limit * 100.0, limit),
        };
        let says = |p: f64| said.iter().any(|m| m.percent && close(m.number, p));
        if says(slipped) && !says(meant) {
            let said = number(slipped);
            return Some(if scale == Scale::Percent {
                format!(
                    "compares a ratio of two rates times 100 (a percentage) with `{n}`, which is {n}%, while its text says `{said}%`; the ratio is already multiplied by 100, so compare it with `{said}`"
                )
            } else {
                format!(
                    "compares a ratio of two rates with `{n}`, which is {meant}%, while its text says `{n}%`; as a ratio, {n}% is `{fix}`, so compare with `{fix}` (or multiply the ratio by 100)",
                    meant = number(meant),
                    fix = number(limit / 100.0)
                )
            });
        }
    }
    if scale == Scale::Seconds && limit >= 1.0 {
        // A latency in seconds compared with the milliseconds its text names.
        let in_ms = texts
            .iter()
            .flat_map(|t| milliseconds(t))
            .collect::<Vec<_>>();
        let says_ms = |ms: f64| in_ms.iter().any(|&m| close(m, ms));
        if says_ms(limit) && !says_ms(limit * 1000.0) {
            return Some(format!(
                "compares a latency in seconds (a quantile or mean of a `_seconds` histogram) with `{n}`, which is {n} seconds, while its text says `{n}ms`; in seconds, {n}ms is `{fix}`, so compare with `{fix}`",
                fix = number(limit / 1000.0)
            ));
        }
    }
    // The mentions of the number compared with, and which side each puts it on.
    let of_limit = |m: &&Mention| {
        let as_ratio = m.percent && close(m.number / 100.0, limit);
        match scale {
            Scale::Ratio if m.percent => as_ratio,
            Scale::Percent => close(m.number, limit),
            _ => close(m.number, limit) || as_ratio,
        }
    };
    let sides: Vec<(&Mention, bool)> = said
        .iter()
        .filter(of_limit)
        .filter_map(|m| Some((m, m.above?)))
        .collect();
    let fires_above = op.starts_with('>');
    if sides.iter().any(|(_, above)| *above == fires_above) {
        return None;
    }
    if let Some((mention, _)) = sides.first() {
        let side = if fires_above { "above" } else { "below" };
        let fix = mirrored(op)?;
        return Some(format!(
            "fires while what it compares is {side} `{n}` (`{op}`), while its text says \"{}\": it pages on the other side of `{n}` from the one its text describes, and is silent on that one; compare with `{fix}`",
            mention.quoted
        ));
    }
    stale(limit, scale, &said)
}

/// A ratio compared with one level while its text puts another on a side: `> 0.1` (10%)
/// under "more than 5% of builds fail". One of the two is out of date, and the on-call
/// engineer reads the text. The level's complement ("CPU above 80%" over an idle share
/// `< 0.2`) is the same level said the other way.
fn stale(limit: f64, scale: Scale, said: &[Mention]) -> Option<String> {
    let meant = match scale {
        Scale::Ratio => limit * 100.0,
        Scale::Percent => limit,
        Scale::Seconds | Scale::FromNow(..) | Scale::Other => return None,
    };
    let close = |a: f64, b: f64| (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0);
    let percents = || said.iter().filter(|m| m.percent);
    if percents().any(|m| close(m.number, meant) || close(m.number, 100.0 - meant)) {
        return None;
    }
    let level = percents().find(|m| m.above.is_some())?;
    let times = if scale == Scale::Percent {
        " times 100"
    } else {
        ""
    };
    Some(format!(
        "compares a ratio of two rates{times} with `{n}`, which is {}%, while its text says \"{}\": the alert pages at one level and tells the on-call engineer another; make the comparison and the text say the same level",
        number(meant),
        level.quoted,
        n = number(limit),
    ))
}

/// The numbers `text` writes (not inside words or versions), with what it says of them.
fn mentions(text: &str) -> Vec<Mention> {
    let mut found = Vec::new();
    for written in crate::numbers::written(text) {
        let (start, i) = (written.start, written.end);
        let Ok(number) = text[written].trim_end_matches('.').parse::<f64>() else {
            continue;
        };
        let rest = text[i..].strip_prefix(' ').unwrap_or(&text[i..]);
        // `percent`, not `percentile`.
        let word = crate::numbers::word_at(rest, "percent");
        let percent = rest.starts_with('%') || word;
        let end = match (rest.starts_with('%'), word) {
            (true, _) => text.len() - rest.len() + 1,
            (_, true) => text.len() - rest.len() + 7,
            _ => i,
        };
        let before = text[..start].trim_end();
        let direction = DIRECTIONS.iter().find(|(words, _)| {
            before.len() >= words.len()
                && before.is_char_boundary(before.len() - words.len())
                && before[before.len() - words.len()..].eq_ignore_ascii_case(words)
                && !before[..before.len() - words.len()].ends_with(|c: char| c.is_alphanumeric())
        });
        let from = direction.map_or(start, |(words, _)| before.len() - words.len());
        // "should have more connections (> 5)" says what is wanted, not when to page.
        let wanted = clause(text, from, end)
            .split(|c: char| !c.is_alphanumeric())
            .any(|w| WANTED.iter().any(|n| n.eq_ignore_ascii_case(w)));
        found.push(Mention {
            number,
            percent,
            above: direction.filter(|_| !wanted).map(|(_, above)| *above),
            quoted: text[from..end].to_string(),
        });
    }
    found
}

/// Words of a clause that says what is wanted rather than what is wrong.
const WANTED: &[&str] = &[
    "should", "must", "expected", "expect", "expects", "need", "needs", "want", "wants", "target",
    "normally", "healthy",
];

/// The clause of `text` around `from..end`: from the line or sentence break before it to the
/// one after it.
pub(super) fn clause(text: &str, from: usize, end: usize) -> &str {
    let breaks = ["\n", ". ", "; ", "! ", "? "];
    let start = breaks
        .iter()
        .filter_map(|b| text[..from].rfind(b).map(|i| i + b.len()))
        .max()
        .unwrap_or(0);
    let stop = breaks
        .iter()
        .filter_map(|b| text[end..].find(b).map(|i| end + i))
        .min()
        .unwrap_or(text.len());
    &text[start..stop]
}

/// The numbers `text` writes in milliseconds (`500ms`, `500 ms`, `250 milliseconds`).
fn milliseconds(text: &str) -> Vec<f64> {
    crate::numbers::written(text)
        .filter_map(|written| {
            let rest = text[written.end..].trim_start_matches(' ');
            let unit = ["milliseconds", "millisecond", "msec", "ms"]
                .iter()
                .find(|u| crate::numbers::word_at(rest, u));
            unit.and(text[written].trim_end_matches('.').parse::<f64>().ok())
        })
        .collect()
}

/// `n` as people write it: `0.05`, `5`, `500`, without the float's trailing digits.
pub(super) fn number(n: f64) -> String {
    let shown = format!("{n:.9}");
    shown
        .trim_end_matches('0')
        .trim_end_matches('.')
        .to_string()
}
