-- SQLite keeps instants as RFC 3339 text in UTC with microseconds (sortable), dates as ISO text.
-- The event store. Forward-only: later migrations add, never rewrite.
CREATE TABLE streams (
    council     TEXT   NOT NULL,
    stream_id   TEXT   NOT NULL,
    kind        TEXT   NOT NULL,
    version     BIGINT NOT NULL CHECK (version > 0),
    PRIMARY KEY (council, stream_id)
);
CREATE INDEX streams_kind ON streams (council, kind, stream_id);

CREATE TABLE events (
    seq             INTEGER PRIMARY KEY,
    council         TEXT        NOT NULL,
    stream_id       TEXT        NOT NULL,
    version         BIGINT      NOT NULL CHECK (version > 0),
    event_type      TEXT        NOT NULL,
    schema_version  INTEGER     NOT NULL,
    payload         TEXT        NOT NULL,
    author          TEXT        NOT NULL,
    occurred_at     TEXT        NOT NULL,
    recorded_at     TEXT        NOT NULL,
    UNIQUE (council, stream_id, version)
);

-- Person search: children and adults, with name tokens for spelling-tolerant matching.
CREATE TABLE people (
    council         TEXT   NOT NULL,
    stream_id       TEXT   NOT NULL,
    kind            TEXT   NOT NULL,
    display_name    TEXT   NOT NULL,
    family_name     TEXT   NOT NULL,
    given_names     TEXT   NOT NULL,
    date_of_birth   TEXT,
    upn             TEXT,
    nhs_number      TEXT,
    postcode        TEXT,
    PRIMARY KEY (council, stream_id)
);
CREATE INDEX people_dob ON people (council, date_of_birth);
CREATE INDEX people_upn ON people (council, upn);
CREATE INDEX people_nhs ON people (council, nhs_number);

CREATE TABLE person_names (
    council     TEXT NOT NULL,
    stream_id   TEXT NOT NULL,
    token       TEXT NOT NULL,
    phonetic    TEXT NOT NULL,
    PRIMARY KEY (council, stream_id, token)
);
CREATE INDEX person_names_token ON person_names (council, token);
CREATE INDEX person_names_phonetic ON person_names (council, phonetic);

-- Caseload lists: one row per child, as their record stands now.
CREATE TABLE caseload (
    council             TEXT        NOT NULL,
    child_id            TEXT        NOT NULL,
    display_name        TEXT        NOT NULL,
    is_open             INTEGER     NOT NULL,
    status              TEXT        NOT NULL,
    worker_id           TEXT,
    team_id             TEXT,
    legal_status        TEXT,
    cp_category         TEXT,
    opened_on           TEXT,
    last_activity_at    TEXT       ,
    PRIMARY KEY (council, child_id)
);
CREATE INDEX caseload_worker ON caseload (council, worker_id);
CREATE INDEX caseload_team ON caseload (council, team_id);

-- Every read of a child's record.
CREATE TABLE access_log (
    id          INTEGER PRIMARY KEY,
    council     TEXT        NOT NULL,
    at          TEXT        NOT NULL,
    actor       TEXT        NOT NULL,
    stream_id   TEXT        NOT NULL,
    action      TEXT        NOT NULL,
    detail      TEXT
);
CREATE INDEX access_log_stream ON access_log (council, stream_id, at);
CREATE INDEX access_log_actor ON access_log (council, actor, at);
