//! The content of practice: what each assessment, meeting, plan and visit said, written
//! from phrase tables made up for Hearth (no real person's words), at the rates in
//! `config/rates.toml` (`[content]`).
//!
//! Content is written once a child's events are attributed: each entry goes in right after
//! the event it is about, at the same instant, by the same person, recorded when that event
//! was, so the order of the record, and so every rule and figure that reads it, is as
//! before. The draws come from a generator of the child's own, so writing content moves no
//! other draw: the returns of a borough are the same with content as without.

use std::collections::BTreeMap;

use chrono::{Days, NaiveDate};
use hearth_domain::child::{
    Action, ActionNo, ActionReview, AllocationRecord, AssessmentContent, ChildEvent,
    ConferenceMinutes, EndedAction, EnquiryFindings, KeyContact, NotSeenAlone, Outcome, Owner,
    Participant, PlanContent, Progress, StrategyMinutes, VisitContent,
};
use hearth_domain::codes::*;
use hearth_domain::event::{Actor, Recorded};
use hearth_domain::ids::StaffId;
use hearth_domain::values::{Line, Text};

use super::{Case, err, text};
use crate::calendar::working_days_after;
use crate::data::DataError;
use crate::rng::Rng;
use crate::world::pick_name;

/// An action the generator has set and not yet seen closed.
struct Open {
    plan: Option<PlanKind>,
    by: NaiveDate,
}

/// What the writer keeps as it goes through one child's record.
#[derive(Default)]
struct State {
    next_action: u32,
    open: BTreeMap<u32, Open>,
    /// The last meeting of each plan (its version), which an ending plan's last review is about.
    last_meeting: BTreeMap<PlanKind, u64>,
    /// The assessment written for the latest completion, its writer and its analysis.
    assessment: Option<(u64, StaffId, Text)>,
    allocated_before: bool,
}

fn line(s: &str) -> Result<Line, DataError> {
    Line::parse(s).map_err(err)
}

fn pick<'a>(rng: &mut Rng, phrases: &[&'a str]) -> &'a str {
    rng.pick(phrases).copied().unwrap_or("")
}

/// A sentence from a table, with the child's given name put in for `{name}`.
fn say(rng: &mut Rng, name: &str, phrases: &[&str]) -> Result<Text, DataError> {
    text(&pick(rng, phrases).replace("{name}", name))
}

