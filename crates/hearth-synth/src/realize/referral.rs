//! The front door and the episode of need: contacts, the referral, allocation and the
//! assessment, then whatever the episode led to, and early help after it.

use chrono::Days;
use hearth_domain::Timestamp;
use hearth_domain::child::ChildEvent;
use hearth_domain::codes::*;
use hearth_domain::ids::StaffId;
use hearth_domain::values::Line;

use super::{Case, DAY, Every, HOUR, Held, Who, day_for, err, plus, text};
use crate::calendar::{working_days_after, working_days_before};
use crate::data::DataError;
use crate::journey::Episode;
use crate::rng::Rng;

impl Case<'_, '_> {
    /// One episode of need: the contacts before it, the referral, allocation, the
    /// assessment, and whatever it led to, until it closed or the as-at date.
    pub(super) fn episode(&mut self, rng: &mut Rng, e: &Episode) -> Result<(), DataError> {
        let child = self.child;
        let r = e.referral;
        for n in 0..e.contacts_before {
            let back = ((u64::from(n) + 1) * (3 + rng.below(40))) as i64;
            let at = plus(r, -back * DAY);
            let after_birth = child.dob.is_none_or(|d| at.london_date() > d);
            if after_birth && at > Timestamp::start_of_london_day(self.borough.world.history_start)
            {
                let outcome = *rng
                    .pick(&[
                        ContactOutcome::Advice,
                        ContactOutcome::NoFurtherAction,
                        ContactOutcome::EarlyHelp,
                    ])
                    .unwrap_or(&ContactOutcome::Advice);
                self.events.push(
                    at,
                    Who::Worker,
                    ChildEvent::ContactRecorded {
                        source: e.source,
                        outcome,
                        summary: None,
                    },
                );
            }
        }
        self.events.push(
            plus(r, -60_000_000),
            Who::Worker,
            ChildEvent::ContactRecorded {
                source: e.source,
                outcome: ContactOutcome::Referral,
                summary: None,
            },
        );
        self.events.push(
            r,
            Who::Worker,
            ChildEvent::ReferralReceived {
                source: e.source,
                primary_need: if e.nfa { None } else { Some(e.need) },
                no_further_action: e.nfa,
                summary: None,
            },
        );
        let end = e
            .closure
            .map_or(self.borough.as_at, |(t, _)| t.min(self.borough.as_at));
        if e.nfa {
            if let Some((t, reason)) = e.closure {
                self.events
                    .push(t, Who::Worker, ChildEvent::CaseClosed { reason });
            }
            return Ok(());
        }

        // Allocation: a few of the newest referrals are still waiting for a worker.
        let waiting = self.borough.as_at.hours_since(r) < 60 && rng.chance(0.8);
        let alloc_at = if rng.chance(self.borough.rates.front_door.allocation_late) {
            plus(r, (25 + rng.below(70)) as i64 * HOUR)
        } else {
            plus(
                r,
                (rng.lognormal(self.borough.rates.front_door.allocation_hours_median, 0.6)
                    .clamp(0.5, 23.5)
                    * HOUR as f64) as i64,
            )
        };
        if !waiting {
            let area = ServiceArea::ReferralAssessment;
            if let Some(post) = self
                .borough
                .world
                .least_loaded(area, alloc_at.london_date(), rng)
            {
                let reason = WorkerChangeReason::Fconta;
                self.held.push(Held {
                    post,
                    from: alloc_at,
                    until: end,
                });
                self.events.push(alloc_at, Who::Manager, self.allocation_event(post, alloc_at, reason, "Allocated for a child and family assessment; see the child within five working days.")?);
            }
        }

        // The assessment.
        if let Some(a) = &e.assessment {
            self.events
                .push(a.start, Who::Worker, ChildEvent::AssessmentStarted {});
            if let Some(seen) = a.seen {
                self.events
                    .push(seen, Who::Worker, ChildEvent::AssessmentChildSeen {});
                self.events.routine(
                    plus(seen, 60_000_000),
                    Who::Worker,
                    ChildEvent::VisitMade {
                        kind: VisitKind::Assessment,
                        child_seen: true,
                        seen_alone: Some(child.age_on(seen.london_date()).unwrap_or(0) >= 4),
                        not_seen_alone_reason: if child.age_on(seen.london_date()).unwrap_or(0) >= 4
                        {
                            None
                        } else {
                            Some(text(
                                "Too young to be seen alone; seen with a parent present.",
                            )?)
                        },
                        bedroom_seen: Some(true),
                    },
                );
            }
            self.events.push(
                a.done,
                Who::Worker,
                ChildEvent::AssessmentCompleted {
                    factors: a.factors.clone(),
                    outcome: a.outcome,
                },
            );
            // Sometimes the assessment shows the main need is not what the referral said.
            if rng.chance(0.05) {
                let need = *rng
                    .pick(&[
                        PrimaryNeed::N4,
                        PrimaryNeed::N5,
                        PrimaryNeed::N3,
                        PrimaryNeed::N1,
                    ])
                    .unwrap_or(&PrimaryNeed::N5);
                if need != e.need {
                    self.events.push(
                        plus(a.done, 60_000_000),
                        Who::Worker,
                        ChildEvent::PrimaryNeedChanged { primary_need: need },
                    );
                }
            }
            self.events.push(
                a.authorised,
                Who::Manager,
                ChildEvent::AssessmentAuthorised {
                    manager: StaffId::parse("S00001").map_err(err)?,
                },
            );
            self.events.routine(plus(a.authorised, 60_000_000), Who::Manager, ChildEvent::ManagementOversightRecorded { manager: StaffId::parse("S00001").map_err(err)?, text: text("Assessment read and agreed; the outcome and next steps are right for the child.")? });
        }

        // Child protection.
        if let Some(p) = &e.protection {
            self.enquiry(rng, p)?;
        }
        if let Some(cp) = &e.cp {
            self.child_protection_plan(rng, e, cp, end)?;
        }
        for (start, stop) in &e.cin {
            self.child_in_need_plan(rng, e, *start, *stop, end)?;
        }
        if let Some(care) = &e.care {
            if self.reviewer.is_none() {
                self.reviewer = self.borough.world.least_loaded(
                    ServiceArea::Reviewing,
                    care.start().london_date(),
                    rng,
                );
            }
            self.care(rng, e, care, end)?;
        }
        self.reassessments(rng, e, end)?;
        // Recording while the case is open.
        self.recording(rng, r, end)?;
        if let Some((t, reason)) = e.closure {
            self.events
                .push(t, Who::Worker, ChildEvent::CaseClosed { reason });
        }
        // Early help picks the family up after an assessment or a plan steps down to it, or
        // sometimes after a case closed with a referral to early help.
        let mut step_downs: Vec<Timestamp> = e
            .assessment
            .iter()
            .filter(|a| a.outcome == AssessmentOutcome::EarlyHelp)
            .map(|a| a.done)
            .chain(e.cin.iter().filter_map(|(_, stop)| {
                stop.filter(|(_, r)| *r == CinPlanEndReason::StepDown)
                    .map(|(t, _)| t)
            }))
            .collect();
        if step_downs.is_empty()
            && let Some((t, ReasonForClosure::Rc9)) = e.closure
            && rng.chance(0.6)
        {
            step_downs.push(plus(t, 2 * DAY));
        }
        for from in step_downs {
            let ten = Every::WorkingDays(10);
            let picked_up = 1.0 - self.borough.rates.front_door.allocation_late;
            let day = day_for(
                rng,
                ten.after(from.london_date()),
                from.london_date(),
                ten,
                picked_up,
            );
            let start = rng.office(day).max(plus(from, HOUR));
            let done = {
                let day = start.london_date() + Days::new(20 + rng.below(40));
                rng.office(day)
            };
            if self.events.early_help_until.is_none_or(|u| u < start) {
                self.events.early_help_until = Some(done);
                self.events.push(
                    start,
                    Who::Worker,
                    ChildEvent::EarlyHelpAssessmentStarted {
                        organisation: Line::parse("Early Intervention and Family Support")
                            .map_err(err)?,
                    },
                );
                self.events.push(
                    done,
                    Who::Worker,
                    ChildEvent::EarlyHelpAssessmentCompleted {},
                );
            }
        }
        Ok(())
    }

