//! Tests of the content of practice: a child walked from a strategy discussion to a plan
//! reviewed at a core group, each refusal naming its rule, and content round-tripping
//! through the interchange format.

use chrono::NaiveDate;
use proptest::prelude::*;

use super::tests::{dir, ev, open_case, refused, text, ts};
use super::*;
use crate::codes::*;
use crate::event::{Actor, Recorded};
use crate::ids::{ChildId, StaffId};
use crate::interchange::{Journey, JourneyLine};
use crate::rules::Rule;
use crate::values::{Line, Text};

fn line(s: &str) -> Line {
    Line::parse(s).unwrap()
}

fn staff(s: &str) -> StaffId {
    StaffId::parse(s).unwrap()
}

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn person(name: &str, agency: &str, role: &str) -> Participant {
    Participant {
        name: line(name),
        agency: line(agency),
        role: line(role),
    }
}

fn action(n: u32, what: &str, who: Owner, by: &str) -> Action {
    Action {
        number: ActionNo(n),
        what: text(what),
        who,
        by: day(by),
    }
}

fn named(name: &str) -> Owner {
    Owner::Named {
        name: line(name),
        agency: None,
    }
}

fn assessment() -> AssessmentContent {
    AssessmentContent {
        developmental_needs: text("Growing well; speech a little behind for age."),
        parenting_capacity: text("Loving care, but routines break down in the evenings."),
        family_and_environment: text("Damp flat, rent arrears, grandmother close by."),
        analysis: text("Needs are met by day and not reliably at night."),
        wishes_and_feelings: text("Wants to stay at home and see nan more."),
        parents_views: text("Mother agrees evenings are hard."),
        working_well: text("School attendance is good."),
        worries: text("Unsupervised evenings."),
        needs_to_happen: text("An evening routine with family help."),
        recommendation: text("Child protection conference."),
    }
}

fn plan(actions: Vec<Action>) -> PlanContent {
    PlanContent {
        outcomes: vec![
            Outcome {
                what_must_change: text("An adult is at home every evening."),
                why: text("So the child is safe at night."),
            },
            Outcome {
                what_must_change: text("The flat is free of damp."),
                why: text("The child's chest infections."),
            },
            Outcome {
                what_must_change: text("Speech therapy is attended."),
                why: text("So the child starts school talking with friends."),
            },
        ],
        actions,
        contingency: text("A legal planning meeting if evenings are unsupervised again."),
        key_contacts: vec![KeyContact {
            name: line("Duty desk"),
            role: line("Children's social care"),
            contact: Some(line("0300 000 0000")),
        }],
    }
}

/// The walk of the "done means", in the domain: it returns the stream and the
/// versions of the entries the tests go on to use.
struct Walk {
    s: ChildStream,
    assessment: u64,
    core_group: u64,
    visit: u64,
}

