//! The checked domain model: what scoring works on. Every value here has passed
//! [`crate::validate`]: ids resolve, weights are positive, years are in range.

pub use crate::locale::Lang;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

/// How far a fund discloses something.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    Full,
    Partial,
    None,
    NotApplicable,
    /// Not assessed, or assessed and not confirmed either way.
    Unknown,
}

impl Level {
    /// The spelling used in the files.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Full => "full",
            Level::Partial => "partial",
            Level::None => "none",
            Level::NotApplicable => "not_applicable",
            Level::Unknown => "unknown",
        }
    }

    /// Every level, in order of disclosure (and of declaration: `ALL[l as usize] == l`).
    pub const ALL: [Level; 5] = [Level::Full, Level::Partial, Level::None, Level::NotApplicable, Level::Unknown];

    /// Parses the file spelling.
    pub fn parse(s: &str) -> Option<Level> {
        Level::ALL.into_iter().find(|l| l.as_str() == s)
    }

    /// True for full and partial: the levels that need evidence.
    pub fn is_disclosed(self) -> bool {
        matches!(self, Level::Full | Level::Partial)
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A calendar date as precise as the source gives it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    pub year: i32,
    pub month: Option<u8>,
    pub day: Option<u8>,
}

impl Date {
    /// Today's date (UTC), from the system clock.
    pub fn today() -> Date {
        let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
        // Days since 1970-01-01 to a civil date (Howard Hinnant's `civil_from_days`).
        let z = (secs / 86_400) as i64 + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
        Date { year, month: Some(month), day: Some(day) }
    }

    /// Parses `YYYY-MM-DD`, `YYYY-MM` or `YYYY`, checking the calendar.
    pub fn parse(s: &str) -> Option<Date> {
        let parts: Vec<&str> = s.split('-').collect();
        let num = |p: &str, len: usize| {
            (p.len() == len && p.bytes().all(|b| b.is_ascii_digit())).then(|| p.parse::<u32>().ok()).flatten()
        };
        let year = num(parts.first()?, 4)? as i32;
        let month = match parts.get(1) {
            Some(m) => Some(num(m, 2).filter(|m| (1..=12).contains(m))? as u8),
            None => None,
        };
        let day = match (parts.get(2), month) {
            (Some(d), Some(m)) => Some(num(d, 2).filter(|d| *d >= 1 && *d <= days_in_month(year, m as u32))? as u8),
            _ => None,
        };
        (parts.len() <= 3).then_some(Date { year, month, day })
    }

    /// The first day of the period the date names (`2025` = 2025-01-01).
    pub fn earliest(&self) -> Date {
        Date { year: self.year, month: Some(self.month.unwrap_or(1)), day: Some(self.day.unwrap_or(1)) }
    }

    /// Whole months from `self` to `later` (missing parts count as the start of the period).
    pub fn months_until(&self, later: &Date) -> i64 {
        let m = |d: &Date| d.year as i64 * 12 + d.month.unwrap_or(1) as i64;
        m(later) - m(self)
    }
}

fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}", self.year)?;
        if let Some(m) = self.month {
            write!(f, "-{m:02}")?;
        }
        if let Some(d) = self.day {
            write!(f, "-{d:02}")?;
        }
        Ok(())
    }
}

impl Serialize for Date {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// Whether a disclosure could harm the fund's negotiating position.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Sensitivity {
    #[default]
    None,
    Commercial,
}

/// How an unknown disclosure scores (also `--unknown`'s values).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize, JsonSchema, clap::ValueEnum)]
#[serde(rename_all = "snake_case")]
pub enum UnknownRule {
    /// As if the fund did not disclose it.
    #[default]
    None,
    /// Left out, like not_applicable; the weights renormalise.
    Exclude,
}

/// One kind of disclosure in the catalogue.
#[derive(Debug, Clone)]
pub struct Disclosure {
    pub id: String,
    pub title: String,
    /// The title in Traditional Chinese, where translated.
    pub title_zh: Option<String>,
    pub description: String,
    pub full: String,
    pub partial: String,
    pub sensitivity: Sensitivity,
}

