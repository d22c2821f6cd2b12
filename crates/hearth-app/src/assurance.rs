//! Practice assurance in the application: the audit stream (`audit/ID`) read and written
//! through the store, the month's selection drawn from the records as they stand, the
//! commands of the audit cycle checked by `hearth-assurance`'s rules, and what the pages
//! read: the QA lead's figures and quarterly report, an audit with the record's facts beside
//! it, a child's audits, the audits copied to a reviewing officer, and what audits ask of a
//! member of staff. Who may see and do each of these is decided in `policy`.

use std::collections::HashMap;
use std::sync::OnceLock;

use chrono::{Datelike, NaiveDate};
use hearth_assurance::clock::{Item, ToldOf, owed_by, told_of};
use hearth_assurance::facts::{FactContext, FactSheet, Whose, gather};
use hearth_assurance::report::{Quarter, QuarterReport, quarter_report};
use hearth_assurance::selection::{Inputs, Previous, Selection, merge, select};
use hearth_assurance::sheet::{Sheet, build};
use hearth_assurance::{
    Audit, AuditEvent, AuditId, Context, Group, Month, Seed, SubjectKind, Template, append,
};
use hearth_domain::child::{ChildRecord, fold};
use hearth_domain::event::Recorded;
use hearth_domain::{ChildId, StreamKind, Timestamp};
use hearth_standards::AsAt;
use hearth_store::codec::{decode_all, encode};
use hearth_store::{Projections, StreamAppend, reading};
use tracing::warn;

use crate::policy::{
    self, AuditPermit, AuditWritePermit, CoordinatePermit, ReadPermit, Relationship,
};
use crate::principal::Principal;
use crate::{App, AppError};

/// Every audit as this process last folded it, by id: read again only when its stream has
/// grown, so the pages that list audits do not fold them all on every request.
#[derive(Debug, Default)]
pub(crate) struct AuditCache {
    audits: std::sync::Mutex<HashMap<AuditId, Audit>>,
}

impl AuditCache {
    fn held(&self) -> std::sync::MutexGuard<'_, HashMap<AuditId, Audit>> {
        // A panic while the lock was held cannot leave a half-written entry (entries are
        // replaced whole), so a poisoned lock is used as it stands.
        self.audits
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// What an accepted audit command wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditReceipt {
    /// The audit.
    pub audit: AuditId,
    /// Its stream's version after the write.
    pub version: u64,
}

/// The templates in use: the shipped ones, with a council's own files (installed once at
/// start-up by [`use_council_templates`]) added, a council's file replacing a shipped
/// template of the same id. The shipped ones are compiled in and tested, so a failure to
/// load them is a fault in the build; it is reported as an internal error, never a panic.
static TEMPLATES: OnceLock<Result<Vec<Template>, String>> = OnceLock::new();

fn shipped() -> Result<Vec<Template>, String> {
    Template::builtin_names()
        .into_iter()
        .map(|name| match Template::builtin(name) {
            Some(Ok(t)) => Ok(t),
            Some(Err(e)) => Err(e.to_string()),
            None => Err(format!("no template {name}")),
        })
        .collect()
}

fn loaded() -> &'static Result<Vec<Template>, String> {
    TEMPLATES.get_or_init(shipped)
}

/// Adds a council's own audit templates (read by the caller from its files, checked by
/// `Template::parse`) to the shipped ones, replacing any of the same id: a council changes
/// a question, a weight or a whole template without a change to Hearth's code. Called once,
/// before the first audit is read; a second call, or one after the templates were first
/// used, is refused with the reason.
pub fn use_council_templates(council: Vec<Template>) -> Result<(), String> {
    let mut all = shipped()?;
    for t in council {
        match all.iter_mut().find(|x| x.id == t.id) {
            Some(existing) => *existing = t,
            None => all.push(t),
        }
    }
    TEMPLATES.set(Ok(all)).map_err(|_| {
        "the audit templates were already in use; set them once, at start-up".to_owned()
    })
}

