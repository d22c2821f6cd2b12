//! Reconciliation: for each rule, the obligations by status add up to the obligations
//! evaluated. A dashboard figure that does not reconcile is not shown as if it did.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::evaluate::ChildEvaluation;
use crate::obligation::StatusKind;
use crate::ruleset::Ruleset;

/// One rule's figures.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct RuleFigures {
    /// The rule.
    pub rule: String,
    /// Obligations the evaluation produced, counted as it made them.
    pub evaluated: u64,
    /// Overdue.
    pub overdue: u64,
    /// Due soon.
    pub due_soon: u64,
    /// Upcoming.
    pub upcoming: u64,
    /// Met on time.
    pub met: u64,
    /// Met late.
    pub met_late: u64,
    /// Not applicable.
    pub not_applicable: u64,
    /// Varied.
    pub varied: u64,
}

impl RuleFigures {
    /// The statuses added up.
    pub fn by_status(&self) -> u64 {
        self.overdue
            + self.due_soon
            + self.upcoming
            + self.met
            + self.met_late
            + self.not_applicable
            + self.varied
    }

    /// Whether the statuses add up to the obligations evaluated.
    pub fn reconciles(&self) -> bool {
        self.by_status() == self.evaluated
    }

    /// The share of obligations that have fallen due which were met on time: met, out of
    /// met, met late and overdue. `None` when none has fallen due.
    pub fn on_time(&self) -> Option<f64> {
        let fell_due = self.met + self.met_late + self.overdue;
        (fell_due > 0).then(|| self.met as f64 / fell_due as f64)
    }
}

/// Figures for every rule of a ruleset, over any number of children.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reconciliation {
    rows: Vec<RuleFigures>,
    index: BTreeMap<String, usize>,
}

impl Reconciliation {
    /// Empty figures for a ruleset's rules.
    pub fn new(ruleset: &Ruleset) -> Self {
        let rows: Vec<RuleFigures> = ruleset
            .rules
            .iter()
            .map(|r| RuleFigures {
                rule: r.id.clone(),
                ..RuleFigures::default()
            })
            .collect();
        let index = rows
            .iter()
            .enumerate()
            .map(|(i, r)| (r.rule.clone(), i))
            .collect();
        Reconciliation { rows, index }
    }

    /// Adds one child's evaluation.
    pub fn add(&mut self, evaluation: &ChildEvaluation) {
        for (row, n) in self.rows.iter_mut().zip(&evaluation.evaluated) {
            row.evaluated += n;
        }
        for o in &evaluation.obligations {
            let Some(row) = self
                .index
                .get(o.rule.id.as_str())
                .and_then(|&i| self.rows.get_mut(i))
            else {
                continue;
            };
            let count = match o.status.kind() {
                StatusKind::Overdue => &mut row.overdue,
                StatusKind::DueSoon => &mut row.due_soon,
                StatusKind::Upcoming => &mut row.upcoming,
                StatusKind::Met => &mut row.met,
                StatusKind::MetLate => &mut row.met_late,
                StatusKind::NotApplicable => &mut row.not_applicable,
                StatusKind::Varied => &mut row.varied,
            };
            *count += 1;
        }
    }

    /// The figures, one row per rule in the ruleset's order.
    pub fn rows(&self) -> &[RuleFigures] {
        &self.rows
    }

    /// Whether every rule's figures reconcile.
    pub fn reconciles(&self) -> bool {
        self.rows.iter().all(RuleFigures::reconciles)
    }
}

#[cfg(test)]
mod tests {
    use super::RuleFigures;

    #[test]
    fn on_time_counts_only_what_has_fallen_due() {
        let f = RuleFigures {
            rule: "cp-visit".into(),
            evaluated: 10,
            overdue: 1,
            due_soon: 2,
            upcoming: 3,
            met: 3,
            met_late: 1,
            ..RuleFigures::default()
        };
        assert_eq!(f.on_time(), Some(0.6));
        let none_due = RuleFigures {
            upcoming: 4,
            ..RuleFigures::default()
        };
        assert_eq!(none_due.on_time(), None);
    }
}
