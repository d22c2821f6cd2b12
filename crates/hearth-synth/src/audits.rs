//! A year of case audits for the synthetic borough, so that the demo's QA lead has a year to
//! look at: each month's draw under the single case audit template, made from the records
//! as they were known that day, and each audit's cycle (assignment, grades with a realistic
//! spread, findings, the odd safety concern, improvement actions done, late or still open,
//! the worker's reflection, the family's view, the copy to the reviewing officer, the PRIM,
//! and a blind regrade with moderation for a sample). Every event is checked by the audit
//! record's own rules (`hearth_assurance::append`) before it is written; a step the rules
//! refuse ends that audit where it stands, as a real one would stall. The audits of the
//! last month or so are still under way.
//!
//! The randomness comes from the seed alone, so the same borough and seed give the same
//! audits.

use std::collections::BTreeMap;

use chrono::{NaiveDate, NaiveTime};
use hearth_app::records::{RecordError, Records};
use hearth_assurance::codes::{
    ConcernRecipient, FeedbackMethod, FeedbackNotTaken, FindingKind, Respondent,
};
use hearth_assurance::event::{
    ActionOwner, Answer, Attendee, AuditEvent, EvidenceRef, FamilyAnswer, Reflection, SectionGrade,
};
use hearth_assurance::selection::{
    Inputs, Previous, Selection, merge, record_as_known, select, with_previous,
};
use hearth_assurance::{ActionNo, Audit, AuditId, Context, Grade, Month, Point, Seed, Template};
use hearth_domain::child::ChildRecord;
use hearth_domain::codes::StaffRole;
use hearth_domain::directory::MemoryDirectory;
use hearth_domain::event::{Actor, Recorded};
use hearth_domain::values::{Line, Text};
use hearth_domain::{ChildId, StaffId, StreamKind, Timestamp};
use hearth_standards::Calendar;
use hearth_store::codec::encode;
use hearth_store::{Projections, StreamAppend, reading};

use crate::rng::Rng;

/// What was written.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditYear {
    /// Audits opened.
    pub audits: usize,
    /// Of them, completed by the auditor.
    pub completed: usize,
    /// Events written.
    pub events: usize,
    /// Steps the audit record's rules refused (each ends its audit, or is left out), by
    /// rule.
    pub refused: BTreeMap<&'static str, usize>,
}

/// Why the year of audits could not be written.
#[derive(Debug, thiserror::Error)]
pub enum AuditsError {
    /// The store failed.
    #[error(transparent)]
    Record(#[from] RecordError),
    /// The shipped template did not load: a fault in the build.
    #[error("the single case audit template does not load: {0}")]
    Template(String),
    /// Something the generator wrote could not be encoded.
    #[error("{0}")]
    Internal(String),
}

const TEMPLATE: &str = "single-case-audit";

/// The quality of a case, as audits find it across a council: mostly good or requiring
/// improvement, a few outstanding, some inadequate.
const QUALITY: [(Point, f64); 4] = [
    (Point::Outstanding, 0.06),
    (Point::Good, 0.46),
    (Point::RequiresImprovement, 0.36),
    (Point::Inadequate, 0.12),
];

fn store_err(e: hearth_store::StoreError) -> AuditsError {
    AuditsError::Record(RecordError::from(e))
}

fn at(date: NaiveDate, h: u32, m: u32) -> Timestamp {
    Timestamp::at_london_time(
        date,
        NaiveTime::from_hms_opt(h, m, 0).unwrap_or(NaiveTime::MIN),
    )
}

fn text(s: &str) -> Result<Text, AuditsError> {
    Text::parse(s).map_err(|e| AuditsError::Internal(e.to_string()))
}

fn line(s: &str) -> Result<Line, AuditsError> {
    Line::parse(s).map_err(|e| AuditsError::Internal(e.to_string()))
}

/// Writes a year of audits to the month of `as_at` into the borough behind `records`.
pub async fn generate_audits(
    records: &Records,
    as_at: Timestamp,
    seed: u64,
) -> Result<AuditYear, AuditsError> {
    let template = match Template::builtin(TEMPLATE) {
        Some(Ok(t)) => t,
        Some(Err(e)) => return Err(AuditsError::Template(e.to_string())),
        None => return Err(AuditsError::Template("not shipped".to_owned())),
    };
    let store = records.store();
    let calendar = Calendar::england_and_wales();
    let workforce = reading::workforce(store).await.map_err(store_err)?;
    let today = as_at.london_date();

    // The months: the selection on the third working day of each of the last twelve.
    let mut month = Month::of(today);
    let mut months = Vec::new();
    for _ in 0..12 {
        months.push(month);
        let previous_day = month.first_day().pred_opt().unwrap_or(month.first_day());
        month = Month::of(previous_day);
    }
    months.reverse();
    let days: Vec<(Month, NaiveDate, Timestamp)> = months
        .into_iter()
        .filter_map(|m| {
            let on = calendar.add_working_days(m.first_day().pred_opt()?, 3)?;
            let instant = at(on, 9, 30);
            (instant < as_at).then_some((m, on, instant))
        })
        .collect();
    let inputs_of = |m: Month, on: NaiveDate, previous: &'static [Previous]| Inputs {
        template: &template,
        month: m,
        on,
        seed: Seed(seed ^ u64::from(m.number()) ^ (u64::try_from(m.year()).unwrap_or(0) << 8)),
        calendar: &calendar,
        staff: &workforce,
        previous,
    };