const PURPOSE: &[&str] = &[
    "Statutory visit to see {name} and review progress against the plan.",
    "Planned visit to see {name} at home and talk about how things are going.",
    "Unannounced visit to check on {name}'s care in the evening.",
];
const SEEN: &[&str] = &[
    "The home was warm and tidy, with food in the cupboards. {name} showed me their room.",
    "The flat was cluttered but safe. {name} was dressed and had eaten.",
    "{name}'s carer was calm and welcoming; the house was in good order.",
    "The home smelt of damp in the bathroom; the carer says the landlord has been told.",
];
const CHILD_SAID: &[&str] = &[
    "I like it when we go to the park after school.",
    "Mum is less cross now. I sleep better.",
    "I don't like it when they shout, but it's quieter now.",
    "School is good. My best friend sits next to me.",
    "I want to see my dad more.",
    "Can you come back on Friday?",
];
const NEXT: &[&str] = &[
    "Visit again within ten working days; speak to the school about attendance.",
    "Share what {name} said with the core group; chase the housing referral.",
    "Next visit to be unannounced; check the evening routine is holding.",
];
const DEVELOPMENT: &[&str] = &[
    "{name} is meeting milestones for their age; health appointments are up to date.",
    "{name}'s speech is behind for their age and a referral to speech therapy is open.",
    "{name} has missed school often this term and is behind in reading.",
];
const PARENTING: &[&str] = &[
    "Care is warm and attentive by day; routines slip in the evenings when the parent is tired.",
    "The parent recognises the worries and has started to act on them.",
    "Basic care is met, but the parent struggles to keep {name} safe when drinking.",
];
const FAMILY: &[&str] = &[
    "A small flat with rent arrears; a grandparent nearby helps most weeks.",
    "Settled tenancy; the family is isolated and has few people to call on.",
    "Overcrowded home shared with extended family; money is tight.",
];
const ANALYSIS: &[&str] = &[
    "The risks come mainly from arguments between the adults; the strengths are the bond with {name} and the wider family's help.",
    "{name}'s needs are met on most days, but not reliably; without support the pattern is likely to continue.",
    "The concerns are real but the family is engaging, which makes change likely with help.",
];
const WISHES: &[&str] = &[
    "{name} wants to stay at home and for the shouting to stop.",
    "{name} said they feel safe at home and want to see their friends more.",
    "{name} is too young to say; they were relaxed and settled with their carer.",
];
const PARENTS: &[&str] = &[
    "The parent agrees there have been problems and wants help with the evenings.",
    "The parents disagree about what happened but both want to work with us.",
    "The parent feels judged but accepts a plan is needed.",
];
const WORKING_WELL: &[&str] = &[
    "{name} goes to school most days and has a trusted teacher.",
    "A grandparent gives practical help every week.",
    "The parent has kept every appointment since the referral.",
];
const WORRIES: &[&str] = &[
    "Arguments at home that {name} sees and hears.",
    "Evenings when {name} is left without an adult.",
    "The parent's drinking at weekends.",
];
const NEEDS: &[&str] = &[
    "A clear evening routine, and support for the parent from the family centre.",
    "Supervised contact with the other parent, and counselling for {name}.",
    "Help with housing and debts, and a parenting course.",
];
const RECOMMEND: &[&str] = &[
    "Support under a child in need plan.",
    "A strategy discussion: the worries may amount to significant harm.",
    "Step down to early help with the family centre.",
    "No further action; the family has the support it needs.",
];
const SHARED: &[&str] = &[
    "The school saw a bruise; police hold two callouts to the address this year.",
    "Health report missed appointments; police have no recent contact with the family.",
    "The referrer's account was shared; the GP confirmed an injury seen last month.",
];
const STRATEGY_DECISION: &[&str] = &[
    "A single agency section 47 enquiry, with police checks.",
    "A joint section 47 enquiry with the police.",
];
const FINDINGS: &[&str] = &[
    "The injury was explained by the account {name} and the parent gave separately.",
    "{name} was left alone in the evenings on several occasions.",
    "The parent's partner hit {name} during an argument; the partner has left.",
];
const ENQUIRY_OUTCOME: &[&str] = &[
    "Concerns substantiated; an initial conference is called.",
    "Concerns substantiated but no continuing risk of significant harm: a child in need plan.",
    "Concerns not substantiated: support from early help is offered.",
];
const CONFERENCE_DECISION: &[&str] = &[
    "A child protection plan is needed: {name} is likely to suffer significant harm without one.",
    "The plan continues: progress has started but is not yet secure.",
    "The plan can end: the risks have reduced and a child in need plan will follow.",
    "The care plan is endorsed; the placement is meeting {name}'s needs.",
];
const RECOMMENDATION: &[&str] = &[
    "A core group within ten working days.",
    "A referral to the family centre for a parenting course.",
    "Counselling for {name} at school.",
    "The care plan is updated with the contact arrangements.",
];
const CHILD_VIEWS: &[&str] = &[
    "{name} said things are calmer at home and they want the plan to help mum.",
    "{name} wrote that they like their carers and want to stay.",
    "{name} did not want to come but sent a drawing of their family.",
];
const PARENT_VIEWS: &[&str] = &[
    "The parent accepts the plan and wants it to end as soon as it safely can.",
    "The parent disagrees with the category but will work with the plan.",
];
const OUTCOMES: &[(&str, &str)] = &[
    (
        "An adult is at home with {name} every evening.",
        "So {name} is safe at night.",
    ),
    (
        "Arguments between the adults stop happening in front of {name}.",
        "{name} is frightened and sleeps badly.",
    ),
    (
        "{name} goes to school every day.",
        "Learning and friendships are being lost.",
    ),
    (
        "The home is free of damp and has working heating.",
        "{name}'s chest infections keep coming back.",
    ),
    (
        "{name} has someone to talk to about how they feel.",
        "{name} has said they feel sad and alone.",
    ),
];
const WORKER_ACTIONS: &[&str] = &[
    "Refer the family to the family centre.",
    "Visit every ten working days, seeing {name} alone.",
    "Make a housing referral and chase it.",
    "Arrange supervised contact with the other parent.",
];
const OTHERS_ACTIONS: &[(&str, &str)] = &[
    ("Agree an evening rota with the grandparent.", "Parent"),
    ("Start counselling sessions at school.", "School"),
    ("Book a speech and language assessment.", "Health visiting"),
    ("Share any police callouts to the address.", "Police"),
    ("Attend every core group meeting.", "Parent"),
];
const CONTINGENCY: &[&str] = &[
    "If the evenings are unsupervised again, a legal planning meeting.",
    "If the plan is not followed, the conference will be reconvened early.",
    "If the placement breaks down, the placement team finds an emergency placement locally.",
];
const PROGRESS_NOTES: &[&str] = &[
    "Discussed at the meeting; agreed by all.",
    "Confirmed by the agency responsible.",
    "Checked with the family on the last visit.",
];
const HAPPENING: &[&str] = &[
    "A referral from school about {name}'s bruising and arguments at home.",
    "The health visitor is worried about {name}'s weight and the home conditions.",
    "Police attended a domestic incident at which {name} was present.",
];
const DESIRED: &[&str] = &[
    "{name} is safe and feels safe at home.",
    "The parent has the support they need.",
    "{name} goes to school every day.",
];
const TRANSFER: &[&str] = &[
    "{name}'s case moves to a new worker; the plan, the open actions and {name}'s wishes go with it.",
    "Handed over with the chronology up to date and the next visit booked.",
];
const CLOSING: &[&str] = &[
    "The plan's outcomes are met and {name} is doing well; the family knows how to get help.",
    "The family has moved away; the new council has the records.",
    "Support steps down to early help, which the family has agreed to.",
];
const RATIONALE: &[&str] = &[
    "The analysis weighs the risks against the family's strengths and the recommendation follows.",
    "Agreed: the summary gives the next worker what they need.",
    "Agreed: the outcome is clear and the family has been told.",
];
const RETURN: &[&str] = &[
    "Say more about what the other parent can offer, and how {name}'s views shaped the analysis.",
    "The analysis needs to say what will happen if things do not change.",
];
const REVISED: &[&str] = &[
    "Revised: the wider family's offer of help is weighed against the risks.",
    "Revised: what happens if nothing changes is now set out, with {name}'s views.",
];
const AMEND_REASON: &str = "Revised after the manager's comments.";

