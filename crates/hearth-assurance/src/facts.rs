//! The facts of the record an audit shows beside each section: a fixed vocabulary, each
//! read from folded records as at a date and within the audit's scope (the months before
//! it). Every entry names the child and, where an event stands behind it, the event's
//! version in the child's stream, so an auditor can cite it as evidence.

use chrono::NaiveDate;
use hearth_domain::directory::Directory;
use hearth_domain::{Actor, ChildId, ChildRecord, StaffId, Timestamp};
use hearth_standards::{AsAt, Calendar, EvaluationError, Ruleset, Status, evaluate};
use serde::Serialize;

hearth_domain::vocabulary! {
    /// A fact of the record a section can show.
    pub enum FactName {
        /// The children a practitioner holds at the date.
        Caseload = "caseload",
        /// The family and network linked to the child at the date.
        Network = "network",
        /// The professionals involved with the child at the date.
        Professionals = "professionals",
        /// The workers allocated in scope.
        Allocations = "allocations",
        /// Contacts and referrals in scope, with who referred and the need.
        Referrals = "referrals",
        /// Assessments started, completed and authorised in scope.
        Assessments = "assessments",
        /// Strategy discussions and section 47 enquiries in scope.
        StrategyAndEnquiries = "strategy_and_enquiries",
        /// Child in need and child protection plans and care plans in scope.
        Plans = "plans",
        /// Child in need meetings, core groups, review conferences and looked-after reviews
        /// in scope.
        Reviews = "reviews",
        /// Visits in scope: whether the child was seen, and seen alone.
        Visits = "visits",
        /// What the practice standards show overdue at the date.
        OverdueObligations = "overdue_obligations",
        /// Case summaries (the latest, and any in scope).
        CaseSummaries = "case_summaries",
        /// Chronology entries and significant events in scope.
        Chronology = "chronology",
        /// Case notes in scope.
        CaseNotes = "case_notes",
        /// Management oversight in scope.
        ManagementOversight = "management_oversight",
        /// Case supervision in scope.
        Supervision = "supervision",
        /// Periods of care and placements in scope.
        Placements = "placements",
        /// Health assessments and checks in scope.
        Health = "health",
        /// Personal education plan meetings in scope.
        Education = "education",
        /// Missing episodes and return interviews in scope.
        Missing = "missing",
        /// A care leaver's pathway plans, contact and advisers in scope.
        PathwayPlans = "pathway_plans",
        /// Documents shared or withheld in scope.
        Documents = "documents",
    }
}

impl FactName {
    /// A heading for people.
    pub const fn title(self) -> &'static str {
        match self {
            FactName::Caseload => "Caseload at the date",
            FactName::Network => "Family and network",
            FactName::Professionals => "Professionals involved",
            FactName::Allocations => "Workers allocated",
            FactName::Referrals => "Contacts and referrals",
            FactName::Assessments => "Assessments",
            FactName::StrategyAndEnquiries => "Strategy discussions and enquiries",
            FactName::Plans => "Plans",
            FactName::Reviews => "Meetings and reviews",
            FactName::Visits => "Visits",
            FactName::OverdueObligations => "Overdue under the practice standards",
            FactName::CaseSummaries => "Case summaries",
            FactName::Chronology => "Chronology",
            FactName::CaseNotes => "Case notes",
            FactName::ManagementOversight => "Management oversight",
            FactName::Supervision => "Supervision",
            FactName::Placements => "Care and placements",
            FactName::Health => "Health",
            FactName::Education => "Education",
            FactName::Missing => "Missing episodes",
            FactName::PathwayPlans => "Pathway plans",
            FactName::Documents => "Documents shared",
        }
    }

    /// Whether the fact can be read across a practitioner's caseload (for audits of a
    /// practitioner), rather than only from one child's record.
    pub const fn about_practitioners(self) -> bool {
        matches!(
            self,
            FactName::Caseload
                | FactName::Visits
                | FactName::OverdueObligations
                | FactName::CaseSummaries
                | FactName::CaseNotes
                | FactName::ManagementOversight
                | FactName::Supervision
                | FactName::Assessments
        )
    }

    /// Whether the fact can be read from one child's record.
    pub const fn about_a_child(self) -> bool {
        !matches!(self, FactName::Caseload)
    }
}

