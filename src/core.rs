//! launchgate's own items: problems with the manifest itself rather than with readiness.
//! They cannot be waived.

use crate::report::{Finding, ItemInfo, Outcome, Severity};

/// Documentation base for item help links.
pub const DOCS_URL: &str = "https://github.com/launchgate/launchgate/blob/main/docs/items.md";

/// A core item's documentation.
pub struct CoreItem {
    /// Id.
    pub id: &'static str,
    /// Title.
    pub title: &'static str,
    /// Why it matters.
    pub why: &'static str,
    /// How to fix it.
    pub fix: &'static str,
}

/// Every core item.
pub const CORE: &[CoreItem] = &[
    CoreItem {
        id: "LG-YAML",
        title: "Manifest is readable YAML",
        why: "A manifest that cannot be read cannot show readiness; guessing at a broken file could pass a service that is not ready.",
        fix: "Fix the YAML at the location shown: one document, string keys, no duplicate keys, no custom tags or merge keys, UTF-8.",
    },
    CoreItem {
        id: "LG-SCHEMA",
        title: "Manifest matches the schema",
        why: "Unknown or misspelled keys are silently ignored by most tools, so a typo could hide a missing rollback or owner. launchgate rejects them.",
        fix: "Fix the key or value at the location shown; `launchgate schema` prints the schema, and editors with yaml-language-server complete keys from it.",
    },
    CoreItem {
        id: "LG-UNIQUE",
        title: "Ids are unique",
        why: "Two risks called R1, two phases called canary-1, two sign-offs for one role or two waivers for one item make every reference to them ambiguous: which risk the review accepted, which phase `gate --phase` runs, which waiver applies. Risk ids, phase names and sign-off roles are compared ignoring case, as people read them; signal and alert names exactly, as Prometheus does. Across the manifests of one run, a `service.name` already named by another manifest is a warning: a manifest copied to start a new service keeps the old one's name until someone changes it, and its reports, gates and scores then go to the old service (several manifests may describe one service on purpose, one per environment or component, so it never blocks).",
        fix: "Give each entry its own id or merge the two entries; the finding points at the repeat and names the first occurrence. A copied manifest gets its own service's `service.name`.",
    },
    CoreItem {
        id: "LG-PATH",
        title: "Referenced files exist inside the repository",
        why: "A runbook, dashboard or rule file that does not exist is no evidence at all; paths leaving the repository could read anything on the machine. A runbook that exists on this machine but that git does not track (never added, or ignored) is not in the repository either: the check passes here and fails in CI, and nobody else can open it (a warning).",
        fix: "Create the file or fix the path. Paths are relative to the manifest and must stay inside the repository (no absolute paths, no `..` or symlinks leading out). `git add` a runbook, notes or comms file the repository should hold (dashboards and rule files may be generated in CI and are not asked).",
    },
    CoreItem {
        id: "LG-CHECKLIST",
        title: "Checklists exist and apply cleanly",
        why: "A manifest that names a checklist launchgate cannot find would otherwise be checked against less than its authors intended. A checklist file outside the repository (an absolute path, `..` above the root, a symlink out) is not read: what a pull request names there could be any file of the CI machine, and a parse error would print it.",
        fix: "Use a built-in checklist name (`launchgate checklists` lists them) or the path of a checklist file inside the repository, relative to the manifest; pass one kept elsewhere with `--checklist`.",
    },
    CoreItem {
        id: "LG-POLICY",
        title: "Checklists the repository policy requires are applied",
        why: "Who is checked must not decide what is checked. The repository policy (`.launchgate.yaml`, or the default policy when there is none) says which checklists each stage and tier must pass; a manifest that could leave one out of `checklists:` would switch its own checks off. For the same reason a manifest whose history (HEAD's first-parent line) declared a later stage than it does now is checked at that stage: a prod service that writes `stage: poc` would otherwise be asked for almost nothing.",
        fix: "Add the required checklist back to the manifest's `checklists:` (a manifest may add checklists, never drop a required one), or change `.launchgate.yaml` through review. The required checklist is applied either way; `--checklist` on the command line overrides both for one run, and the report says so. A stage lowered by an edit is a warning, and the stage it left still applies: put the stage back, and give a service that really starts over (a rebuild) a manifest of its own.",
    },
    CoreItem {
        id: "LG-WAIVER",
        title: "Waivers are valid",
        why: "A waiver is an approved, expiring exception. Expired waivers, waivers for unknown items, waivers approved by the service's own owners or by a team handle (nobody in particular), waivers without a reason a reviewer can weigh (`ok`, `.`), and waivers that outlive their reason hide problems.",
        fix: "Renew the waiver with a new approval and expiry, fix the item id, write why the item cannot be met now and what closes it (at least 3 words), or remove a waiver whose item now passes.",
    },
    CoreItem {
        id: "LG-EVIDENCE",
        title: "Evidence files are readable",
        why: "A Prometheus rule file that is not YAML, or that Prometheus would refuse (an unknown key, a rule without `expr` or with an `expr` that is not PromQL, a bad duration), proves nothing: Prometheus loads none of its alerts. A dashboard that is not JSON proves nothing either; launchgate does not guess what was meant.",
        fix: "Fix the file at the location shown (`promtool check rules` for rule files; re-export dashboards from Grafana).",
    },
    CoreItem {
        id: "LG-PROMQL",
        title: "Gate queries are valid PromQL",
        why: "A canary gate over Prometheus whose query cannot parse would stop every rollout at gate time, when the change is already being deployed; a syntax error is a configuration error to fix before the rollout starts.",
        fix: "Fix the `query` at the location shown; the message is the PromQL parser's. `promtool query instant` or the Prometheus UI report the same errors.",
    },
    CoreItem {
        id: "LG-GATE",
        title: "Canary phases widen and their gates can be evaluated",
        why: "Phases are cumulative, each widening the rollout: a phase with less traffic than the one before it (`50`, then `5`, a digit lost) would have `gate` promote the rollout by shrinking it. The first phase is the canary: at 100% of traffic every user has the change before any gate is judged, and canaries at 0% reach no user, so when every phase before the first at 100% sends none, their gates judge a release nobody runs. Waits must grow: phases are cumulative, so a phase whose `after` is no longer than an earlier phase's (or that has none once an earlier phase waits) may be entered the moment the phase before it may, and that phase's traffic share never runs before the rollout widens; the difference between two `after`s is how long the earlier phase bakes. Freshness bounds must be shorter than what they guard: a `max_staleness` as long as a phase's `after` or a history window lets a snapshot from before that span stand for it, and a `max_gap` as long as a history window lets one cycle cover the whole window. A gate whose expression does not compile (a CEL syntax error, history functions without a `window`, a `step` longer than its window, loops nested deeper than launchgate evaluates) fails its phase at every rollout, found only once the change is being deployed; `check` finds it before the rollout starts. A gate whose answer does not depend on the rollout (`true`, `1 < 2`, `x || true`, `x == x`, `x > 1 || x < 2`, `x > 5 && x < 3`, or a count compared with zero: `health.failure_streak >= 0`, `count_reason(\"case_processing_failed\") >= 0`, `all(failed_cases >= 0)`, true of every count, or a stall bound its window cannot reach: `max_stall(\"x\") < duration(\"2h\")` in a 60m window) would pass every rollout however the canary does (or none): it fails too, and so does one with such a part where it changes nothing (`health.failure_streak >= 0 && health.queue_depth <= 1`, `all(failed_cases >= 0 && applied_cases > 0)`: only the rest is gated; `health.failure_streak >= 0 ? a : b`: `b` never is). So does a `query` that answers a constant when its series are missing (`sum(rate(errors_total[5m])) or vector(0)`: with the service not scraped at all, the gate would judge 0 instead of holding; `or on() (0 * sum(rate(requests_total[5m])))` is there only while requests are counted), and one that reads a metric only through an `offset` (`rate(errors_total[5m] offset 1h)`: each phase judged on samples from before it began) or pinned by `@` to a fixed time. So does a rollout no gate watches (every phase `gates: []`), and an `after` when no earlier phase has a gate: the wait for gates that do not exist shows nothing held. And a rollout in which no phase sets `require_check`: general availability waits for the release sign-off checklist, and without it `gate` would take the rollout to all traffic whatever `check` says of the manifest. A gate naming what its producer never writes answers the same at every rollout: a reason code tau does not write (`count_reason(\"Case_Processing_Failed\") == 0` counts nothing and passes however many cases fail), a state it never reports (`health_state != \"failng\"`), a `health.` field it lacks or a slip of one of its fields (the gate holds forever). And a gate that passes without the data it checks: a gate reading a field the snapshot lacks holds, but `!has(health.failure_streak) || health.failure_streak == 0` (or `has(f) ? ... : true`), written to quiet that hold, is true whenever the field is missing, so a snapshot cut short, or from a producer that renamed the field, promotes; `has(f) && ...` fails closed and is allowed. An optional access (`health.?failure_streak.orValue(0) == 0`, `health[?\"queue_depth\"]`) makes up a value for a missing field, and fails too. So does a gate that offers tau's own verdict as one way to pass (`rollout_gate == \"pass\" || health_state == \"healthy\"`, `||` typed for `&&`): whenever the other side holds it passes while tau holds or fails the rollout; a rollout that must go ahead against the verdict is a waiver, approved and dated.",
        fix: "Send the first phase a small share of traffic and give each phase at least the traffic of the one before it, and `max_staleness` and `max_gap` less than the shortest `after` and the shortest history `window`. Fix the gate's `expr` (or its `window`, `step`, `max_gap`) as the message says; `launchgate gate --phase NAME --status FILE` evaluates it against a status snapshot. Give the first canary phase gates, and an `after` an earlier phase with gates to wait on. Set `require_check: true` on the phase that reaches full traffic. Name reason codes, states and fields as the producer writes them (the message lists tau's); for another producer, or codes a newer tau writes, list its reason codes in `rollout.reason_codes`.",
    },
    CoreItem {
        id: "LG-PLACEHOLDER",
        title: "No placeholders left",
        why: "`launchgate init` writes TODO placeholders for what only a person can know; a manifest or runbook that still holds them is not finished. A stand-in for a person (`@your-handle`, `@org/team-name`, `@todo`, GitHub's example `@octocat`, `oncall@example.com`) pages nobody.",
        fix: "Replace every TODO, TBD, FIXME, XXX (`+1-XXX-XXX-XXXX`), `-`, `n/a`, `...`, unrendered template variable (`{{ team }}`, `${TEAM}`) and lorem ipsum filler with the real value or text, and every stand-in handle, channel or address with the person, team or channel who answers.",
    },
];

/// The core item with this id.
pub fn lookup(id: &str) -> Option<&'static CoreItem> {
    CORE.iter().find(|c| c.id == id)
}

/// A finding of a core item (always severity error). `id` must be one of [`CORE`]: a
/// programming error otherwise, caught by the tests of every caller.
pub fn finding(id: &str, outcome: Outcome, message: String) -> Finding {
    let item = lookup(id).expect("known core item");
    Finding::new(item.id, item.title, Severity::Error, outcome, message)
}

/// Whether an id belongs to launchgate's core items.
pub fn is_core(id: &str) -> bool {
    id.starts_with("LG-")
}

/// The help link for an item.
pub fn help_uri(id: &str) -> String {
    format!("{DOCS_URL}#{}", id.to_lowercase())
}

/// Report metadata for a core item.
pub fn info(item: &CoreItem) -> ItemInfo {
    ItemInfo {
        title: item.title.into(),
        why: item.why.into(),
        fix: item.fix.into(),
        severity: Severity::Error,
        checklist: "core".into(),
        help_uri: help_uri(item.id),
    }
}