impl Case<'_, '_> {
    /// Writes the content of the child's record into `out`, after the events it is about.
    pub(super) fn write_content(
        &self,
        out: &mut Vec<Recorded<ChildEvent>>,
    ) -> Result<(), DataError> {
        let child = self.child;
        let rates = &self.borough.rates.content;
        let mut rng = Rng::stream(
            self.borough.seed,
            &format!("content {}", child.id.as_str()),
            0,
        );
        let name = child.given.as_str();
        let old = std::mem::take(out);
        // Each old version's new version, for corrections and for content about events.
        let mut moved: Vec<u64> = Vec::with_capacity(old.len());
        let mut st = State {
            next_action: 1,
            ..State::default()
        };
        let later_plan: Vec<bool> = {
            // Whether a plan starts at or after each event: actions need a meeting to be
            // followed up at.
            let mut seen = false;
            let mut v: Vec<bool> = old
                .iter()
                .rev()
                .map(|r| {
                    seen |= matches!(
                        r.event,
                        ChildEvent::CpPlanStarted {} | ChildEvent::CinPlanStarted {}
                    );
                    seen
                })
                .collect();
            v.reverse();
            v
        };
        for (i, r) in old.into_iter().enumerate() {
            let mut r = r;
            if let ChildEvent::Corrected { corrects, .. } = &mut r.event
                && let Some(v) = usize::try_from(*corrects)
                    .ok()
                    .and_then(|c| c.checked_sub(1))
                    .and_then(|c| moved.get(c))
            {
                *corrects = *v;
            }
            let Actor::Staff(by) = r.recorded_by.clone() else {
                moved.push(out.len() as u64 + 1);
                out.push(r);
                continue;
            };
            let date = r.occurred_at.london_date();
            let mut before: Vec<(ChildEvent, Option<StaffId>)> = Vec::new();
            let mut after: Vec<(ChildEvent, Option<StaffId>)> = Vec::new();
            // The version this event will have once what goes before it is in.
            let version = out.len() as u64 + 1;
            match &r.event {
                ChildEvent::VisitMade {
                    child_seen,
                    seen_alone,
                    not_seen_alone_reason,
                    ..
                } if rng.chance(rates.visits) => {
                    let age = child.age_on(date).unwrap_or(0);
                    let speaks = *child_seen && age >= 4;
                    let not_seen_alone = match (seen_alone, not_seen_alone_reason) {
                        (Some(false), reason) => Some(NotSeenAlone {
                            why: match reason {
                                Some(t) => t.clone(),
                                None => text("Too young to be seen alone.")?,
                            },
                            agreed_by: by.clone(),
                        }),
                        _ => None,
                    };
                    let content = VisitContent {
                        purpose: say(&mut rng, name, PURPOSE)?,
                        seen: say(&mut rng, name, SEEN)?,
                        not_seen_alone,
                        child_said: if speaks {
                            Some(say(&mut rng, name, CHILD_SAID)?)
                        } else {
                            None
                        },
                        next_steps: say(&mut rng, name, NEXT)?,
                    };
                    after.push((ChildEvent::VisitWritten { about: 0, content }, None));
                    if *child_seen && age >= 5 && rng.chance(rates.childs_words) {
                        let gathered = *rng
                            .pick(&[WordsGathered::Visit, WordsGathered::Drawing])
                            .unwrap_or(&WordsGathered::Visit);
                        after.push((
                            ChildEvent::ChildWordsRecorded {
                                words: say(&mut rng, name, CHILD_SAID)?,
                                gathered,
                                about: Some(0),
                            },
                            None,
                        ));
                    }
                }
                ChildEvent::AssessmentCompleted { .. } if rng.chance(rates.assessments) => {
                    let content = AssessmentContent {
                        developmental_needs: say(&mut rng, name, DEVELOPMENT)?,
                        parenting_capacity: say(&mut rng, name, PARENTING)?,
                        family_and_environment: say(&mut rng, name, FAMILY)?,
                        analysis: say(&mut rng, name, ANALYSIS)?,
                        wishes_and_feelings: say(&mut rng, name, WISHES)?,
                        parents_views: say(&mut rng, name, PARENTS)?,
                        working_well: say(&mut rng, name, WORKING_WELL)?,
                        worries: say(&mut rng, name, WORRIES)?,
                        needs_to_happen: say(&mut rng, name, NEEDS)?,
                        recommendation: say(&mut rng, name, RECOMMEND)?,
                    };
                    // The entry will follow the completion, one version on.
                    st.assessment = Some((version + 1, by.clone(), content.analysis.clone()));
                    after.push((ChildEvent::AssessmentWritten { about: 0, content }, None));
                }
                ChildEvent::AssessmentAuthorised { manager } => {
                    if let Some((entry, worker, analysis)) = st.assessment.take() {
                        // Some are returned first, and the analysis revised, that same day.
                        let worker_in_post = self
                            .borough
                            .world
                            .left_on(&worker)
                            .is_none_or(|l| date <= l);
                        if worker_in_post && rng.chance(rates.assessments_returned) {
                            before.push((
                                ChildEvent::ManagerDecisionRecorded {
                                    entry,
                                    manager: manager.clone(),
                                    decision: ManagerDecision::Returned,
                                    rationale: say(&mut rng, name, RETURN)?,
                                },
                                None,
                            ));
                            before.push((
                                ChildEvent::ContentAmended {
                                    entry,
                                    field: line("analysis")?,
                                    text: text(&format!(
                                        "{analysis} {}",
                                        pick(&mut rng, REVISED).replace("{name}", name)
                                    ))?,
                                    reason: text(AMEND_REASON)?,
                                },
                                Some(worker),
                            ));
                        }
                        after.push((
                            ChildEvent::ManagerDecisionRecorded {
                                entry,
                                manager: manager.clone(),
                                decision: ManagerDecision::Authorised,
                                rationale: say(&mut rng, name, RATIONALE)?,
                            },
                            None,
                        ));
                    }
                }
                ChildEvent::StrategyDiscussionHeld { agencies, .. }
                    if rng.chance(rates.minutes) =>
                {
                    let mut participants = Vec::new();
                    for a in agencies {
                        participants.push(self.participant(
                            &mut rng,
                            a.label(),
                            "Representative",
                        )?);
                    }
                    let actions = if later_plan[i] {
                        vec![
                            self.new_action(&mut rng, &mut st, None, date, Some(&by), 1)?,
                            self.new_action(&mut rng, &mut st, None, date, None, 3)?,
                        ]
                    } else {
                        Vec::new()
                    };
                    let minutes = StrategyMinutes {
                        participants,
                        shared: say(&mut rng, name, SHARED)?,
                        decision: say(&mut rng, name, STRATEGY_DECISION)?,
                        actions,
                    };
                    after.push((
                        ChildEvent::StrategyMinutesRecorded { about: 0, minutes },
                        None,
                    ));
                }
                ChildEvent::Section47Completed { .. } if rng.chance(rates.minutes) => {
                    let age = child.age_on(date).unwrap_or(0);
                    let findings = EnquiryFindings {
                        findings: say(&mut rng, name, FINDINGS)?,
                        child_seen: true,
                        child_said: if age >= 4 {
                            Some(say(&mut rng, name, CHILD_SAID)?)
                        } else {
                            None
                        },
                        outcome: say(&mut rng, name, ENQUIRY_OUTCOME)?,
                    };
                    after.push((
                        ChildEvent::EnquiryFindingsRecorded { about: 0, findings },
                        None,
                    ));
                }
                ChildEvent::InitialConferenceHeld { category, .. }
                | ChildEvent::ReviewConferenceHeld { category, .. }
                    if rng.chance(rates.minutes) =>
                {
                    let minutes = self.conference_minutes(&mut rng, &by, *category)?;
                    after.push((
                        ChildEvent::ConferenceMinutesRecorded { about: 0, minutes },
                        None,
                    ));
                }
                ChildEvent::ClaReviewHeld { .. } if rng.chance(rates.minutes) => {
                    let minutes = self.conference_minutes(&mut rng, &by, None)?;
                    after.push((
                        ChildEvent::ConferenceMinutesRecorded { about: 0, minutes },
                        None,
                    ));
                }
                ChildEvent::WorkerAllocated {
                    worker,
                    decided_by,
                    reason,
                    ..
                } => {
                    let first = !std::mem::replace(&mut st.allocated_before, true);
                    if first && rng.chance(rates.allocation_records) {
                        let actions = if later_plan[i] {
                            vec![self.new_action(&mut rng, &mut st, None, date, Some(worker), 5)?]
                        } else {
                            Vec::new()
                        };
                        let content = AllocationRecord {
                            happening: say(&mut rng, name, HAPPENING)?,
                            desired_outcomes: vec![
                                say(&mut rng, name, DESIRED)?,
                                say(&mut rng, name, DESIRED)?,
                            ],
                            actions,
                        };
                        after.push((
                            ChildEvent::AllocationRecordWritten { content },
                            Some(worker.clone()),
                        ));
                    } else if !first
                        && *reason != WorkerChangeReason::Fconta
                        && rng.chance(rates.summaries)
                    {
                        // The manager deciding the move writes the transfer summary's
                        // authorisation; the summary itself is theirs too when the worker left.
                        after.push((
                            ChildEvent::SummaryWritten {
                                kind: SummaryKind::Transfer,
                                text: say(&mut rng, name, TRANSFER)?,
                            },
                            None,
                        ));
                        after.push((
                            ChildEvent::ManagerDecisionRecorded {
                                entry: 0,
                                manager: decided_by.clone(),
                                decision: ManagerDecision::Authorised,
                                rationale: say(&mut rng, name, RATIONALE)?,
                            },
                            None,
                        ));
                    }
                }
                ChildEvent::CpPlanStarted {} | ChildEvent::CinPlanStarted {} => {
                    let kind = if matches!(r.event, ChildEvent::CpPlanStarted {}) {
                        PlanKind::ChildProtection
                    } else {
                        PlanKind::ChildInNeed
                    };
                    if rng.chance(rates.plans) {
                        let content = self.plan_content(&mut rng, &mut st, kind, date, &by)?;
                        after.push((
                            ChildEvent::PlanWritten {
                                plan: kind,
                                about: Some(0),
                                content,
                            },
                            None,
                        ));
                    }
                }
                ChildEvent::CpPlanEnded { .. } | ChildEvent::CinPlanEnded { .. } => {
                    let kind = if matches!(r.event, ChildEvent::CpPlanEnded { .. }) {
                        PlanKind::ChildProtection
                    } else {
                        PlanKind::ChildInNeed
                    };
                    // The plan's last meeting closes what is still open on it.
                    if let Some(&meeting) = st.last_meeting.get(&kind)
                        && let Some(review) =
                            self.actions_review(&mut rng, &mut st, kind, date, Some(()))?
                    {
                        before.push((
                            ChildEvent::ActionsReviewed {
                                about: meeting,
                                plan: kind,
                                review,
                            },
                            None,
                        ));
                    }
                }
                ChildEvent::CaseClosed { .. } if rng.chance(rates.summaries) => {
                    after.push((
                        ChildEvent::SummaryWritten {
                            kind: SummaryKind::Closing,
                            text: say(&mut rng, name, CLOSING)?,
                        },
                        None,
                    ));
                    // A manager of the team that held the case that day authorises it.
                    let manager = self
                        .held
                        .iter()
                        .rev()
                        .find(|h| h.from <= r.occurred_at)
                        .and_then(|h| self.borough.world.a_manager(h.post, date))
                        .or_else(|| self.borough.world.head_of_service(date));
                    if let Some(m) = manager {
                        after.push((
                            ChildEvent::ManagerDecisionRecorded {
                                entry: 0,
                                manager: m,
                                decision: ManagerDecision::Authorised,
                                rationale: say(&mut rng, name, RATIONALE)?,
                            },
                            None,
                        ));
                    }
                }
                _ => {}
            }
            // A meeting that reviews a plan goes through its actions (a review conference
            // has its minutes too).
            let reviews = match &r.event {
                ChildEvent::CoreGroupHeld {} | ChildEvent::ReviewConferenceHeld { .. } => {
                    Some(PlanKind::ChildProtection)
                }
                ChildEvent::CinMeetingHeld { .. } => Some(PlanKind::ChildInNeed),
                _ => None,
            };
            if let Some(kind) = reviews {
                if let Some(review) = self.actions_review(&mut rng, &mut st, kind, date, None)? {
                    after.push((
                        ChildEvent::ActionsReviewed {
                            about: 0,
                            plan: kind,
                            review,
                        },
                        None,
                    ));
                }
                st.last_meeting
                    .insert(kind, out.len() as u64 + 1 + before.len() as u64);
            }
            for (e, writer) in before {
                let Some(recorded_at) = self.written_at(&r, writer.as_ref()) else {
                    continue;
                };
                out.push(Recorded {
                    recorded_by: writer.map_or(r.recorded_by.clone(), Actor::Staff),
                    recorded_at,
                    event: e,
                    ..r.clone()
                });
            }
            let target = out.len() as u64 + 1;
            moved.push(target);
            let recorded = r.clone();
            out.push(r);
            let mut summary = None;
            for (mut e, writer) in after {
                match &mut e {
                    ChildEvent::VisitWritten { about, .. }
                    | ChildEvent::AssessmentWritten { about, .. }
                    | ChildEvent::StrategyMinutesRecorded { about, .. }
                    | ChildEvent::EnquiryFindingsRecorded { about, .. }
                    | ChildEvent::ConferenceMinutesRecorded { about, .. }
                    | ChildEvent::ActionsReviewed { about, .. } => *about = target,
                    ChildEvent::PlanWritten { about, .. }
                    | ChildEvent::ChildWordsRecorded { about, .. } => *about = Some(target),
                    ChildEvent::ManagerDecisionRecorded { entry, .. } if *entry == 0 => {
                        match summary {
                            Some(s) => *entry = s,
                            None => continue,
                        }
                    }
                    _ => {}
                }
                if matches!(e, ChildEvent::SummaryWritten { .. }) {
                    summary = Some(out.len() as u64 + 1);
                }
                let Some(recorded_at) = self.written_at(&recorded, writer.as_ref()) else {
                    continue;
                };
                let recorded_by = writer.map_or(recorded.recorded_by.clone(), Actor::Staff);
                out.push(Recorded {
                    recorded_by,
                    recorded_at,
                    event: e,
                    ..recorded.clone()
                });
            }
        }
        Ok(())
    }

