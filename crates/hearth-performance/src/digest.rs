//! The digest: every indicator of a scorecard for each of the last months, computed from
//! children's folded records one child at a time, with the children and events behind each
//! figure kept for the drill-down.

use std::collections::BTreeSet;

use chrono::NaiveDate;
use hearth_domain::child::ChildRecord;
use hearth_domain::directory::Directory;
use hearth_domain::{ChildId, StaffId, TeamId, Timestamp};
use hearth_standards::{
    AsAt, Calendar, ChildEvaluation, EvaluationError, Ruleset, StatusKind, evaluate,
};
use serde::Serialize;

use crate::measure::{Shape, Span, Window, tally};
use crate::month::{Month, months_ending};
use crate::scorecard::{Better, Definition, Indicator, PeriodKind, Scorecard};

/// How an event counted in a figure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Counted {
    /// It put the child in the denominator (what could have been met).
    Denominator,
    /// It put the child in the numerator (what was met, or what is counted).
    Numerator,
}

/// An event of the child's record that counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Evidence {
    /// Its version in the child's stream.
    pub version: u64,
    /// Its kind.
    pub kind: &'static str,
    /// When it happened.
    pub at: Timestamp,
    /// How it counted.
    pub counted: Counted,
}

/// One child's part in a figure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Contribution {
    /// The child.
    pub child: ChildId,
    /// The team holding the child when it counted.
    pub team: Option<TeamId>,
    /// The worker, for a figure per worker.
    pub worker: Option<StaffId>,
    /// Counted in the numerator.
    pub numerator: u32,
    /// Counted in the denominator.
    pub denominator: u32,
    /// The events that counted.
    pub evidence: Vec<Evidence>,
}

/// Red, amber or green.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Rag {
    /// Red.
    Red,
    /// Amber.
    Amber,
    /// Green.
    Green,
}

impl Rag {
    /// In words.
    pub const fn label(self) -> &'static str {
        match self {
            Rag::Red => "Red",
            Rag::Amber => "Amber",
            Rag::Green => "Green",
        }
    }
}

/// A month outside the indicator's usual range: more than two standard deviations from the
/// mean of the twelve months before it (at least six of them with a figure).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Anomaly {
    /// Whether the figure is above the usual range.
    pub above: bool,
    /// The usual range's lower end.
    pub usual_from: f64,
    /// The usual range's upper end.
    pub usual_to: f64,
}

/// One indicator's figure for one month.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Figure {
    /// The month.
    pub month: Month,
    /// The numerator.
    pub numerator: u64,
    /// The denominator (for an average per worker, the workers).
    pub denominator: u64,
    /// The value: a percentage, a count or an average; none when there is nothing to divide.
    pub value: Option<f64>,
    /// Red, amber or green, when the indicator has thresholds and a value.
    pub rag: Option<Rag>,
    /// Whether the month is outside the usual range.
    pub anomaly: Option<Anomaly>,
    /// The children behind it, in the order they were added.
    #[serde(skip)]
    pub contributions: Vec<Contribution>,
}

/// A figure as one user may see it: only the children they may see.
#[derive(Debug, Clone, PartialEq)]
pub struct SeenFigure<'a> {
    /// The numerator over those children.
    pub numerator: u64,
    /// The denominator over those children.
    pub denominator: u64,
    /// The value over those children.
    pub value: Option<f64>,
    /// Whether some children behind the whole figure were left out.
    pub partial: bool,
    /// The children.
    pub children: Vec<&'a Contribution>,
}

impl Figure {
    /// The figure's totals, RAG and anomaly, without its children: what a page of figures
    /// needs, at a fraction of the memory.
    pub fn clone_without_children(&self) -> Figure {
        Figure {
            month: self.month,
            numerator: self.numerator,
            denominator: self.denominator,
            value: self.value,
            rag: self.rag,
            anomaly: self.anomaly,
            contributions: Vec::new(),
        }
    }

    /// The figure over only the children `may_see` allows.
    pub fn seen_by(&self, shape: Shape, may_see: impl Fn(&ChildId) -> bool) -> SeenFigure<'_> {
        let children: Vec<&Contribution> = self
            .contributions
            .iter()
            .filter(|c| may_see(&c.child))
            .collect();
        let (numerator, denominator) = totals(shape, children.iter().copied());
        SeenFigure {
            numerator,
            denominator,
            value: value(shape, numerator, denominator),
            partial: children.len() != self.contributions.len(),
            children,
        }
    }
}

