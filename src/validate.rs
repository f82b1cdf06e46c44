//! Raw structs to domain types, in one fallible step per file that reports every problem.

use crate::diag::{Diagnostics, Pos};
use crate::model::*;
use crate::raw::*;
use crate::yaml::{Spanned, pos};
use std::collections::{BTreeMap, BTreeSet};

/// `validate --review` lists levels whose newest evidence is older than this: a research
/// queue, never a reason to doubt the level.
pub const REVIEW_AFTER_YEARS: i64 = 5;

pub fn is_snake_case(s: &str) -> bool {
    !s.is_empty()
        && s.starts_with(|c: char| c.is_ascii_lowercase())
        && s.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

fn check_id(d: &mut Diagnostics, file: &str, id: &Spanned<String>, what: &str) {
    if !is_snake_case(&id.value) {
        d.error(file, Some(pos(id)), format!("{what} id `{}` is not snake_case", id.value))
            .help("use lowercase letters, digits and underscores, starting with a letter");
    }
}

/// Checks the catalogue.
pub fn catalogue(raw: RawCatalogue, file: &str, d: &mut Diagnostics) -> Catalogue {
    if raw.version.value != 1 {
        d.error(file, Some(pos(&raw.version)), format!("unsupported catalogue version {}", raw.version.value))
            .help("this swfscore reads version 1");
    }
    let mut seen: BTreeMap<String, Pos> = BTreeMap::new();
    let mut disclosures = Vec::new();
    for s in raw.disclosures {
        let r = s.value;
        check_id(d, file, &r.id, "disclosure");
        if let Some(first) = seen.get(&r.id.value) {
            d.error(file, Some(pos(&r.id)), format!("duplicate disclosure id `{}`", r.id.value))
                .help(format!("first defined at line {}", first.line));
            continue;
        }
        seen.insert(r.id.value.clone(), pos(&r.id));
        disclosures.push(Disclosure {
            id: r.id.value,
            title: r.title,
            title_zh: r.title_zh,
            description: r.description,
            full: r.full,
            partial: r.partial,
            sensitivity: r.sensitivity,
        });
    }
    if disclosures.is_empty() {
        d.error(file, None, "the catalogue lists no disclosures");
    }
    Catalogue { disclosures }
}

/// The domain level for a level as written.
pub fn level(l: RawLevel) -> Level {
    match l {
        RawLevel::Full => Level::Full,
        RawLevel::Partial => Level::Partial,
        RawLevel::None => Level::None,
        RawLevel::NotApplicable => Level::NotApplicable,
        RawLevel::Unknown => Level::Unknown,
    }
}

fn date(d: &mut Diagnostics, file: &str, s: &Spanned<ScalarText>, what: &str) -> Option<Date> {
    let parsed = Date::parse(&s.value.0);
    if parsed.is_none() {
        d.error(file, Some(pos(s)), format!("malformed {what} `{}`", s.value.0))
            .help("write YYYY-MM-DD, YYYY-MM or YYYY");
    }
    parsed
}

/// Checks a list of evidence; dates must fall within the fund's life up to the assessment.
fn evidence(
    d: &mut Diagnostics,
    file: &str,
    list: Vec<Spanned<RawEvidence>>,
    established: i32,
    assessed: Option<Date>,
) -> Vec<Evidence> {
    let mut out = Vec::new();
    for s in list {
        let p = pos(&s);
        let e = s.value;
        if e.source.trim().is_empty() {
            d.error(file, Some(p), "evidence with an empty `source`").help("name the document or page");
        }
        match &e.url {
            None => {
                d.warning(file, Some(p), format!("evidence `{}` has no URL", e.source))
                    .help("add `url:` so a reader can check it");
            }
            Some(u) if !(u.starts_with("https://") || u.starts_with("http://")) => {
                d.warning(file, Some(p), format!("evidence URL `{u}` is not an http(s) address"));
            }
            Some(_) => {}
        }
        let when = match &e.date {
            Some(s) => {
                let when = date(d, file, s, "date");
                if let Some(w) = when {
                    if let Some(a) = assessed.filter(|a| w.earliest() > *a) {
                        d.error(
                            file,
                            Some(pos(s)),
                            format!("evidence `{}` is dated {w}, after the assessment ({a})", e.source),
                        )
                        .help("correct the date, or move `assessed` to the day the profile was reviewed");
                    } else if w.year < established {
                        d.warning(
                            file,
                            Some(pos(s)),
                            format!(
                                "evidence `{}` is dated {w}, before the fund was established ({established})",
                                e.source
                            ),
                        )
                        .help("check the date; a source older than the fund rarely shows what the fund discloses");
                    }
                }
                when
            }
            None => {
                d.warning(file, Some(p), format!("evidence `{}` has no date", e.source))
                    .help("add `date:` (YYYY-MM-DD, YYYY-MM or YYYY)");
                None
            }
        };
        out.push(Evidence { source: e.source, url: e.url, date: when, quote: e.quote });
    }
    out
}

/// The fund's life, for checking years and dates.
#[derive(Debug, Clone, Copy)]
struct Life {
    established: i32,
    assessed: Option<Date>,
}

/// Checks one disclosure's assessment (`key` is its catalogue id).
fn assessment(d: &mut Diagnostics, file: &str, life_span: Life, key: &Spanned<String>, r: RawAssessment) -> Assessment {
    let Life { established, assessed } = life_span;
    let assessed_year = assessed.map(|a| a.year);
    let in_range = |y: i32| y >= established && assessed_year.is_none_or(|a| y <= a);
    let lvl = level(r.level.value);
    let lp = pos(&r.level);
    if lvl.is_disclosed() && r.evidence.is_empty() {
        d.error(file, Some(lp), format!("`{}` is `{lvl}` without evidence", key.value))
            .help("add `evidence:` with a source, URL and date, or lower the level");
    }
    if lvl == Level::Unknown && r.note.as_deref().is_none_or(|n| n.trim().is_empty()) {
        d.warning(file, Some(lp), format!("`{}` is unknown with no note", key.value))
            .help("say in `note:` what was looked for and not found");
    }
    let life = || format!("{established} to {}", assessed_year.map_or("?".into(), |y| y.to_string()));
    for (name, s) in [("since", &r.since), ("known_since", &r.known_since)] {
        if let Some(s) = s
            && !in_range(s.value)
        {
            d.error(file, Some(pos(s)), format!("`{name}: {}` is outside the fund's life ({})", s.value, life()))
                .help("a level cannot start before `established` or after `assessed`");
        }
    }
    if let (Some(_), Some(k)) = (&r.since, &r.known_since) {
        d.error(file, Some(pos(k)), format!("`{}` has both `since` and `known_since`", key.value)).help(
            "keep `since` when a source documents the start, otherwise `known_since` for the earliest confirmed year",
        );
    }
    let explicit = r.since.as_ref().map(|s| s.value).or(r.known_since.as_ref().map(|s| s.value));
    if !r.history.is_empty() && explicit.is_none() {
        d.error(file, Some(lp), format!("`{}` has `history` but no `since` or `known_since`", key.value))
            .help("give the year the current level started (`since`) or was first confirmed (`known_since`)");
    }
    if lvl.is_disclosed() {
        consistency(d, file, key, lvl, &r);
    }
    let mut history: Vec<Period> = Vec::new();
    let mut last: Option<i32> = None;
    for ps in r.history {
        let pp = pos(&ps);
        let p = ps.value;
        let from = p.from.value;
        if !in_range(from) {
            d.error(file, Some(pos(&p.from)), format!("history year {from} is outside the fund's life ({})", life()));
        }
        if last.is_some_and(|l| from <= l) || explicit.is_some_and(|s| from >= s) {
            d.error(file, Some(pos(&p.from)), format!("history out of order at {from}")).help(
                "history entries go oldest first, each year later than the one before and earlier than `since`/`known_since`",
            );
        }
        last = Some(from);
        let hl = level(p.level.value);
        if hl == Level::Unknown {
            d.error(file, Some(pos(&p.level)), "a history level cannot be `unknown`")
                .help("leave out the years that are not known");
        }
        if hl.is_disclosed() && p.evidence.is_empty() && p.note.is_none() {
            d.warning(file, Some(pp), format!("history level `{hl}` from {from} has no evidence or note"));
        }
        let ev = evidence(d, file, p.evidence, established, assessed);
        history.push(Period { from, level: hl, note: p.note, evidence: ev });
    }
    let ev = evidence(d, file, r.evidence, established, assessed);
    let earliest = ev.iter().filter_map(|e| e.date).map(|e| e.year).min();
    let start = match (lvl, &r.since, &r.known_since) {
        (Level::Unknown, _, _) => None,
        (_, Some(s), _) => Some(Start::Since(s.value)),
        (_, None, Some(k)) => Some(Start::KnownSince(k.value)),
        (Level::None | Level::NotApplicable, None, None) => Some(Start::Establishment),
        (_, None, None) => {
            earliest.or(assessed_year).map(|y| Start::KnownSince(y.max(established).min(assessed_year.unwrap_or(y))))
        }
    };
    Assessment { level: lvl, start, history, note: r.note, evidence: ev }
}

/// A disclosed level must agree with its own record: no cited source dated before the year it
/// is first confirmed (`known_since`), and no `history` entry just before the start that
/// already held it. A source older than a documented start (`since`) is allowed: a statute or
/// rule is often published before the duty it sets begins.
fn consistency(d: &mut Diagnostics, file: &str, key: &Spanned<String>, lvl: Level, r: &RawAssessment) {
    let (name, start) = match (&r.since, &r.known_since) {
        (Some(s), _) => ("since", s),
        (None, Some(k)) => ("known_since", k),
        (None, None) => return,
    };
    let dated = r.evidence.iter().filter(|_| r.since.is_none()).filter_map(|e| {
        let s = e.value.date.as_ref()?;
        Some((s, Date::parse(&s.value.0)?, &e.value.source))
    });
    for (at, when, source) in dated.filter(|(_, w, _)| w.year < start.value) {
        d.error(
            file,
            Some(pos(at)),
            format!(
                "`{}` is `{lvl}` from {} (`{name}`), but its own evidence `{source}` is dated {when}",
                key.value, start.value
            ),
        )
        .help(format!(
            "if that source shows `{lvl}`, move `{name}` back to {} (line {}); if it shows a lower level, move it to a `history` entry for that level",
            when.year,
            pos(start).line
        ));
    }
    if let Some(last) = r.history.last()
        && level(last.value.level.value) == lvl
    {
        let from = last.value.from.value;
        d.error(
            file,
            Some(pos(&last.value.from)),
            format!(
                "`{}` has a history entry from {from} that already holds `{lvl}`, before `{name}: {}`",
                key.value, start.value
            ),
        )
        .help(format!(
            "the level began by {from}: set `{name}: {from}`, keep the entry's evidence on the level, and remove the entry"
        ));
    }
}

/// Checks one fund descriptor; `stem` is its file name without extension.
pub fn fund(raw: RawFund, file: &str, stem: &str, catalogue: &Catalogue, d: &mut Diagnostics) -> Option<Fund> {
    let errors_before = d.errors();
    check_id(d, file, &raw.id, "fund");
    if raw.id.value != stem {
        d.error(file, Some(pos(&raw.id)), format!("fund id `{}` does not match the file name `{stem}`", raw.id.value))
            .help(format!("rename the file to `{}.yaml` or set `id: {stem}`", raw.id.value));
    }
    let assessed = date(d, file, &raw.assessed, "assessment date");
    if let Some(a) = assessed
        && a.day.is_none()
    {
        d.error(file, Some(pos(&raw.assessed)), "the assessment date needs a day").help("write YYYY-MM-DD");
    }
    let established = raw.established.value;
    let assessed_year = assessed.map(|a| a.year);
    if !(1800..=assessed_year.unwrap_or(9999)).contains(&established) {
        d.error(file, Some(pos(&raw.established)), format!("established year {established} is out of range"))
            .help("give the year the fund was founded, no later than `assessed`");
    }

    let mut entries: Vec<(Spanned<String>, Spanned<RawEntry>)> = raw.disclosures.into_iter().collect();
    entries.sort_by_key(|e| pos(&e.0));
    let mut disclosures = BTreeMap::new();
    for (key, value) in entries {
        let kp = pos(&key);
        if catalogue.get(&key.value).is_none() {
            d.error(file, Some(kp), format!("unknown disclosure `{}`", key.value)).suggest(&key.value, catalogue.ids());
            continue;
        }
        let a = assessment(d, file, Life { established, assessed }, &key, RawEntry::into_assessment(value));
        disclosures.insert(key.value, a);
    }
    let missing: Vec<&str> = catalogue.ids().filter(|id| !disclosures.contains_key(*id)).collect();
    if !missing.is_empty() {
        let shown: Vec<&str> = missing.iter().take(5).copied().collect();
        let more = if missing.len() > 5 { format!(", and {} more", missing.len() - 5) } else { String::new() };
        d.warning(
            file,
            None,
            format!(
                "{} catalogue disclosure(s) not assessed (scored as unknown): {}{more}",
                missing.len(),
                shown.join(", ")
            ),
        )
        .help("add each with a level, or `level: unknown` and a note");
    }
    let mut facts = BTreeMap::new();
    for (k, f) in raw.facts {
        let as_of = f.as_of.as_ref().and_then(|s| date(d, file, s, "fact date"));
        if !f.value.is_finite() {
            d.error(file, None, format!("fact `{k}` has a value that is not a finite number"));
        }
        facts.insert(
            k,
            Fact { value: f.value, currency: f.currency, unit: f.unit, as_of, source: f.source, url: f.url },
        );
    }
    if let Some(y) = raw.metadata.ifswf_member_since
        && !(IFSWF_FOUNDED..=assessed_year.unwrap_or(i32::MAX)).contains(&y)
    {
        d.error(
            file,
            None,
            format!("metadata: ifswf_member_since {y} is outside {IFSWF_FOUNDED} to the assessment year"),
        )
        .help(format!("the Forum was founded in {IFSWF_FOUNDED}; give the year the fund joined, or leave it out"));
    }
    if raw.metadata.ifswf_member == Some(false) && raw.metadata.ifswf_member_since.is_some() {
        d.error(file, None, "metadata: `ifswf_member: false` with an `ifswf_member_since` year")
            .help("a year of joining says the fund is a member: remove one of the two");
    }
    if d.errors() > errors_before {
        return None;
    }
    Some(Fund {
        id: raw.id.value,
        name: raw.name,
        short_name: raw.short_name,
        name_zh: raw.name_zh,
        short_name_zh: raw.short_name_zh,
        jurisdiction: raw.jurisdiction,
        jurisdiction_zh: raw.jurisdiction_zh,
        established,
        owner: raw.owner,
        assessed: assessed?,
        disclosures,
        facts,
        metadata: raw.metadata,
    })
}

/// The year the International Forum of Sovereign Wealth Funds was founded.
const IFSWF_FOUNDED: i32 = 2009;

fn weight(d: &mut Diagnostics, file: &str, w: &Spanned<f64>, what: &str) -> f64 {
    if !(w.value.is_finite() && w.value > 0.0) {
        d.error(file, Some(pos(w)), format!("{what} weight {} must be a finite number greater than 0", w.value));
    }
    w.value
}

fn credits(d: &mut Diagnostics, file: &str, base: Credits, raw: &Option<Spanned<RawCredits>>) -> Credits {
    let Some(s) = raw else { return base };
    let mut c = base;
    for (name, v, slot) in [
        ("full", s.value.full, &mut c.full),
        ("partial", s.value.partial, &mut c.partial),
        ("none", s.value.none, &mut c.none),
    ] {
        if let Some(v) = v {
            if !(0.0..=1.0).contains(&v) {
                d.error(file, Some(pos(s)), format!("credit for `{name}` is {v}, outside [0, 1]"));
            }
            *slot = v;
        }
    }
    c
}

/// Checks a rubric's weight profiles: ids unique, and every re-weighted category and item
/// defined in the rubric.
fn profiles(
    d: &mut Diagnostics,
    file: &str,
    raw: Vec<Spanned<RawProfile>>,
    cat_ids: &BTreeMap<String, Pos>,
    item_ids: &BTreeMap<String, Pos>,
) -> Vec<Profile> {
    let mut profiles = Vec::new();
    let mut profile_ids = BTreeSet::new();
    for ps in raw {
        let p = ps.value;
        check_id(d, file, &p.id, "profile");
        if !profile_ids.insert(p.id.value.clone()) {
            d.error(file, Some(pos(&p.id)), format!("duplicate profile id `{}`", p.id.value));
        }
        let mut cats = BTreeMap::new();
        for (k, w) in &p.categories {
            if !cat_ids.contains_key(&k.value) {
                d.error(
                    file,
                    Some(pos(k)),
                    format!("profile `{}` re-weights unknown category `{}`", p.id.value, k.value),
                )
                .suggest(&k.value, cat_ids.keys().map(String::as_str));
            }
            cats.insert(k.value.clone(), weight(d, file, w, "profile category"));
        }
        let mut its = BTreeMap::new();
        for (k, w) in &p.items {
            if !item_ids.contains_key(&k.value) {
                d.error(file, Some(pos(k)), format!("profile `{}` re-weights unknown item `{}`", p.id.value, k.value))
                    .suggest(&k.value, item_ids.keys().map(String::as_str));
            }
            its.insert(k.value.clone(), weight(d, file, w, "profile item"));
        }
        let factor = p.commercial_factor.as_ref().map(|f| weight(d, file, f, "commercial_factor"));
        profiles.push(Profile {
            id: p.id.value,
            title: p.title,
            title_zh: p.title_zh,
            rationale: p.rationale,
            rationale_zh: p.rationale_zh,
            categories: cats,
            items: its,
            commercial_factor: factor,
        });
    }
    profiles
}

/// Checks a rubric against the catalogue.
pub fn rubric(raw: RawRubric, file: &str, catalogue: &Catalogue, d: &mut Diagnostics) -> Option<Rubric> {
    let errors_before = d.errors();
    let rid = &raw.id.value;
    if rid.is_empty()
        || !rid.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '_' | '-' | '.'))
    {
        d.error(
            file,
            Some(pos(&raw.id)),
            format!("rubric id `{rid}` may use only lowercase letters, digits, `_`, `-` and `.`"),
        );
    }
    let scale = raw.scale.value;
    if !(scale.is_finite() && scale > 0.0) {
        d.error(file, Some(pos(&raw.scale)), format!("scale {scale} must be a finite number greater than 0"));
    }
    let floor = raw.floor.as_ref().map_or(0.0, |f| f.value);
    if let Some(f) = &raw.floor
        && !(f.value.is_finite() && f.value >= 0.0 && f.value < scale)
    {
        d.error(file, Some(pos(f)), format!("floor {} must be at least 0 and below the scale ({scale})", f.value))
            .help("the floor is the score of a fund that discloses nothing");
    }
    let base = credits(d, file, Credits::default(), &raw.levels);
    if raw.categories.is_empty() {
        d.error(file, None, "the rubric has no categories");
    }
    let mut cat_ids: BTreeMap<String, Pos> = BTreeMap::new();
    let mut item_ids: BTreeMap<String, Pos> = BTreeMap::new();
    let mut categories = Vec::new();
    for cs in raw.categories {
        let cp = pos(&cs);
        let c = cs.value;
        check_id(d, file, &c.id, "category");
        if let Some(first) = cat_ids.get(&c.id.value) {
            d.error(file, Some(pos(&c.id)), format!("duplicate category id `{}`", c.id.value))
                .help(format!("first defined at line {}", first.line));
        }
        cat_ids.insert(c.id.value.clone(), pos(&c.id));
        let cw = weight(d, file, &c.weight, "category");
        if c.items.is_empty() {
            d.error(file, Some(cp), format!("category `{}` has no items", c.id.value))
                .help("add `items:` or remove the category");
        }
        let mut items = Vec::new();
        for is in c.items {
            let ip = pos(&is);
            let i = is.value;
            check_id(d, file, &i.id, "item");
            if let Some(first) = item_ids.get(&i.id.value) {
                d.error(file, Some(pos(&i.id)), format!("duplicate item id `{}`", i.id.value))
                    .help(format!("first defined at line {}", first.line));
            }
            item_ids.insert(i.id.value.clone(), pos(&i.id));
            let iw = i.weight.as_ref().map_or(1.0, |w| weight(d, file, w, "item"));
            let given = [i.disclosure.is_some(), i.all_of.is_some(), i.any_of.is_some(), i.mean_of.is_some()];
            if given.iter().filter(|g| **g).count() > 1 {
                d.error(
                    file,
                    Some(ip),
                    format!("item `{}` gives more than one of disclosure, all_of, any_of, mean_of", i.id.value),
                )
                .help("keep one");
            }
            let mut refs: Vec<&Spanned<String>> = Vec::new();
            let rule = if let Some(list) = &i.all_of {
                refs.extend(list);
                Rule::AllOf(list.iter().map(|s| s.value.clone()).collect())
            } else if let Some(list) = &i.any_of {
                refs.extend(list);
                Rule::AnyOf(list.iter().map(|s| s.value.clone()).collect())
            } else if let Some(list) = &i.mean_of {
                refs.extend(list);
                Rule::MeanOf(list.iter().map(|s| s.value.clone()).collect())
            } else if let Some(one) = &i.disclosure {
                refs.push(one);
                Rule::One(one.value.clone())
            } else {
                Rule::One(i.id.value.clone())
            };
            if refs.is_empty() && !matches!(rule, Rule::One(_)) {
                d.error(file, Some(ip), format!("item `{}` combines an empty list of disclosures", i.id.value));
            }
            for id in rule.disclosures() {
                if catalogue.get(id).is_none() {
                    let at = refs.iter().find(|s| &s.value == id).map_or(pos(&i.id), |s| pos(s));
                    d.error(file, Some(at), format!("item `{}` refers to unknown disclosure `{id}`", i.id.value))
                        .suggest(id, catalogue.ids());
                }
            }
            items.push(Item {
                id: i.id.value,
                title: i.title,
                title_zh: i.title_zh,
                weight: iw,
                rule,
                credits: credits(d, file, base, &i.levels),
                references: i.references.into_iter().map(|(k, v)| (k, v.0)).collect(),
                note: i.note,
            });
        }
        categories.push(Category {
            id: c.id.value,
            title: c.title,
            title_zh: c.title_zh,
            description: c.description,
            weight: cw,
            items,
        });
    }
    let profiles = profiles(d, file, raw.profiles, &cat_ids, &item_ids);
    if d.errors() > errors_before {
        return None;
    }
    Some(Rubric {
        id: raw.id.value,
        title: raw.title,
        title_zh: raw.title_zh,
        version: raw.version.map(|v| v.0),
        description: raw.description,
        sources: raw
            .source
            .into_iter()
            .map(|s| Source { title: s.title, url: s.url, date: s.date.map(|d| d.0) })
            .collect(),
        fidelity: raw.fidelity,
        caveat: raw.caveat.map(|c| c.split_whitespace().collect::<Vec<_>>().join(" ")),
        caveat_zh: raw.caveat_zh.map(|c| c.split_whitespace().collect::<Vec<_>>().join(" ")),
        scale,
        floor,
        unknown: raw.unknown,
        credits: base,
        categories,
        profiles,
    })
}

