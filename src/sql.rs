//! The rubric compiled to SQL (`swfscore sql`): one SELECT that scores a panel table (`fund`,
//! `year`, `disclosure`, `level`) in another engine exactly as `batch --panel` does.
//!
//! The query is written out from the [`Compiled`] rubric the engine scores with, following its
//! arithmetic operation for operation ([`Compiled::score`]), so the doubles come out the same:
//!
//! - every sum is spelt out left to right in the rubric's order, because floating-point
//!   addition depends on order (a term that does not count adds `0.0`, which leaves a double
//!   unchanged, as skipping it does);
//! - every number is a double literal that parses to the engine's own double (the shortest
//!   text that round-trips; Postgres and Spark are told the type, since `0.4` alone is exact
//!   `numeric`/`decimal` there);
//! - rounding for the rank is written as `trunc` plus a half-away-from-zero step, because
//!   Postgres's `round(double precision)` rounds half to even and Spark has no `trunc` of a
//!   double;
//! - an item's minimum and maximum skip the credits that drop out (`least`/`greatest` skip
//!   nulls in DuckDB, Postgres and Spark; BigQuery's return null, so there a subquery over
//!   the array is used), and every division by a weight sum that can be zero is guarded.

use crate::model::Level;
use crate::score::{Combine, Compiled, DECIMALS, Pass};
use std::fmt::Write;

/// The SQL engines a query is written for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Dialect {
    /// DuckDB (tested in CI against `batch --panel`).
    Duckdb,
    /// PostgreSQL (tested in CI against `batch --panel`).
    Postgres,
    /// Spark SQL 3 (checked by `bench/sql_spark.sh` on PySpark).
    Spark,
    /// Google BigQuery (GoogleSQL; written to the same plan, not run here).
    Bigquery,
}

impl Dialect {
    pub fn as_str(self) -> &'static str {
        match self {
            Dialect::Duckdb => "duckdb",
            Dialect::Postgres => "postgres",
            Dialect::Spark => "spark",
            Dialect::Bigquery => "bigquery",
        }
    }

    fn text(self) -> &'static str {
        match self {
            Dialect::Duckdb => "VARCHAR",
            Dialect::Postgres => "TEXT",
            Dialect::Spark | Dialect::Bigquery => "STRING",
        }
    }

    fn double(self) -> &'static str {
        match self {
            Dialect::Duckdb | Dialect::Spark => "DOUBLE",
            Dialect::Postgres => "DOUBLE PRECISION",
            Dialect::Bigquery => "FLOAT64",
        }
    }

    fn int(self) -> &'static str {
        match self {
            Dialect::Duckdb | Dialect::Postgres => "INTEGER",
            Dialect::Spark => "INT",
            Dialect::Bigquery => "INT64",
        }
    }

    /// A double literal that parses to exactly `x`.
    fn lit(self, x: f64) -> String {
        // `{:?}` is the shortest text that parses back to the same double ("0.4", "1e-7").
        let r = format!("{x:?}");
        if !x.is_finite() {
            let r = if x.is_nan() {
                "NaN"
            } else if x > 0.0 {
                "Infinity"
            } else {
                "-Infinity"
            };
            return match self {
                Dialect::Postgres => format!("CAST('{r}' AS DOUBLE PRECISION)"),
                Dialect::Bigquery => format!("CAST('{r}' AS FLOAT64)"),
                _ => format!("CAST('{r}' AS DOUBLE)"),
            };
        }
        match self {
            // DuckDB reads a plain `0.4` as an exact DECIMAL; with an exponent it is a DOUBLE.
            Dialect::Duckdb if r.contains('e') => r,
            Dialect::Duckdb => format!("{r}e0"),
            Dialect::Postgres => format!("'{r}'::float8"),
            Dialect::Spark => format!("{r}D"),
            // GoogleSQL: a literal with a point or an exponent is FLOAT64.
            Dialect::Bigquery => r,
        }
    }

    /// A quoted identifier.
    fn ident(self, name: &str) -> String {
        match self {
            Dialect::Duckdb | Dialect::Postgres => format!("\"{}\"", name.replace('"', "\"\"")),
            Dialect::Spark => format!("`{}`", name.replace('`', "``")),
            Dialect::Bigquery => format!("`{}`", name.replace('\\', "\\\\").replace('`', "\\`")),
        }
    }

    /// A string literal.
    fn string(self, s: &str) -> String {
        match self {
            Dialect::Duckdb | Dialect::Postgres => format!("'{}'", s.replace('\'', "''")),
            Dialect::Spark | Dialect::Bigquery => format!("'{}'", s.replace('\\', "\\\\").replace('\'', "\\'")),
        }
    }

    /// `v` truncated toward zero, as a double.
    fn trunc(self, v: &str) -> String {
        match self {
            Dialect::Spark => format!("CAST(CAST({v} AS BIGINT) AS DOUBLE)"),
            _ => format!("trunc({v})"),
        }
    }

    fn sign(self, v: &str) -> String {
        match self {
            Dialect::Spark => format!("signum({v})"),
            _ => format!("sign({v})"),
        }
    }

    /// The least (`max` false) or greatest of `terms`, skipping nulls; null when all are.
    fn extreme(self, max: bool, terms: &[String]) -> String {
        let sep = ",\n               ";
        match self {
            Dialect::Bigquery => {
                format!("(SELECT {}(x) FROM UNNEST([{}]) AS x)", if max { "MAX" } else { "MIN" }, terms.join(sep))
            }
            _ => format!("{}(\n               {})", if max { "greatest" } else { "least" }, terms.join(sep)),
        }
    }

    /// Sorts `fund` by its bytes, as the engine does (Postgres would follow the locale).
    fn bytewise(self, col: &str) -> String {
        match self {
            Dialect::Postgres => format!("{col} COLLATE \"C\""),
            _ => col.to_string(),
        }
    }
}