/// One indicator's figures, month by month.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    /// The indicator.
    pub indicator: Indicator,
    /// Its figures, oldest month first.
    pub figures: Vec<Figure>,
}

impl Series {
    /// The latest month's figure.
    pub fn latest(&self) -> Option<&Figure> {
        self.figures.last()
    }
}

/// Every indicator of a scorecard, month by month.
#[derive(Debug, Clone, PartialEq)]
pub struct Digest {
    /// The scorecard's id.
    pub scorecard: String,
    /// Its name.
    pub name: String,
    /// The date the digest is as at.
    pub as_at: NaiveDate,
    /// The months, oldest first; the last is cut short at the as-at date.
    pub months: Vec<Month>,
    /// One series per indicator, in the scorecard's order.
    pub series: Vec<Series>,
    /// How many children's records were read.
    pub children: u64,
}

impl Digest {
    /// An indicator's series by id.
    pub fn series(&self, id: &str) -> Option<&Series> {
        self.series.iter().find(|s| s.indicator.id == id)
    }
}

/// A scorecard names a ruleset the builder was not given.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the scorecard counts standards of the ruleset `{0}`, which was not given")]
pub struct MissingRuleset(pub String);

/// Builds a digest one child at a time, so that a borough's records need not be held
/// together.
pub struct DigestBuilder<'a> {
    scorecard: &'a Scorecard,
    /// Each ruleset the scorecard counts, cut down to the rules it counts.
    rulesets: Vec<Ruleset>,
    calendar: &'a Calendar,
    as_at: NaiveDate,
    months: Vec<Month>,
    /// Per indicator, per month, the children so far.
    building: Vec<Vec<Vec<Contribution>>>,
    children: u64,
}

