//! Runs a composite action's steps the way the GitHub runner does, so `action.yml` is tested by
//! running it rather than only by linting it.
//!
//! What the runner does, and so does this:
//! - `${{ ... }}` in `run`, `env` and the action's `outputs` is evaluated (inputs from the
//!   caller or their defaults, `github.action_path`, `github.action_ref`, `steps.ID.outputs.X`,
//!   `runner.*`); `if:` without a status function means `success() && (...)`.
//! - `shell: bash` runs `bash --noprofile --norc -eo pipefail FILE` on the script written to a
//!   file under `RUNNER_TEMP`, in the workspace.
//! - Each step gets fresh `GITHUB_OUTPUT`, `GITHUB_ENV`, `GITHUB_PATH` and
//!   `GITHUB_STEP_SUMMARY` files. After it: outputs (`k=v` and `k<<EOF` heredocs) become
//!   `steps.ID.outputs`; `GITHUB_ENV` entries (same forms) are set for every later step;
//!   `GITHUB_PATH` lines are prepended to `PATH` for later steps, the newest first; summaries
//!   are collected.
//! - A failed step skips the later steps that do not ask for `always()`/`failure()`, and fails
//!   the action.
//!
//! Anything else (`uses:` steps, other shells, `continue-on-error`, expression syntax or
//! contexts beyond this subset) is an error, never silently ignored: a test that passes here
//! must mean the runner would do the same.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::Value;

use expressions::Context;

mod expressions;

/// A parsed composite action.
#[derive(Debug, Clone)]
pub struct Action {
    /// The directory holding `action.yml` (`github.action_path`).
    pub path: PathBuf,
    /// Declared inputs and their defaults.
    pub inputs: BTreeMap<String, String>,
    /// Declared outputs and their value expressions.
    pub outputs: BTreeMap<String, String>,
    /// The steps.
    pub steps: Vec<Step>,
}

/// One `run` step.
#[derive(Debug, Clone)]
pub struct Step {
    pub id: Option<String>,
    pub name: String,
    pub run: String,
    pub env: Vec<(String, String)>,
    pub condition: Option<String>,
    pub working_directory: Option<String>,
}

/// How a step ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Success,
    /// Exit code (-1 when killed by a signal).
    Failure(i32),
    Skipped,
}

/// What one step did.
#[derive(Debug, Clone)]
pub struct StepRun {
    pub name: String,
    pub outcome: Outcome,
    pub stdout: String,
    pub stderr: String,
    pub outputs: BTreeMap<String, String>,
}

/// What one use of the action did.
#[derive(Debug, Clone)]
pub struct Run {
    pub steps: Vec<StepRun>,
    pub outputs: BTreeMap<String, String>,
    pub success: bool,
    /// Everything the steps appended to `GITHUB_STEP_SUMMARY`.
    pub summary: String,
}

impl Run {
    /// The step named `name`.
    pub fn step(&self, name: &str) -> &StepRun {
        self.steps
            .iter()
            .find(|s| s.name == name)
            .unwrap_or_else(|| panic!("no step named {name}: {:#?}", self.names()))
    }

    /// Step names with outcomes, for assertion messages.
    pub fn names(&self) -> Vec<(String, Outcome)> {
        self.steps
            .iter()
            .map(|s| (s.name.clone(), s.outcome.clone()))
            .collect()
    }

    /// All steps' stdout and stderr, in order (what the job log shows).
    pub fn log(&self) -> String {
        let mut text = String::new();
        for s in &self.steps {
            text.push_str(&format!(
                "--- {} ({:?})\n{}{}",
                s.name, s.outcome, s.stdout, s.stderr
            ));
        }
        text
    }
}

/// A job: the state steps share across actions (workspace, env and PATH additions).
pub struct Job {
    pub workspace: PathBuf,
    pub runner_temp: PathBuf,
    pub tool_cache: PathBuf,
    pub runner_os: String,
    pub runner_arch: String,
    /// The environment every step starts from (the runner's own, with `PATH` the base path).
    pub env: BTreeMap<String, String>,
    /// `GITHUB_PATH` additions in the order they were added (the runner's `PrependPath`).
    pub prepend_path: Vec<String>,
    counter: usize,
}