/// The evidence vocabulary, in file order.
#[derive(Debug, Clone, Default)]
pub struct Catalogue {
    pub disclosures: Vec<Disclosure>,
}

/// `en` in English, the translation in Chinese where there is one (else `en`).
fn pick<'a>(lang: Lang, en: &'a str, zh: &'a Option<String>) -> &'a str {
    match (lang, zh) {
        (Lang::ZhHant, Some(z)) => z,
        _ => en,
    }
}

impl Disclosure {
    /// The title in `lang` (English where untranslated).
    pub fn title_in(&self, lang: Lang) -> &str {
        pick(lang, &self.title, &self.title_zh)
    }
}

impl Catalogue {
    pub fn get(&self, id: &str) -> Option<&Disclosure> {
        self.disclosures.iter().find(|d| d.id == id)
    }

    pub fn ids(&self) -> impl Iterator<Item = &str> {
        self.disclosures.iter().map(|d| d.id.as_str())
    }
}

/// A public source for a claim.
#[derive(Debug, Clone, Serialize)]
pub struct Evidence {
    pub source: String,
    pub url: Option<String>,
    pub date: Option<Date>,
    pub quote: Option<String>,
}

impl Evidence {
    /// A secondary source (press reporting what the fund published): the data marks these
    /// in the source title, e.g. `HK01, first HKIC annual report (secondary)`.
    pub fn is_secondary(&self) -> bool {
        self.source.contains("secondary")
    }
}

/// An earlier level, from a year on.
#[derive(Debug, Clone)]
pub struct Period {
    pub from: i32,
    pub level: Level,
    pub note: Option<String>,
    pub evidence: Vec<Evidence>,
}

/// When the level in force began, as far as the record shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "year", rename_all = "snake_case")]
pub enum Start {
    /// `since`: a source documents that the level began this year.
    Since(i32),
    /// `known_since` (or the earliest dated evidence): confirmed this year, may have begun earlier.
    KnownSince(i32),
    /// A `none` or `not_applicable` level with no start year: held since establishment.
    Establishment,
}

impl fmt::Display for Start {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Start::Since(y) => write!(f, "since {y}"),
            Start::KnownSince(y) => write!(f, "known since {y}"),
            Start::Establishment => f.write_str("since establishment"),
        }
    }
}

/// How a fund stands on one disclosure, and how it got there.
#[derive(Debug, Clone)]
pub struct Assessment {
    pub level: Level,
    /// When `level` began: `since`, `known_since` or the earliest dated evidence, or
    /// establishment for `none`/`not_applicable` without a year; `None` for `unknown`.
    pub start: Option<Start>,
    /// Earlier levels, oldest first, all before the start year; each `from` is a documented start.
    pub history: Vec<Period>,
    pub note: Option<String>,
    pub evidence: Vec<Evidence>,
}

/// A fund's level on a disclosure in a given year, and what supports it.
#[derive(Debug, Clone, Copy)]
pub struct Standing<'a> {
    pub level: Level,
    /// When this level began (`None` when the level is unknown).
    pub start: Option<Start>,
    pub note: Option<&'a str>,
    pub evidence: &'a [Evidence],
}

impl Standing<'_> {
    const UNKNOWN: Standing<'static> = Standing { level: Level::Unknown, start: None, note: None, evidence: &[] };
}

impl Assessment {
    /// The level in `year` (`None` = the current level).
    ///
    /// From the start year on, the current level. Before it, the latest `history` entry that
    /// has begun; before any, `none` when the start is documented (`since`) and `unknown` when
    /// it is only confirmed (`known_since`): a missing source is not evidence of absence.
    pub fn at(&self, year: Option<i32>) -> Standing<'_> {
        let current =
            Standing { level: self.level, start: self.start, note: self.note.as_deref(), evidence: &self.evidence };
        let (Some(year), Some(start)) = (year, self.start) else {
            return current;
        };
        let documented = match start {
            Start::Since(s) if year < s => true,
            Start::KnownSince(k) if year < k => false,
            _ => return current,
        };
        match self.history.iter().rev().find(|p| p.from <= year) {
            Some(p) => Standing {
                level: p.level,
                start: Some(Start::Since(p.from)),
                note: p.note.as_deref(),
                evidence: &p.evidence,
            },
            None if documented => Standing { level: Level::None, start: None, note: None, evidence: &[] },
            None => Standing::UNKNOWN,
        }
    }
}

