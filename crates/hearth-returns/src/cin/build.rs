//! The census read from folded records, as at 31 March of the collection year.
//!
//! The record holds the whole journey. The census wants what had happened by the reference
//! date, and of that only the episodes open at some point in the year and, within them,
//! the work DfE's rules place in the year: assessments completed in it (or started in it and
//! still open), enquiries whose conference was in it (or started in it and still waiting),
//! and plans open at some point in it. Each choice below names the rule it follows.

use chrono::NaiveDate;
use hearth_domain::child::{ChildRecord, CpPlan, EpisodeOfNeed, Mark};
use hearth_domain::codes::Sex;

use super::xml::Writer;
use super::{
    Census, CensusAssessment, CensusChild, CensusCpPlan, CensusError, CensusSection47, CinDetails,
    LaNumber,
};
use crate::year::CollectionYear;

/// Writes a census one child at a time, so that a region's children need not be held
/// together: `add` each folded record (children not in need in the year are left out), then
/// `finish` for the file's bytes.
#[derive(Debug)]
pub struct CensusBuilder {
    year: CollectionYear,
    writer: Writer,
    children: usize,
}

impl CensusBuilder {
    /// Starts the return for a council and year.
    pub fn new(year: CollectionYear, la: LaNumber) -> Result<CensusBuilder, CensusError> {
        Census::new(year, la)?;
        Ok(CensusBuilder {
            year,
            writer: Writer::start(year, la),
            children: 0,
        })
    }

    /// Adds a child if they were in need in the year; says whether they were.
    pub fn add(&mut self, record: &ChildRecord) -> bool {
        match child(record, self.year) {
            Some(c) => {
                self.writer.child(&c);
                self.children += 1;
                true
            }
            None => false,
        }
    }

    /// How many children have been added.
    pub fn children(&self) -> usize {
        self.children
    }

    /// The file.
    pub fn finish(self) -> Vec<u8> {
        self.writer.finish()
    }
}

/// Builds a whole census from folded records, in the order given.
pub fn build<'r>(
    records: impl IntoIterator<Item = &'r ChildRecord>,
    year: CollectionYear,
    la: LaNumber,
) -> Result<Vec<u8>, CensusError> {
    let mut b = CensusBuilder::new(year, la)?;
    for r in records {
        b.add(r);
    }
    Ok(b.finish())
}

/// Dates of the year, and whether a fact had happened by its end.
#[derive(Clone, Copy)]
struct Year {
    start: NaiveDate,
    end: NaiveDate,
}

impl Year {
    fn by_end(self, m: Mark) -> bool {
        m.date() <= self.end
    }
    fn within(self, d: NaiveDate) -> bool {
        self.start <= d && d <= self.end
    }
    /// The date of something that had happened by the reference date.
    fn happened(self, m: Option<Mark>) -> Option<NaiveDate> {
        m.filter(|m| self.by_end(*m)).map(Mark::date)
    }
}

/// A child's part of the census, or `None` if they were not in need in the year.
pub fn child(record: &ChildRecord, year: CollectionYear) -> Option<CensusChild> {
    let details = record.details.as_ref()?;
    let y = Year {
        start: year.start(),
        end: year.end(),
    };
    let episodes: Vec<CinDetails> = record
        .episodes_of_need
        .iter()
        .filter(|e| {
            y.by_end(e.referral)
                && y.happened(e.closure.map(|c| c.0))
                    .is_none_or(|d| d >= y.start)
        })
        .map(|e| episode(record, e, y))
        .collect();
    if episodes.is_empty() {
        return None;
    }
    // A child born after the reference date was unborn on it (8520, 8750). Once born the
    // record keeps the date of birth, not the expected date, so that stands in for it.
    let born = details.date_of_birth.filter(|d| *d <= y.end);
    let (expected, sex) = match born {
        Some(_) => (None, details.sex),
        None => (
            details.expected_date_of_birth.or(details.date_of_birth),
            Sex::U,
        ),
    };
    Some(CensusChild {
        id: record.id.clone(),
        upn: details.upn.clone(),
        former_upn: details.former_upn.clone(),
        upn_unknown: details.upn_unknown,
        birth_date: born,
        expected_birth_date: expected,
        sex,
        death_date: record.date_of_death.filter(|d| *d <= y.end),
        ethnicity: details.ethnicity,
        disabilities: details.disabilities.clone(),
        episodes,
    })
}