    // One reading of every child: each month's draw, a batch at a time, without earlier
    // audits (weighed afterwards, month by month).
    let children: Vec<ChildId> = reading::streams_of(store, StreamKind::Child)
        .await
        .map_err(store_err)?
        .iter()
        .filter_map(|s| ChildId::parse(s.id()).ok())
        .collect();
    let mut parts: Vec<Vec<Selection>> = vec![Vec::new(); days.len()];
    for chunk in children.chunks(reading::BATCH) {
        let streams: Vec<_> = chunk.iter().map(hearth_domain::StreamId::child).collect();
        let batch = reading::children_events(store, &streams)
            .await
            .map_err(store_err)?;
        for (i, (m, on, instant)) in days.iter().enumerate() {
            let known: Vec<ChildRecord> = batch
                .iter()
                .map(|(id, events)| record_as_known(id, events, *instant))
                .collect();
            parts[i].push(select(&inputs_of(*m, *on, &[]), &known));
        }
    }

    let coordinator = |on: NaiveDate| -> Option<StaffId> {
        in_post(&workforce, on, |r| r == StaffRole::QualityAssuranceLead)
            .into_iter()
            .next()
            .or_else(|| {
                in_post(&workforce, on, |r| r == StaffRole::HeadOfService)
                    .into_iter()
                    .next()
            })
    };
    let mut previous: Vec<Previous> = Vec::new();
    let mut out = AuditYear::default();
    let mut number = 0u64;
    let mut batch: Vec<StreamAppend> = Vec::new();
    for ((m, on, instant), month_parts) in days.iter().zip(parts) {
        let Some(qa) = coordinator(*on) else { continue };
        let merged = merge(&inputs_of(*m, *on, &[]), month_parts);
        // `Inputs` borrows the earlier audits; a copy for this month keeps the borrow short.
        let earlier: &[Previous] = &previous.clone();
        let inputs = Inputs {
            previous: earlier,
            ..inputs_of(*m, *on, &[])
        };
        let selection = with_previous(&inputs, merged);
        let drawn: Vec<_> = selection
            .groups
            .iter()
            .flat_map(|g| g.drawn.iter().map(move |s| (g.group.clone(), s.clone())))
            .collect();
        for (group, subject) in drawn {
            let Some(child) = subject.child().cloned() else {
                continue;
            };
            let Some(event) = selection.event_for(&template, &group, &subject) else {
                continue;
            };
            number += 1;
            let id = AuditId::parse(&format!("A{number}"))
                .map_err(|e| AuditsError::Internal(e.to_string()))?;
            let record = records
                .child_unlogged(&child)
                .await?
                .map(|s| s.record().clone());
            let Some(record) = record else { continue };
            let mut rng = Rng::stream(seed, "audit", number);
            let mut cycle = Cycle {
                template: &template,
                workforce: &workforce,
                calendar: &calendar,
                record: &record,
                selection: &selection,
                audit: Audit::new(id.clone()),
                events: Vec::new(),
                as_at,
                refused: BTreeMap::new(),
            };
            if !cycle.step(*instant, &qa, event) {
                number -= 1;
                for (rule, n) in cycle.refused {
                    *out.refused.entry(rule).or_default() += n;
                }
                continue;
            }
            previous.push(Previous {
                subject: subject.clone(),
                on: *on,
            });
            cycle.run(&mut rng, &qa, *on)?;
            out.audits += 1;
            out.events += cycle.events.len();
            for (rule, n) in std::mem::take(&mut cycle.refused) {
                *out.refused.entry(rule).or_default() += n;
            }
            if cycle.audit.completed.is_some() {
                out.completed += 1;
            }
            let stream = id
                .stream_id()
                .map_err(|e| AuditsError::Internal(e.to_string()))?;
            let events = cycle
                .events
                .iter()
                .map(encode)
                .collect::<Result<Vec<_>, _>>()
                .map_err(store_err)?;
            batch.push(StreamAppend {
                stream,
                expected_version: 0,
                events,
            });
            if batch.len() >= 50 {
                store
                    .append(&std::mem::take(&mut batch), &Projections::default())
                    .await
                    .map_err(store_err)?;
            }
        }
    }
    if !batch.is_empty() {
        store
            .append(&batch, &Projections::default())
            .await
            .map_err(store_err)?;
    }
    Ok(out)
}

