//! `hearth events CHILD_ID`: prints a child's stream (or any stream, such as an audit's).
//! Reading a child's record is logged.

use std::process::ExitCode;

use clap::{Args, ValueEnum};
use hearth_app::records::{cli_actor, journey_from};
use hearth_domain::{StreamId, StreamKind};
use hearth_store::AccessEntry;

/// Arguments of `events`.
#[derive(Debug, Args)]
pub struct Events {
    /// The child's id, or any stream as kind/id (for example staff/SW1).
    id: String,
    /// `text`: one line per event; `jsonl`: the stream as one interchange line.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

/// Output formats.
#[derive(Debug, Clone, Copy, ValueEnum)]
enum Format {
    Text,
    Jsonl,
}

impl Events {
    /// Prints the stream.
    pub async fn run(self, db: &str, council: &str) -> anyhow::Result<ExitCode> {
        let stream = if self.id.contains('/') {
            StreamId::parse(&self.id)?
        } else {
            StreamId::new(StreamKind::Child, &self.id)?
        };
        let store = super::open(db, council).await?;
        let events = if stream.kind() == StreamKind::Child {
            let access = AccessEntry {
                at: crate::clock::now(),
                actor: cli_actor().to_string(),
                stream: stream.clone(),
                action: "view".to_owned(),
                detail: Some("hearth events".to_owned()),
            };
            store.read_stream_logged(&stream, &access).await?
        } else {
            store.read_stream(&stream).await?
        };
        if events.is_empty() {
            eprintln!("hearth: {stream} has no events");
            return Ok(ExitCode::from(1));
        }
        // Decoding checks every payload, whatever the output format. An audit is not an
        // interchange journey: its line has the same shape, from its own events.
        let line = if stream.kind() == StreamKind::Audit {
            let decoded: Vec<hearth_domain::event::Recorded<hearth_assurance::AuditEvent>> =
                hearth_store::codec::decode_all(&events)?;
            serde_json::json!({"stream": stream.to_string(), "events": decoded}).to_string()
        } else {
            journey_from(&stream, &events)?.to_line()?
        };
        match self.format {
            Format::Jsonl => println!("{line}"),
            Format::Text => {
                for e in &events {
                    println!(
                        "{:>5}  {}  {:<36} by {:<16} recorded {}  {}",
                        e.version, e.occurred_at, e.event_type, e.author, e.recorded_at, e.payload
                    );
                }
            }
        }
        Ok(ExitCode::SUCCESS)
    }
}
