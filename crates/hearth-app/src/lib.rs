//! The application layer, between the pure crates and the edges (the web pages, the command
//! line, later documents and an API). It knows no HTML and no HTTP.
//!
//! - [`App`]: the store, the workforce, the ruleset, the calendar and the clock, built once,
//!   with the caches under them.
//! - [`Principal`]: who is acting. [`policy`]: every decision about who may see and do what.
//!   A child's record is reached for a person only through [`App::view_child`], which decides,
//!   logs and hands back a [`policy::ReadPermit`].
//! - [`records::Records`]: loads a record, checks a command against the domain's rules and
//!   appends the accepted events with their projections through the store. The commands
//!   that write to a child ([`App::record`], [`App::register`]) ask for a
//!   [`policy::WritePermit`] and give a [`Receipt`].
//! - [`AppError`]: the one error of every command and query.

mod access_log;
pub mod assurance;
mod clock;
mod commands;
pub mod digest;
mod error;
mod held_streams;
pub mod identity;
pub mod narrative;
pub mod oversight;
pub mod policy;
pub mod practice;
mod principal;
pub mod queries;
pub mod records;
pub mod returns;

/// The person search's query and ranking, as the pages use them with
/// [`App::search_candidates`].
pub use hearth_store::search;

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use hearth_domain::directory::MemoryDirectory;
use hearth_domain::{ChildId, ChildStream, StreamId, Timestamp};
use hearth_standards::{Calendar, Ruleset};
use hearth_store::{AccessEntry, Store};
use tokio::sync::RwLockReadGuard;

pub use clock::Clock;
pub use commands::Receipt;
pub use error::AppError;
pub use identity::{SignInPolicy, SignedIn};
pub use principal::Principal;

use access_log::AccessLogBatcher;
use held_streams::{HeldStreams, extended};
use policy::{ReadPermit, Relationship, Sight};
use records::Records;

/// What every command and query reaches: built once at start-up and shared.
pub struct App {
    records: Arc<Records>,
    ruleset: Ruleset,
    calendar: Calendar,
    clock: Clock,
    held: HeldStreams,
    access_log: AccessLogBatcher,
    digest: digest::DigestCache,
    returns: returns::ReturnBuilds,
    audits: assurance::AuditCache,
    escalations: Arc<oversight::EscalationCache>,
    supervision_files: oversight::HeldFiles,
    sign_in_policy: SignInPolicy,
}

impl App {
    /// The application over a record service. Starts the access log's commit batcher, so it
    /// must be called within a Tokio runtime.
    pub fn start(records: Records, ruleset: Ruleset, calendar: Calendar, clock: Clock) -> App {
        let records = Arc::new(records);
        App {
            access_log: AccessLogBatcher::start(Arc::clone(&records)),
            records,
            ruleset,
            calendar,
            clock,
            held: HeldStreams::default(),
            digest: digest::DigestCache::default(),
            returns: returns::ReturnBuilds::default(),
            audits: assurance::AuditCache::default(),
            escalations: Arc::default(),
            supervision_files: oversight::HeldFiles::default(),
            sign_in_policy: SignInPolicy::default(),
        }
    }

    /// Checks and writes a batch of interchange lines, as `Records::import_batch` does: the
    /// import's way in, for a process that is also serving (staff and teams it writes are in
    /// the workforce when it returns).
    pub async fn import_batch(
        &self,
        lines: Vec<(usize, hearth_domain::interchange::JourneyLine)>,
    ) -> Result<Vec<(usize, records::ImportOutcome)>, AppError> {
        Ok(self.records.import_batch(lines).await?)
    }

    /// The store, for this crate's queries only: outside it, a child's record is reached
    /// through [`App::view_child`] and everything else through the queries.
    pub(crate) fn store(&self) -> &Store {
        self.records.store()
    }

