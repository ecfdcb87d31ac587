//! A Prometheus HTTP API client for canary gates: instant and range queries, their
//! responses as series of samples, and PromQL syntax checks for `launchgate check`.
//!
//! Anything that keeps a query from giving a clear answer is a [`QueryError`]; gates turn
//! it into a hold. Credentials come from the environment and never appear in any message.

pub mod client;
pub mod response;
pub mod syntax;

use std::collections::BTreeMap;
use std::fmt;
use std::time::Duration;

pub use client::Client;
pub use response::Series;

/// Environment variable with the server URL (overrides `rollout.prometheus`).
pub const ENV_URL: &str = "LAUNCHGATE_PROMETHEUS_URL";
/// Environment variable with a bearer token.
pub const ENV_TOKEN: &str = "LAUNCHGATE_PROMETHEUS_TOKEN";
/// Environment variable with the basic-auth user name.
pub const ENV_USERNAME: &str = "LAUNCHGATE_PROMETHEUS_USERNAME";
/// Environment variable with the basic-auth password.
pub const ENV_PASSWORD: &str = "LAUNCHGATE_PROMETHEUS_PASSWORD";

/// Default time one query may take.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(5);

/// How requests authenticate. `Debug` never shows the secret.
#[derive(Clone, PartialEq, Eq)]
pub enum Auth {
    /// `Authorization: Bearer TOKEN`.
    Bearer(String),
    /// `Authorization: Basic base64(USER:PASSWORD)`.
    Basic {
        /// User name.
        username: String,
        /// Password.
        password: String,
    },
}

impl fmt::Debug for Auth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Auth::Bearer(_) => f.write_str("Bearer(***)"),
            Auth::Basic { .. } => f.write_str("Basic(***)"),
        }
    }
}

impl Auth {
    /// Credentials from the environment: a token, else a user name and password.
    pub fn from_env() -> Option<Auth> {
        let var = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
        if let Some(token) = var(ENV_TOKEN) {
            return Some(Auth::Bearer(token));
        }
        match (var(ENV_USERNAME), var(ENV_PASSWORD)) {
            (Some(username), password) => Some(Auth::Basic {
                username,
                password: password.unwrap_or_default(),
            }),
            _ => None,
        }
    }

    /// The `Authorization` header value.
    pub fn header(&self) -> String {
        match self {
            Auth::Bearer(t) => format!("Bearer {t}"),
            Auth::Basic { username, password } => {
                format!(
                    "Basic {}",
                    base64(format!("{username}:{password}").as_bytes())
                )
            }
        }
    }

    /// The secrets, to scrub from any text that leaves the client.
    pub(crate) fn secrets(&self) -> Vec<String> {
        let mut out = vec![self.header()];
        match self {
            Auth::Bearer(t) => out.push(t.clone()),
            Auth::Basic { password, .. } => {
                out.push(password.clone());
                if let Some(encoded) = self.header().strip_prefix("Basic ") {
                    out.push(encoded.to_string());
                }
            }
        }
        out.retain(|s| s.len() >= 3);
        out
    }
}

/// Where and how to query.
#[derive(Debug, Clone)]
pub struct Endpoint {
    /// Base URL, e.g. `http://127.0.0.1:9090` (a path prefix is kept).
    pub url: String,
    /// Credentials.
    pub auth: Option<Auth>,
    /// Credentials were set but not sent: the URL is the manifest's, not the caller's.
    pub withheld: bool,
    /// Time one request may take, connection included.
    pub timeout: Duration,
}

/// Why a query gave no usable answer. Messages carry no credentials.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum QueryError {
    /// The server could not be reached.
    #[error("cannot reach the Prometheus server at {url}: {reason}")]
    Unreachable {
        /// The URL, without user info.
        url: String,
        /// Why.
        reason: String,
    },
    /// No complete answer within the timeout.
    #[error("the Prometheus server at {url} did not answer within {seconds}s (--timeout)")]
    Timeout {
        /// The URL, without user info.
        url: String,
        /// The timeout.
        seconds: f64,
    },
    /// Prometheus rejected or failed the query, with its own words.
    #[error("Prometheus answered HTTP {status} with {error_type}: {error}")]
    Query {
        /// HTTP status.
        status: u16,
        /// Prometheus's `errorType` (`bad_data`, `execution`, `timeout`, ...).
        error_type: String,
        /// Prometheus's `error`.
        error: String,
    },
    /// An HTTP error without a Prometheus error body (a proxy, a wrong URL, no credentials).
    #[error("Prometheus answered HTTP {status}{hint}: {body}")]
    Http {
        /// HTTP status.
        status: u16,
        /// What the status suggests.
        hint: String,
        /// The start of the body, scrubbed.
        body: String,
    },
    /// The response was not the API's JSON.
    #[error("the response is not Prometheus API JSON: {0}")]
    NotJson(String),
    /// The response did not say `"status": "success"` or had an unexpected shape.
    #[error("the response is not a successful query result: {0}")]
    Malformed(String),
    /// The response was larger than launchgate reads.
    #[error("the response is larger than the {limit} bytes launchgate reads")]
    TooLarge {
        /// The limit, bytes.
        limit: u64,
    },
}

/// The URL as it may be shown: user info (`user:password@`) and the query string are dropped.
pub fn display_url(url: &str) -> String {
    let (scheme, rest) = url.split_once("://").unwrap_or(("", url));
    let (authority, path) = match rest.find('/') {
        Some(i) => rest.split_at(i),
        None => (rest, ""),
    };
    let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let path = path.split(['?', '#']).next().unwrap_or_default();
    if scheme.is_empty() {
        format!("{host}{path}")
    } else {
        format!("{scheme}://{host}{path}")
    }
}

/// PromQL-style labels: `{code="500", job="app"}` (`{}` for none).
pub fn show_labels(labels: &BTreeMap<String, String>) -> String {
    let inner: Vec<String> = labels
        .iter()
        .map(|(k, v)| format!("{k}={}", serde_json::Value::String(v.clone())))
        .collect();
    format!("{{{}}}", inner.join(", "))
}

/// Standard base64 with padding (basic auth needs nothing more).
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_rfc4648() {
        for (plain, encoded) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foobar", "Zm9vYmFy"),
            ("user:pass", "dXNlcjpwYXNz"),
        ] {
            assert_eq!(base64(plain.as_bytes()), encoded);
        }
    }

    #[test]
    fn urls_are_shown_without_credentials() {
        assert_eq!(
            display_url("https://bob:s3cret@prom.example:9090/prefix?x=1"),
            "https://prom.example:9090/prefix"
        );
        assert_eq!(
            display_url("http://127.0.0.1:9090"),
            "http://127.0.0.1:9090"
        );
        let a = Auth::Basic {
            username: "bob".into(),
            password: "s3cret".into(),
        };
        assert!(!format!("{a:?}").contains("s3cret"));
        assert!(a.secrets().contains(&"s3cret".to_string()));
    }

    #[test]
    fn labels_are_shown_as_promql() {
        let mut l = BTreeMap::new();
        l.insert("job".to_string(), "app".to_string());
        l.insert("code".to_string(), "5\"x".to_string());
        assert_eq!(show_labels(&l), r#"{code="5\"x", job="app"}"#);
        assert_eq!(show_labels(&BTreeMap::new()), "{}");
    }
}
