//! Children's streams as this process last read them (the stream cache). A stream only ever grows, so a page
//! that holds one at some version need read only the events after it: the store is still
//! asked on every view (and logs it), but it sends the few new events rather than the whole
//! history, and the record is not folded again from scratch.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use hearth_domain::ChildId;
use hearth_domain::child::{ChildEvent, ChildStream};
use hearth_domain::event::Recorded;

/// At most this many children are held; a busy team's caseloads fit many times over.
const CAPACITY: usize = 2_000;

/// The streams, each with when it was last used so the least recently used goes first.
#[derive(Default)]
pub struct HeldStreams {
    inner: Mutex<Inner>,
}

#[derive(Default)]
struct Inner {
    tick: u64,
    streams: HashMap<ChildId, (u64, Arc<ChildStream>)>,
}

impl HeldStreams {
    /// The stream as last read, if it is held.
    pub fn get(&self, id: &ChildId) -> Option<Arc<ChildStream>> {
        let mut inner = self.lock();
        inner.tick += 1;
        let tick = inner.tick;
        inner.streams.get_mut(id).map(|(used, s)| {
            *used = tick;
            Arc::clone(s)
        })
    }

    /// Keeps a stream, unless a later version of it is already held.
    pub fn put(&self, stream: Arc<ChildStream>) {
        let mut inner = self.lock();
        inner.tick += 1;
        let tick = inner.tick;
        let id = stream.id().clone();
        if inner
            .streams
            .get(&id)
            .is_some_and(|(_, held)| held.version() > stream.version())
        {
            return;
        }
        inner.streams.insert(id, (tick, stream));
        if inner.streams.len() > CAPACITY {
            let oldest = inner
                .streams
                .iter()
                .min_by_key(|(_, (used, _))| *used)
                .map(|(id, _)| id.clone());
            if let Some(oldest) = oldest {
                inner.streams.remove(&oldest);
            }
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        // A panic while holding the lock leaves only a cache behind; its contents are still
        // whole streams at some version, so carrying on with them is safe.
        self.inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// `held` brought up to date with the events read after it; unchanged (and not copied) when
/// there are none.
pub fn extended(held: Arc<ChildStream>, after: Vec<Recorded<ChildEvent>>) -> Arc<ChildStream> {
    if after.is_empty() {
        return held;
    }
    let mut stream = Arc::unwrap_or_clone(held);
    stream.extend_stored(after);
    Arc::new(stream)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stream(n: usize) -> Arc<ChildStream> {
        Arc::new(ChildStream::new(
            ChildId::parse(&format!("C{n}")).expect("a valid id"),
        ))
    }

    #[test]
    fn the_least_recently_used_goes_first() {
        let cache = HeldStreams::default();
        for n in 0..CAPACITY {
            cache.put(stream(n));
        }
        // C0 is used again, so C1 is now the oldest.
        assert!(cache.get(&ChildId::parse("C0").expect("id")).is_some());
        cache.put(stream(CAPACITY));
        assert!(cache.get(&ChildId::parse("C0").expect("id")).is_some());
        assert!(cache.get(&ChildId::parse("C1").expect("id")).is_none());
        assert!(
            cache
                .get(&ChildId::parse(&format!("C{CAPACITY}")).expect("id"))
                .is_some()
        );
    }
}
