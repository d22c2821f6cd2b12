//! Oversight above the caseload: supervision sessions and their actions, escalations that
//! reach their owner, and what the service view reads.
//!
//! A session is one command: the worker's supervision file (`supervision/<staff id>`) gets
//! the session, and every child discussed gets a `supervision_recorded` event carrying the
//! case discussion, all checked by the domain and written in one transaction, so the child's
//! record shows the oversight the moment the session is saved, or nothing is written.
//! Who may do what is decided in [`crate::policy`]; this module carries it out.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, PoisonError};

use chrono::NaiveDate;
use hearth_domain::child::ChildEvent;
use hearth_domain::codes::StaffRole;
use hearth_domain::directory::{MemoryDirectory, fold_directory};
use hearth_domain::event::Recorded;
use hearth_domain::interchange::{Journey, JourneyLine};
use hearth_domain::supervision::{
    ActionRef, ActionReview, CaseDiscussion, NewAction, SupervisionEvent, SupervisionFile,
    SupervisionKind,
};
use hearth_domain::values::Text;
use hearth_domain::{ChildId, StaffId, StreamId, StreamKind, Timestamp};
use hearth_standards::supervision::{ActionDue, WorkerSupervision};
use hearth_store::codec::decode_all;
use hearth_store::reading;

use crate::policy::{self, SupervisionPermit, Who};
use crate::records::ImportOutcome;
use crate::{App, AppError, Principal};

/// A session as the supervisor records it.
#[derive(Debug, Clone)]
pub struct SessionForm {
    /// When it was held.
    pub at: Timestamp,
    /// Individual, group or ASYE.
    pub kind: SupervisionKind,
    /// What became of each action still open.
    pub reviewed: Vec<ActionReview>,
    /// The worker's workload.
    pub workload: Text,
    /// Their wellbeing.
    pub wellbeing: Text,
    /// Their development.
    pub development: Text,
    /// A discussion of each child discussed.
    pub cases: Vec<CaseDiscussion>,
    /// Actions not about one child.
    pub actions: Vec<NewAction>,
}

/// A worker's supervision, for the pages: whose, the file, and what it owes today.
#[derive(Debug, Clone)]
pub struct Supervisee {
    /// The worker.
    pub worker: StaffId,
    /// Their file as it stands (shared with the process's held copy).
    pub file: Arc<SupervisionFile>,
    /// The file's version, for the next command on it.
    pub version: u64,
    /// What it owes today, when the ruleset sets supervision timescales.
    pub due: Option<WorkerSupervision>,
}

/// An open action owed by someone, with the file it is in.
#[derive(Debug, Clone)]
pub struct OwedAction {
    /// Whose supervision set it.
    pub worker: StaffId,
    /// The action against its date.
    pub action: ActionDue,
}

/// An obligation escalated beyond its usual owner.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EscalatedTo {
    /// Who it now falls to.
    pub staff: Vec<StaffId>,
    /// Who it came from: the role that owns it before escalation.
    pub from_role: StaffRole,
    /// The named member of staff it came from, when the line says who.
    pub from: Option<StaffId>,
}

/// The lines of a case discussion, as the child's record shows them: `staff` names a member
/// of staff.
pub fn discussion_lines(d: &CaseDiscussion, staff: &dyn Fn(&StaffId) -> String) -> Vec<String> {
    let mut out = vec![
        format!("Update: {}", d.update),
        format!("Risks: {}", d.risks),
        format!("Strengths: {}", d.strengths),
    ];
    for x in &d.decisions {
        out.push(format!(
            "Decision: {} Rationale: {}",
            x.decision, x.rationale
        ));
    }
    for a in &d.actions {
        out.push(format!(
            "Action: {} ({}, by {})",
            a.text,
            staff(&a.owner),
            a.due.format("%-d %b %Y")
        ));
    }
    out
}