/// Data the Chinese report would show in English for want of a translation, as
/// `(file, what)`: the catalogue's titles, the funds' names and jurisdictions, the first
/// rubric's categories, items and profiles, and every rubric's title and caveat.
pub fn translation_gaps(ds: &Dataset, rubrics: &[&Rubric]) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut gap = |file: &str, what: String| out.push((file.to_string(), what));
    for d in ds.catalogue.disclosures.iter().filter(|d| d.title_zh.is_none()) {
        gap("disclosures.yaml", format!("disclosure `{}` has no `title_zh`", d.id));
    }
    let fact_names = crate::locale::Locale::of(crate::locale::Lang::ZhHant);
    for f in ds.funds.iter() {
        let file = format!("funds/{}.yaml", f.id);
        for (field, missing) in [
            ("name_zh", f.name_zh.is_none()),
            ("short_name_zh", f.short_name_zh.is_none() && f.short_name.is_some()),
            ("jurisdiction_zh", f.jurisdiction_zh.is_none()),
        ] {
            if missing {
                gap(&file, format!("fund `{}` has no `{field}`", f.id));
            }
        }
        for k in f.facts.keys().filter(|k| !fact_names.has(&format!("fact.name.{k}"))) {
            gap(&file, format!("fact `{k}` has no name in locales/zh-Hant.yaml (`fact.name.{k}`)"));
        }
    }
    let mut seen = BTreeSet::new();
    for (i, r) in rubrics.iter().enumerate() {
        if !seen.insert(r.id.as_str()) {
            continue;
        }
        let file = format!("rubric `{}`", r.id);
        if r.title_zh.is_none() {
            gap(&file, "the rubric has no `title_zh`".into());
        }
        if r.caveat.is_some() && r.caveat_zh.is_none() {
            gap(&file, "the rubric's caveat has no `caveat_zh`".into());
        }
        if i > 0 {
            continue;
        }
        for c in r.categories.iter().filter(|c| c.title_zh.is_none()) {
            gap(&file, format!("category `{}` has no `title_zh`", c.id));
        }
        for (_, it) in r.items().filter(|(_, it)| it.title_zh.is_none()) {
            gap(&file, format!("item `{}` has no `title_zh`", it.id));
        }
        for p in &r.profiles {
            if p.title_zh.is_none() {
                gap(&file, format!("profile `{}` has no `title_zh`", p.id));
            }
            if p.rationale_zh.is_none() {
                gap(&file, format!("profile `{}` has no `rationale_zh`", p.id));
            }
        }
    }
    out
}

