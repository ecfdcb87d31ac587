//! An alert's runbook: whether the file it links is long enough to help, and what the
//! runbooks say of the alert.

/// What the runbooks say of the alert `name`: the opening paragraph of the runbook it links
/// (`runbook_file`), then the monitoring runbook's lines that name it.
pub(super) fn described<'r>(
    runbook_file: Option<&str>,
    read: &'r std::collections::BTreeMap<String, super::super::FileFacts>,
    name: &'r str,
) -> impl Iterator<Item = &'r crate::evidence::markdown::Opening> + use<'r> {
    let opening = runbook_file
        .and_then(|file| read.values().find(|f| f.repo_path == file))
        .and_then(|f| f.markdown.as_ref()?.opening.as_ref());
    let lines = read
        .values()
        .filter_map(|f| f.markdown.as_ref())
        .flat_map(|m| &m.alert_lines)
        .filter(move |(alert, _)| alert == name)
        .map(|(_, line)| line);
    opening.into_iter().chain(lines)
}

/// Words of a runbook file (Markdown's words for `.md`, as the manifest's runbooks are
/// counted), from the facts already read when the manifest names the same file.
pub(super) fn runbook_words(
    base: &super::super::Base,
    read: &std::collections::BTreeMap<String, super::super::FileFacts>,
    path: &str,
) -> Result<usize, super::super::PathProblem> {
    // By repository path: a rule file's `../runbooks/x.md` is the manifest's `runbooks/x.md`.
    let repo_path = base.repo_relative(path);
    let known = read.values().find(|f| f.repo_path == repo_path);
    if let Some(md) = known.and_then(|f| f.markdown.as_ref()) {
        return Ok(md.words);
    }
    let (_, text) = base.read_text(path)?;
    Ok(if super::super::markdown::is_markdown(path) {
        super::super::markdown::facts(&text).words
    } else {
        super::super::markdown::words_in(&text)
    })
}

/// Whether a runbook file an alert links is long enough to help (`shown` names it), and why
/// not when it is not.
pub(super) fn runbook_verdict(
    words: Result<usize, super::super::PathProblem>,
    shown: &str,
) -> (bool, Option<String>) {
    match words {
        Ok(n) if n >= RUNBOOK_MIN_WORDS => (true, None),
        Ok(n) => (
            false,
            Some(format!(
                "runbook {shown} has {n} words: the person paged opens it to learn what to do (write at least {RUNBOOK_MIN_WORDS})"
            )),
        ),
        Err(e) => (false, Some(format!("runbook {e}"))),
    }
}

/// Fewest words a runbook file needs, as `LAUNCH-RUNBOOKS` and `PROD-MONITORING` ask of the
/// manifest's runbooks: the person paged opens it to learn what to do.
pub const RUNBOOK_MIN_WORDS: usize = 20;