impl Job {
    /// A job in `dir` (which gets `workspace`, `temp`, `toolcache` and `home` folders), with
    /// `path` as the runner's PATH.
    pub fn new(dir: &Path, path: &str) -> Job {
        let workspace = dir.join("workspace");
        let runner_temp = dir.join("temp");
        let tool_cache = dir.join("toolcache");
        let home = dir.join("home");
        for d in [&workspace, &runner_temp, &tool_cache, &home] {
            std::fs::create_dir_all(d).unwrap();
        }
        let (runner_os, runner_arch) = host_runner();
        let mut env = BTreeMap::new();
        env.insert("PATH".into(), path.into());
        env.insert("HOME".into(), home.display().to_string());
        env.insert("LANG".into(), "C.UTF-8".into());
        Job {
            workspace,
            runner_temp,
            tool_cache,
            runner_os,
            runner_arch,
            env,
            prepend_path: Vec::new(),
            counter: 0,
        }
    }

    /// PATH as a step sees it: the `GITHUB_PATH` additions, newest first, then the base.
    pub fn path(&self) -> String {
        let mut parts: Vec<&str> = self.prepend_path.iter().rev().map(String::as_str).collect();
        if let Some(base) = self.env.get("PATH") {
            parts.push(base);
        }
        parts.join(":")
    }

    /// Runs the action with `with` inputs, as `uses:` at `action_ref` would.
    pub fn run_action(
        &mut self,
        action: &Action,
        action_ref: &str,
        with: &[(&str, &str)],
    ) -> Result<Run, String> {
        let mut inputs = action.inputs.clone();
        for (k, v) in with {
            if !inputs.contains_key(*k) {
                return Err(format!("input `{k}` is not declared by the action"));
            }
            inputs.insert((*k).to_string(), (*v).to_string());
        }
        let mut ctx = Context {
            inputs,
            action_path: action.path.display().to_string(),
            action_ref: action_ref.to_string(),
            workspace: self.workspace.display().to_string(),
            runner_os: self.runner_os.clone(),
            runner_arch: self.runner_arch.clone(),
            runner_temp: self.runner_temp.display().to_string(),
            tool_cache: self.tool_cache.display().to_string(),
            steps: BTreeMap::new(),
            step_ids: action.steps.iter().filter_map(|s| s.id.clone()).collect(),
            failed: false,
        };
        let mut runs = Vec::new();
        let mut summary = String::new();
        for step in &action.steps {
            let condition = step.condition.as_deref().unwrap_or("success()");
            let go = ctx.condition(condition)?;
            let run = if go {
                let run = self.run_step(step, &ctx, &mut summary)?;
                if run.outcome != Outcome::Success {
                    ctx.failed = true;
                }
                run
            } else {
                StepRun {
                    name: step.name.clone(),
                    outcome: Outcome::Skipped,
                    stdout: String::new(),
                    stderr: String::new(),
                    outputs: BTreeMap::new(),
                }
            };
            if let Some(id) = &step.id {
                ctx.steps.insert(id.clone(), run.outputs.clone());
            }
            runs.push(run);
        }
        let mut outputs = BTreeMap::new();
        for (name, expr) in &action.outputs {
            outputs.insert(name.clone(), ctx.template(expr)?);
        }
        Ok(Run {
            steps: runs,
            outputs,
            success: !ctx.failed,
            summary,
        })
    }

    /// Runs a workflow `run:` step of the job itself (after the action), in bash.
    pub fn run_bash(&mut self, script: &str) -> StepRun {
        let step = Step {
            id: None,
            name: "workflow step".into(),
            run: script.into(),
            env: vec![],
            condition: None,
            working_directory: None,
        };
        let ctx = Context {
            inputs: BTreeMap::new(),
            action_path: String::new(),
            action_ref: String::new(),
            workspace: self.workspace.display().to_string(),
            runner_os: self.runner_os.clone(),
            runner_arch: self.runner_arch.clone(),
            runner_temp: self.runner_temp.display().to_string(),
            tool_cache: self.tool_cache.display().to_string(),
            steps: BTreeMap::new(),
            step_ids: vec![],
            failed: false,
        };
        let mut summary = String::new();
        self.run_step(&step, &ctx, &mut summary)
            .unwrap_or_else(|e| panic!("{e}"))
    }