fn walk() -> Walk {
    let mut s = open_case();
    let d = dir();
    let add = |s: &mut ChildStream, at: &str, e: ChildEvent| -> u64 {
        s.append(vec![ev(at, e)], &d).unwrap();
        s.version()
    };
    add(
        &mut s,
        "2025-01-06T10:00:00Z",
        ChildEvent::AssessmentStarted {},
    );
    let strategy = add(
        &mut s,
        "2025-01-07T10:00:00Z",
        ChildEvent::StrategyDiscussionHeld {
            agencies: vec![Agency::SocialCare, Agency::Police],
            decision: StrategyDecision::Section47,
        },
    );
    add(
        &mut s,
        "2025-01-07T10:30:00Z",
        ChildEvent::StrategyMinutesRecorded {
            about: strategy,
            minutes: StrategyMinutes {
                participants: vec![
                    person("Ann Tester", "Children's social care", "Social worker"),
                    person("Ben Tester", "Police", "Detective constable"),
                ],
                shared: text("School saw a bruise; police hold two callouts."),
                decision: text("Single agency section 47 enquiry."),
                actions: vec![
                    action(
                        1,
                        "See the child at school.",
                        Owner::Staff(staff("SW1")),
                        "2025-01-08",
                    ),
                    action(2, "Check police records.", named("Police"), "2025-01-09"),
                ],
            },
        },
    );
    add(
        &mut s,
        "2025-01-07T11:00:00Z",
        ChildEvent::Section47Started {},
    );
    let enquiry = add(
        &mut s,
        "2025-01-14T11:00:00Z",
        ChildEvent::Section47Completed {
            outcome: Section47Outcome::SubstantiatedAtRisk,
            conference_needed: true,
        },
    );
    add(
        &mut s,
        "2025-01-14T11:30:00Z",
        ChildEvent::EnquiryFindingsRecorded {
            about: enquiry,
            findings: EnquiryFindings {
                findings: text("Left alone most evenings."),
                child_seen: true,
                child_said: Some(text("I watch telly till mum comes back.")),
                outcome: text("Concerns substantiated: conference."),
            },
        },
    );
    let completed = add(
        &mut s,
        "2025-01-20T10:00:00Z",
        ChildEvent::AssessmentCompleted {
            factors: vec![AssessmentFactor::F3B],
            outcome: AssessmentOutcome::StrategyDiscussion,
        },
    );
    let written = add(
        &mut s,
        "2025-01-20T10:05:00Z",
        ChildEvent::AssessmentWritten {
            about: completed,
            content: assessment(),
        },
    );
    add(
        &mut s,
        "2025-01-20T11:00:00Z",
        ChildEvent::ManagerDecisionRecorded {
            entry: written,
            manager: staff("TM1"),
            decision: ManagerDecision::Returned,
            rationale: text("Say what the grandmother can offer."),
        },
    );
    add(
        &mut s,
        "2025-01-20T12:00:00Z",
        ChildEvent::ContentAmended {
            entry: written,
            field: line("analysis"),
            text: text("Needs are met by day; grandmother can cover two evenings."),
            reason: text("The manager's comments."),
        },
    );
    add(
        &mut s,
        "2025-01-20T13:00:00Z",
        ChildEvent::ManagerDecisionRecorded {
            entry: written,
            manager: staff("TM1"),
            decision: ManagerDecision::Authorised,
            rationale: text("The analysis now weighs the family's help."),
        },
    );
    add(
        &mut s,
        "2025-01-20T13:00:00Z",
        ChildEvent::AssessmentAuthorised {
            manager: staff("TM1"),
        },
    );
    let conference = add(
        &mut s,
        "2025-01-21T10:00:00Z",
        ChildEvent::InitialConferenceHeld {
            transfer_in: false,
            outcome: InitialConferenceOutcome::CpPlan,
            category: Some(CategoryOfAbuse::Neg),
        },
    );
    add(
        &mut s,
        "2025-01-21T10:10:00Z",
        ChildEvent::ConferenceMinutesRecorded {
            about: conference,
            minutes: ConferenceMinutes {
                chair: staff("RO1"),
                attended: vec![person("Cat Tester", "Family", "Mother")],
                apologies: vec![person("Dan Tester", "Health", "GP")],
                reports: vec![line("School report")],
                decision: text("A child protection plan under neglect."),
                category: Some(CategoryOfAbuse::Neg),
                recommendations: vec![text("A core group within ten working days.")],
                dissent: None,
                child_views: Some(text("Wants nan to visit.")),
                parents_views: Some(text("Mother accepts the plan.")),
            },
        },
    );
    let started = add(&mut s, "2025-01-21T10:30:00Z", ChildEvent::CpPlanStarted {});
    add(
        &mut s,
        "2025-01-21T10:40:00Z",
        ChildEvent::PlanWritten {
            plan: PlanKind::ChildProtection,
            about: Some(started),
            content: plan(vec![
                action(3, "Agree an evening rota.", named("Mother"), "2025-01-31"),
                action(
                    4,
                    "Refer to housing.",
                    Owner::Staff(staff("SW1")),
                    "2025-01-28",
                ),
                action(
                    5,
                    "Book speech therapy.",
                    named("Health visitor"),
                    "2025-02-14",
                ),
                action(6, "Visit weekly.", Owner::Staff(staff("SW1")), "2025-04-21"),
                action(7, "Attend every core group.", named("Mother"), "2025-04-21"),
            ]),
        },
    );
    let core_group = add(&mut s, "2025-01-31T10:00:00Z", ChildEvent::CoreGroupHeld {});
    let status = |n: u32, status: ActionStatus| Progress {
        action: ActionNo(n),
        status,
        note: text("Discussed."),
    };
    add(
        &mut s,
        "2025-01-31T11:00:00Z",
        ChildEvent::ActionsReviewed {
            about: core_group,
            plan: PlanKind::ChildProtection,
            review: ActionReview {
                progress: vec![
                    status(3, ActionStatus::Done),
                    status(4, ActionStatus::NotDone),
                    status(5, ActionStatus::OnTrack),
                    status(6, ActionStatus::OnTrack),
                    status(7, ActionStatus::OnTrack),
                ],
                added: vec![action(
                    8,
                    "Chase housing.",
                    Owner::Staff(staff("TM1")),
                    "2025-02-07",
                )],
                ended: vec![],
            },
        },
    );
    let visit = add(
        &mut s,
        "2025-02-03T10:00:00Z",
        ChildEvent::VisitMade {
            kind: VisitKind::Statutory,
            child_seen: true,
            seen_alone: Some(false),
            not_seen_alone_reason: Some(text("Asked for mum to stay.")),
            bedroom_seen: Some(true),
        },
    );
    Walk {
        s,
        assessment: written,
        core_group,
        visit,
    }
}

