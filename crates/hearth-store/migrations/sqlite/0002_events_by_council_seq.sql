-- Reading in recording order (export, tailing) filters by council and walks seq; without
-- this index SQLite picks the stream index and sorts each page.
CREATE INDEX events_council_seq ON events (council, seq);
