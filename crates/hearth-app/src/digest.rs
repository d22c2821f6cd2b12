//! The performance digest as the pages read it.
//!
//! Working out 24 months of the scorecard reads and folds every child's record, which takes
//! a borough's worth of time, so no page waits for it: the digest is worked out in the
//! background, on a thread of its own, and held with its drill-down. A page asks for the
//! digest as at today; if the one held is for an earlier day, or the record has moved on and
//! the one held is older than [`REFRESH_AFTER_MINUTES`], a new one is started and the page
//! shows the one held meanwhile, saying when it was worked out. The command line's `hearth
//! digest` works it out with [`compute`] too, so the page and the command always agree.
//!
//! Who sees what is decided in [`crate::policy`]: the service-wide readers see the service's
//! figures; a manager sees figures over the children they may see, marked as partial; every
//! list of children behind a figure holds only children the reader may see, and each child
//! listed is written to the access log before the list is shown.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, MutexGuard};

use chrono::NaiveDate;
use hearth_domain::child::fold;
use hearth_domain::{ChildId, StaffId, StreamId, StreamKind, Timestamp};
use hearth_performance::digest::{Contribution, Figure, Series, rag};
use hearth_performance::{Comparators, Digest, DigestBuilder, Month, Scorecard};
use hearth_standards::{Calendar, Ruleset};
use hearth_store::{AccessEntry, Store, reading};

use crate::policy::{self, DigestPermit, DigestScope};
use crate::{App, AppError};

/// A digest older than this is worked out again when a page asks for it and something has
/// been recorded since.
pub const REFRESH_AFTER_MINUTES: i64 = 10;

/// How long the store's position, asked to see whether anything was recorded, is trusted.
const POSITION_FOR_SECONDS: i64 = 30;

/// How long a manager's figures (over the children they may see) are kept.
pub const SEEN_FOR_MINUTES: i64 = 5;

/// How many children one page of a drill-down lists.
pub const CHILDREN_PER_PAGE: usize = 50;

/// What the digest counts: the scorecard, the rulesets its standards come from, the
/// published figures shown beside it, and how many months it covers.
pub struct DigestSetup {
    /// The scorecard.
    pub scorecard: Scorecard,
    /// Every ruleset the scorecard counts standards of.
    pub rulesets: Vec<Ruleset>,
    /// England's, the region's and the neighbours' figures.
    pub comparators: Comparators,
    /// How many months, ending with the as-at date's month.
    pub months: usize,
}

/// A digest worked out, with when and from what.
pub struct Computed {
    /// The digest, with every figure's children.
    pub digest: Digest,
    /// The store's position when the reading began: later events are not in it.
    pub position: i64,
    /// When it was finished.
    pub finished: Timestamp,
    /// Which digest this is since the application started, for what is kept beside it.
    pub generation: u64,
    /// The service's figures without their children, as the service-wide readers see them.
    service: Arc<SeenDigest>,
}

/// The digest as a page may show it now.
pub enum DigestReading {
    /// A digest is held; `refreshing` says a newer one is being worked out.
    Ready {
        /// The digest held.
        computed: Arc<Computed>,
        /// Whether a newer one is being worked out.
        refreshing: bool,
    },
    /// None is held yet; one is being worked out (since `started`), or the last attempt
    /// failed (and is logged) and another has been started.
    NotYet {
        /// When the one being worked out was started.
        started: Timestamp,
    },
    /// This application counts no scorecard.
    NoScorecard,
}

#[derive(Default)]
struct CacheState {
    latest: Option<Arc<Computed>>,
    running: Option<Timestamp>,
    generation: u64,
    /// The store's position as last asked, and when.
    position: Option<(Timestamp, i64)>,
}

/// Each manager's figures, for the digest of a generation, since when.
type SeenKept = HashMap<StaffId, (u64, Timestamp, Arc<SeenDigest>)>;

/// The held digest and the one being worked out, and each manager's figures.
#[derive(Default)]
pub(crate) struct DigestCache {
    setup: Option<Arc<DigestSetup>>,
    state: Arc<Mutex<CacheState>>,
    seen: Mutex<SeenKept>,
}

