//! The words of the published report, per language. Every heading, label, caption and note
//! of the report comes from a message file in `locales/` (one key per string, `{name}` for
//! values the program fills in) that a translator can edit; the data's own translations
//! (`title_zh`, `name_zh`, ...) live in the data files beside the English.

use crate::diag::Diagnostic;
use crate::raw::RawLocale;
use std::collections::BTreeMap;
use std::fmt::{Display, Write as _};
use std::sync::OnceLock;

/// A language the report is published in (also `--lang`'s values).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, clap::ValueEnum)]
pub enum Lang {
    /// English.
    #[default]
    En,
    /// Traditional Chinese as used in Hong Kong.
    #[value(name = "zh-Hant", alias = "zh-hant")]
    ZhHant,
}

impl Lang {
    /// Every language, English first.
    pub const ALL: [Lang; 2] = [Lang::En, Lang::ZhHant];

    /// The BCP 47 tag, as in `<html lang>` and the file names.
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::ZhHant => "zh-Hant",
        }
    }

    /// What goes between a report's stem and its extension: `` or `.zh-Hant`.
    pub fn file_suffix(self) -> &'static str {
        match self {
            Lang::En => "",
            Lang::ZhHant => ".zh-Hant",
        }
    }

    /// The message file of this language.
    fn source(self) -> (&'static str, &'static str) {
        match self {
            Lang::En => ("locales/en.yaml", include_str!("../locales/en.yaml")),
            Lang::ZhHant => ("locales/zh-Hant.yaml", include_str!("../locales/zh-Hant.yaml")),
        }
    }
}

/// One language's messages, and how it abbreviates large amounts.
#[derive(Debug, Clone, Default)]
pub struct Locale {
    pub lang: Lang,
    /// (divisor, text with `{n}`), largest first.
    magnitudes: Vec<(f64, String)>,
    messages: BTreeMap<String, String>,
}

