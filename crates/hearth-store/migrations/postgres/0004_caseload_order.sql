-- A worker's or a team's caseload is read in child order: with the child in the index, the
-- read is a range of the index instead of a scan of every child in the council.
DROP INDEX caseload_worker;
DROP INDEX caseload_team;
CREATE INDEX caseload_worker ON caseload (council, worker_id, child_id);
CREATE INDEX caseload_team ON caseload (council, team_id, child_id);
