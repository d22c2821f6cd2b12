//! Oversight above the caseload in the synthetic borough: four months of monthly supervision
//! for every social worker whose line manager is in post (a case discussion of up to two of
//! their children in each session, each with an action; actions done, carried over, some
//! carried twice, a few dropped; most records acknowledged; a few workers whose last session
//! is overdue), and a handful of transfers between teams (waiting, declined and accepted)
//! and cover for leave (in force and ended).
//!
//! It runs after the history is written, from the caseload as it then stands, and writes
//! through the same import as the rest: the sessions on each worker's supervision file and
//! the case discussions, transfers and cover as continuation lines of the children's
//! records. Pure: the store's caseload, versions and workforce are passed in.

use std::collections::{BTreeMap, HashMap};

use chrono::{Datelike, Days, NaiveDate, Weekday};
use hearth_app::queries::CaseloadRow;
use hearth_domain::child::ChildEvent;
use hearth_domain::codes::{StaffRole, WorkerChangeReason};
use hearth_domain::directory::{Aggregate, MemoryDirectory};
use hearth_domain::event::{Actor, Recorded};
use hearth_domain::interchange::{Journey, JourneyLine};
use hearth_domain::supervision::{
    ActionOutcome, ActionReview, CaseDiscussion, Decision, NewAction, SupervisionEvent,
    SupervisionFile, SupervisionKind,
};
use hearth_domain::values::Text;
use hearth_domain::{ChildId, StaffId, TeamId, Timestamp};

use crate::rng::Rng;

/// How many monthly sessions back from the as-at date.
const SESSIONS: u64 = 4;

fn text(s: &str) -> Option<Text> {
    Text::parse(s).ok()
}

/// 10:00 on the working day on or before `date`.
fn at_ten(date: NaiveDate) -> Option<Timestamp> {
    let date = match date.weekday() {
        Weekday::Sat => date.checked_sub_days(Days::new(1))?,
        Weekday::Sun => date.checked_sub_days(Days::new(2))?,
        _ => date,
    };
    Timestamp::parse(&format!("{date}T10:00:00Z")).ok()
}

fn recorded<E>(at: Timestamp, by: &StaffId, event: E) -> Recorded<E> {
    Recorded {
        occurred_at: at,
        recorded_at: at,
        recorded_by: Actor::Staff(by.clone()),
        event,
    }
}

/// The manager in post above a worker on a date, if their line manager is one.
fn manager_of(workforce: &MemoryDirectory, worker: &StaffId, on: NaiveDate) -> Option<StaffId> {
    let m = workforce.staff.get(worker)?.line_manager.clone()?;
    let member = workforce.staff.get(&m)?;
    (member.role.is_manager() && member.in_post_on(on)).then_some(m)
}

const UPDATES: &[&str] = &[
    "School attendance has improved since the last session.",
    "The family engaged with the parenting programme this month.",
    "The child has settled in the placement and is sleeping better.",
    "Contact with the father has been inconsistent.",
];
const RISKS: &[&str] = &[
    "Mother's new partner has not yet been checked.",
    "Missed health appointments; neglect of routine care.",
    "Going missing overnight at weekends.",
    "Domestic abuse in the home has not been ruled out.",
];
const STRENGTHS: &[&str] = &[
    "A grandmother who visits daily and whom the child trusts.",
    "The school's designated lead knows the child well.",
    "The child speaks openly with the worker.",
];
const ACTIONS: &[&str] = &[
    "See the child alone at school",
    "Update the chronology",
    "Ask the health visitor for the missed appointments",
    "Hold the core group before the review",
    "Share the plan with the father",
];

fn pick<'a>(rng: &mut Rng, list: &[&'a str]) -> &'a str {
    list[rng.below(list.len() as u64) as usize]
}

