//! Looked after: episodes of care (legal status and placement), previous permanence, reviews,
//! care and permanence plans, personal education plans and deprivation of liberty.

use chrono::NaiveDate;

use crate::child::events::ChildEvent;
use crate::child::record::{Check, ChildRecord, Mark, born_by, not_before};
use crate::child::referral::require_open;
use crate::codes::*;
use crate::event::Recorded;
use crate::rules::{Rule, RuleViolation, ensure, refuse};
use crate::values::{PartialDate, PermanenceAuthority, Postcode, Urn};

/// A looked-after episode (one legal status and one placement).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CareEpisode {
    /// Started.
    pub start: Mark,
    /// Why it started.
    pub reason: ReasonNewEpisode,
    /// Legal status.
    pub legal_status: LegalStatus,
    /// Placement type.
    pub placement: PlacementType,
    /// Category of need.
    pub category_of_need: CategoryOfNeed,
    /// Provider.
    pub provider: Option<PlacementProvider>,
    /// Ofsted URN.
    pub urn: Option<Urn>,
    /// The child's home postcode.
    pub home_postcode: Option<Postcode>,
    /// The placement's postcode.
    pub placement_postcode: Option<Postcode>,
    /// Why the placement changed from the previous episode.
    pub placement_change_reason: Option<ReasonPlaceChange>,
    /// Ended, and why.
    pub end: Option<(Mark, ReasonEpisodeCeased)>,
}

/// A previous permanence order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreviousPermanenceRecord {
    /// When it was recorded.
    pub mark: Mark,
    /// The order.
    pub order: PreviousPermanence,
    /// The council that made it.
    pub authority: Option<PermanenceAuthority>,
    /// When it was made.
    pub date: Option<PartialDate>,
}

/// A looked-after review.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaReview {
    /// When.
    pub mark: Mark,
    /// How the child took part.
    pub participation: ReviewParticipation,
}

/// A period with a start and an optional end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    /// Start.
    pub start: Mark,
    /// End.
    pub end: Option<Mark>,
}

impl ChildRecord {
    /// The current looked-after episode.
    pub fn current_care_episode(&self) -> Option<&CareEpisode> {
        self.care_episodes.last().filter(|e| e.end.is_none())
    }

    /// Whether the child is looked after now.
    pub fn is_looked_after(&self) -> bool {
        self.current_care_episode().is_some()
    }

    /// Whether the child has ever been looked after.
    pub fn was_ever_looked_after(&self) -> bool {
        !self.care_episodes.is_empty()
    }

    /// An episode that ended with X1 and is waiting for the episode that continues it.
    pub fn awaiting_next_episode(&self) -> Option<&CareEpisode> {
        self.care_episodes
            .last()
            .filter(|e| matches!(e.end, Some((_, ReasonEpisodeCeased::X1))))
    }
}

/// Folds in an event, if it is one of this area's.
pub(super) fn apply(record: &mut ChildRecord, mark: Mark, event: &ChildEvent) {
    use ChildEvent::*;
    match event {
        EpisodeStarted {
            reason,
            legal_status,
            placement,
            category_of_need,
            provider,
            urn,
            home_postcode,
            placement_postcode,
            placement_change_reason,
        } => record.care_episodes.push(CareEpisode {
            start: mark,
            reason: *reason,
            legal_status: *legal_status,
            placement: *placement,
            category_of_need: *category_of_need,
            provider: *provider,
            urn: urn.clone(),
            home_postcode: home_postcode.clone(),
            placement_postcode: placement_postcode.clone(),
            placement_change_reason: *placement_change_reason,
            end: None,
        }),
        EpisodeEnded { reason } => {
            if let Some(e) = record.care_episodes.last_mut().filter(|e| e.end.is_none()) {
                e.end = Some((mark, *reason));
            }
        }
        PreviousPermanenceRecorded {
            order,
            authority,
            date,
        } => record.previous_permanence.push(PreviousPermanenceRecord {
            mark,
            order: *order,
            authority: authority.clone(),
            date: *date,
        }),
        ClaReviewHeld { participation } => record.cla_reviews.push(ClaReview {
            mark,
            participation: *participation,
        }),
        CarePlanRecorded {} => record.care_plans.push(mark),
        PermanencePlanRecorded { plan } => record.permanence_plans.push((mark, *plan)),
        PepHeld {} => record.peps.push(mark),
        DeprivationOfLibertyStarted {} => record.deprivation_of_liberty.push(Period {
            start: mark,
            end: None,
        }),
        DeprivationOfLibertyEnded {} => {
            if let Some(p) = record
                .deprivation_of_liberty
                .last_mut()
                .filter(|p| p.end.is_none())
            {
                p.end = Some(mark);
            }
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
        EpisodeStarted { .. } => episode_start(record, ev),
        EpisodeEnded { reason } => {
            let e = looked_after(record, "ending an episode")?;
            not_before("ending the episode", date, e.start.date())?;
            if reason.is_adoption() {
                let placed = record
                    .adoption
                    .last()
                    .is_some_and(|a| a.placed.is_some() && a.ended.is_none());
                ensure(placed, Rule::AdoptionSequence, || {
                    "leaving care through adoption needs the child to have been placed for adoption"
                        .to_owned()
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
            looked_after(record, "a looked-after review")?;
            let under_four = record.age_on(date).is_some_and(|a| a < 4);
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
        CarePlanRecorded {} => looked_after(record, "a care plan").map(|_| ()),
        PermanencePlanRecorded { .. } => looked_after(record, "a permanence plan").map(|_| ()),
        PepHeld {} => looked_after(record, "a personal education plan").map(|_| ()),
        DeprivationOfLibertyStarted {} => {
            born_by(record, date, "a deprivation of liberty order")?;
            let open = record
                .deprivation_of_liberty
                .last()
                .is_some_and(|p| p.end.is_none());
            ensure(!open, Rule::DeprivationOfLiberty, || {
                "a deprivation of liberty order is already in force".to_owned()
            })
        }
        DeprivationOfLibertyEnded {} => match record
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
        // The other areas' events.
        _ => Ok(()),
    }
}

pub(super) fn looked_after<'r>(
    record: &'r ChildRecord,
    what: &str,
) -> Result<&'r CareEpisode, RuleViolation> {
    match record.current_care_episode() {
        Some(e) => Ok(e),
        None => refuse(
            Rule::NotLookedAfter,
            format!("{what} needs the child to be looked after"),
        ),
    }
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

/// The rules of a new looked-after episode: one at a time, continuing the last when it
/// ended with X1, and placement details that fit the placement.
fn episode_start(record: &ChildRecord, ev: &Recorded<ChildEvent>) -> Check {
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
    born_by(record, date, "becoming looked after")?;
    require_open(record, "a looked-after episode")?;
    if let Some(e) = record.current_care_episode() {
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
    match (reason, record.awaiting_next_episode()) {
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
                record.age_on(date).is_some_and(|a| a < 18),
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
        (_, None) if record.care_episodes.is_empty() => {}
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
        let asylum = record
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
