//! Which of a child's facts go on which list, and what each row says, as at the date.
//!
//! The folded record holds the whole journey, so every fact is read as at the date:
//! anything that happened after it has not happened yet (an episode that ended later is
//! open), and the activity lists keep what falls in, or is open during, the six months.

use chrono::NaiveDate;
use hearth_domain::AdopterId;
use hearth_domain::child::{
    Allocation, CareEpisode, ChildRecord, EpisodeOfNeed, Mark, MissingEpisode,
};
use hearth_domain::codes::{
    InitialConferenceOutcome, MissingKind, PlacementType, ReasonEpisodeCeased, ReasonNewEpisode,
    VisitKind,
};
use hearth_domain::directory::{Adopter, Directory};
use hearth_domain::values::Postcode;

use super::labels::{self, CaseStatus};
use super::{Cell, List, Row, Window};

/// What stands in the team and worker columns for a child nobody was allocated to.
const UNALLOCATED: &str = "Unallocated";

/// Reading a record as at the date.
#[derive(Clone, Copy)]
struct At<'r> {
    r: &'r ChildRecord,
    w: Window,
    staff: &'r dyn Directory,
    council_areas: &'r [String],
}

impl<'r> At<'r> {
    fn by(self, m: Mark) -> bool {
        m.date() <= self.w.as_at
    }
    /// The date of something, if it had happened by the as-at date.
    fn happened(self, m: Option<Mark>) -> Option<NaiveDate> {
        m.map(Mark::date).filter(|d| *d <= self.w.as_at)
    }
    fn in_six(self, d: NaiveDate) -> bool {
        self.w.six_months <= d && d <= self.w.as_at
    }
    fn in_twelve(self, d: NaiveDate) -> bool {
        self.w.twelve_months <= d && d <= self.w.as_at
    }
    /// Whether something that started at `start` and ended at `end` was open at some
    /// point in the six months.
    fn open_in_six(self, start: Mark, end: Option<Mark>) -> bool {
        self.by(start) && self.happened(end).is_none_or(|d| d >= self.w.six_months)
    }

    /// The columns every child list starts with.
    fn child(self) -> Row {
        let d = self.r.details.as_ref();
        let dob = self.r.date_of_birth().filter(|d| *d <= self.w.as_at);
        vec![
            Cell::Text(self.r.id.as_str().to_owned()),
            d.map_or(Cell::Blank, |d| labels::gender(d.sex, d.gender).into()),
            d.map_or(Cell::Blank, |d| labels::ethnicity(d.ethnicity).into()),
            dob.into(),
            dob.map_or(Cell::Blank, |b| {
                Cell::Number(i64::from(hearth_domain::time::age_on(b, self.w.as_at)))
            }),
        ]
    }

    fn disability(self) -> Cell {
        let d = self.r.details.as_ref().map_or(&[][..], |d| &d.disabilities);
        labels::disability(d).into()
    }

    /// The allocation in force on a day (one that ended that day still counts: a case
    /// closure ends the allocation on the day the episode closes).
    fn allocation_on(self, day: NaiveDate) -> Option<&'r Allocation> {
        self.r
            .allocations
            .iter()
            .rev()
            .find(|a| a.mark.date() <= day && a.ended.is_none_or(|e| e.date() >= day))
    }

    /// Team and worker: who held the case on the as-at date, or when the episode closed.
    fn allocated(self, closed: Option<NaiveDate>) -> [Cell; 2] {
        let day = closed.unwrap_or(self.w.as_at);
        match self.allocation_on(day) {
            Some(a) => [
                self.staff
                    .team(&a.team)
                    .map_or_else(|| a.team.as_str().to_owned(), |t| t.name().to_owned())
                    .into(),
                self.staff
                    .staff(&a.worker)
                    .map_or_else(|| a.worker.as_str().to_owned(), |s| s.name.display())
                    .into(),
            ],
            None => [UNALLOCATED.into(), UNALLOCATED.into()],
        }
    }

    fn episode_closed(self, e: &EpisodeOfNeed) -> Option<NaiveDate> {
        self.happened(e.closure.map(|c| c.0))
    }

    /// The latest of some dated facts up to the as-at date.
    fn latest<'m>(self, marks: impl IntoIterator<Item = &'m Mark>) -> Option<NaiveDate> {
        marks
            .into_iter()
            .map(|m| m.date())
            .filter(|d| *d <= self.w.as_at)
            .max()
    }
}

