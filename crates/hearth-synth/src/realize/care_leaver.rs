//! Care leavers: from eligibility at sixteen to the end of their support at 21, or 25.

use chrono::{Datelike, Days, NaiveDate};
use hearth_domain::Timestamp;
use hearth_domain::child::ChildEvent;
use hearth_domain::codes::*;
use hearth_domain::time::birthday;

use super::{Case, DAY, Every, HOUR, Who, cadence, chosen, day_for, plus};
use crate::calendar::{at_time, next_working_day};
use crate::data::DataError;
use crate::rng::Rng;
use crate::world::plus_months;

impl Case<'_, '_> {
    /// When a looked-after child's pathway plan is started: by fifteen and a half, or at
    /// once for a child who comes into care older than that (the clock starts at fifteen, or
    /// on coming into care).
    pub(super) fn pathway_started(
        &self,
        rng: &mut Rng,
        birth: NaiveDate,
        care_start: Timestamp,
    ) -> Timestamp {
        let fifteen = birthday(birth, 15).unwrap_or(birth);
        let from = care_start.london_date().max(fifteen);
        let due = plus_months(fifteen, 6).max(from);
        let reviews = self.borough.rates.practice.reviews_on_time;
        let day = day_for(rng, due, from - Days::new(1), Every::Days(120), reviews);
        rng.office(day).max(plus(care_start, HOUR))
    }