/// A table name as `--table` takes it: a name or a dotted path (`schema.table`), each part
/// letters, digits and underscores (and `-` in a BigQuery project id).
pub fn table_name(dialect: Dialect, name: &str) -> Result<String, crate::error::UsageError> {
    let ok_part = |p: &str| {
        let mut chars = p.chars();
        chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || (dialect == Dialect::Bigquery && c == '-'))
    };
    let parts: Vec<&str> = name.split('.').collect();
    if parts.len() > 3 || !parts.iter().all(|p| ok_part(p)) {
        return Err(crate::error::UsageError::TableName(crate::diag::visible(name, false).into_owned()));
    }
    Ok(match dialect {
        // A dotted BigQuery path is quoted whole (project ids may hold `-`).
        Dialect::Bigquery => dialect.ident(name),
        _ => parts.iter().map(|p| dialect.ident(p)).collect::<Vec<_>>().join("."),
    })
}

/// What the query scores and how it is written.
#[derive(Debug, Clone)]
pub struct Query<'a> {
    pub compiled: &'a Compiled,
    pub dialect: Dialect,
    /// The table or view to read, already quoted ([`table_name`]).
    pub table: String,
    /// Only these funds (`--where`); all when `None`.
    pub funds: Option<Vec<String>>,
    /// Lines for the header comment: what was compiled (rubric, profile, unknown rule).
    pub about: Vec<String>,
}

/// The pass suffixes of the column names: as scored, every unknown at its lowest and highest.
const PASS_NAMES: [&str; 3] = ["s", "lo", "hi"];

/// A disclosure's level as a small code in the pivot; null (no row, `unknown`, or a word that
/// is not a level) is unknown.
const CODES: [(Level, u8); 4] = [(Level::Full, 0), (Level::Partial, 1), (Level::None, 2), (Level::NotApplicable, 3)];

/// `((start + t1) + t2) + …`: the order the engine adds in. A term that does not count is
/// coalesced to `+ 0.0`, which leaves a double as it is.
fn fold(d: Dialect, terms: &[String], start: &str) -> String {
    let mut out = start.to_string();
    for t in terms {
        out = format!("({out} + coalesce({t}, {}))", d.lit(0.0));
    }
    out
}