fn locked_seen(seen: &Mutex<SeenKept>) -> MutexGuard<'_, SeenKept> {
    // As `locked`: a map that is whole at every step.
    seen.lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn locked(state: &Mutex<CacheState>) -> MutexGuard<'_, CacheState> {
    // A panic while holding this lock can only come from a bug in the few lines below that
    // take it; the state they leave is still whole (two plain fields), so carry on with it.
    state
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Works out the digest from every child in the store as at the end of `as_at`: children are
/// read a batch at a time and folded one by one, so memory holds the figures, not the
/// records.
pub async fn compute(
    store: &Store,
    setup: &DigestSetup,
    calendar: &Calendar,
    as_at: NaiveDate,
) -> Result<Digest, AppError> {
    let refs: Vec<&Ruleset> = setup.rulesets.iter().collect();
    let staff = reading::workforce(store).await?;
    let streams = reading::streams_of(store, StreamKind::Child).await?;
    let mut builder = DigestBuilder::new(&setup.scorecard, &refs, calendar, as_at, setup.months)
        .map_err(|e| AppError::Internal(Box::new(e)))?;
    for batch in streams.chunks(reading::BATCH) {
        for (id, events) in reading::children_events(store, batch).await? {
            builder
                .add(&fold(&id, &events), &staff)
                .map_err(|e| AppError::Internal(Box::new(e)))?;
        }
    }
    Ok(builder.finish())
}

impl App {
    /// Counts this scorecard on the digest's pages (the binary sets the shipped one).
    pub fn with_digest(mut self, setup: DigestSetup) -> App {
        self.digest = DigestCache {
            setup: Some(Arc::new(setup)),
            ..DigestCache::default()
        };
        self
    }

    /// The published figures shown beside the digest's.
    pub fn comparators(&self) -> Option<&Comparators> {
        self.digest.setup.as_deref().map(|s| &s.comparators)
    }

    /// Starts working out the digest unless one is held or being worked out (at start-up,
    /// so the first reader finds it ready). Returns at once.
    pub fn start_digest(&self) {
        self.refresh_digest(i64::MAX);
    }

    /// Starts working out the digest if none is held for today, or the one held is stale
    /// (see the module's notes); does nothing while one is being worked out. Returns at
    /// once.
    fn refresh_digest(&self, position: i64) {
        let Some(setup) = self.digest.setup.clone() else {
            return;
        };
        let now = self.now();
        let today = now.london_date();
        let mut state = locked(&self.digest.state);
        if state.running.is_some() {
            return;
        }
        if let Some(held) = &state.latest {
            let fresh = held.digest.as_at == today
                && (held.position >= position
                    || now.utc() - held.finished.utc()
                        < chrono::Duration::minutes(REFRESH_AFTER_MINUTES));
            if fresh {
                return;
            }
        }
        state.running = Some(now);
        state.generation += 1;
        let generation = state.generation;
        drop(state);
        let store = self.store().clone();
        let calendar = self.calendar().clone();
        let shared = Arc::clone(&self.digest.state);
        let clock = self.clock.clone();
        let runtime = tokio::runtime::Handle::current();
        // Folding a borough is CPU work of a minute or more: on a blocking thread, so the
        // pages keep their worker threads.
        tokio::task::spawn_blocking(move || {
            let outcome = runtime.block_on(async {
                let position = store.last_seq().await?;
                let digest = compute(&store, &setup, &calendar, today).await?;
                Ok::<_, AppError>(Computed {
                    service: Arc::new(seen_digest(&digest, None)),
                    digest,
                    position,
                    finished: clock.now(),
                    generation,
                })
            });
            let mut state = locked(&shared);
            state.running = None;
            match outcome {
                Ok(computed) => {
                    tracing::info!(
                        children = computed.digest.children,
                        position = computed.position,
                        "digest worked out"
                    );
                    state.latest = Some(Arc::new(computed));
                }
                Err(e) => tracing::error!(error = %e, "the digest could not be worked out"),
            }
        });
    }