    /// Leaving care: eligibility, the pathway plan, a personal adviser, keeping in touch,
    /// activity and accommodation around each birthday, and support after 21.
    pub(super) fn care_leaver(&mut self, rng: &mut Rng) -> Result<(), DataError> {
        let child = self.child;
        let Some(birth) = child.birth() else {
            return Ok(());
        };
        let Some(care) = child
            .episodes
            .iter()
            .filter_map(|e| e.care.as_ref())
            .next_back()
        else {
            return Ok(());
        };
        let sixteen = birthday(birth, 16).unwrap_or(birth);
        let eighteen = birthday(birth, 18).unwrap_or(birth);
        let twenty_one = birthday(birth, 21).unwrap_or(birth);
        let care_start = care.start().london_date();
        let care_end = care.end.map(|(t, _)| t.london_date());
        // A share of those who leave care at 18 ask, some weeks before their 21st birthday,
        // for support to continue; their adviser stays with them to 25. Who asks is decided
        // from the id, not a draw, so every other draw is unchanged.
        let asked = (care_end.is_some_and(|e| e >= eighteen - Days::new(1))
            && chosen(&child.id, self.borough.rates.care_leavers.support_after_21))
        .then(|| at_time(next_working_day(twenty_one - Days::new(45)), 11, 0))
        .filter(|at| *at < self.borough.as_at);
        let support_ends = match asked {
            Some(_) => birthday(birth, 25).unwrap_or(twenty_one),
            None => twenty_one,
        };
        let limit = self
            .borough
            .as_at
            .min(Timestamp::start_of_london_day(support_ends));
        let eligible_on = sixteen.max(care_start + Days::new(91));
        if care_end.is_none_or(|e| e > eligible_on) {
            self.events.push(
                {
                    let day = eligible_on + Days::new(rng.below(20));
                    rng.office(day)
                },
                Who::Worker,
                ChildEvent::CareLeaverStatusRecorded {
                    category: CareLeaverCategory::Eligible,
                },
            );
        }
        let pathway = self.pathway_started(rng, birth, care.start());
        if pathway < limit {
            self.events.push(
                pathway,
                Who::Worker,
                ChildEvent::PathwayPlanRecorded {
                    stage: PathwayPlanStage::Started,
                },
            );
            let six_months = Every::Months(6);
            let reviews = self.borough.rates.practice.reviews_on_time;
            for at in cadence(rng, pathway, limit, six_months, six_months, reviews) {
                self.events.routine(
                    at,
                    Who::Worker,
                    ChildEvent::PathwayPlanRecorded {
                        stage: PathwayPlanStage::Reviewed,
                    },
                );
            }
        }
        // An adviser by seventeen and a half, or within days of leaving care before that:
        // a relevant child is never without one.
        let pa_day = (birthday(birth, 17).unwrap_or(birth) + Days::new(150 + rng.below(60)))
            .min(
                care_end
                    .filter(|e| *e > sixteen)
                    .map_or(NaiveDate::MAX, |e| e + Days::new(3)),
            )
            .max(sixteen + Days::new(1))
            .max(care_start + Days::new(30));
        let pa_at = rng.office(pa_day);
        if pa_at < limit {
            self.adviser =
                self.borough
                    .world
                    .least_loaded(ServiceArea::LeavingCare, pa_at.london_date(), rng);
            if let Some(post) = self.adviser
                && let Some(pa) = self.borough.world.posts[post]
                    .holder_on(pa_at.london_date())
                    .cloned()
            {
                self.events.push(
                    pa_at,
                    Who::Manager,
                    ChildEvent::PersonalAdviserAllocated { adviser: pa },
                );
                self.borough
                    .world
                    .hold(post, pa_at.london_date(), limit.london_date());
                // When the adviser leaves, the next in the post takes the young person on,
                // on their first working day.
                let post = &self.borough.world.posts[post];
                for (next, from, _) in &post.holders {
                    let day = next_working_day(*from);
                    let at = at_time(day, 9, 30);
                    if *from > pa_at.london_date()
                        && at < limit
                        && post.holder_on(day) == Some(next)
                    {
                        self.events.push(
                            at,
                            Who::Manager,
                            ChildEvent::PersonalAdviserAllocated {
                                adviser: next.clone(),
                            },
                        );
                    }
                }
            }
        }
        if let Some(at) = asked {
            self.events
                .push(at, Who::Adviser, ChildEvent::CareLeaverSupportRequested {});
        }
        let left = care_end.unwrap_or(eighteen);
        if left < limit.london_date() && left >= sixteen {
            // The status holds from the moment care ends (it may be written up later).
            let after = care
                .end
                .map_or_else(|| at_time(left, 9, 0), |(t, _)| plus(t, 5 * 60_000_000));
            if after < limit {
                let category = if left >= eighteen - Days::new(1) {
                    CareLeaverCategory::FormerRelevant
                } else {
                    CareLeaverCategory::Relevant
                };
                self.events.push(
                    after,
                    Who::Adviser,
                    ChildEvent::CareLeaverStatusRecorded { category },
                );
                // Contact every eight weeks after leaving care.
                let eight_weeks = Every::Days(56);
                let visits = self.borough.rates.practice.visits_on_time;
                for at in cadence(rng, after, limit, eight_weeks, eight_weeks, visits) {
                    self.events.routine(
                        at,
                        Who::Adviser,
                        ChildEvent::VisitMade {
                            kind: VisitKind::PersonalAdviser,
                            child_seen: true,
                            seen_alone: Some(true),
                            not_seen_alone_reason: None,
                            bedroom_seen: None,
                        },
                    );
                }
            }
        }
        // Around each birthday from 17 to 21: in touch, activity and accommodation.
        let ta = &self.borough.rates.targets;
        let mut activities: Vec<(Timestamp, bool)> = Vec::new();
        for age in 17..=21 {
            let Some(day) = birthday(birth, age) else {
                continue;
            };
            let at = {
                let day = day + Days::new(rng.below(25));
                rng.office(day)
            };
            if at > self.borough.as_at || at < plus(care.start(), DAY) {
                continue;
            }
            // The figures are measured by collection year and age, so each has its own tally.
            let d = at.london_date();
            let cohort = (if d.month() >= 4 {
                d.year()
            } else {
                d.year() - 1
            }) * 100
                + age;
            let in_touch =
                if self
                    .borough
                    .quota_in(rng, "in touch", cohort, ta.care_leavers_in_touch)
                {
                    CareLeaverInTouch::Yes
                } else {
                    *rng.pick(&[
                        CareLeaverInTouch::No,
                        CareLeaverInTouch::No,
                        CareLeaverInTouch::Refu,
                    ])
                    .unwrap_or(&CareLeaverInTouch::No)
                };
            self.events.push(
                at,
                Who::Adviser,
                ChildEvent::CareLeaverContactRecorded { in_touch },
            );
            let activity = if in_touch != CareLeaverInTouch::Yes {
                CareLeaverActivity::Unknown
            } else if self.borough.quota_in(
                rng,
                "not in education, employment or training",
                cohort,
                ta.care_leavers_neet,
            ) {
                let c = &self.borough.rates.care_leavers;
                let x = rng.unit();
                if x < c.activity_neet_g4 {
                    CareLeaverActivity::G4
                } else if x < c.activity_neet_g4 + c.activity_neet_g6 {
                    CareLeaverActivity::G6
                } else {
                    CareLeaverActivity::G5
                }
            } else {
                *rng.weighted(&[
                    (CareLeaverActivity::F2, 0.30),
                    (CareLeaverActivity::F1, 0.12),
                    (CareLeaverActivity::F5, 0.25),
                    (CareLeaverActivity::P5, 0.12),
                    (CareLeaverActivity::F4, 0.10),
                    (CareLeaverActivity::P2, 0.06),
                    (CareLeaverActivity::P4, 0.03),
                    (CareLeaverActivity::P1, 0.02),
                ])
                .unwrap_or(&CareLeaverActivity::F2)
            };
            self.events.push(
                plus(at, 10 * 60_000_000),
                Who::Adviser,
                ChildEvent::CareLeaverActivityRecorded { activity },
            );
            activities.push((plus(at, 10 * 60_000_000), activity.is_neet()));
            let accommodation = if in_touch != CareLeaverInTouch::Yes {
                CareLeaverAccommodation::Unknown
            } else {
                let suitable = self.borough.quota_in(
                    rng,
                    "suitable accommodation",
                    cohort,
                    self.borough.rates.care_leavers.accommodation_suitable,
                );
                let still_in_care = care_end.is_none_or(|e| e > at.london_date());
                let kind = if still_in_care && age < 18 {
                    *rng.pick(&["C", "D", "E"]).unwrap_or(&"D")
                } else {
                    *rng.weighted(&[
                        ("D", 0.30),
                        ("U", 0.22),
                        ("Z", 0.12),
                        ("B", 0.12),
                        ("E", 0.08),
                        ("T", 0.06),
                        ("K", 0.04),
                        ("V", 0.03),
                        ("W", 0.01),
                        ("Y", 0.02),
                    ])
                    .unwrap_or(&"D")
                };
                // Staying with former foster carers ("staying put") begins at 18; a
                // 17-year-old who has left care lives in supported lodgings (903 3001).
                let kind = if kind == "Z" && age < 18 { "E" } else { kind };
                let code = format!("{kind}{}", if suitable { 1 } else { 2 });
                code.parse::<CareLeaverAccommodation>()
                    .unwrap_or(CareLeaverAccommodation::D1)
            };
            self.events.push(
                plus(at, 20 * 60_000_000),
                Who::Adviser,
                ChildEvent::CareLeaverAccommodationRecorded { accommodation },
            );
        }
        // While not in education, employment or training: the panel within two weeks, then
        // every three months until that changes.
        let reviews = self.borough.rates.practice.reviews_on_time;
        for (i, &(at, neet)) in activities.iter().enumerate() {
            let until = activities.get(i + 1).map_or(limit, |n| n.0).min(limit);
            if neet {
                let (first, every) = (Every::Days(14), Every::Months(3));
                for at in cadence(rng, at, until, first, every, reviews) {
                    self.events.routine(
                        at,
                        Who::Adviser,
                        ChildEvent::MeetingHeld {
                            meeting: MeetingKind::NeetPanel,
                        },
                    );
                }
            }
        }
        if child.female && rng.chance(0.06) {
            let born = eighteen + Days::new(rng.below(900));
            let at = {
                let day = born + Days::new(10 + rng.below(30));
                rng.office(day)
            };
            if at < limit {
                self.events.push(
                    at,
                    Who::Adviser,
                    ChildEvent::ParenthoodRecorded {
                        first_child_born: born,
                    },
                );
            }
        }
        Ok(())
    }
}