/// Every row a child contributes, with the list it goes on.
pub(super) fn child_rows(
    record: &ChildRecord,
    staff: &dyn Directory,
    council_areas: &[String],
    w: Window,
) -> Vec<(List, Row)> {
    let at = At {
        r: record,
        w,
        staff,
        council_areas,
    };
    if record.details.is_none() || record.registered.is_none_or(|m| !at.by(m)) {
        return Vec::new();
    }
    let mut out = Vec::new();
    contacts(at, &mut out);
    early_help(at, &mut out);
    for e in &record.episodes_of_need {
        if !at.by(e.referral) {
            continue;
        }
        referral(at, e, &mut out);
        assessments(at, e, &mut out);
        enquiries(at, e, &mut out);
        child_in_need(at, e, &mut out);
        child_protection(at, e, &mut out);
    }
    if let Some(row) = looked_after(at) {
        out.push((List::LookedAfter, row));
    }
    if let Some(row) = care_leaver(at) {
        out.push((List::CareLeavers, row));
    }
    if let Some(row) = adoption(at) {
        out.push((List::Adoption, row));
    }
    out
}

fn with(mut row: Row, more: impl IntoIterator<Item = Cell>) -> Row {
    row.extend(more);
    row
}

/// List 1: every contact in the six months.
fn contacts(at: At<'_>, out: &mut Vec<(List, Row)>) {
    for c in &at.r.contacts {
        let day = c.mark.date();
        if at.in_six(day) {
            let row = with(at.child(), [day.into(), labels::source(c.source).into()]);
            out.push((List::Contacts, row));
        }
    }
}

/// List 2: early help assessments open at some point in the six months.
fn early_help(at: At<'_>, out: &mut Vec<(List, Row)>) {
    for a in &at.r.early_help {
        if at.open_in_six(a.start, a.completed) {
            let row = with(
                at.child(),
                [
                    a.start.date().into(),
                    at.happened(a.completed).into(),
                    a.organisation.as_str().into(),
                ],
            );
            out.push((List::EarlyHelp, row));
        }
    }
}

/// List 3: a referral received in the six months.
fn referral(at: At<'_>, e: &EpisodeOfNeed, out: &mut Vec<(List, Row)>) {
    let day = e.referral.date();
    if !at.in_six(day) {
        return;
    }
    let in_year =
        at.r.episodes_of_need
            .iter()
            .filter(|x| at.in_twelve(x.referral.date()))
            .count();
    let row = with(
        at.child(),
        [
            day.into(),
            labels::source(e.source).into(),
            labels::yes_no(e.no_further_action).into(),
            Cell::Number(count(in_year)),
        ]
        .into_iter()
        .chain(at.allocated(at.episode_closed(e))),
    );
    out.push((List::Referrals, row));
}

/// List 4: child and family assessments open at some point in the six months (an
/// assessment is complete when a manager authorises it, as in the census).
fn assessments(at: At<'_>, e: &EpisodeOfNeed, out: &mut Vec<(List, Row)>) {
    for a in &e.assessments {
        let authorised = a.authorisation.as_ref().map(|x| x.0);
        if !at.open_in_six(a.start, authorised) {
            continue;
        }
        let outcome = a
            .completion
            .as_ref()
            .filter(|(m, _, _)| at.by(*m))
            .map(|(_, _, o)| labels::yes_no(o.needs_social_care()));
        let row = with(
            at.child(),
            [
                at.disability(),
                a.start.date().into(),
                labels::yes_no(at.happened(a.child_seen).is_some()).into(),
                at.happened(authorised).into(),
                outcome.into(),
            ]
            .into_iter()
            .chain(at.allocated(at.episode_closed(e))),
        );
        out.push((List::Assessments, row));
    }
}

