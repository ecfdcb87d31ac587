use super::*;

fn ctx() -> Context<'static, 'static> {
    let files = serde_json::json!({
        "r.md": {"exists": true, "markdown": {"headings": ["Rollback steps"], "steps": 3, "raw_steps": 5}}
    });
    let mut c = context(Arc::new(Scope {
        files: files.as_object().unwrap().clone(),
        ..Scope::bare("2026-11-24".parse().unwrap())
    }));
    c.add_variable_from_value(
        "manifest",
        from_json(&serde_json::json!({"rollback": {"last_tested": "2026-11-02"}})),
    );
    c
}

fn eval(src: &str) -> Result<bool, String> {
    Expr::compile(src).unwrap().eval_bool(&ctx())
}

#[test]
fn headings_match_in_any_case() {
    for (hay, needle, found) in [
        ("Escalation path", "escalat", true),
        ("ESCALATION", "Escalat", true),
        ("## Eskalation", "escalat", false),
        ("Rollback", "", true),
        ("Étapes d'ESCALADE", "escalade", true),
        ("Straße", "STRASSE", false),
        ("ab", "abc", false),
    ] {
        assert_eq!(
            contains_ignoring_case(hay, needle),
            found,
            "{hay} / {needle}"
        );
        assert_eq!(
            hay.to_lowercase().contains(&needle.to_lowercase()),
            found,
            "{hay} / {needle}"
        );
    }
}

#[test]
fn date_functions_count_whole_days_against_now() {
    assert_eq!(
        eval("days_since(manifest.rollback.last_tested) == 22"),
        Ok(true)
    );
    assert_eq!(eval("days_until('2026-12-01') == 7"), Ok(true));
    assert_eq!(eval("days_since('2026-11-25') == -1"), Ok(true));
    assert!(eval("days_since('2026-02-30') == 0").is_err());
}

#[test]
fn durations_and_files() {
    assert_eq!(
        eval("seconds('1h30m') == 5400 && minutes('15m') == 15"),
        Ok(true)
    );
    assert_eq!(eval("file('r.md').exists && steps('r.md') == 3"), Ok(true));
    assert_eq!(
        eval("has_heading('r.md', 'ROLLBACK') && !has_heading('r.md', 'comms')"),
        Ok(true)
    );
    assert_eq!(eval("file('nope.md').exists"), Ok(false));
    assert_eq!(
        eval("is_url('https://x.example') && !is_url('x.md')"),
        Ok(true)
    );
}

#[test]
fn identities_steps_and_rollback_targets() {
    assert_eq!(
        eval("identity(' @Alice ') == '@alice' && same_identity('@Org/Team', '@org/team ')"),
        Ok(true)
    );
    assert_eq!(eval("same_identity('@alice', '@alicia')"), Ok(false));
    assert_eq!(
        eval("word_count('page on-call, then -- rerun') == 4 && word_count(' - ') == 0"),
        Ok(true)
    );
    assert_eq!(
        eval("steps('r.md') == 3 && raw_steps('r.md') == 5"),
        Ok(true)
    );
    // Without a repository a name's text still decides; what needs history is an error
    // (rules with `hold_on_error` hold).
    assert_eq!(
        eval("!known_good('HEAD~1').immutable && known_good('HEAD~1').kind == 'expression'"),
        Ok(true)
    );
    assert!(eval("known_good('v1.4.2').immutable").is_err());
}

#[test]
fn missing_keys_and_non_booleans_are_errors() {
    assert!(eval("manifest.backup.rpo == '1h'").is_err());
    assert!(eval("1 + 1").unwrap_err().contains("not a boolean"));
}

#[test]
fn templates_interpolate_and_survive_errors() {
    let t = Template::compile(
        "tested {days_since(manifest.rollback.last_tested)} days ago, {manifest.nope}",
    )
    .unwrap();
    assert_eq!(t.render(&ctx()), "tested 22 days ago, ?");
    assert!(Template::compile("bad {1 +}").is_err());
}

#[test]
fn deferred_templates_render_as_compiled_ones_and_bad_text_as_written() {
    let text = "tested {days_since(manifest.rollback.last_tested)} days ago, {manifest.nope}";
    let t = Template::deferred(text);
    assert_eq!(t.render(&ctx()), "tested 22 days ago, ?");
    assert_eq!(t.render(&ctx()), "tested 22 days ago, ?");
    assert_eq!(Template::deferred("bad {1 +}").render(&ctx()), "bad {1 +}");
}
