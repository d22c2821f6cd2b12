//! A looked-after child's health: assessments, dental and development checks,
//! immunisations and strengths and difficulties questionnaires.

use chrono::{Datelike, NaiveDate};
use hearth_domain::Timestamp;
use hearth_domain::child::ChildEvent;
use hearth_domain::codes::*;
use hearth_domain::values::SdqScore;

use super::{Case, Every, HOUR, Who, cadence, day_for, err, plus};
use crate::data::DataError;
use crate::rng::Rng;

impl Case<'_, '_> {
    /// Health assessments while looked after.
    pub(super) fn health_assessments(
        &mut self,
        rng: &mut Rng,
        birth: NaiveDate,
        start: Timestamp,
        care_end: Timestamp,
    ) {
        let age_at = |t: Timestamp| hearth_domain::time::age_on(birth, t.london_date());
        // Health assessments: within 20 working days, then every year (six months under five).
        let reviews = self.borough.rates.practice.reviews_on_time;
        let mut last = start.london_date();
        let mut period = Every::WorkingDays(20);
        loop {
            let day = day_for(rng, period.after(last), last, period, reviews);
            let at = rng.office(day);
            if at >= care_end {
                break;
            }
            self.events
                .routine(at, Who::Worker, ChildEvent::HealthAssessmentCompleted {});
            last = at.london_date();
            period = Every::Months(if age_at(at) < 5 { 6 } else { 12 });
        }
    }

    /// Dental checks, immunisations and development checks each year, and the SDQ in the
    /// council's yearly round.
    pub(super) fn health_checks(
        &mut self,
        rng: &mut Rng,
        birth: NaiveDate,
        start: Timestamp,
        care_end: Timestamp,
    ) -> Result<(), DataError> {
        let age_at = |t: Timestamp| hearth_domain::time::age_on(birth, t.london_date());
        let reviews = self.borough.rates.practice.reviews_on_time;
        for at in cadence(
            rng,
            start,
            care_end,
            Every::Days(120),
            Every::Days(365),
            0.85,
        ) {
            let age = age_at(at);
            if age >= 1 {
                self.events
                    .routine(at, Who::Worker, ChildEvent::DentalCheckCompleted {});
            }
            self.events.routine(
                plus(at, HOUR),
                Who::Worker,
                ChildEvent::ImmunisationsRecorded {
                    up_to_date: rng.chance(0.9),
                },
            );
            if age < 5 {
                self.events.routine(
                    plus(at, 2 * HOUR),
                    Who::Worker,
                    ChildEvent::DevelopmentCheckCompleted {},
                );
            }
        }
        // Carers fill in the SDQ in the council's yearly round, timed for the SSDA903: due by
        // the end of June, some returned over the summer. So a child looked after for a whole
        // collection year has one in it (903 186), however the annual health check drifts.
        let april = |y: i32| NaiveDate::from_ymd_opt(y, 4, 1);
        let first = start.london_date();
        let mut year = if april(first.year()).is_some_and(|a| first >= a) {
            first.year()
        } else {
            first.year() - 1
        };
        while let (Some(opens), Some(due)) = (april(year), NaiveDate::from_ymd_opt(year, 6, 30)) {
            if Timestamp::start_of_london_day(opens) >= care_end {
                break;
            }
            year += 1;
            let day = day_for(rng, due, opens, Every::Months(3), reviews);
            let at = rng.office(day);
            if at <= start || at >= care_end {
                continue;
            }
            let age = age_at(at);
            if age == 3 || age == 17 {
                // The year a child turns four or seventeen DfE still wants an SDQ or the
                // reason there is none: here, that they are outside the age range (903 197B).
                self.events.routine(
                    at,
                    Who::Worker,
                    ChildEvent::SdqRecorded {
                        score: None,
                        reason: Some(SdqReason::Sdq1),
                    },
                );
            } else if (4..=16).contains(&age) {
                let (score, reason) = if rng.chance(0.9) {
                    (
                        Some(
                            SdqScore::new((rng.normal() * 6.0 + 14.0).clamp(0.0, 40.0) as u8)
                                .map_err(err)?,
                        ),
                        None,
                    )
                } else {
                    (
                        None,
                        Some(
                            *rng.pick(&[SdqReason::Sdq2, SdqReason::Sdq4, SdqReason::Sdq5])
                                .unwrap_or(&SdqReason::Sdq4),
                        ),
                    )
                };
                self.events
                    .routine(at, Who::Worker, ChildEvent::SdqRecorded { score, reason });
            }
        }
        Ok(())
    }
}
