-- Which children each adult is or was in the network of, so that an adult's details can be
-- shown only to someone who may see one of those children. Links are kept after removal:
-- a worker who knew the adult through the child still may.
CREATE TABLE network_links (
    council     TEXT NOT NULL,
    person_id   TEXT NOT NULL,
    child_id    TEXT NOT NULL,
    PRIMARY KEY (council, person_id, child_id)
);
INSERT INTO network_links (council, person_id, child_id)
SELECT DISTINCT council, json_extract(payload, '$.person'), SUBSTR(stream_id, 7)
FROM events
WHERE event_type = 'network_member_added' AND stream_id LIKE 'child/%'
  AND json_extract(payload, '$.person') IS NOT NULL;
