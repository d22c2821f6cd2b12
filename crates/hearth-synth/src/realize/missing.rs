//! Missing and away episodes of a looked-after child, decided a collection year at a time.

use chrono::{Datelike, Days, NaiveDate};
use hearth_domain::Timestamp;
use hearth_domain::child::ChildEvent;
use hearth_domain::codes::*;

use super::{Case, DAY, HOUR, Who, plus};
use crate::calendar::at_time;
use crate::data::DataError;
use crate::rng::Rng;

impl Case<'_, '_> {
    /// Missing and away episodes between `from` and `until`, none spanning a change of
    /// placement (`moves`): the police told, strategy meetings, the return and the
    /// return interview.
    pub(super) fn missing(
        &mut self,
        rng: &mut Rng,
        from: Timestamp,
        until: Timestamp,
        moves: &[NaiveDate],
    ) -> Result<(), DataError> {
        let la = &self.borough.rates.looked_after;
        let on_time = self.borough.rates.practice.recording_within_48_hours;
        let reviews = self.borough.rates.practice.reviews_on_time;
        // Whether a child goes missing is decided a collection year (April to March) at a
        // time, so the share of looked-after children missing in a year follows the rate.
        let first = from.london_date();
        let april = |y: i32| NaiveDate::from_ymd_opt(y, 4, 1).unwrap_or(first);
        let mut year = if first >= april(first.year()) {
            first.year()
        } else {
            first.year() - 1
        };
        while Timestamp::start_of_london_day(april(year)) < until {
            let (a, z) = (
                from.max(Timestamp::start_of_london_day(april(year))),
                until.min(Timestamp::start_of_london_day(april(year + 1))),
            );
            year += 1;
            let days = (z.london_date() - a.london_date()).num_days();
            if days < 2
                || !self.borough.quota_in(
                    rng,
                    "missing",
                    year,
                    la.missing_per_year * (days as f64 / 365.0).min(1.0),
                )
            {
                continue;
            }
            let episodes = 1 + rng.exponential(1.5) as u64;
            let mut t = a;
            for _ in 0..episodes.min(8) {
                let room = (z.london_date() - t.london_date()).num_days();
                if room < 2 {
                    break;
                }
                let start_day =
                    t.london_date() + Days::new(1 + rng.below(room.min(120) as u64 - 1));
                let start = at_time(start_day, 18 + rng.below(5) as u32, rng.below(60) as u32);
                let hours = rng.lognormal(14.0, 1.0).clamp(2.0, 24.0 * 21.0);
                let back = plus(start, (hours * HOUR as f64) as i64);
                if back >= until || start <= t || start >= z {
                    break;
                }
                // A missing episode belongs to one placement: the return wants it ended when
                // the placement ends (903 575), so none spans the day of a change.
                let (gone, returned) = (start.london_date(), back.london_date());
                if moves.iter().any(|d| (gone..=returned).contains(d)) {
                    t = plus(back, DAY);
                    continue;
                }
                let kind = if rng.chance(0.8) {
                    MissingKind::Missing
                } else {
                    MissingKind::Away
                };
                self.events.push(
                    start,
                    Who::Worker,
                    ChildEvent::MissingEpisodeStarted { kind },
                );
                // The police are told at once (within the hour, mostly); a strategy meeting
                // follows within a day and then weekly while the child is still missing.
                let minutes = if rng.chance(on_time) {
                    5 + rng.below(55)
                } else {
                    61 + rng.below(150)
                };
                self.events.routine(
                    plus(start, minutes as i64 * 60_000_000)
                        .min(plus(back, -60_000_000))
                        .max(plus(start, 60_000_000)),
                    Who::Worker,
                    ChildEvent::PoliceInformed {},
                );
                let mut due = plus(start, 24 * HOUR);
                while due < back {
                    let at = if rng.chance(reviews) {
                        plus(due, -((2 + rng.below(18)) as i64 * HOUR))
                    } else {
                        plus(due, (2 + rng.below(30)) as i64 * HOUR)
                    }
                    .max(plus(start, HOUR));
                    if at >= back {
                        break;
                    }
                    self.events.routine(
                        at,
                        Who::Manager,
                        ChildEvent::MeetingHeld {
                            meeting: MeetingKind::MissingStrategy,
                        },
                    );
                    due = plus(at, 7 * DAY);
                }
                self.events
                    .push(back, Who::Worker, ChildEvent::MissingEpisodeEnded {});
                if rng.chance(la.return_interview_offered) {
                    let limit = if rng.chance(0.85) { 60 } else { 150 };
                    let offered = plus(back, (4 + rng.below(limit)) as i64 * HOUR);
                    if offered < until {
                        self.events.push(
                            offered,
                            Who::Worker,
                            ChildEvent::ReturnInterviewOffered {
                                accepted: rng.chance(la.return_interview_accepted),
                            },
                        );
                    }
                }
                t = plus(back, (7 + rng.below(40)) as i64 * DAY);
            }
        }
        Ok(())
    }
}
