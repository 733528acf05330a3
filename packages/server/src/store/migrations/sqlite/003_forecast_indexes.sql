-- The forecast counts accounts eligible since a time and not converted since they became eligible. Per
-- trigger, the eligible ones are a range of (trigger, last_eligible_at); the converted ones are found from
-- the few converted accounts through (account), instead of probing the conversions for every eligible row.
CREATE INDEX eligibility_window ON eligibility (trigger, last_eligible_at);
CREATE INDEX eligibility_account ON eligibility (account);

-- Superseded by eligibility_window (the planner never chose it: it scanned the table instead).
DROP INDEX eligibility_last;
