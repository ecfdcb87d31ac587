//! Durations as written in manifests: `30s`, `15m`, `1h30m`, `7d`, `2w`.

/// Parses a manifest duration into seconds; `None` when it is not one.
pub fn parse_seconds(text: &str) -> Option<i64> {
    if text.is_empty() {
        return None;
    }
    let mut total: i64 = 0;
    let mut number: Option<i64> = None;
    for c in text.chars() {
        if let Some(d) = c.to_digit(10) {
            let n = number.unwrap_or(0);
            number = Some(n.checked_mul(10)?.checked_add(i64::from(d))?);
            continue;
        }
        let unit = match c {
            's' => 1,
            'm' => 60,
            'h' => 3_600,
            'd' => 86_400,
            'w' => 604_800,
            _ => return None,
        };
        total = total.checked_add(number.take()?.checked_mul(unit)?)?;
    }
    if number.is_some() {
        return None;
    }
    Some(total)
}

/// Formats seconds the way manifests write them (`1h30m`, `45s`, `0s`).
pub fn format_seconds(mut secs: i64) -> String {
    if secs == 0 {
        return "0s".into();
    }
    let mut out = String::new();
    if secs < 0 {
        out.push('-');
        secs = -secs;
    }
    for (unit, size) in [("d", 86_400), ("h", 3_600), ("m", 60), ("s", 1)] {
        if secs >= size {
            out.push_str(&format!("{}{unit}", secs / size));
            secs %= size;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_units_and_compounds() {
        assert_eq!(parse_seconds("30s"), Some(30));
        assert_eq!(parse_seconds("15m"), Some(900));
        assert_eq!(parse_seconds("1h30m"), Some(5_400));
        assert_eq!(parse_seconds("7d"), Some(604_800));
        assert_eq!(parse_seconds("2w"), Some(1_209_600));
        assert_eq!(parse_seconds("0m"), Some(0));
    }

    #[test]
    fn rejects_malformed_and_overflow() {
        for bad in [
            "",
            "15",
            "m",
            "1.5h",
            "15 m",
            "-1m",
            "1y",
            "99999999999999999999s",
        ] {
            assert_eq!(parse_seconds(bad), None, "{bad}");
        }
    }

    #[test]
    fn formats_round_trip() {
        for s in [0, 59, 60, 5_400, 86_400 + 61] {
            assert_eq!(parse_seconds(&format_seconds(s)), Some(s));
        }
        assert_eq!(format_seconds(5_400), "1h30m");
    }
}