/// A level whose newest evidence is older than [`REVIEW_AFTER_YEARS`] before its fund's
/// assessment: worth a fresh look, and still standing until a source shows a change.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Review {
    pub fund: String,
    pub disclosure: String,
    pub level: Level,
    pub newest: Date,
    /// Whole years from the newest evidence to the assessment.
    pub years: i64,
}

/// A disclosed level first recorded long after the fund was founded: its earlier years are
/// `unknown` or `none` only as far as the record shows, so its early record is worth a search.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct LateStart {
    pub fund: String,
    pub disclosure: String,
    pub level: Level,
    pub established: i32,
    /// The earliest year the record holds this disclosure at `full` or `partial` (the current
    /// level's start, or an earlier disclosed `history` entry).
    pub first_recorded: i32,
    /// `since` (a documented start) or `known_since` (confirmed then, may be older).
    pub start: Start,
    /// Years from establishment to `first_recorded`.
    pub gap: i32,
    /// The level's note: what was searched for earlier years.
    pub note: Option<String>,
}

/// The research queue (`validate --review`).
#[derive(Debug, Clone, serde::Serialize)]
pub struct ReviewQueue {
    /// Evidence older than this many years before the assessment puts a level in the queue.
    pub after_years: i64,
    /// Oldest evidence first.
    pub levels: Vec<Review>,
    /// A level first recorded more than this many years after establishment is listed in
    /// `late_starts`.
    pub late_after_years: i32,
    /// Longest gap first.
    pub late_starts: Vec<LateStart>,
}

