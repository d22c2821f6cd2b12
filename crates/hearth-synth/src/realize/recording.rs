//! The recording of casework: visits, case notes, oversight, supervision, summaries and
//! the chronology.

use hearth_domain::Timestamp;
use hearth_domain::child::ChildEvent;
use hearth_domain::codes::*;
use hearth_domain::ids::StaffId;
use hearth_domain::values::Line;

use super::{Case, Every, Who, cadence, err, text};
use crate::data::DataError;
use crate::rng::Rng;

impl Case<'_, '_> {
    /// Case notes, management oversight, supervision, summaries and the chronology while
    /// the case is open.
    pub(super) fn recording(
        &mut self,
        rng: &mut Rng,
        from: Timestamp,
        until: Timestamp,
    ) -> Result<(), DataError> {
        let kinds = [
            (CaseNoteKind::Telephone, 0.35),
            (CaseNoteKind::Email, 0.2),
            (CaseNoteKind::Meeting, 0.12),
            (CaseNoteKind::DirectWork, 0.1),
            (CaseNoteKind::Information, 0.18),
            (CaseNoteKind::Letter, 0.05),
        ];
        let notes = [
            "Spoke with the child's mother about the plan and the next visit.",
            "The school reported better attendance this week.",
            "Direct work session: the child talked about home and school.",
            "Information from the GP about a missed appointment.",
            "Called the health visitor to share the plan.",
            "Letter sent confirming the date of the next meeting.",
        ];
        for at in cadence(rng, from, until, Every::Days(6), Every::Days(12), 0.9) {
            let kind = *rng.weighted(&kinds).unwrap_or(&CaseNoteKind::Telephone);
            let significant = rng.chance(0.04);
            self.events.routine(
                at,
                Who::Worker,
                ChildEvent::CaseNoteRecorded {
                    kind,
                    text: text(rng.pick(&notes).copied().unwrap_or(notes[0]))?,
                    significant,
                },
            );
        }
        let p = &self.borough.rates.practice;
        let (oversight, paperwork) = (p.oversight_on_time, p.recording_within_48_hours);
        // A manager's oversight on the record every few months, besides the decisions that
        // carry it; the case discussed in the worker's supervision every four weeks.
        for at in cadence(rng, from, until, Every::Days(60), Every::Days(91), 0.9) {
            self.events.routine(at, Who::Manager, ChildEvent::ManagementOversightRecorded { manager: StaffId::parse("S00001").map_err(err)?, text: text("Reviewed progress against the plan; actions and timescales agreed with the worker.")? });
        }
        let four_weeks = Every::Days(28);
        for at in cadence(rng, from, until, four_weeks, four_weeks, oversight) {
            self.events.routine(at, Who::Manager, ChildEvent::SupervisionRecorded { supervisor: StaffId::parse("S00001").map_err(err)?, worker: StaffId::parse("S00001").map_err(err)?, text: text("Supervision: reflected on the child's experience, risks and the next steps.")?, discussion: None });
        }
        let quarter = Every::Months(3);
        for at in cadence(rng, from, until, quarter, quarter, paperwork) {
            self.events.routine(at, Who::Worker, ChildEvent::CaseSummaryRecorded { text: text("Summary brought up to date: the child's circumstances, the plan and progress since the last summary.")? });
        }
        for at in cadence(rng, from, until, quarter, quarter, paperwork) {
            self.events.routine(
                at,
                Who::Worker,
                ChildEvent::ChronologyEntryAdded {
                    summary: Line::parse("Chronology reviewed and brought up to date")
                        .map_err(err)?,
                    detail: None,
                },
            );
        }
        Ok(())
    }

    /// A visit at `at`: whether the child was seen, and seen alone.
    pub(super) fn visit(
        &self,
        rng: &mut Rng,
        at: Timestamp,
        kind: VisitKind,
    ) -> Result<ChildEvent, DataError> {
        let child = self.child;
        // A baby's birth is recorded at noon on the day, so a visit sees them from the next day.
        let date = at.london_date();
        let born = child.dob.is_some_and(|d| d <= date) || child.born.is_some_and(|d| d < date);
        if !born {
            return Ok(ChildEvent::VisitMade {
                kind,
                child_seen: false,
                seen_alone: None,
                not_seen_alone_reason: None,
                bedroom_seen: None,
            });
        }
        let age = child.age_on(at.london_date()).unwrap_or(0);
        let seen = rng.chance(0.95);
        if !seen {
            return Ok(ChildEvent::VisitMade {
                kind,
                child_seen: false,
                seen_alone: None,
                not_seen_alone_reason: None,
                bedroom_seen: Some(false),
            });
        }
        let alone = age >= 4 && rng.chance(0.82);
        let reason = if alone {
            None
        } else if age < 4 {
            Some(text(
                "Too young to be seen alone; observed with their carer.",
            )?)
        } else {
            Some(text(
                rng.pick(&[
                    "The child did not want to speak without their carer present.",
                    "Seen alone at school the following day instead.",
                    "There was no private space during this visit.",
                ])
                .copied()
                .unwrap_or("Not possible on this visit."),
            )?)
        };
        Ok(ChildEvent::VisitMade {
            kind,
            child_seen: true,
            seen_alone: Some(alone),
            not_seen_alone_reason: reason,
            bedroom_seen: Some(rng.chance(0.8)),
        })
    }
}
