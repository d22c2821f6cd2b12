//! The rules a new event in a child's record must keep, checked against the record as it
//! stands at the moment the event happened.

use chrono::{Datelike, NaiveDate, Weekday};

use crate::child::events::ChildEvent;
use crate::child::state::{CareEpisode, CareLeaverRecord, ChildRecord, EpisodeOfNeed};
use crate::codes::*;
use crate::directory::{Directory, check_envelope, manager_in_post, staff_in_post};
use crate::event::Recorded;
use crate::ids::StaffId;
use crate::people::ChildDetails;
use crate::rules::{Rule, RuleViolation, ensure, refuse};

type Check = Result<(), RuleViolation>;

fn not_before(rule_what: &str, date: NaiveDate, start: NaiveDate) -> Check {
    ensure(date >= start, Rule::EndsBeforeStart, || {
        format!("{rule_what} on {date} is before it started on {start}")
    })
}

fn weekday(date: NaiveDate, what: &str) -> Check {
    ensure(
        !matches!(date.weekday(), Weekday::Sat | Weekday::Sun),
        Rule::ConferenceAtWeekend,
        || {
            format!(
                "{what} cannot be held at a weekend ({date} is a {})",
                date.weekday()
            )
        },
    )
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

fn require_open<'r>(
    record: &'r ChildRecord,
    what: &str,
) -> Result<&'r EpisodeOfNeed, RuleViolation> {
    match record.open_episode() {
        Some(e) => Ok(e),
        None => refuse(
            Rule::CaseNotOpen,
            format!("{what} needs an open child in need episode: record a referral first"),
        ),
    }
}

/// An open episode that is not a "no further action" referral.
fn require_active<'r>(
    record: &'r ChildRecord,
    what: &str,
) -> Result<&'r EpisodeOfNeed, RuleViolation> {
    let e = require_open(record, what)?;
    ensure(!e.no_further_action, Rule::NoFurtherActionReferral, || {
        format!(
            "{what} cannot follow a referral marked no further action: close it, or record a new referral"
        )
    })?;
    Ok(e)
}

fn born_by(record: &ChildRecord, date: NaiveDate, what: &str) -> Check {
    match record.date_of_birth() {
        Some(dob) if dob <= date => Ok(()),
        Some(dob) => refuse(
            Rule::BeforeBirth,
            format!("{what} on {date} is before the child was born ({dob})"),
        ),
        None => refuse(
            Rule::BeforeBirth,
            format!("{what} needs the child to be born: record the birth first"),
        ),
    }
}

