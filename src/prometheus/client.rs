//! Blocking HTTP for the two query endpoints. One CLI step asks a handful of queries, so a
//! blocking client (ureq, rustls) with one timeout per request is all it needs.

use std::time::Duration;

use super::response::{self, Series};
use super::{Endpoint, QueryError, display_url};

/// Largest response body read; a gate's series are kilobytes, a runaway query is not evidence.
pub const MAX_BODY_BYTES: u64 = 32 * 1024 * 1024;

/// A query client for one endpoint.
pub struct Client {
    endpoint: Endpoint,
    agent: ureq::Agent,
}

/// Why a 401 came back when credentials are set but were not sent.
const WITHHELD: &str = " (unauthorized: credentials from the environment go only to the server given by --prometheus or LAUNCHGATE_PROMETHEUS_URL, never to the manifest's `rollout.prometheus`; name this server in one of them)";

impl Client {
    /// A client with the endpoint's timeout.
    pub fn new(endpoint: Endpoint) -> Client {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .timeout_global(Some(endpoint.timeout))
            .http_status_as_error(false)
            .user_agent(concat!("launchgate/", env!("CARGO_PKG_VERSION")))
            .build()
            .into();
        Client { endpoint, agent }
    }

    /// The server URL as it may be shown.
    pub fn shown(&self) -> String {
        display_url(&self.endpoint.url)
    }

    /// An instant query at `at_ms` (`/api/v1/query`).
    pub fn instant(&self, query: &str, at_ms: i64) -> Result<Vec<Series>, QueryError> {
        self.get(
            "query",
            &[("query", query.to_string()), ("time", secs(at_ms))],
        )
    }

    /// A range query from `start_ms` to `end_ms` every `step_ms` (`/api/v1/query_range`).
    pub fn range(
        &self,
        query: &str,
        start_ms: i64,
        end_ms: i64,
        step_ms: i64,
    ) -> Result<Vec<Series>, QueryError> {
        self.get(
            "query_range",
            &[
                ("query", query.to_string()),
                ("start", secs(start_ms)),
                ("end", secs(end_ms)),
                ("step", secs(step_ms)),
            ],
        )
    }

    fn get(&self, api: &str, params: &[(&str, String)]) -> Result<Vec<Series>, QueryError> {
        let base = self.endpoint.url.trim_end_matches('/');
        let url = format!("{base}/api/v1/{api}");
        let shown = self.shown();
        let mut request = self.agent.get(&url);
        for (k, v) in params {
            request = request.query(*k, v);
        }
        if let Some(auth) = &self.endpoint.auth {
            request = request.header("Authorization", auth.header());
        }
        let result = request.call().and_then(|r| {
            let status = r.status().as_u16();
            r.into_body()
                .into_with_config()
                .limit(MAX_BODY_BYTES)
                .read_to_vec()
                .map(|body| (status, body))
        });
        let scrub = |e: QueryError| match self.scrub(e) {
            QueryError::Http {
                status: 401, body, ..
            } if self.endpoint.withheld => QueryError::Http {
                status: 401,
                hint: WITHHELD.into(),
                body,
            },
            e => e,
        };
        match result {
            Ok((status, body)) => response::parse(status, &body).map_err(scrub),
            Err(e) => Err(scrub(self.transport_error(e, shown))),
        }
    }

    fn transport_error(&self, e: ureq::Error, url: String) -> QueryError {
        match e {
            ureq::Error::Timeout(_) => QueryError::Timeout {
                url,
                seconds: self.endpoint.timeout.as_secs_f64(),
            },
            ureq::Error::BodyExceedsLimit(_) => QueryError::TooLarge {
                limit: MAX_BODY_BYTES,
            },
            ureq::Error::Io(io) if io.kind() == std::io::ErrorKind::TimedOut => {
                QueryError::Timeout {
                    url,
                    seconds: self.endpoint.timeout.as_secs_f64(),
                }
            }
            ureq::Error::HostNotFound => QueryError::Unreachable {
                url,
                reason: "the host name does not resolve".into(),
            },
            ureq::Error::ConnectionFailed => QueryError::Unreachable {
                url,
                reason: "the connection failed".into(),
            },
            ureq::Error::Io(io) => QueryError::Unreachable {
                url,
                reason: io.to_string(),
            },
            ureq::Error::BadUri(_) | ureq::Error::Http(_) => QueryError::Unreachable {
                url,
                reason: "the URL is not a valid http(s) URL".into(),
            },
            other => QueryError::Unreachable {
                url,
                reason: other.to_string(),
            },
        }
    }