/// `validate --review` lists levels first recorded more than this many years after the fund
/// was established.
pub const LATE_START_YEARS: i32 = 15;

/// The research queue: full and partial levels with only old evidence, oldest first.
pub fn review_queue(ds: &Dataset) -> ReviewQueue {
    let mut out = Vec::new();
    for f in ds.funds.iter() {
        for (id, a) in &f.disclosures {
            let Some(newest) = a.evidence.iter().filter_map(|e| e.date).max() else { continue };
            let months = newest.months_until(&f.assessed);
            if a.level.is_disclosed() && months > REVIEW_AFTER_YEARS * 12 {
                out.push(Review {
                    fund: f.id.clone(),
                    disclosure: id.clone(),
                    level: a.level,
                    newest,
                    years: months / 12,
                });
            }
        }
    }
    out.sort_by(|a, b| (a.newest, &a.fund, &a.disclosure).cmp(&(b.newest, &b.fund, &b.disclosure)));
    let mut late = Vec::new();
    for f in ds.funds.iter() {
        for (id, a) in &f.disclosures {
            let Some(start @ (Start::Since(y) | Start::KnownSince(y))) = a.start.filter(|_| a.level.is_disclosed())
            else {
                continue;
            };
            let first = a.history.iter().filter(|p| p.level.is_disclosed()).map(|p| p.from).fold(y, i32::min);
            let gap = first - f.established;
            if gap > LATE_START_YEARS {
                late.push(LateStart {
                    fund: f.id.clone(),
                    disclosure: id.clone(),
                    level: a.level,
                    established: f.established,
                    first_recorded: first,
                    start,
                    gap,
                    note: a.note.clone(),
                });
            }
        }
    }
    late.sort_by(|a, b| (b.gap, &a.fund, &a.disclosure).cmp(&(a.gap, &b.fund, &b.disclosure)));
    ReviewQueue { after_years: REVIEW_AFTER_YEARS, levels: out, late_after_years: LATE_START_YEARS, late_starts: late }
}

