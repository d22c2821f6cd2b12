//! Families and their children's journeys. Each family is planned first (cheaply: dates and
//! routes only) so that families whose involvement ended before the history window can be
//! dropped without touching anything shared; the rest are turned into events, with workers
//! allocated from the workforce and every event attributed to the person who would record it.

use std::collections::BTreeMap;

use chrono::{Days, NaiveDate, Timelike};
use hearth_domain::Timestamp;
use hearth_domain::codes::*;
use hearth_domain::ids::ChildId;
use hearth_domain::time::birthday;
use hearth_domain::values::{Postcode, Urn};

use crate::calendar::{
    add_working_days, at_time, next_working_day, working_days_after, working_days_between,
};
use crate::data::{Council, DataError, Names, Postcodes, Rates};
use crate::rng::Rng;
use crate::world::{World, plus_months};

/// Counters for the ids and identifiers handed out so far.
#[derive(Debug, Default)]
pub struct Ids {
    pub(crate) child: u64,
    pub(crate) person: u64,
    pub(crate) family: u64,
}

/// A child adopted in the history, for the adopter households written at the end.
#[derive(Debug, Clone)]
pub struct Adopted {
    /// The child.
    pub child: ChildId,
    /// When matched.
    pub matched: Timestamp,
    /// When placed.
    pub placed: Timestamp,
    /// When the adoption order was made, if it was.
    pub order: Option<Timestamp>,
    /// The adopters' sex and legal status as the child's record has them.
    pub sex: AdopterSex,
}

/// Everything a family's generation reads or updates.
pub struct Gen<'a> {
    /// The borough's seed, for draws that must not move any other.
    pub seed: u64,
    pub world: &'a mut World,
    pub rates: &'a Rates,
    pub names: &'a Names,
    pub postcodes: &'a Postcodes,
    pub council: &'a Council,
    pub window_start: NaiveDate,
    pub as_at: Timestamp,
    pub ids: &'a mut Ids,
    pub adopted: &'a mut Vec<Adopted>,
    /// Plans given each category so far (neglect, emotional, physical, sexual, multiple).
    pub categories: &'a std::cell::Cell<[u64; 5]>,
    /// Running tallies for decisions that must come out at their rate exactly.
    pub quotas: &'a std::cell::RefCell<std::collections::BTreeMap<(&'static str, i32), f64>>,
}

fn err(m: impl std::fmt::Display) -> DataError {
    DataError::Invalid {
        file: "generated".into(),
        message: m.to_string(),
    }
}

fn days(n: i64) -> i64 {
    n * 86_400_000_000
}

fn plus(t: Timestamp, micros: i64) -> Timestamp {
    t.plus_micros(micros).unwrap_or(t)
}

// ---------------------------------------------------------------------------------------
// Plans

/// How the first referral of a family goes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Route {
    Nfa,
    Assessment(AssessmentOutcome),
    Protection { icpc: bool, plan: bool },
}

#[derive(Debug, Clone)]
pub(crate) struct Assessment {
    pub(crate) start: Timestamp,
    pub(crate) seen: Option<Timestamp>,
    pub(crate) done: Timestamp,
    pub(crate) authorised: Timestamp,
    pub(crate) factors: Vec<AssessmentFactor>,
    pub(crate) outcome: AssessmentOutcome,
}

#[derive(Debug, Clone)]
pub(crate) struct Protection {
    pub(crate) concern: Timestamp,
    pub(crate) strategy: Timestamp,
    pub(crate) enquiry_done: Timestamp,
    pub(crate) substantiated: bool,
    pub(crate) icpc: Option<(Timestamp, InitialConferenceOutcome, Option<CategoryOfAbuse>)>,
}

#[derive(Debug, Clone)]
pub(crate) struct CpSpan {
    pub(crate) start: Timestamp,
    pub(crate) reviews: Vec<Timestamp>,
    pub(crate) end: Option<(Timestamp, ReviewConferenceOutcome, CpPlanEndReason)>,
}

#[derive(Debug, Clone)]
pub(crate) struct Segment {
    pub(crate) start: Timestamp,
    pub(crate) reason: ReasonNewEpisode,
    pub(crate) legal: LegalStatus,
    pub(crate) placement: PlacementType,
    pub(crate) provider: Option<PlacementProvider>,
    pub(crate) urn: Option<Urn>,
    pub(crate) postcode: Postcode,
    pub(crate) change: Option<ReasonPlaceChange>,
}

#[derive(Debug, Clone)]
pub(crate) struct AdoptionSteps {
    pub(crate) decision: Timestamp,
    pub(crate) placement_order: Timestamp,
    pub(crate) matched: Option<Timestamp>,
    pub(crate) placed: Option<Timestamp>,
    pub(crate) order: Option<Timestamp>,
    pub(crate) ended: Option<(Timestamp, ReasonPlacedCeased)>,
    pub(crate) foster_carers: bool,
    pub(crate) sex: AdopterSex,
    pub(crate) legal: AdopterLegalStatus,
}

#[derive(Debug, Clone)]
pub(crate) struct Care {
    pub(crate) segments: Vec<Segment>,
    pub(crate) end: Option<(Timestamp, ReasonEpisodeCeased)>,
    pub(crate) need: CategoryOfNeed,
    pub(crate) adoption: Option<AdoptionSteps>,
    pub(crate) emergency: Option<(Timestamp, EmergencyProtectionKind)>,
}

