-- The council's practice settings that pages measure against: the caseload promise (the
-- most open cases a worker should hold). One row per council; absent until the council
-- sets it.
CREATE TABLE council_practice (
    council           TEXT    NOT NULL PRIMARY KEY,
    caseload_promise  BIGINT  NOT NULL CHECK (caseload_promise > 0)
);