/// List 5: section 47 enquiries started in the six months, with the conference that
/// followed each.
fn enquiries(at: At<'_>, e: &EpisodeOfNeed, out: &mut Vec<(List, Row)>) {
    let enquiries_in_year =
        at.r.episodes_of_need
            .iter()
            .flat_map(|x| &x.enquiries)
            .filter(|s| at.in_twelve(s.start.date()))
            .count();
    let conferences_in_year =
        at.r.episodes_of_need
            .iter()
            .flat_map(|x| &x.initial_conferences)
            .filter(|c| at.in_twelve(c.mark.date()))
            .count();
    for s in &e.enquiries {
        if !at.in_six(s.start.date()) {
            continue;
        }
        let unnecessary = s
            .completion
            .filter(|(m, _, _)| at.by(*m))
            .map(|(_, _, needed)| labels::yes_no(!needed));
        let conference = at.happened(s.conference);
        let plan = conference.and_then(|_| {
            let held = s.conference?;
            e.initial_conferences
                .iter()
                .find(|c| c.mark == held)
                .map(|c| labels::yes_no(c.outcome == InitialConferenceOutcome::CpPlan))
        });
        let row = with(
            at.child(),
            [
                at.disability(),
                s.start.date().into(),
                unnecessary.into(),
                conference.into(),
                plan.into(),
                Cell::Number(count(enquiries_in_year)),
                Cell::Number(count(conferences_in_year)),
            ]
            .into_iter()
            .chain(at.allocated(at.episode_closed(e))),
        );
        out.push((List::Section47, row));
    }
}

/// List 6: a child in need episode open at some point in the six months. A referral that
/// ended in no further action never became an episode of need and is only on List 3.
fn child_in_need(at: At<'_>, e: &EpisodeOfNeed, out: &mut Vec<(List, Row)>) {
    if e.no_further_action || !at.open_in_six(e.referral, e.closure.map(|c| c.0)) {
        return;
    }
    let closed = at.episode_closed(e);
    let closure = e.closure.filter(|_| closed.is_some());
    let last_seen =
        at.r.visits
            .iter()
            .filter(|v| v.child_seen && v.mark.date() >= e.referral.date())
            .filter(|v| closed.is_none_or(|c| v.mark.date() <= c))
            .map(|v| &v.mark);
    let row = with(
        at.child(),
        [
            at.disability(),
            e.referral.date().into(),
            labels::primary_need(e.primary_need).into(),
            at.latest(last_seen).into(),
            closed.into(),
            closure.map(|(_, r)| labels::reason_for_closure(r)).into(),
            labels::case_status(case_status(at, e, closed.is_some())).into(),
        ]
        .into_iter()
        .chain(at.allocated(closed)),
    );
    out.push((List::ChildrenInNeed, row));
}

/// What an episode is on the as-at date. An open episode with no plan and no assessment
/// under way (between an assessment and its plan) is still a child in need.
fn case_status(at: At<'_>, e: &EpisodeOfNeed, closed: bool) -> CaseStatus {
    let open_on = |start: Mark, end: Option<Mark>| at.by(start) && at.happened(end).is_none();
    if closed {
        CaseStatus::Closed
    } else if current_episode(at).is_some() {
        CaseStatus::LookedAfter
    } else if e
        .cp_plans
        .iter()
        .any(|p| open_on(p.start, p.end.map(|x| x.0)))
    {
        CaseStatus::ChildProtection
    } else if e
        .cin_plans
        .iter()
        .any(|p| open_on(p.start, p.end.map(|x| x.0)))
    {
        CaseStatus::ChildInNeed
    } else if e
        .assessments
        .iter()
        .any(|a| open_on(a.start, a.authorisation.as_ref().map(|x| x.0)))
    {
        CaseStatus::OpenAssessment
    } else {
        CaseStatus::ChildInNeed
    }
}

