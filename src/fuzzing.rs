//! Entry points shared by the cargo-fuzz targets (`fuzz/`) and the stable test harness that
//! replays their corpus: each must return without panicking for any input.

use std::path::Path;

use crate::source::SourceFile;
use crate::yaml::{Limits, parse};

/// YAML loader, schema validation and the schema-error locator on arbitrary bytes, as a
/// manifest and as a repository policy.
pub fn yaml(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let src = SourceFile::new(Path::new("fuzz.yaml"), "fuzz.yaml".into(), text.to_string());
    if let Ok(doc) = parse(&src, &Limits::default()) {
        let json = doc.to_json();
        let _ = crate::schema::Schema::get(crate::schema::Which::Manifest).validate(&doc, &json);
    }
    let _ = crate::policy::Policy::parse(src, Path::new(""), None);
}

/// The expression compiler and evaluator (CEL with launchgate's functions) on arbitrary text.
pub fn expr(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if text.len() > 4096 {
        return;
    }
    let Ok(expr) = crate::expr::Expr::compile(text) else {
        return;
    };
    let scope = std::sync::Arc::new(crate::expr::Scope::bare(jiff::civil::date(2026, 11, 25)));
    let manifest = serde_json::json!({"rollback": {"max_minutes": 5, "last_tested": "2026-11-02"}, "tags": ["a", 1]});
    let evidence = serde_json::json!({});
    let env = crate::checklist::eval::Env::new(scope, &manifest, &evidence, "prod");
    let ctx = env.cel();
    let interpreted = expr.eval_bool(ctx);
    // Where the direct evaluator answers, it answers as the interpreter does.
    if let Some(answer) = expr.decide(&env.vars(None)) {
        assert_eq!(interpreted, Ok(answer), "`{text}`");
    }
    let _ = crate::expr::Template::compile(text).map(|t| t.render(ctx));
}

/// The history reader and window functions on arbitrary bytes.
pub fn history(data: &[u8]) {
    use crate::gate::{history, rewrite, sample::Columns, window};
    let spec = history::TimeSpec::default();
    let now = 1_795_608_000_000;
    let Ok(h) = history::read_from(data, &spec, 0, now, Columns::new(["a", "health_state"])) else {
        return;
    };
    let data = std::sync::Arc::new(window::Data {
        samples: h.samples,
        columns: h.columns,
        strings: h.strings,
    });
    let cache = std::sync::Arc::new(window::Cache::default());
    for src in [
        "increase(a) > 0 || delta(a) < 0",
        "max(a) >= min(a) && sum(a) >= avg(a)",
        "count_reason('x') + samples() >= count(health_state == 'healthy')",
        "rate(a) >= 0.0 && all(a >= 0) || any(a < 0)",
        "max_stall('x') < duration('5m') || max_stall(a) >= duration('0s')",
    ] {
        if let Ok(p) = rewrite::prepare(src) {
            let _ = window::evaluate(&p, &data, &cache, 3_600_000, now);
        }
    }
}