/// Every audit template the council uses.
pub fn templates() -> Result<&'static [Template], AppError> {
    match loaded() {
        Ok(t) => Ok(t.as_slice()),
        Err(e) => Err(AppError::internal_message(format!(
            "an audit template does not load: {e}"
        ))),
    }
}

/// One template by its id.
pub fn template(id: &str) -> Result<&'static Template, AppError> {
    templates()?
        .iter()
        .find(|t| t.id == id)
        .ok_or(AppError::NotFound)
}

/// The quarter of the council's year (April to March) that a date falls in.
pub fn quarter_of(date: NaiveDate) -> Quarter {
    let m = date.month();
    let first = match m {
        4..=6 => 4,
        7..=9 => 7,
        10..=12 => 10,
        _ => 1,
    };
    let month = Month::new(date.year(), first).unwrap_or_else(|| Month::of(date));
    Quarter::starting(month)
}

/// An audit as a page lists it, with the principal's permit to see it.
#[derive(Debug, Clone)]
pub struct SeenAudit {
    /// The permit.
    pub permit: AuditPermit,
    /// The audit, folded.
    pub audit: Audit,
}

/// What audits ask of a member of staff: their open items (actions, audits to complete,
/// regrades, notices of safety concerns) and the safety concerns they have been told of.
#[derive(Debug, Clone, Default)]
pub struct Owed {
    /// Open items, soonest due first.
    pub items: Vec<Item>,
    /// Safety concerns they were told of, newest first.
    pub told: Vec<ToldOf>,
}

/// An audit with its template and the record's facts beside each section, for its page.
#[derive(Debug, Clone)]
pub struct AuditPage {
    /// The permit.
    pub permit: AuditPermit,
    /// The audit.
    pub audit: Audit,
    /// Its template.
    pub template: &'static Template,
    /// The sheet: sections, questions, the facts beside them, the grades.
    pub sheet: Sheet,
    /// Whether the facts of the child's record could be shown to this reader (the view was
    /// decided and logged); an audit of a practitioner shows none.
    pub facts_shown: bool,
}

impl App {
    /// Every audit, folded: the system's own read, for decisions and figures. Audits hold
    /// no child's record, so reading them is not a view of one. Each audit is kept as last
    /// folded and read again only when its stream has grown.
    pub(crate) async fn audits_unlogged(&self) -> Result<Vec<Audit>, AppError> {
        let versions = self.store().list_streams(AuditId::KIND).await?;
        let changed: Vec<hearth_domain::StreamId> = {
            let held = self.audits.held();
            versions
                .iter()
                .filter_map(|v| {
                    hearth_domain::StreamId::parse(&v.stream)
                        .ok()
                        .map(|s| (s, v.version))
                })
                .filter(|(s, version)| {
                    AuditId::of_stream(s).and_then(|id| held.get(&id).map(|a| a.version))
                        != Some(*version)
                })
                .map(|(s, _)| s)
                .collect()
        };
        let mut fresh = Vec::new();
        for chunk in changed.chunks(reading::BATCH) {
            let events = self.store().read_streams(chunk).await?;
            for (stream, run) in reading::by_stream(&events) {
                if let Some(id) = AuditId::of_stream(&stream) {
                    let events: Vec<Recorded<AuditEvent>> = decode_all(run)?;
                    fresh.push(Audit::fold(id, &events));
                }
            }
        }
        let mut held = self.audits.held();
        for a in fresh {
            held.insert(a.id.clone(), a);
        }
        let present: std::collections::HashSet<&str> =
            versions.iter().map(|v| v.stream.as_str()).collect();
        held.retain(|id, _| present.contains(id.stream().as_str()));
        let mut out: Vec<Audit> = held.values().cloned().collect();
        out.sort_by_key(|a| audit_order(&a.id));
        Ok(out)
    }

