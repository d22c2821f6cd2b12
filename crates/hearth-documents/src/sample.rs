//! Sample documents with invented people, for tests, snapshots and benchmarks. No one here is
//! real; phone numbers are in Ofcom's drama range and addresses use `.example`.

use chrono::NaiveDate;

use crate::model::*;

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    // Every date below is a real calendar date, so the fallback is never taken.
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
}

fn worker() -> Contact {
    Contact {
        name: "Priya Lane".into(),
        role: "my social worker".into(),
        phone: Some("01632 960 418".into()),
        email: Some("priya.lane@council.example".into()),
    }
}

fn reviewing_officer() -> Contact {
    Contact {
        name: "Tom Okafor".into(),
        role: "my reviewing officer".into(),
        phone: Some("01632 960 733".into()),
        email: None,
    }
}

/// The written date all samples share: 12 January 2027.
pub fn written_on() -> NaiveDate {
    date(2027, 1, 12)
}

/// A child's plan for a child of the given band, looked after or not.
pub fn child_plan(band: AgeBand, looked_after: bool) -> ChildPlan {
    let (known_as, born) = match band {
        AgeBand::Under8 => ("Mia", date(2021, 5, 3)),
        AgeBand::From8To12 => ("Leo", date(2016, 9, 21)),
        AgeBand::From13 => ("Aisha", date(2012, 2, 14)),
    };
    ChildPlan {
        child: ChildFacts {
            known_as: known_as.into(),
            date_of_birth: born,
            looked_after,
        },
        written_on: written_on(),
        worries: vec![
            "Mum and Dad shout a lot at home.".into(),
            "Sometimes there is no food for tea.".into(),
        ],
        going_well: vec![
            "I go to school every day.".into(),
            "I like living with Gran.".into(),
        ],
        next_steps: vec![
            NextStep {
                what: "I will see Mum at the family centre on Saturdays.".into(),
                when: None,
            },
            NextStep {
                what: "We will all meet again to check my plan.".into(),
                when: Some(date(2027, 4, 6)),
            },
        ],
        helpers: vec![
            Helper {
                name: "Gran".into(),
                how: "she looks after me every day".into(),
            },
            Helper {
                name: "Mrs Patel".into(),
                how: "my teacher, who I can talk to at school".into(),
            },
        ],
        child_words: vec![ChildWords {
            said: "I want to see my dog when I see Mum.".into(),
            on: date(2027, 1, 5),
        }],
        worker: worker(),
        reviewing_officer: looked_after.then(reviewing_officer),
    }
}

/// The family's plan after an initial child protection conference.
pub fn family_plan() -> FamilyPlan {
    FamilyPlan {
        child: ChildFacts {
            known_as: "Leo".into(),
            date_of_birth: date(2016, 9, 21),
            looked_after: false,
        },
        written_to: "Jade and Callum".into(),
        written_on: written_on(),
        meeting: Meeting::new(
            MeetingKind::InitialChildProtectionConference,
            date(2027, 1, 11),
            Some("Riverside Family Centre".into()),
        ),
        decision:
            "Leo will have a child protection plan. This is because of the fighting at home. \
                   Everyone at the meeting agreed that Leo is not safe enough yet. The plan says \
                   what needs to change and who will help."
                .into(),
        outcomes: vec![
            Outcome {
                what: "Leo feels safe at home.".into(),
                why: "Leo told us he hides in his room when there is shouting.".into(),
                actions: vec![
                    Action {
                        what: "Go to the Safe Homes course each week.".into(),
                        who: "Jade and Callum".into(),
                        by: date(2027, 3, 1),
                    },
                    Action {
                        what: "Visit Leo at home and see him on his own.".into(),
                        who: "Priya Lane, social worker".into(),
                        by: date(2027, 1, 26),
                    },
                ],
            },
            Outcome {
                what: "There is always food in the house.".into(),
                why: "Leo goes to school hungry some days.".into(),
                actions: vec![Action {
                    what: "Help the family claim the money they are owed.".into(),
                    who: "Sam Reid, family support worker".into(),
                    by: date(2027, 2, 9),
                }],
            },
        ],
        contingency: "If Leo is still not safe at home by the review, we may ask a court to \
                      decide where he should live. We would tell you first."
            .into(),
        next_meeting: Some(Meeting::new(
            MeetingKind::ReviewChildProtectionConference,
            date(2027, 4, 6),
            Some("Riverside Family Centre".into()),
        )),
        child_words: vec![ChildWords {
            said: "I want everyone to stop shouting.".into(),
            on: date(2027, 1, 5),
        }],
        worker: Contact {
            role: "social worker".into(),
            ..worker()
        },
        disagree_with: Contact {
            name: "Grace Mensah".into(),
            role: "team manager".into(),
            phone: Some("01632 960 250".into()),
            email: None,
        },
        complaints: Contact {
            name: "The complaints team".into(),
            role: "Children's Services".into(),
            phone: Some("01632 960 999".into()),
            email: Some("complaints@council.example".into()),
        },
    }
}

/// The information for Leo's foster carers on the day he arrives.
pub fn placement_information() -> PlacementInformation {
    PlacementInformation {
        child: ChildFacts {
            known_as: "Leo".into(),
            date_of_birth: date(2016, 9, 21),
            looked_after: true,
        },
        carers: "Ruth and Daniel".into(),
        placed_on: written_on(),
        legal_status: "A court made an interim care order for Leo. It means the council and his \
                       parents make big choices for him together."
            .into(),
        carers_may_decide: vec![
            "Haircuts and clothes.".into(),
            "Sleepovers with school friends.".into(),
            "School trips in the day.".into(),
        ],
        health: vec!["Leo has asthma. He sees the nurse at his GP each term.".into()],
        medicines: vec![Medicine {
            name: "Blue inhaler".into(),
            dose: "two puffs".into(),
            when: "when he is wheezy".into(),
        }],
        allergies: vec!["Peanuts: Leo carries an adrenaline pen.".into()],
        education: vec!["Year 6 at Brook Lane Primary. His teacher is Mrs Patel.".into()],
        family_time: vec!["With Mum at the family centre on Saturdays, 10am to midday.".into()],
        risks: vec![Risk {
            risk: "Leo may hide when adults raise their voices.".into(),
            what_to_do: "Speak calmly and give him time. Tell his social worker.".into(),
        }],
        routines: vec!["Bed at 8pm with the landing light on.".into()],
        likes: vec!["Football, dogs and fish fingers.".into()],
        dislikes: vec!["Loud noises and mushrooms.".into()],
        contacts: vec![
            Contact {
                role: "social worker".into(),
                ..worker()
            },
            Contact {
                name: "Out of hours team".into(),
                role: "Children's Services".into(),
                phone: Some("01632 960 111".into()),
                email: None,
            },
        ],
    }
}