/// A headline figure, shown, never scored.
#[derive(Debug, Clone, Serialize)]
pub struct Fact {
    pub value: f64,
    pub currency: Option<String>,
    pub unit: Option<String>,
    pub as_of: Option<Date>,
    pub source: Option<String>,
    pub url: Option<String>,
}

/// Declares a closed vocabulary of fund metadata: snake_case in the descriptors, in JSON and
/// after `--where`, with every value listed for messages.
macro_rules! vocabulary {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize, JsonSchema)]
        #[serde(rename_all = "snake_case")]
        pub enum $name {
            $($(#[$vdoc])* $variant),+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text),+
                }
            }
        }
    };
}

vocabulary! {
    /// What a fund is for (its main purpose).
    FundType {
        /// Saves wealth for future generations.
        Savings = "savings",
        /// Smooths the budget against commodity-price or revenue shocks.
        Stabilisation = "stabilisation",
        /// Invests for the state's development or strategic aims (holdings, co-investment).
        Strategic = "strategic",
        /// Pre-funds public pensions.
        PensionReserve = "pension_reserve",
    }
}

vocabulary! {
    /// Where a fund's money mainly comes from.
    Funding {
        /// Oil, gas or mineral revenue.
        Commodity = "commodity",
        /// Other state assets or revenue (privatisations, contributions, transfers).
        NonCommodity = "non_commodity",
        /// Budget surpluses.
        FiscalSurplus = "fiscal_surplus",
        /// Official foreign-exchange reserves.
        Reserves = "reserves",
    }
}

vocabulary! {
    /// The world region of a fund's sponsor.
    Region {
        EastAsia = "east_asia",
        SoutheastAsia = "southeast_asia",
        SouthAsia = "south_asia",
        MiddleEast = "middle_east",
        Europe = "europe",
        NorthAmerica = "north_america",
        LatinAmerica = "latin_america",
        Africa = "africa",
        /// Central Asia and the Caucasus.
        CentralAsia = "central_asia",
        Oceania = "oceania",
    }
}

vocabulary! {
    /// Assets under management in US dollars, in bands.
    SizeBand {
        /// Under USD 10bn.
        Small = "small",
        /// USD 10bn to 100bn.
        Medium = "medium",
        /// USD 100bn to 500bn.
        Large = "large",
        /// Over USD 500bn.
        VeryLarge = "very_large",
    }
}

/// Why [`Dataset::find_fund`] found no one fund: the ids of the nearest funds, or of every fund
/// the name fits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FundLookup {
    Unknown(Vec<String>),
    Ambiguous(Vec<String>),
}

/// What kind of fund it is, for panel analysis and `--where`: shown and filtered on, never
/// scored. Every field is optional (absent = not classified).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Metadata {
    /// The fund's main purpose.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub kind: Option<FundType>,
    /// The main source of its money.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub funding: Option<Funding>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub region: Option<Region>,
    /// Assets in USD, in bands (small < 10bn ≤ medium < 100bn ≤ large < 500bn ≤ very_large).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub size_band: Option<SizeBand>,
    /// Whether the fund is a member of the International Forum of Sovereign Wealth Funds
    /// (implied by `ifswf_member_since`; `true` alone where the year is not known).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ifswf_member: Option<bool>,
    /// The year the fund joined the Forum.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ifswf_member_since: Option<i32>,
}

impl Metadata {
    /// Whether the fund is a member of the IFSWF: `None` where the descriptor does not say.
    pub fn ifswf(&self) -> Option<bool> {
        if self.ifswf_member_since.is_some() { Some(true) } else { self.ifswf_member }
    }
}