fn visit_words(visit: u64, not_seen_alone: Option<NotSeenAlone>) -> ChildEvent {
    ChildEvent::VisitWritten {
        about: visit,
        content: VisitContent {
            purpose: text("Statutory visit under the plan."),
            seen: text("Tidy flat, food in the fridge."),
            not_seen_alone,
            child_said: Some(text("Nan came on Tuesday.")),
            next_steps: text("Visit again next week."),
        },
    }
}

#[test]
fn a_child_walked_from_strategy_to_a_reviewed_plan_has_the_practice_in_the_record() {
    let Walk {
        mut s,
        assessment: written,
        visit,
        ..
    } = walk();
    s.append(
        vec![
            ev(
                "2025-02-03T11:00:00Z",
                visit_words(
                    visit,
                    Some(NotSeenAlone {
                        why: text("The child asked for mum to stay."),
                        agreed_by: staff("TM1"),
                    }),
                ),
            ),
            ev(
                "2025-02-03T11:00:00Z",
                ChildEvent::ChildWordsRecorded {
                    words: text("I like it when nan comes."),
                    gathered: WordsGathered::Visit,
                    about: Some(visit),
                },
            ),
        ],
        &dir(),
    )
    .unwrap();
    let p = &s.record().practice;

    // The assessment reads as amended, keeps its earlier wording, and shows the return
    // and the authorisation.
    let entry = &p.entries[&written];
    let Content::Assessment(a) = &entry.content else {
        panic!("not an assessment: {entry:?}")
    };
    assert!(a.analysis.as_str().contains("grandmother can cover"));
    assert_eq!(entry.amendments.len(), 1);
    assert_eq!(
        entry.amendments[0].before.as_str(),
        "Needs are met by day and not reliably at night."
    );
    let decisions: Vec<_> = entry.decisions.iter().map(|d| d.decision).collect();
    assert_eq!(
        decisions,
        vec![ManagerDecision::Returned, ManagerDecision::Authorised]
    );

    // Two versions of the plan: the first as written, the second after the core group
    // found action 3 done and added action 8. The first is still readable.
    let versions: Vec<_> = p
        .plans
        .iter()
        .map(|v| (v.number, v.actions.iter().map(|a| a.0).collect::<Vec<_>>()))
        .collect();
    assert_eq!(
        versions,
        vec![(1, vec![3, 4, 5, 6, 7]), (2, vec![4, 5, 6, 7, 8])]
    );
    let first = p.plan_content(&p.plans[0]).unwrap();
    assert_eq!(first.outcomes.len(), 3);
    assert_eq!(p.plans[1].words, p.plans[0].words);

    // Eight actions, two from the strategy discussion; done is when the core group said so.
    assert_eq!(p.actions.len(), 8);
    assert_eq!(
        p.actions[&ActionNo(3)].done().map(|m| m.date()),
        Some(day("2025-01-31"))
    );
    assert_eq!(p.actions[&ActionNo(1)].plan, None);
    assert_eq!(
        p.action(ActionNo(8)).unwrap().what.as_str(),
        "Chase housing."
    );
    assert_eq!(p.open_actions(PlanKind::ChildProtection).count(), 5);
    assert_eq!(p.next_action(), ActionNo(9));

    // The child's own words, with how they were gathered.
    let words: Vec<_> = p
        .childs_words()
        .map(|(_, how, w)| (how, w.as_str()))
        .collect();
    assert_eq!(
        words,
        vec![(WordsGathered::Visit, "I like it when nan comes.")]
    );

    // Folding the stored stream gives the same record.
    assert_eq!(&fold(s.id(), s.events()), s.record());
}

