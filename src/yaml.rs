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

/// The largest input file read, in bytes (real descriptors are under 100 KB); the
/// environment variable [`MAX_FILE_BYTES_VAR`] raises or lowers it.
pub const MAX_FILE_BYTES: u64 = 8 * 1024 * 1024;
/// Environment variable that overrides [`MAX_FILE_BYTES`].
pub const MAX_FILE_BYTES_VAR: &str = "SWFSCORE_MAX_FILE_BYTES";
/// The most nodes that alias expansion may produce in one file (a "billion laughs" file
/// stops here); [`MAX_ALIAS_NODES_VAR`] overrides it.
pub const MAX_ALIAS_NODES: usize = 100_000;
/// Environment variable that overrides [`MAX_ALIAS_NODES`].
pub const MAX_ALIAS_NODES_VAR: &str = "SWFSCORE_MAX_ALIAS_NODES";
/// The deepest nesting of mappings and sequences accepted.
pub const MAX_DEPTH: usize = 64;

fn limit<T: std::str::FromStr>(var: &str, default: T) -> T {
    std::env::var(var).ok().and_then(|v| v.trim().parse().ok()).unwrap_or(default)
}

/// The file size limit in force.
pub fn max_file_bytes() -> u64 {
    limit(MAX_FILE_BYTES_VAR, MAX_FILE_BYTES)
}

/// An error for a file over the size limit.
pub fn too_large(file: &str, bytes: u64) -> Diagnostic {
    Diagnostic {
        severity: Severity::Error,
        file: file.to_string(),
        pos: None,
        message: format!("the file is {bytes} bytes, over the input size limit of {} bytes", max_file_bytes()),
        help: Some(format!("a real descriptor is under 100 KB; to read larger files set {MAX_FILE_BYTES_VAR}=BYTES")),
    }
}

/// Parses `text` (the contents of `file`) into `T`, or explains why it cannot. A UTF-8 byte
/// order mark is skipped; CRLF line endings are accepted.
pub fn parse<T: DeserializeOwned>(text: &str, file: &str) -> Result<T, Diagnostic> {
    parse_classified(text, file).map_err(|e| e.diagnostic)
}

/// Why a file did not parse.
#[derive(Debug)]
pub struct ParseError {
    pub diagnostic: Diagnostic,
    /// The YAML is well formed and a value in it is not what was expected (a misspelt level, a
    /// year that is not a number, an unknown key), so the rest of the file can still be read;
    /// false for broken YAML, a parser limit or an unreadable input.
    pub value: bool,
}

/// [`parse`], saying whether the error is in a value or in the YAML itself.
pub fn parse_classified<T: DeserializeOwned>(text: &str, file: &str) -> Result<T, ParseError> {
    if text.len() as u64 > max_file_bytes() {
        return Err(ParseError { diagnostic: too_large(file, text.len() as u64), value: false });
    }
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let aliases = limit(MAX_ALIAS_NODES_VAR, MAX_ALIAS_NODES);
    let mut options = serde_saphyr::Options::default();
    options.with_snippet = false;
    let mut budget = serde_saphyr::Budget::default();
    budget.max_depth = MAX_DEPTH;
    options.budget = Some(budget);
    options.alias_limits.max_total_replayed_events = aliases;
    serde_saphyr::from_str_with_options::<T>(text, options).map_err(|e| {
        use serde_saphyr::Error as E;
        let value = !matches!(
            e,
            E::ExternalMessage { .. }
                | E::Eof { .. }
                | E::MultipleDocuments { .. }
                | E::IOError { .. }
                | E::Budget { .. }
                | E::AliasReplayLimitExceeded { .. }
                | E::UnknownAnchor { .. }
                | E::WithSnippet { .. }
        );
        let pos = e.location().filter(|l| l.line() > 0).map(|l| Pos::new(l.line(), l.column()));
        let (message, help) = match &e {
            serde_saphyr::Error::Budget { breach, .. } => budget_message(breach, aliases),
            serde_saphyr::Error::AliasReplayLimitExceeded { .. } => alias_message(aliases),
            _ => humanise(strip_location(&e.without_snippet().to_string())),
        };
        ParseError {
            diagnostic: Diagnostic { severity: Severity::Error, file: file.to_string(), pos, message, help },
            value,
        }
    })
}

fn alias_message(aliases: usize) -> (String, Option<String>) {
    (
        format!("alias expansion exceeds the limit of {aliases} replayed nodes (an alias bomb?)"),
        Some(format!("real descriptors use no aliases; to allow more set {MAX_ALIAS_NODES_VAR}=N")),
    )
}

/// Which parser limit a file hit, and how to raise it where that makes sense.
fn budget_message(breach: &serde_saphyr::budget::BudgetBreach, aliases: usize) -> (String, Option<String>) {
    use serde_saphyr::budget::BudgetBreach as B;
    match breach {
        B::Depth { .. } => (
            format!("the file nests deeper than the limit of {MAX_DEPTH} levels"),
            Some("real descriptors nest five levels deep".into()),
        ),
        B::Aliases { .. } | B::Anchors { .. } => alias_message(aliases),
        other => (
            format!("the file exceeds a parser limit ({other:?})"),
            Some(format!("real descriptors are far below it; files over {MAX_FILE_BYTES_VAR} bytes are refused")),
        ),
    }
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
    if msg == "unexpected end of input" {
        return (
            "the file ends before any content (empty, or only comments)".into(),
            Some("write the mapping this file should hold (`swfscore schema fund|rubric|disclosures|scenario` describes each)".into()),
        );
    }
    if msg == "recursion limit exceeded" {
        return (
            "the file nests too deeply for the parser".into(),
            Some("real descriptors nest five levels deep; is this the right file?".into()),
        );
    }
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