impl Care {
    pub(crate) fn start(&self) -> Timestamp {
        self.segments
            .first()
            .map_or(Timestamp::start_of_london_day(NaiveDate::MIN), |s| s.start)
    }
}

#[derive(Debug, Clone)]
pub(crate) struct Episode {
    pub(crate) referral: Timestamp,
    pub(crate) source: ReferralSource,
    pub(crate) need: PrimaryNeed,
    pub(crate) nfa: bool,
    pub(crate) assessment: Option<Assessment>,
    pub(crate) protection: Option<Protection>,
    pub(crate) cp: Option<CpSpan>,
    pub(crate) cin: Vec<(Timestamp, Option<(Timestamp, CinPlanEndReason)>)>,
    pub(crate) care: Option<Care>,
    pub(crate) closure: Option<(Timestamp, ReasonForClosure)>,
    pub(crate) contacts_before: u32,
}

impl Episode {
    fn last(&self) -> Timestamp {
        let mut t = self.referral;
        if let Some((c, _)) = self.closure {
            t = t.max(c);
        } else {
            t = Timestamp::start_of_london_day(NaiveDate::MAX - Days::new(400));
        }
        t
    }
}

#[derive(Debug, Clone)]
pub(crate) struct Child {
    pub(crate) id: ChildId,
    pub(crate) home: Postcode,
    pub(crate) female: bool,
    pub(crate) dob: Option<NaiveDate>,
    pub(crate) edd: Option<NaiveDate>,
    pub(crate) born: Option<NaiveDate>,
    pub(crate) given: String,
    pub(crate) ethnicity: Ethnicity,
    pub(crate) disabilities: Vec<Disability>,
    pub(crate) uasc: bool,
    pub(crate) episodes: Vec<Episode>,
    pub(crate) care_leaver: bool,
}

impl Child {
    pub(crate) fn birth(&self) -> Option<NaiveDate> {
        self.dob.or(self.born)
    }
    pub(crate) fn age_on(&self, d: NaiveDate) -> Option<i32> {
        self.birth().map(|b| hearth_domain::time::age_on(b, d))
    }
    pub(crate) fn last_activity(&self, as_at: Timestamp) -> Timestamp {
        let mut t = self
            .episodes
            .iter()
            .map(Episode::last)
            .max()
            .unwrap_or(as_at);
        if self.care_leaver
            && let Some(b) = self.birth().and_then(|b| birthday(b, 21))
        {
            t = t.max(Timestamp::start_of_london_day(b));
        }
        t
    }
}

/// Whatever the route, a case closes only after its assessment is signed off.
pub(crate) fn close_after_assessment(e: &mut Episode) {
    if let (Some(a), Some((closed, reason))) = (&e.assessment, e.closure)
        && closed <= a.authorised
    {
        e.closure = Some((plus(a.authorised, 3_600_000_000), reason));
    }
}

// ---------------------------------------------------------------------------------------
// Planning