impl<'a> DigestBuilder<'a> {
    /// A builder for `months` months ending with the month holding `as_at`. `rulesets` must
    /// hold every ruleset the scorecard counts standards of.
    pub fn new(
        scorecard: &'a Scorecard,
        rulesets: &[&'a Ruleset],
        calendar: &'a Calendar,
        as_at: NaiveDate,
        months: usize,
    ) -> Result<Self, MissingRuleset> {
        let mut needed = Vec::new();
        for id in scorecard.rulesets() {
            let r = rulesets
                .iter()
                .find(|r| r.id == id)
                .ok_or_else(|| MissingRuleset(id.to_owned()))?;
            let counted: Vec<&str> = scorecard
                .indicators
                .iter()
                .filter_map(|i| match &i.definition {
                    Definition::Standard { ruleset, rules } if ruleset == id => Some(rules),
                    _ => None,
                })
                .flatten()
                .map(String::as_str)
                .collect();
            needed.push(r.only(&counted));
        }
        let months = months_ending(as_at, months);
        Ok(DigestBuilder {
            scorecard,
            rulesets: needed,
            calendar,
            as_at,
            building: vec![vec![Vec::new(); months.len()]; scorecard.indicators.len()],
            months,
            children: 0,
        })
    }

    /// Adds one child's record. `staff` is the directory the standards check variations
    /// against.
    pub fn add(
        &mut self,
        record: &ChildRecord,
        staff: &dyn Directory,
    ) -> Result<(), EvaluationError> {
        self.children += 1;
        let as_at = AsAt::end_of(self.as_at);
        let evaluations: Vec<ChildEvaluation> = self
            .rulesets
            .iter()
            .map(|r| evaluate(record, r, self.calendar, as_at, staff))
            .collect::<Result<_, _>>()?;
        for (i, indicator) in self.scorecard.indicators.iter().enumerate() {
            match &indicator.definition {
                Definition::Standard { ruleset, rules } => {
                    let Some(evaluation) = self
                        .rulesets
                        .iter()
                        .position(|r| &r.id == ruleset)
                        .and_then(|p| evaluations.get(p))
                    else {
                        continue;
                    };
                    self.add_standard(i, indicator, rules, record, evaluation);
                }
                Definition::Measure(measure) => {
                    for (m, month) in self.months.iter().enumerate() {
                        let span = match (measure.window(), indicator.period) {
                            (Window::AtEnd, _) | (_, PeriodKind::AtEnd) => {
                                Span::days(month.last, month.last)
                            }
                            (Window::Events, PeriodKind::Month) => {
                                Span::days(month.first, month.last)
                            }
                            (Window::Events, PeriodKind::Rolling12Months) => {
                                Span::days(month.rolling_year_start(), month.last)
                            }
                        };
                        let t = tally(*measure, record, span, self.calendar);
                        if t.counts() {
                            self.building[i][m].push(Contribution {
                                child: record.id.clone(),
                                team: t.team,
                                worker: t.worker,
                                numerator: t.numerator,
                                denominator: t.denominator,
                                evidence: t.evidence,
                            });
                        }
                    }
                }
            }
        }
        Ok(())
    }

    /// Obligations that fell due in a month and were met on time, met late or missed. Those
    /// not yet due, and those that stopped applying, are left out.
    fn add_standard(
        &mut self,
        i: usize,
        indicator: &Indicator,
        rules: &[String],
        record: &ChildRecord,
        evaluation: &ChildEvaluation,
    ) {
        let mut per_month: Vec<Option<Contribution>> = vec![None; self.months.len()];
        for o in &evaluation.obligations {
            if !rules.iter().any(|r| *r == o.rule.id) {
                continue;
            }
            let met = match o.status.outcome().kind() {
                StatusKind::Met => true,
                StatusKind::MetLate | StatusKind::Overdue => false,
                _ => continue,
            };
            for (m, month) in self.months.iter().enumerate() {
                let from = match indicator.period {
                    PeriodKind::Rolling12Months => month.rolling_year_start(),
                    _ => month.first,
                };
                if o.due_date < from || o.due_date > month.last {
                    continue;
                }
                let c = per_month[m].get_or_insert_with(|| Contribution {
                    child: record.id.clone(),
                    team: o.owner.team().cloned(),
                    worker: o.owner.allocated_worker().cloned(),
                    numerator: 0,
                    denominator: 0,
                    evidence: Vec::new(),
                });
                c.denominator += 1;
                if let Some(e) = o.explanation.clock.event() {
                    c.evidence.push(Evidence {
                        version: e.version,
                        kind: e.kind,
                        at: e.at,
                        counted: Counted::Denominator,
                    });
                }
                if met {
                    c.numerator += 1;
                    if let Some(e) = o.explanation.satisfied_by {
                        c.evidence.push(Evidence {
                            version: e.version,
                            kind: e.kind,
                            at: e.at,
                            counted: Counted::Numerator,
                        });
                    }
                }
            }
        }
        for (m, c) in per_month.into_iter().enumerate() {
            if let Some(c) = c {
                self.building[i][m].push(c);
            }
        }
    }

    /// The digest: totals, values, red, amber and green, and anomalies.
    pub fn finish(self) -> Digest {
        let series = self
            .scorecard
            .indicators
            .iter()
            .zip(self.building)
            .map(|(indicator, months)| {
                let shape = indicator.shape();
                let mut figures: Vec<Figure> = self
                    .months
                    .iter()
                    .zip(months)
                    .map(|(month, contributions)| {
                        let (numerator, denominator) = totals(shape, contributions.iter());
                        let v = value(shape, numerator, denominator);
                        Figure {
                            month: *month,
                            numerator,
                            denominator,
                            value: v,
                            rag: v.and_then(|v| rag(indicator, v)),
                            anomaly: None,
                            contributions,
                        }
                    })
                    .collect();
                // A month still running has not had all its events recorded yet, so what
                // happened in it is not comparable with whole months; the record as it
                // stands at its end is.
                let comparable_when_partial = indicator.period == PeriodKind::AtEnd;
                mark_anomalies(&mut figures, comparable_when_partial);
                Series {
                    indicator: indicator.clone(),
                    figures,
                }
            })
            .collect();
        Digest {
            scorecard: self.scorecard.id.clone(),
            name: self.scorecard.name.clone(),
            as_at: self.as_at,
            months: self.months,
            series,
            children: self.children,
        }
    }
}

/// The numerator and denominator over some children. For an average per worker, the
/// denominator is the number of different workers.
fn totals<'c>(shape: Shape, children: impl Iterator<Item = &'c Contribution>) -> (u64, u64) {
    let mut numerator = 0u64;
    let mut denominator = 0u64;
    let mut workers = BTreeSet::new();
    for c in children {
        numerator += u64::from(c.numerator);
        denominator += u64::from(c.denominator);
        if let Some(w) = &c.worker {
            workers.insert(w);
        }
    }
    if shape == Shape::Average {
        denominator = workers.len() as u64;
    }
    (numerator, denominator)
}

/// The value of a figure.
pub fn value(shape: Shape, numerator: u64, denominator: u64) -> Option<f64> {
    match shape {
        Shape::Count => Some(numerator as f64),
        Shape::Rate if denominator > 0 => Some(100.0 * numerator as f64 / denominator as f64),
        Shape::Average if denominator > 0 => Some(numerator as f64 / denominator as f64),
        Shape::Rate | Shape::Average => None,
    }
}