/// Who an escalated obligation falls to: the first member of staff in `role` above the
/// child's worker in the line, or, when the line names no one in that role (the child has
/// no worker, or the line stops short), everyone in post in that role.
pub fn escalated_owner(
    role: StaffRole,
    from_role: StaffRole,
    worker: Option<&StaffId>,
    workforce: &MemoryDirectory,
    today: NaiveDate,
) -> EscalatedTo {
    let mut from = None;
    let mut found = None;
    let mut current = worker.cloned();
    // A chain longer than any real service has, so a loop in the data cannot hang a page.
    for _ in 0..16 {
        let Some(id) = current else { break };
        let Some(member) = workforce.staff.get(&id) else {
            break;
        };
        if member.role == from_role && from.is_none() {
            from = Some(id.clone());
        }
        if member.role == role && member.in_post_on(today) {
            found = Some(id.clone());
            break;
        }
        current = member.line_manager.clone();
    }
    let staff = match found {
        Some(s) => vec![s],
        None => {
            let mut all: Vec<StaffId> = workforce
                .staff
                .iter()
                .filter(|(_, m)| m.role == role && m.in_post_on(today))
                .map(|(id, _)| id.clone())
                .collect();
            all.sort();
            all
        }
    };
    EscalatedTo {
        staff,
        from_role,
        from,
    }
}

impl App {
    /// A worker's supervision file and its version (an empty file at version 0 for a worker
    /// never supervised), for the worker and the managers above them.
    pub async fn supervision(
        &self,
        user: &Principal,
        worker: &StaffId,
    ) -> Result<Supervisee, AppError> {
        {
            let workforce = self.workforce().await;
            if !workforce.staff.contains_key(worker)
                || !policy::may_see_supervision(user, worker, &workforce)
            {
                return Err(AppError::NotFound);
            }
        }
        let stored = self
            .store()
            .read_stream(&StreamId::supervision(worker))
            .await?;
        let version = stored.len() as u64;
        let file: Arc<SupervisionFile> = Arc::new(fold_directory(&decode_all(&stored)?));
        let due = self.supervision_due(worker, &file).await;
        Ok(Supervisee {
            worker: worker.clone(),
            file,
            version,
            due,
        })
    }

    async fn supervision_due(
        &self,
        worker: &StaffId,
        file: &SupervisionFile,
    ) -> Option<WorkerSupervision> {
        let rules = self.ruleset().supervision.as_ref()?;
        let since = self.workforce().await.staff.get(worker)?.joined;
        let today = self.now().london_date();
        Some(rules.evaluate(file, since, self.calendar(), today))
    }

    /// Every supervision file, with what each owes today: the system's own read, for the
    /// lists of actions, alerts and overdue supervision that the pages then filter by
    /// [`crate::policy`]. Workers with no file are included when they hold cases and are in
    /// post, so a worker never supervised shows as overdue.
    pub async fn supervision_files_unfiltered(&self) -> Result<Vec<Supervisee>, AppError> {
        let listed = self
            .store()
            .list_streams(StreamKind::Supervision.as_str())
            .await?;
        let today = self.now().london_date();
        let held = self.supervision_files.snapshot();
        let mut files: BTreeMap<StaffId, HeldFile> = BTreeMap::new();
        let mut changed = Vec::new();
        for s in &listed {
            let Ok(stream) = StreamId::parse(&s.stream) else {
                continue;
            };
            let Ok(id) = StaffId::parse(stream.id()) else {
                continue;
            };
            match held.get(&id) {
                Some(h) if h.version == s.version => {
                    files.insert(id, h.clone());
                }
                _ => changed.push(stream),
            }
        }
        // Only files written since this process last read them are read and folded again:
        // the service view and a head of service's My work ask for every file on each load.
        for chunk in changed.chunks(reading::BATCH) {
            let events = self.store().read_streams(chunk).await?;
            for (stream, run) in reading::by_stream(&events) {
                if let Ok(id) = StaffId::parse(stream.id()) {
                    let file = HeldFile {
                        version: run.len() as u64,
                        file: Arc::new(fold_directory(&decode_all(run)?)),
                        due: None,
                    };
                    files.insert(id, file);
                }
            }
        }
        {
            let workforce = self.workforce().await;
            for (id, m) in &workforce.staff {
                if m.role.holds_cases() && m.in_post_on(today) {
                    files.entry(id.clone()).or_insert_with(|| HeldFile {
                        version: 0,
                        file: Arc::default(),
                        due: None,
                    });
                }
            }
        }
        let mut out = Vec::with_capacity(files.len());
        for (worker, held) in &mut files {
            // What a file owes depends only on the file and the day.
            let due = match &held.due {
                Some((day, due)) if *day == today => due.clone(),
                _ => {
                    let due = self.supervision_due(worker, &held.file).await;
                    held.due = Some((today, due.clone()));
                    due
                }
            };
            out.push(Supervisee {
                worker: worker.clone(),
                file: Arc::clone(&held.file),
                version: held.version,
                due,
            });
        }
        self.supervision_files.replace(files);
        Ok(out)
    }

