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
    let scope = crate::expr::Scope::bare(jiff::civil::date(2026, 11, 25));
    let mut ctx = crate::expr::context(std::sync::Arc::new(scope));
    ctx.add_variable_from_value(
        "manifest",
        crate::expr::from_json(
            &serde_json::json!({"rollback": {"max_minutes": 5, "last_tested": "2026-11-02"}}),
        ),
    );
    let _ = expr.eval(&ctx);
    let _ = crate::expr::Template::compile(text).map(|t| t.render(&ctx));
}

/// The history reader and window functions on arbitrary bytes.
pub fn history(data: &[u8]) {
    let spec = crate::gate::history::TimeSpec::default();
    let now = 1_795_608_000_000;
    let Ok(h) = crate::gate::history::read_from(data, &spec, 0, now, None) else {
        return;
    };
    let samples = std::sync::Arc::new(h.samples);
    let n = samples.len();
    let w = std::sync::Arc::new(crate::gate::window::Window {
        samples,
        prefixes: Default::default(),
        range: 0..n,
        seconds: 60.0,
        observed: Default::default(),
    });
    let mut ctx = cel::Context::with_env(crate::expr::env());
    crate::gate::window::bind(&mut ctx, w);
    for src in [
        "increase(a) > 0 || delta(a) < 0",
        "max(a) >= min(a)",
        "count_reason('x') + samples() >= 0",
        "rate(a) >= 0.0",
    ] {
        if let Ok(p) = crate::gate::window::prepare(src) {
            let _ = p.main.eval(&ctx);
        }
    }
}