/// List 7: child protection plans open at some point in the six months.
fn child_protection(at: At<'_>, e: &EpisodeOfNeed, out: &mut Vec<(List, Row)>) {
    for p in &e.cp_plans {
        let end = p.end.map(|x| x.0);
        if !at.open_in_six(p.start, end) {
            continue;
        }
        let ended = at.happened(end);
        let during = |d: NaiveDate| d >= p.start.date() && ended.is_none_or(|e| d <= e);
        let visit =
            at.r.visits
                .iter()
                .filter(|v| {
                    matches!(
                        v.kind,
                        VisitKind::Statutory | VisitKind::StatutoryUnannounced
                    ) && at.by(v.mark)
                        && during(v.mark.date())
                })
                .max_by_key(|v| v.mark);
        let held: Vec<_> = p.reviews.iter().filter(|r| at.by(r.mark)).collect();
        let latest_category = held
            .iter()
            .rev()
            .find_map(|r| r.category)
            .unwrap_or(p.initial_category);
        let protected =
            at.r.emergency_protection
                .iter()
                .any(|(m, _)| at.in_six(m.date()));
        let previous =
            at.r.episodes_of_need
                .iter()
                .flat_map(|x| &x.cp_plans)
                .filter(|q| q.start.at < p.start.at)
                .count();
        let row = with(
            at.child(),
            [
                at.disability(),
                p.start.date().into(),
                labels::category_of_abuse(p.initial_category).into(),
                labels::category_of_abuse(latest_category).into(),
                visit.map(|v| v.mark.date()).into(),
                visit.map(|v| labels::yes_no_unknown(v.seen_alone)).into(),
                held.last().map(|r| r.mark.date()).into(),
                ended.into(),
                labels::yes_no(protected).into(),
                Cell::Number(i64::from(at.r.earlier_cp_plans) + count(previous)),
            ]
            .into_iter()
            .chain(at.allocated(at.episode_closed(e))),
        );
        out.push((List::ChildProtection, row));
    }
}

/// An episode as at the date: its end only if it had ended by then.
struct Episode<'r> {
    ep: &'r CareEpisode,
    end: Option<(NaiveDate, ReasonEpisodeCeased)>,
}

impl Episode<'_> {
    fn start(&self) -> NaiveDate {
        self.ep.start.date()
    }
}

/// The child's periods of care that had started by the date: runs of episodes joined by
/// X1, as the SSDA903 reads them.
fn periods<'r>(at: At<'r>) -> Vec<Vec<Episode<'r>>> {
    let mut out: Vec<Vec<Episode<'r>>> = Vec::new();
    for ep in &at.r.care_episodes {
        if !at.by(ep.start) {
            break;
        }
        let e = Episode {
            ep,
            end: ep
                .end
                .map(|(m, why)| (m.date(), why))
                .filter(|(d, _)| *d <= at.w.as_at),
        };
        let continues = out.last().and_then(|p| p.last()).is_some_and(|prev| {
            matches!(prev.end, Some((_, ReasonEpisodeCeased::X1)))
                && ep.reason != ReasonNewEpisode::S
        });
        match out.last_mut() {
            Some(p) if continues => p.push(e),
            _ => out.push(vec![e]),
        }
    }
    out
}

/// The period's end: the date and reason of its last episode's end, if not X1.
fn period_end(p: &[Episode<'_>]) -> Option<(NaiveDate, ReasonEpisodeCeased)> {
    p.last()
        .and_then(|e| e.end)
        .filter(|(_, why)| *why != ReasonEpisodeCeased::X1)
}

/// The looked-after episode open on the as-at date.
fn current_episode<'r>(at: At<'r>) -> Option<&'r CareEpisode> {
    at.r.care_episodes
        .iter()
        .rev()
        .find(|e| at.by(e.start) && at.happened(e.end.map(|x| x.0)).is_none())
}

