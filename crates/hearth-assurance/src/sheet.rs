//! The built audit: a template's sections and questions with the facts of the record beside
//! each section, the grades given, and the score taken over the questions answered. This is
//! what the audit's page will show; it is built from the template, so a question or a
//! weight added to the file appears here with no change to the code.

use hearth_domain::{ChildId, StaffId};
use serde::Serialize;

use crate::audit::Audit;
use crate::codes::{Point, Scale};
use crate::event::EvidenceRef;
use crate::facts::{FactName, FactSheet};
use crate::ids::{AuditId, Grade};
use crate::template::Template;
use crate::vocabulary::Basis;

/// A weighted mean of grade scores, kept as whole numbers so it is exact.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Score {
    /// The sum of weight times score (4 outstanding to 1 inadequate).
    pub points: u64,
    /// The sum of the weights of what was answered.
    pub weight: u64,
    /// How many questions (or sections) were answered.
    pub answered: u32,
}

impl Score {
    /// The mean, from 1 (inadequate) to 4 (outstanding); none when nothing was answered.
    pub fn mean(self) -> Option<f64> {
        // Both sums are far below 2^53 (weights are at most 100 and a template has a few
        // hundred questions), so the floats are exact.
        #[allow(clippy::cast_precision_loss)]
        (self.weight > 0).then(|| self.points as f64 / self.weight as f64)
    }

    /// The point of the scale nearest the mean; a mean halfway between two points goes to
    /// the lower, so a score never flatters.
    pub fn nearest(self, scale: Scale) -> Option<Grade> {
        if self.weight == 0 {
            return None;
        }
        // The largest whole score s with s - 1/2 < mean, that is 2·points > (2s - 1)·weight.
        let score = (1..=4u64)
            .rev()
            .find(|s| 2 * self.points > (2 * s - 1) * self.weight)
            .unwrap_or(1);
        let index = usize::try_from(4 - score).ok()?;
        let point: Point = *scale.points().get(index)?;
        Grade::new(scale, point).ok()
    }
}

/// A question as the sheet shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SheetQuestion {
    /// Its id.
    pub id: String,
    /// The question.
    pub text: String,
    /// Its guidance.
    pub guidance: Option<String>,
    /// Its weight, times its section's, as the score counts it.
    pub weight: u32,
    /// Not yet answered (none), answered as not applying (`Some(None)`), or graded.
    pub answer: Option<Option<Grade>>,
}

/// A section as the sheet shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SheetSection {
    /// Its id.
    pub id: String,
    /// Its title.
    pub title: String,
    /// Its guidance.
    pub guidance: Option<String>,
    /// Its weight.
    pub weight: u16,
    /// The facts of the record beside it.
    pub facts: Vec<FactSheet>,
    /// Its questions.
    pub questions: Vec<SheetQuestion>,
    /// The auditor's grade.
    pub grade: Option<Grade>,
    /// The grade that stands (the moderator's, where moderated).
    pub final_grade: Option<Grade>,
    /// The auditor's reasons.
    pub reasons: Option<String>,
    /// The evidence cited.
    pub evidence: Vec<EvidenceRef>,
}

/// An audit with its template, ready to show.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Sheet {
    /// The audit.
    pub audit: AuditId,
    /// The template's id.
    pub template: String,
    /// The template's name.
    pub name: String,
    /// The child, for a case audit.
    pub child: Option<ChildId>,
    /// The practitioner, for an audit of a practitioner.
    pub practitioner: Option<StaffId>,
    /// The scale, with each point's descriptor.
    pub scale: Scale,
    /// The descriptors, best first.
    pub descriptors: Vec<(Point, String)>,
    /// The sections.
    pub sections: Vec<SheetSection>,
    /// The score so far over what is answered.
    pub score: Score,
    /// The point nearest the score, as a guide to the overall grade.
    pub suggested: Option<Grade>,
    /// The auditor's overall grade.
    pub overall: Option<Grade>,
    /// The overall grade that stands.
    pub final_overall: Option<Grade>,
}