/// What the oversight adds: supervision files and the children's continuation lines.
pub fn lines(
    seed: u64,
    today: NaiveDate,
    rows: &[CaseloadRow],
    versions: &HashMap<ChildId, u64>,
    workforce: &MemoryDirectory,
) -> Vec<JourneyLine> {
    let mut open: Vec<&CaseloadRow> = rows
        .iter()
        .filter(|r| r.open_on(today) && r.is_open && r.worker_id.is_some() && r.team_id.is_some())
        .filter(|r| r.status != "care_leaver")
        .collect();
    open.sort_by(|a, b| a.child_id.cmp(&b.child_id));
    let mut by_worker: BTreeMap<StaffId, Vec<&CaseloadRow>> = BTreeMap::new();
    for r in &open {
        if let Some(w) = r.worker_id.as_deref().and_then(|w| StaffId::parse(w).ok()) {
            by_worker.entry(w).or_default().push(r);
        }
    }
    let mut child_events: BTreeMap<ChildId, Vec<Recorded<ChildEvent>>> = BTreeMap::new();
    let mut out = Vec::new();
    for (worker, children) in &by_worker {
        let Some(member) = workforce.staff.get(worker) else {
            continue;
        };
        if member.role != StaffRole::SocialWorker {
            continue;
        }
        let mut rng = Rng::stream(seed, &format!("supervision/{worker}"), 0);
        // One worker in ten has missed their last session.
        let skip_last = rng.chance(0.1);
        let mut file = SupervisionFile::default();
        let mut events = Vec::new();
        for n in (1..=SESSIONS).rev() {
            if skip_last && n == 1 {
                continue;
            }
            let jitter = rng.below(5);
            let Some(date) = today.checked_sub_days(Days::new(n * 30 + jitter)) else {
                continue;
            };
            let Some(at) = at_ten(date) else { continue };
            let date = at.london_date();
            let Some(supervisor) = manager_of(workforce, worker, date) else {
                continue;
            };
            if !member.in_post_on(date) {
                continue;
            }
            // The review of every open action: mostly done, a quarter carried over.
            let reviewed: Vec<ActionReview> = file
                .open_actions()
                .map(|a| {
                    let roll = rng.unit();
                    let outcome = if roll < 0.7 {
                        ActionOutcome::Done
                    } else if roll < 0.95 {
                        ActionOutcome::CarriedOver
                    } else {
                        ActionOutcome::Dropped
                    };
                    ActionReview {
                        action: a.reference,
                        outcome,
                        due: (outcome == ActionOutcome::CarriedOver)
                            .then(|| date.checked_add_days(Days::new(14)))
                            .flatten(),
                        note: (outcome == ActionOutcome::CarriedOver)
                            .then(|| text("Not done yet: carried to the next session."))
                            .flatten(),
                    }
                })
                .collect();
            let due = date.checked_add_days(Days::new(14)).unwrap_or(date);
            let mut cases = Vec::new();
            for r in children
                .iter()
                .filter(|r| r.opened_on.is_some_and(|o| o < date))
            {
                if cases.len() == 2 {
                    break;
                }
                if !rng.chance(0.5) {
                    continue;
                }
                let Ok(child) = ChildId::parse(&r.child_id) else {
                    continue;
                };
                let (Some(update), Some(risks), Some(strengths), Some(action)) = (
                    text(pick(&mut rng, UPDATES)),
                    text(pick(&mut rng, RISKS)),
                    text(pick(&mut rng, STRENGTHS)),
                    text(pick(&mut rng, ACTIONS)),
                ) else {
                    continue;
                };
                cases.push(CaseDiscussion {
                    child: child.clone(),
                    update,
                    risks,
                    strengths,
                    decisions: text("Continue the plan as it stands.")
                        .zip(text(
                            "Progress since the last session; no new risk that changes it.",
                        ))
                        .map(|(decision, rationale)| Decision {
                            decision,
                            rationale,
                        })
                        .into_iter()
                        .collect(),
                    actions: vec![NewAction {
                        text: action,
                        owner: worker.clone(),
                        due,
                        child: Some(child),
                    }],
                });
            }
            let actions: Vec<NewAction> = if file.sessions.is_empty() {
                text("Book the court skills course")
                    .map(|t| NewAction {
                        text: t,
                        owner: worker.clone(),
                        due,
                        child: None,
                    })
                    .into_iter()
                    .collect()
            } else {
                Vec::new()
            };
            let (Some(workload), Some(wellbeing), Some(development)) = (
                text(&format!(
                    "{} children; manageable with the new duty rota.",
                    children.len()
                )),
                text("Well; leave planned and time off in lieu taken."),
                text("Working towards the practice educator award."),
            ) else {
                continue;
            };
            for c in &cases {
                child_events
                    .entry(c.child.clone())
                    .or_default()
                    .push(recorded(
                        at,
                        &supervisor,
                        ChildEvent::SupervisionRecorded {
                            supervisor: supervisor.clone(),
                            worker: worker.clone(),
                            text: c.update.clone(),
                            discussion: Some(Box::new(c.clone())),
                        },
                    ));
            }
            let held = recorded(
                at,
                &supervisor,
                SupervisionEvent::SupervisionHeld {
                    supervisor: supervisor.clone(),
                    kind: SupervisionKind::Individual,
                    reviewed,
                    workload,
                    wellbeing,
                    development,
                    cases,
                    actions,
                },
            );
            file.apply(&held);
            events.push(held);
            // Most records are acknowledged a day or two later; a few never are.
            let number = file.sessions.len() as u32;
            let ack = date.checked_add_days(Days::new(1 + rng.below(2)));
            if rng.chance(0.85)
                && let Some(ack_at) = ack.filter(|d| *d < today).and_then(at_ten)
                && ack_at > at
            {
                let e = recorded(
                    ack_at,
                    worker,
                    SupervisionEvent::SupervisionAcknowledged { session: number },
                );
                file.apply(&e);
                events.push(e);
            }
            // A fifth of the new actions are done between sessions, a week on.
            let done_at = date
                .checked_add_days(Days::new(7))
                .filter(|d| *d < today)
                .and_then(at_ten);
            let set: Vec<_> = file.last().map(|s| s.actions.clone()).unwrap_or_default();
            for action in set {
                if let (true, Some(done_at), Some(note)) = (
                    rng.chance(0.2),
                    done_at,
                    text("Done, and recorded on the child's file."),
                ) {
                    let e = recorded(
                        done_at,
                        worker,
                        SupervisionEvent::SupervisionActionCompleted { action, note },
                    );
                    file.apply(&e);
                    events.push(e);
                }
            }
        }
        if !events.is_empty() {
            out.push(JourneyLine {
                from_version: 1,
                journey: Journey::Supervision(worker.clone(), events),
            });
        }
    }
    handovers(seed, today, &open, workforce, &mut child_events);
    for (child, mut events) in child_events {
        events.sort_by_key(|e| e.occurred_at);
        let from = versions.get(&child).copied().unwrap_or(0) + 1;
        out.push(JourneyLine {
            from_version: from,
            journey: Journey::Child(child, events),
        });
    }
    // Supervision files refer to the children, which exist; children's lines come after so
    // a child's line and a file can never clash in one batch.
    out
}

