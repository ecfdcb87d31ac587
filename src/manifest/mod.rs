//! The typed readiness manifest, read from a schema-valid document.
//!
//! The schema is the normative description; this model holds what launchgate itself acts on
//! (service, checklists, file references, rollout, waivers). Checklist rules read the whole
//! document through CEL.

use serde::Deserialize;
use serde_json::Value;

use crate::yaml::Route;

/// A schema-valid readiness manifest.
#[derive(Debug, Clone, Deserialize)]
pub struct Manifest {
    /// The service described.
    pub service: Service,
    /// Checklists the manifest adds to the policy's required ones (names or paths); `None`
    /// means the defaults.
    pub checklists: Option<Vec<String>>,
    /// Rollout phases and their data sources.
    pub rollout: Option<Rollout>,
    /// Approved exceptions.
    #[serde(default)]
    pub waivers: Vec<Waiver>,
}

/// `service:`.
#[derive(Debug, Clone, Deserialize)]
pub struct Service {
    /// Service name.
    pub name: String,
    /// Lifecycle stage: poc, mvp, mmp or prod.
    pub stage: String,
    /// Criticality, 1 (most) to 4.
    pub tier: Option<u8>,
}

/// `waivers[]`.
#[derive(Debug, Clone, Deserialize)]
pub struct Waiver {
    /// Item id waived.
    pub item: String,
    /// Why.
    pub reason: String,
    /// Approver handle.
    pub approved_by: String,
    /// When approved (ISO date).
    pub granted: Option<String>,
    /// Last valid day (ISO date).
    pub expires: String,
}

/// `rollout:`.
#[derive(Debug, Clone, Deserialize)]
pub struct Rollout {
    /// Status snapshot path.
    pub status: Option<String>,
    /// JSONL history path.
    pub history: Option<String>,
    /// Snapshot staleness limit (duration text).
    pub max_staleness: Option<String>,
    /// Where the snapshot keeps its timestamp.
    pub status_timestamp: Option<TimeField>,
    /// Where history lines keep their timestamp.
    pub timestamp: Option<TimeField>,
    /// Longest allowed gap between history samples (duration text).
    pub max_gap: Option<String>,
    /// Malformed history lines from which a gate fails instead of holding.
    pub malformed_fail_at: Option<u64>,
    /// Snapshot fields (dotted paths) as expressions over one history line, for `after`.
    pub status_from_history: Option<std::collections::BTreeMap<String, String>>,
    /// The reason codes the history's producer writes (default: tau's dashboard runtime's).
    pub reason_codes: Option<Vec<String>>,
    /// Prometheus server URL for gates with a `query`.
    pub prometheus: Option<String>,
    /// Phases, in order.
    #[serde(default)]
    pub phases: Vec<Phase>,
}

/// A timestamp field and its unit.
#[derive(Debug, Clone, Deserialize)]
pub struct TimeField {
    /// Field, as a dotted path.
    pub field: String,
    /// `unix_ms`, `unix_s` or `rfc3339`.
    pub unit: String,
}

/// `rollout.phases[]`.
#[derive(Debug, Clone, Deserialize)]
pub struct Phase {
    /// Phase name.
    pub name: String,
    /// Traffic percent.
    pub traffic: f64,
    /// How long the previous phase's gates must have held (duration text).
    pub after: Option<String>,
    /// Whether `check` must pass.
    #[serde(default)]
    pub require_check: bool,
    /// Gates.
    #[serde(default)]
    pub gates: Vec<Gate>,
}

/// A gate: an expression, optionally over a history window.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum Gate {
    /// A snapshot expression.
    Expr(String),
    /// An expression with a name, window or description.
    Full {
        /// Display name.
        name: Option<String>,
        /// PromQL query whose series' samples the expression reads as `value`.
        query: Option<String>,
        /// CEL expression.
        expr: String,
        /// History or range-query window (duration text).
        window: Option<String>,
        /// Range-query resolution (duration text).
        step: Option<String>,
        /// Longest gap allowed in a series (duration text).
        max_gap: Option<String>,
        /// What it guards.
        description: Option<String>,
    },
}

impl Manifest {
    /// Reads the typed model from a document that passed the schema.
    pub fn from_json(json: &Value) -> Result<Manifest, serde_json::Error> {
        Manifest::deserialize(json)
    }