/// The query, as text ending in `;` and a newline, so that a SQL shell (psql -f, the DuckDB
/// CLI) runs it as written; to wrap it (`COPY (…) TO STDOUT`, a subquery), drop the `;`.
pub fn query(q: &Query) -> String {
    let d = q.dialect;
    let c = q.compiled;
    let zero = d.lit(0.0);
    let plan: Vec<_> = c.plan().collect();
    // Postgres inlines a CTE used once, and so would copy every item expression into each sum
    // that reads it (9 s instead of 0.2 s on the repository's panel): each step is kept whole.
    let m = if d == Dialect::Postgres { "MATERIALIZED " } else { "" };
    let mut sql = String::new();

    // Header.
    let cats: Vec<&str> = plan.iter().map(|k| k.id).collect();
    let _ = writeln!(sql, "-- swfscore sql, {} dialect: scores every (fund, year) of {}", d.as_str(), q.table);
    for line in &q.about {
        let _ = writeln!(sql, "-- {line}");
    }
    let columns = format!(
        "Columns as `swfscore batch --panel`: fund, year, score, low, high, rank, {}, assessed, unknown, \
         not_applicable. Scores are unrounded; rank is the competition rank within the year on the score \
         rounded half away from zero to {DECIMALS} decimal(s). The table needs the columns fund, year, \
         disclosure and level, at most one row per (fund, year, disclosure); a missing row, `unknown` or any \
         word that is not a level counts as unknown (`batch` refuses such a panel instead), and rows of \
         disclosures the rubric does not read are ignored.",
        cats.join(", ")
    );
    let how = format!(
        "How the result stays equal to swfscore's: every sum is written out left to right in the rubric's \
         order, because floating-point addition depends on order (a term that does not count adds 0.0, \
         which changes no double); every number is a {} literal that parses to the engine's own double; \
         the rank's rounding is trunc(x) plus sign(x) when the rest is at least a half, because round() \
         differs between engines; an item's min and max skip the credits that drop out{}; and a weight \
         sum of zero gives null instead of a division by zero.{}",
        d.double(),
        if d == Dialect::Bigquery { " (MIN/MAX over UNNEST, since LEAST/GREATEST return null)" } else { "" },
        if d == Dialect::Postgres {
            " Each step is MATERIALIZED: inlined, Postgres would copy every item's expression into each sum that reads it."
        } else {
            ""
        }
    );
    for line in wrap(&columns, 96).into_iter().chain(wrap(&how, 96)) {
        let _ = writeln!(sql, "-- {line}");
    }
    sql.push_str("WITH\n");

    // 1. The rubric's disclosures, each with its index in the pivot.
    let n = c.disclosures.len();
    let rows: Vec<String> = c
        .disclosures
        .iter()
        .enumerate()
        .map(|(k, id)| {
            if k == 0 {
                format!("SELECT {} AS disclosure, {k} AS k", d.string(id))
            } else {
                format!("SELECT {}, {k}", d.string(id))
            }
        })
        .collect();
    let _ = writeln!(
        sql,
        "-- 1. The rubric's {n} disclosures, each with its place in the pivot below.\n\
         rubric_disclosures AS (\n    {}\n),",
        rows.join("\n    UNION ALL ")
    );

    // 2. The panel's rows, typed, with each level as a code.
    let level = CODES
        .iter()
        .map(|(l, code)| format!("WHEN {} THEN {code}", d.string(l.as_str())))
        .collect::<Vec<_>>()
        .join(" ");
    let only = match &q.funds {
        Some(funds) => format!(
            "\n      AND CAST(p.fund AS {}) IN ({})",
            d.text(),
            funds.iter().map(|f| d.string(f)).collect::<Vec<_>>().join(", ")
        ),
        None => String::new(),
    };
    let _ = writeln!(
        sql,
        "-- 2. The panel's rows, typed; each level as a code (0 full, 1 partial, 2 none, 3 not_applicable;\n\
         --    null = unknown).\n\
         panel_rows AS (\n    \
         SELECT CAST(p.fund AS {text}) AS fund, CAST(p.year AS {int}) AS year, r.k,\n           \
         CASE p.level {level} END AS code\n    \
         FROM {table} AS p LEFT JOIN rubric_disclosures AS r ON r.disclosure = p.disclosure\n    \
         WHERE p.fund IS NOT NULL AND p.year IS NOT NULL{only}\n),",
        text = d.text(),
        int = d.int(),
        table = q.table,
    );

    // 3. One row per fund-year: the level code of each rubric disclosure.
    let pivot: Vec<String> = c
        .disclosures
        .iter()
        .enumerate()
        .map(|(k, _)| format!("max(CASE WHEN k = {k} THEN code END) AS l{k}"))
        .collect();
    let _ = writeln!(
        sql,
        "-- 3. Every fund-year with at least one row, and the level code of each rubric disclosure (l<k>,\n\
         --    k as in 1).\n\
         cells AS {m}(\n    SELECT fund, year,\n           {}\n    FROM panel_rows\n    GROUP BY fund, year\n),",
        comma_lines(&pivot, 11)
    );

    // 4. Item credits in the three passes.
    let items: Vec<&crate::score::CompiledItem> = plan.iter().flat_map(|k| k.items).collect();
    let mut cols = Vec::new();
    for (idx, item) in items.iter().enumerate() {
        let reads = c.reads(item);
        for (p, pass) in Pass::ALL.into_iter().enumerate() {
            let credit = |code: Option<u8>, level: Level| -> String {
                let v = item.credit(pass, level).map_or("NULL".to_string(), |x| d.lit(x));
                match code {
                    Some(code) => format!("WHEN {code} THEN {v}"),
                    None => format!("ELSE {v}"),
                }
            };
            let per: Vec<String> = reads
                .iter()
                .map(|&k| {
                    let whens: Vec<String> = CODES.iter().map(|&(l, code)| credit(Some(code), l)).collect();
                    format!("CASE l{k} {} {} END", whens.join(" "), credit(None, Level::Unknown))
                })
                .collect();
            let e = match (per.len(), item.combine()) {
                (1, _) => per[0].clone(),
                (_, Combine::Min) => d.extreme(false, &per),
                (_, Combine::Max) => d.extreme(true, &per),
                (_, Combine::Mean) => {
                    let count: Vec<String> =
                        per.iter().map(|t| format!("CASE WHEN {t} IS NOT NULL THEN 1 ELSE 0 END")).collect();
                    format!(
                        "{}\n             / nullif({}, 0)",
                        fold(d, &per, &zero),
                        count.join("\n                      + ")
                    )
                }
            };
            cols.push(format!("{e} AS i{idx}_{}", PASS_NAMES[p]));
        }
    }
    let mut legend = String::new();
    for (k, item) in items.iter().enumerate() {
        let _ = writeln!(legend, "--    i{k} = {}", one_line(item.id()));
    }
    let _ = writeln!(
        sql,
        "-- 4. Item credits in three passes (_s as scored, _lo / _hi every unknown at the item's lowest /\n\
         --    highest credit): min (one disclosure, all_of), max (any_of) or mean (mean_of) of its\n\
         --    disclosures' credits; not_applicable, and unknown under `unknown: exclude`, drop out (null);\n\
         --    null when nothing is left (the item does not count).\n{legend}\
         items AS {m}(\n    SELECT fund, year,\n           {},\n           {}\n    FROM cells\n),",
        comma_lines(&cols, 11),
        coverage(n),
    );

    // 5. Category scores S = Σ w·c / Σ w over the counted items.
    let mut cols = Vec::new();
    let mut first = 0;
    for (k, cat) in plan.iter().enumerate() {
        let its: Vec<(usize, f64)> = cat.items.iter().enumerate().map(|(j, i)| (first + j, i.weight())).collect();
        first += cat.items.len();
        for pass in PASS_NAMES {
            let num: Vec<String> = its.iter().map(|(i, w)| format!("{} * i{i}_{pass}", d.lit(*w))).collect();
            let den: Vec<String> =
                its.iter().map(|(i, w)| format!("CASE WHEN i{i}_{pass} IS NOT NULL THEN {} END", d.lit(*w))).collect();
            cols.push(format!(
                "{}\n             / nullif({}, {zero}) AS c{k}_{pass}",
                fold(d, &num, &zero),
                fold(d, &den, &zero)
            ));
        }
    }
    let mut legend = String::new();
    for (k, cat) in plan.iter().enumerate() {
        let _ = writeln!(legend, "--    c{k} = {}", one_line(cat.id));
    }
    let _ = writeln!(
        sql,
        "-- 5. Category scores S = Σ w·c / Σ w over the counted items, in [0, 1]; null when none counts.\n{legend}\
         categories AS {m}(\n    SELECT fund, year, assessed, not_applicable,\n           {}\n    FROM items\n),",
        comma_lines(&cols, 11)
    );

    // 6. ΣW over the counted categories, then the scores.
    let totals: Vec<String> = PASS_NAMES
        .iter()
        .map(|pass| {
            let terms: Vec<String> = plan
                .iter()
                .enumerate()
                .map(|(k, cat)| format!("CASE WHEN c{k}_{pass} IS NOT NULL THEN {} END", d.lit(cat.weight)))
                .collect();
            format!("{} AS t_{pass}", fold(d, &terms, &zero))
        })
        .collect();
    let (floor, span) = (d.lit(c.floor()), d.lit(c.span()));
    let scores: Vec<String> = PASS_NAMES
        .iter()
        .zip(["score", "low", "high"])
        .map(|(pass, name)| {
            let terms: Vec<String> = plan
                .iter()
                .enumerate()
                .map(|(k, cat)| format!("{span} * ({} / nullif(t_{pass}, {zero})) * c{k}_{pass}", d.lit(cat.weight)))
                .collect();
            format!("{} AS {name}", fold(d, &terms, &floor))
        })
        .collect();
    let cat_cols: Vec<String> = (0..plan.len()).map(|k| format!("{floor} + {span} * c{k}_s AS c{k}")).collect();
    let factor = d.lit(10f64.powi(DECIMALS));
    let _ = writeln!(
        sql,
        "-- 6. ΣW over the categories with a counted item, in each pass.\n\
         totals AS {m}(\n    SELECT *,\n           {}\n    FROM categories\n),\n\
         -- 7. Score = floor + Σ span·(W/ΣW)·S over the counted categories, added from the floor up in\n\
         --    rubric order; the bounds likewise; the category scores on the scale.\n\
         scored AS {m}(\n    SELECT fund, year,\n           {},\n           {},\n           \
         assessed, {n} - assessed - not_applicable AS unknowns, not_applicable\n    FROM totals\n),",
        comma_lines(&totals, 11),
        comma_lines(&scores, 11),
        comma_lines(&cat_cols, 11),
    );
    let rounded =
        format!("{} + CASE WHEN abs(x - {}) >= 0.5 THEN {} ELSE 0 END", d.trunc("x"), d.trunc("x"), d.sign("x"));
    let _ = writeln!(
        sql,
        "-- 8. The score rounded half away from zero (×10^{DECIMALS}): trunc(x), plus sign(x) when the rest is\n\
         --    at least a half (the same double as Rust's round; Postgres's round(double) would round half\n\
         --    to even).\n\
         keyed AS (\n    SELECT *, {rounded} AS rank_key\n    FROM (SELECT *, score * {factor} AS x FROM scored) AS scaled\n)"
    );
    let mut out: Vec<String> =
        ["fund", "year", "score", "low", "high"].iter().map(|x| format!("{x} AS {}", d.ident(x))).collect();
    out.push(format!("rank() OVER (PARTITION BY year ORDER BY rank_key DESC) AS {}", d.ident("rank")));
    out.extend(plan.iter().enumerate().map(|(k, cat)| format!("c{k} AS {}", d.ident(cat.id))));
    out.push(format!("assessed AS {}", d.ident("assessed")));
    out.push(format!("unknowns AS {}", d.ident("unknown")));
    out.push(format!("not_applicable AS {}", d.ident("not_applicable")));
    let _ = writeln!(
        sql,
        "-- 9. Competition ranks within each year; sorted by year, rank, fund (bytewise).\n\
         SELECT {}\nFROM keyed\nORDER BY year, rank_key DESC, {};",
        comma_lines(&out, 7),
        d.bytewise("fund")
    );
    sql
}

