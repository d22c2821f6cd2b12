//! What the pages (and later documents and an API) read besides a child's record: the
//! projections (caseloads, search, network links), sign-in accounts, and the records of
//! adults and professionals. A child's record itself is read for a person only through
//! [`App::view_child`]; the few reads here that fold children's events are the system's own
//! (what is due, queues), and say so in their names.

use hearth_domain::child::ChildEvent;
use hearth_domain::directory::{Professional, fold_directory};
use hearth_domain::event::Recorded;
use hearth_domain::people::{PersonDetails, ProfessionalDetails};
use hearth_domain::{ChildId, PersonId, ProfessionalId, StaffId, StreamId, StreamKind, TeamId};
use hearth_store::codec::decode_all;
use hearth_store::reading;
use hearth_store::search::Query;

use crate::{App, AppError};

pub use hearth_store::{AccountRow, CaseloadRow, NetworkLinkRow, PersonRow};

/// How many records a caller should ask for at once, so one read never holds a whole
/// service.
pub const READ_BATCH: usize = reading::BATCH;

/// The record of an adult or a professional in a child's network, folded.
#[derive(Debug, Clone)]
pub enum NetworkRecord {
    /// An adult.
    Person(PersonId, PersonDetails),
    /// A professional.
    Professional(ProfessionalId, ProfessionalDetails),
}

impl App {
    /// The caseload rows of one worker, or of every open case.
    pub async fn caseload(&self, worker: Option<&StaffId>) -> Result<Vec<CaseloadRow>, AppError> {
        Ok(self.store().caseload(worker.map(StaffId::as_str)).await?)
    }

    /// The caseload rows of every child not closed, for the service-wide lists; each caller
    /// still asks `open_on` its day.
    pub async fn open_caseload(&self) -> Result<Vec<CaseloadRow>, AppError> {
        Ok(self.store().open_caseload().await?)
    }

    /// The caseload rows of a team.
    pub async fn team_caseload(&self, team: &TeamId) -> Result<Vec<CaseloadRow>, AppError> {
        Ok(self.store().team_caseload(team.as_str()).await?)
    }

    /// The person search's candidates for a query, before anyone's sight of them is decided.
    pub async fn search_candidates(&self, query: &Query) -> Result<Vec<PersonRow>, AppError> {
        Ok(self.store().search_candidates(query).await?)
    }

    /// Every (adult, child) link of these adults' networks, past ones included.
    pub async fn network_links(
        &self,
        people: &[PersonId],
    ) -> Result<Vec<NetworkLinkRow>, AppError> {
        Ok(self.store().network_links(people).await?)
    }

    /// The next free id for an adult's record.
    pub async fn next_person_id(&self) -> Result<PersonId, AppError> {
        Ok(self.store().next_person_id().await?)
    }

    /// The next free id for a professional's record.
    pub async fn next_professional_id(&self) -> Result<ProfessionalId, AppError> {
        Ok(self.store().next_professional_id().await?)
    }

    /// The sign-in account with this username, if any.
    pub async fn account(&self, username: &str) -> Result<Option<AccountRow>, AppError> {
        Ok(self.store().account(username).await?)
    }

    /// Every sign-in account, by username.
    pub async fn accounts(&self) -> Result<Vec<AccountRow>, AppError> {
        Ok(self.store().accounts().await?)
    }

    /// Creates an account, or replaces the one with the same username.
    pub async fn put_account(&self, account: &AccountRow) -> Result<(), AppError> {
        Ok(self.store().put_account(account).await?)
    }

    /// The records of these adults and professionals as they now stand (others are left
    /// out). Their details are contact details, seen by whoever may see the child.
    pub async fn network_records(
        &self,
        streams: &[StreamId],
    ) -> Result<Vec<NetworkRecord>, AppError> {
        let events = self.store().read_streams(streams).await?;
        let mut out = Vec::new();
        for (stream, run) in reading::by_stream(&events) {
            match stream.kind() {
                StreamKind::Person => {
                    let folded = decode_all(run).ok().map(|e| fold_directory(&e));
                    if let (Ok(id), Some(hearth_domain::directory::Person(Some(d)))) =
                        (PersonId::parse(stream.id()), folded)
                    {
                        out.push(NetworkRecord::Person(id, d));
                    }
                }
                StreamKind::Professional => {
                    let folded = decode_all(run).ok().map(|e| fold_directory(&e));
                    if let (Ok(id), Some(Professional(Some(d)))) =
                        (ProfessionalId::parse(stream.id()), folded)
                    {
                        out.push(NetworkRecord::Professional(id, d));
                    }
                }
                _ => {}
            }
        }
        Ok(out)
    }

    /// Every professional known, folded: they are not in the person search, and a council
    /// knows hundreds, so they are read whole.
    pub async fn professionals(
        &self,
    ) -> Result<Vec<(ProfessionalId, ProfessionalDetails)>, AppError> {
        let mut out = Vec::new();
        for chunk in reading::streams_of(self.store(), StreamKind::Professional)
            .await?
            .chunks(reading::BATCH)
        {
            let events = self.store().read_streams(chunk).await?;
            for (stream, run) in reading::by_stream(&events) {
                if let (Ok(id), Professional(Some(d))) = (
                    ProfessionalId::parse(stream.id()),
                    fold_directory::<Professional>(&decode_all(run)?),
                ) {
                    out.push((id, d));
                }
            }
        }
        Ok(out)
    }

    /// The version each of these children's records now has (none for a child who does not
    /// exist): what a cache keyed by version asks before it reads anything.
    pub async fn child_versions(
        &self,
        children: &[ChildId],
    ) -> Result<std::collections::HashMap<ChildId, u64>, AppError> {
        let streams: Vec<StreamId> = children.iter().map(StreamId::child).collect();
        Ok(self
            .store()
            .stream_versions(&streams)
            .await?
            .into_iter()
            .filter_map(|v| {
                let id = StreamId::parse(&v.stream).ok()?;
                Some((ChildId::parse(id.id()).ok()?, v.version))
            })
            .collect())
    }

    /// Some children's events, child by child, for the system's own evaluation (what is
    /// due, the queues): not logged, so never to be shown as a record.
    pub async fn children_events_unlogged(
        &self,
        children: &[ChildId],
    ) -> Result<Vec<(ChildId, Vec<Recorded<ChildEvent>>)>, AppError> {
        let mut out = Vec::new();
        for chunk in children.chunks(reading::BATCH) {
            let streams: Vec<StreamId> = chunk.iter().map(StreamId::child).collect();
            out.extend(reading::children_events(self.store(), &streams).await?);
        }
        Ok(out)
    }
}
