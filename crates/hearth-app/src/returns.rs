//! The statutory returns built for a download from a page: the CIN census, the SSDA903 and
//! Ofsted's Annex A, from every child's record, as the command line builds them.
//!
//! A return reads and folds the whole service, so it is built in the background (on a
//! blocking thread) while the page shows how far it has got. Each build belongs to the member
//! of staff who asked for it, and only they may see it or download it. A return holds every
//! child it counts, so a download is written to the access log of each child read for it,
//! before the file is handed over.

use std::io::Write;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use chrono::NaiveDate;
use hearth_domain::child::fold;
use hearth_domain::{ChildId, StaffId, StreamId, StreamKind, Timestamp};
use hearth_returns::CollectionYear;
use hearth_returns::cin::{CensusBuilder, LaNumber};
use hearth_store::{AccessEntry, Store, reading};

use crate::policy::ReturnsPermit;
use crate::{App, AppError};

/// How many builds are kept, oldest dropped first.
const KEPT: usize = 20;

/// A return to build.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReturnRequest {
    /// The children in need census of a collection year, as DfE's XML.
    CinCensus(CollectionYear),
    /// The SSDA903 of a collection year with the year before beside it, as a zip of CSV
    /// tables (the year before in `prev/`), as a council submits it.
    Ssda903(CollectionYear),
    /// Ofsted's Annex A lists as at a date, as an xlsx workbook. The council's postcode
    /// areas place a child without a home postcode in or out of the area.
    AnnexA {
        /// The date the lists are as at.
        as_at: NaiveDate,
        /// The council's postcode areas, such as `BR`.
        postcode_areas: Vec<String>,
    },
}

impl ReturnRequest {
    /// What it is, in words.
    pub fn title(&self) -> String {
        match self {
            ReturnRequest::CinCensus(y) => format!("CIN census {y}"),
            ReturnRequest::Ssda903(y) => format!("SSDA903 {y}"),
            ReturnRequest::AnnexA { as_at, .. } => format!("Annex A as at {as_at}"),
        }
    }
}

/// A built return, ready to download.
#[derive(Debug)]
pub struct ReturnFile {
    /// The file's name.
    pub file_name: String,
    /// Its media type.
    pub content_type: &'static str,
    /// Its bytes.
    pub bytes: Vec<u8>,
    /// What it holds, in words.
    pub summary: String,
    /// The children read to build it.
    children: Vec<ChildId>,
}

/// Where a build has got to.
#[derive(Debug, Clone)]
pub enum BuildState {
    /// Being built: children read so far, of how many.
    Building {
        /// Children read so far.
        done: usize,
        /// Children to read.
        total: usize,
    },
    /// Built.
    Ready(Arc<ReturnFile>),
    /// It could not be built (the reason is logged).
    Failed,
}

/// A build of a return, as its owner sees it.
#[derive(Debug, Clone)]
pub struct ReturnBuild {
    /// Its number.
    pub id: u64,
    /// What is being built.
    pub request: ReturnRequest,
    /// When it was asked for.
    pub started: Timestamp,
    /// Where it has got to.
    pub state: BuildState,
}

/// Why a return was not started.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum NotStarted {
    /// The CIN census needs the council's DfE number.
    #[error(
        "the council's DfE number is not set, so there is no CIN census to build: an administrator sets it with `hearth council set`"
    )]
    NoCouncilNumber,
    /// Annex A needs at least one postcode area.
    #[error("give the council's postcode areas, such as BR")]
    NoPostcodeAreas,
}

/// How a build ended: the file, or a failure (logged where it happened).
type Outcome = Option<Result<Arc<ReturnFile>, ()>>;

struct Job {
    id: u64,
    by: StaffId,
    request: ReturnRequest,
    started: Timestamp,
    done: Arc<AtomicUsize>,
    total: Arc<AtomicUsize>,
    outcome: Arc<Mutex<Outcome>>,
}