    fn run_step(
        &mut self,
        step: &Step,
        ctx: &Context,
        summary: &mut String,
    ) -> Result<StepRun, String> {
        self.counter += 1;
        let n = self.counter;
        let files = self.runner_temp.join("_runner_file_commands");
        std::fs::create_dir_all(&files).map_err(|e| e.to_string())?;
        let file = |kind: &str| files.join(format!("{kind}_{n}"));
        let (output, env_file, path_file, summary_file) = (
            file("set_output"),
            file("set_env"),
            file("add_path"),
            file("step_summary"),
        );
        for f in [&output, &env_file, &path_file, &summary_file] {
            std::fs::write(f, "").map_err(|e| e.to_string())?;
        }
        let script = self.runner_temp.join(format!("step_{n}.sh"));
        std::fs::write(&script, ctx.template(&step.run)?).map_err(|e| e.to_string())?;

        let mut cmd = std::process::Command::new("bash");
        cmd.args(["--noprofile", "--norc", "-eo", "pipefail"])
            .arg(&script)
            .env_clear()
            .envs(&self.env)
            .env("PATH", self.path());
        let runner_env = [
            ("CI", "true".to_string()),
            ("GITHUB_ACTIONS", "true".to_string()),
            ("GITHUB_WORKSPACE", ctx.workspace.clone()),
            ("GITHUB_ACTION_PATH", ctx.action_path.clone()),
            ("RUNNER_OS", ctx.runner_os.clone()),
            ("RUNNER_ARCH", ctx.runner_arch.clone()),
            ("RUNNER_TEMP", ctx.runner_temp.clone()),
            ("RUNNER_TOOL_CACHE", ctx.tool_cache.clone()),
            ("GITHUB_OUTPUT", output.display().to_string()),
            ("GITHUB_ENV", env_file.display().to_string()),
            ("GITHUB_PATH", path_file.display().to_string()),
            ("GITHUB_STEP_SUMMARY", summary_file.display().to_string()),
        ];
        for (k, v) in &runner_env {
            // A test may pose as another runner (RUNNER_OS=macOS) through the job's env.
            if !self.env.contains_key(*k) {
                cmd.env(k, v);
            }
        }
        for (k, v) in &step.env {
            cmd.env(k, ctx.template(v)?);
        }
        let dir = match &step.working_directory {
            Some(d) => self.workspace.join(ctx.template(d)?),
            None => self.workspace.clone(),
        };
        let out = cmd
            .current_dir(dir)
            .output()
            .map_err(|e| format!("running bash: {e}"))?;
        let outcome = match out.status.code() {
            Some(0) => Outcome::Success,
            Some(code) => Outcome::Failure(code),
            None => Outcome::Failure(-1),
        };
        let read = |f: &Path| std::fs::read_to_string(f).map_err(|e| e.to_string());
        let outputs = parse_key_values(&read(&output)?)
            .map_err(|e| format!("GITHUB_OUTPUT: {e}"))?
            .into_iter()
            .collect();
        for (k, v) in parse_key_values(&read(&env_file)?).map_err(|e| format!("GITHUB_ENV: {e}"))? {
            self.env.insert(k, v);
        }
        for line in read(&path_file)?.lines() {
            let line = line.trim_end_matches('\r');
            if line.trim().is_empty() {
                continue;
            }
            // The runner moves a re-added entry to the front instead of listing it twice.
            self.prepend_path.retain(|p| p != line);
            self.prepend_path.push(line.to_string());
        }
        summary.push_str(&read(&summary_file)?);
        Ok(StepRun {
            name: step.name.clone(),
            outcome,
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
            outputs,
        })
    }
}

/// RUNNER_OS and RUNNER_ARCH of this machine, as the runner names them.
pub fn host_runner() -> (String, String) {
    let os = match std::env::consts::OS {
        "linux" => "Linux",
        "macos" => "macOS",
        "windows" => "Windows",
        other => other,
    };
    let arch = match std::env::consts::ARCH {
        "x86_64" => "X64",
        "aarch64" => "ARM64",
        "x86" => "X86",
        "arm" => "ARM",
        other => other,
    };
    (os.into(), arch.into())
}

/// Parses `GITHUB_OUTPUT`/`GITHUB_ENV` text: `name=value` lines and `name<<DELIMITER` heredocs
/// (the value is the lines up to one that is exactly the delimiter), as the runner does.
pub fn parse_key_values(text: &str) -> Result<Vec<(String, String)>, String> {
    let mut out = Vec::new();
    let mut lines = text.split('\n').map(|l| l.strip_suffix('\r').unwrap_or(l));
    while let Some(line) = lines.next() {
        if line.is_empty() {
            continue;
        }
        let eq = line.find('=');
        let heredoc = line.find("<<");
        match (eq, heredoc) {
            (Some(e), h) if h.is_none_or(|h| e < h) => {
                let (k, v) = (&line[..e], &line[e + 1..]);
                if k.is_empty() {
                    return Err(format!("empty name in `{line}`"));
                }
                out.push((k.to_string(), v.to_string()));
            }
            (_, Some(h)) => {
                let (k, delim) = (&line[..h], &line[h + 2..]);
                if k.is_empty() || delim.is_empty() {
                    return Err(format!("bad heredoc start `{line}`"));
                }
                let mut value = Vec::new();
                loop {
                    match lines.next() {
                        Some(l) if l == delim => break,
                        Some(l) => value.push(l),
                        None => return Err(format!("heredoc `{k}` has no closing `{delim}`")),
                    }
                }
                out.push((k.to_string(), value.join("\n")));
            }
            _ => {
                return Err(format!(
                    "`{line}` is neither name=value nor name<<DELIMITER"
                ));
            }
        }
    }
    Ok(out)
}