/// Checks a scenario's changes against the dataset: funds and disclosures must exist.
pub fn scenario(raw: &RawScenario, file: &str, ds: &Dataset, d: &mut Diagnostics) -> Vec<LevelChange> {
    let mut out: Vec<LevelChange> = Vec::new();
    for c in &raw.changes {
        let named = &c.value.fund;
        let fund = match ds.find_fund(&named.value) {
            Ok(f) => Spanned { value: f.id.clone(), ..named.clone() },
            Err(crate::model::FundLookup::Unknown(near)) => {
                let e = d.error(file, Some(pos(named)), format!("unknown fund `{}`", named.value));
                if !near.is_empty() {
                    e.help(format!(
                        "did you mean {}?",
                        near.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(" or ")
                    ));
                }
                continue;
            }
            Err(crate::model::FundLookup::Ambiguous(ids)) => {
                d.error(file, Some(pos(named)), format!("`{}` fits several funds: {}", named.value, ids.join(", ")))
                    .help("give one of these ids");
                continue;
            }
        };
        let fund = &fund;
        let mut sets: Vec<(&Spanned<String>, &Spanned<RawLevel>)> = c.value.set.iter().collect();
        sets.sort_by_key(|(k, _)| pos(k));
        for (k, v) in sets {
            if ds.catalogue.get(&k.value).is_none() {
                d.error(file, Some(pos(k)), format!("unknown disclosure `{}`", k.value))
                    .suggest(&k.value, ds.catalogue.ids());
                continue;
            }
            if out.iter().any(|(f, x, _)| f == &fund.value && x == &k.value) {
                d.error(file, Some(pos(k)), format!("`{}` is set twice for `{}`", k.value, fund.value));
                continue;
            }
            out.push((fund.value.clone(), k.value.clone(), level(v.value)));
        }
    }
    if raw.changes.is_empty() {
        d.error(file, None, "the scenario has no changes");
    }
    out
}

