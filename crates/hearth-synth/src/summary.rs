//! What a generated borough looks like, measured from the folded records in the same way
//! the DfE counts: stocks at the last 31 March, flows over the collection year that ended
//! then, and the position today. Each measured figure is printed beside its configured target.

use chrono::{Datelike, Days, NaiveDate};
use hearth_domain::child::ChildRecord;
use hearth_domain::codes::{
    CareLeaverActivity, CareLeaverCategory, CareLeaverInTouch, CategoryOfAbuse, ReasonEpisodeCeased,
};
use serde::Serialize;

use crate::calendar::working_days_between;
use crate::data::Targets;

/// The collection year (1 April to 31 March) that ended last on or before a date.
pub fn last_collection_year(on: NaiveDate) -> (NaiveDate, NaiveDate) {
    let y = if (on.month(), on.day()) >= (3, 31) {
        on.year()
    } else {
        on.year() - 1
    };
    let end = NaiveDate::from_ymd_opt(y, 3, 31).unwrap_or(on);
    let start = NaiveDate::from_ymd_opt(y - 1, 4, 1).unwrap_or(on);
    (start, end)
}

/// Counts gathered child by child.
#[derive(Debug, Clone, Default)]
pub struct Tally {
    year: (NaiveDate, NaiveDate),
    today: NaiveDate,
    window_start: NaiveDate,
    children: u64,
    referrals_year: u64,
    rereferrals_year: u64,
    referrals_last_12_months: u64,
    assessments_year: u64,
    assessments_in_45: u64,
    s47_year: u64,
    icpc_year: u64,
    icpc_in_15: u64,
    cp_at_year_end: u64,
    cin_at_year_end: u64,
    lac_at_year_end: u64,
    uasc_at_year_end: u64,
    lac_in_year: u64,
    missing_in_year: u64,
    three_placements: u64,
    leavers_19_21: u64,
    leavers_in_touch: u64,
    leavers_known_activity: u64,
    leavers_neet: u64,
    leavers_known_accommodation: u64,
    leavers_suitable: u64,
    categories: [u64; 5],
    adoptions_year: u64,
    sgos_year: u64,
    open_today: u64,
    cp_today: u64,
    lac_today: u64,
    care_leavers_today: u64,
}

fn within(d: NaiveDate, (a, b): (NaiveDate, NaiveDate)) -> bool {
    a <= d && d <= b
}

impl Tally {
    /// Counting for a borough as at `today`, whose history window starts on `window_start`.
    pub fn new(today: NaiveDate, window_start: NaiveDate) -> Self {
        Self {
            year: last_collection_year(today),
            today,
            window_start,
            ..Self::default()
        }
    }