    /// The open supervision actions `user` owns, most overdue first.
    pub async fn my_supervision_actions(
        &self,
        user: &Principal,
    ) -> Result<Vec<OwedAction>, AppError> {
        let mut out: Vec<OwedAction> = self
            .supervision_files_unfiltered()
            .await?
            .into_iter()
            .flat_map(|s| {
                let worker = s.worker;
                s.due
                    .map(|d| d.actions)
                    .unwrap_or_default()
                    .into_iter()
                    .filter(|a| a.owner == user.staff)
                    .map(move |action| OwedAction {
                        worker: worker.clone(),
                        action,
                    })
            })
            .collect();
        out.sort_by_key(|a| a.action.due);
        Ok(out)
    }

    /// Actions carried over too often in the supervision of workers whose supervisor
    /// `user` manages directly: the repeated-action alerts that reach them.
    pub async fn repeated_action_alerts(
        &self,
        user: &Principal,
    ) -> Result<Vec<OwedAction>, AppError> {
        let files = self.supervision_files_unfiltered().await?;
        let workforce = self.workforce().await;
        let mut out = Vec::new();
        for s in files {
            let Some(d) = s.due else { continue };
            for action in d.actions.into_iter().filter(|a| a.repeated) {
                let supervisor_manager = workforce
                    .staff
                    .get(&action.set_by)
                    .and_then(|m| m.line_manager.as_ref());
                if supervisor_manager == Some(&user.staff) {
                    out.push(OwedAction {
                        worker: s.worker.clone(),
                        action,
                    });
                }
            }
        }
        Ok(out)
    }

    /// The supervision of every worker below `user` in the line, each with what it owes.
    pub async fn supervisees(&self, user: &Principal) -> Result<Vec<Supervisee>, AppError> {
        let files = self.supervision_files_unfiltered().await?;
        let workforce = self.workforce().await;
        Ok(files
            .into_iter()
            .filter(|s| policy::is_above(&user.staff, &s.worker, &workforce))
            .collect())
    }

    /// Records a session: the session on the worker's file, and each case discussion on its
    /// child's record, all or nothing. `expected_version` is the file's version the form
    /// was read at. Each child discussed must be one the supervisor may record a management
    /// decision on. Gives the session's number.
    pub async fn record_supervision(
        &self,
        permit: &SupervisionPermit,
        expected_version: u64,
        form: SessionForm,
    ) -> Result<u32, AppError> {
        if !permit.supervises() {
            return Err(AppError::NotFound);
        }
        let principal = permit.principal();
        let worker = permit.worker();
        let now = self.now();
        let mut lines = Vec::new();
        for case in &form.cases {
            let (read, stream) = self
                .view_child(principal, &case.child, "supervision")
                .await?;
            if policy::to_record(principal, &read, Who::Managers).is_none() {
                return Err(AppError::NotFound);
            }
            lines.push(JourneyLine {
                from_version: stream.version() + 1,
                journey: Journey::Child(
                    case.child.clone(),
                    vec![Recorded {
                        occurred_at: form.at,
                        recorded_at: now,
                        recorded_by: principal.actor(),
                        event: ChildEvent::SupervisionRecorded {
                            supervisor: principal.staff.clone(),
                            worker: worker.clone(),
                            text: case.update.clone(),
                            discussion: Some(Box::new(case.clone())),
                        },
                    }],
                ),
            });
        }
        // The session's number is the count of sessions, not of events.
        let session = {
            let stored = self
                .store()
                .read_stream(&StreamId::supervision(worker))
                .await?;
            let file: SupervisionFile = fold_directory(&decode_all(&stored)?);
            file.sessions.len() as u32 + 1
        };
        lines.push(JourneyLine {
            from_version: expected_version + 1,
            journey: Journey::Supervision(
                worker.clone(),
                vec![Recorded {
                    occurred_at: form.at,
                    recorded_at: now,
                    recorded_by: principal.actor(),
                    event: SupervisionEvent::SupervisionHeld {
                        supervisor: principal.staff.clone(),
                        kind: form.kind,
                        reviewed: form.reviewed,
                        workload: form.workload,
                        wellbeing: form.wellbeing,
                        development: form.development,
                        cases: form.cases,
                        actions: form.actions,
                    },
                }],
            ),
        });
        self.write_all_or_nothing(lines).await?;
        Ok(session)
    }