    /// Removes every trace of the credentials from an error's text: a server or proxy
    /// may echo a header back, and ureq's messages may quote the request.
    fn scrub(&self, e: QueryError) -> QueryError {
        let mut secrets = self
            .endpoint
            .auth
            .as_ref()
            .map(super::Auth::secrets)
            .unwrap_or_default();
        // A URL may carry `user:password@`; it is shown without, and scrubbed from the rest.
        if let Some(info) = userinfo(&self.endpoint.url) {
            secrets.push(info.to_string());
        }
        if secrets.is_empty() {
            return e;
        }
        let clean = |s: String| {
            secrets
                .iter()
                .fold(s, |acc, secret| acc.replace(secret.as_str(), "***"))
        };
        match e {
            QueryError::Unreachable { url, reason } => QueryError::Unreachable {
                url: clean(url),
                reason: clean(reason),
            },
            QueryError::Query {
                status,
                error_type,
                error,
            } => QueryError::Query {
                status,
                error_type: clean(error_type),
                error: clean(error),
            },
            QueryError::Http { status, hint, body } => QueryError::Http {
                status,
                hint,
                body: clean(body),
            },
            QueryError::NotJson(s) => QueryError::NotJson(clean(s)),
            QueryError::Malformed(s) => QueryError::Malformed(clean(s)),
            other => other,
        }
    }
}

/// The `user:password` of a URL, if it has one.
fn userinfo(url: &str) -> Option<&str> {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    authority
        .rsplit_once('@')
        .map(|(info, _)| info)
        .filter(|i| !i.is_empty())
}

/// Unix milliseconds as the API's decimal seconds.
fn secs(ms: i64) -> String {
    let sign = if ms < 0 { "-" } else { "" };
    let a = ms.unsigned_abs();
    format!("{sign}{}.{:03}", a / 1000, a % 1000)
}

/// A timeout given on the command line: `5s`, `1m`, `500ms` or plain seconds (`2.5`).
pub fn parse_timeout(text: &str) -> Option<Duration> {
    let t = text.trim();
    let d = if let Some(ms) = t.strip_suffix("ms") {
        Duration::from_millis(ms.parse().ok()?)
    } else if let Ok(s) = t.parse::<f64>() {
        Duration::try_from_secs_f64(s).ok()?
    } else {
        Duration::from_secs(u64::try_from(crate::duration::parse_seconds(t)?).ok()?)
    };
    (!d.is_zero()).then_some(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_decimal_seconds() {
        assert_eq!(secs(1_700_000_000_123), "1700000000.123");
        assert_eq!(secs(5), "0.005");
    }

    #[test]
    fn userinfo_is_found() {
        assert_eq!(userinfo("http://bob:pw@h:1/x"), Some("bob:pw"));
        assert_eq!(userinfo("http://h:1/x@y"), None);
    }

    #[test]
    fn timeouts() {
        assert_eq!(parse_timeout("5s"), Some(Duration::from_secs(5)));
        assert_eq!(parse_timeout("250ms"), Some(Duration::from_millis(250)));
        assert_eq!(parse_timeout("1.5"), Some(Duration::from_millis(1500)));
        assert_eq!(parse_timeout("0s"), None);
        assert_eq!(parse_timeout("soon"), None);
        assert_eq!(parse_timeout("-1"), None);
    }
}