#[test]
fn content_is_about_an_earlier_event_of_its_kind_once() {
    let Walk {
        mut s,
        core_group,
        visit,
        ..
    } = walk();
    // A visit's words about a core group.
    assert_eq!(
        refused(
            &mut s,
            vec![ev("2025-02-03T11:00:00Z", visit_words(core_group, None))]
        ),
        Rule::ContentAbout
    );
    // About nothing recorded yet.
    assert_eq!(
        refused(
            &mut s,
            vec![ev("2025-02-03T11:00:00Z", visit_words(999, None))]
        ),
        Rule::ContentAbout
    );
    let agreed = || {
        Some(NotSeenAlone {
            why: text("Asked for mum to stay."),
            agreed_by: staff("TM1"),
        })
    };
    s.append(
        vec![ev("2025-02-03T11:00:00Z", visit_words(visit, agreed()))],
        &dir(),
    )
    .unwrap();
    // Twice for one visit: an amendment is the way to change it.
    assert_eq!(
        refused(
            &mut s,
            vec![ev("2025-02-03T12:00:00Z", visit_words(visit, agreed()))]
        ),
        Rule::ContentAbout
    );
}

#[test]
fn a_child_seen_but_not_alone_needs_the_reason_and_who_agreed() {
    let Walk { mut s, visit, .. } = walk();
    assert_eq!(
        refused(
            &mut s,
            vec![ev("2025-02-03T11:00:00Z", visit_words(visit, None))]
        ),
        Rule::SeenAlone
    );
    // Agreed by someone who is not in post.
    let by_leaver = Some(NotSeenAlone {
        why: text("Asked for mum to stay."),
        agreed_by: staff("SW8"),
    });
    assert_eq!(
        refused(
            &mut s,
            vec![ev("2025-02-03T11:00:00Z", visit_words(visit, by_leaver))]
        ),
        Rule::UnknownStaff
    );
}

#[test]
fn a_meeting_reviews_each_open_action_of_the_plan_and_only_those() {
    let Walk { mut s, .. } = walk();
    let d = dir();
    s.append(
        vec![ev("2025-02-14T10:00:00Z", ChildEvent::CoreGroupHeld {})],
        &d,
    )
    .unwrap();
    let meeting = s.version();
    let review = |progress: Vec<(u32, ActionStatus)>, ended: Vec<u32>| {
        ev(
            "2025-02-14T11:00:00Z",
            ChildEvent::ActionsReviewed {
                about: meeting,
                plan: PlanKind::ChildProtection,
                review: ActionReview {
                    progress: progress
                        .into_iter()
                        .map(|(n, status)| Progress {
                            action: ActionNo(n),
                            status,
                            note: text("Discussed."),
                        })
                        .collect(),
                    added: vec![],
                    ended: ended
                        .into_iter()
                        .map(|n| EndedAction {
                            action: ActionNo(n),
                            reason: text("No longer needed."),
                        })
                        .collect(),
                },
            },
        )
    };
    use ActionStatus::*;
    // Action 8 is left out.
    assert_eq!(
        refused(
            &mut s,
            vec![review(
                vec![(4, Done), (5, Done), (6, OnTrack), (7, OnTrack)],
                vec![]
            )]
        ),
        Rule::Action
    );
    // Action 3 was already done; action 99 does not exist.
    for extra in [3, 99] {
        assert_eq!(
            refused(
                &mut s,
                vec![review(
                    vec![
                        (4, Done),
                        (5, Done),
                        (6, OnTrack),
                        (7, OnTrack),
                        (8, Done),
                        (extra, Done)
                    ],
                    vec![]
                )]
            ),
            Rule::Action
        );
    }
    // Named twice.
    assert_eq!(
        refused(
            &mut s,
            vec![review(
                vec![(4, Done), (5, Done), (6, OnTrack), (7, OnTrack), (8, Done)],
                vec![8]
            )]
        ),
        Rule::Action
    );
    // A strategy discussion's action is followed up here too.
    s.append(
        vec![review(
            vec![(4, Done), (5, Done), (6, OnTrack), (7, OnTrack), (1, Done)],
            vec![8],
        )],
        &d,
    )
    .unwrap();
    let p = &s.record().practice;
    assert!(p.actions[&ActionNo(1)].done().is_some());
    assert!(p.actions[&ActionNo(8)].ended.is_some());
    assert_eq!(p.current_plan(PlanKind::ChildProtection).unwrap().number, 3);
    assert_eq!(
        p.current_plan(PlanKind::ChildProtection).unwrap().actions,
        vec![ActionNo(6), ActionNo(7)]
    );
}