/// The coverage counts of a cell: assessed (full, partial or none) and not applicable.
fn coverage(n: usize) -> String {
    if n == 0 {
        return "0 AS assessed, 0 AS not_applicable".into();
    }
    let assessed: Vec<String> = (0..n).map(|k| format!("CASE WHEN l{k} <= 2 THEN 1 ELSE 0 END")).collect();
    let na: Vec<String> = (0..n).map(|k| format!("CASE WHEN l{k} = 3 THEN 1 ELSE 0 END")).collect();
    format!(
        "{} AS assessed,\n           {} AS not_applicable",
        assessed.join("\n             + "),
        na.join("\n             + ")
    )
}

/// An id made safe for a `--` comment (no line breaks).
fn one_line(s: &str) -> String {
    crate::diag::visible(s, false).replace(['\n', '\r'], " ")
}

/// `text` in lines of at most `width` characters, broken at spaces.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = vec![String::new()];
    for word in text.split(' ') {
        let line = lines.last_mut().expect("one line");
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            lines.push(word.to_string());
        } else {
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
        }
    }
    lines
}

fn comma_lines(xs: &[String], indent: usize) -> String {
    xs.join(&format!(",\n{}", " ".repeat(indent)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_parse_back_to_the_same_double() {
        for x in [0.4, 1.0, 1.0 / 3.0, 1e-7, 123456.789, 0.1 + 0.2] {
            for d in [Dialect::Duckdb, Dialect::Spark, Dialect::Bigquery] {
                let t = d.lit(x);
                let t = t.trim_end_matches('D').trim_end_matches("e0");
                assert_eq!(t.parse::<f64>().unwrap().to_bits(), x.to_bits(), "{d:?} {x}");
            }
        }
        assert_eq!(Dialect::Duckdb.lit(0.5), "0.5e0");
        assert_eq!(Dialect::Postgres.lit(0.5), "'0.5'::float8");
        assert_eq!(Dialect::Spark.lit(1e-7), "1e-7D");
        assert_eq!(Dialect::Bigquery.lit(1.0), "1.0");
    }

    #[test]
    fn table_names_are_checked_and_quoted() {
        assert_eq!(table_name(Dialect::Postgres, "research.panel").unwrap(), "\"research\".\"panel\"");
        assert_eq!(table_name(Dialect::Spark, "panel").unwrap(), "`panel`");
        assert_eq!(table_name(Dialect::Bigquery, "my-project.d.panel").unwrap(), "`my-project.d.panel`");
        for bad in ["", "a.b.c.d", "read_parquet('x')", "1abc", "a b", "a..b", "my-project.d.panel"] {
            assert!(table_name(Dialect::Duckdb, bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn quoting_escapes_what_each_dialect_needs() {
        assert_eq!(Dialect::Duckdb.string("it's"), "'it''s'");
        assert_eq!(Dialect::Spark.string("it's \\"), "'it\\'s \\\\'");
        assert_eq!(Dialect::Postgres.ident("a\"b"), "\"a\"\"b\"");
        assert_eq!(Dialect::Spark.ident("a`b"), "`a``b`");
        assert_eq!(Dialect::Bigquery.ident("a`b"), "`a\\`b`");
    }
}
