//! Care leavers: eligibility, keeping in touch, activity and accommodation, pathway plans,
//! personal advisers and support after 21.

use chrono::NaiveDate;

use crate::child::events::ChildEvent;
use crate::child::record::{Check, ChildRecord, Mark};
use crate::codes::*;
use crate::directory::{Directory, staff_in_post};
use crate::event::Recorded;
use crate::ids::StaffId;
use crate::rules::{Rule, ensure};
use crate::time::birthday;

/// Care leaver records.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CareLeaverRecord {
    /// Eligibility decisions.
    pub statuses: Vec<(Mark, CareLeaverCategory)>,
    /// In-touch checks.
    pub contacts: Vec<(Mark, CareLeaverInTouch)>,
    /// Main activity.
    pub activities: Vec<(Mark, CareLeaverActivity)>,
    /// Accommodation.
    pub accommodation: Vec<(Mark, CareLeaverAccommodation)>,
    /// Pathway plans.
    pub pathway_plans: Vec<(Mark, PathwayPlanStage)>,
    /// Personal advisers.
    pub advisers: Vec<(Mark, StaffId)>,
    /// When the young person asked for support to continue after 21.
    pub support_requested: Vec<Mark>,
}

impl CareLeaverRecord {
    /// The birthday a care leaver's support ends on.
    pub const SUPPORT_UNTIL: i32 = 21;
    /// The birthday it ends on when they asked for it to continue.
    pub const SUPPORT_ON_REQUEST_UNTIL: i32 = 25;
}

impl ChildRecord {
    /// The day a care leaver's support from the service ends, while the latest care leaver
    /// status is one the service supports (relevant or former relevant) and they are alive:
    /// their 21st birthday, or their 25th if they asked for support to continue. Until then
    /// their case stays open with their personal adviser, whether or not a child in need
    /// episode is.
    pub fn care_leaver_support_ends_on(&self) -> Option<NaiveDate> {
        let (_, latest) = self.care_leaver.statuses.last()?;
        if !latest.is_supported() || self.date_of_death.is_some() {
            return None;
        }
        let years = if self.care_leaver.support_requested.is_empty() {
            CareLeaverRecord::SUPPORT_UNTIL
        } else {
            CareLeaverRecord::SUPPORT_ON_REQUEST_UNTIL
        };
        birthday(self.date_of_birth()?, years)
    }

    /// The current personal adviser.
    pub fn personal_adviser(&self) -> Option<&StaffId> {
        self.care_leaver.advisers.last().map(|(_, a)| a)
    }
}

/// Folds in an event, if it is one of this area's.
pub(super) fn apply(record: &mut ChildRecord, mark: Mark, event: &ChildEvent) {
    use ChildEvent::*;
    match event {
        CareLeaverStatusRecorded { category } => {
            record.care_leaver.statuses.push((mark, *category))
        }
        CareLeaverContactRecorded { in_touch } => {
            record.care_leaver.contacts.push((mark, *in_touch))
        }
        CareLeaverActivityRecorded { activity } => {
            record.care_leaver.activities.push((mark, *activity))
        }
        CareLeaverAccommodationRecorded { accommodation } => record
            .care_leaver
            .accommodation
            .push((mark, *accommodation)),
        PathwayPlanRecorded { stage } => record.care_leaver.pathway_plans.push((mark, *stage)),
        CareLeaverSupportRequested {} => record.care_leaver.support_requested.push(mark),
        PersonalAdviserAllocated { adviser } => {
            record.care_leaver.advisers.push((mark, adviser.clone()))
        }
        // The other areas' events.
        _ => {}
    }
}

/// Checks an event against this area's rules, if it is one of this area's.
pub(super) fn check(record: &ChildRecord, ev: &Recorded<ChildEvent>, dir: &dyn Directory) -> Check {
    use ChildEvent::*;
    let date = ev.date();
    match &ev.event {
        CareLeaverStatusRecorded { category } => {
            // Without episodes in the record, only a status that says they have left
            // care can be recorded: their care predates the record.
            let left = matches!(
                category,
                CareLeaverCategory::Relevant
                    | CareLeaverCategory::FormerRelevant
                    | CareLeaverCategory::Qualifying
            );
            ensure(
                record.was_ever_looked_after() || left,
                Rule::CareLeaver,
                || "care leaver eligibility is for children who have been looked after".to_owned(),
            )?;
            ensure(
                record.age_on(date).is_some_and(|a| a >= 16),
                Rule::CareLeaver,
                || "care leaver eligibility is for young people aged 16 or over".to_owned(),
            )
        }
        CareLeaverContactRecorded { .. }
        | CareLeaverActivityRecorded { .. }
        | CareLeaverAccommodationRecorded { .. } => {
            care_leaver(record, date, "care leaver information")
        }
        PathwayPlanRecorded { .. } => {
            ensure(record.was_ever_looked_after(), Rule::CareLeaver, || {
                "a pathway plan is for children who are or have been looked after".to_owned()
            })
        }
        PersonalAdviserAllocated { adviser } => {
            care_leaver(record, date, "a personal adviser")?;
            let a = staff_in_post(dir, adviser, date)?;
            ensure(a.role.holds_cases(), Rule::NeedsCaseholder, || {
                format!(
                    "{adviser} is a {} and cannot be a personal adviser",
                    a.role.label().to_lowercase()
                )
            })
        }
        CareLeaverSupportRequested {} => {
            care_leaver(record, date, "support after 21")?;
            let age = record.age_on(date).unwrap_or(0);
            ensure(age >= 18, Rule::CareLeaver, || {
                "support after 21 is asked for by a care leaver aged 18 or over".to_owned()
            })?;
            ensure(
                age < CareLeaverRecord::SUPPORT_ON_REQUEST_UNTIL,
                Rule::CareLeaver,
                || "support after 21 continues to the 25th birthday at most".to_owned(),
            )
        }
        // The other areas' events.
        _ => Ok(()),
    }
}

fn care_leaver(record: &ChildRecord, date: NaiveDate, what: &str) -> Check {
    // A young person who left care before the record began is known by their care leaver
    // status alone (a council starting from its last returns).
    let known = record.was_ever_looked_after() || !record.care_leaver.statuses.is_empty();
    ensure(known, Rule::CareLeaver, || {
        format!("{what} is for children who have been looked after")
    })?;
    ensure(
        record.age_on(date).is_some_and(|a| a >= 16),
        Rule::CareLeaver,
        || format!("{what} is for young people aged 16 or over"),
    )
}