/// One line of a fact: a date, the child, the event behind it and what it says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FactEntry {
    /// The day it happened, or for an obligation the day it was due.
    pub date: NaiveDate,
    /// The child.
    pub child: ChildId,
    /// The event's version in the child's stream, when an event stands behind it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub event: Option<u64>,
    /// What it says, in words.
    pub detail: String,
}

/// A fact as shown beside a section.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FactSheet {
    /// Which fact.
    pub fact: FactName,
    /// Its heading.
    pub title: &'static str,
    /// Its entries, newest first.
    pub entries: Vec<FactEntry>,
}

/// What facts are read with: the date, the scope, and for overdue obligations the ruleset,
/// calendar and staff directory.
#[derive(Clone, Copy)]
pub struct FactContext<'a> {
    /// The date the facts are as at (the audit's selection date).
    pub as_at: NaiveDate,
    /// The first day of the audit's scope.
    pub scope_from: NaiveDate,
    /// The working-day calendar.
    pub calendar: &'a Calendar,
    /// The practice standards, for overdue obligations.
    pub ruleset: &'a Ruleset,
    /// Staff, to check who authorised a variation of a standard.
    pub staff: &'a dyn Directory,
}

/// Whose facts: one child, or a practitioner across the children given.
#[derive(Debug, Clone, Copy)]
pub enum Whose<'a> {
    /// A child's record.
    Child(&'a ChildRecord),
    /// A practitioner, with the records of the children they held (the caller passes each
    /// child allocated to them in scope).
    Practitioner(&'a StaffId, &'a [ChildRecord]),
}

/// Reads facts as at a date. Only what had happened by the end of the date counts.
pub fn gather(
    facts: &[FactName],
    whose: Whose<'_>,
    ctx: FactContext<'_>,
) -> Result<Vec<FactSheet>, EvaluationError> {
    facts
        .iter()
        .map(|f| {
            let mut entries = read(*f, whose, ctx)?;
            entries.sort_by(|a, b| {
                (b.date, &b.child, b.event, &b.detail).cmp(&(a.date, &a.child, a.event, &a.detail))
            });
            Ok(FactSheet {
                fact: *f,
                title: f.title(),
                entries,
            })
        })
        .collect()
}

struct Window {
    from: NaiveDate,
    until: Timestamp,
}

impl Window {
    fn contains(&self, at: Timestamp) -> bool {
        at <= self.until && at.london_date() >= self.from
    }
    fn by(&self, at: Timestamp) -> bool {
        at <= self.until
    }
}

fn entry(r: &ChildRecord, at: Timestamp, event: Option<u64>, detail: String) -> FactEntry {
    FactEntry {
        date: at.london_date(),
        child: r.id.clone(),
        event,
        detail,
    }
}

fn yes_no(b: bool) -> &'static str {
    if b { "yes" } else { "no" }
}

fn read(
    fact: FactName,
    whose: Whose<'_>,
    ctx: FactContext<'_>,
) -> Result<Vec<FactEntry>, EvaluationError> {
    let w = Window {
        from: ctx.scope_from,
        until: AsAt::end_of(ctx.as_at).instant,
    };
    let (records, practitioner): (&[ChildRecord], Option<&StaffId>) = match whose {
        Whose::Child(r) => (std::slice::from_ref(r), None),
        Whose::Practitioner(p, rs) => (rs, Some(p)),
    };
    let mut out = Vec::new();
    for r in records {
        if fact == FactName::OverdueObligations {
            overdue(r, practitioner, ctx, &mut out)?;
        } else {
            one(fact, r, practitioner, &w, &mut out);
        }
    }
    Ok(out)
}