#[test]
fn actions_take_new_numbers_and_fall_due_after_they_are_set() {
    let Walk { mut s, .. } = walk();
    let written = |actions: Vec<Action>| {
        ev(
            "2025-02-10T10:00:00Z",
            ChildEvent::AllocationRecordWritten {
                content: AllocationRecord {
                    happening: text("Evenings are still a worry."),
                    desired_outcomes: vec![text("Safe evenings.")],
                    actions,
                },
            },
        )
    };
    let sw1 = || Owner::Staff(staff("SW1"));
    assert_eq!(
        refused(
            &mut s,
            vec![written(vec![action(4, "Again.", sw1(), "2025-02-11")])]
        ),
        Rule::Action
    );
    assert_eq!(
        refused(
            &mut s,
            vec![written(vec![
                action(9, "One.", sw1(), "2025-02-11"),
                action(9, "Two.", sw1(), "2025-02-11")
            ])]
        ),
        Rule::Action
    );
    assert_eq!(
        refused(
            &mut s,
            vec![written(vec![action(9, "Late.", sw1(), "2025-02-09")])]
        ),
        Rule::Action
    );
    // An owner on the staff must be one.
    assert_eq!(
        refused(
            &mut s,
            vec![written(vec![action(
                9,
                "Who?",
                Owner::Staff(staff("NOBODY")),
                "2025-02-11"
            )])]
        ),
        Rule::UnknownStaff
    );
    // Nothing to aim for.
    let aimless = ev(
        "2025-02-10T10:00:00Z",
        ChildEvent::AllocationRecordWritten {
            content: AllocationRecord {
                happening: text("Evenings are still a worry."),
                desired_outcomes: vec![],
                actions: vec![],
            },
        },
    );
    assert_eq!(refused(&mut s, vec![aimless]), Rule::ContentIncomplete);
    s.append(
        vec![written(vec![action(9, "Due today.", sw1(), "2025-02-10")])],
        &dir(),
    )
    .unwrap();
}

#[test]
fn plans_need_outcomes_and_a_plan_of_their_kind() {
    let mut s = open_case();
    let cp = |outcomes: usize| {
        let mut content = plan(vec![]);
        content.outcomes.truncate(outcomes);
        ev(
            "2025-01-08T10:00:00Z",
            ChildEvent::PlanWritten {
                plan: PlanKind::ChildProtection,
                about: None,
                content,
            },
        )
    };
    assert_eq!(refused(&mut s, vec![cp(3)]), Rule::NoOpenCpPlan);
    let Walk { mut s, .. } = walk();
    assert_eq!(refused(&mut s, vec![cp(0)]), Rule::ContentIncomplete);
    let strategy_alone = ev(
        "2025-02-10T10:00:00Z",
        ChildEvent::StrategyMinutesRecorded {
            about: 4,
            minutes: StrategyMinutes {
                participants: vec![person(
                    "Ann Tester",
                    "Children's social care",
                    "Social worker",
                )],
                shared: text("Nothing new."),
                decision: text("No further action."),
                actions: vec![],
            },
        },
    );
    // Strategy discussion 4 already has its record; a second is refused for that first.
    assert_eq!(refused(&mut s, vec![strategy_alone]), Rule::ContentAbout);
}