/// Red, amber or green for a value, by the indicator's thresholds.
pub fn rag(indicator: &Indicator, value: f64) -> Option<Rag> {
    let t = indicator.thresholds?;
    Some(match indicator.better {
        Better::Higher if value >= t.green => Rag::Green,
        Better::Higher if value >= t.amber => Rag::Amber,
        Better::Lower if value <= t.green => Rag::Green,
        Better::Lower if value <= t.amber => Rag::Amber,
        Better::Higher | Better::Lower => Rag::Red,
    })
}

/// Marks each month whose value lies more than two standard deviations from the mean of the
/// twelve months before it, when at least six of those have a value. A flat history (no
/// spread) marks nothing, so that a count that never moves is not flagged on its first step.
fn mark_anomalies(figures: &mut [Figure], comparable_when_partial: bool) {
    for i in 0..figures.len() {
        if figures[i].month.partial() && !comparable_when_partial {
            continue;
        }
        let history: Vec<f64> = figures[i.saturating_sub(12)..i]
            .iter()
            .filter_map(|f| f.value)
            .collect();
        let Some(v) = figures[i].value else { continue };
        if history.len() < 6 {
            continue;
        }
        let n = history.len() as f64;
        let mean = history.iter().sum::<f64>() / n;
        let sd = (history.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / n).sqrt();
        if sd <= f64::EPSILON {
            continue;
        }
        let (from, to) = (mean - 2.0 * sd, mean + 2.0 * sd);
        if v < from || v > to {
            figures[i].anomaly = Some(Anomaly {
                above: v > to,
                usual_from: from,
                usual_to: to,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn figure(first: NaiveDate, last: NaiveDate, value: Option<f64>) -> Figure {
        Figure {
            month: Month { first, last },
            numerator: 0,
            denominator: 0,
            value,
            rag: None,
            anomaly: None,
            contributions: Vec::new(),
        }
    }

    fn series(values: &[Option<f64>], last_partial: bool) -> Vec<Figure> {
        let months = months_ending(NaiveDate::from_ymd_opt(2026, 11, 30).unwrap(), values.len());
        months
            .iter()
            .zip(values)
            .enumerate()
            .map(|(i, (m, v))| {
                let last = if last_partial && i + 1 == values.len() {
                    m.first
                } else {
                    m.last
                };
                figure(m.first, last, *v)
            })
            .collect()
    }

    #[test]
    fn a_month_far_from_the_twelve_before_is_an_anomaly() {
        let mut values: Vec<Option<f64>> = [80.0, 82.0, 81.0, 79.0, 80.0, 81.0, 80.0]
            .map(Some)
            .to_vec();
        values.push(Some(60.0));
        let mut f = series(&values, false);
        mark_anomalies(&mut f, false);
        let a = f[7].anomaly.unwrap();
        assert!(!a.above);
        assert!(a.usual_from > 60.0 && a.usual_from < 80.0);
        assert!(f[..7].iter().all(|x| x.anomaly.is_none()));
    }

    #[test]
    fn too_little_history_a_flat_one_or_a_month_still_running_is_not_judged() {
        let mut short = series(&[Some(80.0), Some(81.0), Some(80.0), Some(20.0)], false);
        mark_anomalies(&mut short, false);
        assert!(short.iter().all(|x| x.anomaly.is_none()));
        let mut flat = series(
            &[Some(5.0); 8]
                .iter()
                .copied()
                .chain([Some(9.0)])
                .collect::<Vec<_>>(),
            false,
        );
        mark_anomalies(&mut flat, false);
        assert!(flat.iter().all(|x| x.anomaly.is_none()));
        let values: Vec<Option<f64>> = [80.0, 82.0, 81.0, 79.0, 80.0, 81.0, 80.0, 40.0]
            .map(Some)
            .to_vec();
        let mut running = series(&values, true);
        mark_anomalies(&mut running, false);
        assert!(running[7].anomaly.is_none());
        mark_anomalies(&mut running, true);
        assert!(running[7].anomaly.is_some());
    }

    #[test]
    fn values_by_shape() {
        assert_eq!(value(Shape::Rate, 1, 4), Some(25.0));
        assert_eq!(value(Shape::Rate, 0, 0), None);
        assert_eq!(value(Shape::Count, 7, 0), Some(7.0));
        assert_eq!(value(Shape::Average, 9, 2), Some(4.5));
        assert_eq!(value(Shape::Average, 9, 0), None);
    }
}
