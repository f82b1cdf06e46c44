//! `--where`: which funds a command looks at, by their metadata, founding year or
//! jurisdiction. Clauses are parsed by clap (a bad one is a usage error naming the keys or
//! values it could have meant) and applied once, when the dataset is loaded, so every command
//! filters the same way.

use crate::model::{Fund, FundType, Funding, Region, SizeBand};
use std::fmt;

/// The keys a clause can test.
pub const KEYS: &[&str] =
    &["type", "funding", "region", "size_band", "ifswf", "ifswf_member_since", "established", "jurisdiction", "id"];

/// The values of `key`'s closed vocabulary (none for years and free text).
fn vocabulary(key: &str) -> Vec<&'static str> {
    match key {
        "type" => FundType::ALL.iter().map(|x| x.as_str()).collect(),
        "funding" => Funding::ALL.iter().map(|x| x.as_str()).collect(),
        "region" => Region::ALL.iter().map(|x| x.as_str()).collect(),
        "size_band" => SizeBand::ALL.iter().map(|x| x.as_str()).collect(),
        "ifswf" => vec!["yes", "no"],
        _ => vec![],
    }
}

/// What `key` takes, for messages.
fn takes(key: &str) -> String {
    match key {
        "established" | "ifswf_member_since" => "a year; =, !=, <, <=, >, >=".into(),
        "jurisdiction" => "a jurisdiction as the descriptor names it, case-insensitive".into(),
        "id" => "fund ids".into(),
        "ifswf" => "yes, no (a member of the IFSWF; a fund whose descriptor does not say matches neither)".into(),
        _ => vocabulary(key).join(", "),
    }
}

/// How a clause compares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

impl Op {
    fn as_str(self) -> &'static str {
        match self {
            Op::Eq => "=",
            Op::Ne => "!=",
            Op::Lt => "<",
            Op::Le => "<=",
            Op::Gt => ">",
            Op::Ge => ">=",
        }
    }
}

/// One `--where KEY OP VALUE[,VALUE…]` clause; a fund passes when any value matches (for
/// `!=`: none does). Clauses given several times must all hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Clause {
    pub key: &'static str,
    pub op: Op,
    pub values: Vec<String>,
}

impl fmt::Display for Clause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}{}", self.key, self.op.as_str(), self.values.join(","))
    }
}

/// Parses a clause such as `type=strategic`, `region=east_asia,southeast_asia`,
/// `established>=2000` or `ifswf=yes` (clap's value parser for `--where`).
pub fn parse(s: &str) -> Result<Clause, String> {
    let at = s.find(['=', '!', '<', '>']).ok_or_else(|| {
        format!("`{s}` is not KEY=VALUE (e.g. `type=strategic`, `established>=2000`); keys: {}", key_list())
    })?;
    let (key, rest) = (s[..at].trim(), &s[at..]);
    let (op, value) = [("!=", Op::Ne), ("<=", Op::Le), (">=", Op::Ge), ("=", Op::Eq), ("<", Op::Lt), (">", Op::Gt)]
        .iter()
        .find_map(|(p, op)| rest.strip_prefix(p).map(|v| (*op, v.trim())))
        .ok_or_else(|| format!("`{s}`: expected =, !=, <, <=, > or >= after `{key}`"))?;
    let lower = key.to_ascii_lowercase();
    let Some(&key) = KEYS.iter().find(|k| **k == lower) else {
        let near = strsim_best(&lower, KEYS.iter().copied());
        return Err(format!(
            "unknown key `{key}`{}; keys: {}",
            near.map(|n| format!(" (did you mean `{n}`?)")).unwrap_or_default(),
            key_list()
        ));
    };
    let values: Vec<String> = value.split(',').map(|v| v.trim().to_string()).filter(|v| !v.is_empty()).collect();
    if values.is_empty() {
        return Err(format!("`{s}`: give a value after `{key}{}` ({})", op.as_str(), takes(key)));
    }
    let numeric = matches!(key, "established" | "ifswf_member_since");
    if !numeric && !matches!(op, Op::Eq | Op::Ne) {
        return Err(format!("`{s}`: `{key}` takes = or != ({})", takes(key)));
    }
    if numeric && values.len() > 1 && !matches!(op, Op::Eq | Op::Ne) {
        return Err(format!("`{s}`: {} compares with one year", op.as_str()));
    }
    for v in &values {
        check_value(key, v).map_err(|e| format!("`{s}`: {e}"))?;
    }
    Ok(Clause { key, op, values })
}