    /// Every member of staff and every team as they now stand, refreshed by every append to
    /// a staff or team stream through this application. Hold the guard briefly.
    pub async fn workforce(&self) -> RwLockReadGuard<'_, MemoryDirectory> {
        self.records.workforce().await
    }

    /// The ruleset the pages measure against.
    pub fn ruleset(&self) -> &Ruleset {
        &self.ruleset
    }

    /// The working-day calendar.
    pub fn calendar(&self) -> &Calendar {
        &self.calendar
    }

    /// The time now, from the clock the application was started with.
    pub fn now(&self) -> Timestamp {
        self.clock.now()
    }

    /// Who `staff` is today, as the workforce now says: none for someone who has left or has
    /// not yet joined. Asked at sign-in and on every request, so a leaver is stopped, and a
    /// new role or team counts, without a restart.
    pub async fn principal(&self, staff: &hearth_domain::StaffId) -> Option<Principal> {
        let today = self.now().london_date();
        let workforce = self.workforce().await;
        Principal::in_post(staff, &workforce, today)
    }

    /// A child's record for `principal`, for `purpose` (the page or document it is shown
    /// on). A child who does not exist and a child they may not see give the same
    /// [`AppError::NotFound`]. An allowed view is logged in the same transaction as the read
    /// that is returned.
    pub async fn view_child(
        &self,
        principal: &Principal,
        id: &ChildId,
        purpose: &str,
    ) -> Result<(ReadPermit, Arc<ChildStream>), AppError> {
        // The decision needs the record as it stands; this read is the system's and is not
        // shown.
        let held = self.child_unlogged_as_it_stands(id).await?;
        let Some(held) = held.filter(|s| s.version() > 0) else {
            return Err(AppError::NotFound);
        };
        if self.decide(principal, &held).await.is_none() {
            return Err(AppError::NotFound);
        }
        let entry = AccessEntry {
            at: self.now(),
            actor: principal.actor().to_string(),
            stream: StreamId::child(id),
            action: "view".into(),
            detail: Some(purpose.to_owned()),
        };
        let after = self.access_log.read(entry, held.version()).await?;
        let stream = extended(held, after);
        self.held.put(Arc::clone(&stream));
        // Decided again on what is shown: something recorded between the two reads (a new
        // allocation, say) may have changed the answer. The log then holds a view that was
        // not shown, which errs on the side of the audit.
        let Some(relationship) = self.decide(principal, &stream).await else {
            return Err(AppError::NotFound);
        };
        Ok((ReadPermit::new(id.clone(), relationship), stream))
    }

    async fn decide(&self, principal: &Principal, stream: &ChildStream) -> Option<Relationship> {
        let decided = {
            let workforce = self.workforce().await;
            policy::relationship(principal, stream.record(), &workforce)
        };
        match decided {
            Some(r) => Some(r),
            // An auditor's time-limited sight of the child, from the audits (`assurance`).
            None => {
                self.auditor_relationship(principal, &stream.record().id)
                    .await
            }
        }
    }

    /// The child's record as it stands, for the system's own decisions: not logged, so
    /// never to be shown to anyone. From the stream this process last read, if any, plus
    /// whatever was recorded since, and kept for next time.
    pub async fn child_unlogged_as_it_stands(
        &self,
        id: &ChildId,
    ) -> Result<Option<Arc<ChildStream>>, AppError> {
        let stream = match self.held.get(id) {
            Some(held) => {
                let after = self.records.child_events_after(id, held.version()).await?;
                Some(extended(held, after))
            }
            None => self.records.child_unlogged(id).await?.map(Arc::new),
        };
        if let Some(s) = stream.as_ref().filter(|s| s.version() > 0) {
            self.held.put(Arc::clone(s));
        }
        Ok(stream)
    }

    /// Whether `principal` may see the record of child `id` as it now stands (nothing is
    /// read for them, so nothing is logged).
    pub async fn may_see(&self, principal: &Principal, id: &ChildId) -> Result<bool, AppError> {
        Ok(match self.child_unlogged_as_it_stands(id).await? {
            Some(stream) => self.decide(principal, &stream).await.is_some(),
            None => false,
        })
    }

    /// Of `restricted` (children a page would list from the caseload projection, which does
    /// not know about restrictions), those `principal` may not see.
    pub async fn hidden<'a>(
        &self,
        principal: &Principal,
        restricted: impl IntoIterator<Item = &'a ChildId>,
    ) -> Result<HashSet<ChildId>, AppError> {
        let mut out = HashSet::new();
        for id in restricted {
            if !self.may_see(principal, id).await? {
                out.insert(id.clone());
            }
        }
        Ok(out)
    }

    /// The facts that decide who may see each of `children` who exists: from the store's
    /// projection, and for a child it has no row for (a record not written since the
    /// projection was added) from the record as it stands. Decide with [`policy::sees`];
    /// nothing is logged, as nothing of a record is shown.
    pub async fn sights(&self, children: &[ChildId]) -> Result<HashMap<ChildId, Sight>, AppError> {
        let mut out = self.store().sights(children).await?;
        for id in children {
            if out.contains_key(id) {
                continue;
            }
            if let Some(stream) = self
                .child_unlogged_as_it_stands(id)
                .await?
                .filter(|s| s.version() > 0)
            {
                out.insert(id.clone(), Sight::of(stream.record()));
            }
        }
        Ok(out)
    }
}