    /// Counts one child's record.
    pub fn add(&mut self, r: &ChildRecord) {
        let year = self.year;
        let (start, end) = year;
        self.children += 1;
        let referrals: Vec<NaiveDate> = r
            .episodes_of_need
            .iter()
            .map(|e| e.referral.date())
            .collect();
        for (i, &d) in referrals.iter().enumerate() {
            if within(d, year) {
                self.referrals_year += 1;
                if referrals[..i].iter().any(|&p| (d - p).num_days() <= 365) {
                    self.rereferrals_year += 1;
                }
            }
            if d > self.today - Days::new(365) && d <= self.today {
                self.referrals_last_12_months += 1;
            }
        }
        let open_on = |d: NaiveDate| {
            r.episodes_of_need
                .iter()
                .any(|e| e.referral.date() <= d && e.closure.is_none_or(|(c, _)| c.date() > d))
        };
        for e in &r.episodes_of_need {
            for a in &e.assessments {
                let done = a
                    .authorisation
                    .as_ref()
                    .map(|(m, _)| m.date())
                    .or(a.completion.as_ref().map(|(m, _, _)| m.date()));
                if let Some(done) = done.filter(|d| within(*d, year)) {
                    self.assessments_year += 1;
                    if working_days_between(a.start.date(), done) <= 45 {
                        self.assessments_in_45 += 1;
                    }
                }
            }
            self.s47_year += e
                .enquiries
                .iter()
                .filter(|s| within(s.start.date(), year))
                .count() as u64;
            for c in e
                .initial_conferences
                .iter()
                .filter(|c| !c.transfer_in && within(c.mark.date(), year))
            {
                self.icpc_year += 1;
                let strategy = e
                    .enquiries
                    .iter()
                    .find(|s| s.conference == Some(c.mark))
                    .and_then(|s| s.strategy);
                if strategy.is_some_and(|s| working_days_between(s.date(), c.mark.date()) <= 15) {
                    self.icpc_in_15 += 1;
                }
            }
            for p in &e.cp_plans {
                if p.start.date() >= self.window_start && p.start.date() <= self.today {
                    let i = match p.initial_category {
                        CategoryOfAbuse::Neg => 0,
                        CategoryOfAbuse::Emo => 1,
                        CategoryOfAbuse::Phy => 2,
                        CategoryOfAbuse::Sab => 3,
                        CategoryOfAbuse::Mul => 4,
                    };
                    self.categories[i] += 1;
                }
            }
        }
        let cp_on = |d: NaiveDate| {
            r.episodes_of_need
                .iter()
                .flat_map(|e| &e.cp_plans)
                .any(|p| p.start.date() <= d && p.end.as_ref().is_none_or(|(m, _)| m.date() > d))
        };
        let lac_on = |d: NaiveDate| {
            r.care_episodes.iter().any(|e| {
                !e.legal_status.is_short_break()
                    && e.start.date() <= d
                    && e.end.as_ref().is_none_or(|(m, _)| m.date() > d)
            })
        };
        if open_on(end) {
            self.cin_at_year_end += 1;
        }
        if cp_on(end) {
            self.cp_at_year_end += 1;
        }
        if lac_on(end) {
            self.lac_at_year_end += 1;
            if r.details.as_ref().is_some_and(|d| d.uasc) {
                self.uasc_at_year_end += 1;
            }
        }
        let in_year: Vec<_> = r
            .care_episodes
            .iter()
            .filter(|e| {
                !e.legal_status.is_short_break()
                    && e.start.date() <= end
                    && e.end.as_ref().is_none_or(|(m, _)| m.date() >= start)
            })
            .collect();
        if !in_year.is_empty() {
            self.lac_in_year += 1;
            if r.missing.iter().any(|m| within(m.start.date(), year)) {
                self.missing_in_year += 1;
            }
            let placements = in_year
                .iter()
                .filter(|e| {
                    e.reason.changes_placement()
                        || e.reason == hearth_domain::codes::ReasonNewEpisode::S
                        || e.start.date() < start
                })
                .count();
            if placements >= 3 {
                self.three_placements += 1;
            }
        }
        for e in &r.care_episodes {
            if let Some((m, reason)) = &e.end
                && within(m.date(), year)
            {
                if reason.is_adoption() {
                    self.adoptions_year += 1;
                }
                if matches!(
                    reason,
                    ReasonEpisodeCeased::E45
                        | ReasonEpisodeCeased::E46
                        | ReasonEpisodeCeased::E47
                        | ReasonEpisodeCeased::E48
                ) {
                    self.sgos_year += 1;
                }
            }
        }
        // Care leavers aged 19 to 21 at the end of the year, as the SSDA903 counts them.
        let leaver = r.care_leaver.statuses.iter().any(|(_, c)| {
            matches!(
                c,
                CareLeaverCategory::FormerRelevant | CareLeaverCategory::Relevant
            )
        });
        if leaver && r.age_on(end).is_some_and(|a| (19..=21).contains(&a)) {
            let in_year = |m: &hearth_domain::child::Mark| within(m.date(), year);
            if let Some((_, t)) = r
                .care_leaver
                .contacts
                .iter()
                .rev()
                .find(|(m, _)| in_year(m))
            {
                self.leavers_19_21 += 1;
                if *t == CareLeaverInTouch::Yes {
                    self.leavers_in_touch += 1;
                }
                if let Some((_, a)) = r
                    .care_leaver
                    .activities
                    .iter()
                    .rev()
                    .find(|(m, _)| in_year(m))
                    .filter(|(_, a)| *a != CareLeaverActivity::Unknown)
                {
                    self.leavers_known_activity += 1;
                    if a.is_neet() {
                        self.leavers_neet += 1;
                    }
                }
                if let Some(s) = r
                    .care_leaver
                    .accommodation
                    .iter()
                    .rev()
                    .find(|(m, _)| in_year(m))
                    .and_then(|(_, a)| a.is_suitable())
                {
                    self.leavers_known_accommodation += 1;
                    if s {
                        self.leavers_suitable += 1;
                    }
                }
            }
        }
        let today = self.today;
        if open_on(today) {
            self.open_today += 1;
        }
        if cp_on(today) {
            self.cp_today += 1;
        }
        if lac_on(today) {
            self.lac_today += 1;
        }
        if leaver && !lac_on(today) && r.age_on(today).is_some_and(|a| (16..21).contains(&a)) {
            self.care_leavers_today += 1;
        }
    }
}

/// One measured figure beside its target.
#[derive(Debug, Clone, Serialize)]
pub struct Figure {
    /// What is measured.
    pub name: &'static str,
    /// The configured target.
    pub configured: f64,
    /// What the borough has.
    pub generated: f64,
    /// Whether it is within 15% of the target.
    pub within_15_percent: bool,
}

/// The summary `hearth generate` prints.
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    pub children_known: u64,
    pub open_cases: u64,
    pub cin: u64,
    pub cp_plans: u64,
    pub looked_after: u64,
    pub care_leavers: u64,
    pub referrals_last_year: u64,
    pub staff: u64,
    pub events: u64,
    pub hash: String,
    pub collection_year_end: NaiveDate,
    pub adoptions_in_year: u64,
    pub special_guardianship_in_year: u64,
    pub figures: Vec<Figure>,
    /// Event kinds of the record that the borough does not use (none, by design).
    pub kinds_missing: Vec<String>,
}