#[test]
fn a_manager_decides_on_an_assessment_or_a_summary_until_it_is_authorised() {
    let Walk {
        mut s,
        assessment: written,
        visit,
        ..
    } = walk();
    let decide = |entry: u64, by: &str| {
        ev(
            "2025-02-10T10:00:00Z",
            ChildEvent::ManagerDecisionRecorded {
                entry,
                manager: staff(by),
                decision: ManagerDecision::Authorised,
                rationale: text("Agreed."),
            },
        )
    };
    assert_eq!(
        refused(&mut s, vec![decide(written, "TM1")]),
        Rule::ManagerDecision
    );
    s.append(
        vec![ev(
            "2025-02-03T11:00:00Z",
            ChildEvent::ChildWordsRecorded {
                words: text("Nan is fun."),
                gathered: WordsGathered::Drawing,
                about: Some(visit),
            },
        )],
        &dir(),
    )
    .unwrap();
    let words = s.version();
    assert_eq!(
        refused(&mut s, vec![decide(words, "TM1")]),
        Rule::ManagerDecision
    );
    s.append(
        vec![ev(
            "2025-02-10T09:00:00Z",
            ChildEvent::SummaryWritten {
                kind: SummaryKind::Transfer,
                text: text("Moving to the long-term team with the plan in place."),
            },
        )],
        &dir(),
    )
    .unwrap();
    let summary = s.version();
    assert_eq!(
        refused(&mut s, vec![decide(summary, "SW1")]),
        Rule::NeedsManager
    );
    s.append(vec![decide(summary, "TM1")], &dir()).unwrap();
    assert!(s.record().practice.entries[&summary].authorised().is_some());
}

#[test]
fn an_amendment_names_a_text_of_the_entry_and_changes_it() {
    let Walk {
        mut s,
        assessment: written,
        ..
    } = walk();
    let amend = |field: &str, to: &str| {
        ev(
            "2025-02-10T10:00:00Z",
            ChildEvent::ContentAmended {
                entry: written,
                field: line(field),
                text: text(to),
                reason: text("Typing error."),
            },
        )
    };
    assert_eq!(
        refused(&mut s, vec![amend("summary", "x")]),
        Rule::ContentAmendment
    );
    assert_eq!(
        refused(&mut s, vec![amend("worries", "Unsupervised evenings.")]),
        Rule::ContentAmendment
    );
    let not_content = ev(
        "2025-02-10T10:00:00Z",
        ChildEvent::ContentAmended {
            entry: 3,
            field: line("analysis"),
            text: text("x"),
            reason: text("Typing error."),
        },
    );
    assert_eq!(refused(&mut s, vec![not_content]), Rule::ContentAmendment);
    s.append(vec![amend("worries", "Evenings alone.")], &dir())
        .unwrap();
    let entry = &s.record().practice.entries[&written];
    assert_eq!(entry.amendments.len(), 2);
    assert_eq!(
        entry.amendments[1].before.as_str(),
        "Unsupervised evenings."
    );
}

#[test]
fn empty_content_is_refused_in_words_naming_the_field() {
    let mut content = serde_json::to_value(assessment()).unwrap();
    content["analysis"] = serde_json::Value::String("   ".into());
    let line = serde_json::json!({
        "stream": "child/C1",
        "events": [{
            "occurred_at": "2025-01-20T10:00:00Z",
            "recorded_at": "2025-01-20T10:00:00Z",
            "recorded_by": "system/test",
            "event": {"type": "assessment_written", "about": 4, "content": content},
        }],
    });
    let err = JourneyLine::parse(&line.to_string())
        .unwrap_err()
        .to_string();
    assert!(err.contains("content.analysis"), "{err}");
    assert!(err.contains("must not be empty"), "{err}");
}

// Round trips.

fn arb_text() -> impl Strategy<Value = Text> {
    "[A-Za-z][a-z ,.'’]{0,40}".prop_map(|s| Text::parse(&s).unwrap())
}

fn arb_line() -> impl Strategy<Value = Line> {
    "[A-Z][a-z ]{0,20}".prop_map(|s| Line::parse(&s).unwrap())
}

fn arb_owner() -> impl Strategy<Value = Owner> {
    prop_oneof![
        "S[0-9]{4}".prop_map(|s| Owner::Staff(StaffId::parse(&s).unwrap())),
        (arb_line(), proptest::option::of(arb_line()))
            .prop_map(|(name, agency)| Owner::Named { name, agency }),
    ]
}

fn arb_action() -> impl Strategy<Value = Action> {
    (1u32..500, arb_text(), arb_owner(), 0u64..3000).prop_map(|(n, what, who, d)| Action {
        number: ActionNo(n),
        what,
        who,
        by: day("2020-01-01") + chrono::Days::new(d),
    })
}

