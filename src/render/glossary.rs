//! The words the data gives its ids, in every language: what a renderer may look up besides
//! the result it lays out. Built once from the dataset by the command; a renderer never sees
//! the dataset itself.

use crate::locale::Lang;
use crate::model::{Dataset, Date, Sensitivity};
use std::collections::HashMap;

/// One text in every language of [`Lang::ALL`], in that order.
type Words = [String; Lang::ALL.len()];

fn words(f: impl Fn(Lang) -> String) -> Words {
    Lang::ALL.map(f)
}

fn index(lang: Lang) -> usize {
    Lang::ALL.iter().position(|l| *l == lang).unwrap_or(0)
}

/// A fund's names and jurisdiction.
#[derive(Debug, Clone)]
struct FundWords {
    name: Words,
    label: Words,
    jurisdiction: Words,
}

/// Fund names, category, disclosure and item titles, which disclosures are commercially
/// sensitive, and the date the data describes.
#[derive(Debug, Clone, Default)]
pub struct Glossary {
    funds: HashMap<String, FundWords>,
    categories: HashMap<String, Words>,
    disclosures: HashMap<String, (Words, bool)>,
    items: HashMap<String, Words>,
    assessed: Option<Date>,
}

impl Glossary {
    /// The words of every fund, category, disclosure and item of `ds`.
    pub fn of(ds: &Dataset) -> Glossary {
        let funds = ds
            .funds
            .iter()
            .map(|f| {
                let w = FundWords {
                    name: words(|l| f.name_in(l).to_string()),
                    label: words(|l| f.label_in(l).to_string()),
                    jurisdiction: words(|l| f.jurisdiction_in(l).to_string()),
                };
                (f.id.clone(), w)
            })
            .collect();
        let categories =
            ds.rubric.categories.iter().map(|c| (c.id.clone(), words(|l| c.title_in(l).to_string()))).collect();
        let disclosures = ds
            .catalogue
            .disclosures
            .iter()
            .map(|d| (d.id.clone(), (words(|l| d.title_in(l).to_string()), d.sensitivity == Sensitivity::Commercial)))
            .collect();
        let items = ds.rubric.items().map(|(_, i)| (i.id.clone(), words(|l| i.title_in(l).to_string()))).collect();
        Glossary { funds, categories, disclosures, items, assessed: ds.funds.iter().map(|f| f.assessed).max() }
    }

    /// A fund's full name in `lang`.
    pub fn name(&self, id: &str, lang: Lang) -> Option<&str> {
        self.funds.get(id).map(|f| f.name[index(lang)].as_str())
    }

    /// A fund's short name in `lang`.
    pub fn label(&self, id: &str, lang: Lang) -> Option<&str> {
        self.funds.get(id).map(|f| f.label[index(lang)].as_str())
    }

    /// A fund's jurisdiction in `lang`.
    pub fn jurisdiction(&self, id: &str, lang: Lang) -> Option<&str> {
        self.funds.get(id).map(|f| f.jurisdiction[index(lang)].as_str())
    }

    /// A category's title in `lang`.
    pub fn category(&self, id: &str, lang: Lang) -> Option<&str> {
        self.categories.get(id).map(|w| w[index(lang)].as_str())
    }

    /// A disclosure's title in `lang`.
    pub fn disclosure(&self, id: &str, lang: Lang) -> Option<&str> {
        self.disclosures.get(id).map(|(w, _)| w[index(lang)].as_str())
    }

    /// Whether a disclosure is commercially sensitive (a fund may withhold it for cause).
    pub fn commercial(&self, id: &str) -> bool {
        self.disclosures.get(id).is_some_and(|(_, c)| *c)
    }

    /// An item's title in `lang`.
    pub fn item(&self, id: &str, lang: Lang) -> Option<&str> {
        self.items.get(id).map(|w| w[index(lang)].as_str())
    }

    /// The newest assessment date among the funds: the date the data describes.
    pub fn assessed(&self) -> Option<Date> {
        self.assessed
    }
}