fn share(n: u64, d: u64) -> f64 {
    if d == 0 { 0.0 } else { n as f64 / d as f64 }
}

impl Tally {
    /// The summary, with each target measured.
    pub fn summary(
        &self,
        targets: &Targets,
        categories: &std::collections::BTreeMap<String, f64>,
        population: u64,
        staff: u64,
        events: u64,
        hash: String,
    ) -> Summary {
        let per_10k = |n: u64| n as f64 * 10_000.0 / population.max(1) as f64;
        let fig = |name, configured: f64, generated: f64| Figure {
            name,
            configured,
            generated: (generated * 1000.0).round() / 1000.0,
            within_15_percent: configured == 0.0
                || ((generated - configured) / configured).abs() <= 0.15,
        };
        let plans: u64 = self.categories.iter().sum();
        let cat = |code: &str, i: usize| {
            fig(
                match code {
                    "NEG" => "new child protection plans: neglect",
                    "EMO" => "new child protection plans: emotional abuse",
                    "PHY" => "new child protection plans: physical abuse",
                    "SAB" => "new child protection plans: sexual abuse",
                    _ => "new child protection plans: multiple",
                },
                categories.get(code).copied().unwrap_or(0.0),
                share(self.categories[i], plans),
            )
        };
        let mut figures = vec![
            fig(
                "referrals per 10,000 children",
                targets.referrals_per_10k,
                per_10k(self.referrals_year),
            ),
            fig(
                "re-referrals within 12 months",
                targets.rereferral_within_12_months,
                share(self.rereferrals_year, self.referrals_year),
            ),
            fig(
                "assessments completed within 45 working days",
                targets.assessments_within_45_wd,
                share(self.assessments_in_45, self.assessments_year),
            ),
            fig(
                "section 47 enquiries per 10,000",
                targets.section47_per_10k,
                per_10k(self.s47_year),
            ),
            fig(
                "initial conferences per 10,000",
                targets.icpc_per_10k,
                per_10k(self.icpc_year),
            ),
            fig(
                "initial conferences within 15 working days",
                targets.icpc_within_15_wd,
                share(self.icpc_in_15, self.icpc_year),
            ),
            fig(
                "child protection plans per 10,000 at 31 March",
                targets.cp_plans_per_10k,
                per_10k(self.cp_at_year_end),
            ),
            fig(
                "children in need per 10,000 at 31 March",
                targets.cin_per_10k,
                per_10k(self.cin_at_year_end),
            ),
            fig(
                "looked-after children per 10,000 at 31 March",
                targets.looked_after_per_10k,
                per_10k(self.lac_at_year_end),
            ),
            fig(
                "looked-after children who are asylum seekers",
                targets.uasc_share,
                share(self.uasc_at_year_end, self.lac_at_year_end),
            ),
            fig(
                "looked-after children missing in the year",
                targets.missing_share,
                share(self.missing_in_year, self.lac_in_year),
            ),
            fig(
                "looked-after children with 3 or more placements",
                targets.three_placements_share,
                share(self.three_placements, self.lac_in_year),
            ),
            fig(
                "care leavers aged 19 to 21 in touch",
                targets.care_leavers_in_touch,
                share(self.leavers_in_touch, self.leavers_19_21),
            ),
            fig(
                "care leavers aged 19 to 21 not in education, employment or training",
                targets.care_leavers_neet,
                share(self.leavers_neet, self.leavers_known_activity),
            ),
            fig(
                "care leavers aged 19 to 21 in suitable accommodation",
                targets.care_leavers_suitable,
                share(self.leavers_suitable, self.leavers_known_accommodation),
            ),
        ];
        for (i, code) in ["NEG", "EMO", "PHY", "SAB", "MUL"].iter().enumerate() {
            figures.push(cat(code, i));
        }
        Summary {
            children_known: self.children,
            open_cases: self.open_today,
            cin: self.open_today,
            cp_plans: self.cp_today,
            looked_after: self.lac_today,
            care_leavers: self.care_leavers_today,
            referrals_last_year: self.referrals_last_12_months,
            staff,
            events,
            hash,
            collection_year_end: self.year.1,
            adoptions_in_year: self.adoptions_year,
            special_guardianship_in_year: self.sgos_year,
            figures,
            kinds_missing: Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collection_years_end_on_31_march() {
        let d = |y, m, dd| NaiveDate::from_ymd_opt(y, m, dd).unwrap();
        assert_eq!(
            last_collection_year(d(2026, 11, 22)),
            (d(2025, 4, 1), d(2026, 3, 31))
        );
        assert_eq!(
            last_collection_year(d(2026, 3, 31)),
            (d(2025, 4, 1), d(2026, 3, 31))
        );
        assert_eq!(
            last_collection_year(d(2026, 3, 30)),
            (d(2024, 4, 1), d(2025, 3, 31))
        );
    }
}
