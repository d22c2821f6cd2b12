-- The day a case stops being open without anything being recorded: a care leaver's support
-- ends at 21, or 25, and their case closes with it.
ALTER TABLE caseload ADD COLUMN open_until TEXT;