    /// Updated assessments while the case stays open: every six months, and within fifteen
    /// working days of an emergency admission to care. Each starts after the one before is
    /// signed off, and is signed off before the case closes.
    fn reassessments(
        &mut self,
        rng: &mut Rng,
        e: &Episode,
        end: Timestamp,
    ) -> Result<(), DataError> {
        let Some(a) = &e.assessment else {
            return Ok(());
        };
        let reviews = self.borough.rates.practice.reviews_on_time;
        let mut emergency = e
            .care
            .as_ref()
            .filter(|c| {
                c.segments.first().is_some_and(|s| {
                    matches!(s.legal, LegalStatus::L1 | LegalStatus::L2 | LegalStatus::L3)
                })
            })
            .map(|c| c.start())
            .filter(|t| *t > a.authorised);
        let (six_months, fifteen) = (Every::Months(6), Every::WorkingDays(15));
        let mut signed = a.authorised;
        let mut due = six_months.after(a.done.london_date());
        for _ in 0..100 {
            let (due_on, after, window) = match emergency.take() {
                Some(t) if t.london_date() < due => {
                    (fifteen.after(t.london_date()), t.london_date(), fifteen)
                }
                other => {
                    emergency = other;
                    (due, signed.london_date(), Every::Days(40))
                }
            };
            let day = day_for(rng, due_on, after, window, reviews);
            let done = rng.office(day);
            let begun = working_days_before(day, 3 + rng.below(15) as u32);
            let begun = rng
                .office(begun)
                .max(plus(signed, HOUR))
                .min(plus(done, -HOUR));
            let authorised = {
                let day = working_days_after(day, rng.below(3) as u32);
                rng.office(day).max(plus(done, HOUR))
            };
            // A case closes only once its assessment is signed off; an open case may have
            // one in progress today.
            let closes = e.closure.is_some();
            if begun <= signed || begun >= end || (closes && authorised >= end) {
                break;
            }
            self.events
                .push(begun, Who::Worker, ChildEvent::AssessmentStarted {});
            self.events.push(
                done,
                Who::Worker,
                ChildEvent::AssessmentCompleted {
                    factors: a.factors.clone(),
                    outcome: AssessmentOutcome::ContinuePlan,
                },
            );
            self.events.push(
                authorised,
                Who::Manager,
                ChildEvent::AssessmentAuthorised {
                    manager: StaffId::parse("S00001").map_err(err)?,
                },
            );
            signed = authorised;
            due = six_months.after(done.london_date());
        }
        Ok(())
    }