    async fn audit_unlogged(&self, id: &AuditId) -> Result<Option<Audit>, AppError> {
        let stream = id
            .stream_id()
            .map_err(|e| AppError::internal_message(e.to_string()))?;
        let stored = self.store().read_stream(&stream).await?;
        if stored.is_empty() {
            return Ok(None);
        }
        let events: Vec<Recorded<AuditEvent>> = decode_all(&stored)?;
        Ok(Some(Audit::fold(id.clone(), &events)))
    }

    /// The auditor's sight of a child's record, for the child policy's decision: only for a
    /// role some template lets audit, and only while their part of an audit lasts.
    pub(crate) async fn auditor_relationship(
        &self,
        principal: &Principal,
        child: &ChildId,
    ) -> Option<Relationship> {
        let audits_roles = templates().ok()?;
        if !audits_roles
            .iter()
            .any(|t| t.auditors.contains(&principal.role))
        {
            return None;
        }
        match self.audits_unlogged().await {
            Ok(audits) => {
                let sights: Vec<_> = audits
                    .iter()
                    .filter(|a| a.child() == Some(child))
                    .flat_map(Audit::sight)
                    .collect();
                policy::audit_sight(principal, child, &sights, self.now())
            }
            Err(e) => {
                // Denying is the safe answer when the audits cannot be read.
                warn!(error = %e, "audits could not be read to decide an auditor's sight");
                None
            }
        }
    }

    /// How `principal` is connected to each audit they may see.
    async fn decide_audits(
        &self,
        principal: &Principal,
        audits: Vec<Audit>,
    ) -> Result<Vec<SeenAudit>, AppError> {
        let children: Vec<ChildId> = audits.iter().filter_map(|a| a.child().cloned()).collect();
        let sights = self.sights(&children).await?;
        let workforce = self.workforce().await;
        Ok(audits
            .into_iter()
            .filter_map(|audit| {
                let child = audit
                    .child()
                    .and_then(|c| sights.get(c))
                    .and_then(|s| policy::sees(principal, s, &workforce));
                let access = policy::sees_audit(principal, &audit, child, &workforce)?;
                let blind = policy::blind(access, &audit);
                Some(SeenAudit {
                    permit: AuditPermit::new(audit.id.clone(), access, blind),
                    audit,
                })
            })
            .collect())
    }

    /// The audits `principal` may see.
    pub async fn audits_seen(&self, principal: &Principal) -> Result<Vec<SeenAudit>, AppError> {
        let audits = self.audits_unlogged().await?;
        self.decide_audits(principal, audits).await
    }

    /// One audit, if `principal` may see it; an audit they may not see is not found.
    pub async fn audit_seen(
        &self,
        principal: &Principal,
        id: &AuditId,
    ) -> Result<SeenAudit, AppError> {
        let audit = self.audit_unlogged(id).await?.ok_or(AppError::NotFound)?;
        self.decide_audits(principal, vec![audit])
            .await?
            .pop()
            .ok_or(AppError::NotFound)
    }