    /// The digest as `permit`'s holder may see it now, starting a newer one if the one held
    /// is stale.
    pub async fn digest(&self, _permit: &DigestPermit) -> Result<DigestReading, AppError> {
        if self.digest.setup.is_none() {
            return Ok(DigestReading::NoScorecard);
        }
        let now = self.now();
        let asked = locked(&self.digest.state).position;
        let position = match asked {
            Some((at, position))
                if now.utc() - at.utc() < chrono::Duration::seconds(POSITION_FOR_SECONDS) =>
            {
                position
            }
            _ => {
                let position = self.store().last_seq().await?;
                locked(&self.digest.state).position = Some((now, position));
                position
            }
        };
        self.refresh_digest(position);
        let state = locked(&self.digest.state);
        Ok(match (&state.latest, state.running) {
            (Some(computed), running) => DigestReading::Ready {
                computed: Arc::clone(computed),
                refreshing: running.is_some(),
            },
            (None, Some(started)) => DigestReading::NotYet { started },
            // Refreshing was asked for above and nothing is held or running: the attempt
            // ended (and failed) in between. Say it is being worked out; the next page
            // starts another.
            (None, None) => DigestReading::NotYet {
                started: self.now(),
            },
        })
    }

    /// The children `permit`'s holder may see, of those behind any of `figures`: decided
    /// from the store's sight projection, nothing read and nothing logged.
    pub async fn digest_sight<'f>(
        &self,
        permit: &DigestPermit,
        figures: impl IntoIterator<Item = &'f Figure>,
    ) -> Result<HashSet<ChildId>, AppError> {
        let mut wanted: HashSet<&ChildId> = HashSet::new();
        for f in figures {
            wanted.extend(f.contributions.iter().map(|c| &c.child));
        }
        let wanted: Vec<ChildId> = wanted.into_iter().cloned().collect();
        let mut seen = HashSet::new();
        let workforce = self.workforce().await;
        for chunk in wanted.chunks(reading::BATCH) {
            let sights: HashMap<ChildId, policy::Sight> = self.sights(chunk).await?;
            for (id, sight) in sights {
                if policy::sees(permit.principal(), &sight, &workforce).is_some() {
                    seen.insert(id);
                }
            }
        }
        Ok(seen)
    }

    /// One page of the children behind a figure whom `permit`'s holder may see, each written
    /// to the access log (as listed, with the figure) before it is returned.
    pub async fn digest_children<'d>(
        &self,
        permit: &DigestPermit,
        series: &'d Series,
        month: usize,
        page: usize,
    ) -> Result<DrillDown<'d>, AppError> {
        let figure = series.figures.get(month).ok_or(AppError::NotFound)?;
        let seen = self.digest_sight(permit, [figure]).await?;
        let shown = figure.seen_by(series.indicator.shape(), |c| seen.contains(c));
        let pages = shown.children.len().div_ceil(CHILDREN_PER_PAGE).max(1);
        if page == 0 || page > pages {
            return Err(AppError::NotFound);
        }
        let children: Vec<&'d Contribution> = shown
            .children
            .iter()
            .skip((page - 1) * CHILDREN_PER_PAGE)
            .take(CHILDREN_PER_PAGE)
            .copied()
            .collect();
        let at = self.now();
        let detail = format!("digest: {} ({})", series.indicator.id, figure.month.short());
        let entries: Vec<AccessEntry> = children
            .iter()
            .map(|c| AccessEntry {
                at,
                actor: permit.principal().actor().to_string(),
                stream: StreamId::child(&c.child),
                action: "list".into(),
                detail: Some(detail.clone()),
            })
            .collect();
        self.store().log_accesses(&entries).await?;
        Ok(DrillDown {
            month: figure.month,
            numerator: shown.numerator,
            denominator: shown.denominator,
            value: shown.value,
            partial: shown.partial,
            whole: (figure.numerator, figure.denominator),
            total_children: shown.children.len(),
            page,
            pages,
            children,
        })
    }
}

