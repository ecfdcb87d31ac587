//! `launchgate init`: a starter manifest and runbook templates that pass the schema and fail
//! only on what a person must fill in, and the default repository policy when there is none.

use std::path::{Path, PathBuf};

use crate::error::Error;
use crate::source::display_path;

const FILES: &[(&str, &str)] = &[
    ("readiness.yaml", include_str!("manifest.yaml")),
    ("runbooks/monitoring.md", include_str!("monitoring.md")),
    (
        "runbooks/incident-response.md",
        include_str!("incident-response.md"),
    ),
    ("runbooks/rollback.md", include_str!("rollback.md")),
    ("runbooks/comms.md", include_str!("comms.md")),
    ("runbooks/support.md", include_str!("support.md")),
];

/// A service name from a directory name: lowercase, only `a-z0-9._-`. The directory need not
/// exist yet (`init new-service`).
fn service_name(dir: &Path) -> String {
    let raw = std::fs::canonicalize(dir)
        .or_else(|_| std::path::absolute(dir))
        .ok()
        .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_default();
    let name: String = raw
        .to_lowercase()
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "._-".contains(c) {
                c
            } else {
                '-'
            }
        })
        .skip_while(|c| !c.is_ascii_alphanumeric())
        .take(MAX_NAME)
        .collect();
    if name.is_empty() {
        "my-service".into()
    } else {
        name
    }
}

/// Longest service name the manifest schema accepts.
const MAX_NAME: usize = 100;

/// Whether the manifest schema accepts `name` as `service.name` (`^[a-z0-9][a-z0-9._-]*$`, at
/// most [`MAX_NAME`] characters).
fn is_service_name(name: &str) -> bool {
    let body = |c: u8| c.is_ascii_lowercase() || c.is_ascii_digit() || b"._-".contains(&c);
    name.len() <= MAX_NAME
        && name
            .bytes()
            .next()
            .is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        && name.bytes().all(body)
}

/// Writes the default repository policy at the repository root holding `dir` (or in `dir`
/// outside a repository), unless a policy already governs `dir`; an existing policy is never
/// replaced, not even with `--force`: it belongs to the repository, not to one service.
fn write_policy(dir: &Path) -> Result<(), Error> {
    let io = |p: &Path, e: std::io::Error| Error::Write {
        path: display_path(p),
        reason: e.to_string(),
    };
    if let Some(existing) = crate::policy::find(dir).map_err(|e| io(dir, e))? {
        println!("kept the repository policy {}", display_path(&existing));
        return Ok(());
    }
    let canonical = std::fs::canonicalize(dir).map_err(|e| io(dir, e))?;
    let path = crate::policy::repository_root(&canonical).join(crate::policy::FILE_NAME);
    write_file(&path, crate::policy::DEFAULT_TEXT, false).map_err(|e| io(&path, e))?;
    println!(
        "wrote {} (repository policy: required checklists)",
        display_path(&path)
    );
    Ok(())
}

/// Writes `text` to a new file, or with `replace` over an existing regular file; never through
/// a symlink (a repository could hold one pointing anywhere, and `init` would write there).
fn write_file(path: &Path, text: &str, replace: bool) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true);
    if replace {
        options.create(true).truncate(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.custom_flags(libc::O_NOFOLLOW);
        }
    } else {
        // O_EXCL: fails on anything already there, a dangling symlink included.
        options.create_new(true);
    }
    let file = options.open(path).map_err(|e| {
        #[cfg(unix)]
        if e.raw_os_error() == Some(libc::ELOOP) {
            return std::io::Error::other(
                "it is a symlink, and init does not write through one (remove it first)",
            );
        }
        e
    })?;
    let mut file = file;
    file.write_all(text.as_bytes())
}

/// Writes the starter files; refuses to overwrite unless `force`.
pub fn run(dir: Option<PathBuf>, name: Option<String>, force: bool) -> Result<i32, Error> {
    let dir = dir.unwrap_or_else(|| PathBuf::from("."));
    // Everything that can refuse is asked before anything is written: a refused `init`
    // leaves no directory behind.
    let name = name.unwrap_or_else(|| service_name(&dir));
    if !is_service_name(&name) {
        return Err(Error::Usage(format!(
            "--name `{name}`: a service name starts with a lowercase letter or digit, then lowercase letters, digits, `.`, `_` or `-`, at most {MAX_NAME} characters (the manifest schema's `service.name`)"
        )));
    }
    if !force {
        let existing: Vec<String> = FILES
            .iter()
            .map(|(f, _)| dir.join(f))
            // A dangling symlink is there too: writing through it would create its target.
            .filter(|p| p.symlink_metadata().is_ok())
            .map(|p| display_path(&p))
            .collect();
        if !existing.is_empty() {
            return Err(Error::Usage(format!(
                "not overwriting {}; use --force to replace them",
                existing.join(", ")
            )));
        }
    }
    std::fs::create_dir_all(dir.join("runbooks")).map_err(|e| Error::Write {
        path: display_path(&dir),
        reason: e.to_string(),
    })?;
    for (file, text) in FILES {
        let path = dir.join(file);
        let text = text.replace("{{name}}", &name);
        write_file(&path, &text, force).map_err(|e| Error::Write {
            path: display_path(&path),
            reason: e.to_string(),
        })?;
        println!("wrote {}", display_path(&path));
    }
    write_policy(&dir)?;
    println!(
        "\nNext: replace every TODO, then run `launchgate check {}`.\nUntil then the check fails and lists what is left to fill in.",
        match display_path(&dir) {
            shown if shown.is_empty() => ".".to_string(),
            shown => shown,
        }
    );
    Ok(0)
}