fn overdue(
    r: &ChildRecord,
    practitioner: Option<&StaffId>,
    ctx: FactContext<'_>,
    out: &mut Vec<FactEntry>,
) -> Result<(), EvaluationError> {
    let eval = evaluate(
        r,
        ctx.ruleset,
        ctx.calendar,
        AsAt::end_of(ctx.as_at),
        ctx.staff,
    )?;
    for o in &eval.obligations {
        let Status::Overdue { days_overdue } = o.status.outcome() else {
            continue;
        };
        if practitioner.is_some_and(|p| o.owner.allocated_worker() != Some(p)) {
            continue;
        }
        out.push(FactEntry {
            date: o.due_date,
            child: r.id.clone(),
            event: None,
            detail: format!(
                "{} ({}): {} days overdue",
                o.rule.summary, o.rule.id, days_overdue
            ),
        });
    }
    Ok(())
}

/// Whether the practitioner held the child (as worker or adviser) at any time in scope.
fn held_by(r: &ChildRecord, p: &StaffId, w: &Window) -> bool {
    r.allocations.iter().any(|a| {
        &a.worker == p && w.by(a.mark.at) && a.ended.is_none_or(|e| e.at.london_date() >= w.from)
    }) || r
        .care_leaver
        .advisers
        .iter()
        .any(|(m, a)| a == p && w.by(m.at))
}

