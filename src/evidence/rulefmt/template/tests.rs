//! The template check against templates Prometheus parses and refuses, and against promtool.

use super::check;

/// Templates Prometheus loads parse.
#[test]
fn valid_templates_pass() {
    for ok in VALID {
        assert_eq!(check(ok), Ok(()), "{ok}");
    }
}

/// Templates Prometheus parses (from its documentation and common rule sets).
const VALID: &[&str] = &[
    "no template at all",
    "{{ $value }}",
    "{{$labels.instance}} is down",
    "{{ $value | humanizePercentage }} of builds fail",
    "{{ printf \"%.2f\" $value }}",
    "{{- if gt $value 0.5 -}} high {{- else -}} low {{- end }}",
    "{{ with $labels.job }}{{ . }}{{ else }}none{{ end }}",
    "{{ range $i, $e := query \"up\" }}{{ $i }}{{ $e.Labels.job }}{{ end }}",
    "{{ range query \"up\" }}{{ if eq .Value 0.0 }}{{ break }}{{ end }}{{ end }}",
    "{{ $x := 1 }}{{ $x = 2 }}{{ $x }}",
    "{{ reReplaceAll \"(.*)\\\\.example\" \"$1\" $labels.instance }}",
    "{{ reReplaceAll `(.*)\\.example` \"$1\" $labels.instance }}",
    "{{ if and (gt $value 1.0) (lt $value -1e3) }}x{{ else if eq $value 0x1F }}y{{ end }}",
    "{{ (query \"up\" | first | value) }}",
    "{{/* a comment */}}{{- /* trimmed */ -}}",
    "{{ template \"x\" . }}{{ define \"x\" }}{{ $ }}{{ end }}",
    "{{ $externalURL }}/alerts {{ $externalLabels.cluster }} {{ 'a' }} {{ nil | not }}",
    "{{ index $labels \"job\" }} }} stays text",
    "{{ 0x1.8p1 }} {{ 1_000.5e-3 }} {{ 017 }} {{ 019.5 }} {{ -9223372036854775808 }}",
    "{{ 1+9i }} {{ 99999999999999999999i }} {{ 1i }} {{ 0x1p-2 }} {{ 0b1_0 }} {{ 0o7 }} {{ 1e3 }} {{ 0 }} {{ -0 }}",
];

/// Templates Prometheus refuses (promtool: `template: __alert_X:1: ...`), each with the
/// part of the message that says why.
#[test]
fn broken_templates_are_refused() {
    for (bad, why) in [
        ("{{ $value }", "unexpected \"}\" in operand"),
        (
            "{{ $value | humanizePercentage } of",
            "unexpected \"}\" in operand",
        ),
        ("{{ $labels.instance ", "unclosed action"),
        ("{{ $label.instance }}", "undefined variable \"$label\""),
        ("{{ $Labels.job }}", "undefined variable \"$Labels\""),
        (
            "{{ humanizePercent $value }}",
            "function \"humanizePercent\" not defined",
        ),
        ("{{ if gt $value 1.0 }}high", "unexpected EOF"),
        ("high{{ end }}", "unexpected {{end}}"),
        ("{{ else }}", "unexpected {{else}}"),
        (
            "{{ if . }}a{{ else }}b{{ else }}c{{ end }}",
            "expected end; found {{else}}",
        ),
        ("{{ }}", "missing value for command"),
        ("{{ if }}x{{ end }}", "missing value for if"),
        (
            "{{ printf \"%s\" (humanize $value }}",
            "unclosed left paren",
        ),
        ("{{ $value) }}", "unexpected right paren"),
        ("{{ \"open }}", "unterminated quoted string"),
        (
            "{{ reReplaceAll \"(.*)\\.example\" \"$1\" $labels.instance }}",
            "no escape",
        ),
        (
            "{{ $value | 3 }}",
            "non executable command in pipeline stage 2",
        ),
        ("{{ /* comment */ }}", "unexpected \"/\" in command"),
        (
            "{{/* comment */ x }}",
            "comment ends before closing delimiter",
        ),
        ("{{/* comment", "unclosed comment"),
        ("{{ break }}", "{{break}} outside {{range}}"),
        ("{{ 3x }}", "bad number syntax"),
        ("{{ $value: }}", "expected :="),
        ("{{ \"a\".b }}", "unexpected . after a constant"),
        ("{{ $a, $b := . }}", "too many declarations in command"),
        (
            "{{ define \"x\" }}{{ $labels }}{{ end }}",
            "undefined variable \"$labels\"",
        ),
        (
            "{{ $x := 1 }}{{ if . }}{{ $y := 2 }}{{ end }}{{ $y }}",
            "undefined variable \"$y\"",
        ),
        ("{{ $value ; }}", "unexpected \";\" in operand"),
        ("{{ 'ab' }}", "malformed character constant"),
        ("{{ 0x. }}", "illegal number syntax"),
        (
            "{{ define \"x\" }}a{{ end }}{{ block `x` . }}b{{ end }}",
            "multiple definition",
        ),
        ("{{ 1__0 }}", "illegal number syntax"),
        ("{{ 1.5e1024 }}", "illegal number syntax"),
        ("{{ 99999999999999999999 }}", "integer overflow"),
        ("{{ 019 }}", "integer overflow"),
        ("{{ -9223372036854775809 }}", "integer overflow"),
        ("{{ 0xFFFFFFFFFFFFFFFFFF }}", "illegal number syntax"),
        (
            "{{ range . }}{{ else }}{{ continue }}{{ end }}",
            "{{continue}} outside {{range}}",
        ),
    ] {
        match check(bad) {
            Ok(()) => panic!("{bad:?} parsed"),
            Err(e) => assert!(e.contains(why), "{bad:?}: {e}"),
        }
    }
}

