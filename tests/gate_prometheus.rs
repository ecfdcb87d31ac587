//! Canary gates over a real Prometheus: the Debian `prometheus` server (installed by
//! scripts/install-test-tools.sh) on a free loopback port, its TSDB built by `promtool tsdb
//! create-blocks-from openmetrics` from tests/support/prom_data.rs. Every scenario's
//! decision and message was worked out by hand from that data before the test was run.
//! Without the tools, the test prints SKIPPED.

mod common;
#[path = "support/prom_data.rs"]
mod prom_data;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::{launchgate, tool};
use prom_data::NOW_TEXT;
use serde_json::Value;

/// A running Prometheus, stopped by its PID when dropped.
struct Server {
    child: Child,
    url: String,
    _dir: tempfile::TempDir,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Builds the TSDB and starts Prometheus on it, or `None` (SKIPPED) without the tools.
fn start(port: Option<u16>) -> Option<Server> {
    let prometheus = tool("prometheus")?;
    let promtool = tool("promtool")?;
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data.om");
    std::fs::write(&data, prom_data::openmetrics()).unwrap();
    let tsdb = dir.path().join("tsdb");
    let out = Command::new(&promtool)
        .args(["tsdb", "create-blocks-from", "openmetrics"])
        .arg(&data)
        .arg(&tsdb)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "promtool: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let config = dir.path().join("prometheus.yml");
    std::fs::write(&config, "global:\n  scrape_interval: 15s\n").unwrap();
    let port = port.unwrap_or_else(free_port);
    let log = std::fs::File::create(dir.path().join("prometheus.log")).unwrap();
    let child = Command::new(&prometheus)
        .arg(format!("--storage.tsdb.path={}", tsdb.display()))
        // The data are stamped at fixed past times and must not age out.
        .arg("--storage.tsdb.retention.time=100y")
        .arg(format!("--web.listen-address=127.0.0.1:{port}"))
        .arg(format!("--config.file={}", config.display()))
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .unwrap();
    let server = Server {
        child,
        url: format!("http://127.0.0.1:{port}"),
        _dir: dir,
    };
    let ready = format!("{}/-/ready", server.url);
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if let Ok(r) = ureq::get(&ready).call()
            && r.status() == 200
        {
            return Some(server);
        }
        if Instant::now() > deadline {
            let log = std::fs::read_to_string(server._dir.path().join("prometheus.log"))
                .unwrap_or_default();
            panic!("prometheus did not become ready: {log}");
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}

const ERROR_RATIO: &str = r#"sum by (instance) (rate(http_requests_total{job="JOB",code=~"5.."}[5m])) / sum by (instance) (rate(http_requests_total{job="JOB"}[5m]))"#;
const P99: &str = r#"histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket{job="JOB"}[5m])))"#;

/// A manifest whose gates ask about one job; `extra` goes into canary-1's gates.
fn manifest(dir: &Path, job: &str, server: &str, extra: &str) -> PathBuf {
    let q = |s: &str| s.replace("JOB", job).replace('\'', "''");
    let text = format!(
        r#"version: 1
service: {{ name: checkout, stage: prod }}
rollout:
  prometheus: {server}
  history: history.jsonl
  phases:
    - name: canary-1
      traffic: 5
      gates:
        - name: error-ratio
          query: '{ratio}'
          window: 30m
          step: 1m
          expr: max(value) < 0.02
        - name: p99-latency-now
          query: '{p99}'
          expr: value < 0.5
{extra}    - name: canary-2
      traffic: 25
      after: 60m
"#,
        ratio = q(ERROR_RATIO),
        p99 = q(P99),
    );
    let path = dir.join("readiness.yaml");
    std::fs::write(&path, text).unwrap();
    path
}

/// `gate --all` at `now`: (exit code, JSON report, stderr).
fn gate(manifest: &Path, now: &str, args: &[&str], env: &[(&str, &str)]) -> (i32, Value, String) {
    let mut cmd = launchgate();
    cmd.arg("gate")
        .arg(manifest)
        .args(["--all", "--now", now, "--format", "json"])
        .args(args)
        .env_remove("LAUNCHGATE_PROMETHEUS_URL")
        .env_remove("LAUNCHGATE_PROMETHEUS_TOKEN");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(!stderr.contains("panicked"), "{stderr}");
    let report: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {stderr} {}", String::from_utf8_lossy(&out.stdout)));
    (out.status.code().unwrap(), report, stderr)
}

/// (outcome, message) of a finding.
fn finding(report: &Value, item: &str) -> (String, String) {
    let f = report["manifests"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["item"] == item)
        .unwrap_or_else(|| panic!("no finding {item}: {report:#}"));
    (
        f["outcome"].as_str().unwrap().to_string(),
        f["message"].as_str().unwrap().to_string(),
    )
}

/// One job's scenario: the expected exit code, phase verdicts, and for each named finding
/// its outcome and fragments its message must contain.
struct Scenario {
    job: &'static str,
    now: &'static str,
    exit: i32,
    phases: [&'static str; 2],
    findings: &'static [(&'static str, &'static str, &'static [&'static str])],
}

const SCENARIOS: &[Scenario] = &[
    // Error ratio 0.05 / 10.05 = 0.004975 on both instances; p99 0.2485s.
    Scenario {
        job: "healthy",
        now: NOW_TEXT,
        exit: 0,
        phases: ["pass", "pass"],
        findings: &[
            (
                "canary-1/error-ratio",
                "pass",
                &[
                    "all 2 series",
                    "{instance=\"a\"}: max(value) = 0.00497",
                    "{instance=\"b\"}",
                ],
            ),
            ("canary-1/p99-latency-now", "pass", &["value = 0.248"]),
            ("canary-2/after", "pass", &["all 2 held"]),
        ],
    },
    // Instance b's 5xx at 5/s from 11:50:00: the rate at 11:51:00 is the first over 2%,
    // and the window ends fully in the spike, 5 / 15 = 0.333.
    Scenario {
        job: "spike",
        now: NOW_TEXT,
        exit: 1,
        phases: ["fail", "fail"],
        findings: &[
            (
                "canary-1/error-ratio",
                "fail",
                &[
                    "fails over the last 30m for {instance=\"b\"}",
                    "max(value) = 0.333",
                    "first offending sample: 0.",
                    "at 2026-11-25T11:51:00Z",
                ],
            ),
            ("canary-1/p99-latency-now", "pass", &["value = 0.248"]),
        ],
    },
    // --now is honoured: half an hour earlier there was no spike yet.
    Scenario {
        job: "spike",
        now: "2026-11-25T11:30:00Z",
        exit: 0,
        phases: ["pass", "pass"],
        findings: &[("canary-1/error-ratio", "pass", &["all 2 series"])],
    },
    // Latency regression for the last 15 minutes: p99 1 + 0.5 / 2 * 1.5 = 1.375s (Prometheus
    // answers 1.3749999999970621: rate() extrapolation in floating point).
    Scenario {
        job: "slow",
        now: NOW_TEXT,
        exit: 1,
        phases: ["fail", "fail"],
        findings: &[
            (
                "canary-1/p99-latency-now",
                "fail",
                &[
                    "fails now for {}",
                    "value = 1.37499999999",
                    "at 2026-11-25T12:00:00Z",
                ],
            ),
            ("canary-1/error-ratio", "pass", &["its series"]),
        ],
    },
    // Scrapes stop at 11:40:00; rate()[5m] has two samples until 11:44:59, so the last
    // 1m point is 11:44:00, 16m before now: over max_gap (5m). The instant query is empty.
    Scenario {
        job: "stopped",
        now: NOW_TEXT,
        exit: 3,
        phases: ["hold", "hold"],
        findings: &[
            (
                "canary-1/error-ratio",
                "hold",
                &[
                    "the series stops at 2026-11-25T11:44:00Z, 16m before the evaluation time (max_gap 5m)",
                ],
            ),
            ("canary-1/p99-latency-now", "hold", &["returned no series"]),
        ],
    },
    // No traffic: 0 / 0 is NaN, not "no errors".
    Scenario {
        job: "idle",
        now: NOW_TEXT,
        exit: 3,
        phases: ["hold", "hold"],
        findings: &[
            (
                "canary-1/error-ratio",
                "hold",
                &["the value is NaN at 2026-11-25T11:31:00Z"],
            ),
            (
                "canary-1/p99-latency-now",
                "hold",
                &["the value is NaN at 2026-11-25T12:00:00Z"],
            ),
        ],
    },
    // No data for the job at all.
    Scenario {
        job: "absent",
        now: NOW_TEXT,
        exit: 3,
        phases: ["hold", "hold"],
        findings: &[
            ("canary-1/error-ratio", "hold", &["returned no series"]),
            ("canary-1/p99-latency-now", "hold", &["returned no series"]),
        ],
    },
    // Errors spiked 11:10-11:20 and cleared: canary-1's 30m window is clean now, but
    // canary-2's `after: 60m` re-evaluates it at every minute since 11:00; the window
    // ending 11:11:00 holds the first bad point.
    Scenario {
        job: "blip",
        now: NOW_TEXT,
        exit: 1,
        phases: ["pass", "fail"],
        findings: &[
            ("canary-1/error-ratio", "pass", &["its series"]),
            (
                "canary-2/after",
                "fail",
                &[
                    "did not hold over the 30m ending 2026-11-25T11:11:00Z for {instance=\"a\"}",
                    "first offending sample: 0.",
                    "at 2026-11-25T11:11:00Z",
                ],
            ),
        ],
    },
    // Latency regressed 11:10-11:20 only. canary-1's instant p99 is fine now; `after: 60m`
    // evaluates it at every 15s sample since 11:00 (the default step for a 60m span), and the
    // first whose rate()[5m] holds a slow scrape is 11:10:15: 1 slow interval in 20 puts the
    // 0.99 rank in the 0.5-1s bucket (about 0.76s).
    Scenario {
        job: "slowblip",
        now: NOW_TEXT,
        exit: 1,
        phases: ["pass", "fail"],
        findings: &[
            ("canary-1/p99-latency-now", "pass", &["value = 0.248"]),
            (
                "canary-2/after",
                "fail",
                &[
                    "p99-latency-now` (`value < 0.5`) did not hold at 2026-11-25T11:10:15Z for {}: value = 0.7",
                ],
            ),
        ],
    },
];

#[test]
fn gates_over_a_real_prometheus() {
    let Some(server) = start(None) else { return };
    let dir = tempfile::tempdir().unwrap();
    let mut failures = Vec::new();
    for s in SCENARIOS {
        let m = manifest(dir.path(), s.job, &server.url, "");
        let (code, report, stderr) = gate(&m, s.now, &[], &[]);
        let mut problems = Vec::new();
        if code != s.exit {
            problems.push(format!("exit {code}, expected {}", s.exit));
        }
        if common::verdicts(&report) != s.phases {
            problems.push(format!(
                "phases {:?}, expected {:?}",
                common::verdicts(&report),
                s.phases
            ));
        }
        for (item, outcome, fragments) in s.findings {
            let (o, msg) = finding(&report, item);
            if o != *outcome {
                problems.push(format!("{item}: {o}, expected {outcome}: {msg}"));
            }
            for frag in *fragments {
                if !msg.contains(frag) {
                    problems.push(format!("{item}: message lacks `{frag}`: {msg}"));
                }
            }
        }
        eprintln!(
            "scenario {} at {}: exit {code}, phases {:?}",
            s.job,
            s.now,
            common::verdicts(&report)
        );
        if !problems.is_empty() {
            failures.push(format!("{} at {}: {problems:#?}\n{stderr}", s.job, s.now));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));

    // The example the README runs: every phase passes, GA's `require_check` included.
    let example = common::root().join("examples/checkout-service/readiness.yaml");
    let (code, report, stderr) = gate(&example, NOW_TEXT, &["--prometheus", &server.url], &[]);
    assert_eq!(
        common::verdicts(&report),
        ["pass", "pass", "pass"],
        "{report:#} {stderr}"
    );
    assert_eq!(code, 0);
    let (_, msg) = finding(&report, "general-availability/after");
    assert!(msg.contains("all 4 held"), "{msg}");
}

#[test]
fn server_errors_flags_env_mixing_and_secrets() {
    let Some(server) = start(None) else { return };
    let dir = tempfile::tempdir().unwrap();

    // A query that parses but Prometheus refuses when it runs: its own error text holds.
    let bad = dir.path().join("bad");
    std::fs::create_dir(&bad).unwrap();
    let m = bad.join("readiness.yaml");
    std::fs::write(
        &m,
        format!(
            r#"version: 1
service: {{ name: checkout, stage: prod }}
rollout:
  prometheus: {}
  phases:
    - name: canary-1
      traffic: 5
      gates:
        - name: many-to-many
          query: 'http_requests_total{{job="spike"}} / on(job) http_requests_total{{job="spike"}}'
          expr: value < 1
"#,
            server.url
        ),
    )
    .unwrap();
    let (code, report, _) = gate(&m, NOW_TEXT, &[], &[]);
    let (o, msg) = finding(&report, "canary-1/many-to-many");
    assert_eq!((code, o.as_str()), (3, "hold"), "{msg}");
    assert!(
        msg.contains("Prometheus answered HTTP 422 with execution")
            && msg.contains("duplicate series"),
        "{msg}"
    );

    // The manifest names a server that is not there; --prometheus and the environment override it.
    let healthy = dir.path().join("healthy");
    std::fs::create_dir(&healthy).unwrap();
    let dead = format!("http://127.0.0.1:{}", free_port());
    let m = manifest(&healthy, "healthy", &dead, "");
    let (code, report, _) = gate(&m, NOW_TEXT, &["--timeout", "2s"], &[]);
    let (o, msg) = finding(&report, "canary-1/error-ratio");
    assert_eq!((code, o.as_str()), (3, "hold"), "{msg}");
    assert!(
        msg.contains(&format!("cannot reach the Prometheus server at {dead}")),
        "{msg}"
    );
    let (code, _, _) = gate(&m, NOW_TEXT, &["--prometheus", &server.url], &[]);
    assert_eq!(code, 0);
    let (code, _, _) = gate(
        &m,
        NOW_TEXT,
        &[],
        &[("LAUNCHGATE_PROMETHEUS_URL", &server.url)],
    );
    assert_eq!(code, 0);

    // A history gate and Prometheus gates in one phase, with `after` over both.
    for (job, exit, ratio) in [("healthy", 0, "pass"), ("spike", 1, "fail")] {
        let d = dir.path().join(format!("mixed-{job}"));
        std::fs::create_dir(&d).unwrap();
        let mut lines = String::new();
        for k in 0..240 {
            let ts = (prom_data::NOW - 7200 + 30 * (k + 1)) * 1000;
            lines.push_str(&format!(
                "{{\"timestamp_unix_ms\":{ts},\"health_state\":\"healthy\",\"reason_codes\":[],\"failed_cases\":0}}\n"
            ));
        }
        std::fs::write(d.join("history.jsonl"), lines).unwrap();
        let m = manifest(
            &d,
            job,
            &server.url,
            "        - { name: no-failed-cases, expr: 'sum(failed_cases) == 0', window: 30m }\n",
        );
        let (code, report, _) = gate(&m, NOW_TEXT, &[], &[]);
        assert_eq!(code, exit, "{report:#}");
        assert_eq!(finding(&report, "canary-1/no-failed-cases").0, "pass");
        assert_eq!(finding(&report, "canary-1/error-ratio").0, ratio);
        if job == "healthy" {
            let (o, msg) = finding(&report, "canary-2/after");
            assert_eq!(o, "pass", "{msg}");
            assert!(msg.contains("all 3 held"), "{msg}");
        }
    }

    // Credentials never leave: every format, stdout and stderr, pass and hold alike.
    let secret = "tok-S3CRET-do-not-print";
    for url in [server.url.as_str(), dead.as_str()] {
        for format in ["human", "json", "sarif", "github", "junit", "markdown"] {
            let out = launchgate()
                .arg("gate")
                .arg(&m)
                .args([
                    "--all",
                    "--now",
                    NOW_TEXT,
                    "--timeout",
                    "2s",
                    "--prometheus",
                    url,
                    "--format",
                    format,
                ])
                .env("LAUNCHGATE_PROMETHEUS_TOKEN", secret)
                .env("LAUNCHGATE_PROMETHEUS_USERNAME", "bob")
                .env("LAUNCHGATE_PROMETHEUS_PASSWORD", secret)
                .output()
                .unwrap();
            let all = common::all_output(&out);
            assert!(
                !all.contains(secret) && !all.contains("S3CRET"),
                "{format}: {all}"
            );
        }
    }
}

/// `cargo test --test gate_prometheus serve -- --ignored --nocapture` (what
/// scripts/prometheus-test-server.sh runs): the test server on 127.0.0.1:9090 until stopped.
#[test]
#[ignore]
fn serve() {
    let port = std::env::var("PROMETHEUS_PORT")
        .ok()
        .and_then(|p| p.parse().ok())
        .unwrap_or(9090);
    let Some(server) = start(Some(port)) else {
        return;
    };
    println!(
        "test Prometheus ready at {} (data before {NOW_TEXT}); Ctrl-C stops it",
        server.url
    );
    loop {
        std::thread::sleep(Duration::from_secs(3600));
    }
}