/// The builds under way and done.
#[derive(Default)]
pub(crate) struct ReturnBuilds {
    next: AtomicU64,
    jobs: Mutex<Vec<Job>>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // The lock guards plain values that are whole at every step; a panic elsewhere while it
    // was held leaves nothing half-written, so carry on with it.
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl Job {
    fn view(&self) -> ReturnBuild {
        let state = match &*lock(&self.outcome) {
            None => BuildState::Building {
                done: self.done.load(Ordering::Relaxed),
                total: self.total.load(Ordering::Relaxed),
            },
            Some(Ok(file)) => BuildState::Ready(Arc::clone(file)),
            Some(Err(())) => BuildState::Failed,
        };
        ReturnBuild {
            id: self.id,
            request: self.request.clone(),
            started: self.started,
            state,
        }
    }
}

/// Reads every child, a batch at a time, counting them into `done`, and gives each folded
/// record to `add`; returns the children read.
async fn each_child(
    store: &Store,
    done: &AtomicUsize,
    total: &AtomicUsize,
    mut add: impl FnMut(&hearth_domain::ChildRecord),
) -> Result<Vec<ChildId>, AppError> {
    let streams = reading::streams_of(store, StreamKind::Child).await?;
    total.store(streams.len(), Ordering::Relaxed);
    let mut read = Vec::with_capacity(streams.len());
    for batch in streams.chunks(reading::BATCH) {
        for (id, events) in reading::children_events(store, batch).await? {
            add(&fold(&id, &events));
            read.push(id);
        }
        done.fetch_add(batch.len(), Ordering::Relaxed);
    }
    Ok(read)
}

fn internal(e: impl std::error::Error + Send + Sync + 'static) -> AppError {
    AppError::Internal(Box::new(e))
}

/// Builds a return from every child in the store.
async fn build(
    store: &Store,
    request: &ReturnRequest,
    la: Option<LaNumber>,
    done: &AtomicUsize,
    total: &AtomicUsize,
) -> Result<ReturnFile, AppError> {
    match request {
        ReturnRequest::CinCensus(year) => {
            let la = la.ok_or_else(|| internal(NotStarted::NoCouncilNumber))?;
            let mut census = CensusBuilder::new(*year, la).map_err(internal)?;
            let children = each_child(store, done, total, |r| {
                census.add(r);
            })
            .await?;
            let n = census.children();
            Ok(ReturnFile {
                file_name: format!("cin-census-{}.xml", year.ending_year()),
                content_type: "application/xml",
                bytes: census.finish(),
                summary: format!("children in the census: {n}"),
                children,
            })
        }
        ReturnRequest::Ssda903(year) => {
            let staff = reading::workforce(store).await?;
            let mut this = hearth_returns::ssda903::Builder::new(*year, &staff);
            let mut last = year
                .previous()
                .map(|p| hearth_returns::ssda903::Builder::new(p, &staff));
            let children = each_child(store, done, total, |r| {
                this.add(r);
                if let Some(b) = last.as_mut() {
                    b.add(r);
                }
            })
            .await?;
            let this = this.finish();
            let f = this.figures();
            let summary = format!(
                "looked after at 31 March: {}; in the year: {}; care leavers: {}",
                f.looked_after_at_end, f.looked_after_in_year, f.care_leavers
            );
            let mut files: Vec<(String, Vec<u8>)> = this
                .files()
                .into_iter()
                .map(|(n, b)| (n.to_owned(), b))
                .collect();
            if let Some(b) = last {
                files.extend(
                    b.finish()
                        .files()
                        .into_iter()
                        .map(|(n, b)| (format!("prev/{n}"), b)),
                );
            }
            Ok(ReturnFile {
                file_name: format!("ssda903-{}.zip", year.ending_year()),
                content_type: "application/zip",
                bytes: zipped(&files).map_err(internal)?,
                summary,
                children,
            })
        }
        ReturnRequest::AnnexA {
            as_at,
            postcode_areas,
        } => {
            let staff = reading::workforce(store).await?;
            let mut lists = hearth_returns::annex_a::Builder::new(*as_at, &staff)
                .council_postcode_areas(postcode_areas.iter().cloned());
            let children = each_child(store, done, total, |r| lists.add(r)).await?;
            for (id, adopter) in reading::adopters(store, *as_at).await? {
                lists.add_adopter(&id, &adopter);
            }
            let lists = lists.finish();
            let rows: usize = hearth_returns::annex_a::List::ALL
                .iter()
                .map(|l| lists.rows(*l).len())
                .sum();
            Ok(ReturnFile {
                file_name: format!("annex-a-{as_at}.xlsx"),
                content_type: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                bytes: lists.to_xlsx().map_err(internal)?,
                summary: format!("rows over the lists: {rows}"),
                children,
            })
        }
    }
}

/// The files as one zip archive, in memory.
fn zipped(files: &[(String, Vec<u8>)]) -> Result<Vec<u8>, zip::result::ZipError> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in files {
        zip.start_file(name.as_str(), options)?;
        zip.write_all(bytes)?;
    }
    Ok(zip.finish()?.into_inner())
}