/// The score of an audit so far, by the template's basis.
pub fn score(template: &Template, audit: &Audit) -> Score {
    let mut s = Score {
        points: 0,
        weight: 0,
        answered: 0,
    };
    for section in &template.sections {
        let Some(graded) = audit.sections.get(&section.id) else {
            continue;
        };
        match template.basis {
            Basis::Sections => {
                s.points += u64::from(section.weight) * u64::from(graded.grade.score());
                s.weight += u64::from(section.weight);
                s.answered += 1;
            }
            Basis::Questions => {
                for q in &section.questions {
                    let grade = graded
                        .answers
                        .iter()
                        .find(|a| a.question == q.id)
                        .and_then(|a| a.grade);
                    if let Some(g) = grade {
                        let w = u64::from(q.weight) * u64::from(section.weight);
                        s.points += w * u64::from(g.score());
                        s.weight += w;
                        s.answered += 1;
                    }
                }
            }
        }
    }
    s
}

/// Builds the sheet. `facts` are those gathered for the audit's scope (any the sections
/// name that are missing are shown empty).
pub fn build(template: &Template, audit: &Audit, facts: &[FactSheet]) -> Sheet {
    let fact = |name: FactName| {
        facts
            .iter()
            .find(|f| f.fact == name)
            .cloned()
            .unwrap_or(FactSheet {
                fact: name,
                title: name.title(),
                entries: Vec::new(),
            })
    };
    let sections = template
        .sections
        .iter()
        .map(|s| {
            let graded = audit.sections.get(&s.id);
            SheetSection {
                id: s.id.clone(),
                title: s.title.clone(),
                guidance: s.guidance.clone(),
                weight: s.weight,
                facts: s.facts.iter().map(|f| fact(*f)).collect(),
                questions: s
                    .questions
                    .iter()
                    .map(|q| SheetQuestion {
                        id: q.id.clone(),
                        text: q.text.clone(),
                        guidance: q.guidance.clone(),
                        weight: u32::from(q.weight) * u32::from(s.weight),
                        answer: graded.and_then(|g| {
                            g.answers
                                .iter()
                                .find(|a| a.question == q.id)
                                .map(|a| a.grade)
                        }),
                    })
                    .collect(),
                grade: graded.map(|g| g.grade),
                final_grade: audit.final_section(&s.id),
                reasons: graded.map(|g| g.reasons.clone()),
                evidence: graded.map(|g| g.evidence.clone()).unwrap_or_default(),
            }
        })
        .collect();
    let score = score(template, audit);
    Sheet {
        audit: audit.id.clone(),
        template: template.id.clone(),
        name: template.name.clone(),
        child: audit.child().cloned(),
        practitioner: audit.subject().and_then(|s| s.practitioner()).cloned(),
        scale: template.scale,
        descriptors: template.descriptors.clone(),
        sections,
        score,
        suggested: score.nearest(template.scale),
        overall: audit.overall.as_ref().map(|(g, ..)| *g),
        final_overall: audit.final_overall(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(points: u64, weight: u64) -> Score {
        Score {
            points,
            weight,
            answered: 1,
        }
    }

    #[test]
    fn the_nearest_point_rounds_halves_down() {
        let scale = Scale::OfstedIlacs;
        assert_eq!(s(0, 0).nearest(scale), None);
        assert_eq!(s(4, 1).nearest(scale).unwrap().point(), Point::Outstanding);
        assert_eq!(s(7, 2).nearest(scale).unwrap().point(), Point::Good);
        assert_eq!(s(8, 3).nearest(scale).unwrap().point(), Point::Good);
        assert_eq!(
            s(5, 2).nearest(scale).unwrap().point(),
            Point::RequiresImprovement
        );
        assert_eq!(s(1, 1).nearest(scale).unwrap().point(), Point::Inadequate);
        assert_eq!(s(3, 2).nearest(scale).unwrap().point(), Point::Inadequate);
        assert_eq!(
            s(5, 2).nearest(Scale::Ofsted2009).unwrap().point(),
            Point::Adequate
        );
        assert_eq!(s(7, 2).mean(), Some(3.5));
    }
}