/// One fund's descriptor.
#[derive(Debug, Clone)]
pub struct Fund {
    pub id: String,
    pub name: String,
    pub short_name: Option<String>,
    /// The fund's Chinese name, where given.
    pub name_zh: Option<String>,
    /// A short Chinese name for tables and charts.
    pub short_name_zh: Option<String>,
    pub jurisdiction: String,
    pub jurisdiction_zh: Option<String>,
    pub established: i32,
    pub owner: Option<String>,
    pub assessed: Date,
    /// Keyed by catalogue id; absent = unknown.
    pub disclosures: BTreeMap<String, Assessment>,
    pub facts: BTreeMap<String, Fact>,
    pub metadata: Metadata,
}

impl Fund {
    /// The fund as it stood in `year` (`None` = now): each disclosure's level then becomes its
    /// current level, with the note, evidence and start of that level and no earlier history.
    pub fn frozen(&self, year: Option<i32>) -> Fund {
        let disclosures = self
            .disclosures
            .iter()
            .filter_map(|(id, a)| {
                let st = a.at(year);
                (st.level != Level::Unknown).then(|| {
                    let assessment = Assessment {
                        level: st.level,
                        start: st.start,
                        history: vec![],
                        note: st.note.map(str::to_string),
                        evidence: st.evidence.to_vec(),
                    };
                    (id.clone(), assessment)
                })
            })
            .collect();
        Fund { disclosures, ..self.clone() }
    }

    /// The short name where there is one, else the id.
    pub fn label(&self) -> &str {
        self.short_name.as_deref().unwrap_or(&self.id)
    }

    /// The full name in `lang` (English where untranslated).
    pub fn name_in(&self, lang: Lang) -> &str {
        pick(lang, &self.name, &self.name_zh)
    }

    /// The short name in `lang`: the Chinese short name, else the Chinese name, else [`Fund::label`].
    pub fn label_in(&self, lang: Lang) -> &str {
        match lang {
            Lang::ZhHant => self.short_name_zh.as_deref().or(self.name_zh.as_deref()).unwrap_or(self.label()),
            Lang::En => self.label(),
        }
    }

    pub fn jurisdiction_in(&self, lang: Lang) -> &str {
        pick(lang, &self.jurisdiction, &self.jurisdiction_zh)
    }

    /// The fund's standing on `disclosure` in `year` (`None` = now); unknown if not assessed.
    pub fn standing(&self, disclosure: &str, year: Option<i32>) -> Standing<'_> {
        match self.disclosures.get(disclosure) {
            Some(a) => a.at(year),
            None => Standing::UNKNOWN,
        }
    }
}

/// Credit per scored level, each in [0, 1].
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Credits {
    pub full: f64,
    pub partial: f64,
    pub none: f64,
}

impl Default for Credits {
    fn default() -> Self {
        Credits { full: 1.0, partial: 0.5, none: 0.0 }
    }
}

impl Credits {
    /// The credit for a scored level (`None` for not_applicable and unknown).
    pub fn of(&self, level: Level) -> Option<f64> {
        match level {
            Level::Full => Some(self.full),
            Level::Partial => Some(self.partial),
            Level::None => Some(self.none),
            Level::NotApplicable | Level::Unknown => None,
        }
    }
}

/// How an item combines its disclosures.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rule {
    /// One disclosure.
    One(String),
    /// Minimum credit: all must be disclosed.
    AllOf(Vec<String>),
    /// Maximum credit: any one suffices.
    AnyOf(Vec<String>),
    /// Mean credit.
    MeanOf(Vec<String>),
}

impl Rule {
    /// The disclosures the item reads.
    pub fn disclosures(&self) -> &[String] {
        match self {
            Rule::One(id) => std::slice::from_ref(id),
            Rule::AllOf(v) | Rule::AnyOf(v) | Rule::MeanOf(v) => v,
        }
    }
}

/// One scored line of a rubric.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    pub id: String,
    pub title: String,
    pub title_zh: Option<String>,
    pub weight: f64,
    pub rule: Rule,
    /// The rubric's credits with this item's overrides applied.
    pub credits: Credits,
    pub references: BTreeMap<String, String>,
    pub note: Option<String>,
}

impl Item {
    pub fn title_in(&self, lang: Lang) -> &str {
        pick(lang, &self.title, &self.title_zh)
    }
}

