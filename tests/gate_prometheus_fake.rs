//! Gates over Prometheus against a fake server on loopback, for what a real one will not do
//! on demand: 500s, garbage and huge bodies, slow answers, 401s that echo the credentials.
//! Every one holds, never passes; no credential is ever printed. Also: PromQL syntax errors
//! are `launchgate check` findings.

mod common;

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::{launchgate, write_tree};
use serde_json::Value;

/// What the fake server answers: status line code, content type, body, delay.
#[derive(Clone)]
struct Answer {
    status: u16,
    body: Body,
    delay: Duration,
}

#[derive(Clone)]
enum Body {
    Text(String),
    /// The request's Authorization header, echoed back.
    EchoAuth,
    /// This many bytes of `[`.
    Huge(usize),
}

/// A one-answer HTTP server; `requests` collects what it was sent.
struct Fake {
    url: String,
    requests: Arc<Mutex<Vec<String>>>,
}

fn serve(answer: Answer) -> Fake {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let requests = Arc::new(Mutex::new(Vec::new()));
    let seen = requests.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let answer = answer.clone();
            let seen = seen.clone();
            std::thread::spawn(move || handle(stream, &answer, &seen));
        }
    });
    Fake { url, requests }
}

fn handle(mut stream: TcpStream, answer: &Answer, seen: &Mutex<Vec<String>>) {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
        match stream.read(&mut chunk) {
            Ok(0) | Err(_) => return,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    }
    let request = String::from_utf8_lossy(&buf).into_owned();
    seen.lock().unwrap().push(request.clone());
    std::thread::sleep(answer.delay);
    let body: Vec<u8> = match &answer.body {
        Body::Text(t) => t.clone().into_bytes(),
        Body::EchoAuth => request
            .lines()
            .find(|l| l.to_ascii_lowercase().starts_with("authorization:"))
            .unwrap_or("no authorization")
            .as_bytes()
            .to_vec(),
        Body::Huge(n) => vec![b'['; *n],
    };
    let head = format!(
        "HTTP/1.1 {} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
        answer.status,
        body.len()
    );
    let _ = stream.write_all(head.as_bytes());
    let _ = stream.write_all(&body);
}

fn answer(status: u16, body: &str) -> Answer {
    Answer {
        status,
        body: Body::Text(body.to_string()),
        delay: Duration::ZERO,
    }
}

fn manifest(dir: &Path, query: &str) -> PathBuf {
    let text = format!(
        r#"version: 1
service: {{ name: checkout, stage: prod }}
rollout:
  phases:
    - name: canary-1
      traffic: 5
      gates:
        - name: up
          query: '{query}'
          expr: value < 1
"#
    );
    let path = dir.join("readiness.yaml");
    std::fs::write(&path, text).unwrap();
    path
}

/// `check` of manifest `m` as JSON: (exit code, report).
fn check(m: &Path) -> (i32, Value) {
    let out = launchgate()
        .arg("check")
        .arg(m)
        .args(["--format", "json", "--now", "2026-11-25"])
        .output()
        .unwrap();
    (
        out.status.code().unwrap(),
        serde_json::from_slice(&out.stdout).unwrap(),
    )
}

/// `gate --phase canary-1` against `url`: (exit, outcome and message of canary-1/up, all output).
fn gate(url: &str, format: &str, env: &[(&str, &str)]) -> (i32, String, String, String) {
    let dir = tempfile::tempdir().unwrap();
    let m = manifest(dir.path(), "up");
    let mut cmd = launchgate();
    cmd.arg("gate")
        .arg(&m)
        .args(["--phase", "canary-1", "--now", "2026-11-25T12:00:00Z"])
        .args(["--prometheus", url, "--timeout", "1s", "--format", format])
        .env_remove("LAUNCHGATE_PROMETHEUS_TOKEN")
        .env_remove("LAUNCHGATE_PROMETHEUS_USERNAME")
        .env_remove("LAUNCHGATE_PROMETHEUS_PASSWORD");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(!stderr.contains("panicked"), "{stderr}");
    let (outcome, message) = if format == "json" {
        let report: Value =
            serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}{stderr}"));
        let f = report["manifests"][0]["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["item"] == "canary-1/up")
            .cloned()
            .unwrap();
        (
            f["outcome"].as_str().unwrap().to_string(),
            f["message"].as_str().unwrap().to_string(),
        )
    } else {
        (String::new(), String::new())
    };
    (
        out.status.code().unwrap(),
        outcome,
        message,
        format!("{stdout}{stderr}"),
    )
}