/// Staff in post on a day with a role, in id order.
fn in_post(
    workforce: &MemoryDirectory,
    on: NaiveDate,
    role: impl Fn(StaffRole) -> bool,
) -> Vec<StaffId> {
    let mut out: Vec<StaffId> = workforce
        .staff
        .iter()
        .filter(|(_, m)| m.in_post_on(on) && role(m.role))
        .map(|(id, _)| id.clone())
        .collect();
    out.sort();
    out
}

/// One audit being written: each step checked by the rules, then kept.
struct Cycle<'a> {
    template: &'a Template,
    workforce: &'a MemoryDirectory,
    calendar: &'a Calendar,
    record: &'a ChildRecord,
    selection: &'a Selection,
    audit: Audit,
    events: Vec<Recorded<AuditEvent>>,
    as_at: Timestamp,
    refused: BTreeMap<&'static str, usize>,
}

impl Cycle<'_> {
    /// Checks and keeps one event; false (and nothing kept) if the rules refuse it or it
    /// would happen after the borough's present.
    fn step(&mut self, when: Timestamp, by: &StaffId, event: AuditEvent) -> bool {
        if when > self.as_at {
            return false;
        }
        let recorded = Recorded {
            occurred_at: when,
            recorded_at: when,
            recorded_by: Actor::Staff(by.clone()),
            event,
        };
        let records = std::slice::from_ref(self.record);
        let ctx = Context {
            template: self.template,
            staff: self.workforce,
            calendar: self.calendar,
            records,
            selection: Some(self.selection),
        };
        match hearth_assurance::append(&mut self.audit, std::slice::from_ref(&recorded), &ctx) {
            Ok(()) => {
                self.events.push(recorded);
                true
            }
            Err(r) => {
                *self.refused.entry(r.violation.rule.code()).or_default() += 1;
                false
            }
        }
    }

    /// Who coordinates audits on a day: a QA lead in post, or the head of service.
    fn coordinator(&self, on: NaiveDate) -> Option<StaffId> {
        in_post(self.workforce, on, |r| r == StaffRole::QualityAssuranceLead)
            .into_iter()
            .next()
            .or_else(|| {
                in_post(self.workforce, on, |r| r == StaffRole::HeadOfService)
                    .into_iter()
                    .next()
            })
    }

    fn day(&self, on: NaiveDate, working_days: i64) -> Option<NaiveDate> {
        self.calendar
            .add_working_days(on, i32::try_from(working_days).ok()?)
    }

    fn grade(&self, p: Point) -> Option<Grade> {
        Grade::new(self.template.scale, p).ok()
    }

    /// A point one step better or worse, where the scale has one.
    fn shift(&self, p: Point, by: i64) -> Point {
        let points = self.template.scale.points();
        let i = points.iter().position(|x| *x == p).unwrap_or(1);
        let j = (i64::try_from(i).unwrap_or(1) + by).clamp(0, 3);
        points
            .get(usize::try_from(j).unwrap_or(1))
            .copied()
            .unwrap_or(p)
    }

    fn run(&mut self, rng: &mut Rng, qa: &StaffId, on: NaiveDate) -> Result<(), AuditsError> {
        let t = self.template;
        let child = self.record.id.clone();
        let selected_at = at(on, 9, 30);
        // The auditor: someone the template allows who does not hold or manage the case.
        let mut candidates = in_post(self.workforce, on, |r| t.auditors.contains(&r));
        let Some(deadline) = self.day(on, 20) else {
            return Ok(());
        };
        let mut auditor = None;
        while !candidates.is_empty() {
            let i = usize::try_from(rng.below(candidates.len() as u64)).unwrap_or(0);
            let who = candidates.swap_remove(i);
            if self.step(
                at(on, 11, 0),
                qa,
                AuditEvent::AuditorAssigned {
                    auditor: who.clone(),
                    deadline,
                },
            ) {
                auditor = Some(who);
                break;
            }
        }
        let Some(auditor) = auditor else {
            return Ok(());
        };
        let Some(worker) = hearth_assurance::check::worker_at(self.record, selected_at) else {
            return Ok(());
        };

        // Grading, mostly in time, some late.
        let late = rng.chance(0.12);
        let offset = if late {
            rng.between(21, 28)
        } else {
            rng.between(4, 16)
        };
        let Some(graded) = self.day(on, offset) else {
            return Ok(());
        };
        let quality = *rng.weighted(&QUALITY).unwrap_or(&Point::Good);
        let mut given: BTreeMap<String, Point> = BTreeMap::new();
        for section in &t.sections {
            let p = match rng.below(20) {
                0..=2 => self.shift(quality, -1),
                3..=5 => self.shift(quality, 1),
                _ => quality,
            };
            let Some(grade) = self.grade(p) else {
                return Ok(());
            };
            let answers = section
                .questions
                .iter()
                .map(|q| Answer {
                    question: q.id.clone(),
                    grade: if rng.chance(0.08) { None } else { Some(grade) },
                })
                .collect();
            if !self.step(
                at(graded, 10, 0),
                &auditor,
                AuditEvent::SectionGraded {
                    section: section.id.clone(),
                    grade,
                    answers,
                    evidence: Vec::new(),
                    reasons: text(
                        REASONS[usize::try_from(rng.below(REASONS.len() as u64)).unwrap_or(0)],
                    )?,
                },
            ) {
                return Ok(());
            }
            given.insert(section.id.clone(), p);
        }
        let Some(overall) = self.grade(quality) else {
            return Ok(());
        };
        if !self.step(
            at(graded, 12, 0),
            &auditor,
            AuditEvent::OverallGraded {
                grade: overall,
                reasons: text(
                    OVERALL[usize::try_from(rng.below(OVERALL.len() as u64)).unwrap_or(0)],
                )?,
            },
        ) {
            return Ok(());
        }
        let themes: Vec<String> = t.themes.iter().map(|x| x.id.clone()).collect();
        let strengths = usize::from(quality != Point::Inadequate) + usize::from(rng.chance(0.4));
        let developments = 1 + usize::from(quality != Point::Outstanding && rng.chance(0.6));
        for (kind, n, words) in [
            (FindingKind::Strength, strengths, &STRENGTHS[..]),
            (FindingKind::Development, developments, &DEVELOPMENTS[..]),
        ] {
            for _ in 0..n {
                let i = usize::try_from(rng.below(words.len() as u64)).unwrap_or(0);
                let (finding, theme) = words[i];
                let mut tagged = vec![theme.to_owned()];
                if rng.chance(0.3)
                    && let Some(extra) = rng.pick(&themes)
                    && extra != theme
                {
                    tagged.push(extra.clone());
                }
                tagged.retain(|x| themes.contains(x));
                if tagged.is_empty() {
                    continue;
                }
                self.step(
                    at(graded, 13, 0),
                    &auditor,
                    AuditEvent::FindingRecorded {
                        kind,
                        text: text(finding)?,
                        themes: tagged,
                    },
                );
            }
        }
        // Now and then an immediate safety concern, told to the team manager and the
        // director within the two hours, or a little after.
        if rng.chance(0.05) {
            let manager = self
                .workforce
                .staff
                .get(&worker)
                .and_then(|w| w.line_manager.clone())
                .filter(|m| {
                    self.workforce.staff.get(m).is_some_and(|s| {
                        matches!(s.role, StaffRole::TeamManager | StaffRole::GroupManager)
                            && s.in_post_on(graded)
                    })
                });
            let director = in_post(self.workforce, graded, |r| {
                r == StaffRole::AssistantDirector
            })
            .into_iter()
            .next();
            if let (Some(manager), Some(director)) = (manager, director)
                && self.step(
                    at(graded, 14, 0),
                    &auditor,
                    AuditEvent::SafetyConcernRaised {
                        concern: 1,
                        summary: text(
                            CONCERNS
                                [usize::try_from(rng.below(CONCERNS.len() as u64)).unwrap_or(0)],
                        )?,
                    },
                )
            {
                let minutes = if rng.chance(0.8) { 40 } else { 150 };
                for (recipient, staff, after) in [
                    (ConcernRecipient::TeamManager, manager, minutes),
                    (ConcernRecipient::Director, director, minutes + 20),
                ] {
                    self.step(
                        at(graded, 14, 0)
                            .plus_micros(after * 60_000_000)
                            .unwrap_or(at(graded, 16, 0)),
                        &auditor,
                        AuditEvent::SafetyConcernNotified {
                            concern: 1,
                            recipient,
                            staff,
                            how: line("By telephone")?,
                        },
                    );
                }
            }
        }
        // Improvement actions for the worker.
        let actions = 1 + usize::from(quality != Point::Outstanding && rng.chance(0.5));
        let mut agreed = Vec::new();
        for n in 0..actions {
            let due = graded + chrono::Days::new(u64::try_from(rng.between(10, 35)).unwrap_or(20));
            let i = usize::try_from(rng.below(ACTIONS.len() as u64)).unwrap_or(0);
            let no = ActionNo(u16::try_from(n + 1).unwrap_or(1));
            if self.step(
                at(graded, 15, 0),
                &auditor,
                AuditEvent::ActionAgreed {
                    action: no,
                    what: text(ACTIONS[i])?,
                    owner: ActionOwner::Staff {
                        staff: worker.clone(),
                    },
                    due,
                },
            ) {
                agreed.push((no, due));
            }
        }
        // The worker's reflection, discussed with the auditor.
        let Some(reflected) = self.day(graded, 2) else {
            return Ok(());
        };
        let answers = t
            .reflection
            .iter()
            .map(|p| {
                let i = usize::try_from(rng.below(REFLECTIONS.len() as u64)).unwrap_or(0);
                Ok(Reflection {
                    prompt: p.id.clone(),
                    text: text(REFLECTIONS[i])?,
                })
            })
            .collect::<Result<Vec<_>, AuditsError>>()?;
        if !self.step(
            at(reflected, 10, 0),
            &worker,
            AuditEvent::ReflectionRecorded {
                worker: worker.clone(),
                answers,
            },
        ) || !self.step(
            at(reflected, 15, 0),
            &auditor,
            AuditEvent::ReflectionDiscussed {
                worker: worker.clone(),
                note: text("We talked through the findings and what will change.")?,
            },
        ) {
            return Ok(());
        }
        // The family's view, by telephone.
        let Some(called) = self.day(reflected, 1) else {
            return Ok(());
        };
        let feedback = if rng.chance(0.75) {
            AuditEvent::FamilyFeedbackRecorded {
                respondent: *rng
                    .pick(&[
                        Respondent::Parent,
                        Respondent::Parent,
                        Respondent::Carer,
                        Respondent::Child,
                    ])
                    .unwrap_or(&Respondent::Parent),
                method: FeedbackMethod::Telephone,
                answers: t
                    .family_questions
                    .iter()
                    .map(|q| {
                        let option = rng.pick(&q.options).map(|(id, _)| id.clone());
                        Ok(FamilyAnswer {
                            question: q.id.clone(),
                            text: if option.is_none() {
                                Some(text(
                                    FAMILY[usize::try_from(rng.below(FAMILY.len() as u64))
                                        .unwrap_or(0)],
                                )?)
                            } else {
                                None
                            },
                            option,
                        })
                    })
                    .collect::<Result<Vec<_>, AuditsError>>()?,
            }
        } else {
            AuditEvent::FamilyFeedbackNotTaken {
                reason: *rng
                    .pick(&[
                        FeedbackNotTaken::NotReached,
                        FeedbackNotTaken::NotReached,
                        FeedbackNotTaken::Declined,
                    ])
                    .unwrap_or(&FeedbackNotTaken::NotReached),
                note: text("Three calls on different days.")?,
            }
        };
        if !self.step(at(called, 11, 0), &auditor, feedback) {
            return Ok(());
        }
        let Some(done) = self.day(called, 1) else {
            return Ok(());
        };
        if !self.step(at(done, 16, 0), &auditor, AuditEvent::AuditCompleted {}) {
            return Ok(());
        }
        // The copy to a reviewing officer, and the PRIM.
        let Some(next) = self.day(done, 1) else {
            return Ok(());
        };
        if let Some(officer) = rng
            .pick(&in_post(self.workforce, next, |r| {
                r == StaffRole::ReviewingOfficer
            }))
            .cloned()
        {
            self.step(
                at(next, 10, 0),
                qa,
                AuditEvent::CopiedToReviewingOfficer { officer },
            );
        }
        if let Some(prim) = self.day(done, rng.between(4, 18)) {
            let mut attendees = vec![
                Attendee::Staff {
                    staff: worker.clone(),
                },
                Attendee::Staff {
                    staff: auditor.clone(),
                },
            ];
            if let Some(m) = self
                .workforce
                .staff
                .get(&worker)
                .and_then(|w| w.line_manager.clone())
            {
                attendees.push(Attendee::Staff { staff: m });
            }
            attendees.retain(|a| match a {
                Attendee::Staff { staff } => self
                    .workforce
                    .staff
                    .get(staff)
                    .is_some_and(|m| m.in_post_on(prim)),
                Attendee::Agency { .. } => true,
            });
            let Some(chair) = self.coordinator(prim) else {
                return Ok(());
            };
            self.step(
                at(prim, 14, 0),
                &chair,
                AuditEvent::PrimHeld {
                    attendees,
                    agreed: text("The actions stand; progress to be checked in supervision.")?,
                },
            );
        }
        // The actions: most done in time with the record to show it, some late, some open.
        for (no, due) in agreed {
            let roll = rng.unit();
            let when = if roll < 0.65 {
                due - chrono::Days::new(u64::try_from(rng.between(1, 8)).unwrap_or(1))
            } else if roll < 0.8 {
                due + chrono::Days::new(u64::try_from(rng.between(2, 15)).unwrap_or(2))
            } else {
                continue;
            };
            let when = when.max(graded + chrono::Days::new(1));
            // The evidence: the latest entry on the child's record by then.
            let Some(version) = self
                .record
                .log
                .iter()
                .filter(|l| l.mark.at <= at(when, 11, 0))
                .map(|l| l.mark.version)
                .max()
            else {
                continue;
            };
            self.step(
                at(when, 11, 0),
                &worker,
                AuditEvent::ActionCompleted {
                    action: no,
                    note: text("Done, and recorded on the child's file.")?,
                    evidence: vec![EvidenceRef {
                        child: child.clone(),
                        version,
                    }],
                },
            );
        }
        // A sample is graded again, blind, and moderated where the grades differ.
        if rng.chance(0.3) {
            let Some(asked) = self.day(done, 2) else {
                return Ok(());
            };
            let Some(by) = self.day(asked, 10) else {
                return Ok(());
            };
            let mut second_candidates: Vec<StaffId> =
                in_post(self.workforce, asked, |r| t.auditors.contains(&r))
                    .into_iter()
                    .filter(|s| s != &auditor)
                    .collect();
            let Some(asker) = self.coordinator(asked) else {
                return Ok(());
            };
            let mut second = None;
            while !second_candidates.is_empty() {
                let i = usize::try_from(rng.below(second_candidates.len() as u64)).unwrap_or(0);
                let who = second_candidates.swap_remove(i);
                if self.step(
                    at(asked, 10, 30),
                    &asker,
                    AuditEvent::RegradeAssigned {
                        auditor: who.clone(),
                        deadline: by,
                    },
                ) {
                    second = Some(who);
                    break;
                }
            }
            let Some(second) = second else { return Ok(()) };
            let Some(regraded) = self.day(asked, rng.between(2, 9)) else {
                return Ok(());
            };
            let mut theirs: Vec<SectionGrade> = Vec::new();
            for (section, p) in &given {
                let q = if rng.chance(0.2) {
                    self.shift(*p, if rng.chance(0.5) { 1 } else { -1 })
                } else {
                    *p
                };
                let Some(grade) = self.grade(q) else {
                    return Ok(());
                };
                theirs.push(SectionGrade {
                    section: section.clone(),
                    grade,
                });
            }
            let their_overall = if rng.chance(0.2) {
                self.shift(quality, if rng.chance(0.5) { 1 } else { -1 })
            } else {
                quality
            };
            let Some(their_overall_grade) = self.grade(their_overall) else {
                return Ok(());
            };
            if !self.step(
                at(regraded, 15, 0),
                &second,
                AuditEvent::RegradeRecorded {
                    sections: theirs.clone(),
                    overall: their_overall_grade,
                    reasons: text("Graded from the record alone.")?,
                },
            ) {
                return Ok(());
            }
            let differ = their_overall != quality
                || theirs.iter().any(|g| {
                    given
                        .get(&g.section)
                        .is_some_and(|p| Some(g.grade) != self.grade(*p))
                });
            if differ {
                let Some(decided) = self.day(regraded, rng.between(1, 5)) else {
                    return Ok(());
                };
                let moderators: Vec<StaffId> = in_post(self.workforce, decided, |r| {
                    r == StaffRole::QualityAssuranceLead || t.auditors.contains(&r)
                })
                .into_iter()
                .filter(|s| s != &auditor && s != &second)
                .collect();
                let settled: Vec<SectionGrade> = theirs
                    .iter()
                    .map(|g| SectionGrade {
                        section: g.section.clone(),
                        grade: if rng.chance(0.5) {
                            g.grade
                        } else {
                            given
                                .get(&g.section)
                                .and_then(|p| self.grade(*p))
                                .unwrap_or(g.grade)
                        },
                    })
                    .collect();
                let settled_overall = if rng.chance(0.5) {
                    their_overall_grade
                } else {
                    overall
                };
                // The first moderator the rules accept (one who manages the case is not).
                for m in moderators.iter().take(6) {
                    if self.step(
                        at(decided, 12, 0),
                        m,
                        AuditEvent::ModerationDecided {
                            sections: settled.clone(),
                            overall: settled_overall,
                            reason: text("Decided from the record and both auditors' reasons.")?,
                        },
                    ) {
                        break;
                    }
                }
            }
        }
        Ok(())
    }
}