/// A weighted group of items.
#[derive(Debug, Clone, PartialEq)]
pub struct Category {
    pub id: String,
    pub title: String,
    pub title_zh: Option<String>,
    pub description: Option<String>,
    pub weight: f64,
    pub items: Vec<Item>,
}

impl Category {
    pub fn title_in(&self, lang: Lang) -> &str {
        pick(lang, &self.title, &self.title_zh)
    }
}

/// A named re-weighting of a rubric.
#[derive(Debug, Clone)]
pub struct Profile {
    pub id: String,
    pub title: String,
    pub title_zh: Option<String>,
    pub rationale: String,
    pub rationale_zh: Option<String>,
    pub categories: BTreeMap<String, f64>,
    pub items: BTreeMap<String, f64>,
    pub commercial_factor: Option<f64>,
}

impl Profile {
    pub fn title_in(&self, lang: Lang) -> &str {
        pick(lang, &self.title, &self.title_zh)
    }

    pub fn rationale_in(&self, lang: Lang) -> &str {
        pick(lang, &self.rationale, &self.rationale_zh)
    }
}

/// A document a rubric is based on.
#[derive(Debug, Clone, Serialize)]
pub struct Source {
    pub title: String,
    pub url: Option<String>,
    pub date: Option<String>,
}

/// A weighted checklist over the catalogue.
#[derive(Debug, Clone)]
pub struct Rubric {
    pub id: String,
    pub title: String,
    pub title_zh: Option<String>,
    pub version: Option<String>,
    pub description: Option<String>,
    pub sources: Vec<Source>,
    pub fidelity: Option<String>,
    /// One line shown with every score under this rubric.
    pub caveat: Option<String>,
    pub caveat_zh: Option<String>,
    pub scale: f64,
    /// The score of a fund that discloses nothing (0 unless the rubric says otherwise).
    pub floor: f64,
    pub unknown: UnknownRule,
    pub credits: Credits,
    pub categories: Vec<Category>,
    pub profiles: Vec<Profile>,
}

impl Rubric {
    pub fn title_in(&self, lang: Lang) -> &str {
        pick(lang, &self.title, &self.title_zh)
    }

    /// The caveat in `lang`, where the rubric has one.
    pub fn caveat_in(&self, lang: Lang) -> Option<&str> {
        match lang {
            Lang::ZhHant => self.caveat_zh.as_deref().or(self.caveat.as_deref()),
            Lang::En => self.caveat.as_deref(),
        }
    }

    pub fn items(&self) -> impl Iterator<Item = (&Category, &Item)> {
        self.categories.iter().flat_map(|c| c.items.iter().map(move |i| (c, i)))
    }

    /// The disclosures the rubric reads, in rubric order, each once.
    pub fn disclosures(&self) -> Vec<&str> {
        let mut ids: Vec<&str> = Vec::new();
        for (_, item) in self.items() {
            for d in item.rule.disclosures() {
                if !ids.contains(&d.as_str()) {
                    ids.push(d);
                }
            }
        }
        ids
    }

    /// This rubric with a profile's weights applied (`None` when there is no such profile).
    pub fn with_profile(&self, id: &str, catalogue: &Catalogue) -> Option<Rubric> {
        let p = self.profiles.iter().find(|p| p.id == id)?;
        let mut r = self.clone();
        for c in &mut r.categories {
            if let Some(w) = p.categories.get(&c.id) {
                c.weight = *w;
            }
            for i in &mut c.items {
                if let Some(w) = p.items.get(&i.id) {
                    i.weight = *w;
                } else if let Some(f) = p.commercial_factor {
                    let all_commercial = i
                        .rule
                        .disclosures()
                        .iter()
                        .all(|d| catalogue.get(d).is_some_and(|d| d.sensitivity == Sensitivity::Commercial));
                    if all_commercial {
                        i.weight *= f;
                    }
                }
            }
        }
        Some(r)
    }
}

/// Which year of each fund's record a command reads: the latest assessment, one calendar
/// year for every fund, or each fund at the same age (years since its establishment).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum When {
    #[default]
    Latest,
    Year(i32),
    Age(i32),
}

