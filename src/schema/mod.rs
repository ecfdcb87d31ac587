//! The embedded JSON Schemas, and validation whose errors point at YAML nodes.

use std::sync::OnceLock;

use jsonschema::error::{TypeKind, ValidationErrorKind};
use serde_json::Value;

use crate::source::Span;
use crate::yaml::{Node, Route};

/// The manifest schema, as shipped.
pub const MANIFEST: &str = include_str!("../../schemas/manifest.schema.json");
/// The checklist schema, as shipped.
pub const CHECKLIST: &str = include_str!("../../schemas/checklist.schema.json");
/// The JSON report schema, as shipped.
pub const REPORT: &str = include_str!("../../schemas/report.schema.json");
/// The repository policy (`.launchgate.yaml`) schema, as shipped.
pub const POLICY: &str = include_str!("../../schemas/policy.schema.json");

/// Which embedded schema to use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Which {
    /// Readiness manifests.
    Manifest,
    /// Checklist files.
    Checklist,
    /// JSON reports.
    Report,
    /// Repository policy files (`.launchgate.yaml`).
    Policy,
}

impl Which {
    /// The schema's text.
    pub fn text(self) -> &'static str {
        match self {
            Which::Manifest => MANIFEST,
            Which::Checklist => CHECKLIST,
            Which::Report => REPORT,
            Which::Policy => POLICY,
        }
    }

    /// What a document of this kind is called in messages about its top level.
    pub fn noun(self) -> &'static str {
        match self {
            Which::Manifest => "the manifest",
            Which::Checklist => "the checklist",
            Which::Report => "the report",
            Which::Policy => "the policy",
        }
    }
}

/// A schema's validator with its source document (read for descriptions and key suggestions).
pub struct Schema {
    validator: Validator,
    /// Parsed on first use: only a violation needs it.
    doc: OnceLock<Value>,
    which: Which,
}

/// Validators generated from the shipped schemas when launchgate is built: a run neither
/// compiles a schema nor checks one against its draft's meta-schema, which cost more than
/// checking a manifest (`schema::agreement` holds them to validators compiled at run time).
mod generated {
    #[jsonschema::validator(path = "schemas/manifest.schema.json", validate_formats = true)]
    pub struct Manifest;

    #[jsonschema::validator(path = "schemas/checklist.schema.json", validate_formats = true)]
    pub struct Checklist;

    #[jsonschema::validator(path = "schemas/policy.schema.json", validate_formats = true)]
    pub struct Policy;
}

/// How a schema validates.
enum Validator {
    /// Generated at build time (the schemas runs validate against).
    Generated {
        is_valid: fn(&Value) -> bool,
        iter_errors: for<'i> fn(&'i Value) -> jsonschema::ErrorIterator<'i>,
    },
    /// Compiled from the text at run time (the report schema, which no run validates against).
    Compiled(jsonschema::Validator),
}

/// One schema violation, located in the YAML document.
#[derive(Debug, Clone, PartialEq)]
pub struct Violation {
    /// The node (or key) it concerns.
    pub span: Span,
    /// The instance path, e.g. `owners.primary`.
    pub path: String,
    /// What is wrong.
    pub message: String,
    /// How to fix it, from the schema's description or a close known key.
    pub help: Option<String>,
}

impl Schema {
    /// Builds one of the embedded schemas' validators; they are tested, so failure is a build defect.
    fn build(which: Which) -> Schema {
        let validator = match which {
            Which::Manifest => Validator::Generated {
                is_valid: generated::Manifest::is_valid,
                iter_errors: generated::Manifest::iter_errors,
            },
            Which::Checklist => Validator::Generated {
                is_valid: generated::Checklist::is_valid,
                iter_errors: generated::Checklist::iter_errors,
            },
            Which::Policy => Validator::Generated {
                is_valid: generated::Policy::is_valid,
                iter_errors: generated::Policy::iter_errors,
            },
            Which::Report => Validator::Compiled(compile(which.text())),
        };
        Schema {
            validator,
            doc: OnceLock::new(),
            which,
        }
    }

