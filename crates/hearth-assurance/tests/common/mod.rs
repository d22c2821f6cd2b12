//! An audit under way, for the tests: a small borough, a month's selection under a
//! template, and an audit stream that events are checked against and appended to.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "../../src/testing.rs"]
pub mod testing;

use chrono::NaiveDate;
use hearth_assurance::check::{AuditRule, Context, check};
use hearth_assurance::event::{Answer, AuditEvent, EvidenceRef, SectionGrade};
use hearth_assurance::selection::{Group, Inputs, Previous, Selection, Subject, select};
use hearth_assurance::{Audit, AuditId, Grade, Month, Point, Seed, Template};
use hearth_domain::directory::MemoryDirectory;
use hearth_domain::event::{Actor, Recorded};
use hearth_domain::values::Text;
use hearth_domain::{ChildRecord, Timestamp};
use hearth_standards::Calendar;
pub use testing::*;

/// The selection date of the scenarios.
pub const ON: &str = "2025-06-02";

pub fn text(s: &str) -> Text {
    Text::parse(s).unwrap()
}

pub fn template(name: &str) -> Template {
    Template::builtin(name).unwrap().unwrap()
}

/// A grade on Ofsted's current scale.
pub fn grade(p: Point) -> Grade {
    Grade::new(hearth_assurance::Scale::OfstedIlacs, p).unwrap()
}

/// Children of the borough: A1 to A6 with SW1 in TSC1, B1 to B4 with SW3 in TSC2, all
/// visited in the spring; C1, with SW1, is on a child protection plan.
pub fn children() -> Vec<ChildRecord> {
    let mut out = Vec::new();
    for i in 1..=6 {
        out.push(
            child(&format!("A{i}"), "2024-09-02")
                .referred_to("2024-09-02", "SW1", "TSC1", "TM1")
                .visited("2025-03-10")
                .visited("2025-05-12")
                .record(),
        );
    }
    for i in 1..=4 {
        out.push(
            child(&format!("B{i}"), "2024-10-01")
                .referred_to("2024-10-01", "SW3", "TSC2", "TM2")
                .visited("2025-04-14")
                .record(),
        );
    }
    out
}

/// An audit being recorded.
pub struct Scenario {
    pub template: Template,
    pub dir: MemoryDirectory,
    pub calendar: Calendar,
    pub records: Vec<ChildRecord>,
    pub selection: Selection,
    pub audit: Audit,
    pub group: Group,
    pub subject: Subject,
    /// The selection date.
    pub on: String,
}

pub fn by(who: &str) -> Actor {
    if who == "system" {
        Actor::system("test").unwrap()
    } else {
        Actor::Staff(staff_id(who))
    }
}

pub fn ev(at: &str, who: &str, event: AuditEvent) -> Recorded<AuditEvent> {
    let t = when(at);
    Recorded {
        occurred_at: t,
        recorded_at: t,
        recorded_by: by(who),
        event,
    }
}

impl Scenario {
    /// A month's selection under a template (seed 42, from the borough's children), with
    /// the audit of the case drawn for `group` selected by QA1.
    pub fn new(name: &str, group: Group) -> Scenario {
        Scenario::with(name, group, children(), &[])
    }

    /// The single case audit of the case drawn for TSC1.
    pub fn case_audit() -> Scenario {
        Scenario::new("single-case-audit", team("TSC1"))
    }

    pub fn with(
        name: &str,
        group: Group,
        records: Vec<ChildRecord>,
        previous: &[Previous],
    ) -> Scenario {
        Scenario::under(template(name), group, records, previous, "A1")
    }

    /// An audit `id` under a template given as it is, the case drawn for `group`.
    pub fn under(
        t: Template,
        group: Group,
        records: Vec<ChildRecord>,
        previous: &[Previous],
        id: &str,
    ) -> Scenario {
        Scenario::on(ON, t, group, records, previous, id)
    }

    /// An audit `id` selected on a date (for that date's month).
    pub fn on(
        on: &str,
        t: Template,
        group: Group,
        records: Vec<ChildRecord>,
        previous: &[Previous],
        id: &str,
    ) -> Scenario {
        let dir = directory();
        let calendar = Calendar::england_and_wales();
        let selection = select(
            &Inputs {
                template: &t,
                month: Month::of(date(on)),
                on: date(on),
                seed: Seed(42),
                calendar: &calendar,
                staff: &dir,
                previous,
            },
            &records,
        );
        let subject = selection.group(&group).unwrap().drawn[0].clone();
        let mut s = Scenario {
            template: t,
            dir,
            calendar,
            records,
            selection,
            audit: Audit::new(AuditId::parse(id).unwrap()),
            group,
            subject,
            on: on.to_owned(),
        };
        let selected = s.selected_event();
        s.ok(on, "QA1", selected);
        s
    }

