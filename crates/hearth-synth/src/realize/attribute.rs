//! Attributing a child's events: who recorded each, handing the case over when a worker
//! leaves, how late it was recorded, corrections, and restricting the record.

use chrono::{Days, NaiveDate};
use hearth_domain::child::{ChildEvent, Replacement};
use hearth_domain::codes::*;
use hearth_domain::event::{Actor, Recorded};
use hearth_domain::ids::StaffId;

use super::{Builder, Case, DAY, HOUR, Item, Who, plus, text};
use crate::calendar::{at_time, next_working_day};
use crate::data::DataError;
use crate::rng::Rng;

impl Case<'_, '_> {
    /// Dates and attributes every event: the recorder is whoever held the role at the
    /// time, recording is sometimes late, and nothing is in the future.
    pub(super) fn attribute(
        &mut self,
        rng: &mut Rng,
    ) -> Result<Vec<Recorded<ChildEvent>>, DataError> {
        let mut b = std::mem::replace(&mut self.events, Builder::new());
        // Count each stretch on its post's caseload.
        for h in &self.held {
            self.borough.world.hold(
                h.post,
                h.from.london_date(),
                h.until.min(self.borough.as_at).london_date(),
            );
        }
        if let Some(r) = self.reviewer
            && let (Some(first), Some(last)) = (
                b.items.iter().map(|i| i.at).min(),
                b.items.iter().map(|i| i.at).max(),
            )
        {
            self.borough.world.hold(
                r,
                first.london_date(),
                last.min(self.borough.as_at).london_date(),
            );
        }
        b.items.retain(|i| i.at <= self.borough.as_at);
        b.items.sort_by_key(|i| (i.at, i.seq));
        let duty = self.borough.world.least_loaded(
            ServiceArea::ReferralAssessment,
            b.items
                .first()
                .map_or(self.borough.world.history_start, |i| i.at.london_date()),
            rng,
        );
        let mut out = Vec::with_capacity(b.items.len());
        let mut last_holder: Option<(usize, StaffId)> = None;
        let mut reallocations: Vec<Item> = Vec::new();
        for item in &b.items {
            let date = item.at.london_date();
            let stretch = self
                .held
                .iter()
                .enumerate()
                .rev()
                .find(|(_, h)| h.from <= item.at && item.at < h.until);
            // When the holder of the post that has the case changed, the case was handed over.
            if let Some((n, h)) = stretch
                && let Some(holder) = self.borough.world.posts[h.post].holder_on(date).cloned()
            {
                if let Some((ln, lh)) = &last_holder
                    && *ln == n
                    && *lh != holder
                {
                    let from = self.borough.world.posts[h.post]
                        .holders
                        .iter()
                        .find(|(id, _, _)| *id == holder)
                        .map(|(_, f, _)| *f)
                        .unwrap_or(date);
                    let at = at_time(next_working_day(from), 9, 15)
                        .min(item.at)
                        .max(h.from);
                    // Between the old worker leaving and the new one starting, the case waits.
                    if let Some(left) = self.borough.world.left_on(lh)
                        && at_time(left, 17, 30) > h.from
                        && at_time(left, 17, 30) < at
                    {
                        reallocations.push(Item {
                            at: at_time(left, 17, 30),
                            seq: 0,
                            who: Who::Manager,
                            event: ChildEvent::WorkerUnallocated {
                                reason: WorkerChangeReason::Leftrl,
                            },
                            routine: false,
                        });
                    }
                    // A case that closes within days is not handed over: so short an
                    // allocation is no allocation (903 SW09STG2 wants three days or more).
                    let closing = h.until < self.borough.as_at && plus(at, 3 * DAY) > h.until;
                    if closing {
                        last_holder = Some((n, holder));
                        continue;
                    }
                    reallocations.push(Item {
                        at,
                        seq: 0,
                        who: Who::Manager,
                        event: self.allocation_event(
                            h.post,
                            at,
                            WorkerChangeReason::Leftrl,
                            "Previous worker has left; the case is handed over to the new worker.",
                        )?,
                        routine: false,
                    });
                }
                last_holder = Some((n, holder));
            }
        }
        let mut items = b.items;
        items.extend(reallocations);
        items.sort_by_key(|i| (i.at, i.seq));
        // A looked-after child is written a life letter at each change of worker or team, and
        // on leaving care: on the day, or a few days later.
        let paperwork = self.borough.rates.practice.recording_within_48_hours;
        let mut in_care = false;
        let mut letters = Vec::new();
        for item in &items {
            let transition = match &item.event {
                ChildEvent::EpisodeStarted { .. } => {
                    in_care = true;
                    false
                }
                ChildEvent::EpisodeEnded { reason } if *reason != ReasonEpisodeCeased::X1 => {
                    std::mem::replace(&mut in_care, false)
                }
                ChildEvent::WorkerAllocated { .. } => in_care,
                _ => false,
            };
            if transition {
                let at = if rng.chance(paperwork) {
                    plus(item.at, 60_000_000)
                } else {
                    let day = item.at.london_date() + Days::new(1 + rng.below(10));
                    rng.office(day)
                };
                letters.push(Item {
                    at,
                    seq: 0,
                    who: Who::Worker,
                    event: ChildEvent::DocumentShared {
                        document: DocumentKind::LifeLetter,
                        audiences: vec![Audience::Child],
                    },
                    routine: true,
                });
            }
        }
        items.extend(letters);
        items.sort_by_key(|i| (i.at, i.seq));
        for item in items {
            let date = item.at.london_date();
            let post = self
                .held
                .iter()
                .rev()
                .find(|h| h.from <= item.at && item.at < h.until)
                .map(|h| h.post)
                .or(duty);
            let worker = post.and_then(|p| self.borough.world.posts[p].holder_on(date).cloned());
            // With every duty post vacant (a small borough's turnover can leave none), the
            // head of service records what comes in, so nothing the child's record needs is
            // lost before it is registered.
            let manager = post
                .and_then(|p| self.borough.world.a_manager(p, date))
                .or_else(|| self.borough.world.head_of_service(date));
            let actor = match item.who {
                Who::Worker => worker.clone(),
                Who::Manager => manager.clone(),
                Who::Reviewer => self
                    .reviewer
                    .and_then(|r| self.borough.world.posts[r].holder_on(date).cloned())
                    .or_else(|| manager.clone()),
                Who::Adviser => self
                    .adviser
                    .and_then(|a| self.borough.world.posts[a].holder_on(date).cloned())
                    .or_else(|| worker.clone()),
                Who::HeadOfService => self.borough.world.head_of_service(date),
            }
            .or_else(|| manager.clone());
            let Some(actor) = actor else { continue };
            // Fill in the manager and worker that events name.
            let mut event = item.event;
            match &mut event {
                ChildEvent::AssessmentAuthorised { manager: m }
                | ChildEvent::ManagementOversightRecorded { manager: m, .. }
                | ChildEvent::DocumentWithheld { manager: m, .. }
                | ChildEvent::ManagerResponseRecorded { manager: m, .. } => *m = actor.clone(),
                ChildEvent::SupervisionRecorded {
                    supervisor,
                    worker: w,
                    ..
                } => {
                    *supervisor = actor.clone();
                    match &worker {
                        Some(wk) => *w = wk.clone(),
                        None => continue,
                    }
                }
                _ => {}
            }
            // How late it was recorded.
            let within = self.borough.rates.practice.recording_within_48_hours;
            let delay = if rng.chance(within) {
                (rng.lognormal(2.5, 1.0).min(47.0) * HOUR as f64) as i64
            } else {
                ((48.0 + rng.exponential(120.0)) * HOUR as f64) as i64
            };
            let mut recorded = plus(item.at, delay.max(60_000_000));
            // The recorder must still be in post.
            if let Some(left) = self.borough.world.left_on(&actor) {
                recorded = recorded.min(at_time(left, 17, 0)).max(item.at);
            }
            if recorded > self.borough.as_at {
                if item.routine {
                    continue;
                }
                recorded = self.borough.as_at.max(item.at);
            }
            out.push(Recorded {
                occurred_at: item.at,
                recorded_at: recorded,
                recorded_by: Actor::Staff(actor),
                event,
            });
        }
        // A handful of corrections: a visit dated a day wrong, a note on the wrong child.
        if rng.chance(0.02) {
            let visits: Vec<usize> = out
                .iter()
                .enumerate()
                .filter(|(_, r)| matches!(r.event, ChildEvent::VisitMade { .. }))
                .map(|(i, _)| i)
                .collect();
            if let (Some(&i), Some(last)) = (rng.pick(&visits), out.last().cloned()) {
                let original = out[i].clone();
                let fixed_at = plus(original.occurred_at, -DAY);
                let at = plus(last.occurred_at.max(original.recorded_at), DAY);
                // Whoever recorded last corrects it, if they are still in post.
                let in_post = last.recorded_by.staff().is_some_and(|s| {
                    self.borough
                        .world
                        .left_on(s)
                        .is_none_or(|l| at.london_date() <= l)
                });
                if in_post
                    && at <= self.borough.as_at
                    && fixed_at > out.first().map_or(fixed_at, |f| f.occurred_at)
                {
                    out.push(Recorded {
                        occurred_at: at,
                        recorded_at: at,
                        recorded_by: last.recorded_by.clone(),
                        event: ChildEvent::Corrected {
                            corrects: i as u64 + 1,
                            reason: text(
                                "The visit was on the day before; the date was entered wrongly.",
                            )?,
                            replacement: Some(Replacement {
                                occurred_at: fixed_at,
                                event: Box::new(original.event.clone()),
                            }),
                        },
                    });
                }
            }
        }
        // After the corrections, which draw on the last event: restricting moves nothing.
        self.restrict(&mut out)?;
        // Last, so that writing the words moves no draw and no event.
        self.write_content(&mut out)?;
        Ok(out)
    }

