//! Structs that mirror the input files key for key: what serde reads, before any checking.
//!
//! Unknown keys, wrong types and duplicate keys are rejected here (by the parser); everything
//! that needs more than one value to judge is checked in [`crate::validate`]. These types are
//! also the source of the JSON Schemas that `swfscore schema` prints.

pub use crate::model::{Sensitivity, UnknownRule};
use crate::yaml::Spanned;
use schemars::JsonSchema;
use serde::{Deserialize, Deserializer};
use std::collections::{BTreeMap, HashMap};

/// A scalar read as text: dates (`2025-12-04`, `2025-12`, `2025`) and crosswalk references
/// (`2`, `"18.3"`) may be written as numbers or strings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScalarText(pub String);

impl<'de> Deserialize<'de> for ScalarText {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = ScalarText;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a date or a short text")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<ScalarText, E> {
                Ok(ScalarText(v.to_string()))
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<ScalarText, E> {
                Ok(ScalarText(v.to_string()))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<ScalarText, E> {
                Ok(ScalarText(v.to_string()))
            }
            fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<ScalarText, E> {
                Ok(ScalarText(v.to_string()))
            }
        }
        d.deserialize_any(V)
    }
}

impl JsonSchema for ScalarText {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "ScalarText".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({ "type": ["string", "integer", "number"] })
    }
}

/// `disclosures.yaml`: the catalogue of everything a fund can disclose.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawCatalogue {
    /// Format version; currently 1.
    #[schemars(with = "u32")]
    pub version: Spanned<u32>,
    #[schemars(with = "Vec<RawDisclosure>")]
    pub disclosures: Vec<Spanned<RawDisclosure>>,
}

/// One kind of disclosure.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawDisclosure {
    /// snake_case, unique.
    #[schemars(with = "String")]
    pub id: Spanned<String>,
    pub title: String,
    /// The title in Traditional Chinese as used in Hong Kong, for `report --lang zh-Hant`.
    pub title_zh: Option<String>,
    pub description: String,
    /// What counts as full disclosure.
    pub full: String,
    /// What counts as partial disclosure.
    pub partial: String,
    #[serde(default)]
    pub sensitivity: Sensitivity,
}

/// `funds/<id>.yaml`: what one fund discloses, since when, with evidence.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawFund {
    /// Must equal the file stem.
    #[schemars(with = "String")]
    pub id: Spanned<String>,
    pub name: String,
    pub short_name: Option<String>,
    /// The fund's Chinese name (e.g. 淡馬錫控股), for `report --lang zh-Hant`.
    pub name_zh: Option<String>,
    /// A short Chinese name for tables and charts (e.g. 港投公司); defaults to `short_name`.
    pub short_name_zh: Option<String>,
    pub jurisdiction: String,
    /// The jurisdiction in Traditional Chinese as used in Hong Kong, for `report --lang zh-Hant`.
    pub jurisdiction_zh: Option<String>,
    /// Year the fund was established.
    #[schemars(with = "i32")]
    pub established: Spanned<i32>,
    pub owner: Option<String>,
    /// When this profile was last reviewed (YYYY-MM-DD).
    #[schemars(with = "ScalarText")]
    pub assessed: Spanned<ScalarText>,
    /// Keyed by catalogue id; a missing key means "unknown".
    #[serde(default)]
    #[schemars(with = "BTreeMap<String, RawEntrySchema>")]
    pub disclosures: HashMap<Spanned<String>, Spanned<RawEntry>>,
    /// Headline figures, shown, never scored.
    #[serde(default)]
    pub facts: BTreeMap<String, RawFact>,
    /// What kind of fund it is (type, funding, region, size band, IFSWF membership), for
    /// panel analysis and `--where`; never scored.
    #[serde(default)]
    pub metadata: crate::model::Metadata,
}

/// A disclosure level as written in a descriptor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RawLevel {
    Full,
    Partial,
    None,
    NotApplicable,
    Unknown,
}

/// How one fund stands on one disclosure.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawAssessment {
    #[schemars(with = "RawLevel")]
    pub level: Spanned<RawLevel>,
    /// Documented start: a cited source shows the level began this year. Before it, the
    /// previous `history` level applies, or `none`.
    #[schemars(with = "Option<i32>")]
    pub since: Option<Spanned<i32>>,
    /// Confirmed at this level in this year; it may have begun earlier. Before it (and not
    /// covered by `history`) the level is `unknown`. Without `since` or `known_since`, the
    /// year of the earliest dated evidence is used.
    #[schemars(with = "Option<i32>")]
    pub known_since: Option<Spanned<i32>>,
    /// Earlier levels, oldest first; each `from` is a documented start.
    #[serde(default)]
    #[schemars(with = "Vec<RawPeriod>")]
    pub history: Vec<Spanned<RawPeriod>>,
    pub note: Option<String>,
    /// Required when the level is full or partial.
    #[serde(default)]
    #[schemars(with = "Vec<RawEvidence>")]
    pub evidence: Vec<Spanned<RawEvidence>>,
}