/// The text of a new fund descriptor: the schema line, the fields, a commented metadata block
/// and an example of an assessed level, then every catalogue disclosure as `unknown` under a
/// comment with its title and what `full` and `partial` mean.
pub fn new_descriptor(
    catalogue: &Catalogue,
    id: &str,
    name: &str,
    jurisdiction: &str,
    established: i32,
    assessed: crate::model::Date,
) -> String {
    use std::fmt::Write as _;
    let q = |s: &str| format!("'{}'", s.replace('\'', "''"));
    let mut s = String::new();
    let _ = writeln!(s, "# yaml-language-server: $schema=../schemas/fund.schema.json");
    let _ = writeln!(s, "# A new descriptor (`swfscore new`). Assess every disclosure below from the fund's own");
    let _ = writeln!(s, "# publications: full | partial | none | not_applicable | unknown (disclosures.yaml says what");
    let _ = writeln!(s, "# full and partial mean). A full or partial level cites a public source; `since: YEAR` where");
    let _ =
        writeln!(s, "# a source documents the start, else `known_since: YEAR`, the earliest year a source confirms.");
    let _ = writeln!(s, "# Example of an assessed level:");
    let _ = writeln!(s, "#   annual_report:");
    let _ = writeln!(s, "#     level: full");
    let _ = writeln!(s, "#     since: 2010");
    let _ = writeln!(s, "#     note: First annual report, for 2009, published in 2010.");
    let _ = writeln!(s, "#     evidence:");
    let _ = writeln!(s, "#     - source: Example Fund Annual Report 2009");
    let _ = writeln!(s, "#       url: https://www.example.org/annual-report-2009.pdf");
    let _ = writeln!(s, "#       date: 2010-04-30");
    let _ = writeln!(s, "#       quote: a short excerpt or a page reference");
    let _ = writeln!(s, "# A level with nothing to cite fits on one line, e.g. `board_members: none`.");
    let _ = writeln!(s, "id: {id}");
    let _ = writeln!(s, "name: {}", q(name));
    let _ = writeln!(s, "jurisdiction: {}", q(jurisdiction));
    let _ = writeln!(s, "established: {established}");
    let _ = writeln!(s, "assessed: {assessed}");
    let _ = writeln!(s, "# metadata:                   # for `--where` and panels, never scored; a comment per value");
    let _ = writeln!(s, "#   type: strategic           # savings | stabilisation | strategic | pension_reserve");
    let _ = writeln!(s, "#   funding: non_commodity    # commodity | non_commodity | fiscal_surplus | reserves");
    let _ = writeln!(s, "#   region: east_asia");
    let _ = writeln!(
        s,
        "#   size_band: medium         # USD: small < 10bn <= medium < 100bn <= large < 500bn <= very_large"
    );
    let _ = writeln!(s, "#   ifswf_member_since: 2009");
    let _ = writeln!(s, "disclosures:");
    for d in &catalogue.disclosures {
        let _ = writeln!(s, "  # {}. full: {} partial: {}", d.title, d.full, d.partial);
        let _ = writeln!(s, "  {}:", d.id);
        let _ = writeln!(s, "    level: unknown");
        let _ = writeln!(s, "    note: Not yet researched.");
    }
    s
}
