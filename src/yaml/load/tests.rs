//! Unit tests of the span-keeping YAML loader.

use super::*;
use std::path::Path;

fn load(text: &str) -> Result<Node, YamlError> {
    let src = SourceFile::new(Path::new("t.yaml"), "t.yaml".into(), text.into());
    parse(&src, &Limits::default())
}

fn line_col(s: Span) -> (u32, u32) {
    (s.start.line, s.start.column)
}

#[test]
fn resolves_core_schema_scalars() {
    let n = load("a: 1\nb: true\nc: ~\nd: 1.5\ne: '1'\nf: 2026-11-02\ng: 0x1F\n").unwrap();
    assert_eq!(n.get("a").unwrap().kind, Kind::Int(1));
    assert_eq!(n.get("b").unwrap().kind, Kind::Bool(true));
    assert_eq!(n.get("c").unwrap().kind, Kind::Null);
    assert_eq!(n.get("d").unwrap().kind, Kind::Float(1.5));
    assert_eq!(n.get("e").unwrap().kind, Kind::Str("1".into()));
    assert_eq!(n.get("f").unwrap().kind, Kind::Str("2026-11-02".into()));
    assert_eq!(n.get("g").unwrap().kind, Kind::Int(31));
}

#[test]
fn keeps_spans_of_keys_and_values() {
    let n = load("service:\n  name: web\n").unwrap();
    let e = n.get("service").unwrap().entry("name").unwrap();
    assert_eq!(line_col(e.key_span), (2, 3));
    assert_eq!(line_col(e.value.span), (2, 9));
    assert_eq!(e.value.span.end.column, 12);
}