impl Locale {
    /// The built-in messages of `lang` (checked by the tests; an unreadable file would show
    /// message keys instead of text, never stop a command).
    pub fn of(lang: Lang) -> &'static Locale {
        static LOCALES: OnceLock<[Locale; 2]> = OnceLock::new();
        let all = LOCALES.get_or_init(|| {
            Lang::ALL.map(|l| {
                let (file, text) = l.source();
                Locale::parse(text, file).unwrap_or(Locale { lang: l, ..Locale::default() })
            })
        });
        &all[lang as usize]
    }

    /// Reads a message file.
    pub fn parse(text: &str, file: &str) -> Result<Locale, Diagnostic> {
        let raw: RawLocale = crate::yaml::parse(text, file)?;
        let lang = Lang::ALL.into_iter().find(|l| l.code() == raw.lang).unwrap_or_default();
        let mut magnitudes: Vec<(f64, String)> = raw.magnitudes.into_iter().map(|m| (m.divisor, m.text)).collect();
        magnitudes.sort_by(|a, b| b.0.total_cmp(&a.0));
        Ok(Locale { lang, magnitudes, messages: raw.messages })
    }

    /// The message `key` (the key itself when the file lacks it).
    pub fn t<'a>(&'a self, key: &'a str) -> &'a str {
        self.messages.get(key).map_or(key, String::as_str)
    }

    /// The message `key` with each `{name}` replaced by its value.
    pub fn f(&self, key: &str, args: &[(&str, &dyn Display)]) -> String {
        // One pass over the message: each `{name}` with a value is replaced, anything else is
        // kept as written, and a value is never searched for placeholders itself.
        let mut rest = self.t(key);
        let mut out = String::with_capacity(rest.len() + 32);
        while let Some(open) = rest.find('{') {
            out.push_str(&rest[..open]);
            let after = &rest[open + 1..];
            let value = after
                .find('}')
                .and_then(|close| args.iter().find(|(n, _)| *n == &after[..close]).map(|(_, v)| (v, close)));
            match value {
                Some((v, close)) => {
                    let _ = write!(out, "{v}");
                    rest = &after[close + 1..];
                }
                None => {
                    out.push('{');
                    rest = after;
                }
            }
        }
        out.push_str(rest);
        out
    }

    /// Whether the file has a message for `key`.
    pub fn has(&self, key: &str) -> bool {
        self.messages.contains_key(key)
    }

    /// Every message key, sorted.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.messages.keys().map(String::as_str)
    }

    /// A large amount with the language's magnitude words: `19.7 trn`, `19.7萬億`.
    pub fn amount(&self, value: f64) -> String {
        match self.magnitudes.iter().find(|(d, _)| value.abs() >= *d) {
            // Three significant digits at most: 19.7 trn, 64.0 bn, 913 bn.
            Some((d, text)) if (value / d).abs() >= 100.0 => text.replace("{n}", &format!("{:.0}", value / d)),
            Some((d, text)) => text.replace("{n}", &format!("{:.1}", value / d)),
            None if value.fract() == 0.0 => format!("{value:.0}"),
            None => format!("{value}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The `{name}` placeholders of a message.
    fn placeholders(s: &str) -> Vec<&str> {
        let mut out: Vec<&str> = s.split('{').skip(1).filter_map(|p| p.split('}').next()).collect();
        out.sort_unstable();
        out.dedup();
        out
    }

    #[test]
    fn placeholders_are_filled_in_one_pass() {
        let mut l = Locale::parse(Lang::En.source().1, "en.yaml").unwrap();
        l.messages.insert("t".into(), "{a} and {b}, {a} again; {c} and {unclosed".into());
        let s = l.f("t", &[("a", &"x{b}"), ("b", &2.5), ("a", &"not this")]);
        assert_eq!(s, "x{b} and 2.5, x{b} again; {c} and {unclosed", "a value is not searched for placeholders");
        l.messages.insert("u".into(), "no placeholders, {} {}".into());
        assert_eq!(l.f("u", &[("a", &1)]), "no placeholders, {} {}");
    }

    #[test]
    fn every_language_has_every_message_and_only_the_values_english_has() {
        for lang in Lang::ALL {
            let (file, text) = lang.source();
            let l = Locale::parse(text, file).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(l.lang, lang, "{file} names its language");
        }
        let en = Locale::of(Lang::En);
        let zh = Locale::of(Lang::ZhHant);
        let missing: Vec<&str> = en.keys().filter(|k| !zh.has(k)).collect();
        let extra: Vec<&str> = zh.keys().filter(|k| !en.has(k)).collect();
        assert!(missing.is_empty() && extra.is_empty(), "zh-Hant lacks {missing:?}, has extra {extra:?}");
        // A translation may leave a value out (a code a reader of that language does not
        // need), never ask for one the program does not fill in.
        for k in en.keys() {
            let given = placeholders(en.t(k));
            let used = placeholders(zh.t(k));
            assert!(used.iter().all(|p| given.contains(p)), "`{k}` in zh-Hant uses {used:?}, English gives {given:?}");
        }
        assert!(en.keys().count() > 50);
    }

    #[test]
    fn amounts_use_the_language_s_magnitudes() {
        let en = Locale::of(Lang::En);
        let zh = Locale::of(Lang::ZhHant);
        assert_eq!(en.amount(19_742e9), "19.7 trn");
        assert_eq!(en.amount(64.007e9), "64.0 bn");
        assert_eq!(en.amount(93e6), "93.0 m");
        assert_eq!(zh.amount(19_742e9), "19.7萬億");
        assert_eq!(zh.amount(64.007e9), "640億");
        assert_eq!(en.amount(913e9), "913 bn");
        assert_eq!(en.amount(12.0), "12");
    }

    #[test]
    fn a_missing_message_shows_its_key_and_values_fill_placeholders() {
        let en = Locale::of(Lang::En);
        assert_eq!(en.t("no.such.key"), "no.such.key");
        let l = Locale::parse("lang: en\nmessages:\n  a: \"{x} of {y}\"\n", "t.yaml").unwrap();
        assert_eq!(l.f("a", &[("x", &1), ("y", &"two")]), "1 of two");
    }
}
