//! The 903 tables of a collection year, projected from folded records.
//!
//! The year is seen as at its last day: what happened after 31 March has not happened yet
//! (an episode that ended in April is open), except for care leavers' checks, which DfE
//! counts up to a month after a birthday. Who the child is (sex, ethnicity, UPN) is taken
//! from the record as it now stands, corrections included.

use chrono::{Months, NaiveDate};
use hearth_domain::child::{AdoptionPlan, CareEpisode, ChildRecord, Mark};
use hearth_domain::codes::{ReasonEpisodeCeased, ReasonNewEpisode, Sex};
use hearth_domain::directory::Directory;
use hearth_domain::people::ChildDetails;
use hearth_domain::time::birthday;
use hearth_domain::values::PartialDate;

use super::{DATE, Ssda903, Table};
use crate::CollectionYear;

/// The return's headline counts, for reconciling with the record.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Figures {
    /// Children with an episode open at 31 March.
    pub looked_after_at_end: usize,
    /// Children with an episode open at any time in the year.
    pub looked_after_in_year: usize,
    /// Episodes open at any time in the year.
    pub episodes_in_year: usize,
    /// Care leavers reported (OC3 rows).
    pub care_leavers: usize,
}

impl Ssda903 {
    /// The headline counts of the return, read from its tables.
    pub fn figures(&self) -> Figures {
        let (start, end) = (self.year.start(), self.year.end());
        let date = |s: &str| NaiveDate::parse_from_str(s, DATE).ok();
        let mut f = Figures::default();
        let (mut at_end, mut in_year): (Vec<&str>, Vec<&str>) = (Vec::new(), Vec::new());
        for row in self.rows(Table::Episodes) {
            let (decom, dec) = (date(&row[1]), date(&row[7]));
            let open_in_year = decom.is_some_and(|d| d <= end) && dec.is_none_or(|d| d >= start);
            if open_in_year {
                f.episodes_in_year += 1;
                in_year.push(&row[0]);
            }
            if dec.is_none() {
                at_end.push(&row[0]);
            }
        }
        at_end.dedup();
        in_year.dedup();
        f.looked_after_at_end = at_end.len();
        f.looked_after_in_year = in_year.len();
        f.care_leavers = self.rows(Table::Oc3).len();
        f
    }
}

fn d(date: NaiveDate) -> String {
    date.format(DATE).to_string()
}

fn opt(date: Option<NaiveDate>) -> String {
    date.map(d).unwrap_or_default()
}

fn flag(b: bool) -> String {
    if b { "1" } else { "0" }.to_owned()
}

/// Day and month may be unknown in `DATE_PERM`, written `ZZ`.
fn partial(p: PartialDate) -> String {
    let two = |v: Option<u32>| v.map_or("ZZ".to_owned(), |v| format!("{v:02}"));
    format!("{}/{}/{:04}", two(p.day), two(p.month), p.year)
}

/// An episode as at the year's end: its end only if it had ended by then.
struct Episode<'r> {
    ep: &'r CareEpisode,
    start: NaiveDate,
    end: Option<(NaiveDate, ReasonEpisodeCeased)>,
}