    /// When an entry about `r` is recorded: when `r` was, by whoever recorded it; by another
    /// writer, then if they were still in post, or else as it happened; `None` if they had
    /// left even by then.
    fn written_at(
        &self,
        r: &Recorded<ChildEvent>,
        writer: Option<&StaffId>,
    ) -> Option<hearth_domain::Timestamp> {
        let Some(w) = writer else {
            return Some(r.recorded_at);
        };
        let in_post = |t: hearth_domain::Timestamp| {
            self.borough
                .world
                .left_on(w)
                .is_none_or(|l| t.london_date() <= l)
        };
        if in_post(r.recorded_at) {
            Some(r.recorded_at)
        } else if in_post(r.occurred_at) {
            Some(r.occurred_at)
        } else {
            None
        }
    }

    fn participant(
        &self,
        rng: &mut Rng,
        agency: &str,
        role: &str,
    ) -> Result<Participant, DataError> {
        let names = self.borough.names;
        let female = rng.chance(0.7);
        let given = pick_name(rng, if female { &names.female } else { &names.male });
        let family = pick_name(rng, &names.family);
        Ok(Participant {
            name: line(&format!("{given} {family}"))?,
            agency: line(agency)?,
            role: line(role)?,
        })
    }

    fn conference_minutes(
        &self,
        rng: &mut Rng,
        chair: &StaffId,
        category: Option<CategoryOfAbuse>,
    ) -> Result<ConferenceMinutes, DataError> {
        let name = self.child.given.as_str();
        let attended = vec![
            self.participant(rng, "Family", "Parent")?,
            self.participant(rng, "Children's social care", "Social worker")?,
            self.participant(rng, "Education", "Designated safeguarding lead")?,
        ];
        let apologies = if rng.chance(0.5) {
            vec![self.participant(rng, "Health", "GP")?]
        } else {
            Vec::new()
        };
        Ok(ConferenceMinutes {
            chair: chair.clone(),
            attended,
            apologies,
            reports: vec![line("Social work report")?, line("School report")?],
            decision: say(rng, name, CONFERENCE_DECISION)?,
            category,
            recommendations: vec![say(rng, name, RECOMMENDATION)?],
            dissent: None,
            child_views: Some(say(rng, name, CHILD_VIEWS)?),
            parents_views: Some(say(rng, name, PARENT_VIEWS)?),
        })
    }