/// The digest as a reader may see it, without its children: the service's own figures for
/// a service-wide reader; for anyone else every figure over only the children they may see,
/// its RAG worked out again, and no month marked unusual (the usual range is the
/// service's).
pub struct SeenDigest {
    /// The figures.
    pub digest: Digest,
    /// Whether any figure leaves out children the reader may not see.
    pub partial: bool,
}

/// The digest without its children: every figure as a whole (`seen` none), or over only the
/// children in `seen`, its RAG worked out again and no month marked unusual.
fn seen_digest(whole: &Digest, seen: Option<&HashSet<ChildId>>) -> SeenDigest {
    let mut partial = false;
    let series = whole
        .series
        .iter()
        .map(|s| {
            let shape = s.indicator.shape();
            let figures = s
                .figures
                .iter()
                .map(|f| match seen {
                    None => f.clone_without_children(),
                    Some(seen) => {
                        let shown = f.seen_by(shape, |c| seen.contains(c));
                        partial |= shown.partial;
                        Figure {
                            month: f.month,
                            numerator: shown.numerator,
                            denominator: shown.denominator,
                            value: shown.value,
                            rag: shown.value.and_then(|v| rag(&s.indicator, v)),
                            anomaly: None,
                            contributions: Vec::new(),
                        }
                    }
                })
                .collect();
            Series {
                indicator: s.indicator.clone(),
                figures,
            }
        })
        .collect();
    SeenDigest {
        digest: Digest {
            scorecard: whole.scorecard.clone(),
            name: whole.name.clone(),
            as_at: whole.as_at,
            months: whole.months.clone(),
            series,
            children: whole.children,
        },
        partial,
    }
}

impl App {
    /// `computed` as `permit`'s holder may see it (see [`SeenDigest`]). Nothing of a
    /// child is shown, so nothing is logged. The service's figures are worked out once per
    /// digest; a manager's are kept for [`SEEN_FOR_MINUTES`], so a change in who they may
    /// see shows in their figures within that time (a list of children is always decided
    /// afresh).
    pub async fn digest_as_seen(
        &self,
        permit: &DigestPermit,
        computed: &Computed,
    ) -> Result<Arc<SeenDigest>, AppError> {
        if permit.scope() == DigestScope::Service {
            return Ok(Arc::clone(&computed.service));
        }
        let staff = permit.principal().staff.clone();
        let now = self.now();
        {
            let kept = locked_seen(&self.digest.seen);
            if let Some((generation, at, view)) = kept.get(&staff)
                && *generation == computed.generation
                && now.utc() - at.utc() < chrono::Duration::minutes(SEEN_FOR_MINUTES)
            {
                return Ok(Arc::clone(view));
            }
        }
        let whole = &computed.digest;
        let seen = self
            .digest_sight(permit, whole.series.iter().flat_map(|s| &s.figures))
            .await?;
        let view = Arc::new(seen_digest(whole, Some(&seen)));
        let mut kept = locked_seen(&self.digest.seen);
        kept.retain(|_, (generation, ..)| *generation == computed.generation);
        kept.insert(staff, (computed.generation, now, Arc::clone(&view)));
        Ok(view)
    }
}

/// One page of the children behind a figure.
#[derive(Debug)]
pub struct DrillDown<'d> {
    /// The month.
    pub month: Month,
    /// The numerator over the children the reader may see.
    pub numerator: u64,
    /// The denominator over them.
    pub denominator: u64,
    /// The value over them.
    pub value: Option<f64>,
    /// Whether children the reader may not see were left out.
    pub partial: bool,
    /// The service's whole figure (numerator, denominator).
    pub whole: (u64, u64),
    /// How many children the reader may see behind the figure.
    pub total_children: usize,
    /// This page, from 1.
    pub page: usize,
    /// How many pages.
    pub pages: usize,
    /// The children on this page, with the events that counted.
    pub children: Vec<&'d Contribution>,
}