impl When {
    /// From `--as-of` and `--at-age` (which exclude each other; the age wins if both are given).
    pub fn of(as_of: Option<i32>, at_age: Option<i32>) -> When {
        match (at_age, as_of) {
            (Some(a), _) => When::Age(a),
            (None, Some(y)) => When::Year(y),
            (None, None) => When::Latest,
        }
    }

    /// The year read for `fund` (`None` = its latest assessment).
    pub fn year(self, fund: &Fund) -> Option<i32> {
        match self {
            When::Latest => None,
            When::Year(y) => Some(y),
            When::Age(a) => Some(fund.established + a),
        }
    }

    /// Whether `fund` has a record then: established by that year and, at an age, already
    /// that old when last assessed.
    pub fn covers(self, fund: &Fund) -> bool {
        match self {
            When::Latest => true,
            When::Year(y) => y >= fund.established,
            When::Age(a) => a >= 0 && fund.established + a <= fund.assessed.year,
        }
    }

    /// The age, for `When::Age`.
    pub fn age(self) -> Option<i32> {
        match self {
            When::Age(a) => Some(a),
            _ => None,
        }
    }
}

/// A hypothetical level: `(fund id, disclosure id, level)`.
pub type LevelChange = (String, String, Level);

/// Everything a scoring command needs: the catalogue, a rubric and the funds.
#[derive(Debug, Clone)]
pub struct Dataset {
    pub catalogue: Catalogue,
    pub rubric: Rubric,
    /// Sorted by id; shared between the views of one loading (other rubrics, profiles).
    pub funds: Arc<Vec<Fund>>,
    /// Every fund loaded, where `--where` kept only some in `funds`: the record the estimate
    /// learns from, so that a filter selects what is shown, never what is estimated.
    pub record: Option<Arc<Vec<Fund>>>,
}

impl Dataset {
    /// Nothing loaded: an empty catalogue, an empty rubric and no funds (the context of a
    /// `validate` whose inputs failed to load).
    pub fn empty() -> Dataset {
        let rubric = Rubric {
            id: String::new(),
            title: String::new(),
            title_zh: None,
            version: None,
            description: None,
            sources: vec![],
            fidelity: None,
            caveat: None,
            caveat_zh: None,
            scale: 100.0,
            floor: 0.0,
            unknown: UnknownRule::None,
            credits: Credits::default(),
            categories: vec![],
            profiles: vec![],
        };
        Dataset { catalogue: Catalogue { disclosures: vec![] }, rubric, funds: Arc::new(vec![]), record: None }
    }

    /// The fund with this id: a binary search, as the funds are sorted by id (renderers look
    /// a fund up once per table cell, so a linear search made pages quadratic in the funds).
    pub fn fund(&self, id: &str) -> Option<&Fund> {
        self.funds.binary_search_by(|f| f.id.as_str().cmp(id)).ok().map(|i| &self.funds[i])
    }

    /// The same catalogue and funds (shared, not copied) under another rubric.
    pub fn with_rubric(&self, rubric: Rubric) -> Dataset {
        Dataset {
            catalogue: self.catalogue.clone(),
            rubric,
            funds: Arc::clone(&self.funds),
            record: self.record.clone(),
        }
    }