impl App {
    /// Starts building a return for `permit`'s holder; returns at once with the build's
    /// number, or why it cannot be built.
    pub async fn start_return(
        &self,
        permit: &ReturnsPermit,
        request: ReturnRequest,
    ) -> Result<Result<u64, NotStarted>, AppError> {
        let la = match self.store().council_settings().await? {
            Some(s) => LaNumber::parse(&s.la_number).ok(),
            None => None,
        };
        match &request {
            ReturnRequest::CinCensus(_) if la.is_none() => {
                return Ok(Err(NotStarted::NoCouncilNumber));
            }
            ReturnRequest::AnnexA { postcode_areas, .. } if postcode_areas.is_empty() => {
                return Ok(Err(NotStarted::NoPostcodeAreas));
            }
            _ => {}
        }
        let id = self.returns.next.fetch_add(1, Ordering::Relaxed) + 1;
        let job = Job {
            id,
            by: permit.principal().staff.clone(),
            request: request.clone(),
            started: self.now(),
            done: Arc::default(),
            total: Arc::default(),
            outcome: Arc::default(),
        };
        let (done, total, outcome) = (
            Arc::clone(&job.done),
            Arc::clone(&job.total),
            Arc::clone(&job.outcome),
        );
        {
            let mut jobs = lock(&self.returns.jobs);
            jobs.push(job);
            let over = jobs.len().saturating_sub(KEPT);
            jobs.drain(..over);
        }
        let store = self.store().clone();
        let runtime = tokio::runtime::Handle::current();
        tokio::task::spawn_blocking(move || {
            let built = runtime.block_on(build(&store, &request, la, &done, &total));
            let result = match built {
                Ok(file) => Ok(Arc::new(file)),
                Err(e) => {
                    tracing::error!(error = %e, request = %request.title(), "a return could not be built");
                    Err(())
                }
            };
            *lock(&outcome) = Some(result);
        });
        Ok(Ok(id))
    }

    /// The builds `permit`'s holder asked for, newest first.
    pub fn return_builds(&self, permit: &ReturnsPermit) -> Vec<ReturnBuild> {
        let jobs = lock(&self.returns.jobs);
        jobs.iter()
            .rev()
            .filter(|j| j.by == permit.principal().staff)
            .map(Job::view)
            .collect()
    }

    /// One of `permit`'s holder's builds.
    pub fn return_build(&self, permit: &ReturnsPermit, id: u64) -> Result<ReturnBuild, AppError> {
        let jobs = lock(&self.returns.jobs);
        jobs.iter()
            .find(|j| j.id == id && j.by == permit.principal().staff)
            .map(Job::view)
            .ok_or(AppError::NotFound)
    }

    /// A built return for download, once each child read for it has had the download
    /// written to their access log.
    pub async fn download_return(
        &self,
        permit: &ReturnsPermit,
        id: u64,
    ) -> Result<Arc<ReturnFile>, AppError> {
        let build = self.return_build(permit, id)?;
        let BuildState::Ready(file) = build.state else {
            return Err(AppError::NotFound);
        };
        let at = self.now();
        let actor = permit.principal().actor().to_string();
        let detail = format!("{} downloaded", build.request.title());
        let entries: Vec<AccessEntry> = file
            .children
            .iter()
            .map(|c| AccessEntry {
                at,
                actor: actor.clone(),
                stream: StreamId::child(c),
                action: "return".into(),
                detail: Some(detail.clone()),
            })
            .collect();
        for chunk in entries.chunks(reading::BATCH * 5) {
            self.store().log_accesses(chunk).await?;
        }
        tracing::info!(actor = %actor, request = %build.request.title(), children = entries.len(), "return downloaded");
        Ok(file)
    }
}