    /// A few records are restricted soon after the first allocation, by the team manager of
    /// the worker allocated, naming that worker; some restrictions are lifted later. The
    /// draws come from a generator of their own, so restricting moves no other draw.
    fn restrict(&self, out: &mut Vec<Recorded<ChildEvent>>) -> Result<(), DataError> {
        let child = self.child;
        let mut rng = Rng::stream(
            self.borough.seed,
            &format!("restriction {}", child.id.as_str()),
            0,
        );
        if !rng.chance(self.borough.rates.access.restricted_records) {
            return Ok(());
        }
        let Some((allocated, worker)) = out.iter().find_map(|r| match &r.event {
            ChildEvent::WorkerAllocated { worker, .. } => Some((r.occurred_at, worker.clone())),
            _ => None,
        }) else {
            return Ok(());
        };
        let Some(post) = self
            .held
            .iter()
            .find(|h| h.from <= allocated && allocated < h.until)
            .map(|h| h.post)
        else {
            return Ok(());
        };
        let in_post =
            |s: &StaffId, day: NaiveDate| self.borough.world.left_on(s).is_none_or(|l| day <= l);
        // The team manager in post that day, or else the head of service: the roles the
        // record lets restrict.
        let decider = |day: NaiveDate| {
            let team = &self.borough.world.teams[self.borough.world.posts[post].team];
            self.borough
                .world
                .posts
                .get(team.manager_post)
                .filter(|p| p.role == StaffRole::TeamManager)
                .and_then(|p| p.holder_on(day).cloned())
                .or_else(|| self.borough.world.head_of_service(day))
                .filter(|s| in_post(s, day))
        };
        let after = allocated.london_date() + Days::new(1 + rng.below(10));
        let at = rng.office(after);
        let day = at.london_date();
        let Some(by) = decider(day) else {
            return Ok(());
        };
        if plus(at, HOUR) > self.borough.as_at || !in_post(&worker, day) {
            return Ok(());
        }
        let mut events = vec![Recorded {
            occurred_at: at,
            recorded_at: plus(at, HOUR),
            recorded_by: Actor::Staff(by.clone()),
            event: ChildEvent::RecordRestricted {
                decided_by: by,
                reason: text(
                    "A parent works in the service: the record is seen only by those working with the child.",
                )?,
                permitted: vec![worker],
            },
        }];
        if rng.chance(self.borough.rates.access.restrictions_lifted) {
            let later = day + Days::new(30 + rng.below(365));
            let lifted = rng.office(later);
            let lifted_day = lifted.london_date();
            if let Some(by) = decider(lifted_day)
                && plus(lifted, HOUR) <= self.borough.as_at
            {
                events.push(Recorded {
                    occurred_at: lifted,
                    recorded_at: plus(lifted, HOUR),
                    recorded_by: Actor::Staff(by.clone()),
                    event: ChildEvent::RestrictionLifted {
                        decided_by: by,
                        reason: text("The parent has left the service.")?,
                    },
                });
            }
        }
        // In the order things happened, so each is checked against the record of its day.
        for e in events {
            let i = out.partition_point(|r| r.occurred_at <= e.occurred_at);
            out.insert(i, e);
            // The events after it moved up a version, and corrections name versions.
            for r in &mut out[i + 1..] {
                if let ChildEvent::Corrected { corrects, .. } = &mut r.event
                    && *corrects > i as u64
                {
                    *corrects += 1;
                }
            }
        }
        Ok(())
    }
}