    /// The fund `name` names: its id; else, ignoring case, its id, short or full name in
    /// English or Chinese; else its jurisdiction (English or Chinese) where one fund has it.
    pub fn find_fund(&self, name: &str) -> Result<&Fund, FundLookup> {
        if let Some(f) = self.fund(name) {
            return Ok(f);
        }
        let key = name.trim().to_lowercase();
        let named = |f: &&Fund| {
            [
                Some(f.id.as_str()),
                f.short_name.as_deref(),
                Some(f.name.as_str()),
                f.name_zh.as_deref(),
                f.short_name_zh.as_deref(),
            ]
            .into_iter()
            .flatten()
            .any(|n| n.to_lowercase() == key)
        };
        let by_name: Vec<&Fund> = self.funds.iter().filter(named).collect();
        let by_place: Vec<&Fund> = self
            .funds
            .iter()
            .filter(|f| {
                [Some(f.jurisdiction.as_str()), f.jurisdiction_zh.as_deref()]
                    .into_iter()
                    .flatten()
                    .any(|j| j.to_lowercase() == key || j.to_lowercase().split(", ").any(|part| part == key))
            })
            .collect();
        match (by_name.as_slice(), by_place.as_slice()) {
            ([f], _) | ([], [f]) => Ok(f),
            ([], []) => {
                // The nearest names: a likely typo first, then names that contain the words given.
                let mut near: Vec<String> = Vec::new();
                let names: Vec<(String, &str)> = self
                    .funds
                    .iter()
                    .flat_map(|f| {
                        [Some(f.id.as_str()), f.short_name.as_deref(), Some(f.name.as_str()), f.name_zh.as_deref()]
                            .into_iter()
                            .flatten()
                            .map(move |n| (n.to_lowercase(), f.id.as_str()))
                    })
                    .collect();
                if let Some(best) = crate::diag::did_you_mean(&key, names.iter().map(|(n, _)| n.as_str())) {
                    near.extend(names.iter().filter(|(n, _)| n == best).map(|(_, id)| id.to_string()));
                }
                for (n, id) in &names {
                    if !key.is_empty()
                        && (n.contains(&key) || key.contains(n.as_str()))
                        && !near.iter().any(|x| x == id)
                    {
                        near.push(id.to_string());
                    }
                }
                near.dedup();
                Err(FundLookup::Unknown(near))
            }
            (many, _) if !many.is_empty() => Err(FundLookup::Ambiguous(many.iter().map(|f| f.id.clone()).collect())),
            (_, many) => Err(FundLookup::Ambiguous(many.iter().map(|f| f.id.clone()).collect())),
        }
    }

    /// The funds `keep` accepts (as `--where` selects them); the record the estimate learns
    /// from stays whole.
    pub fn keeping(&self, keep: impl Fn(&Fund) -> bool) -> Dataset {
        let kept: Vec<Fund> = self.funds.iter().filter(|f| keep(f)).cloned().collect();
        Dataset {
            funds: Arc::new(kept),
            record: Some(self.record.clone().unwrap_or_else(|| Arc::clone(&self.funds))),
            ..self.clone()
        }
    }

    /// Each fund as it stood at `when` (its levels then, with their evidence, as its current
    /// ones), leaving out the funds with no record then; the record the estimate learns from
    /// stays whole. For the analyses that read only current levels (`gap`).
    pub fn at(&self, when: When) -> Dataset {
        if when == When::Latest {
            return self.clone();
        }
        let frozen: Vec<Fund> = self.funds.iter().filter(|f| when.covers(f)).map(|f| f.frozen(when.year(f))).collect();
        Dataset {
            funds: Arc::new(frozen),
            record: Some(self.record.clone().unwrap_or_else(|| Arc::clone(&self.funds))),
            ..self.clone()
        }
    }

    /// Every fund loaded (more than [`Dataset::funds`] under `--where`).
    pub fn record(&self) -> &[Fund] {
        self.record.as_deref().unwrap_or(&self.funds)
    }

