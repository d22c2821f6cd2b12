-- Who the council is, for the returns: its name, its three-digit DfE number (the CIN
-- census's LEA) and its ONS code. One row per council; replaced whole when set again.
CREATE TABLE council_settings (
    council    TEXT NOT NULL PRIMARY KEY,
    name       TEXT NOT NULL,
    la_number  TEXT NOT NULL,
    ons_code   TEXT NOT NULL
);
