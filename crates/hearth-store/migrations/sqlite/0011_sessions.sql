-- Sessions in the store, so that a restart signs no one out and every app node sees the same
-- sessions. Only a hash of the session's token is kept: a copy of this table opens nothing.
-- Each session remembers the role and team its person signed in with and the account's
-- credentials version then; a change to either ends it at its next request.
ALTER TABLE accounts ADD COLUMN credentials_version BIGINT NOT NULL DEFAULT 0;

CREATE TABLE sessions (
    council              TEXT   NOT NULL,
    token_hash           TEXT   NOT NULL,
    username             TEXT   NOT NULL,
    staff_id             TEXT   NOT NULL,
    role                 TEXT   NOT NULL,
    team_id              TEXT   NOT NULL,
    credentials_version  BIGINT NOT NULL,
    user_agent           TEXT   NOT NULL,
    started_at           TEXT NOT NULL,
    last_seen_at         TEXT NOT NULL,
    PRIMARY KEY (council, token_hash)
);
CREATE INDEX sessions_account ON sessions (council, username);

-- Failed sign-ins, per account and per address, so that throttling and lockout survive a
-- restart and hold across app nodes. A row is cleared by a successful sign-in (the
-- account's) or by an administrator lifting the lockout.
CREATE TABLE sign_in_failures (
    council          TEXT    NOT NULL,
    subject          TEXT    NOT NULL,
    failures         BIGINT  NOT NULL,
    last_failure_at  TEXT NOT NULL,
    PRIMARY KEY (council, subject)
);