/// Whether a new episode means a new placement (a new carer), not just a new legal
/// status or placement type with the same carer.
fn new_placement(r: ReasonNewEpisode) -> bool {
    matches!(
        r,
        ReasonNewEpisode::S | ReasonNewEpisode::P | ReasonNewEpisode::B
    )
}

/// List 8: a child looked after at some point in the six months, with their latest
/// period of care.
fn looked_after(at: At<'_>) -> Option<Row> {
    let periods = periods(at);
    let (index, period) = periods
        .iter()
        .enumerate()
        .rev()
        .find(|(_, p)| period_end(p).is_none_or(|(d, _)| d >= at.w.six_months))?;
    let last = period.last()?;
    let first = period.first()?;
    let details = at.r.details.as_ref()?;
    let ended = period_end(period);
    // The legal status runs back over episodes that kept it.
    let legal_since = period
        .iter()
        .rev()
        .take_while(|e| e.ep.legal_status == last.ep.legal_status)
        .last()
        .map_or(last.start(), Episode::start);
    let placed_since = period
        .iter()
        .rev()
        .find(|e| new_placement(e.ep.reason))
        .map_or(first.start(), Episode::start);
    let uasc = details.uasc && details.uasc_ceased.is_none_or(|d| d >= at.w.twelve_months);
    let earlier_in_year = periods
        .iter()
        .take(index)
        .any(|p| period_end(p).is_some_and(|(d, _)| d >= at.w.twelve_months));
    let since = first.ep.start;
    let after_start = |m: &&Mark| m.date() >= since.date();
    let visits = |kinds: &[VisitKind]| {
        at.latest(
            at.r.visits
                .iter()
                .filter(|v| kinds.contains(&v.kind) && v.mark >= since)
                .map(|v| &v.mark),
        )
    };
    let plan =
        at.r.permanence_plans
            .iter()
            .filter(|(m, _)| at.by(*m))
            .max_by_key(|(m, _)| *m)
            .map(|(_, p)| labels::permanence_plan(*p));
    let placements = periods
        .iter()
        .flatten()
        .filter(|e| e.start() <= at.w.as_at && e.end.is_none_or(|(d, _)| d >= at.w.twelve_months))
        .enumerate()
        .filter(|(i, e)| *i == 0 || new_placement(e.ep.reason))
        .count();
    let in_year = |m: &&MissingEpisode| at.in_twelve(m.start.date());
    let missing = at.r.missing.iter().filter(in_year);
    let (gone, away) = missing.fold((0, 0), |(g, a), m| match m.kind {
        MissingKind::Missing => (g + 1, a),
        MissingKind::Away => (g, a + 1),
    });
    let last_missing =
        at.r.missing
            .iter()
            .filter(|m| at.by(m.start))
            .max_by_key(|m| m.start);
    let interview = last_missing.map(|m| m.interview.filter(|(when, _)| at.by(*when)));
    let ep = last.ep;
    Some(with(
        at.child(),
        [
            labels::yes_no(uasc).into(),
            at.disability(),
            first.start().into(),
            labels::category_of_need(ep.category_of_need).into(),
            labels::yes_no(earlier_in_year).into(),
            legal_since.into(),
            labels::legal_status(ep.legal_status).into(),
            at.latest(at.r.cla_reviews.iter().map(|r| &r.mark).filter(after_start))
                .into(),
            visits(&[VisitKind::Statutory, VisitKind::StatutoryUnannounced]).into(),
            plan.into(),
            visits(&[VisitKind::ReviewingOfficer]).into(),
            at.latest(at.r.health.assessments.iter()).into(),
            at.latest(at.r.health.dental_checks.iter()).into(),
            Cell::Number(count(placements)),
            ended.map(|(d, _)| d).into(),
            ended.and_then(|(_, why)| labels::reason_ceased(why)).into(),
            placed_since.into(),
            labels::placement_type(ep.placement).into(),
            ep.provider.map(labels::provider).into(),
            ep.placement_postcode.as_ref().map(|p| p.as_str()).into(),
            ep.urn.as_ref().map(|u| u.as_str()).into(),
            placement_location(at, ep).into(),
            // Not held: the record keeps the placement's postcode, not its council.
            Cell::Blank,
            Cell::Number(gone),
            Cell::Number(away),
            interview.map(|i| labels::yes_no(i.is_some())).into(),
            interview
                .flatten()
                .map(|(_, yes)| labels::yes_no(yes))
                .into(),
        ]
        .into_iter()
        .chain(at.allocated(ended.map(|(d, _)| d))),
    ))
}

