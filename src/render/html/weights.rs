//! "Your own weights": a panel of sliders for the category weights, the rubric's profiles as
//! presets, and an inline script that re-scores and re-ranks every fund in the browser with
//! the engine's arithmetic (`src/score.rs`), from the rubric and levels embedded in the page.
//! The weights live in the URL fragment (`#w=reporting:30,portfolio:10`, and `p=PROFILE` for
//! a preset's item weights), so a weighting can be shared as a link.

use super::{Context, esc};
use crate::analysis::explain::Ranking;
use crate::model::{Level, Rubric, Rule};
use serde_json::{Map, Value, json};
use std::fmt::Write as _;

/// The script: parses the embedded data, reads the fragment, and redraws the ranking chart
/// and the scores table whenever the weights change.
const SCRIPT: &str = include_str!("weights.js");

/// The panel of sliders; hidden until the script shows it (without JavaScript the page shows
/// the rubric's ranking).
pub(super) fn panel(k: &Ranking, cx: &Context) -> String {
    let (loc, rubric) = (cx.loc(), k.rubric);
    let top = rubric.categories.iter().map(|c| c.weight).fold(0.0, f64::max);
    let max = (top * 2.0).max(50.0).ceil();
    let mut s = format!(
        "<section id=\"weights\" hidden>\n<h3>{}</h3>\n<p class=\"muted\">{}</p>\n<form id=\"weights-form\">\n",
        esc(loc.t("weights.title")),
        esc(loc.t("weights.lead"))
    );
    let _ = writeln!(
        s,
        "<label>{} <select id=\"weights-preset\"><option value=\"\">{}</option>{}</select></label>",
        esc(loc.t("weights.preset")),
        esc(loc.t("weights.preset_default")),
        k.presets
            .iter()
            .map(|(p, _)| format!("<option value=\"{}\">{}</option>", esc(&p.id), esc(p.title_in(cx.lang))))
            .collect::<String>()
    );
    for c in &rubric.categories {
        let _ = writeln!(
            s,
            "<label class=\"slider\"><span>{}</span><output for=\"w-{id}\">{w}</output><input type=\"range\" id=\"w-{id}\" data-category=\"{id}\" min=\"0\" max=\"{max}\" step=\"1\" value=\"{w}\"></label>",
            esc(c.title_in(cx.lang)),
            id = esc(&c.id),
            w = super::fmt_num(c.weight),
        );
    }
    let _ = writeln!(
        s,
        "<button type=\"button\" id=\"weights-reset\">{}</button>\n</form>\n<p id=\"weights-status\" aria-live=\"polite\"></p>\n<p id=\"weights-moved\" aria-live=\"polite\"></p>\n</section>",
        esc(loc.t("weights.reset"))
    );
    s
}

/// The rubric as the script scores it: categories with weights, items with their rule,
/// disclosures, weight and credits (full, partial, none).
fn rubric_json(rubric: &Rubric) -> Value {
    let categories: Vec<Value> = rubric
        .categories
        .iter()
        .map(|c| {
            let items: Vec<Value> = c
                .items
                .iter()
                .map(|i| {
                    let rule = match i.rule {
                        Rule::One(_) | Rule::AllOf(_) => "min",
                        Rule::AnyOf(_) => "max",
                        Rule::MeanOf(_) => "mean",
                    };
                    json!({
                        "id": i.id,
                        "w": i.weight,
                        "r": rule,
                        "d": i.rule.disclosures(),
                        "c": [i.credits.full, i.credits.partial, i.credits.none],
                    })
                })
                .collect();
            json!({ "id": c.id, "w": c.weight, "items": items })
        })
        .collect();
    Value::Array(categories)
}

/// A preset: its category and item weights.
fn weights_json(rubric: &Rubric) -> Value {
    let cats: Map<String, Value> = rubric.categories.iter().map(|c| (c.id.clone(), json!(c.weight))).collect();
    let items: Map<String, Value> = rubric.items().map(|(_, i)| (i.id.clone(), json!(i.weight))).collect();
    json!({ "categories": cats, "items": items })
}

/// Everything the script needs, as JSON.
/// The page's embedded data. Its fields are in the order of their names, as the objects
/// built with `json!` around it sort theirs, and every fund's levels are written straight
/// from the results (no JSON value per level: thousands of funds have hundreds of thousands).
#[derive(serde::Serialize)]
struct Data<'a> {
    categories: Value,
    default: Value,
    floor: f64,
    funds: Vec<FundLevels<'a>>,
    presets: Map<String, Value>,
    scale: f64,
    text: Map<String, Value>,
    unknown: &'static str,
}

/// One fund in [`Data`]: its level on each disclosure the rubric reads, by id.
#[derive(serde::Serialize)]
struct FundLevels<'a> {
    id: &'a str,
    label: &'a str,
    levels: std::collections::BTreeMap<&'a str, &'static str>,
    name: &'a str,
}

fn data<'a>(k: &Ranking<'a>, cx: &Context<'a>) -> Data<'a> {
    let (r, rubric, loc) = (k.results, k.rubric, cx.loc());
    let offered = k.presets.iter().map(|(p, weighted)| (p.id.clone(), weights_json(weighted))).collect();
    let disclosures = r.disclosures();
    let funds = r
        .results
        .iter()
        .filter(|f| f.score.is_some())
        .map(|f| {
            let first = f.levels();
            let levels =
                disclosures.iter().map(|d| (*d, first.get(d).copied().unwrap_or(Level::Unknown).as_str())).collect();
            FundLevels { id: &f.fund, label: cx.label(&f.fund, &f.label), levels, name: cx.name(&f.fund, &f.name) }
        })
        .collect();
    let text: Map<String, Value> = [
        "weights.status_custom",
        "weights.status_zero",
        "weights.moved",
        "weights.moved_more",
        "weights.moved_none",
        "list.separator",
        "chart.ranking.bar",
    ]
    .iter()
    .map(|k| (k.to_string(), json!(loc.t(k))))
    .collect();
    Data {
        categories: rubric_json(rubric),
        default: weights_json(rubric),
        floor: r.rubric.floor,
        funds,
        presets: offered,
        scale: r.rubric.scale,
        text,
        unknown: match r.rubric.unknown {
            crate::model::UnknownRule::None => "none",
            crate::model::UnknownRule::Exclude => "exclude",
        },
    }
}

/// The embedded data and the script.
pub(super) fn script(k: &Ranking, cx: &Context) -> String {
    // `<` is escaped so no text in the data can close the script element.
    let json = serde_json::to_string(&data(k, cx)).unwrap_or_else(|_| "null".into()).replace('<', "\\u003c");
    format!("<script type=\"application/json\" id=\"swfscore-data\">{json}</script>\n<script>\n{SCRIPT}</script>\n")
}
