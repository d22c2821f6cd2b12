//! Comparators: published figures (England, the region, statistical neighbours) shown beside
//! the council's own, kept as data. A figure for an indicator the scorecard does not have is
//! refused, so a renamed indicator cannot silently lose its comparators.

use hearth_domain::located::{LoadError, line_of};
use serde::Deserialize;
use toml::Spanned;

use crate::scorecard::{Scorecard, toml_error};

/// The comparators shipped with Hearth: England's figures, each with its source.
pub const ENGLAND: &str = include_str!("../comparators/england.toml");

/// One published figure.
#[derive(Debug, Clone, PartialEq)]
pub struct Comparator {
    /// The indicator it compares with.
    pub indicator: String,
    /// Whose figure: England, a region, or the statistical neighbours.
    pub group: String,
    /// The year ending 31 March it is for.
    pub year: i32,
    /// The figure, in the indicator's unit.
    pub value: f64,
    /// Where it was published.
    pub source: String,
    /// Where it can be read.
    pub url: Option<String>,
}

/// A file of comparators.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Comparators {
    /// The figures, in the file's order.
    pub figures: Vec<Comparator>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    figure: Vec<RawFigure>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFigure {
    indicator: Spanned<String>,
    group: String,
    year: i32,
    value: f64,
    source: String,
    #[serde(default)]
    url: Option<String>,
}

impl Comparators {
    /// Reads comparators for a scorecard; `file` names the text in errors.
    pub fn parse(text: &str, file: &str, scorecard: &Scorecard) -> Result<Comparators, LoadError> {
        let raw: RawFile = toml::from_str(text).map_err(|e| toml_error(text, file, &e))?;
        let mut figures = Vec::with_capacity(raw.figure.len());
        for f in raw.figure {
            let id = f.indicator.get_ref();
            let err = |key: &str, message: String| LoadError {
                file: file.to_owned(),
                line: Some(line_of(text, f.indicator.span().start)),
                item: Some(format!("figure for `{id}`")),
                key: Some(key.to_owned()),
                message,
            };
            if scorecard.indicator(id).is_none() {
                return Err(err(
                    "indicator",
                    format!("the scorecard `{}` has no indicator `{id}`", scorecard.id),
                ));
            }
            if !f.value.is_finite() || f.value < 0.0 {
                return Err(err("value", "a figure is a number of 0 or more".into()));
            }
            if f.source.trim().is_empty() {
                return Err(err("source", "say where the figure was published".into()));
            }
            figures.push(Comparator {
                indicator: id.clone(),
                group: f.group,
                year: f.year,
                value: f.value,
                source: f.source,
                url: f.url,
            });
        }
        Ok(Comparators { figures })
    }

    /// The figures for an indicator, latest year first.
    pub fn for_indicator(&self, id: &str) -> Vec<&Comparator> {
        let mut out: Vec<&Comparator> = self.figures.iter().filter(|c| c.indicator == id).collect();
        out.sort_by(|a, b| b.year.cmp(&a.year).then_with(|| a.group.cmp(&b.group)));
        out
    }

    /// The latest figure of a group for an indicator.
    pub fn latest(&self, id: &str, group: &str) -> Option<&Comparator> {
        self.for_indicator(id)
            .into_iter()
            .find(|c| c.group == group)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use hearth_standards::Ruleset;

    fn card() -> Scorecard {
        let sets: Vec<Ruleset> = ["england-statutory", "bromley"]
            .iter()
            .filter_map(|n| Ruleset::builtin(n))
            .collect::<Result<_, _>>()
            .unwrap();
        let refs: Vec<&Ruleset> = sets.iter().collect();
        Scorecard::builtin("standard", &refs).unwrap().unwrap()
    }

    #[test]
    fn englands_figures_read_and_are_cited() {
        let c = Comparators::parse(ENGLAND, "england.toml", &card()).unwrap();
        assert!(!c.figures.is_empty());
        for f in &c.figures {
            assert!(f.url.as_deref().is_some_and(|u| u.starts_with("https://")));
        }
        assert_eq!(c.latest("re-referrals", "England").unwrap().value, 22.4);
    }

    #[test]
    fn a_figure_for_no_indicator_is_refused() {
        let text = "[[figure]]\nindicator = \"gone\"\ngroup = \"England\"\nyear = 2024\nvalue = 1\nsource = \"s\"\n";
        let e = Comparators::parse(text, "c.toml", &card()).unwrap_err();
        assert_eq!(e.line, Some(2));
        assert!(e.message.contains("no indicator `gone`"), "{e}");
    }
}