    /// Checklists to apply: the manifest's list, or `production` and `launch`.
    pub fn checklist_names(&self) -> Vec<String> {
        self.checklists
            .clone()
            .unwrap_or_else(|| vec!["production".into(), "launch".into()])
    }
}

/// A file the manifest refers to, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathRef {
    /// Where in the manifest.
    pub route: Route,
    /// The path as written.
    pub path: String,
}

/// The value at `pointer` (`/comms/status_page`) in `doc`: a JSON pointer whose keys hold no
/// `~` or `/` of their own, as the manifest's keys are written. `Value::pointer` unescapes
/// every key it walks (two replacements, each a new string), and a check asks tens of these
/// per manifest.
pub fn value_at<'v>(doc: &'v Value, pointer: &str) -> Option<&'v Value> {
    let mut value = doc;
    for key in pointer.strip_prefix('/')?.split('/') {
        value = match value {
            Value::Object(map) => map.get(key)?,
            Value::Array(items) => items.get(key.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(value)
}

/// Every repository file a manifest names, in document order of sections.
///
/// Rollout `status`/`history` are runtime data read by `gate`, not evidence that must exist
/// at `check` time, so they are not listed.
pub fn referenced_paths(doc: &Value) -> Vec<PathRef> {
    let mut out = Vec::new();
    let mut push = |route: Route, v: &Value| {
        if let Some(p) = v.as_str() {
            out.push(PathRef {
                route,
                path: p.to_string(),
            });
        }
    };
    let root = Route::root();
    if let Some(signals) = value_at(doc, "/telemetry/signals").and_then(Value::as_array) {
        for (i, s) in signals.iter().enumerate() {
            if let Some(d) = s.get("dashboard") {
                push(
                    root.key("telemetry")
                        .key("signals")
                        .index(i)
                        .key("dashboard"),
                    d,
                );
            }
        }
    }
    if let Some(rules) = value_at(doc, "/alerts/rules").and_then(Value::as_array) {
        for (i, r) in rules.iter().enumerate() {
            push(root.key("alerts").key("rules").index(i), r);
        }
    }
    if let Some(required) = value_at(doc, "/alerts/required").and_then(Value::as_array) {
        for (i, r) in required.iter().enumerate() {
            if let Some(rb) = r
                .get("runbook")
                .filter(|v| !is_url(v.as_str().unwrap_or("")))
            {
                push(
                    root.key("alerts").key("required").index(i).key("runbook"),
                    rb,
                );
            }
        }
    }
    if let Some(runbooks) = doc.get("runbooks").and_then(Value::as_object) {
        for (name, rb) in runbooks {
            let route = root.key("runbooks").key(name);
            match rb {
                Value::Object(o) => {
                    if let Some(p) = o.get("path") {
                        push(route.key("path"), p);
                    }
                }
                v => push(route, v),
            }
        }
    }
    if let Some(t) = value_at(doc, "/comms/templates") {
        push(root.key("comms").key("templates"), t);
    }
    if let Some(n) = value_at(doc, "/rehearsal/notes") {
        push(root.key("rehearsal").key("notes"), n);
    }
    out
}

/// Whether a reference is a web URL rather than a repository path.
pub fn is_url(s: &str) -> bool {
    s.starts_with("https://") || s.starts_with("http://")
}

/// Whether a URL's host is the machine that opens it (`localhost`, `127.0.0.1`, `[::1]`,
/// `0.0.0.0`): a page there is reachable by nobody else, whatever it says. Hosts of a
/// private network are not local: an intranet status page serves an internal service.
pub fn is_local_url(s: &str) -> bool {
    let Ok(url) = url::Url::parse(s.trim()) else {
        return false;
    };
    match url.host() {
        Some(url::Host::Domain(d)) => {
            let d = d.trim_end_matches('.');
            d.eq_ignore_ascii_case("localhost")
                || d.len() > ".localhost".len()
                    && d[d.len() - ".localhost".len()..].eq_ignore_ascii_case(".localhost")
        }
        Some(url::Host::Ipv4(ip)) => ip.is_loopback() || ip.is_unspecified(),
        Some(url::Host::Ipv6(ip)) => {
            ip.is_loopback()
                || ip.is_unspecified()
                || ip
                    .to_ipv4_mapped()
                    .is_some_and(|v4| v4.is_loopback() || v4.is_unspecified())
        }
        None => false,
    }
}

/// The names templates and tutorials write for "your company's domain".
const TEMPLATE_DOMAINS: &[&str] = &[
    "yourcompany",
    "your-company",
    "yourdomain",
    "your-domain",
    "yourorg",
    "your-org",
    "mycompany",
    "my-company",
    "mydomain",
    "my-domain",
    "companyname",
    "company-name",
];

/// Whether a URL's host is a name reserved for documentation and tests (RFC 2606, RFC 6761):
/// `example.com`, `example.net`, `example.org` and their subdomains, or the top-level domains
/// `example`, `test` and `invalid`; or a template's stand-in for the company's domain
/// (`yourcompany.com`, `my-company.io`, `yourdomain.org`). An address copied from an example
/// or a template resolves to no page of the service: `https://status.example.com` is what
/// launchgate's own example shows.
pub fn is_example_url(s: &str) -> bool {
    let Ok(url) = url::Url::parse(s.trim()) else {
        return false;
    };
    let Some(url::Host::Domain(d)) = url.host() else {
        return false;
    };
    // `url` lowercases the host of http(s) URLs; other schemes keep their case.
    let d = d.trim_end_matches('.').to_ascii_lowercase();
    let labels: Vec<&str> = d.split('.').collect();
    match labels.as_slice() {
        [.., tld] if ["example", "test", "invalid"].contains(tld) => true,
        [.., "example", "com" | "net" | "org"] => true,
        [.., name, _] => TEMPLATE_DOMAINS.contains(name),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_at_pointers_as_serde_json_finds_them() {
        let doc = serde_json::json!({"a": {"b": [1, {"c": "x"}]}, "": {"": 2}});
        for pointer in [
            "/a/b/1/c", "/a/b/0", "/a", "/a/b/2", "/a/x", "/a/b/c", "//", "a", "",
        ] {
            let want = if pointer.is_empty() {
                None
            } else {
                doc.pointer(pointer)
            };
            assert_eq!(value_at(&doc, pointer), want, "{pointer}");
        }
    }

    #[test]
    fn urls_on_documentation_domains_are_examples() {
        for example in [
            "https://status.example.com",
            "https://EXAMPLE.ORG/status",
            "http://example.net.",
            "https://status.acme.example/",
            "https://status.test",
            "https://x.invalid/path",
            " https://www.example.com ",
            "https://status.yourcompany.com",
            "https://wiki.My-Company.io/runbooks/x",
            "https://yourdomain.org",
        ] {
            assert!(is_example_url(example), "{example}");
        }
        for real in [
            "https://status.acme-cloud.dev",
            "https://example.co.uk/",
            "https://myexample.com/",
            "https://example.com.evil.io/",
            "https://examples.org/",
            "https://testing.dev/",
            "https://yourcompany.acme-cloud.dev/",
            "https://mycompanyname.com/",
            "http://10.0.0.8/status",
            "http://[::1]/",
            "not a url",
            "",
        ] {
            assert!(!is_example_url(real), "{real}");
        }
    }

    #[test]
    fn urls_on_the_machine_that_opens_them_are_local() {
        for local in [
            "http://localhost",
            "https://LOCALHOST:8443/status",
            "http://status.localhost/",
            "http://127.0.0.1:3000",
            "http://127.1.2.3",
            "http://0.0.0.0/",
            "http://[::1]:8080/",
            "http://[::ffff:127.0.0.1]/",
            "http://2130706433/",
            "http://localhost./",
            "http://user@localhost/",
        ] {
            assert!(is_local_url(local), "{local}");
        }
        for remote in [
            "https://status.example.com",
            "https://localhost.example.com",
            "https://mylocalhost/",
            "http://10.0.0.8/status",
            "not a url",
            "",
        ] {
            assert!(!is_local_url(remote), "{remote}");
        }
    }

    #[test]
    fn lists_paths_with_routes() {
        let doc = serde_json::json!({
            "runbooks": {"rollback": "r.md", "incident": {"path": "i.md"}},
            "alerts": {"rules": ["a.yaml"], "required": [{"alert": "A", "runbook": "https://x"}, {"alert": "B", "runbook": "b.md"}]},
            "comms": {"templates": "c.md"}
        });
        let got: Vec<String> = referenced_paths(&doc)
            .iter()
            .map(|p| format!("{}={}", p.route, p.path))
            .collect();
        assert_eq!(
            got,
            [
                "alerts.rules[0]=a.yaml",
                "alerts.required[1].runbook=b.md",
                "runbooks.incident.path=i.md",
                "runbooks.rollback=r.md",
                "comms.templates=c.md"
            ]
        );
    }
}