    /// The shared schema (built once per process).
    pub fn get(which: Which) -> &'static Schema {
        static MANIFEST: OnceLock<Schema> = OnceLock::new();
        static CHECKLIST: OnceLock<Schema> = OnceLock::new();
        static REPORT: OnceLock<Schema> = OnceLock::new();
        static POLICY: OnceLock<Schema> = OnceLock::new();
        let cell = match which {
            Which::Manifest => &MANIFEST,
            Which::Checklist => &CHECKLIST,
            Which::Report => &REPORT,
            Which::Policy => &POLICY,
        };
        cell.get_or_init(|| Schema::build(which))
    }

    /// Whether a JSON value is valid.
    pub fn is_valid(&self, instance: &Value) -> bool {
        match &self.validator {
            Validator::Generated { is_valid, .. } => is_valid(instance),
            Validator::Compiled(v) => v.is_valid(instance),
        }
    }

    /// Every violation, in jsonschema's order.
    fn iter_errors<'i>(&'i self, instance: &'i Value) -> jsonschema::ErrorIterator<'i> {
        match &self.validator {
            Validator::Generated { iter_errors, .. } => iter_errors(instance),
            Validator::Compiled(v) => v.iter_errors(instance),
        }
    }

    /// The schema document.
    fn doc(&self) -> &Value {
        self.doc.get_or_init(|| {
            serde_json::from_str(self.which.text()).expect("embedded schema is JSON")
        })
    }

    /// Validates a YAML document and locates every violation in it, in document order.
    pub fn validate(&self, root: &Node, json: &Value) -> Vec<Violation> {
        if self.is_valid(json) {
            return Vec::new();
        }
        let mut out: Vec<Violation> = Vec::new();
        // The types each type error asked for, by path: a schema that allows a string or an
        // object and then asks an object of what is no string reports a boolean twice.
        let mut typed: Vec<(usize, Vec<String>)> = Vec::new();
        for error in self.iter_errors(json) {
            let route = Route::from_pointer(error.instance_path().as_str());
            let schema_path = error.schema_path().as_str().to_string();
            let located = root.locate(&route);
            let shown = route_display(&route);
            if let ValidationErrorKind::AdditionalProperties { unexpected } = error.kind() {
                let known = self.known_keys(&schema_path);
                for key in unexpected {
                    let key_route = route.key(key);
                    let span = root.key_span(&key_route).unwrap_or(located.span);
                    let place = if route.is_root() {
                        "at the top level".to_string()
                    } else {
                        format!("in `{shown}`")
                    };
                    out.push(Violation {
                        span,
                        path: route_display(&key_route),
                        message: format!("unknown key `{key}` {place}"),
                        help: Some(suggest(key, &known)),
                    });
                }
                continue;
            }
            let described = || self.description(&parent_pointer(&schema_path));
            let value = || compact(error.instance().as_ref());
            let (message, help) = match error.kind() {
                ValidationErrorKind::Required { property } => {
                    let property = property.as_str().unwrap_or_default();
                    let whom = if route.is_root() {
                        self.which.noun().to_string()
                    } else {
                        format!("`{shown}`")
                    };
                    let help = self
                        .description(&format!(
                            "{}/properties/{property}",
                            parent_pointer(&schema_path)
                        ))
                        .map(|d| format!("add `{property}`: {d}"));
                    let message = format!("{whom} is missing the required key `{property}`");
                    (message, help)
                }
                ValidationErrorKind::Enum { options } => {
                    let options: Vec<String> = options
                        .as_array()
                        .map(|a| a.iter().map(compact).collect())
                        .unwrap_or_default();
                    (
                        format!("{} is not an allowed value for `{shown}`", value()),
                        Some(format!("use one of: {}", options.join(", "))),
                    )
                }
                ValidationErrorKind::Type { kind } => {
                    let found = root.at(&route).map(Node::type_name).unwrap_or("value");
                    let expected = type_names(kind);
                    let message = format!(
                        "`{shown}` must be of type {}; found a {found}",
                        expected.join(" or ")
                    );
                    typed.push((out.len(), expected));
                    (message, described())
                }
                ValidationErrorKind::Pattern { pattern } if pattern_phrase(pattern).is_some() => {
                    let phrase = pattern_phrase(pattern).unwrap_or_default();
                    (format!("`{shown}`: {} {phrase}", value()), described())
                }
                ValidationErrorKind::Minimum { limit }
                | ValidationErrorKind::Maximum { limit }
                | ValidationErrorKind::ExclusiveMinimum { limit }
                | ValidationErrorKind::ExclusiveMaximum { limit } => {
                    // jsonschema says "0 is less than or equal to the minimum of 0".
                    let bound = match error.kind() {
                        ValidationErrorKind::Minimum { .. } => "at least",
                        ValidationErrorKind::Maximum { .. } => "at most",
                        ValidationErrorKind::ExclusiveMinimum { .. } => "more than",
                        _ => "less than",
                    };
                    let message = format!("`{shown}` must be {bound} {limit}; found {}", value());
                    (message, described())
                }
                ValidationErrorKind::Format { format } if format == "date" => (
                    format!("{} is not a calendar date (`{shown}`)", value()),
                    Some("write an existing date as YYYY-MM-DD, e.g. 2026-11-02".into()),
                ),
                _ => {
                    // jsonschema's messages start with the value in full (`"…" is longer than
                    // 4096 characters`): a long one is cut as other messages cut values.
                    let text = error.to_string();
                    let text = match text.strip_prefix(&error.instance().to_string()) {
                        Some(rest) => value() + rest,
                        None => text,
                    };
                    let message = if route.is_root() {
                        text
                    } else {
                        format!("`{shown}`: {text}")
                    };
                    (message, described())
                }
            };
            out.push(Violation {
                span: located.span,
                path: shown,
                message,
                help,
            });
        }
        let narrower: Vec<usize> = typed
            .iter()
            .filter(|(i, types)| {
                typed.iter().any(|(j, wider)| {
                    out[*j].path == out[*i].path
                        && wider.len() > types.len()
                        && types.iter().all(|t| wider.contains(t))
                })
            })
            .map(|(i, _)| *i)
            .collect();
        let mut index = 0;
        out.retain(|_| {
            index += 1;
            !narrower.contains(&(index - 1))
        });
        // A total order: the order jsonschema reports keywords in is not part of the output.
        out.sort_by(|a, b| {
            (
                a.span.start.offset,
                a.span.end.offset,
                &a.message,
                &a.path,
                &a.help,
            )
                .cmp(&(
                    b.span.start.offset,
                    b.span.end.offset,
                    &b.message,
                    &b.path,
                    &b.help,
                ))
        });
        out.dedup();
        out
    }

    /// The `description` of the schema node at a JSON pointer, following a local `$ref`.
    fn description(&self, pointer: &str) -> Option<String> {
        let node = self.doc().pointer(pointer)?;
        if let Some(d) = node.get("description").and_then(Value::as_str) {
            return Some(d.to_string());
        }
        let target = node.get("$ref")?.as_str()?.strip_prefix('#')?;
        self.doc()
            .pointer(target)?
            .get("description")?
            .as_str()
            .map(str::to_string)
    }

    /// Keys an object schema allows, for "did you mean" (schema path ends in `additionalProperties`).
    fn known_keys(&self, schema_path: &str) -> Vec<String> {
        self.doc()
            .pointer(&parent_pointer(schema_path))
            .and_then(|n| n.get("properties"))
            .and_then(Value::as_object)
            .map(|p| p.keys().cloned().collect())
            .unwrap_or_default()
    }
}

