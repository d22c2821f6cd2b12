-- What decides who may see each child (worker, adviser, restriction, who recorded, chairs),
-- as JSON, so that search and duplicate warnings decide without reading every record.
-- Records written before this table existed have no row until they are next written; the
-- application decides those from the record itself.
CREATE TABLE child_sight (
    council     TEXT NOT NULL,
    child_id    TEXT NOT NULL,
    sight       TEXT NOT NULL,
    PRIMARY KEY (council, child_id)
);
