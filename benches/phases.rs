//! Where check time goes: `cargo bench --bench phases -- DIR` walks DIR once and times each
//! phase of checking its manifests on one thread (read, YAML, schema, full check).

use std::path::PathBuf;
use std::time::Instant;

use launchgate::schema::{Schema, Which};
use launchgate::source::SourceFile;
use launchgate::yaml::{Limits, parse};

// The allocator the `launchgate` executable uses, so each phase costs what it costs there.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let dir = std::env::args()
        .nth(1)
        .filter(|a| a != "--bench")
        .unwrap_or_else(|| "examples".into());
    let files = launchgate::discover::discover(&[PathBuf::from(&dir)]).expect("discover");
    let n = files.len() as f64;
    let per = |label: &str, t: Instant| {
        let s = t.elapsed().as_secs_f64();
        println!(
            "{label:<28} {:>8.1} ms  {:>8.1} µs/manifest",
            s * 1e3,
            s * 1e6 / n
        );
    };
    println!("{} manifests under {dir}", files.len());

    let t = Instant::now();
    let texts: Vec<String> = files
        .iter()
        .map(|f| std::fs::read_to_string(f).unwrap_or_default())
        .collect();
    per("read", t);

    // saphyr-parser's events alone, nothing built from them: the parser's own share of `yaml`.
    let t = Instant::now();
    let mut events = 0usize;
    for text in &texts {
        for ev in saphyr_parser::Parser::new_from_str(text) {
            if ev.is_err() {
                break;
            }
            events += 1;
        }
    }
    per("yaml events only", t);
    std::hint::black_box(events);

    // Each tree dropped once built, as a run does, rather than all 10,000 kept.
    let t = Instant::now();
    for (text, f) in texts.iter().zip(&files) {
        let src = SourceFile::new(f, f.display().to_string(), text.clone());
        std::hint::black_box(parse(&src, &Limits::default()).ok());
    }
    per("yaml, dropped", t);

    let t = Instant::now();
    for (text, f) in texts.iter().zip(&files) {
        let src = SourceFile::new(f, f.display().to_string(), text.clone());
        std::hint::black_box(parse(&src, &Limits::default()).ok().map(|d| d.to_json()));
    }
    per("yaml + to_json, dropped", t);

    let t = Instant::now();
    let docs: Vec<_> = texts
        .iter()
        .zip(&files)
        .map(|(text, f)| SourceFile::new(f, f.display().to_string(), text.clone()))
        .map(|src| parse(&src, &Limits::default()).ok())
        .collect();
    per("yaml", t);

    let t = Instant::now();
    let jsons: Vec<_> = docs.iter().flatten().map(|d| d.to_json()).collect();
    per("to_json", t);

    let schema = Schema::get(Which::Manifest);
    let t = Instant::now();
    for (doc, json) in docs.iter().flatten().zip(&jsons) {
        let _ = schema.validate(doc, json);
    }
    per("schema", t);

    let opts = launchgate::check::Options::at("2026-11-25T12:00:00Z".parse().unwrap());
    let loader = launchgate::checklist::Loader::default();
    let t = Instant::now();
    for f in &files {
        let _ = launchgate::check::check_file(f, &opts, &loader);
    }
    per("full check (1 thread)", t);
}