    /// An allocation to a post's holder, decided by a manager in post.
    pub(super) fn allocation_event(
        &self,
        post: usize,
        at: Timestamp,
        reason: WorkerChangeReason,
        oversight: &str,
    ) -> Result<ChildEvent, DataError> {
        let date = at.london_date();
        let worker = self.borough.world.posts[post]
            .holder_on(date)
            .cloned()
            .ok_or_else(|| err("no holder for an allocated post"))?;
        let manager = self
            .borough
            .world
            .a_manager(post, date)
            .ok_or_else(|| err("no manager in post"))?;
        Ok(ChildEvent::WorkerAllocated {
            worker,
            team: self.borough.world.team_of(post).clone(),
            decided_by: manager,
            oversight: text(oversight)?,
            reason,
        })
    }

    pub(super) fn transfer(
        &mut self,
        rng: &mut Rng,
        area: ServiceArea,
        at: Timestamp,
        end: Timestamp,
    ) -> Result<(), DataError> {
        if at >= end || at > self.borough.as_at {
            return Ok(());
        }
        let Some(post) = self.borough.world.least_loaded(area, at.london_date(), rng) else {
            return Ok(());
        };
        if self.held.last().is_some_and(|h| h.post == post) {
            return Ok(());
        }
        if let Some(h) = self.held.last_mut()
            && h.until > at
        {
            h.until = at;
        }
        self.held.push(Held {
            post,
            from: at,
            until: end,
        });
        self.events.push(
            at,
            Who::Manager,
            self.allocation_event(
                post,
                at,
                WorkerChangeReason::Tsproc,
                "Transferred to the team that will carry the plan forward.",
            )?,
        );
        Ok(())
    }
}