#[test]
fn duplicate_keys_name_both_places() {
    let err = load("a: 1\nb: 2\na: 3\n").unwrap_err();
    match err {
        YamlError::DuplicateKey { key, first, second } => {
            assert_eq!(key, "a");
            assert_eq!(line_col(first), (1, 1));
            assert_eq!(line_col(second), (3, 1));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn refuses_what_a_manifest_should_not_hold() {
    assert!(matches!(
        load("1: a\n"),
        Err(YamlError::NonStringKey { .. })
    ));
    assert!(matches!(
        load("? [a]\n: b\n"),
        Err(YamlError::NonStringKey { .. })
    ));
    assert!(matches!(
        load("a: &x {b: 1}\nc:\n  <<: *x\n"),
        Err(YamlError::MergeKey { .. })
    ));
    assert!(matches!(
        load("a: !foo b\n"),
        Err(YamlError::UnsupportedTag { .. })
    ));
    assert!(matches!(
        load("a: !!binary aGk=\n"),
        Err(YamlError::UnsupportedTag { .. })
    ));
    assert!(matches!(
        load("a: !!int x\n"),
        Err(YamlError::TagMismatch { .. })
    ));
    assert!(matches!(
        load("a: 1\n---\nb: 2\n"),
        Err(YamlError::MultipleDocuments { .. })
    ));
    assert!(matches!(load(""), Err(YamlError::Empty { .. })));
    assert!(matches!(
        load("# only a comment\n"),
        Err(YamlError::Empty { .. })
    ));
    assert!(matches!(
        load("a: 99999999999999999999\n"),
        Err(YamlError::IntegerOverflow { .. })
    ));
    assert!(matches!(
        load("a: .nan\n"),
        Err(YamlError::NonFinite { .. })
    ));
}

#[test]
fn accepts_core_tags_and_safe_aliases() {
    let n = load("a: !!str 12\nb: &x [1, 2]\nc: *x\n").unwrap();
    assert_eq!(n.get("a").unwrap().kind, Kind::Str("12".into()));
    assert_eq!(n.get("c").unwrap().to_json(), serde_json::json!([1, 2]));
}

#[test]
fn alias_expansion_is_bounded() {
    let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..10 {
        let p = i - 1;
        text.push_str(&format!(
            "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
        ));
    }
    assert!(matches!(load(&text), Err(YamlError::AliasBudget { .. })));
}

#[test]
fn nesting_is_bounded_without_recursion() {
    let deep = "[".repeat(100_000) + &"]".repeat(100_000);
    assert!(matches!(
        load(&deep),
        Err(YamlError::TooDeep { limit: 64, .. })
    ));
    let block: String = (0..200)
        .map(|i| format!("{}- \n", "  ".repeat(i)))
        .collect();
    let err = load(&block).unwrap_err();
    assert!(
        matches!(err, YamlError::TooDeep { limit: 64, .. }),
        "{err:?}"
    );
    assert_eq!(err.span().start.line, 65);
}

#[test]
fn syntax_errors_are_located() {
    let err = load("a:\n\tb: 1\n").unwrap_err();
    assert!(matches!(err, YamlError::Syntax { .. }), "{err:?}");
    assert_eq!(err.span().start.line, 2);
}

#[test]
fn refused_scalars_name_their_text_and_strings_keep_theirs() {
    let text = |r: Result<Node, YamlError>| match r {
        Err(YamlError::TagMismatch { value, .. }) => value,
        Err(YamlError::IntegerOverflow { text, .. } | YamlError::NonFinite { text, .. }) => text,
        other => panic!("refusal expected, got {other:?}"),
    };
    assert_eq!(text(load("a: !!int x1\n")), "x1");
    assert_eq!(
        text(load("a: -99999999999999999999\n")),
        "-99999999999999999999"
    );
    assert_eq!(text(load("a: -.inf\n")), "-.inf");
    let n = load("a: plain text\nb: 'it''s'\nc: \"tab\\there\"\nd: |\n  block\ne: !!str true\n")
        .unwrap();
    let strings = ["plain text", "it's", "tab\there", "block\n", "true"];
    for (key, want) in ["a", "b", "c", "d", "e"].into_iter().zip(strings) {
        assert_eq!(n.get(key).unwrap().kind, Kind::Str(want.into()), "{key}");
    }
}

/// `may_resolve` only skips what saphyr's resolution would give back as a string: every
/// scalar it rules out, over all first characters and words a manifest holds.
#[test]
fn scalars_skipped_by_the_first_character_are_strings_to_saphyr() {
    let mut words = vec![
        String::new(),
        "~".into(),
        "null".into(),
        "True".into(),
        "FALSE".into(),
        "0x1F".into(),
        "0o17".into(),
        "+12".into(),
        "-3".into(),
        ".5".into(),
        "1e3".into(),
        ".inf".into(),
        "-.Inf".into(),
        ".NaN".into(),
        "2026-11-24".into(),
        "v1.4.2".into(),
        "@alice".into(),
        "inf".into(),
        "Infinity".into(),
        "nan".into(),
        "e5".into(),
        "E5".into(),
        "x1".into(),
        "_1".into(),
        "١٢".into(),
    ];
    for first in (0u8..128).map(char::from).chain(['é', '١', '\u{FEFF}']) {
        for rest in [
            "", "1", "0", ".5", "e3", "ull", "rue", "alse", "nf", "an", "x1F", "o7",
        ] {
            words.push(format!("{first}{rest}"));
        }
    }
    for style in [
        ScalarStyle::Plain,
        ScalarStyle::SingleQuoted,
        ScalarStyle::DoubleQuoted,
    ] {
        for w in &words {
            if !may_resolve(w, style) {
                let resolved = Scalar::parse_from_cow_and_metadata(Cow::Borrowed(w), style, None);
                assert!(
                    matches!(resolved, Some(Scalar::String(ref s)) if s == w),
                    "{w:?} ({style:?}) resolves to {resolved:?}"
                );
            }
        }
    }
    // And it does not skip what resolves: each of these is no string to saphyr.
    for w in [
        "", "~", "null", "True", "0x1F", "+12", "-3", ".5", "1e3", ".inf", ".NaN", "false",
    ] {
        assert!(may_resolve(w, ScalarStyle::Plain), "{w:?}");
    }
}

fn texts(dir: &Path, out: &mut Vec<String>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            texts(&path, out);
        } else if let Ok(text) = std::fs::read_to_string(&path) {
            out.push(text);
        }
    }
}

/// Every YAML text of the repository (the fuzz corpus, the examples, the test fixtures:
/// hostile and broken documents among them), and 40 edits of each (a YAML indicator, a break,
/// a tab, a BOM or a multi-byte character inserted; bytes cut; the text truncated): what the
/// loader's fast paths are held to the plain ones over.
pub(super) fn texts_and_edits() -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut all = Vec::new();
    for dir in [
        "fuzz/corpus",
        "examples",
        "tests/hostile",
        "tests/support",
        "checklists",
    ] {
        texts(&root.join(dir), &mut all);
    }
    assert!(all.len() > 100, "{} texts", all.len());
    let pieces = [
        " ",
        "\t",
        "\n",
        "\r\n",
        ":",
        ": ",
        "- ",
        "#",
        " #",
        "'",
        "''",
        "\"",
        "\\",
        ",",
        "[",
        "]",
        "{",
        "}",
        "? ",
        "!",
        "&a ",
        "*a",
        "|",
        ">",
        "é",
        "\u{FEFF}",
        "\u{85}",
        "--- ",
        "...",
        "\0",
        "  ",
        "\n  ",
        "\n- ",
        "a: b",
        "\"a b\"",
        "'a b'",
        "a_plain_scalar_longer_than_thirty_one_characters",
    ];
    let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed as usize
    };
    let mut out = Vec::new();
    for text in &all {
        out.push(text.clone());
        for _ in 0..40 {
            let mut t = text.clone();
            let mut at = next() % (t.len() + 1);
            while !t.is_char_boundary(at) {
                at -= 1;
            }
            match next() % 4 {
                0 | 1 => t.insert_str(at, pieces[next() % pieces.len()]),
                2 => {
                    let mut end = (at + 1 + next() % 4).min(t.len());
                    while !t.is_char_boundary(end) {
                        end += 1;
                    }
                    t.replace_range(at..end, "");
                }
                _ => t.truncate(at),
            }
            out.push(t);
        }
    }
    out
}