/// A few transfers (waiting, declined, accepted) and cover (in force, ended), after the
/// child's last activity so nothing recorded later is contradicted.
fn handovers(
    seed: u64,
    today: NaiveDate,
    open: &[&CaseloadRow],
    workforce: &MemoryDirectory,
    child_events: &mut BTreeMap<ChildId, Vec<Recorded<ChildEvent>>>,
) {
    let mut rng = Rng::stream(seed, "handovers", 0);
    let Some(start) = today.checked_sub_days(Days::new(10)) else {
        return;
    };
    // Teams with a manager and a social worker in post, by id.
    let mut teams: BTreeMap<TeamId, (Vec<StaffId>, Vec<StaffId>)> = BTreeMap::new();
    let mut staff: Vec<(&StaffId, &hearth_domain::directory::StaffMember)> =
        workforce.staff.iter().collect();
    staff.sort_by(|a, b| a.0.cmp(b.0));
    for (id, m) in staff {
        if !m.in_post_on(today) {
            continue;
        }
        let entry = teams.entry(m.team.clone()).or_default();
        if m.role == StaffRole::TeamManager {
            entry.0.push(id.clone());
        } else if m.role == StaffRole::SocialWorker {
            entry.1.push(id.clone());
        }
    }
    teams.retain(|_, (managers, workers)| !managers.is_empty() && !workers.is_empty());
    let team_ids: Vec<TeamId> = teams.keys().cloned().collect();
    let mut transfers = 0;
    let mut covers = 0;
    for r in open {
        let (Ok(child), Some(worker), Some(team)) = (
            ChildId::parse(&r.child_id),
            r.worker_id.as_deref().and_then(|w| StaffId::parse(w).ok()),
            r.team_id.as_deref().and_then(|t| TeamId::parse(t).ok()),
        ) else {
            continue;
        };
        // After the child's last activity (and any supervision just added), and before now.
        let last = r
            .last_activity_at
            .map_or(start, |t| t.london_date())
            .max(start);
        if last >= today.checked_sub_days(Days::new(3)).unwrap_or(today) {
            continue;
        }
        if child_events
            .get(&child)
            .is_some_and(|e| e.iter().any(|x| x.occurred_at.london_date() >= last))
        {
            continue;
        }
        let day = |n: u64| last.checked_add_days(Days::new(n)).and_then(at_ten);
        let Some(manager) = manager_of(workforce, &worker, last) else {
            continue;
        };
        if transfers < 9 && rng.chance(0.03) {
            let others: Vec<&TeamId> = team_ids.iter().filter(|t| **t != team).collect();
            if others.is_empty() {
                continue;
            }
            let to = others[rng.below(others.len() as u64) as usize].clone();
            let Some((managers, workers)) = teams.get(&to) else {
                continue;
            };
            let (Some(d1), Some(d2), Some(summary)) = (
                day(1),
                day(2),
                text(
                    "The plan is settled and the work that remains belongs with your team; the family know of the move.",
                ),
            ) else {
                continue;
            };
            let mut events = vec![recorded(
                d1,
                &manager,
                ChildEvent::TransferRequested {
                    to_team: to.clone(),
                    requested_by: manager.clone(),
                    summary,
                },
            )];
            match transfers % 3 {
                // Waiting for the receiving team.
                0 => {}
                1 => {
                    if let Some(reason) = text(
                        "The team is over its caseload promise this month; ask again in four weeks.",
                    ) {
                        events.push(recorded(
                            d2,
                            &managers[0],
                            ChildEvent::TransferDeclined {
                                declined_by: managers[0].clone(),
                                reason,
                            },
                        ));
                    }
                }
                _ => {
                    let new_worker = workers[rng.below(workers.len() as u64) as usize].clone();
                    if let Some(oversight) =
                        text("Joint handover visit with the last worker this week.")
                    {
                        events.push(recorded(
                            d2,
                            &managers[0],
                            ChildEvent::WorkerAllocated {
                                worker: new_worker,
                                team: to.clone(),
                                decided_by: managers[0].clone(),
                                oversight,
                                reason: WorkerChangeReason::Tsproc,
                            },
                        ));
                    }
                }
            }
            transfers += 1;
            child_events.entry(child).or_default().extend(events);
        } else if covers < 6 && rng.chance(0.03) {
            let Some((_, workers)) = teams.get(&team) else {
                continue;
            };
            let Some(buddy) = workers.iter().find(|w| **w != worker).cloned() else {
                continue;
            };
            let (Some(d1), Some(until), Some(summary)) = (
                day(1),
                today.checked_add_days(Days::new(10)),
                text(
                    "Weekly visits continue; the review is booked; contact with mother is on Saturdays.",
                ),
            ) else {
                continue;
            };
            let mut events = vec![recorded(
                d1,
                &manager,
                ChildEvent::CoverArranged {
                    buddy,
                    until,
                    arranged_by: manager.clone(),
                    summary,
                },
            )];
            if covers % 2 == 1
                && let Some(d2) = day(2)
            {
                events.push(recorded(d2, &manager, ChildEvent::CoverEnded {}));
            }
            covers += 1;
            child_events.entry(child).or_default().extend(events);
        }
    }
}