/// A disclosure's entry in a descriptor: a mapping with `level:` and its evidence, or the
/// shorthand `disclosure: level` (no start, note or evidence; `validate` asks for the long
/// form where the level needs a source).
#[derive(Debug)]
pub enum RawEntry {
    Level(RawLevel),
    Full(Box<RawAssessment>),
}

impl RawEntry {
    /// The entry as an assessment; a shorthand level is placed where the entry is.
    pub fn into_assessment(entry: Spanned<RawEntry>) -> RawAssessment {
        match entry.value {
            RawEntry::Full(a) => *a,
            RawEntry::Level(level) => RawAssessment {
                level: Spanned::new(level, entry.referenced, entry.defined),
                since: None,
                known_since: None,
                history: vec![],
                note: None,
                evidence: vec![],
            },
        }
    }
}

impl<'de> Deserialize<'de> for RawEntry {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<RawEntry, D::Error> {
        use serde::de::{self, IntoDeserializer};
        struct Entry;
        impl<'de> de::Visitor<'de> for Entry {
            type Value = RawEntry;

            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a level (full, partial, none, not_applicable or unknown) or a mapping with `level:`")
            }

            fn visit_str<E: de::Error>(self, v: &str) -> Result<RawEntry, E> {
                RawLevel::deserialize(v.into_deserializer()).map(RawEntry::Level)
            }

            fn visit_map<A: de::MapAccess<'de>>(self, map: A) -> Result<RawEntry, A::Error> {
                RawAssessment::deserialize(de::value::MapAccessDeserializer::new(map))
                    .map(|a| RawEntry::Full(Box::new(a)))
            }
        }
        d.deserialize_any(Entry)
    }
}

/// A disclosure's entry: a level alone (`annual_report: none`), or a mapping with `level:` and
/// its start, note and evidence.
#[derive(JsonSchema)]
#[serde(untagged)]
#[allow(dead_code, clippy::large_enum_variant)] // never built: it only describes the schema
enum RawEntrySchema {
    Level(RawLevel),
    Full(RawAssessment),
}

/// An earlier level, from a year on.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawPeriod {
    #[schemars(with = "i32")]
    pub from: Spanned<i32>,
    #[schemars(with = "RawLevel")]
    pub level: Spanned<RawLevel>,
    pub note: Option<String>,
    #[serde(default)]
    #[schemars(with = "Vec<RawEvidence>")]
    pub evidence: Vec<Spanned<RawEvidence>>,
}

/// A public source for a claim.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawEvidence {
    /// Title of the document or page.
    pub source: String,
    pub url: Option<String>,
    /// YYYY-MM-DD, YYYY-MM or YYYY.
    #[schemars(with = "Option<ScalarText>")]
    pub date: Option<Spanned<ScalarText>>,
    /// A short excerpt or page reference.
    pub quote: Option<String>,
}

/// A headline figure.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawFact {
    pub value: f64,
    pub currency: Option<String>,
    pub unit: Option<String>,
    #[schemars(with = "Option<ScalarText>")]
    pub as_of: Option<Spanned<ScalarText>>,
    pub source: Option<String>,
    pub url: Option<String>,
}

/// `rubric.yaml` and `rubrics/*.yaml`: a weighted checklist over the catalogue.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawRubric {
    #[schemars(with = "String")]
    pub id: Spanned<String>,
    pub title: String,
    /// The title in Traditional Chinese as used in Hong Kong, for `report --lang zh-Hant`.
    pub title_zh: Option<String>,
    pub version: Option<ScalarText>,
    pub description: Option<String>,
    /// Where the rubric comes from.
    #[serde(default)]
    pub source: Vec<RawSource>,
    /// How faithful the rubric is to the framework it expresses.
    pub fidelity: Option<String>,
    /// Scores run from 0 (or `floor`) to scale.
    #[schemars(with = "f64")]
    pub scale: Spanned<f64>,
    /// The lowest score a fund can get (a fund disclosing nothing); default 0. The LMTI's
    /// ratings run from 1 to 10.
    #[schemars(with = "Option<f64>")]
    pub floor: Option<Spanned<f64>>,
    /// One line shown wherever this rubric's scores appear, e.g. "an approximation of the
    /// LMTI from swfscore's evidence, not SWFI's rating".
    pub caveat: Option<String>,
    /// The caveat in Traditional Chinese as used in Hong Kong, for `report --lang zh-Hant`.
    pub caveat_zh: Option<String>,
    /// How an unknown disclosure scores.
    #[serde(default)]
    pub unknown: UnknownRule,
    /// Default credit per level.
    #[schemars(with = "Option<RawCredits>")]
    pub levels: Option<Spanned<RawCredits>>,
    #[schemars(with = "Vec<RawCategory>")]
    pub categories: Vec<Spanned<RawCategory>>,
    /// Named weight profiles that override category and item weights.
    #[serde(default)]
    #[schemars(with = "Vec<RawProfile>")]
    pub profiles: Vec<Spanned<RawProfile>>,
}

