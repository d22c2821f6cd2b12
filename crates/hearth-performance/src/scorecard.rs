//! The scorecard file: which indicators a council watches, each defined in the record's
//! vocabulary, with its period, target and thresholds. A council changes a target or adds an
//! indicator by editing the file; nothing is compiled. A file that names an unknown measure,
//! ruleset or rule, or gives thresholds the wrong way round, is refused with the file, the
//! line, the indicator and the key.

use std::collections::BTreeSet;

use hearth_domain::located::{LoadError, line_of, unknown_field};
use hearth_standards::Ruleset;
use serde::Deserialize;
use toml::Spanned;

use crate::measure::{Measure, Shape, Window};

/// The scorecards shipped with Hearth: (name, text).
const BUILTIN: &[(&str, &str)] = &[("standard", include_str!("../scorecards/standard.toml"))];

/// Which direction of an indicator is good.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Better {
    /// Higher is better (timeliness).
    Higher,
    /// Lower is better (re-referrals, placement moves).
    Lower,
}

/// The period each monthly figure covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PeriodKind {
    /// The calendar month.
    Month,
    /// The 12 months ending with the month.
    Rolling12Months,
    /// The state of the record on the month's last day.
    AtEnd,
}

impl PeriodKind {
    /// In words, for the digest.
    pub const fn label(self) -> &'static str {
        match self {
            PeriodKind::Month => "in the month",
            PeriodKind::Rolling12Months => "in the 12 months to the month's end",
            PeriodKind::AtEnd => "at the month's end",
        }
    }
}

/// Red, amber and green thresholds. For an indicator where higher is better, a value at or
/// above `green` is green, at or above `amber` amber, and below that red; where lower is
/// better, the comparisons turn round.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Thresholds {
    /// The green threshold.
    pub green: f64,
    /// The amber threshold.
    pub amber: f64,
}

/// What an indicator counts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Definition {
    /// Obligations of practice standards that fell due in the period and were met, late or
    /// not met; the numerator is those met on time.
    Standard {
        /// The ruleset's id.
        ruleset: String,
        /// The rules counted together.
        rules: Vec<String>,
    },
    /// A fact of the record (`measure.rs`).
    Measure(Measure),
}

/// One indicator of the scorecard.
#[derive(Debug, Clone, PartialEq)]
pub struct Indicator {
    /// Its id, stable across files and exports.
    pub id: String,
    /// Its title, as the digest shows it.
    pub title: String,
    /// The part of the service it belongs to, for grouping.
    pub area: String,
    /// What it counts.
    pub definition: Definition,
    /// The period each monthly figure covers.
    pub period: PeriodKind,
    /// Which direction is good.
    pub better: Better,
    /// The target, if the council has set one.
    pub target: Option<f64>,
    /// Red, amber and green thresholds, if set.
    pub thresholds: Option<Thresholds>,
    /// Where the indicator or its target comes from.
    pub source: String,
}

impl Indicator {
    /// The kind of figure.
    pub fn shape(&self) -> Shape {
        match &self.definition {
            Definition::Standard { .. } => Shape::Rate,
            Definition::Measure(m) => m.shape(),
        }
    }
}

/// A scorecard.
#[derive(Debug, Clone, PartialEq)]
pub struct Scorecard {
    /// Its id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// The indicators, in the file's order.
    pub indicators: Vec<Indicator>,
}

