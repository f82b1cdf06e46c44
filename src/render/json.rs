//! JSON: the [`Results`] value itself, with the keys `docs/FORMATS.md` documents.

use super::*;
use crate::model::Evidence;
use serde::Serialize;

/// The `json` format.
#[derive(Debug)]
pub struct Json;

fn pretty<T: Serialize>(v: &T) -> String {
    let mut s = serde_json::to_string_pretty(v).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    s.push('\n');
    s
}

#[derive(Serialize)]
struct Standing<'a> {
    disclosure: &'a str,
    level: Level,
    /// When the level in force that year began (`null` when unknown).
    start: Option<crate::model::Start>,
    note: Option<&'a str>,
    evidence: &'a [Evidence],
}

#[derive(Serialize)]
struct Explained<'a> {
    rubric: &'a crate::score::RubricInfo,
    #[serde(skip_serializing_if = "Option::is_none")]
    profile: &'a Option<String>,
    as_of: Option<i32>,
    /// The one fund explained, in the same shape as `score`'s results.
    results: [&'a FundResult; 1],
    evidence: Vec<Standing<'a>>,
}

#[derive(Serialize)]
struct Compared<'a> {
    rubric: &'a crate::score::RubricInfo,
    as_of: Option<i32>,
    funds: Vec<&'a str>,
    /// Disclosures whose levels differ between the funds.
    differing: Vec<&'a str>,
    results: &'a [&'a FundResult],
}

impl Renderer for Json {
    fn view(&self, v: &dyn View, _cx: &Context) -> String {
        pretty(&v.value())
    }

    fn scores(&self, r: &Results, _cx: &Context) -> String {
        pretty(r)
    }

    fn explain(&self, r: &Results, f: &FundResult, cx: &Context) -> String {
        let fund = fund_of(cx, f);
        let evidence = rubric_disclosures(r)
            .into_iter()
            .filter_map(|d| {
                let fund = fund?;
                let st = fund.standing(d, f.year);
                Some(Standing { disclosure: d, level: st.level, start: st.start, note: st.note, evidence: st.evidence })
            })
            .collect();
        pretty(&Explained { rubric: &r.rubric, profile: &r.profile, as_of: r.as_of, results: [f], evidence })
    }

    fn compare(&self, r: &Results, funds: &[&FundResult], _cx: &Context) -> String {
        let differing = rubric_disclosures(r).into_iter().filter(|d| differs(funds, d)).collect();
        pretty(&Compared {
            rubric: &r.rubric,
            as_of: r.as_of,
            funds: funds.iter().map(|f| f.fund.as_str()).collect(),
            differing,
            results: funds,
        })
    }
}