    /// An audit's page: the template's sections with the facts of the child's record beside
    /// each. The facts are a view of the child's record, decided and logged as one (an
    /// auditor's under their sight); a reader who may not see the child sees the audit
    /// without them.
    pub async fn audit_page(
        &self,
        principal: &Principal,
        id: &AuditId,
    ) -> Result<AuditPage, AppError> {
        let seen = self.audit_seen(principal, id).await?;
        let template = template(seen.audit.template().unwrap_or_default())?;
        let mut facts: Vec<FactSheet> = Vec::new();
        let mut facts_shown = false;
        if let (Some(child), Some(selected)) = (seen.audit.child(), seen.audit.selected.as_ref()) {
            let purpose = format!("audit {id}");
            match self.view_child(principal, child, &purpose).await {
                Ok((_, stream)) => {
                    let mut names: Vec<_> = template
                        .sections
                        .iter()
                        .flat_map(|s| s.facts.clone())
                        .collect();
                    names.sort();
                    names.dedup();
                    let workforce = self.workforce().await;
                    let ctx = FactContext {
                        as_at: selected.on,
                        scope_from: selected.scope_from,
                        calendar: self.calendar(),
                        ruleset: self.ruleset(),
                        staff: &*workforce,
                    };
                    facts = gather(&names, Whose::Child(stream.record()), ctx)
                        .map_err(|e| AppError::Internal(Box::new(e)))?;
                    facts_shown = true;
                }
                Err(AppError::NotFound) => {}
                Err(e) => return Err(e),
            }
        }
        let sheet = build(template, &seen.audit, &facts);
        Ok(AuditPage {
            permit: seen.permit,
            audit: seen.audit,
            template,
            sheet,
            facts_shown,
        })
    }

    /// The audits of the child a read permit was given for, that `principal` may see: for
    /// the child's record.
    pub async fn child_audits(
        &self,
        principal: &Principal,
        read: &ReadPermit,
    ) -> Result<Vec<SeenAudit>, AppError> {
        let audits: Vec<Audit> = self
            .audits_unlogged()
            .await?
            .into_iter()
            .filter(|a| a.child() == Some(read.child()))
            .collect();
        self.decide_audits(principal, audits).await
    }

    /// The audits copied to `principal` as the child's reviewing officer.
    pub async fn audits_copied_to(
        &self,
        principal: &Principal,
    ) -> Result<Vec<SeenAudit>, AppError> {
        Ok(self
            .audits_seen(principal)
            .await?
            .into_iter()
            .filter(|s| s.audit.copies.iter().any(|(o, _)| o == &principal.staff))
            .collect())
    }

    /// What audits ask of `principal` now, and the safety concerns they were told of: for
    /// their My work. Only their own items are given.
    pub async fn owed_by_me(&self, principal: &Principal) -> Result<Owed, AppError> {
        let audits = self.audits_unlogged().await?;
        let mut pairs = Vec::new();
        for a in &audits {
            if let Some(t) = a.template().and_then(|id| template(id).ok()) {
                pairs.push((a, t));
            }
        }
        let as_at = AsAt::instant(self.now());
        let refs: Vec<&Audit> = audits.iter().collect();
        Ok(Owed {
            items: owed_by(&principal.staff, &pairs, self.calendar(), as_at),
            told: told_of(&principal.staff, &refs, as_at),
        })
    }

    /// The quarterly Performance and Quality report, as at today.
    pub async fn quarter_report(
        &self,
        _permit: &CoordinatePermit,
        quarter: Quarter,
    ) -> Result<QuarterReport, AppError> {
        let audits = self.audits_unlogged().await?;
        let workforce = self.workforce().await;
        Ok(quarter_report(
            quarter,
            self.now().london_date(),
            &audits,
            templates()?,
            &*workforce,
        ))
    }

    /// The report's xlsx workbook.
    pub async fn quarter_workbook(
        &self,
        permit: &CoordinatePermit,
        quarter: Quarter,
    ) -> Result<Vec<u8>, AppError> {
        self.quarter_report(permit, quarter)
            .await?
            .workbook()
            .map_err(|e| AppError::Internal(Box::new(e)))
    }

