//! Names a slip away from known ones: the "did you mean" of a finding.

/// ` (did you mean `k`?)` for the known name fewest edits from `word` (case aside), when it
/// is at most 3 edits away, or a quarter of its length; empty otherwise.
pub fn did_you_mean(word: &str, known: &[&str]) -> String {
    closest(word, known, |d, k| d <= 3.max(k.len() / 4))
        .map(|k| format!(" (did you mean `{k}`?)"))
        .unwrap_or_default()
}

/// The known name fewest edits from `word` (case aside) among those `close` accepts at their
/// distance.
pub fn closest<'k>(
    word: &str,
    known: &[&'k str],
    close: impl Fn(usize, &str) -> bool,
) -> Option<&'k str> {
    let lower = word.to_lowercase();
    known
        .iter()
        .map(|k| (strsim::damerau_levenshtein(&lower, &k.to_lowercase()), *k))
        .filter(|(d, k)| close(*d, k))
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k)
}