    /// A copy with some levels changed, as hypotheses: `(fund, disclosure, level)`.
    /// A changed level is dated from the fund's assessment year and carries no evidence.
    pub fn with_levels(&self, changes: &[LevelChange]) -> Dataset {
        let mut ds = self.clone();
        for (fund, disclosure, level) in changes {
            if let Some(f) = Arc::make_mut(&mut ds.funds).iter_mut().find(|f| &f.id == fund) {
                let start = (*level != Level::Unknown).then_some(Start::Since(f.assessed.year));
                f.disclosures.insert(
                    disclosure.clone(),
                    Assessment {
                        level: *level,
                        start,
                        history: vec![],
                        note: Some("what-if".into()),
                        evidence: vec![],
                    },
                );
            }
        }
        ds
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_fund_is_found_by_its_id_whatever_order_the_files_come_in() {
        let alpha = include_str!("../tests/fixtures/mini/funds/alpha.yaml");
        let stems = ["zeta", "alpha_10", "alpha", "beta_2", "alpha_2", "a", "beta", "alpha_1"];
        let texts: Vec<(String, String)> =
            stems.iter().map(|s| (s.to_string(), alpha.replacen("id: alpha", &format!("id: {s}"), 1))).collect();
        let funds: Vec<(&str, &str)> = texts.iter().map(|(s, t)| (s.as_str(), t.as_str())).collect();
        let ds = crate::load::from_texts(
            include_str!("../tests/fixtures/mini/disclosures.yaml"),
            include_str!("../tests/fixtures/mini/rubric.yaml"),
            &funds,
        )
        .dataset
        .expect("the copies load");
        assert_eq!(ds.funds.len(), stems.len());
        for s in stems {
            assert_eq!(ds.fund(s).map(|f| f.id.as_str()), Some(s), "{s}");
        }
        for missing in ["", "alph", "alpha_3", "zz", "Alpha"] {
            assert!(ds.fund(missing).is_none(), "{missing}");
        }
    }

    #[test]
    fn dates_parse_at_three_precisions_and_check_the_calendar() {
        assert_eq!(Date::parse("2025-12-04").unwrap().to_string(), "2025-12-04");
        assert_eq!(Date::parse("2025-12").unwrap().to_string(), "2025-12");
        assert_eq!(Date::parse("2025").unwrap().to_string(), "2025");
        for bad in ["2025-13-01", "2025-02-30", "25-01-01", "2025/01/01", "2025-1-1", "", "2024-02-29-1"] {
            assert!(Date::parse(bad).is_none(), "{bad}");
        }
        assert!(Date::parse("2024-02-29").is_some());
    }

    fn assessment(level: Level, start: Option<Start>, history: &[(i32, Level)]) -> Assessment {
        Assessment {
            level,
            start,
            history: history
                .iter()
                .map(|&(from, level)| Period { from, level, note: None, evidence: vec![] })
                .collect(),
            note: None,
            evidence: vec![],
        }
    }

    #[test]
    fn level_in_a_year_follows_history_then_since() {
        let a = assessment(Level::Full, Some(Start::Since(2010)), &[(2004, Level::Partial)]);
        assert_eq!(a.at(Some(2003)).level, Level::None);
        assert_eq!(a.at(Some(2004)).level, Level::Partial);
        assert_eq!(a.at(Some(2009)).level, Level::Partial);
        assert_eq!(a.at(Some(2009)).start, Some(Start::Since(2004)));
        assert_eq!(a.at(Some(2010)).level, Level::Full);
        assert_eq!(a.at(None).level, Level::Full);
        let b = assessment(Level::Full, Some(Start::Since(2004)), &[]);
        assert_eq!(b.at(Some(2003)).level, Level::None);
        assert_eq!(b.at(Some(2003)).start, None);
        assert_eq!(b.at(Some(2004)).level, Level::Full);
    }

    #[test]
    fn before_a_confirmed_year_the_level_is_unknown_unless_history_covers_it() {
        let k = assessment(Level::Full, Some(Start::KnownSince(2012)), &[]);
        assert_eq!(k.at(Some(2011)).level, Level::Unknown);
        assert_eq!(k.at(Some(2012)).level, Level::Full);
        assert_eq!(k.at(Some(2012)).start, Some(Start::KnownSince(2012)));
        let h = assessment(Level::Full, Some(Start::KnownSince(2012)), &[(2005, Level::Partial)]);
        assert_eq!(h.at(Some(2004)).level, Level::Unknown);
        assert_eq!(h.at(Some(2005)).level, Level::Partial);
        assert_eq!(h.at(Some(2011)).level, Level::Partial);
        assert_eq!(h.at(Some(2012)).level, Level::Full);
        let none = assessment(Level::None, Some(Start::Establishment), &[]);
        assert_eq!(none.at(Some(1990)).level, Level::None);
        let unknown = assessment(Level::Unknown, None, &[]);
        assert_eq!(unknown.at(Some(1990)).level, Level::Unknown);
        assert_eq!(unknown.at(None).level, Level::Unknown);
    }
}