/// The child's episodes that had started by 31 March, grouped into periods of care.
fn periods(r: &ChildRecord, end: NaiveDate) -> Vec<Vec<Episode<'_>>> {
    let mut out: Vec<Vec<Episode<'_>>> = Vec::new();
    for ep in &r.care_episodes {
        let start = ep.start.date();
        if start > end {
            break;
        }
        let e = Episode {
            ep,
            start,
            end: ep
                .end
                .map(|(m, why)| (m.date(), why))
                .filter(|(date, _)| *date <= end),
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

/// Rows of one child, before the children are put in order.
#[derive(Default)]
struct ChildRows {
    tables: Vec<(Table, Vec<String>)>,
}

impl ChildRows {
    fn push(&mut self, t: Table, row: Vec<String>) {
        self.tables.push((t, row));
    }
}

/// The reason for a placement change is on the episode that ends with it; the record keeps
/// it on the episode that begins.
fn change_reason(period: &[Episode<'_>], i: usize) -> String {
    match (period[i].end, period.get(i + 1)) {
        (Some((_, ReasonEpisodeCeased::X1)), Some(next)) => next
            .ep
            .placement_change_reason
            .map(|r| r.code().to_owned())
            .unwrap_or_default(),
        _ => String::new(),
    }
}

fn in_window(m: &Mark, from: NaiveDate, to: NaiveDate) -> bool {
    (from..=to).contains(&m.date())
}

/// Builds a year's return a child at a time, so that records can be folded, added and
/// dropped in batches.
pub struct Builder<'d> {
    year: CollectionYear,
    staff: &'d dyn Directory,
    children: Vec<(String, ChildRows)>,
}

impl<'d> Builder<'d> {
    /// A return for `year`; `staff` gives the social workers' registration numbers (`SW_ID`).
    pub fn new(year: CollectionYear, staff: &'d dyn Directory) -> Self {
        Builder {
            year,
            staff,
            children: Vec::new(),
        }
    }

    /// Adds a child's rows, if the child belongs in the return.
    pub fn add(&mut self, r: &ChildRecord) {
        let rows = child(r, self.staff, self.year);
        if !rows.tables.is_empty() {
            self.children.push((r.id.as_str().to_owned(), rows));
        }
    }

    /// The tables, children in order of their ids.
    pub fn finish(mut self) -> Ssda903 {
        self.children.sort_by(|a, b| a.0.cmp(&b.0));
        let tables = Table::of_year(self.year)
            .map(|t| {
                let rows = self
                    .children
                    .iter()
                    .flat_map(|(_, c)| c.tables.iter().filter(|(ct, _)| *ct == t))
                    .map(|(_, row)| row.clone())
                    .collect();
                (t, rows)
            })
            .collect();
        Ssda903 {
            year: self.year,
            tables,
        }
    }
}

/// Builds the return of a collection year from folded records, in any order.
pub fn build<'r>(
    records: impl IntoIterator<Item = &'r ChildRecord>,
    staff: &dyn Directory,
    year: CollectionYear,
) -> Ssda903 {
    let mut b = Builder::new(year, staff);
    for r in records {
        b.add(r);
    }
    b.finish()
}

fn sex(s: Sex, year: CollectionYear) -> String {
    if year.ending_year() >= 2025 {
        return s.code().to_owned();
    }
    // Before 2024/25 the 903 coded sex as 1 (male) and 2 (female).
    match s {
        Sex::M => "1",
        Sex::F => "2",
        Sex::U => "",
    }
    .to_owned()
}

fn child(r: &ChildRecord, staff: &dyn Directory, year: CollectionYear) -> ChildRows {
    let mut rows = ChildRows::default();
    let (Some(details), Some(dob)) = (r.details.as_ref(), r.date_of_birth()) else {
        return rows;
    };
    let (start, end) = (year.start(), year.end());
    let id = r.id.as_str().to_owned();
    let dob_s = d(dob);
    let periods: Vec<Vec<Episode<'_>>> = periods(r, end)
        .into_iter()
        .filter(|p| {
            p.last()
                .is_some_and(|e| e.end.is_none_or(|(d, _)| d >= start))
        })
        .collect();
    let overlaps = |e: &Episode<'_>| e.end.is_none_or(|(d, _)| d >= start);
    let episodes: Vec<&Episode<'_>> = periods.iter().flatten().filter(|e| overlaps(e)).collect();
    let in_episodes = !episodes.is_empty();

    let oc3 = if in_episodes || !r.care_leaver.statuses.is_empty() {
        care_leaver(r, dob, year)
    } else {
        None
    };
    if !in_episodes && oc3.is_none() {
        return rows;
    }

    // Header.
    let cared_for = episodes.iter().any(|e| !e.ep.legal_status.is_short_break());
    let left_care = periods
        .last()
        .and_then(|p| p.last())
        .and_then(|e| e.end)
        .map(|(d, _)| d);
    let (mother, mc_dob) = if details.sex == Sex::F && cared_for {
        let limit = left_care.unwrap_or(end).min(end);
        match r.first_child_born.filter(|b| *b <= limit) {
            Some(b) => ("1".to_owned(), d(b)),
            None => ("0".to_owned(), String::new()),
        }
    } else {
        (String::new(), String::new())
    };
    let upn = match (&details.upn, details.upn_unknown) {
        (Some(u), _) => u.as_str().to_owned(),
        (None, Some(why)) => why.code().to_owned(),
        (None, None) => String::new(),
    };
    rows.push(
        Table::Header,
        vec![
            id.clone(),
            sex(details.sex, year),
            dob_s.clone(),
            details.ethnicity.code().to_owned(),
            upn,
            mother,
            mc_dob,
        ],
    );

    // Episodes open at some time in the year; earlier ones were in earlier returns.
    for p in &periods {
        for (i, e) in p.iter().enumerate().filter(|(_, e)| overlaps(e)) {
            let ep = e.ep;
            let code = |c: Option<&str>| c.unwrap_or_default().to_owned();
            rows.push(
                Table::Episodes,
                vec![
                    id.clone(),
                    d(e.start),
                    ep.reason.code().to_owned(),
                    ep.legal_status.code().to_owned(),
                    ep.category_of_need.code().to_owned(),
                    ep.placement.code().to_owned(),
                    code(ep.provider.map(|p| p.code())),
                    opt(e.end.map(|(d, _)| d)),
                    code(e.end.map(|(_, r)| r.code())),
                    change_reason(p, i),
                    code(ep.home_postcode.as_ref().map(|p| p.as_str())),
                    code(ep.placement_postcode.as_ref().map(|p| p.as_str())),
                    code(ep.urn.as_ref().map(|u| u.as_str())),
                ],
            );
        }
    }

    if in_episodes {
        // Reviews held in the year.
        for review in r
            .cla_reviews
            .iter()
            .filter(|v| in_window(&v.mark, start, end))
        {
            rows.push(
                Table::Reviews,
                vec![
                    id.clone(),
                    dob_s.clone(),
                    d(review.mark.date()),
                    review.participation.code().to_owned(),
                ],
            );
        }

        // UASC: children who were unaccompanied asylum seekers at some time in the year.
        if let Some(ceased) = uasc_ceased(details, dob, year) {
            rows.push(
                Table::Uasc,
                vec![id.clone(), sex(details.sex, year), dob_s.clone(), d(ceased)],
            );
        }

        // OC2: looked after continuously for the twelve months to 31 March.
        if continuously_looked_after(&episodes, start, end) {
            rows.push(Table::Oc2, oc2(r, &id, &dob_s, dob, year));
        }
    }

    // OC3.
    if let Some((in_touch, activity, accommodation)) = oc3 {
        rows.push(
            Table::Oc3,
            vec![id.clone(), dob_s.clone(), in_touch, activity, accommodation],
        );
    }

    if !in_episodes {
        return rows;
    }

    // AD1: adopted in the year.
    let adopted = episodes.iter().any(|e| {
        e.end
            .is_some_and(|(d, why)| why.is_adoption() && d >= start)
    });
    if adopted
        && let Some(plan) = r.adoption.iter().rev().find(|a| a.placed.is_some())
        && let Some(m) = &plan.matched
    {
        rows.push(
            Table::Ad1,
            vec![
                id.clone(),
                dob_s.clone(),
                d(plan.decided_on),
                d(m.mark.date()),
                flag(m.foster_carers_adopting),
                m.adopter_sex.number().to_string(),
                m.adopter_sex.code().to_owned(),
                m.adopter_legal_status.code().to_owned(),
            ],
        );
    }

    // PlacedAdoption: decisions in force at some time in the year.
    for plan in r.adoption.iter().filter(|a| plan_in_year(a, start, end)) {
        let ended = plan.ended.filter(|(m, _)| m.date() <= end);
        rows.push(
            Table::PlacedAdoption,
            vec![
                id.clone(),
                dob_s.clone(),
                d(plan.decided_on),
                opt(ended.map(|(m, _)| m.date())),
                ended
                    .map(|(_, why)| why.code().to_owned())
                    .unwrap_or_default(),
            ],
        );
    }

    // PrevPerm: for a period of care that started in the year.
    let started_in_year = periods
        .iter()
        .filter_map(|p| p.first())
        .any(|e| e.ep.reason == ReasonNewEpisode::S && e.start >= start);
    if started_in_year
        && let Some(pp) = r
            .previous_permanence
            .iter()
            .rev()
            .find(|p| p.mark.date() <= end)
    {
        rows.push(
            Table::PrevPerm,
            vec![
                id.clone(),
                dob_s.clone(),
                pp.order.code().to_owned(),
                pp.authority
                    .as_ref()
                    .map(|a| a.as_str().to_owned())
                    .unwrap_or_default(),
                pp.date.map(partial).unwrap_or_default(),
            ],
        );
    }

    // Missing: periods that started while looked after and ran into the year.
    let in_care = |date: NaiveDate| {
        episodes
            .iter()
            .any(|e| e.start <= date && e.end.is_none_or(|(d, _)| date <= d))
    };
    for m in &r.missing {
        let went = m.start.date();
        let back = m.end.map(|e| e.date()).filter(|b| *b <= end);
        if went > end || back.is_some_and(|b| b < start) || !in_care(went) {
            continue;
        }
        rows.push(
            Table::Missing,
            vec![
                id.clone(),
                dob_s.clone(),
                m.kind.code().to_owned(),
                d(went),
                opt(back),
            ],
        );
    }

    // Social worker episodes: allocations that ran into the year.
    if Table::SwEpisodes.in_year(year) && cared_for {
        for a in &r.allocations {
            let from = a.mark.date();
            let until = a.ended.map(|e| e.date()).filter(|u| *u <= end);
            if from > end || until.is_some_and(|u| u < start) {
                continue;
            }
            let sw_id = staff
                .staff(&a.worker)
                .and_then(|s| s.registration.as_ref())
                .map(|n| n.as_str().to_owned())
                .unwrap_or_default();
            rows.push(
                Table::SwEpisodes,
                vec![
                    id.clone(),
                    dob_s.clone(),
                    sw_id,
                    d(from),
                    opt(until),
                    a.reason.code().to_owned(),
                ],
            );
        }
    }

    // Deprivation of liberty orders in force in the year.
    if Table::DoLo.in_year(year) {
        for p in &r.deprivation_of_liberty {
            let from = p.start.date();
            let until = p.end.map(|e| e.date()).filter(|u| *u <= end);
            if from > end || until.is_some_and(|u| u < start) {
                continue;
            }
            rows.push(
                Table::DoLo,
                vec![id.clone(), dob_s.clone(), d(from), opt(until)],
            );
        }
    }
    rows
}

/// The UASC table's date UASC ceased (`DUC`), for a child who was an unaccompanied asylum
/// seeker at some time in the year; `None` for any other child.
///
/// A child stops being one at 18 at the latest, so a child still one at 31 March is given
/// their 18th birthday: DfE reads the date as when the status ends, and checks that a child
/// in both years' tables has the same date in both, the 18th birthday, unless the status
/// ended earlier in the later year (205B). A child who stopped before the year is left out:
/// DfE refuses a date before the year (104).
fn uasc_ceased(details: &ChildDetails, dob: NaiveDate, year: CollectionYear) -> Option<NaiveDate> {
    if !details.uasc {
        return None;
    }
    let eighteen = birthday(dob, 18)?;
    let ceased = details.uasc_ceased.map_or(eighteen, |c| c.min(eighteen));
    if ceased < year.start() {
        return None;
    }
    Some(if ceased <= year.end() {
        ceased
    } else {
        eighteen
    })
}

fn plan_in_year(a: &AdoptionPlan, start: NaiveDate, end: NaiveDate) -> bool {
    let finished = a
        .order
        .map(|m| m.date())
        .or(a.ended.map(|(m, _)| m.date()))
        .filter(|f| *f <= end);
    a.decided_on <= end && finished.is_none_or(|f| f >= start)
}

/// DfE's test: in care during the year, and no period of care starting after 1 April, none
/// ending before 31 March, and no short breaks in the year.
fn continuously_looked_after(episodes: &[&Episode<'_>], start: NaiveDate, end: NaiveDate) -> bool {
    let during = |e: &Episode<'_>| e.start <= end && e.end.is_none_or(|(d, _)| d >= start);
    episodes.iter().any(|e| during(e))
        && !episodes.iter().any(|e| {
            (e.ep.reason == ReasonNewEpisode::S && e.start > start && e.start <= end)
                || e.end
                    .is_some_and(|(d, why)| why.leaves_care() && d >= start && d < end)
                || (e.ep.legal_status.is_short_break() && during(e))
        })
}

fn oc2(
    r: &ChildRecord,
    id: &str,
    dob_s: &str,
    dob: NaiveDate,
    year: CollectionYear,
) -> Vec<String> {
    let (start, end) = (year.start(), year.end());
    let in_year = |m: &Mark| in_window(m, start, end);
    let age_at_end = hearth_domain::time::age_on(dob, end);
    let h = &r.health;
    // SDQs are for children 4 by the end of the year and not yet 17 at its start: those who
    // turn 4 or 17 in the year are in (DfE 197B), the rest are out (188, 189).
    let sdq_age =
        birthday(dob, 4).is_some_and(|b| b <= end) && birthday(dob, 17).is_none_or(|b| b > start);
    let sdq = h
        .sdqs
        .iter()
        .rev()
        .find(|s| in_year(&s.mark))
        .filter(|_| sdq_age);
    let misuse = h.substance_misuse.iter().rev().find(|(m, _, _)| in_year(m));
    let (received, offered) = match misuse {
        Some((_, offered, received)) => (
            flag(*received),
            if *received {
                String::new()
            } else {
                flag(*offered)
            },
        ),
        None => (String::new(), String::new()),
    };
    vec![
        id.to_owned(),
        dob_s.to_owned(),
        sdq.and_then(|s| s.score)
            .map(|s| s.get().to_string())
            .unwrap_or_default(),
        sdq.and_then(|s| s.reason)
            .map(|r| r.code().to_owned())
            .unwrap_or_default(),
        if age_at_end >= 10 {
            flag(h.convictions.iter().any(in_year))
        } else {
            String::new()
        },
        if age_at_end < 5 {
            flag(h.development_checks.iter().any(in_year))
        } else {
            String::new()
        },
        flag(
            h.immunisations
                .iter()
                .rev()
                .find(|(m, _)| m.date() <= end)
                .is_some_and(|(_, up_to_date)| *up_to_date),
        ),
        flag(h.dental_checks.iter().any(in_year)),
        flag(h.assessments.iter().any(in_year)),
        flag(misuse.is_some()),
        received,
        offered,
    ]
}

fn latest_in<T: Copy>(v: &[(Mark, T)], from: NaiveDate, to: NaiveDate) -> Option<T> {
    v.iter()
        .rev()
        .find(|(m, _)| in_window(m, from, to))
        .map(|(_, x)| *x)
}

/// The OC3 row of a care leaver whose 17th to 21st birthday falls in the year and who was
/// not looked after on it: their in-touch status, activity and accommodation from the
/// latest checks from three months before the birthday to a month after it. A care leaver
/// is a young person with a care leaver status in the record; those who died in care or
/// whose care another council took over have no care leaver information.
fn care_leaver(
    r: &ChildRecord,
    dob: NaiveDate,
    year: CollectionYear,
) -> Option<(String, String, String)> {
    use hearth_domain::codes::CareLeaverInTouch as T;
    let day = (17..=21)
        .filter_map(|age| birthday(dob, age))
        .find(|b| year.contains(*b))?;
    // Care that ends on the birthday still counts: DfE wants no care leaver information for
    // a young person who leaves care on or after the birthday (1016).
    let looked_after_on = r
        .care_episodes
        .iter()
        .any(|e| e.start.date() <= day && e.end.is_none_or(|(m, _)| m.date() >= day));
    let last_end = r
        .care_episodes
        .last()
        .and_then(|e| e.end)
        .map(|(_, why)| why);
    let gone = matches!(
        last_end,
        Some(ReasonEpisodeCeased::E2 | ReasonEpisodeCeased::E3)
    );
    let from = day.checked_sub_months(Months::new(3)).unwrap_or(day);
    let to = day.checked_add_months(Months::new(1)).unwrap_or(day);
    let status = r.care_leaver.statuses.iter().any(|(m, _)| m.date() <= to);
    if looked_after_on || gone || !status {
        return None;
    }
    let in_touch = latest_in(&r.care_leaver.contacts, from, to)?;
    let (activity, accommodation) = if matches!(in_touch, T::Died | T::Rhom) {
        (String::new(), String::new())
    } else {
        (
            latest_in(&r.care_leaver.activities, from, to)
                .map(|a| a.code().to_owned())
                .unwrap_or_default(),
            latest_in(&r.care_leaver.accommodation, from, to)
                .map(|a| a.code().to_owned())
                .unwrap_or_default(),
        )
    };
    Some((in_touch.code().to_owned(), activity, accommodation))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use chrono::NaiveTime;
    use hearth_domain::child::{ChildEvent, fold};
    use hearth_domain::codes::*;
    use hearth_domain::directory::MemoryDirectory;
    use hearth_domain::people::PersonName;
    use hearth_domain::values::{Line, Postcode};
    use hearth_domain::{Actor, ChildId, Recorded, Timestamp};

    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn year(ending: i32) -> CollectionYear {
        CollectionYear::ending(ending).unwrap()
    }

    fn details(born: NaiveDate, uasc: bool) -> ChildDetails {
        ChildDetails {
            name: PersonName {
                given: Line::parse("Child").unwrap(),
                family: Line::parse("C1").unwrap(),
                preferred: None,
            },
            sex: Sex::M,
            gender: None,
            date_of_birth: Some(born),
            expected_date_of_birth: None,
            ethnicity: Ethnicity::Ooth,
            upn: None,
            former_upn: None,
            upn_unknown: Some(UpnUnknown::Un2),
            nhs_number: None,
            disabilities: vec![Disability::None],
            first_language: None,
            communication_needs: None,
            religion: None,
            immigration_status: None,
            uasc,
            uasc_ceased: None,
        }
    }

    /// A child registered with these details on `arrived`, looked after from that day (and
    /// until `left`, if given), with further events on their dates.
    fn looked_after(
        details: ChildDetails,
        arrived: NaiveDate,
        left: Option<NaiveDate>,
        more: Vec<(NaiveDate, ChildEvent)>,
    ) -> ChildRecord {
        let mut all = vec![
            (
                arrived,
                ChildEvent::ChildRegistered {
                    details,
                    address: None,
                },
            ),
            (
                arrived,
                ChildEvent::EpisodeStarted {
                    reason: ReasonNewEpisode::S,
                    legal_status: LegalStatus::V2,
                    placement: PlacementType::U1,
                    category_of_need: CategoryOfNeed::N8,
                    provider: Some(PlacementProvider::Pr1),
                    urn: None,
                    home_postcode: None,
                    placement_postcode: Some(Postcode::parse("BR2 9AA").unwrap()),
                    placement_change_reason: None,
                },
            ),
        ];
        if let Some(left) = left {
            all.push((
                left,
                ChildEvent::EpisodeEnded {
                    reason: ReasonEpisodeCeased::E8,
                },
            ));
        }
        all.extend(more);
        all.sort_by_key(|(d, _)| *d);
        let recorded: Vec<Recorded<ChildEvent>> = all
            .into_iter()
            .enumerate()
            .map(|(i, (d, event))| {
                // Events of one day keep their order.
                let t = NaiveTime::from_hms_opt(9, 0, u32::try_from(i).unwrap()).unwrap();
                let at = Timestamp::at_london_time(d, t);
                Recorded {
                    occurred_at: at,
                    recorded_at: at,
                    recorded_by: Actor::System("test".to_owned()),
                    event,
                }
            })
            .collect();
        fold(&ChildId::parse("C1").unwrap(), &recorded)
    }

    /// The child's UASC row of a year: its `DUC`, or `None` when the child is not in the table.
    fn duc(r: &ChildRecord, ending: i32) -> Option<String> {
        let staff = MemoryDirectory::default();
        let ret = build([r], &staff, year(ending));
        let rows = ret.rows(Table::Uasc);
        assert!(rows.len() <= 1);
        rows.first().map(|row| row[3].clone())
    }

    fn amended(d: &ChildDetails, ceased: NaiveDate) -> ChildEvent {
        ChildEvent::ChildDetailsAmended {
            details: ChildDetails {
                uasc_ceased: Some(ceased),
                ..d.clone()
            },
        }
    }

    #[test]
    fn a_child_still_uasc_at_31_march_is_given_their_18th_birthday_in_every_year() {
        // Born 10 June 2008: 18 on 10 June 2026. The record gives the date the status ended
        // on the day it ends, as a council records it.
        let born = day(2008, 6, 10);
        let d = details(born, true);
        let r = looked_after(
            d.clone(),
            day(2024, 2, 1),
            Some(day(2026, 6, 10)),
            vec![(day(2026, 6, 10), amended(&d, day(2026, 6, 10)))],
        );
        for ending in [2024, 2025, 2026, 2027] {
            assert_eq!(duc(&r, ending).as_deref(), Some("10/06/2026"), "{ending}");
        }
        // Nor does it matter whether the end has been recorded yet.
        let r = looked_after(d, day(2024, 2, 1), None, vec![]);
        for ending in [2024, 2025, 2026] {
            assert_eq!(duc(&r, ending).as_deref(), Some("10/06/2026"), "{ending}");
        }
    }

    #[test]
    fn a_status_that_ends_before_18_is_given_in_its_year_and_the_18th_birthday_before_it() {
        let born = day(2009, 9, 1);
        let d = details(born, true);
        // Found in an age assessment on 5 January 2026 not to be an asylum seeker's child.
        let r = looked_after(
            d.clone(),
            day(2024, 10, 1),
            None,
            vec![(day(2026, 1, 5), amended(&d, day(2026, 1, 5)))],
        );
        assert_eq!(duc(&r, 2025).as_deref(), Some("01/09/2027"));
        assert_eq!(duc(&r, 2026).as_deref(), Some("05/01/2026"));
        // The next year they are still looked after but no longer an asylum seeker: DfE
        // refuses a date before the year (104).
        assert_eq!(duc(&r, 2027), None);
    }

    #[test]
    fn a_child_who_was_never_uasc_has_no_row() {
        let r = looked_after(
            details(day(2010, 1, 1), false),
            day(2025, 5, 1),
            None,
            vec![],
        );
        assert_eq!(duc(&r, 2026), None);
    }
}