    /// The month's draw under a template, as it would be made today with `seed`: what the
    /// selection page shows before anything is written. Children are read a batch at a
    /// time (the system's own read) and the batches' lists joined, so a council's whole
    /// caseload is never held at once.
    pub async fn draw(
        &self,
        _permit: &CoordinatePermit,
        template_id: &str,
        seed: Seed,
    ) -> Result<Selection, AppError> {
        let t = template(template_id)?;
        let today = self.now().london_date();
        let previous = self.previous(t).await?;
        // A copy, so no lock on the workforce is held while the children are read.
        let workforce = self.workforce().await.clone();
        let inputs = Inputs {
            template: t,
            month: Month::of(today),
            on: today,
            seed,
            calendar: self.calendar(),
            staff: &workforce,
            previous: &previous,
        };
        let mut parts = Vec::new();
        if t.subject == SubjectKind::Child {
            let children: Vec<ChildId> = reading::streams_of(self.store(), StreamKind::Child)
                .await?
                .iter()
                .filter_map(|s| ChildId::parse(s.id()).ok())
                .collect();
            for chunk in children.chunks(reading::BATCH) {
                let records: Vec<ChildRecord> = self
                    .children_events_unlogged(chunk)
                    .await?
                    .into_iter()
                    .map(|(id, events)| fold(&id, &events))
                    .collect();
                parts.push(select(&inputs, &records));
            }
        } else {
            parts.push(select(&inputs, &[]));
        }
        Ok(merge(&inputs, parts))
    }

    /// Earlier audits under templates of the same kind, for `AUDITED_RECENTLY`.
    async fn previous(&self, t: &Template) -> Result<Vec<Previous>, AppError> {
        let kinds: HashMap<&str, _> = templates()?
            .iter()
            .map(|t| (t.id.as_str(), t.kind))
            .collect();
        Ok(self
            .audits_unlogged()
            .await?
            .into_iter()
            .filter_map(|a| a.selected)
            .filter(|s| kinds.get(s.template.as_str()) == Some(&t.kind))
            .map(|s| Previous {
                subject: s.subject,
                on: s.on,
            })
            .collect())
    }

    /// Makes the month's selection under a template with `seed`: draws again, today, and
    /// opens an audit for every case drawn, each carrying the draw's seed, fingerprint and
    /// exclusions. Nobody names a case: the draw does. All the audits are written or none.
    pub async fn run_selection(
        &self,
        permit: &CoordinatePermit,
        template_id: &str,
        seed: Seed,
    ) -> Result<Vec<AuditId>, AppError> {
        let t = template(template_id)?;
        let selection = self.draw(permit, template_id, seed).await?;
        let mut next = self.next_audit_number().await?;
        let now = self.now();
        let mut batch = Vec::new();
        let mut ids = Vec::new();
        // The drawn children's records, for the rules' checks (the system's own read).
        let mut records: Vec<ChildRecord> = Vec::new();
        for subject in selection.groups.iter().flat_map(|g| &g.drawn) {
            if let Some(child) = subject.child()
                && let Some(stream) = self.child_unlogged_as_it_stands(child).await?
            {
                records.push(stream.record().clone());
            }
        }
        let workforce = self.workforce().await;
        for g in &selection.groups {
            for subject in &g.drawn {
                let Some(event) = selection.event_for(t, &g.group, subject) else {
                    continue;
                };
                let id = AuditId::parse(&format!("A{next}"))
                    .map_err(|e| AppError::internal_message(e.to_string()))?;
                next += 1;
                let recorded = Recorded {
                    occurred_at: now,
                    recorded_at: now,
                    recorded_by: permit.principal().actor(),
                    event,
                };
                let mine: Vec<ChildRecord> = records
                    .iter()
                    .filter(|r| subject.child() == Some(&r.id))
                    .cloned()
                    .collect();
                let ctx = Context {
                    template: t,
                    staff: &*workforce,
                    calendar: self.calendar(),
                    records: &mine,
                    selection: Some(&selection),
                };
                let mut audit = Audit::new(id.clone());
                append(&mut audit, std::slice::from_ref(&recorded), &ctx).map_err(refused)?;
                batch.push(StreamAppend {
                    stream: id
                        .stream_id()
                        .map_err(|e| AppError::internal_message(e.to_string()))?,
                    expected_version: 0,
                    events: vec![encode(&recorded)?],
                });
                ids.push(id);
            }
        }
        drop(workforce);
        if !batch.is_empty() {
            self.store().append(&batch, &Projections::default()).await?;
        }
        Ok(ids)
    }