    /// The worker acknowledges the written record of session `session`.
    pub async fn acknowledge_supervision(
        &self,
        permit: &SupervisionPermit,
        expected_version: u64,
        session: u32,
    ) -> Result<(), AppError> {
        if permit.principal().staff != *permit.worker() {
            return Err(AppError::NotFound);
        }
        self.write_supervision(
            permit,
            expected_version,
            SupervisionEvent::SupervisionAcknowledged { session },
        )
        .await
    }

    /// An action recorded as done between sessions, by its owner or the supervisor.
    pub async fn complete_supervision_action(
        &self,
        permit: &SupervisionPermit,
        expected_version: u64,
        action: ActionRef,
        note: Text,
    ) -> Result<(), AppError> {
        self.write_supervision(
            permit,
            expected_version,
            SupervisionEvent::SupervisionActionCompleted { action, note },
        )
        .await
    }

    async fn write_supervision(
        &self,
        permit: &SupervisionPermit,
        expected_version: u64,
        event: SupervisionEvent,
    ) -> Result<(), AppError> {
        let now = self.now();
        self.write_all_or_nothing(vec![JourneyLine {
            from_version: expected_version + 1,
            journey: Journey::Supervision(
                permit.worker().clone(),
                vec![Recorded {
                    occurred_at: now,
                    recorded_at: now,
                    recorded_by: permit.principal().actor(),
                    event,
                }],
            ),
        }])
        .await
    }

    /// Checks lines against their streams and writes them in one transaction only if every
    /// one is accepted: a refusal gives the rule, a stream changed since it was read gives
    /// [`AppError::Stale`], and nothing is written either way.
    async fn write_all_or_nothing(&self, lines: Vec<JourneyLine>) -> Result<(), AppError> {
        let streams: Vec<StreamId> = lines.iter().map(|l| l.journey.stream()).collect();
        let numbered: Vec<(usize, JourneyLine)> = lines.into_iter().enumerate().collect();
        let checked = self.records.check_batch(numbered).await?;
        for (i, outcome) in checked.outcomes() {
            match outcome {
                ImportOutcome::Imported(_) => {}
                ImportOutcome::Refused {
                    rule: Some(rule),
                    reason,
                } => {
                    return Err(AppError::Refused {
                        rule: *rule,
                        reason: reason
                            .split_once("): ")
                            .map_or(reason.as_str(), |(_, r)| r)
                            .to_owned(),
                    });
                }
                ImportOutcome::Refused { rule: None, .. } | ImportOutcome::AlreadyPresent => {
                    return Err(AppError::Stale {
                        stream: streams[*i].clone(),
                    });
                }
            }
        }
        self.records.write_checked(checked).await?;
        Ok(())
    }