#[test]
fn every_failure_mode_holds_with_a_clear_message() {
    let vector = |v: &str| {
        format!(
            r#"{{"status":"success","data":{{"resultType":"vector","result":[{{"metric":{{"instance":"a"}},"value":[1795608000,"{v}"]}},{{"metric":{{"instance":"b"}},"value":[1795608000,"0"]}}]}}}}"#
        )
    };
    let cases: Vec<(&str, Answer, i32, &str)> = vec![
        (
            "pass",
            answer(200, &vector("0.5")),
            0,
            "holds now for all 2 series",
        ),
        (
            "fail",
            answer(200, &vector("3")),
            1,
            "fails now for {instance=\"a\"}: value = 3 at 2026-11-25T12:00:00Z",
        ),
        (
            "inf",
            answer(200, &vector("+Inf")),
            3,
            "for {instance=\"a\"}: the value is +Inf at 2026-11-25T12:00:00Z",
        ),
        (
            "500",
            answer(500, "<html>upstream exploded</html>"),
            3,
            "Prometheus answered HTTP 500: `<html>upstream exploded</html>`",
        ),
        (
            "not json",
            answer(200, "<html>login page</html>"),
            3,
            "the response is not Prometheus API JSON",
        ),
        (
            "not success",
            answer(200, r#"{"status":"pending"}"#),
            3,
            "not a successful query result: `status` is \"pending\"",
        ),
        (
            "bad_data",
            answer(
                400,
                r#"{"status":"error","errorType":"bad_data","error":"invalid parameter \"query\": bad"}"#,
            ),
            3,
            "Prometheus answered HTTP 400 with bad_data: invalid parameter \"query\": bad",
        ),
        (
            "empty",
            answer(
                200,
                r#"{"status":"success","data":{"resultType":"vector","result":[]}}"#,
            ),
            3,
            "the query returned no series",
        ),
        (
            "string",
            answer(
                200,
                r#"{"status":"success","data":{"resultType":"string","result":[1795608000,"x"]}}"#,
            ),
            3,
            "the result is a string, not numbers",
        ),
        (
            "huge",
            Answer {
                status: 200,
                body: Body::Huge(40 * 1024 * 1024),
                delay: Duration::ZERO,
            },
            3,
            "larger than the 33554432 bytes",
        ),
        (
            "slow",
            Answer {
                delay: Duration::from_secs(4),
                ..answer(200, &vector("0"))
            },
            3,
            "did not answer within 1s (--timeout)",
        ),
    ];
    let mut failures = Vec::new();
    for (name, a, exit, fragment) in cases {
        let fake = serve(a);
        let started = Instant::now();
        let (code, _, message, all) = gate(&fake.url, "json", &[]);
        if code != exit || !message.contains(fragment) {
            failures.push(format!(
                "{name}: exit {code} (expected {exit}): {message}\n{all}"
            ));
        }
        if name == "slow" && started.elapsed() > Duration::from_secs(3) {
            failures.push(format!(
                "slow: took {:?} with --timeout 1s",
                started.elapsed()
            ));
        }
        let requests = fake.requests.lock().unwrap();
        let first = requests.first().cloned().unwrap_or_default();
        // An instant query at --now, and no credentials unless configured.
        if !first.starts_with("GET /api/v1/query?query=up&time=1795608000.000 ") {
            failures.push(format!("{name}: request {first}"));
        }
        if first.to_ascii_lowercase().contains("authorization") {
            failures.push(format!("{name}: sent credentials nobody gave: {first}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn credentials_are_sent_and_never_shown() {
    let token = "tok-S3CRET-xyz";
    let fake = serve(Answer {
        status: 401,
        body: Body::EchoAuth,
        delay: Duration::ZERO,
    });
    for format in ["human", "json", "sarif", "github", "junit", "markdown"] {
        let (code, _, message, all) =
            gate(&fake.url, format, &[("LAUNCHGATE_PROMETHEUS_TOKEN", token)]);
        assert_eq!(code, 3, "{all}");
        assert!(!all.contains("S3CRET"), "{format}: {all}");
        if format == "json" {
            assert!(
                message.contains("HTTP 401 (unauthorized: set LAUNCHGATE_PROMETHEUS_TOKEN"),
                "{message}"
            );
            assert!(
                message.to_ascii_lowercase().contains("authorization: ***"),
                "the echo is scrubbed, not dropped: {message}"
            );
        }
    }
    let seen = fake.requests.lock().unwrap().clone();
    assert!(
        seen.iter()
            .all(|r| r.contains(&format!("authorization: Bearer {token}"))
                || r.contains(&format!("Authorization: Bearer {token}"))),
        "{seen:?}"
    );

    let fake = serve(Answer {
        status: 401,
        body: Body::EchoAuth,
        delay: Duration::ZERO,
    });
    let (code, _, _, all) = gate(
        &fake.url,
        "json",
        &[
            ("LAUNCHGATE_PROMETHEUS_USERNAME", "bob"),
            ("LAUNCHGATE_PROMETHEUS_PASSWORD", "pw-S3CRET"),
        ],
    );
    assert_eq!(code, 3);
    assert!(
        !all.contains("S3CRET") && !all.contains("Ym9iOnB3LVMzQ1JFVA=="),
        "{all}"
    );
    let seen = fake.requests.lock().unwrap().clone();
    // base64("bob:pw-S3CRET")
    assert!(
        seen[0]
            .to_ascii_lowercase()
            .contains("authorization: basic ym9ionb3lvmzq1jfva=="),
        "{seen:?}"
    );
}

/// The manifest's `rollout.prometheus` is the pull request's to write: the token in the
/// environment goes only to the server named by LAUNCHGATE_PROMETHEUS_URL or --prometheus, and
/// the hold says why the manifest's server got none.
#[test]
fn credentials_never_go_to_the_server_a_manifest_names() {
    let token = "tok-S3CRET-xyz";
    for caller_names_it in [false, true] {
        let fake = serve(Answer {
            status: 401,
            body: Body::EchoAuth,
            delay: Duration::ZERO,
        });
        let dir = tempfile::tempdir().unwrap();
        let m = manifest(dir.path(), "up");
        let text = std::fs::read_to_string(&m).unwrap().replacen(
            "rollout:\n",
            &format!("rollout:\n  prometheus: {}\n", fake.url),
            1,
        );
        std::fs::write(&m, text).unwrap();
        let mut cmd = launchgate();
        cmd.arg("gate")
            .arg(&m)
            .args(["--phase", "canary-1", "--now", "2026-11-25T12:00:00Z"])
            .args(["--timeout", "1s", "--format", "json"])
            .env("LAUNCHGATE_PROMETHEUS_TOKEN", token)
            .env_remove("LAUNCHGATE_PROMETHEUS_USERNAME")
            .env_remove("LAUNCHGATE_PROMETHEUS_PASSWORD")
            .env_remove("LAUNCHGATE_PROMETHEUS_URL");
        if caller_names_it {
            cmd.env("LAUNCHGATE_PROMETHEUS_URL", &fake.url);
        }
        let out = cmd.output().unwrap();
        let all = common::all_output(&out);
        assert_eq!(out.status.code(), Some(3), "{all}");
        assert!(!all.contains("S3CRET"), "{all}");
        let seen = fake.requests.lock().unwrap().clone();
        assert!(!seen.is_empty());
        let sent = seen
            .iter()
            .all(|r| r.to_ascii_lowercase().contains("authorization: bearer"));
        let none = seen
            .iter()
            .all(|r| !r.to_ascii_lowercase().contains("authorization:"));
        if caller_names_it {
            assert!(sent, "{seen:?}");
            assert!(
                all.contains("unauthorized: set LAUNCHGATE_PROMETHEUS_TOKEN"),
                "{all}"
            );
        } else {
            assert!(none, "the manifest's server was sent credentials: {seen:?}");
            assert!(
                all.contains("credentials from the environment go only to the server given by --prometheus or LAUNCHGATE_PROMETHEUS_URL"),
                "{all}"
            );
        }
    }
}

#[test]
fn unreachable_server_and_no_server_hold() {
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("http://127.0.0.1:{port}");
    let (code, outcome, message, _) = gate(&url, "json", &[]);
    assert_eq!((code, outcome.as_str()), (3, "hold"));
    assert!(
        message.contains(&format!("cannot reach the Prometheus server at {url}")),
        "{message}"
    );

    let dir = tempfile::tempdir().unwrap();
    let m = manifest(dir.path(), "up");
    let out = launchgate()
        .arg("gate")
        .arg(&m)
        .args(["--phase", "canary-1", "--format", "json"])
        .env_remove("LAUNCHGATE_PROMETHEUS_URL")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("no Prometheus server: set `rollout.prometheus`, LAUNCHGATE_PROMETHEUS_URL or --prometheus"), "{text}");

    let out = launchgate()
        .arg("gate")
        .arg(&m)
        .args(["--phase", "canary-1", "--timeout", "soon"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn promql_syntax_errors_are_check_findings() {
    let dir = tempfile::tempdir().unwrap();
    write_tree(dir.path(), &[]);
    let m = manifest(dir.path(), "sum(rate(http_requests_total{job=\"app\"}[5m])");
    let (code, report) = check(&m);
    assert_eq!(code, 1);
    let promql = common::failed(&report, "LG-PROMQL");
    assert_eq!(promql.len(), 1, "{report:#}");
    let (line, message) = &promql[0];
    assert_eq!(*line, 9, "points at the query");
    assert!(
        message.starts_with("the query of gate `canary-1/up` is not valid PromQL: "),
        "{message}"
    );

    // At gate time the same gate fails (it is a broken gate), without asking any server.
    let out = launchgate()
        .arg("gate")
        .arg(&m)
        .args([
            "--phase",
            "canary-1",
            "--format",
            "json",
            "--prometheus",
            "http://127.0.0.1:9",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("the query is not valid PromQL"));

    // The schema: `step` needs `query` and `window`.
    std::fs::write(
        &m,
        "version: 1\nservice: { name: c, stage: prod }\nrollout:\n  phases:\n    - name: p\n      traffic: 1\n      gates:\n        - { expr: 'value < 1', step: 1m }\n",
    )
    .unwrap();
    let out = launchgate()
        .arg("check")
        .arg(&m)
        .args(["--format", "json"])
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        common::failures(&report)
            .iter()
            .any(|(item, line, _)| item == "LG-SCHEMA" && *line == 8),
        "{report:#}"
    );
}

/// `... or vector(0)` turns "no data" into a 0 that passes `value < 1`: `check` reports the
/// gate, and `gate` fails it without asking the server, which here would answer 0.
#[test]
fn a_constant_fallback_is_refused_before_any_query() {
    let dir = tempfile::tempdir().unwrap();
    let m = manifest(dir.path(), "sum(rate(errors_total[5m])) or vector(0)");
    let (code, report) = check(&m);
    assert_eq!(code, 1);
    assert!(
        common::failed(&report, "LG-GATE")
            .iter()
            .any(|(_, message)| message
                .contains("returns `vector(0)` when the series it reads are missing")),
        "{report:#}"
    );
    let fake = serve(answer(
        200,
        r#"{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1795608000,"0"]}]}}"#,
    ));
    let out = launchgate()
        .arg("gate")
        .arg(&m)
        .args(["--phase", "canary-1", "--now", "2026-11-25T12:00:00Z"])
        .args(["--prometheus", &fake.url, "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stdout)
            .contains("or on() (0 * sum(rate(requests_total[5m])))"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(
        fake.requests.lock().unwrap().is_empty(),
        "the server was asked"
    );
}

#[test]
fn range_queries_cover_the_window_and_max_gap_is_the_gates() {
    // Points every minute from 11:31 to 11:44: the series stopped 16 minutes before now.
    let values: Vec<String> = (31..=44)
        .map(|m| format!("[{},\"0.5\"]", 1_795_606_200 + (m - 30) * 60))
        .collect();
    let body = format!(
        r#"{{"status":"success","data":{{"resultType":"matrix","result":[{{"metric":{{"job":"app"}},"values":[{}]}}]}}}}"#,
        values.join(",")
    );
    for (max_gap, exit, fragment) in [
        (
            "",
            3,
            "the series stops at 2026-11-25T11:44:00Z, 16m before the evaluation time (max_gap 5m)",
        ),
        ("          max_gap: 20m\n", 0, "max(value) = 0.5"),
    ] {
        let fake = serve(answer(200, &body));
        let dir = tempfile::tempdir().unwrap();
        let m = dir.path().join("readiness.yaml");
        std::fs::write(
            &m,
            format!(
                "version: 1\nservice: {{ name: c, stage: prod }}\nrollout:\n  phases:\n    - name: canary-1\n      traffic: 5\n      gates:\n        - name: up\n          query: up\n          window: 30m\n          step: 1m\n{max_gap}          expr: max(value) < 1\n"
            ),
        )
        .unwrap();
        let out = launchgate()
            .arg("gate")
            .arg(&m)
            .args([
                "--phase",
                "canary-1",
                "--now",
                "2026-11-25T12:00:00Z",
                "--format",
                "json",
            ])
            .args(["--prometheus", &fake.url])
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert_eq!(out.status.code(), Some(exit), "{text}");
        assert!(text.contains(fragment), "{text}");
        let requests = fake.requests.lock().unwrap();
        assert!(
            requests[0].starts_with(
                "GET /api/v1/query_range?query=up&start=1795606200.000&end=1795608000.000&step=60.000 "
            ),
            "{}",
            requests[0]
        );
    }
}

/// A query gate that cannot be evaluated on the series (a number compared with a string)
/// fails, and says to fix the gate, not to roll back: nothing was seen wrong with the release.
/// The same series held false says to roll back.
#[test]
fn a_gate_that_cannot_be_evaluated_fails_without_saying_to_roll_back() {
    let vector = r#"{"status":"success","data":{"resultType":"vector","result":[{"metric":{"instance":"a"},"value":[1795608000,"3"]}]}}"#;
    let fake = serve(answer(200, vector));
    for (expr, failure, help) in [
        ("value < 1", "violated", "stop the rollout and roll back"),
        (
            r#"value < "1""#,
            "undecided",
            "fix the gate's expression: it cannot be evaluated on the series",
        ),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let m = manifest(dir.path(), "up");
        let text = std::fs::read_to_string(&m).unwrap();
        std::fs::write(
            &m,
            text.replace("expr: value < 1", &format!("expr: '{expr}'")),
        )
        .unwrap();
        let out = launchgate()
            .arg("gate")
            .arg(&m)
            .args(["--phase", "canary-1", "--now", "2026-11-25T12:00:00Z"])
            .args(["--prometheus", &fake.url, "--format", "json"])
            .env_remove("LAUNCHGATE_PROMETHEUS_TOKEN")
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{expr}");
        let report: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(report["gate"]["failure"], failure, "{expr}: {report:#}");
        let f = report["manifests"][0]["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["item"] == "canary-1/up")
            .unwrap();
        assert_eq!(f["outcome"], "fail", "{expr}");
        assert!(
            f["help"].as_str().unwrap().starts_with(help),
            "{expr}: {f:#}"
        );
    }
}