/// The real consumer decides: 3,000 edits of the templates above (characters of the
/// template language inserted, cut or repeated), each an annotation of one alert of a rule
/// file, checked by `promtool check rules` (Prometheus's own loader): launchgate refuses
/// exactly the templates promtool refuses.
#[test]
fn refuses_what_promtool_refuses() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let installed = root.join(".tools/prometheus/usr/bin/promtool");
    let promtool = if installed.is_file() {
        installed
    } else if let Some(found) = std::env::var_os("PATH").and_then(|p| {
        std::env::split_paths(&p)
            .map(|d| d.join("promtool"))
            .find(|c| c.is_file())
    }) {
        found
    } else {
        eprintln!("SKIPPED: promtool is not installed (scripts/install-test-tools.sh)");
        return;
    };
    const PIECES: &[&str] = &[
        "{{", "}}", "{{- ", " -}}", " ", "$", ".", "(", ")", "|", ":=", "=", "\"", "'", "`", "if",
        "end", "else", "range", "with", "$value", "$labels", "x", "1", "-", ",", "/*", "*/", "\\",
        "nil", "true", "define", "block", "break", "\n", "}", "{", "é", "0x", "e", "_", "i", "+",
    ];
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = |n: usize| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % n as u64) as usize
    };
    let cases: Vec<String> = (0..3000)
        .map(|_| {
            let mut t: Vec<char> = VALID[next(VALID.len())].chars().collect();
            for _ in 0..1 + next(2) {
                let at = next(t.len() + 1);
                match next(3) {
                    0 => {
                        let piece = PIECES[next(PIECES.len())];
                        t.splice(at..at, piece.chars());
                    }
                    1 => {
                        let end = (at + 1 + next(4)).min(t.len());
                        t.drain(at..end);
                    }
                    _ => {
                        let (a, b) = (next(t.len() + 1), next(t.len() + 1));
                        let copy: Vec<char> = t[a.min(b)..a.max(b)].to_vec();
                        t.splice(at..at, copy);
                    }
                }
            }
            t.into_iter().collect()
        })
        .collect();
    let rules: Vec<serde_json::Value> = cases
        .iter()
        .enumerate()
        .map(|(i, c)| {
            serde_json::json!({"alert": format!("A{i}"), "expr": "up", "annotations": {"s": c}})
        })
        .collect();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("rules.yaml");
    let doc = serde_json::json!({"groups": [{"name": "g", "rules": rules}]});
    std::fs::write(&file, doc.to_string()).unwrap();
    let out = std::process::Command::new(&promtool)
        .args(["check", "rules"])
        .arg(&file)
        .output()
        .unwrap();
    let said =
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    let refused: std::collections::HashSet<usize> = said
        .split("\"A")
        .skip(1)
        .filter_map(|rest| rest.split_once("\": annotation"))
        .filter_map(|(n, _)| n.parse().ok())
        .collect();
    assert!(
        refused.len() > 1000 && refused.len() < 2900,
        "{}",
        refused.len()
    );
    let differ: Vec<(bool, &String)> = cases
        .iter()
        .enumerate()
        .filter(|(i, c)| refused.contains(i) == check(c).is_ok())
        .map(|(i, c)| (refused.contains(&i), c))
        .collect();
    assert!(
        differ.is_empty(),
        "(promtool refuses, template): {differ:#?}"
    );
}