const REASONS: [&str; 4] = [
    "The record shows this clearly and consistently.",
    "Most of what is expected is there, with some gaps.",
    "The record is thin here and the reasons for decisions are not written down.",
    "Seen in the visits, the assessment and the latest plan.",
];

const OVERALL: [&str; 3] = [
    "Taken together the work makes a difference for the child.",
    "Sound work overall, with recording that lags behind practice.",
    "Drift in planning leaves the child's circumstances unchanged.",
];

const STRENGTHS: [(&str, &str); 4] = [
    (
        "The child's own words run through the assessment and the plan.",
        "voice-of-the-child",
    ),
    (
        "Visits are regular and the child is seen alone.",
        "voice-of-the-child",
    ),
    (
        "Partners are involved and share information promptly.",
        "multi-agency-working",
    ),
    (
        "The manager's oversight gives clear direction.",
        "management-oversight",
    ),
];

const DEVELOPMENTS: [(&str, &str); 6] = [
    ("The chronology is out of date.", "recording"),
    (
        "The plan's actions have no dates or owners.",
        "planning-and-drift",
    ),
    ("Risks are listed but not analysed.", "risk-analysis"),
    (
        "Visits slipped beyond the timescale in the summer.",
        "timeliness",
    ),
    (
        "The father is not involved in the plan.",
        "family-engagement",
    ),
    (
        "Supervision notes do not record decisions.",
        "management-oversight",
    ),
];

const CONCERNS: [&str; 2] = [
    "A new adult in the household has not been checked.",
    "The child's recent injury was not followed up.",
];

const ACTIONS: [&str; 4] = [
    "Bring the chronology up to date.",
    "Add dates and owners to every action of the plan.",
    "Visit the child alone and record their wishes and feelings.",
    "Write a case summary with an analysis of the risks.",
];

const REFLECTIONS: [&str; 3] = [
    "The relationship with the family is good and the child trusts me.",
    "Recording has fallen behind during a busy period.",
    "More time with the child on their own would help.",
];

const FAMILY: [&str; 2] = [
    "The worker calls back when she says she will.",
    "We would like more notice of meetings.",
];