fn arb_participant() -> impl Strategy<Value = Participant> {
    (arb_line(), arb_line(), arb_line()).prop_map(|(name, agency, role)| Participant {
        name,
        agency,
        role,
    })
}

fn arb_texts() -> impl Strategy<Value = Vec<Text>> {
    prop::collection::vec(arb_text(), 0..4)
}

fn arb_content_event() -> impl Strategy<Value = ChildEvent> {
    let actions = || prop::collection::vec(arb_action(), 0..4);
    prop_oneof![
        (1u64..50, prop::collection::vec(arb_text(), 10)).prop_map(|(about, t)| {
            ChildEvent::AssessmentWritten {
                about,
                content: AssessmentContent {
                    developmental_needs: t[0].clone(),
                    parenting_capacity: t[1].clone(),
                    family_and_environment: t[2].clone(),
                    analysis: t[3].clone(),
                    wishes_and_feelings: t[4].clone(),
                    parents_views: t[5].clone(),
                    working_well: t[6].clone(),
                    worries: t[7].clone(),
                    needs_to_happen: t[8].clone(),
                    recommendation: t[9].clone(),
                },
            }
        }),
        (
            1u64..50,
            prop::collection::vec(arb_participant(), 0..4),
            arb_text(),
            arb_text(),
            actions()
        )
            .prop_map(|(about, participants, shared, decision, actions)| {
                ChildEvent::StrategyMinutesRecorded {
                    about,
                    minutes: StrategyMinutes {
                        participants,
                        shared,
                        decision,
                        actions,
                    },
                }
            }),
        (
            1u64..50,
            arb_text(),
            any::<bool>(),
            proptest::option::of(arb_text()),
            arb_text()
        )
            .prop_map(|(about, findings, child_seen, child_said, outcome)| {
                ChildEvent::EnquiryFindingsRecorded {
                    about,
                    findings: EnquiryFindings {
                        findings,
                        child_seen,
                        child_said,
                        outcome,
                    },
                }
            }),
        (
            1u64..50,
            prop::collection::vec(arb_participant(), 0..3),
            prop::collection::vec(arb_line(), 0..3),
            arb_texts(),
            prop::collection::vec(proptest::option::of(arb_text()), 4),
            proptest::option::of(Just(CategoryOfAbuse::Emo)),
        )
            .prop_map(|(about, people, reports, recommendations, t, category)| {
                ChildEvent::ConferenceMinutesRecorded {
                    about,
                    minutes: ConferenceMinutes {
                        chair: staff("RO1"),
                        attended: people.clone(),
                        apologies: people,
                        reports,
                        decision: t[0].clone().unwrap_or_else(|| text("Decided.")),
                        category,
                        recommendations,
                        dissent: t[1].clone(),
                        child_views: t[2].clone(),
                        parents_views: t[3].clone(),
                    },
                }
            }),
        (
            proptest::option::of(1u64..50),
            prop::collection::vec((arb_text(), arb_text()), 0..4),
            actions(),
            arb_text(),
            prop::collection::vec(
                (arb_line(), arb_line(), proptest::option::of(arb_line())),
                0..3
            ),
            0usize..5,
        )
            .prop_map(|(about, outcomes, actions, contingency, contacts, kind)| {
                ChildEvent::PlanWritten {
                    plan: PlanKind::ALL[kind],
                    about,
                    content: PlanContent {
                        outcomes: outcomes
                            .into_iter()
                            .map(|(what_must_change, why)| Outcome {
                                what_must_change,
                                why,
                            })
                            .collect(),
                        actions,
                        contingency,
                        key_contacts: contacts
                            .into_iter()
                            .map(|(name, role, contact)| KeyContact {
                                name,
                                role,
                                contact,
                            })
                            .collect(),
                    },
                }
            }),
        (
            1u64..50,
            prop::collection::vec((1u32..50, 0usize..3, arb_text()), 0..5),
            actions(),
            prop::collection::vec((1u32..50, arb_text()), 0..3),
        )
            .prop_map(
                |(about, progress, added, ended)| ChildEvent::ActionsReviewed {
                    about,
                    plan: PlanKind::ChildInNeed,
                    review: ActionReview {
                        progress: progress
                            .into_iter()
                            .map(|(n, s, note)| Progress {
                                action: ActionNo(n),
                                status: ActionStatus::ALL[s],
                                note,
                            })
                            .collect(),
                        added,
                        ended: ended
                            .into_iter()
                            .map(|(n, reason)| EndedAction {
                                action: ActionNo(n),
                                reason,
                            })
                            .collect(),
                    },
                }
            ),
        (
            1u64..50,
            prop::collection::vec(arb_text(), 3),
            proptest::option::of(arb_text()),
            proptest::option::of(arb_text()),
        )
            .prop_map(|(about, t, why, child_said)| ChildEvent::VisitWritten {
                about,
                content: VisitContent {
                    purpose: t[0].clone(),
                    seen: t[1].clone(),
                    not_seen_alone: why.map(|why| NotSeenAlone {
                        why,
                        agreed_by: staff("TM1"),
                    }),
                    child_said,
                    next_steps: t[2].clone(),
                },
            }),
        (arb_text(), arb_texts(), actions()).prop_map(|(happening, desired_outcomes, actions)| {
            ChildEvent::AllocationRecordWritten {
                content: AllocationRecord {
                    happening,
                    desired_outcomes,
                    actions,
                },
            }
        }),
        (any::<bool>(), arb_text()).prop_map(|(closing, text)| ChildEvent::SummaryWritten {
            kind: if closing {
                SummaryKind::Closing
            } else {
                SummaryKind::Transfer
            },
            text,
        }),
        (1u64..50, any::<bool>(), arb_text()).prop_map(|(entry, returned, rationale)| {
            ChildEvent::ManagerDecisionRecorded {
                entry,
                manager: staff("TM1"),
                decision: if returned {
                    ManagerDecision::Returned
                } else {
                    ManagerDecision::Authorised
                },
                rationale,
            }
        }),
        (arb_text(), 0usize..4, proptest::option::of(1u64..50)).prop_map(|(words, how, about)| {
            ChildEvent::ChildWordsRecorded {
                words,
                gathered: WordsGathered::ALL[how],
                about,
            }
        }),
        (1u64..50, arb_line(), arb_text(), arb_text()).prop_map(|(entry, field, text, reason)| {
            ChildEvent::ContentAmended {
                entry,
                field,
                text,
                reason,
            }
        }),
    ]
}