/// Reads `action.yml` (saphyr, converted to JSON values) and refuses what this runner cannot do.
pub fn load(action_yml: &Path) -> Result<Action, String> {
    use saphyr::LoadableYamlNode;
    let text = std::fs::read_to_string(action_yml).map_err(|e| e.to_string())?;
    let docs = saphyr::Yaml::load_from_str(&text).map_err(|e| e.to_string())?;
    let [doc] = docs.as_slice() else {
        return Err("action.yml must be one YAML document".into());
    };
    let doc = to_json(doc)?;
    let runs = &doc["runs"];
    if runs["using"] != "composite" {
        return Err(format!("runs.using is {}, not composite", runs["using"]));
    }
    let str_map = |v: &Value, what: &str| -> Result<BTreeMap<String, Value>, String> {
        match v {
            Value::Null => Ok(BTreeMap::new()),
            Value::Object(m) => Ok(m.clone().into_iter().collect()),
            other => Err(format!("{what} is not a mapping: {other}")),
        }
    };
    let mut inputs = BTreeMap::new();
    for (name, spec) in str_map(&doc["inputs"], "inputs")? {
        let default = match &spec["default"] {
            Value::Null => String::new(),
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        inputs.insert(name, default);
    }
    let mut outputs = BTreeMap::new();
    for (name, spec) in str_map(&doc["outputs"], "outputs")? {
        let value = spec["value"]
            .as_str()
            .ok_or(format!("output {name} has no value"))?;
        outputs.insert(name, value.to_string());
    }
    let mut steps = Vec::new();
    for (i, s) in runs["steps"]
        .as_array()
        .ok_or("runs.steps is not a list")?
        .iter()
        .enumerate()
    {
        let obj = s.as_object().ok_or(format!("step {i} is not a mapping"))?;
        for key in obj.keys() {
            if ![
                "name",
                "id",
                "if",
                "shell",
                "run",
                "env",
                "working-directory",
            ]
            .contains(&key.as_str())
            {
                return Err(format!(
                    "step {i}: `{key}` is not supported by this harness"
                ));
            }
        }
        if s["shell"] != "bash" {
            return Err(format!(
                "step {i}: shell {} is not supported (bash only)",
                s["shell"]
            ));
        }
        let text = |k: &str| s[k].as_str().map(str::to_string);
        let env = str_map(&s["env"], "env")?
            .into_iter()
            .map(|(k, v)| match v {
                Value::String(v) => (k, v),
                other => (k, other.to_string()),
            })
            .collect();
        steps.push(Step {
            id: text("id"),
            name: text("name").or(text("id")).unwrap_or(format!("step {i}")),
            run: text("run").ok_or(format!("step {i} has no run"))?,
            env,
            condition: match &s["if"] {
                Value::Null => None,
                Value::String(c) => Some(c.clone()),
                Value::Bool(b) => Some(b.to_string()),
                other => return Err(format!("step {i}: if is {other}")),
            },
            working_directory: text("working-directory"),
        });
    }
    Ok(Action {
        path: action_yml
            .parent()
            .ok_or("action.yml has no directory")?
            .to_path_buf(),
        inputs,
        outputs,
        steps,
    })
}

fn to_json(y: &saphyr::Yaml) -> Result<Value, String> {
    use saphyr::{Scalar, Yaml};
    Ok(match y {
        Yaml::Value(Scalar::Null) => Value::Null,
        Yaml::Value(Scalar::Boolean(b)) => Value::Bool(*b),
        Yaml::Value(Scalar::Integer(i)) => Value::from(*i),
        Yaml::Value(Scalar::FloatingPoint(f)) => Value::from(f.into_inner()),
        Yaml::Value(Scalar::String(s)) => Value::String(s.to_string()),
        Yaml::Sequence(items) => Value::Array(items.iter().map(to_json).collect::<Result<_, _>>()?),
        Yaml::Mapping(m) => {
            let mut obj = serde_json::Map::new();
            for (k, v) in m {
                let key = match to_json(k)? {
                    Value::String(s) => s,
                    other => other.to_string(),
                };
                obj.insert(key, to_json(v)?);
            }
            Value::Object(obj)
        }
        other => return Err(format!("unsupported YAML node {other:?}")),
    })
}