    async fn next_audit_number(&self) -> Result<u64, AppError> {
        Ok(reading::streams_of(self.store(), StreamKind::Audit)
            .await?
            .iter()
            .filter_map(|s| s.id().strip_prefix('A')?.parse::<u64>().ok())
            .max()
            .unwrap_or(0)
            + 1)
    }

    /// Records `events` (each with when it happened) on the permit's audit, checked by the
    /// audit record's rules against the audit as it stood at `expected_version`. The author
    /// and the time of recording are the application's. A refusal names its rule and
    /// writes nothing.
    pub async fn record_on_audit(
        &self,
        permit: &AuditWritePermit,
        expected_version: u64,
        events: Vec<(Timestamp, AuditEvent)>,
    ) -> Result<AuditReceipt, AppError> {
        let id = permit.audit();
        let mut audit = self.audit_unlogged(id).await?.ok_or(AppError::NotFound)?;
        if audit.version != expected_version {
            return Err(AppError::Stale {
                stream: id
                    .stream_id()
                    .map_err(|e| AppError::internal_message(e.to_string()))?,
            });
        }
        let t = template(audit.template().unwrap_or_default())?;
        // The record the audit reads and cites: the system's read, to check the rules.
        let records: Vec<ChildRecord> = match audit.child() {
            Some(child) => self
                .child_unlogged_as_it_stands(child)
                .await?
                .map(|s| vec![s.record().clone()])
                .unwrap_or_default(),
            None => Vec::new(),
        };
        let now = self.now();
        let recorded: Vec<Recorded<AuditEvent>> = events
            .into_iter()
            .map(|(occurred_at, event)| Recorded {
                occurred_at,
                recorded_at: now,
                recorded_by: permit.principal().actor(),
                event,
            })
            .collect();
        {
            let workforce = self.workforce().await;
            let ctx = Context {
                template: t,
                staff: &*workforce,
                calendar: self.calendar(),
                records: &records,
                selection: None,
            };
            append(&mut audit, &recorded, &ctx).map_err(refused)?;
        }
        let encoded = recorded.iter().map(encode).collect::<Result<Vec<_>, _>>()?;
        self.store()
            .append(
                &[StreamAppend {
                    stream: id
                        .stream_id()
                        .map_err(|e| AppError::internal_message(e.to_string()))?,
                    expected_version,
                    events: encoded,
                }],
                &Projections::default(),
            )
            .await?;
        Ok(AuditReceipt {
            audit: id.clone(),
            version: audit.version,
        })
    }

    /// The deadline the template gives an audit assigned now: the last day it may be set to.
    pub fn audit_deadline(&self, template: &Template) -> Option<NaiveDate> {
        hearth_standards::period::after(
            template.deadline,
            self.calendar(),
            self.now(),
            None,
            &mut Vec::new(),
        )
        .map(|d| d.date)
    }
}

/// Audits in number order (A2 before A10), then by id.
fn audit_order(id: &AuditId) -> (u64, String) {
    let n = id
        .as_str()
        .strip_prefix('A')
        .and_then(|n| n.parse().ok())
        .unwrap_or(u64::MAX);
    (n, id.as_str().to_owned())
}

fn refused(r: hearth_assurance::AuditRefusal) -> AppError {
    AppError::AuditRefused {
        rule: r.violation.rule,
        reason: r.violation.message,
    }
}

/// A group's name, for the pages.
pub fn group_label(group: &Group, workforce: &hearth_domain::directory::MemoryDirectory) -> String {
    match group {
        Group::Team { team } => workforce
            .teams
            .get(team)
            .and_then(|t| t.name.as_ref().map(ToString::to_string))
            .unwrap_or_else(|| team.to_string()),
        Group::Service { service } => service.label().to_owned(),
        Group::Council => "The council".to_owned(),
    }
}