    /// Every child with a case discussion in `worker`'s supervision whom `user` may see, for
    /// naming them on the supervision pages.
    pub async fn children_named(
        &self,
        user: &Principal,
        children: &[ChildId],
    ) -> Result<Vec<(ChildId, String)>, AppError> {
        let sights = self.sights(children).await?;
        let workforce = self.workforce().await;
        let visible: Vec<ChildId> = children
            .iter()
            .filter(|c| {
                sights
                    .get(*c)
                    .is_some_and(|s| policy::sees(user, s, &workforce).is_some())
            })
            .cloned()
            .collect();
        drop(workforce);
        let rows = self.caseload(None).await?;
        Ok(visible
            .into_iter()
            .map(|c| {
                let name = rows
                    .iter()
                    .find(|r| r.child_id == c.as_str())
                    .map_or_else(|| c.as_str().to_owned(), |r| r.display_name.clone());
                (c, name)
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use hearth_domain::TeamId;
    use hearth_domain::codes::StaffRole;
    use hearth_domain::directory::StaffMember;
    use hearth_domain::people::PersonName;

    use super::*;

    fn member(role: StaffRole, line: Option<&str>) -> StaffMember {
        StaffMember {
            name: PersonName {
                given: "Alex".parse().unwrap(),
                family: "Test".parse().unwrap(),
                preferred: None,
            },
            role,
            team: TeamId::parse("T1").unwrap(),
            registration: None,
            email: None,
            phone: None,
            line_manager: line.map(|l| StaffId::parse(l).unwrap()),
            joined: NaiveDate::from_ymd_opt(2020, 1, 1).unwrap(),
            left: None,
        }
    }

    #[test]
    fn an_escalation_reaches_the_first_in_its_role_above_the_worker_or_else_everyone_in_it() {
        let mut w = MemoryDirectory::default();
        for (id, role, line) in [
            ("SW1", StaffRole::SocialWorker, Some("TM1")),
            ("TM1", StaffRole::TeamManager, Some("HOS1")),
            ("HOS1", StaffRole::HeadOfService, Some("AD1")),
            ("HOS2", StaffRole::HeadOfService, Some("AD1")),
            ("AD1", StaffRole::AssistantDirector, None),
        ] {
            w.staff
                .insert(StaffId::parse(id).unwrap(), member(role, line));
        }
        let today = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
        let sw1 = StaffId::parse("SW1").unwrap();
        let hos = escalated_owner(
            StaffRole::HeadOfService,
            StaffRole::TeamManager,
            Some(&sw1),
            &w,
            today,
        );
        assert_eq!(hos.staff, vec![StaffId::parse("HOS1").unwrap()]);
        assert_eq!(hos.from, Some(StaffId::parse("TM1").unwrap()));
        let ad = escalated_owner(
            StaffRole::AssistantDirector,
            StaffRole::TeamManager,
            Some(&sw1),
            &w,
            today,
        );
        assert_eq!(ad.staff, vec![StaffId::parse("AD1").unwrap()]);
        // No worker: everyone in the role.
        let nobody = escalated_owner(
            StaffRole::HeadOfService,
            StaffRole::TeamManager,
            None,
            &w,
            today,
        );
        assert_eq!(nobody.staff.len(), 2);
        assert_eq!(nobody.from, None);
    }
}

/// An obligation escalated to someone, for their My work.
#[derive(Debug, Clone)]
pub struct EscalatedItem {
    /// The child.
    pub child: ChildId,
    /// The child's name.
    pub name: String,
    /// What is to be done (the rule's summary).
    pub summary: String,
    /// The rule's id.
    pub rule: String,
    /// The role it escalated to, and what that role does.
    pub role: StaffRole,
    /// What the escalated owner does.
    pub action: String,
    /// How long after the start it escalated, in words (`14 days`).
    pub after: String,
    /// Who it came from: the role, and the named member of staff when the line says.
    pub from: EscalatedTo,
    /// The child's worker, if any.
    pub worker: Option<StaffId>,
    /// When it is due.
    pub due: NaiveDate,
    /// Overdue now.
    pub overdue: bool,
}

/// How long the service-wide list of escalations is reused, in seconds: the same bound as
/// the pages' summaries of what is due.
const ESCALATIONS_FRESH_SECONDS: i64 = 300;

/// A supervision file as this process last read it, and what it owed on the day last asked.
#[derive(Clone)]
pub(crate) struct HeldFile {
    version: u64,
    file: Arc<SupervisionFile>,
    due: Option<(NaiveDate, Option<WorkerSupervision>)>,
}

/// Every supervision file as last read. A file only grows, so its version says whether the
/// held fold is current.
#[derive(Default)]
pub(crate) struct HeldFiles(Mutex<Arc<BTreeMap<StaffId, HeldFile>>>);

impl HeldFiles {
    fn snapshot(&self) -> Arc<BTreeMap<StaffId, HeldFile>> {
        // A panic while holding the lock leaves a whole map behind (it is replaced, never
        // edited in place), so carrying on with it is safe.
        Arc::clone(&self.0.lock().unwrap_or_else(PoisonError::into_inner))
    }

    fn replace(&self, files: BTreeMap<StaffId, HeldFile>) {
        *self.0.lock().unwrap_or_else(PoisonError::into_inner) = Arc::new(files);
    }
}

/// The service-wide list of escalated obligations, kept for a few minutes: working it out
/// reads and folds every open child.
pub(crate) struct EscalationCache {
    kept: Mutex<Option<(Timestamp, Arc<Vec<EscalatedItem>>)>>,
    /// Whether a background refresh is under way.
    refreshing: std::sync::atomic::AtomicBool,
    /// Held while the first list of all is worked out, so requests before it wait for one
    /// working-out rather than each doing their own.
    first: tokio::sync::Mutex<()>,
}

impl Default for EscalationCache {
    fn default() -> Self {
        EscalationCache {
            kept: Mutex::new(None),
            refreshing: std::sync::atomic::AtomicBool::new(false),
            first: tokio::sync::Mutex::new(()),
        }
    }
}

impl EscalationCache {
    fn kept(&self) -> Option<(Timestamp, Arc<Vec<EscalatedItem>>)> {
        // A panic while holding the lock leaves a whole list (or none) behind: it is only
        // ever replaced.
        self.kept
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    fn keep(&self, at: Timestamp, items: Arc<Vec<EscalatedItem>>) {
        *self.kept.lock().unwrap_or_else(PoisonError::into_inner) = Some((at, items));
    }
}

impl App {
    /// Every open obligation in the service that has escalated to `user`, for a child they
    /// may see. Only a role some rule escalates to has any. The service-wide list is worked
    /// out as the system (not logged) and reused for up to five minutes.
    pub async fn escalated_to(&self, user: &Principal) -> Result<Vec<EscalatedItem>, AppError> {
        let escalates_to_role = self
            .ruleset()
            .rules
            .iter()
            .any(|r| r.escalation.iter().any(|e| e.role == user.role));
        if !escalates_to_role {
            return Ok(Vec::new());
        }
        let all = self.all_escalations().await?;
        let mine: Vec<&EscalatedItem> = all
            .iter()
            .filter(|e| e.from.staff.contains(&user.staff))
            .collect();
        let children: Vec<ChildId> = mine.iter().map(|e| e.child.clone()).collect();
        let sights = self.sights(&children).await?;
        let workforce = self.workforce().await;
        Ok(mine
            .into_iter()
            .filter(|e| {
                sights
                    .get(&e.child)
                    .is_some_and(|s| policy::sees(user, s, &workforce).is_some())
            })
            .cloned()
            .collect())
    }

    /// The service-wide list. Once worked out, it is always answered from what is kept: a
    /// list older than five minutes is answered as it stands and worked out again in the
    /// background, so no request waits for every open child to be evaluated.
    async fn all_escalations(&self) -> Result<Arc<Vec<EscalatedItem>>, AppError> {
        let now = self.now();
        if let Some((at, items)) = self.escalations.kept() {
            let age = now.utc().timestamp() - at.utc().timestamp();
            if !(0..ESCALATIONS_FRESH_SECONDS).contains(&age) {
                self.refresh_escalations(now);
            }
            return Ok(items);
        }
        let _first = self.escalations.first.lock().await;
        if let Some((_, items)) = self.escalations.kept() {
            return Ok(items);
        }
        let items = Arc::new(work_out_escalations(self.escalation_inputs(), now).await?);
        self.escalations.keep(now, Arc::clone(&items));
        Ok(items)
    }

    fn escalation_inputs(&self) -> EscalationInputs {
        EscalationInputs {
            records: Arc::clone(&self.records),
            ruleset: self.ruleset().clone(),
            calendar: self.calendar().clone(),
        }
    }

    fn refresh_escalations(&self, now: Timestamp) {
        use std::sync::atomic::Ordering;
        if self.escalations.refreshing.swap(true, Ordering::AcqRel) {
            return;
        }
        let inputs = self.escalation_inputs();
        let cache = Arc::clone(&self.escalations);
        tokio::spawn(async move {
            match work_out_escalations(inputs, now).await {
                Ok(items) => cache.keep(now, Arc::new(items)),
                Err(e) => {
                    tracing::warn!(error = ?e, "refreshing escalations failed; the next request retries")
                }
            }
            cache.refreshing.store(false, Ordering::Release);
        });
    }
}

/// What working out the escalations needs, owned so it can be done in the background.
struct EscalationInputs {
    records: Arc<crate::records::Records>,
    ruleset: hearth_standards::Ruleset,
    calendar: hearth_standards::Calendar,
}

/// Every open escalated obligation of every open child as at `now`, with whom it falls
/// to: only the rules with escalation steps are evaluated.
async fn work_out_escalations(
    inputs: EscalationInputs,
    now: Timestamp,
) -> Result<Vec<EscalatedItem>, AppError> {
    let EscalationInputs {
        records,
        ruleset: full,
        calendar,
    } = inputs;
    {
        let escalating: Vec<&str> = full
            .rules
            .iter()
            .filter(|r| !r.escalation.is_empty())
            .map(|r| r.id.as_str())
            .collect();
        if escalating.is_empty() {
            return Ok(Vec::new());
        }
        let ruleset = full.only(&escalating);
        let today = now.london_date();
        let ids: Vec<ChildId> = records
            .store()
            .open_caseload()
            .await?
            .into_iter()
            .filter(|r| r.open_on(today))
            .filter_map(|r| ChildId::parse(&r.child_id).ok())
            .collect();
        let mut out = Vec::new();
        for chunk in ids.chunks(reading::BATCH) {
            let streams: Vec<StreamId> = chunk.iter().map(StreamId::child).collect();
            let read = reading::children_events(records.store(), &streams).await?;
            let workforce = records.workforce().await;
            for (id, events) in read {
                let record = hearth_domain::child::fold(&id, &events);
                let evaluation = hearth_standards::evaluate(
                    &record,
                    &ruleset,
                    &calendar,
                    hearth_standards::AsAt::instant(now),
                    &*workforce,
                )
                .map_err(|e| AppError::internal_message(e.to_string()))?;
                for o in &evaluation.obligations {
                    let Some(x) = &o.escalation else { continue };
                    let open = matches!(
                        o.status.outcome(),
                        hearth_standards::Status::Overdue { .. }
                            | hearth_standards::Status::DueSoon
                            | hearth_standards::Status::Upcoming
                    );
                    if !open || o.is_missed() {
                        continue;
                    }
                    let from_role = ruleset.rule(&o.rule.id).map_or(x.role, |r| r.owner);
                    out.push(EscalatedItem {
                        child: id.clone(),
                        name: record
                            .details
                            .as_ref()
                            .map_or_else(|| id.as_str().to_owned(), |d| d.name.display()),
                        summary: o.rule.summary.clone(),
                        rule: o.rule.id.clone(),
                        role: x.role,
                        action: x.action.to_string(),
                        after: x.after.to_string(),
                        from: escalated_owner(
                            x.role,
                            from_role,
                            o.owner.allocated_worker(),
                            &workforce,
                            today,
                        ),
                        worker: o.owner.allocated_worker().cloned(),
                        due: o.due_date,
                        overdue: matches!(
                            o.status.outcome(),
                            hearth_standards::Status::Overdue { .. }
                        ),
                    });
                }
            }
        }
        out.sort_by(|a, b| a.due.cmp(&b.due).then_with(|| a.name.cmp(&b.name)));
        Ok(out)
    }
}

impl App {
    /// The council's caseload promise (the most open cases a worker should hold), as its
    /// settings now say: none until the council sets one (`hearth council promise`).
    pub async fn caseload_promise(&self) -> Result<Option<usize>, AppError> {
        Ok(self
            .store()
            .caseload_promise()
            .await?
            .map(|n| usize::try_from(n).unwrap_or(usize::MAX)))
    }
}

/// A transfer waiting for the receiving team, as both managers see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WaitingTransfer {
    /// The child.
    pub child: ChildId,
    /// Their name, as the caseload shows it.
    pub name: String,
    /// The team sending the child.
    pub from_team: hearth_domain::TeamId,
    /// The team asked to take them.
    pub to_team: hearth_domain::TeamId,
}

impl App {
    /// Transfers waiting that involve `user`'s team, sending or receiving, for a manager:
    /// decided from the access projection, so no record is read.
    pub async fn transfers_waiting(
        &self,
        user: &Principal,
    ) -> Result<Vec<WaitingTransfer>, AppError> {
        if !user.role.is_manager() {
            return Ok(Vec::new());
        }
        let today = self.now().london_date();
        let rows: Vec<_> = self
            .open_caseload()
            .await?
            .into_iter()
            .filter(|r| r.open_on(today))
            .collect();
        let ids: Vec<ChildId> = rows
            .iter()
            .filter_map(|r| ChildId::parse(&r.child_id).ok())
            .collect();
        let sights = self.sights(&ids).await?;
        let workforce = self.workforce().await;
        let mut out = Vec::new();
        for r in &rows {
            let Some((id, sight)) = ChildId::parse(&r.child_id)
                .ok()
                .and_then(|id| sights.get(&id).map(|s| (id, s)))
            else {
                continue;
            };
            let (Some(to), Some((_, from))) = (&sight.transfer_to, &sight.worker) else {
                continue;
            };
            if (*to == user.team || *from == user.team)
                && policy::sees(user, sight, &workforce).is_some()
            {
                out.push(WaitingTransfer {
                    child: id,
                    name: r.display_name.clone(),
                    from_team: from.clone(),
                    to_team: to.clone(),
                });
            }
        }
        Ok(out)
    }
}
