//! The one error every command and query of the application gives. An edge maps it once (the
//! web crate to a page, later an API to JSON); internals keep their source for the log and
//! are never shown.

use hearth_domain::{Refusal, Rule, StreamId};
use hearth_store::StoreError;

use crate::records::RecordError;

/// Why a command or query did not succeed.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// The command broke a rule of the record; nothing was written.
    #[error("refused ({rule:?}): {reason}")]
    Refused {
        /// The rule broken.
        rule: Rule,
        /// What was wrong, in the rule's words.
        reason: String,
    },
    /// The command broke a rule of the audit record; nothing was written.
    #[error("refused ({rule}): {reason}")]
    AuditRefused {
        /// The rule broken.
        rule: hearth_assurance::AuditRule,
        /// What was wrong.
        reason: String,
    },
    /// The record changed since the caller read it, or a new record's id was taken
    /// meanwhile; nothing was written.
    #[error("{stream} has changed since it was read; nothing was written")]
    Stale {
        /// The stream that changed (a child's, or the new adult's or professional's).
        stream: StreamId,
    },
    /// No such record, or one the principal may not see or act on: the two look the same.
    #[error("not found")]
    NotFound,
    /// Anything else: for the log, never for the person.
    #[error("internal error: {0}")]
    Internal(#[source] Box<dyn std::error::Error + Send + Sync>),
}

impl AppError {
    /// An internal failure known only by a message (a stopped task, say).
    pub fn internal_message(message: impl Into<String>) -> AppError {
        AppError::Internal(message.into().into())
    }
}

impl From<Refusal> for AppError {
    fn from(r: Refusal) -> Self {
        AppError::Refused {
            rule: r.violation.rule,
            reason: r.violation.message,
        }
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Conflict { stream, .. } => AppError::Stale { stream },
            other => AppError::Internal(Box::new(other)),
        }
    }
}

impl From<RecordError> for AppError {
    fn from(e: RecordError) -> Self {
        match e {
            RecordError::Refused(r) => r.into(),
            RecordError::NotFound(_) => AppError::NotFound,
            RecordError::Store(s) => s.into(),
            other @ RecordError::NotAJourney(_) => AppError::Internal(Box::new(other)),
        }
    }
}