    /// A new action: the worker's, or someone else's, due some weeks ahead.
    fn new_action(
        &self,
        rng: &mut Rng,
        st: &mut State,
        plan: Option<PlanKind>,
        date: NaiveDate,
        staff: Option<&StaffId>,
        working_days: u32,
    ) -> Result<Action, DataError> {
        let name = self.child.given.as_str();
        let number = st.next_action;
        st.next_action += 1;
        let by = working_days_after(date, working_days);
        let (what, who) = match staff {
            Some(s) => (say(rng, name, WORKER_ACTIONS)?, Owner::Staff(s.clone())),
            None => {
                let (what, agency) = *rng.pick(OTHERS_ACTIONS).unwrap_or(&OTHERS_ACTIONS[0]);
                (
                    text(what)?,
                    Owner::Named {
                        name: line(agency)?,
                        agency: None,
                    },
                )
            }
        };
        st.open.insert(number, Open { plan, by });
        Ok(Action {
            number: ActionNo(number),
            what,
            who,
            by,
        })
    }

    fn plan_content(
        &self,
        rng: &mut Rng,
        st: &mut State,
        kind: PlanKind,
        date: NaiveDate,
        worker: &StaffId,
    ) -> Result<PlanContent, DataError> {
        let name = self.child.given.as_str();
        let mut outcomes = Vec::new();
        let first = rng.below(OUTCOMES.len() as u64) as usize;
        for k in 0..3 {
            let (what, why) = OUTCOMES[(first + k) % OUTCOMES.len()];
            outcomes.push(Outcome {
                what_must_change: text(&what.replace("{name}", name))?,
                why: text(&why.replace("{name}", name))?,
            });
        }
        let mut actions = Vec::new();
        for (k, days) in [10u32, 20, 30].into_iter().enumerate() {
            let staff = (k == 0).then_some(worker);
            actions.push(self.new_action(rng, st, Some(kind), date, staff, days)?);
        }
        Ok(PlanContent {
            outcomes,
            actions,
            contingency: say(rng, name, CONTINGENCY)?,
            key_contacts: vec![KeyContact {
                name: line("Duty desk")?,
                role: line("Children's social care")?,
                contact: None,
            }],
        })
    }

