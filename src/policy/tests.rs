//! Unit tests of repository policies.

use super::*;

fn parse(text: &str) -> Result<Policy, PolicyError> {
    Policy::parse(
        SourceFile::new(Path::new(FILE_NAME), FILE_NAME.into(), text.into()),
        Path::new(""),
        Some(FILE_NAME.into()),
    )
}

fn names(reqs: &[Requirement]) -> Vec<&str> {
    reqs.iter().map(|r| r.reference.as_str()).collect()
}

#[test]
fn default_policy_parses_and_matches_the_schema() {
    let p = Policy::default_policy();
    assert_eq!(p.origin(), DEFAULT_ORIGIN);
    assert_eq!(p.rules.len(), 2);
    // At run time the default skips the schema; here it must pass it as a file would.
    let src = SourceFile::new(Path::new(FILE_NAME), FILE_NAME.into(), DEFAULT_TEXT.into());
    let root = yaml::parse(&src, &Limits::default()).unwrap();
    let violations = Schema::get(Which::Policy).validate(&root, &root.to_json());
    assert!(violations.is_empty(), "{violations:?}");
    let as_file = Policy::parse(src, Path::new(""), Some(FILE_NAME.into())).unwrap();
    assert_eq!(as_file.rules.len(), p.rules.len());
}

#[test]
fn default_requirements_by_stage() {
    let p = Policy::default_policy();
    assert!(p.required("poc", None).is_empty());
    assert_eq!(names(&p.required("mvp", Some(3))), ["launch"]);
    assert_eq!(names(&p.required("mmp", None)), ["production", "launch"]);
    let prod = p.required("prod", Some(1));
    assert_eq!(names(&prod), ["production", "launch"]);
    assert_eq!(prod[0].required_by, DEFAULT_ORIGIN);
    assert!(prod[0].location.is_none());
}

/// The default requires each built-in checklist at exactly the stages its items apply to:
/// requiring it earlier would only add items that never run, later would let a manifest
/// drop items that apply to it.
#[test]
fn default_policy_agrees_with_the_builtin_items_stages() {
    let p = Policy::default_policy();
    for c in crate::checklist::builtins() {
        for stage in ["poc", "mvp", "mmp", "prod"] {
            let applies = c.items.iter().any(|i| i.applies(stage));
            let required = p
                .required(stage, None)
                .iter()
                .any(|r| r.reference == c.name);
            assert_eq!(required, applies, "checklist {} at stage {stage}", c.name);
        }
    }
}

#[test]
fn rules_match_stage_and_tier_and_a_missing_tier_matches_every_tier() {
    let p = parse(
        "version: 1\nrequire:\n  - checklists: [production]\n    when: { stage: [prod], tier: [1, 2] }\n  - checklists: [launch, production]\n",
    )
    .unwrap();
    assert_eq!(
        names(&p.required("prod", Some(1))),
        ["production", "launch"]
    );
    assert_eq!(
        p.required("prod", Some(1))[0].required_by,
        ".launchgate.yaml:3"
    );
    // `production` is first required by the second rule here.
    let tier3 = p.required("prod", Some(3));
    assert_eq!(names(&tier3), ["launch", "production"]);
    assert_eq!(tier3[1].required_by, ".launchgate.yaml:5");
    assert_eq!(names(&p.required("prod", None)), ["production", "launch"]);
    assert_eq!(names(&p.required("poc", Some(1))), ["launch", "production"]);
    let loc = p.required("prod", Some(1))[0].location.clone().unwrap();
    assert_eq!((loc.line, loc.column), (3, 18));
}

/// This repository's own `.launchgate.yaml` writes the default rules out (with reasons).
#[test]
fn the_repository_policy_requires_what_the_default_does() {
    let own = parse(include_str!("../../.launchgate.yaml")).unwrap();
    let default = Policy::default_policy();
    for stage in ["poc", "mvp", "mmp", "prod"] {
        for tier in [None, Some(1), Some(4)] {
            assert_eq!(
                names(&own.required(stage, tier)),
                names(&default.required(stage, tier)),
                "{stage} {tier:?}"
            );
        }
    }
}

#[test]
fn an_empty_policy_requires_nothing() {
    let p = parse("version: 1\nrequire: []\n").unwrap();
    assert!(p.required("prod", Some(1)).is_empty());
}

fn invalid(text: &str) -> (u32, u32, String) {
    match parse(text).unwrap_err() {
        PolicyError::Invalid { span, message, .. } => (span.start.line, span.start.column, message),
        other => panic!("{other:?}"),
    }
}