    pub fn selected_event(&self) -> AuditEvent {
        self.selection
            .event_for(&self.template, &self.group, &self.subject)
            .unwrap()
    }

    pub fn ctx(&self) -> Context<'_> {
        Context {
            template: &self.template,
            staff: &self.dir,
            calendar: &self.calendar,
            records: &self.records,
            selection: Some(&self.selection),
        }
    }

    /// The child audited.
    pub fn child(&self) -> &ChildRecord {
        let id = self.subject.child().unwrap();
        self.records.iter().find(|r| &r.id == id).unwrap()
    }

    /// Checks an event and, if it is accepted, folds it in.
    pub fn try_event(
        &mut self,
        e: Recorded<AuditEvent>,
    ) -> Result<(), hearth_assurance::AuditViolation> {
        check(&self.audit, &e, &self.ctx())?;
        self.audit.apply(&e);
        Ok(())
    }

    pub fn ok(&mut self, at: &str, who: &str, event: AuditEvent) {
        let e = ev(at, who, event);
        if let Err(v) = self.try_event(e.clone()) {
            panic!("{:?} refused: {v}", e.event);
        }
    }

    /// Asserts the event is refused under the rule, and that nothing changed.
    pub fn refused(&mut self, at: &str, who: &str, event: AuditEvent, rule: AuditRule) -> String {
        let before = self.audit.clone();
        let e = ev(at, who, event);
        match self.try_event(e.clone()) {
            Ok(()) => panic!("{:?} was accepted; expected {rule}", e.event),
            Err(v) => {
                assert_eq!(v.rule, rule, "{:?}: {v}", e.event);
                assert_eq!(self.audit, before);
                v.message
            }
        }
    }

    /// Assigns an auditor at noon on the selection date, with the latest deadline the
    /// template allows.
    pub fn assign(&mut self, auditor: &str) {
        let deadline = hearth_standards::period::after(
            self.template.deadline,
            &self.calendar,
            when(&format!("{}T12:00", self.on)),
            None,
            &mut Vec::new(),
        )
        .unwrap()
        .date;
        let at = format!("{}T12:00", self.on);
        self.ok(
            &at,
            "QA1",
            AuditEvent::AuditorAssigned {
                auditor: staff_id(auditor),
                deadline,
            },
        );
    }

    /// `n` working days after the selection date.
    pub fn deadline(&self, n: i32) -> NaiveDate {
        self.calendar.add_working_days(date(&self.on), n).unwrap()
    }

    /// A section graded: every question answered with the grade, the child's latest event
    /// as evidence.
    pub fn section_event(&self, section: &str, p: Point) -> AuditEvent {
        let s = self.template.section(section).unwrap();
        let evidence = match self.subject.child() {
            Some(c) => vec![EvidenceRef {
                child: c.clone(),
                version: self.child().log.last().unwrap().mark.version,
            }],
            None => Vec::new(),
        };
        AuditEvent::SectionGraded {
            section: section.to_owned(),
            grade: grade(p),
            answers: s
                .questions
                .iter()
                .map(|q| Answer {
                    question: q.id.clone(),
                    grade: Some(grade(p)),
                })
                .collect(),
            evidence,
            reasons: text("The record shows it."),
        }
    }

    /// Every section and the overall grade, by the auditor, on a day.
    pub fn grade_all(&mut self, at: &str, auditor: &str, p: Point) {
        let ids: Vec<String> = self
            .template
            .sections
            .iter()
            .map(|s| s.id.clone())
            .collect();
        for id in ids {
            let e = self.section_event(&id, p);
            self.ok(at, auditor, e);
        }
        self.ok(
            at,
            auditor,
            AuditEvent::OverallGraded {
                grade: grade(p),
                reasons: text("Overall."),
            },
        );
    }

    /// Grades for a regrade or moderation: every graded section at one point.
    pub fn all_sections(&self, p: Point) -> Vec<SectionGrade> {
        self.audit
            .sections
            .keys()
            .map(|s| SectionGrade {
                section: s.clone(),
                grade: grade(p),
            })
            .collect()
    }
}

pub fn team(id: &str) -> Group {
    Group::Team { team: team_id(id) }
}

pub fn instant(s: &str) -> Timestamp {
    when(s)
}