/// A document a rubric is based on.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawSource {
    pub title: String,
    pub url: Option<String>,
    pub date: Option<ScalarText>,
}

/// Credit per level, each in [0, 1].
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawCredits {
    pub full: Option<f64>,
    pub partial: Option<f64>,
    pub none: Option<f64>,
}

/// A group of items with a relative weight.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawCategory {
    #[schemars(with = "String")]
    pub id: Spanned<String>,
    pub title: String,
    /// The title in Traditional Chinese as used in Hong Kong, for `report --lang zh-Hant`.
    pub title_zh: Option<String>,
    pub description: Option<String>,
    /// Relative; normalised over categories.
    #[schemars(with = "f64")]
    pub weight: Spanned<f64>,
    #[serde(default)]
    #[schemars(with = "Vec<RawItem>")]
    pub items: Vec<Spanned<RawItem>>,
}

/// One scored line of the checklist.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawItem {
    #[schemars(with = "String")]
    pub id: Spanned<String>,
    pub title: String,
    /// The title in Traditional Chinese as used in Hong Kong, for `report --lang zh-Hant`.
    pub title_zh: Option<String>,
    pub description: Option<String>,
    pub note: Option<String>,
    /// Relative; normalised within the category. Defaults to 1.
    #[schemars(with = "Option<f64>")]
    pub weight: Option<Spanned<f64>>,
    /// The disclosure scored; defaults to the item id.
    #[schemars(with = "Option<String>")]
    pub disclosure: Option<Spanned<String>>,
    /// Minimum credit of the listed disclosures.
    #[schemars(with = "Option<Vec<String>>")]
    pub all_of: Option<Vec<Spanned<String>>>,
    /// Maximum credit of the listed disclosures.
    #[schemars(with = "Option<Vec<String>>")]
    pub any_of: Option<Vec<Spanned<String>>>,
    /// Mean credit of the listed disclosures.
    #[schemars(with = "Option<Vec<String>>")]
    pub mean_of: Option<Vec<Spanned<String>>>,
    /// Per-item override of level credits.
    #[schemars(with = "Option<RawCredits>")]
    pub levels: Option<Spanned<RawCredits>>,
    /// Crosswalk to other frameworks, e.g. `{ lmti: 2, truman: 25, gapp: "11" }`.
    #[serde(default)]
    pub references: BTreeMap<String, ScalarText>,
}

/// A named set of weight overrides.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawProfile {
    #[schemars(with = "String")]
    pub id: Spanned<String>,
    pub title: String,
    /// The title in Traditional Chinese as used in Hong Kong, for `report --lang zh-Hant`.
    pub title_zh: Option<String>,
    /// Why this weighting; shown in reports.
    pub rationale: String,
    /// The rationale in Traditional Chinese as used in Hong Kong, for `report --lang zh-Hant`.
    pub rationale_zh: Option<String>,
    /// Category id to new weight.
    #[serde(default)]
    #[schemars(with = "BTreeMap<String, f64>")]
    pub categories: HashMap<Spanned<String>, Spanned<f64>>,
    /// Item id to new weight.
    #[serde(default)]
    #[schemars(with = "BTreeMap<String, f64>")]
    pub items: HashMap<Spanned<String>, Spanned<f64>>,
    /// Multiplies the weight of every item whose disclosures are all commercially sensitive.
    #[schemars(with = "Option<f64>")]
    pub commercial_factor: Option<Spanned<f64>>,
}

/// A scenario file: changes to one or more funds.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawScenario {
    pub title: Option<String>,
    pub description: Option<String>,
    #[schemars(with = "Vec<RawChange>")]
    pub changes: Vec<Spanned<RawChange>>,
}

/// The levels to set for one fund.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawChange {
    #[schemars(with = "String")]
    pub fund: Spanned<String>,
    /// Disclosure id to level.
    #[schemars(with = "BTreeMap<String, RawLevel>")]
    pub set: HashMap<Spanned<String>, Spanned<RawLevel>>,
}

/// `locales/<lang>.yaml`: the words of the published report in one language.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawLocale {
    /// BCP 47 tag: `en` or `zh-Hant`.
    pub lang: String,
    /// How large amounts are written, e.g. `{ divisor: 1.0e9, text: "{n} bn" }`; the largest
    /// divisor not above the amount is used.
    #[serde(default)]
    pub magnitudes: Vec<RawMagnitude>,
    /// Message key to text; `{name}` marks a value the program fills in.
    pub messages: BTreeMap<String, String>,
}

/// One magnitude word.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawMagnitude {
    pub divisor: f64,
    /// The amount divided by `divisor` is `{n}`.
    pub text: String,
}