/// Children looked after who went missing 15 and 29 days before the as-at date and are still
/// missing, with the police told within the hour and no strategy meeting held: the missing
/// child's strategy meeting has escalated to the head of service and to the assistant
/// director. Candidates, most likely first; the caller keeps the first of each age the
/// record accepts (a later event may contradict a backdated absence).
pub fn long_missing_candidates(
    seed: u64,
    today: NaiveDate,
    rows: &[CaseloadRow],
    versions: &HashMap<ChildId, u64>,
) -> Vec<(u64, JourneyLine)> {
    let mut looked_after: Vec<&CaseloadRow> = rows
        .iter()
        .filter(|r| r.open_on(today) && r.status == "looked_after" && r.worker_id.is_some())
        .collect();
    looked_after.sort_by(|a, b| a.child_id.cmp(&b.child_id));
    let mut rng = Rng::stream(seed, "long-missing", 0);
    // A stable shuffle, so the same children are tried for the same seed.
    for i in (1..looked_after.len()).rev() {
        let j = rng.below(i as u64 + 1) as usize;
        looked_after.swap(i, j);
    }
    let mut out = Vec::new();
    for (n, r) in looked_after.iter().take(20).enumerate() {
        let days = if n % 2 == 0 { 15 } else { 29 };
        let (Ok(child), Some(worker)) = (
            ChildId::parse(&r.child_id),
            r.worker_id.as_deref().and_then(|w| StaffId::parse(w).ok()),
        ) else {
            continue;
        };
        let Some(start) = today
            .checked_sub_days(Days::new(days))
            .and_then(|d| Timestamp::parse(&format!("{d}T21:00:00Z")).ok())
        else {
            continue;
        };
        let Some(told) = start.plus_micros(30 * 60 * 1_000_000) else {
            continue;
        };
        let from_version = versions.get(&child).copied().unwrap_or(0) + 1;
        out.push((
            days,
            JourneyLine {
                from_version,
                journey: Journey::Child(
                    child,
                    vec![
                        recorded(
                            start,
                            &worker,
                            ChildEvent::MissingEpisodeStarted {
                                kind: hearth_domain::codes::MissingKind::Missing,
                            },
                        ),
                        recorded(told, &worker, ChildEvent::PoliceInformed {}),
                    ],
                ),
            },
        ));
    }
    out
}