/// In or out of the council's area. The record holds postcodes, not councils, so a
/// placement counts as in the area when it shares the postcode area (the letters that
/// start the postcode, `BR` in `BR1 3UH`) of the home the child came from: the home
/// postcode on the episode, or else the child's address when the episode started. A child
/// with no home here (an unaccompanied asylum seeker) is compared with the council's own
/// postcode areas, when they are given.
fn placement_location(at: At<'_>, ep: &CareEpisode) -> Option<&'static str> {
    let area = |p: &Postcode| -> String {
        p.outward()
            .chars()
            .take_while(char::is_ascii_alphabetic)
            .collect()
    };
    let placed = ep.placement_postcode.as_ref()?;
    let home = ep.home_postcode.as_ref().or_else(|| {
        at.r.addresses
            .iter()
            .rev()
            .find(|a| a.from <= ep.start)
            .or(at.r.addresses.first())
            .and_then(|a| a.address.postcode.as_ref())
    });
    match home {
        Some(home) => Some(labels::location(area(home) == area(placed))),
        None if !at.council_areas.is_empty() => Some(labels::location(
            at.council_areas.iter().any(|a| *a == area(placed)),
        )),
        None => None,
    }
}

/// List 9: a care leaver on the as-at date (relevant, former relevant or qualifying, and
/// not yet 26).
fn care_leaver(at: At<'_>) -> Option<Row> {
    let cl = &at.r.care_leaver;
    let eligibility = labels::eligibility(latest_of(at, &cl.statuses).copied()?)?;
    let age = at.r.age_on(at.w.as_at)?;
    if age >= 26 || at.r.date_of_death.is_some_and(|d| d <= at.w.as_at) {
        return None;
    }
    let accommodation = latest_of(at, &cl.accommodation).copied();
    // A care leaver's worker is their personal adviser, in the adviser's team.
    let adviser = latest_of(at, &cl.advisers).and_then(|id| at.staff.staff(id));
    let allocated = match adviser {
        Some(pa) => [
            at.staff
                .team(&pa.team)
                .map_or_else(|| pa.team.as_str().to_owned(), |t| t.name().to_owned())
                .into(),
            pa.name.display().into(),
        ],
        None => at.allocated(None),
    };
    Some(with(
        at.child(),
        [at.disability()].into_iter().chain(allocated).chain([
            eligibility.into(),
            in_touch(at).into(),
            accommodation.and_then(labels::accommodation).into(),
            accommodation
                .and_then(|a| a.is_suitable())
                .map(labels::suitability)
                .into(),
            latest_of(at, &cl.activities)
                .copied()
                .and_then(labels::activity)
                .into(),
        ]),
    ))
}

/// Whether the council is in touch: the latest check recorded, or for a young person
/// not yet due a check (DfE asks around birthdays from 17), whether someone saw them on a
/// visit in the three months before the date (the 903's in-touch window).
fn in_touch(at: At<'_>) -> Option<&'static str> {
    if let Some(t) = latest_of(at, &at.r.care_leaver.contacts) {
        return Some(labels::in_touch(*t));
    }
    let since =
        at.w.as_at
            .checked_sub_months(chrono::Months::new(3))
            .unwrap_or(NaiveDate::MIN);
    at.r.visits
        .iter()
        .any(|v| v.child_seen && v.mark.date() >= since && at.by(v.mark))
        .then(|| labels::yes_no(true))
}

/// The latest of a list of dated values, as at the date.
fn latest_of<'v, T>(at: At<'_>, v: &'v [(Mark, T)]) -> Option<&'v T> {
    v.iter()
        .filter(|(m, _)| at.by(*m))
        .max_by_key(|(m, _)| *m)
        .map(|(_, x)| x)
}

/// List 10: a child whose adoption plan was open at some point in the six months.
fn adoption(at: At<'_>) -> Option<Row> {
    let plan = at.r.adoption.iter().rev().find(|a| {
        a.decided_on <= at.w.as_at
            && at.happened(a.order).is_none_or(|d| d >= at.w.six_months)
            && at
                .happened(a.ended.map(|x| x.0))
                .is_none_or(|d| d >= at.w.six_months)
    })?;
    let periods = periods(at);
    // The period of care the decision was made in (or the last before it).
    let period = periods
        .iter()
        .rev()
        .find(|p| p.first().is_some_and(|e| e.start() <= plan.decided_on))
        .or(periods.last());
    let entered = period.and_then(|p| p.first()).map(Episode::start);
    let fostering_for_adoption = period.and_then(|p| {
        p.iter()
            .find(|e| matches!(e.ep.placement, PlacementType::U2 | PlacementType::U5))
            .map(Episode::start)
    });
    let ended = plan.ended.filter(|(m, _)| at.by(*m));
    let mut row = at.child();
    row.insert(1, at.r.families.last().map(|f| f.as_str()).into());
    Some(with(
        row,
        [
            at.disability(),
            entered.into(),
            plan.decided_on.into(),
            at.happened(plan.placement_order).into(),
            at.happened(plan.matched.as_ref().map(|m| m.mark)).into(),
            at.happened(plan.placed).into(),
            at.happened(plan.order).into(),
            ended.map(|(m, _)| m.date()).into(),
            ended
                .map(|(_, r)| labels::reason_no_longer_placed(r))
                .into(),
            fostering_for_adoption.into(),
        ],
    ))
}

/// List 11: one row per adopter of a household in the process at some point in the six
/// months: enquired by the date, and neither gone nor adopted before the six months.
pub(super) fn adopter_rows(id: &AdopterId, a: &Adopter, w: Window) -> Vec<Row> {
    let by = |d: Option<NaiveDate>| d.filter(|d| *d <= w.as_at);
    let Some(household) = &a.household else {
        return Vec::new();
    };
    let Some(enquiry) = by(a.enquiry) else {
        return Vec::new();
    };
    let left = a.left.filter(|(d, _)| *d <= w.as_at);
    let order = by(a.order);
    if left.is_some_and(|(d, _)| d < w.six_months) || order.is_some_and(|d| d < w.six_months) {
        return Vec::new();
    }
    let matched = a.matched.as_ref().filter(|(d, _)| *d <= w.as_at);
    let placed = a.placed.as_ref().filter(|(d, _)| *d <= w.as_at);
    household
        .adopters
        .iter()
        .enumerate()
        .map(|(i, person)| {
            vec![
                Cell::Text(format!("{}-{}", id.as_str(), i + 1)),
                Cell::Text(id.as_str().to_owned()),
                labels::adopter_gender(person.gender).into(),
                labels::ethnicity(person.ethnicity).into(),
                labels::yes_no(person.disability).into(),
                labels::yes_no(household.fostering_for_adoption).into(),
                enquiry.into(),
                by(a.stage_one.0).into(),
                by(a.stage_one.1).into(),
                by(a.stage_two.0).into(),
                by(a.stage_two.1).into(),
                by(a.application).into(),
                by(a.approved).into(),
                matched.map(|(d, _)| *d).into(),
                placed.map(|(d, _)| *d).into(),
                placed.map_or(Cell::Blank, |(_, c)| Cell::Number(count(c.len()))),
                order.into(),
                left.map(|(d, _)| d).into(),
                left.map(|(_, r)| labels::adopter_leaving(r)).into(),
            ]
        })
        .collect()
}

/// A count as a cell's number; no list counts anywhere near `i64::MAX`.
fn count(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}
