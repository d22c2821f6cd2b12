//! The access log's commit batcher: logged views, committed together. Every view of a child's record writes its access-log row
//! in the same transaction as its read, and the store commits each transaction to disk before
//! it answers. Views that arrive while a commit is under way wait for the next one and share
//! it: each still has its own row and its own read in that transaction, so nothing is shown
//! that is not logged, but concurrent views no longer queue for a disk write each.

use std::sync::Arc;

use crate::records::Records;
use hearth_domain::child::ChildEvent;
use hearth_domain::event::Recorded;
use hearth_store::AccessEntry;
use tokio::sync::{mpsc, oneshot};

use crate::error::AppError;

/// At most this many views share a transaction, so one commit never grows without bound.
const MOST: usize = 64;

type Reply = Result<Vec<Recorded<ChildEvent>>, String>;

struct View {
    entry: AccessEntry,
    after_version: u64,
    reply: oneshot::Sender<Reply>,
}

/// The queue of views waiting for their transaction.
pub struct AccessLogBatcher {
    queue: mpsc::Sender<View>,
}

impl AccessLogBatcher {
    /// Starts the task that commits the views (on the running Tokio runtime).
    pub fn start(records: Arc<Records>) -> AccessLogBatcher {
        let (queue, waiting) = mpsc::channel(4 * MOST);
        tokio::spawn(commit_views(records, waiting));
        AccessLogBatcher { queue }
    }

    /// The events of the entry's stream after `after_version`, read in the same transaction
    /// as the entry's access-log row.
    pub async fn read(
        &self,
        entry: AccessEntry,
        after_version: u64,
    ) -> Result<Vec<Recorded<ChildEvent>>, AppError> {
        let (reply, answer) = oneshot::channel();
        let view = View {
            entry,
            after_version,
            reply,
        };
        self.queue
            .send(view)
            .await
            .map_err(|_| AppError::internal_message("the access log has stopped"))?;
        answer
            .await
            .map_err(|_| AppError::internal_message("the access log dropped a view"))?
            .map_err(AppError::internal_message)
    }
}

async fn commit_views(records: Arc<Records>, mut waiting: mpsc::Receiver<View>) {
    while let Some(first) = waiting.recv().await {
        let mut views = vec![first];
        while views.len() < MOST {
            match waiting.try_recv() {
                Ok(view) => views.push(view),
                Err(_) => break,
            }
        }
        let reads: Vec<(AccessEntry, u64)> = views
            .iter()
            .map(|v| (v.entry.clone(), v.after_version))
            .collect();
        match records.view_children_events_after(&reads).await {
            Ok(results) => {
                for (view, result) in views.into_iter().zip(results) {
                    // A view whose page has gone (the browser left) needs no answer.
                    let _ = view.reply.send(result.map_err(|e| e.to_string()));
                }
            }
            Err(e) => {
                let message = e.to_string();
                for view in views {
                    let _ = view.reply.send(Err(message.clone()));
                }
            }
        }
    }
}
