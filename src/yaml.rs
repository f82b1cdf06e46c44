//! The one place that knows which YAML parser swfscore uses.
//!
//! The parser is serde-saphyr: pure Rust, no `unsafe`, a line and column on every error,
//! duplicate keys rejected, and alias expansion bounded (so a "billion laughs" file fails
//! instead of eating memory). Swapping it means reimplementing this module: [`parse`],
//! [`Spanned`] and [`pos`].

use crate::diag::{Diagnostic, Pos, Severity, did_you_mean};
use serde::de::DeserializeOwned;

/// A value together with the place in the file it came from.
pub use serde_saphyr::Spanned;

/// The position of a spanned value (where it is referenced, for aliases).
pub fn pos<T>(s: &Spanned<T>) -> Pos {
    Pos::new(s.referenced.line(), s.referenced.column())
}

/// Parses `text` (the contents of `file`) into `T`, or explains why it cannot.
pub fn parse<T: DeserializeOwned>(text: &str, file: &str) -> Result<T, Diagnostic> {
    let options = serde_saphyr::options! { with_snippet: false };
    serde_saphyr::from_str_with_options::<T>(text, options).map_err(|e| {
        let pos = e.location().filter(|l| l.line() > 0).map(|l| Pos::new(l.line(), l.column()));
        let raw = e.without_snippet().to_string();
        let (message, help) = humanise(strip_location(&raw));
        Diagnostic { severity: Severity::Error, file: file.to_string(), pos, message, help }
    })
}

/// The parser appends " at line L, column C"; the position is reported separately.
fn strip_location(msg: &str) -> &str {
    match msg.rfind(" at line ") {
        Some(i) if msg[i..].contains(", column ") => &msg[..i],
        _ => msg,
    }
}

/// Rewrites the parser's wording into what a data editor needs to read, with a suggestion.
fn humanise(msg: &str) -> (String, Option<String>) {
    if let Some(rest) = msg.strip_prefix("unknown field `") {
        if let Some((field, expected)) = rest.split_once("`, expected one of ") {
            let fields: Vec<&str> = expected.split(", ").map(|s| s.trim_matches('`')).collect();
            let help = match did_you_mean(field, fields.iter().copied()) {
                Some(best) => format!("did you mean `{best}`?"),
                None => format!("expected one of: {}", fields.join(", ")),
            };
            return (format!("unknown key `{field}`"), Some(help));
        }
        if let Some((field, _)) = rest.split_once('`') {
            return (format!("unknown key `{field}`"), Some("this mapping takes no extra keys".into()));
        }
    }
    if let Some((variant, expected)) =
        msg.strip_prefix("unknown variant `").and_then(|r| r.split_once("`, expected one of "))
    {
        let options: Vec<&str> = expected.split(", ").map(|s| s.trim_matches('`')).collect();
        let help = match did_you_mean(variant, options.iter().copied()) {
            Some(best) => format!("did you mean `{best}`? expected one of: {}", options.join(", ")),
            None => format!("expected one of: {}", options.join(", ")),
        };
        return (format!("invalid value `{variant}`"), Some(help));
    }
    if let Some(rest) = msg.strip_prefix("duplicate mapping key: ") {
        let key = rest.split(", set DuplicateKeyPolicy").next().unwrap_or(rest);
        return (format!("duplicate key `{key}`"), Some("each key may appear once in a mapping".into()));
    }
    if let Some(ty) = msg.strip_prefix("invalid ") {
        let expected = match ty {
            "i8" | "i16" | "i32" | "i64" | "u8" | "u16" | "u32" | "u64" | "usize" => Some("a whole number"),
            "f32" | "f64" => Some("a number"),
            "bool" => Some("true or false"),
            _ => None,
        };
        if let Some(expected) = expected {
            return (format!("wrong type: expected {expected}"), None);
        }
    }
    if msg.starts_with("externally tagged enum") {
        return ("wrong type: expected a single word such as `full`".into(), None);
    }
    if let Some(field) = msg.strip_prefix("missing field `") {
        let field = field.trim_end_matches('`');
        return (format!("missing key `{field}`"), Some(format!("add `{field}:` to this mapping")));
    }
    (msg.to_string(), None)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Doc {
        id: String,
        year: i32,
    }

    fn err(text: &str) -> String {
        parse::<Doc>(text, "f.yaml").unwrap_err().to_string()
    }

    #[test]
    fn errors_carry_position_and_suggestion() {
        assert_eq!(err("id: a\nyear: 1\nyaer: 2\n"), "error: f.yaml:3:1: unknown key `yaer` (did you mean `year`?)");
        assert_eq!(err("id: a\nyear: x\n"), "error: f.yaml:2:7: wrong type: expected a whole number");
        assert_eq!(
            err("id: a\nyear: 1\nid: b\n"),
            "error: f.yaml:3:1: duplicate key `id` (each key may appear once in a mapping)"
        );
        assert!(err("id: a\n").contains("missing key `year`"));
    }

    #[test]
    fn alias_expansion_is_bounded() {
        let mut bomb = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 0..12 {
            let prev = if i == 0 { "a".to_string() } else { format!("l{}", i - 1) };
            bomb.push_str(&format!(
                "l{i}: &l{i} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"
            ));
        }
        assert!(parse::<serde::de::IgnoredAny>(&bomb, "bomb.yaml").is_err());
    }
}
