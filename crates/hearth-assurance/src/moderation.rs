//! Moderation statistics: how often a blind second grading agrees with the auditor's, per
//! auditor, per section (and the overall grade) and per group, exactly and within one
//! grade; and how moderators settled the audits where the two differed. Every figure
//! carries the audits behind it.

use std::collections::BTreeMap;

use hearth_domain::StaffId;
use serde::Serialize;

use crate::audit::Audit;
use crate::ids::{AuditId, Grade};

/// The key the overall grade is counted under among the sections.
pub const OVERALL: &str = "overall";

/// Agreement between the auditor's grades and the blind second grades.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Agreement {
    /// Pairs of grades compared.
    pub pairs: u32,
    /// Pairs that agree exactly.
    pub exact: u32,
    /// Pairs no more than one grade apart (the exact ones included).
    pub within_one: u32,
    /// The audits the pairs come from, in id order.
    pub audits: Vec<AuditId>,
}

impl Agreement {
    fn add(&mut self, audit: &AuditId, first: Grade, second: Grade) {
        // Both grades of a pair come from the same template, so from the same scale.
        let Some(apart) = first.distance(second) else {
            return;
        };
        self.pairs += 1;
        if apart == 0 {
            self.exact += 1;
        }
        if apart <= 1 {
            self.within_one += 1;
        }
        if let Err(i) = self.audits.binary_search(audit) {
            self.audits.insert(i, audit.clone());
        }
    }

    /// The share agreeing exactly, from 0 to 1; none without pairs.
    pub fn exact_rate(&self) -> Option<f64> {
        rate(self.exact, self.pairs)
    }

    /// The share within one grade, from 0 to 1; none without pairs.
    pub fn within_one_rate(&self) -> Option<f64> {
        rate(self.within_one, self.pairs)
    }
}

fn rate(n: u32, of: u32) -> Option<f64> {
    (of > 0).then(|| f64::from(n) / f64::from(of))
}

/// How moderators settled the audits where the two graders' overall grades differed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Settled {
    /// The moderator kept the auditor's overall grade.
    pub upheld: Vec<AuditId>,
    /// The moderator took the second auditor's.
    pub second: Vec<AuditId>,
    /// The moderator decided another grade.
    pub other: Vec<AuditId>,
    /// Regraded, differing, and not yet moderated.
    pub awaiting: Vec<AuditId>,
}

/// Agreement across a set of audits.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Statistics {
    /// Every pair.
    pub all: Agreement,
    /// By the auditor whose grades were checked.
    pub by_auditor: BTreeMap<StaffId, Agreement>,
    /// By section id, with the overall grade under `overall`.
    pub by_section: BTreeMap<String, Agreement>,
    /// By the group the audit was drawn for (`team/ID`, `service/CODE`, `council`).
    pub by_group: BTreeMap<String, Agreement>,
    /// How the overall grades that differed were settled.
    pub settled: Settled,
}

/// The statistics of the audits given that have a blind regrade recorded.
pub fn statistics<'a>(audits: impl IntoIterator<Item = &'a Audit>) -> Statistics {
    let mut out = Statistics::default();
    for a in audits {
        let Some(second) = a.regrade.as_ref().and_then(|r| r.grades.as_ref()) else {
            continue;
        };
        let Some(auditor) = a.auditor() else { continue };
        let group = a
            .selected
            .as_ref()
            .map_or_else(String::new, |s| s.group.key());
        let mut pairs: Vec<(&str, Grade, Grade)> = a
            .sections
            .iter()
            .filter_map(|(id, g)| second.sections.get(id).map(|s| (id.as_str(), g.grade, *s)))
            .collect();
        let first_overall = a.overall.as_ref().map(|(g, ..)| *g);
        if let Some(first) = first_overall {
            pairs.push((OVERALL, first, second.overall));
        }
        for (section, first, second) in pairs {
            out.all.add(&a.id, first, second);
            out.by_auditor
                .entry(auditor.clone())
                .or_default()
                .add(&a.id, first, second);
            out.by_section
                .entry(section.to_owned())
                .or_default()
                .add(&a.id, first, second);
            out.by_group
                .entry(group.clone())
                .or_default()
                .add(&a.id, first, second);
        }
        if let Some(first) = first_overall
            && first != second.overall
        {
            let list = match a.moderation.as_ref().map(|m| m.overall) {
                None => &mut out.settled.awaiting,
                Some(m) if m == first => &mut out.settled.upheld,
                Some(m) if m == second.overall => &mut out.settled.second,
                Some(_) => &mut out.settled.other,
            };
            list.push(a.id.clone());
        }
    }
    for list in [
        &mut out.settled.upheld,
        &mut out.settled.second,
        &mut out.settled.other,
        &mut out.settled.awaiting,
    ] {
        list.sort();
    }
    out
}