/// Compiles a schema text the way the generated validators were (formats asserted).
fn compile(text: &str) -> jsonschema::Validator {
    let doc: Value = serde_json::from_str(text).expect("embedded schema is JSON");
    jsonschema::options()
        .should_validate_formats(true)
        .build(&doc)
        .expect("embedded schema compiles")
}

/// The pointer without its last segment (the failing keyword).
fn parent_pointer(pointer: &str) -> String {
    match pointer.rfind('/') {
        Some(i) => pointer[..i].to_string(),
        None => String::new(),
    }
}

/// `owners.escalation[1].after` style display of a route; `(root)` for the root.
fn route_display(route: &Route) -> String {
    let text = route.to_string();
    if text.is_empty() {
        "(root)".into()
    } else {
        text
    }
}

/// A short rendering of a JSON value for messages.
fn compact(v: &Value) -> String {
    let mut s = v.to_string();
    if s.chars().count() > 60 {
        s = s.chars().take(57).collect::<String>() + "...";
    }
    s
}

/// What a shipped schema's `pattern` asks, in words: a message that quotes the regular
/// expression (`does not match "^([0-9]{1,9}(s|m|h|d|w))+$"`) makes the reader decode it.
/// Every pattern of the shipped schemas has one (tested).
fn pattern_phrase(pattern: &str) -> Option<&'static str> {
    Some(match pattern {
        "^([0-9]{1,9}(s|m|h|d|w))+$" => {
            "is not a duration: one or more number-and-unit pairs, the unit s, m, h, d or w (`30s`, `15m`, `1h30m`, `7d`)"
        }
        "^[0-9]{4}-[0-9]{2}-[0-9]{2}$" => "is not a date written YYYY-MM-DD",
        "^@[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})(?:/[A-Za-z0-9][A-Za-z0-9._-]{0,99})?$" => {
            "is not a GitHub handle: `@` and a user (`@alice`) or a team (`@org/team`)"
        }
        "^https?://[^\\s]+$" => "is not an http:// or https:// address without spaces",
        "^[a-z0-9][a-z0-9._-]*$" => {
            "must be lower-case letters, digits, `.`, `_` and `-`, starting with a letter or digit"
        }
        "^[a-z][a-z0-9_-]*$" => {
            "must be lower-case letters, digits, `_` and `-`, starting with a letter"
        }
        "^sev[1-5]$" => "is not a severity: `sev1` to `sev5`",
        "^[A-Za-z_:][A-Za-z0-9_:.]*$" => {
            "is not a metric name: letters, digits, `_`, `:` and `.`, not starting with a digit"
        }
        "^[A-Za-z_:][A-Za-z0-9_:]*$" => {
            "is not a Prometheus alert name: letters, digits, `_` and `:`, not starting with a digit"
        }
        "^[A-Za-z0-9_-]+$" => "must be letters, digits, `_` and `-` only",
        "^[A-Za-z0-9_.-]+$" => "must be letters, digits, `.`, `_` and `-` only",
        "^[A-Za-z0-9_.:-]+$" => "must be letters, digits, `.`, `:`, `_` and `-` only",
        "^[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)*$" => {
            "is not a dotted field path (`health.queue_depth`): names of letters, digits and `_`, joined by `.`"
        }
        "^[A-Z][A-Z0-9-]+$" => {
            "is not an item id: upper-case letters, digits and `-`, starting with a letter (`PROD-SLA`)"
        }
        "^[A-Z][A-Z0-9]*(-[A-Z0-9]+)+$" => {
            "is not an item id: upper-case words of letters and digits joined by `-` (`TEAM-DR-DRILL`)"
        }
        _ => return None,
    })
}

/// The JSON types a `type` keyword allows, in jsonschema's order.
fn type_names(kind: &TypeKind) -> Vec<String> {
    match kind {
        TypeKind::Single(t) => vec![t.to_string()],
        TypeKind::Multiple(set) => set.iter().map(|t| t.to_string()).collect(),
    }
}

/// "did you mean" help for an unknown key, listing the known keys.
pub fn suggest(key: &str, known: &[String]) -> String {
    let best = known
        .iter()
        .map(|k| (strsim::jaro_winkler(key, k), k))
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0));
    let mut sorted = known.to_vec();
    sorted.sort();
    let list = sorted.join(", ");
    match best {
        Some((_, k)) => format!("did you mean `{k}`? Known keys here: {list}"),
        None if known.is_empty() => "remove this key".into(),
        None => format!("remove it or use a known key: {list}"),
    }
}

#[cfg(test)]
mod tests;

#[cfg(test)]
pub(crate) mod agreement;