impl Gen<'_> {
    fn weighted_code<T: std::str::FromStr + Copy>(
        &self,
        rng: &mut Rng,
        table: &BTreeMap<String, f64>,
    ) -> Option<T> {
        let items: Vec<(T, f64)> = table
            .iter()
            .filter_map(|(k, w)| k.parse::<T>().ok().map(|c| (c, *w)))
            .collect();
        rng.weighted(&items).copied()
    }

    /// The route of a family's first referral.
    pub(crate) fn route(&self, rng: &mut Rng) -> Route {
        let f = &self.rates.front_door;
        if rng.chance(f.referral_nfa) {
            return Route::Nfa;
        }
        if rng.chance(f.section47_per_referral / (1.0 - f.referral_nfa)) {
            let icpc = rng.chance(f.icpc_per_section47);
            return Route::Protection {
                icpc,
                plan: icpc && rng.chance(f.cp_plan_per_icpc),
            };
        }
        let outcome = self
            .weighted_code::<AssessmentOutcome>(rng, &self.rates.assessment_outcome)
            .unwrap_or(AssessmentOutcome::ChildInNeedPlan);
        Route::Assessment(outcome)
    }

    /// The category of a new plan: the one furthest below its configured share so far, so
    /// that even the rarest categories come out at their share (random draws would leave a
    /// 1% category at the mercy of chance on a few thousand plans).
    /// Yes or no, with yes exactly as often as `p` over the borough (error diffusion).
    /// Used for decisions about small groups, such as which care leavers are in education,
    /// where independent chances would swing the borough's figure from seed to seed.
    pub(crate) fn quota(&self, rng: &mut Rng, name: &'static str, p: f64) -> bool {
        self.quota_in(rng, name, 0, p)
    }

    /// As [`Gen::quota`], with a tally of its own for each year, so that a rate measured
    /// year by year holds in each year.
    pub(crate) fn quota_in(&self, rng: &mut Rng, name: &'static str, year: i32, p: f64) -> bool {
        let mut quotas = self.quotas.borrow_mut();
        // Each tally starts at a random point, so that different seeds differ.
        let tally = quotas.entry((name, year)).or_insert_with(|| rng.unit());
        *tally += p.clamp(0.0, 1.0);
        if *tally >= 1.0 {
            *tally -= 1.0;
            true
        } else {
            false
        }
    }

    fn category(&self, rng: &mut Rng) -> CategoryOfAbuse {
        use CategoryOfAbuse::*;
        let all = [Neg, Emo, Phy, Sab, Mul];
        let mut counts = self.categories.get();
        let n = counts.iter().sum::<u64>() as f64 + 1.0;
        let share =
            |c: CategoryOfAbuse| self.rates.categories.get(c.code()).copied().unwrap_or(0.0);
        let jitter = rng.unit() * 1e-6;
        let best = (0..all.len())
            .max_by(|&a, &b| {
                let gap = |i: usize| share(all[i]) * n - counts[i] as f64;
                (gap(a) + if a == 0 { jitter } else { 0.0 }).total_cmp(&gap(b))
            })
            .unwrap_or(0);
        counts[best] += 1;
        self.categories.set(counts);
        all[best]
    }

    fn factors(
        &self,
        rng: &mut Rng,
        protection: bool,
        outcome: AssessmentOutcome,
    ) -> Vec<AssessmentFactor> {
        use AssessmentFactor::*;
        if matches!(outcome, AssessmentOutcome::NoFurtherAction) && rng.chance(0.6) {
            return vec![F21];
        }
        let pool: &[(AssessmentFactor, f64)] = &[
            (F3B, 0.30),
            (F4B, 0.28),
            (F2B, 0.12),
            (F1B, 0.10),
            (F16A, 0.14),
            (F17A, 0.12),
            (F4A, 0.10),
            (F18C, 0.06),
            (F3A, 0.08),
            (F5B, 0.04),
            (F6B, 0.04),
            (F10A, 0.04),
            (F11A, 0.03),
            (F23A, 0.03),
            (F13A, 0.02),
            (F14A, 0.03),
            (F15A, 0.03),
            (F7A, 0.02),
            (F19C, 0.02),
            (F2A, 0.02),
            (F6A, 0.02),
            (F22A, 0.01),
            (F24A, 0.01),
            (F9A, 0.01),
            (F12A, 0.005),
            (F20, 0.003),
        ];
        let n = 1 + rng.below(if protection { 4 } else { 3 }) as usize;
        let mut out = Vec::new();
        for _ in 0..n {
            if let Some(f) = rng.weighted(pool)
                && !out.contains(f)
            {
                out.push(*f);
            }
        }
        if out.is_empty() {
            out.push(F21);
        }
        out
    }

    /// Plans one child's episode starting with a referral at `r`.
    pub(crate) fn plan_episode(
        &self,
        rng: &mut Rng,
        child: &Child,
        r: Timestamp,
        route: Route,
        source: ReferralSource,
    ) -> Episode {
        let f = &self.rates.front_door;
        let need = match (
            child.disabilities.iter().any(|d| *d != Disability::None),
            route,
        ) {
            (true, _) if rng.chance(0.5) => PrimaryNeed::N2,
            (_, Route::Protection { .. }) => PrimaryNeed::N1,
            _ => *rng
                .weighted(&[
                    (PrimaryNeed::N1, 0.45),
                    (PrimaryNeed::N4, 0.15),
                    (PrimaryNeed::N5, 0.15),
                    (PrimaryNeed::N3, 0.07),
                    (PrimaryNeed::N6, 0.05),
                    (PrimaryNeed::N8, 0.06),
                    (PrimaryNeed::N7, 0.02),
                    (PrimaryNeed::N9, 0.05),
                ])
                .unwrap_or(&PrimaryNeed::N1),
        };
        let mut e = Episode {
            referral: r,
            source,
            need,
            nfa: route == Route::Nfa,
            assessment: None,
            protection: None,
            cp: None,
            cin: Vec::new(),
            care: None,
            closure: None,
            contacts_before: rng.below(3) as u32,
        };
        if e.nfa {
            e.closure = Some((plus(r, 20 * 60_000_000), ReasonForClosure::Rc7));
            return e;
        }
        let rdate = r.london_date();
        // Assessment: starts within two working days; most finish inside 45.
        let start = {
            let day = add_working_days(rdate, rng.below(3) as u32);
            rng.office(day)
        };
        let start = start.max(plus(r, 60_000_000));
        // Counted from the referral, as the statutory timescale is; an assessment on time is
        // signed off (within two days of completion) inside the 45 working days.
        let begun = working_days_between(rdate, start.london_date());
        let wd = if rng.chance(self.rates.targets.assessments_within_45_wd) {
            (rng.lognormal(f.assessment_median_wd, 0.35) as u32).clamp(begun + 3, 42)
        } else {
            46 + rng.exponential(12.0) as u32
        };
        let done = rng
            .office(working_days_after(rdate, wd))
            .max(plus(start, days(1)));
        let seen = if child.birth().is_some_and(|b| b <= start.london_date()) {
            Some(
                {
                    let day = add_working_days(start.london_date(), rng.below(5) as u32);
                    rng.office(day)
                }
                .max(plus(start, 60_000_000))
                .min(plus(done, -60_000_000)),
            )
        } else {
            None
        };
        let authorised = plus(done, (1 + rng.below(48)) as i64 * 3_600_000_000);

        match route {
            Route::Protection { icpc, plan } => {
                let concern = plus(r, (rng.below(36) as i64) * 3_600_000_000);
                let late = !rng.chance(0.88);
                let strategy = plus(
                    concern,
                    if late {
                        (25 + rng.below(48)) as i64 * 3_600_000_000
                    } else {
                        (1 + rng.below(20)) as i64 * 3_600_000_000
                    },
                );
                let strategy = strategy.max(plus(r, 60_000_000));
                let sdate = strategy.london_date();
                let enquiry_done = {
                    let day = add_working_days(
                        sdate,
                        if rng.chance(0.85) {
                            3 + rng.below(8) as u32
                        } else {
                            11 + rng.below(8) as u32
                        },
                    );
                    rng.office(day)
                }
                .max(plus(strategy, 3_600_000_000));
                let mut protection = Protection {
                    concern,
                    strategy,
                    enquiry_done,
                    substantiated: icpc || rng.chance(0.4),
                    icpc: None,
                };
                if icpc {
                    let wd = if rng.chance(self.rates.targets.icpc_within_15_wd) {
                        8 + rng.below(8) as u32
                    } else {
                        16 + rng.below(10) as u32
                    };
                    let day = add_working_days(sdate, wd);
                    let at = at_time(day, 10, 0);
                    // An enquiry that calls a conference finishes before it.
                    protection.enquiry_done = protection
                        .enquiry_done
                        .min(at_time(
                            add_working_days(sdate, wd.saturating_sub(2).max(1)),
                            15,
                            0,
                        ))
                        .max(plus(strategy, 3_600_000_000));
                    let (outcome, category) = if plan {
                        (InitialConferenceOutcome::CpPlan, Some(self.category(rng)))
                    } else if rng.chance(0.7) {
                        (InitialConferenceOutcome::ChildInNeed, None)
                    } else {
                        (InitialConferenceOutcome::NoFurtherAction, None)
                    };
                    protection.icpc = Some((at, outcome, category));
                }
                let enquiry_done = protection.enquiry_done;
                let done = done.max(plus(enquiry_done, 60_000_000));
                let outcome = AssessmentOutcome::StrategyDiscussion;
                e.assessment = Some(Assessment {
                    start,
                    seen,
                    done,
                    authorised: plus(done, 3_600_000_000),
                    factors: self.factors(rng, true, outcome),
                    outcome,
                });
                let authorised = e.assessment.as_ref().map_or(enquiry_done, |a| a.authorised);
                let after = protection
                    .icpc
                    .map_or(authorised, |(t, _, _)| t.max(authorised));
                match protection.icpc {
                    Some((at, InitialConferenceOutcome::CpPlan, Some(_))) => {
                        e.protection = Some(protection);
                        self.plan_cp(rng, child, &mut e, at);
                    }
                    Some((_, InitialConferenceOutcome::ChildInNeed, _)) => {
                        e.protection = Some(protection);
                        self.plan_cin(rng, child, &mut e, plus(after, 3_600_000_000));
                    }
                    _ => {
                        e.protection = Some(protection);
                        if rng.chance(0.5) {
                            self.plan_cin(rng, child, &mut e, plus(after, 3_600_000_000));
                        } else {
                            // RC8 and RC9 mean closed after assessment alone; once there has
                            // been an enquiry the census wants another reason (CIN 2990).
                            e.closure = Some((
                                plus(after, days(2 + rng.below(10) as i64)),
                                ReasonForClosure::Rc7,
                            ));
                        }
                    }
                }
            }
            Route::Assessment(outcome) => {
                let outcome =
                    if outcome == AssessmentOutcome::LookedAfter && child.birth().is_none() {
                        AssessmentOutcome::ChildInNeedPlan
                    } else {
                        outcome
                    };
                e.assessment = Some(Assessment {
                    start,
                    seen,
                    done,
                    authorised,
                    factors: self.factors(rng, false, outcome),
                    outcome,
                });
                match outcome {
                    AssessmentOutcome::NoFurtherAction => {
                        e.closure = Some((
                            plus(authorised, days(rng.below(5) as i64) + 3_600_000_000),
                            ReasonForClosure::Rc8,
                        ))
                    }
                    AssessmentOutcome::EarlyHelp => {
                        e.closure = Some((
                            plus(authorised, days(rng.below(5) as i64) + 3_600_000_000),
                            ReasonForClosure::Rc9,
                        ))
                    }
                    AssessmentOutcome::LookedAfter => {
                        let at =
                            plus(start, days(rng.below(10) as i64)).max(plus(r, 3_600_000_000));
                        self.plan_care(rng, child, &mut e, at, None);
                    }
                    _ => self.plan_cin(rng, child, &mut e, plus(authorised, 3_600_000_000)),
                }
            }
            Route::Nfa => {}
        }
        close_after_assessment(&mut e);
        e
    }

    fn plan_cin(&self, rng: &mut Rng, child: &Child, e: &mut Episode, start: Timestamp) {
        let d = &self.rates.durations;
        let months = rng
            .lognormal(d.cin_plan_months, d.cin_plan_spread)
            .clamp(1.0, 48.0);
        let end = plus(start, (months * 30.4) as i64 * days(1));
        let end = rng.office(end.london_date()).max(plus(start, days(1)));
        // A few plans escalate: the child becomes looked after.
        if rng.chance(0.03) && child.birth().is_some() {
            let at = plus(
                start,
                ((months * 30.4 * rng.unit()) as i64).max(7) * days(1),
            );
            e.cin
                .push((start, Some((at, CinPlanEndReason::LookedAfter))));
            self.plan_care(rng, child, e, plus(at, 60_000_000), None);
            return;
        }
        let reason = if rng.chance(0.8) {
            CinPlanEndReason::NoLongerInNeed
        } else {
            CinPlanEndReason::StepDown
        };
        e.cin.push((start, Some((end, reason))));
        let rc = if reason == CinPlanEndReason::StepDown {
            ReasonForClosure::Rc9
        } else {
            ReasonForClosure::Rc7
        };
        let rc = if rc == ReasonForClosure::Rc9 {
            ReasonForClosure::Rc7
        } else {
            rc
        };
        e.closure = Some((plus(end, days(rng.below(10) as i64) + 3_600_000_000), rc));
    }

    fn plan_cp(&self, rng: &mut Rng, child: &Child, e: &mut Episode, start: Timestamp) {
        let d = &self.rates.durations;
        let months = rng
            .lognormal(d.cp_plan_months, d.cp_plan_spread)
            .clamp(1.2, 36.0);
        let target_end = plus(start, (months * 30.4) as i64 * days(1));
        // Reviews: the first within three months, then every six.
        let mut reviews = Vec::new();
        let mut next = plus_months(start.london_date(), 3);
        loop {
            let on_time = rng.chance(self.rates.practice.conferences_on_time.max(0.85));
            let day = if on_time {
                next - Days::new(rng.below(10))
            } else {
                next + Days::new(1 + rng.below(15))
            };
            let day = next_working_day(day.max(start.london_date() + Days::new(7)));
            let at = at_time(day, 10, 0);
            reviews.push(at);
            if at >= target_end {
                break;
            }
            next = plus_months(day, 6);
        }
        let last = reviews.last().copied().unwrap_or(target_end);
        let (outcome, reason) = if child.birth().is_some() && rng.chance(0.07) {
            (
                ReviewConferenceOutcome::EndNoFurtherAction,
                CpPlanEndReason::LookedAfter,
            )
        } else if rng.chance(0.68) {
            (
                ReviewConferenceOutcome::EndChildInNeed,
                CpPlanEndReason::ReviewConference,
            )
        } else {
            (
                ReviewConferenceOutcome::EndNoFurtherAction,
                CpPlanEndReason::ReviewConference,
            )
        };
        let end_at = plus(last, 3_600_000_000);
        e.cp = Some(CpSpan {
            start: plus(start, 60_000_000),
            reviews,
            end: Some((end_at, outcome, reason)),
        });
        match (outcome, reason) {
            (_, CpPlanEndReason::LookedAfter) => {
                self.plan_care(rng, child, e, plus(end_at, 60_000_000), None)
            }
            (ReviewConferenceOutcome::EndChildInNeed, _) => {
                self.plan_cin(rng, child, e, plus(end_at, 60_000_000))
            }
            _ => {
                e.closure = Some((
                    plus(end_at, days(3 + rng.below(20) as i64)),
                    ReasonForClosure::Rc7,
                ))
            }
        }
    }

    fn entry_age_ok(&self, rng: &mut Rng, age: i32) -> PlacementType {
        for _ in 0..20 {
            let p = self
                .weighted_code::<PlacementType>(rng, &self.rates.looked_after.placement)
                .unwrap_or(PlacementType::U6);
            let ok = match p {
                PlacementType::K3 => age >= 16,
                PlacementType::K2 | PlacementType::S1 => age >= 8,
                PlacementType::R1 => age >= 12,
                PlacementType::Z11 => age >= 16,
                _ => true,
            };
            if ok {
                return p;
            }
        }
        PlacementType::U6
    }

    fn provider_and_urn(
        &self,
        rng: &mut Rng,
        p: PlacementType,
    ) -> Result<(Option<PlacementProvider>, Option<Urn>), DataError> {
        use PlacementProvider::*;
        let provider = match p {
            _ if p.has_no_provider() => None,
            PlacementType::P1 => Some(Pr0),
            PlacementType::K2 => Some(if rng.chance(0.8) { Pr4 } else { Pr1 }),
            PlacementType::K3 => Some(if rng.chance(0.6) { Pr4 } else { Pr5 }),
            PlacementType::R1 | PlacementType::S1 => Some(if rng.chance(0.5) { Pr4 } else { Pr3 }),
            PlacementType::A5 | PlacementType::A6 => Some(if rng.chance(0.7) { Pr1 } else { Pr2 }),
            _ => Some(if rng.chance(0.55) { Pr1 } else { Pr4 }),
        };
        let urn = if p.has_no_urn() {
            None
        } else {
            let code = match (p, provider) {
                (_, Some(Pr1)) if p.is_foster() => format!("SC9{}00", self.council.la_number),
                (_, _) if p.is_foster() => format!("SC94{:04}", rng.below(12)),
                (PlacementType::K2, _) => format!("SC95{:04}", rng.below(150)),
                (PlacementType::K3, _) => format!("SC96{:04}", rng.below(30)),
                (PlacementType::S1, _) => format!("98{:04}", rng.below(40)),
                _ => format!("SC97{:04}", rng.below(20)),
            };
            Some(Urn::parse(&code).map_err(err)?)
        };
        Ok((provider, urn))
    }

    fn placement_postcode(
        &self,
        rng: &mut Rng,
        p: PlacementType,
        provider: Option<PlacementProvider>,
        home: &Postcode,
    ) -> Postcode {
        if p == PlacementType::P1 {
            return home.clone();
        }
        // The council's own homes and other own provision are in the borough; only its foster
        // carers, adopters and supported lodgings may live further away (SSDA903 1015).
        let own_premises = provider == Some(PlacementProvider::Pr1)
            && !(p.is_foster() || p.is_adoption() || p == PlacementType::K3);
        loop {
            let pc = if rng.chance(self.rates.looked_after.out_of_borough) && !own_premises {
                rng.pick(&self.postcodes.elsewhere)
                    .map(|(pc, _)| pc.clone())
            } else {
                rng.pick(&self.postcodes.local).cloned()
            };
            match pc {
                Some(pc) if &pc != home => return pc,
                Some(_) => {}
                None => return home.clone(),
            }
        }
    }

    /// Plans a period of care starting at `start` (the child must be born).
    pub(crate) fn plan_care(
        &self,
        rng: &mut Rng,
        child: &Child,
        e: &mut Episode,
        start: Timestamp,
        forced_uasc: Option<bool>,
    ) {
        let Some(birth) = child.birth() else { return };
        let start = start.max(Timestamp::start_of_london_day(birth + Days::new(1)));
        let sdate = start.london_date();
        let age = hearth_domain::time::age_on(birth, sdate);
        if age >= 18 {
            // Too old to come into care: the episode closes rather than staying open for
            // ever (CIN 8775Q found adults with open episodes).
            e.closure = Some((plus(start, 3_600_000_000), ReasonForClosure::Rc7));
            return;
        }
        let la = &self.rates.looked_after;
        let d = &self.rates.durations;
        let uasc = forced_uasc.unwrap_or(child.uasc);
        let home = child.home.clone();
        let long = !uasc && rng.chance(d.care_long_share) || (uasc && rng.chance(0.8));
        let adoption = !uasc && long && age < 5 && rng.chance(la.adoption_share_under_five);
        // Legal route into care.
        let emergency = if !uasc && rng.chance(0.08) {
            Some((
                plus(start, -3_600_000_000),
                EmergencyProtectionKind::PolicePowers,
            ))
        } else {
            None
        };
        let first_legal = if uasc {
            LegalStatus::V2
        } else if emergency.is_some() {
            LegalStatus::L1
        } else if long && rng.chance(0.55) {
            LegalStatus::C1
        } else {
            LegalStatus::V2
        };
        let placement = if uasc {
            if age >= 16 && rng.chance(0.6) {
                PlacementType::K3
            } else {
                PlacementType::U6
            }
        } else {
            self.entry_age_ok(rng, age)
        };
        let placement = if adoption {
            PlacementType::U4
        } else if placement == PlacementType::P1 && first_legal == LegalStatus::V2 {
            // A child accommodated under section 20 alone cannot be placed with their
            // parents (SSDA903 378): that is not being looked after.
            PlacementType::U6
        } else {
            placement
        };
        let (provider, urn) = self
            .provider_and_urn(rng, placement)
            .unwrap_or((None, None));
        let need = if uasc {
            CategoryOfNeed::N8
        } else {
            match e.need {
                PrimaryNeed::N2 => CategoryOfNeed::N2,
                PrimaryNeed::N3 => CategoryOfNeed::N3,
                PrimaryNeed::N4 => CategoryOfNeed::N4,
                PrimaryNeed::N5 => CategoryOfNeed::N5,
                PrimaryNeed::N6 => CategoryOfNeed::N6,
                PrimaryNeed::N7 => CategoryOfNeed::N7,
                PrimaryNeed::N8 => CategoryOfNeed::N8,
                _ => CategoryOfNeed::N1,
            }
        };
        let mut segments = vec![Segment {
            start,
            reason: ReasonNewEpisode::S,
            legal: first_legal,
            placement,
            provider,
            urn,
            postcode: self.placement_postcode(rng, placement, provider, &home),
            change: None,
        }];
        // How long the child stays.
        let stay_days = if long {
            (rng.lognormal(d.care_long_years * 365.0, 0.6)) as i64
        } else {
            (rng.lognormal(d.care_short_months * 30.4, 0.8)).max(3.0) as i64
        };
        let eighteen = birthday(birth, 18).unwrap_or(sdate);
        let mut planned_end = (sdate + Days::new(stay_days.max(2) as u64)).min(eighteen);
        let reaches_eighteen = planned_end >= eighteen;

        // Changes of legal status: from police protection within three days, from an interim
        // to a full care order after proceedings (about 30 weeks).
        let mut changes: Vec<(NaiveDate, Option<LegalStatus>, bool)> = Vec::new();
        if first_legal == LegalStatus::L1 {
            let next = if long {
                LegalStatus::C1
            } else {
                LegalStatus::V2
            };
            changes.push((sdate + Days::new(1 + rng.below(2)), Some(next), false));
        }
        if long && !uasc {
            let from = changes.last().map_or(sdate, |c| c.0);
            changes.push((
                from + Days::new(150 + rng.below(100)),
                Some(LegalStatus::C2),
                false,
            ));
        }
        // Placement moves.
        let years = (planned_end - sdate).num_days() as f64 / 365.0;
        // A few children move often; most rarely do.
        let unstable = self.quota(rng, "unstable placements", 0.20);
        let rate = if unstable {
            la.placement_moves_per_year * 4.2
        } else {
            la.placement_moves_per_year * 0.45
        };
        let moves = (years * rate * rng.lognormal(1.0, 0.3)).round() as u64;
        for _ in 0..moves.min(12) {
            let at = sdate + Days::new(rng.below((planned_end - sdate).num_days().max(2) as u64));
            changes.push((at, None, true));
        }
        // Police protection lasts 72 hours at most (903 361): the child stays where the
        // police placed them until it gives way to the next legal status.
        if let Some(&(protected_until, ..)) = changes.first().filter(|_| emergency.is_some()) {
            changes.retain(|c| !(c.2 && c.0 <= protected_until));
        }
        changes.sort_by_key(|c| c.0);
        let mut adoption_steps = None;
        if adoption {
            let decision = {
                let day = sdate + Days::new(90 + rng.below(120));
                rng.office(day)
            };
            let placement_order = {
                let day = decision.london_date() + Days::new(60 + rng.below(90));
                rng.office(day)
            };
            let ends = rng.chance(0.12);
            let matched = {
                let day = placement_order.london_date() + Days::new(60 + rng.below(200));
                rng.office(day)
            };
            let placed = {
                let day = matched.london_date() + Days::new(14 + rng.below(40));
                rng.office(day)
            };
            let order = {
                let day = placed.london_date() + Days::new(150 + rng.below(150));
                rng.office(day)
            };
            let foster_carers = rng.chance(0.15);
            let sex = *rng
                .weighted(&[
                    (AdopterSex::Mf, 0.78),
                    (AdopterSex::Ff, 0.06),
                    (AdopterSex::Mm, 0.05),
                    (AdopterSex::F1, 0.09),
                    (AdopterSex::M1, 0.02),
                ])
                .unwrap_or(&AdopterSex::Mf);
            let legal = match sex {
                AdopterSex::M1 | AdopterSex::F1 => AdopterLegalStatus::L0,
                AdopterSex::Mf => {
                    if rng.chance(0.8) {
                        AdopterLegalStatus::L11
                    } else {
                        AdopterLegalStatus::L3
                    }
                }
                _ => {
                    if rng.chance(0.6) {
                        AdopterLegalStatus::L12
                    } else {
                        AdopterLegalStatus::L2
                    }
                }
            };
            adoption_steps = Some(if ends {
                AdoptionSteps {
                    decision,
                    placement_order,
                    matched: None,
                    placed: None,
                    order: None,
                    ended: Some((
                        {
                            let day =
                                placement_order.london_date() + Days::new(90 + rng.below(120));
                            rng.office(day)
                        },
                        *rng.pick(&[
                            ReasonPlacedCeased::Rd1,
                            ReasonPlacedCeased::Rd3,
                            ReasonPlacedCeased::Rd4,
                        ])
                        .unwrap_or(&ReasonPlacedCeased::Rd4),
                    )),
                    foster_carers,
                    sex,
                    legal,
                }
            } else {
                AdoptionSteps {
                    decision,
                    placement_order,
                    matched: Some(matched),
                    placed: Some(placed),
                    order: Some(order),
                    ended: None,
                    foster_carers,
                    sex,
                    legal,
                }
            });
            // The adoption route sets the dates of care: no other moves.
            changes.retain(|c| c.1.is_some());
            changes.retain(|c| c.0 < placement_order.london_date());
            // A child whose adoption plan ends stays in care for a good while after.
            if let Some(a) = &adoption_steps {
                let last = a.ended.map_or(a.placement_order, |(t, _)| t).london_date();
                planned_end = planned_end.max(last + Days::new(200)).min(eighteen);
            }
        }

        let mut current = segments[0].clone();
        let mut last_day = sdate;
        for (day, legal, moves_placement) in changes {
            if day <= last_day || day >= planned_end {
                continue;
            }
            let mut next = current.clone();
            next.change = None;
            if let Some(l) = legal {
                next.legal = l;
            }
            if moves_placement {
                let age_then = hearth_domain::time::age_on(birth, day);
                next.placement = if uasc && age_then >= 16 {
                    PlacementType::K3
                } else {
                    self.entry_age_ok(rng, age_then)
                };
                if next.placement == PlacementType::P1 && next.legal == LegalStatus::V2 {
                    next.placement = PlacementType::U6;
                }
                let (provider, urn) = self
                    .provider_and_urn(rng, next.placement)
                    .unwrap_or((None, None));
                next.provider = provider;
                next.urn = urn;
                next.postcode = self.placement_postcode(rng, next.placement, provider, &home);
                if next.placement == current.placement
                    && next.provider == current.provider
                    && next.urn == current.urn
                    && next.postcode == current.postcode
                {
                    continue;
                }
                next.change = Some(
                    *rng.weighted(&[
                        (ReasonPlaceChange::Carpl, 0.34),
                        (ReasonPlaceChange::Creqb, 0.15),
                        (ReasonPlaceChange::Creqo, 0.10),
                        (ReasonPlaceChange::Child, 0.10),
                        (ReasonPlaceChange::Lareq, 0.08),
                        (ReasonPlaceChange::Stand, 0.05),
                        (ReasonPlaceChange::Alleg, 0.03),
                        (ReasonPlaceChange::Close, 0.04),
                        (ReasonPlaceChange::Apprr, 0.02),
                        (ReasonPlaceChange::Other, 0.09),
                    ])
                    .unwrap_or(&ReasonPlaceChange::Carpl),
                );
            }
            let legal_changed = next.legal != current.legal;
            let placement_changed = moves_placement;
            next.reason = match (legal_changed, placement_changed) {
                (true, true) => ReasonNewEpisode::B,
                (true, false) => ReasonNewEpisode::L,
                (false, true) => ReasonNewEpisode::P,
                (false, false) => continue,
            };
            // Police protection ends when its hours run out, weekend or not.
            next.start = if current.legal == LegalStatus::L1 {
                let (h, m) = (9 + rng.below(8) as u32, rng.below(60) as u32);
                at_time(day, h, m)
            } else {
                rng.office(day)
            };
            if next.start.london_date() >= planned_end || next.start <= current.start {
                continue;
            }
            last_day = next.start.london_date();
            segments.push(next.clone());
            current = next;
        }
        if let Some(a) = &adoption_steps {
            // Placement order: legal status E1; placed for adoption: A5 or A6.
            let mut po = current.clone();
            po.start = a.placement_order;
            po.legal = LegalStatus::E1;
            po.reason = ReasonNewEpisode::L;
            po.change = None;
            if po.start > current.start {
                segments.push(po.clone());
                current = po;
            }
            // When the plan for adoption ends the placement order is revoked and the care
            // order revives (903 553: a placement order needs a decision in force).
            if let Some((ended, _)) = a.ended {
                let mut revoked = current.clone();
                revoked.start = ended;
                revoked.legal = LegalStatus::C2;
                revoked.reason = ReasonNewEpisode::L;
                revoked.change = None;
                if revoked.start > current.start && revoked.start.london_date() < planned_end {
                    segments.push(revoked.clone());
                    current = revoked;
                }
            }
            if let Some(placed) = a.placed {
                let mut ad = current.clone();
                ad.start = placed;
                ad.placement = if a.foster_carers {
                    PlacementType::A5
                } else {
                    PlacementType::A6
                };
                let (provider, urn) = self
                    .provider_and_urn(rng, ad.placement)
                    .unwrap_or((None, None));
                ad.provider = provider;
                ad.urn = urn;
                ad.postcode = if a.foster_carers {
                    current.postcode.clone()
                } else {
                    self.placement_postcode(rng, ad.placement, provider, &home)
                };
                // With the child's own foster carers only the placement type changes (T);
                // with other adopters the carer changes too (P) (SSDA903 217).
                ad.reason = if a.foster_carers {
                    ReasonNewEpisode::T
                } else {
                    ReasonNewEpisode::P
                };
                ad.change = Some(ReasonPlaceChange::Carpl);
                if ad.start > current.start {
                    segments.push(ad.clone());
                    current = ad;
                }
            }
        }
        // How care ends.
        let end = if let Some(a) = adoption_steps.as_ref().filter(|a| a.order.is_some()) {
            a.order.map(|o| {
                (
                    plus(o, 60_000_000),
                    if rng.chance(0.85) {
                        ReasonEpisodeCeased::E11
                    } else {
                        ReasonEpisodeCeased::E12
                    },
                )
            })
        } else if reaches_eighteen {
            let reason = if current.placement.is_foster() && rng.chance(0.35) {
                ReasonEpisodeCeased::E17
            } else {
                *rng.weighted(&[
                    (ReasonEpisodeCeased::E5, 0.55),
                    (ReasonEpisodeCeased::E6, 0.15),
                    (ReasonEpisodeCeased::E8, 0.10),
                    (ReasonEpisodeCeased::E13, 0.10),
                    (ReasonEpisodeCeased::E4A, 0.10),
                ])
                .unwrap_or(&ReasonEpisodeCeased::E5)
            };
            Some((rng.office(eighteen), reason))
        } else if long && rng.chance(la.sgo_share * 2.5) {
            let r = *rng
                .pick(&[
                    ReasonEpisodeCeased::E45,
                    ReasonEpisodeCeased::E46,
                    ReasonEpisodeCeased::E47,
                    ReasonEpisodeCeased::E48,
                ])
                .unwrap_or(&ReasonEpisodeCeased::E45);
            // A special guardianship order goes to former foster carers (E45, E46) only
            // when the child was living with foster carers (SSDA903 516).
            let r = match r {
                ReasonEpisodeCeased::E45 if !current.placement.is_foster() => {
                    ReasonEpisodeCeased::E47
                }
                ReasonEpisodeCeased::E46 if !current.placement.is_foster() => {
                    ReasonEpisodeCeased::E48
                }
                r => r,
            };
            Some((rng.office(planned_end), r))
        } else if uasc {
            Some((rng.office(planned_end), ReasonEpisodeCeased::E8))
        } else {
            let r = *rng
                .weighted(&[
                    (ReasonEpisodeCeased::E4A, 0.62),
                    (ReasonEpisodeCeased::E4B, 0.10),
                    (ReasonEpisodeCeased::E13, 0.10),
                    (ReasonEpisodeCeased::E41, 0.04),
                    (ReasonEpisodeCeased::E8, 0.12),
                    (ReasonEpisodeCeased::E3, 0.02),
                ])
                .unwrap_or(&ReasonEpisodeCeased::E4A);
            Some((rng.office(planned_end), r))
        };
        // Care ends by the 18th birthday whatever day it falls on: an office day after it
        // would leave the young person looked after past 18 (SSDA903 359).
        let end = end.map(|(t, r)| {
            let t = t.max(plus(current.start, days(1)));
            let local = t.london_date_time();
            if local.date() > eighteen {
                (at_time(eighteen, local.hour(), local.minute()), r)
            } else {
                (t, r)
            }
        });
        e.care = Some(Care {
            segments,
            end,
            need,
            adoption: adoption_steps,
            emergency,
        });
        // What follows care.
        if let Some((t, reason)) = end {
            let closure_reason = match reason {
                ReasonEpisodeCeased::E11 | ReasonEpisodeCeased::E12 => ReasonForClosure::Rc1,
                ReasonEpisodeCeased::E45
                | ReasonEpisodeCeased::E46
                | ReasonEpisodeCeased::E47
                | ReasonEpisodeCeased::E48 => ReasonForClosure::Rc4,
                ReasonEpisodeCeased::E41 => ReasonForClosure::Rc3,
                ReasonEpisodeCeased::E3 => ReasonForClosure::Rc5,
                _ => ReasonForClosure::Rc7,
            };
            let closes = plus(
                t,
                3_600_000_000 + days(rng.below(if reaches_eighteen { 1 } else { 60 }) as i64),
            );
            e.closure = Some((closes, closure_reason));
        }
    }
}