proptest! {
    /// Every kind of content survives the interchange format unchanged.
    #[test]
    fn content_round_trips_through_the_interchange_format(
        events in prop::collection::vec(arb_content_event(), 1..8),
    ) {
        let recorded: Vec<_> = events
            .into_iter()
            .map(|event| Recorded {
                occurred_at: ts("2025-03-03T10:00:00Z"),
                recorded_at: ts("2025-03-03T10:00:00Z"),
                recorded_by: Actor::System("test".into()),
                event,
            })
            .collect();
        let journey = Journey::Child(ChildId::parse("C1").unwrap(), recorded);
        let line = journey.to_line().unwrap();
        prop_assert_eq!(JourneyLine::parse(&line).unwrap().journey, journey);
    }

    /// Each text an entry names can be amended by that name, and only that text changes.
    #[test]
    fn every_named_text_is_the_one_amended(event in arb_content_event()) {
        if let Some((content, _)) = Content::of(&event) {
            let names: Vec<String> = content.texts().into_iter().map(|(n, _)| n).collect();
            for name in &names {
                let new = text("Amended wording.");
                let after = content.amended(name, &new).unwrap();
                for ((n0, t0), (n1, t1)) in content.texts().into_iter().zip(after.texts()) {
                    prop_assert_eq!(&n0, &n1);
                    if &n0 == name {
                        prop_assert_eq!(t1, &new);
                    } else {
                        prop_assert_eq!(t1, t0);
                    }
                }
            }
            prop_assert!(content.amended("no_such_text", &text("x")).is_none());
        }
    }
}

proptest! {
    /// Every text an entry holds is shown when the entry is put in words.
    #[test]
    fn every_text_of_an_entry_is_in_its_words(event in arb_content_event()) {
        let (_, lines) = crate::words::practice(&event, &|s| s.to_string()).unwrap();
        if let Some((content, _)) = Content::of(&event) {
            for (name, t) in content.texts() {
                prop_assert!(
                    lines.iter().any(|l| l.contains(t.as_str())),
                    "{} ({:?}) is not in {:?}", name, t, lines
                );
            }
        }
    }
}