fn key_list() -> String {
    KEYS.join(", ")
}

use crate::diag::did_you_mean as strsim_best;

/// Checks a value against the vocabulary of `key`, naming the values it could have meant.
fn check_value(key: &str, v: &str) -> Result<(), String> {
    if matches!(key, "established" | "ifswf_member_since") {
        return v.parse::<i32>().map(|_| ()).map_err(|_| format!("`{v}` is not a year"));
    }
    let vocabulary = vocabulary(key);
    if vocabulary.is_empty() {
        return Ok(());
    }
    if vocabulary.contains(&v.to_ascii_lowercase().as_str()) {
        return Ok(());
    }
    let near = strsim_best(&v.to_ascii_lowercase(), vocabulary.iter().copied());
    Err(format!(
        "`{v}` is not a {key}{}; values: {}",
        near.map(|n| format!(" (did you mean `{n}`?)")).unwrap_or_default(),
        vocabulary.join(", ")
    ))
}

impl Clause {
    /// Whether `fund` passes the clause.
    pub fn matches(&self, fund: &Fund) -> bool {
        let m = &fund.metadata;
        let text: Option<String> = match self.key {
            "type" => m.kind.map(|x| x.as_str().to_string()),
            "funding" => m.funding.map(|x| x.as_str().to_string()),
            "region" => m.region.map(|x| x.as_str().to_string()),
            "size_band" => m.size_band.map(|x| x.as_str().to_string()),
            "ifswf" => m.ifswf().map(|b| if b { "yes" } else { "no" }.to_string()),
            "jurisdiction" => Some(fund.jurisdiction.clone()),
            "id" => Some(fund.id.clone()),
            _ => None,
        };
        let year = match self.key {
            "established" => Some(fund.established),
            "ifswf_member_since" => m.ifswf_member_since,
            _ => None,
        };
        let any = |f: &dyn Fn(&str) -> bool| self.values.iter().any(|v| f(v));
        match (self.key, self.op) {
            ("established" | "ifswf_member_since", op) => {
                let Some(y) = year else { return op == Op::Ne };
                let cmp = |v: &str| v.parse::<i32>().ok().map(|v| y.cmp(&v));
                use std::cmp::Ordering::*;
                match op {
                    Op::Eq => any(&|v| cmp(v) == Some(Equal)),
                    Op::Ne => !any(&|v| cmp(v) == Some(Equal)),
                    Op::Lt => any(&|v| cmp(v) == Some(Less)),
                    Op::Le => any(&|v| matches!(cmp(v), Some(Less | Equal))),
                    Op::Gt => any(&|v| cmp(v) == Some(Greater)),
                    Op::Ge => any(&|v| matches!(cmp(v), Some(Greater | Equal))),
                }
            }
            (_, op) => {
                let hit = text.is_some_and(|t| any(&|v| t.eq_ignore_ascii_case(v)));
                if op == Op::Ne { !hit } else { hit }
            }
        }
    }
}

/// Whether `fund` passes every clause.
pub fn passes(clauses: &[Clause], fund: &Fund) -> bool {
    clauses.iter().all(|c| c.matches(fund))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clauses_parse_and_name_what_they_could_have_meant() {
        assert_eq!(parse("type=strategic").unwrap().values, vec!["strategic"]);
        assert_eq!(parse("established>=2000").unwrap().op, Op::Ge);
        assert_eq!(parse("region=east_asia, southeast_asia").unwrap().values.len(), 2);
        assert!(parse("tpye=strategic").unwrap_err().contains("did you mean `type`"));
        assert!(parse("type=strategik").unwrap_err().contains("did you mean `strategic`"));
        assert!(parse("region>east_asia").unwrap_err().contains("takes = or !="));
        assert!(parse("established>=soon").unwrap_err().contains("not a year"));
        assert!(parse("strategic").unwrap_err().contains("KEY=VALUE"));
    }
}