fn episode(record: &ChildRecord, e: &EpisodeOfNeed, y: Year) -> CinDetails {
    let assessments = e
        .assessments
        .iter()
        .filter(|a| y.by_end(a.start))
        .filter_map(|a| {
            let authorised = y.happened(a.authorisation.as_ref().map(|x| x.0));
            match authorised {
                // Completed before the year: not in this return (8696).
                Some(d) if d < y.start => None,
                // Still open: only if started in the year (8736).
                None if a.start.date() < y.start => None,
                _ => Some(CensusAssessment {
                    start: a.start.date(),
                    authorised,
                    // Factors belong to a completed assessment only (8614).
                    factors: match (authorised, &a.completion) {
                        (Some(_), Some((_, factors, _))) => factors.clone(),
                        _ => Vec::new(),
                    },
                }),
            }
        })
        .collect();
    let cin_plans = e
        .cin_plans
        .iter()
        .filter(|p| y.by_end(p.start))
        .filter_map(|p| {
            let end = y.happened(p.end.map(|x| x.0));
            (end.is_none_or(|d| d >= y.start)).then_some((p.start.date(), end))
        })
        .collect();
    let enquiries = e
        .enquiries
        .iter()
        .filter(|s| y.by_end(s.start))
        .filter_map(|s| {
            let conference = y.happened(s.conference);
            match conference {
                // The conference was before the year (8715).
                Some(d) if d < y.start => None,
                // Still waiting for a conference: only if started in the year (8740).
                None if s.start.date() < y.start => None,
                _ => Some(CensusSection47 {
                    start: s.start.date(),
                    conference,
                    conference_not_required: conference.is_none()
                        && s.completion
                            .is_some_and(|(m, _, needed)| y.by_end(m) && !needed),
                }),
            }
        })
        .collect();
    let cp_plans = e
        .cp_plans
        .iter()
        .filter(|p| y.by_end(p.start))
        .filter_map(|p| {
            let end = y.happened(p.end.map(|x| x.0));
            end.is_none_or(|d| d >= y.start)
                .then(|| cp_plan(record, p, end, y))
        })
        .collect();
    // Conferences without an enquiry in the return: transfers in (2883 counts them here).
    let initial_conference = e
        .initial_conferences
        .iter()
        .filter(|c| c.transfer_in && y.within(c.mark.date()))
        .map(|c| c.mark.date())
        .next_back();
    CinDetails {
        referral_date: e.referral.date(),
        source: e.source,
        primary_need: e.primary_need,
        closure: e
            .closure
            .filter(|(m, _)| y.by_end(*m))
            .map(|(m, r)| (m.date(), r)),
        initial_conference,
        assessments,
        cin_plans,
        enquiries,
        no_further_action: e.no_further_action,
        cp_plans,
    }
}

fn cp_plan(record: &ChildRecord, p: &CpPlan, end: Option<NaiveDate>, y: Year) -> CensusCpPlan {
    let held: Vec<_> = p.reviews.iter().filter(|r| y.by_end(r.mark)).collect();
    let latest_category = held
        .iter()
        .rev()
        .find_map(|r| r.category)
        .unwrap_or(p.initial_category);
    let previous = record
        .episodes_of_need
        .iter()
        .flat_map(|e| &e.cp_plans)
        .filter(|q| q.start.at < p.start.at)
        .count();
    CensusCpPlan {
        start: p.start.date(),
        end,
        initial_category: p.initial_category,
        latest_category,
        previous_plans: u32::from(record.earlier_cp_plans)
            .saturating_add(u32::try_from(previous).unwrap_or(u32::MAX)),
        reviews: held
            .iter()
            .map(|r| r.mark.date())
            .filter(|d| y.within(*d))
            .collect(),
    }
}
