//! Test data for gates over a real Prometheus: OpenMetrics text for `promtool tsdb
//! create-blocks-from openmetrics`, one job per scenario, scraped every 15s for the three
//! hours before [`NOW`]. The expected outcomes in tests/gate_prometheus.rs are worked out by
//! hand from these numbers.
#![allow(dead_code)]

use std::fmt::Write as _;

/// The evaluation time of every scenario: 2026-11-25T12:00:00Z.
pub const NOW: i64 = 1_795_608_000;
/// `--now` for [`NOW`].
pub const NOW_TEXT: &str = "2026-11-25T12:00:00Z";
/// Scrape interval, seconds.
pub const SCRAPE: i64 = 15;
/// How far back the data goes, seconds.
pub const SPAN: i64 = 3 * 3600;

/// Requests per second (ok, error) of a job's instance at scrape time `t`; `None`: no scrape.
pub fn rates(job: &str, instance: &str, t: i64) -> Option<(f64, f64)> {
    let normal = (10.0, 0.05);
    match (job, instance) {
        // `checkout` is what examples/checkout-service asks about.
        ("healthy" | "checkout", _) | ("slow", "a") => Some(normal),
        // Instance b's 5xx jump to 5/s for the last 10 minutes; a stays healthy.
        ("spike", "a") => Some(normal),
        ("spike", "b") if t > NOW - 600 => Some((10.0, 5.0)),
        ("spike", "b") => Some(normal),
        // Scraping stops 20 minutes before now.
        ("stopped", "a") if t <= NOW - 1200 => Some(normal),
        ("stopped", "a") => None,
        // No traffic: every rate is 0, every ratio 0/0 = NaN.
        ("idle", "a") => Some((0.0, 0.0)),
        // An error spike from 50 to 40 minutes before now, healthy since.
        ("blip", "a") if t > NOW - 3000 && t <= NOW - 2400 => Some((10.0, 5.0)),
        ("blip", "a") => Some(normal),
        // Latency regressed from 50 to 40 minutes before now (see `buckets`); errors never.
        ("slowblip", "a") => Some(normal),
        _ => None,
    }
}

/// Jobs and their instances (the job `absent` has no data at all).
pub const JOBS: &[(&str, &[&str])] = &[
    ("healthy", &["a", "b"]),
    ("checkout", &["a", "b"]),
    ("spike", &["a", "b"]),
    ("slow", &["a"]),
    ("stopped", &["a"]),
    ("idle", &["a"]),
    ("blip", &["a"]),
    ("slowblip", &["a"]),
];

/// Histogram bucket bounds.
pub const LE: &[&str] = &["0.1", "0.25", "0.5", "1", "2.5", "+Inf"];

/// Cumulative bucket counts per scrape interval (150 requests at 10/s): healthy p99 is
/// 0.1 + (148.5 - 100) / 49 * 0.15 = 0.2485s; the regression's is 1 + 0.5 / 2 * 1.5 = 1.375s.
pub fn buckets(job: &str, t: i64, requests: f64) -> [f64; 6] {
    let regressed = match job {
        "slow" => t > NOW - 900,
        "slowblip" => t > NOW - 3000 && t <= NOW - 2400,
        _ => false,
    };
    let shape = if regressed {
        [30.0, 60.0, 90.0, 148.0, 150.0, 150.0]
    } else {
        [100.0, 149.0, 150.0, 150.0, 150.0, 150.0]
    };
    shape.map(|c| c / 150.0 * requests)
}

/// The whole OpenMetrics exposition, ending in `# EOF`.
pub fn openmetrics() -> String {
    let times: Vec<i64> = (0..=SPAN / SCRAPE)
        .map(|k| NOW - SPAN + k * SCRAPE)
        .collect();
    let mut out = String::new();
    out.push_str("# TYPE http_requests counter\n");
    for (job, instances) in JOBS {
        for inst in *instances {
            for (code, pick) in [("200", 0usize), ("500", 1)] {
                let mut total = 100.0;
                for &t in &times {
                    let Some(r) = rates(job, inst, t) else {
                        continue;
                    };
                    total += [r.0, r.1][pick] * SCRAPE as f64;
                    let _ = writeln!(
                        out,
                        "http_requests_total{{job=\"{job}\",instance=\"{inst}\",code=\"{code}\"}} {total} {t}"
                    );
                }
            }
        }
    }
    out.push_str("# TYPE http_request_duration_seconds_bucket unknown\n");
    for (job, instances) in JOBS {
        for inst in *instances {
            for (i, le) in LE.iter().enumerate() {
                let mut total = 0.0;
                for &t in &times {
                    let Some(r) = rates(job, inst, t) else {
                        continue;
                    };
                    total += buckets(job, t, (r.0 + r.1) * SCRAPE as f64)[i];
                    let _ = writeln!(
                        out,
                        "http_request_duration_seconds_bucket{{job=\"{job}\",instance=\"{inst}\",le=\"{le}\"}} {total} {t}"
                    );
                }
            }
        }
    }
    out.push_str("# EOF\n");
    out
}
