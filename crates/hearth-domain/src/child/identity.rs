//! Who the child is: registration, their details and addresses, birth, death and parenthood.

use chrono::NaiveDate;

use crate::child::events::ChildEvent;
use crate::child::record::{Check, ChildRecord, Mark, born_by};
use crate::codes::*;
use crate::event::Recorded;
use crate::people::{Address, ChildDetails};
use crate::rules::{Rule, ensure, refuse};

/// An address and the date it applied from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddressRecord {
    /// From when.
    pub from: Mark,
    /// The address.
    pub address: Address,
}

/// Folds in an event, if it is one of this area's.
pub(super) fn apply(record: &mut ChildRecord, mark: Mark, event: &ChildEvent) {
    use ChildEvent::*;
    match event {
        ChildRegistered { details, address } => {
            record.details = Some(details.clone());
            record.registered = Some(mark);
            if let Some(a) = address {
                record.addresses.push(AddressRecord {
                    from: mark,
                    address: a.clone(),
                });
            }
        }
        ChildDetailsAmended { details } => record.details = Some(details.clone()),
        AddressChanged { address } => record.addresses.push(AddressRecord {
            from: mark,
            address: address.clone(),
        }),
        BirthRecorded { date_of_birth } => {
            if let Some(d) = &mut record.details {
                d.date_of_birth = Some(*date_of_birth);
                d.expected_date_of_birth = None;
            }
        }
        DeathRecorded { date_of_death } => record.date_of_death = Some(*date_of_death),
        ParenthoodRecorded { first_child_born } => {
            record.first_child_born = Some(*first_child_born)
        }
        // The other areas' events.
        _ => {}
    }
}

/// Checks an event against this area's rules, if it is one of this area's.
pub(super) fn check(record: &ChildRecord, ev: &Recorded<ChildEvent>) -> Check {
    use ChildEvent::*;
    let date = ev.date();
    match &ev.event {
        ChildRegistered { details, .. } | ChildDetailsAmended { details } => {
            check_details(details, date)
        }
        BirthRecorded { date_of_birth } => {
            ensure(record.date_of_birth().is_none(), Rule::AlreadyBorn, || {
                "the child's birth is already recorded".to_owned()
            })?;
            ensure(*date_of_birth <= date, Rule::BornInFuture, || {
                format!(
                    "the date of birth {date_of_birth} is after the date it was recorded ({date})"
                )
            })
        }
        DeathRecorded { date_of_death } => {
            ensure(record.date_of_death.is_none(), Rule::AfterDeath, || {
                "the child's death is already recorded".to_owned()
            })?;
            ensure(*date_of_death <= date, Rule::EndsBeforeStart, || {
                format!(
                    "the date of death {date_of_death} is after the date it was recorded ({date})"
                )
            })?;
            match record.date_of_birth() {
                Some(dob) => ensure(*date_of_death >= dob, Rule::BeforeBirth, || {
                    format!("the date of death {date_of_death} is before the date of birth {dob}")
                }),
                None => Ok(()),
            }
        }
        ParenthoodRecorded { first_child_born } => {
            born_by(record, date, "becoming a parent")?;
            ensure(*first_child_born <= date, Rule::BornInFuture, || {
                format!(
                    "the baby's date of birth {first_child_born} is after the date it was recorded ({date})"
                )
            })
        }
        AddressChanged { .. } => Ok(()),
        // The other areas' events.
        _ => Ok(()),
    }
}

/// Checks a child's details on their own.
pub fn check_details(details: &ChildDetails, on: NaiveDate) -> Check {
    match (details.date_of_birth, details.expected_date_of_birth) {
        (Some(_), Some(_)) => {
            return refuse(
                Rule::BirthDates,
                "give a date of birth or an expected date of birth, not both",
            );
        }
        (None, None) => {
            return refuse(
                Rule::BirthDates,
                "give a date of birth, or an expected date of birth for an unborn child",
            );
        }
        (Some(dob), None) => ensure(dob <= on, Rule::BornInFuture, || {
            format!("the date of birth {dob} is after the date it was recorded ({on})")
        })?,
        (None, Some(_)) => ensure(details.sex == Sex::U, Rule::UnbornSex, || {
            "an unborn child's sex is recorded as U (not known)".to_owned()
        })?,
    }
    let d = &details.disabilities;
    ensure(
        !(d.contains(&Disability::None) && d.len() > 1),
        Rule::Disabilities,
        || "NONE cannot be combined with other disabilities".to_owned(),
    )?;
    for (i, x) in d.iter().enumerate() {
        ensure(!d[..i].contains(x), Rule::Disabilities, || {
            format!("disability {x} is listed twice")
        })?;
    }
    ensure(
        !(details.upn.is_some() && details.upn_unknown.is_some()),
        Rule::UpnAndReason,
        || "give a UPN or the reason it is unknown, not both".to_owned(),
    )?;
    ensure(
        details.uasc || details.uasc_ceased.is_none(),
        Rule::UascCeased,
        || {
            "a date the child stopped being an unaccompanied asylum seeker needs them to have been one".to_owned()
        },
    )?;
    Ok(())
}
