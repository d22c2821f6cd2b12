-- Reading in recording order (export, tailing) filters by council and walks seq.
CREATE INDEX events_council_seq ON events (council, seq);