    /// A meeting's review of the open actions of a plan (and of no plan): those due by now
    /// are mostly done, the rest on track. At the plan's end (`closing`) what is not done
    /// is ended.
    fn actions_review(
        &self,
        rng: &mut Rng,
        st: &mut State,
        kind: PlanKind,
        date: NaiveDate,
        closing: Option<()>,
    ) -> Result<Option<ActionReview>, DataError> {
        let rates = &self.borough.rates.content;
        let numbers: Vec<u32> = st
            .open
            .iter()
            .filter(|(_, a)| a.plan == Some(kind) || a.plan.is_none())
            .map(|(n, _)| *n)
            .collect();
        if numbers.is_empty() {
            return Ok(None);
        }
        let mut progress = Vec::new();
        let mut ended = Vec::new();
        for n in numbers {
            let Some(a) = st.open.get(&n) else { continue };
            let due = a.by <= date + Days::new(5);
            let status = if due && rng.chance(rates.actions_done) {
                ActionStatus::Done
            } else if due {
                ActionStatus::NotDone
            } else {
                ActionStatus::OnTrack
            };
            if closing.is_some() && status != ActionStatus::Done {
                ended.push(EndedAction {
                    action: ActionNo(n),
                    reason: text("The plan has ended.")?,
                });
                st.open.remove(&n);
                continue;
            }
            if status == ActionStatus::Done {
                st.open.remove(&n);
            }
            progress.push(Progress {
                action: ActionNo(n),
                status,
                note: text(pick(rng, PROGRESS_NOTES))?,
            });
        }
        Ok(Some(ActionReview {
            progress,
            added: Vec::new(),
            ended,
        }))
    }
}