/// Whenever the lean reading gives a value, the spanned tree gives the same JSON; and it
/// gives one for the plain documents most manifests are (so the fast path is taken).
#[test]
fn lean_json_is_the_tree_as_json() {
    let all = texts_and_edits();
    let mut lean = 0;
    for text in &all {
        let Some(json) = lean_json(text, &Limits::default()) else {
            continue;
        };
        lean += 1;
        match load(text) {
            Ok(node) => assert_eq!(node.to_json(), json, "{text:?}"),
            Err(e) => panic!("lean gave a value the builder refuses ({e}): {text:?}"),
        }
    }
    assert!(lean > all.len() / 4, "{lean} of {}", all.len());
    let example = include_str!("../../../examples/dashboard-factory/readiness.yaml");
    assert!(lean_json(example, &Limits::default()).is_some());
}

/// What only the builder can say is left to it: each of these is `None`.
#[test]
fn lean_json_leaves_every_refusal_to_the_builder() {
    let deep = format!("{}1{}", "[".repeat(70), "]".repeat(70));
    for text in [
        "",
        "# only a comment\n",
        "a: 1\na: 2\n",
        "a: &x 1\nb: *x\n",
        "a: !!str 1\n",
        "a: !custom x\n",
        "<<: {a: 1}\n",
        "1: a\n",
        "null: a\n",
        "? [a]\n: b\n",
        "a: 1\n---\nb: 2\n",
        "a: 99999999999999999999\n",
        "a: .inf\n",
        "a: [1, 2\n",
        "a:\tb\n",
        deep.as_str(),
    ] {
        assert_eq!(lean_json(text, &Limits::default()), None, "{text:?}");
        assert!(
            load(text).is_err() || text.contains('&') || text.contains("!!str"),
            "{text:?}"
        );
    }
    let tight = Limits {
        max_depth: 2,
        max_alias_nodes: 10,
        max_nodes: 4,
    };
    let tight_load = |text: &str| {
        let src = SourceFile::new(Path::new("t.yaml"), "t.yaml".into(), text.into());
        parse(&src, &tight)
    };
    // The key, the item, the sequence and the mapping: four nodes, as the builder counts.
    assert!(tight_load("a: [1]\n").is_ok());
    assert!(tight_load("a: [[1]]\n").is_err());
    assert!(tight_load("a: [1, 2]\n").is_err());
    assert_eq!(
        lean_json("a: [1]\n", &tight),
        Some(serde_json::json!({"a": [1]}))
    );
    assert_eq!(lean_json("a: [[1]]\n", &tight), None);
    assert_eq!(lean_json("a: [1, 2]\n", &tight), None);
}