fn one(
    fact: FactName,
    r: &ChildRecord,
    practitioner: Option<&StaffId>,
    w: &Window,
    out: &mut Vec<FactEntry>,
) {
    use FactName::*;
    let held = practitioner.is_none_or(|p| held_by(r, p, w));
    let by_them = |actor: &Actor| practitioner.is_none_or(|p| actor.staff() == Some(p));
    match fact {
        Caseload => {
            let Some(p) = practitioner else { return };
            for a in &r.allocations {
                let current = w.by(a.mark.at) && a.ended.is_none_or(|e| !w.by(e.at));
                if &a.worker == p && current {
                    out.push(entry(
                        r,
                        a.mark.at,
                        Some(a.mark.version),
                        format!("allocated in team {}", a.team),
                    ));
                }
            }
        }
        Network => {
            for l in &r.network {
                let current = w.by(l.added.at) && l.removed.is_none_or(|m| !w.by(m.at));
                if current {
                    out.push(entry(
                        r,
                        l.added.at,
                        Some(l.added.version),
                        format!(
                            "{}: {}; parental responsibility {}; lives in the household {}",
                            l.person,
                            l.relationship.label(),
                            yes_no(l.parental_responsibility),
                            yes_no(l.lives_in_household)
                        ),
                    ));
                }
            }
        }
        Professionals => {
            for p in &r.professionals {
                if w.by(p.from.at) && p.until.is_none_or(|m| !w.by(m.at)) {
                    out.push(entry(
                        r,
                        p.from.at,
                        Some(p.from.version),
                        format!("{}: {}", p.professional, p.involvement),
                    ));
                }
            }
        }
        Allocations => {
            for a in &r.allocations {
                let overlaps =
                    w.by(a.mark.at) && a.ended.is_none_or(|e| e.at.london_date() >= w.from);
                if overlaps && held {
                    out.push(entry(
                        r,
                        a.mark.at,
                        Some(a.mark.version),
                        format!(
                            "{} in team {}, decided by {} ({})",
                            a.worker,
                            a.team,
                            a.decided_by,
                            a.reason.label()
                        ),
                    ));
                }
            }
        }
        Referrals => {
            for c in r.contacts.iter().filter(|c| w.contains(c.mark.at)) {
                out.push(entry(
                    r,
                    c.mark.at,
                    Some(c.mark.version),
                    format!("contact from {}: {}", c.source.label(), c.outcome.label()),
                ));
            }
            for e in r
                .episodes_of_need
                .iter()
                .filter(|e| w.contains(e.referral.at))
            {
                let need = e
                    .primary_need
                    .map_or("no primary need recorded".to_owned(), |n| {
                        n.label().to_owned()
                    });
                out.push(entry(
                    r,
                    e.referral.at,
                    Some(e.referral.version),
                    format!("referral from {}: {need}", e.source.label()),
                ));
            }
        }
        Assessments => {
            if !held {
                return;
            }
            for e in &r.episodes_of_need {
                for a in &e.assessments {
                    if w.contains(a.start.at) {
                        out.push(entry(
                            r,
                            a.start.at,
                            Some(a.start.version),
                            "assessment started".to_owned(),
                        ));
                    }
                    if let Some(m) = a.child_seen.filter(|m| w.contains(m.at)) {
                        out.push(entry(
                            r,
                            m.at,
                            Some(m.version),
                            "child seen in the assessment".to_owned(),
                        ));
                    }
                    if let Some((m, factors, outcome)) =
                        a.completion.as_ref().filter(|(m, ..)| w.contains(m.at))
                    {
                        out.push(entry(
                            r,
                            m.at,
                            Some(m.version),
                            format!(
                                "assessment completed: {} ({} factors)",
                                outcome.label(),
                                factors.len()
                            ),
                        ));
                    }
                    if let Some((m, manager)) =
                        a.authorisation.as_ref().filter(|(m, _)| w.contains(m.at))
                    {
                        out.push(entry(
                            r,
                            m.at,
                            Some(m.version),
                            format!("assessment authorised by {manager}"),
                        ));
                    }
                }
            }
        }
        StrategyAndEnquiries => {
            for e in &r.episodes_of_need {
                for s in e
                    .strategy_discussions
                    .iter()
                    .filter(|s| w.contains(s.mark.at))
                {
                    out.push(entry(
                        r,
                        s.mark.at,
                        Some(s.mark.version),
                        format!(
                            "strategy discussion with {} agencies: {}",
                            s.agencies.len(),
                            s.decision.label()
                        ),
                    ));
                }
                for q in &e.enquiries {
                    if w.contains(q.start.at) {
                        out.push(entry(
                            r,
                            q.start.at,
                            Some(q.start.version),
                            "section 47 enquiry started".to_owned(),
                        ));
                    }
                    if let Some((m, outcome, conference)) =
                        q.completion.as_ref().filter(|(m, ..)| w.contains(m.at))
                    {
                        out.push(entry(
                            r,
                            m.at,
                            Some(m.version),
                            format!(
                                "section 47 enquiry completed: {}; conference needed {}",
                                outcome.label(),
                                yes_no(*conference)
                            ),
                        ));
                    }
                }
            }
        }
        Plans => {
            for e in &r.episodes_of_need {
                for p in &e.cin_plans {
                    plan(
                        r,
                        w,
                        "child in need plan",
                        p.start,
                        p.end.map(|(m, _)| m),
                        out,
                    );
                }
                for p in &e.cp_plans {
                    plan(
                        r,
                        w,
                        &format!("child protection plan ({})", p.latest_category.label()),
                        p.start,
                        p.end.map(|(m, _)| m),
                        out,
                    );
                }
            }
            for m in r.care_plans.iter().filter(|m| w.contains(m.at)) {
                out.push(entry(
                    r,
                    m.at,
                    Some(m.version),
                    "care plan written or updated".to_owned(),
                ));
            }
            for (m, p) in r.permanence_plans.iter().filter(|(m, _)| w.contains(m.at)) {
                out.push(entry(
                    r,
                    m.at,
                    Some(m.version),
                    format!("permanence plan: {}", p.label()),
                ));
            }
        }
        Reviews => {
            for e in &r.episodes_of_need {
                for p in &e.cin_plans {
                    for (m, kind) in p.meetings.iter().filter(|(m, _)| w.contains(m.at)) {
                        out.push(entry(r, m.at, Some(m.version), kind.label().to_owned()));
                    }
                }
                for p in &e.cp_plans {
                    for m in p.core_groups.iter().filter(|m| w.contains(m.at)) {
                        out.push(entry(r, m.at, Some(m.version), "core group".to_owned()));
                    }
                    for c in p.reviews.iter().filter(|c| w.contains(c.mark.at)) {
                        out.push(entry(
                            r,
                            c.mark.at,
                            Some(c.mark.version),
                            format!("review conference: {}", c.outcome.label()),
                        ));
                    }
                }
                for c in e
                    .initial_conferences
                    .iter()
                    .filter(|c| w.contains(c.mark.at))
                {
                    out.push(entry(
                        r,
                        c.mark.at,
                        Some(c.mark.version),
                        format!("initial conference: {}", c.outcome.label()),
                    ));
                }
            }
            for c in r.cla_reviews.iter().filter(|c| w.contains(c.mark.at)) {
                out.push(entry(
                    r,
                    c.mark.at,
                    Some(c.mark.version),
                    format!("looked-after review: {}", c.participation.label()),
                ));
            }
        }
        Visits => {
            for v in r
                .visits
                .iter()
                .filter(|v| w.contains(v.mark.at) && by_them(&v.by))
            {
                let seen = match (v.child_seen, v.seen_alone) {
                    (false, _) => "child not seen".to_owned(),
                    (true, Some(true)) => "child seen alone".to_owned(),
                    (true, Some(false)) if v.not_alone_reason_given => {
                        "child seen, not alone (reason recorded)".to_owned()
                    }
                    (true, Some(false)) => "child seen, not alone (no reason recorded)".to_owned(),
                    (true, None) => "child seen".to_owned(),
                };
                out.push(entry(
                    r,
                    v.mark.at,
                    Some(v.mark.version),
                    format!("{}: {seen}", v.kind.label()),
                ));
            }
        }
        CaseSummaries => {
            if !held {
                return;
            }
            let upto: Vec<_> = r
                .recording
                .summaries
                .iter()
                .filter(|m| w.by(m.at))
                .collect();
            for (i, m) in upto.iter().enumerate() {
                let latest = i + 1 == upto.len();
                if latest || w.contains(m.at) {
                    let detail = if latest {
                        "case summary (the latest)"
                    } else {
                        "case summary"
                    };
                    out.push(entry(r, m.at, Some(m.version), detail.to_owned()));
                }
            }
        }
        Chronology => {
            for m in r.recording.chronology.iter().filter(|m| w.contains(m.at)) {
                out.push(entry(
                    r,
                    m.at,
                    Some(m.version),
                    "chronology entry".to_owned(),
                ));
            }
            for l in r
                .log
                .iter()
                .filter(|l| l.significant && w.contains(l.mark.at))
            {
                out.push(entry(
                    r,
                    l.mark.at,
                    Some(l.mark.version),
                    format!("significant event: {}", hearth_domain::words::kind(l.kind)),
                ));
            }
        }
        CaseNotes => {
            for l in r
                .log
                .iter()
                .filter(|l| l.kind == "case_note_recorded" && w.contains(l.mark.at))
                .filter(|l| by_them(&l.recorded_by))
            {
                let kind = r
                    .recording
                    .case_notes
                    .iter()
                    .find(|(m, ..)| *m == l.mark)
                    .map_or("case note".to_owned(), |(_, k, significant)| {
                        if *significant {
                            format!("{} (significant)", k.label())
                        } else {
                            k.label().to_owned()
                        }
                    });
                out.push(entry(r, l.mark.at, Some(l.mark.version), kind));
            }
        }
        ManagementOversight => {
            if !held {
                return;
            }
            for (m, manager) in r
                .recording
                .oversight
                .iter()
                .filter(|(m, _)| w.contains(m.at))
            {
                out.push(entry(
                    r,
                    m.at,
                    Some(m.version),
                    format!("oversight by {manager}"),
                ));
            }
        }
        Supervision => {
            for (m, supervisor, worker) in r
                .recording
                .supervision
                .iter()
                .filter(|(m, ..)| w.contains(m.at))
            {
                if practitioner.is_none_or(|p| p == worker) {
                    out.push(entry(
                        r,
                        m.at,
                        Some(m.version),
                        format!("supervision of {worker} by {supervisor}"),
                    ));
                }
            }
        }
        Placements => {
            for e in &r.care_episodes {
                let overlaps =
                    w.by(e.start.at) && e.end.is_none_or(|(m, _)| m.at.london_date() >= w.from);
                if overlaps {
                    out.push(entry(
                        r,
                        e.start.at,
                        Some(e.start.version),
                        format!(
                            "legal status {}, placement {} ({})",
                            e.legal_status.code(),
                            e.placement.code(),
                            e.placement.label()
                        ),
                    ));
                }
            }
        }
        Health => {
            let h = &r.health;
            for m in h.assessments.iter().filter(|m| w.contains(m.at)) {
                out.push(entry(
                    r,
                    m.at,
                    Some(m.version),
                    "health assessment".to_owned(),
                ));
            }
            for m in h.dental_checks.iter().filter(|m| w.contains(m.at)) {
                out.push(entry(r, m.at, Some(m.version), "dental check".to_owned()));
            }
            for m in h.development_checks.iter().filter(|m| w.contains(m.at)) {
                out.push(entry(
                    r,
                    m.at,
                    Some(m.version),
                    "development check".to_owned(),
                ));
            }
            for (m, up_to_date) in h.immunisations.iter().filter(|(m, _)| w.contains(m.at)) {
                out.push(entry(
                    r,
                    m.at,
                    Some(m.version),
                    format!("immunisations up to date: {}", yes_no(*up_to_date)),
                ));
            }
        }
        Education => {
            for m in r.peps.iter().filter(|m| w.contains(m.at)) {
                out.push(entry(
                    r,
                    m.at,
                    Some(m.version),
                    "personal education plan meeting".to_owned(),
                ));
            }
        }
        Missing => {
            for e in r.missing.iter().filter(|e| w.contains(e.start.at)) {
                let interview = match e.interview {
                    Some((_, true)) => "return interview accepted",
                    Some((_, false)) => "return interview offered, declined",
                    None if e.end.is_some_and(|m| w.by(m.at)) => "no return interview recorded",
                    None => "not yet back",
                };
                out.push(entry(
                    r,
                    e.start.at,
                    Some(e.start.version),
                    format!("{}: {interview}", e.kind.label()),
                ));
            }
        }
        PathwayPlans => {
            let c = &r.care_leaver;
            for (m, stage) in c.pathway_plans.iter().filter(|(m, _)| w.contains(m.at)) {
                out.push(entry(
                    r,
                    m.at,
                    Some(m.version),
                    format!("pathway plan: {}", stage.label()),
                ));
            }
            for (m, touch) in c.contacts.iter().filter(|(m, _)| w.contains(m.at)) {
                out.push(entry(
                    r,
                    m.at,
                    Some(m.version),
                    format!("in touch: {}", touch.label()),
                ));
            }
            for (m, adviser) in c.advisers.iter().filter(|(m, _)| w.contains(m.at)) {
                out.push(entry(
                    r,
                    m.at,
                    Some(m.version),
                    format!("personal adviser {adviser}"),
                ));
            }
        }
        Documents => {
            for d in r.documents.iter().filter(|d| w.contains(d.mark.at)) {
                let detail = match &d.withheld_by {
                    Some(m) => format!("{} withheld by {m}", d.document.label()),
                    None => format!("{} shared", d.document.label()),
                };
                out.push(entry(r, d.mark.at, Some(d.mark.version), detail));
            }
        }
        OverdueObligations => {}
    }
}

