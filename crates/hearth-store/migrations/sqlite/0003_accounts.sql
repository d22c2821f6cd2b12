-- Local sign-in accounts. Kept out of the event streams on purpose: a password hash must be
-- replaceable and removable, and the record's history is neither.
CREATE TABLE accounts (
    council        TEXT NOT NULL,
    username       TEXT NOT NULL,
    staff_id       TEXT NOT NULL,
    password_hash  TEXT NOT NULL,
    changed_at     TEXT NOT NULL,
    disabled       BOOLEAN NOT NULL DEFAULT FALSE,
    PRIMARY KEY (council, username)
);
CREATE INDEX accounts_staff ON accounts (council, staff_id);