impl Scorecard {
    /// One of the scorecards shipped with Hearth, by name, checked against the rulesets it
    /// names.
    pub fn builtin(name: &str, rulesets: &[&Ruleset]) -> Option<Result<Scorecard, LoadError>> {
        BUILTIN
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(n, text)| Scorecard::parse(text, &format!("{n}.toml"), rulesets))
    }

    /// The text of a shipped scorecard, by name.
    pub fn builtin_text(name: &str) -> Option<&'static str> {
        BUILTIN.iter().find(|(n, _)| *n == name).map(|(_, t)| *t)
    }

    /// The names of the shipped scorecards.
    pub fn builtin_names() -> Vec<&'static str> {
        BUILTIN.iter().map(|(n, _)| *n).collect()
    }

    /// The ids of the rulesets a scorecard file names, read before the file is checked, so
    /// that the caller can load them.
    pub fn rulesets_named(text: &str) -> Vec<String> {
        let Ok(raw) = toml::from_str::<RawFile>(text) else {
            return Vec::new();
        };
        let names: BTreeSet<String> = raw
            .indicator
            .iter()
            .filter_map(|i| i.standard.as_ref().map(|s| s.ruleset.get_ref().clone()))
            .collect();
        names.into_iter().collect()
    }

    /// Reads a scorecard from its text; `file` names it in errors. Every standard it counts
    /// must be a rule of one of `rulesets`.
    pub fn parse(text: &str, file: &str, rulesets: &[&Ruleset]) -> Result<Scorecard, LoadError> {
        let raw: RawFile = toml::from_str(text).map_err(|e| toml_error(text, file, &e))?;
        let reader = Reader {
            text,
            file,
            rulesets,
        };
        let mut seen = BTreeSet::new();
        let mut indicators = Vec::with_capacity(raw.indicator.len());
        for ind in raw.indicator {
            let indicator = reader.indicator(ind)?;
            if !seen.insert(indicator.id.clone()) {
                return Err(LoadError {
                    file: file.to_owned(),
                    line: None,
                    item: Some(format!("indicator `{}`", indicator.id)),
                    key: Some("id".into()),
                    message: "another indicator has this id".into(),
                });
            }
            indicators.push(indicator);
        }
        if indicators.is_empty() {
            return Err(LoadError {
                file: file.to_owned(),
                line: None,
                item: None,
                key: Some("indicator".into()),
                message: "a scorecard needs at least one [[indicator]]".into(),
            });
        }
        Ok(Scorecard {
            id: raw.scorecard.id,
            name: raw.scorecard.name,
            indicators,
        })
    }

    /// The ids of the rulesets its standards come from.
    pub fn rulesets(&self) -> Vec<&str> {
        let names: BTreeSet<&str> = self
            .indicators
            .iter()
            .filter_map(|i| match &i.definition {
                Definition::Standard { ruleset, .. } => Some(ruleset.as_str()),
                Definition::Measure(_) => None,
            })
            .collect();
        names.into_iter().collect()
    }

    /// An indicator by id.
    pub fn indicator(&self, id: &str) -> Option<&Indicator> {
        self.indicators.iter().find(|i| i.id == id)
    }
}

/// A file that is not TOML of the expected shape, located by its line and, for a key the
/// file may not have, by that key.
pub(crate) fn toml_error(text: &str, file: &str, e: &toml::de::Error) -> LoadError {
    let message = e.message().trim().to_owned();
    LoadError {
        file: file.to_owned(),
        line: e.span().map(|s| line_of(text, s.start)),
        item: None,
        key: unknown_field(&message),
        message,
    }
}