fn plan(
    r: &ChildRecord,
    w: &Window,
    what: &str,
    start: hearth_domain::child::Mark,
    end: Option<hearth_domain::child::Mark>,
    out: &mut Vec<FactEntry>,
) {
    if w.contains(start.at) {
        out.push(entry(
            r,
            start.at,
            Some(start.version),
            format!("{what} started"),
        ));
    }
    if let Some(m) = end.filter(|m| w.contains(m.at)) {
        out.push(entry(r, m.at, Some(m.version), format!("{what} ended")));
    } else if !w.contains(start.at) && w.by(start.at) && end.is_none_or(|m| !w.by(m.at)) {
        out.push(entry(
            r,
            start.at,
            Some(start.version),
            format!("{what} open throughout (started before the scope)"),
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;

    fn record() -> ChildRecord {
        child("F1", "2024-01-08")
            .referred_to("2024-01-08", "SW1", "TSC1", "TM1")
            .visited("2024-05-01")
            .by("SW1")
            .at(
                "2024-05-20",
                r#"{"type":"case_summary_recorded","text":"Summary."}"#,
            )
            .visited("2025-03-10")
            .by("SW1")
            .at(
                "2025-04-02",
                r#"{"type":"visit_made","kind":"STATUTORY","child_seen":true,"seen_alone":false}"#,
            )
            .by("SW2")
            .at(
                "2025-04-03",
                r#"{"type":"supervision_recorded","supervisor":"TM1","worker":"SW1","text":"Discussed."}"#,
            )
            .at(
                "2025-04-04",
                r#"{"type":"management_oversight_recorded","manager":"TM1","text":"Direction."}"#,
            )
            .visited("2025-07-01")
            .by("SW1")
            .record()
    }

    fn with<T>(f: impl FnOnce(FactContext<'_>) -> T) -> T {
        let cal = Calendar::england_and_wales();
        let ruleset = Ruleset::builtin("bromley").unwrap().unwrap();
        let dir = directory();
        f(FactContext {
            as_at: d(2025, 6, 2),
            scope_from: d(2024, 6, 3),
            calendar: &cal,
            ruleset: &ruleset,
            staff: &dir,
        })
    }

    fn details(sheet: &FactSheet) -> Vec<(NaiveDate, &str)> {
        sheet
            .entries
            .iter()
            .map(|e| (e.date, e.detail.as_str()))
            .collect()
    }

    #[test]
    fn facts_are_read_within_the_scope_and_as_at_the_date() {
        let r = record();
        let sheets = with(|ctx| {
            gather(
                &[
                    FactName::Visits,
                    FactName::CaseSummaries,
                    FactName::Supervision,
                    FactName::ManagementOversight,
                    FactName::OverdueObligations,
                ],
                Whose::Child(&r),
                ctx,
            )
            .unwrap()
        });
        assert_eq!(
            details(&sheets[0]),
            [
                (
                    d(2025, 4, 2),
                    "Statutory visit: child seen, not alone (no reason recorded)"
                ),
                (d(2025, 3, 10), "Statutory visit: child seen alone"),
            ],
            "the visit before the scope and the one after the date are left out"
        );
        assert!(sheets[0].entries.iter().all(|e| e.event.is_some()));
        assert_eq!(
            details(&sheets[1]),
            [(d(2024, 5, 20), "case summary (the latest)")],
            "the latest summary shows even from before the scope"
        );
        assert_eq!(
            details(&sheets[2]),
            [(d(2025, 4, 3), "supervision of SW1 by TM1")]
        );
        assert_eq!(details(&sheets[3]), [(d(2025, 4, 4), "oversight by TM1")]);
        assert!(
            sheets[4]
                .entries
                .iter()
                .any(|e| e.detail.contains("(case-summary)") && e.event.is_none()),
            "{:?}",
            sheets[4].entries
        );
    }

    #[test]
    fn a_practitioners_facts_are_theirs_across_their_caseload() {
        let records = vec![
            record(),
            child("F2", "2024-09-02")
                .referred_to("2024-09-02", "SW2", "TSC1", "TM1")
                .visited("2025-02-03")
                .by("SW2")
                .record(),
        ];
        let sw1 = staff_id("SW1");
        let sheets = with(|ctx| {
            gather(
                &[FactName::Caseload, FactName::Visits, FactName::Supervision],
                Whose::Practitioner(&sw1, &records),
                ctx,
            )
            .unwrap()
        });
        let children: Vec<&str> = sheets[0].entries.iter().map(|e| e.child.as_str()).collect();
        assert_eq!(children, ["F1"]);
        assert_eq!(
            details(&sheets[1]),
            [(d(2025, 3, 10), "Statutory visit: child seen alone")]
        );
        assert_eq!(sheets[2].entries.len(), 1);
    }
}