fn looked_after<'r>(record: &'r ChildRecord, what: &str) -> Result<&'r CareEpisode, RuleViolation> {
    match record.current_care_episode() {
        Some(e) => Ok(e),
        None => refuse(
            Rule::NotLookedAfter,
            format!("{what} needs the child to be looked after"),
        ),
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

/// Events still allowed after a child's death: recording, and ending what was open.
fn allowed_after_death(ev: &ChildEvent) -> bool {
    use ChildEvent::*;
    ev.is_recording()
        || matches!(
            ev,
            EpisodeEnded { .. }
                | CpPlanEnded { .. }
                | CinPlanEnded { .. }
                | CaseClosed { .. }
                | WorkerUnallocated { .. }
                | MissingEpisodeEnded {}
                | DeprivationOfLibertyEnded {}
                | AdoptionPlanEnded { .. }
                | AssessmentCompleted { .. }
                | AssessmentAuthorised { .. }
                | Section47Completed { .. }
                | MeetingCancelled { .. }
                // Who may see a record matters as much after a death as before.
                | RecordRestricted { .. }
                | RestrictionLifted { .. }
        )
}

/// Refuses unless `id` is in post on `on` in a role that may restrict a record: a restriction
/// overrides team-wide sight, so it is a decision for a team manager or a senior leader.
fn restriction_decider(dir: &dyn Directory, id: &StaffId, on: NaiveDate, what: &str) -> Check {
    let s = staff_in_post(dir, id, on)?;
    ensure(
        matches!(
            s.role,
            StaffRole::TeamManager | StaffRole::HeadOfService | StaffRole::AssistantDirector
        ),
        Rule::RestrictionDecision,
        || {
            format!(
                "{id} is a {}: {what} is for a team manager, head of service or assistant director",
                s.role.label().to_lowercase()
            )
        },
    )
}

fn placement_changed(prev: &CareEpisode, ev: &ChildEvent) -> (bool, bool) {
    match ev {
        ChildEvent::EpisodeStarted {
            legal_status,
            placement,
            provider,
            urn,
            placement_postcode,
            ..
        } => (
            *legal_status != prev.legal_status,
            *placement != prev.placement
                || *provider != prev.provider
                || *urn != prev.urn
                || *placement_postcode != prev.placement_postcode,
        ),
        _ => (false, false),
    }
}

impl ChildRecord {
    /// Checks an event against the record as it stands; changes nothing. Corrections are
    /// checked by [`crate::child::ChildStream`], which can see the events they correct.
    pub fn check(&self, ev: &Recorded<ChildEvent>, dir: &dyn Directory) -> Check {
        use ChildEvent::*;
        check_envelope(ev, dir)?;
        let date = ev.date();
        match (&ev.event, &self.details) {
            (ChildRegistered { .. }, Some(_)) => {
                return refuse(
                    Rule::AlreadyRegistered,
                    format!("child {} is already registered", self.id),
                );
            }
            (ChildRegistered { .. }, None) => {}
            (_, None) => {
                return refuse(
                    Rule::NotRegistered,
                    format!("child {} must be registered first", self.id),
                );
            }
            _ => {}
        }
        if let Some(died) = self.date_of_death {
            ensure(
                date <= died || allowed_after_death(&ev.event),
                Rule::AfterDeath,
                || {
                    format!(
                        "the child died on {died}: only recording and closing what was open can follow"
                    )
                },
            )?;
        }

        match &ev.event {
            ChildRegistered { details, .. } | ChildDetailsAmended { details } => {
                check_details(details, date)
            }
            AddressChanged { .. } | FamilyLinked { .. } | ContactRecorded { .. } => Ok(()),
            BirthRecorded { date_of_birth } => {
                ensure(self.date_of_birth().is_none(), Rule::AlreadyBorn, || {
                    "the child's birth is already recorded".to_owned()
                })?;
                ensure(*date_of_birth <= date, Rule::BornInFuture, || {
                    format!(
                        "the date of birth {date_of_birth} is after the date it was recorded ({date})"
                    )
                })
            }
            DeathRecorded { date_of_death } => {
                ensure(self.date_of_death.is_none(), Rule::AfterDeath, || {
                    "the child's death is already recorded".to_owned()
                })?;
                ensure(*date_of_death <= date, Rule::EndsBeforeStart, || {
                    format!(
                        "the date of death {date_of_death} is after the date it was recorded ({date})"
                    )
                })?;
                match self.date_of_birth() {
                    Some(dob) => ensure(*date_of_death >= dob, Rule::BeforeBirth, || {
                        format!(
                            "the date of death {date_of_death} is before the date of birth {dob}"
                        )
                    }),
                    None => Ok(()),
                }
            }
            ParenthoodRecorded { first_child_born } => {
                born_by(self, date, "becoming a parent")?;
                ensure(*first_child_born <= date, Rule::BornInFuture, || {
                    format!(
                        "the baby's date of birth {first_child_born} is after the date it was recorded ({date})"
                    )
                })
            }
            NetworkMemberAdded { person, .. } => {
                ensure(dir.has_person(person), Rule::UnknownPerson, || {
                    format!("person {person} does not exist")
                })?;
                ensure(
                    self.network_link(person).is_none(),
                    Rule::NetworkMember,
                    || format!("person {person} is already in the child's network"),
                )
            }
            NetworkMemberChanged { person, .. } | NetworkMemberRemoved { person } => ensure(
                self.network_link(person).is_some(),
                Rule::NetworkMember,
                || format!("person {person} is not in the child's network"),
            ),
            ProfessionalInvolved { professional, .. } => {
                ensure(
                    dir.has_professional(professional),
                    Rule::UnknownProfessional,
                    || format!("professional {professional} does not exist"),
                )?;
                let current = self
                    .professionals
                    .iter()
                    .any(|p| &p.professional == professional && p.until.is_none());
                ensure(!current, Rule::ProfessionalInvolvement, || {
                    format!("professional {professional} is already involved")
                })
            }
            ProfessionalInvolvementEnded { professional } => {
                let current = self
                    .professionals
                    .iter()
                    .any(|p| &p.professional == professional && p.until.is_none());
                ensure(current, Rule::ProfessionalInvolvement, || {
                    format!("professional {professional} is not involved")
                })
            }
            SiblingLinked { sibling, .. } => {
                ensure(sibling != &self.id, Rule::UnknownChild, || {
                    "a child cannot be their own sibling".to_owned()
                })?;
                ensure(dir.has_child(sibling), Rule::UnknownChild, || {
                    format!("child {sibling} does not exist")
                })
            }
            EarlyHelpAssessmentStarted { .. } => {
                let open = self
                    .early_help
                    .last()
                    .is_some_and(|e| e.completed.is_none());
                ensure(!open, Rule::EarlyHelp, || {
                    "an early help assessment is already in progress".to_owned()
                })
            }
            EarlyHelpAssessmentCompleted {} => {
                match self.early_help.last().filter(|e| e.completed.is_none()) {
                    Some(e) => {
                        not_before("completing the early help assessment", date, e.start.date())
                    }
                    None => refuse(Rule::EarlyHelp, "no early help assessment is in progress"),
                }
            }
            ReferralReceived {
                primary_need,
                no_further_action,
                ..
            } => {
                if let Some(open) = self.open_episode() {
                    return refuse(
                        Rule::CaseAlreadyOpen,
                        format!(
                            "a child in need episode has been open since {}: record a contact on the open case instead",
                            open.referral.date()
                        ),
                    );
                }
                ensure(
                    *no_further_action || primary_need.is_some(),
                    Rule::PrimaryNeedRequired,
                    || "a referral that goes further needs a primary need".to_owned(),
                )
            }
            PrimaryNeedChanged { .. } => {
                require_active(self, "changing the primary need").map(|_| ())
            }
            WorkerAllocated {
                worker,
                team,
                decided_by,
                ..
            } => {
                require_open(self, "allocating a worker")?;
                let w = staff_in_post(dir, worker, date)?;
                ensure(w.role.holds_cases(), Rule::NeedsCaseholder, || {
                    format!(
                        "{worker} is a {} and does not hold cases",
                        w.role.label().to_lowercase()
                    )
                })?;
                match dir.team(team) {
                    Some(t) if t.closed.is_none() => {}
                    _ => {
                        return refuse(
                            Rule::UnknownTeam,
                            format!("team {team} does not exist or has closed"),
                        );
                    }
                }
                manager_in_post(dir, decided_by, date).map(|_| ())
            }
            WorkerUnallocated { .. } => ensure(
                self.current_allocation().is_some(),
                Rule::NotAllocated,
                || "the child has no allocated worker".to_owned(),
            ),
            AssessmentStarted {} => {
                let e = require_active(self, "an assessment")?;
                match e.open_assessment() {
                    Some(a) => refuse(
                        Rule::AssessmentOpen,
                        format!(
                            "an assessment has been in progress since {}",
                            a.start.date()
                        ),
                    ),
                    None => Ok(()),
                }
            }
            AssessmentChildSeen {} => {
                let e = require_open(self, "seeing the child for the assessment")?;
                let Some(a) = e.open_assessment() else {
                    return refuse(Rule::NoOpenAssessment, "no assessment is in progress");
                };
                born_by(self, date, "seeing the child")?;
                not_before("seeing the child for the assessment", date, a.start.date())
            }
            AssessmentCompleted { factors, .. } => {
                let e = require_open(self, "completing an assessment")?;
                let Some(a) = e.open_assessment() else {
                    return refuse(Rule::NoOpenAssessment, "no assessment is in progress");
                };
                not_before("completing the assessment", date, a.start.date())?;
                ensure(!factors.is_empty(), Rule::AssessmentFactors, || {
                    "record the factors found, or 21 if none were".to_owned()
                })?;
                ensure(
                    !(factors.contains(&AssessmentFactor::F21) && factors.len() > 1),
                    Rule::AssessmentFactors,
                    || {
                        "factor 21 (no factors identified) cannot be combined with others"
                            .to_owned()
                    },
                )?;
                for (i, f) in factors.iter().enumerate() {
                    ensure(!factors[..i].contains(f), Rule::AssessmentFactors, || {
                        format!("factor {f} is listed twice")
                    })?;
                }
                Ok(())
            }
            AssessmentAuthorised { manager } => {
                let e = require_open(self, "authorising an assessment")?;
                let completed = e
                    .assessments
                    .last()
                    .filter(|a| a.authorisation.is_none())
                    .and_then(|a| a.completion.as_ref());
                let Some((done, _, _)) = completed else {
                    return refuse(
                        Rule::AssessmentAuthorisation,
                        "there is no completed assessment waiting for authorisation",
                    );
                };
                not_before("authorising the assessment", date, done.date())?;
                manager_in_post(dir, manager, date).map(|_| ())
            }
            ConcernRaised { .. } => require_active(self, "a safeguarding concern").map(|_| ()),
            StrategyDiscussionHeld { agencies, .. } => {
                require_active(self, "a strategy discussion")?;
                ensure(!agencies.is_empty(), Rule::StrategyAgencies, || {
                    "record which agencies took part".to_owned()
                })?;
                for (i, a) in agencies.iter().enumerate() {
                    ensure(!agencies[..i].contains(a), Rule::StrategyAgencies, || {
                        format!("agency {a} is listed twice")
                    })?;
                }
                Ok(())
            }
            Section47Started {} => {
                let e = require_active(self, "a section 47 enquiry")?;
                if let Some(s) = e.open_enquiry() {
                    return refuse(
                        Rule::Section47Open,
                        format!(
                            "a section 47 enquiry has been open since {}",
                            s.start.date()
                        ),
                    );
                }
                let decided = e
                    .strategy_discussions
                    .iter()
                    .any(|s| s.decision == StrategyDecision::Section47 && !s.enquiry_started);
                ensure(decided, Rule::Section47NeedsStrategy, || {
                    "a section 47 enquiry starts from a strategy discussion that decided on one"
                        .to_owned()
                })
            }
            Section47Completed {
                outcome,
                conference_needed,
            } => {
                let e = require_open(self, "completing a section 47 enquiry")?;
                let Some(s) = e.open_enquiry() else {
                    return refuse(Rule::NoOpenSection47, "no section 47 enquiry is open");
                };
                not_before("completing the enquiry", date, s.start.date())?;
                ensure(
                    !conference_needed || *outcome == Section47Outcome::SubstantiatedAtRisk,
                    Rule::ConferenceNotWarranted,
                    || {
                        "a conference is called only when concerns are substantiated and the child is likely to suffer significant harm".to_owned()
                    },
                )
            }
            InitialConferenceHeld {
                transfer_in,
                outcome,
                category,
            } => {
                let e = require_active(self, "an initial child protection conference")?;
                weekday(date, "a child protection conference")?;
                let plan = *outcome == InitialConferenceOutcome::CpPlan;
                ensure(plan == category.is_some(), Rule::ConferenceCategory, || {
                    if plan {
                        "a conference that decides on a plan names the category of abuse".to_owned()
                    } else {
                        "a category of abuse is given only when the conference decides on a plan"
                            .to_owned()
                    }
                })?;
                if let Some(p) = e.open_cp_plan() {
                    return refuse(
                        Rule::CpPlanOpen,
                        format!(
                            "a child protection plan has been open since {}: hold a review conference",
                            p.start.date()
                        ),
                    );
                }
                if !*transfer_in {
                    let waiting = e.enquiries.iter().any(|s| {
                        s.conference.is_none() && matches!(s.completion, Some((_, _, true)))
                    });
                    ensure(waiting, Rule::ConferenceNeedsSection47, || {
                        "an initial conference follows a section 47 enquiry that called for one (or is a transfer in)".to_owned()
                    })?;
                }
                Ok(())
            }
            CpPlanStarted {} => {
                let e = require_active(self, "a child protection plan")?;
                if let Some(p) = e.open_cp_plan() {
                    return refuse(
                        Rule::CpPlanOpen,
                        format!(
                            "a child protection plan has been open since {}",
                            p.start.date()
                        ),
                    );
                }
                if let Some(p) = e.open_cin_plan() {
                    return refuse(
                        Rule::PlansOverlap,
                        format!(
                            "end the child in need plan open since {} before starting a child protection plan",
                            p.start.date()
                        ),
                    );
                }
                let conference = e
                    .initial_conferences
                    .iter()
                    .rev()
                    .find(|c| c.outcome == InitialConferenceOutcome::CpPlan && !c.plan_started);
                match conference {
                    Some(c) if c.mark.date() == date => Ok(()),
                    Some(c) => refuse(
                        Rule::CpPlanNeedsConference,
                        format!(
                            "the plan starts on the day of the conference that decided on it ({})",
                            c.mark.date()
                        ),
                    ),
                    None => refuse(
                        Rule::CpPlanNeedsConference,
                        "a child protection plan starts only from an initial conference that decided on one",
                    ),
                }
            }
            CoreGroupHeld {} => match self.open_cp_plan() {
                Some(p) => not_before("a core group", date, p.start.date()),
                None => refuse(
                    Rule::NoOpenCpPlan,
                    "a core group needs an open child protection plan",
                ),
            },
            ReviewConferenceHeld { .. } => match self.open_cp_plan() {
                Some(p) => {
                    weekday(date, "a child protection conference")?;
                    not_before("a review conference", date, p.start.date())
                }
                None => refuse(
                    Rule::NoOpenCpPlan,
                    "a review conference needs an open child protection plan",
                ),
            },
            CpPlanEnded { .. } => match self.open_cp_plan() {
                Some(p) => {
                    not_before("ending the plan", date, p.start.date())?;
                    ensure(date > p.start.date(), Rule::CpPlanSameDay, || {
                        "a child protection plan cannot start and end on the same day".to_owned()
                    })
                }
                None => refuse(
                    Rule::NoOpenCpPlan,
                    "there is no open child protection plan to end",
                ),
            },
            EmergencyProtectionRecorded { .. } => born_by(self, date, "emergency protection"),
            EarlierCpPlansRecorded { .. } => Ok(()),
            CinPlanStarted {} => {
                let e = require_active(self, "a child in need plan")?;
                if let Some(p) = e.open_cin_plan() {
                    return refuse(
                        Rule::CinPlanOpen,
                        format!(
                            "a child in need plan has been open since {}",
                            p.start.date()
                        ),
                    );
                }
                match e.open_cp_plan() {
                    Some(p) => refuse(
                        Rule::PlansOverlap,
                        format!(
                            "the child protection plan open since {} must end before a child in need plan starts",
                            p.start.date()
                        ),
                    ),
                    None => Ok(()),
                }
            }
            CinMeetingHeld { .. } => match self.open_cin_plan() {
                Some(p) => not_before("a child in need meeting", date, p.start.date()),
                None => refuse(
                    Rule::NoOpenCinPlan,
                    "a child in need meeting needs an open child in need plan",
                ),
            },
            CinPlanEnded { .. } => match self.open_cin_plan() {
                Some(p) => not_before("ending the plan", date, p.start.date()),
                None => refuse(
                    Rule::NoOpenCinPlan,
                    "there is no open child in need plan to end",
                ),
            },
            VisitMade {
                child_seen,
                seen_alone,
                not_seen_alone_reason,
                ..
            } => {
                if *child_seen {
                    born_by(self, date, "seeing the child")?;
                    match seen_alone {
                        None => refuse(Rule::SeenAlone, "say whether the child was seen alone"),
                        Some(false) if not_seen_alone_reason.is_none() => refuse(
                            Rule::SeenAlone,
                            "give the reason the child was not seen alone",
                        ),
                        _ => Ok(()),
                    }
                } else {
                    ensure(*seen_alone != Some(true), Rule::SeenAlone, || {
                        "a child who was not seen cannot have been seen alone".to_owned()
                    })
                }
            }
            MeetingScheduled { meeting, at, chair } => {
                ensure(*at > ev.occurred_at, Rule::Meeting, || {
                    format!("a meeting is booked for a future time, not {at}")
                })?;
                let Some(chair) = chair else {
                    return Ok(());
                };
                ensure(
                    meeting.chaired_by_reviewing_officer(),
                    Rule::Meeting,
                    || {
                        format!(
                            "a {} is not chaired by a reviewing officer, so it names no chair",
                            meeting.label().to_lowercase()
                        )
                    },
                )?;
                let c = staff_in_post(dir, chair, date)?;
                ensure(c.role == StaffRole::ReviewingOfficer, Rule::Meeting, || {
                    format!(
                        "{chair} is a {}: a conference or review is chaired by a reviewing officer",
                        c.role.label().to_lowercase()
                    )
                })
            }
            MeetingCancelled { meeting, at, .. } => {
                let booked = self
                    .meetings
                    .iter()
                    .any(|m| m.kind == *meeting && m.at == *at && m.cancelled.is_none());
                ensure(booked, Rule::Meeting, || {
                    format!("no {} is booked for {at}", meeting.label().to_lowercase())
                })
            }
            MeetingHeld { meeting } => {
                ensure(meeting.recorded_as_meeting_held(), Rule::Meeting, || {
                    format!(
                        "record a {} with its own event, which says what it decided",
                        meeting.label().to_lowercase()
                    )
                })
            }
            DocumentShared { audiences, .. } => {
                ensure(!audiences.is_empty(), Rule::Document, || {
                    "say who the document went to".to_owned()
                })?;
                for (i, a) in audiences.iter().enumerate() {
                    ensure(!audiences[..i].contains(a), Rule::Document, || {
                        format!("{a} is listed twice")
                    })?;
                }
                Ok(())
            }
            DocumentWithheld { manager, .. } | ManagerResponseRecorded { manager, .. } => {
                manager_in_post(dir, manager, date).map(|_| ())
            }
            DissentRecorded { .. } => Ok(()),
            PoliceInformed {} => ensure(self.open_missing().is_some(), Rule::Missing, || {
                "the police are told while the child is missing".to_owned()
            }),
            ObligationVaried {
                amount,
                until,
                authorised_by,
                ..
            } => {
                ensure(*amount >= 1, Rule::Variation, || {
                    "a varied period is at least one unit long".to_owned()
                })?;
                if let Some(u) = until {
                    ensure(*u >= date, Rule::Variation, || {
                        format!("the variation would end on {u}, before it starts")
                    })?;
                }
                staff_in_post(dir, authorised_by, date).map(|_| ())
            }
            VariationEnded { rule } => {
                let active = self
                    .variations
                    .iter()
                    .any(|v| &v.rule == rule && v.ended.is_none() && v.applies_on(date));
                ensure(active, Rule::Variation, || {
                    format!("no variation of {rule} is in force")
                })
            }
            EpisodeStarted { .. } => self.check_episode_start(ev),
            EpisodeEnded { reason } => {
                let e = looked_after(self, "ending an episode")?;
                not_before("ending the episode", date, e.start.date())?;
                if reason.is_adoption() {
                    let placed = self
                        .adoption
                        .last()
                        .is_some_and(|a| a.placed.is_some() && a.ended.is_none());
                    ensure(placed, Rule::AdoptionSequence, || {
                        "leaving care through adoption needs the child to have been placed for adoption".to_owned()
                    })?;
                }
                Ok(())
            }
            PreviousPermanenceRecorded {
                order,
                authority,
                date: when,
            } => {
                let known = *order != PreviousPermanence::Z1;
                ensure(
                    !known || (authority.is_some() && when.is_some()),
                    Rule::PreviousPermanence,
                    || "say which council made the previous order, and when".to_owned(),
                )?;
                // A previous order was made before it is recorded (SSDA903 632): its
                // earliest possible day, with an unknown day or month taken as the first.
                let earliest = when.and_then(|w| {
                    NaiveDate::from_ymd_opt(w.year, w.month.unwrap_or(1), w.day.unwrap_or(1))
                });
                ensure(
                    earliest.is_none_or(|e| e <= date),
                    Rule::PreviousPermanence,
                    || "the previous order cannot be dated after it is recorded".to_owned(),
                )
            }
            ClaReviewHeld { participation } => {
                looked_after(self, "a looked-after review")?;
                let under_four = self.age_on(date).is_some_and(|a| a < 4);
                ensure(
                    (*participation == ReviewParticipation::Pn0) == under_four,
                    Rule::ReviewParticipation,
                    || {
                        if under_four {
                            "the child was under four at the review: use PN0".to_owned()
                        } else {
                            "PN0 is only for children under four at the review".to_owned()
                        }
                    },
                )
            }
            CarePlanRecorded {} => looked_after(self, "a care plan").map(|_| ()),
            PermanencePlanRecorded { .. } => looked_after(self, "a permanence plan").map(|_| ()),
            PepHeld {} => looked_after(self, "a personal education plan").map(|_| ()),
            HealthAssessmentCompleted {}
            | DevelopmentCheckCompleted {}
            | DentalCheckCompleted {}
            | ImmunisationsRecorded { .. }
            | SubstanceMisuseRecorded { .. }
            | ConvictionRecorded {} => born_by(self, date, "a health or offending record"),
            SdqRecorded { score, reason } => {
                born_by(self, date, "a strengths and difficulties questionnaire")?;
                ensure(
                    score.is_some() != reason.is_some(),
                    Rule::SdqScoreOrReason,
                    || "give the SDQ score, or the reason there is none, but not both".to_owned(),
                )
            }
            MissingEpisodeStarted { .. } => {
                born_by(self, date, "going missing")?;
                match self.open_missing() {
                    Some(m) => refuse(
                        Rule::Missing,
                        format!("the child has been missing since {}", m.start.at),
                    ),
                    None => Ok(()),
                }
            }
            MissingEpisodeEnded {} => match self.open_missing() {
                Some(m) => ensure(ev.occurred_at >= m.start.at, Rule::EndsBeforeStart, || {
                    format!(
                        "the return at {} is before the child went missing at {}",
                        ev.occurred_at, m.start.at
                    )
                }),
                None => refuse(Rule::Missing, "the child is not recorded as missing"),
            },
            ReturnInterviewOffered { .. } => {
                let waiting = self
                    .missing
                    .last()
                    .is_some_and(|m| m.end.is_some() && m.interview.is_none());
                ensure(waiting, Rule::Missing, || {
                    "a return interview follows a missing episode that has ended and has no interview recorded".to_owned()
                })
            }
            DeprivationOfLibertyStarted {} => {
                born_by(self, date, "a deprivation of liberty order")?;
                let open = self
                    .deprivation_of_liberty
                    .last()
                    .is_some_and(|p| p.end.is_none());
                ensure(!open, Rule::DeprivationOfLiberty, || {
                    "a deprivation of liberty order is already in force".to_owned()
                })
            }
            DeprivationOfLibertyEnded {} => match self
                .deprivation_of_liberty
                .last()
                .filter(|p| p.end.is_none())
            {
                Some(p) => not_before("ending the order", date, p.start.date()),
                None => refuse(
                    Rule::DeprivationOfLiberty,
                    "no deprivation of liberty order is in force",
                ),
            },
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
                    self.was_ever_looked_after() || left,
                    Rule::CareLeaver,
                    || {
                        "care leaver eligibility is for children who have been looked after"
                            .to_owned()
                    },
                )?;
                ensure(
                    self.age_on(date).is_some_and(|a| a >= 16),
                    Rule::CareLeaver,
                    || "care leaver eligibility is for young people aged 16 or over".to_owned(),
                )
            }
            CareLeaverContactRecorded { .. }
            | CareLeaverActivityRecorded { .. }
            | CareLeaverAccommodationRecorded { .. } => {
                care_leaver(self, date, "care leaver information")
            }
            PathwayPlanRecorded { .. } => {
                ensure(self.was_ever_looked_after(), Rule::CareLeaver, || {
                    "a pathway plan is for children who are or have been looked after".to_owned()
                })
            }
            PersonalAdviserAllocated { adviser } => {
                care_leaver(self, date, "a personal adviser")?;
                let a = staff_in_post(dir, adviser, date)?;
                ensure(a.role.holds_cases(), Rule::NeedsCaseholder, || {
                    format!(
                        "{adviser} is a {} and cannot be a personal adviser",
                        a.role.label().to_lowercase()
                    )
                })
            }
            CareLeaverSupportRequested {} => {
                care_leaver(self, date, "support after 21")?;
                let age = self.age_on(date).unwrap_or(0);
                ensure(age >= 18, Rule::CareLeaver, || {
                    "support after 21 is asked for by a care leaver aged 18 or over".to_owned()
                })?;
                ensure(
                    age < CareLeaverRecord::SUPPORT_ON_REQUEST_UNTIL,
                    Rule::CareLeaver,
                    || "support after 21 continues to the 25th birthday at most".to_owned(),
                )
            }
            AdoptionDecisionMade { decided_on } => {
                looked_after(self, "a decision to place for adoption")?;
                if let Some(d) = decided_on {
                    ensure(*d <= date, Rule::AdoptionSequence, || {
                        format!(
                            "the decision on {d} is after the day it is recorded as made ({date})"
                        )
                    })?;
                }
                ensure(
                    self.active_adoption().is_none(),
                    Rule::AdoptionSequence,
                    || "the child already has an adoption plan".to_owned(),
                )
            }
            PlacementOrderGranted {} => {
                self.adoption_step(|a| a.placement_order.is_none(), "a placement order")
            }
            AdoptionMatched { adopter, .. } => {
                self.adoption_step(|a| a.matched.is_none(), "a match with adopters")?;
                match adopter {
                    Some(a) => ensure(dir.has_adopter(a), Rule::UnknownAdopter, || {
                        format!("adopter household {a} does not exist")
                    }),
                    None => Ok(()),
                }
            }
            PlacedForAdoption {} => self.adoption_step(
                |a| a.matched.is_some() && a.placed.is_none(),
                "placing for adoption (after a match)",
            ),
            AdoptionOrderGranted {} => self.adoption_step(
                |a| a.placed.is_some(),
                "an adoption order (after placement)",
            ),
            AdoptionPlanEnded { .. } => self.adoption_step(|_| true, "ending the adoption plan"),
            CaseNoteRecorded { .. } | ChronologyEntryAdded { .. } | CaseSummaryRecorded { .. } => {
                Ok(())
            }
            ManagementOversightRecorded { manager, .. } => {
                manager_in_post(dir, manager, date).map(|_| ())
            }
            SupervisionRecorded {
                supervisor, worker, ..
            } => {
                manager_in_post(dir, supervisor, date)?;
                staff_in_post(dir, worker, date).map(|_| ())
            }
            RecordRestricted {
                decided_by,
                permitted,
                ..
            } => {
                restriction_decider(dir, decided_by, date, "restricting a record")?;
                for (i, s) in permitted.iter().enumerate() {
                    ensure(!permitted[..i].contains(s), Rule::Restriction, || {
                        format!("{s} is named twice")
                    })?;
                    staff_in_post(dir, s, date)?;
                }
                Ok(())
            }
            RestrictionLifted { decided_by, .. } => {
                ensure(self.restriction.is_some(), Rule::Restriction, || {
                    "the record is not restricted".to_owned()
                })?;
                restriction_decider(dir, decided_by, date, "lifting a restriction")
            }
            CaseClosed { .. } => {
                let e = require_open(self, "closing the case")?;
                let mut open = Vec::new();
                if e.open_assessment().is_some() {
                    open.push("an assessment");
                }
                if e.open_enquiry().is_some() {
                    open.push("a section 47 enquiry");
                }
                if e.open_cp_plan().is_some() {
                    open.push("a child protection plan");
                }
                if e.open_cin_plan().is_some() {
                    open.push("a child in need plan");
                }
                if self.is_looked_after() {
                    open.push("a looked-after episode");
                }
                ensure(open.is_empty(), Rule::ClosureWithOpenWork, || {
                    format!(
                        "the case still has {} open: end it before closing",
                        open.join(" and ")
                    )
                })
            }
            Corrected { .. } => Ok(()),
        }
    }

    fn adoption_step(
        &self,
        ok: impl Fn(&crate::child::state::AdoptionPlan) -> bool,
        what: &str,
    ) -> Check {
        match self.active_adoption() {
            Some(a) if ok(a) => Ok(()),
            Some(_) => refuse(
                Rule::AdoptionSequence,
                format!("{what} is out of order in the adoption plan"),
            ),
            None => refuse(
                Rule::AdoptionSequence,
                format!("{what} needs an active adoption plan"),
            ),
        }
    }

    fn check_episode_start(&self, ev: &Recorded<ChildEvent>) -> Check {
        let ChildEvent::EpisodeStarted {
            reason,
            legal_status,
            placement,
            provider,
            urn,
            home_postcode,
            placement_postcode,
            placement_change_reason,
            ..
        } = &ev.event
        else {
            return Ok(());
        };
        let date = ev.date();
        born_by(self, date, "becoming looked after")?;
        require_open(self, "a looked-after episode")?;
        if let Some(e) = self.current_care_episode() {
            return refuse(
                Rule::EpisodeOverlap,
                format!(
                    "the child has been in an episode since {}: end it (X1 for a change) first",
                    e.start.date()
                ),
            );
        }
        if let Some(last) = placement.withdrawn_after() {
            ensure(date <= last, Rule::CodeWithdrawn, || {
                format!("placement type {placement} was withdrawn after {last}")
            })?;
        }
        match (reason, self.awaiting_next_episode()) {
            (ReasonNewEpisode::S, Some(prev)) => {
                return refuse(
                    Rule::EpisodeContinuity,
                    format!(
                        "the previous episode ended with X1 on {}, so this one continues it and cannot have reason S",
                        prev.end.map_or(date, |(m, _)| m.date())
                    ),
                );
            }
            (ReasonNewEpisode::S, None) => {
                ensure(
                    self.age_on(date).is_some_and(|a| a < 18),
                    Rule::LookedAfterAge,
                    || "a child starts to be looked after before their 18th birthday".to_owned(),
                )?;
                ensure(
                    placement_change_reason.is_none(),
                    Rule::PlacementDetails,
                    || {
                        "a reason for placement change is given only when the placement changes"
                            .to_owned()
                    },
                )?;
            }
            // The record begins part-way through a period of care (a council starting from
            // its last returns): the episodes before are in its earlier records.
            (_, None) if self.care_episodes.is_empty() => {}
            (_, None) => {
                return refuse(
                    Rule::EpisodeContinuity,
                    format!(
                        "reason {reason} continues a period of care, but no episode ended with X1 that day; use S to start one"
                    ),
                );
            }
            (_, Some(prev)) => {
                let ended = prev.end.map_or(date, |(m, _)| m.date());
                ensure(ended == date, Rule::EpisodeContinuity, || {
                    format!(
                        "this episode continues the one that ended with X1 on {ended}, so it starts that day"
                    )
                })?;
                let (legal, place) = placement_changed(prev, &ev.event);
                ensure(
                    reason.changes_legal_status() == legal && reason.changes_placement() == place,
                    Rule::EpisodeReason,
                    || {
                        let what = match (legal, place) {
                            (true, true) => {
                                "both the legal status and the placement changed (use U or B)"
                            }
                            (true, false) => "only the legal status changed (use L)",
                            (false, true) => "only the placement changed (use P or T)",
                            (false, false) => "neither the legal status nor the placement changed",
                        };
                        format!("reason {reason} does not match the episode: {what}")
                    },
                )?;
                if place && !placement.is_temporary() {
                    ensure(
                        placement_change_reason.is_some(),
                        Rule::PlacementDetails,
                        || "a change of placement needs the reason it changed".to_owned(),
                    )?;
                } else {
                    ensure(
                        placement_change_reason.is_none(),
                        Rule::PlacementDetails,
                        || {
                            "a reason for placement change is given only when the placement changes"
                                .to_owned()
                        },
                    )?;
                }
            }
        }
        ensure(
            provider.is_some() != placement.has_no_provider(),
            Rule::PlacementDetails,
            || {
                if placement.has_no_provider() {
                    format!("placement type {placement} has no placement provider")
                } else {
                    format!("placement type {placement} needs a placement provider")
                }
            },
        )?;
        ensure(
            *provider != Some(PlacementProvider::Pr0) || *placement == PlacementType::P1,
            Rule::PlacementDetails,
            || "provider PR0 (parents) is only for placements with parents (P1)".to_owned(),
        )?;
        ensure(
            urn.is_none() || !placement.has_no_urn(),
            Rule::PlacementDetails,
            || format!("placement type {placement} has no Ofsted URN"),
        )?;
        if !legal_status.is_short_break() {
            // An unaccompanied asylum seeker, now or formerly, has no home in this country:
            // DfE wants their home postcode left out (SSDA903 406).
            let asylum = self
                .details
                .as_ref()
                .is_some_and(|d| d.uasc || d.uasc_ceased.is_some());
            ensure(
                placement_postcode.is_some() && (asylum || home_postcode.is_some()),
                Rule::PlacementDetails,
                || "give the child's home postcode and the placement's postcode".to_owned(),
            )?;
            ensure(
                *placement == PlacementType::P1 || home_postcode != placement_postcode,
                Rule::PlacementDetails,
                || {
                    "the placement postcode is the home postcode: that is only possible when placed with parents (P1)".to_owned()
                },
            )?;
        }
        Ok(())
    }
}