#[test]
fn schema_errors_are_located() {
    let (line, col, message) = invalid(
        "version: 1\nrequire:\n  - checklists: [production]\n    when: { stages: [prod] }\n",
    );
    assert_eq!((line, col), (4, 13));
    assert!(message.contains("unknown key `stages`"), "{message}");
    let (line, _, message) = invalid(
        "version: 1\nrequire:\n  - checklists: [production]\n    when: { stage: [production] }\n",
    );
    assert_eq!(line, 4);
    assert!(message.contains("not an allowed value"), "{message}");
    let (line, _, message) = invalid("version: 1\n");
    assert_eq!(line, 1);
    assert_eq!(message, "the policy is missing the required key `require`");
    let (line, _, message) = invalid("version: 1\nrequire:\n  - checklists: []\n");
    assert_eq!(line, 3);
    assert!(message.contains("checklists"), "{message}");
}

#[test]
fn yaml_errors_are_located() {
    let (line, _, message) = invalid("version: 1\nversion: 1\nrequire: []\n");
    assert_eq!(line, 2);
    assert!(message.contains("duplicate key"), "{message}");
}

#[test]
fn unknown_checklists_and_missing_files_are_located() {
    let (line, col, message) =
        invalid("version: 1\nrequire:\n  - checklists: [production, prodution]\n");
    assert_eq!((line, col), (3, 30));
    assert_eq!(message, "unknown checklist `prodution`");
    let (line, _, message) = invalid("version: 1\nrequire:\n  - checklists: [team/missing.yaml]\n");
    assert_eq!(line, 3);
    assert!(message.contains("does not exist"), "{message}");
}

#[test]
fn find_stops_at_the_repository_root() {
    let tmp = tempfile::tempdir().unwrap();
    let outer = tmp.path();
    let repo = outer.join("repo");
    let svc = repo.join("services/api");
    std::fs::create_dir_all(&svc).unwrap();
    std::fs::write(outer.join(FILE_NAME), "version: 1\nrequire: []\n").unwrap();
    // Outside a repository the walk goes up and finds the outer file.
    assert_eq!(
        find(&svc).unwrap(),
        Some(std::fs::canonicalize(outer).unwrap().join(FILE_NAME))
    );
    // `.git` (here a worktree's file) ends the walk: the outer file is not the repository's.
    std::fs::write(repo.join(".git"), "gitdir: elsewhere\n").unwrap();
    assert_eq!(find(&svc).unwrap(), None);
    std::fs::write(repo.join(FILE_NAME), "version: 1\nrequire: []\n").unwrap();
    let canonical_repo = std::fs::canonicalize(&repo).unwrap();
    assert_eq!(find(&svc).unwrap(), Some(canonical_repo.join(FILE_NAME)));
    // `find` names the nearest file (`init` asks whether any governs); `find_all` gives
    // every layer, the root's first.
    std::fs::write(svc.join(FILE_NAME), "version: 1\nrequire: []\n").unwrap();
    assert_eq!(
        find(&svc).unwrap(),
        Some(canonical_repo.join("services/api").join(FILE_NAME))
    );
    assert_eq!(
        find_all(&svc).unwrap(),
        (
            vec![
                canonical_repo.join(FILE_NAME),
                canonical_repo.join("services/api").join(FILE_NAME)
            ],
            true
        )
    );
    std::fs::remove_file(repo.join(FILE_NAME)).unwrap();
    assert_eq!(
        find_all(&svc).unwrap(),
        (
            vec![canonical_repo.join("services/api").join(FILE_NAME)],
            false
        )
    );
}

#[test]
fn the_cache_loads_each_file_once_and_falls_back_to_the_default() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(tmp.path().join(".git")).unwrap();
    let cache = Cache::default();
    let p = cache
        .for_manifest(&Default::default(), &tmp.path().join("readiness.yaml"))
        .unwrap();
    assert!(p.file.is_none());
    let tmp2 = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(tmp2.path().join(".git")).unwrap();
    std::fs::write(tmp2.path().join(FILE_NAME), "version: 1\nrequire: []\n").unwrap();
    let a = cache
        .for_manifest(&Default::default(), &tmp2.path().join("a.readiness.yaml"))
        .unwrap();
    let b = cache
        .for_manifest(&Default::default(), &tmp2.path().join("b.readiness.yaml"))
        .unwrap();
    assert!(Arc::ptr_eq(&a, &b));
    assert!(a.rules.is_empty());
}