// ---------------------------------------------------------------------------------------
// The file as written.

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    scorecard: RawHeader,
    #[serde(default)]
    indicator: Vec<RawIndicator>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHeader {
    id: String,
    name: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawIndicator {
    id: Spanned<String>,
    title: String,
    area: String,
    #[serde(default)]
    measure: Option<Spanned<String>>,
    #[serde(default)]
    standard: Option<RawStandard>,
    period: Spanned<String>,
    better: Spanned<String>,
    #[serde(default)]
    target: Option<f64>,
    #[serde(default)]
    rag: Option<RawRag>,
    source: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStandard {
    ruleset: Spanned<String>,
    rules: Spanned<Vec<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRag {
    green: f64,
    amber: f64,
}

struct Reader<'a> {
    text: &'a str,
    file: &'a str,
    rulesets: &'a [&'a Ruleset],
}

impl Reader<'_> {
    fn err<T>(&self, id: &str, key: &str, at: &Spanned<T>, message: String) -> LoadError {
        LoadError {
            file: self.file.to_owned(),
            line: Some(line_of(self.text, at.span().start)),
            item: Some(format!("indicator `{id}`")),
            key: Some(key.to_owned()),
            message,
        }
    }

    fn indicator(&self, raw: RawIndicator) -> Result<Indicator, LoadError> {
        let id = raw.id.get_ref().clone();
        let valid_id = !id.is_empty()
            && id
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        if !valid_id {
            return Err(self.err(
                &id,
                "id",
                &raw.id,
                "an id is lower-case letters, digits and hyphens".into(),
            ));
        }
        let definition = match (&raw.measure, &raw.standard) {
            (Some(m), None) => {
                let measure = Measure::from_name(m.get_ref()).ok_or_else(|| {
                    self.err(
                        &id,
                        "measure",
                        m,
                        format!(
                            "`{}` is not a measure (expected one of {})",
                            m.get_ref(),
                            Measure::names()
                        ),
                    )
                })?;
                Definition::Measure(measure)
            }
            (None, Some(s)) => self.standard(&id, s)?,
            _ => {
                return Err(self.err(
                    &id,
                    "measure",
                    &raw.id,
                    "give either `measure` or `standard`, not both or neither".into(),
                ));
            }
        };
        let period = match raw.period.get_ref().as_str() {
            "month" => PeriodKind::Month,
            "rolling_12_months" => PeriodKind::Rolling12Months,
            "at_end" => PeriodKind::AtEnd,
            other => {
                return Err(self.err(
                    &id,
                    "period",
                    &raw.period,
                    format!(
                        "`{other}` is not a period (expected one of month, rolling_12_months, at_end)"
                    ),
                ));
            }
        };
        let window = match &definition {
            Definition::Standard { .. } => Window::Events,
            Definition::Measure(m) => m.window(),
        };
        match (window, period) {
            (Window::Events, PeriodKind::AtEnd) => {
                return Err(self.err(
                    &id,
                    "period",
                    &raw.period,
                    "this counts what happened in a period: use month or rolling_12_months".into(),
                ));
            }
            (Window::AtEnd, PeriodKind::Month | PeriodKind::Rolling12Months) => {
                return Err(self.err(
                    &id,
                    "period",
                    &raw.period,
                    "this counts the record as it stood on a day: use at_end".into(),
                ));
            }
            _ => {}
        }
        let better = match raw.better.get_ref().as_str() {
            "higher" => Better::Higher,
            "lower" => Better::Lower,
            other => {
                return Err(self.err(
                    &id,
                    "better",
                    &raw.better,
                    format!("`{other}` is not a direction (expected higher or lower)"),
                ));
            }
        };
        let shape = match &definition {
            Definition::Standard { .. } => Shape::Rate,
            Definition::Measure(m) => m.shape(),
        };
        let thresholds = raw.rag.map(|r| Thresholds {
            green: r.green,
            amber: r.amber,
        });
        let in_range = |v: f64| v.is_finite() && v >= 0.0 && (shape != Shape::Rate || v <= 100.0);
        if let Some(t) = raw.target
            && !in_range(t)
        {
            return Err(self.err(
                &id,
                "target",
                &raw.id,
                "a target is a number of 0 or more (a percentage is at most 100)".into(),
            ));
        }
        if let Some(t) = thresholds {
            if !in_range(t.green) || !in_range(t.amber) {
                return Err(self.err(
                    &id,
                    "rag",
                    &raw.id,
                    "thresholds are numbers of 0 or more (a percentage is at most 100)".into(),
                ));
            }
            let ordered = match better {
                Better::Higher => t.green >= t.amber,
                Better::Lower => t.green <= t.amber,
            };
            if !ordered {
                return Err(self.err(
                    &id,
                    "rag",
                    &raw.id,
                    match better {
                        Better::Higher => "where higher is better, green must be at least amber",
                        Better::Lower => "where lower is better, green must be at most amber",
                    }
                    .into(),
                ));
            }
        }
        Ok(Indicator {
            id,
            title: raw.title,
            area: raw.area,
            definition,
            period,
            better,
            target: raw.target,
            thresholds,
            source: raw.source,
        })
    }

    fn standard(&self, id: &str, raw: &RawStandard) -> Result<Definition, LoadError> {
        let name = raw.ruleset.get_ref();
        let ruleset = self
            .rulesets
            .iter()
            .find(|r| &r.id == name)
            .ok_or_else(|| {
                self.err(
                    id,
                    "standard.ruleset",
                    &raw.ruleset,
                    format!("no ruleset `{name}` was given to read this scorecard with"),
                )
            })?;
        if raw.rules.get_ref().is_empty() {
            return Err(self.err(
                id,
                "standard.rules",
                &raw.rules,
                "name at least one rule".into(),
            ));
        }
        for rule in raw.rules.get_ref() {
            if ruleset.rule(rule).is_none() {
                return Err(self.err(
                    id,
                    "standard.rules",
                    &raw.rules,
                    format!("the ruleset `{name}` has no rule `{rule}`"),
                ));
            }
        }
        Ok(Definition::Standard {
            ruleset: name.clone(),
            rules: raw.rules.get_ref().clone(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rulesets() -> Vec<Ruleset> {
        ["england-statutory", "bromley"]
            .iter()
            .filter_map(|n| Ruleset::builtin(n))
            .collect::<Result<Vec<_>, _>>()
            .unwrap()
    }

    fn parse(text: &str) -> Result<Scorecard, LoadError> {
        let sets = rulesets();
        let refs: Vec<&Ruleset> = sets.iter().collect();
        Scorecard::parse(text, "test.toml", &refs)
    }

    const HEADER: &str = "[scorecard]\nid = \"t\"\nname = \"Test\"\n";

    #[test]
    fn the_shipped_scorecard_reads() {
        let sets = rulesets();
        let refs: Vec<&Ruleset> = sets.iter().collect();
        let card = Scorecard::builtin("standard", &refs).unwrap().unwrap();
        assert!(card.indicators.len() >= 20, "{}", card.indicators.len());
        assert_eq!(card.rulesets(), vec!["bromley", "england-statutory"]);
        assert_eq!(
            Scorecard::rulesets_named(BUILTIN[0].1),
            vec!["bromley".to_owned(), "england-statutory".to_owned()]
        );
    }

    #[test]
    fn an_unknown_measure_is_refused_where_it_is() {
        let text = format!(
            "{HEADER}\n[[indicator]]\nid = \"x\"\ntitle = \"X\"\narea = \"a\"\nmeasure = \"vibes\"\nperiod = \"month\"\nbetter = \"higher\"\nsource = \"s\"\n"
        );
        let e = parse(&text).unwrap_err();
        assert_eq!(e.line, Some(9));
        assert_eq!(e.item.as_deref(), Some("indicator `x`"));
        assert_eq!(e.key.as_deref(), Some("measure"));
        assert!(e.message.contains("`vibes` is not a measure"), "{e}");
    }

    #[test]
    fn an_unknown_rule_is_refused() {
        let text = format!(
            "{HEADER}\n[[indicator]]\nid = \"x\"\ntitle = \"X\"\narea = \"a\"\nstandard = {{ ruleset = \"england-statutory\", rules = [\"no-such\"] }}\nperiod = \"month\"\nbetter = \"higher\"\nsource = \"s\"\n"
        );
        let e = parse(&text).unwrap_err();
        assert!(e.message.contains("has no rule `no-such`"), "{e}");
        let text = text.replace("england-statutory", "nowhere");
        let e = parse(&text).unwrap_err();
        assert!(e.message.contains("no ruleset `nowhere`"), "{e}");
    }

    #[test]
    fn thresholds_must_point_the_way_that_is_better() {
        let text = format!(
            "{HEADER}\n[[indicator]]\nid = \"x\"\ntitle = \"X\"\narea = \"a\"\nmeasure = \"re_referral_within_12_months\"\nperiod = \"month\"\nbetter = \"lower\"\nrag = {{ green = 30, amber = 20 }}\nsource = \"s\"\n"
        );
        let e = parse(&text).unwrap_err();
        assert!(e.message.contains("green must be at most amber"), "{e}");
        let fixed = text.replace("green = 30, amber = 20", "green = 20, amber = 30");
        assert!(parse(&fixed).is_ok());
        let too_big = text.replace("green = 30, amber = 20", "green = 20, amber = 130");
        assert!(parse(&too_big).unwrap_err().message.contains("at most 100"));
    }

    #[test]
    fn a_period_must_fit_what_is_counted() {
        let text = format!(
            "{HEADER}\n[[indicator]]\nid = \"x\"\ntitle = \"X\"\narea = \"a\"\nmeasure = \"looked_after\"\nperiod = \"month\"\nbetter = \"lower\"\nsource = \"s\"\n"
        );
        let e = parse(&text).unwrap_err();
        assert!(e.message.contains("use at_end"), "{e}");
    }

    #[test]
    fn unknown_keys_and_repeated_ids_are_refused() {
        let one = "\n[[indicator]]\nid = \"x\"\ntitle = \"X\"\narea = \"a\"\nmeasure = \"looked_after\"\nperiod = \"at_end\"\nbetter = \"lower\"\nsource = \"s\"\n";
        let e = parse(&format!("{HEADER}{one}{one}")).unwrap_err();
        assert!(e.message.contains("another indicator has this id"), "{e}");
        let e = parse(&format!(
            "{HEADER}{}",
            one.replace("source", "tagret = 3\nsource")
        ))
        .unwrap_err();
        assert_eq!(e.key.as_deref(), Some("tagret"));
        assert!(parse(HEADER).unwrap_err().message.contains("at least one"));
    }
}
