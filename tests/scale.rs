//! A run over more manifests than stay in memory writes the rest to a temporary file and reads
//! them back for each output: every format must come out exactly as from memory.

use std::path::PathBuf;

use launchgate::check::{Options, run};
use launchgate::render::{self, Format, Style};

fn outputs(keep: usize, chunk: usize) -> Vec<String> {
    let paths: Vec<PathBuf> = [
        "examples/org",
        "examples/not-ready",
        "examples/dashboard-factory",
        "examples/checkout-service",
    ]
    .iter()
    .map(PathBuf::from)
    .collect();
    let now = "2026-11-27T12:00:00Z".parse().unwrap();
    let report = run(
        &paths,
        &Options {
            keep,
            chunk,
            ..Options::at(now)
        },
    )
    .unwrap();
    assert_eq!(report.manifests.read_error(), None);
    let mut out = vec![serde_json::to_string(&report.summary).unwrap()];
    for format in [
        Format::Human,
        Format::Json,
        Format::Sarif,
        Format::Github,
        Format::Junit,
        Format::Markdown,
    ] {
        for quiet in [false, true] {
            let style = Style {
                color: false,
                quiet,
                width: 100,
            };
            out.push(render::render(&report, format, style).unwrap());
        }
    }
    out
}

#[test]
fn results_past_the_memory_limit_render_as_from_memory() {
    let in_memory = outputs(usize::MAX, launchgate::check::CHUNK);
    // The run has failures, holds, waivers and passes in many manifests, so every kind of
    // finding goes through the file.
    let summary: serde_json::Value = serde_json::from_str(&in_memory[0]).unwrap();
    assert!(summary["manifests"].as_u64().unwrap() >= 10, "{summary}");
    for kind in ["failed", "waived", "passed"] {
        assert!(summary[kind].as_u64().unwrap() > 0, "no {kind}: {summary}");
    }
    // Small chunks hand each chunk's results over while the next is checked.
    for (keep, chunk) in [(0, 512), (1, 1), (7, 3), (usize::MAX, 2), (0, 5)] {
        let spilled = outputs(keep, chunk);
        for (i, (a, b)) in in_memory.iter().zip(&spilled).enumerate() {
            assert!(
                a == b,
                "output {i} differs with {keep} kept in memory, in chunks of {chunk}"
            );
        }
    }
}
