//! GitHub Actions workflow commands (`::error file=…,line=…::message`), escaped exactly as
//! `@actions/core` escapes them, so manifest text can never start or break a command.

use crate::report::{Outcome, Report, Severity};

/// Escapes command data (the message): `%`, CR and LF.
pub fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a command property: as data, plus `:` and `,`.
pub fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// One workflow command, with properties in `@actions/core`'s order; empty values are left
/// out as `@actions/core` leaves them out.
pub fn command(name: &str, properties: &[(&str, String)], message: &str) -> String {
    let props: Vec<String> = properties
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{k}={}", escape_property(v)))
        .collect();
    if props.is_empty() {
        format!("::{name}::{}", escape_data(message))
    } else {
        format!("::{name} {}::{}", props.join(","), escape_data(message))
    }
}

/// Every finding that is not a pass becomes an annotation: failures `error` (or `warning`
/// for advisory items), holds `warning`, waivers `notice`. Written into `out` as it goes.
pub fn write(report: &Report, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    for m in report.manifests.iter() {
        for f in m.findings.iter() {
            let name = match (f.outcome, f.severity) {
                (Outcome::Pass, _) => continue,
                (Outcome::Fail, Severity::Error) => "error",
                (Outcome::Fail, Severity::Warning) | (Outcome::Hold, _) => "warning",
                (Outcome::Waived, _) => "notice",
            };
            let mut props: Vec<(&str, String)> =
                vec![("title", format!("{}: {}", f.item, f.title))];
            if let Some(l) = &f.location {
                props.push(("file", l.file.clone()));
                props.push(("line", l.line.to_string()));
                props.push(("endLine", l.end_line.to_string()));
                if l.len > 0 {
                    props.push(("col", l.column.to_string()));
                    props.push(("endColumn", l.end_column.to_string()));
                }
            }
            let mut message = match f.outcome {
                Outcome::Hold => format!("hold: {}", f.message),
                Outcome::Waived => format!("waived: {}", f.message),
                _ => f.message.to_string(),
            };
            if let Some(h) = &f.help {
                message.push_str(&format!("\n{h}"));
            }
            writeln!(out, "{}", command(name, &props, &message))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_text_cannot_break_out() {
        let line = command(
            "error",
            &[
                ("title", "a,b:c%\n::warning::x".into()),
                ("file", "f.yaml".into()),
                ("line", "3".into()),
            ],
            "50%\r\n::error::injected",
        );
        assert_eq!(
            line,
            "::error title=a%2Cb%3Ac%25%0A%3A%3Awarning%3A%3Ax,file=f.yaml,line=3::50%25%0D%0A::error::injected"
        );
        assert!(!line.contains('\n'));
    }
}
